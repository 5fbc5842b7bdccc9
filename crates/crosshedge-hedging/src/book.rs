//! The hedge book: exposures to protect and the layers that protect them, read from TOML.

use crosshedge_core::text::{self, line_column};
use serde::{Deserialize, Serialize};

use crate::HedgingError;

/// A hedge book: what is at risk (exposures) and how it is hedged (layers).
///
/// # TOML format
/// ```toml
/// name = "my book"
/// budget = 0.03                 # premium per year as a fraction of the delta notional
///
/// [[exposure]]
/// kind = "btc-spot"             # btc-spot | eth-spot | nft-inventory | perp | amm-lp
/// value = 1000000.0
///
/// [[exposure]]
/// kind = "nft-inventory"
/// value = 250000.0
/// carry-per-year = 0.08         # financing/storage cost, fraction of value per year
///
/// [[exposure]]
/// kind = "perp"
/// asset = "btc"                 # btc | eth | nft
/// notional = -200000.0          # signed: long > 0
///
/// [[exposure]]
/// kind = "amm-lp"
/// asset = "eth"
/// value = 300000.0
/// range = [0.8, 1.25]           # price range as ratios of the current price
///
/// [[layer]]
/// name = "short-dated VIX call spreads"
/// instrument = "vix-call-spread" # vix-call-spread | vix-future | vol-etp | short-perp | spx-put-spread
///                                # | btc-put | btc-put-spread | btc-call | eth-put | eth-put-spread
///                                # | eth-call | short-spot
/// tenor-days = 30
/// strike = { rule = "moneyness", long = 1.1, short = 1.6 }   # or rule = "delta"
/// sizing = { rule = "hedge-ratio", regime = "stress", weight = 0.6, decorrelation = false }
/// trigger = { kind = "always" }  # or kind = "vix-band", bands = ["normal", "stress"]; or kind = "signal", name = "macd"
///
/// [[layer]]
/// name = "BTC put spreads on Deribit"
/// instrument = "btc-put-spread"
/// tenor-days = 30
/// strike = { rule = "moneyness", long = 0.9, short = 0.7 }
/// sizing = { rule = "hedge-ratio", regime = "stress", weight = 1.0 }
/// settlement = "inverse"         # inverse (coin premium, the default) | linear (USDC)
/// venue = "deribit"              # a venue an episode's venue-default can name
/// vol-series = "dvol-btc"        # implied vol in vol points; else --crypto-vol, else realised
/// skew = 0.1                     # sigma(K) = sigma_ATM + skew * ln(F/K)
///
/// [[layer]]
/// name = "single BTC puts"
/// instrument = "btc-put"
/// tenor-days = 30
/// moneyness = 0.85               # strike / forward of a single option
/// sizing = { rule = "hedge-ratio", regime = "stress", weight = 1.0 }
/// ```
///
/// How the backtest holds and finances the exposures (all optional; `crosshedge backtest`
/// states the defaults it used):
/// ```toml
/// rebalance = "constant-mix"    # or "buy-and-hold"
/// rebalance-days = 21           # market days between rebalances (constant mix)
/// cash-rate = 0.04              # the cash account's rate, decimal a year (continuously compounded)
/// lp-fee-apr = 0.23             # AMM LP fee income, fraction of the LP's value a year while in range
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Book {
    /// A name for reports.
    pub name: String,
    /// Premium budget per year as a fraction of the exposures' delta notional (0.03 = 3 %).
    pub budget: f64,
    /// How the backtest holds the exposures: bought and held, or rebalanced to their starting
    /// weights (`None`: the command's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebalance: Option<Rebalance>,
    /// Market days between constant-mix rebalances (≥ 1; `None`: the command's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebalance_days: Option<u32>,
    /// Interest rate of the backtest's cash account (decimal a year, continuously compounded;
    /// `None`: the command's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_rate: Option<f64>,
    /// Fee income of the AMM LP exposures as a fraction of their value a year, earned while
    /// the price is in range (≥ 0; `None`: the command's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lp_fee_apr: Option<f64>,
    /// The exposures to protect.
    #[serde(rename = "exposure", default)]
    pub exposures: Vec<Exposure>,
    /// The hedge layers.
    #[serde(rename = "layer", default)]
    pub layers: Vec<Layer>,
    /// How rolls treat scheduled macro events (used by the backtest).
    #[serde(default)]
    pub rolls: RollPolicy,
}

/// How the backtest holds the book's exposures through time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rebalance {
    /// Units bought on the first day and held: the weights drift with prices.
    BuyAndHold,
    /// Traded back to the starting weights every `rebalance-days` market days.
    ConstantMix,
}

impl Rebalance {
    /// The TOML name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BuyAndHold => "buy-and-hold",
            Self::ConstantMix => "constant-mix",
        }
    }
}

/// A scheduled macro event a roll can be moved ahead of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MacroEventKind {
    /// FOMC decision day.
    Fomc,
    /// US CPI release day.
    Cpi,
    /// US PPI release day.
    Ppi,
}

/// How the book's rolls treat scheduled macro events.
///
/// ```toml
/// [rolls]
/// move-before-events = true
/// events = ["fomc", "cpi", "ppi"]
/// window-days = 5   # an event within 5 calendar days before a scheduled roll moves it ahead
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RollPolicy {
    /// Move a roll to the trading day before an event that falls in its window.
    #[serde(default = "RollPolicy::default_move")]
    pub move_before_events: bool,
    /// The events that move rolls.
    #[serde(default = "RollPolicy::default_events")]
    pub events: Vec<MacroEventKind>,
    /// Calendar days before a scheduled roll in which an event moves it.
    #[serde(default = "RollPolicy::default_window")]
    pub window_days: u32,
}

impl RollPolicy {
    fn default_move() -> bool {
        true
    }
    fn default_events() -> Vec<MacroEventKind> {
        vec![MacroEventKind::Fomc, MacroEventKind::Cpi, MacroEventKind::Ppi]
    }
    fn default_window() -> u32 {
        5
    }
}

impl Default for RollPolicy {
    /// Rolls move ahead of FOMC, CPI and PPI dates within 5 days.
    fn default() -> Self {
        Self {
            move_before_events: Self::default_move(),
            events: Self::default_events(),
            window_days: Self::default_window(),
        }
    }
}

/// A risky asset of the target basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Asset {
    /// Bitcoin.
    Btc,
    /// Ether.
    Eth,
    /// The NFT index.
    Nft,
}

/// One exposure of the book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case",
    deny_unknown_fields
)]
pub enum Exposure {
    /// BTC held spot, valued in USD.
    BtcSpot {
        /// USD value.
        value: f64,
    },
    /// ETH held spot, valued in USD.
    EthSpot {
        /// USD value.
        value: f64,
    },
    /// NFT inventory valued at the NFT index, with a carry cost.
    NftInventory {
        /// USD value.
        value: f64,
        /// Carry cost (financing, storage, insurance) as a fraction of value per year.
        #[serde(default)]
        carry_per_year: f64,
    },
    /// A perpetual future position (signed notional, long > 0).
    Perp {
        /// The perp's underlying.
        asset: Asset,
        /// Signed USD notional (long > 0).
        notional: f64,
    },
    /// A concentrated-liquidity AMM LP position (risky asset against a stablecoin).
    AmmLp {
        /// The risky asset of the pool.
        asset: Asset,
        /// USD value today.
        value: f64,
        /// Price range `[lower, upper]` as ratios of today's price (`lower < 1 < upper`).
        range: [f64; 2],
    },
}

/// Hedge instruments a layer can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Instrument {
    /// Long a VIX call, short a higher-strike VIX call (Black-76 on the VIX future of the expiry).
    VixCallSpread,
    /// Long VIX futures.
    VixFuture,
    /// Long a constant-maturity (30-day) VIX futures ETP.
    VolEtp,
    /// Short a BTC perpetual (resized with the exposure, paying or receiving the funding).
    ShortPerp,
    /// Long an SPX put, short a lower-strike SPX put (Black–Scholes).
    SpxPutSpread,
    /// Long a European BTC put on the Deribit convention (Black-76 on the BTC forward).
    BtcPut,
    /// Long a BTC put, short a lower-strike BTC put.
    BtcPutSpread,
    /// Long a European BTC call.
    BtcCall,
    /// Long a European ETH put.
    EthPut,
    /// Long an ETH put, short a lower-strike ETH put.
    EthPutSpread,
    /// Long a European ETH call.
    EthCall,
    /// Static short BTC spot (or a dated future at zero basis): opened once at the beta hedge
    /// ratio and held, no funding, no resizing.
    ShortSpot,
}

/// How a crypto option's premium and settlement are paid (the Deribit conventions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CryptoSettlement {
    /// Premium and settlement in the coin (Deribit's BTC and ETH options): coin premium =
    /// Black-76 USD value / forward, coin rates zero.
    #[default]
    Inverse,
    /// Premium and settlement in USDC, discounted at the USD rate.
    Linear,
}

impl CryptoSettlement {
    /// The TOML name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inverse => "inverse",
            Self::Linear => "linear",
        }
    }
}

/// The option type of a crypto option instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CryptoOptionType {
    /// A single put.
    Put,
    /// A put spread (long the higher strike, short the lower).
    PutSpread,
    /// A single call.
    Call,
}

impl Instrument {
    /// Every instrument, in declaration order.
    pub const ALL: [Instrument; 12] = [
        Self::VixCallSpread,
        Self::VixFuture,
        Self::VolEtp,
        Self::ShortPerp,
        Self::SpxPutSpread,
        Self::BtcPut,
        Self::BtcPutSpread,
        Self::BtcCall,
        Self::EthPut,
        Self::EthPutSpread,
        Self::EthCall,
        Self::ShortSpot,
    ];

    /// Contract multiplier in USD per point (VIX futures 1000, VIX and SPX options 100; ETP,
    /// perp and short spot are held in USD notional, multiplier 1; crypto options are on one
    /// coin, multiplier 1).
    pub fn multiplier(self) -> f64 {
        match self {
            Self::VixFuture => 1000.0,
            Self::VixCallSpread | Self::SpxPutSpread => 100.0,
            _ => 1.0,
        }
    }

    /// Whether the instrument is an option spread (needs a strike rule).
    pub fn is_spread(self) -> bool {
        matches!(
            self,
            Self::VixCallSpread | Self::SpxPutSpread | Self::BtcPutSpread | Self::EthPutSpread
        )
    }

    /// Whether the instrument is bought for a premium (options and option spreads).
    pub fn is_option(self) -> bool {
        self.is_spread() || self.crypto_option().is_some()
    }

    /// The coin and option type of a crypto option instrument, `None` for the others.
    pub fn crypto_option(self) -> Option<(Asset, CryptoOptionType)> {
        Some(match self {
            Self::BtcPut => (Asset::Btc, CryptoOptionType::Put),
            Self::BtcPutSpread => (Asset::Btc, CryptoOptionType::PutSpread),
            Self::BtcCall => (Asset::Btc, CryptoOptionType::Call),
            Self::EthPut => (Asset::Eth, CryptoOptionType::Put),
            Self::EthPutSpread => (Asset::Eth, CryptoOptionType::PutSpread),
            Self::EthCall => (Asset::Eth, CryptoOptionType::Call),
            _ => return None,
        })
    }

    /// Whether a layer of this instrument can name the `venue` it trades on (perps and crypto
    /// options: the venues that can fail).
    pub fn has_venue(self) -> bool {
        self == Self::ShortPerp || self.crypto_option().is_some()
    }

    /// The TOML name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VixCallSpread => "vix-call-spread",
            Self::VixFuture => "vix-future",
            Self::VolEtp => "vol-etp",
            Self::ShortPerp => "short-perp",
            Self::SpxPutSpread => "spx-put-spread",
            Self::BtcPut => "btc-put",
            Self::BtcPutSpread => "btc-put-spread",
            Self::BtcCall => "btc-call",
            Self::EthPut => "eth-put",
            Self::EthPutSpread => "eth-put-spread",
            Self::EthCall => "eth-call",
            Self::ShortSpot => "short-spot",
        }
    }
}

/// How the two strikes of a spread are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StrikeRule {
    /// Strikes as multiples of the underlying's forward (VIX future or SPX forward).
    Moneyness {
        /// The long leg's strike / forward.
        long: f64,
        /// The short leg's strike / forward.
        short: f64,
    },
    /// Strikes with the given absolute (discounted) deltas.
    Delta {
        /// The long leg's |delta| in (0, 1).
        long: f64,
        /// The short leg's |delta| in (0, 1).
        short: f64,
    },
}

/// The regime whose measured hedge ratio sizes a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// The calm VIX band.
    Calm,
    /// The stress VIX band.
    Stress,
}

/// VIX bands (DESIGN.md §4: calm < 15, normal 15–25, stress > 25): the one definition in
/// `crosshedge-core`, also re-exported as `crosshedge_labels::bands::Band`.
pub use crosshedge_core::regime::Band;

/// How big a layer is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SizingRule {
    /// `weight × |h_regime| × (k if decorrelation) × N` of hedge exposure; see
    /// [`crate::size_book`] for the instrument-specific meaning.
    HedgeRatio {
        /// Which measured hedge ratio.
        regime: Regime,
        /// This layer's share of the hedge (≥ 0).
        weight: f64,
        /// Multiply by the decorrelation factor `k = h*_stress / h*_calm`.
        #[serde(default)]
        decorrelation: bool,
    },
    /// A fixed fraction of the delta notional, as underlying notional of the instrument.
    Notional {
        /// Fraction of the delta notional (≥ 0).
        fraction: f64,
    },
}

/// When a layer is on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Trigger {
    /// Always on.
    #[default]
    Always,
    /// On when the current VIX band is one of `bands`.
    VixBand {
        /// Bands in which the layer is on.
        bands: Vec<Band>,
    },
    /// On when the named signal is on (signals are passed in by the caller).
    Signal {
        /// The signal's name.
        name: String,
    },
}

/// One hedge layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Layer {
    /// A name for reports.
    pub name: String,
    /// The instrument held.
    pub instrument: Instrument,
    /// Tenor (days to expiry when opened; rolled every `tenor_days`) in calendar days (≥ 1).
    pub tenor_days: u32,
    /// Strike rule (spreads only).
    #[serde(default)]
    pub strike: Option<StrikeRule>,
    /// Sizing rule.
    pub sizing: SizingRule,
    /// Trigger.
    #[serde(default)]
    pub trigger: Trigger,
    /// Strike / forward of a single crypto option (`btc-put`, `eth-call`, ...; default 0.9
    /// for puts, 1.1 for calls). Spreads use `strike`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moneyness: Option<f64>,
    /// How a crypto option is paid and settled (default `inverse`, the Deribit convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement: Option<CryptoSettlement>,
    /// The venue a perp or crypto option layer trades on (e.g. `"deribit"`, `"ftx"`): an
    /// episode of the catalogue with `venue-default` naming it wipes the layer's margin and
    /// unrealised P&L on its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// The store series of the crypto options' implied vol, in vol points (a 30-day implied-vol
    /// index such as Deribit's DVOL, divided by 100); `None`: the command's `--crypto-vol`,
    /// else realised vol times a stated ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vol_series: Option<String>,
    /// Put-skew slope of the crypto options' vol: `σ(K) = max(σ_ATM + skew · ln(F/K), 0.01)`
    /// (decimal vol per unit of log moneyness; 0 = flat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew: Option<f64>,
}

impl Layer {
    /// A layer with the given instrument, tenor, strike rule and sizing, always on, with no
    /// crypto-option or venue settings.
    pub fn new(
        name: &str,
        instrument: Instrument,
        tenor_days: u32,
        strike: Option<StrikeRule>,
        sizing: SizingRule,
    ) -> Self {
        Self {
            name: name.to_string(),
            instrument,
            tenor_days,
            strike,
            sizing,
            trigger: Trigger::Always,
            moneyness: None,
            settlement: None,
            venue: None,
            vol_series: None,
            skew: None,
        }
    }

    /// The strike / forward of a single crypto option: `moneyness`, else 0.9 for puts and 1.1
    /// for calls.
    pub fn single_moneyness(&self) -> f64 {
        self.moneyness.unwrap_or(match self.instrument.crypto_option() {
            Some((_, CryptoOptionType::Call)) => 1.1,
            _ => 0.9,
        })
    }
}

/// 1-based line and column (in characters) of byte offset `pos` in `text`.
/// The largest USD amount a book may hold (exposure values and notionals): 10^15, far above
/// any real book and far enough below `f64::MAX` that sums and products stay finite.
pub const MAX_USD: f64 = 1e15;

/// The largest fraction or multiple a book may hold (budgets, carries, fees, weights,
/// moneyness, range ends): 1000 (= 100,000 %).
pub const MAX_RATIO: f64 = 1e3;

/// The longest layer tenor in calendar days (100 years).
pub const MAX_TENOR_DAYS: u32 = 36_500;

/// The signal names a `signal` trigger may use: the signals the backtest replays from the
/// VIX (`macd`, `rsi`, `vix-signal`) and the VIX signal events of `crosshedge signals`
/// (`crosshedge_labels::signals::SignalKind`). `hedge --signal NAME` turns them on.
pub const SIGNAL_NAMES: [&str; 7] =
    ["macd", "rsi", "vix-signal", "macd-cross-up", "macd-cross-down", "rsi-above", "rsi-below"];

/// A number as an error message shows it: plain when moderate, in exponent form when very
/// large or very small (so `1e308` stays short).
pub(crate) fn show_value(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The byte offset of the value of `key` in `s` (`key = value` or `key.sub = ...`): where a
/// bare `key` starts a key path, the first non-blank byte after its `=` (or after the `.`
/// for a dotted key).
fn key_value_offset(s: &str, key: &str) -> Option<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| t.find(key)).map(|i| i + from) {
        from = i + key.len();
        let before_ok = s[..i].chars().next_back().is_none_or(|c| !ident(c) && c != '.');
        let rest = &s[from..];
        let trimmed = rest.trim_start();
        if before_ok && (trimmed.starts_with('=') || trimmed.starts_with('.')) {
            let after = &trimmed[1..];
            let value = after.len() - after.trim_start().len();
            return Some(s.len() - after.len() + value);
        }
    }
    None
}

/// The 1-based line and column of `field` (e.g. `value`, `sizing.weight`) of the book part
/// `location` (`book`, `exposure N`, `layer N "name"`) in `text`; the part's header, else
/// (1, 1), when the field is not found (a book written with inline tables).
fn locate(text: &str, location: &str, field: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let is_header = |l: &str| l.trim_start().starts_with('[');
    let nth = |table: &str, rest: &str| -> Option<(&'static str, usize)> {
        let n: usize = rest.split_whitespace().next()?.parse().ok()?;
        Some((if table == "exposure" { "exposure" } else { "layer" }, n))
    };
    let part = if let Some(r) = location.strip_prefix("exposure ") {
        nth("exposure", r)
    } else if let Some(r) = location.strip_prefix("layer ") {
        nth("layer", r)
    } else {
        None
    };
    let (header, start) = match part {
        None => (None, 0),
        Some((table, n)) => {
            let want = format!("[[{table}]]");
            let found = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    let code = l.split('#').next().unwrap_or("");
                    code.split_whitespace().collect::<String>() == want
                })
                .nth(n.saturating_sub(1));
            match found {
                Some((i, _)) => (Some(i), i + 1),
                None => return (1, 1),
            }
        }
    };
    let end = (start..lines.len()).find(|&i| is_header(lines[i])).unwrap_or(lines.len());
    let (key, sub) = match field.split_once('.') {
        Some((k, s)) => (k, Some(s)),
        None => (field, None),
    };
    let column = |line: &str, byte: usize| line.get(..byte).map_or(0, |b| b.chars().count()) + 1;
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        let code = line.split('#').next().unwrap_or("");
        let t = code.trim_start();
        let indent = code.len() - t.len();
        if !t.starts_with(key) {
            continue;
        }
        let Some(v) = key_value_offset(t, key) else { continue };
        let at = match sub {
            None => indent + v,
            Some(sub) => key_value_offset(&t[v..], sub).map_or(indent + v, |w| indent + v + w),
        };
        return (i + 1, column(line, at));
    }
    header.map_or((1, 1), |h| (h + 1, 1))
}

/// Longest message (in characters) of a [`HedgingError::Toml`] built by [`Book::parse_toml`],
/// so that the whole error stays one line under ~300 characters.
const MAX_MESSAGE_CHARS: usize = 240;

/// `message` as one short line ([`text::one_line`] at [`MAX_MESSAGE_CHARS`]).
fn one_line(message: &str) -> String {
    text::one_line(message, MAX_MESSAGE_CHARS)
}

fn invalid(
    location: &str,
    field: &'static str,
    requirement: &'static str,
    value: f64,
) -> HedgingError {
    HedgingError::InvalidBook { location: location.to_string(), field, requirement, value }
}

fn check(
    ok: bool,
    location: &str,
    field: &'static str,
    requirement: &'static str,
    value: f64,
) -> Result<(), HedgingError> {
    if ok {
        Ok(())
    } else {
        Err(invalid(location, field, requirement, value))
    }
}

impl Book {
    /// Parses and validates a book from TOML text.
    ///
    /// # Errors
    /// [`HedgingError::Toml`] with the 1-based line and column of a syntax or schema error
    /// (unknown keys, unknown instrument names, wrong types), and
    /// [`HedgingError::InvalidBook`] naming the exposure or layer with an out-of-domain value.
    pub fn parse_toml(text: &str) -> Result<Self, HedgingError> {
        let book: Book = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            HedgingError::Toml { line, column, message: one_line(e.message()) }
        })?;
        book.validate().map_err(|e| {
            let (location, field) = match &e {
                HedgingError::InvalidBook { location, field, .. } => (location.as_str(), *field),
                HedgingError::UnknownSignal { location, .. } => (location.as_str(), "trigger.name"),
                _ => return e,
            };
            let (line, column) = locate(text, location, field);
            HedgingError::Toml { line, column, message: one_line(&e.to_string()) }
        })?;
        Ok(book)
    }

    /// The book as TOML text (parses back to an equal book).
    ///
    /// # Errors
    /// [`HedgingError::Toml`] if serialisation fails (it does not for validated books).
    pub fn to_toml(&self) -> Result<String, HedgingError> {
        toml::to_string(self).map_err(|e| HedgingError::Toml {
            line: 1,
            column: 1,
            message: e.to_string(),
        })
    }

    /// Checks every value's domain.
    ///
    /// # Errors
    /// [`HedgingError::InvalidBook`] for the first out-of-domain value (including the upper
    /// bounds [`MAX_USD`], [`MAX_RATIO`], [`MAX_TENOR_DAYS`]);
    /// [`HedgingError::UnknownSignal`] for a `signal` trigger not in [`SIGNAL_NAMES`].
    pub fn validate(&self) -> Result<(), HedgingError> {
        check(
            self.budget.is_finite() && self.budget >= 0.0,
            "book",
            "budget",
            "must be finite and non-negative",
            self.budget,
        )?;
        if let Some(d) = self.rebalance_days {
            check(d >= 1, "book", "rebalance-days", "must be at least 1", f64::from(d))?;
        }
        if let Some(r) = self.cash_rate {
            check(r.is_finite(), "book", "cash-rate", "must be finite", r)?;
        }
        if let Some(a) = self.lp_fee_apr {
            check(
                a.is_finite() && a >= 0.0,
                "book",
                "lp-fee-apr",
                "must be finite and non-negative",
                a,
            )?;
        }
        for (i, e) in self.exposures.iter().enumerate() {
            let loc = format!("exposure {}", i + 1);
            match e {
                Exposure::BtcSpot { value } | Exposure::EthSpot { value } => {
                    check(
                        value.is_finite() && *value >= 0.0,
                        &loc,
                        "value",
                        "must be finite and non-negative",
                        *value,
                    )?;
                }
                Exposure::NftInventory { value, carry_per_year } => {
                    check(
                        value.is_finite() && *value >= 0.0,
                        &loc,
                        "value",
                        "must be finite and non-negative",
                        *value,
                    )?;
                    check(
                        carry_per_year.is_finite() && *carry_per_year >= 0.0,
                        &loc,
                        "carry-per-year",
                        "must be finite and non-negative",
                        *carry_per_year,
                    )?;
                }
                Exposure::Perp { notional, .. } => {
                    check(notional.is_finite(), &loc, "notional", "must be finite", *notional)?;
                }
                Exposure::AmmLp { value, range, .. } => {
                    check(
                        value.is_finite() && *value >= 0.0,
                        &loc,
                        "value",
                        "must be finite and non-negative",
                        *value,
                    )?;
                    check(
                        range[0].is_finite() && range[0] > 0.0 && range[0] < 1.0,
                        &loc,
                        "range",
                        "lower end must lie in (0, 1)",
                        range[0],
                    )?;
                    check(
                        range[1].is_finite() && range[1] > 1.0,
                        &loc,
                        "range",
                        "upper end must be finite and above 1",
                        range[1],
                    )?;
                }
            }
        }
        for (i, l) in self.layers.iter().enumerate() {
            let loc = format!("layer {} \"{}\"", i + 1, l.name);
            check(
                l.tenor_days >= 1,
                &loc,
                "tenor-days",
                "must be at least 1",
                f64::from(l.tenor_days),
            )?;
            match (l.instrument.is_spread(), l.strike) {
                (true, None) => {
                    return Err(invalid(&loc, "strike", "is required for a spread", 0.0))
                }
                (true, Some(StrikeRule::Moneyness { long, short })) => {
                    check(
                        long.is_finite() && long > 0.0,
                        &loc,
                        "strike.long",
                        "must be positive",
                        long,
                    )?;
                    check(
                        short.is_finite() && short > 0.0,
                        &loc,
                        "strike.short",
                        "must be positive",
                        short,
                    )?;
                    let ordered = match l.instrument {
                        Instrument::SpxPutSpread
                        | Instrument::BtcPutSpread
                        | Instrument::EthPutSpread => short < long,
                        _ => short > long,
                    };
                    check(
                        ordered,
                        &loc,
                        "strike.short",
                        "must be further out of the money than strike.long",
                        short,
                    )?;
                }
                (true, Some(StrikeRule::Delta { long, short })) => {
                    check(
                        long > 0.0 && long < 1.0,
                        &loc,
                        "strike.long",
                        "must be a |delta| in (0, 1)",
                        long,
                    )?;
                    check(
                        short > 0.0 && short < long,
                        &loc,
                        "strike.short",
                        "must be a |delta| in (0, strike.long)",
                        short,
                    )?;
                }
                (false, Some(_)) => {
                    return Err(invalid(&loc, "strike", "applies only to spreads", 0.0))
                }
                (false, None) => {}
            }
            let crypto = l.instrument.crypto_option();
            if crypto.is_none() {
                let only = "applies only to crypto options (btc-put, btc-put-spread, btc-call, eth-put, eth-put-spread, eth-call)";
                if l.moneyness.is_some() {
                    return Err(invalid(&loc, "moneyness", only, 0.0));
                }
                if l.settlement.is_some() {
                    return Err(invalid(&loc, "settlement", only, 0.0));
                }
                if l.vol_series.is_some() {
                    return Err(invalid(&loc, "vol-series", only, 0.0));
                }
                if l.skew.is_some() {
                    return Err(invalid(&loc, "skew", only, 0.0));
                }
            }
            if let Some(m) = l.moneyness {
                if l.instrument.is_spread() {
                    return Err(invalid(
                        &loc,
                        "moneyness",
                        "is for single options: a spread takes strike",
                        m,
                    ));
                }
                check(
                    m.is_finite() && m > 0.0 && m <= MAX_RATIO,
                    &loc,
                    "moneyness",
                    "must be a positive strike / forward ratio at most 1000",
                    m,
                )?;
            }
            if let Some(k) = l.skew {
                check(
                    k.is_finite() && k.abs() <= 10.0,
                    &loc,
                    "skew",
                    "must be finite and in [-10, 10] (vol per unit log moneyness)",
                    k,
                )?;
            }
            if let Some(v) = &l.vol_series {
                if v.trim().is_empty() {
                    return Err(invalid(&loc, "vol-series", "must name a store series", 0.0));
                }
            }
            if let Some(v) = &l.venue {
                if !l.instrument.has_venue() {
                    return Err(invalid(
                        &loc,
                        "venue",
                        "applies only to short-perp and crypto option layers",
                        0.0,
                    ));
                }
                let ok = !v.is_empty()
                    && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !ok {
                    return Err(invalid(
                        &loc,
                        "venue",
                        "must be a lower-case name of letters, digits and '-' (e.g. \"ftx\")",
                        0.0,
                    ));
                }
            }
            if let Trigger::Signal { name } = &l.trigger {
                if !SIGNAL_NAMES.contains(&name.as_str()) {
                    return Err(HedgingError::UnknownSignal {
                        location: loc.clone(),
                        name: name.clone(),
                        known: SIGNAL_NAMES.join(", "),
                    });
                }
            }
            match l.sizing {
                SizingRule::HedgeRatio { weight, .. } => {
                    check(
                        weight.is_finite() && weight >= 0.0,
                        &loc,
                        "sizing.weight",
                        "must be finite and non-negative",
                        weight,
                    )?;
                }
                SizingRule::Notional { fraction } => {
                    check(
                        fraction.is_finite() && fraction >= 0.0,
                        &loc,
                        "sizing.fraction",
                        "must be finite and non-negative",
                        fraction,
                    )?;
                }
            }
        }
        self.check_magnitudes()
    }

    /// The upper bounds of [`validate`](Self::validate): USD amounts at most [`MAX_USD`],
    /// fractions and multiples at most [`MAX_RATIO`], tenors at most [`MAX_TENOR_DAYS`], so
    /// that sizing, the stress test and the backtest never overflow.
    fn check_magnitudes(&self) -> Result<(), HedgingError> {
        let usd = |v: f64, loc: &str, field: &'static str| {
            check(v.abs() <= MAX_USD, loc, field, "must be at most 1e15 (USD)", v)
        };
        let ratio = |v: f64, loc: &str, field: &'static str| {
            check(v.abs() <= MAX_RATIO, loc, field, "must be at most 1000", v)
        };
        ratio(self.budget, "book", "budget")?;
        if let Some(r) = self.cash_rate {
            check(
                r.abs() <= 10.0,
                "book",
                "cash-rate",
                "must lie in [-10, 10] (decimal a year)",
                r,
            )?;
        }
        if let Some(a) = self.lp_fee_apr {
            ratio(a, "book", "lp-fee-apr")?;
        }
        for (i, e) in self.exposures.iter().enumerate() {
            let loc = format!("exposure {}", i + 1);
            match e {
                Exposure::BtcSpot { value } | Exposure::EthSpot { value } => {
                    usd(*value, &loc, "value")?;
                }
                Exposure::NftInventory { value, carry_per_year } => {
                    usd(*value, &loc, "value")?;
                    ratio(*carry_per_year, &loc, "carry-per-year")?;
                }
                Exposure::Perp { notional, .. } => usd(*notional, &loc, "notional")?,
                Exposure::AmmLp { value, range, .. } => {
                    usd(*value, &loc, "value")?;
                    ratio(range[1], &loc, "range")?;
                }
            }
        }
        for (i, l) in self.layers.iter().enumerate() {
            let loc = format!("layer {} \"{}\"", i + 1, l.name);
            check(
                l.tenor_days <= MAX_TENOR_DAYS,
                &loc,
                "tenor-days",
                "must be at most 36500",
                f64::from(l.tenor_days),
            )?;
            if let Some(StrikeRule::Moneyness { long, short }) = l.strike {
                ratio(long, &loc, "strike.long")?;
                ratio(short, &loc, "strike.short")?;
            }
            match l.sizing {
                SizingRule::HedgeRatio { weight, .. } => ratio(weight, &loc, "sizing.weight")?,
                SizingRule::Notional { fraction } => ratio(fraction, &loc, "sizing.fraction")?,
            }
        }
        Ok(())
    }

    /// The default *adaptive layered VIX hedge* (DESIGN.md §6) for a demo basket.
    ///
    /// Exposures: 1,000,000 USD BTC, 500,000 USD ETH, 250,000 USD NFT inventory (8 % carry per
    /// year), a 200,000 USD long ETH perp and a 300,000 USD ETH/USDC LP on `[0.8, 1.25]`.
    /// Layers: (1) 30-day VIX call spreads at 1.1/1.6 × the future, 60 % of the stress hedge
    /// ratio; (2) 90-day VIX futures, 40 % of the calm hedge ratio scaled by the decorrelation
    /// factor, on in the normal and stress bands; (3) 60-day SPX put spreads at 0.95/0.85,
    /// 25 % of the stress SPX hedge ratio, on when the `vix-signal` signal is on. Budget 4 %.
    pub fn default_layered() -> Self {
        Self {
            name: "adaptive layered VIX hedge".to_string(),
            budget: 0.04,
            rolls: RollPolicy::default(),
            rebalance: None,
            rebalance_days: None,
            cash_rate: None,
            lp_fee_apr: None,
            exposures: vec![
                Exposure::BtcSpot { value: 1_000_000.0 },
                Exposure::EthSpot { value: 500_000.0 },
                Exposure::NftInventory { value: 250_000.0, carry_per_year: 0.08 },
                Exposure::Perp { asset: Asset::Eth, notional: 200_000.0 },
                Exposure::AmmLp { asset: Asset::Eth, value: 300_000.0, range: [0.8, 1.25] },
            ],
            layers: vec![
                Layer {
                    name: "short-dated VIX call spreads".to_string(),
                    instrument: Instrument::VixCallSpread,
                    tenor_days: 30,
                    strike: Some(StrikeRule::Moneyness { long: 1.1, short: 1.6 }),
                    sizing: SizingRule::HedgeRatio {
                        regime: Regime::Stress,
                        weight: 0.6,
                        decorrelation: false,
                    },
                    trigger: Trigger::Always,
                    moneyness: None,
                    settlement: None,
                    venue: None,
                    vol_series: None,
                    skew: None,
                },
                Layer {
                    name: "longer-dated VIX futures".to_string(),
                    instrument: Instrument::VixFuture,
                    tenor_days: 90,
                    strike: None,
                    sizing: SizingRule::HedgeRatio {
                        regime: Regime::Calm,
                        weight: 0.4,
                        decorrelation: true,
                    },
                    trigger: Trigger::VixBand { bands: vec![Band::Normal, Band::Stress] },
                    moneyness: None,
                    settlement: None,
                    venue: None,
                    vol_series: None,
                    skew: None,
                },
                Layer {
                    name: "SPX put spreads".to_string(),
                    instrument: Instrument::SpxPutSpread,
                    tenor_days: 60,
                    strike: Some(StrikeRule::Moneyness { long: 0.95, short: 0.85 }),
                    sizing: SizingRule::HedgeRatio {
                        regime: Regime::Stress,
                        weight: 0.25,
                        decorrelation: false,
                    },
                    trigger: Trigger::Signal { name: "vix-signal".to_string() },
                    moneyness: None,
                    settlement: None,
                    venue: None,
                    vol_series: None,
                    skew: None,
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn book_value_1e308_names_the_field_with_line_and_column() {
        let text = "name = \"x\"\nbudget = 0.0\n\n[[exposure]]\nkind = \"btc-spot\"\nvalue = 1.0\n\n[[exposure]]\nkind = \"eth-spot\"\n  value =  1e308 # big\n";
        let e = Book::parse_toml(text).unwrap_err().to_string();
        assert_eq!(
            e,
            "book line 10, column 12: exposure 2: value must be at most 1e15 (USD), got 1e308"
        );
        let layer = "name = \"x\"\nbudget = 0.0\n[[layer]]\nname = \"f\"\ninstrument = \"vix-future\"\ntenor-days = 30\nsizing = { rule = \"notional\", fraction = 1e300 }\n";
        let e = Book::parse_toml(layer).unwrap_err().to_string();
        assert!(e.starts_with("book line 7, column 42: layer 1 \"f\": sizing.fraction"), "{e}");
        let e = Book::parse_toml("name = \"x\"\nbudget = 1e308\n").unwrap_err().to_string();
        assert!(e.starts_with("book line 2, column 10: book: budget"), "{e}");
    }

    #[test]
    fn misspelt_signal_trigger_is_an_error_with_line_and_column() {
        let text = "name = \"x\"\nbudget = 0.0\n[[layer]]\nname = \"f\"\ninstrument = \"vix-future\"\ntenor-days = 30\nsizing = { rule = \"notional\", fraction = 0.1 }\ntrigger = { kind = \"signal\", name = \"vix-signl\" }\n";
        let e = Book::parse_toml(text).unwrap_err().to_string();
        assert!(
            e.starts_with("book line 8, column 37: layer 1 \"f\": trigger.name 'vix-signl'"),
            "{e}"
        );
        assert!(Book::parse_toml(&text.replace("vix-signl", "vix-signal")).is_ok());
        assert!(Book::default_layered().validate().is_ok());
    }

    #[test]
    fn roll_policy_defaults_and_parses() {
        let b = Book::parse_toml("name = \"x\"\nbudget = 0.0\n").unwrap();
        assert_eq!(b.rolls, RollPolicy::default());
        let b = Book::parse_toml(
            "name = \"x\"\nbudget = 0.0\n[rolls]\nmove-before-events = false\nevents = [\"fomc\"]\nwindow-days = 2\n",
        )
        .unwrap();
        assert!(!b.rolls.move_before_events);
        assert_eq!(b.rolls.events, vec![MacroEventKind::Fomc]);
        assert_eq!(b.rolls.window_days, 2);
        let e = Book::parse_toml("name = \"x\"\nbudget = 0.0\n[rolls]\nevents = [\"nfp\"]\n")
            .unwrap_err();
        assert!(e.to_string().contains("line 4"), "{e}");
    }

    #[test]
    fn exposure_policy_parses_and_is_checked() {
        let b = Book::parse_toml("name = \"x\"\nbudget = 0.0\n").unwrap();
        assert_eq!(
            (b.rebalance, b.rebalance_days, b.cash_rate, b.lp_fee_apr),
            (None, None, None, None)
        );
        let text = "name = \"x\"\nbudget = 0.0\nrebalance = \"constant-mix\"\nrebalance-days = 21\ncash-rate = 0.03\nlp-fee-apr = 0.2\n";
        let b = Book::parse_toml(text).unwrap();
        assert_eq!(b.rebalance, Some(Rebalance::ConstantMix));
        assert_eq!(b.rebalance_days, Some(21));
        assert_eq!(b.cash_rate, Some(0.03));
        assert_eq!(b.lp_fee_apr, Some(0.2));
        assert_eq!(Book::parse_toml(&b.to_toml().unwrap()).unwrap(), b);
        let b =
            Book::parse_toml("name = \"x\"\nbudget = 0.0\nrebalance = \"buy-and-hold\"\n").unwrap();
        assert_eq!(b.rebalance, Some(Rebalance::BuyAndHold));
        let e =
            Book::parse_toml("name = \"x\"\nbudget = 0.0\nrebalance = \"monthly\"\n").unwrap_err();
        assert!(matches!(e, HedgingError::Toml { line: 3, .. }), "{e}");
        let e = Book::parse_toml("name = \"x\"\nbudget = 0.0\nrebalance-days = 0\n").unwrap_err();
        assert!(e.to_string().contains("rebalance-days"), "{e}");
        let e = Book::parse_toml("name = \"x\"\nbudget = 0.0\nlp-fee-apr = -0.1\n").unwrap_err();
        assert!(e.to_string().contains("lp-fee-apr"), "{e}");
    }

    #[test]
    fn default_book_round_trips_through_toml() {
        let book = Book::default_layered();
        let text = book.to_toml().unwrap();
        assert_eq!(Book::parse_toml(&text).unwrap(), book);
    }

    #[test]
    fn parse_error_has_line_and_column() {
        let text = "name = \"x\"\nbudget = 0.02\n\n[[layer]]\nname = \"a\"\ninstrument = \"vix-swaption\"\n";
        match Book::parse_toml(text).unwrap_err() {
            HedgingError::Toml { line, column, message } => {
                assert_eq!(line, 6, "{message}");
                assert_eq!(column, 14, "{message}");
                assert!(
                    message.contains("vix-swaption") || message.contains("variant"),
                    "{message}"
                );
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn unknown_key_is_rejected_with_position() {
        let text = "name = \"x\"\nbudget = 0.02\n[[exposure]]\nkind = \"btc-spot\"\nvalu = 5.0\n";
        let e = Book::parse_toml(text).unwrap_err();
        assert!(matches!(e, HedgingError::Toml { line: 3..=5, .. }), "{e}");
    }

    #[test]
    fn out_of_domain_values_name_the_layer() {
        let mut book = Book::default_layered();
        book.layers[0].strike = Some(StrikeRule::Moneyness { long: 1.2, short: 1.1 });
        let e = book.validate().unwrap_err();
        assert!(e.to_string().contains("layer 1"), "{e}");
        let mut book = Book::default_layered();
        book.exposures[4] = Exposure::AmmLp { asset: Asset::Eth, value: 1.0, range: [1.1, 1.5] };
        assert!(book.validate().unwrap_err().to_string().contains("exposure 5"));
    }

    /// The book example with one header mistyped (`[Yexposure]]`), found by the `book_toml`
    /// fuzz target (fuzz/artifacts/book_toml/crash-3a10389f...): the toml parser's message
    /// spans two lines, the error must be one.
    #[test]
    fn fuzz_book_toml_mistyped_header_is_a_one_line_error() {
        let text = "name = \"my book\"\nbudget = 0.03                 # premium per year as a fraction of the delta notional\n\n[[exposure]]\nkind = \"btc-spot\"             # btc-spot | eth-spot | nft-inventory | perp | amm-lp\nvalue = 1000000.0\n\n[[exposure]]\nkind = \"nft-inventory\"\nvalue = 250000.0\ncarry-per-year = 0.08         # financing/storage cost, fraction of value per year\n\n[[exposure]]\nkind = \"perp\"\nasset = \"btc\"                 # btc | eth | nft\nnotional = -200000.0          # signed: long > 0\n\n[Yexposure]]\nkind = \"amm-lp\"\nasset = \"eth\"\nvalue = 300000.0\nrange = [0.8, 1.25]           # price range as ratios of the current price\n\n[[layer]]\n";
        let e = Book::parse_toml(text).unwrap_err().to_string();
        assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
        assert!(e.chars().count() < 300, "{e:?}");
        assert!(e.starts_with("book line 18, column "), "{e}");
    }

    /// A layer name with a line break and 1,000 characters (the name is echoed in the
    /// domain error) still gives one line under 300 characters.
    #[test]
    fn long_multi_line_layer_name_gives_a_short_one_line_error() {
        let name = format!("a\\nb{}", "x".repeat(1000));
        let text = format!("name = \"x\"\nbudget = 0.0\n[[layer]]\nname = \"{name}\"\ninstrument = \"vix-future\"\ntenor-days = 30\nsizing = {{ rule = \"notional\", fraction = 1e300 }}\n");
        let e = Book::parse_toml(&text).unwrap_err().to_string();
        assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
        assert!(e.chars().count() < 300, "{} chars: {e:?}", e.chars().count());
        assert!(e.starts_with("book line 7, column 42: layer 1 \"a; b"), "{e}");
        assert!(e.ends_with('…'), "{e}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé\nx", 6), (2, 3));
        assert_eq!(line_column("abc", 0), (1, 1));
    }
}
