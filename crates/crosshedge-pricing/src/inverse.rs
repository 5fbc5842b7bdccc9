//! Crypto options on the Deribit convention: European BTC and ETH calls, puts and vertical
//! (put) spreads, *inverse* (premium and settlement in the coin) or *linear* (premium and
//! settlement in USDC).
//!
//! # Contract facts (Deribit)
//! - BTC and ETH options are European and cash-settled; exercise is automatic at expiry; the
//!   contract multiplier is 1 (one option on 1 BTC or 1 ETH); strikes are in USD.
//! - Inverse options are *priced in the base currency* (BTC or ETH): the premium is paid in the
//!   coin and the intrinsic value at expiry is paid in the coin, the USD intrinsic value
//!   divided by the delivery price (Deribit's own example: a 10 000 USD call settling at
//!   12 500 USD pays 2 500 USD = 0.2 BTC). The platform shows the USD equivalent of a coin price
//!   at the latest index price, and its implied volatility uses the forward as the underlying.
//! - Linear options (e.g. SOL, XRP) are priced and cash-settled in USDC.
//!
//! Sources: Deribit, "Inverse Options" and "Linear USDC Options"
//! (support.deribit.com/hc/en-us/articles/25944688327069 and …/25944750999581); Deribit,
//! "Contract specifications options" (deribit.com/docs/contract-specifications-options).
//!
//! # Formula
//! With `F` the USD forward of the coin for the option's expiry, `K` the USD strike, `σ`, `T`
//! (years), the USD rate `r` (continuously compounded, `D = e^{−rT}`) and the Black-76
//! undiscounted value `B(F, K, σ, T) = θ[F Φ(θd₁) − K Φ(θd₂)]` (see [`crate::black`]):
//!
//! - **Linear** (USDC): price `V = D·B` in USDC, the Black-76 greeks with respect to `F` (USD per
//!   USD of forward, USD per 1.0 of vol, USD per year).
//! - **Inverse** (coin): the payoff `max(θ(S_T − K), 0) / S_T` coins is worth
//!   `E^Q[e^{−rT} max(θ(S_T − K), 0)] / S₀ = V / S₀` coins today (change of numeraire to the coin,
//!   whose own rate is zero: `S₀ = D·F`). Hence the **coin premium**
//!   `c = V / (D F) = B / F`; at `r = 0` (the coin-terms convention) `c = V / F`, the
//!   Black-76 USD value divided by the forward. The coin premium does not depend on `r` at a fixed
//!   forward. **Coin parity**: `c_call − c_put = (F − K)/F = 1 − K/F`.
//! - **Coin greeks** (true derivatives of `c = B/F`, holding the others fixed), with
//!   `Δ_B = θΦ(θd₁)`, `Γ_B = φ(d₁)/(Fσ√T)`, `ν_B = F φ(d₁) √T`,
//!   `Θ_B = −F φ(d₁) σ/(2√T)` the undiscounted Black greeks:
//!   `∂c/∂F = (Δ_B − c)/F` (coin per USD of forward),
//!   `∂²c/∂F² = Γ_B/F − 2(Δ_B − c)/F²` (coin per USD²),
//!   `∂c/∂σ = ν_B/F` (coin per 1.0 of vol), `−∂c/∂T = Θ_B/F` (coin per year), `∂c/∂r = 0`;
//!   and the **premium-adjusted delta** `F ∂c/∂F = Δ_B − c` (coins per coin: the coin amount
//!   that offsets the option's coin value against a move of the forward, its delta less its own
//!   premium, which is itself a coin balance).
//! - **Put spread**: long the put at `K_high`, short the put at `K_low < K_high`; any vertical
//!   spread is long one leg and short the other, each leg at its own volatility (a skew), and its
//!   price and greeks are the differences of the legs'.
//!
//! # How a USD-based holder accounts an inverse position
//! The premium is paid in coin: on the trade date `t₀` the holder gives `c₀` coins, which cost
//! `c₀ S_{t₀}` USD at that day's price (the USD cost basis). Each day the position is marked in
//! USD at that day's coin mark times that day's coin price, `V_t = c_t S_t`, so its USD P&L to
//! date is `c_t S_t − c₀ S_{t₀}`. At expiry it is credited `max(θ(S_T − K), 0)/S_T` coins, worth
//! `max(θ(S_T − K), 0)` USD at the delivery price: the same USD payoff as the linear option; the
//! difference lies in the premium's funding (a coin balance whose USD value moves with the coin).

use serde::{Deserialize, Serialize};

use crate::black::{black76_greeks, Black76Inputs, Greeks, OptionKind};
use crate::PricingError;

/// The coin an option is written on (multiplier 1: one option on one coin).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coin {
    /// Bitcoin.
    Btc,
    /// Ether.
    Eth,
}

impl Coin {
    /// `"btc"` or `"eth"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Btc => "btc",
            Self::Eth => "eth",
        }
    }
}

/// How the premium and the settlement are paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Settlement {
    /// In the coin (Deribit's BTC and ETH options): premium `c = B/F` coins.
    Inverse,
    /// In USDC: premium `V = D·B` USDC.
    Linear,
}

impl Settlement {
    /// `"inverse"` or `"linear"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inverse => "inverse",
            Self::Linear => "linear",
        }
    }
}

/// One European crypto option.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CryptoOptionInputs {
    /// Call or put.
    pub kind: OptionKind,
    /// Inverse (coin) or linear (USDC).
    pub settlement: Settlement,
    /// USD forward of the coin for the option's expiry (> 0).
    pub forward: f64,
    /// USD strike (> 0).
    pub strike: f64,
    /// Annualised volatility, decimal (≥ 0).
    pub vol: f64,
    /// Years to expiry (≥ 0).
    pub t_years: f64,
    /// USD rate, continuously compounded decimal (0 in the coin-terms convention).
    pub rate: f64,
}

impl CryptoOptionInputs {
    fn black76(&self) -> Black76Inputs {
        Black76Inputs {
            kind: self.kind,
            forward: self.forward,
            strike: self.strike,
            vol: self.vol,
            t_years: self.t_years,
            rate: self.rate,
        }
    }
}

/// Price and greeks of an inverse option in coin, each a true derivative (units in the names).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CoinGreeks {
    /// Coin premium `c = B/F` (coins per option).
    pub price_coin: f64,
    /// `∂c/∂F`, coins per USD of forward.
    pub delta_coin_per_usd: f64,
    /// `F ∂c/∂F = Δ_B − c`, coins per coin (the premium-adjusted delta).
    pub delta_premium_adjusted: f64,
    /// `∂²c/∂F²`, coins per USD².
    pub gamma_coin_per_usd2: f64,
    /// `∂c/∂σ`, coins per 1.0 of volatility.
    pub vega_coin: f64,
    /// `−∂c/∂T`, coins per year.
    pub theta_coin_per_year: f64,
}

/// A crypto option priced: the USD (USDC) value with the Black-76 greeks, and for an inverse
/// option the coin premium and coin greeks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CryptoOptionValue {
    /// USD value `V = D·B` and its Black-76 greeks (USD per USD of forward, USD per 1.0 of vol,
    /// USD per year, USD per 1.0 of rate).
    pub usd: Greeks,
    /// The coin premium and greeks (inverse options only).
    pub coin: Option<CoinGreeks>,
}

/// Prices one crypto option.
///
/// # Errors
/// [`PricingError`] when an input is out of its domain (see [`Black76Inputs::validate`]).
pub fn price_crypto_option(i: &CryptoOptionInputs) -> Result<CryptoOptionValue, PricingError> {
    let usd = black76_greeks(&i.black76())?;
    let coin = match i.settlement {
        Settlement::Linear => None,
        Settlement::Inverse => Some(coin_greeks(i)?),
    };
    Ok(CryptoOptionValue { usd, coin })
}

/// Coin premium and greeks of the inverse option with the inputs of `i` (its settlement is
/// ignored).
///
/// # Errors
/// [`PricingError`] when an input is out of its domain.
pub fn coin_greeks(i: &CryptoOptionInputs) -> Result<CoinGreeks, PricingError> {
    // The undiscounted Black greeks: Black-76 at rate 0.
    let b = black76_greeks(&Black76Inputs { rate: 0.0, ..i.black76() })?;
    let f = i.forward;
    let c = b.price / f;
    let adj = b.delta - c;
    Ok(CoinGreeks {
        price_coin: c,
        delta_coin_per_usd: adj / f,
        delta_premium_adjusted: adj,
        gamma_coin_per_usd2: b.gamma / f - 2.0 * adj / (f * f),
        vega_coin: b.vega / f,
        theta_coin_per_year: b.theta / f,
    })
}

/// Coin premium of an inverse option, `c = B/F`.
///
/// # Errors
/// [`PricingError`] when an input is out of its domain.
pub fn inverse_price_coin(i: &CryptoOptionInputs) -> Result<f64, PricingError> {
    Ok(coin_greeks(i)?.price_coin)
}

/// Payoff at expiry of one option at delivery price `s` (> 0): in coin for an inverse option
/// (`max(θ(s − K), 0)/s`), in USDC for a linear one (`max(θ(s − K), 0)`).
pub fn payoff(kind: OptionKind, settlement: Settlement, s: f64, strike: f64) -> f64 {
    let usd = kind.payoff(s, strike);
    match settlement {
        Settlement::Linear => usd,
        Settlement::Inverse => usd / s,
    }
}

/// A vertical spread of crypto options: long `kind` at `long_strike` (volatility `long_vol`),
/// short `kind` at `short_strike` (volatility `short_vol`), same expiry and settlement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CryptoSpreadInputs {
    /// Call or put.
    pub kind: OptionKind,
    /// Inverse or linear.
    pub settlement: Settlement,
    /// USD forward (> 0).
    pub forward: f64,
    /// Strike of the long leg.
    pub long_strike: f64,
    /// Strike of the short leg (≠ the long strike).
    pub short_strike: f64,
    /// Volatility of the long leg.
    pub long_vol: f64,
    /// Volatility of the short leg.
    pub short_vol: f64,
    /// Years to expiry.
    pub t_years: f64,
    /// USD rate.
    pub rate: f64,
}

impl CryptoSpreadInputs {
    /// A put spread: long the put at `k_high`, short the put at `k_low` (`k_low < k_high`), each
    /// leg at its own volatility.
    ///
    /// # Errors
    /// [`PricingError::StrikeOrder`] unless `k_low < k_high`.
    #[allow(clippy::too_many_arguments)]
    pub fn put_spread(
        settlement: Settlement,
        forward: f64,
        k_low: f64,
        k_high: f64,
        vol_low: f64,
        vol_high: f64,
        t_years: f64,
        rate: f64,
    ) -> Result<Self, PricingError> {
        if k_low.partial_cmp(&k_high) != Some(std::cmp::Ordering::Less) {
            return Err(PricingError::StrikeOrder { strikes: vec![k_low, k_high] });
        }
        Ok(Self {
            kind: OptionKind::Put,
            settlement,
            forward,
            long_strike: k_high,
            short_strike: k_low,
            long_vol: vol_high,
            short_vol: vol_low,
            t_years,
            rate,
        })
    }

    fn leg(&self, strike: f64, vol: f64) -> CryptoOptionInputs {
        CryptoOptionInputs {
            kind: self.kind,
            settlement: self.settlement,
            forward: self.forward,
            strike,
            vol,
            t_years: self.t_years,
            rate: self.rate,
        }
    }

    /// Payoff at expiry at delivery price `s` (coin for inverse, USDC for linear).
    pub fn payoff(&self, s: f64) -> f64 {
        payoff(self.kind, self.settlement, s, self.long_strike)
            - payoff(self.kind, self.settlement, s, self.short_strike)
    }
}

/// Prices a vertical spread: long leg minus short leg, in USD and (inverse) in coin.
///
/// # Errors
/// [`PricingError::StrikeOrder`] when the strikes are equal; domain errors of either leg.
pub fn price_crypto_spread(s: &CryptoSpreadInputs) -> Result<CryptoOptionValue, PricingError> {
    if s.long_strike == s.short_strike {
        return Err(PricingError::StrikeOrder { strikes: vec![s.long_strike, s.short_strike] });
    }
    let long = price_crypto_option(&s.leg(s.long_strike, s.long_vol))?;
    let short = price_crypto_option(&s.leg(s.short_strike, s.short_vol))?;
    let g = |a: &Greeks, b: &Greeks| Greeks {
        price: a.price - b.price,
        delta: a.delta - b.delta,
        gamma: a.gamma - b.gamma,
        vega: a.vega - b.vega,
        theta: a.theta - b.theta,
        rho: a.rho - b.rho,
        vega_per_vol_point: a.vega_per_vol_point - b.vega_per_vol_point,
        theta_per_day: a.theta_per_day - b.theta_per_day,
    };
    let coin = match (long.coin, short.coin) {
        (Some(a), Some(b)) => Some(CoinGreeks {
            price_coin: a.price_coin - b.price_coin,
            delta_coin_per_usd: a.delta_coin_per_usd - b.delta_coin_per_usd,
            delta_premium_adjusted: a.delta_premium_adjusted - b.delta_premium_adjusted,
            gamma_coin_per_usd2: a.gamma_coin_per_usd2 - b.gamma_coin_per_usd2,
            vega_coin: a.vega_coin - b.vega_coin,
            theta_coin_per_year: a.theta_coin_per_year - b.theta_coin_per_year,
        }),
        _ => None,
    };
    Ok(CryptoOptionValue { usd: g(&long.usd, &short.usd), coin })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(settlement: Settlement, k: f64) -> CryptoOptionInputs {
        CryptoOptionInputs {
            kind: OptionKind::Put,
            settlement,
            forward: 60_000.0,
            strike: k,
            vol: 0.65,
            t_years: 30.0 / 365.0,
            rate: 0.0,
        }
    }

    #[test]
    fn inverse_price_is_usd_over_forward_at_zero_rate() {
        let v = price_crypto_option(&put(Settlement::Inverse, 55_000.0)).unwrap();
        let c = v.coin.unwrap().price_coin;
        assert!((c - v.usd.price / 60_000.0).abs() < 1e-15);
        assert!(price_crypto_option(&put(Settlement::Linear, 55_000.0)).unwrap().coin.is_none());
    }

    #[test]
    fn coin_premium_ignores_the_rate_at_fixed_forward() {
        let a = coin_greeks(&put(Settlement::Inverse, 55_000.0)).unwrap();
        let b =
            coin_greeks(&CryptoOptionInputs { rate: 0.05, ..put(Settlement::Inverse, 55_000.0) })
                .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn coin_greeks_match_finite_differences() {
        let i = put(Settlement::Inverse, 57_000.0);
        let g = coin_greeks(&i).unwrap();
        let c = |f: f64, vol: f64, t: f64| {
            inverse_price_coin(&CryptoOptionInputs { forward: f, vol, t_years: t, ..i }).unwrap()
        };
        let h = 1.0;
        let fd_delta = (c(60_001.0, 0.65, i.t_years) - c(59_999.0, 0.65, i.t_years)) / (2.0 * h);
        assert!(
            (fd_delta - g.delta_coin_per_usd).abs() < 1e-7 * g.delta_coin_per_usd.abs(),
            "{fd_delta} {}",
            g.delta_coin_per_usd
        );
        let h = 50.0;
        let fd_gamma = (c(60_000.0 + h, 0.65, i.t_years) - 2.0 * c(60_000.0, 0.65, i.t_years)
            + c(60_000.0 - h, 0.65, i.t_years))
            / (h * h);
        assert!(
            (fd_gamma - g.gamma_coin_per_usd2).abs() < 1e-4 * g.gamma_coin_per_usd2.abs(),
            "{fd_gamma} {}",
            g.gamma_coin_per_usd2
        );
        let fd_vega = (c(60_000.0, 0.6501, i.t_years) - c(60_000.0, 0.6499, i.t_years)) / 2e-4;
        assert!((fd_vega - g.vega_coin).abs() < 1e-7 * g.vega_coin);
        let dt = 1e-5;
        let fd_theta =
            -(c(60_000.0, 0.65, i.t_years + dt) - c(60_000.0, 0.65, i.t_years - dt)) / (2.0 * dt);
        assert!((fd_theta - g.theta_coin_per_year).abs() < 1e-6 * g.theta_coin_per_year.abs());
        assert!((g.delta_premium_adjusted - g.delta_coin_per_usd * 60_000.0).abs() < 1e-15);
    }

    #[test]
    fn coin_parity_holds() {
        for k in [30_000.0, 55_000.0, 60_000.0, 80_000.0] {
            let p = inverse_price_coin(&put(Settlement::Inverse, k)).unwrap();
            let c = inverse_price_coin(&CryptoOptionInputs {
                kind: OptionKind::Call,
                ..put(Settlement::Inverse, k)
            })
            .unwrap();
            assert!((c - p - (1.0 - k / 60_000.0)).abs() < 1e-14, "k={k}");
        }
    }

    #[test]
    fn put_spread_is_long_high_short_low() {
        let s = CryptoSpreadInputs::put_spread(
            Settlement::Inverse,
            60_000.0,
            45_000.0,
            55_000.0,
            0.75,
            0.68,
            0.25,
            0.0,
        )
        .unwrap();
        let v = price_crypto_spread(&s).unwrap();
        let hi = price_crypto_option(&CryptoOptionInputs {
            vol: 0.68,
            t_years: 0.25,
            ..put(Settlement::Inverse, 55_000.0)
        })
        .unwrap();
        let lo = price_crypto_option(&CryptoOptionInputs {
            vol: 0.75,
            t_years: 0.25,
            ..put(Settlement::Inverse, 45_000.0)
        })
        .unwrap();
        assert_eq!(v.usd.price, hi.usd.price - lo.usd.price);
        assert_eq!(
            v.coin.unwrap().price_coin,
            hi.coin.unwrap().price_coin - lo.coin.unwrap().price_coin
        );
        assert!(v.usd.price > 0.0 && v.usd.price < 10_000.0);
        // Payoff: 10 000 USD below the low strike, in coin at the delivery price.
        assert_eq!(s.payoff(40_000.0), 10_000.0 / 40_000.0);
        assert_eq!(s.payoff(60_000.0), 0.0);
        assert!(CryptoSpreadInputs::put_spread(
            Settlement::Linear,
            1.0,
            2.0,
            2.0,
            0.5,
            0.5,
            1.0,
            0.0
        )
        .is_err());
    }

    #[test]
    fn inverse_payoff_pays_usd_intrinsic_in_coin() {
        // Deribit's example: a 10 000 USD call settling at 12 500 USD pays 0.2 BTC.
        assert_eq!(payoff(OptionKind::Call, Settlement::Inverse, 12_500.0, 10_000.0), 0.2);
        assert_eq!(payoff(OptionKind::Call, Settlement::Linear, 12_500.0, 10_000.0), 2_500.0);
        assert_eq!(payoff(OptionKind::Put, Settlement::Inverse, 5_000.0, 10_000.0), 1.0);
    }
}
