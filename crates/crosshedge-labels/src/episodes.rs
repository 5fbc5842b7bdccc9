//! The catalogue of named shock episodes and the `episodes` labeling.
//!
//! The built-in catalogue ([`Catalogue::builtin`]) is the TOML file `src/episodes.toml`
//! embedded at compile time; each episode carries exact inclusive UTC start and end dates,
//! a one-line description and the public source its window rests on. A user catalogue in
//! the same format can extend or replace it ([`Catalogue::parse_toml`], [`Catalogue::extend`]).
//!
//! # Format
//! ```toml
//! [[episode]]
//! name = "terra-ust-2022"
//! start = "2022-05-07"      # inclusive, UTC
//! end = "2022-05-13"        # inclusive, UTC
//! category = "defi"         # optional
//! description = "..."
//! source = "..."
//! venue-default = "ftx"     # optional: a venue that failed in the window
//! venue-default-date = "2022-11-08"  # optional (default: start): when its balances were lost
//! ```
//!
//! A hedge layer placed on a failed venue (`venue = "ftx"` in the book) loses its margin and
//! unrealised P&L on that date and holds nothing afterwards.

use chrono::NaiveDate;
use crosshedge_core::regime::Labeling;
use serde::{Deserialize, Serialize};

use crate::bands::check_sorted;
use crate::LabelsError;

/// Name of the labeling built by [`Catalogue::labeling`].
pub const EPISODES_NAME: &str = "episodes";

const BUILTIN_TOML: &str = include_str!("episodes.toml");

/// A named shock episode with an inclusive UTC window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    /// Short kebab-case name, e.g. `ftx-2022`.
    pub name: String,
    /// First day of the window (inclusive, UTC).
    pub start: NaiveDate,
    /// Last day of the window (inclusive, UTC).
    pub end: NaiveDate,
    /// Free category: `crypto`, `defi`, `macro`, `vol`, ...
    pub category: String,
    /// One-line description.
    pub description: String,
    /// The public source the window rests on, and which dates it supports.
    pub source: String,
    /// A trading venue that failed in the episode: hedges held on it lose their margin and
    /// unrealised P&L on its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_default: Option<VenueDefault>,
}

/// A venue failure: from `date` on, the venue pays nothing back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueDefault {
    /// The venue's name as layers name it (`venue = "ftx"`), lower case.
    pub venue: String,
    /// The day balances were lost (withdrawals halted), inside the episode's window.
    pub date: NaiveDate,
}

impl Episode {
    /// True when `date` is inside the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
    /// Window length in calendar days (both ends inclusive).
    pub fn len_days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEpisode {
    name: String,
    start: String,
    end: String,
    #[serde(default)]
    category: String,
    description: String,
    source: String,
    #[serde(default, rename = "venue-default")]
    venue_default: Option<String>,
    #[serde(default, rename = "venue-default-date")]
    venue_default_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    #[serde(default)]
    episode: Vec<RawEpisode>,
}

/// Longest parser message or reason (in characters) in a catalogue error, and longest
/// episode name echoed in one, so that every error stays one line under ~300 characters.
const MAX_MESSAGE_CHARS: usize = 200;
const MAX_NAME_CHARS: usize = 60;

use crosshedge_core::text::{line_column, one_line};

/// An ordered list of episodes with unique names.
///
/// # Invariants
/// Names are unique and non-empty; `start <= end` for every episode. Episodes may overlap
/// (user catalogues); the labeling then gives a date to the episode listed first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    /// The episodes in catalogue order.
    pub episodes: Vec<Episode>,
}

impl Catalogue {
    /// The built-in catalogue (10 episodes from 2018 to 2025, chronological).
    ///
    /// # Panics
    /// Never in a released build: the embedded catalogue is checked by a unit test.
    pub fn builtin() -> Self {
        match Self::parse_toml(BUILTIN_TOML) {
            Ok(c) => c,
            Err(e) => panic!("built-in episode catalogue is invalid: {e}"),
        }
    }

    /// The embedded TOML text of the built-in catalogue (for `--print-catalogue` and docs).
    pub fn builtin_toml() -> &'static str {
        BUILTIN_TOML
    }

    /// Parses a catalogue from TOML text (format in the module docs).
    ///
    /// # Errors
    /// [`LabelsError::Catalogue`] for malformed TOML (the message carries line and column);
    /// [`LabelsError::BadEpisode`] for a bad date, an empty name, `start > end` or a
    /// duplicate name.
    pub fn parse_toml(text: &str) -> Result<Self, LabelsError> {
        Self::parse_raw(text).map_err(|e| match e {
            LabelsError::BadEpisode { name, reason } => LabelsError::BadEpisode {
                name: one_line(&name, MAX_NAME_CHARS),
                reason: one_line(&reason, MAX_MESSAGE_CHARS),
            },
            other => other,
        })
    }

    fn parse_raw(text: &str) -> Result<Self, LabelsError> {
        let raw: RawCatalogue = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            LabelsError::Catalogue {
                message: format!(
                    "line {line}, column {column}: {}",
                    one_line(e.message(), MAX_MESSAGE_CHARS)
                ),
            }
        })?;
        let mut episodes = Vec::with_capacity(raw.episode.len());
        for r in raw.episode {
            let date = |s: &str, which: &str| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| LabelsError::BadEpisode {
                    name: r.name.clone(),
                    reason: format!("{which} date {s:?}: {e}"),
                })
            };
            let start = date(&r.start, "start")?;
            let end = date(&r.end, "end")?;
            let venue_default = match (&r.venue_default, &r.venue_default_date) {
                (None, None) => None,
                (None, Some(_)) => {
                    return Err(LabelsError::BadEpisode {
                        name: r.name.clone(),
                        reason: "venue-default-date without venue-default".into(),
                    })
                }
                (Some(v), d) => {
                    let ok = !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if !ok {
                        return Err(LabelsError::BadEpisode {
                            name: r.name.clone(),
                            reason: format!(
                                "venue-default {v:?}: must be a lower-case name of letters, digits and '-'"
                            ),
                        });
                    }
                    let when = match d {
                        Some(d) => date(d, "venue-default")?,
                        None => start,
                    };
                    if when < start || when > end {
                        return Err(LabelsError::BadEpisode {
                            name: r.name.clone(),
                            reason: format!(
                                "venue-default-date {when} outside the window {start}..{end}"
                            ),
                        });
                    }
                    Some(VenueDefault { venue: v.clone(), date: when })
                }
            };
            episodes.push(Episode {
                name: r.name.clone(),
                start,
                end,
                category: r.category,
                description: r.description,
                source: r.source,
                venue_default,
            });
        }
        let c = Self { episodes };
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), LabelsError> {
        for (i, e) in self.episodes.iter().enumerate() {
            if e.name.trim().is_empty() {
                return Err(LabelsError::BadEpisode {
                    name: e.name.clone(),
                    reason: "empty name".into(),
                });
            }
            if e.start > e.end {
                return Err(LabelsError::BadEpisode {
                    name: e.name.clone(),
                    reason: format!("start {} after end {}", e.start, e.end),
                });
            }
            if self.episodes[..i].iter().any(|o| o.name == e.name) {
                return Err(LabelsError::BadEpisode {
                    name: e.name.clone(),
                    reason: "duplicate name".into(),
                });
            }
        }
        Ok(())
    }

    /// Adds the episodes of `other`; an episode with a name already present replaces it in
    /// place, new names are appended.
    pub fn extend(&mut self, other: Catalogue) {
        for e in other.episodes {
            match self.episodes.iter_mut().find(|x| x.name == e.name) {
                Some(slot) => *slot = e,
                None => self.episodes.push(e),
            }
        }
    }

    /// The episode named `name`.
    ///
    /// # Errors
    /// [`LabelsError::UnknownEpisode`] listing the known names.
    pub fn get(&self, name: &str) -> Result<&Episode, LabelsError> {
        self.episodes.iter().find(|e| e.name == name).ok_or_else(|| LabelsError::UnknownEpisode {
            name: name.to_string(),
            known: self.names().join(", "),
        })
    }

    /// Episode names in catalogue order.
    pub fn names(&self) -> Vec<&str> {
        self.episodes.iter().map(|e| e.name.as_str()).collect()
    }

    /// The episodes whose window contains `date`.
    pub fn containing(&self, date: NaiveDate) -> Vec<&Episode> {
        self.episodes.iter().filter(|e| e.contains(date)).collect()
    }

    /// The `episodes` labeling of `dates`: one state per episode (catalogue order), the date
    /// labelled with the first episode whose window contains it, `None` outside every episode.
    ///
    /// For a return panel pass the return end dates: a return is in an episode when it ends
    /// inside the window.
    ///
    /// # Errors
    /// [`LabelsError::Unsorted`] when `dates` is not strictly increasing.
    pub fn labeling(&self, dates: &[NaiveDate]) -> Result<Labeling, LabelsError> {
        check_sorted("episodes labeling dates", dates)?;
        let labels =
            dates.iter().map(|&d| self.episodes.iter().position(|e| e.contains(d))).collect();
        Ok(Labeling {
            name: EPISODES_NAME.to_string(),
            states: self.episodes.iter().map(|e| e.name.clone()).collect(),
            dates: dates.to_vec(),
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn builtin_catalogue_is_valid_and_complete() {
        let c = Catalogue::parse_toml(BUILTIN_TOML).unwrap();
        for must in
            ["covid-crash-2020", "terra-ust-2022", "celsius-3ac-2022", "ftx-2022", "usdc-svb-2023"]
        {
            let e = c.get(must).unwrap();
            assert!(!e.source.is_empty() && !e.description.is_empty(), "{must}");
        }
        // Chronological and non-overlapping.
        for w in c.episodes.windows(2) {
            assert!(w[0].end < w[1].start, "{} overlaps {}", w[0].name, w[1].name);
        }
        assert_eq!(c.get("usdc-svb-2023").unwrap().start, d("2023-03-10"));
        assert_eq!(c.get("ftx-2022").unwrap().len_days(), 6);
    }

    #[test]
    fn episodes_labeling_and_lookup() {
        let c = Catalogue::builtin();
        let dates =
            [d("2022-05-06"), d("2022-05-07"), d("2022-05-13"), d("2022-05-14"), d("2022-11-08")];
        let l = c.labeling(&dates).unwrap();
        let terra = l.state_index("terra-ust-2022").unwrap();
        let ftx = l.state_index("ftx-2022").unwrap();
        assert_eq!(l.labels, vec![None, Some(terra), Some(terra), None, Some(ftx)]);
        assert!(matches!(c.get("nope"), Err(LabelsError::UnknownEpisode { .. })));
        assert_eq!(c.containing(d("2023-03-11"))[0].name, "usdc-svb-2023");
    }

    #[test]
    fn user_catalogue_extends_and_reports_errors() {
        let mut c = Catalogue::builtin();
        let n = c.episodes.len();
        let user = Catalogue::parse_toml(
            "[[episode]]\nname = \"ftx-2022\"\nstart = \"2022-11-02\"\nend = \"2022-11-14\"\ndescription = \"x\"\nsource = \"y\"\n\
             [[episode]]\nname = \"mine\"\nstart = \"2019-06-26\"\nend = \"2019-06-27\"\ndescription = \"x\"\nsource = \"y\"\n",
        )
        .unwrap();
        c.extend(user);
        assert_eq!(c.episodes.len(), n + 1);
        assert_eq!(c.get("ftx-2022").unwrap().start, d("2022-11-02"));
        let bad = Catalogue::parse_toml("[[episode]]\nname = \"a\"\nstart = \"2022-13-01\"\nend = \"2022-11-14\"\ndescription = \"\"\nsource = \"\"\n");
        assert!(matches!(bad, Err(LabelsError::BadEpisode { .. })));
        let bad = Catalogue::parse_toml("[[episode]]\nname = \"a\"\nstart = \"2022-12-01\"\nend = \"2022-11-14\"\ndescription = \"\"\nsource = \"\"\n");
        assert!(matches!(bad, Err(LabelsError::BadEpisode { .. })));
        let bad = Catalogue::parse_toml("[[episode]]\nname = \"a\"\nstart = \n");
        match bad {
            Err(LabelsError::Catalogue { message }) => {
                assert!(message.contains("line"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// Found by the `episodes_toml` fuzz target (fuzz/artifacts/episodes_toml/crash-ff8083d5...):
    /// a header broken over two lines gave the toml crate's multi-line report.
    #[test]
    fn fuzz_episodes_toml_broken_header_is_a_one_line_error_with_line_and_column() {
        let text = "[[episoe\nd]]name = \"ftx-2022\"\nstart = \"2022-11-06\"\nend = \"2022-11-21\"\ncategory = \"crypto\"\ndescription = \"FTX collapse\"\nsource = \"hand-made seed\"\n";
        let e = Catalogue::parse_toml(text).unwrap_err().to_string();
        assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
        assert!(e.chars().count() < 300, "{e:?}");
        assert!(e.starts_with("episode catalogue: line 1, column 9: "), "{e}");
    }

    /// An episode name with a line break and 1,000 characters is echoed on one short line.
    #[test]
    fn long_multi_line_episode_name_gives_a_short_one_line_error() {
        let text = format!(
            "[[episode]]\nname = \"a\\nb{}\"\nstart = \"2022-12-01\"\nend = \"2022-11-14\"\ndescription = \"\"\nsource = \"\"\n",
            "x".repeat(1000)
        );
        let e = Catalogue::parse_toml(&text).unwrap_err().to_string();
        assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
        assert!(e.chars().count() < 300, "{} chars: {e:?}", e.chars().count());
        assert!(e.starts_with("episode a; bxx"), "{e}");
        assert!(e.ends_with(": start 2022-12-01 after end 2022-11-14"), "{e}");
    }
}

#[cfg(test)]
mod venue_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_builtin_ftx_episode_names_the_failed_venue() {
        let c = Catalogue::builtin();
        let ftx = c.get("ftx-2022").unwrap();
        let d = ftx.venue_default.as_ref().unwrap();
        assert_eq!(d.venue, "ftx");
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2022, 11, 8).unwrap());
        assert_eq!(c.episodes.iter().filter(|e| e.venue_default.is_some()).count(), 1);
    }

    #[test]
    fn a_venue_default_outside_the_window_or_malformed_is_refused() {
        let base = "[[episode]]\nname = \"x\"\nstart = \"2022-01-01\"\nend = \"2022-01-05\"\ndescription = \"d\"\nsource = \"s\"\n";
        let ok = format!("{base}venue-default = \"abc\"\n");
        let c = Catalogue::parse_toml(&ok).unwrap();
        assert_eq!(c.episodes[0].venue_default.as_ref().unwrap().date.to_string(), "2022-01-01");
        let late = format!("{base}venue-default = \"abc\"\nvenue-default-date = \"2022-02-01\"\n");
        assert!(Catalogue::parse_toml(&late)
            .unwrap_err()
            .to_string()
            .contains("outside the window"));
        let bad = format!("{base}venue-default = \"A B\"\n");
        assert!(Catalogue::parse_toml(&bad).unwrap_err().to_string().contains("lower-case"));
        let orphan = format!("{base}venue-default-date = \"2022-01-02\"\n");
        assert!(Catalogue::parse_toml(&orphan).is_err());
    }
}
