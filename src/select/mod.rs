//! Asset selection: given the asset names of one release and a target platform, pick the file to
//! install and say why. Pure: no I/O; the caller fetches releases and acts on the answer.
//!
//! Rule order (each step narrows what the one before left):
//! 1. `--asset REGEX` keeps only matching names; a single match is taken as it is, unless it is
//!    an OS installer package, which is refused as rule 7 refuses it.
//! 2. Files that are not programs are dropped: checksums, signatures, certificates, keys, SBOMs,
//!    manifests, scripts, source/vendor/completion/man bundles, and names that carry neither an OS
//!    nor an arch (but see `settle`: the one archive of a release with no other build holds a
//!    build for every platform; a program named after the tool alone (`arkade`, `k3s`,
//!    `kubetrim.tgz`, no version) is the Linux `x86_64` build where its name's other builds
//!    mark theirs and none is that one, or where it is the release's only program). OS installer packages (.deb .rpm .apk .msi .pkg .dmg, app
//!    bundles, snaps, …) and programs called `installer` or `setup` are set aside: they are only
//!    reported, never picked (an archive so called holds the program: there the word is only a
//!    variant). An `.AppImage` is a portable Linux program, installed as it is.
//! 3. A release holding several tools keeps the assets named after the tool (whole tokens, so
//!    `tool` is not `tool_extended`), else after the repository, else those containing either.
//! 4. What runs natively: same OS; same arch, or an armv6 build on armv7, a universal build on
//!    macOS, an arch-less build on `x86_64`/`aarch64`; never a glibc build on a musl host. An
//!    arch-less Linux or Windows build is `x86_64` where another OS's builds name arm64 apart
//!    from `x86_64` and its own OS names no arch (`plumber-linux` beside `plumber-darwin-arm64`).
//! 5. Ranked, best first: on a musl host a build marked musl/static; exact arch, then universal,
//!    then compatible, then arch-less; an arch named over one inferred; the plain build over one
//!    for old systems or CPUs (`legacy`, `win7`, `centos7`, `noavx`, `baseline`); OS named over
//!    OS guessed; on glibc Linux a build said to be static, then glibc or unmarked ones, then
//!    musl ones (a musl build may need musl's loader: Node and Bun builds do); the tool name in
//!    its exact case; the fewest unexplained words (`-full`, `-nocgo`, `-pgo`, `_extras`); the
//!    usual format of the OS (zip/exe on Windows, tarballs elsewhere, `AppImage`s last); msvc over
//!    mingw.
//! 6. Nothing native: an emulated build, flagged in `emulated`: `x86_64` under Rosetta 2 on Apple
//!    silicon, `x86_64` on Windows on Arm (then 32-bit x86 there), 32-bit x86 under `WoW64` on
//!    64-bit Windows.
//! 7. Still nothing: say so, naming the installer packages when only those exist.
//!
//! [`ranked`] gives every candidate of rules 5 and 6 in order, for an installer that finds the
//! first cannot start (a glibc too old, a musl loader missing) and takes the next.
//!
//! Names are read as tokens (split on `-` `_` `.`). Spellings that mean different things in
//! different releases (`x86`, a bare `arm`, no arch, no OS) are settled by how the rest of the
//! release names its builds: see `settle`.

use regex_lite::Regex;

use crate::platform::{Arch, Emulation, Libc, Os, Platform};

mod name;

use name::{Asset, BuildArch, BuildLibc, BuildOs, Kind, Named, Names, parse, settle};

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
    /// Nothing was chosen, and only installer packages (which haul does not install) would
    /// fit: no `--asset` can help.
    pub installers_only: bool,
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
        (B::Is(Arch::I686) | B::I586, Arch::Aarch64, Os::Windows) => {
            emulated(Emulation::WindowsArm64X86)
        }
        _ => None,
    }
}

/// Native builds first, then emulated ones: on Windows on Arm, x64 emulation before x86.
fn fit_order(fit: Fit) -> u8 {
    match fit {
        Fit::Native(_) => 0,
        Fit::Emulated(Emulation::WindowsArm64X86) => 2,
        Fit::Emulated(_) => 1,
    }
}

/// Whether the asset's OS and format suit the platform, arch aside.
fn os_fits(a: &Asset<'_>, p: Platform) -> bool {
    (a.every_platform || a.os == BuildOs::Is(p.os))
        && match a.kind {
            Kind::Tarball | Kind::Zip | Kind::Compressed => true,
            Kind::Exe => p.os == Os::Windows,
            Kind::AppImage => p.os == Os::Linux,
            // A bare Windows build is fine when its name says Windows (`tool-windows-amd64`);
            // haul adds the `.exe`.
            Kind::Bare => p.os != Os::Windows || !a.os_guessed,
            Kind::Installer(_) | Kind::Junk => false,
        }
}

fn musl_host(p: Platform) -> bool {
    p.libc == Some(Libc::Musl)
}

/// The usual format of the OS first: zip, then exe, on Windows; tarballs elsewhere. An
/// `AppImage` last: it carries its own copies of libraries a plain build leaves to the system.
fn format_rank(kind: Kind, os: Os) -> u8 {
    match (os == Os::Windows, kind) {
        (true, Kind::Zip) | (false, Kind::Tarball) => 0,
        (true, Kind::Exe) | (false, Kind::Zip) => 1,
        (true, Kind::Tarball) | (false, Kind::Compressed) => 2,
        (_, Kind::AppImage) => 4,
        _ => 3,
    }
}

/// How a build's C library suits the host, smaller better. A musl host runs musl and static
/// builds (glibc ones are dropped before ranking) and may run unmarked ones. A glibc host runs
/// static builds anywhere, glibc and unmarked ones as a rule, and musl ones only when they are
/// static, which the name does not say.
fn libc_rank(a: &Asset<'_>, p: Platform) -> u8 {
    match (p.libc, a.libc) {
        (Some(Libc::Musl), BuildLibc::Musl | BuildLibc::Static)
        | (Some(Libc::Gnu), BuildLibc::Static)
        | (None, _) => 0,
        (Some(Libc::Musl), _) | (Some(Libc::Gnu), BuildLibc::Gnu | BuildLibc::Unknown) => 1,
        (Some(Libc::Gnu), BuildLibc::Musl) => 2,
    }
}

/// The ranking of rule 5; smaller is better.
fn rank(a: &Asset<'_>, fit: Fit, p: Platform) -> impl Ord + use<> {
    let quality = match fit {
        Fit::Native(q) => q,
        Fit::Emulated(_) => ArchFit::Exact,
    };
    let libc = libc_rank(a, p);
    let (musl_host_libc, glibc_host_libc) = if musl_host(p) { (libc, 0) } else { (0, libc) };
    (
        musl_host_libc,
        quality,
        a.arch_inferred,
        a.legacy,
        a.os_guessed,
        glibc_host_libc,
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
        installers_only: false,
    }
}

/// Picks the asset of a release to install on `platform`; see the rules at the top of the file.
/// (haul itself asks [`ranked`], for the builds to fall back on too.)
#[cfg(test)]
#[must_use]
pub fn select(assets: &[&str], platform: Platform, req: &Request) -> Selection {
    best(ranked(assets, platform, req))
}

/// The first of what [`ranked`] gave, or the selection that says why nothing fits.
pub fn best(ranked: Result<Vec<Selection>, Selection>) -> Selection {
    match ranked {
        Ok(mut ranked) => ranked.swap_remove(0),
        Err(nothing) => nothing,
    }
}

/// Every asset that can be installed on `platform`, best first (never empty), each with the
/// reason it would be picked: the installer takes the next when the first cannot start on the
/// host (a glibc build needing a newer glibc, a musl build needing musl's loader). When nothing
/// fits, the selection that says why.
pub fn ranked(
    assets: &[&str],
    platform: Platform,
    req: &Request,
) -> Result<Vec<Selection>, Selection> {
    let wanted = Names::new(req);
    let mut allowed = vec![true; assets.len()];
    let mut scope = String::new();
    if let Some(re) = req.asset_pattern {
        let hits: Vec<usize> = (0..assets.len())
            .filter(|&i| re.is_match(assets[i]))
            .collect();
        match hits[..] {
            [] => return Err(nothing(format!("--asset `{re}` matched no asset"))),
            // The user's choice stands, whatever its platform, unless it is an installer
            // package: haul installs programs, and says so as it does for its own choices.
            [only] if !matches!(parse(assets[only], &wanted).kind, Kind::Installer(_)) => {
                return Ok(vec![Selection {
                    asset: Some(assets[only].to_owned()),
                    reason: "chosen by --asset".to_owned(),
                    emulated: None,
                    installers_only: false,
                }]);
            }
            _ => {
                allowed = (0..assets.len()).map(|i| hits.contains(&i)).collect();
                scope = format!(
                    " among the {} matching --asset",
                    crate::units::count(hits.len(), "asset")
                );
            }
        }
    }

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
            .filter_map(|&a| {
                // What the archive holds for the platform is seen only once it is unpacked.
                let fit = if a.every_platform {
                    Some(Fit::Native(ArchFit::Unspecified))
                } else {
                    arch_fit(a.arch, platform)
                };
                fit.map(|f| (a, f))
            })
    };
    let libc_ok = |a: &Asset| !(musl_host(platform) && a.libc == BuildLibc::Gnu);
    let mut order: Vec<(&Asset, Fit)> = fitting().filter(|&(a, _)| libc_ok(a)).collect();
    // Native builds first, emulated ones after (rule 6); each kind by rule 5.
    order.sort_by_key(|&(a, f)| (fit_order(f), rank(a, f, platform)));
    if !order.is_empty() {
        let several_tools = programs_named == Some(Named::Tool)
            && usable
                .iter()
                .any(|b| b.is_program() && b.named < Named::Tool);
        return Ok(order
            .into_iter()
            .map(|(a, fit)| picked(a, fit, platform, req, several_tools, &scope))
            .collect());
    }

    // Rule 7: nothing runs; say why.
    if fitting().any(|(a, _)| !libc_ok(a)) {
        return Err(nothing(format!(
            "only glibc builds exist for {platform}{scope}; a musl host cannot run them"
        )));
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
    Err(if labels.is_empty() {
        nothing(format!("no asset fits {platform}{scope}"))
    } else {
        Selection {
            installers_only: true,
            ..nothing(format!(
                "only installer packages ({}) exist for {platform}{scope}",
                labels.join(", ")
            ))
        }
    })
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
        Fit::Native(ArchFit::Unspecified) if a.every_platform => {
            "the release's one archive names no platform; taken as holding a build for each"
                .to_owned()
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
    if a.legacy {
        why.push("a build for older systems or cpus".to_owned());
    }
    match (musl_host(p), a.libc) {
        (true, BuildLibc::Musl | BuildLibc::Static) => {
            why.push("musl/static build for a musl host".to_owned());
        }
        (true, _) => why.push("no libc in the name; assumed static".to_owned()),
        (false, BuildLibc::Static) if p.os == Os::Linux => {
            why.push("static build preferred on linux".to_owned());
        }
        (false, BuildLibc::Musl) if p.os == Os::Linux => {
            why.push("musl build: it runs here only if static".to_owned());
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
        installers_only: false,
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
    use crate::testing::corpus::{self, judge};

    /// Corpus answers haul disputes, as (case id, platform, why). Each is printed on every
    /// run; the test fails when one of them starts to pass (the entry must then go) and on every
    /// other miss. None today: the two that were disputed have been corrected in the data.
    const DISPUTED: [(&str, &str, &str); 0] = [];

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
    #[allow(clippy::too_many_lines, reason = "one table of cases")]
    fn tricky_selections() {
        use Emulation::{Rosetta2, WindowsArm64X64, WindowsArm64X86, Wow64};
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
            // No OS is not Windows: a zip with no platform is the Windows build only beside
            // builds that name other OSes; alone in its release, it holds a build for each.
            (&["t.zip", "t-linux-x86_64.tar.gz", "t-darwin-aarch64.tar.gz"], "windows-x86_64", "t",
                Some("t.zip"), "no os in the name; taken as windows", None),
            (&["t.zip", "t-linux-x86_64.tar.gz", "t-darwin-aarch64.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-x86_64.tar.gz"), "", None),
            (&["t-1.0.zip", "t-1.0.zip.sha256"], "linux-x86_64", "t", Some("t-1.0.zip"),
                "the release's one archive names no platform; taken as holding a build for each", None),
            (&["t-1.0.zip", "t-1.0.zip.sha256"], "macos-aarch64", "t", Some("t-1.0.zip"), "a build for each", None),
            (&["t-1.0.tar.gz", "SHA256SUMS"], "linux-armv7", "t", Some("t-1.0.tar.gz"), "a build for each", None),
            // ...also when a word comes before the tool's name (estesp/manifest-tool).
            (&["binaries-manifest-tool-2.1.tar.gz", "binaries-manifest-tool-2.1.tar.gz.sha256sum"], "linux-aarch64",
                "manifest-tool", Some("binaries-manifest-tool-2.1.tar.gz"), "a build for each", None),
            // A program naming no OS and no arch, named after the tool, where no other build of
            // the release is for linux-x86_64: that build (the arch-only names beside it are
            // Linux builds, and x86_64 is the one they leave out).
            (&["arkade", "arkade-arm64", "arkade-armhf", "arkade-darwin", "arkade-darwin-arm64", "arkade.exe",
               "arkade.sha256", "arkade-arm64.sha256", "arkade-armhf.sha256", "arkade-darwin.sha256",
               "arkade-darwin-arm64.sha256", "arkade.exe.sha256"], "linux-x86_64", "arkade", Some("arkade"),
                "no arch in the name; taken as x86_64, which the release's other builds leave unnamed; no os in the name; taken as linux",
                None),
            (&["arkade", "arkade-arm64", "arkade-armhf", "arkade-darwin", "arkade-darwin-arm64", "arkade.exe"],
                "linux-aarch64", "arkade", Some("arkade-arm64"), "", None),
            (&["arkade", "arkade-arm64", "arkade-armhf", "arkade-darwin", "arkade-darwin-arm64", "arkade.exe"],
                "windows-x86_64", "arkade", Some("arkade.exe"), "", None),
            (&["k3s", "k3s-arm64", "k3s-armhf", "k3s-airgap-images-amd64.tar.zst", "k3s-airgap-images-arm64.tar.zst",
               "k3s-images.txt", "sha256sum-amd64.txt", "sha256sum-arm64.txt"], "linux-x86_64", "k3s", Some("k3s"),
                "taken as x86_64", None),
            (&["kubetrim.tgz", "kubetrim-arm64.tgz", "kubetrim-darwin.tgz", "kubetrim.exe.tgz"], "linux-x86_64-musl",
                "kubetrim", Some("kubetrim.tgz"), "taken as x86_64", None),
            (&["cloud-hypervisor", "cloud-hypervisor-static", "cloud-hypervisor-static-aarch64", "ch-remote", "hypervisor-fw"],
                "linux-x86_64", "cloud-hypervisor", Some("cloud-hypervisor-static"), "static build preferred on linux", None),
            (&["goofys"], "linux-x86_64", "goofys", Some("goofys"),
                "the release's one program names no platform; taken as x86_64; no os in the name; taken as linux", None),
            (&["firectl-v0.2.0", "firectl-v0.2.0.sha256"], "linux-x86_64", "firectl", Some("firectl-v0.2.0"), "one program", None),
            (&["goofys"], "macos-aarch64", "goofys", None, "no asset fits", None),
            // ...only beside marked builds of its own name: beside builds that merely contain
            // the tool's name it would hide them all (github/gh-ost).
            (&["gh-ost", "gh-ost-binary-linux-amd64-2024.tar.gz", "gh-ost-binary-osx-arm64-2024.tar.gz"], "macos-aarch64",
                "gh-ost", Some("gh-ost-binary-osx-arm64-2024.tar.gz"), "", None),
            // ...but a tarball with a version is source, and a zip stays Windows or nothing.
            (&["t-1.0.tar.gz", "t-darwin-arm64.tar.gz", "t-windows-amd64.zip"], "linux-x86_64", "t", None, "no asset fits", None),
            (&["t.zip", "t-darwin-arm64.tar.gz"], "linux-x86_64", "t", None, "no asset fits", None),
            // Two such archives are the source in two formats.
            (&["t-1.0.zip", "t-1.0.tar.gz"], "linux-x86_64", "t", None, "no asset fits", None),
            (&["t-1.0.zip", "t-1.0.tar.gz"], "windows-x86_64", "t", None, "no asset fits", None),
            // An AppImage is a portable Linux program, after archives and plain binaries.
            (&["t-1.0-x86_64.AppImage", "t-1.0-linux-x86_64.tar.gz", "t-1.0-x86_64.AppImage.zsync"], "linux-x86_64", "t",
                Some("t-1.0-linux-x86_64.tar.gz"), "", None),
            (&["t-1.0-x86_64.AppImage", "t-1.0-linux-x86_64"], "linux-x86_64", "t", Some("t-1.0-linux-x86_64"), "", None),
            (&["t-1.0-x86_64.AppImage", "t-1.0-windows-x64.zip"], "linux-x86_64", "t",
                Some("t-1.0-x86_64.AppImage"), "built for linux-x86_64", None),
            (&["t-1.0-x86_64.AppImage", "t-1.0-windows-x64.zip"], "linux-x86_64-musl", "t", None, "only glibc builds", None),
            (&["t-1.0-x86_64.AppImage", "t-1.0-windows-x64.zip"], "macos-x86_64", "t", None, "no asset fits", None),
            // Installer packages are reported, never picked.
            (&["t-1.0.dmg", "t-1.0-linux-amd64.tar.gz"], "macos-aarch64", "t", None,
                "only installer packages (.dmg) exist for macos-aarch64", None),
            (&["t-setup-x64.exe", "t-windows-x64.zip"], "windows-x86_64", "t", Some("t-windows-x64.zip"), "", None),
            (&["t-installer-x64.exe", "t-linux-x64.tar.gz"], "windows-x86_64", "t", None, "only installer packages", None),
            (&["t-setup-x64.exe", "t-linux-x64.tar.gz"], "windows-x86_64", "t", None, "only installer packages", None),
            (&["t-installer-linux-amd64"], "linux-x86_64", "t", None, "only installer packages (installer)", None),
            // ...but an archive called an installer holds the program (NetApp/trident's tarball
            // holds tridentctl): the word is a variant, below the plain build.
            (&["trident-installer-24.06.0.tar.gz"], "linux-x86_64", "trident", Some("trident-installer-24.06.0.tar.gz"),
                "a build for each", None),
            (&["t-installer-linux-amd64.tar.gz"], "linux-x86_64", "t", Some("t-installer-linux-amd64.tar.gz"), "", None),
            (&["t-installer-linux-amd64.tar.gz", "t-linux-amd64.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-amd64.tar.gz"), "", None),
            // libc: a musl host never gets glibc; a glibc host prefers a static build, then glibc,
            // then musl (which may need musl's loader).
            (&["t-x86_64-unknown-linux-gnu.tar.gz", "t_amd64.deb"], "linux-x86_64-musl", "t", None,
                "only glibc builds", None),
            (&["t-x86_64-unknown-linux-gnu.tar.gz", "t-x86_64-unknown-linux-musl.tar.gz"], "linux-x86_64", "t",
                Some("t-x86_64-unknown-linux-gnu.tar.gz"), "built for linux-x86_64", None),
            (&["t-x86_64-unknown-linux-musl.tar.gz", "t-x86_64-apple-darwin.tar.gz"], "linux-x86_64", "t",
                Some("t-x86_64-unknown-linux-musl.tar.gz"), "musl build: it runs here only if static", None),
            (&["t-linux-amd64-static.tar.gz", "t-linux-amd64.tar.gz", "t-linux-amd64-musl.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-amd64-static.tar.gz"), "static build preferred on linux", None),
            (&["t-linux-amd64", "t-alpine-amd64"], "linux-x86_64-musl", "t", Some("t-alpine-amd64"), "musl", None),
            (&["t-linux-x64.zip", "t-linux-x64-musl.zip", "t-linux-x64-musl-baseline.zip"], "linux-x86_64-musl", "t",
                Some("t-linux-x64-musl.zip"), "musl/static build for a musl host", None),
            // Builds for old systems or CPUs only where no plain one fits.
            (&["t-linux-amd64-legacy.tar.gz", "t-linux-amd64.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-amd64.tar.gz"), "built for linux-x86_64", None),
            (&["t-win7-x64.zip", "t-windows-x64.zip", "t-linux-x64.zip"], "windows-x86_64", "t",
                Some("t-windows-x64.zip"), "", None),
            (&["t-win7-x64.zip", "t-linux-x64.zip"], "windows-x86_64", "t",
                Some("t-win7-x64.zip"), "a build for older systems or cpus", None),
            (&["t-centos7-x86_64.tar.gz", "t-x86_64-unknown-linux-gnu.tar.gz"], "linux-x86_64", "t",
                Some("t-x86_64-unknown-linux-gnu.tar.gz"), "", None),
            (&["t-x86_64-linux-gnu-old-glibc.tar.xz", "t-x86_64-linux-gnu.tar.xz"], "linux-x86_64", "t",
                Some("t-x86_64-linux-gnu.tar.xz"), "", None),
            (&["t-linux-x64-baseline.zip", "t-linux-x64.zip", "t-windows-x64-baseline.zip"], "linux-x86_64", "t",
                Some("t-linux-x64.zip"), "", None),
            (&["t-linux-amd64-noavx.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-amd64-noavx.tar.gz"), "older systems", None),
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
            // Windows on Arm runs 32-bit x86 builds too, after x64 ones.
            (&["ttyd.x86_64", "ttyd.aarch64", "ttyd.win32.exe"], "windows-aarch64", "ttyd", Some("ttyd.win32.exe"),
                "32-bit x86 build runs under x86 emulation on windows on arm; no aarch64 build", Some(WindowsArm64X86)),
            (&["t-windows-386.zip", "t-windows-amd64.zip"], "windows-aarch64", "t", Some("t-windows-amd64.zip"),
                "x86_64 build runs under x64 emulation", Some(WindowsArm64X64)),
            (&["t-windows-amd64.zip", "t-windows-386.zip"], "windows-aarch64", "t", Some("t-windows-amd64.zip"),
                "x86_64 build runs under x64 emulation", Some(WindowsArm64X64)),
            // ARM: v7 over v6; v6 runs on v7; a bare `arm` is settled by the release.
            (&["t_linux_armv6.tar.gz", "t_linux_armv7.tar.gz"], "linux-armv7", "t", Some("t_linux_armv7.tar.gz"), "", None),
            (&["t-linux-arm.tar.gz", "t-linux-arm64.tar.gz"], "linux-armv7", "t", Some("t-linux-arm.tar.gz"),
                "armv6 build runs on armv7", None),
            (&["t_darwin_arm", "t_darwin"], "macos-aarch64", "t", Some("t_darwin_arm"), "built for macos-aarch64", None),
            (&["t-linux-arm.tar.gz", "t-linux.tar.gz", "t-windows-arm64.zip"], "linux-aarch64", "t",
                Some("t-linux-arm.tar.gz"), "read as arm64", None),
            // ...and so is the OS's only ARM build in a release that builds nothing 32-bit...
            (&["t-linux-arm.tar.gz", "t-linux-amd64.tar.gz", "t-darwin-amd64.tar.gz"], "linux-aarch64", "t",
                Some("t-linux-arm.tar.gz"), "`arm` read as arm64: no other 64-bit arm build for its os", None),
            (&["t-linux-arm.tar.gz", "t-linux-amd64.tar.gz", "t-darwin-amd64.tar.gz"], "linux-armv7", "t",
                None, "no asset fits", None),
            // ...but 32-bit where the release builds 32-bit x86 or ARM too (Go's GOARCH=arm).
            (&["t_linux_arm.tar.gz", "t_linux_amd64.tar.gz", "t_linux_386.tar.gz"], "linux-aarch64", "t",
                None, "no asset fits", None),
            (&["t_linux_arm.tar.gz", "t_linux_amd64.tar.gz", "t_linux_386.tar.gz"], "linux-armv7", "t",
                Some("t_linux_arm.tar.gz"), "armv6 build runs on armv7", None),
            // `x86` is 32-bit beside a 64-bit build, else the only Intel build.
            (&["t-win-x86.exe", "t-win-x64.exe"], "windows-x86_64", "t", Some("t-win-x64.exe"), "", None),
            (&["t_linux_x86", "t_linux_aarch64"], "linux-x86_64", "t", Some("t_linux_x86"), "read as x86_64", None),
            // Glued and split spellings.
            (&["jq-linux32", "jq-linux64", "jq-win64.exe"], "linux-i686", "jq", Some("jq-linux32"), "", None),
            (&["t_linux_64-bit.tar.gz", "t_linux_arm_64.tar.gz"], "linux-aarch64", "t", Some("t_linux_arm_64.tar.gz"), "", None),
            (&["t-winarm64.zip", "t-win64.zip"], "windows-aarch64", "t", Some("t-winarm64.zip"), "", None),
            // No arch beside builds of the same OS that name theirs: the arch they leave unnamed.
            (&["t-linux.tar.gz", "t-linux-arm64.tar.gz"], "linux-x86_64", "t", Some("t-linux.tar.gz"),
                "taken as x86_64, which its os's other builds leave unnamed", None),
            (&["t-linux.tar.gz", "t-linux-arm64.tar.gz"], "linux-aarch64", "t", Some("t-linux-arm64.tar.gz"), "", None),
            (&["t-macos.tar.gz", "t-macos-x86_64.tar.gz"], "macos-aarch64", "t", Some("t-macos.tar.gz"),
                "taken as arm64", None),
            (&["t-macos.tar.gz", "t-macos-x86_64.tar.gz"], "macos-x86_64", "t", Some("t-macos-x86_64.tar.gz"), "", None),
            (&["t.exe", "t-x86.exe", "t-arm64.exe"], "windows-x86_64", "t", Some("t.exe"), "taken as x86_64", None),
            // No arch on a Linux or Windows build whose OS names none, where another OS names
            // arm64 and x86_64 (or leaves x86_64 unnamed): x86_64, which that OS splits out.
            (&["plumber-linux", "plumber-darwin", "plumber-darwin-arm64", "plumber-windows.exe"], "linux-aarch64",
                "plumber", None, "no asset fits linux-aarch64", None),
            (&["plumber-linux", "plumber-darwin", "plumber-darwin-arm64", "plumber-windows.exe"], "linux-x86_64",
                "plumber", Some("plumber-linux"),
                "taken as x86_64: the release names arm64 builds for other oses, none for this one", None),
            (&["copilot_1.2_linux_amd64.tar.gz", "copilot_1.2_linux_arm64.tar.gz", "copilot_1.2_macOS_amd64.tar.gz",
               "copilot_1.2_macOS_arm64.tar.gz", "copilot-windows.exe"], "windows-aarch64", "copilot",
                Some("copilot-windows.exe"), "x86_64 build runs under x64 emulation on windows on arm", Some(WindowsArm64X64)),
            // ...not on macOS, whose arch-less builds are often universal or arm64...
            (&["t-linux-amd64.tar.gz", "t-linux-arm64.tar.gz", "t-macos.tar.gz"], "macos-aarch64", "t",
                Some("t-macos.tar.gz"), "assumed to run on aarch64", None),
            // ...and not when only a glued hint names an arch (`win64`): minisign's Linux
            // tarball holds both arches.
            (&["minisign-0.11-linux.tar.gz", "minisign-0.11-macos.zip", "minisign-0.11-win64.zip"], "linux-aarch64",
                "minisign", Some("minisign-0.11-linux.tar.gz"), "assumed to run on aarch64", None),
            (&["t-linux.tar.gz", "t-win64.zip", "t-winarm64.zip"], "linux-aarch64", "t", Some("t-linux.tar.gz"),
                "assumed to run on aarch64", None),
            // Beside both, a default build: the host's own arch named beats it.
            (&["t-linux.tar.gz", "t-linux-amd64.tar.gz", "t-linux-arm64.tar.gz"], "linux-x86_64", "t",
                Some("t-linux-amd64.tar.gz"), "", None),
            (&["t-linux.tar.gz", "t-linux-amd64.tar.gz", "t-linux-arm64.tar.gz"], "linux-armv7", "t", None, "", None),
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
            // `.bin` is a bare program (apple/pkl-go), not some other file type.
            (&["pkl-gen-go-linux-amd64.bin", "pkl-gen-go-linux-aarch64.bin", "pkl-gen-go-macos.bin"], "linux-aarch64",
                "pkl-gen-go", Some("pkl-gen-go-linux-aarch64.bin"), "built for linux-aarch64", None),
            (&["pkl-gen-go-linux-amd64.bin", "pkl-gen-go-linux-aarch64.bin", "pkl-gen-go-macos.bin"], "macos-aarch64",
                "pkl-gen-go", Some("pkl-gen-go-macos.bin"), "", None),
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
    fn asset_pattern_never_takes_an_installer() {
        let assets = [
            "t_1.0_amd64.deb",
            "t_1.0_darwin_arm64.pkg",
            "t-linux-amd64.tar.gz",
        ];
        let with = |re: &str, platform: &str| {
            let re = Regex::new(re).expect("regex compiles");
            select(
                &assets,
                platform.parse().expect("platform"),
                &Request {
                    tool: "t",
                    repo: "t",
                    asset_pattern: Some(&re),
                },
            )
        };
        let deb = with("deb$", "linux-x86_64");
        assert_eq!(deb.asset, None);
        assert_eq!(
            deb.reason,
            "only installer packages (.deb) exist for linux-x86_64 among the 1 asset matching --asset"
        );
        let pkg = with(r"\.pkg$", "linux-x86_64");
        assert_eq!(pkg.asset, None);
        assert_eq!(
            pkg.reason,
            "no asset fits linux-x86_64 among the 1 asset matching --asset"
        );
        // A program matched alone is still taken as it is, whatever its platform.
        assert_eq!(
            with("tar", "macos-aarch64").asset.as_deref(),
            Some("t-linux-amd64.tar.gz")
        );
    }

    #[test]
    fn ranked_lists_every_candidate_best_first() {
        let assets = [
            "t-linux-x64.zip",
            "t-linux-x64-baseline.zip",
            "t-linux-x64-musl.zip",
            "t-linux-aarch64.zip",
            "t-darwin-x64.zip",
            "t-1.0.deb",
            "SHASUMS256.txt",
        ];
        let names = |platform: &str| -> Vec<String> {
            ranked(
                &assets,
                platform.parse().expect("platform"),
                &Request {
                    tool: "t",
                    repo: "t",
                    asset_pattern: None,
                },
            )
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.asset)
            .collect()
        };
        assert_eq!(
            names("linux-x86_64"),
            [
                "t-linux-x64.zip",
                "t-linux-x64-musl.zip",
                "t-linux-x64-baseline.zip"
            ]
        );
        assert_eq!(
            names("linux-x86_64-musl"),
            [
                "t-linux-x64-musl.zip",
                "t-linux-x64.zip",
                "t-linux-x64-baseline.zip"
            ]
        );
        assert_eq!(names("macos-aarch64"), ["t-darwin-x64.zip"]);
        assert!(names("windows-x86_64").is_empty());
        // The first is what `select` picks, with the same reason.
        let p: Platform = "linux-x86_64".parse().expect("platform");
        let req = Request {
            tool: "t",
            repo: "t",
            asset_pattern: None,
        };
        assert_eq!(
            ranked(&assets, p, &req)
                .ok()
                .as_ref()
                .and_then(|r| r.first()),
            Some(&select(&assets, p, &req))
        );
    }

    #[test]
    #[allow(
        clippy::print_stdout,
        reason = "the corpus score and misses are the test's report"
    )]
    fn corpus() {
        let cases = corpus::load();
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
