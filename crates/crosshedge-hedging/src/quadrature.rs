//! Gauss–Hermite quadrature for expectations over normal distributions.

/// Nodes and weights of the `n`-point Gauss–Hermite rule for the standard normal:
/// `E[f(Z)] ≈ Σ w_i f(x_i)`, exact for polynomials of degree `< 2n`.
///
/// # Formula
/// Newton's method on the orthonormal physicists' Hermite recurrence
/// `p_{j+1} = x √(2/(j+1)) p_j − √(j/(j+1)) p_{j−1}` with the classical initial guesses, then
/// `x = √2 t`, `w = w_t / √π` (Press et al., 2007, *Numerical Recipes*, 3rd ed., §4.6.1,
/// `gauher`).
pub(crate) fn gauss_hermite(n: usize) -> (Vec<f64>, Vec<f64>) {
    let pim4 = std::f64::consts::PI.powf(-0.25);
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    let m = n.div_ceil(2);
    let nf = n as f64;
    let mut z = 0.0;
    for i in 0..m {
        z = match i {
            0 => (2.0 * nf + 1.0).sqrt() - 1.855_75 * (2.0 * nf + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * nf.powf(0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (pim4, 0.0);
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                let jf = j as f64;
                p1 = z * (2.0 / (jf + 1.0)).sqrt() * p2 - (jf / (jf + 1.0)).sqrt() * p3;
            }
            pp = (2.0 * nf).sqrt() * p2;
            let step = p1 / pp;
            z -= step;
            if step.abs() <= 1e-15 * z.abs().max(1.0) {
                break;
            }
        }
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[n - 1 - i] = w[i];
    }
    let sqrt_pi = std::f64::consts::PI.sqrt();
    let nodes = x.iter().rev().map(|t| std::f64::consts::SQRT_2 * t).collect();
    let weights = w.iter().rev().map(|v| v / sqrt_pi).collect();
    (nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_hermite_integrates_normal_moments_and_the_lognormal_mean() {
        for n in [1, 2, 5, 12, 40] {
            let (x, w) = gauss_hermite(n);
            let moment = |k: i32| x.iter().zip(&w).map(|(x, w)| w * x.powi(k)).sum::<f64>();
            assert!((moment(0) - 1.0).abs() < 1e-13, "n = {n}");
            if n >= 2 {
                assert!((moment(2) - 1.0).abs() < 1e-12, "n = {n}");
                assert!(moment(1).abs() < 1e-13);
            }
            if n >= 3 {
                assert!((moment(4) - 3.0).abs() < 1e-11, "n = {n}");
            }
            if n >= 12 {
                // E[e^{0.8 Z}] = e^{0.32}.
                let e: f64 = x.iter().zip(&w).map(|(x, w)| w * (0.8 * x).exp()).sum();
                assert!((e / 0.32f64.exp() - 1.0).abs() < 1e-12, "n = {n}: {e}");
            }
        }
    }
}
