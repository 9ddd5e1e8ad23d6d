//! A tool as haul will install it: what the user typed, resolved against the catalog and the
//! command-line options into a source, a name, the executables and any asset hint.
//!
//! Pure: no I/O.

use regex::Regex;

use crate::catalog::template::Template;
use crate::catalog::{Catalog, Entry, Source};
use crate::error::{ExitCode, UserError};
use crate::request::spec::{Repo, Target, ToolSpec};
use crate::request::version::VersionReq;

#[derive(Debug)]
pub enum ToolSource {
    GitHub(Repo),
    Template(Box<Template>),
}

#[derive(Debug)]
pub struct Tool {
    /// The name it is recorded and listed under.
    pub name: String,
    pub source: ToolSource,
    /// The executables to install; empty means "the one named after the tool".
    pub bins: Vec<String>,
    /// Only assets matching this are considered (`--asset`, or the catalog's hint).
    pub asset_pattern: Option<Regex>,
    pub tag_prefix: Option<String>,
    pub req: VersionReq,
}

/// What the command line adds to every tool it names.
#[derive(Default)]
pub struct Overrides {
    pub bins: Vec<String>,
    pub asset: Option<Regex>,
}

impl Tool {
    /// Resolve `spec`: a catalog name through the catalog; `OWNER/REPO` as it is, taking the
    /// catalog's executables and hints when exactly one entry comes from that repository.
    pub fn resolve(
        spec: &ToolSpec,
        catalog: &Catalog,
        overrides: &Overrides,
    ) -> Result<Tool, UserError> {
        let entry = match &spec.target {
            Target::Name(name) => Some(catalog.find(name).ok_or_else(|| unknown(name, catalog))?),
            Target::Repo(repo) => {
                let full = repo.to_string();
                let mut same = catalog.entries().iter().filter(|e| {
                    e.repo
                        .as_deref()
                        .is_some_and(|r| r.eq_ignore_ascii_case(&full))
                });
                match (same.next(), same.next()) {
                    (Some(entry), None)
                        if overrides.bins.is_empty() && overrides.asset.is_none() =>
                    {
                        Some(entry)
                    }
                    _ => None,
                }
            }
        };
        let Some(entry) = entry else {
            let Target::Repo(repo) = &spec.target else {
                unreachable!("a name resolves to an entry or an error")
            };
            return Ok(Tool {
                name: overrides
                    .bins
                    .first()
                    .cloned()
                    .unwrap_or_else(|| repo.name.to_ascii_lowercase()),
                source: ToolSource::GitHub(repo.clone()),
                bins: overrides.bins.clone(),
                asset_pattern: overrides.asset.clone(),
                tag_prefix: None,
                req: spec.req.clone(),
            });
        };
        from_entry(entry, spec, overrides)
    }

    /// `github:OWNER/REPO` or `catalog:NAME`, as records and listings show it.
    pub fn source_label(&self) -> String {
        match &self.source {
            ToolSource::GitHub(repo) => format!("github:{repo}"),
            ToolSource::Template(_) => format!("catalog:{}", self.name),
        }
    }

    /// How messages refer to where the tool comes from.
    pub fn origin(&self) -> String {
        match &self.source {
            ToolSource::GitHub(repo) => repo.to_string(),
            ToolSource::Template(template) => {
                let host = template.url.split('/').nth(2).unwrap_or(&template.url);
                host.to_owned()
            }
        }
    }

    /// The executables to look for in the release.
    pub fn wanted_bins(&self) -> Vec<String> {
        if self.bins.is_empty() {
            vec![self.name.clone()]
        } else {
            self.bins.clone()
        }
    }

    /// The repository name, as a naming hint for the selector.
    pub fn repo_name(&self) -> &str {
        match &self.source {
            ToolSource::GitHub(repo) => &repo.name,
            ToolSource::Template(_) => &self.name,
        }
    }
}

fn from_entry(entry: &Entry, spec: &ToolSpec, overrides: &Overrides) -> Result<Tool, UserError> {
    let broken = |problem: String| {
        UserError::new(format!("the catalog entry `{}` is invalid", entry.name)).caused_by(problem)
    };
    let source = match entry.source().map_err(broken)? {
        Source::GitHub(repo) => ToolSource::GitHub(repo),
        Source::Template(template) => ToolSource::Template(Box::new(template.clone())),
    };
    let catalog_asset = entry
        .asset
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|err| broken(err.to_string()))?;
    Ok(Tool {
        name: entry.name.clone(),
        source,
        bins: if overrides.bins.is_empty() {
            entry.bins()
        } else {
            overrides.bins.clone()
        },
        asset_pattern: overrides.asset.clone().or(catalog_asset),
        tag_prefix: entry.tag_prefix.clone(),
        req: spec.req.clone(),
    })
}

fn unknown(name: &str, catalog: &Catalog) -> UserError {
    let similar = catalog.similar(name);
    let mut err = UserError::new(format!("`{name}` is not in the catalog")).exit(ExitCode::Failure);
    if !similar.is_empty() {
        err = err.caused_by(format!("similar names: {}", similar.join(", ")));
    }
    err.hint(format!(
        "find tools with `haul search {name}`, or name the GitHub repository as OWNER/REPO"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let user: Vec<Entry> = toml::from_str::<toml::Table>(
            r#"
            [[tool]]
            name = "widget"
            aliases = ["wdg"]
            description = "A widget"
            homepage = "https://example.com"
            repo = "acme/widget"
            bins = ["wdgt"]
            asset = "^widget-cli"
            tags = ["dev"]
            "#,
        )
        .unwrap()["tool"]
            .clone()
            .try_into()
            .unwrap();
        Catalog::load(&user).unwrap()
    }

    fn resolve(text: &str, overrides: &Overrides) -> Result<Tool, UserError> {
        Tool::resolve(&ToolSpec::parse(text).unwrap(), &catalog(), overrides)
    }

    #[test]
    fn names_and_aliases_come_from_the_catalog() {
        for text in ["widget", "wdg@1.2"] {
            let tool = resolve(text, &Overrides::default()).unwrap();
            assert_eq!(tool.name, "widget");
            assert_eq!(tool.source_label(), "github:acme/widget");
            assert_eq!(tool.bins, vec!["wdgt"]);
            assert_eq!(tool.asset_pattern.unwrap().as_str(), "^widget-cli");
        }
    }

    #[test]
    fn a_repository_with_one_entry_takes_its_hints() {
        let tool = resolve("acme/widget", &Overrides::default()).unwrap();
        assert_eq!(tool.name, "widget");
        assert_eq!(tool.bins, vec!["wdgt"]);
        // Explicit options win, and then the catalog stays out of it.
        let overrides = Overrides {
            bins: vec!["other".to_owned()],
            asset: None,
        };
        let tool = resolve("acme/widget", &overrides).unwrap();
        assert_eq!(tool.name, "other");
        assert!(tool.asset_pattern.is_none());
        let tool = resolve("someone/else", &Overrides::default()).unwrap();
        assert_eq!(tool.name, "else");
        assert!(tool.bins.is_empty());
    }

    #[test]
    fn unknown_names_suggest_close_ones() {
        let err = resolve("widgit", &Overrides::default()).unwrap_err();
        assert_eq!(err.message, "`widgit` is not in the catalog");
        assert!(
            err.causes.iter().any(|c| c.contains("widget")),
            "{:?}",
            err.causes
        );
    }
}
