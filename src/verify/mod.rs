//! Checksums: which of a release's files can vouch for an asset, and reading them.
//!
//! Pure: no I/O. The install step fetches the files in the order [`plan`] gives and stops at
//! the first that names the asset. Only SHA-256 is used; weaker hashes (MD5, SHA-1) never count
//! as verification.

use std::fmt;

use serde::Deserialize;

use crate::unpack::Format;
use crate::unpack::format::strip_suffix_ignore_case;

/// A SHA-256 digest as lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256(String);

impl Sha256 {
    /// Accept 64 hex digits in either case.
    pub fn parse(text: &str) -> Option<Sha256> {
        let text = text.trim();
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Sha256(text.to_ascii_lowercase()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Sha256 {
        Sha256(hex::encode(bytes))
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One place that may hold the asset's checksum, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// The API's `digest` field for the asset.
    Digest(Sha256),
    /// A release file, and how to read it.
    File { name: String, kind: FileKind },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// cargo-dist's `dist-manifest.json`.
    DistManifest,
    /// A file for this asset alone (`ASSET.sha256`).
    Single,
    /// A list for the whole release (`checksums.txt`, `SHA256SUMS`).
    List,
}

/// How an installed file was verified; recorded, and shown by `haul list`.
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

/// Where to look for `asset`'s checksum among the release's files, best first.
pub fn plan(asset: &str, digest: Option<&str>, release_files: &[&str]) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(sha) = digest
        .and_then(|d| d.strip_prefix("sha256:"))
        .and_then(Sha256::parse)
    {
        out.push(Candidate::Digest(sha));
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
    for base in [asset, stem] {
        for ext in SINGLE_EXTS {
            let name = format!("{base}{ext}");
            let candidate = file(&name, FileKind::Single);
            if release_files.contains(&name.as_str()) && !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    // Release-wide lists; the ones that name SHA-256 or are the usual names go first. Files
    // for one asset (this one's or another's) are not lists.
    let mut lists: Vec<(u8, &str)> = release_files
        .iter()
        .filter(|name| !is_single_asset_file(name, release_files))
        .filter_map(|name| list_rank(name).map(|rank| (rank, *name)))
        .collect();
    lists.sort_by_key(|(rank, _)| *rank);
    out.extend(
        lists
            .into_iter()
            .map(|(_, name)| file(name, FileKind::List)),
    );
    out
}

const SINGLE_EXTS: [&str; 4] = [".sha256", ".sha256sum", ".sha256.txt", ".sha"];

/// `X.sha256` where `X` is another file of the release, or names one without its extension.
fn is_single_asset_file(name: &str, release_files: &[&str]) -> bool {
    SINGLE_EXTS.iter().any(|ext| {
        name.strip_suffix(ext).is_some_and(|base| {
            release_files
                .iter()
                .any(|f| *f != name && (*f == base || strip_archive_ext(f) == base))
        })
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
// (`sha256sum.txt.asc`) still holds plain lines, so `.asc` stays.
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
const OTHER_HASHES: [&str; 8] = [
    "sha512", "sha-512", "sha2-512", "sha1", "md5", "b3sum", "rmd160", "sha384",
];

/// How likely a release file is a SHA-256 list: `None` when it is not one at all.
fn list_rank(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    if NOT_LISTS.iter().any(|ext| lower.contains(ext)) {
        return None;
    }
    if OTHER_HASHES.iter().any(|h| lower.contains(h)) {
        return None;
    }
    let sha256 = ["sha256", "sha-256", "sha2-256", "shasums256"]
        .iter()
        .any(|h| lower.contains(h));
    let generic = ["checksum", "shasum", "sums", "hashes", "digests"]
        .iter()
        .any(|h| lower.contains(h))
        || lower == "sha256.sum";
    match (sha256, generic) {
        (true, true) => Some(0),
        (true, false) if !has_archive_ext(&lower) => Some(1),
        (false, true) if !has_archive_ext(&lower) => Some(2),
        _ => None,
    }
}

fn has_archive_ext(lower: &str) -> bool {
    strip_archive_ext(lower).len() != lower.len()
}

/// The asset's SHA-256 from a checksum file's text, in any of the usual layouts:
/// `HASH  NAME` / `HASH *NAME` (sha256sum), `SHA256 (NAME) = HASH` (BSD), `NAME: HASH`, or a
/// file with a bare hash (only when `single` is set: a file for this asset alone).
pub fn find_in_text(text: &str, asset: &str, single: bool) -> Option<Sha256> {
    let mut bare: Option<Sha256> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((hash, name)) = split_line(line)
            && names_asset(name, asset)
            && let Some(sha) = Sha256::parse(hash)
        {
            return Some(sha);
        }
        // A file for this asset alone may hold just the hash; a line naming another file
        // says nothing about this one.
        if single && bare.is_none() && !line.contains(char::is_whitespace) {
            bare = Sha256::parse(line);
        }
    }
    bare
}

fn split_line(line: &str) -> Option<(&str, &str)> {
    if let Some(rest) = line
        .strip_prefix("SHA256 (")
        .or_else(|| line.strip_prefix("SHA2-256 ("))
    {
        let (name, hash) = rest.rsplit_once(") = ")?;
        return Some((hash, name));
    }
    if let Some((name, hash)) = line.rsplit_once(": ")
        && Sha256::parse(hash).is_some()
    {
        return Some((hash, name));
    }
    let (hash, name) = line.split_once(char::is_whitespace)?;
    Some((hash, name.trim_start().trim_start_matches(['*', ' '])))
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
    artifacts: std::collections::BTreeMap<String, DistArtifact>,
}

#[derive(Deserialize)]
struct DistArtifact {
    #[serde(default)]
    checksums: std::collections::BTreeMap<String, String>,
}

/// The asset's SHA-256 from cargo-dist's `dist-manifest.json`.
pub fn find_in_dist_manifest(text: &str, asset: &str) -> Option<Sha256> {
    let manifest: DistManifest = serde_json::from_str(text).ok()?;
    manifest
        .artifacts
        .get(asset)?
        .checksums
        .get("sha256")
        .and_then(|hex| Sha256::parse(hex))
}

/// Read a fetched checksum file of `kind` for `asset`.
pub fn find(kind: FileKind, text: &str, asset: &str) -> Option<Sha256> {
    match kind {
        FileKind::DistManifest => find_in_dist_manifest(text, asset),
        FileKind::Single => find_in_text(text, asset, true),
        FileKind::List => find_in_text(text, asset, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    #[test]
    fn reads_every_layout() {
        let asset = "fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz";
        let layouts = [
            format!("{HASH}  {asset}\n"),
            format!("{HASH} *{asset}\r\n"),
            format!("{}  other.tar.gz\n{HASH}  ./dist/{asset}\n", "0".repeat(64)),
            format!("SHA256 ({asset}) = {HASH}\n"),
            format!("{asset}: {HASH}\n"),
            format!("{}  {asset}\n", HASH.to_uppercase()),
            format!(
                "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{HASH}  {asset}\n-----BEGIN PGP SIGNATURE-----\n"
            ),
        ];
        for text in &layouts {
            assert_eq!(
                find_in_text(text, asset, false).map(|s| s.to_string()),
                Some(HASH.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn a_list_must_name_the_asset() {
        let text = format!("{HASH}  fd-v10.2.0-x86_64-unknown-linux-gnu.tar.gz\n");
        assert_eq!(
            find_in_text(&text, "fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz", false),
            None
        );
        // `.tar.gz.sig` is not the asset even though it starts with its name.
        let text = format!("{HASH}  a.tar.gz.sig\n");
        assert_eq!(find_in_text(&text, "a.tar.gz", false), None);
        // A single-asset file may hold only the hash.
        assert_eq!(
            find_in_text(&format!("{HASH}\n"), "a.tar.gz", true).map(|s| s.to_string()),
            Some(HASH.to_owned())
        );
        assert_eq!(find_in_text(&format!("{HASH}\n"), "a.tar.gz", false), None);
        // A SHA-512 line is not a SHA-256.
        let text = format!("{}  a.tar.gz\n", "a".repeat(128));
        assert_eq!(find_in_text(&text, "a.tar.gz", false), None);
    }

    #[test]
    fn reads_dist_manifests() {
        let text = format!(
            r#"{{"dist_version":"0.34.0","artifacts":{{"haul-x86_64-unknown-linux-gnu.tar.xz":{{"name":"haul-x86_64-unknown-linux-gnu.tar.xz","kind":"executable-zip","checksums":{{"sha256":"{HASH}"}}}}}}}}"#
        );
        assert_eq!(
            find_in_dist_manifest(&text, "haul-x86_64-unknown-linux-gnu.tar.xz")
                .map(|s| s.to_string()),
            Some(HASH.to_owned())
        );
        assert_eq!(find_in_dist_manifest(&text, "other.tar.xz"), None);
        assert_eq!(find_in_dist_manifest("not json", "x"), None);
    }

    #[test]
    fn plans_in_the_documented_order() {
        let asset = "tool-linux-amd64.tar.gz";
        let files = [
            asset,
            "checksums.txt",
            "checksums.txt.sig",
            "tool-linux-amd64.tar.gz.sha256",
            "tool-linux-amd64.sha256",
            "dist-manifest.json",
            "SHA512SUMS",
            "tool.md5",
            "tool-linux-arm64.tar.gz",
        ];
        let plan = plan(asset, Some(&format!("sha256:{HASH}")), &files);
        let names: Vec<String> = plan
            .iter()
            .map(|c| match c {
                Candidate::Digest(_) => "digest".to_owned(),
                Candidate::File { name, .. } => name.clone(),
            })
            .collect();
        assert_eq!(
            names,
            vec![
                "digest",
                "dist-manifest.json",
                "tool-linux-amd64.tar.gz.sha256",
                "tool-linux-amd64.sha256",
                "checksums.txt"
            ]
        );
    }

    #[test]
    fn ignores_digests_of_other_algorithms() {
        let plan = plan("a", Some("sha512:abcd"), &[]);
        assert!(plan.is_empty());
    }

    /// The corpus names, for every case, the file that covers the expected asset; the plan
    /// must include it unless it uses a hash haul does not trust or read.
    #[test]
    #[allow(
        clippy::print_stderr,
        clippy::case_sensitive_file_extension_comparisons
    )]
    fn plan_covers_the_corpus_checksum_files() {
        let cases: Vec<serde_json::Value> = crate::testing::corpus::load_json();
        let (mut total, mut misses) = (0, Vec::new());
        for case in &cases {
            let assets: Vec<&str> = case["assets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a.as_str())
                .collect();
            let Some(checksums) = case["checksum"].as_object() else {
                continue;
            };
            for (platform, file) in checksums {
                let (Some(file), Some(asset)) = (file.as_str(), case["expect"][platform].as_str())
                else {
                    continue;
                };
                let lower = file.to_ascii_lowercase();
                if lower.ends_with(".md5") || lower.contains("sha512") || lower.contains("sha1") {
                    continue;
                }
                total += 1;
                let plan = plan(asset, None, &assets);
                if !plan
                    .iter()
                    .any(|c| matches!(c, Candidate::File { name, .. } if name == file))
                {
                    misses.push(format!("{} {platform}: {asset} -> {file}", case["id"]));
                }
            }
        }
        eprintln!("checksum files planned: {}/{total}", total - misses.len());
        assert!(misses.is_empty(), "not planned:\n{}", misses.join("\n"));
    }
}
