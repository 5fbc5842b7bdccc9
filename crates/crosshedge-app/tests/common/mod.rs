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

/// The CLI's JSON snapshot `name` (the workspace's `tests/snapshots/NAME.json`) as text.
pub(crate) fn snapshot_text(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/snapshots")
        .join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The same keys, strings and structure, numbers equal to 1e-12 relative (the app's test
/// build may round the last bit of a sum differently from the binary's build; the CLI's
/// snapshot test checks the bytes). `Err` names the first differing path.
pub(crate) fn close(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()) {
                Ok(())
            } else {
                Err(format!("{at}: {x} vs {y}"))
            }
        }
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (p, q))| close(p, q, &format!("{at}[{i}]"))),
        (serde_json::Value::Object(x), serde_json::Value::Object(y))
            if x.keys().collect::<Vec<_>>() == y.keys().collect::<Vec<_>>() =>
        {
            x.iter().try_for_each(|(k, v)| close(v, &y[k], &format!("{at}.{k}")))
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} vs {b}")),
    }
}
