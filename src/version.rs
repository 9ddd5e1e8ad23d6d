//! Versions as release tags spell them, and what a user asks for after `@`: nothing or
//! `latest`, an exact version or tag, a series (`1.2`, `1.2.x`), or a requirement as Cargo
//! writes them (`^1.2`, `~1.2.3`, `>=1.0, <2`).
//!
//! Pure: no I/O. Tags are not always semver (`v1.2.3`, `jq-1.7.1`, `1.2`, `2024.01.15`,
//! `v1.0.0-rc.1`), so a tag is read as a run of dot-separated numbers with an optional
//! pre-release part, compared numerically, with semver's rules for the pre-release part.

use std::cmp::Ordering;
use std::fmt;

use crate::error::{ExitCode, UserError};

/// A version read from a release tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The numeric components: `[1, 2, 3]` for `v1.2.3`.
    pub parts: Vec<u64>,
    /// The pre-release part, without its leading `-`: `rc.1` for `v1.0.0-rc.1`.
    pub pre: Option<String>,
}

impl Version {
    /// Read the version out of a tag; `None` when the tag holds no number.
    pub fn from_tag(tag: &str) -> Option<Version> {
        // The version starts at the first digit: `v1.2`, `jq-1.6`, `go1.21.0`, `release-2.0`.
        let start = tag.find(|c: char| c.is_ascii_digit())?;
        let rest = &tag[start..];
        let numeric_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let numeric = rest[..numeric_len].trim_end_matches('.');
        let parts = numeric
            .split('.')
            .map(str::parse::<u64>)
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        let tail = &rest[numeric.len()..];
        let pre = tail
            .strip_prefix(['-', '.', '_'])
            .or(Some(tail))
            .filter(|p| !p.is_empty())
            // Build metadata (`+build.5`) says nothing about precedence.
            .map(|p| p.split('+').next().unwrap_or(p).to_owned())
            .filter(|p| !p.is_empty());
        Some(Version { parts, pre })
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }

    /// Whether its tag calls it a prerelease by name (`-rc.1`, `-beta`, `-alpha2`), whatever
    /// the release says: a part after the numbers that starts with a letter. (A date's
    /// `2024-01-15` does not.)
    pub fn named_prerelease(&self) -> bool {
        self.pre
            .as_deref()
            .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
    }

    /// The version as semver reads it: three numbers (missing ones are 0, a fourth is
    /// dropped) and the pre-release part when semver accepts it.
    pub fn to_semver(&self) -> semver::Version {
        let part = |i: usize| self.parts.get(i).copied().unwrap_or(0);
        let mut version = semver::Version::new(part(0), part(1), part(2));
        if let Some(pre) = self
            .pre
            .as_deref()
            .and_then(|p| semver::Prerelease::new(p).ok())
        {
            version.pre = pre;
        }
        version
    }

    /// Whether `prefix` (e.g. `[1, 2]` for `@1.2`) selects this version.
    pub fn starts_with(&self, prefix: &[u64]) -> bool {
        self.parts.len() >= prefix.len() && self.parts[..prefix.len()] == *prefix
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.parts.len().max(other.parts.len());
        for i in 0..len {
            let a = self.parts.get(i).copied().unwrap_or(0);
            let b = other.parts.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                ord => return ord,
            }
        }
        match (&self.pre, &other.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => compare_pre(a, b),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// semver's pre-release precedence: dot-separated identifiers, numbers compared as numbers.
fn compare_pre(a: &str, b: &str) -> Ordering {
    match (semver::Prerelease::new(a), semver::Prerelease::new(b)) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for part in &self.parts {
            if !first {
                f.write_str(".")?;
            }
            write!(f, "{part}")?;
            first = false;
        }
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

/// What the user asked for after `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionReq {
    /// Nothing, or `@latest`.
    Latest,
    /// `@1.2.3` or `@v1.2.3`: that exact version, whatever the tag's prefix.
    Exact(Version),
    /// `@1`, `@1.2`, `@1.2.x`, `@1.2.*`, `@~1.2`: the newest release whose version starts with
    /// these numbers.
    Prefix(Vec<u64>),
    /// `@^1.2`, `@~1.2.3`, `@>=1.0`, `@<2`, `@>=1.0, <2`: as Cargo reads them.
    Range(Range),
    /// Any other text (`@jq-1.6`, `@nightly`): a tag, matched exactly.
    Tag(String),
}

/// A semver requirement, with the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub text: String,
    req: semver::VersionReq,
}

impl Range {
    /// Whether `version` meets the requirement. semver reads three numbers; a fourth
    /// (`1.2.3.10`) puts a version after 1.2.3 and before 1.2.4, so a comparator that names
    /// 1.2.3 exactly (`=`, `<=`, `>`) is answered here.
    fn matches(&self, version: &Version) -> bool {
        let base = version.to_semver();
        if !version.parts.iter().skip(3).any(|&p| p > 0) {
            return self.req.matches(&base);
        }
        self.req.comparators.iter().all(|c| {
            let names_base = c.major == base.major
                && c.minor == Some(base.minor)
                && c.patch == Some(base.patch)
                && c.pre.is_empty();
            match c.op {
                semver::Op::Exact | semver::Op::LessEq if names_base => false,
                semver::Op::Greater if names_base => true,
                _ => c.matches(&base),
            }
        })
    }
}

/// The forms `@VERSION` takes, for errors.
pub const FORMS: &str = "latest, 1.2.3, v1.2.3, 1.2 (newest 1.2.x), 1.2.x, 1.2.*, ^1.2, ~1.2.3, >=1.0, <2, \">=1.0, <2\", or an exact tag";

impl VersionReq {
    /// Read what follows `@`; a requirement that starts like one (`^`, `~`, `<`, `>`, `=`,
    /// `*`) but does not parse is an error listing the accepted forms.
    pub fn parse(text: &str) -> Result<VersionReq, UserError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("latest") || text == "*" {
            return Ok(VersionReq::Latest);
        }
        if let Some(prefix) = series(text) {
            return Ok(VersionReq::Prefix(prefix));
        }
        let plain = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let numeric_start = plain.starts_with(|c: char| c.is_ascii_digit());
        if numeric_start && let Some(version) = Version::from_tag(plain) {
            // Only a clean version counts: `1.2.3`, `1.2.3-rc.1`, and numbers written with
            // leading zeros (`2024.01`); `1.2.3foo` stays a tag.
            let canonical = version.to_string();
            let numbers_only = plain
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if canonical == plain || numbers_only {
                return Ok(if version.parts.len() >= 3 || version.pre.is_some() {
                    VersionReq::Exact(version)
                } else {
                    VersionReq::Prefix(version.parts)
                });
            }
        }
        let looks_like_range = text.starts_with(['^', '~', '<', '>', '='])
            // No tag holds a space, and a comma or `*` after a digit is a requirement's.
            || (numeric_start && text.contains([',', '*', ' ']));
        if looks_like_range {
            return semver::VersionReq::parse(text)
                .map(|req| {
                    VersionReq::Range(Range {
                        text: text.to_owned(),
                        req,
                    })
                })
                .map_err(|err| {
                    UserError::new(format!("`{text}` is not a version requirement haul reads"))
                        .caused_by(err.to_string())
                        .hint(format!("write one of: {FORMS}"))
                        .exit(ExitCode::Usage)
                });
        }
        Ok(VersionReq::Tag(text.to_owned()))
    }

    /// The tags to try directly before paging through releases.
    pub fn candidate_tags(&self) -> Vec<String> {
        match self {
            VersionReq::Latest | VersionReq::Prefix(_) | VersionReq::Range(_) => Vec::new(),
            VersionReq::Exact(version) => vec![format!("v{version}"), version.to_string()],
            // A version with build metadata (`1.31.0+k3s1`) is a tag as written, or with `v`.
            VersionReq::Tag(tag) if tag.starts_with(|c: char| c.is_ascii_digit()) => {
                vec![tag.clone(), format!("v{tag}")]
            }
            VersionReq::Tag(tag) => vec![tag.clone()],
        }
    }

    /// Whether a release with this tag satisfies the request.
    pub fn matches(&self, tag: &str) -> bool {
        match self {
            VersionReq::Latest => true,
            VersionReq::Tag(want) => tag == want,
            // As versions compare: `v1.2` is 1.2.0.
            VersionReq::Exact(want) => Version::from_tag(tag).is_some_and(|v| v.cmp(want).is_eq()),
            VersionReq::Prefix(prefix) => {
                Version::from_tag(tag).is_some_and(|v| v.starts_with(prefix))
            }
            VersionReq::Range(range) => Version::from_tag(tag).is_some_and(|v| range.matches(&v)),
        }
    }

    /// Whether the request itself names a prerelease (then prereleases are allowed).
    pub fn names_prerelease(&self) -> bool {
        match self {
            VersionReq::Exact(version) => version.is_prerelease(),
            VersionReq::Tag(_) => true,
            VersionReq::Range(range) => range.req.comparators.iter().any(|c| !c.pre.is_empty()),
            VersionReq::Latest | VersionReq::Prefix(_) => false,
        }
    }

    /// Whether only one release can match (an exact version or tag): a pin.
    pub fn is_pin(&self) -> bool {
        matches!(self, VersionReq::Exact(_) | VersionReq::Tag(_))
    }
}

/// `1.2.x`, `1.2.*`, `~1.2`, `~1`: a series, read as a prefix.
fn series(text: &str) -> Option<Vec<u64>> {
    let numbers =
        |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse::<u64>().ok()).collect() };
    if let Some(rest) = text.strip_prefix('~') {
        let rest = rest.trim().strip_prefix(['v', 'V']).unwrap_or(rest.trim());
        let parts = numbers(rest)?;
        return (parts.len() <= 2).then_some(parts);
    }
    let plain = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let stem = plain
        .strip_suffix(".x")
        .or_else(|| plain.strip_suffix(".X"))
        .or_else(|| plain.strip_suffix(".*"))?;
    let stem = stem
        .strip_suffix(".x")
        .or_else(|| stem.strip_suffix(".*"))
        .unwrap_or(stem);
    numbers(stem)
}

impl fmt::Display for VersionReq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionReq::Latest => f.write_str("latest"),
            VersionReq::Exact(v) => write!(f, "{v}"),
            VersionReq::Prefix(parts) => {
                let text: Vec<String> = parts.iter().map(ToString::to_string).collect();
                write!(f, "{}.x", text.join("."))
            }
            VersionReq::Range(range) => f.write_str(&range.text),
            VersionReq::Tag(tag) => f.write_str(tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> VersionReq {
        VersionReq::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    fn v(tag: &str) -> Version {
        Version::from_tag(tag).unwrap_or_else(|| panic!("no version in {tag}"))
    }

    #[test]
    fn reads_versions_out_of_tags() {
        let cases = [
            ("v1.2.3", vec![1, 2, 3], None),
            ("1.2.3", vec![1, 2, 3], None),
            ("jq-1.6", vec![1, 6], None),
            ("jq-1.7.1", vec![1, 7, 1], None),
            ("v0.9.5", vec![0, 9, 5], None),
            ("v2.0.0-rc.1", vec![2, 0, 0], Some("rc.1")),
            ("v1.31.0+k3s1", vec![1, 31, 0], None),
            ("release-2.0", vec![2, 0], None),
            ("2024.01.15", vec![2024, 1, 15], None),
            ("v1.2.3.", vec![1, 2, 3], None),
            ("cli/v0.12.0", vec![0, 12, 0], None),
            ("V3.1", vec![3, 1], None),
            ("go1.21.0", vec![1, 21, 0], None),
        ];
        for (tag, parts, pre) in cases {
            let got = v(tag);
            assert_eq!(got.parts, parts, "{tag}");
            assert_eq!(got.pre.as_deref(), pre, "{tag}");
        }
        assert_eq!(Version::from_tag("nightly"), None);
        assert_eq!(Version::from_tag(""), None);
    }

    #[test]
    fn orders_numerically_with_prereleases_first() {
        let mut tags = vec![
            "v1.10.0",
            "v1.9.0",
            "v1.10.0-rc.2",
            "v1.10.0-rc.10",
            "v1.10.0-beta",
            "v2.0",
            "v1.2",
        ];
        tags.sort_by_key(|t| v(t));
        assert_eq!(
            tags,
            vec![
                "v1.2",
                "v1.9.0",
                "v1.10.0-beta",
                "v1.10.0-rc.2",
                "v1.10.0-rc.10",
                "v1.10.0",
                "v2.0"
            ]
        );
        assert_eq!(v("v1.2").cmp(&v("1.2.0")), Ordering::Equal);
    }

    #[test]
    fn parses_requests() {
        assert_eq!(req(""), VersionReq::Latest);
        assert_eq!(req("latest"), VersionReq::Latest);
        assert_eq!(req("1.2.3"), VersionReq::Exact(v("1.2.3")));
        assert_eq!(req("v1.2.3"), VersionReq::Exact(v("1.2.3")));
        assert_eq!(req("1.0.0-rc.1"), VersionReq::Exact(v("1.0.0-rc.1")));
        assert_eq!(req("1.2"), VersionReq::Prefix(vec![1, 2]));
        assert_eq!(req("v3"), VersionReq::Prefix(vec![3]));
        assert_eq!(req("jq-1.6"), VersionReq::Tag("jq-1.6".to_owned()));
        assert_eq!(req("nightly"), VersionReq::Tag("nightly".to_owned()));
        assert_eq!(req("1.2.3foo"), VersionReq::Tag("1.2.3foo".to_owned()));
    }

    #[test]
    fn matches_tags() {
        let exact = req("1.2.3");
        assert!(exact.matches("v1.2.3"));
        assert!(exact.matches("1.2.3"));
        assert!(exact.matches("tool-1.2.3"));
        assert!(!exact.matches("v1.2.30"));
        assert!(!exact.matches("v1.2.3-rc.1"));

        let prefix = req("1.2");
        assert!(prefix.matches("v1.2.0"));
        assert!(prefix.matches("v1.2.17"));
        assert!(!prefix.matches("v1.20.0"));
        assert!(!prefix.matches("v1.3.0"));

        let tag = req("jq-1.6");
        assert!(tag.matches("jq-1.6"));
        assert!(!tag.matches("jq-1.6.1"));
    }

    #[test]
    fn requirements_as_cargo_writes_them() {
        assert_eq!(req("1.2.x"), VersionReq::Prefix(vec![1, 2]));
        assert_eq!(req("1.2.*"), VersionReq::Prefix(vec![1, 2]));
        assert_eq!(req("1.x.x"), VersionReq::Prefix(vec![1]));
        assert_eq!(req("~1.2"), VersionReq::Prefix(vec![1, 2]));
        let caret = req("^1.2");
        assert!(caret.matches("v1.2.0") && caret.matches("v1.9.3"));
        assert!(!caret.matches("v2.0.0") && !caret.matches("v1.1.9"));
        let tilde = req("~1.2.3");
        assert!(tilde.matches("1.2.9") && !tilde.matches("1.3.0") && !tilde.matches("1.2.2"));
        let at_least = req(">=1.0");
        assert!(at_least.matches("v1.0.0") && at_least.matches("v3.1") && !at_least.matches("0.9"));
        let below = req("<2");
        assert!(below.matches("1.99.0") && !below.matches("2.0.0"));
        let both = req(">=1.0, <2");
        assert!(both.matches("1.5.0") && !both.matches("2.1.0"));
        assert_eq!(both.to_string(), ">=1.0, <2");
        assert!(!both.is_pin() && req("1.2.3").is_pin() && req("jq-1.6").is_pin());
        // Prereleases only when the requirement names one.
        assert!(!caret.matches("v1.5.0-rc.1"));
        assert!(req(">=2.0.0-rc.1").names_prerelease());
        for bad in [
            "^",
            "^1.2.3.4.5",
            ">=x",
            "~>1",
            "<",
            "=1.2.3.4",
            "1.2, 3.x, x",
            "1.0 - 2.0",
            "1.2.3,",
        ] {
            let err = VersionReq::parse(bad).expect_err(bad);
            assert_eq!(err.exit, ExitCode::Usage, "{bad}");
            assert!(
                err.hint.as_deref().is_some_and(|h| h.contains("^1.2")),
                "{bad}"
            );
        }
    }

    #[test]
    fn candidate_tags_try_both_spellings() {
        assert_eq!(req("1.2.3").candidate_tags(), vec!["v1.2.3", "1.2.3"]);
        assert!(req("1.2").candidate_tags().is_empty());
        // A fourth number puts 1.2.3.10 after 1.2.3 and before 1.2.4.
        for (range, four_part) in [
            ("=1.2.3", false),
            ("<=1.2.3", false),
            (">1.2.3", true),
            (">=1.2.3", true),
            ("<1.2.4", true),
            ("<1.2.3", false),
            ("^1.2", true),
            ("~1.2.3", true),
        ] {
            assert_eq!(req(range).matches("v1.2.3.10"), four_part, "{range}");
            assert_eq!(
                req(range).matches("v1.2.3.0"),
                req(range).matches("v1.2.3"),
                "{range}"
            );
        }
        // Zeros in front of a number are the number's (date versions).
        assert_eq!(req("2024.01"), VersionReq::Prefix(vec![2024, 1]));
        assert!(req("2024.01").matches("2024.01.15"));
        assert!(matches!(req("2024.01.15"), VersionReq::Exact(_)));
        assert_eq!(
            req("1.31.0+k3s1").candidate_tags(),
            vec!["1.31.0+k3s1", "v1.31.0+k3s1"]
        );
        assert_eq!(req("jq-1.6").candidate_tags(), vec!["jq-1.6"]);
    }
}
