//! How much a download may unpack to, and the counting that enforces it.
//!
//! Two limits can be raised in the config file ([`Limits`]); the rest are fixed sanity bounds
//! that no real release comes near.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use crate::error::UserError;

/// The config key that raises [`Limits::max_unpacked_size`].
pub const MAX_UNPACKED_SIZE_KEY: &str = "max-unpacked-size";
/// The config key that raises [`Limits::max_entries`].
pub const MAX_ENTRIES_KEY: &str = "max-archive-entries";

/// Bounds on what one download may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a download may decompress to, and the most bytes its files may take on
    /// disk (`max-unpacked-size`, in bytes).
    pub max_unpacked_size: u64,
    /// The most entries (files, directories, links, …) an archive may hold
    /// (`max-archive-entries`).
    pub max_entries: u64,
}

impl Limits {
    /// 4 GiB and 100,000 entries: several times the largest tool releases.
    pub const DEFAULT: Limits = Limits {
        max_unpacked_size: 4 << 30,
        max_entries: 100_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The longest entry name or link target, in bytes (Linux's `PATH_MAX`).
pub(crate) const MAX_PATH_BYTES: u64 = 4096;
/// The largest pax extended header (a few names and numbers in a real archive).
pub(crate) const MAX_PAX_BYTES: u64 = 1 << 20;
/// The most links followed to resolve one link (as the Linux kernel's 40).
pub(crate) const MAX_LINK_HOPS: usize = 40;
/// A zip entry may claim to expand at most this many times over its compressed size, once it
/// is larger than [`RATIO_FLOOR`]. Deflate cannot exceed about 1032:1; binaries reach 5:1.
pub(crate) const MAX_ZIP_RATIO: u64 = 1000;
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;

/// What one unpacking has used so far, against its limits.
pub(crate) struct Budget<'a> {
    pub limits: Limits,
    pub asset: &'a str,
    entries: u64,
    written: u64,
}

impl<'a> Budget<'a> {
    pub fn new(limits: Limits, asset: &'a str) -> Self {
        Budget {
            limits,
            asset,
            entries: 0,
            written: 0,
        }
    }

    /// Count one more entry of the archive.
    pub fn entry(&mut self) -> Result<(), UserError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(too_many_entries(self.asset, self.limits));
        }
        Ok(())
    }

    /// Bytes that may still be written.
    pub fn remaining(&self) -> u64 {
        self.limits.max_unpacked_size.saturating_sub(self.written)
    }

    /// Refuse an entry that says it is larger than what is left, before writing any of it.
    pub fn fits(&self, declared: u64) -> Result<(), UserError> {
        if declared > self.remaining() {
            let needs = Needs::AtLeast(self.written.saturating_add(declared));
            return Err(too_large(self.asset, self.limits, needs));
        }
        Ok(())
    }

    /// Copy `reader` into `out`, counting every byte against the limit; stops (with an error)
    /// before writing a byte past it. Read errors are returned as they are.
    pub fn copy(&mut self, reader: &mut dyn Read, out: &mut dyn Write) -> anyhow::Result<u64> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        loop {
            // A tool of gigabytes takes seconds: a stop ends it between two reads.
            crate::stopping::check()?;
            let n = match reader.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err.into()),
            };
            let n64 = n as u64;
            if n64 > self.remaining() {
                let needs = Needs::AtLeast(self.written.saturating_add(n64));
                return Err(too_large(self.asset, self.limits, needs).into());
            }
            out.write_all(&buf[..n])?;
            self.written += n64;
            total += n64;
        }
    }
}

/// How much a download that went over `max-unpacked-size` is known to need.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Needs {
    /// Its index says (a zip's).
    Exactly(u64),
    /// What was counted before it stopped; more may follow (a tar stream's next files).
    AtLeast(u64),
}

pub(crate) fn too_large(asset: &str, limits: Limits, needs: Needs) -> UserError {
    let (known, raise) = match needs {
        Needs::Exactly(total) => (
            format!("its index says {} in all", crate::units::size(total)),
            format!("to {total} (bytes) or more"),
        ),
        Needs::AtLeast(counted) => (
            format!(
                "it holds at least {}, and more may follow",
                crate::units::size(counted)
            ),
            format!("to more than {counted} (bytes)"),
        ),
    };
    UserError::new(format!(
        "`{asset}` unpacks to more than {} (the `{MAX_UNPACKED_SIZE_KEY}` limit)",
        crate::units::size(limits.max_unpacked_size)
    ))
    .caused_by(format!(
        "{known}; haul stopped unpacking it; nothing was installed"
    ))
    .hint(format!(
        "if the release really is that large, raise `{MAX_UNPACKED_SIZE_KEY}` in the config \
         file or `HAUL_MAX_UNPACKED_SIZE` (which wins), {raise}"
    ))
}

pub(crate) fn too_many_directories(asset: &str, limits: Limits) -> UserError {
    UserError::new(format!(
        "`{asset}` would make more than {} directories (the `{MAX_ENTRIES_KEY}` limit)",
        limits.max_entries
    ))
    .caused_by("its paths imply that many; haul stopped unpacking it; nothing was installed")
    .hint(raise_entries(limits, "directories"))
}

pub(crate) fn too_many_entries(asset: &str, limits: Limits) -> UserError {
    UserError::new(format!(
        "`{asset}` holds more than {} entries (the `{MAX_ENTRIES_KEY}` limit)",
        limits.max_entries
    ))
    .caused_by("haul stopped unpacking it; nothing was installed")
    .hint(raise_entries(limits, "files"))
}

/// How to allow a release that really holds that many `what`.
fn raise_entries(limits: Limits, what: &str) -> String {
    format!(
        "if the release really holds that many {what}, raise the limit in the config file, e.g. \
         `{MAX_ENTRIES_KEY} = {}`",
        limits.max_entries.saturating_mul(2)
    )
}

/// A reader that fails once more than `cap` bytes have come through it, and remembers that it
/// did (the error may reach the caller wrapped in a decoder's or parser's own error).
pub(crate) struct Capped<R> {
    inner: R,
    left: u64,
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R, cap: u64) -> (Self, Rc<Cell<bool>>) {
        let tripped = Rc::new(Cell::new(false));
        let reader = Capped {
            inner,
            left: cap,
            tripped: Rc::clone(&tripped),
        };
        (reader, tripped)
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Ask for one byte more than is allowed, so reaching the cap exactly is not an error.
        let want = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        let n64 = n as u64;
        if n64 > self.left {
            self.tripped.set(true);
            self.left = 0;
            return Err(io::Error::other("the unpacked size limit was reached"));
        }
        self.left -= n64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_allows_exactly_the_cap() {
        let (mut reader, tripped) = Capped::new(&[7u8; 100][..], 100);
        let mut out = Vec::new();
        assert_eq!(reader.read_to_end(&mut out).unwrap(), 100);
        assert!(!tripped.get());

        let (mut reader, tripped) = Capped::new(&[7u8; 101][..], 100);
        assert!(reader.read_to_end(&mut Vec::new()).is_err());
        assert!(tripped.get());
    }

    #[test]
    fn budget_counts_entries_and_bytes() {
        let limits = Limits {
            max_unpacked_size: 10,
            max_entries: 2,
        };
        let mut budget = Budget::new(limits, "a.tar.gz");
        budget.entry().unwrap();
        budget.entry().unwrap();
        let err = budget.entry().unwrap_err();
        assert!(err.message.contains("max-archive-entries"), "{err}");
        assert!(err.hint.unwrap().contains("max-archive-entries = 4"));

        let mut out = Vec::new();
        budget.copy(&mut &[1u8; 6][..], &mut out).unwrap();
        assert!(budget.fits(4).is_ok());
        assert!(budget.fits(5).is_err());
        let err = budget.copy(&mut &[1u8; 5][..], &mut out).unwrap_err();
        assert!(err.to_string().contains("max-unpacked-size"), "{err}");
        assert_eq!(out.len(), 6, "nothing past the limit is written");
    }
}
