//! Real archives, built in memory by the tests, in every format haul unpacks.

use std::io::Write;

/// One file in an archive.
pub struct Entry<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
    pub executable: bool,
}

pub fn exe<'a>(path: &'a str, bytes: &'a [u8]) -> Entry<'a> {
    Entry {
        path,
        bytes,
        executable: true,
    }
}

pub fn file<'a>(path: &'a str, bytes: &'a [u8]) -> Entry<'a> {
    Entry {
        path,
        bytes,
        executable: false,
    }
}

pub fn tar(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(entry.bytes.len() as u64);
        header.set_mode(if entry.executable { 0o755 } else { 0o644 });
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, entry.path, entry.bytes)
            .expect("tar entry");
    }
    builder.into_inner().expect("tar")
}

/// A tar whose first entry has a raw name that tar writers refuse, such as `../evil`.
pub fn tar_with_raw_name(raw_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    {
        let name = &mut header.as_old_mut().name;
        name[..raw_name.len()].copy_from_slice(raw_name.as_bytes());
    }
    header.set_size(bytes.len() as u64);
    header.set_mode(0o755);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(bytes);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.extend_from_slice(&[0; 1024]);
    out
}

/// A tar holding a symbolic link.
pub fn tar_with_symlink(name: &str, target: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    header.set_mode(0o777);
    builder
        .append_link(&mut header, name, target)
        .expect("symlink entry");
    builder.into_inner().expect("tar")
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

pub fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer =
        lzma_rust2::XzWriter::new(&mut out, lzma_rust2::XzOptions::with_preset(1)).expect("xz");
    writer.write_all(bytes).expect("xz");
    writer.finish().expect("xz");
    out
}

pub fn zst(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

pub fn bz2(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    encoder.write_all(bytes).expect("bzip2");
    encoder.finish().expect("bzip2")
}

pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(if entry.executable { 0o755 } else { 0o644 });
        writer.start_file(entry.path, options).expect("zip entry");
        writer.write_all(entry.bytes).expect("zip data");
    }
    writer.finish().expect("zip").into_inner()
}
