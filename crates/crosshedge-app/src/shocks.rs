//! `shocks`: DeFi liquidity-shock windows detected from crypto drawdowns, stablecoin depegs,
//! TVL outflows and perpetual funding, compared with the catalogue of named episodes; and the
//! detection the `shocks` labeling of `basis` uses.

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::shocks::{
    compare_with_catalogue, detect_shocks, CatalogueComparison, ShockConfig, ShockDetection,
    ShockInputs, ShockWindow,
};
use serde::{Deserialize, Serialize};

use crate::{units, AppError, Progress, Workspace};

/// What `shocks` detects and how its windows are matched with the built-in catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShocksRequest {
    /// The series behind the components (absent ones are skipped and named).
    pub sources: ShockSources,
    /// First date, `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    /// Last date, `YYYY-MM-DD`.
    pub to: Option<NaiveDate>,
    /// Days of tolerance when matching detected windows with catalogue episodes.
    pub tolerance: i64,
}

impl Default for ShocksRequest {
    fn default() -> Self {
        Self { sources: ShockSources::default(), from: None, to: None, tolerance: 7 }
    }
}

/// The JSON of `shocks`.
#[derive(Clone, Debug, Serialize)]
pub struct ShocksResponse {
    /// Store series used, by component.
    pub series_used: Vec<String>,
    /// Series asked for but absent from the store.
    pub series_missing: Vec<String>,
    /// The detector's configuration.
    pub config: ShockConfig,
    /// Share of the days that are shock days (decimal, 0.05 = 5 %).
    pub shock_day_share: f64,
    /// The detected shock windows, in date order.
    pub windows: Vec<ShockWindow>,
    /// The windows matched with the built-in catalogue of named episodes.
    pub catalogue: CatalogueComparison,
}

/// Which store series feed the shock detector (absent ones are skipped and named).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShockSources {
    /// Crypto price for the drawdown component.
    pub crypto: String,
    /// Stablecoin prices for the depeg component.
    pub stablecoins: Vec<String>,
    /// DeFi TVL (USD) for the outflow component.
    pub tvl: String,
    /// Perpetual funding rate (decimal per period) for the funding component.
    pub funding: String,
}

impl Default for ShockSources {
    fn default() -> Self {
        Self {
            crypto: "btc".to_string(),
            stablecoins: vec!["ust".to_string(), "usdc".to_string()],
            tvl: "tvl".to_string(),
            funding: "funding_btc".to_string(),
        }
    }
}

/// A detection and the sources it used.
#[derive(Clone, Debug)]
pub struct Detection {
    /// The detector's output.
    pub detection: ShockDetection,
    /// Series used, by component.
    pub used: Vec<String>,
    /// Series asked for but absent from the store.
    pub missing: Vec<String>,
}

/// Runs the detector (default [`ShockConfig`]) on the store's series named in `src` over
/// `from..=to`; absent series are skipped and listed in [`Detection::missing`].
///
/// # Errors
/// Store errors; the labels crate's errors when no component can be computed.
pub fn detect(
    ws: &Workspace,
    src: &ShockSources,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Detection, AppError> {
    let known: Vec<String> = ws.store()?.list()?.into_iter().map(|s| s.name).collect();
    let mut used = Vec::new();
    let mut missing = Vec::new();
    let mut load = |name: &str| -> Result<Option<Series>, AppError> {
        if known.iter().any(|k| k == name) {
            used.push(name.to_string());
            Ok(Some(ws.load(name, from, to)?))
        } else {
            missing.push(name.to_string());
            Ok(None)
        }
    };
    let crypto = load(&src.crypto)?;
    let mut stables = Vec::new();
    for s in &src.stablecoins {
        if let Some(x) = load(s)? {
            stables.push(x);
        }
    }
    let tvl = load(&src.tvl)?;
    let funding = load(&src.funding)?;
    // Each series in the role the detector reads it in (a count is not a funding rate).
    let roles: [(&Option<Series>, &str, &[SeriesUnit]); 3] = [
        (&crypto, "the crypto price of the drawdown component", units::LEVELS),
        (&tvl, "the DeFi TVL of the outflow component", units::LEVELS),
        (&funding, "the perp funding rate of the funding component", units::RATES),
    ];
    for (series, role, allowed) in roles {
        if let Some(s) = series {
            units::require(s, role, allowed)?;
        }
    }
    for s in &stables {
        units::require(s, "a stablecoin price of the depeg component", &[SeriesUnit::Price])?;
    }
    let stable_refs: Vec<&Series> = stables.iter().collect();
    let inputs = ShockInputs {
        crypto_price: crypto.as_ref(),
        stablecoins: &stable_refs,
        tvl: tvl.as_ref(),
        funding: funding.as_ref(),
    };
    let detection = detect_shocks(&inputs, &ShockConfig::default())?;
    Ok(Detection { detection, used, missing })
}

/// Runs `shocks`: the detection on the store's series and its comparison with the built-in
/// catalogue of named episodes.
///
/// # Errors
/// As [`detect`].
pub fn run(
    ws: &Workspace,
    req: &ShocksRequest,
    _progress: &dyn Progress,
) -> Result<ShocksResponse, AppError> {
    let d = detect(ws, &req.sources, req.from, req.to)?;
    let catalogue = compare_with_catalogue(&d.detection, &Catalogue::builtin(), req.tolerance);
    let days = d.detection.scores.shock_day.len().max(1);
    let shock_days = d.detection.scores.shock_day.iter().filter(|x| **x).count();
    Ok(ShocksResponse {
        series_used: d.used,
        series_missing: d.missing,
        config: d.detection.config,
        shock_day_share: shock_days as f64 / days as f64,
        windows: d.detection.windows,
        catalogue,
    })
}
