//! The network layer end to end: redirects and the token, mirror rules on every hop, size
//! limits, slow and silent servers, proxies, certificates, errors that say what to check,
//! moved repositories, `ETag`s and offline runs. Every server is on 127.0.0.1; a second one
//! stands for another origin.

use crate::self_update::{archive_name, copy_haul, newer, release_archive};
use crate::support::proxy::{self, Mode, Proxy};
use crate::support::server::{TEST_CA, sha256_hex};
use crate::support::{
    Fault, Run, Server, TestEnv, host_asset, program, publish_simple, tar_gz_release,
};

/// Run haul in `env` with more variables set.
fn run_with(env: &TestEnv, vars: &[(&str, &str)], args: &[&str]) -> Run {
    Run::of(env.command().envs(vars.iter().copied()).args(args))
}

/// Publish `acme/widget` 1.0.0 with its download listed on `env`'s server (the API's origin)
/// and return the asset's name, its download path and its bytes.
fn widget(env: &TestEnv) -> (String, String, Vec<u8>) {
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    let bytes = tar_gz_release("widget", "1.0.0");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .checksums("checksums.txt")
        .publish();
    let path = Server::download_path("acme/widget", "v1.0.0", &asset);
    (asset, path, bytes)
}

#[test]
fn the_token_never_follows_redirects_to_another_origin() {
    // The API redirects the download to another server (another port on the same host),
    // which redirects again within itself: neither hop there carries the token.
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    let other = Server::start();
    let (_, path, bytes) = widget(&env);
    other.file(&path, &bytes);
    env.server
        .redirect(&path, &format!("{}/hop{path}", other.url));
    other.redirect(&format!("/hop{path}"), &format!("{}{path}", other.url));

    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    let there = other.requests();
    assert_eq!(
        there.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(),
        vec![format!("/hop{path}"), path.clone()]
    );
    other.assert_authorization(None);
    // The API's own origin gets it, the first hop of the download included.
    env.server.assert_authorization(Some("Bearer s3cret"));
}

/// A file on another origin that redirects into the API's origin (a checksum file, a vendor's
/// version file) gets no token there: the token goes only to a chain of requests that began
/// at the API's origin. Else the other host would choose what authenticated answer haul
/// fetches, and see it quoted back in an error.
#[test]
fn a_redirect_into_the_api_origin_carries_no_token() {
    let files = Server::start();
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    env.server
        .release("acme/widget", "v1.0.0")
        .hosted_on(&files)
        .asset(&asset, &tar_gz_release("widget", "1.0.0"))
        .checksums("checksums.txt")
        .publish();
    files.redirect(
        &Server::download_path("acme/widget", "v1.0.0", "checksums.txt"),
        &format!("{}/repos/acme/widget", env.server.url),
    );
    env.run(&["install", "acme/widget"]).expect_code(4);
    let redirected = env.server.requests_to("/repos/acme/widget");
    assert_eq!(redirected.len(), 1, "{redirected:?}");
    env.server
        .requests()
        .iter()
        .filter(|r| r.path != "/repos/acme/widget")
        .for_each(|r| assert_eq!(r.header("authorization"), Some("Bearer s3cret"), "{r:?}"));
    assert_eq!(redirected[0].header("authorization"), None);
    files.assert_authorization(None);
}

#[test]
fn mirror_rules_apply_to_redirect_targets() {
    // The download redirects to a storage host this machine cannot reach; a mirror rule for
    // that host sends the request to the mirror instead.
    let env = TestEnv::new();
    let mirror = Server::start();
    let (_, path, bytes) = widget(&env);
    env.server.redirect(
        &path,
        &format!("https://objects.example.invalid/store{path}"),
    );
    mirror.file(&format!("/objects/store{path}"), &bytes);
    let env = env.env(
        "HAUL_MIRRORS",
        &format!("https://objects.example.invalid/={}/objects/", mirror.url),
    );
    let run = env.run(&["-v", "install", "acme/widget"]);
    run.expect_code(0)
        .stderr_has(&format!("GET {}/objects/store{path} → 200 in", mirror.url))
        .stderr_has(&format!(
            "(mirror of https://objects.example.invalid/store{path})"
        ));
    assert_eq!(mirror.hits(&format!("/objects/store{path}")), 1);
}

#[test]
fn self_update_keeps_the_token_on_the_api_origin_and_goes_through_mirrors() {
    // The release lists its downloads at a host this machine cannot reach (as GitHub's
    // `https://github.com/…/releases/download/…`); a mirror rule leads to another server, on
    // another port of the API's host, which must not see the token.
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    let files = Server::start();
    let version = newer();
    let (name, bytes) = (archive_name(), release_archive(&version));
    let sums = format!("{}  {name}\n", sha256_hex(&bytes));
    env.server
        .release("haul-cli/haul", &format!("v{version}"))
        .hosted_on(&files)
        .listed_at("https://github.example.invalid")
        .asset_with_digest(&name, &bytes)
        .asset("sha256.sum", sums.as_bytes())
        .publish();
    let env = env.env(
        "HAUL_MIRRORS",
        &format!("https://github.example.invalid/={}/", files.url),
    );
    let exe = copy_haul(&env, "haul-bin");
    env.run_exe(&exe, &["self", "update", "--yes"])
        .expect_code(0)
        .stderr_has("verified by sha256.sum and api-digest");
    let tag = format!("v{version}");
    let downloads: Vec<String> = files.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        downloads,
        vec![
            format!("/dl/haul-cli/haul/{tag}/sha256.sum"),
            format!("/dl/haul-cli/haul/{tag}/{name}"),
        ]
    );
    files.assert_authorization(None);
    env.server.assert_authorization(Some("Bearer s3cret"));
}

#[test]
fn an_endless_checksum_file_stops_at_the_metadata_limit() {
    let env = TestEnv::new().env("HAUL_MAX_METADATA_SIZE", "64KiB");
    widget(&env);
    let sums = Server::download_path("acme/widget", "v1.0.0", "checksums.txt");
    env.server.fault(&sums, &[Fault::Endless]);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("is larger than 64 KiB, the limit for API answers and checksum files")
        .stderr_has("raise `max-metadata-size` in the config file or `HAUL_MAX_METADATA_SIZE`");
    assert!(env.snapshot().is_empty());
    assert_eq!(env.server.hits(&sums), 1, "a limit is not retried");
}

#[test]
fn a_download_never_exceeds_the_size_the_api_lists() {
    let env = TestEnv::new();
    let (asset, path, _) = widget(&env);
    // An endless body where the API listed a few hundred bytes: not the file listed, so a
    // failed verification (exit 4).
    env.server.fault(&path, &[Fault::Endless]);
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_has(&format!("`{}{path}` is longer than the", env.server.url))
        .stderr_has("bytes listed for it");
    assert!(env.snapshot().is_empty());
    assert_eq!(env.staging_entries(), Vec::<String>::new());

    // A body shorter than the API's size is refused, checksum or not.
    let short = tar_gz_release("widget", "1.0.0")[..100].to_vec();
    env.server.replace_file(&path, short);
    let run = env.run(&["install", "acme/widget"]);
    run.expect_code(4).stderr_has("announces 100 bytes, but");
    assert!(!run.stderr().contains("checksum"), "{}", run.stderr());
    let _ = asset;
}

#[test]
fn downloads_are_capped_by_max_download_size() {
    let env = TestEnv::new().env("HAUL_MAX_DOWNLOAD_SIZE", "100");
    let (_, path, _) = widget(&env);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("is larger than 100 B, the limit for downloads")
        .stderr_has("raise `max-download-size` in the config file or `HAUL_MAX_DOWNLOAD_SIZE`");
    assert_eq!(env.server.hits(&path), 0, "refused before downloading");
}

#[test]
fn a_trickling_server_is_dropped_below_the_minimum_rate() {
    let env = TestEnv::new()
        .env("HAUL_MIN_SPEED", "1KiB")
        .env("HAUL_MIN_SPEED_TIME", "2");
    let (_, path, _) = widget(&env);
    // Headers, then a byte every 100 ms: 10 B/s.
    env.server.fault(&path, &[Fault::Trickle(100)]);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("slower than the minimum of 1 KiB/s for 2 s")
        .stderr_has(&format!(
            "waiting for {}…",
            env.server.url.trim_start_matches("http://")
        ))
        .stderr_has("below the minimum of 1 KiB/s")
        .stderr_has("`HAUL_MIN_SPEED`");
    assert!(env.snapshot().is_empty());
}

#[test]
fn a_silent_server_times_out_and_says_so_while_waiting() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "2");
    widget(&env);
    let latest = "/repos/acme/widget/releases/latest";
    env.server.fault(latest, &[Fault::Silent, Fault::Silent]);
    let host = env.server.url.trim_start_matches("http://").to_owned();
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has(&format!("waiting for {host}… (no answer for 1 s)"))
        .stderr_has(&format!("`{host}` sent nothing for 2 s"))
        .stderr_has("raise `timeout` in the config file or `HAUL_TIMEOUT` (now 2 s)");
    assert_eq!(env.server.hits(latest), 2, "a timeout is tried once more");
}

#[test]
fn a_download_that_stalls_half_way_resumes_after_the_timeout() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "2");
    let (_, path, _) = widget(&env);
    env.server.fault(&path, &[Fault::Hang]);
    env.run(&["install", "acme/widget"])
        .expect_code(0)
        .stderr_has("waiting for");
    let ranges: Vec<Option<String>> = env
        .server
        .requests_to(&path)
        .iter()
        .map(|r| r.header("range").map(str::to_owned))
        .collect();
    assert_eq!(ranges.len(), 2);
    assert!(
        ranges[1]
            .as_deref()
            .is_some_and(|r| r.starts_with("bytes="))
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// A download that stalls on a server that cannot resume fails with what happened (the
/// silence, and the setting that bounds it), not only with "cannot resume".
#[test]
fn a_stall_on_a_server_that_cannot_resume_says_so() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "2");
    let (_, path, _) = widget(&env);
    env.server.without_ranges();
    env.server.fault(&path, &[Fault::Hang]);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("sent nothing for 2 s")
        .stderr_has("the server cannot resume the download")
        .stderr_has("HAUL_TIMEOUT");
    assert_eq!(env.installed_bytes("widget"), None);
}

#[test]
fn one_stalled_server_does_not_hold_the_other_installs() {
    let env = TestEnv::new().env("HAUL_TIMEOUT", "2");
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "2.0.0");
    let (_, path, _) = widget(&env);
    env.server.fault(&path, &[Fault::Hang, Fault::Hang]);
    env.run(&["install", "acme/widget", "acme/alpha", "acme/beta"])
        .expect_code(3)
        .stderr_has("sent nothing for 2 s")
        .stderr_has("1 of 3 tools failed: acme/widget");
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), Some(program("beta", "2.0.0")));
    assert_eq!(env.installed_bytes("widget"), None);
}

#[test]
fn a_wrong_api_url_names_the_url_asked() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let wrong = format!("{}/nope", env.server.url);
    let env = env.env("HAUL_GITHUB_API_URL", &wrong);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("no GitHub repository `acme/widget`")
        .stderr_has(&format!("`{wrong}/repos/acme/widget` answered 404"))
        .stderr_has(&format!(
            "`HAUL_GITHUB_API_URL` (or `github-api-url`) points at a GitHub REST API (it is `{wrong}`)"
        ));
}

#[test]
fn a_refused_connection_names_the_host_and_what_to_check() {
    let dead = proxy::dead_url();
    let env = TestEnv::new().env("HAUL_GITHUB_API_URL", &dead);
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has(&format!(
            "cannot connect to `{}`: the connection was refused",
            dead.trim_start_matches("http://")
        ))
        .stderr_has("check that a server runs at that host and port (`HAUL_GITHUB_API_URL`");
}

#[test]
fn an_unknown_certificate_authority_says_how_to_trust_it() {
    let tls = Server::start_tls();
    publish_simple(&tls, "acme/widget", "1.0.0");
    let env = TestEnv::new().env("HAUL_GITHUB_API_URL", &tls.url);
    let run = env.run(&["install", "acme/widget"]);
    run.expect_code(1)
        .stderr_has("the certificate of `127.0.0.1` is not trusted")
        .stderr_has("set `SSL_CERT_FILE` to that CA's certificate");
    // Elsewhere the operating system's verifier words the reason.
    if cfg!(target_os = "linux") {
        run.stderr_has("signed by an unknown certificate authority (UnknownIssuer)");
    }
    assert_eq!(tls.connections(), 1, "a certificate error is not retried");

    // SSL_CERT_FILE adds the CA to what haul trusts.
    let env = env.env("SSL_CERT_FILE", TEST_CA);
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );

    // One that names no file is an error, never silently ignored.
    let missing = env.dir.path().join("missing.pem");
    let env = env.env("SSL_CERT_FILE", missing.to_str().unwrap());
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(2)
        .stderr_has(&format!("`SSL_CERT_FILE` names `{}`", missing.display()));
}

#[test]
fn requests_go_through_the_proxy_and_v_shows_each() {
    let env = TestEnv::new();
    let (_, path, _) = widget(&env);
    let proxy = Proxy::start(Mode::Forward);
    let with_credentials = proxy.url.replace("http://", "http://bob:hunter2@");
    let env = env.env("HTTP_PROXY", &with_credentials).env("NO_PROXY", "");
    let run = env.run(&["-v", "install", "acme/widget"]);
    run.expect_code(0)
        .stderr_has(&format!(
            "GET {}/repos/acme/widget/releases/latest → 200 in",
            env.server.url
        ))
        .stderr_has(&format!(
            "via proxy `{}` (from `HTTP_PROXY`)",
            proxy.url.replace("http://", "http://***@")
        ));
    assert!(!run.stderr().contains("hunter2"), "{}", run.stderr());
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|s| s.target == format!("{}{path}", env.server.url)),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .all(|s| s.header("proxy-authorization").is_some())
    );
}

#[test]
fn no_proxy_star_bypasses_the_proxy_for_addresses_too() {
    // TestEnv sets NO_PROXY=*; the proxy here does not exist, and is never tried.
    let env = TestEnv::new().env("HTTP_PROXY", &proxy::dead_url());
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
}

#[test]
fn proxy_failures_name_the_proxy_and_its_variable() {
    let env = TestEnv::new().env("NO_PROXY", "");
    publish_simple(&env.server, "acme/widget", "1.0.0");

    // Nothing listens where the proxy should be: not retried, and not blamed on the server.
    let dead = proxy::dead_url();
    run_with(&env, &[("HTTP_PROXY", &dead)], &["install", "acme/widget"])
        .expect_code(1)
        .stderr_has(&format!(
            "cannot connect to the proxy `{dead}` (from `HTTP_PROXY`)"
        ))
        .stderr_has("check `HTTP_PROXY`");

    // A proxy that wants credentials, over plain HTTP; the ones given are never printed.
    let wants = Proxy::start(Mode::WantsCredentials);
    let url = wants.url.replace("http://", "http://bob:hunter2@");
    let run = run_with(&env, &[("http_proxy", &url)], &["install", "acme/widget"]);
    // Windows spells environment variables in any case; haul names the uppercase one there.
    let var = if cfg!(windows) {
        "HTTP_PROXY"
    } else {
        "http_proxy"
    };
    run.expect_code(1)
        .stderr_has(&format!(
            "the proxy `{}` (from `{var}`) asks for credentials (HTTP 407)",
            wants.url.replace("http://", "http://***@")
        ))
        .stderr_has(&format!(
            "the proxy refused the user and password in `{var}`"
        ));
    assert!(!run.stderr().contains("hunter2"), "{}", run.stderr());
    assert_eq!(wants.seen().len(), 1, "not retried");

    // A proxy that refuses the tunnel to an HTTPS host.
    let refuses = Proxy::start(Mode::RefuseTunnels);
    run_with(
        &env,
        &[
            ("HTTPS_PROXY", &refuses.url),
            ("HAUL_GITHUB_API_URL", "https://api.github.example"),
        ],
        &["install", "acme/widget"],
    )
    .expect_code(1)
    .stderr_has(&format!(
        "the proxy `{}` (from `HTTPS_PROXY`) refused to connect to `api.github.example:443`",
        refuses.url
    ))
    .stderr_has("`NO_PROXY`");
    assert_eq!(refuses.seen().len(), 1, "not retried");
    assert_eq!(refuses.seen()[0].method, "CONNECT");

    // A proxy haul cannot talk to is named with its variable.
    run_with(
        &env,
        &[("ALL_PROXY", "ftp://proxy.example:21")],
        &["install", "acme/widget"],
    )
    .expect_code(2)
    .stderr_has("`ALL_PROXY` is `ftp://proxy.example:21`, a proxy haul cannot use");
}

#[test]
fn mirror_credentials_are_never_printed() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let mirror = Server::start();
    let to = mirror.url.replace("http://", "http://art:t0psecret@");
    let rules = format!("{}/dl/={to}/github/", env.server.url);
    let env = env.env("HAUL_MIRRORS", &rules);
    let run = env.run(&["-v", "install", "acme/widget"]);
    run.expect_code(1)
        .stderr_has("was not found (HTTP 404)")
        .stderr_has(&format!(
            "the mirror rule `{}/dl/` → `{}/github/` rewrote `{}/dl/acme/widget/",
            env.server.url,
            mirror.url.replace("http://", "http://***@"),
            env.server.url
        ))
        .stderr_has("check that the mirror holds this file");
    assert!(!run.stderr().contains("t0psecret"), "{}", run.stderr());
    assert!(
        mirror.requests().iter().all(|r| r
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))),
        "the mirror's own credentials go to the mirror"
    );
}

#[test]
fn a_mirror_rule_that_would_glue_paths_is_refused() {
    let env = TestEnv::new().env("HAUL_MIRRORS", "https://dl.k8s.io/=http://127.0.0.1:9/k8s");
    env.run(&["install", "acme/widget"])
        .expect_code(2)
        .stderr_has("would build wrong URLs")
        .stderr_has("end both in `/`");
}

#[test]
fn a_moved_repository_is_followed_with_a_warning() {
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    publish_simple(&env.server, "newco/widget", "1.0.0");
    env.server.moved("oldco/widget", "newco/widget");
    env.run(&["install", "oldco/widget"])
        .expect_code(0)
        .stderr_has("the GitHub repository `oldco/widget` has moved to `newco/widget`");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    let followed: Vec<_> = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/repositories/"))
        .collect();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].header("authorization"), Some("Bearer s3cret"));
}

#[test]
fn api_answers_are_revalidated_with_their_etag_and_kept_for_offline_runs() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let latest = "/repos/acme/widget/releases/latest";
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.run(&["install", "acme/widget"]).expect_code(0);
    let asked = env.server.requests_to(latest);
    assert_eq!(asked.len(), 2);
    assert!(asked[0].header("if-none-match").is_none());
    assert!(asked[1].header("if-none-match").is_some());
    assert_eq!((asked[0].status, asked[1].status), (200, 304));

    // Offline: the kept answer says it is installed; nothing reaches the server.
    let before = env.server.requests().len();
    let offline = env.env("HAUL_OFFLINE", "1");
    offline.run(&["install", "acme/widget"]).expect_code(0);
    publish_simple(&offline.server, "acme/other", "1.0.0");
    offline
        .run(&["install", "acme/other"])
        .expect_code(1)
        .stderr_has("haul is offline (`HAUL_OFFLINE`), so it cannot fetch")
        .stderr_has("/repos/acme/other/releases/latest");
    assert_eq!(
        offline.server.requests().len(),
        before,
        "no request when offline"
    );
}

/// A kept answer that no longer reads (a damaged cache) is as good as none: it is asked for in
/// full again, not revalidated with its `ETag` and then failed on for good.
#[test]
fn a_damaged_cached_answer_is_asked_for_again() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let latest = "/repos/acme/widget/releases/latest";
    env.run(&["install", "acme/widget"]).expect_code(0);
    let entries: Vec<_> = std::fs::read_dir(env.cache_dir().join("api"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(!entries.is_empty());
    for path in &entries {
        let mut entry: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        entry["body"] = "garbage{".into();
        std::fs::write(path, entry.to_string()).unwrap();
    }
    for _ in 0..2 {
        env.run(&["outdated"]).expect_code(0);
    }
    let asked = env.server.requests_to(latest);
    assert_eq!(asked.len(), 3);
    // Damaged: asked in full and kept again; the run after revalidates what was kept.
    assert!(asked[1].header("if-none-match").is_none());
    assert_eq!(asked[1].status, 200);
    assert!(asked[2].header("if-none-match").is_some());
    assert_eq!(asked[2].status, 304);
}

#[test]
fn a_socks5_proxy_is_used() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let socks = Proxy::start(Mode::Socks5);
    let url = socks.url.replace("http://", "socks5://");
    let env = env.env("ALL_PROXY", &url).env("NO_PROXY", "");
    env.run(&["-v", "install", "acme/widget"])
        .expect_code(0)
        .stderr_has(&format!("via proxy `{url}` (from `ALL_PROXY`)"));
    let port = env.server.url.rsplit(':').next().unwrap().to_owned();
    let seen = socks.seen();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|s| s.method == "CONNECT" && s.target == format!("127.0.0.1:{port}")),
        "{seen:?}"
    );
}

/// Credentials written into the API URL (a GitHub Enterprise behind basic auth) are sent, but
/// never shown: not by `doctor --json`, not in an error about the API's answer, and not in the
/// `ETag` cache.
#[test]
fn credentials_in_the_api_url_are_never_shown_or_kept() {
    let secret = "api-s3cret";
    let with_credentials =
        |url: &str| url.replacen("http://", &format!("http://apiuser:{secret}@"), 1);
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let api = with_credentials(&env.server.url);
    let env = env.env("HAUL_GITHUB_API_URL", &api);
    env.run(&["install", "acme/widget"]).expect_code(0);
    let doctor = env.run(&["doctor", "--json"]);
    assert!(!doctor.stdout().contains(secret), "{}", doctor.stdout());
    assert!(
        doctor.json()["github_api_url"]
            .as_str()
            .unwrap()
            .starts_with("http://***@127.0.0.1:")
    );
    let mut kept = 0;
    for entry in std::fs::read_dir(env.cache_dir().join("api")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(secret), "{text}");
        kept += 1;
    }
    assert!(kept > 0, "the install kept its API answers");

    // An answer that is not the API's names the URL, without the credentials.
    let root = tempfile::tempdir().unwrap();
    let latest = root.path().join("repos/acme/broken/releases");
    std::fs::create_dir_all(&latest).unwrap();
    std::fs::write(latest.join("latest"), "<html>a login page</html>").unwrap();
    let html = Server::serve_dir(root.path());
    let env = TestEnv::new().env("HAUL_GITHUB_API_URL", &with_credentials(&html.url));
    let run = env.run(&["install", "acme/broken"]);
    run.expect_code(1)
        .stderr_has("unexpected answer from the GitHub API at `http://***@127.0.0.1:");
    assert!(!run.stderr().contains(secret), "{}", run.stderr());
}
