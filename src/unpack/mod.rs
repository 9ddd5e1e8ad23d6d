//! Unpacking downloads into a staging directory, and finding the executables in it.
//!
//! Archives are read as streams (except zip, which needs its index at the end), so unpacking
//! runs while the download is still arriving. Writes only inside the directory it is given:
//! entries that would land outside it (absolute paths, `..`), links that lead outside (also
//! through other links), hard links to anything but a file unpacked before them, and writes
//! through links are refused, and nothing here follows a link (see [`tree`]). What a download
//! may unpack to is bounded by [`Limits`]; every error names the asset.

pub mod elf;
pub mod executables;
pub mod limits;
mod tar_stream;
mod tree;
mod zip_file;

pub use crate::format::Format;
pub use limits::Limits;

use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use anyhow::Result;
use fs_err as fs;

use crate::error::UserError;
use limits::{Budget, Capped, Needs, too_large};
use tree::Tree;

/// The most memory an xz stream may make haul set aside for its dictionary, which its header
/// declares: xz's own presets use at most 64 MiB, and a 150 KiB download declaring 3 GiB must
/// not take 3 GiB (up to 16 downloads unpack at once). The same bound as zstd's window.
const XZ_MEMORY_LIMIT_KIB: u32 = 128 * 1024;

/// Decompress `reader` according to `format` (not for zip).
fn decoder<'a>(
    format: Format,
    reader: impl BufRead + 'a,
    asset: &str,
) -> Result<Box<dyn Read + 'a>> {
    Ok(match format {
        Format::TarGz | Format::Gz => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Format::TarXz | Format::Xz => Box::new(XzReader(lzma_rust2::XzReader::new_mem_limit(
            reader,
            true,
            XZ_MEMORY_LIMIT_KIB,
        ))),
        Format::TarZst | Format::Zst => Box::new(ZstdReader::new(reader, asset)?),
        Format::TarBz2 | Format::Bz2 => Box::new(bzip2::bufread::MultiBzDecoder::new(reader)),
        Format::Tar | Format::Bare => Box::new(reader),
        Format::Zip => anyhow::bail!("zip archives are unpacked from a file"),
    })
}

/// Unpack the download `asset`, arriving on `reader`, into `dest` (an existing, empty
/// directory). A download that is a single file is written as `dest/single_name`.
///
/// The input is always read to its end, also after an error (the error is returned once the
/// input is exhausted): whoever feeds the reader, hashing as it goes, can finish the download,
/// compare its checksum and report a mismatch rather than the damage it caused here.
pub fn unpack_stream(
    format: Format,
    mut reader: impl BufRead,
    dest: &Path,
    asset: &str,
    single_name: &str,
    limits: &Limits,
) -> Result<()> {
    let result = unpack_decoded(format, &mut reader, dest, asset, single_name, *limits);
    let drained = io::copy(&mut reader, &mut io::sink());
    result?;
    drained.map_err(|err| broken(asset, &err))?;
    Ok(())
}

fn unpack_decoded(
    format: Format,
    reader: &mut impl BufRead,
    dest: &Path,
    asset: &str,
    single_name: &str,
    limits: Limits,
) -> Result<()> {
    let (mut decoded, tripped) =
        Capped::new(decoder(format, reader, asset)?, limits.max_unpacked_size);
    let mut budget = Budget::new(limits, asset);
    let mut tree = Tree::new(dest, asset, limits);
    let result = if format.is_single_file() {
        unpack_single(&mut decoded, &mut tree, &mut budget, single_name)
    } else {
        tar_stream::unpack(&mut decoded, &mut tree, &mut budget)
            // Trailing padding after the end-of-archive marker still belongs to the download.
            .and_then(|()| {
                io::copy(&mut decoded, &mut io::sink()).map_err(|err| broken(asset, &err))
            })
            .and_then(|_| tree.check_links())
    };
    // The decoder's or the parser's error may hide that the size limit stopped it.
    if tripped.get() {
        let needs = Needs::AtLeast(limits.max_unpacked_size.saturating_add(1));
        return Err(too_large(asset, limits, needs).into());
    }
    result.and_then(|()| tree.sync())
}

fn unpack_single(
    decoded: &mut dyn Read,
    tree: &mut Tree<'_>,
    budget: &mut Budget<'_>,
    single_name: &str,
) -> Result<()> {
    budget.entry()?;
    let name = Path::new(single_name);
    let rel = tree.relative(name)?;
    let mut file = tree.create_file(&rel, name)?;
    budget.copy(decoded, &mut file)?;
    make_executable(file.file())
}

/// Unpack the file at `path`, the download `asset` of `format`, into `dest` (an existing,
/// empty directory); `single` names a lone compressed program.
pub fn unpack_file(
    format: Format,
    path: &Path,
    dest: &Path,
    asset: &str,
    single: &str,
    limits: &Limits,
) -> Result<()> {
    if format.needs_whole_file() {
        unpack_zip(path, dest, asset, limits)
    } else {
        unpack_stream(
            format,
            std::io::BufReader::with_capacity(64 * 1024, fs_err::File::open(path)?),
            dest,
            asset,
            single,
            limits,
        )
    }
}

/// Unpack the zip file at `path`, the download `asset`, into `dest` (an existing, empty
/// directory).
pub fn unpack_zip(path: &Path, dest: &Path, asset: &str, limits: &Limits) -> Result<()> {
    let mut budget = Budget::new(*limits, asset);
    let mut tree = Tree::new(dest, asset, *limits);
    zip_file::unpack(path, &mut tree, &mut budget)?;
    tree.sync()
}

pub(crate) fn broken(asset: &str, err: &io::Error) -> anyhow::Error {
    UserError::new(format!(
        "cannot unpack `{asset}`: the download is not a valid archive"
    ))
    .caused_by(err.to_string())
    .into()
}

/// An entry's name or link target from an archive's bytes (on Windows, only UTF-8).
#[cfg_attr(unix, allow(clippy::unnecessary_wraps, reason = "None on Windows"))]
pub(crate) fn bytes_to_path(bytes: &[u8]) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

/// Make the regular file at `path` executable (`chmod +x`; nothing on Windows). Never follows
/// a link: anything but a regular file is an error.
#[cfg(unix)]
pub fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let seen = fs::symlink_metadata(path)?;
    if !seen.file_type().is_file() {
        return Err(UserError::new(format!(
            "refusing to make `{}` executable: it is not a regular file",
            path.display()
        ))
        .into());
    }
    let file = fs::File::open(path)?;
    let opened = file.metadata()?;
    // Opened what was looked at, not something put in its place since.
    if (opened.dev(), opened.ino()) != (seen.dev(), seen.ino()) {
        return Err(UserError::new(format!(
            "refusing to make `{}` executable: it changed while haul looked at it",
            path.display()
        ))
        .into());
    }
    make_executable(&file)
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub fn set_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// `chmod +x` on an open file: no path is looked up, so no link is followed.
#[cfg(unix)]
pub(crate) fn make_executable(file: &fs::File) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut perms = file.metadata()?.permissions();
    perms.set_mode(perms.mode() | 0o755);
    file.set_permissions(perms)?;
    Ok(())
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
pub(crate) fn make_executable(_file: &fs::File) -> Result<()> {
    Ok(())
}

/// zstd allows several frames one after another; ruzstd decodes one at a time.
/// xz with [`XZ_MEMORY_LIMIT_KIB`], saying so when a stream asks for more.
struct XzReader<R: Read>(lzma_rust2::XzReader<R>);

impl<R: Read> Read for XzReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|err| {
            if err.kind() == io::ErrorKind::OutOfMemory {
                io::Error::new(
                    err.kind(),
                    format!(
                        "its xz header asks for more than {} MiB of memory to unpack, more than any xz preset uses",
                        XZ_MEMORY_LIMIT_KIB / 1024
                    ),
                )
            } else {
                err
            }
        })
    }
}

struct ZstdReader<R: BufRead> {
    inner: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> ZstdReader<R> {
    fn new(reader: R, asset: &str) -> Result<Self> {
        let decoder = ruzstd::decoding::StreamingDecoder::new(reader)
            .map_err(|e| broken(asset, &io::Error::other(e)))?;
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
mod fuzz;
#[cfg(test)]
mod tests;
