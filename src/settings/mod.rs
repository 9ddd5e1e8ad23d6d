//! Resolved settings: command-line flags, then environment variables, then the config file,
//! then defaults.
//!
//! This is the only module that reads the environment (clippy's `disallowed-methods` enforces
//! it); everything else receives plain values.
#![allow(clippy::disallowed_methods)]

mod network;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::error::UserError;
use crate::output::OutputSettings;

pub const DEFAULT_JOBS: usize = 8;

/// The config file (`config.toml`); every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub bin_dir: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub require_checksum: Option<bool>,
    /// The network keys (`github-api-url`, `[[mirror]]`, …), read by `network.rs`.
    #[serde(flatten)]
    pub network: network::NetworkKeys,
    /// The user's own catalog entries (`[[tool]]`).
    #[serde(default)]
    pub tool: Vec<crate::catalog::Entry>,
}

/// Where things live.
#[derive(Debug, Clone)]
pub struct Paths {
    pub home: PathBuf,
    pub bin_dir: PathBuf,
    pub cache_dir: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Paths,
    /// How haul reaches the network: the GitHub API, its token, mirror rules, proxies, limits.
    pub network: crate::fetch::Config,
    /// Catalog entries from the config file.
    pub user_catalog: Vec<crate::catalog::Entry>,
    pub jobs: usize,
    pub require_checksum: bool,
    pub output: OutputSettings,
    /// Progress bars are drawn only on a terminal.
    pub stderr_is_terminal: bool,
    /// Questions are asked only when both stdin and stderr are terminals.
    pub stdin_is_terminal: bool,
    /// Where cargo-dist's installer writes haul's install receipt (whether or not it exists).
    pub receipt_path: Option<PathBuf>,
    /// `$CARGO_HOME` (default `~/.cargo`), to tell a `cargo install`ed haul.
    pub cargo_home: Option<PathBuf>,
    /// `$SHELL`, for `haul env`.
    pub shell: Option<OsString>,
    /// `$PATH`, to tell whether the bin dir is on it.
    pub path: Option<OsString>,
}

impl Settings {
    /// Resolve settings from the global flags, the environment and the config file.
    pub fn load(global: &GlobalArgs) -> Result<Self> {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let config_file = match env("HAUL_CONFIG") {
            Some(path) => PathBuf::from(path),
            None => dirs::config_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("haul")
                .join("config.toml"),
        };
        let config = read_config(&config_file)?;

        let home = match env("HAUL_HOME") {
            Some(path) => PathBuf::from(path),
            None => dirs::data_local_dir()
                .ok_or_else(|| no_dir("data", "HAUL_HOME"))?
                .join("haul"),
        };
        let cache_dir = match env("HAUL_CACHE_DIR") {
            Some(path) => PathBuf::from(path),
            None => dirs::cache_dir()
                .ok_or_else(|| no_dir("cache", "HAUL_CACHE_DIR"))?
                .join("haul"),
        };
        let bin_dir = match (&global.bin_dir, env("HAUL_BIN_DIR"), &config.bin_dir) {
            (Some(dir), _, _) => dir.clone(),
            (None, Some(dir), _) => PathBuf::from(dir),
            (None, None, Some(dir)) => expand_tilde(dir),
            (None, None, None) => default_bin_dir()?,
        };

        let network = network::load(config.network, &cache_dir)?;

        let jobs = config.jobs.unwrap_or(DEFAULT_JOBS).clamp(1, 64);
        let require_checksum = config.require_checksum.unwrap_or(false);

        let stderr_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let stdin_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
        let color = match global.color {
            Some(ColorChoice::Always) => true,
            Some(ColorChoice::Never) => false,
            Some(ColorChoice::Auto) | None => {
                if env("NO_COLOR").is_some() {
                    false
                } else if env("FORCE_COLOR").is_some() {
                    true
                } else {
                    stderr_is_terminal
                }
            }
        };

        Ok(Settings {
            paths: Paths {
                home,
                bin_dir,
                cache_dir,
            },
            network,
            user_catalog: config.tool,
            jobs,
            require_checksum,
            output: OutputSettings {
                quiet: global.quiet,
                verbose: global.verbose,
                color,
                progress: stderr_is_terminal,
            },
            stderr_is_terminal,
            stdin_is_terminal,
            receipt_path: receipt_path(),
            cargo_home: env("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| dirs::home_dir().map(|home| home.join(".cargo"))),
            shell: std::env::var_os("SHELL"),
            path: std::env::var_os("PATH"),
        })
    }
}

pub(crate) fn env_string(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(UserError::new(format!("`{name}` is not valid UTF-8")).into())
        }
    }
}

fn read_config(path: &Path) -> Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(err) => {
            return Err(err).with_context(|| format!("reading config file `{}`", path.display()));
        }
    };
    toml::from_str(&text).map_err(|err| {
        UserError::new(format!("invalid config file `{}`", path.display()))
            .caused_by(err.to_string().trim_end().to_owned())
            .hint("see the Configuration section of haul's README for every key")
            .into()
    })
}

/// The receipt path exactly as cargo-dist's installers choose it: `$XDG_CONFIG_HOME/haul` when
/// that is set, else `~/.config/haul` on Unix (macOS too, where `dirs::config_dir()` is
/// elsewhere) and `%LOCALAPPDATA%\haul` on Windows.
fn receipt_path() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let dir = match env("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None if cfg!(windows) => env("LOCALAPPDATA")
            .map(PathBuf::from)
            .or_else(dirs::data_local_dir)?,
        None => dirs::home_dir()?.join(".config"),
    };
    Some(dir.join("haul").join("haul-receipt.json"))
}

fn default_bin_dir() -> Result<PathBuf> {
    if cfg!(windows) {
        Ok(dirs::data_local_dir()
            .ok_or_else(|| no_dir("local app data", "HAUL_BIN_DIR"))?
            .join("haul")
            .join("bin"))
    } else {
        Ok(dirs::home_dir()
            .ok_or_else(|| no_dir("home", "HAUL_BIN_DIR"))?
            .join(".local")
            .join("bin"))
    }
}

fn expand_tilde(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

fn no_dir(what: &str, var: &str) -> anyhow::Error {
    UserError::new(format!("cannot find this user's {what} directory"))
        .hint(format!("set `{var}`"))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keys_parse() {
        let config: ConfigFile = toml::from_str(
            "bin-dir = \"~/bin\"\njobs = 4\nrequire-checksum = true\ngithub-api-url = \"https://ghe.example.com/api/v3\"\n",
        )
        .unwrap();
        assert_eq!(config.jobs, Some(4));
        assert_eq!(config.require_checksum, Some(true));
        assert_eq!(config.bin_dir.as_deref(), Some(Path::new("~/bin")));
        assert_eq!(
            config.network.github_api_url.as_deref(),
            Some("https://ghe.example.com/api/v3")
        );
    }

    #[test]
    fn unknown_config_keys_are_refused() {
        assert!(toml::from_str::<ConfigFile>("jbos = 4").is_err());
    }

    #[test]
    fn tilde_expands_to_home() {
        if let Some(home) = dirs::home_dir() {
            assert_eq!(expand_tilde(Path::new("~/bin")), home.join("bin"));
        }
        assert_eq!(expand_tilde(Path::new("/opt/bin")), Path::new("/opt/bin"));
    }
}
