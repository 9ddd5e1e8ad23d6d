//! Finding the executables a user wants in an unpacked release, and checking that each is a
//! program for the target platform.
//!
//! Reads the staging directory; writes nothing. The choice ([`choose`]) and the check
//! ([`check_program`]) are pure.
//!
//! Never a guess: an executable is taken when it is named after the wanted name, exactly or
//! with a platform suffix (`yq_linux_amd64`, the tool's own build named for its platform), or
//! when it is the only one in the release. Anything else fails, listing what is there. Links
//! keep the executable's own name (`rg` from ripgrep) unless the user names another
//! (`--bin NAME=LINK`); a platform-suffixed build is linked under the wanted name.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::UserError;
use crate::platform::binary::{self, FileKind, Misfit};
use crate::platform::file_name::{exe_stem, fit, only_program_link, read_platform};
use crate::platform::words::{self, ArchWord, LibcWord, OsWord};
use crate::platform::{Arch, Libc, Os, Platform};

/// A file in the unpacked tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Relative to the unpacked directory, with `/` separators.
    pub path: String,
    /// A program by its first bytes: ELF, Mach-O, PE or a `#!` script.
    pub executable: bool,
}

impl Found {
    fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    fn depth(&self) -> usize {
        self.path.matches('/').count()
    }
}

/// One executable to link: the name it gets in the bin dir (without `.exe`) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    pub path: String,
}

/// One executable asked for: `NAME`, or `NAME=LINK` to link it under another name.
pub use crate::names::WantedBin as BinRequest;

/// Every regular file under `dir`, and whether it is a program.
pub fn scan(dir: &Path) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in fs_err::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let child = rel.join(entry.file_name());
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                let path = child
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let executable = is_program(&entry.path())?;
                out.push(Found { path, executable });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A program by its first bytes: ELF, Mach-O (thin or universal), PE, or a script.
fn is_program(path: &Path) -> Result<bool> {
    let mut head = Vec::with_capacity(4096);
    fs_err::File::open(path)?
        .take(4096)
        .read_to_end(&mut head)?;
    Ok(matches!(binary::identify(&head), FileKind::Program(_)))
}

/// Whether a file, as [`binary::inspect`] (or [`binary::identify`]) read it, is a program that
/// runs on `target`, natively or under an emulation the OS provides; otherwise an error naming
/// what it is. `name` names the file.
pub fn check_program(kind: &FileKind, name: &str, target: Platform) -> Result<(), UserError> {
    let hint = format!("choose a build for {target} with `--asset REGEX`");
    let found = match kind {
        FileKind::Other(what) => {
            if let Some(label) = what.installer() {
                return Err(UserError::new(format!(
                    "`{name}` is an installer package ({label}), not a program"
                ))
                .hint(format!(
                    "haul installs programs, not OS packages; {hint}, or use the OS's package manager"
                )));
            }
            what.describe().to_owned()
        }
        FileKind::Program(program) => match program.fit(target) {
            Ok(_) => return Ok(()),
            Err(Misfit::Os { found } | Misfit::NotProgram { found }) => found,
            Err(Misfit::Arch { found }) => match &found[..] {
                [one] => format!("{} program", one.with_article()),
                several => {
                    let cpus: Vec<String> = several.iter().map(binary::Cpu::describe).collect();
                    format!("a program for {} only", cpus.join(" and "))
                }
            },
        },
    };
    Err(
        UserError::new(format!("`{name}` is not a program for {target}"))
            .caused_by(format!("it is {found}"))
            .hint(hint),
    )
}

#[cfg(test)]
/// Pick the executables named `wanted`, each `NAME` or `NAME=LINK` (see [`BinRequest`]).
pub fn choose(
    files: &[Found],
    wanted: &[String],
    platform: Platform,
) -> Result<Vec<Chosen>, UserError> {
    let requests = wanted
        .iter()
        .map(|w| BinRequest::parse(w))
        .collect::<Result<Vec<_>, _>>()?;
    choose_bins(files, &requests, platform)
}

/// Pick the executables asked for. For each, in order: a file called exactly that (plus
/// `.exe` on Windows); a program called that plus a platform suffix that fits `platform`
/// (`yq_linux_amd64`); the only program in the release, when one executable is wanted.
pub fn choose_bins(
    files: &[Found],
    wanted: &[BinRequest],
    platform: Platform,
) -> Result<Vec<Chosen>, UserError> {
    choose_bins_with(files, wanted, platform, true)
}

/// [`choose_bins`] for executables the user named (`--bin`): each must be found by its name;
/// a release's only program is not taken in place of the one asked for.
pub fn choose_named(
    files: &[Found],
    wanted: &[BinRequest],
    platform: Platform,
) -> Result<Vec<Chosen>, UserError> {
    choose_bins_with(files, wanted, platform, false)
}

fn choose_bins_with(
    files: &[Found],
    wanted: &[BinRequest],
    platform: Platform,
    take_only: bool,
) -> Result<Vec<Chosen>, UserError> {
    // A release that holds a build per platform in one archive (`x86_64-apple-darwin/tool`,
    // `aarch64-unknown-linux-musl/tool`): the other platforms' copies are not candidates. An
    // archive of one build for another arch (run under emulation) has nothing left that way,
    // and is taken whole.
    let native: Vec<&Found> = files
        .iter()
        .filter(|f| !other_platform(&f.path, platform))
        .collect();
    choose_among(&native, wanted, platform, take_only).or_else(|_| {
        choose_among(
            &files.iter().collect::<Vec<_>>(),
            wanted,
            platform,
            take_only,
        )
    })
}

fn choose_among(
    files: &[&Found],
    wanted: &[BinRequest],
    platform: Platform,
    take_only: bool,
) -> Result<Vec<Chosen>, UserError> {
    let windows = platform.os == Os::Windows;
    let programs: Vec<&Found> = files
        .iter()
        .copied()
        .filter(|f| {
            if windows {
                exe_stem(f.file_name()).is_some()
            } else {
                f.executable
            }
        })
        .collect();
    let mut chosen = Vec::new();
    for request in wanted {
        let name = request.name.as_str();
        let matches_exact = |f: &&Found| {
            if windows {
                exe_stem(f.file_name()).is_some_and(|stem| stem.eq_ignore_ascii_case(name))
            } else {
                f.file_name() == name
            }
        };
        let exact = files
            .iter()
            .copied()
            .filter(matches_exact)
            .filter(|f| windows || f.executable || programs.is_empty())
            .min_by_key(|f| (f.depth(), libc_rank(&f.path, platform)));
        let suffixed = || {
            programs
                .iter()
                .copied()
                .filter_map(|f| suffix_fit(f, name, platform).map(|rank| (f, rank)))
                .min_by_key(|&(f, rank)| (rank, f.depth(), f.file_name().len()))
                .map(|(f, _)| f)
        };
        let named = exact.or_else(suffixed);
        let link = match (named, &programs[..]) {
            (Some(found), _) => Some((found, request.link.clone().unwrap_or(name.to_owned()))),
            (None, [only]) if take_only && wanted.len() == 1 => {
                let link = only_program_link(only.file_name(), name, request.link.as_deref());
                Some((*only, link))
            }
            _ => None,
        };
        let Some((found, link)) = link else {
            return Err(missing(name, &programs));
        };
        chosen.push(Chosen {
            name: link,
            path: found.path.clone(),
        });
    }
    Ok(chosen)
}

fn missing(name: &str, programs: &[&Found]) -> UserError {
    let err = UserError::new(format!("the release has no executable named `{name}`"));
    if programs.is_empty() {
        return err.caused_by("it holds no executable files at all");
    }
    let listed: Vec<&str> = programs.iter().map(|f| f.path.as_str()).collect();
    err.caused_by(format!("executables: {}", listed.join(", ")))
        .hint("pass `--bin NAME` for each executable to install (`--bin NAME=LINK` links it under another name)")
}

/// How a path's libc words suit the host, smaller better: on musl, musl builds first.
fn libc_rank(path: &str, platform: Platform) -> u8 {
    let dirs = path.rsplit_once('/').map_or("", |(dirs, _)| dirs);
    let musl = dirs.to_ascii_lowercase().contains("musl");
    u8::from(musl != (platform.libc == Some(Libc::Musl)))
}

/// For a program called `name` plus a platform suffix that fits `platform`, how well it fits.
fn suffix_fit(found: &Found, name: &str, platform: Platform) -> Option<u8> {
    let file = found.file_name();
    let stem = exe_stem(file).unwrap_or(file);
    let rest = stem.strip_prefix(name)?.strip_prefix(['-', '_', '.'])?;
    fit(&read_platform(rest)?, platform)
}

/// Whether a directory on `path` names another platform (`aarch64/minisign` on `x86_64`,
/// `x86_64-apple-darwin/tool` on Linux, a glibc build's directory on a musl host).
fn other_platform(path: &str, platform: Platform) -> bool {
    let Some((dirs, _)) = path.rsplit_once('/') else {
        return false;
    };
    dirs.split('/').any(|dir| {
        let lower = dir.to_ascii_lowercase();
        let named = lower.split(['-', '_', '.']).collect::<Vec<_>>();
        let other_os = named.iter().any(|w| match words::os(w) {
            Some(OsWord::Is(os)) => os != platform.os,
            Some(OsWord::Other) => true,
            None => false,
        });
        let other_arch = read_arch_words(&named).any(|word| match word {
            ArchWord::Is(arch) => arch != platform.arch,
            ArchWord::Armv6 => platform.arch != Arch::Armv7,
            ArchWord::Other => true,
            _ => false,
        });
        let other_libc = platform.libc == Some(Libc::Musl)
            && named.iter().any(|w| words::libc(w) == Some(LibcWord::Gnu));
        other_os || other_arch || other_libc
    })
}

/// The arch words among tokens, two-token spellings (`x86_64`) included.
fn read_arch_words<'a>(tokens: &'a [&'a str]) -> impl Iterator<Item = ArchWord> + 'a {
    let pairs = tokens
        .windows(2)
        .filter_map(|pair| words::arch_pair(pair[0], pair[1]));
    let singles = tokens.iter().filter_map(|t| words::arch(t));
    pairs.chain(singles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ExitCode;

    fn files(list: &[(&str, bool)]) -> Vec<Found> {
        list.iter()
            .map(|(path, executable)| Found {
                path: (*path).to_owned(),
                executable: *executable,
            })
            .collect()
    }

    fn pick(
        list: &[(&str, bool)],
        wanted: &[&str],
        exe: &str,
    ) -> Result<Vec<(String, String)>, UserError> {
        let wanted: Vec<String> = wanted.iter().map(|s| (*s).to_owned()).collect();
        let platform: Platform = if exe.is_empty() {
            "linux-x86_64"
        } else {
            "windows-x86_64"
        }
        .parse()
        .unwrap();
        choose(&files(list), &wanted, platform)
            .map(|c| c.into_iter().map(|c| (c.name, c.path)).collect())
    }

    fn one(name: &str, path: &str) -> Vec<(String, String)> {
        vec![(name.to_owned(), path.to_owned())]
    }

    #[test]
    fn exact_name_wins() {
        let list = [
            ("fd-v10/fd", true),
            ("fd-v10/README.md", false),
            ("fd-v10/autocomplete/fd.bash", false),
        ];
        assert_eq!(pick(&list, &["fd"], "").unwrap(), one("fd", "fd-v10/fd"));
    }

    #[test]
    fn platform_suffixed_names_are_linked_under_the_tool_name() {
        let list = [
            ("yq_linux_amd64", true),
            ("yq.1", false),
            ("install-man-page.sh", true),
        ];
        assert_eq!(
            pick(&list, &["yq"], "").unwrap(),
            one("yq", "yq_linux_amd64")
        );
    }

    #[test]
    fn the_only_program_keeps_its_own_plain_name() {
        let list = [("ripgrep-14/rg", true), ("ripgrep-14/doc/rg.1", false)];
        assert_eq!(
            pick(&list, &["ripgrep"], "").unwrap(),
            one("rg", "ripgrep-14/rg")
        );
    }

    #[test]
    fn windows_needs_exe() {
        let list = [("gh/bin/gh.exe", false), ("gh/LICENSE", false)];
        assert_eq!(
            pick(&list, &["gh"], ".exe").unwrap(),
            one("gh", "gh/bin/gh.exe")
        );
        let list = [("gh/bin/gh", true)];
        assert!(pick(&list, &["gh"], ".exe").is_err());
    }

    #[test]
    fn several_bins() {
        let list = [("kubectx", true), ("kubens", true), ("LICENSE", false)];
        assert_eq!(
            pick(&list, &["kubectx", "kubens"], "").unwrap(),
            vec![
                ("kubectx".to_owned(), "kubectx".to_owned()),
                ("kubens".to_owned(), "kubens".to_owned())
            ]
        );
    }

    #[test]
    fn missing_names_list_what_is_there() {
        let list = [("a", true), ("b", true)];
        let err = pick(&list, &["c"], "").unwrap_err();
        assert_eq!(err.message, "the release has no executable named `c`");
        assert_eq!(err.causes, vec!["executables: a, b"]);
        assert!(err.hint.is_some());
    }

    #[test]
    fn other_arches_in_one_archive_are_skipped() {
        let list = [
            ("minisign-linux/aarch64/minisign", true),
            ("minisign-linux/x86_64/minisign", true),
        ];
        assert_eq!(
            pick(&list, &["minisign"], "").unwrap(),
            one("minisign", "minisign-linux/x86_64/minisign")
        );
        // Arch words in the file's own name do not count: `tool-linux-arm64` may be the only one.
        let linux: Platform = "linux-x86_64".parse().unwrap();
        assert!(!other_platform("tool-linux-arm64", linux));
        assert!(other_platform("arm64/tool", linux));
        assert!(other_platform("darwin/tool", linux));
        assert!(other_platform("x86_64-pc-windows-msvc/tool.exe", linux));
        assert!(!other_platform(
            "tool-1.0-x86_64-unknown-linux-musl/tool",
            linux
        ));
        let alpine: Platform = "linux-x86_64-musl".parse().unwrap();
        assert!(other_platform(
            "tool-1.0-x86_64-unknown-linux-gnu/tool",
            alpine
        ));
    }

    #[test]
    fn a_prefix_needs_a_separator() {
        // `helmfile` is not `helm`.
        let list = [("helmfile", true), ("other", true)];
        assert!(pick(&list, &["helm"], "").is_err());
    }

    #[test]
    fn never_a_guess_among_several() {
        // Neither is `multi`, nor `kube`: the user must say which.
        for (list, wanted) in [
            ([("multi-a", true), ("multi-b", true)], "multi"),
            (
                [("bin/kube-apiserver", true), ("bin/kube-proxy", true)],
                "kube",
            ),
        ] {
            let err = pick(&list, &[wanted], "").unwrap_err();
            assert_eq!(
                err.message,
                format!("the release has no executable named `{wanted}`")
            );
            assert_eq!(
                err.causes,
                [format!("executables: {}, {}", list[0].0, list[1].0)]
            );
            assert!(err.hint.is_some_and(|h| h.contains("--bin NAME=LINK")));
        }
        // Asked for by name, each keeps it, or takes the name asked for.
        let list = [("multi-a", true), ("multi-b", true)];
        assert_eq!(
            pick(&list, &["multi-a"], "").unwrap(),
            one("multi-a", "multi-a")
        );
        assert_eq!(
            pick(&list, &["multi-b=multi"], "").unwrap(),
            one("multi", "multi-b")
        );
    }

    #[test]
    fn the_only_program_is_never_renamed() {
        let list = [("multi-a", true), ("README.md", false)];
        assert_eq!(
            pick(&list, &["multi"], "").unwrap(),
            one("multi-a", "multi-a")
        );
        assert_eq!(
            pick(&list, &["multi-a=multi"], "").unwrap(),
            one("multi", "multi-a")
        );
        // A platform suffix is not part of its name; a name that is only a platform is not one.
        let list = [("tool_linux_amd64", true)];
        assert_eq!(
            pick(&list, &["other"], "").unwrap(),
            one("tool", "tool_linux_amd64")
        );
        let list = [("dist/linux-amd64", true)];
        assert_eq!(
            pick(&list, &["tool"], "").unwrap(),
            one("tool", "dist/linux-amd64")
        );
        let list = [("v2ray", true)];
        assert_eq!(pick(&list, &["tool"], "").unwrap(), one("v2ray", "v2ray"));
    }

    #[test]
    fn one_file_may_be_linked_twice() {
        let list = [("kubelogin", true)];
        assert_eq!(
            pick(&list, &["kubelogin", "kubelogin=kubectl-oidc_login"], "").unwrap(),
            vec![
                ("kubelogin".to_owned(), "kubelogin".to_owned()),
                ("kubectl-oidc_login".to_owned(), "kubelogin".to_owned())
            ]
        );
    }

    fn pick_on(list: &[(&str, bool)], wanted: &str, platform: &str) -> Vec<(String, String)> {
        let platform: Platform = platform.parse().unwrap();
        choose(&files(list), &[wanted.to_owned()], platform)
            .unwrap()
            .into_iter()
            .map(|c| (c.name, c.path))
            .collect()
    }

    #[test]
    fn one_archive_with_a_build_per_platform() {
        let list = [
            ("tool/aarch64-apple-darwin/tool", true),
            ("tool/aarch64-unknown-linux-musl/tool", true),
            ("tool/x86_64-apple-darwin/tool", true),
            ("tool/x86_64-pc-windows-msvc/tool.exe", true),
            ("tool/x86_64-unknown-linux-gnu/tool", true),
            ("tool/x86_64-unknown-linux-musl/tool", true),
            ("tool/README.md", false),
        ];
        for (platform, path) in [
            ("linux-x86_64", "tool/x86_64-unknown-linux-gnu/tool"),
            ("linux-x86_64-musl", "tool/x86_64-unknown-linux-musl/tool"),
            ("linux-aarch64", "tool/aarch64-unknown-linux-musl/tool"),
            ("macos-aarch64", "tool/aarch64-apple-darwin/tool"),
            ("macos-x86_64", "tool/x86_64-apple-darwin/tool"),
            ("windows-x86_64", "tool/x86_64-pc-windows-msvc/tool.exe"),
        ] {
            assert_eq!(
                pick_on(&list, "tool", platform),
                one("tool", path),
                "{platform}"
            );
        }
        // Files named by platform side by side (`krew.tar.gz`).
        let list = [
            ("krew-darwin_amd64", true),
            ("krew-darwin_arm64", true),
            ("krew-linux_amd64", true),
            ("krew-linux_arm", true),
            ("krew-linux_arm64", true),
            ("krew-windows_amd64.exe", true),
            ("LICENSE", false),
        ];
        for (platform, path) in [
            ("linux-x86_64", "krew-linux_amd64"),
            ("linux-aarch64", "krew-linux_arm64"),
            ("linux-armv7", "krew-linux_arm"),
            ("macos-aarch64", "krew-darwin_arm64"),
            ("windows-x86_64", "krew-windows_amd64.exe"),
        ] {
            assert_eq!(
                pick_on(&list, "krew", platform),
                one("krew", path),
                "{platform}"
            );
        }
    }

    #[test]
    fn bin_requests() {
        let ok = |text: &str, name: &str, link: Option<&str>| {
            let req = BinRequest::parse(text).unwrap();
            assert_eq!(req.name, name, "{text}");
            assert_eq!(req.link.as_deref(), link, "{text}");
            assert_eq!(req.to_string(), text);
        };
        ok("multi-a", "multi-a", None);
        ok("multi-a=multi", "multi-a", Some("multi"));
        ok(
            "kubelogin=kubectl-oidc_login",
            "kubelogin",
            Some("kubectl-oidc_login"),
        );
        for bad in [
            "", "=x", "x=", "a/b", "x=../y", "x=a\\b", "..", "x=.", "a=b=c", "a\nb",
        ] {
            let err = BinRequest::parse(bad).unwrap_err();
            assert_eq!(err.exit, ExitCode::Usage, "{bad:?}");
            assert!(
                err.message.starts_with(&format!("`--bin {bad}`")),
                "{bad:?}: {}",
                err.message
            );
        }
        let err = pick(&[("a", true)], &["a=b/c"], "").unwrap_err();
        assert_eq!(
            err.message,
            "`--bin a=b/c`: the link name contains a path separator"
        );
    }

    #[test]
    fn only_programs_for_the_target_pass() {
        use crate::platform::binary::fixtures::{
            EM_AARCH64, EM_X86_64, ElfBuilder, MACHO_ARM64, MACHO_X86_64, fat, macho, pe,
        };
        let p = |s: &str| s.parse::<Platform>().unwrap();
        let linux = p("linux-x86_64");
        let check =
            |head: &[u8], target: Platform| check_program(&binary::identify(head), "tool", target);
        assert!(check(&ElfBuilder::new(EM_X86_64).build(), linux).is_ok());
        assert!(check(b"#!/bin/sh\nexec true\n", linux).is_ok());
        assert!(check(&fat(&[MACHO_X86_64, MACHO_ARM64]), p("macos-aarch64")).is_ok());
        assert!(
            check(&macho(MACHO_X86_64), p("macos-aarch64")).is_ok(),
            "rosetta 2"
        );
        assert!(
            check(&pe(0x14c, false), p("windows-x86_64")).is_ok(),
            "wow64"
        );

        let err = check(&macho(MACHO_ARM64), linux).unwrap_err();
        assert_eq!(err.message, "`tool` is not a program for linux-x86_64");
        assert_eq!(err.causes, ["it is a macos program (Mach-O, aarch64)"]);
        assert!(err.hint.is_some_and(|h| h.contains("--asset")));
        let err = check(&ElfBuilder::new(EM_AARCH64).build(), linux).unwrap_err();
        assert_eq!(err.causes, ["it is an arm64 (aarch64) program"]);
        let err = check(&fat(&[MACHO_ARM64, 12]), p("macos-x86_64")).unwrap_err();
        assert_eq!(
            err.causes,
            ["it is a program for arm64 (aarch64) and 32-bit arm (armv7) only"]
        );
        let err = check(&pe(0x8664, false), linux).unwrap_err();
        assert_eq!(err.causes, ["it is a windows program (PE, x86_64)"]);
        let err = check(b"# notes\nnothing to run\n", linux).unwrap_err();
        assert_eq!(err.causes, ["it is a text file without `#!`"]);

        let mut deb = b"!<arch>\ndebian-binary   ".to_vec();
        deb.resize(64, b' ');
        let err = check_program(&binary::identify(&deb), "tool_1.0_amd64.deb", linux).unwrap_err();
        assert_eq!(
            err.message,
            "`tool_1.0_amd64.deb` is an installer package (.deb), not a program"
        );
        assert!(err.hint.is_some_and(|h| h.contains("not OS packages")));
    }
}
