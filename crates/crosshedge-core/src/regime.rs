//! Regime labelings: a per-date assignment of rows to named regimes (VIX bands, shock episodes,
//! Markov states, event windows). Every statistic can be computed per regime through this one type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A labeling of dates with regimes.
///
/// `labels[i]` is the index into `states` of the regime on `dates[i]`, or `None` when the date
/// belongs to no regime of this labeling (outside every episode, say).
///
/// # Invariants
/// `dates` strictly increasing, `dates.len() == labels.len()`, every label `< states.len()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Labeling {
    /// The labeling's name, e.g. `vix-bands`.
    pub name: String,
    /// Regime names in a stable order, e.g. `["calm", "normal", "stress"]`.
    pub states: Vec<String>,
    /// Labelled dates.
    pub dates: Vec<NaiveDate>,
    /// The regime of each date.
    pub labels: Vec<Option<usize>>,
}

impl Labeling {
    /// The regime label on `date`, if the date is labelled.
    pub fn label_on(&self, date: NaiveDate) -> Option<usize> {
        self.dates.binary_search(&date).ok().and_then(|i| self.labels[i])
    }

    /// Labels for each of `dates` (e.g. the end dates of a [`crate::align::ReturnPanel`]).
    pub fn labels_for(&self, dates: &[NaiveDate]) -> Vec<Option<usize>> {
        dates.iter().map(|d| self.label_on(*d)).collect()
    }

    /// The index of the state named `name`.
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s == name)
    }
}

/// State names of the VIX-band labeling, in [`Band::index`] order.
pub const BAND_STATES: [&str; 3] = ["calm", "normal", "stress"];

/// A VIX band (DESIGN.md §4: calm < 15, normal 15–25, stress > 25 by default; the
/// thresholds are `crosshedge_labels::bands::BandConfig`'s).
///
/// The one definition shared by the labelings (`crosshedge_labels::bands::Band`) and the
/// hedge book (`crosshedge_hedging::Band`), which re-export it. Serialised in kebab case:
/// `"calm"`, `"normal"`, `"stress"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// VIX below the calm threshold (default 15).
    Calm,
    /// Between the thresholds (inclusive).
    Normal,
    /// VIX above the stress threshold (default 25).
    Stress,
}

impl Band {
    /// The state index in [`BAND_STATES`]: 0 calm, 1 normal, 2 stress.
    pub fn index(self) -> usize {
        match self {
            Self::Calm => 0,
            Self::Normal => 1,
            Self::Stress => 2,
        }
    }

    /// The state name (`"calm"`, `"normal"`, `"stress"`, as serialised).
    pub fn as_str(self) -> &'static str {
        BAND_STATES[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let l = Labeling {
            name: "vix-bands".into(),
            states: vec!["calm".into(), "stress".into()],
            dates: vec![d("2024-01-02"), d("2024-01-03")],
            labels: vec![Some(0), None],
        };
        assert_eq!(
            l.labels_for(&[d("2024-01-02"), d("2024-01-03"), d("2024-01-04")]),
            vec![Some(0), None, None]
        );
        assert_eq!(l.state_index("stress"), Some(1));
    }

    #[test]
    fn bands_index_name_and_serialise_in_kebab_case() {
        for (i, b) in [Band::Calm, Band::Normal, Band::Stress].into_iter().enumerate() {
            assert_eq!(b.index(), i);
            assert_eq!(b.as_str(), BAND_STATES[i]);
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{}\"", BAND_STATES[i]));
            assert_eq!(serde_json::from_str::<Band>(&format!("\"{}\"", b.as_str())).unwrap(), b);
        }
        assert!(Band::Calm < Band::Normal && Band::Normal < Band::Stress);
    }
}
