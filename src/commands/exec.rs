//! `haul exec TOOL[@VERSION] [-- ARGS...]`: run a version of a tool, installing it into the
//! store first when it is not there, without changing the active version. On Unix haul becomes
//! the tool (exec), so signals, stdin, stdout and stderr are the tool's own; on Windows haul
//! waits and exits with the tool's code.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::ExecArgs;
use crate::commands::options;
use crate::context::{self, Context};
use crate::error::{ExitCode, UserError};
use crate::install::{self, Options};
use crate::names::WantedBin;
use crate::request::spec::{Target, ToolSpec};
use crate::request::tool::{Overrides, Tool, VersionQuery};
use crate::settings::InstallSettings;
use crate::store::record::Record;
use crate::version::VersionReq;

pub fn exec(args: &ExecArgs, ctx: &Context) -> Result<ExitCode> {
    let records = ctx.store.records()?;
    let spec = ToolSpec::parse(&args.tool)?;
    let installed = options::installed(&args.tool, &records, ctx)?.map(|(r, _)| r.clone());
    // The name as typed, and as every command reads it (`FOO` is `foo`).
    let typed = args
        .tool
        .split_once('@')
        .map_or(args.tool.as_str(), |(n, _)| n);
    let name = match &spec.target {
        Target::Name(name) => name.as_str(),
        Target::Repo(_) => typed,
    };
    // A damaged record says so (and how to mend it), not that the tool is unknown.
    if installed.is_none()
        && let Some(damaged) = records.damaged.iter().find(|d| d.name == name)
    {
        return Err(damaged.error.clone().into());
    }
    // Inside a project, a tool without `@VERSION` is the version haul.lock pins.
    if !args.tool.contains('@')
        && let Some((project, locked, wanted)) = crate::commands::sync::locked_entry(ctx, name)?
    {
        // Only a stored version that is exactly what the lock pins (its source, tag and files,
        // each with its locked SHA-256) runs as it is; anything else is installed from the lock.
        // The record of the tool the lock pins (a name may stand for another tool of the
        // user's), and its copy `haul sync` linked in this project when there are several.
        let platform = crate::platform::host::platform();
        let bin_dir = project.bin_dir()?;
        let stored = ctx.store.read(&locked.name)?.and_then(|r| {
            let key = locked
                .stored_key(&r, platform, bin_dir.as_deref(), &wanted)?
                .to_owned();
            Some((r, key))
        });
        let (record, key) = if let Some(found) = stored {
            found
        } else {
            let outcome = crate::commands::sync::store_locked(ctx, &project, &locked)?;
            (outcome.record().clone(), outcome.key().to_owned())
        };
        // Named by one of its links (`wg` of `bin = ["widget=wg"]`): that executable; by the
        // tool, the first the entry asks for (a copy stored with the same ones in another
        // order has another first).
        // Names in any case (`LAB/KX` is the entry `lab/kx`).
        let link = crate::platform::file_name::exe_stem(name).unwrap_or(name);
        let by_link = (!link.eq_ignore_ascii_case(&locked.name)
            && !name.eq_ignore_ascii_case(&locked.key))
        .then_some(link);
        let first = wanted
            .first()
            .map(crate::names::WantedBin::link_name)
            .filter(|first| {
                record
                    .versions
                    .get(&key)
                    .is_some_and(|v| v.bins.iter().any(|b| b.link_stem() == *first))
            });
        let asks = Asks::Project {
            key: &locked.key,
            wanted: &wanted,
        };
        let program = program(
            ctx,
            &record,
            &key,
            args.bin.as_deref().or(by_link).or(first),
            &asks,
        )?;
        hold(ctx, &record, &key)?;
        return run(&program, &args.args);
    }
    // A link of that name into the store of a tool whose record is damaged is that tool's
    // (the project's own tools first, above).
    if installed.is_none()
        && let Some(damaged) = options::damaged_link(ctx, &records.damaged, name)
    {
        return Err(damaged.error.clone().into());
    }
    // Where checksums are required, a version stored unverified runs only once it is verified:
    // it goes through the install, which verifies it or refuses it.
    let require = crate::cli::flag_pair(args.require_checksum, args.no_require_checksum);
    let required =
        InstallSettings::resolve(&ctx.settings, None, require, false, None)?.require_checksum;
    let stored = installed.as_ref().and_then(|record| {
        let key = match &spec.req {
            // The bare name is the active version; `@latest` is the newest release, which
            // only the release list knows.
            VersionReq::Latest if !args.tool.contains('@') => record.active.clone(),
            VersionReq::Latest => None,
            req => stored_match(record, req, args.pre),
        }?;
        let unverified = record
            .versions
            .get(&key)
            .is_some_and(|v| v.verified_by().is_none());
        (!(required && unverified)).then(|| (record.clone(), key))
    });
    let (record, key) = match stored {
        Some(found) => found,
        None => store_it(ctx, &spec, installed.as_ref(), args)?,
    };
    let by_link = executable_named(&record, &key, typed);
    let program = program(
        ctx,
        &record,
        &key,
        args.bin.as_deref().or(by_link.as_deref()),
        &Asks::Install,
    )?;
    hold(ctx, &record, &key)?;
    run(&program, &args.args)
}

/// The executable of `record`'s version `key` that `name` names, when it is not the tool's
/// own name (`kubens` of a tool installed with `--bin kubectx --bin kubens`): as spelled, else
/// in any case. One spelled exactly as typed is that one also where `name` is the tool's in
/// another case (`Tool` beside `tool`, as the shell and `haul which` find it).
fn executable_named(record: &Record, key: &str, name: &str) -> Option<String> {
    let bin = record.versions.get(key)?.bin_named(name)?;
    let typed = crate::platform::file_name::exe_stem(name).unwrap_or(name);
    (bin.link_stem() == typed || !name.eq_ignore_ascii_case(&record.name))
        .then(|| bin.link_stem().to_owned())
}

/// What decides the executables a tool has, and so how to add one: an install (`--bin`), or
/// inside a project, the entry `key` of haul.toml, which asks for `wanted`.
enum Asks<'a> {
    Install,
    Project {
        key: &'a str,
        wanted: &'a [WantedBin],
    },
}

/// Hold the version the program runs from, so that `haul prune` leaves it while it runs.
fn hold(ctx: &Context, record: &Record, key: &str) -> Result<()> {
    crate::store::running::hold(&ctx.store.version_dir(&record.name, key))
}

/// The newest stored version `req` allows, as a release would be picked: a prerelease only
/// when `req` names one or `pre` (`--pre`) allows them. A version only a project's lock
/// vouched for is not a release (its files may not be the release's): it runs in that
/// project, by the tool's bare name.
fn stored_match(record: &Record, req: &VersionReq, pre: bool) -> Option<String> {
    use crate::version::Version;
    record
        .versions
        .iter()
        .filter(|(_, v)| !v.only_locked())
        .filter(|(_, v)| req.matches(&v.tag) || req.matches(&v.version))
        .filter(|(_, v)| pre || req.names_prerelease() || !v.is_prerelease())
        .max_by(|(_, a), (_, b)| Version::from_tag(&a.version).cmp(&Version::from_tag(&b.version)))
        .map(|(k, _)| k.clone())
}

/// Install the version into the store (not made active) and return it.
fn store_it(
    ctx: &Context,
    spec: &ToolSpec,
    installed: Option<&Record>,
    args: &ExecArgs,
) -> Result<(Record, String)> {
    let catalog = ctx.catalog()?;
    let query = VersionQuery {
        req: spec.req.clone(),
        pre: args.pre,
    };
    let tool = if let Some(record) = installed {
        Tool::from_record(record, &catalog, query)?
    } else {
        let records = ctx.store.records()?;
        crate::request::installed::resolve(spec, &catalog, &Overrides::default(), &records.ok)?
    };
    let require = crate::cli::flag_pair(args.require_checksum, args.no_require_checksum);
    let settings = InstallSettings::resolve(&ctx.settings, None, require, false, None)?;
    let opts = Options::from_settings(&settings, crate::install::Linking::Store);
    let http = ctx.http()?;
    let env = ctx.install_env(&http);
    let bar = ctx.printer.download_bar(&tool.name);
    let outcome = context::runtime()?.block_on(install::install(&env, &tool, &opts, &bar));
    bar.finish();
    let outcome = outcome?;
    if let Some(version) = outcome.installed()
        && matches!(outcome, install::Outcome::Installed { .. })
    {
        ctx.printer.status(
            "Stored",
            &format!(
                "{} {} (not made active)",
                outcome.record().name,
                version.version
            ),
        );
    }
    Ok((outcome.record().clone(), outcome.key().to_owned()))
}

/// The executables an install of `record`'s tool asks for with no `--bin`: those the user
/// asked for, else its catalog entry's.
fn asked_now(ctx: &Context, record: &Record) -> Vec<WantedBin> {
    let tool = ctx.catalog().ok().and_then(|catalog| {
        let query = VersionQuery::from_requirement(&record.requirement).ok()?;
        Tool::from_record(record, &catalog, query).ok()
    });
    tool.map_or_else(|| record.asked_bins().to_vec(), |tool| tool.bins)
}

/// The executables `asked` and `bin`, unless one of them is already linked as `bin`.
fn and(mut asked: Vec<WantedBin>, bin: &str) -> Vec<WantedBin> {
    if !asked.iter().any(|w| w.link_name() == bin) {
        asked.push(WantedBin::plain(bin));
    }
    asked
}

/// The executable to run: `--bin`, else the one named after the tool, else the first.
fn program(
    ctx: &Context,
    record: &Record,
    key: &str,
    bin: Option<&str>,
    asks: &Asks,
) -> Result<PathBuf> {
    let Some(version) = record.versions.get(key) else {
        return Err(UserError::new(format!("`{}` {key} is not stored", record.name)).into());
    };
    let stem = |link: &str| link.strip_suffix(".exe").unwrap_or(link).to_owned();
    let chosen = match bin {
        Some(bin) => version
            .bins
            .iter()
            .find(|b| stem(&b.link) == bin)
            .ok_or_else(|| {
                let names: Vec<String> = version.bins.iter().map(|b| stem(&b.link)).collect();
                let missing = UserError::new(format!("`{}` has no executable `{bin}`", record.name))
                    .caused_by(format!("executables: {}", names.join(", ")))
                    .exit(ExitCode::Usage);
                // In a project, haul.toml's entry decides: the project's copy gets `bin` once
                // the entry asks for it too (an install would change the user's tool).
                // Asking for none, it has what it was given (`gh` of `cli/cli`): those.
                let given = || names.iter().map(|n| WantedBin::plain(n)).collect::<Vec<_>>();
                if let Asks::Project { key, wanted } = asks {
                    let mut asked = wanted.to_vec();
                    if asked.is_empty() {
                        asked = given();
                    }
                    let list: Vec<String> = and(asked, bin)
                        .iter()
                        .map(|b| format!("\"{b}\""))
                        .collect();
                    return missing.hint(format!(
                        "in this project, `haul exec` runs the executables haul.toml asks for; add `{bin}` to the `bin` of `{key}` there (`bin = [{}]`), then run `haul sync`, if its release has one",
                        list.join(", ")
                    ));
                }
                // What installs it with `bin` too: the executables it has as `--bin` asks for
                // them (`widget=wg`, not the link `wg`), and the one wanted.
                let mut asked = asked_now(ctx, record);
                if asked.is_empty() {
                    asked = given();
                }
                let (tool, _) = ctx.catalog().map_or_else(
                    |_| crate::store::spelled(record),
                    |catalog| options::spelled(record, &catalog),
                );
                // The version run, as the tool asks for it when it is the active one (a pin
                // stays a pin, `latest` stays `latest`).
                let at = if record.active.as_deref() == Some(key) {
                    Some(record.requirement.version.as_str()).filter(|v| *v != "latest")
                } else {
                    Some(version.version.as_str())
                };
                let tool = at.map_or_else(|| tool.clone(), |v| format!("{tool}@{v}"));
                let wanted: Vec<String> = and(asked, bin)
                    .iter()
                    .map(|b| format!("--bin {b}"))
                    .collect();
                missing.hint(format!(
                        "`haul exec` runs the executables the tool was installed with; `haul install {tool} {}` installs it with `{bin}` too, if its release has one",
                        wanted.join(" ")
                    ))
            })?,
        None => version
            .bins
            .iter()
            .find(|b| stem(&b.link) == record.name)
            .or_else(|| version.bins.first())
            .ok_or_else(|| UserError::new(format!("`{}` has no executables", record.name)))?,
    };
    let path = ctx.store.version_dir(&record.name, key).join(&chosen.path);
    crate::commands::which::check_target(
        &path,
        chosen,
        &crate::store::Problem::ExecutableMissing {
            key: key.to_owned(),
            path: path.clone(),
        }
        .remedy(record),
        &crate::store::reinstall_hint(record, key),
    )
    .map_err(|err| UserError {
        message: format!("`{}` {}: {}", record.name, version.version, err.message),
        ..err
    })?;
    Ok(path)
}

/// Become the program (Unix).
#[cfg(unix)]
fn run(program: &PathBuf, args: &[std::ffi::OsString]) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt as _;
    let err = std::process::Command::new(program).args(args).exec();
    Err(
        UserError::new(format!("cannot run `{}`", program.display()))
            .caused_by(err.to_string())
            .into(),
    )
}

/// Run the program and pass its exit code on (Windows).
#[cfg(not(unix))]
fn run(program: &PathBuf, args: &[std::ffi::OsString]) -> Result<ExitCode> {
    let status = std::process::Command::new(program)
        .args(args)
        .status()
        .map_err(|err| {
            UserError::new(format!("cannot run `{}`", program.display())).caused_by(err.to_string())
        })?;
    Ok(ExitCode::Program(status.code().unwrap_or(1)))
}
