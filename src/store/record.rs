//! The on-disk record of one installed tool (`records/NAME.json`), and the pure transitions a
//! change makes to it. Format 3; records of formats 1 (haul 0.1) and 2 are read and converted.
//!
//! A tool is its source, not its name: the [`Identity`] (where releases come from, and which of
//! a release's products) decides whether two installs are the same tool. Every stored version
//! is kept side by side; one is active, and its executables are linked into one or more bin
//! dirs. The history remembers the last activations, for rollback. The lock file (`haul.lock`)
//! describes a locked artifact with the same [`Artifact`] type.
//!
//! Pure: no I/O.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::names;
use crate::verify::{Algorithm, Digest};

/// The format this haul writes.
pub const FORMAT: u32 = 3;

/// How many activations the history keeps.
pub const HISTORY: usize = 10;

/// What haul knows about one installed tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub format: u32,
    /// The name it is listed under and its directory in the store (`tools/NAME/`).
    pub name: String,
    #[serde(flatten)]
    pub identity: Identity,
    /// What the user asked for: kept so that `upgrade` stays within it.
    pub requirement: Requirement,
    /// The key in `versions` of the version the links point at; `None` only while none is.
    pub active: Option<String>,
    /// Every stored version, by its directory under `tools/NAME/`.
    pub versions: BTreeMap<String, Installed>,
    /// Each link to the active version's executables, by full path.
    pub links: Vec<Link>,
    /// The last activations, newest last.
    #[serde(default)]
    pub history: Vec<Activation>,
}

/// Where a tool's releases come from, and which product of a release it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `github:OWNER/REPO`, or `catalog:NAME` for a tool the catalog describes by URL templates.
    pub source: String,
    /// Which product of the release; `None` in records converted from format 1, which did not
    /// say (such a record is the same tool as any product of its source with its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
}

/// What narrows a release to one product (a repository that releases `kubectx` and `kubens`,
/// or `hugo` and `hugo_extended`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// The executable the tool is named after (`kubens`).
    pub bin: String,
    /// The catalog's asset pattern, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The catalog's tag prefix, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_prefix: Option<String>,
}

impl Identity {
    /// Whether `other` names the same tool. GitHub repository names are compared without
    /// regard to case, as GitHub does.
    pub fn same_tool(&self, other: &Identity, name: &str, other_name: &str) -> bool {
        if !self.source.eq_ignore_ascii_case(&other.source) {
            return false;
        }
        match (&self.product, &other.product) {
            (Some(a), Some(b)) => a == b,
            // A converted record knew no product: it is this tool when the name agrees.
            _ => name == other_name,
        }
    }
}

/// What the user asked for: after `@` (`latest`, `3.16`, `^1.2`, an exact tag), whether
/// prereleases count, and the executables named with `--bin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub version: String,
    #[serde(default)]
    pub pre: bool,
    /// `--bin NAME` or `--bin NAME=LINK`, as typed (format 3; none: the catalog entry's
    /// executables, or the one named after the tool). A project's lock keeps them apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bin: Vec<names::WantedBin>,
    /// `bin` was read back from the executables of a record of format 2 (which did not keep
    /// `--bin`), not typed: a catalog entry that links the same is followed instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guessed: bool,
}

impl Requirement {
    /// `version` (`pre` as given), asking for no executables by name.
    pub fn new(version: &str, pre: bool) -> Requirement {
        Requirement {
            version: version.to_owned(),
            pre,
            bin: Vec::new(),
            guessed: false,
        }
    }
}

impl Default for Requirement {
    fn default() -> Self {
        Requirement::new("latest", false)
    }
}

/// One stored version.
#[allow(clippy::struct_field_names, reason = "the file format's names")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub version: String,
    pub tag: String,
    /// The platform it was installed for (`linux-x86_64`).
    pub platform: String,
    /// The files downloaded for it, each verified before anything was moved into place.
    pub artifacts: Vec<Artifact>,
    /// Its executables.
    pub bins: Vec<Bin>,
    /// Seconds since the Unix epoch.
    pub installed_at: u64,
}

/// The `verified_by` of a file only a project's lock vouched for (the lock file's name).
pub const BY_LOCK: &str = crate::verify::LOCK_FILE;

impl Installed {
    /// What verified it, as `list --json` and `install --json` say it: the first file's
    /// source, when every file was verified; `None` when any was not (a tool is only as
    /// verified as the least verified of its files).
    pub fn verified_by(&self) -> Option<&str> {
        if self.artifacts.iter().all(|a| a.verified_by.is_some()) {
            self.artifacts
                .first()
                .and_then(|a| a.verified_by.as_deref())
        } else {
            None
        }
    }

    /// Its executable a name names (`kubens`, `kubens.exe`): linked under that name, else
    /// under that name in another case (`KUBENS`).
    pub fn bin_named(&self, name: &str) -> Option<&Bin> {
        let typed = crate::platform::file_name::exe_stem(name).unwrap_or(name);
        names::spelled_or_any_case(&self.bins, typed, Bin::link_stem)
    }

    /// Whether `other` is the same release's same files for the same platform (by asset and
    /// SHA-256), whatever executables each was given.
    pub fn same_files(&self, other: &Installed) -> bool {
        fn hashes(v: &Installed) -> Vec<(&str, &str)> {
            let mut all: Vec<(&str, &str)> = v
                .artifacts
                .iter()
                .map(|a| (a.asset.as_str(), a.sha256.as_str()))
                .collect();
            all.sort_unstable();
            all
        }
        self.tag == other.tag && self.platform == other.platform && hashes(self) == hashes(other)
    }

    /// Whether `other` has the same executables: each file under the same link.
    pub fn same_executables(&self, other: &Installed) -> bool {
        self.links_are(
            other
                .bins
                .iter()
                .map(|b| (b.link.as_str(), b.path.as_str())),
        )
    }

    /// Whether its executables are exactly `links`, each (link, file path), in any order.
    pub fn links_are<'a>(&self, links: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
        let mut has: Vec<(&str, &str)> = self
            .bins
            .iter()
            .map(|b| (b.link.as_str(), b.path.as_str()))
            .collect();
        let mut given: Vec<(&str, &str)> = links.collect();
        has.sort_unstable();
        given.sort_unstable();
        has == given
    }

    /// Whether its executables are exactly those `wanted` asks for by name (`--bin NAME`,
    /// `NAME=LINK`): each file found under its link, and no other link (`exe`: the platform's
    /// suffix of link names).
    pub fn has_executables(&self, wanted: &[names::WantedBin], exe: &str) -> bool {
        let link_of = |w: &names::WantedBin| format!("{}{exe}", w.link_name());
        wanted.iter().all(|w| {
            self.bins
                .iter()
                .any(|b| b.link == link_of(w) && b.is_file(&w.name))
        }) && self
            .bins
            .iter()
            .all(|b| wanted.iter().any(|w| b.link == link_of(w)))
    }

    /// Whether it has one program, linked as the chooser links a release's only program taken
    /// for the one executable `wanted` asks for under another name (`NAME=LINK` as `LINK`,
    /// else under the program's own name less a platform suffix: `rgx` for `rg`).
    pub fn only_program_for(&self, wanted: &[names::WantedBin], exe: &str) -> bool {
        let ([wanted], [bin]) = (wanted, self.bins.as_slice()) else {
            return false;
        };
        let file = bin.path.rsplit('/').next().unwrap_or(&bin.path);
        let link = crate::platform::file_name::only_program_link(
            file,
            &wanted.name,
            wanted.link.as_deref(),
        );
        bin.link == format!("{link}{exe}")
    }

    /// Whether it is a prerelease (`2.1.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        crate::version::Version::from_tag(&self.version).is_some_and(|v| v.is_prerelease())
    }

    /// Whether only a project's lock vouched for it (for some file of it).
    pub fn only_locked(&self) -> bool {
        self.artifacts
            .iter()
            .any(|a| a.verified_by.as_deref() == Some(BY_LOCK))
    }

    /// Whether the stored file `asset` hashed to `digest` when it was downloaded.
    pub fn holds(&self, asset: &str, digest: &Digest) -> bool {
        self.artifacts.iter().any(|a| {
            a.asset == asset
                && a.hash(digest.algorithm())
                    .is_some_and(|hex| hex.eq_ignore_ascii_case(digest.hex()))
        })
    }
}

/// One downloaded file, and what vouched for it. The lock file uses the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub asset: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    pub sha256: String,
    /// The SHA-512 as well, when a SHA-512 checksum was what verified it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha512: Option<String>,
    /// What vouched for the hash: `api-digest`, a checksum file's name, `haul.lock`,
    /// `downloaded` (haul hashed it: the release publishes no checksum), or nothing (installed
    /// unverified).
    pub verified_by: Option<String>,
    /// The checksum file that vouched for it, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum_url: Option<String>,
}

impl Artifact {
    /// Its hash by `algorithm`, when it was kept (the SHA-512 only when one vouched).
    pub fn hash(&self, algorithm: Algorithm) -> Option<&str> {
        match algorithm {
            Algorithm::Sha256 => Some(&self.sha256),
            Algorithm::Sha512 => self.sha512.as_deref(),
        }
    }
}

/// One executable of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// Its file name in a bin dir (with `.exe` on Windows).
    pub link: String,
    /// The executable, relative to the version's directory, with `/` separators.
    pub path: String,
    /// Its size in bytes as installed, so that a file changed since can be told apart
    /// (records written before haul kept it have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// When it was last written as installed, in nanoseconds since 1970, so that a change that
    /// kept the size can be told apart too (none: not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<u64>,
}

impl Bin {
    /// Its name in a bin dir without `.exe`.
    pub fn link_stem(&self) -> &str {
        self.link.strip_suffix(".exe").unwrap_or(&self.link)
    }

    /// Whether its file is the one `--bin NAME` asks for by `name`: called that, or that plus
    /// a platform suffix (`tool_linux_amd64` is `tool`).
    pub fn is_file(&self, name: &str) -> bool {
        use crate::platform::file_name::{exe_stem, plain_name};
        let file = self.path.rsplit('/').next().unwrap_or(&self.path);
        exe_stem(file).unwrap_or(file) == name || plain_name(file).as_deref() == Some(name)
    }

    /// Where its file is a platform's build of a program stored beside it under the plain
    /// name (`sv-musl` beside `sv`), that file (`sv`; `sv.exe` for `sv-musl.exe`): asking for
    /// the plain name takes it, so a link to this one was asked for by this file's own name.
    fn plain_beside(&self) -> Option<String> {
        use crate::platform::file_name::{exe_stem, plain_name};
        let (dir, file) = self.path.rsplit_once('/').unwrap_or(("", &self.path));
        let stem = exe_stem(file).unwrap_or(file);
        let plain = plain_name(file).filter(|plain| plain != stem)?;
        let ext = &file[stem.len()..];
        Some(if dir.is_empty() {
            format!("{plain}{ext}")
        } else {
            format!("{dir}/{plain}{ext}")
        })
    }
}

/// One link in a bin dir.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// The link's full path.
    pub path: PathBuf,
    /// The executable it points at: a [`Bin::link`] of the active version, or of `version`.
    pub bin: String,
    /// The stored version it stays with whatever is active: a link in a project's own bin-dir,
    /// made by `haul sync` (none: it follows the active version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Link {
    /// Whether this link is the file at `path` (on Windows and macOS, spelled in any case).
    pub fn is_at(&self, path: &Path) -> bool {
        crate::names::same_path(&self.path, path)
    }

    /// Whether this link is in the directory `dir` (spelled as [`Link::is_at`] allows).
    pub fn is_in(&self, dir: &Path) -> bool {
        self.path
            .parent()
            .is_some_and(|d| crate::names::same_path(d, dir))
    }
}

/// A version made active, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activation {
    pub version: String,
    pub at: u64,
    /// The requirement it was made active under (records written before it was kept have
    /// none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
}

impl Record {
    /// Tell apart, where the stored files show it, what a record of an earlier format had read
    /// back from its links (see [`migrate`]): a link to a platform's build of a program stored
    /// beside one under the plain name (`--bin sv-musl=s` beside `sv`) was typed, as neither
    /// asking for `sv` nor a catalog entry's `sv` takes that file; it was taken for the
    /// entry's, and an upgrade linked `sv`. `stored(version, path)`: whether that version has
    /// a file at `path`.
    pub fn settle_guesses(&mut self, stored: impl Fn(&str, &str) -> bool) {
        let typed = |versions: &BTreeMap<String, Installed>, key: &str| {
            versions.get(key).is_some_and(|v| {
                v.bins
                    .iter()
                    .filter_map(Bin::plain_beside)
                    .any(|plain| stored(key, &plain))
            })
        };
        if self.requirement.guessed
            && self
                .active
                .as_deref()
                .is_some_and(|key| typed(&self.versions, key))
        {
            self.requirement.guessed = false;
        }
        for activation in &mut self.history {
            if let Some(requirement) = &mut activation.requirement
                && requirement.guessed
                && typed(&self.versions, &activation.version)
            {
                requirement.guessed = false;
            }
        }
    }

    /// The executables the user asked for with `--bin` (or `bin` in `haul.toml`), as they
    /// typed them, for the active version: an install or upgrade with no `--bin` asks for the
    /// same. Empty: the catalog entry's, or the one named after the tool.
    pub fn asked_bins(&self) -> &[names::WantedBin] {
        &self.requirement.bin
    }

    /// The executables the active version has, as `--bin` would ask for them again exactly (see
    /// [`bins_as_installed`]): what a tool that kept no `--bin` and has no catalog entry now
    /// asks for (one whose entry went), and what records of format 2 are read as.
    pub fn active_bins_as_installed(&self) -> Vec<names::WantedBin> {
        self.active()
            .map(|v| bins_as_installed(self, v))
            .unwrap_or_default()
    }

    /// A record for a tool that has nothing stored yet.
    pub fn new(name: &str, identity: Identity, requirement: Requirement) -> Record {
        Record {
            format: FORMAT,
            name: name.to_owned(),
            identity,
            requirement,
            active: None,
            versions: BTreeMap::new(),
            links: Vec::new(),
            history: Vec::new(),
        }
    }

    /// The stored versions, oldest to newest by version (1.9.0 before 1.10.0; the key, as
    /// text, between builds of one version), not by the text of their keys.
    pub fn by_version(&self) -> Vec<(&String, &Installed)> {
        let mut versions: Vec<_> = self.versions.iter().collect();
        versions
            .sort_by_cached_key(|(key, v)| (crate::version::Version::from_tag(&v.version), *key));
        versions
    }

    pub fn active(&self) -> Option<&Installed> {
        self.active.as_ref().and_then(|key| self.versions.get(key))
    }

    /// The bin dirs this tool's active version is linked into (a project's pinned links are
    /// not among them).
    pub fn bin_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .links
            .iter()
            .filter(|l| l.version.is_none())
            .filter_map(|l| l.path.parent().map(Path::to_path_buf))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// The key of the stored version `version` (a version or a tag), if stored.
    pub fn key_of(&self, version: &str) -> Option<&str> {
        if self.versions.contains_key(version) {
            return self
                .versions
                .get_key_value(version)
                .map(|(k, _)| k.as_str());
        }
        let plain = version.strip_prefix(['v', 'V']).unwrap_or(version);
        self.versions
            .iter()
            .find(|(_, v)| v.tag == version || v.version == plain)
            .map(|(k, _)| k.as_str())
    }

    /// Store `installed` under `key` (replacing what was there).
    pub fn add_version(&mut self, key: &str, installed: Installed) {
        self.versions.insert(key.to_owned(), installed);
    }

    /// Make `key` the active version, linked into `bin_dirs` (the tool's current ones when
    /// empty), and remember the activation. Returns the links that no longer belong.
    pub fn activate(&mut self, key: &str, bin_dirs: &[PathBuf], at: u64) -> Vec<Link> {
        let dirs = if bin_dirs.is_empty() {
            self.bin_dirs()
        } else {
            bin_dirs.to_vec()
        };
        let changed = self.active.as_deref() != Some(key);
        self.active = Some(key.to_owned());
        let wanted = self.links_of(key, &dirs, None);
        // Links pinned to a version (a project's) stay as they are, unless a bin dir given
        // here is theirs.
        let (pinned, followed): (Vec<Link>, Vec<Link>) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| l.version.is_some() && !wanted.iter().any(|new| new.is_at(&l.path)));
        let stale: Vec<Link> = followed
            .into_iter()
            .filter(|old| !wanted.iter().any(|new| new.is_at(&old.path)))
            .collect();
        self.links = wanted;
        self.links.extend(pinned);
        self.links.sort();
        self.links.dedup();
        let last = self.history.last_mut().filter(|last| last.version == key);
        match last {
            // The same version under another requirement (`@1.2.3` over `@1.2`, `--latest`
            // at the newest): what a rollback to it brings back is the requirement now.
            Some(last) if !changed => last.requirement = Some(self.requirement.clone()),
            _ => {
                self.history.push(Activation {
                    version: key.to_owned(),
                    at,
                    requirement: Some(self.requirement.clone()),
                });
                let excess = self.history.len().saturating_sub(HISTORY);
                self.history.drain(..excess);
            }
        }
        stale
    }

    /// Make the stored version `key` active again (a rollback, or the one before a version
    /// that goes), in `bin_dirs` (empty: the bin dirs the tool is linked into): the
    /// requirement it was last made active under comes back with it, so that `upgrade` and
    /// `outdated` go by what the user asked for then. Returns the links that no longer belong.
    pub fn reactivate(&mut self, key: &str, bin_dirs: &[PathBuf], at: u64) -> Vec<Link> {
        let then = self
            .history
            .iter()
            .rev()
            .find(|a| a.version == key)
            .and_then(|a| a.requirement.clone());
        match then {
            Some(requirement) => self.requirement = requirement,
            // Never made active (stored by `exec`, or out of the history): the requirement
            // stays when it allows this version, else it becomes this version, so `upgrade`
            // never names a version that is not the one running.
            None => {
                if let Some(version) = self.versions.get(key)
                    && !self.requirement_allows(version)
                {
                    self.requirement = Requirement {
                        version: version.version.clone(),
                        pre: false,
                        ..self.requirement.clone()
                    };
                }
            }
        }
        self.activate(key, bin_dirs, at)
    }

    /// Whether the tool's requirement allows the stored `version`.
    fn requirement_allows(&self, version: &Installed) -> bool {
        crate::version::VersionReq::parse(&self.requirement.version).is_ok_and(|req| {
            (req.matches(&version.tag) || req.matches(&version.version))
                && (self.requirement.pre || req.names_prerelease() || !version.is_prerelease())
        })
    }

    /// Link `key`'s executables into `dir` pinned to it, whatever is active (a project's own
    /// bin-dir): the active version and the tool's other links stay as they are. Returns the
    /// links in `dir` that no longer belong.
    pub fn pin(&mut self, key: &str, dir: &Path) -> Vec<Link> {
        let wanted = self.links_of(key, &[dir.to_path_buf()], Some(key));
        let (here, elsewhere): (Vec<Link>, Vec<Link>) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| l.is_in(dir));
        let stale = here
            .into_iter()
            .filter(|old| !wanted.iter().any(|new| new.is_at(&old.path)))
            .collect();
        self.links = elsewhere;
        self.links.extend(wanted);
        self.links.sort();
        stale
    }

    /// Make no version active (the versions left are only projects'): returns the links that
    /// followed the active version, which go.
    pub fn deactivate(&mut self) -> Vec<Link> {
        self.active = None;
        let (followed, pinned) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| l.version.is_none());
        self.links = pinned;
        followed
    }

    /// Let go of the links pinned to `key` (it is being removed); returns them.
    pub fn unpin(&mut self, key: &str) -> Vec<Link> {
        let (gone, kept) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| l.version.as_deref() == Some(key));
        self.links = kept;
        gone
    }

    /// The links of `key`'s executables in `dirs`, pinned to `pin`.
    fn links_of(&self, key: &str, dirs: &[PathBuf], pin: Option<&str>) -> Vec<Link> {
        let Some(installed) = self.versions.get(key) else {
            return Vec::new();
        };
        dirs.iter()
            .flat_map(|dir| {
                installed.bins.iter().map(|bin| Link {
                    path: dir.join(&bin.link),
                    bin: bin.link.clone(),
                    version: pin.map(str::to_owned),
                })
            })
            .collect()
    }

    /// The version to make active when the active one goes, other than those in `gone`: the
    /// last one made active and still stored, else the newest stored that is not only a
    /// project's (bytes only a lock vouched for become the user's only by their choice). With
    /// `verified_only` (checksums are required), never one stored unverified.
    pub fn fallback(&self, gone: &[String], verified_only: bool) -> Option<String> {
        let usable = |key: &str| {
            !gone.iter().any(|g| g == key)
                && self
                    .versions
                    .get(key)
                    .is_some_and(|v| !verified_only || v.verified_by().is_some())
        };
        self.made_active_before(usable)
            .or_else(|| {
                // The newest by version (not by the text of its key: 1.10.0 is newer than
                // 1.9.0), a release before any prerelease.
                self.versions
                    .iter()
                    .filter(|(k, v)| usable(k) && !v.only_locked())
                    .max_by_key(|(_, v)| {
                        let version = crate::version::Version::from_tag(&v.version);
                        (!v.is_prerelease(), version)
                    })
                    .map(|(k, _)| k.as_str())
            })
            .map(str::to_owned)
    }

    /// The version that was active before the current one and is still stored.
    pub fn previous(&self) -> Option<&str> {
        self.active.as_ref()?;
        self.made_active_before(|key| self.versions.contains_key(key))
    }

    /// The last version made active before the current one that is `usable` (still stored,
    /// and whatever else the caller asks).
    fn made_active_before(&self, usable: impl Fn(&str) -> bool) -> Option<&str> {
        self.history
            .iter()
            .rev()
            .map(|a| a.version.as_str())
            .find(|v| self.active.as_deref() != Some(*v) && usable(v))
    }

    /// Forget the stored version `key` (not the active one). Returns whether it was stored.
    pub fn remove_version(&mut self, key: &str) -> bool {
        if self.active.as_deref() == Some(key) {
            return false;
        }
        self.versions.remove(key).is_some()
    }
}

/// A record as haul 0.1 wrote it (format 1: `"schema": 1`, one version).
#[derive(Deserialize)]
struct RecordV1 {
    name: String,
    source: String,
    tag: String,
    version: String,
    asset: String,
    url: String,
    sha256: String,
    verified_by: Option<String>,
    platform: String,
    dir: String,
    bins: Vec<Bin>,
    installed_at: u64,
}

/// Why a record cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not a record haul can read: damaged, or not JSON.
    Damaged(String),
    /// Written by a newer haul.
    Newer(u32),
}

/// Read a record of any format this haul knows. A format-1 record is converted; its links are
/// taken to be in `bin_dir`, where haul 0.1 made them.
pub fn parse(text: &str, bin_dir: &Path) -> Result<Record, ParseError> {
    let record = read(text, bin_dir)?;
    check(&record)?;
    Ok(record)
}

fn read(text: &str, bin_dir: &Path) -> Result<Record, ParseError> {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<u32>,
        schema: Option<u32>,
    }
    // A record of this format, read in one pass; the probe below sorts out the rest.
    if let Ok(record) = serde_json::from_str::<Record>(text) {
        return if record.format > FORMAT {
            Err(ParseError::Newer(record.format))
        } else {
            Ok(migrate(record))
        };
    }
    let probe: Probe =
        serde_json::from_str(text).map_err(|err| ParseError::Damaged(err.to_string()))?;
    match (probe.format, probe.schema) {
        (Some(format), _) if format > FORMAT => Err(ParseError::Newer(format)),
        (Some(_), _) => serde_json::from_str(text)
            .map(migrate)
            .map_err(|err| ParseError::Damaged(err.to_string())),
        (None, Some(1)) => {
            let old: RecordV1 =
                serde_json::from_str(text).map_err(|err| ParseError::Damaged(err.to_string()))?;
            Ok(migrate(convert_v1(old, bin_dir)))
        }
        (None, Some(schema)) => Err(ParseError::Newer(schema)),
        (None, None) => Err(ParseError::Damaged("it names no format".to_owned())),
    }
}

/// A record of an earlier format, in this one. Formats 1 and 2 did not keep the `--bin` the
/// user typed: it is read back from each version's executables (see [`bins_as_installed`]),
/// once, where it may have been typed (see [`maybe_typed`]).
fn migrate(mut record: Record) -> Record {
    if record.format < 3 {
        let asked = |key: &str| {
            record
                .versions
                .get(key)
                .filter(|v| maybe_typed(&record, v))
                .map(|v| bins_as_installed(&record, v))
                .unwrap_or_default()
        };
        let bin = record.active.as_deref().map(asked).unwrap_or_default();
        let history: Vec<Vec<names::WantedBin>> =
            record.history.iter().map(|a| asked(&a.version)).collect();
        record.requirement.guessed = !bin.is_empty();
        record.requirement.bin = bin;
        for (activation, bin) in record.history.iter_mut().zip(history) {
            if let Some(requirement) = &mut activation.requirement {
                requirement.guessed = !bin.is_empty();
                requirement.bin = bin;
            }
        }
    }
    record.format = FORMAT;
    record
}

/// The executables `installed` has, as `--bin` would ask for them again, exactly: a link under
/// its file's own name (`gizmo-static`, `lua5.4`), or under the tool's name where that is the
/// name haul gives the file (`--bin tool` of `tool_linux_amd64`, or nothing asked), by that
/// name; any other link as `--bin FILE=LINK` (`k-64=k`: asking for `k` could find another
/// program called `k`; `beta=alpha`: the link `alpha` runs `beta`). None when it has only the
/// one named after the tool, which asking for nothing gives, unless the tool is named after
/// that executable rather than its repository (`--bin kubens` of `ahmetb/kubectx`).
fn bins_as_installed(record: &Record, installed: &Installed) -> Vec<names::WantedBin> {
    use crate::platform::file_name::{exe_stem, plain_name};
    let name = &record.name;
    let bins: Vec<names::WantedBin> = installed
        .bins
        .iter()
        .map(|b| {
            let link = b.link_stem();
            let file = b.path.rsplit('/').next().unwrap_or(&b.path);
            let stem = exe_stem(file).unwrap_or(file);
            if link == stem || (link == name && plain_name(file).as_deref() == Some(link)) {
                names::WantedBin::plain(link)
            } else {
                names::WantedBin {
                    name: stem.to_owned(),
                    link: Some(link.to_owned()),
                }
            }
        })
        .collect();
    let named_by_it = record
        .identity
        .product
        .as_ref()
        .is_some_and(|p| p.bin == *name)
        && record
            .identity
            .source
            .strip_prefix("github:")
            .and_then(|repo| repo.rsplit('/').next())
            .is_some_and(|repo| !repo.eq_ignore_ascii_case(name));
    match bins.as_slice() {
        [only] if only.name == *name && only.link.is_none() && !named_by_it => Vec::new(),
        _ => bins,
    }
}

/// Whether `--bin` may have been typed for `installed`: `--bin` names the tool after its first
/// executable's file, so when no file is named like the tool (`rg` of `ripgrep`, a catalog
/// entry `kx`'s `kubectx`), nothing was (the tool's own name, or its catalog entry, chose),
/// unless a link has a name of its own (`--bin kubens=kn` of the catalog tool `kx`: what
/// haul names an executable is its file's name, or that name without a platform suffix).
fn maybe_typed(record: &Record, installed: &Installed) -> bool {
    installed
        .bins
        .iter()
        .any(|b| b.is_file(&record.name) || !b.is_file(b.link_stem()))
}

/// What of a damaged record's `text` is sound: the record, with the links haul could not have
/// made left out (and which they were), when the rest passes [`check`]; `None` when it does
/// not read, or more than its links is wrong.
pub(super) fn salvage(text: &str, bin_dir: &Path) -> Option<(Record, Vec<Link>)> {
    let mut record = read(text, bin_dir).ok()?;
    let (dropped, kept) = std::mem::take(&mut record.links)
        .into_iter()
        .partition(|link| link_problem(link).is_some());
    record.links = kept;
    check(&record).ok()?;
    Some((record, dropped))
}

/// The names of `record` that become paths, checked: a record edited by hand, or restored from
/// elsewhere, is damaged rather than a way to make haul remove or link outside the store.
pub(super) fn check(record: &Record) -> Result<(), ParseError> {
    let bad = |what: &str, text: &str, why: &str| {
        let why = why.strip_prefix("it ").unwrap_or(why);
        Err(ParseError::Damaged(format!("its {what} `{text}` {why}")))
    };
    if let Some(why) = names::problem(&record.name) {
        return bad("name", &record.name, why);
    }
    for (key, version) in &record.versions {
        if let Some(why) = names::problem(key) {
            return bad("version directory", key, why);
        }
        for bin in &version.bins {
            if let Some(why) = names::problem(&bin.link) {
                return bad("executable", &bin.link, why);
            }
            if let Some(why) = names::stored_path_problem(&bin.path) {
                return bad("executable path", &bin.path, why);
            }
        }
    }
    for link in &record.links {
        if let Some(why) = link_problem(link) {
            return match why {
                LinkProblem::Executable(why) => bad("link's executable", &link.bin, why),
                LinkProblem::Path(why) => bad("link", &link.path.display().to_string(), why),
            };
        }
    }
    Ok(())
}

/// What is wrong with a link haul could not have made.
pub(super) enum LinkProblem {
    /// Its executable's name.
    Executable(&'static str),
    /// Its path.
    Path(&'static str),
}

/// Why `link` is not one haul makes: a full path, without `.` or `..` parts, to a file named
/// after its executable (haul makes `DIR/NAME` for the executable `NAME`); a record edited to
/// name another path would have haul link there.
pub(super) fn link_problem(link: &Link) -> Option<LinkProblem> {
    if let Some(why) = names::problem(&link.bin) {
        return Some(LinkProblem::Executable(why));
    }
    if !plain_full_path(&link.path) {
        return Some(LinkProblem::Path(
            "is not a full path without `.` or `..` parts",
        ));
    }
    if link.path.file_name().is_none_or(|n| *n != *link.bin) {
        return Some(LinkProblem::Path("is not named after its executable"));
    }
    None
}

/// Whether `path` is a full path without `.` or `..` parts.
pub(super) fn plain_full_path(path: &Path) -> bool {
    path.has_root()
        && path
            .components()
            .all(|c| !matches!(c, Component::CurDir | Component::ParentDir))
}

fn convert_v1(old: RecordV1, bin_dir: &Path) -> Record {
    let links = old
        .bins
        .iter()
        .map(|bin| Link {
            path: bin_dir.join(&bin.link),
            bin: bin.link.clone(),
            version: None,
        })
        .collect();
    let installed = Installed {
        version: old.version,
        tag: old.tag,
        platform: old.platform,
        artifacts: vec![Artifact {
            asset: old.asset,
            url: old.url,
            size: None,
            sha256: old.sha256,
            sha512: None,
            verified_by: old.verified_by,
            checksum_url: None,
        }],
        bins: old.bins,
        installed_at: old.installed_at,
    };
    let mut versions = BTreeMap::new();
    versions.insert(old.dir.clone(), installed);
    Record {
        format: FORMAT,
        name: old.name,
        identity: Identity {
            source: old.source,
            product: None,
        },
        requirement: Requirement::default(),
        active: Some(old.dir.clone()),
        versions,
        links,
        history: vec![Activation {
            version: old.dir,
            at: 0,
            requirement: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed(version: &str, bins: &[&str]) -> Installed {
        Installed {
            version: version.to_owned(),
            tag: format!("v{version}"),
            platform: "linux-x86_64".to_owned(),
            artifacts: vec![Artifact {
                asset: "t.tar.gz".to_owned(),
                url: "http://127.0.0.1/t.tar.gz".to_owned(),
                size: Some(5),
                sha256: "0".repeat(64),
                sha512: None,
                verified_by: Some("api-digest".to_owned()),
                checksum_url: None,
            }],
            bins: bins
                .iter()
                .map(|b| Bin {
                    link: (*b).to_owned(),
                    path: format!("t-{version}/{b}"),
                    size: None,
                    modified: None,
                })
                .collect(),
            installed_at: 7,
        }
    }

    fn identity(source: &str, bin: &str) -> Identity {
        Identity {
            source: source.to_owned(),
            product: Some(Product {
                bin: bin.to_owned(),
                ..Product::default()
            }),
        }
    }

    /// When the active version goes, the one made active before takes its place, else the
    /// newest that is not only a project's; with none, nothing is active and the project's
    /// versions and links stay.
    #[test]
    fn a_projects_version_never_becomes_the_users_by_default() {
        let project = PathBuf::from("/p/.haul/bin");
        let mut r = Record::new("t", identity("github:o/t", "t"), Requirement::default());
        let mut locked = installed("1.0.0", &["t"]);
        locked.artifacts[0].verified_by = Some(BY_LOCK.to_owned());
        assert!(locked.only_locked());
        r.add_version("1.0.0+2fa7b6c0", locked);
        r.add_version("2.0.0", installed("2.0.0", &["t"]));
        r.activate("2.0.0", &[PathBuf::from("/b")], 1);
        r.pin("1.0.0+2fa7b6c0", &project);
        assert_eq!(r.fallback(&["2.0.0".to_owned()], false), None);
        r.add_version("1.5.0", installed("1.5.0", &["t"]));
        assert_eq!(
            r.fallback(&["2.0.0".to_owned()], false).as_deref(),
            Some("1.5.0")
        );
        r.activate("1.5.0", &[], 2);
        assert_eq!(
            r.fallback(&["1.5.0".to_owned()], false).as_deref(),
            Some("2.0.0")
        );

        let followed = r.deactivate();
        assert_eq!(r.active, None);
        assert_eq!(followed.len(), 1);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].path, project.join("t"));
    }

    fn pin(version: &str) -> Requirement {
        Requirement::new(version, false)
    }

    /// With no version made active before still stored, the one that takes the active one's
    /// place is the newest by version (1.10.0 over 1.9.0), a release before a prerelease; its
    /// requirement is the tool's when that allows it, else the version itself, never the pin
    /// of the version that went.
    #[test]
    fn the_fallback_is_the_newest_release_under_a_requirement_it_meets() {
        let mut r = Record::new("t", identity("github:o/t", "t"), pin("2.0.0"));
        for version in ["1.9.0", "1.10.0", "2.1.0-rc.1", "2.0.0"] {
            r.add_version(version, installed(version, &["t"]));
        }
        r.activate("2.0.0", &[PathBuf::from("/b")], 1);
        let gone = ["2.0.0".to_owned()];
        assert_eq!(r.fallback(&gone, false).as_deref(), Some("1.10.0"));
        r.reactivate("1.10.0", &[], 2);
        assert_eq!(r.requirement, pin("1.10.0"));
        assert_eq!(r.history.last().unwrap().requirement, Some(pin("1.10.0")));
        // Only prereleases left: the newest of them.
        let mut pre = Record::new("t", identity("github:o/t", "t"), Requirement::default());
        for version in ["2.1.0-rc.1", "2.1.0-rc.2", "1.0.0"] {
            pre.add_version(version, installed(version, &["t"]));
        }
        pre.activate("1.0.0", &[PathBuf::from("/b")], 1);
        assert_eq!(
            pre.fallback(&["1.0.0".to_owned()], false).as_deref(),
            Some("2.1.0-rc.2")
        );
        // A requirement that allows the version stays.
        let mut series = Record::new("t", identity("github:o/t", "t"), pin("1.x"));
        series.add_version("1.9.0", installed("1.9.0", &["t"]));
        series.add_version("1.10.0", installed("1.10.0", &["t"]));
        series.activate("1.10.0", &[PathBuf::from("/b")], 1);
        series.history.clear();
        series.reactivate("1.9.0", &[], 2);
        assert_eq!(series.requirement, pin("1.x"));
    }

    /// Installing the active version again under another requirement (`@1.2.3` over `@1.2`)
    /// is remembered with it: a rollback to it brings that requirement back.
    #[test]
    fn a_new_requirement_for_the_active_version_is_remembered() {
        let mut r = Record::new("t", identity("github:o/t", "t"), pin("1.2"));
        r.add_version("1.2.3", installed("1.2.3", &["t"]));
        r.add_version("2.0.0", installed("2.0.0", &["t"]));
        r.activate("1.2.3", &[PathBuf::from("/b")], 1);
        r.requirement = pin("1.2.3");
        r.activate("1.2.3", &[], 2);
        assert_eq!(r.history.len(), 1);
        r.requirement = pin("2");
        r.activate("2.0.0", &[], 3);
        r.reactivate("1.2.3", &[], 4);
        assert_eq!(r.requirement, pin("1.2.3"));
    }

    /// A project's links stay with the version `haul sync` pinned them to: activations move
    /// only the tool's own links, pruning keeps the pinned version, and removing it lets go
    /// of its links.
    #[test]
    fn pinned_links_stay_with_their_version() {
        let (bin, project) = (PathBuf::from("/b"), PathBuf::from("/p/.haul/bin"));
        let mut r = Record::new("t", identity("github:o/t", "t"), Requirement::default());
        r.add_version("1.0.0", installed("1.0.0", &["t"]));
        r.add_version("2.0.0", installed("2.0.0", &["t"]));
        r.activate("2.0.0", std::slice::from_ref(&bin), 1);
        assert!(r.pin("1.0.0", &project).is_empty());
        assert_eq!(r.active.as_deref(), Some("2.0.0"));
        assert_eq!(r.bin_dirs(), std::slice::from_ref(&bin));
        let pinned_to =
            |r: &Record, key: &str| r.links.iter().any(|l| l.version.as_deref() == Some(key));
        assert!(pinned_to(&r, "1.0.0"));

        // Activating another version moves the tool's own link only.
        r.add_version("3.0.0", installed("3.0.0", &["t"]));
        let stale = r.activate("3.0.0", &[], 2);
        assert!(stale.is_empty(), "{stale:?}");
        let pinned: Vec<_> = r.links.iter().filter(|l| l.version.is_some()).collect();
        assert_eq!(pinned.len(), 1);
        assert_eq!(pinned[0].path, project.join("t"));
        assert_eq!(pinned[0].version.as_deref(), Some("1.0.0"));
        assert!(!pinned_to(&r, "2.0.0"));

        // Pinning again in the same directory replaces the pin.
        let stale = r.pin("3.0.0", &project);
        assert!(stale.is_empty());
        assert!(!pinned_to(&r, "1.0.0"));
        let gone = r.unpin("3.0.0");
        assert_eq!(gone.len(), 1);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].path, bin.join("t"));
    }

    #[test]
    fn versions_side_by_side_and_rollback() {
        let bin = PathBuf::from("/b");
        let mut r = Record::new("t", identity("github:o/t", "t"), Requirement::default());
        r.add_version("1.0.0", installed("1.0.0", &["t", "t2"]));
        assert!(
            r.activate("1.0.0", std::slice::from_ref(&bin), 1)
                .is_empty()
        );
        assert_eq!(r.links.len(), 2);
        r.add_version("2.0.0", installed("2.0.0", &["t"]));
        // The executable the new version lacks is no longer linked.
        let stale = r.activate("2.0.0", &[], 2);
        assert_eq!(
            stale.iter().map(|l| l.bin.as_str()).collect::<Vec<_>>(),
            ["t2"]
        );
        assert_eq!(
            r.links,
            vec![Link {
                path: bin.join("t"),
                bin: "t".into(),
                version: None,
            }]
        );
        assert_eq!(r.previous(), Some("1.0.0"));
        r.activate("1.0.0", &[], 3);
        assert_eq!(r.previous(), Some("2.0.0"));
        assert!(!r.remove_version("1.0.0"), "the active version stays");
        assert!(r.remove_version("2.0.0"));
        assert_eq!(r.previous(), None);
        assert_eq!(r.key_of("v1.0.0"), Some("1.0.0"));
        for at in 4..30 {
            r.add_version(&format!("{at}.0"), installed("x", &["t"]));
            r.activate(&format!("{at}.0"), &[], at);
        }
        assert_eq!(r.history.len(), HISTORY);
    }

    #[test]
    fn a_second_bin_dir_adds_links() {
        let mut r = Record::new("t", identity("github:o/t", "t"), Requirement::default());
        r.add_version("1", installed("1", &["t"]));
        r.activate("1", &[PathBuf::from("/a")], 1);
        r.activate("1", &[PathBuf::from("/a"), PathBuf::from("/ci")], 1);
        assert_eq!(r.bin_dirs(), [PathBuf::from("/a"), PathBuf::from("/ci")]);
        assert_eq!(
            r.history.len(),
            1,
            "the same version is not a new activation"
        );
    }

    #[test]
    fn identity_is_the_source_and_product() {
        let a = identity("github:bench/tool01", "tool01");
        assert!(a.same_tool(&identity("github:Bench/Tool01", "tool01"), "x", "y"));
        assert!(!a.same_tool(&identity("github:fork/tool01", "tool01"), "t", "t"));
        assert!(!a.same_tool(&identity("github:bench/tool01", "other"), "t", "t"));
        let legacy = Identity {
            source: "github:bench/tool01".to_owned(),
            product: None,
        };
        assert!(legacy.same_tool(&a, "tool01", "tool01"));
        assert!(!legacy.same_tool(&a, "tool01", "t1"));
    }

    #[test]
    fn reads_records_of_haul_0_1() {
        let v1 = r#"{"schema":1,"name":"fd","source":"github:sharkdp/fd","tag":"v10.2.0",
            "version":"10.2.0","asset":"fd.tar.gz","url":"https://x/fd.tar.gz","sha256":"ab",
            "verified_by":"api-digest","platform":"linux-x86_64","dir":"10.2.0",
            "bins":[{"link":"fd","path":"fd-v10.2.0/fd"}],"installed_at":5}"#;
        let r = parse(v1, Path::new("/home/u/.local/bin")).unwrap();
        assert_eq!(r.format, FORMAT);
        assert_eq!(r.active.as_deref(), Some("10.2.0"));
        assert_eq!(r.active().unwrap().artifacts[0].sha256, "ab");
        assert_eq!(r.links[0].path, Path::new("/home/u/.local/bin/fd"));
        assert_eq!(r.requirement, Requirement::default());
        // Written again, it reads back in this format, unchanged.
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(parse(&text, Path::new("/elsewhere")).unwrap(), r);
    }

    /// Format 2 kept no `--bin`: it is read back from each version's executables, once.
    #[test]
    fn records_of_format_2_learn_what_was_asked_for() {
        let record = |name: &str, source: &str, bins: &[(&str, &str)]| {
            let mut r = Record::new(name, identity(source, name), Requirement::new("1", false));
            let mut v = installed("1.0.0", &[]);
            v.bins = bins
                .iter()
                .map(|(link, path)| Bin {
                    link: (*link).to_owned(),
                    path: (*path).to_owned(),
                    size: None,
                    modified: None,
                })
                .collect();
            r.add_version("1.0.0", v);
            r.activate("1.0.0", &[PathBuf::from("/b")], 1);
            r.add_version("2.0.0", installed("2.0.0", &[name]));
            r.activate("2.0.0", &[PathBuf::from("/b")], 2);
            r.format = 2;
            parse(&serde_json::to_string(&r).unwrap(), Path::new("/")).unwrap()
        };
        let asked = |r: &Record| {
            r.asked_bins()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        let then = |r: &Record, version: &str| {
            let a = r.history.iter().find(|a| a.version == version).unwrap();
            a.requirement
                .as_ref()
                .unwrap()
                .bin
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        // The active version has only the one named after the tool: nothing was asked for. The
        // version before it had a link of another name, and a platform-suffixed file.
        let r = record(
            "w",
            "github:o/w",
            &[("w", "d/w_linux_amd64"), ("wk", "d/w"), ("x", "d/x")],
        );
        assert_eq!(r.format, FORMAT);
        assert!(asked(&r).is_empty());
        assert_eq!(then(&r, "1.0.0"), ["w", "w=wk", "x"]);
        assert!(then(&r, "2.0.0").is_empty());
        // A link that is what haul would call the file (`k-64` as `k`) but not the tool's name
        // was `--bin k-64=k`: asked for exactly so, since `k` could be another program.
        let mut r = record("k-64", "github:o/k", &[("k", "d/k-64")]);
        assert_eq!(then(&r, "1.0.0"), ["k-64=k"]);
        // Read back, not typed: a catalog entry that links the same is followed instead.
        assert!(r.history[0].requirement.as_ref().unwrap().guessed);
        // Made active again, that version asks for what it asked for then.
        r.reactivate("1.0.0", &[PathBuf::from("/b")], 3);
        assert_eq!(asked(&r), ["k-64=k"]);
        // A tool named after its executable, not its repository (`--bin kubens`), asked for it.
        let r = record("kubens", "github:o/kubectx", &[]);
        assert_eq!(asked(&r), ["kubens"]);
        // Written again, it is read as it is.
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(parse(&text, Path::new("/")).unwrap(), r);
        // Its only executable not named like the tool (`rg` of `ripgrep`): nothing was typed.
        let r = record("ripgrep", "github:o/ripgrep", &[("rg", "d/rg")]);
        assert!(then(&r, "1.0.0").is_empty());
        // What a record asks for is checked as `--bin` checks it.
        let bad = text.replacen(r#""bin":["kubens"]"#, r#""bin":["../x"]"#, 1);
        assert_ne!(bad, text);
        assert!(matches!(
            parse(&bad, Path::new("/")),
            Err(ParseError::Damaged(_))
        ));
    }

    #[test]
    fn damaged_and_newer_records_say_so() {
        assert!(matches!(
            parse("{", Path::new("/")),
            Err(ParseError::Damaged(_))
        ));
        assert!(matches!(
            parse("{}", Path::new("/")),
            Err(ParseError::Damaged(_))
        ));
        assert_eq!(
            parse(r#"{"format":9}"#, Path::new("/")),
            Err(ParseError::Newer(9))
        );
        // Names that would become paths outside the store make a record damaged.
        let mut good = Record::new(
            "fd",
            identity("github:sharkdp/fd", "fd"),
            Requirement::default(),
        );
        good.add_version(
            "10.2.0",
            Installed {
                version: "10.2.0".to_owned(),
                tag: "v10.2.0".to_owned(),
                platform: "linux-x86_64".to_owned(),
                artifacts: Vec::new(),
                bins: vec![Bin {
                    link: "fd".to_owned(),
                    path: "fd-v10.2.0/fd".to_owned(),
                    size: None,
                    modified: None,
                }],
                installed_at: 1,
            },
        );
        good.activate("10.2.0", &[PathBuf::from("/b")], 1);
        let text = serde_json::to_string(&good).unwrap();
        assert_eq!(parse(&text, Path::new("/")).as_ref(), Ok(&good));
        // A path written with `\` (by hand, on Windows) is read part by part as well.
        let backslashed = text.replace("fd-v10.2.0/fd", r"fd-v10.2.0\\fd");
        assert!(parse(&backslashed, Path::new("/")).is_ok());
        let link = serde_json::to_string(&good.links[0].path).unwrap();
        for (from, to, says) in [
            ("\"10.2.0\":{", "\"..\":{", "its version directory `..`"),
            (
                "fd-v10.2.0/fd",
                "../../../x",
                "its executable path `../../../x`",
            ),
            (
                "\"link\":\"fd\"",
                "\"link\":\"a/b\"",
                "its executable `a/b`",
            ),
            (link.as_str(), "\"b\"", "its link `b` is not a full path"),
        ] {
            assert!(text.contains(from), "{text}");
            let Err(ParseError::Damaged(why)) = parse(&text.replace(from, to), Path::new("/"))
            else {
                panic!("{to} was read");
            };
            assert!(why.starts_with(says), "{why}");
        }

        // A newer record that this haul's format could read is still a newer record.
        let mut newer = Record::new(
            "fd",
            identity("github:sharkdp/fd", "fd"),
            Requirement::default(),
        );
        newer.format = FORMAT + 1;
        let text = serde_json::to_string(&newer).unwrap();
        assert_eq!(
            parse(&text, Path::new("/")),
            Err(ParseError::Newer(FORMAT + 1))
        );
    }
}
