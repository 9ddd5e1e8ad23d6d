//! Changes to the store as a small journal: what a change will do is written to
//! `journal/NAME.json` before anything moves, then done in an order where every step can be
//! done again (move the verified version into place, write the record, make the links, remove
//! what is no longer wanted), then the journal goes.
//!
//! A crash leaves the journal, and the next run does the change again from the start: each
//! step that was already done is a no-op. A change that cannot be completed (its verified
//! directory is gone) is rolled back to the record it started from. A step that fails in the
//! running process (a read-only bin dir) undoes the change before the error is returned.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::record::{Link, Record};
use super::{Staging, Store, link, write_atomic};
use crate::error::UserError;
use crate::names;

/// What one change does to one tool.
#[derive(Debug, Default)]
pub struct Change {
    /// The record afterwards; `None` removes the tool.
    pub record: Option<Record>,
    /// A verified staging directory to move into place as the version with this key.
    pub stage: Option<(Staging, String)>,
    /// Stored versions whose directories go.
    pub remove: Vec<String>,
    /// Links that no longer belong; removed when they are haul's.
    pub unlink: Vec<Link>,
    /// Leave the tool as it is: the plan found nothing to do (the rest is ignored).
    pub leave: bool,
    /// The project bin-dir whose pinned links this change makes (`haul sync`), also those the
    /// record had already; it makes no other link. Other changes leave pinned links as they
    /// are.
    pub pinning: Option<PathBuf>,
    /// The bin dir this change links into (an install's), made when it is missing. A link
    /// elsewhere whose directory is gone (a deleted project, a bin dir removed) is not made
    /// again, nor its directory.
    pub bin_dir: Option<PathBuf>,
    /// The project whose bin-dir `pinning` is: that directory is made only while the project
    /// is there and the bin-dir stays inside it (a change completed after a crash may find it
    /// gone, or relinked).
    pub project: Option<PathBuf>,
    /// Links this change takes over from other tools (`--force`), as (owner, path): the
    /// owners' records let go of them in the same change, so that no crash leaves both
    /// records listing one link, and an undo gives them back.
    pub release: Vec<(String, PathBuf)>,
}

impl Change {
    /// The change that changes nothing.
    pub fn leave() -> Change {
        Change {
            leave: true,
            ..Change::default()
        }
    }
}

/// A change as the journal keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    name: String,
    record: Option<Record>,
    /// The record before the change, to roll back to.
    previous: Option<Record>,
    /// The unpacked directory to move into place, and its key.
    stage: Option<(PathBuf, String)>,
    remove: Vec<String>,
    unlink: Vec<Link>,
    #[serde(default)]
    pinning: Option<PathBuf>,
    #[serde(default)]
    bin_dir: Option<PathBuf>,
    #[serde(default)]
    project: Option<PathBuf>,
    /// Other tools' records that let go of links this change takes over.
    #[serde(default)]
    released: Vec<Released>,
    /// The links of `previous`, and of the tools it takes links from, that were missing when
    /// the change began (a link the user deleted): undoing the change leaves them missing, as
    /// they were.
    #[serde(default)]
    missing: Vec<PathBuf>,
    /// Links of `record` this change does not make: an undo's, those that were missing before
    /// the change it undoes.
    #[serde(skip)]
    unmade: Vec<PathBuf>,
    /// A change over a damaged record (or one a newer haul wrote), which haul cannot read: what
    /// it held is kept until the change is done, so that an undo gives it back.
    #[serde(default)]
    damaged: Damaged,
}

/// What a change does with a damaged record it replaces or removes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
enum Damaged {
    /// There is none.
    #[default]
    None,
    /// The change replaces or removes it: its file waits in the journal directory (see
    /// [`damaged_path`]) until the change is done, beside what it had when the change began.
    Replaced(Held),
    /// The undo of such a change: the record's file comes back, and so do its versions and
    /// links (the undo removes only what the change added).
    Restore(Held),
}

/// What a damaged record had when a change began: its version directories under
/// `tools/NAME/`, and the links into them in the bin dirs the change touches, each with the
/// file it leads to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Held {
    versions: Vec<String>,
    links: Vec<(PathBuf, PathBuf)>,
}

impl Held {
    /// What the damaged record of `name` has now, of the links at `paths`.
    fn of(store: &Store, name: &str, paths: impl Iterator<Item = PathBuf>) -> Held {
        let dir = store.tool_dir(name);
        let versions = store
            .entries_of(name)
            .into_iter()
            .filter(|key| names::problem(key).is_none())
            .collect();
        let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
        for path in paths {
            if let Some(target) = link::target_in(&path, &dir)
                && !links.iter().any(|(p, _)| *p == path)
            {
                links.push((path, target));
            }
        }
        Held { versions, links }
    }

    fn is_sound(&self, store: &Store, name: &str) -> bool {
        let dir = store.tool_dir(name);
        self.versions
            .iter()
            .all(|key| names::problem(key).is_none())
            && self.links.iter().all(|(path, target)| {
                super::record::plain_full_path(path)
                    && target.starts_with(&dir)
                    && !target.components().any(|c| c == Component::ParentDir)
            })
    }
}

/// Where a change keeps the damaged record it replaces until it is done.
fn damaged_path(store: &Store, name: &str) -> PathBuf {
    store.journal_dir().join(format!("{name}.damaged"))
}

/// Another tool's record before and after a change took some of its links over.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Released {
    record: Record,
    previous: Record,
    /// The links taken over (those `previous` lists and `record` does not).
    paths: Vec<PathBuf>,
}

impl Released {
    /// Whether it is one haul could have written beside the change to `name`.
    fn is_sound(&self, name: &str) -> bool {
        let owner = &self.record.name;
        *owner != *name
            && self.previous.name == *owner
            && names::problem(owner).is_none()
            && super::record::check(&self.record).is_ok()
            && super::record::check(&self.previous).is_ok()
            && self.paths.iter().all(|p| super::record::plain_full_path(p))
    }

    /// The same release undone.
    fn reverse(&self) -> Released {
        Released {
            record: self.previous.clone(),
            previous: self.record.clone(),
            paths: self.paths.clone(),
        }
    }
}

/// What `release` (links taken over, (owner, path)) does to the owners' records among
/// `records`: each owner's record without those links. An owner whose record is gone or
/// damaged has no link to let go of.
fn releases(release: &[(String, PathBuf)], records: &[Record]) -> Vec<Released> {
    let mut released: Vec<Released> = Vec::new();
    for (owner, path) in release {
        let Some(previous) = records.iter().find(|r| r.name == *owner) else {
            continue;
        };
        match released.iter_mut().find(|r| r.record.name == *owner) {
            Some(known) => known.paths.push(path.clone()),
            None => released.push(Released {
                record: previous.clone(),
                previous: previous.clone(),
                paths: vec![path.clone()],
            }),
        }
    }
    for r in &mut released {
        let paths = &r.paths;
        r.record.links.retain(|l| !paths.iter().any(|p| l.is_at(p)));
    }
    released
}

impl Entry {
    /// Whether every name and path of the entry is one haul could have written: the file's
    /// own name, records that pass the record check, version directories, links by full path,
    /// and a staging directory inside the store.
    fn is_sound(&self, store: &Store, path: &Path) -> bool {
        let named = path.file_stem().is_some_and(|stem| *stem == *self.name);
        let records = [&self.record, &self.previous]
            .into_iter()
            .flatten()
            .all(|r| r.name == self.name && super::record::check(r).is_ok());
        let keys = self
            .remove
            .iter()
            .chain(self.stage.as_ref().map(|(_, key)| key))
            .all(|key| names::problem(key).is_none());
        let links = self
            .unlink
            .iter()
            .all(|l| super::record::link_problem(l).is_none());
        // Exactly the shape haul stages in, `staging/ID/unpacked`: `staging/../../DIR` starts
        // with the staging directory too.
        let stage = self.stage.as_ref().is_none_or(|(dir, _)| {
            dir.strip_prefix(store.staging_root()).is_ok_and(|rest| {
                let parts: Vec<_> = rest.components().collect();
                matches!(
                    parts.as_slice(),
                    [Component::Normal(_), Component::Normal(last)] if *last == "unpacked"
                )
            })
        });
        let released = self.released.iter().all(|r| r.is_sound(&self.name));
        let damaged = match &self.damaged {
            Damaged::None => true,
            Damaged::Replaced(held) | Damaged::Restore(held) => held.is_sound(store, &self.name),
        };
        named
            && damaged
            && names::problem(&self.name).is_none()
            && records
            && keys
            && links
            && stage
            && released
    }
}

/// Why a change cannot be completed.
#[derive(Debug, thiserror::Error)]
#[error("the verified files of `{name}` {key} are gone")]
struct Incomplete {
    name: String,
    key: String,
}

pub(super) fn journal_path(store: &Store, name: &str) -> PathBuf {
    store.journal_dir().join(format!("{name}.json"))
}

/// The journal of a change that failed and is being undone: the same entry, kept under
/// another extension, which recovery rolls back instead of completing.
const UNDO: &str = "undo";

fn undo_path(store: &Store, name: &str) -> PathBuf {
    store.journal_dir().join(format!("{name}.{UNDO}"))
}

/// Whether a failed change to `name` is waiting to be undone.
pub(super) fn undo_pending(store: &Store, name: &str) -> bool {
    undo_path(store, name).exists()
}

/// Whether the journal at `path` is one of a change being undone.
fn is_undo(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == UNDO)
}

/// Run `change` to `name` (with the store locked): journal, apply, and undo on failure.
/// `records` are every tool's records as the change was planned on. What the change removes
/// goes into `asides`, for the caller to drop once the journal is gone (still under the lock):
/// deleting a large version holds up no reader.
#[allow(
    clippy::too_many_arguments,
    reason = "one change and what it starts from"
)]
pub(super) fn run(
    store: &Store,
    name: &str,
    previous: Option<Record>,
    damaged: bool,
    change: Change,
    records: &[Record],
    asides: &mut Asides,
) -> Result<()> {
    let Change {
        record,
        stage,
        remove,
        unlink,
        leave: _,
        pinning,
        bin_dir,
        project,
        release,
    } = change;
    // The links of the tool, and of those it takes links from, that are missing now.
    let missing = previous
        .iter()
        .flat_map(|p| p.links.iter().map(|l| &l.path))
        .chain(release.iter().map(|(_, path)| path))
        .filter(|path| !link::present(path))
        .cloned()
        .collect();
    let damaged = if damaged {
        let paths = record
            .iter()
            .flat_map(|r| r.links.iter().map(|l| l.path.clone()))
            .chain(unlink.iter().map(|l| l.path.clone()));
        Damaged::Replaced(Held::of(store, name, paths))
    } else {
        Damaged::None
    };
    let entry = Entry {
        name: name.to_owned(),
        record,
        previous,
        stage: stage
            .as_ref()
            .map(|(staging, key)| (staging.unpacked(), key.clone())),
        remove,
        unlink,
        pinning,
        bin_dir,
        project,
        released: releases(&release, records),
        missing,
        unmade: Vec::new(),
        damaged,
    };
    let path = journal_path(store, name);
    write_atomic(&path, &serde_json::to_vec_pretty(&entry)?)?;
    crate::store::pause_point("journal-written");
    // The damaged record waits aside (one rename) until the change is done.
    if matches!(entry.damaged, Damaged::Replaced(_)) {
        let record = store.record_path(name);
        if record.exists() {
            fs_err::rename(&record, damaged_path(store, name))?;
        }
    }
    let result = apply(store, &entry, Replay::No, asides);
    if let Err(err) = result {
        // Undo in this process: back to the record the change started from. The journal says
        // so first (one rename, which a full disk allows): a crash, or an undo that fails too,
        // leaves the next run to finish the undo, never the change that was reported failed.
        let undo_path = undo_path(store, name);
        let marked = std::fs::rename(&path, &undo_path).is_ok();
        let left = if marked { &undo_path } else { &path };
        if let Err(undo) = apply(store, &reverse(&entry), Replay::No, asides) {
            let next = if marked { "undoes" } else { "completes" };
            return Err(err.context(format!(
                "the change could not be undone either ({undo:#}); the next haul command \
                 {next} it (`haul doctor` shows it as pending)"
            )));
        }
        let _ = std::fs::remove_file(left);
        return Err(err);
    }
    done_with_damaged(store, &entry);
    std::fs::remove_file(&path).with_context(|| format!("removing `{}`", path.display()))?;
    // The staging directory (now without its unpacked tree) goes with `stage`.
    drop(stage);
    Ok(())
}

/// The change that brings the store back from `entry`'s outcome to its starting point.
fn reverse(entry: &Entry) -> Entry {
    let previous_links = entry
        .previous
        .as_ref()
        .map(|p| p.links.clone())
        .unwrap_or_default();
    let new_links = entry
        .record
        .as_ref()
        .map(|r| r.links.clone())
        .unwrap_or_default();
    // A version this change added goes again; the copy of one it replaced moves back (when
    // the change got as far as moving it aside; otherwise it is still in place).
    let (replaced_version, added): (Vec<_>, Vec<_>) = entry
        .stage
        .iter()
        .map(|(staged, key)| (replaced(staged), key.clone()))
        .partition(|(_, key)| {
            entry
                .previous
                .as_ref()
                .is_some_and(|p| p.versions.contains_key(key))
                || matches!(&entry.damaged, Damaged::Replaced(held) if held.versions.contains(key))
        });
    let held = match &entry.damaged {
        Damaged::Replaced(held) => Some(held),
        _ => None,
    };
    Entry {
        name: entry.name.clone(),
        record: entry.previous.clone(),
        previous: entry.record.clone(),
        stage: replaced_version.into_iter().next(),
        remove: added.into_iter().map(|(_, key)| key).collect(),
        // The links the change made where the record had none, or where its link was missing
        // (the undo leaves that place empty, as it was).
        unlink: new_links
            .into_iter()
            .filter(|l| {
                !previous_links.iter().any(|p| p.is_at(&l.path))
                    || entry.missing.iter().any(|m| l.is_at(m))
            })
            // A damaged record's link the change replaced is put back instead.
            .filter(|l| held.is_none_or(|h| !h.links.iter().any(|(p, _)| l.is_at(p))))
            .collect(),
        pinning: entry.pinning.clone(),
        bin_dir: entry.bin_dir.clone(),
        project: entry.project.clone(),
        released: entry.released.iter().map(Released::reverse).collect(),
        missing: Vec::new(),
        unmade: entry.missing.clone(),
        damaged: held.map_or(Damaged::None, |h| Damaged::Restore(h.clone())),
    }
}

/// Once a change over a damaged record is done, the record it kept aside goes.
fn done_with_damaged(store: &Store, entry: &Entry) {
    if matches!(entry.damaged, Damaged::Replaced(_)) {
        let _ = std::fs::remove_file(damaged_path(store, &entry.name));
    }
}

/// The undo of a change over a damaged record: the record's file back (when the change had
/// moved it aside; else it never moved), and the links into its versions that the change
/// replaced or removed.
fn restore_damaged(store: &Store, entry: &Entry) -> Result<()> {
    let Damaged::Restore(held) = &entry.damaged else {
        return Ok(());
    };
    let aside = damaged_path(store, &entry.name);
    if aside.exists() {
        fs_err::rename(&aside, store.record_path(&entry.name))?;
    }
    for (path, target) in &held.links {
        if target.exists() && !link::points_to(path, target) {
            link::replace(target, path, &store.staging_root())?;
        }
    }
    Ok(())
}

/// Whether the project at `project` is there and `dir` (its bin-dir, not yet made) would be made
/// inside it: the nearest part of `dir` that is there resolves inside the project.
fn project_holds(project: Option<&Path>, dir: &Path) -> bool {
    let Some(project) = project else {
        return false;
    };
    let (Ok(root), Some(existing)) = (
        std::fs::canonicalize(project),
        dir.ancestors().find(|a| a.exists()),
    ) else {
        return false;
    };
    std::fs::canonicalize(existing).is_ok_and(|resolved| resolved.starts_with(&root))
}

/// Whether `dir`, as written, now resolves to another directory (a link or a junction on its
/// way).
fn leads_elsewhere(dir: &Path) -> bool {
    std::fs::canonicalize(dir).is_ok_and(|resolved| !same_place(&resolved, dir))
}

/// Whether `resolved` (from `canonicalize`) is `dir` written another way: without `.` parts,
/// and on Windows without the `\\?\` prefix, in either separator and in any case.
fn same_place(resolved: &Path, dir: &Path) -> bool {
    let plain: PathBuf = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if cfg!(windows) {
        let resolved = resolved.to_string_lossy();
        let resolved = match resolved.strip_prefix(r"\\?\UNC\") {
            Some(rest) => format!(r"\\{rest}"),
            None => resolved
                .strip_prefix(r"\\?\")
                .unwrap_or(&resolved)
                .to_owned(),
        };
        let plain = plain.to_string_lossy().replace('/', "\\");
        resolved
            .trim_end_matches('\\')
            .eq_ignore_ascii_case(plain.trim_end_matches('\\'))
    } else {
        resolved == plain
    }
}

/// Whether a change leaves `link` of its record alone (neither claims nor makes it): a change
/// that pins a project's links (`pinning`) touches no other; other changes leave a pinned link
/// the record had already.
pub(super) fn left_alone(previous: Option<&Record>, link: &Link, pinning: Option<&Path>) -> bool {
    match pinning {
        Some(dir) => !link.is_in(dir),
        None => link.version.is_some() && previous.is_some_and(|p| p.links.contains(link)),
    }
}

/// Whether a change is made by the process that planned it, or replayed from its journal by a
/// later one (a crash left it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Replay {
    No,
    Yes,
}

/// Do every step of `entry`; each is a no-op when already done. What it removes is moved aside
/// into `asides`, deleted when that is dropped: after the journal is gone, so that commands that
/// only read (they wait while a journal is there) do not wait for a large deletion. When a step
/// fails, what it moved aside is put back: nothing is deleted by a change that is not done.
fn apply(store: &Store, entry: &Entry, replay: Replay, asides: &mut Asides) -> Result<()> {
    let since = asides.0.len();
    let done = apply_steps(store, entry, replay, asides);
    if done.is_err() {
        asides.put_back(since);
    }
    done
}

/// The steps of [`apply`], in order.
fn apply_steps(store: &Store, entry: &Entry, replay: Replay, asides: &mut Asides) -> Result<()> {
    let name = entry.name.as_str();
    if let Some((staged, key)) = &entry.stage {
        move_version(store, name, staged, key)?;
    }
    write_records(store, entry)?;
    crate::store::pause_point("record-written");
    make_links(store, entry, replay)?;
    remove_links(store, entry)?;
    give_links_back(store, entry)?;
    restore_damaged(store, entry)?;
    for key in &entry.remove {
        let dir = store.version_dir(name, key);
        if dir.exists() {
            asides.move_aside(store, &dir)?;
        }
    }
    if entry.record.is_none() && !matches!(entry.damaged, Damaged::Restore(_)) {
        let dir = store.tool_dir(name);
        if dir.exists() {
            asides.move_aside(store, &dir)?;
        }
    }
    // The copy a version stored again replaced goes with what was moved aside: deleted once
    // the change is done, and told when it cannot be.
    if let Some((staged, key)) = &entry.stage
        && replaced(staged).exists()
    {
        asides
            .0
            .push((store.version_dir(name, key), replaced(staged)));
    }
    Ok(())
}

/// Move the verified directory `staged` into place as `name`'s version `key`.
fn move_version(store: &Store, name: &str, staged: &Path, key: &str) -> Result<()> {
    let dest = store.version_dir(name, key);
    if staged.exists() {
        // The same version again (`--force`): the old copy moves out of the way, beside the
        // new one, and is deleted only once the whole change is done. The version's files
        // are missing for two renames, not for a delete, and an undo puts the old copy back.
        fs_err::create_dir_all(store.tool_dir(name))?;
        if dest.exists() {
            let aside = replaced(staged);
            if aside.exists() {
                fs_err::remove_dir_all(&aside)?;
            }
            rename_tree(&dest, &aside).map_err(|err| {
                UserError::new(format!("cannot replace `{}`", dest.display()))
                    .caused_by(err.to_string())
            })?;
        }
        fs_err::rename(staged, &dest).map_err(|err| {
            let cross = err.kind() == std::io::ErrorKind::CrossesDevices;
            let error = UserError::new(format!("cannot move the new version to `{}`", dest.display()))
                .caused_by(err.to_string());
            if cross {
                error.hint("haul's `tools/` and `staging/` must be on one file system (a link that moves `tools/` to another disk must take `staging/` with it); `haul doctor` checks")
            } else {
                error
            }
        })?;
        crate::store::pause_point("version-moved");
    } else if !dest.exists() {
        return Err(Incomplete {
            name: name.to_owned(),
            key: key.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// Write (or remove) the tool's record, and the records of the tools it takes links from.
fn write_records(store: &Store, entry: &Entry) -> Result<()> {
    let record_path = store.record_path(&entry.name);
    match &entry.record {
        Some(record) => write_record(store, record)?,
        // Put back by `restore_damaged`, or never moved.
        None if matches!(entry.damaged, Damaged::Restore(_)) => {}
        None => match std::fs::remove_file(&record_path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(err).with_context(|| format!("removing `{}`", record_path.display()));
            }
            _ => {}
        },
    }
    for r in &entry.released {
        write_record(store, &r.record)?;
    }
    Ok(())
}

fn write_record(store: &Store, record: &Record) -> Result<()> {
    write_atomic(
        &store.record_path(&record.name),
        &serde_json::to_vec_pretty(record)?,
    )
}

/// Make the links of the record the change writes that it makes. A change replayed from its
/// journal replaces only what haul made: a file put at a link's path since the crash is the
/// user's, and is left for `haul doctor` to report (the planned change saw that path as it
/// was then, and `--force`, if given, was for that).
fn make_links(store: &Store, entry: &Entry, replay: Replay) -> Result<()> {
    let Some(record) = &entry.record else {
        return Ok(());
    };
    for l in &record.links {
        // A project's link is made by the change that pins it; other changes leave it as it
        // is (the project may be gone, or its bin-dir now a link elsewhere).
        if left_alone(entry.previous.as_ref(), l, entry.pinning.as_deref())
            || entry.unmade.iter().any(|p| l.is_at(p))
        {
            continue;
        }
        let Some(target) = store.link_target(record, l) else {
            continue;
        };
        if link::points_to(&l.path, &target) {
            continue;
        }
        if replay == Replay::Yes && !replaceable(store, entry, &l.path) {
            continue;
        }
        if let Some(dir) = l.path.parent()
            && !dir.is_dir()
        {
            // Only the directory the change links into, or one of a link it adds, is made: a
            // gone directory of a link the record had stays gone.
            let had = entry
                .previous
                .as_ref()
                .is_some_and(|p| p.links.iter().any(|old| old.is_at(&l.path)));
            let pinning = entry.pinning.as_deref() == Some(dir);
            let ours = pinning || entry.bin_dir.as_deref() == Some(dir);
            if (had && !ours) || (pinning && !project_holds(entry.project.as_deref(), dir)) {
                continue;
            }
            fs_err::create_dir_all(dir)?;
        }
        link::replace(&target, &l.path, &store.staging_root())?;
        crate::store::pause_point("link-made");
    }
    Ok(())
}

/// Whether `path`, where a link of `entry` goes, holds nothing, or a link haul made that the
/// change may replace: into the tool's own directory, or into that of a tool it takes the
/// link from.
fn replaceable(store: &Store, entry: &Entry, path: &Path) -> bool {
    !link::present(path)
        || link::points_into(path, &store.tool_dir(&entry.name))
        || entry.released.iter().any(|r| {
            r.paths.iter().any(|p| p == path)
                && link::points_into(path, &store.tool_dir(&r.record.name))
        })
}

/// Remove the links that no longer belong, where they are still the tool's.
fn remove_links(store: &Store, entry: &Entry) -> Result<()> {
    for l in &entry.unlink {
        let kept = record_links(entry.record.as_ref(), &l.path)
            && !entry.unmade.iter().any(|p| l.is_at(p));
        if kept || !link::present(&l.path) {
            continue;
        }
        // A project's bin-dir that now leads elsewhere (a pull made it a link to another
        // directory, the user's bin dir say) is not the directory the link was made in.
        if l.version.is_some() && l.path.parent().is_some_and(leads_elsewhere) {
            continue;
        }
        let previous_target = entry
            .previous
            .as_ref()
            .and_then(|p| store.link_target(p, l));
        let ours = link::points_into(&l.path, &store.tool_dir(&entry.name))
            || previous_target.is_some_and(|t| link::points_to(&l.path, &t));
        if ours {
            link::remove(&l.path, &store.staging_root()).map_err(|err| {
                UserError::new(format!("cannot remove `{}`", l.path.display()))
                    .caused_by(err.to_string())
                    .hint("check that the bin dir is writable; nothing was changed")
            })?;
        }
    }
    Ok(())
}

/// Make again the links given back to the tools they were taken from (an undone takeover),
/// where nothing is now: the taking tool's link is gone.
fn give_links_back(store: &Store, entry: &Entry) -> Result<()> {
    for r in &entry.released {
        let given_back = r
            .record
            .links
            .iter()
            .filter(|l| r.paths.iter().any(|p| l.is_at(p)));
        for l in given_back {
            if link::present(&l.path) || entry.unmade.iter().any(|p| l.is_at(p)) {
                continue;
            }
            if let Some(target) = store.link_target(&r.record, l)
                && target.exists()
            {
                link::replace(&target, &l.path, &store.staging_root())?;
            }
        }
    }
    Ok(())
}

/// Where a change that moves `staged` into place as a version keeps the copy it replaces,
/// until the change is done: beside `staged`, in the same staging directory.
fn replaced(staged: &Path) -> PathBuf {
    let mut name = staged.file_name().unwrap_or_default().to_owned();
    name.push("-replaced");
    staged.with_file_name(name)
}

fn record_links(record: Option<&Record>, path: &Path) -> bool {
    record.is_some_and(|r| r.links.iter().any(|l| l.is_at(path)))
}

/// Remove a directory of the store the way every change does (see [`move_aside`]).
pub(super) fn remove_dir(store: &Store, dir: &Path) -> Result<()> {
    let mut asides = Asides::default();
    asides.move_aside(store, dir)?;
    Ok(())
}

/// Directories a change moved aside (where each was, where it went), deleted when this is
/// dropped; what cannot be deleted then is swept on a later run, as no lock holds it.
#[derive(Default)]
pub(super) struct Asides(Vec<(PathBuf, PathBuf)>);

impl Asides {
    /// Move `dir` aside (see [`move_aside`]), to be deleted with the rest.
    fn move_aside(&mut self, store: &Store, dir: &Path) -> Result<()> {
        let aside = move_aside(store, dir)?;
        self.0.push((dir.to_path_buf(), aside));
        Ok(())
    }

    /// Put back, last first, what was moved aside since there were `since`: a change that
    /// failed removes nothing (its undo, or the next run, decides what goes).
    fn put_back(&mut self, since: usize) {
        let since = since.min(self.0.len());
        for (dir, aside) in self.0.split_off(since).into_iter().rev() {
            // One that cannot go back stays in `staging/` (doctor shows it).
            if !dir.exists() {
                let _ = rename_tree(&aside, &dir);
            }
        }
    }

    /// Delete what was moved aside, now that the change is done; what cannot be deleted stays
    /// in `staging/` (the next change, or `haul doctor --fix`, sweeps it), and is returned.
    pub(super) fn delete(&mut self) -> Vec<NotDeleted> {
        std::mem::take(&mut self.0)
            .into_iter()
            .filter_map(|(dir, aside)| {
                let err = std::fs::remove_dir_all(&aside).err()?;
                (err.kind() != std::io::ErrorKind::NotFound).then(|| NotDeleted {
                    dir,
                    aside,
                    why: err.to_string(),
                })
            })
            .collect()
    }
}

/// A directory a change removed whose files could not then be deleted from `staging/`.
#[derive(Debug)]
pub struct NotDeleted {
    /// Where it was in the store.
    pub dir: PathBuf,
    /// Where it is left, in `staging/`.
    pub aside: PathBuf,
    /// Why it could not be deleted.
    pub why: String,
}

impl Drop for Asides {
    fn drop(&mut self) {
        for (_, aside) in &self.0 {
            let _ = std::fs::remove_dir_all(aside);
        }
    }
}

/// Move a directory into a directory of its own in `staging/` (one rename, so `tools/` never
/// shows it half-deleted); returns where it went, to be deleted there (see [`Asides`]).
fn move_aside(store: &Store, dir: &Path) -> Result<PathBuf> {
    let root = store.staging_root();
    fs_err::create_dir_all(&root)?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The directory itself is renamed to a new name there: nothing new is made, so a full
    // disk can still remove (and so undo a change that added a version).
    let aside = tempfile::Builder::new()
        .prefix(&format!("{base}-old-"))
        .rand_bytes(6)
        .make_in(&root, |path| rename_tree(dir, path))
        .map_err(|err| {
            UserError::new(format!("cannot remove `{}`", dir.display())).caused_by(err.to_string())
        })?
        .into_temp_path()
        .keep()
        .map_err(|err| {
            UserError::new(format!("cannot remove `{}`", dir.display()))
                .caused_by(err.error.to_string())
        })?;
    Ok(aside)
}

/// Rename the directory `dir` to `to`. Windows refuses to rename a directory while a program
/// in it runs (`haul exec` runs a stored version from its directory), but lets the program's
/// file be renamed: then each file moves into `to` on its own, and what is left of `dir`, now
/// empty, goes. A move that stops part-way is moved back, so `dir` is whole or gone.
fn rename_tree(dir: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(dir, to) {
        Err(err) if cfg!(windows) && err.kind() == std::io::ErrorKind::PermissionDenied => {
            let mut moved = Vec::new();
            if move_each(dir, to, &mut moved, &|from, to| std::fs::rename(from, to)).is_err() {
                move_back(&moved);
                return Err(err);
            }
            Ok(())
        }
        other => other,
    }
}

/// What [`move_each`] did, in order, for [`move_back`]: a directory it made, a file it moved
/// (from, to), or a directory it removed once empty.
enum Moved {
    Made(PathBuf),
    File(PathBuf, PathBuf),
    Removed(PathBuf),
}

/// A way to rename a file (`std::fs::rename`).
type Rename<'a> = &'a dyn Fn(&Path, &Path) -> std::io::Result<()>;

/// Move every file under `dir` into a new directory `to` with `rename`, keeping the tree, then
/// remove `dir`; each step goes into `moved`.
fn move_each(
    dir: &Path,
    to: &Path,
    moved: &mut Vec<Moved>,
    rename: Rename<'_>,
) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    moved.push(Moved::Made(to.to_path_buf()));
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            move_each(&entry.path(), &dest, moved, rename)?;
        } else {
            rename(&entry.path(), &dest)?;
            moved.push(Moved::File(entry.path(), dest));
        }
    }
    std::fs::remove_dir(dir)?;
    moved.push(Moved::Removed(dir.to_path_buf()));
    Ok(())
}

/// Undo what [`move_each`] did, last step first. Best effort: each step is one rename.
fn move_back(moved: &[Moved]) {
    for step in moved.iter().rev() {
        let _ = match step {
            Moved::Removed(dir) => std::fs::create_dir(dir),
            Moved::File(from, to) => std::fs::rename(to, from),
            Moved::Made(dir) => std::fs::remove_dir(dir),
        };
    }
}

/// Complete or roll back every change a crash left. Returns the names that could not be
/// completed now, with why.
pub(super) fn recover(store: &Store) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    for path in journal_files(store) {
        let Some(entry) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Entry>(&text).ok())
        else {
            // A journal is written whole (atomically) before anything moves: one that cannot
            // be read was damaged since, and what it was changing is not known. It goes (it
            // can be neither completed nor undone), and that is said.
            if std::fs::remove_file(&path).is_ok() {
                store.notice.0.unreadable_journal(&path);
            }
            continue;
        };
        if let Some(why) = refused(store, &path, &entry) {
            // Neither done nor removed, but reported.
            failed.push((entry.name.clone(), why));
            continue;
        }
        let mut asides = Asides::default();
        if is_undo(&path) {
            // A change that failed, and was reported so: it is undone, never completed.
            if let Err(err) = apply(store, &reverse(&entry), Replay::Yes, &mut asides) {
                failed.push((entry.name.clone(), format!("{err:#}")));
                continue;
            }
            let _ = std::fs::remove_file(&path);
            continue;
        }
        match apply(store, &entry, Replay::Yes, &mut asides) {
            Ok(()) => {}
            Err(err) if err.is::<Incomplete>() => {
                if let Err(err) = apply(store, &reverse(&entry), Replay::Yes, &mut asides) {
                    failed.push((entry.name.clone(), format!("{err:#}")));
                    continue;
                }
            }
            Err(err) => {
                failed.push((entry.name.clone(), format!("{err:#}")));
                continue;
            }
        }
        done_with_damaged(store, &entry);
        let _ = std::fs::remove_file(&path);
    }
    failed
}

/// Why recovery will not act on `entry` (read from `path`): not one haul wrote here (edited,
/// or left by a haul with another `HAUL_HOME`).
fn refused(store: &Store, path: &Path, entry: &Entry) -> Option<String> {
    (!entry.is_sound(store, path)).then(|| {
        format!(
            "`{}` is not a change haul could have made here (it names paths outside this store, or records that do not read); move it away once you have checked it",
            path.display()
        )
    })
}

/// The changes left in the journal that can be read (sound or not).
fn left(store: &Store) -> impl Iterator<Item = Entry> {
    journal_files(store).into_iter().filter_map(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str::<Entry>(&text).ok()
    })
}

/// The staging directories the changes left in the journal move versions from (they are
/// completed or undone later, and need them then).
pub(super) fn staging_needed(store: &Store) -> Vec<PathBuf> {
    left(store)
        .filter_map(|entry| {
            let (staged, _) = entry.stage?;
            // By its name: the journal may spell the store's path otherwise (a `HAUL_HOME`
            // reached through a link).
            let id = staged.parent()?.file_name()?;
            Some(store.staging_root().join(id))
        })
        .collect()
}

/// The sources (`github:OWNER/REPO`, `catalog:NAME`) of the tools whose changes are left in
/// the journal: a change may install a version no record names yet.
pub(super) fn pending_sources(store: &Store) -> Vec<String> {
    left(store)
        .filter_map(|entry| Some(entry.record.or(entry.previous)?.identity.source))
        .collect()
}

/// Whether a change is under way or was left half-done.
pub(super) fn any(store: &Store) -> bool {
    !journal_files(store).is_empty()
}

/// A change under way or left half-done, as `haul doctor` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The tool it changes.
    pub name: String,
    /// It failed and is being undone (the next run undoes it), rather than left by a stop.
    pub undo: bool,
    /// Why recovery will not act on it, when it will not.
    pub refused: Option<String>,
}

/// The changes under way or left half-done.
pub(super) fn pending(store: &Store) -> Vec<Pending> {
    journal_files(store)
        .iter()
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            let entry = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<Entry>(&text).ok());
            let refused = entry.and_then(|entry| refused(store, path, &entry));
            Some(Pending {
                name,
                undo: is_undo(path),
                refused,
            })
        })
        .collect()
}

fn journal_files(store: &Store) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(store.journal_dir()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            (p.extension().is_some_and(|e| e == "json") || is_undo(p))
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change that fails puts back what it moved aside (a version it was removing), and
    /// deletes only what it moved aside before: nothing is lost to a change that is not done.
    #[test]
    fn what_a_failed_step_moved_aside_goes_back() {
        let root = tempfile::tempdir().unwrap();
        let (store, _) = crate::testing::store_with_record(root.path(), &["1.0.0"], "1.0.0");
        let dir = |key: &str| store.version_dir("t", key);
        for key in ["0.9.0", "1.0.0", "2.0.0"] {
            std::fs::create_dir_all(dir(key).join("bin")).unwrap();
            std::fs::write(dir(key).join("bin/t"), key).unwrap();
        }
        let mut asides = Asides::default();
        asides.move_aside(&store, &dir("0.9.0")).unwrap();
        let since = asides.0.len();
        asides.move_aside(&store, &dir("1.0.0")).unwrap();
        asides.move_aside(&store, &dir("2.0.0")).unwrap();
        assert!(!dir("1.0.0").exists() && !dir("2.0.0").exists());
        asides.put_back(since);
        for key in ["1.0.0", "2.0.0"] {
            assert_eq!(
                std::fs::read_to_string(dir(key).join("bin/t")).unwrap(),
                key
            );
        }
        drop(asides);
        assert!(!dir("0.9.0").exists());
        let staging: Vec<_> = std::fs::read_dir(store.staging_root())
            .unwrap()
            .flatten()
            .collect();
        assert!(staging.is_empty(), "{staging:?}");
    }

    /// Deleting what a done change moved aside says what could not be deleted (here, the
    /// aside replaced by a file: root cannot be refused a directory's deletion otherwise), and
    /// not what is already gone.
    #[test]
    fn what_cannot_be_deleted_after_a_change_is_told() {
        let root = tempfile::tempdir().unwrap();
        let (store, _) = crate::testing::store_with_record(root.path(), &["1.0.0"], "1.0.0");
        let dir = |key: &str| store.version_dir("t", key);
        for key in ["0.8.0", "0.9.0", "1.1.0"] {
            std::fs::create_dir_all(dir(key).join("bin")).unwrap();
            std::fs::write(dir(key).join("bin/t"), key).unwrap();
        }
        let mut asides = Asides::default();
        for key in ["0.8.0", "0.9.0", "1.1.0"] {
            asides.move_aside(&store, &dir(key)).unwrap();
        }
        let stuck = asides.0[0].1.clone();
        std::fs::remove_dir_all(&stuck).unwrap();
        std::fs::write(&stuck, b"not a directory").unwrap();
        std::fs::remove_dir_all(&asides.0[1].1).unwrap();
        let left = asides.delete();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!((&left[0].dir, &left[0].aside), (&dir("0.8.0"), &stuck));
        assert!(!left[0].why.is_empty());
        assert!(stuck.exists());
        let staging: Vec<_> = std::fs::read_dir(store.staging_root())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(staging, [stuck]);
    }

    /// What a version's directory holding a running program becomes on Windows: its files
    /// moved one by one into the new place, the tree kept, the old directory gone.
    #[test]
    fn a_tree_moves_file_by_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("tools/widget/1.0.0");
        std::fs::create_dir_all(dir.join("share/doc")).unwrap();
        std::fs::write(dir.join("widget.exe"), b"program").unwrap();
        std::fs::write(dir.join("share/doc/README"), b"read me").unwrap();
        std::fs::create_dir(dir.join("empty")).unwrap();
        let to = root.path().join("staging/widget-old-abc123");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        move_each(&dir, &to, &mut Vec::new(), &|a, b| std::fs::rename(a, b)).unwrap();
        assert!(!dir.exists());
        assert_eq!(std::fs::read(to.join("widget.exe")).unwrap(), b"program");
        assert_eq!(
            std::fs::read(to.join("share/doc/README")).unwrap(),
            b"read me"
        );
        assert!(to.join("empty").is_dir());
        // A place already taken is refused (another name is tried).
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(
            move_each(&dir, &to, &mut Vec::new(), &|a, b| std::fs::rename(a, b))
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::AlreadyExists
        );
        assert!(dir.is_dir());
    }

    /// A move that stops part-way (a file that cannot move) is moved back: the version is
    /// whole where it was, and nothing of it is left aside.
    #[test]
    fn a_tree_moved_part_way_is_moved_back() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("tools/widget/1.0.0");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/one"), b"1").unwrap();
        std::fs::write(dir.join("two"), b"2").unwrap();
        let to = root.path().join("staging/widget-old-abc123");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("b/three"), b"3").unwrap();
        // One file cannot move (on Windows: one another program holds open).
        let stuck = |from: &Path, to: &Path| {
            if from.ends_with("b/three") {
                Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
            } else {
                std::fs::rename(from, to)
            }
        };
        let mut moved = Vec::new();
        assert!(move_each(&dir, &to, &mut moved, &stuck).is_err());
        assert!(!moved.is_empty());
        move_back(&moved);
        assert_eq!(std::fs::read(dir.join("a/one")).unwrap(), b"1");
        assert_eq!(std::fs::read(dir.join("two")).unwrap(), b"2");
        assert_eq!(std::fs::read(dir.join("b/three")).unwrap(), b"3");
        assert!(!to.exists());
    }

    #[test]
    fn a_directory_written_another_way_is_the_same_place() {
        #[cfg(unix)]
        {
            assert!(same_place(
                Path::new("/p/.haul/bin"),
                Path::new("/p/./.haul/bin")
            ));
            assert!(!same_place(
                Path::new("/home/u/.local/bin"),
                Path::new("/p/.haul/bin")
            ));
        }
        #[cfg(windows)]
        {
            assert!(same_place(
                Path::new(r"\\?\C:\p\.haul\bin"),
                Path::new(r"c:\p\.haul/bin")
            ));
            assert!(same_place(
                Path::new(r"\\?\UNC\srv\share\p"),
                Path::new(r"\\srv\share\p")
            ));
            assert!(!same_place(
                Path::new(r"\\?\C:\Users\u\bin"),
                Path::new(r"C:\p\.haul\bin")
            ));
        }
    }
}
