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

/// Deflated, and dated 1980-01-01 (zip's own default is the time of writing where its `time`
/// feature is on, as on Windows): the same entries make the same bytes.
fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
}

pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        let options = zip_options().unix_permissions(if entry.executable { 0o755 } else { 0o644 });
        writer.start_file(entry.path, options).expect("zip entry");
        writer.write_all(entry.bytes).expect("zip data");
    }
    writer.finish().expect("zip").into_inner()
}

/// One member of a hand-built tar, hostile ones included.
pub enum Member<'a> {
    File {
        path: &'a str,
        bytes: &'a [u8],
        mode: u32,
    },
    Symlink {
        path: &'a str,
        target: &'a str,
    },
    HardLink {
        path: &'a str,
        target: &'a str,
    },
}

/// A tar of `members`; link targets are written as given (`..`, absolute, through links).
pub fn tar_members(members: &[Member]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for member in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(0);
        match member {
            Member::File { path, bytes, mode } => {
                header.set_size(bytes.len() as u64);
                header.set_mode(*mode);
                header.set_entry_type(tar::EntryType::Regular);
                builder.append_data(&mut header, path, *bytes)
            }
            Member::Symlink { path, target } | Member::HardLink { path, target } => {
                let kind = if matches!(member, Member::Symlink { .. }) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                };
                header.set_entry_type(kind);
                header.set_mode(0o777);
                builder.append_link(&mut header, path, target)
            }
        }
        .expect("tar member");
    }
    builder.into_inner().expect("tar")
}

/// A tar whose only header says the file is `size` bytes long, with none of them following.
pub fn tar_claiming_size(path: &str, size: u64) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_path(path).expect("path");
    header.set_size(size);
    header.set_mode(0o755);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    header.as_bytes().to_vec()
}

/// A zip of `entries` followed by symbolic links (`name`, `target`).
pub fn zip_with_links(entries: &[Entry], links: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip_options();
    for entry in entries {
        let mode = if entry.executable { 0o755 } else { 0o644 };
        writer
            .start_file(entry.path, options.unix_permissions(mode))
            .expect("zip entry");
        writer.write_all(entry.bytes).expect("zip data");
    }
    for (name, target) in links {
        writer
            .add_symlink(*name, *target, options)
            .expect("zip link");
    }
    writer.finish().expect("zip").into_inner()
}

/// A zip (zip64: more than 65,535 entries) of `files` followed by `empty` empty files, built by
/// hand: the zip writer takes seconds for 100,000 entries in a debug build.
pub fn zip_with_empty_files(files: &[Entry], empty: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let names: Vec<String> = (0..empty).map(|i| format!("empty/{i}")).collect();
    let all = files
        .iter()
        .map(|e| (e.path, e.bytes, e.executable))
        .chain(names.iter().map(|n| (n.as_str(), &[][..], false)));
    let mut count: u64 = 0;
    for (path, bytes, executable) in all {
        let offset = u32::try_from(out.len()).expect("small zip");
        let (crc, size) = (
            crc32(bytes),
            u32::try_from(bytes.len()).expect("small file"),
        );
        let name_len = u16::try_from(path.len()).expect("short name");
        // Local header: stored, no extra field.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend([0u8; 6]); // flags, method (stored), time
        out.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(path.as_bytes());
        out.extend(bytes);
        // Central directory header, made on Unix with the file's mode.
        let mode: u32 = if executable { 0o100_755 } else { 0o100_644 };
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(0x031eu16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend([0u8; 6]);
        central.extend(0x21u16.to_le_bytes());
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 8]); // extra, comment, disk, internal attributes
        central.extend((mode << 16).to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(path.as_bytes());
        count += 1;
    }
    let (cd_offset, cd_size) = (out.len() as u64, central.len() as u64);
    out.extend(central);
    let eocd64 = out.len() as u64;
    out.extend(0x0606_4b50u32.to_le_bytes());
    out.extend(44u64.to_le_bytes());
    out.extend(0x031eu16.to_le_bytes());
    out.extend(45u16.to_le_bytes());
    out.extend([0u8; 8]); // this disk, the directory's disk
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0x0706_4b50u32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(eocd64.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend([0xffu8; 4]);
    out.extend(u32::MAX.to_le_bytes());
    out.extend(u32::MAX.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// CRC-32 (IEEE), bit by bit: the tests' files are small.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The SHA-512 of `bytes`, as lowercase hex.
pub fn sha512_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha512::digest(bytes))
}
