//! Batch (structure-of-arrays) entry points: slices in, slices out, no allocation per option.

use crate::black::OptionKind;
use crate::fast::{black76_chunk, ChunkIn, ChunkOut, CHUNK};
use crate::implied::implied_total_vol;
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
    fn resize(&mut self, n: usize) {
        for v in [
            &mut self.price,
            &mut self.delta,
            &mut self.gamma,
            &mut self.vega,
            &mut self.theta,
            &mut self.rho,
        ] {
            v.clear();
            v.resize(n, 0.0);
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

    fn validate(&self) -> Result<(), PricingError> {
        let n = self.len();
        check_len("kind", self.kind.len(), n)?;
        check_len("strike", self.strike.len(), n)?;
        check_len("vol", self.vol.len(), n)?;
        check_len("t_years", self.t_years.len(), n)?;
        check_len("rate", self.rate.len(), n)?;
        let all_valid = self
            .forward
            .iter()
            .zip(self.strike)
            .zip(self.vol)
            .zip(self.t_years)
            .zip(self.rate)
            .fold(true, |acc, ((((f, k), v), t), r)| {
                acc & (f.is_finite() & (*f > 0.0))
                    & (k.is_finite() & (*k > 0.0))
                    & (v.is_finite() & (*v >= 0.0))
                    & (t.is_finite() & (*t >= 0.0))
                    & r.is_finite()
            });
        if !all_valid {
            for i in 0..n {
                item(i, PricingError::positive("forward", self.forward[i]))?;
                item(i, PricingError::positive("strike", self.strike[i]))?;
                item(i, PricingError::non_negative("vol", self.vol[i]))?;
                item(i, PricingError::non_negative("t_years", self.t_years[i]))?;
                item(i, PricingError::finite("rate", self.rate[i]))?;
            }
        }
        Ok(())
    }
}

/// Black-76 price and greeks for every option of `batch`, written into `out` (resized).
///
/// # Errors
/// [`PricingError::LengthMismatch`] when the slices differ in length;
/// [`PricingError::BatchItem`] naming the first invalid option.
pub fn black76_greeks_batch(
    batch: &Black76Batch<'_>,
    out: &mut GreeksSoA,
) -> Result<(), PricingError> {
    batch.validate()?;
    let n = batch.len();
    out.resize(n);
    // Chunks of CHUNK options through the branch-free kernel (vectorisable); the last, partial
    // chunk goes through padded copies.
    let mut sign = vec![0.0; n];
    for (s, k) in sign.iter_mut().zip(batch.kind) {
        *s = k.sign();
    }
    let full = n - n % CHUNK;
    let mut start = 0;
    while start < full {
        let end = start + CHUNK;
        let inp = ChunkIn {
            sign: &sign[start..end],
            f: &batch.forward[start..end],
            k: &batch.strike[start..end],
            vol: &batch.vol[start..end],
            t: &batch.t_years[start..end],
            r: &batch.rate[start..end],
        };
        let mut o = ChunkOut {
            price: &mut out.price[start..end],
            delta: &mut out.delta[start..end],
            gamma: &mut out.gamma[start..end],
            vega: &mut out.vega[start..end],
            theta: &mut out.theta[start..end],
            rho: &mut out.rho[start..end],
        };
        black76_chunk(&inp, &mut o);
        start = end;
    }
    if full < n {
        let m = n - full;
        let (mut sg, mut f, mut k, mut v, mut t, mut r) =
            ([1.0; CHUNK], [1.0; CHUNK], [1.0; CHUNK], [0.2; CHUNK], [1.0; CHUNK], [0.0; CHUNK]);
        sg[..m].copy_from_slice(&sign[full..]);
        f[..m].copy_from_slice(&batch.forward[full..]);
        k[..m].copy_from_slice(&batch.strike[full..]);
        v[..m].copy_from_slice(&batch.vol[full..]);
        t[..m].copy_from_slice(&batch.t_years[full..]);
        r[..m].copy_from_slice(&batch.rate[full..]);
        let mut tmp = [[0.0; CHUNK]; 6];
        let [p, d, g, ve, th, rh] = &mut tmp;
        let inp = ChunkIn { sign: &sg, f: &f, k: &k, vol: &v, t: &t, r: &r };
        black76_chunk(
            &inp,
            &mut ChunkOut { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh },
        );
        out.price[full..].copy_from_slice(&p[..m]);
        out.delta[full..].copy_from_slice(&d[..m]);
        out.gamma[full..].copy_from_slice(&g[..m]);
        out.vega[full..].copy_from_slice(&ve[..m]);
        out.theta[full..].copy_from_slice(&th[..m]);
        out.rho[full..].copy_from_slice(&rh[..m]);
    }
    Ok(())
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

/// Black-76 implied volatilities of every option of `batch`, written into `out`.
///
/// # Errors
/// [`PricingError::LengthMismatch`] when a slice (or `out`) differs in length;
/// [`PricingError::BatchItem`] naming the first option whose price admits no volatility or
/// whose inputs are invalid (the elements before it are filled in).
pub fn implied_vol_black76_batch(
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
    for (i, o) in out.iter_mut().enumerate() {
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
        *o = s / t.sqrt();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
