//! Every checksum source a release can offer, in haul's order, and what a mismatch does.

use crate::support::server::sha256_hex;
use crate::support::{TestEnv, asset_and_bytes, program, tar_gz_release, verified_by};

#[test]
fn api_digest() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    assert_eq!(verified_by(&env, &["install", "acme/widget"]), "api-digest");
}

#[test]
fn dist_manifest() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let manifest = serde_json::json!({
        "dist_version": "0.34.0",
        "artifacts": { asset.clone(): { "name": asset, "kind": "executable-zip",
            "checksums": { "sha256": sha256_hex(&bytes) } } }
    });
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset("dist-manifest.json", manifest.to_string().as_bytes())
        .publish();
    assert_eq!(
        verified_by(&env, &["install", "acme/widget"]),
        "dist-manifest.json"
    );
}

#[test]
fn per_asset_sha256_files() {
    for (suffix, body) in [
        (".sha256", "{hash}  {asset}\n"),
        (".sha256sum", "{hash} *{asset}\r\n"),
        (".sha256", "{hash}\n"),
    ] {
        let env = TestEnv::new();
        let (asset, bytes) = asset_and_bytes("1.0.0");
        let text = body
            .replace("{hash}", &sha256_hex(&bytes))
            .replace("{asset}", &asset);
        let name = format!("{asset}{suffix}");
        env.server
            .release("acme/widget", "v1.0.0")
            .asset(&asset, &bytes)
            .asset(&name, text.as_bytes())
            .publish();
        assert_eq!(
            verified_by(&env, &["install", "acme/widget"]),
            name.as_str(),
            "{suffix}: {body}"
        );
    }
}

#[test]
fn release_wide_checksum_files() {
    for name in [
        "checksums.txt",
        "SHA256SUMS",
        "widget_1.0.0_checksums.txt",
        "widget-1.0.0-sha256sums.txt",
    ] {
        let env = TestEnv::new();
        let (asset, bytes) = asset_and_bytes("1.0.0");
        env.server
            .release("acme/widget", "v1.0.0")
            .asset("other-tool.tar.gz", b"another asset")
            .asset(&asset, &bytes)
            .checksums(name)
            .publish();
        assert_eq!(
            verified_by(&env, &["install", "acme/widget"]),
            name,
            "{name}"
        );
    }
}

/// A checksum file that gives the asset something that is not a checksum of the algorithm it
/// says fails verification (exit 4); it is not skipped to install the download unverified.
/// `widget-1.0.0.sha256` beside the source `widget-1.0.0.tar.gz` is named for that file, but
/// may list every build of widget 1.0.0: when nothing else names the asset, it is read as a
/// list. What it says is checked (a wrong hash exits 4); the source's bare hash vouches for
/// nothing, and the install goes on unverified, as before.
#[test]
fn a_file_named_for_the_source_that_lists_the_asset_vouches_for_it() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let source = b"source tarball".to_vec();
    let name = "widget-1.0.0.sha256";
    let publish = |env: &TestEnv, text: String| {
        env.server
            .release("acme/widget", "v1.0.0")
            .asset("widget-1.0.0.tar.gz", &source)
            .asset(name, text.as_bytes())
            .asset(&asset, &bytes)
            .publish();
    };
    let env = TestEnv::new();
    publish(
        &env,
        format!(
            "{}  widget-1.0.0.tar.gz\n{}  {asset}\n",
            sha256_hex(&source),
            sha256_hex(&bytes)
        ),
    );
    assert_eq!(verified_by(&env, &["install", "acme/widget"]), name);

    let env = TestEnv::new();
    publish(
        &env,
        format!("{}  {asset}\n", sha256_hex(b"something else")),
    );
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_has(&format!("checksum mismatch for `{asset}`"))
        .stderr_has(name);
    assert!(env.run(&["list", "--json"]).json()[0].is_null());

    let env = TestEnv::new();
    publish(&env, format!("{}\n", sha256_hex(&source)));
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("using it unverified");
}

#[test]
fn a_malformed_checksum_in_a_file_is_not_skipped() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let short = &sha256_hex(&bytes)[1..];
    let manifest = serde_json::json!({
        "artifacts": { asset.clone(): { "checksums": { "sha256": "not-a-hash" } } }
    });
    for (name, text) in [
        (format!("{asset}.sha256"), format!("{short}  {asset}\n")),
        ("SHA256SUMS".to_owned(), format!("{short}  {asset}\n")),
        // A name that says no algorithm may list other algorithms' hashes, but a SHA-256 a
        // digit short is no algorithm's.
        ("checksums.txt".to_owned(), format!("{short}  {asset}\n")),
        ("dist-manifest.json".to_owned(), manifest.to_string()),
    ] {
        let env = TestEnv::new();
        env.server
            .release("acme/widget", "v1.0.0")
            .asset(&asset, &bytes)
            .asset(&name, text.as_bytes())
            .publish();
        env.run(&["install", "acme/widget"])
            .expect_code(4)
            .stderr_has(&format!(
                "the checksum for `{asset}` from {name} is malformed"
            ));
        assert!(env.snapshot().is_empty(), "{name}");
    }
}

#[test]
fn the_digest_and_a_checksum_file_both_vouch() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &bytes)
        .checksums("checksums.txt")
        .publish();
    // Both are asked, so that one cannot vouch alone for what the other contradicts.
    assert_eq!(
        verified_by(&env, &["install", "acme/widget"]),
        "api-digest, checksums.txt"
    );
    assert_eq!(env.server.hits("/dl/acme/widget/v1.0.0/checksums.txt"), 1);
}

/// `acme/widget` v1.0.0 with no checksum at all; the asset's name.
fn publish_unverified(env: &TestEnv) -> String {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .publish();
    asset
}

#[test]
fn no_checksum_warns_and_installs() {
    let env = TestEnv::new();
    let asset = publish_unverified(&env);
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_is(
            &env,
            &format!(
                "warning: no checksum covers `{asset}` in acme/widget v1.0.0; using it unverified
   Installed widget 1.0.0 (acme/widget; unverified): widget[EXE]
warning: `[TMP]/bin` is not on PATH; add `eval \"$(haul env)\"` to your shell's profile"
            ),
        );
    let list = env.run(&["list", "--json"]);
    assert_eq!(list.json()[0]["verified_by"], serde_json::Value::Null);
}

/// What `--require-checksum` (or `require-checksum = true`) says about `asset`.
fn checksum_required(asset: &str) -> String {
    format!(
        "error: installing `widget` from `{asset}`
  caused by: no checksum covers `{asset}` in release v1.0.0
  caused by: checksums are required (`--require-checksum` or `require-checksum = true`)
  hint: pass `--no-require-checksum` to accept an unverified download"
    )
}

#[test]
fn require_checksum_refuses_unverified() {
    let env = TestEnv::new();
    let asset = publish_unverified(&env);
    env.run(&["install", "acme/widget", "--require-checksum"])
        .expect_code(4)
        .stderr_is(&env, &checksum_required(&asset));
    assert!(env.snapshot().is_empty());
}

#[test]
fn require_checksum_in_the_config_refuses_unverified() {
    let env = TestEnv::new();
    let asset = publish_unverified(&env);
    std::fs::write(env.config_path(), "require-checksum = true\n").unwrap();
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_is(&env, &checksum_required(&asset));
    assert!(env.snapshot().is_empty());
}

#[test]
fn require_checksum_fails_when_files_do_not_name_the_asset() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset("unrelated.tar.gz", b"x")
        .checksums("checksums.txt")
        .asset(&asset, &bytes)
        .publish();
    env.run(&["install", "acme/widget", "--require-checksum"])
        .expect_code(4)
        .stderr_is(&env, &checksum_required(&asset));
    assert!(env.snapshot().is_empty());
}

#[test]
fn mismatch_exits_4_and_changes_nothing() {
    let env = TestEnv::new();
    // A good 1.0.0 first.
    let (asset1, bytes1) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset1, &bytes1)
        .publish();
    env.run(&["install", "acme/widget"]).expect_code(0);
    let before = env.snapshot();

    // 2.0.0's checksum file does not match what is served.
    let (asset2, bytes2) = asset_and_bytes("2.0.0");
    env.server
        .release("acme/widget", "v2.0.0")
        .asset(&asset2, &bytes2)
        .checksums("checksums.txt")
        .publish();
    let served = tar_gz_release("widget", "6.6.6");
    env.server.replace_file(
        &crate::support::Server::download_path("acme/widget", "v2.0.0", &asset2),
        served.clone(),
    );
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset2}`
  caused by: checksum mismatch for `{asset2}`
  caused by: expected sha256:{} (from checksums.txt)
  caused by: got      sha256:{}
  hint: nothing was installed; the download or the release is corrupt or was tampered with",
                sha256_hex(&bytes2),
                sha256_hex(&served)
            ),
        );
    assert_eq!(env.snapshot(), before, "the installed 1.0.0 is untouched");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    assert_eq!(
        env.staging_entries(),
        Vec::<String>::new(),
        "staging left behind"
    );
}

/// Checksum files as other tools write them still catch a download that is not what the
/// release published: UTF-16 from Windows PowerShell, OpenSSL's `SHA256(NAME)= HASH`, a
/// per-asset file hashed from a pipe (`HASH  -`), and a dist-manifest.json whose entry for
/// another artifact is odd.
#[test]
fn checksum_files_in_other_tools_layouts_catch_a_swapped_download() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let hash = sha256_hex(&bytes);
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(
            format!("{hash}  {asset}\r\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let manifest = serde_json::json!({
        "artifacts": {
            "source.tar.gz": { "checksums": { "sha256": null } },
            asset.clone(): { "checksums": { "sha256": hash } },
        }
    });
    for (name, text) in [
        ("checksums.txt".to_owned(), utf16),
        (
            "SHA256SUMS".to_owned(),
            format!("SHA256({asset})= {hash}\n").into_bytes(),
        ),
        (
            format!("{asset}.sha256"),
            format!("{hash}  -\n").into_bytes(),
        ),
        (
            "dist-manifest.json".to_owned(),
            manifest.to_string().into_bytes(),
        ),
    ] {
        let env = TestEnv::new();
        env.server
            .release("acme/widget", "v1.0.0")
            .asset(&asset, &bytes)
            .asset(&name, &text)
            .publish();
        env.server.replace_file(
            &crate::support::Server::download_path("acme/widget", "v1.0.0", &asset),
            tar_gz_release("widget", "6.6.6"),
        );
        env.run(&["install", "acme/widget"])
            .expect_code(4)
            .stderr_has(&format!("checksum mismatch for `{asset}`"))
            .stderr_has(&format!("(from {name})"));
        assert!(env.snapshot().is_empty(), "{name}");
    }
}

#[test]
fn mismatch_against_the_api_digest() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let wrong = format!("sha256:{}", "0".repeat(64));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_given_digest(&asset, &bytes, &wrong)
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: checksum mismatch for `{asset}`
  caused by: expected {wrong} (from api-digest)
  caused by: got      sha256:{}
  hint: nothing was installed; the download or the release is corrupt or was tampered with",
                sha256_hex(&bytes)
            ),
        );
    assert!(env.snapshot().is_empty());
}

#[test]
fn a_digest_and_a_checksum_file_that_disagree_are_refused() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let other = format!("sha256:{}", "ab".repeat(32));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_given_digest(&asset, &bytes, &other)
        .checksums("checksums.txt")
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: installing `widget` from `{asset}`
  caused by: the checksums for `{asset}` disagree
  caused by: api-digest says {other}
  caused by: checksums.txt says sha256:{}
  hint: nothing was installed; a release that contradicts itself cannot vouch for its files. Report it to the tool's authors",
                sha256_hex(&bytes)
            ),
        );
    assert!(env.snapshot().is_empty());
}

/// `haul exec` stores a version it does not have, under the same checksum rule as install,
/// and takes the same flag to relax it.
/// A version stored unverified is not reused as it is where checksums are required (`install`
/// and `exec` refuse it, and change nothing), and once its release publishes a checksum file,
/// installing it again verifies it: bytes the checksum does not name are refused (exit 4).
#[test]
fn a_version_stored_unverified_is_verified_before_it_is_reused() {
    let env = TestEnv::new();
    let asset = publish_unverified(&env);
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    let before = env.snapshot();
    for args in [
        &["install", "acme/widget@1.0.0", "--require-checksum"][..],
        &[
            "exec",
            "acme/widget@1.0.0",
            "--require-checksum",
            "--",
            "--version",
        ][..],
    ] {
        env.run(args)
            .expect_code(4)
            .stderr_has(&format!("no checksum covers `{asset}`"));
        assert_eq!(env.snapshot(), before, "{args:?}");
    }
    // The release now publishes a checksum file for other bytes than those stored.
    let other = tar_gz_release("widget", "1.0.1");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &other)
        .checksums("checksums.txt")
        .publish();
    env.server.replace_file(
        &crate::support::Server::download_path("acme/widget", "v1.0.0", &asset),
        tar_gz_release("widget", "1.0.0"),
    );
    env.run(&["install", "acme/widget@1.0.0"])
        .expect_code(4)
        .stderr_has(&format!("checksum mismatch for `{asset}`"));
    assert_eq!(env.snapshot(), before);
    // With the bytes the checksum names, the version is stored again, verified.
    env.server.replace_file(
        &crate::support::Server::download_path("acme/widget", "v1.0.0", &asset),
        other,
    );
    assert_eq!(
        verified_by(&env, &["install", "acme/widget@1.0.0"]),
        "checksums.txt"
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.1"))
    );
}

/// A version stored unverified whose release still offers no checksum for it is reused as it
/// is: only the checksum files are fetched again, not the download.
#[test]
fn a_version_stored_unverified_is_not_downloaded_again_for_nothing() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let other = "widget-1.0.0-source.tar.gz";
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset(
            "checksums.txt",
            format!("{}  {other}\n", sha256_hex(b"x")).as_bytes(),
        )
        .publish();
    env.run(&["install", "acme/widget@1.0.0"])
        .expect_code(0)
        .stderr_has("using it unverified");
    env.run(&["install", "acme/widget@1.0.0"])
        .expect_code(0)
        .stderr_has("already installed");
    let download = crate::support::Server::download_path("acme/widget", "v1.0.0", &asset);
    assert_eq!(env.server.hits(&download), 1);
}

/// Where checksums are required, no command makes a version stored unverified active again:
/// `rollback` refuses it (exit 4), and `uninstall --force` of the active version passes over
/// it, leaving nothing active.
#[test]
fn required_checksums_keep_unverified_versions_from_becoming_active() {
    let env = TestEnv::new();
    publish_unverified(&env);
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    let (asset, bytes) = asset_and_bytes("2.0.0");
    env.server
        .release("acme/widget", "v2.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    env.run(&["install", "acme/widget@2.0.0"]).expect_code(0);
    std::fs::write(env.config_path(), "require-checksum = true\n").unwrap();
    let before = env.snapshot();
    env.run(&["rollback", "widget"])
        .expect_code(4)
        .stderr_has("`widget` 1.0.0 was stored unverified, and checksums are required");
    assert_eq!(env.snapshot(), before);
    env.run(&["uninstall", "widget@2.0.0", "--force"])
        .expect_code(0)
        .stderr_has("no version of `widget` is active now: those left were stored unverified");
    let list = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(list[0]["version"], "1.0.0", "{list}");
    assert_eq!(list[0]["active"], false, "{list}");
    assert_eq!(env.installed_bytes("widget"), None);
    env.run(&["list"])
        .expect_code(0)
        .stderr_has("no tools active; 1 tool stored with no version active");
}

#[test]
fn exec_follows_the_checksum_rule_and_its_flag() {
    let env = TestEnv::new();
    let asset = publish_unverified(&env);
    std::fs::write(env.config_path(), "require-checksum = true\n").unwrap();
    env.run(&["exec", "acme/widget@1.0.0"])
        .expect_code(4)
        .stderr_is(&env, &checksum_required(&asset));
    assert!(env.snapshot().is_empty());

    let run = env.run(&["exec", "--no-require-checksum", "acme/widget@1.0.0"]);
    let stderr = run.stderr();
    assert!(
        stderr.contains(&format!(
            "warning: no checksum covers `{asset}` in acme/widget v1.0.0; using it unverified"
        )) && stderr.contains("Stored widget 1.0.0 (not made active)"),
        "{stderr}"
    );
    let list = env.run(&["list", "--all", "--json"]);
    assert_eq!(list.json()[0]["version"], "1.0.0");
    assert_eq!(list.json()[0]["active"], false);
}

/// When stdout cannot take the JSON (the reader of the pipe gone, a full disk), the install's
/// own result stands: a checksum mismatch still exits 4 and says so; an install that was done
/// is not called failed by a reader that went away, and a full disk is said as such.
#[test]
fn a_failed_write_to_stdout_never_hides_the_result() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .checksums("checksums.txt")
        .publish();
    env.server.replace_file(
        &crate::support::Server::download_path("acme/widget", "v1.0.0", &asset),
        tar_gz_release("widget", "6.6.6"),
    );
    let gone_reader = |args: &[&str]| {
        let mut child = env
            .command()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = gone_reader(&["install", "--json", "acme/widget"]);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(env.snapshot().is_empty());

    publish_unverified(&env);
    let (code, stderr) = gone_reader(&["install", "--json", "acme/widget@1.0.0"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");

    if cfg!(target_os = "linux") {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = env
            .command()
            .args(["list", "--json"])
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("writing to stdout"), "{stderr}");
    }
}
