//! Shared result pieces and input checks.

use serde::Serialize;

use crate::RegimeError;

/// One estimated parameter with its standard error.
///
/// `std_error` is `None` when the Hessian at the optimum is not negative definite or not
/// invertible (a parameter on the boundary, say) — never NaN. Each model documents which
/// standard error it reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamEstimate {
    /// Parameter name, e.g. `alpha[1]` or `sigma2[0]`.
    pub name: String,
    /// Point estimate, in the units of the input series.
    pub value: f64,
    /// Standard error.
    pub std_error: Option<f64>,
}

impl ParamEstimate {
    pub(crate) fn new(name: impl Into<String>, value: f64, std_error: Option<f64>) -> Self {
        Self { name: name.into(), value, std_error }
    }
}

/// Check a series is long enough, finite and not constant; returns (mean, population variance).
pub(crate) fn check_series(
    model: &'static str,
    series: &'static str,
    y: &[f64],
    min: usize,
) -> Result<(f64, f64), RegimeError> {
    if y.len() < min {
        return Err(RegimeError::TooShort { model, n: y.len(), min });
    }
    if let Some(index) = y.iter().position(|v| !v.is_finite()) {
        return Err(RegimeError::NonFinite { model, series, index });
    }
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let tiny = 1e-14 * mean * mean;
    if !(var > tiny) || var < 1e-300 {
        return Err(RegimeError::ConstantSeries { model, series, variance: var });
    }
    Ok((mean, var))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_series_errors() {
        assert!(matches!(
            check_series("m", "y", &[1.0; 3], 10),
            Err(RegimeError::TooShort { n: 3, min: 10, .. })
        ));
        assert!(matches!(
            check_series("m", "y", &[2.5; 30], 10),
            Err(RegimeError::ConstantSeries { .. })
        ));
        let mut y: Vec<f64> = (0..30).map(|i| i as f64).collect();
        y[7] = f64::NAN;
        assert!(matches!(
            check_series("m", "y", &y, 10),
            Err(RegimeError::NonFinite { index: 7, .. })
        ));
    }
}
