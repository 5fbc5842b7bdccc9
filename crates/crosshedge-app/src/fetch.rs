//! The `fetch` job: vendor data fetched over HTTP (or from the raw cache), normalised and
//! imported through the same path as a file.
//!
//! Every spec is fetched and parsed, and every series passed through the importer's checks
//! ([`crosshedge_fetch::normalise`]), before the store is opened for writing; then ALL specs
//! are written in ONE transaction ([`crosshedge_data::store::Store::import_all`], as the
//! `import` job writes a manifest), each recorded with the SHA-256 of its raw payload. Any
//! error (a spec, a vendor response off its format, the network, a cancellation) leaves the
//! store as it was.
//!
//! **Incremental.** Without `from`, a series already in the store is asked from its last
//! stored date minus `overlap_days` (re-checking those days for vendor revisions, which are
//! kept as revisions by the store), a new one from the start of the vendor's history. Without
//! `to`, the window ends the day before `fetched_at` and APIs with an optional end get none.
//!
//! **Base URLs.** The job reads no environment: `base_urls` (host name as
//! [`Host::env_name`] spells it → `http(s)://host[:port]`) replaces the vendors' scheme and
//! host. The command line resolves the precedence `--base-url`, then
//! `CROSSHEDGE_BASE_URL_<HOST>`, then the vendor's default, and passes the result here.
//!
//! **Cache.** Raw responses go to `cache_dir`, by default `<store dir>/.crosshedge-cache`;
//! `offline` serves from it only (a miss is an input error naming the URL).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use crosshedge_data::futures::{ExpiryRule, FuturesOptions, ParsedFutures};
use crosshedge_data::import::{ImportSpec, ParsedImport};
use crosshedge_data::store::{FuturesBatchFile, OnConflict};
use crosshedge_fetch::cache::RawCache;
use crosshedge_fetch::http::{Client, HttpConfig};
use crosshedge_fetch::normalise::{table_import, vx_futures};
use crosshedge_fetch::source::{self, check_base_url, Host, SourceKind, Spec, Window};
use crosshedge_fetch::FetchError;
use serde::{Deserialize, Serialize};

use crate::{AppError, ErrorKind, Progress, ResultExt, Workspace};

/// The cache directory used when a request names none: `.crosshedge-cache` beside the store.
pub const DEFAULT_CACHE_DIR_NAME: &str = ".crosshedge-cache";

/// What to fetch.
///
/// JSON: `{"specs": ["vix", "binance:BTCUSDT=btc"], "fetched_at": "2026-01-01T00:00:00Z"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchRequest {
    /// Specs `SOURCE:SYMBOL[=NAME]` or preset names (`vix`, `btc`, `funding-btc`, ...).
    pub specs: Vec<String>,
    /// First date asked for (default: incremental, see the module documentation).
    pub from: Option<NaiveDate>,
    /// Last date asked for (default: the day before `fetched_at`).
    pub to: Option<NaiveDate>,
    /// The raw cache directory (default `<store dir>/.crosshedge-cache`).
    pub cache_dir: Option<PathBuf>,
    /// Serve every response from the cache; make no request.
    pub offline: bool,
    /// Base URL overrides: host name (`CBOE`, `BINANCE_FUTURES`, ...) → `http(s)://host[:port]`.
    pub base_urls: BTreeMap<String, String>,
    /// A TOML file `specs = ["vix", "fred:DGS3MO=t3m"]` whose specs are fetched too.
    pub manifest: Option<PathBuf>,
    /// Days before the last stored date re-fetched for revisions (incremental fetches).
    pub overlap_days: u32,
    /// Rows per page for paginated APIs (Binance at most 1000).
    pub page_limit: u32,
    /// When a fetched value differs from the stored one: `replace` (default: the vendor's
    /// revision becomes current, the old value is kept as a revision), `keep`, `fail`.
    pub on_conflict: OnConflict,
    /// The time of the run, RFC 3339 UTC; stamped on the import records and the default end
    /// of the window. Required: the job has no clock.
    pub fetched_at: String,
}

impl Default for FetchRequest {
    fn default() -> Self {
        Self {
            specs: Vec::new(),
            from: None,
            to: None,
            cache_dir: None,
            offline: false,
            base_urls: BTreeMap::new(),
            manifest: None,
            overlap_days: 7,
            page_limit: 1000,
            on_conflict: OnConflict::Replace,
            fetched_at: String::new(),
        }
    }
}

/// What one spec fetched and wrote.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceFetch {
    /// The source (`binance`, `cboe-vx`, ...).
    pub source: String,
    /// The vendor's symbol.
    pub symbol: String,
    /// The series name in the store (the futures root for `cboe-vx`).
    pub name: String,
    /// First date asked for.
    pub from: NaiveDate,
    /// Last date asked for.
    pub to: NaiveDate,
    /// Rows (observations or settlements) fetched in the window.
    pub rows_fetched: u64,
    /// Rows new to the store.
    pub rows_new: u64,
    /// Rows identical to the stored ones.
    pub rows_unchanged: u64,
    /// Rows whose value differed from the stored one (vendor revisions).
    pub rows_revised: u64,
    /// HTTP requests made (retries included).
    pub requests: u64,
    /// Responses served from the raw cache.
    pub cache_hits: u64,
    /// SHA-256 of the raw payload (every response body in request order).
    pub sha256: String,
    /// Warnings of this spec (unsorted rows, contracts not listed, an empty window).
    pub warnings: Vec<String>,
}

/// What the fetch did, one entry per spec in request order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FetchResponse {
    /// Per spec.
    pub sources: Vec<SourceFetch>,
    /// The raw cache directory used.
    pub cache_dir: PathBuf,
}

impl From<FetchError> for AppError {
    fn from(e: FetchError) -> Self {
        if matches!(e, FetchError::Cancelled) {
            return Self::cancelled();
        }
        let kind = if e.is_input() { ErrorKind::Input } else { ErrorKind::Analysis };
        Self::from_chain(kind, &e)
    }
}

/// The manifest of `crosshedge fetch --manifest FILE`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchManifest {
    specs: Vec<String>,
}

/// The specs of `req`: its own, then the manifest's.
fn specs(req: &FetchRequest) -> Result<Vec<Spec>, AppError> {
    let mut raw = req.specs.clone();
    if let Some(m) = &req.manifest {
        let text = std::fs::read_to_string(m)
            .map_err(|e| AppError::input(format!("{}: {e}", m.display())))?;
        let man: FetchManifest = toml::from_str(&text)
            .map_err(|e| AppError::input(format!("{}: {}", m.display(), e.message())))?;
        raw.extend(man.specs);
    }
    if raw.is_empty() {
        return Err(AppError::input("nothing to fetch: give SPEC... or --manifest FILE"));
    }
    let mut out: Vec<Spec> = Vec::with_capacity(raw.len());
    for s in &raw {
        let spec: Spec = s.parse()?;
        if out.iter().any(|o| {
            o.name == spec.name
                && (o.kind == SourceKind::CboeVx) == (spec.kind == SourceKind::CboeVx)
        }) {
            return Err(AppError::input(format!(
                "spec '{s}': the name '{}' is given twice",
                spec.name
            )));
        }
        out.push(spec);
    }
    Ok(out)
}

/// The checked base URLs of `req`.
fn base_urls(req: &FetchRequest) -> Result<HashMap<Host, String>, AppError> {
    let mut out = HashMap::new();
    for (name, url) in &req.base_urls {
        let host = Host::parse(name)?;
        out.insert(host, check_base_url(host, url)?);
    }
    Ok(out)
}

/// The cache directory of `req` for the store at `store`.
pub fn cache_dir(req: &FetchRequest, store: &Path) -> PathBuf {
    req.cache_dir.clone().unwrap_or_else(|| {
        store.parent().unwrap_or_else(|| Path::new("")).join(DEFAULT_CACHE_DIR_NAME)
    })
}

/// The last stored date of every series and futures root the specs write, when a store
/// exists (read-only: a fetch that fails never creates it).
fn last_dates(ws: &Workspace, specs: &[Spec]) -> Result<HashMap<String, NaiveDate>, AppError> {
    let mut out = HashMap::new();
    if !ws.store_path().exists() {
        return Ok(out);
    }
    let store = ws.store()?;
    let list = store.list()?;
    for s in specs {
        let last = if s.kind == SourceKind::CboeVx {
            store.futures(&s.name)?.last().map(|r| r.0)
        } else {
            list.iter().find(|i| i.name == s.name).and_then(|i| i.last)
        };
        if let Some(d) = last {
            out.insert(s.name.clone(), d);
        }
    }
    Ok(out)
}

/// A spec fetched and parsed, waiting to be written.
enum Parsed {
    Series(ParsedImport),
    Futures(ParsedFutures),
    Empty,
}

/// Runs the fetch: every spec fetched and parsed, then all written in one transaction.
///
/// # Errors
/// An input error for a bad request (no spec, an unknown source or host, a bad base URL or
/// `fetched_at`, `from` after `to`), a vendor response off its documented format (one line
/// naming source, field and an excerpt), a cache miss offline, or rows the importer refuses;
/// an analysis error when the network, the cache or the store fails; cancelled before any
/// request or inside any wait once `progress` says so (the store untouched).
pub fn run(
    ws: &mut Workspace,
    req: &FetchRequest,
    progress: &dyn Progress,
) -> Result<FetchResponse, AppError> {
    let at = chrono::DateTime::parse_from_rfc3339(&req.fetched_at).map_err(|_| {
        AppError::input(format!(
            "request field `fetched_at`: '{}' is not an RFC 3339 time",
            req.fetched_at
        ))
    })?;
    let specs = specs(req)?;
    let bases = base_urls(req)?;
    let yesterday = at.with_timezone(&chrono::Utc).date_naive() - Days::new(1);
    let to = req.to.unwrap_or(yesterday);
    if let Some(f) = req.from {
        if f > to {
            return Err(AppError::input(format!("--from {f} is after --to {to}")));
        }
    }
    let last = last_dates(ws, &specs)?;
    let cache = cache_dir(req, ws.store_path());
    let config = HttpConfig { offline: req.offline, ..HttpConfig::default() };
    // Cancellation is asked before every request and during every wait, not only between
    // specs: a long pagination or a `Retry-After` stops within 100 ms.
    let client = Client::new(config, Some(RawCache::new(&cache)), bases)
        .with_cancel(|| progress.is_cancelled());

    progress.start("fetch", specs.len() as u64);
    let mut parsed: Vec<(SourceFetch, Parsed)> = Vec::with_capacity(specs.len());
    let mut hits_before = 0;
    for spec in &specs {
        crate::checkpoint(progress)?;
        let label = spec.label();
        progress.message(&label);
        let from = req.from.unwrap_or_else(|| {
            last.get(&spec.name).map_or_else(
                || spec.kind.history_start(),
                |d| *d - Days::new(u64::from(req.overlap_days)),
            )
        });
        let from = from.min(to);
        let window = Window { from, to, to_given: req.to.is_some() };
        let fetched = source::fetch(&client, spec, window, req.page_limit)?;
        let stats = client.stats();
        let mut row = SourceFetch {
            source: spec.kind.as_str().to_string(),
            symbol: spec.symbol.clone(),
            name: spec.name.clone(),
            from,
            to,
            rows_fetched: 0,
            rows_new: 0,
            rows_unchanged: 0,
            rows_revised: 0,
            requests: client.take_requests(),
            cache_hits: stats.cache_hits - hits_before,
            sha256: fetched.sha256(),
            warnings: Vec::new(),
        };
        hits_before = stats.cache_hits;
        if !fetched.not_listed.is_empty() {
            row.warnings.push(format!(
                "{label}: {} contract files not listed by the vendor",
                fetched.not_listed.len()
            ));
        }
        let p = if spec.kind == SourceKind::CboeVx {
            if fetched.futures.is_empty() {
                Parsed::Empty
            } else {
                let opts = FuturesOptions {
                    rule: ExpiryRule::for_root(&spec.name),
                    allow_bad_expiry: false,
                    allow_hint: None,
                };
                let f = vx_futures(&fetched.futures, &label, &opts)?;
                row.rows_fetched = f.rows.len() as u64;
                row.warnings.extend(f.warnings.iter().cloned());
                Parsed::Futures(f)
            }
        } else if fetched.table.rows.is_empty() {
            Parsed::Empty
        } else {
            let (unit, scale) = spec.unit_and_scale();
            let mut is = ImportSpec::new(
                vec![(spec.name.clone(), spec.column())],
                spec.kind.calendar(),
                unit,
            );
            if scale != 1.0 {
                is.scale.insert(spec.name.clone(), scale);
            }
            let imp = table_import(&fetched.table, &label, &row.sha256, &is)?;
            row.rows_fetched = imp.series.first().map_or(0, |s| s.series.len() as u64);
            row.warnings.extend(imp.warnings.iter().cloned());
            Parsed::Series(imp)
        };
        if matches!(p, Parsed::Empty) {
            row.warnings.push(format!("{label}: no rows from {from} to {to}"));
        }
        parsed.push((row, p));
        progress.inc(1);
    }
    crate::checkpoint(progress)?;

    // Everything fetched and checked: one transaction for all specs.
    let files: Vec<(String, &ParsedImport)> = parsed
        .iter()
        .filter_map(|(r, p)| match p {
            Parsed::Series(x) => Some((format!("{}:{}", r.source, r.symbol), x)),
            _ => None,
        })
        .collect();
    let fut_names: Vec<(String, &ParsedFutures, &SourceFetch)> = parsed
        .iter()
        .filter_map(|(r, p)| match p {
            Parsed::Futures(x) => Some((format!("{}:{}", r.source, r.symbol), x, r)),
            _ => None,
        })
        .collect();
    if files.is_empty() && fut_names.is_empty() {
        return Ok(FetchResponse {
            sources: parsed.into_iter().map(|(r, _)| r).collect(),
            cache_dir: cache,
        });
    }
    let store_path = ws.store_path().display().to_string();
    let store = ws.store_mut().with_context(|| format!("opening store {store_path}"))?;
    let file_refs: Vec<(&str, &ParsedImport)> =
        files.iter().map(|(n, p)| (n.as_str(), *p)).collect();
    let batch: Vec<FuturesBatchFile<'_>> = fut_names
        .iter()
        .map(|(n, p, r)| FuturesBatchFile {
            root: &r.name,
            rows: &p.rows,
            file: n,
            file_path: n,
            sha256: &r.sha256,
        })
        .collect();
    let (series, futures) =
        store.import_all(&file_refs, &batch, &req.fetched_at, req.on_conflict)?;
    let mut series = series.into_iter();
    let mut futures = futures.into_iter();
    let mut out = Vec::with_capacity(parsed.len());
    for (mut row, p) in parsed {
        match p {
            Parsed::Series(_) => {
                if let Some(s) = series.next() {
                    for c in &s.series {
                        row.rows_new += c.new;
                        row.rows_unchanged += c.unchanged;
                        row.rows_revised += c.conflicts;
                    }
                }
            }
            Parsed::Futures(_) => {
                if let Some(f) = futures.next() {
                    row.rows_new = f.new;
                    row.rows_unchanged = f.unchanged;
                    row.rows_revised = f.conflicts;
                }
            }
            Parsed::Empty => {}
        }
        out.push(row);
    }
    Ok(FetchResponse { sources: out, cache_dir: cache })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::progress::Counter;
    use crate::Silent;
    use crosshedge_fetch::replay::{ReplayServer, Reply, Route};

    const VIX: &str = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.22,14.23,13.10,13.20\n01/03/2024,13.35,14.22,13.33,14.04\n";

    fn request(server: &ReplayServer, extra: &str) -> FetchRequest {
        crate::json::request_from_json(&format!(
            r#"{{"specs": ["vix", "fred:DGS3MO=t3m"], "to": "2024-01-03",
                "base_urls": {{"CBOE": "{b}", "fred": "{b}"}},
                "fetched_at": "2024-01-04T12:00:00Z"{extra}}}"#,
            b = server.base_url()
        ))
        .unwrap()
    }

    #[test]
    fn a_fred_level_series_is_stored_as_published() {
        let fred = "observation_date,SP500\n2024-01-02,4742.83\n2024-01-03,.\n";
        let server =
            ReplayServer::start(vec![Route::new("/graph/fredgraph.csv", vec![Reply::ok(fred)])])
                .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let mut ws = Workspace::at(tmp.path().join("s.db"));
        let req: FetchRequest = crate::json::request_from_json(&format!(
            r#"{{"specs": ["fred:SP500=spx"], "to": "2024-01-03", "base_urls": {{"FRED": "{}"}},
                "fetched_at": "2024-01-04T12:00:00Z"}}"#,
            server.base_url()
        ))
        .unwrap();
        run(&mut ws, &req, &Silent).unwrap();
        let spx = ws.store().unwrap().load("spx", None, None).unwrap();
        assert_eq!(spx.values(), [4742.83]);
        let info = ws.store().unwrap().list().unwrap();
        let spx_info = info.iter().find(|i| i.name == "spx").unwrap();
        assert_eq!(spx_info.unit, crosshedge_core::units::SeriesUnit::IndexLevel);
    }

    #[test]
    fn a_json_request_fetches_both_specs_in_one_transaction_or_none() {
        let fred = "observation_date,DGS3MO\n2024-01-02,5.46\n2024-01-03,5.48\n";
        let server = ReplayServer::start(vec![
            Route::new("/api/global/us_indices/daily_prices/VIX_History.csv", vec![Reply::ok(VIX)]),
            Route::new("/graph/fredgraph.csv", vec![Reply::ok(fred)]),
        ])
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("s.db");
        let mut ws = Workspace::at(&store);
        let res = run(&mut ws, &request(&server, ""), &Silent).unwrap();
        assert_eq!(res.cache_dir, tmp.path().join(DEFAULT_CACHE_DIR_NAME));
        let names: Vec<(&str, u64, u64)> =
            res.sources.iter().map(|s| (s.name.as_str(), s.rows_new, s.requests)).collect();
        assert_eq!(names, [("vix", 2, 1), ("t3m", 2, 1)]);
        assert_eq!(res.sources[1].from, SourceKind::Fred.history_start());
        let t3m = ws.store().unwrap().load("t3m", None, None).unwrap();
        // Percent × 0.01, to rounding.
        for (v, want) in t3m.values().iter().zip([0.0546, 0.0548]) {
            assert!((v - want).abs() < 1e-15, "{v}");
        }

        // A cancelled job and a drifted second source write nothing.
        let drift = ReplayServer::start(vec![
            Route::new("/api/global/us_indices/daily_prices/VIX_History.csv", vec![Reply::ok(VIX)]),
            Route::new("/graph/fredgraph.csv", vec![Reply::ok("<html>moved</html>")]),
        ])
        .unwrap();
        let tmp2 = tempfile::tempdir().unwrap();
        let store2 = tmp2.path().join("s.db");
        let e = run(&mut Workspace::at(&store2), &request(&drift, ""), &Silent).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.starts_with("fred:DGS3MO: field `"), "{}", e.message);
        assert!(!store2.exists(), "nothing written, no store created");
        let c = Counter::cancelling_after(1);
        let e = run(&mut Workspace::at(&store2), &request(&server, ""), &c).unwrap_err();
        assert_eq!(e, AppError::cancelled());
        assert!(!store2.exists());
        let e = crate::json::request_from_json::<FetchRequest>(r#"{"spec": ["vix"]}"#).unwrap_err();
        assert!(e.message.contains("spec"), "{}", e.message);
    }

    /// Cancelled once the replay server has received `n` requests.
    struct CancelAt<'a>(&'a ReplayServer, u64);

    impl Progress for CancelAt<'_> {
        fn is_cancelled(&self) -> bool {
            self.0.requests() >= self.1
        }
    }

    #[test]
    fn a_cancel_inside_a_pagination_stops_it_and_leaves_the_store_as_it_was() {
        let kline = |day: u32| {
            let ms = NaiveDate::from_ymd_opt(2024, 1, day)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis();
            format!(r#"[{ms},"1","1","1","44179.55","1",{},"1",1,"1","1","0"]"#, ms + 86_399_999)
        };
        // Pages of 2 (the page limit) that never end by themselves.
        let pages: Vec<Reply> = (0..10)
            .map(|k| Reply::ok(format!("[{},{}]", kline(1 + 2 * k), kline(2 + 2 * k))))
            .collect();
        let server = ReplayServer::start(vec![
            Route::new("/api/global/us_indices/daily_prices/VIX_History.csv", vec![Reply::ok(VIX)]),
            Route::new("/api/v3/klines", pages),
        ])
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("s.db");
        let mut ws = Workspace::at(&store);
        let base = |extra: &str| {
            crate::json::request_from_json::<FetchRequest>(&format!(
                r#"{{"specs": ["vix"{extra}], "to": "2024-01-31", "page_limit": 2,
                    "base_urls": {{"CBOE": "{b}", "BINANCE": "{b}"}},
                    "fetched_at": "2024-02-01T12:00:00Z"}}"#,
                b = server.base_url()
            ))
            .unwrap()
        };
        run(&mut ws, &base(""), &Silent).unwrap();
        let bytes = std::fs::read(&store).unwrap();
        let before = server.requests();
        // vix (1 request), then btc: cancelled once its second page has been asked for.
        let e = run(&mut ws, &base(r#", "btc""#), &CancelAt(&server, before + 3)).unwrap_err();
        assert_eq!(e, AppError::cancelled());
        assert_eq!(server.requests(), before + 3, "no request after the cancel");
        assert_eq!(std::fs::read(&store).unwrap(), bytes, "store untouched");
        assert!(ws.store().unwrap().list().unwrap().iter().all(|i| i.name != "btc"));
    }
}
