//! list, which, uninstall, info, env, completions, and the basics of the command line.

use crate::support::server::sha256_hex;
use crate::support::{EXE, Server, TestEnv, host_asset, program, publish_simple};

#[test]
fn version_and_help() {
    let env = TestEnv::new();
    let run = env.run(&["--version"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout().trim(),
        format!("haul {}", env!("CARGO_PKG_VERSION"))
    );
    let run = env.run(&["--help"]);
    run.expect_code(0);
    assert!(run.stdout().contains("Exit codes:"), "{}", run.stdout());
    env.run(&["frobnicate"]).expect_code(2);
    env.run(&["install"]).expect_code(2);
}

#[test]
fn list_which_uninstall() {
    let env = TestEnv::new();
    let empty = env.run(&["list", "--json"]);
    empty.expect_code(0);
    assert_eq!(empty.json(), serde_json::json!([]));

    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "2.0.0");
    env.run(&["install", "acme/beta", "acme/alpha"])
        .expect_code(0);

    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    let json = list.json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["alpha", "beta"]);
    assert_eq!(json[0]["version"], "1.0.0");
    assert_eq!(json[0]["tag"], "v1.0.0");
    assert_eq!(json[0]["source"], "github:acme/alpha");
    assert_eq!(json[0]["verified_by"], "checksums.txt");
    assert_eq!(json[0]["asset"], host_asset("alpha", "1.0.0", ".tar.gz"));
    assert_eq!(json[0]["sha256"].as_str().unwrap().len(), 64);
    let link = env.bin_dir().join(format!("alpha{EXE}"));
    assert_eq!(json[0]["bins"][0]["link"], link.display().to_string());

    let human = env.run(&["list"]);
    human.expect_code(0);
    assert!(
        human.stdout().contains("alpha") && human.stdout().contains("1.0.0"),
        "{}",
        human.stdout()
    );

    let which = env.run(&["which", "alpha"]);
    which.expect_code(0);
    assert_eq!(which.stdout().trim(), link.display().to_string());
    env.run(&["which", "acme/alpha"]).expect_code(0);
    let missing = env.run(&["which", "gamma"]);
    missing
        .expect_code(1)
        .stderr_has("`gamma` is not installed");
    assert!(missing.stdout().is_empty());

    // A typo among the names removes nothing.
    env.run(&["uninstall", "alpha", "gamma"])
        .expect_code(1)
        .stderr_has("`gamma` is not installed");
    assert!(link.exists());

    env.run(&["uninstall", "alpha"])
        .expect_code(0)
        .stderr_has("Removed");
    assert!(std::fs::symlink_metadata(&link).is_err(), "link removed");
    assert!(
        !env.home().join("tools").join("alpha").exists(),
        "files removed"
    );
    let list = env.run(&["list", "--json"]);
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    env.run(&["which", "alpha"]).expect_code(1);
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "2.0.0")));
}

#[test]
fn a_new_version_becomes_active_and_the_old_one_stays_stored() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("already installed");
    publish_simple(&env.server, "acme/widget", "1.1.0");
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("widget 1.1.0 (was 1.0.0)");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.1.0"))
    );
    let mut versions: Vec<String> = std::fs::read_dir(env.home().join("tools").join("widget"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    versions.sort();
    assert_eq!(versions, vec!["1.0.0", "1.1.0"]);
    // Going back to the stored version needs no download.
    let before = env.server.requests().len();
    env.run(&["install", "acme/widget@1.0.0"])
        .expect_code(0)
        .stderr_has("widget 1.0.0 (was 1.1.0, a downgrade) (already stored)");
    assert!(
        env.server.requests()[before..]
            .iter()
            .all(|r| !r.path.starts_with("/dl/")),
        "nothing was downloaded"
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[test]
fn force_reinstalls_from_the_cache() {
    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &crate::support::tar_gz_release("widget", "1.0.0"))
        .publish();
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(0)
        .stderr_has("Installed");
    let path = crate::support::Server::download_path("acme/widget", "v1.0.0", &asset);
    assert_eq!(
        env.server.hits(&path),
        1,
        "the verified cached download was reused"
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[test]
fn info_json_shows_every_platform() {
    let env = TestEnv::new();
    let mut release = env.server.release("acme/widget", "v1.0.0");
    let assets = [
        "widget-1.0.0-x86_64-unknown-linux-musl.tar.gz",
        "widget-1.0.0-aarch64-unknown-linux-musl.tar.gz",
        "widget-1.0.0-x86_64-apple-darwin.tar.gz",
        "widget-1.0.0-aarch64-apple-darwin.tar.gz",
        "widget-1.0.0-x86_64-pc-windows-msvc.zip",
    ];
    for asset in assets {
        release = release.asset(asset, b"x");
    }
    release.checksums("checksums.txt").publish();
    let run = env.run(&["info", "acme/widget", "--json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["tag"], "v1.0.0");
    let platforms = json["platforms"].as_object().unwrap();
    let expected = [
        "linux-x86_64",
        "linux-aarch64",
        "linux-armv7",
        "linux-i686",
        "linux-x86_64-musl",
        "linux-aarch64-musl",
        "macos-x86_64",
        "macos-aarch64",
        "windows-x86_64",
        "windows-aarch64",
        "freebsd-x86_64",
    ];
    let mut keys: Vec<&str> = platforms.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = expected.to_vec();
    want.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(platforms["linux-x86_64"]["asset"], assets[0]);
    assert_eq!(platforms["macos-aarch64"]["asset"], assets[3]);
    assert_eq!(platforms["windows-x86_64"]["asset"], assets[4]);
    assert_eq!(platforms["linux-armv7"]["asset"], serde_json::Value::Null);
    assert!(
        platforms["linux-armv7"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(platforms["linux-x86_64"]["checksum"], "checksums.txt");
    assert_eq!(
        platforms["linux-x86_64"]["checksum_error"],
        serde_json::Value::Null
    );

    let one = env.run(&[
        "info",
        "acme/widget",
        "--json",
        "--target",
        "aarch64-apple-darwin",
    ]);
    one.expect_code(0);
    let json = one.json();
    assert_eq!(json["platforms"].as_object().unwrap().len(), 1);
    assert_eq!(json["platforms"]["macos-aarch64"]["asset"], assets[3]);
    // The text says what would vouch for the pick, and why an install would stop (it looked
    // healthy while `--json` alone said the checksum file could not be fetched).
    let text = |env: &TestEnv| {
        env.run(&["info", "acme/widget", "--target", "aarch64-apple-darwin"])
            .expect_code(0)
            .stdout()
    };
    assert!(
        text(&env).contains("verified by checksums.txt"),
        "{}",
        text(&env)
    );
    let sums = Server::download_path("acme/widget", "v1.0.0", "checksums.txt");
    env.server
        .fault(&sums, &[crate::support::Fault::Status(404); 4]);
    let said = text(&env);
    assert!(said.contains("cannot be verified: "), "{said}");
}

/// A file name ending in a multi-byte character beside a checksum file once made `info` abort
/// while it looked for the file's own `.sha256`.
#[test]
fn info_reads_names_in_any_script() {
    let env = TestEnv::new();
    let asset = "widget-1.0.0-x86_64-unknown-linux-musl.tar.gz";
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(asset, b"x")
        .asset("notes-größe", b"y")
        .asset("widget.sha256", b"z")
        .asset("ünïcödé.zip", b"w")
        .publish();
    let run = env.run(&["info", "acme/widget", "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["platforms"]["linux-x86_64"]["asset"], asset);
    // Nothing vouches for it: installed with a warning, or refused where checksums are
    // required (it said the first either way).
    env.server
        .release("acme/plain", "v1.0.0")
        .asset(asset, b"x")
        .publish();
    let text = |env: &TestEnv| {
        env.run(&["info", "acme/plain", "--target", "linux-x86_64"])
            .expect_code(0)
            .stdout()
    };
    assert!(
        text(&env).contains("installed unverified, with a warning"),
        "{}",
        text(&env)
    );
    std::fs::write(env.config_path(), "require-checksum = true\n").unwrap();
    assert!(
        text(&env).contains("an install refuses it"),
        "{}",
        text(&env)
    );
}

#[test]
fn env_prints_a_snippet_for_each_shell() {
    let env = TestEnv::new();
    let dir = env.bin_dir().display().to_string();
    // The POSIX shells and fish spell a Windows path as Git Bash does (`/c/…`).
    let posix = crate::support::posix_spelling(&env.bin_dir());
    for (shell, needle) in [
        ("bash", "export PATH="),
        ("zsh", "export PATH="),
        ("sh", "export PATH="),
        ("fish", "set -gx PATH"),
        ("powershell", "$env:PATH"),
    ] {
        let run = env.run(&["env", "--shell", shell]);
        run.expect_code(0);
        let quoted = if shell == "powershell" {
            dir.clone()
        } else {
            posix.clone()
        };
        assert!(
            run.stdout().contains(needle) && run.stdout().contains(&quoted),
            "{shell}: {}",
            run.stdout()
        );
    }
}

// Runs the snippet in a POSIX `sh`, which Windows does not have.
#[cfg(unix)]
#[test]
fn env_snippet_works_in_sh() {
    let env = TestEnv::new();
    let snippet = env.run(&["env", "--shell", "sh"]).stdout();
    let script = format!("PATH=/usr/bin:/bin\n{snippet}\n{snippet}\necho \"$PATH\"");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(
        path,
        format!("{}:/usr/bin:/bin", env.bin_dir().display()),
        "added once"
    );
}

#[test]
fn completions_for_each_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = env.run(&["completions", shell]);
        run.expect_code(0);
        // The script asks haul for the words at each TAB.
        assert!(
            run.stdout().contains("HAUL_COMPLETE"),
            "{shell}: {}",
            run.stdout()
        );
    }
    env.run(&["completions", "tcsh"]).expect_code(2);
}

/// What a shell gets at a TAB: the installed tools after `uninstall`, catalog names after
/// `install`, subcommands after `haul`.
#[test]
fn completions_offer_installed_tools_and_catalog_names() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/gadget", "1.0.0");
    env.run(&["install", "acme/widget", "acme/gadget"])
        .expect_code(0);
    let complete = |words: &[&str]| {
        let run = crate::support::Run::of(
            env.command()
                .env("HAUL_COMPLETE", "bash")
                .env("_CLAP_IFS", "\n")
                .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
                .arg("--")
                .args(words),
        );
        run.expect_code(0);
        run.stdout().lines().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(
        complete(&["haul", "uninstall", ""])[..2],
        ["gadget", "widget"]
    );
    assert_eq!(complete(&["haul", "which", "wi"]), ["widget"]);
    let catalog = complete(&["haul", "install", "kubect"]);
    assert!(catalog.contains(&"kubectl".to_owned()), "{catalog:?}");
    assert!(complete(&["haul", "roll"]).contains(&"rollback".to_owned()));
    // `COMPLETE`, which other programs' completions use, is not haul's: the command runs.
    let list = crate::support::Run::of(
        env.command()
            .env("COMPLETE", "bash")
            .args(["list", "--json"]),
    );
    list.expect_code(0);
    assert_eq!(list.json().as_array().map(Vec::len), Some(2));
}

#[test]
fn naming_a_tool_twice_is_a_usage_error() {
    let env = TestEnv::new();
    env.run(&["install", "acme/widget", "acme/widget@1.0"])
        .expect_code(2)
        .stderr_has("named twice");
}

/// A blank `--version` or `--asset` is a usage error that asks nothing of a server:
/// `self update --version ''` updated haul to the newest release, and `--check` gave a hint
/// that clap then refused.
#[test]
fn a_blank_version_or_asset_is_a_usage_error() {
    let env = TestEnv::new();
    for args in [
        &["self", "update", "--yes", "--version", ""][..],
        &["self", "update", "--check", "--version", " "],
        &["install", "acme/widget", "--asset", ""],
        &["info", "acme/widget", "--asset", " "],
    ] {
        env.run(args).expect_code(2).stderr_has("it is empty");
    }
    assert!(env.server.requests().is_empty());
}

/// A tool typed as nothing (`''`, `@1.0`) is a usage error for every command that takes one,
/// as a malformed name is: `uninstall ''` and `which ''` said it was not installed (exit 1)
/// where `install ''` exited 2.
#[test]
fn a_tool_typed_as_nothing_is_a_usage_error() {
    let env = TestEnv::new();
    for command in [
        "install",
        "uninstall",
        "which",
        "rollback",
        "outdated",
        "upgrade",
        "info",
        "exec",
    ] {
        for typed in ["", " ", "@1.0"] {
            env.run(&[command, typed])
                .expect_code(2)
                .stderr_has("it names no tool");
        }
    }
    assert!(env.server.requests().is_empty());
}

#[test]
fn invalid_config_is_reported_with_its_path() {
    let env = TestEnv::new();
    std::fs::write(env.config_path(), "jobz = 3\n").unwrap();
    env.run(&["list"])
        .expect_code(2)
        .stderr_has("invalid config file")
        .stderr_has("jobz");
}

/// Values a config file may hold but no user can mean are usage errors (exit 2) that name the
/// key and say what to write instead, and nothing is installed.
#[test]
fn config_values_no_user_can_mean_are_refused_naming_the_key() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    // A config file is read from every directory: a relative bin dir would link each install
    // wherever it was run.
    for (config, shown, hint) in [
        (
            "bin-dir = \"bin\"",
            "`bin-dir = \"bin\"` is not an absolute path",
            "`~/`",
        ),
        (
            "bin-dir = \"~nobody/bin\"",
            "`bin-dir = \"~nobody/bin\"`",
            "`~/`",
        ),
        ("bin-dir = \"\"", "`bin-dir = \"\"`", "`~/`"),
        (
            "max-archive-entries = 0",
            "`max-archive-entries = 0` would refuse every archive",
            "1 or more",
        ),
    ] {
        std::fs::write(env.config_path(), config).unwrap();
        env.run(&["install", "acme/widget"])
            .expect_code(2)
            .stderr_has(shown)
            .stderr_has(hint);
        assert!(!env.home().join("records").exists(), "{config}");
    }
    std::fs::write(env.config_path(), "bin-dir = \"~/bin\"").unwrap();
    env.run(&["list"]).expect_code(0);

    std::fs::remove_file(env.config_path()).unwrap();
    std::fs::create_dir(env.config_path()).unwrap();
    env.run(&["list"])
        .expect_code(2)
        .stderr_has("cannot read the config file")
        .stderr_has("`HAUL_CONFIG`");
    std::fs::remove_dir(env.config_path()).unwrap();

    // The API URL from the config file: named as the config's key, also while the variable
    // sets another (it went unnoticed until the variable was unset), and `doctor` reports it.
    std::fs::write(env.config_path(), "github-api-url = \"notaurl\"").unwrap();
    let url = env.server.url.clone();
    let env = env.env("HAUL_GITHUB_API_URL", &url);
    env.run(&["install", "acme/widget"])
        .expect_code(2)
        .stderr_has("`github-api-url` is `notaurl`, not an http(s) URL");
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor
            .stdout()
            .contains("`github-api-url` is `notaurl`, not an http(s) URL"),
        "{}",
        doctor.stdout()
    );
    env.env("HAUL_GITHUB_API_URL", "ftp://x")
        .run(&["list"])
        .expect_code(2)
        .stderr_has("`HAUL_GITHUB_API_URL` is `ftp://x`, not an http(s) URL");
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt as _;
    let env = TestEnv::new();
    let mut cmd = env.command();
    cmd.arg("list")
        .env("HAUL_TIMEOUT", std::ffi::OsStr::from_bytes(b"\xff"));
    crate::support::Run::of(&mut cmd)
        .expect_code(2)
        .stderr_has("`HAUL_TIMEOUT` is not valid UTF-8")
        .stderr_has("hint: set `HAUL_TIMEOUT` to UTF-8 text");
}

#[test]
fn two_processes_at_once_leave_a_consistent_state() {
    let env = TestEnv::new();
    for tool in ["alpha", "beta", "gamma", "delta"] {
        publish_simple(&env.server, &format!("acme/{tool}"), "1.0.0");
    }
    let spawn = |tools: &[&str]| {
        env.command()
            .arg("install")
            .args(tools)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn(&["acme/alpha", "acme/beta", "acme/gamma"]);
    let b = spawn(&["acme/gamma", "acme/delta", "acme/beta"]);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let list = env.run(&["list", "--json"]);
    let json = list.json();
    assert_eq!(json.as_array().unwrap().len(), 4);
    for tool in ["alpha", "beta", "gamma", "delta"] {
        assert_eq!(
            env.installed_bytes(tool),
            Some(program(tool, "1.0.0")),
            "{tool}"
        );
        let versions = std::fs::read_dir(env.home().join("tools").join(tool))
            .unwrap()
            .count();
        assert_eq!(versions, 1, "{tool}");
    }
}

/// Windows cannot overwrite or delete a running `.exe`; haul renames it out of the way. The
/// installed "tool" here is a copy of haul itself, kept running by a request that hangs.
#[test]
fn a_running_tool_can_be_replaced() {
    let env = TestEnv::new();
    let haul = std::fs::read(env!("CARGO_BIN_EXE_haul")).unwrap();
    let asset = |version: &str| host_asset("widget", version, EXE);
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset("1.0.0"), &haul)
        .publish();
    env.run(&["install", "acme/widget"]).expect_code(0);

    // Run the installed copy; it blocks on an API request that never completes.
    env.server.empty_repo("acme/slow");
    env.server.fault(
        "/repos/acme/slow/releases/latest",
        &[crate::support::Fault::Hang],
    );
    let hung = env.server.hung();
    let mut running = crate::support::spawn_retrying(|| {
        env.command_for(&env.bin_dir().join(format!("widget{EXE}")))
            .args(["install", "acme/slow"])
            .stderr(std::process::Stdio::null())
            .spawn()
    })
    .unwrap();
    hung.recv_timeout(std::time::Duration::from_secs(120))
        .expect("the installed copy is running");

    let mut newer = haul.clone();
    newer.extend_from_slice(b"version two");
    env.server
        .release("acme/widget", "v2.0.0")
        .asset(&asset("2.0.0"), &newer)
        .publish();
    let run = env.run(&["install", "acme/widget"]);
    running.kill().unwrap();
    running.wait().unwrap();
    run.expect_code(0);
    assert_eq!(env.installed_bytes("widget"), Some(newer));
}

/// `info` says what would vouch for each pick by reading the release's checksums as an install
/// does (each checksum file fetched once): null where no checksum names the pick, and why
/// where the checksums cannot vouch (here the API digest and the checksum file disagree).
#[test]
fn info_reads_what_would_verify_each_pick() {
    let env = TestEnv::new();
    let linux = "widget-1.0.0-x86_64-unknown-linux-musl.tar.gz";
    let mac = "widget-1.0.0-aarch64-apple-darwin.tar.gz";
    let windows = "widget-1.0.0-x86_64-pc-windows-msvc.zip";
    let sums = format!(
        "{}  {windows}\n{}  {mac}\n",
        sha256_hex(b"w"),
        sha256_hex(b"m")
    );
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(linux, b"l")
        .asset_with_given_digest(mac, b"m", &format!("sha256:{}", sha256_hex(b"other")))
        .asset(windows, b"w")
        .asset("checksums.txt", sums.as_bytes())
        .publish();
    let json = env.run(&["info", "acme/widget", "--json"]).json();
    let platforms = &json["platforms"];
    assert_eq!(platforms["windows-x86_64"]["checksum"], "checksums.txt");
    assert_eq!(platforms["linux-x86_64"]["asset"], linux);
    assert_eq!(
        platforms["linux-x86_64"]["checksum"],
        serde_json::Value::Null
    );
    assert_eq!(
        platforms["linux-x86_64"]["checksum_error"],
        serde_json::Value::Null
    );
    assert_eq!(
        platforms["macos-aarch64"]["checksum"],
        serde_json::Value::Null
    );
    assert!(
        platforms["macos-aarch64"]["checksum_error"]
            .as_str()
            .is_some_and(|e| e.contains("disagree")),
        "{json}"
    );
    assert_eq!(
        env.server.hits(&Server::download_path(
            "acme/widget",
            "v1.0.0",
            "checksums.txt"
        )),
        1
    );
}

/// The hint to put the bin dir on PATH is written for the shell `haul env` writes for:
/// PowerShell's words where the shell is PowerShell.
#[test]
fn the_path_hint_speaks_the_users_shell() {
    let env = crate::support::TestEnv::new().env("SHELL", "pwsh");
    let doctor = env.run(&["doctor", "--json"]).json();
    let fixes = doctor["problems"].to_string();
    assert!(
        fixes.contains("add `haul env | Invoke-Expression` to your PowerShell profile"),
        "{fixes}"
    );
    crate::support::publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has(
            "is not on PATH; add `haul env | Invoke-Expression` to your PowerShell profile",
        );
}
