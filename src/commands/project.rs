//! `haul init`, `haul add` and `haul remove`: start a project's `haul.toml`, and edit it with
//! every comment and the formatting kept.

use std::path::Path;

use anyhow::Result;

use crate::cli::{AddArgs, InitArgs, RemoveArgs};
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::project::{self, manifest};
use crate::request::spec::{Target, ToolSpec};
use crate::request::tool::{Overrides, Tool};

/// Hold the project in `dir` while this command changes it (see [`project::Held`]), saying so
/// when another haul holds it.
pub fn hold(ctx: &Context, dir: &Path) -> Result<project::Held> {
    project::hold(dir, &ctx.settings.paths.home, |lock| {
        ctx.printer.info(&format!(
            "waiting for another haul to finish with the project in `{}` (`{}` is locked)…",
            dir.display(),
            lock.display()
        ));
    })
}

pub fn init(args: &InitArgs, ctx: &Context) -> Result<ExitCode> {
    let _held = hold(ctx, &ctx.settings.cwd)?;
    let path = ctx.settings.cwd.join(manifest::FILE);
    if path.exists() && !args.force {
        return Err(
            UserError::new(format!("`{}` already exists", path.display()))
                .hint("edit it, or pass `--force` to start again")
                .exit(ExitCode::Usage)
                .into(),
        );
    }
    project::write_file(
        &ctx.settings.cwd,
        manifest::FILE,
        manifest::STARTER.as_bytes(),
    )?;
    ctx.printer.status(
        "Created",
        &format!(
            "{} (add tools with `haul add TOOL@VERSION`, then `haul lock`)",
            path.display()
        ),
    );
    Ok(ExitCode::Success)
}

pub fn add(args: &AddArgs, ctx: &Context) -> Result<ExitCode> {
    let dir = project::require_dir(&ctx.settings.cwd)?;
    let _held = hold(ctx, &dir)?;
    let path = dir.join(manifest::FILE);
    let mut text = manifest::read_text(&dir)?;
    let mut said = Vec::new();
    let catalog = ctx.catalog()?;
    for raw in &args.tools {
        let spec = ToolSpec::parse(raw)?;
        // The tool is resolved as `haul install` resolves it (the catalog needs no network):
        // a name no catalog has is refused now, not by the next `haul lock`.
        let tool = Tool::resolve(&spec, &catalog, &Overrides::default())
            .map_err(|err| err.exit(ExitCode::Usage))?;
        let now = manifest::Manifest::parse(&text, &path)?;
        let (there, key) = entry_for(&now, &catalog, &tool, &spec)?;
        let requirement = spec.req.to_string();
        text = manifest::add(&text, &key, &requirement)?;
        said.push(match there {
            Some(want) if want.requirement == requirement => (
                "Unchanged",
                format!("{key} = \"{requirement}\" is in {}", manifest::FILE),
            ),
            Some(want) => (
                "Changed",
                format!("{key} = \"{requirement}\" (was \"{}\")", want.requirement),
            ),
            None => ("Added", format!("{key} = \"{requirement}\"")),
        });
    }
    // What is written must read back: a mistake is found now, not at the next lock.
    manifest::Manifest::parse(&text, &path)?;
    project::write_file(&dir, manifest::FILE, text.as_bytes())?;
    for (verb, line) in said {
        ctx.printer.status(verb, &line);
    }
    ctx.printer
        .info("run `haul lock` to pin it, or `haul sync` to lock and install");
    Ok(ExitCode::Success)
}

/// Where `tool` goes in the manifest `now`: the entry of the tool it already has, however it is
/// spelled there or here (its URL, another case, `catalog:NAME`), or the entry whose key was
/// typed, whose version is changed under its key; or a new entry, keyed `OWNER/REPO` or by
/// the catalog's name. A tool of another source under a name the manifest has is refused.
fn entry_for<'m>(
    now: &'m manifest::Manifest,
    catalog: &crate::catalog::Catalog,
    tool: &Tool,
    spec: &ToolSpec,
) -> Result<(Option<&'m manifest::Wanted>, String), UserError> {
    let identity = tool.identity();
    // Each entry is the tool it installs, its `bin` and the rest included, as `haul lock`
    // resolves it (`"ahmetb/kubectx" = { bin = ["kubens"] }` is kubens, not kubectx).
    let entries: Vec<(&manifest::Wanted, Tool)> = now
        .wanted()
        .iter()
        .filter_map(|w| {
            let overrides = crate::commands::lock::overrides_of(w);
            Tool::resolve(&w.spec, catalog, &overrides)
                .ok()
                .map(|t| (w, t))
        })
        .collect();
    let there = entries
        .iter()
        .find(|(_, t)| t.identity().same_tool(&identity, &t.name, &tool.name))
        .or_else(|| {
            // The same repository's tool of that name, spelled another way (`kubens`
            // beside `"ahmetb/kubectx" = { bin = ["kubens"] }`).
            entries.iter().find(|(_, t)| {
                t.name == tool.name && t.source_label().eq_ignore_ascii_case(&tool.source_label())
            })
        })
        .map(|(w, _)| *w)
        // Its key as the entry has it (`lab/widget-cli` beside `"lab/widget-cli" = { bin =
        // ["widget"] }`): that entry is what was named.
        .or_else(|| {
            let typed = match &spec.target {
                Target::Repo(repo) => repo.to_string(),
                Target::Name(name) => name.clone(),
            };
            now.wanted()
                .iter()
                .find(|w| w.key.eq_ignore_ascii_case(&typed))
        });
    // Another source of that name could never be installed beside it.
    if there.is_none()
        && let Some((other, _)) = entries.iter().find(|(_, t)| t.name == tool.name)
    {
        return Err(UserError::new(format!(
            "`{}` would be installed as `{}`, as `{}` in {} is",
            spec.raw,
            tool.name,
            other.key,
            manifest::FILE
        ))
        .caused_by("two tools of one name cannot both be installed")
        .hint(format!(
            "change or remove `{}` (`haul remove {}`) first",
            other.key, other.key
        ))
        .exit(ExitCode::Usage));
    }
    let key = match (there, &spec.target) {
        (Some(want), _) => want.key.clone(),
        (None, Target::Repo(repo)) => repo.to_string(),
        (None, Target::Name(name)) => name.clone(),
    };
    Ok((there, key))
}

pub fn remove(args: &RemoveArgs, ctx: &Context) -> Result<ExitCode> {
    let dir = project::require_dir(&ctx.settings.cwd)?;
    let _held = hold(ctx, &dir)?;
    let path = dir.join(manifest::FILE);
    let original = manifest::read_text(&dir)?;
    let mut text = original.clone();
    // Every name is checked first: a typo changes nothing. A key named twice is removed once.
    let mut keys: Vec<&String> = Vec::new();
    for key in &args.tools {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for key in &keys {
        text = manifest::remove(&text, key)?.ok_or_else(|| {
            let keys = manifest::keys(&original).unwrap_or_default();
            UserError::new(format!("`{key}` is not in {}", path.display()))
                .caused_by(format!("it has: {}", keys.join(", ")))
                .exit(ExitCode::Usage)
        })?;
    }
    project::write_file(&dir, manifest::FILE, text.as_bytes())?;
    for key in keys {
        ctx.printer
            .status("Removed", &format!("{key} from {}", manifest::FILE));
    }
    Ok(ExitCode::Success)
}
