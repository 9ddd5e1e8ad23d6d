//! `haul completions SHELL`: shell completions from the clap definitions.

use anyhow::Result;
use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::ExitCode;

pub fn completions(args: &CompletionsArgs, ctx: &Context) -> Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "haul", &mut out);
    ctx.printer.raw(&out)?;
    Ok(ExitCode::Success)
}
