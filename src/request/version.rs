//! Versions as release tags spell them, and what a user asks for after `@`.
//!
//! Pure: no I/O. Tags are not always semver (`v1.2.3`, `jq-1.7.1`, `1.2`, `2024.01.15`,
//! `v1.0.0-rc.1`), so a tag is read as a run of dot-separated numbers with an optional
//! pre-release part, compared numerically, with semver's rules for the pre-release part.

use std::cmp::Ordering;
use std::fmt;

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
    /// `@1` or `@1.2`: the newest release whose version starts with these numbers.
    Prefix(Vec<u64>),
    /// Any other text (`@jq-1.6`, `@nightly`): a tag, matched exactly.
    Tag(String),
}

impl VersionReq {
    pub fn parse(text: &str) -> VersionReq {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("latest") {
            return VersionReq::Latest;
        }
        let plain = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let numeric_start = plain.starts_with(|c: char| c.is_ascii_digit());
        if numeric_start && let Some(version) = Version::from_tag(plain) {
            // Only a clean version counts: `1.2.3`, `1.2.3-rc.1`; `1.2.3foo` stays a tag.
            let canonical = version.to_string();
            if canonical == plain {
                return if version.parts.len() >= 3 || version.pre.is_some() {
                    VersionReq::Exact(version)
                } else {
                    VersionReq::Prefix(version.parts)
                };
            }
        }
        VersionReq::Tag(text.to_owned())
    }

    /// The tags to try directly before paging through releases.
    pub fn candidate_tags(&self) -> Vec<String> {
        match self {
            VersionReq::Latest | VersionReq::Prefix(_) => Vec::new(),
            VersionReq::Exact(version) => vec![format!("v{version}"), version.to_string()],
            VersionReq::Tag(tag) => vec![tag.clone()],
        }
    }

    /// Whether a release with this tag satisfies the request.
    pub fn matches(&self, tag: &str) -> bool {
        match self {
            VersionReq::Latest => true,
            VersionReq::Tag(want) => tag == want,
            VersionReq::Exact(want) => Version::from_tag(tag).is_some_and(|v| v == *want),
            VersionReq::Prefix(prefix) => {
                Version::from_tag(tag).is_some_and(|v| v.starts_with(prefix))
            }
        }
    }

    /// Whether the request itself names a prerelease (then prereleases are allowed).
    pub fn names_prerelease(&self) -> bool {
        match self {
            VersionReq::Exact(version) => version.is_prerelease(),
            VersionReq::Tag(_) => true,
            VersionReq::Latest | VersionReq::Prefix(_) => false,
        }
    }
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
            VersionReq::Tag(tag) => f.write_str(tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(VersionReq::parse(""), VersionReq::Latest);
        assert_eq!(VersionReq::parse("latest"), VersionReq::Latest);
        assert_eq!(VersionReq::parse("1.2.3"), VersionReq::Exact(v("1.2.3")));
        assert_eq!(VersionReq::parse("v1.2.3"), VersionReq::Exact(v("1.2.3")));
        assert_eq!(
            VersionReq::parse("1.0.0-rc.1"),
            VersionReq::Exact(v("1.0.0-rc.1"))
        );
        assert_eq!(VersionReq::parse("1.2"), VersionReq::Prefix(vec![1, 2]));
        assert_eq!(VersionReq::parse("v3"), VersionReq::Prefix(vec![3]));
        assert_eq!(
            VersionReq::parse("jq-1.6"),
            VersionReq::Tag("jq-1.6".to_owned())
        );
        assert_eq!(
            VersionReq::parse("nightly"),
            VersionReq::Tag("nightly".to_owned())
        );
        assert_eq!(
            VersionReq::parse("1.2.3foo"),
            VersionReq::Tag("1.2.3foo".to_owned())
        );
    }

    #[test]
    fn matches_tags() {
        let exact = VersionReq::parse("1.2.3");
        assert!(exact.matches("v1.2.3"));
        assert!(exact.matches("1.2.3"));
        assert!(exact.matches("tool-1.2.3"));
        assert!(!exact.matches("v1.2.30"));
        assert!(!exact.matches("v1.2.3-rc.1"));

        let prefix = VersionReq::parse("1.2");
        assert!(prefix.matches("v1.2.0"));
        assert!(prefix.matches("v1.2.17"));
        assert!(!prefix.matches("v1.20.0"));
        assert!(!prefix.matches("v1.3.0"));

        let tag = VersionReq::parse("jq-1.6");
        assert!(tag.matches("jq-1.6"));
        assert!(!tag.matches("jq-1.6.1"));
    }

    #[test]
    fn candidate_tags_try_both_spellings() {
        assert_eq!(
            VersionReq::parse("1.2.3").candidate_tags(),
            vec!["v1.2.3", "1.2.3"]
        );
        assert!(VersionReq::parse("1.2").candidate_tags().is_empty());
    }
}
