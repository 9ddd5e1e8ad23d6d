//! `haul lock [--upgrade [TOOL...]]`: resolve `haul.toml` for every platform it names and
//! write `haul.lock`. Entries whose requirement still holds are kept as they are (no network);
//! `--upgrade` moves them forward within their requirements.

use anyhow::Result;
use futures_util::StreamExt as _;

use crate::cli::LockArgs;
use crate::context::{self, Context};
use crate::error::{ExitCode, UserError};
use crate::project::Project;
use crate::project::lock::{self, Lock, LockedTool};
use crate::project::manifest::Wanted;
use crate::request::installed;
use crate::request::tool::{Overrides, Tool, VersionQuery};
use crate::resolve;
use crate::units::count;
use crate::version::VersionReq;

pub fn lock(args: &LockArgs, ctx: &Context) -> Result<ExitCode> {
    let dir = crate::project::require_dir(&ctx.settings.cwd)?;
    let _held = crate::commands::project::hold(ctx, &dir)?;
    let (project, unreadable) = Project::to_relock(&dir)?;
    if let Some(err) = unreadable {
        // Written again from haul.toml: what the old lock pinned cannot be kept.
        ctx.printer.warn(&format!(
            "{}; writing it again from {}",
            err.one_line(),
            crate::project::manifest::FILE
        ));
    }
    let jobs = args.jobs.map_or(ctx.settings.jobs, usize::from);
    relock(ctx, &project, args.upgrade.as_deref(), jobs)?;
    Ok(ExitCode::Success)
}

/// What became of one entry.
enum Locked {
    Kept(LockedTool),
    New(LockedTool),
}

/// What a manifest entry resolves to with `catalog`, as `haul lock` resolves it (its source,
/// `github:OWNER/REPO` or `catalog:NAME`, and the name it is installed under); `None` when it
/// names nothing.
pub fn expected_of(
    catalog: &crate::catalog::Catalog,
) -> impl Fn(&Wanted) -> Option<lock::Expected> + '_ {
    |want| {
        installed::resolve(&want.spec, catalog, &overrides_of(want), &[])
            .ok()
            .map(|tool| lock::Expected {
                source: tool.source_label(),
                name: tool.name,
            })
    }
}

/// What haul.toml's entry asks of its tool beyond its name: executables, asset, prereleases.
pub fn overrides_of(want: &Wanted) -> Overrides {
    Overrides {
        bins: want.bins.clone(),
        asset: want.asset.as_ref().map(|a| a.regex.clone()),
        pre: want.pre,
    }
}

/// Warn when `lock` is not what `project`'s haul.toml asks now (a command that takes the
/// lock as it is: `mirror`, `sbom`), naming each difference.
pub fn warn_if_stale(ctx: &Context, project: &Project, lock: &Lock) -> Result<()> {
    let catalog = ctx.catalog()?;
    let differences = lock.differences(
        project.manifest.wanted(),
        project.manifest.platforms(),
        &expected_of(&catalog),
    );
    if !differences.is_empty() {
        let said: Vec<String> = differences.iter().map(ToString::to_string).collect();
        ctx.printer.warn(&format!(
            "{} does not match haul.toml ({}); this takes it as it is, and `haul sync --frozen` \
             will refuse it: run `haul lock` first",
            lock::FILE,
            said.join("; ")
        ));
    }
    Ok(())
}

/// Lock `project` again and write `haul.lock`: `upgrade` names the tools to move forward
/// (`Some(&[])`: all). Returns the lock written.
pub fn relock(
    ctx: &Context,
    project: &Project,
    upgrade: Option<&[String]>,
    jobs: usize,
) -> Result<Lock> {
    relock_each(ctx, project, upgrade, jobs)?.map_err(|not| not.error().into())
}

/// The tools [`relock_each`] could not lock (haul.lock is left as it was), each with its
/// error, as reported when it happened.
pub struct NotLocked {
    pub failed: Vec<(String, anyhow::Error)>,
}

impl NotLocked {
    /// The error that ends the command: which tools, and the exit code theirs share.
    pub fn error(&self) -> UserError {
        let keys: Vec<String> = self.failed.iter().map(|(key, _)| key.clone()).collect();
        let codes: Vec<ExitCode> = self
            .failed
            .iter()
            .map(|(_, err)| crate::error::exit_code_of(err))
            .collect();
        not_locked(&keys, &codes)
    }
}

/// [`relock`], telling the tools that could not be locked apart from a failure of the whole.
pub fn relock_each(
    ctx: &Context,
    project: &Project,
    upgrade: Option<&[String]>,
    jobs: usize,
) -> Result<Result<Lock, NotLocked>> {
    let wanted = project.manifest.wanted();
    let platforms = project.manifest.platforms();
    if let Some(names) = upgrade {
        for name in names {
            if !wanted.iter().any(|w| w.key == *name) {
                let keys: Vec<String> = wanted.iter().map(|w| format!("`{}`", w.key)).collect();
                let err = UserError::new(format!("`{name}` is not in haul.toml"));
                return Err(if keys.is_empty() {
                    err.hint("haul.toml names no tools: `haul add TOOL` adds one")
                } else {
                    err.hint(format!(
                        "name a tool as haul.toml does: {}",
                        keys.join(", ")
                    ))
                }
                .exit(ExitCode::Usage)
                .into());
            }
        }
    }
    let old = project.lock.clone();
    let platform_names: Vec<String> = platforms.iter().map(ToString::to_string).collect();
    let catalog = ctx.catalog()?;
    let http = ctx.http()?;
    let runtime = context::runtime()?;
    let results: Vec<(String, Result<Locked>)> = runtime.block_on(async {
        futures_util::stream::iter(wanted.iter())
            .map(|want| {
                let upgrading = upgrade.is_some_and(|u| u.is_empty() || u.contains(&want.key));
                // An entry whose release the requirement still allows is kept, with the
                // requirement's new text.
                let kept = old
                    .as_ref()
                    .and_then(|l| l.tool(&want.key))
                    .filter(|t| {
                        !upgrading && t.still_allowed_by(want, expected_of(&catalog)(want).as_ref())
                    })
                    .map(|t| LockedTool {
                        requirement: crate::store::record::Requirement::new(
                            &want.requirement,
                            want.pre,
                        ),
                        ..t.clone()
                    });
                let (catalog, http, platforms) = (&catalog, &http, &platforms);
                let platform_names = &platform_names;
                async move {
                    let result = lock_one(http, catalog, want, platforms, platform_names, kept)
                        .await
                        .map_err(|err| as_in_manifest(err, &want.key));
                    (want.key.clone(), result)
                }
            })
            .buffered(jobs.max(1))
            .collect()
            .await
    });
    // Where checksums are required, a file nothing published vouches for is not locked: sync
    // would refuse it.
    let required = ctx.settings.require_checksum || project.requires_checksum() == Some(true);
    let mut lock = Lock::new(platforms);
    let mut failed = Vec::new();
    // What became of each tool is said once haul.lock is written: a write that fails locked
    // nothing.
    let mut said = Vec::new();
    for (key, result) in results {
        match result.and_then(|locked| vouched(locked, required)) {
            Ok(locked) => {
                let before = old.as_ref().and_then(|l| l.tool(&key));
                lock.put(say_locked(&mut said, &key, locked, before));
            }
            Err(err) => {
                ctx.printer.report(&format!("error: {key}"), &err);
                failed.push((key, err));
            }
        }
    }
    if !failed.is_empty() {
        return Ok(Err(NotLocked { failed }));
    }
    lock.two_hashes()?;
    one_link_each(&lock, &catalog)?;
    if old.as_ref().map(Lock::render) != Some(lock.render()) {
        project.write_lock(&lock)?;
    }
    for line in said {
        match line {
            Said::Status(verb, text) => ctx.printer.status(verb, &text),
            Said::Warning(text) => ctx.printer.warn(&text),
        }
    }
    ctx.printer.info(&format!(
        "{} is current ({}, {})",
        lock::FILE,
        count(lock.tools.len(), "tool"),
        count(lock.platforms.len(), "platform")
    ));
    Ok(Ok(lock))
}

/// Two tools of the lock linked under one name (`bin = ["x=tool"]` beside a tool called
/// `tool`; or names that differ only in case, one file on Windows and macOS), or two tools of
/// one name (a fork beside its original), could never both be installed: `haul sync` would
/// refuse the lock, so it is refused here, before it is written.
fn one_link_each(lock: &Lock, catalog: &crate::catalog::Catalog) -> Result<(), UserError> {
    let same = |a: &str, b: &str| a == b || crate::names::differ_only_in_case(a, b);
    for (i, locked) in lock.tools.iter().enumerate() {
        if let Some(other) = lock.tools[..i].iter().find(|t| same(&t.name, &locked.name)) {
            return Err(UserError::new(format!(
                "`{}` and `{}` in haul.toml are both tools named `{}`",
                other.key, locked.key, other.name
            ))
            .caused_by("haul installs one tool of a name: two sources of it (a fork beside its original), or one tool asked for twice, cannot both be installed")
            .hint("keep one of them in haul.toml")
            .exit(ExitCode::Usage));
        }
    }
    let mut seen: Vec<(String, &str)> = Vec::new();
    for locked in &lock.tools {
        let Ok(tool) = locked.tool(catalog) else {
            continue;
        };
        for bin in tool.wanted_bins() {
            let link = bin.link.unwrap_or(bin.name);
            if let Some((first, other)) = seen.iter().find(|(l, _)| same(l, &link)) {
                let what = if *first == link {
                    format!("as `{link}`")
                } else {
                    format!("as `{first}` and `{link}`, one file on Windows and macOS")
                };
                let who = if *other == locked.key {
                    format!("`{other}` in haul.toml links two executables")
                } else {
                    format!(
                        "`{other}` and `{}` in haul.toml would both be linked",
                        locked.key
                    )
                };
                return Err(UserError::new(format!("{who} {what}"))
                    .hint("link one of them under another name (`bin = [\"NAME=LINK\"]`)")
                    .exit(ExitCode::Usage));
            }
            seen.push((link, locked.key.as_str()));
        }
    }
    Ok(())
}

/// `locked`, unless `required` (checksums are) and a file of it is one nothing the release
/// published vouches for.
fn vouched(locked: Locked, required: bool) -> Result<Locked> {
    let tool = match &locked {
        Locked::Kept(tool) | Locked::New(tool) => tool,
    };
    match tool
        .platforms
        .values()
        .find_map(|files| lock::unvouched(files))
    {
        Some(file) if required => Err(lock::unvouched_refused(tool, file).into()),
        _ => Ok(locked),
    }
}

/// The error when the tools `failed` (with these exit codes) could not be locked: when every
/// one failed verification, so did the lock.
fn not_locked(failed: &[String], codes: &[ExitCode]) -> UserError {
    let err = UserError::new(format!(
        "{} could not be locked: {}",
        lock::FILE,
        failed.join(", ")
    ))
    .hint("the reasons are above; haul.lock was not changed");
    if codes.iter().all(|&c| c == ExitCode::Verification) {
        err.exit(ExitCode::Verification)
    } else {
        err
    }
}

/// A line `relock` says once the lock is written.
enum Said {
    Status(&'static str, String),
    Warning(String),
}

/// Say (into `said`) what became of `key` (`before`: its entry in the lock as it was), and
/// return its entry.
fn say_locked(
    said: &mut Vec<Said>,
    key: &str,
    locked: Locked,
    before: Option<&LockedTool>,
) -> LockedTool {
    let tool = match locked {
        Locked::Kept(tool) => {
            if before.is_some_and(|b| b.requirement != tool.requirement) {
                said.push(Said::Status(
                    "Kept",
                    format!(
                        "{key} {} (`{}` allows it)",
                        tool.version, tool.requirement.version
                    ),
                ));
            }
            return tool;
        }
        Locked::New(tool) => tool,
    };
    // The same release locked again (`--upgrade` where nothing is newer) with other bytes:
    // said, never silently.
    for changed in before.map(|b| changed_pins(b, &tool)).unwrap_or_default() {
        said.push(Said::Warning(format!(
            "{key} {}: {changed} since it was locked (the release's file was replaced under \
             its tag); haul.lock now pins the new one",
            tool.version
        )));
    }
    let moved = match before {
        Some(was) if was.version != tool.version => format!(" (was {})", was.version),
        _ => String::new(),
    };
    let missing = if tool.unavailable.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = tool.unavailable.keys().map(String::as_str).collect();
        format!("; nothing for {}", names.join(", "))
    };
    said.push(Said::Status(
        "Locked",
        format!(
            "{key} {}{moved} for {}{missing}",
            tool.version,
            count(tool.platforms.len(), "platform")
        ),
    ));
    tool
}

/// The files `after` pins under the same tag as `before` with another hash, said as
/// "`ASSET` for PLATFORM changed (sha256 OLD, now NEW)".
fn changed_pins(before: &LockedTool, after: &LockedTool) -> Vec<String> {
    if before.tag != after.tag {
        return Vec::new();
    }
    let mut changed = Vec::new();
    for (platform, files) in &after.platforms {
        let Some(old) = before.platforms.get(platform) else {
            continue;
        };
        for file in files {
            if let Some(was) = old.iter().find(|o| o.url == file.url)
                && was.sha256 != file.sha256
            {
                changed.push(format!(
                    "`{}` for {platform} changed (sha256 {}, now {})",
                    file.asset, was.sha256, file.sha256
                ));
            }
        }
    }
    changed
}

/// A release that matches no release, said as haul.toml asks for versions: an install's hint
/// (`@VERSION`, `--pre`) is not how the entry `key` takes one.
fn as_in_manifest(err: anyhow::Error, key: &str) -> anyhow::Error {
    let Some(failure) = err.downcast_ref::<crate::error::Failure>() else {
        return err;
    };
    let crate::error::Failure::NoMatchingRelease {
        recent,
        only_prereleases,
        ..
    } = failure
    else {
        return err;
    };
    let (recent, only_prereleases) = (!recent.is_empty(), *only_prereleases);
    let mut user = UserError::from(failure.clone());
    if recent {
        user.hint = Some(if only_prereleases {
            format!("only prereleases match; set `pre = true` for `{key}` in haul.toml")
        } else {
            format!(
                "pick one of those for `{key}` in haul.toml (`haul add {key}@VERSION` writes it)"
            )
        });
    }
    user.into()
}

/// Lock one entry: keep it when its requirement holds (without the platforms no longer
/// locked), locking the platforms it lacks at its version; or resolve it anew.
async fn lock_one(
    http: &crate::fetch::Http,
    catalog: &crate::catalog::Catalog,
    want: &Wanted,
    platforms: &[crate::platform::Platform],
    platform_names: &[String],
    kept: Option<LockedTool>,
) -> Result<Locked> {
    let overrides = overrides_of(want);
    let Some(kept) = kept else {
        let tool: Tool = installed::resolve(&want.spec, catalog, &overrides, &[])?;
        let locked = crate::project::resolve::lock_tool(http, &tool, want, platforms, None).await?;
        return Ok(Locked::New(locked));
    };
    // Its version still holds: what is pinned for the platforms still locked stays byte for
    // byte (a file uploaded again under the tag is what a lock is there to catch), and only
    // the platforms it lacks are locked, at its version. With none lacking, it is kept
    // without asking the network.
    let mut still = kept.clone();
    still.platforms.retain(|p, _| platform_names.contains(p));
    still.unavailable.retain(|p, _| platform_names.contains(p));
    let missing: Vec<crate::platform::Platform> = platforms
        .iter()
        .copied()
        .filter(|p| {
            let name = p.to_string();
            !still.platforms.contains_key(&name) && !still.unavailable.contains_key(&name)
        })
        .collect();
    let Some(&first) = missing.first() else {
        return Ok(Locked::Kept(still));
    };
    let mut tool: Tool = installed::resolve(&want.spec, catalog, &overrides, &[])?;
    tool.query = VersionQuery {
        req: VersionReq::Tag(kept.tag.clone()),
        pre: want.pre,
    };
    let release = resolve::release(http, &tool, first).await?;
    tool.query = VersionQuery {
        req: want.spec.req.clone(),
        pre: want.pre,
    };
    let mut locked =
        crate::project::resolve::lock_tool(http, &tool, want, &missing, Some(release)).await?;
    locked.platforms.extend(still.platforms);
    locked.unavailable.extend(still.unavailable);
    Ok(Locked::New(locked))
}
