//! The decisions of an install, apart from the downloading: which record is this tool's, whether
//! anything needs doing, and the change to the store that installs (or relinks) a version.
//!
//! No network; the store is only read here, except through the [`Change`] returned.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Linking, Options};
use crate::error::UserError;
use crate::names;
use crate::request::tool::Tool;
use crate::resolve::Part;
use crate::resolve::release::Release;
use crate::store::record::{Identity, Installed, Link, Record, Requirement};
use crate::store::{self, Change, Current, Now, Records, Staging, Store, link};
use crate::verify::{ApiDigest, Candidate, Digest};

/// What an install did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A version was stored, and made active unless only storing was asked for.
    Installed {
        record: Record,
        key: String,
        /// The version that was active before, when it was another.
        was: Option<String>,
        /// The source of the tool this one replaced under its name (`--force`).
        replaced: Option<String>,
        activated: bool,
        /// Links taken over from other tools (`--force`), as (owner, link's file name).
        took: Vec<(String, String)>,
    },
    /// The version was stored already; its links were made again (or in another bin dir).
    Relinked {
        record: Record,
        key: String,
        was: Option<String>,
        /// Links taken over from other tools (`--force`), as (owner, link's file name).
        took: Vec<(String, String)>,
    },
    /// Everything was as asked.
    Unchanged { record: Record, key: String },
}

impl Outcome {
    /// The links taken over from other tools, as ``took `widget` from widget``; empty when none.
    pub fn took(&self) -> Vec<String> {
        match self {
            Outcome::Installed { took, .. } | Outcome::Relinked { took, .. } => took
                .iter()
                .map(|(owner, link)| format!("took `{link}` from {owner}"))
                .collect(),
            Outcome::Unchanged { .. } => Vec::new(),
        }
    }

    pub fn record(&self) -> &Record {
        match self {
            Outcome::Installed { record, .. }
            | Outcome::Relinked { record, .. }
            | Outcome::Unchanged { record, .. } => record,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Outcome::Installed { key, .. }
            | Outcome::Relinked { key, .. }
            | Outcome::Unchanged { key, .. } => key,
        }
    }

    /// The installed version this outcome is about.
    pub fn installed(&self) -> Option<&Installed> {
        self.record().versions.get(self.key())
    }
}

/// This tool's record among `records`: the one of the same identity, whatever its name. A
/// name taken by another source, or a damaged record under the name, is refused unless
/// `force`.
pub fn existing<'a>(records: &'a Records, tool: &Tool, force: bool) -> Result<Option<&'a Record>> {
    let identity = tool.identity();
    if let Some(record) = records
        .ok
        .iter()
        .find(|r| r.identity.same_tool(&identity, &r.name, &tool.name))
    {
        return Ok(Some(record));
    }
    if force {
        return Ok(None);
    }
    if let Some(other) = records.ok.iter().find(|r| r.name == tool.name) {
        return Err(name_taken(other, &identity).into());
    }
    if let Some(damaged) = records.damaged.iter().find(|d| d.name == tool.name) {
        return Err(damaged.error.clone().into());
    }
    Ok(None)
}

/// `installed` has the name the tool `ours` would take.
fn name_taken(installed: &Record, ours: &Identity) -> UserError {
    let (name, theirs) = (&installed.name, &installed.identity.source);
    let product = |identity: &Identity| {
        identity
            .product
            .as_ref()
            .map_or_else(|| name.clone(), |p| p.bin.clone())
    };
    // Of one source, they are told apart by what each is of it.
    let why = if theirs.eq_ignore_ascii_case(&ours.source) {
        format!(
            "it is the tool of `{theirs}` for `{}`; this is the one for `{}`",
            product(&installed.identity),
            product(ours)
        )
    } else {
        format!("`{}` is another tool of the same name", ours.source)
    };
    UserError::new(format!("`{name}` is already installed from `{theirs}`"))
        .caused_by(why)
        .hint(format!(
            "pass `--force` to replace it, or `haul uninstall {name}` first"
        ))
}

/// The directory a release's version gets under `tools/NAME/`: its version; when another tag
/// of the same version is stored there, its tag (`v1.2.3` beside `1.2.3`); and when that is
/// taken too, both (`1.2.3+1.2.3`). One release never replaces another's files.
pub fn version_key(existing: Option<&Record>, release: &Release) -> String {
    let version = names::dir_name(&release.version_label());
    let tag = names::dir_name(&release.tag);
    let stored = |key: &String| existing.and_then(|r| r.versions.get(key));
    // Stored before labels kept build metadata (`1.31.0` for `v1.31.0+k3s1`): the same release.
    if let Some(bare) = release
        .version
        .as_ref()
        .map(|v| names::dir_name(&v.to_string()))
        && stored(&bare).is_some_and(|s| s.tag == release.tag)
    {
        return bare;
    }
    [version.clone(), tag.clone(), format!("{version}+{tag}")]
        .into_iter()
        .find(|key| stored(key).is_none_or(|s| s.tag == release.tag))
        .unwrap_or(version)
}

/// Where a locked version goes: under a key of its own (`1.0.0+2fa7b6c0`, from the lock's
/// hashes), unless the stored version of its tag (`key`) holds exactly the bytes the lock pins.
/// Only the lock vouches for its bytes, so they never take the plain key, which an install from
/// the release takes as its own: one project's lock never changes the files the user, or
/// another project, runs, nor does the user's install change a project's.
pub fn locked_key(existing: Option<&Record>, key: String, parts: &[Part]) -> String {
    let pinned: Vec<(&str, Digest)> = parts
        .iter()
        .filter_map(|p| Some((p.asset.name.as_str(), known_hash(&p.plan)?)))
        .collect();
    let stored = existing.and_then(|r| r.versions.get(&key));
    if stored.is_some_and(|stored| {
        pinned
            .iter()
            .all(|(asset, digest)| stored.holds(asset, digest))
    }) {
        return key;
    }
    let mut hashes: Vec<&str> = pinned.iter().map(|(_, d)| d.hex()).collect();
    hashes.sort_unstable();
    let mark: String = hashes.concat().chars().take(8).collect();
    names::dir_name(&format!("{key}+{mark}"))
}

/// A lock that pins, for a release whose version the user has stored from the release itself
/// (`record`'s `key`, verified), files that version does not hold: other bytes under a file's
/// name, or another file. Only the lock vouches for those.
pub struct Contradiction {
    /// The locked file the stored version does not hold.
    pub asset: String,
    /// Whether the stored version has a file of that name (with other bytes).
    pub same_name: bool,
    /// The stored version's files.
    pub installed: Vec<String>,
    /// What vouched for them.
    pub by: String,
}

/// The [`Contradiction`] between `parts`, as a lock pins them, and `record`'s version `key`
/// stored from the release; none when that version holds every locked file as pinned, or is
/// not stored, or was not verified (then nothing says what the release's bytes are).
pub fn lock_contradicts(record: &Record, key: &str, parts: &[Part]) -> Option<Contradiction> {
    let stored = record.versions.get(key)?;
    let by = stored.verified_by().filter(|_| !stored.only_locked())?;
    let held = |part: &Part| {
        known_hash(&part.plan).is_some_and(|digest| stored.holds(&part.asset.name, &digest))
    };
    let part = parts.iter().find(|part| !held(part))?;
    Some(Contradiction {
        asset: part.asset.name.clone(),
        same_name: stored.artifacts.iter().any(|a| a.asset == part.asset.name),
        installed: stored.artifacts.iter().map(|a| a.asset.clone()).collect(),
        by: by.to_owned(),
    })
}

/// Whether the executables `tool` asks for are other than those of the version stored under
/// `key` of the tool `name`: by name, or (for executables nobody named) as the chooser takes
/// them from the same files again (the release's only program under another name: `rg=r` of a
/// catalog entry, where the release has only `rgx`).
pub fn other_executables(
    store: &Store,
    name: &str,
    key: &str,
    stored: &Installed,
    tool: &Tool,
    opts: &Options,
) -> bool {
    if !tool.bins_named() {
        return false;
    }
    let exe = opts.platform.exe_suffix();
    if stored.has_executables(&tool.bins, exe) {
        return false;
    }
    if !tool.takes_only_program() || stored.artifacts.len() != 1 {
        return true;
    }
    let dir = store.version_dir(name, key);
    if stored.bins.iter().all(|b| dir.join(&b.path).is_file()) {
        !chooses_again(&dir, stored, tool, opts)
    } else {
        // Its files are not all there (they are installed again, under this key): the record
        // says what was taken, the one program under the link the chooser gives it.
        !stored.only_program_for(&tool.bins, exe)
    }
}

/// Whether the chooser takes from the files stored at `dir` what `stored` has, for what `tool`
/// asks (one file's version: several are unpacked apart).
fn chooses_again(dir: &Path, stored: &Installed, tool: &Tool, opts: &Options) -> bool {
    let exe = opts.platform.exe_suffix();
    let Ok(found) = crate::unpack::executables::scan(dir) else {
        return false;
    };
    let Ok(chosen) = crate::unpack::executables::choose_bins(&found, &tool.bins, opts.platform)
    else {
        return false;
    };
    let again: Vec<(String, &str)> = chosen
        .iter()
        .map(|c| (format!("{}{exe}", c.name), c.path.as_str()))
        .collect();
    stored.links_are(again.iter().map(|(link, path)| (link.as_str(), *path)))
}

/// Where a version goes when the one stored under `key` has other executables (`--bin alpha`
/// beside a project's `bin = ["alpha", "beta"]`) and another user of the tool may link it (the
/// user's active version, or one the user may roll back to; a project's pinned links): the
/// copy of the same files stored before with the executables asked for, else a key of its own
/// (`1.0.0+3f2a9c1e`, from the executables asked for), so that neither changes what the other
/// runs. Otherwise `key`: the version is this install's to change.
pub fn own_key(
    store: &Store,
    existing: Option<&Record>,
    key: String,
    tool: &Tool,
    opts: &Options,
) -> String {
    let Some(record) = existing else {
        return key;
    };
    let Some(stored) = record.versions.get(&key) else {
        return key;
    };
    let other = |k: &str, v: &Installed| other_executables(store, &record.name, k, v, tool, opts);
    if !other(&key, stored) {
        return key;
    }
    if let Some((copy, _)) = record
        .versions
        .iter()
        .find(|(k, v)| **k != key && v.same_files(stored) && !other(k, v))
    {
        return copy.clone();
    }
    let the_users = record.active.as_deref() == Some(key.as_str())
        || record.history.iter().any(|a| a.version == key);
    let mut pinned = record
        .links
        .iter()
        .filter(|l| l.version.as_deref() == Some(key.as_str()));
    let others_link_it = match &opts.linking {
        Linking::Activate => pinned.next().is_some(),
        Linking::Pin(_) => the_users || pinned.any(|l| !l.is_in(&opts.bin_dir)),
        Linking::Store => the_users || pinned.next().is_some(),
    };
    if !others_link_it {
        return key;
    }
    let mut asked: Vec<String> = tool.bins.iter().map(ToString::to_string).collect();
    asked.sort_unstable();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(asked.join("\n").as_bytes());
    let mark: String = hex::encode(digest).chars().take(8).collect();
    names::dir_name(&format!("{key}+{mark}"))
}

/// The digests the plan names before anything is fetched (a lock's SHA-256 and SHA-512, or
/// the API's), in its order.
fn known_digests(plan: &[Candidate]) -> impl Iterator<Item = &Digest> {
    plan.iter().filter_map(|c| match c {
        Candidate::Digest(ApiDigest::Valid(digest)) => Some(digest),
        Candidate::Digest(ApiDigest::Malformed(_)) | Candidate::File { .. } => None,
    })
}

/// Every digest known before anything is fetched (a lock's SHA-256 and SHA-512).
pub fn known_hashes(plan: &[Candidate]) -> Vec<Digest> {
    known_digests(plan).cloned().collect()
}

/// The first digest the plan names before anything is fetched (a lock's, or the API's).
pub fn known_hash(plan: &[Candidate]) -> Option<Digest> {
    known_digests(plan).next().cloned()
}

/// What an install does with a version stored whole, without downloading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Nothing: it is linked and active as asked.
    Unchanged,
    /// It is made active, or its links are made again.
    Relink,
    /// It is linked and active: only the requirement the record keeps changes (`upgrade
    /// --latest` of a pinned tool at its newest release).
    Requirement,
}

/// What to do without downloading, when the version is stored whole. `None` when it must be
/// downloaded.
pub fn without_download(
    store: &Store,
    record: &Record,
    tool: &Tool,
    release: &Release,
    parts: &[Part],
    key: &str,
    opts: &Options,
) -> Option<Reuse> {
    let stored = record.versions.get(key)?;
    let mut wanted_assets: Vec<&str> = parts.iter().map(|p| p.asset.name.as_str()).collect();
    let mut stored_assets: Vec<&str> = stored.artifacts.iter().map(|a| a.asset.as_str()).collect();
    wanted_assets.sort_unstable();
    stored_assets.sort_unstable();
    let same = stored.tag == release.tag
        && stored.platform == opts.platform.to_string()
        && wanted_assets == stored_assets;
    // A digest known before anything is fetched (the lock's, or the API's) must name the bytes
    // stored: a version stored unverified, published again upstream, or stored from another
    // file of the same name is downloaded again, and verified.
    let vouched = parts.iter().all(|part| {
        known_hash(&part.plan).is_none_or(|digest| stored.holds(&part.asset.name, &digest))
    });
    // Bytes only a project's lock vouched for are not the release's to reuse: an install from
    // the release downloads and verifies its own. (A file stored unverified is checked by the
    // caller: see `install::verify_again`.)
    if !same || !vouched || (!opts.locked && stored.only_locked()) {
        return None;
    }
    // The executables asked for, by name, are the ones stored: none missing, none more (a
    // version stored with `--bin a --bin b` is installed again for `--bin a`, so that the
    // record says what its links are).
    if other_executables(store, &record.name, key, stored, tool, opts) {
        return None;
    }
    let dir = store.version_dir(&record.name, key);
    // A lock pins bytes: a locked install (sync, exec) puts back an executable changed since
    // (the user's own install keeps a change they may have made on purpose, and is told of
    // it). One that may not run (it lost its `x` mode) is installed again either way.
    let whole = |b: &crate::store::Bin| match store::executable_at(&dir.join(&b.path), b) {
        store::ExeState::Runnable => true,
        store::ExeState::Changed(_) => !opts.locked,
        store::ExeState::NotExecutable | store::ExeState::Missing => false,
    };
    if !stored.bins.iter().all(whole) {
        return None;
    }
    if opts.linking.project().is_some() {
        // Whole when every executable is linked in the project's bin-dir, pinned to it.
        let pinned = stored.bins.iter().all(|b| {
            record.links.iter().any(|l| {
                l.version.as_deref() == Some(key)
                    && l.is_at(&opts.bin_dir.join(&b.link))
                    && link::points_to(&l.path, &dir.join(&b.path))
            })
        });
        return Some(if pinned {
            Reuse::Unchanged
        } else {
            Reuse::Relink
        });
    }
    if opts.linking == Linking::Store {
        return Some(Reuse::Unchanged);
    }
    let linked_here = stored.bins.iter().all(|b| {
        record
            .links
            .iter()
            .any(|l| l.bin == b.link && l.is_at(&opts.bin_dir.join(&b.link)))
    });
    // The links this install makes: the ones that follow the active version (a project's own
    // bin-dir is its sync's).
    let links_whole = record
        .links
        .iter()
        .filter(|l| l.version.is_none())
        .all(|l| {
            store
                .link_target(record, l)
                .is_some_and(|target| link::points_to(&l.path, &target))
        });
    if record.active.as_deref() != Some(key) || !linked_here || !links_whole {
        return Some(Reuse::Relink);
    }
    Some(if record.requirement == tool.requirement() {
        Reuse::Unchanged
    } else {
        Reuse::Requirement
    })
}

/// What the install wants the store to hold.
pub struct Wanted {
    pub identity: Identity,
    pub requirement: Requirement,
    pub key: String,
    /// The version to store; `None` when it is stored already.
    pub installed: Option<Installed>,
    pub bin_dir: PathBuf,
    pub force: bool,
    /// Whether `--force` was given, or how the messages say to do without it.
    pub claims: store::Force,
    pub linking: Linking,
    /// An upgrade of an installed tool: one uninstalled while it was being upgraded is not
    /// installed again.
    pub upgrade: bool,
}

impl Wanted {
    /// What installing `tool` as `key` with `opts` wants (`installed`: the version to store).
    pub fn new(tool: &Tool, key: &str, installed: Option<Installed>, opts: &Options) -> Wanted {
        Wanted {
            identity: tool.identity(),
            requirement: tool.requirement(),
            key: key.to_owned(),
            installed,
            bin_dir: opts.bin_dir.clone(),
            force: opts.force,
            claims: opts.force(),
            linking: opts.linking.clone(),
            upgrade: opts.upgrade,
        }
    }
}

/// Put the version `wanted` installs into `record`, unless it is stored already: whether the
/// staged files are to be moved into the store.
fn store_version(now: &Now<'_>, record: &mut Record, wanted: &Wanted) -> Result<bool> {
    match &wanted.installed {
        // Another haul stored the same files meanwhile (two shells running `exec` of one new
        // version): they stay, and are what this one runs; replacing them would change the
        // files under the other's feet.
        Some(installed)
            if !wanted.force && same_files_whole(now, record, &wanted.key, installed) =>
        {
            // What vouched for them this time is kept with them (a copy stored unverified,
            // verified now, says so).
            if let Some(stored) = record.versions.get_mut(&wanted.key) {
                for artifact in &mut stored.artifacts {
                    let now = installed
                        .artifacts
                        .iter()
                        .find(|a| a.asset == artifact.asset);
                    if let Some(now) = now
                        && artifact.verified_by.is_none()
                    {
                        artifact.verified_by.clone_from(&now.verified_by);
                        artifact.sha512 = artifact.sha512.take().or_else(|| now.sha512.clone());
                    }
                }
            }
            Ok(false)
        }
        Some(installed) => {
            record.add_version(&wanted.key, installed.clone());
            Ok(true)
        }
        None if record.versions.contains_key(&wanted.key) => Ok(true),
        None => Err(
            UserError::new(format!("`{}` {} is no longer stored", now.name, wanted.key))
                .hint("run the command again")
                .into(),
        ),
    }
}

/// Whether `record` already stores `key` as the same release's same files (by their SHA-256),
/// with every executable whole, and the same executables chosen from them (`--bin a` after
/// `--bin a --bin b` changes what the version is).
fn same_files_whole(now: &Now<'_>, record: &Record, key: &str, installed: &Installed) -> bool {
    let Some(stored) = record.versions.get(key) else {
        return false;
    };
    let dir = now.store.version_dir(&record.name, key);
    stored.same_files(installed)
        && stored.same_executables(installed)
        && stored.only_locked() == installed.only_locked()
        && stored
            .bins
            .iter()
            .all(|b| store::executable_at(&dir.join(&b.path), b) == store::ExeState::Runnable)
}

/// The record a change starts from, and what it replaces of the store's.
struct Start {
    record: Record,
    /// Versions to remove (of a damaged record, or of another tool `--force` replaces).
    remove: Vec<String>,
    /// Links to remove (another tool's that `--force` replaces).
    unlink: Vec<Link>,
    /// The source of the tool `--force` replaces.
    replaced: Option<String>,
}

/// The record the change starts from: the tool's own, or a new one (replacing a damaged
/// record or, with `--force`, another tool of the same name).
fn start(now: &Now<'_>, wanted: &Wanted) -> Result<Start> {
    let mut remove = Vec::new();
    let mut unlink = Vec::new();
    let mut replaced = None;
    let record = match &now.current {
        Current::Damaged(damaged) if !wanted.force => return Err(damaged.error.clone().into()),
        Current::Damaged(_) => {
            // Whatever the damaged record left under `tools/NAME/` goes.
            remove.extend(now.store.entries_of(now.name));
            Record::new(
                now.name,
                wanted.identity.clone(),
                wanted.requirement.clone(),
            )
        }
        Current::Record(r) if r.identity.same_tool(&wanted.identity, &r.name, now.name) => {
            r.clone()
        }
        Current::Record(r) if wanted.force => {
            replaced = Some(r.identity.source.clone());
            remove.extend(r.versions.keys().cloned());
            unlink.extend(r.links.iter().cloned());
            Record::new(
                now.name,
                wanted.identity.clone(),
                wanted.requirement.clone(),
            )
        }
        Current::Record(r) => {
            return Err(name_taken(r, &wanted.identity).into());
        }
        Current::None if wanted.upgrade => {
            return Err(UserError::new(format!(
                "`{}` was uninstalled while it was being upgraded; nothing was installed",
                now.name
            ))
            .hint("install it again if it is still wanted")
            .into());
        }
        // A tool only stored (`exec TOOL@VERSION`, `sync` into a project's bin-dir) asked
        // nothing of the user's own version: its requirement is the default until an install
        // makes one active.
        Current::None if wanted.linking != Linking::Activate => {
            Record::new(now.name, wanted.identity.clone(), Requirement::default())
        }
        Current::None => Record::new(
            now.name,
            wanted.identity.clone(),
            wanted.requirement.clone(),
        ),
    };
    Ok(Start {
        record,
        remove,
        unlink,
        replaced,
    })
}

/// The change that stores (and activates) the version, from the store as it is now.
pub fn commit(
    now: &Now<'_>,
    wanted: &Wanted,
    mut staging: Option<Staging>,
) -> Result<(Change, Outcome)> {
    let Start {
        mut record,
        mut remove,
        mut unlink,
        replaced,
    } = start(now, wanted)?;
    // A record converted from haul 0.1 learns its product now.
    if record.identity.product.is_none() {
        record.identity = wanted.identity.clone();
    }
    let kept_stored = !store_version(now, &mut record, wanted)?;
    if kept_stored {
        staging = None;
    }
    // The staged version is the one being installed: never remove it.
    remove.retain(|k| *k != wanted.key);

    let previous = record.active().map(|a| a.version.clone());
    let new_version = record.versions.get(&wanted.key).map(|v| v.version.clone());
    if wanted.linking.project().is_some() {
        unlink.extend(record.pin(&wanted.key, &wanted.bin_dir));
    } else if wanted.linking == Linking::Activate {
        record.requirement = wanted.requirement.clone();
        let mut dirs = record.bin_dirs();
        if !dirs.contains(&wanted.bin_dir) {
            dirs.push(wanted.bin_dir.clone());
        }
        unlink.extend(record.activate(&wanted.key, &dirs, store::now()));
    }

    let pinning = wanted.linking.project().map(|_| wanted.bin_dir.clone());
    let takeovers = now.claim_links_pinning(&record, wanted.claims, pinning.as_deref())?;

    // Only an activation moves the active version.
    let was =
        previous.filter(|p| wanted.linking == Linking::Activate && Some(p) != new_version.as_ref());
    let took = links_taken(&takeovers);
    // Files already stored (by another haul meanwhile) were not installed by this one.
    let outcome = if wanted.installed.is_some() && !kept_stored {
        Outcome::Installed {
            record: record.clone(),
            key: wanted.key.clone(),
            was,
            replaced,
            activated: wanted.linking != Linking::Store,
            took,
        }
    } else {
        Outcome::Relinked {
            record: record.clone(),
            key: wanted.key.clone(),
            was,
            took,
        }
    };
    let change = Change {
        record: Some(record),
        stage: staging.map(|s| (s, wanted.key.clone())),
        remove,
        unlink,
        leave: false,
        pinning,
        bin_dir: (wanted.linking == Linking::Activate).then(|| wanted.bin_dir.clone()),
        project: wanted.linking.project().map(Path::to_path_buf),
        release: takeovers,
    };
    Ok((change, outcome))
}

/// The links a change takes over, as (owner, the link's file name).
fn links_taken(takeovers: &[(String, PathBuf)]) -> Vec<(String, String)> {
    takeovers
        .iter()
        .map(|(owner, path)| {
            let file = path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            (owner.clone(), file)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Version;

    fn release(tag: &str) -> Release {
        Release {
            tag: tag.to_owned(),
            version: Version::from_tag(tag),
            prerelease: false,
            assets: Vec::new(),
        }
    }

    /// Each release gets a directory of its own; one stored already keeps its own.
    #[test]
    fn version_keys_never_share_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut record) = crate::testing::store_with_record(dir.path(), &["1.2.3"], "1.2.3");
        assert_eq!(version_key(Some(&record), &release("v1.2.3")), "1.2.3");
        // Another tag of 1.2.3: its tag, then both.
        assert_eq!(version_key(Some(&record), &release("1.2.3")), "1.2.3+1.2.3");
        assert_eq!(
            version_key(Some(&record), &release("cli-1.2.3")),
            "cli-1.2.3"
        );
        assert_eq!(version_key(None, &release("v1.31.0+k3s1")), "1.31.0+k3s1");
        // Stored under the version alone before labels kept the build: found there again.
        let mut old = record.versions["1.2.3"].clone();
        old.tag = "v1.31.0+k3s1".to_owned();
        record.versions.insert("1.31.0".to_owned(), old);
        assert_eq!(
            version_key(Some(&record), &release("v1.31.0+k3s1")),
            "1.31.0"
        );
        assert_eq!(
            version_key(Some(&record), &release("v1.31.0+k3s2")),
            "1.31.0+k3s2"
        );
    }
}
