//! A small BFGS minimiser with a backtracking line search, a numerical Hessian and dense
//! linear algebra for the handful of parameters these models have.
//!
//! The models here have at most a few dozen parameters, so a dense inverse-Hessian BFGS
//! (Nocedal & Wright 2006, Algorithm 6.1) is the right tool; it is written out rather than
//! taken from a crate to keep the build light and the stopping rule under our control.
//!
//! # References
//! - Nocedal, J. and Wright, S. (2006). *Numerical Optimization*, 2nd ed., ch. 3 and 6.

/// Outcome of a BFGS run.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    /// The arg-min.
    pub(crate) x: Vec<f64>,
    /// Objective at `x`.
    pub(crate) f: f64,
    /// Largest absolute gradient component at `x`.
    pub(crate) grad_max: f64,
    /// Iterations taken.
    pub(crate) iterations: usize,
    /// Objective (and gradient) evaluations.
    pub(crate) evaluations: usize,
    /// Whether the gradient tolerance was met.
    pub(crate) converged: bool,
}

/// Stopping rule for [`bfgs`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct BfgsOptions {
    /// Stop when every |gradient component| is below this.
    pub(crate) gtol: f64,
    /// Accept as converged, when the line search can make no more progress, if the gradient
    /// is below this looser bound (the objective is flat to machine precision there).
    pub(crate) gtol_stall: f64,
    /// Maximum iterations.
    pub(crate) max_iter: usize,
}

/// Minimise `f` from `x0`. `fg(x, g)` returns f(x) and writes the gradient into `g`; it may
/// return a non-finite value to signal an infeasible point (the line search then backs off).
/// `h0` is an optional initial inverse Hessian (row-major), e.g. the inverse BHHH matrix.
pub(crate) fn bfgs<F>(mut fg: F, x0: &[f64], h0: Option<Vec<f64>>, opts: BfgsOptions) -> Minimum
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut evaluations = 1;
    let mut f = fg(&x, &mut g);
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Minimum {
            x,
            f: f64::INFINITY,
            grad_max: f64::INFINITY,
            iterations: 0,
            evaluations,
            converged: false,
        };
    }
    let mut first = h0.is_none();
    let mut h = h0.filter(|m| m.len() == n * n).unwrap_or_else(|| identity(n));
    let mut xn = vec![0.0; n];
    let mut gn = vec![0.0; n];
    let mut d = vec![0.0; n];
    let mut iterations = 0;
    while iterations < opts.max_iter {
        let gmax = max_abs(&g);
        if gmax < opts.gtol {
            return Minimum { x, f, grad_max: gmax, iterations, evaluations, converged: true };
        }
        iterations += 1;
        // Search direction d = -H g; fall back to steepest descent if it is not a descent direction.
        for i in 0..n {
            d[i] = -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>();
        }
        let mut slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if !(slope < 0.0) {
            h = identity(n);
            for i in 0..n {
                d[i] = -g[i];
            }
            slope = -g.iter().map(|v| v * v).sum::<f64>();
        }
        // On the first iteration limit the step so that no coordinate moves by more than 1.
        let mut step = 1.0;
        if first {
            let dmax = max_abs(&d);
            if dmax > 1.0 {
                step = 1.0 / dmax;
            }
        }
        // Backtracking (Armijo) line search with quadratic interpolation.
        let mut fnew = f64::INFINITY;
        let mut accepted = false;
        for _ in 0..60 {
            for i in 0..n {
                xn[i] = x[i] + step * d[i];
            }
            fnew = fg(&xn, &mut gn);
            evaluations += 1;
            if fnew.is_finite()
                && gn.iter().all(|v| v.is_finite())
                && fnew <= f + 1e-4 * step * slope
            {
                accepted = true;
                break;
            }
            let next = if fnew.is_finite() {
                // Minimiser of the quadratic through f, slope and fnew, kept in [0.1, 0.5] step.
                let q = -slope * step * step / (2.0 * (fnew - f - slope * step));
                q.clamp(0.1 * step, 0.5 * step)
            } else {
                0.25 * step
            };
            step = next;
            if step < 1e-20 {
                break;
            }
        }
        if !accepted {
            let gmax = max_abs(&g);
            return Minimum {
                x,
                f,
                grad_max: gmax,
                iterations,
                evaluations,
                converged: gmax < opts.gtol_stall,
            };
        }
        // BFGS update of the inverse Hessian.
        let s: Vec<f64> = (0..n).map(|i| xn[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| gn[i] - g[i]).collect();
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        let fold = f;
        x.copy_from_slice(&xn);
        g.copy_from_slice(&gn);
        f = fnew;
        if sy > 1e-300 {
            if first {
                let yy: f64 = y.iter().map(|v| v * v).sum();
                let scale = sy / yy;
                for i in 0..n {
                    for j in 0..n {
                        h[i * n + j] = if i == j { scale } else { 0.0 };
                    }
                }
                first = false;
            }
            let rho = 1.0 / sy;
            let hy: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum()).collect();
            let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += -rho * (s[i] * hy[j] + hy[i] * s[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        if (fold - f).abs() <= 1e-16 * f.abs().max(1.0) && max_abs(&g) < opts.gtol_stall {
            return Minimum {
                x,
                f,
                grad_max: max_abs(&g),
                iterations,
                evaluations,
                converged: true,
            };
        }
    }
    // Out of iterations: accept the point if it is stationary to the looser tolerance.
    let gmax = max_abs(&g);
    Minimum { x, f, grad_max: gmax, iterations, evaluations, converged: gmax < opts.gtol_stall }
}

fn identity(n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        m[i * n + i] = 1.0;
    }
    m
}

pub(crate) fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0_f64, |m, x| m.max(x.abs()))
}

/// Hessian by central differences of an analytic gradient, symmetrised (row-major n×n).
/// Returns `None` if any evaluation is not finite.
pub(crate) fn hessian_from_gradient<G>(mut grad: G, x: &[f64]) -> Option<Vec<f64>>
where
    G: FnMut(&[f64], &mut [f64]) -> bool,
{
    let n = x.len();
    let mut hess = vec![0.0; n * n];
    let mut xp = x.to_vec();
    let mut gp = vec![0.0; n];
    let mut gm = vec![0.0; n];
    for i in 0..n {
        let h = 1e-5 * x[i].abs().max(1.0);
        xp[i] = x[i] + h;
        if !grad(&xp, &mut gp) {
            return None;
        }
        xp[i] = x[i] - h;
        if !grad(&xp, &mut gm) {
            return None;
        }
        xp[i] = x[i];
        for j in 0..n {
            hess[j * n + i] = (gp[j] - gm[j]) / (2.0 * h);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let v = 0.5 * (hess[i * n + j] + hess[j * n + i]);
            hess[i * n + j] = v;
            hess[j * n + i] = v;
        }
    }
    if hess.iter().all(|v| v.is_finite()) {
        Some(hess)
    } else {
        None
    }
}

/// Inverse of a row-major n×n matrix by Gauss–Jordan elimination with partial pivoting.
/// Returns `None` if the matrix is numerically singular.
pub(crate) fn invert(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut m = a.to_vec();
    let mut inv = identity(n);
    let scale = max_abs(a).max(f64::MIN_POSITIVE);
    for col in 0..n {
        let mut piv = col;
        for r in col + 1..n {
            if m[r * n + col].abs() > m[piv * n + col].abs() {
                piv = r;
            }
        }
        if m[piv * n + col].abs() <= 1e-14 * scale {
            return None;
        }
        if piv != col {
            for c in 0..n {
                m.swap(piv * n + c, col * n + c);
                inv.swap(piv * n + c, col * n + c);
            }
        }
        let p = m[col * n + col];
        for c in 0..n {
            m[col * n + c] /= p;
            inv[col * n + c] /= p;
        }
        for r in 0..n {
            if r != col {
                let fct = m[r * n + col];
                if fct != 0.0 {
                    for c in 0..n {
                        m[r * n + c] -= fct * m[col * n + c];
                        inv[r * n + c] -= fct * inv[col * n + c];
                    }
                }
            }
        }
    }
    Some(inv)
}

/// Solve `a x = b` for a small dense system (row-major), `None` if singular.
pub(crate) fn solve(a: &[f64], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let inv = invert(a, n)?;
    Some((0..n).map(|i| (0..n).map(|j| inv[i * n + j] * b[j]).sum()).collect())
}

/// `J C Jᵀ` for J (m×n) and C (n×n), row-major; returns the m×m result.
pub(crate) fn sandwich(j: &[f64], c: &[f64], m: usize, n: usize) -> Vec<f64> {
    let mut jc = vec![0.0; m * n];
    for r in 0..m {
        for k in 0..n {
            jc[r * n + k] = (0..n).map(|l| j[r * n + l] * c[l * n + k]).sum();
        }
    }
    let mut out = vec![0.0; m * m];
    for r in 0..m {
        for s in 0..m {
            out[r * m + s] = (0..n).map(|k| jc[r * n + k] * j[s * n + k]).sum();
        }
    }
    out
}

/// Standard errors from a covariance matrix's diagonal; `None` where the variance is not a
/// positive finite number (a non-positive-definite Hessian).
pub(crate) fn std_errors(cov: &[f64], m: usize) -> Vec<Option<f64>> {
    (0..m)
        .map(|i| {
            let v = cov[i * m + i];
            (v.is_finite() && v > 0.0).then(|| v.sqrt())
        })
        .collect()
}

/// The logistic function 1 / (1 + e^{-x}).
pub(crate) fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// ln Σ e^{v_i} without overflow.
#[inline]
pub(crate) fn lse(v: &[f64]) -> f64 {
    let m = v.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfgs_rosenbrock() {
        let r = bfgs(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            &[-1.2, 1.0],
            None,
            BfgsOptions { gtol: 1e-10, gtol_stall: 1e-6, max_iter: 500 },
        );
        assert!(r.converged);
        assert!((r.x[0] - 1.0).abs() < 1e-8 && (r.x[1] - 1.0).abs() < 1e-8, "{:?}", r.x);
    }

    #[test]
    fn invert_3x3() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let inv = invert(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
        assert!(invert(&[1.0, 2.0, 2.0, 4.0], 2).is_none());
    }

    #[test]
    fn log_sum_exp_is_stable() {
        assert!((lse(&[-1000.0, -1000.0]) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((lse(&[1000.0, 1000.0, 1000.0]) - (1000.0 + 3f64.ln())).abs() < 1e-12);
    }
}
