//! Installing several tools at once: at most `jobs` at a time, each reported as it finishes,
//! results in the order they were asked for, and Ctrl-C ending the run with unfinished installs
//! changing nothing.

use anyhow::Result;
use futures_util::StreamExt as _;

use super::{Env, Options, Outcome, install, install_locked};
use crate::error::{ExitCode, UserError};
use crate::request::tool::Tool;
use crate::resolve::Resolved;

/// One tool asked for: what was typed, and what it resolved to (or why it did not).
pub struct Item {
    pub raw: String,
    pub tool: Result<Tool, UserError>,
    /// The release and files `haul.lock` gives: nothing is asked of the source, and the
    /// lock's hashes alone vouch for the files.
    pub locked: Option<Resolved>,
}

/// Install every item, `jobs` at a time; `done` is called as each finishes. Returns the
/// results in the order of `items`, or an error when interrupted.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    env: &Env<'_>,
    items: &[Item],
    opts: &Options,
    jobs: usize,
    done: &(dyn Fn(&Item, &Result<Outcome>) + Sync),
) -> Result<Vec<Result<Outcome>>, UserError> {
    runtime.block_on(async {
        // Listening for Ctrl-C starts before any install does, so an early one is never missed.
        let interrupted_now = interrupt()?;
        let all = futures_util::stream::iter(items.iter().enumerate())
            .map(|(i, item)| async move {
                let result = match &item.tool {
                    Ok(tool) => {
                        let bar = env.printer.download_bar(&tool.name);
                        let result = match &item.locked {
                            Some(resolved) => {
                                install_locked(env, tool, resolved.clone(), opts, &bar).await
                            }
                            None => install(env, tool, opts, &bar).await,
                        };
                        bar.finish();
                        result
                    }
                    Err(err) => Err(err.clone().into()),
                };
                done(item, &result);
                (i, result)
            })
            .buffer_unordered(jobs.max(1))
            .collect::<Vec<_>>();
        tokio::select! {
            biased;
            () = interrupted_now => {}
            mut results = all => {
                results.sort_by_key(|(i, _)| *i);
                return Ok(results.into_iter().map(|(_, r)| r).collect());
            }
        }
        // The unfinished installs are dropped; a change already being committed ends first.
        Err(interrupted(&env.commits.settled().await))
    })
}

/// A future that completes on Ctrl-C (SIGINT on Unix), listening from the moment it is made.
fn interrupt() -> Result<impl std::future::Future<Output = ()>, UserError> {
    let failed =
        |err: std::io::Error| UserError::new("cannot listen for Ctrl-C").caused_by(err.to_string());
    #[cfg(unix)]
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(failed)?;
    #[cfg(windows)]
    let mut signal = tokio::signal::windows::ctrl_c().map_err(failed)?;
    Ok(async move {
        signal.recv().await;
    })
}

/// Interrupted, once the changes that had started committing installed `done`.
fn interrupted(done: &[String]) -> UserError {
    let err = UserError::new("interrupted; nothing was changed by unfinished installs");
    if done.is_empty() {
        err
    } else {
        err.caused_by(format!("installed before it stopped: {}", done.join(", ")))
    }
    .exit(ExitCode::Interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::Commits;

    /// Ctrl-C waits for the changes already being committed, then names what they installed.
    #[test]
    fn an_interrupt_waits_for_changes_being_committed_and_names_them() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let commits = std::sync::Arc::new(Commits::default());
        commits.start();
        commits.start();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let ending = std::sync::Arc::clone(&commits);
        let thread = std::thread::spawn(move || {
            ending.end("widget", true);
            rx.recv().unwrap();
            ending.end("gizmo", false);
        });
        let settled = runtime.block_on(async {
            let settled = commits.settled();
            tokio::pin!(settled);
            // One change is still being made: not settled yet.
            assert!(futures_util::FutureExt::now_or_never(settled.as_mut()).is_none());
            tx.send(()).unwrap();
            settled.await
        });
        thread.join().unwrap();
        assert_eq!(settled, ["widget"]);
        let err = interrupted(&settled);
        assert_eq!(err.causes, ["installed before it stopped: widget"]);
        assert_eq!(interrupted(&[]).causes, Vec::<String>::new());
    }
}
