//! The store (`HAUL_HOME`): installed versions, records, and the links in the bin dir.
//!
//! The only module that writes into the store and the bin dir. Every change is made under an
//! exclusive file lock, and each step is atomic (write aside, then rename), so two haul
//! processes at once, a crash or Ctrl-C leave either the old state or the new one.
//!
//! Layout:
//! ```text
//! HAUL_HOME/haul.lock            the lock
//! HAUL_HOME/records/NAME.json    one record per tool
//! HAUL_HOME/tools/NAME/VERSION/  the unpacked release
//! HAUL_HOME/staging/             work in progress; leftovers are removed on the next run
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use fs_err as fs;
use serde::{Deserialize, Serialize};

use crate::error::UserError;

const RECORD_SCHEMA: u32 = 1;

/// What haul knows about one installed tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub schema: u32,
    pub name: String,
    /// `github:OWNER/REPO`.
    pub source: String,
    pub tag: String,
    pub version: String,
    pub asset: String,
    pub url: String,
    pub sha256: String,
    /// What vouched for `sha256`: `api-digest`, a checksum file's name, or nothing.
    pub verified_by: Option<String>,
    pub platform: String,
    /// The directory under `tools/NAME/` that holds this version.
    pub dir: String,
    pub bins: Vec<Bin>,
    /// Seconds since the Unix epoch.
    pub installed_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// The file name in the bin dir (with `.exe` on Windows).
    pub link: String,
    /// The executable, relative to the version's directory.
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub home: PathBuf,
    pub bin_dir: PathBuf,
}

/// Held while the store changes.
pub struct Lock {
    _file: std::fs::File,
}

/// A directory to unpack into; removed on drop unless committed. A lock file beside it, held
/// while this process lives, tells other haul processes that it is still in use.
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    lock_path: PathBuf,
    _lock: std::fs::File,
}

impl Staging {
    pub fn path(&self) -> &Path {
        self.dir
            .as_ref()
            .map_or(Path::new(""), tempfile::TempDir::path)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        drop(self.dir.take());
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

impl Store {
    pub fn new(home: PathBuf, bin_dir: PathBuf) -> Store {
        Store { home, bin_dir }
    }

    fn records_dir(&self) -> PathBuf {
        self.home.join("records")
    }

    fn record_path(&self, name: &str) -> PathBuf {
        self.records_dir().join(format!("{name}.json"))
    }

    fn tool_dir(&self, name: &str) -> PathBuf {
        self.home.join("tools").join(name)
    }

    fn staging_root(&self) -> PathBuf {
        self.home.join("staging")
    }

    /// The absolute path of a recorded executable.
    pub fn bin_target(&self, record: &Record, bin: &Bin) -> PathBuf {
        self.tool_dir(&record.name)
            .join(&record.dir)
            .join(&bin.path)
    }

    pub fn link_path(&self, bin: &Bin) -> PathBuf {
        self.bin_dir.join(&bin.link)
    }

    /// Take the store's lock, waiting for another haul process to finish.
    pub fn lock(&self) -> Result<Lock> {
        fs::create_dir_all(&self.home)?;
        let path = self.home.join("haul.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?
            .into_parts()
            .0;
        file.lock()
            .with_context(|| format!("locking `{}`", path.display()))?;
        let lock = Lock { _file: file };
        self.clean_staging();
        Ok(lock)
    }

    /// A fresh staging directory on the same file system as `tools/`, so that committing it is
    /// a rename.
    pub fn staging(&self, name: &str) -> Result<Staging> {
        let root = self.staging_root();
        fs::create_dir_all(&root)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{name}-"))
            .tempdir_in(&root)
            .with_context(|| format!("creating a staging directory in `{}`", root.display()))?;
        let lock_path = lock_path_of(dir.path());
        let lock = fs::File::create(&lock_path)?.into_parts().0;
        lock.lock()
            .with_context(|| format!("locking `{}`", lock_path.display()))?;
        Ok(Staging {
            dir: Some(dir),
            lock_path,
            _lock: lock,
        })
    }

    /// Remove what interrupted runs left in `staging/` (called with the store locked). A
    /// staging directory is in use while its lock file is held; anything else there is only
    /// ever present while the store lock is held, so it is a leftover.
    fn clean_staging(&self) {
        let Ok(entries) = std::fs::read_dir(self.staging_root()) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "lock") {
                continue;
            }
            let lock_path = lock_path_of(&path);
            let in_use = match std::fs::File::open(&lock_path) {
                // Just created and not yet locked by its owner: leave it for next time.
                Ok(_) if is_recent(&lock_path) => true,
                Ok(file) => file.try_lock().is_err(),
                Err(_) => false,
            };
            if !in_use {
                let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
                let _ = std::fs::remove_file(&lock_path);
            }
        }
    }

    pub fn read(&self, name: &str) -> Result<Option<Record>> {
        let path = self.record_path(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_record(&path, &text).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("reading `{}`", path.display())),
        }
    }

    /// Every record, sorted by name.
    pub fn list(&self) -> Result<Vec<Record>> {
        let dir = self.records_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err).with_context(|| format!("reading `{}`", dir.display())),
        };
        let mut records = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|ext| ext == "json") {
                let text = fs::read_to_string(&path)?;
                records.push(parse_record(&path, &text)?);
            }
        }
        records.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(records)
    }

    /// Find a tool by its name, its repository (`OWNER/REPO`) or one of its executables.
    pub fn find(&self, query: &str) -> Result<Option<Record>> {
        if !query.contains('/')
            && !query.contains('\\')
            && let Some(record) = self.read(query)?
        {
            return Ok(Some(record));
        }
        let source = format!("github:{query}");
        let bare = query.trim_end_matches(".exe");
        Ok(self.list()?.into_iter().find(|r| {
            r.source.eq_ignore_ascii_case(&source)
                || r.bins
                    .iter()
                    .any(|b| b.link.trim_end_matches(".exe") == bare)
        }))
    }

    /// Move a verified staging directory into place, link its executables and write the record.
    /// Checks every link first, so a conflict changes nothing.
    pub fn commit(&self, staging: Staging, record: &Record, force: bool) -> Result<()> {
        let _lock = self.lock()?;
        let previous = self.read(&record.name)?;
        self.check_links(record, previous.as_ref(), force)?;

        let tool_dir = self.tool_dir(&record.name);
        fs::create_dir_all(&tool_dir)?;
        let version_dir = tool_dir.join(&record.dir);
        let mut staging = staging;
        let unpacked = staging
            .dir
            .take()
            .map(tempfile::TempDir::keep)
            .context("staging directory already used")?;
        // Replacing the same version (`--force`): move the old one aside first.
        let displaced = if version_dir.exists() {
            let aside = self.staging_root().join(format!(
                "{}-{}-old-{}",
                record.name,
                record.dir,
                std::process::id()
            ));
            fs::rename(&version_dir, &aside)?;
            Some(aside)
        } else {
            None
        };
        if let Err(err) = fs::rename(&unpacked, &version_dir) {
            let _ = std::fs::remove_dir_all(&unpacked);
            if let Some(aside) = &displaced {
                let _ = std::fs::rename(aside, &version_dir);
            }
            return Err(err.into());
        }

        fs::create_dir_all(&self.bin_dir)?;
        for bin in &record.bins {
            link::replace(
                &self.bin_target(record, bin),
                &self.link_path(bin),
                &self.staging_root(),
            )?;
        }
        self.write_record(record)?;

        // The new version is in place; what it replaced can go.
        if let Some(previous) = previous {
            for bin in &previous.bins {
                if !record.bins.iter().any(|b| b.link == bin.link) {
                    self.remove_link_if_ours(&previous, bin);
                }
            }
            if previous.dir != record.dir {
                let _ = std::fs::remove_dir_all(tool_dir.join(&previous.dir));
            }
        }
        if let Some(aside) = displaced {
            let _ = std::fs::remove_dir_all(aside);
        }
        Ok(())
    }

    fn check_links(&self, record: &Record, previous: Option<&Record>, force: bool) -> Result<()> {
        let others = self.list()?;
        for bin in &record.bins {
            if let Some(owner) = others
                .iter()
                .find(|r| r.name != record.name && r.bins.iter().any(|b| b.link == bin.link))
                && !force
            {
                return Err(UserError::new(format!(
                    "`{}` in the bin dir belongs to `{}`",
                    bin.link, owner.name
                ))
                .hint(format!(
                    "uninstall `{}` first, or pass `--force` to take the name over",
                    owner.name
                ))
                .into());
            }
            let path = self.link_path(bin);
            let ours = previous.is_some_and(|p| p.bins.iter().any(|b| b.link == bin.link))
                || others
                    .iter()
                    .any(|r| r.bins.iter().any(|b| b.link == bin.link));
            if !ours && !force && std::fs::symlink_metadata(&path).is_ok() {
                return Err(UserError::new(format!(
                    "`{}` already exists and haul did not install it",
                    path.display()
                ))
                .hint("remove it, or pass `--force` to replace it")
                .into());
            }
        }
        Ok(())
    }

    fn write_record(&self, record: &Record) -> Result<()> {
        let dir = self.records_dir();
        fs::create_dir_all(&dir)?;
        let text = serde_json::to_string_pretty(record)?;
        let mut file = tempfile::NamedTempFile::new_in(&dir)
            .with_context(|| format!("writing a record in `{}`", dir.display()))?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.as_file().sync_all()?;
        let path = self.record_path(&record.name);
        file.persist(&path)
            .with_context(|| format!("writing `{}`", path.display()))?;
        Ok(())
    }

    fn remove_link_if_ours(&self, record: &Record, bin: &Bin) {
        let path = self.link_path(bin);
        if link::points_to(&path, &self.bin_target(record, bin)) {
            let _ = link::remove(&path, &self.staging_root());
        }
    }

    /// Remove a tool: its links, its record, then its files.
    pub fn uninstall(&self, name: &str) -> Result<Record> {
        let _lock = self.lock()?;
        let record = self
            .read(name)?
            .ok_or_else(|| UserError::new(format!("`{name}` is not installed")))?;
        for bin in &record.bins {
            self.remove_link_if_ours(&record, bin);
        }
        fs::remove_file(self.record_path(name))?;
        // Rename first so that a half-deleted tree is never visible under `tools/`.
        let tool_dir = self.tool_dir(name);
        let aside = self
            .staging_root()
            .join(format!("{name}-removed-{}", std::process::id()));
        fs::create_dir_all(self.staging_root())?;
        match std::fs::rename(&tool_dir, &aside) {
            Ok(()) => fs::remove_dir_all(&aside)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => fs::remove_dir_all(&tool_dir)?,
        }
        Ok(record)
    }
}

fn lock_path_of(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    dir.with_file_name(name)
}

fn is_recent(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() < 10)
}

fn parse_record(path: &Path, text: &str) -> Result<Record> {
    let record: Record = serde_json::from_str(text).map_err(|err| {
        UserError::new(format!("the record `{}` is damaged", path.display()))
            .caused_by(err.to_string())
            .hint("reinstall the tool with `haul install --force`, or delete the record")
    })?;
    if record.schema > RECORD_SCHEMA {
        return Err(UserError::new(format!(
            "the record `{}` was written by a newer haul",
            path.display()
        ))
        .hint("update haul")
        .into());
    }
    Ok(record)
}

pub fn new_record_schema() -> u32 {
    RECORD_SCHEMA
}

/// Links in the bin dir: symbolic links on Unix; hard links (or copies) on Windows, where
/// symbolic links need a privilege.
mod link {
    use std::path::Path;

    use anyhow::{Context as _, Result};

    /// Make `link` point at `target`, replacing what was there in one rename.
    pub fn replace(target: &Path, link: &Path, scratch: &Path) -> Result<()> {
        let dir = link.parent().unwrap_or(Path::new("."));
        let name = link
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.haul-{}", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        create(target, &temp).with_context(|| format!("linking `{}`", link.display()))?;
        if let Err(err) = rename_over(&temp, link, scratch) {
            let _ = std::fs::remove_file(&temp);
            return Err(err).with_context(|| format!("replacing `{}`", link.display()));
        }
        Ok(())
    }

    #[cfg(unix)]
    fn create(target: &Path, at: &Path) -> std::io::Result<()> {
        std::os::unix::fs::symlink(target, at)
    }

    #[cfg(not(unix))]
    fn create(target: &Path, at: &Path) -> std::io::Result<()> {
        std::fs::hard_link(target, at).or_else(|_| std::fs::copy(target, at).map(drop))
    }

    #[cfg(unix)]
    fn rename_over(from: &Path, to: &Path, _scratch: &Path) -> std::io::Result<()> {
        std::fs::rename(from, to)
    }

    /// A running `.exe` cannot be replaced or deleted on Windows, but it can be renamed: move
    /// the old one out of the way first.
    #[cfg(not(unix))]
    fn rename_over(from: &Path, to: &Path, scratch: &Path) -> std::io::Result<()> {
        match std::fs::rename(from, to) {
            Ok(()) => Ok(()),
            Err(_) if to.exists() => {
                let _ = std::fs::create_dir_all(scratch);
                let aside = scratch.join(format!(
                    "old-{}-{}",
                    std::process::id(),
                    to.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ));
                std::fs::rename(to, &aside)?;
                std::fs::rename(from, to)?;
                let _ = std::fs::remove_file(aside);
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    /// Whether `link` is haul's link to `target`.
    #[cfg(unix)]
    pub fn points_to(link: &Path, target: &Path) -> bool {
        std::fs::read_link(link).is_ok_and(|t| t == target)
    }

    /// A hard link or a copy: the same bytes as the target.
    #[cfg(not(unix))]
    pub fn points_to(link: &Path, target: &Path) -> bool {
        use std::io::Read as _;
        let (Ok(linked), Ok(original)) = (std::fs::File::open(link), std::fs::File::open(target))
        else {
            return false;
        };
        let same_len = match (linked.metadata(), original.metadata()) {
            (Ok(one), Ok(other)) => one.len() == other.len(),
            _ => false,
        };
        if !same_len {
            return false;
        }
        let mut linked = std::io::BufReader::new(linked);
        let mut original = std::io::BufReader::new(original);
        let (mut ours, mut theirs) = ([0u8; 8192], [0u8; 8192]);
        loop {
            let len = match linked.read(&mut ours) {
                Ok(0) => return true,
                Ok(len) => len,
                Err(_) => return false,
            };
            if original.read_exact(&mut theirs[..len]).is_err() || ours[..len] != theirs[..len] {
                return false;
            }
        }
    }

    pub fn remove(link: &Path, scratch: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(link) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) if cfg!(windows) => {
                // A running `.exe`: rename it away; it is deleted on a later run.
                let _ = std::fs::create_dir_all(scratch);
                let aside = scratch.join(format!("old-{}", std::process::id()));
                std::fs::rename(link, aside).map_err(|_| err)
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, dir: &str, bins: &[(&str, &str)]) -> Record {
        Record {
            schema: RECORD_SCHEMA,
            name: name.to_owned(),
            source: format!("github:o/{name}"),
            tag: format!("v{dir}"),
            version: dir.to_owned(),
            asset: format!("{name}.tar.gz"),
            url: format!("http://127.0.0.1/{name}.tar.gz"),
            sha256: "0".repeat(64),
            verified_by: None,
            platform: "linux-x86_64".to_owned(),
            dir: dir.to_owned(),
            bins: bins
                .iter()
                .map(|(link, path)| Bin {
                    link: (*link).to_owned(),
                    path: (*path).to_owned(),
                })
                .collect(),
            installed_at: 0,
        }
    }

    fn stage(store: &Store, name: &str, files: &[&str]) -> Staging {
        let staging = store.staging(name).unwrap();
        for file in files {
            let path = staging.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, b"#!/bin/sh\n").unwrap();
        }
        staging
    }

    #[test]
    fn commit_replace_and_uninstall() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("home"), dir.path().join("bin"));

        let first = record("fd", "1.0.0", &[("fd", "fd")]);
        store
            .commit(stage(&store, "fd", &["fd"]), &first, false)
            .unwrap();
        assert_eq!(store.read("fd").unwrap().as_ref(), Some(&first));
        assert!(store.home.join("tools/fd/1.0.0/fd").is_file());
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_link(dir.path().join("bin/fd")).unwrap(),
            store.home.join("tools/fd/1.0.0/fd")
        );

        let second = record("fd", "2.0.0", &[("fd", "sub/fd")]);
        store
            .commit(stage(&store, "fd", &["sub/fd"]), &second, false)
            .unwrap();
        assert_eq!(store.read("fd").unwrap().as_ref(), Some(&second));
        assert!(
            !store.home.join("tools/fd/1.0.0").exists(),
            "replaced version removed"
        );
        assert!(dir.path().join("bin/fd").exists());

        assert_eq!(
            store.find("o/fd").unwrap().map(|r| r.name),
            Some("fd".to_owned())
        );
        store.uninstall("fd").unwrap();
        assert_eq!(store.read("fd").unwrap(), None);
        assert!(!store.home.join("tools/fd").exists());
        assert!(std::fs::symlink_metadata(dir.path().join("bin/fd")).is_err());
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn conflicts_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("home"), dir.path().join("bin"));
        store
            .commit(
                stage(&store, "a", &["x"]),
                &record("a", "1", &[("x", "x")]),
                false,
            )
            .unwrap();
        let err = store
            .commit(
                stage(&store, "b", &["x"]),
                &record("b", "1", &[("x", "x")]),
                false,
            )
            .unwrap_err();
        assert!(err.to_string().contains("belongs to `a`"), "{err}");
        assert_eq!(store.read("b").unwrap(), None);
        assert!(!store.home.join("tools/b/1").exists());

        fs::create_dir_all(&store.bin_dir).unwrap();
        fs::write(store.bin_dir.join("mine"), b"user's own").unwrap();
        let err = store
            .commit(
                stage(&store, "c", &["mine"]),
                &record("c", "1", &[("mine", "mine")]),
                false,
            )
            .unwrap_err();
        assert!(err.to_string().contains("haul did not install it"), "{err}");
        assert_eq!(fs::read(store.bin_dir.join("mine")).unwrap(), b"user's own");
    }

    #[test]
    fn damaged_records_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), dir.path().join("bin"));
        fs::create_dir_all(store.records_dir()).unwrap();
        fs::write(store.record_path("x"), b"{").unwrap();
        let err = store.read("x").unwrap_err();
        assert!(err.to_string().contains("is damaged"), "{err}");
    }
}
