//! Unpacking downloads into a staging directory, and finding the executables in it.
//!
//! Archives are read as streams (except zip, which needs its index at the end), so unpacking
//! runs while the download is still arriving. Entries that would land outside the target
//! directory (absolute paths, `..`, links pointing out, writes through links) are refused.
//! Writes only inside the directory it is given.

pub mod elf;
pub mod executables;
pub mod format;

pub use format::Format;

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use fs_err as fs;

use crate::error::UserError;

/// Decompress `reader` according to `format` (not for zip).
fn decoder<'a>(format: Format, reader: impl BufRead + 'a) -> Result<Box<dyn Read + 'a>> {
    Ok(match format {
        Format::TarGz | Format::Gz => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Format::TarXz | Format::Xz => Box::new(lzma_rust2::XzReader::new(reader, true)),
        Format::TarZst | Format::Zst => Box::new(ZstdReader::new(reader)?),
        Format::TarBz2 | Format::Bz2 => Box::new(bzip2::bufread::MultiBzDecoder::new(reader)),
        Format::Tar | Format::Bare => Box::new(reader),
        Format::Zip => anyhow::bail!("zip archives are unpacked from a file"),
    })
}

/// Unpack a stream into `dest`. A single file is written as `dest/single_name`. The stream is
/// read to its end, so whoever feeds it sees every byte consumed.
pub fn unpack_stream(
    format: Format,
    reader: impl Read,
    dest: &Path,
    single_name: &str,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    {
        let mut decoded = decoder(format, &mut reader)?;
        if format.is_single_file() {
            let path = dest.join(single_name);
            let mut file = fs::File::create(&path)?;
            io::copy(&mut decoded, &mut file).map_err(|err| broken(single_name, &err))?;
            set_executable(&path)?;
        } else {
            unpack_tar(&mut decoded, dest)?;
            // Trailing padding after the end-of-archive marker still belongs to the download.
            io::copy(&mut decoded, &mut io::sink()).map_err(|err| broken("archive", &err))?;
        }
    }
    io::copy(&mut reader, &mut io::sink())?;
    Ok(())
}

fn broken(what: &str, err: &io::Error) -> anyhow::Error {
    UserError::new(format!(
        "cannot unpack `{what}`: the download is not a valid archive"
    ))
    .caused_by(err.to_string())
    .into()
}

fn unpack_tar(reader: impl Read, dest: &Path) -> Result<()> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| broken("archive", &e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| broken("archive", &e))?;
        let raw = entry
            .path()
            .map_err(|e| broken("archive", &e))?
            .into_owned();
        let rel = safe_relative(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&rel);
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            create_dirs(dest, &rel)?;
        } else if kind.is_symlink() || kind.is_hard_link() {
            let link = entry
                .link_name()
                .map_err(|e| broken("archive", &e))?
                .ok_or_else(|| escape(&raw, "a link without a target"))?
                .into_owned();
            prepare_parent(dest, &rel)?;
            if kind.is_symlink() {
                make_symlink(dest, &rel, &link)?;
            } else {
                // A hard link names another entry of the archive, relative to its root.
                let source = dest.join(safe_relative(&link)?);
                fs::hard_link(&source, &target)
                    .or_else(|_| fs::copy(&source, &target).map(drop))?;
            }
        } else if kind.is_file() || kind == tar::EntryType::Continuous {
            prepare_parent(dest, &rel)?;
            let mut file = fs::File::create(&target)?;
            io::copy(&mut entry, &mut file).map_err(|e| broken("archive", &e))?;
            let mode = entry.header().mode().unwrap_or(0o644);
            if mode & 0o111 != 0 {
                set_executable(&target)?;
            }
        }
        // Devices, fifos and other special entries have no place in a tool's files.
    }
    Ok(())
}

/// Unpack a zip file into `dest`.
pub fn unpack_zip(path: &Path, dest: &Path) -> Result<()> {
    let file = fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| broken("zip archive", &io::Error::other(e)))?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| broken("zip archive", &io::Error::other(e)))?;
        let name = entry
            .name()
            .map_err(|e| broken("zip archive", &io::Error::other(e)))?
            .replace('\\', "/");
        let raw = PathBuf::from(name);
        let rel = safe_relative(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&rel);
        if entry.is_dir() {
            create_dirs(dest, &rel)?;
        } else if entry.is_symlink() {
            let mut link = String::new();
            entry
                .read_to_string(&mut link)
                .map_err(|e| broken("zip archive", &e))?;
            prepare_parent(dest, &rel)?;
            make_symlink(dest, &rel, Path::new(&link))?;
        } else {
            prepare_parent(dest, &rel)?;
            let mut out = fs::File::create(&target)?;
            io::copy(&mut entry, &mut out).map_err(|e| broken("zip archive", &e))?;
            if entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0) {
                set_executable(&target)?;
            }
        }
    }
    Ok(())
}

fn escape(entry: &Path, why: &str) -> anyhow::Error {
    UserError::new(format!(
        "refusing to unpack archive entry `{}`: {why}",
        entry.display()
    ))
    .hint("the archive tries to write outside its directory; report it to the tool's authors")
    .into()
}

/// The entry's path as a plain relative path, or an error for absolute paths and `..`.
fn safe_relative(path: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(escape(path, "it contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(escape(path, "it is an absolute path"));
            }
        }
    }
    Ok(out)
}

/// Create `rel`'s directories under `root`, never through a link.
fn create_dirs(root: &Path, rel: &Path) -> Result<()> {
    let mut current = root.to_path_buf();
    for part in rel.components() {
        current.push(part);
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(escape(rel, "it would be written through a link"));
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                fs::remove_file(&current)?;
                fs::create_dir(&current)?;
            }
            Err(_) => fs::create_dir(&current)?,
        }
    }
    Ok(())
}

/// Make the parent directories of `rel`, and clear whatever an earlier entry left at `rel`.
fn prepare_parent(root: &Path, rel: &Path) -> Result<()> {
    if let Some(parent) = rel.parent() {
        create_dirs(root, parent)?;
    }
    let target = root.join(rel);
    match std::fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(&target)?,
        Ok(_) => fs::remove_file(&target)?,
        Err(_) => {}
    }
    Ok(())
}

/// A symbolic link whose target stays inside `root`.
fn make_symlink(root: &Path, rel: &Path, link: &Path) -> Result<()> {
    if link.has_root() || matches!(link.components().next(), Some(Component::Prefix(_))) {
        return Err(escape(rel, "it links to an absolute path"));
    }
    // Resolve the link lexically from the entry's directory; it must not climb above root.
    let mut depth: usize = rel.components().count().saturating_sub(1);
    for component in link.components() {
        match component {
            Component::ParentDir => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| escape(rel, "it links outside the archive"))?;
            }
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    symlink(link, &root.join(rel))
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> Result<()> {
    use anyhow::Context as _;
    std::os::unix::fs::symlink(link, at)
        .with_context(|| format!("creating link `{}`", at.display()))
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
fn symlink(_link: &Path, _at: &Path) -> Result<()> {
    // Links need a privilege on Windows; tools' archives do not depend on them there.
    Ok(())
}

#[cfg(unix)]
pub fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut perms = fs::metadata(path)?.permissions();
    perms.set_mode(perms.mode() | 0o755);
    fs::set_permissions(path, perms)?;
    Ok(())
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub fn set_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// zstd allows several frames one after another; ruzstd decodes one at a time.
struct ZstdReader<R: BufRead> {
    inner: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> ZstdReader<R> {
    fn new(reader: R) -> Result<Self> {
        let decoder = ruzstd::decoding::StreamingDecoder::new(reader)
            .map_err(|e| broken("zstd stream", &io::Error::other(e)))?;
        Ok(ZstdReader {
            inner: Some(decoder),
        })
    }
}

impl<R: BufRead> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = self.inner.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some(decoder) = self.inner.take() else {
                return Ok(0);
            };
            let (mut source, frame) = decoder.into_parts();
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.inner = Some(
                ruzstd::decoding::StreamingDecoder::new_with_decoder(source, frame)
                    .map_err(io::Error::other)?,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escaping_paths() {
        assert!(safe_relative(Path::new("../x")).is_err());
        assert!(safe_relative(Path::new("a/../../x")).is_err());
        assert!(safe_relative(Path::new("/etc/passwd")).is_err());
        assert_eq!(
            safe_relative(Path::new("./a/b")).unwrap(),
            PathBuf::from("a/b")
        );
    }

    // Creates symbolic links, which need a privilege on Windows (haul skips them there).
    #[cfg(unix)]
    #[test]
    fn links_must_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        assert!(make_symlink(root, Path::new("a/b/up"), Path::new("../..")).is_ok());
        assert!(make_symlink(root, Path::new("a/b/out"), Path::new("../../..")).is_err());
        assert!(make_symlink(root, Path::new("abs"), Path::new("/etc")).is_err());
        // Writing through a link, even one that points inside, is refused.
        assert!(create_dirs(root, Path::new("a/b/up/c")).is_err());
    }
}
