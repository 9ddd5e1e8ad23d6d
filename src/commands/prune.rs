//! `haul prune [--dry-run]`: remove stored versions that are not in use (neither active nor
//! linked into a project's bin-dir), and the cached downloads of versions no longer stored.

use anyhow::Result;
use serde::Serialize;

use crate::cli::PruneArgs;
use crate::commands::cache::{kept_downloads, removable, remove};
use crate::commands::doctor::size_of;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::store::{Change, Now, Record, running};
use crate::units::size;

/// `haul prune --json`.
#[derive(Serialize, Default)]
struct Pruned {
    versions: Vec<StoredVersion>,
    downloads: Vec<Download>,
    bytes: u64,
    dry_run: bool,
    /// Versions left because a program runs from them (`haul exec`).
    running: Vec<RunningVersion>,
    /// What could not be pruned (a tool's versions, a download), with why; the rest was.
    failed: Vec<NotPruned>,
}

#[derive(Serialize)]
struct NotPruned {
    /// The tool, or the download's path.
    what: String,
    error: String,
}

#[derive(Serialize)]
struct RunningVersion {
    name: String,
    version: String,
}

#[derive(Serialize)]
struct StoredVersion {
    name: String,
    version: String,
    /// Its directory under `tools/NAME/` (`1.0.0+2fa7b6c0` for a project's own copy).
    key: String,
    bytes: u64,
}

#[derive(Serialize)]
struct Download {
    path: String,
    bytes: u64,
}

/// Whether `key` is in use: active, or linked into the bin-dir of a project that is still
/// there (`haul sync` stores it again if the project comes back).
fn in_use(record: &Record, key: &str) -> bool {
    record.active.as_deref() == Some(key)
        || record
            .links
            .iter()
            .any(|l| l.version.as_deref() == Some(key) && !crate::store::dir_gone(l))
}

/// The change that removes the versions of `keys` still not in use under the store's lock,
/// and what it leaves because a program runs from it (`haul exec`). The claims on the versions
/// it removes go into `claims`, to be held until they are moved away.
fn remove_unused(
    now: &Now<'_>,
    keys: &[String],
    claims: &mut Vec<running::Claim>,
) -> (Change, Vec<String>) {
    let Some(current) = now.record() else {
        return (Change::default(), Vec::new());
    };
    let mut record = current.clone();
    let (mut gone, mut unlink, mut busy) = (Vec::new(), Vec::new(), Vec::new());
    for key in keys {
        if in_use(&record, key) {
            continue;
        }
        let Some(claim) = running::claim(&now.store.version_dir(&record.name, key)) else {
            busy.push(key.clone());
            continue;
        };
        claims.push(claim);
        // The links of a project that is gone go with its version.
        unlink.extend(record.unpin(key));
        if record.remove_version(key) {
            gone.push(key.clone());
        }
    }
    // A tool with nothing active and nothing left stored is gone.
    let record = (!record.versions.is_empty()).then_some(record);
    let change = Change {
        record,
        remove: gone,
        unlink,
        ..Change::default()
    };
    (change, busy)
}

pub fn prune(args: &PruneArgs, ctx: &Context) -> Result<ExitCode> {
    let store = &ctx.store;
    let mut pruned = Pruned {
        dry_run: args.dry_run,
        ..Pruned::default()
    };
    // The versions left because a program runs from them: (tool, key).
    let mut left_running: Vec<(String, String)> = Vec::new();
    for record in store.records()?.ok {
        // Listed oldest to newest by version (1.9.0 before 1.10.0), as `list --all` does.
        let inactive: Vec<String> = record
            .by_version()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !in_use(&record, k))
            .cloned()
            .collect();
        if inactive.is_empty() {
            continue;
        }
        let sizes: Vec<u64> = inactive
            .iter()
            .map(|key| size_of(&store.version_dir(&record.name, key)))
            .collect();
        let mut not_deleted = Vec::new();
        let busy = if args.dry_run {
            let runs =
                |key: &&String| running::claim(&store.version_dir(&record.name, key)).is_none();
            inactive.iter().filter(runs).cloned().collect()
        } else {
            let mut claims = Vec::new();
            let changed = store.change_deleting(&record.name, |now| {
                Ok(remove_unused(now, &inactive, &mut claims))
            });
            // One tool that cannot be changed (its directory not writable) leaves the others
            // to be pruned; the command fails at the end, saying what was and was not.
            match changed {
                Ok((busy, left)) => {
                    not_deleted = left;
                    busy
                }
                Err(err) => {
                    pruned.failed.push(NotPruned {
                        what: record.name.clone(),
                        error: crate::error::Report::of(&err).one_line(),
                    });
                    continue;
                }
            }
        };
        for (key, bytes) in inactive.iter().zip(sizes) {
            let version = record.versions[key].version.clone();
            // Gone from the store, its files still there: not freed.
            let dir = store.version_dir(&record.name, key);
            if let Some(left) = not_deleted.iter().find(|l| l.dir == dir) {
                pruned.failed.push(NotPruned {
                    what: format!("{} {version}", record.name),
                    error: format!(
                        "it is gone from the store, but its files could not be deleted from `{}` (`haul doctor --fix` deletes them once they can be): {}",
                        left.aside.display(),
                        left.why
                    ),
                });
                continue;
            }
            if busy.contains(key) {
                left_running.push((record.name.clone(), key.clone()));
                pruned.running.push(RunningVersion {
                    name: record.name.clone(),
                    version,
                });
                continue;
            }
            pruned.versions.push(StoredVersion {
                name: record.name.clone(),
                version,
                key: key.clone(),
                bytes,
            });
            pruned.bytes += bytes;
        }
    }
    // Downloads of what stays stored are kept.
    let mut records = store.records()?.ok;
    if args.dry_run {
        for record in &mut records {
            let used: Vec<String> = record
                .versions
                .keys()
                .filter(|k| {
                    in_use(record, k)
                        || left_running
                            .iter()
                            .any(|(n, key)| *n == record.name && key == *k)
                })
                .cloned()
                .collect();
            record.versions.retain(|k, _| used.contains(k));
        }
    }
    prune_downloads(ctx, &records, args.dry_run, &mut pruned);
    let code = report(&pruned, args, ctx)?;
    if pruned.failed.is_empty() {
        Ok(code)
    } else {
        Err(not_pruned(&pruned).into())
    }
}

/// Remove (with `dry_run`: list) the cached downloads of no version `records` keep. A tool
/// whose change could not be made, or is left half-done, keeps all of its downloads: that
/// change may install a version the records do not name yet.
fn prune_downloads(ctx: &Context, records: &[Record], dry_run: bool, pruned: &mut Pruned) {
    let keep = kept_downloads(records);
    let downloads = ctx.downloads_dir();
    let failed = records
        .iter()
        .filter(|r| pruned.failed.iter().any(|f| f.what == r.name))
        .map(|r| r.identity.source.clone());
    let unsettled: Vec<std::path::PathBuf> = ctx
        .store
        .pending_sources()
        .into_iter()
        .chain(failed)
        .map(|source| crate::resolve::cache_base_of(&source))
        .collect();
    for (path, bytes) in removable(ctx, &keep) {
        let Ok(rel) = path.strip_prefix(&downloads) else {
            continue;
        };
        let kept = crate::resolve::cache_dir_as_kept(rel);
        if unsettled.iter().any(|base| kept.starts_with(base)) {
            continue;
        }
        if !dry_run && let Err(err) = remove(&path) {
            pruned.failed.push(NotPruned {
                what: path.display().to_string(),
                error: err.to_string(),
            });
            continue;
        }
        pruned.downloads.push(Download {
            path: path.display().to_string(),
            bytes,
        });
        pruned.bytes += bytes;
    }
}

/// Say what was pruned (would be, with `--dry-run`), and what was left.
fn report(pruned: &Pruned, args: &PruneArgs, ctx: &Context) -> Result<ExitCode> {
    if args.json {
        ctx.printer.json(pruned)?;
        return Ok(ExitCode::Success);
    }
    // A dry run's list is its answer: shown with `-q` too.
    let say = |verb: Option<&str>, text: &str| match (args.dry_run, verb) {
        (true, verb) => ctx.printer.answer(verb, text),
        (false, Some(verb)) => ctx.printer.status(verb, text),
        (false, None) => ctx.printer.info(text),
    };
    let verb = if args.dry_run {
        "Would remove"
    } else {
        "Removed"
    };
    for v in &pruned.versions {
        // A copy stored apart (a project's) is told from the version by its key.
        let key = if v.key == v.version {
            String::new()
        } else {
            format!("{}, ", v.key)
        };
        say(
            Some(verb),
            &format!("{} {} ({key}{})", v.name, v.version, size(v.bytes)),
        );
    }
    for d in &pruned.downloads {
        say(Some(verb), &format!("{} ({})", d.path, size(d.bytes)));
    }
    for v in &pruned.running {
        say(
            Some("Left"),
            &format!(
                "{} {} (a program runs from it: `haul exec`)",
                v.name, v.version
            ),
        );
    }
    let total = if pruned.versions.is_empty() && pruned.downloads.is_empty() {
        if pruned.failed.is_empty() {
            "nothing to prune"
        } else {
            "nothing removed"
        }
        .to_owned()
    } else {
        format!("{} in all", size(pruned.bytes))
    };
    say(None, &total);
    Ok(ExitCode::Success)
}

/// The error for what could not be pruned, once the rest was (and said so).
fn not_pruned(pruned: &Pruned) -> UserError {
    let (failed, removed) = (
        &pruned.failed,
        !(pruned.versions.is_empty() && pruned.downloads.is_empty()),
    );
    let lines: Vec<String> = failed
        .iter()
        .map(|f| format!("`{}`: {}", f.what, f.error))
        .collect();
    UserError::new(format!(
        "{} of what `haul prune` removes could not be removed",
        crate::units::count(failed.len(), "item")
    ))
    .caused_by(lines.join("\n"))
    .hint(if removed {
        "the rest was removed (listed above); fix the cause, then run `haul prune` again (what it took out of the store but could not delete, `haul doctor --fix` deletes)"
    } else {
        "fix the cause, then run `haul prune` again (what it took out of the store but could not delete, `haul doctor --fix` deletes)"
    })
}
