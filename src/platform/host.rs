//! The platform haul runs on, detected at run time where the compile-time target can be wrong:
//! a static (musl) haul on a glibc system, any haul on a musl system (Alpine), and an `x86_64`
//! haul under Rosetta 2 on an Apple silicon Mac; and, on Linux, what the C runtime offers a
//! dynamically linked program: which loaders exist and which glibc version is installed.

use std::path::Path;

use crate::platform::binary::{self, FileKind, GlibcVersion, Program};
use crate::platform::{Arch, Libc, Os, Platform};

pub fn platform() -> Platform {
    // The host does not change while haul runs; it is looked at once.
    static HOST: std::sync::OnceLock<Platform> = std::sync::OnceLock::new();
    *HOST.get_or_init(detect_platform)
}

fn detect_platform() -> Platform {
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

/// glibc's dynamic loader for `arch`: the path programs ask for, then where Debian-style
/// multiarch systems keep it.
fn glibc_loaders(arch: Arch) -> &'static [&'static str] {
    match arch {
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
    }
}

/// musl's dynamic loader for `arch` (Alpine's, or a glibc system's `musl` package).
fn musl_loader(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "/lib/ld-musl-x86_64.so.1",
        Arch::Aarch64 => "/lib/ld-musl-aarch64.so.1",
        Arch::Armv7 => "/lib/ld-musl-armhf.so.3",
        Arch::I686 => "/lib/ld-musl-i386.so.1",
    }
}

/// glibc when its dynamic loader is present; otherwise musl, whose static builds run anywhere
/// (Alpine, distroless and scratch images have no glibc).
fn linux_libc(arch: Arch) -> Libc {
    if glibc_loaders(arch)
        .iter()
        .any(|path| Path::new(path).exists())
    {
        Libc::Gnu
    } else {
        Libc::Musl
    }
}

/// The C runtime of a Linux host, as far as it decides which programs start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CRuntime {
    /// glibc, with its version when it could be read.
    Glibc {
        version: Option<GlibcVersion>,
    },
    Musl,
}

/// What the host offers a program: its platform and, on Linux, its C runtime and loaders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRuntime {
    pub platform: Platform,
    /// `Some` on Linux only.
    pub c_runtime: Option<CRuntime>,
    /// The dynamic loaders present, among the standard glibc and musl paths for the host's
    /// arch (a glibc system may have musl's too, from its `musl` package).
    pub loaders: Vec<String>,
}

/// The runtime a machine of `platform` is taken to have, for an install for another platform
/// (`--target`): its standard loaders, and no known glibc version.
pub fn assumed(platform: Platform) -> HostRuntime {
    let (c_runtime, loaders) = match (platform.os, platform.libc) {
        (Os::Linux, Some(Libc::Musl)) => (
            Some(CRuntime::Musl),
            vec![musl_loader(platform.arch).to_owned()],
        ),
        (Os::Linux, _) => (
            Some(CRuntime::Glibc { version: None }),
            glibc_loaders(platform.arch)
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
        ),
        _ => (None, Vec::new()),
    };
    HostRuntime {
        platform,
        c_runtime,
        loaders,
    }
}

/// The host's runtime: [`platform`], and on Linux the loaders present and glibc's version.
pub fn runtime() -> HostRuntime {
    static RUNTIME: std::sync::OnceLock<HostRuntime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(detect_runtime).clone()
}

fn detect_runtime() -> HostRuntime {
    let platform = platform();
    if platform.os != Os::Linux {
        return HostRuntime {
            platform,
            c_runtime: None,
            loaders: Vec::new(),
        };
    }
    let candidates = glibc_loaders(platform.arch)
        .iter()
        .copied()
        .chain([musl_loader(platform.arch)]);
    let loaders: Vec<String> = candidates
        .filter(|path| Path::new(path).exists())
        .map(str::to_owned)
        .collect();
    let c_runtime = match platform.libc {
        Some(Libc::Gnu) => CRuntime::Glibc {
            version: glibc_version(platform.arch),
        },
        _ => CRuntime::Musl,
    };
    HostRuntime {
        platform,
        c_runtime: Some(c_runtime),
        loaders,
    }
}

/// The installed glibc's version: the newest `GLIBC_x.y` its `libc.so.6` defines (found beside
/// the loader, symbolic links followed), else the version in the real file's name
/// (`libc-2.17.so`, `ld-2.17.so`) on systems old enough to name it so.
fn glibc_version(arch: Arch) -> Option<GlibcVersion> {
    for loader in glibc_loaders(arch) {
        let Ok(real) = std::fs::canonicalize(loader) else {
            continue;
        };
        let libc = real.with_file_name("libc.so.6");
        if let Some(version) = defined_version(&libc) {
            return Some(version);
        }
        let named = [std::fs::canonicalize(&libc).ok(), Some(real)];
        if let Some(version) = named.iter().flatten().find_map(|p| version_in_name(p)) {
            return Some(version);
        }
    }
    None
}

fn defined_version(libc: &Path) -> Option<GlibcVersion> {
    let mut file = std::fs::File::open(libc).ok()?;
    match binary::inspect(&mut file).ok()? {
        FileKind::Program(Program::Elf(elf)) => elf.glibc_defined,
        _ => None,
    }
}

/// `2.17` from `/lib64/libc-2.17.so` or `ld-2.17.so`.
fn version_in_name(path: &Path) -> Option<GlibcVersion> {
    let name = path.file_name()?.to_str()?;
    let version = name
        .strip_prefix("libc-")
        .or_else(|| name.strip_prefix("ld-"))?
        .strip_suffix(".so")?;
    GlibcVersion::parse(version)
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

    #[test]
    fn detects_this_machines_c_runtime() {
        let host = runtime();
        assert_eq!(host.platform, platform());
        if host.platform.os != Os::Linux {
            assert_eq!(host.c_runtime, None);
            return;
        }
        for loader in &host.loaders {
            assert!(Path::new(loader).exists(), "{loader}");
        }
        match host.c_runtime {
            Some(CRuntime::Glibc { version }) => {
                assert!(host.loaders.iter().any(|l| binary::is_glibc_loader(l)));
                // Every glibc since 2.17 (2012) can be read one way or the other.
                let version = version.expect("the glibc version is read");
                assert!(version >= GlibcVersion::parse("2.17").expect("a version"));
            }
            Some(CRuntime::Musl) => {
                assert!(!host.loaders.iter().any(|l| binary::is_glibc_loader(l)));
            }
            None => panic!("a Linux host has a C runtime"),
        }
    }

    #[test]
    fn old_glibc_names_its_files_by_version() {
        let v = |p: &str| version_in_name(Path::new(p));
        assert_eq!(v("/lib64/libc-2.17.so"), GlibcVersion::parse("2.17"));
        assert_eq!(v("/lib64/ld-2.12.so"), GlibcVersion::parse("2.12"));
        assert_eq!(v("/usr/lib64/libc.so.6"), None);
        assert_eq!(v("/lib/ld-musl-x86_64.so.1"), None);
    }
}
