//! What every command receives: resolved settings, the printer and the store.
//!
//! Building a context does no I/O beyond reading the config file; the HTTP client (and with it
//! TLS and the async runtime) is made only by commands that use the network.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};

use crate::fetch::Http;
use crate::output::Printer;
use crate::settings::Settings;
use crate::store::Store;

pub struct Context {
    pub settings: Settings,
    pub printer: Printer,
    pub store: Store,
}

impl Context {
    pub fn new(settings: Settings, printer: Printer) -> Context {
        let store = Store::new(settings.paths.home.clone(), settings.paths.bin_dir.clone())
            .with_legacy_bin_dir(settings.paths.legacy_bin_dir.clone())
            .with_notice(Arc::new(StoreNotice {
                printer: printer.clone(),
                told: std::sync::Mutex::default(),
            }));
        Context {
            settings,
            printer,
            store,
        }
    }

    /// The HTTP client, reporting requests (`-v`), stalls and warnings to the printer.
    pub fn http(&self) -> Result<Http> {
        Ok(Http::new(&self.settings.network)?.with_events(Arc::new(self.printer.clone())))
    }

    /// The catalog, with the user's own entries.
    pub fn catalog(&self) -> Result<crate::catalog::Catalog> {
        Ok(crate::catalog::Catalog::load(&self.settings.user_catalog)?)
    }

    /// What an install needs from this context, with `http`.
    pub fn install_env<'a>(&'a self, http: &'a Http) -> crate::install::Env<'a> {
        crate::install::Env {
            http,
            store: &self.store,
            printer: &self.printer,
            downloads: self.downloads_dir(),
            commits: std::sync::Arc::default(),
        }
    }

    /// Where verified downloads are kept.
    pub fn downloads_dir(&self) -> std::path::PathBuf {
        self.settings.paths.cache_dir.join("downloads")
    }

    /// Whether `dir` is on `PATH`, also when spelled differently (a link, a trailing `/`).
    pub fn on_path(&self, dir: &Path) -> bool {
        let wanted = crate::paths::canonical(dir);
        self.settings.path.as_ref().is_some_and(|path| {
            std::env::split_paths(path)
                .any(|entry| entry == dir || crate::paths::canonical(&entry) == wanted)
        })
    }
}

/// Says on stderr what the store tells: that this haul waits for another's change to it, and
/// what a change or a recovery could not do.
struct StoreNotice {
    printer: Printer,
    /// The tools whose change left half-done was said to stay so (once each).
    told: std::sync::Mutex<Vec<String>>,
}

impl crate::store::Notices for StoreNotice {
    fn waiting_for_lock(&self, lock: &Path) {
        self.printer.info(&format!(
            "waiting for another haul to finish changing the store (`{}` is locked)…",
            lock.display()
        ));
    }

    fn not_completed(&self, name: &str, why: &str) {
        let Ok(mut told) = self.told.lock() else {
            return;
        };
        if told.iter().any(|t| t == name) {
            return;
        }
        told.push(name.to_owned());
        self.printer.warn(&format!(
            "a change to `{name}` was left half-done and cannot be completed or undone now: {why} (what haul shows of `{name}` may not be so; `haul doctor` says more)"
        ));
    }

    fn unreadable_journal(&self, path: &Path) {
        self.printer.warn(&format!(
            "removed `{}`, a journal of a change haul could not read (damaged): what that change did is not known; `haul doctor` checks the tools",
            path.display()
        ));
    }

    fn not_deleted(&self, left: &crate::store::NotDeleted) {
        self.printer.warn(&format!(
            "what `{}` held before this change could not be deleted from `{}`: {} (`haul doctor --fix` deletes it once it can be)",
            left.dir.display(),
            left.aside.display(),
            left.why
        ));
    }
}

/// A runtime for commands that use the network; started only by them.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
