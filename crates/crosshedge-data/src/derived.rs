//! Series derived from other series of the same manifest, imported like a file.
//!
//! The real data has no daily NFT index in USD: its NFT floors are sales-based and quoted in
//! ETH (`punks`, the CryptoPunks 10th-percentile sale of the day). A `[[derived]]` entry of a
//! manifest builds one from the manifest's own series:
//!
//! ```text
//! x_d = Π_k s_k(d)                       on the dates every input has a value (product)
//! x_d = chain-linked s_1, s_2, …          (chain: s_1 on its dates; after its last date,
//!                                           s_1(L) · s_2(d) / s_2(L) with L the last date
//!                                           both have; then s_3 onto that, and so on)
//! y_d = median { x_e : d − N < e ≤ d }   over the trailing N calendar days (rolling median)
//! ```
//!
//! Chain-linking is how an index continues when its constituent changes: the level carries
//! over at the link date and the new constituent's returns drive it afterwards.
//!
//! The rolling median (optional) removes the composition noise of a sales-based floor (which
//! items happened to trade that day) the way floor indices smooth their prints; its output is
//! dated on the product's dates only, so days without a print stay without one and the
//! models' stale-mark treatment applies. The median of an even count is the mean of the two
//! middle values.
//!
//! A derived series is recorded as an import whose file is its formula and whose SHA-256
//! covers the formula and the SHA-256 of every input file, so its provenance is as exact as
//! a file's.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use serde::Deserialize;

use crate::import::{sha256_hex, ParsedImport, ParsedSeries};
use crate::DataError;

/// One `[[derived]]` entry of a manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DerivedSpec {
    /// Name of the new series.
    pub name: String,
    /// Input series multiplied on their common dates.
    #[serde(default)]
    pub product: Vec<String>,
    /// Input series chain-linked in order (instead of `product`).
    #[serde(default)]
    pub chain: Vec<String>,
    /// Trailing window of the rolling median, in calendar days (none: no smoothing).
    #[serde(default)]
    pub rolling_median_days: Option<u32>,
    /// Unit of the result (default `index-level`).
    #[serde(default)]
    pub unit: Option<String>,
}

impl DerivedSpec {
    /// The input series, in order.
    pub fn inputs(&self) -> &[String] {
        if self.chain.is_empty() {
            &self.product
        } else {
            &self.chain
        }
    }

    /// The formula as recorded in the store, e.g. `median7d(punks × eth)`.
    pub fn formula(&self) -> String {
        let prod = if self.chain.is_empty() {
            self.product.join(" × ")
        } else {
            format!("chain({})", self.chain.join(", "))
        };
        match self.rolling_median_days {
            Some(n) => format!("derived: {} = median{n}d({prod})", self.name),
            None => format!("derived: {} = {prod}", self.name),
        }
    }

    /// Checks the entry.
    ///
    /// # Errors
    /// [`DataError::Request`] for an empty name or product, a zero window or an unknown unit.
    pub fn validate(&self) -> Result<SeriesUnit, DataError> {
        let bad = |m: String| DataError::Request(format!("[[derived]] {}: {m}", self.name));
        if self.name.trim().is_empty() {
            return Err(DataError::Request("[[derived]]: empty name".into()));
        }
        if self.product.is_empty() == self.chain.is_empty() {
            return Err(bad(
                "give exactly one of `product` and `chain`, with at least one series".into()
            ));
        }
        if self.rolling_median_days == Some(0) {
            return Err(bad("`rolling-median-days` must be at least 1".into()));
        }
        self.unit.as_deref().unwrap_or("index-level").parse().map_err(|e| bad(format!("{e}")))
    }
}

/// Median of a non-empty slice (sorted copy; the mean of the middle pair for even counts).
fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        0.5 * (s[m - 1] + s[m])
    }
}

/// The product of `inputs` on the dates all of them have.
fn product(inputs: &[&Series]) -> Vec<(NaiveDate, f64)> {
    let mut acc: BTreeMap<NaiveDate, (f64, usize)> = BTreeMap::new();
    for s in inputs {
        for (d, v) in s.dates().iter().zip(s.values()) {
            let e = acc.entry(*d).or_insert((1.0, 0));
            e.0 *= v;
            e.1 += 1;
        }
    }
    acc.into_iter().filter(|(_, (_, k))| *k == inputs.len()).map(|(d, (v, _))| (d, v)).collect()
}

/// `inputs` chain-linked in order (see the module docs).
fn chain(spec: &DerivedSpec, inputs: &[&Series]) -> Result<Vec<(NaiveDate, f64)>, DataError> {
    let mut out: Vec<(NaiveDate, f64)> =
        inputs[0].dates().iter().copied().zip(inputs[0].values().iter().copied()).collect();
    for (k, next) in inputs.iter().enumerate().skip(1) {
        let Some(&(last, _)) = out.last() else { break };
        let ours: BTreeMap<NaiveDate, f64> = out.iter().copied().collect();
        // The link: the last date up to the chain's end that both have.
        let link = next
            .dates()
            .iter()
            .zip(next.values())
            .rev()
            .find(|(d, _)| **d <= last && ours.contains_key(d))
            .map(|(d, v)| (*d, *v));
        let Some((at, base)) = link else {
            return Err(DataError::Request(format!(
                "[[derived]] {}: {} and {} have no date in common to link on",
                spec.name,
                spec.chain[k - 1],
                spec.chain[k]
            )));
        };
        let scale = ours[&at] / base;
        out.extend(
            next.dates()
                .iter()
                .zip(next.values())
                .filter(|(d, _)| **d > last)
                .map(|(d, v)| (*d, scale * v)),
        );
    }
    Ok(out)
}

/// The derived series of `spec` from `inputs` (in the order of `spec.product`).
///
/// # Errors
/// [`DataError::Request`] for an invalid spec, a wrong number of inputs, no common date, or a
/// result that breaks the unit's invariants (e.g. a non-positive level).
pub fn derive(spec: &DerivedSpec, inputs: &[&Series]) -> Result<Series, DataError> {
    let unit = spec.validate()?;
    if inputs.len() != spec.inputs().len() {
        return Err(DataError::Request(format!(
            "[[derived]] {}: {} inputs for {} series",
            spec.name,
            inputs.len(),
            spec.inputs().len()
        )));
    }
    let common = if spec.chain.is_empty() { product(inputs) } else { chain(spec, inputs)? };
    if common.is_empty() {
        return Err(DataError::Request(format!(
            "[[derived]] {}: the series {} have no date in common",
            spec.name,
            spec.inputs().join(", ")
        )));
    }
    let values: Vec<f64> = match spec.rolling_median_days {
        None => common.iter().map(|p| p.1).collect(),
        Some(n) => {
            let mut out = Vec::with_capacity(common.len());
            let mut start = 0;
            for (i, (d, _)) in common.iter().enumerate() {
                let first = *d - Duration::days(i64::from(n) - 1);
                while common[start].0 < first {
                    start += 1;
                }
                let window: Vec<f64> = common[start..=i].iter().map(|p| p.1).collect();
                out.push(median(&window));
            }
            out
        }
    };
    let dates = common.iter().map(|p| p.0).collect();
    Series::new(spec.name.clone(), inputs[0].calendar, unit, dates, values)
        .map_err(|e| DataError::Request(format!("[[derived]] {}: {e}", spec.name)))
}

/// The derived series as an import: file = the formula, SHA-256 over the formula and the
/// input files' SHA-256s (in product order), rows = the series length.
///
/// # Errors
/// As [`derive()`].
pub fn derived_import(
    spec: &DerivedSpec,
    inputs: &[(&Series, &str)],
) -> Result<ParsedImport, DataError> {
    let series: Vec<&Series> = inputs.iter().map(|(s, _)| *s).collect();
    let out = derive(spec, &series)?;
    let mut text = spec.formula();
    for (s, sha) in inputs {
        text.push('\n');
        text.push_str(&s.name);
        text.push(' ');
        text.push_str(sha);
    }
    let n = out.len();
    Ok(ParsedImport {
        file: spec.formula(),
        sha256: sha256_hex(text.as_bytes()),
        rows: n as u64,
        series: vec![ParsedSeries {
            column: spec.formula(),
            column_number: 0,
            series: out,
            lines: vec![0; n],
        }],
        warnings: Vec::new(),
        scale: std::collections::BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crosshedge_core::calendar::Calendar;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn series(name: &str, pts: &[(&str, f64)]) -> Series {
        Series::new(
            name,
            Calendar::Crypto,
            SeriesUnit::IndexLevel,
            pts.iter().map(|p| d(p.0)).collect(),
            pts.iter().map(|p| p.1).collect(),
        )
        .unwrap()
    }

    fn spec(days: Option<u32>) -> DerivedSpec {
        DerivedSpec {
            name: "nft".into(),
            product: vec!["punks".into(), "eth".into()],
            chain: Vec::new(),
            rolling_median_days: days,
            unit: None,
        }
    }

    #[test]
    fn product_on_common_dates_and_trailing_median_by_hand() {
        let punks = series(
            "punks",
            &[
                ("2021-01-01", 10.0),
                ("2021-01-03", 30.0),
                ("2021-01-04", 20.0),
                ("2021-01-09", 40.0),
            ],
        );
        let eth = series(
            "eth",
            &[
                ("2021-01-01", 2.0),
                ("2021-01-02", 2.0),
                ("2021-01-03", 1.0),
                ("2021-01-04", 4.0),
                ("2021-01-09", 0.5),
            ],
        );
        let p = derive(&spec(None), &[&punks, &eth]).unwrap();
        assert_eq!(p.values(), &[20.0, 30.0, 80.0, 20.0]);
        assert_eq!(p.dates()[3], d("2021-01-09"));
        // 3-day window: {20}, {20, 30} (01-01 is within 01-03 − 2), {30, 80}, {20}.
        let m = derive(&spec(Some(3)), &[&punks, &eth]).unwrap();
        assert_eq!(m.values(), &[20.0, 25.0, 55.0, 20.0]);
        assert_eq!(m.name, "nft");
        assert_eq!(m.unit, SeriesUnit::IndexLevel);
    }

    #[test]
    fn bad_specs_and_disjoint_inputs_are_errors() {
        let a = series("punks", &[("2021-01-01", 1.0)]);
        let b = series("eth", &[("2021-01-02", 1.0)]);
        let e = derive(&spec(None), &[&a, &b]).unwrap_err().to_string();
        assert!(e.contains("no date in common"), "{e}");
        assert!(derive(&spec(Some(0)), &[&a, &b]).is_err());
        assert!(derive(&spec(None), &[&a]).is_err());
        let mut s = spec(None);
        s.unit = Some("furlongs".into());
        assert!(s.validate().is_err());
    }

    #[test]
    fn chain_links_the_next_series_on_the_last_common_date() {
        let a = series("a", &[("2021-01-01", 10.0), ("2021-01-02", 12.0), ("2021-01-03", 9.0)]);
        let b = series(
            "b",
            &[
                ("2021-01-02", 100.0),
                ("2021-01-03", 50.0),
                ("2021-01-04", 60.0),
                ("2021-01-06", 25.0),
            ],
        );
        let c = series("c", &[("2021-01-06", 2.0), ("2021-01-07", 3.0)]);
        let spec = DerivedSpec {
            name: "x".into(),
            product: Vec::new(),
            chain: vec!["a".into(), "b".into(), "c".into()],
            rolling_median_days: None,
            unit: None,
        };
        let x = derive(&spec, &[&a, &b, &c]).unwrap();
        // a to 01-03 (9); b linked at 01-03: 9/50 · {60, 25}; c linked at 01-06: 4.5/2 · 3.
        assert_eq!(x.dates().len(), 6);
        let want = [10.0, 12.0, 9.0, 9.0 / 50.0 * 60.0, 9.0 / 50.0 * 25.0, 4.5 / 2.0 * 3.0];
        for (g, w) in x.values().iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{g} vs {w}");
        }
        assert_eq!(spec.formula(), "derived: x = chain(a, b, c)");
        // No overlap to link on.
        let far = series("c", &[("2022-01-01", 1.0)]);
        let e = derive(&spec, &[&a, &b, &far]).unwrap_err().to_string();
        assert!(e.contains("no date in common to link on"), "{e}");
        // Exactly one of product and chain.
        let mut both = spec.clone();
        both.product = vec!["a".into()];
        assert!(both.validate().is_err());
    }

    #[test]
    fn the_import_record_hashes_formula_and_inputs() {
        let a = series("punks", &[("2021-01-01", 1.0)]);
        let b = series("eth", &[("2021-01-01", 3.0)]);
        let x = derived_import(&spec(Some(7)), &[(&a, "aa"), (&b, "bb")]).unwrap();
        let y = derived_import(&spec(Some(7)), &[(&a, "aa"), (&b, "bc")]).unwrap();
        assert_eq!(x.file, "derived: nft = median7d(punks × eth)");
        assert_ne!(x.sha256, y.sha256);
        assert_eq!(x.rows, 1);
        assert_eq!(x.series[0].series.values(), &[3.0]);
    }
}
