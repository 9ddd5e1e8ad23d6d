//! `haul which TOOL`: the path of an installed tool's executable, for scripts. Exits 1 when the
//! tool is not installed, or its link or the file behind it is missing or cannot run.

use std::path::Path;

use anyhow::Result;

use crate::cli::WhichArgs;
use crate::commands::options;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::store::{Bin, ExeState, link};

pub fn which(args: &WhichArgs, ctx: &Context) -> Result<ExitCode> {
    // The store as of one moment: never a change another haul is making, half-made.
    let _reading = ctx.store.reading()?;
    // Inside a project, the version haul.lock pins.
    if let Some((project, locked, asked)) = crate::commands::sync::locked_entry(ctx, &args.tool)? {
        return which_locked(ctx, &args.tool, &project, &locked, &asked);
    }
    // The name itself first: one small file, for scripts that call `which` often.
    options::no_version(
        &args.tool,
        "which",
        "it prints the active version's executable, and `haul exec TOOL@VERSION` runs another",
    )?;
    // A damaged record says so (and how to mend it), not that the tool is not installed.
    let by_name = match crate::names::segment(crate::names::NameKind::Tool, &args.tool) {
        Ok(name) => ctx.store.read(name)?,
        Err(_) => None,
    };
    let record = if let Some(record) = by_name {
        record
    } else {
        let records = ctx.store.records()?;
        let Some((record, _)) = options::installed(&args.tool, &records, ctx)? else {
            // A link of that name into the store of a tool whose record is damaged is that
            // tool's (`--bin widget=wg`): its record says what is wrong.
            if let Some(damaged) = options::damaged_link(ctx, &records.damaged, &args.tool) {
                return Err(damaged.error.clone().into());
            }
            return Err(options::not_installed_among(&args.tool, &records.ok).into());
        };
        record.clone()
    };
    let wanted = crate::platform::file_name::exe_stem(&args.tool).unwrap_or(&args.tool);
    let chosen = link_named(&record, wanted, &ctx.settings.paths.bin_dir)?;
    let Some(chosen) = chosen else {
        return Err(
            UserError::new(format!("`{}` has no active version linked", record.name))
                .hint(format!(
                    "make one active with `haul install {}`",
                    record.name
                ))
                .into(),
        );
    };
    let target = ctx.store.linked_bin(&record, chosen);
    if let Some((key, target, bin)) = &target {
        let gone = crate::store::Problem::ExecutableMissing {
            key: (*key).to_owned(),
            path: target.clone(),
        };
        check_target(
            target,
            bin,
            &gone.remedy(&record),
            &crate::store::reinstall_hint(&record, key),
        )?;
    }
    if !target.is_some_and(|(_, t, _)| link::points_to(&chosen.path, &t)) {
        // What is wrong with the link, as `list` and `doctor` say it (a file of the user's
        // where it goes is theirs to remove: `doctor --fix` leaves it); with the active
        // version not stored, that (whatever the link still runs).
        let problem = ctx
            .store
            .check(&record)
            .into_iter()
            .find(|p| {
                matches!(p, crate::store::Problem::ActiveMissing { .. })
                    || p.link_path().is_some_and(|path| chosen.is_at(path))
            })
            .unwrap_or_else(|| crate::store::Problem::LinkMissing {
                path: chosen.path.clone(),
            });
        return Err(UserError::new(problem.describe(&record.name))
            .hint(problem.remedy(&record))
            .into());
    }
    ctx.printer.data(&chosen.path.display().to_string());
    Ok(ExitCode::Success)
}

/// The link the name `wanted` refers to: the one linked under that name, else the first; in
/// `bin_dir` when it is linked there.
fn link_named<'r>(
    record: &'r crate::store::Record,
    wanted: &str,
    bin_dir: &std::path::Path,
) -> Result<Option<&'r crate::store::Link>> {
    // The active version's links only: a project's are for that project. Named as spelled,
    // else in any case (`KUBENS` is `kubens`, never the tool's first executable).
    let named = |any_case: bool| {
        move |l: &&crate::store::Link| {
            let stem = l.bin.strip_suffix(".exe").unwrap_or(&l.bin);
            l.version.is_none()
                && if any_case {
                    stem.eq_ignore_ascii_case(wanted)
                } else {
                    stem == wanted
                }
        }
    };
    // The first link stands for the tool's name, never for another of its executables: that
    // one is linked under its own name, or not at all.
    let another_executable = !wanted.eq_ignore_ascii_case(&record.name)
        && record.active().is_some_and(|v| {
            v.bins
                .iter()
                .any(|b| b.link_stem().eq_ignore_ascii_case(wanted))
        });
    let here = |l: &&crate::store::Link| l.path.parent() != Some(bin_dir);
    let chosen = record
        .links
        .iter()
        .filter(named(false))
        .min_by_key(here)
        // In any case, the tool's own executable first (`TOOL` of a tool `tool` that has
        // `tool` and `Tool`), as `exec` runs it.
        .or_else(|| {
            record.links.iter().filter(named(true)).min_by_key(|l| {
                (
                    l.bin.strip_suffix(".exe").unwrap_or(&l.bin) != record.name,
                    here(l),
                )
            })
        })
        .or_else(|| {
            record
                .links
                .iter()
                .filter(|l| l.version.is_none() && !another_executable)
                .min_by_key(here)
        });
    if chosen.is_none() && another_executable {
        return Err(
            UserError::new(format!("`{wanted}` of `{}` is linked nowhere", record.name))
                .hint("its name may have been taken over by another tool; `haul doctor` says")
                .into(),
        );
    }
    Ok(chosen)
}

/// The executable of the locked version: its link in the project's bin dir when that is where
/// `haul sync` put it, else the file in the store.
fn which_locked(
    ctx: &Context,
    query: &str,
    project: &crate::project::Project,
    locked: &crate::project::lock::LockedTool,
    asked: &[crate::names::WantedBin],
) -> Result<ExitCode> {
    // One record, by the name the lock gives (checked when the lock was read); a damaged one
    // is an error, not "not installed".
    let record = ctx.store.read(&locked.name)?;
    let platform = crate::platform::host::platform();
    let here = project.bin_dir()?;
    let Some((record, key)) = record.as_ref().and_then(|r| {
        locked
            .stored_key(r, platform, here.as_deref(), asked)
            .map(|k| (r, k.to_owned()))
    }) else {
        use crate::commands::sync::{NotStored, OTHER_FILES_HINT, not_stored};
        return Err(match not_stored(locked, record.as_ref(), platform) {
            NotStored::NoBuild(err) => err,
            NotStored::OtherFiles => UserError::new(format!(
                "`{}` {} (as haul.lock pins it) is not installed: the copy stored is of other files (their SHA-256 differ)",
                locked.name, locked.version
            ))
            .hint(OTHER_FILES_HINT),
            NotStored::Missing => UserError::new(format!(
                "`{}` {} (as haul.lock pins it) is not installed",
                locked.name, locked.version
            ))
            .hint("run `haul sync`"),
        }
        .into());
    };
    let version = &record.versions[&key];
    let wanted = crate::platform::file_name::exe_stem(query).unwrap_or(query);
    // The tool's name or key stands for the first executable the entry asks for (a copy
    // stored with the same ones in another order has another first), else the copy's first;
    // a link's name for that one alone, never another. Names are in any case.
    let by_link =
        !wanted.eq_ignore_ascii_case(&locked.name) && !query.eq_ignore_ascii_case(&locked.key);
    let first = || {
        asked
            .first()
            .and_then(|w| version.bins.iter().find(|b| b.link_stem() == w.link_name()))
            .or_else(|| version.bins.first())
    };
    let bin = version
        .bin_named(wanted)
        .or_else(|| first().filter(|_| !by_link))
        .ok_or_else(|| {
            UserError::new(format!(
                "`{}` {} (as haul.lock pins it) has no executable linked as `{wanted}`",
                locked.name, locked.version
            ))
            .hint("run `haul sync`")
        })?;
    let target = ctx.store.version_dir(&record.name, &key).join(&bin.path);
    // Its link: the one `haul sync` made in this project's bin-dir (not another project's),
    // else the active version's.
    let links_here = |l: &&crate::store::Link| {
        l.bin == bin.link
            && (l.version.is_none() || l.path.parent() == here.as_deref())
            && ctx.store.link_target(record, l).as_ref() == Some(&target)
            && link::points_to(&l.path, &target)
    };
    let linked = record
        .links
        .iter()
        .filter(links_here)
        .min_by_key(|l| l.version.is_none());
    let path = linked.map_or_else(|| target.clone(), |l| l.path.clone());
    check_target(
        &target,
        bin,
        "run `haul sync` to repair it",
        &crate::store::reinstall_hint(record, &key),
    )?;
    ctx.printer.data(&path.display().to_string());
    Ok(ExitCode::Success)
}

/// Why the executable at `target`, installed as `bin`, cannot be given out: it is missing
/// (`repair` says what to do), may not run, or is not the file haul installed (`reinstall` says
/// what puts it back).
pub fn check_target(
    target: &Path,
    bin: &Bin,
    repair: &str,
    reinstall: &str,
) -> Result<(), UserError> {
    match crate::store::executable_at(target, bin) {
        ExeState::Runnable => Ok(()),
        ExeState::Missing => {
            Err(UserError::new(format!("`{}` is missing", target.display())).hint(repair))
        }
        ExeState::NotExecutable => Err(UserError::new(format!(
            "`{}` is not executable",
            target.display()
        ))
        .hint("`haul doctor --fix` makes it executable again")),
        ExeState::Changed(drift) => Err(UserError::new(drift.describe(target)).hint(reinstall)),
    }
}
