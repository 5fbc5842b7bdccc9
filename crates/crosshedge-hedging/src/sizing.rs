//! Sizing every layer of a book from measured hedge ratios under a premium budget, with the
//! book's greeks and its expected cover by regime.

use crosshedge_pricing::normal::inverse_norm_cdf;
use crosshedge_pricing::{
    black76_greeks, black_scholes_greeks, Black76Inputs, BlackScholesInputs, Greeks, LogVixAr1,
    OptionKind,
};
use serde::{Deserialize, Serialize};

use crate::book::{
    Asset, Band, Book, CryptoOptionType, CryptoSettlement, Exposure, Instrument, Layer, Regime,
    SizingRule, StrikeRule, Trigger,
};
use crate::quadrature::gauss_hermite;
use crate::HedgingError;

/// Calendar days per year (tenors and costs are on a 365-day basis).
pub const DAYS_PER_YEAR: f64 = 365.0;
/// US trading days per year (converts a tenor to AR(1) steps of log VIX).
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;
/// Tenor of the constant-maturity VIX futures ETP, in calendar days.
pub const ETP_TENOR_DAYS: f64 = 30.0;

/// A point of the VIX futures curve: calendar days to expiry and the futures price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Calendar days to expiry (> 0).
    pub days: f64,
    /// Futures price in VIX points (> 0).
    pub price: f64,
}

/// A regime-typical move over the hedge horizon, in log terms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegimeMove {
    /// Change of log VIX.
    pub vix_log: f64,
    /// SPX log return.
    pub spx_log: f64,
    /// Log return of the target basket (also used for the perp's underlying).
    pub target_log: f64,
}

/// The joint distribution of one regime's moves over the cover horizon: the stress model's
/// regime vols and correlations (with its VIX mean reversion), as a trivariate normal of the
/// change of log VIX `X`, the SPX log return `S` and the target basket's log return `Y`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegimeMoments {
    /// Mean change of log VIX over the horizon.
    pub vix_mean: f64,
    /// Sd of the change of log VIX over the horizon (≥ 0).
    pub vix_sd: f64,
    /// Mean SPX log return over the horizon.
    pub spx_mean: f64,
    /// Sd of the SPX log return over the horizon (≥ 0).
    pub spx_sd: f64,
    /// Mean log return of the target basket over the horizon.
    pub target_mean: f64,
    /// Sd of the target basket's log return over the horizon (> 0).
    pub target_sd: f64,
    /// Correlation of the target's return with the change of log VIX.
    pub corr_target_vix: f64,
    /// Correlation of the target's return with the SPX return.
    pub corr_target_spx: f64,
    /// Correlation of the change of log VIX with the SPX return.
    pub corr_vix_spx: f64,
}

/// One-sided level of the target loss the cover table conditions on (the 1-in-20 loss).
pub const COVER_LOSS_LEVEL: f64 = 0.95;
/// Shares of the target loss whose cover probability the cover table reports.
pub const COVER_LEVELS: [f64; 3] = [0.25, 0.5, 0.75];
/// Midpoint-grid points per dimension of the conditional distribution of `(X, S)` given `Y`
/// (cover probabilities).
const COVER_GRID: (usize, usize) = (128, 32);
/// Gauss–Hermite points per dimension of the same distribution (expected P&L).
const COVER_HERMITE: (usize, usize) = (40, 12);

/// Measured inputs of the sizing, all plain numbers (the CLI computes them from the store with
/// `crosshedge-stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizingInputs {
    /// Minimum-variance hedge ratio of the target basket's log return on the VIX log change in
    /// the calm regime (`Cov/Var`, usually negative).
    pub hedge_ratio_calm: f64,
    /// The same in the stress regime.
    pub hedge_ratio_stress: f64,
    /// Decorrelation factor `k = h*_stress / h*_calm`.
    pub decorrelation_factor: f64,
    /// Hedge ratio of the target on the SPX log return, calm regime.
    pub spx_hedge_ratio_calm: f64,
    /// Hedge ratio of the target on the SPX log return, stress regime.
    pub spx_hedge_ratio_stress: f64,
    /// Beta of the target on the BTC log return (sizes short perps), calm regime.
    pub btc_beta_calm: f64,
    /// Beta of the target on the BTC log return, stress regime.
    pub btc_beta_stress: f64,
    /// Spot VIX (> 0).
    pub vix: f64,
    /// The VIX futures curve (days > 0, prices > 0; any order).
    pub vix_curve: Vec<CurvePoint>,
    /// Daily (trading-day) AR(1) coefficient of log VIX, in (0, 1).
    pub vix_ar_phi: f64,
    /// Long-run mean of log VIX of the same AR(1).
    pub vix_mean_log: f64,
    /// Residual sd of the same AR(1) (≥ 0).
    pub vix_ar_sd: f64,
    /// Black-76 implied volatility of VIX options (vol-of-vol, decimal, > 0).
    pub vol_of_vol: f64,
    /// SPX level (> 0).
    pub spx: f64,
    /// SPX implied volatility (decimal, > 0).
    pub spx_vol: f64,
    /// SPX dividend yield (continuously compounded decimal).
    pub spx_div_yield: f64,
    /// Risk-free rate (continuously compounded decimal).
    pub rate: f64,
    /// Perp funding rate per year paid by longs to shorts (decimal).
    pub funding_per_year: f64,
    /// The current VIX band (for `vix-band` triggers).
    pub band: Band,
    /// Names of the signals that are on (for `signal` triggers).
    pub signals: Vec<String>,
    /// The joint distribution of the cover horizon's moves in the calm and stress regimes.
    pub moments: [RegimeMoments; 2],
    /// Spot and implied vol of BTC and ETH for crypto option layers (left out of the JSON
    /// when neither is set).
    #[serde(default, skip_serializing_if = "CryptoInputs::is_unset")]
    pub crypto: CryptoInputs,
}

/// One coin's option market as the sizing sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoinMarket {
    /// Spot price in USD (> 0); the forward of every tenor (zero basis: the crypto futures
    /// basis is not modelled).
    pub spot: f64,
    /// At-the-money implied vol (decimal, > 0).
    pub vol: f64,
    /// Put-skew slope (see [`skewed_vol`]).
    pub skew: f64,
}

/// Spot and implied vol per coin, for crypto option layers.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CryptoInputs {
    /// BTC.
    pub btc: Option<CoinMarket>,
    /// ETH.
    pub eth: Option<CoinMarket>,
}

impl CryptoInputs {
    /// Whether neither coin is set.
    pub fn is_unset(&self) -> bool {
        self.btc.is_none() && self.eth.is_none()
    }

    /// The market of `asset` (`None` for the NFT index, which has no options).
    pub fn coin(&self, asset: Asset) -> Option<CoinMarket> {
        match asset {
            Asset::Btc => self.btc,
            Asset::Eth => self.eth,
            Asset::Nft => None,
        }
    }
}

/// The lowest vol [`skewed_vol`] returns (1 %).
pub const MIN_SKEWED_VOL: f64 = 0.01;

/// The implied vol at strike `k` of a smile with at-the-money vol `atm` on forward `f` and a
/// linear put skew in log moneyness:
///
/// `σ(K) = max(σ_ATM + skew · ln(F/K), 0.01)`
///
/// so a positive `skew` raises the vol of strikes below the forward (puts) and lowers it above.
/// A stated, one-parameter smile (the slope of the vol against log moneyness near the money),
/// not a fitted surface.
pub fn skewed_vol(atm: f64, skew: f64, f: f64, k: f64) -> f64 {
    (atm + skew * (f / k).ln()).max(MIN_SKEWED_VOL)
}

/// The book's delta notional per asset (USD per unit log return of the asset).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct AssetNotional {
    /// BTC.
    pub btc: f64,
    /// ETH.
    pub eth: f64,
    /// NFT index.
    pub nft: f64,
}

impl AssetNotional {
    /// `btc + eth + nft`.
    pub fn total(&self) -> f64 {
        self.btc + self.eth + self.nft
    }

    fn add(&mut self, asset: Asset, v: f64) {
        match asset {
            Asset::Btc => self.btc += v,
            Asset::Eth => self.eth += v,
            Asset::Nft => self.nft += v,
        }
    }
}

/// Position-level sensitivities, true derivatives in USD.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PositionGreeks {
    /// `∂V/∂ln VIX` (USD per 1.0 of log VIX), through `F = F₀ e^{β x}`.
    pub delta_log_vix: f64,
    /// `∂²V/∂(ln VIX)²`.
    pub gamma_log_vix: f64,
    /// `∂V/∂σ` of VIX options (per 1.0 of vol-of-vol).
    pub vix_vega: f64,
    /// `∂V/∂ln S` of SPX options (USD per 1.0 of log SPX).
    pub spx_delta_log: f64,
    /// `∂²V/∂(ln S)²`.
    pub spx_gamma_log: f64,
    /// `∂V/∂σ` of SPX options (per 1.0 of vol).
    pub spx_vega: f64,
    /// `∂V/∂ln P` of the perp (USD per 1.0 of the perp underlying's log price).
    pub crypto_delta_log: f64,
    /// Option theta per calendar day (`−∂V/∂T / 365`).
    pub theta_per_day: f64,
}

impl PositionGreeks {
    fn scaled(mut self, q: f64) -> Self {
        for v in [
            &mut self.delta_log_vix,
            &mut self.gamma_log_vix,
            &mut self.vix_vega,
            &mut self.spx_delta_log,
            &mut self.spx_gamma_log,
            &mut self.spx_vega,
            &mut self.crypto_delta_log,
            &mut self.theta_per_day,
        ] {
            *v *= q;
        }
        self
    }

    fn add(&mut self, o: &Self) {
        self.delta_log_vix += o.delta_log_vix;
        self.gamma_log_vix += o.gamma_log_vix;
        self.vix_vega += o.vix_vega;
        self.spx_delta_log += o.spx_delta_log;
        self.spx_gamma_log += o.spx_gamma_log;
        self.spx_vega += o.spx_vega;
        self.crypto_delta_log += o.crypto_delta_log;
        self.theta_per_day += o.theta_per_day;
    }
}

/// One sized layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerPosition {
    /// The layer's name.
    pub name: String,
    /// The instrument.
    pub instrument: Instrument,
    /// Whether the trigger is on (an inactive layer has zero quantity).
    pub active: bool,
    /// Tenor in calendar days.
    pub tenor_days: u32,
    /// The underlying's forward at the tenor: VIX future (interpolated), SPX forward, or 1 for
    /// ETP and perp (held in USD).
    pub underlying: f64,
    /// `[long, short]` strikes of a spread.
    pub strikes: Option<[f64; 2]>,
    /// Contract multiplier (USD per point).
    pub multiplier: f64,
    /// Value of one unit (one spread, one future's 0 initial value is reported as 0, one USD of
    /// ETP or perp notional as 1).
    pub unit_price: f64,
    /// Hedge exposure asked of the layer by its sizing rule, before the budget.
    pub required_exposure: f64,
    /// Hedge exposure of one unit (USD per 1.0 log move of the layer's risk factor).
    pub unit_sensitivity: f64,
    /// Units held (contracts or USD notional), after the budget scale.
    pub quantity: f64,
    /// Upfront premium paid (`quantity × unit_price` for spreads, 0 otherwise).
    pub premium: f64,
    /// Expected cost per year of holding and rolling the layer (USD).
    pub cost_per_year: f64,
    /// Position greeks.
    pub greeks: PositionGreeks,
    /// At-the-money implied vol and put-skew slope a crypto option layer was priced at
    /// (decimal; `None` for the other instruments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_vol: Option<CoinVol>,
}

/// The vol a crypto option layer was priced at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoinVol {
    /// At-the-money implied vol (decimal).
    pub atm: f64,
    /// Put-skew slope ([`skewed_vol`]).
    pub skew: f64,
}

/// The probability that the hedge covers at least a share of the target loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoverProbability {
    /// The share of the loss (decimal: 0.25 = a quarter).
    pub level: f64,
    /// `P(hedge P&L ≥ level × loss | the target's 1-in-20 loss)`.
    pub probability: f64,
}

/// Cover of the book in one regime, given the target's own 1-in-20 loss there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeCover {
    /// `"calm"` or `"stress"`.
    pub regime: &'static str,
    /// The target's 1-in-20 move in the regime (`target_log`) with the VIX and SPX moves
    /// expected given it (`E[X | Y]`, `E[S | Y]`: the hedge factors move by their correlation
    /// with the target, not one-for-one).
    pub shock: RegimeMove,
    /// Loss of the exposures, `N (1 − e^{target_log})` (positive = loss).
    pub target_loss: f64,
    /// Expected hedge P&L of every layer together given the target's loss, `E[P&L | Y]`, by
    /// full revaluation over the conditional distribution of the VIX and SPX moves.
    pub hedge_pnl: f64,
    /// Expected hedge P&L per layer.
    pub layer_pnl: Vec<f64>,
    /// Expected cover `hedge_pnl / target_loss`, `None` when the move is not a loss.
    pub cover: Option<f64>,
    /// The probability of covering 25, 50 and 75 % of the loss, given it.
    pub cover_probability: Vec<CoverProbability>,
    /// The hedge P&L if the VIX and SPX moved as if perfectly correlated with the target
    /// (their own 1-in-20 moves): the protection the hedge ratio alone promises.
    pub hedge_pnl_perfect_correlation: f64,
}

/// The sized book.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HedgePlan {
    /// The book's name.
    pub book: String,
    /// Delta notional per asset.
    pub asset_notional: AssetNotional,
    /// Total delta notional `N` (the sizing base).
    pub target_notional: f64,
    /// NFT carry cost per year (USD).
    pub nft_carry_per_year: f64,
    /// The sized layers, in book order.
    pub layers: Vec<LayerPosition>,
    /// Upfront premium of all spreads (USD).
    pub premium: f64,
    /// Expected hedge cost per year (USD), after the budget scale.
    pub cost_per_year: f64,
    /// Budget per year (USD) = `budget × N`.
    pub budget_per_year: f64,
    /// Factor applied to every layer to respect the budget (1 when it does not bind): the share
    /// of the hedge-ratio requirement the budget buys.
    pub budget_scale: f64,
    /// Cost per year of the whole hedge-ratio requirement (before the budget scale, USD).
    pub requirement_cost_per_year: f64,
    /// Greeks of all layers together.
    pub greeks: PositionGreeks,
    /// Expected cover in the calm and stress moves.
    pub cover: Vec<RegimeCover>,
}

/// Risky-asset share of a concentrated LP's value at today's price.
///
/// # Formula
/// With prices as ratios of today's (`p = 1`), range `[l, u]` and liquidity `L`:
/// `V(p) = L (2√p − √l − p/√u)` inside the range, `L p (1/√l − 1/√u)` below, `L (√u − √l)`
/// above; the risky holding is worth `L (√p − p/√u)`, so the share at `p = 1` is
/// `(1 − 1/√u) / (2 − √l − 1/√u)` (½ for a full range).
///
/// # References
/// Adams et al. (2021), *Uniswap v3 Core*, §6.2.
pub fn lp_risky_share(range: [f64; 2]) -> f64 {
    let (sl, su) = (range[0].sqrt(), range[1].sqrt());
    (1.0 - 1.0 / su) / (2.0 - sl - 1.0 / su)
}

/// Value of a concentrated LP worth `value` today when the risky price moves by the ratio `p`
/// (see [`lp_risky_share`] for the formula).
pub fn lp_value(value: f64, range: [f64; 2], p: f64) -> f64 {
    let (sl, su) = (range[0].sqrt(), range[1].sqrt());
    let l = value / (2.0 - sl - 1.0 / su);
    if p <= range[0] {
        l * p * (1.0 / sl - 1.0 / su)
    } else if p >= range[1] {
        l * (su - sl)
    } else {
        l * (2.0 * p.sqrt() - sl - p / su)
    }
}

/// Delta notional of every exposure, per asset.
///
/// # Formula
/// Spot and NFT: their value; perp: its signed notional; LP: `value × lp_risky_share(range)`.
pub fn asset_notional(book: &Book) -> AssetNotional {
    let mut n = AssetNotional::default();
    for e in &book.exposures {
        match e {
            Exposure::BtcSpot { value } => n.add(Asset::Btc, *value),
            Exposure::EthSpot { value } => n.add(Asset::Eth, *value),
            Exposure::NftInventory { value, .. } => n.add(Asset::Nft, *value),
            Exposure::Perp { asset, notional } => n.add(*asset, *notional),
            Exposure::AmmLp { asset, value, range } => {
                n.add(*asset, value * lp_risky_share(*range))
            }
        }
    }
    n
}

/// The VIX future for `days` to expiry: linear interpolation in days between the curve's points,
/// with spot VIX at day 0 and flat beyond the last point.
pub fn interpolate_curve(vix: f64, curve: &[CurvePoint], days: f64) -> f64 {
    let mut pts: Vec<CurvePoint> = Vec::with_capacity(curve.len() + 1);
    pts.push(CurvePoint { days: 0.0, price: vix });
    pts.extend(curve.iter().copied());
    pts.sort_by(|a, b| a.days.total_cmp(&b.days));
    let i = pts.partition_point(|p| p.days < days);
    if i == 0 {
        return pts[0].price;
    }
    if i >= pts.len() {
        return pts[pts.len() - 1].price;
    }
    let (a, b) = (pts[i - 1], pts[i]);
    if b.days <= a.days {
        return b.price;
    }
    a.price + (b.price - a.price) * (days - a.days) / (b.days - a.days)
}

/// `E[VIX_h | ln VIX = x]` under the AR(1) of log VIX, `h` trading days ahead.
///
/// # Formula
/// `exp(m + φʰ (x − m) + ½ s² (1 − φ²ʰ)/(1 − φ²))` (log-normal mean of the AR(1)'s
/// `h`-step-ahead distribution): [`crosshedge_pricing::LogVixAr1::expected_vix`] with
/// `phi`, `mean_log = m` and `sd`.
pub fn expected_vix(x: f64, h: f64, phi: f64, m: f64, sd: f64) -> f64 {
    LogVixAr1 { phi, mean_log: m, sd }.expected_vix(x, h)
}

fn check_input(
    ok: bool,
    name: &'static str,
    requirement: &'static str,
    value: f64,
) -> Result<(), HedgingError> {
    if ok {
        Ok(())
    } else {
        Err(HedgingError::InvalidInput { name, requirement, value })
    }
}

impl SizingInputs {
    /// Checks every input's domain.
    ///
    /// # Errors
    /// [`HedgingError::InvalidInput`] for the first out-of-domain value.
    pub fn validate(&self) -> Result<(), HedgingError> {
        let pos = |v: f64| v.is_finite() && v > 0.0;
        for (name, v) in [
            ("hedge_ratio_calm", self.hedge_ratio_calm),
            ("hedge_ratio_stress", self.hedge_ratio_stress),
            ("decorrelation_factor", self.decorrelation_factor),
            ("spx_hedge_ratio_calm", self.spx_hedge_ratio_calm),
            ("spx_hedge_ratio_stress", self.spx_hedge_ratio_stress),
            ("btc_beta_calm", self.btc_beta_calm),
            ("btc_beta_stress", self.btc_beta_stress),
            ("vix_mean_log", self.vix_mean_log),
            ("spx_div_yield", self.spx_div_yield),
            ("rate", self.rate),
            ("funding_per_year", self.funding_per_year),
        ] {
            check_input(v.is_finite(), name, "must be finite", v)?;
        }
        for (name, v) in [
            ("vix", self.vix),
            ("vol_of_vol", self.vol_of_vol),
            ("spx", self.spx),
            ("spx_vol", self.spx_vol),
        ] {
            check_input(pos(v), name, "must be finite and positive", v)?;
        }
        check_input(
            self.vix_ar_phi > 0.0 && self.vix_ar_phi < 1.0,
            "vix_ar_phi",
            "must lie in (0, 1)",
            self.vix_ar_phi,
        )?;
        check_input(
            self.vix_ar_sd.is_finite() && self.vix_ar_sd >= 0.0,
            "vix_ar_sd",
            "must be finite and non-negative",
            self.vix_ar_sd,
        )?;
        for m in [self.crypto.btc, self.crypto.eth].into_iter().flatten() {
            check_input(pos(m.spot), "crypto.spot", "must be finite and positive", m.spot)?;
            check_input(pos(m.vol), "crypto.vol", "must be finite and positive", m.vol)?;
            check_input(m.skew.is_finite(), "crypto.skew", "must be finite", m.skew)?;
        }
        for p in &self.vix_curve {
            check_input(pos(p.days), "vix_curve.days", "must be finite and positive", p.days)?;
            check_input(pos(p.price), "vix_curve.price", "must be finite and positive", p.price)?;
        }
        for m in &self.moments {
            for (name, v) in [
                ("moments.vix_mean", m.vix_mean),
                ("moments.spx_mean", m.spx_mean),
                ("moments.target_mean", m.target_mean),
            ] {
                check_input(v.is_finite(), name, "must be finite", v)?;
            }
            for (name, v) in [("moments.vix_sd", m.vix_sd), ("moments.spx_sd", m.spx_sd)] {
                check_input(v.is_finite() && v >= 0.0, name, "must be finite and non-negative", v)?;
            }
            check_input(
                pos(m.target_sd),
                "moments.target_sd",
                "must be finite and positive",
                m.target_sd,
            )?;
            for (name, v) in [
                ("moments.corr_target_vix", m.corr_target_vix),
                ("moments.corr_target_spx", m.corr_target_spx),
                ("moments.corr_vix_spx", m.corr_vix_spx),
            ] {
                check_input(v.abs() <= 1.0, name, "must lie in [-1, 1]", v)?;
            }
            let (a, b, c) = (m.corr_target_vix, m.corr_target_spx, m.corr_vix_spx);
            let det = 1.0 + 2.0 * a * b * c - a * a - b * b - c * c;
            check_input(
                det >= -1e-12,
                "moments (correlations)",
                "must form a positive semi-definite matrix (determinant)",
                det,
            )?;
        }
        Ok(())
    }

    /// `β(days) = φ^{days·252/365}`: the elasticity of a future `days` out to spot VIX under the
    /// AR(1) of log VIX.
    pub fn future_beta(&self, days: f64) -> f64 {
        self.vix_ar_phi.powf(days * TRADING_DAYS_PER_YEAR / DAYS_PER_YEAR)
    }
}

/// A priced unit of an instrument: its value, its hedge sensitivity and its greeks.
#[derive(Debug, Clone, Copy)]
struct Unit {
    underlying: f64,
    strikes: Option<[f64; 2]>,
    price: f64,
    sensitivity: f64,
    unit_notional: f64,
    cost_per_year: f64,
    greeks: PositionGreeks,
}

fn pricing_err(what: &str) -> impl Fn(crosshedge_pricing::PricingError) -> HedgingError + '_ {
    move |source| HedgingError::Pricing { what: what.to_string(), source }
}

/// Strike of an option with discounted |delta| `d` on forward `f` (Black-76 delta
/// `e^{−rT}Φ(d₁)` for calls, `−e^{−rT}Φ(−d₁)` for puts; the Black–Scholes spot delta with
/// dividend yield has the same form with `e^{−qT}`, `disc` is that factor).
///
/// # Formula
/// `d₁ = ±Φ⁻¹(d/disc)`, `K = F exp(−d₁ σ√T + σ²T/2)`.
fn strike_for_delta(kind: OptionKind, f: f64, d: f64, vol: f64, t: f64, disc: f64) -> f64 {
    let p = (d / disc).clamp(1e-12, 1.0 - 1e-12);
    let d1 = match kind {
        OptionKind::Call => inverse_norm_cdf(p),
        OptionKind::Put => -inverse_norm_cdf(p),
    };
    let sd = vol * t.sqrt();
    f * (-d1 * sd + 0.5 * sd * sd).exp()
}

fn spread_strikes(
    rule: StrikeRule,
    kind: OptionKind,
    f: f64,
    vol: f64,
    t: f64,
    disc: f64,
) -> [f64; 2] {
    match rule {
        StrikeRule::Moneyness { long, short } => [long * f, short * f],
        StrikeRule::Delta { long, short } => [
            strike_for_delta(kind, f, long, vol, t, disc),
            strike_for_delta(kind, f, short, vol, t, disc),
        ],
    }
}

fn vix_spread_legs(
    f: f64,
    k: [f64; 2],
    inp: &SizingInputs,
    t: f64,
) -> Result<(Greeks, Greeks), HedgingError> {
    let leg = |strike| {
        black76_greeks(&Black76Inputs {
            kind: OptionKind::Call,
            forward: f,
            strike,
            vol: inp.vol_of_vol,
            t_years: t,
            rate: inp.rate,
        })
    };
    Ok((leg(k[0]).map_err(pricing_err("vix call"))?, leg(k[1]).map_err(pricing_err("vix call"))?))
}

fn spx_spread_legs(
    s: f64,
    k: [f64; 2],
    inp: &SizingInputs,
    t: f64,
) -> Result<(Greeks, Greeks), HedgingError> {
    let leg = |strike| {
        black_scholes_greeks(&BlackScholesInputs {
            kind: OptionKind::Put,
            spot: s,
            strike,
            vol: inp.spx_vol,
            t_years: t,
            rate: inp.rate,
            div_yield: inp.spx_div_yield,
        })
        .map(|g| g.greeks)
    };
    Ok((leg(k[0]).map_err(pricing_err("spx put"))?, leg(k[1]).map_err(pricing_err("spx put"))?))
}

fn price_unit(layer: &Layer, inp: &SizingInputs, loc: &str) -> Result<Unit, HedgingError> {
    let days = f64::from(layer.tenor_days);
    let t = days / DAYS_PER_YEAR;
    let mult = layer.instrument.multiplier();
    let trading = |d: f64| d * TRADING_DAYS_PER_YEAR / DAYS_PER_YEAR;
    let x = inp.vix.ln();
    let zero = PositionGreeks::default();
    Ok(match layer.instrument {
        Instrument::VixFuture => {
            let f = interpolate_curve(inp.vix, &inp.vix_curve, days);
            let beta = inp.future_beta(days);
            let e = expected_vix(x, trading(days), inp.vix_ar_phi, inp.vix_mean_log, inp.vix_ar_sd);
            Unit {
                underlying: f,
                strikes: None,
                price: 0.0,
                sensitivity: mult * f * beta,
                unit_notional: mult * f,
                cost_per_year: mult * (f - e) * DAYS_PER_YEAR / days,
                greeks: PositionGreeks {
                    delta_log_vix: mult * f * beta,
                    gamma_log_vix: mult * f * beta * beta,
                    ..zero
                },
            }
        }
        Instrument::VolEtp => {
            let f = interpolate_curve(inp.vix, &inp.vix_curve, ETP_TENOR_DAYS);
            let e = expected_vix(
                x,
                trading(ETP_TENOR_DAYS),
                inp.vix_ar_phi,
                inp.vix_mean_log,
                inp.vix_ar_sd,
            );
            let beta = inp.future_beta(ETP_TENOR_DAYS);
            Unit {
                underlying: 1.0,
                strikes: None,
                price: 1.0,
                sensitivity: beta,
                unit_notional: 1.0,
                cost_per_year: (f / e - 1.0) * DAYS_PER_YEAR / ETP_TENOR_DAYS,
                greeks: PositionGreeks { delta_log_vix: beta, gamma_log_vix: beta * beta, ..zero },
            }
        }
        Instrument::ShortPerp => Unit {
            underlying: 1.0,
            strikes: None,
            price: 0.0,
            sensitivity: 1.0,
            unit_notional: 1.0,
            cost_per_year: -inp.funding_per_year,
            greeks: PositionGreeks { crypto_delta_log: -1.0, ..zero },
        },
        Instrument::ShortSpot => Unit {
            underlying: 1.0,
            strikes: None,
            price: 0.0,
            sensitivity: 1.0,
            unit_notional: 1.0,
            cost_per_year: 0.0,
            greeks: PositionGreeks { crypto_delta_log: -1.0, ..zero },
        },
        Instrument::BtcPut
        | Instrument::BtcPutSpread
        | Instrument::BtcCall
        | Instrument::EthPut
        | Instrument::EthPutSpread
        | Instrument::EthCall => {
            let m = coin_market(layer, inp, loc)?;
            let rate = crypto_option_rate(layer.settlement.unwrap_or_default(), inp.rate);
            let legs = crypto_legs(layer, &m, t, rate);
            let g = crypto_value(&legs, &m, m.spot, t, rate)?;
            let s = m.spot;
            let strikes = match legs.as_slice() {
                [(k, ..)] => Some([*k, *k]),
                [(a, ..), (b, ..)] => Some([*a, *b]),
                _ => None,
            };
            Unit {
                underlying: s,
                strikes,
                price: mult * g.price,
                // Puts gain as the coin falls: USD per 1.0 log fall; a call hedges a short.
                sensitivity: (-mult * g.delta * s).abs(),
                unit_notional: mult * s,
                cost_per_year: mult * g.price * DAYS_PER_YEAR / days,
                greeks: PositionGreeks {
                    crypto_delta_log: mult * g.delta * s,
                    theta_per_day: mult * g.theta / DAYS_PER_YEAR,
                    ..zero
                },
            }
        }
        Instrument::VixCallSpread => {
            let f = interpolate_curve(inp.vix, &inp.vix_curve, days);
            let beta = inp.future_beta(days);
            let rule = layer.strike.unwrap_or(StrikeRule::Moneyness { long: 1.0, short: 1.5 });
            let k =
                spread_strikes(rule, OptionKind::Call, f, inp.vol_of_vol, t, (-inp.rate * t).exp());
            let (a, b) = vix_spread_legs(f, k, inp, t)?;
            let price = mult * (a.price - b.price);
            let delta = mult * (a.delta - b.delta);
            let gamma = mult * (a.gamma - b.gamma);
            Unit {
                underlying: f,
                strikes: Some(k),
                price,
                sensitivity: delta * f * beta,
                unit_notional: mult * f,
                cost_per_year: price * DAYS_PER_YEAR / days,
                greeks: PositionGreeks {
                    delta_log_vix: delta * f * beta,
                    gamma_log_vix: beta * beta * (gamma * f * f + delta * f),
                    vix_vega: mult * (a.vega - b.vega),
                    theta_per_day: mult * (a.theta - b.theta) / DAYS_PER_YEAR,
                    ..zero
                },
            }
        }
        Instrument::SpxPutSpread => {
            let s = inp.spx;
            let fwd = s * ((inp.rate - inp.spx_div_yield) * t).exp();
            let rule = layer.strike.unwrap_or(StrikeRule::Moneyness { long: 0.95, short: 0.85 });
            let k = spread_strikes(
                rule,
                OptionKind::Put,
                fwd,
                inp.spx_vol,
                t,
                (-inp.spx_div_yield * t).exp(),
            );
            let (a, b) = spx_spread_legs(s, k, inp, t)?;
            let price = mult * (a.price - b.price);
            let delta = mult * (a.delta - b.delta);
            let gamma = mult * (a.gamma - b.gamma);
            Unit {
                underlying: fwd,
                strikes: Some(k),
                price,
                sensitivity: -delta * s,
                unit_notional: mult * s,
                cost_per_year: price * DAYS_PER_YEAR / days,
                greeks: PositionGreeks {
                    spx_delta_log: delta * s,
                    spx_gamma_log: gamma * s * s + delta * s,
                    spx_vega: mult * (a.vega - b.vega),
                    theta_per_day: mult * (a.theta - b.theta) / DAYS_PER_YEAR,
                    ..zero
                },
            }
        }
    })
}

/// The coin market of a crypto option layer, with the layer's own skew when it states one.
fn coin_market(layer: &Layer, inp: &SizingInputs, loc: &str) -> Result<CoinMarket, HedgingError> {
    let asset = layer.instrument.crypto_option().map_or(Asset::Btc, |(a, _)| a);
    let mut m = inp.crypto.coin(asset).ok_or_else(|| HedgingError::NoCryptoMarket {
        location: loc.to_string(),
        coin: if asset == Asset::Eth { "eth" } else { "btc" },
    })?;
    if let Some(k) = layer.skew {
        m.skew = k;
    }
    Ok(m)
}

/// The legs of a crypto option layer at spot `s`: `(strike, kind, sign)` with the strikes as
/// multiples of the forward (single options: `moneyness`; put spreads: long the higher strike,
/// short the lower, from the strike rule, default 0.9/0.7; a delta rule is solved at the
/// at-the-money vol).
fn crypto_legs(layer: &Layer, m: &CoinMarket, t: f64, rate: f64) -> Vec<(f64, OptionKind, f64)> {
    let ty = layer.instrument.crypto_option().map_or(CryptoOptionType::Put, |(_, t)| t);
    let f = m.spot;
    match ty {
        CryptoOptionType::Put => vec![(layer.single_moneyness() * f, OptionKind::Put, 1.0)],
        CryptoOptionType::Call => vec![(layer.single_moneyness() * f, OptionKind::Call, 1.0)],
        CryptoOptionType::PutSpread => {
            let rule = layer.strike.unwrap_or(StrikeRule::Moneyness { long: 0.9, short: 0.7 });
            let k = spread_strikes(rule, OptionKind::Put, f, m.vol, t, (-rate * t).exp());
            vec![(k[0], OptionKind::Put, 1.0), (k[1], OptionKind::Put, -1.0)]
        }
    }
}

/// The USD rate a crypto option is discounted at: the USD rate for linear (USDC) options, zero
/// for inverse ones (coin terms; with the forward equal to spot the USD value of the coin
/// premium `c·S = B/F·S` is then the undiscounted Black value).
pub fn crypto_option_rate(settlement: CryptoSettlement, usd_rate: f64) -> f64 {
    match settlement {
        CryptoSettlement::Inverse => 0.0,
        CryptoSettlement::Linear => usd_rate,
    }
}

/// USD value (per coin) and greeks of a crypto option layer's legs at spot `s`, each leg at its
/// own skewed vol.
fn crypto_value(
    legs: &[(f64, OptionKind, f64)],
    m: &CoinMarket,
    s: f64,
    t: f64,
    rate: f64,
) -> Result<Greeks, HedgingError> {
    let mut g = Greeks::default();
    for &(k, kind, sign) in legs {
        let leg = black76_greeks(&Black76Inputs {
            kind,
            forward: s,
            strike: k,
            vol: skewed_vol(m.vol, m.skew, m.spot, k),
            t_years: t,
            rate,
        })
        .map_err(pricing_err("crypto option"))?;
        g.price += sign * leg.price;
        g.delta += sign * leg.delta;
        g.gamma += sign * leg.gamma;
        g.vega += sign * leg.vega;
        g.theta += sign * leg.theta;
        g.rho += sign * leg.rho;
        g.vega_per_vol_point += sign * leg.vega_per_vol_point;
        g.theta_per_day += sign * leg.theta_per_day;
    }
    Ok(g)
}

fn trigger_on(trigger: &Trigger, inp: &SizingInputs) -> bool {
    match trigger {
        Trigger::Always => true,
        Trigger::VixBand { bands } => bands.contains(&inp.band),
        Trigger::Signal { name } => inp.signals.iter().any(|s| s == name),
    }
}

/// Hedge exposure asked of a layer (USD per 1.0 log move of its risk factor) and the units that
/// give it.
fn required(layer: &Layer, unit: &Unit, inp: &SizingInputs, n: f64) -> (f64, f64) {
    match layer.sizing {
        SizingRule::HedgeRatio { regime, weight, decorrelation } => {
            let (vix_h, spx_h, btc_b) = match regime {
                Regime::Calm => (inp.hedge_ratio_calm, inp.spx_hedge_ratio_calm, inp.btc_beta_calm),
                Regime::Stress => {
                    (inp.hedge_ratio_stress, inp.spx_hedge_ratio_stress, inp.btc_beta_stress)
                }
            };
            let h = match layer.instrument {
                Instrument::VixCallSpread | Instrument::VixFuture | Instrument::VolEtp => vix_h,
                Instrument::SpxPutSpread => spx_h,
                Instrument::ShortPerp | Instrument::ShortSpot => btc_b,
                Instrument::BtcPut
                | Instrument::BtcPutSpread
                | Instrument::BtcCall
                | Instrument::EthPut
                | Instrument::EthPutSpread
                | Instrument::EthCall => btc_b,
            };
            let k = if decorrelation { inp.decorrelation_factor.abs() } else { 1.0 };
            let e = weight * h.abs() * k * n;
            (e, if unit.sensitivity > 0.0 { e / unit.sensitivity } else { 0.0 })
        }
        SizingRule::Notional { fraction } => {
            let q = fraction * n / unit.unit_notional;
            (q * unit.sensitivity, q)
        }
    }
}

/// Full-revaluation P&L of one unit after an instantaneous regime move.
fn unit_shock_pnl(
    layer: &Layer,
    unit: &Unit,
    inp: &SizingInputs,
    mv: &RegimeMove,
) -> Result<f64, HedgingError> {
    let days = f64::from(layer.tenor_days);
    let t = days / DAYS_PER_YEAR;
    let mult = layer.instrument.multiplier();
    Ok(match layer.instrument {
        Instrument::VixFuture => {
            mult * unit.underlying * ((inp.future_beta(days) * mv.vix_log).exp() - 1.0)
        }
        Instrument::VolEtp => (inp.future_beta(ETP_TENOR_DAYS) * mv.vix_log).exp() - 1.0,
        Instrument::ShortPerp | Instrument::ShortSpot => 1.0 - mv.target_log.exp(),
        Instrument::BtcPut
        | Instrument::BtcPutSpread
        | Instrument::BtcCall
        | Instrument::EthPut
        | Instrument::EthPutSpread
        | Instrument::EthCall => {
            let m = coin_market(layer, inp, "")?;
            let rate = crypto_option_rate(layer.settlement.unwrap_or_default(), inp.rate);
            let legs = crypto_legs(layer, &m, t, rate);
            let s = unit.underlying * mv.target_log.exp();
            mult * crypto_value(&legs, &m, s, t, rate)?.price - unit.price
        }
        Instrument::VixCallSpread => {
            let f = unit.underlying * (inp.future_beta(days) * mv.vix_log).exp();
            let k = unit.strikes.unwrap_or([f, f]);
            let (a, b) = vix_spread_legs(f, k, inp, t)?;
            mult * (a.price - b.price) - unit.price
        }
        Instrument::SpxPutSpread => {
            let s = inp.spx * mv.spx_log.exp();
            let k = unit.strikes.unwrap_or([s, s]);
            let (a, b) = spx_spread_legs(s, k, inp, t)?;
            mult * (a.price - b.price) - unit.price
        }
    })
}

/// Sizes every layer of `book` from measured inputs under the book's premium budget.
///
/// # Formula
/// - Delta notional `N = Σ` exposures' delta notionals ([`asset_notional`]).
/// - Each active layer asks for a hedge exposure `E = w · |h| · (k if decorrelation) · N`
///   (`hedge-ratio` rule), with `h` the measured ratio of the chosen regime for the layer's
///   risk factor: the VIX hedge ratio for VIX instruments (E in USD per 1.0 of log VIX), the SPX
///   hedge ratio for SPX put spreads (USD per 1.0 of log SPX fall), the BTC beta for short
///   perps; or `q = fraction · N / (multiplier · underlying)` units (`notional` rule).
/// - Unit sensitivities: VIX future `1000 F β` with `β = φ^{τ·252/365}` (the elasticity of the
///   τ-day future to spot VIX under the AR(1) of log VIX); VIX call spread
///   `100 (Δ₁ − Δ₂) F β` (Black-76 at the interpolated future, vol-of-vol, `T = τ/365`);
///   ETP `β(30)` per USD; SPX put spread `−100 (Δ₁ − Δ₂) S` (Black–Scholes); short perp 1 per
///   USD. Units `q = E / sensitivity`.
/// - Cost per year per unit: spreads `price · 365/τ` (rolled every τ days); VIX future
///   `1000 (F − E[VIX_τ]) · 365/τ` (expected roll-down, [`expected_vix`]); ETP
///   `(F₃₀/E[VIX₃₀] − 1) · 365/30`; short perp `−funding_per_year`.
/// - Budget: with total cost `C = Σ q c` and budget `B = budget · N`, every `q` is multiplied
///   by `min(1, B/C)` when `C > 0`.
/// - Greeks: per unit as in [`PositionGreeks`], times `q`, summed.
/// - Cover in regime `r`, given the target's own 1-in-20 loss there (`y` its 5 % quantile from
///   [`RegimeMoments`]): target loss `N (1 − e^{y})`; the hedge P&L of a move `(x, s, y)` by
///   full revaluation at `F e^{βx}`, `S e^{s}` and the same time to expiry (ETP
///   `e^{β(30)x} − 1` per USD, short perp `1 − e^{y}` per USD), averaged over the conditional
///   distribution of `(x, s)` given `y` (basis risk: the VIX moves by its correlation with the
///   target); expected cover = `E[P&L | y] / loss`, and `P(P&L ≥ c · loss | y)` for
///   `c` = 25, 50, 75 % (`regime_cover`).
///
/// # Errors
/// [`HedgingError::InvalidInput`] or [`HedgingError::InvalidBook`] for out-of-domain values,
/// [`HedgingError::NothingToHedge`] when `N ≤ 0`, [`HedgingError::Pricing`] if an option
/// cannot be priced.
///
/// # References
/// Black (1976) for VIX options on the VIX future; Whaley (2009) for VIX futures and options;
/// the sizing rule is DESIGN.md §6.
pub fn size_book(book: &Book, inp: &SizingInputs) -> Result<HedgePlan, HedgingError> {
    book.validate()?;
    inp.validate()?;
    let notional = asset_notional(book);
    let n = notional.total();
    if n.is_nan() || n <= 0.0 {
        return Err(HedgingError::NothingToHedge { notional: n });
    }
    let mut units = Vec::with_capacity(book.layers.len());
    let mut layers = Vec::with_capacity(book.layers.len());
    let mut cost = 0.0;
    for (i, layer) in book.layers.iter().enumerate() {
        let unit = price_unit(layer, inp, &format!("layer {} \"{}\"", i + 1, layer.name))?;
        let active = trigger_on(&layer.trigger, inp);
        let (e, q) = if active { required(layer, &unit, inp, n) } else { (0.0, 0.0) };
        cost += q * unit.cost_per_year;
        units.push(unit);
        layers.push(LayerPosition {
            name: layer.name.clone(),
            instrument: layer.instrument,
            active,
            tenor_days: layer.tenor_days,
            underlying: unit.underlying,
            strikes: unit.strikes,
            multiplier: layer.instrument.multiplier(),
            unit_price: unit.price,
            required_exposure: e,
            unit_sensitivity: unit.sensitivity,
            quantity: q,
            premium: 0.0,
            cost_per_year: 0.0,
            greeks: PositionGreeks::default(),
            crypto_vol: match layer.instrument.crypto_option() {
                Some(_) => {
                    let m = coin_market(layer, inp, "")?;
                    Some(CoinVol { atm: m.vol, skew: m.skew })
                }
                None => None,
            },
        });
    }
    let budget_per_year = book.budget * n;
    let budget_scale =
        if cost > budget_per_year && cost > 0.0 { budget_per_year / cost } else { 1.0 };
    let mut greeks = PositionGreeks::default();
    let mut premium = 0.0;
    let mut cost_per_year = 0.0;
    for (pos, unit) in layers.iter_mut().zip(&units) {
        pos.quantity *= budget_scale;
        pos.premium = if pos.instrument.is_option() { pos.quantity * unit.price } else { 0.0 };
        pos.cost_per_year = pos.quantity * unit.cost_per_year;
        pos.greeks = unit.greeks.scaled(pos.quantity);
        greeks.add(&pos.greeks);
        premium += pos.premium;
        cost_per_year += pos.cost_per_year;
    }
    let mut cover = Vec::with_capacity(2);
    for (name, m) in [("calm", inp.moments[0]), ("stress", inp.moments[1])] {
        cover.push(regime_cover(book, &units, &layers, inp, name, &m, n)?);
    }
    let nft_carry_per_year = book
        .exposures
        .iter()
        .map(|e| match e {
            Exposure::NftInventory { value, carry_per_year } => value * carry_per_year,
            _ => 0.0,
        })
        .sum();
    Ok(HedgePlan {
        book: book.name.clone(),
        asset_notional: notional,
        target_notional: n,
        nft_carry_per_year,
        layers,
        premium,
        cost_per_year,
        budget_per_year,
        budget_scale,
        requirement_cost_per_year: cost,
        greeks,
        cover,
    })
}

/// The hedge P&L per layer after the instantaneous move `mv`.
fn shock_pnl(
    book: &Book,
    units: &[Unit],
    layers: &[LayerPosition],
    inp: &SizingInputs,
    mv: &RegimeMove,
) -> Result<Vec<f64>, HedgingError> {
    book.layers
        .iter()
        .zip(units)
        .zip(layers)
        .map(|((layer, unit), pos)| {
            Ok(if pos.quantity == 0.0 {
                0.0
            } else {
                pos.quantity * unit_shock_pnl(layer, unit, inp, mv)?
            })
        })
        .collect()
}

/// The cover of the sized book given the target's 1-in-20 loss in one regime.
///
/// # Formula
/// With `(X, S, Y)` trivariate normal ([`RegimeMoments`]) and `y = μ_Y + z σ_Y`,
/// `z = Φ⁻¹(1 − 0.95)`: `(X, S) | Y = y` is normal with means
/// `μ_X + ρ_XY σ_X z`, `μ_S + ρ_SY σ_S z` and covariance
/// `[[σ_X²(1 − ρ_XY²), σ_X σ_S (ρ_XS − ρ_XY ρ_SY)], [·, σ_S²(1 − ρ_SY²)]]` (Anderson, 2003,
/// *An Introduction to Multivariate Statistical Analysis*, §2.5). The expected hedge P&L is a
/// 40 × 12 Gauss–Hermite product rule over that distribution (in Cholesky coordinates), the
/// cover probabilities the share of a 128 × 32 equal-probability midpoint grid
/// (`Φ⁻¹((i + ½)/n)`) whose hedge P&L reaches the level; every point is revalued in full.
fn regime_cover(
    book: &Book,
    units: &[Unit],
    layers: &[LayerPosition],
    inp: &SizingInputs,
    regime: &'static str,
    m: &RegimeMoments,
    n: f64,
) -> Result<RegimeCover, HedgingError> {
    let z = inverse_norm_cdf(1.0 - COVER_LOSS_LEVEL);
    let y = m.target_mean + z * m.target_sd;
    let target_loss = n * (1.0 - y.exp());
    let (rxy, rsy) = (m.corr_target_vix, m.corr_target_spx);
    let mx = m.vix_mean + rxy * m.vix_sd * z;
    let ms = m.spx_mean + rsy * m.spx_sd * z;
    let vx = (m.vix_sd * m.vix_sd * (1.0 - rxy * rxy)).max(0.0);
    let vs = (m.spx_sd * m.spx_sd * (1.0 - rsy * rsy)).max(0.0);
    let cxs = m.vix_sd * m.spx_sd * (m.corr_vix_spx - rxy * rsy);
    let a = vx.sqrt();
    let b = if a > 0.0 { cxs / a } else { 0.0 };
    let c = (vs - b * b).max(0.0).sqrt();
    // A degenerate conditional distribution (no variance left given the target) is one point.
    let degenerate = a == 0.0 && b == 0.0 && c == 0.0;
    // Expectations by Gauss–Hermite (exact for smooth payoffs to ~1e-12), probabilities by
    // the share of an equal-probability midpoint grid (resolution 1/128 in the VIX coordinate).
    let ((hx, hwx), (hs, hws)) = if degenerate {
        ((vec![0.0], vec![1.0]), (vec![0.0], vec![1.0]))
    } else {
        (gauss_hermite(COVER_HERMITE.0), gauss_hermite(COVER_HERMITE.1))
    };
    let mut layer_pnl = vec![0.0; layers.len()];
    for (u, wu) in hx.iter().zip(&hwx) {
        for (v, wv) in hs.iter().zip(&hws) {
            let mv = RegimeMove { vix_log: mx + a * u, spx_log: ms + b * u + c * v, target_log: y };
            for (s, p) in layer_pnl.iter_mut().zip(shock_pnl(book, units, layers, inp, &mv)?) {
                *s += wu * wv * p;
            }
        }
    }
    let (nx, ns) = if degenerate { (1, 1) } else { COVER_GRID };
    let grid = |k: usize| -> Vec<f64> {
        if k == 1 {
            return vec![0.0];
        }
        (0..k).map(|i| inverse_norm_cdf((i as f64 + 0.5) / k as f64)).collect()
    };
    let (zx, zs) = (grid(nx), grid(ns));
    let mut covered = [0usize; COVER_LEVELS.len()];
    if target_loss > 0.0 {
        for u in &zx {
            for v in &zs {
                let mv =
                    RegimeMove { vix_log: mx + a * u, spx_log: ms + b * u + c * v, target_log: y };
                let total: f64 = shock_pnl(book, units, layers, inp, &mv)?.iter().sum();
                for (k, level) in covered.iter_mut().zip(COVER_LEVELS) {
                    if total >= level * target_loss {
                        *k += 1;
                    }
                }
            }
        }
    }
    let points = (nx * ns) as f64;
    let hedge_pnl: f64 = layer_pnl.iter().sum();
    let perfect = RegimeMove {
        vix_log: m.vix_mean + z * m.vix_sd * rxy.signum(),
        spx_log: m.spx_mean + z * m.spx_sd * rsy.signum(),
        target_log: y,
    };
    let hedge_pnl_perfect_correlation = shock_pnl(book, units, layers, inp, &perfect)?.iter().sum();
    Ok(RegimeCover {
        regime,
        shock: RegimeMove { vix_log: mx, spx_log: ms, target_log: y },
        target_loss,
        hedge_pnl,
        layer_pnl,
        cover: (target_loss > 0.0).then(|| hedge_pnl / target_loss),
        cover_probability: COVER_LEVELS
            .iter()
            .zip(covered)
            .map(|(level, k)| CoverProbability {
                level: *level,
                probability: if target_loss > 0.0 { k as f64 / points } else { 0.0 },
            })
            .collect(),
        hedge_pnl_perfect_correlation,
    })
}
