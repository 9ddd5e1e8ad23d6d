//! From a tool and a platform to the files to download: the release the version query names,
//! the asset for the platform (with the reason) for each executable wanted, and where each
//! asset's checksum may be found.
//!
//! The one place that asks what kind of source a tool has (GitHub releases or a URL template);
//! commands and the installer see only [`Release`], [`Resolved`] and [`Selection`]. Asks the
//! source over the network; the choices themselves are `select`'s and `verify`'s pure
//! functions.

pub mod github;
pub mod release;
pub mod template;

use anyhow::Result;

use crate::catalog::template::Template;
use crate::error::{Failure, UserError};
use crate::fetch::Http;
use crate::names::{self, NameKind, WantedBin};
use crate::platform::{Emulation, Platform};
use crate::request::tool::{Tool, ToolSource};
use crate::resolve::github::GitHub;
use crate::resolve::release::{Asset, Release};
use crate::select::{self, Selection};
use crate::verify::{self, Candidate, FileKind};

/// One file to download for a tool, the executables it provides, why it was chosen, and
/// where to find its checksum.
#[derive(Debug, Clone)]
pub struct Part {
    pub asset: Asset,
    pub selection: Selection,
    pub plan: Vec<Candidate>,
    /// The executables wanted from this file (empty: the tool's own).
    pub bins: Vec<WantedBin>,
    /// The next best builds, best first, for when this one cannot start here (a musl build
    /// linked against musl's loader on a glibc system, a glibc build newer than the host's).
    pub alternatives: Vec<Part>,
}

/// The release, and the files to download from it for one platform.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub release: Release,
    pub parts: Vec<Part>,
}

/// The release the tool's version query names, with the files `platform` would download (a
/// URL template's files depend on the platform).
pub async fn release(http: &Http, tool: &Tool, platform: Platform) -> Result<Release> {
    let release = match &tool.source {
        ToolSource::GitHub(repo) => GitHub { http }
            .release_with_prefix(
                repo,
                &tool.query.req,
                tool.query.pre,
                tool.tag_prefix.as_deref(),
            )
            .await
            .map_err(|err| named_in_catalog(err, tool, repo))?,
        ToolSource::Template(template) => {
            let tag =
                template::find_tag(template, http, &tool.name, &tool.query.req, tool.query.pre)
                    .await?;
            names::url_tag(&tag)?;
            let release = template::release_for(template, &tag, platform);
            names::tag(&release.tag)?;
            release
        }
    };
    Ok(release)
}

/// A miss for a tool whose name is not its repository's (a catalog entry: `gh` from `cli/cli`)
/// names both, as the user typed one and the release list is the other's.
fn named_in_catalog(err: anyhow::Error, tool: &Tool, repo: &crate::names::Repo) -> anyhow::Error {
    if tool.name.eq_ignore_ascii_case(&repo.name) {
        return err;
    }
    match err.downcast::<Failure>() {
        Ok(Failure::NoMatchingRelease {
            origin,
            req,
            recent,
            only_prereleases,
        }) => Failure::NoMatchingRelease {
            origin: format!("{} ({origin})", tool.name),
            req,
            recent,
            only_prereleases,
        }
        .into(),
        Ok(other) => other.into(),
        Err(err) => err,
    }
}

/// `release` as `platform` sees it: for a URL template, the files rendered for that platform;
/// a GitHub release is the same everywhere.
pub fn for_platform(tool: &Tool, release: &Release, platform: Platform) -> Release {
    match &tool.source {
        ToolSource::Template(template) => template::release_for(template, &release.tag, platform),
        ToolSource::GitHub(_) => release.clone(),
    }
}

/// The asset of `release` for `platform` that holds the executable `wanted`, and why.
pub fn choose(tool: &Tool, release: &Release, platform: Platform, wanted: &str) -> Selection {
    select::best(ranked(tool, release, platform, wanted))
}

/// Every asset of `release` that fits `platform` for the executable `wanted`, best first
/// (never empty; a URL template has one build per platform), or the selection that says why
/// nothing fits.
fn ranked(
    tool: &Tool,
    release: &Release,
    platform: Platform,
    wanted: &str,
) -> Result<Vec<Selection>, Selection> {
    match &tool.source {
        ToolSource::GitHub(_) => {
            let names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
            select::ranked(
                &names,
                platform,
                &select::Request {
                    tool: wanted,
                    repo: tool.repo_name(),
                    asset_pattern: tool.asset_pattern.as_ref(),
                },
            )
        }
        ToolSource::Template(template) => {
            let selection = choose_template(template, release, platform);
            if selection.asset.is_some() {
                Ok(vec![selection])
            } else {
                Err(selection)
            }
        }
    }
}

fn choose_template(template: &Template, release: &Release, platform: Platform) -> Selection {
    match template.fit(platform) {
        None => Selection {
            asset: None,
            reason: format!(
                "the vendor publishes builds for {} only",
                template.platforms.join(", ")
            ),
            emulated: None,
            installers_only: false,
        },
        Some((published, emulated)) => {
            // A release rendered for another platform holds that platform's file.
            let rendered = template::release(template, &release.tag, published);
            let reason = match emulated {
                Some(emulation) => emulation_reason(emulation, published),
                None => format!("the vendor's download for {published}"),
            };
            Selection {
                asset: rendered.assets.first().map(|a| a.name.clone()),
                reason,
                emulated,
                installers_only: false,
            }
        }
    }
}

fn emulation_reason(emulation: Emulation, published: Platform) -> String {
    format!(
        "no native build; the {published} build runs under {}",
        emulation.describe()
    )
}

/// Resolve the release and choose its files for `platform`, or say why nothing fits. When
/// the named executables live in different assets of the release (`kubectx` and `kubens`),
/// each asset is a part of its own.
pub async fn resolve(http: &Http, tool: &Tool, platform: Platform) -> Result<Resolved> {
    let release = release(http, tool, platform).await?;
    let parts = parts(tool, &release, platform)?;
    Ok(Resolved { release, parts })
}

/// The files to download from `release` for `platform`.
pub fn parts(tool: &Tool, release: &Release, platform: Platform) -> Result<Vec<Part>, UserError> {
    let primary = tool
        .bins
        .first()
        .map_or(tool.name.as_str(), |b| b.name.as_str());
    // The selector runs once: the best build, and the ones after it should it not start here.
    let (first, rest) = match ranked(tool, release, platform, primary) {
        Ok(mut ranked) => {
            let first = ranked.remove(0);
            (first, ranked)
        }
        Err(nothing) => return Err(nothing_fits(tool, release, platform, &nothing)),
    };
    let Some(first_asset) = first.asset.clone() else {
        return Err(nothing_fits(tool, release, platform, &first));
    };
    let mut first_part = part(tool, release, &first_asset, first)?;
    first_part.alternatives = alternatives(tool, release, rest, &first_asset);
    let mut parts = vec![first_part];
    // Each further executable the user named comes from the asset named after it, when that is
    // another one; otherwise from the first.
    for bin in tool.bins.iter().skip(1) {
        let selection = choose(tool, release, platform, &bin.name);
        let found = selection
            .asset
            .as_ref()
            .and_then(|name| parts.iter().position(|p| p.asset.name == *name));
        match (found, selection.asset.clone()) {
            (Some(i), _) => parts[i].bins.push(bin.clone()),
            (None, Some(name)) => {
                let mut extra = part(tool, release, &name, selection)?;
                extra.bins = vec![bin.clone()];
                parts.push(extra);
            }
            _ => parts[0].bins.push(bin.clone()),
        }
    }
    if parts.len() == 1 {
        parts[0].bins.clone_from(&tool.bins);
    } else if let Some(first_bin) = tool.bins.first() {
        parts[0].bins.insert(0, first_bin.clone());
    }
    Ok(parts)
}

fn part(
    tool: &Tool,
    release: &Release,
    asset_name: &str,
    selection: Selection,
) -> Result<Part, UserError> {
    names::segment(NameKind::Asset, asset_name)?;
    let asset = release
        .asset(asset_name)
        .cloned()
        .ok_or_else(|| UserError::new(format!("the release has no asset `{asset_name}`")))?;
    let plan = plan(tool, release, &asset);
    Ok(Part {
        asset,
        selection,
        plan,
        bins: Vec::new(),
        alternatives: Vec::new(),
    })
}

/// The builds after the chosen one (`rest`, best first; a URL template has none), at most
/// `MAX_ALTERNATIVES`.
fn alternatives(tool: &Tool, release: &Release, rest: Vec<Selection>, chosen: &str) -> Vec<Part> {
    const MAX_ALTERNATIVES: usize = 2;
    rest.into_iter()
        .filter_map(|selection| {
            let name = selection.asset.clone()?;
            (name != chosen)
                .then(|| part(tool, release, &name, selection).ok())
                .flatten()
        })
        .take(MAX_ALTERNATIVES)
        .collect()
}

fn nothing_fits(
    tool: &Tool,
    release: &Release,
    platform: Platform,
    selection: &Selection,
) -> UserError {
    let names: Vec<_> = release
        .assets
        .iter()
        .map(|a| crate::error::shown(&a.name))
        .collect();
    let mut err = UserError::new(format!(
        "no asset of `{}` {} fits {platform}",
        tool.origin(),
        release.tag
    ));
    // The reason says more than the message, or it is the message again.
    if selection.reason != format!("no asset fits {platform}") {
        err = err.caused_by(selection.reason.clone());
    }
    match tool.source {
        ToolSource::GitHub(_) if selection.installers_only => err.hint(
            "haul installs archives and executables, never installer packages; install this \
             one with the system's package manager",
        ),
        ToolSource::GitHub(_) => {
            let err = err.caused_by(format!(
                "assets: {}",
                if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names.join(", ")
                }
            ));
            match &tool.vendor {
                // A release made before its files are up (its workflow still running).
                None if release.assets.is_empty() => err.hint(
                    "the release has no files yet (they may still be uploading): try again \
                     later, or name an earlier release with `@VERSION`",
                ),
                Some(name) => err.hint(format!(
                    "the catalog's `{name}` installs it from the vendor's own downloads: `haul install {name}`"
                )),
                None => err.hint("pass `--asset REGEX` to choose one"),
            }
        }
        ToolSource::Template(_) => {
            err.hint("pass `--target PLATFORM` to install another platform's build")
        }
    }
}

/// Where to look for the asset's checksum: what the release offers, or the template's
/// checksum file.
pub fn plan(tool: &Tool, release: &Release, asset: &Asset) -> Vec<Candidate> {
    match &tool.source {
        ToolSource::GitHub(_) => {
            let files: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
            verify::plan(&asset.name, asset.digest.as_deref(), &files)
        }
        // The template names its checksum file: it may hold the hash alone or list files.
        ToolSource::Template(_) => release
            .assets
            .iter()
            .skip(1)
            .map(|file| Candidate::File {
                name: file.name.clone(),
                kind: FileKind::Single,
            })
            .collect(),
    }
}

/// Where downloads of this tool's release are kept in the cache, relative to its downloads
/// directory (see [`cache_dir_of`]).
pub fn cache_dir(tool: &Tool, tag: &str, platform: Platform) -> std::path::PathBuf {
    cache_dir_of(&tool.source_label(), tag, &platform.to_string())
}

/// [`cache_dir`] as haul laid it out before GitHub names were kept in lower case.
pub fn cache_dir_as_spelled(tool: &Tool, tag: &str, platform: Platform) -> std::path::PathBuf {
    laid_out(&tool.source_label(), tag, &platform.to_string())
}

/// Where downloads of a release are kept, relative to the cache's `downloads/`: by source and
/// tag (`github/OWNER/REPO/TAG/`); a URL template's files share a name across platforms, so
/// there the platform is part of the path (`catalog/NAME/PLATFORM/TAG/`). GitHub's names
/// ignore case (`Acme/Widget` is `acme/widget`), so their directories are in lower case: one
/// tool's downloads are in one place however it was spelled.
pub fn cache_dir_of(source: &str, tag: &str, platform: &str) -> std::path::PathBuf {
    match source.strip_prefix("github:") {
        Some(repo) => laid_out(
            &format!("github:{}", repo.to_ascii_lowercase()),
            tag,
            platform,
        ),
        None => laid_out(source, tag, platform),
    }
}

/// Where every download of `source` is kept, relative to the cache's `downloads/`, whatever
/// its tag and platform (`github/OWNER/REPO`, in lower case; `catalog/NAME`).
pub fn cache_base_of(source: &str) -> std::path::PathBuf {
    let dir = cache_dir_of(source, "t", "p");
    let levels = if source.starts_with("github:") { 1 } else { 2 };
    dir.ancestors()
        .nth(levels)
        .map_or(dir.clone(), std::path::Path::to_path_buf)
}

/// A release's directory found under the cache's `downloads/` (`github/Acme/Widget/v1`), as
/// [`cache_dir_of`] spells it (`github/acme/widget/v1`; an earlier haul kept them as
/// spelled, and that directory is a stored version's all the same): what a record's downloads
/// and [`cache_base_of`] are compared with.
pub fn cache_dir_as_kept(found: &std::path::Path) -> std::path::PathBuf {
    let parts: Vec<_> = found.components().collect();
    match parts.as_slice() {
        [github, owner, repo, rest @ ..] if github.as_os_str() == "github" => {
            let mut out = std::path::Path::new("github")
                .join(owner.as_os_str().to_ascii_lowercase())
                .join(repo.as_os_str().to_ascii_lowercase());
            out.extend(rest);
            out
        }
        _ => found.to_path_buf(),
    }
}

/// [`cache_dir_of`]'s layout, with the source's names as given.
fn laid_out(source: &str, tag: &str, platform: &str) -> std::path::PathBuf {
    let base = if let Some(repo) = source.strip_prefix("github:") {
        let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
        std::path::Path::new("github")
            .join(names::dir_name(owner))
            .join(names::dir_name(name))
    } else {
        let name = source.strip_prefix("catalog:").unwrap_or(source);
        std::path::Path::new("catalog")
            .join(names::dir_name(name))
            .join(names::dir_name(platform))
    };
    base.join(names::dir_name(tag))
}

#[cfg(test)]
mod tests {
    use super::{cache_base_of, cache_dir_as_kept, cache_dir_of};
    use std::path::Path;

    /// Every download of a source lies under its base, whatever the tag and platform.
    #[test]
    fn a_sources_downloads_lie_under_its_base() {
        for source in ["github:Acme/Widget", "catalog:kubectl"] {
            let base = cache_base_of(source);
            for (tag, platform) in [("v1.0.0", "linux-x86_64"), ("2.0", "windows-aarch64")] {
                let dir = cache_dir_of(source, tag, platform);
                assert!(dir.starts_with(&base), "{dir:?} under {base:?}");
                assert_ne!(dir, base);
            }
        }
        assert_eq!(
            cache_base_of("github:Acme/Widget"),
            Path::new("github/acme/widget")
        );
        assert_eq!(
            cache_base_of("catalog:kubectl"),
            Path::new("catalog/kubectl")
        );
    }

    /// A release's directory as an earlier haul spelled it is the one a record keeps: GitHub's
    /// owner and repository in lower case, the tag and a template's names as they are.
    #[test]
    fn a_found_download_is_compared_as_kept() {
        let kept = cache_dir_of("github:Acme/Widget", "V1.0.0", "linux-x86_64");
        assert_eq!(
            cache_dir_as_kept(Path::new("github/Acme/Widget/V1.0.0")),
            kept
        );
        assert_eq!(cache_dir_as_kept(&kept), kept);
        let template = cache_dir_of("catalog:kubectl", "V1", "linux-x86_64");
        assert_eq!(cache_dir_as_kept(&template), template);
    }
}
