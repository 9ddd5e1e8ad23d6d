//! `haul cache dir` and `haul cache clean [--all]`: where downloads are kept, and emptying it.
//! Downloads of stored versions stay unless `--all` says otherwise (a reinstall or rollback
//! then needs no network).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::CacheCommand;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::resolve;
use crate::store::record::Record;
use crate::units::size;

pub fn cache(command: &CacheCommand, ctx: &Context) -> Result<ExitCode> {
    let dir = &ctx.settings.paths.cache_dir;
    match command {
        CacheCommand::Dir(_) => {
            ctx.printer.data(&dir.display().to_string());
        }
        CacheCommand::Clean(args) => {
            let keep = if args.all {
                BTreeSet::new()
            } else {
                kept_downloads(&ctx.store.records()?.ok)
            };
            let mut freed = 0;
            let mut failed = Vec::new();
            for (path, bytes) in removable(ctx, &keep) {
                match remove(&path) {
                    Ok(()) => freed += bytes,
                    Err(err) => failed.push(not_removed(&path, &err)),
                }
            }
            ctx.printer.status(
                "Cleaned",
                &format!("{} from `{}`", size(freed), dir.display()),
            );
            if !failed.is_empty() {
                return Err(UserError::new(format!(
                    "{} of the cache could not be removed",
                    crate::units::count(failed.len(), "item")
                ))
                .caused_by(failed.join("\n"))
                .hint("check that the cache dir is yours and writable (`haul cache dir`), then run `haul cache clean` again")
                .into());
            }
        }
    }
    Ok(ExitCode::Success)
}

/// Why `path` could not be removed, as one line.
pub fn not_removed(path: &Path, err: &std::io::Error) -> String {
    format!("`{}`: {err}", path.display())
}

/// The download directories (relative to `downloads/`) of every stored version.
pub fn kept_downloads(records: &[Record]) -> BTreeSet<PathBuf> {
    records
        .iter()
        .flat_map(|r| {
            r.versions
                .values()
                .map(|v| resolve::cache_dir_of(&r.identity.source, &v.tag, &v.platform))
        })
        .collect()
}

/// What in the cache is not kept: each release's download directory not in `keep`, and the
/// API answers. With its size. Only what haul puts there: anything else in the cache dir (it
/// may be a directory of the user's choosing) stays.
pub fn removable(ctx: &Context, keep: &BTreeSet<PathBuf>) -> Vec<(PathBuf, u64)> {
    let cache = &ctx.settings.paths.cache_dir;
    let downloads = ctx.downloads_dir();
    let mut out = Vec::new();
    let api = cache.join(crate::fetch::API_CACHE_DIR);
    if api.is_dir() {
        out.push(api);
    }
    // downloads/github/OWNER/REPO/TAG and downloads/catalog/NAME/PLATFORM/TAG.
    for release in release_dirs(&downloads) {
        let rel = release.strip_prefix(&downloads).unwrap_or(&release);
        if !keep.contains(rel) && !keep.contains(&resolve::cache_dir_as_kept(rel)) {
            out.push(release);
            continue;
        }
        // What a haul stopped mid-write left in a kept directory (`.tmp…` files, never a
        // download).
        let leftovers = std::fs::read_dir(&release).into_iter().flatten().flatten();
        out.extend(
            leftovers
                .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
                .map(|e| e.path()),
        );
    }
    out.into_iter()
        .map(|p| {
            let bytes = crate::commands::doctor::size_of(&p);
            (p, bytes)
        })
        .collect()
}

/// The release directories under `downloads`, four levels down. A symbolic link (or a
/// junction), `downloads` itself included, is never followed: haul makes none there, and one
/// planted (a restored CI cache) would have cleaning delete what it points at.
fn release_dirs(downloads: &Path) -> Vec<PathBuf> {
    if crate::paths::is_link(downloads) {
        return Vec::new();
    }
    let mut level = vec![downloads.to_path_buf()];
    for _ in 0..4 {
        level = level.iter().flat_map(|d| sub_dirs(d)).collect();
    }
    level
}

/// The directories in `dir`, links to directories left out.
fn sub_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Remove a directory (with what it holds) or a file of the cache; one already gone is fine.
pub fn remove(path: &Path) -> std::io::Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(err) => Err(err),
    };
    match removed {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
