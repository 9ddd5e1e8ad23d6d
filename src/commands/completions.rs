//! `haul completions SHELL`: the script that registers haul's completions with a shell. The
//! script asks haul itself at each TAB (`HAUL_COMPLETE=SHELL haul -- WORDS`), so completions always
//! match the haul on PATH and offer what only it knows: installed tools for `uninstall`,
//! `which`, `exec` and the like, catalog names for `install` and `info`.

use clap_complete::env::Shells;

use crate::cli::{CompletionShell, CompletionsArgs};
use crate::context::Context;
use crate::error::ExitCode;

/// The environment variable that turns a haul run into a completion request.
pub const VAR: &str = "HAUL_COMPLETE";

pub fn completions(args: &CompletionsArgs, ctx: &Context) -> ExitCode {
    ctx.printer.raw(&registration(args.shell));
    ExitCode::Success
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
