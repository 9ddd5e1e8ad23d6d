//! Reading checksum files: the layouts `sha256sum`, `sha512sum`, BSD tools and cargo-dist
//! write. A file that names the asset twice with different digests of one algorithm is a
//! [`Conflict`], never "the first one".

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Algorithm, Conflict, Digest, FileKind, Unreadable, algorithm_named};

/// Read the fetched checksum file `name`, of `kind`, for `asset`. A file whose name says an
/// algorithm (`SHA512SUMS`, `x.sha256`) is read for that algorithm only, and a hash it gives
/// the asset that is not one of that algorithm is [`Unreadable::Malformed`], never skipped.
pub fn find(
    kind: FileKind,
    name: &str,
    text: &str,
    asset: &str,
) -> Result<Option<Digest>, Unreadable> {
    let only = algorithm_named(name);
    match kind {
        FileKind::DistManifest => find_in_dist_manifest(text, asset),
        FileKind::Single => find_in_text(text, asset, true, only),
        FileKind::List => find_in_text(text, asset, false, only),
    }
}

/// At most one digest per algorithm; a second, different one is a conflict.
#[derive(Default)]
struct Found {
    sha256: Option<Digest>,
    sha512: Option<Digest>,
}

impl Found {
    fn add(&mut self, digest: Digest) -> Result<(), Conflict> {
        let slot = match digest.algorithm() {
            Algorithm::Sha256 => &mut self.sha256,
            Algorithm::Sha512 => &mut self.sha512,
        };
        match slot {
            Some(first) if *first != digest => Err(Conflict {
                first: first.clone(),
                second: digest,
            }),
            Some(_) => Ok(()),
            None => {
                *slot = Some(digest);
                Ok(())
            }
        }
    }

    /// SHA-256 when the file has it: a release that offers both is checked with SHA-256.
    fn best(self) -> Option<Digest> {
        self.sha256.or(self.sha512)
    }

    fn is_empty(&self) -> bool {
        self.sha256.is_none() && self.sha512.is_none()
    }
}

/// The asset's digest from a checksum file's text, in any of the usual layouts:
/// `HASH  NAME` / `HASH *NAME` (sha256sum, sha512sum), `SHA256 (NAME) = HASH` (BSD),
/// `NAME: HASH`, or a file with a bare hash (only when `single` is set: a file for this asset
/// alone). The hash's length says its algorithm; `only` keeps one algorithm.
pub fn find_in_text(
    text: &str,
    asset: &str,
    single: bool,
    only: Option<Algorithm>,
) -> Result<Option<Digest>, Unreadable> {
    let mut named = Found::default();
    let mut bare = Found::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match split_line(line) {
            Line::Listed {
                algorithm,
                hash,
                name,
            } => {
                if !names_asset(name, asset) {
                    continue;
                }
                // What the line or the file's name says the hash is must be what it is; a
                // file that says nothing may list other algorithms (MD5, SHA-1), not read.
                let says = match (algorithm, only) {
                    (Some(line), Some(file)) if line != file => continue,
                    (line, file) => line.or(file),
                };
                match (says, Digest::from_hex(hash)) {
                    (Some(says), Some(digest)) if digest.algorithm() == says => {
                        named.add(digest)?;
                    }
                    (Some(_), _) => return Err(malformed(hash)),
                    (None, Some(digest)) => named.add(digest)?,
                    (None, None) => {}
                }
            }
            // A file for this asset alone may hold just the hash; a line naming another file
            // says nothing about this one.
            Line::Other if single && !line.contains(char::is_whitespace) => {
                match (only, Digest::from_hex(line)) {
                    (Some(says), Some(digest)) if digest.algorithm() == says => bare.add(digest)?,
                    (Some(_), _) => return Err(malformed(line)),
                    (None, Some(digest)) => bare.add(digest)?,
                    (None, None) => {}
                }
            }
            Line::Other => {}
        }
    }
    Ok(if named.is_empty() { bare } else { named }.best())
}

enum Line<'a> {
    /// A hash and the name it is for; `algorithm` when the line says it (BSD style).
    Listed {
        algorithm: Option<Algorithm>,
        hash: &'a str,
        name: &'a str,
    },
    Other,
}

fn split_line(line: &str) -> Line<'_> {
    // `TAG (NAME) = HASH`
    if let Some((tag, rest)) = line.split_once(" (")
        && let Some((name, hash)) = rest.rsplit_once(") = ")
        && !tag.is_empty()
        && tag
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        let algorithm = match tag {
            "SHA256" | "SHA2-256" => Algorithm::Sha256,
            "SHA512" | "SHA2-512" => Algorithm::Sha512,
            // MD5, SHA1, BLAKE2b, …: not a line haul reads.
            _ => return Line::Other,
        };
        return Line::Listed {
            algorithm: Some(algorithm),
            hash: hash.trim(),
            name,
        };
    }
    if let Some((name, hash)) = line.rsplit_once(": ")
        && Digest::from_hex(hash.trim()).is_some()
    {
        return Line::Listed {
            algorithm: None,
            hash: hash.trim(),
            name,
        };
    }
    match line.split_once(char::is_whitespace) {
        Some((hash, name)) => Line::Listed {
            algorithm: None,
            hash,
            name: name.trim_start().trim_start_matches(['*', ' ']),
        },
        None => Line::Other,
    }
}

/// A listed path names the asset when its last component is the asset's name.
fn names_asset(listed: &str, asset: &str) -> bool {
    let listed = listed.trim();
    let base = listed.rsplit(['/', '\\']).next().unwrap_or(listed);
    base == asset
}

#[derive(Deserialize)]
struct DistManifest {
    #[serde(default)]
    artifacts: BTreeMap<String, DistArtifact>,
}

#[derive(Deserialize)]
struct DistArtifact {
    #[serde(default)]
    checksums: BTreeMap<String, String>,
}

/// A hash as written, for a message (a line of a hostile file can be long).
fn malformed(hash: &str) -> Unreadable {
    Unreadable::Malformed(hash.chars().take(140).collect())
}

/// The asset's digest from cargo-dist's `dist-manifest.json` (SHA-256 when it has one). A
/// checksum the manifest gives the asset under `sha256` or `sha512` that is not one is
/// [`Unreadable::Malformed`].
pub fn find_in_dist_manifest(text: &str, asset: &str) -> Result<Option<Digest>, Unreadable> {
    let Ok(manifest) = serde_json::from_str::<DistManifest>(text) else {
        return Ok(None);
    };
    let Some(artifact) = manifest.artifacts.get(asset) else {
        return Ok(None);
    };
    let mut found = Found::default();
    for algorithm in Algorithm::ALL {
        if let Some(hex) = artifact.checksums.get(algorithm.name()) {
            found.add(Digest::new(algorithm, hex).ok_or_else(|| malformed(hex))?)?;
        }
    }
    Ok(found.best())
}
