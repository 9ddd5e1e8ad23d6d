//! Every download format haul unpacks, installed end to end.

use crate::support::archive::{self, exe, file};
use crate::support::{EXE, TestEnv, host_asset, program};

/// Publish one asset for this machine, install it, and check the installed program.
fn installs(ext: &str, bytes: &[u8], version: &str) {
    let env = TestEnv::new();
    let asset = host_asset("widget", version, ext);
    env.server
        .release("acme/widget", &format!("v{version}"))
        .asset_with_digest(&asset, bytes)
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("Installed");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", version)),
        "{ext}: installed program"
    );
    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    assert_eq!(list.json()[0]["asset"], asset.as_str());
    assert_eq!(list.json()[0]["verified_by"], "api-digest");
    // The stand-in program is a shell script: it runs only where there is a `sh`.
    #[cfg(unix)]
    {
        let out = crate::support::spawn_retrying(|| {
            std::process::Command::new(env.bin_dir().join("widget")).output()
        })
        .expect("run installed program");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("widget {version}")
        );
    }
}

fn release_tar(version: &str) -> Vec<u8> {
    let program = program("widget", version);
    let path = format!("widget-{version}/widget{EXE}");
    archive::tar(&[
        exe(&path, &program),
        file("widget-docs/README.md", b"read me"),
    ])
}

#[test]
fn tar_gz() {
    installs(".tar.gz", &archive::gz(&release_tar("1.0.0")), "1.0.0");
}

#[test]
fn tgz() {
    installs(".tgz", &archive::gz(&release_tar("1.0.1")), "1.0.1");
}

#[test]
fn tar_xz() {
    installs(".tar.xz", &archive::xz(&release_tar("1.1.0")), "1.1.0");
}

#[test]
fn tar_zst() {
    installs(".tar.zst", &archive::zst(&release_tar("1.2.0")), "1.2.0");
}

#[test]
fn tar_bz2() {
    installs(".tar.bz2", &archive::bz2(&release_tar("1.3.0")), "1.3.0");
}

#[test]
fn zip() {
    let program = program("widget", "1.4.0");
    let path = format!("widget{EXE}");
    installs(
        ".zip",
        &archive::zip(&[exe(&path, &program), file("LICENSE", b"MIT")]),
        "1.4.0",
    );
}

#[test]
fn single_file_gz() {
    installs(".gz", &archive::gz(&program("widget", "1.5.0")), "1.5.0");
}

#[test]
fn single_file_xz() {
    installs(".xz", &archive::xz(&program("widget", "1.6.0")), "1.6.0");
}

#[test]
fn single_file_zst() {
    installs(".zst", &archive::zst(&program("widget", "1.7.0")), "1.7.0");
}

#[test]
fn single_file_bz2() {
    installs(".bz2", &archive::bz2(&program("widget", "1.8.0")), "1.8.0");
}

#[test]
fn bare_binary() {
    installs(EXE, &program("widget", "1.9.0"), "1.9.0");
}

#[test]
fn platform_suffixed_executable_is_linked_under_the_tool_name() {
    let env = TestEnv::new();
    let asset = host_asset("yq", "4.0.0", ".tar.gz");
    let inner = format!(
        "yq_{}{EXE}",
        crate::support::host_triple().replace('-', "_")
    );
    let bytes = archive::gz(&archive::tar(&[
        exe(&inner, &program("yq", "4.0.0")),
        file("yq.1", b"man"),
    ]));
    env.server
        .release("mikefarah/yq", "v4.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    env.run(&["install", "mikefarah/yq"]).expect_code(0);
    assert_eq!(env.installed_bytes("yq"), Some(program("yq", "4.0.0")));
}

#[test]
fn several_executables_with_bin() {
    let env = TestEnv::new();
    let asset = host_asset("kubectx", "0.9.5", ".tar.gz");
    let (a, b) = (format!("kubectx{EXE}"), format!("kubens{EXE}"));
    let bytes = archive::gz(&archive::tar(&[
        exe(&a, &program("kubectx", "0.9.5")),
        exe(&b, &program("kubens", "0.9.5")),
    ]));
    env.server
        .release("ahmetb/kubectx", "v0.9.5")
        .asset_with_digest(&asset, &bytes)
        .publish();
    env.run(&crate::choose::INSTALL_BOTH).expect_code(0);
    assert_eq!(
        env.installed_bytes("kubectx"),
        Some(program("kubectx", "0.9.5"))
    );
    assert_eq!(
        env.installed_bytes("kubens"),
        Some(program("kubens", "0.9.5"))
    );
    let which = env.run(&["which", "kubens"]);
    which.expect_code(0);
    assert_eq!(
        which.stdout().trim(),
        env.bin_dir()
            .join(format!("kubens{EXE}"))
            .display()
            .to_string()
    );
}

#[test]
fn missing_executable_lists_what_the_release_holds() {
    let env = TestEnv::new();
    let asset = host_asset("tools", "1.0.0", ".tar.gz");
    let (a, b) = (format!("alpha{EXE}"), format!("beta{EXE}"));
    let bytes = archive::gz(&archive::tar(&[
        exe(&a, &program("alpha", "1")),
        exe(&b, &program("beta", "1")),
    ]));
    env.server
        .release("acme/tools", "v1.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    env.run(&["install", "acme/tools"])
        .expect_code(1)
        .stderr_has("no executable named `tools`")
        .stderr_has(&a)
        .stderr_has("--bin NAME");
    assert!(env.snapshot().is_empty(), "nothing installed");
}

#[test]
fn a_glibc_build_is_refused_on_musl() {
    let env = TestEnv::new();
    let glibc = crate::support::fake_elf("/lib64/ld-linux-x86-64.so.2");
    let bytes = archive::gz(&archive::tar(&[exe("widget", &glibc)]));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest("widget-1.0.0-linux-amd64.tar.gz", &bytes)
        .publish();
    env.run(&["install", "acme/widget", "--target", "linux-x86_64-musl"])
        .expect_code(1)
        .stderr_has("is linked against glibc")
        .stderr_has("this system uses musl")
        .stderr_has("ld-linux-x86-64.so.2");
    assert!(env.snapshot().is_empty());
    // The same build is fine on a glibc system.
    env.run(&["install", "acme/widget", "--target", "linux-x86_64"])
        .expect_code(0);
    let musl = crate::support::fake_elf("/lib/ld-musl-x86_64.so.1");
    let bytes = archive::gz(&archive::tar(&[exe("widget", &musl)]));
    env.server
        .release("acme/widget", "v2.0.0")
        .asset_with_digest("widget-2.0.0-linux-amd64-musl.tar.gz", &bytes)
        .publish();
    env.run(&["install", "acme/widget", "--target", "linux-x86_64-musl"])
        .expect_code(0);
}
