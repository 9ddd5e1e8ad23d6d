//! The platform haul runs on, detected at run time where the compile-time target can be wrong:
//! a static (musl) haul on a glibc system, any haul on a musl system (Alpine), and an `x86_64`
//! haul under Rosetta 2 on an Apple silicon Mac.

use crate::platform::{Arch, Libc, Os, Platform};

pub fn platform() -> Platform {
    let os = if cfg!(target_os = "macos") {
        Os::MacOs
    } else if cfg!(windows) {
        Os::Windows
    } else if cfg!(target_os = "freebsd") {
        Os::FreeBsd
    } else {
        Os::Linux
    };
    let arch = if cfg!(target_arch = "aarch64") || rosetta() {
        Arch::Aarch64
    } else if cfg!(target_arch = "arm") {
        Arch::Armv7
    } else if cfg!(target_arch = "x86") {
        Arch::I686
    } else {
        Arch::X86_64
    };
    let libc = (os == Os::Linux).then(|| linux_libc(arch));
    Platform { os, arch, libc }
}

/// glibc when its dynamic loader is present; otherwise musl, whose static builds run anywhere
/// (Alpine, distroless and scratch images have no glibc).
fn linux_libc(arch: Arch) -> Libc {
    let loaders: &[&str] = match arch {
        Arch::X86_64 => &[
            "/lib64/ld-linux-x86-64.so.2",
            "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        ],
        Arch::Aarch64 => &[
            "/lib/ld-linux-aarch64.so.1",
            "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
        ],
        Arch::Armv7 => &[
            "/lib/ld-linux-armhf.so.3",
            "/lib/arm-linux-gnueabihf/ld-linux-armhf.so.3",
        ],
        Arch::I686 => &["/lib/ld-linux.so.2", "/lib/i386-linux-gnu/ld-linux.so.2"],
    };
    if loaders
        .iter()
        .any(|path| std::path::Path::new(path).exists())
    {
        Libc::Gnu
    } else {
        Libc::Musl
    }
}

/// Whether this (x86_64) process runs translated by Rosetta 2 on an arm64 Mac.
#[cfg(all(target_os = "macos", target_arch = "x86_64"))]
fn rosetta() -> bool {
    std::process::Command::new("/usr/sbin/sysctl")
        .args(["-n", "sysctl.proc_translated"])
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"1")
}

#[cfg(not(all(target_os = "macos", target_arch = "x86_64")))]
fn rosetta() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_this_machine() {
        let host = platform();
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        {
            assert_eq!(host.os, Os::Linux);
            assert_eq!(host.arch, Arch::X86_64);
            let glibc = std::path::Path::new("/lib64/ld-linux-x86-64.so.2").exists();
            assert_eq!(host.libc, Some(if glibc { Libc::Gnu } else { Libc::Musl }));
        }
        #[cfg(windows)]
        assert_eq!(host.os, Os::Windows);
        assert!(Platform::NAMED.iter().any(|p| p.os == host.os));
    }
}
