//! Whether haul was told to stop (Ctrl-C, SIGTERM). Work that runs on a thread of its own,
//! which dropping a future cannot end (unpacking, hashing a cached download, waiting for the
//! store's lock), looks here and gives up, so that haul stops at once.

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

/// A reader that gives up with [`Stopped`] once haul is told to stop, between two reads.
pub struct Stoppable<R>(pub R);

impl<R: std::io::Read> std::io::Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        check().map_err(std::io::Error::other)?;
        self.0.read(buf)
    }
}
