//! # crosshedge-py: the native core of the Python package `crosshedge`
//!
//! A thin pyo3 layer over `crosshedge-app`: every Python job call becomes
//! `run_job(job, store, data_dir, flat_request_json, progress)`, which parses the flat
//! request (the CLI's flag names in snake_case, see `crosshedge_app::flat`), runs the app's job
//! with the GIL released and returns the response serialised exactly as the CLI's `--json`.
//! The pure-Python layer (`python/crosshedge/__init__.py`) turns keyword arguments into that
//! JSON, the JSON back into a result object, and pandas/numpy inputs into a temporary store.
//!
//! Also here: the vectorised pricers (`black76`, `black_scholes`, `implied_vol`) over
//! contiguous 1-D float64 arrays (the Python layer broadcasts and copies), the series loader
//! (`load_series`) and the demo store builder (`build_demo_store`) the tests use.
//!
//! Errors map by [`ErrorKind`]: `Input` → `crosshedge.InputError` (a `ValueError`),
//! `Analysis` → `crosshedge.AnalysisError` (a `RuntimeError`), `Cancelled` →
//! `crosshedge.Cancelled`, each with the app's one-line message.
//!
//! Scale-out: `stress_block_count`, `stress_blocks` (bytes), `stress_combine` and the streaming
//! `StressCombiner` over the app's
//! kernels (`crosshedge_app::stress_blocks`), and `basis_scan`, all taking the same flat request
//! JSON; the functions hold no state between calls (a [`Workspace`] is opened per call), so
//! they are safe to call from worker processes and threads (`crosshedge.distributed`); the
//! combiner holds a prepared run and its running total, never a workspace.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Mutex;
use std::time::Duration;

use crosshedge_app::flat::FlatRequest;
use crosshedge_app::stress_blocks::ScanItem;
use crosshedge_app::{AppError, ErrorKind, Progress, Workspace, WorkspaceConfig};
use crosshedge_pricing::batch::{
    black76_greeks_batch, black76_greeks_batch_into, black_scholes_greeks_batch,
    implied_vol_black76_batch, Black76Batch, BlackScholesBatch, BlackScholesGreeksSoA, GreeksOut,
    GreeksSoA, ImpliedVolBatch,
};
use crosshedge_pricing::OptionKind;
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Serialize;
use serde_json::Value;

create_exception!(
    crosshedge,
    InputError,
    PyValueError,
    "A bad request or input (unknown field, bad value, missing series, malformed file): the CLI's exit 2."
);
create_exception!(
    crosshedge,
    AnalysisError,
    PyRuntimeError,
    "The analysis failed on valid input (a fit failed, too few rows, the store failed): the CLI's exit 1."
);
create_exception!(
    crosshedge,
    Cancelled,
    PyException,
    "The job was cancelled (Ctrl-C or a progress callback that raised): the CLI's exit 130."
);

/// The Python exception of an app error: its kind's class with the one-line message.
fn py_err(e: AppError) -> PyErr {
    match e.kind {
        ErrorKind::Input => InputError::new_err(e.message),
        ErrorKind::Analysis => AnalysisError::new_err(e.message),
        ErrorKind::Cancelled => Cancelled::new_err(e.message),
    }
}

/// A [`Progress`] that calls a Python callable `(done, total, message)` with the GIL
/// re-acquired and is cancelled by Ctrl-C (see [`watch_signals`]). An exception raised by the
/// callback cancels the job and is re-raised.
struct PyProgress {
    callback: Option<Py<PyAny>>,
    total: AtomicU64,
    done: AtomicU64,
    phase: Mutex<String>,
    cancelled: AtomicBool,
    /// The callback's exception, raised after the job returns.
    error: Mutex<Option<PyErr>>,
}

impl PyProgress {
    fn new(callback: Option<Py<PyAny>>) -> Self {
        Self {
            callback,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            phase: Mutex::new(String::new()),
            cancelled: AtomicBool::new(false),
            error: Mutex::new(None),
        }
    }

    fn call(&self, message: &str) {
        let Some(cb) = &self.callback else { return };
        if self.cancelled.load(Ordering::SeqCst) {
            return;
        }
        let (done, total) = (self.done.load(Ordering::SeqCst), self.total.load(Ordering::SeqCst));
        Python::attach(|py| {
            if let Err(e) = cb.call1(py, (done, total, message)) {
                self.fail(e);
            }
        });
    }

    fn fail(&self, e: PyErr) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Ok(mut slot) = self.error.lock() {
            slot.get_or_insert(e);
        }
    }

    fn take_error(&self) -> Option<PyErr> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }
}

impl Progress for PyProgress {
    fn start(&self, phase: &str, total: u64) {
        self.total.store(total, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        if let Ok(mut p) = self.phase.lock() {
            phase.clone_into(&mut p);
        }
        self.call(phase);
    }

    fn inc(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
        if self.callback.is_some() {
            let phase = self.phase.lock().map(|p| p.clone()).unwrap_or_default();
            self.call(&phase);
        }
    }

    fn message(&self, text: &str) {
        self.call(text);
    }

    /// Set by a raising callback or by Ctrl-C, which the calling thread checks with
    /// `PyErr_CheckSignals` while the job runs (see [`watch_signals`]).
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Runs a flat request through `run`: the response serialised as the CLI's `--json`, and its
/// human table exactly as the CLI prints it (`render`, from `crosshedge-render`).
fn flat_job<R: FlatRequest, T: Serialize>(
    flat: &Value,
    ws: &Workspace,
    progress: &dyn Progress,
    run: fn(&Workspace, &R, &dyn Progress) -> Result<T, AppError>,
    render: fn(&T) -> String,
) -> Result<(String, Option<String>), AppError> {
    let req = R::from_flat(flat)?;
    let out = run(ws, &req, progress)?;
    Ok((serde_json::to_string(&out)?, Some(render(&out))))
}

/// The CLI's default `--every` of `crosshedge rolling`'s table.
fn rolling_table(o: &crosshedge_app::rolling::RollingResponse) -> String {
    crosshedge_render::rolling::render(o, 21)
}

/// The job names [`run_job`] accepts.
const JOBS: &[&str] = &[
    "basis",
    "lags",
    "rolling",
    "claims",
    "episodes",
    "events",
    "shocks",
    "signals",
    "regimes",
    "dcc",
    "hedge",
    "stress",
    "backtest",
    "tournament",
    "price_option",
    "import",
    "fetch",
    "series",
];

/// Dispatches `job` on the workspace of `config`.
fn dispatch(
    job: &str,
    flat: &Value,
    config: WorkspaceConfig,
    p: &dyn Progress,
) -> Result<(String, Option<String>), AppError> {
    use crosshedge_app as app;
    use crosshedge_render as R;
    let mut ws = Workspace::new(config);
    match job {
        "basis" => flat_job(flat, &ws, p, app::basis::run, R::basis::render),
        "lags" => flat_job(flat, &ws, p, app::lags::run, R::lags::render),
        "rolling" => flat_job(flat, &ws, p, app::rolling::run, rolling_table),
        "claims" => flat_job(flat, &ws, p, app::claims::run, R::claims::render),
        "episodes" => flat_job(flat, &ws, p, app::episodes::run, R::episodes::render),
        "events" => flat_job(flat, &ws, p, app::events::run, R::events::render),
        "shocks" => flat_job(flat, &ws, p, app::shocks::run, R::shocks::render),
        "signals" => flat_job(flat, &ws, p, app::signals::run, R::signals::render),
        "regimes" => flat_job(flat, &ws, p, app::regimes::run, R::regimes::render_response),
        "dcc" => flat_job(flat, &ws, p, app::dcc::run, R::dcc::render),
        "hedge" => flat_job(flat, &ws, p, app::hedge::run, R::hedge::render),
        "stress" => flat_job(flat, &ws, p, app::stress::run, R::stress::render),
        "backtest" => flat_job(flat, &ws, p, app::backtest::run, R::backtest::render),
        "tournament" => flat_job(flat, &ws, p, app::tournament::run, R::tournament::render),
        "price_option" => {
            let req = app::price::option::OptionRequest::from_flat(flat)?;
            let out = app::price::option::run(&ws, &req, p)?;
            Ok((serde_json::to_string(&out)?, None))
        }
        "import" => {
            let req: app::import::ImportRequest = app::json::request_from_value(flat.clone())?;
            let out = app::import::run(&mut ws, &req, p)?;
            Ok((serde_json::to_string(&out)?, None))
        }
        "fetch" => {
            let req: app::fetch::FetchRequest = app::json::request_from_value(flat.clone())?;
            let out = app::fetch::run(&mut ws, &req, p)?;
            Ok((serde_json::to_string(&out)?, None))
        }
        "series" => {
            let req: app::series::SeriesRequest = app::json::request_from_value(flat.clone())?;
            let out = app::series::run(&ws, &req, p)?;
            Ok((serde_json::to_string(&out)?, None))
        }
        _ => Err(AppError::input(format!(
            "unknown job `{job}`, expected one of {}",
            JOBS.join(", ")
        ))),
    }
}

/// Runs `job` on a thread of its own while the calling thread (the one Python delivers
/// signals to) waits, checking for Ctrl-C every 50 ms and cancelling `progress` on one: a
/// job's blocks may ask [`Progress::is_cancelled`] from worker threads, where
/// `PyErr_CheckSignals` never sees the signal.
fn watch_signals<T: Send>(
    progress: &PyProgress,
    job: impl FnOnce() -> Result<T, AppError> + Send,
) -> Result<T, AppError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        let worker = s.spawn(move || {
            let _ = tx.send(job());
        });
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(out) => return out,
                Err(RecvTimeoutError::Timeout) => {
                    if Python::attach(|py| py.check_signals()).is_err() {
                        progress.cancelled.store(true, Ordering::SeqCst);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let why = if worker.is_finished() { "panicked" } else { "vanished" };
                    return Err(AppError::analysis(format!("the job's thread {why}")));
                }
            }
        }
    })
}

/// Runs app job `job` (`basis`, `stress`, ... see `JOB_NAMES`) on the store at `store`
/// (data directory `data_dir`, default `crosshedge_app::DEFAULT_DATA_DIR`) with the request
/// given as flat JSON text; returns `(json, table)`: the response as JSON text, exactly the
/// CLI's `--json`, and the analysis jobs' human table exactly as the CLI prints it (`None` for
/// `import`, `series` and `price_option`).
/// The GIL is released while the job runs; `progress(done, total, message)` is called with it
/// re-acquired.
///
/// Raises `InputError`, `AnalysisError` or `Cancelled` (Ctrl-C), or whatever `progress` raised.
#[pyfunction]
#[pyo3(signature = (job, store, data_dir, request, progress=None))]
fn run_job(
    py: Python<'_>,
    job: &str,
    store: PathBuf,
    data_dir: Option<PathBuf>,
    request: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, Option<String>)> {
    let flat: Value = serde_json::from_str(request)
        .map_err(|e| InputError::new_err(format!("request: not JSON: {e}")))?;
    let mut config = WorkspaceConfig { store, ..WorkspaceConfig::default() };
    if let Some(d) = data_dir {
        config.data_dir = d;
    }
    let prog = PyProgress::new(progress);
    let out = py.detach(|| watch_signals(&prog, || dispatch(job, &flat, config, &prog)));
    if let Some(e) = prog.take_error() {
        return Err(e);
    }
    out.map_err(py_err)
}

/// The workspace configuration of `store` and `data_dir` (default data directory when None).
fn config(store: PathBuf, data_dir: Option<PathBuf>) -> WorkspaceConfig {
    let mut config = WorkspaceConfig { store, ..WorkspaceConfig::default() };
    if let Some(d) = data_dir {
        config.data_dir = d;
    }
    config
}

/// A flat request given as JSON text.
fn flat_value(request: &str) -> PyResult<Value> {
    serde_json::from_str(request)
        .map_err(|e| InputError::new_err(format!("request: not JSON: {e}")))
}

/// The number of seed blocks of the stress run of flat `request` (`⌈paths / 4096⌉`): the
/// range `stress_blocks` shards.
#[pyfunction]
fn stress_block_count(request: &str) -> PyResult<u64> {
    let req =
        crosshedge_app::stress::StressRequest::from_flat(&flat_value(request)?).map_err(py_err)?;
    crosshedge_app::stress_blocks::stress_block_count(&req).map_err(py_err)
}

/// Blocks `first_block .. first_block + n_blocks` of the stress run of flat `request` on the
/// store at `store`, as bytes (`crosshedge_app::stress_blocks::stress_blocks`: versioned,
/// checksummed per-block statistics). GIL released; `progress(done, total, message)` per
/// block; Ctrl-C cancels.
#[pyfunction]
#[pyo3(signature = (store, data_dir, request, first_block, n_blocks, progress=None))]
fn stress_blocks<'py>(
    py: Python<'py>,
    store: PathBuf,
    data_dir: Option<PathBuf>,
    request: &str,
    first_block: u64,
    n_blocks: u64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let flat = flat_value(request)?;
    let cfg = config(store, data_dir);
    let prog = PyProgress::new(progress);
    let out = py.detach(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        let r = watch_signals(&prog, || {
            let req = crosshedge_app::stress::StressRequest::from_flat(&flat)?;
            let ws = Workspace::new(cfg);
            let b = crosshedge_app::stress_blocks::stress_blocks(
                &ws,
                &req,
                first_block,
                n_blocks,
                &prog,
            )?;
            let _ = tx.send(b);
            Ok(String::new())
        });
        r.and_then(|_| rx.recv().map_err(|_| AppError::analysis("stress blocks: no result")))
    });
    if let Some(e) = prog.take_error() {
        return Err(e);
    }
    Ok(PyBytes::new(py, &out.map_err(py_err)?))
}

/// `(json, table)`: the stress response (JSON text, exactly `stress --json`; and its table as
/// `crosshedge stress` prints it) of flat `request` from the
/// `payloads` of `stress_blocks` covering every block once, in any order. Refuses damaged,
/// foreign, overlapping or missing payloads with `InputError`. GIL released.
#[pyfunction]
fn stress_combine(
    py: Python<'_>,
    store: PathBuf,
    data_dir: Option<PathBuf>,
    request: &str,
    payloads: Vec<Vec<u8>>,
) -> PyResult<(String, String)> {
    let flat = flat_value(request)?;
    let cfg = config(store, data_dir);
    py.detach(|| {
        let req = crosshedge_app::stress::StressRequest::from_flat(&flat)?;
        let ws = Workspace::new(cfg);
        let out = crosshedge_app::stress_blocks::stress_combine(&ws, &req, &payloads)?;
        Ok((serde_json::to_string(&out)?, crosshedge_render::stress::render(&out)))
    })
    .map_err(py_err)
}

/// `stress_combine` as the payloads arrive: `StressCombiner(store, data_dir, request)`
/// prepares the run (on the store, as `stress_combine` does), `push(payload)` takes each
/// `stress_blocks` payload as its task finishes, in any order (the ones next in block order
/// are merged at once and dropped; early ones are held), and `finish()` returns `(json,
/// table)`, exactly `stress_combine`'s. `progress()` is `(blocks merged, payloads held)`. GIL
/// released in each call; safe to share between threads (calls are serialised).
#[pyclass(module = "crosshedge._native", name = "StressCombiner")]
struct PyStressCombiner {
    inner: Mutex<Option<crosshedge_app::stress_blocks::StressCombiner>>,
}

impl PyStressCombiner {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut crosshedge_app::stress_blocks::StressCombiner) -> Result<T, AppError>,
    ) -> PyResult<T> {
        let mut g = self.inner.lock().map_err(|_| PyRuntimeError::new_err("combiner poisoned"))?;
        let c =
            g.as_mut().ok_or_else(|| InputError::new_err("stress combiner: already finished"))?;
        f(c).map_err(py_err)
    }
}

#[pymethods]
impl PyStressCombiner {
    #[new]
    #[pyo3(signature = (store, data_dir, request))]
    fn new(
        py: Python<'_>,
        store: PathBuf,
        data_dir: Option<PathBuf>,
        request: &str,
    ) -> PyResult<Self> {
        let flat = flat_value(request)?;
        let cfg = config(store, data_dir);
        let c = py
            .detach(|| {
                let req = crosshedge_app::stress::StressRequest::from_flat(&flat)?;
                let ws = Workspace::new(cfg);
                crosshedge_app::stress_blocks::StressCombiner::new(&ws, &req)
            })
            .map_err(py_err)?;
        Ok(Self { inner: Mutex::new(Some(c)) })
    }

    /// Merges one payload; `InputError` for a damaged, foreign or overlapping one (the
    /// combination is unchanged).
    fn push(&self, py: Python<'_>, payload: &[u8]) -> PyResult<()> {
        py.detach(|| self.with(|c| c.push(payload)))
    }

    /// `(blocks merged so far, payloads held back)`.
    fn progress(&self) -> PyResult<(u64, usize)> {
        self.with(|c| Ok(c.progress()))
    }

    /// `(json, table)` once every block is in; `InputError` when blocks are missing.
    fn finish(&self, py: Python<'_>) -> PyResult<(String, String)> {
        let c = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("combiner poisoned"))?
            .take()
            .ok_or_else(|| InputError::new_err("stress combiner: already finished"))?;
        py.detach(|| {
            let out = c.finish()?;
            Ok((serde_json::to_string(&out)?, crosshedge_render::stress::render(&out)))
        })
        .map_err(py_err)
    }
}

/// `basis` of every flat request of the JSON array `requests` on one workspace (series
/// loaded once): a JSON array whose items are `{"ok": <basis --json>, "summary": <its table>}` or
/// `{"error": {"kind": ..., "message": ...}}`. GIL released; progress per pair.
#[pyfunction]
#[pyo3(signature = (store, data_dir, requests, progress=None))]
fn basis_scan(
    py: Python<'_>,
    store: PathBuf,
    data_dir: Option<PathBuf>,
    requests: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let flat = flat_value(requests)?;
    let Value::Array(items) = flat else {
        return Err(InputError::new_err("requests: expected a JSON array of basis requests"));
    };
    let cfg = config(store, data_dir);
    let prog = PyProgress::new(progress);
    let out = py.detach(|| {
        watch_signals(&prog, || {
            let mut reqs = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let r = crosshedge_app::basis::BasisRequest::from_flat(item)
                    .map_err(|e| AppError { message: format!("pair {i}: {}", e.message), ..e })?;
                reqs.push(r);
            }
            let ws = Workspace::new(cfg);
            let out = crosshedge_app::stress_blocks::basis_scan(&ws, &reqs, &prog)?;
            // Each answer with its table as `crosshedge basis` prints it.
            let mut items = Vec::with_capacity(out.len());
            for item in &out {
                let mut v = serde_json::to_value(item)?;
                if let (ScanItem::Ok(r), Value::Object(m)) = (item, &mut v) {
                    m.insert("summary".into(), Value::String(crosshedge_render::basis::render(r)));
                }
                items.push(v);
            }
            Ok(serde_json::to_string(&items)?)
        })
    });
    if let Some(e) = prog.take_error() {
        return Err(e);
    }
    out.map_err(py_err)
}

/// Parses an optional `YYYY-MM-DD` date argument named `what`.
fn date_arg(what: &str, s: Option<&str>) -> PyResult<Option<chrono::NaiveDate>> {
    s.map(|s| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
            InputError::new_err(format!("{what}: '{s}' is not a YYYY-MM-DD date ({e})"))
        })
    })
    .transpose()
}

/// Days since 1970-01-01 and values of a series.
type DatesValues<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f64>>);

/// The observations of series `name` of the store at `store` in `[start, end]` (ISO dates,
/// inclusive, none = open): `(days since 1970-01-01 as int64, values as float64 in the
/// series' unit)`.
#[pyfunction]
#[pyo3(signature = (store, name, start=None, end=None))]
fn load_series<'py>(
    py: Python<'py>,
    store: PathBuf,
    name: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> PyResult<DatesValues<'py>> {
    let (from, to) = (date_arg("start", start)?, date_arg("end", end)?);
    let out = py.detach(|| {
        let ws = Workspace::at(store);
        let s = ws.load(name, from, to)?;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let days: Vec<i64> = s.dates().iter().map(|d| (*d - epoch).num_days()).collect();
        Ok::<_, AppError>((days, s.values().to_vec()))
    });
    let (days, values) = out.map_err(py_err)?;
    Ok((days.into_pyarray(py), values.into_pyarray(py)))
}

/// Builds the demo market of `seed` into `dir` (`dir/crosshedge.db` and `dir/data/`, import
/// time 2026-01-01T00:00:00Z), as `crosshedge demo --out DIR --seed SEED` does; returns the
/// store's path.
#[pyfunction]
fn build_demo_store(py: Python<'_>, dir: PathBuf, seed: u64) -> PyResult<PathBuf> {
    py.detach(|| {
        let cfg = crosshedge_demo::DemoConfig { seed, ..crosshedge_demo::DemoConfig::default() };
        let market =
            crosshedge_demo::generate(&cfg).map_err(|e| AppError::analysis(e.to_string()))?;
        crosshedge_app::demo::build_store(&dir, &market, "2026-01-01T00:00:00Z")
    })
    .map_err(py_err)
}

/// A contiguous view of `a`, or a copy when it is strided.
fn slice<'a, T: numpy::Element + Copy>(a: &'a PyReadonlyArray1<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}

/// The kernel's result with its error replaced by one naming the first NaN of the named
/// inputs (`forward[3] is NaN`) when there is one. The batch kernels refuse every non-finite
/// input themselves, so a valid batch pays no extra pass over its inputs; only a refused one
/// is scanned for the NaN that a user should be told about.
fn naming_nan<T>(
    inputs: &[(&str, &Cow<'_, [f64]>)],
    r: Result<T, crosshedge_pricing::PricingError>,
) -> Result<T, String> {
    r.map_err(|e| {
        for (name, xs) in inputs {
            if let Some(i) = xs.iter().position(|x| x.is_nan()) {
                return format!("{name}[{i}] is NaN");
            }
        }
        e.to_string()
    })
}

/// Calls (true) and puts (false) as option kinds.
fn kinds(is_call: &[bool]) -> Vec<OptionKind> {
    is_call.iter().map(|&c| if c { OptionKind::Call } else { OptionKind::Put }).collect()
}

/// The six arrays of a batch result, moved into numpy without copying.
type GreekArrays<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

fn greek_arrays(py: Python<'_>, g: GreeksSoA) -> GreekArrays<'_> {
    (
        g.price.into_pyarray(py),
        g.delta.into_pyarray(py),
        g.gamma.into_pyarray(py),
        g.vega.into_pyarray(py),
        g.theta.into_pyarray(py),
        g.rho.into_pyarray(py),
    )
}

/// Black-76 price and greeks of equal-length 1-D arrays (the Python layer broadcasts):
/// `is_call` (bool), `forward` and `strike` (> 0, price units), `expiry_years` (≥ 0, years),
/// `vol` (≥ 0, decimal per year), `rate` (continuously compounded, decimal per year). Returns
/// `(price, delta, gamma, vega, theta, rho)`: true derivatives (vega per 1.00 of vol, theta
/// `−∂V/∂T` per year, rho per 1.00 of rate). GIL released; NaN or invalid input: `InputError`.
#[pyfunction]
fn black76<'py>(
    py: Python<'py>,
    is_call: PyReadonlyArray1<'py, bool>,
    forward: PyReadonlyArray1<'py, f64>,
    strike: PyReadonlyArray1<'py, f64>,
    expiry_years: PyReadonlyArray1<'py, f64>,
    vol: PyReadonlyArray1<'py, f64>,
    rate: PyReadonlyArray1<'py, f64>,
) -> PyResult<GreekArrays<'py>> {
    let (c, f, k, t, v, r) = (
        slice(&is_call),
        slice(&forward),
        slice(&strike),
        slice(&expiry_years),
        slice(&vol),
        slice(&rate),
    );
    let out = py.detach(|| {
        let mut out = GreeksSoA::default();
        on_black76_batch((&c, [&f, &k, &t, &v, &r]), |b| black76_greeks_batch(b, &mut out))?;
        Ok::<_, String>(out)
    });
    Ok(greek_arrays(py, out.map_err(InputError::new_err)?))
}

/// `run` on the Black-76 batch of the inputs `(is_call, forward, strike, expiry_years, vol,
/// rate)`, its error naming the first NaN input when there is one ([`naming_nan`]): the one
/// body of [`black76`] and [`black76_into`].
fn on_black76_batch<T>(
    (c, [f, k, t, v, r]): (&Cow<'_, [bool]>, [&Cow<'_, [f64]>; 5]),
    run: impl FnOnce(&Black76Batch<'_>) -> Result<T, crosshedge_pricing::PricingError>,
) -> Result<T, String> {
    let kind = kinds(c);
    let batch = Black76Batch { kind: &kind, forward: f, strike: k, vol: v, t_years: t, rate: r };
    let inputs = [("forward", f), ("strike", k), ("expiry_years", t), ("vol", v), ("rate", r)];
    naming_nan(&inputs, run(&batch))
}

/// [`black76`] into the caller's six float64 arrays (`price, delta, gamma, vega, theta, rho`,
/// each C-contiguous, writable and as long as the inputs): no allocation, so a loop repricing
/// a book reuses its buffers (the Python layer's `out=`). GIL released.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn black76_into(
    py: Python<'_>,
    is_call: PyReadonlyArray1<'_, bool>,
    forward: PyReadonlyArray1<'_, f64>,
    strike: PyReadonlyArray1<'_, f64>,
    expiry_years: PyReadonlyArray1<'_, f64>,
    vol: PyReadonlyArray1<'_, f64>,
    rate: PyReadonlyArray1<'_, f64>,
    out: [Bound<'_, PyArray1<f64>>; 6],
) -> PyResult<()> {
    let (c, f, k, t, v, r) = (
        slice(&is_call),
        slice(&forward),
        slice(&strike),
        slice(&expiry_years),
        slice(&vol),
        slice(&rate),
    );
    let mut rw: Vec<numpy::PyReadwriteArray1<'_, f64>> =
        out.iter().map(|a| a.try_readwrite()).collect::<Result<_, _>>().map_err(|e| {
            InputError::new_err(format!("out: an output array is not writable: {e}"))
        })?;
    let mut slices: Vec<&mut [f64]> = Vec::with_capacity(6);
    for (a, name) in rw.iter_mut().zip(GREEK_NAMES) {
        slices.push(
            a.as_slice_mut()
                .map_err(|_| InputError::new_err(format!("out['{name}']: not C-contiguous")))?,
        );
    }
    let [p, d, g, ve, th, rh]: [&mut [f64]; 6] =
        slices.try_into().map_err(|_| InputError::new_err("out: six arrays"))?;
    py.detach(|| {
        let out = GreeksOut { price: p, delta: d, gamma: g, vega: ve, theta: th, rho: rh };
        on_black76_batch((&c, [&f, &k, &t, &v, &r]), |b| black76_greeks_batch_into(b, out))
    })
    .map_err(InputError::new_err)
}

/// The greeks' names in the order of [`GreekArrays`].
const GREEK_NAMES: [&str; 6] = ["price", "delta", "gamma", "vega", "theta", "rho"];

/// Black–Scholes price and greeks (with a continuous dividend yield) of equal-length 1-D
/// arrays: as [`black76`] with `spot` for `forward` and `div_yield` (decimal per year); delta
/// and gamma are with respect to spot. Returns the six arrays and `dividend_rho` (`∂V/∂q`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn black_scholes<'py>(
    py: Python<'py>,
    is_call: PyReadonlyArray1<'py, bool>,
    spot: PyReadonlyArray1<'py, f64>,
    strike: PyReadonlyArray1<'py, f64>,
    expiry_years: PyReadonlyArray1<'py, f64>,
    vol: PyReadonlyArray1<'py, f64>,
    rate: PyReadonlyArray1<'py, f64>,
    div_yield: PyReadonlyArray1<'py, f64>,
) -> PyResult<(GreekArrays<'py>, Bound<'py, PyArray1<f64>>)> {
    let (c, s, k, t, v, r, q) = (
        slice(&is_call),
        slice(&spot),
        slice(&strike),
        slice(&expiry_years),
        slice(&vol),
        slice(&rate),
        slice(&div_yield),
    );
    let out = py.detach(|| {
        let kind = kinds(&c);
        let batch = BlackScholesBatch {
            kind: &kind,
            spot: &s,
            strike: &k,
            vol: &v,
            t_years: &t,
            rate: &r,
            div_yield: &q,
        };
        let mut out = BlackScholesGreeksSoA::default();
        let inputs = [
            ("spot", &s),
            ("strike", &k),
            ("expiry_years", &t),
            ("vol", &v),
            ("rate", &r),
            ("div_yield", &q),
        ];
        naming_nan(&inputs, black_scholes_greeks_batch(&batch, &mut out))?;
        Ok::<_, String>(out)
    });
    let out = out.map_err(InputError::new_err)?;
    Ok((greek_arrays(py, out.greeks), out.dividend_rho.into_pyarray(py)))
}

/// Black-76 implied volatility (decimal per year) of equal-length 1-D arrays `is_call`,
/// `price` (the option's present value), `forward`, `strike`, `expiry_years`, `rate`; NaN
/// where no volatility reproduces the price (as the batch kernel reports it).
#[pyfunction]
fn implied_vol<'py>(
    py: Python<'py>,
    is_call: PyReadonlyArray1<'py, bool>,
    price: PyReadonlyArray1<'py, f64>,
    forward: PyReadonlyArray1<'py, f64>,
    strike: PyReadonlyArray1<'py, f64>,
    expiry_years: PyReadonlyArray1<'py, f64>,
    rate: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (c, p, f, k, t, r) = (
        slice(&is_call),
        slice(&price),
        slice(&forward),
        slice(&strike),
        slice(&expiry_years),
        slice(&rate),
    );
    let out = py.detach(|| {
        let kind = kinds(&c);
        let batch = ImpliedVolBatch {
            kind: &kind,
            price: &p,
            forward: &f,
            strike: &k,
            t_years: &t,
            rate: &r,
        };
        let mut out = vec![0.0; p.len()];
        let inputs =
            [("price", &p), ("forward", &f), ("strike", &k), ("expiry_years", &t), ("rate", &r)];
        naming_nan(&inputs, implied_vol_black76_batch(&batch, &mut out))?;
        Ok::<_, String>(out)
    });
    Ok(out.map_err(InputError::new_err)?.into_pyarray(py))
}

/// `text` parsed into a `serde_json::Value` and printed again, as the CLI's snapshot test
/// stores `--json` output (sorted keys; serde_json's default float parser, which may move a
/// float by one ulp): what the parity tests compare with `tests/snapshots/*.json`.
#[pyfunction]
fn snapshot_json(text: &str) -> PyResult<String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| InputError::new_err(format!("not JSON: {e}")))?;
    serde_json::to_string(&v).map_err(|e| AnalysisError::new_err(e.to_string()))
}

/// The native module `crosshedge._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("AnalysisError", py.get_type::<AnalysisError>())?;
    m.add("Cancelled", py.get_type::<Cancelled>())?;
    m.add("JOB_NAMES", JOBS.to_vec())?;
    m.add("DEFAULT_DATA_DIR", crosshedge_app::DEFAULT_DATA_DIR)?;
    m.add_function(wrap_pyfunction!(run_job, m)?)?;
    m.add_function(wrap_pyfunction!(load_series, m)?)?;
    m.add_function(wrap_pyfunction!(build_demo_store, m)?)?;
    m.add_function(wrap_pyfunction!(snapshot_json, m)?)?;
    m.add_function(wrap_pyfunction!(black76, m)?)?;
    m.add_function(wrap_pyfunction!(black76_into, m)?)?;
    m.add_function(wrap_pyfunction!(black_scholes, m)?)?;
    m.add_function(wrap_pyfunction!(implied_vol, m)?)?;
    m.add_function(wrap_pyfunction!(stress_block_count, m)?)?;
    m.add_function(wrap_pyfunction!(stress_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(stress_combine, m)?)?;
    m.add_class::<PyStressCombiner>()?;
    m.add_function(wrap_pyfunction!(basis_scan, m)?)?;
    Ok(())
}
