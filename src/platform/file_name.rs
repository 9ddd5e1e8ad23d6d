//! What a program's file name says: a platform suffix (`tool_linux_amd64`,
//! `tool-x86_64-unknown-linux-musl`) and the plain name the program answers to. Pure.

use crate::platform::words::{self, ArchWord, Glued, LibcWord, OsWord};
use crate::platform::{Arch, Libc, Os, Platform};

/// The name without `.exe` (any case), when it has it.
pub fn exe_stem(file: &str) -> Option<&str> {
    let cut = file.len().checked_sub(4)?;
    (file.is_char_boundary(cut) && file[cut..].eq_ignore_ascii_case(".exe")).then(|| &file[..cut])
}

/// What a run of name tokens says about a platform: each token an OS, arch, libc, vendor or
/// version word (`linux_amd64`, `x86_64-unknown-linux-musl`, `v1.2.3-darwin-arm64`).
#[derive(Default)]
pub struct Reading {
    os: Option<OsWord>,
    arch: Option<ArchWord>,
    libc: Option<LibcWord>,
}

/// Reads `text` as platform words; `None` when a token is something else.
pub fn read_platform(text: &str) -> Option<Reading> {
    let lower = text.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(['-', '_', '.'])
        .filter(|t| !t.is_empty())
        .collect();
    let mut reading = Reading::default();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        if let Some(arch) = tokens.get(i + 1).and_then(|next| words::arch_pair(t, next)) {
            reading.arch.get_or_insert(arch);
            i += 2;
            continue;
        }
        i += 1;
        if let Some(os) = words::os(t) {
            reading.os.get_or_insert(os);
        } else if let Some((os, libc)) = words::os_with_libc(t) {
            reading.os.get_or_insert(OsWord::Is(os));
            reading.libc.get_or_insert(libc);
        } else if let Some(arch) = words::arch(t) {
            reading.arch.get_or_insert(arch);
        } else if let Some(libc) = words::libc(t) {
            reading.libc.get_or_insert(libc);
        } else if let Some((os, glued)) = words::glued_os(t) {
            reading.os.get_or_insert(OsWord::Is(os));
            if let Glued::Bits(arch) | Glued::Arch(arch) = glued {
                reading.arch.get_or_insert(arch);
            }
        } else if !(words::is_vendor(t) || is_version(t) || matches!(t, "static" | "bin")) {
            return None;
        }
    }
    Some(reading)
}

/// `1`, `2024`, `v1`, `3rc2`: a version or a piece of one (names split on `.` too).
fn is_version(token: &str) -> bool {
    let token = token.strip_prefix('v').unwrap_or(token);
    let digits = token.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &token[digits..];
    digits > 0
        && (rest.is_empty()
            || ["rc", "alpha", "beta", "pre"].iter().any(|p| {
                rest.strip_prefix(p)
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
            }))
}

/// How well a reading fits `platform`: `None` when it names another OS, arch or libc; smaller
/// is better (the exact arch named before none named).
pub fn fit(reading: &Reading, platform: Platform) -> Option<u8> {
    if reading.os.is_some_and(|os| os != OsWord::Is(platform.os)) {
        return None;
    }
    let musl_host = platform.libc == Some(Libc::Musl);
    if musl_host && reading.libc == Some(LibcWord::Gnu) {
        return None;
    }
    let arch = match (reading.arch, platform.arch) {
        (None, _) => 1,
        (Some(ArchWord::Is(a)), h) if a == h => 0,
        (Some(ArchWord::Armv6 | ArchWord::BareArm), Arch::Armv7)
        | (Some(ArchWord::BareArm), Arch::Aarch64)
        | (Some(ArchWord::BareX86), Arch::X86_64 | Arch::I686) => 2,
        (Some(ArchWord::Universal), _) if platform.os == Os::MacOs => 2,
        _ => return None,
    };
    Some(arch)
}

/// The name a program's file `file` answers to when an executable is asked for by name: its
/// own, less `.exe` and a platform suffix (`tool_linux_amd64` is `tool`); `None` when the
/// whole name is a platform.
pub fn plain_name(file: &str) -> Option<String> {
    let stem = exe_stem(file).unwrap_or(file);
    if read_platform(stem).is_some() {
        return None;
    }
    let cut = stem
        .char_indices()
        .filter(|&(_, c)| matches!(c, '-' | '_' | '.'))
        .map(|(at, _)| at)
        .find(|&at| read_platform(&stem[at + 1..]).is_some());
    Some(cut.map_or_else(|| stem.to_owned(), |at| stem[..at].to_owned()))
}

/// The link name of a release's only program, taken for the one executable asked for as
/// `asked` (linked as `link` when `NAME=LINK` asked so): that link, else the program's own
/// name less a platform suffix (`rgx` for `rg`; `tool_linux_amd64` is `tool`), else, when its
/// whole name is a platform, the name asked for. The chooser links it so, and a stored
/// version is read back by the same rule.
pub fn only_program_link(file: &str, asked: &str, link: Option<&str>) -> String {
    link.map_or_else(
        || plain_name(file).unwrap_or_else(|| asked.to_owned()),
        str::to_owned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_answers_to_its_name_less_a_platform_suffix() {
        for (file, plain) in [
            ("widget", Some("widget")),
            ("widget.exe", Some("widget")),
            ("tool_linux_amd64", Some("tool")),
            ("tool-v1.2.3-darwin-arm64", Some("tool")),
            (
                "kubectl-argo-rollouts-linux-amd64",
                Some("kubectl-argo-rollouts"),
            ),
            ("gizmo-lite", Some("gizmo-lite")),
            ("linux-amd64", None),
        ] {
            assert_eq!(plain_name(file).as_deref(), plain, "{file}");
        }
    }
}
