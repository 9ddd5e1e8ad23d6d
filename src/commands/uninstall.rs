//! `haul uninstall TOOL[@VERSION]...`: remove tools (their links, records and files), or one
//! stored version of a tool. Every name is checked first: a typo removes nothing. A damaged
//! record can always be removed.

use anyhow::Result;

use crate::cli::UninstallArgs;
use crate::commands::options;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::store::{Change, Current, Now, link};

/// What to remove for one name.
#[derive(PartialEq, Eq)]
enum Removal {
    Tool(String),
    Version { name: String, key: String },
    Damaged(String),
}

pub fn uninstall(args: &UninstallArgs, ctx: &Context) -> Result<ExitCode> {
    if let Some(err) = &ctx.settings.config.error {
        ctx.printer.warn(&format!(
            "{} (going on without it)",
            crate::error::Report::of(&err.clone().into()).one_line()
        ));
    }
    let records = ctx.store.records()?;
    // The tools named whole: a version of one of them named too goes with it (`tool
    // tool@1.0.0`), active or not.
    let mut whole_named: Vec<String> = Vec::new();
    for query in args.tools.iter().filter(|q| !q.contains('@')) {
        if let Ok(Some((record, None))) = options::installed(query, &records, ctx) {
            whole_named.push(record.name.clone());
        }
    }
    let mut removals: Vec<Removal> = Vec::new();
    for query in &args.tools {
        // A damaged record named so is removed as it is (its error says to); a version of it
        // cannot be told (its error stands).
        if !query.contains('@')
            && let Some(damaged) = options::damaged_named(query, &records.damaged)
        {
            removals.push(Removal::Damaged(damaged.name.clone()));
            continue;
        }
        let removal = match options::installed(query, &records, ctx)? {
            Some((record, None)) => Removal::Tool(record.name.clone()),
            Some((record, Some(version))) => {
                let Some(key) = record.key_of(&version) else {
                    let stored: Vec<&str> = record
                        .versions
                        .values()
                        .map(|v| v.version.as_str())
                        .collect();
                    return Err(UserError::new(format!(
                        "`{}` {version} is not stored",
                        record.name
                    ))
                    .caused_by(format!("stored: {}", stored.join(", ")))
                    .into());
                };
                // A version stored of a tool named whole goes with it; one not stored is a
                // typo, which removes nothing.
                if whole_named.contains(&record.name) {
                    continue;
                }
                let active = record.active.as_deref() == Some(key);
                if active && record.versions.len() == 1 {
                    Removal::Tool(record.name.clone())
                } else if active && !args.force {
                    return Err(active_refused(&record.name, &version).into());
                } else {
                    Removal::Version {
                        name: record.name.clone(),
                        key: key.to_owned(),
                    }
                }
            }
            None => return Err(options::not_installed_among(query, &records.ok).into()),
        };
        removals.push(removal);
    }
    // One tool named twice (`tool lab/tool`, `tool tool@1.0.0`) is removed once: removing it
    // again would find it gone and fail after the removal, or call it damaged.
    let whole: Vec<String> = removals
        .iter()
        .filter_map(|r| match r {
            Removal::Tool(name) | Removal::Damaged(name) => Some(name.clone()),
            Removal::Version { .. } => None,
        })
        .collect();
    let mut once: Vec<Removal> = Vec::new();
    for removal in removals {
        let within_whole =
            matches!(&removal, Removal::Version { name, .. } if whole.contains(name));
        if !within_whole && !once.contains(&removal) {
            once.push(removal);
        }
    }
    for removal in once {
        match removal {
            Removal::Tool(name) | Removal::Damaged(name) => {
                let gone = ctx.store.change(&name, |now| Ok(remove_tool(now)))?;
                ctx.printer.status("Removed", &gone);
            }
            Removal::Version { name, key } => {
                let (gone, none_verified) = ctx.store.change(&name, |now| {
                    remove_version(now, &key, args.force, ctx.settings.require_checksum)
                })?;
                ctx.printer.status("Removed", &gone);
                if none_verified {
                    ctx.printer.warn(&format!(
                        "no version of `{name}` is active now: those left were stored unverified, and checksums are required (`haul install {name}@VERSION` verifies one when its release offers a checksum)"
                    ));
                }
            }
        }
    }
    Ok(ExitCode::Success)
}

/// Remove the whole tool: every link (of a damaged record: every link into its directory in
/// the bin dir), the record, every version.
fn remove_tool(now: &Now<'_>) -> (Change, String) {
    let (links, label) = match &now.current {
        Current::Record(record) => {
            let versions: Vec<&str> = record
                .versions
                .values()
                .map(|v| v.version.as_str())
                .collect();
            (
                record.links.clone(),
                format!("{} {}", record.name, versions.join(", ")),
            )
        }
        Current::Damaged(_) | Current::None => (
            links_into(now),
            format!("{} (its record was damaged)", now.name),
        ),
    };
    (
        Change {
            record: None,
            unlink: links,
            ..Change::default()
        },
        label,
    )
}

/// The links in the bin dir that point into a tool's directory, and that no other tool's
/// record lists (on Windows a link is a copy, told by its name and bytes: another tool's copy
/// of the same program is that tool's).
fn links_into(now: &Now<'_>) -> Vec<crate::store::Link> {
    let dir = now.store.tool_dir(now.name);
    std::fs::read_dir(&now.store.bin_dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| link::points_into(p, &dir) && now.taken_by_other(p).is_none())
                .map(|path| crate::store::Link {
                    bin: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    path,
                    version: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The error for removing the active version without `--force`.
fn active_refused(name: &str, version: &str) -> UserError {
    UserError::new(format!("`{name}` {version} is the active version"))
        .hint(format!(
            "`haul rollback {name}` or `haul install {name}@VERSION` first, `--force` to remove it anyway, or `haul uninstall {name}` to remove every version"
        ))
        .exit(ExitCode::Usage)
}

/// Remove one stored version; when it is the active one (only with `force`: the store is
/// asked again under its lock, another haul may have made it active since), the previous
/// version becomes active. Returns what was removed, and whether nothing is active because
/// the versions left were stored unverified (`verified_only`: checksums are required).
fn remove_version(
    now: &Now<'_>,
    key: &str,
    force: bool,
    verified_only: bool,
) -> Result<(Change, (String, bool))> {
    let Some(record) = now.record() else {
        return Err(options::not_installed(now.name).into());
    };
    let mut record = record.clone();
    let version = record
        .versions
        .get(key)
        .map_or(key, |v| v.version.as_str())
        .to_owned();
    let mut label = if version == key {
        format!("{} {version}", record.name)
    } else {
        // A copy stored apart (a project's) is told from the version by its key.
        format!("{} {version} ({key})", record.name)
    };
    let mut unlink = Vec::new();
    if record.active.as_deref() == Some(key) && !force {
        return Err(active_refused(&record.name, &version).into());
    }
    let whole_tool = |now| {
        let (change, label) = remove_tool(now);
        Ok((change, (label, false)))
    };
    let mut none_verified = false;
    if record.active.as_deref() == Some(key) {
        let gone = [key.to_owned()];
        match record.fallback(&gone, verified_only) {
            Some(next) => {
                unlink = record.reactivate(&next, &[], crate::store::now());
                let shown = record.versions.get(&next).map_or(&next, |v| &v.version);
                label = format!("{label}; {shown} is active now");
            }
            // What is left is only projects' (it stays theirs), or stored unverified where
            // checksums are required: nothing is active.
            None if record.versions.len() > 1 => {
                none_verified = record.fallback(&gone, false).is_some();
                unlink = record.deactivate();
            }
            None => return whole_tool(now),
        }
    }
    record.remove_version(key);
    // A project's links to it go with it (`haul sync` there stores it again).
    unlink.extend(record.unpin(key));
    if record.versions.is_empty() {
        return whole_tool(now);
    }
    now.claim_links(&record)?;
    Ok((
        Change {
            record: Some(record),
            remove: vec![key.to_owned()],
            unlink,
            ..Change::default()
        },
        (label, none_verified),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the version is active is asked of the record under the store's lock, not of
    /// what was read before: another haul may have made it active since.
    #[test]
    fn removing_the_version_active_now_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let (store, record) =
            crate::testing::store_with_record(dir.path(), &["1.0.0", "2.0.0"], "1.0.0");
        let err = store
            .change("t", |now| remove_version(now, "1.0.0", false, false))
            .unwrap_err();
        assert!(err.to_string().contains("is the active version"), "{err:#}");
        assert_eq!(store.read("t").unwrap(), Some(record));
        store
            .change("t", |now| remove_version(now, "1.0.0", true, false))
            .unwrap();
        let now = store.read("t").unwrap().unwrap();
        assert_eq!(now.active.as_deref(), Some("2.0.0"));
        assert!(!now.versions.contains_key("1.0.0"));
    }
}
