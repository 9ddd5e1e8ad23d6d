//! The HTTP client: one keep-alive pool per process, retries with backoff, resumable streaming
//! downloads, rate-limit and status errors that say what to do.
//!
//! This and `source/` are the only modules that touch the network. The GitHub token is sent to
//! the GitHub API's host only (reqwest drops it again on a redirect to another host).

pub mod mirror;

use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;
use futures_util::StreamExt as _;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode, Url};

use crate::fetch::mirror::Mirrors;

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

/// How to reach the network, as settings resolve it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The GitHub API's base URL, without a trailing `/`.
    pub api_url: String,
    pub token: Option<String>,
    /// The environment variable the token came from, for `haul doctor` (never the value).
    pub token_var: Option<&'static str>,
    pub mirrors: Mirrors,
}

/// Attempts per request: the first plus retries for transient failures.
const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest silence while reading a response before the attempt counts as failed.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// A server's `retry-after` longer than this is reported instead of waited for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{url}` was not found (HTTP 404)")]
    NotFound { url: String },
    #[error("GitHub API rate limit exceeded")]
    RateLimited {
        /// When the limit resets, in seconds since the Unix epoch.
        reset: Option<u64>,
        authenticated: bool,
    },
    #[error("the server refused the credentials for `{url}` (HTTP {status})")]
    Unauthorized { url: String, status: u16 },
    #[error("HTTP {status} from `{url}`")]
    Status { url: String, status: u16 },
    #[error("cannot fetch `{url}`: {reason}")]
    Transport { url: String, reason: String },
}

/// The client shared by every request of one command.
pub struct Http {
    client: reqwest::Client,
    api: Url,
    token: Option<HeaderValue>,
    mirrors: Mirrors,
}

impl Http {
    pub fn new(config: &Config) -> Result<Http> {
        let (api_url, token, mirrors) = (
            config.api_url.as_str(),
            config.token.as_deref(),
            config.mirrors.clone(),
        );
        // ring, not aws-lc-rs: it builds for every target haul ships without a C SDK.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let api = Url::parse(api_url).map_err(|err| {
            crate::error::UserError::new(format!("invalid GitHub API URL `{api_url}`"))
                .caused_by(err.to_string())
                .hint(
                    "set `HAUL_GITHUB_API_URL` to a URL such as https://github.example.com/api/v3",
                )
        })?;
        let client = build_client()?;
        let token = token
            .map(|t| HeaderValue::from_str(&format!("Bearer {t}")))
            .transpose()
            .map_err(|_| {
                crate::error::UserError::new("the GitHub token holds characters a header cannot")
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
            mirrors,
        })
    }

    pub fn api_url(&self) -> &Url {
        &self.api
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    fn same_origin_as_api(&self, url: &Url) -> bool {
        url.scheme() == self.api.scheme()
            && url.host_str() == self.api.host_str()
            && url.port_or_known_default() == self.api.port_or_known_default()
    }

    /// GET with retries; returns the response once it has a success status.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Response> {
        self.get_from(url, accept, 0).await
    }

    async fn get_from(&self, url: &str, accept: &str, offset: u64) -> Result<Response> {
        // Mirror rules apply to every URL; the token still goes to the API's own origin only.
        let url = &self.mirrors.rewrite(url);
        let parsed = Url::parse(url).map_err(|err| HttpError::Transport {
            url: url.to_owned(),
            reason: err.to_string(),
        })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .client
                .get(parsed.clone())
                .header(header::ACCEPT, accept);
            if self.same_origin_as_api(&parsed) {
                request = request.header("X-GitHub-Api-Version", "2022-11-28");
                if let Some(token) = &self.token {
                    request = request.header(header::AUTHORIZATION, token.clone());
                }
            }
            if offset > 0 {
                request = request.header(header::RANGE, format!("bytes={offset}-"));
            }
            let failure = match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => match classify(url, &response, self.token.is_some()) {
                    Outcome::Fatal(err) => return Err(err.into()),
                    Outcome::Retry(err, wait) => (err, wait),
                },
                Err(err) => (transport(url, &err), None),
            };
            if attempt >= ATTEMPTS {
                return Err(failure.0.into());
            }
            tokio::time::sleep(failure.1.unwrap_or_else(|| backoff(attempt))).await;
        }
    }

    /// GET a small document as text.
    pub async fn get_text(&self, url: &str, accept: &str) -> Result<String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let response = self.get(url, accept).await?;
            match response.text().await {
                Ok(text) => return Ok(text),
                Err(_) if attempt < ATTEMPTS => tokio::time::sleep(backoff(attempt)).await,
                Err(err) => return Err(transport(url, &err).into()),
            }
        }
    }

    /// Stream `url` into `sink`, chunk by chunk, never holding the whole body. A connection
    /// that breaks part-way is resumed with a range request, so the sink sees every byte once
    /// and in order; a server that cannot resume makes the download fail.
    pub async fn download(
        &self,
        url: &str,
        bar: &dyn Progress,
        mut sink: impl AsyncFnMut(Bytes) -> Result<()>,
    ) -> Result<u64> {
        let mut received: u64 = 0;
        let mut expected: Option<u64> = None;
        let mut resumes = 0;
        loop {
            let response = self
                .get_from(url, "application/octet-stream", received)
                .await?;
            if received > 0 {
                bar.set_position(received);
                if !resumed_at(&response, received) {
                    return Err(HttpError::Transport {
                        url: url.to_owned(),
                        reason: format!(
                            "the connection broke after {received} bytes and the server cannot resume"
                        ),
                    }
                    .into());
                }
            } else if let Some(len) = response.content_length() {
                expected = Some(len);
                bar.set_length(len);
            }
            let mut body = response.bytes_stream();
            let broken = loop {
                match body.next().await {
                    Some(Ok(chunk)) => {
                        received += chunk.len() as u64;
                        bar.inc(chunk.len() as u64);
                        sink(chunk).await?;
                    }
                    Some(Err(err)) => break Some(err),
                    None => break None,
                }
            };
            match (broken, expected) {
                (None, Some(len)) if received < len => {}
                (None, _) => return Ok(received),
                (Some(_), _) if resumes + 1 < ATTEMPTS => {}
                (Some(err), _) => return Err(transport(url, &err).into()),
            }
            resumes += 1;
            if resumes >= ATTEMPTS {
                return Err(HttpError::Transport {
                    url: url.to_owned(),
                    reason: format!(
                        "the body ended after {received} of {} bytes",
                        expected.unwrap_or_default()
                    ),
                }
                .into());
            }
            tokio::time::sleep(backoff(resumes)).await;
        }
    }
}

/// The client: the operating system's trust store (through the platform verifier) plus
/// Mozilla's roots, for hosts with no CA bundle (a scratch container, a static binary on a
/// minimal image). Where the platform verifier cannot take extra roots (seen under wine), the
/// system store alone, and failing that Mozilla's roots alone.
fn build_client() -> Result<reqwest::Client> {
    let mozilla = || {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der).ok())
            .collect::<Vec<_>>()
    };
    let builder = || {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("haul/", env!("CARGO_PKG_VERSION"))),
        );
        reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(30))
    };
    builder()
        .tls_certs_merge(mozilla())
        .build()
        .or_else(|_| builder().build())
        .or_else(|_| builder().tls_certs_only(mozilla()).build())
        .map_err(|err| {
            crate::error::UserError::new("cannot set up HTTPS")
                .caused_by(err.to_string())
                .into()
        })
}

enum Outcome {
    Fatal(HttpError),
    Retry(HttpError, Option<Duration>),
}

fn classify(url: &str, response: &Response, authenticated: bool) -> Outcome {
    let status = response.status();
    let headers = response.headers();
    let header_u64 = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let url = url.to_owned();
    match status {
        StatusCode::NOT_FOUND => Outcome::Fatal(HttpError::NotFound { url }),
        StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
            if header_u64("x-ratelimit-remaining") == Some(0) =>
        {
            Outcome::Fatal(HttpError::RateLimited {
                reset: header_u64("x-ratelimit-reset"),
                authenticated,
            })
        }
        StatusCode::TOO_MANY_REQUESTS | StatusCode::FORBIDDEN
            if header_u64("retry-after").is_some() =>
        {
            let wait = Duration::from_secs(header_u64("retry-after").unwrap_or(1));
            let err = HttpError::RateLimited {
                reset: None,
                authenticated,
            };
            if wait <= MAX_RETRY_AFTER {
                Outcome::Retry(err, Some(wait))
            } else {
                Outcome::Fatal(err)
            }
        }
        StatusCode::UNAUTHORIZED => Outcome::Fatal(HttpError::Unauthorized {
            url,
            status: status.as_u16(),
        }),
        s if s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT => Outcome::Retry(
            HttpError::Status {
                url,
                status: s.as_u16(),
            },
            None,
        ),
        s => Outcome::Fatal(HttpError::Status {
            url,
            status: s.as_u16(),
        }),
    }
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

fn transport(url: &str, err: &reqwest::Error) -> HttpError {
    // reqwest's own text is generic ("error sending request"); its innermost source says why.
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    if err.is_timeout() {
        reason = format!("timed out ({reason})");
    }
    HttpError::Transport {
        url: url.to_owned(),
        reason,
    }
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1))
}

#[cfg(test)]
mod tests {
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
            token_var: None,
            mirrors: Mirrors::default(),
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
}
