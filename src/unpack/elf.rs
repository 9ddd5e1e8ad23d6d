//! Whether a program can start on this machine: its format, OS and architecture, and for a
//! dynamically linked Linux program the loader it asks for and the glibc version it needs.
//!
//! A build's name can mislead: "musl" does not mean static (Node and Bun single-executable
//! builds for musl ask for musl's loader and fail on glibc systems), and a glibc build may need
//! a newer glibc than the host has. Reading the file settles it, so the installer can take the
//! next candidate build (gnu or musl) before failing. The header readers live in
//! [`crate::platform::binary`] (host detection reads the host's glibc with them) and are
//! re-exported here. Pure: judges what [`inspect`] read.

use std::fmt;

use crate::error::UserError;
#[cfg(test)]
use crate::platform::binary::identify;
pub use crate::platform::binary::{
    Cpu, FileKind, GlibcVersion, Misfit, Program, inspect, is_glibc_loader, is_musl_loader,
};
use crate::platform::host::{CRuntime, HostRuntime};

/// The ELF program interpreter (`PT_INTERP`), when `head` is the start of a dynamically linked
/// ELF file and the interpreter lies within it.
#[cfg(test)]
pub fn interpreter(head: &[u8]) -> Option<String> {
    match identify(head) {
        FileKind::Program(Program::Elf(elf)) => elf.interpreter().map(str::to_owned),
        _ => None,
    }
}

/// Why a program cannot start on the host; `Display` says it in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CannotRun {
    /// Not a program at all, or a library: what it is.
    NotAProgram { name: String, found: String },
    /// A program for another OS: what it is.
    OtherOs { name: String, found: String },
    OtherArch {
        name: String,
        found: Vec<Cpu>,
        host: String,
    },
    /// Glibc's loader on a system without glibc (musl).
    NeedsGlibc { name: String, loader: String },
    /// Musl's loader on a system without it (glibc).
    NeedsMusl { name: String, loader: String },
    /// Another loader this system lacks.
    MissingLoader { name: String, loader: String },
    GlibcTooOld {
        name: String,
        needs: GlibcVersion,
        has: GlibcVersion,
    },
}

impl CannotRun {
    /// Whether another build of the same release for the other C library (gnu or musl) may
    /// start where this one does not: the installer's cue to take the next candidate.
    pub fn libc_related(&self) -> bool {
        matches!(
            self,
            CannotRun::NeedsGlibc { .. }
                | CannotRun::NeedsMusl { .. }
                | CannotRun::MissingLoader { .. }
                | CannotRun::GlibcTooOld { .. }
        )
    }

    /// The error to show when no candidate runs: this reason, and what to do.
    pub fn to_user_error(&self, asset: &str) -> UserError {
        let err = UserError::new(format!("`{asset}` cannot run on this system"))
            .caused_by(self.to_string());
        let hint = match self {
            CannotRun::NeedsGlibc { .. } | CannotRun::NeedsMusl { .. } => {
                "choose a static or matching build with `--asset REGEX`"
            }
            CannotRun::GlibcTooOld { .. } => {
                "choose a static (musl) build with `--asset REGEX`, or an older version"
            }
            CannotRun::OtherOs { .. } | CannotRun::OtherArch { .. } => {
                "choose the build for this platform with `--asset REGEX`"
            }
            _ => "choose another asset with `--asset REGEX`",
        };
        err.hint(hint)
    }
}

impl fmt::Display for CannotRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CannotRun::NotAProgram { name, found } => {
                write!(f, "`{name}` is {found}, not a program")
            }
            CannotRun::OtherOs { name, found } => write!(f, "`{name}` is {found}"),
            CannotRun::OtherArch { name, found, host } => {
                let cpus: Vec<String> = found.iter().map(Cpu::describe).collect();
                match found.as_slice() {
                    [one] => write!(
                        f,
                        "`{name}` is {} program; this machine is {host}",
                        one.with_article()
                    ),
                    _ => write!(
                        f,
                        "`{name}` holds {} programs only; this machine is {host}",
                        cpus.join(" and ")
                    ),
                }
            }
            CannotRun::NeedsGlibc { name, loader } => write!(
                f,
                "`{name}` is linked against glibc (loader `{loader}`), and this system uses musl"
            ),
            CannotRun::NeedsMusl { name, loader } => write!(
                f,
                "`{name}` is linked against musl's loader `{loader}`, which this glibc system lacks"
            ),
            CannotRun::MissingLoader { name, loader } => write!(
                f,
                "`{name}` asks for the loader `{loader}`, which this system lacks"
            ),
            CannotRun::GlibcTooOld { name, needs, has } => {
                write!(f, "`{name}` needs glibc {needs}, this system has {has}")
            }
        }
    }
}

/// Whether the program a file holds, as [`inspect`] read it, can start on `host`: it is a
/// program for the host's OS and architecture (or one the OS emulates), its loader exists, and
/// the glibc it needs is no newer than the host's. `name` names it in the reason.
pub fn can_run(kind: &FileKind, name: &str, host: &HostRuntime) -> Result<(), CannotRun> {
    let name = name.to_owned();
    let program = match kind {
        FileKind::Program(program) => program,
        FileKind::Other(what) => {
            return Err(CannotRun::NotAProgram {
                name,
                found: what.describe().to_owned(),
            });
        }
    };
    match program.fit(host.platform) {
        Ok(_) => {}
        Err(Misfit::Os { found }) => return Err(CannotRun::OtherOs { name, found }),
        Err(Misfit::NotProgram { found }) => return Err(CannotRun::NotAProgram { name, found }),
        Err(Misfit::Arch { found }) => {
            return Err(CannotRun::OtherArch {
                name,
                found,
                host: host.platform.arch.as_str().to_owned(),
            });
        }
    }
    let Program::Elf(elf) = program else {
        return Ok(());
    };
    let (Some(loader), Some(runtime)) = (elf.interpreter(), &host.c_runtime) else {
        return Ok(());
    };
    let loader = loader.to_owned();
    let glibc_host = matches!(runtime, CRuntime::Glibc { .. });
    if is_glibc_loader(&loader) && !glibc_host {
        return Err(CannotRun::NeedsGlibc { name, loader });
    }
    if !host.loaders.contains(&loader) {
        return Err(if is_musl_loader(&loader) && glibc_host {
            CannotRun::NeedsMusl { name, loader }
        } else {
            CannotRun::MissingLoader { name, loader }
        });
    }
    match (runtime, elf.glibc_needed) {
        (CRuntime::Glibc { version: Some(has) }, Some(needs)) if needs > *has => {
            Err(CannotRun::GlibcTooOld {
                name,
                needs,
                has: *has,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::platform::binary::fixtures::{
        EM_AARCH64, EM_X86_64, ElfBuilder, MACHO_ARM64, MACHO_X86_64, fat, macho, pe,
    };

    const GLIBC_LOADER: &str = "/lib64/ld-linux-x86-64.so.2";
    const MUSL_LOADER: &str = "/lib/ld-musl-x86_64.so.1";

    fn host(platform: &str, c_runtime: Option<CRuntime>, loaders: &[&str]) -> HostRuntime {
        HostRuntime {
            platform: platform.parse::<Platform>().expect("platform"),
            c_runtime,
            loaders: loaders.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    fn glibc(version: &str) -> Option<CRuntime> {
        let version = GlibcVersion::parse(version);
        version.map(|v| CRuntime::Glibc { version: Some(v) })
    }

    fn run(bytes: &[u8], name: &str, host: &HostRuntime) -> Result<(), CannotRun> {
        let kind = inspect(&mut std::io::Cursor::new(bytes)).expect("bytes are readable");
        can_run(&kind, name, host)
    }

    #[test]
    fn glibc_programs_need_a_new_enough_glibc() {
        let node = ElfBuilder::new(EM_X86_64)
            .interp(GLIBC_LOADER)
            .needs("libc.so.6", &["GLIBC_2.17", "GLIBC_2.35"])
            .needs("libstdc++.so.6", &["GLIBCXX_3.4.30"])
            .build_padded(100_000);
        let old = host("linux-x86_64", glibc("2.31"), &[GLIBC_LOADER]);
        let err = run(&node, "node", &old).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`node` needs glibc 2.35, this system has 2.31"
        );
        assert!(err.libc_related());
        assert_eq!(
            run(
                &node,
                "node",
                &host("linux-x86_64", glibc("2.35"), &[GLIBC_LOADER])
            ),
            Ok(())
        );
        // An unknown glibc version is no reason to refuse.
        assert_eq!(
            run(
                &node,
                "node",
                &host(
                    "linux-x86_64",
                    Some(CRuntime::Glibc { version: None }),
                    &[GLIBC_LOADER]
                )
            ),
            Ok(())
        );

        let alpine = host("linux-x86_64-musl", Some(CRuntime::Musl), &[MUSL_LOADER]);
        let err = run(&node, "node", &alpine).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`node` is linked against glibc (loader `/lib64/ld-linux-x86-64.so.2`), and this system uses musl"
        );
        assert!(err.libc_related());
    }

    #[test]
    fn musl_is_not_static() {
        let bun = ElfBuilder::new(EM_X86_64)
            .interp(MUSL_LOADER)
            .needs("libc.musl-x86_64.so.1", &[])
            .build();
        let debian = host("linux-x86_64", glibc("2.36"), &[GLIBC_LOADER]);
        let err = run(&bun, "bun", &debian).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`bun` is linked against musl's loader `/lib/ld-musl-x86_64.so.1`, which this glibc system lacks"
        );
        assert!(err.libc_related());
        // A glibc system with the `musl` package runs it; so does Alpine.
        let both = host("linux-x86_64", glibc("2.36"), &[GLIBC_LOADER, MUSL_LOADER]);
        assert_eq!(run(&bun, "bun", &both), Ok(()));
        let alpine = host("linux-x86_64-musl", Some(CRuntime::Musl), &[MUSL_LOADER]);
        assert_eq!(run(&bun, "bun", &alpine), Ok(()));
        // A static build runs on either.
        let rg = ElfBuilder::new(EM_X86_64).build();
        assert_eq!(run(&rg, "rg", &debian), Ok(()));
        assert_eq!(run(&rg, "rg", &alpine), Ok(()));
        // Any other loader must be there.
        let odd = ElfBuilder::new(EM_X86_64)
            .interp("/nix/store/x/ld.so")
            .build();
        assert_eq!(
            run(&odd, "odd", &debian).unwrap_err().to_string(),
            "`odd` asks for the loader `/nix/store/x/ld.so`, which this system lacks"
        );
    }

    #[test]
    fn other_arches_and_oses_are_named() {
        let debian = host("linux-x86_64", glibc("2.36"), &[GLIBC_LOADER]);
        let arm = ElfBuilder::new(EM_AARCH64).build();
        let err = run(&arm, "tool", &debian).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tool` is an arm64 (aarch64) program; this machine is x86_64"
        );
        assert!(!err.libc_related());
        let err = run(&macho(MACHO_ARM64), "tool", &debian).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tool` is a macos program (Mach-O, aarch64)"
        );
        let err = run(&pe(0x8664, false), "tool.exe", &debian).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tool.exe` is a windows program (PE, x86_64)"
        );
        let err = run(b"!<arch>\ndebian-binary   ", "tool", &debian).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tool` is a debian package (.deb), not a program"
        );

        let mac = host("macos-aarch64", None, &[]);
        assert_eq!(
            run(&fat(&[MACHO_X86_64, MACHO_ARM64]), "tool", &mac),
            Ok(())
        );
        assert_eq!(run(&macho(MACHO_X86_64), "tool", &mac), Ok(()), "rosetta 2");
        let intel_mac = host("macos-x86_64", None, &[]);
        let err = run(&fat(&[MACHO_ARM64, 12]), "tool", &intel_mac).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`tool` holds arm64 (aarch64) and 32-bit arm (armv7) programs only; this machine is x86_64"
        );
        let windows = host("windows-x86_64", None, &[]);
        assert_eq!(run(&pe(0x8664, false), "tool.exe", &windows), Ok(()));
        assert!(run(b"#!/bin/sh\n", "tool", &windows).is_err());
    }

    #[test]
    fn user_errors_say_what_to_do() {
        let err = CannotRun::GlibcTooOld {
            name: "node".to_owned(),
            needs: GlibcVersion::parse("2.35").unwrap(),
            has: GlibcVersion::parse("2.31").unwrap(),
        }
        .to_user_error("node-linux-x64.tar.xz");
        assert_eq!(
            err.message,
            "`node-linux-x64.tar.xz` cannot run on this system"
        );
        assert_eq!(
            err.causes,
            ["`node` needs glibc 2.35, this system has 2.31"]
        );
        assert!(err.hint.is_some_and(|h| h.contains("--asset")));
    }

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
