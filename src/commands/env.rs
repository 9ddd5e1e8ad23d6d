//! `haul env`: a snippet that puts the bin dir on PATH (`eval "$(haul env)"`).

use std::path::Path;

use anyhow::Result;

use crate::cli::{EnvArgs, EnvShell};
use crate::context::Context;
use crate::error::ExitCode;

pub fn env(args: &EnvArgs, ctx: &Context) -> Result<ExitCode> {
    let shell = args.shell.unwrap_or_else(|| detect(ctx));
    let dir = ctx.settings.paths.bin_dir.display().to_string();
    ctx.printer.data(&snippet(shell, &dir))?;
    Ok(ExitCode::Success)
}

fn detect(ctx: &Context) -> EnvShell {
    let from_env = ctx.settings.shell.as_ref().and_then(|shell| {
        let name = Path::new(shell).file_stem()?.to_string_lossy().into_owned();
        Some(match name.as_str() {
            "bash" => EnvShell::Bash,
            "zsh" => EnvShell::Zsh,
            "fish" => EnvShell::Fish,
            "pwsh" | "powershell" => EnvShell::Powershell,
            _ => EnvShell::Sh,
        })
    });
    from_env.unwrap_or(if cfg!(windows) {
        EnvShell::Powershell
    } else {
        EnvShell::Sh
    })
}

/// Adds the directory once, even when the snippet runs again (a re-sourced profile).
fn snippet(shell: EnvShell, dir: &str) -> String {
    match shell {
        EnvShell::Sh | EnvShell::Bash | EnvShell::Zsh => {
            let quoted = format!("'{}'", dir.replace('\'', r"'\''"));
            format!(
                "case \":$PATH:\" in\n  *:{quoted}:*) ;;\n  *) export PATH={quoted}\":$PATH\" ;;\nesac"
            )
        }
        EnvShell::Fish => {
            let quoted = format!("'{}'", dir.replace('\\', r"\\").replace('\'', r"\'"));
            format!("contains -- {quoted} $PATH; or set -gx PATH {quoted} $PATH")
        }
        EnvShell::Powershell => {
            let quoted = format!("'{}'", dir.replace('\'', "''"));
            format!(
                "if (-not (($env:PATH -split [IO.Path]::PathSeparator) -contains {quoted})) {{ $env:PATH = {quoted} + [IO.Path]::PathSeparator + $env:PATH }}"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_snippet_quotes_the_dir() {
        let text = snippet(EnvShell::Bash, "/home/o'neil/.local/bin");
        assert!(
            text.contains(r"export PATH='/home/o'\''neil/.local/bin'"),
            "{text}"
        );
    }

    #[test]
    fn fish_and_powershell() {
        assert_eq!(
            snippet(EnvShell::Fish, "/x/bin"),
            "contains -- '/x/bin' $PATH; or set -gx PATH '/x/bin' $PATH"
        );
        let ps = snippet(EnvShell::Powershell, r"C:\Users\me\AppData\Local\haul\bin");
        assert!(
            ps.contains(r"'C:\Users\me\AppData\Local\haul\bin' + [IO.Path]::PathSeparator"),
            "{ps}"
        );
    }
}
