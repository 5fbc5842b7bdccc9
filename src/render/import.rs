//! The human table of `crosshedge import` and its note on differing values.

use crosshedge_app::import::ImportResponse;
use crosshedge_data::store::OnConflict;

use crate::output;

/// The table of the imported series (one row per file and series).
pub fn render(res: &ImportResponse) -> String {
    let mut t =
        output::table(&["file", "rows", "series", "new", "unchanged", "conflicts", "sha256"]);
    for s in &res.series {
        for c in &s.series {
            t.add_row(vec![
                s.file.clone(),
                s.rows.to_string(),
                c.name.clone(),
                c.new.to_string(),
                c.unchanged.to_string(),
                c.conflicts.to_string(),
                s.sha256[..16].to_string(),
            ]);
        }
    }
    let mut out = t.to_string();
    for s in res.series.iter().filter(|s| s.unchanged) {
        out.push_str(&format!(
            "\n{}: no-op: every value is already stored, nothing changed and no import recorded",
            s.file
        ));
    }
    out
}

/// The note on values that differed from the store under the policy `on_conflict`, when any
/// did.
pub fn conflicts_note(res: &ImportResponse, on_conflict: OnConflict) -> Option<String> {
    let conflicts: u64 = res.series.iter().flat_map(|s| &s.series).map(|c| c.conflicts).sum();
    (conflicts > 0).then(|| {
        format!(
            "note: {conflicts} values differed from the store; policy {on_conflict:?} ({})",
            match on_conflict {
                OnConflict::Keep => "stored values stay current; new ones kept as revisions",
                OnConflict::Replace => "new values are current; old ones kept as revisions",
                OnConflict::Fail => "refused",
            }
        )
    })
}
