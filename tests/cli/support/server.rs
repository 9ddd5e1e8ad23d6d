//! A GitHub-shaped HTTP/1.1 server on 127.0.0.1 for the tests: the REST endpoints haul uses
//! (releases by tag, latest, paged lists, repositories, and each asset's API `url`, which
//! redirects to its download as GitHub's does) and the release downloads, with faults to inject
//! (error statuses, bodies cut short, rate limits, silence, trickles, endless bodies), redirects
//! and moved repositories, `ETag`s with 304 answers, HTTPS with a test CA, and a log of every
//! request.
//!
//! Hand-written on std so a test controls every byte: a body shorter than its Content-Length,
//! a connection closed mid-way, exact headers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};
use sha2::Digest as _;

/// A fault served instead of the normal answer, once per request, in order.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Answer with this status and a small body.
    Status(u16),
    /// Promise the whole body, send only this many bytes, then close the connection.
    CutShort(usize),
    /// A rate-limit answer: 403 with `x-ratelimit-remaining: 0`.
    RateLimit { reset: u64 },
    /// A busy server: 429 with `Retry-After` (seconds).
    Busy { retry_after: u64 },
    /// Send the headers and half the body, tell the test (see [`Server::hung`]), then hold the
    /// connection open without sending more.
    Hang,
    /// Read the request and never answer (the connection stays open).
    Silent,
    /// Send the headers, then one byte of the body every this many milliseconds.
    Trickle(u64),
    /// A 200 without `Content-Length` whose body never ends (until the client goes away).
    Endless,
}

/// One request as the server saw it, and the status it was answered with.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The value of the header `name` (any case) among `headers`.
pub(super) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The request line and headers of an HTTP/1 request.
pub(super) struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The header lines as sent.
    pub raw: Vec<String>,
}

/// Read a request's head; `None` when the connection closes or the head is not HTTP.
pub(super) fn read_head<S: Read>(reader: &mut BufReader<S>) -> Option<Head> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    let mut raw = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        raw.push(header.to_owned());
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Some(Head {
        method,
        target,
        headers,
        raw,
    })
}

#[derive(Debug, Clone)]
struct ReleaseModel {
    /// The API's `url` for the release.
    url: String,
    tag: String,
    draft: bool,
    prerelease: bool,
    assets: Vec<AssetModel>,
}

#[derive(Debug, Clone)]
struct AssetModel {
    name: String,
    /// `browser_download_url`.
    url: String,
    /// The API's `url` for the asset, on the API server.
    api_url: String,
    size: usize,
    digest: Option<String>,
}

#[derive(Default)]
struct State {
    /// Told when a request hangs.
    hung: Option<std::sync::mpsc::Sender<String>>,
    /// `owner/repo` → releases, newest first.
    repos: BTreeMap<String, Vec<ReleaseModel>>,
    /// Path → bytes served for downloads.
    files: HashMap<String, Vec<u8>>,
    /// Path → the URL it redirects to (asset API URLs, and redirects a test sets up).
    redirects: HashMap<String, String>,
    /// `owner/repo` that moved → (repository id, `owner/repo` now).
    moved: HashMap<String, (u64, String)>,
    next_asset_id: u64,
    faults: HashMap<String, VecDeque<Fault>>,
    log: Vec<Logged>,
    /// The API answers 503 to everything: only downloads work.
    api_off: bool,
    /// Every request is answered 503: the server is as good as gone.
    dark: bool,
    /// Files are served from this directory (a static mirror), by path.
    root: Option<std::path::PathBuf>,
    /// Release lists hold at most this many per page, whatever `per_page` asks (as Gitea does).
    max_per_page: Option<usize>,
    /// `Range` is ignored: every download is sent whole, from its start.
    no_ranges: bool,
}

#[derive(Clone)]
pub struct Server {
    pub url: String,
    state: Arc<Mutex<State>>,
    /// Connections accepted (a TLS handshake that fails never makes a request).
    connections: Arc<AtomicUsize>,
}

/// The test CA's certificate (PEM), for `SSL_CERT_FILE`; it signed the HTTPS server's
/// certificate, which names 127.0.0.1 and localhost.
pub const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/support/tls/ca.pem");

impl Server {
    /// A static server: the files under `root`, by path, and nothing else (a mirror).
    pub fn serve_dir(root: &std::path::Path) -> Server {
        let server = Server::start();
        server.state().root = Some(root.to_path_buf());
        server
    }

    /// Switch the API off (503 for `/repos/…`); downloads still work.
    pub fn api_off(&self) {
        self.state().api_off = true;
    }

    /// Release lists hold at most `max` releases per page, whatever `per_page` asks; the
    /// `Link` header still names the next page.
    pub fn cap_per_page(&self, max: usize) {
        self.state().max_per_page = Some(max);
    }

    /// Ignore `Range`, as a server that cannot resume a download does.
    pub fn without_ranges(&self) {
        self.state().no_ranges = true;
    }

    /// Answer 503 to everything from now on.
    pub fn go_dark(&self) {
        self.state().dark = true;
    }

    pub fn start() -> Server {
        Server::start_with(None)
    }

    /// The same server over HTTPS, with a certificate from the test CA ([`TEST_CA`]).
    pub fn start_tls() -> Server {
        Server::start_with(Some(tls_config()))
    }

    fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr().expect("local addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (shared, counter) = (Arc::clone(&state), Arc::clone(&connections));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&shared);
                let tls = tls.clone();
                thread::spawn(move || match tls {
                    None => serve_connection(stream, &state),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        serve_connection(rustls::StreamOwned::new(conn, stream), &state);
                    }
                });
            }
        });
        Server {
            url,
            state,
            connections,
        }
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Answer requests for `path` with a redirect (302) to `location`.
    pub fn redirect(&self, path: &str, location: &str) {
        self.state()
            .redirects
            .insert(path.to_owned(), location.to_owned());
    }

    /// `old` (`owner/repo`) moved to `new`, a repository published on this server: requests
    /// for `old` are answered 301 to `/repositories/ID/…`, as GitHub does.
    pub fn moved(&self, old: &str, new: &str) {
        let mut state = self.state();
        state.next_asset_id += 1;
        let id = 1000 + state.next_asset_id;
        state.moved.insert(old.to_owned(), (id, new.to_owned()));
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Start describing a release of `repo`; releases published later are newer.
    pub fn release(&self, repo: &str, tag: &str) -> ReleaseBuilder {
        ReleaseBuilder {
            api: self.clone(),
            files: self.clone(),
            listed: None,
            repo: repo.to_owned(),
            model: ReleaseModel {
                url: String::new(),
                tag: tag.to_owned(),
                draft: false,
                prerelease: false,
                assets: Vec::new(),
            },
            bytes: Vec::new(),
        }
    }

    /// Serve `bytes` at `path` (a vendor's download site behind a mirror rule).
    pub fn file(&self, path: &str, bytes: &[u8]) {
        self.state().files.insert(path.to_owned(), bytes.to_vec());
    }

    /// A repository that exists but has no releases.
    pub fn empty_repo(&self, repo: &str) {
        self.state().repos.entry(repo.to_owned()).or_default();
    }

    /// Delete the release `tag` of `repo`, as a maintainer withdrawing it does (its files
    /// stay where they were).
    pub fn withdraw(&self, repo: &str, tag: &str) {
        if let Some(releases) = self.state().repos.get_mut(repo) {
            releases.retain(|r| r.tag != tag);
        }
    }

    /// Queue faults for requests to `path` (a path without query, such as
    /// `/repos/o/r/releases/latest` or a download path from [`Server::download_path`]).
    pub fn fault(&self, path: &str, faults: &[Fault]) {
        self.state()
            .faults
            .entry(path.to_owned())
            .or_default()
            .extend(faults.iter().copied());
    }

    pub fn download_path(repo: &str, tag: &str, asset: &str) -> String {
        format!("/dl/{repo}/{tag}/{asset}")
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state().log.clone()
    }

    /// Every request so far carried `Authorization: expected` (`None`: none carried one).
    #[track_caller]
    pub fn assert_authorization(&self, expected: Option<&str>) {
        let requests = self.requests();
        assert!(
            requests
                .iter()
                .all(|r| r.header("authorization") == expected),
            "not every request has authorization {expected:?}: {requests:?}"
        );
    }

    /// The requests that went to `path` (query ignored), in order.
    pub fn requests_to(&self, path: &str) -> Vec<Logged> {
        let log = &self.state().log;
        log.iter().filter(|l| l.path == path).cloned().collect()
    }

    /// How many requests went to `path` (query ignored).
    pub fn hits(&self, path: &str) -> usize {
        self.state().log.iter().filter(|l| l.path == path).count()
    }

    /// A channel that receives the path of each request that hangs (see [`Fault::Hang`]).
    pub fn hung(&self) -> std::sync::mpsc::Receiver<String> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.state().hung = Some(tx);
        rx
    }

    /// Replace the bytes served at a download path (to tamper with a published asset).
    pub fn replace_file(&self, path: &str, bytes: Vec<u8>) {
        self.state().files.insert(path.to_owned(), bytes);
    }
}

pub struct ReleaseBuilder {
    api: Server,
    files: Server,
    /// The base URL the API lists downloads under (the files server's, unless a test says).
    listed: Option<String>,
    repo: String,
    model: ReleaseModel,
    bytes: Vec<(String, Vec<u8>)>,
}

impl ReleaseBuilder {
    /// Serve the downloads from another server (another origin than the API).
    pub fn hosted_on(mut self, files: &Server) -> Self {
        self.files = files.clone();
        self
    }

    /// List the downloads under `base` (`https://github.com/…` behind a mirror rule, or
    /// another server that redirects) while the files server holds the bytes.
    pub fn listed_at(mut self, base: &str) -> Self {
        self.listed = Some(base.trim_end_matches('/').to_owned());
        self
    }

    pub fn asset(mut self, name: &str, bytes: &[u8]) -> Self {
        self.push(name, bytes.to_vec(), None);
        self
    }

    /// An asset whose API entry carries GitHub's `digest` field.
    pub fn asset_with_digest(mut self, name: &str, bytes: &[u8]) -> Self {
        let digest = format!("sha256:{}", sha256_hex(bytes));
        self.push(name, bytes.to_vec(), Some(digest));
        self
    }

    /// An asset whose API digest is given as is (to test a mismatch).
    pub fn asset_with_given_digest(mut self, name: &str, bytes: &[u8], digest: &str) -> Self {
        self.push(name, bytes.to_vec(), Some(digest.to_owned()));
        self
    }

    /// A release-wide checksum file in `sha256sum` format covering every asset so far.
    pub fn checksums(self, file_name: &str) -> Self {
        let mut text = String::new();
        for (name, bytes) in &self.bytes {
            text.push_str(&sha256_hex(bytes));
            text.push_str("  ");
            text.push_str(name);
            text.push('\n');
        }
        self.asset(file_name, text.as_bytes())
    }

    pub fn prerelease(mut self) -> Self {
        self.model.prerelease = true;
        self
    }

    pub fn draft(mut self) -> Self {
        self.model.draft = true;
        self
    }

    fn push(&mut self, name: &str, bytes: Vec<u8>, digest: Option<String>) {
        let path = Server::download_path(&self.repo, &self.model.tag, name);
        let id = {
            let mut api = self.api.state();
            api.next_asset_id += 1;
            api.next_asset_id
        };
        let base = self
            .listed
            .clone()
            .unwrap_or_else(|| self.files.url.clone());
        self.model.assets.push(AssetModel {
            name: name.to_owned(),
            url: format!("{base}{path}"),
            api_url: format!("{}/repos/{}/releases/assets/{id}", self.api.url, self.repo),
            size: bytes.len(),
            digest,
        });
        self.bytes.push((name.to_owned(), bytes));
    }

    pub fn publish(mut self) {
        let id = {
            let mut api = self.api.state();
            api.next_asset_id += 1;
            api.next_asset_id
        };
        self.model.url = format!("{}/repos/{}/releases/{id}", self.api.url, self.repo);
        let mut files = self.files.state();
        for (name, bytes) in &self.bytes {
            let path = Server::download_path(&self.repo, &self.model.tag, name);
            files.files.insert(path, bytes.clone());
        }
        drop(files);
        let mut api = self.api.state();
        for asset in &self.model.assets {
            let path = asset.api_url.trim_start_matches(&self.api.url).to_owned();
            let download = Server::download_path(&self.repo, &self.model.tag, &asset.name);
            api.redirects
                .insert(path, format!("{}{download}", self.files.url));
        }
        api.repos
            .entry(self.repo)
            .or_default()
            .insert(0, self.model);
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

struct Request {
    path: String,
    query: HashMap<String, String>,
    headers: Vec<(String, String)>,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send only this many body bytes, then close.
    cut_after: Option<usize>,
    /// After sending `cut_after` bytes, keep the connection open and send nothing.
    hang: bool,
    /// How to send the body when it is not sent whole.
    pace: Pace,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    Whole,
    /// Send nothing at all, not even the headers.
    Silent,
    /// One byte every this many milliseconds.
    Trickle(u64),
    /// No `Content-Length`, and bytes until the client goes away.
    Endless,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
            cut_after: None,
            hang: false,
            pace: Pace::Whole,
        }
    }

    fn redirect(status: u16, location: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Location".into(), location.to_owned())],
            body: Vec::new(),
            cut_after: None,
            hang: false,
            pace: Pace::Whole,
        }
    }

    fn not_found() -> Reply {
        Reply::json(
            404,
            &json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
        )
    }
}

fn serve_connection<S: Read + Write>(stream: S, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let reply = {
            let mut state = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let reply = answer(&mut state, &request);
            state.log.push(Logged {
                path: request.path.clone(),
                headers: request.headers.clone(),
                status: reply.status,
            });
            reply
        };
        match reply.pace {
            Pace::Whole => {}
            Pace::Silent => {
                hold(&mut reader);
                return;
            }
            Pace::Trickle(ms) => {
                let _ = write_head(reader.get_mut(), &reply, Some(reply.body.len()));
                for byte in &reply.body {
                    thread::sleep(Duration::from_millis(ms));
                    let writer = reader.get_mut();
                    if writer
                        .write_all(&[*byte])
                        .and_then(|()| writer.flush())
                        .is_err()
                    {
                        return;
                    }
                }
                continue;
            }
            Pace::Endless => {
                let _ = write_head(reader.get_mut(), &reply, None);
                let chunk = vec![b'0'; 16 * 1024];
                let writer = reader.get_mut();
                while writer.write_all(&chunk).is_ok() {}
                return;
            }
        }
        if reply.hang {
            let _ = write_reply(reader.get_mut(), &reply);
            let hung = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .hung
                .clone();
            if let Some(tx) = hung {
                let _ = tx.send(request.path.clone());
            }
            hold(&mut reader);
            return;
        }
        let close = request
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        if write_reply(reader.get_mut(), &reply).is_err() || reply.cut_after.is_some() || close {
            return;
        }
    }
}

/// Hold the connection until the client goes away.
fn hold<S: Read>(reader: &mut BufReader<S>) {
    let mut sink = [0u8; 1024];
    while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
}

fn read_request<S: Read>(reader: &mut BufReader<S>) -> Option<Request> {
    let Head {
        target, headers, ..
    } = read_head(reader)?;
    let content_length = find_header(&headers, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), query),
        None => (target.clone(), ""),
    };
    let query = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(Request {
        path: percent_decode(&path),
        query,
        headers,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn write_head<W: Write>(
    writer: &mut W,
    reply: &Reply,
    length: Option<usize>,
) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    match length {
        Some(len) => {
            head.push_str("Content-Length: ");
            head.push_str(&len.to_string());
            head.push_str("\r\n");
        }
        None => head.push_str("Connection: close\r\n"),
    }
    for (name, value) in &reply.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.flush()
}

fn write_reply<W: Write>(writer: &mut W, reply: &Reply) -> std::io::Result<()> {
    write_head(writer, reply, Some(reply.body.len()))?;
    let body = match reply.cut_after {
        Some(n) => &reply.body[..n.min(reply.body.len())],
        None => &reply.body,
    };
    writer.write_all(body)?;
    writer.flush()
}

fn answer(state: &mut State, request: &Request) -> Reply {
    let unavailable = || Reply::json(503, &json!({"message": "switched off by the test"}));
    if state.dark || (state.api_off && request.path.starts_with("/repos")) {
        return unavailable();
    }
    if let Some(root) = &state.root {
        let rel = request.path.trim_start_matches('/');
        let safe = !rel.split('/').any(|p| p == ".." || p.is_empty());
        return match std::fs::read(root.join(rel)) {
            Ok(bytes) if safe => file_reply(&bytes, request, state.no_ranges),
            _ => Reply::not_found(),
        };
    }
    if let Some(fault) = state
        .faults
        .get_mut(&request.path)
        .and_then(VecDeque::pop_front)
    {
        match fault {
            Fault::Status(status) => {
                return Reply::json(status, &json!({"message": format!("injected {status}")}));
            }
            Fault::RateLimit { reset } => {
                let mut reply = Reply::json(403, &json!({"message": "API rate limit exceeded"}));
                reply
                    .headers
                    .push(("x-ratelimit-remaining".into(), "0".into()));
                reply
                    .headers
                    .push(("x-ratelimit-reset".into(), reset.to_string()));
                return reply;
            }
            Fault::Busy { retry_after } => {
                let mut reply = Reply::json(429, &json!({"message": "slow down"}));
                reply
                    .headers
                    .push(("retry-after".into(), retry_after.to_string()));
                return reply;
            }
            Fault::Hang => {
                let mut reply = normal_answer(state, request);
                reply.cut_after = Some(reply.body.len() / 2);
                reply.hang = true;
                return reply;
            }
            Fault::CutShort(n) => {
                let mut reply = normal_answer(state, request);
                reply.cut_after = Some(n);
                return reply;
            }
            Fault::Silent => {
                let mut reply = normal_answer(state, request);
                reply.pace = Pace::Silent;
                return reply;
            }
            Fault::Trickle(ms) => {
                let mut reply = normal_answer(state, request);
                reply.pace = Pace::Trickle(ms);
                return reply;
            }
            Fault::Endless => {
                let mut reply = normal_answer(state, request);
                reply.status = 200;
                reply.pace = Pace::Endless;
                return reply;
            }
        }
    }
    let mut reply = normal_answer(state, request);
    // GitHub's `ETag`s: a conditional request for an unchanged answer gets 304 and no body.
    if reply.status == 200
        && reply
            .headers
            .iter()
            .any(|(n, v)| n == "Content-Type" && v == "application/json")
    {
        let etag = format!("\"{}\"", sha256_hex(&reply.body));
        let asked = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("if-none-match"))
            .map(|(_, v)| v.as_str());
        if asked == Some(etag.as_str()) {
            reply.status = 304;
            reply.body.clear();
        }
        reply.headers.push(("ETag".into(), etag));
    }
    reply
}

fn normal_answer(state: &State, request: &Request) -> Reply {
    if let Some(location) = state.redirects.get(&request.path) {
        return Reply::redirect(302, location);
    }
    if let Some(bytes) = state.files.get(&request.path) {
        return file_reply(bytes, request, state.no_ranges);
    }
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    // A moved repository: GitHub answers 301 to the repository's id.
    if let ["repos", owner, repo, rest @ ..] = segments.as_slice()
        && let Some((id, _)) = state.moved.get(&format!("{owner}/{repo}"))
    {
        let mut location = format!("/repositories/{id}");
        for part in rest {
            location.push('/');
            location.push_str(part);
        }
        return Reply::redirect(301, &location);
    }
    let renamed;
    let segments = match segments.as_slice() {
        ["repositories", id, rest @ ..] => {
            let Some((_, now)) = state.moved.values().find(|(n, _)| n.to_string() == *id) else {
                return Reply::not_found();
            };
            renamed = now
                .split('/')
                .chain(rest.iter().copied())
                .collect::<Vec<_>>();
            let mut all = vec!["repos"];
            all.extend(renamed.iter().copied());
            all
        }
        _ => segments,
    };
    match segments.as_slice() {
        ["repos", owner, repo] => match repo_releases(state, owner, repo) {
            Some(_) => Reply::json(200, &json!({"full_name": format!("{owner}/{repo}")})),
            None => Reply::not_found(),
        },
        ["repos", owner, repo, "releases", rest @ ..] => {
            let Some(releases) = repo_releases(state, owner, repo) else {
                return Reply::not_found();
            };
            let tag = rest.join("/");
            match rest {
                [] => list_page(releases, request, state.max_per_page),
                ["latest"] => releases
                    .iter()
                    .find(|r| !r.draft && !r.prerelease)
                    .map_or_else(Reply::not_found, |r| Reply::json(200, &release_json(r))),
                ["tags", ..] => releases
                    .iter()
                    .find(|r| !r.draft && r.tag == tag.trim_start_matches("tags/"))
                    .map_or_else(Reply::not_found, |r| Reply::json(200, &release_json(r))),
                _ => Reply::not_found(),
            }
        }
        _ => Reply::not_found(),
    }
}

fn file_reply(bytes: &[u8], request: &Request, no_ranges: bool) -> Reply {
    let range_start = request
        .headers
        .iter()
        .filter(|_| !no_ranges)
        .find(|(n, _)| n.eq_ignore_ascii_case("range"))
        .and_then(|(_, v)| v.strip_prefix("bytes="))
        .and_then(|v| v.strip_suffix('-'))
        .and_then(|v| v.parse::<usize>().ok());
    match range_start {
        Some(start) if start < bytes.len() => Reply {
            status: 206,
            headers: vec![(
                "Content-Range".into(),
                format!("bytes {start}-{}/{}", bytes.len() - 1, bytes.len()),
            )],
            body: bytes[start..].to_vec(),
            cut_after: None,
            hang: false,
            pace: Pace::Whole,
        },
        _ => Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/octet-stream".into())],
            body: bytes.to_vec(),
            cut_after: None,
            hang: false,
            pace: Pace::Whole,
        },
    }
}

fn list_page(releases: &[ReleaseModel], request: &Request, max: Option<usize>) -> Reply {
    let per_page: usize = request
        .query
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .min(max.unwrap_or(usize::MAX));
    let page: usize = request
        .query
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let start = (page - 1) * per_page;
    let items: Vec<Value> = releases
        .iter()
        .skip(start)
        .take(per_page)
        .map(release_json)
        .collect();
    let mut reply = Reply::json(200, &Value::Array(items));
    if start + per_page < releases.len() {
        reply.headers.push((
            "Link".into(),
            format!(
                "<{}?per_page={per_page}&page={}>; rel=\"next\"",
                request.path,
                page + 1
            ),
        ));
    }
    reply
}

/// The releases of `owner/repo`, whatever the case of its name (as GitHub finds them).
fn repo_releases<'a>(state: &'a State, owner: &str, repo: &str) -> Option<&'a Vec<ReleaseModel>> {
    let name = format!("{owner}/{repo}");
    state
        .repos
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(&name))
        .map(|(_, releases)| releases)
}

fn release_json(release: &ReleaseModel) -> Value {
    let repo = release
        .url
        .split("/repos/")
        .nth(1)
        .and_then(|rest| rest.rsplit_once("/releases/"))
        .map_or("", |(repo, _)| repo);
    json!({
        "url": release.url,
        "tag_name": release.tag,
        "name": release.tag,
        "draft": release.draft,
        "prerelease": release.prerelease,
        "html_url": format!("https://github.example/{repo}/releases/tag/{}", release.tag),
        "created_at": "2025-06-01T12:00:00Z",
        "assets": release.assets.iter().map(|a| json!({
            "url": a.api_url,
            "name": a.name,
            "browser_download_url": a.url,
            "size": a.size,
            "digest": a.digest,
            "content_type": "application/octet-stream",
        })).collect::<Vec<_>>(),
    })
}

/// The HTTPS server's configuration: the test CA's certificate for 127.0.0.1 and localhost.
fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/support/tls");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{dir}/server.pem"))
            .expect("the test certificate")
            .collect::<Result<_, _>>()
            .expect("the test certificate parses");
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/server.key")).expect("the test key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("the test certificate and key");
    Arc::new(config)
}
