//! haul-bench-server: a GitHub-shaped release server on 127.0.0.1 for `bench/run`.
//!
//! It serves every release found under a fixtures directory laid out as
//! `DIR/OWNER/REPO/TAG/ASSET` (all files are loaded into memory at start) on two listeners that
//! stand in for two hosts, as GitHub has:
//!
//! * the API port (`api.github.com`): `GET /repos/O/R`, `/repos/O/R/releases/latest`,
//!   `/releases/tags/TAG`, `/releases?per_page=&page=` (with a `Link` header) and
//!   `/repos/O/R/releases/assets/ID` (a 302 to the download). Every JSON answer carries an
//!   `ETag`, and a request whose `If-None-Match` matches gets `304 Not Modified`.
//! * the download port (`github.com/.../releases/download`): `GET|HEAD /O/R/releases/download/TAG/NAME`,
//!   with `Range: bytes=N-` support.
//!
//! A third port, the control port, is for the harness only (never delayed, never counted):
//! `GET /config?request_ms=&connect_ms=&rate_mbit=&digest=0|1` changes the emulated network,
//! `GET /stats` returns the counters as JSON and `GET /reset` zeroes them.
//!
//! The emulated network, per listener connection:
//! * `connect_ms`: a new connection waits this long before its first request is read (the TCP
//!   and TLS handshakes of a real connection);
//! * `request_ms`: every request waits this long before it is answered (the round trip and the
//!   server's think time);
//! * `rate_mbit`: each connection's body bytes are paced by a token bucket to this many
//!   megabits per second (0 = unlimited: plain large writes).
//!
//! With `digest=1` each asset in the API carries GitHub's `digest` field (`sha256:HEX`), taken
//! from the `checksums.txt` next to it; with `digest=0` (the default) it is `null`.
//!
//! Usage: `haul-bench-server FIXTURES_DIR`. It prints one line, `READY {"api":P,"dl":P,"control":P}`,
//! once it listens, then serves until killed. Only the standard library is used, one thread per
//! connection, so that a test controls every byte and the server stays cheap next to the client.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One asset of a release.
struct Asset {
    id: u64,
    name: String,
    bytes: Arc<Vec<u8>>,
    /// The SHA-256 from the release's `checksums.txt`, when it lists this asset.
    sha256: Option<String>,
}

struct Release {
    tag: String,
    assets: Vec<Asset>,
}

/// The emulated network and the answers' options; changed at run time via the control port.
struct Config {
    request_ms: AtomicU64,
    connect_ms: AtomicU64,
    /// Bits per second per connection; 0 means unlimited.
    rate_bps: AtomicU64,
    digest: AtomicBool,
}

#[derive(Default)]
struct Counters {
    api_connections: AtomicU64,
    api_requests: AtomicU64,
    dl_connections: AtomicU64,
    dl_requests: AtomicU64,
    not_modified: AtomicU64,
    body_bytes: AtomicU64,
}

struct Server {
    /// `owner/repo` → releases, newest first.
    repos: HashMap<String, Vec<Release>>,
    /// Asset id → (`owner/repo`, tag, name), for the API's asset URLs.
    asset_ids: HashMap<u64, (String, String, String)>,
    api_port: u16,
    dl_port: u16,
    config: Config,
    counters: Counters,
    /// `PORT METHOD PATH STATUS` for every counted request since the last reset.
    log: Mutex<Vec<String>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Api,
    Download,
    Control,
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| fail("usage: haul-bench-server FIXTURES_DIR"));
    let api = bind();
    let dl = bind();
    let control = bind();
    let api_port = api.local_addr().expect("addr").port();
    let dl_port = dl.local_addr().expect("addr").port();
    let control_port = control.local_addr().expect("addr").port();
    let (repos, asset_ids) = load(Path::new(&dir));
    let server = Arc::new(Server {
        repos,
        asset_ids,
        api_port,
        dl_port,
        config: Config {
            request_ms: AtomicU64::new(0),
            connect_ms: AtomicU64::new(0),
            rate_bps: AtomicU64::new(0),
            digest: AtomicBool::new(false),
        },
        counters: Counters::default(),
        log: Mutex::new(Vec::new()),
    });
    for (listener, role) in [
        (api, Role::Api),
        (dl, Role::Download),
        (control, Role::Control),
    ] {
        let server = Arc::clone(&server);
        thread::spawn(move || accept_loop(&listener, role, &server));
    }
    println!(r#"READY {{"api":{api_port},"dl":{dl_port},"control":{control_port}}}"#);
    std::io::stdout().flush().expect("stdout");
    loop {
        thread::park();
    }
}

fn fail(message: &str) -> ! {
    eprintln!("haul-bench-server: {message}");
    std::process::exit(2);
}

fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(&format!("bind: {e}")))
}

type Loaded = (
    HashMap<String, Vec<Release>>,
    HashMap<u64, (String, String, String)>,
);

/// Read `DIR/OWNER/REPO/TAG/ASSET` into memory.
fn load(dir: &Path) -> Loaded {
    let mut repos = HashMap::new();
    let mut ids = HashMap::new();
    let mut next_id = 1000;
    for owner in sorted_dirs(dir) {
        for repo in sorted_dirs(&dir.join(&owner)) {
            let full = format!("{owner}/{repo}");
            let mut releases = Vec::new();
            for tag in sorted_dirs(&dir.join(&owner).join(&repo)) {
                let tag_dir = dir.join(&owner).join(&repo).join(&tag);
                let sums = fs::read_to_string(tag_dir.join("checksums.txt")).unwrap_or_default();
                let mut names: Vec<String> = fs::read_dir(&tag_dir)
                    .unwrap_or_else(|e| fail(&format!("{}: {e}", tag_dir.display())))
                    .flatten()
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                let assets = names
                    .into_iter()
                    .map(|name| {
                        let bytes = fs::read(tag_dir.join(&name))
                            .unwrap_or_else(|e| fail(&format!("{name}: {e}")));
                        let sha256 = sums.lines().find_map(|line| {
                            let (hex, file) = line.split_once("  ")?;
                            (file.trim_start_matches('*') == name).then(|| hex.to_owned())
                        });
                        next_id += 1;
                        ids.insert(next_id, (full.clone(), tag.clone(), name.clone()));
                        Asset {
                            id: next_id,
                            name,
                            bytes: Arc::new(bytes),
                            sha256,
                        }
                    })
                    .collect();
                releases.push(Release { tag, assets });
            }
            // Newest first: the fixtures name tags so that a later tag sorts later.
            releases.reverse();
            repos.insert(full, releases);
        }
    }
    (repos, ids)
}

fn sorted_dirs(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())))
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn accept_loop(listener: &TcpListener, role: Role, server: &Arc<Server>) {
    for stream in listener.incoming().flatten() {
        let server = Arc::clone(server);
        match role {
            Role::Api => server
                .counters
                .api_connections
                .fetch_add(1, Ordering::SeqCst),
            Role::Download => server
                .counters
                .dl_connections
                .fetch_add(1, Ordering::SeqCst),
            Role::Control => 0,
        };
        thread::spawn(move || {
            let _ = serve_connection(stream, role, &server);
        });
    }
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: Vec<(String, String)>,
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A token bucket over one connection's body bytes.
struct Pacer {
    bytes_per_sec: f64,
    tokens: f64,
    last: Instant,
}

/// The most a connection may send at once after being idle.
const BURST: f64 = 64.0 * 1024.0;

impl Pacer {
    fn new(bits_per_sec: u64) -> Pacer {
        Pacer {
            bytes_per_sec: bits_per_sec as f64 / 8.0,
            tokens: BURST,
            last: Instant::now(),
        }
    }

    /// Wait until `n` more bytes may be sent.
    fn take(&mut self, n: usize) {
        if self.bytes_per_sec <= 0.0 {
            return;
        }
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.bytes_per_sec;
        self.tokens = (self.tokens + refill).min(BURST);
        self.last = now;
        self.tokens -= n as f64;
        if self.tokens < 0.0 {
            thread::sleep(Duration::from_secs_f64(-self.tokens / self.bytes_per_sec));
        }
    }
}

fn serve_connection(stream: TcpStream, role: Role, server: &Server) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    if role != Role::Control {
        sleep_ms(server.config.connect_ms.load(Ordering::SeqCst));
    }
    let mut pacer = Pacer::new(server.config.rate_bps.load(Ordering::SeqCst));
    while let Some(request) = read_request(&mut reader)? {
        let reply = match role {
            Role::Control => control(server, &request),
            Role::Api | Role::Download => {
                match role {
                    Role::Api => server.counters.api_requests.fetch_add(1, Ordering::SeqCst),
                    _ => server.counters.dl_requests.fetch_add(1, Ordering::SeqCst),
                };
                sleep_ms(server.config.request_ms.load(Ordering::SeqCst));
                let reply = answer(server, &request);
                if reply.status == 304 {
                    server.counters.not_modified.fetch_add(1, Ordering::SeqCst);
                }
                let port = if role == Role::Api { "api" } else { "dl" };
                server.log.lock().expect("log").push(format!(
                    "{port} {} {} {}",
                    request.method, request.path, reply.status
                ));
                reply
            }
        };
        let head_only = request.method == "HEAD";
        write_reply(&mut writer, &reply, head_only, &mut pacer, server)?;
        if request.close {
            break;
        }
    }
    Ok(())
}

fn sleep_ms(ms: u64) {
    if ms > 0 {
        thread::sleep(Duration::from_millis(ms));
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let version = parts.next().unwrap_or("HTTP/1.1").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut request = Request {
        method,
        path: path.to_owned(),
        query,
        headers,
        close: version == "HTTP/1.0",
    };
    if let Some(connection) = request.header("connection") {
        request.close = connection.eq_ignore_ascii_case("close");
    }
    Ok(Some(request))
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
}

enum Body {
    Owned(Vec<u8>),
    /// A slice of a shared asset: `bytes[start..]`.
    Shared(Arc<Vec<u8>>, usize),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Owned(v) => v,
            Body::Shared(v, start) => &v[*start..],
        }
    }
}

impl Reply {
    fn json(status: u16, text: String) -> Reply {
        Reply {
            status,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("X-RateLimit-Limit".into(), "5000".into()),
                ("X-RateLimit-Remaining".into(), "4999".into()),
            ],
            body: Body::Owned(text.into_bytes()),
        }
    }

    fn not_found() -> Reply {
        Reply::json(
            404,
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#.into(),
        )
    }
}

fn write_reply(
    writer: &mut TcpStream,
    reply: &Reply,
    head_only: bool,
    pacer: &mut Pacer,
    server: &Server,
) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "Status",
    };
    let body = reply.body.bytes();
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    if reply.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let body = if head_only || reply.status == 304 {
        &[][..]
    } else {
        body
    };
    // Small answers go out in one write; large bodies in paced chunks.
    if body.len() <= 64 * 1024 {
        let mut out = head.into_bytes();
        out.extend_from_slice(body);
        pacer.take(body.len());
        writer.write_all(&out)?;
    } else {
        writer.write_all(head.as_bytes())?;
        let chunk = if pacer.bytes_per_sec > 0.0 {
            32 * 1024
        } else {
            1 << 20
        };
        for piece in body.chunks(chunk) {
            pacer.take(piece.len());
            writer.write_all(piece)?;
            server
                .counters
                .body_bytes
                .fetch_add(piece.len() as u64, Ordering::Relaxed);
        }
        return writer.flush();
    }
    server
        .counters
        .body_bytes
        .fetch_add(body.len() as u64, Ordering::Relaxed);
    writer.flush()
}

fn control(server: &Server, request: &Request) -> Reply {
    let config = &server.config;
    let counters = &server.counters;
    match request.path.as_str() {
        "/config" => {
            let num = |key: &str| request.query.get(key).and_then(|v| v.parse::<f64>().ok());
            if let Some(v) = num("request_ms") {
                config.request_ms.store(v as u64, Ordering::SeqCst);
            }
            if let Some(v) = num("connect_ms") {
                config.connect_ms.store(v as u64, Ordering::SeqCst);
            }
            if let Some(v) = num("rate_mbit") {
                config.rate_bps.store((v * 1e6) as u64, Ordering::SeqCst);
            }
            if let Some(v) = num("digest") {
                config.digest.store(v != 0.0, Ordering::SeqCst);
            }
            Reply::json(
                200,
                format!(
                    r#"{{"request_ms":{},"connect_ms":{},"rate_mbit":{},"digest":{}}}"#,
                    config.request_ms.load(Ordering::SeqCst),
                    config.connect_ms.load(Ordering::SeqCst),
                    config.rate_bps.load(Ordering::SeqCst) as f64 / 1e6,
                    config.digest.load(Ordering::SeqCst),
                ),
            )
        }
        "/stats" => {
            let get = |c: &AtomicU64| c.load(Ordering::SeqCst);
            let log = server.log.lock().expect("log");
            let log_json: Vec<String> = log.iter().map(|l| json_string(l)).collect();
            Reply::json(
                200,
                format!(
                    r#"{{"api_connections":{},"api_requests":{},"dl_connections":{},"dl_requests":{},"not_modified":{},"body_bytes":{},"log":[{}]}}"#,
                    get(&counters.api_connections),
                    get(&counters.api_requests),
                    get(&counters.dl_connections),
                    get(&counters.dl_requests),
                    get(&counters.not_modified),
                    get(&counters.body_bytes),
                    log_json.join(","),
                ),
            )
        }
        "/reset" => {
            for c in [
                &counters.api_connections,
                &counters.api_requests,
                &counters.dl_connections,
                &counters.dl_requests,
                &counters.not_modified,
                &counters.body_bytes,
            ] {
                c.store(0, Ordering::SeqCst);
            }
            server.log.lock().expect("log").clear();
            Reply::json(200, "{}".into())
        }
        _ => Reply::not_found(),
    }
}

fn answer(server: &Server, request: &Request) -> Reply {
    if request.method != "GET" && request.method != "HEAD" {
        return Reply::json(405, r#"{"message":"Method Not Allowed"}"#.into());
    }
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let reply = match segments.as_slice() {
        [owner, repo, "releases", "download", tag, name] => {
            return download(server, &format!("{owner}/{repo}"), tag, name, request);
        }
        ["repos", owner, repo, "releases", "assets", id] => {
            match id
                .parse::<u64>()
                .ok()
                .and_then(|id| server.asset_ids.get(&id))
            {
                Some((repo, tag, name)) => {
                    return Reply {
                        status: 302,
                        headers: vec![("Location".into(), download_url(server, repo, tag, name))],
                        body: Body::Owned(Vec::new()),
                    };
                }
                None => {
                    let _ = (owner, repo);
                    Reply::not_found()
                }
            }
        }
        ["repos", owner, repo] => match server.repos.get(&format!("{owner}/{repo}")) {
            Some(_) => Reply::json(
                200,
                format!(
                    r#"{{"full_name":{},"name":{},"default_branch":"main","archived":false}}"#,
                    json_string(&format!("{owner}/{repo}")),
                    json_string(repo)
                ),
            ),
            None => Reply::not_found(),
        },
        ["repos", owner, repo, "releases", rest @ ..] => {
            let full = format!("{owner}/{repo}");
            let Some(releases) = server.repos.get(&full) else {
                return Reply::not_found();
            };
            match rest {
                [] | [""] => list_page(server, &full, releases, request),
                ["latest"] => releases.first().map_or_else(Reply::not_found, |r| {
                    Reply::json(200, release_json(server, &full, r))
                }),
                ["tags", tag @ ..] => {
                    let tag = tag.join("/");
                    releases
                        .iter()
                        .find(|r| r.tag == tag)
                        .map_or_else(Reply::not_found, |r| {
                            Reply::json(200, release_json(server, &full, r))
                        })
                }
                _ => Reply::not_found(),
            }
        }
        _ => Reply::not_found(),
    };
    with_etag(reply, request)
}

/// Add an `ETag` to a 200 answer and turn it into a 304 when the client already has it.
fn with_etag(mut reply: Reply, request: &Request) -> Reply {
    if reply.status != 200 {
        return reply;
    }
    let etag = format!("W/\"{:016x}\"", fnv1a(reply.body.bytes()));
    let matches = request
        .header("if-none-match")
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    reply.headers.push(("ETag".into(), etag));
    if matches {
        reply.status = 304;
        reply.body = Body::Owned(Vec::new());
    }
    reply
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn download(server: &Server, repo: &str, tag: &str, name: &str, request: &Request) -> Reply {
    let asset = server
        .repos
        .get(repo)
        .and_then(|rs| rs.iter().find(|r| r.tag == tag))
        .and_then(|r| r.assets.iter().find(|a| a.name == name));
    let Some(asset) = asset else {
        return Reply::not_found();
    };
    let len = asset.bytes.len();
    let start = request
        .header("range")
        .and_then(|v| v.strip_prefix("bytes="))
        .and_then(|v| v.strip_suffix('-'))
        .and_then(|v| v.parse::<usize>().ok());
    match start {
        Some(start) if start < len => Reply {
            status: 206,
            headers: vec![
                ("Content-Type".into(), "application/octet-stream".into()),
                (
                    "Content-Range".into(),
                    format!("bytes {start}-{}/{len}", len - 1),
                ),
            ],
            body: Body::Shared(Arc::clone(&asset.bytes), start),
        },
        _ => Reply {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/octet-stream".into()),
                ("Accept-Ranges".into(), "bytes".into()),
            ],
            body: Body::Shared(Arc::clone(&asset.bytes), 0),
        },
    }
}

fn download_url(server: &Server, repo: &str, tag: &str, name: &str) -> String {
    format!(
        "http://127.0.0.1:{}/{repo}/releases/download/{tag}/{name}",
        server.dl_port
    )
}

fn list_page(server: &Server, repo: &str, releases: &[Release], request: &Request) -> Reply {
    let num = |key: &str, default: usize| {
        request
            .query
            .get(key)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let per_page = num("per_page", 30).clamp(1, 100);
    let page = num("page", 1).max(1);
    let start = (page - 1) * per_page;
    let items: Vec<String> = releases
        .iter()
        .skip(start)
        .take(per_page)
        .map(|r| release_json(server, repo, r))
        .collect();
    let mut reply = Reply::json(200, format!("[{}]", items.join(",")));
    if start + per_page < releases.len() {
        reply.headers.push((
            "Link".into(),
            format!(
                "<http://127.0.0.1:{}/repos/{repo}/releases?per_page={per_page}&page={}>; rel=\"next\"",
                server.api_port,
                page + 1
            ),
        ));
    }
    reply
}

fn release_json(server: &Server, repo: &str, release: &Release) -> String {
    let digest_on = server.config.digest.load(Ordering::SeqCst);
    let assets: Vec<String> = release
        .assets
        .iter()
        .map(|a| {
            let digest = match (&a.sha256, digest_on) {
                (Some(hex), true) => json_string(&format!("sha256:{hex}")),
                _ => "null".into(),
            };
            format!(
                r#"{{"url":{},"id":{},"name":{},"label":"","content_type":"application/octet-stream","state":"uploaded","size":{},"digest":{},"download_count":0,"created_at":"2025-06-01T12:00:00Z","updated_at":"2025-06-01T12:00:00Z","browser_download_url":{}}}"#,
                json_string(&format!(
                    "http://127.0.0.1:{}/repos/{repo}/releases/assets/{}",
                    server.api_port, a.id
                )),
                a.id,
                json_string(&a.name),
                a.bytes.len(),
                digest,
                json_string(&download_url(server, repo, &release.tag, &a.name)),
            )
        })
        .collect();
    format!(
        r#"{{"url":{},"html_url":{},"tag_name":{},"name":{},"draft":false,"prerelease":false,"created_at":"2025-06-01T12:00:00Z","published_at":"2025-06-01T12:00:00Z","body":"","assets":[{}]}}"#,
        json_string(&format!(
            "http://127.0.0.1:{}/repos/{repo}/releases",
            server.api_port
        )),
        json_string(&format!(
            "https://github.example/{repo}/releases/tag/{}",
            release.tag
        )),
        json_string(&release.tag),
        json_string(&release.tag),
        assets.join(","),
    )
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
