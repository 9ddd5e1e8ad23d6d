//! `haul self update`: which release of haul to move to, and replacing the running executable
//! with that release's archive for this platform, on the `self_update` crate.
//!
//! The repository haul is released from is named here and nowhere else. The release is found
//! through haul's own GitHub source (the same API URL, token, rate-limit errors and version
//! syntax as `haul install`); the `self_update` crate then fetches that exact tag, downloads the
//! archive named exactly after this build's target, checks it against the release's `sha256.sum`
//! and the API's digest, and replaces the executable in place (self-replace, which also handles
//! a running `.exe` on Windows). Nothing is replaced unless every check passes.

pub mod installation;

use std::path::Path;

use ::self_update as updater;
use anyhow::Result;
use updater::backends::github;

use crate::error::{ExitCode, UserError};
use crate::fetch::{Http, Progress};
use crate::request::spec::Repo;
use crate::request::version::{Version, VersionReq};
use crate::resolve::github::GitHub;
use crate::resolve::release::Release;

/// The repository haul's releases are published from (Cargo.toml's `repository` says the same,
/// and a test holds the two together).
pub const OWNER: &str = "haul-cli";
pub const NAME: &str = "haul";
/// The release-wide checksum file cargo-dist publishes.
pub const SUMS_FILE: &str = "sha256.sum";

pub fn repo() -> Repo {
    Repo {
        owner: OWNER.to_owned(),
        name: NAME.to_owned(),
    }
}

/// The Rust target triple this haul was built for; its release archive is named after it.
pub fn target() -> &'static str {
    updater::get_target()
}

/// The archive cargo-dist builds for `target`. Matched exactly, never as a pattern: the
/// `.sha256` file beside it, and other targets, start with the same text.
pub fn archive_name(target: &str) -> String {
    if target.contains("windows") {
        format!("haul-{target}.zip")
    } else {
        format!("haul-{target}.tar.xz")
    }
}

/// Where the executable sits in the archive: `haul-TARGET/haul` on Unix; Windows zips are flat.
/// `{{ target }}` and `{{ bin }}` are filled in by `self_update`.
fn path_in_archive(target: &str) -> &'static str {
    if target.contains("windows") {
        "{{ bin }}"
    } else {
        "haul-{{ target }}/{{ bin }}"
    }
}

/// This haul's version.
pub fn current_version() -> Version {
    Version::from_tag(env!("CARGO_PKG_VERSION")).unwrap_or(Version {
        parts: vec![0],
        pre: None,
    })
}

/// What to do, given the running version and the release found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing: the release is this version, or (unless asked for by `--version`) older.
    UpToDate,
    Upgrade,
    /// Only when the older version was asked for explicitly.
    Downgrade,
}

pub fn decide(current: &Version, release: &Version, explicit: bool) -> Decision {
    match release.cmp(current) {
        std::cmp::Ordering::Greater => Decision::Upgrade,
        std::cmp::Ordering::Less if explicit => Decision::Downgrade,
        _ => Decision::UpToDate,
    }
}

/// The release `--version` names, or the latest (drafts and prereleases never count as latest).
pub async fn find(http: &Http, version: Option<&str>) -> Result<(Release, Version)> {
    let req = match version {
        Some(text) => VersionReq::parse(text)?,
        None => VersionReq::Latest,
    };
    let release = GitHub { http }.release(&repo(), &req, false).await?;
    let Some(found) = release.version.clone() else {
        return Err(UserError::new(format!(
            "the release `{}` of `{}` names no version",
            release.tag,
            repo()
        ))
        .hint("pass `--version` with a version such as 0.3.1")
        .into());
    };
    Ok((release, found))
}

/// What vouches for the archive before it replaces haul: always `sha256.sum`, and GitHub's
/// digest when the API gives one. Refuses a release that lacks the archive or the sums file.
pub fn check_release(release: &Release) -> Result<Vec<&'static str>, UserError> {
    let archive = archive_name(target());
    let Some(asset) = release.asset(&archive) else {
        let names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
        return Err(UserError::new(format!(
            "haul {} has no build for `{}`",
            release.tag,
            target()
        ))
        .caused_by(format!(
            "looked for `{archive}` among: {}",
            names.join(", ")
        ))
        .hint("pick another release with `--version`, or build haul from source"));
    };
    if release.asset(SUMS_FILE).is_none() {
        return Err(UserError::new(format!(
            "haul {} publishes no `{SUMS_FILE}`, so `{archive}` cannot be verified",
            release.tag
        ))
        .hint("haul was not changed; a release without checksums is never installed")
        .exit(ExitCode::Verification));
    }
    let mut by = vec![SUMS_FILE];
    if asset
        .digest
        .as_deref()
        .is_some_and(|d| d.starts_with("sha256:"))
    {
        by.push("api-digest");
    }
    Ok(by)
}

/// Refuse early, with a way out, when the directory of the executable cannot be written: the
/// replacement is a rename next to it.
pub fn check_writable(exe: &Path) -> Result<(), UserError> {
    let dir = exe.parent().unwrap_or(Path::new("."));
    match tempfile::Builder::new()
        .prefix(".haul-update-")
        .tempfile_in(dir)
    {
        Ok(_) => Ok(()),
        Err(err) => Err(UserError::new(format!(
            "haul cannot replace itself: `{}` is not writable",
            dir.display()
        ))
        .caused_by(err.to_string())
        .hint(format!(
            "run it as a user who may write there (for example with sudo), or reinstall haul with its installer: {INSTALLER}"
        ))),
    }
}

const INSTALLER: &str = if cfg!(windows) {
    "`powershell -ExecutionPolicy Bypass -c \"irm https://github.com/haul-cli/haul/releases/latest/download/haul-installer.ps1 | iex\"`"
} else {
    "`curl --proto '=https' --tlsv1.2 -LsSf https://github.com/haul-cli/haul/releases/latest/download/haul-installer.sh | sh`"
};

/// Where to reach the release and how to report progress.
pub struct Replacement<'a> {
    pub http: &'a Http,
    pub api_url: &'a str,
    pub token: Option<&'a str>,
    pub tag: &'a str,
    pub progress: std::sync::Arc<dyn Progress + Send>,
}

/// Replace the running executable with the archive of release `tag` for this target, after
/// checking it against the release's `sha256.sum` and the API digest. Returns the version now
/// installed.
pub async fn replace(r: Replacement<'_>) -> Result<String> {
    let target = target();
    let archive = archive_name(target);
    let wanted = archive.clone();
    let progress = std::sync::Arc::clone(&r.progress);
    let mut builder = github::Update::configure();
    builder
        .repo_owner(OWNER)
        .repo_name(NAME)
        .api_base_url(r.api_url)
        .release_tag(r.tag)
        .target(target)
        .bin_name("haul")
        .bin_path_in_archive(path_in_archive(target))
        .current_version(env!("CARGO_PKG_VERSION"))
        .asset_matcher(move |assets| assets.iter().find(|a| a.name() == wanted).cloned())
        .checksum_from_asset(SUMS_FILE)
        .verify_release_digest(true)
        // haul asks its own question (on stderr) and prints its own messages; stdout is data.
        .no_confirm(true)
        .show_output(false)
        .show_download_progress(false)
        .progress_callback(move |done, total| {
            if let Some(total) = total {
                progress.set_length(total);
            }
            progress.set_position(done);
        })
        // The client every other request uses: ring, the same roots, timeouts and proxies.
        .reqwest_async_client(r.http.client().clone())
        .request_header("user-agent", concat!("haul/", env!("CARGO_PKG_VERSION")))
        .retries(3);
    if let Some(token) = r.token {
        builder.auth_token(token);
        if r.api_url.starts_with("http://") {
            // haul sends the token to the API's origin whatever its scheme (an `http://` API is
            // the user's own choice in `HAUL_GITHUB_API_URL`); self_update would hold it back.
            builder.dangerously_allow_non_https_auth_forwarding();
        }
    }
    let status = builder
        .build_async()
        .map_err(|err| explain(&err, r.tag, &archive, r.token.is_some()))?
        .update_extended_async()
        .await
        .map_err(|err| explain(&err, r.tag, &archive, r.token.is_some()))?;
    match status {
        updater::update::ReleaseStatus::Updated(release) => Ok(release.version().to_owned()),
        _ => Err(UserError::new(format!("haul {} was not installed", r.tag)).into()),
    }
}

/// Turn a `self_update` error into one that says what happened and what to do.
fn explain(err: &updater::Error, tag: &str, archive: &str, has_token: bool) -> anyhow::Error {
    use updater::Error as E;
    let cause = err.to_string();
    let error = match err {
        E::ChecksumMismatch { expected, computed, .. } => {
            UserError::new(format!("checksum mismatch for `{archive}` of haul {tag}"))
                .caused_by(format!("expected {expected} (from `{SUMS_FILE}` or the API digest)"))
                .caused_by(format!("got      {computed}"))
                .hint("haul was not changed; the download or the release is corrupt or was tampered with")
                .exit(ExitCode::Verification)
        }
        E::ChecksumSourceInvalid { .. } => {
            UserError::new(format!("no checksum for `{archive}` in haul {tag}"))
                .caused_by(cause)
                .hint("haul was not changed; a release without checksums is never installed")
                .exit(ExitCode::Verification)
        }
        E::InvalidResponse { .. } if cause.contains("digest") => {
            UserError::new(format!("the API's digest for `{archive}` cannot be read"))
                .caused_by(cause)
                .hint("haul was not changed")
                .exit(ExitCode::Verification)
        }
        E::InstallPathNotWritable { path, .. } => UserError::new(format!(
            "haul cannot replace itself: `{}` is not writable",
            path.display()
        ))
        .hint(format!(
            "run it as a user who may write there, or reinstall haul with its installer: {INSTALLER}"
        )),
        E::NoReleaseFound { .. } | E::NotFound { .. } => {
            UserError::new(format!("haul {tag} or its `{archive}` was not found"))
                .caused_by(cause)
                .hint("see the releases with `haul info haul-cli/haul`")
        }
        // The same messages as every other GitHub request.
        E::RateLimited { reset_at, .. } => {
            let reset = reset_at
                .and_then(|at| at.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            crate::resolve::github::rate_limited(reset, has_token)
        }
        E::Unauthorized { .. } => crate::resolve::github::token_refused(cause),
        _ => UserError::new(format!("updating haul to {tag} failed"))
            .caused_by(cause)
            .hint("haul was not changed unless the message says otherwise; run it again"),
    };
    error.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::release::Asset;

    fn v(text: &str) -> Version {
        Version::from_tag(text).unwrap()
    }

    #[test]
    fn the_repository_is_the_one_cargo_toml_names() {
        assert_eq!(
            env!("CARGO_PKG_REPOSITORY"),
            format!("https://github.com/{OWNER}/{NAME}")
        );
    }

    #[test]
    fn archives_are_named_exactly_after_the_target() {
        assert_eq!(
            archive_name("x86_64-unknown-linux-musl"),
            "haul-x86_64-unknown-linux-musl.tar.xz"
        );
        assert_eq!(
            archive_name("aarch64-pc-windows-msvc"),
            "haul-aarch64-pc-windows-msvc.zip"
        );
        assert_eq!(
            path_in_archive("aarch64-apple-darwin"),
            "haul-{{ target }}/{{ bin }}"
        );
        assert_eq!(path_in_archive("x86_64-pc-windows-msvc"), "{{ bin }}");
        assert!(target().contains(std::env::consts::ARCH));
    }

    #[test]
    fn never_downgrades_unless_asked() {
        let cases = [
            ("0.1.0", "0.2.0", false, Decision::Upgrade),
            ("0.1.0", "0.1.0", false, Decision::UpToDate),
            ("0.3.0", "0.2.0", false, Decision::UpToDate),
            ("0.3.0-dev", "0.2.0", false, Decision::UpToDate),
            ("0.3.0-rc.1", "0.3.0", false, Decision::Upgrade),
            ("0.3.0", "0.2.0", true, Decision::Downgrade),
            ("0.2.0", "0.2.0", true, Decision::UpToDate),
            ("0.2.0", "0.10.0", true, Decision::Upgrade),
        ];
        for (current, release, explicit, want) in cases {
            assert_eq!(
                decide(&v(current), &v(release), explicit),
                want,
                "{current} -> {release} explicit={explicit}"
            );
        }
    }

    fn release(names: &[(&str, Option<&str>)]) -> Release {
        Release {
            tag: "v9.0.0".to_owned(),
            version: Some(v("9.0.0")),
            prerelease: false,
            assets: names
                .iter()
                .map(|(name, digest)| Asset {
                    name: (*name).to_owned(),
                    url: format!("http://127.0.0.1/{name}"),
                    size: 1,
                    digest: digest.map(str::to_owned),
                })
                .collect(),
        }
    }

    #[test]
    fn a_release_needs_this_archive_and_its_sums() {
        let archive = archive_name(target());
        let sha = format!("{archive}.sha256");
        let full = release(&[
            (&sha, None),
            (&archive, Some("sha256:ab")),
            ("sha256.sum", None),
        ]);
        assert_eq!(
            check_release(&full).unwrap(),
            vec!["sha256.sum", "api-digest"]
        );
        let no_digest = release(&[(&archive, None), ("sha256.sum", None)]);
        assert_eq!(check_release(&no_digest).unwrap(), vec!["sha256.sum"]);
        // The `.sha256` file starts with the archive's name; it is not the archive.
        let only_sha = release(&[(&sha, None), ("sha256.sum", None)]);
        assert!(
            check_release(&only_sha)
                .unwrap_err()
                .message
                .contains("has no build")
        );
        let no_sums = release(&[(&archive, Some("sha256:ab"))]);
        assert_eq!(
            check_release(&no_sums).unwrap_err().exit,
            ExitCode::Verification
        );
    }

    #[test]
    fn a_read_only_directory_is_refused_before_anything_happens() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_writable(&dir.path().join("haul")).is_ok());
        let missing = dir.path().join("missing").join("haul");
        let err = check_writable(&missing).unwrap_err();
        assert!(err.message.contains("is not writable"), "{}", err.message);
    }
}
