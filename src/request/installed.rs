//! Which tool a name means, among those installed: `OWNER/REPO` for the one tool installed
//! from it with `--bin`, a name the catalog no longer has for the installed tool of that name,
//! a repository installed as several tools (named none of them: not guessed), and the
//! executables an installed tool keeps.
//!
//! Pure: no I/O; the caller reads the records.

use crate::catalog::Catalog;
use crate::error::{ExitCode, UserError};
use crate::names::{Repo, WantedBin};
use crate::request::spec::{Target, ToolSpec};
use crate::request::tool::{Overrides, Tool};
use crate::store::record::Record;

/// One spec as a tool: through the catalog, or, for a name the catalog lacks, the installed
/// tool of that name.
pub fn resolve(
    spec: &ToolSpec,
    catalog: &Catalog,
    overrides: &Overrides,
    installed: &[Record],
) -> Result<Tool, UserError> {
    let mut tool = resolve_tool(spec, catalog, overrides, installed)?;
    several_installed(&tool, spec, overrides, installed)?;
    // Asked for with no `--bin`, an installed tool keeps the executables it was installed
    // with (`--bin kubectx --bin kubens`, `--bin widget=wg`, a catalog tool's `--bin
    // kubens=kn`), as `upgrade` keeps them: a new version would otherwise unlink them without
    // a word. `--bin` asks for others.
    if overrides.bins.is_empty()
        && let Some(record) = installed
            .iter()
            .find(|r| r.identity.same_tool(&tool.identity(), &r.name, &tool.name))
    {
        tool.keep_bins(record);
    }
    Ok(tool)
}

/// [`resolve`] without refusing a repository installed as several tools (`info` shows any).
pub fn resolve_tool(
    spec: &ToolSpec,
    catalog: &Catalog,
    overrides: &Overrides,
    installed: &[Record],
) -> Result<Tool, UserError> {
    match Tool::resolve(spec, catalog, overrides) {
        Err(err) => {
            let Target::Name(name) = &spec.target else {
                return Err(err);
            };
            let Some(record) = installed.iter().find(|r| r.name == *name) else {
                return Err(err);
            };
            let Some(repo) = record
                .identity
                .source
                .strip_prefix("github:")
                .and_then(Repo::parse)
            else {
                return Err(err);
            };
            // The installed tool of that name: its repository, and its executable when that is
            // not the repository's name. (A catalog tool whose entry went is one of these: it
            // asks for the executables it has.)
            let mut overrides_here = Overrides {
                bins: overrides.bins.clone(),
                asset: overrides.asset.clone(),
                pre: overrides.pre,
            };
            let product_bin = record
                .identity
                .product
                .as_ref()
                .map(|p| crate::names::bin_file(&p.bin));
            if let Some(bin) = product_bin
                && !bin.eq_ignore_ascii_case(&repo.name)
            {
                match overrides_here.bins.first() {
                    None => overrides_here.bins = vec![WantedBin::plain(bin)],
                    // `--bin` names the tool by its first executable: another one first would
                    // be another tool of the repository, not this one.
                    Some(first) if first.name != bin => {
                        return Err(UserError::new(format!(
                            "`{name}` is the tool of `{repo}` named after its executable `{bin}`: \
                             `--bin {first}` first would make another tool"
                        ))
                        .hint(format!(
                            "name `{bin}` first (`haul install {name} --bin {bin} --bin {first}`), \
                             or install `{repo} --bin {first}` as a tool of its own"
                        ))
                        .exit(ExitCode::Usage));
                    }
                    Some(_) => {}
                }
            }
            let by_repo = ToolSpec {
                target: Target::Repo(repo),
                req: spec.req.clone(),
                raw: spec.raw.clone(),
            };
            let mut tool = Tool::resolve(&by_repo, catalog, &overrides_here)?;
            // It is that tool (a catalog entry that went named it `kx` after `kubectx=kc`):
            // its name and product are the record's.
            if let Some(product) = &record.identity.product
                && crate::names::bin_file(&product.bin) == tool.product.bin
                && overrides.asset.is_none()
            {
                tool.product = product.clone();
                tool.name.clone_from(&record.name);
                tool.tag_prefix.clone_from(&product.tag_prefix);
                if let Some(asset) = &product.asset {
                    tool.asset_pattern = regex_lite::Regex::new(asset).ok();
                }
            }
            if overrides.bins.is_empty() {
                tool.keep_installed_bins(record);
            }
            Ok(tool)
        }
        Ok(tool) => match installed_with_its_bin(&tool, spec, overrides, installed) {
            None => Ok(tool),
            // The one tool installed from that repository, named after the executable it was
            // asked for with `--bin`: `OWNER/REPO` alone is that tool, not a second one, with
            // the executables it has.
            Some((bin, record)) => {
                let mut tool = Tool::resolve(
                    spec,
                    catalog,
                    &Overrides {
                        bins: vec![WantedBin::plain(bin)],
                        asset: None,
                        pre: overrides.pre,
                    },
                )?;
                tool.keep_bins(record);
                Ok(tool)
            }
        },
    }
}

/// For `OWNER/REPO` asked for with no `--bin` and no `--asset` (its executable a guess from
/// the repository's name), the executable of the one installed tool of that repository when
/// it is not that tool already (installed with `--bin`, so named after another executable).
/// With several tools of one repository installed (`kubectx`, `kubens`), none is chosen.
fn installed_with_its_bin<'r>(
    tool: &Tool,
    spec: &ToolSpec,
    overrides: &Overrides,
    installed: &'r [Record],
) -> Option<(&'r str, &'r Record)> {
    if !matches!(spec.target, Target::Repo(_))
        || !overrides.bins.is_empty()
        || overrides.asset.is_some()
        || tool.product.asset.is_some()
        || tool.product.tag_prefix.is_some()
    {
        return None;
    }
    let others = others_of_its_source(tool, installed)?;
    let [record] = others[..] else {
        return None;
    };
    let product = record.identity.product.as_ref()?;
    (product.asset.is_none() && product.tag_prefix.is_none())
        .then_some((product.bin.as_str(), record))
}

/// For `OWNER/REPO` asked for with no `--bin` (its executable a guess from the repository's
/// name), installed as several tools none of which is named after the repository: which one
/// is meant is not guessed (nor is a further tool made whose executable may be one of theirs).
fn several_installed(
    tool: &Tool,
    spec: &ToolSpec,
    overrides: &Overrides,
    installed: &[Record],
) -> Result<(), UserError> {
    let Target::Repo(repo) = &spec.target else {
        return Ok(());
    };
    if !overrides.bins.is_empty() {
        return Ok(());
    }
    let Some(others) = others_of_its_source(tool, installed) else {
        return Ok(());
    };
    if others.len() < 2 {
        return Ok(());
    }
    Err(installed_as_several(repo, &others).hint(format!(
        "name one of them (`haul install {}`), or pass `--bin` for another executable of the release",
        others[0].name
    )))
}

/// The installed tools of `tool`'s source; `None` when `tool` itself is one of them.
fn others_of_its_source<'r>(tool: &Tool, installed: &'r [Record]) -> Option<Vec<&'r Record>> {
    let identity = tool.identity();
    if installed
        .iter()
        .any(|r| r.identity.same_tool(&identity, &r.name, &tool.name))
    {
        return None;
    }
    Some(from_source(installed, &identity.source))
}

/// The installed tools whose source is `source` (GitHub's names ignore case).
pub fn from_source<'r>(records: &'r [Record], source: &str) -> Vec<&'r Record> {
    records
        .iter()
        .filter(|r| r.identity.source.eq_ignore_ascii_case(source))
        .collect()
}

/// The usage error for `repo` named alone where it is installed as `several` tools, none of
/// which it names.
pub fn installed_as_several(repo: &Repo, several: &[&Record]) -> UserError {
    let names: Vec<&str> = several.iter().map(|r| r.name.as_str()).collect();
    UserError::new(format!(
        "`{repo}` is installed as several tools: {}",
        names.join(", ")
    ))
    .exit(ExitCode::Usage)
}
