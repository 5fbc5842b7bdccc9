//! Tolerances used across the workspace, in one place.

/// Relative tolerance for closed-form values checked against an independent reference.
pub const CLOSED_FORM_REL: f64 = 1e-9;
/// Relative tolerance for prices where the reference is exact.
pub const PRICE_REL: f64 = 1e-12;
/// Absolute tolerance for implied-volatility round trips.
pub const IMPLIED_VOL_ABS: f64 = 1e-10;

/// True when `a` and `b` agree to `rel` relative to the larger magnitude (or `rel` absolutely near 0).
pub fn close_rel(a: f64, b: f64, rel: f64) -> bool {
    let scale = a.abs().max(b.abs()).max(1.0);
    (a - b).abs() <= rel * scale
}
