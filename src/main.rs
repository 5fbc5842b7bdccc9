//! The `crosshedge` command line: raw arguments → validated configuration → library calls.
//!
//! Exit codes: 0 success, 1 failure of the analysis, 2 bad usage or input.

// Binary-internal items are `pub` for readability; nothing here is a library API.
#![allow(unreachable_pub)]

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;
mod exit;
mod output;
mod progress;
mod render;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        // Help and version go to stdout as clap prints them; a usage error is one line on
        // stderr (the project's rule for bad input), exit 2.
        Err(e)
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        Err(e) => {
            eprintln!("{}", exit::clap_one_line(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    match cmd::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", exit::one_line(&e));
            ExitCode::from(exit::code(&e))
        }
    }
}
