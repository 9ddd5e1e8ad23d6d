//! What is wrong with an installed tool on disk: the checks `list`, `which`, `doctor` and
//! installs make of a record's stored executables and links.

use std::path::{Path, PathBuf};

use super::link;
use super::{Bin, Link, Record, Store};
use crate::names::WantedBin;

/// Something missing or wrong with an installed tool on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A stored version's directory is gone.
    VersionMissing { key: String },
    /// An executable of a stored version is gone.
    ExecutableMissing { key: String, path: PathBuf },
    /// An executable of a stored version is there but may not be run (its mode lost `x`).
    NotExecutable { key: String, path: PathBuf },
    /// An executable of a stored version is not the file haul installed.
    Changed {
        key: String,
        path: PathBuf,
        drift: Drift,
    },
    /// The record's active version is not among its stored versions.
    ActiveMissing { key: String },
    /// A link the record names is not there.
    LinkMissing { path: PathBuf },
    /// A link the record names points somewhere else: into the store (another version, or
    /// another tool), or, when `foreign`, it is a file or link haul did not make.
    LinkWrong { path: PathBuf, foreign: bool },
    /// A link the record names follows no stored executable: the version it stays with is
    /// not stored, or has no executable of its name.
    LinkStale { path: PathBuf, bin: String },
    /// An executable of the active version is linked nowhere (another tool took its link
    /// over with `--force`, and has let go of it since): its place `path` in the bin dir is
    /// free.
    Unlinked { path: PathBuf },
}

impl Problem {
    /// Whether `haul doctor --fix` repairs it. A changed executable is not what haul
    /// installed, but the change may be the user's own: only installing again puts it back.
    /// A file haul did not make at a link's place is the user's: `--fix` never replaces it.
    pub fn repairable(&self) -> bool {
        !matches!(
            self,
            Problem::Changed { .. } | Problem::LinkWrong { foreign: true, .. }
        )
    }

    /// The link it is about, when it is about one.
    pub fn link_path(&self) -> Option<&Path> {
        match self {
            Problem::LinkMissing { path }
            | Problem::LinkWrong { path, .. }
            | Problem::LinkStale { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The stored version it is about; `None` for the tool's links.
    pub fn version(&self) -> Option<&str> {
        match self {
            Problem::VersionMissing { key }
            | Problem::ExecutableMissing { key, .. }
            | Problem::NotExecutable { key, .. }
            | Problem::Changed { key, .. } => Some(key),
            Problem::ActiveMissing { .. }
            | Problem::LinkMissing { .. }
            | Problem::LinkWrong { .. }
            | Problem::LinkStale { .. }
            | Problem::Unlinked { .. } => None,
        }
    }

    pub fn describe(&self, name: &str) -> String {
        match self {
            Problem::VersionMissing { key } => {
                format!("`{name}` {key} is recorded but its files are gone")
            }
            Problem::ExecutableMissing { key, path } => format!(
                "`{name}` {key}: the executable `{}` is gone",
                path.display()
            ),
            Problem::NotExecutable { key, path } => {
                format!("`{name}` {key}: `{}` is not executable", path.display())
            }
            Problem::Changed { key, path, drift } => {
                format!("`{name}` {key}: {}", drift.describe(path))
            }
            Problem::ActiveMissing { key } => {
                format!("`{name}`: its active version {key} is not stored")
            }
            Problem::LinkMissing { path } => {
                format!("`{name}`: the link `{}` is missing", path.display())
            }
            Problem::LinkWrong {
                path,
                foreign: false,
            } => format!(
                "`{name}`: the link `{}` points somewhere else",
                path.display()
            ),
            Problem::LinkWrong {
                path,
                foreign: true,
            } => format!(
                "`{name}`: `{}`, where its link goes, is {} haul did not make",
                path.display(),
                match std::fs::symlink_metadata(path) {
                    Ok(meta) if meta.file_type().is_symlink() => "a link",
                    Ok(meta) if meta.is_dir() => "a directory",
                    _ => "a file",
                }
            ),
            Problem::LinkStale { path, bin } => format!(
                "`{name}`: the link `{}` names `{bin}`, which no stored version it follows has",
                path.display()
            ),
            Problem::Unlinked { path } => format!(
                "`{name}`: its active version is not linked at `{}`, which is free",
                path.display()
            ),
        }
    }
}

impl Store {
    /// Whether `path`, where a link of `record` goes, is not a link haul would replace with
    /// it (as a change decides who has it): a file or link into anything but the store, or a
    /// link to another tool's executable that no record of that tool lists there (made by
    /// hand, say). A link into the tool's own directory, or one another tool took over, is.
    fn not_haul_link(&self, record: &Record, path: &Path) -> bool {
        let Some(target) = link::target_in(path, &self.tools_dir()) else {
            return true;
        };
        let Some(other) = target
            .strip_prefix(self.tools_dir())
            .ok()
            .and_then(|rest| rest.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
        else {
            return true;
        };
        if other == record.name || !target.exists() {
            return false;
        }
        // Read as it is (no journal completed: a change may be under way in this process).
        !self
            .read_file(&self.record_path(&other))
            .is_ok_and(|r| r.links.iter().any(|l| l.is_at(path)))
    }

    /// What is missing or wrong with `record`'s files and links.
    pub fn check(&self, record: &Record) -> Vec<Problem> {
        let mut problems = Vec::new();
        // As few file system calls as `haul list` can afford for every tool: a version's
        // directory is looked at only when one of its executables is missing.
        for (key, version) in &record.versions {
            let dir = self.version_dir(&record.name, key);
            let mut missing = Vec::new();
            for bin in &version.bins {
                let path = dir.join(&bin.path);
                match executable_at(&path, bin) {
                    ExeState::Runnable => {}
                    ExeState::NotExecutable => problems.push(Problem::NotExecutable {
                        key: key.clone(),
                        path,
                    }),
                    ExeState::Changed(drift) => problems.push(Problem::Changed {
                        key: key.clone(),
                        path,
                        drift,
                    }),
                    ExeState::Missing => missing.push(path),
                }
            }
            if (!missing.is_empty() || version.bins.is_empty()) && !dir.is_dir() {
                problems.push(Problem::VersionMissing { key: key.clone() });
                continue;
            }
            for path in missing {
                problems.push(Problem::ExecutableMissing {
                    key: key.clone(),
                    path,
                });
            }
        }
        let active_missing = record
            .active
            .as_ref()
            .filter(|key| !record.versions.contains_key(*key));
        if let Some(key) = active_missing {
            problems.push(Problem::ActiveMissing { key: key.clone() });
        }
        for l in &record.links {
            let Some(target) = self.link_target(record, l) else {
                // Following a missing active version, it is that problem: making another
                // version active links it again.
                if l.version.is_some() || active_missing.is_none() {
                    problems.push(Problem::LinkStale {
                        path: l.path.clone(),
                        bin: l.bin.clone(),
                    });
                }
                continue;
            };
            if link::points_to(&l.path, &target) {
                continue;
            }
            // A project's link whose directory is gone went with the project.
            if l.version.is_some() && dir_gone(l) {
                continue;
            }
            if link::present(&l.path) {
                problems.push(Problem::LinkWrong {
                    path: l.path.clone(),
                    foreign: self.not_haul_link(record, &l.path),
                });
            } else {
                problems.push(Problem::LinkMissing {
                    path: l.path.clone(),
                });
            }
        }
        // An executable of the active version with no link of its own anywhere (taken over,
        // then let go of) whose place in the bin dir is free again.
        if let Some(active) = record.active()
            && active_missing.is_none()
        {
            for bin in &active.bins {
                let linked = record
                    .links
                    .iter()
                    .any(|l| l.version.is_none() && l.bin == bin.link);
                let path = self.bin_dir.join(&bin.link);
                if !linked && !link::present(&path) {
                    problems.push(Problem::Unlinked { path });
                }
            }
        }
        problems
    }
}

/// What is at an executable's place in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExeState {
    /// Nothing, or not a file.
    Missing,
    /// A file that may not be run.
    NotExecutable,
    /// Not the file haul installed.
    Changed(Drift),
    Runnable,
}

/// How an executable differs from the file haul installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    /// Another size: `now` bytes where haul installed `installed`.
    Size { now: u64, installed: u64 },
    /// The same size, but written to since.
    Written,
}

impl Drift {
    /// "`PATH` has changed since it was installed (why)".
    pub fn describe(self, path: &Path) -> String {
        let why = match self {
            Drift::Size { now, installed } => format!("{now} bytes; haul installed {installed}"),
            Drift::Written => "written to since, at the same size".to_owned(),
        };
        format!(
            "`{}` has changed since it was installed ({why})",
            path.display()
        )
    }
}

/// What is at `path`, where haul installed `bin`, with one file system call. What the record
/// does not know (records written before haul kept sizes and times) is not checked.
pub fn executable_at(path: &Path, bin: &Bin) -> ExeState {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => ExeState::Missing,
        Ok(meta) if !may_run(&meta) => ExeState::NotExecutable,
        Ok(meta) => match (bin.size, bin.modified) {
            (Some(installed), _) if installed != meta.len() => ExeState::Changed(Drift::Size {
                now: meta.len(),
                installed,
            }),
            (_, Some(installed))
                if !modified(&meta).is_some_and(|now| same_time(now, installed)) =>
            {
                ExeState::Changed(Drift::Written)
            }
            _ => ExeState::Runnable,
        },
        Err(_) => ExeState::Missing,
    }
}

/// Whether the file at `path` is, by its size and the time it was last written, the executable
/// haul installed as `bin`; never when the record does not know them.
pub(super) fn installed_as(path: &Path, bin: &Bin) -> bool {
    bin.size.is_some() && bin.modified.is_some() && executable_at(path, bin) == ExeState::Runnable
}

/// When the file `meta` describes was last written, in nanoseconds since 1970 (none before
/// 1970, or where the system cannot tell).
pub fn modified(meta: &std::fs::Metadata) -> Option<u64> {
    let since = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    u64::try_from(since.as_nanos()).ok()
}

/// Whether a file last written at `now` still has the time haul installed it with
/// (`installed`): the same, or the same cut to a coarser unit, as a copy that keeps times less
/// precisely leaves it (a tar backup keeps whole seconds).
pub(super) fn same_time(now: u64, installed: u64) -> bool {
    const UNITS: [u64; 4] = [1_000, 1_000_000, 1_000_000_000, 2_000_000_000];
    now == installed || UNITS.iter().any(|unit| installed - installed % unit == now)
}

/// What puts a changed executable of `record`'s version `key` back: a project's version (only
/// its lock vouched for it) comes back with `haul sync` there, the user's own with `haul
/// install NAME@VERSION --force`.
pub fn reinstall_hint(record: &Record, key: &str) -> String {
    format!(
        "{} installs it again (a change made on purpose is lost)",
        install_again(record, key)
    )
}

/// The command that installs `record`'s version `key` again, that version and no other (a bare
/// `haul install NAME` would move to the newest release and record `latest`); for a version
/// only a project's lock vouched for, `haul sync` there.
pub fn install_again(record: &Record, key: &str) -> String {
    match record.versions.get(key) {
        Some(version) if version.only_locked() => {
            "`haul sync` in the project that locks it".to_owned()
        }
        version => install_command(
            record,
            Some(version.map_or(key, |v| v.version.as_str())),
            true,
        ),
    }
}

/// How `haul install` names `record`'s tool, `@VERSION` going after the first part: by its
/// name, unless that is not the repository's (a tool installed with `--bin`, a fork): a
/// catalog entry of that name would be another tool, which `--force` would put in its place.
/// Then by its repository and the executables it has (`OWNER/REPO`, `--bin NAME=LINK`...),
/// which name it whether or not other tools of that repository are installed.
pub fn spelled(record: &Record) -> (String, String) {
    spelled_asking(record, record.asked_bins())
}

/// [`spelled`], asking for `bins` (what a version other than the active one was installed
/// with): named by its name, the executables are said when they are not what it asks for now.
fn spelled_asking(record: &Record, bins: &[WantedBin]) -> (String, String) {
    let flags = bins.iter().fold(String::new(), |mut flags, bin| {
        flags.push_str(" --bin ");
        flags.push_str(&bin.to_string());
        flags
    });
    let by_name = || {
        let flags = if bins == record.asked_bins() {
            String::new()
        } else {
            flags.clone()
        };
        (record.name.clone(), flags)
    };
    let repo = record.identity.source.strip_prefix("github:");
    let Some(repo) = repo.filter(|repo| {
        !repo
            .rsplit('/')
            .next()
            .is_some_and(|r| r.eq_ignore_ascii_case(&record.name))
    }) else {
        return by_name();
    };
    // Named by an executable the user asked for (`--bin`): the repository and the executables
    // asked for name it. Named otherwise (a catalog entry's name, `acd` for argo-cd's
    // `argocd`): that name does.
    let named_by_a_bin = record.identity.product.as_ref().is_some_and(|product| {
        product.bin == record.name && bins.iter().any(|b| b.name == product.bin)
    });
    if !named_by_a_bin {
        return by_name();
    }
    (repo.to_owned(), flags)
}

/// The `haul install` (quoted, as hints show it) that installs `record`'s tool, at `version`
/// when given, with `--force` when `force`: spelled as [`spelled`] says, with the executables
/// that version was last made active with.
pub fn install_command(record: &Record, version: Option<&str>, force: bool) -> String {
    let then = version
        .and_then(|v| record.key_of(v))
        .and_then(|key| record.history.iter().rev().find(|a| a.version == key))
        .and_then(|a| a.requirement.as_ref())
        .map_or(record.asked_bins(), |r| r.bin.as_slice());
    let (tool, flags) = spelled_asking(record, then);
    let at = version.map_or_else(String::new, |v| format!("@{v}"));
    let force = if force { " --force" } else { "" };
    format!("`haul install {tool}{at}{flags}{force}`")
}

impl Problem {
    /// What puts it right, in the words of `haul doctor` and `haul which`: what `--fix` does
    /// about it (it does not download: a version whose files are gone is dropped, not
    /// repaired), or what the user can do where `--fix` leaves it.
    pub fn remedy(&self, record: &Record) -> String {
        let active = |key: &str| record.active.as_deref() == Some(key);
        match self {
            // Not the active version: installing it would make it active. Dropped from the
            // record, it is stored again by the next `exec` or sync that asks for it.
            // Linked into a project's own bin-dir: that project's sync puts it back.
            Problem::VersionMissing { key } | Problem::ExecutableMissing { key, .. }
                if !active(key) && pinned_in(record, key).is_some() =>
            {
                format!(
                    "`haul sync` in the project whose bin-dir is `{}` installs it again; \
                     `haul doctor --fix` drops that version",
                    pinned_in(record, key)
                        .map(|dir| dir.display().to_string())
                        .unwrap_or_default()
                )
            }
            Problem::VersionMissing { key } | Problem::ExecutableMissing { key, .. }
                if !active(key) =>
            {
                format!(
                    "`haul doctor --fix` drops that version (`haul exec {}@{}` stores it again)",
                    record.name,
                    record
                        .versions
                        .get(key)
                        .map_or(key.as_str(), |v| v.version.as_str())
                )
            }
            Problem::VersionMissing { key }
            | Problem::ExecutableMissing { key, .. }
            | Problem::ActiveMissing { key } => format!(
                "{} installs it again; `haul doctor --fix` drops that version (the version active \
                 before it becomes active, or the tool is removed when no other version is whole)",
                install_again(record, key),
            ),
            Problem::NotExecutable { .. } => {
                "`haul doctor --fix` makes it executable again".to_owned()
            }
            Problem::Changed { key, .. } => reinstall_hint(record, key),
            Problem::LinkWrong { foreign: true, .. } => format!(
                "remove it, or {} replaces it; `--fix` leaves it",
                record.active.as_deref().map_or_else(
                    || install_command(record, None, true),
                    |key| install_again(record, key)
                )
            ),
            Problem::LinkMissing { .. }
            | Problem::LinkWrong { .. }
            | Problem::LinkStale { .. }
            | Problem::Unlinked { .. } => "`haul doctor --fix` links it again".to_owned(),
        }
    }
}

/// The bin dir (a project's) that links `record`'s stored version `key`, pinned to it.
fn pinned_in<'r>(record: &'r Record, key: &str) -> Option<&'r Path> {
    record
        .links
        .iter()
        .find(|l| l.version.as_deref() == Some(key))
        .and_then(|l| l.path.parent())
}

/// Whether the directory `link` is in is gone (a project deleted, a bin dir removed).
pub fn dir_gone(link: &Link) -> bool {
    link.path.parent().is_none_or(|dir| !dir.is_dir())
}

#[cfg(unix)]
fn may_run(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    meta.permissions().mode() & 0o111 != 0
}

/// Windows runs a file by its name (`.exe`), not by a mode.
#[cfg(not(unix))]
fn may_run(_meta: &std::fs::Metadata) -> bool {
    true
}
