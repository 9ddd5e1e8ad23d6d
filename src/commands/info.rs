//! `haul info TOOL`: where a tool comes from, its release, and the asset haul would pick on
//! every platform, with the reason, so anyone can see what would be installed anywhere.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::InfoArgs;
use crate::commands::options::{self, asset_pattern};
use crate::context::{self, Context};
use crate::error::ExitCode;
use crate::names::WantedBin;
use crate::platform::Platform;
use crate::request::tool::{Overrides, Tool};
use crate::resolve;
use crate::resolve::release::Release;
use crate::verify::Candidate;

/// `haul info --json`; a stable, documented shape.
#[derive(Serialize)]
struct Info {
    name: String,
    /// `github:OWNER/REPO` or `catalog:NAME`.
    source: String,
    description: Option<String>,
    homepage: Option<String>,
    tag: String,
    version: String,
    prerelease: bool,
    /// The platform haul runs on.
    host: String,
    /// The release's files (for a URL template: the host's download and checksum file).
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
    let overrides = Overrides {
        bins: args
            .bins
            .iter()
            .map(|b| WantedBin::parse(b))
            .collect::<Result<_, _>>()?,
        asset: asset_pattern(args.asset.as_deref())?,
        pre: args.pre,
    };
    let catalog = ctx.catalog()?;
    let tool = options::tools(std::slice::from_ref(&args.tool), &catalog, &overrides, ctx)?
        .remove(0)
        .tool?;
    let platforms: Vec<Platform> = match &args.target {
        Some(_) => vec![crate::settings::target_platform(args.target.as_deref())?],
        None => Platform::NAMED.to_vec(),
    };
    let host = crate::platform::host::platform();
    let http = ctx.http()?;
    let release = context::runtime()?.block_on(resolve::release(&http, &tool, host))?;
    let mut picks = BTreeMap::new();
    for platform in &platforms {
        picks.insert(platform.to_string(), pick(&tool, &release, *platform));
    }
    let entry = catalog.find(&tool.name).filter(|e| e.name == tool.name);
    let info = Info {
        name: tool.name.clone(),
        source: tool.source_label(),
        description: entry.map(|e| e.description.clone()),
        homepage: entry.map(|e| e.homepage.clone()),
        version: release.version_label(),
        tag: release.tag.clone(),
        prerelease: release.prerelease,
        host: host.to_string(),
        assets: release.assets.iter().map(|a| a.name.clone()).collect(),
        platforms: picks,
    };
    if args.json {
        ctx.printer.json(&info)?;
    } else {
        ctx.printer.data(&human(&info, &platforms))?;
    }
    Ok(ExitCode::Success)
}

fn pick(tool: &Tool, release: &Release, platform: Platform) -> Pick {
    let primary = tool
        .bins
        .first()
        .map_or(tool.name.as_str(), |b| b.name.as_str());
    let selection = resolve::choose(tool, release, platform, primary);
    let checksum = selection.asset.as_deref().and_then(|name| {
        let release = resolve::for_platform(tool, release, platform);
        let asset = release.asset(name)?;
        resolve::plan(tool, &release, asset)
            .first()
            .map(|c| match c {
                Candidate::Digest(_) => "api-digest".to_owned(),
                Candidate::File { name, .. } => name.clone(),
            })
    });
    Pick {
        asset: selection.asset,
        reason: selection.reason,
        emulated: selection.emulated.is_some(),
        checksum,
    }
}

fn human(info: &Info, platforms: &[Platform]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}{}",
        info.name,
        info.tag,
        if info.prerelease { " (prerelease)" } else { "" }
    );
    if let Some(description) = info.description.as_deref().filter(|d| !d.is_empty()) {
        let _ = writeln!(out, "  {description}");
    }
    let _ = writeln!(out, "  source:   {}", info.source);
    if let Some(homepage) = info.homepage.as_deref().filter(|h| !h.is_empty()) {
        let _ = writeln!(out, "  homepage: {homepage}");
    }
    let width = info.platforms.keys().map(String::len).max().unwrap_or(0);
    for platform in platforms {
        let name = platform.to_string();
        let Some(pick) = info.platforms.get(&name) else {
            continue;
        };
        let marker = if name == info.host { "*" } else { " " };
        let asset = pick.asset.as_deref().unwrap_or("-");
        let _ = writeln!(out, "{marker} {name:width$}  {asset}");
        let _ = writeln!(out, "  {:width$}    {}", "", pick.reason);
    }
    out.trim_end().to_owned()
}
