//! `haul list`: installed tools, for people and (with `--json`) for scripts; `--all` shows
//! every stored version. A tool whose files or links are missing is marked as broken.

use anyhow::Result;
use serde::Serialize;

use crate::cli::ListArgs;
use crate::context::Context;
use crate::error::ExitCode;
use crate::store::record::{Installed, Record};

/// One entry of `haul list --json`; a stable, documented shape.
#[derive(Serialize)]
struct ListEntry {
    name: String,
    version: String,
    /// Its directory under `tools/NAME/`: the version, or with the lock's hash
    /// (`1.0.0+2fa7b6c0`) for bytes only a project's lock vouched for; `uninstall NAME@KEY`
    /// names it.
    key: String,
    tag: String,
    /// `github:OWNER/REPO` or `catalog:NAME`; `haul install` accepts it back.
    source: String,
    /// What was asked for: `latest`, `3.16`, `^1.2`, an exact version or tag; for a version
    /// not active (`--all`), what it was last made active under (null: never, or not known).
    requirement: Option<String>,
    active: bool,
    asset: String,
    url: String,
    sha256: String,
    /// `api-digest`, a checksum file's name, or null when nothing verified the download (or
    /// one of the downloads, for a tool made of several files).
    verified_by: Option<String>,
    /// Every file downloaded for it; `asset`, `url` and `sha256` above are the first's.
    files: Vec<ListFile>,
    platform: String,
    bins: Vec<ListBin>,
    installed_at: u64,
    /// What is missing or wrong on disk; empty when the tool is whole.
    problems: Vec<String>,
}

#[derive(Serialize)]
struct ListFile {
    asset: String,
    url: String,
    sha256: String,
    verified_by: Option<String>,
}

#[derive(Serialize)]
struct ListBin {
    name: String,
    /// The link in the bin dir (the first, when the tool is linked into several), or null
    /// for a version that is not active.
    link: Option<String>,
    target: String,
}

pub fn list(args: &ListArgs, ctx: &Context) -> Result<ExitCode> {
    // One record at a time: each becomes its rows and is let go, so listing many tools holds
    // the rows in memory, not every record.
    let mut rows = Vec::new();
    // Tools with nothing active: stored for projects (`haul sync`), by `haul exec`, or left
    // when their active version went and those left could not be made active.
    let mut inactive = 0;
    // Records that cannot be read: the rest is listed, and the exit code says it is not all.
    let mut unreadable = 0;
    // Tools said in a warning for want of a row (their active version is not stored).
    let mut warned = 0;
    // The store as of one moment: never a change another haul is making, half-made.
    let reading = ctx.store.reading()?;
    for read in ctx.store.each_record()? {
        let record = match read {
            Ok(record) => record,
            Err(error) => {
                ctx.printer.failure(&error.one_line());
                unreadable += 1;
                continue;
            }
        };
        if record.active.is_none() {
            inactive += 1;
        }
        let found = ctx.store.check(&record);
        let before = rows.len();
        // Oldest to newest by version (1.9.0 before 1.10.0), not by the text of the key; only
        // `--all` shows more than one.
        let versions: Vec<_> = if args.all {
            record.by_version()
        } else {
            record.versions.iter().collect()
        };
        for (key, version) in versions {
            let active = record.active.as_deref() == Some(key.as_str());
            if active || args.all {
                // A version's row has its own problems, and the active one the tool's links'.
                let own = found
                    .iter()
                    .filter(|p| p.version().map_or(active, |k| k == key))
                    .map(|p| p.describe(&record.name))
                    .collect();
                rows.push(entry(ctx, &record, key, version, active, own));
            }
        }
        // A tool with no row to mark BROKEN (its active version is not stored; `--all` lists
        // the others) is not left out without a word.
        if record.active.is_some() && !rows[before..].iter().any(|r: &ListEntry| r.active) {
            for problem in &found {
                ctx.printer.warn(&problem.describe(&record.name));
            }
            warned += 1;
        }
    }
    // Read: other hauls may change the store while this one prints (into a pager, say).
    drop(reading);
    let code = if unreadable > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    };
    if args.json {
        ctx.printer.json(&rows)?;
        return Ok(code);
    }
    if rows.is_empty() && inactive > 0 {
        ctx.printer.info(&format!(
            "no tools active; {} stored with no version active (`haul list --all` lists them)",
            crate::units::count(inactive, "tool")
        ));
        return Ok(code);
    }
    if rows.is_empty() && unreadable == 0 && warned == 0 {
        ctx.printer
            .info("no tools installed; try `haul install OWNER/REPO`");
        return Ok(code);
    }
    let table: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let bins: Vec<&str> = r.bins.iter().map(|b| b.name.as_str()).collect();
            let mut state = r.verified_by.as_deref().unwrap_or("unverified").to_owned();
            if args.all && !r.active {
                state = format!("stored; {state}");
            }
            if !r.problems.is_empty() {
                state = format!("BROKEN: {}", r.problems.join("; "));
            }
            // A version stored twice (the release's, and bytes only a lock vouched for) is
            // told apart by its key.
            let version = if args.all && r.key != r.version {
                format!("{} ({})", r.version, r.key)
            } else {
                r.version.clone()
            };
            [
                r.name.clone(),
                version,
                r.source
                    .strip_prefix("github:")
                    .unwrap_or(&r.source)
                    .to_owned(),
                format!("[{}]", bins.join(", ")),
                state,
            ]
        })
        .collect();
    ctx.printer.data(&columns(&table));
    Ok(code)
}

/// Rows as padded columns; the last column is not padded.
pub fn columns<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = Vec::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == N {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push(line.trim_end().to_owned());
    }
    out.join("\n")
}

fn entry(
    ctx: &Context,
    record: &Record,
    key: &str,
    version: &Installed,
    active: bool,
    problems: Vec<String>,
) -> ListEntry {
    let first = version.artifacts.first();
    let dir = ctx.store.version_dir(&record.name, key);
    ListEntry {
        name: record.name.clone(),
        version: version.version.clone(),
        key: key.to_owned(),
        tag: version.tag.clone(),
        source: record.identity.source.clone(),
        requirement: if active {
            Some(record.requirement.version.clone())
        } else {
            record
                .history
                .iter()
                .rev()
                .find(|a| a.version == key)
                .and_then(|a| a.requirement.as_ref())
                .map(|r| r.version.clone())
        },
        active,
        asset: first.map(|a| a.asset.clone()).unwrap_or_default(),
        url: first.map(|a| a.url.clone()).unwrap_or_default(),
        sha256: first.map(|a| a.sha256.clone()).unwrap_or_default(),
        verified_by: version.verified_by().map(str::to_owned),
        files: version
            .artifacts
            .iter()
            .map(|a| ListFile {
                asset: a.asset.clone(),
                url: a.url.clone(),
                sha256: a.sha256.clone(),
                verified_by: a.verified_by.clone(),
            })
            .collect(),
        platform: version.platform.clone(),
        bins: version
            .bins
            .iter()
            .map(|bin| ListBin {
                name: bin.link.clone(),
                link: active
                    .then(|| record.links.iter().find(|l| l.bin == bin.link))
                    .flatten()
                    .map(|l| l.path.display().to_string()),
                target: dir.join(&bin.path).display().to_string(),
            })
            .collect(),
        installed_at: version.installed_at,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded() {
        let rows = [
            ["fd".to_owned(), "10.2.0".to_owned(), "x".to_owned()],
            ["ripgrep".to_owned(), "14.1".to_owned(), "y".to_owned()],
        ];
        assert_eq!(columns(&rows), "fd       10.2.0  x\nripgrep  14.1    y");
    }
}
