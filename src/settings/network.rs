//! Network settings: the GitHub API and its token, mirror rules, proxies, extra CA
//! certificates, limits and offline mode; from the environment, then the config file, then
//! defaults. Builds the HTTP client's [`Config`]; the client checks proxies and certificates
//! itself, so a bad one fails only the commands that use the network (and shows in `doctor`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::env_string;
use crate::error::{ExitCode, UserError};
use crate::fetch::mirror::{Mirror, Mirrors};
use crate::fetch::{CaEnv, Config, Limits, ProxyEnv, Var};

pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The config file's network keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NetworkKeys {
    pub github_api_url: Option<String>,
    /// URL rewriting rules (`[[mirror]]`).
    #[serde(default)]
    pub mirror: Vec<Mirror>,
    /// Seconds (or `"90s"`, `"5m"`): the longest wait for a connection, an answer or data.
    pub timeout: Option<Value>,
    /// The longest one request may take.
    pub max_time: Option<Value>,
    /// Bytes per second (or `"10KiB"`); 0 turns the check off.
    pub min_speed: Option<Value>,
    pub min_speed_time: Option<Value>,
    /// Bytes (or `"4GiB"`).
    pub max_download_size: Option<Value>,
    pub max_metadata_size: Option<Value>,
    pub offline: Option<bool>,
}

/// A number, or a text with a unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(u64),
    Text(String),
}

pub fn load(keys: NetworkKeys, cache_dir: &Path) -> Result<Config> {
    // Each is checked where it is written (see `pick`).
    let url = |from: String, value: Value| -> Result<String> {
        let url = shown(&value);
        if crate::fetch::http_url(&url).is_none() {
            return Err(UserError::new(format!(
                "{from} is `{}`, not an http(s) URL",
                crate::redact::url(&url)
            ))
            .hint(format!(
                "set {from} to an http(s) URL such as https://github.example.com/api/v3"
            ))
            .exit(ExitCode::Usage)
            .into());
        }
        Ok(url)
    };
    let api_url = pick(
        "HAUL_GITHUB_API_URL",
        "github-api-url",
        keys.github_api_url.map(Value::Text),
        url,
    )?
    .unwrap_or_else(|| DEFAULT_API_URL.to_owned())
    .trim_end_matches('/')
    .to_owned();
    let (token_var, token) = ["HAUL_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"]
        .into_iter()
        .find_map(|name| {
            let token = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
            Some((name, token.trim().to_owned()))
        })
        .unzip();

    // Rules from the environment come first: with equally long prefixes, they win.
    let mut rules = match env_string("HAUL_MIRRORS")? {
        Some(text) => Mirrors::parse_env(&text)?,
        None => Vec::new(),
    };
    rules.extend(keys.mirror);
    let mirrors = Mirrors::new(rules)?;

    let defaults = Limits::default();
    let limits = Limits {
        timeout: duration("HAUL_TIMEOUT", "timeout", keys.timeout, defaults.timeout)?,
        max_time: duration(
            "HAUL_MAX_TIME",
            "max-time",
            keys.max_time,
            defaults.max_time,
        )?,
        min_speed: bytes(
            "HAUL_MIN_SPEED",
            "min-speed",
            keys.min_speed,
            defaults.min_speed,
            true,
        )?,
        min_speed_time: duration(
            "HAUL_MIN_SPEED_TIME",
            "min-speed-time",
            keys.min_speed_time,
            defaults.min_speed_time,
        )?,
        max_download_size: bytes(
            "HAUL_MAX_DOWNLOAD_SIZE",
            "max-download-size",
            keys.max_download_size,
            defaults.max_download_size,
            false,
        )?,
        max_metadata_size: bytes(
            "HAUL_MAX_METADATA_SIZE",
            "max-metadata-size",
            keys.max_metadata_size,
            defaults.max_metadata_size,
            false,
        )?,
    };
    let offline = match env_string("HAUL_OFFLINE")? {
        Some(value) => flag("HAUL_OFFLINE", &value)?.then_some("HAUL_OFFLINE"),
        None => keys.offline.unwrap_or(false).then_some("offline = true"),
    };

    Ok(Config {
        api_url,
        token,
        token_var,
        mirrors,
        proxy: proxy_env()?,
        ca: ca_env(),
        limits,
        offline,
        cache_dir: Some(cache_dir.to_path_buf()),
    })
}

/// The first of `names` that is set (and not empty).
fn first_set(names: &[&'static str]) -> Result<Option<Var>> {
    for name in names {
        if let Some(value) = env_string(name)? {
            return Ok(Some(Var { name, value }));
        }
    }
    Ok(None)
}

/// The proxy variables, uppercase first (as Go and most tools read them).
fn proxy_env() -> Result<ProxyEnv> {
    Ok(ProxyEnv {
        https: first_set(&["HTTPS_PROXY", "https_proxy"])?,
        http: first_set(&["HTTP_PROXY", "http_proxy"])?,
        all: first_set(&["ALL_PROXY", "all_proxy"])?,
        no_proxy: first_set(&["NO_PROXY", "no_proxy"])?,
    })
}

/// `SSL_CERT_FILE` and `SSL_CERT_DIR` (a path list, like `PATH`).
fn ca_env() -> CaEnv {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    CaEnv {
        file: set("SSL_CERT_FILE").map(PathBuf::from),
        dirs: set("SSL_CERT_DIR")
            .map(|dirs| std::env::split_paths(&dirs).collect())
            .unwrap_or_default(),
    }
}

fn flag(name: &str, value: &str) -> Result<bool, UserError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(
            UserError::new(format!("`{name}` is `{value}`, neither on nor off"))
                .hint(format!("set `{name}=1` (or `0`)"))
                .exit(ExitCode::Usage),
        ),
    }
}

/// The environment's value of `var`, else the config file's of `key`, each checked by `check`
/// (told where it came from): a config value that does not read is an error even where the
/// environment's is used, or the config file would look sound until the variable is unset.
fn pick<T>(
    var: &str,
    key: &str,
    value: Option<Value>,
    check: impl Fn(String, Value) -> Result<T>,
) -> Result<Option<T>> {
    let from_env = env_string(var)?
        .map(|text| check(format!("`{var}`"), Value::Text(text)))
        .transpose()?;
    let from_config = value
        .map(|value| check(format!("`{key}`"), value))
        .transpose()?;
    Ok(from_env.or(from_config))
}

fn duration(var: &str, key: &str, value: Option<Value>, default: Duration) -> Result<Duration> {
    let check = |from: String, value: Value| {
        let secs = match &value {
            Value::Number(n) => Some(*n),
            Value::Text(text) => parse_duration(text),
        };
        let what = if secs == Some(0) {
            "which is no time at all"
        } else {
            "not a duration"
        };
        match secs {
            Some(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
            _ => Err(UserError::new(format!("{from} is `{}`, {what}", shown(&value)))
                .hint(format!(
                    "write seconds (`30`) or a duration such as `90s`, `5m`, `1h` (more than 0) for {from}"
                ))
                .exit(ExitCode::Usage)
                .into()),
        }
    };
    Ok(pick(var, key, value, check)?.unwrap_or(default))
}

pub(super) fn bytes(
    var: &str,
    key: &str,
    value: Option<Value>,
    default: u64,
    zero_ok: bool,
) -> Result<u64> {
    let check = |from: String, value: Value| {
        let parsed = match &value {
            Value::Number(n) => Some(*n),
            Value::Text(text) => parse_size(text),
        };
        match parsed {
            Some(n) if n > 0 || zero_ok => Ok(n),
            _ => Err(
                UserError::new(format!("{from} is `{}`, not a size", shown(&value)))
                    .hint(format!(
                        "write bytes (`1048576`) or a size such as `512KiB`, `10MiB`, `2GiB` for {from}"
                    ))
                    .exit(ExitCode::Usage)
                    .into(),
            ),
        }
    };
    Ok(pick(var, key, value, check)?.unwrap_or(default))
}

fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Text(text) => text.clone(),
    }
}

/// `30`, `30s`, `5m`, `1h` → seconds.
fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// `1048576`, `512KiB`, `10MiB`, `2GiB` (also `K`, `M`, `G`, and decimal `KB`, `MB`, `GB`).
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_parse() {
        assert_eq!(parse_duration("30"), Some(30));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5d"), None);
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("512KiB"), Some(512 << 10));
        assert_eq!(parse_size("10 MiB"), Some(10 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("5MB"), Some(5_000_000));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }

    #[test]
    fn config_values_are_checked_naming_the_key() {
        let err = duration(
            "HAUL_TEST_UNSET_T",
            "timeout",
            Some(Value::Number(0)),
            Duration::ZERO,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`timeout` is `0`, which is no time at all"),
            "{err}"
        );
        let err = duration(
            "HAUL_TEST_UNSET_T",
            "timeout",
            Some(Value::Text("soon".to_owned())),
            Duration::ZERO,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`timeout` is `soon`, not a duration"),
            "{err}"
        );
        let err = bytes(
            "HAUL_TEST_UNSET_S",
            "max-download-size",
            Some(Value::Text("huge".to_owned())),
            1,
            false,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("`max-download-size` is `huge`"),
            "{err}"
        );
        assert_eq!(
            bytes(
                "HAUL_TEST_UNSET_S",
                "min-speed",
                Some(Value::Number(0)),
                1,
                true
            )
            .unwrap(),
            0
        );
        let keys: NetworkKeys = toml::from_str(
            "timeout = \"2m\"\nmax-download-size = \"4GiB\"\nmin-speed = 0\noffline = true\n",
        )
        .unwrap();
        assert!(matches!(keys.timeout, Some(Value::Text(_))));
        assert!(matches!(keys.min_speed, Some(Value::Number(0))));
    }
}
