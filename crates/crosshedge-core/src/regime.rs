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
}
