//! Stored versions a program runs from (`haul exec`), which `haul prune` leaves while it runs.
//!
//! On Unix the program holds a shared lock on its version's directory: `exec` opens the
//! directory, locks it, and keeps it open as it becomes the program (the descriptor is passed
//! on, so the program's children hold it too). Removing a version takes the lock exclusively
//! and keeps it until the directory is moved away; a version whose lock is held is in use. A
//! program started through the bin dir's link holds nothing: prune never removes an active
//! version anyway. Windows has no lock on a directory; there nothing is held.

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

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub fn claim(_dir: &Path) -> Option<Claim> {
    Some(Claim(None))
}
