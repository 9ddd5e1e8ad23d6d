//! Asset selection: given the asset names of one release and a target platform, pick the file to
//! install and say why. Pure: no I/O; the caller fetches releases and acts on the answer.
//!
//! Rule order (each step narrows what the one before left):
//! 1. `--asset REGEX` keeps only matching names; a single match is taken as it is.
//! 2. Files that are not programs are dropped: checksums, signatures, certificates, keys, SBOMs,
//!    manifests, scripts, source/vendor/completion/man bundles, and names that carry neither an OS
//!    nor an arch. OS installer packages (.deb .rpm .apk .msi .pkg .dmg, app bundles, snaps, …) are
//!    set aside: they are only reported, never picked.
//! 3. A release holding several tools keeps the assets named after the tool (whole tokens, so
//!    `tool` is not `tool_extended`), else after the repository, else those containing either.
//! 4. What runs natively: same OS; same arch, or an armv6 build on armv7, a universal build on
//!    macOS, an arch-less build on `x86_64`/`aarch64`; never a glibc build on a musl host.
//! 5. Ranked, best first: on a musl host a build marked musl/static; exact arch, then universal,
//!    then compatible, then arch-less; OS named over OS guessed; on glibc Linux a static musl build
//!    (it runs everywhere); the tool name in its exact case; the fewest unexplained words
//!    (`-full`, `-nocgo`, `-pgo`, `_extras`); the usual format of the OS (zip/exe on Windows,
//!    tarballs elsewhere); msvc over mingw.
//! 6. Nothing native: an emulated build, flagged in `emulated`: `x86_64` under Rosetta 2 on Apple
//!    silicon, `x86_64` on Windows on Arm, 32-bit x86 under `WoW64` on 64-bit Windows.
//! 7. Still nothing: say so, naming the installer packages when only those exist.
//!
//! Names are read as tokens (split on `-` `_` `.`). Spellings that mean different things in
//! different releases (`x86`, a bare `arm`, no arch at all) are settled by how the rest of the
//! release names its builds: see `settle`.

use regex::Regex;

use crate::platform::{Arch, Libc, Os, Platform};

/// What the caller wants installed.
pub struct Request<'a> {
    /// The executable wanted (`kubens`, `hugo`, `rg`); usually the repository name.
    pub tool: &'a str,
    /// The repository name (`ripgrep` for `BurntSushi/ripgrep`), a second naming hint.
    pub repo: &'a str,
    /// The user's `--asset REGEX` override.
    pub asset_pattern: Option<&'a Regex>,
}

/// The decision, with the reason shown by `haul info` and in errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub asset: Option<String>,
    /// Lowercase, no trailing period.
    pub reason: String,
    /// Set when the chosen build needs the OS to emulate another architecture.
    pub emulated: Option<Emulation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Emulation {
    /// An `x86_64` macOS build on Apple silicon.
    Rosetta2,
    /// A 32-bit x86 Windows build on 64-bit Windows.
    Wow64,
    /// An `x86_64` Windows build on Windows on Arm.
    WindowsArm64X64,
}

impl Emulation {
    /// What the emulator is called, for messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Emulation::Rosetta2 => "rosetta 2",
            Emulation::Wow64 => "wow64",
            Emulation::WindowsArm64X64 => "x64 emulation on windows on arm",
        }
    }

    /// The kind of build it runs.
    fn runs(self) -> &'static str {
        match self {
            Emulation::Wow64 => "32-bit x86",
            Emulation::Rosetta2 | Emulation::WindowsArm64X64 => "x86_64",
        }
    }
}

/// How an asset is packed: whether it can be installed at all, and how well it suits an OS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Tarball,
    Zip,
    /// A single compressed file (`.gz`, `.xz`, `.zst`, `.bz2`).
    Compressed,
    Exe,
    /// No extension: the executable itself.
    Bare,
    /// An OS package or app bundle, labelled for messages.
    Installer(&'static str),
    Junk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BuildOs {
    Unknown,
    Is(Os),
    /// An OS haul does not run on (netbsd, android, wasm, …).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BuildArch {
    Unknown,
    Is(Arch),
    /// Pre-v7 32-bit ARM (armv5, armv6, armel), which an armv7 host runs.
    Armv6,
    /// i586, which an i686 host runs.
    I586,
    /// A macOS fat binary.
    Universal,
    Other,
    /// `arm` alone: 32-bit ARM or arm64, settled by the release.
    BareArm,
    /// `x86` alone: i686 or `x86_64`, settled by the release.
    BareX86,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BuildLibc {
    Unknown,
    Gnu,
    /// musl or fully static: runs on any Linux.
    Musl,
}

/// What one token, or a two-token spelling such as `x86_64` or `64-bit`, says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Os(BuildOs),
    /// An OS with a definite arch (`winarm64`).
    OsArch(Os, BuildArch),
    /// An OS with an arch hint that a real arch word overrides (`win32`, `linux64`).
    OsHint(Os, BuildArch),
    OsLibc(Os, BuildLibc),
    Arch(BuildArch),
    /// `all`, which means universal next to a macOS name.
    All,
    Libc(BuildLibc),
    /// Versions and vendors (`unknown`, `pc`): they say nothing.
    Neutral,
    Installer,
    Junk,
    Unknown,
}

fn word(t: &str) -> Word {
    use BuildArch as A;
    let os = |o| Word::Os(BuildOs::Is(o));
    match t {
        "linux" => os(Os::Linux),
        "alpine" | "musllinux" | "linuxstatic" => Word::OsLibc(Os::Linux, BuildLibc::Musl),
        "manylinux" | "ubuntu" | "debian" => Word::OsLibc(Os::Linux, BuildLibc::Gnu),
        "darwin" | "macos" | "macosx" | "osx" | "mac" | "apple" => os(Os::MacOs),
        "windows" | "win" | "exe" => os(Os::Windows),
        "mingw" | "mingw32" | "mingw64" => Word::OsLibc(Os::Windows, BuildLibc::Gnu),
        "freebsd" => os(Os::FreeBsd),
        "netbsd" | "openbsd" | "dragonfly" | "dragonflybsd" | "solaris" | "illumos" | "sunos"
        | "aix" | "plan9" | "android" | "ios" | "js" | "wasm" | "wasi" | "dos" | "node"
        | "nodejs" | "haiku" | "fuchsia" | "emscripten" => Word::Os(BuildOs::Other),
        "x86_64" | "amd64" | "x64" | "x8664" | "64bit" | "intel" => Word::Arch(A::Is(Arch::X86_64)),
        "aarch64" | "arm64" | "armv8" | "armv8a" | "arm64e" => Word::Arch(A::Is(Arch::Aarch64)),
        "armv7" | "armv7l" | "armv7a" | "armv7hl" | "armv7hf" | "armhf" | "arm32" | "arm7" => {
            Word::Arch(A::Is(Arch::Armv7))
        }
        "armv6" | "armv6l" | "armv6hf" | "armv5" | "armv5te" | "armel" | "arm6" | "arm5" => {
            Word::Arch(A::Armv6)
        }
        "arm" => Word::Arch(A::BareArm),
        "i686" | "i386" | "386" | "ia32" | "32bit" | "x32" => Word::Arch(A::Is(Arch::I686)),
        "i586" => Word::Arch(A::I586),
        "x86" => Word::Arch(A::BareX86),
        "universal" | "universal2" | "fat" => Word::Arch(A::Universal),
        "all" => Word::All,
        "ppc" | "ppc64" | "ppc64le" | "ppc64el" | "powerpc" | "powerpc64" | "powerpc64le"
        | "s390x" | "riscv64" | "riscv64gc" | "mips" | "mipsle" | "mipsel" | "mips64"
        | "mips64le" | "mips64el" | "loong64" | "loongarch64" | "sparc64" | "armeb" | "m68k"
        | "wasm32" => Word::Arch(A::Other),
        "gnu" | "glibc" | "gnueabihf" | "gnueabi" | "gnuabi64" => Word::Libc(BuildLibc::Gnu),
        "musl" | "musleabi" | "musleabihf" | "muslabi64" | "static" => Word::Libc(BuildLibc::Musl),
        // Vendors, release channels, and `cli`: haul installs command-line tools, so
        // `tool-cli-…` is the tool itself rather than a variant of it.
        "unknown" | "pc" | "ibm" | "w64" | "none" | "rc" | "alpha" | "beta" | "stable"
        | "nightly" | "version" | "preview" | "cli" | "msvc" | "gnullvm" => Word::Neutral,
        "installer" | "setup" => Word::Installer,
        "src" | "source" | "sources" | "vendor" | "vendored" | "completion" | "completions"
        | "manpage" | "manpages" | "man" | "doc" | "docs" | "sbom" | "sboms" | "symbols"
        | "debug" | "dbg" | "license" | "licence" | "readme" | "changelog" | "checksum"
        | "checksums" | "attestation" | "provenance" | "signature" | "schema" | "sha256"
        | "sha512" | "md5" => Word::Junk,
        _ => shaped_word(t),
    }
}

/// OS words that releases glue to an arch or a bit width (`linux64`, `win32`, `winarm64`).
const GLUED: [(&str, Os); 7] = [
    ("linux", Os::Linux),
    ("freebsd", Os::FreeBsd),
    ("windows", Os::Windows),
    ("win", Os::Windows),
    ("macos", Os::MacOs),
    ("osx", Os::MacOs),
    ("darwin", Os::MacOs),
];

/// Words recognised by shape rather than spelling: versions, `glibc231`, `*sums`, glued OS words.
fn shaped_word(t: &str) -> Word {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let starts_digit = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    if starts_digit(t)
        || t.strip_prefix('v').is_some_and(starts_digit)
        || ["rc", "beta", "alpha"]
            .iter()
            .any(|p| t.strip_prefix(p).is_some_and(digits))
    {
        return Word::Neutral;
    }
    if t.strip_prefix("glibc").is_some_and(digits) {
        return Word::Libc(BuildLibc::Gnu);
    }
    if t.ends_with("sums") {
        return Word::Junk;
    }
    for (prefix, os) in GLUED {
        let Some(rest) = t.strip_prefix(prefix) else {
            continue;
        };
        match (rest, word(rest)) {
            ("32", _) => return Word::OsHint(os, BuildArch::Is(Arch::I686)),
            ("64", _) => return Word::OsHint(os, BuildArch::Is(Arch::X86_64)),
            // `macos10`, `freebsd14`: an OS version.
            (r, _) if digits(r) => return Word::Os(BuildOs::Is(os)),
            (_, Word::Arch(arch)) => return Word::OsArch(os, arch),
            _ => {}
        }
    }
    if ["netbsd", "openbsd"]
        .iter()
        .any(|p| t.strip_prefix(p).is_some_and(digits))
    {
        return Word::Os(BuildOs::Other);
    }
    Word::Unknown
}

/// Spellings the tokenizer splits in two.
fn pair(a: &str, b: &str) -> Option<Word> {
    use BuildArch as A;
    Some(match (a, b) {
        ("x86" | "amd" | "intel", "64") | ("64", "bit") => Word::Arch(A::Is(Arch::X86_64)),
        ("x86", "32") | ("32", "bit") => Word::Arch(A::Is(Arch::I686)),
        ("aarch" | "arm", "64") => Word::Arch(A::Is(Arch::Aarch64)),
        ("arm", "v7" | "7") => Word::Arch(A::Is(Arch::Armv7)),
        ("arm", "v6" | "6" | "v5" | "5") => Word::Arch(A::Armv6),
        ("ppcle" | "ppc" | "s390" | "mips" | "riscv", "64") => Word::Arch(A::Other),
        ("mac", "os") => Word::Os(BuildOs::Is(Os::MacOs)),
        ("universal", "binary") => Word::Arch(A::Universal),
        _ => return None,
    })
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(['-', '_', '.', ' ', '+'])
        .filter(|t| !t.is_empty())
        .collect()
}

/// Each word with the index of its first token.
fn read(tokens: &[&str]) -> Vec<(usize, Word)> {
    let mut words = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(w) = tokens.get(i + 1).and_then(|next| pair(tokens[i], next)) {
            words.push((i, w));
            i += 2;
        } else {
            words.push((i, word(tokens[i])));
            i += 1;
        }
    }
    words
}

/// OS packages and app bundles, by extension; the extension is the label shown in messages.
const INSTALLERS: [&str; 17] = [
    ".pkg.tar.zst",
    ".pkg.tar.xz",
    ".app.zip",
    ".app.tar.gz",
    ".deb",
    ".rpm",
    ".apk",
    ".msi",
    ".msix",
    ".msixbundle",
    ".appx",
    ".pkg",
    ".dmg",
    ".snap",
    ".flatpak",
    ".appimage",
    ".nupkg",
];
const TARBALLS: [&str; 10] = [
    ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2", ".tbz", ".tar",
];
const COMPRESSED: [&str; 4] = [".gz", ".xz", ".zst", ".bz2"];
/// Extensions of files that are never a program: checksums, signatures, keys, metadata, scripts,
/// language packages, editor extensions, debug info, and archives haul cannot unpack (`.7z`).
const JUNK_EXTS: &str = "sha256 sha512 sha1 sha md5 sum sha256sum sha512sum md5sum sig asc pem \
    crt cert pub minisig sigstore sbom spdx json jsonl txt md yaml yml toml xml html pdf sh ps1 \
    bat cmd rb py whl jar aar aab vsix debug pdb zsync tpz 7z rmd160 b3 lock";

/// Splits a lowercased name into the part that carries words and the kind of file.
fn split_format(lower: &str) -> (&str, Kind) {
    for ext in INSTALLERS {
        if let Some(stem) = lower.strip_suffix(ext) {
            // `.app.zip` and `.app.tar.gz` are both macOS app bundles.
            let label = if ext.starts_with(".app.") {
                ".app"
            } else {
                ext
            };
            return (stem, Kind::Installer(label));
        }
    }
    let packed: [(&[&str], Kind); 4] = [
        (&TARBALLS, Kind::Tarball),
        (&[".zip"], Kind::Zip),
        (&COMPRESSED, Kind::Compressed),
        (&[".exe"], Kind::Exe),
    ];
    for (exts, kind) in packed {
        if let Some(stem) = exts.iter().find_map(|ext| lower.strip_suffix(ext)) {
            return (stem, kind);
        }
    }
    match lower.rsplit_once('.') {
        Some((stem, ext)) if JUNK_EXTS.split_whitespace().any(|e| e == ext) => (stem, Kind::Junk),
        // An unfamiliar alphabetic extension (`.service`, `.desktop`) is some other file type;
        // anything else after the last dot (`tool.x86_64`, `tool.linux.arm`) is part of a name.
        Some((stem, ext))
            if ext.bytes().all(|b| b.is_ascii_alphabetic()) && word(ext) == Word::Unknown =>
        {
            (stem, Kind::Junk)
        }
        _ => (lower, Kind::Bare),
    }
}

/// The tool and repository names as tokens, for matching asset names.
struct Names<'a> {
    tool: &'a str,
    repo: &'a str,
    tool_tokens: Vec<String>,
    repo_tokens: Vec<String>,
}

impl<'a> Names<'a> {
    fn new(req: &Request<'a>) -> Self {
        let split = |s: &str| {
            tokens(&s.to_ascii_lowercase())
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        Names {
            tool: req.tool,
            repo: req.repo,
            tool_tokens: split(req.tool),
            repo_tokens: split(req.repo),
        }
    }
}

/// How an asset's name matches the request, best last: `Part` contains the tool or repository
/// name inside a longer name (`tool-binary`, `tool_desktop`); `Repo` and `Tool` are that name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    No,
    Part,
    Repo,
    Tool,
}

/// One asset name, read.
#[derive(Clone, Debug)]
struct Asset<'a> {
    name: &'a str,
    kind: Kind,
    os: BuildOs,
    /// The OS came from the file type (`.exe`, `.deb`) or an arch-only name, not from a word.
    os_guessed: bool,
    arch: BuildArch,
    /// How an ambiguous arch was read, for the reason.
    arch_note: Option<&'static str>,
    libc: BuildLibc,
    named: Named,
    /// The name starts with the tool (or repository) name spelled exactly, case included.
    exact_case: bool,
    /// Words nothing explains (`full`, `nocgo`, `desktop`): a variant, not the plain build.
    extras: usize,
}

impl Asset<'_> {
    fn is_program(&self) -> bool {
        matches!(
            self.kind,
            Kind::Tarball | Kind::Zip | Kind::Compressed | Kind::Exe | Kind::Bare
        )
    }

    /// Neither OS nor arch: a source tarball, a script, docs; never installable as it is.
    fn is_platformless(&self) -> bool {
        self.os == BuildOs::Unknown && self.arch == BuildArch::Unknown
    }

    /// Counts as a build, and as evidence of how the release names its builds.
    fn is_build(&self) -> bool {
        self.kind != Kind::Junk && !self.is_platformless()
    }

    /// Takes in one word of the name; `hint` collects arch hints of glued OS words.
    fn absorb(&mut self, w: Word, hint: &mut BuildArch) {
        let mut set_os = |o| {
            if self.os == BuildOs::Unknown {
                self.os = BuildOs::Is(o);
            }
        };
        match w {
            Word::Os(BuildOs::Is(o)) => set_os(o),
            Word::OsArch(o, a) => {
                set_os(o);
                self.set_arch(a);
            }
            Word::OsHint(o, a) => {
                set_os(o);
                if *hint == BuildArch::Unknown {
                    *hint = a;
                }
            }
            Word::OsLibc(o, l) => {
                set_os(o);
                self.libc = l;
            }
            Word::Arch(a) => self.set_arch(a),
            Word::Libc(l) if self.libc == BuildLibc::Unknown => self.libc = l,
            Word::Installer if self.kind == Kind::Exe => {
                self.kind = Kind::Installer(".exe installer");
            }
            Word::Installer if self.is_program() => self.kind = Kind::Installer("installer"),
            Word::Junk if self.is_program() => self.kind = Kind::Junk,
            Word::Unknown => self.extras += 1,
            // `Other` OSes and `all` are settled once all words are in.
            _ => {}
        }
    }

    fn set_arch(&mut self, a: BuildArch) {
        if self.arch == BuildArch::Unknown {
            self.arch = a;
        }
    }
}

fn find_run(tokens: &[&str], needle: &[String]) -> Option<usize> {
    if needle.is_empty() || needle.len() > tokens.len() {
        return None;
    }
    (0..=tokens.len() - needle.len()).find(|&i| {
        tokens[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(t, n)| t == n)
    })
}

/// Where the tool (or repository) name sits among the tokens, and how well it matches. It is
/// matched before the rest is read so that its own tokens (`wasm-…`, `docs-…`) are not taken
/// for platform words. A whole name is one followed by a known word or nothing: `tool` in
/// `tool_0.1_linux-amd64`, but only a part of `tool_extended_0.1_linux-amd64`.
fn find_name(tokens: &[&str], words: &[(usize, Word)], wanted: &Names) -> (Named, usize, usize) {
    let whole = |len: usize| {
        len == tokens.len() || words.iter().any(|&(at, w)| at == len && w != Word::Unknown)
    };
    let (tool_len, repo_len) = (wanted.tool_tokens.len(), wanted.repo_tokens.len());
    match (
        find_run(tokens, &wanted.tool_tokens),
        find_run(tokens, &wanted.repo_tokens),
    ) {
        (Some(0), _) if whole(tool_len) => (Named::Tool, 0, tool_len),
        (_, Some(0)) if whole(repo_len) => (Named::Repo, 0, repo_len),
        (Some(at), _) => (Named::Part, at, tool_len),
        (_, Some(at)) => (Named::Part, at, repo_len),
        (None, None) => (Named::No, 0, 0),
    }
}

fn parse<'a>(name: &'a str, wanted: &Names) -> Asset<'a> {
    let lower = name.to_ascii_lowercase();
    let (stem, kind) = split_format(&lower);
    let tokens = tokens(stem);
    let words = read(&tokens);
    let (named, run_at, run_len) = find_name(&tokens, &words, wanted);
    let spelled = match named {
        Named::Tool => wanted.tool,
        Named::Repo => wanted.repo,
        Named::Part | Named::No => "",
    };
    let mut asset = Asset {
        name,
        kind,
        os: BuildOs::Unknown,
        os_guessed: false,
        arch: BuildArch::Unknown,
        arch_note: None,
        libc: BuildLibc::Unknown,
        named,
        exact_case: !spelled.is_empty() && name.starts_with(spelled),
        extras: 0,
    };
    let mut hint = BuildArch::Unknown;
    let outside_name = |&&(at, _): &&(usize, Word)| at < run_at || at >= run_at + run_len;
    for &(_, w) in words.iter().filter(outside_name) {
        asset.absorb(w, &mut hint);
    }
    let said = |want: Word| words.iter().filter(outside_name).any(|&(_, w)| w == want);
    if said(Word::Os(BuildOs::Other)) {
        // `aarch64-linux-android`: the more specific OS wins.
        asset.os = BuildOs::Other;
    }
    asset.set_arch(hint);
    if said(Word::All) && asset.os == BuildOs::Is(Os::MacOs) {
        asset.set_arch(BuildArch::Universal);
    }
    // A libc-qualified `arm` is a target triple (`arm-unknown-linux-gnueabihf`): 32-bit.
    if asset.arch == BuildArch::BareArm && asset.libc != BuildLibc::Unknown {
        asset.arch = BuildArch::Armv6;
    }
    if asset.os == BuildOs::Unknown {
        let guess = match asset.kind {
            Kind::Exe
            | Kind::Installer(
                ".msi" | ".msix" | ".msixbundle" | ".appx" | ".nupkg" | ".exe installer",
            ) => Some(Os::Windows),
            Kind::Installer(".pkg" | ".dmg" | ".app") => Some(Os::MacOs),
            Kind::Installer(_) => Some(Os::Linux),
            // `tool.x86_64`, `tool_arm64`: an arch-only name is, by long habit, a Linux build.
            _ if asset.arch != BuildArch::Unknown => Some(Os::Linux),
            _ => None,
        };
        if let Some(os) = guess {
            asset.os = BuildOs::Is(os);
            asset.os_guessed = true;
        }
    }
    asset
}

/// Settles what a name cannot say alone by how the whole release names its builds.
fn settle(assets: &mut [Asset<'_>]) {
    // A release with no Windows build that ships a zip named after the tool, with no OS and no
    // arch, ships it for Windows: such tarballs are source, but zip is Windows' own format.
    if !assets
        .iter()
        .any(|a| a.is_build() && a.os == BuildOs::Is(Os::Windows))
    {
        for a in assets.iter_mut() {
            if a.kind == Kind::Zip && a.is_platformless() && a.named >= Named::Repo {
                a.os = BuildOs::Is(Os::Windows);
                a.os_guessed = true;
            }
        }
    }

    let builds: Vec<(BuildOs, BuildArch)> = assets
        .iter()
        .filter(|a| a.is_build())
        .map(|a| (a.os, a.arch))
        .collect();
    let os_has =
        |os: BuildOs, want: fn(BuildArch) -> bool| builds.iter().any(|&(o, a)| o == os && want(a));
    let any_has = |want: fn(BuildArch) -> bool| builds.iter().any(|&(_, a)| want(a));
    let x64_or_archless = |a| matches!(a, BuildArch::Is(Arch::X86_64) | BuildArch::Unknown);
    let arm64 = |a| a == BuildArch::Is(Arch::Aarch64);
    let bits32 = |a| {
        matches!(
            a,
            BuildArch::Is(Arch::Armv7 | Arch::I686) | BuildArch::Armv6 | BuildArch::I586
        )
    };
    // Only a bare `arm` beside an arm64 build of its own OS is known to be 32-bit here; counted
    // as such when deciding what the other bare `arm`s mean.
    let arm32_beside_arm64 = builds
        .iter()
        .any(|&(o, a)| a == BuildArch::BareArm && o != BuildOs::Is(Os::MacOs) && os_has(o, arm64));
    let any_32 = any_has(bits32) || arm32_beside_arm64;
    let names_arch = any_has(|a| a != BuildArch::Unknown);

    for a in assets.iter_mut() {
        match a.arch {
            // `x86` is 32-bit when its OS also has an `x86_64` or an arch-less build; when it is
            // the only Intel build of its OS (`tool_osx_x86` beside `tool_osx_arm64`), `x86_64`.
            BuildArch::BareX86 if os_has(a.os, x64_or_archless) => {
                a.arch = BuildArch::Is(Arch::I686);
            }
            BuildArch::BareX86 => {
                a.arch = BuildArch::Is(Arch::X86_64);
                a.arch_note = Some("`x86` read as x86_64: the only intel build for its os");
            }
            // `arm` is arm64 on macOS (there is no 32-bit ARM macOS), 32-bit where its OS also
            // has arm64, and otherwise arm64 only in a release that builds nothing 32-bit but has
            // arm64 elsewhere (`tool-linux-arm` beside `tool-windows-arm64`).
            BuildArch::BareArm if a.os == BuildOs::Is(Os::MacOs) => {
                a.arch = BuildArch::Is(Arch::Aarch64);
            }
            BuildArch::BareArm if !os_has(a.os, arm64) && !any_32 && any_has(arm64) => {
                a.arch = BuildArch::Is(Arch::Aarch64);
                a.arch_note = Some("`arm` read as arm64: the release builds nothing 32-bit");
            }
            BuildArch::BareArm => a.arch = BuildArch::Armv6,
            // A release that names no arch anywhere predates multi-arch builds: x86_64. Where
            // other builds name theirs, an arch-less one is the default or a multi-arch build.
            BuildArch::Unknown if !names_arch && a.os != BuildOs::Unknown => {
                a.arch = BuildArch::Is(Arch::X86_64);
                a.arch_note = Some("asset name carries no architecture; taken as x86_64");
            }
            _ => {}
        }
    }
}

/// How well a native build's arch fits, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ArchFit {
    Exact,
    Universal,
    Compatible,
    Unspecified,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    Native(ArchFit),
    Emulated(Emulation),
}

fn arch_fit(build: BuildArch, p: Platform) -> Option<Fit> {
    use BuildArch as B;
    let native = |q| Some(Fit::Native(q));
    let emulated = |e| Some(Fit::Emulated(e));
    match (build, p.arch, p.os) {
        (B::Is(a), h, _) if a == h => native(ArchFit::Exact),
        (B::Universal, Arch::X86_64 | Arch::Aarch64, Os::MacOs) => native(ArchFit::Universal),
        (B::Armv6, Arch::Armv7, _) | (B::I586, Arch::I686, _) => native(ArchFit::Compatible),
        (B::Unknown | B::Universal, Arch::X86_64 | Arch::Aarch64, _) => {
            native(ArchFit::Unspecified)
        }
        (B::Is(Arch::X86_64), Arch::Aarch64, Os::MacOs) => emulated(Emulation::Rosetta2),
        (B::Is(Arch::X86_64), Arch::Aarch64, Os::Windows) => emulated(Emulation::WindowsArm64X64),
        (B::Is(Arch::I686) | B::I586, Arch::X86_64, Os::Windows) => emulated(Emulation::Wow64),
        _ => None,
    }
}

/// Whether the asset's OS and format suit the platform, arch aside.
fn os_fits(a: &Asset<'_>, p: Platform) -> bool {
    a.os == BuildOs::Is(p.os)
        && match a.kind {
            Kind::Tarball | Kind::Zip | Kind::Compressed => true,
            Kind::Exe => p.os == Os::Windows,
            // A bare Windows build is fine when its name says Windows (`tool-windows-amd64`);
            // haul adds the `.exe`.
            Kind::Bare => p.os != Os::Windows || !a.os_guessed,
            Kind::Installer(_) | Kind::Junk => false,
        }
}

fn musl_host(p: Platform) -> bool {
    p.libc == Some(Libc::Musl)
}

/// The usual format of the OS first: zip, then exe, on Windows; tarballs elsewhere.
fn format_rank(kind: Kind, os: Os) -> u8 {
    match (os == Os::Windows, kind) {
        (true, Kind::Zip) | (false, Kind::Tarball) => 0,
        (true, Kind::Exe) | (false, Kind::Zip) => 1,
        (true, Kind::Tarball) | (false, Kind::Compressed) => 2,
        _ => 3,
    }
}

/// The ranking of rule 5; smaller is better.
fn rank(a: &Asset<'_>, fit: Fit, p: Platform) -> impl Ord + use<> {
    let quality = match fit {
        Fit::Native(q) => q,
        Fit::Emulated(_) => ArchFit::Exact,
    };
    let marked_musl = a.libc == BuildLibc::Musl;
    (
        musl_host(p) && !marked_musl,
        quality,
        a.os_guessed,
        p.os == Os::Linux && !marked_musl,
        !a.exact_case,
        a.extras,
        format_rank(a.kind, p.os),
        // On Windows, msvc builds over mingw ones.
        a.libc == BuildLibc::Gnu,
    )
}

fn nothing(reason: String) -> Selection {
    Selection {
        asset: None,
        reason,
        emulated: None,
    }
}

/// Picks the asset of a release to install on `platform`; see the rules at the top of the file.
#[must_use]
pub fn select(assets: &[&str], platform: Platform, req: &Request) -> Selection {
    let mut allowed = vec![true; assets.len()];
    let mut scope = String::new();
    if let Some(re) = req.asset_pattern {
        let hits: Vec<usize> = (0..assets.len())
            .filter(|&i| re.is_match(assets[i]))
            .collect();
        match hits[..] {
            [] => return nothing(format!("--asset `{re}` matched no asset")),
            [only] => {
                return Selection {
                    asset: Some(assets[only].to_owned()),
                    reason: "chosen by --asset".to_owned(),
                    emulated: None,
                };
            }
            _ => {
                allowed = (0..assets.len()).map(|i| hits.contains(&i)).collect();
                scope = format!(" among the {} assets matching --asset", hits.len());
            }
        }
    }

    let wanted = Names::new(req);
    let mut parsed: Vec<Asset> = assets.iter().map(|n| parse(n, &wanted)).collect();
    settle(&mut parsed);
    let usable: Vec<&Asset> = parsed
        .iter()
        .zip(&allowed)
        .filter(|&(a, &ok)| ok && a.is_build())
        .map(|(a, _)| a)
        .collect();
    // Rule 3: the best name match among programs decides which tool's assets are considered.
    let best_named = |program: bool| {
        usable
            .iter()
            .filter(|a| a.is_program() == program)
            .map(|a| a.named)
            .max()
    };
    let programs_named = best_named(true);
    let fitting = || {
        usable
            .iter()
            .filter(|a| a.is_program() && Some(a.named) == programs_named)
            .filter(|a| os_fits(a, platform))
            .filter_map(|&a| arch_fit(a.arch, platform).map(|f| (a, f)))
    };
    let libc_ok = |a: &Asset| !(musl_host(platform) && a.libc == BuildLibc::Gnu);
    let best = |want_native: bool| {
        fitting()
            .filter(|&(a, f)| libc_ok(a) && matches!(f, Fit::Native(_)) == want_native)
            .min_by_key(|&(a, f)| rank(a, f, platform))
    };
    if let Some((a, fit)) = best(true).or_else(|| best(false)) {
        let several_tools = programs_named == Some(Named::Tool)
            && usable
                .iter()
                .any(|b| b.is_program() && b.named < Named::Tool);
        return picked(a, fit, platform, req, several_tools, &scope);
    }

    // Rule 7: nothing runs; say why.
    if fitting().any(|(a, _)| !libc_ok(a)) {
        return nothing(format!(
            "only glibc builds exist for {platform}{scope}; a musl host cannot run them"
        ));
    }
    let installers_named = best_named(false);
    let mut labels: Vec<&str> = usable
        .iter()
        .filter(|a| Some(a.named) == installers_named && a.os == BuildOs::Is(platform.os))
        .filter(|a| arch_fit(a.arch, platform).is_some() && libc_ok(a))
        .filter_map(|a| match a.kind {
            // A musl host cannot use packages built for glibc distributions.
            Kind::Installer(".deb" | ".rpm") if musl_host(platform) => None,
            Kind::Installer(label) => Some(label),
            _ => None,
        })
        .collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.is_empty() {
        nothing(format!("no asset fits {platform}{scope}"))
    } else {
        nothing(format!(
            "only installer packages ({}) exist for {platform}{scope}",
            labels.join(", ")
        ))
    }
}

fn picked(
    a: &Asset<'_>,
    fit: Fit,
    p: Platform,
    req: &Request,
    several_tools: bool,
    scope: &str,
) -> Selection {
    let arch = p.arch.as_str();
    let fits = match fit {
        Fit::Native(ArchFit::Exact) => a
            .arch_note
            .map_or_else(|| format!("built for {p}"), str::to_owned),
        Fit::Native(ArchFit::Universal) => "universal macos build".to_owned(),
        Fit::Native(ArchFit::Compatible) => {
            let older = [(Arch::Armv7, "armv6"), (Arch::I686, "i586")];
            let older = older
                .iter()
                .find(|(a, _)| *a == p.arch)
                .map_or("older", |o| o.1);
            format!("{older} build runs on {arch}; no {arch} build")
        }
        Fit::Native(ArchFit::Unspecified) => {
            format!("asset name carries no architecture; assumed to run on {arch}")
        }
        Fit::Emulated(e) => {
            let note = a.arch_note.map_or(String::new(), |n| format!("{n}; "));
            format!(
                "{note}{} build runs under {}; no {arch} build",
                e.runs(),
                e.describe()
            )
        }
    };
    let mut why = vec![fits];
    if a.os_guessed {
        why.push(format!("no os in the name; taken as {}", p.os.as_str()));
    }
    match (musl_host(p), a.libc) {
        (true, BuildLibc::Musl) => why.push("musl/static build for a musl host".to_owned()),
        (true, _) => why.push("no libc in the name; assumed static".to_owned()),
        (false, BuildLibc::Musl) if p.os == Os::Linux => {
            why.push("static musl build preferred on linux".to_owned());
        }
        _ => {}
    }
    if several_tools {
        why.push(format!("named after `{}`", req.tool));
    }
    let emulated = match fit {
        Fit::Emulated(e) => Some(e),
        Fit::Native(_) => None,
    };
    Selection {
        asset: Some(a.name.to_owned()),
        reason: format!("{}{}", scope_prefix(scope), why.join("; ")),
        emulated,
    }
}

fn scope_prefix(scope: &str) -> String {
    if scope.is_empty() {
        String::new()
    } else {
        format!("chosen{scope}; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The shared corpus, relative to this crate's manifest.
    const CORPUS: &str = "../shared/corpus/assets.json";

    /// Corpus answers disputed in a note on issue 2, so that the data gets fixed. They are
    /// printed on every run; the test fails when one of them starts to pass (the entry must then
    /// go) and on every other miss.
    const DISPUTED: [(&str, &str, &str); 2] = [
        (
            "git-town/git-town#git-town",
            "linux-armv7",
            "`git-town_linux_arm_64.tar.gz` is the arm64 build (this case expects it for \
             linux-aarch64); an armv7 host cannot run it, so the answer should be null",
        ),
        (
            "gohugoio/hugo@0.157.0#hugo_extended",
            "linux-x86_64-musl",
            "that the extended build links glibc is not in its name, which has the same shape \
             as the plain hugo builds the corpus accepts on musl; no rule on names can tell",
        ),
    ];

    #[derive(serde::Deserialize)]
    struct Case {
        id: String,
        repo: String,
        binary: String,
        assets: Vec<String>,
        expect: BTreeMap<String, Option<String>>,
        #[serde(default)]
        accept: BTreeMap<String, Vec<String>>,
        #[serde(default)]
        fallback: BTreeMap<String, String>,
    }

    const INSTALLER_EXTS: [&str; 6] = [".dmg", ".pkg", ".msi", ".deb", ".rpm", ".apk"];

    /// The corpus README's "what counts as right", with rule 4 read strictly: an emulated pick must
    /// be flagged as emulated.
    fn judge(case: &Case, platform: &str, sel: &Selection) -> bool {
        let expected = case.expect.get(platform).cloned().flatten();
        let accepted = case.accept.get(platform);
        let fallback = case.fallback.contains_key(platform);
        match (&sel.asset, &expected) {
            (Some(got), Some(want)) if got == want || accepted.is_some_and(|a| a.contains(got)) => {
                !fallback || sel.emulated.is_some()
            }
            (None, None) => true,
            (None, Some(want))
                if INSTALLER_EXTS
                    .iter()
                    .any(|e| want.to_ascii_lowercase().ends_with(e)) =>
            {
                sel.reason.contains("only installer")
            }
            (None, Some(_)) => fallback && sel.reason.contains("emulat"),
            _ => false,
        }
    }

    fn pick(assets: &[&str], platform: &str, tool: &str) -> Selection {
        let p: Platform = platform.parse().expect("test platform parses");
        select(
            assets,
            p,
            &Request {
                tool,
                repo: tool,
                asset_pattern: None,
            },
        )
    }

    /// Tricky releases in miniature: (assets, platform, tool, expected pick, words in the reason).
    #[test]
    fn tricky_selections() {
        use Emulation::{Rosetta2, WindowsArm64X64, Wow64};
        type Row<'a> = (
            &'a [&'a str],
            &'a str,
            &'a str,
            Option<&'a str>,
            &'a str,
            Option<Emulation>,
        );
        #[rustfmt::skip]
        let table: &[Row] = &[
            // Several tools in one release: the tool's own name, as whole tokens.
            (&["hugo_1.0_linux-amd64.tar.gz", "hugo_extended_1.0_linux-amd64.tar.gz"],
                "linux-x86_64", "hugo", Some("hugo_1.0_linux-amd64.tar.gz"), "named after `hugo`", None),
            (&["hugo_1.0_linux-amd64.tar.gz", "hugo_extended_1.0_linux-amd64.tar.gz"],
                "linux-x86_64", "hugo_extended", Some("hugo_extended_1.0_linux-amd64.tar.gz"), "", None),
            // ...and never another tool's build when the wanted one lacks the platform.
            (&["hugo_1.0_linux-arm.tar.gz", "hugo_extended_1.0_linux-amd64.tar.gz"],
                "linux-armv7", "hugo_extended", None, "no asset fits linux-armv7", None),
            (&["kubectx_v1_linux_x86_64.tar.gz", "kubens_v1_linux_x86_64.tar.gz", "kubens"],
                "linux-x86_64", "kubens", Some("kubens_v1_linux_x86_64.tar.gz"), "", None),
            // Checksums, signatures, SBOMs and source are never picked.
            (&["t-linux-amd64.tar.gz.sha256", "t_1_linux_amd64.sbom.json", "checksums.txt",
               "t-linux-amd64.tar.gz.sig", "t-1.0.tar.gz", "t-linux-amd64.tar.gz"],
                "linux-x86_64", "t", Some("t-linux-amd64.tar.gz"), "built for linux-x86_64", None),
            (&["t-1.0.tar.gz", "t-1.0-linux-amd64.tar.gz", "t"], "windows-x86_64", "t", None, "no asset fits", None),
            // Installer packages are reported, never picked.
            (&["t-1.0.dmg", "t-1.0-linux-amd64.tar.gz"], "macos-aarch64", "t", None,
                "only installer packages (.dmg) exist for macos-aarch64", None),
            (&["t-setup-x64.exe", "t-windows-x64.zip"], "windows-x86_64", "t", Some("t-windows-x64.zip"), "", None),
            (&["t-installer-x64.exe", "t-linux-x64.tar.gz"], "windows-x86_64", "t", None, "only installer packages", None),
            // libc: a musl host never gets glibc; a glibc host prefers static musl.
            (&["t-x86_64-unknown-linux-gnu.tar.gz", "t_amd64.deb"], "linux-x86_64-musl", "t", None,
                "only glibc builds", None),
            (&["t-x86_64-unknown-linux-gnu.tar.gz", "t-x86_64-unknown-linux-musl.tar.gz"], "linux-x86_64", "t",
                Some("t-x86_64-unknown-linux-musl.tar.gz"), "static musl build preferred on linux", None),
            (&["t-linux-amd64", "t-alpine-amd64"], "linux-x86_64-musl", "t", Some("t-alpine-amd64"), "musl", None),
            // macOS universal builds fit both arches; x86_64 only under Rosetta 2.
            (&["t-darwin-universal.tar.gz", "t-linux-amd64.tar.gz"], "macos-aarch64", "t",
                Some("t-darwin-universal.tar.gz"), "universal macos build", None),
            (&["t_Darwin_all.tar.gz", "t_Linux_arm64.tar.gz"], "macos-x86_64", "t", Some("t_Darwin_all.tar.gz"), "universal", None),
            (&["t-darwin-amd64.tar.gz"], "macos-aarch64", "t", Some("t-darwin-amd64.tar.gz"),
                "x86_64 build runs under rosetta 2; no aarch64 build", Some(Rosetta2)),
            (&["t-windows-386.zip"], "windows-x86_64", "t", Some("t-windows-386.zip"), "wow64", Some(Wow64)),
            (&["t-windows-amd64.zip"], "windows-aarch64", "t", Some("t-windows-amd64.zip"), "windows on arm",
                Some(WindowsArm64X64)),
            (&["t-linux-amd64.tar.gz"], "linux-aarch64", "t", None, "no asset fits linux-aarch64", None),
            // ARM: v7 over v6; v6 runs on v7; a bare `arm` is settled by the release.
            (&["t_linux_armv6.tar.gz", "t_linux_armv7.tar.gz"], "linux-armv7", "t", Some("t_linux_armv7.tar.gz"), "", None),
            (&["t-linux-arm.tar.gz", "t-linux-arm64.tar.gz"], "linux-armv7", "t", Some("t-linux-arm.tar.gz"),
                "armv6 build runs on armv7", None),
            (&["t_darwin_arm", "t_darwin"], "macos-aarch64", "t", Some("t_darwin_arm"), "built for macos-aarch64", None),
            (&["t-linux-arm.tar.gz", "t-linux.tar.gz", "t-windows-arm64.zip"], "linux-aarch64", "t",
                Some("t-linux-arm.tar.gz"), "read as arm64", None),
            // `x86` is 32-bit beside a 64-bit build, else the only Intel build.
            (&["t-win-x86.exe", "t-win-x64.exe"], "windows-x86_64", "t", Some("t-win-x64.exe"), "", None),
            (&["t_linux_x86", "t_linux_aarch64"], "linux-x86_64", "t", Some("t_linux_x86"), "read as x86_64", None),
            // Glued and split spellings.
            (&["jq-linux32", "jq-linux64", "jq-win64.exe"], "linux-i686", "jq", Some("jq-linux32"), "", None),
            (&["t_linux_64-bit.tar.gz", "t_linux_arm_64.tar.gz"], "linux-aarch64", "t", Some("t_linux_arm_64.tar.gz"), "", None),
            (&["t-winarm64.zip", "t-win64.zip"], "windows-aarch64", "t", Some("t-winarm64.zip"), "", None),
            // A release naming no arch at all is x86_64-only.
            (&["t-linux.tar.gz", "t-mac.tar.gz"], "linux-aarch64", "t", None, "no asset fits", None),
            (&["t-linux.tar.gz", "t-mac.tar.gz"], "macos-aarch64", "t", Some("t-mac.tar.gz"), "taken as x86_64",
                Some(Rosetta2)),
            // Formats: zip then exe on Windows, tarballs elsewhere; the fewest unexplained words.
            (&["t_windows_amd64.tar.gz", "t_windows_amd64.exe", "t_windows_amd64.zip"], "windows-x86_64", "t",
                Some("t_windows_amd64.zip"), "", None),
            (&["t-linux-amd64.zip", "t-linux-amd64.tar.gz", "t-linux-amd64"], "linux-x86_64", "t",
                Some("t-linux-amd64.tar.gz"), "", None),
            (&["t-linux-amd64-nocgo.zip", "t-linux-amd64.zip", "t-linux-amd64.full.zip"], "linux-x86_64", "t",
                Some("t-linux-amd64.zip"), "", None),
            // The tool name in its exact case beats a capitalised desktop app of the same name.
            (&["Goose-win32-x64.zip", "goose-x86_64-pc-windows-msvc.zip"], "windows-x86_64", "goose",
                Some("goose-x86_64-pc-windows-msvc.zip"), "", None),
            (&["kind-linux-amd64", "kind-windows-amd64", "kind-darwin-arm64"], "windows-x86_64", "kind",
                Some("kind-windows-amd64"), "", None),
            (&["t-linux-amd64", "t.exe"], "linux-x86_64", "t", Some("t-linux-amd64"), "", None),
            // Other OSes never fit.
            (&["t-aarch64-linux-android.tar.gz", "t-netbsd-arm64.tar.gz"], "linux-aarch64", "t", None, "no asset", None),
            (&["t-freebsd-amd64.tar.gz", "t-linux-amd64.tar.gz"], "freebsd-x86_64", "t", Some("t-freebsd-amd64.tar.gz"), "", None),
        ];
        for &(assets, platform, tool, want, words, emulated) in table {
            let sel = pick(assets, platform, tool);
            let case = format!("{assets:?} on {platform} for {tool}: {sel:?}");
            assert_eq!(sel.asset.as_deref(), want, "{case}");
            assert!(sel.reason.contains(words), "{case}");
            assert_eq!(sel.emulated, emulated, "{case}");
            assert_eq!(sel.reason, sel.reason.to_lowercase(), "{case}");
        }
    }

    #[test]
    fn asset_pattern_overrides() {
        let assets = [
            "t-linux-amd64.tar.gz",
            "t-linux-amd64-debug.tar.gz",
            "t-darwin-arm64.tar.gz",
        ];
        let p: Platform = "linux-x86_64".parse().expect("parses");
        let with = |re: &str| {
            let re = Regex::new(re).expect("regex compiles");
            select(
                &assets,
                p,
                &Request {
                    tool: "t",
                    repo: "t",
                    asset_pattern: Some(&re),
                },
            )
        };
        // One match is taken even for the wrong platform.
        let one = with("darwin");
        assert_eq!(one.asset.as_deref(), Some("t-darwin-arm64.tar.gz"));
        assert_eq!(one.reason, "chosen by --asset");
        // No match: nothing, naming the pattern.
        let none = with("windows");
        assert_eq!(none.asset, None);
        assert_eq!(none.reason, "--asset `windows` matched no asset");
        // Several: the usual rules among them.
        let several = with("linux|darwin");
        assert_eq!(several.asset.as_deref(), Some("t-linux-amd64.tar.gz"));
        assert!(
            several
                .reason
                .starts_with("chosen among the 3 assets matching --asset")
        );
    }

    #[test]
    #[allow(
        clippy::print_stdout,
        reason = "the corpus score and misses are the test's report"
    )]
    fn corpus() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
        let text = std::fs::read_to_string(&path).expect("corpus readable");
        let cases: Vec<Case> = serde_json::from_str(&text).expect("corpus parses");
        let (mut right, mut total, mut misses) = (0, 0, Vec::new());
        let mut disputed_seen = Vec::new();
        for case in &cases {
            let assets: Vec<&str> = case.assets.iter().map(String::as_str).collect();
            let repo = case.repo.rsplit('/').next().unwrap_or(&case.repo);
            let req = Request {
                tool: &case.binary,
                repo,
                asset_pattern: None,
            };
            for platform in case.expect.keys() {
                let p: Platform = platform.parse().expect("corpus platform parses");
                let sel = select(&assets, p, &req);
                total += 1;
                let disputed = DISPUTED
                    .iter()
                    .find(|(id, plat, _)| *id == case.id && plat == platform);
                let ok = judge(case, platform, &sel);
                if ok {
                    right += 1;
                }
                let line = format!(
                    "{} {platform}: expected {:?}, picked {:?} ({})",
                    case.id, case.expect[platform], sel.asset, sel.reason
                );
                match disputed {
                    Some((_, _, why)) if !ok => {
                        disputed_seen.push(format!("disputed: {line}\n  why: {why}"));
                    }
                    Some(_) => misses.push(format!("{line} [disputed, but now right]")),
                    None if !ok => misses.push(line),
                    None => {}
                }
            }
        }
        println!("score: {right}/{total}");
        for line in &disputed_seen {
            println!("{line}");
        }
        for miss in &misses {
            println!("miss: {miss}");
        }
        assert_eq!(
            disputed_seen.len(),
            DISPUTED.len(),
            "every disputed case was seen"
        );
        assert!(misses.is_empty(), "{} corpus misses", misses.len());
    }
}
