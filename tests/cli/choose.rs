//! Choosing what to install: never guess an executable, `--bin` across the assets of a
//! release, only programs for the target, and a build that cannot start here gives way to the
//! next one.

use crate::support::archive::{self, exe, file};
use crate::support::{EXE, TestEnv, host_asset, program};

fn tar_gz(entries: &[archive::Entry]) -> Vec<u8> {
    archive::gz(&archive::tar(entries))
}

#[test]
fn several_executables_none_named_after_the_tool_is_an_error_not_a_guess() {
    let env = TestEnv::new();
    let a = program("multi-a", "1.0.0");
    let b = program("multi-b", "1.0.0");
    let asset = host_asset("multi", "1.0.0", ".tar.gz");
    let ea = format!("multi-a{EXE}");
    let eb = format!("multi-b{EXE}");
    env.server
        .release("acme/multi", "v1.0.0")
        .asset_with_digest(&asset, &tar_gz(&[exe(&ea, &a), exe(&eb, &b)]))
        .publish();
    env.run(&["install", "acme/multi"])
        .expect_code(1)
        .stderr_has("multi-a")
        .stderr_has("multi-b")
        .stderr_has("--bin");
    assert!(env.snapshot().is_empty());
    // Named: linked under their own names, or another when asked.
    env.run(&[
        "install",
        "acme/multi",
        "--bin",
        "multi-a",
        "--bin",
        "multi-b=mb",
    ])
    .expect_code(0);
    assert_eq!(env.installed_bytes("multi-a"), Some(a));
    assert_eq!(env.installed_bytes("mb"), Some(b));
    assert_eq!(env.installed_bytes("multi"), None);
}

/// Install kubectx's two executables (here each from its own archive).
pub const INSTALL_BOTH: [&str; 6] = [
    "install",
    "ahmetb/kubectx",
    "--bin",
    "kubectx",
    "--bin",
    "kubens",
];

/// Both of kubectx's executables are linked, each the release's own.
fn both_installed(env: &TestEnv) {
    for name in ["kubectx", "kubens"] {
        assert_eq!(env.installed_bytes(name), Some(program(name, "0.9.5")));
    }
}

/// The names of kubectx's two archives for this machine, one per executable.
fn kubectx_assets() -> (String, String) {
    let triple = host_asset("x", "0", "");
    let suffix = triple.trim_start_matches("x-0-");
    (
        format!("kubectx_v0.9.5_{suffix}.tar.gz"),
        format!("kubens_v0.9.5_{suffix}.tar.gz"),
    )
}

/// `haul install ahmetb/kubectx --bin kubectx --bin kubens` on a release with one archive per
/// executable.
#[test]
fn bins_from_different_assets_of_one_release() {
    let env = TestEnv::new();
    let (kubectx, kubens) = kubectx_assets();
    let ctx_exe = format!("kubectx{EXE}");
    let ns_exe = format!("kubens{EXE}");
    env.server
        .release("ahmetb/kubectx", "v0.9.5")
        .asset(
            &kubectx,
            &tar_gz(&[
                exe(&ctx_exe, &program("kubectx", "0.9.5")),
                file("LICENSE", b"x"),
            ]),
        )
        .asset(
            &kubens,
            &tar_gz(&[
                exe(&ns_exe, &program("kubens", "0.9.5")),
                file("LICENSE", b"y"),
            ]),
        )
        .checksums("checksums.txt")
        .publish();
    let run = env.run(&[&INSTALL_BOTH[..], &["--json"]].concat());
    run.expect_code(0);
    both_installed(&env);
    // One that really is absent: the hint does not say to do what was just done.
    env.run(&["install", "ahmetb/kubectx", "--bin", "kubectl", "--force"])
        .expect_code(1)
        .stderr_has("no executable named `kubectl`")
        .stderr_has("choose among the executables listed");
}

/// A tool made of several files is only as verified as the least verified of them: `list`
/// does not call it verified when one file was installed unverified.
#[test]
fn a_tool_of_several_files_lists_each_and_the_weakest_verification() {
    let env = TestEnv::new();
    let (kubectx, kubens) = kubectx_assets();
    let archive_of = |name: &str| tar_gz(&[exe(&format!("{name}{EXE}"), &program(name, "0.9.5"))]);
    env.server
        .release("ahmetb/kubectx", "v0.9.5")
        .asset_with_digest(&kubectx, &archive_of("kubectx"))
        .asset(&kubens, &archive_of("kubens"))
        .publish();
    let install = env.run(&[&INSTALL_BOTH[..], &["--json"]].concat());
    install
        .expect_code(0)
        .stderr_has(&format!("no checksum covers `{kubens}`"));
    // `install --json` says the same as `list --json`.
    assert_eq!(
        install.json()["installed"][0]["verified_by"],
        serde_json::Value::Null
    );
    let list = env.run(&["list", "--json"]);
    let entry = &list.json()[0];
    assert_eq!(entry["verified_by"], serde_json::Value::Null, "{entry}");
    let files: Vec<(&str, &serde_json::Value)> = entry["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["asset"].as_str().unwrap(), &f["verified_by"]))
        .collect();
    assert_eq!(
        files,
        [
            (kubectx.as_str(), &serde_json::json!("api-digest")),
            (kubens.as_str(), &serde_json::Value::Null)
        ]
    );
    let shown = env.run(&["list"]);
    assert!(shown.stdout().contains("unverified"), "{}", shown.stdout());
}

#[test]
fn only_programs_for_the_target_are_installed() {
    let env = TestEnv::new();
    let linux = crate::support::fake_elf("/lib64/ld-linux-x86-64.so.2");
    let mut macho = vec![0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01];
    macho.resize(64, 0);
    env.server
        .release("acme/tool", "v1.0.0")
        .asset_with_digest("tool_1.0.0_amd64.deb", b"!<arch>\ndebian-binary   ")
        .asset_with_digest("tool-darwin-amd64", &macho)
        .asset_with_digest(&host_asset("tool", "1.0.0", ""), &linux)
        .publish();
    // An installer package is never installed, whatever the machine.
    env.run(&[
        "install",
        "acme/tool",
        "--asset",
        "deb$",
        "--target",
        "linux-x86_64",
    ])
    .expect_code(1)
    .stderr_has("installer package");
    let target = if cfg!(windows) {
        "windows-x86_64"
    } else {
        "linux-x86_64"
    };
    env.run(&[
        "install",
        "acme/tool",
        "--asset",
        "darwin",
        "--target",
        target,
    ])
    .expect_code(1)
    .stderr_has(&format!("is not a program for {target}"));
    assert!(env.snapshot().is_empty());
}

/// A build whose loader this system lacks gives way to the next build (here: a static one).
#[cfg(target_os = "linux")]
#[test]
fn a_build_that_cannot_start_here_gives_way_to_the_next() {
    let env = TestEnv::new();
    let arch = if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else {
        "x86_64"
    };
    let dynamic = crate::support::fake_elf("/lib/ld-haul-test-absent.so.1");
    let mut fully_static = crate::support::fake_elf("");
    // No program headers: nothing asks for a loader.
    fully_static[0x38] = 0;
    let gnu = format!("tool-1.0.0-{arch}-unknown-linux-gnu.tar.gz");
    let musl = format!("tool-1.0.0-{arch}-unknown-linux-musl.tar.gz");
    env.server
        .release("acme/tool", "v1.0.0")
        .asset_with_digest(&gnu, &tar_gz(&[exe("tool", &dynamic)]))
        .asset_with_digest(&musl, &tar_gz(&[exe("tool", &fully_static)]))
        .publish();
    let run = env.run(&["install", "acme/tool", "--target", &format!("linux-{arch}")]);
    run.expect_code(0);
    // Whichever the picker put first, the one that installs is the one that can start.
    assert_eq!(env.installed_bytes("tool"), Some(fully_static));
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["asset"], musl.as_str());
    if run.stderr().contains("took") {
        assert!(
            run.stderr().contains("ld-haul-test-absent"),
            "{}",
            run.stderr()
        );
    }
}

/// A release of installer packages only is refused, `--asset` or not, with a hint that can
/// help: no `--asset` can choose one.
#[test]
fn a_release_of_installer_packages_only_says_what_would_help() {
    let env = TestEnv::new();
    env.server
        .release("acme/widget", "v1.0.0")
        .asset("widget_1.0.0_amd64.deb", b"!<arch>\n")
        .asset("widget-1.0.0-1.x86_64.rpm", b"\xed\xab\xee\xdb")
        .publish();
    for asset in [&[][..], &["--asset", "deb"]] {
        let mut args = vec!["install", "acme/widget", "--target", "linux-x86_64"];
        args.extend_from_slice(asset);
        let run = env.run(&args);
        run.expect_code(1)
            .stderr_has("only installer packages (.deb")
            .stderr_has("system's package manager");
        assert!(!run.stderr().contains("pass `--asset"), "{}", run.stderr());
    }
    assert!(env.snapshot().is_empty());
}

/// The same with one bare program per executable (no archives): each is written under the
/// executable asked for from it, so both are found (the second was written under the tool's
/// name too).
#[test]
fn bins_from_different_bare_programs_of_one_release() {
    let env = TestEnv::new();
    let (kubectx, kubens) = kubectx_assets();
    let bare = |archive: &str| format!("{}{EXE}", archive.trim_end_matches(".tar.gz"));
    env.server
        .release("ahmetb/kubectx", "v0.9.5")
        .asset(&bare(&kubectx), &program("kubectx", "0.9.5"))
        .asset(&bare(&kubens), &program("kubens", "0.9.5"))
        .checksums("checksums.txt")
        .publish();
    env.run(&INSTALL_BOTH).expect_code(0);
    both_installed(&env);
}

/// For Windows, a `--bin` may name the program with its `.exe` (any case), as Windows users
/// see it: haul adds the suffix itself, so it asks for the same program (it was refused while
/// the error listed `tk.exe`).
#[test]
fn a_bin_named_with_exe_for_windows_is_the_program() {
    let env = TestEnv::new();
    env.server
        .release("acme/tk", "v1.0.0")
        .asset("tk-linux-amd64", &program("tk", "1.0.0"))
        .asset("tk-windows-amd64.exe", &crate::support::pe_headers(0x8664))
        .checksums("checksums.txt")
        .publish();
    for (bin, link) in [("tk.exe", "tk.exe"), ("tk.EXE=k.Exe", "k.exe")] {
        env.run(&[
            "install",
            "acme/tk",
            "--target",
            "windows-x86_64",
            "--bin",
            bin,
            "--force",
        ])
        .expect_code(0);
        assert!(
            env.bin_dir().join(link).exists(),
            "{bin}: {:?}",
            env.snapshot()
        );
        assert!(!env.bin_dir().join(format!("{link}.exe")).exists());
    }
}
