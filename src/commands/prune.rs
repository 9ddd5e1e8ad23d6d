//! `haul prune [--dry-run]`: remove stored versions that are not in use (neither active nor
//! linked into a project's bin-dir), and the cached downloads of versions no longer stored.

use anyhow::Result;
use serde::Serialize;

use crate::cli::PruneArgs;
use crate::commands::cache::{kept_downloads, removable, remove};
use crate::commands::doctor::size_of;
use crate::context::Context;
use crate::error::ExitCode;
use crate::store::{Change, Now, Record};
use crate::units::size;

/// `haul prune --json`.
#[derive(Serialize, Default)]
struct Pruned {
    versions: Vec<StoredVersion>,
    downloads: Vec<Download>,
    bytes: u64,
    dry_run: bool,
}

#[derive(Serialize)]
struct StoredVersion {
    name: String,
    version: String,
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

/// The change that removes the versions of `keys` still not in use under the store's lock.
fn remove_unused(now: &Now<'_>, keys: &[String]) -> Change {
    let Some(current) = now.record() else {
        return Change::default();
    };
    let mut record = current.clone();
    let (mut gone, mut unlink) = (Vec::new(), Vec::new());
    for key in keys {
        if !in_use(&record, key) {
            // The links of a project that is gone go with its version.
            unlink.extend(record.unpin(key));
            if record.remove_version(key) {
                gone.push(key.clone());
            }
        }
    }
    // A tool with nothing active and nothing left stored is gone.
    let record = (!record.versions.is_empty()).then_some(record);
    Change {
        record,
        remove: gone,
        unlink,
        ..Change::default()
    }
}

pub fn prune(args: &PruneArgs, ctx: &Context) -> Result<ExitCode> {
    let store = &ctx.store;
    let mut pruned = Pruned {
        dry_run: args.dry_run,
        ..Pruned::default()
    };
    for record in store.records()?.ok {
        // Listed oldest to newest by version (1.9.0 before 1.10.0), as `list --all` does.
        let inactive: Vec<String> = record
            .by_version()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !in_use(&record, k))
            .cloned()
            .collect();
        for key in &inactive {
            let bytes = size_of(&store.version_dir(&record.name, key));
            pruned.versions.push(StoredVersion {
                name: record.name.clone(),
                version: record.versions[key].version.clone(),
                bytes,
            });
            pruned.bytes += bytes;
        }
        if args.dry_run || inactive.is_empty() {
            continue;
        }
        store.change(&record.name, |now| Ok((remove_unused(now, &inactive), ())))?;
    }
    // Downloads of what stays stored are kept.
    let mut records = store.records()?.ok;
    if args.dry_run {
        for record in &mut records {
            let used: Vec<String> = record
                .versions
                .keys()
                .filter(|k| in_use(record, k))
                .cloned()
                .collect();
            record.versions.retain(|k, _| used.contains(k));
        }
    }
    let keep = kept_downloads(&records);
    let downloads = ctx.downloads_dir();
    for (path, bytes) in removable(ctx, &keep) {
        if !path.starts_with(&downloads) {
            continue;
        }
        if !args.dry_run {
            remove(&path);
        }
        pruned.downloads.push(Download {
            path: path.display().to_string(),
            bytes,
        });
        pruned.bytes += bytes;
    }
    if args.json {
        ctx.printer.json(&pruned)?;
        return Ok(ExitCode::Success);
    }
    let verb = if args.dry_run {
        "Would remove"
    } else {
        "Removed"
    };
    for v in &pruned.versions {
        ctx.printer.status(
            verb,
            &format!("{} {} ({})", v.name, v.version, size(v.bytes)),
        );
    }
    for d in &pruned.downloads {
        ctx.printer
            .status(verb, &format!("{} ({})", d.path, size(d.bytes)));
    }
    let total = if pruned.versions.is_empty() && pruned.downloads.is_empty() {
        "nothing to prune".to_owned()
    } else {
        format!("{} in all", size(pruned.bytes))
    };
    ctx.printer.info(&total);
    Ok(ExitCode::Success)
}
