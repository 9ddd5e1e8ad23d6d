//! `haul info TOOL`: where a tool comes from, its release, and the asset haul would pick on
//! every platform, with the reason, so anyone can see what would be installed anywhere.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::InfoArgs;
use crate::commands::options::{self, asset_pattern};
use crate::context::{self, Context};
use crate::error::{ExitCode, Report};
use crate::install::expected_checksum;
use crate::names::WantedBin;
use crate::platform::Platform;
use crate::request::tool::{Overrides, Tool};
use crate::resolve;
use crate::resolve::release::Release;

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
    /// What vouches for the pick, read from the release as an install reads it
    /// (`checksums.txt`, `api-digest, checksums.txt`, `SHA512SUMS (sha512)`); null when
    /// nothing does.
    checksum: Option<String>,
    /// Why the pick's checksum cannot vouch for it (malformed, or sources that disagree): an
    /// install would stop with exit code 4.
    checksum_error: Option<String>,
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
    let tool = options::tools_to_show(std::slice::from_ref(&args.tool), &catalog, &overrides, ctx)?
        .remove(0)
        .tool?;
    let platforms: Vec<Platform> = match &args.target {
        Some(_) => vec![crate::settings::target_platform(args.target.as_deref())?],
        None => Platform::NAMED.to_vec(),
    };
    let host = crate::platform::host::platform();
    let http = ctx.http()?;
    let runtime = context::runtime()?;
    let release = runtime.block_on(resolve::release(&http, &tool, host))?;
    let mut picks = BTreeMap::new();
    // Checksum files are fetched once for every platform's pick.
    let mut texts = HashMap::new();
    for platform in &platforms {
        let mut pick = pick(&tool, &release, *platform);
        if let Some(name) = &pick.asset {
            let release = resolve::for_platform(&tool, &release, *platform);
            if let Some(asset) = release.asset(name) {
                let plan = resolve::plan(&tool, &release, asset);
                match runtime.block_on(expected_checksum(&http, &release, name, &plan, &mut texts))
                {
                    Ok(expected) => pick.checksum = expected.map(|e| e.verified_by()),
                    Err(err) => pick.checksum_error = Some(Report::of(&err).one_line()),
                }
            }
        }
        picks.insert(platform.to_string(), pick);
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
        // A project here that asks for checksums: `haul sync` refuses what `install` warns of.
        let required = if ctx.settings.require_checksum {
            Required::Always
        } else if crate::project::find(&ctx.settings.cwd)
            .and_then(|dir| crate::project::Manifest::read(&dir).ok())
            .is_some_and(|m| m.requires_checksum().is_some())
        {
            Required::ByProject
        } else {
            Required::No
        };
        ctx.printer.data(&human(&info, &platforms, required));
    }
    Ok(ExitCode::Success)
}

fn pick(tool: &Tool, release: &Release, platform: Platform) -> Pick {
    let primary = tool
        .bins
        .first()
        .map_or(tool.name.as_str(), |b| b.name.as_str());
    let selection = resolve::choose(tool, release, platform, primary);
    Pick {
        asset: selection.asset,
        reason: selection.reason,
        emulated: selection.emulated.is_some(),
        checksum: None,
        checksum_error: None,
    }
}

/// Where checksums are required, for what `info` says of a pick nothing vouches for.
#[derive(Clone, Copy)]
enum Required {
    No,
    /// The config file or the environment: every install.
    Always,
    /// The project here (haul.toml's `require-checksum`): `haul sync` and `haul lock`.
    ByProject,
}

fn human(info: &Info, platforms: &[Platform], required: Required) -> String {
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
        // What would vouch for it, as an install reads it: why an install stops, or warns.
        let vouched = match (&pick.checksum_error, &pick.checksum) {
            (Some(why), _) => Some(format!("cannot be verified: {why}")),
            (None, Some(by)) => Some(format!("verified by {by}")),
            (None, None) if pick.asset.is_some() => Some(
                match required {
                    Required::Always => {
                        "no checksum vouches for it (an install refuses it: checksums are required)"
                    }
                    Required::ByProject => {
                        "no checksum vouches for it (`haul install` installs it unverified, with a warning; `haul sync` here refuses it: haul.toml requires checksums)"
                    }
                    Required::No => {
                        "no checksum vouches for it (installed unverified, with a warning)"
                    }
                }
                .to_owned(),
            ),
            (None, None) => None,
        };
        if let Some(vouched) = vouched {
            let _ = writeln!(out, "  {:width$}    {vouched}", "");
        }
    }
    out.trim_end().to_owned()
}
