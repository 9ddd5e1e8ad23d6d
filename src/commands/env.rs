//! `haul env`: a snippet that puts the bin dir on PATH (`eval "$(haul env)"`), for the shell
//! in `$SHELL` or the one named; a shell haul cannot write for is refused, naming those it can.

use std::path::Path;

use anyhow::Result;
use clap::ValueEnum as _;

use crate::cli::{EnvArgs, EnvShell};
use crate::context::Context;
use crate::error::{ExitCode, UserError};

pub fn env(args: &EnvArgs, ctx: &Context) -> Result<ExitCode> {
    let shell = match args.shell {
        Some(shell) => shell,
        None => detect(ctx)?,
    };
    let dir = ctx.settings.paths.bin_dir.display().to_string();
    ctx.printer
        .data(&snippet(shell, &shell_path(shell, &dir, cfg!(windows))));
    Ok(ExitCode::Success)
}

/// How to put the bin dir on PATH for good, in the words of the shell `haul env` writes for
/// (for the hints of `install` and `doctor`).
pub fn profile_advice(ctx: &Context) -> &'static str {
    match detect(ctx).unwrap_or_else(|_| default_shell()) {
        EnvShell::Powershell => {
            "add `haul env | Invoke-Expression` to your PowerShell profile (`$PROFILE`)"
        }
        EnvShell::Fish => "add `haul env | source` to your fish config",
        EnvShell::Nu => "source the output of `haul env --shell nu` in your nushell config",
        EnvShell::Tcsh | EnvShell::Csh => "add ``eval \"`haul env`\"`` to your shell's profile",
        EnvShell::Sh | EnvShell::Bash | EnvShell::Zsh | EnvShell::Ksh | EnvShell::Dash => {
            "add `eval \"$(haul env)\"` to your shell's profile"
        }
    }
}

fn default_shell() -> EnvShell {
    if cfg!(windows) {
        EnvShell::Powershell
    } else {
        EnvShell::Sh
    }
}

/// `dir` as `shell` spells a path: on Windows, the POSIX shells and fish of Git Bash and MSYS2
/// take `/c/Users/…` on their `:`-separated PATH, where `C:\Users\…` would split at its colon
/// (Cygwin's `/cygdrive/c/…` is not written).
fn shell_path(shell: EnvShell, dir: &str, windows: bool) -> String {
    let posix = matches!(
        shell,
        EnvShell::Sh
            | EnvShell::Bash
            | EnvShell::Zsh
            | EnvShell::Ksh
            | EnvShell::Dash
            | EnvShell::Fish
            | EnvShell::Tcsh
            | EnvShell::Csh
    );
    if !windows || !posix {
        return dir.to_owned();
    }
    let dir = dir.strip_prefix(r"\\?\").unwrap_or(dir);
    let mut chars = dir.chars();
    match (chars.next(), chars.next()) {
        (Some(drive), Some(':')) if drive.is_ascii_alphabetic() => format!(
            "/{}{}",
            drive.to_ascii_lowercase(),
            chars.as_str().replace('\\', "/")
        ),
        _ => dir.replace('\\', "/"),
    }
}

fn detect(ctx: &Context) -> Result<EnvShell, UserError> {
    let Some(shell) = ctx.settings.shell.as_ref() else {
        return Ok(default_shell());
    };
    let name = Path::new(shell)
        .file_stem()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    by_name(&name).ok_or_else(|| {
        let known: Vec<String> = EnvShell::value_variants()
            .iter()
            .filter_map(|s| s.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect();
        UserError::new(format!(
            "`$SHELL` is `{}`, a shell haul cannot write for",
            shell.to_string_lossy()
        ))
        .hint(format!("pass `--shell` with one of: {}", known.join(", ")))
        .exit(ExitCode::Usage)
    })
}

fn by_name(name: &str) -> Option<EnvShell> {
    Some(match name {
        "sh" => EnvShell::Sh,
        "bash" => EnvShell::Bash,
        "zsh" => EnvShell::Zsh,
        "ksh" | "mksh" | "ksh93" => EnvShell::Ksh,
        "dash" | "ash" | "busybox" => EnvShell::Dash,
        "fish" => EnvShell::Fish,
        "nu" | "nushell" => EnvShell::Nu,
        "tcsh" => EnvShell::Tcsh,
        "csh" => EnvShell::Csh,
        "pwsh" | "powershell" => EnvShell::Powershell,
        _ => return None,
    })
}

/// Adds the directory once, even when the snippet runs again (a re-sourced profile).
fn snippet(shell: EnvShell, dir: &str) -> String {
    match shell {
        EnvShell::Sh | EnvShell::Bash | EnvShell::Zsh | EnvShell::Ksh | EnvShell::Dash => {
            let quoted = format!("'{}'", dir.replace('\'', r"'\''"));
            format!(
                "case \":$PATH:\" in\n  *:{quoted}:*) ;;\n  *) export PATH={quoted}\":$PATH\" ;;\nesac"
            )
        }
        EnvShell::Fish => {
            let quoted = format!("'{}'", dir.replace('\\', r"\\").replace('\'', r"\'"));
            format!("contains -- {quoted} $PATH; or set -gx PATH {quoted} $PATH")
        }
        EnvShell::Nu => {
            // A raw string: nothing in it is special.
            let hashes = "#".repeat(dir.matches('#').count() + 1);
            format!(
                "$env.PATH = ($env.PATH | split row (char esep) | where {{|p| $p != r{hashes}'{dir}'{hashes} }} | prepend r{hashes}'{dir}'{hashes})"
            )
        }
        EnvShell::Tcsh | EnvShell::Csh => {
            // csh has no escapes inside quotes; a single quote ends the string and restarts it.
            // No `:` follows `$PATH` inside one string: in ``eval `haul env` `` (unquoted) csh
            // reads `$PATH:` as a variable modifier and fails.
            let quoted = format!("'{}'", dir.replace('\'', "'\\''"));
            format!("if ( \":$PATH\"\":\" !~ *:{quoted}:* ) setenv PATH {quoted}:\"$PATH\";")
        }
        EnvShell::Powershell => {
            // PowerShell ends a single-quoted string at `'` and at the typographic single
            // quotes too (U+2018 to U+201B); each is escaped by writing it twice.
            let mut quoted = String::from("'");
            for c in dir.chars() {
                if matches!(c, '\'' | '\u{2018}'..='\u{201b}') {
                    quoted.push(c);
                }
                quoted.push(c);
            }
            quoted.push('\'');
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
    fn posix_shells_on_windows_get_a_posix_path() {
        let dir = r"C:\Users\me\AppData\Local\haul\bin";
        assert_eq!(
            shell_path(EnvShell::Bash, dir, true),
            "/c/Users/me/AppData/Local/haul/bin"
        );
        assert_eq!(
            shell_path(EnvShell::Fish, r"\\?\D:\tools\bin", true),
            "/d/tools/bin"
        );
        assert_eq!(shell_path(EnvShell::Powershell, dir, true), dir);
        assert_eq!(
            shell_path(EnvShell::Bash, "/home/me/bin", false),
            "/home/me/bin"
        );
    }

    #[test]
    fn posix_snippet_quotes_the_dir() {
        let text = snippet(EnvShell::Bash, "/home/o'neil/.local/bin");
        assert!(
            text.contains(r"export PATH='/home/o'\''neil/.local/bin'"),
            "{text}"
        );
    }

    #[test]
    fn fish_nu_csh_and_powershell() {
        assert_eq!(
            snippet(EnvShell::Fish, "/x/bin"),
            "contains -- '/x/bin' $PATH; or set -gx PATH '/x/bin' $PATH"
        );
        let nu = snippet(EnvShell::Nu, "/x/#bin");
        assert!(nu.contains("prepend r##'/x/#bin'##"), "{nu}");
        let csh = snippet(EnvShell::Tcsh, "/x/bin");
        assert_eq!(
            csh,
            "if ( \":$PATH\"\":\" !~ *:'/x/bin':* ) setenv PATH '/x/bin':\"$PATH\";"
        );
        let ps = snippet(EnvShell::Powershell, r"C:\Users\me\AppData\Local\haul\bin");
        assert!(
            ps.contains(r"'C:\Users\me\AppData\Local\haul\bin' + [IO.Path]::PathSeparator"),
            "{ps}"
        );
        // Every kind of single quote PowerShell knows is doubled, so none ends the string.
        let ps = snippet(EnvShell::Powershell, "C:\\o'n\u{2019}eil\u{201b}");
        assert!(
            ps.contains("'C:\\o''n\u{2019}\u{2019}eil\u{201b}\u{201b}' + [IO.Path]"),
            "{ps}"
        );
    }

    #[test]
    fn shells_by_name() {
        assert_eq!(by_name("tcsh"), Some(EnvShell::Tcsh));
        assert_eq!(by_name("nu"), Some(EnvShell::Nu));
        assert_eq!(by_name("elvish"), None);
    }
}
