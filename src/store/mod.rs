//! The store (`HAUL_HOME`): installed versions side by side, one record per tool, and the
//! links in the bin dirs.
//!
//! The only module that writes into the store and the bin dirs. Every change is made under an
//! exclusive file lock, as a [`Change`] written first to a journal: a crash at any point leaves
//! a journal that the next run (or `haul doctor --fix`) completes, and a change that fails in
//! the running process is undone before the error is returned. Leftovers of interrupted runs
//! are removed the first time a process takes the lock.
//!
//! Layout:
//! ```text
//! HAUL_HOME/store.lock              the lock
//! HAUL_HOME/records/NAME.json       one record per tool (record.rs)
//! HAUL_HOME/tools/NAME/VERSION/     each stored version
//! HAUL_HOME/journal/NAME.json       a change under way
//! HAUL_HOME/staging/ID/, ID.lock    work in progress; in use while its lock is held
//! ```

mod check;
mod journal;
pub mod link;
pub mod record;
pub mod running;
mod staging;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use fs_err as fs;

use crate::error::UserError;
use check::installed_as;
pub use check::{
    ExeState, Problem, dir_gone, executable_at, install_again, install_command, modified,
    reinstall_hint, spelled,
};
pub use journal::{Change, NotDeleted, Pending};
pub use record::{Bin, Link, Record};
pub use staging::Staging;

/// The store of this process's settings.
#[derive(Debug, Clone)]
pub struct Store {
    pub home: PathBuf,
    /// The bin dir new links go to.
    pub bin_dir: PathBuf,
    /// Where the links of haul 0.1's records are (they name none): the configured bin dir.
    legacy_bin_dir: PathBuf,
    notice: Notice,
}

/// Told what the user should know of the store that a command's result does not say.
pub trait Notices: Send + Sync {
    /// Another haul holds the store's lock, and this one waits for it.
    fn waiting_for_lock(&self, lock: &Path);
    /// A change a stopped haul left half-done cannot be completed or undone now, and why.
    fn not_completed(&self, name: &str, why: &str);
    /// A change is done, but what it removed could not be deleted from `staging/`.
    fn not_deleted(&self, left: &NotDeleted);
    /// A journal that could not be read (damaged) was removed: what it changed is not known.
    fn unreadable_journal(&self, path: &Path);
}

/// What [`Store::tidy`] could not do.
pub struct Tidied {
    /// The changes left half-done that could not be completed or undone (tool, why).
    pub unfinished: Vec<(String, String)>,
    /// The leftovers in `staging/` that could not be removed (where, why).
    pub not_removed: Vec<(PathBuf, String)>,
}

/// Nobody listening.
impl Notices for () {
    fn waiting_for_lock(&self, _lock: &Path) {}
    fn not_completed(&self, _name: &str, _why: &str) {}
    fn not_deleted(&self, _left: &NotDeleted) {}
    fn unreadable_journal(&self, _path: &Path) {}
}

#[derive(Clone)]
struct Notice(std::sync::Arc<dyn Notices>);

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notice")
    }
}

/// Held while the store changes.
pub struct Lock {
    file: std::fs::File,
    _mine: Mine,
}

/// This process's threads that hold the store's lock or wait for it. The lock is on a file, so
/// two threads of one haul (two installs committing at once) wait for each other too; only
/// a wait for another process is worth a word.
static MINE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One count in [`MINE`], for as long as it lives.
struct Mine;

impl Mine {
    fn new() -> Mine {
        MINE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Mine
    }
}

impl Drop for Mine {
    fn drop(&mut self) {
        MINE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Lock {
    /// Unlocked before [`Mine`] lets go, so that a thread that finds the file locked while
    /// this process still counts itself never takes this process for another.
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// A record that cannot be read.
#[derive(Debug, Clone)]
pub struct Damaged {
    pub name: String,
    pub error: UserError,
    /// Written by a newer haul: not damaged, only unreadable to this one. Its tool may be
    /// whole, so nothing removes it unless the user names it.
    pub newer: bool,
}

/// How `doctor --fix` mends a damaged record (see [`Store::mendable`]).
pub enum Mend {
    /// The record of a tool a change to which is half-done: left as it is until that change is
    /// done (removing it would remove the tool's versions).
    Wait { own: String },
    /// A record renamed by hand: its file goes back under the name of the tool it describes.
    Rename { own: String },
    /// A record sound but for links haul could not have made, or that something else stands
    /// at now: the record without them (those are left as they are).
    DropLinks {
        record: Box<Record>,
        dropped: Vec<Link>,
    },
}

/// Every record, and the ones that cannot be read.
#[derive(Debug, Default)]
pub struct Records {
    pub ok: Vec<Record>,
    pub damaged: Vec<Damaged>,
}

/// Whether this process has said it waits for another haul's lock (it says so once).
static WAITED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process holds a store still to read it (see [`Store::reading`]): it must not
/// then wait for the store's lock, which its own reading keeps from being taken.
static READING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A store held still while a command reads it (see [`Store::reading`]); let go when dropped.
pub struct Reading {
    _file: Option<std::fs::File>,
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The stores whose leftovers this process has looked for (once each).
static SWEPT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The step at which a test stops haul (`HAUL_TEST_PAUSE_AT`, read by settings). Debug builds
/// only: the crash tests need a haul that stops at a known step to kill it there, and no
/// release build (what users install) has this.
#[cfg(debug_assertions)]
static PAUSE_AT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Stop at `step` of every change (for the crash tests: they kill haul there with SIGKILL).
#[cfg(debug_assertions)]
pub fn set_pause_point(step: Option<String>) {
    if let Some(step) = step {
        let _ = PAUSE_AT.set(step);
    }
}

/// Where a test may stop haul: prints `haul: paused at STEP` on stderr and waits, with the
/// store locked, to be killed, or for a line on stdin to go on (stdin closed: it waits to be
/// killed). Nothing in a release build.
pub(crate) fn pause_point(step: &str) {
    #[cfg(debug_assertions)]
    if PAUSE_AT.get().is_some_and(|at| at == step) {
        use std::io::Write as _;
        let mut err = std::io::stderr();
        let _ = writeln!(err, "haul: paused at {step}");
        let _ = err.flush();
        if std::io::stdin()
            .read_line(&mut String::new())
            .is_ok_and(|n| n > 0)
        {
            return;
        }
        loop {
            std::thread::park();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

impl Store {
    pub fn new(home: PathBuf, bin_dir: PathBuf) -> Store {
        Store {
            home,
            legacy_bin_dir: bin_dir.clone(),
            bin_dir,
            notice: Notice(std::sync::Arc::new(())),
        }
    }

    /// The same store, reading haul 0.1's records as linked in `dir` (the configured bin
    /// dir, when this command's `--bin-dir` names another).
    pub fn with_legacy_bin_dir(self, dir: PathBuf) -> Store {
        Store {
            legacy_bin_dir: dir,
            ..self
        }
    }

    /// The same store, telling `notice` when it waits for another haul's lock.
    pub fn with_notice(self, notice: std::sync::Arc<dyn Notices>) -> Store {
        Store {
            notice: Notice(notice),
            ..self
        }
    }

    pub fn records_dir(&self) -> PathBuf {
        self.home.join(RECORDS)
    }

    pub fn record_path(&self, name: &str) -> PathBuf {
        self.records_dir().join(format!("{name}.json"))
    }

    pub fn tools_dir(&self) -> PathBuf {
        self.home.join("tools")
    }

    pub fn tool_dir(&self, name: &str) -> PathBuf {
        self.tools_dir().join(name)
    }

    /// What is under `tools/NAME/`, by name (the versions stored, whatever a record says).
    pub fn entries_of(&self, name: &str) -> Vec<String> {
        std::fs::read_dir(self.tool_dir(name))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The file whose lock serializes changes to the store (and holds it still for readers).
    fn lock_path(&self) -> PathBuf {
        self.home.join("store.lock")
    }

    pub fn version_dir(&self, name: &str, key: &str) -> PathBuf {
        self.tool_dir(name).join(key)
    }

    fn staging_root(&self) -> PathBuf {
        self.home.join("staging")
    }

    /// Why no change to the store could be made, each with what to do (for `haul doctor`): a
    /// store that cannot be written (tried with a temporary file that never has a name where
    /// it can, and is gone at once), or, on Unix, `tools/` and `staging/` on different file
    /// systems (a version moves into place by a rename).
    pub fn cannot_change(&self) -> Vec<(String, &'static str)> {
        let mut why = Vec::new();
        if self.home.is_dir()
            && let Err(err) = tempfile::tempfile_in(&self.home)
        {
            why.push((
                format!("haul's store `{}` cannot be written: {err}", self.home.display()),
                "make it writable, or point `HAUL_HOME` at a directory you own; every install and uninstall fails until then",
            ));
        }
        if let Err(err) = crate::paths::not_special(&self.lock_path()) {
            why.push((
                format!("haul's lock file cannot be used: {err}"),
                "remove it (haul makes it again); every install and uninstall fails until then",
            ));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            if let (Ok(tools), Ok(staging)) = (
                std::fs::metadata(self.tools_dir()),
                std::fs::metadata(self.staging_root()),
            ) && tools.dev() != staging.dev()
            {
                why.push((
                    format!(
                        "`{}` and `{}` are on different file systems",
                        self.tools_dir().display(),
                        self.staging_root().display()
                    ),
                    "keep them on one (a link that moves `tools/` to another disk must take `staging/` with it): versions move into place by a rename, and every install fails",
                ));
            }
        }
        why
    }

    fn journal_dir(&self) -> PathBuf {
        self.home.join("journal")
    }

    /// The file a record's link points at.
    pub fn link_target(&self, record: &Record, link: &Link) -> Option<PathBuf> {
        self.linked_bin(record, link).map(|(_, path, _)| path)
    }

    /// The executable `link` names, in the version it is pinned to or else the active one:
    /// that version's key, where the executable is, and the executable.
    pub fn linked_bin<'r>(
        &self,
        record: &'r Record,
        link: &Link,
    ) -> Option<(&'r str, PathBuf, &'r Bin)> {
        let (key, installed) = record
            .versions
            .get_key_value(link.version.as_deref().or(record.active.as_deref())?)?;
        let bin = installed.bins.iter().find(|b| b.link == link.bin)?;
        Some((
            key,
            self.version_dir(&record.name, key).join(&bin.path),
            bin,
        ))
    }

    /// Take the store's lock, waiting for another haul process to finish. The first time in a
    /// process, changes a crash left half-done are completed and leftovers removed.
    pub fn lock(&self) -> Result<Lock> {
        let lock = self.lock_as_left()?;
        let first = SWEPT
            .lock()
            .is_ok_and(|mut swept| swept.insert(self.home.clone()));
        if first {
            // A journal that cannot be completed now is reported by `haul doctor`; it must not
            // stop commands that have nothing to do with it.
            let _ = self.tidy(&lock);
        }
        Ok(lock)
    }

    /// Under the lock: complete (or undo) the changes a killed haul left and remove what
    /// interrupted runs left; the changes that could not be completed, with why, and the
    /// leftovers that could not be removed, with why. [`Store::lock`] does it the first time.
    pub fn tidy(&self, _lock: &Lock) -> Tidied {
        if let Ok(mut swept) = SWEPT.lock() {
            swept.insert(self.home.clone());
        }
        let unfinished = self.recover();
        let not_removed = staging::sweep(&self.staging_root(), &journal::staging_needed(self));
        sweep_temp_files(&self.records_dir());
        sweep_temp_files(&self.journal_dir());
        Tidied {
            unfinished,
            not_removed,
        }
    }

    /// The store lock, with the store as other hauls left it: what a killed haul left is
    /// still there, for `haul doctor --fix` to see and say before it tidies it.
    pub fn lock_as_left(&self) -> Result<Lock> {
        // Its own reading keeps the lock from being taken: waiting would never end.
        if READING.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(UserError::new(
                "the store is held still for reading, and cannot be changed now",
            )
            .into());
        }
        let path = self.lock_path();
        if let Err(err) = crate::paths::not_special(&path) {
            return Err(UserError::new(format!("cannot lock `{}`", path.display()))
                .caused_by(err.to_string())
                .hint("remove it (haul makes it again); nothing can be changed until then")
                .into());
        }
        // Another haul in the middle of a change holds it: say so once, then wait.
        let mine = Mine::new();
        let held = crate::paths::hold(&path, || {
            let others_here = MINE.load(std::sync::atomic::Ordering::SeqCst) > 1;
            if !others_here && !WAITED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                self.notice.0.waiting_for_lock(&path);
            }
        })
        .with_context(|| format!("locking `{}`", path.display()))?;
        let Some(file) = held else {
            return Err(UserError::new(
                "stopped while waiting for another haul to finish changing the store; this change was not made",
            )
            .into());
        };
        Ok(Lock { file, _mine: mine })
    }

    /// A fresh staging directory on the same file system as `tools/`, so that committing it is
    /// a rename; made under the store lock, so that no sweep can see it half-made.
    pub fn staging(&self, name: &str) -> Result<Staging> {
        let _lock = self.lock()?;
        Staging::create(&self.staging_root(), name)
    }

    /// Hold the store still while a command reads it, so that what it reads (records, links,
    /// executables) is all of one moment, never a change half-made: other readers read too,
    /// a change waits until this is dropped, and this waits (saying so) for a change under
    /// way. Changes left half-done are completed first. A store never changed has nothing to
    /// hold.
    pub fn reading(&self) -> Result<Reading> {
        let cannot = self.settle_or_why();
        let path = self.lock_path();
        let file = crate::paths::not_special(&path)
            .ok()
            .and_then(|()| std::fs::File::open(&path).ok());
        if let Some(file) = &file {
            let held = crate::stopping::lock_shared(file, || self.notice.0.waiting_for_lock(&path))
                .with_context(|| format!("locking `{}`", path.display()))?;
            if !held {
                return Err(UserError::new(
                    "stopped while waiting for another haul to finish changing the store",
                )
                .into());
            }
        }
        // What is left now no haul is completing: said, as this one cannot complete it.
        if let Some(why) = cannot {
            for left in self.pending() {
                self.notice.0.not_completed(
                    &left.name,
                    &format!("this haul cannot take the store's lock ({why})"),
                );
            }
        }
        READING.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(Reading { _file: file })
    }

    /// Before reading: when a change was left half-done (a crashed process), complete it under
    /// the lock, so that no command sees the store between two steps of a change. Held still
    /// for reading ([`Store::reading`]), no change is under way, and what is left stays.
    fn settle(&self) {
        let _ = self.settle_or_why();
    }

    /// [`Store::settle`], saying why this haul could not take the lock to complete a change
    /// left half-done (a store this user may not write to).
    fn settle_or_why(&self) -> Option<String> {
        if READING.load(std::sync::atomic::Ordering::SeqCst) || !journal::any(self) {
            return None;
        }
        match self.lock() {
            Ok(_lock) => {
                for (name, why) in self.recover() {
                    self.notice.0.not_completed(&name, &why);
                }
                None
            }
            Err(err) => Some(crate::error::Report::of(&err).one_line()),
        }
    }

    /// The record of `name`; an error when it is damaged or from a newer haul.
    pub fn read(&self, name: &str) -> Result<Option<Record>, UserError> {
        self.settle();
        let path = self.record_path(name);
        match read_text(&path) {
            Ok(text) => match self.parse(&path, &text) {
                Ok(record) => Ok(Some(record)),
                // Where the file system ignores case (Windows, macOS), `FOO.json` opens
                // `foo.json`: the record of `foo`, which is not damaged, and no `FOO`.
                Err(_)
                    if cfg!(any(windows, target_os = "macos"))
                        && record::parse(&text, &self.legacy_bin_dir)
                            .is_ok_and(|r| crate::names::differ_only_in_case(&r.name, name)) =>
                {
                    Ok(None)
                }
                Err(damaged) => Err(damaged.error),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(UserError::new(format!("cannot read `{}`", path.display()))
                .caused_by(err.to_string())),
        }
    }

    fn parse(&self, path: &Path, text: &str) -> Result<Record, Damaged> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let damaged = |why: String| {
            Damaged {
            error: UserError::new(format!("the record `{}` is damaged", path.display()))
                .caused_by(why)
                .hint(format!(
                    "`haul uninstall {name}` removes it, or `haul install TOOL --force` (naming the tool \
                     as it was installed) replaces it"
                )),
            name: name.clone(),
            newer: false,
        }
        };
        match record::parse(text, &self.legacy_bin_dir) {
            Ok(mut record) if record.name == name => {
                record
                    .settle_guesses(|key, path| self.version_dir(&name, key).join(path).is_file());
                Ok(record)
            }
            Ok(record) => Err(damaged(format!(
                "it describes `{}`, not `{name}`",
                record.name
            ))),
            Err(record::ParseError::Damaged(why)) => Err(damaged(why)),
            Err(record::ParseError::Newer(format)) => Err(Damaged {
                error: UserError::new(format!(
                    "the record `{}` was written by a newer haul (format {format})",
                    path.display()
                ))
                .hint("update haul with `haul self update`"),
                name,
                newer: true,
            }),
        }
    }

    /// What of the damaged record of `name` is sound (see [`record::salvage`]): the record
    /// it describes (of `name`, or of another tool whose record was renamed), and the links
    /// haul could not have made that it leaves out.
    pub fn salvage(&self, name: &str) -> Option<(Record, Vec<Link>)> {
        let text = read_text(&self.record_path(name)).ok()?;
        let (mut record, dropped) = record::salvage(&text, &self.legacy_bin_dir)?;
        let described = record.name.clone();
        record.settle_guesses(|key, path| self.version_dir(&described, key).join(path).is_file());
        Some((record, dropped))
    }

    /// Whether a change to `name` is half-done (its journal is there, to complete or undo).
    pub fn half_done(&self, name: &str) -> bool {
        link::present(&journal::journal_path(self, name)) || journal::undo_pending(self, name)
    }

    /// How the damaged record of `name` can be mended rather than removed with the versions
    /// it stored: only where the tool it describes is stored (one of its versions at least; a
    /// stray copy of an uninstalled tool's record is not), and where the mend takes nothing of
    /// anyone else's. What else is wrong with the tool (its active version gone, say) the
    /// repair of its record then mends, as for any tool.
    pub fn mendable(&self, name: &str) -> Option<Mend> {
        let (mut record, mut dropped) = self.salvage(name)?;
        if !record
            .versions
            .keys()
            .any(|key| self.version_dir(&record.name, key).is_dir())
        {
            return None;
        }
        if record.name != name {
            // Renamed (by hand): back under its own name where that holds no record (none, or
            // one that does not read at all), and no change to that tool is half-done (then it
            // waits: see `Mend::Wait`). Links it cannot have are left out after, under its
            // own name.
            let own = record.name;
            if self.half_done(&own) {
                return Some(Mend::Wait { own });
            }
            let path = self.record_path(&own);
            // One a newer haul wrote is not one that does not read: it stays.
            let unreadable = |text: String| {
                matches!(
                    record::parse(&text, &self.legacy_bin_dir),
                    Err(record::ParseError::Damaged(_))
                ) && record::salvage(&text, &self.legacy_bin_dir).is_none()
            };
            let free = !link::present(&path)
                || (path.is_file()
                    && match read_text(&path) {
                        Ok(text) => unreadable(text),
                        // Not text, or larger than any record: no record at all.
                        Err(err) => matches!(
                            err.kind(),
                            std::io::ErrorKind::InvalidData | std::io::ErrorKind::Other
                        ),
                    });
            return free.then_some(Mend::Rename { own });
        }
        if dropped.is_empty() {
            return None;
        }
        // It keeps only the links that are its own now, into its directory: each is made
        // again as it is. One at a free path, or at something else's (a file of the user's,
        // another tool's link), is left out as well; the repair then links what is free, by
        // its rules, and what is there is left as it is.
        let dir = self.tool_dir(&record.name);
        let (kept, other): (Vec<Link>, Vec<Link>) = std::mem::take(&mut record.links)
            .into_iter()
            .partition(|l| link::points_into(&l.path, &dir));
        record.links = kept;
        dropped.extend(other);
        Some(Mend::DropLinks {
            record: Box::new(record),
            dropped,
        })
    }

    /// The source a damaged record names (`github:OWNER/REPO`), when that much of it can be
    /// read: a tool is not installed twice beside it.
    pub fn damaged_source(&self, name: &str) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct SourceOnly {
            source: Option<String>,
        }
        let text = read_text(&self.record_path(name)).ok()?;
        serde_json::from_str::<SourceOnly>(&text).ok()?.source
    }

    /// Every record, sorted by name, and the damaged ones beside them.
    pub fn records(&self) -> Result<Records> {
        self.settle();
        self.read_records()
    }

    /// [`Store::records`] without settling first (with the lock held).
    fn read_records(&self) -> Result<Records> {
        let mut records = Records::default();
        for parsed in self.read_each()? {
            match parsed {
                Ok(record) => records.ok.push(record),
                Err(damaged) => records.damaged.push(damaged),
            }
        }
        Ok(records)
    }

    /// Every record, in name order, each read only when the iterator reaches it: a
    /// command that looks at one tool at a time holds one record in memory, not all of them.
    pub fn each_record(&self) -> Result<impl Iterator<Item = Result<Record, UserError>>> {
        self.settle();
        Ok(self
            .read_each()?
            .map(|read| read.map_err(|damaged| damaged.error)))
    }

    fn read_each(&self) -> Result<impl Iterator<Item = Result<Record, Damaged>>> {
        Ok(record_files(&self.home)?
            .into_iter()
            .map(|path| self.read_file(&path)))
    }

    /// The record at `path` (its file names it).
    fn read_file(&self, path: &Path) -> Result<Record, Damaged> {
        let text = read_text(path).map_err(|err| Damaged {
            name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            error: UserError::new(format!("cannot read `{}`", path.display()))
                .caused_by(err.to_string()),
            newer: false,
        })?;
        self.parse(path, &text)
    }

    /// Make a change, under the lock: `plan` sees the store as it is now and says what to do.
    /// The change is journaled first, so a crash leaves something the next run completes; a
    /// failure now undoes it. Returns what `plan` returned.
    pub fn change<T>(
        &self,
        name: &str,
        plan: impl FnOnce(&Now<'_>) -> Result<(Change, T)>,
    ) -> Result<T> {
        let (out, left) = self.plan_and_make(name, plan, true)?;
        for left in &left {
            self.notice.0.not_deleted(left);
        }
        Ok(out)
    }

    /// [`Store::change`], returning with what it returns the directories it removed whose
    /// files could not then be deleted (`haul prune` counts them as not freed).
    pub fn change_deleting<T>(
        &self,
        name: &str,
        plan: impl FnOnce(&Now<'_>) -> Result<(Change, T)>,
    ) -> Result<(T, Vec<NotDeleted>)> {
        self.plan_and_make(name, plan, true)
    }

    /// Plan a change as [`Store::change`] would, under the lock, and make nothing: whether it
    /// could be made as the store is now (`haul sync` asks this of every tool before it
    /// changes any). Returns what `plan` returned.
    pub fn dry_run<T>(
        &self,
        name: &str,
        plan: impl FnOnce(&Now<'_>) -> Result<(Change, T)>,
    ) -> Result<T> {
        Ok(self.plan_and_make(name, plan, false)?.0)
    }

    /// Plan a change as [`Store::change`] would, making nothing and without the lock: what it
    /// would come to as the store reads now (`upgrade --dry-run`: a store this user may not
    /// write to, or another haul's lock, changes nothing about it). Returns what `plan`
    /// returned.
    pub fn plan_only<T>(
        &self,
        name: &str,
        plan: impl FnOnce(&Now<'_>) -> Result<(Change, T)>,
    ) -> Result<T> {
        let records = self.records()?;
        let (_, out) = plan(&Now::of(self, name, &records)?)?;
        Ok(out)
    }

    fn plan_and_make<T>(
        &self,
        name: &str,
        plan: impl FnOnce(&Now<'_>) -> Result<(Change, T)>,
        make: bool,
    ) -> Result<(T, Vec<NotDeleted>)> {
        let _lock = self.lock()?;
        // Dropped before the lock (locals drop last to first), after the journal is gone:
        // what the change removed is deleted while no other haul's sweep could take it for a
        // leftover, and readers (who wait only while a journal is there) do not wait for it.
        let mut asides = journal::Asides::default();
        // A change another haul left half-done (it crashed after this process first took the
        // lock) is completed first: planning on it, or writing this change's journal over it,
        // would lose it. A change may touch other tools' records too (a takeover).
        let mut left = Vec::new();
        if journal::any(self) {
            left = self.recover();
            if let Some((_, why)) = left.iter().find(|(failed, _)| failed == name) {
                return Err(half_done(name, why, journal::undo_pending(self, name)));
            }
        }
        let records = self.read_records()?;
        let now = Now::of(self, name, &records)?;
        let (change, out) = plan(&now)?;
        if change.leave {
            return Ok((out, Vec::new()));
        }
        // A tool whose links this change takes over must not have a change of its own left
        // half-done: completing that one later would give its record the links back.
        for (owner, _) in &change.release {
            if let Some((_, why)) = left.iter().find(|(failed, _)| failed == owner) {
                return Err(half_done(owner, why, journal::undo_pending(self, owner)));
            }
        }
        if !make {
            return Ok((out, Vec::new()));
        }
        let previous = now.record().cloned();
        let damaged = matches!(now.current, Current::Damaged(_));
        journal::run(
            self,
            name,
            previous,
            damaged,
            change,
            &records.ok,
            &mut asides,
        )?;
        let left = asides.delete();
        Ok((out, left))
    }

    /// Complete every change a crash left half-done. Returns the names that could not be
    /// completed, with why.
    pub fn recover(&self) -> Vec<(String, String)> {
        journal::recover(self)
    }

    /// What interrupted runs left in `staging/` (for `haul doctor`): the next change removes
    /// it.
    pub fn leftovers(&self) -> Vec<PathBuf> {
        staging::leftovers(&self.staging_root(), &journal::staging_needed(self))
    }

    /// The changes left half-done (for `haul doctor`).
    pub fn pending(&self) -> Vec<Pending> {
        journal::pending(self)
    }

    /// The sources of the tools whose changes are left half-done (a first install's too, which
    /// has no record yet).
    pub fn pending_sources(&self) -> Vec<String> {
        journal::pending_sources(self)
    }

    /// Remove a leftover no record names: a directory under `tools/`, or a link in a bin dir
    /// into it. Checked again under the lock.
    pub fn remove_orphan(&self, path: &Path) -> Result<()> {
        let _lock = self.lock()?;
        let tools = self.tools_dir();
        let records = self.read_records()?;
        let named = records.ok.iter().any(|r| {
            r.links.iter().any(|l| l.is_at(path))
                || r.versions
                    .keys()
                    .any(|k| self.version_dir(&r.name, k) == path || self.tool_dir(&r.name) == path)
        });
        if named {
            return Ok(());
        }
        if path.starts_with(&tools) && path.is_dir() {
            journal::remove_dir(self, path)
        } else if link::points_into(path, &tools) {
            link::remove(path, &self.staging_root())
                .with_context(|| format!("removing `{}`", path.display()))
        } else {
            Ok(())
        }
    }
}

/// The error for a change to `name` that a crash left half-done and recovery cannot complete.
fn half_done(name: &str, why: &str, undo: bool) -> anyhow::Error {
    UserError::new(if undo {
        format!("a change to `{name}` failed and cannot be undone now")
    } else {
        format!("a change to `{name}` was left half-done and cannot be completed now")
    })
    .caused_by(why.to_owned())
    .hint("`haul doctor` says what is wrong")
    .into()
}

/// The record `query` names among `records`: by name, then source, then executable; each
/// as spelled, else in any case (`TOOL` installed with `--bin TOOL.EXE` is `tool`).
pub fn find_in<'a>(records: &'a [Record], query: &str) -> Option<&'a Record> {
    let bare = crate::platform::file_name::exe_stem(query).unwrap_or(query);
    let source = if query.contains(':') {
        query.to_owned()
    } else {
        format!("github:{query}")
    };
    let by_bin = |same: &dyn Fn(&str, &str) -> bool| {
        records.iter().find(|r| {
            r.active()
                .is_some_and(|v| v.bins.iter().any(|b| same(b.link_stem(), bare)))
        })
    };
    let exact = |a: &str, b: &str| a == b;
    let any_case = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    crate::names::spelled_or_any_case(records, query, |r| &r.name)
        .or_else(|| {
            records
                .iter()
                .find(|r| r.identity.source.eq_ignore_ascii_case(&source))
        })
        .or_else(|| by_bin(&exact))
        .or_else(|| by_bin(&any_case))
}

/// The largest record haul reads (one with years of history is a few hundred KiB).
const MAX_RECORD: u64 = 16 * 1024 * 1024;

/// The text of a record file, at most [`MAX_RECORD`] bytes. It is read without asking the
/// file's size first: `haul list` reads every record, and that is one system call each.
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut text = String::with_capacity(8 * 1024);
    file.take(MAX_RECORD + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_RECORD {
        return Err(std::io::Error::other(format!(
            "it is larger than {}",
            crate::units::size(MAX_RECORD)
        )));
    }
    Ok(text)
}

/// The directory under haul's data directory that holds the records.
const RECORDS: &str = "records";

/// The record files of the store in `home`, in name order (`records/NAME.json`; temporary
/// `.NAME…` files left out). A store without records has none.
pub fn record_files(home: &Path) -> Result<Vec<PathBuf>> {
    let dir = home.join(RECORDS);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("reading `{}`", dir.display())),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let is_record = path.extension().is_some_and(|ext| ext == "json")
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if is_record {
            paths.push(path);
        }
    }
    paths.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()));
    Ok(paths)
}

/// What a change sees of the store, under the lock.
pub struct Now<'a> {
    pub store: &'a Store,
    pub name: &'a str,
    pub current: Current,
    pub records: &'a Records,
}

/// The tool's record as it is now.
#[derive(Debug, Clone)]
pub enum Current {
    None,
    Record(Record),
    Damaged(Damaged),
}

/// Who has a path in a bin dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Nothing is there, or only a link of the tool being changed.
    Free,
    /// Another tool's link.
    Tool(String),
    /// A link into the directory of a tool whose record cannot be read (`newer`: a newer haul
    /// wrote it; the tool may be whole).
    Damaged { name: String, newer: bool },
    /// A file or link haul did not make.
    Foreign,
}

impl<'a> Now<'a> {
    /// The store as a change of `name` finds it in `records`. A new tool whose name differs
    /// from another's only in case would be that tool's record and directory on Windows and
    /// macOS (its change would replace the other's): a usage error.
    fn of(store: &'a Store, name: &'a str, records: &'a Records) -> Result<Now<'a>> {
        let names = records.ok.iter().map(|r| r.name.as_str());
        let mut names = names.chain(records.damaged.iter().map(|d| d.name.as_str()));
        if !names.clone().any(|n| n == name)
            && let Some(other) = names.find(|n| crate::names::differ_only_in_case(n, name))
        {
            return Err(UserError::new(format!(
                "`{name}` differs from the installed tool `{other}` only in case"
            ))
            .caused_by(
                "on Windows and macOS the two would share one record and one directory, and one would replace the other",
            )
            .hint(format!(
                "name it so that it differs in more than case, or use `{other}` if it is that tool"
            ))
            .exit(crate::error::ExitCode::Usage)
            .into());
        }
        let current = match records.damaged.iter().find(|d| d.name == name) {
            Some(damaged) => Current::Damaged(damaged.clone()),
            None => records
                .ok
                .iter()
                .find(|r| r.name == name)
                .cloned()
                .map_or(Current::None, Current::Record),
        };
        Ok(Now {
            store,
            name,
            current,
            records,
        })
    }
}

impl Now<'_> {
    pub fn record(&self) -> Option<&Record> {
        match &self.current {
            Current::Record(record) => Some(record),
            _ => None,
        }
    }

    /// Who has `path` now. What is there decides, not only what the record says: a link the
    /// record lists is this tool's while it still points where the record says, or into the
    /// tool's directory; a file put there since is [`Owner::Foreign`]. A damaged record of
    /// this tool counts for nothing: its links are whatever points into its directory.
    pub fn owner(&self, path: &Path) -> Owner {
        let ours = link::points_into(path, &self.store.tool_dir(self.name));
        if let Some(other) = self.other_owner(path, ours) {
            return Owner::Tool(other.to_owned());
        }
        // On Windows a link is a hard link or a copy, which names no target: when the target
        // is gone, the file is ours when it still has the size and time haul installed it with
        // (a hard link shares them; a copy keeps them).
        let listed = self.record().is_some_and(|r| {
            r.links.iter().any(|l| {
                l.is_at(path)
                    && self.store.linked_bin(r, l).is_some_and(|(_, target, bin)| {
                        link::points_to(path, &target)
                            || (cfg!(not(unix)) && !target.exists() && installed_as(path, bin))
                    })
            })
        });
        if !link::present(path) || listed || ours {
            return Owner::Free;
        }
        match self
            .records
            .damaged
            .iter()
            .find(|d| d.name != self.name && link::points_into(path, &self.store.tool_dir(&d.name)))
        {
            Some(damaged) => Owner::Damaged {
                name: damaged.name.clone(),
                newer: damaged.newer,
            },
            // A link into the store that leads nowhere, of no tool installed (one uninstalled
            // while its record was damaged left it in a project's bin-dir): haul's leftover.
            None if !path.exists()
                && link::points_into(path, &self.store.tools_dir())
                && !self
                    .records
                    .ok
                    .iter()
                    .any(|r| link::points_into(path, &self.store.tool_dir(&r.name))) =>
            {
                Owner::Free
            }
            None => Owner::Foreign,
        }
    }

    /// The other tool whose link `path` is: its record lists it, and it points into that
    /// tool's directory, or at least not into this tool's (a listing this tool's link has
    /// replaced is left over from a takeover that stopped before it told the other record).
    pub fn taken_by_other(&self, path: &Path) -> Option<&str> {
        self.other_owner(
            path,
            link::points_into(path, &self.store.tool_dir(self.name)),
        )
    }

    /// [`Now::taken_by_other`], `ours` saying whether `path` points into this tool's directory.
    fn other_owner(&self, path: &Path, ours: bool) -> Option<&str> {
        self.records
            .ok
            .iter()
            .find(|r| {
                r.name != self.name
                    && r.links.iter().any(|l| l.is_at(path))
                    && (!ours || link::points_into(path, &self.store.tool_dir(&r.name)))
            })
            .map(|r| r.name.as_str())
    }

    /// Check that every link of `record` (the tool's record after a change) may be made: its
    /// path is free, or (with `force`) taken from whoever has it. Returns the links taken over
    /// from other tools, (owner, path). Every change that makes links asks this first, so no
    /// command replaces a file haul did not make, or another tool's link, unless forced.
    /// This is for a command that has no `--force` (rollback, uninstall, doctor): its hints
    /// name the install that would force it.
    pub fn claim_links(&self, record: &Record) -> Result<Vec<(String, PathBuf)>> {
        self.claim(record, Force::NotOffered, None)
    }

    /// [`Now::claim_links`] for an install (`force`: whether `--force` was given, or how its
    /// hints say to do without), which may pin the links in `pinning` (`haul sync` into a
    /// project's bin-dir): those are claimed even when the record had them.
    pub fn claim_links_pinning(
        &self,
        record: &Record,
        force: Force,
        pinning: Option<&Path>,
    ) -> Result<Vec<(String, PathBuf)>> {
        self.claim(record, force, pinning)
    }

    fn claim(
        &self,
        record: &Record,
        force: Force,
        pinning: Option<&Path>,
    ) -> Result<Vec<(String, PathBuf)>> {
        let forced = force == Force::Given;
        // The install that would force it asks for the version this change makes active (a
        // bare `haul install NAME --force` would move to the newest release, and record
        // `latest`).
        let install_force = check::install_command(
            record,
            record.active().map(|active| active.version.as_str()),
            true,
        );
        let mut takeovers = Vec::new();
        let current = match &self.current {
            Current::Record(current) => Some(current),
            Current::None | Current::Damaged(_) => None,
        };
        for l in &record.links {
            // Not made by this change (see `journal::left_alone`).
            if journal::left_alone(current, l, pinning) {
                continue;
            }
            match self.owner(&l.path) {
                Owner::Free => {}
                Owner::Tool(other) if forced => takeovers.push((other, l.path.clone())),
                Owner::Tool(other) => {
                    let how = match force {
                        Force::Locked => RENAME_IN_PROJECT.to_owned(),
                        Force::NotOffered => format!("{install_force} takes the name over"),
                        _ => "pass `--force` to take the name over".to_owned(),
                    };
                    return Err(UserError::new(format!(
                        "`{}` in the bin dir belongs to `{other}`",
                        l.path.display()
                    ))
                    .hint(format!("uninstall `{other}` first, or {how}"))
                    .into());
                }
                Owner::Damaged { .. } | Owner::Foreign if forced => {}
                Owner::Damaged { name: other, newer } => {
                    let whose = if newer {
                        "whose record a newer haul wrote"
                    } else {
                        "whose record is damaged"
                    };
                    let mend = if newer {
                        "`haul self update` brings a haul that reads it".to_owned()
                    } else {
                        format!("`haul uninstall {other}` removes that tool and its links")
                    };
                    let hint = if l.version.is_some() {
                        format!(
                            "{mend}; remove the link from the project's bin-dir, then run `haul sync` again"
                        )
                    } else if newer {
                        mend
                    } else if force == Force::Locked {
                        format!("{mend}, or {RENAME_IN_PROJECT}")
                    } else if force == Force::NotOffered {
                        format!("{mend}, or {install_force} replaces it")
                    } else {
                        format!("{mend}, or pass `--force` to replace it")
                    };
                    return Err(UserError::new(format!(
                        "`{}` is a link of `{other}`, {whose}",
                        l.path.display()
                    ))
                    .hint(hint)
                    .into());
                }
                Owner::Foreign => {
                    let hint = if l.version.is_some() {
                        "remove it from the project's bin-dir, then run `haul sync` again"
                            .to_owned()
                    } else if force == Force::Locked {
                        format!("move it away, or {RENAME_IN_PROJECT}")
                    } else if force == Force::NotOffered {
                        format!("remove it, or {install_force} replaces it")
                    } else {
                        "remove it, or pass `--force` to replace it".to_owned()
                    };
                    return Err(not_ours(&l.path).hint(hint).into());
                }
            }
        }
        Ok(takeovers)
    }
}

/// How a project links a tool where another tool's link, or a file, is (haul.toml's `bin`).
const RENAME_IN_PROJECT: &str =
    "link the tool under another name (`bin = [\"NAME=LINK\"]` in haul.toml)";

/// The error for a file haul did not make at `path`, where a link goes.
pub fn not_ours(path: &Path) -> UserError {
    UserError::new(format!(
        "`{}` already exists and haul did not install it",
        path.display()
    ))
}

/// Whether a change may take a link's place from whoever has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Force {
    /// `--force` was given.
    Given,
    /// The command takes `--force`; it was not given.
    NotGiven,
    /// The command has no `--force` (or one that means something else).
    NotOffered,
    /// An install from a project's lock (`haul sync`): no `--force`; haul.toml says where each
    /// executable is linked.
    Locked,
}

/// Remove what only exists while the lock is held (`.tmp*` files of atomic writes).
fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        // Only the names `write_atomic` gives (`.tmp` and six random characters).
        if crate::paths::random_name(&entry.file_name().to_string_lossy(), ".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `text` to `path` atomically: a temporary file beside it, synced, then renamed.
pub(crate) fn write_atomic(path: &Path, text: &[u8]) -> Result<()> {
    write_atomic_as(path, text, None)
}

/// [`write_atomic`], the file made with `permissions` (`None`: readable by this user only).
pub(crate) fn write_atomic_as(
    path: &Path,
    text: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tmp");
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    // The system's error alone: the temporary file's own name says nothing to the user.
    let mut file = builder
        .tempfile_in(dir)
        .map_err(crate::paths::without_path)
        .with_context(|| format!("writing `{}`", path.display()))?;
    std::io::Write::write_all(file.as_file_mut(), text)
        .with_context(|| format!("writing `{}`", path.display()))?;
    file.as_file()
        .sync_all()
        .with_context(|| format!("writing `{}`", path.display()))?;
    file.persist(path)
        .with_context(|| format!("writing `{}`", path.display()))?;
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests;
