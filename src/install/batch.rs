//! Installing several tools at once: at most `jobs` at a time, each reported as it finishes,
//! results in the order they were asked for, and Ctrl-C ending the run with unfinished installs
//! changing nothing. Each tool stands alone, or (`haul sync`) all are made ready first and the
//! store changes only when every one is: a failure then changes nothing. A change that fails
//! once all were ready (a link another process took meanwhile) still leaves the tools before
//! it installed.

use anyhow::Result;
use futures_util::StreamExt as _;

use super::stop::{Stop, interrupt};
use super::{Env, Options, Outcome, Ready, check, finish, prepare, prepare_locked};
use crate::error::UserError;
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

/// How a batch treats a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failing {
    /// Each tool stands alone: the others are installed (`haul install A B`).
    Alone,
    /// All or nothing (`haul sync`): every tool is downloaded, verified and staged first, and
    /// the store changes only once all of them are ready.
    Together,
}

/// A tool that was ready but not installed, because another tool of an all-or-nothing batch
/// failed.
#[derive(Debug)]
pub struct Withheld;

impl std::fmt::Display for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not installed, because another tool failed")
    }
}

impl std::error::Error for Withheld {}

/// How far one tool got in the first pass.
enum Step {
    /// Installed (or found installed): the tool stood alone.
    Installed(Outcome),
    /// Ready, waiting for the others.
    Ready(Ready),
}

/// Install every item, `jobs` at a time; `done` is called as each finishes. Returns the
/// results in the order of `items`, or an error when interrupted.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    env: &Env<'_>,
    items: &[Item],
    opts: &Options,
    jobs: usize,
    failing: Failing,
    done: &(dyn Fn(&Item, &Result<Outcome>) + Sync),
) -> Result<Vec<Result<Outcome>>, UserError> {
    runtime.block_on(async {
        // Listening for Ctrl-C and SIGTERM starts before any install does, so an early one is
        // never missed.
        let interrupted_now = interrupt()?;
        tokio::pin!(interrupted_now);
        let first = futures_util::stream::iter(items.iter().enumerate())
            .map(|(i, item)| async move { (i, first_step(env, item, opts, failing, done).await) })
            .buffer_unordered(jobs.max(1))
            .collect::<Vec<_>>();
        let mut steps = tokio::select! {
            biased;
            stop = &mut interrupted_now => {
                // The unfinished installs are dropped; a change already being committed ends
                // first.
                return Err(interrupted(stop, &env.commits.settled().await));
            }
            steps = first => steps,
        };
        steps.sort_by_key(|(i, _)| *i);
        let failed = steps.iter().any(|(_, step)| step.is_err());
        let steps = steps.into_iter().map(|(_, step)| step);
        if failing == Failing::Alone || failed {
            return Ok(steps
                .zip(items)
                .map(|(step, item)| settle_without_changes(step, item, done))
                .collect());
        }
        // Every tool is ready. Before anything changes, every change must be one that can be
        // made as the store is now, and no two may hold one link.
        let steps: Vec<Result<Step>> = steps.collect();
        if let Some((at, err)) = blocked(env, items, &steps, opts) {
            let mut err = Some(err);
            return Ok(steps
                .into_iter()
                .zip(items)
                .enumerate()
                .map(|(i, (step, item))| match err.take_if(|_| i == at) {
                    Some(err) => {
                        let result = Err(err);
                        done(item, &result);
                        result
                    }
                    None => settle_without_changes(step, item, done),
                })
                .collect());
        }
        let steps = steps.into_iter();
        // Make the changes, one after another, in the order asked. One that fails even so
        // (the disk, a directory that cannot be written) stops the rest: they are withheld,
        // and what was changed before it stays (each change is whole).
        let changes = async {
            let mut results = Vec::with_capacity(items.len());
            let mut failed = false;
            for (step, item) in steps.zip(items) {
                let result = match (step, &item.tool) {
                    (Ok(Step::Ready(ready)), Ok(tool)) if !failed => {
                        let result = finish(env, tool, ready, opts).await;
                        done(item, &result);
                        result
                    }
                    (step, _) => settle_without_changes(step, item, done),
                };
                failed |= result.is_err();
                results.push(result);
            }
            results
        };
        let stop = tokio::select! {
            biased;
            stop = &mut interrupted_now => stop,
            results = changes => return Ok(results),
        };
        Err(interrupted(stop, &env.commits.settled().await))
    })
}

/// The first ready tool whose change could not be made as the store is now (a file of the
/// user's where a link goes, another tool's link), or that would hold a link another tool of
/// the batch holds too; and why.
fn blocked(
    env: &Env<'_>,
    items: &[Item],
    steps: &[Result<Step>],
    opts: &Options,
) -> Option<(usize, anyhow::Error)> {
    let mut held: Vec<(std::path::PathBuf, &str)> = Vec::new();
    for (i, (step, item)) in steps.iter().zip(items).enumerate() {
        let (Ok(Step::Ready(ready)), Ok(tool)) = (step, &item.tool) else {
            continue;
        };
        let links = match check(env, tool, ready, opts) {
            Ok(links) => links,
            Err(err) => return Some((i, without_force(err))),
        };
        for link in links {
            if let Some((_, other)) = held.iter().find(|(path, _)| *path == link) {
                let err = UserError::new(format!(
                    "`{other}` and `{}` would both be linked at `{}`",
                    tool.name,
                    link.display()
                ))
                .hint("link one of them under another name (`bin = [\"NAME=LINK\"]` in haul.toml)");
                return Some((i, err.into()));
            }
            held.push((link, tool.name.as_str()));
        }
    }
    None
}

/// An all-or-nothing batch (`haul sync`) has no `--force`: a hint to pass it says what to do
/// instead.
fn without_force(err: anyhow::Error) -> anyhow::Error {
    match err.downcast::<UserError>() {
        Ok(user) if user.hint.as_deref().is_some_and(|h| h.contains("--force")) => UserError {
            hint: Some(
                "nothing replaces what haul did not make there: move it away, or link the tool under another name (`bin = [\"NAME=LINK\"]` in haul.toml)"
                    .to_owned(),
            ),
            ..user
        }
        .into(),
        Ok(user) => user.into(),
        Err(err) => err,
    }
}

/// The first pass for one item: made ready, and installed when it stands alone. `done` hears
/// of each tool installed, and of each failure, as it happens.
async fn first_step(
    env: &Env<'_>,
    item: &Item,
    opts: &Options,
    failing: Failing,
    done: &(dyn Fn(&Item, &Result<Outcome>) + Sync),
) -> Result<Step> {
    let tool = match &item.tool {
        Ok(tool) => tool,
        Err(err) => {
            let result = Err(err.clone().into());
            done(item, &result);
            return result.map(Step::Installed);
        }
    };
    let bar = env.printer.download_bar(&tool.name);
    let ready = match &item.locked {
        Some(resolved) => prepare_locked(env, tool, resolved.clone(), opts, &bar).await,
        None => prepare(env, tool, opts, &bar).await,
    };
    let step = match (failing, ready) {
        (Failing::Together, Ok(ready)) => Ok(Step::Ready(ready)),
        (_, ready) => {
            let result = match ready {
                Ok(ready) => finish(env, tool, ready, opts).await,
                Err(err) => Err(err),
            };
            done(item, &result);
            result.map(Step::Installed)
        }
    };
    bar.finish();
    step
}

/// An item's result when the batch makes no more changes: what it did already, what was
/// there already, or, for a tool that was ready, [`Withheld`] (its staging is dropped).
fn settle_without_changes(
    step: Result<Step>,
    item: &Item,
    done: &(dyn Fn(&Item, &Result<Outcome>) + Sync),
) -> Result<Outcome> {
    match step {
        Ok(Step::Installed(outcome)) => Ok(outcome),
        Ok(Step::Ready(Ready::Done(outcome))) => {
            let result = Ok(outcome);
            done(item, &result);
            result
        }
        Ok(Step::Ready(Ready::Change(_))) => {
            let result = Err(Withheld.into());
            done(item, &result);
            result
        }
        Err(err) => Err(err),
    }
}

/// Interrupted by `stop`, once the changes that had started committing installed `done`.
fn interrupted(stop: Stop, done: &[String]) -> UserError {
    let err = UserError::new("interrupted; nothing was changed by unfinished installs");
    if done.is_empty() {
        err
    } else {
        err.caused_by(format!("installed before it stopped: {}", done.join(", ")))
    }
    .exit(stop.exit_code())
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
        let err = interrupted(Stop::Interrupt, &settled);
        assert_eq!(err.causes, ["installed before it stopped: widget"]);
        assert_eq!(err.exit.code(), 130);
        let err = interrupted(Stop::Terminate, &[]);
        assert_eq!(err.causes, Vec::<String>::new());
        assert_eq!(err.exit.code(), 143);
    }
}
