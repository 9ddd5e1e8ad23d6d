//! `haul completions SHELL`: the script that registers haul's completions with a shell. The
//! script asks haul itself at each TAB (`COMPLETE=SHELL haul -- WORDS`), so completions always
//! match the haul on PATH and offer what only it knows: installed tools for `uninstall`,
//! `which`, `exec` and the like, catalog names for `install` and `info`.

use anyhow::Result;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::Shells;

use crate::cli::{CompletionShell, CompletionsArgs};
use crate::context::Context;
use crate::error::ExitCode;

/// The environment variable that turns a haul run into a completion request.
pub const VAR: &str = "COMPLETE";

pub fn completions(args: &CompletionsArgs, ctx: &Context) -> Result<ExitCode> {
    ctx.printer.raw(&registration(args.shell))?;
    Ok(ExitCode::Success)
}

/// The registration script for `shell`.
pub fn registration(shell: CompletionShell) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(completer) = Shells::builtins().completer(shell.name()) {
        // Writing into a Vec cannot fail.
        let _ = completer.write_registration(VAR, "haul", "haul", "haul", &mut out);
    }
    out
}

/// Installed tools, for arguments that name one.
pub fn installed() -> Vec<CompletionCandidate> {
    let Some(home) = crate::settings::home_dir() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(home.join("records"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".json")
                        .filter(|n| !n.starts_with('.'))
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Catalog names and aliases, for arguments that name a tool to install.
pub fn catalog() -> Vec<CompletionCandidate> {
    let Ok(catalog) = crate::catalog::Catalog::load(&[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in catalog.entries() {
        out.push(
            CompletionCandidate::new(entry.name.clone())
                .help(Some(entry.description.clone().into())),
        );
        for alias in &entry.aliases {
            out.push(CompletionCandidate::new(alias.clone()).hide(true));
        }
    }
    out
}
