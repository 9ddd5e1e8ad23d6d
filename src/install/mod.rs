//! Installing one tool, as a transaction: resolve → select → fetch (unpacking while it
//! downloads) → verify → commit. Nothing unverified reaches `tools/` or the bin dir; a failure
//! at any step drops the staging directory and the partial download.

use std::io::{Read, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use bytes::Bytes;
use tokio::sync::mpsc;

use crate::error::{ExitCode, UserError};
use crate::fetch::{Http, Progress as _};
use crate::output::{Bar, Printer};
use crate::platform::Platform;
use crate::request::tool::{Tool, ToolSource};
use crate::resolve::release::{Asset, Release};
use crate::resolve::{self, Resolved};
use crate::store::{Bin, Record, Store};
use crate::unpack::executables;
use crate::unpack::{self, Format};
use crate::verify::{self, ApiDigest, Candidate, Expected, Hashes, Verified};

/// Chunks in flight between the download and the unpacker; bounds memory per download.
const PIPE_CHUNKS: usize = 4;

pub struct Options {
    pub pre: bool,
    pub platform: Platform,
    pub require_checksum: bool,
    pub force: bool,
}

pub struct Env<'a> {
    pub http: &'a Http,
    pub store: &'a Store,
    pub printer: &'a Printer,
    pub cache_dir: PathBuf,
}

pub enum Outcome {
    Installed(Record),
    AlreadyInstalled(Record),
}

pub async fn install(env: &Env<'_>, tool: &Tool, opts: &Options, bar: &Bar) -> Result<Outcome> {
    let Resolved {
        release,
        asset,
        selection,
        plan,
    } = resolve::resolve(env.http, tool, opts.pre, opts.platform).await?;
    if selection.emulated.is_some() {
        env.printer
            .warn(&format!("{}: {}", tool.name, selection.reason));
    }
    env.printer.debug(&format!(
        "{}: {} ({})",
        tool.name, asset.name, selection.reason
    ));
    let name = tool.name.clone();
    if let Some(existing) = env.store.read(&name)?
        && !opts.force
        && existing.tag == release.tag
        && existing.asset == asset.name
    {
        return Ok(Outcome::AlreadyInstalled(existing));
    }

    if plan.is_empty() && opts.require_checksum {
        return Err(unverified(&asset.name, &release.tag).into());
    }
    let exe = opts.platform.exe_suffix();
    let download = Download {
        asset: &asset,
        format: Format::of(&asset.name),
        cache_path: cache_path(
            &env.cache_dir,
            tool,
            &release.tag,
            opts.platform,
            &asset.name,
        ),
        staging: env.store.staging(&name)?,
        single_name: format!("{name}{exe}"),
        plan: &plan,
    };

    bar.set_length(asset.size);
    bar.message("downloading");
    let (fetched, expected) = tokio::join!(
        fetch(env, &download, bar),
        expected_checksum(env.http, &release, &asset.name, &plan),
    );
    let (actual, cache_file) = fetched?;
    let expected = expected?;
    // A source may use an algorithm the download was not hashed with: hash the saved copy.
    let actual = match &expected {
        Some(expected) if !actual.covers(expected) => {
            let saved = cache_file
                .as_ref()
                .map_or(download.cache_path.as_path(), |f| f.path());
            hash_file(saved, verify::Hasher::for_expected(expected))?
        }
        _ => actual,
    };
    let verified = judge(
        expected,
        &actual,
        &asset.name,
        opts.require_checksum,
        &release.tag,
    )?;
    if verified.is_none() {
        env.printer.warn(&format!(
            "no checksum covers `{}` in {} {}; installed it unverified",
            asset.name,
            tool.origin(),
            release.tag
        ));
    }
    if let Some(file) = cache_file {
        // Verified (or accepted) downloads are kept, so a reinstall needs no network.
        let _ = file.persist(&download.cache_path);
    }

    bar.message("installing");
    let found = executables::scan(download.staging.path())?;
    let chosen = executables::choose(&found, &tool.wanted_bins(), opts.platform)?;
    if opts.platform.libc == Some(crate::platform::Libc::Musl) {
        refuse_glibc_builds(download.staging.path(), &chosen, &asset.name)?;
    }
    for bin in &chosen {
        unpack::set_executable(&download.staging.path().join(&bin.path))?;
    }
    let record = make_record(
        name, tool, &release, &asset, &actual, verified, opts, chosen,
    );
    let (store, force, committed) = (env.store.clone(), opts.force, record.clone());
    let staging = download.staging;
    tokio::task::spawn_blocking(move || store.commit(staging, &committed, force))
        .await
        .context("the install task stopped")??;
    Ok(Outcome::Installed(record))
}

#[allow(
    clippy::too_many_arguments,
    reason = "one value per record field group"
)]
fn make_record(
    name: String,
    tool: &Tool,
    release: &Release,
    asset: &Asset,
    hashes: &Hashes,
    verified: Option<String>,
    opts: &Options,
    chosen: Vec<executables::Chosen>,
) -> Record {
    let version = release.version_label();
    let exe = opts.platform.exe_suffix();
    Record {
        schema: crate::store::new_record_schema(),
        name,
        source: tool.source_label(),
        tag: release.tag.clone(),
        dir: sanitize(&version),
        version,
        asset: asset.name.clone(),
        url: asset.url.clone(),
        sha256: hashes.sha256().hex().to_owned(),
        verified_by: verified,
        platform: opts.platform.to_string(),
        bins: chosen
            .into_iter()
            .map(|c| Bin {
                link: format!("{}{exe}", c.name),
                path: c.path,
            })
            .collect(),
        installed_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}

/// A glibc-linked program cannot start on a musl system (Alpine), however its name reads.
fn refuse_glibc_builds(
    dir: &std::path::Path,
    chosen: &[executables::Chosen],
    asset: &str,
) -> Result<()> {
    for bin in chosen {
        let mut head = Vec::with_capacity(64 * 1024);
        fs_err::File::open(dir.join(&bin.path))?
            .take(64 * 1024)
            .read_to_end(&mut head)?;
        if let Some(loader) = crate::unpack::elf::interpreter(&head)
            .filter(|l| crate::unpack::elf::is_glibc_loader(l))
        {
            return Err(UserError::new(format!(
                "`{}` in `{asset}` is built for glibc, and this system uses musl",
                bin.name
            ))
            .caused_by(format!("it asks for the loader `{loader}`"))
            .hint("choose a static or musl build with `--asset REGEX`, or use a glibc system")
            .into());
        }
    }
    Ok(())
}

/// What vouches for the download: the expected checksum must match; without one, the download
/// is accepted only when checksums are not required.
fn judge(
    expected: Option<Expected>,
    actual: &Hashes,
    asset: &str,
    require: bool,
    tag: &str,
) -> Result<Option<String>, UserError> {
    match expected {
        Some(expected) => {
            verify::check(&expected, actual).map_err(|err| err.to_user_error(asset))?;
            Ok(Some(expected.verified_by()))
        }
        None if require => Err(unverified(asset, tag)),
        None => Ok(None),
    }
}

/// One download: where it goes and how it is unpacked and checked.
struct Download<'a> {
    asset: &'a Asset,
    format: Format,
    cache_path: PathBuf,
    staging: crate::store::Staging,
    /// The file name for a download that is a single file.
    single_name: String,
    plan: &'a [Candidate],
}

fn unverified(asset: &str, tag: &str) -> UserError {
    UserError::new(format!("no checksum covers `{asset}` in release {tag}"))
        .caused_by("checksums are required (`--require-checksum` or `require-checksum = true`)")
        .hint("install it without `--require-checksum` to accept an unverified download")
        .exit(ExitCode::Verification)
}

/// Where a download is kept: by source, release and file (a URL template's files share a name
/// across platforms, so the platform is part of the path).
fn cache_path(
    cache_dir: &std::path::Path,
    tool: &Tool,
    tag: &str,
    platform: Platform,
    asset: &str,
) -> PathBuf {
    let downloads = cache_dir.join("downloads");
    let base = match &tool.source {
        ToolSource::GitHub(repo) => downloads.join("github").join(&repo.owner).join(&repo.name),
        ToolSource::Template(_) => downloads
            .join("catalog")
            .join(&tool.name)
            .join(platform.to_string()),
    };
    base.join(sanitize(tag)).join(asset)
}

/// A version or tag as a single directory name.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Download (or take from the cache) and unpack into the staging directory, hashing as the
/// bytes pass. Returns the hashes of the download and, when it was downloaded now, the file to
/// keep in the cache.
async fn fetch(
    env: &Env<'_>,
    download: &Download<'_>,
    bar: &Bar,
) -> Result<(Hashes, Option<tempfile::NamedTempFile>)> {
    let format = download.format;
    let staging = download.staging.path();
    let cache_path = &download.cache_path;
    // A cached copy is used only when the API's digest vouches for it.
    if let Some(Candidate::Digest(ApiDigest::Valid(want))) = download.plan.first()
        && cache_path.is_file()
    {
        let (want, path, dest) = (want.clone(), cache_path.clone(), staging.to_path_buf());
        let single = download.single_name.clone();
        let asset = download.asset.name.clone();
        let from_cache = tokio::task::spawn_blocking(move || -> Result<Option<Hashes>> {
            let actual = hash_file(&path, verify::Hasher::new(&[want.algorithm()]))?;
            if actual.get(want.algorithm()) != Some(&want) {
                return Ok(None);
            }
            unpack_file(format, &path, &dest, &asset, &single)?;
            Ok(Some(actual))
        });
        if let Ok(Ok(Some(actual))) = from_cache.await {
            return Ok((actual, None));
        }
        // A stale or damaged cache entry: start over with an empty staging directory.
        let _ = std::fs::remove_dir_all(staging).and_then(|()| std::fs::create_dir(staging));
    }

    let parent = cache_path.parent().unwrap_or(&env.cache_dir);
    fs_err::create_dir_all(parent)?;
    let mut file = tempfile::Builder::new()
        .prefix(".download-")
        .tempfile_in(parent)
        .with_context(|| format!("creating a download file in `{}`", parent.display()))?;
    let mut hasher = verify::Hasher::for_plan(download.plan);
    let dest = staging.to_path_buf();
    let single = download.single_name.clone();
    let asset = download.asset.name.clone();
    let url = &download.asset.url;

    if format.needs_whole_file() {
        env.http
            .download(url, bar, async |chunk: Bytes| {
                hasher.update(&chunk);
                file.write_all(&chunk).context("writing the download")
            })
            .await?;
        file.flush()?;
        let path = file.path().to_path_buf();
        bar.message("unpacking");
        tokio::task::spawn_blocking(move || unpack_file(format, &path, &dest, &asset, &single))
            .await
            .context("the unpack task stopped")??;
        return Ok((hasher.finish(), Some(file)));
    }

    // Unpack on a blocking thread while the download arrives; the bounded channel keeps memory
    // flat and slows the download down when unpacking falls behind.
    let (tx, rx) = mpsc::channel::<Bytes>(PIPE_CHUNKS);
    let unpacker = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader {
            rx,
            chunk: Bytes::new(),
        };
        unpack::unpack_stream(
            format,
            reader,
            &dest,
            &asset,
            &single,
            &unpack::Limits::DEFAULT,
        )
    });
    let downloaded = env
        .http
        .download(url, bar, async |chunk: Bytes| {
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
    Ok((hasher.finish(), Some(file)))
}

#[derive(Debug, thiserror::Error)]
#[error("unpacking stopped")]
struct UnpackStopped;

fn unpack_file(
    format: Format,
    path: &std::path::Path,
    dest: &std::path::Path,
    asset: &str,
    single: &str,
) -> Result<()> {
    let limits = unpack::Limits::DEFAULT;
    if format.needs_whole_file() {
        unpack::unpack_zip(path, dest, asset, &limits)
    } else {
        unpack::unpack_stream(
            format,
            fs_err::File::open(path)?,
            dest,
            asset,
            single,
            &limits,
        )
    }
}

fn hash_file(path: &std::path::Path, mut hasher: verify::Hasher) -> Result<Hashes> {
    let mut file = fs_err::File::open(path)?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finish())
}

/// What the download must hash to: the API's digest when there is one (malformed ones fail),
/// else the first checksum file in `plan` that names the asset (one that names it twice
/// differently fails).
async fn expected_checksum(
    http: &Http,
    release: &Release,
    asset: &str,
    plan: &[Candidate],
) -> Result<Option<Expected>> {
    let mut answers = Vec::new();
    for candidate in plan {
        match candidate {
            Candidate::Digest(api) => {
                answers.push((Verified::Digest, verify::Answer::from(api)));
                break;
            }
            Candidate::File { name, kind } => {
                let Some(file) = release.asset(name) else {
                    continue;
                };
                let text = http
                    .get_text(&file.url, "application/octet-stream")
                    .await
                    .with_context(|| format!("fetching the checksum file `{name}`"))?;
                let answer = verify::Answer::from(verify::find(*kind, name, &text, asset));
                let names_it = answer != verify::Answer::NotListed;
                answers.push((Verified::File(name.clone()), answer));
                if names_it {
                    break;
                }
            }
        }
    }
    Ok(verify::combine(answers).map_err(|err| err.to_user_error(asset))?)
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
