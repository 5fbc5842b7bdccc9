//! Opens a store and runs two jobs from Rust, as the CLI, the dashboard and Python do:
//! the lead-lag relation of BTC and the VIX, and a stress test of the default hedge book.
//!
//! ```text
//! cargo run --release -- demo                      # writes demo-out/crosshedge.db
//! cargo run --release -p crosshedge-app --example lags_and_stress -- demo-out/crosshedge.db
//! ```

use crosshedge_app::lags::LagsRequest;
use crosshedge_app::pair::PairRequest;
use crosshedge_app::stress::StressRequest;
use crosshedge_app::{json, AppError, Silent, Workspace};

fn main() -> Result<(), AppError> {
    let store = std::env::args().nth(1).unwrap_or_else(|| "demo-out/crosshedge.db".into());
    let ws = Workspace::at(&store);

    // A request built in Rust: every field not named keeps its default.
    let lags = crosshedge_app::lags::run(
        &ws,
        &LagsRequest { pair: PairRequest::new("btc", "vix"), max_lag: 5 },
        &Silent,
    )?;
    println!(
        "btc on vix: synchronous beta {:.4}, Dimson beta over ±{} days {:.4} ({} rows)",
        lags.beta_synchronous, lags.dimson.max_lag, lags.dimson.beta, lags.meta.rows
    );

    // The same kind of request as a front end receives it: JSON, checked field by field.
    let req: StressRequest = json::request_from_json(r#"{"paths": 20000, "seed": 7}"#)?;
    let stress = crosshedge_app::stress::run(&ws, &req, &Silent)?;
    if let Some(r) = &stress.report {
        println!(
            "stress, {} paths over {} days: VaR99 unhedged {:.0} USD, hedged {:.0} USD ({:.1} % lower)",
            r.paths,
            r.horizon_days,
            r.unhedged.var99,
            r.hedged.var99,
            100.0 * r.var99_reduction
        );
    }
    println!("the store was read {} times for both jobs", ws.store_loads());
    Ok(())
}
