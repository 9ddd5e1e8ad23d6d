//! `haul outdated [TOOL...]`: for each installed tool, the installed version, the newest its
//! requirement allows (wanted) and the newest release (latest), checked concurrently. Exit 0
//! either way; `--exit-code` exits 10 when a tool is behind what it wants; a tool that could
//! not be checked makes it 1, before 10.

use anyhow::Result;
use futures_util::StreamExt as _;
use serde::Serialize;

use crate::cli::OutdatedArgs;
use crate::commands::options;
use crate::context::{self, Context};
use crate::error::{ExitCode, Report, UserError};
use crate::fetch::Http;
use crate::platform::Platform;
use crate::request::tool::{Tool, VersionQuery};
use crate::resolve;
use crate::store::Damaged;
use crate::store::record::Record;
use crate::version::{Version, VersionReq};

/// One row of `haul outdated --json`.
#[derive(Serialize)]
struct Row {
    name: String,
    source: String,
    requirement: String,
    installed: String,
    /// The newest release the requirement allows.
    wanted: Option<String>,
    latest: Option<String>,
    /// Whether `wanted` is newer than `installed` (`haul upgrade` would move it); null when
    /// the tool could not be checked (`error` says why).
    outdated: Option<bool>,
    error: Option<String>,
    /// What `error` says, whole (its causes and hint), for stderr.
    #[serde(skip)]
    failure: Option<anyhow::Error>,
    /// The newest release the requirement finds is older than the installed version (its
    /// release was withdrawn, or "latest" moved to a backport): `upgrade` leaves it.
    #[serde(skip)]
    ahead: bool,
}

pub fn outdated(args: &OutdatedArgs, ctx: &Context) -> Result<ExitCode> {
    for name in &args.tools {
        options::no_version(
            name,
            "outdated",
            "it checks each tool against the requirement it was installed with",
        )?;
    }
    let (records, damaged) = selected(&args.tools, ctx)?;
    for d in &damaged {
        ctx.printer.report(
            &format!("error: {}", d.name),
            &anyhow::Error::new(d.error.clone()),
        );
    }
    let catalog = ctx.catalog()?;
    let http = ctx.http()?;
    let host = crate::platform::host::platform();
    let jobs = args.jobs.map_or(ctx.settings.jobs, usize::from);
    let rows: Vec<Row> = context::runtime()?.block_on(async {
        futures_util::stream::iter(records.iter())
            .map(|record| check(&http, &catalog, record, host))
            .buffered(jobs)
            .collect()
            .await
    });
    for row in &rows {
        if let Some(err) = &row.failure {
            ctx.printer.report(&format!("error: {}", row.name), err);
        }
    }
    let any = rows.iter().any(|r| r.outdated == Some(true));
    if args.json {
        ctx.printer.json(&rows)?;
    } else if rows.is_empty() {
        // Tools that could not be checked are said above.
        if damaged.is_empty() {
            ctx.printer.info("no tools installed");
        }
    } else {
        let mut table = vec![[
            "name".to_owned(),
            "installed".to_owned(),
            "wanted".to_owned(),
            "latest".to_owned(),
            String::new(),
        ]];
        for row in &rows {
            let note = match row.outdated {
                None => "not checked".to_owned(),
                Some(true) => "outdated".to_owned(),
                Some(false) if row.ahead => "newer than wanted".to_owned(),
                Some(false) => String::new(),
            };
            table.push([
                row.name.clone(),
                row.installed.clone(),
                row.wanted.clone().unwrap_or_else(|| "-".to_owned()),
                row.latest.clone().unwrap_or_else(|| "-".to_owned()),
                note,
            ]);
        }
        ctx.printer.data(&crate::commands::list::columns(&table));
    }
    let failed = rows.iter().filter(|r| r.error.is_some()).count() + damaged.len();
    if failed > 0 {
        ctx.printer
            .error(&anyhow::Error::new(UserError::new(format!(
                "{failed} of {} could not be checked",
                crate::units::count(rows.len() + damaged.len(), "tool")
            ))));
    }
    // A check that did not finish says so before anything else: 10 would tell a script that
    // every tool was checked.
    Ok(if failed > 0 {
        ExitCode::Failure
    } else if args.exit_code && any {
        ExitCode::UpdateAvailable
    } else {
        ExitCode::Success
    })
}

/// The records `names` name (every one with an active version when empty: a tool stored only
/// for projects is theirs to move, by their locks), and those of them that cannot be read
/// (every one when no name is given): they cannot be checked, which the command must say. An
/// unknown name is an error.
pub fn selected(names: &[String], ctx: &Context) -> Result<(Vec<Record>, Vec<Damaged>)> {
    let records = ctx.store.records()?;
    if names.is_empty() {
        let ok = records
            .ok
            .into_iter()
            .filter(|r| r.active.is_some())
            .collect();
        return Ok((ok, records.damaged));
    }
    let mut out: Vec<Record> = Vec::new();
    let mut damaged: Vec<Damaged> = Vec::new();
    for name in names {
        // A damaged record named fails as one tool of the batch.
        if let Some(d) = options::damaged_named(name, &records.damaged) {
            if !damaged.iter().any(|known| known.name == d.name) {
                damaged.push(d.clone());
            }
            continue;
        }
        let Some((record, _)) = options::installed(name, &records, ctx)? else {
            return Err(options::not_installed_among(name, &records.ok).into());
        };
        if !out.iter().any(|r| r.name == record.name) {
            out.push(record.clone());
        }
    }
    Ok((out, damaged))
}

async fn check(
    http: &Http,
    catalog: &crate::catalog::Catalog,
    record: &Record,
    host: Platform,
) -> Row {
    let installed = record
        .active()
        .map(|v| v.version.clone())
        .unwrap_or_default();
    let mut row = Row {
        name: record.name.clone(),
        source: record.identity.source.clone(),
        requirement: record.requirement.version.clone(),
        installed: installed.clone(),
        wanted: None,
        latest: None,
        outdated: None,
        error: None,
        failure: None,
        ahead: false,
    };
    // An active version that is not stored is not one to compare: the tool needs mending.
    if let Some(key) = record.active.as_ref().filter(|_| record.active().is_none()) {
        let missing = crate::store::Problem::ActiveMissing { key: key.clone() };
        let err: anyhow::Error = UserError::new(missing.describe(&record.name))
            .hint(missing.remedy(record))
            .into();
        row.error = Some(Report::of(&err).one_line());
        row.failure = Some(err);
        return row;
    }
    let installed_tag = record.active().map(|v| v.tag.as_str());
    match newest(http, catalog, record, host).await {
        // Nothing the requirement allows is there now (the series was withdrawn): the tool is
        // newer than anything it wants, as when the newest release it finds is older.
        Ok((None, latest)) => {
            row.outdated = Some(false);
            row.ahead = true;
            row.latest = Some(latest);
        }
        Ok((Some((wanted, wanted_tag)), latest)) => {
            // Another build of the same version (`+k3s2` after `+k3s1`) is behind too.
            let other = installed_tag != Some(wanted_tag.as_str());
            let versions = (Version::from_tag(&wanted), Version::from_tag(&installed));
            row.outdated = Some(
                other
                    && match &versions {
                        (Some(wanted), Some(installed)) => wanted >= installed,
                        _ => wanted != installed,
                    },
            );
            row.ahead = other && matches!(&versions, (Some(w), Some(i)) if w < i);
            row.wanted = Some(wanted);
            row.latest = Some(latest);
        }
        Err(err) => {
            row.error = Some(Report::of(&err).one_line());
            row.failure = Some(err);
        }
    }
    row
}

/// The newest version the record's requirement allows (and its tag; `None` when no release
/// it allows is there now), and the newest release.
async fn newest(
    http: &Http,
    catalog: &crate::catalog::Catalog,
    record: &Record,
    host: Platform,
) -> Result<(Option<(String, String)>, String)> {
    let query = VersionQuery::from_requirement(&record.requirement)?;
    let latest_query = VersionQuery {
        req: VersionReq::Latest,
        pre: query.pre,
    };
    let latest_tool = Tool::from_record(record, catalog, latest_query)?;
    let latest = resolve::release(http, &latest_tool, host).await?;
    let wanted = match &query.req {
        VersionReq::Latest => Some((latest.version_label(), latest.tag.clone())),
        // A pin wants what it pins: the installed version.
        req if req.is_pin() => Some(
            record
                .active()
                .map(|v| (v.version.clone(), v.tag.clone()))
                .ok_or_else(|| {
                    UserError::new(format!("`{}` has no active version", record.name))
                })?,
        ),
        _ => {
            let tool = Tool::from_record(record, catalog, query.clone())?;
            match resolve::release(http, &tool, host).await {
                Ok(release) => Some((release.version_label(), release.tag)),
                Err(err) if crate::error::unmatched_requirement(&err).is_some() => None,
                Err(err) => return Err(err),
            }
        }
    };
    Ok((wanted, latest.version_label()))
}
