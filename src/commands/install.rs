//! `haul install TOOL...`: install several tools concurrently, then a summary.

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::InstallArgs;
use crate::commands::options::{self, asset_pattern};
use crate::context::{self, Context};
use crate::error::{ExitCode, Report, UserError};
use crate::install::batch::{self, Failing, Item, Withheld};
use crate::install::{Linking, Options, Outcome};
use crate::names::WantedBin;
use crate::request::tool::Overrides;
use crate::settings::InstallSettings;

/// `haul install --json`: what was installed, what was already there, what failed.
#[derive(Serialize, Default)]
struct Summary {
    /// The directory the links went to (a project's own bin-dir for `haul sync` there).
    bin_dir: String,
    installed: Vec<Done>,
    unchanged: Vec<Done>,
    failed: Vec<Failed>,
}

/// One tool of `haul install --json`; the keys `haul list --json` has for the same things.
#[derive(Serialize)]
pub struct Done {
    name: String,
    version: String,
    tag: String,
    source: String,
    platform: String,
    /// The version that was active before, when it was another.
    was: Option<String>,
    asset: String,
    url: String,
    sha256: String,
    verified_by: Option<String>,
    bins: Vec<String>,
}

#[derive(Serialize)]
struct Failed {
    tool: String,
    error: String,
}

pub fn install(args: &InstallArgs, ctx: &Context) -> Result<ExitCode> {
    if args.tools.len() > 1 && (!args.bins.is_empty() || args.asset.is_some()) {
        return Err(
            UserError::new("`--bin` and `--asset` apply to one tool at a time")
                .hint("install tools that need them in separate commands")
                .exit(ExitCode::Usage)
                .into(),
        );
    }
    let require = crate::cli::flag_pair(args.require_checksum, args.no_require_checksum);
    let settings = InstallSettings::resolve(
        &ctx.settings,
        args.jobs,
        require,
        args.force,
        args.target.as_deref(),
    )?;
    let overrides = Overrides {
        bins: args
            .bins
            .iter()
            .map(|b| WantedBin::parse(b).map(|b| b.without_suffix(settings.platform.exe_suffix())))
            .collect::<Result<_, _>>()?,
        asset: asset_pattern(args.asset.as_deref())?,
        pre: args.pre,
    };
    let items = options::tools(&args.tools, &ctx.catalog()?, &overrides, ctx)?;
    let runtime = context::runtime()?;
    let http = ctx.http()?;
    run(ctx, &runtime, &http, &items, &settings, args.json)
}

/// Install (or upgrade, or sync) `items` concurrently, each reported as it finishes, then the
/// summary.
pub fn run(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    http: &crate::fetch::Http,
    items: &[Item],
    settings: &InstallSettings,
    json: bool,
) -> Result<ExitCode> {
    let opts = Options::from_settings(settings, Linking::Activate);
    let batch = Batch {
        jobs: settings.jobs,
        failing: Failing::Alone,
        json,
        takes_force: true,
        stayed: Vec::new(),
    };
    run_with(ctx, runtime, http, items, &opts, &batch)
}

/// How a batch runs: `jobs` tools at a time, each alone or all together, whether it prints
/// JSON, and whether its command takes `--force` (its messages may suggest it).
pub struct Batch {
    pub jobs: usize,
    pub failing: Failing,
    pub json: bool,
    pub takes_force: bool,
    /// Tools left as they are before the batch (`upgrade`'s pinned ones): unchanged.
    pub stayed: Vec<Outcome>,
}

/// `--json`'s summary of a batch that never started because some of its tools failed first
/// (`haul sync` whose lock could not be made): `failed` has every tool, each with its error or
/// why it was not installed.
pub fn print_not_started(
    ctx: &Context,
    bin_dir: &std::path::Path,
    failed: Vec<(String, String)>,
) -> Result<()> {
    ctx.printer.json(&Summary {
        bin_dir: bin_dir.display().to_string(),
        failed: failed
            .into_iter()
            .map(|(tool, error)| Failed { tool, error })
            .collect(),
        ..Summary::default()
    })
}

/// [`run`] with the options given.
pub fn run_with(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    http: &crate::fetch::Http,
    items: &[Item],
    opts: &Options,
    how: &Batch,
) -> Result<ExitCode> {
    let env = ctx.install_env(http);
    let several = items.len() > 1;
    let results = batch::run(
        runtime,
        &env,
        items,
        opts,
        how.jobs,
        how.failing,
        &|item, result| {
            report(ctx, item, result, several, how.takes_force);
        },
    )?;
    finish(ctx, items, results, how, opts)
}

/// The summary, the JSON and the exit code of a batch of installs (or upgrades).
fn finish(
    ctx: &Context,
    items: &[Item],
    results: Vec<Result<Outcome>>,
    how: &Batch,
    opts: &Options,
) -> Result<ExitCode> {
    let mut summary = Summary {
        bin_dir: opts.bin_dir.display().to_string(),
        ..Summary::default()
    };
    let mut failures = Vec::new();
    for (item, result) in items.iter().zip(results) {
        match result {
            Ok(outcome @ (Outcome::Installed { .. } | Outcome::Relinked { .. })) => {
                summary.installed.push(done(&outcome));
            }
            Ok(outcome @ Outcome::Unchanged { .. }) => summary.unchanged.push(done(&outcome)),
            Err(err) => {
                summary.failed.push(Failed {
                    tool: item.raw.clone(),
                    error: Report::of(&err).one_line(),
                });
                // A tool withheld because another failed is not a failure of its own.
                if err.downcast_ref::<Withheld>().is_none() {
                    failures.push((item, err));
                }
            }
        }
    }
    summary.unchanged.extend(how.stayed.iter().map(done));
    if how.json {
        ctx.printer.json(&summary)?;
    }
    // About the directory the links went to: a project's own bin-dir is one to put on PATH
    // while working in the project, not in a profile.
    if !summary.installed.is_empty() && !ctx.on_path(&opts.bin_dir) {
        let how = if opts.linking.project().is_some() {
            "put it on PATH while you work in the project (`haul exec TOOL` runs a tool meanwhile)"
        } else {
            crate::commands::env::profile_advice(ctx)
        };
        ctx.printer.warn(&format!(
            "`{}` is not on PATH; {how}",
            opts.bin_dir.display()
        ));
    }
    let succeeded = summary.installed.len() + summary.unchanged.len();
    match failures.as_slice() {
        [] => Ok(ExitCode::Success),
        [_] if items.len() == 1 && summary.failed.len() == 1 => {
            let (_, err) = failures.into_iter().next().expect("one failure");
            Err(err)
        }
        _ => {
            let names: Vec<&str> = failures.iter().map(|(i, _)| i.raw.as_str()).collect();
            // Verification failures keep their own code when nothing else failed.
            let all_verification = failures
                .iter()
                .all(|(_, e)| crate::error::exit_code_of(e) == ExitCode::Verification);
            let nothing_changed = summary.installed.is_empty()
                && (how.failing == Failing::Together || succeeded == 0);
            let (hint, code) = if nothing_changed {
                (
                    if how.failing == Failing::Together {
                        "the reasons are above; nothing was installed: the tools are installed all together or not at all"
                    } else {
                        "the reasons are above; nothing was installed"
                    },
                    if all_verification {
                        ExitCode::Verification
                    } else {
                        ExitCode::Failure
                    },
                )
            } else if summary.failed.len() > failures.len() {
                // A change that failed once all were ready stopped the rest (withheld).
                (
                    "the reasons are above; the tools changed before it were installed, the \
                     ones withheld were not: run the command again to complete it",
                    ExitCode::Partial,
                )
            } else if summary.installed.is_empty() {
                (
                    "the reasons are above; the other tools were installed already (unchanged)",
                    ExitCode::Partial,
                )
            } else {
                (
                    "the reasons are above; the other tools were installed",
                    ExitCode::Partial,
                )
            };
            ctx.printer.error(&anyhow::Error::new(
                UserError::new(format!(
                    "{} of {} failed: {}",
                    failures.len(),
                    crate::units::count(items.len(), "tool"),
                    names.join(", ")
                ))
                .hint(hint),
            ));
            Ok(code)
        }
    }
}

/// One line per tool as it finishes, so a long run shows progress even without bars.
pub fn report(
    ctx: &Context,
    item: &Item,
    result: &Result<Outcome>,
    several: bool,
    takes_force: bool,
) {
    let printer = &ctx.printer;
    let origin = item
        .tool
        .as_ref()
        .map_or_else(|_| item.raw.clone(), crate::request::tool::Tool::origin);
    match result {
        Ok(outcome) => {
            let record = outcome.record();
            let Some(version) = outcome.installed() else {
                return;
            };
            let bins: Vec<&str> = version.bins.iter().map(|b| b.link.as_str()).collect();
            let verified = verified_by(version);
            match outcome {
                Outcome::Installed {
                    was,
                    replaced,
                    activated,
                    ..
                } => {
                    let mut line = format!(
                        "{} {}{} ({origin}; {verified}): {}",
                        record.name,
                        version.version,
                        moved_from(was.as_deref(), &version.version),
                        bins.join(", ")
                    );
                    if let Some(replaced) = replaced {
                        let _ = write!(line, "; replaced `{replaced}`");
                    }
                    for took in outcome.took() {
                        let _ = write!(line, "; {took}");
                    }
                    let verb = if *activated { "Installed" } else { "Stored" };
                    printer.status(verb, &line);
                }
                Outcome::Relinked { was, .. } => {
                    let mut line = format!(
                        "{} {}{} (already stored): {}",
                        record.name,
                        version.version,
                        moved_from(was.as_deref(), &version.version),
                        bins.join(", ")
                    );
                    for took in outcome.took() {
                        let _ = write!(line, "; {took}");
                    }
                    printer.status("Linked", &line);
                }
                Outcome::Unchanged { .. } => printer.status(
                    "Unchanged",
                    &format!(
                        "{} {} is already installed{}",
                        record.name,
                        version.version,
                        if takes_force {
                            " (`--force` reinstalls it)"
                        } else {
                            ""
                        }
                    ),
                ),
            }
            warn_changed(ctx, outcome);
        }
        Err(err) if err.downcast_ref::<Withheld>().is_some() => printer.status(
            "Withheld",
            &format!(
                "{}: ready, but not installed, because another tool failed",
                item.tool.as_ref().map_or(&item.raw, |tool| &tool.name)
            ),
        ),
        // One tool's error is reported by `main` like any other command's.
        Err(err) if several => printer.report(&format!("error: {}", item.raw), err),
        Err(_) => {}
    }
}

/// A version kept (or made active) as it is stored, whose executable has changed since it was
/// installed: the change may be the user's own, so it stays, but not without a word.
fn warn_changed(ctx: &Context, outcome: &Outcome) {
    if !matches!(
        outcome,
        Outcome::Unchanged { .. } | Outcome::Relinked { .. }
    ) {
        return;
    }
    let (record, key) = (outcome.record(), outcome.key());
    for problem in ctx.store.check(record) {
        if let crate::store::Problem::Changed { key: changed, .. } = &problem
            && changed == key
        {
            ctx.printer.warn(&format!(
                "{}; {}",
                problem.describe(&record.name),
                crate::store::reinstall_hint(record, key)
            ));
        }
    }
}

/// ` (was 2.0.0-rc.1, a downgrade)` when the active version moved.
fn moved_from(was: Option<&str>, now: &str) -> String {
    let Some(was) = was else {
        return String::new();
    };
    let older = match (
        crate::version::Version::from_tag(was),
        crate::version::Version::from_tag(now),
    ) {
        (Some(was), Some(now)) => now < was,
        _ => false,
    };
    if older {
        format!(" (was {was}, a downgrade)")
    } else {
        format!(" (was {was})")
    }
}

fn verified_by(version: &crate::store::record::Installed) -> String {
    let mut by: Vec<&str> = version
        .artifacts
        .iter()
        .filter_map(|a| a.verified_by.as_deref())
        .collect();
    let whole = !by.is_empty() && by.len() == version.artifacts.len();
    // Two files verified by one source name it once.
    let mut seen = Vec::new();
    by.retain(|source| {
        let first = !seen.contains(source);
        seen.push(*source);
        first
    });
    if whole {
        let algorithm = if version.artifacts.iter().any(|a| a.sha512.is_some()) {
            "sha512"
        } else {
            "sha256"
        };
        format!("{algorithm} verified by {}", by.join(", "))
    } else {
        "unverified".to_owned()
    }
}

fn done(outcome: &Outcome) -> Done {
    let record = outcome.record();
    let version = outcome.installed();
    let first = version.and_then(|v| v.artifacts.first());
    Done {
        name: record.name.clone(),
        version: version.map(|v| v.version.clone()).unwrap_or_default(),
        tag: version.map(|v| v.tag.clone()).unwrap_or_default(),
        source: record.identity.source.clone(),
        platform: version.map(|v| v.platform.clone()).unwrap_or_default(),
        was: match outcome {
            Outcome::Installed { was, .. } | Outcome::Relinked { was, .. } => was.clone(),
            Outcome::Unchanged { .. } => None,
        },
        asset: first.map(|a| a.asset.clone()).unwrap_or_default(),
        url: first.map(|a| a.url.clone()).unwrap_or_default(),
        sha256: first.map(|a| a.sha256.clone()).unwrap_or_default(),
        verified_by: version
            .and_then(crate::store::record::Installed::verified_by)
            .map(str::to_owned),
        bins: version
            .map(|v| v.bins.iter().map(|b| b.link.clone()).collect())
            .unwrap_or_default(),
    }
}
