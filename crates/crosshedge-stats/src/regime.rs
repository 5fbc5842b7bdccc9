//! Regime subsets: rows grouped by a `crosshedge_core::regime::Labeling`-style label vector.

use crate::StatsError;

/// Rows belonging to each state: `rows[s]` lists, in order, the rows `i` with `labels[i] == Some(s)`.
///
/// `labels` must be aligned with the return rows (e.g. `Labeling::labels_for(&panel.dates)`).
///
/// # Errors
/// A label `≥ n_states`.
pub fn regime_rows(
    labels: &[Option<usize>],
    n_states: usize,
) -> Result<Vec<Vec<usize>>, StatsError> {
    let mut rows = vec![Vec::new(); n_states];
    for (i, l) in labels.iter().enumerate() {
        if let Some(s) = *l {
            if s >= n_states {
                return Err(StatsError::LabelOutOfRange { label: s, row: i, states: n_states });
            }
            rows[s].push(i);
        }
    }
    Ok(rows)
}

/// The values of `x` at `rows`.
pub fn subset(x: &[f64], rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&i| x[i]).collect()
}

/// Contiguous runs of each label: `(state, start, end)` with rows `start..end` (end exclusive),
/// in row order. Used to turn an episode labeling into episode windows.
pub fn label_runs(labels: &[Option<usize>]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < labels.len() {
        if let Some(s) = labels[i] {
            let mut j = i + 1;
            while j < labels.len() && labels[j] == Some(s) {
                j += 1;
            }
            out.push((s, i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The minimum-variance hedge ratio `h* = Cov(T,H)/Var(H)` on the rows of the state named `name`
/// (e.g. the calm-regime `h*` that [`crate::episode::episodes_slippage`] sizes the hedge with).
///
/// # Errors
/// An unknown state name, a label out of range, misaligned labels, or fewer than 2 rows / a
/// constant hedge in the regime.
pub fn regime_hedge_ratio(
    target: &[f64],
    hedge: &[f64],
    labels: &[Option<usize>],
    states: &[String],
    name: &str,
) -> Result<f64, StatsError> {
    if labels.len() != target.len() {
        return Err(StatsError::LengthMismatch {
            what: "regime labels",
            left: labels.len(),
            right: target.len(),
        });
    }
    let s = states
        .iter()
        .position(|x| x == name)
        .ok_or_else(|| StatsError::UnknownRegime { name: name.into() })?;
    let rows = regime_rows(labels, states.len())?;
    crate::effectiveness::min_variance_hedge_ratio(
        &subset(target, &rows[s]),
        &subset(hedge, &rows[s]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_runs() {
        let l = [Some(0), Some(0), None, Some(1), Some(0)];
        assert_eq!(regime_rows(&l, 2).unwrap(), vec![vec![0, 1, 4], vec![3]]);
        assert_eq!(label_runs(&l), vec![(0, 0, 2), (1, 3, 4), (0, 4, 5)]);
        assert!(regime_rows(&l, 1).is_err());
    }

    #[test]
    fn hedge_ratio_of_a_named_regime() {
        let t = [1.0, 2.0, 3.0, 10.0, -4.0, 7.0];
        let h = [0.5, 1.0, 1.5, 1.0, 2.0, 3.0];
        let l = [Some(0), Some(0), Some(0), Some(1), Some(1), None];
        let states = vec!["calm".to_string(), "stress".to_string()];
        assert!((regime_hedge_ratio(&t, &h, &l, &states, "calm").unwrap() - 2.0).abs() < 1e-12);
        assert!(matches!(
            regime_hedge_ratio(&t, &h, &l, &states, "x"),
            Err(StatsError::UnknownRegime { .. })
        ));
    }
}
