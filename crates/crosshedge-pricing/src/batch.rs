//! Batch (structure-of-arrays) entry points: slices in, slices out, no allocation per option.
//!
//! The batch kernels run at the best instruction-set level of the CPU ([`SimdLevel::detected`]:
//! AVX-512, AVX2+FMA or the portable baseline, see [`crate::simd`]); the `_at` variants take the
//! level explicitly (for tests and benchmarks). Every level agrees with the scalar functions
//! ([`crate::black76_greeks`]) to 1e-13 relative.

use crate::black::OptionKind;
use crate::fast::{black76_all, black_scholes_all, B76In, B76Out, BsIn};
use crate::implied::implied_total_vol;
use crate::implied_fast::{implied_vol_chunk, IvIn, IV_CHUNK};
use crate::simd::{Kernel, MulAdd, SimdLevel};
use crate::PricingError;

/// A batch of Black-76 options as parallel slices (all of the same length).
#[derive(Clone, Copy, Debug)]
pub struct Black76Batch<'a> {
    /// Call or put per option.
    pub kind: &'a [OptionKind],
    /// Futures prices (> 0).
    pub forward: &'a [f64],
    /// Strikes (> 0).
    pub strike: &'a [f64],
    /// Annualised volatilities (≥ 0).
    pub vol: &'a [f64],
    /// Times to expiry in years (≥ 0).
    pub t_years: &'a [f64],
    /// Continuously compounded discount rates.
    pub rate: &'a [f64],
}

/// Price and greeks of a batch as parallel vectors (true derivatives, as in
/// [`crate::Greeks`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct GreeksSoA {
    /// Present values.
    pub price: Vec<f64>,
    /// `∂V/∂F`.
    pub delta: Vec<f64>,
    /// `∂²V/∂F²`.
    pub gamma: Vec<f64>,
    /// `∂V/∂σ`.
    pub vega: Vec<f64>,
    /// `−∂V/∂T` per year.
    pub theta: Vec<f64>,
    /// `∂V/∂r`.
    pub rho: Vec<f64>,
}

impl GreeksSoA {
    /// Sets every vector's length to `n` (no write when it already is: a reused output costs no
    /// extra pass over memory; a fresh one is allocated zeroed, so the kernel's own writes are
    /// its only pass).
    fn resize(&mut self, n: usize) {
        for v in [
            &mut self.price,
            &mut self.delta,
            &mut self.gamma,
            &mut self.vega,
            &mut self.theta,
            &mut self.rho,
        ] {
            resize_output(v, n);
        }
    }
}

/// `v` at length `n` for the kernel to overwrite: kept when it already has the length, else a
/// zeroed allocation (`vec![0.0; n]` asks the allocator for zeroed memory, which for large
/// outputs is fresh zero pages: no pass over memory before the kernel's).
fn resize_output(v: &mut Vec<f64>, n: usize) {
    if v.len() != n {
        if v.capacity() >= n {
            v.truncate(n);
            v.resize(n, 0.0);
        } else {
            *v = vec![0.0; n];
        }
    }
}

fn check_len(name: &'static str, len: usize, expected: usize) -> Result<(), PricingError> {
    if len == expected {
        Ok(())
    } else {
        Err(PricingError::LengthMismatch { name, len, expected })
    }
}

fn item(index: usize, r: Result<f64, PricingError>) -> Result<f64, PricingError> {
    r.map_err(|e| PricingError::BatchItem { index, source: Box::new(e) })
}

impl Black76Batch<'_> {
    /// Number of options.
    pub fn len(&self) -> usize {
        self.forward.len()
    }

    /// True when the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.forward.is_empty()
    }

    fn check_lengths(&self) -> Result<(), PricingError> {
        let n = self.len();
        check_len("kind", self.kind.len(), n)?;
        check_len("strike", self.strike.len(), n)?;
        check_len("vol", self.vol.len(), n)?;
        check_len("t_years", self.t_years.len(), n)?;
        check_len("rate", self.rate.len(), n)
    }

    /// The first invalid option from `start` on, as a [`PricingError::BatchItem`].
    fn first_invalid(&self, start: usize) -> PricingError {
        for i in start..self.len() {
            let checks = [
                PricingError::positive("forward", self.forward[i]),
                PricingError::positive("strike", self.strike[i]),
                PricingError::non_negative("vol", self.vol[i]),
                PricingError::non_negative("t_years", self.t_years[i]),
                PricingError::finite("rate", self.rate[i]),
            ];
            if let Some(Err(e)) = checks.into_iter().find(Result::is_err) {
                return PricingError::BatchItem { index: i, source: Box::new(e) };
            }
        }
        // Unreachable: the kernel reported an invalid option at or after `start`.
        PricingError::InsufficientData { what: format!("no invalid option after {start}") }
    }
}

/// The Black-76 batch as a [`Kernel`], compiled once per [`SimdLevel`].
struct Black76Kernel<'a, 'b> {
    inp: B76In<'a>,
    out: B76Out<'b>,
}

impl Kernel for Black76Kernel<'_, '_> {
    type Output = Result<(), usize>;
    #[inline(always)]
    fn run<M: MulAdd>(mut self) -> Self::Output {
        black76_all::<M>(&self.inp, &mut self.out)
    }
}

/// Black-76 price and greeks for every option of `batch`, written into `out` (resized), at the
/// best instruction-set level of this CPU.
///
/// # Errors
/// [`PricingError::LengthMismatch`] when the slices differ in length;
/// [`PricingError::BatchItem`] naming the first invalid option (the contents of `out` are then
/// unspecified).
pub fn black76_greeks_batch(
    batch: &Black76Batch<'_>,
    out: &mut GreeksSoA,
) -> Result<(), PricingError> {
    black76_greeks_batch_at(SimdLevel::detected(), batch, out)
}

/// [`black76_greeks_batch`] at a given instruction-set level.
///
/// # Errors
/// As [`black76_greeks_batch`], and [`PricingError::SimdUnavailable`] when this CPU lacks
/// `level`.
pub fn black76_greeks_batch_at(
    level: SimdLevel,
    batch: &Black76Batch<'_>,
    out: &mut GreeksSoA,
) -> Result<(), PricingError> {
    batch.check_lengths()?;
    if !level.is_available() {
        return Err(PricingError::SimdUnavailable { level });
    }
    out.resize(batch.len());
    let out = GreeksOut {
        price: &mut out.price,
        delta: &mut out.delta,
        gamma: &mut out.gamma,
        vega: &mut out.vega,
        theta: &mut out.theta,
        rho: &mut out.rho,
    };
    run_black76(level, batch, out)
}

/// The six output slices of a batch written in place: a caller's own buffers (a reused output,
/// numpy arrays), each as long as the batch.
#[derive(Debug)]
pub struct GreeksOut<'a> {
    /// Present values.
    pub price: &'a mut [f64],
    /// `∂V/∂F`.
    pub delta: &'a mut [f64],
    /// `∂²V/∂F²`.
    pub gamma: &'a mut [f64],
    /// `∂V/∂σ`.
    pub vega: &'a mut [f64],
    /// `−∂V/∂T` per year.
    pub theta: &'a mut [f64],
    /// `∂V/∂r`.
    pub rho: &'a mut [f64],
}

/// [`black76_greeks_batch`] into the caller's slices (no allocation: what a reused buffer or a
/// binding's preallocated arrays need), at the best instruction-set level of this CPU; the
/// same bits as [`black76_greeks_batch`].
///
/// # Errors
/// As [`black76_greeks_batch`]; [`PricingError::LengthMismatch`] naming the output
/// (`out.price`, ...) whose length differs from the batch's.
pub fn black76_greeks_batch_into(
    batch: &Black76Batch<'_>,
    out: GreeksOut<'_>,
) -> Result<(), PricingError> {
    batch.check_lengths()?;
    let n = batch.len();
    for (name, len) in [
        ("out.price", out.price.len()),
        ("out.delta", out.delta.len()),
        ("out.gamma", out.gamma.len()),
        ("out.vega", out.vega.len()),
        ("out.theta", out.theta.len()),
        ("out.rho", out.rho.len()),
    ] {
        check_len(name, len, n)?;
    }
    run_black76(SimdLevel::detected(), batch, out)
}

/// The Black-76 kernel at `level` on a checked batch and outputs of its length.
fn run_black76(
    level: SimdLevel,
    batch: &Black76Batch<'_>,
    out: GreeksOut<'_>,
) -> Result<(), PricingError> {
    let kernel = Black76Kernel {
        inp: B76In {
            kind: batch.kind,
            f: batch.forward,
            k: batch.strike,
            vol: batch.vol,
            t: batch.t_years,
            r: batch.rate,
        },
        out: B76Out {
            price: out.price,
            delta: out.delta,
            gamma: out.gamma,
            vega: out.vega,
            theta: out.theta,
            rho: out.rho,
        },
    };
    match level.run(kernel) {
        None => Err(PricingError::SimdUnavailable { level }),
        Some(Ok(())) => Ok(()),
        Some(Err(start)) => Err(batch.first_invalid(start)),
    }
}

/// A batch of Black–Scholes options (spot with a continuous dividend yield) as parallel slices
/// (all of the same length).
#[derive(Clone, Copy, Debug)]
pub struct BlackScholesBatch<'a> {
    /// Call or put per option.
    pub kind: &'a [OptionKind],
    /// Spot prices (> 0).
    pub spot: &'a [f64],
    /// Strikes (> 0).
    pub strike: &'a [f64],
    /// Annualised volatilities (≥ 0).
    pub vol: &'a [f64],
    /// Times to expiry in years (≥ 0).
    pub t_years: &'a [f64],
    /// Continuously compounded risk-free rates.
    pub rate: &'a [f64],
    /// Continuously compounded dividend yields.
    pub div_yield: &'a [f64],
}

/// Black–Scholes price and greeks of a batch (delta and gamma with respect to spot, as in
/// [`crate::BlackScholesGreeks`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct BlackScholesGreeksSoA {
    /// Price and the common greeks.
    pub greeks: GreeksSoA,
    /// `∂V/∂q`, per 1.0 of dividend yield.
    pub dividend_rho: Vec<f64>,
}

impl BlackScholesBatch<'_> {
    /// Number of options.
    pub fn len(&self) -> usize {
        self.spot.len()
    }

    /// True when the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.spot.is_empty()
    }

    fn check_lengths(&self) -> Result<(), PricingError> {
        let n = self.len();
        check_len("kind", self.kind.len(), n)?;
        check_len("strike", self.strike.len(), n)?;
        check_len("vol", self.vol.len(), n)?;
        check_len("t_years", self.t_years.len(), n)?;
        check_len("rate", self.rate.len(), n)?;
        check_len("div_yield", self.div_yield.len(), n)
    }

    fn first_invalid(&self, start: usize) -> PricingError {
        for i in start..self.len() {
            let checks = [
                PricingError::positive("spot", self.spot[i]),
                PricingError::positive("strike", self.strike[i]),
                PricingError::non_negative("vol", self.vol[i]),
                PricingError::non_negative("t_years", self.t_years[i]),
                PricingError::finite("rate", self.rate[i]),
                PricingError::finite("div_yield", self.div_yield[i]),
            ];
            if let Some(Err(e)) = checks.into_iter().find(Result::is_err) {
                return PricingError::BatchItem { index: i, source: Box::new(e) };
            }
        }
        PricingError::InsufficientData { what: format!("no invalid option after {start}") }
    }
}

struct BlackScholesKernel<'a, 'b> {
    inp: BsIn<'a>,
    out: B76Out<'b>,
    drho: &'b mut [f64],
}

impl Kernel for BlackScholesKernel<'_, '_> {
    type Output = Result<(), usize>;
    #[inline(always)]
    fn run<M: MulAdd>(mut self) -> Self::Output {
        black_scholes_all::<M>(&self.inp, &mut self.out, self.drho)
    }
}

/// Black–Scholes price and greeks for every option of `batch`, written into `out` (resized), at
/// the best instruction-set level of this CPU.
///
/// # Errors
/// [`PricingError::LengthMismatch`] when the slices differ in length;
/// [`PricingError::BatchItem`] naming the first invalid option (the contents of `out` are then
/// unspecified).
pub fn black_scholes_greeks_batch(
    batch: &BlackScholesBatch<'_>,
    out: &mut BlackScholesGreeksSoA,
) -> Result<(), PricingError> {
    black_scholes_greeks_batch_at(SimdLevel::detected(), batch, out)
}

/// [`black_scholes_greeks_batch`] at a given instruction-set level.
///
/// # Errors
/// As [`black_scholes_greeks_batch`], and [`PricingError::SimdUnavailable`] when this CPU lacks
/// `level`.
pub fn black_scholes_greeks_batch_at(
    level: SimdLevel,
    batch: &BlackScholesBatch<'_>,
    out: &mut BlackScholesGreeksSoA,
) -> Result<(), PricingError> {
    batch.check_lengths()?;
    if !level.is_available() {
        return Err(PricingError::SimdUnavailable { level });
    }
    let n = batch.len();
    out.greeks.resize(n);
    resize_output(&mut out.dividend_rho, n);
    let g = &mut out.greeks;
    let kernel = BlackScholesKernel {
        inp: BsIn {
            kind: batch.kind,
            s: batch.spot,
            k: batch.strike,
            vol: batch.vol,
            t: batch.t_years,
            r: batch.rate,
            q: batch.div_yield,
        },
        out: B76Out {
            price: &mut g.price,
            delta: &mut g.delta,
            gamma: &mut g.gamma,
            vega: &mut g.vega,
            theta: &mut g.theta,
            rho: &mut g.rho,
        },
        drho: &mut out.dividend_rho,
    };
    match level.run(kernel) {
        None => Err(PricingError::SimdUnavailable { level }),
        Some(Ok(())) => Ok(()),
        Some(Err(start)) => Err(batch.first_invalid(start)),
    }
}

/// A batch of Black-76 implied-volatility problems as parallel slices.
#[derive(Clone, Copy, Debug)]
pub struct ImpliedVolBatch<'a> {
    /// Call or put per option.
    pub kind: &'a [OptionKind],
    /// Present values.
    pub price: &'a [f64],
    /// Futures prices (> 0).
    pub forward: &'a [f64],
    /// Strikes (> 0).
    pub strike: &'a [f64],
    /// Times to expiry in years (> 0).
    pub t_years: &'a [f64],
    /// Continuously compounded discount rates.
    pub rate: &'a [f64],
}

/// Black-76 implied volatilities of every option of `batch`, written into `out`, at the best
/// instruction-set level of this CPU.
///
/// The options are solved in chunks of eight across SIMD lanes (issue 14): Jäckel's reduction to
/// a normalised out-of-the-money call, a branch-free initial guess from his lower map, rational
/// cubic and upper map anchored at the inflection point, then Householder steps of order three
/// on Let's Be Rational's objectives, with the batch kernels' own `exp`, `ln` and `Φ` — two
/// steps on typical inputs. A lane is kept only when the last steps show convergence to
/// rounding and its solution lies where the fast `Φ` is accurate (`|x/s ± s/2| ≤ 4√2`; where
/// the price's two terms cancel, Jäckel's Taylor series in `s/2` instead); every other option
/// (invalid inputs, prices at or near a bound, deep tails: prices below about 1e-8 of the
/// forward) goes to the scalar Let's Be Rational
/// ([`crate::implied_vol_black76`]). The result agrees with the scalar solver to 1e-12
/// relative where the volatility is well determined (vega·σ/price ≥ 0.5) and reprices the
/// input to 1e-13 everywhere (property-tested at every level); the two FMA levels give the same
/// bits, the baseline agrees with them to rounding.
///
/// # Errors
/// [`PricingError::LengthMismatch`] when a slice (or `out`) differs in length;
/// [`PricingError::BatchItem`] naming the first option whose price admits no volatility or
/// whose inputs are invalid (the elements before it are filled in).
pub fn implied_vol_black76_batch(
    batch: &ImpliedVolBatch<'_>,
    out: &mut [f64],
) -> Result<(), PricingError> {
    implied_vol_black76_batch_at(SimdLevel::detected(), batch, out)
}

/// [`implied_vol_black76_batch`] at a given instruction-set level.
///
/// # Errors
/// As [`implied_vol_black76_batch`], and [`PricingError::SimdUnavailable`] when this CPU lacks
/// `level`.
pub fn implied_vol_black76_batch_at(
    level: SimdLevel,
    batch: &ImpliedVolBatch<'_>,
    out: &mut [f64],
) -> Result<(), PricingError> {
    let n = batch.price.len();
    check_len("kind", batch.kind.len(), n)?;
    check_len("forward", batch.forward.len(), n)?;
    check_len("strike", batch.strike.len(), n)?;
    check_len("t_years", batch.t_years.len(), n)?;
    check_len("rate", batch.rate.len(), n)?;
    check_len("out", out.len(), n)?;
    level.run(ImpliedKernel { batch, out }).unwrap_or(Err(PricingError::SimdUnavailable { level }))
}

/// The implied-volatility batch as a [`Kernel`]: the lane-parallel solver
/// ([`crate::implied_fast`]) chunk by chunk, the scalar solver for the lanes it leaves.
struct ImpliedKernel<'a, 'b> {
    batch: &'a ImpliedVolBatch<'a>,
    out: &'b mut [f64],
}

impl Kernel for ImpliedKernel<'_, '_> {
    type Output = Result<(), PricingError>;
    #[inline(always)]
    fn run<M: MulAdd>(self) -> Self::Output {
        let batch = self.batch;
        let n = batch.price.len();
        let mut c = 0;
        while c < n {
            let m = IV_CHUNK.min(n - c);
            let mut vol = [0.0; IV_CHUNK];
            let mut ok = [false; IV_CHUNK];
            if m == IV_CHUNK {
                let r = c..c + m;
                let inp = IvIn {
                    kind: &batch.kind[r.clone()],
                    price: &batch.price[r.clone()],
                    f: &batch.forward[r.clone()],
                    k: &batch.strike[r.clone()],
                    t: &batch.t_years[r.clone()],
                    r: &batch.rate[r],
                };
                let _steps = implied_vol_chunk::<M>(&inp, &mut vol, &mut ok);
            } else {
                // The last, partial chunk through padded copies (a zero price is never solved by
                // the fast path, so the padding costs no iterations).
                let mut kind = [OptionKind::Call; IV_CHUNK];
                let (mut p, mut f, mut k, mut t, mut r) = (
                    [0.0; IV_CHUNK],
                    [1.0; IV_CHUNK],
                    [1.0; IV_CHUNK],
                    [1.0; IV_CHUNK],
                    [0.0; IV_CHUNK],
                );
                kind[..m].copy_from_slice(&batch.kind[c..n]);
                p[..m].copy_from_slice(&batch.price[c..n]);
                f[..m].copy_from_slice(&batch.forward[c..n]);
                k[..m].copy_from_slice(&batch.strike[c..n]);
                t[..m].copy_from_slice(&batch.t_years[c..n]);
                r[..m].copy_from_slice(&batch.rate[c..n]);
                let inp = IvIn { kind: &kind, price: &p, f: &f, k: &k, t: &t, r: &r };
                let _steps = implied_vol_chunk::<M>(&inp, &mut vol, &mut ok);
            }
            // In index order, so that the first failing option is the one reported and every
            // element before it is written.
            for j in 0..m {
                self.out[c + j] = if ok[j] { vol[j] } else { scalar_implied_vol(batch, c + j)? };
            }
            c += m;
        }
        Ok(())
    }
}

/// One option of the batch by the scalar solver (the lanes the fast path leaves), with the
/// batch's errors.
#[inline(never)]
fn scalar_implied_vol(batch: &ImpliedVolBatch<'_>, i: usize) -> Result<f64, PricingError> {
    let (p, f, k, t, r) =
        (batch.price[i], batch.forward[i], batch.strike[i], batch.t_years[i], batch.rate[i]);
    let valid = p.is_finite()
        && p >= 0.0
        && f.is_finite()
        && f > 0.0
        && k.is_finite()
        && k > 0.0
        && t.is_finite()
        && t > 0.0
        && r.is_finite();
    if !valid {
        return Err(PricingError::BatchItem {
            index: i,
            source: Box::new(PricingError::InsufficientData {
                what: format!(
                    "invalid inputs price={p} forward={f} strike={k} t_years={t} rate={r}"
                ),
            }),
        });
    }
    let s = item(i, implied_total_vol(batch.kind[i], p, f, k, (-r * t).exp()))?;
    Ok(s / t.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_callers_slices_gives_the_batch_bits_and_checks_lengths() {
        let n = 37;
        let kind: Vec<OptionKind> =
            (0..n).map(|i| if i % 3 == 0 { OptionKind::Put } else { OptionKind::Call }).collect();
        let f: Vec<f64> = (0..n).map(|i| 10.0 + i as f64).collect();
        let k: Vec<f64> = (0..n).map(|i| 12.0 + 0.5 * i as f64).collect();
        let v: Vec<f64> = (0..n).map(|i| 0.2 + 0.03 * i as f64).collect();
        let t: Vec<f64> = (0..n).map(|i| 0.05 + 0.02 * i as f64).collect();
        let r = vec![0.03; n];
        let b =
            Black76Batch { kind: &kind, forward: &f, strike: &k, vol: &v, t_years: &t, rate: &r };
        let mut soa = GreeksSoA::default();
        black76_greeks_batch(&b, &mut soa).unwrap();
        let mut o: Vec<Vec<f64>> = vec![vec![f64::NAN; n]; 6];
        let [p, d, g, ve, th, rh] = &mut o[..] else { unreachable!() };
        let out = GreeksOut { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh };
        black76_greeks_batch_into(&b, out).unwrap();
        let want = [&soa.price, &soa.delta, &soa.gamma, &soa.vega, &soa.theta, &soa.rho];
        for (got, want) in o.iter().zip(want) {
            let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(got), bits(want));
        }
        let mut short = vec![vec![0.0; n]; 6];
        short[3].pop();
        let [p, d, g, ve, th, rh] = &mut short[..] else { unreachable!() };
        let out = GreeksOut { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh };
        assert!(matches!(
            black76_greeks_batch_into(&b, out),
            Err(PricingError::LengthMismatch { name: "out.vega", .. })
        ));
    }

    #[test]
    fn batch_reports_length_mismatch_and_bad_item() {
        let kind = [OptionKind::Call; 3];
        let (f, k, v, t, r) =
            ([20.0, 20.0, 20.0], [21.0, 22.0, 23.0], [0.5, -0.1, 0.5], [0.1; 3], [0.0; 3]);
        let mut out = GreeksSoA::default();
        let short = Black76Batch {
            kind: &kind,
            forward: &f,
            strike: &k[..2],
            vol: &v,
            t_years: &t,
            rate: &r,
        };
        assert!(matches!(
            black76_greeks_batch(&short, &mut out),
            Err(PricingError::LengthMismatch { name: "strike", len: 2, expected: 3 })
        ));
        let bad =
            Black76Batch { kind: &kind, forward: &f, strike: &k, vol: &v, t_years: &t, rate: &r };
        match black76_greeks_batch(&bad, &mut out) {
            Err(PricingError::BatchItem { index, source }) => {
                assert_eq!(index, 1);
                assert!(matches!(*source, PricingError::Negative { name: "vol", .. }));
            }
            other => panic!("{other:?}"),
        }
        let prices = [0.1, 25.0, 0.1];
        let iv = ImpliedVolBatch {
            kind: &kind,
            price: &prices,
            forward: &f,
            strike: &k,
            t_years: &t,
            rate: &r,
        };
        let mut vols = [0.0; 3];
        match implied_vol_black76_batch(&iv, &mut vols) {
            Err(PricingError::BatchItem { index: 1, source }) => {
                assert!(matches!(*source, PricingError::PriceOutOfBounds { .. }), "{source}");
            }
            other => panic!("{other:?}"),
        }
        assert!(vols[0] > 0.0);
    }
}
