//! Reading release asset names: tokens, the OS, arch, libc and format each name spells, and
//! settling the spellings whose meaning depends on the rest of the release. Pure: no I/O.

use super::Request;
use crate::format::Format;
use crate::platform::words::{self, ArchWord, Glued, LibcWord, OsWord};
use crate::platform::{Arch, Os};

/// How an asset is packed: whether it can be installed at all, and how well it suits an OS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Tarball,
    Zip,
    /// A single compressed file (`.gz`, `.xz`, `.zst`, `.bz2`).
    Compressed,
    Exe,
    /// No extension (or `.bin`): the executable itself.
    Bare,
    /// A portable Linux executable (`.AppImage`), installed like a bare one.
    AppImage,
    /// An OS package or app bundle, labelled for messages.
    Installer(&'static str),
    Junk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BuildOs {
    Unknown,
    Is(Os),
    /// An OS haul does not run on (netbsd, android, wasm, …).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BuildArch {
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
pub(super) enum BuildLibc {
    Unknown,
    Gnu,
    /// musl: static (any Linux runs it) or linked against musl's loader, the name cannot tell.
    Musl,
    /// Said to be static: runs on any Linux.
    Static,
}

/// What one token, or a two-token spelling such as `x86_64` or `64-bit`, says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Word {
    Os(BuildOs),
    /// An OS with a definite arch (`winarm64`).
    OsArch(Os, BuildArch),
    /// An OS with an arch hint that a real arch word overrides (`win32`, `linux64`).
    OsHint(Os, BuildArch),
    OsLibc(Os, BuildLibc),
    /// A build for old systems or CPUs (`legacy`, `win7`, `centos7`, `noavx`), with the OS and
    /// C library the word implies.
    Legacy(Option<Os>, Option<BuildLibc>),
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

pub(super) fn word(t: &str) -> Word {
    if let Some(os) = words::os(t) {
        return Word::Os(os.into());
    }
    if let Some((os, libc)) = words::os_with_libc(t) {
        return Word::OsLibc(os, libc.into());
    }
    if let Some(arch) = words::arch(t) {
        return Word::Arch(arch.into());
    }
    match words::libc(t) {
        Some(LibcWord::WindowsToolchain) => return Word::Neutral,
        Some(libc) => return Word::Libc(libc.into()),
        None => {}
    }
    if let Some(legacy) = words::legacy(t) {
        return Word::Legacy(legacy.os, legacy.libc.map(Into::into));
    }
    match t {
        "exe" => Word::Os(BuildOs::Is(Os::Windows)),
        "all" => Word::All,
        // Vendors, release channels, and `cli`: haul installs command-line tools, so
        // `tool-cli-…` is the tool itself rather than a variant of it.
        "unknown" | "pc" | "ibm" | "w64" | "none" | "rc" | "alpha" | "beta" | "stable"
        | "nightly" | "version" | "preview" | "cli" => Word::Neutral,
        "installer" | "setup" => Word::Installer,
        "src" | "source" | "sources" | "vendor" | "vendored" | "completion" | "completions"
        | "manpage" | "manpages" | "man" | "doc" | "docs" | "sbom" | "sboms" | "symbols"
        | "debug" | "dbg" | "license" | "licence" | "readme" | "changelog" | "checksum"
        | "checksums" | "attestation" | "provenance" | "signature" | "schema" | "sha256"
        | "sha512" | "md5" => Word::Junk,
        _ => shaped_word(t),
    }
}

impl From<OsWord> for BuildOs {
    fn from(word: OsWord) -> Self {
        match word {
            OsWord::Is(os) => BuildOs::Is(os),
            OsWord::Other => BuildOs::Other,
        }
    }
}

impl From<ArchWord> for BuildArch {
    fn from(word: ArchWord) -> Self {
        match word {
            ArchWord::Is(arch) => BuildArch::Is(arch),
            ArchWord::Armv6 => BuildArch::Armv6,
            ArchWord::I586 => BuildArch::I586,
            ArchWord::Universal => BuildArch::Universal,
            ArchWord::Other => BuildArch::Other,
            ArchWord::BareArm => BuildArch::BareArm,
            ArchWord::BareX86 => BuildArch::BareX86,
        }
    }
}

impl From<LibcWord> for BuildLibc {
    fn from(word: LibcWord) -> Self {
        match word {
            LibcWord::Gnu => BuildLibc::Gnu,
            LibcWord::Musl => BuildLibc::Musl,
            LibcWord::Static => BuildLibc::Static,
            LibcWord::WindowsToolchain => BuildLibc::Unknown,
        }
    }
}

/// Words recognised by shape rather than spelling: versions, `glibc231`, `*sums`, glued OS words.
pub(super) fn shaped_word(t: &str) -> Word {
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
    match words::glued_os(t) {
        Some((os, Glued::Bits(arch))) => return Word::OsHint(os, arch.into()),
        Some((os, Glued::Arch(arch))) => return Word::OsArch(os, arch.into()),
        Some((os, Glued::Version)) => return Word::Os(BuildOs::Is(os)),
        None => {}
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
pub(super) fn pair(a: &str, b: &str) -> Option<Word> {
    if let Some(arch) = words::arch_pair(a, b) {
        return Some(Word::Arch(arch.into()));
    }
    Some(match (a, b) {
        ("mac", "os") => Word::Os(BuildOs::Is(Os::MacOs)),
        ("universal", "binary") => Word::Arch(BuildArch::Universal),
        _ => return None,
    })
}

pub(super) fn tokens(s: &str) -> Vec<&str> {
    s.split(['-', '_', '.', ' ', '+'])
        .filter(|t| !t.is_empty())
        .collect()
}

/// Each word with the index of its first token.
pub(super) fn read(tokens: &[&str]) -> Vec<(usize, Word)> {
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
pub(super) const INSTALLERS: [&str; 16] = [
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
    ".nupkg",
];
/// Extensions of files that are never a program: checksums, signatures, keys, metadata, scripts,
/// language packages, editor extensions, debug info, and archives haul cannot unpack (`.7z`).
pub(super) const JUNK_EXTS: &str = "sha256 sha512 sha1 sha md5 sum sha256sum sha512sum md5sum sig asc pem \
    crt cert pub minisig sigstore sbom spdx json jsonl txt md yaml yml toml xml html pdf sh ps1 \
    bat cmd rb py whl jar aar aab vsix debug pdb zsync tpz 7z rmd160 b3 lock";

/// Splits a lowercased name into the part that carries words and the kind of file.
pub(super) fn split_format(lower: &str) -> (&str, Kind) {
    if let Some(stem) = lower.strip_suffix(".appimage") {
        return (stem, Kind::AppImage);
    }
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
    match Format::split(lower) {
        (stem, format) if format.is_tar() => return (stem, Kind::Tarball),
        (stem, Format::Zip) => return (stem, Kind::Zip),
        (_, Format::Bare) => {}
        (stem, _) => return (stem, Kind::Compressed),
    }
    if let Some(stem) = lower.strip_suffix(".exe") {
        return (stem, Kind::Exe);
    }
    // `.bin` marks the program itself (`pkl-gen-go-macos.bin`), not another file type.
    if let Some(stem) = lower.strip_suffix(".bin") {
        return (stem, Kind::Bare);
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
pub(super) struct Names<'a> {
    pub(super) tool: &'a str,
    pub(super) repo: &'a str,
    pub(super) tool_tokens: Vec<String>,
    pub(super) repo_tokens: Vec<String>,
}

impl<'a> Names<'a> {
    pub(super) fn new(req: &Request<'a>) -> Self {
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
pub(super) enum Named {
    No,
    Part,
    Repo,
    Tool,
}

/// One asset name, read.
#[derive(Clone, Debug)]
pub(super) struct Asset<'a> {
    pub(super) name: &'a str,
    pub(super) kind: Kind,
    pub(super) os: BuildOs,
    /// The OS came from the file type (`.exe`, `.deb`) or an arch-only name, not from a word.
    pub(super) os_guessed: bool,
    pub(super) arch: BuildArch,
    /// How an ambiguous arch was read, for the reason.
    pub(super) arch_note: Option<&'static str>,
    pub(super) libc: BuildLibc,
    pub(super) named: Named,
    /// The name starts with the tool (or repository) name spelled exactly, case included.
    pub(super) exact_case: bool,
    /// Words nothing explains (`full`, `nocgo`, `desktop`): a variant, not the plain build.
    pub(super) extras: usize,
    /// Built for old systems or CPUs (`legacy`, `win7`, `noavx`): ranked below the plain build.
    pub(super) legacy: bool,
    /// The arch was read from what the release's other builds leave unnamed.
    pub(super) arch_inferred: bool,
    /// The arch came only from a glued OS word's hint (`win64`, `linux32`), not an arch word.
    pub(super) arch_hinted: bool,
    /// A version outside the tool's name (`1.0`, `v0.2.0`): a platformless tarball so named is
    /// usually the source.
    pub(super) versioned: bool,
    /// The release's one archive, naming no platform, in a release with no other build: taken
    /// as holding a build for every platform, chosen from inside it after unpacking.
    pub(super) every_platform: bool,
}

impl Asset<'_> {
    pub(super) fn is_program(&self) -> bool {
        matches!(
            self.kind,
            Kind::Tarball | Kind::Zip | Kind::Compressed | Kind::Exe | Kind::Bare | Kind::AppImage
        )
    }

    /// Neither OS nor arch: a source tarball, a script, docs; never installable as it is.
    pub(super) fn is_platformless(&self) -> bool {
        self.os == BuildOs::Unknown && self.arch == BuildArch::Unknown
    }

    /// Counts as a build, and as evidence of how the release names its builds.
    pub(super) fn is_build(&self) -> bool {
        self.kind != Kind::Junk && (!self.is_platformless() || self.every_platform)
    }

    /// Takes in one word of the name; `hint` collects arch hints of glued OS words.
    pub(super) fn absorb(&mut self, w: Word, hint: &mut BuildArch) {
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
            Word::Legacy(os, libc) => {
                if let Some(o) = os {
                    set_os(o);
                }
                if let (Some(l), BuildLibc::Unknown) = (libc, self.libc) {
                    self.libc = l;
                }
                self.legacy = true;
            }
            Word::Installer if self.kind == Kind::Exe => {
                self.kind = Kind::Installer(".exe installer");
            }
            // An archive called an installer holds the program (`trident-installer-…tar.gz`
            // holds tridentctl): there the word is only a variant.
            Word::Installer
                if matches!(self.kind, Kind::Tarball | Kind::Zip | Kind::Compressed) =>
            {
                self.extras += 1;
            }
            Word::Installer if self.is_program() => self.kind = Kind::Installer("installer"),
            Word::Junk if self.is_program() => self.kind = Kind::Junk,
            Word::Unknown => self.extras += 1,
            // `Other` OSes and `all` are settled once all words are in.
            _ => {}
        }
    }

    pub(super) fn set_arch(&mut self, a: BuildArch) {
        if self.arch == BuildArch::Unknown {
            self.arch = a;
        }
    }
}

pub(super) fn find_run(tokens: &[&str], needle: &[String]) -> Option<usize> {
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
pub(super) fn find_name(
    tokens: &[&str],
    words: &[(usize, Word)],
    wanted: &Names,
) -> (Named, usize, usize) {
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

pub(super) fn parse<'a>(name: &'a str, wanted: &Names) -> Asset<'a> {
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
        legacy: false,
        arch_inferred: false,
        arch_hinted: false,
        versioned: false,
        every_platform: false,
    };
    let mut hint = BuildArch::Unknown;
    let outside_name = |&&(at, _): &&(usize, Word)| at < run_at || at >= run_at + run_len;
    for &(_, w) in words.iter().filter(outside_name) {
        asset.absorb(w, &mut hint);
    }
    let said = |want: Word| words.iter().filter(outside_name).any(|&(_, w)| w == want);
    let starts_digit = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
    asset.versioned = words.iter().filter(outside_name).any(|&(at, w)| {
        let t = tokens[at];
        w == Word::Neutral && (starts_digit(t) || t.strip_prefix('v').is_some_and(starts_digit))
    });
    if said(Word::Os(BuildOs::Other)) {
        // `aarch64-linux-android`: the more specific OS wins.
        asset.os = BuildOs::Other;
    }
    if asset.arch == BuildArch::Unknown && hint != BuildArch::Unknown {
        asset.arch = hint;
        asset.arch_hinted = true;
    }
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
            Kind::Installer(_) | Kind::AppImage => Some(Os::Linux),
            // `tool.x86_64`, `tool_arm64`: an arch-only name is, by long habit, a Linux build.
            _ if asset.arch != BuildArch::Unknown => Some(Os::Linux),
            _ => None,
        };
        if let Some(os) = guess {
            asset.os = BuildOs::Is(os);
            asset.os_guessed = true;
        }
    }
    // An AppImage bundles its libraries but not glibc, which it is built against.
    if asset.kind == Kind::AppImage && asset.libc == BuildLibc::Unknown {
        asset.libc = BuildLibc::Gnu;
    }
    asset
}

/// Settles what a name cannot say alone by how the whole release names its builds.
pub(super) fn settle(assets: &mut [Asset<'_>]) {
    settle_os(assets);
    settle_bare_words(assets);
    settle_archless(assets);
    settle_unmarked(assets);
}

/// An archive that names no OS and no arch, named after the tool: in a release whose other
/// builds name other OSes but not Windows, it is the Windows build (zip is Windows' own
/// format; such tarballs are source); in a release with no other build at all, the one such
/// archive holds a build for every platform, also when its name only contains the tool's
/// (`binaries-manifest-tool-2.1.tar.gz`). Otherwise it is nothing haul can place.
fn settle_os(assets: &mut [Asset<'_>]) {
    let unplaced = |a: &Asset, named: Named| {
        a.is_program()
            && a.is_platformless()
            && a.named >= named
            && matches!(a.kind, Kind::Zip | Kind::Tarball)
    };
    let placeless = |a: &Asset| unplaced(a, Named::Repo);
    let program_builds = assets.iter().any(|a| a.is_program() && a.is_build());
    if !program_builds {
        let mut candidates = assets.iter_mut().filter(|a| unplaced(a, Named::Part));
        if let (Some(only), None) = (candidates.next(), candidates.next()) {
            only.every_platform = true;
        }
        return;
    }
    let has_windows = assets
        .iter()
        .any(|a| a.is_build() && a.os == BuildOs::Is(Os::Windows));
    if !has_windows {
        for a in assets.iter_mut() {
            if a.kind == Kind::Zip && placeless(a) {
                a.os = BuildOs::Is(Os::Windows);
                a.os_guessed = true;
            }
        }
    }
}

/// `x86` and a bare `arm`, read by what else the release builds.
fn settle_bare_words(assets: &mut [Asset<'_>]) {
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
            // `arm` is arm64 on macOS (there is no 32-bit ARM macOS) and 32-bit where its OS
            // also has arm64. Elsewhere it is the OS's only ARM build: arm64, unless the release
            // builds anything 32-bit (`linux_386`, `armv7`), as Go releases naming GOARCH do.
            BuildArch::BareArm if a.os == BuildOs::Is(Os::MacOs) => {
                a.arch = BuildArch::Is(Arch::Aarch64);
            }
            BuildArch::BareArm if !os_has(a.os, arm64) && !any_32 => {
                a.arch = BuildArch::Is(Arch::Aarch64);
                a.arch_note = Some(
                    "`arm` read as arm64: no other 64-bit arm build for its os, and nothing 32-bit in the release",
                );
            }
            BuildArch::BareArm => a.arch = BuildArch::Armv6,
            _ => {}
        }
    }
}

/// A build that names no arch. In a release that names none anywhere: `x86_64`, from before
/// multi-arch builds. Beside builds of its own OS that name theirs: the arch they leave
/// unnamed, arm64 when they name `x86_64` and `x86_64` when they do not. A Linux or Windows
/// build whose OS names no arch, where another OS has an arm64 build named by an arch word
/// and an `x86_64` or arch-less one: `x86_64`, the one build that OS splits in two (macOS
/// builds so left are often universal or arm64). Otherwise it stays unknown: a default or
/// multi-arch build (`minisign-0.11-linux.tar.gz` beside `-macos.zip` and `-win64.zip`),
/// taken after any that names the host's.
fn settle_archless(assets: &mut [Asset<'_>]) {
    let builds: Vec<(BuildOs, Named, BuildArch)> = assets
        .iter()
        .filter(|a| a.is_build())
        .map(|a| (a.os, a.named, a.arch))
        .collect();
    let names_arch = builds.iter().any(|&(_, _, a)| a != BuildArch::Unknown);
    // The OSes whose builds name arm64 by an arch word and `x86_64` by one or by leaving it out.
    let split_oses: Vec<(BuildOs, Named)> = {
        let spelled = |a: &Asset| a.is_build() && !a.arch_hinted;
        let has = |os: BuildOs, named: Named, arch: BuildArch| {
            assets
                .iter()
                .any(|a| spelled(a) && a.os == os && a.named == named && a.arch == arch)
        };
        builds
            .iter()
            .filter(|&&(os, named, _)| {
                matches!(os, BuildOs::Is(_))
                    && has(os, named, BuildArch::Is(Arch::Aarch64))
                    && (has(os, named, BuildArch::Is(Arch::X86_64))
                        || has(os, named, BuildArch::Unknown))
            })
            .map(|&(os, named, _)| (os, named))
            .collect()
    };
    for a in assets.iter_mut() {
        if a.arch != BuildArch::Unknown || a.os == BuildOs::Unknown || a.every_platform {
            continue;
        }
        if !names_arch {
            a.arch = BuildArch::Is(Arch::X86_64);
            a.arch_note = Some("asset name carries no architecture; taken as x86_64");
            a.arch_inferred = true;
            continue;
        }
        let siblings: Vec<BuildArch> = builds
            .iter()
            .filter(|&&(o, n, arch)| o == a.os && n == a.named && arch != BuildArch::Unknown)
            .map(|&(_, _, arch)| arch)
            .collect();
        let has = |arch| siblings.contains(&BuildArch::Is(arch));
        if siblings.is_empty()
            && matches!(a.os, BuildOs::Is(Os::Linux | Os::Windows))
            && split_oses
                .iter()
                .any(|&(os, named)| os != a.os && named == a.named)
        {
            a.arch = BuildArch::Is(Arch::X86_64);
            a.arch_note = Some(
                "asset name carries no architecture; taken as x86_64: the release names arm64 builds for other oses, none for this one",
            );
            a.arch_inferred = true;
            continue;
        }
        if siblings.is_empty() || siblings.contains(&BuildArch::Universal) {
            continue;
        }
        match (has(Arch::X86_64), has(Arch::Aarch64)) {
            (true, true) => {}
            (true, false) => {
                a.arch = BuildArch::Is(Arch::Aarch64);
                a.arch_note = Some(
                    "asset name carries no architecture; taken as arm64, which its os's other builds leave unnamed",
                );
                a.arch_inferred = true;
            }
            (false, _) => {
                a.arch = BuildArch::Is(Arch::X86_64);
                a.arch_note = Some(
                    "asset name carries no architecture; taken as x86_64, which its os's other builds leave unnamed",
                );
                a.arch_inferred = true;
            }
        }
    }
}

/// A program that names neither OS nor arch, named after the tool and nothing else (`arkade`,
/// `k3s`, `kubetrim.tgz`, `cloud-hypervisor-static`): the Linux `x86_64` build, when no other
/// program of that name is one (or may be: arch-less or universal). Releases in this style mark
/// every other build (`-arm64`, `-darwin`, `.exe`) and leave the first one plain, and haul
/// already reads an arch-only name as Linux. It must have such marked siblings of its own name,
/// or none at all: beside builds that only contain the tool's name (github/gh-ost's `gh-ost`
/// beside `gh-ost-binary-linux-amd64-….tar.gz`), taking it would hide them all (rule 3). A bare
/// file alone in its release is read the same. A zip is left to `settle_os` (Windows, or
/// nothing), and a tarball or compressed file that carries a version is usually the source
/// (`t-1.0.tar.gz`).
fn settle_unmarked(assets: &mut [Asset<'_>]) {
    let unmarked = |a: &Asset| {
        a.is_platformless()
            && !a.every_platform
            && a.named >= Named::Repo
            && a.extras == 0
            && match a.kind {
                Kind::Bare => true,
                Kind::Tarball | Kind::Compressed => !a.versioned,
                _ => false,
            }
    };
    let builds: Vec<&Asset> = assets
        .iter()
        .filter(|a| a.is_program() && a.is_build())
        .collect();
    let linux_x64: Vec<Named> = builds
        .iter()
        .filter(|a| {
            a.os == BuildOs::Is(Os::Linux)
                && matches!(
                    a.arch,
                    BuildArch::Is(Arch::X86_64) | BuildArch::Unknown | BuildArch::Universal
                )
        })
        .map(|a| a.named)
        .collect();
    let named: Vec<Named> = builds.iter().map(|a| a.named).collect();
    let candidates = assets.iter().filter(|a| unmarked(a)).count();
    let note = if named.is_empty() && candidates == 1 {
        "the release's one program names no platform; taken as x86_64"
    } else {
        "no arch in the name; taken as x86_64, which the release's other builds leave unnamed"
    };
    for a in assets.iter_mut() {
        let marked_siblings = named.is_empty() || named.contains(&a.named);
        if !unmarked(a) || !marked_siblings || linux_x64.contains(&a.named) {
            continue;
        }
        a.os = BuildOs::Is(Os::Linux);
        a.os_guessed = true;
        a.arch = BuildArch::Is(Arch::X86_64);
        a.arch_inferred = true;
        a.arch_note = Some(note);
    }
}
