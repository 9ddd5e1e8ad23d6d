//! GitHub releases: finding the release a version request names, with pagination, and turning
//! the API's failures (unknown repository, no releases, rate limits) into clear errors.
//!
//! The API base URL and token come in as values (`Http`), so GitHub Enterprise, proxies and
//! local test servers all work the same way.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use reqwest::Url;
use serde::Deserialize;

use super::{Asset, Release};
use crate::error::{Failure, UserError};
use crate::fetch::{Http, HttpError, Paging};
use crate::names::Repo;
use crate::version::{Version, VersionReq};

const ACCEPT_JSON: &str = "application/vnd.github+json";
const DEFAULT_API: &str = "https://api.github.com";
const PER_PAGE: usize = 100;
/// Paging stops here (1000 releases); older versions are not worth the rate limit.
const MAX_PAGES: usize = 10;

#[derive(Debug, Deserialize)]
struct ApiRelease {
    tag_name: String,
    /// `API/repos/OWNER/REPO/releases/ID`: names the repository as it is now.
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    prerelease: bool,
    #[serde(default)]
    assets: Vec<ApiAsset>,
}

#[derive(Debug, Deserialize)]
struct ApiAsset {
    name: String,
    browser_download_url: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    digest: Option<String>,
}

impl From<ApiRelease> for Release {
    fn from(api: ApiRelease) -> Release {
        Release {
            version: Version::from_tag(&api.tag_name),
            tag: api.tag_name,
            prerelease: api.prerelease,
            assets: api
                .assets
                .into_iter()
                .map(|a| Asset {
                    name: a.name,
                    url: a.browser_download_url,
                    size: a.size,
                    digest: a.digest,
                })
                .collect(),
        }
    }
}

pub struct GitHub<'a> {
    pub http: &'a Http,
}

impl GitHub<'_> {
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.http.api_url().clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// GET API JSON through the `ETag` cache: a 304 costs no rate limit, and offline runs
    /// answer from the cache.
    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<T> {
        Ok(self.get_page(url).await?.0)
    }

    /// [`GitHub::get_json`] for a page of a list, with what the answer says about the pages
    /// after it.
    async fn get_page<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<(T, Paging)> {
        let answer = self
            .http
            .get_cached(url.as_str(), ACCEPT_JSON, |text| {
                serde_json::from_str::<T>(text)
            })
            .await?;
        answer.map_err(|err| {
            UserError::new(format!(
                "unexpected answer from the GitHub API at `{}`",
                crate::redact::parsed_url(url)
            ))
            .caused_by(err.to_string())
            .hint("check `HAUL_GITHUB_API_URL`; it must point at a GitHub REST API")
            .into()
        })
    }

    /// The release that `req` names.
    pub async fn release(&self, repo: &Repo, req: &VersionReq, pre: bool) -> Result<Release> {
        self.release_with_prefix(repo, req, pre, None).await
    }

    /// The release that `req` names among those whose tag starts with `tag_prefix` (a
    /// repository that releases several things, such as `kustomize/v5.4.3` beside `api/v0.18`).
    pub async fn release_with_prefix(
        &self,
        repo: &Repo,
        req: &VersionReq,
        pre: bool,
        tag_prefix: Option<&str>,
    ) -> Result<Release> {
        let found = match req {
            VersionReq::Latest if !pre && tag_prefix.is_none() => {
                let url = self.url(&["repos", &repo.owner, &repo.name, "releases", "latest"]);
                match self.get_json::<ApiRelease>(&url).await {
                    Ok(release)
                        if !release.draft && !release.prerelease && !named_pre(&release) =>
                    {
                        Some(release)
                    }
                    // GitHub's latest is never a draft or a flagged prerelease; a server that
                    // says otherwise is not taken at its word, and a tag that names itself a
                    // prerelease (`v2.0.0-rc.1` its release forgot to flag) is one all the
                    // same: the list decides, as it does for a series.
                    Ok(_) => self.find(repo, req, pre, "").await?,
                    Err(err) if is_not_found(&err) => None,
                    Err(err) => return Err(explain(err, self.http.has_token())),
                }
            }
            _ => {
                self.find(repo, req, pre, tag_prefix.unwrap_or_default())
                    .await?
            }
        };
        match found {
            Some(release) => {
                // The tag is shown, stored and becomes a directory's name: every release the
                // API gives is checked here, an install's, a template's or haul's own.
                crate::names::tag(&release.tag_name)?;
                self.warn_if_moved(repo, &release);
                let mut release: Release = release.into();
                if let Some(bare) = tag_prefix.and_then(|p| release.tag.strip_prefix(p)) {
                    release.version = Version::from_tag(bare);
                }
                Ok(release)
            }
            None => Err(self
                .not_found(repo, req, pre, tag_prefix.unwrap_or_default())
                .await),
        }
    }

    /// GitHub answers for a renamed or transferred repository with a redirect (followed by
    /// the client); the release's `url` then names the repository as it is now.
    fn warn_if_moved(&self, repo: &Repo, release: &ApiRelease) {
        let Some(now) = release.url.as_deref().and_then(repo_in_api_url) else {
            return;
        };
        if !now.eq_ignore_ascii_case(&repo.to_string()) {
            self.http.warn_once(
                &format!("moved:{repo}"),
                &format!(
                    "the GitHub repository `{repo}` has moved to `{now}`; haul followed it, but use `{now}` from now on (and update any catalog entry or script that names `{repo}`)"
                ),
            );
        }
    }

    async fn find(
        &self,
        repo: &Repo,
        req: &VersionReq,
        pre: bool,
        prefix: &str,
    ) -> Result<Option<ApiRelease>> {
        let mut candidates: Vec<String> = Vec::new();
        for tag in req.candidate_tags() {
            // The prefix's own `v` (`bun-v`) stands for the candidate's (`v1.0.0`).
            let tag = if tag.starts_with(prefix) {
                tag
            } else if prefix.ends_with(['v', 'V']) && tag.starts_with('v') {
                format!("{prefix}{}", &tag[1..])
            } else {
                format!("{prefix}{tag}")
            };
            if !candidates.contains(&tag) {
                candidates.push(tag);
            }
        }
        for tag in candidates {
            let url = self.url(&["repos", &repo.owner, &repo.name, "releases", "tags", &tag]);
            match self.get_json::<ApiRelease>(&url).await {
                // A tag the user wrote exactly may name a prerelease. The answer must be the
                // release of that tag: a server that answers with another is not taken at its
                // word.
                Ok(release) if !release.draft && release.tag_name == tag => {
                    return Ok(Some(release));
                }
                Ok(_) => {}
                Err(err) if is_not_found(&err) => {}
                Err(err) => return Err(explain(err, self.http.has_token())),
            }
        }
        if matches!(req, VersionReq::Tag(_)) {
            return Ok(None);
        }
        // Page through the releases (GitHub lists the newest created first) for the highest
        // version that fits: the newest for `@1.2`, a prefixed tag (`tool-1.2.3`) for
        // `@1.2.3`, the newest for `--pre`. Creation order is not version order (a backport
        // `v1.9.8` made after `v1.10.2`), so the search goes on past a page with matches as
        // long as the page holds a version higher than the best so far.
        let allow_pre = pre || req.names_prerelease();
        let mut matches: Vec<(Version, ApiRelease)> = Vec::new();
        let mut searched_all = false;
        let mut seen = 0;
        for page in 1..=MAX_PAGES {
            let mut url = self.url(&["repos", &repo.owner, &repo.name, "releases"]);
            url.query_pairs_mut()
                .append_pair("per_page", &PER_PAGE.to_string())
                .append_pair("page", &page.to_string());
            let (releases, paging): (Vec<ApiRelease>, _) = match self.get_page(&url).await {
                Ok(page) => page,
                Err(err) if is_not_found(&err) => return Ok(None),
                Err(err) => return Err(explain(err, self.http.has_token())),
            };
            let count = releases.len();
            seen += count;
            let best_before = matches.iter().map(|(v, _)| v).max().cloned();
            let mut matched_here = false;
            let mut page_max: Option<Version> = None;
            for release in releases {
                if release.draft
                    || (release.prerelease && !allow_pre)
                    || !release.tag_name.starts_with(prefix)
                {
                    continue;
                }
                // The version follows the prefix (`tool2-v1.3.0` is 1.3.0, not 2).
                let bare = &release.tag_name[prefix.len()..];
                let Some(version) = Version::from_tag(bare) else {
                    continue;
                };
                // A `-rc.1` the release does not flag is a prerelease all the same.
                if version.named_prerelease() && !allow_pre {
                    continue;
                }
                if page_max.as_ref().is_none_or(|max| version > *max) {
                    page_max = Some(version.clone());
                }
                if req.matches(bare) {
                    matched_here = true;
                    matches.push((version, release));
                }
            }
            // The newest releases hold the latest: the first page with a fit has it. Past a
            // page whose versions are all below the best found, older pages hold older ones.
            // An exact version above everything on a page is not on the older pages either
            // (a mistyped `@9.9.9` costs one page, not ten).
            let passed = match req {
                VersionReq::Exact(want) => page_max.as_ref().is_some_and(|max| max < want),
                _ => false,
            };
            let below_best = best_before
                .as_ref()
                .is_some_and(|best| page_max.as_ref().is_none_or(|max| max <= best));
            // A server that caps `per_page` below what was asked (Gitea, some proxies) says in
            // its `Link` header that more pages follow; without one, a short page is the last.
            let last = match paging {
                Paging::More => count == 0,
                Paging::Last => true,
                Paging::Unstated => count < PER_PAGE,
            };
            let done =
                last || passed || below_best || (matches!(req, VersionReq::Latest) && matched_here);
            if done {
                searched_all = true;
                break;
            }
        }
        if matches.is_empty() && !searched_all {
            // Older releases than the newest ten pages are not looked at: say so, and how to
            // reach one.
            return Err(UserError::new(format!(
                "no release of `{repo}` among its newest {seen} matches `{req}`"
            ))
            .caused_by(format!(
                "haul looks through {MAX_PAGES} pages of releases for a series or range"
            ))
            .hint("name the release by its whole tag (`@TAG`), which is looked up directly")
            .into());
        }
        one_product(matches, prefix)
    }

    /// Why nothing was found: no such repository, no releases at all, or none that fit.
    /// The recent releases it lists are those of the product (`prefix`) asked for.
    async fn not_found(
        &self,
        repo: &Repo,
        req: &VersionReq,
        pre: bool,
        prefix: &str,
    ) -> anyhow::Error {
        let url = self.url(&["repos", &repo.owner, &repo.name]);
        match self.http.get_text(url.as_str(), ACCEPT_JSON).await {
            Err(err) if is_not_found(&err) => {
                let mut hint = if self.http.has_token() {
                    "check the spelling of OWNER/REPO, and that the token can read it".to_owned()
                } else {
                    "check the spelling of OWNER/REPO; a private repository needs a token in `HAUL_GITHUB_TOKEN`".to_owned()
                };
                if self.http.api_url().as_str().trim_end_matches('/') != DEFAULT_API {
                    let api = crate::redact::parsed_url(self.http.api_url());
                    hint = format!(
                        "{hint}; and that `HAUL_GITHUB_API_URL` (or `github-api-url`) points at a GitHub REST API (it is `{}`)",
                        api.trim_end_matches('/')
                    );
                }
                return UserError::new(format!("no GitHub repository `{repo}`"))
                    .caused_by(format!(
                        "`{}` answered 404",
                        crate::redact::parsed_url(&url)
                    ))
                    .hint(hint)
                    .into();
            }
            Err(err) => return explain(err, self.http.has_token()),
            Ok(_) => {}
        }
        let mut recent_url = self.url(&["repos", &repo.owner, &repo.name, "releases"]);
        recent_url.query_pairs_mut().append_pair("per_page", "10");
        let recent = self
            .get_json::<Vec<ApiRelease>>(&recent_url)
            .await
            .unwrap_or_default();
        let only_prereleases = !pre
            && recent.iter().any(|r| {
                !r.draft
                    && r.prerelease
                    && r.tag_name
                        .strip_prefix(prefix)
                        .is_some_and(|bare| req.matches(bare))
            });
        let recent: Vec<String> = recent
            .into_iter()
            .filter(|r| !r.draft && r.tag_name.starts_with(prefix))
            .map(|r| crate::error::shown(&r.tag_name).into_owned())
            .collect();
        match req {
            // No release at all says so, whatever was asked for.
            _ if recent.is_empty() => UserError::new(format!("`{repo}` has no published release"))
                .caused_by("the repository has no releases with downloads")
                .into(),
            VersionReq::Latest => UserError::new(format!("`{repo}` has no published release"))
                .caused_by(format!("recent releases: {}", recent.join(", ")))
                .hint(
                    "only prereleases and drafts exist; pass `--pre`, or pick one with `@VERSION`",
                )
                .into(),
            _ => Failure::NoMatchingRelease {
                origin: repo.to_string(),
                req: req.to_string(),
                recent,
                only_prereleases,
            }
            .into(),
        }
    }
}

/// The product part of a tag, before its version (`cli/` for `cli/v1.2.3`, nothing for
/// `v1.2.3` and `1.2.3`, `jq-` for `jq-1.6`), lowercase and without the `v`.
fn product_of(tag: &str) -> String {
    let start = tag.find(|c: char| c.is_ascii_digit()).unwrap_or(tag.len());
    let product = tag[..start].to_ascii_lowercase();
    product.strip_suffix('v').unwrap_or(&product).to_owned()
}

/// The highest version among `matches`, all of one product. A repository that releases
/// several things (`api/v1.2.3` beside `cli/v1.2.3`) is asked for one: its plain tags
/// (`v1.2.3`) when it has them, otherwise an error naming the products, never whichever
/// version is highest across them. With `prefix` (the catalog's) they are one product already.
fn one_product(
    mut matches: Vec<(Version, ApiRelease)>,
    prefix: &str,
) -> Result<Option<ApiRelease>> {
    if prefix.is_empty() {
        if matches
            .iter()
            .any(|(_, r)| product_of(&r.tag_name).is_empty())
        {
            matches.retain(|(_, r)| product_of(&r.tag_name).is_empty());
        }
        let mut products: Vec<String> = matches
            .iter()
            .map(|(_, r)| product_of(&r.tag_name))
            .collect();
        products.sort();
        products.dedup();
        if products.len() > 1 {
            let mut tags: Vec<String> = Vec::new();
            for product in &products {
                if let Some((_, r)) = matches
                    .iter()
                    .filter(|(_, r)| product_of(&r.tag_name) == *product)
                    .max_by(|a, b| a.0.cmp(&b.0))
                {
                    tags.push(crate::error::shown(&r.tag_name).into_owned());
                }
            }
            return Err(UserError::new(
                "the repository releases several things under tags of different forms",
            )
            .caused_by(format!("the newest of each: {}", tags.join(", ")))
            .hint(format!(
                "name the release with its whole tag, e.g. `@{}`",
                tags.first().map_or("TAG", String::as_str)
            ))
            .exit(crate::error::ExitCode::Usage)
            .into());
        }
    }
    // Of equal versions, the one made last (listed first).
    Ok(matches
        .into_iter()
        .rev()
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, release)| release))
}

/// `OWNER/REPO` from an API URL `…/repos/OWNER/REPO/…`.
fn repo_in_api_url(url: &str) -> Option<String> {
    let path = Url::parse(url).ok()?;
    let mut segments = path.path_segments()?;
    segments.find(|s| *s == "repos")?;
    let (owner, name) = (segments.next()?, segments.next()?);
    (!owner.is_empty() && !name.is_empty()).then(|| format!("{owner}/{name}"))
}

/// Whether a release's tag names it a prerelease (`v2.0.0-rc.1`), flagged or not.
fn named_pre(release: &ApiRelease) -> bool {
    Version::from_tag(&release.tag_name).is_some_and(|v| v.named_prerelease())
}

fn is_not_found(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<HttpError>(),
        Some(HttpError::NotFound { .. })
    )
}

/// Turn an API failure into an error that says what to do.
pub fn explain(err: anyhow::Error, has_token: bool) -> anyhow::Error {
    match err.downcast_ref::<HttpError>() {
        Some(HttpError::RateLimited { reset, .. }) => rate_limited(*reset, has_token).into(),
        Some(HttpError::Unauthorized { .. }) => token_refused(err.to_string(), has_token).into(),
        _ => err,
    }
}

/// The rate limit is used up: when it resets (seconds since the Unix epoch), and what to do.
pub fn rate_limited(reset: Option<u64>, has_token: bool) -> UserError {
    let mut error = UserError::new("the GitHub API rate limit is exhausted");
    if let Some(reset) = reset {
        error = error.caused_by(describe_reset(reset, now_unix()));
    }
    let hint = if has_token {
        "wait for the reset, or use a token with a higher limit"
    } else {
        "set `HAUL_GITHUB_TOKEN` (or `GITHUB_TOKEN`, `GH_TOKEN`) to a GitHub token: the limit is 60 requests an hour without one, 5000 with one"
    };
    error.hint(hint)
}

/// The API answered 401: to the token, or, with none (GitHub Enterprise, a proxy that
/// authenticates), asking for one.
pub fn token_refused(cause: String, has_token: bool) -> UserError {
    if has_token {
        UserError::new("GitHub refused the token")
            .caused_by(cause)
            .hint("check or renew `HAUL_GITHUB_TOKEN` (or `GITHUB_TOKEN`, `GH_TOKEN`)")
    } else {
        UserError::new("the GitHub API asks for a token, and none is set")
            .caused_by(cause)
            .hint("set `HAUL_GITHUB_TOKEN` (or `GITHUB_TOKEN`, `GH_TOKEN`) to a token for this API")
    }
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// "the limit resets at 14:05 UTC (in 12 minutes)".
pub fn describe_reset(reset: u64, now: u64) -> String {
    let seconds_of_day = reset % 86_400;
    let (hour, minute) = (seconds_of_day / 3600, seconds_of_day % 3600 / 60);
    let wait = reset.saturating_sub(now);
    let wait = if wait < 60 {
        "in less than a minute".to_owned()
    } else {
        let minutes = wait.div_ceil(60);
        format!("in {minutes} minute{}", if minutes == 1 { "" } else { "s" })
    };
    format!("the limit resets at {hour:02}:{minute:02} UTC ({wait})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_when_the_limit_resets() {
        // 2026-11-23 14:05:00 UTC
        let reset = 1_795_442_700;
        assert_eq!(
            describe_reset(reset, reset - 12 * 60),
            "the limit resets at 14:05 UTC (in 12 minutes)"
        );
        assert_eq!(
            describe_reset(reset, reset - 30),
            "the limit resets at 14:05 UTC (in less than a minute)"
        );
        assert_eq!(
            describe_reset(reset, reset - 61),
            "the limit resets at 14:05 UTC (in 2 minutes)"
        );
    }

    #[test]
    fn api_urls_keep_the_base_path_and_escape_tags() {
        let http = Http::new(&crate::fetch::Config {
            api_url: "https://ghe.example.com/api/v3/".to_owned(),
            ..crate::fetch::Config::default()
        })
        .unwrap();
        let github = GitHub { http: &http };
        assert_eq!(
            github
                .url(&["repos", "o", "r", "releases", "tags", "cli/v1.0+x"])
                .as_str(),
            "https://ghe.example.com/api/v3/repos/o/r/releases/tags/cli%2Fv1.0+x"
        );
    }

    #[test]
    fn parses_a_github_release() {
        let json = r#"{"tag_name":"v1.2.3","draft":false,"prerelease":false,"html_url":"x",
            "assets":[{"name":"a.tar.gz","browser_download_url":"https://x/a.tar.gz","size":5,
            "digest":"sha256:00","content_type":"application/gzip"}]}"#;
        let release: Release = serde_json::from_str::<ApiRelease>(json).unwrap().into();
        assert_eq!(release.tag, "v1.2.3");
        assert_eq!(release.version.unwrap().parts, vec![1, 2, 3]);
        assert_eq!(release.assets[0].digest.as_deref(), Some("sha256:00"));
    }

    #[test]
    fn finds_the_repository_in_an_api_url() {
        assert_eq!(
            repo_in_api_url("https://api.github.com/repos/new-owner/tool/releases/1").as_deref(),
            Some("new-owner/tool")
        );
        assert_eq!(
            repo_in_api_url("https://ghe.example/api/v3/repos/o/r/releases/9").as_deref(),
            Some("o/r")
        );
        assert_eq!(
            repo_in_api_url("https://api.github.com/repositories/12/releases/1"),
            None
        );
        assert_eq!(repo_in_api_url("not a url"), None);
    }
}
