//! The one HTTP client of crosshedge: ureq (blocking, rustls) with a global timeout per
//! request, retries with exponential backoff and seeded jitter that honour `Retry-After`, a
//! rate limiter per vendor host, the proxy environment variables (`HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`; never for loopback), a User-Agent naming the tool
//! and its version, and a content-addressed raw cache ([`crate::cache::RawCache`]).
//!
//! Status handling: 200 returns the body; 429 and 5xx are retried (waiting `Retry-After`
//! seconds when given, else `backoff_base · 2^attempt` capped at `backoff_cap`, times a
//! jitter factor drawn uniformly from [0.5, 1) by a ChaCha8 stream seeded with `seed`); 418
//! (Binance: the IP is banned for ignoring 429s) stops at once; other statuses fail at once.
//! A transfer cut short (a truncated body) and connection errors are retried like 5xx.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cache::RawCache;
use crate::error::excerpt;
use crate::source::Host;
use crate::FetchError;

/// The User-Agent of every request: `crosshedge/<version>`.
pub const USER_AGENT: &str = concat!("crosshedge/", env!("CARGO_PKG_VERSION"));

/// The largest response body accepted, in bytes.
pub const MAX_BODY_BYTES: u64 = 64 << 20;

/// How the client behaves. [`HttpConfig::default`] is the one copy of the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpConfig {
    /// Timeout of one request, connect to last byte.
    pub timeout: Duration,
    /// Retries after the first attempt (429, 5xx, transport errors).
    pub retries: u32,
    /// The first backoff wait; doubled per retry.
    pub backoff_base: Duration,
    /// The longest backoff wait.
    pub backoff_cap: Duration,
    /// The longest `Retry-After` honoured; a longer one fails the request.
    pub max_retry_after: Duration,
    /// Seed of the jitter stream.
    pub seed: u64,
    /// The minimum interval between two requests to one host; `None` = the host's own
    /// ([`Host::min_interval`]).
    pub min_interval: Option<Duration>,
    /// Use the cache only: no request is made, a miss is [`FetchError::NotCached`].
    pub offline: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            seed: 0,
            min_interval: None,
            offline: false,
        }
    }
}

/// What the client did: what the response of a fetch job reports and the tests count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpStats {
    /// HTTP requests sent (retries included).
    pub requests: u64,
    /// Retries (a subset of `requests`).
    pub retries: u64,
    /// Responses served from the cache without a request.
    pub cache_hits: u64,
    /// Every wait before a retry, in order.
    pub waits: Vec<Duration>,
}

/// The client. Not `Sync`: one per job.
pub struct Client {
    config: HttpConfig,
    direct: ureq::Agent,
    proxied: ureq::Agent,
    cache: Option<RawCache>,
    base_urls: HashMap<Host, String>,
    last: RefCell<HashMap<Host, Instant>>,
    rng: RefCell<ChaCha8Rng>,
    stats: RefCell<HttpStats>,
    sleep: Box<dyn Fn(Duration)>,
    requests_before: Cell<u64>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("stats", &self.stats.borrow())
            .finish()
    }
}

fn agent(timeout: Duration, proxy: Option<ureq::Proxy>) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .proxy(proxy)
        .max_redirects(5)
        .build()
        .into()
}

/// True for a URL whose host is the loopback interface (never proxied).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

impl Client {
    /// A client with `config`, the raw cache `cache` and base URLs overriding the vendors'
    /// scheme and host (`base_urls`, e.g. `{Binance: "http://127.0.0.1:8080"}`).
    pub fn new(
        config: HttpConfig,
        cache: Option<RawCache>,
        base_urls: HashMap<Host, String>,
    ) -> Self {
        let seed = config.seed;
        Self {
            direct: agent(config.timeout, None),
            proxied: agent(config.timeout, ureq::Proxy::try_from_env()),
            config,
            cache,
            base_urls,
            last: RefCell::default(),
            rng: RefCell::new(ChaCha8Rng::seed_from_u64(seed)),
            stats: RefCell::default(),
            sleep: Box::new(std::thread::sleep),
            requests_before: Cell::new(0),
        }
    }

    /// The same client waiting through `sleep` instead of `std::thread::sleep` (tests record
    /// the waits instead of sleeping).
    #[must_use]
    pub fn with_sleep(mut self, sleep: impl Fn(Duration) + 'static) -> Self {
        self.sleep = Box::new(sleep);
        self
    }

    /// The base URL (scheme and host) of `host`: the override, else the vendor's.
    pub fn base(&self, host: Host) -> &str {
        self.base_urls.get(&host).map_or(host.default_base(), String::as_str).trim_end_matches('/')
    }

    /// What the client has done so far.
    pub fn stats(&self) -> HttpStats {
        self.stats.borrow().clone()
    }

    /// Requests sent since the last call (for per-source counts).
    pub fn take_requests(&self) -> u64 {
        let now = self.stats.borrow().requests;
        let d = now - self.requests_before.get();
        self.requests_before.set(now);
        d
    }

    /// GETs `path_and_query` (the vendor's documented path) from `host`: the body of a 200.
    /// `source` names the request in errors.
    ///
    /// # Errors
    /// [`FetchError::NotCached`] offline on a miss; [`FetchError::Http`] for a status that
    /// is not retried or still fails after the retries (404 included: the caller may treat
    /// it as "not listed"); [`FetchError::Transport`] for a connection that keeps failing.
    pub fn get(
        &self,
        source: &str,
        host: Host,
        path_and_query: &str,
    ) -> Result<Vec<u8>, FetchError> {
        let key = format!("{}{path_and_query}", host.env_name());
        if self.config.offline {
            return match self.cache.as_ref().map(|c| c.get(&key)).transpose()?.flatten() {
                Some(b) => {
                    self.stats.borrow_mut().cache_hits += 1;
                    Ok(b)
                }
                None => Err(FetchError::NotCached {
                    source_name: source.to_string(),
                    url: format!("{}{path_and_query}", host.default_base()),
                }),
            };
        }
        let url = format!("{}{path_and_query}", self.base(host));
        let body = self.get_url(source, host, &url)?;
        if let Some(c) = &self.cache {
            c.put(&key, &body)?;
        }
        Ok(body)
    }

    /// Waits until `host` may be asked again.
    fn pace(&self, host: Host) {
        let gap = self.config.min_interval.unwrap_or_else(|| host.min_interval());
        let last = self.last.borrow().get(&host).copied();
        if let Some(t) = last {
            let since = t.elapsed();
            if since < gap {
                (self.sleep)(gap - since);
            }
        }
        self.last.borrow_mut().insert(host, Instant::now());
    }

    /// The backoff wait before retry `attempt` (0-based), with jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.backoff_base.saturating_mul(1u32 << attempt.min(16));
        let capped = base.min(self.config.backoff_cap);
        let jitter: f64 = self.rng.borrow_mut().random_range(0.5..1.0);
        capped.mul_f64(jitter)
    }

    fn wait(&self, d: Duration) {
        let mut s = self.stats.borrow_mut();
        s.retries += 1;
        s.waits.push(d);
        drop(s);
        (self.sleep)(d);
    }

    fn get_url(&self, source: &str, host: Host, url: &str) -> Result<Vec<u8>, FetchError> {
        let agent = if is_loopback(url) { &self.direct } else { &self.proxied };
        let mut attempt = 0u32;
        loop {
            self.pace(host);
            self.stats.borrow_mut().requests += 1;
            let last_try = attempt >= self.config.retries;
            let http = |status: u16, message: String| FetchError::Http {
                source_name: source.to_string(),
                url: url.to_string(),
                status,
                message,
            };
            let transport = |message: String| FetchError::Transport {
                source_name: source.to_string(),
                url: url.to_string(),
                message,
            };
            let mut resp = match agent.get(url).call() {
                Ok(r) => r,
                Err(e) => {
                    if last_try {
                        return Err(transport(format!("{e} (after {} attempts)", attempt + 1)));
                    }
                    self.wait(self.backoff(attempt));
                    attempt += 1;
                    continue;
                }
            };
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = resp.body_mut().with_config().limit(MAX_BODY_BYTES).read_to_vec();
            match (status, body) {
                (200, Ok(b)) => return Ok(b),
                (200, Err(e)) => {
                    if last_try {
                        return Err(transport(format!(
                            "truncated or unreadable body: {e} (after {} attempts)",
                            attempt + 1
                        )));
                    }
                    self.wait(self.backoff(attempt));
                }
                (418, b) => {
                    return Err(http(
                        418,
                        format!(
                        "the vendor has banned this IP for ignoring rate limits; stopping ('{}')",
                        excerpt(&b.unwrap_or_default())
                    ),
                    ))
                }
                (429 | 500..=599, b) => {
                    let b = b.unwrap_or_default();
                    if last_try {
                        return Err(http(
                            status,
                            format!(
                                "still failing after {} attempts ('{}')",
                                attempt + 1,
                                excerpt(&b)
                            ),
                        ));
                    }
                    let d = match retry_after {
                        Some(d) if d > self.config.max_retry_after => {
                            return Err(http(
                                status,
                                format!(
                                    "Retry-After {} s is longer than the {} s allowed",
                                    d.as_secs(),
                                    self.config.max_retry_after.as_secs()
                                ),
                            ));
                        }
                        Some(d) => d,
                        None => self.backoff(attempt),
                    };
                    self.wait(d);
                }
                (s, b) => return Err(http(s, format!("'{}'", excerpt(&b.unwrap_or_default())))),
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jitter_is_seeded() {
        let cfg = HttpConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(350),
            ..HttpConfig::default()
        };
        let a = Client::new(cfg.clone(), None, HashMap::new());
        let b = Client::new(cfg, None, HashMap::new());
        let wa: Vec<Duration> = (0..4).map(|k| a.backoff(k)).collect();
        let wb: Vec<Duration> = (0..4).map(|k| b.backoff(k)).collect();
        assert_eq!(wa, wb, "same seed, same jitter");
        for (k, w) in wa.iter().enumerate() {
            let full = Duration::from_millis(100 * (1 << k)).min(Duration::from_millis(350));
            assert!(*w >= full / 2 && *w < full, "{k}: {w:?}");
        }
        assert!(is_loopback("http://127.0.0.1:4000/x") && is_loopback("http://localhost/x"));
        assert!(!is_loopback("https://api.binance.com/api/v3/klines?x=127.0.0.1"));
        assert_eq!(USER_AGENT, format!("crosshedge/{}", env!("CARGO_PKG_VERSION")));
    }
}
