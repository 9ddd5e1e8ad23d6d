//! Bad input and bad servers: each gets a clear message, a documented exit code, and leaves
//! the installed tools and haul's state as they were.

use crate::support::archive;
use crate::support::{Fault, Server, TestEnv, host_asset, program, publish_simple};

#[test]
fn several_tools_with_one_failing_installs_the_rest() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "2.0.0");
    let run = env.run(&[
        "install",
        "acme/alpha",
        "nobody/missing",
        "acme/beta",
        "--jobs",
        "2",
    ]);
    // Two at a time: the lines come in the order the tools finish, the summary last.
    run.expect_code(3)
        .stderr_lines_are(
            &env,
            "error: nobody/missing: no GitHub repository `nobody/missing`
  caused by: `[SERVER]/repos/nobody/missing` answered 404
  hint: check the spelling of OWNER/REPO; a private repository needs a token in `HAUL_GITHUB_TOKEN`; and that `HAUL_GITHUB_API_URL` (or `github-api-url`) points at a GitHub REST API (it is `[SERVER]`)
   Installed alpha 1.0.0 (acme/alpha; sha256 verified by checksums.txt): alpha[EXE]
   Installed beta 2.0.0 (acme/beta; sha256 verified by checksums.txt): beta[EXE]
warning: `[TMP]/bin` is not on PATH; add `eval \"$(haul env)\"` to your shell's profile
error: 1 of 3 tools failed: nobody/missing
  hint: the reasons are above; the other tools were installed",
        )
        .stderr_ends_with(
            &env,
            "error: 1 of 3 tools failed: nobody/missing
  hint: the reasons are above; the other tools were installed",
        );
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "2.0.0")));
}

#[test]
fn json_summary_names_failures() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    let run = env.run(&["install", "acme/alpha", "nobody/missing", "--json"]);
    run.expect_code(3);
    let json = run.json();
    assert_eq!(json["installed"][0]["name"], "alpha");
    assert_eq!(json["installed"][0]["verified_by"], "checksums.txt");
    assert_eq!(json["failed"][0]["tool"], "nobody/missing");
    assert_eq!(
        env.redact(json["failed"][0]["error"].as_str().unwrap()),
        "no GitHub repository `nobody/missing`: `[SERVER]/repos/nobody/missing` answered 404"
    );
}

#[test]
fn unknown_repository() {
    let env = TestEnv::new();
    env.run(&["install", "nobody/nothing"])
        .expect_code(1)
        .stderr_is(
            &env,
            "error: no GitHub repository `nobody/nothing`
  caused by: `[SERVER]/repos/nobody/nothing` answered 404
  hint: check the spelling of OWNER/REPO; a private repository needs a token in `HAUL_GITHUB_TOKEN`; and that `HAUL_GITHUB_API_URL` (or `github-api-url`) points at a GitHub REST API (it is `[SERVER]`)",
        );
}

#[test]
fn repository_without_releases() {
    let env = TestEnv::new();
    env.server.empty_repo("acme/empty");
    env.run(&["install", "acme/empty"])
        .expect_code(1)
        .stderr_is(
            &env,
            "error: `acme/empty` has no published release
  caused by: the repository has no releases with downloads",
        );
}

/// Whatever was asked for, a repository with no release at all says so.
#[test]
fn a_version_of_a_repository_without_releases() {
    let env = TestEnv::new();
    env.server.empty_repo("acme/empty");
    env.run(&["install", "acme/empty@1.2"])
        .expect_code(1)
        .stderr_has("`acme/empty` has no published release");
}

/// A miss for a catalog tool whose repository has another name names both.
#[test]
fn no_release_matching_a_catalog_tool_names_it_and_its_repository() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"gadget\"\ndescription = \"g\"\nhomepage = \"https://x\"\nrepo = \"acme/widget\"\nbins = [\"widget\"]\n",
    )
    .unwrap();
    env.run(&["install", "gadget@2.0"])
        .expect_code(1)
        .stderr_has("`gadget (acme/widget)` has no release matching `2.0.x`");
}

#[test]
fn no_release_matching_names_the_recent_ones() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "1.1.0");
    env.run(&["install", "acme/widget@2.0"])
        .expect_code(1)
        .stderr_is(
            &env,
            "error: `acme/widget` has no release matching `2.0.x`
  caused by: recent releases: v1.1.0, v1.0.0
  hint: pick one of those with `@VERSION`",
        );
}

#[test]
fn not_a_repository_is_a_usage_error() {
    let env = TestEnv::new();
    env.run(&["install", "not/a/name"])
        .expect_code(2)
        .stderr_is(
            &env,
            "error: `not/a/name` is neither a tool name nor a GitHub repository
  hint: name a tool from the catalog (`haul search`) or a repository as OWNER/REPO",
        );
}

#[test]
fn an_invalid_asset_pattern_is_a_usage_error() {
    let env = TestEnv::new();
    // The regex engine's own explanation, as the cause.
    env.run(&["install", "acme/widget", "--asset", "("])
        .expect_code(2)
        .stderr_is(
            &env,
            "error: `--asset (` is not a valid regular expression
  caused by: found open group without closing ')'",
        );
}

#[test]
fn an_unknown_platform_is_a_usage_error() {
    let env = TestEnv::new();
    let platforms = "linux-x86_64, linux-aarch64, linux-armv7, linux-i686, linux-x86_64-musl, \
        linux-aarch64-musl, macos-x86_64, macos-aarch64, windows-x86_64, windows-aarch64, \
        freebsd-x86_64";
    env.run(&["install", "acme/widget", "--target", "plan9-mips"])
        .expect_code(2)
        .stderr_is(
            &env,
            &format!(
                "error: unknown platform `plan9-mips`
  hint: name one of {platforms}, a Rust target triple such as `x86_64-unknown-linux-musl`, or an OS alone (`linux`, `macos`, `windows`, `freebsd`) for this machine's architecture"
            ),
        );
}

#[test]
fn server_error_is_retried() {
    let env = TestEnv::new();
    let asset = publish_simple(&env.server, "acme/widget", "1.0.0");
    let path = Server::download_path("acme/widget", "v1.0.0", &asset);
    env.server.fault(&path, &[Fault::Status(500)]);
    env.server
        .fault("/repos/acme/widget/releases/latest", &[Fault::Status(502)]);
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(env.server.hits(&path), 2);
    assert_eq!(env.server.hits("/repos/acme/widget/releases/latest"), 2);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// An API that answers 401 with no token set asks for one (GitHub Enterprise, a proxy that
/// authenticates): it said GitHub refused the token, to renew a token nobody had set. With a
/// token, it is the token that was refused.
#[test]
fn a_401_asks_for_a_token_or_says_it_was_refused() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let latest = "/repos/acme/widget/releases/latest";
    env.server.fault(latest, &[Fault::Status(401)]);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("the GitHub API asks for a token, and none is set")
        .stderr_has("set `HAUL_GITHUB_TOKEN`");
    env.server.fault(latest, &[Fault::Status(401)]);
    let run = crate::support::Run::of(
        env.command()
            .env("HAUL_GITHUB_TOKEN", "ghp_expired")
            .args(["install", "acme/widget"]),
    );
    run.expect_code(1)
        .stderr_has("GitHub refused the token")
        .stderr_has("check or renew");
    assert!(!run.stderr().contains("ghp_expired"), "{}", run.stderr());
    assert_eq!(env.installed_bytes("widget"), None);
}

#[test]
fn persistent_server_errors_are_reported() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.server.fault(
        "/repos/acme/widget/releases/latest",
        &[Fault::Status(503); 10],
    );
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            "error: HTTP 503 from `[SERVER]/repos/acme/widget/releases/latest`",
        );
    assert_eq!(env.server.hits("/repos/acme/widget/releases/latest"), 4);
    assert!(env.snapshot().is_empty());
}

#[test]
fn a_body_cut_short_installs_nothing() {
    let env = TestEnv::new();
    let asset = publish_simple(&env.server, "acme/widget", "1.0.0");
    let path = Server::download_path("acme/widget", "v1.0.0", &asset);
    env.server.fault(&path, &[Fault::CutShort(40); 10]);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: cannot fetch `[SERVER]{path}`: end of file before message length reached"
            ),
        );
    assert!(env.snapshot().is_empty(), "{:?}", env.snapshot());
    assert_eq!(
        env.staging_entries(),
        Vec::<String>::new(),
        "staging left behind"
    );
}

#[test]
fn a_body_cut_short_once_is_resumed() {
    let env = TestEnv::new();
    let asset = publish_simple(&env.server, "acme/widget", "1.0.0");
    let path = Server::download_path("acme/widget", "v1.0.0", &asset);
    env.server.fault(&path, &[Fault::CutShort(40)]);
    env.run(&["install", "acme/widget"]).expect_code(0);
    let ranges: Vec<String> = env
        .server
        .requests_to(&path)
        .iter()
        .filter_map(|r| r.header("range").map(str::to_owned))
        .collect();
    assert_eq!(ranges, vec!["bytes=40-"]);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

#[test]
fn rate_limit_says_when_and_what_to_do() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    // Twelve and a half minutes from now: "in 13 minutes" however long haul takes to ask (up
    // to half a minute).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let reset = now + 12 * 60 + 30;
    let (hour, minute) = (reset % 86_400 / 3600, reset % 3600 / 60);
    env.server.fault(
        "/repos/acme/widget/releases/latest",
        &[Fault::RateLimit { reset }],
    );
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: the GitHub API rate limit is exhausted
  caused by: the limit resets at {hour:02}:{minute:02} UTC (in 13 minutes)
  hint: set `HAUL_GITHUB_TOKEN` (or `GITHUB_TOKEN`, `GH_TOKEN`) to a GitHub token: the limit is 60 requests an hour without one, 5000 with one"
            ),
        );
    assert_eq!(
        env.server.hits("/repos/acme/widget/releases/latest"),
        1,
        "not retried"
    );
}

#[test]
fn archive_escaping_its_directory_is_refused() {
    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    let evil = archive::gz(&archive::tar_with_raw_name(
        "../evil",
        &program("widget", "1"),
    ));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &evil)
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: refusing to unpack archive entry `../evil` in `{asset}`: it contains `..`
  hint: haul refuses archives that could reach outside their directory; nothing was installed. Report it to the tool's authors"
            ),
        );
    assert!(env.snapshot().is_empty());
    assert!(!env.home().join("staging").join("evil").exists());
    assert!(!env.home().join("evil").exists());
}

#[test]
fn links_pointing_outside_are_refused() {
    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    let evil = archive::gz(&archive::tar_with_symlink("widget", "/etc/passwd"));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &evil)
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: refusing to unpack archive entry `widget` in `{asset}`: it links to an absolute path
  hint: haul refuses archives that could reach outside their directory; nothing was installed. Report it to the tool's authors"
            ),
        );
    assert!(env.snapshot().is_empty());
}

#[test]
fn a_broken_archive_is_reported() {
    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, b"this is not gzip at all")
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: cannot unpack `{asset}`: the download is not a valid archive
  caused by: invalid gzip header"
            ),
        );
    assert!(env.snapshot().is_empty());
}

#[test]
fn no_asset_for_the_platform_lists_assets() {
    let env = TestEnv::new();
    env.server
        .release("acme/widget", "v1.0.0")
        .asset("widget-1.0.0-plan9-mips.tar.gz", b"x")
        .publish();
    let host = env.run(&["info", "acme/widget", "--json"]).json()["host"]
        .as_str()
        .unwrap()
        .to_owned();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            &format!(
                "error: no asset of `acme/widget` v1.0.0 fits {host}
  caused by: assets: widget-1.0.0-plan9-mips.tar.gz
  hint: pass `--asset REGEX` to choose one"
            ),
        );
}

/// Publish acme/widget 1.0.0 with a checksums file, its files on `files` (another host than
/// the API's); returns the archive's name.
fn widget_hosted_on(env: &TestEnv, files: &Server) -> String {
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    env.server
        .release("acme/widget", "v1.0.0")
        .hosted_on(files)
        .asset(&asset, &crate::support::tar_gz_release("widget", "1.0.0"))
        .checksums("checksums.txt")
        .publish();
    asset
}

#[test]
fn token_goes_to_the_api_host_only() {
    let files = Server::start();
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    widget_hosted_on(&env, &files);
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert!(!env.server.requests().is_empty());
    env.server.assert_authorization(Some("Bearer s3cret"));
    assert_eq!(files.requests().len(), 2, "asset and checksums.txt");
    files.assert_authorization(None);
}

/// A download host that asks haul to wait is named, with how long; GitHub's rate limit is
/// the API's alone.
#[test]
fn a_busy_download_host_is_not_the_github_rate_limit() {
    let files = Server::start();
    let env = TestEnv::new();
    let asset = widget_hosted_on(&env, &files);
    let path = Server::download_path("acme/widget", "v1.0.0", &asset);
    files.fault(&path, &[Fault::Busy { retry_after: 600 }]);
    let run = env.run(&["install", "acme/widget"]);
    run.expect_code(1)
        .stderr_has("HTTP 429")
        .stderr_has("asks to wait 600 s");
    assert!(!run.stderr().contains("rate limit"), "{}", run.stderr());
}

#[test]
fn a_conflicting_bin_is_not_overwritten() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    std::fs::create_dir_all(env.bin_dir()).unwrap();
    let mine = env.bin_dir().join(format!("widget{}", crate::support::EXE));
    std::fs::write(&mine, b"my own widget").unwrap();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_is(
            &env,
            "error: `[TMP]/bin/widget[EXE]` already exists and haul did not install it
  hint: remove it, or pass `--force` to replace it",
        );
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own widget");
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// A file put at a tool's link after haul made it is the user's: neither a reinstall, a
/// rollback, removing the active version nor `doctor --fix` replaces it; `--force` does.
#[test]
fn a_file_put_at_a_link_later_is_not_replaced() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let link = env.bin_dir().join(format!("widget{}", crate::support::EXE));
    std::fs::remove_file(&link).unwrap();
    std::fs::write(&link, b"my own widget").unwrap();
    let commands: [&[&str]; 3] = [
        &["install", "acme/widget"],
        &["rollback", "widget"],
        &["uninstall", "widget@2.0.0", "--force"],
    ];
    for args in commands {
        let run = env.run(args);
        run.expect_code(1)
            .stderr_has("already exists and haul did not install it");
        // Only install's `--force` replaces it; the others say so, not to pass theirs.
        if args[0] == "install" {
            run.stderr_has("pass `--force` to replace it");
        } else {
            // The version the command would make active, not the newest release.
            run.stderr_has("`haul install widget@1.0.0 --force` replaces it");
        }
        assert_eq!(std::fs::read(&link).unwrap(), b"my own widget", "{args:?}");
    }
    // `doctor` says what to do about it, and that `--fix` will not.
    let doctor = env.run(&["doctor", "--json"]);
    let problem = doctor.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem"].as_str().unwrap().contains("haul did not make"))
        .cloned()
        .unwrap_or_else(|| panic!("{}", doctor.stdout()));
    assert_eq!(problem["fixable"], false, "{problem}");
    assert!(
        problem["fix"]
            .as_str()
            .unwrap()
            .contains("haul install widget@2.0.0 --force"),
        "{problem}"
    );
    let fixed = env.doctor_fix();
    assert!(!fixed.contains("relinked"), "{fixed}");
    assert_eq!(std::fs::read(&link).unwrap(), b"my own widget");
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// A takeover left half-done by an earlier haul (it told the other tool's record in a change
/// of its own, after its own), or a record put back by hand: both records list the link. The
/// one whose link it no longer is shows as broken, and `doctor --fix` lets go of the link
/// there.
#[test]
fn a_takeover_that_stopped_half_way_is_repaired() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    crate::support::publish_gizmo_with_widget(&env.server);
    let record_path = env.home().join("records/widget.json");
    let before: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record_path).unwrap()).unwrap();
    env.run(crate::support::GIZMO_TAKES_WIDGET).expect_code(0);
    // As if it had stopped before widget's record let go of the link.
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record_path).unwrap()).unwrap();
    record["links"] = before["links"].clone();
    std::fs::write(&record_path, record.to_string()).unwrap();
    let list = env.run(&["list"]);
    assert!(list.stdout().contains("BROKEN"), "{}", list.stdout());

    let fixed = env.doctor_fix();
    assert!(!fixed.contains("left as it is"), "{fixed}");
    let list = env.run(&["list", "--json"]);
    for tool in list.json().as_array().unwrap() {
        assert_eq!(tool["problems"], serde_json::json!([]), "{tool}");
    }
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("gizmo", "1.0.0"))
    );
}

// Sends SIGINT with kill(1); Windows has console control events instead of signals, and wine
// cannot deliver one to a test's child process.
#[cfg(unix)]
#[test]
fn ctrl_c_mid_download_changes_nothing() {
    stopped_mid_download_changes_nothing("INT", 130);
}

/// SIGTERM (a cancelled CI job, `timeout`, `docker stop`) stops haul as Ctrl-C does: the
/// unfinished install goes, staging included, and the exit code says which signal it was.
#[cfg(unix)]
#[test]
fn sigterm_mid_download_changes_nothing() {
    stopped_mid_download_changes_nothing("TERM", 143);
}

/// SIGHUP (a closed terminal, a lost ssh session) too, exit 129 (on Linux, where haul can
/// tell that its parent did not ask for SIGHUP to be ignored).
#[cfg(target_os = "linux")]
#[test]
fn sighup_mid_download_changes_nothing() {
    stopped_mid_download_changes_nothing("HUP", 129);
}

/// Run with SIGHUP ignored (`nohup`, a service manager), haul goes on when it comes: it
/// listened for SIGHUP anyway, and stopped (exit 129) what the user had asked to survive.
#[cfg(target_os = "linux")]
#[test]
fn sighup_ignored_by_the_parent_stays_ignored() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "1");
    let asset = publish_simple(&env.server, "acme/alpha", "1.0.0");
    let path = Server::download_path("acme/alpha", "v1.0.0", &asset);
    // The download stalls half-way (then times out, and the next try gets it whole).
    env.server.fault(&path, &[Fault::Hang]);
    let mut install = env.command_for(std::path::Path::new("nohup"));
    install
        .arg(env!("CARGO_BIN_EXE_haul"))
        .args(["install", "acme/alpha"]);
    let out = env.signal_when_hung(&path, install, "HUP");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
}

/// haul, to be sent `signal`: for SIGHUP, with its default action (see
/// [`TestEnv::command_heeding_hangup`]).
#[cfg(unix)]
fn haul_for_signal(env: &TestEnv, signal: &str) -> std::process::Command {
    #[cfg(target_os = "linux")]
    if signal == "HUP" {
        return env.command_heeding_hangup(std::path::Path::new(env!("CARGO_BIN_EXE_haul")));
    }
    let _ = signal;
    env.command()
}

#[cfg(unix)]
fn stopped_mid_download_changes_nothing(signal: &str, code: i32) {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    env.run(&["install", "acme/alpha"]).expect_code(0);
    let before = env.snapshot();

    let asset = publish_simple(&env.server, "acme/alpha", "2.0.0");
    let path = Server::download_path("acme/alpha", "v2.0.0", &asset);
    env.server.fault(&path, &[Fault::Hang]);
    let mut install = haul_for_signal(&env, signal);
    install.args(["install", "acme/alpha"]);
    // The download has started and stalls half-way: stop haul then.
    let out = env.signal_when_hung(&path, install, signal);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "error: interrupted; nothing was changed by unfinished installs"
    );
    assert_eq!(env.snapshot(), before, "1.0.0 stays installed, untouched");
    assert_eq!(
        env.staging_entries(),
        Vec::<String>::new(),
        "staging left behind"
    );
}

/// What a haul killed outright (`kill -9`, the OOM killer) left in `staging/` is a problem
/// `haul doctor` reports, with its size, and `--fix` removes; the staging of a haul running
/// now (its lock held) is neither.
#[test]
fn doctor_reports_what_a_killed_run_left_in_staging() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    env.run(&["install", "acme/alpha"]).expect_code(0);
    let staging = env.home().join("staging");
    std::fs::create_dir_all(staging.join("alpha-dEad01/unpacked")).unwrap();
    std::fs::write(staging.join("alpha-dEad01/download"), vec![0u8; 2048]).unwrap();
    std::fs::write(staging.join("alpha-dEad01.lock"), b"").unwrap();
    std::fs::create_dir_all(staging.join("alpha-LiVe01")).unwrap();
    let held = std::fs::File::create(staging.join("alpha-LiVe01.lock")).unwrap();
    held.lock().unwrap();
    let problems = env.doctor_problems();
    assert!(
        problems.contains("`staging/` holds 1 leftover of interrupted runs (2 KiB)"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert!(
        fixed.contains("removed 1 leftover of interrupted runs from `staging/`"),
        "{fixed}"
    );
    let mut left = env.staging_entries();
    left.sort();
    assert_eq!(left, ["alpha-LiVe01", "alpha-LiVe01.lock"]);
    let problems = env.run(&["doctor", "--json"]).json()["problems"].to_string();
    assert!(!problems.contains("leftover"), "{problems}");
    drop(held);
}

/// The tool whose link another took over (`install --force`): `upgrade` fails without
/// suggesting a `--force` it does not take, `rollback` says the name is taken instead of
/// "Rolled back" with nothing linked, and once the other tool is gone, `doctor` finds the
/// tool linked nowhere and `--fix` links it again.
#[test]
fn a_tool_whose_link_was_taken_over() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "acme/widget", "1.1.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    env.run(&["install", "acme/widget"]).expect_code(0);
    crate::support::publish_gizmo_with_widget(&env.server);
    env.run(crate::support::GIZMO_TAKES_WIDGET).expect_code(0);
    publish_simple(&env.server, "acme/widget", "1.2.0");
    let upgrade = env.run(&["upgrade", "widget"]);
    upgrade
        .expect_code(1)
        .stderr_has("belongs to `gizmo`")
        .stderr_has("`haul install widget@1.2.0 --force` takes the name over");
    assert!(!upgrade.stderr().contains("pass `--force`"));
    env.run(&["rollback", "widget"])
        .expect_code(1)
        .stderr_has("belongs to `gizmo`");
    let problems = || env.run(&["doctor", "--json"]).json()["problems"].to_string();
    assert!(!problems().contains("`widget`"), "{}", problems());
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("gizmo", "1.0.0"))
    );

    env.run(&["uninstall", "gizmo"]).expect_code(0);
    assert_eq!(env.installed_bytes("widget"), None);
    assert!(problems().contains("is not linked at"), "{}", problems());
    let fixed = env.doctor_fix();
    assert!(fixed.contains("relinked 1 link"), "{fixed}");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.1.0"))
    );
    assert!(!problems().contains("`widget`"), "{}", problems());
}

/// A tool that lost one of its executables' links to another tool (`--force`), once that one
/// is gone: `doctor` names the free place, `--fix` links it again, and meanwhile `which` of
/// that executable says it is linked nowhere instead of naming the tool's other executable.
#[test]
fn an_executable_whose_link_was_taken_over_is_linked_again_once_free() {
    let env = TestEnv::new();
    crate::support::publish_gizmo_with_widget(&env.server);
    env.run(&["install", "acme/gizmo", "--bin", "gizmo", "--bin", "widget"])
        .expect_code(0);
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(0)
        .stderr_has(&format!("took `widget{}` from gizmo", crate::support::EXE));
    env.run(&["uninstall", "widget"]).expect_code(0);
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("`widget` of `gizmo` is linked nowhere");
    let problems = env.doctor_problems();
    assert!(problems.contains("is not linked at"), "{problems}");
    let fixed = env.doctor_fix();
    assert!(fixed.contains("relinked 1 link"), "{fixed}");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("gizmo", "1.0.0"))
    );
    let which = env.run(&["which", "widget"]);
    which.expect_code(0);
    assert!(which.stdout().contains("widget"), "{}", which.stdout());
}
