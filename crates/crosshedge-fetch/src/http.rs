//! The one HTTP client of crosshedge: ureq (blocking, rustls) with a global timeout per
//! request, retries with exponential backoff and seeded jitter that honour `Retry-After`, a
//! rate limiter per vendor host (a minimum interval between two requests to one host), the
//! proxy environment variables ([`ProxyEnv`]: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for
//! http URLs, `ALL_PROXY` for either, `NO_PROXY` exceptions; never for loopback), a
//! User-Agent naming the tool and its version, a cancellation hook checked before every
//! request and during every wait ([`Client::with_cancel`]), and a content-addressed raw
//! cache ([`crate::cache::RawCache`]).
//!
//! Status handling: 200 returns the body; 429 and 5xx are retried (waiting `Retry-After`
//! seconds when given, else `backoff_base · 2^attempt` capped at `backoff_cap`, times a
//! jitter factor drawn uniformly from [0.5, 1) by a ChaCha8 stream seeded with `seed`); 418
//! (Binance: the IP is banned for ignoring 429s) stops at once; other statuses fail at once.
//! A transfer cut short (a truncated body) and connection errors are retried like 5xx; a
//! body still cut short after the retries is schema drift ([`FetchError::Schema`], field
//! `body`, with an excerpt of the bytes that came), a connection that keeps failing a
//! [`FetchError::Transport`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Read as _;
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

/// The proxy environment variables, read once when a client is made.
///
/// `HTTPS_PROXY` serves `https://` URLs and `HTTP_PROXY` `http://` URLs, `ALL_PROXY` either
/// when the scheme's own is unset; each is also read in lower case (`https_proxy`, ...), the
/// upper case winning. `NO_PROXY` is a comma-separated list of host names (`example.com`
/// matches it and its subdomains, `.example.com` and `*.example.com` only the subdomains,
/// `host:port` that port only, `*` every host). Loopback URLs are never proxied. The proxy
/// itself is `http://HOST:PORT` (a CONNECT tunnel), `socks5://HOST:PORT`, ... as ureq takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// `HTTPS_PROXY`.
    pub https: Option<String>,
    /// `HTTP_PROXY`.
    pub http: Option<String>,
    /// `ALL_PROXY`.
    pub all: Option<String>,
    /// `NO_PROXY`, split at commas, lower case.
    pub no_proxy: Vec<String>,
}

impl ProxyEnv {
    /// The variables of the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// The variables as `get` returns them (a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            get(name)
                .or_else(|| get(&name.to_ascii_lowercase()))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Self {
            https: var("HTTPS_PROXY"),
            http: var("HTTP_PROXY"),
            all: var("ALL_PROXY"),
            no_proxy: var("NO_PROXY")
                .map(|v| {
                    v.split(',')
                        .map(|e| e.trim().to_ascii_lowercase())
                        .filter(|e| !e.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The proxy `url` goes through: none for loopback or a `NO_PROXY` match, else the
    /// scheme's variable, else `ALL_PROXY`.
    pub fn proxy_for(&self, url: &str) -> Option<&str> {
        if is_loopback(url) {
            return None;
        }
        let (scheme, authority) = split_url(url);
        let authority = authority.to_ascii_lowercase();
        let host = host_of(&authority);
        let excepted = self.no_proxy.iter().any(|e| {
            if e == "*" {
                return true;
            }
            if let Some(suffix) = e.strip_prefix("*.").or_else(|| e.strip_prefix('.')) {
                return host.ends_with(&format!(".{suffix}"));
            }
            if e.contains(':') && !e.starts_with('[') {
                return authority_with_port(&authority, scheme) == *e;
            }
            host == e || host.ends_with(&format!(".{e}"))
        });
        if excepted {
            return None;
        }
        let own = if scheme.eq_ignore_ascii_case("https") { &self.https } else { &self.http };
        own.as_deref().or(self.all.as_deref())
    }
}

/// `(scheme, authority)` of `url` (`https://a.b:1/x` → `("https", "a.b:1")`), userinfo dropped.
fn split_url(url: &str) -> (&str, &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    (scheme, authority.rsplit_once('@').map_or(authority, |(_, h)| h))
}

/// The host of an authority (`a.b:1` → `a.b`, `[::1]:2` → `[::1]`).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// `host:port`, the scheme's default port when the authority has none.
fn authority_with_port(authority: &str, scheme: &str) -> String {
    if authority.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit())) {
        authority.to_string()
    } else {
        let port = if scheme.eq_ignore_ascii_case("https") { 443 } else { 80 };
        format!("{authority}:{port}")
    }
}

/// The client. Not `Sync`: one per job. `'c` is the lifetime of its cancellation hook.
pub struct Client<'c> {
    config: HttpConfig,
    direct: ureq::Agent,
    /// One agent per distinct proxy URL of [`ProxyEnv`] (or why it is not a proxy URL).
    proxied: HashMap<String, Result<ureq::Agent, String>>,
    proxy_env: ProxyEnv,
    cancel: Option<Box<dyn Fn() -> bool + 'c>>,
    cache: Option<RawCache>,
    base_urls: HashMap<Host, String>,
    last: RefCell<HashMap<Host, Instant>>,
    rng: RefCell<ChaCha8Rng>,
    stats: RefCell<HttpStats>,
    sleep: Box<dyn Fn(Duration)>,
    requests_before: Cell<u64>,
}

impl std::fmt::Debug for Client<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("proxy_env", &self.proxy_env)
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
    let host = split_url(url).1;
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

/// The agents of the distinct proxies in `env`.
fn proxied_agents(
    timeout: Duration,
    env: &ProxyEnv,
) -> HashMap<String, Result<ureq::Agent, String>> {
    [&env.https, &env.http, &env.all]
        .into_iter()
        .flatten()
        .map(|p| {
            let a = ureq::Proxy::new(p)
                .map(|proxy| agent(timeout, Some(proxy)))
                .map_err(|e| format!("proxy '{p}' from the environment is not usable: {e}"));
            (p.clone(), a)
        })
        .collect()
}

impl<'c> Client<'c> {
    /// A client with `config`, the raw cache `cache` and base URLs overriding the vendors'
    /// scheme and host (`base_urls`, e.g. `{Binance: "http://127.0.0.1:8080"}`).
    pub fn new(
        config: HttpConfig,
        cache: Option<RawCache>,
        base_urls: HashMap<Host, String>,
    ) -> Self {
        let seed = config.seed;
        let proxy_env = ProxyEnv::from_env();
        Self {
            direct: agent(config.timeout, None),
            proxied: proxied_agents(config.timeout, &proxy_env),
            proxy_env,
            cancel: None,
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

    /// The same client with the proxy variables `env` instead of the process environment's.
    #[must_use]
    pub fn with_proxy_env(mut self, env: ProxyEnv) -> Self {
        self.proxied = proxied_agents(self.config.timeout, &env);
        self.proxy_env = env;
        self
    }

    /// The same client stopping with [`FetchError::Cancelled`] once `cancelled` returns true:
    /// it is asked before every request and every 100 ms of every wait (pacing, backoff,
    /// `Retry-After`). A request under way runs to its end or its timeout.
    #[must_use]
    pub fn with_cancel(mut self, cancelled: impl Fn() -> bool + 'c) -> Self {
        self.cancel = Some(Box::new(cancelled));
        self
    }

    /// `Err(Cancelled)` once the hook says so.
    fn check_cancel(&self) -> Result<(), FetchError> {
        match &self.cancel {
            Some(c) if c() => Err(FetchError::Cancelled),
            _ => Ok(()),
        }
    }

    /// Sleeps `d`, in slices of at most 100 ms asking the cancellation hook between them.
    fn nap(&self, d: Duration) -> Result<(), FetchError> {
        if self.cancel.is_none() {
            (self.sleep)(d);
            return Ok(());
        }
        let mut left = d;
        while !left.is_zero() {
            self.check_cancel()?;
            let slice = left.min(Duration::from_millis(100));
            (self.sleep)(slice);
            left -= slice;
        }
        self.check_cancel()
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
    /// it as "not listed"); [`FetchError::Schema`] (field `body`) for a body still cut short
    /// after the retries; [`FetchError::Transport`] for a connection that keeps failing;
    /// [`FetchError::Cancelled`] once the cancellation hook says so.
    pub fn get(
        &self,
        source: &str,
        host: Host,
        path_and_query: &str,
    ) -> Result<Vec<u8>, FetchError> {
        self.check_cancel()?;
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

    /// The rate limiter: waits until `host` may be asked again (`min_interval` after the
    /// previous request to the same host; other hosts do not count).
    fn pace(&self, host: Host) -> Result<(), FetchError> {
        let gap = self.config.min_interval.unwrap_or_else(|| host.min_interval());
        let last = self.last.borrow().get(&host).copied();
        if let Some(t) = last {
            let since = t.elapsed();
            if since < gap {
                self.nap(gap - since)?;
            }
        }
        self.last.borrow_mut().insert(host, Instant::now());
        Ok(())
    }

    /// The backoff wait before retry `attempt` (0-based), with jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.backoff_base.saturating_mul(1u32 << attempt.min(16));
        let capped = base.min(self.config.backoff_cap);
        let jitter: f64 = self.rng.borrow_mut().random_range(0.5..1.0);
        capped.mul_f64(jitter)
    }

    fn wait(&self, d: Duration) -> Result<(), FetchError> {
        let mut s = self.stats.borrow_mut();
        s.retries += 1;
        s.waits.push(d);
        drop(s);
        self.nap(d)
    }

    /// The agent for `url`: through its proxy ([`ProxyEnv::proxy_for`]) or direct.
    fn agent_for(&self, source: &str, url: &str) -> Result<&ureq::Agent, FetchError> {
        match self.proxy_env.proxy_for(url).and_then(|p| self.proxied.get(p)) {
            None => Ok(&self.direct),
            Some(Ok(a)) => Ok(a),
            Some(Err(why)) => Err(FetchError::Request(format!("{source}: {why}"))),
        }
    }

    fn get_url(&self, source: &str, host: Host, url: &str) -> Result<Vec<u8>, FetchError> {
        let agent = self.agent_for(source, url)?;
        let mut attempt = 0u32;
        loop {
            self.pace(host)?;
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
                    self.wait(self.backoff(attempt))?;
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
            let mut got = Vec::new();
            let body = match resp
                .body_mut()
                .with_config()
                .limit(MAX_BODY_BYTES)
                .reader()
                .read_to_end(&mut got)
            {
                Ok(_) => Ok(got),
                Err(e) => Err((e, got)),
            };
            match (status, body) {
                (200, Ok(b)) => return Ok(b),
                (200, Err((e, partial))) => {
                    if last_try {
                        return Err(FetchError::schema(
                            source,
                            "body",
                            format!(
                                "truncated: {} bytes came before the transfer failed ({e}; after {} attempts)",
                                partial.len(),
                                attempt + 1
                            ),
                            &partial,
                        ));
                    }
                    self.wait(self.backoff(attempt))?;
                }
                (418, b) => {
                    return Err(http(
                        418,
                        format!(
                        "the vendor has banned this IP for ignoring rate limits; stopping ('{}')",
                        excerpt(&b.unwrap_or_else(|(_, p)| p))
                    ),
                    ))
                }
                (429 | 500..=599, b) => {
                    let b = b.unwrap_or_else(|(_, p)| p);
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
                    self.wait(d)?;
                }
                (s, b) => {
                    return Err(http(s, format!("'{}'", excerpt(&b.unwrap_or_else(|(_, p)| p)))))
                }
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

    #[test]
    fn proxy_variables_by_scheme_with_no_proxy_exceptions() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            ProxyEnv::from_lookup(move |k| {
                pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
            })
        };
        let e = vars(&[
            ("HTTPS_PROXY", "http://s:1"),
            ("https_proxy", "http://lower:1"),
            ("http_proxy", "http://h:2"),
            ("NO_PROXY", "Example.com, .corp ,*.lan,fred.stlouisfed.org:8443,"),
        ]);
        assert_eq!(e.https.as_deref(), Some("http://s:1"), "upper case wins");
        assert_eq!(e.no_proxy, ["example.com", ".corp", "*.lan", "fred.stlouisfed.org:8443"]);
        assert_eq!(e.proxy_for("https://api.binance.com/api/v3/klines"), Some("http://s:1"));
        assert_eq!(e.proxy_for("http://api.binance.com/x"), Some("http://h:2"));
        assert_eq!(e.proxy_for("https://example.com/x"), None);
        assert_eq!(e.proxy_for("https://www.EXAMPLE.com/x"), None, "a name covers subdomains");
        assert_eq!(e.proxy_for("https://notexample.com/x"), Some("http://s:1"));
        assert_eq!(e.proxy_for("https://corp/x"), Some("http://s:1"), ".corp: subdomains only");
        assert_eq!(e.proxy_for("https://a.b.corp/x"), None);
        assert_eq!(e.proxy_for("https://x.lan/x"), None);
        assert_eq!(e.proxy_for("https://fred.stlouisfed.org/x"), Some("http://s:1"), "port 443");
        assert_eq!(e.proxy_for("https://fred.stlouisfed.org:8443/x"), None);
        assert_eq!(e.proxy_for("http://127.0.0.1:8/x"), None, "loopback");
        assert_eq!(e.proxy_for("http://[::1]:8/x"), None, "loopback");
        let all = vars(&[("ALL_PROXY", "socks5://127.0.0.1:1080"), ("NO_PROXY", "*")]);
        assert_eq!(all.proxy_for("https://api.llama.fi/x"), None, "* excepts every host");
        let all = vars(&[("all_proxy", "socks5://p:1080"), ("HTTP_PROXY", "  ")]);
        assert_eq!(all.http, None, "blank is unset");
        assert_eq!(all.proxy_for("https://api.llama.fi/x"), Some("socks5://p:1080"));
        assert_eq!(all.proxy_for("http://api.llama.fi/x"), Some("socks5://p:1080"));
        assert_eq!(vars(&[]).proxy_for("https://api.llama.fi/x"), None);
    }
}
