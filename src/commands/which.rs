//! `haul which TOOL`: the path of an installed tool's executable, for scripts.

use anyhow::Result;

use crate::cli::WhichArgs;
use crate::context::Context;
use crate::error::{ExitCode, UserError};

pub fn which(args: &WhichArgs, ctx: &Context) -> Result<ExitCode> {
    let Some(record) = ctx.store.find(&args.tool)? else {
        return Err(UserError::new(format!("`{}` is not installed", args.tool))
            .hint("install it with `haul install OWNER/REPO`, or see `haul list`")
            .into());
    };
    // The executable the name refers to: the one linked under that name, else the first.
    let wanted = args.tool.trim_end_matches(".exe");
    let bin = record
        .bins
        .iter()
        .find(|b| b.link.trim_end_matches(".exe") == wanted)
        .or_else(|| record.bins.first());
    let Some(bin) = bin else {
        return Err(UserError::new(format!("`{}` has no executables", record.name)).into());
    };
    ctx.printer
        .data(&ctx.store.link_path(bin).display().to_string())?;
    Ok(ExitCode::Success)
}
