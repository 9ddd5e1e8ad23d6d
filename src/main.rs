//! haul: install DevOps command-line tools straight from their release downloads.
//!
//! `main` parses the arguments, runs one command and turns its result into a message and an
//! exit code; it is the only place that decides the exit code.

mod catalog;
mod cli;
mod commands;
mod context;
mod error;
mod fetch;
mod install;
mod output;
mod paths;
mod platform;
mod request;
mod resolve;
mod select;
mod self_update;
mod settings;
mod store;
#[cfg(test)]
mod testing;
mod unpack;
mod verify;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::{ExitCode, exit_code_of};
use crate::output::Printer;
use crate::settings::Settings;

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with success; usage errors exit 2.
            let _ = err.print();
            return std::process::ExitCode::from(if err.use_stderr() {
                ExitCode::Usage.code()
            } else {
                ExitCode::Success.code()
            });
        }
    };
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::Success,
        Err((err, printer)) => {
            printer.error(&err);
            exit_code_of(&err)
        }
    };
    std::process::ExitCode::from(code.code())
}

fn run(cli: Cli) -> Result<ExitCode, (anyhow::Error, Printer)> {
    let settings = Settings::load(&cli.global).map_err(|err| (err, Printer::fallback()))?;
    let printer = Printer::new(settings.output);
    let ctx = Context::new(settings, printer);
    let result = match cli.command {
        Command::Install(args) => {
            if args.json {
                let ctx = Context::new(ctx.settings, ctx.printer.without_progress());
                return commands::install::install(args, &ctx).map_err(|err| (err, ctx.printer));
            }
            commands::install::install(args, &ctx)
        }
        Command::Uninstall(args) => commands::uninstall::uninstall(&args, &ctx),
        Command::List(args) => commands::list::list(&args, &ctx),
        Command::Info(args) => commands::info::info(&args, &ctx),
        Command::Search(args) => commands::search::search(&args, &ctx),
        Command::Which(args) => commands::which::which(&args, &ctx),
        Command::Env(args) => commands::env::env(&args, &ctx),
        Command::Completions(args) => commands::completions::completions(&args, &ctx),
        Command::Self_(command) => commands::self_update::self_command(&command, &ctx),
        Command::Doctor(args) => commands::doctor::doctor(&args, &ctx),
    };
    result.map_err(|err| (err, ctx.printer))
}

fn is_broken_pipe((err, _): &(anyhow::Error, Printer)) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
