//! `haul self update` and `haul doctor` against releases of `haul-cli/haul` laid out as
//! cargo-dist publishes them. Every test runs a copy of haul from its temp dir: a successful
//! update replaces the executable it runs from.

use std::path::{Path, PathBuf};

use crate::support::server::sha256_hex;
use crate::support::{EXE, TestEnv, archive};

const REPO: &str = "haul-cli/haul";

/// This build's target triple; its archive is `haul-TRIPLE.tar.xz` (`.zip` on Windows).
fn triple() -> &'static str {
    ::self_update::get_target()
}

pub(crate) fn archive_name() -> String {
    let ext = if cfg!(windows) { "zip" } else { "tar.xz" };
    format!("haul-{}.{ext}", triple())
}

/// The executable a release ships. On Unix a script that says which version it is; on Windows
/// the real haul with the version appended (a PE file runs with trailing data).
fn release_exe(version: &str) -> Vec<u8> {
    if cfg!(windows) {
        let mut bytes = std::fs::read(env!("CARGO_BIN_EXE_haul")).unwrap();
        bytes.extend_from_slice(format!("haul-test-release {version}").as_bytes());
        bytes
    } else {
        format!("#!/bin/sh\necho \"haul {version} (test release)\"\n").into_bytes()
    }
}

/// The archive cargo-dist builds: `haul-TRIPLE/haul` plus extras on Unix, a flat zip on Windows.
pub(crate) fn release_archive(version: &str) -> Vec<u8> {
    let exe = release_exe(version);
    if cfg!(windows) {
        archive::zip(&[
            archive::exe("haul.exe", &exe),
            archive::file("README.md", b"readme"),
        ])
    } else {
        let dir = format!("haul-{}", triple());
        archive::xz(&archive::tar(&[
            archive::exe(&format!("{dir}/haul"), &exe),
            archive::file(&format!("{dir}/README.md"), b"readme"),
            archive::file(&format!("{dir}/man/haul.1"), b".TH haul 1"),
        ]))
    }
}

/// How to lay a release out; the default is what cargo-dist publishes.
#[derive(Default)]
struct Layout {
    /// Write this text as `sha256.sum` instead of the right one.
    sums: Option<String>,
    no_sums: bool,
    /// Give the API a digest that does not match.
    wrong_digest: bool,
    /// Publish these bytes as the archive (vouched for like the right one).
    archive: Option<Vec<u8>>,
}

/// Publish haul `version` (tag `vVERSION`): decoys whose names start like the archive come first,
/// then the archive with GitHub's digest, its `.sha256`, and `sha256.sum`.
fn publish(env: &TestEnv, version: &str, layout: &Layout) -> Vec<u8> {
    let name = archive_name();
    let bytes = layout
        .archive
        .clone()
        .unwrap_or_else(|| release_archive(version));
    let other = if triple().contains("x86_64") {
        triple().replace("x86_64", "aarch64")
    } else {
        triple().replace("aarch64", "x86_64")
    };
    let decoy_sha = format!("{name}.sha256");
    let decoy_other = archive_name().replace(triple(), &other);
    let sha_line = format!("{}  {name}\n", sha256_hex(&bytes));
    let mut release = env
        .server
        .release(REPO, &format!("v{version}"))
        .asset(&decoy_sha, sha_line.as_bytes())
        .asset(&decoy_other, b"not this one");
    release = if layout.wrong_digest {
        release.asset_with_given_digest(&name, &bytes, &format!("sha256:{}", "0".repeat(64)))
    } else {
        release.asset_with_digest(&name, &bytes)
    };
    let sums = layout
        .sums
        .clone()
        .unwrap_or_else(|| format!("{}  {decoy_other}\n{sha_line}", sha256_hex(b"not this one")));
    if !layout.no_sums {
        release = release.asset("sha256.sum", sums.as_bytes());
    }
    release.asset("haul-installer.sh", b"#!/bin/sh\n").publish();
    bytes
}

/// A copy of the haul under test in `DIR/SUBDIR`, to be replaced by the updates.
pub(crate) fn copy_haul(env: &TestEnv, subdir: &str) -> PathBuf {
    let dir = env.dir.path().join(subdir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("haul{EXE}"));
    std::fs::copy(env!("CARGO_BIN_EXE_haul"), &path).unwrap();
    path
}

fn current() -> semver::Version {
    semver::Version::parse(env!("CARGO_PKG_VERSION")).unwrap()
}

/// A version newer than this build.
pub(crate) fn newer() -> String {
    format!("{}.{}.0", current().major, current().minor + 1)
}

/// A version older than this build (this crate is never at 0.0.0).
fn older() -> String {
    "0.0.1".to_owned()
}

fn downloads(env: &TestEnv) -> Vec<String> {
    env.server
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.starts_with("/dl/"))
        .collect()
}

/// The copy now holds the release's executable, and runs as it.
#[track_caller]
fn assert_is_release(env: &TestEnv, exe: &Path, version: &str) {
    assert_eq!(std::fs::read(exe).unwrap(), release_exe(version));
    if cfg!(unix) {
        let run = env.run_exe(exe, &["--version"]);
        run.expect_code(0);
        assert_eq!(
            run.stdout().trim(),
            format!("haul {version} (test release)")
        );
    }
}

/// The copy is untouched and still works.
#[track_caller]
fn assert_unchanged(env: &TestEnv, exe: &Path) {
    assert_eq!(
        std::fs::read(exe).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_haul")).unwrap()
    );
    let run = env.run_exe(exe, &["--version"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout().trim(),
        format!("haul {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Nothing is left beside the copy of haul (no trial copy, no temporary file).
#[track_caller]
fn assert_alone(exe: &Path) {
    let beside: Vec<_> = std::fs::read_dir(exe.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
}

#[test]
fn check_exits_0_when_up_to_date() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &current().to_string(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--check"])
        .expect_code(0)
        .stdout_is(&env, "[VERSION]")
        .stderr_is(&env, "haul [VERSION] is up to date");
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
    assert_unchanged(&env, &exe);
}

#[test]
fn check_exits_10_when_a_newer_release_exists() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--check"])
        .expect_code(10)
        // The new version, for scripts, on stdout.
        .stdout_is(&env, &newer())
        .stderr_is(
            &env,
            &format!(
                "   Available haul {} (this is [VERSION]); update with `haul self update`",
                newer()
            ),
        );
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
    assert_unchanged(&env, &exe);
}

#[test]
fn updates_in_place_from_the_exact_archive_after_verifying_it() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    // No `--yes`: stdin is not a terminal, so haul never asks.
    let run = env.run_exe(&exe, &["self", "update"]);
    run.expect_code(0).stderr_is(
        &env,
        &format!(
            "     Updated haul [VERSION] to {} at `[TMP]/bin/haul[EXE]` (sha256 verified by sha256.sum and api-digest)",
            newer()
        ),
    );
    assert_eq!(run.stdout(), "");
    assert_is_release(&env, &exe, &newer());
    let tag = format!("v{}", newer());
    assert_eq!(
        downloads(&env),
        vec![
            format!("/dl/{REPO}/{tag}/sha256.sum"),
            format!("/dl/{REPO}/{tag}/{}", archive_name()),
        ]
    );
    // Nothing is left beside the executable (Windows deletes the old one after haul exits).
    if cfg!(unix) {
        let left: Vec<String> = std::fs::read_dir(exe.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec!["haul".to_owned()]);
    }
}

/// An update killed part-way leaves its trial copy and the copy it was renaming into place
/// beside haul; the next update removes those (once they are old enough not to be another
/// update's, running now), and nothing else.
#[test]
fn an_update_removes_what_a_killed_update_left_beside_haul() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    let dir = exe.parent().unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let put = |name: &str, old: bool| {
        let file = std::fs::File::create(dir.join(name)).unwrap();
        if old {
            file.set_modified(hour_ago).unwrap();
        }
    };
    let stale = [
        format!(".haul-update-4242{EXE}"),
        ".haul.__temp__a1B2c3".to_owned(),
    ];
    let kept = [
        // Another update's, running now.
        (format!(".haul-update-4343{EXE}"), false),
        (".haul.__temp__x9Y8z7".to_owned(), false),
        // Not names an update gives.
        (".haul-update-notes".to_owned(), true),
        (".haul.__temp__toolong1".to_owned(), true),
        ("haul.__temp__a1B2c3".to_owned(), true),
        ("notes.haul.__temp__abc123".to_owned(), true),
    ];
    for name in &stale {
        put(name, true);
    }
    for (name, old) in &kept {
        put(name, *old);
    }
    std::fs::create_dir(dir.join(".haul-update-77")).unwrap();
    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update"]).expect_code(0);
    assert_is_release(&env, &exe, &newer());
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.contains("__relocated__") && !name.contains("__selfdelete__"))
        .collect();
    left.sort();
    let mut expected: Vec<String> = kept.iter().map(|(name, _)| name.clone()).collect();
    expected.push(".haul-update-77".to_owned());
    expected.push(format!("haul{EXE}"));
    expected.sort();
    assert_eq!(left, expected);
}

#[test]
fn a_tampered_sha256_sum_changes_nothing_and_exits_4() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    let sums = format!("{}  {}\n", "1".repeat(64), archive_name());
    let bytes = publish(
        &env,
        &newer(),
        &Layout {
            sums: Some(sums),
            ..Layout::default()
        },
    );
    let run = env.run_exe(&exe, &["self", "update", "--yes"]);
    // The sums file and the API's digest disagree: refused before anything is downloaded.
    run.expect_code(4).stderr_is(
        &env,
        &format!(
            "error: the checksums for `{}` disagree
  caused by: sha256.sum says sha256:{}
  caused by: api-digest says sha256:{}
  hint: haul was not changed; a release that contradicts itself cannot vouch for its files. Report it to the tool's authors",
            archive_name(),
            "1".repeat(64),
            sha256_hex(&bytes)
        ),
    );
    assert_eq!(
        downloads(&env),
        vec![format!("/dl/{REPO}/v{}/sha256.sum", newer())],
        "the archive is never downloaded"
    );
    assert_unchanged(&env, &exe);
}

#[test]
fn a_wrong_api_digest_changes_nothing_and_exits_4() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    let bytes = publish(
        &env,
        &newer(),
        &Layout {
            wrong_digest: true,
            ..Layout::default()
        },
    );
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: the checksums for `{}` disagree
  caused by: sha256.sum says sha256:{}
  caused by: api-digest says sha256:{}
  hint: haul was not changed; a release that contradicts itself cannot vouch for its files. Report it to the tool's authors",
                archive_name(),
                sha256_hex(&bytes),
                "0".repeat(64)
            ),
        );
    assert_eq!(
        downloads(&env),
        vec![format!("/dl/{REPO}/v{}/sha256.sum", newer())],
        "the archive is never downloaded"
    );
    assert_unchanged(&env, &exe);
}

#[test]
fn a_release_without_checksums_is_refused() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(
        &env,
        &newer(),
        &Layout {
            no_sums: true,
            ..Layout::default()
        },
    );
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: haul v{} publishes no `sha256.sum`, so `{}` cannot be verified
  hint: haul was not changed; it replaces itself only with an archive its release's `sha256.sum` vouches for",
                newer(),
                archive_name()
            ),
        );
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
    assert_unchanged(&env, &exe);
}

#[test]
fn never_downgrades_to_an_older_latest_release() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &older(), &Layout::default());
    let newer_than_latest = format!(
        "haul [VERSION] is newer than the latest release ({}); nothing to do",
        older()
    );
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(0)
        .stdout_is(&env, "")
        .stderr_is(&env, &newer_than_latest);
    // `--check` agrees; stdout has the latest release, whatever the answer.
    env.run_exe(&exe, &["self", "update", "--check"])
        .expect_code(0)
        .stdout_is(&env, &older())
        .stderr_is(&env, &newer_than_latest);
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
    assert_unchanged(&env, &exe);
}

#[test]
fn downgrades_to_a_version_named_with_version() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &older(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--version", &older(), "--yes"])
        .expect_code(0)
        .stderr_is(
            &env,
            &format!(
                "  Downgraded haul [VERSION] to {} at `[TMP]/bin/haul[EXE]` (sha256 verified by sha256.sum and api-digest)",
                older()
            ),
        );
    assert_is_release(&env, &exe, &older());
}

#[test]
fn an_unknown_version_is_an_error() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    // The hint is the one `haul install` gives, though here `--version` names the release.
    env.run_exe(&exe, &["self", "update", "--version", "99.0.0"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: `haul-cli/haul` has no release matching `99.0.0`
  caused by: recent releases: v{}
  hint: pick one of those with `haul self update --version VERSION`",
                newer()
            ),
        );
    assert_unchanged(&env, &exe);
}

/// Where Homebrew puts haul: `Cellar/haul/VERSION/bin` (a version that is not this one, which
/// the output would show as `[VERSION]`).
const CELLAR: &str = "Cellar/haul/0.0.9/bin";

#[test]
fn a_package_manager_install_is_left_to_the_package_manager() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, CELLAR);
    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: haul was installed by Homebrew and does not replace itself
  caused by: `[TMP]/{CELLAR}/haul[EXE]` is managed there
  hint: update it with `brew upgrade haul`; nothing was changed"
            ),
        );
    assert!(env.server.requests().is_empty());
    assert_unchanged(&env, &exe);
}

/// A haul that haul installed as one of its tools is in the store, whose record vouches for
/// its bytes: it is updated as a tool, not replaced in place.
#[test]
fn a_haul_in_the_store_is_updated_as_a_tool() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "home/tools/haul/0.0.9/haul-x");
    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(1)
        .stderr_has("haul was installed by haul itself")
        .stderr_has("`haul upgrade haul`");
    assert!(env.server.requests().is_empty());
    assert_unchanged(&env, &exe);
}

/// The release's tag is checked as every tool's is: a newline in it cannot forge a line of
/// haul's output, of `--check`'s stdout or of the receipt.
#[test]
fn a_tag_with_control_characters_is_refused() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    let forged = r#"{"tag_name": "v9.9.9\nhint: run evil", "prerelease": false, "draft": false, "assets": []}"#;
    env.server
        .file("/repos/haul-cli/haul/releases/latest", forged.as_bytes());
    let run = env.run_exe(&exe, &["self", "update", "--check"]);
    run.expect_code(1).stderr_has("control characters");
    assert_eq!(run.stdout(), "");
    assert_unchanged(&env, &exe);
}

/// The new haul is unpacked within the limits the user set, as any tool's archive is.
#[test]
fn the_update_is_unpacked_within_the_users_limits() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    std::fs::write(env.config_path(), "max-archive-entries = 1\n").unwrap();
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(1)
        .stderr_has("`max-archive-entries`");
    assert_unchanged(&env, &exe);
}

/// Ctrl-C while the new archive downloads: haul stays as it was, exit 130, and nothing is
/// left behind (the partial download, or a copy beside haul).
#[cfg(unix)]
#[test]
fn ctrl_c_during_the_download_changes_nothing() {
    use crate::support::server::{Fault, Server};
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    let path = Server::download_path(REPO, &format!("v{}", newer()), &archive_name());
    env.server.fault(&path, &[Fault::Hang]);
    let tmp = env.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut update = env.command_for(&exe);
    update.args(["self", "update", "--yes"]).env("TMPDIR", &tmp);
    let out = env.interrupt_when_hung(&path, update);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; haul was not changed"),
        "{stderr}"
    );
    assert_unchanged(&env, &exe);
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "a download was left"
    );
    assert_alone(&exe);
}

#[test]
fn check_on_a_package_manager_install_says_how_to_update() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, CELLAR);
    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--check"])
        .expect_code(10)
        .stdout_is(&env, &newer())
        .stderr_is(
            &env,
            &format!(
                "   Available haul {} (this is [VERSION]); update with `brew upgrade haul`",
                newer()
            ),
        );
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_is_refused_before_downloading() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = TestEnv::new();
    let exe = copy_haul(&env, "ro");
    let dir = exe.parent().unwrap().to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if tempfile::tempfile_in(&dir).is_ok() {
        // Running as root: permissions do not stop writes, so there is nothing to test.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    publish(&env, &newer(), &Layout::default());
    let run = env.run_exe(&exe, &["self", "update", "--yes"]);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.expect_code(1);
    // The cause names the file haul tried to create, which ends in six random characters.
    let stderr = env.redact(&run.stderr());
    let probe = "/ro/.haul-update-";
    let stderr = match stderr.find(probe) {
        Some(at) => {
            let random = at + probe.len()..at + probe.len() + 6;
            format!("{}XXXXXX{}", &stderr[..random.start], &stderr[random.end..])
        }
        None => stderr,
    };
    assert_eq!(
        stderr.trim_end(),
        "error: haul cannot replace itself: `[TMP]/ro` is not writable
  caused by: Permission denied (os error 13) at path \"[TMP]/ro/.haul-update-XXXXXX\"
  hint: run it as a user who may write there (for example with sudo), or reinstall haul with its installer: `curl --proto '=https' --tlsv1.2 -LsSf https://github.com/haul-cli/haul/releases/latest/download/haul-installer.sh | sh`"
    );
    assert!(downloads(&env).is_empty(), "{:?}", downloads(&env));
    assert_unchanged(&env, &exe);
}

/// A receipt as cargo-dist's installer writes it, for haul installed in `dir`.
fn write_receipt(env: &TestEnv, dir: &Path) {
    let receipt = serde_json::json!({
        "install_prefix": dir, "install_layout": "flat", "binaries": ["haul"],
        "cdylibs": [], "cstaticlibs": [],
        "source": {"release_type": "github", "owner": "haul-cli", "name": "haul", "app_name": "haul"},
        "version": current().to_string(),
        "provider": {"source": "cargo-dist", "version": "0.34.0"},
        "binary_aliases": {}, "modify_path": true
    });
    let path = env.receipt_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, receipt.to_string()).unwrap();
}

#[test]
fn the_install_receipt_says_how_haul_was_installed_and_follows_updates() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "installed");
    let install_dir = exe.parent().unwrap().to_path_buf();
    write_receipt(&env, &install_dir);
    let path = std::env::join_paths([&install_dir, &env.bin_dir()]).unwrap();
    let env = env.env("PATH", path.to_str().unwrap());

    let run = env.run_exe(&exe, &["doctor", "--json"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["installed_by"], "installer");
    assert_eq!(report["update_with"], "`haul self update`");
    assert_eq!(report["receipt"]["status"], "found");
    assert_eq!(report["receipt"]["version"], current().to_string());
    assert_eq!(report["install_dir"]["on_path"], true);
    assert_eq!(report["bin_dir"]["on_path"], true);
    assert_eq!(report["github_api_url"], env.server.url);
    assert_eq!(report["problems"], serde_json::json!([]));

    publish(&env, &newer(), &Layout::default());
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(0);
    let receipt: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.receipt_path()).unwrap()).unwrap();
    assert_eq!(receipt["version"], newer());
    assert_eq!(receipt["provider"]["source"], "cargo-dist");
}

#[test]
fn doctor_names_what_is_wrong_and_exits_1() {
    let env = TestEnv::new()
        .env("PATH", "")
        .env("HAUL_GITHUB_TOKEN", "t0ken");
    let exe = copy_haul(&env, "somewhere");
    // The token is named, never shown.
    env.run_exe(&exe, &["doctor"])
        .expect_code(1)
        .stderr_is(&env, "")
        .stdout_is(
            &env,
            &format!(
                "haul [VERSION] for {}
  executable    [TMP]/somewhere/haul[EXE]
  installed by  hand (no package manager or installer receipt)
  update with   `haul self update`
  install dir   [TMP]/somewhere (not on PATH)
  bin dir       [TMP]/bin (not on PATH)
  config        [TMP]/config.toml (in use)
  GitHub API    [SERVER] (token from `HAUL_GITHUB_TOKEN`)
  proxy         none
  no proxy      * (from `NO_PROXY`)
  trusted CAs   the system's store and haul's built-in roots
  limits        timeout 30 s, max-time 3600 s, at least 1 KiB/s over 30 s, downloads up to 2 GiB, API answers up to 10 MiB
  unpacking     up to 4 GiB and 100000 archive entries per download
  tools         0 installed
  cache         [TMP]/cache (0 B; `haul cache clean` empties it)

problem: haul's own directory `[TMP]/somewhere` is not on PATH
  fix: add it to PATH in your shell's profile
problem: the bin dir `[TMP]/bin` is not on PATH, so installed tools are not found by name
  fix: add `eval \"$(haul env)\"` to your shell's profile (see `haul env --help`)",
                triple()
            ),
        );
    assert!(env.server.requests().is_empty(), "doctor stays offline");
}

#[test]
fn doctor_json_names_the_same_problems() {
    let env = TestEnv::new()
        .env("PATH", "")
        .env("HAUL_GITHUB_TOKEN", "t0ken");
    let exe = copy_haul(&env, "somewhere");
    let json = env.run_exe(&exe, &["doctor", "--json"]);
    json.expect_code(1);
    let report = json.json();
    assert_eq!(report["installed_by"], "manual");
    assert_eq!(report["receipt"]["status"], "missing");
    assert_eq!(report["github_token"], "HAUL_GITHUB_TOKEN");
    assert!(!json.stdout().contains("t0ken"));
    let problems: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| env.redact(p["problem"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [
            "haul's own directory `[TMP]/somewhere` is not on PATH",
            "the bin dir `[TMP]/bin` is not on PATH, so installed tools are not found by name"
        ]
    );
    assert!(env.server.requests().is_empty(), "doctor stays offline");
}

/// Ctrl-C, SIGTERM or SIGHUP (on Linux) while the new haul is tried (`--version`) stops the
/// update: the trial is ended, its copy removed, and haul is as it was, exit 130, 143 or 129
/// (SIGHUP killed haul, leaving the copy and the trial running).
#[cfg(unix)]
#[test]
fn a_stop_while_the_new_haul_is_tried_changes_nothing() {
    let signals: &[(&str, i32)] = if cfg!(target_os = "linux") {
        &[("INT", 130), ("TERM", 143), ("HUP", 129)]
    } else {
        &[("INT", 130), ("TERM", 143)]
    };
    for &(signal, code) in signals {
        let env = TestEnv::new();
        let exe = copy_haul(&env, "installed");
        let fifo = env.dir.path().join("trial-started");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // The new haul says when its trial starts, then takes its time.
        let script = format!(
            "#!/bin/sh\necho started > '{}'\nexec sleep 60\n",
            fifo.display()
        );
        let inside = format!("haul-{}/haul", triple());
        publish(
            &env,
            &newer(),
            &Layout {
                archive: Some(archive::xz(&archive::tar(&[archive::exe(
                    &inside,
                    script.as_bytes(),
                )]))),
                ..Layout::default()
            },
        );
        // SIGHUP with its default action, whatever the test runner was given (`nohup`).
        #[cfg(target_os = "linux")]
        let mut command = if signal == "HUP" {
            env.command_heeding_hangup(&exe)
        } else {
            env.command_for(&exe)
        };
        #[cfg(not(target_os = "linux"))]
        let mut command = env.command_for(&exe);
        let child = command
            .args(["self", "update", "--yes"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Opening the pipe waits for the trial to open it.
        let started = std::fs::read_to_string(&fifo).unwrap();
        assert_eq!(started.trim(), "started");
        crate::support::send_signal(&child, signal);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(
            stderr.contains("interrupted; haul was not changed"),
            "{stderr}"
        );
        assert_unchanged(&env, &exe);
        assert_alone(&exe);
    }
}

/// An archive that verifies is not yet a haul that runs: a file that is not a program, a
/// program for another OS, or (on Unix) a link is refused, and haul stays as it was. A link
/// out of the archive does not even unpack: haul's own unpacker reads its releases.
#[test]
fn a_verified_archive_whose_haul_cannot_run_here_changes_nothing() {
    let mut macho = vec![0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01];
    macho.resize(64, 0);
    let inside = if cfg!(windows) {
        "haul.exe".to_owned()
    } else {
        format!("haul-{}/haul", triple())
    };
    let pack = |bytes: &[u8]| {
        if cfg!(windows) {
            archive::zip(&[archive::exe(&inside, bytes)])
        } else {
            archive::xz(&archive::tar(&[archive::exe(&inside, bytes)]))
        }
    };
    let not_haul = format!("`{inside}` in the release is not a haul that runs here");
    let mut cases = vec![
        (pack(b"this is not a program"), not_haul.clone(), "it is"),
        (pack(&macho), not_haul.clone(), "it is"),
    ];
    if cfg!(unix) {
        let readme = format!("haul-{}/README.md", triple());
        cases.push((
            archive::xz(&archive::tar_members(&[
                archive::Member::File {
                    path: &readme,
                    bytes: b"readme",
                    mode: 0o755,
                },
                archive::Member::Symlink {
                    path: &inside,
                    target: "README.md",
                },
            ])),
            not_haul.clone(),
            "it is not a regular file",
        ));
        cases.push((
            archive::xz(&archive::tar_with_symlink(&inside, "/bin/false")),
            format!("`{}` cannot be unpacked", archive_name()),
            "it links to an absolute path",
        ));
        // A program that looks right but does not start (or says it is not haul) is tried
        // before it replaces haul.
        cases.push((
            pack(b"#!/bin/sh\nexit 3\n"),
            not_haul.clone(),
            "`--version` exit status: 3",
        ));
        cases.push((
            pack(b"#!/bin/sh\necho not me\n"),
            not_haul.clone(),
            "printed \"not me\"",
        ));
        // An older haul under a newer tag would take haul back, unseen.
        cases.push((
            pack(b"#!/bin/sh\necho haul 0.0.1\n"),
            format!("`{inside}` in the release is haul 0.0.1, older than"),
            "the release is not what its tag says",
        ));
    }
    for (bytes, says, why) in cases {
        let env = TestEnv::new();
        let exe = copy_haul(&env, "installed");
        publish(
            &env,
            &newer(),
            &Layout {
                archive: Some(bytes),
                ..Layout::default()
            },
        );
        env.run_exe(&exe, &["self", "update", "--yes"])
            .expect_code(1)
            .stderr_has(&says)
            .stderr_has(why)
            .stderr_has("haul was not changed");
        assert_unchanged(&env, &exe);
        assert_alone(&exe);
    }
}

/// Another `haul self update` of the haul at `exe` holding its lock (here, the test).
fn held_update_lock(exe: &Path) -> std::fs::File {
    let lock = std::fs::File::open(exe).unwrap();
    lock.lock().unwrap();
    lock
}

/// Start `haul self update` from `exe` and read its stderr until it says it waits for another.
fn waiting_update(
    env: &TestEnv,
    exe: &Path,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
) {
    crate::support::started_until(
        env.command_for(exe).args(["self", "update", "--yes"]),
        "waiting for another `haul self update` to finish",
    )
}

/// Two updates at once: the second waits for the first, and then updates.
#[test]
fn a_second_update_waits_for_the_first() {
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    let lock = held_update_lock(&exe);
    let (update, _stderr) = waiting_update(&env, &exe);
    drop(lock);
    let out = update.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_is_release(&env, &exe, &newer());
}

/// The second of two updates finds haul replaced by the first once it may go on: it changes
/// nothing and says so (replacing haul from a copy that is gone would fail half-way).
#[cfg(unix)]
#[test]
fn a_second_update_changes_nothing_once_the_first_replaced_haul() {
    use std::io::Read as _;
    let env = TestEnv::new();
    let exe = copy_haul(&env, "bin");
    publish(&env, &newer(), &Layout::default());
    let lock = held_update_lock(&exe);
    let (update, mut stderr) = waiting_update(&env, &exe);
    // The first update puts its haul in place, as a rename.
    let theirs = env.dir.path().join("bin/theirs");
    std::fs::write(&theirs, b"the first update's haul").unwrap();
    std::fs::rename(&theirs, &exe).unwrap();
    drop(lock);
    let mut said = String::new();
    stderr.read_to_string(&mut said).unwrap();
    let out = update.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("was replaced by another `haul self update` while this one ran"),
        "{said}"
    );
    assert_eq!(std::fs::read(&exe).unwrap(), b"the first update's haul");
    assert_alone(&exe);
}
