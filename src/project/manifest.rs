//! `haul.toml`: the tools a project uses, with their requirements, and the project's settings;
//! the starter file `haul init` writes, and editing it (`haul add`, `haul remove`) with the
//! user's comments and formatting kept.
//!
//! Pure: the caller reads and writes the file.

use std::collections::BTreeMap;
use std::path::{Component, PathBuf};

use serde::Deserialize;

use crate::error::{ExitCode, UserError};
use crate::names::WantedBin;
use crate::platform::Platform;
use crate::request::spec::ToolSpec;

/// The file's name.
pub const FILE: &str = "haul.toml";

/// The platforms a lock covers when the manifest names none.
pub const DEFAULT_PLATFORMS: [&str; 5] = [
    "linux-x86_64",
    "linux-aarch64",
    "macos-x86_64",
    "macos-aarch64",
    "windows-x86_64",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Tool (a catalog name or `OWNER/REPO`) → what is wanted of it.
    #[serde(default)]
    pub tools: BTreeMap<String, ToolEntry>,
    #[serde(default)]
    pub settings: Settings,
    /// The tools, checked when the file was parsed.
    #[serde(skip)]
    wanted: Vec<Wanted>,
    /// The platforms to lock, checked when the file was parsed.
    #[serde(skip)]
    platforms: Vec<Platform>,
}

/// One tool: a requirement (`"1.31"`), or a table with more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolEntry {
    Version(String),
    Table(ToolTable),
}

/// A string or a table, each read as itself: a mistake in a table (an unknown key) is said
/// in its own words, with its line, not as "did not match any variant".
impl<'de> Deserialize<'de> for ToolEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = ToolEntry;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version requirement (\"1.31\") or a table ({ version = \"1.31\", bin = [...] })")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ToolEntry, E> {
                Ok(ToolEntry::Version(text.to_owned()))
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                map: M,
            ) -> Result<ToolEntry, M::Error> {
                ToolTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ToolEntry::Table)
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolTable {
    #[serde(default)]
    pub version: Option<String>,
    /// The executables, `NAME` or `NAME=LINK`.
    #[serde(default)]
    pub bin: Vec<String>,
    /// A regular expression the asset must match.
    #[serde(default)]
    pub asset: Option<String>,
    /// Prereleases count.
    #[serde(default)]
    pub pre: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// The platforms `haul lock` resolves (default: [`DEFAULT_PLATFORMS`]).
    pub platforms: Option<Vec<String>>,
    /// Where `haul sync` links the tools, relative to the project (e.g. `.haul/bin`).
    pub bin_dir: Option<PathBuf>,
    pub require_checksum: Option<bool>,
}

/// One tool of the manifest, checked: what to resolve and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The key as written (`kubectl`, `sharkdp/fd`).
    pub key: String,
    pub spec: ToolSpec,
    /// The requirement as written (`latest` when none).
    pub requirement: String,
    pub bins: Vec<WantedBin>,
    pub asset: Option<AssetPattern>,
    pub pre: bool,
}

/// An `asset` pattern of the manifest: as written (what the lock records) and compiled.
#[derive(Debug, Clone)]
pub struct AssetPattern {
    pub text: String,
    pub regex: regex_lite::Regex,
}

impl PartialEq for AssetPattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for AssetPattern {}

impl ToolEntry {
    fn parts(&self) -> (String, Vec<String>, Option<String>, bool) {
        match self {
            ToolEntry::Version(version) => (version.clone(), Vec::new(), None, false),
            ToolEntry::Table(table) => (
                table.version.clone().unwrap_or_else(|| "latest".to_owned()),
                table.bin.clone(),
                table.asset.clone(),
                table.pre,
            ),
        }
    }
}

/// The text of `dir`'s `haul.toml` (see [`super::read_file`]).
pub fn read_text(dir: &std::path::Path) -> Result<String, UserError> {
    super::read_file(dir, FILE)
        .map_err(|err| err.exit(ExitCode::Usage))?
        .ok_or_else(|| UserError::new(format!("`{}` is gone", dir.join(FILE).display())))
}

/// Directories of version control systems (compared in lower case).
const VCS_DIRS: &[&str] = &[
    ".git", ".hg", ".svn", ".jj", ".bzr", ".pijul", "_darcs", "cvs",
];

/// The version control directory `path` goes through (`.git`), if any.
pub fn vcs_dir(path: &std::path::Path) -> Option<String> {
    path.components().find_map(|c| match c {
        Component::Normal(part) => {
            let part = part.to_string_lossy().to_ascii_lowercase();
            VCS_DIRS.contains(&part.as_str()).then_some(part)
        }
        _ => None,
    })
}

impl Manifest {
    /// What the project adds to the user's `require-checksum`: a project may ask for
    /// checksums, but `require-checksum = false` in a repository's haul.toml does not lower
    /// the user's setting.
    pub fn requires_checksum(&self) -> Option<bool> {
        self.settings.require_checksum.filter(|&on| on)
    }

    /// Read and parse `dir`'s `haul.toml`.
    pub fn read(dir: &std::path::Path) -> Result<Manifest, UserError> {
        Manifest::parse(&read_text(dir)?, &dir.join(FILE))
    }

    /// Parse `text` (from `path`, for messages).
    pub fn parse(text: &str, path: &std::path::Path) -> Result<Manifest, UserError> {
        let mut manifest: Manifest = toml::from_str(text).map_err(|err| {
            UserError::new(format!("invalid project file `{}`", path.display()))
                .caused_by(err.to_string().trim_end().to_owned())
                .hint("see \"Teams and CI\" in haul's README for the format")
                .exit(ExitCode::Usage)
        })?;
        // Every entry and setting is checked now, so that a mistake is found before anything
        // is resolved; what the checks found is kept.
        manifest.wanted = manifest.check_tools()?;
        manifest.platforms = manifest.check_platforms()?;
        manifest.check_bin_dir()?;
        Ok(manifest)
    }

    /// Every tool, checked, in the file's (sorted) order.
    pub fn wanted(&self) -> &[Wanted] {
        &self.wanted
    }

    /// The platforms to lock, in the order given (default: [`DEFAULT_PLATFORMS`]).
    pub fn platforms(&self) -> &[Platform] {
        &self.platforms
    }

    fn check_tools(&self) -> Result<Vec<Wanted>, UserError> {
        self.tools
            .iter()
            .map(|(key, entry)| {
                let invalid = |err: UserError| {
                    UserError::new(format!("the entry `{key}` in {FILE} is invalid"))
                        .caused_by(err.message)
                        .exit(ExitCode::Usage)
                };
                if key.contains('@') {
                    return Err(invalid(UserError::new(
                        "the version goes in the value: `TOOL = \"1.2\"`",
                    )));
                }
                let (requirement, bins, asset, pre) = entry.parts();
                let spec = ToolSpec::parse(&format!("{key}@{requirement}")).map_err(invalid)?;
                let bins = bins
                    .iter()
                    .map(|b| WantedBin::parse(b))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(invalid)?;
                let asset = asset
                    .map(|text| match regex_lite::Regex::new(&text) {
                        Ok(regex) => Ok(AssetPattern { text, regex }),
                        Err(err) => Err(invalid(UserError::new(format!(
                            "`asset = \"{}\"` is not a regular expression: {err}",
                            crate::error::shown(&text)
                        )))),
                    })
                    .transpose()?;
                Ok(Wanted {
                    key: key.clone(),
                    requirement: spec.req.to_string(),
                    spec,
                    bins,
                    asset,
                    pre,
                })
            })
            .collect()
    }

    /// `bin-dir` names a directory inside the project: a project's file (from whoever wrote
    /// the repository) does not choose where on the machine tools are linked.
    fn check_bin_dir(&self) -> Result<(), UserError> {
        let Some(dir) = &self.settings.bin_dir else {
            return Ok(());
        };
        let inside = dir
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        // A version control system's own directory runs what it holds (`.git/hooks`): a
        // repository must not turn a pinned tool into a hook by naming it.
        if let Some(vcs) = vcs_dir(dir) {
            return Err(UserError::new(format!(
                "`settings.bin-dir` in {FILE} is `{}`, inside `{vcs}`",
                dir.display()
            ))
            .caused_by(format!(
                "`{vcs}` belongs to version control, which runs programs put there"
            ))
            .hint("write a path such as `.haul/bin`")
            .exit(ExitCode::Usage));
        }
        if inside && dir.components().next().is_some() {
            return Ok(());
        }
        Err(UserError::new(format!(
            "`settings.bin-dir` in {FILE} is `{}`, not a directory inside the project",
            dir.display()
        ))
        .hint("write a path below haul.toml, such as `.haul/bin`, or leave `bin-dir` out and give `--bin-dir` or `HAUL_BIN_DIR`")
        .exit(ExitCode::Usage))
    }

    fn check_platforms(&self) -> Result<Vec<Platform>, UserError> {
        let names: Vec<String> = self
            .settings
            .platforms
            .clone()
            .unwrap_or_else(|| DEFAULT_PLATFORMS.iter().map(|p| (*p).to_owned()).collect());
        if names.is_empty() {
            return Err(UserError::new(format!(
                "`settings.platforms` in {FILE} is empty: a lock for no platform installs nothing"
            ))
            .hint("name the platforms to lock, or leave `platforms` out for the default ones")
            .exit(ExitCode::Usage));
        }
        let mut out: Vec<Platform> = Vec::new();
        for name in &names {
            let platform = name.parse::<Platform>().map_err(|err| {
                UserError::new(format!(
                    "`settings.platforms` in {FILE}: unknown platform `{name}`"
                ))
                .caused_by(err.to_string())
                .exit(ExitCode::Usage)
            })?;
            if !out.contains(&platform) {
                out.push(platform);
            }
        }
        Ok(out)
    }
}

/// What `haul init` writes.
pub const STARTER: &str = r#"# The tools this project uses, installed by `haul sync` exactly as haul.lock pins them.
# A tool is a catalog name (`haul search`) or a GitHub repository, with a requirement:
# "latest", an exact version ("1.31.2"), a series ("1.31": the newest 1.31.x), or one as
# Cargo writes them ("^1.2", "~1.2.3", ">=1.0, <2").
[tools]
# kubectl = "1.31"
# helm = "3.16"
# terraform = "latest"
# "sharkdp/fd" = { version = "10", bin = ["fd"] }

[settings]
# The platforms haul.lock covers (these are the default):
# platforms = ["linux-x86_64", "linux-aarch64", "macos-x86_64", "macos-aarch64", "windows-x86_64"]
# Where `haul sync` links the tools, relative to this file (default: haul's bin dir):
# bin-dir = ".haul/bin"
# Refuse downloads that no checksum covers:
# require-checksum = true
"#;

/// `text` with `key = requirement` set under `[tools]` (added, or its version replaced),
/// keeping every comment and the rest of the formatting.
pub fn add(text: &str, key: &str, requirement: &str) -> Result<String, UserError> {
    let mut doc = edit(text)?;
    let tools = tools_table(&mut doc)?;
    match tools.get_mut(key) {
        // A table entry keeps its other keys; only the version changes.
        Some(item) if item.is_table_like() => {
            if let Some(table) = item.as_table_like_mut() {
                table.insert("version", toml_edit::value(requirement));
            }
        }
        // A plain value keeps what surrounds it (a comment after it, its spacing).
        Some(item) => match item.as_value_mut() {
            Some(value) => {
                let decor = value.decor().clone();
                *value = toml_edit::Value::from(requirement);
                *value.decor_mut() = decor;
            }
            None => *item = toml_edit::value(requirement),
        },
        None => {
            tools.insert(key, toml_edit::value(requirement));
        }
    }
    Ok(doc.to_string())
}

/// `text` without `key` under `[tools]`; `None` when it is not there.
pub fn remove(text: &str, key: &str) -> Result<Option<String>, UserError> {
    let mut doc = edit(text)?;
    let tools = tools_table(&mut doc)?;
    Ok(tools.remove(key).map(|_| doc.to_string()))
}

/// The keys under `[tools]`, as written.
pub fn keys(text: &str) -> Result<Vec<String>, UserError> {
    let mut doc = edit(text)?;
    Ok(tools_table(&mut doc)?
        .iter()
        .map(|(k, _)| k.to_owned())
        .collect())
}

fn edit(text: &str) -> Result<toml_edit::DocumentMut, UserError> {
    text.parse::<toml_edit::DocumentMut>().map_err(|err| {
        UserError::new(format!("invalid project file {FILE}"))
            .caused_by(err.to_string().trim_end().to_owned())
            .exit(ExitCode::Usage)
    })
}

fn tools_table(doc: &mut toml_edit::DocumentMut) -> Result<&mut toml_edit::Table, UserError> {
    if !doc.contains_key("tools") {
        doc.insert("tools", toml_edit::Item::Table(toml_edit::Table::new()));
    }
    doc.get_mut("tools")
        .and_then(toml_edit::Item::as_table_mut)
        .ok_or_else(|| {
            UserError::new(format!("`tools` in {FILE} is not a table"))
                .hint("write `[tools]` followed by `NAME = \"VERSION\"` lines")
                .exit(ExitCode::Usage)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::VersionReq;

    fn parse(text: &str) -> Result<Manifest, UserError> {
        Manifest::parse(text, std::path::Path::new("haul.toml"))
    }

    #[test]
    fn reads_tools_and_settings() {
        let m = parse(
            r#"
            [tools]
            kubectl = "1.31"
            terraform = "latest"
            "sharkdp/fd" = { version = "10", bin = ["fd"] }
            gh = { bin = ["gh"], pre = true }

            [settings]
            platforms = ["linux-x86_64", "macos-aarch64"]
            bin-dir = ".haul/bin"
            require-checksum = true
            "#,
        )
        .unwrap();
        let wanted = m.wanted();
        let keys: Vec<&str> = wanted.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["gh", "kubectl", "sharkdp/fd", "terraform"]);
        assert_eq!(wanted[1].spec.req, VersionReq::Prefix(vec![1, 31]));
        assert_eq!(wanted[0].requirement, "latest");
        assert!(wanted[0].pre);
        assert_eq!(wanted[2].bins[0].name, "fd");
        assert_eq!(m.platforms().len(), 2);
        assert_eq!(
            m.settings.bin_dir.as_deref(),
            Some(std::path::Path::new(".haul/bin"))
        );
    }

    #[test]
    fn the_starter_parses_and_locks_the_default_platforms() {
        let m = parse(STARTER).unwrap();
        assert!(m.tools.is_empty());
        assert_eq!(m.platforms().len(), DEFAULT_PLATFORMS.len());
    }

    #[test]
    fn mistakes_are_found_at_once() {
        for bad in [
            "[tools]\nkubectl = 3\n",
            "[tools]\n\"kubectl@1\" = \"1\"\n",
            "[tools]\nkubectl = \"^x\"\n",
            "[tools]\n\"a/b/c\" = \"1\"\n",
            "[tools]\nfd = { bin = [\"../x\"] }\n",
            "[tools]\nfd = { asset = \"(\" }\n",
            "[settings]\nplatforms = [\"plan9-mips\"]\n",
            "[settings]\nplatforms = []\n",
            "[setings]\n",
            "[settings]\nbin-dir = \"../bin\"\n",
            "[settings]\nbin-dir = \".git/hooks\"\n",
            "[settings]\nbin-dir = \"sub/.GIT/hooks\"\n",
            "[settings]\nbin-dir = \".hg/x\"\n",
        ] {
            let err = parse(bad).expect_err(bad);
            assert_eq!(err.exit, ExitCode::Usage, "{bad}");
        }
        // A mistake in a tool's table is said in its own words, with its line.
        let err = parse("[tools]\nfd = { version = \"1\", bins = [\"fd\"] }\n").unwrap_err();
        let said = err.one_line();
        assert!(said.contains("unknown field `bins`"), "{said}");
        assert!(said.contains("line 2"), "{said}");
        let err = parse("[tools]\nfd = { asset = \"(\" }\n").unwrap_err();
        assert!(
            err.one_line()
                .contains("`asset = \"(\"` is not a regular expression"),
            "{err:?}"
        );
    }

    #[test]
    fn add_and_remove_keep_comments() {
        let text = "# my tools\n[tools]\n# the cluster's version\nkubectl = \"1.30\" # pinned by ops\nfd = { version = \"9\", bin = [\"fd\"] }\n";
        let added = add(text, "helm", "3.16").unwrap();
        assert!(
            added.starts_with(
                "# my tools\n[tools]\n# the cluster's version\nkubectl = \"1.30\" # pinned by ops\n"
            ),
            "{added}"
        );
        assert!(added.contains("helm = \"3.16\""), "{added}");
        let bumped = add(&added, "kubectl", "1.31").unwrap();
        assert!(
            bumped.contains("# the cluster's version\nkubectl = \"1.31\""),
            "{bumped}"
        );
        let table = add(&bumped, "fd", "10").unwrap();
        assert!(
            table.contains("fd = { version = \"10\", bin = [\"fd\"] }"),
            "{table}"
        );
        let removed = remove(&table, "helm").unwrap().unwrap();
        assert!(!removed.contains("helm"));
        assert!(removed.contains("# pinned by ops"));
        assert_eq!(remove(&removed, "nothing").unwrap(), None);
        assert_eq!(keys(&removed).unwrap(), ["kubectl", "fd"]);
        assert!(parse(&removed).is_ok());
        // An empty file gets a [tools] table.
        assert_eq!(
            add("", "jq", "latest").unwrap(),
            "[tools]\njq = \"latest\"\n"
        );
    }
}
