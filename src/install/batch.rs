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
            () = interrupted_now => Err(interrupted()),
            mut results = all => {
                results.sort_by_key(|(i, _)| *i);
                Ok(results.into_iter().map(|(_, r)| r).collect())
            }
        }
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

pub fn interrupted() -> UserError {
    UserError::new("interrupted; nothing was changed by unfinished installs")
        .exit(ExitCode::Interrupted)
}
