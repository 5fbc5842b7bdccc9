//! The human table of `crosshedge fetch`: one row per spec.

use crosshedge_app::fetch::FetchResponse;

use crate::output;

/// One row per spec: what was asked, fetched and written, requests and cache hits.
pub fn render(res: &FetchResponse) -> String {
    let mut t = output::table(&[
        "source",
        "symbol",
        "name",
        "from",
        "to",
        "rows",
        "new",
        "revised",
        "requests",
        "cache hits",
        "sha256",
    ]);
    for s in &res.sources {
        t.add_row(vec![
            s.source.clone(),
            s.symbol.clone(),
            s.name.clone(),
            s.from.to_string(),
            s.to.to_string(),
            s.rows_fetched.to_string(),
            s.rows_new.to_string(),
            s.rows_revised.to_string(),
            s.requests.to_string(),
            s.cache_hits.to_string(),
            s.sha256.chars().take(16).collect(),
        ]);
    }
    format!("{t}\nraw cache: {}\n", res.cache_dir.display())
}
