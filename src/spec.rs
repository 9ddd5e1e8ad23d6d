//! What the user typed for a tool: `OWNER/REPO`, a GitHub URL, each with an optional `@VERSION`.
//!
//! Pure: no I/O.

use std::fmt;

use crate::error::UserError;
use crate::version::VersionReq;

/// A GitHub repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl Repo {
    /// Parse `OWNER/REPO`, also given as `github.com/OWNER/REPO` or a full URL.
    pub fn parse(text: &str) -> Option<Repo> {
        let text = text
            .trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("github.com/")
            .trim_end_matches('/')
            .trim_end_matches(".git");
        let (owner, name) = text.split_once('/')?;
        (valid_part(owner) && valid_part(name)).then(|| Repo {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// GitHub's rules: letters, digits, `-`, `_` and `.`, not `.` or `..` alone.
fn valid_part(part: &str) -> bool {
    !part.is_empty()
        && part != "."
        && part != ".."
        && part.len() <= 100
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// One tool as requested on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSpec {
    pub repo: Repo,
    pub req: VersionReq,
    /// Exactly what was typed, for messages.
    pub raw: String,
}

impl ToolSpec {
    pub fn parse(text: &str) -> Result<ToolSpec, UserError> {
        let (name, version) = match text.rsplit_once('@') {
            Some((name, version)) => (name, version),
            None => (text, ""),
        };
        if text.ends_with('@') {
            return Err(UserError::new(format!("`{text}` has an empty version"))
                .hint("write `TOOL@VERSION`, for example `sharkdp/fd@10.2.0`, or leave out `@`")
                .exit(crate::error::ExitCode::Usage));
        }
        let repo = Repo::parse(name).ok_or_else(|| {
            UserError::new(format!("`{name}` is not a GitHub repository"))
                .hint("name a tool as OWNER/REPO, for example `sharkdp/fd` or `cli/cli@2.50.0`")
                .exit(crate::error::ExitCode::Usage)
        })?;
        Ok(ToolSpec {
            repo,
            req: VersionReq::parse(version),
            raw: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let spec = ToolSpec::parse("sharkdp/fd").unwrap();
        assert_eq!(spec.repo.to_string(), "sharkdp/fd");
        assert_eq!(spec.req, VersionReq::Latest);

        let spec = ToolSpec::parse("cli/cli@v2.50.0").unwrap();
        assert_eq!(spec.repo.name, "cli");
        assert_eq!(spec.req, VersionReq::parse("2.50.0"));

        let spec = ToolSpec::parse("jqlang/jq@jq-1.6").unwrap();
        assert_eq!(spec.req, VersionReq::Tag("jq-1.6".to_owned()));

        let spec = ToolSpec::parse("https://github.com/helm/helm.git@3.16").unwrap();
        assert_eq!(spec.repo.to_string(), "helm/helm");
        assert_eq!(spec.req, VersionReq::Prefix(vec![3, 16]));
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in [
            "fd",
            "a/b/c",
            "/fd",
            "a/",
            "a b/c",
            "sharkdp/fd@",
            "../x",
            "a/..",
        ] {
            assert!(ToolSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
