//! Stored versions a program runs from (`haul exec`), which `haul prune` leaves while it runs.
//!
//! On Unix the program holds a shared lock on its version's directory: `exec` opens the
//! directory, locks it, and keeps it open as it becomes the program (the descriptor is passed
//! on, so the program's children hold it too). Removing a version takes the lock exclusively
//! and keeps it until the directory is moved away; a version whose lock is held is in use. A
//! program started through the bin dir's link holds nothing: prune never removes an active
//! version anyway. Windows has no lock on a directory; there nothing is held, and a version
//! is in use while a program file in it is open to run (see [`claim`]).

use std::path::Path;

use anyhow::Result;

/// The exclusive hold on a version being removed; the version is not in use while it lasts.
pub struct Claim(#[allow(dead_code, reason = "held until dropped")] Option<std::fs::File>);

/// Hold the version at `dir` for a program that is about to run from it, for as long as that
/// program (and what it starts) runs. Waits while the version is being removed, and fails when
/// it was removed meanwhile.
#[cfg(unix)]
pub fn hold(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let gone = || {
        crate::error::UserError::new(format!(
            "`{}` was removed while haul started it (`haul prune` or `haul uninstall`)",
            dir.display()
        ))
        .hint("run the command again")
    };
    let file = std::fs::File::open(dir).map_err(|_| gone())?;
    file.lock_shared()?;
    // The directory locked is the one at `dir` now, not one moved away meanwhile.
    let (held, there) = (
        file.metadata()?,
        std::fs::metadata(dir).map_err(|_| gone())?,
    );
    if (held.dev(), held.ino()) != (there.dev(), there.ino()) {
        return Err(gone().into());
    }
    rustix::io::fcntl_setfd(&file, rustix::io::FdFlags::empty())?;
    // Open until the program ends: this process becomes it.
    std::mem::forget(file);
    Ok(())
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub fn hold(_dir: &Path) -> Result<()> {
    Ok(())
}

/// The version at `dir`, claimed for removal: `None` when a program runs from it.
#[cfg(unix)]
pub fn claim(dir: &Path) -> Option<Claim> {
    let Ok(file) = std::fs::File::open(dir) else {
        // Nothing there to run from.
        return Some(Claim(None));
    };
    match file.try_lock() {
        Ok(()) => Some(Claim(Some(file))),
        Err(std::fs::TryLockError::WouldBlock) => None,
        // A file system without locks: nothing can hold the version either.
        Err(std::fs::TryLockError::Error(_)) => Some(Claim(None)),
    }
}

/// The version at `dir`, claimed for removal: `None` when a program runs from it. Windows
/// holds a running program's file (and the libraries it loaded) open, and refuses to open it
/// for writing meanwhile: one such file in the version is a program running from it, under
/// any of its names (the bin dir's link is the same file). Removing the version would delete
/// what is beside it and fail on the program itself.
#[cfg(windows)]
pub fn claim(dir: &Path) -> Option<Claim> {
    const SHARING_VIOLATION: i32 = 32;
    let in_use = |path: &Path| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|err| err.raw_os_error() == Some(SHARING_VIOLATION))
    };
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let program = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("exe") || e.eq_ignore_ascii_case("dll"));
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file() && program && in_use(&path) {
                return None;
            }
        }
    }
    Some(Claim(None))
}

#[cfg(not(any(unix, windows)))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub fn claim(_dir: &Path) -> Option<Claim> {
    Some(Claim(None))
}

#[cfg(all(test, windows))]
mod tests {
    /// A version one of whose programs runs is in use; once it ends, it is not. The program is
    /// a copy of the system's own `cmd.exe`, the one real program every Windows has.
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a test finds the system's cmd.exe; haul itself reads no such variable"
    )]
    fn a_version_with_a_running_program_is_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("d");
        std::fs::create_dir(&bin).unwrap();
        let root = std::env::var_os("SystemRoot").expect("SystemRoot");
        let system = std::path::Path::new(&root).join("System32").join("cmd.exe");
        let program = bin.join("tool.exe");
        std::fs::copy(system, &program).unwrap();
        std::fs::write(bin.join("notes.txt"), b"x").unwrap();
        assert!(super::claim(dir.path()).is_some());
        let mut running = std::process::Command::new(&program)
            .args(["/c", "pause"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let held = super::claim(dir.path()).is_none();
        running.kill().unwrap();
        running.wait().unwrap();
        assert!(held, "a running program's version was claimed");
        assert!(super::claim(dir.path()).is_some());
    }
}
