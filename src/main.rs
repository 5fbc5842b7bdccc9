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
    let args = cli::Cli::parse();
    match cmd::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", exit::one_line(&e));
            ExitCode::from(exit::code(&e))
        }
    }
}
