//! The one check every name passes before it becomes part of a path: asset names and tags from
//! a server, tool and executable names from the catalog, the config file or a flag. A name that
//! fails is refused with a clear error; nothing is ever written under it. The names built of
//! such names live here too: a GitHub repository (`OWNER/REPO`) and a wanted executable
//! (`NAME` or `NAME=LINK`).
//!
//! Pure: no I/O.

use std::fmt;
use std::path::Path;

use crate::error::{ExitCode, UserError, is_bidi_override};

/// The longest name accepted (bytes); file systems allow 255.
pub const MAX_LEN: usize = 200;

/// What a name is, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Asset,
    Tag,
    Tool,
    Executable,
}

impl NameKind {
    fn describe(self) -> &'static str {
        match self {
            NameKind::Asset => "asset name",
            NameKind::Tag => "release tag",
            NameKind::Tool => "tool name",
            NameKind::Executable => "executable name",
        }
    }
}

/// Whether Windows takes `name` for a device in every directory (`CON`, `nul.txt`, `COM1`,
/// `lpt¹`, `nul .x`): its part before the first `.` or `:`, without the spaces Windows drops at
/// its end, is `CON`, `PRN`, `AUX`, `NUL`, `CONIN$`, `CONOUT$`, or `COM` or `LPT` and one digit
/// (superscripts `¹²³` too), in any case.
pub fn windows_device(name: &str) -> bool {
    let stem = name
        .split(['.', ':'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(' ');
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = upper.chars();
    let port: String = chars.by_ref().take(3).collect();
    let digit = chars.next();
    matches!(port.as_str(), "COM" | "LPT")
        && digit.is_some_and(|d| d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
        && chars.next().is_none()
}

/// Why `text` cannot be one path segment, or `None` when it can.
pub fn problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("it is empty");
    }
    if text.len() > MAX_LEN {
        return Some("it is too long");
    }
    if text == "." || text == ".." {
        return Some("it names a directory (`.` or `..`)");
    }
    if text.contains(['/', '\\']) {
        return Some("it contains a path separator");
    }
    if text.contains(':') {
        return Some("it contains `:` (a drive prefix or a Windows stream)");
    }
    if text.chars().any(char::is_control) {
        return Some("it contains control characters");
    }
    if text.chars().any(is_bidi_override) {
        return Some("it contains a bidirectional override (it would show as another name)");
    }
    if text.ends_with(['.', ' ']) || text.starts_with(' ') {
        return Some("it starts or ends with a space or ends with `.`");
    }
    if windows_device(text) {
        return Some("it is a device name on Windows");
    }
    None
}

/// Why `path` (relative, its parts separated by `/`; a `\` counts as one too) cannot be the
/// place of an executable inside its version directory, or `None`. It came from an archive,
/// so on Linux and macOS only what could lead out of the directory is refused: an archive's
/// `aux/` or `a:b` unpacks there. On Windows every part is also a [`problem`]-free name.
/// The install and the reading of a record both ask this, so what one stores the other reads.
pub fn stored_path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with(['/', '\\']) {
        return Some("it is an absolute path");
    }
    path.split(['/', '\\']).find_map(|part| {
        if cfg!(windows) {
            problem(part)
        } else if part.is_empty() {
            Some("it is empty")
        } else if part == "." || part == ".." {
            Some("it names a directory (`.` or `..`)")
        } else if part.contains('\0') {
            Some("it contains a NUL byte")
        } else {
            None
        }
    })
}

/// Whether `a` and `b` are two names that a case-insensitive file system (Windows's, and
/// macOS's by default) takes for one file: they differ, but only in case.
pub fn differ_only_in_case(a: &str, b: &str) -> bool {
    a != b && a.to_lowercase() == b.to_lowercase()
}

/// Whether the paths `a` and `b` are spelled as one file: equal, or, on Windows and macOS
/// (whose file systems ignore case by default), equal but for case. The files need not exist.
pub fn same_path(a: &Path, b: &Path) -> bool {
    a == b || (cfg!(any(windows, target_os = "macos")) && equal_but_for_case(a, b))
}

fn equal_but_for_case(a: &Path, b: &Path) -> bool {
    let lower = |c: std::path::Component<'_>| c.as_os_str().to_string_lossy().to_lowercase();
    a.components().map(lower).eq(b.components().map(lower))
}

/// `text` as one path segment (a file or directory name), or an error naming what it is and
/// why it is refused.
pub fn segment(kind: NameKind, text: &str) -> Result<&str, UserError> {
    match problem(text) {
        None => Ok(text),
        Some(why) => Err(refused(kind, text, why)),
    }
}

/// A release tag: tags may hold `/` (`cli/v1.2.0`), so they become paths only through
/// [`dir_name`]; still never empty, `.`, `..`, overlong or with control characters.
pub fn tag(text: &str) -> Result<&str, UserError> {
    let why = if text.trim().is_empty() {
        Some("it is empty")
    } else if text.len() > MAX_LEN {
        Some("it is too long")
    } else if text == "." || text == ".." {
        Some("it names a directory (`.` or `..`)")
    } else if text.chars().any(char::is_control) {
        Some("it contains control characters")
    } else if text.chars().any(is_bidi_override) {
        Some("it contains a bidirectional override (it would show as another name)")
    } else {
        None
    };
    match why {
        None => Ok(text),
        Some(why) => Err(refused(NameKind::Tag, text, why)),
    }
}

/// A release tag that goes into a URL template (a vendor's `stable.txt`, a tag a version
/// source names): one plain part of a URL path, letters, digits and `.`, `-`, `_`, `+`, `~`,
/// never `.` or `..`. Anything else (`/`, `#`, `?`, `%`, `@`, `\`) would change which URL the
/// template names: climb out of a mirror rule's path, or turn the checksum's URL into the
/// download's.
pub fn url_tag(text: &str) -> Result<&str, UserError> {
    // `tag` refuses `.` and `..` already.
    tag(text)?;
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '~'));
    if plain {
        Ok(text)
    } else {
        Err(refused(
            NameKind::Tag,
            text,
            "a tag filled into a URL may hold only letters, digits and `.`, `-`, `_`, `+`, `~`",
        ))
    }
}

/// A version or tag as one directory name: characters other than letters, digits and
/// `.`, `-`, `_`, `+` become `_`, and a result that is not a safe segment becomes `_`-prefixed.
pub fn dir_name(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    out.truncate(MAX_LEN);
    if problem(&out).is_some() {
        out = format!("_{}", out.trim_matches('.'));
    }
    out
}

fn refused(kind: NameKind, text: &str, why: &str) -> UserError {
    // A name from a server can be as long as the file that held it (a vendor's version file):
    // the message quotes its start.
    const SHOWN: usize = 200;
    let start: String = text.chars().take(SHOWN).collect();
    let shown = if text.chars().nth(SHOWN).is_some() {
        format!("{}… ({} bytes)", start.escape_debug(), text.len())
    } else {
        start.escape_debug().to_string()
    };
    UserError::new(format!("refusing the {} `{shown}`: {why}", kind.describe()))
    .hint(match kind {
        NameKind::Asset | NameKind::Tag => {
            "the release names a file in a way that could write outside haul's directories; report it to the tool's authors"
        }
        NameKind::Tool | NameKind::Executable => {
            "names are file names: letters, digits, `.`, `-`, `_`, no `/`, `\\` or `..`"
        }
    })
    .exit(match kind {
        NameKind::Asset | NameKind::Tag => ExitCode::Failure,
        NameKind::Tool | NameKind::Executable => ExitCode::Usage,
    })
}

/// A GitHub repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl Repo {
    /// Parse `OWNER/REPO`, also given as `github.com/OWNER/REPO` or a full URL.
    pub fn parse(text: &str) -> Option<Repo> {
        let text = text
            .trim()
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("github.com/")
            .trim_end_matches('/')
            .trim_end_matches(".git");
        let (owner, name) = text.split_once('/')?;
        (valid_part(owner) && valid_part(name)).then(|| Repo {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// GitHub's rules: letters, digits, `-`, `_` and `.`, not `.` or `..` alone.
fn valid_part(part: &str) -> bool {
    !part.is_empty()
        && part != "."
        && part != ".."
        && part.len() <= 100
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// One executable wanted: its name in the release, and the name to link it as when the user
/// asked for another (`--bin NAME=LINK`). A record keeps it as the text `--bin` takes, checked
/// again when read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WantedBin {
    pub name: String,
    pub link: Option<String>,
}

impl std::fmt::Display for WantedBin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.link {
            Some(link) => write!(f, "{}={link}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// `--bin`s that would make two links of one name (`--bin alpha=x --bin beta=x`, `--bin a
/// --bin a`; on Windows and macOS, whose file systems ignore case, `--bin a --bin A` too): one
/// would be lost, so it is a usage error.
pub fn distinct_links(bins: &[WantedBin]) -> Result<(), UserError> {
    let same = |a: &str, b: &str| {
        if cfg!(any(windows, target_os = "macos")) {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    for (i, bin) in bins.iter().enumerate() {
        let link = bin.link_name();
        if let Some(other) = bins[..i].iter().find(|other| same(other.link_name(), link)) {
            return Err(UserError::new(format!(
                "`--bin {other}` and `--bin {bin}` would both be linked as `{link}`"
            ))
            .hint("give each executable its own name (`--bin NAME=LINK`)")
            .exit(ExitCode::Usage));
        }
    }
    Ok(())
}

/// The file's name in `NAME=LINK` (`kubectx` of `kubectx=kc`), or `NAME` itself.
pub fn bin_file(bin: &str) -> &str {
    bin.split_once('=').map_or(bin, |(file, _)| file)
}

impl TryFrom<String> for WantedBin {
    type Error = UserError;
    fn try_from(text: String) -> Result<WantedBin, UserError> {
        WantedBin::parse(&text)
    }
}

impl From<WantedBin> for String {
    fn from(bin: WantedBin) -> String {
        bin.to_string()
    }
}

impl WantedBin {
    /// The name it is linked as: `LINK`, else `NAME`.
    pub fn link_name(&self) -> &str {
        self.link.as_deref().unwrap_or(&self.name)
    }

    /// `NAME` or `NAME=LINK` (`--bin`, and the catalog's `bins`); both are checked as file
    /// names.
    pub fn parse(text: &str) -> Result<WantedBin, UserError> {
        let (name, link) = match text.split_once('=') {
            Some((name, link)) => (name, Some(link)),
            None => (text, None),
        };
        for (what, part) in [("name", Some(name)), ("link name", link)] {
            let Some(part) = part else { continue };
            let why = if part.contains('=') {
                Some("contains a second `=`")
            } else {
                problem(part).map(|why| why.strip_prefix("it ").unwrap_or(why))
            };
            if let Some(why) = why {
                return Err(UserError::new(format!("`--bin {text}`: the {what} {why}"))
                    .hint("write `--bin NAME`, or `--bin NAME=LINK` to link it under another name")
                    .exit(ExitCode::Usage));
            }
        }
        Ok(WantedBin {
            name: name.to_owned(),
            link: link.map(str::to_owned),
        })
    }

    /// As asked for where programs end in `exe` (`.exe` on Windows): haul adds the suffix
    /// itself, so `--bin tk.exe` (any case) asks for `tk`, and `--bin tk=k.exe` links `k`.
    /// A name that is the suffix alone stays as it is.
    #[must_use]
    pub fn without_suffix(self, exe: &str) -> WantedBin {
        let cut = |name: String| {
            let keep = name.len().saturating_sub(exe.len());
            let ends = !exe.is_empty()
                && keep > 0
                && name
                    .get(keep..)
                    .is_some_and(|end| end.eq_ignore_ascii_case(exe));
            if ends { name[..keep].to_owned() } else { name }
        };
        WantedBin {
            name: cut(self.name),
            link: self.link.map(cut),
        }
    }

    pub fn plain(name: &str) -> WantedBin {
        WantedBin {
            name: name.to_owned(),
            link: None,
        }
    }
}

/// The first of `items` whose name (`name_of`) is `wanted` as spelled, else in any case
/// (`KUBENS` is `kubens`, where nothing is named `KUBENS`).
pub fn spelled_or_any_case<'a, T>(
    items: &'a [T],
    wanted: &str,
    name_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    items
        .iter()
        .find(|item| name_of(item) == wanted)
        .or_else(|| {
            items
                .iter()
                .find(|item| name_of(item).eq_ignore_ascii_case(wanted))
        })
}

/// Up to three of `candidates` close to `name` (in any case), closest first, for "did you
/// mean" hints: a few letters off, or holding it.
pub fn close_to<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let name = name.trim().to_ascii_lowercase();
    // Two letters are close to every short name: nothing is suggested for them.
    if name.chars().count() < 3 {
        return Vec::new();
    }
    // One letter off in a short name, more in a longer one.
    let near = if name.chars().count() <= 4 {
        1
    } else {
        2.max(name.len() / 4)
    };
    let mut close: Vec<(usize, &str)> = candidates
        .map(|candidate| {
            (
                strsim::osa_distance(&name, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(d, candidate)| *d <= near || candidate.to_ascii_lowercase().contains(&name))
        .collect();
    // Nearest first; among equals, in the order given (a caller's better names first), and a
    // name once, however it is cased (`Mixed` beside `mixed`).
    close.sort_by_key(|(d, _)| *d);
    let mut seen: Vec<String> = Vec::new();
    close.retain(|(_, c)| {
        let lower = c.to_ascii_lowercase();
        let new = !seen.contains(&lower);
        seen.push(lower);
        new
    });
    close.into_iter().take(3).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    /// Suggestions are names a few letters off, never for a name too short to tell.
    #[test]
    fn close_names_are_a_few_letters_off() {
        let installed = ["gt", "solo", "widget", "kubectl"];
        let close = |name: &str| super::close_to(name, installed.iter().copied());
        assert_eq!(close("widgte"), ["widget"]);
        assert_eq!(close("sollo"), ["solo"]);
        assert_eq!(close("kubctl"), ["kubectl"]);
        assert_eq!(close("kube"), ["kubectl"]);
        // Two letters swapped are one slip.
        assert_eq!(close("sloo"), ["solo"]);
        for far in ["x", "s", "ab", "o", "zzz", "gtx5"] {
            assert!(close(far).is_empty(), "{far}: {:?}", close(far));
        }
    }

    /// A name is suggested once however it is cased, as first given (a caller gives its
    /// better names first), nearest first.
    #[test]
    fn a_name_is_suggested_once_in_any_case() {
        let given = ["mixed", "Mixed", "MIXED"];
        assert_eq!(super::close_to("mixd", given.iter().copied()), ["mixed"]);
        let given = ["Mixed", "mixed"];
        assert_eq!(super::close_to("mixd", given.iter().copied()), ["Mixed"]);
        let given = ["mixer", "mixed"];
        assert_eq!(
            super::close_to("mixed", given.iter().copied()),
            ["mixed", "mixer"]
        );
    }

    use super::*;

    #[test]
    fn a_windows_suffix_typed_is_the_program_asked_for() {
        let asked = |text: &str, exe: &str| {
            WantedBin::parse(text)
                .unwrap()
                .without_suffix(exe)
                .to_string()
        };
        assert_eq!(asked("tk.exe", ".exe"), "tk");
        assert_eq!(asked("TK.EXE=k", ".exe"), "TK=k");
        assert_eq!(asked("tk=k.Exe", ".exe"), "tk=k");
        assert_eq!(asked(".exe", ".exe"), ".exe");
        assert_eq!(asked("tk.exe", ""), "tk.exe");
        assert_eq!(asked("tk.exe.sig", ".exe"), "tk.exe.sig");
    }

    #[test]
    fn paths_equal_but_for_case_are_one_where_case_is_ignored() {
        let (a, b) = (Path::new("/bin/Widget.exe"), Path::new("/BIN/widget.exe"));
        assert!(equal_but_for_case(a, b));
        assert!(!equal_but_for_case(a, Path::new("/bin/widget2.exe")));
        assert_eq!(same_path(a, b), cfg!(any(windows, target_os = "macos")));
        assert!(same_path(a, a));
        assert!(differ_only_in_case("Widget", "widget"));
        assert!(!differ_only_in_case("widget", "widget"));
        assert!(!differ_only_in_case("widget", "widgets"));
    }

    #[test]
    fn a_stored_path_never_leads_out_and_follows_the_platform() {
        for bad in ["", "a//x", "../x", "a/./x", "a\\..\\x", "a/\0/x"] {
            assert!(stored_path_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["x", "tool-1.0/bin/x", "a\\x"] {
            assert_eq!(stored_path_problem(good), None, "{good:?}");
        }
        for absolute in ["/etc/passwd", "\\evil\\x"] {
            assert_eq!(
                stored_path_problem(absolute),
                Some("it is an absolute path"),
                "{absolute:?}"
            );
        }
        // Names Windows cannot hold are kept where they unpack.
        for windows_only in ["aux/x", "a:b/x", "dir./x"] {
            assert_eq!(
                stored_path_problem(windows_only).is_some(),
                cfg!(windows),
                "{windows_only:?}"
            );
        }
    }

    #[test]
    fn a_tag_for_a_url_template_is_one_plain_part_of_a_path() {
        for good in [
            "v1.31.0",
            "1.9.8",
            "v3.16.2",
            "1.10.0+ent",
            "v1.0.0-rc.1",
            "2024_01~1",
        ] {
            assert_eq!(url_tag(good).ok(), Some(good), "{good:?}");
        }
        for bad in [
            "x/../../../outside/v1.31.0",
            "v1.31.0#",
            "v1.31.0?x=1",
            "v1%2f..",
            "v1@evil",
            "v1\\x",
            "..",
            "",
            "v1 .0",
        ] {
            assert!(url_tag(bad).is_err(), "{bad:?}");
        }
    }

    /// A refused name from a server is quoted by its start only: a vendor's version file can
    /// be megabytes, all of which used to land in the message.
    #[test]
    fn a_long_refused_name_is_quoted_by_its_start() {
        let long = format!("v1.0.0\n{}", "x".repeat(1 << 20));
        let err = tag(&long).unwrap_err();
        assert!(err.message.len() < 400, "{}", err.message.len());
        assert!(
            err.message.contains(&format!("… ({} bytes)", long.len())),
            "{}",
            err.message
        );
        assert!(
            err.message
                .starts_with("refusing the release tag `v1.0.0\\nxx"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_every_way_out_of_a_directory() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "/abs/dir/x_linux_amd64_/../dotfile",
            "..\\..\\x",
            "C:x",
            "c:\\windows",
            "x\0y",
            "x\ny",
            "tool\u{1b}[31m",
            "evil\u{202e}zg.rat.exe",
            "x\u{2066}y",
            "name.",
            " lead",
            "con",
            "NUL.txt",
            "Com1.exe",
            &"x".repeat(MAX_LEN + 1),
        ] {
            assert!(
                segment(NameKind::Asset, bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        for good in [
            "fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz",
            "kubectl.exe",
            "a..b",
            ".hidden-but-fine",
            "console",
            "größe",
        ] {
            assert_eq!(segment(NameKind::Asset, good).ok(), Some(good));
        }
    }

    #[test]
    fn tags_may_hold_slashes_but_never_become_paths_as_they_are() {
        assert!(tag("cli/v1.2.0").is_ok());
        assert!(tag("@scope/name@2.5.0").is_ok());
        for bad in ["", " ", ".", "..", "v1\u{7}", &"1".repeat(MAX_LEN + 1)] {
            assert!(tag(bad).is_err(), "{bad:?}");
        }
        assert_eq!(dir_name("cli/v1.2.0"), "cli_v1.2.0");
        assert_eq!(dir_name("1.2.3+build"), "1.2.3+build");
        assert_eq!(dir_name(".."), "_");
        assert_eq!(dir_name("con"), "_con");
        assert!(problem(&dir_name("../../etc")).is_none());
    }

    #[test]
    fn messages_show_the_name_escaped() {
        let err = segment(NameKind::Executable, "a\u{1b}b").unwrap_err();
        assert!(err.message.contains("a\\u{1b}b"), "{}", err.message);
        assert_eq!(err.exit, ExitCode::Usage);
    }
}
