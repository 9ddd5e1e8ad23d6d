//! Ctrl-C, SIGTERM and SIGHUP: what stops haul part-way, and how each part of a run hears it.
//!
//! Where a run can stop cleanly (the install batch, a mirror's downloads, a self update until
//! haul is being replaced), it listens with [`interrupt`] and ends the way it chooses: the work
//! is dropped, changes already being made finish, and the exit code says which signal it was.
//! Listening keeps the signal from ending haul by itself, also after that part is done; so
//! while the runtime lives, a watcher ends haul at once with the same exit code when no part
//! is listening, as the signal would have without it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Result;

use crate::error::{ExitCode, UserError};

/// What stopped haul part-way: Ctrl-C (SIGINT; Ctrl-C or Ctrl-Break on Windows), SIGTERM
/// (what cancelling a CI job, `timeout`, `kill` and `docker stop` send), or SIGHUP (a closed
/// terminal, a lost ssh session). Each way haul stops as it does for Ctrl-C; only the exit
/// code tells them apart (130, 143, 129).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Interrupt,
    #[cfg_attr(windows, allow(dead_code))]
    Terminate,
    #[cfg_attr(windows, allow(dead_code))]
    HangUp,
}

impl Stop {
    pub(crate) fn exit_code(self) -> ExitCode {
        match self {
            Stop::Interrupt => ExitCode::Interrupted,
            Stop::Terminate => ExitCode::Terminated,
            Stop::HangUp => ExitCode::HungUp,
        }
    }
}

/// Whether SIGHUP would end haul: not when the parent set it to be ignored (`nohup`, a
/// service manager), which Linux tells in `/proc/self/status`. Elsewhere that cannot be told
/// without asking the C library, so SIGHUP is left as it was found (it ends haul as a crash
/// would).
#[cfg(unix)]
fn hangup_heeded() -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("SigIgn:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|ignored| ignored & 1 == 0)
    })
}

/// How many parts of the run listen now ([`interrupt`]'s futures alive).
static LISTENING: AtomicUsize = AtomicUsize::new(0);

/// Whether a part of the run heard a stop and ends the run itself.
static HEARD: AtomicBool = AtomicBool::new(false);

/// A stop the watcher heard while a part of the run was [`finishing`] (0: none; else the exit
/// code): the run ends with it once that part is done.
static PENDING: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Counts one listening part while it lives.
struct Listening;

impl Listening {
    fn new() -> Listening {
        LISTENING.fetch_add(1, Ordering::SeqCst);
        Listening
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        LISTENING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Ctrl-C and SIGTERM as streams (inside the runtime); on Windows, Ctrl-C and Ctrl-Break.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    /// None where SIGHUP is ignored (`nohup`), or where that cannot be told: listening would
    /// undo what the parent asked for.
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
    #[cfg(windows)]
    interrupt: tokio::signal::windows::CtrlC,
    #[cfg(windows)]
    terminate: tokio::signal::windows::CtrlBreak,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: if hangup_heeded() {
                Some(signal(SignalKind::hangup())?)
            } else {
                None
            },
        })
    }

    #[cfg(windows)]
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            interrupt: tokio::signal::windows::ctrl_c()?,
            terminate: tokio::signal::windows::ctrl_break()?,
        })
    }

    /// The next stop. Ctrl-Break is Ctrl-C's twin on Windows.
    #[cfg(unix)]
    async fn next(&mut self) -> Stop {
        tokio::select! {
            _ = self.interrupt.recv() => Stop::Interrupt,
            _ = self.terminate.recv() => Stop::Terminate,
            _ = async {
                match &mut self.hangup {
                    Some(hangup) => hangup.recv().await,
                    None => std::future::pending().await,
                }
            } => Stop::HangUp,
        }
    }

    /// The next stop. Ctrl-Break is Ctrl-C's twin on Windows.
    #[cfg(windows)]
    async fn next(&mut self) -> Stop {
        tokio::select! {
            _ = self.interrupt.recv() => Stop::Interrupt,
            _ = self.terminate.recv() => Stop::Interrupt,
        }
    }
}

/// A future that completes on Ctrl-C, SIGTERM or SIGHUP ([`Stop`]), listening from the moment it is
/// made (inside the runtime).
pub(crate) fn interrupt() -> Result<impl std::future::Future<Output = Stop>, UserError> {
    let failed =
        |err: std::io::Error| UserError::new("cannot listen for Ctrl-C").caused_by(err.to_string());
    let mut signals = Signals::new().map_err(failed)?;
    watch(Signals::new().map_err(failed)?);
    let listening = Listening::new();
    Ok(async move {
        let stop = signals.next().await;
        HEARD.store(true, Ordering::SeqCst);
        // A change still waiting for the store's lock is not one being made.
        crate::stopping::request();
        drop(listening);
        stop
    })
}

/// While the runtime lives, end haul at once on a signal no part of the run listens for (as
/// the signal would have, had nothing listened), with its exit code.
fn watch(mut signals: Signals) {
    tokio::spawn(async move {
        loop {
            unheard(signals.next().await);
        }
    });
}

/// A signal the watcher heard: the run ends now, unless a part of it is listening (or heard
/// one and is ending the run itself); a part that is [`finishing`] ends it once it is done.
fn unheard(stop: Stop) {
    crate::stopping::request();
    PENDING.store(stop.exit_code().code(), Ordering::SeqCst);
    end_if_unheard();
}

/// End haul with the pending stop's code when no part of the run listens or is finishing,
/// and none heard it.
fn end_if_unheard() {
    let code = PENDING.load(Ordering::SeqCst);
    if code != 0 && LISTENING.load(Ordering::SeqCst) == 0 && !HEARD.load(Ordering::SeqCst) {
        // Said as any stop is (the printer belongs to the run this ends).
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"error: interrupted\n");
        #[allow(clippy::exit, reason = "what the signal does when nothing listens")]
        std::process::exit(i32::from(code));
    }
}

/// While it lives, a stop does not end haul at once: a change it guards is made whole first
/// (a change waiting for the store's lock gives up), and then haul ends with the stop's code.
pub(crate) struct Finishing;

/// A [`Finishing`] part of the run, from now until it is dropped.
pub(crate) fn finishing() -> Finishing {
    LISTENING.fetch_add(1, Ordering::SeqCst);
    Finishing
}

impl Drop for Finishing {
    fn drop(&mut self) {
        LISTENING.fetch_sub(1, Ordering::SeqCst);
        end_if_unheard();
    }
}

/// From now on no stop ends haul: what it does now (haul being replaced by a new one, and the
/// little after it) runs to its end, and haul ends as it would have.
pub(crate) fn no_stop_from_here() {
    LISTENING.fetch_add(1, Ordering::SeqCst);
}

/// `work`, unless Ctrl-C, SIGTERM or SIGHUP comes first: then it is dropped (so what it held,
/// temporary files included, goes) and the error is `interrupted`'s, with exit code 130 (143
/// for SIGTERM, 129 for SIGHUP).
pub(crate) async fn unless_interrupted<T>(
    work: impl std::future::Future<Output = Result<T>>,
    interrupted: impl FnOnce() -> UserError,
) -> Result<T> {
    let stop = interrupt()?;
    tokio::select! {
        done = work => done,
        stop = stop => Err(interrupted().exit(stop.exit_code()).into()),
    }
}
