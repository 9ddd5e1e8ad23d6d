//! haul: install DevOps command-line tools straight from their release downloads.
//!
//! `main` parses the arguments, runs one command and turns its result into a message and an
//! exit code; it is the only place that decides the exit code.

// The modules in five groups; a module imports only from its own group and those before it,
// and no two import each other in a circle (`testing::imports` checks both).
//
// 1. Shared vocabulary: errors, the one check for names, paths, platforms, URLs as shown,
//    sizes, versions.
mod error;
mod format;
mod names;
mod paths;
mod platform;
mod redact;
mod stopping;
mod units;
mod version;

// 2. The pipeline, as data flows: what was asked (`request`, and the `catalog` it names), the
//    release it resolves to, the file selected for the platform, fetched, verified and
//    unpacked, and the `store` that activates it and keeps its record.
mod catalog;
mod fetch;
mod request;
mod resolve;
mod select;
mod store;
mod unpack;
mod verify;

// 3. What a run is told and how it reports: settings (flags, environment, config file) and
//    the printer.
mod output;
mod settings;

// 4. The pipeline put to work: installs, a team's project (haul.toml, haul.lock), haul itself.
mod install;
mod project;
mod self_update;

// 5. The command line, the context a command runs with, and the commands.
mod cli;
mod commands;
mod context;

#[cfg(test)]
mod testing;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::{ExitCode, exit_code_of};
use crate::output::Printer;
use crate::settings::Settings;

fn main() -> std::process::ExitCode {
    // `HAUL_COMPLETE=SHELL haul …` is a shell asking for completions (a variable of its own,
    // so a `COMPLETE` set for another program changes nothing): answered here, then exit.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command)
        .var(commands::completions::VAR)
        .complete();
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with success (unless stdout cannot take them);
            // usage errors exit 2.
            let printed = err.print();
            let code = if err.use_stderr() {
                ExitCode::Usage
            } else if let Err(failed) = printed {
                stdout_failed(failed, ExitCode::Success)
            } else {
                ExitCode::Success
            };
            return std::process::ExitCode::from(code.code());
        }
    };
    // Options given after a command's name join those given before it.
    let global = match std::mem::take(&mut cli.global).merge(&cli.command.globals()) {
        Ok(global) => global,
        Err(err) => {
            let _ = err.print();
            return std::process::ExitCode::from(ExitCode::Usage.code());
        }
    };
    cli.global = global;
    let mut code = match run(cli) {
        Ok(code) => code,
        Err((err, printer)) => {
            printer.error(&err);
            exit_code_of(&err)
        }
    };
    // The command's result stands when stdout failed under it (the reader of a pipe gone, a
    // full disk): a failed install still exits 4, and one that was done is not called failed.
    if let Some(failed) = output::stdout_failure() {
        code = stdout_failed(failed, code);
    }
    if let ExitCode::Program(whole) = code
        && u8::try_from(whole).is_err()
    {
        // A Windows program's code is 32 bits (an NTSTATUS such as 0xC0000005, or 256): it
        // passes through whole, never cut to a byte that may read 0.
        #[allow(clippy::exit, reason = "the only way to exit with more than a byte")]
        std::process::exit(whole);
    }
    std::process::ExitCode::from(code.code())
}

fn run(cli: Cli) -> Result<ExitCode, (anyhow::Error, Printer)> {
    let settings = Settings::load(&cli.global, cli.command.prints_json())
        .map_err(|err| (err, Printer::fallback()))?;
    let printer = Printer::new(settings.output);
    // A config file haul cannot use stops every command but those that repair or report.
    if let Some(err) = settings.config.error.clone()
        && !cli.command.runs_without_config()
    {
        return Err((err.into(), printer));
    }
    let ctx = Context::new(settings, printer);
    let result = match cli.command {
        Command::Install(args) => commands::install::install(&args, &ctx),
        Command::Uninstall(args) => commands::uninstall::uninstall(&args, &ctx),
        Command::List(args) => commands::list::list(&args, &ctx),
        Command::Outdated(args) => commands::outdated::outdated(&args, &ctx),
        Command::Upgrade(args) => commands::upgrade::upgrade(&args, &ctx),
        Command::Rollback(args) => commands::rollback::rollback(&args, &ctx),
        Command::Exec(args) => commands::exec::exec(&args, &ctx),
        Command::Prune(args) => commands::prune::prune(&args, &ctx),
        Command::Cache(command) => commands::cache::cache(&command.command, &ctx),
        Command::Init(args) => commands::project::init(&args, &ctx),
        Command::Add(args) => commands::project::add(&args, &ctx),
        Command::Remove(args) => commands::project::remove(&args, &ctx),
        Command::Lock(args) => commands::lock::lock(&args, &ctx),
        Command::Sync(args) => commands::sync::sync(&args, &ctx),
        Command::Mirror(args) => commands::mirror::mirror(&args, &ctx),
        Command::Sbom(args) => commands::sbom::sbom(&args, &ctx),
        Command::Info(args) => commands::info::info(&args, &ctx),
        Command::Search(args) => commands::search::search(&args, &ctx),
        Command::Which(args) => commands::which::which(&args, &ctx),
        Command::Env(args) => commands::env::env(&args, &ctx),
        Command::Completions(args) => Ok(commands::completions::completions(&args, &ctx)),
        Command::Self_(command) => commands::self_update::self_command(&command.command, &ctx),
        Command::Doctor(args) => commands::doctor::doctor(&args, &ctx),
    };
    result.map_err(|err| (err, ctx.printer))
}

/// The exit code when writing to stdout `failed` under a command that ended with `code`. A
/// reader that went away (`haul list | head -1`) took what it wanted: the code stays. Any other
/// failure is said, and fails a command that had succeeded.
fn stdout_failed(failed: std::io::Error, code: ExitCode) -> ExitCode {
    if failed.kind() == std::io::ErrorKind::BrokenPipe {
        return code;
    }
    let err = anyhow::Error::new(failed).context("writing to stdout");
    Printer::fallback().error(&err);
    if code == ExitCode::Success {
        ExitCode::Failure
    } else {
        code
    }
}
