//! Reading checksum files: the layouts `sha256sum`, `sha512sum`, BSD tools and cargo-dist
//! write. A file that names the asset twice with different digests of one algorithm is a
//! [`Conflict`], never "the first one".

use serde::Deserialize;
use serde_json::value::RawValue;

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
/// `SHA256(NAME)= HASH` (OpenSSL), `NAME: HASH`, or a file with a bare hash (only when `single`
/// is set: a file for this asset alone). The hash's length says its algorithm; `only` keeps one
/// algorithm.
///
/// A file for this asset alone vouches for it however its one hash line names the file (`-`
/// when it was hashed from a pipe, or the name it had before it was uploaded). A hash for the
/// asset that is no algorithm's (a digit short, not hex), an empty file for the asset alone,
/// and a line that names the asset in a layout haul cannot read in a file that says its
/// algorithm are [`Unreadable::Malformed`]: a checksum that is there is never skipped.
pub fn find_in_text(
    text: &str,
    asset: &str,
    single: bool,
    only: Option<Algorithm>,
) -> Result<Option<Digest>, Unreadable> {
    // A byte-order mark (Windows tools write one) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut found = Found::default();
    // Hash lines of a file for this asset alone that name another file, as read.
    let mut elsewhere: Vec<(Option<Algorithm>, &str)> = Vec::new();
    let mut unread: Option<&str> = None;
    let mut lines = 0;
    // Lines that read as a checksum line for some file: a file with none (an HTML error
    // page served in its place) cannot say whether it covers the asset.
    let mut checksum_lines = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        let line_kind = split_line(line);
        if looks_like_checksum_line(&line_kind, line) {
            checksum_lines += 1;
        }
        match line_kind {
            Line::Listed {
                algorithm,
                hash,
                name,
            } => {
                if names_asset(name, asset) || (single && name == "-") {
                    read_hash(algorithm, hash, only, &mut found)?;
                } else if single {
                    elsewhere.push((algorithm, hash));
                }
            }
            // A file for this asset alone may hold just the hash; a line naming another file
            // says nothing about this one.
            Line::Other if single && !line.contains(char::is_whitespace) => {
                read_hash(None, line, only, &mut found)?;
            }
            Line::Other if mentions(line, asset) => unread = unread.or(Some(line)),
            Line::Other | Line::OtherAlgorithm => {}
        }
    }
    if found.is_empty()
        && let [(algorithm, hash)] = elsewhere[..]
    {
        read_hash(algorithm, hash, only, &mut found)?;
    }
    if found.is_empty() {
        if single && lines == 0 {
            return Err(malformed("(an empty file)"));
        }
        if let Some(line) = unread
            && (single || only.is_some())
        {
            return Err(malformed(line));
        }
        if lines > 0 && checksum_lines == 0 {
            return Err(malformed(
                text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""),
            ));
        }
    }
    Ok(found.best())
}

/// Whether a line reads as a checksum line for some file (a hash of hex digits and a name, a
/// tagged line, or a bare hash), whatever its algorithm.
fn looks_like_checksum_line(kind: &Line<'_>, line: &str) -> bool {
    let hex = |s: &str| s.len() >= 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    match kind {
        Line::Listed { hash, .. } => hex(hash),
        Line::OtherAlgorithm => true,
        Line::Other => hex(line),
    }
}

/// Read `hash`, given to the asset, into `found`. What the line (`algorithm`) or the file's
/// name (`only`) says the hash is must be what it is; a file that says nothing may list other
/// algorithms' hashes (MD5, SHA-1), which are not read, but a hash of no algorithm is malformed.
fn read_hash(
    algorithm: Option<Algorithm>,
    hash: &str,
    only: Option<Algorithm>,
    found: &mut Found,
) -> Result<(), Unreadable> {
    let says = match (algorithm, only) {
        (Some(line), Some(file)) if line != file => return Ok(()),
        (line, file) => line.or(file),
    };
    match (says, Digest::from_hex(hash)) {
        (Some(says), Some(digest)) if digest.algorithm() == says => found.add(digest)?,
        (None, Some(digest)) => found.add(digest)?,
        (None, None) if other_algorithm(hash) => {}
        (Some(_), _) | (None, None) => return Err(malformed(hash)),
    }
    Ok(())
}

/// A hash of an algorithm haul does not read: MD5, SHA-1, SHA-224, SHA-384 by their length.
fn other_algorithm(hash: &str) -> bool {
    [32, 40, 56, 96].contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `line` holds the asset's name as a whole name (not `ASSET.sig` or `xASSET`).
fn mentions(line: &str, asset: &str) -> bool {
    let part_of_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    line.match_indices(asset).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + asset.len()..].chars().next();
        !before.is_some_and(part_of_name) && !after.is_some_and(part_of_name)
    })
}

enum Line<'a> {
    /// A hash and the name it is for; `algorithm` when the line says it (BSD style).
    Listed {
        algorithm: Option<Algorithm>,
        hash: &'a str,
        name: &'a str,
    },
    /// A BSD or OpenSSL line of an algorithm haul does not read (`MD5 (NAME) = …`).
    OtherAlgorithm,
    Other,
}

fn split_line(line: &str) -> Line<'_> {
    if let Some(tagged) = tagged_line(line) {
        return tagged;
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

/// `TAG (NAME) = HASH` as BSD tools write it, or `TAG(NAME)= HASH` as OpenSSL does, the tag in
/// any case (`SHA256`, `SHA2-256`, `sha256`).
fn tagged_line(line: &str) -> Option<Line<'_>> {
    let (tag, rest) = line.split_once('(')?;
    let tag = tag.trim_end();
    if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let (name, hash) = rest.rsplit_once(')')?;
    let hash = hash.trim_start().strip_prefix('=')?.trim();
    let algorithm = match tag.to_ascii_uppercase().as_str() {
        "SHA256" | "SHA2-256" | "SHA-256" => Algorithm::Sha256,
        "SHA512" | "SHA2-512" | "SHA-512" => Algorithm::Sha512,
        // MD5, SHA1, BLAKE2b, …: not a line haul reads.
        _ => return Some(Line::OtherAlgorithm),
    };
    Some(Line::Listed {
        algorithm: Some(algorithm),
        hash,
        name,
    })
}

/// A listed path names the asset when its last component is the asset's name.
fn names_asset(listed: &str, asset: &str) -> bool {
    let listed = listed.trim();
    let base = listed.rsplit(['/', '\\']).next().unwrap_or(listed);
    base == asset
}

/// A JSON object's members in order, duplicates kept: a key given twice is not silently
/// the last one.
struct Members(Vec<(String, Box<RawValue>)>);

impl Members {
    fn parse(json: &str) -> Option<Members> {
        serde_json::from_str(json).ok()
    }

    fn all(&self, key: &str) -> impl Iterator<Item = &RawValue> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// The member `key` when it is there once; `Err` when it is there more than once.
    fn one(&self, key: &str) -> Result<Option<&RawValue>, ()> {
        let mut all = self.all(key);
        let first = all.next();
        if all.next().is_some() {
            Err(())
        } else {
            Ok(first)
        }
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A hash as written, for a message (a line of a hostile file can be long).
fn malformed(hash: &str) -> Unreadable {
    Unreadable::Malformed(hash.chars().take(140).collect())
}

/// The asset's digest from cargo-dist's `dist-manifest.json` (SHA-256 when it has one).
/// Only the asset's own entry counts: another artifact's odd entry does not stop it being read.
/// A checksum the manifest gives the asset under `sha256` or `sha512` that is not one, an entry
/// for the asset given twice, and a manifest haul cannot read that names the asset are
/// [`Unreadable::Malformed`]; two different hashes of one algorithm are a [`Conflict`].
pub fn find_in_dist_manifest(text: &str, asset: &str) -> Result<Option<Digest>, Unreadable> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let unreadable = |what: &str| {
        if mentions(text, asset) {
            Err(malformed(what))
        } else {
            Ok(None)
        }
    };
    let Some(manifest) = Members::parse(text) else {
        return unreadable("dist-manifest.json is not a JSON object");
    };
    let artifacts = match manifest.one("artifacts") {
        Ok(Some(artifacts)) => artifacts,
        Ok(None) => return unreadable("dist-manifest.json has no `artifacts`"),
        Err(()) => return unreadable("dist-manifest.json gives `artifacts` twice"),
    };
    let Some(artifacts) = Members::parse(artifacts.get()) else {
        return unreadable("the manifest's `artifacts` is not a JSON object");
    };
    let entry = match artifacts.one(asset) {
        Ok(Some(entry)) => entry,
        Ok(None) => return Ok(None),
        Err(()) => return Err(malformed(&format!("`{asset}` listed twice"))),
    };
    let Some(entry) = Members::parse(entry.get()) else {
        return Err(malformed(entry.get()));
    };
    let checksums = match entry.one("checksums") {
        Ok(Some(checksums)) => checksums,
        Ok(None) => return Ok(None),
        Err(()) => return Err(malformed("`checksums` given twice")),
    };
    let Some(checksums) = Members::parse(checksums.get()) else {
        return Err(malformed(checksums.get()));
    };
    let mut found = Found::default();
    for algorithm in Algorithm::ALL {
        for value in checksums.all(algorithm.name()) {
            let hex: String =
                serde_json::from_str(value.get()).map_err(|_| malformed(value.get()))?;
            found.add(Digest::new(algorithm, &hex).ok_or_else(|| malformed(&hex))?)?;
        }
    }
    Ok(found.best())
}
