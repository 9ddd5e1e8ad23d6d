//! Path helpers every layer may use: spelling a path the one way haul compares it.

use std::path::{Path, PathBuf};

/// `path` with links resolved, or as it is when it cannot be (it may not exist).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Put the file at `path` on the disk: its bytes, and what the file system keeps about it.
/// Windows flushes a file only through a handle that may write to it.
pub fn flush_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)?
        .sync_all()
}

/// Put the names in the directory `dir` on the disk (Unix; Windows has no such call, and does
/// nothing here).
pub fn flush_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The first part of `within`, joined to `root` one part after another, that is a symbolic
/// link (on Windows, a junction too): writing there would write elsewhere. Parts not there
/// yet are not links.
pub fn link_within(root: &Path, within: &Path) -> Option<PathBuf> {
    let mut at = root.to_path_buf();
    for part in within.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(at),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Whether `path` is a symbolic link (on Windows, a junction too), not following it.
pub fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// Take the lock of the file at `path` (made, with its directory, when missing), waiting while
/// another process holds it; `waiting` is called first when it must wait. `None` when haul was
/// told to stop while it waited (see [`crate::stopping::lock`]). The lock is held until the
/// file goes.
pub fn hold(path: &Path, waiting: impl FnOnce()) -> std::io::Result<Option<std::fs::File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    not_special(path)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    Ok(crate::stopping::lock(&file, waiting)?.then_some(file))
}

/// `err` without the temporary file's path `tempfile` adds to it (`… at path
/// "/home/me/.haul/journal/.tmpX1b2C3"`, quoted as Rust quotes strings): the system's error.
pub fn without_path(err: std::io::Error) -> std::io::Error {
    // tempfile keeps the system's error private: its text is what is left of it.
    let text = err.to_string();
    match text.rfind(" at path \"") {
        Some(at) if err.get_ref().is_some() => std::io::Error::new(err.kind(), &text[..at]),
        _ => err,
    }
}

/// An error when `path` is there and is neither a file nor a link to one: opening a named
/// pipe would wait for a writer, for ever. A link to nothing is one too: making the file would
/// make the link's target, wherever it points.
pub fn not_special(path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(std::io::Error::other(format!(
            "`{}` is not a file",
            path.display()
        ))),
        Err(_) if is_link(path) => Err(std::io::Error::other(format!(
            "`{}` is a link to nothing{}",
            path.display(),
            std::fs::read_link(path)
                .map(|to| format!(" (`{}`)", to.display()))
                .unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}

/// Whether no process holds the lock of the file at `path`: what a run that ended (or was
/// killed) left, which a later run may remove. False when the file cannot be opened.
pub fn unlocked(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(|file| file.try_lock().is_ok())
}

/// Whether `name` is `head` and six random letters or digits, as `tempfile` makes a name with
/// that prefix: `.tmp`, `.haul.__temp__` (nothing before `head`, unlike [`random_tail`]).
pub fn random_name(name: &str, head: &str) -> bool {
    name.len() == head.len() + 6 && name.starts_with(head) && random_tail(name, head)
}

/// Whether `name` ends as a temporary name made with six random letters or digits (as
/// `tempfile` makes them) after `before`, whatever comes first: `TOOL-`, `TOOL-old-`.
pub fn random_tail(name: &str, before: &str) -> bool {
    name.len() > 6
        && name.is_char_boundary(name.len() - 6)
        && name[..name.len() - 6].ends_with(before)
        && name[name.len() - 6..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    /// An error tempfile gave, with its temporary file's path, is the system's error alone.
    #[test]
    fn a_temporary_files_path_is_left_out_of_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = tempfile::Builder::new().tempfile_in(&missing).unwrap_err();
        assert!(err.to_string().contains("at path"), "{err}");
        let plain = super::without_path(err);
        assert!(!plain.to_string().contains("at path"), "{plain}");
        assert_eq!(plain.kind(), std::io::ErrorKind::NotFound);
        let other = std::io::Error::other("as it was");
        assert_eq!(super::without_path(other).to_string(), "as it was");
    }

    /// A lock file that is a directory or a named pipe is refused rather than opened (opening
    /// a pipe waits for a writer for ever); a file, a link to one, or none at all is not.
    #[cfg(unix)]
    #[test]
    fn only_a_file_is_opened_as_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        std::fs::write(at("file"), b"").unwrap();
        std::os::unix::fs::symlink(at("file"), at("link")).unwrap();
        std::fs::create_dir(at("dir")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(at("pipe"))
            .status()
            .unwrap();
        assert!(made.success());
        for fine in ["file", "link", "none"] {
            assert!(super::not_special(&at(fine)).is_ok(), "{fine}");
        }
        for special in ["dir", "pipe"] {
            let err = super::not_special(&at(special)).unwrap_err();
            assert!(
                err.to_string().contains("is not a file"),
                "{special}: {err}"
            );
        }
    }
}
