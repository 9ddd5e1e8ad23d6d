//! Installing one tool, as a transaction: resolve → select → fetch (unpacking while it
//! downloads) → verify → activate → record. Nothing unverified reaches `tools/` or a bin dir;
//! a failure at any step drops the staging directory and the partial download, and the store's
//! own journal makes the last steps whole or undoes them.
//!
//! A tool is its source: a record of the same identity is the same tool, whatever it is
//! called; another source under a taken name is refused unless forced. An install that would
//! change nothing says so only when every part of it matches and every file and link is in
//! place; otherwise it repairs what is missing.

pub mod batch;
mod download;
mod plan;
pub mod stop;

pub use download::{expected_checksum, hash_file};

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::error::UserError;
use crate::fetch::Http;
use crate::names::{self, NameKind, WantedBin};
use crate::output::{Bar, Printer};
use crate::platform::Platform;
use crate::platform::host::HostRuntime;
use crate::request::tool::{BinsFrom, Tool};
use crate::resolve::release::Release;
use crate::resolve::{self, Part, Resolved};
use crate::store::record::{Artifact, Bin, Installed};
use crate::store::{self, Staging, Store};
use crate::unpack::{self, Format, elf, executables};
use crate::verify::Verified;

pub use plan::Outcome;

#[derive(Clone)]
pub struct Options {
    pub platform: Platform,
    pub require_checksum: bool,
    pub force: bool,
    /// Take nothing from the network.
    pub offline: bool,
    /// The bin dir links go to.
    pub bin_dir: PathBuf,
    /// What is done with the version once it is stored.
    pub linking: Linking,
    /// What a download may unpack to.
    pub limits: crate::unpack::Limits,
    /// The files and hashes come from `haul.lock` (set by [`install_locked`]).
    pub locked: bool,
    /// An upgrade: a release older than the active version (GitHub's "latest" moved to a
    /// backport) is not installed; the tool stays, and a warning says why.
    pub upgrade: bool,
}

/// What an install does with the version once it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linking {
    /// Make it the active version, linked into the bin dir and the tool's other bin dirs.
    Activate,
    /// Only store it (`haul exec`).
    Store,
    /// Link it into the bin dir pinned to it, making nothing active (`haul sync` into the
    /// bin-dir of the project in this directory): the tool's active version and other links
    /// stay as they are.
    Pin(PathBuf),
}

impl Linking {
    /// The project whose bin-dir the version is pinned in.
    pub fn project(&self) -> Option<&Path> {
        match self {
            Linking::Pin(project) => Some(project),
            Linking::Activate | Linking::Store => None,
        }
    }
}

impl Options {
    /// Whether `--force` was given, else whether the command installing takes it: `upgrade`
    /// does not, nor do the installs from a lock (`sync`, `exec` in a project), whose hints
    /// point at haul.toml.
    pub fn force(&self) -> crate::store::Force {
        use crate::store::Force;
        match self {
            Options { force: true, .. } => Force::Given,
            Options { locked: true, .. } => Force::Locked,
            Options { upgrade: true, .. } => Force::NotOffered,
            _ => Force::NotGiven,
        }
    }

    /// The same for an install of the files and hashes `haul.lock` gives.
    #[must_use]
    pub fn locked(self) -> Options {
        Options {
            locked: true,
            ..self
        }
    }

    /// Options from resolved install settings, doing `linking` with what is stored.
    pub fn from_settings(settings: &crate::settings::InstallSettings, linking: Linking) -> Options {
        Options {
            platform: settings.platform,
            require_checksum: settings.require_checksum,
            force: settings.force,
            offline: settings.offline,
            bin_dir: settings.bin_dir.clone(),
            linking,
            limits: settings.limits,
            locked: false,
            upgrade: false,
        }
    }
}

pub struct Env<'a> {
    pub http: &'a Http,
    pub store: &'a Store,
    pub printer: &'a Printer,
    /// The download cache's `downloads/` directory.
    pub downloads: PathBuf,
    /// The changes being committed, which Ctrl-C lets finish.
    pub commits: std::sync::Arc<Commits>,
}

/// The store changes installs are making: once one has started, it runs to its end (it is
/// journaled, and a half-done change is not what Ctrl-C should leave), so an interrupted run
/// waits for them and says which tools they installed.
#[derive(Debug, Default)]
pub struct Commits {
    state: std::sync::Mutex<(usize, Vec<String>)>,
    idle: tokio::sync::Notify,
}

impl Commits {
    fn start(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.0 += 1;
        }
    }

    /// The change for `name` ended; `done` when it changed the store.
    fn end(&self, name: &str, done: bool) {
        if let Ok(mut state) = self.state.lock() {
            state.0 -= 1;
            if done {
                state.1.push(name.to_owned());
            }
        }
        self.idle.notify_waiters();
    }

    /// Wait until no change is being made; the tools the finished ones installed.
    pub async fn settled(&self) -> Vec<String> {
        loop {
            let idle = self.idle.notified();
            match self.state.lock() {
                Ok(state) if state.0 > 0 => {}
                Ok(state) => return state.1.clone(),
                Err(_) => return Vec::new(),
            }
            idle.await;
        }
    }
}

/// A tool made ready to change the store: its release resolved and its files downloaded,
/// verified and unpacked into staging. Nothing is changed until [`finish`]; dropping it
/// removes what was staged.
pub enum Ready {
    /// There is nothing to change.
    Done(Outcome),
    /// One change to make.
    Change(Pending),
}

/// The change a [`Ready`] tool makes.
pub struct Pending {
    name: String,
    key: String,
    /// The version to store, staged in `staging`; `None` when it is stored already.
    installed: Option<Installed>,
    staging: Option<Staging>,
}

/// Install `tool` (or find it installed), as `opts` say.
pub async fn install(env: &Env<'_>, tool: &Tool, opts: &Options, bar: &Bar) -> Result<Outcome> {
    let ready = prepare(env, tool, opts, bar).await?;
    finish(env, tool, ready, opts).await
}

/// Install `tool` from the release and files `haul.lock` gives (`haul sync`): the lock's
/// hashes alone vouch for them.
pub async fn install_locked(
    env: &Env<'_>,
    tool: &Tool,
    resolved: Resolved,
    opts: &Options,
    bar: &Bar,
) -> Result<Outcome> {
    let opts = &opts.clone().locked();
    let ready = prepare_locked(env, tool, resolved, opts, bar).await?;
    finish(env, tool, ready, opts).await
}

/// Where checksums are required, the error the install of `resolved` would end with that can be
/// told before anything is downloaded: a file that no checksum file of the release could
/// cover and no API digest vouches for (`upgrade --dry-run` says it as the upgrade would).
pub fn surely_unverified(
    resolved: &resolve::Resolved,
    require_checksum: bool,
) -> Option<UserError> {
    if !require_checksum {
        return None;
    }
    resolved
        .parts
        .iter()
        .find(|part| part.plan.is_empty() && part.asset.digest.is_none())
        .map(|part| download::unverified(&part.asset.name, &resolved.release.tag))
}

/// Everything [`install`] does before it changes the store.
pub async fn prepare(env: &Env<'_>, tool: &Tool, opts: &Options, bar: &Bar) -> Result<Ready> {
    // What is installed decides before anything is asked of the network (a taken name is
    // refused at once); the store checks again under its lock when the install commits.
    let records = env.store.records()?;
    let existing = plan::existing(&records, tool, opts.force)?;
    if existing.is_none() && !opts.force {
        damaged_beside(env.store, &records, tool)?;
    }
    let resolved = match resolve::resolve(env.http, tool, opts.platform).await {
        Ok(resolved) => resolved,
        Err(err) => {
            return match withdrawn(env, &err, opts, existing) {
                Some(outcome) => Ok(Ready::Done(outcome)),
                None => Err(err),
            };
        }
    };
    prepare_over(env, tool, existing, resolved, opts, bar).await
}

/// For a repository asked for with no `--bin` (its tool a guess from its name), a damaged
/// record of its source: installing beside it would make a second tool of one source (a tool
/// installed with `--bin` is named after its executable, not the repository), so its error
/// stands.
fn damaged_beside(store: &store::Store, records: &store::Records, tool: &Tool) -> Result<()> {
    // A catalog tool names its product: a damaged record of the repository may be another.
    if tool.bins_from != BinsFrom::Nobody {
        return Ok(());
    }
    let source = tool.source_label();
    let damaged = records.damaged.iter().find(|d| {
        store
            .damaged_source(&d.name)
            .is_some_and(|s| s.eq_ignore_ascii_case(&source))
    });
    match damaged {
        Some(damaged) => Err(damaged.error.clone().into()),
        None => Ok(()),
    }
}

/// An upgrade whose requirement finds no release now (every release of the series was
/// withdrawn) leaves the active version as it is, saying so, as one whose newest release is
/// older does: the tool is newer than anything it wants, not broken.
fn withdrawn(
    env: &Env<'_>,
    err: &anyhow::Error,
    opts: &Options,
    existing: Option<&crate::store::Record>,
) -> Option<Outcome> {
    let req = crate::error::unmatched_requirement(err)?;
    let record = existing.filter(|_| opts.upgrade)?;
    let key = record.active.as_deref()?;
    let active = record.versions.get(key)?;
    env.printer.warn(&format!(
        "{} stays at {}: no release matches `{req}` now (it was withdrawn); `haul install {}@VERSION` \
         moves it to another",
        record.name, active.version, record.name
    ));
    Some(Outcome::Unchanged {
        record: record.clone(),
        key: key.to_owned(),
    })
}

/// Everything [`install_locked`] does before it changes the store.
pub async fn prepare_locked(
    env: &Env<'_>,
    tool: &Tool,
    resolved: Resolved,
    opts: &Options,
    bar: &Bar,
) -> Result<Ready> {
    let opts = &opts.clone().locked();
    let records = env.store.records()?;
    let existing = plan::existing(&records, tool, opts.force)?;
    prepare_over(env, tool, existing, resolved, opts, bar).await
}

/// Make the change a prepared tool needs, in one journaled change of the store.
pub async fn finish(env: &Env<'_>, tool: &Tool, ready: Ready, opts: &Options) -> Result<Outcome> {
    match ready {
        Ready::Done(outcome) => Ok(outcome),
        Ready::Change(pending) => {
            let Pending {
                name,
                key,
                installed,
                staging,
            } = pending;
            commit(env, &name, tool, &key, installed, staging, opts).await
        }
    }
}

/// Whether a prepared tool's change could be made as the store is now, without making it
/// (`haul sync` asks this of every tool before it changes any): the links it would hold, or
/// why it cannot (a file of the user's where a link goes, another tool's link).
pub fn check(env: &Env<'_>, tool: &Tool, ready: &Ready, opts: &Options) -> Result<Vec<PathBuf>> {
    let Ready::Change(pending) = ready else {
        return Ok(Vec::new());
    };
    let wanted = plan::Wanted::new(tool, &pending.key, pending.installed.clone(), opts);
    let outcome = env
        .store
        .dry_run(&pending.name, |now| plan::commit(now, &wanted, None))?;
    Ok(outcome
        .record()
        .links
        .iter()
        .map(|link| link.path.clone())
        .collect())
}

/// Prepare `resolved` over `existing`, the record of the same tool if there is one.
async fn prepare_over(
    env: &Env<'_>,
    tool: &Tool,
    existing: Option<&crate::store::Record>,
    resolved: Resolved,
    opts: &Options,
    bar: &Bar,
) -> Result<Ready> {
    let Resolved { release, parts } = resolved;
    for part in &parts {
        if part.selection.emulated.is_some() {
            env.printer
                .warn(&format!("{}: {}", tool.name, part.selection.reason));
        }
        env.printer.debug(&format!(
            "{}: {} ({})",
            tool.name, part.asset.name, part.selection.reason
        ));
    }
    let name = existing.map_or_else(|| tool.name.clone(), |r| r.name.clone());
    let key = match decide(env, tool, existing, &release, &parts, opts).await? {
        Plan::Older(outcome) => {
            if let Outcome::Unchanged { record, key } = &outcome
                && let Some(kept) = record.versions.get(key)
            {
                env.printer.warn(&format!(
                    "{} stays at {}: the newest release it finds, {}, is older (`haul install {}@{}` moves it there)",
                    record.name,
                    kept.version,
                    release.version_label(),
                    record.name,
                    crate::error::shown(&release.tag)
                ));
            }
            return Ok(Ready::Done(outcome));
        }
        Plan::Whole(outcome) => return Ok(Ready::Done(outcome)),
        Plan::Relink(key) | Plan::Requirement(key) => {
            return Ok(Ready::Change(Pending {
                name,
                key,
                installed: None,
                staging: None,
            }));
        }
        Plan::Download(key) => key,
    };

    let staging = {
        let store = env.store.clone();
        let name = name.clone();
        tokio::task::spawn_blocking(move || store.staging(&name))
            .await
            .context("the install task stopped")??
    };
    let (artifacts, bins) =
        download_parts(env, tool, &release, &parts, &staging, opts, bar).await?;
    bar.message("installing");

    let installed = Installed {
        version: release.version_label(),
        tag: release.tag.clone(),
        platform: opts.platform.to_string(),
        artifacts,
        bins,
        installed_at: store::now(),
    };
    Ok(Ready::Change(Pending {
        name,
        key,
        installed: Some(installed),
        staging: Some(staging),
    }))
}

/// What installing a resolved release over an installed tool comes to, decided before
/// anything is downloaded (`Relink` and `Download` name the version's key in the store).
pub enum Plan {
    /// An upgrade whose release is older than the active version: the tool stays there.
    Older(Outcome),
    /// The version is stored, whole, linked and active as asked: nothing changes.
    Whole(Outcome),
    /// The version is stored whole: its links are made again (or it is made active).
    Relink(String),
    /// The version is stored whole, linked and active: only the requirement the record keeps
    /// changes.
    Requirement(String),
    /// The version is downloaded, verified and unpacked (again, when it is stored but not
    /// whole, or not the release's bytes).
    Download(String),
}

/// The one place that decides what an install of `release` does over `existing` (the record
/// of the same tool): what [`prepare`] does next, and what `upgrade --dry-run` says.
async fn decide(
    env: &Env<'_>,
    tool: &Tool,
    existing: Option<&crate::store::Record>,
    release: &Release,
    parts: &[Part],
    opts: &Options,
) -> Result<Plan> {
    if opts.upgrade
        && let Some(record) = existing
        && let Some((key, _)) = older_than_active(record, release)
    {
        return Ok(Plan::Older(Outcome::Unchanged {
            record: record.clone(),
            key: key.to_owned(),
        }));
    }
    let key = plan::version_key(existing, release);
    // Made the user's own (a project without a `bin-dir`), a locked version may not be other
    // bytes, or other files, than those of its release the user has stored, verified.
    if opts.locked
        && opts.linking == Linking::Activate
        && let Some(record) = existing
        && let Some(found) = plan::lock_contradicts(record, &key, parts)
    {
        return Err(lock_contradicts(record, release, &found).into());
    }
    let key = if opts.locked {
        plan::locked_key(existing, key, parts)
    } else {
        key
    };
    let key = plan::own_key(env.store, existing, key, tool, opts);
    if let Some(record) = existing
        && !opts.force
        && !verify_again(env, record, &key, release, parts, opts).await?
        && let Some(reuse) =
            plan::without_download(env.store, record, tool, release, parts, &key, opts)
    {
        return Ok(match reuse {
            plan::Reuse::Unchanged => Plan::Whole(Outcome::Unchanged {
                record: record.clone(),
                key,
            }),
            plan::Reuse::Relink => Plan::Relink(key),
            plan::Reuse::Requirement => Plan::Requirement(key),
        });
    }
    Ok(Plan::Download(key))
}

/// What an install of `resolved` would do, without doing it or taking the store's lock
/// (`upgrade --dry-run`): the plan, or the error the install would fail with that can be told
/// before anything is downloaded (a file of the user's or another tool's link where a link of
/// a stored version goes; a file no checksum could vouch for where checksums are required).
pub async fn preview(
    env: &Env<'_>,
    tool: &Tool,
    resolved: &Resolved,
    opts: &Options,
) -> Result<Plan> {
    let records = env.store.records()?;
    let existing = plan::existing(&records, tool, opts.force)?;
    let plan = decide(
        env,
        tool,
        existing,
        &resolved.release,
        &resolved.parts,
        opts,
    )
    .await?;
    match &plan {
        Plan::Relink(key) | Plan::Requirement(key) => {
            let name = existing.map_or(tool.name.as_str(), |r| r.name.as_str());
            let wanted = plan::Wanted::new(tool, key, None, opts);
            env.store
                .plan_only(name, |now| plan::commit(now, &wanted, None))?;
        }
        Plan::Download(key) => {
            if let Some(err) = surely_unverified(resolved, opts.require_checksum) {
                return Err(err.into());
            }
            // The links the version makes, told before its download: as the active version's
            // are linked now where it has what the tool asks for (or nobody named them: the
            // release's own), else those of the executables asked for. A file of the user's,
            // or another tool's link, where one goes fails the install once it has downloaded.
            if let Some(record) = existing
                && opts.linking == Linking::Activate
                && let Some(active_key) = record.active.as_deref()
                && let Some(active) = record.active()
            {
                let exe = opts.platform.exe_suffix();
                let bins = if plan::other_executables(
                    env.store,
                    &record.name,
                    active_key,
                    active,
                    tool,
                    opts,
                ) {
                    tool.bins
                        .iter()
                        .map(|w| Bin {
                            link: format!("{}{exe}", w.link_name()),
                            path: format!("{}{exe}", w.name),
                            size: None,
                            modified: None,
                        })
                        .collect()
                } else {
                    active.bins.clone()
                };
                let like = Installed {
                    version: resolved.release.version_label(),
                    tag: resolved.release.tag.clone(),
                    bins,
                    ..active.clone()
                };
                let wanted = plan::Wanted::new(tool, key, Some(like), opts);
                env.store
                    .plan_only(&record.name, |now| plan::commit(now, &wanted, None))?;
            }
        }
        Plan::Older(_) | Plan::Whole(_) => {}
    }
    Ok(plan)
}

/// Whether the stored version `key` holds a file stored unverified that must be verified
/// before it is reused: where checksums are required, or where the release now offers a
/// checksum for it. Only the checksum files are fetched to tell (a malformed or conflicting
/// checksum fails here, as it would fail the download); offline, nothing is asked.
async fn verify_again(
    env: &Env<'_>,
    record: &crate::store::Record,
    key: &str,
    release: &Release,
    parts: &[Part],
    opts: &Options,
) -> Result<bool> {
    let Some(stored) = record.versions.get(key) else {
        return Ok(false);
    };
    let mut texts = std::collections::HashMap::new();
    for part in parts {
        let unverified = stored
            .artifacts
            .iter()
            .any(|a| a.asset == part.asset.name && a.verified_by.is_none());
        if !unverified || opts.locked {
            continue;
        }
        if opts.require_checksum {
            return Ok(true);
        }
        if !opts.offline
            && !part.plan.is_empty()
            && expected_checksum(env.http, release, &part.asset.name, &part.plan, &mut texts)
                .await?
                .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The active version of `record` (its key and what is stored), when `release` is an older
/// version than it. Both are compared as read already: the release's version (after any tag
/// prefix) and the version label the active one was recorded with.
fn older_than_active<'r>(
    record: &'r crate::store::Record,
    release: &Release,
) -> Option<(&'r str, &'r Installed)> {
    let key = record.active.as_deref()?;
    let active = record.versions.get(key)?;
    let now = crate::version::Version::from_tag(&active.version)?;
    (*release.version.as_ref()? < now).then_some((key, active))
}

/// Download, verify and unpack every part into `staging`: one part at its root, several each
/// in a directory of its own. Returns what was downloaded and the executables found.
async fn download_parts(
    env: &Env<'_>,
    tool: &Tool,
    release: &Release,
    parts: &[Part],
    staging: &Staging,
    opts: &Options,
    bar: &Bar,
) -> Result<(Vec<Artifact>, Vec<Bin>)> {
    let several = parts.len() > 1;
    let mut artifacts = Vec::new();
    let mut bins = Vec::new();
    // What the programs must start on: this machine, or (`--target`) a standard one of that
    // platform.
    let host = if opts.platform == crate::platform::host::platform() {
        crate::platform::host::runtime()
    } else {
        crate::platform::host::assumed(opts.platform)
    };
    for (i, part) in parts.iter().enumerate() {
        let sub = if several {
            names::dir_name(Format::strip(&part.asset.name))
        } else {
            String::new()
        };
        let dest = if several {
            staging.unpacked().join(&sub)
        } else {
            staging.unpacked()
        };
        // The chosen build, then the next ones when it cannot start here.
        let candidates: Vec<&Part> = std::iter::once(part).chain(&part.alternatives).collect();
        let mut first_error: Option<anyhow::Error> = None;
        for (n, candidate) in candidates.iter().enumerate() {
            if dest.exists() {
                fs_err::remove_dir_all(&dest)?;
            }
            fs_err::create_dir_all(&dest)?;
            let fetched =
                fetch_part(env, tool, release, candidate, staging, i, &dest, opts, bar).await?;
            if fetched.expected.is_none() {
                env.printer.warn(&format!(
                    "no checksum covers `{}` in {} {}; using it unverified",
                    candidate.asset.name,
                    tool.origin(),
                    release.tag
                ));
            }
            match executables_of(tool, part, &dest, &sub, opts, &host) {
                Ok(found) => {
                    if n > 0 {
                        let why = first_error
                            .as_ref()
                            .and_then(|e| e.downcast_ref::<CannotStart>())
                            .and_then(|c| c.0.causes.first().cloned())
                            .unwrap_or_default();
                        env.printer.warn(&format!(
                            "{}: `{}` cannot start here ({why}); took `{}` instead",
                            tool.name, candidates[0].asset.name, candidate.asset.name
                        ));
                    }
                    artifacts.push(artifact(candidate, &fetched));
                    bins.extend(found);
                    first_error = None;
                    break;
                }
                Err(err) if err.is::<CannotStart>() && n + 1 < candidates.len() => {
                    first_error.get_or_insert(err);
                }
                Err(err) => return Err(CannotStart::unwrap(first_error.unwrap_or(err))),
            }
        }
        if let Some(err) = first_error {
            return Err(CannotStart::unwrap(err));
        }
    }
    Ok((artifacts, bins))
}

/// Fetch, verify and unpack one candidate build of a part into `dest`.
#[allow(clippy::too_many_arguments, reason = "one download's every coordinate")]
async fn fetch_part(
    env: &Env<'_>,
    tool: &Tool,
    release: &Release,
    candidate: &Part,
    staging: &Staging,
    i: usize,
    dest: &Path,
    opts: &Options,
    bar: &Bar,
) -> Result<download::Fetched> {
    download::run(
        env.http,
        &download::Download {
            asset: &candidate.asset,
            release,
            plan: &candidate.plan,
            // A locked file: the lock's hash alone vouches for it. Otherwise every source the
            // release offers is asked (they must agree).
            known: opts
                .locked
                .then(|| plan::known_hashes(&candidate.plan))
                .filter(|digests| !digests.is_empty())
                .map(|digests| (digests, Verified::File(crate::verify::LOCK_FILE.to_owned()))),
            cache_path: cache_dir(env, tool, &release.tag, opts.platform)
                .map(|dir| dir.join(&candidate.asset.name)),
            partial: if i == 0 {
                staging.download_path()
            } else {
                staging.extra_path(i)
            },
            dest: dest.to_path_buf(),
            single_name: single_name(tool, candidate, opts.platform),
            require_checksum: opts.require_checksum,
            offline: opts.offline,
            limits: opts.limits,
        },
        bar,
    )
    .await
    .with_context(|| format!("installing `{}` from `{}`", tool.name, candidate.asset.name))
}

/// The error for a lock that contradicts the release the user installed (see
/// [`plan::Contradiction`]).
fn lock_contradicts(
    record: &crate::store::Record,
    release: &Release,
    found: &plan::Contradiction,
) -> UserError {
    let name = &record.name;
    let tag = &release.tag;
    let message = if found.same_name {
        format!(
            "haul.lock pins other bytes for `{}` of `{name}` {tag} than its release's, which you have installed",
            found.asset
        )
    } else {
        format!(
            "haul.lock pins `{}` for `{name}` {tag}, where you have installed `{}` from its release",
            found.asset,
            found.installed.join("`, `")
        )
    };
    // Another file of the release: the lock may be right (a build the user did not pick),
    // and installing that file from the release, verified, is what tells.
    let other_file = if found.same_name {
        String::new()
    } else {
        let (tool, flags) = crate::store::spelled(record);
        format!(
            "; if `{}` is the build you want, `haul install {tool}@{}{flags} --asset '^{}$'` installs it from the release, verified, and the sync then checks the lock against it",
            found.asset,
            release.version_label(),
            regex_lite::escape(&found.asset)
        )
    };
    UserError::new(message)
        .caused_by(format!(
            "yours was verified by {}; only haul.lock vouches for the locked file, and a project without a `bin-dir` would make it the `{name}` you run everywhere",
            found.by
        ))
        .hint(format!("review haul.lock (`haul lock --upgrade` writes what the releases publish), or set a `bin-dir` in haul.toml to keep the project's tools apart from yours{other_file}"))
        .exit(crate::error::ExitCode::Verification)
}

/// The name a download that is one bare program is written as. Asked for by nobody in
/// particular (a catalog entry, the executables a tool has): the executable asked for first
/// from it, as the entry calls it (`tk` of `tanka = ["tk"]`; tealdeer's
/// `tealdeer-linux-x86_64-musl` is `tldr`). Named by the user: that name where the asset is
/// that program (see [`answers_to`]), else the asset's own name, so that `--bin kubectl`
/// does not make any program `kubectl`. Nothing asked for: the tool's name.
fn single_name(tool: &Tool, part: &Part, platform: Platform) -> String {
    use crate::platform::file_name::{exe_stem, plain_name};
    let exe = platform.exe_suffix();
    let asset = part.asset.name.as_str();
    let name = match part.bins.first().or(tool.bins.first()) {
        None => tool.name.clone(),
        Some(wanted) if tool.takes_only_program() => wanted.name.clone(),
        Some(wanted) if answers_to(asset, &wanted.name, tool) => wanted.name.clone(),
        Some(_) => plain_name(asset).unwrap_or_else(|| exe_stem(asset).unwrap_or(asset).to_owned()),
    };
    if exe.is_empty() || name.to_ascii_lowercase().ends_with(exe) {
        name
    } else {
        format!("{name}{exe}")
    }
}

/// Whether the bare program `asset` is the executable `name`: its own name less a platform
/// suffix (`tk-linux-amd64` is `tk`; an app image's `nvim.appimage` is `nvim`), or that name
/// and a version alone (`tool-1.0.0-x86_64.AppImage`, not `kube-1-click`); the one program its catalog entry names
/// (tealdeer's `tldr`: an entry naming several says which asset holds each); or any name,
/// where the asset has none of its own (`linux-amd64`).
fn answers_to(asset: &str, name: &str, tool: &Tool) -> bool {
    use crate::platform::file_name::{exe_stem, plain_name};
    let stem = exe_stem(asset).unwrap_or(asset);
    let lower = stem.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".appimage")
        .map_or(stem, |cut| &stem[..cut.len()]);
    let name = name.to_ascii_lowercase();
    // The name and a version (`v1`, `1`, `1.0.0`) and nothing else but a platform:
    // `kube-1-click-linux-amd64` is not `kube`.
    let versioned = plain_name(stem)
        .unwrap_or_else(|| stem.to_owned())
        .to_ascii_lowercase()
        .strip_prefix(&name)
        .and_then(|rest| rest.strip_prefix(['-', '_', '.']).map(str::to_owned))
        .is_some_and(|rest| version_alone(&rest));
    let entry_names_it =
        matches!(tool.entry_bins.as_slice(), [only] if only.eq_ignore_ascii_case(&name));
    match plain_name(stem) {
        None => true,
        Some(plain) => plain.eq_ignore_ascii_case(&name) || versioned || entry_names_it,
    }
}

/// Whether `text` (lower case) is a version and nothing else: `1`, `v1.2.3`, with a
/// prerelease (`1.2.3-rc.1`, `v2.0.0-beta.2`, `1.2.3rc1`) or build (`+build.5`) part; never a
/// version followed by another word (`1-click`, `2.0-shell`).
fn version_alone(text: &str) -> bool {
    const PRERELEASE: [&str; 10] = [
        "rc", "alpha", "beta", "pre", "preview", "dev", "snapshot", "nightly", "canary", "next",
    ];
    let text = text.strip_prefix('v').unwrap_or(text);
    let (text, build) = text.split_once('+').unwrap_or((text, ""));
    let core = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (core, rest) = text.split_at(core);
    let pre = rest.strip_prefix(['-', '_', '.']).unwrap_or(rest);
    let pre_ok = pre.is_empty()
        || PRERELEASE.iter().any(|word| {
            pre.strip_prefix(word).is_some_and(|n| {
                let n = n.strip_prefix(['.', '-', '_']).unwrap_or(n);
                n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            })
        });
    core.starts_with(|c: char| c.is_ascii_digit())
        && pre_ok
        && build
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

fn artifact(part: &Part, fetched: &download::Fetched) -> Artifact {
    Artifact {
        asset: part.asset.name.clone(),
        url: part.asset.url.clone(),
        size: (part.asset.size > 0).then_some(part.asset.size),
        sha256: fetched.hashes.sha256().hex().to_owned(),
        sha512: fetched.sha512().map(|d| d.hex().to_owned()),
        verified_by: fetched.verified_by(),
        checksum_url: None,
    }
}

/// A build that cannot start on this system for its C library: another build may.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct CannotStart(UserError);

impl CannotStart {
    /// The error as the user sees it, once no other build is left to try.
    fn unwrap(err: anyhow::Error) -> anyhow::Error {
        match err.downcast::<CannotStart>() {
            Ok(CannotStart(user)) => user.into(),
            Err(err) => err,
        }
    }
}

/// What installs a tool again with other executables than the ones it kept (`upgrade` takes no
/// `--bin`): `install` with `--bin`, unless the one gone is the executable the tool is named
/// after, which makes the tool itself (`--bin` names another tool then).
fn chosen_again(tool: &Tool, missing: &str) -> String {
    let named_after_it =
        tool.name == tool.product.bin && missing.contains(&format!("`{}`", tool.product.bin));
    if named_after_it {
        format!(
            "the tool is named after `{}`: `haul uninstall {}`, then install the repository \
             with `--bin` for the executables it has now",
            tool.product.bin, tool.name
        )
    } else {
        install_to_choose(tool)
    }
}

/// The hint that names the `haul install` choosing a tool's executables anew.
fn install_to_choose(tool: &Tool) -> String {
    format!(
        "choose among the executables listed: `haul install {}@VERSION --bin NAME...` installs \
         it with those",
        tool.name
    )
}

/// The executables a part provides, checked (each a program for the platform and, on this
/// machine, one that can start), made executable, and named for the bin dir.
fn executables_of(
    tool: &Tool,
    part: &Part,
    dest: &Path,
    sub: &str,
    opts: &Options,
    host: &HostRuntime,
) -> Result<Vec<Bin>> {
    let platform = opts.platform;
    let wanted: Vec<WantedBin> = if part.bins.is_empty() {
        tool.wanted_bins()
    } else {
        part.bins.clone()
    };
    let found = executables::scan(dest)?;
    // See `Tool::takes_only_program`.
    let choose = if tool.takes_only_program() {
        executables::choose_bins
    } else {
        executables::choose_named
    };
    let chosen = choose(&found, &wanted, platform).map_err(|err| {
        if matches!(tool.bins_from, BinsFrom::Record | BinsFrom::Guessed) {
            // Asked for because the tool was installed with them: say so, and what chooses
            // again (`upgrade` takes no `--bin`).
            let asked: Vec<String> = tool.bins.iter().map(|b| format!("--bin {b}")).collect();
            let how = if tool.bins_from == BinsFrom::Guessed {
                "asks for what an earlier haul's record says it had:"
            } else {
                "was installed with"
            };
            UserError {
                message: format!(
                    "{} (`{}` {how} `{}`)",
                    err.message,
                    tool.name,
                    asked.join(" ")
                ),
                hint: Some(chosen_again(tool, &err.message)),
                ..err
            }
        } else if opts.upgrade && err.hint.is_some() {
            // `upgrade` takes no `--bin`: the install that chooses does.
            UserError {
                hint: Some(install_to_choose(tool)),
                ..err
            }
        } else if tool.bins_named() && err.hint.is_some() {
            // The user named the executables already; the list of what is there is the help.
            UserError {
                hint: Some("choose among the executables listed with `--bin NAME`".to_owned()),
                ..err
            }
        } else {
            err
        }
    })?;
    let mut bins = Vec::new();
    for chosen in chosen {
        let path = dest.join(&chosen.path);
        // Its headers, read once for both checks: a program for the platform, and one that
        // can start here (loader, glibc version).
        let mut file = fs_err::File::open(&path)?;
        let meta = file.metadata()?;
        let kind =
            elf::inspect(&mut file).with_context(|| format!("reading `{}`", path.display()))?;
        executables::check_program(&kind, &chosen.name, platform)?;
        if let Err(why) = elf::can_run(&kind, &chosen.name, host) {
            let err = why.to_user_error(&part.asset.name);
            if why.libc_related() {
                return Err(CannotStart(err).into());
            }
            return Err(err.into());
        }
        unpack::set_executable(&path)?;
        names::segment(NameKind::Executable, &chosen.name)?;
        let rel = if sub.is_empty() {
            chosen.path
        } else {
            format!("{sub}/{}", chosen.path)
        };
        // The record keeps this path; one it would not read back is refused now, not found
        // damaged later.
        if let Some(why) = names::stored_path_problem(&rel) {
            return Err(UserError::new(format!(
                "`{}` holds the executable at `{rel}`, a path haul cannot keep",
                part.asset.name
            ))
            .caused_by(why)
            .into());
        }
        bins.push(Bin {
            link: format!("{}{}", chosen.name, platform.exe_suffix()),
            path: rel,
            size: Some(meta.len()),
            // Written for the last time: nothing writes to it after the unpacker.
            modified: store::modified(&meta),
        });
    }
    Ok(bins)
}

/// The cache directory of `tool`'s release `tag`: GitHub names in lower case. One an earlier
/// haul kept under the name as spelled (`BurntSushi/ripgrep`) is moved there the first time
/// (best effort), so its downloads are found offline and kept by `prune`. `None` when a
/// symbolic link is on the way under the cache (haul makes none there; one planted, by a
/// restored CI cache say, would have haul write elsewhere): the download is not cached.
fn cache_dir(env: &Env<'_>, tool: &Tool, tag: &str, platform: Platform) -> Option<PathBuf> {
    let within = resolve::cache_dir(tool, tag, platform);
    let spelled_within = resolve::cache_dir_as_spelled(tool, tag, platform);
    let linked = |within: &Path| crate::paths::link_within(&env.downloads, within).is_some();
    if crate::paths::is_link(&env.downloads) || linked(&within) || linked(&spelled_within) {
        return None;
    }
    let dir = env.downloads.join(within);
    if !dir.exists() {
        let spelled = env.downloads.join(spelled_within);
        if spelled != dir && spelled.is_dir() {
            if let Some(parent) = dir.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::rename(&spelled, &dir);
        }
    }
    Some(dir)
}

/// Move the verified version into place (when `staging` holds one), activate it and write the
/// record, in one change.
async fn commit(
    env: &Env<'_>,
    name: &str,
    tool: &Tool,
    key: &str,
    installed: Option<Installed>,
    staging: Option<Staging>,
    opts: &Options,
) -> Result<Outcome> {
    let store = env.store.clone();
    let name = name.to_owned();
    let wanted = plan::Wanted::new(tool, key, installed, opts);
    let commits = std::sync::Arc::clone(&env.commits);
    commits.start();
    let outcome = tokio::task::spawn_blocking(move || {
        let result = store.change(&name, |now| plan::commit(now, &wanted, staging));
        // What an interrupted run names: the tool, and the links it took from others.
        let taken = result.as_ref().map(Outcome::took).unwrap_or_default();
        let label = if taken.is_empty() {
            name.clone()
        } else {
            format!("{name} ({})", taken.join(", "))
        };
        commits.end(&label, result.is_ok());
        result
    })
    .await
    .context("the install task stopped")??;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::answers_to;
    use crate::request::spec::ToolSpec;
    use crate::request::tool::{Overrides, Tool};

    fn tool(spec: &str) -> Tool {
        let catalog = crate::catalog::Catalog::load(&[]).unwrap();
        Tool::resolve(
            &ToolSpec::parse(spec).unwrap(),
            &catalog,
            &Overrides::default(),
        )
        .unwrap()
    }

    /// A bare program answers to its own name, less a platform suffix, a version, or an
    /// app image's extension; to the one program its catalog entry names; to any name when it
    /// has none of its own; never to a name followed by another word.
    #[test]
    fn a_bare_program_answers_to_its_own_name() {
        let repo = tool("acme/tool");
        for (asset, name) in [
            ("tk-linux-amd64", "tk"),
            ("tk-windows-amd64.exe", "tk"),
            ("Tool-Linux-x86_64", "tool"),
            ("tool-1.0.0-x86_64.AppImage", "tool"),
            ("tool_v2_linux_amd64", "tool"),
            ("tool-2.1", "tool"),
            ("tool_v2", "tool"),
            ("tool-v1.2.3-rc1-linux-amd64", "tool"),
            ("tool-1.2.3-rc.1-linux-amd64", "tool"),
            ("tool-v2.0.0-beta.2-linux-amd64", "tool"),
            ("tool-1.2.3rc1-linux-amd64", "tool"),
            ("tool-v1.2.3+build.5-linux-amd64", "tool"),
            ("sops-v3.9.0-rc.1.linux.amd64", "sops"),
            ("nvim.appimage", "nvim"),
            ("nvim-linux-x86_64.appimage", "nvim"),
            ("linux-amd64", "anything"),
        ] {
            assert!(answers_to(asset, name, &repo), "{asset} is {name}");
        }
        for (asset, name) in [
            ("tk-linux-amd64", "kubectl"),
            ("kube-linter-linux-amd64", "kube"),
            ("kube-2fa-linux-amd64", "kube"),
            ("kube-v2ray-linux-amd64", "kube"),
            ("kube-3d-linux-amd64", "kube"),
            ("kube-1-click-linux-amd64", "kube"),
            ("kube-2.0-shell", "kube"),
        ] {
            assert!(!answers_to(asset, name, &repo), "{asset} is not {name}");
        }
        // tealdeer's entry names its one program `tldr`; an entry naming several does not
        // say which asset is which.
        let tealdeer = tool("tealdeer");
        assert!(answers_to("tealdeer-linux-x86_64-musl", "tldr", &tealdeer));
        let lima = tool("lima");
        assert!(!answers_to("lima-linux-x86_64", "limactl", &lima));
    }
}
