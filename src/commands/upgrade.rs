//! `haul upgrade [TOOL...]`: move each tool (every installed one when none is named) to the
//! newest release its requirement allows, concurrently and verified like `install`; `--latest`
//! ignores the requirement and records `latest`. An upgrade that fails leaves the old version
//! active. Pinned tools (an exact version) stay unless `--latest`.

use anyhow::Result;
use futures_util::StreamExt as _;

use crate::cli::UpgradeArgs;
use crate::commands::outdated::selected;
use crate::context::{self, Context};
use crate::error::{ExitCode, unmatched_requirement};
use crate::install::batch::Item;
use crate::request::tool::{Tool, VersionQuery};
use crate::resolve;
use crate::settings::InstallSettings;
use crate::version::VersionReq;

pub fn upgrade(args: &UpgradeArgs, ctx: &Context) -> Result<ExitCode> {
    let settings = InstallSettings::resolve(
        &ctx.settings,
        args.jobs,
        crate::cli::flag_pair(args.require_checksum, args.no_require_checksum),
        false,
        None,
    )?;
    let catalog = ctx.catalog()?;
    let mut items = Vec::new();
    for name in &args.tools {
        crate::commands::options::no_version(
            name,
            "upgrade",
            "it moves to the newest release the tool's requirement allows, and `haul install \
             TOOL@VERSION` installs a given one",
        )?;
    }
    let (records, damaged) = match selected(&args.tools, ctx) {
        Ok(found) => found,
        Err(err) => {
            // A name not installed upgrades nothing: with `--json`, stdout still has the
            // summary, every tool named under `failed`.
            if args.json {
                print_none_upgraded(ctx, args, &settings, &err)?;
            }
            return Err(err);
        }
    };
    // Tools that stay where they are (pinned): unchanged, in `--json`'s summary too.
    let mut stayed = Vec::new();
    let none = records.is_empty() && damaged.is_empty();
    // What stays is part of a dry run's answer (shown with `-q`), and news in an upgrade.
    let stays = |text: &str| {
        if args.dry_run {
            ctx.printer.answer(None, text);
        } else {
            ctx.printer.info(text);
        }
    };
    for record in records {
        // Stored only (for `exec`, or a project's sync): nothing active to move forward.
        if record.active.is_none() {
            stays(&format!(
                "{} has no active version (it is stored for `haul exec` or a project); \
                 `haul install {}` makes one active",
                record.name, record.name
            ));
            continue;
        }
        let query = if args.latest {
            VersionQuery {
                req: VersionReq::Latest,
                pre: record.requirement.pre,
            }
        } else {
            VersionQuery::from_requirement(&record.requirement)?
        };
        if query.req.is_pin() {
            stays(&format!(
                "{} stays at {} (pinned; `--latest` moves it)",
                record.name, record.requirement.version
            ));
            if let Some(key) = record.active.clone() {
                stayed.push(crate::install::Outcome::Unchanged { record, key });
            }
            continue;
        }
        items.push(Item {
            raw: record.name.clone(),
            tool: Tool::from_record(&record, &catalog, query),
            locked: None,
        });
    }
    // A record that cannot be read is a tool that cannot be upgraded: it fails as one.
    items.extend(damaged.into_iter().map(|d| Item {
        raw: d.name,
        tool: Err(d.error),
        locked: None,
    }));
    if none {
        ctx.printer.info("no tools installed");
    }
    if items.is_empty() && !args.json {
        return Ok(ExitCode::Success);
    }
    let runtime = context::runtime()?;
    let http = ctx.http()?;
    if args.dry_run {
        return dry_run(ctx, &runtime, &http, &items, &settings);
    }
    let opts = crate::install::Options {
        upgrade: true,
        ..crate::install::Options::from_settings(&settings, crate::install::Linking::Activate)
    };
    let how = crate::commands::install::Batch {
        jobs: settings.jobs,
        failing: crate::install::batch::Failing::Alone,
        json: args.json,
        takes_force: false,
        stayed,
    };
    crate::commands::install::run_with(ctx, &runtime, &http, &items, &opts, &how)
}

/// `--json`'s summary when a tool named is not installed: that one with its error, the
/// others not upgraded because of it.
fn print_none_upgraded(
    ctx: &Context,
    args: &UpgradeArgs,
    settings: &InstallSettings,
    err: &anyhow::Error,
) -> Result<()> {
    let missing = match err.downcast_ref::<crate::error::Failure>() {
        Some(crate::error::Failure::NotInstalled { query }) => Some(query.as_str()),
        _ => None,
    };
    let error = crate::error::Report::of(err).one_line();
    let failed = args
        .tools
        .iter()
        .map(|tool| {
            let why = if missing.is_none_or(|m| m == tool) {
                error.clone()
            } else {
                "not upgraded, because another tool named is not installed".to_owned()
            };
            (tool.clone(), why)
        })
        .collect();
    crate::commands::install::print_not_started(ctx, &settings.bin_dir, failed)
}

/// The dry run's answer for a tool whose active version is its newest release: up to date,
/// unless it is not whole (the upgrade installs again what is missing or cannot run, links
/// again what is not linked, and fails on a file of the user's where a link goes); the error
/// it would fail with.
fn at_newest(
    ctx: &Context,
    record: Option<&crate::store::Record>,
    name: &str,
    installed: &str,
) -> Option<anyhow::Error> {
    match record.map_or(Repair::None, |r| repair_of(ctx, r)) {
        Repair::None => ctx
            .printer
            .answer(None, &format!("{name} {installed} is up to date")),
        Repair::Files => ctx.printer.answer(
            Some("Would reinstall"),
            &format!("{name} {installed} (its files are missing or cannot run)"),
        ),
        Repair::Links => ctx.printer.answer(
            Some("Would relink"),
            &format!("{name} {installed} (its links are not whole)"),
        ),
        Repair::Blocked(path) => {
            let again = record.map(|r| crate::store::install_command(r, Some(installed), true));
            let err = anyhow::Error::new(crate::store::not_ours(&path).hint(format!(
                "remove it, or {} replaces it",
                again.unwrap_or_default()
            )));
            ctx.printer.report(&format!("error: {name}"), &err);
            return Some(err);
        }
    }
    None
}

/// What an upgrade to the active version's own release does to it.
enum Repair {
    None,
    /// Its files are missing or cannot run: downloaded and installed again.
    Files,
    /// Its links are missing or wrong: made again.
    Links,
    /// A file haul did not make is where a link goes: the upgrade fails.
    Blocked(std::path::PathBuf),
}

fn repair_of(ctx: &Context, record: &crate::store::Record) -> Repair {
    use crate::store::Problem;
    // The links the upgrade makes: the ones that follow the active version (a project's own
    // bin-dir is its sync's).
    let followed = |path: &std::path::Path| {
        record
            .links
            .iter()
            .any(|l| l.version.is_none() && l.is_at(path))
    };
    let problems: Vec<Problem> = ctx
        .store
        .check(record)
        .into_iter()
        .filter(|p| match p {
            Problem::LinkMissing { path }
            | Problem::LinkWrong { path, .. }
            | Problem::LinkStale { path, .. } => followed(path),
            _ => true,
        })
        .collect();
    let active = record.active.as_deref();
    let files = problems.iter().any(|p| match p {
        Problem::VersionMissing { key }
        | Problem::ExecutableMissing { key, .. }
        | Problem::NotExecutable { key, .. } => Some(key.as_str()) == active,
        Problem::ActiveMissing { .. } => true,
        _ => false,
    });
    let blocked = problems.iter().find_map(|p| match p {
        Problem::LinkWrong {
            path,
            foreign: true,
        } => Some(path.clone()),
        _ => None,
    });
    let links = problems.iter().any(|p| {
        matches!(
            p,
            Problem::LinkMissing { .. }
                | Problem::LinkWrong { .. }
                | Problem::LinkStale { .. }
                | Problem::Unlinked { .. }
        )
    });
    if files {
        Repair::Files
    } else if let Some(path) = blocked {
        Repair::Blocked(path)
    } else if links {
        Repair::Links
    } else {
        Repair::None
    }
}

/// What would change, without changing it.
fn dry_run(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    http: &crate::fetch::Http,
    items: &[Item],
    settings: &InstallSettings,
) -> Result<ExitCode> {
    let records = ctx.store.records()?.ok;
    let mut failed: Vec<anyhow::Error> = Vec::new();
    // A tool haul cannot look up (its record unreadable, its source unknown now) fails here
    // as it would in the upgrade.
    let mut tools: Vec<&Tool> = Vec::new();
    for item in items {
        match &item.tool {
            Ok(tool) => tools.push(tool),
            Err(err) => {
                let err = anyhow::Error::new(err.clone());
                ctx.printer.report(&format!("error: {}", item.raw), &err);
                failed.push(err);
            }
        }
    }
    // Looked up `jobs` at a time, as the upgrade itself would; said in order.
    let found = runtime.block_on(
        futures_util::stream::iter(tools.iter())
            .map(|tool| resolve::release(http, tool, settings.platform))
            .buffered(settings.jobs.max(1))
            .collect::<Vec<_>>(),
    );
    for (tool, found) in tools.into_iter().zip(found) {
        let record = records.iter().find(|r| r.name == tool.name);
        let active = record.and_then(|r| r.active());
        let installed = active.map(|v| v.version.clone()).unwrap_or_default();
        match found {
            // What a dry run says is its answer: shown with `-q` too.
            // Up to date, unless it is not whole: the upgrade installs again what is missing or
            // cannot run, links again what is not linked, and fails on a file of the user's
            // where a link goes.
            Ok(release) if active.is_some_and(|a| a.tag == release.tag) => {
                if let Some(err) = at_newest(ctx, record, &tool.name, &installed) {
                    failed.push(err);
                }
            }
            Ok(release)
                if record
                    .is_some_and(|r| crate::install::older_than_active(r, &release).is_some()) =>
            {
                ctx.printer.answer(
                    None,
                    &format!(
                        "{} stays at {installed}: the newest release it finds, {}, is older",
                        tool.name,
                        release.version_label()
                    ),
                );
            }
            // The release the upgrade would download from: a release with nothing for this
            // platform fails here as it would there.
            Ok(release) => {
                let label = release.version_label();
                let fails = match resolve::parts(tool, &release, settings.platform) {
                    Ok(parts) => crate::install::surely_unverified(
                        &resolve::Resolved { release, parts },
                        settings.require_checksum,
                    ),
                    Err(err) => Some(err),
                };
                match fails {
                    None => ctx.printer.answer(
                        Some("Would move"),
                        &format!("{} {installed} to {label}", tool.name),
                    ),
                    Some(err) => {
                        let err = anyhow::Error::new(err);
                        ctx.printer.report(&format!("error: {}", tool.name), &err);
                        failed.push(err);
                    }
                }
            }
            // Nothing the requirement allows is there now: the upgrade leaves it (see
            // `install::withdrawn`).
            Err(err) if active.is_some() && unmatched_requirement(&err).is_some() => {
                ctx.printer.answer(
                    None,
                    &format!(
                        "{} stays at {installed}: no release matches `{}` now (it was withdrawn)",
                        tool.name,
                        unmatched_requirement(&err).unwrap_or_default(),
                    ),
                );
            }
            Err(err) => {
                ctx.printer.report(&format!("error: {}", tool.name), &err);
                failed.push(err);
            }
        }
    }
    // The exit code the upgrade would have: a tool alone keeps its error's, some of several
    // failing is 3, all of several 1.
    Ok(match failed.as_slice() {
        [] => ExitCode::Success,
        [err] if items.len() == 1 => crate::error::exit_code_of(err),
        some if some.len() < items.len() => ExitCode::Partial,
        _ => ExitCode::Failure,
    })
}
