//! Finding the executables a user wants in an unpacked release.
//!
//! Reads the staging directory; writes nothing. The choice itself ([`choose`]) is pure.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::UserError;
use crate::platform::words::{self, ArchWord};
use crate::platform::{Arch, Platform};

/// A file in the unpacked tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Relative to the unpacked directory, with `/` separators.
    pub path: String,
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
    let mut magic = [0u8; 4];
    let mut file = fs_err::File::open(path)?;
    let n = file.read(&mut magic)?;
    let magic = &magic[..n];
    Ok(magic.starts_with(b"\x7fELF")
        || magic.starts_with(b"MZ")
        || magic.starts_with(b"#!")
        || matches!(
            magic,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf]
                | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
                | [0xca, 0xfe, 0xba, 0xbe]
        ))
}

/// Pick the executables named `wanted` (or the one the release plainly holds when a single
/// tool is wanted and nothing is named after it).
///
/// For each name, in order: a file called exactly that (plus `exe_suffix`); a program whose
/// name is that plus a platform suffix (`yq_linux_amd64`); the only program in the release.
pub fn choose(
    files: &[Found],
    wanted: &[String],
    platform: Platform,
) -> Result<Vec<Chosen>, UserError> {
    // A release that holds a build per arch (`x86_64/tool`, `aarch64/tool`) in one archive:
    // the other arches' copies are not candidates. An archive of one build for another arch
    // (run under emulation) has nothing left that way, and is taken whole.
    let native: Vec<&Found> = files
        .iter()
        .filter(|f| !other_arch(&f.path, platform.arch))
        .collect();
    choose_among(&native, wanted, platform)
        .or_else(|_| choose_among(&files.iter().collect::<Vec<_>>(), wanted, platform))
}

fn choose_among(
    files: &[&Found],
    wanted: &[String],
    platform: Platform,
) -> Result<Vec<Chosen>, UserError> {
    let exe_suffix = platform.exe_suffix();
    let windows = !exe_suffix.is_empty();
    let programs: Vec<&Found> = files
        .iter()
        .copied()
        .filter(|f| {
            if windows {
                f.file_name().to_ascii_lowercase().ends_with(exe_suffix)
            } else {
                f.executable
            }
        })
        .collect();
    let mut chosen = Vec::new();
    for name in wanted {
        let exact = format!("{name}{exe_suffix}");
        let matches_exact = |f: &&Found| {
            if windows {
                f.file_name().eq_ignore_ascii_case(&exact)
            } else {
                f.file_name() == exact
            }
        };
        let by_name = files
            .iter()
            .copied()
            .filter(matches_exact)
            .filter(|f| windows || f.executable || programs.is_empty())
            .min_by_key(|f| f.depth());
        let by_prefix = || {
            programs
                .iter()
                .filter(|f| {
                    let file = f.file_name();
                    file.strip_prefix(name.as_str())
                        .is_some_and(|rest| rest.starts_with(['-', '_', '.']))
                })
                .min_by_key(|f| (f.depth(), f.file_name().len()))
                .copied()
        };
        let only = || (wanted.len() == 1 && programs.len() == 1).then(|| programs[0]);
        let Some(found) = by_name.or_else(by_prefix).or_else(only) else {
            let listed: Vec<&str> = programs.iter().map(|f| f.path.as_str()).collect();
            let mut err = UserError::new(format!("the release has no executable named `{name}`"));
            err = if listed.is_empty() {
                err.caused_by("it holds no executable files at all")
            } else {
                err.caused_by(format!("executables: {}", listed.join(", ")))
                    .hint("pass `--bin NAME` for each executable to install")
            };
            return Err(err);
        };
        chosen.push(Chosen {
            name: link_name(name, found, wanted.len() == 1),
            path: found.path.clone(),
        });
    }
    Ok(chosen)
}

/// Whether a directory on `path` names an arch other than `arch` (`aarch64/minisign` on
/// `x86_64`).
fn other_arch(path: &str, arch: Arch) -> bool {
    let Some((dirs, _)) = path.rsplit_once('/') else {
        return false;
    };
    dirs.split(['/', '-', '_', '.'])
        .filter_map(|word| match words::arch(&word.to_ascii_lowercase()) {
            Some(ArchWord::Is(named)) => Some(named),
            _ => None,
        })
        .any(|named| named != arch)
}

/// The name in the bin dir: the wanted name, unless the release's only program has a plain
/// name of its own (`ripgrep` ships `rg`).
fn link_name(wanted: &str, found: &Found, single: bool) -> String {
    let file = found.file_name();
    let stem = file
        .strip_suffix(".exe")
        .or_else(|| file.strip_suffix(".EXE"))
        .unwrap_or(file);
    let named_after_wanted = stem == wanted
        || stem.starts_with(&format!("{wanted}-"))
        || stem.starts_with(&format!("{wanted}_"))
        || stem.starts_with(&format!("{wanted}."));
    if !single || named_after_wanted || looks_platform_specific(stem) {
        wanted.to_owned()
    } else {
        stem.to_owned()
    }
}

/// Whether a file name carries an OS or arch word (`yq_linux_amd64`, `jq-linux64`).
fn looks_platform_specific(stem: &str) -> bool {
    stem.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .any(|token| {
            words::os(token).is_some()
                || words::arch(token).is_some()
                || ["linux", "darwin", "macos", "windows", "win", "freebsd"]
                    .iter()
                    .any(|os| {
                        token
                            .strip_prefix(os)
                            .is_some_and(|rest| rest == "32" || rest == "64")
                    })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!other_arch("tool-linux-arm64", Arch::X86_64));
        assert!(other_arch("arm64/tool", Arch::X86_64));
        assert!(!other_arch(
            "tool-1.0-x86_64-unknown-linux-musl/tool",
            Arch::X86_64
        ));
    }

    #[test]
    fn a_prefix_needs_a_separator() {
        // `helmfile` is not `helm`.
        let list = [("helmfile", true), ("other", true)];
        assert!(pick(&list, &["helm"], "").is_err());
    }
}
