//! Trailing realised volatility of log changes.

/// Trailing realised volatility of the log changes of `levels`, annualised with
/// `periods_per_year` (decimal, 0.20 = 20 %): entry `i` is the sample standard deviation of
/// the last `window` log changes ending at `levels[i]` (the change from `i - 1` to `i` the
/// latest), times `sqrt(periods_per_year)`, or `None` while fewer than `min` (and at least 2)
/// changes exist. The result has `levels.len()` entries; entry 0 is always `None`.
///
/// Levels must be positive for the log changes to be finite; a non-positive level gives
/// non-finite entries, not an error.
pub fn trailing_realised_vol(
    levels: &[f64],
    window: usize,
    min: usize,
    periods_per_year: f64,
) -> Vec<Option<f64>> {
    let r: Vec<f64> = levels.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let mut out = vec![None; levels.len()];
    for i in 0..r.len() {
        let lo = (i + 1).saturating_sub(window);
        let x = &r[lo..=i];
        if x.len() < min.max(2) {
            continue;
        }
        let m = x.iter().sum::<f64>() / x.len() as f64;
        let var = x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (x.len() - 1) as f64;
        out[i + 1] = Some((var * periods_per_year).sqrt());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_realised_vol_matches_a_direct_computation() {
        let values: Vec<f64> =
            (0..40).map(|i| 20.0 * (1.0 + 0.03 * ((i * 7 % 5) as f64 - 2.0))).collect();
        let rv = trailing_realised_vol(&values, 10, 5, 252.0);
        assert_eq!(rv.len(), 40);
        // First value once 5 changes exist (on the 6th level).
        assert!(rv[4].is_none() && rv[5].is_some());
        let r: Vec<f64> = values.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let x = &r[29..39];
        let m = x.iter().sum::<f64>() / 10.0;
        let sd = (x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / 9.0).sqrt();
        assert!((rv[39].unwrap() - sd * 252f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn trailing_realised_vol_needs_two_changes() {
        assert_eq!(trailing_realised_vol(&[1.0, 1.1], 5, 0, 252.0), vec![None, None]);
        assert!(trailing_realised_vol(&[], 5, 1, 252.0).is_empty());
    }
}
