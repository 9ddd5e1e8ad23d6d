//! Reading the one thing haul needs from a Linux executable: the dynamic loader it asks for.
//!
//! A build linked against glibc names `ld-linux-*.so` as its interpreter and cannot start on a
//! musl system (Alpine), whatever its file name says. Pure: works on the file's first bytes.

const PT_INTERP: u64 = 3;

/// The ELF program interpreter (`PT_INTERP`), when `head` is the start of a dynamically linked
/// ELF file and the interpreter lies within it.
pub fn interpreter(head: &[u8]) -> Option<String> {
    if head.len() < 0x34 || &head[..4] != b"\x7fELF" {
        return None;
    }
    let wide = match head[4] {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match head[5] {
        1 => true,
        2 => false,
        _ => return None,
    };
    let read = |at: usize, len: usize| -> Option<u64> {
        let bytes = head.get(at..at + len)?;
        let mut value: u64 = 0;
        for i in 0..len {
            let byte = if little { bytes[len - 1 - i] } else { bytes[i] };
            value = (value << 8) | u64::from(byte);
        }
        Some(value)
    };
    let word = if wide { 8 } else { 4 };
    let (phoff, phentsize, phnum) = if wide {
        (read(0x20, 8)?, read(0x36, 2)?, read(0x38, 2)?)
    } else {
        (read(0x1c, 4)?, read(0x2a, 2)?, read(0x2c, 2)?)
    };
    let phoff = usize::try_from(phoff).ok()?;
    let phentsize = usize::try_from(phentsize).ok()?;
    for index in 0..usize::try_from(phnum).ok()? {
        let entry = phoff.checked_add(index.checked_mul(phentsize)?)?;
        if read(entry, 4)? != PT_INTERP {
            continue;
        }
        // 64-bit: p_type, p_flags, p_offset; 32-bit: p_type, p_offset, …, p_filesz at +16.
        let (offset, size) = if wide {
            (read(entry + 8, word)?, read(entry + 32, word)?)
        } else {
            (read(entry + 4, word)?, read(entry + 16, word)?)
        };
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let text = head.get(start..end)?;
        let text = text.split(|b| *b == 0).next().unwrap_or(text);
        return Some(String::from_utf8_lossy(text).into_owned());
    }
    None
}

/// Whether an interpreter path is glibc's loader (`/lib64/ld-linux-x86-64.so.2`,
/// `/lib/ld-linux-aarch64.so.1`, `/lib/ld-linux-armhf.so.3`, `/lib/ld-linux.so.2`).
pub fn is_glibc_loader(interpreter: &str) -> bool {
    interpreter
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("ld-linux"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF file with one program header, `PT_INTERP` pointing at `interp`.
    fn elf(wide: bool, little: bool, interp: &str) -> Vec<u8> {
        let mut out = vec![0u8; 0x200];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = if wide { 2 } else { 1 };
        out[5] = if little { 1 } else { 2 };
        let put = |out: &mut Vec<u8>, at: usize, len: usize, value: u64| {
            for i in 0..len {
                let byte = ((value >> (8 * i)) & 0xff) as u8;
                let pos = if little { at + i } else { at + len - 1 - i };
                out[pos] = byte;
            }
        };
        let phoff = 0x40;
        let data = 0x100;
        if wide {
            put(&mut out, 0x20, 8, phoff);
            put(&mut out, 0x36, 2, 56);
            put(&mut out, 0x38, 2, 1);
            put(&mut out, 0x40, 4, 3);
            put(&mut out, 0x48, 8, data);
            put(&mut out, 0x60, 8, interp.len() as u64 + 1);
        } else {
            put(&mut out, 0x1c, 4, phoff);
            put(&mut out, 0x2a, 2, 32);
            put(&mut out, 0x2c, 2, 1);
            put(&mut out, 0x40, 4, 3);
            put(&mut out, 0x44, 4, data);
            put(&mut out, 0x50, 4, interp.len() as u64 + 1);
        }
        let start = usize::try_from(data).unwrap();
        out[start..start + interp.len()].copy_from_slice(interp.as_bytes());
        out
    }

    #[test]
    fn reads_the_interpreter_of_every_layout() {
        for (wide, little) in [(true, true), (true, false), (false, true), (false, false)] {
            let file = elf(wide, little, "/lib64/ld-linux-x86-64.so.2");
            assert_eq!(
                interpreter(&file).as_deref(),
                Some("/lib64/ld-linux-x86-64.so.2"),
                "wide={wide} little={little}"
            );
        }
    }

    #[test]
    fn static_files_and_other_formats_have_none() {
        let mut file = elf(true, true, "x");
        file[0x40] = 1; // PT_LOAD instead of PT_INTERP
        assert_eq!(interpreter(&file), None);
        assert_eq!(interpreter(b"#!/bin/sh\necho hi\n"), None);
        assert_eq!(interpreter(b"MZ\x90\x00"), None);
        assert_eq!(interpreter(&[0x7f, b'E', b'L', b'F']), None);
    }

    #[test]
    fn this_test_binary_reads_like_its_build() {
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let Ok(bytes) = std::fs::read(exe) else {
            return;
        };
        let head = &bytes[..bytes.len().min(64 * 1024)];
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert!(interpreter(head).is_some_and(|i| is_glibc_loader(&i)));
        }
        if cfg!(all(target_os = "linux", target_env = "musl")) {
            assert!(!interpreter(head).is_some_and(|i| is_glibc_loader(&i)));
        }
    }

    #[test]
    fn glibc_loaders() {
        assert!(is_glibc_loader("/lib64/ld-linux-x86-64.so.2"));
        assert!(is_glibc_loader("/lib/ld-linux-aarch64.so.1"));
        assert!(is_glibc_loader("/lib/ld-linux.so.2"));
        assert!(!is_glibc_loader("/lib/ld-musl-x86_64.so.1"));
    }
}
