//! `haul doctor --fix`: complete half-done changes, relink broken links, drop versions whose
//! files are gone, and remove damaged records and leftovers. Each repair is one store change.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::facts;
use crate::context::Context;
use crate::store::record::{Link, Record};
use crate::store::{Change, Current, Now, Problem};

/// What `--fix` did, and what it left as it is (and why), for the report.
#[derive(Default)]
pub struct Fixed {
    pub done: Vec<String>,
    pub left: Vec<String>,
}

/// Repair what can be repaired; returns what was done, for the report.
pub fn fix(ctx: &Context) -> Result<Fixed> {
    let store = &ctx.store;
    let mut fixed = Fixed::default();
    // Under the lock: another haul may be in the middle of a change it journaled, and what
    // it did is not this one's to report. What is left then is tidied, and said.
    let lock = store.lock_as_left()?;
    let leftovers = store.leftovers();
    let pending = store.pending();
    // A tool whose change stays half-done cannot be changed (or repaired) until it is done.
    let mut unfinished = Vec::new();
    let tidied = store.tidy(&lock);
    for (name, why) in tidied.unfinished {
        fixed.left.push(format!(
            "the change to `{name}` was not completed or undone: {why}"
        ));
        unfinished.push(name);
    }
    for (path, why) in &tidied.not_removed {
        fixed
            .left
            .push(format!("`{}` could not be removed: {why}", path.display()));
    }
    let still = store.pending();
    for was in pending
        .iter()
        .filter(|p| !still.iter().any(|s| s.name == p.name))
    {
        fixed.done.push(if was.undo {
            format!("undid the failed change to `{}`", was.name)
        } else {
            format!("completed the half-done change to `{}`", was.name)
        });
    }
    let removed = facts::count_leftovers(leftovers.iter().filter(|p| !p.exists()));
    if removed > 0 {
        fixed.done.push(format!(
            "removed {} of interrupted runs from `staging/`",
            crate::units::count(removed, "leftover")
        ));
    }
    drop(lock);
    let records = store.records()?;
    // What was seen before the lock only says which tools to look at: each repair decides
    // again under the lock, from the store as it is then (another haul may have repaired or
    // changed the tool meanwhile).
    // A record a newer haul wrote is not damaged: its tool may be whole, and that haul can
    // manage it.
    // Mended first, then the rest removed: a sound copy of a record put back over the tool's
    // own record that does not read keeps the tool, whichever of the two comes first.
    let to_remove: Vec<_> = records
        .damaged
        .iter()
        .filter(|d| !d.newer && !unfinished.contains(&d.name))
        .filter(|d| !mended(store, &d.name, &mut fixed))
        .collect();
    for damaged in to_remove {
        let done = store.change(&damaged.name, |now| match &now.current {
            Current::Damaged(damaged) if !damaged.newer => Ok((
                Change {
                    record: None,
                    ..Change::default()
                },
                Some(if now.store.tool_dir(now.name).exists() {
                    format!(
                        "removed the damaged record of `{}` and the versions it stored (`{}`)",
                        now.name,
                        now.store.tool_dir(now.name).display()
                    )
                } else {
                    format!("removed the damaged record of `{}`", now.name)
                }),
            )),
            Current::Damaged(_) | Current::Record(_) | Current::None => Ok((Change::leave(), None)),
        });
        report(done, &damaged.name, &mut fixed);
    }
    // A record mended above is repaired as any other.
    repair_each(ctx, &unfinished, &mut fixed)?;
    let records = store.records()?;
    for dir in facts::orphan_dirs(ctx, &records) {
        match store.remove_orphan(&dir) {
            Ok(()) => fixed.done.push(format!("removed `{}`", dir.display())),
            Err(err) => fixed.left.push(failed(&dir.display().to_string(), &err)),
        }
    }
    for path in facts::orphan_links(ctx, &records, &ctx.settings.paths.bin_dir) {
        match store.remove_orphan(&path) {
            Ok(()) => fixed
                .done
                .push(format!("removed the link `{}`", path.display())),
            Err(err) => fixed.left.push(failed(&path.display().to_string(), &err)),
        }
    }
    // A link removed as no record's where a tool's active executable is linked (a mended
    // record let go of it) is that tool's to make again now, not at the next `--fix`.
    if !fixed.done.is_empty() {
        repair_each(ctx, &unfinished, &mut fixed)?;
    }
    Ok(fixed)
}

/// Repair every tool with a problem `--fix` repairs (but those whose change is half-done).
fn repair_each(ctx: &Context, unfinished: &[String], fixed: &mut Fixed) -> Result<()> {
    let store = &ctx.store;
    let verified_only = ctx.settings.require_checksum;
    let bin_dir = &ctx.settings.paths.bin_dir;
    for record in &store.records()?.ok {
        if unfinished.contains(&record.name) || !store.check(record).iter().any(Problem::repairable)
        {
            continue;
        }
        let done = store.change(&record.name, |now| repair(now, bin_dir, verified_only));
        report(done, &record.name, fixed);
    }
    Ok(())
}

/// Mend the damaged record of `name` rather than remove it and the versions it stored, where
/// [`crate::store::Store::mendable`] says how: a record renamed by hand goes back under its own
/// name (one rename, under the store's lock; its links are then repaired as any tool's), and
/// one sound but for links it cannot have is written without them. Whether it did (the report
/// says how that went).
fn mended(store: &crate::store::Store, name: &str, fixed: &mut Fixed) -> bool {
    use crate::store::Mend;
    let planned = store.mendable(name);
    match &planned {
        None => false,
        Some(Mend::Wait { own }) => {
            fixed.left.push(format!(
                "`{name}`: its record describes `{own}`, a change to which is half-done; it is left until that change is done"
            ));
            true
        }
        Some(Mend::Rename { .. }) => {
            let done = (|| -> Result<Option<String>> {
                let _lock = store.lock()?;
                // Decided again under the lock: another haul may have changed it meanwhile.
                let Some(Mend::Rename { own }) = store.mendable(name) else {
                    return Ok(None);
                };
                let (from, to) = (store.record_path(name), store.record_path(&own));
                std::fs::rename(&from, &to).with_context(|| {
                    format!("moving `{}` to `{}`", from.display(), to.display())
                })?;
                Ok(Some(format!(
                    "`{own}`: its record, found as `{}`, is back under its own name",
                    from.display()
                )))
            })();
            let moved = matches!(done, Ok(Some(_)));
            report(done, name, fixed);
            // Under its own name now: links it cannot have are left out there.
            if let (true, Some(Mend::Rename { own })) = (moved, planned) {
                mended(store, &own, fixed);
            }
            moved
        }
        Some(Mend::DropLinks { .. }) => {
            let done = store.change(name, |now| match (&now.current, now.store.mendable(now.name)) {
                (Current::Damaged(damaged), Some(Mend::DropLinks { record, dropped }))
                    if !damaged.newer =>
                {
                    let links: Vec<String> = dropped
                        .iter()
                        .map(|l| format!("`{}`", l.path.display()))
                        .collect();
                    Ok((
                        Change {
                            record: Some(*record),
                            ..Change::default()
                        },
                        Some(format!(
                            "`{}`: left out of its record the links it cannot have ({}: haul could not have made them, or something else stands there; nothing there was touched)",
                            now.name,
                            links.join(", ")
                        )),
                    ))
                }
                _ => Ok((Change::leave(), None)),
            });
            report(done, name, fixed);
            true
        }
    }
}

/// The change that repairs one tool, from its problems as they are under the lock, and what
/// it did: drop the versions whose files are gone, activate a whole one if the active one
/// was (with `verified_only`, where checksums are required, never one stored unverified),
/// make lost modes executable again, and make its links again (in `bin_dir`, the bin dir in
/// use, even when that directory is gone: it is made again).
fn repair(now: &Now<'_>, bin_dir: &Path, verified_only: bool) -> Result<(Change, Option<String>)> {
    let Current::Record(current) = &now.current else {
        return Ok((Change::leave(), None));
    };
    let mut problems = now.store.check(current);
    problems.retain(Problem::repairable);
    if problems.is_empty() {
        return Ok((Change::leave(), None));
    }
    let mut record = current.clone();
    let broken: Vec<String> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::VersionMissing { key }
            | Problem::ExecutableMissing { key, .. }
            | Problem::ActiveMissing { key } => Some(key.clone()),
            Problem::LinkMissing { .. }
            | Problem::LinkWrong { .. }
            | Problem::LinkStale { .. }
            | Problem::Unlinked { .. }
            | Problem::NotExecutable { .. }
            | Problem::Changed { .. } => None,
        })
        .collect();
    let mut unlink = Vec::new();
    if record.active.as_ref().is_some_and(|a| broken.contains(a)) {
        match record.fallback(&broken, verified_only) {
            Some(next) => unlink = record.reactivate(&next, &[], crate::store::now()),
            // Whole versions left are only projects': they stay theirs, nothing is active.
            None if record.versions.keys().any(|k| !broken.contains(k)) => {
                unlink = record.deactivate();
            }
            None => {
                return Ok((
                    Change {
                        record: None,
                        unlink: record.links.clone(),
                        ..Change::default()
                    },
                    Some(format!(
                        "removed `{}`: none of its versions is whole",
                        record.name
                    )),
                ));
            }
        }
    }
    for key in &broken {
        record.versions.remove(key);
        unlink.extend(record.unpin(key));
    }
    let relinked = relink(&mut record, &problems, bin_dir, &mut unlink);
    let relinked = if broken
        .iter()
        .any(|key| current.active.as_ref() == Some(key))
    {
        0
    } else {
        relinked
    };
    // A link another tool has taken over (`install --force` stopped before it told this
    // record) is that tool's now: let go of it.
    record
        .links
        .retain(|l| now.taken_by_other(&l.path).is_none());
    // A file put at one of its links since is not haul's to replace: the tool is left
    // as it is, and the report says why.
    now.claim_links(&record)
        .map_err(|err| LeftAlone(crate::error::Report::of(&err).one_line()))?;
    // An executable that lost its mode is made executable again, as unpacking made it.
    let mut modes = 0;
    for problem in &problems {
        if let Problem::NotExecutable { key, path } = problem
            && !broken.contains(key)
        {
            // Not a regular file (a link put in the store, say): not haul's to change.
            crate::unpack::set_executable(path).map_err(|err| {
                LeftAlone(format!(
                    "cannot make `{}` executable: {err:#}",
                    path.display()
                ))
            })?;
            modes += 1;
        }
    }
    let what = Repaired {
        broken: &broken,
        modes,
        relinked,
    }
    .describe(current, &record);
    Ok((
        Change {
            record: Some(record),
            remove: broken,
            unlink,
            bin_dir: Some(bin_dir.to_path_buf()),
            ..Change::default()
        },
        Some(what),
    ))
}

/// Make the record's broken links again, or let go of those that cannot be; returns how many
/// are made again. `unlink` gets the links let go of that may still be there.
fn relink(
    record: &mut Record,
    problems: &[Problem],
    bin_dir: &Path,
    unlink: &mut Vec<Link>,
) -> usize {
    // A project's link that is missing or taken is let go of, not made again: the project may
    // be gone, or its bin-dir now lead elsewhere; `haul sync` there links it again. So is any
    // link whose directory is gone (a project linked before links were pinned, a bin dir no
    // longer in use), but for the bin dir in use: that is made again, as an install would.
    let broken_links: Vec<&Path> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::LinkMissing { path } | Problem::LinkWrong { path, .. } => Some(path.as_path()),
            _ => None,
        })
        .collect();
    let made_again =
        |l: &Link| l.version.is_none() && (l.is_in(bin_dir) || !crate::store::dir_gone(l));
    let before = record.links.len();
    record
        .links
        .retain(|l| !broken_links.contains(&l.path.as_path()) || made_again(l));
    let mut relinked = broken_links.len() - (before - record.links.len());
    // Executables of the active version linked nowhere, whose places are free again, are
    // linked into the bin dir (beside the tool's other links, wherever they are).
    let unlinked = problems
        .iter()
        .filter(|p| matches!(p, Problem::Unlinked { .. }))
        .count();
    if unlinked > 0
        && let Some(active) = record.active.clone()
    {
        let mut dirs = record.bin_dirs();
        if !dirs.iter().any(|d| d == bin_dir) {
            dirs.push(bin_dir.to_path_buf());
        }
        unlink.extend(record.activate(&active, &dirs, crate::store::now()));
        relinked += unlinked;
    }
    // A link that follows no stored executable is let go of (and removed, where it is the
    // tool's).
    for problem in problems {
        if let Problem::LinkStale { path, .. } = problem
            && let Some(at) = record.links.iter().position(|l| l.path == *path)
        {
            unlink.push(record.links.remove(at));
        }
    }
    relinked
}

/// What one repair did, for its line in the report.
struct Repaired<'a> {
    /// The versions whose files were gone (or, for an active version, never stored).
    broken: &'a [String],
    /// Executables made executable again.
    modes: usize,
    /// Links made again.
    relinked: usize,
}

impl Repaired<'_> {
    /// `` `NAME`: what was done ``, from the record before (`current`) and after.
    fn describe(&self, current: &Record, record: &Record) -> String {
        let mut done = Vec::new();
        let stored: Vec<&str> = self
            .broken
            .iter()
            .filter(|key| current.versions.contains_key(*key))
            .map(String::as_str)
            .collect();
        if !stored.is_empty() {
            // How to have each back: `--fix` downloads nothing.
            let again: Vec<String> = stored
                .iter()
                .map(|key| crate::store::install_again(current, key))
                .collect();
            done.push(format!(
                "dropped {} (files gone; {} installs it again)",
                stored.join(", "),
                again.join(", ")
            ));
        }
        if current.active != record.active {
            done.push(match &record.active {
                Some(key) => format!("made {key} active"),
                None => "nothing is active now".to_owned(),
            });
        }
        if self.modes > 0 {
            done.push(format!(
                "made {} executable again",
                crate::units::count(self.modes, "file")
            ));
        }
        if self.relinked > 0 {
            done.push(format!(
                "relinked {}",
                crate::units::count(self.relinked, "link")
            ));
        }
        let let_go = current
            .links
            .iter()
            .filter(|l| !record.links.iter().any(|kept| kept.is_at(&l.path)))
            .count();
        if let_go > 0 {
            done.push(format!(
                "let go of {} (its directory is gone, another tool has it, or it follows nothing stored)",
                crate::units::count(let_go, "link")
            ));
        }
        format!("`{}`: {}", record.name, done.join(", "))
    }
}

/// A tool `--fix` leaves as it is, and why.
#[derive(Debug, thiserror::Error)]
#[error("left as it is")]
struct LeftAlone(String);

/// Add what one repair did (or why it left the tool as it is) to `fixed`.
/// Note what one repair did, or why it did not (a repair that fails is undone and does not
/// stop the others: the report says what each did).
fn report(done: Result<Option<String>>, name: &str, fixed: &mut Fixed) {
    match done {
        Ok(done) => fixed.done.extend(done),
        Err(err) => match err.downcast_ref::<LeftAlone>() {
            Some(LeftAlone(why)) => fixed.left.push(format!("`{name}`: {why}")),
            None => fixed.left.push(failed(name, &err)),
        },
    }
}

/// A repair of `what` that failed, as the report says it.
fn failed(what: &str, err: &anyhow::Error) -> String {
    format!(
        "`{what}`: the repair failed: {}",
        crate::error::Report::of(err).one_line()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repair decides from the store as it is under the lock: a tool that is whole by then
    /// (another haul repaired it after `doctor` looked) is left as it is, not removed.
    #[test]
    fn a_tool_whole_by_the_time_of_the_repair_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let (store, record) = crate::testing::store_with_record(dir.path(), &["1.0.0"], "1.0.0");
        // Broken when looked at: its version directory is missing.
        assert!(!store.check(&record).is_empty());
        // Repaired before the repair runs.
        std::fs::create_dir_all(store.version_dir("t", "1.0.0")).unwrap();
        let done = store
            .change("t", |now| repair(now, &store.bin_dir, false))
            .unwrap();
        assert_eq!(done, None);
        assert_eq!(store.read("t").unwrap(), Some(record));
        assert!(store.version_dir("t", "1.0.0").is_dir());
    }
}
