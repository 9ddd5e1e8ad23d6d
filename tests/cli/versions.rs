//! Version requests: latest, exact (with or without `v`), prefixes, any tag, prereleases,
//! drafts, and paging through long release lists.

use crate::support::{TestEnv, host_asset, program, publish_simple, tar_gz_release};

fn installed_version(env: &TestEnv) -> String {
    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    list.json()[0]["version"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn env_with_releases() -> TestEnv {
    let env = TestEnv::new();
    for version in ["1.1.0", "1.2.0", "1.2.5", "1.10.0", "1.3.0"] {
        publish_simple(&env.server, "acme/widget", version);
    }
    // A newer prerelease and a newer draft, both skipped by default.
    let asset = host_asset("widget", "2.0.0-rc.1", ".tar.gz");
    env.server
        .release("acme/widget", "v2.0.0-rc.1")
        .asset_with_digest(&asset, &tar_gz_release("widget", "2.0.0-rc.1"))
        .prerelease()
        .publish();
    let asset = host_asset("widget", "3.0.0", ".tar.gz");
    env.server
        .release("acme/widget", "v3.0.0")
        .asset_with_digest(&asset, &tar_gz_release("widget", "3.0.0"))
        .draft()
        .publish();
    env
}

#[test]
fn latest_skips_prereleases_and_drafts() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget"]).expect_code(0);
    // GitHub's "latest" is the newest published, non-prerelease release: 1.3.0 here.
    assert_eq!(installed_version(&env), "1.3.0");
    env.run(&["install", "acme/widget@latest"])
        .expect_code(0)
        .stderr_has("already installed");
}

#[test]
fn exact_versions_with_and_without_v() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget@1.2.0"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.2.0");
    env.run(&["install", "acme/widget@v1.1.0"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.1.0");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.1.0"))
    );
}

#[test]
fn prefix_picks_the_newest_match() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget@1.2"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.2.5");
    env.run(&["install", "acme/widget@1"]).expect_code(0);
    assert_eq!(
        installed_version(&env),
        "1.10.0",
        "numeric, not text, order"
    );
}

#[test]
fn pre_allows_prereleases() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget", "--pre"]).expect_code(0);
    assert_eq!(installed_version(&env), "2.0.0-rc.1");
}

#[test]
fn an_exact_tag_may_name_a_prerelease() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget@v2.0.0-rc.1"])
        .expect_code(0);
    assert_eq!(installed_version(&env), "2.0.0-rc.1");
}

#[test]
fn drafts_are_never_installed() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget@3.0.0"])
        .expect_code(1)
        .stderr_has("no release matching `3.0.0`");
}

#[test]
fn any_exact_tag() {
    let env = TestEnv::new();
    let asset = host_asset("jq", "1.6", "");
    env.server
        .release("jqlang/jq", "jq-1.6")
        .asset_with_digest(&asset, &program("jq", "1.6"))
        .publish();
    let asset = host_asset("jq", "1.7.1", "");
    env.server
        .release("jqlang/jq", "jq-1.7.1")
        .asset_with_digest(&asset, &program("jq", "1.7.1"))
        .publish();
    env.run(&["install", "jqlang/jq@jq-1.6"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.6");
    // A version written without the tag's prefix is found by paging.
    env.run(&["install", "jqlang/jq@1.7.1"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.7.1");
}

#[test]
fn prefix_pages_through_long_release_lists() {
    let env = TestEnv::new();
    // 1.0.x are the oldest, on the second page of 100.
    for patch in 0..3 {
        publish_simple(&env.server, "acme/widget", &format!("1.0.{patch}"));
    }
    for minor in 1..=120 {
        let version = format!("1.{minor}.0");
        env.server
            .release("acme/widget", &format!("v{version}"))
            .asset("notes.txt", b"x")
            .publish();
    }
    env.run(&["install", "acme/widget@1.0"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.0.2");
    let pages = env.server.hits("/repos/acme/widget/releases");
    assert_eq!(pages, 2);
}

#[test]
fn unknown_version_lists_recent_releases() {
    let env = env_with_releases();
    env.run(&["install", "acme/widget@9.9"])
        .expect_code(1)
        .stderr_has("no release matching `9.9.x`")
        .stderr_has("recent releases: v2.0.0-rc.1, v1.3.0");
}

/// Publish `repo` `tag` holding `tool` `version` for this machine.
fn publish_tagged(env: &TestEnv, repo: &str, tag: &str, tool: &str, version: &str) {
    env.server
        .release(repo, tag)
        .asset_with_digest(
            &host_asset(tool, version, ".tar.gz"),
            &tar_gz_release(tool, version),
        )
        .publish();
}

/// GitHub lists releases newest made first, and a backport (`v1.9.8`, made after `v1.10.2`)
/// is not the newest of its series: a series or range still finds 1.10.2, however many
/// releases of another series lie between, and a later upgrade does not move to the backport.
#[test]
fn a_backport_made_last_is_not_the_newest_of_its_series() {
    let env = TestEnv::new();
    for version in ["1.10.0", "1.10.1", "1.10.2"] {
        publish_simple(&env.server, "acme/widget", version);
    }
    for minor in 0..120 {
        env.server
            .release("acme/widget", &format!("v2.{minor}.0"))
            .asset("notes.txt", b"x")
            .publish();
    }
    publish_simple(&env.server, "acme/widget", "1.9.8");
    for req in ["^1.2", "1", "1.x", ">=1.0, <2"] {
        env.run(&["install", &format!("acme/widget@{req}")])
            .expect_code(0);
        assert_eq!(installed_version(&env), "1.10.2", "@{req}");
    }
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.10.2");
}

/// With `--pre`, the latest is the highest version among the newest releases, not the one made
/// last (a backport).
#[test]
fn pre_takes_the_highest_version_not_the_last_made() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "3.4.1");
    publish_simple(&env.server, "acme/widget", "2.9.14");
    env.run(&["install", "acme/widget", "--pre"]).expect_code(0);
    assert_eq!(installed_version(&env), "3.4.1");
}

/// A repository that releases several things under different tag forms (`api/v1.2.3` beside
/// `cli/v1.2.3`): a version must name which, never the highest across them; its plain tags
/// (`v1.0.0`) are its own product when it has them.
#[test]
fn a_repository_of_several_products_is_asked_which() {
    let env = TestEnv::new();
    publish_tagged(&env, "acme/platform", "cli/v1.2.3", "platform", "1.2.3");
    publish_tagged(&env, "acme/platform", "api/v1.2.3", "platform", "1.2.3");
    publish_tagged(&env, "acme/platform", "api/v1.4.0", "platform", "1.4.0");
    env.run(&["install", "acme/platform@1.2.3"])
        .expect_code(2)
        .stderr_has("releases several things")
        .stderr_has("the newest of each: api/v1.2.3, cli/v1.2.3")
        .stderr_has("`@api/v1.2.3`");
    env.run(&["install", "acme/platform@1"])
        .expect_code(2)
        .stderr_has("the newest of each: api/v1.4.0, cli/v1.2.3");
    assert!(env.snapshot().is_empty());
    env.run(&["install", "acme/platform@cli/v1.2.3"])
        .expect_code(0);
    assert_eq!(installed_version(&env), "1.2.3");

    let plain = TestEnv::new();
    publish_tagged(&plain, "acme/widget", "v1.0.0", "widget", "1.0.0");
    publish_tagged(&plain, "acme/widget", "sdk/v1.5.0", "widget", "1.5.0");
    plain.run(&["install", "acme/widget@1"]).expect_code(0);
    assert_eq!(installed_version(&plain), "1.0.0");
}

/// GitHub's "latest" may move to a backport (`v1.9.9`, published after `v2.0.0`): `upgrade`
/// never moves a tool down for it, and says why it stays.
/// Every release of a tool's series withdrawn: the tool is newer than anything its
/// requirement finds, as when "latest" moves back. `outdated` says so (exit 0, and 0 with
/// `--exit-code`), and `upgrade` (and its dry run) leaves it, saying why; both failed.
#[test]
fn a_withdrawn_series_is_newer_than_wanted_not_an_error() {
    let env = TestEnv::new();
    for version in ["1.0.0", "1.1.0", "2.0.0"] {
        publish_simple(&env.server, "acme/widget", version);
    }
    env.run(&["install", "acme/widget@1.1"]).expect_code(0);
    env.server.withdraw("acme/widget", "v1.1.0");
    let outdated = env.run(&["outdated", "--exit-code", "--json"]);
    outdated.expect_code(0);
    let row = &outdated.json()[0];
    assert_eq!(row["installed"], "1.1.0", "{row}");
    assert_eq!(row["wanted"], serde_json::Value::Null, "{row}");
    assert_eq!(row["outdated"], false, "{row}");
    assert_eq!(row["error"], serde_json::Value::Null, "{row}");
    let table = env.run(&["outdated"]);
    table.expect_code(0);
    assert!(
        table.stdout().contains("newer than wanted"),
        "{}",
        table.stdout()
    );
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("widget stays at 1.1.0: no release matches `1.1.x` now");
    env.run(&["upgrade"])
        .expect_code(0)
        .stderr_has("widget stays at 1.1.0: no release matches `1.1.x` now");
    assert_eq!(installed_version(&env), "1.1.0");
}

#[test]
fn upgrade_never_moves_a_tool_down() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "1.9.9");
    // `outdated` says why the wanted version is the older one, and the tool is not behind.
    let outdated = env.run(&["outdated", "--exit-code"]);
    outdated.expect_code(0);
    let row = outdated
        .stdout()
        .lines()
        .find(|l| l.starts_with("widget"))
        .unwrap_or_default()
        .to_owned();
    assert!(row.contains("newer than wanted"), "{}", outdated.stdout());
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("widget stays at 2.0.0: the newest release it finds, 1.9.9, is older");
    env.run(&["upgrade"])
        .expect_code(0)
        .stderr_has("widget stays at 2.0.0: the newest release it finds, 1.9.9, is older")
        .stderr_has("`haul install widget@v1.9.9` moves it there");
    assert_eq!(installed_version(&env), "2.0.0");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// Two releases of one version under two tags (`v1.2.3` and `1.2.3`, with other files): the
/// second is stored beside the first, never over it, and a rollback goes back to the first.
#[test]
fn two_tags_of_one_version_are_stored_apart() {
    let env = TestEnv::new();
    publish_tagged(&env, "acme/widget", "v1.2.3", "widget", "1.2.3");
    env.server
        .release("acme/widget", "1.2.3")
        .asset_with_digest(
            &host_asset("widget", "1.2.3", ".tar.gz"),
            &tar_gz_release("widget", "1.2.3-again"),
        )
        .publish();
    env.run(&["install", "acme/widget@v1.2.3"]).expect_code(0);
    // The series finds the release made last, tagged `1.2.3`.
    env.run(&["install", "acme/widget@1.2"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.2.3-again"))
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.home().join("records/widget.json")).unwrap())
            .unwrap();
    let tags: Vec<&str> = record["versions"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags.len(), 2, "{record}");
    env.run(&["rollback", "widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.2.3"))
    );
}

/// Two builds of one version (`v1.31.0+k3s1`, then `v1.31.0+k3s2`) are two releases: shown with
/// their build, reported as behind by `outdated`, and moved between by `upgrade`, its dry run
/// saying so; `@1.31.0+k3s1` names one without its `v`.
#[test]
fn builds_of_one_version_are_releases_of_their_own() {
    let env = TestEnv::new();
    publish_tagged(&env, "acme/widget", "v1.31.0+k3s1", "widget", "1.31.0+k3s1");
    env.run(&["install", "acme/widget@1.31"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.31.0+k3s1");
    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_eq!(row["outdated"], false, "{row}");

    publish_tagged(&env, "acme/widget", "v1.31.0+k3s2", "widget", "1.31.0+k3s2");
    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_eq!(row["outdated"], true, "{row}");
    assert_eq!(row["wanted"], "1.31.0+k3s2", "{row}");
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("widget 1.31.0+k3s1 to 1.31.0+k3s2");
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.31.0+k3s2"))
    );
    env.run(&["install", "acme/widget@1.31.0+k3s1"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.31.0+k3s1"))
    );
}

/// A tag that calls itself a prerelease (`v1.3.0-rc.1`) is one even when the release is not
/// flagged as one: the latest, a series or a range skips it, as `--pre` does not.
#[test]
fn a_release_named_as_a_prerelease_is_one() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.2.0");
    publish_simple(&env.server, "acme/widget", "1.3.0-rc.1");
    // GitHub's `/releases/latest` names the newest release not flagged: the `-rc.1`.
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.2.0", "latest");
    let row = &env.run(&["outdated", "--json"]).json()[0];
    assert_eq!(row["latest"], "1.2.0");
    assert_eq!(row["outdated"], false);
    for req in ["1", "1.x", "1.3", "^1.2"] {
        let run = env.run(&["install", &format!("acme/widget@{req}")]);
        if req == "1.3" {
            run.expect_code(1).stderr_has("no release matching");
        } else {
            run.expect_code(0);
            assert_eq!(installed_version(&env), "1.2.0", "@{req}");
        }
    }
    env.run(&["install", "acme/widget@1", "--pre"])
        .expect_code(0);
    assert_eq!(installed_version(&env), "1.3.0-rc.1");
}

/// A repository whose only releases name themselves prereleases, unflagged, has no latest
/// stable release: the message says so and how to take a prerelease.
#[test]
fn only_named_prereleases_ask_for_pre() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "0.9.0-beta.2");
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("--pre");
    env.run(&["install", "acme/widget", "--pre"]).expect_code(0);
    assert_eq!(installed_version(&env), "0.9.0-beta.2");
}

/// An exact version is the release of that tag: a server that answers `/releases/tags/v0.5.0`
/// with another release is not taken at its word.
#[test]
fn an_exact_version_is_the_release_of_its_tag() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "0.5.0");
    publish_simple(&env.server, "acme/widget", "6.6.6");
    let other = r#"{"tag_name": "v6.6.6", "prerelease": false, "draft": false, "assets": []}"#;
    env.server
        .file("/repos/acme/widget/releases/tags/v0.5.0", other.as_bytes());
    env.run(&["install", "acme/widget@0.5.0"]).expect_code(0);
    assert_eq!(installed_version(&env), "0.5.0");
}

/// A `/releases/latest` that answers with a prerelease (GitHub never does; a misbehaving
/// server or proxy may) is not taken at its word: the newest stable release is installed.
#[test]
fn a_latest_that_is_a_prerelease_is_not_trusted() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let asset = host_asset("widget", "2.0.0-rc.1", ".tar.gz");
    env.server
        .release("acme/widget", "v2.0.0-rc.1")
        .asset_with_digest(&asset, &tar_gz_release("widget", "2.0.0-rc.1"))
        .prerelease()
        .publish();
    let lying = r#"{"tag_name": "v2.0.0-rc.1", "prerelease": true, "draft": false, "assets": []}"#;
    env.server
        .file("/repos/acme/widget/releases/latest", lying.as_bytes());
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.0.0");
}

/// A newest release with no files (its workflow still uploading them) says so, and how to go
/// on; not that an asset should be chosen.
#[test]
fn a_release_without_files_says_so() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.server.release("acme/widget", "v2.0.0").publish();
    let run = env.run(&["install", "acme/widget"]);
    run.expect_code(1)
        .stderr_has("assets: (none)")
        .stderr_has("no files yet");
    assert!(!run.stderr().contains("--asset"), "{}", run.stderr());
    env.run(&["install", "acme/widget@1"]).expect_code(0);
}

/// An exact version finds a tag that leaves its zeros off (`@1.2.0` is `v1.2`).
#[test]
fn an_exact_version_finds_a_shorter_tag() {
    let env = TestEnv::new();
    publish_tagged(&env, "acme/widget", "v1.2", "widget", "1.2");
    publish_tagged(&env, "acme/widget", "v1.3", "widget", "1.3");
    env.run(&["install", "acme/widget@1.2.0"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.2"))
    );
}

/// A mistyped exact version (above every release) costs one page of the release list, not
/// ten: older pages hold older versions.
#[test]
fn a_mistyped_exact_version_costs_one_page() {
    let env = TestEnv::new();
    for minor in 0..150 {
        env.server
            .release("acme/widget", &format!("v1.{minor}.0"))
            .asset("notes.txt", b"x")
            .publish();
    }
    env.run(&["install", "acme/widget@9.9.9"])
        .expect_code(1)
        .stderr_has("no release matching `9.9.9`");
    // One page searched, and the ten newest asked for again to list them in the error.
    assert_eq!(env.server.hits("/repos/acme/widget/releases"), 2);
}

/// A server that holds fewer releases per page than haul asks for (Gitea caps `per_page` at 50,
/// some proxies lower) says in its `Link` header that more follow; a short page is not the end.
#[test]
fn a_server_with_shorter_pages_is_paged_through_by_its_link_header() {
    let env = TestEnv::new();
    env.server.cap_per_page(30);
    publish_simple(&env.server, "acme/widget", "1.0.0");
    for patch in 0..40 {
        env.server
            .release("acme/widget", &format!("v2.0.{patch}"))
            .asset("notes.txt", b"x")
            .publish();
    }
    env.run(&["install", "acme/widget@1"]).expect_code(0);
    assert_eq!(installed_version(&env), "1.0.0");
    assert_eq!(env.server.hits("/repos/acme/widget/releases"), 2);
}

/// A series or range looks through the newest 1,000 releases; one older than that is out of
/// its reach, and the error says so, and how to name it (its tag is looked up directly).
#[test]
fn a_release_older_than_the_newest_thousand_is_named_by_tag() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "0.1.0");
    for patch in 0..1000 {
        env.server
            .release("acme/widget", &format!("v1.0.{patch}"))
            .asset("notes.txt", b"x")
            .publish();
    }
    env.run(&["install", "acme/widget@0.1"])
        .expect_code(1)
        .stderr_has("no release of `acme/widget` among its newest 1000 matches `0.1.x`")
        .stderr_has("`@TAG`");
    env.run(&["install", "acme/widget@v0.1.0"]).expect_code(0);
    assert_eq!(installed_version(&env), "0.1.0");
}
