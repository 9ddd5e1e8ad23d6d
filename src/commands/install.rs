//! `haul install TOOL...`: install several tools concurrently, then a summary.

use anyhow::Result;
use futures_util::StreamExt as _;
use serde::Serialize;

use crate::cli::InstallArgs;
use crate::commands::options::{self, asset_pattern, target};
use crate::context::{self, Context};
use crate::error::{ExitCode, UserError};
use crate::install::{self, Env, Options, Outcome};
use crate::request::spec::ToolSpec;
use crate::request::tool::{Overrides, Tool};
use crate::store::Record;

/// `haul install --json`: what was installed, what was already there, what failed.
#[derive(Serialize, Default)]
struct Summary {
    installed: Vec<Done>,
    unchanged: Vec<Done>,
    failed: Vec<Failed>,
}

#[derive(Serialize)]
struct Done {
    name: String,
    version: String,
    source: String,
    asset: String,
    verified_by: Option<String>,
    bins: Vec<String>,
}

#[derive(Serialize)]
struct Failed {
    tool: String,
    error: String,
}

pub fn install(args: InstallArgs, ctx: &Context) -> Result<ExitCode> {
    if args.tools.len() > 1 && (!args.bins.is_empty() || args.asset.is_some()) {
        return Err(
            UserError::new("`--bin` and `--asset` apply to one tool at a time")
                .hint("install tools that need them in separate commands")
                .exit(ExitCode::Usage)
                .into(),
        );
    }
    let overrides = Overrides {
        bins: args.bins,
        asset: asset_pattern(args.asset.as_deref())?,
    };
    let opts = Options {
        pre: args.pre,
        platform: target(args.target.as_deref())?,
        require_checksum: args.require_checksum || ctx.settings.require_checksum,
        force: args.force,
    };
    let tools = options::tools(&args.tools, &ctx.catalog()?, &overrides)?;
    let jobs = args.jobs.map_or(ctx.settings.jobs, usize::from);
    let http = ctx.http()?;
    let env = Env {
        http: &http,
        store: &ctx.store,
        printer: &ctx.printer,
        cache_dir: ctx.settings.paths.cache_dir.clone(),
    };

    let several = tools.len() > 1;
    let mut results = context::runtime()?.block_on(async {
        let all = futures_util::stream::iter(tools.iter().enumerate())
            .map(|(i, (spec, tool))| {
                let (env, opts) = (&env, &opts);
                async move {
                    let result = match tool {
                        Ok(tool) => {
                            let bar = env.printer.download_bar(&tool.name);
                            let result = install::install(env, tool, opts, &bar).await;
                            bar.finish();
                            result
                        }
                        Err(err) => Err(err.clone().into()),
                    };
                    let origin = tool.as_ref().map_or_else(|_| spec.raw.clone(), Tool::origin);
                    report(env, spec, &origin, &result, several);
                    (i, result)
                }
            })
            .buffer_unordered(jobs)
            .collect::<Vec<_>>();
        tokio::select! {
            results = all => Ok(results),
            _ = tokio::signal::ctrl_c() => Err(UserError::new("interrupted; nothing was changed by unfinished installs")
                .exit(ExitCode::Interrupted)),
        }
    })?;

    results.sort_by_key(|(i, _)| *i);
    let mut summary = Summary::default();
    let mut failures = Vec::new();
    for ((_, result), (spec, _)) in results.into_iter().zip(&tools) {
        match result {
            Ok(Outcome::Installed(record)) => summary.installed.push(done(&record)),
            Ok(Outcome::AlreadyInstalled(record)) => summary.unchanged.push(done(&record)),
            Err(err) => {
                summary.failed.push(Failed {
                    tool: spec.raw.clone(),
                    error: crate::error::Report::of(&err).one_line(),
                });
                failures.push((spec, err));
            }
        }
    }
    if args.json {
        ctx.printer.json(&summary)?;
    }
    if !summary.installed.is_empty() && !ctx.bin_dir_on_path() {
        ctx.printer.warn(&format!(
            "`{}` is not on PATH; add it with `eval \"$(haul env)\"` in your shell's profile",
            ctx.settings.paths.bin_dir.display()
        ));
    }
    match failures.as_slice() {
        [] => Ok(ExitCode::Success),
        [_] if !several => {
            let (_, err) = failures.into_iter().next().expect("one failure");
            Err(err)
        }
        _ => {
            let names: Vec<&str> = failures.iter().map(|(s, _)| s.raw.as_str()).collect();
            ctx.printer.error(&anyhow::Error::new(
                UserError::new(format!(
                    "{} of {} tools failed: {}",
                    failures.len(),
                    tools.len(),
                    names.join(", ")
                ))
                .hint("the reasons are above; the other tools were installed"),
            ));
            Ok(ExitCode::Partial)
        }
    }
}

/// One line per tool as it finishes, so a long run shows progress even without bars.
fn report(env: &Env<'_>, spec: &ToolSpec, origin: &str, result: &Result<Outcome>, several: bool) {
    match result {
        Ok(Outcome::Installed(record)) => {
            let verified = record.verified_by.as_deref().map_or_else(
                || "unverified".to_owned(),
                |by| format!("sha256 verified by {by}"),
            );
            let bins: Vec<&str> = record.bins.iter().map(|b| b.link.as_str()).collect();
            env.printer.status(
                "Installed",
                &format!(
                    "{} {} ({}; {verified}): {}",
                    record.name,
                    record.version,
                    origin,
                    bins.join(", ")
                ),
            );
        }
        Ok(Outcome::AlreadyInstalled(record)) => env.printer.status(
            "Unchanged",
            &format!(
                "{} {} is already installed (`--force` reinstalls it)",
                record.name, record.version
            ),
        ),
        // One tool's error is reported by `main` like any other command's.
        Err(err) if several => env.printer.report(&format!("error: {}", spec.raw), err),
        Err(_) => {}
    }
}

fn done(record: &Record) -> Done {
    Done {
        name: record.name.clone(),
        version: record.version.clone(),
        source: record.source.clone(),
        asset: record.asset.clone(),
        verified_by: record.verified_by.clone(),
        bins: record.bins.iter().map(|b| b.link.clone()).collect(),
    }
}
