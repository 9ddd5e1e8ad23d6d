//! `haul self update`: which release of haul to move to, and replacing the running executable
//! with that release's archive for this platform.
//!
//! The repository haul is released from is named here and nowhere else. The release is found
//! through haul's own GitHub source (the same API URL, token, rate-limit errors and version
//! syntax as `haul install`); the release's `sha256.sum` and archive are downloaded with haul's
//! own client (its redirects, token rule, mirror rules, proxies and limits); the archive must
//! match `sha256.sum` and, when the API gives one, its digest. Only then does the `self_update`
//! crate unpack it, and `self-replace` put the executable in place (which also handles a
//! running `.exe` on Windows). Nothing is replaced unless every check passes.

pub mod installation;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ::self_update as updater;
use anyhow::{Context as _, Result};

use crate::error::{ExitCode, Failure, UserError};
use crate::fetch::{Http, Progress};
use crate::names::Repo;
use crate::resolve::github::GitHub;
use crate::resolve::release::{Asset, Release};
use crate::unpack::{elf, executables};
use crate::verify::{self, Answer, ApiDigest, FileKind, Hasher, Verified};
use crate::version::{Version, VersionReq};

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
fn path_in_archive(target: &str) -> String {
    if target.contains("windows") {
        "haul.exe".to_owned()
    } else {
        format!("haul-{target}/haul")
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
    let release = GitHub { http }
        .release(&repo(), &req, false)
        .await
        .map_err(|err| match err.downcast::<Failure>() {
            // The install hint (`@VERSION`, `--pre`) is not how this command takes a version.
            Ok(failure) => {
                let recent = matches!(&failure,
                    Failure::NoMatchingRelease { recent, .. } if !recent.is_empty());
                let mut user = UserError::from(failure);
                if recent {
                    user.hint =
                        Some("pick one of those with `haul self update --version VERSION`".into());
                }
                anyhow::Error::from(user)
            }
            Err(err) => err,
        })?;
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

/// A release that has this target's archive and the sums file that vouches for it.
#[derive(Debug)]
pub struct Checked<'r> {
    release: &'r Release,
    archive: String,
    asset: &'r Asset,
    sums: &'r Asset,
    /// What vouches for the archive: always `sha256.sum`, and GitHub's digest when the API
    /// gives one.
    pub by: Vec<&'static str>,
}

/// Refuse a release that lacks this target's archive or the sums file, before anything is
/// downloaded; otherwise say what will vouch for the archive.
pub fn check_release(release: &Release) -> Result<Checked<'_>, UserError> {
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
    let Some(sums) = release.asset(SUMS_FILE) else {
        return Err(UserError::new(format!(
            "haul {} publishes no `{SUMS_FILE}`, so `{archive}` cannot be verified",
            release.tag
        ))
        .hint(format!(
            "haul was not changed; it replaces itself only with an archive its release's `{SUMS_FILE}` vouches for"
        ))
        .exit(ExitCode::Verification));
    };
    let mut by = vec![SUMS_FILE];
    if asset
        .digest
        .as_deref()
        .is_some_and(|d| d.starts_with("sha256:"))
    {
        by.push("api-digest");
    }
    Ok(Checked {
        release,
        archive,
        asset,
        sums,
        by,
    })
}

/// The running haul's file as the update found it (its size and time of change): a file
/// another `haul self update` replaced meanwhile is not replaced a second time.
pub struct Running {
    path: PathBuf,
    seen: Option<(u64, std::time::SystemTime)>,
}

impl Running {
    pub fn of(path: &Path) -> Running {
        Running {
            path: path.to_path_buf(),
            seen: Self::stamp(path),
        }
    }

    fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    }

    /// Whether the file at its path is no longer the one the update found.
    fn replaced(&self) -> bool {
        Self::stamp(&self.path) != self.seen
    }
}

/// One self update at a time: a lock on the running haul's own file (whatever haul's home
/// each was started with), held until the returned value goes. A second update waits for the
/// first (`waiting` is told when it does), then finds haul replaced and changes nothing:
/// replacing haul from a copy another update already replaced would fail half-way. Where the
/// file cannot be locked (a file system without locks), updates are not kept apart.
pub fn one_at_a_time(running: &Running, waiting: impl FnOnce(&Path)) -> Result<UpdateLock> {
    // Read only: a running program cannot be opened to write on Linux.
    let file = std::fs::File::open(&running.path).ok();
    let held = match &file {
        None => false,
        Some(file) => match crate::stopping::lock(file, || waiting(&running.path)) {
            Ok(true) => true,
            Ok(false) => {
                return Err(UserError::new("interrupted; haul was not changed")
                    .exit(crate::error::ExitCode::Interrupted)
                    .into());
            }
            // A file system without locks: updates are not kept apart.
            Err(_) => false,
        },
    };
    if running.replaced() {
        return Err(UserError::new(format!(
            "`{}` was replaced by another `haul self update` while this one ran; this one changed nothing",
            running.path.display()
        ))
        .hint("`haul --version` says which version is there now; run `haul self update` again if it is not the one wanted")
        .into());
    }
    Ok(UpdateLock(file.filter(|_| held).map(std::sync::Arc::new)))
}

/// The lock [`one_at_a_time`] holds on haul's file.
#[derive(Clone)]
pub struct UpdateLock(Option<std::sync::Arc<std::fs::File>>);

impl UpdateLock {
    /// Let go once haul is replaced. Windows holds such a lock against reads through other
    /// handles too, and deleting the old haul after haul exits starts by copying it.
    #[cfg_attr(not(windows), allow(dead_code))]
    fn release(&self) {
        if let Some(file) = &self.0 {
            let _ = file.unlock();
        }
    }
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

/// The release to install (checked by [`check_release`]) and how to report progress.
pub struct Replacement<'a> {
    pub http: &'a Http,
    pub checked: &'a Checked<'a>,
    pub progress: &'a dyn Progress,
    /// What the archive may unpack to (the user's `max-unpacked-size`, `max-archive-entries`).
    pub limits: crate::unpack::Limits,
    /// The lock that keeps other updates of this haul waiting ([`one_at_a_time`]).
    pub lock: &'a UpdateLock,
}

/// The archive of a release, downloaded and verified, in a temporary directory of its own
/// (removed when this goes).
pub struct Downloaded {
    dir: tempfile::TempDir,
    path: PathBuf,
}

/// Download the archive of the release for this target and check it against the release's
/// `sha256.sum` and the API digest: the first half of replacing the running haul
/// ([`install_downloaded`] is the second). Nothing is changed yet: dropping this future
/// (Ctrl-C) leaves nothing behind.
pub async fn download(r: &Replacement<'_>) -> Result<Downloaded> {
    let Checked {
        release,
        archive,
        asset,
        sums,
        ..
    } = r.checked;
    let tag = release.tag.as_str();

    let text = r
        .http
        .get_text(&sums.url, "application/octet-stream")
        .await
        .with_context(|| format!("fetching `{SUMS_FILE}` of haul {tag}"))?;
    // `sha256.sum` must name the archive; the API's digest, when there is one, must agree.
    let from_sums = Answer::from(verify::find(FileKind::List, SUMS_FILE, &text, archive));
    if from_sums == Answer::NotListed {
        return Err(
            UserError::new(format!("no checksum for `{archive}` in haul {tag}"))
                .caused_by(format!("`{SUMS_FILE}` does not list it"))
                .hint(format!(
            "haul was not changed; it replaces itself only with an archive its release's `{SUMS_FILE}` vouches for"
        ))
                .exit(ExitCode::Verification)
                .into(),
        );
    }
    let mut answers = vec![(Verified::File(SUMS_FILE.to_owned()), from_sums)];
    if let Some(api) = asset.digest.as_deref().and_then(ApiDigest::parse) {
        answers.push((Verified::Digest, Answer::from(&api)));
    }
    let unchanged = |err: verify::VerifyError, what: &str| {
        err.to_user_error_saying(what, "haul was not changed")
    };
    let expected = verify::combine(answers)
        .map_err(|err| unchanged(err, archive))?
        .ok_or_else(|| UserError::new(format!("no checksum for `{archive}` in haul {tag}")))?;

    let dir = tempfile::Builder::new()
        .prefix("haul-update-")
        .tempdir()
        .context("creating a directory for the update")?;
    let path = dir.path().join(archive);
    let mut file = fs_err::File::create(&path)?;
    let mut hasher = Hasher::for_expected(&expected);
    let size = Some(asset.size).filter(|&n| n > 0);
    r.http
        .download(&asset.url, size, r.progress, async |chunk: bytes::Bytes| {
            hasher.update(&chunk);
            file.write_all(&chunk).context("writing the download")
        })
        .await
        .with_context(|| format!("downloading `{archive}` of haul {tag}"))?;
    file.flush()?;
    drop(file);
    verify::check(&expected, &hasher.finish()).map_err(|err| unchanged(err, archive))?;
    Ok(Downloaded { dir, path })
}

/// Unpack the verified archive and put its haul in place of the running one. Once started,
/// this runs to its end, whatever happens to the future; a stop (Ctrl-C, SIGTERM, heard by a
/// listener of the caller's: [`crate::stopping`]) ends it with [`crate::stopping::Stopped`]
/// until the new haul is being put in place, which then finishes.
pub async fn install_downloaded(r: &Replacement<'_>, downloaded: Downloaded) -> Result<String> {
    let release = r.checked.release;
    let inside = path_in_archive(target());
    let limits = r.limits;
    // The new haul may be older than this one only when an older release was asked for.
    let running = Version::from_tag(env!("CARGO_PKG_VERSION"));
    let floor = match (release.version.clone(), running) {
        (Some(release), Some(running)) => Some(release.min(running)),
        (_, running) => running,
    };
    let lock = r.lock.clone();
    tokio::task::spawn_blocking(move || {
        let Downloaded { dir, path } = downloaded;
        install(&path, dir.path(), &inside, &limits, floor.as_ref(), &lock)
    })
    .await
    .context("the update task stopped")??;
    Ok(release.version.as_ref().map_or_else(
        || release.tag.trim_start_matches('v').to_owned(),
        ToString::to_string,
    ))
}

/// Unpack the verified `archive` into `dir` with haul's own unpacker (every check an
/// installed tool's archive gets), and put the executable at `inside` in place of the running
/// one.
fn install(
    archive: &Path,
    dir: &Path,
    inside: &str,
    limits: &crate::unpack::Limits,
    floor: Option<&Version>,
    lock: &UpdateLock,
) -> Result<()> {
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unpacked = dir.join("unpacked");
    fs_err::create_dir(&unpacked)?;
    crate::unpack::unpack_file(
        crate::unpack::Format::of(&name),
        archive,
        &unpacked,
        &name,
        "haul",
        limits,
    )
    .map_err(|err| {
        // What the unpacker refuses is the release's fault; anything else (a full disk) is
        // said as it is.
        if err.downcast_ref::<UserError>().is_none() {
            return err;
        }
        UserError::new(format!("`{name}` cannot be unpacked"))
            .caused_by(crate::error::Report::of(&err).one_line())
            .hint(BROKEN_RELEASE)
            .into()
    })?;
    let new_exe = unpacked.join(inside);
    check_new_exe(&new_exe, inside)?;
    // The file the new haul takes the place of (a link to haul is followed, as self_replace
    // does), named before it goes: afterwards the running haul's name is the deleted file's.
    let exe = std::env::current_exe().unwrap_or_default();
    let placed = std::fs::canonicalize(&exe).unwrap_or_else(|_| exe.clone());
    let beside = placed.parent().unwrap_or(Path::new("."));
    sweep_leftovers(beside, &placed);
    crate::stopping::check()?;
    let trial = Trial::start(&new_exe, beside, inside, floor)?;
    // The last moment a stop is heard: from here haul is being replaced, and that, and what
    // follows it (the install receipt), runs to its end.
    crate::stopping::check()?;
    crate::install::stop::no_stop_from_here();
    put_in_place(&trial.path, &placed, lock).map_err(|err| {
        if let Some(old) = &err.stranded {
            return UserError::new(format!(
                "haul could not put itself back at `{}` after a failed update",
                placed.display()
            ))
            .caused_by(err.error.to_string())
            .hint(format!(
                "the old haul is `{}`: rename it to `{}`",
                old.display(),
                placed.display()
            ));
        }
        // The new haul was written beside it: the directory is writable, the file itself is
        // what may not be replaced.
        let denied = err.error.kind() == std::io::ErrorKind::PermissionDenied;
        let hint = if denied {
            format!(
                "haul was not changed; `{}` is protected against being replaced (another user's file in a directory only owners may change, or made immutable): run it as the user it belongs to, lift the protection, or reinstall haul with its installer: {INSTALLER}",
                placed.display()
            )
        } else {
            "haul was not changed".to_owned()
        };
        UserError::new(format!("haul cannot replace `{}`", placed.display()))
            .caused_by(err.error.to_string())
            .hint(hint)
    })?;
    flush(&placed);
    Ok(())
}

/// Why the new haul could not be put in place; `stranded` names where the old haul was left
/// when it could not be put back either (Windows).
struct PlaceError {
    error: std::io::Error,
    stranded: Option<PathBuf>,
}

/// Put the tried copy `trial` (beside haul) in place of the running haul at `placed`. Unix:
/// `self_replace` (a copy beside it renamed over it: haul is the old one or the new one, never
/// none).
#[cfg(not(windows))]
fn put_in_place(trial: &Path, _placed: &Path, _lock: &UpdateLock) -> Result<(), PlaceError> {
    self_replace::self_replace(trial).map_err(|error| PlaceError {
        error,
        stranded: None,
    })
}

/// Windows: a running `.exe` cannot be written or deleted, but it can be renamed. haul moves
/// aside, the tried copy takes its name, and on a failure haul moves back: two renames in one
/// directory, so nothing is copied that a full disk could stop half-way (`self_replace` moves
/// haul aside first and then copies, which left no haul when the copy failed). The old haul is
/// deleted once this one exits, or by the next update.
#[cfg(windows)]
fn put_in_place(trial: &Path, placed: &Path, lock: &UpdateLock) -> Result<(), PlaceError> {
    let old = placed.with_file_name(format!(".haul-old-{}.exe", std::process::id()));
    std::fs::rename(placed, &old).map_err(|error| PlaceError {
        error,
        stranded: None,
    })?;
    if let Err(error) = std::fs::rename(trial, placed) {
        let stranded = std::fs::rename(&old, placed).is_err().then_some(old);
        return Err(PlaceError { error, stranded });
    }
    // Another update waiting on the old file finds haul replaced once it has the lock.
    lock.release();
    let _ = self_replace::self_delete_at(&old);
    Ok(())
}

/// Put the new haul at `path` on the disk, and (on Unix) its name in its directory, before
/// haul says it is done: `self_replace` copies it and renames the copy into place without a
/// flush, and on some file systems a power cut could then leave an empty haul, which cannot
/// update itself again. Best effort: the update itself has succeeded.
fn flush(path: &Path) {
    let _ = crate::paths::flush_file(path);
    if let Some(dir) = path.parent() {
        let _ = crate::paths::flush_dir(dir);
    }
}

/// The new haul, copied beside the running one and started once (`--version`) before it takes
/// its place: a file that verifies and looks right can still fail to start here (a truncated
/// program, a script whose interpreter is missing), and haul would be left with no haul that
/// runs. It runs from beside the running haul, whose file system lets programs run, which a
/// temporary directory's may not. The copy goes when this does.
struct Trial {
    path: PathBuf,
}

/// Remove what an update killed part-way (the power cut, `kill -9`) left beside haul, at
/// `placed`, in `dir` (see [`leftover_name`]). Only those names, only files, and only ones
/// older than `LEFTOVER_AGE`, so an update running beside this one keeps its files. Best
/// effort (a running old haul on Windows cannot be deleted yet).
fn sweep_leftovers(dir: &Path, placed: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let stem = placed
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !leftover_name(&name, &stem) {
            continue;
        }
        let stale = entry.metadata().is_ok_and(|meta| {
            meta.is_file()
                && meta
                    .modified()
                    .ok()
                    .and_then(|at| at.elapsed().ok())
                    .is_some_and(|age| age > LEFTOVER_AGE)
        });
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `name`, beside the haul whose file is named `stem`, is what an update leaves when
/// it is killed part-way: a trial copy (`.haul-update-PID`), the old haul moved aside on
/// Windows (`.haul-old-PID.exe`), or `self_replace`'s copies (`.STEM.__temp__XXXXXX` on
/// Unix; `.STEM.` and 32 letters, then `.__temp__.exe`, `.__relocated__.exe` or
/// `.__selfdelete__.exe` on Windows).
fn leftover_name(name: &str, stem: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let windows_copy = name
        .strip_prefix(&format!(".{stem}."))
        .and_then(|rest| {
            [".__temp__.exe", ".__relocated__.exe", ".__selfdelete__.exe"]
                .iter()
                .find_map(|suffix| rest.strip_suffix(suffix))
        })
        .is_some_and(|letters| {
            letters.len() == 32 && letters.bytes().all(|b| b.is_ascii_lowercase())
        });
    Trial::is_name(name)
        || crate::paths::random_name(name, &format!(".{stem}.__temp__"))
        || windows_copy
        || name
            .strip_prefix(".haul-old-")
            .and_then(|rest| rest.strip_suffix(".exe"))
            .is_some_and(digits)
}

/// How old a leftover of an update must be before another update removes it: far longer than
/// an update takes to try and place the new haul.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// How long the new haul may take to say its version.
const TRIAL_TIME: std::time::Duration = std::time::Duration::from_secs(30);

impl Trial {
    /// The trial copy's name: `.haul-update-PID` (and `.exe` on Windows).
    const PREFIX: &str = ".haul-update-";

    /// Whether `name` is one a trial copy gets.
    fn is_name(name: &str) -> bool {
        name.strip_prefix(Self::PREFIX)
            .map(|rest| {
                rest.strip_suffix(std::env::consts::EXE_SUFFIX)
                    .unwrap_or(rest)
            })
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The trial of `new_exe`, which must say it is haul, at `floor` or newer; ended (the copy
    /// killed and removed) when haul is told to stop meanwhile.
    fn start(
        new_exe: &Path,
        beside: &Path,
        inside: &str,
        floor: Option<&Version>,
    ) -> Result<Trial> {
        let path = beside.join(format!(
            "{}{}{}",
            Self::PREFIX,
            std::process::id(),
            std::env::consts::EXE_SUFFIX
        ));
        // A new file, never one already there: the name can be guessed, and a link planted
        // at it would have the copy written wherever it points.
        let mut copy = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|err| {
                let what = UserError::new(format!("cannot write `{}`", path.display()))
                    .caused_by(err.to_string());
                if err.kind() == std::io::ErrorKind::AlreadyExists {
                    what.hint("haul was not changed; remove that file if no update of haul is running, then try again")
                } else {
                    what.hint("haul was not changed")
                }
            })?;
        let trial = Trial { path };
        std::io::copy(&mut fs_err::File::open(new_exe)?, &mut copy)
            .with_context(|| format!("writing `{}`", trial.path.display()))?;
        drop(copy);
        crate::unpack::set_executable(&trial.path)?;
        let refused = |why: String| -> anyhow::Error { not_runnable(inside, why).into() };
        let mut child = std::process::Command::new(&trial.path)
            .arg("--version")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|err| refused(format!("it does not start: {err}")))?;
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if crate::stopping::requested() {
                let _ = child.kill();
                let _ = child.wait();
                return Err(crate::stopping::Stopped.into());
            }
            if started.elapsed() > TRIAL_TIME {
                let _ = child.kill();
                let _ = child.wait();
                return Err(refused(format!(
                    "`--version` did not finish within {} s",
                    TRIAL_TIME.as_secs()
                )));
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let mut said = String::new();
        if let Some(mut out) = child.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut out, &mut said);
        }
        if !status.success() || !said.starts_with("haul ") {
            return Err(refused(format!(
                "`--version` {} and printed {:?}",
                status,
                said.lines().next().unwrap_or_default()
            )));
        }
        // A release may not take haul back to an older version under a newer tag.
        let says = said.split_whitespace().nth(1).and_then(Version::from_tag);
        if let (Some(says), Some(floor)) = (&says, floor)
            && says < floor
        {
            return Err(UserError::new(format!(
                "`{inside}` in the release is haul {says}, older than {floor}"
            ))
            .caused_by("haul goes back to an older version only when `--version` asks for it")
            .hint("haul was not changed; the release is not what its tag says, report it to haul's authors")
            .into());
        }
        Ok(trial)
    }
}

impl Drop for Trial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The haul at `inside` in a verified release cannot run here, for `why`.
fn not_runnable(inside: &str, why: String) -> UserError {
    UserError::new(format!(
        "`{inside}` in the release is not a haul that runs here"
    ))
    .caused_by(why)
    .hint(BROKEN_RELEASE)
}

/// The hint when a verified release cannot be installed.
const BROKEN_RELEASE: &str =
    "haul was not changed; the release is broken, report it to haul's authors";

/// The unpacked haul must be there, a regular file (replacing itself with a link would install
/// a copy of whatever the link names on this machine), a program for this platform, and one
/// that can start here: an archive that verifies is not yet one that runs.
fn check_new_exe(path: &Path, inside: &str) -> Result<()> {
    let refused = |why: String| not_runnable(inside, why);
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Err(
            UserError::new(format!("the archive does not hold `{inside}`"))
                .hint("haul was not changed; the release is not laid out as haul's releases are")
                .into(),
        );
    };
    if !meta.file_type().is_file() {
        return Err(refused("it is not a regular file".to_owned()).into());
    }
    let kind = elf::inspect(&mut fs_err::File::open(path)?)
        .with_context(|| format!("reading `{}`", path.display()))?;
    executables::check_program(&kind, "haul", crate::platform::host::platform())
        .map_err(|err| refused(err.one_line()))?;
    elf::can_run(&kind, "haul", &crate::platform::host::runtime())
        .map_err(|why| refused(why.to_user_error(inside).one_line()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_updates_leftovers_are_known_by_name() {
        let letters = "abcdefghijklmnopqrstuvwxyzabcdef";
        for name in [
            ".haul-update-4242",
            &format!(".haul-update-4242{}", std::env::consts::EXE_SUFFIX),
            ".haul.__temp__a1B2c3",
            ".haul-old-4242.exe",
            &format!(".haul.{letters}.__temp__.exe"),
            &format!(".haul.{letters}.__relocated__.exe"),
            &format!(".haul.{letters}.__selfdelete__.exe"),
        ] {
            assert!(leftover_name(name, "haul"), "{name}");
        }
        for name in [
            "haul",
            "haul.exe",
            ".haul-update-",
            ".haul-update-12x",
            ".haul.__temp__a1B2c3d",
            "x.haul.__temp__a1B2c3",
            ".haul-old-.exe",
            ".haul-old-12",
            &format!(".haul.{}.__temp__.exe", &letters[1..]),
            &format!(".haul.{}.__temp__.exe", letters.to_uppercase()),
            &format!(".other.{letters}.__temp__.exe"),
            &format!(".haul.{letters}.__kept__.exe"),
        ] {
            assert!(!leftover_name(name, "haul"), "{name}");
        }
    }

    fn v(text: &str) -> Version {
        Version::from_tag(text).unwrap()
    }

    /// The trial copy's name can be guessed (its PID): whatever is already there, a file or
    /// a link planted to have the copy written elsewhere, is refused and left as it is.
    #[test]
    fn the_trial_copy_is_never_written_over_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let new_exe = dir.path().join("new-haul");
        std::fs::write(&new_exe, b"new haul").unwrap();
        let name = format!(
            "{}{}{}",
            Trial::PREFIX,
            std::process::id(),
            std::env::consts::EXE_SUFFIX
        );
        let at = dir.path().join(&name);
        std::fs::write(&at, b"mine").unwrap();
        let err = Trial::start(&new_exe, dir.path(), "haul", None)
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        assert_eq!(std::fs::read(&at).unwrap(), b"mine");
        #[cfg(unix)]
        {
            let victim = dir.path().join("victim");
            std::fs::write(&victim, b"victim").unwrap();
            std::fs::remove_file(&at).unwrap();
            std::os::unix::fs::symlink(&victim, &at).unwrap();
            assert!(Trial::start(&new_exe, dir.path(), "haul", None).is_err());
            assert_eq!(std::fs::read(&victim).unwrap(), b"victim");
            assert!(std::fs::symlink_metadata(&at).unwrap().is_symlink());
        }
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
            "haul-aarch64-apple-darwin/haul"
        );
        assert_eq!(path_in_archive("x86_64-pc-windows-msvc"), "haul.exe");
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
            check_release(&full).unwrap().by,
            vec!["sha256.sum", "api-digest"]
        );
        let no_digest = release(&[(&archive, None), ("sha256.sum", None)]);
        assert_eq!(check_release(&no_digest).unwrap().by, vec!["sha256.sum"]);
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
