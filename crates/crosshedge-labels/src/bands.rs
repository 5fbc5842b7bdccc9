//! VIX bands: calm, normal and stress regimes from the previous day's VIX close.
//!
//! A return that ends on day `t` is labelled with the band of the last VIX close strictly
//! before `t` (normally VIX_{t−1}), so the label is known before the return happens and no
//! statistic computed per band looks ahead.

use chrono::NaiveDate;
use crosshedge_core::regime::Labeling;
use crosshedge_core::series::Series;
use serde::{Deserialize, Serialize};

use crate::LabelsError;

/// Name of the labeling built by [`vix_bands`].
pub const VIX_BANDS_NAME: &str = "vix-bands";
/// A VIX band and the labeling's state names in index order: the one definition in
/// `crosshedge-core`, also re-exported as `crosshedge_hedging::Band`.
pub use crosshedge_core::regime::{Band, BAND_STATES};

/// Thresholds of the VIX bands, in VIX points.
///
/// Without hysteresis a close `v` is calm when `v < calm_below`, stress when
/// `v > stress_above`, normal otherwise (both thresholds belong to normal).
///
/// With hysteresis (`stress_exit` and/or `calm_exit` set) the band depends on the previous
/// band: once in stress the VIX stays in stress while `v >= stress_exit` (enter above 25,
/// leave below 23, say); once calm it stays calm while `v <= calm_exit`. Otherwise the plain
/// rule applies. The first close uses the plain rule.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandConfig {
    /// Calm when the close is strictly below this (default 15).
    pub calm_below: f64,
    /// Stress when the close is strictly above this (default 25).
    pub stress_above: f64,
    /// Hysteresis: stay in stress while the close is at least this (must be `<= stress_above`).
    pub stress_exit: Option<f64>,
    /// Hysteresis: stay calm while the close is at most this (must be `>= calm_below`).
    pub calm_exit: Option<f64>,
    /// Oldest VIX close (calendar days before the labelled date) accepted by
    /// [`vix_bands_on`]; older means the date is unlabelled (default 7, covering long weekends
    /// and the 2001 and 2012 closures only partly, on purpose).
    pub max_age_days: i64,
}

impl Default for BandConfig {
    fn default() -> Self {
        Self {
            calm_below: 15.0,
            stress_above: 25.0,
            stress_exit: None,
            calm_exit: None,
            max_age_days: 7,
        }
    }
}

impl BandConfig {
    /// Checks the thresholds.
    ///
    /// # Errors
    /// [`LabelsError::InvalidConfig`] when a threshold is not finite, `calm_below >= stress_above`,
    /// an exit threshold is on the wrong side of its entry threshold, or `max_age_days < 1`.
    pub fn validate(&self) -> Result<(), LabelsError> {
        let bad = |what, value: f64, expected| LabelsError::InvalidConfig {
            what,
            value: value.to_string(),
            expected,
        };
        if !self.calm_below.is_finite() || !self.stress_above.is_finite() {
            return Err(bad("band thresholds", f64::NAN, "finite values"));
        }
        if self.calm_below >= self.stress_above {
            return Err(bad("calm_below", self.calm_below, "below stress_above"));
        }
        if let Some(x) = self.stress_exit {
            if !x.is_finite() || x > self.stress_above || x <= self.calm_below {
                return Err(bad("stress_exit", x, "in (calm_below, stress_above]"));
            }
        }
        if let Some(x) = self.calm_exit {
            if !x.is_finite() || x < self.calm_below || x >= self.stress_above {
                return Err(bad("calm_exit", x, "in [calm_below, stress_above)"));
            }
        }
        if self.max_age_days < 1 {
            return Err(bad("max_age_days", self.max_age_days as f64, "at least 1"));
        }
        Ok(())
    }

    /// The band of close `v` given the previous band (ignored without hysteresis).
    pub fn classify(&self, v: f64, prev: Option<Band>) -> Band {
        match (prev, self.stress_exit, self.calm_exit) {
            (Some(Band::Stress), Some(exit), _) if v >= exit => return Band::Stress,
            (Some(Band::Calm), _, Some(exit)) if v <= exit => return Band::Calm,
            _ => {}
        }
        if v < self.calm_below {
            Band::Calm
        } else if v > self.stress_above {
            Band::Stress
        } else {
            Band::Normal
        }
    }
}

/// The band of each VIX close, on the close's own date (hysteresis runs along the closes).
///
/// This is the band *observed at* each close; [`vix_bands`] shifts it by one day.
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for a bad configuration.
pub fn bands_of_closes(vix: &Series, cfg: &BandConfig) -> Result<Vec<Band>, LabelsError> {
    cfg.validate()?;
    let mut prev = None;
    Ok(vix
        .values()
        .iter()
        .map(|&v| {
            let b = cfg.classify(v, prev);
            prev = Some(b);
            b
        })
        .collect())
}

/// Share of days and spell statistics of one band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandStats {
    /// Band name.
    pub band: String,
    /// Number of labelled dates in the band.
    pub n_days: usize,
    /// `n_days` / number of labelled dates (decimal).
    pub share: f64,
    /// Number of maximal runs of consecutive labelled dates in the band.
    pub n_spells: usize,
    /// Mean spell length in labelled dates; `None` when the band never occurs.
    pub mean_spell_days: Option<f64>,
    /// Longest spell in labelled dates.
    pub max_spell_days: usize,
}

/// The `vix-bands` labeling with its summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VixBands {
    /// The labeling (`vix-bands`, states `calm`, `normal`, `stress`).
    pub labeling: Labeling,
    /// The configuration used.
    pub config: BandConfig,
    /// One entry per band, in state order.
    pub stats: Vec<BandStats>,
    /// The band of the last VIX close (the band the next day will be labelled with).
    pub current: Option<Band>,
}

/// The `vix-bands` labeling on the VIX's own dates: `dates[i]` (i ≥ 1) gets the band of the
/// close on `dates[i-1]`. The first VIX date is dropped (it has no previous close).
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for a bad configuration; [`LabelsError::TooShort`] with
/// fewer than two closes.
pub fn vix_bands(vix: &Series, cfg: &BandConfig) -> Result<VixBands, LabelsError> {
    if vix.len() < 2 {
        return Err(LabelsError::TooShort { what: "vix bands", needed: 2, got: vix.len() });
    }
    let bands = bands_of_closes(vix, cfg)?;
    let dates = vix.dates()[1..].to_vec();
    let labels = bands[..bands.len() - 1].iter().map(|b| Some(b.index())).collect();
    Ok(finish(dates, labels, cfg, bands.last().copied()))
}

/// The `vix-bands` labeling on arbitrary `dates` (return end dates of a panel, crypto days):
/// each date gets the band of the last VIX close strictly before it, when that close is at
/// most `cfg.max_age_days` old; otherwise the date is unlabelled.
///
/// # Errors
/// [`LabelsError::InvalidConfig`] for a bad configuration; [`LabelsError::Unsorted`] when
/// `dates` is not strictly increasing; [`LabelsError::TooShort`] for an empty VIX.
pub fn vix_bands_on(
    vix: &Series,
    dates: &[NaiveDate],
    cfg: &BandConfig,
) -> Result<VixBands, LabelsError> {
    if vix.is_empty() {
        return Err(LabelsError::TooShort { what: "vix bands", needed: 1, got: 0 });
    }
    check_sorted("vix bands dates", dates)?;
    let bands = bands_of_closes(vix, cfg)?;
    let vd = vix.dates();
    let labels = dates
        .iter()
        .map(|&d| {
            let k = vd.partition_point(|x| *x < d);
            if k == 0 {
                return None;
            }
            let age = (d - vd[k - 1]).num_days();
            (age <= cfg.max_age_days).then(|| bands[k - 1].index())
        })
        .collect();
    Ok(finish(dates.to_vec(), labels, cfg, bands.last().copied()))
}

/// The `vix-bands` labeling of return intervals `(starts[i], ends[i]]`: each row gets the band
/// of the last VIX close on or before the interval's *start*, when that close is at most
/// `cfg.max_age_days` before the start; otherwise the row is unlabelled. The labeling's dates
/// are the end dates (the rows of a [`crosshedge_core::align::ReturnPanel`]).
///
/// This is the label that does not look into the return it labels: a `weekly` row (Wednesday
/// to Wednesday) is labelled by the first Wednesday's close, not by the Tuesday's inside the
/// week, and a row of an illiquid series spanning several days by the close before its first
/// day. For one-day rows (`us-close`, `crypto-days`) it equals [`vix_bands_on`] on the ends.
///
/// # Errors
/// As [`vix_bands_on`]; [`LabelsError::LengthMismatch`] when `starts` and `ends` differ in
/// length; [`LabelsError::InvalidConfig`] when a start is not before its end.
pub fn vix_bands_over(
    vix: &Series,
    starts: &[NaiveDate],
    ends: &[NaiveDate],
    cfg: &BandConfig,
) -> Result<VixBands, LabelsError> {
    if vix.is_empty() {
        return Err(LabelsError::TooShort { what: "vix bands", needed: 1, got: 0 });
    }
    if starts.len() != ends.len() {
        return Err(LabelsError::LengthMismatch {
            what: "vix bands interval starts and ends",
            left: starts.len(),
            right: ends.len(),
        });
    }
    if let Some((s, e)) = starts.iter().zip(ends).find(|(s, e)| s >= e) {
        return Err(LabelsError::InvalidConfig {
            what: "vix bands interval",
            value: format!("{s} .. {e}"),
            expected: "a start before its end",
        });
    }
    check_sorted("vix bands dates", ends)?;
    let bands = bands_of_closes(vix, cfg)?;
    let vd = vix.dates();
    let labels = starts
        .iter()
        .map(|&d| {
            let k = vd.partition_point(|x| *x <= d);
            if k == 0 {
                return None;
            }
            let age = (d - vd[k - 1]).num_days();
            (age <= cfg.max_age_days).then(|| bands[k - 1].index())
        })
        .collect();
    Ok(finish(ends.to_vec(), labels, cfg, bands.last().copied()))
}

fn finish(
    dates: Vec<NaiveDate>,
    labels: Vec<Option<usize>>,
    cfg: &BandConfig,
    current: Option<Band>,
) -> VixBands {
    let labeling = Labeling {
        name: VIX_BANDS_NAME.to_string(),
        states: BAND_STATES.iter().map(|s| s.to_string()).collect(),
        dates,
        labels,
    };
    let stats = labeling_stats(&labeling);
    VixBands { labeling, config: *cfg, stats, current }
}

/// Share of labelled dates and spell statistics for every state of a labeling.
///
/// A spell is a maximal run of consecutive labelled dates with the same state; an
/// unlabelled date ends a spell.
pub fn labeling_stats(l: &Labeling) -> Vec<BandStats> {
    let k = l.states.len();
    let mut n = vec![0usize; k];
    let mut spells = vec![0usize; k];
    let mut max_spell = vec![0usize; k];
    let mut run: Option<(usize, usize)> = None;
    for lab in &l.labels {
        match (*lab, run) {
            (Some(s), Some((rs, len))) if rs == s => run = Some((s, len + 1)),
            (Some(s), _) => {
                if let Some((rs, len)) = run {
                    max_spell[rs] = max_spell[rs].max(len);
                }
                spells[s] += 1;
                run = Some((s, 1));
            }
            (None, _) => {
                if let Some((rs, len)) = run {
                    max_spell[rs] = max_spell[rs].max(len);
                }
                run = None;
            }
        }
        if let Some(s) = *lab {
            n[s] += 1;
        }
    }
    if let Some((rs, len)) = run {
        max_spell[rs] = max_spell[rs].max(len);
    }
    let total: usize = n.iter().sum();
    (0..k)
        .map(|s| BandStats {
            band: l.states[s].clone(),
            n_days: n[s],
            share: if total > 0 { n[s] as f64 / total as f64 } else { 0.0 },
            n_spells: spells[s],
            mean_spell_days: (spells[s] > 0).then(|| n[s] as f64 / spells[s] as f64),
            max_spell_days: max_spell[s],
        })
        .collect()
}

pub(crate) fn check_sorted(what: &'static str, dates: &[NaiveDate]) -> Result<(), LabelsError> {
    for w in dates.windows(2) {
        if w[1] <= w[0] {
            return Err(LabelsError::Unsorted { what, date: w[1] });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosshedge_core::calendar::Calendar;
    use crosshedge_core::units::SeriesUnit;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn vix(values: &[f64]) -> Series {
        let start = d("2024-01-01");
        let dates = (0..values.len()).map(|i| start + chrono::Duration::days(i as i64)).collect();
        Series::new("vix", Calendar::Us, SeriesUnit::IndexLevel, dates, values.to_vec()).unwrap()
    }

    #[test]
    fn bands_use_previous_close() {
        let v = vix(&[14.0, 15.0, 25.0, 25.5, 20.0, 12.0]);
        let b = vix_bands(&v, &BandConfig::default()).unwrap();
        assert_eq!(b.labeling.dates[0], d("2024-01-02"));
        // Day 2 gets the band of 14 (calm); 15 and 25 are normal; 25.5 stress.
        assert_eq!(b.labeling.labels, vec![Some(0), Some(1), Some(1), Some(2), Some(1)]);
        assert_eq!(b.current, Some(Band::Calm));
        assert_eq!(b.stats[1].n_days, 3);
        assert_eq!(b.stats[1].n_spells, 2);
        assert!((b.stats[1].share - 0.6).abs() < 1e-15);
        assert_eq!(b.stats[1].mean_spell_days, Some(1.5));
        assert_eq!(b.stats[2].max_spell_days, 1);
    }

    #[test]
    fn bands_hysteresis() {
        let cfg =
            BandConfig { stress_exit: Some(23.0), calm_exit: Some(16.0), ..Default::default() };
        let v = vix(&[26.0, 24.0, 23.0, 22.9, 14.0, 15.9, 16.1]);
        let b = bands_of_closes(&v, &cfg).unwrap();
        use Band::*;
        assert_eq!(b, vec![Stress, Stress, Stress, Normal, Calm, Calm, Normal]);
        let plain = bands_of_closes(&v, &BandConfig::default()).unwrap();
        assert_eq!(plain, vec![Stress, Normal, Normal, Normal, Calm, Normal, Normal]);
    }

    #[test]
    fn bands_over_intervals_use_the_close_at_the_start() {
        // Daily closes from Mon 2024-01-01: calm, calm, stress (Wed 3rd), stress, ... A weekly
        // row Wed 3rd -> Wed 10th starts in stress; a row labelled by the close before its end
        // (Tue 9th, calm) would look into the week it labels.
        let v = vix(&[14.0, 14.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 12.0, 12.0]);
        let starts = [d("2024-01-01"), d("2024-01-03")];
        let ends = [d("2024-01-03"), d("2024-01-10")];
        let over = vix_bands_over(&v, &starts, &ends, &BandConfig::default()).unwrap();
        assert_eq!(over.labeling.dates, ends.to_vec());
        assert_eq!(over.labeling.labels, vec![Some(0), Some(2)]);
        let on = vix_bands_on(&v, &ends, &BandConfig::default()).unwrap();
        assert_eq!(on.labeling.labels, vec![Some(0), Some(0)]);
        // One-day rows: the same as labelling by the close before the end.
        let ends: Vec<_> = v.dates()[1..].to_vec();
        let starts: Vec<_> = v.dates()[..v.len() - 1].to_vec();
        let over = vix_bands_over(&v, &starts, &ends, &BandConfig::default()).unwrap();
        let on = vix_bands_on(&v, &ends, &BandConfig::default()).unwrap();
        assert_eq!(over.labeling, on.labeling);
        // A start with no close at or before it is unlabelled; bad intervals are refused.
        let over =
            vix_bands_over(&v, &[d("2023-12-30")], &[d("2024-01-02")], &BandConfig::default())
                .unwrap();
        assert_eq!(over.labeling.labels, vec![None]);
        assert!(vix_bands_over(&v, &[d("2024-01-02")], &[d("2024-01-02")], &BandConfig::default())
            .is_err());
        assert!(vix_bands_over(&v, &[], &[d("2024-01-02")], &BandConfig::default()).is_err());
    }

    #[test]
    fn bands_config_rejected() {
        let bad = BandConfig { calm_below: 30.0, ..Default::default() };
        assert!(matches!(bad.validate(), Err(LabelsError::InvalidConfig { .. })));
        let bad = BandConfig { stress_exit: Some(26.0), ..Default::default() };
        assert!(bad.validate().is_err());
        let bad = BandConfig { calm_exit: Some(14.0), ..Default::default() };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn bands_on_crypto_days() {
        // VIX on Fri 2024-01-05 and Mon 2024-01-08; crypto every day.
        let v = Series::new(
            "vix",
            Calendar::Us,
            SeriesUnit::IndexLevel,
            vec![d("2024-01-05"), d("2024-01-08")],
            vec![30.0, 12.0],
        )
        .unwrap();
        let dates: Vec<_> =
            ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-20"]
                .iter()
                .map(|s| d(s))
                .collect();
        let b = vix_bands_on(&v, &dates, &BandConfig::default()).unwrap();
        // Friday itself has no earlier close; Sat–Mon use Friday's 30; Tuesday uses Monday's 12;
        // 2024-01-20 is 12 days after the last close: unlabelled.
        assert_eq!(b.labeling.labels, vec![None, Some(2), Some(2), Some(2), Some(0), None]);
        assert!(
            vix_bands_on(&v, &[d("2024-01-09"), d("2024-01-08")], &BandConfig::default()).is_err()
        );
    }
}
