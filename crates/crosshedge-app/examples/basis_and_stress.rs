//! Builds the demo market's store in a temporary directory and runs jobs on it from Rust, as
//! the CLI, the dashboard and Python do: the basis of BTC against the VIX (calm and stress
//! correlation, the decorrelation factor), its lead-lag relation, and a stress test of the
//! default hedge book (hedged and unhedged expected shortfall).
//!
//! ```text
//! cargo run --release -p crosshedge-app --example basis_and_stress
//! cargo run --release -p crosshedge-app --example basis_and_stress -- demo-out/crosshedge.db
//! ```
//!
//! With a store's path as argument it runs on that store instead.

use crosshedge_app::basis::BasisRequest;
use crosshedge_app::lags::LagsRequest;
use crosshedge_app::pair::PairRequest;
use crosshedge_app::stress::StressRequest;
use crosshedge_app::{json, AppError, Silent, Workspace, WorkspaceConfig};

/// Stationary-bootstrap resamples of the basis intervals.
const BOOTSTRAP: usize = 200;

fn main() -> Result<(), AppError> {
    let tmp = tempfile::tempdir()
        .map_err(|e| AppError::analysis(format!("creating a temporary directory: {e}")))?;
    let ws = match std::env::args().nth(1) {
        Some(store) => Workspace::at(store),
        None => {
            // The demo market (seed 3, as the JSON snapshots use), written and imported into
            // a fresh store; the import timestamp is the caller's, fixed here.
            let cfg =
                crosshedge_demo::DemoConfig { seed: 3, ..crosshedge_demo::DemoConfig::default() };
            let market = crosshedge_demo::generate(&cfg)?;
            let store =
                crosshedge_app::demo::build_store(tmp.path(), &market, "2026-01-01T00:00:00Z")?;
            Workspace::new(WorkspaceConfig { store, data_dir: tmp.path().join("data") })
        }
    };

    // A request built in Rust: every field not named keeps its default.
    let basis = crosshedge_app::basis::run(
        &ws,
        &BasisRequest {
            pair: PairRequest::new("btc", "vix"),
            bootstrap: BOOTSTRAP,
            ..BasisRequest::default()
        },
        &Silent,
    )?;
    println!("btc on vix, {} aligned rows, {} bootstrap resamples:", basis.meta.rows, BOOTSTRAP);
    match &basis.report.decorrelation_factor {
        Some(k) => {
            println!(
                "  correlation calm {:.3} ({} rows), stress {:.3} ({} rows)",
                k.rho_calm, k.n[0], k.rho_stress, k.n[1]
            );
            let ci = k.ci95.map_or_else(
                || "not identified".to_string(),
                |[lo, hi]| format!("95 % interval {lo:.2} .. {hi:.2}"),
            );
            println!("  decorrelation factor k = h*_stress / h*_calm = {:.2} ({ci})", k.value);
        }
        None => println!("  too few calm or stress rows for a decorrelation factor"),
    }

    let lags = crosshedge_app::lags::run(
        &ws,
        &LagsRequest { pair: PairRequest::new("btc", "vix"), max_lag: 5 },
        &Silent,
    )?;
    println!(
        "  synchronous beta {:.4}, Dimson beta over ±{} days {:.4}",
        lags.beta_synchronous, lags.dimson.max_lag, lags.dimson.beta
    );

    // The same kind of request as a front end receives it: JSON, checked field by field.
    let req: StressRequest = json::request_from_json(r#"{"paths": 2000, "seed": 7}"#)?;
    let stress = crosshedge_app::stress::run(&ws, &req, &Silent)?;
    if let Some(r) = &stress.report {
        println!(
            "stress of the default book, {} paths over {} days (losses in USD):",
            r.paths, r.horizon_days
        );
        println!(
            "  ES99 unhedged {:.0}, hedged {:.0} ({:.1} % lower)",
            r.unhedged.es99,
            r.hedged.es99,
            100.0 * (1.0 - r.hedged.es99 / r.unhedged.es99)
        );
        println!("  VaR99 unhedged {:.0}, hedged {:.0}", r.unhedged.var99, r.hedged.var99);
    }
    println!("the store was read {} times for the three jobs", ws.store_loads());
    Ok(())
}
