//! The catalog: the names users type (`kubectl`, `k9s`) and where each tool comes from.
//!
//! The built-in catalog is `catalog/tools.toml`, embedded in the binary; `[[tool]]` entries in
//! the user's config file extend it or replace entries of the same name. Parsed only by
//! commands that need it. Pure apart from the embedded text: no I/O.

pub mod template;

use serde::{Deserialize, Serialize};

use crate::catalog::template::Template;
use crate::error::{ExitCode, UserError};
use crate::names::Repo;

const BUILTIN: &str = include_str!("../../catalog/tools.toml");

/// One tool of the catalog, in the file's format.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Entry {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub homepage: String,
    /// A GitHub-release source: `OWNER/REPO`.
    pub repo: Option<String>,
    /// A URL-template source, for tools not released on GitHub.
    pub template: Option<Template>,
    /// The executables to install; the tool's name when empty.
    #[serde(default)]
    pub bins: Vec<String>,
    /// A regular expression the asset's name must match (for releases of several products).
    pub asset: Option<String>,
    /// Only releases whose tag starts with this (repositories that release several things).
    pub tag_prefix: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Where an entry's releases come from, checked.
pub enum Source<'a> {
    GitHub(Repo),
    Template(&'a Template),
}

impl Entry {
    pub fn source(&self) -> Result<Source<'_>, String> {
        match (&self.repo, &self.template) {
            (Some(repo), None) => Repo::parse(repo)
                .map(Source::GitHub)
                .ok_or_else(|| format!("`{repo}` is not OWNER/REPO")),
            (None, Some(template)) => Ok(Source::Template(template)),
            (Some(_), Some(_)) => Err("has both `repo` and `template`".to_owned()),
            (None, None) => Err("needs `repo` or `template`".to_owned()),
        }
    }

    /// `github:OWNER/REPO`, or `url:` and the download URL template.
    pub fn source_label(&self) -> String {
        match (&self.repo, &self.template) {
            (Some(repo), _) => format!("github:{repo}"),
            (None, Some(template)) => format!("url:{}", template.url),
            (None, None) => String::new(),
        }
    }

    /// Everything wrong with the entry, as sentences; empty when it is fine.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for name in std::iter::once(&self.name).chain(&self.aliases) {
            if !valid_name(name) {
                problems.push(format!(
                    "`{name}` is not a valid name (lowercase letters, digits, `.`, `_`, `-`)"
                ));
            }
        }
        for bin in &self.bins {
            let name = bin.split_once('=').map_or(bin.as_str(), |(name, _)| name);
            if let Err(err) = crate::names::segment(crate::names::NameKind::Executable, name) {
                problems.push(err.message);
            }
        }
        match self.source() {
            Err(problem) => problems.push(problem),
            Ok(Source::Template(template)) => problems.extend(template.problems()),
            Ok(Source::GitHub(_)) => {}
        }
        if let Some(pattern) = &self.asset
            && let Err(err) = regex_lite::Regex::new(pattern)
        {
            problems.push(format!("`asset` is not a valid regular expression: {err}"));
        }
        if self.template.is_some() && (self.asset.is_some() || self.tag_prefix.is_some()) {
            problems.push("`asset` and `tag-prefix` apply to GitHub sources only".to_owned());
        }
        problems
    }

    /// The executables to install.
    pub fn bins(&self) -> Vec<String> {
        if self.bins.is_empty() {
            vec![self.name.clone()]
        } else {
            self.bins.clone()
        }
    }
}

fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    tool: Vec<Entry>,
}

pub struct Catalog {
    entries: Vec<Entry>,
}

/// One search hit for `haul search --json`; a stable, documented shape.
#[derive(Debug, Serialize)]
pub struct Listing<'a> {
    pub name: &'a str,
    pub aliases: &'a [String],
    pub description: &'a str,
    pub homepage: &'a str,
    pub source: String,
}

/// The built-in catalog's entries.
pub fn builtin() -> Result<Vec<Entry>, UserError> {
    let file: CatalogFile = toml::from_str(BUILTIN).map_err(|err| {
        UserError::new("the built-in catalog is damaged").caused_by(err.to_string())
    })?;
    Ok(file.tool)
}

impl Catalog {
    /// The built-in catalog with the user's entries added; a user entry replaces a built-in one
    /// of the same name.
    pub fn load(user: &[Entry]) -> Result<Catalog, UserError> {
        let mut entries = builtin()?;
        for entry in user {
            let problems = entry.problems();
            if !problems.is_empty() {
                return Err(UserError::new(format!(
                    "the catalog entry `{}` in the config file is invalid",
                    entry.name
                ))
                .caused_by(problems.join("; "))
                .hint("see \"The catalog\" in haul's README for the format")
                .exit(ExitCode::Usage));
            }
            entries.retain(|e| e.name != entry.name);
            entries.push(entry.clone());
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Catalog { entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry called `name`, by name first, then by alias.
    pub fn find(&self, name: &str) -> Option<&Entry> {
        let name = name.to_ascii_lowercase();
        self.entries
            .iter()
            .find(|e| e.name == name)
            .or_else(|| self.entries.iter().find(|e| e.aliases.contains(&name)))
    }

    /// Entries that match `word` in their name, aliases, tags or description, best first;
    /// every entry when `word` is empty.
    pub fn search(&self, word: &str) -> Vec<&Entry> {
        let word = word.trim().to_ascii_lowercase();
        let mut hits: Vec<(u32, &Entry)> = self
            .entries
            .iter()
            .filter_map(|entry| score(entry, &word).map(|s| (s, entry)))
            .collect();
        // Best score first; among names the word starts alike, the shortest first (`kubectl`
        // before `kube-linter`, `terraform` before `terraform-docs`): the word is more of it.
        hits.sort_by(|(a, x), (b, y)| {
            b.cmp(a)
                .then_with(|| {
                    if word.is_empty() {
                        std::cmp::Ordering::Equal
                    } else {
                        x.name.len().cmp(&y.name.len())
                    }
                })
                .then_with(|| x.name.cmp(&y.name))
        });
        hits.into_iter().map(|(_, entry)| entry).collect()
    }

    /// Names close to `name`, for "did you mean" hints.
    pub fn similar(&self, name: &str) -> Vec<&str> {
        crate::names::close_to(
            name,
            self.entries
                .iter()
                .flat_map(|e| std::iter::once(&e.name).chain(&e.aliases))
                .map(String::as_str),
        )
    }
}

impl<'a> Listing<'a> {
    pub fn of(entry: &'a Entry) -> Self {
        Listing {
            name: &entry.name,
            aliases: &entry.aliases,
            description: &entry.description,
            homepage: &entry.homepage,
            source: entry.source_label(),
        }
    }
}

fn score(entry: &Entry, word: &str) -> Option<u32> {
    if word.is_empty() {
        return Some(0);
    }
    let name = entry.name.as_str();
    let alias = |f: fn(&str, &str) -> bool| entry.aliases.iter().any(|a| f(a, word));
    let in_text = |text: &str| text.to_ascii_lowercase().contains(word);
    [
        (name == word, 100),
        (alias(|a, w| a == w), 90),
        (name.starts_with(word), 80),
        (alias(|a, w| a.starts_with(w)), 70),
        (name.contains(word), 60),
        (alias(|a, w| a.contains(w)), 50),
        (entry.tags.iter().any(|t| t == word), 40),
        (in_text(&entry.description), 30),
        (entry.repo.as_deref().is_some_and(in_text), 20),
    ]
    .into_iter()
    .find_map(|(hit, score)| hit.then_some(score))
}

#[cfg(test)]
mod tests;
