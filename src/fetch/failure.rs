//! Why a request failed, in words a person can act on: the host, the proxy and the variable it
//! came from, the mirror rule and the URL it rewrote, and what to check; and whether trying
//! again can help (certificates, refused proxies and most 4xx never heal).
//!
//! An error leaves here as an `anyhow::Error` whose outer layer is an [`HttpError`] (callers
//! branch on it) over a [`UserError`] with the causes and the hint.

use std::time::Duration;

use reqwest::{Response, StatusCode};

use super::hop::Hop;
use crate::error::UserError;

/// A failed request, for callers that branch on what happened.
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
    /// The connection, the proxy, TLS or a timeout.
    #[error("{message}")]
    Transport { url: String, message: String },
    /// A size or time limit was exceeded.
    #[error("{message}")]
    Limit { url: String, message: String },
    #[error("haul is offline (`{by}`), so it cannot fetch `{url}`")]
    Offline { url: String, by: &'static str },
}

/// Whether another attempt can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Never,
    /// After the usual backoff.
    Backoff,
    /// After what the server asked for.
    After(Duration),
    /// Once more at most (a timeout: the next attempt costs as long again).
    Once,
}

/// A failure on its way to becoming an error.
pub struct Failure {
    pub error: HttpError,
    pub causes: Vec<String>,
    pub hint: Option<String>,
    pub retry: Retry,
    /// The bytes are not the ones expected (another size than listed): a failed
    /// verification, exit 4.
    pub not_expected: bool,
}

impl Failure {
    pub fn new(error: HttpError, retry: Retry) -> Failure {
        Failure {
            error,
            causes: Vec::new(),
            hint: None,
            not_expected: false,
            retry,
        }
    }

    #[must_use]
    pub fn cause(mut self, cause: impl Into<String>) -> Failure {
        self.causes.push(cause.into());
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// The error, with what `hop` involved (proxy, mirror rule, redirects) among the causes.
    pub fn into_error(self, hop: Option<&Hop>) -> anyhow::Error {
        let message = self.error.to_string();
        let mut user = UserError::new(message.clone());
        for cause in self.causes {
            user = user.caused_by(cause);
        }
        if let Some(hop) = hop {
            // A message about the proxy names it already.
            let named = hop
                .proxy
                .as_ref()
                .is_some_and(|proxy| message.contains(&proxy.describe()));
            for cause in hop.involved() {
                if !(named && cause.starts_with("through the proxy ")) {
                    user = user.caused_by(cause);
                }
            }
        }
        if let Some(hint) = self.hint {
            user = user.hint(hint);
        }
        if self.not_expected {
            user = user.exit(crate::error::ExitCode::Verification);
        }
        anyhow::Error::new(user).context(self.error)
    }
}

/// A limit was exceeded; never retried.
pub fn limit(hop: &Hop, message: String, hint: String) -> Failure {
    Failure::new(
        HttpError::Limit {
            url: hop.shown(),
            message,
        },
        Retry::Never,
    )
    .hint(hint)
}

/// A body of another size than the one listed for it (by the release, or by haul.lock): the
/// file is not the one expected.
pub fn not_the_listed_size(hop: &Hop, message: String) -> Failure {
    Failure {
        not_expected: true,
        ..limit(
            hop,
            message,
            "the file changed after it was listed, or something between haul and the server \
             alters it; nothing was installed"
                .to_owned(),
        )
    }
}

/// A transport failure described without a reqwest error (timeouts haul measures itself).
pub fn transport(hop: &Hop, message: String, retry: Retry) -> Failure {
    Failure::new(
        HttpError::Transport {
            url: hop.shown(),
            message,
        },
        retry,
    )
}

/// An answer with an unsuccessful status; `api` when it came from the GitHub API's origin
/// (only its limits are GitHub's rate limit).
pub fn status(hop: &Hop, response: &Response, authenticated: bool, api: bool) -> Failure {
    let status = response.status();
    let headers = response.headers();
    let header_u64 = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let url = hop.shown();
    match status {
        StatusCode::NOT_FOUND => {
            let failure = Failure::new(HttpError::NotFound { url }, Retry::Never);
            match &hop.mirrored {
                Some(_) => failure.hint("check that the mirror holds this file"),
                None => failure,
            }
        }
        StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
            if api && header_u64("x-ratelimit-remaining") == Some(0) =>
        {
            Failure::new(
                HttpError::RateLimited {
                    reset: header_u64("x-ratelimit-reset"),
                    authenticated,
                },
                Retry::Never,
            )
        }
        StatusCode::TOO_MANY_REQUESTS | StatusCode::FORBIDDEN
            if header_u64("retry-after").is_some() =>
        {
            let wait = Duration::from_secs(header_u64("retry-after").unwrap_or(1));
            let retry = if wait <= super::MAX_RETRY_AFTER {
                Retry::After(wait)
            } else {
                Retry::Never
            };
            if api {
                Failure::new(
                    HttpError::RateLimited {
                        reset: None,
                        authenticated,
                    },
                    retry,
                )
            } else {
                // A download host, a vendor's site or a mirror: its own limit, not GitHub's.
                Failure::new(
                    HttpError::Status {
                        url,
                        status: status.as_u16(),
                    },
                    retry,
                )
                .cause(format!(
                    "the server asks to wait {} s before trying again",
                    wait.as_secs()
                ))
                .hint("try again later")
            }
        }
        StatusCode::UNAUTHORIZED => Failure::new(
            HttpError::Unauthorized {
                url,
                status: status.as_u16(),
            },
            Retry::Never,
        ),
        StatusCode::PROXY_AUTHENTICATION_REQUIRED => match &hop.proxy {
            Some(proxy) => proxy_auth(hop, proxy),
            None => Failure::new(
                HttpError::Status {
                    url,
                    status: status.as_u16(),
                },
                Retry::Never,
            )
            .hint("a proxy between haul and the server wants credentials: set `HTTPS_PROXY` (and `HTTP_PROXY`) to http://USER:PASSWORD@PROXY:PORT"),
        },
        s if s.is_server_error()
            || s == StatusCode::REQUEST_TIMEOUT
            || s == StatusCode::TOO_MANY_REQUESTS =>
        {
            Failure::new(
                HttpError::Status {
                    url,
                    status: s.as_u16(),
                },
                Retry::Backoff,
            )
        }
        s => Failure::new(
            HttpError::Status {
                url,
                status: s.as_u16(),
            },
            Retry::Never,
        ),
    }
}

fn proxy_auth(hop: &Hop, proxy: &super::proxy::Proxy) -> Failure {
    let hint = if proxy.url.password().is_some() {
        format!(
            "the proxy refused the user and password in `{}`; check them (special characters must be percent-encoded)",
            proxy.var
        )
    } else {
        format!(
            "put the proxy's user and password in `{}`: http://USER:PASSWORD@HOST:PORT (percent-encode special characters)",
            proxy.var
        )
    };
    transport(
        hop,
        format!(
            "the proxy {} asks for credentials (HTTP 407)",
            proxy.describe()
        ),
        Retry::Never,
    )
    .cause(format!("while fetching `{}`", hop.shown()))
    .hint(hint)
}

/// What reqwest reported, sorted into what a person can check.
pub fn reqwest(hop: &Hop, err: &reqwest::Error) -> Failure {
    let chain = chain(err);
    let reason = chain
        .last()
        .map_or_else(|| err.to_string(), ToString::to_string);
    let host = hop.host_port();
    let has = |text: &str| chain.iter().any(|e| e.to_string().contains(text));
    let refused = chain.iter().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    });

    if let Some(proxy) = &hop.proxy
        && err.is_connect()
    {
        if has("proxy authorization required") {
            return proxy_auth(hop, proxy);
        }
        if has("unsuccessful") {
            return transport(
                hop,
                format!("the proxy {} refused to connect to `{host}`", proxy.describe()),
                Retry::Never,
            )
            .cause(format!("while fetching `{}`", hop.shown()))
            .hint(format!(
                "the proxy does not let haul reach `{host}`: ask its administrators, or add the host to `NO_PROXY` if it can be reached directly"
            ));
        }
        if tls_error(&chain).is_none() {
            return transport(
                hop,
                format!("cannot connect to the proxy {}: {reason}", proxy.describe()),
                Retry::Never,
            )
            .cause(format!("while fetching `{}`", hop.shown()))
            .hint(format!(
                "check `{}`: does a proxy run at that address? Unset it (or list the host in `NO_PROXY`) to connect directly",
                proxy.var
            ));
        }
    }
    if let Some(tls) = tls_error(&chain) {
        return certificate(hop, &tls);
    }
    if has("dns error") {
        // "Temporary failure in name resolution" may heal; an unknown name does not.
        let retry = if has("emporary") || has("try again") {
            Retry::Backoff
        } else {
            Retry::Never
        };
        let name = hop.url.host_str().unwrap_or_default().to_owned();
        return transport(hop, format!("cannot find the host `{name}`"), retry)
            .cause(format!("looking it up failed: {reason}"))
            .hint(format!(
                "check the spelling of `{name}` (in `HAUL_GITHUB_API_URL`, a mirror rule or the catalog) and this machine's DNS; a network without direct access to the internet needs `HTTPS_PROXY`"
            ));
    }
    if refused {
        return transport(
            hop,
            format!("cannot connect to `{host}`: the connection was refused"),
            Retry::Backoff,
        )
        .cause(format!("while fetching `{}`", hop.shown()))
        .hint("check that a server runs at that host and port (`HAUL_GITHUB_API_URL`, mirror rules); a network that allows no direct connections needs `HTTPS_PROXY`");
    }
    let message = if err.is_connect() {
        format!("cannot connect to `{host}`: {reason}")
    } else {
        format!("cannot fetch `{}`: {reason}", hop.shown())
    };
    transport(hop, message, Retry::Backoff)
}

/// Every error in `err`'s chain, with the errors an `io::Error` wraps (io's own `source` skips them).
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        out.push(current);
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    out
}

fn tls_error(chain: &[&(dyn std::error::Error + 'static)]) -> Option<rustls::Error> {
    chain
        .iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
        .cloned()
}

fn certificate(hop: &Hop, tls: &rustls::Error) -> Failure {
    use rustls::CertificateError as C;
    let name = hop.url.host_str().unwrap_or_default().to_owned();
    let ca_hint = "if your network inspects HTTPS with its own certificate authority (a company proxy or firewall), set `SSL_CERT_FILE` to that CA's certificate in PEM form (or `SSL_CERT_DIR` to a directory of them), or add it to the system's trust store";
    let (message, hint) = match tls {
        rustls::Error::InvalidCertificate(cert) => {
            let hint = match cert {
                C::UnknownIssuer | C::BadSignature | C::UnhandledCriticalExtension => {
                    ca_hint.to_owned()
                }
                C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. } => {
                    "the certificate is outside its validity dates: check this machine's clock, or tell the server's owner".to_owned()
                }
                C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                    "the certificate is for another host: check the URL (`HAUL_GITHUB_API_URL`, mirror rules), or whether something intercepts HTTPS to `{name}`"
                ),
                _ => ca_hint.to_owned(),
            };
            (
                format!("the certificate of `{name}` is not trusted: {}", describe_cert_error(cert)),
                hint,
            )
        }
        other => (
            format!("the TLS handshake with `{name}` failed: {other}"),
            "check that the URL's server speaks HTTPS (an `http://` server behind an `https://` URL fails like this), and that nothing between haul and it interferes".to_owned(),
        ),
    };
    transport(hop, message, Retry::Never)
        .cause(format!("while fetching `{}`", hop.shown()))
        .hint(hint)
}

fn describe_cert_error(err: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match err {
        C::UnknownIssuer => {
            "it is signed by an unknown certificate authority (UnknownIssuer)".to_owned()
        }
        C::Expired | C::ExpiredContext { .. } => "it has expired".to_owned(),
        C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".to_owned(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "it is not valid for this host name".to_owned()
        }
        C::Revoked => "it has been revoked".to_owned(),
        // What the operating system's verifier said (macOS, Windows).
        C::Other(other) => other.to_string(),
        other => format!("{other:?}"),
    }
}
