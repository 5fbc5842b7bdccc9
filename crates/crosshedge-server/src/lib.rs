//! # crosshedge-server: the local dashboard's server
//!
//! The jobs of [`crosshedge_app`] as a JSON API under `/api/v1` (axum on tokio): a request
//! body is the job's request given flat (the CLI's flag names in snake_case), the response is
//! exactly the job's response (the CLI's `--json` for the same flags). Long jobs (stress,
//! backtest, report, a large bootstrap) run in the background with progress, server-sent
//! events and cancellation. `GET /` serves the embedded page, `GET /api/v1/openapi.json`
//! describes every route.
//!
//! **Security.** Loopback by default; a non-loopback bind needs a token, and then every
//! request needs `Authorization: Bearer <token>`. The `Host` header must name the server
//! (DNS-rebinding protection), state-changing requests from another origin are refused, JSON
//! bodies are limited to [`ServerConfig::json_limit`] bytes and CSV uploads to
//! [`ServerConfig::upload_limit`], synchronous jobs to [`ServerConfig::request_timeout`], and
//! at most [`ServerConfig::max_long_jobs`] long jobs are queued or running at once.
//!
//! ```no_run
//! # async fn f() -> Result<(), crosshedge_server::ServerError> {
//! let config = crosshedge_server::ServerConfig::local("crosshedge.db".into(), "data".into(), 8050);
//! crosshedge_server::serve(config, async { let _ = tokio::signal::ctrl_c().await; }, |url| {
//!     println!("{url}");
//! })
//! .await
//! # }
//! ```

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crosshedge_app::{AppError, Progress, Silent, Workspace, WorkspaceConfig};
use serde_json::Value;

pub mod assets;
pub mod error;
pub mod jobs;
mod jobs_table;
pub mod openapi;

pub use error::ApiError;
use jobs::{JobProgress, Jobs};

/// How the server runs: where the data are, where it listens, its limits.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The store (SQLite file).
    pub store: PathBuf,
    /// The data directory (CSV files the jobs read).
    pub data_dir: PathBuf,
    /// The address to bind; loopback unless a token is given.
    pub bind: IpAddr,
    /// The port (0: any free port; the bound one is reported at startup).
    pub port: u16,
    /// When set, every request needs `Authorization: Bearer <token>`; required for a
    /// non-loopback bind.
    pub token: Option<String>,
    /// Long jobs queued or running at once; beyond: 429.
    pub max_long_jobs: usize,
    /// Synchronous jobs running at once (more wait).
    pub max_sync_jobs: usize,
    /// Time limit of a synchronous job; beyond it the job is cancelled and 503 answered.
    pub request_timeout: Duration,
    /// Limit of a JSON body, bytes; beyond: 413.
    pub json_limit: usize,
    /// Limit of a CSV upload, bytes; beyond: 413.
    pub upload_limit: usize,
    /// How long a finished long job is kept.
    pub keep_jobs_for: Duration,
    /// How many finished long jobs are kept.
    pub keep_jobs: usize,
}

impl ServerConfig {
    /// On 127.0.0.1 at `port`, no token, the default limits.
    pub fn local(store: PathBuf, data_dir: PathBuf, port: u16) -> Self {
        Self {
            store,
            data_dir,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port,
            token: None,
            max_long_jobs: 4,
            max_sync_jobs: 16,
            request_timeout: Duration::from_secs(120),
            json_limit: 1 << 20,
            upload_limit: 64 << 20,
            keep_jobs_for: Duration::from_secs(3600),
            keep_jobs: 64,
        }
    }

    /// Refuses a non-loopback bind without a token, and an empty token.
    ///
    /// # Errors
    /// [`ServerError::Config`] saying why.
    pub fn validate(&self) -> Result<(), ServerError> {
        if self.token.as_deref().is_some_and(str::is_empty) {
            return Err(ServerError::Config("--token must not be empty".into()));
        }
        if !self.bind.is_loopback() && self.token.is_none() {
            return Err(ServerError::Config(format!(
                "--bind {} is not a loopback address: give --token so that every request \
                 must carry it",
                self.bind
            )));
        }
        Ok(())
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration is refused.
    #[error("{0}")]
    Config(String),
    /// Binding or serving failed.
    #[error("serving on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    config: ServerConfig,
    /// The port the server answers on (the bound one once bound).
    port: AtomicU16,
    jobs: Arc<Jobs>,
    sync_permits: tokio::sync::Semaphore,
    import_lock: tokio::sync::Mutex<()>,
}

impl AppState {
    /// The state of a server with `config`.
    pub fn new(config: ServerConfig) -> Arc<Self> {
        let jobs =
            Arc::new(Jobs::new(config.max_long_jobs, config.keep_jobs_for, config.keep_jobs));
        Arc::new(Self {
            port: AtomicU16::new(config.port),
            sync_permits: tokio::sync::Semaphore::new(config.max_sync_jobs.max(1)),
            jobs,
            import_lock: tokio::sync::Mutex::new(()),
            config,
        })
    }

    fn workspace(&self) -> Workspace {
        Workspace::new(WorkspaceConfig {
            store: self.config.store.clone(),
            data_dir: self.config.data_dir.clone(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The background jobs.
    pub fn jobs(&self) -> &Arc<Jobs> {
        &self.jobs
    }
}

type Shared = Arc<AppState>;

/// The name of the cookie that carries the token for a browser (see the request guard in this module).
pub const TOKEN_COOKIE: &str = "crosshedge_token";

/// The whole application: every route, the security checks and the limits.
pub fn router(state: Arc<AppState>) -> Router {
    let mut api = Router::new();
    for job in jobs_table::sync_jobs() {
        let run = job.run;
        api = api.route(
            &format!("/api/v1/{}", job.name),
            post(move |State(s): State<Shared>, body: Result<Bytes, BytesRejection>| async move {
                sync_job(s, run, body).await
            }),
        );
    }
    for job in jobs_table::long_jobs() {
        let (run, check, name) = (job.run, job.check, job.name);
        api = api.route(
            &format!("/api/v1/jobs/{name}"),
            post(move |State(s): State<Shared>, body: Result<Bytes, BytesRejection>| async move {
                start_job(s, name, run, check, body)
            }),
        );
    }
    let json_limit = state.config.json_limit;
    let upload_limit = state.config.upload_limit;
    let api = api
        .route("/api/v1/series", get(series_list))
        .route("/api/v1/series/{name}", get(series_show))
        .route("/api/v1/series/{name}/revisions", get(series_revisions))
        .route("/api/v1/imports", get(imports))
        .route("/api/v1/fetch", post(fetch))
        .route("/api/v1/jobs/{id}", get(job_status).delete(job_cancel))
        .route("/api/v1/jobs/{id}/events", get(job_events))
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/api/v1/book/default", get(default_book))
        .route("/", get(|headers: HeaderMap| async move { assets::INDEX.respond(&headers) }))
        .route("/assets/{*path}", get(asset))
        .layer(DefaultBodyLimit::max(json_limit));
    let upload = Router::new()
        .route("/api/v1/import", post(import))
        .layer(DefaultBodyLimit::max(upload_limit));
    api.merge(upload)
        .fallback(|| async { ApiError::request(StatusCode::NOT_FOUND, "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::request(StatusCode::METHOD_NOT_ALLOWED, "method not allowed on this route")
        })
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&state), guard))
        .with_state(state)
}

/// Binds, reports the URL through `ready`, serves until `shutdown` completes, then cancels
/// the running long jobs and lets open requests finish.
///
/// # Errors
/// A refused configuration, or the bind failing.
pub async fn serve(
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(&str),
) -> Result<(), ServerError> {
    config.validate()?;
    let addr = SocketAddr::new(config.bind, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Io { addr, source })?;
    let bound = listener.local_addr().map_err(|source| ServerError::Io { addr, source })?;
    let state = AppState::new(config);
    state.port.store(bound.port(), Ordering::SeqCst);
    ready(&format!("http://{bound}/"));
    let jobs = Arc::clone(&state.jobs);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown.await;
            jobs.cancel_all();
        })
        .await
        .map_err(|source| ServerError::Io { addr: bound, source })
}

/// [`serve`] on a multi-threaded tokio runtime of its own until Ctrl-C: what the binary's
/// `serve` command calls (it needs no tokio of its own).
///
/// # Errors
/// As [`serve`]; an I/O error when the runtime cannot be built.
pub fn serve_until_ctrl_c(
    config: ServerConfig,
    ready: impl FnOnce(&str),
) -> Result<(), ServerError> {
    let addr = SocketAddr::new(config.bind, config.port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServerError::Io { addr, source })?;
    runtime.block_on(serve(
        config,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
        ready,
    ))
}

/// True when `a` and `b` are equal, in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `Host` values the server answers to: localhost, the loopback addresses and the bound
/// address, each with the port.
fn allowed_hosts(state: &AppState) -> Vec<String> {
    let port = state.port.load(Ordering::SeqCst);
    let bind = match state.config.bind {
        IpAddr::V6(a) => format!("[{a}]"),
        IpAddr::V4(a) => a.to_string(),
    };
    let mut hosts: Vec<String> =
        ["localhost", "127.0.0.1", "[::1]"].iter().map(|h| format!("{h}:{port}")).collect();
    hosts.push(format!("{bind}:{port}"));
    hosts
}

/// True when `host` (lower case) names this server: one of `hosts`, or, when the server is
/// bound to every interface (`0.0.0.0`, `::`; a token is then required), any IP address
/// literal with the port — DNS rebinding needs a name, never an address.
fn host_ok(state: &AppState, hosts: &[String], host: &str) -> bool {
    if hosts.iter().any(|h| h == host) {
        return true;
    }
    if !state.config.bind.is_unspecified() {
        return false;
    }
    host.parse::<SocketAddr>().is_ok_and(|a| a.port() == state.port.load(Ordering::SeqCst))
}

/// The security checks of every request: the token, the `Host` header, the origin of a
/// state-changing request.
///
/// **A browser and the token.** A browser cannot add `Authorization` to the page's own
/// requests, so it brings the token once in the address: `GET /?token=<token>` (the URL the
/// startup line prints). When the token is right, the answer is a redirect to `/` that sets it
/// as the cookie [`TOKEN_COOKIE`] (`HttpOnly`: no script reads it; `SameSite=Strict`: no
/// other site's page sends it; `Path=/`), and the address bar no longer shows it; every later
/// request of the page carries the cookie, which the guard accepts like the header. A wrong
/// token in the address is 401 like a wrong header.
async fn guard(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if let Some(r) = token_login(&state, &req) {
        return r;
    }
    match check(&state, req.method(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The value of `name` in the query string `query` (no percent-decoding: a token is
/// URL-safe text).
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// `GET /?token=...` with the right token and `Host`: the redirect that sets the cookie; a
/// wrong token: 401; anything else: `None` (the ordinary checks follow).
fn token_login(state: &AppState, req: &Request) -> Option<Response> {
    let token = state.config.token.as_deref()?;
    if req.method() != Method::GET || req.uri().path() != "/" {
        return None;
    }
    let given = query_value(req.uri().query()?, "token")?;
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !host_ok(state, &allowed_hosts(state), &host.to_ascii_lowercase()) {
        return None;
    }
    if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
        return Some(
            ApiError::request(StatusCode::UNAUTHORIZED, "wrong token in the address")
                .into_response(),
        );
    }
    let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
    Some(
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/".to_string()), (header::SET_COOKIE, cookie)],
        )
            .into_response(),
    )
}

/// The token of the [`TOKEN_COOKIE`] cookie, if any.
fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.split(';').find_map(|kv| kv.trim().strip_prefix(TOKEN_COOKIE)?.strip_prefix('='))
    })
}

fn check(state: &AppState, method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("").to_ascii_lowercase();
    let hosts = allowed_hosts(state);
    if !host_ok(state, &hosts, &host) {
        return Err(ApiError::request(
            StatusCode::MISDIRECTED_REQUEST,
            format!("Host header '{host}' is not this server (expected {})", hosts.join(", ")),
        ));
    }
    if let Some(token) = &state.config.token {
        let given = text(header::AUTHORIZATION).and_then(|a| a.strip_prefix("Bearer "));
        let ok =
            |g: Option<&str>| g.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes()));
        if !ok(given) && !ok(cookie_token(headers)) {
            return Err(ApiError::request(
                StatusCode::UNAUTHORIZED,
                "missing or wrong token: send Authorization: Bearer <token> (a browser: open \
                 /?token=<token> once)",
            ));
        }
    }
    let changes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if changes {
        if let Some(origin) = text(header::ORIGIN) {
            let own = hosts
                .iter()
                .chain(std::iter::once(&host))
                .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
            if !own {
                return Err(ApiError::request(
                    StatusCode::FORBIDDEN,
                    format!("cross-origin request from '{origin}' refused"),
                ));
            }
        }
    }
    Ok(())
}

/// The body as JSON (an empty body is `{}`), or 400/413.
fn json_body(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "request body too large".to_string()
        } else {
            r.body_text()
        };
        ApiError::request(status, message)
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::request(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")))
}

/// Runs `f` on the blocking pool with a workspace of its own.
async fn blocking<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&Workspace) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError> {
    let ws_state = Arc::clone(state);
    tokio::task::spawn_blocking(move || f(&ws_state.workspace()))
        .await
        .map_err(|e| ApiError::from(AppError::analysis(format!("job panicked: {e}"))))?
        .map_err(ApiError::from)
}

/// `POST /api/v1/<job>`: the job run now, its response as the body.
async fn sync_job(
    state: Shared,
    run: jobs_table::RunFn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(body)?;
    let _permit = state
        .sync_permits
        .acquire()
        .await
        .map_err(|_| ApiError::from(AppError::analysis("server shutting down")))?;
    let progress = Arc::new(JobProgress::default());
    let p = Arc::clone(&progress);
    let work = blocking(&state, move |ws| run(ws, &body, &*p));
    match tokio::time::timeout(state.config.request_timeout, work).await {
        Ok(r) => r.map(Json),
        Err(_) => {
            progress.cancel();
            Err(ApiError::request(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the job took longer than {} s: run it as a long job (POST /api/v1/jobs/...)",
                    state.config.request_timeout.as_secs()
                ),
            ))
        }
    }
}

/// `POST /api/v1/jobs/<job>`: 202 `{"id": ...}`, or 429 when enough long jobs run already.
fn start_job(
    state: Shared,
    name: &'static str,
    run: jobs_table::RunFn,
    check: jobs_table::CheckFn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = json_body(body)?;
    check(&body)?;
    let Some((job, slot)) = state.jobs.admit(name) else {
        return Err(ApiError::request(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "{} long jobs are queued or running already: wait for one to finish or cancel one",
                state.config.max_long_jobs
            ),
        ));
    };
    let id = job.id;
    let ws_state = Arc::clone(&state);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        job.set_running();
        let r = if job.progress.is_cancelled() {
            Err(AppError::cancelled())
        } else {
            let ws = ws_state.workspace();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(&ws, &body, &job.progress)
            }))
            .unwrap_or_else(|_| Err(AppError::analysis("the job panicked")))
        };
        job.finish(r);
    });
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({"id": id.to_string()}))).into_response())
}

fn find_job(state: &AppState, id: &str) -> Result<Arc<jobs::Job>, ApiError> {
    id.parse::<u64>()
        .ok()
        .and_then(|n| state.jobs.get(n))
        .ok_or_else(|| ApiError::request(StatusCode::NOT_FOUND, format!("no job '{id}'")))
}

/// `GET /api/v1/jobs/{id}`.
async fn job_status(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(find_job(&state, &id)?.status()))
}

/// `DELETE /api/v1/jobs/{id}`: asks the job to stop (202 with its status); 409 when it has
/// already ended.
async fn job_cancel(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = find_job(&state, &id)?;
    if job.state().is_final() {
        return Err(ApiError::request(StatusCode::CONFLICT, format!("job {id} has already ended")));
    }
    job.progress.cancel();
    Ok((StatusCode::ACCEPTED, Json(job.status())).into_response())
}

/// `GET /api/v1/jobs/{id}/events`: a `progress` event whenever the status changes (polled
/// every 100 ms), the last one with the final state; then the stream ends.
async fn job_events(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = find_job(&state, &id)?;
    let stream = futures_util::stream::unfold(
        (job, None::<String>, false),
        |(job, last, ended)| async move {
            if ended {
                return None;
            }
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let status = job.status();
                let text = status.to_string();
                if last.as_deref() != Some(text.as_str()) {
                    let end = job.state().is_final();
                    let ev =
                        Event::default().event(if end { "end" } else { "progress" }).data(&text);
                    return Some((Ok::<_, std::convert::Infallible>(ev), (job, Some(text), end)));
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

/// `GET /api/v1/series`: every series of the store.
async fn series_list(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    series(&state, serde_json::json!({})).await
}

/// `GET /api/v1/imports`: the imports recorded in the store.
async fn imports(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    series(&state, serde_json::json!({"action": "imports"})).await
}

/// `GET /api/v1/series/{name}?from=&to=`: one series' observations.
async fn series_show(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut show = serde_json::Map::new();
    show.insert("name".into(), Value::String(name));
    for (k, v) in q {
        show.insert(k, Value::String(v));
    }
    series(&state, serde_json::json!({"action": {"show": show}})).await
}

/// `GET /api/v1/series/{name}/revisions?date=`: every stored revision of one series (of one
/// date with `date`), as `crosshedge series revisions NAME [--date D] --json`.
async fn series_revisions(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut r = serde_json::Map::new();
    r.insert("name".into(), Value::String(name));
    for (k, v) in q {
        r.insert(k, Value::String(v));
    }
    series(&state, serde_json::json!({"action": {"revisions": r}})).await
}

async fn series(state: &Shared, req: Value) -> Result<Json<Value>, ApiError> {
    let req: crosshedge_app::series::SeriesRequest =
        crosshedge_app::json::request_from_value(req).map_err(ApiError::from)?;
    let v = blocking(state, move |ws| {
        Ok(serde_json::to_value(crosshedge_app::series::run(ws, &req, &Silent)?)?)
    })
    .await?;
    Ok(Json(v))
}

/// The import request of an upload: the query's fields (strings; `series` as
/// `NAME=COLUMN[,NAME=COLUMN...]`, `allow_bad_expiry` as `true`/`false`, `scale` as a
/// number, `format` as a vendor format name such as `fred`), the file at `file`,
/// recorded in the store as `name` (the uploaded file's name, not the temporary path).
fn import_request(
    q: &HashMap<String, String>,
    file: &std::path::Path,
    name: &str,
) -> Result<crosshedge_app::import::ImportRequest, AppError> {
    let mut m = serde_json::Map::new();
    for (k, v) in q {
        let value = match k.as_str() {
            "file_name" | "filename" => continue,
            "source_name" => {
                return Err(AppError::input(
                    "request field `source_name`: an upload is named by `file_name`",
                ))
            }
            "file" | "manifest" => {
                return Err(AppError::input(format!(
                    "request field `{k}`: not with an upload (the body is the file)"
                )))
            }
            "series" => Value::Array(
                v.split(',')
                    .map(|s| {
                        let (name, column) = s.split_once('=').ok_or_else(|| {
                            AppError::input(format!(
                                "request field `series`: '{s}' is not NAME=COLUMN"
                            ))
                        })?;
                        Ok(serde_json::json!({"name": name, "column": column}))
                    })
                    .collect::<Result<_, AppError>>()?,
            ),
            "scale" => {
                let f: f64 = v.trim().parse().map_err(|_| {
                    AppError::input(format!("request field `scale`: '{v}' is not a number"))
                })?;
                serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| {
                    AppError::input(format!(
                        "request field `scale`: '{v}' is not a finite, non-zero factor"
                    ))
                })?
            }
            "allow_bad_expiry" => Value::Bool(v.parse().map_err(|_| {
                AppError::input(format!(
                    "request field `allow_bad_expiry`: '{v}' is not true or false"
                ))
            })?),
            _ => Value::String(v.clone()),
        };
        m.insert(k.clone(), value);
    }
    if !m.contains_key("imported_at") {
        m.insert("imported_at".into(), Value::String(now_utc()));
    }
    m.insert("file".into(), Value::String(file.display().to_string()));
    m.insert("source_name".into(), Value::String(name.to_string()));
    crosshedge_app::json::request_from_value(Value::Object(m))
}

/// The uploaded file's name: the query's `file_name` (or `filename`), else the `filename` of
/// a `Content-Disposition` header, else `upload.csv`; only its last path component.
fn upload_name(q: &HashMap<String, String>, headers: &HeaderMap) -> String {
    let disposition =
        headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()).and_then(|d| {
            d.split(';').find_map(|p| {
                let v = p.trim().strip_prefix("filename=")?;
                Some(v.trim_matches('"').to_string())
            })
        });
    let given = q.get("file_name").or_else(|| q.get("filename")).cloned().or(disposition);
    given
        .as_deref()
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .unwrap_or("upload.csv")
        .to_string()
}

/// The server's clock, read once per upload that does not stamp its own time.
#[allow(clippy::disallowed_methods)]
fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `POST /api/v1/import?series=NAME=COLUMN&calendar=...`: the body is the CSV file; it is
/// written to a temporary directory and imported, recorded in the store (and named in
/// messages) by the uploaded file's name ([`upload_name`]); a bad file leaves the store
/// untouched.
async fn import(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        ApiError::request(
            status,
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                "upload too large".to_string()
            } else {
                r.body_text()
            },
        )
    })?;
    let name = upload_name(&q, &headers);
    let _lock = state.import_lock.lock().await;
    let st = Arc::clone(&state);
    let v = tokio::task::spawn_blocking(move || -> Result<Value, AppError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("upload.csv");
        std::fs::write(&path, &bytes)?;
        let req = import_request(&q, &path, &name)?;
        let mut ws = st.workspace();
        // The message names the uploaded file as the browser sent it, not the temporary path.
        let prefix = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
        let done = crosshedge_app::import::run(&mut ws, &req, &Silent).map_err(|mut e| {
            e.message = e.message.replace(&prefix, "");
            e
        })?;
        Ok(serde_json::to_value(done)?)
    })
    .await
    .map_err(|e| ApiError::from(AppError::analysis(format!("import panicked: {e}"))))??;
    Ok(Json(v))
}

/// `POST /api/v1/fetch {"specs": ["vix", "binance:BTCUSDT=btc"], ...}`: the app's fetch job
/// (`crosshedge fetch --json`'s request and response), one at a time with the uploads. The body's
/// fields are the job's (`specs`, `from`, `to`, `offline`, `base_urls`, `fetched_at` — now when
/// left out); `cache_dir` and `manifest` name paths on the server's disk and are refused (422):
/// the cache is the store's default one.
async fn fetch(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let mut v = json_body(body)?;
    if let Value::Object(m) = &mut v {
        for field in ["cache_dir", "manifest"] {
            if m.contains_key(field) {
                return Err(ApiError::from(AppError::input(format!(
                    "{field}: not accepted over HTTP (a path on the server); the store's own cache is used"
                ))));
            }
        }
        if !m.contains_key("fetched_at") {
            m.insert("fetched_at".into(), Value::String(now_utc()));
        }
    }
    let _lock = state.import_lock.lock().await;
    let st = Arc::clone(&state);
    let out = tokio::task::spawn_blocking(move || -> Result<Value, AppError> {
        let req: crosshedge_app::fetch::FetchRequest = crosshedge_app::json::request_from_value(v)?;
        let mut ws = st.workspace();
        Ok(serde_json::to_value(crosshedge_app::fetch::run(&mut ws, &req, &Silent)?)?)
    })
    .await
    .map_err(|e| ApiError::from(AppError::analysis(format!("fetch panicked: {e}"))))??;
    Ok(Json(out))
}

/// `GET /assets/{path}`: an embedded file.
async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    assets::find(&path)
        .map(|a| a.respond(&headers))
        .ok_or_else(|| ApiError::request(StatusCode::NOT_FOUND, format!("no asset '{path}'")))
}

/// `GET /api/v1/book/default`: the built-in hedge book as TOML text (what the page's book
/// editor starts from; the jobs take it back as `{"book": {"toml": ...}}`).
async fn default_book() -> Result<Response, ApiError> {
    let text = toml::to_string(&crosshedge_hedging::Book::default_layered()).map_err(|e| {
        ApiError::from(AppError::analysis(format!("the default book as TOML: {e}")))
    })?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The routes the router serves, as (method, path) in OpenAPI's path syntax: what
/// [`openapi::document`] lists.
pub fn routes() -> Vec<(&'static str, String)> {
    let mut r: Vec<(&'static str, String)> = Vec::new();
    for j in jobs_table::sync_jobs() {
        r.push(("post", format!("/api/v1/{}", j.name)));
    }
    for j in jobs_table::long_jobs() {
        r.push(("post", format!("/api/v1/jobs/{}", j.name)));
    }
    for (m, p) in [
        ("get", "/api/v1/series"),
        ("get", "/api/v1/series/{name}"),
        ("get", "/api/v1/series/{name}/revisions"),
        ("get", "/api/v1/imports"),
        ("post", "/api/v1/import"),
        ("post", "/api/v1/fetch"),
        ("get", "/api/v1/jobs/{id}"),
        ("delete", "/api/v1/jobs/{id}"),
        ("get", "/api/v1/jobs/{id}/events"),
        ("get", "/api/v1/openapi.json"),
        ("get", "/api/v1/book/default"),
        ("get", "/"),
        ("get", "/assets/{path}"),
    ] {
        r.push((m, p.to_string()));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }

    #[test]
    fn the_hosts_include_the_bound_address_and_port() {
        let mut cfg = ServerConfig::local("s.db".into(), "d".into(), 8050);
        cfg.bind = "::1".parse().unwrap_or(cfg.bind);
        let state = AppState::new(cfg);
        let hosts = allowed_hosts(&state);
        assert!(hosts.contains(&"[::1]:8050".to_string()), "{hosts:?}");
        assert!(hosts.contains(&"localhost:8050".to_string()), "{hosts:?}");
        assert!(!host_ok(&state, &hosts, "192.168.1.5:8050"));
    }
}
