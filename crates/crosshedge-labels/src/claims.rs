//! The claims of the method that `crosshedge claims` checks, and the verdict rule.
//!
//! The built-in set ([`ClaimSet::builtin`]) is the TOML file `src/claims.toml` embedded at
//! compile time; its comments state each metric, its parameters and the sign convention of the
//! correlations (the method's "correlation 0.35" is read as `-corr(target return, VIX change)`,
//! since VIX changes and crypto returns correlate negatively). A user file in the same format
//! extends it ([`ClaimSet::extend`]: a claim with a built-in id replaces it in place, new ids
//! are appended) or, with the front ends' `--no-builtin-claims`, replaces it.
//!
//! # Format
//! ```toml
//! [[claim]]
//! id = "vix-crypto-correlation-normal"
//! text = "the VIX-crypto/NFT correlation is 0.35 in normal regimes"   # the method's words
//! source = "..."                                                     # where it says so
//! metric = "regime-correlation"   # or decorrelation-factor, stress-slippage,
//!                                 # episode-slippage, window-change
//! regimes = "vix-bands"           # the metric's parameters
//! state = "normal"
//! range = [0.30, 0.40]            # the claimed range, decimals, lo <= hi
//! identification_width = 0.20     # widest measured interval that identifies the claim
//! ```
//!
//! # Verdict rule ([`verdict`])
//! With the claimed range `[lo, hi]`, the measured point estimate `m` and its interval
//! `[low, high]`:
//! - **contradicted** when `[low, high]` is disjoint from `[lo, hi]` (`high < lo` or `low > hi`);
//! - **supported** when `lo <= m <= hi` and `high - low <= identification_width`;
//! - **not identified** otherwise (the interval overlaps the range but is too wide, or the point
//!   lies outside the range while the interval still reaches it), and whenever there is nothing
//!   to measure; the reason says which.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::LabelsError;
use crosshedge_core::text::{line_column, one_line};

const BUILTIN_TOML: &str = include_str!("claims.toml");

/// Longest parser message echoed in an error, so that every error stays one line under ~300
/// characters.
const MAX_MESSAGE_CHARS: usize = 200;
/// Longest claim id or parameter value echoed in an error.
const MAX_NAME_CHARS: usize = 60;

/// The regime labelings a `regime-correlation` or `decorrelation-factor` claim may name (the
/// app's `RegimeSource` names, `none` excluded: it has no regimes).
pub const REGIME_LABELINGS: [&str; 6] =
    ["vix-bands", "markov2", "markov3", "episodes", "shocks", "events"];

/// The metric names, in the order of [`Metric`]'s variants.
pub const METRIC_NAMES: [&str; 5] = [
    "regime-correlation",
    "decorrelation-factor",
    "stress-slippage",
    "episode-slippage",
    "window-change",
];

/// Which close inside an episode window a `window-change` measures against the last close
/// before the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extreme {
    /// The highest close in the window (a rise: "VIX up 40-60 %").
    Max,
    /// The lowest close in the window (a fall: "NFTs fell more than 70 %").
    Min,
    /// The last close in the window.
    End,
}

impl Extreme {
    /// The name as the TOML spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Max => "max",
            Self::Min => "min",
            Self::End => "end",
        }
    }
}

/// What a claim measures, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "metric", rename_all = "kebab-case")]
pub enum Metric {
    /// `-corr(target return, hedge change)` in one regime of a labeling, with the
    /// stationary-bootstrap interval (one row per target).
    RegimeCorrelation {
        /// The labeling (one of [`REGIME_LABELINGS`]).
        regimes: String,
        /// The regime's state name.
        state: String,
    },
    /// `k = h*_stress / h*_calm` between the labeling's calm and stress states, with its
    /// bootstrap interval, and the multiple needed per named episode (one row per target).
    DecorrelationFactor {
        /// The labeling (one of [`REGIME_LABELINGS`]).
        regimes: String,
    },
    /// The share of the loss the default hedge book leaves uncovered in the 1-in-20 shock of
    /// the stress Monte Carlo, with its 95 % interval (one row).
    StressSlippage,
    /// The loss-weighted share of the loss left uncovered over the catalogue's episodes of
    /// the given categories (all when empty) in which the target lost, with the hedge at the
    /// calm h*; the interval is the range over those episodes (one row per target).
    EpisodeSlippage {
        /// Episode categories (`defi`, `crypto`, ...); empty = every episode.
        categories: Vec<String>,
    },
    /// The change of `series` from its last close before `episode`'s window to the window's
    /// `extreme` close (one row; an observation, no interval).
    WindowChange {
        /// The stored series.
        series: String,
        /// The catalogue episode.
        episode: String,
        /// Which close in the window.
        extreme: Extreme,
    },
}

impl Metric {
    /// The metric's name as the TOML spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::RegimeCorrelation { .. } => METRIC_NAMES[0],
            Self::DecorrelationFactor { .. } => METRIC_NAMES[1],
            Self::StressSlippage => METRIC_NAMES[2],
            Self::EpisodeSlippage { .. } => METRIC_NAMES[3],
            Self::WindowChange { .. } => METRIC_NAMES[4],
        }
    }

    /// True when the metric gives one row per target.
    pub fn per_target(&self) -> bool {
        matches!(
            self,
            Self::RegimeCorrelation { .. }
                | Self::DecorrelationFactor { .. }
                | Self::EpisodeSlippage { .. }
        )
    }
}

/// One quantitative claim of the method.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// Unique kebab-case id.
    pub id: String,
    /// The method's words.
    pub text: String,
    /// Where the method says it (and how it is measured here).
    pub source: String,
    /// What is measured.
    #[serde(flatten)]
    pub metric: Metric,
    /// The claimed range `[lo, hi]` (decimals).
    pub range: [f64; 2],
    /// The widest measured interval `high - low` that still identifies the claim (decimals).
    pub identification_width: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: Spanned<String>,
    text: String,
    source: String,
    metric: Spanned<String>,
    regimes: Option<Spanned<String>>,
    state: Option<Spanned<String>>,
    categories: Option<Spanned<Vec<String>>>,
    series: Option<Spanned<String>>,
    episode: Option<Spanned<String>>,
    extreme: Option<Spanned<String>>,
    range: Spanned<Vec<f64>>,
    identification_width: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaims {
    #[serde(default)]
    claim: Vec<RawClaim>,
}

/// An ordered list of claims with unique ids.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimSet {
    /// The claims in file order.
    pub claims: Vec<Claim>,
}

impl ClaimSet {
    /// The built-in claims (the issue's nine, see `src/claims.toml`).
    ///
    /// # Panics
    /// Never in a released build: the embedded file is checked by a unit test.
    pub fn builtin() -> Self {
        match Self::parse_toml(BUILTIN_TOML) {
            Ok(c) => c,
            Err(e) => panic!("built-in claims file is invalid: {e}"),
        }
    }

    /// The embedded TOML text of the built-in claims.
    pub fn builtin_toml() -> &'static str {
        BUILTIN_TOML
    }

    /// Parses claims from TOML text (format in the module docs).
    ///
    /// # Errors
    /// [`LabelsError::Claims`] with `line L, column C: ...` for malformed TOML, an unknown
    /// field or metric, a parameter missing for its metric or given to a metric that does not
    /// take it, an unknown labeling or extreme, a range that is not two finite numbers with
    /// `lo <= hi`, a negative or non-finite identification width, an empty or duplicate id.
    pub fn parse_toml(text: &str) -> Result<Self, LabelsError> {
        let at = |span: std::ops::Range<usize>, msg: String| {
            let (line, column) = line_column(text, span.start);
            LabelsError::Claims {
                message: format!(
                    "line {line}, column {column}: {}",
                    one_line(&msg, MAX_MESSAGE_CHARS)
                ),
            }
        };
        let raw: RawClaims = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            at(span, e.message().to_string())
        })?;
        let mut claims: Vec<Claim> = Vec::with_capacity(raw.claim.len());
        for r in raw.claim {
            let id = r.id.get_ref().clone();
            let short = one_line(&id, MAX_NAME_CHARS);
            if id.trim().is_empty() {
                return Err(at(r.id.span(), "empty claim id".into()));
            }
            if claims.iter().any(|c| c.id == id) {
                return Err(at(r.id.span(), format!("duplicate claim id {short:?}")));
            }
            let metric_name = r.metric.get_ref().as_str();
            let given: [(&str, Option<std::ops::Range<usize>>); 6] = [
                ("regimes", r.regimes.as_ref().map(Spanned::span)),
                ("state", r.state.as_ref().map(Spanned::span)),
                ("categories", r.categories.as_ref().map(Spanned::span)),
                ("series", r.series.as_ref().map(Spanned::span)),
                ("episode", r.episode.as_ref().map(Spanned::span)),
                ("extreme", r.extreme.as_ref().map(Spanned::span)),
            ];
            let takes: &[&str] = match metric_name {
                "regime-correlation" => &["regimes", "state"],
                "decorrelation-factor" => &["regimes"],
                "stress-slippage" => &[],
                "episode-slippage" => &["categories"],
                "window-change" => &["series", "episode", "extreme"],
                other => {
                    return Err(at(
                        r.metric.span(),
                        format!(
                            "claim {short:?}: unknown metric {:?} (expected {})",
                            one_line(other, MAX_NAME_CHARS),
                            METRIC_NAMES.join(", ")
                        ),
                    ))
                }
            };
            for (name, span) in &given {
                if let (Some(span), false) = (span, takes.contains(name)) {
                    return Err(at(
                        span.clone(),
                        format!("claim {short:?}: metric {metric_name} takes no `{name}`"),
                    ));
                }
            }
            let need = |v: &Option<Spanned<String>>, name: &str| {
                v.as_ref().map(|s| s.get_ref().clone()).ok_or_else(|| {
                    at(
                        r.metric.span(),
                        format!("claim {short:?}: metric {metric_name} needs `{name}`"),
                    )
                })
            };
            let labeling = |v: &Option<Spanned<String>>, default: Option<&str>| {
                let name = match (v, default) {
                    (Some(s), _) => s.get_ref().clone(),
                    (None, Some(d)) => d.to_string(),
                    (None, None) => need(v, "regimes")?,
                };
                if REGIME_LABELINGS.contains(&name.as_str()) {
                    Ok(name)
                } else {
                    let span = v.as_ref().map_or(r.metric.span(), Spanned::span);
                    Err(at(
                        span,
                        format!(
                            "claim {short:?}: unknown regimes {:?} (expected {})",
                            one_line(&name, MAX_NAME_CHARS),
                            REGIME_LABELINGS.join(", ")
                        ),
                    ))
                }
            };
            let metric = match metric_name {
                "regime-correlation" => Metric::RegimeCorrelation {
                    regimes: labeling(&r.regimes, None)?,
                    state: need(&r.state, "state")?,
                },
                "decorrelation-factor" => Metric::DecorrelationFactor {
                    regimes: labeling(&r.regimes, Some("vix-bands"))?,
                },
                "stress-slippage" => Metric::StressSlippage,
                "episode-slippage" => Metric::EpisodeSlippage {
                    categories: r.categories.map(Spanned::into_inner).unwrap_or_default(),
                },
                _ => {
                    let extreme_name = need(&r.extreme, "extreme")?;
                    let extreme = match extreme_name.as_str() {
                        "max" => Extreme::Max,
                        "min" => Extreme::Min,
                        "end" => Extreme::End,
                        other => {
                            let span = r.extreme.as_ref().map_or(r.metric.span(), Spanned::span);
                            return Err(at(
                                span,
                                format!(
                                    "claim {short:?}: unknown extreme {:?} (expected max, min, end)",
                                    one_line(other, MAX_NAME_CHARS)
                                ),
                            ));
                        }
                    };
                    Metric::WindowChange {
                        series: need(&r.series, "series")?,
                        episode: need(&r.episode, "episode")?,
                        extreme,
                    }
                }
            };
            let range = match r.range.get_ref().as_slice() {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo <= hi => [*lo, *hi],
                other => {
                    return Err(at(
                        r.range.span(),
                        format!(
                            "claim {short:?}: range must be two finite numbers [lo, hi] with lo <= hi, got {other:?}"
                        ),
                    ))
                }
            };
            let width = *r.identification_width.get_ref();
            if !(width.is_finite() && width >= 0.0) {
                return Err(at(
                    r.identification_width.span(),
                    format!(
                        "claim {short:?}: identification_width must be a finite number >= 0, got {width}"
                    ),
                ));
            }
            claims.push(Claim {
                id,
                text: r.text,
                source: r.source,
                metric,
                range,
                identification_width: width,
            });
        }
        Ok(Self { claims })
    }

    /// Adds the claims of `other`: a claim with an id already present replaces it in place, new
    /// ids are appended.
    pub fn extend(&mut self, other: ClaimSet) {
        for c in other.claims {
            match self.claims.iter_mut().find(|x| x.id == c.id) {
                Some(slot) => *slot = c,
                None => self.claims.push(c),
            }
        }
    }

    /// Claim ids in order.
    pub fn ids(&self) -> Vec<&str> {
        self.claims.iter().map(|c| c.id.as_str()).collect()
    }
}

/// The verdict on a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The point lies in the claimed range and the interval is narrow enough to say so.
    Supported,
    /// The measured interval is disjoint from the claimed range.
    Contradicted,
    /// Neither: the interval is too wide, straddles the range's edge, or there is no data.
    NotIdentified,
}

impl Verdict {
    /// The name as the JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supported => "supported",
            Self::Contradicted => "contradicted",
            Self::NotIdentified => "not-identified",
        }
    }
}

/// A measured value with its interval `[low, high]` (`low <= measured <= high` expected, not
/// required).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// The point estimate.
    pub measured: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// The verdict on a claim with range `[lo, hi]` and identification width `width` given a
/// measurement (rule in the module docs), with its reason.
///
/// # Formula
/// contradicted ⇔ `high < lo ∨ low > hi`; supported ⇔ `lo ≤ m ≤ hi ∧ high − low ≤ width`;
/// else not identified. A non-finite measurement is not identified.
pub fn verdict(range: [f64; 2], width: f64, m: &Measurement) -> (Verdict, String) {
    let [lo, hi] = range;
    let Measurement { measured, low, high } = *m;
    if !(measured.is_finite() && low.is_finite() && high.is_finite()) {
        return (Verdict::NotIdentified, "the measurement is not finite".into());
    }
    if high < lo || low > hi {
        let side = if high < lo { "below" } else { "above" };
        let what = if low == high {
            format!("the observed value {measured:.4} lies")
        } else {
            format!("the measured interval [{low:.4}, {high:.4}] lies entirely")
        };
        return (
            Verdict::Contradicted,
            format!("{what} {side} the claimed range [{lo:.4}, {hi:.4}]"),
        );
    }
    let w = high - low;
    let inside = lo <= measured && measured <= hi;
    if inside && w <= width {
        return (
            Verdict::Supported,
            format!(
                "{measured:.4} lies in the claimed range [{lo:.4}, {hi:.4}] and the interval width {w:.4} is at most {width:.4}"
            ),
        );
    }
    let why = if inside {
        format!("the interval width {w:.4} exceeds the identification width {width:.4}")
    } else {
        format!(
            "{measured:.4} lies outside the claimed range [{lo:.4}, {hi:.4}] but the interval [{low:.4}, {high:.4}] still reaches it"
        )
    };
    (Verdict::NotIdentified, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[[claim]]\nid = \"a\"\ntext = \"t\"\nsource = \"s\"\n";

    fn err(text: &str) -> String {
        let e = ClaimSet::parse_toml(text).unwrap_err().to_string();
        assert!(!e.contains('\n') && e.chars().count() < 300, "{e:?}");
        e
    }

    #[test]
    fn builtin_claims_are_valid_and_cover_the_issue() {
        let c = ClaimSet::parse_toml(BUILTIN_TOML).unwrap();
        for must in [
            "vix-crypto-correlation-normal",
            "vix-crypto-correlation-crisis",
            "decorrelation-factor",
            "slippage-1-in-20-stress",
            "slippage-1-in-20-history",
            "terra-vix-up",
            "terra-nft-down",
            "ftx-vix-up",
            "ftx-nft-down",
        ] {
            assert!(c.ids().contains(&must), "{must}");
        }
        let normal = &c.claims[0];
        assert_eq!(
            normal.metric,
            Metric::RegimeCorrelation { regimes: "vix-bands".into(), state: "normal".into() }
        );
        assert_eq!(normal.range, [0.30, 0.40]);
        assert!(c.claims.iter().all(|x| !x.text.is_empty() && !x.source.is_empty()));
        assert_eq!(ClaimSet::builtin(), c);
    }

    #[test]
    fn errors_carry_line_and_column() {
        // Malformed TOML.
        let e = err("[[claim]]\nid = \n");
        assert!(e.starts_with("claims: line 2, column "), "{e}");
        // An unknown field.
        let e = err(&format!("{HEAD}metric = \"stress-slippage\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\ncolour = \"red\"\n"));
        assert!(e.starts_with("claims: line ") && e.contains("colour"), "{e}");
        // An unknown metric: line 5 (the metric line), column 10 (the string).
        let e = err(&format!(
            "{HEAD}metric = \"vibes\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n"
        ));
        assert!(e.starts_with("claims: line 5, column 10: "), "{e}");
        assert!(e.contains("unknown metric \"vibes\""), "{e}");
        // A bad range: lo > hi, on line 6.
        let e = err(&format!(
            "{HEAD}metric = \"stress-slippage\"\nrange = [0.4, 0.2]\nidentification_width = 0.1\n"
        ));
        assert!(e.starts_with("claims: line 6, column 9: ") && e.contains("lo <= hi"), "{e}");
        // One number is not a range.
        let e = err(&format!(
            "{HEAD}metric = \"stress-slippage\"\nrange = [0.4]\nidentification_width = 0.1\n"
        ));
        assert!(e.contains("line 6") && e.contains("two finite numbers"), "{e}");
        // A negative width.
        let e = err(&format!(
            "{HEAD}metric = \"stress-slippage\"\nrange = [0.1, 0.2]\nidentification_width = -1\n"
        ));
        assert!(e.contains("line 7, column 24") && e.contains(">= 0"), "{e}");
        // A parameter the metric does not take, and one it needs.
        let e = err(&format!(
            "{HEAD}metric = \"stress-slippage\"\nstate = \"x\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n"
        ));
        assert!(e.contains("line 6, column 9") && e.contains("takes no `state`"), "{e}");
        let e = err(&format!(
            "{HEAD}metric = \"regime-correlation\"\nregimes = \"vix-bands\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n"
        ));
        assert!(e.contains("line 5") && e.contains("needs `state`"), "{e}");
        let e = err(&format!(
            "{HEAD}metric = \"decorrelation-factor\"\nregimes = \"moon\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n"
        ));
        assert!(e.contains("line 6, column 11") && e.contains("unknown regimes"), "{e}");
        let e = err(&format!(
            "{HEAD}metric = \"window-change\"\nseries = \"vix\"\nepisode = \"ftx-2022\"\nextreme = \"top\"\nrange = [0.1, 0.2]\nidentification_width = 0\n"
        ));
        assert!(e.contains("line 8, column 11") && e.contains("unknown extreme"), "{e}");
        // A duplicate id.
        let one = format!(
            "{HEAD}metric = \"stress-slippage\"\nrange = [0.1, 0.2]\nidentification_width = 0.1\n"
        );
        let e = err(&format!("{one}{one}"));
        assert!(e.contains("line 9, column 6") && e.contains("duplicate claim id"), "{e}");
    }

    #[test]
    fn a_user_file_extends_and_replaces_by_id() {
        let mut c = ClaimSet::builtin();
        let n = c.claims.len();
        let user = ClaimSet::parse_toml(
            "[[claim]]\nid = \"decorrelation-factor\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"decorrelation-factor\"\nrange = [2.0, 4.0]\nidentification_width = 3\n\
             [[claim]]\nid = \"mine\"\ntext = \"t\"\nsource = \"s\"\nmetric = \"episode-slippage\"\nrange = [0.0, 0.5]\nidentification_width = 0.5\n",
        )
        .unwrap();
        c.extend(user);
        assert_eq!(c.claims.len(), n + 1);
        let k = c.claims.iter().find(|x| x.id == "decorrelation-factor").unwrap();
        assert_eq!(k.range, [2.0, 4.0]);
        assert_eq!(k.metric, Metric::DecorrelationFactor { regimes: "vix-bands".into() });
        assert_eq!(c.claims.last().unwrap().metric, Metric::EpisodeSlippage { categories: vec![] });
    }

    #[test]
    fn every_verdict_is_reachable() {
        let m = |measured, low, high| Measurement { measured, low, high };
        let r = [0.30, 0.40];
        // Supported: in the range, narrow enough.
        assert_eq!(verdict(r, 0.2, &m(0.35, 0.30, 0.45)).0, Verdict::Supported);
        // The width bound is inclusive (binary-exact values: 0.75 - 0.25 = 0.5).
        assert_eq!(verdict([0.25, 0.75], 0.5, &m(0.5, 0.25, 0.75)).0, Verdict::Supported);
        assert_eq!(verdict([0.25, 0.75], 0.4375, &m(0.5, 0.25, 0.75)).0, Verdict::NotIdentified);
        // Contradicted: disjoint below and above.
        let (v, why) = verdict(r, 0.2, &m(0.10, 0.05, 0.2999));
        assert_eq!(v, Verdict::Contradicted);
        assert!(why.contains("below"), "{why}");
        let (v, why) = verdict(r, 0.2, &m(0.5, 0.41, 0.6));
        assert_eq!(v, Verdict::Contradicted);
        assert!(why.contains("above"), "{why}");
        // Not identified: too wide, and outside but reaching the range.
        let (v, why) = verdict(r, 0.2, &m(0.35, 0.0, 0.7));
        assert_eq!(v, Verdict::NotIdentified);
        assert!(why.contains("exceeds"), "{why}");
        let (v, why) = verdict(r, 0.2, &m(0.45, 0.38, 0.5));
        assert_eq!(v, Verdict::NotIdentified);
        assert!(why.contains("outside"), "{why}");
        // An observation (no interval) with width 0.
        assert_eq!(verdict([0.4, 0.6], 0.0, &m(0.5, 0.5, 0.5)).0, Verdict::Supported);
        assert_eq!(verdict([0.4, 0.6], 0.0, &m(0.1, 0.1, 0.1)).0, Verdict::Contradicted);
        assert_eq!(verdict(r, 0.2, &m(f64::NAN, 0.3, 0.4)).0, Verdict::NotIdentified);
        assert_eq!(serde_json::to_string(&Verdict::NotIdentified).unwrap(), "\"not-identified\"");
    }
}
