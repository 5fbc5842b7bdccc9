//! A loopback replay server for tests: serves scripted responses on `127.0.0.1:0` and counts
//! the requests it receives, so a test proves how many requests a fetch made (and that an
//! `--offline` run made none). HTTP/1.1, one request per connection, `Connection: close`.
//!
//! Routes match a request target (`/path?query`) by prefix and by substrings; a route
//! serves its replies in order and repeats the last one. An unmatched request gets 404.
//! Each request's headers are kept ([`ReplayServer::headers`]: the User-Agent a client sent).
//!
//! The server doubles as a loopback HTTP proxy: a `CONNECT host:port` request is answered
//! `200` and recorded ([`ReplayServer::connects`]), and the request sent through the tunnel
//! is served like any other (so a proxy test needs no second server and no network).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One scripted response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers (`Retry-After`, `Content-Type`).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Send only this many bytes of the body while declaring its full length, then close:
    /// a transfer cut short.
    pub cut_at: Option<usize>,
}

impl Reply {
    /// A 200 with `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self { status: 200, headers: Vec::new(), body: body.into(), cut_at: None }
    }

    /// A response with `status` and `body`.
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self { status, headers: Vec::new(), body: body.into(), cut_at: None }
    }

    /// The same response with header `name: value`.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same response cut after `n` bytes of its body.
    #[must_use]
    pub fn cut(mut self, n: usize) -> Self {
        self.cut_at = Some(n);
        self
    }
}

/// A route: requests whose target starts with `prefix` and contains every `contains`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Start of the request target.
    pub prefix: String,
    /// Substrings the target must contain.
    pub contains: Vec<String>,
    /// Replies in order; the last repeats.
    pub replies: Vec<Reply>,
}

impl Route {
    /// A route on `prefix` serving `replies`.
    pub fn new(prefix: &str, replies: Vec<Reply>) -> Self {
        Self { prefix: prefix.to_string(), contains: Vec::new(), replies }
    }

    /// The same route, only for targets that also contain `s`.
    #[must_use]
    pub fn with(mut self, s: &str) -> Self {
        self.contains.push(s.to_string());
        self
    }
}

struct State {
    routes: Vec<(Route, usize)>,
    log: Vec<String>,
    headers: Vec<Vec<(String, String)>>,
    connects: Vec<String>,
}

/// The running server; stopped on drop.
pub struct ReplayServer {
    addr: SocketAddr,
    count: Arc<AtomicU64>,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl ReplayServer {
    /// Starts a server on `127.0.0.1:0` with `routes`.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn start(routes: Vec<Route>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let count = Arc::new(AtomicU64::new(0));
        let state = Arc::new(Mutex::new(State {
            routes: routes.into_iter().map(|r| (r, 0)).collect(),
            log: Vec::new(),
            headers: Vec::new(),
            connects: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s, st) = (count.clone(), state.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    serve(conn, &c, &s);
                }
            }
        });
        Ok(Self { addr, count, state, stop, handle: Some(handle) })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// The targets requested, in order.
    pub fn log(&self) -> Vec<String> {
        self.state.lock().map(|s| s.log.clone()).unwrap_or_default()
    }

    /// The headers of each request, in the order of [`ReplayServer::log`]; names in lower
    /// case.
    pub fn headers(&self) -> Vec<Vec<(String, String)>> {
        self.state.lock().map(|s| s.headers.clone()).unwrap_or_default()
    }

    /// The header `name` (any case) of every request, in order (`None` where absent).
    pub fn header_values(&self, name: &str) -> Vec<Option<String>> {
        let name = name.to_ascii_lowercase();
        self.headers()
            .into_iter()
            .map(|h| h.into_iter().find(|(k, _)| *k == name).map(|(_, v)| v))
            .collect()
    }

    /// The `CONNECT` targets (`host:port`) received as a proxy, in order.
    pub fn connects(&self) -> Vec<String> {
        self.state.lock().map(|s| s.connects.clone()).unwrap_or_default()
    }
}

/// Reads one request head from `reader`: the request line and the headers (lower-case names).
fn read_head(reader: &mut impl BufRead) -> Option<(String, Vec<(String, String)>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => break,
            Ok(_) if h == "\r\n" || h == "\n" => break,
            Ok(_) => {
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
        }
    }
    Some((line, headers))
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(mut conn: TcpStream, count: &AtomicU64, state: &Mutex<State>) {
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let Some((mut line, mut headers)) = read_head(&mut reader) else { return };
    if line.starts_with("CONNECT ") {
        // A proxy tunnel: accept it, then serve the request sent through it.
        let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
        if let Ok(mut s) = state.lock() {
            s.connects.push(target);
        }
        if conn.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").is_err() {
            return;
        }
        let Some(next) = read_head(&mut reader) else { return };
        (line, headers) = next;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    count.fetch_add(1, Ordering::SeqCst);
    let reply = {
        let Ok(mut s) = state.lock() else { return };
        s.log.push(target.clone());
        s.headers.push(headers);
        let hit = s.routes.iter_mut().find(|(r, _)| {
            target.starts_with(&r.prefix) && r.contains.iter().all(|c| target.contains(c.as_str()))
        });
        match hit {
            Some((r, served)) if !r.replies.is_empty() => {
                let k = (*served).min(r.replies.len() - 1);
                *served += 1;
                r.replies[k].clone()
            }
            _ => Reply::status(404, "not found"),
        }
    };
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let body = &reply.body[..reply.cut_at.unwrap_or(reply.body.len()).min(reply.body.len())];
    let _ = conn
        .write_all(head.as_bytes())
        .and_then(|()| conn.write_all(body))
        .and_then(|()| conn.flush());
    let _ = conn.shutdown(std::net::Shutdown::Both);
}
