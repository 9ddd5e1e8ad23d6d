//! `haul self update [--check] [--version V] [--yes]`: replace the running haul with a newer
//! (or the named) release, in place, after verifying it.

use anyhow::Result;

use crate::cli::{SelfCommand, SelfUpdateArgs};
use crate::context::{self, Context};
use crate::error::{ExitCode, UserError};
use crate::self_update::installation::{self, Installation, Method, ReceiptState};
use crate::self_update::{self, Decision, Replacement};

pub fn self_command(command: &SelfCommand, ctx: &Context) -> Result<ExitCode> {
    match command {
        SelfCommand::Update(args) => update(args, ctx),
    }
}

/// Record the version installed in the installer's receipt, when it made this haul.
fn update_receipt(install: &Installation, installed: &str, printer: &crate::output::Printer) {
    if let (Method::Installer, Some(path)) = (&install.method, &install.receipt_path)
        && matches!(install.receipt, ReceiptState::Found(_))
    {
        match installation::set_receipt_version(path, installed) {
            Ok(None) => {}
            Ok(Some(note)) => printer.warn(&note),
            Err(err) => printer.warn(&format!(
                "haul was updated, but its install receipt was not: {err:#}"
            )),
        }
    }
}

fn update(args: &SelfUpdateArgs, ctx: &Context) -> Result<ExitCode> {
    let install = Installation::detect(&ctx.settings)?;
    let running = self_update::Running::of(&install.real_exe);
    let update_instead = install.method.update_instead();
    if let (Some(how), false) = (update_instead, args.check) {
        return Err(UserError::new(format!(
            "haul was installed by {} and does not replace itself",
            install.method.by()
        ))
        .caused_by(format!("`{}` is managed there", install.real_exe.display()))
        .hint(format!("update it with {how}; nothing was changed"))
        .into());
    }

    let http = ctx.http()?;
    let runtime = context::runtime()?;
    let (release, found) = runtime.block_on(self_update::find(&http, args.version.as_deref()))?;
    let current = self_update::current_version();
    let decision = self_update::decide(&current, &found, args.version.is_some());
    let printer = &ctx.printer;

    if args.check {
        // For scripts: the release found, on stdout, whatever the answer.
        printer.data(&found.to_string());
        return Ok(match decision {
            Decision::UpToDate => {
                printer.info(&up_to_date(&current.to_string(), &found.to_string()));
                ExitCode::Success
            }
            Decision::Upgrade | Decision::Downgrade => {
                let how = match (update_instead, &args.version) {
                    (Some(how), _) => how.to_owned(),
                    (None, Some(version)) => format!("`haul self update --version {version}`"),
                    (None, None) => "`haul self update`".to_owned(),
                };
                printer.status(
                    "Available",
                    &format!("haul {found} (this is {current}); update with {how}"),
                );
                ExitCode::UpdateAvailable
            }
        });
    }
    if decision == Decision::UpToDate {
        printer.info(&up_to_date(&current.to_string(), &found.to_string()));
        return Ok(ExitCode::Success);
    }

    let checked = self_update::check_release(&release)?;
    self_update::check_writable(&install.real_exe)?;
    let lock = self_update::one_at_a_time(&running, |exe| {
        printer.info(&format!(
            "waiting for another `haul self update` to finish (it holds `{}`)…",
            exe.display()
        ));
    })?;
    let interactive = ctx.settings.stdin_is_terminal && ctx.settings.stderr_is_terminal;
    if interactive && !args.yes {
        let verb = if decision == Decision::Downgrade {
            "Downgrade"
        } else {
            "Update"
        };
        let question = format!(
            "{verb} haul {current} to {found} at `{}`?",
            install.real_exe.display()
        );
        if !printer.confirm(&question)? {
            return Err(UserError::new("cancelled; haul was not changed").into());
        }
    }

    let bar = printer.download_bar("haul");
    let replacement = Replacement {
        http: &http,
        checked: &checked,
        progress: &bar,
        limits: ctx.settings.limits,
        lock: &lock,
    };
    let replaced = runtime.block_on(replace(&replacement));
    bar.finish();
    let installed = replaced?;

    update_receipt(&install, &installed, printer);
    let verb = if decision == Decision::Downgrade {
        "Downgraded"
    } else {
        "Updated"
    };
    printer.status(
        verb,
        &format!(
            "haul {current} to {installed} at `{}` (sha256 verified by {})",
            install.exe.display(),
            checked.by.join(" and ")
        ),
    );
    Ok(ExitCode::Success)
}

/// Download, verify and put the new haul in place. Ctrl-C (or SIGTERM) while the archive
/// downloads, unpacks or is tried stops it, and nothing is left; once haul is being replaced,
/// that runs to its end.
async fn replace(replacement: &Replacement<'_>) -> Result<String> {
    let interrupted = || UserError::new("interrupted; haul was not changed");
    // Listening for the unpacking and the trial starts now, so that no stop between the
    // download and them goes unheard.
    let listening = crate::install::stop::interrupt()?;
    let downloaded =
        crate::install::stop::unless_interrupted(self_update::download(replacement), interrupted)
            .await?;
    // Unpacking and trying the new haul run on a thread of their own, which looks between its
    // steps whether haul was told to stop (which the listener, polled here, says).
    let heard = tokio::spawn(listening);
    match self_update::install_downloaded(replacement, downloaded).await {
        // The listener heard the stop, and says which.
        Err(err) if err.is::<crate::stopping::Stopped>() => {
            let signal = heard.await.unwrap_or(crate::install::stop::Stop::Interrupt);
            Err(interrupted().exit(signal.exit_code()).into())
        }
        other => {
            heard.abort();
            other
        }
    }
}

fn up_to_date(current: &str, latest: &str) -> String {
    if current == latest {
        format!("haul {current} is up to date")
    } else {
        format!("haul {current} is newer than the latest release ({latest}); nothing to do")
    }
}
