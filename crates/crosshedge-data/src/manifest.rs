//! The data manifest: a TOML file mapping CSV files to series names, so that a whole data
//! directory is imported with one command (`crosshedge import --manifest FILE`).
//!
//! ```toml
//! data_dir = "../../shared/data"   # relative to the manifest file
//!
//! [[file]]
//! path = "vix_daily.csv"
//! calendar = "us"
//! unit = "index-level"
//! series = { vix = "close" }
//! ```
//!
//! Per file: `path` (relative to `data_dir`), `calendar` (`us`|`crypto`), `unit` (default
//! `price`), `series` (name → column), optional `units` (name → unit), `scale` (name → factor),
//! `date_column`, `date_format`. `[[futures]]` entries (`path`, `root`) name futures settlement
//! files in the long format `date,expiry,settle` (one row per date and contract).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crosshedge_core::calendar::Calendar;
use crosshedge_core::units::SeriesUnit;
use serde::Deserialize;

use crate::derived::DerivedSpec;
use crate::import::ImportSpec;
use crate::DataError;

/// A parsed manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Directory of the data files, relative to the manifest file (default: the manifest's own).
    #[serde(default)]
    pub data_dir: Option<String>,
    /// The files to import.
    #[serde(rename = "file", default)]
    pub files: Vec<ManifestFile>,
    /// Futures settlement files (long format `date,expiry,settle`).
    #[serde(rename = "futures", default)]
    pub futures: Vec<ManifestFutures>,
    /// Series derived from the files' series (see [`crate::derived`]).
    #[serde(rename = "derived", default)]
    pub derived: Vec<DerivedSpec>,
}

/// A futures settlement file of a manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFutures {
    /// File path relative to the data directory.
    pub path: String,
    /// Contract root, e.g. `vx`.
    pub root: String,
}

/// One file of a manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// File path relative to the data directory.
    pub path: String,
    /// `us` or `crypto`.
    pub calendar: String,
    /// Default unit of the file's series.
    #[serde(default)]
    pub unit: Option<String>,
    /// Series name → column.
    pub series: BTreeMap<String, String>,
    /// Per-series unit overrides.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// Per-series multipliers.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// The date column.
    #[serde(default)]
    pub date_column: Option<String>,
    /// The date format.
    #[serde(default)]
    pub date_format: Option<String>,
}

impl Manifest {
    /// Reads and checks a manifest file.
    ///
    /// # Errors
    /// [`DataError::File`] when the file is missing or not valid manifest TOML (with line and
    /// column from the TOML parser).
    pub fn load(path: &Path) -> Result<(Self, PathBuf), DataError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DataError::File {
            file: file.clone(),
            message: format!("cannot read: {e}"),
        })?;
        let m = Self::parse(&text, &file)?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        let dir = match &m.data_dir {
            Some(d) => base.join(d),
            None => base.to_path_buf(),
        };
        Ok((m, dir))
    }

    /// Parses and checks manifest TOML text; `file` names the source in errors. What
    /// [`Manifest::load`] does after reading the file (and what the fuzz target `manifest`
    /// exercises).
    ///
    /// # Errors
    /// [`DataError::File`] when the text is not valid manifest TOML (with line and column from
    /// the TOML parser), names an unknown calendar or unit, or a `[[derived]]` series whose
    /// inputs are not the manifest's series.
    pub fn parse(text: &str, file: &str) -> Result<Self, DataError> {
        let file = file.to_string();
        let m: Manifest = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| {
                    let before = text.get(..s.start.min(text.len())).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    (line, col)
                })
                .unwrap_or((0, 0));
            DataError::File {
                file: file.clone(),
                message: format!("line {line}, column {col}: {}", e.message()),
            }
        })?;
        for f in &m.files {
            f.spec().map_err(|e| DataError::File {
                file: file.clone(),
                message: format!("[[file]] {}: {e}", f.path),
            })?;
        }
        for (k, d) in m.derived.iter().enumerate() {
            d.validate()
                .map_err(|e| DataError::File { file: file.clone(), message: e.to_string() })?;
            for input in d.inputs() {
                let earlier = m.derived[..k].iter().any(|e| &e.name == input);
                if !earlier && !m.files.iter().any(|f| f.series.contains_key(input)) {
                    return Err(DataError::File {
                        file: file.clone(),
                        message: format!(
                            "[[derived]] {}: input '{input}' is not a series of this manifest's files or of an earlier [[derived]]",
                            d.name
                        ),
                    });
                }
            }
        }
        Ok(m)
    }
}

impl ManifestFile {
    /// The import spec of this file.
    ///
    /// # Errors
    /// [`DataError::Core`] for an unknown calendar or unit name.
    pub fn spec(&self) -> Result<ImportSpec, DataError> {
        let calendar: Calendar = self.calendar.parse()?;
        let unit: SeriesUnit = self.unit.as_deref().unwrap_or("price").parse()?;
        let mut spec = ImportSpec::new(
            self.series.iter().map(|(n, c)| (n.clone(), c.clone())).collect(),
            calendar,
            unit,
        );
        for (n, u) in &self.units {
            spec.units.insert(n.clone(), u.parse()?);
        }
        spec.scale = self.scale.clone();
        spec.date_column = self.date_column.clone();
        spec.date_format = self.date_format.clone();
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.toml");
        std::fs::write(
            &p,
            "data_dir = \"data\"\n[[file]]\npath = \"a.csv\"\ncalendar = \"us\"\nseries = { vix = \"close\" }\nunits = { vix = \"index-level\" }\n",
        )
        .unwrap();
        let (m, d) = Manifest::load(&p).unwrap();
        assert_eq!(d, dir.path().join("data"));
        let spec = m.files[0].spec().unwrap();
        assert_eq!(spec.unit_of("vix"), SeriesUnit::IndexLevel);
        std::fs::write(&p, "[[file]]\npath = \"a.csv\"\ncalendar = \"moon\"\nseries = {}\n")
            .unwrap();
        assert!(Manifest::load(&p).unwrap_err().to_string().contains("unknown calendar"));
        std::fs::write(&p, "[[file]]\npath = 3\n").unwrap();
        assert!(Manifest::load(&p).unwrap_err().to_string().contains("line 2"));
    }
}
