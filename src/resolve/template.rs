//! Releases of URL-template tools: asking a template's version source (a text file with the
//! latest tag, a GitHub repository's releases, a releases.hashicorp.com index) which tag a
//! request names, and the release a tag makes for a platform.
//!
//! Fetches through `Http`, so mirror rules apply; picking among the versions is pure.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Deserialize;

use super::github::GitHub;
use super::release::{Asset, Release};
use crate::catalog::template::Template;
use crate::error::{Failure, UserError};
use crate::fetch::{Http, HttpError};
use crate::names::Repo;
use crate::platform::Platform;
use crate::version::{Version, VersionReq};

/// The release with tag `tag` for `platform`: the template's download and checksum file as
/// assets.
pub fn release(template: &Template, tag: &str, platform: Platform) -> Release {
    let (url, checksum) = template.urls(tag, platform);
    let assets = std::iter::once(url).chain(checksum).map(asset_at).collect();
    let parsed = Version::from_tag(tag);
    Release {
        prerelease: parsed.as_ref().is_some_and(Version::is_prerelease),
        version: parsed,
        tag: tag.to_owned(),
        assets,
    }
}

/// The release with tag `tag` as `platform` gets it: rendered for the published platform
/// that fits it (its own, or one it emulates).
pub fn release_for(template: &Template, tag: &str, platform: Platform) -> Release {
    release(template, tag, template.published(platform))
}

fn asset_at(url: String) -> Asset {
    Asset {
        name: url.rsplit('/').next().unwrap_or(&url).to_owned(),
        url,
        size: 0,
        digest: None,
    }
}

/// The tag `req` names, asking the version source.
pub async fn find_tag(
    template: &Template,
    http: &Http,
    tool: &str,
    req: &VersionReq,
    pre: bool,
) -> Result<String> {
    let v = &template.version;
    if let Some(repo) = v.github.as_deref().and_then(Repo::parse) {
        let release = GitHub { http }.release(&repo, req, pre).await?;
        return Ok(release.tag);
    }
    if let Some(index) = &v.hashicorp {
        let text = http.get_text(index, "application/json").await?;
        let versions = hashicorp_versions(&text).ok_or_else(|| {
            UserError::new(format!("unexpected answer from `{index}`"))
                .hint("check the mirror rules for this host")
        })?;
        return pick(&versions, req, pre).ok_or_else(|| no_version(tool, req, &versions).into());
    }
    let Some(latest_url) = &v.text else {
        return Err(
            UserError::new(format!("the catalog entry `{tool}` has no version source")).into(),
        );
    };
    match req {
        VersionReq::Latest => Ok(http
            .get_text(latest_url, "text/plain")
            .await?
            .trim()
            .to_owned()),
        VersionReq::Tag(tag) => Ok(tag.clone()),
        VersionReq::Exact(version) => {
            // The vendor's tags either all start with `v` or none do; the latest one tells.
            let latest = http.get_text(latest_url, "text/plain").await?;
            let v_prefix = latest.trim().starts_with('v');
            Ok(format!("{}{version}", if v_prefix { "v" } else { "" }))
        }
        VersionReq::Range(_) => Err(UserError::new(format!(
            "`{tool}` can be installed at its latest version, an exact one or a series (`1.31`), not `{req}`"
        ))
        .hint(format!("write the whole version, e.g. `{tool}@1.2.3`"))
        .exit(crate::error::ExitCode::Usage)
        .into()),
        VersionReq::Prefix(parts) => {
            let Some(series) = &v.series else {
                return Err(UserError::new(format!(
                    "`{tool}` can be installed at its latest version or an exact one, not `{req}`"
                ))
                .hint(format!("write the whole version, e.g. `{tool}@1.2.3`"))
                .into());
            };
            let series_text: Vec<String> = parts.iter().map(ToString::to_string).collect();
            let url = series.replace("{series}", &series_text.join("."));
            match http.get_text(&url, "text/plain").await {
                Ok(tag) => Ok(tag.trim().to_owned()),
                Err(err)
                    if matches!(
                        err.downcast_ref::<HttpError>(),
                        Some(HttpError::NotFound { .. })
                    ) =>
                {
                    if http.is_mirrored(&url) {
                        // Through a mirror, the file may only be missing there: the error
                        // says so, with the rule and the URL it rewrote.
                        return Err(err.context(format!(
                            "`{tool}` has no release matching `{req}`, or the mirror does not hold the file that names it"
                        )));
                    }
                    Err(Failure::NoMatchingRelease {
                        origin: tool.to_owned(),
                        req: req.to_string(),
                        recent: Vec::new(),
                        only_prereleases: false,
                    }
                    .into())
                }
                Err(err) => Err(err),
            }
        }
    }
}

fn no_version(tool: &str, req: &VersionReq, versions: &[String]) -> Failure {
    let mut recent: Vec<&String> = versions.iter().collect();
    recent.sort_by_key(|v| std::cmp::Reverse(Version::from_tag(v)));
    Failure::NoMatchingRelease {
        origin: tool.to_owned(),
        req: req.to_string(),
        recent: recent.iter().take(8).map(|v| (*v).clone()).collect(),
        only_prereleases: false,
    }
}

#[derive(Deserialize)]
#[allow(
    clippy::zero_sized_map_values,
    reason = "only the versions' names matter"
)]
struct HashicorpIndex {
    versions: BTreeMap<String, serde::de::IgnoredAny>,
}

/// The versions a releases.hashicorp.com `index.json` lists.
pub fn hashicorp_versions(text: &str) -> Option<Vec<String>> {
    let index: HashicorpIndex = serde_json::from_str(text).ok()?;
    Some(index.versions.into_keys().collect())
}

/// The newest of `versions` that `req` allows; enterprise and other builds with metadata
/// (`1.9.5+ent`) never count, prereleases only with `pre` or when named.
pub fn pick(versions: &[String], req: &VersionReq, pre: bool) -> Option<String> {
    let allow_pre = pre || req.names_prerelease();
    versions
        .iter()
        .filter(|v| !v.contains('+'))
        .filter_map(|v| Version::from_tag(v).map(|parsed| (parsed, v)))
        .filter(|(parsed, _)| allow_pre || !parsed.is_prerelease())
        .filter(|(_, v)| req.matches(v))
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_hashicorp_versions() {
        let text = r#"{"name":"terraform","versions":{
            "1.9.5":{}, "1.10.0-beta1":{}, "1.9.4":{}, "1.8.5":{}, "1.10.0+ent":{}, "1.10.1":{}, "0.12.31":{}}}"#;
        let versions = hashicorp_versions(text).unwrap();
        assert_eq!(
            pick(&versions, &VersionReq::Latest, false).as_deref(),
            Some("1.10.1")
        );
        assert_eq!(
            pick(&versions, &VersionReq::parse("1.9").unwrap(), false).as_deref(),
            Some("1.9.5")
        );
        assert_eq!(
            pick(&versions, &VersionReq::parse("1.8.5").unwrap(), false).as_deref(),
            Some("1.8.5")
        );
        assert_eq!(
            pick(&versions, &VersionReq::parse("2").unwrap(), false),
            None
        );
        let pre = r#"{"versions":{"1.9.5":{},"1.10.0-beta1":{}}}"#;
        let pre = hashicorp_versions(pre).unwrap();
        assert_eq!(
            pick(&pre, &VersionReq::Latest, true).as_deref(),
            Some("1.10.0-beta1")
        );
        assert_eq!(hashicorp_versions("<html>"), None);
    }
}
