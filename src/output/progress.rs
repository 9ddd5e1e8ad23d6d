//! Progress bars (indicatif), drawn on stderr only when the printer allows them. A bar is how
//! the HTTP client's [`Progress`] reports reach a person.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Printer, clean};
use crate::fetch::{Events, Progress, RequestLog};

impl Printer {
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
        bar.set_prefix(clean(label).into_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(Some(bar))
    }
}

/// Progress of one download. Cheap to clone; does nothing when hidden.
#[derive(Clone)]
pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn message(&self, msg: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(clean(msg).into_owned());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn set_length(&self, len: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(len);
        }
    }

    fn set_position(&self, pos: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(pos);
        }
    }

    fn inc(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
}

/// What the HTTP client reports: each request with `-v`, stalls and warnings always (unless
/// quiet).
impl Events for Printer {
    fn request(&self, request: &RequestLog) {
        self.debug(&request.to_string());
    }

    fn stalled(&self, host: &str, detail: &str) {
        self.info(&format!("waiting for {host}… ({detail})"));
    }

    fn warn(&self, text: &str) {
        Printer::warn(self, text);
    }
}
