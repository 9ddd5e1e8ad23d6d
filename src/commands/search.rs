//! `haul search [WORD]`: the catalog, ranked by how well each tool matches.

use std::fmt::Write as _;

use anyhow::Result;

use crate::catalog::Listing;
use crate::cli::SearchArgs;
use crate::context::Context;
use crate::error::ExitCode;

pub fn search(args: &SearchArgs, ctx: &Context) -> Result<ExitCode> {
    let catalog = ctx.catalog()?;
    let word = args.word.as_deref().unwrap_or("");
    let hits = catalog.search(word);
    if args.json {
        let listings: Vec<Listing> = hits.iter().map(|e| Listing::of(e)).collect();
        ctx.printer.json(&listings)?;
        return Ok(ExitCode::Success);
    }
    if hits.is_empty() {
        let similar = catalog.similar(word);
        let close = if similar.is_empty() {
            String::new()
        } else {
            let similar: Vec<String> = similar.iter().map(|n| format!("`{n}`")).collect();
            format!(" (similar names: {})", similar.join(", "))
        };
        ctx.printer.info(&format!(
            "no tool in the catalog matches `{word}`{close}; any GitHub repository works as OWNER/REPO"
        ));
        return Ok(ExitCode::Success);
    }
    let width = hits.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for entry in hits {
        let _ = writeln!(out, "{:width$}  {}", entry.name, entry.description);
    }
    ctx.printer.data(out.trim_end());
    Ok(ExitCode::Success)
}
