//! `haul rollback TOOL`: make the previously active version active again; a second rollback
//! goes forward again. The version is still in the store, so nothing is downloaded.

use anyhow::Result;

use crate::cli::RollbackArgs;
use crate::commands::options;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::store::{Change, Record};

pub fn rollback(args: &RollbackArgs, ctx: &Context) -> Result<ExitCode> {
    options::no_version(
        &args.tool,
        "rollback",
        "it goes back to the version active before, and `haul install TOOL@VERSION` makes a given one active",
    )?;
    let records = ctx.store.records()?;
    let Some((record, _)) = options::installed(&args.tool, &records, ctx)? else {
        // A tool whose record is damaged is not absent: its record says what is wrong.
        if let Some(damaged) = records.damaged.iter().find(|d| d.name == args.tool) {
            return Err(damaged.error.clone().into());
        }
        return Err(options::not_installed_among(&args.tool, &records.ok).into());
    };
    let store = &ctx.store;
    let (from, to) = store.change(&record.name, |now| {
        let Some(record) = now.record() else {
            return Err(options::not_installed(now.name).into());
        };
        let mut record = record.clone();
        // Stored only (for `haul exec`, or a project's sync): nothing is active to go back from.
        if record.active.is_none() {
            return Err(UserError::new(format!(
                "`{}` has no active version to roll back from",
                record.name
            ))
            .caused_by("its versions are stored for `haul exec` or a project's `haul sync`")
            .hint(format!(
                "`haul install {}@VERSION` makes one of them active",
                record.name
            ))
            .into());
        }
        let Some(previous) = record.previous().map(str::to_owned) else {
            return Err(UserError::new(format!(
                "no earlier version of `{}` is stored",
                record.name
            ))
            .hint(format!(
                "install the one you want with `haul install {}@VERSION`",
                record.name
            ))
            .into());
        };
        // Where checksums are required, a version stored unverified is not made active again
        // (an install of it would verify it first, or refuse it).
        if ctx.settings.require_checksum
            && let Some(stored) = record.versions.get(&previous)
            && stored.verified_by().is_none()
        {
            let version = &stored.version;
            return Err(UserError::new(format!(
                "`{}` {version} was stored unverified, and checksums are required",
                record.name
            ))
            .hint(format!(
                "`haul install {}@{version}` verifies it when its release offers a checksum",
                record.name
            ))
            .exit(ExitCode::Verification)
            .into());
        }
        let dir = store.version_dir(&record.name, &previous);
        if !dir.is_dir() {
            return Err(files_gone(&record, &previous).into());
        }
        let label = |key: &str| {
            record
                .versions
                .get(key)
                .map_or_else(|| key.to_owned(), |v| v.version.clone())
        };
        let mut from = record.active.as_deref().map(label).unwrap_or_default();
        let mut to = label(&previous);
        // Two copies of one version (a project's, with other executables) are told apart by
        // their keys.
        if from == to {
            from = format!("{from} ({})", record.active.as_deref().unwrap_or_default());
            to = format!("{to} ({previous})");
        }
        // A tool whose links another took over (`install --force`) is linked nowhere: the
        // version made active again links into the bin dir, where the name must be free.
        let dirs = if record.bin_dirs().is_empty() {
            vec![now.store.bin_dir.clone()]
        } else {
            Vec::new()
        };
        let unlink = record.reactivate(&previous, &dirs, crate::store::now());
        now.claim_links(&record)?;
        Ok((
            Change {
                record: Some(record),
                unlink,
                ..Change::default()
            },
            (from, to),
        ))
    })?;
    ctx.printer
        .status("Rolled back", &format!("{} {from} to {to}", record.name));
    Ok(ExitCode::Success)
}

/// The error for a version to roll back to whose files are gone, with what puts it back.
fn files_gone(record: &Record, previous: &str) -> UserError {
    let version = record
        .versions
        .get(previous)
        .map_or(previous, |v| v.version.as_str());
    UserError::new(format!(
        "the files of `{}` {previous} are gone",
        record.name
    ))
    .hint(format!(
        "{} installs it again and makes it active (pinned to it); `haul doctor --fix` drops it \
         from the record",
        crate::store::install_command(record, Some(version), false)
    ))
}
