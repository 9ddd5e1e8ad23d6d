//! `haul doctor [--fix]`: how this haul was installed and what is wrong with the setup and the
//! installed tools, offline. Exits 1 when it finds a problem (after `--fix`: one it could not
//! fix), so a script can check a machine with it.

pub mod facts;
mod fix;
mod project;
mod rules;

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::error::ExitCode;
use crate::self_update::{self, installation::Installation};

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
    config: Config,
    github_api_url: String,
    /// The environment variable the token comes from, or null without one.
    github_token: Option<&'static str>,
    /// Proxies, `NO_PROXY`, what HTTPS trusts, mirror rules and limits.
    network: crate::fetch::NetworkReport,
    /// What one download may unpack to (`max-unpacked-size`, `max-archive-entries`).
    unpacking: Unpacking,
    tools: usize,
    /// Bytes in the download cache.
    cache_bytes: u64,
    cache_dir: String,
    /// What `--fix` repaired.
    fixed: Vec<String>,
    /// What `--fix` left as it is, and why.
    left_alone: Vec<String>,
    problems: Vec<rules::Finding>,
}

#[derive(Serialize)]
struct Unpacking {
    max_unpacked_size: u64,
    max_archive_entries: u64,
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
struct Config {
    path: String,
    /// `HAUL_CONFIG` names it.
    explicit: bool,
    found: bool,
    error: Option<String>,
    /// Settings from the file are used: it was found and could be read, though a value or a
    /// catalog entry in it may not be (`error`).
    in_use: bool,
}

pub fn doctor(args: &DoctorArgs, ctx: &Context) -> Result<ExitCode> {
    let install = Installation::detect(&ctx.settings)?;
    let fixed = if args.fix {
        fix::fix(ctx)?
    } else {
        fix::Fixed::default()
    };
    let gathered = facts::gather(ctx, &install)?;
    let network = crate::fetch::diagnose(&ctx.settings.network);
    let mut problems = rules::problems(&gathered.facts);
    problems.extend(network.problems.iter().map(|f| rules::Finding {
        problem: f.problem.clone(),
        fix: f.fix.clone(),
        fixable: false,
    }));
    let (status, receipt_version) = facts::receipt(&install);
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
            path: install
                .receipt_path
                .as_deref()
                .map(|p| p.display().to_string()),
            status,
            version: receipt_version,
        },
        install_dir: Dir {
            path: gathered.facts.install_dir.display().to_string(),
            on_path: gathered.facts.install_dir_on_path,
        },
        bin_dir: Dir {
            path: gathered.facts.bin_dir.display().to_string(),
            on_path: gathered.facts.bin_dir_on_path,
        },
        config: Config {
            path: gathered.facts.config.path.display().to_string(),
            explicit: gathered.facts.config.explicit,
            found: gathered.facts.config.found,
            error: gathered.facts.config.error.clone(),
            in_use: gathered.facts.config.found
                && (gathered.facts.config.error.is_none() || gathered.facts.config.rest_in_use),
        },
        github_api_url: crate::redact::url(&ctx.settings.network.api_url),
        github_token: ctx.settings.network.token_var,
        network,
        unpacking: Unpacking {
            max_unpacked_size: ctx.settings.limits.max_unpacked_size,
            max_archive_entries: ctx.settings.limits.max_entries,
        },
        tools: gathered.tools,
        cache_bytes: gathered.cache_bytes,
        cache_dir: ctx.settings.paths.cache_dir.display().to_string(),
        fixed: fixed.done,
        left_alone: fixed.left,
        problems,
    };
    if args.json {
        ctx.printer.json(&report)?;
    } else {
        ctx.printer.data(&human(&report, &install));
    }
    Ok(if report.problems.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}

fn human(r: &Report, install: &Installation) -> String {
    let on_path = |yes| if yes { "on PATH" } else { "not on PATH" };
    let mut out = format!("haul {} for {}\n", r.version, r.target);
    let _ = writeln!(out, "  executable    {}", r.exe);
    let mut by = install.method.by().to_owned();
    if let (Some(path), Some(version)) = (&r.receipt.path, &r.receipt.version)
        && install.method == self_update::installation::Method::Installer
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
    let config_state = match (&r.config.error, r.config.in_use, r.config.found) {
        (Some(_), true, _) => "in use, but for what cannot be used (below)",
        (Some(_), false, _) => "cannot be used; defaults in use",
        (None, _, true) => "in use",
        (None, _, false) => "none there; defaults in use",
    };
    let _ = writeln!(out, "  config        {} ({config_state})", r.config.path);
    for line in r.network.lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(
        out,
        "  unpacking     up to {} and {} archive entries per download",
        crate::units::size(r.unpacking.max_unpacked_size),
        r.unpacking.max_archive_entries
    );
    let _ = writeln!(out, "  tools         {} installed", r.tools);
    let _ = writeln!(
        out,
        "  cache         {} ({}; `haul cache clean` empties it)",
        r.cache_dir,
        crate::units::size(r.cache_bytes)
    );
    for fixed in &r.fixed {
        let _ = write!(out, "\nfixed: {fixed}");
    }
    for left in &r.left_alone {
        let _ = write!(out, "\nleft as it is: {left}");
    }
    if r.problems.is_empty() {
        out.push_str("\nno problems found");
    }
    for p in &r.problems {
        let _ = write!(out, "\nproblem: {}\n  fix: {}", p.problem, p.fix);
    }
    out
}

pub use facts::size_of;
