//! Managing installed tools: versions side by side, outdated, upgrade, rollback, exec, prune,
//! the cache, and every kind of name for them.

use crate::support::{
    EXE, TestEnv, catalog_entry, program, publish_programs, publish_simple, publish_two,
    tar_gz_release,
};

fn stored_versions(env: &TestEnv, tool: &str) -> Vec<String> {
    let mut versions: Vec<String> = std::fs::read_dir(env.home().join("tools").join(tool))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
}

#[test]
fn outdated_upgrade_and_prune() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);

    // Up to date: exit 0 even with --exit-code.
    let run = env.run(&["outdated", "--json", "--exit-code"]);
    run.expect_code(0);
    assert_eq!(run.json()[0]["outdated"], false);

    publish_simple(&env.server, "acme/widget", "1.1.0");
    let run = env.run(&["outdated", "--json"]);
    run.expect_code(0);
    let row = &run.json()[0];
    assert_eq!(row["name"], "widget");
    assert_eq!(row["installed"], "1.0.0");
    assert_eq!(row["wanted"], "1.1.0");
    assert_eq!(row["latest"], "1.1.0");
    assert_eq!(row["outdated"], true);
    env.run(&["outdated", "--exit-code"]).expect_code(10);

    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 to 1.1.0");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    env.run(&["upgrade"])
        .expect_code(0)
        .stderr_has("widget 1.1.0 (was 1.0.0)");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.1.0"))
    );
    assert_eq!(stored_versions(&env, "widget"), ["1.0.0", "1.1.0"]);
    env.run(&["outdated", "--exit-code"]).expect_code(0);

    let dry = env.run(&["prune", "--dry-run", "--json"]);
    dry.expect_code(0);
    assert_eq!(dry.json()["versions"][0]["version"], "1.0.0");
    assert_eq!(stored_versions(&env, "widget"), ["1.0.0", "1.1.0"]);
    env.run(&["prune"])
        .expect_code(0)
        .stderr_has("widget 1.0.0");
    assert_eq!(stored_versions(&env, "widget"), ["1.1.0"]);
    // The download of the pruned version went from the cache; the active one's stayed.
    let downloads = env.cache_dir().join("downloads/github/acme/widget");
    assert!(!downloads.join("v1.0.0").exists());
    assert!(downloads.join("v1.1.0").exists());
    let list = env.run(&["list", "--all", "--json"]);
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    env.run(&["list"]).expect_code(0).stdout_is(
        &env,
        "widget  1.1.0  acme/widget  [widget[EXE]]  checksums.txt",
    );
}

#[test]
fn an_upgrade_that_fails_verification_keeps_the_old_version() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let asset = publish_simple(&env.server, "acme/widget", "2.0.0");
    env.server.replace_file(
        &crate::support::Server::download_path("acme/widget", "v2.0.0", &asset),
        tar_gz_release("widget", "6.6.6"),
    );
    let before = env.snapshot();
    env.run(&["upgrade", "widget"])
        .expect_code(4)
        .stderr_has("checksum mismatch");
    assert_eq!(env.snapshot(), before);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[test]
fn a_series_requirement_stays_within_its_series() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.2.0");
    env.run(&["install", "acme/widget@1.2"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.2.0"))
    );
    publish_simple(&env.server, "acme/widget", "1.2.5");
    publish_simple(&env.server, "acme/widget", "1.3.0");

    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_eq!(row["requirement"], "1.2.x");
    assert_eq!(row["wanted"], "1.2.5");
    assert_eq!(row["latest"], "1.3.0");

    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.2.5"))
    );
    // Requirements as Cargo writes them work the same way.
    env.run(&["install", "acme/widget@~1.2.0"]).expect_code(0);
    env.run(&["install", "acme/widget@^1.2"])
        .expect_code(0)
        .stderr_has("widget 1.3.0");
    env.run(&["install", "acme/widget@^x"])
        .expect_code(2)
        .stderr_has("not a version requirement");

    env.run(&["upgrade", "--latest", "--json"]).expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["requirement"], "latest");
}

#[test]
fn a_pin_stays_unless_latest_is_asked_for() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["upgrade"])
        .expect_code(0)
        .stderr_has("widget stays at 1.0.0 (pinned");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_eq!(row["wanted"], "1.0.0");
    assert_eq!(row["outdated"], false);
    env.run(&["upgrade", "--latest"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// A dry run's lines are what it was asked for: `-q` does not silence them (it silences the
/// same news in a real upgrade or prune).
#[test]
fn quiet_dry_runs_still_say_what_would_change() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/gadget", "1.0.0");
    env.run(&["install", "acme/widget", "acme/gadget@1.0.0"])
        .expect_code(0);
    publish_simple(&env.server, "acme/widget", "1.1.0");
    publish_simple(&env.server, "acme/gadget", "2.0.0");
    env.run(&["-q", "upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would move widget 1.0.0 to 1.1.0")
        .stderr_has("gadget stays at 1.0.0 (pinned");
    let quiet = env.run(&["-q", "upgrade"]);
    quiet.expect_code(0);
    assert_eq!(quiet.stderr(), "");
    env.run(&["-q", "prune", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would remove widget 1.0.0");
    let quiet = env.run(&["-q", "prune"]);
    quiet.expect_code(0);
    assert_eq!(quiet.stderr(), "");
    env.run(&["-q", "prune", "--dry-run"])
        .expect_code(0)
        .stderr_has("nothing to prune");
}

/// `upgrade --dry-run` predicts what `upgrade` does, exit code included: a newest release with
/// nothing for this platform fails in both (the dry run said "Would move"), and one tool of two
/// failing is 3 in both (the dry run said 1).
#[test]
fn upgrade_dry_run_predicts_the_upgrade() {
    use crate::support::server::Fault;
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/gadget", "1.0.0");
    env.run(&["install", "acme/widget", "acme/gadget"])
        .expect_code(0);
    env.server.fault(
        "/repos/acme/gadget/releases/latest",
        &[Fault::Status(400), Fault::Status(400)],
    );
    env.run(&["upgrade", "gadget", "widget", "--dry-run"])
        .expect_code(3);
    env.run(&["upgrade", "gadget", "widget"])
        .expect_code(3)
        .stderr_has("the other tools were installed already (unchanged)");
    let other = crate::support::another_platform();
    env.server
        .release("acme/widget", "v2.0.0")
        .asset(
            &format!("widget-2.0.0-{other}.tar.gz"),
            &tar_gz_release("widget", "2.0.0"),
        )
        .publish();
    for args in [
        &["upgrade", "widget", "--dry-run"][..],
        &["upgrade", "widget"],
    ] {
        let run = env.run(args);
        run.expect_code(1)
            .stderr_has("no asset of `acme/widget` v2.0.0");
        assert!(!run.stderr().contains("Would move"), "{}", run.stderr());
    }
    // A release that publishes no checksum, where checksums are required: 4 in both.
    env.server
        .release("acme/gadget", "v3.0.0")
        .asset(
            &crate::support::host_asset("gadget", "3.0.0", ".tar.gz"),
            &tar_gz_release("gadget", "3.0.0"),
        )
        .publish();
    for args in [
        &["upgrade", "gadget", "--require-checksum", "--dry-run"][..],
        &["upgrade", "gadget", "--require-checksum"],
    ] {
        let run = env.run(args);
        run.expect_code(4).stderr_has("no checksum covers");
        assert!(!run.stderr().contains("Would move"), "{}", run.stderr());
    }
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[test]
fn rollback_twice_returns_to_the_start() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let requests = env.server.requests().len();
    env.run(&["rollback", "widget"])
        .expect_code(0)
        .stderr_has("widget 2.0.0 to 1.0.0");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    env.run(&["rollback", "widget"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 to 2.0.0");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    assert_eq!(env.server.requests().len(), requests, "rollback is offline");

    let fresh = TestEnv::new();
    publish_simple(&fresh.server, "acme/widget", "1.0.0");
    fresh.run(&["install", "acme/widget"]).expect_code(0);
    fresh
        .run(&["rollback", "widget"])
        .expect_code(1)
        .stderr_has("no earlier version of `widget` is stored");
}

/// A rollback brings back the requirement the version was made active under: a pin it
/// leaves behind does not hold the tool, nor make `outdated` and `upgrade` speak of it.
#[test]
fn rollback_brings_back_the_requirement() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "1.0.1");
    env.run(&["install", "acme/widget@1.0"]).expect_code(0);
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    let pinned = env.run(&["list", "--json"]).json()[0]["requirement"].clone();
    env.run(&["rollback", "widget"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 to 1.0.1");
    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_ne!(row["requirement"], pinned, "{row}");
    assert_eq!(row["wanted"], "1.0.1", "{row}");

    publish_simple(&env.server, "acme/widget", "1.0.2");
    publish_simple(&env.server, "acme/widget", "1.1.0");
    // Forward again to the pin, with the pin.
    env.run(&["rollback", "widget"]).expect_code(0);
    env.run(&["upgrade"])
        .expect_code(0)
        .stderr_has("widget stays at 1.0.0 (pinned");
    // Back, with `1.0`: `upgrade` moves within it.
    env.run(&["rollback", "widget"]).expect_code(0);
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.2"))
    );
}

#[test]
fn uninstall_one_version_or_all() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    env.run(&["uninstall", "widget@2.0.0"])
        .expect_code(2)
        .stderr_has("`widget` 2.0.0 is the active version");
    env.run(&["uninstall", "widget@1.0.0"])
        .expect_code(0)
        .stderr_has("Removed widget 1.0.0");
    assert_eq!(stored_versions(&env, "widget"), ["2.0.0"]);
    env.run(&["uninstall", "widget@9.9.9"])
        .expect_code(1)
        .stderr_has("is not stored");
    env.run(&["uninstall", "widget"]).expect_code(0);
    assert!(env.snapshot().is_empty());
}

/// One tool named twice is removed once: `uninstall widget widget@1.0.0` removed everything,
/// then failed saying `widget` is not installed; `widget acme/widget` called the record damaged;
/// `widget@2.0.0 widget`, 2.0.0 active, was refused as removing the active version.
#[test]
fn uninstall_of_one_tool_named_twice_removes_it_once() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    let install_both = || {
        env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
        env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    };
    install_both();
    env.run(&["uninstall", "widget", "widget@1.0.0"])
        .expect_code(0);
    assert!(env.snapshot().is_empty());
    install_both();
    let run = env.run(&["uninstall", "widget", "acme/widget"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("damaged"), "{}", run.stderr());
    assert!(env.snapshot().is_empty());
    install_both();
    let run = env.run(&["uninstall", "widget@1.0.0", "WIDGET@1.0.0"]);
    run.expect_code(0);
    assert_eq!(
        run.stderr().matches("Removed").count(),
        1,
        "{}",
        run.stderr()
    );
    assert_eq!(stored_versions(&env, "widget"), ["2.0.0"]);
    // Its active version named beside it (refused alone without `--force`) goes with it.
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    // A version not stored beside it is a typo, which removes nothing.
    let before = env.snapshot();
    for typo in [
        &["widget", "widget@9.9.9"][..],
        &["widget@latest", "widget"],
    ] {
        env.run(&[&["uninstall"][..], typo].concat())
            .expect_code(1)
            .stderr_has("is not stored");
        assert_eq!(env.snapshot(), before, "{typo:?}");
    }
    env.run(&["uninstall", "widget@2.0.0", "widget"])
        .expect_code(0);
    assert!(env.snapshot().is_empty());
}

/// On Windows haul runs the program and passes its exit code on: all 32 bits of it, so a code
/// whose low byte is 0 (256) or an NTSTATUS (0xC0000005) never reads as success. The program is
/// the system's own `cmd.exe`, the one real program every Windows has.
#[cfg(windows)]
#[test]
fn exec_passes_a_programs_whole_exit_code_on() {
    let env = TestEnv::new();
    publish_cmd(&env, "acme/widget", &["widget.exe"]);
    env.run(&["install", "acme/widget"]).expect_code(0);
    for code in [0, 7, 256, -1_073_741_819] {
        let out = crate::support::spawn_retrying(|| {
            env.command()
                .args(["exec", "widget", "--", "/c", &format!("exit {code}")])
                .output()
        })
        .unwrap();
        assert_eq!(out.status.code(), Some(code), "{out:?}");
    }
}

/// Publish `repo` 1.0.0 with a zip holding the system's own `cmd.exe` under each of `exes`:
/// the one real program every Windows has.
#[cfg(windows)]
#[allow(
    clippy::disallowed_methods,
    reason = "a test finds the system's directory; haul itself reads no such variable"
)]
fn publish_cmd(env: &TestEnv, repo: &str, exes: &[&str]) {
    use crate::support::archive;
    let root = std::env::var_os("SystemRoot").expect("SystemRoot");
    let cmd = std::fs::read(std::path::Path::new(&root).join("System32").join("cmd.exe")).unwrap();
    let tool = repo.split('/').nth(1).expect("OWNER/REPO");
    let entries: Vec<_> = exes.iter().map(|exe| archive::exe(exe, &cmd)).collect();
    env.server
        .release(repo, "v1.0.0")
        .asset(
            &crate::support::host_asset(tool, "1.0.0", ".zip"),
            &archive::zip(&entries),
        )
        .checksums("checksums.txt")
        .publish();
}

/// Windows will not delete a running `.exe`, so uninstall moves each running link aside: two
/// of one tool running at once each get a place of their own.
#[cfg(windows)]
#[test]
fn uninstall_a_tool_two_of_whose_programs_are_running() {
    let env = TestEnv::new();
    publish_cmd(&env, "acme/twins", &["twins.exe", "twin2.exe"]);
    env.run(&["install", "acme/twins", "--bin", "twins", "--bin", "twin2"])
        .expect_code(0);
    // Each waits for commands on its stdin: running until it is closed.
    let running: Vec<std::process::Child> = ["twins.exe", "twin2.exe"]
        .iter()
        .map(|exe| {
            std::process::Command::new(env.bin_dir().join(exe))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    env.run(&["uninstall", "twins"]).expect_code(0);
    assert!(!env.bin_dir().join("twins.exe").exists());
    assert!(!env.bin_dir().join("twin2.exe").exists());
    // A program put aside while it runs is not a leftover of an interrupted run.
    let doctor = env.run(&["doctor", "--json"]).json();
    assert!(
        !doctor["problems"].to_string().contains("leftover"),
        "{doctor}"
    );
    for mut child in running {
        drop(child.stdin.take());
        let _ = child.wait();
    }
    assert_eq!(env.run(&["list", "--json"]).json(), serde_json::json!([]));
}

/// The stand-in programs are shell scripts: they run only where there is a `sh`.
/// A tool only stored (by `exec`) has nothing active for `upgrade` to move: it says so, and
/// makes nothing active.
#[cfg(unix)]
#[test]
fn upgrade_of_a_tool_only_stored_says_how_to_make_it_active() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/gizmo", "1.0.0");
    env.run(&["exec", "acme/gizmo"]).expect_code(0);
    publish_simple(&env.server, "acme/gizmo", "1.1.0");
    let run = env.run(&["upgrade", "gizmo"]);
    run.expect_code(0)
        .stderr_has("gizmo has no active version")
        .stderr_has("`haul install gizmo` makes one active");
    assert!(!run.stderr().contains("pinned"), "{}", run.stderr());
    assert_eq!(env.installed_bytes("gizmo"), None);
    assert_eq!(stored_versions(&env, "gizmo"), ["1.0.0"]);
    // `--json` lists it among the unchanged, as the version stored (it was in no list).
    let run = env.run(&["upgrade", "--json", "gizmo"]);
    let json = run.expect_code(0).json();
    assert_eq!(json["unchanged"][0]["name"], "gizmo", "{json}");
    assert_eq!(json["unchanged"][0]["version"], "1.0.0", "{json}");
    assert_eq!(json["installed"], serde_json::json!([]), "{json}");
    assert_eq!(env.installed_bytes("gizmo"), None);
    // Nor can it be rolled back: said as such (it said no earlier version was stored).
    env.run(&["rollback", "gizmo"])
        .expect_code(1)
        .stderr_has("`gizmo` has no active version to roll back from")
        .stderr_has("`haul install gizmo@VERSION` makes one of them active");
}

/// A tool uninstalled while an upgrade of it downloads is not installed again by that
/// upgrade: the upgrade fails, saying so, and leaves nothing.
#[test]
fn an_upgrade_does_not_bring_back_a_tool_uninstalled_meanwhile() {
    use crate::support::server::{Fault, Server};
    let env = TestEnv::new().env("HAUL_TIMEOUT", "1");
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let asset = publish_simple(&env.server, "acme/widget", "2.0.0");
    let path = Server::download_path("acme/widget", "v2.0.0", &asset);
    // The download stalls half-way (then times out, and the next try gets it whole).
    env.server.fault(&path, &[Fault::Hang]);
    let hung = env.server.hung();
    let upgrade = env
        .command()
        .args(["upgrade", "widget"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(
        hung.recv_timeout(std::time::Duration::from_secs(60)),
        Ok(path)
    );
    env.run(&["uninstall", "widget"]).expect_code(0);
    let out = upgrade.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`widget` was uninstalled while it was being upgraded"),
        "{stderr}"
    );
    assert_eq!(env.installed_bytes("widget"), None);
    assert!(!env.home().join("records/widget.json").exists());
    assert!(env.run(&["list", "--all", "--json"]).json() == serde_json::json!([]));
}

/// Publish acme/widget 1.0.0, whose program is the shell script `script`, and install 2.0.0:
/// 1.0.0 is for `haul exec` to run.
#[cfg(unix)]
fn widget_1_0_0_runs(env: &TestEnv, script: &[u8]) {
    use crate::support::archive;
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(
            &crate::support::host_asset("widget", "1.0.0", ".tar.gz"),
            &archive::gz(&archive::tar(&[archive::exe("w/widget", script)])),
        )
        .checksums("checksums.txt")
        .publish();
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
}

/// A repository installed with `--bin` (so named after that executable) is the same tool when
/// named by its repository alone: `install OWNER/REPO` moved it, not a second record of the
/// same source (which `which` and `uninstall OWNER/REPO` then confused).
#[test]
fn a_repository_installed_with_bin_is_one_tool() {
    use crate::support::archive;
    let env = TestEnv::new();
    for version in ["1.0.0", "2.0.0"] {
        env.server
            .release("acme/widget-cli", &format!("v{version}"))
            .asset(
                &crate::support::host_asset("widget-cli", version, ".tar.gz"),
                &archive::gz(&archive::tar(&[archive::exe(
                    &format!("w/widget{EXE}"),
                    &program("widget", version),
                )])),
            )
            .checksums("checksums.txt")
            .publish();
    }
    env.run(&["install", "acme/widget-cli@1.0.0", "--bin", "widget"])
        .expect_code(0);
    env.run(&["install", "acme/widget-cli"])
        .expect_code(0)
        .stderr_has("widget 2.0.0 (was 1.0.0)");
    let list = env.run(&["list", "--json"]).json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["widget"]);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    // Its repair hint names it by its repository (`widget` could be a catalog entry's name,
    // another tool `--force` would put in its place), and that puts it back.
    let exe = env.home().join(format!("tools/widget/2.0.0/w/widget{EXE}"));
    std::fs::remove_file(&exe).unwrap();
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("`haul install acme/widget-cli@2.0.0 --bin widget --force` installs it again");
    env.run(&[
        "install",
        "acme/widget-cli@2.0.0",
        "--bin",
        "widget",
        "--force",
    ])
    .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    env.run(&["uninstall", "acme/widget-cli"]).expect_code(0);
    assert_eq!(env.run(&["list", "--json"]).json(), serde_json::json!([]));
    assert_eq!(env.installed_bytes("widget"), None);
}

/// A pinned version whose executable is gone: the hints name the version (a bare `haul install
/// NAME --force` moves to the newest release and drops the pin) and say that `doctor --fix`
/// drops the version rather than repair it (it does not download).
#[test]
fn hints_for_a_version_whose_files_are_gone_name_it() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    let exe = env.home().join(format!(
        "tools/widget/1.0.0/widget-1.0.0/widget{}",
        crate::support::EXE
    ));
    std::fs::remove_file(&exe).unwrap();
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("`haul install widget@1.0.0 --force` installs it again")
        .stderr_has("`haul doctor --fix` drops that version");
    let doctor = env.run(&["doctor", "--json"]);
    let fixes: Vec<String> = doctor.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["problem"].as_str().unwrap().contains("is gone"))
        .map(|p| p["fix"].as_str().unwrap().to_owned())
        .collect();
    assert!(!fixes.is_empty(), "{}", doctor.stdout());
    for fix in &fixes {
        assert!(fix.contains("`haul install widget@1.0.0 --force`"), "{fix}");
        assert!(fix.contains("drops that version"), "{fix}");
    }
    env.run(&["install", "acme/widget@1.0.0", "--force"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    // A version not active whose files are gone: installing it would make it active, so the
    // hints say what does what (a rollback's is to make it active).
    std::fs::remove_dir_all(env.home().join("tools/widget/2.0.0")).unwrap();
    env.run(&["rollback", "widget"])
        .expect_code(1)
        .stderr_has("`haul install widget@2.0.0` installs it again and makes it active");
    let doctor = env.run(&["doctor", "--json"]);
    let fix = doctor.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem"].as_str().unwrap().contains("2.0.0 is recorded"))
        .map_or_else(
            || panic!("{}", doctor.stdout()),
            |p| p["fix"].as_str().unwrap().to_owned(),
        );
    assert!(
        fix.contains("drops that version (`haul exec widget@2.0.0` stores it again)"),
        "{fix}"
    );
}

/// A tool's name in another case is that tool for every command, before another tool's link
/// of that spelling (`which WIDGET` gave gadget's `WIDGET` link, `install WIDGET` widget).
/// Linux only: elsewhere the two links would be one file, which haul refuses.
#[cfg(target_os = "linux")]
#[test]
fn a_tools_name_wins_over_another_tools_link_of_that_spelling() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/gadget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["install", "acme/gadget", "--bin", "gadget=WIDGET"])
        .expect_code(0);
    let which = env.run(&["which", "WIDGET"]);
    which.expect_code(0);
    assert!(
        which.stdout().trim_end().ends_with("/widget"),
        "{}",
        which.stdout()
    );
    env.run(&["uninstall", "WIDGET"])
        .expect_code(0)
        .stderr_has("Removed widget");
    assert_eq!(
        env.installed_bytes("WIDGET"),
        Some(program("gadget", "1.0.0"))
    );
}

/// `which`, `rollback`, `upgrade` and `outdated` act on a tool as installed: a version given
/// to them is refused (exit 2), not left out (`which widget@1.0.0` printed the link that runs
/// 2.0.0; `rollback widget@2.0.0` moved away from 2.0.0).
#[test]
fn commands_that_take_no_version_refuse_one() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    for args in [
        &["which", "widget@1.0.0"][..],
        &["rollback", "widget@2.0.0"],
        &["upgrade", "widget@1.0.0"],
        &["upgrade", "--dry-run", "acme/widget@2"],
        &["outdated", "widget", "widget@9"],
    ] {
        env.run(args)
            .expect_code(2)
            .stderr_has(&format!("`haul {}` takes no version", args[0]));
    }
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// A repository installed as several tools (`--bin alpha`, `--bin beta`, neither named after
/// it): `OWNER/REPO` is not taken to mean one of them (every command picked the first, and
/// `install OWNER/REPO --force` made a third tool of the same source); with one left, it and
/// its URL name that one.
#[test]
fn a_repository_installed_as_several_tools_names_none_of_them() {
    let env = TestEnv::new();
    let release = env.server.release("acme/multi", "v1.0.0");
    let release = ["alpha", "beta"].iter().fold(release, |release, bin| {
        release.asset(
            &crate::support::host_asset(bin, "1.0.0", ".tar.gz"),
            &tar_gz_release(bin, "1.0.0"),
        )
    });
    release.checksums("checksums.txt").publish();
    env.run(&["install", "acme/multi", "--bin", "alpha"])
        .expect_code(0);
    env.run(&["install", "acme/multi", "--bin", "beta"])
        .expect_code(0);
    let before = env.snapshot();
    for args in [
        &["which", "acme/multi"][..],
        &["which", "https://github.com/acme/multi"],
        &["uninstall", "acme/multi"],
        &["upgrade", "acme/multi"],
        &["install", "acme/multi"],
        &["install", "acme/multi", "--force"],
    ] {
        env.run(args)
            .expect_code(2)
            .stderr_has("`acme/multi` is installed as several tools: alpha, beta")
            .stderr_has("name one of them");
    }
    assert_eq!(env.snapshot(), before);
    // The repair hint for one of them names it by its repository and executable, which
    // names it among the others.
    let exe = env
        .home()
        .join(format!("tools/alpha/1.0.0/alpha-1.0.0/alpha{EXE}"));
    std::fs::remove_file(&exe).unwrap();
    env.run(&["which", "alpha"])
        .expect_code(1)
        .stderr_has("`haul install acme/multi@1.0.0 --bin alpha --force` installs it again");
    env.run(&["install", "acme/multi@1.0.0", "--bin", "alpha", "--force"])
        .expect_code(0);
    env.run(&["which", "alpha"]).expect_code(0);
    // `info` installs nothing: the question does not arise.
    env.run(&["info", "acme/multi", "--bin", "beta"])
        .expect_code(0);
    env.run(&["info", "acme/multi"]).expect_code(0);
    env.run(&["uninstall", "beta"]).expect_code(0);
    let which = env.run(&["which", "alpha"]);
    which.expect_code(0);
    let by_url = env.run(&["which", "https://github.com/acme/multi"]);
    by_url.expect_code(0);
    assert_eq!(by_url.stdout(), which.stdout());
}

/// A tool keeps the executables it was installed with (`--bin alpha --bin beta`, `--bin
/// widget=wg`) when it is installed again with no `--bin` or upgraded: `install` unlinked the
/// others without a word, and `upgrade` lost a link's own name.
#[test]
fn a_tool_keeps_the_executables_it_was_installed_with() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    env.run(&[
        "install",
        "acme/kit@1.0.0",
        "--bin",
        "alpha",
        "--bin",
        "beta",
    ])
    .expect_code(0);
    publish_simple(&env.server, "acme/widget", "1.0.0");
    // A link name the executable's name starts with (as `kubectl=k`).
    env.run(&["install", "acme/widget@1.0.0", "--bin", "widget=w"])
        .expect_code(0);
    // Linked under the name of another program of the release.
    publish_two(&env.server, "acme/gizmo", "gizmo", "gizmo-lite", "1.0.0");
    env.run(&["install", "acme/gizmo@1.0.0", "--bin", "gizmo-lite=gizmo"])
        .expect_code(0);
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    publish_two(&env.server, "acme/gizmo", "gizmo", "gizmo-lite", "2.0.0");
    env.run(&["install", "acme/kit", "acme/widget", "acme/gizmo"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "2.0.0")));
    assert_eq!(env.installed_bytes("w"), Some(program("widget", "2.0.0")));
    assert_eq!(
        env.installed_bytes("gizmo"),
        Some(program("gizmo-lite", "2.0.0"))
    );
    env.run(&["rollback", "widget"]).expect_code(0);
    env.run(&["upgrade", "--latest", "widget"]).expect_code(0);
    assert_eq!(env.installed_bytes("w"), Some(program("widget", "2.0.0")));
    assert_eq!(env.installed_bytes("widget"), None);
    // `exec --bin` of another executable says how to install it too, with the link's name
    // kept (`--bin widget=w`, not the link `w` as an executable).
    env.run(&["exec", "widget", "--bin", "gadget"])
        .expect_code(2)
        .stderr_has("`haul install widget --bin widget=w --bin gadget`");
    // Installed again by its own name, too.
    publish_two(&env.server, "acme/kit", "alpha", "beta", "3.0.0");
    env.run(&["install", "alpha@3.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "3.0.0")));
    // An executable whose own name ends in what reads as a platform word is asked for by
    // that name, not taken for `stat` with a suffix.
    publish_two(&env.server, "acme/stat", "stat", "stat-static", "1.0.0");
    env.run(&["install", "acme/stat@1.0.0", "--bin", "stat-static"])
        .expect_code(0);
    publish_two(&env.server, "acme/stat", "stat", "stat-static", "2.0.0");
    env.run(&["upgrade", "--latest", "stat-static"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("stat-static"),
        Some(program("stat-static", "2.0.0"))
    );
}

/// The `--bin` the record of `tool` keeps, as JSON.
fn kept_bins(env: &TestEnv, tool: &str) -> serde_json::Value {
    record_json(env, tool)["requirement"]["bin"].clone()
}

/// The record of `tool`, as JSON.
fn record_json(env: &TestEnv, tool: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(env.home().join(format!("records/{tool}.json"))).unwrap())
        .unwrap()
}

/// What `--bin` asked for is what a later install with no `--bin` asks for, exactly as typed:
/// read back from the links, `--bin k-64=k` (a link that is the name haul gives `k-64` of its
/// own) was taken for the executable `k`, and another program of the release was linked in
/// its place.
#[test]
fn the_executables_asked_for_are_kept_as_typed() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/k", "k-64", "k", "1.0.0");
    env.run(&["install", "acme/k@1.0.0", "--bin", "k-64=k"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("k"), Some(program("k-64", "1.0.0")));
    assert_eq!(kept_bins(&env, "k-64"), serde_json::json!(["k-64=k"]));
    publish_two(&env.server, "acme/k", "k-64", "k", "2.0.0");
    env.run(&["install", "acme/k"]).expect_code(0);
    assert_eq!(env.installed_bytes("k"), Some(program("k-64", "2.0.0")));
    publish_two(&env.server, "acme/k", "k-64", "k", "3.0.0");
    env.run(&["upgrade", "--latest", "k-64"]).expect_code(0);
    assert_eq!(env.installed_bytes("k"), Some(program("k-64", "3.0.0")));
    // A rollback brings back what was asked for then.
    env.run(&[
        "install",
        "acme/k@2.0.0",
        "--bin",
        "k-64=k",
        "--bin",
        "k=kk",
    ])
    .expect_code(0);
    assert_eq!(env.installed_bytes("kk"), Some(program("k", "2.0.0")));
    env.run(&["rollback", "k-64"]).expect_code(0);
    assert_eq!(env.installed_bytes("k"), Some(program("k-64", "3.0.0")));
    assert_eq!(env.installed_bytes("kk"), None);
    env.run(&["install", "acme/k"]).expect_code(0);
    assert_eq!(env.installed_bytes("kk"), None);
    assert_eq!(kept_bins(&env, "k-64"), serde_json::json!(["k-64=k"]));
}

/// A kept `--bin` whose file a later release no longer has is never stood in for by another
/// program, renamed or not (a release's only program was linked in its place: `beta` ran
/// `alpha`); `install` and `upgrade` fail alike (`install OWNER/REPO` failed where `upgrade`
/// worked), saying the `--bin` was kept, with a hint that works when followed.
#[test]
fn a_kept_executable_the_release_lacks_is_never_another_program() {
    let env = TestEnv::new();
    let publish = |repo: &str, file: &str, version: &str| {
        publish_programs(&env.server, &format!("acme/{repo}"), &[file], version);
    };
    publish("ren", "ren-x", "1.0.0");
    env.run(&["install", "acme/ren@1.0.0", "--bin", "ren-x=r"])
        .expect_code(0);
    publish("ren", "ren", "2.0.0");
    let before = env.snapshot();
    for args in [
        &["install", "acme/ren"][..],
        &["upgrade", "--latest", "ren-x"],
    ] {
        env.run(args)
            .expect_code(1)
            .stderr_has("no executable named `ren-x` (`ren-x` was installed with `--bin ren-x=r`)")
            .stderr_has("the tool is named after `ren-x`: `haul uninstall ren-x`");
    }
    assert_eq!(env.snapshot(), before);
    assert_eq!(env.installed_bytes("r"), Some(program("ren-x", "1.0.0")));
    env.run(&["uninstall", "ren-x"]).expect_code(0);
    env.run(&["install", "acme/ren", "--bin", "ren=r"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("r"), Some(program("ren", "2.0.0")));
    // Two tools of one release, the next release keeping one program: the other tool is not
    // given it.
    publish_two(&env.server, "acme/multi", "alpha", "beta", "1.0.0");
    env.run(&["install", "acme/multi@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    env.run(&["install", "acme/multi@1.0.0", "--bin", "beta"])
        .expect_code(0);
    publish("multi", "alpha", "2.0.0");
    env.run(&["upgrade", "--latest", "alpha", "beta"])
        .expect_code(3)
        .stderr_has("no executable named `beta`");
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "1.0.0")));
}

/// Fewer executables asked for than a stored version has: the others are unlinked and the
/// record asks for the ones named (a stored version with more was taken as it was, keeping
/// links the record no longer asked for).
#[test]
fn asking_for_fewer_executables_unlinks_the_others() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    env.run(&[
        "install",
        "acme/kit@1.0.0",
        "--bin",
        "alpha",
        "--bin",
        "beta",
    ])
    .expect_code(0);
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("beta"), None);
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    env.run(&["upgrade", "--latest", "alpha"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), None);
}

/// Rewrite `tool`'s record as haul wrote it in format 2: no `bin` in its requirements.
fn as_format_2(env: &TestEnv, tool: &str) {
    let mut record = record_json(env, tool);
    record["format"] = serde_json::json!(2);
    let strip = |requirement: &mut serde_json::Value| {
        if let Some(fields) = requirement.as_object_mut() {
            fields.remove("bin");
        }
    };
    strip(&mut record["requirement"]);
    for activation in record["history"].as_array_mut().unwrap() {
        strip(&mut activation["requirement"]);
    }
    let path = env.home().join(format!("records/{tool}.json"));
    std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
}

/// A record written before haul kept the `--bin` typed (format 2) still keeps its executables
/// (read back from its links once, exactly: `k-64` linked as `k` is `--bin k-64=k`, not the
/// release's other program `k`), and is written in this format on its next change.
#[test]
fn a_format_2_record_keeps_its_executables() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget@1.0.0", "--bin", "widget=w"])
        .expect_code(0);
    publish_two(&env.server, "acme/k", "k-64", "k", "1.0.0");
    env.run(&["install", "acme/k@1.0.0", "--bin", "k-64=k"])
        .expect_code(0);
    // Links that swap two programs: the link named like the tool runs the other one.
    publish_two(&env.server, "acme/multi", "alpha", "beta", "1.0.0");
    env.run(&[
        "install",
        "acme/multi@1.0.0",
        "--bin",
        "alpha=beta",
        "--bin",
        "beta=alpha",
    ])
    .expect_code(0);
    for tool in ["widget", "k-64", "alpha"] {
        as_format_2(&env, tool);
    }
    publish_simple(&env.server, "acme/widget", "2.0.0");
    publish_two(&env.server, "acme/k", "k-64", "k", "2.0.0");
    publish_two(&env.server, "acme/multi", "alpha", "beta", "2.0.0");
    env.run(&["install", "acme/widget", "acme/k", "acme/multi"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("w"), Some(program("widget", "2.0.0")));
    assert_eq!(env.installed_bytes("widget"), None);
    assert_eq!(env.installed_bytes("k"), Some(program("k-64", "2.0.0")));
    assert_eq!(env.installed_bytes("alpha"), Some(program("beta", "2.0.0")));
    assert_eq!(env.installed_bytes("beta"), Some(program("alpha", "2.0.0")));
    assert_eq!(record_json(&env, "widget")["format"], serde_json::json!(3));
    assert_eq!(kept_bins(&env, "widget"), serde_json::json!(["widget=w"]));
    assert_eq!(kept_bins(&env, "k-64"), serde_json::json!(["k-64=k"]));
}

/// `--bin` that contradicts itself or names another tool is a usage error: two executables
/// linked under one name (one link was lost, and the record kept asking for both), and a tool
/// named after its executable asked for with another first (`install alpha --bin beta=b2`
/// upgraded and relinked the tool `beta`).
#[test]
fn contradictory_bins_are_usage_errors() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    let mut same_link = vec![&["alpha=x", "beta=x"][..], &["alpha", "alpha"]];
    // Where file names ignore case, `ALPHA` is `alpha` (elsewhere both are made).
    if cfg!(any(windows, target_os = "macos")) {
        same_link.push(&["alpha", "beta=ALPHA"]);
    }
    for bins in same_link {
        let mut args = vec!["install", "acme/kit"];
        for bin in bins {
            args.extend(["--bin", bin]);
        }
        env.run(&args)
            .expect_code(2)
            .stderr_has("would both be linked as");
    }
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    env.run(&["install", "acme/kit@1.0.0", "--bin", "beta"])
        .expect_code(0);
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    let before = env.snapshot();
    env.run(&["install", "alpha", "--bin", "beta=b2"])
        .expect_code(2)
        .stderr_has("named after its executable `alpha`")
        .stderr_has("haul install alpha --bin alpha --bin beta=b2");
    assert_eq!(env.snapshot(), before);
}

/// A version rolled back to whose files are gone: the hint installs it with the executables it
/// had (it named the ones asked for now), and followed, puts them back.
#[test]
fn the_rollback_hint_asks_for_that_versions_executables() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    env.run(&[
        "install",
        "acme/kit@1.0.0",
        "--bin",
        "alpha",
        "--bin",
        "beta",
    ])
    .expect_code(0);
    env.run(&["install", "acme/kit@2.0.0", "--bin", "alpha=a"])
        .expect_code(0);
    std::fs::remove_dir_all(env.home().join("tools/alpha/1.0.0")).unwrap();
    let hint = "haul install acme/kit@1.0.0 --bin alpha --bin beta";
    env.run(&["rollback", "alpha"])
        .expect_code(1)
        .stderr_has(hint);
    let args: Vec<&str> = hint.split(' ').skip(1).collect();
    env.run(&args).expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "1.0.0")));
    assert_eq!(env.installed_bytes("a"), None);
    // A kept `--bin` a new release no longer has: the error says where it came from, and
    // what chooses again (`upgrade` takes no `--bin`).
    env.server
        .release("acme/kit", "v3.0.0")
        .asset(
            &crate::support::host_asset("kit", "3.0.0", ".tar.gz"),
            &crate::support::archive::gz(&crate::support::archive::tar(&[
                crate::support::archive::exe(&format!("d/alpha{EXE}"), &program("alpha", "3.0.0")),
                crate::support::archive::exe(&format!("d/gamma{EXE}"), &program("gamma", "3.0.0")),
            ])),
        )
        .checksums("checksums.txt")
        .publish();
    env.run(&["upgrade", "--latest", "alpha"])
        .expect_code(1)
        .stderr_has("(`alpha` was installed with `--bin alpha --bin beta`)")
        .stderr_has("`haul install alpha@VERSION --bin NAME...`");
    env.run(&["install", "alpha@3.0.0", "--bin", "alpha", "--bin", "gamma"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("gamma"),
        Some(program("gamma", "3.0.0"))
    );
}

/// A catalog tool whose entry goes from the config keeps its executables: with no entry it
/// asks for the ones it has (it asked for the entry's first as a file called `alpha=a`, or for
/// its name, unlinking the others); back, the entry says again.
#[test]
fn a_catalog_tool_whose_entry_went_keeps_its_executables() {
    let env = TestEnv::new();
    let entry = |bins: &str| {
        let text = if bins.is_empty() {
            String::new()
        } else {
            catalog_entry("kx", "acme/kit", bins)
        };
        std::fs::write(env.config_path(), text).unwrap();
    };
    entry("\"alpha=a\", \"beta=b\"");
    for version in ["1.0.0", "2.0.0", "3.0.0"] {
        publish_two(&env.server, "acme/kit", "alpha", "beta", version);
    }
    env.run(&["install", "kx@1.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("a"), Some(program("alpha", "1.0.0")));
    entry("");
    env.run(&["install", "kx@2.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("a"), Some(program("alpha", "2.0.0")));
    assert_eq!(env.installed_bytes("b"), Some(program("beta", "2.0.0")));
    // Back, the entry says what the tool asks for.
    entry("\"alpha=a\"");
    env.run(&["upgrade", "--latest", "kx"]).expect_code(0);
    assert_eq!(env.installed_bytes("a"), Some(program("alpha", "3.0.0")));
    assert_eq!(env.installed_bytes("b"), None);
    // An entry of the same name that is another tool of the repository says which each is
    // (it said the repository was another tool than itself).
    entry("\"beta\"");
    env.run(&["install", "kx"]).expect_code(1).stderr_has(
        "it is the tool of `github:acme/kit` for `alpha=a`; this is the one for `beta`",
    );
}

/// Two catalog entries of one repository naming one executable first are two tools, each
/// found by its own entry (the first entry of the repository was taken for both: upgrading
/// `kx` linked `alpha` instead of its `a` and `b`; installing `k1` rewrote `k0`).
#[test]
fn catalog_entries_of_one_repository_are_each_their_own_tool() {
    let env = TestEnv::new();
    let entry = |name: &str, bins: &str| catalog_entry(name, "acme/kit", bins);
    std::fs::write(
        env.config_path(),
        entry("k0", "\"alpha\"") + &entry("kx", "\"alpha=a\", \"beta=b\""),
    )
    .unwrap();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    env.run(&["install", "kx@1.0.0"]).expect_code(0);
    env.run(&["install", "k0@1.0.0"]).expect_code(0);
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    env.run(&["upgrade", "--latest"]).expect_code(0);
    assert_eq!(env.installed_bytes("a"), Some(program("alpha", "2.0.0")));
    assert_eq!(env.installed_bytes("b"), Some(program("beta", "2.0.0")));
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    let list = env.run(&["list", "--json"]).json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["name"].as_str())
        .collect();
    assert_eq!(names, ["k0", "kx"]);
}

/// `exec --bin` of an executable the tool lacks hints the install with it too at the version
/// the tool asks for (it left the pin out, and following it moved the tool to the newest).
#[test]
fn the_exec_bin_hint_keeps_the_version() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    publish_two(&env.server, "acme/kit", "alpha", "beta", "2.0.0");
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    env.run(&["exec", "alpha", "--bin", "beta"])
        .expect_code(2)
        .stderr_has("`haul install acme/kit@1.0.0 --bin alpha --bin beta`");
    // A tool named like a catalog entry of another tool is spelled by its repository: its
    // name installs the catalog's (`tk` of acme/tk, where the catalog's `tk` is another).
    std::fs::write(env.config_path(), catalog_entry("tk", "acme/tanka", "")).unwrap();
    publish_two(&env.server, "acme/tk", "tk", "tk2", "1.0.0");
    env.run(&["install", "acme/tk@1.0.0"]).expect_code(0);
    env.run(&["exec", "tk", "--bin", "tk2"])
        .expect_code(2)
        .stderr_has("`haul install acme/tk@1.0.0 --bin tk --bin tk2`");
    env.run(&["install", "acme/tk@1.0.0", "--bin", "tk", "--bin", "tk2"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("tk2"), Some(program("tk2", "1.0.0")));
}

/// A catalog tool installed with no `--bin` asks for what its entry names now: an entry that
/// drops an executable a release dropped installs the release (it failed, asking for the
/// executables the tool had).
#[test]
fn a_catalog_tool_follows_its_entrys_executables() {
    let env = TestEnv::new();
    let entry = |bins: &str| {
        std::fs::write(env.config_path(), catalog_entry("kx", "acme/kit", bins)).unwrap();
    };
    entry("\"alpha\", \"beta\"");
    publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    env.run(&["install", "kx@1.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "1.0.0")));
    publish_programs(&env.server, "acme/kit", &["alpha"], "2.0.0");
    entry("\"alpha\"");
    env.run(&["upgrade", "--latest", "kx"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), None);
}

/// A catalog tool installed with `--bin NAME=LINK` keeps that link when installed again by its
/// name (its entry names other executables) and when its repair hint is followed: they
/// installed the entry's executables instead, unlinking the user's.
#[test]
fn a_catalog_tool_keeps_the_executable_it_was_installed_with() {
    use crate::support::archive;
    let env = TestEnv::new();
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"kx\"\ndescription = \"k\"\nhomepage = \"https://x\"\nrepo = \"acme/kit\"\nbins = [\"alpha\", \"beta\"]\n",
    )
    .unwrap();
    for version in ["1.0.0", "2.0.0"] {
        env.server
            .release("acme/kit", &format!("v{version}"))
            .asset(
                &crate::support::host_asset("kit", version, ".tar.gz"),
                &archive::gz(&archive::tar(&[
                    archive::exe(&format!("d/alpha{EXE}"), &program("alpha", version)),
                    archive::exe(&format!("d/beta{EXE}"), &program("beta", version)),
                ])),
            )
            .checksums("checksums.txt")
            .publish();
    }
    env.run(&["install", "kx@1.0.0", "--bin", "beta=b"])
        .expect_code(0);
    env.run(&["install", "kx"]).expect_code(0);
    assert_eq!(env.installed_bytes("b"), Some(program("beta", "2.0.0")));
    assert_eq!(env.installed_bytes("alpha"), None);
    std::fs::remove_file(env.home().join(format!("tools/kx/2.0.0/d/beta{EXE}"))).unwrap();
    let which = env.run(&["which", "b"]);
    which
        .expect_code(1)
        .stderr_has("`haul install kx@2.0.0 --force`");
    env.run(&["install", "kx@2.0.0", "--force"]).expect_code(0);
    assert_eq!(env.installed_bytes("b"), Some(program("beta", "2.0.0")));
    env.run(&["which", "b"]).expect_code(0);
}

/// A catalog tool named neither after its repository nor its executable (`acd` for argo-cd's
/// `argocd`) is named by its catalog name in its repair hint, which puts it back (the
/// repository and executable would make another tool).
#[test]
fn a_catalog_tools_repair_hint_names_it_by_its_catalog_name() {
    use crate::support::archive;
    let env = TestEnv::new();
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"acd\"\ndescription = \"a\"\nhomepage = \"https://x\"\nrepo = \"acme/argo-cd\"\n",
    )
    .unwrap();
    env.server
        .release("acme/argo-cd", "v1.0.0")
        .asset(
            &crate::support::host_asset("argo-cd", "1.0.0", ".tar.gz"),
            &archive::gz(&archive::tar(&[archive::exe(
                &format!("d/argocd{EXE}"),
                &program("argocd", "1.0.0"),
            )])),
        )
        .checksums("checksums.txt")
        .publish();
    env.run(&["install", "acd"]).expect_code(0);
    std::fs::remove_file(env.home().join(format!("tools/acd/1.0.0/d/argocd{EXE}"))).unwrap();
    env.run(&["which", "acd"])
        .expect_code(1)
        .stderr_has("`haul install acd@1.0.0 --force` installs it again");
    env.run(&["install", "acd@1.0.0", "--force"]).expect_code(0);
    env.run(&["which", "acd"]).expect_code(0);
    assert_eq!(
        env.run(&["list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// `WIDGET` is `widget` for every command that takes an installed tool, as it is for
/// `install`: `exec` ran the newest release (storing it) instead of the active version, and
/// `which` said it was not installed. No record reads as damaged, also where the file system
/// ignores case (`WIDGET.json` opens `widget.json`).
#[test]
fn a_tool_name_is_one_tool_however_it_is_cased() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    let which = env.run(&["which", "widget"]);
    which.expect_code(0);
    let upper = env.run(&["which", "WIDGET"]);
    upper.expect_code(0);
    assert_eq!(upper.stdout(), which.stdout());
    assert!(!upper.stderr().contains("damaged"), "{}", upper.stderr());
    if cfg!(unix) {
        let run = env.run(&["exec", "WIDGET"]);
        run.expect_code(0);
        assert_eq!(run.stdout(), "widget 1.0.0\n");
        assert_eq!(stored_versions(&env, "widget"), ["1.0.0"]);
    }
    env.run(&["uninstall", "Widget"]).expect_code(0);
    assert_eq!(env.run(&["list", "--json"]).json(), serde_json::json!([]));
}

/// Where only a prerelease fits, `exec` says to pass `--pre`, and takes it.
#[cfg(unix)]
#[test]
fn exec_takes_pre_as_its_hint_says() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.server
        .release("acme/widget", "v2.1.0-rc.1")
        .asset(
            &crate::support::host_asset("widget", "2.1.0-rc.1", ".tar.gz"),
            &tar_gz_release("widget", "2.1.0-rc.1"),
        )
        .checksums("checksums.txt")
        .prerelease()
        .publish();
    env.run(&["exec", "widget@2.1"])
        .expect_code(1)
        .stderr_has("pass `--pre`");
    let run = env.run(&["exec", "--pre", "widget@2.1"]);
    run.expect_code(0);
    assert_eq!(run.stdout(), "widget 2.1.0-rc.1\n");
    // Stored now: run from the store with `--pre`, and not without it.
    let run = env.run(&["--offline", "exec", "--pre", "widget@2"]);
    run.expect_code(0);
    assert_eq!(run.stdout(), "widget 2.1.0-rc.1\n");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[cfg(unix)]
#[test]
fn exec_runs_a_version_without_making_it_active() {
    let env = TestEnv::new();
    let script =
        b"#!/bin/sh\necho \"widget 1.0.0 args: $*\"\nread line\necho \"stdin: $line\"\nexit 7\n";
    widget_1_0_0_runs(&env, script);

    let out = crate::support::spawn_retrying(|| {
        let mut child = env
            .command()
            .args(["exec", "acme/widget@1.0.0", "--", "--flag", "two words"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, b"hello\n")?;
        }
        child.wait_with_output()
    })
    .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "widget 1.0.0 args: --flag two words\nstdin: hello\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Stored widget 1.0.0 (not made active)"));
    // Stored, not active; a second run needs no network.
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    assert_eq!(stored_versions(&env, "widget"), ["1.0.0", "2.0.0"]);
    let requests = env.server.requests().len();
    let again = env
        .command()
        .args(["exec", "widget@1.0.0"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(7));
    assert_eq!(env.server.requests().len(), requests);
    // The active version by default.
    let active = env.command().args(["exec", "widget"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&active.stdout), "widget 2.0.0\n");
    // An executable the tool was not installed with: how to install it with that one too.
    env.run(&["exec", "widget", "--bin", "gadget"])
        .expect_code(2)
        .stderr_has("`widget` has no executable `gadget`")
        .stderr_has("`haul install widget --bin widget --bin gadget`");
}

/// A symbolic link planted in the download cache (a restored CI cache holds what it was
/// given) is never followed: `cache clean` and `prune` leave what it points at, and an install
/// neither reads nor writes its download through it.
#[cfg(unix)]
#[test]
fn a_link_planted_in_the_download_cache_is_never_followed() {
    let env = TestEnv::new();
    let victim = env.dir.path().join("victim");
    std::fs::create_dir_all(victim.join("widget/v1.0.0")).unwrap();
    std::fs::create_dir_all(victim.join("proj/src")).unwrap();
    std::fs::write(victim.join("proj/src/file.txt"), b"mine").unwrap();
    let github = env.cache_dir().join("downloads/github");
    std::fs::create_dir_all(&github).unwrap();
    std::os::unix::fs::symlink(&victim, github.join("acme")).unwrap();
    let catalog = env.cache_dir().join("downloads/catalog");
    std::os::unix::fs::symlink(&victim, &catalog).unwrap();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    env.run(&["prune"]).expect_code(0);
    env.run(&["cache", "clean", "--all"]).expect_code(0);
    let mut left: Vec<String> = walkdir(&victim);
    left.sort();
    assert_eq!(
        left,
        ["proj/src/file.txt"],
        "written or removed through the link"
    );
    assert_eq!(
        std::fs::read(victim.join("proj/src/file.txt")).unwrap(),
        b"mine"
    );

    // Nor when `downloads/` itself is the link.
    let env = TestEnv::new();
    let victim = env.dir.path().join("victim");
    std::fs::create_dir_all(victim.join("github/proj/src")).unwrap();
    std::fs::write(victim.join("github/proj/src/file.txt"), b"mine").unwrap();
    std::fs::create_dir_all(env.cache_dir()).unwrap();
    std::os::unix::fs::symlink(&victim, env.cache_dir().join("downloads")).unwrap();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["prune"]).expect_code(0);
    env.run(&["cache", "clean", "--all"]).expect_code(0);
    assert_eq!(walkdir(&victim), ["github/proj/src/file.txt"]);
}

/// The files under `dir`, as paths relative to it.
#[cfg(unix)]
fn walkdir(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(next) = dirs.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(dir).unwrap().to_owned();
                out.push(rel.display().to_string());
            }
        }
    }
    out
}

#[test]
fn cache_dir_and_clean() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let dir = env.run(&["cache", "dir"]);
    dir.expect_code(0);
    assert_eq!(dir.stdout().trim(), env.cache_dir().display().to_string());
    let kept = env.cache_dir().join("downloads/github/acme/widget/v1.0.0");
    assert!(kept.is_dir());
    // Only what haul keeps there goes: the cache dir may be one the user chose, with their
    // own files in it.
    std::fs::write(env.cache_dir().join("mine.txt"), b"x").unwrap();
    std::fs::create_dir_all(env.cache_dir().join("src")).unwrap();
    assert!(env.cache_dir().join("api").is_dir());
    // A haul stopped while it wrote a note beside a kept download left its temporary file.
    std::fs::write(kept.join(".tmpAbC123"), b"half").unwrap();
    let files = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = files(&kept);
    env.run(&["cache", "clean"]).expect_code(0);
    assert!(kept.is_dir(), "downloads of stored versions stay");
    let after: Vec<String> = before.into_iter().filter(|n| n != ".tmpAbC123").collect();
    assert_eq!(files(&kept), after, "only the leftover goes");
    assert!(!env.cache_dir().join("api").exists(), "API answers go");
    env.run(&["cache", "clean", "--all"]).expect_code(0);
    assert!(!kept.exists());
    assert_eq!(
        std::fs::read(env.cache_dir().join("mine.txt")).unwrap(),
        b"x"
    );
    assert!(env.cache_dir().join("src").is_dir());
    let report = env.run(&["doctor", "--json"]).json();
    assert_eq!(report["cache_bytes"], 1);
}

/// `cache clean` counts what it removes: a leftover temporary file by its bytes. And
/// `doctor` counts a cache dir that is a link (to another disk) by what it leads to.
#[test]
fn cache_sizes_count_files_and_a_linked_cache_dir() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    std::fs::remove_dir_all(env.cache_dir().join("api")).unwrap();
    let kept = env.cache_dir().join("downloads/github/acme/widget/v1.0.0");
    std::fs::write(kept.join(".tmpAbC123"), vec![0; 3000]).unwrap();
    env.run(&["cache", "clean"])
        .expect_code(0)
        .stderr_has("Cleaned 2.9 KiB from");

    #[cfg(unix)]
    {
        let link = env.dir.path().join("cache-link");
        std::os::unix::fs::symlink(env.cache_dir(), &link).unwrap();
        let through_link = crate::support::Run::of(
            env.command()
                .env("HAUL_CACHE_DIR", &link)
                .args(["doctor", "--json"]),
        );
        let direct = env.run(&["doctor", "--json"]).json();
        assert!(direct["cache_bytes"].as_u64().unwrap() > 0, "{direct}");
        assert_eq!(through_link.json()["cache_bytes"], direct["cache_bytes"]);
    }
}

/// haul's home and the bin dir cannot lie inside the cache dir, which `cache clean` and
/// `prune` empty: every command refuses such settings (exit 2) before it changes anything.
#[test]
fn home_and_bin_dir_stay_out_of_the_cache_dir() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    for (var, cache) in [
        ("HAUL_HOME", env.home()),
        ("HAUL_HOME", env.dir.path().to_path_buf()),
        ("HAUL_BIN_DIR", env.bin_dir()),
    ] {
        let run = crate::support::Run::of(
            env.command()
                .env("HAUL_CACHE_DIR", &cache)
                .args(["cache", "clean", "--all"]),
        );
        run.expect_code(2)
            .stderr_has("is inside the cache dir")
            .stderr_has(var);
        env.run(&["which", "widget"]).expect_code(0);
        assert!(env.home().join("records/widget.json").is_file());
    }
}

/// Every command that takes an installed tool takes its name, an alias, its repository and an
/// executable's name.
#[test]
fn every_kind_of_name() {
    let env = TestEnv::new();
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"wid\"\naliases = [\"wdg\"]\ndescription = \"w\"\nhomepage = \"https://x\"\nrepo = \"acme/widget\"\nbins = [\"widget\"]\n",
    )
    .unwrap();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "wdg"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    for name in ["wid", "wdg", "acme/widget", "github:acme/widget", "widget"] {
        let which = env.run(&["which", name]);
        which.expect_code(0);
        assert!(
            which.stdout().trim().ends_with(&format!("widget{EXE}")),
            "{name}"
        );
        env.run(&["outdated", name, "--exit-code"]).expect_code(10);
        env.run(&["upgrade", name, "--dry-run"]).expect_code(0);
    }
    env.run(&["upgrade", "wdg"]).expect_code(0);
    env.run(&["rollback", "acme/widget"]).expect_code(0);
    env.run(&["rollback", "widget"]).expect_code(0);
    // The repository names the same tool as the catalog entry: one record, not two.
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("already installed");
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "wid");
    // What `list --json` prints as the source is accepted back.
    let source = list[0]["source"].as_str().unwrap().to_owned();
    env.run(&["install", &source])
        .expect_code(0)
        .stderr_has("already installed");
    env.run(&["uninstall", "wdg"]).expect_code(0);
    assert_eq!(env.snapshot(), Vec::new());
}

#[test]
fn offline_installs_come_from_the_cache_and_never_touch_the_network() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    publish_simple(&env.server, "acme/other", "1.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    env.run(&["prune"]).expect_code(0);
    assert_eq!(stored_versions(&env, "widget"), ["2.0.0"]);
    // 1.0.0 left the store and its download the cache: put it back through the network once,
    // then take it away from the store again so that only the cache has it.
    env.run(&["exec", "acme/widget@1.0.0", "--", "--version"]);
    env.run(&["uninstall", "widget@1.0.0"]).expect_code(0);

    let requests = env.server.requests().len();
    // What vouched is what the cache noted, not checked again: said so, and so recorded.
    env.run(&["--offline", "install", "acme/widget@1.0.0"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 (was 2.0.0, a downgrade)")
        .stderr_has("sha256 verified by checksums.txt, as the download cache noted it");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    let listed = env.run(&["list", "--json"]).json();
    assert_eq!(
        listed[0]["verified_by"], "checksums.txt, as the download cache noted it",
        "{listed}"
    );
    let fresh = env
        .command()
        .env("HAUL_OFFLINE", "1")
        .args(["install", "acme/other"])
        .output()
        .unwrap();
    assert_eq!(fresh.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&fresh.stderr);
    assert!(
        stderr.contains("acme/other") && stderr.contains("offline"),
        "{stderr}"
    );
    assert_eq!(
        env.server.requests().len(),
        requests,
        "offline opened a connection"
    );
}

/// `upgrade --dry-run` looks tools up `jobs` at a time, not one after another: with the
/// first lookup held half-answered (and a read timeout far longer than the test waits), the
/// second is asked for all the same.
#[test]
fn upgrade_dry_run_looks_tools_up_at_once() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "600");
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "1.0.0");
    env.run(&["install", "acme/alpha", "acme/beta"])
        .expect_code(0);
    let before = env.server.requests().len();
    env.run(&["upgrade", "--dry-run"]).expect_code(0);
    let mut lookups: Vec<String> = env.server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    lookups.sort();
    assert_eq!(lookups.len(), 2, "{lookups:?}");
    for path in &lookups {
        env.server
            .fault(path, &[crate::support::server::Fault::Hang]);
    }
    let hung = env.server.hung();
    let mut child = env
        .command()
        .args(["upgrade", "--dry-run"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut held: Vec<String> = (0..2)
        .map(|_| hung.recv_timeout(std::time::Duration::from_secs(60)))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    held.sort();
    assert_eq!(held, lookups, "both lookups were under way at once");
}

/// `exec` with a series runs the newest stored release of it, never a prerelease the request
/// does not name (as `install` picks); `@latest` runs the newest release, installing it into
/// the store first, not whatever happens to be stored.
#[cfg(unix)]
#[test]
fn exec_picks_a_version_as_install_does() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let rc = "1.1.0-rc.1";
    env.server
        .release("acme/widget", &format!("v{rc}"))
        .asset(
            &crate::support::host_asset("widget", rc, ".tar.gz"),
            &tar_gz_release("widget", rc),
        )
        .checksums("checksums.txt")
        .prerelease()
        .publish();
    let run = |tool: &str| {
        let out = env.command().args(["exec", tool]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{tool}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(run(&format!("widget@{rc}")), format!("widget {rc}\n"));
    assert_eq!(run("widget@1"), "widget 1.0.0\n");
    assert_eq!(run("widget@1.x"), "widget 1.0.0\n");
    assert_eq!(run("widget@latest"), "widget 1.0.0\n");
    publish_simple(&env.server, "acme/widget", "1.2.0");
    assert_eq!(run("widget@latest"), "widget 1.2.0\n");
    assert_eq!(run("widget@1"), "widget 1.2.0\n");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// When the active version goes and no version made active before is stored, the newest
/// stored release (by version: 1.10.0 over 1.9.0) becomes active, under a requirement it
/// meets, and `uninstall` says which.
#[cfg(unix)]
#[test]
fn the_version_that_takes_a_removed_ones_place_is_the_newest() {
    let env = TestEnv::new();
    for version in ["1.9.0", "1.10.0", "2.0.0"] {
        publish_simple(&env.server, "acme/lex", version);
    }
    env.run(&["install", "acme/lex@2.0.0"]).expect_code(0);
    for version in ["1.9.0", "1.10.0"] {
        env.run(&["exec", &format!("lex@{version}")]).expect_code(0);
    }
    env.run(&["uninstall", "lex@2.0.0", "--force"])
        .expect_code(0)
        .stderr_has("Removed lex 2.0.0; 1.10.0 is active now");
    assert_eq!(env.installed_bytes("lex"), Some(program("lex", "1.10.0")));
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["version"], "1.10.0", "{list}");
    assert_eq!(list[0]["requirement"], "1.10.0", "{list}");
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("lex stays at 1.10.0 (pinned");
}

/// A tool `outdated` cannot check is said on stderr (even with `-q`), is `"outdated": null`,
/// and makes the exit code 1 whatever else is behind: 10 would tell a script that every tool
/// was checked.
#[test]
fn outdated_says_what_it_could_not_check() {
    use crate::support::server::Fault;
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "1.0.0");
    env.run(&["install", "acme/alpha", "acme/beta"])
        .expect_code(0);
    publish_simple(&env.server, "acme/beta", "1.1.0");
    env.server
        .fault("/repos/acme/alpha/releases/latest", &[Fault::Status(400)]);
    let run = env.run(&["-q", "outdated", "--json", "--exit-code", "-j", "1"]);
    run.expect_code(1)
        .stderr_has("error: alpha")
        .stderr_has("400")
        .stderr_has("1 of 2 tools could not be checked");
    let rows = run.json();
    assert_eq!(rows[0]["name"], "alpha");
    assert_eq!(rows[0]["outdated"], serde_json::Value::Null);
    assert!(rows[0]["error"].as_str().is_some_and(|e| e.contains("400")));
    assert_eq!(rows[1]["outdated"], true);
}

/// `list --all --json` gives each version the requirement it was last made active under, and
/// null for one never active: every row had the tool's current requirement.
#[test]
fn list_all_gives_each_version_its_own_requirement() {
    let env = TestEnv::new();
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        publish_simple(&env.server, "acme/widget", version);
    }
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@1.1"]).expect_code(0);
    // `exec` stores a version without making it active (it runs the test's scripts on Unix).
    if cfg!(unix) {
        env.run(&["exec", "widget@1.2.0", "--", "x"]).expect_code(0);
    }
    let list = env.run(&["list", "--all", "--json"]).json();
    let requirement = |version: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|row| row["version"] == version)
            .map(|row| row["requirement"].clone())
    };
    assert_eq!(
        requirement("1.0.0"),
        Some(serde_json::json!("1.0.0")),
        "{list}"
    );
    assert_eq!(
        requirement("1.1.0"),
        Some(serde_json::json!("1.1.x")),
        "{list}"
    );
    if cfg!(unix) {
        assert_eq!(
            requirement("1.2.0"),
            Some(serde_json::Value::Null),
            "{list}"
        );
    }
}

/// `upgrade --json` prints its summary when nothing moves, a pinned tool among the unchanged
/// (it was in no list), and when a tool named is not installed (stdout was empty); a dry run
/// has no JSON form, so asking for one is a usage error rather than silently ignored.
#[test]
fn upgrade_json_when_nothing_moves() {
    let env = TestEnv::new();
    let run = env.run(&["upgrade", "--json"]);
    run.expect_code(0).stderr_has("no tools installed");
    assert_eq!(run.json()["installed"], serde_json::json!([]));
    assert_eq!(run.json()["failed"], serde_json::json!([]));
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    let run = env.run(&["upgrade", "--json"]);
    run.expect_code(0)
        .stderr_has("widget stays at 1.0.0 (pinned");
    let unchanged = &run.json()["unchanged"];
    assert_eq!(unchanged.as_array().map(Vec::len), Some(1), "{unchanged}");
    assert_eq!(unchanged[0]["name"], "widget");
    assert_eq!(unchanged[0]["version"], "1.0.0");
    let run = env.run(&["upgrade", "--json", "widget", "nosuchtool"]);
    run.expect_code(1)
        .stderr_has("`nosuchtool` is not installed");
    let failed = &run.json()["failed"];
    assert_eq!(failed[0]["tool"], "widget");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("not upgraded"),
        "{failed}"
    );
    assert_eq!(failed[1]["tool"], "nosuchtool");
    assert!(
        failed[1]["error"]
            .as_str()
            .unwrap()
            .contains("`nosuchtool` is not installed"),
        "{failed}"
    );
    env.run(&["upgrade", "--dry-run", "--json"])
        .expect_code(2)
        .stderr_has("cannot be used with");
}

/// Two shells run `exec` of one version not yet stored: the one that stores it second finds
/// the same files there and leaves them, instead of replacing the files the other runs.
#[cfg(unix)]
#[test]
fn a_second_exec_of_a_new_version_leaves_the_first_ones_files() {
    use std::os::unix::fs::MetadataExt as _;
    let env = TestEnv::new().env("HAUL_TIMEOUT", "2");
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let asset = publish_simple(&env.server, "acme/widget", "1.3.0");
    let path = crate::support::Server::download_path("acme/widget", "v1.3.0", &asset);
    env.server
        .fault(&path, &[crate::support::server::Fault::Hang]);
    let hung = env.server.hung();
    // The first stalls half-way through its download (and resumes after the timeout)...
    let first = env
        .command()
        .args(["exec", "widget@1.3.0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    hung.recv_timeout(std::time::Duration::from_secs(60))
        .expect("the first download reached the server");
    // ...while the second stores the version and runs it.
    let second = env
        .command()
        .args(["exec", "widget@1.3.0"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&second.stdout), "widget 1.3.0\n");
    let stored = || {
        let dir = env.home().join("tools/widget/1.3.0");
        let exe = walk_files(&dir)
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n == "widget"))
            .unwrap();
        std::fs::metadata(exe).unwrap().ino()
    };
    let before = stored();
    let first = first.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        "widget 1.3.0\n",
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(stored(), before, "the stored files were replaced");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[cfg(unix)]
fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// One tool spelled two ways (`Acme/Widget`, then `acme/widget`: GitHub ignores case) keeps its
/// downloads in one place: `prune` keeps the active version's, so it reinstalls offline.
#[test]
fn a_tool_spelled_two_ways_keeps_its_downloads() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "Acme/Widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    env.run(&["prune"]).expect_code(0);
    assert_eq!(stored_versions(&env, "widget"), ["2.0.0"]);
    env.run(&["uninstall", "widget"]).expect_code(0);
    env.run(&["install", "acme/widget@2.0.0", "--offline"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// `list --all` orders a tool's versions by version (1.9.0 before 1.10.0).
#[test]
fn list_all_orders_versions_by_version() {
    let env = TestEnv::new();
    for version in ["1.9.0", "1.10.0"] {
        publish_simple(&env.server, "acme/widget", version);
        env.run(&["install", &format!("acme/widget@{version}")])
            .expect_code(0);
    }
    let rows = env.run(&["list", "--all", "--json"]).json();
    let versions: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.9.0", "1.10.0"]);
}

/// A tool only `exec` stored has asked nothing of the user's own version: no pin is recorded
/// for it.
#[cfg(unix)]
#[test]
fn exec_of_a_tool_not_installed_records_no_pin() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["exec", "acme/widget@1.0.0"]).expect_code(0);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.home().join("records/widget.json")).unwrap())
            .unwrap();
    assert_eq!(record["requirement"]["version"], "latest", "{record}");
    assert_eq!(record["active"], serde_json::Value::Null, "{record}");
}

/// A version stored unverified and verified by a later install says so from then on: the
/// files stay as they were stored, with what vouched for them now.
#[cfg(unix)]
#[test]
fn a_version_verified_later_is_recorded_as_verified() {
    let env = TestEnv::new();
    let (asset, bytes) = crate::support::asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .publish();
    env.run(&["exec", "acme/widget@1.0.0"]).expect_code(0);
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    let run = env.run(&["exec", "--require-checksum", "widget@1.0.0"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("Stored"), "{}", run.stderr());
    let rows = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(rows[0]["verified_by"], "api-digest", "{rows}");
    // Verified now, it runs without asking the network again.
    let before = env.server.requests().len();
    env.run(&["exec", "--require-checksum", "widget@1.0.0"])
        .expect_code(0);
    assert_eq!(env.server.requests().len(), before);
}

/// A download an earlier haul kept under the repository's name as spelled
/// (`github/Acme/Widget/…`) is still the stored version's: `prune` keeps it, and an offline
/// reinstall finds it (and moves it where haul keeps it now). Only where the file system tells
/// the two spellings apart.
#[cfg(target_os = "linux")]
#[test]
fn a_download_kept_under_the_spelled_name_is_still_found() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "Acme/Widget@1.0.0"]).expect_code(0);
    let downloads = env.cache_dir().join("downloads/github");
    let now = downloads.join("acme/widget/v1.0.0");
    let spelled = downloads.join("Acme/Widget/v1.0.0");
    assert!(now.is_dir());
    std::fs::create_dir_all(spelled.parent().unwrap()).unwrap();
    std::fs::rename(&now, &spelled).unwrap();
    std::fs::remove_dir_all(downloads.join("acme")).unwrap();
    let dry = env.run(&["prune", "--dry-run", "--json"]).json();
    assert_eq!(dry["downloads"], serde_json::json!([]), "{dry}");
    env.run(&["install", "Acme/Widget@1.0.0", "--force", "--offline"])
        .expect_code(0);
    assert!(now.is_dir() && !spelled.exists());
}

/// `prune` lists what it removes oldest to newest by version, as `list --all` does.
#[test]
fn prune_lists_versions_by_version() {
    let env = TestEnv::new();
    for version in ["1.9.0", "1.10.0", "2.0.0"] {
        publish_simple(&env.server, "acme/widget", version);
        env.run(&["install", &format!("acme/widget@{version}")])
            .expect_code(0);
    }
    let dry = env.run(&["prune", "--dry-run", "--json"]).json();
    let versions: Vec<&str> = dry["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.9.0", "1.10.0"]);
}

/// `prune` leaves a stored version a program runs from (`haul exec`, which holds it while it
/// runs, with what it starts), and removes it once the program has ended.
#[cfg(unix)]
#[test]
fn prune_leaves_a_version_a_program_runs_from() {
    use std::io::BufRead as _;
    let env = TestEnv::new();
    let script = b"#!/bin/sh\necho started\nread line\nexit 0\n";
    widget_1_0_0_runs(&env, script);
    env.run(&["exec", "acme/widget@1.0.0"]).expect_code(0);
    let old = env.home().join("tools/widget/1.0.0");
    assert!(old.is_dir());

    let mut running = env
        .command()
        .args(["exec", "widget@1.0.0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(running.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "started\n");
    env.run(&["prune", "--dry-run"])
        .expect_code(0)
        .stderr_has("Left widget 1.0.0 (a program runs from it");
    let pruned = env.run(&["prune", "--json"]);
    pruned.expect_code(0);
    assert_eq!(pruned.json()["versions"], serde_json::json!([]));
    assert_eq!(pruned.json()["running"][0]["version"], "1.0.0");
    assert!(old.is_dir());

    drop(running.stdin.take());
    running.wait().unwrap();
    env.run(&["prune"])
        .expect_code(0)
        .stderr_has("Removed widget 1.0.0");
    assert!(!old.exists());
}

/// `upgrade --dry-run` of a tool at its newest release that is not whole says what the upgrade
/// does about it (it said "up to date", and the upgrade installed it again).
#[test]
fn a_dry_run_says_an_upgrade_repairs_a_broken_tool() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 is up to date");
    std::fs::remove_file(env.bin_dir().join(format!("widget{EXE}"))).unwrap();
    env.run(&["-q", "upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would relink widget 1.0.0 (its links are not whole)");
    // Nor does it wait for another haul's lock on the store: it changes nothing (it waited).
    {
        let held = std::fs::File::open(env.home().join("store.lock")).unwrap();
        held.lock().unwrap();
        let child = env
            .command()
            .args(["upgrade", "--dry-run"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (done, ended) = std::sync::mpsc::channel();
        let id = child.id();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let Ok(output) = ended.recv_timeout(std::time::Duration::from_secs(60)) else {
            let _ = std::process::Command::new("kill")
                .arg(id.to_string())
                .status();
            panic!("the dry run waited for the store's lock");
        };
        let output = output.unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("Would relink widget 1.0.0"), "{stderr}");
    }
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    let exe = env
        .home()
        .join(format!("tools/widget/1.0.0/widget-1.0.0/widget{EXE}"));
    std::fs::remove_file(&exe).unwrap();
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would reinstall widget 1.0.0 (its files are missing or cannot run)");
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    // A file of the user's where the link goes: the upgrade leaves it, and so says the dry run.
    std::fs::remove_file(env.bin_dir().join(format!("widget{EXE}"))).unwrap();
    std::fs::write(env.bin_dir().join(format!("widget{EXE}")), "mine").unwrap();
    for args in [&["upgrade", "--dry-run"][..], &["upgrade"]] {
        env.run(args)
            .expect_code(1)
            .stderr_has("already exists and haul did not install it")
            .stderr_has("`haul install widget@1.0.0 --force` replaces it");
    }
    // So too when the upgrade moves to a release it must download first (the dry run said
    // "Would move", and the upgrade failed after the download).
    publish_simple(&env.server, "acme/widget", "2.0.0");
    let before = env.snapshot();
    for args in [&["upgrade", "--dry-run"][..], &["upgrade"]] {
        env.run(args)
            .expect_code(1)
            .stderr_has("already exists and haul did not install it")
            .stderr_has("`haul install widget@2.0.0 --force` replaces it");
    }
    assert_eq!(env.snapshot(), before);
}

/// `acme/widget-cli`, whose one program is `widget`, installed with `--bin widget=wg`: the tool
/// `widget`, linked as `wg`.
fn install_widget_as_wg(env: &TestEnv) {
    publish_programs(&env.server, "acme/widget-cli", &["widget"], "1.0.0");
    env.run(&["install", "acme/widget-cli", "--bin", "widget=wg"])
        .expect_code(0);
}

/// A user catalog entry `name` of `acme/widget-cli` that links its `widget` as `wg`.
fn entry_linking_wg(name: &str) -> String {
    catalog_entry(name, "acme/widget-cli", "\"widget=wg\"")
}

/// A tool whose record is damaged is not taken for absent: `which` of its link says the record
/// is damaged (it said "not installed"), and installing its repository again with no `--bin`
/// is refused rather than made a second tool beside it.
#[test]
fn a_damaged_record_is_not_taken_for_no_tool() {
    let env = TestEnv::new();
    // A release whose one program is `widget`, not named after the repository.
    install_widget_as_wg(&env);
    let path = env.home().join("records/widget.json");
    let mut record = record_json(&env, "widget");
    record["requirement"]["bin"] = serde_json::json!(["../x"]);
    std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
    // Which tool a link is can be read from a symbolic link (a copy on Windows says nothing).
    if cfg!(unix) {
        env.run(&["which", "wg"])
            .expect_code(1)
            .stderr_has("the record")
            .stderr_has("is damaged");
    }
    let before = env.snapshot();
    env.run(&["install", "acme/widget-cli"])
        .expect_code(1)
        .stderr_has("is damaged");
    env.run(&["rollback", "widget"])
        .expect_code(1)
        .stderr_has("is damaged");
    assert_eq!(env.snapshot(), before);
    // A catalog tool of that repository names its product: it may be another tool.
    crate::support::use_catalog_entry(&env, "wt", "acme/widget-cli", "\"widget=w2\"");
    env.run(&["install", "wt"]).expect_code(0);
    // So does one that names no executables.
    crate::support::use_catalog_entry(&env, "wt2", "acme/widget-cli", "");
    env.run(&["install", "wt2"]).expect_code(0);
    // One that links the damaged tool's `wg` is told whose link it is (it said "haul did not
    // install it"), and how to remove that tool; then it installs.
    std::fs::write(env.config_path(), entry_linking_wg("wt3")).unwrap();
    let before = env.snapshot();
    let run = env.run(&["install", "wt3"]);
    run.expect_code(1);
    // A symbolic link says whose it is (a copy on Windows says nothing).
    if cfg!(unix) {
        run.stderr_has("is a link of `widget`, whose record is damaged")
            .stderr_has("`haul uninstall widget` removes that tool and its links");
    }
    assert_eq!(env.snapshot(), before);
    // `haul uninstall widget` is the damaged tool, not `wt2`, whose link is `widget` (it
    // removed `wt2`).
    env.run(&["uninstall", "widget"])
        .expect_code(0)
        .stderr_has("widget (its record was damaged)");
    assert!(env.home().join("records/wt2.json").exists());
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    // Its links went with it where they can be told (a copy on Windows cannot), so `wt3`
    // installs.
    if cfg!(unix) {
        env.run(&["install", "wt3"]).expect_code(0);
        assert_eq!(env.installed_bytes("wg"), Some(program("widget", "1.0.0")));
    }
}

/// A tool installed with no `--bin` whose only program is not named after it (`rg` of
/// `ripgrep`) upgrades to a release that renames that program, as `install` does: nothing was
/// named, so the release's only program is the tool's. The same for a record of format 2.
#[test]
fn a_tool_nobody_named_the_executables_of_follows_its_only_program() {
    let env = TestEnv::new();
    let publish = |file: &str, version: &str| {
        publish_programs(&env.server, "acme/ripgrep", &[file], version);
    };
    publish("rg", "1.0.0");
    env.run(&["install", "acme/ripgrep@1.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("rg"), Some(program("rg", "1.0.0")));
    as_format_2(&env, "ripgrep");
    publish("rgx", "2.0.0");
    env.run(&["upgrade", "--latest", "ripgrep"]).expect_code(0);
    assert_eq!(env.installed_bytes("rgx"), Some(program("rgx", "2.0.0")));
    assert_eq!(kept_bins(&env, "ripgrep"), serde_json::Value::Null);
    publish("rg", "3.0.0");
    env.run(&["upgrade", "--latest", "ripgrep"]).expect_code(0);
    assert_eq!(env.installed_bytes("rg"), Some(program("rg", "3.0.0")));
    // Two programs, neither the one it has: the hint is the install that chooses (`upgrade` takes
    // no `--bin`).
    publish_two(&env.server, "acme/ripgrep", "rga", "rgb", "4.0.0");
    env.run(&["upgrade", "--latest", "ripgrep"])
        .expect_code(1)
        .stderr_has("`haul install ripgrep@VERSION --bin NAME...`");
}

/// Asking for `beta` of a stored version that links `gamma` as `beta` installs it again: the
/// links' names alone said it was there ("already stored"), and `beta` ran `gamma`.
#[test]
fn a_stored_link_of_that_name_to_another_file_is_not_the_one_asked_for() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    env.run(&[
        "install",
        "acme/kit@1.0.0",
        "--bin",
        "alpha",
        "--bin",
        "gamma=beta",
    ])
    .expect_code(0);
    assert_eq!(env.installed_bytes("beta"), Some(program("gamma", "1.0.0")));
    env.run(&[
        "install",
        "acme/kit@1.0.0",
        "--bin",
        "alpha",
        "--bin",
        "beta",
    ])
    .expect_code(0);
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "1.0.0")));
}

/// Catalog tools in records of format 2: one installed with `--bin NAME=LINK` keeps that link
/// (read as typed, its link having a name of its own), and one installed with no `--bin`
/// follows its entry (an entry and release that dropped an executable installed nothing).
#[test]
fn format_2_catalog_tools_keep_what_was_typed_and_follow_their_entry_otherwise() {
    let env = TestEnv::new();
    let entry = |name: &str, bins: &str| catalog_entry(name, &format!("acme/{name}"), bins);
    let both = "\"alpha\", \"beta\"";
    std::fs::write(env.config_path(), entry("kx", both) + &entry("ky", both)).unwrap();
    publish_two(&env.server, "acme/kx", "alpha", "beta", "1.0.0");
    publish_two(&env.server, "acme/ky", "alpha", "beta", "1.0.0");
    env.run(&["install", "kx@1.0.0", "--bin", "beta=b"])
        .expect_code(0);
    env.run(&["install", "ky@1.0.0"]).expect_code(0);
    as_format_2(&env, "kx");
    as_format_2(&env, "ky");
    std::fs::write(
        env.config_path(),
        entry("kx", both) + &entry("ky", "\"alpha\""),
    )
    .unwrap();
    publish_two(&env.server, "acme/kx", "alpha", "beta", "2.0.0");
    publish_programs(&env.server, "acme/ky", &["alpha"], "2.0.0");
    env.run(&["upgrade", "--latest"]).expect_code(0);
    assert_eq!(env.installed_bytes("b"), Some(program("beta", "2.0.0")));
    assert_eq!(kept_bins(&env, "kx"), serde_json::json!(["beta=b"]));
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), None);
}

/// A catalog tool installed by an earlier haul (format 2) whose entry links its executable
/// under another name (`rq = ["rg=r"]`) follows its entry: read back from its links, it was
/// taken for `--bin rg=r` typed, and its upgrade failed once the release renamed `rg`.
#[test]
fn a_format_2_catalog_tool_whose_entry_renames_its_link_follows_the_entry() {
    let env = TestEnv::new();
    crate::support::use_catalog_entry(&env, "rq", "acme/rq", "\"rg=r\"");
    publish_programs(&env.server, "acme/rq", &["rg"], "1.0.0");
    env.run(&["install", "rq@1.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("r"), Some(program("rg", "1.0.0")));
    as_format_2(&env, "rq");
    publish_programs(&env.server, "acme/rq", &["rgx"], "2.0.0");
    env.run(&["upgrade", "--latest", "rq"]).expect_code(0);
    assert_eq!(env.installed_bytes("r"), Some(program("rgx", "2.0.0")));
    assert_eq!(kept_bins(&env, "rq"), serde_json::Value::Null);
}

/// Read back from a record of format 2: a typed `--bin beta=m` beside an entry's `alpha=m` is
/// not the entry's (it linked `alpha` as `m` on the next upgrade); and where the entry changed
/// since, what was read back is asked for, said as such, and still marked read back.
#[test]
fn a_guessed_bin_is_the_entrys_only_when_each_file_is() {
    let env = TestEnv::new();
    let entry = |name: &str, bins: &str| catalog_entry(name, &format!("acme/{name}"), bins);
    std::fs::write(
        env.config_path(),
        entry("mx", "\"alpha=m\"") + &entry("rq", "\"rg=r\""),
    )
    .unwrap();
    publish_two(&env.server, "acme/mx", "alpha", "beta", "1.0.0");
    publish_programs(&env.server, "acme/rq", &["rg"], "1.0.0");
    env.run(&["install", "mx@1.0.0", "--bin", "beta=m"])
        .expect_code(0);
    env.run(&["install", "rq@1.0.0"]).expect_code(0);
    as_format_2(&env, "mx");
    as_format_2(&env, "rq");
    std::fs::write(
        env.config_path(),
        entry("mx", "\"alpha=m\"") + &entry("rq", "\"rg=r2\""),
    )
    .unwrap();
    publish_two(&env.server, "acme/mx", "alpha", "beta", "2.0.0");
    publish_programs(&env.server, "acme/rq", &["rg"], "2.0.0");
    env.run(&["upgrade", "--latest"]).expect_code(0);
    assert_eq!(env.installed_bytes("m"), Some(program("beta", "2.0.0")));
    assert_eq!(env.installed_bytes("r"), Some(program("rg", "2.0.0")));
    assert_eq!(record_json(&env, "rq")["requirement"]["guessed"], true);
    publish_programs(&env.server, "acme/rq", &["rgx"], "3.0.0");
    env.run(&["upgrade", "--latest", "rq"])
        .expect_code(1)
        .stderr_has("(`rq` asks for what an earlier haul's record says it had: `--bin rg=r`)");
}

/// Read back from a record of format 2: a typed `--bin sv-musl=s` (a platform's build, stored
/// beside `sv`) is not the entry's `sv=s`, which takes `sv` itself; it was, and the upgrade
/// linked `sv` as `s`.
#[test]
fn a_guessed_link_to_a_platform_build_beside_the_plain_one_was_typed() {
    let env = TestEnv::new();
    std::fs::write(
        env.config_path(),
        catalog_entry("st", "acme/sv", "\"sv=s\""),
    )
    .unwrap();
    publish_two(&env.server, "acme/sv", "sv", "sv-musl", "1.0.0");
    env.run(&["install", "st@1.0.0", "--bin", "sv-musl=s"])
        .expect_code(0);
    as_format_2(&env, "st");
    publish_two(&env.server, "acme/sv", "sv", "sv-musl", "2.0.0");
    env.run(&["upgrade", "--latest"]).expect_code(0);
    assert_eq!(env.installed_bytes("s"), Some(program("sv-musl", "2.0.0")));
    assert_eq!(kept_bins(&env, "st"), serde_json::json!(["sv-musl=s"]));
}

/// A link of a tool whose record a newer haul wrote is told as that (it was called damaged,
/// with a hint to uninstall a tool that may be whole); in a project's bin-dir, a damaged
/// tool's link gets a hint for the project (sync's own hint said haul did not make it), and
/// once that tool is uninstalled, its link left there is haul's to replace.
#[cfg(unix)]
#[test]
fn a_link_of_an_unreadable_record_says_what_to_do() {
    let env = TestEnv::new();
    install_widget_as_wg(&env);
    let mut record = record_json(&env, "widget");
    record["format"] = serde_json::json!(99);
    let path = env.home().join("records/widget.json");
    std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
    std::fs::write(env.config_path(), entry_linking_wg("wt3")).unwrap();
    let before = env.snapshot();
    let run = env.run(&["install", "wt3"]);
    run.expect_code(1)
        .stderr_has("is a link of `widget`, whose record a newer haul wrote")
        .stderr_has("`haul self update`");
    assert!(!run.stderr().contains("uninstall"), "{}", run.stderr());
    assert_eq!(env.snapshot(), before);

    // A project's bin-dir: the damaged tool's link there is the project's to remove.
    std::fs::write(&path, "{").unwrap();
    let dir = env.dir.path().join("p");
    std::fs::create_dir_all(dir.join(".haul/bin")).unwrap();
    let store = env.home().join("tools/widget");
    let stored = std::fs::read_dir(&store)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let exe = std::fs::read_dir(&stored)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let exe = if exe.is_dir() {
        std::fs::read_dir(&exe)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    } else {
        exe
    };
    std::os::unix::fs::symlink(&exe, dir.join(".haul/bin/wg")).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\nwt3 = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
    )
    .unwrap();
    let run = crate::support::Run::of(env.command().current_dir(&dir).arg("sync"));
    run.expect_code(1)
        .stderr_has("is a link of `widget`, whose record is damaged")
        .stderr_has("remove the link from the project's bin-dir, then run `haul sync` again");
    assert!(!run.stderr().contains("did not make"), "{}", run.stderr());
    // As the hint says: the damaged tool goes, which leaves its link there leading nowhere,
    // haul's own leftover, which the sync replaces (it refused it as a file of the user's).
    env.run(&["uninstall", "widget"]).expect_code(0);
    assert!(!dir.join(".haul/bin/wg").exists());
    crate::support::Run::of(env.command().current_dir(&dir).arg("sync")).expect_code(0);
    assert_eq!(
        std::fs::read(dir.join(".haul/bin/wg")).ok(),
        Some(program("widget", "1.0.0"))
    );
}

/// `upgrade --dry-run` of a release it must download checks the links of the executables the
/// tool asks for now: not a link its catalog entry has dropped (a file of the user's there
/// failed the dry run, and the upgrade went through), and one it has gained.
#[test]
fn a_dry_run_checks_the_links_the_tool_asks_for_now() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    let entry = |bins: &str| {
        std::fs::write(env.config_path(), catalog_entry("kx", "acme/kit", bins)).unwrap();
    };
    entry("\"alpha\", \"beta\"");
    env.run(&["install", "kx"]).expect_code(0);
    crate::support::publish_kit(&env.server, "2.0.0");
    let mine = |link: &str| {
        let path = env.bin_dir().join(format!("{link}{EXE}"));
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, "mine").unwrap();
    };
    // The entry dropped `beta`; the user's file is where its link was.
    entry("\"alpha\"");
    mine("beta");
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would move kx 1.0.0 to 2.0.0");
    // It gained `gamma`, where a file of the user's is.
    entry("\"alpha\", \"gamma\"");
    mine("gamma");
    for args in [&["upgrade", "--dry-run"][..], &["upgrade"]] {
        env.run(args)
            .expect_code(1)
            .stderr_has("gamma")
            .stderr_has("already exists and haul did not install it");
    }
    entry("\"alpha\"");
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "2.0.0"))
    );
    assert_eq!(
        std::fs::read(env.bin_dir().join(format!("beta{EXE}"))).unwrap(),
        b"mine"
    );
}

/// Offline, a cached download that verifies but cannot be unpacked (a full disk; here the
/// unpacked-size limit) fails with why, not as a checksum mismatch (exit 4) whose hint sends
/// the user to download it again.
#[test]
fn offline_a_verified_download_that_cannot_unpack_says_why() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["uninstall", "widget"]).expect_code(0);
    let out = env
        .command()
        .env("HAUL_MAX_UNPACKED_SIZE", "10")
        .args(["--offline", "install", "acme/widget@1.0.0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("unpacking the cached `"), "{stderr}");
    assert!(stderr.contains("max-unpacked-size"), "{stderr}");
    assert!(!stderr.contains("does not match"), "{stderr}");
    assert!(env.installed_bytes("widget").is_none());
    // Within the limit, the same cached copy installs offline.
    env.run(&["--offline", "install", "acme/widget@1.0.0"])
        .expect_code(0);
}

/// A tool `prune` cannot change (a change to it was left that haul will not act on) does not
/// stop the others: they are pruned and listed, and the command fails at the end naming it.
/// It stopped at that tool, exit 1, without saying what it had removed already.
#[test]
fn prune_goes_on_past_a_tool_it_cannot_change() {
    let env = TestEnv::new();
    for repo in ["acme/alpha", "acme/widget"] {
        publish_simple(&env.server, repo, "1.0.0");
        publish_simple(&env.server, repo, "2.0.0");
        env.run(&["install", &format!("{repo}@1.0.0")])
            .expect_code(0);
        env.run(&["install", &format!("{repo}@2.0.0")])
            .expect_code(0);
    }
    // A download of `alpha` no version stored names: a change to `alpha` left half-done may
    // be installing it.
    publish_simple(&env.server, "acme/alpha", "3.0.0");
    env.run(&["install", "acme/alpha@3.0.0"]).expect_code(0);
    env.run(&["rollback", "alpha"]).expect_code(0);
    env.run(&["uninstall", "alpha@3.0.0"]).expect_code(0);
    let download = |repo: &str, tag: &str| {
        env.cache_dir()
            .join("downloads/github/acme")
            .join(repo)
            .join(tag)
    };
    assert!(download("alpha", "v3.0.0").is_dir());
    // A journal of `alpha` naming a version outside its directory: never acted on.
    let journal = env.home().join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    std::fs::write(
        journal.join("alpha.json"),
        r#"{"name": "alpha", "record": null, "previous": null, "stage": null, "remove": ["../widget"], "unlink": []}"#,
    )
    .unwrap();
    let run = env.run(&["prune"]);
    run.expect_code(1)
        .stderr_has("Removed widget 1.0.0")
        .stderr_has("1 item of what `haul prune` removes could not be removed")
        .stderr_has("`alpha`: a change to `alpha`")
        .stderr_has("the rest was removed");
    assert_eq!(stored_versions(&env, "widget"), ["2.0.0"]);
    assert_eq!(stored_versions(&env, "alpha"), ["1.0.0", "2.0.0"]);
    assert!(!download("widget", "v1.0.0").exists());
    assert!(download("alpha", "v3.0.0").is_dir());
    // Again, nothing else to remove: the hint does not say the rest was removed.
    let again = env.run(&["prune"]);
    again.expect_code(1).stderr_has("nothing removed");
    assert!(
        !again.stderr().contains("the rest was removed"),
        "{}",
        again.stderr()
    );
    let json = env.run(&["prune", "--json"]);
    let text = json.expect_code(1).stdout();
    let pruned: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(pruned["failed"][0]["what"], "alpha", "{pruned}");
}

/// A tool's executable named in any case is that executable for `which` and `exec`: `which
/// KUBENS` printed the tool's first link (kubectx), and `exec kubens` ran kubectx.
#[cfg(unix)]
#[test]
fn an_executables_name_in_any_case_is_that_executable() {
    let env = TestEnv::new();
    crate::support::publish_two(&env.server, "acme/kx", "kubectx", "kubens", "1.0.0");
    env.run(&["install", "acme/kx", "--bin", "kubectx", "--bin", "kubens"])
        .expect_code(0);
    let kubens = env.bin_dir().join("kubens").display().to_string();
    for name in ["kubens", "KUBENS", "Kubens"] {
        let which = env.run(&["which", name]);
        assert_eq!(which.expect_code(0).stdout().trim(), kubens, "{name}");
        let ran = env.run(&["exec", name]);
        assert_eq!(ran.expect_code(0).stdout().trim(), "kubens 1.0.0", "{name}");
    }
    let ran = env.run(&["exec", "kubectx"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "kubectx 1.0.0");
    // `.exe` in any case; `which KUBENS.EXE` printed kubectx's link.
    for name in ["KUBENS.EXE", "Kubens.Exe"] {
        let which = env.run(&["which", name]);
        assert_eq!(which.expect_code(0).stdout().trim(), kubens, "{name}");
    }
    // Inside a project with its own bin-dir, the same: `which KUBENS` said not installed.
    let dir = crate::support::project(
        &env,
        "p",
        "\"acme/kx\" = { version = \"1\", bin = [\"kubectx\", \"kubens\"] }",
    );
    let in_project =
        |args: &[&str]| crate::support::Run::of(env.command().current_dir(&dir).args(args));
    in_project(&["sync"]).expect_code(0);
    let kubens_here = dir.join(".haul/bin/kubens").display().to_string();
    let kubectx_here = dir.join(".haul/bin/kubectx").display().to_string();
    for name in ["kubens", "KUBENS", "Kubens.EXE"] {
        let which = in_project(&["which", name]);
        assert_eq!(which.expect_code(0).stdout().trim(), kubens_here, "{name}");
        let ran = in_project(&["exec", name]);
        assert_eq!(ran.expect_code(0).stdout().trim(), "kubens 1.0.0", "{name}");
    }
    for name in ["KUBECTX", "acme/kx", "ACME/KX"] {
        let which = in_project(&["which", name]);
        assert_eq!(which.expect_code(0).stdout().trim(), kubectx_here, "{name}");
        let ran = in_project(&["exec", name]);
        assert_eq!(
            ran.expect_code(0).stdout().trim(),
            "kubectx 1.0.0",
            "{name}"
        );
    }
}

/// Two executables whose names differ only in case (where the file system tells them apart)
/// are each run by its own spelling, as the shell and `haul which` find them: `exec Tool` ran
/// `tool`, the tool's name in another case.
#[cfg(target_os = "linux")]
#[test]
fn executables_differing_only_in_case_each_run_as_spelled() {
    let env = TestEnv::new();
    crate::support::publish_two(&env.server, "acme/tool", "tool", "Tool", "1.0.0");
    env.run(&["install", "acme/tool", "--bin", "tool", "--bin", "Tool"])
        .expect_code(0);
    for name in ["tool", "Tool", "acme/tool", "TOOL", "tOOL"] {
        let ran = env.run(&["exec", name]);
        let runs = if name == "Tool" { "Tool" } else { "tool" };
        assert_eq!(
            ran.expect_code(0).stdout().trim(),
            format!("{runs} 1.0.0"),
            "{name}"
        );
        // `which` names the same one: `which TOOL` printed `Tool`'s link.
        if name != "acme/tool" {
            let which = env.run(&["which", name]);
            assert_eq!(
                which.expect_code(0).stdout().trim(),
                env.bin_dir().join(runs).display().to_string(),
                "{name}"
            );
        }
    }
    // Named after the other: `exec tool` ran `Tool`.
    crate::support::publish_two(&env.server, "acme/other", "Other", "other", "1.0.0");
    env.run(&["install", "acme/other", "--bin", "Other", "--bin", "other"])
        .expect_code(0);
    for name in ["other", "Other"] {
        let ran = env.run(&["exec", name]);
        assert_eq!(
            ran.expect_code(0).stdout().trim(),
            format!("{name} 1.0.0"),
            "{name}"
        );
    }
}

/// A typo is told the installed names close to it once each, and never an executable that
/// names another tool: `which Gtx` offered `GT`, `gt`, where `GT` (another tool's executable)
/// is what `which` reads as the tool `gt`.
#[cfg(target_os = "linux")]
#[test]
fn close_names_are_each_said_once_and_name_what_they_run() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/gt", "1.0.0");
    env.run(&["install", "acme/gt"]).expect_code(0);
    crate::support::publish_two(&env.server, "acme/pair", "pair", "GT", "1.0.0");
    env.run(&["install", "acme/pair", "--bin", "pair", "--bin", "GT"])
        .expect_code(0);
    let said = env.run(&["which", "Gtx"]);
    said.expect_code(1)
        .stderr_has("similar names installed (tools or their executables): `gt`");
    assert!(!said.stderr().contains("`GT`"), "{}", said.stderr());
}

/// A tool named in capitals (`--bin KUBENS`, its first executable; on Windows, any spelling
/// of `kubens.exe`) is found by its name in any case: `which kubens` and `uninstall kubens`
/// said it was not installed.
#[test]
fn a_tool_named_in_capitals_is_found_in_any_case() {
    let env = TestEnv::new();
    publish_two(&env.server, "acme/kx", "kubectx", "KUBENS", "1.0.0");
    env.run(&["install", "acme/kx", "--bin", "KUBENS"])
        .expect_code(0);
    let listed = env.run(&["list", "--json"]).json();
    assert_eq!(listed[0]["name"], "KUBENS", "{listed}");
    for name in ["kubens", "Kubens", "KUBENS.EXE"] {
        let which = env.run(&["which", name]);
        assert!(which.expect_code(0).stdout().contains("KUBENS"), "{name}");
        if cfg!(unix) {
            let ran = env.run(&["exec", name]);
            assert_eq!(ran.expect_code(0).stdout().trim(), "KUBENS 1.0.0", "{name}");
        }
    }
    env.run(&["uninstall", "kubens"]).expect_code(0);
    assert_eq!(env.run(&["list", "--json"]).json(), serde_json::json!([]));
}

/// A typo of an installed tool's name gets the installed names close to it, and changes
/// nothing: `which`, `uninstall`, `rollback` and `outdated` said only "not installed".
#[test]
fn a_typo_of_an_installed_tool_names_the_close_ones() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let before = env.snapshot();
    for command in ["which", "uninstall", "rollback", "outdated"] {
        env.run(&[command, "widgte"])
            .expect_code(1)
            .stderr_has("`widgte` is not installed")
            .stderr_has("similar names installed (tools or their executables): `widget`");
    }
    // Spelled with a version or `.exe`, or close to an executable's name.
    for typo in ["widgte@1.0.0", "WIDGTE.EXE"] {
        env.run(&["uninstall", typo])
            .expect_code(1)
            .stderr_has("similar names installed (tools or their executables): `widget`");
    }
    let far = env.run(&["which", "zzz"]);
    assert!(
        !far.expect_code(1).stderr().contains("similar"),
        "{}",
        far.stderr()
    );
    assert_eq!(env.snapshot(), before);
    publish_two(&env.server, "acme/kx", "kubectx", "kubens", "1.0.0");
    env.run(&["install", "acme/kx", "--bin", "kubectx", "--bin", "kubens"])
        .expect_code(0);
    env.run(&["which", "kubnes"])
        .expect_code(1)
        .stderr_has("(tools or their executables): `kubens`");
}
