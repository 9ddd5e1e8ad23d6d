//! Zip archives, read from the finished download (the index is at the end).
//!
//! The index is checked before anything is written: the number of entries, the total size they
//! claim, and each entry's claimed expansion. Then every entry is read no further than the size
//! the index gives it.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Result;
use fs_err as fs;

use super::limits::{
    Budget, MAX_PATH_BYTES, MAX_ZIP_RATIO, Needs, RATIO_FLOOR, too_large, too_many_entries,
};
use super::tree::Tree;
use super::{broken, bytes_to_path, make_executable};

pub(super) fn unpack(path: &Path, tree: &mut Tree<'_>, budget: &mut Budget<'_>) -> Result<()> {
    let asset = budget.asset;
    let bad = |err: zip::result::ZipError| broken(asset, &std::io::Error::other(err));
    let file = fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(bad)?;
    if archive.len() as u64 > budget.limits.max_entries {
        return Err(too_many_entries(asset, budget.limits).into());
    }

    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(bad)?;
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_ZIP_RATIO {
            let name = PathBuf::from(entry.name().map_err(bad)?.into_owned());
            return Err(tree.refuse(
                &name,
                format!(
                    "it claims to expand {}-fold ({packed} bytes to {size}), as zip bombs do",
                    size / packed.max(1)
                ),
            ));
        }
        declared = declared.saturating_add(size);
    }
    if declared > budget.limits.max_unpacked_size {
        return Err(too_large(asset, budget.limits, Needs::Exactly(declared)).into());
    }

    for index in 0..archive.len() {
        budget.entry()?;
        let mut entry = archive.by_index(index).map_err(bad)?;
        let raw = PathBuf::from(entry.name().map_err(bad)?.replace('\\', "/"));
        let rel = tree.relative(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        if entry.is_dir() {
            tree.dir(&rel, &raw)?;
        } else if entry.is_symlink() {
            let mut target = Vec::new();
            (&mut entry)
                .take(MAX_PATH_BYTES + 1)
                .read_to_end(&mut target)
                .map_err(|e| broken(asset, &e))?;
            let target = bytes_to_path(&target)
                .ok_or_else(|| tree.refuse(&raw, "its link target is not UTF-8"))?;
            tree.symlink(&rel, &target, &raw)?;
        } else {
            let size = entry.size();
            budget.fits(size)?;
            let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
            let mut out = tree.create_file(&rel, &raw)?;
            let written = budget.copy(&mut (&mut entry).take(size.saturating_add(1)), &mut out)?;
            if written > size {
                return Err(tree.refuse(&raw, "it holds more than the archive's index says"));
            }
            if executable {
                make_executable(out.file())?;
            }
        }
    }
    tree.check_links()
}
