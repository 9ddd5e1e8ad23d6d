//! Options several commands share: tool names and `--asset`.

use anyhow::Result;

use crate::catalog::Catalog;
use crate::context::Context;
use crate::error::{ExitCode, Failure, UserError};
use crate::install::batch::Item;
use crate::request::installed::{from_source, installed_as_several, resolve, resolve_tool};
use crate::request::spec::{Target, ToolSpec};
use crate::request::tool::{Overrides, Tool};
use crate::store::record::Record;

/// Parse every tool the user named and resolve it against the catalog (and, for a name the
/// catalog lacks, the installed tools). A malformed name is a usage error for the whole
/// command; a name nothing knows fails that tool alone.
pub fn tools(
    texts: &[String],
    catalog: &Catalog,
    overrides: &Overrides,
    ctx: &Context,
) -> Result<Vec<Item>> {
    tools_with(texts, catalog, overrides, ctx, resolve)
}

/// [`tools`] for a command that installs nothing (`info`): a repository installed as several
/// tools is not a question here, so it is not refused.
pub fn tools_to_show(
    texts: &[String],
    catalog: &Catalog,
    overrides: &Overrides,
    ctx: &Context,
) -> Result<Vec<Item>> {
    tools_with(texts, catalog, overrides, ctx, resolve_tool)
}

type Resolver = fn(&ToolSpec, &Catalog, &Overrides, &[Record]) -> Result<Tool, UserError>;

fn tools_with(
    texts: &[String],
    catalog: &Catalog,
    overrides: &Overrides,
    ctx: &Context,
    resolve: Resolver,
) -> Result<Vec<Item>> {
    let specs = texts
        .iter()
        .map(|text| ToolSpec::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let installed = ctx.store.records().map(|r| r.ok).unwrap_or_default();
    let items: Vec<Item> = specs
        .into_iter()
        .map(|spec| Item {
            tool: resolve(&spec, catalog, overrides, &installed),
            raw: spec.raw,
            locked: None,
        })
        .collect();
    for (i, item) in items.iter().enumerate() {
        let Ok(tool) = &item.tool else { continue };
        let twin = items[..i].iter().find(|other| {
            other
                .tool
                .as_ref()
                .is_ok_and(|o| o.identity() == tool.identity() || o.name == tool.name)
        });
        if let Some(other) = twin {
            return Err(UserError::new(format!(
                "`{}` is named twice (`{}`, `{}`)",
                tool.name, other.raw, item.raw
            ))
            .exit(ExitCode::Usage)
            .into());
        }
    }
    Ok(items)
}

/// The installed tool `query` names: its name, source (`OWNER/REPO`, `github:…`,
/// `catalog:…`), an executable's name, or a catalog name or alias of it. The version after
/// `@`, if any, comes back apart.
pub fn installed<'a>(
    query: &str,
    all: &'a crate::store::Records,
    ctx: &Context,
) -> Result<Option<(&'a Record, Option<String>)>> {
    let records = all.ok.as_slice();
    let (name, version) = match query.split_once('@') {
        Some((name, version)) if !name.is_empty() => (name, Some(version.to_owned())),
        _ => (query, None),
    };
    let spec = ToolSpec::parse(name).ok();
    // A repository (`OWNER/REPO`, its URL, `github:…`) names the tool installed from it; of
    // several (`--bin alpha` and `--bin beta`), the one named after the repository, else none
    // is guessed.
    if let Some(Target::Repo(repo)) = spec.as_ref().map(|s| &s.target)
        && !records.iter().any(|r| r.name == name)
    {
        match from_source(records, &format!("github:{repo}")).as_slice() {
            [] => {}
            [one] => return Ok(Some((one, version))),
            several => {
                if let Some(named) = several
                    .iter()
                    .find(|r| r.name.eq_ignore_ascii_case(&repo.name))
                {
                    return Ok(Some((named, version)));
                }
                return Err(installed_as_several(repo, several)
                    .hint(format!("name one of them (`{}`)", several[0].name))
                    .into());
            }
        }
    }
    // A tool's name, however it is cased (`KUBECTL` is `kubectl`, as `install` reads it),
    // before another tool's executable of that spelling.
    if let Some(Target::Name(canonical)) = spec.as_ref().map(|s| &s.target)
        && let Some(record) = records
            .iter()
            .find(|r| r.name == name)
            .or_else(|| records.iter().find(|r| r.name == *canonical))
            .or_else(|| records.iter().find(|r| r.name.eq_ignore_ascii_case(name)))
    {
        return Ok(Some((record, version)));
    }
    // A damaged record of that name is that tool, before another tool's executable of that
    // spelling: its error stands (`haul uninstall widget`, the damaged record's own hint,
    // removed the tool that links `widget`).
    if let Some(damaged) = damaged_named(query, &all.damaged) {
        return Err(damaged.error.clone().into());
    }
    if let Some(record) = crate::store::find_in(records, name) {
        return Ok(Some((record, version)));
    }
    let Some(spec) = spec else {
        return Ok(None);
    };
    if let Target::Name(canonical) = &spec.target
        && canonical != name
        && let Some(record) = crate::store::find_in(records, canonical)
    {
        return Ok(Some((record, version)));
    }
    let catalog = ctx.catalog()?;
    let Ok(tool) = Tool::resolve(&spec, &catalog, &Overrides::default()) else {
        return Ok(None);
    };
    let identity = tool.identity();
    Ok(records
        .iter()
        .find(|r| r.identity.same_tool(&identity, &r.name, &tool.name))
        .map(|r| (r, version)))
}

/// The damaged record `query` names (`NAME`, however it is cased, `NAME@VERSION`): that tool,
/// before another tool's executable of that spelling. Commands that act on several tools fail
/// it alone; the others report its error.
pub fn damaged_named<'d>(
    query: &str,
    damaged: &'d [crate::store::Damaged],
) -> Option<&'d crate::store::Damaged> {
    let name = match query.split_once('@') {
        Some((name, _)) if !name.is_empty() => name,
        _ => query,
    };
    let canonical = match ToolSpec::parse(name).map(|s| s.target) {
        Ok(Target::Name(canonical)) => Some(canonical),
        _ => None,
    };
    damaged
        .iter()
        .find(|d| d.name == name || canonical.as_ref() == Some(&d.name))
}

/// The tool among `damaged` whose stored files the link `name` points into: in the bin dir,
/// or in the bin-dir of the project in this directory (`--bin widget=wg`, a project's `bin =
/// ["widget=wg"]`). Its record says what is wrong, where "not installed" would not.
pub fn damaged_link<'d>(
    ctx: &Context,
    damaged: &'d [crate::store::Damaged],
    name: &str,
) -> Option<&'d crate::store::Damaged> {
    if damaged.is_empty() {
        return None;
    }
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let project_bin_dir = crate::project::find(&ctx.settings.cwd)
        .and_then(|dir| crate::project::Project::open(&dir).ok())
        .and_then(|project| project.bin_dir().ok().flatten());
    std::iter::once(ctx.settings.paths.bin_dir.clone())
        .chain(project_bin_dir)
        .filter_map(|dir| std::fs::read_link(dir.join(&file)).ok())
        .find_map(|target| {
            damaged
                .iter()
                .find(|d| target.starts_with(ctx.store.tool_dir(&d.name)))
        })
}

/// A command that acts on a tool as it is installed takes no `@VERSION`: given one, it is a
/// usage error saying what to run instead, never a version quietly left out (`which
/// tool@1.0.0` printing the link that runs 2.0.0).
pub fn no_version(query: &str, command: &str, instead: &str) -> Result<(), UserError> {
    match query.split_once('@') {
        Some((name, _)) if !name.is_empty() => Err(UserError::new(format!(
            "`haul {command}` takes no version: `{query}`"
        ))
        .hint(format!("name the tool alone (`{name}`); {instead}"))
        .exit(ExitCode::Usage)),
        _ => Ok(()),
    }
}

/// The error for a name that is not installed.
pub fn not_installed(query: &str) -> Failure {
    Failure::NotInstalled {
        query: query.to_owned(),
        similar: Vec::new(),
    }
}

/// [`not_installed`], naming the installed tools close to `query` (a typo: `sollo` for
/// `solo`).
pub fn not_installed_among(query: &str, records: &[Record]) -> Failure {
    // The name as typed, without a version or `.exe` (`tol@1.0.0`, `KUBNES.EXE`), among the
    // tools' names and their executables' (`kubens` of `kubectx`).
    let name = query.split_once('@').map_or(query, |(name, _)| name);
    let name = crate::platform::file_name::exe_stem(name).unwrap_or(name);
    // The tools' names first; an executable's only where it is no tool's name in another case
    // (`GT` of one tool beside the tool `gt`, which is what `GT` names).
    let tools = records.iter().map(|r| r.name.as_str());
    let executables = records
        .iter()
        .filter_map(Record::active)
        .flat_map(|v| v.bins.iter().map(crate::store::Bin::link_stem))
        .filter(|bin| !records.iter().any(|r| r.name.eq_ignore_ascii_case(bin)));
    let names = tools.chain(executables);
    Failure::NotInstalled {
        query: query.to_owned(),
        similar: crate::names::close_to(name, names)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

pub fn asset_pattern(pattern: Option<&str>) -> Result<Option<regex_lite::Regex>> {
    pattern
        .map(|p| {
            regex_lite::Regex::new(p).map_err(|err| {
                UserError::new(format!("`--asset {p}` is not a valid regular expression"))
                    .caused_by(err.to_string())
                    .exit(ExitCode::Usage)
                    .into()
            })
        })
        .transpose()
}

/// How a hint spells `record`'s tool ([`crate::store::spelled`]), by its repository where the
/// name it would give is a catalog entry's for another tool (`tk` of `lab/tk`, where the
/// catalog's `tk` is Tanka): that name installs the catalog's.
pub fn spelled(record: &Record, catalog: &Catalog) -> (String, String) {
    let (tool, flags) = crate::store::spelled(record);
    let source = &record.identity.source;
    let another = catalog.find(&tool).is_some_and(|entry| {
        let of_entry = entry.repo.as_ref().map_or_else(
            || format!("catalog:{}", entry.name),
            |repo| format!("github:{repo}"),
        );
        !of_entry.eq_ignore_ascii_case(source)
    });
    match source.strip_prefix("github:") {
        Some(repo) if another && !tool.contains('/') => (repo.to_owned(), flags),
        _ => (tool, flags),
    }
}
