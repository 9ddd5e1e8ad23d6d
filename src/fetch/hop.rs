//! One hop of a request: the URL fetched once mirror rules applied, and what led there (the
//! rule and the URL it rewrote, a redirect, the proxy), for the token rule and for messages.

use reqwest::Url;

use super::mirror::Mirror;
use super::proxy::Proxy;
use crate::redact;

#[derive(Debug, Clone)]
pub struct Hop {
    pub url: Url,
    /// The URL before a mirror rule rewrote it, and the rule.
    pub mirrored: Option<(String, Mirror)>,
    pub proxy: Option<Proxy>,
    /// The URL that redirected here.
    pub redirected_from: Option<Url>,
}

impl Hop {
    /// The URL, without credentials.
    pub fn shown(&self) -> String {
        redact::parsed_url(&self.url)
    }

    /// `host:port`, as a connection sees it.
    pub fn host_port(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// The host as the URL writes it (with a port only when the URL has one).
    pub fn host(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// What else was involved, one line each: the proxy, the mirror rule, the redirect.
    pub fn involved(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(proxy) = &self.proxy {
            lines.push(format!("through the proxy {}", proxy.describe()));
        }
        if let Some((original, rule)) = &self.mirrored {
            lines.push(rule.rewrote(original));
        }
        if let Some(from) = &self.redirected_from {
            lines.push(format!("redirected from `{}`", redact::parsed_url(from)));
        }
        lines
    }
}
