//! Staging directories: where a download is unpacked (and kept) until it is verified and
//! moved into place. Each is `staging/ID/` with a lock file `staging/ID.lock` that its process
//! holds while it lives; anything in `staging/` whose lock is free is a leftover.
//!
//! A staging directory is made under the store lock (lock file first, then the directory), and
//! leftovers are swept under the store lock, so a sweep never sees one half-made.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use fs_err as fs;

/// A directory to unpack into; removed on drop, with whatever is still in it.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    _lock: std::fs::File,
}

impl Staging {
    /// A new staging directory named after `name`; call with the store locked.
    pub(super) fn create(root: &Path, name: &str) -> Result<Staging> {
        fs::create_dir_all(root)?;
        let lock_file = tempfile::Builder::new()
            .prefix(&format!("{name}-"))
            .suffix(".lock")
            .tempfile_in(root)
            .map_err(crate::paths::without_path)
            .with_context(|| format!("creating a staging directory in `{}`", root.display()))?;
        let (file, lock_path) = lock_file
            .keep()
            .with_context(|| format!("creating a staging directory in `{}`", root.display()))?;
        file.lock()
            .with_context(|| format!("locking `{}`", lock_path.display()))?;
        let dir = lock_path.with_extension("");
        let made = fs::create_dir(&dir).and_then(|()| fs::create_dir(dir.join("unpacked")));
        if let Err(err) = made {
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::remove_file(&lock_path);
            return Err(err.into());
        }
        Ok(Staging {
            dir,
            lock_path,
            _lock: file,
        })
    }

    /// Where the download is unpacked; this directory becomes `tools/NAME/VERSION/`.
    pub fn unpacked(&self) -> PathBuf {
        self.dir.join("unpacked")
    }

    /// Where the download is written while it arrives.
    pub fn download_path(&self) -> PathBuf {
        self.dir.join("download")
    }

    /// A second download of the same install (`--bin` across several assets).
    pub fn extra_path(&self, n: usize) -> PathBuf {
        self.dir.join(format!("download-{n}"))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // An install dropped part-way (Ctrl-C, another tool failing) may leave its unpacker
        // thread writing one last file here while the directory is removed: the removal then
        // finds it not empty. That thread stops at once (its input is gone), so a few more
        // tries remove what it wrote; were it to go on, the next run's sweep would.
        for attempt in 0..5 {
            match std::fs::remove_dir_all(&self.dir) {
                Err(err) if err.kind() == std::io::ErrorKind::DirectoryNotEmpty && attempt < 4 => {
                    std::thread::sleep(std::time::Duration::from_millis(2 << attempt));
                }
                _ => break,
            }
        }
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// Remove what interrupted runs left in `root` (call with the store locked): staging
/// directories whose lock is free, and what changes put aside, by the names haul gives them.
/// Anything else is left: `HAUL_HOME` may name a directory that held other files first.
/// Returns what could not be removed, with why.
pub(super) fn sweep(root: &Path, needed: &[PathBuf]) -> Vec<(PathBuf, String)> {
    leftovers(root, needed)
        .into_iter()
        .filter_map(|path| {
            let removed = if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Some((path, err.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

/// What [`sweep`] removes: the leftovers of interrupted runs in `root` (a staging directory
/// with its lock file, when no run holds the lock; what a change put aside), except the
/// staging directories in `needed`: those a change left in the journal still moves into
/// place (it is completed or undone later, and needs them then).
pub(super) fn leftovers(root: &Path, needed: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".lock") {
            if !staging_name(stem) || needed.contains(&root.join(stem)) {
                continue;
            }
            if crate::paths::unlocked(&path) {
                out.push(root.join(stem));
                out.push(path);
            }
        } else if (put_aside_name(&name)
            || (staging_name(&name) && !root.join(format!("{name}.lock")).exists()))
            && !running(&path)
            && !needed.contains(&path)
        {
            out.push(path);
        }
    }
    out
}

/// Whether the file at `path`, or a file in the directory there, is a program running now,
/// which Windows neither deletes nor lets be written (an executable, or a version's directory,
/// put aside while it ran): not a leftover until it ends. Unix deletes a running program's
/// file, so there it never is.
fn running(path: &Path) -> bool {
    if !cfg!(windows) {
        return false;
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| running(&entry.path())),
        Ok(meta) if meta.is_file() => std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|err| err.raw_os_error() == Some(SHARING_VIOLATION)),
        _ => false,
    }
}

/// Windows' `ERROR_SHARING_VIOLATION`: what opening a running program to write it gives.
const SHARING_VIOLATION: i32 = 32;

/// A staging directory's name: the tool's, `-`, six random characters.
fn staging_name(name: &str) -> bool {
    crate::paths::random_tail(name, "-")
}

/// What a change put aside: a directory `NAME-old-XXXXXX`, or a running executable moved
/// out of the way on Windows, `old-PID-N-NAME`.
fn put_aside_name(name: &str) -> bool {
    crate::paths::random_tail(name, "-old-") || super::link::is_aside_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_keeps_what_is_in_use_and_removes_the_rest() {
        let root = tempfile::tempdir().unwrap();
        let live = Staging::create(root.path(), "t").unwrap();
        std::fs::write(live.download_path(), b"x").unwrap();
        // A leftover of a process that died: its lock file is not held.
        std::fs::create_dir(root.path().join("t-dEad01")).unwrap();
        std::fs::write(root.path().join("t-dEad01.lock"), b"").unwrap();
        // An old version moved aside, with no lock at all.
        std::fs::create_dir(root.path().join("t-1.0-old-9aZ0b1")).unwrap();
        std::fs::write(root.path().join("old-41-0-t.exe"), b"").unwrap();
        // What haul did not make stays, locked or not: HAUL_HOME may be a used directory.
        std::fs::create_dir(root.path().join("build")).unwrap();
        std::fs::create_dir(root.path().join("notes")).unwrap();
        std::fs::write(root.path().join("notes.lock"), b"").unwrap();
        sweep(root.path(), &[]);
        let mut left: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let live_name = live.dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = vec![
            "build".to_owned(),
            "notes".to_owned(),
            "notes.lock".to_owned(),
            live_name.clone(),
            format!("{live_name}.lock"),
        ];
        expected.sort();
        assert_eq!(left, expected);
        assert!(live.download_path().is_file());
        drop(live);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 3);
    }
}
