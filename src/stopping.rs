//! Whether haul was told to stop (Ctrl-C, SIGTERM). Work that runs on a thread of its own,
//! which dropping a future cannot end (unpacking, hashing a cached download, waiting for a
//! lock), looks here and gives up, so that haul stops at once.

use std::sync::atomic::{AtomicBool, Ordering};

static STOPPING: AtomicBool = AtomicBool::new(false);

/// haul was told to stop.
pub fn request() {
    STOPPING.store(true, Ordering::SeqCst);
}

/// Whether haul was told to stop.
pub fn requested() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// The error of work that gave up because haul was told to stop.
#[derive(Debug, thiserror::Error)]
#[error("stopped before it was done")]
pub struct Stopped;

/// [`Stopped`] once haul was told to stop.
pub fn check() -> Result<(), Stopped> {
    if requested() { Err(Stopped) } else { Ok(()) }
}

/// Take `file`'s lock, waiting while another process holds it (`waiting` is called once,
/// first, when it must wait): `Ok(false)` when haul was told to stop meanwhile (the lock not
/// taken). A lock that is free is taken even once haul was told to stop (a change that has
/// started runs to its end). It looks every 50 ms, as a blocking lock could not be given up.
pub fn lock(file: &std::fs::File, waiting: impl FnOnce()) -> std::io::Result<bool> {
    lock_with(file, waiting, std::fs::File::try_lock)
}

/// [`lock`], shared: other processes may hold it shared too, none exclusively.
pub fn lock_shared(file: &std::fs::File, waiting: impl FnOnce()) -> std::io::Result<bool> {
    lock_with(file, waiting, std::fs::File::try_lock_shared)
}

fn lock_with(
    file: &std::fs::File,
    waiting: impl FnOnce(),
    try_lock: impl Fn(&std::fs::File) -> Result<(), std::fs::TryLockError>,
) -> std::io::Result<bool> {
    match try_lock(file) {
        Ok(()) => return Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => waiting(),
        Err(std::fs::TryLockError::Error(err)) => return Err(err),
    }
    loop {
        if requested() {
            return Ok(false);
        }
        match try_lock(file) {
            Ok(()) => return Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(err)) => return Err(err),
        }
    }
}

/// A reader that gives up with [`Stopped`] once haul is told to stop, between two reads.
pub struct Stoppable<R>(pub R);

impl<R: std::io::Read> std::io::Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        check().map_err(std::io::Error::other)?;
        self.0.read(buf)
    }
}
