//! One download of an install: take it from the cache when a known hash vouches for the copy
//! there, else stream it into the staging directory while hashing it and unpacking it at the
//! same time; then find what vouches for it and compare. Nothing here touches `tools/` or a
//! bin dir: a failure leaves only the staging directory, which goes with it.

use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use bytes::Bytes;
use sha2::Digest as _;
use tokio::sync::mpsc;

use crate::error::{ExitCode, Failure, UserError};
use crate::fetch::Http;
use crate::output::Bar;
use crate::resolve::release::{Asset, Release};
use crate::unpack::{self, Format};
use crate::verify::{self, Candidate, Sha256, Verified};

/// Chunks in flight between the download and the unpacker; bounds memory per download.
const PIPE_CHUNKS: usize = 4;

/// One file to fetch and unpack.
pub struct Download<'a> {
    pub asset: &'a Asset,
    pub release: &'a Release,
    pub plan: &'a [Candidate],
    /// A hash known before downloading (the API's digest, a lock file's): a cached copy that
    /// has it is used as it is.
    pub known: Option<Sha256>,
    /// Where verified downloads are kept.
    pub cache_path: PathBuf,
    /// Where the download is written while it arrives.
    pub partial: PathBuf,
    /// Where it is unpacked.
    pub dest: PathBuf,
    /// The file name for a download that is a single file.
    pub single_name: String,
    pub require_checksum: bool,
    /// Take nothing from the network: the cache has it, or this fails.
    pub offline: bool,
}

/// What came of a download: its hash, and what vouched for it.
pub struct Fetched {
    pub sha256: Sha256,
    pub verified: Option<Verified>,
}

/// Fetch, unpack and verify `d`. A verified download is kept in the cache, with what vouched
/// for it beside it; a cached copy is used when its hash is what the release's checksums say
/// now (or, offline, what vouched for it when it was kept).
pub async fn run(http: &Http, d: &Download<'_>, bar: &Bar) -> Result<Fetched> {
    let format = Format::of(&d.asset.name);
    let cached = cached_hash(&d.cache_path).await;
    let expected = match (&cached, d.offline) {
        (None, true) => {
            return Err(UserError::new(format!(
                "`{}` is not in the download cache, and haul is offline",
                d.asset.name
            ))
            .hint("run the command again without `--offline` (or `HAUL_OFFLINE`)")
            .into());
        }
        (Some(_), true) => kept_with(&d.cache_path),
        (_, false) => match &d.known {
            Some(known) => Some((known.clone(), Verified::Digest)),
            None => expected_checksum(http, d.release, &d.asset.name, d.plan).await?,
        },
    };
    if let Some(sha256) = cached
        && expected.as_ref().is_some_and(|(want, _)| *want == sha256)
        && unpack_cached(d, format).await
    {
        return Ok(Fetched {
            sha256,
            verified: expected.map(|(_, by)| by),
        });
    }
    if d.offline {
        return Err(UserError::new(format!(
            "the cached `{}` cannot be verified, and haul is offline",
            d.asset.name
        ))
        .hint("run the command again without `--offline` to download it again")
        .exit(ExitCode::Verification)
        .into());
    }
    if expected.is_none() && d.require_checksum {
        return Err(unverified(&d.asset.name, &d.release.tag).into());
    }

    bar.message("downloading");
    let sha256 = download(http, d, format, bar).await?;
    let verified = judge(
        expected,
        &sha256,
        &d.asset.name,
        d.require_checksum,
        &d.release.tag,
    )?;
    keep(&d.partial, &d.cache_path, &sha256, verified.as_ref());
    Ok(Fetched { sha256, verified })
}

/// The hash of the cached copy, if there is one.
async fn cached_hash(path: &Path) -> Option<Sha256> {
    if !path.is_file() {
        return None;
    }
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || hash_file(&path).ok())
        .await
        .ok()
        .flatten()
}

/// Unpack the cached copy; on failure, the destination is emptied again.
async fn unpack_cached(d: &Download<'_>, format: Format) -> bool {
    let (path, dest, single) = (d.cache_path.clone(), d.dest.clone(), d.single_name.clone());
    let unpacked =
        tokio::task::spawn_blocking(move || unpack_file(format, &path, &dest, &single)).await;
    if matches!(unpacked, Ok(Ok(()))) {
        return true;
    }
    let _ = std::fs::remove_dir_all(&d.dest).and_then(|()| std::fs::create_dir(&d.dest));
    false
}

/// What vouched for a cached download when it was kept (`ASSET.verified` beside it).
fn kept_with(cache_path: &Path) -> Option<(Sha256, Verified)> {
    let text = std::fs::read_to_string(sidecar(cache_path)).ok()?;
    let (sha, by) = text.trim().split_once(' ')?;
    let by = match by {
        "api-digest" => Verified::Digest,
        name => Verified::File(name.to_owned()),
    };
    Some((Sha256::parse(sha)?, by))
}

fn sidecar(cache_path: &Path) -> PathBuf {
    let mut name = cache_path.file_name().unwrap_or_default().to_os_string();
    name.push(".verified");
    cache_path.with_file_name(name)
}

/// Stream the download into `partial`, hashing it, and unpack it at the same time (zip
/// once it is whole). Returns its SHA-256.
async fn download(http: &Http, d: &Download<'_>, format: Format, bar: &Bar) -> Result<Sha256> {
    let mut file = fs_err::File::create(&d.partial)?;
    let mut hasher = sha2::Sha256::new();
    let dest = d.dest.clone();
    let single = d.single_name.clone();
    let url = &d.asset.url;
    // A download may not differ from the size the release lists for it.
    let size = Some(d.asset.size).filter(|&n| n > 0);

    if format.needs_whole_file() {
        http.download(url, size, bar, async |chunk: Bytes| {
            hasher.update(&chunk);
            file.write_all(&chunk).context("writing the download")
        })
        .await?;
        file.flush()?;
        let path = d.partial.clone();
        bar.message("unpacking");
        tokio::task::spawn_blocking(move || unpack_file(format, &path, &dest, &single))
            .await
            .context("the unpack task stopped")??;
        return Ok(Sha256::from_bytes(&hasher.finalize()));
    }

    // Unpack on a blocking thread while the download arrives; the bounded channel keeps memory
    // flat and slows the download down when unpacking falls behind.
    let (tx, rx) = mpsc::channel::<Bytes>(PIPE_CHUNKS);
    let unpacker = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader {
            rx,
            chunk: Bytes::new(),
        };
        unpack::unpack_stream(format, reader, &dest, &single)
    });
    let downloaded = http
        .download(url, size, bar, async |chunk: Bytes| {
            hasher.update(&chunk);
            file.write_all(&chunk).context("writing the download")?;
            tx.send(chunk)
                .await
                .map_err(|_| anyhow::Error::new(UnpackStopped))
        })
        .await;
    drop(tx);
    let unpack_result = unpacker.await.context("the unpack task stopped")?;
    match downloaded {
        // The unpacker's own error says why it stopped.
        Err(err) if err.is::<UnpackStopped>() => return Err(unpack_result.err().unwrap_or(err)),
        Err(err) => return Err(err),
        Ok(_) => unpack_result?,
    }
    file.flush()?;
    Ok(Sha256::from_bytes(&hasher.finalize()))
}

/// Keep a verified download in the cache (a rename when the cache is on the same file system,
/// else a copy), and what vouched for it; a cache that cannot be written only costs a download
/// next time.
fn keep(download: &Path, cache_path: &Path, sha256: &Sha256, verified: Option<&Verified>) {
    let Some(verified) = verified else {
        // Only what was verified is worth keeping.
        return;
    };
    let Some(dir) = cache_path.parent() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let kept = std::fs::rename(download, cache_path).is_ok() || {
        tempfile::Builder::new()
            .prefix(".tmp")
            .tempfile_in(dir)
            .ok()
            .and_then(|mut temp| {
                let mut source = std::fs::File::open(download).ok()?;
                std::io::copy(&mut source, &mut temp).ok()?;
                temp.persist(cache_path).ok()
            })
            .is_some()
    };
    if kept {
        let _ = std::fs::write(sidecar(cache_path), format!("{sha256} {verified}\n"));
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unpacking stopped")]
struct UnpackStopped;

fn unpack_file(format: Format, path: &Path, dest: &Path, single: &str) -> Result<()> {
    if format.needs_whole_file() {
        unpack::unpack_zip(path, dest)
    } else {
        unpack::unpack_stream(format, fs_err::File::open(path)?, dest, single)
    }
}

fn hash_file(path: &Path) -> Result<Sha256> {
    let mut file = fs_err::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Sha256::from_bytes(&hasher.finalize()))
}

/// The expected checksum from the first source in `plan` that names the asset.
async fn expected_checksum(
    http: &Http,
    release: &Release,
    asset: &str,
    plan: &[Candidate],
) -> Result<Option<(Sha256, Verified)>> {
    for candidate in plan {
        match candidate {
            Candidate::Digest(sha) => return Ok(Some((sha.clone(), Verified::Digest))),
            Candidate::File { name, kind } => {
                let Some(file) = release.asset(name) else {
                    continue;
                };
                let text = http
                    .get_text(&file.url, "application/octet-stream")
                    .await
                    .with_context(|| format!("fetching the checksum file `{name}`"))?;
                if let Some(sha) = verify::find(*kind, &text, asset) {
                    return Ok(Some((sha, Verified::File(name.clone()))));
                }
            }
        }
    }
    Ok(None)
}

/// What vouches for the download: the expected checksum must match; without one, the download
/// is accepted only when checksums are not required.
fn judge(
    expected: Option<(Sha256, Verified)>,
    actual: &Sha256,
    asset: &str,
    require: bool,
    tag: &str,
) -> Result<Option<Verified>, UserError> {
    match expected {
        Some((want, source)) if want == *actual => Ok(Some(source)),
        Some((want, source)) => Err(Failure::ChecksumMismatch {
            asset: asset.to_owned(),
            expected: want.to_string(),
            got: actual.to_string(),
            vouched_by: source.to_string(),
        }
        .into()),
        None if require => Err(unverified(asset, tag)),
        None => Ok(None),
    }
}

fn unverified(asset: &str, tag: &str) -> UserError {
    UserError::new(format!("no checksum covers `{asset}` in release {tag}"))
        .caused_by("checksums are required (`--require-checksum` or `require-checksum = true`)")
        .hint("install it without `--require-checksum` to accept an unverified download")
        .exit(ExitCode::Verification)
}

/// Reads the chunks the download sends, on the unpacker's thread.
struct ChannelReader {
    rx: mpsc::Receiver<Bytes>,
    chunk: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.chunk = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}
