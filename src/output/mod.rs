//! All printing: data on stdout, messages and progress bars on stderr.
//!
//! Commands never print directly; they go through a [`Printer`], which knows about quiet,
//! verbose, colour and whether progress bars may be drawn. indicatif is used only here (and in
//! `progress.rs`). Text that came from elsewhere (tags, asset names, server messages) never
//! reaches the terminal with its control characters: see [`clean`]. A closed stderr or stdout
//! stops the printing, never the program.

mod progress;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use console::Style;
use indicatif::{MultiProgress, ProgressDrawTarget};
use serde::Serialize;

use crate::error::Report;

pub use progress::Bar;

/// How to print, as settings resolve it.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputSettings {
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
    /// Draw progress bars (stderr is a terminal and nothing asked for quiet or JSON).
    pub progress: bool,
}

/// The one place that writes to the terminal. Clones share the terminal (bars, closed stderr).
#[derive(Clone)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    color: bool,
    /// Present when progress bars are drawn (stderr is a terminal, not quiet, not JSON).
    multi: Option<MultiProgress>,
    /// Set once stderr is gone (a closed pipe): later messages are dropped.
    stderr_closed: Arc<AtomicBool>,
}

impl Printer {
    pub fn new(settings: OutputSettings) -> Self {
        Printer {
            quiet: settings.quiet,
            verbose: settings.verbose,
            color: settings.color,
            multi: (settings.progress && !settings.quiet)
                .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10))),
            stderr_closed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A printer for errors that happen before settings exist.
    pub fn fallback() -> Self {
        Printer::new(OutputSettings::default())
    }

    fn style(&self, style: Style) -> Style {
        if self.color {
            style.force_styling(true)
        } else {
            style.force_styling(false)
        }
    }

    /// One message on stderr. A failed write (stderr closed, as in `haul … 2>&1 | head -1`)
    /// ends the printing quietly.
    fn line(&self, text: &str) {
        if self.stderr_closed.load(Ordering::Relaxed) {
            return;
        }
        let write = || {
            let mut err = std::io::stderr().lock();
            writeln!(err, "{text}").and_then(|()| err.flush())
        };
        let result = match &self.multi {
            Some(multi) if !multi.is_hidden() => multi.suspend(write),
            _ => write(),
        };
        if result.is_err() {
            self.stderr_closed.store(true, Ordering::Relaxed);
        }
    }

    /// A message about progress or a result, for a person.
    pub fn status(&self, verb: &str, text: &str) {
        if !self.quiet {
            self.verb_line(verb, text);
        }
    }

    /// A plain informational line.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            self.line(&clean(text));
        }
    }

    /// A line of what a dry run was asked to tell (what would change, what stays): it is the
    /// command's answer, so it is shown even when quiet. `verb` as in [`Printer::status`], or
    /// none for a plain line.
    pub fn answer(&self, verb: Option<&str>, text: &str) {
        match verb {
            Some(verb) => self.verb_line(verb, text),
            None => self.line(&clean(text)),
        }
    }

    fn verb_line(&self, verb: &str, text: &str) {
        let verb = self
            .style(Style::new().green().bold())
            .apply_to(format!("{verb:>12}"));
        self.line(&format!("{verb} {}", clean(text)));
    }

    /// Detail shown only with `--verbose`.
    pub fn debug(&self, text: &str) {
        if self.verbose {
            let text = self.style(Style::new().dim()).apply_to(clean(text));
            self.line(&text.to_string());
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let label = self.style(Style::new().yellow().bold()).apply_to("warning");
            self.line(&format!("{label}: {}", clean(text)));
        }
    }

    /// One line about something that makes the command exit non-zero while it goes on with
    /// the rest (a record it cannot read); shown even when quiet, as errors are.
    pub fn failure(&self, text: &str) {
        let label = self.style(Style::new().red().bold()).apply_to("error");
        self.line(&format!("{label}: {}", clean(text)));
    }

    /// An error with its causes and hint; shown even when quiet.
    pub fn error(&self, err: &anyhow::Error) {
        self.report("error", err);
    }

    /// An error attached to one item of several (for summaries).
    pub fn report(&self, label: &str, err: &anyhow::Error) {
        let report = Report::of(err);
        let label = self.style(Style::new().red().bold()).apply_to(clean(label));
        let mut text = format!("{label}: {}", clean(&report.message));
        for cause in &report.causes {
            for (i, line) in clean(cause).lines().enumerate() {
                let prefix = if i == 0 {
                    "  caused by: "
                } else {
                    "             "
                };
                text.push('\n');
                text.push_str(prefix);
                text.push_str(line);
            }
        }
        if let Some(hint) = &report.hint {
            let label = self.style(Style::new().cyan().bold()).apply_to("hint");
            let _ = write!(text, "\n  {label}: {}", clean(hint));
        }
        self.line(&text);
    }

    /// Ask a yes/no question on stderr and read the answer from stdin; Enter means yes. Only for
    /// a person at a terminal: callers ask only when stdin and stderr are terminals.
    pub fn confirm(&self, question: &str) -> std::io::Result<bool> {
        let question = self.style(Style::new().bold()).apply_to(clean(question));
        let mut err = std::io::stderr().lock();
        write!(err, "{question} [Y/n] ")?;
        err.flush()?;
        drop(err);
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer)? == 0 {
            return Ok(false);
        }
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "" | "y" | "yes"
        ))
    }

    /// Data for scripts, on stdout (see [`to_stdout`] for what a failed write does).
    pub fn data(&self, text: &str) {
        self.raw(format!("{}\n", clean(text)).as_bytes());
    }

    /// Bytes for stdout as they are (generated scripts).
    #[allow(clippy::unused_self, reason = "all output goes through the printer")]
    pub fn raw(&self, bytes: &[u8]) {
        to_stdout(bytes);
    }

    /// One JSON document on stdout. What [`clean`] would escape is written as JSON's own
    /// `\uXXXX` (`serde_json` leaves DEL, C1 controls and bidirectional overrides as they are),
    /// so the document stays valid JSON and safe on a terminal.
    pub fn json<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        self.raw(json_text(value)?.as_bytes());
        Ok(())
    }
}

/// The first failure to write to stdout in this process.
static STDOUT_FAILED: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);

/// Write `bytes` to stdout. A failure (the reader gone, a full disk) does not end the command:
/// what it did, and the exit code that says so, stay its own; the failure is kept for `main`
/// ([`stdout_failure`]) and nothing more is written to stdout.
fn to_stdout(bytes: &[u8]) {
    let mut failed = STDOUT_FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failed.is_some() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(bytes).and_then(|()| out.flush()) {
        *failed = Some(err);
    }
}

/// The first failure to write to stdout, if there was one.
pub fn stdout_failure() -> Option<std::io::Error> {
    STDOUT_FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

/// `value` as pretty JSON and a newline, every [`unsafe_char`] written as `\uXXXX`.
fn json_text<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    let mut safe = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if unsafe_char(c) {
            // All such characters are in the Basic Multilingual Plane: one escape each.
            let _ = write!(safe, "\\u{:04x}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    Ok(safe)
}

/// A character that could change what a terminal shows: a control character (terminal escape
/// sequences among them) other than newline and tab, or a bidirectional override.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || crate::error::is_bidi_override(c)
}

/// `text` with its control characters (terminal escape sequences among them) and bidirectional
/// overrides shown as `\u{…}` escapes; newlines and tabs stay.
pub fn clean(text: &str) -> Cow<'_, str> {
    crate::error::escape(text, unsafe_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(clean("v1.2.3"), "v1.2.3");
        assert_eq!(clean("a\nb\tc"), "a\nb\tc");
        assert_eq!(clean("v1\u{1b}[2J\u{7}"), "v1\\u{1b}[2J\\u{7}");
        assert_eq!(clean("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(clean("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
    }

    /// JSON for scripts stays valid JSON, with the same strings, and holds nothing a terminal
    /// would act on.
    #[test]
    fn json_escapes_what_the_terminal_must_not_see_and_stays_json() {
        let value = serde_json::json!({
            "asset": "widget\u{202e}-1.0.0\u{7f}\u{9b}31m\u{1b}[2J\u{2066}.tar.gz",
            "plain": "fd 10.2.0\nline",
        });
        let text = json_text(&value).unwrap();
        assert!(!text.chars().any(unsafe_char), "{text}");
        assert!(
            text.contains("widget\\u202e-1.0.0\\u007f\\u009b31m"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
