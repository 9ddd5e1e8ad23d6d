//! Tar archives, read as a stream.
//!
//! The tar crate is used in raw mode: haul reads GNU long names and pax headers itself, so each
//! is bounded in size before it is read into memory (the crate would read any size), and a pax
//! `size` that disagrees with the header is refused rather than guessed at.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::limits::{Budget, MAX_PATH_BYTES, MAX_PAX_BYTES};
use super::tree::Tree;
use super::{broken, bytes_to_path, make_executable};

/// Names and sizes that extension headers give the member after them.
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<Pax>,
}

#[derive(Default)]
struct Pax {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
}

pub(super) fn unpack(
    reader: impl Read,
    tree: &mut Tree<'_>,
    budget: &mut Budget<'_>,
) -> Result<()> {
    let asset = budget.asset;
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| broken(asset, &e))?.raw(true);
    let mut pending = Pending::default();
    for entry in entries {
        let mut entry = entry.map_err(|e| broken(asset, &e))?;
        let kind = entry.header().entry_type();
        if kind.is_gnu_longname() || kind.is_gnu_longlink() || kind.is_pax_local_extensions() {
            let (slot_taken, cap) = if kind.is_gnu_longname() {
                (pending.long_name.is_some(), MAX_PATH_BYTES + 1)
            } else if kind.is_gnu_longlink() {
                (pending.long_link.is_some(), MAX_PATH_BYTES + 1)
            } else {
                (pending.pax.is_some(), MAX_PAX_BYTES)
            };
            let what = bytes_to_path(&entry.header().path_bytes()).unwrap_or_default();
            if slot_taken {
                return Err(tree.refuse(&what, "two extension headers describe the same member"));
            }
            if entry.size() > cap {
                return Err(tree.refuse(&what, "its extension header is too large"));
            }
            let mut data = Vec::new();
            entry
                .read_to_end(&mut data)
                .map_err(|e| broken(asset, &e))?;
            if kind.is_gnu_longname() {
                pending.long_name = Some(trim_nul(data));
            } else if kind.is_gnu_longlink() {
                pending.long_link = Some(trim_nul(data));
            } else {
                pending.pax = Some(read_pax(&data, tree, &what, asset)?);
            }
            continue;
        }

        budget.entry()?;
        if kind.is_pax_global_extensions() {
            // Defaults for the whole archive (times, owners): nothing haul uses. The crate
            // skips its data without keeping it.
            continue;
        }
        let pending = std::mem::take(&mut pending);
        let pax = pending.pax.unwrap_or_default();
        let name_bytes = pax
            .path
            .or(pending.long_name)
            .unwrap_or_else(|| entry.header().path_bytes().into_owned());
        let raw = path_from(&name_bytes, tree)?;
        if let Some(size) = pax.size
            && size != entry.size()
        {
            return Err(tree.refuse(&raw, "its pax size disagrees with its header"));
        }
        let rel = tree.relative(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        if kind.is_gnu_sparse() {
            return Err(tree.refuse(&raw, "sparse files are not supported"));
        }
        if kind.is_dir() {
            tree.dir(&rel, &raw)?;
        } else if kind.is_symlink() || kind.is_hard_link() {
            let link_bytes = pax
                .link
                .or(pending.long_link)
                .or_else(|| {
                    entry
                        .header()
                        .link_name_bytes()
                        .map(std::borrow::Cow::into_owned)
                })
                .unwrap_or_default();
            let link = path_from(&link_bytes, tree)?;
            if kind.is_symlink() {
                tree.symlink(&rel, &link, &raw)?;
            } else {
                tree.hard_link(&rel, &link, &raw, budget)?;
            }
        } else if kind.is_file() || kind.is_contiguous() {
            budget.fits(entry.size())?;
            let mut file = tree.create_file(&rel, &raw)?;
            budget.copy(&mut entry, &mut file)?;
            let mode = entry.header().mode().unwrap_or(0o644);
            if mode & 0o111 != 0 {
                make_executable(file.file())?;
            }
        }
        // Devices, fifos and other special entries have no place in a tool's files.
    }
    Ok(())
}

fn trim_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    bytes
}

fn path_from(bytes: &[u8], tree: &Tree<'_>) -> Result<PathBuf> {
    bytes_to_path(bytes).ok_or_else(|| {
        tree.refuse(
            Path::new(&String::from_utf8_lossy(bytes).into_owned()),
            "its name is not UTF-8",
        )
    })
}

fn read_pax(data: &[u8], tree: &Tree<'_>, what: &Path, asset: &str) -> Result<Pax> {
    let mut pax = Pax::default();
    for extension in tar::PaxExtensions::new(data) {
        let extension = extension.map_err(|e| broken(asset, &e))?;
        let key = extension.key_bytes();
        let value = extension.value_bytes();
        match key {
            b"path" => pax.path = Some(value.to_vec()),
            b"linkpath" => pax.link = Some(value.to_vec()),
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| tree.refuse(what, "its pax size is not a number"))?;
                pax.size = Some(size);
            }
            key if key.starts_with(b"GNU.sparse.") => {
                return Err(tree.refuse(what, "sparse files are not supported"));
            }
            _ => {}
        }
    }
    Ok(pax)
}
