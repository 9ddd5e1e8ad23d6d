//! All printing: data on stdout, messages and progress bars on stderr.
//!
//! Commands never print directly; they go through a [`Printer`], which knows about quiet,
//! verbose, colour and whether progress bars may be drawn. indicatif is used only here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use console::Style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::error::Report;
use crate::settings::Settings;

/// The one place that writes to the terminal.
pub struct Printer {
    quiet: bool,
    verbose: bool,
    color: bool,
    /// Present when progress bars are drawn (stderr is a terminal, not quiet, not JSON).
    multi: Option<MultiProgress>,
}

impl Printer {
    pub fn new(settings: &Settings) -> Self {
        Printer {
            quiet: settings.quiet,
            verbose: settings.verbose,
            color: settings.color,
            multi: (settings.stderr_is_terminal && !settings.quiet)
                .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10))),
        }
    }

    /// A printer for errors that happen before settings exist.
    pub fn fallback() -> Self {
        Printer {
            quiet: false,
            verbose: false,
            color: false,
            multi: None,
        }
    }

    /// No progress bars from here on (for `--json` output and non-interactive use).
    pub fn without_progress(mut self) -> Self {
        self.multi = None;
        self
    }

    fn style(&self, style: Style) -> Style {
        if self.color {
            style.force_styling(true)
        } else {
            style.force_styling(false)
        }
    }

    fn line(&self, text: &str) {
        match &self.multi {
            Some(multi) if !multi.is_hidden() => multi.suspend(|| eprintln!("{text}")),
            _ => eprintln!("{text}"),
        }
    }

    /// A message about progress or a result, for a person.
    pub fn status(&self, verb: &str, text: &str) {
        if !self.quiet {
            let verb = self
                .style(Style::new().green().bold())
                .apply_to(format!("{verb:>12}"));
            self.line(&format!("{verb} {text}"));
        }
    }

    /// A plain informational line.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            self.line(text);
        }
    }

    /// Detail shown only with `--verbose`.
    pub fn debug(&self, text: &str) {
        if self.verbose {
            let text = self.style(Style::new().dim()).apply_to(text);
            self.line(&text.to_string());
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let label = self.style(Style::new().yellow().bold()).apply_to("warning");
            self.line(&format!("{label}: {text}"));
        }
    }

    /// An error with its causes and hint; shown even when quiet.
    pub fn error(&self, err: &anyhow::Error) {
        self.report("error", err);
    }

    /// An error attached to one item of several (for summaries).
    pub fn report(&self, label: &str, err: &anyhow::Error) {
        let report = Report::of(err);
        let label = self.style(Style::new().red().bold()).apply_to(label);
        let mut text = format!("{label}: {}", report.message);
        for cause in &report.causes {
            for (i, line) in cause.lines().enumerate() {
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
            let _ = write!(text, "\n  {label}: {hint}");
        }
        self.line(&text);
    }

    /// Ask a yes/no question on stderr and read the answer from stdin; Enter means yes. Only for
    /// a person at a terminal: callers ask only when stdin and stderr are terminals.
    pub fn confirm(&self, question: &str) -> std::io::Result<bool> {
        let question = self.style(Style::new().bold()).apply_to(question);
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

    /// Data for scripts, on stdout.
    #[allow(clippy::unused_self, reason = "all output goes through the printer")]
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")?;
        out.flush()
    }

    /// Bytes for stdout as they are (generated scripts).
    #[allow(clippy::unused_self, reason = "all output goes through the printer")]
    pub fn raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    /// One JSON document on stdout.
    pub fn json<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        self.data(&text)?;
        Ok(())
    }

    /// A progress bar for one download; hidden when bars are not drawn.
    pub fn download_bar(&self, label: &str) -> Bar {
        let Some(multi) = &self.multi else {
            return Bar(None);
        };
        let bar = multi.add(ProgressBar::no_length());
        let style = ProgressStyle::with_template(
            "{prefix:>12.cyan.bold} [{bar:30}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12} {msg}",
        )
        .map_or_else(|_| ProgressStyle::default_bar(), |s| s.progress_chars("=> "));
        bar.set_style(style);
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(Some(bar))
    }
}

/// Progress of one download. Cheap to clone; does nothing when hidden.
#[derive(Clone)]
pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn set_length(&self, len: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(len);
        }
    }

    /// Progress reported as a total so far (the `self_update` crate reports it that way).
    pub fn set_position(&self, pos: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(pos);
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }

    pub fn message(&self, msg: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(msg.to_owned());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
