//! One download of an install: take it from the cache when what vouches for the asset now
//! vouches for the copy there, else stream it into the staging directory while hashing it and
//! unpacking it at the same time; then compare with what vouches for it. Nothing here touches
//! `tools/` or a bin dir: a failure leaves only the staging directory, which goes with it.
//!
//! What vouches: the API's digest and the first checksum file that names the asset, both
//! (they must agree). A download whose bytes do not match fails as a mismatch even when its
//! archive is too damaged to unpack: the bytes are hashed to the end either way.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::io::{BufRead, Read, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::error::{ExitCode, UserError};
use crate::fetch::Http;
use crate::output::Bar;
use crate::resolve::release::{Asset, Release};
use crate::unpack::{self, Format, Limits};
use crate::verify::{
    self, Algorithm, Answer, Candidate, Digest, Expected, Hasher, Hashes, Verified,
};

/// One file to fetch and unpack.
pub struct Download<'a> {
    pub asset: &'a Asset,
    pub release: &'a Release,
    pub plan: &'a [Candidate],
    /// The digests known before downloading (a lock file's SHA-256, and its SHA-512 where
    /// one verified the file), and what vouches for them: then no other source is asked.
    pub known: Option<(Vec<Digest>, Verified)>,
    /// Where verified downloads are kept; `None` when the cache cannot be used for it (a
    /// symbolic link on its way: haul neither reads nor writes the cache through one).
    pub cache_path: Option<PathBuf>,
    /// Where the download is written while it arrives.
    pub partial: PathBuf,
    /// Where it is unpacked.
    pub dest: PathBuf,
    /// The file name for a download that is a single file.
    pub single_name: String,
    pub require_checksum: bool,
    /// Take nothing from the network: the cache has it, or this fails.
    pub offline: bool,
    pub limits: Limits,
}

impl Download<'_> {
    /// What vouched for the cached copy when it was kept, if there is one.
    fn kept_with(&self) -> Option<Expected> {
        self.cache_path.as_deref().and_then(kept_with)
    }
}

/// What came of a download: its hashes, and what vouched for it (`None`: nothing did).
pub struct Fetched {
    pub hashes: Hashes,
    pub expected: Option<Expected>,
    /// What vouched is what the download cache noted when the copy was kept, not checked again
    /// (offline): it is only as trustworthy as the cache.
    pub as_noted: bool,
}

impl Fetched {
    /// What vouched (`checksums.txt`, `api-digest, checksums.txt`, `SHA512SUMS (sha512)`;
    /// `checksums.txt, as the download cache noted it` offline); `None` when nothing did.
    pub fn verified_by(&self) -> Option<String> {
        self.expected.as_ref().map(|e| {
            if self.as_noted {
                format!("{}, {AS_NOTED}", e.verified_by())
            } else {
                e.verified_by()
            }
        })
    }

    /// The SHA-512, when one vouched for the download.
    pub fn sha512(&self) -> Option<&Digest> {
        let vouched = self
            .expected
            .as_ref()
            .is_some_and(|e| e.algorithms().contains(&Algorithm::Sha512));
        vouched
            .then(|| self.hashes.get(Algorithm::Sha512))
            .flatten()
    }
}

/// Fetch, unpack and verify `d`. A verified download is kept in the cache, with what vouched
/// for it beside it; a cached copy is used when it matches what vouches for the asset now (or,
/// offline, what vouched for it when it was kept).
pub async fn run(http: &Http, d: &Download<'_>, bar: &Bar) -> Result<Fetched> {
    let format = Format::of(&d.asset.name);
    let cached = d.cache_path.as_deref().is_some_and(Path::is_file);
    if d.offline && !cached {
        return Err(UserError::new(format!(
            "`{}` is not in the download cache, and haul is offline",
            d.asset.name
        ))
        .hint("run the command again without `--offline` (or `HAUL_OFFLINE`)")
        .into());
    }
    // A digest known in advance (a lock's) always decides, offline too: the cache's note of
    // what vouched for a file is only as trustworthy as the cache.
    let known = match &d.known {
        Some((digests, by)) => verify::combine(
            digests
                .iter()
                .map(|digest| (by.clone(), Answer::Digest(digest.clone())))
                .collect(),
        )
        .map_err(|err| err.to_user_error(&d.asset.name))?
        .map(Some),
        None => None,
    };
    let mut noted = false;
    let (expected, mut hashes, unpacked) = if known.is_none() && !d.offline && !cached {
        // Nothing to reuse: the checksum files are fetched while the download streams in,
        // rather than one round trip before it. Either failing stops the other.
        let mut texts = HashMap::new();
        let (expected, (hashes, unpacked)) = tokio::try_join!(
            expected_checksum(http, d.release, &d.asset.name, d.plan, &mut texts),
            async {
                bar.message("downloading");
                download(http, d, format, &[], bar).await
            },
        )?;
        if expected.is_none() && d.require_checksum {
            return Err(unverified(&d.asset.name, &d.release.tag).into());
        }
        (expected, hashes, unpacked)
    } else {
        let expected = match known {
            Some(known) => known,
            // A note that only a project's lock vouched for the file vouches for locked
            // installs alone: a lock may pin other bytes than the release's.
            None if d.offline => {
                noted = true;
                d.kept_with().filter(|kept| !from_lock(kept))
            }
            None => {
                expected_checksum(http, d.release, &d.asset.name, d.plan, &mut HashMap::new())
                    .await?
            }
        };
        // A verified copy that cannot be unpacked (a full disk) is downloaded again; offline,
        // that is the error.
        let unpacking = if cached {
            match from_cache(d, format, expected.as_ref()).await {
                Ok(Some(fetched)) => {
                    return Ok(Fetched {
                        as_noted: noted,
                        ..fetched
                    });
                }
                Ok(None) => None,
                Err(err) => Some(err),
            }
        } else {
            None
        };
        if d.offline {
            return Err(offline_refusal(d, unpacking));
        }
        if expected.is_none() && d.require_checksum {
            return Err(unverified(&d.asset.name, &d.release.tag).into());
        }
        bar.message("downloading");
        let algorithms = expected
            .as_ref()
            .map(Expected::algorithms)
            .unwrap_or_default();
        let (hashes, unpacked) = download(http, d, format, &algorithms, bar).await?;
        (expected, hashes, unpacked)
    };
    if let Some(expected) = &expected {
        if !hashes.covers(expected) {
            hashes = hash_in_background(&d.partial, Hasher::for_expected(expected)).await?;
        }
        // A mismatch is the news, even when the archive is too damaged to unpack.
        verify::check(expected, &hashes).map_err(|err| err.to_user_error(&d.asset.name))?;
    }
    unpacked?;
    let result = Fetched {
        hashes,
        expected,
        as_noted: false,
    };
    if let Some(cache_path) = &d.cache_path {
        keep(&d.partial, cache_path, &result);
    }
    Ok(result)
}

/// Why an offline install cannot use the cached copy: it cannot be unpacked (`unpacking`), or
/// nothing vouches for it.
fn offline_refusal(d: &Download<'_>, unpacking: Option<anyhow::Error>) -> anyhow::Error {
    if let Some(err) = unpacking {
        return err.context(format!(
            "unpacking the cached `{}` (verified; haul is offline)",
            d.asset.name
        ));
    }
    let what = match &d.known {
        Some((_, by)) => format!("does not match the digest `{by}` gives for it"),
        None => "cannot be verified".to_owned(),
    };
    UserError::new(format!(
        "the cached `{}` {what}, and haul is offline",
        d.asset.name
    ))
    .hint("run the command again without `--offline` to download it again")
    .exit(ExitCode::Verification)
    .into()
}

/// The hashes of the cached copy that `expected` needs.
async fn cached_hashes(path: &Path, expected: &Expected) -> Option<Hashes> {
    hash_in_background(path, Hasher::for_expected(expected))
        .await
        .ok()
}

/// [`hash_file`] on a blocking thread, off the runtime's workers.
async fn hash_in_background(path: &Path, hasher: Hasher) -> Result<Hashes> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || hash_file(&path, hasher))
        .await
        .context("the hashing task stopped")?
}

/// The cached copy, unpacked, when it is what `expected` vouches for (`None` when it is not);
/// an error when it is but does not unpack.
async fn from_cache(
    d: &Download<'_>,
    format: Format,
    expected: Option<&Expected>,
) -> Result<Option<Fetched>> {
    let (Some(cache_path), Some(expected)) = (&d.cache_path, expected) else {
        return Ok(None);
    };
    let Some(hashes) = cached_hashes(cache_path, expected).await else {
        return Ok(None);
    };
    if verify::check(expected, &hashes).is_err() {
        return Ok(None);
    }
    unpack_cached(d, cache_path, format).await?;
    let fetched = Fetched {
        hashes,
        expected: Some(expected.clone()),
        as_noted: false,
    };
    // A note lost to a full disk is written again, or offline runs could never use this copy.
    if d.kept_with().is_none() {
        note(cache_path, &fetched);
    }
    Ok(Some(fetched))
}

/// Unpack the cached copy; on failure, the destination is emptied again.
async fn unpack_cached(d: &Download<'_>, cached: &Path, format: Format) -> Result<()> {
    let (path, dest) = (cached.to_path_buf(), d.dest.clone());
    let (asset, single, limits) = (d.asset.name.clone(), d.single_name.clone(), d.limits);
    let unpacked = tokio::task::spawn_blocking(move || {
        unpack::unpack_file(format, &path, &dest, &asset, &single, &limits)
    })
    .await
    .context("the unpack task stopped")
    .and_then(|unpacked| unpacked);
    if unpacked.is_err() {
        let _ = std::fs::remove_dir_all(&d.dest).and_then(|()| std::fs::create_dir(&d.dest));
    }
    unpacked
}

/// What vouched for a cached download when it was kept (`ASSET.verified` beside it: one
/// `DIGEST SOURCE` line per digest).
fn kept_with(cache_path: &Path) -> Option<Expected> {
    let text = std::fs::read_to_string(sidecar(cache_path)).ok()?;
    let mut answers = Vec::new();
    for line in text.lines() {
        let (digest, by) = line.trim().split_once(' ')?;
        let digest = match verify::ApiDigest::parse(digest)? {
            verify::ApiDigest::Valid(digest) => digest,
            verify::ApiDigest::Malformed(_) => return None,
        };
        let by = match by {
            "api-digest" => Verified::Digest,
            name => Verified::File(name.to_owned()),
        };
        answers.push((by, Answer::Digest(digest)));
    }
    verify::combine(answers).ok().flatten()
}

/// How a record names a source that vouched for a cached copy when it was kept, offline.
pub const AS_NOTED: &str = "as the download cache noted it";

/// Whether `haul.lock` was what vouched for a cached file.
fn from_lock(kept: &Expected) -> bool {
    matches!(kept.first_source(), Some(Verified::File(file)) if file == crate::verify::LOCK_FILE)
}

fn sidecar(cache_path: &Path) -> PathBuf {
    let mut name = cache_path.file_name().unwrap_or_default().to_os_string();
    name.push(".verified");
    cache_path.with_file_name(name)
}

/// Stream the download into `partial`, hashing it with SHA-256 and `algorithms`, and unpack
/// it at the same time (zip once it is whole). Returns the hashes, and whether unpacking
/// worked: a damaged archive is still read (and hashed) to its end.
async fn download(
    http: &Http,
    d: &Download<'_>,
    format: Format,
    algorithms: &[Algorithm],
    bar: &Bar,
) -> Result<(Hashes, Result<()>)> {
    let mut file = fs_err::File::create(&d.partial)?;
    let mut hasher = Hasher::new(algorithms);
    let (dest, asset, single, limits) = (
        d.dest.clone(),
        d.asset.name.clone(),
        d.single_name.clone(),
        d.limits,
    );
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
        let unpacked = tokio::task::spawn_blocking(move || {
            unpack::unpack_file(format, &path, &dest, &asset, &single, &limits)
        })
        .await
        .context("the unpack task stopped")?;
        return Ok((hasher.finish(), unpacked));
    }

    // Unpack on a blocking thread while the download arrives. Each chunk is handed over and
    // hashed and written meanwhile, and the next is asked for only once the unpacker is done
    // with it: the HTTP client then holds two read buffers per connection (the chunk being
    // unpacked and the one it read ahead), however far unpacking falls behind (the rest waits
    // in the socket). The unpacker reads its input to the end even after an error, so every
    // byte is hashed.
    let (tx, rx) = mpsc::channel::<Handed>(1);
    let unpacker = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader {
            rx,
            chunk: Bytes::new(),
            done: None,
        };
        unpack::unpack_stream(format, reader, &dest, &asset, &single, &limits)
    });
    let downloaded = http
        .download(url, size, bar, async |chunk: Bytes| {
            let (done, consumed) = oneshot::channel();
            // An unpacker that stopped early no longer reads: the bytes still count.
            let handed = tx.send((chunk.clone(), done)).await.is_ok();
            hasher.update(&chunk);
            file.write_all(&chunk).context("writing the download")?;
            drop(chunk);
            if handed {
                let _ = consumed.await;
            }
            Ok(())
        })
        .await;
    drop(tx);
    let unpack_result = unpacker.await.context("the unpack task stopped")?;
    downloaded?;
    file.flush()?;
    Ok((hasher.finish(), unpack_result))
}

/// Keep a verified download in the cache (a rename when the cache is on the same file system,
/// else a copy), and what vouched for it; a cache that cannot be written only costs a download
/// next time. Only what was verified is worth keeping.
fn keep(download: &Path, cache_path: &Path, fetched: &Fetched) {
    if fetched.expected.is_none() {
        return;
    }
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
        note(cache_path, fetched);
    }
}

/// Write what vouched for the cached download beside it, atomically (a full disk leaves the
/// old note or none, never an empty one). The first source names the digest the record
/// keeps; for the cache, every digest the download was checked against, by the first source.
fn note(cache_path: &Path, fetched: &Fetched) {
    let Some(source) = fetched.expected.as_ref().and_then(Expected::first_source) else {
        return;
    };
    let mut lines = format!("{} {source}\n", fetched.hashes.sha256());
    if let Some(sha512) = fetched.sha512() {
        let _ = writeln!(lines, "{sha512} {source}");
    }
    // A cache that cannot be written only costs a download next time.
    let _ = crate::store::write_atomic(&sidecar(cache_path), lines.as_bytes());
}

/// The hashes `hasher` computes of the file at `path`.
pub fn hash_file(path: &Path, mut hasher: Hasher) -> Result<Hashes> {
    // A stop ends the hashing of a large file between two reads.
    let mut file = crate::stopping::Stoppable(fs_err::File::open(path)?);
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finish())
}

/// What the download must hash to: the API's digest (a malformed one fails) and the first
/// checksum file in `plan` that names the asset (one that names it twice differently fails);
/// when both vouch, they must agree. `texts` keeps the checksum files fetched, by URL, for the
/// release's other assets (`haul lock` reads one release for several platforms).
pub async fn expected_checksum(
    http: &Http,
    release: &Release,
    asset: &str,
    plan: &[Candidate],
    texts: &mut HashMap<String, String>,
) -> Result<Option<Expected>> {
    let mut answers = Vec::new();
    for candidate in plan {
        match candidate {
            Candidate::Digest(api) => answers.push((Verified::Digest, Answer::from(api))),
            Candidate::File { name, kind } => {
                let Some(file) = release.asset(name) else {
                    continue;
                };
                let text = match texts.entry(file.url.clone()) {
                    Entry::Occupied(kept) => kept.into_mut(),
                    Entry::Vacant(slot) => slot.insert(
                        http.get_text(&file.url, "application/octet-stream")
                            .await
                            .with_context(|| format!("fetching the checksum file `{name}`"))?,
                    ),
                };
                let answer = Answer::from(verify::find(*kind, name, text, asset));
                let names_it = answer != Answer::NotListed;
                answers.push((Verified::File(name.clone()), answer));
                if names_it {
                    break;
                }
            }
        }
    }
    Ok(verify::combine(answers).map_err(|err| err.to_user_error(asset))?)
}

pub(super) fn unverified(asset: &str, tag: &str) -> UserError {
    UserError::new(format!("no checksum covers `{asset}` in release {tag}"))
        .caused_by("checksums are required (`--require-checksum` or `require-checksum = true`)")
        .hint("pass `--no-require-checksum` to accept an unverified download")
        .exit(ExitCode::Verification)
}

/// Reads the chunks the download sends, on the unpacker's thread.
/// A chunk of the download, and how the unpacker says it is done with it.
type Handed = (Bytes, oneshot::Sender<()>);

struct ChannelReader {
    rx: mpsc::Receiver<Handed>,
    chunk: Bytes,
    done: Option<oneshot::Sender<()>>,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = buf.len().min(available.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// The decoders read the chunks where they lie: no buffer of the unpacker's own, and no copy.
impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.chunk.is_empty() {
            // Done with the last chunk: let it go before asking for the next.
            self.chunk = Bytes::new();
            if let Some(done) = self.done.take() {
                let _ = done.send(());
            }
            match self.rx.blocking_recv() {
                Some((chunk, done)) => {
                    self.chunk = chunk;
                    self.done = Some(done);
                }
                None => break,
            }
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, amount: usize) {
        bytes::Buf::advance(&mut self.chunk, amount);
    }
}
