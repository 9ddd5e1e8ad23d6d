//! `haul sync [--frozen]`: install exactly what `haul.lock` pins for this platform. With a
//! current lock it asks no API anything: only the locked URLs are fetched (through the mirror
//! rules), and each download must have its locked SHA-256. A lock that does not match
//! `haul.toml` is written again first, or, with `--frozen`, is an error naming the differences.

use std::path::Path;

use anyhow::Result;

use crate::cli::SyncArgs;
use crate::commands::install::{Batch, print_not_started, run_with};
use crate::commands::lock::relock_each;
use crate::context::{self, Context};
use crate::error::{ExitCode, Report, UserError};
use crate::install::Linking;
use crate::install::batch::{Failing, Item, Withheld};
use crate::project::Project;
use crate::project::lock::{self, Lock, LockedTool};
use crate::request::tool::Tool;
use crate::settings::InstallSettings;
use crate::store::Change;
use crate::verify::{ApiDigest, Candidate};

pub fn sync(args: &SyncArgs, ctx: &Context) -> Result<ExitCode> {
    // Held to the end: the lock is written, and the project's bin-dir unlinked, from the
    // haul.toml and haul.lock read now.
    let dir = crate::project::require_dir(&ctx.settings.cwd)?;
    let _held = crate::commands::project::hold(ctx, &dir)?;
    let project = Project::open(&dir)?;
    let jobs = args.jobs.map_or(ctx.settings.jobs, usize::from);
    let wanted = project.manifest.wanted();
    let platforms = project.manifest.platforms();
    let catalog = ctx.catalog()?;
    // Into the project's own bin-dir, each tool is linked pinned to the locked version: the
    // version the user has active elsewhere, and its links, stay as they are. Checked before
    // anything is locked or written.
    let project_bin = project.bin_dir()?;
    if let Some(dir) = &project_bin
        && ctx.settings.paths.bin_dir_flag
    {
        return Err(UserError::new(
            "`--bin-dir` and haul.toml's `bin-dir` both say where to link the tools",
        )
        .hint(format!(
            "leave out `--bin-dir`: in this project the tools go to `{}`",
            dir.display()
        ))
        .exit(ExitCode::Usage)
        .into());
    }
    let mut settings = InstallSettings::resolve(
        &ctx.settings,
        args.jobs,
        project.requires_checksum(),
        false,
        None,
    )?;
    if let Some(dir) = &project_bin {
        settings.bin_dir.clone_from(dir);
    }
    let relock = || relock_saying(ctx, &project, jobs, args.json.then_some(&settings.bin_dir));
    let lock = match &project.lock {
        None if args.frozen => {
            return Err(
                UserError::new(format!("{} has no {}", project.dir.display(), lock::FILE))
                    .hint("run `haul lock` and commit haul.lock")
                    .into(),
            );
        }
        None => relock()?,
        Some(lock) => {
            let differences = lock.differences(
                wanted,
                platforms,
                &crate::commands::lock::expected_of(&catalog),
            );
            match (differences.is_empty(), args.frozen) {
                (true, _) => lock.clone(),
                (false, true) => return Err(lock::not_current(&differences).into()),
                (false, false) => relock()?,
            }
        }
    };
    let linking = match &project_bin {
        Some(_) => Linking::Pin(project.dir.clone()),
        None => Linking::Activate,
    };
    let items: Vec<Item> = lock
        .tools
        .iter()
        .map(|locked| {
            let found = locked.tool(&catalog).and_then(|tool| {
                let resolved =
                    locked_files(locked, &tool, settings.platform, settings.require_checksum)?;
                Ok((tool, resolved))
            });
            match found {
                Ok((tool, resolved)) => Item {
                    raw: locked.key.clone(),
                    tool: Ok(tool),
                    locked: Some(resolved),
                },
                Err(err) => Item {
                    raw: locked.key.clone(),
                    tool: Err(err),
                    locked: None,
                },
            }
        })
        .collect();
    let runtime = context::runtime()?;
    let http = ctx.http()?;
    let opts = crate::install::Options::from_settings(&settings, linking).locked();
    // The lock is one whole: every tool is downloaded and verified before any is installed,
    // and one that fails leaves all of them as they were.
    let how = Batch {
        jobs: settings.jobs,
        failing: Failing::Together,
        json: args.json,
        takes_force: false,
        stayed: Vec::new(),
    };
    let code = run_with(ctx, &runtime, &http, &items, &opts, &how)?;
    if code == ExitCode::Success
        && let Some(dir) = &project_bin
    {
        unlink_unlocked(ctx, &lock, dir)?;
    }
    Ok(code)
}

/// Lock `project` again, as `haul lock`. A lock that cannot be made installs nothing: with
/// `json` (where the links would go), stdout has every tool under `failed`.
fn relock_saying(
    ctx: &Context,
    project: &Project,
    jobs: usize,
    json: Option<&Path>,
) -> Result<Lock> {
    // The error that ends the command, and the tools that could not be locked with theirs
    // (none when the lock failed as a whole: written, or refused for two tools together).
    let (err, failed) = match relock_each(ctx, project, None, jobs) {
        Ok(Ok(lock)) => return Ok(lock),
        Ok(Err(not)) => {
            let failed: Vec<(String, String)> = not
                .failed
                .iter()
                .map(|(key, err)| (key.clone(), Report::of(err).one_line()))
                .collect();
            (anyhow::Error::from(not.error()), failed)
        }
        Err(err) => (err, Vec::new()),
    };
    if let Some(bin_dir) = json {
        let whole = Report::of(&err).one_line();
        let summary = project
            .manifest
            .wanted()
            .iter()
            .map(|want| {
                let error = match failed.iter().find(|(key, _)| *key == want.key) {
                    Some((_, error)) => error.clone(),
                    None if failed.is_empty() => whole.clone(),
                    None => Withheld.to_string(),
                };
                (want.key.clone(), error)
            })
            .collect();
        print_not_started(ctx, bin_dir, summary)?;
    }
    Err(err)
}

/// The project's bin-dir holds the lock's tools and nothing else: after a sync, the links haul
/// pinned there for tools the lock no longer names (removed from haul.toml) go. The versions
/// stay stored (`haul prune` removes them).
fn unlink_unlocked(ctx: &Context, lock: &Lock, dir: &Path) -> Result<()> {
    let records = ctx.store.records()?;
    for record in &records.ok {
        let stale = |r: &crate::store::Record| {
            !lock.tools.iter().any(|t| t.name == r.name)
                && r.links.iter().any(|l| l.version.is_some() && l.is_in(dir))
        };
        if !stale(record) {
            continue;
        }
        // A stop meanwhile lets this change be made whole, then ends haul.
        let _finishing = crate::install::stop::finishing();
        let gone = ctx.store.change(&record.name, |now| {
            let Some(current) = now.record().filter(|r| stale(r)) else {
                return Ok((Change::leave(), Vec::new()));
            };
            let mut record = current.clone();
            let (unlink, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut record.links)
                .into_iter()
                .partition(|l| l.version.is_some() && l.is_in(dir));
            record.links = kept;
            let paths = unlink.iter().map(|l| l.path.clone()).collect();
            Ok((
                Change {
                    record: Some(record),
                    unlink,
                    ..Change::default()
                },
                paths,
            ))
        })?;
        // A file there now that is not haul's link (the user's own) was left, and is said.
        let (left, removed): (Vec<_>, Vec<_>) = gone
            .into_iter()
            .partition(|path| std::fs::symlink_metadata(path).is_ok());
        if !removed.is_empty() {
            ctx.printer.status(
                "Unlinked",
                &format!(
                    "{} from `{}` (haul.lock no longer names it)",
                    record.name,
                    dir.display()
                ),
            );
        }
        for path in left {
            ctx.printer.warn(&format!(
                "left `{}`: haul.lock no longer names {}, and the file there is not a link haul made",
                path.display(),
                record.name
            ));
        }
    }
    Ok(())
}

/// The lock entry `query` names (its key in haul.toml, its name, or a link it makes), its
/// project, and the executables it asks for (see `LockedTool::wanted_bins`), when the current
/// directory is in a project with a lock: inside a project, `exec` and `which` use the locked
/// version.
pub fn locked_entry(
    ctx: &Context,
    query: &str,
) -> Result<Option<(Project, LockedTool, Vec<crate::names::WantedBin>)>> {
    let Some(dir) = crate::project::find(&ctx.settings.cwd) else {
        return Ok(None);
    };
    let project = Project::open(&dir)?;
    let Some(lock) = project.lock.as_ref() else {
        return Ok(None);
    };
    let catalog = ctx.catalog()?;
    // Spelled as in the lock, else in any case (`KUBENS` is `kubens`).
    let Some(locked) = locked_named(ctx, &project, &lock.tools, &catalog, query, false)
        .or_else(|| locked_named(ctx, &project, &lock.tools, &catalog, query, true))
    else {
        return Ok(None);
    };
    // The entry must still be what haul.toml asks for, as `sync --frozen` checks.
    let expected = crate::commands::lock::expected_of(&catalog);
    if let Some(difference) = locked.difference(project.manifest.wanted(), &expected) {
        return Err(lock::not_current(&[difference]).into());
    }
    let wanted = locked.wanted_bins(&catalog);
    Ok(Some((project, locked, wanted)))
}

/// The entry of `tools` that `query` names: by its key or name, else by a link its `bin`
/// makes (`widget=wg`: `wg`), else by one its catalog entry makes (`mm = "1"`, whose entry
/// links `alpha` and `beta`); with `any_case`, each in any case.
fn locked_named(
    ctx: &Context,
    project: &Project,
    tools: &[LockedTool],
    catalog: &crate::catalog::Catalog,
    query: &str,
    any_case: bool,
) -> Option<LockedTool> {
    let same = |a: &str, b: &str| {
        if any_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let stem = |name: &'_ str| -> String {
        crate::platform::file_name::exe_stem(name)
            .unwrap_or(name)
            .to_owned()
    };
    let link = stem(query);
    let makes = |bins: &[crate::names::WantedBin]| bins.iter().any(|w| same(w.link_name(), &link));
    let named = tools
        .iter()
        .find(|t| same(&t.key, query) || same(&t.name, query))
        .or_else(|| {
            tools.iter().find(|t| {
                let bins: Vec<_> = t
                    .bin
                    .iter()
                    .filter_map(|b| crate::names::WantedBin::parse(b).ok())
                    .collect();
                makes(&bins)
            })
        })
        .cloned();
    // A link the catalog entry makes is the project's where its copy has it, or where none is
    // linked here yet (not synced): a link the entry gained since names the user's own tool.
    let bin_dir = project.bin_dir().ok().flatten();
    let linked_here = |t: &LockedTool| {
        let Ok(Some(record)) = ctx.store.read(&t.name) else {
            return true;
        };
        let here: Vec<&crate::store::Link> = record
            .links
            .iter()
            .filter(|l| l.version.is_some() && bin_dir.as_deref().is_some_and(|d| l.is_in(d)))
            .collect();
        here.is_empty() || here.iter().any(|l| same(&stem(&l.bin), &link))
    };
    named.or_else(|| {
        tools
            .iter()
            .filter(|t| t.bin.is_empty())
            .find(|t| t.tool(catalog).is_ok_and(|tool| makes(&tool.bins)) && linked_here(t))
            .cloned()
    })
}

/// Store the locked version of `locked`, from `project`'s lock (not made active), from the
/// lock's files alone.
pub fn store_locked(
    ctx: &Context,
    project: &Project,
    locked: &LockedTool,
) -> Result<crate::install::Outcome> {
    let catalog = ctx.catalog()?;
    let tool = locked.tool(&catalog)?;
    let settings = InstallSettings::resolve(
        &ctx.settings,
        None,
        project.requires_checksum(),
        false,
        None,
    )?;
    let resolved = locked_files(locked, &tool, settings.platform, settings.require_checksum)?;
    let opts = crate::install::Options::from_settings(&settings, Linking::Store);
    let http = ctx.http()?;
    let env = ctx.install_env(&http);
    let bar = ctx.printer.download_bar(&tool.name);
    let outcome = context::runtime()?.block_on(crate::install::install_locked(
        &env, &tool, resolved, &opts, &bar,
    ));
    bar.finish();
    outcome
}

/// Why no stored copy is what `locked` pins for `platform` (once [`LockedTool::stored_key`]
/// found none), for `which` and `doctor` to say as `haul sync` would find it.
pub enum NotStored {
    /// The lock has no files for this platform: `haul sync` stops there (why, see
    /// [`no_build`]).
    NoBuild(UserError),
    /// A copy of that release is stored, from other files than the lock pins.
    OtherFiles,
    /// None is stored.
    Missing,
}

/// What to do where haul.lock pins other files than the copy of that release stored.
pub const OTHER_FILES_HINT: &str = "`haul sync` installs the files haul.lock pins; if it stops because the release no longer serves them, haul.lock was edited or the release changed since it was locked";

/// Why `record` (the tool's, if any) holds no copy of what `locked` pins for `platform`.
pub fn not_stored(
    locked: &LockedTool,
    record: Option<&crate::store::Record>,
    platform: crate::platform::Platform,
) -> NotStored {
    let host = locked.entry_for(platform);
    if crate::project::resolve::locked_release(locked, &host).is_none() {
        NotStored::NoBuild(no_build(locked, &host))
    } else if record.is_some_and(|r| locked.stored_from_other_files(r, platform)) {
        NotStored::OtherFiles
    } else {
        NotStored::Missing
    }
}

/// Why `haul sync` stops at `locked`, which has no files for `host` in the lock: the release
/// has none (locking found nothing for it), or the lock never looked.
pub fn no_build(locked: &LockedTool, host: &str) -> UserError {
    let err = UserError::new(format!("`{}` has no build for {host}", locked.key));
    match locked.unavailable.get(host) {
        Some(why) => err.caused_by(why.clone()).hint(format!(
            "the tool's release has no build for {host}; sync this project on another \
             platform, or take `{}` out of haul.toml here",
            locked.key
        )),
        None => err
            .caused_by(format!("{} does not cover {host}", lock::FILE))
            .hint("add this platform to `settings.platforms` and run `haul lock`"),
    }
}

/// The files `locked` pins for `platform`, as a resolved release. With `require_checksum`, a
/// file whose locked hash nothing published vouched for (haul hashed it when it locked) is
/// refused, as `install` refuses a download no checksum covers.
fn locked_files(
    locked: &LockedTool,
    tool: &Tool,
    platform: crate::platform::Platform,
    require_checksum: bool,
) -> Result<crate::resolve::Resolved, UserError> {
    let host = locked.entry_for(platform);
    if require_checksum
        && let Some(file) = locked
            .platforms
            .get(&host)
            .and_then(|files| lock::unvouched(files))
    {
        return Err(lock::unvouched_refused(locked, file));
    }
    let Some(release) = crate::project::resolve::locked_release(locked, &host) else {
        return Err(no_build(locked, &host));
    };
    let mut parts = crate::project::resolve::locked_parts(tool, &release, platform)?;
    // Where a SHA-512 verified a file when it was locked, the lock keeps it, and it is
    // checked too (a malformed one fails, as any checksum does).
    let files = locked.platforms.get(&host).map_or(&[][..], Vec::as_slice);
    for part in &mut parts {
        let file = files.iter().find(|f| f.asset == part.asset.name);
        if let Some(file) = file
            && crate::verify::Digest::new(crate::verify::Algorithm::Sha256, &file.sha256).is_none()
        {
            return Err(lock::malformed("SHA-256", &part.asset.name));
        }
        match file
            .and_then(|f| f.sha512.as_deref())
            .map(|hex| ApiDigest::parse(&format!("sha512:{hex}")))
        {
            None => {}
            Some(Some(digest @ ApiDigest::Valid(_))) => part.plan.push(Candidate::Digest(digest)),
            Some(_) => return Err(lock::malformed("SHA-512", &part.asset.name)),
        }
    }
    Ok(crate::resolve::Resolved { release, parts })
}
