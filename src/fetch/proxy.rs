//! Which proxy a request goes through, decided by haul from the proxy variables settings
//! found (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` and their lowercase forms), so
//! every error can name the proxy and the variable it came from. Pure: no I/O.

use std::net::IpAddr;

use reqwest::Url;

use crate::error::{ExitCode, UserError};
use crate::redact;

/// One variable as found in the environment: its name and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: &'static str,
    pub value: String,
}

/// The proxy variables, as found (settings reads them; this module checks and applies them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// For `https://` URLs: `HTTPS_PROXY` or `https_proxy`.
    pub https: Option<Var>,
    /// For `http://` URLs: `HTTP_PROXY` or `http_proxy`.
    pub http: Option<Var>,
    /// For both, when the specific one is unset: `ALL_PROXY` or `all_proxy`.
    pub all: Option<Var>,
    /// Hosts reached directly: `NO_PROXY` or `no_proxy`.
    pub no_proxy: Option<Var>,
}

/// A proxy in use: where to connect (credentials included) and the variable it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub url: Url,
    pub var: &'static str,
}

impl Proxy {
    /// "`http://***@proxy.example:3128` (from `HTTPS_PROXY`)": for messages.
    pub fn describe(&self) -> String {
        format!("`{}` (from `{}`)", self.shown(), self.var)
    }

    /// The proxy's URL without credentials.
    pub fn shown(&self) -> String {
        redact::parsed_url(&self.url)
            .trim_end_matches('/')
            .to_owned()
    }
}

/// The proxies in force, checked.
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    https: Option<Proxy>,
    http: Option<Proxy>,
    no_proxy: NoProxy,
}

/// Schemes haul can talk to a proxy with.
const SCHEMES: &[&str] = &["http", "https", "socks5", "socks5h", "socks4", "socks4a"];

impl Proxies {
    /// Check every variable: a proxy haul cannot use is an error naming the variable.
    pub fn new(env: &ProxyEnv) -> Result<Proxies, UserError> {
        let all = env.all.as_ref().map(parse).transpose()?;
        let https = env.https.as_ref().map(parse).transpose()?;
        let http = env.http.as_ref().map(parse).transpose()?;
        Ok(Proxies {
            https: https.or_else(|| all.clone()),
            http: http.or(all),
            no_proxy: env
                .no_proxy
                .as_ref()
                .map(|v| NoProxy::parse(&v.value))
                .unwrap_or_default(),
        })
    }

    /// The proxy for `url`, or `None` to connect directly.
    pub fn for_url(&self, url: &Url) -> Option<&Proxy> {
        let proxy = match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }?;
        if self.no_proxy.bypasses(url) {
            return None;
        }
        Some(proxy)
    }

    pub fn is_empty(&self) -> bool {
        self.https.is_none() && self.http.is_none()
    }
}

/// Check one variable: the proxy it names, or why haul cannot use it.
pub fn parse(var: &Var) -> Result<Proxy, UserError> {
    let value = var.value.trim();
    // `proxy.example:3128` means an HTTP proxy, as curl reads it.
    let text = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let shown = redact::userinfo_only(value);
    let bad = |why: String| {
        UserError::new(format!("`{}` is `{shown}`, a proxy haul cannot use", var.name))
            .caused_by(why)
            .hint(format!(
                "set `{}` to a URL such as http://proxy.example.com:3128 (or socks5://HOST:PORT), or unset it",
                var.name
            ))
            .exit(ExitCode::Usage)
    };
    let url = Url::parse(&text).map_err(|err| bad(format!("it is not a URL: {err}")))?;
    if !SCHEMES.contains(&url.scheme()) {
        return Err(bad(format!(
            "haul talks to http://, https://, socks5:// and socks4:// proxies, not `{}://`",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host".to_owned()));
    }
    Ok(Proxy { url, var: var.name })
}

/// `NO_PROXY`: `*`, host names (matching their subdomains too; a leading `.` or `*.` is
/// allowed), IP addresses and CIDR ranges, each optionally with `:PORT`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Domain(String, Option<u16>),
    Net(IpAddr, u8, Option<u16>),
}

impl NoProxy {
    pub fn parse(text: &str) -> NoProxy {
        let mut out = NoProxy::default();
        for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
            let item = raw.trim().to_ascii_lowercase();
            if item.is_empty() {
                continue;
            }
            if item == "*" {
                out.all = true;
                continue;
            }
            if let Some(entry) = Entry::parse(&item) {
                out.entries.push(entry);
            }
        }
        out
    }

    pub fn bypasses(&self, url: &Url) -> bool {
        if self.all {
            return true;
        }
        let port = url.port_or_known_default();
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ip = host.parse::<IpAddr>().ok();
        self.entries
            .iter()
            .any(|entry| entry.matches(host, ip, port))
    }
}

impl Entry {
    fn parse(item: &str) -> Option<Entry> {
        let (host, port) = split_port(item);
        let (addr, prefix) = match host.split_once('/') {
            Some((addr, bits)) => (addr, Some(bits.parse::<u8>().ok()?)),
            None => (host, None),
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = addr.parse::<IpAddr>() {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return Some(Entry::Net(ip, prefix.unwrap_or(max).min(max), port));
        }
        let domain = host
            .trim_start_matches("*.")
            .trim_start_matches('.')
            .trim_end_matches('.');
        (!domain.is_empty()).then(|| Entry::Domain(domain.to_owned(), port))
    }

    fn matches(&self, host: &str, ip: Option<IpAddr>, port: Option<u16>) -> bool {
        let port_ok = |want: &Option<u16>| want.is_none() || *want == port;
        match (self, ip) {
            (Entry::Domain(domain, want), None) => {
                let name = host.trim_end_matches('.').to_ascii_lowercase();
                port_ok(want)
                    && (name == *domain
                        || name
                            .strip_suffix(domain.as_str())
                            .is_some_and(|rest| rest.ends_with('.')))
            }
            (Entry::Net(net, bits, want), Some(ip)) => port_ok(want) && in_net(ip, *net, *bits),
            _ => false,
        }
    }
}

/// `host:port` → (`host`, port); IPv6 addresses keep their colons.
fn split_port(item: &str) -> (&str, Option<u16>) {
    if let Some(rest) = item.strip_prefix('[') {
        // `[::1]:8080`
        if let Some((addr, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
            return (addr, port);
        }
    }
    match item.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(port) => (host, Some(port)),
            Err(_) => (item, None),
        },
        _ => (item, None),
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// A variable as the settings would find it set, for tests.
#[cfg(test)]
#[allow(clippy::unnecessary_wraps, reason = "reads like the fields it fills")]
pub(crate) fn var(name: &'static str, value: &str) -> Option<Var> {
    Some(Var {
        name,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn picks_the_proxy_by_scheme_with_all_proxy_as_fallback() {
        let proxies = Proxies::new(&ProxyEnv {
            https: var("HTTPS_PROXY", "http://user:pw@secure.proxy:3128"),
            all: var("ALL_PROXY", "proxy.example:8080"),
            ..ProxyEnv::default()
        })
        .unwrap();
        let https = proxies.for_url(&url("https://api.github.com/x")).unwrap();
        assert_eq!(https.var, "HTTPS_PROXY");
        assert_eq!(https.url.password(), Some("pw"));
        assert_eq!(
            https.describe(),
            "`http://***@secure.proxy:3128` (from `HTTPS_PROXY`)"
        );
        let http = proxies.for_url(&url("http://mirror.local/x")).unwrap();
        assert_eq!(http.var, "ALL_PROXY");
        assert_eq!(http.url.as_str(), "http://proxy.example:8080/");
    }

    #[test]
    fn refuses_proxies_it_cannot_use_naming_the_variable() {
        for value in ["ftp://proxy:21", "http://", "::::"] {
            let err = Proxies::new(&ProxyEnv {
                https: var("https_proxy", value),
                ..ProxyEnv::default()
            })
            .unwrap_err();
            assert!(
                err.message.starts_with("`https_proxy` is `"),
                "{}",
                err.message
            );
            assert_eq!(err.exit, ExitCode::Usage);
        }
        let err = Proxies::new(&ProxyEnv {
            all: var("ALL_PROXY", "ftp://u:secret@proxy:21"),
            ..ProxyEnv::default()
        })
        .unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
        assert!(err.causes[0].contains("`ftp://`"), "{:?}", err.causes);
        assert!(
            Proxies::new(&ProxyEnv {
                https: var("HTTPS_PROXY", "socks5h://127.0.0.1:1080"),
                ..ProxyEnv::default()
            })
            .is_ok()
        );
    }

    #[test]
    fn no_proxy_matches_hosts_domains_addresses_and_ports() {
        let no = NoProxy::parse(
            "localhost, .corp.example,*.svc.local internal.example:8443 10.0.0.0/8,[::1],192.168.1.5",
        );
        let cases = [
            ("http://localhost:8080/", true),
            ("https://git.corp.example/", true),
            ("https://corp.example/", true),
            ("https://notcorp.example/", false),
            ("https://a.svc.local/", true),
            ("https://internal.example:8443/", true),
            ("https://internal.example/", false),
            ("http://10.1.2.3/", true),
            ("http://11.1.2.3/", false),
            ("http://[::1]:9/", true),
            ("http://192.168.1.5/", true),
            ("http://192.168.1.6/", false),
            ("https://api.github.com/", false),
        ];
        for (given, want) in cases {
            assert_eq!(no.bypasses(&url(given)), want, "{given}");
        }
    }

    #[test]
    fn no_proxy_star_bypasses_ip_literals_too() {
        let proxies = Proxies::new(&ProxyEnv {
            https: var("HTTPS_PROXY", "http://proxy:3128"),
            http: var("HTTP_PROXY", "http://proxy:3128"),
            no_proxy: var("NO_PROXY", "*"),
            ..ProxyEnv::default()
        })
        .unwrap();
        for target in [
            "http://127.0.0.1:8080/x",
            "https://[::1]/",
            "https://h.example/",
        ] {
            assert_eq!(proxies.for_url(&url(target)), None, "{target}");
        }
    }
}
