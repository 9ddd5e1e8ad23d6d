//! Hashing a download once, as it streams: SHA-256 always (the record keeps it), SHA-512 only
//! when a source that uses it will be consulted.

use sha2::Digest as _;

use super::{Algorithm, Digest, Expected};

/// The hashes of one download, computed as its bytes pass.
#[derive(Clone)]
pub struct Hasher {
    sha256: sha2::Sha256,
    sha512: Option<sha2::Sha512>,
}

impl Hasher {
    /// SHA-256, and the other `algorithms`.
    pub fn new(algorithms: &[Algorithm]) -> Hasher {
        Hasher {
            sha256: sha2::Sha256::new(),
            sha512: algorithms
                .contains(&Algorithm::Sha512)
                .then(sha2::Sha512::new),
        }
    }

    /// Exactly what `expected` needs.
    pub fn for_expected(expected: &Expected) -> Hasher {
        Hasher::new(&expected.algorithms())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        if let Some(sha512) = &mut self.sha512 {
            sha512.update(bytes);
        }
    }

    pub fn finish(self) -> Hashes {
        Hashes {
            sha256: Digest::from_bytes(Algorithm::Sha256, &self.sha256.finalize()),
            sha512: self
                .sha512
                .map(|h| Digest::from_bytes(Algorithm::Sha512, &h.finalize())),
        }
    }
}

/// So that `io::copy(&mut file, &mut hasher)` hashes a file.
impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A download's digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashes {
    sha256: Digest,
    sha512: Option<Digest>,
}

impl Hashes {
    /// Always computed; the record keeps it.
    pub fn sha256(&self) -> &Digest {
        &self.sha256
    }

    pub fn get(&self, algorithm: Algorithm) -> Option<&Digest> {
        match algorithm {
            Algorithm::Sha256 => Some(&self.sha256),
            Algorithm::Sha512 => self.sha512.as_ref(),
        }
    }

    /// Whether every algorithm `expected` uses was computed.
    pub fn covers(&self, expected: &Expected) -> bool {
        expected
            .algorithms()
            .into_iter()
            .all(|a| self.get(a).is_some())
    }
}
