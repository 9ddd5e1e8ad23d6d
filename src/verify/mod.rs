//! Checksums: which of a release's sources can vouch for an asset, reading them, combining what
//! they say into one expectation, and judging a download against it.
//!
//! Pure: no I/O. The installer
//! 1. asks [`plan`] where to look;
//! 2. consults the API digest when there is one ([`ApiDigest`], malformed ones included), and the
//!    checksum files in the plan's order up to the first that names the asset, reading each with
//!    [`find`] (a file naming the asset twice with different hashes is a [`Conflict`]);
//! 3. gives every answer to [`combine`]: one [`Expected`] set of digests, or a
//!    [`VerifyError`] (malformed, conflicting), or none at all (unverified);
//! 4. hashes the download as it arrives with the algorithms the answers use
//!    ([`Hasher::for_expected`]: SHA-256 always, SHA-512 when a source uses it);
//! 5. checks the download with [`check`] (when a hash is missing, [`Hashes::covers`] says so
//!    and the saved download is hashed again: it is never fetched twice).
//!
//! Only SHA-256 and SHA-512 count; MD5, SHA-1 and the like never count as verification.

mod hash;
mod read;

use std::fmt;

pub use hash::{Hasher, Hashes};
pub use read::find;

use crate::error::{ExitCode, UserError};
use crate::format::Format;
use crate::format::strip_suffix_ignore_case;

/// A project's lock file, the source that vouches for the files `haul sync` installs from it
/// (`verified_by = "haul.lock"`).
pub const LOCK_FILE: &str = "haul.lock";

/// A hash algorithm haul trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Sha512];

    /// `sha256`, `sha512`: the prefix of a digest, and how records and messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Hex digits in a digest.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest: its algorithm, and its value as lowercase hex of the right length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Hex digits (either case) of exactly the algorithm's length.
    pub fn new(algorithm: Algorithm, hex: &str) -> Option<Digest> {
        (hex.len() == algorithm.hex_len() && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(
            || Digest {
                algorithm,
                hex: hex.to_ascii_lowercase(),
            },
        )
    }

    /// Hex digits whose length says the algorithm: 64 for SHA-256, 128 for SHA-512.
    pub fn from_hex(hex: &str) -> Option<Digest> {
        Algorithm::ALL
            .into_iter()
            .find_map(|algorithm| Digest::new(algorithm, hex))
    }

    pub fn from_bytes(algorithm: Algorithm, bytes: &[u8]) -> Digest {
        Digest {
            algorithm,
            hex: hex::encode(bytes),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Lowercase hex.
    pub fn hex(&self) -> &str {
        &self.hex
    }
}

/// `sha256:HEX`, as GitHub writes digests.
impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.hex)
    }
}

/// The `digest` GitHub's API gives an asset: one haul reads, or one that is present but not a
/// digest (which fails verification rather than being skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiDigest {
    Valid(Digest),
    Malformed(String),
}

impl ApiDigest {
    /// `sha256:` and 64 hex digits, or `sha512:` and 128. `None` for a well-formed digest of an
    /// algorithm haul does not know (`md5:…`): no source, as if there were no digest.
    pub fn parse(text: &str) -> Option<ApiDigest> {
        let malformed = || Some(ApiDigest::Malformed(text.to_owned()));
        let Some((prefix, hex)) = text.split_once(':') else {
            return malformed();
        };
        if let Some(algorithm) = Algorithm::ALL.into_iter().find(|a| a.name() == prefix) {
            return Digest::new(algorithm, hex)
                .map_or_else(malformed, |d| Some(ApiDigest::Valid(d)));
        }
        let word = |s: &str, ok: fn(u8) -> bool| !s.is_empty() && s.bytes().all(ok);
        let lower_word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
        // `SHA256`, `sha-256`, `sha256sum`, `sha2`: a spelling of a known algorithm, which a
        // digest must not use to slip past verification.
        let spelled: String = prefix
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .collect();
        let spelled = spelled.strip_suffix("sum").unwrap_or(&spelled);
        let spells_a_known_one =
            Algorithm::ALL.iter().any(|a| a.name() == spelled) || spelled == "sha2";
        if !spells_a_known_one && word(prefix, lower_word) && word(hex, |b| b.is_ascii_hexdigit()) {
            None
        } else {
            malformed()
        }
    }
}

/// One place that may hold the asset's checksum, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// The API's `digest` field for the asset.
    Digest(ApiDigest),
    /// A release file, and how to read it.
    File { name: String, kind: FileKind },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// cargo-dist's `dist-manifest.json`.
    DistManifest,
    /// A file for this asset alone (`ASSET.sha256`, `ASSET.sha512`).
    Single,
    /// A list for the whole release (`checksums.txt`, `SHA256SUMS`, `SHA512SUMS`).
    List,
}

/// A source of a checksum; recorded, and shown by `haul list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Digest,
    File(String),
}

impl fmt::Display for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verified::Digest => f.write_str("api-digest"),
            Verified::File(name) => f.write_str(name),
        }
    }
}

/// Why a checksum file that names the asset cannot vouch for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Conflict(Conflict),
    /// It names the asset with something that is not a digest of the algorithm it says (the
    /// text as written, cut short).
    Malformed(String),
}

impl From<Conflict> for Unreadable {
    fn from(conflict: Conflict) -> Self {
        Unreadable::Conflict(conflict)
    }
}

/// One checksum file names the asset twice, with different digests of one algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub first: Digest,
    pub second: Digest,
}

impl Conflict {
    /// The error for this conflict in `source`.
    pub fn in_source(self, source: Verified) -> VerifyError {
        VerifyError::Conflict {
            a: (source.clone(), self.first),
            b: (source, self.second),
        }
    }
}

/// What one consulted source said about the asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Digest(Digest),
    /// The source does not name the asset.
    NotListed,
    /// A digest is there, but it is not one (the API's `digest` field).
    Malformed(String),
    Conflict(Conflict),
}

impl From<Result<Option<Digest>, Unreadable>> for Answer {
    fn from(found: Result<Option<Digest>, Unreadable>) -> Self {
        match found {
            Ok(Some(digest)) => Answer::Digest(digest),
            Ok(None) => Answer::NotListed,
            Err(Unreadable::Conflict(conflict)) => Answer::Conflict(conflict),
            Err(Unreadable::Malformed(text)) => Answer::Malformed(text),
        }
    }
}

impl From<&ApiDigest> for Answer {
    fn from(api: &ApiDigest) -> Self {
        match api {
            ApiDigest::Valid(digest) => Answer::Digest(digest.clone()),
            ApiDigest::Malformed(text) => Answer::Malformed(text.clone()),
        }
    }
}

/// What the download must hash to: every digest the consulted sources gave (they agree), the
/// first being the one the record names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    digests: Vec<(Verified, Digest)>,
}

impl Expected {
    /// The algorithms the download must be hashed with.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut out: Vec<Algorithm> = self.digests.iter().map(|(_, d)| d.algorithm()).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The digest of `algorithm`, when a source gave one (the sources agree on it).
    pub fn digest(&self, algorithm: Algorithm) -> Option<&Digest> {
        self.digests
            .iter()
            .map(|(_, digest)| digest)
            .find(|digest| digest.algorithm() == algorithm)
    }

    /// The checksum files among the sources, in the order they were consulted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.digests.iter().filter_map(|(source, _)| match source {
            Verified::File(name) => Some(name.as_str()),
            Verified::Digest => None,
        })
    }

    /// The source whose digest the record names (the first consulted that gave one).
    pub fn first_source(&self) -> Option<&Verified> {
        self.digests.first().map(|(source, _)| source)
    }

    /// For the record: the sources, each once, and the algorithm when it is not SHA-256
    /// (`checksums.txt`, `api-digest, checksums.txt`, `SHA512SUMS (sha512)`; a lock that
    /// gives both hashes is `haul.lock`).
    pub fn verified_by(&self) -> String {
        let gave_sha256 = |source: &Verified| {
            self.digests
                .iter()
                .any(|(s, d)| s == source && d.algorithm() == Algorithm::Sha256)
        };
        let mut names: Vec<String> = Vec::new();
        for (source, digest) in &self.digests {
            let name = match digest.algorithm() {
                Algorithm::Sha256 => source.to_string(),
                Algorithm::Sha512 if gave_sha256(source) => continue,
                other @ Algorithm::Sha512 => format!("{source} ({other})"),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join(", ")
    }
}

/// Why a download is not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    Mismatch {
        source: Verified,
        expected: Digest,
        actual: Digest,
    },
    Conflict {
        a: (Verified, Digest),
        b: (Verified, Digest),
    },
    Malformed {
        source: Verified,
        text: String,
    },
    /// The installer did not hash the download with an algorithm a source uses.
    NotHashed(Algorithm),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Mismatch {
                source, expected, ..
            } => write!(f, "the download does not match {expected} from {source}"),
            VerifyError::Conflict { a, b } => {
                write!(f, "{} says {} but {} says {}", a.0, a.1, b.0, b.1)
            }
            VerifyError::Malformed { source, .. } => {
                write!(f, "the checksum from {source} is malformed")
            }
            VerifyError::NotHashed(algorithm) => {
                write!(f, "the download was not hashed with {algorithm}")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

impl VerifyError {
    /// The error for a person, about the asset named `asset`: exit code 4.
    pub fn to_user_error(&self, asset: &str) -> UserError {
        self.to_user_error_saying(asset, "nothing was installed")
    }

    /// [`VerifyError::to_user_error`], its hint starting with what was left as it was.
    pub fn to_user_error_saying(&self, asset: &str, nothing: &str) -> UserError {
        let err = match self {
            VerifyError::Mismatch {
                source,
                expected,
                actual,
            } => UserError::new(format!("checksum mismatch for `{asset}`"))
                .caused_by(format!("expected {expected} (from {source})"))
                .caused_by(format!("got      {actual}"))
                .hint(format!(
                    "{nothing}; the download or the release is corrupt or was tampered with"
                )),
            VerifyError::Conflict { a, b } => {
                UserError::new(format!("the checksums for `{asset}` disagree"))
                    .caused_by(format!("{} says {}", a.0, a.1))
                    .caused_by(format!("{} says {}", b.0, b.1))
                    .hint(format!(
                        "{nothing}; a release that contradicts itself cannot vouch for its \
                         files. Report it to the tool's authors"
                    ))
            }
            VerifyError::Malformed { source, text } => UserError::new(format!(
                "the checksum for `{asset}` from {source} is malformed"
            ))
            .caused_by(format!(
                "{} is not a SHA-256 (64 hex digits) or a SHA-512 (128 hex digits)",
                shown(text)
            ))
            .hint(format!(
                "{nothing}; a checksum that is present but unreadable is not skipped"
            )),
            VerifyError::NotHashed(algorithm) => {
                return UserError::new(format!("cannot check `{asset}`: {self}"))
                    .caused_by(format!("a source gives a {algorithm} digest"));
            }
        };
        err.exit(ExitCode::Verification)
    }
}

/// Text from a release, quoted for a message: at most 100 characters, control characters
/// escaped (they could drive the terminal).
fn shown(text: &str) -> String {
    let mut short: String = text.chars().take(100).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("{short:?}")
}

/// Combine what every consulted source said into what the download must hash to. A malformed
/// digest, a file that names the asset twice differently, or two sources that give different
/// digests of one algorithm are errors; sources that do not name the asset are skipped.
/// `Ok(None)`: nothing vouches for the asset.
pub fn combine(answers: Vec<(Verified, Answer)>) -> Result<Option<Expected>, VerifyError> {
    let mut digests: Vec<(Verified, Digest)> = Vec::new();
    for (source, answer) in answers {
        match answer {
            Answer::NotListed => {}
            Answer::Malformed(text) => return Err(VerifyError::Malformed { source, text }),
            Answer::Conflict(conflict) => return Err(conflict.in_source(source)),
            Answer::Digest(digest) => {
                let disagrees = digests
                    .iter()
                    .find(|(_, d)| d.algorithm() == digest.algorithm() && *d != digest);
                if let Some(earlier) = disagrees {
                    return Err(VerifyError::Conflict {
                        a: earlier.clone(),
                        b: (source, digest),
                    });
                }
                digests.push((source, digest));
            }
        }
    }
    Ok((!digests.is_empty()).then_some(Expected { digests }))
}

/// The download's hashes against every expected digest.
pub fn check(expected: &Expected, hashes: &Hashes) -> Result<(), VerifyError> {
    for (source, want) in &expected.digests {
        let Some(got) = hashes.get(want.algorithm()) else {
            return Err(VerifyError::NotHashed(want.algorithm()));
        };
        if got != want {
            return Err(VerifyError::Mismatch {
                source: source.clone(),
                expected: want.clone(),
                actual: got.clone(),
            });
        }
    }
    Ok(())
}

/// Where to look for `asset`'s checksum among the release's files, best first: the API's
/// digest (when present, even malformed), cargo-dist's manifest, files for this asset alone
/// (SHA-256 before SHA-512), then release-wide lists (SHA-256 and generic before SHA-512).
pub fn plan(asset: &str, digest: Option<&str>, release_files: &[&str]) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(api) = digest.and_then(ApiDigest::parse) {
        out.push(Candidate::Digest(api));
    }
    let file = |name: &str, kind| Candidate::File {
        name: name.to_owned(),
        kind,
    };
    if release_files.contains(&"dist-manifest.json") {
        out.push(file("dist-manifest.json", FileKind::DistManifest));
    }
    // Files for this asset alone: `ASSET.sha256`, or the name without its archive extension.
    let stem = strip_archive_ext(asset);
    for exts in [&SHA256_EXTS[..], &SHA512_EXTS[..]] {
        for base in [asset, stem] {
            for ext in exts {
                // `ASSET.SHA256` too: the extension in any case.
                let want = format!("{base}{ext}");
                let Some(name) = release_files.iter().find(|f| {
                    f.len() == want.len()
                        && f.starts_with(base)
                        && f[base.len()..].eq_ignore_ascii_case(ext)
                }) else {
                    continue;
                };
                let candidate = file(name, FileKind::Single);
                if !out.contains(&candidate) {
                    out.push(candidate);
                }
            }
        }
    }
    // Release-wide lists; the ones that name SHA-256 or are the usual names go first. Files
    // for one asset (this one's or another's) are not lists.
    let mut lists: Vec<(u8, &str)> = release_files
        .iter()
        .filter(|name| !is_single_asset_file(name, release_files))
        .filter(|name| !signs_another(name, release_files))
        .filter_map(|name| list_rank(name).map(|rank| (rank, *name)))
        .collect();
    lists.sort_by_key(|(rank, _)| *rank);
    out.extend(
        lists
            .into_iter()
            .map(|(_, name)| file(name, FileKind::List)),
    );
    // Last, read as lists: files named for another file of the release whose name starts this
    // asset's (`tool-1.0.sha256` beside the source `tool-1.0.tar.gz` may list every file of
    // `tool-1.0`). Read only when nothing before names the asset; a bare hash in them is the
    // other file's, and is not taken.
    for name in release_files {
        let candidate = file(name, FileKind::List);
        if other_file_may_list(name, stem) && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// `X.sha256` where `X` (without its archive extension) is another file's name, and starts
/// `stem` followed by a separator: `tool-1.0.sha256` for `tool-1.0-linux-amd64`.
fn other_file_may_list(name: &str, stem: &str) -> bool {
    checksum_bases(name).any(|base| {
        let base = strip_archive_ext(base);
        !base.is_empty()
            && stem
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with(['-', '_', '.']))
    })
}

const SHA256_EXTS: [&str; 4] = [".sha256", ".sha256sum", ".sha256.txt", ".sha"];
const SHA512_EXTS: [&str; 3] = [".sha512", ".sha512sum", ".sha512.txt"];

/// What `name` is named for when it ends in a checksum extension (`X` of `X.sha256`), for
/// each extension it ends in.
fn checksum_bases(name: &str) -> impl Iterator<Item = &str> {
    SHA256_EXTS
        .iter()
        .chain(&SHA512_EXTS)
        .filter_map(move |ext| strip_suffix_ignore_case(name, ext))
}

/// `X.sha256` where `X` is another file of the release, or names one without its extension.
fn is_single_asset_file(name: &str, release_files: &[&str]) -> bool {
    checksum_bases(name).any(|base| {
        release_files
            .iter()
            .any(|f| *f != name && (*f == base || strip_archive_ext(f) == base))
    })
}

/// `X.asc` where `X` is another file of the release: a detached signature of `X`, not a list
/// (a clearsigned list comes alone).
fn signs_another(name: &str, release_files: &[&str]) -> bool {
    strip_suffix_ignore_case(name, ".asc").is_some_and(|base| {
        release_files
            .iter()
            .any(|f| f.len() == base.len() && f.eq_ignore_ascii_case(base))
    })
}

/// The name without its archive extension, or without `.exe`.
fn strip_archive_ext(name: &str) -> &str {
    let stem = Format::strip(name);
    if stem.len() == name.len() {
        strip_suffix_ignore_case(name, ".exe").unwrap_or(name)
    } else {
        stem
    }
}

// Signatures and certificates vouch for a list; they are not one. A clearsigned list
// (`sha256sum.txt.asc`) still holds plain lines, so `.asc` stays, unless the list it signs is
// there too (see `signs_another`).
const NOT_LISTS: [&str; 8] = [
    ".sig",
    ".pem",
    ".minisig",
    ".sigstore",
    ".intoto",
    ".pub",
    ".cert",
    ".sbom",
];
/// Algorithms haul does not read, as a word of a file's name.
const OTHER_HASHES: [&str; 12] = [
    "sha1", "md5", "b3", "blake", "blake2", "blake2b", "blake2s", "blake3", "rmd160", "sha384",
    "sha224", "sha3",
];

/// What a file's name says of algorithms haul does not read: `Sums` for a list of their
/// hashes (`SHA1SUMS`, `md5sum.txt`, `b3sums`), `Word` for the name alone (`blake3`, which may
/// be the project's: `blake3-cli_1.0_checksums.txt`), `None` when it names none (`md5tools`
/// is a project's name).
#[derive(Clone, Copy, PartialEq, Eq)]
enum OtherHash {
    None,
    Word,
    Sums,
}

fn names_other_hash(lower: &str) -> OtherHash {
    fn sums(word: &str) -> Option<&str> {
        word.strip_suffix("sums")
            .or_else(|| word.strip_suffix("sum"))
    }
    let mut found = OtherHash::None;
    let mut other_before = false;
    for word in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        // `sha1sums`, or `sha3-256sums` (the algorithm, then its size and `sums`).
        let after_other =
            other_before && sums(word).is_some_and(|size| size.bytes().all(|b| b.is_ascii_digit()));
        if after_other || sums(word).is_some_and(|stem| OTHER_HASHES.contains(&stem)) {
            return OtherHash::Sums;
        }
        other_before = OTHER_HASHES.contains(&word);
        if other_before {
            found = OtherHash::Word;
        }
    }
    found
}

/// The algorithm a file's name says it holds, if it says one.
pub fn algorithm_named(name: &str) -> Option<Algorithm> {
    let lower = name.to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if says(&["sha512", "sha-512", "sha2-512", "sha_512", "shasums512"]) {
        Some(Algorithm::Sha512)
    } else if says(&["sha256", "sha-256", "sha2-256", "sha_256", "shasums256"]) {
        Some(Algorithm::Sha256)
    } else {
        None
    }
}

/// How likely a release file is a checksum list: `None` when it is not one at all.
fn list_rank(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    if NOT_LISTS.iter().any(|ext| lower.contains(ext)) {
        return None;
    }
    let generic = ["checksum", "shasum", "sums", "hashes", "digests"]
        .iter()
        .any(|h| lower.contains(h))
        || lower == "sha256.sum"
        || lower == "sha512.sum";
    let archive = has_archive_ext(&lower);
    // Another algorithm's sums are not a list haul reads. A name that holds another
    // algorithm's name as a word beside a list's word may be a project's own name
    // (`blake3-cli_1.0_checksums.txt`): it is read, last.
    match names_other_hash(&lower) {
        OtherHash::Sums => return None,
        OtherHash::Word => {
            return (generic && !archive && algorithm_named(&lower).is_none()).then_some(5);
        }
        OtherHash::None => {}
    }
    match (algorithm_named(&lower), generic) {
        (Some(Algorithm::Sha256), true) => Some(0),
        (Some(Algorithm::Sha256), false) if !archive => Some(1),
        (None, true) if !archive => Some(2),
        (Some(Algorithm::Sha512), true) => Some(3),
        (Some(Algorithm::Sha512), false) if !archive => Some(4),
        _ => None,
    }
}

fn has_archive_ext(lower: &str) -> bool {
    strip_archive_ext(lower).len() != lower.len()
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
