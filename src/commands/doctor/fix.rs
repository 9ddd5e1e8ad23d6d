//! `haul doctor --fix`: complete half-done changes, relink broken links, drop versions whose
//! files are gone, and remove damaged records and leftovers. Each repair is one store change.

use anyhow::Result;

use super::facts;
use crate::context::Context;
use crate::store::{Change, Current, Now, Problem};

/// Repair what can be repaired; returns what was done, for the report.
pub fn fix(ctx: &Context) -> Result<Vec<String>> {
    let store = &ctx.store;
    let mut fixed = Vec::new();
    // Under the lock: another haul may be in the middle of a change it journaled.
    let lock = store.lock()?;
    for (name, why) in store.recover() {
        fixed.push(format!("could not complete the change to `{name}`: {why}"));
    }
    drop(lock);
    let records = store.records()?;
    // What was seen before the lock only says which tools to look at: each repair decides
    // again under the lock, from the store as it is then (another haul may have repaired or
    // changed the tool meanwhile).
    // A record a newer haul wrote is not damaged: its tool may be whole, and that haul can
    // manage it.
    for damaged in records.damaged.iter().filter(|d| !d.newer) {
        let done = store.change(&damaged.name, |now| match &now.current {
            Current::Damaged(damaged) if !damaged.newer => Ok((
                Change {
                    record: None,
                    ..Change::default()
                },
                Some(format!("removed the damaged record of `{}`", now.name)),
            )),
            Current::Damaged(_) | Current::Record(_) | Current::None => Ok((Change::leave(), None)),
        });
        report(done, &damaged.name, &mut fixed)?;
    }
    for record in &records.ok {
        if !store.check(record).iter().any(Problem::repairable) {
            continue;
        }
        let verified_only = ctx.settings.require_checksum;
        let done = store.change(&record.name, |now| repair(now, verified_only));
        report(done, &record.name, &mut fixed)?;
    }
    let records = store.records()?;
    for dir in facts::orphan_dirs(ctx, &records) {
        store.remove_orphan(&dir)?;
        fixed.push(format!("removed `{}`", dir.display()));
    }
    for path in facts::orphan_links(ctx, &records, &ctx.settings.paths.bin_dir) {
        store.remove_orphan(&path)?;
        fixed.push(format!("removed the link `{}`", path.display()));
    }
    Ok(fixed)
}

/// The change that repairs one tool, from its problems as they are under the lock, and what
/// it did: drop the versions whose files are gone, activate a whole one if the active one
/// was (with `verified_only`, where checksums are required, never one stored unverified),
/// make lost modes executable again, and make its links again.
fn repair(now: &Now<'_>, verified_only: bool) -> Result<(Change, Option<String>)> {
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
            Problem::VersionMissing { key } | Problem::ExecutableMissing { key, .. } => {
                Some(key.clone())
            }
            Problem::LinkMissing { .. }
            | Problem::LinkWrong { .. }
            | Problem::NotExecutable { .. }
            | Problem::Changed { .. } => None,
        })
        .collect();
    let mut unlink = Vec::new();
    if record.active.as_ref().is_some_and(|a| broken.contains(a)) {
        match record.fallback(&broken, verified_only) {
            Some(next) => unlink = record.reactivate(&next, crate::store::now()),
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
    // A project's link that is missing or taken is let go of, not made again: the project may
    // be gone, or its bin-dir now lead elsewhere; `haul sync` there links it again. So is any
    // link whose directory is gone (a bin dir removed, a project linked before links were
    // pinned): its directory is not made again.
    let let_go: Vec<&std::path::Path> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::LinkMissing { path } | Problem::LinkWrong { path } => Some(path.as_path()),
            _ => None,
        })
        .collect();
    record.links.retain(|l| {
        !let_go.contains(&l.path.as_path()) || (l.version.is_none() && !crate::store::dir_gone(l))
    });
    // A link another tool has taken over (`install --force` stopped before it told this
    // record) is that tool's now: let go of it.
    record
        .links
        .retain(|l| now.taken_by_other(&l.path).is_none());
    // A file put at one of its links since is not haul's to replace: the tool is left
    // as it is, and the report says why.
    now.claim_links(&record, false)
        .map_err(|err| LeftAlone(crate::error::Report::of(&err).one_line()))?;
    // An executable that lost its mode is made executable again, as unpacking made it.
    let mut modes = 0;
    for problem in &problems {
        if let Problem::NotExecutable { key, path } = problem
            && !broken.contains(key)
        {
            crate::unpack::set_executable(path)?;
            modes += 1;
        }
    }
    let what = if modes > 0 && broken.is_empty() {
        format!(
            "made {} of `{}` executable again",
            crate::units::count(modes, "file"),
            record.name
        )
    } else if broken.is_empty() {
        format!("relinked `{}`", record.name)
    } else {
        format!(
            "`{}`: dropped {} (files gone), relinked",
            record.name,
            broken.join(", ")
        )
    };
    Ok((
        Change {
            record: Some(record),
            remove: broken,
            unlink,
            ..Change::default()
        },
        Some(what),
    ))
}

/// A tool `--fix` leaves as it is, and why.
#[derive(Debug, thiserror::Error)]
#[error("left as it is")]
struct LeftAlone(String);

/// Add what one repair did (or why it left the tool as it is) to `fixed`.
fn report(done: Result<Option<String>>, name: &str, fixed: &mut Vec<String>) -> Result<()> {
    match done {
        Ok(done) => fixed.extend(done),
        Err(err) => match err.downcast_ref::<LeftAlone>() {
            Some(LeftAlone(why)) => fixed.push(format!("left `{name}` as it is: {why}")),
            None => return Err(err),
        },
    }
    Ok(())
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
        let done = store.change("t", |now| repair(now, false)).unwrap();
        assert_eq!(done, None);
        assert_eq!(store.read("t").unwrap(), Some(record));
        assert!(store.version_dir("t", "1.0.0").is_dir());
    }
}
