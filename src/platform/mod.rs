//! The platform model (os, arch, libc) and parsing of platform names and Rust target triples.
//! This file and [`words`] are pure; [`host`] detects the machine haul runs on, and [`binary`]
//! reads what a program file needs (its format, architecture, ELF interpreter, glibc version).

pub mod binary;
pub mod file_name;
pub mod host;
pub mod words;

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names, reason = "macOS is spelled MacOs")]
pub enum Os {
    Linux,
    MacOs,
    Windows,
    FreeBsd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    X86_64,
    Aarch64,
    Armv7,
    I686,
}

/// The C library of a Linux host; it decides whether glibc-linked builds can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Libc {
    Gnu,
    Musl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Platform {
    pub os: Os,
    pub arch: Arch,
    /// `Some` on Linux only.
    pub libc: Option<Libc>,
}

const fn linux(arch: Arch, libc: Libc) -> Platform {
    Platform {
        os: Os::Linux,
        arch,
        libc: Some(libc),
    }
}

const fn other(os: Os, arch: Arch) -> Platform {
    Platform {
        os,
        arch,
        libc: None,
    }
}

impl Os {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::MacOs => "macos",
            Os::Windows => "windows",
            Os::FreeBsd => "freebsd",
        }
    }
}

impl Os {
    /// An OS named alone (`linux`, `macos`, `darwin`, `windows`).
    pub fn from_word(word: &str) -> Option<Os> {
        match words::os(word) {
            Some(words::OsWord::Is(os)) => Some(os),
            _ => None,
        }
    }
}

impl Arch {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::Armv7 => "armv7",
            Arch::I686 => "i686",
        }
    }
}

impl Platform {
    /// The platforms haul names in `haul info` and `haul lock`, in display order.
    pub const NAMED: [Platform; 11] = [
        linux(Arch::X86_64, Libc::Gnu),
        linux(Arch::Aarch64, Libc::Gnu),
        linux(Arch::Armv7, Libc::Gnu),
        linux(Arch::I686, Libc::Gnu),
        linux(Arch::X86_64, Libc::Musl),
        linux(Arch::Aarch64, Libc::Musl),
        other(Os::MacOs, Arch::X86_64),
        other(Os::MacOs, Arch::Aarch64),
        other(Os::Windows, Arch::X86_64),
        other(Os::Windows, Arch::Aarch64),
        other(Os::FreeBsd, Arch::X86_64),
    ];

    /// `linux-x86_64`, `linux-aarch64-musl`, `macos-aarch64`, …; glibc is the unmarked default.
    #[must_use]
    pub fn name(self) -> String {
        let libc = if self.libc == Some(Libc::Musl) {
            "-musl"
        } else {
            ""
        };
        format!("{}-{}{libc}", self.os.as_str(), self.arch.as_str())
    }

    #[must_use]
    pub fn exe_suffix(self) -> &'static str {
        if self.os == Os::Windows { ".exe" } else { "" }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// How a build for another architecture runs here, when it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Emulation {
    /// An `x86_64` macOS build on Apple silicon.
    Rosetta2,
    /// A 32-bit x86 Windows build on 64-bit Windows.
    Wow64,
    /// An `x86_64` Windows build on Windows on Arm.
    WindowsArm64X64,
    /// A 32-bit x86 Windows build on Windows on Arm.
    WindowsArm64X86,
}

impl Emulation {
    /// What the emulator is called, for messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Emulation::Rosetta2 => "rosetta 2",
            Emulation::Wow64 => "wow64",
            Emulation::WindowsArm64X64 => "x64 emulation on windows on arm",
            Emulation::WindowsArm64X86 => "x86 emulation on windows on arm",
        }
    }

    /// The kind of build it runs.
    pub fn runs(self) -> &'static str {
        match self {
            Emulation::Wow64 | Emulation::WindowsArm64X86 => "32-bit x86",
            Emulation::Rosetta2 | Emulation::WindowsArm64X64 => "x86_64",
        }
    }
}

/// A platform string haul does not understand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsePlatformError {
    input: String,
}

impl fmt::Display for ParsePlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown platform `{}`; expected one of ", self.input)?;
        for (i, p) in Platform::NAMED.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{p}")?;
        }
        f.write_str(" (a rust target triple such as `x86_64-unknown-linux-musl` works too)")
    }
}

impl std::error::Error for ParsePlatformError {}

/// What one `-`-separated piece of a platform string says.
enum Piece {
    Os(Os),
    Arch(Arch),
    Libc(Option<Libc>),
    /// Vendor fields of triples (`unknown`, `pc`): carry nothing.
    Vendor,
}

fn piece(word: &str) -> Option<Piece> {
    use words::{ArchWord, LibcWord, OsWord};
    if let Some(OsWord::Is(os)) = words::os(word) {
        return Some(Piece::Os(os));
    }
    if let Some((os, _)) = words::os_with_libc(word) {
        // `x86_64-w64-mingw32`: the toolchain says nothing a Windows host needs.
        return Some(Piece::Os(os));
    }
    match words::arch(word) {
        Some(ArchWord::Is(arch)) => return Some(Piece::Arch(arch)),
        // A platform the user names: plain `arm` is the 32-bit ARM haul supports.
        Some(ArchWord::BareArm) => return Some(Piece::Arch(Arch::Armv7)),
        Some(ArchWord::BareX86) => return Some(Piece::Arch(Arch::I686)),
        _ => {}
    }
    match words::libc(word) {
        Some(LibcWord::Gnu) => Some(Piece::Libc(Some(Libc::Gnu))),
        Some(LibcWord::Musl) => Some(Piece::Libc(Some(Libc::Musl))),
        // Windows toolchains: both run on any Windows host.
        Some(LibcWord::WindowsToolchain) => Some(Piece::Libc(None)),
        None if words::is_vendor(word) => Some(Piece::Vendor),
        // `static` is a build's property, not a platform's: it runs on either C library.
        Some(LibcWord::Static) | None => None,
    }
}

impl FromStr for Platform {
    type Err = ParsePlatformError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParsePlatformError {
            input: s.to_owned(),
        };
        let lower = s.trim().to_ascii_lowercase();
        let (mut os, mut arch, mut libc) = (None, None, None);
        for word in lower.split('-') {
            match piece(word).ok_or_else(err)? {
                // `apple-darwin` names the OS twice; two different OSes are an error.
                Piece::Os(o) if os.is_none_or(|prev| prev == o) => os = Some(o),
                Piece::Arch(a) if arch.is_none() => arch = Some(a),
                Piece::Libc(l) if libc.is_none() => libc = Some(l),
                Piece::Vendor => {}
                _ => return Err(err()),
            }
        }
        let (os, arch) = (os.ok_or_else(err)?, arch.ok_or_else(err)?);
        let libc = match (os, libc.flatten()) {
            (Os::Linux, l) => Some(l.unwrap_or(Libc::Gnu)),
            (Os::Windows, Some(Libc::Gnu)) | (_, None) => None,
            (_, Some(_)) => return Err(err()),
        };
        Ok(Platform { os, arch, libc })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Platform {
        s.parse().expect("platform parses")
    }

    #[test]
    fn named_platforms_round_trip() {
        let names: Vec<String> = Platform::NAMED.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "linux-x86_64",
                "linux-aarch64",
                "linux-armv7",
                "linux-i686",
                "linux-x86_64-musl",
                "linux-aarch64-musl",
                "macos-x86_64",
                "macos-aarch64",
                "windows-x86_64",
                "windows-aarch64",
                "freebsd-x86_64",
            ]
        );
        for platform in Platform::NAMED {
            assert_eq!(p(&platform.to_string()), platform);
        }
    }

    #[test]
    fn parses_names_spellings_and_triples() {
        let table = [
            ("linux-x86_64-gnu", "linux-x86_64"),
            ("linux-amd64", "linux-x86_64"),
            ("Linux-ARM64", "linux-aarch64"),
            ("linux-armv7-musl", "linux-armv7-musl"),
            ("linux-i686-musl", "linux-i686-musl"),
            ("darwin-arm64", "macos-aarch64"),
            ("macos-arm64", "macos-aarch64"),
            ("osx-x64", "macos-x86_64"),
            ("windows-amd64", "windows-x86_64"),
            ("win-arm64", "windows-aarch64"),
            ("x86_64-unknown-linux-gnu", "linux-x86_64"),
            ("x86_64-unknown-linux-musl", "linux-x86_64-musl"),
            ("aarch64-unknown-linux-gnu", "linux-aarch64"),
            ("aarch64-unknown-linux-musl", "linux-aarch64-musl"),
            ("armv7-unknown-linux-gnueabihf", "linux-armv7"),
            ("armv7-unknown-linux-musleabihf", "linux-armv7-musl"),
            ("i686-unknown-linux-gnu", "linux-i686"),
            ("i686-unknown-linux-musl", "linux-i686-musl"),
            ("x86_64-apple-darwin", "macos-x86_64"),
            ("aarch64-apple-darwin", "macos-aarch64"),
            ("x86_64-pc-windows-msvc", "windows-x86_64"),
            ("x86_64-pc-windows-gnu", "windows-x86_64"),
            ("x86_64-w64-mingw32", "windows-x86_64"),
            ("aarch64-pc-windows-msvc", "windows-aarch64"),
            ("i686-pc-windows-msvc", "windows-i686"),
            ("x86_64-unknown-freebsd", "freebsd-x86_64"),
        ];
        for (input, want) in table {
            assert_eq!(p(input).name(), want, "{input}");
        }
        assert_eq!(p("linux-x86_64").libc, Some(Libc::Gnu));
        assert_eq!(p("macos-aarch64").libc, None);
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "linux",
            "x86_64",
            "linux-sparc64",
            "linux-windows-x86_64",
            "linux-x86_64-arm64",
            "macos-aarch64-musl",
            "x86_64-unknown-netbsd",
            "linux--x86_64",
        ] {
            assert!(bad.parse::<Platform>().is_err(), "{bad:?} should not parse");
        }
        let msg = "plan9-amd64"
            .parse::<Platform>()
            .expect_err("rejected")
            .to_string();
        assert!(msg.starts_with("unknown platform `plan9-amd64`; expected one of linux-x86_64, "));
        assert!(msg.contains("freebsd-x86_64") && msg.contains("target triple"));
    }

    #[test]
    fn exe_suffix_only_on_windows() {
        assert_eq!(p("windows-aarch64").exe_suffix(), ".exe");
        assert_eq!(p("linux-x86_64").exe_suffix(), "");
        assert_eq!(p("macos-x86_64").exe_suffix(), "");
    }
}
