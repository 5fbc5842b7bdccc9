//! The regime labelings a pair's rows can be split by (`basis --regimes`): VIX bands at each
//! row's start, Markov-switching states of the VIX, the named episodes, detected DeFi shock
//! windows, macro-event windows, or none.

use crosshedge_core::regime::Labeling;
use crosshedge_labels::bands::{vix_bands_over, BandConfig};
use crosshedge_labels::episodes::Catalogue;
use crosshedge_labels::events::EventWindowConfig;
use serde::{Deserialize, Serialize};

use crate::events::EventSources;
use crate::pair::Pair;
use crate::shocks::ShockSources;
use crate::{AppError, Workspace};

/// The range of index points a VIX-like series' median close lies in: the VIX has closed
/// between 9.14 (2017-11-03) and 82.69 (2020-03-16) since 1990 (Cboe history), so a median
/// outside `[5, 150]` is another unit (a decimal vol, a percent rate, a count).
pub const VIX_POINTS_MEDIAN: (f64, f64) = (5.0, 150.0);

/// A warning when the VIX band thresholds are applied, at their VIX defaults (calm < 15,
/// stress > 25 index points), to a series that does not look like VIX index points: its unit
/// is a rate, count or ratio, or its median close lies outside [`VIX_POINTS_MEDIAN`]. `None`
/// for a VIX-like series or thresholds the user chose.
pub fn vix_units_warning(
    series: &crosshedge_core::series::Series,
    name: &str,
    bands: &BandConfig,
) -> Option<String> {
    use crosshedge_core::units::SeriesUnit;
    let d = BandConfig::default();
    if bands.calm_below != d.calm_below || bands.stress_above != d.stress_above {
        return None;
    }
    let mut v = series.values().to_vec();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let median = v[v.len() / 2];
    let unit_ok = matches!(series.unit, SeriesUnit::IndexLevel | SeriesUnit::Price);
    let (lo, hi) = VIX_POINTS_MEDIAN;
    if unit_ok && (lo..=hi).contains(&median) {
        return None;
    }
    Some(format!(
        "series '{name}' does not look like VIX index points (unit {}, median close {median}): \
         the bands calm < {}, stress > {} are VIX thresholds; give --calm-below and \
         --stress-above in the series' own units",
        series.unit, d.calm_below, d.stress_above
    ))
}

/// Where the regime of each row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegimeSource {
    /// The VIX band (calm, normal, stress) of the close at each row's start.
    #[default]
    VixBands,
    /// The smoothed (ex post) state of a two-state Markov-switching model of the VIX.
    Markov2,
    /// The smoothed (ex post) state of a three-state Markov-switching model of the VIX.
    Markov3,
    /// The named shock episodes of the built-in catalogue (rows outside them are unlabelled).
    Episodes,
    /// Detected DeFi liquidity-shock windows (`shock`) against every other row (`no-shock`).
    Shocks,
    /// Windows around FOMC, CPI and PPI dates.
    Events,
    /// No labeling: only the whole-sample statistics.
    None,
}

impl RegimeSource {
    /// The source's name, as the CLI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VixBands => "vix-bands",
            Self::Markov2 => "markov2",
            Self::Markov3 => "markov3",
            Self::Episodes => "episodes",
            Self::Shocks => "shocks",
            Self::Events => "events",
            Self::None => "none",
        }
    }
}

impl std::fmt::Display for RegimeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RegimeSource {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "vix-bands" => Ok(Self::VixBands),
            "markov2" => Ok(Self::Markov2),
            "markov3" => Ok(Self::Markov3),
            "episodes" => Ok(Self::Episodes),
            "shocks" => Ok(Self::Shocks),
            "events" => Ok(Self::Events),
            "none" => Ok(Self::None),
            // The message the command line has always printed.
            other => Err(AppError::input(format!(
                "unknown --regimes '{other}' (expected vix-bands, episodes, none)"
            ))),
        }
    }
}

/// What the labelings read besides the pair.
#[derive(Clone, Copy, Debug)]
pub struct LabelingInputs<'a> {
    /// The VIX series of the `vix-bands` and Markov labelings (index points).
    pub vix: &'a str,
    /// The band thresholds of `vix-bands` (index points).
    pub bands: &'a BandConfig,
    /// The series behind the `shocks` labeling.
    pub shock_sources: &'a ShockSources,
    /// The sources and window of the `events` labeling (files in the workspace's data
    /// directory).
    pub event_sources: &'a EventSources,
}

/// A pair's rows labelled, with the states the breakdown tests compare.
#[derive(Clone, Debug, PartialEq)]
pub struct PairLabeling {
    /// The labels of the pair's rows (`None` for [`RegimeSource::None`]).
    pub labeling: Option<Labeling>,
    /// The state read as calm (`calm`; `no-shock` for the shocks labeling).
    pub calm_state: String,
    /// The state read as stress (`stress`; `shock` for the shocks labeling).
    pub stress_state: String,
    /// Warnings about the labeling (a Markov spike state), for stderr.
    pub warnings: Vec<String>,
}

/// The labels of `pair`'s rows under `source`.
///
/// # Errors
/// An input error for invalid band thresholds, an unknown VIX series or an unreadable events
/// file; the labelings' errors otherwise (a Markov fit that fails, no shock component).
pub fn label_pair(
    ws: &Workspace,
    pair: &Pair,
    source: RegimeSource,
    inputs: &LabelingInputs<'_>,
) -> Result<PairLabeling, AppError> {
    let mut warnings = Vec::new();
    let labeling = match source {
        RegimeSource::None => None,
        RegimeSource::VixBands => {
            let vix = ws.load(inputs.vix, None, None)?;
            inputs.bands.validate().map_err(|e| AppError::input(format!("vix bands: {e}")))?;
            warnings.extend(vix_units_warning(&vix, inputs.vix, inputs.bands));
            Some(vix_bands_over(&vix, &pair.start_dates, &pair.dates, inputs.bands)?.labeling)
        }
        RegimeSource::Episodes => Some(Catalogue::builtin().labeling(&pair.dates)?),
        RegimeSource::Shocks => {
            // Every row is labelled: `no-shock` outside the detected windows, so the breakdown
            // tests compare no-shock (as calm) with shock (as stress).
            let d = crate::shocks::detect(ws, inputs.shock_sources, None, None)?;
            let mut l = d.detection.labeling(&pair.dates, false)?;
            let quiet = l.states.len();
            l.states.push("no-shock".into());
            for x in &mut l.labels {
                x.get_or_insert(quiet);
            }
            Some(l)
        }
        RegimeSource::Events => {
            let (cal, _) = crate::events::calendar(ws, inputs.event_sources)?;
            let w = EventWindowConfig {
                pre_days: inputs.event_sources.pre,
                post_days: inputs.event_sources.post,
            };
            Some(cal.labeling(&pair.dates, &w)?)
        }
        RegimeSource::Markov2 | RegimeSource::Markov3 => {
            let k = if source == RegimeSource::Markov2 { 2 } else { 3 };
            let (l, w) = crate::regimes::markov_labeling(ws, inputs.vix, k)?;
            warnings = w;
            Some(Labeling { labels: l.labels_for(&pair.dates), dates: pair.dates.clone(), ..l })
        }
    };
    let (calm_state, stress_state) = match source {
        RegimeSource::Shocks => ("no-shock".to_string(), "shock".to_string()),
        _ => ("calm".to_string(), "stress".to_string()),
    };
    Ok(PairLabeling { labeling, calm_state, stress_state, warnings })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn source_names_round_trip_and_the_unknown_message_is_the_cli_s() {
        use RegimeSource as R;
        for s in [R::VixBands, R::Markov2, R::Markov3, R::Episodes, R::Shocks, R::Events, R::None] {
            assert_eq!(s.to_string().parse::<R>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(
            "moon".parse::<R>().unwrap_err().message,
            "unknown --regimes 'moon' (expected vix-bands, episodes, none)"
        );
    }
}
