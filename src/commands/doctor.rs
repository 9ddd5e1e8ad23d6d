//! `haul doctor`: how this haul was installed and what is wrong with the setup, offline. Exits 1
//! when it finds a problem, so a script can check a machine with it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::error::ExitCode;
use crate::self_update;
use crate::self_update::installation::{Installation, Method, ReceiptState};

/// `haul doctor --json`; a stable, documented shape.
#[derive(Serialize)]
struct Report {
    version: &'static str,
    target: &'static str,
    exe: String,
    /// `installer`, `package-manager`, `cargo` or `manual`.
    installed_by: &'static str,
    /// How to update haul: `haul self update`, or the package manager's command.
    update_with: String,
    receipt: Receipt,
    install_dir: Dir,
    bin_dir: Dir,
    github_api_url: String,
    /// The environment variable the token comes from, or null without one.
    github_token: Option<&'static str>,
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct Receipt {
    path: Option<String>,
    /// `found`, `missing` or `unreadable`.
    status: &'static str,
    version: Option<String>,
}

#[derive(Serialize)]
struct Dir {
    path: String,
    on_path: bool,
}

#[derive(Serialize)]
struct Problem {
    problem: String,
    fix: String,
}

pub fn doctor(args: &DoctorArgs, ctx: &Context) -> Result<ExitCode> {
    let install = Installation::detect(&ctx.settings)?;
    let install_dir = install.install_dir();
    let bin_dir = &ctx.settings.paths.bin_dir;
    let mut problems = Vec::new();
    let mut problem = |problem: String, fix: String| problems.push(Problem { problem, fix });

    let receipt = match &install.receipt {
        ReceiptState::Found(receipt) => {
            let dir = receipt.install_dir();
            if install.method != Method::Installer && dir.join(exe_name()).is_file() {
                problem(
                    format!(
                        "haul's installer put another haul in `{}`, but this one runs from `{}`",
                        dir.display(),
                        install.exe.display()
                    ),
                    "remove the copy you do not use, so PATH finds one haul".to_owned(),
                );
            }
            ("found", Some(receipt.version.clone()))
        }
        ReceiptState::Missing => ("missing", None),
        ReceiptState::Unreadable(why) => {
            problem(
                format!("the install receipt cannot be read: {why}"),
                "reinstall haul with its installer, or delete the receipt".to_owned(),
            );
            ("unreadable", None)
        }
    };
    let install_on_path = ctx.on_path(&install_dir);
    if !install_on_path {
        problem(
            format!(
                "haul's own directory `{}` is not on PATH",
                install_dir.display()
            ),
            "add it to PATH in your shell's profile".to_owned(),
        );
    }
    let bin_on_path = ctx.on_path(bin_dir);
    if !bin_on_path {
        problem(
            format!(
                "the bin dir `{}` is not on PATH, so installed tools are not found by name",
                bin_dir.display()
            ),
            "add `eval \"$(haul env)\"` to your shell's profile (see `haul env --help`)".to_owned(),
        );
    }

    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        target: self_update::target(),
        exe: install.exe.display().to_string(),
        installed_by: install.method.kind(),
        update_with: install
            .method
            .update_instead()
            .unwrap_or("`haul self update`")
            .to_owned(),
        receipt: Receipt {
            path: install.receipt_path.as_deref().map(display),
            status: receipt.0,
            version: receipt.1,
        },
        install_dir: Dir {
            path: display(&install_dir),
            on_path: install_on_path,
        },
        bin_dir: Dir {
            path: display(bin_dir),
            on_path: bin_on_path,
        },
        github_api_url: ctx.settings.network.api_url.clone(),
        github_token: ctx.settings.network.token_var,
        problems,
    };
    if args.json {
        ctx.printer.json(&report)?;
    } else {
        ctx.printer.data(&human(&report, &install.method))?;
    }
    Ok(if report.problems.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}

fn human(r: &Report, method: &Method) -> String {
    let on_path = |yes| if yes { "on PATH" } else { "not on PATH" };
    let mut out = format!("haul {} for {}\n", r.version, r.target);
    let _ = writeln!(out, "  executable    {}", r.exe);
    let mut by = method.by().to_owned();
    if let (Some(path), Some(version)) = (&r.receipt.path, &r.receipt.version)
        && *method == Method::Installer
    {
        let _ = write!(by, " (receipt `{path}`, version {version})");
    }
    let _ = writeln!(out, "  installed by  {by}");
    let _ = writeln!(out, "  update with   {}", r.update_with);
    let _ = writeln!(
        out,
        "  install dir   {} ({})",
        r.install_dir.path,
        on_path(r.install_dir.on_path)
    );
    let _ = writeln!(
        out,
        "  bin dir       {} ({})",
        r.bin_dir.path,
        on_path(r.bin_dir.on_path)
    );
    let token = match r.github_token {
        Some(var) => format!("token from `{var}`"),
        None => "no token: 60 requests an hour".to_owned(),
    };
    let _ = writeln!(out, "  GitHub API    {} ({token})", r.github_api_url);
    if r.problems.is_empty() {
        out.push_str("\nno problems found");
    }
    for p in &r.problems {
        let _ = write!(out, "\nproblem: {}\n  fix: {}", p.problem, p.fix);
    }
    out
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn exe_name() -> &'static str {
    if cfg!(windows) { "haul.exe" } else { "haul" }
}
