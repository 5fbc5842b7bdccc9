//! The human answer of `crosshedge report`: where the files are.

use crosshedge_app::report::Written;

/// The paths written.
pub fn render(w: &Written) -> String {
    format!("report: {}\ndata behind it: {} and {}", w.html, w.json, w.analysis)
}
