//! Mirror rules: every URL haul fetches that starts with a rule's `from` is fetched from `to`
//! instead, for machines that reach the internet only through an artifact proxy (Artifactory,
//! Nexus, a plain HTTP mirror). Pure: no I/O.

use serde::Deserialize;

use crate::error::{ExitCode, UserError};

/// One rule, as written in the config file (`[[mirror]] from = "…" to = "…"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mirror {
    pub from: String,
    pub to: String,
}

impl Mirror {
    /// The rule in messages: "`from` → `to`", without credentials.
    pub fn shown(&self) -> String {
        format!(
            "`{}` → `{}`",
            crate::redact::url(&self.from),
            crate::redact::url(&self.to)
        )
    }

    /// The cause line of a request this rule rewrote from `original`.
    pub fn rewrote(&self, original: &str) -> String {
        format!(
            "the mirror rule {} rewrote `{}`",
            self.shown(),
            crate::redact::url(original)
        )
    }
}

/// The rules in force; the longest matching `from` wins, so a specific rule can sit beside a
/// general one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mirrors {
    rules: Vec<Mirror>,
}

impl Mirrors {
    pub fn new(mut rules: Vec<Mirror>) -> Result<Mirrors, UserError> {
        for rule in &rules {
            for (what, url) in [("from", &rule.from), ("to", &rule.to)] {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(UserError::new(format!(
                        "mirror `{what}` must be an http(s) URL, not `{}`",
                        crate::redact::url(url)
                    ))
                    .hint("write rules as `[[mirror]] from = \"https://dl.k8s.io/\" to = \"https://mirror.example.com/k8s/\"`")
                    .exit(ExitCode::Usage));
                }
            }
            // `https://x/` → `https://m/x` would turn `https://x/a` into `https://m/xa`.
            if rule.from.ends_with('/') != rule.to.ends_with('/') {
                let (with, without) = if rule.from.ends_with('/') {
                    ("from", "to")
                } else {
                    ("to", "from")
                };
                return Err(UserError::new(format!(
                    "the mirror rule {} would build wrong URLs",
                    rule.shown()
                ))
                .caused_by(format!(
                    "its `{with}` ends in `/` and its `{without}` does not"
                ))
                .hint("end both in `/` (or neither)")
                .exit(ExitCode::Usage));
            }
        }
        // Longest first; the sort is stable, so among equal lengths the first rule stays first.
        rules.sort_by_key(|rule| std::cmp::Reverse(rule.from.len()));
        Ok(Mirrors { rules })
    }

    /// `HAUL_MIRRORS`: rules separated by whitespace or `;`, each `FROM=TO`.
    pub fn parse_env(text: &str) -> Result<Vec<Mirror>, UserError> {
        text.split(|c: char| c == ';' || c.is_whitespace())
            .filter(|rule| !rule.is_empty())
            .map(|rule| {
                let (from, to) = rule.split_once('=').ok_or_else(|| {
                    UserError::new(format!(
                        "`HAUL_MIRRORS` rule `{}` has no `=`",
                        crate::redact::url(rule)
                    ))
                        .hint("write `HAUL_MIRRORS=\"https://dl.k8s.io/=https://mirror.example.com/k8s/\"`")
                        .exit(ExitCode::Usage)
                })?;
                Ok(Mirror {
                    from: from.to_owned(),
                    to: to.to_owned(),
                })
            })
            .collect()
    }

    /// The URL to fetch for `url`, and the rule that rewrote it. A rule matches on a whole
    /// part of the URL: `https://dl.example` covers `https://dl.example/x` but neither
    /// `https://dl.example.evil/x` nor `https://dl.example@evil/x` (both from a server's answer,
    /// and both would carry the mirror's credentials to another host).
    pub fn rewrite_with_rule(&self, url: &str) -> (String, Option<&Mirror>) {
        self.rules
            .iter()
            .find_map(|rule| {
                let rest = url.strip_prefix(rule.from.as_str())?;
                let whole = rule.from.ends_with('/')
                    || rest.is_empty()
                    || rest.starts_with(['/', '?', '#']);
                whole.then(|| (format!("{}{rest}", rule.to), Some(rule)))
            })
            .unwrap_or_else(|| (url.to_owned(), None))
    }

    /// The rules, longest `from` first.
    pub fn rules(&self) -> &[Mirror] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(from: &str, to: &str) -> Mirror {
        Mirror {
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }

    #[test]
    fn rewrites_by_the_longest_prefix() {
        let mirrors = Mirrors::new(vec![
            rule("https://github.com/", "https://art.example.com/github/"),
            rule("https://github.com/cli/", "https://art.example.com/gh-cli/"),
            rule("https://dl.k8s.io/", "http://127.0.0.1:8080/k8s/"),
        ])
        .unwrap();
        assert_eq!(
            mirrors
                .rewrite_with_rule("https://dl.k8s.io/release/stable.txt")
                .0,
            "http://127.0.0.1:8080/k8s/release/stable.txt"
        );
        assert_eq!(
            mirrors
                .rewrite_with_rule("https://github.com/cli/cli/releases/download/v2/gh.tar.gz")
                .0,
            "https://art.example.com/gh-cli/cli/releases/download/v2/gh.tar.gz"
        );
        assert_eq!(
            mirrors
                .rewrite_with_rule("https://github.com/sharkdp/fd/x")
                .0,
            "https://art.example.com/github/sharkdp/fd/x"
        );
        assert_eq!(
            mirrors.rewrite_with_rule("https://example.org/x").0,
            "https://example.org/x"
        );
    }

    #[test]
    fn a_rule_matches_whole_parts_of_a_url_only() {
        // A `from` without a trailing `/` must not reach another host or port through a URL
        // a server chose: the rewritten URL would carry the mirror's credentials there.
        let mirrors = Mirrors::new(vec![rule(
            "http://dl.example.test",
            "http://art:secret@mirror.example.test",
        )])
        .unwrap();
        for other in [
            "http://dl.example.test.attacker.test/x",
            "http://dl.example.test@attacker.test/x",
            "http://dl.example.test:8080/x",
            "http://dl.example.testing/x",
        ] {
            assert_eq!(mirrors.rewrite_with_rule(other), (other.to_owned(), None));
        }
        for (url, rewritten) in [
            (
                "http://dl.example.test/x",
                "http://art:secret@mirror.example.test/x",
            ),
            (
                "http://dl.example.test?a=b",
                "http://art:secret@mirror.example.test?a=b",
            ),
            (
                "http://dl.example.test",
                "http://art:secret@mirror.example.test",
            ),
        ] {
            assert_eq!(mirrors.rewrite_with_rule(url).0, rewritten);
        }
        // A path prefix without `/` covers that path, not a longer name.
        let mirrors = Mirrors::new(vec![rule(
            "https://github.com/acme",
            "https://m.example/acme",
        )])
        .unwrap();
        assert_eq!(
            mirrors.rewrite_with_rule("https://github.com/acme/x").0,
            "https://m.example/acme/x"
        );
        assert!(
            mirrors
                .rewrite_with_rule("https://github.com/acmeevil/x")
                .1
                .is_none()
        );
    }

    #[test]
    fn a_bad_rule_is_refused_without_printing_its_credentials() {
        let err = Mirrors::new(vec![rule(
            "https://dl.k8s.io/",
            "htps://art:secret@mirror.example/k8s/",
        )])
        .unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
        assert!(
            err.message.contains("***@mirror.example"),
            "{}",
            err.message
        );
        let err = Mirrors::parse_env("https://art:secret@mirror.example/k8s/").unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
    }

    #[test]
    fn parses_the_environment_form() {
        let rules = Mirrors::parse_env(
            "https://dl.k8s.io/=http://m/k8s/;  https://releases.hashicorp.com/=http://m/hc/\n",
        )
        .unwrap();
        assert_eq!(
            rules,
            vec![
                rule("https://dl.k8s.io/", "http://m/k8s/"),
                rule("https://releases.hashicorp.com/", "http://m/hc/")
            ]
        );
        assert!(Mirrors::parse_env("https://dl.k8s.io/").is_err());
        assert!(Mirrors::new(vec![rule("dl.k8s.io", "http://m/")]).is_err());
    }

    #[test]
    fn a_rule_that_would_glue_paths_together_is_refused() {
        let err = Mirrors::new(vec![rule("https://dl.k8s.io/", "http://u:pw@m/k8s")]).unwrap_err();
        assert_eq!(err.exit, ExitCode::Usage);
        assert!(!err.message.contains("pw"), "{}", err.message);
        assert!(
            err.causes[0].contains("`from` ends in `/`"),
            "{:?}",
            err.causes
        );
        assert!(Mirrors::new(vec![rule("https://dl.k8s.io", "http://m/k8s/")]).is_err());
        assert!(Mirrors::new(vec![rule("https://dl.k8s.io", "http://m/k8s")]).is_ok());
    }
}
