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
use crate::install::Plan;
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
    // Tools that stay where they are (pinned, or only stored): unchanged, in `--json`'s
    // summary too.
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
            // Left as it is: among `--json`'s unchanged, as its newest stored version.
            if let Some(key) = record.by_version().last().map(|(key, _)| (*key).clone()) {
                stayed.push(crate::install::Outcome::Unchanged { record, key });
            }
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
        Some(crate::error::Failure::NotInstalled { query, .. }) => Some(query.as_str()),
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

/// What would change, without changing it.
fn dry_run(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    http: &crate::fetch::Http,
    items: &[Item],
    settings: &InstallSettings,
) -> Result<ExitCode> {
    let records = ctx.store.records()?.ok;
    let env = ctx.install_env(http);
    let opts = crate::install::Options {
        upgrade: true,
        ..crate::install::Options::from_settings(settings, crate::install::Linking::Activate)
    };
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
            // What the upgrade would do with the release, decided as the upgrade decides it
            // (`install::preview`): a release with nothing for this platform, a file of the
            // user's where a link goes, fail here as they would there.
            Ok(release) => {
                let at_newest = active.is_some_and(|a| a.tag == release.tag);
                let label = release.version_label();
                let plan = match resolve::parts(tool, &release, settings.platform) {
                    Ok(parts) => runtime.block_on(crate::install::preview(
                        &env,
                        tool,
                        &resolve::Resolved { release, parts },
                        &opts,
                    )),
                    Err(err) => Err(err.into()),
                };
                let name = &tool.name;
                match plan {
                    Ok(Plan::Older(_)) => ctx.printer.answer(
                        None,
                        &format!(
                            "{name} stays at {installed}: the newest release it finds, {label}, is older"
                        ),
                    ),
                    Ok(Plan::Whole(_)) => ctx
                        .printer
                        .answer(None, &format!("{name} {installed} is up to date")),
                    // `--latest` of a pinned tool at its newest release: it is kept at
                    // `latest` from now on.
                    Ok(Plan::Requirement(_)) if at_newest => ctx.printer.answer(
                        None,
                        &format!(
                            "{name} {installed} is up to date; it would follow `{}` from now on",
                            tool.requirement().version
                        ),
                    ),
                    Ok(Plan::Download(_)) if at_newest => ctx.printer.answer(
                        Some("Would reinstall"),
                        &format!("{name} {installed} (its files are missing or cannot run)"),
                    ),
                    Ok(Plan::Relink(_)) if at_newest => ctx.printer.answer(
                        Some("Would relink"),
                        &format!("{name} {installed} (its links are not whole)"),
                    ),
                    Ok(Plan::Download(_) | Plan::Relink(_) | Plan::Requirement(_)) => ctx
                        .printer
                        .answer(Some("Would move"), &format!("{name} {installed} to {label}")),
                    Err(err) => {
                        ctx.printer.report(&format!("error: {name}"), &err);
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
