//! The one vocabulary of platform words: how release names, Rust target triples, directory
//! names in archives and users spell operating systems, architectures and C libraries. Every
//! other module asks here. Pure: no I/O.
//!
//! Words are lowercase. Some spellings mean different things in different releases (a bare
//! `arm`, `x86`): they come back as such ([`ArchWord::BareArm`], [`ArchWord::BareX86`]) and each
//! reader settles them its own documented way.

use super::{Arch, Os};

/// An operating system word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OsWord {
    Is(Os),
    /// An OS haul does not run on (netbsd, android, wasm, …).
    Other,
}

/// An architecture word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchWord {
    Is(Arch),
    /// Pre-v7 32-bit ARM (armv5, armv6, armel), which an armv7 host runs.
    Armv6,
    /// i586, which an i686 host runs.
    I586,
    /// A macOS fat binary.
    Universal,
    /// An architecture haul does not run on (riscv64, s390x, …).
    Other,
    /// `arm` alone: 32-bit ARM or arm64, depending on who writes it.
    BareArm,
    /// `x86` alone: i686 or `x86_64`, depending on who writes it.
    BareX86,
}

/// A C library (or Windows toolchain) word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LibcWord {
    Gnu,
    /// musl: statically linked it runs on any Linux; dynamically linked (Node and Bun
    /// single-executable builds) it needs musl's loader.
    Musl,
    /// Statically linked (`static`, `linuxstatic`): runs on any Linux.
    Static,
    /// A Windows toolchain (`msvc`, `gnullvm`): says nothing about what the build needs.
    WindowsToolchain,
}

pub fn os(word: &str) -> Option<OsWord> {
    Some(match word {
        "linux" => OsWord::Is(Os::Linux),
        "darwin" | "macos" | "macosx" | "osx" | "mac" | "apple" => OsWord::Is(Os::MacOs),
        "windows" | "win" => OsWord::Is(Os::Windows),
        "freebsd" => OsWord::Is(Os::FreeBsd),
        "netbsd" | "openbsd" | "dragonfly" | "dragonflybsd" | "solaris" | "illumos" | "sunos"
        | "aix" | "plan9" | "android" | "ios" | "js" | "wasm" | "wasi" | "dos" | "node"
        | "nodejs" | "haiku" | "fuchsia" | "emscripten" => OsWord::Other,
        _ => return None,
    })
}

/// Words that name an OS and its C library at once (`alpine`, `manylinux`, `mingw64`).
pub fn os_with_libc(word: &str) -> Option<(Os, LibcWord)> {
    Some(match word {
        "alpine" | "musllinux" => (Os::Linux, LibcWord::Musl),
        "linuxstatic" => (Os::Linux, LibcWord::Static),
        "manylinux" | "ubuntu" | "debian" => (Os::Linux, LibcWord::Gnu),
        "mingw" | "mingw32" | "mingw64" => (Os::Windows, LibcWord::Gnu),
        _ => return None,
    })
}

pub fn arch(word: &str) -> Option<ArchWord> {
    Some(match word {
        "x86_64" | "amd64" | "x64" | "x8664" | "64bit" | "intel" => ArchWord::Is(Arch::X86_64),
        "aarch64" | "arm64" | "armv8" | "armv8a" | "arm64e" => ArchWord::Is(Arch::Aarch64),
        "armv7" | "armv7l" | "armv7a" | "armv7hl" | "armv7hf" | "armhf" | "arm32" | "arm7" => {
            ArchWord::Is(Arch::Armv7)
        }
        "armv6" | "armv6l" | "armv6hf" | "armv5" | "armv5te" | "armel" | "arm6" | "arm5" => {
            ArchWord::Armv6
        }
        "arm" => ArchWord::BareArm,
        "i686" | "i386" | "386" | "ia32" | "32bit" | "x32" => ArchWord::Is(Arch::I686),
        "i586" => ArchWord::I586,
        "x86" => ArchWord::BareX86,
        "universal" | "universal2" | "fat" => ArchWord::Universal,
        "ppc" | "ppc64" | "ppc64le" | "ppc64el" | "powerpc" | "powerpc64" | "powerpc64le"
        | "s390x" | "riscv64" | "riscv64gc" | "mips" | "mipsle" | "mipsel" | "mips64"
        | "mips64le" | "mips64el" | "loong64" | "loongarch64" | "sparc64" | "armeb" | "m68k"
        | "wasm32" => ArchWord::Other,
        _ => return None,
    })
}

/// OS words that releases glue to an arch, a bit width or a version (`linux64`, `win32`,
/// `winarm64`, `macos11`), longer spellings before their prefixes.
const GLUED_OS: [(&str, Os); 7] = [
    ("linux", Os::Linux),
    ("freebsd", Os::FreeBsd),
    ("windows", Os::Windows),
    ("win", Os::Windows),
    ("macos", Os::MacOs),
    ("osx", Os::MacOs),
    ("darwin", Os::MacOs),
];

/// What follows an OS word glued to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glued {
    /// `32` or `64` (`win64`, `linux32`): a bit width, read as x86's; a hint rather than the
    /// architecture's name.
    Bits(ArchWord),
    /// An architecture's own name: `winarm64`, `macosx86_64`.
    Arch(ArchWord),
    /// A version of the OS: `macos11`, `freebsd14`.
    Version,
}

/// A token that is an OS word with an arch, a bit width or a version glued to it; `None` for
/// anything else (`linuxfoo`).
pub fn glued_os(token: &str) -> Option<(Os, Glued)> {
    GLUED_OS.iter().find_map(|&(prefix, os)| {
        let rest = token.strip_prefix(prefix).filter(|rest| !rest.is_empty())?;
        let glued = match rest {
            "32" => Glued::Bits(ArchWord::Is(Arch::I686)),
            "64" => Glued::Bits(ArchWord::Is(Arch::X86_64)),
            r if r.bytes().all(|b| b.is_ascii_digit()) => Glued::Version,
            r => Glued::Arch(arch(r)?),
        };
        Some((os, glued))
    })
}

/// Two tokens that spell one architecture (`x86-64`, `arm_64`, `64-bit`).
pub fn arch_pair(first: &str, second: &str) -> Option<ArchWord> {
    Some(match (first, second) {
        ("x86" | "amd" | "intel", "64") | ("64", "bit") => ArchWord::Is(Arch::X86_64),
        ("x86", "32") | ("32", "bit") => ArchWord::Is(Arch::I686),
        ("aarch" | "arm", "64") => ArchWord::Is(Arch::Aarch64),
        ("arm", "v7" | "7") => ArchWord::Is(Arch::Armv7),
        ("arm", "v6" | "6" | "v5" | "5") => ArchWord::Armv6,
        ("ppcle" | "ppc" | "s390" | "mips" | "riscv", "64") => ArchWord::Other,
        _ => return None,
    })
}

pub fn libc(word: &str) -> Option<LibcWord> {
    Some(match word {
        "gnu" | "glibc" | "gnueabihf" | "gnueabi" | "gnuabi64" => LibcWord::Gnu,
        "musl" | "musleabi" | "musleabihf" | "muslabi64" => LibcWord::Musl,
        "static" => LibcWord::Static,
        "msvc" | "gnullvm" => LibcWord::WindowsToolchain,
        _ => return None,
    })
}

/// A word marking a build for old systems or CPUs, beside the plain build for current ones:
/// the OS (and C library) it implies, when it implies one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyWord {
    pub os: Option<Os>,
    pub libc: Option<LibcWord>,
}

/// `legacy`, `old` (`old-glibc`), `win7`, `centos7`, `noavx`, `baseline` (no AVX2),
/// `compatible` (no newer x86-64 levels), `polyfilled` (old glibc).
pub fn legacy(word: &str) -> Option<LegacyWord> {
    let (os, libc) = match word {
        "legacy" | "old" | "oldglibc" | "baseline" | "noavx" | "noavx2" | "nosse4" | "compat"
        | "compatible" | "polyfilled" => (None, None),
        "win7" | "windows7" | "win8" | "winxp" | "xp" | "vista" => (Some(Os::Windows), None),
        "centos6" | "centos7" | "rhel6" | "rhel7" | "el6" | "el7" => {
            (Some(Os::Linux), Some(LibcWord::Gnu))
        }
        _ => return None,
    };
    Some(LegacyWord { os, libc })
}

/// The vendor field of a target triple (`unknown`, `pc`): it says nothing.
pub fn is_vendor(word: &str) -> bool {
    matches!(word, "unknown" | "pc" | "w64" | "none" | "ibm")
}

/// How Go (`GOOS`) spells an OS: the default spelling of download URL templates.
pub fn go_os(os: Os) -> &'static str {
    match os {
        Os::Linux => "linux",
        Os::MacOs => "darwin",
        Os::Windows => "windows",
        Os::FreeBsd => "freebsd",
    }
}

/// How Go (`GOARCH`) spells an architecture.
pub fn go_arch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "amd64",
        Arch::Aarch64 => "arm64",
        Arch::Armv7 => "arm",
        Arch::I686 => "386",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_os_glued_to_bits_an_arch_or_a_version() {
        let bits = |arch| Glued::Bits(ArchWord::Is(arch));
        let arch = |arch| Glued::Arch(ArchWord::Is(arch));
        for (token, want) in [
            ("win64", Some((Os::Windows, bits(Arch::X86_64)))),
            ("windows32", Some((Os::Windows, bits(Arch::I686)))),
            ("linux64", Some((Os::Linux, bits(Arch::X86_64)))),
            ("winarm64", Some((Os::Windows, arch(Arch::Aarch64)))),
            ("macosx86_64", Some((Os::MacOs, arch(Arch::X86_64)))),
            ("macos11", Some((Os::MacOs, Glued::Version))),
            ("freebsd14", Some((Os::FreeBsd, Glued::Version))),
            ("linuxfoo", None),
            ("windows", None),
            ("winget", None),
        ] {
            assert_eq!(glued_os(token), want, "{token}");
        }
    }

    #[test]
    fn every_spelling_of_the_named_arches() {
        for (word, arch) in [
            ("amd64", Arch::X86_64),
            ("x86_64", Arch::X86_64),
            ("arm64", Arch::Aarch64),
            ("aarch64", Arch::Aarch64),
            ("armhf", Arch::Armv7),
            ("386", Arch::I686),
        ] {
            assert_eq!(super::arch(word), Some(ArchWord::Is(arch)), "{word}");
        }
        assert_eq!(super::arch("arm"), Some(ArchWord::BareArm));
        assert_eq!(arch_pair("x86", "64"), Some(ArchWord::Is(Arch::X86_64)));
        assert_eq!(super::arch("readme"), None);
    }

    #[test]
    fn legacy_words_name_their_os() {
        assert_eq!(legacy("legacy").map(|l| l.os), Some(None));
        assert_eq!(legacy("win7").map(|l| l.os), Some(Some(Os::Windows)));
        assert_eq!(
            legacy("centos7"),
            Some(LegacyWord {
                os: Some(Os::Linux),
                libc: Some(LibcWord::Gnu)
            })
        );
        assert_eq!(legacy("windows"), None);
        assert_eq!(legacy("linux"), None);
    }

    #[test]
    fn go_spellings_read_back() {
        for os in [Os::Linux, Os::MacOs, Os::Windows, Os::FreeBsd] {
            assert_eq!(super::os(go_os(os)), Some(OsWord::Is(os)));
        }
        for arch in [Arch::X86_64, Arch::Aarch64, Arch::I686] {
            assert_eq!(super::arch(go_arch(arch)), Some(ArchWord::Is(arch)));
        }
        // Go's `arm` is 32-bit; a bare `arm` elsewhere is settled by its reader.
        assert_eq!(super::arch(go_arch(Arch::Armv7)), Some(ArchWord::BareArm));
    }
}
