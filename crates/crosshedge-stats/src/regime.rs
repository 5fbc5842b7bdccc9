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
}
