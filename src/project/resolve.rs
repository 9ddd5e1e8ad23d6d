//! Locking one tool of a project: the release its requirement names, and for every locked
//! platform the files to download with their SHA-256, taken from what the release itself
//! publishes (the API's digest of each asset, its checksum files, cargo-dist's manifest)
//! without downloading those files. Only where a release publishes nothing is a file
//! downloaded, once, to hash it, and the lock says so (`downloaded`).

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, Result};

use super::lock::{DOWNLOADED, LockedTool};
use super::manifest::Wanted;
use crate::fetch::Http;
use crate::install::expected_checksum;
use crate::platform::Platform;
use crate::request::tool::Tool;
use crate::resolve::release::{Asset, Release};
use crate::resolve::{Part, for_platform, parts, release};
use crate::store::record::Artifact;
use crate::verify::{self, Algorithm, ApiDigest, Candidate, Expected, Hasher};

/// Lock `tool` (from `want`) for `platforms`. `release` is the release to lock, when the caller
/// already knows it (a kept version); else the tool's requirement picks it.
pub async fn lock_tool(
    http: &Http,
    tool: &Tool,
    want: &Wanted,
    platforms: &[Platform],
    known: Option<Release>,
) -> Result<LockedTool> {
    let first = platforms
        .first()
        .copied()
        .unwrap_or_else(crate::platform::host::platform);
    let release = match known {
        Some(release) => release,
        None => release(http, tool, first).await?,
    };
    let mut checksum_files: HashMap<String, String> = HashMap::new();
    let mut locked = BTreeMap::new();
    let mut unavailable = BTreeMap::new();
    for &platform in platforms {
        let rendered = for_platform(tool, &release, platform);
        let found = match parts(tool, &rendered, platform) {
            Ok(found) => found,
            Err(err) => {
                unavailable.insert(platform.to_string(), err.message.clone());
                continue;
            }
        };
        let mut artifacts = Vec::new();
        for part in &found {
            artifacts.push(
                artifact(http, &rendered, part, &mut checksum_files)
                    .await
                    .with_context(|| {
                        format!(
                            "locking `{}` for {platform}: `{}`",
                            tool.name, part.asset.name
                        )
                    })?,
            );
        }
        locked.insert(platform.to_string(), artifacts);
    }
    Ok(LockedTool {
        key: want.key.clone(),
        name: tool.name.clone(),
        source: tool.source_label(),
        product: tool.product.clone(),
        requirement: tool.query.requirement(),
        bin: want.bins.iter().map(ToString::to_string).collect(),
        asset: want.asset.as_ref().map(|a| a.text.clone()),
        version: release.version_label(),
        tag: release.tag.clone(),
        platforms: locked,
        unavailable,
    })
}

/// One file and its SHA-256, from what the release publishes for it, read as an install reads
/// it: the API's digest and the first checksum file that names the file, which must agree (a
/// malformed or conflicting checksum fails here as it fails an install). The checksum files are
/// fetched once per release (`files`). Where only SHA-512 vouches, or SHA-512 beside SHA-256,
/// the file is downloaded once, checked against every digest, and its SHA-256 is locked; where
/// nothing vouches, it is downloaded to hash it, and the lock says so.
async fn artifact(
    http: &Http,
    release: &Release,
    part: &Part,
    files: &mut HashMap<String, String>,
) -> Result<Artifact> {
    let asset = &part.asset;
    let expected = expected_checksum(http, release, &asset.name, &part.plan, files).await?;
    let checksum_url = expected
        .as_ref()
        .and_then(|e| e.files().next())
        .and_then(|name| release.asset(name))
        .map(|file| file.url.clone());
    if let Some(expected) = &expected
        && let Some(sha256) = expected.digest(Algorithm::Sha256)
        && expected.digest(Algorithm::Sha512).is_none()
    {
        return Ok(make(
            asset,
            sha256.hex(),
            None,
            &expected.verified_by(),
            checksum_url,
        ));
    }
    let mut hasher = Hasher::new(
        &expected
            .as_ref()
            .map_or_else(Vec::new, Expected::algorithms),
    );
    let size = Some(asset.size).filter(|&n| n > 0);
    http.download(&asset.url, size, &(), async |chunk: bytes::Bytes| {
        hasher.update(&chunk);
        Ok(())
    })
    .await?;
    let computed = hasher.finish();
    let Some(expected) = expected else {
        return Ok(make(asset, computed.sha256().hex(), None, DOWNLOADED, None));
    };
    verify::check(&expected, &computed).map_err(|err| err.to_user_error(&asset.name))?;
    Ok(make(
        asset,
        computed.sha256().hex(),
        expected
            .digest(Algorithm::Sha512)
            .map(|digest| digest.hex().to_owned()),
        &expected.verified_by(),
        checksum_url,
    ))
}

fn make(
    asset: &Asset,
    sha256: &str,
    sha512: Option<String>,
    by: &str,
    checksum_url: Option<String>,
) -> Artifact {
    Artifact {
        asset: asset.name.clone(),
        url: asset.url.clone(),
        size: (asset.size > 0).then_some(asset.size),
        sha256: sha256.to_owned(),
        sha512,
        verified_by: Some(by.to_owned()),
        checksum_url,
    }
}

/// The parts to install from a locked release (see [`locked_release`]): each file the lock
/// names, vouched for by its locked hash alone, with no other build to fall back to.
pub fn locked_parts(
    tool: &Tool,
    release: &Release,
    platform: Platform,
) -> Result<Vec<Part>, crate::error::UserError> {
    let mut found = if release.assets.len() == 1 {
        let asset = release.assets[0].clone();
        vec![Part {
            selection: crate::select::Selection {
                asset: Some(asset.name.clone()),
                reason: "locked in haul.lock".to_owned(),
                emulated: None,
                installers_only: false,
            },
            asset,
            plan: Vec::new(),
            bins: tool.bins.clone(),
            alternatives: Vec::new(),
        }]
    } else {
        // Several files (an executable per file): which holds which, as when locked.
        parts(tool, release, platform)?
    };
    for part in &mut found {
        part.alternatives.clear();
        part.plan = part
            .asset
            .digest
            .as_deref()
            .and_then(ApiDigest::parse)
            .map(Candidate::Digest)
            .into_iter()
            .collect();
    }
    Ok(found)
}

/// The release a locked tool pins, for one platform: its files as the lock has them, each
/// with its locked hash as the digest that vouches for it.
pub fn locked_release(tool: &LockedTool, platform: &str) -> Option<Release> {
    let artifacts = tool.platforms.get(platform)?;
    Some(Release {
        tag: tool.tag.clone(),
        version: tool.tag_version(),
        prerelease: false,
        assets: artifacts
            .iter()
            .map(|a| Asset {
                name: a.asset.clone(),
                url: a.url.clone(),
                size: a.size.unwrap_or(0),
                digest: Some(format!("sha256:{}", a.sha256)),
            })
            .collect(),
    })
}
