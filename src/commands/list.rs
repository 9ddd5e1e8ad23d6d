//! `haul list`: installed tools, for people and (with `--json`) for scripts.

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::ListArgs;
use crate::context::Context;
use crate::error::ExitCode;
use crate::store::Record;

/// One entry of `haul list --json`; a stable, documented shape.
#[derive(Serialize)]
struct ListEntry<'a> {
    name: &'a str,
    version: &'a str,
    tag: &'a str,
    source: &'a str,
    asset: &'a str,
    url: &'a str,
    sha256: &'a str,
    /// `api-digest`, a checksum file's name, or null when nothing verified the download.
    verified_by: Option<&'a str>,
    platform: &'a str,
    bins: Vec<ListBin>,
    installed_at: u64,
}

#[derive(Serialize)]
struct ListBin {
    name: String,
    link: String,
    target: String,
}

pub fn list(args: &ListArgs, ctx: &Context) -> Result<ExitCode> {
    let records = ctx.store.list()?;
    if args.json {
        let entries: Vec<ListEntry> = records.iter().map(|r| entry(ctx, r)).collect();
        ctx.printer.json(&entries)?;
        return Ok(ExitCode::Success);
    }
    if records.is_empty() {
        ctx.printer
            .info("no tools installed; try `haul install OWNER/REPO`");
        return Ok(ExitCode::Success);
    }
    let width = records.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let vwidth = records.iter().map(|r| r.version.len()).max().unwrap_or(0);
    let mut out = String::new();
    for record in &records {
        let bins: Vec<&str> = record.bins.iter().map(|b| b.link.as_str()).collect();
        let source = record
            .source
            .strip_prefix("github:")
            .unwrap_or(&record.source);
        let verified = record.verified_by.as_deref().unwrap_or("unverified");
        let _ = writeln!(
            out,
            "{:width$}  {:vwidth$}  {source}  [{}]  {verified}",
            record.name,
            record.version,
            bins.join(", ")
        );
    }
    ctx.printer.data(out.trim_end())?;
    Ok(ExitCode::Success)
}

fn entry<'a>(ctx: &Context, record: &'a Record) -> ListEntry<'a> {
    ListEntry {
        name: &record.name,
        version: &record.version,
        tag: &record.tag,
        source: &record.source,
        asset: &record.asset,
        url: &record.url,
        sha256: &record.sha256,
        verified_by: record.verified_by.as_deref(),
        platform: &record.platform,
        bins: record
            .bins
            .iter()
            .map(|bin| ListBin {
                name: bin.link.clone(),
                link: ctx.store.link_path(bin).display().to_string(),
                target: ctx.store.bin_target(record, bin).display().to_string(),
            })
            .collect(),
        installed_at: record.installed_at,
    }
}
