//! The sources: vendor hosts (base URLs, pacing), specs `SOURCE:SYMBOL[=NAME]`, presets, and
//! the requests of each source with its pagination.
//!
//! Paths and query parameters are the vendors' documented ones; a base URL override replaces
//! only the scheme and host (`--base-url BINANCE=http://127.0.0.1:8080`).

use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate};
use crosshedge_core::calendar::{self, Calendar};
use crosshedge_core::units::SeriesUnit;
use serde::{Deserialize, Serialize};

use crate::http::Client;
use crate::vendor::cboe::VxRow;
use crate::vendor::{binance, cboe, defillama, deribit, fred, Table};
use crate::FetchError;

/// A vendor host: one base URL, one rate limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Host {
    /// `cdn.cboe.com`: index histories and VX per-contract files.
    Cboe,
    /// `fred.stlouisfed.org`.
    Fred,
    /// `api.binance.com` (spot).
    Binance,
    /// `fapi.binance.com` (USDⓈ-M futures: funding).
    BinanceFutures,
    /// `www.deribit.com`.
    Deribit,
    /// `api.llama.fi` (TVL).
    Defillama,
    /// `stablecoins.llama.fi`.
    DefillamaStablecoins,
}

impl Host {
    /// Every host.
    pub const ALL: [Self; 7] = [
        Self::Cboe,
        Self::Fred,
        Self::Binance,
        Self::BinanceFutures,
        Self::Deribit,
        Self::Defillama,
        Self::DefillamaStablecoins,
    ];

    /// The name in `--base-url NAME=URL` and `CROSSHEDGE_BASE_URL_<NAME>`.
    pub fn env_name(self) -> &'static str {
        match self {
            Self::Cboe => "CBOE",
            Self::Fred => "FRED",
            Self::Binance => "BINANCE",
            Self::BinanceFutures => "BINANCE_FUTURES",
            Self::Deribit => "DERIBIT",
            Self::Defillama => "DEFILLAMA",
            Self::DefillamaStablecoins => "DEFILLAMA_STABLECOINS",
        }
    }

    /// The vendor's scheme and host.
    pub fn default_base(self) -> &'static str {
        match self {
            Self::Cboe => "https://cdn.cboe.com",
            Self::Fred => "https://fred.stlouisfed.org",
            Self::Binance => "https://api.binance.com",
            Self::BinanceFutures => "https://fapi.binance.com",
            Self::Deribit => "https://www.deribit.com",
            Self::Defillama => "https://api.llama.fi",
            Self::DefillamaStablecoins => "https://stablecoins.llama.fi",
        }
    }

    /// The pause between two requests: Binance's shared 500 requests / 5 min / IP is 0.6 s a
    /// request; the others are polite defaults well inside their published limits.
    pub fn min_interval(self) -> Duration {
        Duration::from_millis(match self {
            Self::Binance | Self::BinanceFutures => 600,
            Self::Fred => 500,
            Self::Deribit => 100,
            Self::Cboe | Self::Defillama | Self::DefillamaStablecoins => 200,
        })
    }

    /// The host named `name` (`BINANCE_FUTURES`, any case, `-` for `_`).
    ///
    /// # Errors
    /// [`FetchError::Request`] for an unknown name.
    pub fn parse(name: &str) -> Result<Self, FetchError> {
        let n = name.trim().to_ascii_uppercase().replace('-', "_");
        Self::ALL.into_iter().find(|h| h.env_name() == n).ok_or_else(|| {
            FetchError::Request(format!(
                "unknown base-URL source '{name}' (expected {})",
                Self::ALL.map(Self::env_name).join(", ")
            ))
        })
    }
}

/// A checked base URL: `http(s)://host[:port]`, no path.
///
/// # Errors
/// [`FetchError::Request`] for anything else.
pub fn check_base_url(host: Host, url: &str) -> Result<String, FetchError> {
    let u = url.trim().trim_end_matches('/');
    let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(['/', '?', '#', ' ']) => Ok(u.to_string()),
        _ => Err(FetchError::Request(format!(
            "base URL {}={url}: expected http(s)://HOST[:PORT] (the vendor's paths are kept)",
            host.env_name()
        ))),
    }
}

/// What a spec fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A Cboe daily index (`VIX`, `VIX9D`, `VIX3M`, `VVIX`, `SKEW`): the close; or `VRO`,
    /// Cboe's VIX final-settlement values (the Special Opening Quotation of each VIX futures
    /// and options settlement date, monthly and weekly: one print per settlement day, no
    /// other days), from `VRO_History.csv` in the same `DATE,<SYMBOL>` layout as `VVIX`.
    Cboe,
    /// Every monthly VX futures contract into the store's futures table.
    CboeVx,
    /// A FRED series (percent rates scaled to decimals).
    Fred,
    /// Binance spot daily klines: the close (00:00 UTC).
    Binance,
    /// Binance USDⓈ-M funding, summed per UTC day.
    BinanceFunding,
    /// Deribit DVOL daily close.
    DeribitDvol,
    /// A Deribit option book snapshot (`get_book_summary_by_currency`): one row, the 30-day
    /// ATM implied vol in vol points ([`crate::vendor::deribit::snapshot_table`]).
    DeribitOptions,
    /// DefiLlama total (`all`) or per-chain TVL.
    DefillamaTvl,
    /// DefiLlama stablecoin price (depeg detection).
    DefillamaStablecoin,
    /// DefiLlama stablecoin circulating supply in USD.
    DefillamaStablecoinSupply,
}

impl SourceKind {
    /// Every kind.
    pub const ALL: [Self; 10] = [
        Self::Cboe,
        Self::CboeVx,
        Self::Fred,
        Self::Binance,
        Self::BinanceFunding,
        Self::DeribitDvol,
        Self::DeribitOptions,
        Self::DefillamaTvl,
        Self::DefillamaStablecoin,
        Self::DefillamaStablecoinSupply,
    ];

    /// The name in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cboe => "cboe",
            Self::CboeVx => "cboe-vx",
            Self::Fred => "fred",
            Self::Binance => "binance",
            Self::BinanceFunding => "binance-funding",
            Self::DeribitDvol => "deribit-dvol",
            Self::DeribitOptions => "deribit-options",
            Self::DefillamaTvl => "defillama-tvl",
            Self::DefillamaStablecoin => "defillama-stablecoin",
            Self::DefillamaStablecoinSupply => "defillama-stablecoin-supply",
        }
    }

    /// The host it is fetched from.
    pub fn host(self) -> Host {
        match self {
            Self::Cboe | Self::CboeVx => Host::Cboe,
            Self::Fred => Host::Fred,
            Self::Binance => Host::Binance,
            Self::BinanceFunding => Host::BinanceFutures,
            Self::DeribitDvol | Self::DeribitOptions => Host::Deribit,
            Self::DefillamaTvl => Host::Defillama,
            Self::DefillamaStablecoin | Self::DefillamaStablecoinSupply => {
                Host::DefillamaStablecoins
            }
        }
    }

    /// The calendar of its series: `us` for Cboe and FRED, `crypto` for the rest.
    pub fn calendar(self) -> Calendar {
        match self {
            Self::Cboe | Self::CboeVx | Self::Fred => Calendar::Us,
            _ => Calendar::Crypto,
        }
    }

    /// The unit of its series and the scale applied (FRED: its percent rates, × 0.01; a spec's
    /// own [`Spec::unit_and_scale`] keeps FRED's non-percent series as levels).
    pub fn unit_and_scale(self) -> (SeriesUnit, f64) {
        match self {
            Self::Cboe
            | Self::DeribitDvol
            | Self::DeribitOptions
            | Self::DefillamaTvl
            | Self::DefillamaStablecoinSupply
            | Self::CboeVx => (SeriesUnit::IndexLevel, 1.0),
            Self::Fred => (SeriesUnit::Rate, 0.01),
            Self::Binance | Self::DefillamaStablecoin => (SeriesUnit::Price, 1.0),
            Self::BinanceFunding => (SeriesUnit::Rate, 1.0),
        }
    }

    /// The earliest date asked for when the request gives none (the start of the vendor's
    /// history).
    pub fn history_start(self) -> NaiveDate {
        let (y, m, d) = match self {
            Self::Cboe
            | Self::Fred
            | Self::DefillamaTvl
            | Self::DefillamaStablecoin
            | Self::DefillamaStablecoinSupply => (1990, 1, 1),
            Self::CboeVx => (2013, 1, 1),
            Self::Binance => (2017, 8, 17),
            Self::BinanceFunding => (2019, 9, 10),
            Self::DeribitDvol => (2021, 3, 24),
            // A snapshot has no history: the window does not filter it.
            Self::DeribitOptions => (2016, 1, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }
}

/// One thing to fetch: `SOURCE:SYMBOL[=NAME]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The source.
    pub kind: SourceKind,
    /// The vendor's symbol (`VIX`, `BTCUSDT`, `DGS3MO`, `all`).
    pub symbol: String,
    /// The series name in the store (the futures root for `cboe-vx`).
    pub name: String,
}

/// The named presets: `(preset, spec)`.
pub const PRESETS: &[(&str, &str)] = &[
    ("vix", "cboe:VIX=vix"),
    ("vix9d", "cboe:VIX9D=vix9d"),
    ("vix3m", "cboe:VIX3M=vix3m"),
    ("vvix", "cboe:VVIX=vvix"),
    ("skew", "cboe:SKEW=skew"),
    ("vro", "cboe:VRO=vro"),
    ("vx", "cboe-vx:VX=vx"),
    ("btc", "binance:BTCUSDT=btc"),
    ("eth", "binance:ETHUSDT=eth"),
    ("sol", "binance:SOLUSDT=sol"),
    ("funding-btc", "binance-funding:BTCUSDT=funding_btc"),
    ("funding-eth", "binance-funding:ETHUSDT=funding_eth"),
    ("dvol", "deribit-dvol:BTC=dvol"),
    ("dvol-btc", "deribit-dvol:BTC=dvol"),
    ("dvol-eth", "deribit-dvol:ETH=dvol_eth"),
    ("iv30-btc", "deribit-options:BTC=iv30_btc"),
    ("iv30-eth", "deribit-options:ETH=iv30_eth"),
    ("tvl", "defillama-tvl:all=tvl"),
    ("usdc", "defillama-stablecoin:USDC=usdc"),
    ("usdt", "defillama-stablecoin:USDT=usdt"),
    ("dai", "defillama-stablecoin:DAI=dai"),
    ("usdt-mcap", "defillama-stablecoin-supply:1=usdt_mcap"),
    ("usdc-mcap", "defillama-stablecoin-supply:2=usdc_mcap"),
    ("t3m", "fred:DGS3MO=dgs3mo"),
    ("dff", "fred:DFF=dff"),
    ("sofr", "fred:SOFR=sofr"),
];

impl std::str::FromStr for Spec {
    type Err = FetchError;

    /// A preset name, `cboe-vx`, or `SOURCE:SYMBOL[=NAME]` (NAME defaults to the symbol in
    /// lowercase).
    fn from_str(s: &str) -> Result<Self, FetchError> {
        let s = s.trim();
        if let Some((_, spec)) = PRESETS.iter().find(|(p, _)| *p == s) {
            return spec.parse();
        }
        if s == "cboe-vx" {
            return Ok(Self { kind: SourceKind::CboeVx, symbol: "VX".into(), name: "vx".into() });
        }
        let bad = |why: &str| {
            FetchError::Request(format!(
                "spec '{s}': {why} (SOURCE:SYMBOL[=NAME] with SOURCE one of {}, or a preset: {})",
                SourceKind::ALL.map(SourceKind::as_str).join(", "),
                PRESETS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ")
            ))
        };
        let (source, rest) = s.split_once(':').ok_or_else(|| bad("not a preset and no ':'"))?;
        let kind = SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == source)
            .ok_or_else(|| bad("unknown source"))?;
        let (symbol, name) = match rest.split_once('=') {
            Some((sym, name)) => (sym.trim(), name.trim().to_string()),
            None => (rest.trim(), rest.trim().to_ascii_lowercase()),
        };
        let ok = |x: &str| {
            !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        };
        if !ok(symbol) || !ok(&name) {
            return Err(bad("empty or unusual symbol or name"));
        }
        Ok(Self { kind, symbol: symbol.to_string(), name })
    }
}

/// The FRED series families published in percent (FRED's "Units: Percent"): Treasury constant
/// maturities `DGS*`, bills `DTB*`, real yields `DFII*`, the effective and target fed funds
/// rates, SOFR and its averages, IORB, the prime rate, Treasury spreads `T10Y*`/`T5Y*`,
/// breakevens `T5YIE`/`T10YIE`/`T5YIFR`, ICE BofA option-adjusted spreads and yields `BAML*`,
/// Moody's yields `DAAA`/`DBAA`/`AAA`/`BAA`, mortgage rates `MORTGAGE*`, `UNRATE`. Any other id
/// (e.g. `SP500`, `DJIA`, `NASDAQCOM`, `DCOILWTICO`, `DTWEXBGS`) is stored as published, an
/// index level: dividing a level by 100 would be silently wrong.
pub fn fred_is_percent(id: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "DGS", "DTB", "DFII", "DFF", "DFEDTAR", "FEDFUNDS", "SOFR", "IORB", "DPRIME", "T10Y",
        "T5Y", "BAML", "MORTGAGE", "EFFR",
    ];
    const EXACT: [&str; 6] = ["DAAA", "DBAA", "AAA", "BAA", "UNRATE", "TB3MS"];
    let id = id.to_ascii_uppercase();
    PREFIXES.iter().any(|p| id.starts_with(p)) || EXACT.contains(&id.as_str())
}

impl Spec {
    /// The unit the series is stored in and the scale applied to the vendor's values: FRED's
    /// percent series ([`fred_is_percent`]) become decimal rates (× 0.01), its other series
    /// stay index levels (× 1); the other sources as [`SourceKind::unit_and_scale`].
    pub fn unit_and_scale(&self) -> (SeriesUnit, f64) {
        match self.kind {
            SourceKind::Fred if !fred_is_percent(&self.symbol) => (SeriesUnit::IndexLevel, 1.0),
            k => k.unit_and_scale(),
        }
    }

    /// The label naming this spec in errors and import records (`binance:BTCUSDT`).
    pub fn label(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.symbol)
    }

    /// The normalised column holding the series' value.
    pub fn column(&self) -> String {
        match self.kind {
            SourceKind::Cboe => {
                if matches!(
                    self.symbol.to_ascii_uppercase().as_str(),
                    "VVIX" | "SKEW" | "VXN" | "VXD" | "VOLI" | "VRO"
                ) {
                    self.symbol.to_ascii_lowercase()
                } else {
                    "close".into()
                }
            }
            SourceKind::Fred => self.symbol.clone(),
            SourceKind::Binance | SourceKind::DeribitDvol => "close".into(),
            SourceKind::DeribitOptions => "atm_iv_30d".into(),
            SourceKind::BinanceFunding => "funding".into(),
            SourceKind::DefillamaTvl => "tvl".into(),
            SourceKind::DefillamaStablecoin => "price".into(),
            SourceKind::DefillamaStablecoinSupply => "circulating_usd".into(),
            SourceKind::CboeVx => "settle".into(),
        }
    }
}

/// The dates asked for, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First date.
    pub from: NaiveDate,
    /// Last date.
    pub to: NaiveDate,
    /// Whether `to` was given by the user (else it is the day before the run, and APIs that
    /// take an optional end get none, so the request is the same on every later day).
    pub to_given: bool,
}

/// What one spec fetched: the raw pages in order and the normalised rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    /// Every response body, in request order (the SHA-256 of the import is over their
    /// concatenation; one page = the vendor file's own hash).
    pub pages: Vec<Vec<u8>>,
    /// The series table (all sources but `cboe-vx`), limited to the window.
    pub table: Table,
    /// VX settlements (`cboe-vx`), limited to the window.
    pub futures: Vec<VxRow>,
    /// Requests that found nothing (`cboe-vx` contracts not listed: HTTP 404).
    pub not_listed: Vec<String>,
}

impl Fetched {
    /// SHA-256 (hex) over the raw pages in order.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for p in &self.pages {
            h.update(p);
        }
        hex::encode(h.finalize())
    }
}

fn day_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis())
}

/// The most pages one spec may request (a vendor that never stops paginating is an error).
pub const MAX_PAGES: usize = 2000;

/// Fetches `spec` over `window` through `client`, `page_limit` rows a page (Binance ≤ 1000).
///
/// # Errors
/// The client's errors; [`FetchError::Schema`] for a response off the vendor's format or a
/// pagination that does not advance.
pub fn fetch(
    client: &Client<'_>,
    spec: &Spec,
    window: Window,
    page_limit: u32,
) -> Result<Fetched, FetchError> {
    let label = spec.label();
    let host = spec.kind.host();
    let limit = page_limit.clamp(1, 1000);
    let mut out = Fetched::default();
    let end_ms = day_ms(window.to) + 86_400_000 - 1;
    match spec.kind {
        SourceKind::Cboe => {
            let raw = client.get(
                &label,
                host,
                &format!("/api/global/us_indices/daily_prices/{}_History.csv", spec.symbol),
            )?;
            out.table = cboe::parse_index(&raw, &label)?;
            out.pages.push(raw);
        }
        SourceKind::Fred => {
            let mut q = format!(
                "/graph/fredgraph.csv?id={}&cosd={}",
                spec.symbol,
                window.from.format("%Y-%m-%d")
            );
            if window.to_given {
                q.push_str(&format!("&coed={}", window.to.format("%Y-%m-%d")));
            }
            let raw = client.get(&label, host, &q)?;
            out.table = fred::parse(&raw, &label)?;
            out.pages.push(raw);
        }
        SourceKind::Binance | SourceKind::BinanceFunding => {
            let funding = spec.kind == SourceKind::BinanceFunding;
            let mut start = day_ms(window.from);
            let mut events = Vec::new();
            out.table = Table::new(&binance::KLINE_COLUMNS);
            for _ in 0..MAX_PAGES {
                let mut q = if funding {
                    format!(
                        "/fapi/v1/fundingRate?symbol={}&startTime={start}&limit={limit}",
                        spec.symbol
                    )
                } else {
                    format!(
                        "/api/v3/klines?symbol={}&interval=1d&startTime={start}&limit={limit}",
                        spec.symbol
                    )
                };
                if window.to_given {
                    q.push_str(&format!("&endTime={end_ms}"));
                }
                let raw = client.get(&label, host, &q)?;
                let times: Vec<i64> = if funding {
                    let ev = binance::parse_funding_page(&raw, &label)?;
                    let t = ev.iter().map(|e| e.time_ms).collect();
                    events.extend(ev);
                    t
                } else {
                    let (t, opens) = binance::parse_klines_page(&raw, &label)?;
                    out.table.extend(t);
                    opens
                };
                out.pages.push(raw);
                let Some(&last) = times.last() else { break };
                if last < start {
                    return Err(FetchError::schema(
                        &label,
                        "startTime",
                        "a page ends before the time asked for: pagination does not advance",
                        last.to_string().as_bytes(),
                    ));
                }
                if times.len() < limit as usize || last >= end_ms {
                    break;
                }
                start = last + 1;
            }
            if funding {
                out.table = binance::funding_daily(&events, &label)?;
            }
        }
        SourceKind::DeribitDvol => {
            let start = day_ms(window.from);
            let mut end = end_ms;
            out.table = Table::new(&deribit::DVOL_COLUMNS);
            for _ in 0..MAX_PAGES {
                let q = format!(
                    "/api/v2/public/get_volatility_index_data?currency={}&start_timestamp={start}&end_timestamp={end}&resolution=1D",
                    spec.symbol
                );
                let raw = client.get(&label, host, &q)?;
                let page = deribit::parse_dvol(&raw, &label)?;
                out.pages.push(raw);
                let empty = page.table.rows.is_empty();
                out.table.extend(page.table);
                match page.continuation {
                    None => break,
                    Some(_) if empty => break,
                    Some(c) if c < start => break,
                    Some(c) if c < end => end = c,
                    Some(c) => {
                        return Err(FetchError::schema(
                            &label,
                            "continuation",
                            "does not move back: pagination does not advance",
                            c.to_string().as_bytes(),
                        ))
                    }
                }
            }
            // Pages walk backwards and may overlap at their edges: ascending, one per day.
            out.table.rows.sort_by_key(|r| r.date);
            out.table.rows.dedup_by(|a, b| a.date == b.date && a.values == b.values);
        }
        SourceKind::DeribitOptions => {
            let raw = client.get(
                &label,
                host,
                &format!(
                    "/api/v2/public/get_book_summary_by_currency?currency={}&kind=option",
                    spec.symbol
                ),
            )?;
            out.table = deribit::snapshot_table(&raw, &label)?;
            out.pages.push(raw);
            // A snapshot is of the moment it was taken, whatever the window.
            return Ok(out);
        }
        SourceKind::DefillamaTvl => {
            let path = if spec.symbol.eq_ignore_ascii_case("all") {
                "/v2/historicalChainTvl".to_string()
            } else {
                format!("/v2/historicalChainTvl/{}", spec.symbol)
            };
            let raw = client.get(&label, host, &path)?;
            out.table = defillama::parse_tvl(&raw, &label)?;
            out.pages.push(raw);
        }
        SourceKind::DefillamaStablecoin => {
            let raw = client.get(&label, host, "/stablecoinprices")?;
            out.table = defillama::parse_stablecoin_prices(
                &raw,
                &label,
                &defillama::gecko_id(&spec.symbol),
            )?;
            out.pages.push(raw);
        }
        SourceKind::DefillamaStablecoinSupply => {
            let raw = client.get(
                &label,
                host,
                &format!("/stablecoincharts/all?stablecoin={}", spec.symbol),
            )?;
            out.table = defillama::parse_stablecoin_supply(&raw, &label)?;
            out.pages.push(raw);
        }
        SourceKind::CboeVx => {
            // Every monthly contract trading in the window: expiries from the window's first
            // month to nine months past its end.
            let mut m = NaiveDate::from_ymd_opt(window.from.year(), window.from.month(), 1)
                .unwrap_or(window.from);
            let last = window.to.checked_add_months(Months::new(9)).unwrap_or(window.to);
            while m <= last {
                let expiry = calendar::vix_settlement_date(m.year(), m.month());
                m = m.checked_add_months(Months::new(1)).unwrap_or(last.succ_opt().unwrap_or(last));
                if expiry < window.from {
                    continue;
                }
                let name = format!("VX_{}.csv", expiry.format("%Y-%m-%d"));
                let path = format!("/data/us/futures/market_statistics/historical_data/VX/{name}");
                let raw = match client.get(&format!("{label}/{name}"), host, &path) {
                    Ok(r) => r,
                    Err(FetchError::Http { status: 404 | 403, .. }) => {
                        out.not_listed.push(name);
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let rows = cboe::parse_vx(&raw, &format!("{label}/{name}"), Some(expiry))?;
                out.futures.extend(
                    rows.into_iter().filter(|r| r.date >= window.from && r.date <= window.to),
                );
                out.pages.push(raw);
            }
        }
    }
    out.table.retain_dates(Some(window.from), Some(window.to));
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn fred_percent_series_are_rates_and_the_others_levels() {
        let unit = |s: &str| s.parse::<Spec>().unwrap().unit_and_scale();
        for s in ["fred:DGS3MO=t3m", "fred:dff", "fred:SOFR", "fred:T10Y2Y", "fred:BAMLH0A0HYM2"] {
            assert_eq!(unit(s), (SeriesUnit::Rate, 0.01), "{s}");
        }
        for s in ["fred:SP500=spx", "fred:DJIA", "fred:DCOILWTICO", "fred:VIXCLS"] {
            assert_eq!(unit(s), (SeriesUnit::IndexLevel, 1.0), "{s}");
        }
        assert_eq!(unit("binance:BTCUSDT=btc"), SourceKind::Binance.unit_and_scale());
    }

    #[test]
    fn specs_presets_and_hosts() {
        let s: Spec = "binance:BTCUSDT=btc".parse().unwrap();
        assert_eq!(
            (s.kind, s.symbol.as_str(), s.name.as_str()),
            (SourceKind::Binance, "BTCUSDT", "btc")
        );
        assert_eq!("fred:DGS3MO".parse::<Spec>().unwrap().name, "dgs3mo");
        assert_eq!("funding-btc".parse::<Spec>().unwrap().label(), "binance-funding:BTCUSDT");
        assert_eq!("cboe-vx".parse::<Spec>().unwrap().kind, SourceKind::CboeVx);
        for (p, _) in PRESETS {
            assert!(p.parse::<Spec>().is_ok(), "{p}");
        }
        let e = "yahoo:SPY".parse::<Spec>().unwrap_err().to_string();
        assert!(e.starts_with("spec 'yahoo:SPY': unknown source"), "{e}");
        assert_eq!(Host::parse("binance-futures").unwrap(), Host::BinanceFutures);
        assert!(Host::parse("KRAKEN").is_err());
        assert_eq!(
            check_base_url(Host::Cboe, "http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        assert!(check_base_url(Host::Cboe, "http://127.0.0.1:9/api").is_err());
        assert!(check_base_url(Host::Cboe, "ftp://x").is_err());
    }
}
