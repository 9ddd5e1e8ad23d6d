//! From a tool and a platform to the one file to download: the release the version request
//! names, the asset for the platform (with the reason), and where its checksum may be found.
//!
//! Asks the tool's source over the network; the choices themselves are `select`'s and
//! `verify`'s pure functions.

pub mod github;
pub mod release;
pub mod template;

use anyhow::Result;

use crate::catalog::template::Template;
use crate::error::UserError;
use crate::fetch::Http;
use crate::platform::{Emulation, Platform};
use crate::request::tool::{Tool, ToolSource};
use crate::resolve::github::GitHub;
use crate::resolve::release::{Asset, Release};
use crate::select::{self, Selection};
use crate::verify::{self, Candidate, FileKind};

/// The release, the asset chosen for the platform, why, and where to find its checksum.
pub struct Resolved {
    pub release: Release,
    pub asset: Asset,
    pub selection: Selection,
    pub plan: Vec<Candidate>,
}

/// The release `tool.req` names; for a URL template, rendered for `platform`.
pub async fn release(http: &Http, tool: &Tool, pre: bool, platform: Platform) -> Result<Release> {
    match &tool.source {
        ToolSource::GitHub(repo) => {
            GitHub { http }
                .release_with_prefix(repo, &tool.req, pre, tool.tag_prefix.as_deref())
                .await
        }
        ToolSource::Template(template) => {
            let tag = template::find_tag(template, http, &tool.name, &tool.req, pre).await?;
            Ok(template.release_for(&tag, platform))
        }
    }
}

/// The asset of `release` for `platform`, and why.
pub fn choose(tool: &Tool, release: &Release, platform: Platform) -> Selection {
    match &tool.source {
        ToolSource::GitHub(_) => {
            let names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
            let wanted = tool.bins.first().map_or(tool.name.as_str(), String::as_str);
            select::select(
                &names,
                platform,
                &select::Request {
                    tool: wanted,
                    repo: tool.repo_name(),
                    asset_pattern: tool.asset_pattern.as_ref(),
                },
            )
        }
        ToolSource::Template(template) => choose_template(template, release, platform),
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
        },
        Some((published, emulated)) => {
            // A release rendered for another platform holds that platform's file.
            let rendered = template.release(&release.tag, published);
            let reason = match emulated {
                Some(emulation) => emulation_reason(emulation, published),
                None => format!("the vendor's download for {published}"),
            };
            Selection {
                asset: rendered.assets.first().map(|a| a.name.clone()),
                reason,
                emulated,
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

/// Resolve the release and choose its asset for `platform`, or say why nothing fits.
pub async fn resolve(http: &Http, tool: &Tool, pre: bool, platform: Platform) -> Result<Resolved> {
    let release = release(http, tool, pre, platform).await?;
    let selection = choose(tool, &release, platform);
    let Some(asset) = selection
        .asset
        .as_deref()
        .and_then(|name| release.asset(name))
        .cloned()
    else {
        let names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
        let mut err = UserError::new(format!(
            "no asset of `{}` {} fits {platform}",
            tool.origin(),
            release.tag
        ))
        .caused_by(selection.reason.clone());
        err = match tool.source {
            ToolSource::GitHub(_) => err
                .caused_by(format!(
                    "assets: {}",
                    if names.is_empty() {
                        "(none)".to_owned()
                    } else {
                        names.join(", ")
                    }
                ))
                .hint("pass `--asset REGEX` to choose one"),
            ToolSource::Template(_) => {
                err.hint("pass `--target PLATFORM` to install another platform's build")
            }
        };
        return Err(err.into());
    };
    let plan = plan(tool, &release, &asset);
    Ok(Resolved {
        release,
        asset,
        selection,
        plan,
    })
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
