//! `haul mirror DIR`: download every file `haul.lock` pins, for every locked platform, and the
//! checksum files that vouched for them, into DIR laid out by URL
//! (`DIR/github.com/OWNER/REPO/releases/download/TAG/ASSET`; a port other than the scheme's
//! goes after the host as `HOST_PORT`). Any static HTTP server serving DIR is then a mirror:
//! one rule per host (`HAUL_MIRRORS="https://github.com/=https://mirror.example/github.com/"`)
//! and `haul sync` needs nothing else. Every file is checked against the lock before it is
//! kept; a file already there with the right hash is not fetched again.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use bytes::Bytes;
use futures_util::StreamExt as _;

use crate::cli::MirrorArgs;
use crate::context::{self, Context};
use crate::error::{ExitCode, UserError};
use crate::fetch::Http;
use crate::names::{self, NameKind};
use crate::project::{Project, lock};
use crate::units::{count, size};
use crate::verify::{Algorithm, Digest, FileKind, Hasher};

/// One file to mirror: its URL, and the digests it must have: its SHA-256, and its SHA-512
/// too where one verified it when it was locked (`sync` checks both); none for a checksum
/// file, which vouches for others.
#[derive(Debug, Clone, PartialEq, Eq)]
struct File {
    url: String,
    size: Option<u64>,
    pins: Vec<Digest>,
    /// For a checksum file: the files it vouched for when they were locked, each with its
    /// locked digests, and how to read it when its name does not say (a catalog template's
    /// file, read as an install reads it). It is kept only where it still names each with
    /// those.
    vouches: Vec<(String, Vec<Digest>, Option<FileKind>)>,
}

impl File {
    /// Whether the lock pins its bytes (it is not a checksum file).
    fn pinned(&self) -> bool {
        !self.pins.is_empty()
    }

    /// The algorithms a download of it is hashed with.
    fn algorithms(&self) -> Vec<Algorithm> {
        let mut out = vec![Algorithm::Sha256];
        out.extend(
            self.pins
                .iter()
                .map(Digest::algorithm)
                .filter(|a| *a != Algorithm::Sha256),
        );
        out
    }

    /// The first digest the lock pins that `hashes` does not have: (expected, got).
    fn mismatch(&self, hashes: &crate::verify::Hashes) -> Option<(String, String)> {
        self.pins.iter().find_map(|want| {
            let algorithm = want.algorithm();
            let got = hashes.get(algorithm);
            (got != Some(want)).then(|| {
                (
                    format!("{algorithm}:{}", want.hex()),
                    format!("{algorithm}:{}", got.map_or("", Digest::hex)),
                )
            })
        })
    }
}

/// The digest `hex` of `algorithm` the lock pins for `url`; a malformed one is refused as
/// `sync` refuses it.
fn pin(algorithm: Algorithm, hex: &str, url: &str) -> Result<Digest, UserError> {
    Digest::new(algorithm, hex)
        .ok_or_else(|| lock::malformed(&algorithm.to_string(), &crate::redact::url(url)))
}

pub fn mirror(args: &MirrorArgs, ctx: &Context) -> Result<ExitCode> {
    let project = Project::require(&ctx.settings.cwd)?;
    let Some(lock) = &project.lock else {
        return Err(
            UserError::new(format!("{} has no {}", project.dir.display(), lock::FILE))
                .hint("run `haul lock` first")
                .into(),
        );
    };
    crate::commands::lock::warn_if_stale(ctx, &project, lock)?;
    // An entry that is not the tool haul.toml names may name any template: for it, no
    // checksum file is taken from where a template puts it.
    let catalog = ctx.catalog()?;
    let expected = crate::commands::lock::expected_of(&catalog);
    let wanted = project.manifest.wanted();
    // The tool haul.toml names (its source and name), whatever else was edited since it was
    // locked (the requirement, `bin`, `pre`): which template places its checksum file.
    let current: Vec<&str> = lock
        .tools
        .iter()
        .filter(|tool| {
            wanted
                .iter()
                .find(|w| w.key == tool.key)
                .is_some_and(|want| tool.is_tool_of(expected(want).as_ref()))
        })
        .map(|tool| tool.key.as_str())
        .collect();
    let files = files_of(lock, &catalog, &current)?;
    let dir = &args.dir;
    fs_err::create_dir_all(dir)?;
    sweep_partial_files(dir);
    let jobs = args.jobs.map_or(ctx.settings.jobs, usize::from);
    // The lock names what is fetched, and what comes back is written into a directory meant
    // to be served. A file the lock pins a hash for is written only when it has that hash; a
    // checksum file is written as it comes, so its request never carries the GitHub token (a
    // lock naming an API URL would otherwise put an authenticated answer in the mirror).
    let pinned = ctx.http()?;
    let anonymous = ctx.http()?.without_token();
    // Ctrl-C stops every download; each file is written under a temporary name and renamed
    // into place whole, so what is there is whole, and what was not finished is gone.
    let all = async {
        let results: Vec<(String, Result<Option<u64>>)> = futures_util::stream::iter(files.iter())
            .map(|file| {
                let http = if file.pinned() { &pinned } else { &anonymous };
                async move { (file.url.clone(), fetch(http, dir, file).await) }
            })
            .buffer_unordered(jobs.max(1))
            .collect()
            .await;
        Ok(results)
    };
    let results = context::runtime()?.block_on(crate::install::stop::unless_interrupted(
        all,
        || {
            UserError::new(format!(
                "interrupted; the files already in `{}` are whole, and running it again fetches the rest",
                dir.display()
            ))
        },
    ))?;
    let (mut fetched, mut kept, mut bytes, mut failed) = (0, 0, 0, Vec::new());
    for (url, result) in results {
        match result {
            Ok(Some(n)) => {
                fetched += 1;
                bytes += n;
            }
            Ok(None) => kept += 1,
            Err(err) => {
                ctx.printer
                    .report(&format!("error: {}", crate::redact::url(&url)), &err);
                failed.push(crate::error::exit_code_of(&err));
            }
        }
    }
    ctx.printer.status(
        "Mirrored",
        &format!(
            "{} into `{}` ({fetched} fetched, {}; {kept} already there)",
            count(fetched + kept, "file"),
            dir.display(),
            size(bytes)
        ),
    );
    if failed.is_empty() {
        Ok(ExitCode::Success)
    } else {
        // Every file refused for its hash is a failed verification (exit 4), as for sync.
        let exit = if failed.iter().all(|code| *code == ExitCode::Verification) {
            ExitCode::Verification
        } else {
            ExitCode::Failure
        };
        Err(UserError::new(format!(
            "{} could not be mirrored",
            count(failed.len(), "file")
        ))
        .hint("the reasons are above; what was fetched is kept, and a second run fetches the rest")
        .exit(exit)
        .into())
    }
}

/// Every file the lock pins (one entry per URL) and the checksum files that vouched for them,
/// each with its place in the mirror; a lock no mirror can satisfy is refused.
/// `catalog`'s templates say where a tool's checksum file may be, for the entries `current`
/// names (those that are what haul.toml asks).
fn files_of(
    lock: &lock::Lock,
    catalog: &crate::catalog::Catalog,
    current: &[&str],
) -> Result<Vec<File>, UserError> {
    lock.two_hashes()?;
    let mut files: Vec<File> = Vec::new();
    for tool in &lock.tools {
        // A catalog tool's checksum file is where its template says (it may be on another
        // host than its downloads).
        let template = current
            .contains(&tool.key.as_str())
            .then(|| tool.tool(catalog).ok())
            .flatten()
            .and_then(|t| match t.source {
                crate::request::tool::ToolSource::Template(template) => Some(template),
                crate::request::tool::ToolSource::GitHub(_) => None,
            });
        for (platform, artifacts) in &tool.platforms {
            let from_template = |url: &str| {
                let (Some(template), Ok(platform)) = (&template, platform.parse()) else {
                    return false;
                };
                crate::resolve::template::release_for(template, &tool.tag, platform)
                    .assets
                    .iter()
                    .any(|asset| asset.url == url)
            };
            for artifact in artifacts {
                let mut pins = vec![pin(Algorithm::Sha256, &artifact.sha256, &artifact.url)?];
                if let Some(hex) = &artifact.sha512 {
                    pins.push(pin(Algorithm::Sha512, hex, &artifact.url)?);
                }
                if let Some(url) = &artifact.checksum_url {
                    let kind = if from_template(url) {
                        Some(FileKind::Single)
                    } else {
                        same_origin(url, &artifact.url, &artifact.asset)?;
                        None
                    };
                    files.push(File {
                        url: url.clone(),
                        size: None,
                        pins: Vec::new(),
                        vouches: vec![(artifact.asset.clone(), pins.clone(), kind)],
                    });
                }
                files.push(File {
                    url: artifact.url.clone(),
                    size: artifact.size,
                    pins,
                    vouches: Vec::new(),
                });
            }
        }
    }
    // One entry per URL, with every pin any entry of it gives (`two_hashes` made sure they
    // agree): a file the lock pins a hash for wins over the same URL as a checksum file.
    files.sort_by(|a, b| {
        a.url
            .cmp(&b.url)
            .then(a.pins.is_empty().cmp(&b.pins.is_empty()))
    });
    files.dedup_by(|later, kept| {
        if later.url != kept.url {
            return false;
        }
        for digest in later.pins.drain(..) {
            if !kept
                .pins
                .iter()
                .any(|d| d.algorithm() == digest.algorithm())
            {
                kept.pins.push(digest);
            }
        }
        kept.size = kept.size.or(later.size);
        kept.vouches.append(&mut later.vouches);
        true
    });
    same_place(&files)?;
    Ok(files)
}

/// A checksum file comes from where the file it vouched for does (scheme, host and port):
/// a lock naming another host for it would have the mirroring machine fetch, and publish,
/// what only it can reach.
fn same_origin(checksum_url: &str, url: &str, asset: &str) -> Result<(), UserError> {
    let parse = |url: &str| reqwest::Url::parse(url).ok();
    match (parse(checksum_url), parse(url)) {
        (Some(a), Some(b)) if crate::fetch::same_origin(&a, &b) => Ok(()),
        _ => Err(UserError::new(format!(
            "{}'s checksum file for `{asset}` is not where the file is (`{}`, `{}`)",
            lock::FILE,
            crate::redact::url(checksum_url),
            crate::redact::url(url)
        ))
        .hint(lock::relock_hint())
        .exit(ExitCode::Verification)),
    }
}

/// Whether `text`, the checksum file at `url`, still names every file it vouched for with its
/// locked digest (read as an install reads it); else why not.
fn still_vouches(file: &File, text: &str) -> Result<(), UserError> {
    // The file's name as the release lists it (`gt+1.0.0.sha256` of `gt%2B1.0.0.sha256`).
    let last = file.url.rsplit('/').next().unwrap_or(&file.url);
    let name = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
    let name = name.as_ref();
    for (asset, pins, kind) in &file.vouches {
        let kind = kind.or_else(|| {
            crate::verify::plan(asset, None, &[name])
                .into_iter()
                .find_map(|candidate| match candidate {
                    crate::verify::Candidate::File { kind, .. } => Some(kind),
                    crate::verify::Candidate::Digest(_) => None,
                })
        });
        let found =
            kind.and_then(|kind| crate::verify::find(kind, name, text, asset).ok().flatten());
        let named = found.is_some_and(|digest| pins.contains(&digest));
        if !named {
            return Err(UserError::new(format!(
                "`{}` does not name `{asset}` with the hash haul.lock pins for it",
                crate::redact::url(&file.url)
            ))
            .hint("nothing was written; the server or the release changed since it was locked, or the lock names another file as its checksum file")
            .exit(ExitCode::Verification));
        }
    }
    Ok(())
}

/// Fetch one file into its place under `dir`, checked; `None` when it is there already. A
/// file there that is not what the lock pins is replaced only by a verified download: a lock
/// cannot have haul delete a file it does not give the bytes for.
async fn fetch(http: &Http, dir: &Path, file: &File) -> Result<Option<u64>> {
    let within = place(&file.url)?;
    no_links_within(dir, &within)?;
    let path = dir.join(&within);
    let there = std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_file());
    if !file.pinned() {
        return fetch_checksum_file(http, dir, &path, there, file).await;
    }
    if there {
        let hashes = crate::install::hash_file(&path, Hasher::new(&file.algorithms()))?;
        if file.mismatch(&hashes).is_none() {
            return Ok(None);
        }
    }
    let parent = path.parent().unwrap_or(dir);
    fs_err::create_dir_all(parent)?;
    let mut temp: Option<tempfile::NamedTempFile> = None;
    let mut hasher = Hasher::new(&file.algorithms());
    let got = http
        .download(&file.url, file.size, &(), async |chunk: Bytes| {
            hasher.update(&chunk);
            write_partial(&mut temp, parent, &chunk)
        })
        .await?;
    if let Some((want, actual)) = file.mismatch(&hasher.finish()) {
        return Err(UserError::new(format!(
            "checksum mismatch for `{}`",
            crate::redact::url(&file.url)
        ))
        .caused_by(format!("expected {want} (from haul.lock)"))
        .caused_by(format!("got      {actual}"))
        .hint("nothing was written; the server or the release changed since it was locked")
        .exit(ExitCode::Verification)
        .into());
    }
    // An empty download made no partial file yet.
    if temp.is_none() {
        write_partial(&mut temp, parent, &[])?;
    }
    let temp = temp.expect("a partial file was made");
    temp.persist(&path)
        .with_context(|| format!("writing `{}`", path.display()))?;
    Ok(Some(got))
}

/// Fetch the checksum file `file` into `path` (`there`: a file is there): kept only where it
/// still names each file it vouched for with its locked digest, and written only when it
/// changed (an up-to-date mirror needs no write). What it would replace stays otherwise: a
/// lock cannot have haul put unchecked bytes in the mirror, nor over a file there.
async fn fetch_checksum_file(
    http: &Http,
    dir: &Path,
    path: &Path,
    there: bool,
    file: &File,
) -> Result<Option<u64>> {
    // Checked as an install reads it; kept as it came (a signature over it still holds).
    let bytes = http
        .get_small(&file.url, "application/octet-stream")
        .await?;
    still_vouches(file, &crate::fetch::decode_text(&bytes))?;
    if there && fs_err::read(path)? == bytes {
        return Ok(None);
    }
    let parent = path.parent().unwrap_or(dir);
    fs_err::create_dir_all(parent)?;
    let mut temp = None;
    write_partial(&mut temp, parent, &bytes)?;
    let temp = temp.expect("a partial file was made");
    temp.persist(path)
        .with_context(|| format!("writing `{}`", path.display()))?;
    Ok(Some(bytes.len() as u64))
}

/// Where a download is written until it is whole and checked: `.haul-partial-XXXXXX` beside
/// its place, locked while it is written, so that a later run can tell what a killed one left.
const PARTIAL: &str = ".haul-partial-";

/// Write `bytes` to the partial file, made (and locked) on the first write.
fn write_partial(
    temp: &mut Option<tempfile::NamedTempFile>,
    parent: &Path,
    bytes: &[u8],
) -> Result<()> {
    if temp.is_none() {
        let mut builder = tempfile::Builder::new();
        builder.prefix(PARTIAL).rand_bytes(6);
        // Readable by everyone (as the umask allows), as files to be served must be: a web
        // server often runs as another user.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let made = builder
            .tempfile_in(parent)
            .with_context(|| format!("writing in `{}`", parent.display()))?;
        made.as_file()
            .lock()
            .with_context(|| format!("locking `{}`", made.path().display()))?;
        *temp = Some(made);
    }
    let file = temp.as_mut().expect("made above");
    file.write_all(bytes).context("writing the download")
}

/// Remove the partial files a killed `haul mirror` left anywhere under `dir` (power cut,
/// `kill -9`): those no running one holds locked. Only that name, and no link is followed;
/// best effort.
fn sweep_partial_files(dir: &Path) {
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(next) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                dirs.push(entry.path());
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if !kind.is_file() || !crate::paths::random_name(&name, PARTIAL) {
                continue;
            }
            if crate::paths::unlocked(&entry.path()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Refuse a symbolic link at any part of `within` under `dir` (planted in a shared mirror):
/// haul writes and replaces files only inside `dir`.
fn no_links_within(dir: &Path, within: &Path) -> Result<(), UserError> {
    match crate::paths::link_within(dir, within) {
        None => Ok(()),
        Some(link) => Err(UserError::new(format!(
            "`{}` is a symbolic link; haul mirror writes only inside `{}`",
            link.display(),
            dir.display()
        ))
        .hint("remove the link, then run `haul mirror` again")),
    }
}

/// Refuse two URLs that would be kept in one place under the mirror (`http://` and
/// `https://` of one path): whichever came last would replace the other, checked or not.
fn same_place(files: &[File]) -> Result<(), UserError> {
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for file in files {
        let path = place(&file.url)?;
        // Spelled as one file where the file system ignores case (Windows, macOS).
        let first = seen
            .iter()
            .find(|(other, _)| names::same_path(other, &path))
            .map(|(_, url)| *url);
        seen.push((path, &file.url));
        if let Some(first) = first {
            return Err(UserError::new(format!(
                "`{}` and `{}` would be kept as one file in the mirror",
                crate::redact::url(first),
                crate::redact::url(&file.url)
            ))
            .hint(format!(
                "{} names the same file by two URLs; run `haul lock` again",
                lock::FILE
            )));
        }
    }
    Ok(())
}

/// Where a URL's file goes under the mirror: `HOST[_PORT]/PATH…`, each part checked as a
/// file name (a URL that climbs out with `..` is refused). A URL with a query or a fragment
/// has no place: the mirror is laid out by path alone.
fn place(url: &str) -> Result<PathBuf, UserError> {
    let parsed = reqwest::Url::parse(url).map_err(|err| {
        UserError::new(format!("`{url}` is not a URL")).caused_by(err.to_string())
    })?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(UserError::new(format!(
            "`{url}` has a query or a fragment, which a mirror directory cannot hold"
        )));
    }
    // An IPv6 address's `:` cannot be in a directory's name on every system: `[--1]` for
    // `[::1]` (brackets are in no host name).
    let host = parsed
        .host_str()
        .ok_or_else(|| UserError::new(format!("`{url}` names no host")))?;
    let host = if host.starts_with('[') {
        host.replace(':', "-")
    } else {
        host.to_owned()
    };
    // The URL is haul.lock's, whoever changed it last: not a release's authors to tell.
    let from_lock = |err: UserError| {
        err.hint(format!(
            "`{url}` in {} names a file in a way that could write outside the mirror; check \
             who changed it, and lock again (`haul lock --upgrade`)",
            crate::project::lock::FILE
        ))
    };
    let mut path = PathBuf::from(match parsed.port() {
        Some(port) => format!("{host}_{port}"),
        None => host,
    });
    names::segment(NameKind::Asset, &path.to_string_lossy()).map_err(from_lock)?;
    for segment in parsed.path_segments().into_iter().flatten() {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned();
        // An encoded `/` (GitHub's `kustomize%2Fv5.4.3` for a tag with a slash) is where a
        // static server looks for it: a directory, each part checked as any other.
        for part in decoded.split('/') {
            names::segment(NameKind::Asset, part).map_err(from_lock)?;
            path.push(part);
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_where_their_urls_say() {
        assert_eq!(
            place("https://github.com/sharkdp/fd/releases/download/v10.2.0/fd-v10.2.0.tar.gz")
                .unwrap(),
            Path::new("github.com/sharkdp/fd/releases/download/v10.2.0/fd-v10.2.0.tar.gz")
        );
        assert_eq!(
            place("http://127.0.0.1:8080/dl/a%20b.zip").unwrap(),
            Path::new("127.0.0.1_8080/dl/a b.zip")
        );
        assert_eq!(
            place("http://[::1]:8080/dl/a.zip").unwrap(),
            Path::new("[--1]_8080/dl/a.zip")
        );
        // A URL's own `..` is resolved by the URL; an encoded `/` cannot make a directory.
        assert_eq!(
            place("https://example.com/a/%2e%2e/b").unwrap(),
            Path::new("example.com/b")
        );
        // An encoded `/` is a directory, as a static server reads it; its parts are checked.
        assert_eq!(
            place("https://github.com/k/k/releases/download/kustomize%2Fv5.4.3/k.tar.gz").unwrap(),
            Path::new("github.com/k/k/releases/download/kustomize/v5.4.3/k.tar.gz")
        );
        let climbs = place("https://example.com/a%2F..%2F..%2Fb").unwrap_err();
        // Said as haul.lock's, not a release's.
        let hint = climbs.hint.as_deref().unwrap_or_default();
        assert!(hint.contains("in haul.lock"), "{climbs:?}");
        assert!(!hint.contains("authors"), "{climbs:?}");
        assert!(place("https://example.com/a%2F%2Fb").is_err());
        assert!(place("https://example.com/%2Fetc").is_err());
        // The layout is by path alone: a query or a fragment would share another URL's file.
        assert!(place("https://example.com/a.tar.gz?x").is_err());
        assert!(place("https://example.com/a.tar.gz#y").is_err());
    }

    /// A checksum file is read under the name the release gives it: its URL's last part,
    /// decoded (`gt%2B1.0.tar.gz.sha256` is the file for `gt+1.0.tar.gz`, a bare hash in it).
    #[test]
    fn a_checksum_file_is_read_under_its_decoded_name() {
        let hex = "ab".repeat(32);
        let digest = Digest::new(Algorithm::Sha256, &hex).unwrap();
        let file = File {
            url: "https://h.example/d/v1/gt%2B1.0.tar.gz.sha256".to_owned(),
            size: None,
            pins: Vec::new(),
            vouches: vec![("gt+1.0.tar.gz".to_owned(), vec![digest], None)],
        };
        assert!(still_vouches(&file, &format!("{hex}\n")).is_ok());
        let other = "cd".repeat(32);
        let err = still_vouches(&file, &format!("{other}\n")).unwrap_err();
        assert_eq!(err.exit, ExitCode::Verification);
    }

    #[test]
    fn two_urls_for_one_file_are_refused() {
        let file = |url: &str, sha256: Option<&str>| File {
            url: url.to_owned(),
            size: None,
            pins: sha256
                .and_then(|hex| Digest::new(Algorithm::Sha256, hex))
                .into_iter()
                .collect(),
            vouches: Vec::new(),
        };
        let pinned = file("https://h.example/p/a.tar.gz", Some(&"ab".repeat(32)));
        assert!(same_place(std::slice::from_ref(&pinned)).is_ok());
        let err =
            same_place(&[pinned.clone(), file("http://h.example/p/a.tar.gz", None)]).unwrap_err();
        assert!(
            err.message.contains("would be kept as one file"),
            "{}",
            err.message
        );
        assert!(
            same_place(&[
                pinned.clone(),
                file("https://h.example/p/a.tar.gz.sha256", None)
            ])
            .is_ok()
        );
        // Where the file system ignores case, two spellings are one file.
        assert_eq!(
            same_place(&[pinned, file("https://h.example/p/A.tar.gz", None)]).is_err(),
            cfg!(any(windows, target_os = "macos"))
        );
    }
}
