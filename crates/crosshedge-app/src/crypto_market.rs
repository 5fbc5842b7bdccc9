//! The crypto option market a book's BTC and ETH option layers are sized and backtested on:
//! the coin's spot from the store and its implied vol from [`crate::crypto_vol::resolve`].
//!
//! # Which vol series a coin uses
//! One implied-vol source per coin and run: the `vol-series` of the book's option layers on that
//! coin (two layers naming different series for one coin are refused), else for BTC the
//! request's `crypto_vol` (`--crypto-vol SERIES`), else the coin's realised 30-day vol times the
//! stated implied/realised ratio, with a warning saying so. The skew slope is the layer's
//! `skew`, else the request's. Coins no option layer is written on are not resolved, so books
//! without crypto options measure exactly as before.

use chrono::NaiveDate;
use crosshedge_hedging::{Asset, Book, CoinMarket, CryptoInputs};
use serde::{Deserialize, Serialize};

use crate::crypto_vol::{resolve, CryptoVol, CryptoVolSettings, VolSource};
use crate::{AppError, Workspace};

/// What the sizing of one coin's options used (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoinVolMeta {
    /// `btc` or `eth`.
    pub coin: String,
    /// The coin's price series.
    pub series: String,
    /// The implied-vol series, or `None` for the realised-vol fallback.
    pub vol_series: Option<String>,
    /// How the vol was obtained, in words.
    pub source: String,
    /// Spot on the as-of date (USD).
    pub spot: f64,
    /// At-the-money implied vol on the as-of date (decimal).
    pub atm_vol: f64,
    /// Put-skew slope.
    pub skew: f64,
    /// Warnings (the realised fallback, a series not covering the coin's span).
    pub warnings: Vec<String>,
}

/// One coin's resolved market: its daily vols and the sizing's start values.
#[derive(Debug, Clone)]
pub struct CoinMarketData {
    /// The asset.
    pub asset: Asset,
    /// Daily at-the-money vols.
    pub vol: CryptoVol,
    /// What the sizing used.
    pub meta: CoinVolMeta,
}

/// A coin the book's option layers are written on, the vol series they name and their skew.
#[derive(Debug, Clone, PartialEq)]
pub struct CoinNeed {
    /// The coin.
    pub asset: Asset,
    /// The `vol-series` its layers name (`None`: none does).
    pub vol_series: Option<String>,
    /// The `skew` its first layer stating one gives.
    pub skew: Option<f64>,
}

/// The coins the book's option layers are written on, each with the vol series its layers
/// name (`None`: none named).
///
/// # Errors
/// An input error when two layers on one coin name different `vol-series`.
pub fn coins_needed(book: &Book) -> Result<Vec<CoinNeed>, AppError> {
    let mut out: Vec<CoinNeed> = Vec::new();
    for l in &book.layers {
        let Some((asset, _)) = l.instrument.crypto_option() else { continue };
        match out.iter_mut().find(|c| c.asset == asset) {
            None => out.push(CoinNeed { asset, vol_series: l.vol_series.clone(), skew: l.skew }),
            Some(CoinNeed { vol_series: series, skew, .. }) => {
                match (&*series, &l.vol_series) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(AppError::input(format!(
                            "layer \"{}\": vol-series '{b}' differs from '{a}' named by another {} option layer (one implied-vol series per coin)",
                            l.name,
                            coin_name(asset)
                        )))
                    }
                    (None, Some(b)) => *series = Some(b.clone()),
                    _ => {}
                }
                if skew.is_none() {
                    *skew = l.skew;
                }
            }
        }
    }
    Ok(out)
}

/// `btc` or `eth` (`nft` for the NFT index, which has no options).
pub fn coin_name(asset: Asset) -> &'static str {
    match asset {
        Asset::Btc => "btc",
        Asset::Eth => "eth",
        Asset::Nft => "nft",
    }
}

/// Resolves the market of every coin the book's option layers need: the coin's price series
/// is `crypto[0]` (BTC) or `crypto[1]` (ETH) of the measurement; spot and vol are those of
/// `as_of` (the latest on or before it).
///
/// # Errors
/// As [`coins_needed`] and [`resolve`]; an input error when the coin has no price or vol on
/// or before `as_of`.
pub fn resolve_book(
    ws: &Workspace,
    book: &Book,
    crypto: &[String],
    crypto_vol: Option<&str>,
    settings: &CryptoVolSettings,
    as_of: Option<NaiveDate>,
) -> Result<Vec<CoinMarketData>, AppError> {
    let mut out = Vec::new();
    for CoinNeed { asset, vol_series: layer_series, skew: layer_skew } in coins_needed(book)? {
        let idx = if asset == Asset::Eth { 1 } else { 0 };
        let series = crypto.get(idx).cloned().ok_or_else(|| {
            AppError::input(format!("no {} series among the crypto series", coin_name(asset)))
        })?;
        let vol_series = layer_series.or_else(|| {
            if asset == Asset::Btc {
                crypto_vol.map(str::to_string)
            } else {
                None
            }
        });
        let mut s = settings.clone();
        if let Some(k) = layer_skew {
            s.skew = k;
        }
        let vol = resolve(ws, &series, vol_series.as_deref(), &s)?;
        let prices = ws.load(&series, None, as_of)?;
        let (Some(&date), Some(&spot)) = (prices.dates().last(), prices.values().last()) else {
            return Err(AppError::input(format!("series '{series}' has no price")));
        };
        let atm_vol = vol.atm(date).ok_or_else(|| {
            AppError::input(format!(
                "no implied vol for {} on or before {date} (the vol starts {})",
                coin_name(asset),
                vol.dates.first().map_or("never".to_string(), |d| d.to_string())
            ))
        })?;
        let source = match &vol.source {
            VolSource::Series { name } => format!("implied-vol series '{name}' / 100"),
            VolSource::Realised { window_days, ratio } => format!(
                "realised {window_days}-day vol of {series} × {ratio} (implied/realised ratio; no implied-vol series)"
            ),
        };
        out.push(CoinMarketData {
            asset,
            meta: CoinVolMeta {
                coin: coin_name(asset).to_string(),
                series: series.clone(),
                vol_series,
                source,
                spot,
                atm_vol,
                skew: vol.skew,
                warnings: vol.warnings.clone(),
            },
            vol,
        });
    }
    Ok(out)
}

/// The sizing's crypto inputs of resolved coins.
pub fn sizing_inputs(coins: &[CoinMarketData]) -> CryptoInputs {
    let mut c = CryptoInputs::default();
    for m in coins {
        let cm = CoinMarket { spot: m.meta.spot, vol: m.meta.atm_vol, skew: m.meta.skew };
        match m.asset {
            Asset::Btc => c.btc = Some(cm),
            Asset::Eth => c.eth = Some(cm),
            Asset::Nft => {}
        }
    }
    c
}
