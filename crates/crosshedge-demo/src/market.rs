//! The configuration and the output types of the demo market.

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use crosshedge_core::Date;
use serde::Serialize;

use crate::params;

/// What to generate: a seed and a span of calendar days (both ends included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoConfig {
    /// Seed of the ChaCha8 generators; the same seed gives the same market on every platform.
    pub seed: u64,
    /// First calendar day.
    pub start: Date,
    /// Last calendar day.
    pub end: Date,
}

impl Default for DemoConfig {
    /// Seed 42, 2014-01-01..2025-12-31 (about 3,000 US trading days, 4,383 crypto days).
    fn default() -> Self {
        Self {
            seed: 42,
            start: NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or_default(),
            end: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
        }
    }
}

/// One settlement of one monthly VIX future.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FutureSettle {
    /// Trade date (a US trading day).
    pub date: Date,
    /// Final settlement date of the contract ([`crosshedge_core::calendar::vix_expiry`]).
    pub expiry: Date,
    /// Settlement price in VIX points.
    pub settle: f64,
    /// Calendar days from `date` to `expiry`.
    pub dte_days: i64,
}

/// Days to expiry of the front (VX1) and second (VX2) contract on one US trading day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VxDaysToExpiry {
    /// Trade date.
    pub date: Date,
    /// Calendar days to the VX1 expiry.
    pub vx1_days: i64,
    /// Calendar days to the VX2 expiry.
    pub vx2_days: i64,
}

/// A scripted episode of the demo market, with its window (both ends included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoEpisode {
    /// Short name, e.g. `demo-defi-liquidity-shock`.
    pub name: String,
    /// First day of the window.
    pub start: Date,
    /// Last day of the window.
    pub end: Date,
    /// What happens in the window.
    pub description: String,
}

/// The headline calibrated parameters the market was generated with (for reports).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamsSummary {
    /// VIX band edges (calm < first, stress > second).
    pub vix_bands: [f64; 2],
    /// Long-run share of US days in each regime (calm, normal, stress).
    pub regime_shares: [f64; 3],
    /// Daily mean reversion of log VIX.
    pub vix_kappa: f64,
    /// Regime VIX levels, `exp(mu_log)`, in index points.
    pub vix_levels: [f64; 3],
    /// Real us-close aligned BTC-vs-VIX correlation per regime that the demo reproduces.
    pub target_corr_btc_vix: [f64; 3],
    /// BTC daily vol on US weekdays per regime.
    pub btc_sd_weekday: [f64; 3],
    /// ETH-BTC daily correlation.
    pub eth_corr_btc: f64,
    /// Probability that the NFT index prints on a day.
    pub nft_trade_prob: f64,
    /// BTC drawdown of the scripted DeFi shock.
    pub shock_btc_drawdown: f64,
    /// VIX spike ratio of the scripted DeFi shock.
    pub shock_vix_spike_ratio: f64,
    /// Trough of the stablecoin depeg.
    pub depeg_trough: f64,
}

impl ParamsSummary {
    /// The summary of the constants in [`crate::params`].
    pub fn from_params() -> Self {
        Self {
            vix_bands: params::VIX_BANDS,
            regime_shares: params::REGIME_SHARES,
            vix_kappa: params::VIX_KAPPA,
            vix_levels: params::VIX_MU_LOG.map(f64::exp),
            target_corr_btc_vix: params::BTC_TARGET_CORR_VIX,
            btc_sd_weekday: params::BTC_SD_WEEKDAY,
            eth_corr_btc: params::ETH_CORR_BTC,
            nft_trade_prob: params::NFT_TRADE_PROB,
            shock_btc_drawdown: params::SHOCK_BTC_DRAWDOWN,
            shock_vix_spike_ratio: params::SHOCK_VIX_SPIKE_RATIO,
            depeg_trough: params::USDC_DEPEG_PROFILE.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// A generated market: the series to import, the futures curve, the scripted episodes and the
/// true hidden regime of every US trading day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoMarket {
    /// The configuration it was generated from.
    pub config: DemoConfig,
    /// `vix`, `spx`, `vx1`, `vx2` (US trading days) and `btc`, `eth`, `nft`, `funding_btc`,
    /// `usdc`, `dvol` (every calendar day), in this order.
    pub series: Vec<Series>,
    /// Settlements of the first four listed monthly VIX futures on every US trading day.
    pub futures: Vec<FutureSettle>,
    /// Days to expiry of VX1 and VX2 on every US trading day.
    pub vx_days_to_expiry: Vec<VxDaysToExpiry>,
    /// The scripted episodes: a DeFi liquidity shock and a calm period.
    pub episodes: Vec<DemoEpisode>,
    /// The true hidden regime (0 calm, 1 normal, 2 stress) of every US trading day.
    pub regimes: Vec<(Date, usize)>,
    /// The calibrated parameters used.
    pub params: ParamsSummary,
}

impl DemoMarket {
    /// The series named `name`, if generated.
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }

    /// The episode named `name`, if scripted.
    pub fn episode(&self, name: &str) -> Option<&DemoEpisode> {
        self.episodes.iter().find(|e| e.name == name)
    }
}

/// The names of the regimes, by index.
pub const REGIME_NAMES: [&str; 3] = ["calm", "normal", "stress"];

/// The VIX band (0 calm, 1 normal, 2 stress) of a VIX level, with the edges of
/// [`params::VIX_BANDS`] (a level equal to an edge belongs to the upper band, as in
/// `numpy.digitize`, which the calibration used).
pub fn vix_band(level: f64) -> usize {
    if level < params::VIX_BANDS[0] {
        0
    } else if level < params::VIX_BANDS[1] {
        1
    } else {
        2
    }
}
