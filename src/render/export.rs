//! The human line of `crosshedge export`.

use crosshedge_app::export::ExportResponse;

/// What was written where.
pub fn render(info: &ExportResponse) -> String {
    format!(
        "wrote {} rows of {} ({}, alignment {}, {} periods/year) to {}",
        info.rows,
        info.columns.join(", "),
        info.returns.as_deref().map_or("levels".to_string(), |k| format!("{k} returns")),
        info.policy,
        info.periods_per_year,
        info.out
    )
}
