//! The HTTP client: one keep-alive pool per process; redirects followed by haul itself (so the
//! token and mirror rules apply to every hop); proxies decided from the settings; retries for
//! what can heal; caps on every body; timeouts, a deadline and a minimum rate on every
//! transfer; errors that say what to check.
//!
//! This and `resolve/` are the only modules that touch the network. The GitHub token goes only
//! to requests whose origin (scheme, host and port) is the API's. fetch knows nothing of the
//! printer or the settings: it reports through its own traits, [`Progress`] and [`Events`].

mod cache;
mod diagnose;
mod failure;
mod hop;
pub mod mirror;
mod paging;
pub mod proxy;
mod tls;
mod watch;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode, Url};
use tokio::time::Instant;

pub use cache::DIR as API_CACHE_DIR;
pub use diagnose::{NetworkReport, diagnose};
pub use failure::HttpError;
pub use paging::Paging;
pub use proxy::{ProxyEnv, Var};
pub use tls::CaEnv;

use crate::error::{ExitCode, UserError};
use crate::fetch::failure::{Failure, Retry};
use crate::fetch::hop::Hop;
use crate::fetch::mirror::Mirrors;
use crate::fetch::proxy::Proxies;
use crate::fetch::watch::{Meter, Stop, Watch};
use crate::redact;
use crate::units::size;

/// What the client tells whoever watches a transfer (the printer's progress bar); every method
/// may be called from any task.
pub trait Progress: Sync {
    /// The whole size, once known.
    fn set_length(&self, _len: u64) {}
    /// The bytes received so far.
    fn set_position(&self, _pos: u64) {}
    /// More bytes received.
    fn inc(&self, _n: u64) {}
}

/// Nobody watching.
impl Progress for () {}

/// What the client tells a person (through the printer): each request for `-v`, stalls while
/// they happen, and warnings. Every method may be called from any task.
pub trait Events: Send + Sync {
    /// A request was answered (or failed): one line for `-v`.
    fn request(&self, _request: &RequestLog) {}
    /// A server keeps haul waiting: "waiting for HOST… (DETAIL)".
    fn stalled(&self, _host: &str, _detail: &str) {}
    /// Something a person should act on (a repository that moved).
    fn warn(&self, _text: &str) {}
}

/// Nobody listening.
impl Events for () {}

/// One request as `-v` shows it: after mirror rules, without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    pub method: &'static str,
    pub url: String,
    /// The status, or why there was none.
    pub outcome: std::result::Result<u16, String>,
    pub elapsed: Duration,
    /// The proxy and its variable, as "`URL` (from `VAR`)".
    pub proxy: Option<String>,
    /// The URL before a mirror rule rewrote it.
    pub mirror_of: Option<String>,
}

impl std::fmt::Display for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} → ", self.method, self.url)?;
        match &self.outcome {
            Ok(status) => write!(f, "{status}")?,
            Err(why) => write!(f, "failed ({why})")?,
        }
        write!(f, " in {} ms", self.elapsed.as_millis())?;
        if let Some(proxy) = &self.proxy {
            write!(f, " via proxy {proxy}")?;
        }
        if let Some(original) = &self.mirror_of {
            write!(f, " (mirror of {original})")?;
        }
        Ok(())
    }
}

/// Sizes and times no request may exceed; each can be raised in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait for a connection, for the response, or for the next piece of a body.
    pub timeout: Duration,
    /// The longest a whole request may take, retries and resumes included.
    pub max_time: Duration,
    /// Bytes per second below which a transfer is too slow (0: no minimum)…
    pub min_speed: u64,
    /// …when it stays below for this long.
    pub min_speed_time: Duration,
    /// The largest download (an asset's own size, when the API gives it, is the limit too).
    pub max_download_size: u64,
    /// The largest API answer or checksum file, which are read into memory.
    pub max_metadata_size: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(30),
            max_time: Duration::from_secs(3600),
            min_speed: 1024,
            min_speed_time: Duration::from_secs(30),
            max_download_size: 2 << 30,
            max_metadata_size: 10 << 20,
        }
    }
}

/// How to reach the network, as settings resolve it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The GitHub API's base URL, without a trailing `/`.
    pub api_url: String,
    pub token: Option<String>,
    /// The environment variable the token came from, for `haul doctor` (never the value).
    pub token_var: Option<&'static str>,
    pub mirrors: Mirrors,
    /// The proxy variables, as found; checked when the client is made.
    pub proxy: ProxyEnv,
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`; checked when the client is made.
    pub ca: CaEnv,
    pub limits: Limits,
    /// Offline, and what said so (`HAUL_OFFLINE`, `--offline`, the config's `offline`): every
    /// request fails at once, and API answers come from the cache.
    pub offline: Option<&'static str>,
    /// Where API answers are kept with their `ETag`s (`DIR/api/…`); none: no cache.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            api_url: "https://api.github.com".to_owned(),
            token: None,
            token_var: None,
            mirrors: Mirrors::default(),
            proxy: ProxyEnv::default(),
            ca: CaEnv::default(),
            limits: Limits::default(),
            offline: None,
            cache_dir: None,
        }
    }
}

/// Attempts per request: the first plus retries for transient failures.
const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A server's `retry-after` longer than this is reported instead of waited for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);
/// Redirects followed per request (GitHub uses one; mirrors sometimes two).
const MAX_REDIRECTS: usize = 10;

/// The client shared by every request of one command.
pub struct Http {
    client: reqwest::Client,
    api: Url,
    token: Option<HeaderValue>,
    mirrors: Mirrors,
    proxies: Arc<Proxies>,
    limits: Limits,
    offline: Option<&'static str>,
    cache_dir: Option<PathBuf>,
    events: Arc<dyn Events>,
    warned: Mutex<HashSet<String>>,
}

/// What to ask for.
struct Ask<'a> {
    url: &'a str,
    accept: &'a str,
    /// Resume a download from here (a range request).
    offset: u64,
    /// A conditional request: answer 304 when this `ETag` still holds.
    etag: Option<&'a str>,
    deadline: Instant,
}

impl Http {
    pub fn new(config: &Config) -> Result<Http> {
        // ring, not aws-lc-rs: it builds for every target haul ships without a C SDK.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let api_url = config.api_url.as_str();
        let api = http_url(api_url).ok_or_else(|| {
            UserError::new(format!("invalid GitHub API URL `{}`", redact::url(api_url)))
                .hint(
                    "set `HAUL_GITHUB_API_URL` (or `github-api-url` in the config file) to an \
                     http(s) URL such as https://github.example.com/api/v3",
                )
                .exit(ExitCode::Usage)
        })?;
        let proxies = Arc::new(Proxies::new(&config.proxy)?);
        let extra = tls::extra(&config.ca)?;
        let client = build_client(&proxies, extra.certs)?;
        let token = config
            .token
            .as_deref()
            .map(|t| HeaderValue::from_str(&format!("Bearer {t}")))
            .transpose()
            .map_err(|_| {
                UserError::new("the GitHub token holds characters a header cannot")
                    .hint("check `HAUL_GITHUB_TOKEN`, `GITHUB_TOKEN` and `GH_TOKEN`")
            })?
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Ok(Http {
            client,
            api,
            token,
            mirrors: config.mirrors.clone(),
            proxies,
            limits: config.limits,
            offline: config.offline,
            cache_dir: config.cache_dir.clone(),
            events: Arc::new(()),
            warned: Mutex::new(HashSet::new()),
        })
    }

    /// Report requests, stalls and warnings to `events` (the printer).
    #[must_use]
    pub fn with_events(mut self, events: Arc<dyn Events>) -> Http {
        self.events = events;
        self
    }

    /// The same client without the GitHub token: for fetching what a file names (a lock's
    /// URLs, for `haul mirror`), whose answers are written out as they are.
    #[must_use]
    pub fn without_token(mut self) -> Http {
        self.token = None;
        self
    }

    pub fn api_url(&self) -> &Url {
        &self.api
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Warn once per `key` and command (a moved repository asked for several times).
    pub fn warn_once(&self, key: &str, text: &str) {
        let first = self
            .warned
            .lock()
            .map_or(true, |mut seen| seen.insert(key.to_owned()));
        if first {
            self.events.warn(text);
        }
    }

    fn same_origin_as_api(&self, url: &Url) -> bool {
        same_origin(url, &self.api)
    }

    /// GET a small document (API JSON, a checksum file, a version file) as text, capped at
    /// `max-metadata-size` (see [`decode_text`]).
    pub async fn get_text(&self, url: &str, accept: &str) -> Result<String> {
        Ok(decode_text(&self.get_small(url, accept).await?))
    }

    /// [`Http::get_text`]'s bytes as they came.
    pub async fn get_small(&self, url: &str, accept: &str) -> Result<Vec<u8>> {
        let deadline = Instant::now() + self.limits.max_time;
        match self.text(url, accept, None, deadline).await? {
            Text::Body { bytes, .. } => Ok(bytes),
            // Only a conditional request is answered 304.
            Text::NotModified => Ok(Vec::new()),
        }
    }

    /// [`Http::get_text`] through the `ETag` cache: a conditional request when an earlier
    /// answer is kept (a 304 costs GitHub no rate limit), the cached answer when offline.
    /// `read` turns an answer into what the caller wants. A kept answer it cannot read is as
    /// good as none: it is asked for in full again, and a fresh answer it cannot read is not
    /// kept. The answer comes with what its `Link` header says about the pages after it.
    pub async fn get_cached<T, E>(
        &self,
        url: &str,
        accept: &str,
        read: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Result<(T, Paging), E>> {
        let path = self.cache_dir.as_deref().map(|dir| cache::path(dir, url));
        let kept = path
            .as_deref()
            .and_then(cache::read)
            .and_then(|kept| Some(((read(&kept.body).ok()?, kept.paging), kept.etag)));
        let (kept, etag) = kept.unzip();
        if self.offline.is_some()
            && let Some(kept) = kept
        {
            return Ok(Ok(kept));
        }
        let deadline = Instant::now() + self.limits.max_time;
        match self.text(url, accept, etag.as_deref(), deadline).await? {
            Text::NotModified => {
                Ok(kept.map_or_else(|| read("").map(|v| (v, Paging::Unstated)), Ok))
            }
            Text::Body {
                bytes,
                etag,
                paging,
            } => {
                let text = decode_text(&bytes);
                let value = read(&text);
                if let (Some(path), Some(etag), Ok(_)) = (&path, etag, &value) {
                    // A cache that cannot be written only costs the next run a full answer.
                    let _ = cache::write(path, url, &etag, &text, paging);
                }
                Ok(value.map(|v| (v, paging)))
            }
        }
    }

    async fn text(
        &self,
        url: &str,
        accept: &str,
        etag: Option<&str>,
        deadline: Instant,
    ) -> Result<Text> {
        let cap = self.limits.max_metadata_size;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ask = Ask {
                url,
                accept,
                offset: 0,
                etag,
                deadline,
            };
            let (response, hop) = self.send(&ask).await?;
            if response.status() == StatusCode::NOT_MODIFIED {
                return Ok(Text::NotModified);
            }
            let too_large = || {
                failure::limit(
                    &hop,
                    format!(
                        "`{}` is larger than {}, the limit for API answers and checksum files",
                        hop.shown(),
                        size(cap)
                    ),
                    format!(
                        "if it is genuine, raise `max-metadata-size` in the config file or `HAUL_MAX_METADATA_SIZE` (now {})",
                        size(cap)
                    ),
                )
                .into_error(Some(&hop))
            };
            if response.content_length().is_some_and(|len| len > cap) {
                return Err(too_large());
            }
            let new_etag = response
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let paging = Paging::from_links(
                response
                    .headers()
                    .get_all(header::LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            );
            let mut bytes = Vec::new();
            let broken = self
                .read_body(&hop, response, deadline, async |chunk: Bytes| {
                    if bytes.len() as u64 + chunk.len() as u64 > cap {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                    Ok(())
                })
                .await?;
            match broken {
                None => {
                    return Ok(Text::Body {
                        bytes,
                        etag: new_etag,
                        paging,
                    });
                }
                Some(failure) => self.again(failure, &hop, attempt, deadline).await?,
            }
        }
    }

    /// Stream `url` into `sink`, chunk by chunk, never holding the whole body. A connection
    /// that breaks part-way is resumed with a range request, so the sink sees every byte once
    /// and in order; a server that cannot resume makes the download fail.
    ///
    /// `size` is what the release says the file holds (the GitHub API's `size`): a body
    /// longer or shorter is refused, and so is a size above `max-download-size`, before
    /// anything is fetched. Without it, `max-download-size` bounds the body.
    pub async fn download(
        &self,
        url: &str,
        size: Option<u64>,
        bar: &dyn Progress,
        mut sink: impl AsyncFnMut(Bytes) -> Result<()>,
    ) -> Result<u64> {
        let deadline = Instant::now() + self.limits.max_time;
        let max = self.limits.max_download_size;
        let mut received: u64 = 0;
        let mut expected = size;
        let mut resumes = 0;
        // Why the last attempt stopped (and its hint): a server that cannot resume is the
        // end of the download, but not its cause.
        let mut why: Option<(String, Option<String>)> = None;
        if let Some(len) = size {
            if len > max {
                let hop = self.hop(url, None)?;
                return Err(self.too_long(&hop, None).into_error(Some(&hop)));
            }
            bar.set_length(len);
        }
        loop {
            let ask = Ask {
                url,
                accept: "application/octet-stream",
                offset: received,
                etag: None,
                deadline,
            };
            let (response, hop) = self.send(&ask).await?;
            if received > 0 {
                bar.set_position(received);
                if !resumed_at(&response, received) {
                    let (stopped, hint) = why.take().unwrap_or_else(|| {
                        (format!("the connection to `{}` broke", hop.host()), None)
                    });
                    let mut failure = failure::transport(
                        &hop,
                        format!(
                            "{stopped}, after {received} bytes, and the server cannot resume the download"
                        ),
                        Retry::Never,
                    )
                    .cause(format!("while fetching `{}`", hop.shown()));
                    if let Some(hint) = hint {
                        failure = failure.hint(hint);
                    }
                    return Err(failure.into_error(Some(&hop)));
                }
            } else if let Some(len) = response.content_length() {
                self.check_announced(&hop, len, size)?;
                expected = Some(len);
                bar.set_length(len);
            }
            let limit = size.unwrap_or(max);
            let broken = self
                .read_body(&hop, response, deadline, async |chunk: Bytes| {
                    let len = chunk.len() as u64;
                    if received + len > limit {
                        return Err(self.too_long(&hop, size).into_error(Some(&hop)));
                    }
                    received += len;
                    bar.inc(len);
                    sink(chunk).await
                })
                .await?;
            let failure = match (broken, expected) {
                (None, Some(len)) if received < len => failure::transport(
                    &hop,
                    format!(
                        "`{}` ended after {received} of its {len} bytes",
                        hop.shown()
                    ),
                    Retry::Backoff,
                )
                .hint("the connection or the server is broken; try again later"),
                (None, _) => return Ok(received),
                (Some(failure), _) => failure,
            };
            resumes += 1;
            why = Some((failure.error.to_string(), failure.hint.clone()));
            self.again(failure, &hop, resumes, deadline).await?;
        }
    }

    /// Hand `response`'s body to `each`, chunk by chunk, while the watch guards the
    /// connection. `Ok(None)` when the body ended, `Ok(Some(failure))` when the connection broke
    /// or stalled (another attempt may heal that); an error from `each` stops at once.
    async fn read_body(
        &self,
        hop: &Hop,
        response: Response,
        deadline: Instant,
        mut each: impl AsyncFnMut(Bytes) -> Result<()>,
    ) -> Result<Option<Failure>> {
        let watch = self.watch(hop, deadline);
        let mut body = Box::pin(response.bytes_stream());
        let mut meter = Meter::new();
        loop {
            match watch.chunk(&mut body, &mut meter).await {
                Ok(Some(Ok(chunk))) => each(chunk).await?,
                Ok(None) => return Ok(None),
                Ok(Some(Err(err))) => return Ok(Some(failure::reqwest(hop, &err))),
                Err(stop) => return Ok(Some(self.stopped(hop, stop))),
            }
        }
    }

    /// After attempt number `attempt` failed: the error when no other attempt may follow,
    /// else wait before the next one (never past the deadline).
    async fn again(
        &self,
        failure: Failure,
        hop: &Hop,
        attempt: u32,
        deadline: Instant,
    ) -> Result<()> {
        if !can_retry(&failure, attempt) {
            return Err(failure.into_error(Some(hop)));
        }
        let wait = match failure.retry {
            Retry::After(wait) => wait,
            _ => backoff(attempt),
        };
        tokio::time::sleep_until((Instant::now() + wait).min(deadline)).await;
        Ok(())
    }

    /// The server announces `len` bytes: more than allowed, or not what the release lists.
    fn check_announced(&self, hop: &Hop, len: u64, size: Option<u64>) -> Result<()> {
        let max = self.limits.max_download_size;
        match size {
            Some(size) if size != len => Err(failure::not_the_listed_size(
                hop,
                format!(
                    "`{}` announces {len} bytes, but {size} are listed for it",
                    hop.shown()
                ),
            )
            .into_error(Some(hop))),
            None if len > max => Err(self.too_long(hop, None).into_error(Some(hop))),
            _ => Ok(()),
        }
    }

    /// The error for a body longer than the release lists (`listed`) or, when it lists
    /// nothing, than `max-download-size`.
    fn too_long(&self, hop: &Hop, listed: Option<u64>) -> Failure {
        let max = size(self.limits.max_download_size);
        match listed {
            Some(listed) => failure::not_the_listed_size(
                hop,
                format!(
                    "`{}` is longer than the {listed} bytes listed for it",
                    hop.shown()
                ),
            ),
            None => failure::limit(
                hop,
                format!(
                    "`{}` is larger than {max}, the limit for downloads",
                    hop.shown()
                ),
                format!(
                    "if it is genuine, raise `max-download-size` in the config file or `HAUL_MAX_DOWNLOAD_SIZE` (now {max})"
                ),
            ),
        }
    }

    fn watch(&self, hop: &Hop, deadline: Instant) -> Watch<'_> {
        Watch {
            limits: &self.limits,
            events: self.events.as_ref(),
            host: hop.host(),
            deadline,
        }
    }

    /// Why waiting on `hop` stopped, as a failure.
    fn stopped(&self, hop: &Hop, stop: Stop) -> Failure {
        let host = hop.host();
        match stop {
            Stop::Silent(after) => failure::transport(
                hop,
                format!("`{host}` sent nothing for {}", watch::seconds(after)),
                Retry::Once,
            )
            .cause(format!("while fetching `{}`", hop.shown()))
            .hint(format!(
                "if the server is just slow, raise `timeout` in the config file or `HAUL_TIMEOUT` (now {}); otherwise check the network, the proxy and the URL",
                watch::seconds(self.limits.timeout)
            )),
            Stop::Deadline => failure::limit(
                hop,
                format!(
                    "fetching `{}` took longer than {}, the limit for one request",
                    hop.shown(),
                    watch::seconds(self.limits.max_time)
                ),
                format!(
                    "raise `max-time` in the config file or `HAUL_MAX_TIME` (now {})",
                    watch::seconds(self.limits.max_time)
                ),
            ),
            Stop::Slow { rate } => failure::limit(
                hop,
                format!(
                    "`{host}` sent `{}` at {}/s, slower than the minimum of {}/s for {}",
                    hop.shown(),
                    size(rate),
                    size(self.limits.min_speed),
                    watch::seconds(self.limits.min_speed_time)
                ),
                format!(
                    "on a slow network, lower `min-speed` or raise `min-speed-time` in the config file (`HAUL_MIN_SPEED`, now {}/s; `HAUL_MIN_SPEED_TIME`, now {}); `min-speed = 0` turns the check off",
                    size(self.limits.min_speed),
                    watch::seconds(self.limits.min_speed_time)
                ),
            ),
        }
    }

    /// Send `ask`, following redirects; each hop passes the mirror rules and gets the token
    /// only when its origin is the API's. Returns a successful (or 304) answer.
    async fn send(&self, ask: &Ask<'_>) -> Result<(Response, Hop)> {
        if let Some(by) = self.offline {
            return Err(Failure::new(
                HttpError::Offline {
                    url: redact::url(ask.url),
                    by,
                },
                Retry::Never,
            )
            .hint(format!(
                "this needs the network; run it again without `{by}` when the network can be reached"
            ))
            .into_error(None));
        }
        let mut hop = self.hop(ask.url, None)?;
        // The token goes only to a chain of requests that began at the API's origin and has
        // stayed there: a file elsewhere that redirects to the API (a vendor's version file,
        // a checksum file) would otherwise get an authenticated answer it chose, and show it.
        let mut on_api = self.same_origin_as_api(&hop.url);
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send_hop(&hop, ask, on_api).await?;
            let status = response.status();
            if !is_redirect(status) {
                return Ok((response, hop));
            }
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| hop.url.join(v).ok())
                .filter(|url| matches!(url.scheme(), "http" | "https"));
            let Some(next) = location else {
                return Err(failure::transport(
                    &hop,
                    format!(
                        "`{}` answered {} without a usable `Location`",
                        hop.shown(),
                        status.as_u16()
                    ),
                    Retry::Never,
                )
                .into_error(Some(&hop)));
            };
            hop = self.hop(next.as_str(), Some(hop.url.clone()))?;
            on_api = on_api && self.same_origin_as_api(&hop.url);
        }
        Err(failure::transport(
            &hop,
            format!(
                "`{}` redirected more than {MAX_REDIRECTS} times",
                redact::url(ask.url)
            ),
            Retry::Never,
        )
        .into_error(Some(&hop)))
    }

    /// Whether a mirror rule rewrites `url`.
    pub fn is_mirrored(&self, url: &str) -> bool {
        self.mirrors.rewrite_with_rule(url).1.is_some()
    }

    /// The hop for `url`: mirror rules applied, the proxy decided.
    fn hop(&self, url: &str, from: Option<Url>) -> Result<Hop> {
        let (rewritten, rule) = self.mirrors.rewrite_with_rule(url);
        let mirrored = rule.map(|rule| (url.to_owned(), rule.clone()));
        let Some(parsed) = http_url(&rewritten) else {
            let mut err = UserError::new(format!(
                "cannot fetch `{}`: it is not an http(s) URL",
                redact::url(&rewritten)
            ));
            if let Some((original, rule)) = &mirrored {
                err = err.caused_by(rule.rewrote(original));
            }
            return Err(err.into());
        };
        let proxy = self.proxies.for_url(&parsed).cloned();
        Ok(Hop {
            url: parsed,
            mirrored,
            proxy,
            redirected_from: from,
        })
    }

    /// One hop, with retries for what can heal; `on_api` when the token may go with it.
    async fn send_hop(&self, hop: &Hop, ask: &Ask<'_>, on_api: bool) -> Result<Response> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .client
                .get(hop.url.clone())
                .header(header::ACCEPT, ask.accept);
            if on_api && self.same_origin_as_api(&hop.url) {
                request = request.header("X-GitHub-Api-Version", "2022-11-28");
                if let Some(token) = &self.token {
                    request = request.header(header::AUTHORIZATION, token.clone());
                }
            }
            if ask.offset > 0 {
                request = request.header(header::RANGE, format!("bytes={}-", ask.offset));
            }
            if let Some(etag) = ask.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            let started = Instant::now();
            let failure = match self.watch(hop, ask.deadline).headers(request.send()).await {
                Ok(Ok(response)) => {
                    let status = response.status();
                    self.log(hop, Ok(status.as_u16()), started);
                    let conditional = ask.etag.is_some() && status == StatusCode::NOT_MODIFIED;
                    if status.is_success() || is_redirect(status) || conditional {
                        return Ok(response);
                    }
                    failure::status(
                        hop,
                        &response,
                        self.token.is_some(),
                        self.same_origin_as_api(&hop.url),
                    )
                }
                Ok(Err(err)) => {
                    let failure = failure::reqwest(hop, &err);
                    self.log(hop, Err(failure.error.to_string()), started);
                    failure
                }
                Err(stop) => {
                    let failure = self.stopped(hop, stop);
                    self.log(hop, Err(failure.error.to_string()), started);
                    failure
                }
            };
            self.again(failure, hop, attempt, ask.deadline).await?;
        }
    }

    fn log(&self, hop: &Hop, outcome: std::result::Result<u16, String>, started: Instant) {
        self.events.request(&RequestLog {
            method: "GET",
            url: hop.shown(),
            outcome,
            elapsed: started.elapsed(),
            proxy: hop.proxy.as_ref().map(proxy::Proxy::describe),
            mirror_of: hop.mirrored.as_ref().map(|(url, _)| redact::url(url)),
        });
    }
}

/// Whether `a` and `b` have one origin: scheme, host and port (the scheme's own when none is
/// written).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A small document's text: UTF-8, or UTF-16 when a byte-order mark says so (Windows
/// PowerShell writes checksum files that way); a UTF-8 byte-order mark is dropped.
pub fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], read: fn([u8; 2]) -> u16| {
        let units = rest.chunks_exact(2).map(|pair| read([pair[0], pair[1]]));
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        utf16(rest, u16::from_be_bytes)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// A text answer, or "not modified" for a conditional request.
enum Text {
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        paging: Paging,
    },
    NotModified,
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Whether attempt number `attempt` may be followed by another.
fn can_retry(failure: &Failure, attempt: u32) -> bool {
    match failure.retry {
        Retry::Never => false,
        Retry::Once => attempt < 2,
        Retry::Backoff | Retry::After(_) => attempt < ATTEMPTS,
    }
}

/// The client: the operating system's trust store (through the platform verifier) plus
/// Mozilla's roots, for hosts with no CA bundle (a scratch container, a static binary on a
/// minimal image), plus `SSL_CERT_FILE`/`SSL_CERT_DIR`. Where the platform verifier cannot take
/// extra roots (seen under wine): Mozilla's and the user's roots when the user named some (what
/// they asked for comes first), else the system store alone; failing that, the roots alone.
/// Redirects are haul's own; proxies are decided by [`Proxies`].
fn build_client(
    proxies: &Arc<Proxies>,
    extra: Vec<reqwest::Certificate>,
) -> Result<reqwest::Client> {
    let named = !extra.is_empty();
    let mut roots = tls::mozilla();
    roots.extend(extra);
    let builder = || {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("haul/", env!("CARGO_PKG_VERSION"))),
        );
        let builder = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(30));
        if proxies.is_empty() {
            builder.no_proxy()
        } else {
            let decide = Arc::clone(proxies);
            builder.proxy(reqwest::Proxy::custom(move |url| {
                decide.for_url(url).map(|proxy| proxy.url.clone())
            }))
        }
    };
    let only = |roots: Vec<reqwest::Certificate>| builder().tls_certs_only(roots).build();
    builder()
        .tls_certs_merge(roots.clone())
        .build()
        .or_else(|err| if named { only(roots.clone()) } else { Err(err) })
        .or_else(|_| builder().build())
        .or_else(|_| only(roots))
        .map_err(|err| {
            UserError::new("cannot set up HTTPS")
                .caused_by(err.to_string())
                .into()
        })
}

fn resumed_at(response: &Response, offset: u64) -> bool {
    response.status() == StatusCode::PARTIAL_CONTENT
        && response
            .headers()
            .get(header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|start| start.parse::<u64>().ok())
            == Some(offset)
}

/// `text` as a URL haul can fetch: http or https, with a host.
pub(crate) fn http_url(text: &str) -> Option<Url> {
    Url::parse(text)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_utf8_and_utf16_with_byte_order_marks() {
        use super::decode_text;
        assert_eq!(decode_text(b"abc  x\n"), "abc  x\n");
        assert_eq!(decode_text(b"\xef\xbb\xbfabc"), "abc");
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("ab c".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&le), "ab c");
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("ab c".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text(&be), "ab c");
    }

    use super::*;

    #[test]
    fn backoff_doubles() {
        assert_eq!(backoff(1), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_millis(500));
        assert_eq!(backoff(3), Duration::from_secs(1));
    }

    #[test]
    fn token_goes_to_the_api_origin_only() {
        let http = Http::new(&Config {
            api_url: "http://127.0.0.1:8080/api/v3".to_owned(),
            token: Some("t".to_owned()),
            ..Config::default()
        })
        .unwrap();
        let same = Url::parse("http://127.0.0.1:8080/dl/x.tar.gz").unwrap();
        let other_port = Url::parse("http://127.0.0.1:9090/dl/x.tar.gz").unwrap();
        let other_host = Url::parse("http://example.com:8080/x").unwrap();
        let other_scheme = Url::parse("https://127.0.0.1:8080/x").unwrap();
        assert!(http.same_origin_as_api(&same));
        assert!(!http.same_origin_as_api(&other_port));
        assert!(!http.same_origin_as_api(&other_host));
        assert!(!http.same_origin_as_api(&other_scheme));
    }

    #[test]
    fn request_lines_show_proxy_and_mirror() {
        let line = RequestLog {
            method: "GET",
            url: "http://m.example/gh/x".to_owned(),
            outcome: Ok(302),
            elapsed: Duration::from_millis(12),
            proxy: Some("`http://***@p:3128` (from `HTTPS_PROXY`)".to_owned()),
            mirror_of: Some("https://github.com/x".to_owned()),
        };
        assert_eq!(
            line.to_string(),
            "GET http://m.example/gh/x → 302 in 12 ms via proxy `http://***@p:3128` (from `HTTPS_PROXY`) (mirror of https://github.com/x)"
        );
    }

    #[tokio::test]
    async fn offline_fails_at_once_naming_the_url() {
        let http = Http::new(&Config {
            offline: Some("HAUL_OFFLINE"),
            ..Config::default()
        })
        .unwrap();
        let err = http
            .get_text("https://user:pw@example.com/x", "text/plain")
            .await
            .unwrap_err();
        assert!(matches!(
            err.downcast_ref::<HttpError>(),
            Some(HttpError::Offline { .. })
        ));
        let text = err.to_string();
        assert_eq!(
            text,
            "haul is offline (`HAUL_OFFLINE`), so it cannot fetch `https://***@example.com/x`"
        );
    }
}
