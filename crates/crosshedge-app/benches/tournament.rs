//! The hedge tournament on the demo store (issue 13's speed goal: all candidates × all
//! episodes + a 100,000-path stress in ≤ 10 s on 2 cores): `tournament::run` with the default
//! request (10 candidates, the demo catalogue's episodes, 100,000 paths × 21 days, 1,000
//! bootstrap resamples per band, a 9-point frontier), on a demo store built once in a
//! temporary directory. Phases are printed once before the measurement (`TOURNAMENT_PHASES`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use crosshedge_app::demo::DemoRequest;
use crosshedge_app::measure::MeasureRequest;
use crosshedge_app::tournament::TournamentRequest;
use crosshedge_app::{Silent, Workspace, WorkspaceConfig};

fn tournament(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let demo = DemoRequest {
        out: out.clone(),
        stress_paths: 1000,
        bootstrap: 50,
        ..DemoRequest::default()
    };
    crosshedge_app::demo::run(&out.join("data-dir"), &demo, &Silent).unwrap();
    let ws = Workspace::new(WorkspaceConfig {
        store: out.join("crosshedge.db"),
        data_dir: out.join("data"),
    });
    let req = TournamentRequest {
        measure: MeasureRequest { crypto_vol: Some("dvol".into()), ..MeasureRequest::default() },
        ..TournamentRequest::default()
    };
    let mut g = c.benchmark_group("tournament");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("demo_btc_all_candidates_100k_paths", |b| {
        b.iter(|| {
            // A fresh workspace each time: nothing memoised from the previous iteration.
            let ws = Workspace::new(ws.config().clone());
            black_box(crosshedge_app::tournament::run(&ws, &req, &Silent).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, tournament);
criterion_main!(benches);
