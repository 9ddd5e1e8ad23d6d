//! `haul.lock`: for each tool of `haul.toml`, the exact release and, for every locked
//! platform, the files to download with their SHA-256 and what vouched for it. Written sorted
//! and in one layout, so the same inputs give the same bytes and diffs stay small; it carries
//! a format version. How a lock differs from its manifest (what `haul sync --frozen` refuses)
//! is decided here too.
//!
//! Pure: the caller reads and writes the file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::manifest::Wanted;
use crate::error::{ExitCode, UserError};
use crate::names::{self, NameKind, WantedBin};
use crate::platform::Platform;
use crate::request::spec::ToolSpec;
use crate::request::tool::{Overrides, Tool};
use crate::store::record::{Artifact, Identity, Product, Record, Requirement};
use crate::verify::{Algorithm, Digest};

/// The file's name (also the source a locked file is verified by).
pub const FILE: &str = crate::verify::LOCK_FILE;

/// What mends a lock changed by hand or damaged.
pub fn relock_hint() -> String {
    format!("{FILE} was changed by hand or damaged; `haul lock --upgrade` locks it again")
}

/// The error for a hash (`what`) of `file` in the lock that is not one (exit 4).
pub fn malformed(what: &str, file: &str) -> UserError {
    UserError::new(format!("{FILE}'s {what} for `{file}` is malformed"))
        .hint(relock_hint())
        .exit(ExitCode::Verification)
}

/// The format this haul writes.
pub const FORMAT: u32 = 1;

/// What vouches for a hash haul computed itself when it locked, the release publishing none.
pub const DOWNLOADED: &str = "downloaded";

const HEADER: &str =
    "# Written by `haul lock` from haul.toml; `haul sync` installs exactly this. Do not edit.\n";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub format: u32,
    /// The platforms every tool is locked for.
    pub platforms: Vec<String>,
    #[serde(default, rename = "tool")]
    pub tools: Vec<LockedTool>,
}

/// One tool, locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedTool {
    /// The key in `haul.toml` (`kubectl`, `sharkdp/fd`).
    pub key: String,
    /// The name it is installed under.
    pub name: String,
    /// `github:OWNER/REPO` or `catalog:NAME`.
    pub source: String,
    pub product: Product,
    /// What `haul.toml` asked for when this was locked.
    pub requirement: Requirement,
    /// The executables asked for (`NAME` or `NAME=LINK`), when any were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bin: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    pub version: String,
    pub tag: String,
    /// Platform → the files to download for it.
    pub platforms: BTreeMap<String, Vec<Artifact>>,
    /// Platform → why nothing of this release fits it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unavailable: BTreeMap<String, String>,
}

/// The first of `files` whose hash nothing the release published vouched for: haul hashed it
/// when it locked (`verified_by = "downloaded"`).
pub fn unvouched(files: &[Artifact]) -> Option<&Artifact> {
    files
        .iter()
        .find(|f| f.verified_by.as_deref() == Some(DOWNLOADED))
}

/// The error for `file` of `tool` where checksums are required: exit code 4, as `install`
/// refuses a download no checksum covers.
pub fn unvouched_refused(tool: &LockedTool, file: &Artifact) -> UserError {
    UserError::new(format!(
        "no checksum covers `{}` in release {}",
        file.asset, tool.tag
    ))
    .caused_by(format!(
        "nothing the release published vouches for it: its SHA-256 is one haul computed itself \
         (`verified_by = \"{DOWNLOADED}\"` in {FILE}), and checksums are required"
    ))
    .hint(
        "it installs only where checksums are not required (`require-checksum` in haul's config \
         and in haul.toml)",
    )
    .exit(ExitCode::Verification)
}

impl LockedTool {
    /// The release's version, read from its tag as a lookup reads it (after the catalog's tag
    /// prefix, `kustomize/` of `kustomize/v5.4.3`).
    pub fn tag_version(&self) -> Option<crate::version::Version> {
        let tag = self.tag.as_str();
        let bare = self
            .product
            .tag_prefix
            .as_deref()
            .and_then(|prefix| tag.strip_prefix(prefix))
            .unwrap_or(tag);
        crate::version::Version::from_tag(bare)
    }

    /// The version haul records and shows for this entry's release: what `version` must say
    /// (a lock is edited by hand at times, and the inventory reports it).
    fn version_of_tag(&self) -> String {
        crate::resolve::release::Release {
            tag: self.tag.clone(),
            version: self.tag_version(),
            prerelease: false,
            assets: Vec::new(),
        }
        .version_label()
    }

    /// The tool this entry installs: its source, product and executables.
    pub fn tool(&self, catalog: &crate::catalog::Catalog) -> Result<Tool, UserError> {
        let spec = ToolSpec::parse(&format!("{}@{}", self.source, self.tag))?;
        let overrides = Overrides {
            bins: self
                .bin
                .iter()
                .map(|b| WantedBin::parse(b))
                .collect::<Result<_, _>>()?,
            asset: None,
            pre: self.requirement.pre,
        };
        let mut tool = Tool::resolve(&spec, catalog, &overrides)?;
        tool.name.clone_from(&self.name);
        tool.product = self.product.clone();
        Ok(tool)
    }

    /// How this entry is not what haul.toml's `wanted` asks for (`None`: it is).
    pub fn difference(
        &self,
        wanted: &[Wanted],
        expected: &dyn Fn(&Wanted) -> Option<Expected>,
    ) -> Option<Difference> {
        let Some(want) = wanted.iter().find(|w| w.key == self.key) else {
            return Some(Difference::NotWanted(self.key.clone()));
        };
        self.how_changed(want, expected(want).as_ref())
            .map(|what| Difference::Changed {
                key: self.key.clone(),
                what,
            })
    }

    /// The platform whose entry holds the files for `platform`: its own when the lock has
    /// one (files or `unavailable`); on a musl host without one, glibc's of the same
    /// architecture, which holds the static build when the release has one (haul prefers
    /// them, and they run on both; a build that needs glibc is refused when it is unpacked).
    pub fn entry_for(&self, platform: Platform) -> String {
        let own = platform.to_string();
        let glibc = Platform {
            libc: Some(crate::platform::Libc::Gnu),
            ..platform
        }
        .to_string();
        let listed =
            |name: &str| self.platforms.contains_key(name) || self.unavailable.contains_key(name);
        if platform.libc == Some(crate::platform::Libc::Musl) && !listed(&own) && listed(&glibc) {
            glibc
        } else {
            own
        }
    }

    /// The key of the version of `record` that is what this entry pins for `platform`: the
    /// same tool and tag, stored for that platform from exactly the locked files, each with its
    /// locked SHA-256. Of several such copies, the one `haul sync` pinned in the project's
    /// `bin_dir`, else one with the executables the entry asks for (`wanted`: haul.toml's
    /// `bin`, else its catalog entry's; any copy when it names none). `None` when no stored
    /// version is.
    pub fn stored_key<'r>(
        &self,
        record: &'r Record,
        platform: Platform,
        bin_dir: Option<&std::path::Path>,
        wanted: &[crate::names::WantedBin],
    ) -> Option<&'r str> {
        let ours = Identity {
            source: self.source.clone(),
            product: Some(self.product.clone()),
        };
        if !record.identity.same_tool(&ours, &record.name, &self.name) {
            return None;
        }
        let files = self.platforms.get(&self.entry_for(platform))?;
        let exe = platform.exe_suffix();
        let platform = platform.to_string();
        let copies: Vec<(&'r str, &'r crate::store::record::Installed)> = record
            .versions
            .iter()
            .filter(|(_, stored)| {
                stored.tag == self.tag
                    && stored.platform == platform
                    && stored.artifacts.len() == files.len()
                    && files.iter().all(|file| {
                        Digest::new(Algorithm::Sha256, &file.sha256)
                            .is_some_and(|digest| stored.holds(&file.asset, &digest))
                    })
            })
            .map(|(key, stored)| (key.as_str(), stored))
            .collect();
        let pinned_here = |key: &str| {
            bin_dir.is_some_and(|dir| {
                record
                    .links
                    .iter()
                    .any(|l| l.version.as_deref() == Some(key) && l.is_in(dir))
            })
        };
        // A copy of the same files stored with other executables (the user's `--bin alpha`
        // beside the project's `alpha, beta`) is not the project's (`which beta` printed the
        // user's `alpha`).
        copies
            .iter()
            .find(|(key, _)| pinned_here(key))
            .or_else(|| {
                copies
                    .iter()
                    .find(|(_, stored)| wanted.is_empty() || stored.has_executables(wanted, exe))
            })
            .map(|(key, _)| *key)
    }

    /// Whether `record` stores this entry's release for `platform` from other files than it
    /// pins (call when [`LockedTool::stored_key`] finds none): the lock was edited, or the
    /// release changed since it was locked; `haul sync` stops at it.
    pub fn stored_from_other_files(&self, record: &Record, platform: Platform) -> bool {
        let Some(files) = self.platforms.get(&self.entry_for(platform)) else {
            return false;
        };
        let platform = platform.to_string();
        record.versions.values().any(|stored| {
            stored.tag == self.tag
                && stored.platform == platform
                && !files.iter().all(|file| {
                    Digest::new(Algorithm::Sha256, &file.sha256)
                        .is_some_and(|digest| stored.holds(&file.asset, &digest))
                })
        })
    }

    /// The executables this entry asks for: haul.toml's `bin`, else its catalog entry's (none
    /// when neither names any, or the entry cannot be read).
    pub fn wanted_bins(&self, catalog: &crate::catalog::Catalog) -> Vec<crate::names::WantedBin> {
        self.tool(catalog).map_or_else(
            |_| {
                self.bin
                    .iter()
                    .filter_map(|b| crate::names::WantedBin::parse(b).ok())
                    .collect()
            },
            |tool| tool.bins,
        )
    }
}

impl Lock {
    pub fn new(platforms: &[Platform]) -> Lock {
        Lock {
            format: FORMAT,
            platforms: platforms.iter().map(ToString::to_string).collect(),
            tools: Vec::new(),
        }
    }

    /// Whether `text` is a lock a newer haul wrote.
    pub fn written_by_newer(text: &str) -> bool {
        #[derive(Deserialize)]
        struct Probe {
            format: Option<u32>,
        }
        toml::from_str::<Probe>(text).is_ok_and(|probe| probe.format.is_some_and(|f| f > FORMAT))
    }

    /// Read a lock file's text.
    pub fn parse(text: &str, path: &std::path::Path) -> Result<Lock, UserError> {
        #[derive(Deserialize)]
        struct Probe {
            format: Option<u32>,
        }
        let damaged = |why: String| {
            UserError::new(format!("`{}` cannot be read", path.display()))
                .caused_by(why)
                .hint("run `haul lock` to write it again")
        };
        let probe: Probe = toml::from_str(text).map_err(|err| damaged(err.to_string()))?;
        match probe.format {
            Some(format) if format > FORMAT => Err(UserError::new(format!(
                "`{}` was written by a newer haul (format {format})",
                path.display()
            ))
            .hint("update haul with `haul self update`")),
            Some(format) if format != FORMAT => Err(damaged(format!(
                "`format = {format}` is not a format haul writes (it writes {FORMAT})"
            ))),
            _ => {
                let lock: Lock = toml::from_str(text)
                    .map_err(|err| damaged(err.to_string().trim_end().to_owned()))?;
                lock.check().map_err(damaged)?;
                Ok(lock)
            }
        }
    }

    /// Every name of the lock that becomes part of a path, checked: a lock comes with the
    /// project, from whoever changed it last. (Sources and tags are checked where they are
    /// parsed, URLs where they are fetched, digests against the downloads.)
    fn check(&self) -> Result<(), String> {
        let why = |err: UserError| err.one_line();
        for (i, tool) in self.tools.iter().enumerate() {
            // One entry per key and per name: a second would install a tool haul.toml does
            // not name. Names that differ only in case are one on Windows and macOS.
            if let Some(twice) = self.tools[..i].iter().find(|t| {
                t.key == tool.key
                    || t.name == tool.name
                    || names::differ_only_in_case(&t.name, &tool.name)
            }) {
                return Err(if twice.key == tool.key {
                    format!("two entries have the key `{}`", tool.key)
                } else if twice.name == tool.name {
                    format!("two entries have the name `{}`", tool.name)
                } else {
                    format!(
                        "the names `{}` and `{}` differ only in case (one file on Windows and macOS)",
                        twice.name, tool.name
                    )
                });
            }
            names::segment(NameKind::Tool, &tool.name).map_err(why)?;
            names::segment(NameKind::Executable, &tool.product.bin).map_err(why)?;
            names::tag(&tool.tag).map_err(why)?;
            let version = tool.version_of_tag();
            if tool.version != version {
                return Err(format!(
                    "`{}` says version `{}`, but its tag `{}` is version `{version}`",
                    tool.key,
                    crate::error::shown(&tool.version),
                    tool.tag
                ));
            }
            for bin in &tool.bin {
                WantedBin::parse(bin).map_err(why)?;
            }
            for artifact in tool.platforms.values().flatten() {
                names::segment(NameKind::Asset, &artifact.asset).map_err(why)?;
            }
        }
        Ok(())
    }

    /// The file's text: sorted, one layout, the same bytes for the same lock.
    pub fn render(&self) -> String {
        let mut sorted = self.clone();
        sorted.tools.sort_by(|a, b| a.key.cmp(&b.key));
        for tool in &mut sorted.tools {
            for artifacts in tool.platforms.values_mut() {
                artifacts.sort_by(|a, b| a.asset.cmp(&b.asset));
            }
        }
        let body = toml::to_string(&sorted).unwrap_or_default();
        format!("{HEADER}{body}")
    }

    pub fn tool(&self, key: &str) -> Option<&LockedTool> {
        self.tools.iter().find(|t| t.key == key)
    }

    /// A URL two entries pin to different hashes (a file replaced between their locks): no
    /// one file satisfies both. Refused as an error naming both.
    pub fn two_hashes(&self) -> Result<(), UserError> {
        type Pins<'a> = (&'a str, Option<&'a str>, Option<u64>, &'a str);
        let mut first: std::collections::HashMap<&str, Pins<'_>> = std::collections::HashMap::new();
        for tool in &self.tools {
            for file in tool.platforms.values().flatten() {
                let (sha256, sha512, size, key) = *first.entry(&file.url).or_insert((
                    &file.sha256,
                    file.sha512.as_deref(),
                    file.size,
                    &tool.key,
                ));
                // Each pin the two entries both give must agree: a file has one SHA-256, one
                // SHA-512 and one size.
                let differ = if !sha256.eq_ignore_ascii_case(&file.sha256) {
                    Some((
                        format!("sha256:{sha256}"),
                        format!("sha256:{}", file.sha256),
                    ))
                } else if let (Some(a), Some(b)) = (sha512, file.sha512.as_deref())
                    && !a.eq_ignore_ascii_case(b)
                {
                    Some((format!("sha512:{a}"), format!("sha512:{b}")))
                } else if let (Some(a), Some(b)) = (size, file.size)
                    && a != b
                {
                    Some((format!("{a} bytes"), format!("{b} bytes")))
                } else {
                    None
                };
                if let Some((was, now)) = differ {
                    let keys = if key == tool.key {
                        key.to_owned()
                    } else {
                        format!("{key} {}", tool.key)
                    };
                    return Err(UserError::new(format!(
                        "{FILE} pins `{}` to two hashes: `{key}` to {was} and `{}` to {now}",
                        file.url, tool.key
                    ))
                    .hint(format!(
                        "the file was replaced between their locks; `haul lock --upgrade {keys}` locks them again"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Replace (or add) the entry of `tool.key`.
    pub fn put(&mut self, tool: LockedTool) {
        self.tools.retain(|t| t.key != tool.key);
        self.tools.push(tool);
        self.tools.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// How the lock differs from the manifest's tools and platforms; empty when it is current.
    /// `expected` gives what a wanted tool resolves to (its source and name).
    pub fn differences(
        &self,
        wanted: &[Wanted],
        platforms: &[Platform],
        expected: &dyn Fn(&Wanted) -> Option<Expected>,
    ) -> Vec<Difference> {
        let mut out = Vec::new();
        let names: Vec<String> = platforms.iter().map(ToString::to_string).collect();
        if names != self.platforms {
            out.push(Difference::Platforms {
                locked: self.platforms.clone(),
                wanted: names,
            });
        }
        for want in wanted {
            match self.tool(&want.key) {
                None => out.push(Difference::NotLocked(want.key.clone())),
                Some(locked) => out.extend(locked.difference(wanted, expected)),
            }
        }
        for locked in &self.tools {
            if !wanted.iter().any(|w| w.key == locked.key) {
                out.push(Difference::NotWanted(locked.key.clone()));
            }
        }
        out
    }
}

/// What an entry of haul.toml resolves to, for checking a lock's entry against it: a lock
/// comes with the repository, so its own account of what it installs is not enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// `github:OWNER/REPO` or `catalog:NAME`.
    pub source: String,
    /// The name the tool is installed under.
    pub name: String,
}

impl LockedTool {
    /// How this entry is not what `want` asks now, from what `want` resolves to (`expected`;
    /// `None`: it does not); `None` when it is what `want` asks.
    pub fn how_changed(&self, want: &Wanted, expected: Option<&Expected>) -> Option<String> {
        if self.requirement.version != want.requirement {
            return Some(format!(
                "haul.toml asks for `{}`, {FILE} was locked for `{}`",
                want.requirement,
                crate::error::shown(&self.requirement.version)
            ));
        }
        self.not_allowed_by(want, expected)
    }

    /// Whether this entry's release is one `want` allows, from `expected` (the requirement's
    /// text aside: `1.0.0` edited to `>=1.0.0` still allows it), so `haul lock` keeps it, as
    /// Cargo keeps a locked version a new requirement still allows.
    pub fn still_allowed_by(&self, want: &Wanted, expected: Option<&Expected>) -> bool {
        self.not_allowed_by(want, expected).is_none()
    }

    /// Whether this entry installs the tool haul.toml's entry names, as `expected` says it
    /// (its source and name), whatever else changed since it was locked.
    pub fn is_tool_of(&self, expected: Option<&Expected>) -> bool {
        expected.is_some_and(|e| e.source == self.source && e.name == self.name)
    }

    /// What in this entry `want` does not allow (beyond the requirement's text), said.
    fn not_allowed_by(&self, want: &Wanted, expected: Option<&Expected>) -> Option<String> {
        let bins: Vec<String> = want.bins.iter().map(ToString::to_string).collect();
        let asset = want.asset.as_ref().map(|a| a.text.as_str());
        let listed = |items: &[String]| {
            if items.is_empty() {
                "none".to_owned()
            } else {
                items.join(", ")
            }
        };
        let shown = |text: &str| crate::error::shown(text).into_owned();
        if self.requirement.pre != want.pre {
            Some(format!(
                "`pre` is {} in haul.toml, {} in {FILE}",
                want.pre, self.requirement.pre
            ))
        } else if self.bin != bins {
            Some(format!(
                "haul.toml asks for the executables {}, {FILE} has {}",
                listed(&bins),
                shown(&listed(&self.bin))
            ))
        } else if self.asset.as_deref() != asset {
            Some(format!(
                "`asset` is {} in haul.toml, {} in {FILE}",
                asset.map_or_else(|| "not set".to_owned(), |a| format!("`{a}`")),
                self.asset
                    .as_deref()
                    .map_or_else(|| "not set".to_owned(), |a| format!("`{}`", shown(a)))
            ))
        } else if let Some(why) = match expected {
            None => Some(format!(
                "haul.toml's `{}` names no tool haul knows",
                want.key
            )),
            Some(e) if e.source != self.source => Some(format!(
                "{FILE} installs it from `{}`, haul.toml names `{}`",
                shown(&self.source),
                e.source
            )),
            Some(e) if e.name != self.name => Some(format!(
                "{FILE} installs it as `{}`, haul.toml's entry is `{}`",
                shown(&self.name),
                e.name
            )),
            Some(_) => None,
        } {
            Some(why)
        } else if want.spec.req.matches(&self.tag)
            // A tag with a product's prefix (`kustomize/v5.4.3`) is read by its version,
            // which must be the tag's own.
            || (self.tag.ends_with(self.version.as_str()) && want.spec.req.matches(&self.version))
        {
            None
        } else {
            Some(format!(
                "{FILE} pins `{}`, which `{}` does not allow",
                shown(&self.tag),
                want.requirement
            ))
        }
    }
}

/// One way a lock is not what its manifest asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    NotLocked(String),
    NotWanted(String),
    /// The entry of `key` is not what haul.toml asks: `what` says how.
    Changed {
        key: String,
        what: String,
    },
    Platforms {
        locked: Vec<String>,
        wanted: Vec<String>,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::NotLocked(key) => write!(f, "`{key}` is in haul.toml but not locked"),
            Difference::NotWanted(key) => write!(f, "`{key}` is locked but no longer in haul.toml"),
            Difference::Changed { key, what } => {
                write!(f, "`{key}` is not what was locked: {what}")
            }
            Difference::Platforms { locked, wanted } => write!(
                f,
                "the platforms changed: locked {}, wanted {}",
                locked.join(", "),
                wanted.join(", ")
            ),
        }
    }
}

/// The error `haul sync --frozen` gives for a lock that is not current.
pub fn not_current(differences: &[Difference]) -> UserError {
    let mut err = UserError::new(format!("{FILE} does not match haul.toml"));
    for difference in differences {
        err = err.caused_by(difference.to_string());
    }
    err.hint("run `haul lock` and commit haul.lock, or run `haul sync` without `--frozen`")
        .exit(ExitCode::Failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::manifest::Manifest;

    fn artifact(asset: &str) -> Artifact {
        Artifact {
            asset: asset.to_owned(),
            url: format!("https://example.com/{asset}"),
            size: Some(3),
            sha256: "ab".repeat(32),
            sha512: None,
            verified_by: Some("checksums.txt".to_owned()),
            checksum_url: Some("https://example.com/checksums.txt".to_owned()),
        }
    }

    fn locked(key: &str, requirement: &str) -> LockedTool {
        LockedTool {
            key: key.to_owned(),
            name: key.to_owned(),
            source: format!("github:o/{key}"),
            product: Product {
                bin: key.to_owned(),
                ..Product::default()
            },
            requirement: Requirement::new(requirement, false),
            bin: Vec::new(),
            asset: None,
            version: "1.2.3".to_owned(),
            tag: "v1.2.3".to_owned(),
            platforms: BTreeMap::from([
                ("macos-aarch64".to_owned(), vec![artifact("b.tar.gz")]),
                (
                    "linux-x86_64".to_owned(),
                    vec![artifact("z.tar.gz"), artifact("a.tar.gz")],
                ),
            ]),
            unavailable: BTreeMap::from([("windows-x86_64".to_owned(), "no build".to_owned())]),
        }
    }

    fn platforms(names: &[&str]) -> Vec<Platform> {
        names.iter().map(|n| n.parse().unwrap()).collect()
    }

    /// A musl host without an entry of its own takes glibc's of its architecture (the static
    /// builds haul prefers are there); its own entry, files or `unavailable`, wins.
    #[test]
    fn a_musl_host_takes_the_glibc_entry_when_it_has_none() {
        let platform = |name: &str| name.parse::<Platform>().unwrap();
        let mut tool = locked("t", "1");
        assert_eq!(
            tool.entry_for(platform("linux-x86_64-musl")),
            "linux-x86_64"
        );
        assert_eq!(tool.entry_for(platform("linux-x86_64")), "linux-x86_64");
        assert_eq!(
            tool.entry_for(platform("linux-aarch64-musl")),
            "linux-aarch64-musl"
        );
        tool.unavailable
            .insert("linux-x86_64-musl".to_owned(), "no build".to_owned());
        assert_eq!(
            tool.entry_for(platform("linux-x86_64-musl")),
            "linux-x86_64-musl"
        );
    }

    #[test]
    fn renders_the_same_bytes_whatever_the_order() {
        let mut one = Lock::new(&platforms(&["linux-x86_64", "macos-aarch64"]));
        one.put(locked("b", "1"));
        one.put(locked("a", "latest"));
        let mut two = Lock::new(&platforms(&["linux-x86_64", "macos-aarch64"]));
        two.put(locked("a", "latest"));
        two.put(locked("b", "1"));
        let text = one.render();
        assert_eq!(text, two.render());
        assert!(text.starts_with("# Written by `haul lock`"));
        let a = text.find("key = \"a\"").unwrap();
        let b = text.find("key = \"b\"").unwrap();
        assert!(a < b, "{text}");
        let back = Lock::parse(&text, std::path::Path::new("haul.lock")).unwrap();
        assert_eq!(back.render(), text);
        assert_eq!(back.tools[0].platforms["linux-x86_64"][0].asset, "a.tar.gz");
    }

    #[test]
    fn a_lock_knows_how_it_differs_from_its_manifest() {
        let manifest = Manifest::parse(
            "[tools]\na = \"latest\"\nb = \"2\"\nc = \"1\"\n[settings]\nplatforms = [\"linux-x86_64\"]\n",
            std::path::Path::new("haul.toml"),
        )
        .unwrap();
        let mut lock = Lock::new(&platforms(&["linux-x86_64"]));
        lock.put(locked("a", "latest"));
        lock.put(locked("b", "1"));
        lock.put(locked("d", "1"));
        let expected = |want: &Wanted| {
            Some(Expected {
                source: format!("github:o/{}", want.key),
                name: want.key.clone(),
            })
        };
        let found = lock.differences(manifest.wanted(), manifest.platforms(), &expected);
        let changed_keys = |found: &[Difference]| -> Vec<String> {
            found
                .iter()
                .filter_map(|d| match d {
                    Difference::Changed { key, .. } => Some(key.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(changed_keys(&found), ["b"]);
        assert_eq!(
            found[1..],
            [
                Difference::NotLocked("c".into()),
                Difference::NotWanted("d".into()),
            ]
        );
        // Each change says what differs.
        assert_eq!(
            found[0].to_string(),
            "`b` is not what was locked: haul.toml asks for `2.x`, haul.lock was locked for `1`"
        );
        let err = not_current(&found);
        assert_eq!(err.causes.len(), 3);

        // An entry that says it was locked for what haul.toml asks, but names another source,
        // another name, or a release the requirement does not allow, is not current either.
        let changed = |tool: LockedTool| {
            let mut lock = Lock::new(&platforms(&["linux-x86_64"]));
            lock.put(tool);
            lock.differences(&manifest.wanted()[..1], manifest.platforms(), &expected)
        };
        assert_eq!(changed(locked("a", "latest")), []);
        let mut other_source = locked("a", "latest");
        other_source.source = "github:evil/a".into();
        let found = changed(other_source);
        assert_eq!(changed_keys(&found), ["a"]);
        assert!(
            found[0]
                .to_string()
                .contains("installs it from `github:evil/a`"),
            "{}",
            found[0]
        );
        let mut other_name = locked("a", "latest");
        other_name.name = "zzz".into();
        let found = changed(other_name);
        assert!(
            found[0].to_string().contains("installs it as `zzz`"),
            "{}",
            found[0]
        );
        let wanted_b = &manifest.wanted()[1..2];
        let b_as_written = wanted_b[0].requirement.clone();
        let b = |version: &str, tag: &str| {
            let mut tool = locked("b", &b_as_written);
            (tool.version, tool.tag) = (version.into(), tag.into());
            let mut lock = Lock::new(&platforms(&["linux-x86_64"]));
            lock.put(tool);
            lock.differences(wanted_b, manifest.platforms(), &expected)
        };
        assert_eq!(b("2.0.0", "v2.0.0"), []);
        let found = b("1.2.3", "v1.2.3");
        assert_eq!(
            changed_keys(&found),
            ["b"],
            "v1.2.3 is not what `b = \"2\"` allows"
        );
        assert!(
            found[0]
                .to_string()
                .contains("pins `v1.2.3`, which `2.x` does not allow"),
            "{}",
            found[0]
        );
        // Nor does the entry's own `version` speak for a tag it is not.
        assert_eq!(changed_keys(&b("2.0.0", "v1.2.3")), ["b"]);
        // A tag with a product's prefix is read by its version.
        assert_eq!(b("2.0.0", "b/v2.0.0"), []);
    }

    /// What the store calls a file only a lock vouched for is this file's name.
    #[test]
    fn the_store_names_the_lock_as_haul_does() {
        assert_eq!(crate::store::record::BY_LOCK, FILE);
    }

    #[test]
    fn a_lock_with_one_key_twice_cannot_be_read() {
        let mut lock = Lock::new(&platforms(&["linux-x86_64"]));
        lock.tools = vec![locked("a", "1"), locked("a", "1")];
        let err = Lock::parse(&lock.render(), std::path::Path::new("haul.lock")).unwrap_err();
        assert!(
            err.one_line().contains("two entries have the key `a`"),
            "{err:?}"
        );
        let mut sneaky = locked("b", "1");
        sneaky.name = "a".into();
        lock.tools = vec![locked("a", "1"), sneaky];
        let err = Lock::parse(&lock.render(), std::path::Path::new("haul.lock")).unwrap_err();
        assert!(
            err.one_line().contains("two entries have the name `a`"),
            "{err:?}"
        );
        let mut cased = locked("c", "1");
        cased.name = "A".into();
        lock.tools = vec![locked("a", "1"), cased];
        let err = Lock::parse(&lock.render(), std::path::Path::new("haul.lock")).unwrap_err();
        assert!(
            err.one_line().contains("`a` and `A` differ only in case"),
            "{err:?}"
        );
    }

    #[test]
    fn newer_and_damaged_locks_say_so() {
        let path = std::path::Path::new("haul.lock");
        assert!(
            Lock::parse("format = 9\nplatforms = []\n", path)
                .unwrap_err()
                .message
                .contains("newer haul")
        );
        assert!(Lock::parse("format = 1\n", path).is_err());
        assert!(Lock::parse("{", path).is_err());
        let zero = Lock::parse("format = 0\nplatforms = []\n", path).unwrap_err();
        assert!(zero.one_line().contains("`format = 0`"), "{zero:?}");
    }

    /// An entry's `version` is what haul reads from its tag: a lock edited to pin an older
    /// release while still saying the newer version (which the inventory would report) cannot
    /// be read.
    #[test]
    fn a_version_that_is_not_its_tags_cannot_be_read() {
        let path = std::path::Path::new("haul.lock");
        let mut lock = Lock::new(&platforms(&["linux-x86_64"]));
        lock.tools = vec![locked("a", "1")];
        assert!(Lock::parse(&lock.render(), path).is_ok());
        for (version, tag) in [
            ("1.2.4", "v1.2.3"),
            ("../../x", "v1.2.3"),
            ("1.2.3", "v1.2.3+b"),
        ] {
            let mut edited = locked("a", "1");
            edited.version = version.into();
            edited.tag = tag.into();
            lock.tools = vec![edited];
            let err = Lock::parse(&lock.render(), path).unwrap_err();
            assert!(
                err.one_line().contains("but its tag"),
                "{version} {tag}: {err:?}"
            );
        }
        // With the catalog's tag prefix, the version is read after it.
        let mut prefixed = locked("a", "1");
        prefixed.tag = "a2/v1.2.3".into();
        prefixed.product.tag_prefix = Some("a2/".into());
        lock.tools = vec![prefixed];
        assert!(Lock::parse(&lock.render(), path).is_ok());
    }
}
