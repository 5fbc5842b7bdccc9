//! Shared by the app crate's integration tests: a demo store (seed 3, as the CLI's JSON
//! snapshots use) built once per test binary in a temporary directory.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use crosshedge_app::Workspace;

/// The directory holding `crosshedge.db` and `data/` of the seed-3 demo market, built on
/// first use and kept for the life of the test process.
pub(crate) fn demo_dir() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = crosshedge_demo::DemoConfig { seed: 3, ..crosshedge_demo::DemoConfig::default() };
        let market = crosshedge_demo::generate(&cfg).unwrap();
        crosshedge_app::demo::build_store(dir.path(), &market, "2026-01-01T00:00:00Z").unwrap();
        dir
    })
    .path()
    .to_path_buf()
}

/// The demo store's path.
pub(crate) fn demo_store() -> PathBuf {
    demo_dir().join("crosshedge.db")
}

/// A workspace on the demo store whose data directory is the demo's `data/`.
pub(crate) fn demo_workspace() -> Workspace {
    let dir = demo_dir();
    Workspace::new(crosshedge_app::WorkspaceConfig {
        store: dir.join("crosshedge.db"),
        data_dir: dir.join("data"),
    })
}
