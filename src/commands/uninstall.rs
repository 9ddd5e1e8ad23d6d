//! `haul uninstall TOOL...`: remove tools, their links and their records.

use anyhow::Result;

use crate::cli::UninstallArgs;
use crate::context::Context;
use crate::error::{ExitCode, UserError};

pub fn uninstall(args: &UninstallArgs, ctx: &Context) -> Result<ExitCode> {
    // Resolve every name first: a typo in one name removes nothing.
    let mut names = Vec::new();
    for tool in &args.tools {
        match ctx.store.find(tool)? {
            Some(record) if !names.contains(&record.name) => names.push(record.name),
            Some(_) => {}
            None => {
                return Err(UserError::new(format!("`{tool}` is not installed"))
                    .hint("see `haul list` for what is installed")
                    .into());
            }
        }
    }
    for name in names {
        let record = ctx.store.uninstall(&name)?;
        ctx.printer
            .status("Removed", &format!("{} {}", record.name, record.version));
    }
    Ok(ExitCode::Success)
}
