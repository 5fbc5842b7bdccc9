//! The demo market as files and a store: what `crosshedge demo` writes before it analyses,
//! and what every test of a job runs on.
//!
//! The market (`crosshedge_demo::generate`) is written as the CSV files, the futures
//! settlement file, the episode catalogue and the manifest a user's own data would come as,
//! and imported through the ordinary parsers into a fresh store. The files, the store and
//! (for [`run`]) the report are built in a staging directory inside the output directory and
//! committed as one set by the roll-forward journal of [`crate::output_set`]: a kill or an
//! error at any point leaves the old demo output or the new one, never a mix once recovered.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_data::futures::{parse_futures_file, FuturesOptions};
use crosshedge_data::import::parse_file;
use crosshedge_data::manifest::Manifest;
use crosshedge_data::store::{OnConflict, Store};
use crosshedge_demo::{generate, summary, DemoConfig, DemoMarket, DemoSummary, DVOL_SERIES};
use crosshedge_labels::bands::{vix_bands, BandConfig};
use crosshedge_regimes::MarkovOptions;
use serde::{Deserialize, Serialize};

use crate::backtest::BacktestRequest;
use crate::basis::BasisRequest;
use crate::episodes::{CatalogueSource, EpisodesRequest, AUTO_HEDGE};
use crate::output_set::{write_synced, Staged};
use crate::pair::PairRequest;
use crate::regimes::fit_univariate;
use crate::report::{assemble, write, Analysis, Written};
use crate::stress::StressRequest;
use crate::{AppError, Progress, ResultExt, Workspace, WorkspaceConfig};

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

/// The demo's file of the BTC implied-vol index (`dvol`, vol points), beside the other crypto
/// series' file so that adding it left that file and its import record unchanged.
pub const CRYPTO_VOL_FILE: &str = "crypto_vol_daily.csv";

fn manifest_toml(us: &[&Series], crypto: &[&Series], vol: &[&Series]) -> String {
    let mut s = String::from("# The demo market's files (written by `crosshedge demo`).\n");
    for (file, cal, group) in [
        ("us_daily.csv", "us", us),
        ("crypto_daily.csv", "crypto", crypto),
        (CRYPTO_VOL_FILE, "crypto", vol),
    ] {
        if group.is_empty() {
            continue;
        }
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

/// The store's name inside the demo's directory.
const STORE_FILE: &str = "crosshedge.db";

/// The tag of the demo's staging directory (`DIR/.crosshedge-demo.new`, see
/// [`crate::output_set::Staged`]).
const STAGING_TAG: &str = "demo";

/// Writes the demo files under `stage/data` and imports them into a fresh store at
/// `stage/crosshedge.db`, recording each file as imported from its final path under `dir`
/// (where the staged set is committed). Returns the names written, relative to `stage`.
fn write_market(
    stage: &Path,
    dir: &Path,
    m: &DemoMarket,
    imported_at: &str,
) -> Result<Vec<String>, AppError> {
    let data = stage.join("data");
    std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let us: Vec<&Series> = m.series.iter().filter(|s| s.calendar == Calendar::Us).collect();
    let crypto: Vec<&Series> = m
        .series
        .iter()
        .filter(|s| s.calendar == Calendar::Crypto && s.name != DVOL_SERIES)
        .collect();
    let vol: Vec<&Series> = m.series.iter().filter(|s| s.name == DVOL_SERIES).collect();
    let mut fut = String::from("date,expiry,settle,dte_days\n");
    for f in &m.futures {
        let _ = writeln!(fut, "{},{},{},{}", f.date, f.expiry, f.settle, f.dte_days);
    }
    let mut files = vec![
        ("us_daily.csv", series_csv(&us)),
        ("crypto_daily.csv", series_csv(&crypto)),
        ("vix_futures_contracts.csv", fut),
        ("episodes.toml", episodes_toml(m)),
        ("manifest.toml", manifest_toml(&us, &crypto, &vol)),
    ];
    if !vol.is_empty() {
        files.push((CRYPTO_VOL_FILE, series_csv(&vol)));
    }
    let mut written = Vec::new();
    for (name, text) in &files {
        let path = data.join(name);
        write_synced(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(format!("data/{name}"));
    }
    let manifest_path = data.join("manifest.toml");
    let final_data = dir.join("data");
    let store_path = stage.join(STORE_FILE);
    let mut store = Store::open(&store_path)?;
    let (manifest, mdir) = Manifest::load(&manifest_path)?;
    // The implied-vol file is imported last, so the other imports keep the ids they had
    // before it was added.
    let (vol_files, series_files): (Vec<_>, Vec<_>) =
        manifest.files.iter().partition(|f| f.path == CRYPTO_VOL_FILE);
    let import = |store: &mut Store, f: &crosshedge_data::manifest::ManifestFile| {
        let mut parsed = parse_file(&mdir.join(&f.path), &f.spec()?)?;
        // Recorded under the path the file has once the set is committed.
        parsed.file = final_data.join(&f.path).display().to_string();
        store.import(&parsed, &parsed.file, imported_at, OnConflict::Fail)?;
        Ok::<(), AppError>(())
    };
    for f in series_files {
        import(&mut store, f)?;
    }
    for f in &manifest.futures {
        let (parsed, sha) = parse_futures_file(&mdir.join(&f.path), &FuturesOptions::default())?;
        let name = final_data.join(&f.path).display().to_string();
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
    for f in vol_files {
        import(&mut store, f)?;
    }
    store.checkpoint()?;
    drop(store);
    written.push(STORE_FILE.to_string());
    Ok(written)
}

/// Commits the staged demo set: the names `write_market` (and the report) wrote.
fn commit(staged: Staged, names: &[String]) -> Result<(), AppError> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    staged.commit(&names, &[STORE_FILE])
}

/// Writes the demo files under `dir/data` and imports them into a fresh store at
/// `dir/crosshedge.db`, stamping the imports with `imported_at` (RFC 3339 UTC, the caller's
/// clock). Everything is built in a staging directory inside `dir` and committed as one set
/// ([`crate::output_set::Staged`]): a kill at any point leaves the old files and store or the
/// new ones.
///
/// # Errors
/// An analysis error when a file cannot be written or the store fails.
pub fn build_store(dir: &Path, m: &DemoMarket, imported_at: &str) -> Result<PathBuf, AppError> {
    let staged = Staged::begin(dir, STAGING_TAG)?;
    let names = write_market(&staged.path(), dir, m, imported_at)?;
    commit(staged, &names)?;
    Ok(dir.join(STORE_FILE))
}

/// What `demo` generates and analyses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoRequest {
    /// Output directory for the demo store, its CSV files and the report.
    pub out: PathBuf,
    /// Random seed of the demo market (and of the bootstrap and the Monte Carlo).
    pub seed: u64,
    /// Stationary-bootstrap resamples of the basis analyses.
    pub bootstrap: usize,
    /// Monte Carlo paths of the demo stress test.
    pub stress_paths: u64,
    /// The time of the run (UTC): the store's import records and the report's header carry
    /// it (the job reads no clock).
    pub generated_at: DateTime<Utc>,
    /// Replace an existing store at `out/crosshedge.db`. Without it an existing file there is
    /// an input error and nothing is written.
    pub force: bool,
    /// The store path the caller was given (the CLI's `--store` when set). The demo always
    /// writes its store to `out/crosshedge.db`: any other path is an input error rather than
    /// silently ignored.
    pub store: Option<PathBuf>,
}

impl Default for DemoRequest {
    fn default() -> Self {
        Self {
            out: PathBuf::from("demo-out"),
            seed: 42,
            bootstrap: 2000,
            stress_paths: 100_000,
            generated_at: DateTime::<Utc>::UNIX_EPOCH,
            force: false,
            store: None,
        }
    }
}

/// The JSON of `demo`.
#[derive(Clone, Debug, Serialize)]
pub struct DemoResponse {
    /// The output directory.
    pub out_dir: String,
    /// The demo store's path.
    pub store: String,
    /// What was generated, series by series.
    pub summary: DemoSummary,
    /// The market's current regime.
    pub regime: RegimeNow,
    /// Where the HTML report and its JSON were written.
    pub report: Written,
    /// Basis, episodes, stress and backtest results (the same data as the report).
    #[serde(flatten)]
    pub analysis: Analysis,
}

/// The current regime of the demo market: its VIX band and the Markov model's probabilities.
#[derive(Clone, Debug, Serialize)]
pub struct RegimeNow {
    /// The last VIX date.
    pub last_date: Option<NaiveDate>,
    /// The last VIX close (index points).
    pub vix_close: Option<f64>,
    /// The VIX band of the last close (`calm`, `normal`, `stress`).
    pub vix_band: Option<String>,
    /// The most likely state of the 2-state Markov-switching model on the last day.
    pub markov_state: String,
    /// Smoothed state probabilities of the last day (0..1), by state.
    pub markov_probabilities: Vec<(String, f64)>,
    /// One-day-ahead state probabilities (0..1), by state.
    pub markov_forecast: Vec<(String, f64)>,
    /// Expected duration of each state in trading days.
    pub expected_durations_days: Vec<(String, f64)>,
}

/// `path` made absolute against the current directory, `.` and `..` folded (lexically: the
/// file need not exist).
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The demo store's path under `req.out`, after checking that the request may write there:
/// a `store` other than `out/crosshedge.db` is refused, and so is an existing file there
/// without `force`.
///
/// # Errors
/// An input error naming the path and the way out (`--out`, `--force`).
pub fn check_target(req: &DemoRequest) -> Result<PathBuf, AppError> {
    let target = req.out.join("crosshedge.db");
    if let Some(store) = &req.store {
        if absolute(store) != absolute(&target) {
            return Err(AppError::input(format!(
                "--store {} is not used by demo: the demo writes its own store to {} (choose the \
                 directory with --out, then pass --store {} to later commands)",
                store.display(),
                target.display(),
                target.display()
            )));
        }
    }
    if !req.force && std::fs::symlink_metadata(&target).is_ok() {
        return Err(AppError::input(format!(
            "{} already exists: demo would replace it with the demo market's store; pass \
             --force to replace it, or choose another --out",
            target.display()
        )));
    }
    Ok(target)
}

/// Generates the calibrated demo market, imports it through the ordinary import path into a
/// fresh store under `req.out`, and runs every analysis on it: basis of BTC and the NFT index
/// against the VIX, the episodes of BTC, the current regime, the stress test and the backtest
/// of the default book, and the HTML report. `data_dir` is the data directory of the
/// workspace the analyses run in (the demo store carries its own futures settlements).
/// Everything runs on a staged copy inside `req.out` that replaces the old output as one set
/// at the end (see the module documentation); on any error the old output is left as it was.
///
/// # Errors
/// An input error for `bootstrap` below 2 or `stress_paths` of 0 (before anything is
/// written), when `out/crosshedge.db` exists and `force` is not set, or when `store`
/// names another path (see [`check_target`]); an analysis error when a file cannot be
/// written; any analysis's error, with the analysis named in front.
pub fn run(
    data_dir: &Path,
    req: &DemoRequest,
    progress: &dyn Progress,
) -> Result<DemoResponse, AppError> {
    // Every request value is checked before anything is written.
    if req.bootstrap < 2 {
        return Err(AppError::input(format!(
            "--bootstrap must be at least 2, got {}",
            req.bootstrap
        )));
    }
    if req.stress_paths == 0 {
        return Err(AppError::input("--stress-paths must be at least 1, got 0"));
    }
    check_target(req)?;
    let cfg = DemoConfig { seed: req.seed, ..DemoConfig::default() };
    let market = generate(&cfg)?;
    let sum = summary(&market);
    std::fs::create_dir_all(&req.out).with_context(|| format!("creating {}", req.out.display()))?;
    let imported_at = req.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // The whole output (data files, store, report) is built in a staging directory inside
    // `out` and committed as one set at the end: a kill or an error at any point leaves the
    // old demo output or the new one (`output_set::Staged`).
    let staged = Staged::begin(&req.out, STAGING_TAG)?;
    let stage = staged.path();
    let mut names = write_market(&stage, &req.out, &market, &imported_at)?;
    let (regime, analysis, notes) = analyse(&stage, data_dir, req, progress)?;
    names.extend(["report.json", "analysis.json", "report.html"].map(String::from));
    commit(staged, &names)?;
    let store_path = req.out.join(STORE_FILE);
    let file = |name: &str| req.out.join(name).display().to_string();
    Ok(DemoResponse {
        out_dir: req.out.display().to_string(),
        store: store_path.display().to_string(),
        summary: sum,
        regime,
        report: Written {
            html: file("report.html"),
            json: file("report.json"),
            analysis: file("analysis.json"),
            notes,
        },
        analysis,
    })
}

/// Runs the demo's analyses on the staged store in `stage` and writes the report there;
/// returns the current regime, the analyses and the report's notes. The workspace (and its
/// store connection) is closed on return, before the set is committed.
fn analyse(
    stage: &Path,
    data_dir: &Path,
    req: &DemoRequest,
    progress: &dyn Progress,
) -> Result<(RegimeNow, Analysis, Vec<String>), AppError> {
    let ws = Workspace::new(WorkspaceConfig {
        store: stage.join(STORE_FILE),
        data_dir: data_dir.to_path_buf(),
    });
    let mut basis = Vec::new();
    for target in ["btc", "nft"] {
        let b = BasisRequest {
            pair: PairRequest::new(target, "vix"),
            bootstrap: req.bootstrap,
            seed: req.seed,
            ..BasisRequest::default()
        };
        basis.push(
            crate::basis::run(&ws, &b, progress)
                .with_context(|| format!("basis of {target} vs vix"))?,
        );
    }
    let catalogue = CatalogueSource { file: Some(episodes_file(stage)), no_builtin: true };
    let ep =
        EpisodesRequest { pair: PairRequest::new("btc", AUTO_HEDGE), catalogue: catalogue.clone() };
    let episodes = crate::episodes::run(&ws, &ep, progress).context("episodes of btc")?;
    let vix = ws.load("vix", None, None)?;
    let bands = vix_bands(&vix, &BandConfig::default())?;
    let m = fit_univariate(&ws, "vix", 2, MarkovOptions::default(), (None, None), false)
        .context("Markov-switching model of the VIX")?;
    let zip = |v: &[f64]| -> Vec<(String, f64)> {
        m.fit.state_names.iter().cloned().zip(v.iter().copied()).collect()
    };
    let regime = RegimeNow {
        last_date: vix.dates().last().copied(),
        vix_close: vix.values().last().copied(),
        vix_band: bands.current.map(|b| b.as_str().to_string()),
        markov_state: m.current_state.clone(),
        markov_probabilities: zip(&m.current_probabilities),
        markov_forecast: zip(&m.fit.forecast),
        expected_durations_days: zip(&m.fit.expected_durations),
    };
    crate::checkpoint(progress)?;
    let stress_req =
        StressRequest { paths: req.stress_paths, seed: req.seed, ..StressRequest::default() };
    let stress =
        crate::stress::run(&ws, &stress_req, progress).context("stress test of the demo book")?;
    // The demo's JSON carries the backtest in full (every flow and daily check).
    let bt =
        BacktestRequest { catalogue: catalogue.clone(), full: true, ..BacktestRequest::default() };
    let backtest = crate::backtest::run(&ws, &bt, progress).context("backtest of the demo book")?;
    crate::checkpoint(progress)?;
    // The hedge tournament of BTC at the book's budget on the demo's implied-vol index, and
    // the method's claims: the answer card names the best candidate.
    let tr = crate::tournament::TournamentRequest {
        measure: crate::measure::MeasureRequest {
            crypto_vol: Some("dvol".to_string()),
            ..Default::default()
        },
        catalogue: catalogue.clone(),
        paths: req.stress_paths.max(1000),
        seed: req.seed,
        bootstrap_reps: req.bootstrap.clamp(100, 1000),
        ..Default::default()
    };
    let tournament =
        crate::tournament::run(&ws, &tr, progress).context("hedge tournament of btc")?;
    let cr = crate::claims::ClaimsRequest {
        catalogue: catalogue.clone(),
        bootstrap: req.bootstrap.clamp(100, 1000),
        seed: req.seed,
        paths: req.stress_paths.max(1000),
        ..Default::default()
    };
    let claims = crate::claims::run(&ws, &cr, progress).context("claims check")?;
    let analysis = Analysis {
        basis,
        episodes: Some(episodes),
        stress: Some(stress),
        backtest: Some(backtest),
        tournament: Some(tournament),
        claims: Some(claims),
    };
    let cat = catalogue.load()?;
    let mut config = BTreeMap::new();
    config.insert("data".into(), format!("demo market, seed {}", req.seed));
    config.insert("book".into(), "default (adaptive layered VIX hedge)".into());
    config.insert("bootstrap".into(), req.bootstrap.to_string());
    config.insert("paths".into(), req.stress_paths.to_string());
    let input = assemble(&ws, &analysis, &cat, "vix", req.seed, 90, config, req.generated_at)?;
    let written = write(stage, &input, &analysis)?;
    Ok((regime, analysis, written.notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Counter;
    use crate::ErrorKind;

    /// Every file under `dir` (relative name, bytes), sorted; the store's `-shm`/`-wal`
    /// (left by read-only readers) are not part of the output.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                if p.is_dir() {
                    stack.push(p);
                } else if !rel.ends_with("-shm") && !rel.ends_with("-wal") {
                    out.push((rel, std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn request(out: &Path, seed: u64) -> DemoRequest {
        DemoRequest {
            out: out.to_path_buf(),
            seed,
            bootstrap: 20,
            stress_paths: 200,
            force: true,
            ..DemoRequest::default()
        }
    }

    #[test]
    fn a_demo_that_fails_or_is_cancelled_leaves_the_old_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        run(tmp.path(), &request(&out, 1), &crate::Silent).unwrap();
        let old = files(&out);
        let names: Vec<&str> = old.iter().map(|(n, _)| n.as_str()).collect();
        for want in
            ["crosshedge.db", "report.html", "data/us_daily.csv", "data/crypto_vol_daily.csv"]
        {
            assert!(names.contains(&want), "{want} not written: {names:?}");
        }
        // Cancelled in the analyses, after the new store and data files were staged.
        let e = run(tmp.path(), &request(&out, 2), &Counter::cancelling_after(1)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled, "{e}");
        assert!(files(&out) == old, "a cancelled demo changed the old output");
        // Failing at the commit (a directory where the report goes): refused before the commit
        // point, so every old file stays and nothing staged is left.
        std::fs::remove_file(out.join("report.html")).unwrap();
        std::fs::create_dir(out.join("report.html")).unwrap();
        let e = run(tmp.path(), &request(&out, 2), &crate::Silent).unwrap_err();
        assert!(e.message.contains("a directory is in the way"), "{e}");
        let without_html: Vec<_> =
            old.iter().filter(|(n, _)| n != "report.html").cloned().collect();
        assert!(files(&out) == without_html, "a failed demo changed the old output");
        // A complete run replaces every file of the set.
        std::fs::remove_dir(out.join("report.html")).unwrap();
        run(tmp.path(), &request(&out, 2), &crate::Silent).unwrap();
        let new = files(&out);
        assert_eq!(
            new.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            names,
            "the new set has other files"
        );
        for ((n, a), (_, b)) in old.iter().zip(&new) {
            if n != "data/manifest.toml" {
                assert!(a != b, "{n} was not replaced");
            }
        }
    }
}
