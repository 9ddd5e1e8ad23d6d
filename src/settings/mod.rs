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

use crate::error::{ExitCode, UserError};
use crate::output::OutputSettings;
use crate::platform::Platform;

pub const DEFAULT_JOBS: usize = 16;

/// The config file (`config.toml`); every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub bin_dir: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub require_checksum: Option<bool>,
    /// The most bytes one download may unpack to (`4GiB`, or a number of bytes).
    pub max_unpacked_size: Option<network::Value>,
    /// The most entries one archive may hold.
    pub max_archive_entries: Option<u64>,
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
    /// The bin dir without `--bin-dir`: where haul 0.1's records have their links.
    pub legacy_bin_dir: PathBuf,
    /// `--bin-dir` named the bin dir (rather than the environment, the config or the default).
    pub bin_dir_flag: bool,
    pub cache_dir: PathBuf,
}

/// The config file in use, and what is wrong with it.
#[derive(Debug, Clone)]
pub struct ConfigState {
    pub path: PathBuf,
    /// Named by `HAUL_CONFIG` (rather than the default place).
    pub explicit: bool,
    pub found: bool,
    /// Why it cannot be used; its settings are then the defaults. Commands that need the
    /// config fail with this; `doctor` and `uninstall` name it and go on.
    pub error: Option<UserError>,
    /// With an `error`: the rest of the file is still used (a value or a catalog entry could
    /// not be), rather than none of it (the file could not be read).
    pub rest_in_use: bool,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Paths,
    pub config: ConfigState,
    /// Never open a connection (`--offline`, `HAUL_OFFLINE`, config `offline`).
    pub offline: bool,
    /// How haul reaches the network: the GitHub API, its token, mirror rules, proxies, limits.
    pub network: crate::fetch::Config,
    /// Catalog entries from the config file.
    pub user_catalog: Vec<crate::catalog::Entry>,
    pub jobs: usize,
    pub require_checksum: bool,
    /// What one download may unpack to (`max-unpacked-size`, `max-archive-entries`).
    pub limits: crate::unpack::Limits,
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
    /// `%PATHEXT%` (Windows): the extensions a command is found with, in the order tried.
    pub pathext: Option<OsString>,
    /// The current directory: where a project (`haul.toml`) is looked for.
    pub cwd: PathBuf,
}

// The options every command takes (`--quiet`, `--color`, `--bin-dir`, …), as the command line
// gives them: `cli` places them on each command and merges the levels they were given at
// (`haul -q install …`, `haul install -q …`). `--color` unset leaves it to `NO_COLOR`,
// `FORCE_COLOR` and whether stderr is a terminal.
// (Plain comments: a doc comment here would become the help text of every command.)
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Flags {
    /// Print only errors
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what haul does (each request, each choice)
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colours on stderr
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<Color>,

    /// Directory that holds the links to installed tools (put it on PATH)
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,

    /// Never use the network: installs come from the download cache or fail at once
    #[arg(long)]
    pub offline: bool,
}

/// When to use colours on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Settings {
    /// Resolve settings from the global flags, the environment and the config file.
    pub fn load(global: &Flags, json: bool) -> Result<Self> {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let config_file = match env("HAUL_CONFIG") {
            Some(path) => PathBuf::from(path),
            None => dirs::config_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("haul")
                .join("config.toml"),
        };
        let explicit = env("HAUL_CONFIG").is_some();
        let config_file = absolute(config_file)?;
        let (mut config, error) = match read_config(&config_file) {
            Ok(Some(config)) => match check_config(&config, &config_file) {
                Ok(()) => (config, None),
                Err(err) => (ConfigFile::default(), Some(err)),
            },
            Ok(None) => (ConfigFile::default(), None),
            Err(err) => (ConfigFile::default(), Some(err)),
        };
        let found = config_file.is_file();

        let home = home_dir().ok_or_else(|| no_dir("data", "HAUL_HOME"))?;
        let cache_dir = match env("HAUL_CACHE_DIR") {
            Some(path) => PathBuf::from(path),
            None => dirs::cache_dir()
                .ok_or_else(|| no_dir("cache", "HAUL_CACHE_DIR"))?
                .join("haul"),
        };
        let (bin_dir, legacy_bin_dir) = bin_dirs(global, &config)?;
        // Relative directories mean the current directory's, once and for all.
        let (home, cache_dir, bin_dir, legacy_bin_dir) = (
            absolute(home)?,
            absolute(cache_dir)?,
            absolute(bin_dir)?,
            absolute(legacy_bin_dir)?,
        );
        check_dirs(&home, &cache_dir, &bin_dir)?;
        // The crash tests' stopping point; debug builds only (see `store::pause_point`).
        #[cfg(debug_assertions)]
        crate::store::set_pause_point(env_string("HAUL_TEST_PAUSE_AT")?);

        let rest_in_use = error.is_none();
        let mut error = error;
        let (mut network, limits) =
            usable_values(&mut config, &cache_dir, &config_file, &mut error)?;
        drop_unusable_entries(&mut config, &config_file, &mut error);
        if global.offline {
            network.offline = Some("--offline");
        }
        let offline = network.offline.is_some();

        let jobs = config.jobs.unwrap_or(DEFAULT_JOBS);
        let require_checksum = config.require_checksum.unwrap_or(false);

        let stderr_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let stdin_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
        let color = match global.color {
            Some(Color::Always) => true,
            Some(Color::Never) => false,
            Some(Color::Auto) | None => auto_color(
                stderr_is_terminal,
                env("NO_COLOR").is_some(),
                env("FORCE_COLOR").is_some(),
                env("TERM").as_deref(),
            ),
        };

        Ok(Settings {
            paths: Paths {
                home,
                bin_dir,
                legacy_bin_dir,
                bin_dir_flag: global.bin_dir.is_some(),
                cache_dir,
            },
            config: ConfigState {
                path: config_file,
                explicit,
                found,
                error,
                rest_in_use,
            },
            offline,
            network,
            user_catalog: config.tool,
            jobs,
            require_checksum,
            limits,
            output: OutputSettings {
                quiet: global.quiet,
                verbose: global.verbose,
                color,
                progress: stderr_is_terminal && !json,
            },
            stderr_is_terminal,
            stdin_is_terminal,
            receipt_path: receipt_path(),
            cargo_home: env("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| dirs::home_dir().map(|home| home.join(".cargo"))),
            shell: std::env::var_os("SHELL"),
            path: std::env::var_os("PATH"),
            pathext: std::env::var_os("PATHEXT"),
            cwd: std::env::current_dir().context("reading the current directory")?,
        })
    }
}

/// What one download may unpack to: the config's keys (or `HAUL_MAX_UNPACKED_SIZE`), else the
/// defaults.
fn unpack_limits(
    size: Option<network::Value>,
    entries: Option<u64>,
) -> Result<crate::unpack::Limits> {
    let defaults = crate::unpack::Limits::DEFAULT;
    Ok(crate::unpack::Limits {
        max_unpacked_size: network::bytes(
            "HAUL_MAX_UNPACKED_SIZE",
            crate::unpack::limits::MAX_UNPACKED_SIZE_KEY,
            size,
            defaults.max_unpacked_size,
            false,
        )?,
        max_entries: entries.unwrap_or(defaults.max_entries),
    })
}

/// The config file's network settings and unpack limits. A value of the config file that
/// cannot be used (`timeout = "abc"`, a mirror rule without a scheme) is as a config file that
/// cannot be read: it becomes the config's `error`, the defaults are used, and the commands
/// that repair or report still run. One from the environment stops every command.
fn usable_values(
    config: &mut ConfigFile,
    cache_dir: &Path,
    config_file: &Path,
    error: &mut Option<UserError>,
) -> Result<(crate::fetch::Config, crate::unpack::Limits)> {
    let network = or_without(
        network::load(std::mem::take(&mut config.network), cache_dir),
        || network::load(network::NetworkKeys::default(), cache_dir),
        config_file,
        error,
    )?;
    let limits = or_without(
        unpack_limits(config.max_unpacked_size.take(), config.max_archive_entries),
        || unpack_limits(None, None),
        config_file,
        error,
    )?;
    Ok((network, limits))
}

/// A value as read with the config file's keys (`tried`); failing that, as read without them
/// (the config file's `error`), or the error when that fails too (the environment's).
fn or_without<T>(
    tried: Result<T>,
    without: impl FnOnce() -> Result<T>,
    config_file: &Path,
    error: &mut Option<UserError>,
) -> Result<T> {
    let err = match tried {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    match without() {
        Ok(value) => {
            error.get_or_insert_with(|| config_value_error(&err, config_file));
            Ok(value)
        }
        // The environment's, which stops every command (the config file's, if `tried` failed
        // on it, is said once this one is mended).
        Err(env) => Err(env),
    }
}

/// The catalog entries of the config file haul cannot use, found now, not only when the
/// catalog is read: the first becomes the config's `error` (`doctor` reports it, `uninstall`
/// goes on), and they are left out; the rest of the file (its `bin-dir`) still counts. A name
/// or alias an entry above has already taken is such a problem: one of the two would be
/// silently lost.
fn drop_unusable_entries(config: &mut ConfigFile, path: &Path, error: &mut Option<UserError>) {
    // An alias of a built-in entry's name or alias would be lost too (names come before
    // aliases, and the first entry of a name wins); the built-in catalog is read only then.
    let builtin = if config.tool.iter().any(|entry| !entry.aliases.is_empty()) {
        crate::catalog::builtin().unwrap_or_default()
    } else {
        Vec::new()
    };
    let replaced = |name: &str| config.tool.iter().any(|entry| entry.name == name);
    let mut taken: Vec<(&str, &str)> = Vec::new();
    let mut unusable = Vec::new();
    for (i, entry) in config.tool.iter().enumerate() {
        let mut problems = entry.problems();
        let names = std::iter::once(&entry.name).chain(&entry.aliases);
        for name in names.clone() {
            if let Some((_, owner)) = taken.iter().find(|(n, _)| n == name) {
                problems.push(if owner == &entry.name {
                    format!("`{name}` is given twice")
                } else {
                    format!(
                        "`{name}` is already the name or an alias of the entry `{owner}` above it"
                    )
                });
            }
        }
        for alias in &entry.aliases {
            if let Some(claimed) = builtin
                .iter()
                .find(|b| !replaced(&b.name) && (&b.name == alias || b.aliases.contains(alias)))
            {
                problems.push(format!(
                    "the alias `{alias}` is already the name or an alias of the built-in entry `{}`",
                    claimed.name
                ));
            }
        }
        if problems.is_empty() {
            taken.extend(names.map(|name| (name.as_str(), entry.name.as_str())));
        } else {
            unusable.push((i, problems));
        }
    }
    let Some((first, problems)) = unusable.first() else {
        return;
    };
    error.get_or_insert_with(|| {
        UserError::new(format!("invalid config file `{}`", path.display()))
            .caused_by(format!(
                "the catalog entry `{}`: {}",
                config.tool[*first].name,
                problems.join("; ")
            ))
            .hint("see \"The catalog\" in haul's README for the format")
            .exit(ExitCode::Usage)
    });
    for (i, _) in unusable.iter().rev() {
        config.tool.remove(*i);
    }
}

/// A value of the config file at `path` that cannot be used, as the error every command but
/// those that repair or report stops with (its own words, when it has them).
fn config_value_error(err: &anyhow::Error, path: &Path) -> UserError {
    err.downcast_ref::<UserError>()
        .map_or_else(
            || {
                UserError::new(format!("invalid config file `{}`", path.display()))
                    .caused_by(crate::error::Report::of(err).one_line())
            },
            Clone::clone,
        )
        .exit(ExitCode::Usage)
}

/// What `haul install` (and the commands that install) run with: each value from its flag,
/// else the environment, else the config file, else the default.
#[derive(Debug, Clone)]
pub struct InstallSettings {
    pub limits: crate::unpack::Limits,
    pub jobs: usize,
    pub require_checksum: bool,
    pub force: bool,
    pub offline: bool,
    pub platform: Platform,
    pub bin_dir: PathBuf,
}

impl InstallSettings {
    pub fn resolve(
        settings: &Settings,
        jobs: Option<u16>,
        require_checksum: Option<bool>,
        force: bool,
        target: Option<&str>,
    ) -> Result<InstallSettings> {
        if let Some(err) = &settings.config.error {
            return Err(err.clone().into());
        }
        Ok(InstallSettings {
            limits: settings.limits,
            jobs: jobs.map_or(settings.jobs, usize::from),
            require_checksum: require_checksum.unwrap_or(settings.require_checksum),
            force,
            offline: settings.offline,
            platform: target_platform(target)?,
            bin_dir: settings.paths.bin_dir.clone(),
        })
    }
}

/// The platform `--target` names (a platform name, a Rust target triple, or an OS alone for
/// this machine's architecture on that OS), or this machine's.
pub fn target_platform(target: Option<&str>) -> Result<Platform, UserError> {
    let host = crate::platform::host::platform();
    let Some(text) = target else {
        return Ok(host);
    };
    if let Ok(platform) = text.parse::<Platform>() {
        return Ok(platform);
    }
    if let Some(os) = crate::platform::Os::from_word(&text.trim().to_ascii_lowercase()) {
        let libc = (os == crate::platform::Os::Linux)
            .then(|| host.libc.unwrap_or(crate::platform::Libc::Gnu));
        return Ok(Platform {
            os,
            arch: host.arch,
            libc,
        });
    }
    let named: Vec<String> = Platform::NAMED.iter().map(ToString::to_string).collect();
    Err(UserError::new(format!("unknown platform `{text}`"))
        .hint(format!(
            "name one of {}, a Rust target triple such as `x86_64-unknown-linux-musl`, or an \
             OS alone (`linux`, `macos`, `windows`, `freebsd`) for this machine's architecture",
            named.join(", ")
        ))
        .exit(ExitCode::Usage))
}

/// Where the store is: `HAUL_HOME`, else the platform's data directory (`None` when there is
/// none). Shell completions, which run before settings are loaded, ask it too.
pub fn home_dir() -> Option<PathBuf> {
    match std::env::var_os("HAUL_HOME").filter(|v| !v.is_empty()) {
        Some(home) => Some(PathBuf::from(home)),
        None => Some(dirs::data_local_dir()?.join("haul")),
    }
}

pub(crate) fn env_string(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(UserError::new(format!("`{name}` is not valid UTF-8"))
                .hint(format!("set `{name}` to UTF-8 text, or unset it"))
                .exit(ExitCode::Usage)
                .into())
        }
    }
}

/// The config file, or `None` when there is none.
fn read_config(path: &Path) -> Result<Option<ConfigFile>, UserError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(UserError::new(format!(
                "cannot read the config file `{}`",
                path.display()
            ))
            .caused_by(err.to_string())
            .hint("the config file must be a readable TOML file; `HAUL_CONFIG` names another")
            .exit(ExitCode::Usage));
        }
    };
    toml::from_str(&text).map(Some).map_err(|err| {
        UserError::new(format!("invalid config file `{}`", path.display()))
            .caused_by(err.to_string().trim_end().to_owned())
            .hint("see the Configuration section of haul's README for every key")
            .exit(ExitCode::Usage)
    })
}

/// The bin dir this command links into, and the configured one (without `--bin-dir`): where
/// haul 0.1 made the links its records do not name. The environment, the config or the default
/// names the configured one; `--bin-dir` names another for one command.
fn bin_dirs(global: &Flags, config: &ConfigFile) -> Result<(PathBuf, PathBuf)> {
    let configured = || match (
        std::env::var_os("HAUL_BIN_DIR").filter(|v| !v.is_empty()),
        &config.bin_dir,
    ) {
        (Some(dir), _) => Ok(PathBuf::from(dir)),
        // `check_config` saw that it is absolute once expanded.
        (None, Some(dir)) => Ok(expand_tilde(dir)),
        (None, None) => default_bin_dir(),
    };
    if let Some(dir) = &global.bin_dir {
        return Ok((dir.clone(), configured().unwrap_or_else(|_| dir.clone())));
    }
    let dir = configured()?;
    Ok((dir.clone(), dir))
}

/// Values a config file may hold but not use: the same limits as the command line.
fn check_config(config: &ConfigFile, path: &Path) -> Result<(), UserError> {
    let invalid = |why: String, hint: &str| {
        Err(
            UserError::new(format!("invalid config file `{}`", path.display()))
                .caused_by(why)
                .hint(hint)
                .exit(ExitCode::Usage),
        )
    };
    if let Some(jobs) = config.jobs
        && !(1..=64).contains(&jobs)
    {
        return invalid(
            format!("`jobs = {jobs}` is not in 1..=64"),
            "set `jobs` to a number from 1 to 64",
        );
    }
    if config.max_archive_entries == Some(0) {
        return invalid(
            "`max-archive-entries = 0` would refuse every archive".to_owned(),
            "set `max-archive-entries` to 1 or more, or leave it out for the default",
        );
    }
    // A config file is read from every directory: a relative bin dir would follow the current
    // one, and each install would link somewhere else.
    if let Some(dir) = &config.bin_dir
        && !expand_tilde(dir).is_absolute()
    {
        return invalid(
            format!(
                "`bin-dir = {:?}` is not an absolute path",
                dir.to_string_lossy()
            ),
            "write an absolute path, or one that starts with `~/` for your home directory",
        );
    }
    Ok(())
}

/// haul's home and the bin dir must not lie inside the cache dir (the same directory counts):
/// `haul cache clean` and `haul prune` empty the cache, and would take tools or links with it.
fn check_dirs(home: &Path, cache: &Path, bin: &Path) -> Result<(), UserError> {
    for (what, dir, var) in [
        ("haul's home", home, "HAUL_HOME"),
        ("the bin dir", bin, "HAUL_BIN_DIR"),
    ] {
        if dir.starts_with(cache) {
            return Err(UserError::new(format!(
                "{what} `{}` is inside the cache dir `{}`",
                dir.display(),
                cache.display()
            ))
            .caused_by("`haul cache clean` and `haul prune` empty the cache dir")
            .hint(format!(
                "give the cache a directory of its own (`HAUL_CACHE_DIR`), or move `{var}`"
            ))
            .exit(ExitCode::Usage));
        }
    }
    Ok(())
}

/// `path` made absolute against the current directory (nothing is resolved or required to
/// exist).
fn absolute(path: PathBuf) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path);
    }
    std::path::absolute(&path)
        .with_context(|| format!("making `{}` an absolute path", path.display()))
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

/// Colours when `--color` says nothing (or `auto`): `NO_COLOR` turns them off, `FORCE_COLOR`
/// on, else they are on when stderr is a terminal that can show them (not `TERM=dumb`: Emacs
/// shells, some CI log viewers). Set but empty variables count as unset.
fn auto_color(
    stderr_is_terminal: bool,
    no_color: bool,
    force_color: bool,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    if no_color {
        false
    } else if force_color {
        true
    } else {
        stderr_is_terminal && term.is_none_or(|term| term != "dumb")
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
    fn colours_follow_no_color_force_color_and_the_terminal() {
        let dumb = Some(std::ffi::OsStr::new("dumb"));
        let xterm = Some(std::ffi::OsStr::new("xterm-256color"));
        assert!(auto_color(true, false, false, xterm));
        assert!(auto_color(true, false, false, None));
        assert!(
            !auto_color(true, false, false, dumb),
            "TERM=dumb shows none"
        );
        assert!(!auto_color(false, false, false, xterm), "not a terminal");
        assert!(!auto_color(true, true, false, xterm), "NO_COLOR");
        assert!(!auto_color(true, true, true, xterm), "NO_COLOR wins");
        assert!(auto_color(false, false, true, dumb), "FORCE_COLOR");
    }

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
