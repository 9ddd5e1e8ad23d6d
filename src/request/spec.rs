//! What the user typed for a tool: `OWNER/REPO`, a GitHub URL, each with an optional `@VERSION`.
//!
//! The text splits at its first `@`: neither a repository nor a catalog name can hold one, while
//! release tags can (monorepo tags such as `@scope/name@2.5.0`).
//!
//! Pure: no I/O.

use crate::error::{ExitCode, UserError};
use crate::names::Repo;
use crate::version::VersionReq;

/// What names the tool: a repository, or a name to look up in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Repo(Repo),
    Name(String),
}

/// One tool as requested on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSpec {
    pub target: Target,
    pub req: VersionReq,
    /// Exactly what was typed, for messages.
    pub raw: String,
}

impl ToolSpec {
    pub fn parse(text: &str) -> Result<ToolSpec, UserError> {
        let (name, version) = match text.split_once('@') {
            Some((name, version)) => (name, version),
            None => (text, ""),
        };
        if text.contains('@') && version.trim().is_empty() {
            return Err(UserError::new(format!("`{text}` has an empty version"))
                .hint("write `TOOL@VERSION`, for example `kubectl@1.31.2`, or leave out `@`")
                .exit(ExitCode::Usage));
        }
        let target = if let Some(repo) = name.strip_prefix("github:").and_then(Repo::parse) {
            Target::Repo(repo)
        } else if let Some(entry) = name.strip_prefix("catalog:").filter(|n| is_name(n)) {
            Target::Name(entry.to_ascii_lowercase())
        } else if let Some(repo) = Repo::parse(name) {
            Target::Repo(repo)
        } else if is_name(name) {
            Target::Name(name.to_ascii_lowercase())
        } else {
            return Err(UserError::new(format!(
                "`{name}` is neither a tool name nor a GitHub repository"
            ))
            .hint("name a tool from the catalog (`haul search`) or a repository as OWNER/REPO")
            .exit(ExitCode::Usage));
        };
        Ok(ToolSpec {
            target,
            req: match VersionReq::parse(version)? {
                VersionReq::Tag(tag) => {
                    crate::names::tag(&tag).map_err(|err| err.exit(ExitCode::Usage))?;
                    VersionReq::Tag(tag)
                }
                req => req,
            },
            raw: text.to_owned(),
        })
    }
}

/// A catalog name: letters, digits, `.`, `_` and `-`.
fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let spec = ToolSpec::parse("sharkdp/fd").unwrap();
        assert_eq!(
            spec.target,
            Target::Repo(Repo::parse("sharkdp/fd").unwrap())
        );
        assert_eq!(spec.req, VersionReq::Latest);

        let spec = ToolSpec::parse("cli/cli@v2.50.0").unwrap();
        assert_eq!(spec.req, VersionReq::parse("2.50.0").unwrap());

        let spec = ToolSpec::parse("jqlang/jq@jq-1.6").unwrap();
        assert_eq!(spec.req, VersionReq::Tag("jq-1.6".to_owned()));

        let spec = ToolSpec::parse("https://github.com/helm/helm.git@3.16").unwrap();
        assert_eq!(spec.target, Target::Repo(Repo::parse("helm/helm").unwrap()));
        assert_eq!(spec.req, VersionReq::Prefix(vec![3, 16]));

        let spec = ToolSpec::parse("kubectl@1.31.2").unwrap();
        assert_eq!(spec.target, Target::Name("kubectl".to_owned()));
        assert_eq!(spec.req, VersionReq::parse("1.31.2").unwrap());
        // What `haul list --json` prints as a source is accepted back.
        let spec = ToolSpec::parse("github:sharkdp/fd@10").unwrap();
        assert_eq!(
            spec.target,
            Target::Repo(Repo::parse("sharkdp/fd").unwrap())
        );
        let spec = ToolSpec::parse("catalog:kubectl").unwrap();
        assert_eq!(spec.target, Target::Name("kubectl".to_owned()));
        let spec = ToolSpec::parse("K9s").unwrap();
        assert_eq!(spec.target, Target::Name("k9s".to_owned()));

        // Tags may hold `@` themselves (monorepo tags); the name never does.
        let spec = ToolSpec::parse("owner/repo@@scope/name@2.5.0").unwrap();
        assert_eq!(
            spec.target,
            Target::Repo(Repo::parse("owner/repo").unwrap())
        );
        assert_eq!(spec.req, VersionReq::Tag("@scope/name@2.5.0".to_owned()));
        let spec = ToolSpec::parse("tool@name@1.0").unwrap();
        assert_eq!(spec.target, Target::Name("tool".to_owned()));
        assert_eq!(spec.req, VersionReq::Tag("name@1.0".to_owned()));
        let spec = ToolSpec::parse("K9s").unwrap();
        assert_eq!(spec.target, Target::Name("k9s".to_owned()));
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in [
            "a/b/c",
            "/fd",
            "a/",
            "a b/c",
            "sharkdp/fd@",
            "sharkdp/fd@ ",
            "@scope/name@1.0",
            "../x",
            "a/..",
            "-x",
            "",
            "a b",
        ] {
            assert!(ToolSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
