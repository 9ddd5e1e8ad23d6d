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
            // A note stays while what it names does (it could not be deleted, and is said).
            if cfg!(windows)
                && path
                    .file_name()
                    .is_some_and(|n| is_note(&n.to_string_lossy()))
                && noted_aside(&path).is_some_and(|aside| std::fs::symlink_metadata(aside).is_ok())
            {
                return None;
            }
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
        } else if is_note(&name) {
            // A running program put aside beside its link: it goes once it no longer runs,
            // then its note. Only Windows puts one there (elsewhere the note is not haul's,
            // and such a file is the user's): there the note alone goes.
            match noted_aside(&path).filter(|_| cfg!(windows)) {
                Some(aside) if running(&aside) => {}
                Some(aside) => {
                    if std::fs::symlink_metadata(&aside).is_ok() {
                        out.push(aside);
                    }
                    out.push(path);
                }
                None => out.push(path),
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

/// How a note in `staging/` names what it is: `beside-XXXXXX.note` (no staging directory's
/// name ends so).
const NOTE: (&str, &str) = ("beside-", ".note");

/// Note in `root` (`staging/`) a running program `aside` that a change put beside its link,
/// where `staging/` could not take it (a bin dir on another drive): a later sweep deletes it
/// once it no longer runs, also when that link never changes again (the tool uninstalled).
pub(super) fn note_aside(root: &Path, aside: &Path) -> std::io::Result<()> {
    use std::io::Write as _;
    let Some(text) = aside.to_str().filter(|_| aside.is_absolute()) else {
        return Ok(());
    };
    let mut note = tempfile::Builder::new()
        .prefix(NOTE.0)
        .suffix(NOTE.1)
        .tempfile_in(root)?;
    note.write_all(text.as_bytes())?;
    note.as_file().sync_all()?;
    note.keep().map(drop).map_err(|err| err.error)
}

fn is_note(name: &str) -> bool {
    name.strip_suffix(NOTE.1)
        .is_some_and(|stem| crate::paths::random_name(stem, NOTE.0))
}

/// The file the note at `path` names: an absolute path to a file (not a link or a directory)
/// named as haul names what it puts beside a link, or gone. `None` for anything else, which is
/// never deleted.
fn noted_aside(path: &Path) -> Option<PathBuf> {
    let aside = PathBuf::from(std::fs::read_to_string(path).ok()?);
    let name = aside.file_name()?.to_str()?;
    let shaped = aside.is_absolute() && super::link::is_put_beside(name);
    let file = std::fs::symlink_metadata(&aside).map_or(true, |meta| meta.is_file());
    (shaped && file).then_some(aside)
}

/// What a change put aside: a directory `NAME-old-XXXXXX`, or a running executable moved
/// out of the way on Windows, `old-PID-N-NAME`.
fn put_aside_name(name: &str) -> bool {
    crate::paths::random_tail(name, "-old-") || super::link::is_aside_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A running program put aside beside its link (a bin dir on another drive) is noted, and
    /// a sweep deletes it, then the note: it stayed until that link changed again, which after
    /// an uninstall it never does. A note never deletes what haul did not put there.
    #[test]
    fn a_sweep_deletes_what_a_note_names_as_put_beside_a_link() {
        let root = tempfile::tempdir().unwrap();
        let bin = tempfile::tempdir().unwrap();
        let aside = bin.path().join(".haul-old-41-0-tool.exe");
        std::fs::write(&aside, b"was running").unwrap();
        note_aside(root.path(), &aside).unwrap();
        // Notes of what is not haul's to delete: a user's file, a directory, a relative path.
        let users = bin.path().join("notes.txt");
        std::fs::write(&users, b"the user's").unwrap();
        let dir = bin.path().join(".haul-old-41-1-tool.exe");
        std::fs::create_dir(&dir).unwrap();
        for named in [&users, &dir] {
            note_aside(root.path(), named).unwrap();
        }
        let relative = root.path().join("beside-aB12cD.note");
        std::fs::write(&relative, ".haul-old-41-2-tool.exe").unwrap();
        // A tool named `beside` is staged as any other.
        let live = Staging::create(root.path(), "beside").unwrap();
        assert_eq!(
            leftovers(root.path(), &[])
                .iter()
                .filter(|p| p.starts_with(bin.path()))
                .count(),
            usize::from(cfg!(windows))
        );

        assert!(sweep(root.path(), &[]).is_empty());
        // Only Windows puts a program aside beside its link: elsewhere the file is the user's.
        assert_eq!(aside.exists(), !cfg!(windows));
        assert!(users.exists() && dir.is_dir());
        let left: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(live.dir.exists());
        assert!(left.iter().all(|name| !is_note(name)), "{left:?}");
        assert_eq!(left.len(), 2, "{left:?}");
    }

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
