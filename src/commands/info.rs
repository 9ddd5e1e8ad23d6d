//! `haul info TOOL`: the release a request names and the asset haul would pick on every
//! platform, with the reason, so anyone can see what would be installed anywhere.

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::cli::InfoArgs;
use crate::commands::install::{asset_pattern, parse_specs, target};
use crate::context::{self, Context};
use crate::error::ExitCode;
use crate::platform::Platform;
use crate::select;
use crate::source::github::GitHub;
use crate::verify::{self, Candidate};

/// `haul info --json`; a stable, documented shape.
#[derive(Serialize)]
struct Info {
    repo: String,
    tag: String,
    version: String,
    prerelease: bool,
    /// The platform haul runs on.
    host: String,
    assets: Vec<String>,
    /// Platform name → the pick; `BTreeMap` keeps the output stable.
    platforms: BTreeMap<String, Pick>,
}

#[derive(Serialize)]
struct Pick {
    asset: Option<String>,
    reason: String,
    /// Set when the pick runs under emulation (Rosetta 2, WOW64, Windows on Arm).
    emulated: bool,
    /// The first place haul would look for the pick's SHA-256.
    checksum: Option<String>,
}

pub fn info(args: &InfoArgs, ctx: &Context) -> Result<ExitCode> {
    let spec = parse_specs(std::slice::from_ref(&args.tool))?.remove(0);
    let pattern = asset_pattern(args.asset.as_deref())?;
    let platforms: Vec<Platform> = match &args.target {
        Some(_) => vec![target(args.target.as_deref())?],
        None => Platform::NAMED.to_vec(),
    };
    let http = ctx.http()?;
    let release = context::runtime()?
        .block_on(GitHub { http: &http }.release(&spec.repo, &spec.req, args.pre))?;
    let names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
    let tool = args
        .bins
        .first()
        .map_or(spec.repo.name.as_str(), String::as_str);
    let request = select::Request {
        tool,
        repo: &spec.repo.name,
        asset_pattern: pattern.as_ref(),
    };
    let mut picks = BTreeMap::new();
    for platform in &platforms {
        let selection = select::select(&names, *platform, &request);
        let checksum = selection.asset.as_deref().and_then(|name| {
            let digest = release.asset(name).and_then(|a| a.digest.as_deref());
            verify::plan(name, digest, &names).first().map(|c| match c {
                Candidate::Digest(_) => "api-digest".to_owned(),
                Candidate::File { name, .. } => name.clone(),
            })
        });
        picks.insert(
            platform.to_string(),
            Pick {
                asset: selection.asset,
                reason: selection.reason,
                emulated: selection.emulated.is_some(),
                checksum,
            },
        );
    }
    let info = Info {
        repo: spec.repo.to_string(),
        version: release.version_label(),
        tag: release.tag.clone(),
        prerelease: release.prerelease,
        host: crate::host::platform().to_string(),
        assets: names.iter().map(|n| (*n).to_owned()).collect(),
        platforms: picks,
    };
    if args.json {
        ctx.printer.json(&info)?;
        return Ok(ExitCode::Success);
    }
    let mut out = format!(
        "{} {}{}\n",
        info.repo,
        info.tag,
        if info.prerelease { " (prerelease)" } else { "" }
    );
    let width = info.platforms.keys().map(String::len).max().unwrap_or(0);
    for platform in &platforms {
        let name = platform.to_string();
        let Some(pick) = info.platforms.get(&name) else {
            continue;
        };
        let marker = if name == info.host { "*" } else { " " };
        let asset = pick.asset.as_deref().unwrap_or("-");
        let _ = writeln!(out, "{marker} {name:width$}  {asset}");
        let _ = writeln!(out, "  {:width$}    {}", "", pick.reason);
    }
    ctx.printer.data(out.trim_end())?;
    Ok(ExitCode::Success)
}
