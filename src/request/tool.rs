//! A tool as haul will install it: what the user typed, resolved against the catalog and the
//! command-line options into a source, a name, its identity, the executables and any asset
//! hint.
//!
//! Pure: no I/O.

use regex_lite::Regex;

use crate::catalog::template::Template;
use crate::catalog::{Catalog, Entry, Source};
use crate::error::{ExitCode, UserError};
use crate::names::{self, NameKind, Repo, WantedBin};
use crate::request::spec::{Target, ToolSpec};
use crate::store::record::{Identity, Product, Record, Requirement};
use crate::version::VersionReq;

/// Where a tool's releases come from. Only `resolve` asks which kind it is.
#[derive(Debug)]
pub enum ToolSource {
    GitHub(Repo),
    Template(Box<Template>),
}

/// Which releases count: what was asked for, and whether prereleases do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionQuery {
    pub req: VersionReq,
    pub pre: bool,
}

impl VersionQuery {
    /// As the record keeps it.
    pub fn requirement(&self) -> Requirement {
        Requirement::new(&self.req.to_string(), self.pre)
    }

    /// From the record.
    pub fn from_requirement(requirement: &Requirement) -> Result<VersionQuery, UserError> {
        Ok(VersionQuery {
            req: VersionReq::parse(&requirement.version)?,
            pre: requirement.pre,
        })
    }
}

#[derive(Debug)]
pub struct Tool {
    /// The name it is recorded and listed under.
    pub name: String,
    pub source: ToolSource,
    /// The executables named by the user or the catalog; empty means "the one named after the
    /// tool, or the release's only one".
    pub bins: Vec<WantedBin>,
    /// Who named them.
    pub bins_from: BinsFrom,
    /// Only assets matching this are considered (`--asset`, or the catalog's hint).
    pub asset_pattern: Option<Regex>,
    /// What narrows the release to this tool: part of its identity.
    pub product: Product,
    pub tag_prefix: Option<String>,
    pub query: VersionQuery,
    /// The catalog entry that installs this GitHub repository's tool from the vendor's own
    /// downloads (helm/helm's releases hold only signatures; the binaries are on get.helm.sh):
    /// named when nothing in a release fits.
    pub vendor: Option<String>,
    /// The executables its catalog entry names (their file names), whatever was asked for:
    /// what a bare program of its release is called (tealdeer's
    /// `tealdeer-linux-x86_64-musl` is `tldr`). Empty for a tool no entry describes.
    pub entry_bins: Vec<String>,
}

/// Who named a tool's executables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinsFrom {
    /// Nobody: the one named after the tool, or the release's only one.
    Nobody,
    /// Its catalog entry (none when the entry names none: the one named after the tool).
    Catalog,
    /// The user, now (`--bin`, or `bin` in `haul.toml`): each must be there by its name.
    User,
    /// The user, when the tool was installed (the record keeps their `--bin`): asked for
    /// again, each by its name.
    Record,
    /// Read back from the links of a record an earlier haul wrote (format 2, which did not
    /// keep `--bin`): asked for as [`BinsFrom::Record`] asks, and kept as read back.
    Guessed,
    /// Nobody named them, and no catalog entry does now (it went): the executables the tool
    /// has, not kept as the user's; a release's only program may stand for one of them, as
    /// for the tool's own.
    Installed,
}

/// What the command line adds to every tool it names.
#[derive(Default)]
pub struct Overrides {
    pub bins: Vec<WantedBin>,
    pub asset: Option<Regex>,
    pub pre: bool,
}

impl Tool {
    /// Resolve `spec`: a catalog name through the catalog; `OWNER/REPO` as it is, taking the
    /// catalog's executables and hints when exactly one entry comes from that repository.
    pub fn resolve(
        spec: &ToolSpec,
        catalog: &Catalog,
        overrides: &Overrides,
    ) -> Result<Tool, UserError> {
        names::distinct_links(&overrides.bins)?;
        let query = VersionQuery {
            req: spec.req.clone(),
            pre: overrides.pre,
        };
        let repo = match &spec.target {
            Target::Name(name) => {
                let entry = catalog.find(name).ok_or_else(|| unknown(name, catalog))?;
                return from_entry(entry, query, overrides);
            }
            Target::Repo(repo) => repo,
        };
        let full = repo.to_string();
        let mut same = catalog.entries().iter().filter(|e| {
            e.repo
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(&full))
        });
        let only = match (same.next(), same.next()) {
            (Some(entry), None) => Some(entry),
            _ => None,
        };
        // The catalog's entry fits when the user asked for nothing it would contradict.
        if let Some(entry) = only
            && overrides.asset.is_none()
            && (overrides.bins.is_empty()
                || overrides.bins.first().map(|b| b.name.as_str())
                    == entry.bins().first().map(|b| names::bin_file(b)))
        {
            return from_entry(entry, query, overrides);
        }
        let vendor = catalog
            .entries()
            .iter()
            .find(|e| {
                e.template
                    .as_ref()
                    .and_then(|t| t.version.github.as_deref())
                    .is_some_and(|g| g.eq_ignore_ascii_case(&full))
            })
            .map(|e| e.name.clone());
        let bins = overrides.bins.clone();
        let bins_from = if bins.is_empty() {
            BinsFrom::Nobody
        } else {
            BinsFrom::User
        };
        let primary = bins
            .first()
            .map_or_else(|| repo.name.to_ascii_lowercase(), |b| b.name.clone());
        let name = names::segment(NameKind::Tool, &primary)?.to_owned();
        Ok(Tool {
            product: Product {
                bin: primary,
                asset: None,
                tag_prefix: None,
            },
            name,
            source: ToolSource::GitHub(repo.clone()),
            bins,
            bins_from,
            asset_pattern: overrides.asset.clone(),
            tag_prefix: None,
            query,
            vendor,
            entry_bins: Vec::new(),
        })
    }

    /// The tool an installed record is, asking for `query` (its requirement, usually), and for
    /// the executables the user asked for when installing it; none asked for, its catalog
    /// entry's (when one is this tool), else the one named after it.
    pub fn from_record(
        record: &Record,
        catalog: &Catalog,
        query: VersionQuery,
    ) -> Result<Tool, UserError> {
        let source = &record.identity.source;
        let unknown = || {
            UserError::new(format!(
                "`{}` was installed from `{source}`, which haul no longer knows",
                record.name
            ))
            .hint(format!(
                "reinstall it by its repository (`haul install OWNER/REPO`), or `haul uninstall {}`",
                record.name
            ))
        };
        let mut tool = if let Some(entry_name) = source.strip_prefix("catalog:") {
            let entry = catalog.find(entry_name).ok_or_else(unknown)?;
            let mut tool = from_entry(entry, query, &Overrides::default())?;
            tool.name.clone_from(&record.name);
            tool
        } else {
            let repo = source
                .strip_prefix("github:")
                .and_then(Repo::parse)
                .ok_or_else(unknown)?;
            let product = record.identity.product.clone().unwrap_or_else(|| Product {
                bin: record.name.clone(),
                asset: None,
                tag_prefix: None,
            });
            let asset_pattern = product
                .asset
                .as_deref()
                .map(Regex::new)
                .transpose()
                .map_err(|_| unknown())?;
            // No catalog entry is this tool (now): it asks for the executables it has.
            let (bins, bins_from, entry_bins) =
                if let Some(entry) = entry_of(record, &repo, catalog, &query) {
                    (entry.bins, entry.bins_from, entry.entry_bins)
                } else {
                    let (bins, from) = as_installed(record);
                    (bins, from, Vec::new())
                };
            Tool {
                name: record.name.clone(),
                source: ToolSource::GitHub(repo),
                tag_prefix: product.tag_prefix.clone(),
                product,
                bins,
                bins_from,
                asset_pattern,
                query,
                vendor: None,
                entry_bins,
            }
        };
        tool.keep_bins(record);
        Ok(tool)
    }

    /// Ask for the executables the user asked for when `record` was installed, when they
    /// asked for any.
    pub fn keep_bins(&mut self, record: &Record) {
        if record.asked_bins().is_empty() || self.entry_gives(record) {
            return;
        }
        self.bins = record.asked_bins().to_vec();
        self.bins_from = if record.requirement.guessed {
            BinsFrom::Guessed
        } else {
            BinsFrom::Record
        };
    }

    /// Whether `record`'s executables were read back from its links by a haul that did not
    /// keep `--bin` (format 2) and are what this tool's catalog entry asks for, each file
    /// under its link: then the entry asked for them, and is followed (`bq = ["bar=b"]` reads
    /// as `--bin bar-v1-linux=b`; a typed `--bin beta=m` beside an entry's `alpha=m` is not the
    /// entry's).
    fn entry_gives(&self, record: &Record) -> bool {
        if !record.requirement.guessed || self.bins_from != BinsFrom::Catalog {
            return false;
        }
        let Some(active) = record.active() else {
            return false;
        };
        let entry_has = |b: &crate::store::record::Bin| {
            self.bins
                .iter()
                .any(|w| w.link_name() == b.link_stem() && b.is_file(&w.name))
        };
        active.bins.len() == self.bins.len() && active.bins.iter().all(entry_has)
    }

    /// [`Tool::keep_bins`] for a tool no catalog entry names (now): with no `--bin` kept, the
    /// executables its active version has.
    pub fn keep_installed_bins(&mut self, record: &Record) {
        if record.asked_bins().is_empty() {
            (self.bins, self.bins_from) = as_installed(record);
        } else {
            self.keep_bins(record);
        }
    }

    /// What the record keeps of what was asked for: the version, and the executables when the
    /// user named them (the catalog's are the catalog's to change).
    pub fn requirement(&self) -> Requirement {
        let bin = match self.bins_from {
            BinsFrom::User | BinsFrom::Record | BinsFrom::Guessed => self.bins.clone(),
            BinsFrom::Nobody | BinsFrom::Catalog | BinsFrom::Installed => Vec::new(),
        };
        Requirement {
            bin,
            guessed: self.bins_from == BinsFrom::Guessed,
            ..self.query.requirement()
        }
    }

    /// `github:OWNER/REPO` or `catalog:NAME`, as records and listings show it.
    pub fn source_label(&self) -> String {
        match &self.source {
            ToolSource::GitHub(repo) => format!("github:{repo}"),
            ToolSource::Template(_) => format!("catalog:{}", self.name),
        }
    }

    /// What makes this tool this tool, whatever it is called.
    pub fn identity(&self) -> Identity {
        Identity {
            source: self.source_label(),
            product: Some(self.product.clone()),
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
    pub fn wanted_bins(&self) -> Vec<WantedBin> {
        if self.bins.is_empty() {
            vec![WantedBin::plain(&self.name)]
        } else {
            self.bins.clone()
        }
    }

    /// Whether the user (or the catalog) named the executables.
    pub fn bins_named(&self) -> bool {
        !self.bins.is_empty()
    }

    /// Whether its one executable asked for may be the release's only program under another
    /// name: asked for by nobody in particular (its name, its catalog entry's, the ones it
    /// has). Executables the user named, now or when installing it, are each found by name: a
    /// release's only program may be another program than the one named (which was dropped).
    pub fn takes_only_program(&self) -> bool {
        match self.bins_from {
            BinsFrom::Nobody | BinsFrom::Catalog | BinsFrom::Installed => true,
            BinsFrom::User | BinsFrom::Record | BinsFrom::Guessed => false,
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

/// The executables `record`'s active version has, asked for again (none: the one named after
/// the tool).
fn as_installed(record: &Record) -> (Vec<WantedBin>, BinsFrom) {
    let bins = record.active_bins_as_installed();
    let from = if bins.is_empty() {
        BinsFrom::Nobody
    } else {
        BinsFrom::Installed
    };
    (bins, from)
}

/// The catalog's tool (of an entry from `repo`) that `record` is, if any.
fn entry_of(record: &Record, repo: &Repo, catalog: &Catalog, query: &VersionQuery) -> Option<Tool> {
    let full = repo.to_string();
    let of_repo = |e: &&Entry| {
        e.repo
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(&full))
    };
    let is_it = |tool: &Tool| {
        record
            .identity
            .same_tool(&tool.identity(), &record.name, &tool.name)
    };
    // The entry of the record's name first: two entries of one repository may name one
    // product (`kubectx`, and a user's `kx` linking it as `kc`).
    let named = catalog
        .find(&record.name)
        .filter(|e| e.name == record.name)
        .filter(of_repo)
        .and_then(|e| from_entry(e, query.clone(), &Overrides::default()).ok())
        .filter(is_it);
    named.or_else(|| {
        catalog
            .entries()
            .iter()
            .filter(of_repo)
            .filter_map(|e| from_entry(e, query.clone(), &Overrides::default()).ok())
            .find(is_it)
    })
}

fn from_entry(
    entry: &Entry,
    query: VersionQuery,
    overrides: &Overrides,
) -> Result<Tool, UserError> {
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
    let bins: Vec<WantedBin> = if overrides.bins.is_empty() {
        entry
            .bins
            .iter()
            .map(|b| WantedBin::parse(b).map_err(|err| broken(err.message)))
            .collect::<Result<_, _>>()?
    } else {
        overrides.bins.clone()
    };
    let name = names::segment(NameKind::Tool, &entry.name)
        .map_err(|err| broken(err.message))?
        .to_owned();
    // The entry's first executable as the entry names it (`kubectx=kc` apart from another
    // entry's `kubectx`).
    let primary = entry
        .bins()
        .first()
        .cloned()
        .unwrap_or_else(|| name.clone());
    Ok(Tool {
        product: Product {
            bin: primary,
            asset: entry.asset.clone(),
            tag_prefix: entry.tag_prefix.clone(),
        },
        name,
        source,
        // An entry that names no executables still names the tool (its product).
        bins_from: if overrides.bins.is_empty() {
            BinsFrom::Catalog
        } else {
            BinsFrom::User
        },
        bins,
        asset_pattern: overrides.asset.clone().or(catalog_asset),
        tag_prefix: entry.tag_prefix.clone(),
        query,
        vendor: None,
        entry_bins: entry
            .bins()
            .iter()
            .map(|b| names::bin_file(b).to_owned())
            .collect(),
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

            [[tool]]
            name = "one"
            description = "From a repository with two tools"
            homepage = "https://example.com"
            repo = "acme/pair"
            bins = ["one"]

            [[tool]]
            name = "two"
            description = "From a repository with two tools"
            homepage = "https://example.com"
            repo = "acme/pair"
            bins = ["two"]
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

    fn bins(tool: &Tool) -> Vec<&str> {
        tool.bins.iter().map(|b| b.name.as_str()).collect()
    }

    #[test]
    fn names_and_aliases_come_from_the_catalog() {
        for text in ["widget", "wdg@1.2"] {
            let tool = resolve(text, &Overrides::default()).unwrap();
            assert_eq!(tool.name, "widget");
            assert_eq!(tool.source_label(), "github:acme/widget");
            assert_eq!(bins(&tool), vec!["wdgt"]);
            assert_eq!(tool.asset_pattern.unwrap().as_str(), "^widget-cli");
        }
    }

    #[test]
    fn a_repository_with_one_entry_takes_its_hints() {
        let tool = resolve("acme/widget", &Overrides::default()).unwrap();
        assert_eq!(tool.name, "widget");
        assert_eq!(bins(&tool), vec!["wdgt"]);
        // An executable of the user's own: then the catalog stays out of it.
        let overrides = Overrides {
            bins: vec![WantedBin::plain("other")],
            ..Overrides::default()
        };
        let tool = resolve("acme/widget", &overrides).unwrap();
        assert_eq!(tool.name, "other");
        assert!(tool.asset_pattern.is_none());
        let tool = resolve("someone/else", &Overrides::default()).unwrap();
        assert_eq!(tool.name, "else");
        assert!(tool.bins.is_empty());
    }

    #[test]
    fn identity_is_the_source_and_product() {
        let by_name = resolve("widget", &Overrides::default()).unwrap();
        let by_repo = resolve("acme/widget", &Overrides::default()).unwrap();
        assert_eq!(by_name.identity(), by_repo.identity());
        // Two tools of one repository are two identities...
        let one = resolve("one", &Overrides::default()).unwrap();
        let two = resolve("two", &Overrides::default()).unwrap();
        assert_ne!(one.identity(), two.identity());
        // ...and the repository with `--bin` names the same tool as the catalog entry.
        let overrides = Overrides {
            bins: vec![WantedBin::plain("two")],
            ..Overrides::default()
        };
        assert_eq!(
            resolve("acme/pair", &overrides).unwrap().identity(),
            two.identity()
        );
        assert_ne!(
            resolve("fork/widget", &Overrides::default())
                .unwrap()
                .identity(),
            by_repo.identity()
        );
    }

    #[test]
    fn bins_are_file_names_and_may_be_renamed() {
        assert_eq!(
            WantedBin::parse("multi-a=multi").unwrap(),
            WantedBin {
                name: "multi-a".into(),
                link: Some("multi".into())
            }
        );
        for bad in ["/abs/path", "../../x", "a=../b", "", "x=", "a/b"] {
            assert!(WantedBin::parse(bad).is_err(), "{bad}");
        }
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
