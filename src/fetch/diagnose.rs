//! The network set-up as `haul doctor` shows it: the API and where the token came from, the
//! proxies and the variables they came from, `NO_PROXY`, what HTTPS trusts, the mirror rules
//! and the limits, each problem with its fix. Credentials are never shown. Reads the CA files
//! the settings name; opens no connection.

use std::fmt::Write as _;

use serde::Serialize;

use super::proxy::{self, Var};
use super::{Config, tls};
use crate::error::UserError;
use crate::redact;
use crate::units::size;

/// `haul doctor`'s network part; the JSON shape is documented with the command.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkReport {
    pub github_api_url: String,
    /// The variable the token came from (never the token).
    pub github_token: Option<&'static str>,
    /// The proxies in force: for `https` URLs, then for `http` URLs.
    pub proxies: Vec<ProxyLine>,
    pub no_proxy: Option<Setting>,
    pub ca: Ca,
    pub mirrors: Vec<MirrorLine>,
    pub limits: LimitsLine,
    /// What made haul offline, if anything.
    pub offline: Option<&'static str>,
    pub problems: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProxyLine {
    /// The URLs it serves: `https` or `http`.
    pub scheme: &'static str,
    pub url: String,
    pub from: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub var: &'static str,
    pub value: String,
}

/// What HTTPS trusts: always the system's store and haul's built-in (Mozilla) roots, plus the
/// certificates `SSL_CERT_FILE` and `SSL_CERT_DIR` name.
#[derive(Debug, Clone, Serialize)]
pub struct Ca {
    pub system_store: bool,
    pub builtin_roots: bool,
    pub extra: Vec<CaSource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaSource {
    pub var: &'static str,
    pub path: String,
    pub certificates: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MirrorLine {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LimitsLine {
    pub timeout_secs: u64,
    pub max_time_secs: u64,
    pub min_speed: u64,
    pub min_speed_time_secs: u64,
    pub max_download_size: u64,
    pub max_metadata_size: u64,
}

/// A problem and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub problem: String,
    pub fix: String,
}

impl Finding {
    fn of(err: &UserError) -> Finding {
        Finding {
            problem: err.one_line(),
            fix: err.hint.clone().unwrap_or_default(),
        }
    }
}

/// Describe `config` for `haul doctor`.
pub fn diagnose(config: &Config) -> NetworkReport {
    let mut problems = Vec::new();
    let env = &config.proxy;
    // Each variable checked once, so that an unusable one is reported once. The proxies in
    // force are then chosen as requests choose them: the scheme's own variable when it is set,
    // else `ALL_PROXY` (an unusable variable stops every request, so it stands for nothing).
    let mut checked = |var: Option<&Var>| match var.map(proxy::parse)? {
        Ok(found) => Some(Some(found)),
        Err(err) => {
            problems.push(Finding::of(&err));
            Some(None)
        }
    };
    let https = checked(env.https.as_ref());
    let http = checked(env.http.as_ref());
    let all = checked(env.all.as_ref()).flatten();
    let proxies = [("https", https), ("http", http)]
        .into_iter()
        .filter_map(|(scheme, own)| {
            let found = own.unwrap_or_else(|| all.clone())?;
            Some(ProxyLine {
                scheme,
                url: found.shown(),
                from: found.var,
            })
        })
        .collect();

    // Each source on its own, so that every unusable one is reported.
    let mut extra = Vec::new();
    let files = config.ca.file.iter().map(|file| tls::cert_file(file));
    let dirs = config.ca.dirs.iter().map(|dir| tls::cert_dir(dir));
    for found in files.chain(dirs) {
        match found {
            Ok((s, _)) => extra.push(CaSource {
                var: s.var,
                path: s.path.display().to_string(),
                certificates: s.certificates,
            }),
            Err(err) => problems.push(Finding::of(&err)),
        }
    }

    let limits = &config.limits;
    NetworkReport {
        github_api_url: redact::url(&config.api_url),
        github_token: config.token_var,
        proxies,
        no_proxy: env.no_proxy.as_ref().map(|v| Setting {
            var: v.name,
            value: v.value.clone(),
        }),
        ca: Ca {
            system_store: true,
            builtin_roots: true,
            extra,
        },
        mirrors: config
            .mirrors
            .rules()
            .iter()
            .map(|rule| MirrorLine {
                from: redact::url(&rule.from),
                to: redact::url(&rule.to),
            })
            .collect(),
        limits: LimitsLine {
            timeout_secs: limits.timeout.as_secs(),
            max_time_secs: limits.max_time.as_secs(),
            min_speed: limits.min_speed,
            min_speed_time_secs: limits.min_speed_time.as_secs(),
            max_download_size: limits.max_download_size,
            max_metadata_size: limits.max_metadata_size,
        },
        offline: config.offline,
        problems,
    }
}

impl NetworkReport {
    /// The report for a person, one line each, aligned like the rest of `haul doctor`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let token = match self.github_token {
            Some(var) => format!("token from `{var}`"),
            None => "no token: 60 requests an hour".to_owned(),
        };
        out.push(format!("GitHub API    {} ({token})", self.github_api_url));
        if self.proxies.is_empty() {
            out.push("proxy         none".to_owned());
        }
        for p in &self.proxies {
            out.push(format!(
                "proxy         {} for {} URLs (from `{}`)",
                p.url, p.scheme, p.from
            ));
        }
        if let Some(no) = &self.no_proxy {
            out.push(format!("no proxy      {} (from `{}`)", no.value, no.var));
        }
        let mut ca = "the system's store and haul's built-in roots".to_owned();
        for source in &self.ca.extra {
            let _ = write!(
                ca,
                ", and `{}` from `{}` ({} certificates)",
                source.path, source.var, source.certificates
            );
        }
        out.push(format!("trusted CAs   {ca}"));
        for m in &self.mirrors {
            out.push(format!("mirror        {} → {}", m.from, m.to));
        }
        let l = &self.limits;
        let speed = if l.min_speed == 0 {
            "no minimum rate".to_owned()
        } else {
            format!(
                "at least {}/s over {} s",
                size(l.min_speed),
                l.min_speed_time_secs
            )
        };
        out.push(format!(
            "limits        timeout {} s, max-time {} s, {speed}, downloads up to {}, API answers up to {}",
            l.timeout_secs,
            l.max_time_secs,
            size(l.max_download_size),
            size(l.max_metadata_size)
        ));
        if let Some(by) = self.offline {
            out.push(format!("offline       yes (`{by}`)"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::mirror::{Mirror, Mirrors};
    use crate::fetch::proxy::var;
    use crate::fetch::{CaEnv, ProxyEnv};

    #[test]
    fn shows_proxies_ca_and_mirrors_without_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            api_url: "https://ghe.example/api/v3".to_owned(),
            token_var: Some("GH_TOKEN"),
            token: Some("sekrit".to_owned()),
            proxy: ProxyEnv {
                https: var("HTTPS_PROXY", "http://bob:hunter2@proxy.corp:3128"),
                all: var("ALL_PROXY", "socks5://127.0.0.1:1080"),
                no_proxy: var("NO_PROXY", "localhost,.corp"),
                ..ProxyEnv::default()
            },
            ca: CaEnv {
                file: Some(dir.path().join("missing.pem")),
                dirs: Vec::new(),
            },
            mirrors: Mirrors::new(vec![Mirror {
                from: "https://github.com/".to_owned(),
                to: "https://u:p@art.corp/github/".to_owned(),
            }])
            .unwrap(),
            ..Config::default()
        };
        let report = diagnose(&config);
        assert_eq!(report.proxies.len(), 2);
        assert_eq!(report.proxies[0].url, "http://***@proxy.corp:3128");
        assert_eq!(report.proxies[1].from, "ALL_PROXY");
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert!(report.problems[0].problem.contains("`SSL_CERT_FILE`"));
        let text = report.lines().join("\n");
        for secret in ["hunter2", "bob", "sekrit", "u:p"] {
            assert!(!text.contains(secret), "{text}");
            let json = serde_json::to_string(&report).unwrap();
            assert!(!json.contains(secret), "{json}");
        }
        assert!(
            text.contains("mirror        https://github.com/ → https://***@art.corp/github/"),
            "{text}"
        );
        assert!(
            text.contains("no proxy      localhost,.corp (from `NO_PROXY`)"),
            "{text}"
        );
        assert!(text.contains("token from `GH_TOKEN`"), "{text}");
    }

    /// The report for these proxy variables and nothing else set.
    fn with_proxies(proxy: ProxyEnv) -> NetworkReport {
        diagnose(&Config {
            proxy,
            ..Config::default()
        })
    }

    #[test]
    fn a_proxy_haul_cannot_use_is_a_problem() {
        let report = with_proxies(ProxyEnv {
            https: var("https_proxy", "ftp://proxy:21"),
            ..ProxyEnv::default()
        });
        assert!(report.proxies.is_empty());
        assert!(report.problems[0].problem.contains("`https_proxy`"));
        assert!(report.problems[0].fix.contains("https_proxy"));
    }

    #[test]
    fn each_unusable_proxy_is_reported_once_and_stands_for_nothing() {
        let report = with_proxies(ProxyEnv {
            all: var("ALL_PROXY", "ftp://proxy:21"),
            ..ProxyEnv::default()
        });
        // `ALL_PROXY` serves both schemes, and is still one problem.
        let problems: Vec<&str> = report.problems.iter().map(|p| p.problem.as_str()).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`ALL_PROXY`"), "{problems:?}");
        assert!(report.proxies.is_empty());

        let report = with_proxies(ProxyEnv {
            https: var("HTTPS_PROXY", "ftp://proxy:21"),
            all: var("ALL_PROXY", "socks5://127.0.0.1:1080"),
            ..ProxyEnv::default()
        });
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        // An unusable `HTTPS_PROXY` is not covered by `ALL_PROXY`: requests stop on it.
        let shown: Vec<(&str, &str)> = report.proxies.iter().map(|p| (p.scheme, p.from)).collect();
        assert_eq!(shown, [("http", "ALL_PROXY")]);
    }
}
