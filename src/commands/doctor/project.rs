//! What `haul doctor` finds wrong with the project it runs in (the nearest `haul.toml`): what
//! `haul sync --frozen`, `haul exec` and `haul which` there would stop at. Read only.

use crate::commands::sync::{NotStored, OTHER_FILES_HINT, not_stored};
use crate::context::Context;
use crate::project::{Lock, Project};
use crate::store::record::Record;

/// The project's problems, each with what to do; none outside a project.
pub fn problems(ctx: &Context, records: &[Record]) -> Vec<(String, String)> {
    // Another user's haul.toml above (in a shared `/tmp`, say) is no project, and no problem of
    // this user's: `which` and `exec` leave it alone too.
    let Some(dir) = crate::project::find(&ctx.settings.cwd) else {
        return Vec::new();
    };
    let project = match Project::open(&dir) {
        Ok(project) => project,
        Err(err) => {
            let report = crate::error::Report::of(&err);
            return vec![(
                format!(
                    "the project in `{}` cannot be read: {}",
                    dir.display(),
                    report.one_line()
                ),
                report.hint.unwrap_or_else(|| {
                    "correct haul.toml, or run `haul lock` to write haul.lock again".to_owned()
                }),
            )];
        }
    };
    let Some(lock) = &project.lock else {
        return vec![(
            format!("the project in `{}` has no haul.lock", dir.display()),
            "`haul lock` writes it (and `haul sync` too); commit it".to_owned(),
        )];
    };
    let Ok(catalog) = ctx.catalog() else {
        // The config file's error is reported on its own.
        return Vec::new();
    };
    let differences = lock.differences(
        project.manifest.wanted(),
        project.manifest.platforms(),
        &crate::commands::lock::expected_of(&catalog),
    );
    if !differences.is_empty() {
        let err = crate::project::lock::not_current(&differences);
        return vec![(
            format!(
                "in `{}`, {}",
                dir.display(),
                crate::error::Report::of(&err.into()).one_line()
            ),
            "`haul lock` writes haul.lock again from haul.toml (so does `haul sync`; `haul sync --frozen` refuses it until then); commit it".to_owned(),
        )];
    }
    not_installed(&project, lock, &catalog, records)
}

/// The tools haul.lock pins for this platform with no stored copy of exactly those files.
fn not_installed(
    project: &Project,
    lock: &Lock,
    catalog: &crate::catalog::Catalog,
    records: &[Record],
) -> Vec<(String, String)> {
    let platform = crate::platform::host::platform();
    let bin_dir = project.bin_dir().ok().flatten();
    let mut out = Vec::new();
    for locked in &lock.tools {
        let record = records.iter().find(|r| r.name == locked.name);
        let wanted = locked.wanted_bins(catalog);
        if record.is_some_and(|r| {
            locked
                .stored_key(r, platform, bin_dir.as_deref(), &wanted)
                .is_some()
        }) {
            continue;
        }
        let version = locked
            .tag_version()
            .map_or_else(|| locked.tag.clone(), |v| v.to_string());
        let dir = project.dir.display();
        out.push(match not_stored(locked, record, platform) {
            // No files for this platform: `haul sync` stops there, saying why.
            NotStored::NoBuild(err) => {
                let report = crate::error::Report::of(&err.into());
                (
                    format!("in `{dir}`, {}", report.one_line()),
                    report.hint.unwrap_or_default(),
                )
            }
            NotStored::OtherFiles => (
                format!(
                    "in `{dir}`, `{}` {version} (as haul.lock pins it) is not installed: the copy stored is of other files (their SHA-256 differ)",
                    locked.key
                ),
                OTHER_FILES_HINT.to_owned(),
            ),
            NotStored::Missing => (
                format!(
                    "in `{dir}`, `{}` {version} (as haul.lock pins it) is not installed",
                    locked.key
                ),
                "`haul sync` installs it".to_owned(),
            ),
        });
    }
    out
}
