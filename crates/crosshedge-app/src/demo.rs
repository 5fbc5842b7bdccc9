//! The demo market as files and a store: what `crosshedge demo` writes before it analyses,
//! and what every test of a job runs on.
//!
//! The market (`crosshedge_demo::generate`) is written as the CSV files, the futures
//! settlement file, the episode catalogue and the manifest a user's own data would come as,
//! and imported through the ordinary parsers into a fresh store that replaces the target only
//! when complete.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_data::export::write_atomic;
use crosshedge_data::futures::{parse_futures_file, FuturesOptions};
use crosshedge_data::import::parse_file;
use crosshedge_data::manifest::Manifest;
use crosshedge_data::store::{OnConflict, Store};
use crosshedge_demo::DemoMarket;

use crate::{AppError, ResultExt};

/// The CSV text of series sharing a calendar: `date,<name>...` with blanks where a series has
/// no observation.
fn series_csv(series: &[&Series]) -> String {
    let mut dates: Vec<chrono::NaiveDate> =
        series.iter().flat_map(|s| s.dates().iter().copied()).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut s = String::from("date");
    for x in series {
        s.push(',');
        s.push_str(&x.name);
    }
    s.push('\n');
    for d in dates {
        let _ = write!(s, "{d}");
        for x in series {
            match x.get(d) {
                Some(v) => {
                    let _ = write!(s, ",{v}");
                }
                None => s.push(','),
            }
        }
        s.push('\n');
    }
    s
}

fn manifest_toml(us: &[&Series], crypto: &[&Series]) -> String {
    let mut s = String::from("# The demo market's files (written by `crosshedge demo`).\n");
    for (file, cal, group) in [("us_daily.csv", "us", us), ("crypto_daily.csv", "crypto", crypto)] {
        let _ = write!(s, "\n[[file]]\npath = \"{file}\"\ncalendar = \"{cal}\"\nseries = {{ ");
        let cols: Vec<String> = group.iter().map(|x| format!("{0} = \"{0}\"", x.name)).collect();
        s.push_str(&cols.join(", "));
        s.push_str(" }\nunits = { ");
        let units: Vec<String> =
            group.iter().map(|x| format!("{} = \"{}\"", x.name, x.unit)).collect();
        s.push_str(&units.join(", "));
        s.push_str(" }\n");
    }
    s.push_str("\n[[futures]]\npath = \"vix_futures_contracts.csv\"\nroot = \"vx\"\n");
    s
}

fn episodes_toml(m: &DemoMarket) -> String {
    let mut s = String::from("# Scripted episodes of the demo market (synthetic dates).\n");
    for e in &m.episodes {
        let _ = write!(
            s,
            "\n[[episode]]\nname = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ncategory = \"demo\"\ndescription = {:?}\nsource = \"synthetic: crosshedge demo market, seed {}\"\n",
            e.name, e.start, e.end, e.description, m.config.seed
        );
    }
    s
}

/// The demo's episode catalogue written by [`build_store`]: `dir/data/episodes.toml`.
pub fn episodes_file(dir: &Path) -> PathBuf {
    dir.join("data").join("episodes.toml")
}

/// Writes the demo files under `dir/data` and imports them into a fresh store at
/// `dir/crosshedge.db`, stamping the imports with `imported_at` (RFC 3339 UTC, the caller's
/// clock). The store is built beside the target and renamed over it when complete.
///
/// # Errors
/// An analysis error when a file cannot be written or the store fails.
pub fn build_store(dir: &Path, m: &DemoMarket, imported_at: &str) -> Result<PathBuf, AppError> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let us: Vec<&Series> = m.series.iter().filter(|s| s.calendar == Calendar::Us).collect();
    let crypto: Vec<&Series> = m.series.iter().filter(|s| s.calendar == Calendar::Crypto).collect();
    write_atomic(&data.join("us_daily.csv"), series_csv(&us).as_bytes())?;
    write_atomic(&data.join("crypto_daily.csv"), series_csv(&crypto).as_bytes())?;
    let mut fut = String::from("date,expiry,settle,dte_days\n");
    for f in &m.futures {
        let _ = writeln!(fut, "{},{},{},{}", f.date, f.expiry, f.settle, f.dte_days);
    }
    write_atomic(&data.join("vix_futures_contracts.csv"), fut.as_bytes())?;
    write_atomic(&episodes_file(dir), episodes_toml(m).as_bytes())?;
    let manifest_path = data.join("manifest.toml");
    write_atomic(&manifest_path, manifest_toml(&us, &crypto).as_bytes())?;
    let tmp = dir.join(".crosshedge.db.building");
    let _ = std::fs::remove_file(&tmp);
    {
        let mut store = Store::open(&tmp)?;
        let (manifest, mdir) = Manifest::load(&manifest_path)?;
        for f in &manifest.files {
            let path = mdir.join(&f.path);
            let parsed = parse_file(&path, &f.spec()?)?;
            store.import(&parsed, &path.display().to_string(), imported_at, OnConflict::Fail)?;
        }
        for f in &manifest.futures {
            let path = mdir.join(&f.path);
            let (parsed, sha) = parse_futures_file(&path, &FuturesOptions::default())?;
            let name = path.display().to_string();
            store.import_futures(
                &f.root,
                &parsed.rows,
                &name,
                &name,
                &sha,
                imported_at,
                OnConflict::Fail,
            )?;
        }
        store.checkpoint()?;
    }
    let target = dir.join("crosshedge.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", target.display()));
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("renaming the store to {}", target.display()))?;
    Ok(target)
}
