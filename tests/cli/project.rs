//! One tool set for a team: `haul.toml`, a `haul.lock` for every platform, `sync` from the lock
//! alone, mirror directories, and the inventory.

use crate::support::archive;
use crate::support::server::sha256_hex;
use crate::support::{EXE, Server, TestEnv, asset_and_bytes, program, tar_gz_release};

/// The five platforms a lock covers by default, as release assets name them.
const TRIPLES: [(&str, &str); 5] = [
    ("linux-x86_64", "x86_64-unknown-linux-musl"),
    ("linux-aarch64", "aarch64-unknown-linux-musl"),
    ("macos-x86_64", "x86_64-apple-darwin"),
    ("macos-aarch64", "aarch64-apple-darwin"),
    ("windows-x86_64", "x86_64-pc-windows-msvc"),
];

#[derive(Clone, Copy, PartialEq)]
enum Vouch {
    ChecksumFile,
    ApiDigest,
    Nothing,
}

fn asset_name(tool: &str, version: &str, triple: &str) -> String {
    let ext = if triple.contains("windows") {
        ".zip"
    } else {
        ".tar.gz"
    };
    format!("{tool}-{version}-{triple}{ext}")
}

/// The archive of `tool` `version` for `triple`, whose program prints `tool says`.
fn archive_for(tool: &str, version: &str, triple: &str, says: &str) -> Vec<u8> {
    let program = program(tool, says);
    if triple.contains("windows") {
        let name = format!("{tool}.exe");
        archive::zip(&[archive::exe(&name, &program)])
    } else {
        let path = format!("{tool}-{version}/{tool}");
        archive::gz(&archive::tar(&[archive::exe(&path, &program)]))
    }
}

/// A release of `repo` with a build for each of the five platforms, vouched for as `vouch` says.
fn publish(server: &Server, repo: &str, version: &str, vouch: Vouch) -> Vec<String> {
    publish_saying(server, repo, version, vouch, version)
}

/// The same, with programs that print `says` for their version.
fn publish_saying(
    server: &Server,
    repo: &str,
    version: &str,
    vouch: Vouch,
    says: &str,
) -> Vec<String> {
    let tool = repo.split('/').nth(1).unwrap();
    let mut release = server.release(repo, &format!("v{version}"));
    let mut names = Vec::new();
    for (_, triple) in TRIPLES {
        let name = asset_name(tool, version, triple);
        let bytes = archive_for(tool, version, triple, says);
        release = match vouch {
            Vouch::ApiDigest => release.asset_with_digest(&name, &bytes),
            Vouch::ChecksumFile | Vouch::Nothing => release.asset(&name, &bytes),
        };
        names.push(name);
    }
    if vouch == Vouch::ChecksumFile {
        release = release.checksums("checksums.txt");
    }
    release.publish();
    names
}

/// Where `haul mirror` keeps the test server's files: `HOST_PORT` under the mirror.
fn mirror_origin(env: &TestEnv) -> String {
    env.server
        .url
        .trim_start_matches("http://")
        .replace(':', "_")
}

/// A project directory with `haul.toml`, and a command that runs in it.
fn project(env: &TestEnv, manifest: &str) -> std::path::PathBuf {
    let dir = env.dir.path().join("project");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("haul.toml"), manifest).unwrap();
    dir
}

fn run_in(env: &TestEnv, dir: &std::path::Path, args: &[&str]) -> crate::support::Run {
    crate::support::Run::of(env.command().current_dir(dir).args(args))
}

const MANIFEST: &str = "# our tools\n[tools]\n# with a checksums file\nsums = \"1\"\n\"acme/digest\" = \"latest\"\nbare = { version = \"1.0\" }\n";

/// The keys under `[tools]` in `dir`'s haul.toml, in order.
fn manifest_keys(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc["tools"].as_table().unwrap().keys().cloned().collect()
}

/// The project of [`MANIFEST`], with its three tools published: `sums` (a checksum file),
/// `acme/digest` (API digests) and `bare` (nothing vouches).
fn three_tools(env: &TestEnv) -> std::path::PathBuf {
    catalog(env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    publish(&env.server, "acme/digest", "1.0.0", Vouch::ApiDigest);
    publish(&env.server, "acme/bare", "1.0.0", Vouch::Nothing);
    project(env, MANIFEST)
}

/// The three tools of [`MANIFEST`] are installed, each its 1.0.0.
#[track_caller]
fn assert_three_tools_installed(env: &TestEnv) {
    for tool in ["sums", "digest", "bare"] {
        assert_eq!(
            env.installed_bytes(tool),
            Some(program(tool, "1.0.0")),
            "{tool}"
        );
    }
}

/// The user catalog that names `sums` and `bare` (and the manifest names `acme/digest`).
fn catalog(env: &TestEnv) {
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"sums\"\ndescription = \"s\"\nhomepage = \"https://x\"\nrepo = \"acme/sums\"\n\n\
         [[tool]]\nname = \"bare\"\ndescription = \"b\"\nhomepage = \"https://x\"\nrepo = \"acme/bare\"\n",
    )
    .unwrap();
}

fn downloads_of(server: &Server, repo: &str, names: &[String]) -> usize {
    names
        .iter()
        .map(|n| server.hits(&Server::download_path(repo, "v1.0.0", n)))
        .sum()
}

#[test]
fn lock_every_platform_from_published_checksums_and_sync_from_the_lock_alone() {
    let env = TestEnv::new();
    catalog(&env);
    let sums = publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let digest = publish(&env.server, "acme/digest", "1.0.0", Vouch::ApiDigest);
    let bare = publish(&env.server, "acme/bare", "1.0.0", Vouch::Nothing);
    let dir = project(&env, MANIFEST);

    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    // Only the release that publishes nothing had its files downloaded, each once.
    assert_eq!(downloads_of(&env.server, "acme/sums", &sums), 0);
    assert_eq!(downloads_of(&env.server, "acme/digest", &digest), 0);
    assert_eq!(downloads_of(&env.server, "acme/bare", &bare), 5);
    assert_eq!(env.server.hits("/dl/acme/sums/v1.0.0/checksums.txt"), 1);
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let tools = lock["tool"].as_array().unwrap();
    assert_eq!(tools.len(), 3);
    for tool in tools {
        let platforms = tool["platforms"].as_table().unwrap();
        assert_eq!(platforms.len(), 5, "{tool}");
        for (name, triple) in TRIPLES {
            let artifact = &platforms[name].as_array().unwrap()[0];
            let file = asset_name(tool["name"].as_str().unwrap(), "1.0.0", triple);
            assert_eq!(artifact["asset"].as_str(), Some(file.as_str()));
            let bytes = archive_for(tool["name"].as_str().unwrap(), "1.0.0", triple, "1.0.0");
            assert_eq!(
                artifact["sha256"].as_str(),
                Some(crate::support::server::sha256_hex(&bytes).as_str())
            );
        }
    }
    let by = |key: &str| {
        tools
            .iter()
            .find(|t| t["key"].as_str() == Some(key))
            .unwrap()["platforms"]["linux-x86_64"][0]["verified_by"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(by("sums"), "checksums.txt");
    assert_eq!(by("acme/digest"), "api-digest");
    assert_eq!(by("bare"), "downloaded");
    // The same inputs, the same bytes.
    std::fs::remove_file(dir.join("haul.lock")).unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join("haul.lock")).unwrap(),
        text
    );

    // With the API switched off, sync installs everything from the lock.
    env.server.api_off();
    let api_requests = |server: &Server| {
        server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/repos"))
            .count()
    };
    let before = api_requests(&env.server);
    let sync = run_in(&env, &dir, &["sync", "--frozen"]);
    sync.expect_code(0);
    assert_three_tools_installed(&env);
    let list = env.run(&["list", "--json"]).json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["verified_by"] == "haul.lock"),
        "{list}"
    );
    assert_eq!(api_requests(&env.server), before, "sync asked the API");
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(0)
        .stderr_has("already installed");
}

#[test]
fn a_lock_that_does_not_match_the_manifest() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(1)
        .stderr_has("has no haul.lock");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    std::fs::write(
        dir.join("haul.toml"),
        MANIFEST.replace("sums = \"1\"", "sums = \"2\""),
    )
    .unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(1)
        .stderr_has("haul.lock does not match haul.toml")
        .stderr_has(
            "`sums` is not what was locked: haul.toml asks for `2.x`, haul.lock was locked for `1.x`",
        );
    assert!(env.snapshot().is_empty());
    // The lock decides nothing haul.toml does not: an entry edited to install the tool under
    // another name (which would name it in the user's store for good) is refused too.
    std::fs::write(dir.join("haul.toml"), MANIFEST).unwrap();
    let lock = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    assert!(lock.contains("name = \"sums\""), "{lock}");
    std::fs::write(
        dir.join("haul.lock"),
        lock.replace("name = \"sums\"", "name = \"zzz\""),
    )
    .unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(1)
        .stderr_has("`sums` is not what was locked: haul.lock installs it as `zzz`");
    assert!(env.snapshot().is_empty());
}

/// What was locked is said once haul.lock is written: a write that fails (here haul.lock's
/// place is a directory) says no "Locked" line, and names the file it could not write.
#[test]
fn lock_says_locked_only_once_it_is_written() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    std::fs::create_dir_all(dir.join("haul.lock").join("x")).unwrap();
    let run = run_in(&env, &dir, &["lock"]);
    run.expect_code(1).stderr_has("haul.lock`");
    assert!(!run.stderr().contains("Locked"), "{}", run.stderr());
    std::fs::remove_dir_all(dir.join("haul.lock")).unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(0)
        .stderr_has("Locked sums 1.0.0");
}

/// A lock that cannot be made installs nothing, and `sync --json` still says so on stdout:
/// every tool under `failed`, the one that could not be locked with its error.
#[test]
fn sync_json_when_the_lock_cannot_be_made() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    std::fs::write(
        dir.join("haul.toml"),
        format!("{MANIFEST}\"acme/missing\" = \"1\"\n"),
    )
    .unwrap();
    let run = run_in(&env, &dir, &["sync", "--json"]);
    run.expect_code(1)
        .stderr_has("haul.lock could not be locked: acme/missing");
    let json = run.json();
    assert_eq!(json["installed"], serde_json::json!([]), "{json}");
    assert_eq!(json["unchanged"], serde_json::json!([]), "{json}");
    let failed = json["failed"].as_array().unwrap();
    let tools: Vec<&str> = failed.iter().map(|f| f["tool"].as_str().unwrap()).collect();
    // In the lock's order.
    assert_eq!(
        tools,
        ["acme/digest", "acme/missing", "bare", "sums"],
        "{json}"
    );
    assert!(
        failed[1]["error"]
            .as_str()
            .unwrap()
            .contains("no GitHub repository `acme/missing`"),
        "{json}"
    );
    for withheld in [0, 2, 3] {
        assert_eq!(
            failed[withheld]["error"], "not installed, because another tool failed",
            "{json}"
        );
    }
    assert!(json["bin_dir"].as_str().is_some(), "{json}");
    assert!(env.snapshot().is_empty());
    assert!(!dir.join("haul.lock").exists());

    // Nor when the lock as a whole is refused (two tools linked under one name): every tool
    // failed with that.
    std::fs::write(
        dir.join("haul.toml"),
        MANIFEST.replace(
            "sums = \"1\"",
            "sums = { version = \"1\", bin = [\"sums=bare\"] }",
        ),
    )
    .unwrap();
    let run = run_in(&env, &dir, &["sync", "--json"]);
    run.expect_code(2);
    let json = run.json();
    let failed = json["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 3, "{json}");
    for tool in failed {
        assert!(
            tool["error"]
                .as_str()
                .unwrap()
                .contains("would both be linked as `bare`"),
            "{json}"
        );
    }
    assert!(env.snapshot().is_empty());
}

#[test]
fn the_manifests_asset_pattern_chooses_what_is_locked() {
    let env = TestEnv::new();
    let mut release = env.server.release("acme/pick", "v1.0.0");
    for triple in ["x86_64-unknown-linux-musl", "x86_64-unknown-linux-gnu"] {
        let name = asset_name("pick", "1.0.0", triple);
        release = release.asset_with_digest(&name, &archive_for("pick", "1.0.0", triple, "1.0.0"));
    }
    release.publish();
    let manifest = |pattern: &str| {
        format!(
            "[tools]\n\"acme/pick\" = {{ version = \"1\", asset = \"{pattern}\" }}\n\
             [settings]\nplatforms = [\"linux-x86_64\"]\n"
        )
    };
    let locked = |dir: &std::path::Path| {
        let lock: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("haul.lock")).unwrap()).unwrap();
        let tool = &lock["tool"].as_array().unwrap()[0];
        (
            tool["asset"].as_str().unwrap().to_owned(),
            tool["platforms"]["linux-x86_64"][0]["asset"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    };
    let dir = project(&env, &manifest("-gnu"));
    let locks = |pattern: &str, triple: &str| {
        run_in(&env, &dir, &["lock"]).expect_code(0);
        let want = (pattern.to_owned(), asset_name("pick", "1.0.0", triple));
        assert_eq!(locked(&dir), want);
    };
    locks("-gnu", "x86_64-unknown-linux-gnu");
    // Another pattern is another request: the lock no longer matches until locked again.
    std::fs::write(dir.join("haul.toml"), manifest("-musl")).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(1)
        .stderr_has("`acme/pick` is not what was locked: `asset` is `-musl` in haul.toml, `-gnu` in haul.lock");
    locks("-musl", "x86_64-unknown-linux-musl");
    // A pattern that is not a regular expression is a usage error before anything is fetched.
    std::fs::write(dir.join("haul.toml"), manifest("(")).unwrap();
    let requests = env.server.requests().len();
    run_in(&env, &dir, &["lock"])
        .expect_code(2)
        .stderr_has("the entry `acme/pick` in haul.toml is invalid");
    assert_eq!(env.server.requests().len(), requests);
}

/// The record of `name`, as JSON.
fn record_of(env: &TestEnv, name: &str) -> serde_json::Value {
    let path = env.home().join("records").join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// This machine's platform as a lock names it (`linux-x86_64`).
fn lock_platform(env: &TestEnv) -> String {
    env.run(&["info", "acme/sums", "--json"]).json()["host"]
        .as_str()
        .unwrap()
        .trim_end_matches("-musl")
        .to_owned()
}

/// A project that needs `sums` (its release has a checksum file), locked; and the lock's text.
fn locked_sums(env: &TestEnv) -> (std::path::PathBuf, String) {
    catalog(env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(env, "[tools]\nsums = \"1\"\n");
    run_in(env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    (dir, text)
}

#[test]
fn a_tampered_lock_installs_nothing_and_exits_4() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let host = lock_platform(&env);
    let sha = lock["tool"][0]["platforms"][host.as_str()][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(dir.join("haul.lock"), text.replace(&sha, &"0".repeat(64))).unwrap();
    run_in(&env, &dir, &["sync"])
        .expect_code(4)
        .stderr_has("haul.lock");
    assert!(env.snapshot().is_empty());
}

#[test]
fn a_hostile_lock_cannot_name_paths() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    // haul.lock comes with the project, from whoever last changed it: its names are checked
    // like any other before one becomes part of a path.
    for (from, to, says) in [
        ("name = \"sums\"", "name = \"../../escape\"", "tool name"),
        (
            "asset = \"sums-1.0.0-",
            "asset = \"../sums-1.0.0-",
            "asset name",
        ),
    ] {
        assert!(text.contains(from), "{text}");
        std::fs::write(dir.join("haul.lock"), text.replace(from, to)).unwrap();
        run_in(&env, &dir, &["sync"])
            .expect_code(1)
            .stderr_has(says);
        assert!(env.snapshot().is_empty(), "{to}");
        assert!(!env.dir.path().join("escape").exists());
        assert!(!dir.join("escape").exists());
    }
    // `haul lock` writes a lock it cannot read again, saying so, and sync then works.
    run_in(&env, &dir, &["lock"])
        .expect_code(0)
        .stderr_has("haul.lock` cannot be read")
        .stderr_has("writing it again from haul.toml");
    assert_eq!(
        std::fs::read_to_string(dir.join("haul.lock")).unwrap(),
        text
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    env.run(&["which", "sums"]).expect_code(0);
}

#[test]
fn a_projects_bin_dir_stays_inside_the_project() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let outside = env.dir.path().join("outside");
    for bin_dir in [outside.display().to_string(), "../outside".to_owned()] {
        let dir = project(
            &env,
            &format!("[tools]\nsums = \"1\"\n[settings]\nbin-dir = '{bin_dir}'\n"),
        );
        run_in(&env, &dir, &["sync"])
            .expect_code(2)
            .stderr_has("not a directory inside the project");
        assert!(!outside.exists());
    }
    // Nor in version control's own directory, whose hooks git runs.
    let dir = project(
        &env,
        "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \".git/hooks\"\n",
    );
    run_in(&env, &dir, &["sync"])
        .expect_code(2)
        .stderr_has("belongs to version control");
    assert!(!dir.join(".git").exists());
    // Nor through a link the repository holds.
    #[cfg(unix)]
    {
        let dir = project(
            &env,
            "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
        );
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join(".haul")).unwrap();
        run_in(&env, &dir, &["sync"])
            .expect_code(2)
            .stderr_has("leads outside the project");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        assert!(env.snapshot().is_empty());
        std::fs::remove_file(dir.join(".haul")).unwrap();
        // A link that leads nowhere is a usage error too, not "File exists".
        std::os::unix::fs::symlink(dir.join("gone"), dir.join(".haul")).unwrap();
        run_in(&env, &dir, &["sync"])
            .expect_code(2)
            .stderr_has("`settings.bin-dir` in haul.toml cannot be used");
        std::fs::remove_file(dir.join(".haul")).unwrap();
        // Nor through a link into version control's own directory.
        std::fs::create_dir_all(dir.join(".git/bin")).unwrap();
        std::os::unix::fs::symlink(".git", dir.join(".haul")).unwrap();
        run_in(&env, &dir, &["sync"])
            .expect_code(2)
            .stderr_has("leads into `.git`");
        assert_eq!(std::fs::read_dir(dir.join(".git/bin")).unwrap().count(), 0);
        std::fs::remove_file(dir.join(".haul")).unwrap();
        run_in(&env, &dir, &["sync"]).expect_code(0);
        assert!(dir.join(".haul/bin").join(format!("sums{EXE}")).exists());
    }
}

#[test]
fn a_mirror_directory_is_all_a_fleet_needs() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        .stderr_has("Mirrored 16 files");
    // 15 archives and one checksum file, by URL.
    let origin = mirror_origin(&env);
    assert!(
        mirror
            .join(&origin)
            .join("dl/acme/sums/v1.0.0/checksums.txt")
            .is_file()
    );
    // Readable by a web server running as another user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let sums = mirror
            .join(&origin)
            .join("dl/acme/sums/v1.0.0/checksums.txt");
        let mode = std::fs::metadata(&sums).unwrap().permissions().mode();
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    }
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        // The archives are checked against the lock and kept; the checksum file, which the
        // lock cannot check, is fetched again, and kept as it is when it has not changed.
        .stderr_has("0 fetched")
        .stderr_has("16 already there");
    let sums = mirror
        .join(&origin)
        .join("dl/acme/sums/v1.0.0/checksums.txt");
    let published = std::fs::read(&sums).unwrap();
    std::fs::write(&sums, &published[..published.len() / 2]).unwrap();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        .stderr_has("1 fetched")
        .stderr_has("15 already there");
    assert_eq!(std::fs::read(&sums).unwrap(), published);

    // The original server is gone; a static server of the directory takes its place.
    env.server.go_dark();
    let static_server = Server::serve_dir(&mirror);
    let rule = format!("{}/={}/{origin}/", env.server.url, static_server.url);
    crate::support::Run::of(
        env.command()
            .current_dir(&dir)
            .env("HAUL_MIRRORS", &rule)
            .args(["sync", "--frozen"]),
    )
    .expect_code(0);
    assert_three_tools_installed(&env);
}

/// A lock `haul mirror` cannot satisfy is refused before anything is fetched (one URL pinned
/// to two hashes: no one file is both); a file that does not have its locked hash fails the
/// mirror with exit 4, as `sync` does.
#[test]
fn mirror_refuses_what_the_lock_cannot_have() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    let edit = |change: &dyn Fn(&mut toml::Table)| {
        let mut lock: toml::Table = toml::from_str(&text).unwrap();
        change(&mut lock);
        std::fs::write(dir.join("haul.lock"), toml::to_string(&lock).unwrap()).unwrap();
    };
    let first_file = |lock: &mut toml::Table, tool: usize| -> toml::Table {
        lock["tool"][tool]["platforms"]
            .as_table()
            .unwrap()
            .values()
            .next()
            .unwrap()[0]
            .as_table()
            .unwrap()
            .clone()
    };
    let set_first_file = |lock: &mut toml::Table, tool: usize, file: toml::Table| {
        let platforms = lock["tool"].as_array_mut().unwrap()[tool]["platforms"]
            .as_table_mut()
            .unwrap();
        let key = platforms.keys().next().unwrap().clone();
        platforms[&key].as_array_mut().unwrap()[0] = file.into();
    };
    edit(&|lock| {
        let theirs = first_file(lock, 0);
        let mut file = first_file(lock, 1);
        file.insert("url".into(), theirs["url"].clone());
        file.insert("sha256".into(), "0".repeat(64).into());
        set_first_file(lock, 1, file);
    });
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(1)
        .stderr_has("to two hashes");
    assert!(!mirror.exists());
    // Nor one SHA-256 with two SHA-512s, or two sizes: `sync` checks both.
    for (key, one, other) in [
        (
            "sha512",
            toml::Value::from("1".repeat(128)),
            toml::Value::from("0".repeat(128)),
        ),
        ("size", toml::Value::from(7), toml::Value::from(8)),
    ] {
        edit(&|lock| {
            let mut theirs = first_file(lock, 0);
            theirs.insert(key.into(), one.clone());
            set_first_file(lock, 0, theirs.clone());
            let mut file = first_file(lock, 1);
            for pin in ["url", "sha256", "sha512", "size"] {
                match theirs.get(pin) {
                    Some(v) => file.insert(pin.into(), v.clone()),
                    None => file.remove(pin),
                };
            }
            file.insert(key.into(), other.clone());
            set_first_file(lock, 1, file);
        });
        run_in(&env, &dir, &["mirror", &mirror_arg])
            .expect_code(1)
            .stderr_has("to two hashes");
        assert!(!mirror.exists());
    }
    // A SHA-512 only one entry of the URL gives is checked all the same, as `sync` would.
    edit(&|lock| {
        let mut theirs = first_file(lock, 0);
        theirs.remove("sha512");
        set_first_file(lock, 0, theirs.clone());
        let mut file = theirs.clone();
        file.insert("sha512".into(), "0".repeat(128).into());
        set_first_file(lock, 1, file);
    });
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(4)
        .stderr_has("expected sha512:000");
    std::fs::remove_dir_all(&mirror).unwrap();

    edit(&|lock| {
        let mut file = first_file(lock, 0);
        file.insert("sha256".into(), "0".repeat(64).into());
        set_first_file(lock, 0, file);
    });
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(4)
        .stderr_has("checksum mismatch")
        .stderr_has("1 file could not be mirrored");
}

#[test]
fn init_add_and_remove_keep_the_users_comments() {
    let env = TestEnv::new();
    let dir = env.dir.path().join("fresh");
    std::fs::create_dir_all(&dir).unwrap();
    run_in(&env, &dir, &["init"]).expect_code(0);
    run_in(&env, &dir, &["init"])
        .expect_code(2)
        .stderr_has("already exists");
    let starter = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(starter.contains("# kubectl = \"1.31\""));
    run_in(
        &env,
        &dir,
        &["add", "kubectl@1.31", "sharkdp/fd", "helm@^3"],
    )
    .expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(text.starts_with(&starter[..starter.find("[tools]").unwrap()]));
    assert!(text.contains("kubectl = \"1.31.x\""), "{text}");
    assert!(text.contains("\"sharkdp/fd\" = \"latest\""), "{text}");
    assert!(text.contains("helm = \"^3\""), "{text}");
    assert!(text.contains("# bin-dir = \".haul/bin\""), "{text}");
    // In a subdirectory, the project above is found.
    let sub = dir.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    run_in(&env, &sub, &["remove", "helm", "nothing"])
        .expect_code(2)
        .stderr_has("`nothing` is not in")
        .stderr_has("it has: kubectl, sharkdp/fd, helm");
    // A key named twice is removed once.
    run_in(&env, &sub, &["remove", "helm", "helm"])
        .expect_code(0)
        .stderr_has("Removed helm from haul.toml");
    let after = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(!after.contains("helm = \"^3\"") && after.contains("kubectl = \"1.31.x\""));
    assert!(after.contains("# The tools this project uses"));
    // Another spelling of a tool haul.toml has (its URL, another case, `catalog:`) changes
    // that entry, saying from what; it is not a second entry of the same tool.
    run_in(
        &env,
        &dir,
        &[
            "add",
            "https://github.com/SharkDP/fd@10",
            "catalog:KUBECTL@1.30",
        ],
    )
    .expect_code(0)
    .stderr_has("Changed sharkdp/fd = \"10.x\" (was \"latest\")")
    .stderr_has("Changed kubectl = \"1.30.x\" (was \"1.31.x\")");
    run_in(&env, &dir, &["add", "kubectl@1.30"])
        .expect_code(0)
        .stderr_has("Unchanged kubectl = \"1.30.x\" is in haul.toml");
    assert_eq!(
        manifest_keys(&dir),
        ["kubectl", "sharkdp/fd"],
        "{}",
        std::fs::read_to_string(dir.join("haul.toml")).unwrap()
    );
    run_in(&env, &dir, &["add", "not/a/b"]).expect_code(2);
    // A name the catalog does not have is refused, with what is close, and nothing is added.
    let before = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    run_in(&env, &dir, &["add", "jq", "kubeclt"])
        .expect_code(2)
        .stderr_has("`kubeclt` is not in the catalog")
        .stderr_has("kubectl");
    assert_eq!(
        std::fs::read_to_string(dir.join("haul.toml")).unwrap(),
        before
    );

    // The files stay readable by whoever could read them (a shared checkout, a CI user).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = || {
            std::fs::metadata(dir.join("haul.toml"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode() & 0o044, 0o044, "{:o}", mode());
        std::fs::set_permissions(
            dir.join("haul.toml"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        run_in(&env, &dir, &["add", "jq"]).expect_code(0);
        assert_eq!(mode(), 0o640);
    }
}

/// An entry is the tool it installs, its `bin` included: `"ahmetb/kubectx" = { bin =
/// ["kubens"] }` is kubens, so `add kubectx` adds kubectx (it changed kubens' version), `add
/// kubens` changes that entry (it added kubens twice), and a tool of another source under a
/// name haul.toml has is refused (it was added, and no longer locked).
#[test]
fn add_knows_an_entry_by_the_tool_it_installs() {
    let env = TestEnv::new();
    let dir = project(
        &env,
        "[tools]\n\"ahmetb/kubectx\" = { version = \"0.9\", bin = [\"kubens\"] }\n",
    );
    run_in(&env, &dir, &["add", "kubectx@0.9.4"])
        .expect_code(0)
        .stderr_has("Added kubectx = \"0.9.4\"");
    run_in(&env, &dir, &["add", "kubens@0.9.5"])
        .expect_code(0)
        .stderr_has("Changed ahmetb/kubectx = \"0.9.5\" (was \"0.9.x\")");
    assert_eq!(manifest_keys(&dir), ["ahmetb/kubectx", "kubectx"]);
    let text = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(text.contains("bin = [\"kubens\"]"), "{text}");
    // `ahmetb/kubectx` is the kubectx entry while there is one; without it, the entry keyed
    // so, as typed (`"cli/cli" = { bin = ["gh"] }` is changed by `add cli/cli@2`).
    run_in(&env, &dir, &["add", "ahmetb/kubectx@0.9.6"])
        .expect_code(0)
        .stderr_has("Changed kubectx = \"0.9.6\" (was \"0.9.4\")");
    run_in(&env, &dir, &["remove", "kubectx"]).expect_code(0);
    run_in(&env, &dir, &["add", "ahmetb/kubectx@0.9.6"])
        .expect_code(0)
        .stderr_has("Changed ahmetb/kubectx = \"0.9.6\" (was \"0.9.5\")");
    assert_eq!(manifest_keys(&dir), ["ahmetb/kubectx"]);
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\n\"kubernetes/kubernetes\" = { bin = [\"kubectl\"] }\n",
    )
    .unwrap();
    run_in(&env, &dir, &["add", "kubectl"])
        .expect_code(2)
        .stderr_has(
            "`kubectl` would be installed as `kubectl`, as `kubernetes/kubernetes` in haul.toml is",
        );
    assert_eq!(manifest_keys(&dir), ["kubernetes/kubernetes"]);
}

/// `haul.toml` and `haul.lock` come with the repository: a link from either to a file outside
/// the project (a secret) is refused without the file's content in the message, and `haul
/// lock` replaces such a lock without writing through the link.
#[cfg(unix)]
#[test]
fn project_files_that_lead_out_of_the_project_are_not_read() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let secret = env.dir.path().join("credentials");
    let says = "AWS_SECRET_ACCESS_KEY=hunter2\n";
    std::fs::write(&secret, says).unwrap();
    let dir = project(&env, "[tools]\nsums = \"1\"\n");
    std::os::unix::fs::symlink(&secret, dir.join("haul.lock")).unwrap();
    for args in [
        &["sync", "--frozen"][..],
        &["which", "sums"],
        &["exec", "sums"],
    ] {
        let run = run_in(&env, &dir, args);
        run.expect_code(1).stderr_has("outside the project");
        assert!(
            !run.stderr().contains("hunter2"),
            "{args:?}: {}",
            run.stderr()
        );
    }
    let relock = run_in(&env, &dir, &["lock"]);
    relock.expect_code(0).stderr_has("outside the project");
    assert!(!relock.stderr().contains("hunter2"));
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), says);
    assert!(
        !std::fs::symlink_metadata(dir.join("haul.lock"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    std::fs::remove_file(dir.join("haul.toml")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("haul.toml")).unwrap();
    let run = run_in(&env, &dir, &["sync"]);
    run.expect_code(2).stderr_has("outside the project");
    assert!(!run.stderr().contains("hunter2"));
    assert!(env.snapshot().is_empty());
}

/// A `haul.toml` or `haul.lock` that links to a file inside the project (one shared within a
/// repository) stays a link: `add`, `remove` and `lock` write the file it leads to.
#[cfg(unix)]
#[test]
fn project_files_linked_within_the_project_are_written_through() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "");
    std::fs::remove_file(dir.join("haul.toml")).unwrap();
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::write(dir.join("shared/haul.toml"), "# shared\n[tools]\n").unwrap();
    std::fs::write(dir.join("shared/haul.lock"), "").unwrap();
    std::os::unix::fs::symlink("shared/haul.toml", dir.join("haul.toml")).unwrap();
    std::os::unix::fs::symlink("shared/haul.lock", dir.join("haul.lock")).unwrap();

    run_in(&env, &dir, &["add", "sums@1"]).expect_code(0);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    for name in ["haul.toml", "haul.lock"] {
        assert!(
            std::fs::symlink_metadata(dir.join(name))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{name} is no longer a link"
        );
    }
    let manifest = std::fs::read_to_string(dir.join("shared/haul.toml")).unwrap();
    assert!(
        manifest.starts_with("# shared") && manifest.contains("sums = \"1.x\""),
        "{manifest}"
    );
    let lock = std::fs::read_to_string(dir.join("shared/haul.lock")).unwrap();
    assert!(lock.contains("acme/sums"), "{lock}");
    run_in(&env, &dir, &["remove", "sums"]).expect_code(0);
    assert!(
        !std::fs::read_to_string(dir.join("shared/haul.toml"))
            .unwrap()
            .contains("sums")
    );
}

#[test]
fn sbom_lists_the_locked_and_the_installed_tools() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\nsums = \"1\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let run = run_in(&env, &dir, &["sbom", "--target", "macos-aarch64"]);
    run.expect_code(0);
    let bom = run.json();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let component = &bom["components"][0];
    assert_eq!(component["name"], "sums");
    assert_eq!(component["version"], "1.0.0");
    assert_eq!(component["purl"], "pkg:github/acme/sums@v1.0.0");
    assert_eq!(component["hashes"][0]["alg"], "SHA-256");
    assert!(
        component["externalReferences"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("sums-1.0.0-aarch64-apple-darwin.tar.gz")
    );
    // The same lock, the same components; each document its own serial number.
    let again = run_in(&env, &dir, &["sbom", "--target", "macos-aarch64"]).json();
    assert_eq!(again["components"], bom["components"]);
    assert_ne!(again["serialNumber"], bom["serialNumber"]);
    assert!(
        bom["serialNumber"]
            .as_str()
            .is_some_and(|s| s.starts_with("urn:uuid:") && s.len() == 45),
        "{}",
        bom["serialNumber"]
    );
    // A musl host without an entry of its own: the glibc entry's files.
    let musl = run_in(&env, &dir, &["sbom", "--target", "linux-x86_64-musl"]);
    musl.expect_code(0);
    assert_eq!(musl.json()["components"].as_array().unwrap().len(), 1);
    // A platform the lock does not cover: said, and exit 1 (the inventory is not whole).
    let host = lock_platform(&env);
    let other = if host == "macos-aarch64" {
        "linux-x86_64"
    } else {
        "macos-aarch64"
    };
    std::fs::write(
        dir.join("haul.toml"),
        format!("[settings]\nplatforms = [\"{host}\"]\n\n[tools]\nsums = \"1\"\n"),
    )
    .unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    run_in(&env, &dir, &["sbom", "--target", other])
        .expect_code(1)
        .stderr_has(&format!("does not cover {other} for `sums`"));
    // Beside a haul.toml that is no project (a directory here), not this machine's inventory
    // in its place: an error, and `--installed` asks for that.
    let odd = dir.join("odd");
    std::fs::create_dir_all(odd.join("haul.toml")).unwrap();
    run_in(&env, &odd, &["sbom"])
        .expect_code(2)
        .stderr_has("is not taken as a project")
        .stderr_has("haul sbom --installed");
    run_in(&env, &odd, &["sbom", "--installed"]).expect_code(0);
    // Outside a project: the installed tools.
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let installed = env.run(&["sbom"]).json();
    assert_eq!(installed["components"].as_array().unwrap().len(), 1);
    assert!(
        installed["components"][0]["properties"]
            .to_string()
            .contains("haul.lock")
    );
    let _ = EXE;
}

/// `sbom --installed` lists what a project synced into its own bin-dir too: it is installed,
/// and it runs there. Each stored version is its own component.
#[test]
fn sbom_lists_what_a_project_pins_in_its_bin_dir() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    publish(&env.server, "acme/sums", "2.0.0", Vouch::ChecksumFile);
    let dir = project(
        &env,
        "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    env.run(&["install", "acme/sums@2.0.0"]).expect_code(0);
    let bom = env.run(&["sbom", "--installed"]).json();
    let components = bom["components"].as_array().unwrap();
    let versions: Vec<&str> = components
        .iter()
        .map(|c| c["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2.0.0", "1.0.0"], "{bom}");
    assert!(
        components[1]["properties"]
            .to_string()
            .contains("haul:pinned-in")
    );
    assert_ne!(components[0]["bom-ref"], components[1]["bom-ref"]);
    // Once the project is gone, so is its version from the inventory.
    std::fs::remove_dir_all(&dir).unwrap();
    let bom = env.run(&["sbom", "--installed"]).json();
    assert_eq!(bom["components"].as_array().unwrap().len(), 1);
}

/// Inside a project, `which` and `exec` use the version the lock pins, whatever is active.
#[test]
fn inside_a_project_which_and_exec_use_the_locked_version() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\nsums = \"1.0\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    publish(&env.server, "acme/sums", "2.0.0", Vouch::ChecksumFile);
    env.run(&["install", "acme/sums"]).expect_code(0);
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));

    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("sums` 1.0.0 (as haul.lock pins it) is not installed");
    // exec installs the locked version into the store, without making it active, then runs it
    // (the stand-in program runs only where there is a `sh`).
    let out = run_in(&env, &dir, &["exec", "sums"]);
    if cfg!(unix) {
        assert_eq!(out.stdout(), "sums 1.0.0\n", "{}", out.stderr());
    }
    let which = run_in(&env, &dir, &["which", "sums"]);
    which.expect_code(0);
    let path = std::path::PathBuf::from(which.stdout().trim());
    assert_eq!(std::fs::read(&path).unwrap(), program("sums", "1.0.0"));
    // Outside it, the active version.
    let outside = env.run(&["which", "sums"]);
    assert_eq!(
        std::fs::read(outside.stdout().trim()).unwrap(),
        program("sums", "2.0.0")
    );
    // A damaged record is said to be damaged, not taken for a tool that is not installed.
    std::fs::write(env.home().join("records/sums.json"), "{").unwrap();
    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("the record")
        .stderr_has("is damaged");
}

/// A stored version of the locked tag whose bytes are not the locked ones (stored before from a
/// release nothing vouched for, then published again) is neither kept by `sync --frozen` nor
/// run by `exec`: the lock's hashes decide, not the tag.
#[test]
fn sync_and_exec_use_only_the_bytes_the_lock_pins() {
    let env = TestEnv::new();
    catalog(&env);
    // The same tag, published with bytes nothing vouches for, and installed.
    let store_unvouched = |args: &[&str]| {
        publish_saying(
            &env.server,
            "acme/sums",
            "1.0.0",
            Vouch::Nothing,
            "unvouched",
        );
        env.run(args).expect_code(0).stderr_has("unverified");
        assert_eq!(
            env.installed_bytes("sums"),
            Some(program("sums", "unvouched"))
        );
    };
    store_unvouched(&["install", "sums"]);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\nsums = \"1\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);

    // Inside the project, `which` does not offer the stored bytes as the locked version.
    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("(as haul.lock pins it) is not installed");
    // exec stores the locked bytes first (verified by the lock), beside the user's version of
    // the same tag, which it leaves as it is; then runs them.
    let out = run_in(&env, &dir, &["exec", "sums"]);
    if cfg!(unix) {
        out.expect_code(0);
        assert_eq!(out.stdout(), "sums 1.0.0\n", "{}", out.stderr());
    }
    assert_eq!(
        env.installed_bytes("sums"),
        Some(program("sums", "unvouched"))
    );
    let record = record_of(&env, "sums");
    let versions = record["versions"].as_object().unwrap();
    let (key, locked) = versions
        .iter()
        .find(|(key, _)| key.starts_with("1.0.0+"))
        .unwrap_or_else(|| panic!("{record}"));
    assert_eq!(locked["artifacts"][0]["verified_by"], "haul.lock", "{key}");
    assert_eq!(
        versions["1.0.0"]["artifacts"][0]["verified_by"],
        serde_json::Value::Null
    );

    // Sync (into the user's bin dir) makes the locked bytes the active ones.
    store_unvouched(&["install", "sums", "--force"]);
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
}

/// A hash haul computed when it locked (the release publishes no checksum) is not a published
/// checksum: where checksums are required, `sync`, `exec` and `lock` refuse the file (exit 4),
/// and a repository's `require-checksum = false` does not lower the user's setting.
#[test]
fn required_checksums_refuse_a_file_the_lock_only_hashed() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/bare", "1.0.0", Vouch::Nothing);
    let tools = "[tools]\nbare = \"1\"\n";
    let dir = project(
        &env,
        &format!("[settings]\nrequire-checksum = false\n\n{tools}"),
    );
    run_in(&env, &dir, &["lock"]).expect_code(0);
    assert!(
        std::fs::read_to_string(dir.join("haul.lock"))
            .unwrap()
            .contains("verified_by = \"downloaded\"")
    );
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(
        env.config_path(),
        format!("require-checksum = true\n{config}"),
    )
    .unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(4)
        .stderr_has("no checksum covers `bare-1.0.0-")
        .stderr_has("checksums are required");
    run_in(&env, &dir, &["exec", "bare"]).expect_code(4);
    assert!(env.snapshot().is_empty());

    // The project may ask for checksums itself.
    std::fs::write(env.config_path(), &config).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        format!("[settings]\nrequire-checksum = true\n\n{tools}"),
    )
    .unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(4);
    assert!(env.snapshot().is_empty());
    // `info` says so there: it said the file would be installed with a warning.
    let info = run_in(&env, &dir, &["info", "bare"]);
    info.expect_code(0);
    assert!(
        info.stdout()
            .contains("`haul sync` here refuses it: haul.toml requires checksums"),
        "{}",
        info.stdout()
    );
    // Nor does `haul lock` keep such a file where checksums are required.
    let locked = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(4)
        .stderr_has("no checksum covers `bare-1.0.0-")
        .stderr_has("haul.lock could not be locked: bare");
    assert_eq!(
        std::fs::read_to_string(dir.join("haul.lock")).unwrap(),
        locked
    );

    // Where nothing requires them, the file installs, checked against the locked hash.
    std::fs::write(dir.join("haul.toml"), tools).unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);
    env.run(&["which", "bare"]).expect_code(0);
}

/// Offline, a cached download is still checked against the lock: the cache's own note of what
/// vouched for a file is only as trustworthy as the cache (shared, or restored in CI).
#[test]
fn offline_sync_checks_the_cache_against_the_lock() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\nsums = \"1\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    env.run(&["uninstall", "sums"]).expect_code(0);

    // Swap the cached archive for another program, and make the cache's note vouch for it.
    let triple = crate::support::host_triple();
    let name = asset_name("sums", "1.0.0", triple);
    let cached = find_file(&env.cache_dir(), &name).expect("the archive is cached");
    let evil = archive_for("sums", "6.6.6", triple, "6.6.6");
    std::fs::write(&cached, &evil).unwrap();
    let note = cached.with_file_name(format!("{name}.verified"));
    std::fs::write(
        &note,
        format!(
            "sha256:{} checksums.txt\n",
            crate::support::server::sha256_hex(&evil)
        ),
    )
    .unwrap();

    run_in(&env, &dir, &["sync", "--frozen", "--offline"])
        .expect_code(4)
        .stderr_is(
            &env,
            &format!(
                "error: installing `sums` from `{name}`
  caused by: the cached `{name}` does not match the digest `haul.lock` gives for it, and haul is offline
  hint: run the command again without `--offline` to download it again"
            ),
        );
    assert!(env.snapshot().is_empty(), "{:?}", env.snapshot());
}

/// A cache note lost to a full disk (left empty) is written again by the next online install
/// that uses the cached copy, so that offline runs can use it again.
#[test]
fn a_lost_cache_note_is_written_again() {
    let env = TestEnv::new();
    publish(&env.server, "acme/digest", "1.0.0", Vouch::ApiDigest);
    env.run(&["install", "acme/digest"]).expect_code(0);
    let name = asset_name("digest", "1.0.0", crate::support::host_triple());
    let cached = find_file(&env.cache_dir(), &name).expect("the archive is cached");
    let note = cached.with_file_name(format!("{name}.verified"));
    std::fs::write(&note, "").unwrap();
    env.run(&["uninstall", "digest"]).expect_code(0);
    env.run(&["install", "acme/digest", "--offline"])
        .expect_code(4)
        .stderr_has("cannot be verified, and haul is offline");
    let online = env.server.requests().len();
    env.run(&["install", "acme/digest"]).expect_code(0);
    assert!(
        !env.server.requests()[online..]
            .iter()
            .any(|r| r.path.ends_with(&name)),
        "the cached copy was used"
    );
    assert!(!std::fs::read_to_string(&note).unwrap().is_empty());
    env.run(&["uninstall", "digest"]).expect_code(0);
    env.run(&["install", "acme/digest", "--offline"])
        .expect_code(0);
}

fn find_file(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}

/// The user has `sums` 2.0.0 active; a project (returned) wants 1.x in its own bin-dir.
fn user_and_project(env: &TestEnv) -> std::path::PathBuf {
    catalog(env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    publish(&env.server, "acme/sums", "2.0.0", Vouch::ChecksumFile);
    env.run(&["install", "sums@2"]).expect_code(0);
    project(
        env,
        "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
    )
}

/// `haul sync` into a project's own bin-dir links the locked version there and nowhere else:
/// the version the user has active, and their bin dir, stay as they are; activating,
/// pruning and repairing later leave the project's links to the project; and a project that
/// is gone, or whose bin-dir now leads elsewhere, has nothing made for it again.
#[test]
fn a_projects_own_bin_dir_leaves_the_users_tools_alone() {
    let env = TestEnv::new();
    let dir = user_and_project(&env);
    let exe = format!("sums{EXE}");
    let in_project = || std::fs::read(dir.join(".haul/bin").join(&exe)).ok();
    let active = || env.run(&["list", "--json"]).json()[0]["version"].clone();

    // The PATH advice is about the directory the links went to.
    let here = std::path::Path::new(".haul").join("bin");
    run_in(&env, &dir, &["sync"])
        .expect_code(0)
        .stderr_has(&format!(
            "{}` is not on PATH; put it on PATH while you work in the project",
            here.display()
        ));
    assert_eq!(in_project(), Some(program("sums", "1.0.0")));
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
    assert_eq!(active(), "2.0.0");
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(0)
        .stderr_has("already installed");
    // Sync touches none of the user's own links: a file of theirs where their link was stays,
    // and does not stop the project's sync.
    std::fs::remove_file(env.bin_dir().join(&exe)).unwrap();
    std::fs::write(env.bin_dir().join(&exe), "mine").unwrap();
    std::fs::remove_file(dir.join(".haul/bin").join(&exe)).unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);
    assert_eq!(std::fs::read(env.bin_dir().join(&exe)).unwrap(), b"mine");
    assert_eq!(in_project(), Some(program("sums", "1.0.0")));
    std::fs::remove_file(env.bin_dir().join(&exe)).unwrap();
    env.run(&["install", "sums@2"]).expect_code(0);
    // Another bin dir named on the command line is not quietly ignored.
    let other = env.dir.path().join("other-bin");
    run_in(&env, &dir, &["sync", "--bin-dir", other.to_str().unwrap()])
        .expect_code(2)
        .stderr_has("both say where to link the tools");
    assert!(!other.exists());
    // `--json` says where the links went (the GitHub Action puts that on PATH).
    let json = run_in(&env, &dir, &["sync", "--json"]).json();
    let linked = std::path::PathBuf::from(json["bin_dir"].as_str().unwrap());
    assert!(linked.ends_with(".haul/bin"), "{json}");
    // Spelled with the system's separator throughout (`.haul/bin` is `.haul\bin` on Windows).
    let which = run_in(&env, &dir, &["which", "sums"]);
    assert_eq!(
        which.expect_code(0).stdout().trim(),
        dir.join(&here).join(&exe).display().to_string()
    );
    // A file of the user's own where a link goes is left, and sync says what to do.
    std::fs::remove_file(dir.join(".haul/bin").join(&exe)).unwrap();
    std::fs::write(dir.join(".haul/bin").join(&exe), "mine").unwrap();
    run_in(&env, &dir, &["sync"])
        .expect_code(1)
        .stderr_has("already exists and haul did not install it")
        .stderr_has("remove it from the project's bin-dir, then run `haul sync` again");
    assert_eq!(
        std::fs::read(dir.join(".haul/bin").join(&exe)).unwrap(),
        b"mine"
    );
    std::fs::remove_file(dir.join(".haul/bin").join(&exe)).unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);

    // The user's own commands move their link only, and keep the project's version.
    env.run(&["install", "sums@1", "--force"]).expect_code(0);
    env.run(&["install", "sums@2"]).expect_code(0);
    env.run(&["prune"]).expect_code(0);
    assert_eq!(in_project(), Some(program("sums", "1.0.0")));
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
    assert_eq!(
        env.run(&["list", "--json"]).json()[0]["problems"],
        serde_json::json!([])
    );

    #[cfg(unix)]
    a_projects_bin_dir_that_leads_elsewhere(&env, &dir);

    // A project that is gone leaves nothing broken, and nothing is made for it again.
    std::fs::remove_dir_all(&dir).unwrap();
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
    env.run(&["doctor", "--fix"]);
    env.run(&["install", "sums@2", "--force"]).expect_code(0);
    assert!(!dir.exists());
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
    // Its version is no longer in use, and prune takes it.
    env.run(&["prune"]).expect_code(0);
    let all = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["version"], "2.0.0");
}

/// For [`a_projects_own_bin_dir_leaves_the_users_tools_alone`]: the project's bin-dir (synced,
/// `sums` 1.0.0; the user has 2.0.0 active) becomes a link to another directory.
#[cfg(unix)]
fn a_projects_bin_dir_that_leads_elsewhere(env: &TestEnv, dir: &std::path::Path) {
    let exe = format!("sums{EXE}");
    let in_project = || std::fs::read(dir.join(".haul/bin").join(&exe)).ok();
    // The project's bin-dir now leads into the user's bin dir: removing the project's version
    // removes nothing there (the user's link has the same name).
    {
        let record = record_of(env, "sums");
        let pinned = record["links"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|l| l["version"].as_str())
            .unwrap_or_else(|| panic!("{record}"))
            .to_owned();
        std::fs::remove_dir_all(dir.join(".haul/bin")).unwrap();
        std::os::unix::fs::symlink(env.bin_dir(), dir.join(".haul/bin")).unwrap();
        env.run(&["uninstall", &format!("sums@{pinned}")])
            .expect_code(0);
        assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
        std::fs::remove_file(dir.join(".haul/bin")).unwrap();
        run_in(env, dir, &["sync"]).expect_code(0);
        assert_eq!(in_project(), Some(program("sums", "1.0.0")));
    }
    // The project's bin-dir now leads elsewhere (a pull turned it into a link): nothing is
    // made there, by the user's commands or by `doctor --fix`.
    {
        let elsewhere = env.dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::remove_dir_all(dir.join(".haul/bin")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join(".haul/bin")).unwrap();
        env.run(&["install", "sums@2", "--force"]).expect_code(0);
        env.run(&["doctor", "--fix"]);
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        assert_eq!(
            env.run(&["list", "--json"]).json()[0]["problems"],
            serde_json::json!([])
        );
        run_in(env, dir, &["sync"])
            .expect_code(2)
            .stderr_has("leads outside the project");
        std::fs::remove_file(dir.join(".haul/bin")).unwrap();
        run_in(env, dir, &["sync"]).expect_code(0);
        assert_eq!(in_project(), Some(program("sums", "1.0.0")));
    }
}

/// Make `dir`'s haul.lock (`text`) pin other bytes for sums 1.0.0 on this platform: its own
/// URL on the test server and their hash.
fn pin_other_bytes(env: &TestEnv, dir: &std::path::Path, text: &str) {
    pin_other_file(env, dir, text, None);
}

/// [`pin_other_bytes`], the file named `asset` when given.
fn pin_other_file(env: &TestEnv, dir: &std::path::Path, text: &str, asset: Option<&str>) {
    let host = lock_platform(env);
    let triple = TRIPLES.iter().find(|(name, _)| *name == host).unwrap().1;
    let evil = archive_for("sums", "1.0.0", triple, "other bytes");
    env.server.file("/elsewhere/sums.tar.gz", &evil);
    let mut lock: toml::Table = toml::from_str(text).unwrap();
    let mut file = lock["tool"][0]["platforms"][host.as_str()][0]
        .as_table()
        .unwrap()
        .clone();
    file.insert(
        "url".into(),
        format!("{}/elsewhere/sums.tar.gz", env.server.url).into(),
    );
    file.insert(
        "sha256".into(),
        crate::support::server::sha256_hex(&evil).into(),
    );
    file.insert("size".into(), i64::try_from(evil.len()).unwrap().into());
    if let Some(asset) = asset {
        file.insert("asset".into(), asset.into());
    }
    lock["tool"].as_array_mut().unwrap()[0]["platforms"][host.as_str()]
        .as_array_mut()
        .unwrap()[0] = file.into();
    std::fs::write(dir.join("haul.lock"), toml::to_string(&lock).unwrap()).unwrap();
}

/// A project without a `bin-dir` makes its locked versions the user's own: a lock pinning
/// other bytes than those of the release the user installed and verified is refused, and the
/// user's tool, its record and the store stay as they were (it was replaced everywhere, pinned).
#[test]
fn a_lock_pinning_other_bytes_never_becomes_the_users_tool() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    env.run(&["install", "sums"]).expect_code(0);
    pin_other_bytes(&env, &dir, &text);
    std::fs::write(dir.join("haul.toml"), "[tools]\nsums = \"1\"\n").unwrap();
    let before = env.snapshot();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(4)
        .stderr_has("haul.lock pins other bytes for `")
        .stderr_has("verified by checksums.txt")
        .stderr_has("set a `bin-dir` in haul.toml");
    assert_eq!(env.snapshot(), before);
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
    // The same bytes under another file's name (another build of the release, or a name it
    // does not have): the lock alone vouches for them too.
    pin_other_file(&env, &dir, &text, Some("sums-1.0.0-other.tar.gz"));
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(4)
        .stderr_has("haul.lock pins `sums-1.0.0-other.tar.gz` for `sums` v1.0.0, where you have installed `")
        .stderr_has("verified by checksums.txt");
    assert_eq!(env.snapshot(), before);
    // With the lock as `haul lock` wrote it, the same sync makes the release's version the
    // project's.
    std::fs::write(dir.join("haul.lock"), &text).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
}

/// A project's lock that pins other bytes under a release's tag (its own URL and hash) never
/// changes the files of the version the user installed from that release: the locked bytes
/// are stored beside it, and a cached file only the lock vouched for vouches for nothing else.
#[test]
fn a_lock_pinning_other_bytes_never_replaces_the_users_version() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    env.run(&["install", "sums"]).expect_code(0);
    pin_other_bytes(&env, &dir, &text);
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
    )
    .unwrap();

    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    let exe = format!("sums{EXE}");
    assert_eq!(
        std::fs::read(dir.join(".haul/bin").join(&exe)).ok(),
        Some(program("sums", "other bytes"))
    );
    // The user's version, its files and its link are as the release made them.
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
    env.run(&["install", "sums"])
        .expect_code(0)
        .stderr_has("already installed");
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
    let all = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let keys: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["key"].as_str().unwrap())
        .collect();
    assert!(
        keys[0] == "1.0.0" && keys[1].starts_with("1.0.0+"),
        "{keys:?}"
    );
    let human = env.run(&["list", "--all"]).stdout();
    assert!(human.contains(&format!("1.0.0 ({})", keys[1])), "{human}");
    // Outside the project, `exec` with a version runs the release's bytes, never the ones only
    // the project's lock vouched for (stored under the same version).
    if cfg!(unix) {
        for tool in ["sums@1.0.0", "sums@v1.0.0", "sums@1", "sums@^1"] {
            let out = env.run(&["exec", tool]);
            out.expect_code(0);
            assert_eq!(out.stdout(), "sums 1.0.0\n", "{tool}: {}", out.stderr());
        }
    }

    // Offline and outside the project, the cached file the lock vouched for is not taken
    // for the release's.
    env.run(&["uninstall", "sums"]).expect_code(0);
    env.run(&["install", "sums", "--offline"]).expect_code(4);
    assert!(env.installed_bytes("sums").is_none());

    // The other way round: synced first, the lock's bytes are not taken for the release's
    // by the user's install, which downloads and verifies its own, and leaves the project's.
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    env.run(&["install", "sums"])
        .expect_code(0)
        .stderr_has("verified by checksums.txt");
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "1.0.0")));
    assert_eq!(
        std::fs::read(dir.join(".haul/bin").join(&exe)).ok(),
        Some(program("sums", "other bytes"))
    );
}

/// A lock comes with the repository: an entry that says it was locked for what haul.toml asks,
/// but names another source or a release the requirement does not allow, is not current
/// (`sync --frozen` and `exec` refuse it, `haul lock` locks again), and one that names a key
/// twice cannot be read.
#[test]
fn a_lock_must_pin_what_the_manifest_asks() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    for (what, tampered) in [
        (
            "another source",
            text.replace(
                "source = \"github:acme/sums\"",
                "source = \"github:acme/other\"",
            ),
        ),
        (
            "a release the requirement does not allow",
            text.replace("tag = \"v1.0.0\"", "tag = \"v0.0.1\"")
                .replace("version = \"1.0.0\"", "version = \"0.0.1\""),
        ),
    ] {
        assert_ne!(tampered, text, "{what}");
        std::fs::write(dir.join("haul.lock"), &tampered).unwrap();
        run_in(&env, &dir, &["sync", "--frozen"])
            .expect_code(1)
            .stderr_has("haul.lock does not match haul.toml");
        run_in(&env, &dir, &["exec", "sums"])
            .expect_code(1)
            .stderr_has("haul.lock does not match haul.toml");
        assert!(env.snapshot().is_empty(), "{what}");
        run_in(&env, &dir, &["lock"]).expect_code(0);
        assert_eq!(
            std::fs::read_to_string(dir.join("haul.lock")).unwrap(),
            text,
            "{what}"
        );
    }
    let entry = &text[text.find("[[tool]]").unwrap()..];
    std::fs::write(dir.join("haul.lock"), format!("{text}\n{entry}")).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(1)
        .stderr_has("two entries have the key `sums`");
    assert!(env.snapshot().is_empty());
}

/// When the user's active version goes and only a project's version is left, nothing becomes
/// active: the project's bytes (only its lock vouched for them) never become the user's tool
/// by default. Removing the project's last version removes the tool, record and all.
#[test]
fn a_projects_version_never_becomes_the_users_by_default() {
    let env = TestEnv::new();
    let dir = user_and_project(&env);
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let in_project = dir.join(".haul/bin").join(format!("sums{EXE}"));
    // A second project pinning the same version: `which` there names its own link.
    let other = env.dir.path().join("second-project");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(dir.join("haul.toml"), other.join("haul.toml")).unwrap();
    run_in(&env, &other, &["sync"]).expect_code(0);
    let which = run_in(&env, &other, &["which", "sums"]);
    which.expect_code(0);
    assert!(
        which.stdout().contains("second-project"),
        "{}",
        which.stdout()
    );
    std::fs::remove_dir_all(&other).unwrap();

    env.run(&["uninstall", "sums@2.0.0", "--force"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("sums"), None);
    // Outside the project, nothing is the user's: `which` says so, and `outdated` and `upgrade`
    // leave the project's version to its lock.
    env.run(&["which", "sums"])
        .expect_code(1)
        .stderr_has("has no active version linked");
    env.run(&["outdated"]).expect_code(0);
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(env.installed_bytes("sums"), None);
    assert_eq!(
        std::fs::read(&in_project).ok(),
        Some(program("sums", "1.0.0"))
    );
    let all = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["active"], false);
    env.run(&["list"])
        .expect_code(0)
        .stderr_has("no tools active; 1 tool stored with no version active");

    let record = record_of(&env, "sums");
    let key = record["versions"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    env.run(&["uninstall", &format!("sums@{key}")])
        .expect_code(0);
    assert!(!env.home().join("records/sums.json").exists());
    assert!(!in_project.exists());
}

/// A lock pins bytes: an executable of the project's version changed since is reported with
/// `haul sync` as what puts it back, and `haul sync` does.
#[test]
fn sync_puts_back_an_executable_changed_since() {
    let env = TestEnv::new();
    let dir = user_and_project(&env);
    run_in(&env, &dir, &["sync"]).expect_code(0);
    // The file in the store the project's link is made from, as the record names it.
    let record = record_of(&env, "sums");
    let key = record["links"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|l| l["version"].as_str())
        .unwrap();
    let stored = env
        .home()
        .join("tools/sums")
        .join(key)
        .join(record["versions"][key]["bins"][0]["path"].as_str().unwrap());
    std::fs::write(&stored, "#!/bin/sh\necho patched, and longer than before\n").unwrap();
    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("has changed since it was installed")
        .stderr_has("`haul sync` in the project that locks it installs it again");
    run_in(&env, &dir, &["sync"]).expect_code(0);
    run_in(&env, &dir, &["which", "sums"]).expect_code(0);
    assert_eq!(std::fs::read(&stored).ok(), Some(program("sums", "1.0.0")));
    assert_eq!(
        std::fs::read(dir.join(".haul/bin").join(format!("sums{EXE}"))).ok(),
        Some(program("sums", "1.0.0"))
    );
    // The user's own version is as it was.
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
}

/// A sync that crashed before it linked, into a project that is gone by the next haul command:
/// completing the change makes nothing where the project was.
#[cfg(unix)]
#[test]
fn completing_a_crashed_sync_makes_nothing_for_a_project_gone_since() {
    let env = TestEnv::new();
    let dir = user_and_project(&env);
    crate::support::paused_at(
        env.command().current_dir(&dir).arg("sync"),
        "journal-written",
    )
    .kill();
    std::fs::remove_dir_all(&dir).unwrap();
    env.run(&["list"]).expect_code(0);
    assert!(!dir.exists());
    assert!(std::fs::read_dir(env.home().join("journal")).map_or(true, |mut d| d.next().is_none()));
    assert_eq!(env.installed_bytes("sums"), Some(program("sums", "2.0.0")));
}

/// `haul lock` reads a release's checksums as an install reads them, so a release an install
/// refuses is not locked either (exit 4, no lock written): an API digest and a checksum file
/// that disagree (the asset was replaced after its checksums were published), a malformed
/// checksum file beside a digest, and a per-asset SHA-512 that the file does not match.
#[test]
fn lock_refuses_a_release_whose_checksums_an_install_refuses() {
    // (what the error says, the checksum files, the API digest)
    type Case<'a> = (&'a str, Vec<(String, String)>, Option<String>);
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let evil = tar_gz_release("widget", "6.6.6");
    let (good, bad) = (sha256_hex(&bytes), sha256_hex(&evil));
    let sha512 = archive::sha512_hex(&bytes);
    let cases: [Case; 3] = [
        (
            "api-digest says",
            vec![("checksums.txt".to_owned(), format!("{good}  {asset}\n"))],
            Some(format!("sha256:{bad}")),
        ),
        (
            "is malformed",
            vec![(
                "SHA256SUMS".to_owned(),
                format!("{}  {asset}\n", &good[1..]),
            )],
            Some(format!("sha256:{good}")),
        ),
        (
            "checksum mismatch",
            vec![
                (format!("{asset}.sha512"), format!("{sha512}  {asset}\n")),
                ("checksums.txt".to_owned(), format!("{bad}  {asset}\n")),
            ],
            None,
        ),
    ];
    for (says, files, digest) in cases {
        let env = TestEnv::new();
        let mut release = env.server.release("acme/widget", "v1.0.0");
        release = match &digest {
            Some(digest) => release.asset_with_given_digest(&asset, &evil, digest),
            None => release.asset(&asset, &evil),
        };
        for (name, text) in &files {
            release = release.asset(name, text.as_bytes());
        }
        release.publish();
        let host = env.run(&["info", "acme/widget", "--json"]).json()["host"]
            .as_str()
            .unwrap()
            .trim_end_matches("-musl")
            .to_owned();
        let dir = project(
            &env,
            &format!("[settings]\nplatforms = [\"{host}\"]\n\n[tools]\n\"acme/widget\" = \"1\"\n"),
        );
        run_in(&env, &dir, &["lock"])
            .expect_code(4)
            .stderr_has(says);
        assert!(!dir.join("haul.lock").exists(), "{says}");
        env.run(&["install", "acme/widget"])
            .expect_code(4)
            .stderr_has(says);
    }
}

/// A lock a newer haul wrote is neither installed from nor written again by this haul: both
/// say to update haul, and the lock stays as it is.
#[test]
fn a_lock_from_a_newer_haul_is_left_as_it_is() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let mut lock: toml::Table = toml::from_str(&text).unwrap();
    lock.insert("format".to_owned(), toml::Value::Integer(99));
    let newer = toml::to_string(&lock).unwrap();
    std::fs::write(dir.join("haul.lock"), &newer).unwrap();
    for args in [&["lock"][..], &["sync"][..]] {
        run_in(&env, &dir, args)
            .expect_code(1)
            .stderr_has("written by a newer haul (format 99)")
            .stderr_has("haul self update");
        assert_eq!(
            std::fs::read_to_string(dir.join("haul.lock")).unwrap(),
            newer,
            "{args:?}"
        );
    }
}

/// `haul sync` installs the lock whole or not at all: when one tool's download does not have
/// its locked hash, the others, downloaded and verified meanwhile, are not installed either
/// (nothing changes, nothing is left staged), and the exit code is the failure's. Once the
/// lock is right, the same sync installs all of them.
#[test]
fn sync_installs_every_tool_of_the_lock_or_none() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let host = lock_platform(&env);
    let digest = lock["tool"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"].as_str() == Some("acme/digest"))
        .unwrap();
    let sha = digest["platforms"][host.as_str()][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(dir.join("haul.lock"), text.replace(&sha, &"0".repeat(64))).unwrap();

    let run = run_in(&env, &dir, &["sync", "--json"]);
    run.expect_code(4)
        .stderr_has("checksum mismatch")
        .stderr_has("1 of 3 tools failed: acme/digest")
        .stderr_has("nothing was installed")
        .stderr_has("Withheld")
        .stderr_has("sums: ready, but not installed");
    let json = run.json();
    assert_eq!(json["installed"], serde_json::json!([]), "{json}");
    assert_eq!(json["failed"].as_array().map(Vec::len), Some(3), "{json}");
    assert!(env.snapshot().is_empty(), "a tool was installed");
    assert_eq!(env.staging_entries(), Vec::<String>::new());

    std::fs::write(dir.join("haul.lock"), &text).unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);
    // Again: nothing to do, and no flag sync does not have is suggested.
    let again = run_in(&env, &dir, &["sync"]);
    again.expect_code(0).stderr_has("is already installed");
    assert!(!again.stderr().contains("--force"), "{}", again.stderr());
    assert_three_tools_installed(&env);
}

/// A locked URL's credentials go to the server only: `haul mirror`'s messages about that file
/// hide them.
#[test]
fn mirror_never_prints_a_locked_urls_credentials() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let host = env.server.url.trim_start_matches("http://").to_owned();
    let secret = text.replacen(
        &format!("http://{host}/dl/acme/sums/"),
        &format!("http://ci:pAsSw0rd@{host}/dl/acme/sums/"),
        1,
    );
    assert_ne!(secret, text);
    std::fs::write(dir.join("haul.lock"), &secret).unwrap();
    let start = secret.find("http://ci:pAsSw0rd@").unwrap();
    let end = start + secret[start..].find('"').unwrap();
    let path = secret[start..end].trim_start_matches(&format!("http://ci:pAsSw0rd@{host}"));
    env.server
        .fault(path, &[crate::support::server::Fault::Status(404)]);
    let mirror = env.dir.path().join("mirror");
    let run = run_in(&env, &dir, &["mirror", &mirror.display().to_string()]);
    run.expect_code(1).stderr_has("***@");
    assert!(!run.stderr().contains("pAsSw0rd"), "{}", run.stderr());
}

/// A symbolic link on a file's way under the mirror directory (planted in a shared mirror)
/// is refused: haul writes and replaces files only inside the directory it was given.
#[cfg(unix)]
#[test]
fn mirror_writes_nothing_through_a_link_in_its_directory() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    let elsewhere = env.dir.path().join("elsewhere");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let origin = mirror_origin(&env);
    std::os::unix::fs::symlink(&elsewhere, mirror.join(&origin)).unwrap();
    run_in(&env, &dir, &["mirror", &mirror.display().to_string()])
        .expect_code(1)
        .stderr_has("is a symbolic link; haul mirror writes only inside");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Start `haul mirror` with a download that stalls half-way, and send it `signal` then:
/// the test's project, the mirror directory and what the process left.
#[cfg(unix)]
fn mirror_stopped_by(
    env: &TestEnv,
    signal: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::process::Output) {
    let dir = three_tools(env);
    run_in(env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    let path = Server::download_path("acme/sums", "v1.0.0", "checksums.txt");
    env.server.fault(&path, &[crate::support::Fault::Hang]);
    let mut mirror_run = env.command();
    mirror_run
        .current_dir(&dir)
        .args(["mirror", "-j", "1", &mirror.display().to_string()]);
    let out = env.signal_when_hung(&path, mirror_run, signal);
    (dir, mirror, out)
}

/// The names under `dir` that start with a dot (partial files), at any depth.
fn dot_files(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(next) = dirs.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                found.push(name);
            } else if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            }
        }
    }
    found
}

/// Ctrl-C during `haul mirror`: exit 130, no partial file in the directory that will be
/// served, and running it again finishes the mirror.
#[cfg(unix)]
#[test]
fn ctrl_c_during_mirror_leaves_no_partial_file() {
    let env = TestEnv::new();
    let (dir, mirror, out) = mirror_stopped_by(&env, "INT");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(dot_files(&mirror), Vec::<String>::new());
    run_in(&env, &dir, &["mirror", &mirror.display().to_string()]).expect_code(0);
}

/// A `haul mirror` killed outright (`kill -9`, a power cut) leaves its partial file, which no
/// process holds locked any more: the next run removes it, and leaves one a running mirror
/// holds, and a file of a like name that is not haul's.
#[test]
fn a_killed_mirrors_partial_file_goes_with_the_next_run() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    let sums = Server::download_path("acme/sums", "v1.0.0", "checksums.txt");
    let origin = mirror_origin(&env);
    let beside = mirror
        .join(&origin)
        .join(sums.trim_start_matches('/'))
        .with_file_name("");
    std::fs::create_dir_all(&beside).unwrap();
    for name in [
        ".haul-partial-dEad01",
        ".haul-partial-live01",
        ".haul-partial-notes",
    ] {
        std::fs::write(beside.join(name), "partial").unwrap();
    }
    let held = std::fs::File::open(beside.join(".haul-partial-live01")).unwrap();
    held.lock().unwrap();
    // Also where no file of this lock goes (a release an earlier lock named).
    let earlier = mirror.join(&origin).join("dl/acme/sums/v0.9.0");
    std::fs::create_dir_all(&earlier).unwrap();
    std::fs::write(earlier.join(".haul-partial-gOne01"), "partial").unwrap();
    run_in(&env, &dir, &["mirror", &mirror.display().to_string()]).expect_code(0);
    let mut left = dot_files(&mirror);
    left.sort();
    assert_eq!(left, [".haul-partial-live01", ".haul-partial-notes"]);
    drop(held);
}

/// `haul mirror` writes a checksum file as it comes (the lock pins no hash for it), so its
/// request carries no GitHub token: a lock naming an API URL there must not put an
/// authenticated answer into a directory meant to be served. Files the lock pins a hash for
/// are written only when they have it, and keep the token on the API's origin.
#[test]
fn mirror_sends_no_token_for_what_it_writes_unchecked() {
    let env = TestEnv::new().env("HAUL_GITHUB_TOKEN", "s3cret");
    let dir = locked_sums(&env).0;
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let sums = format!("{}/dl/acme/sums/v1.0.0/checksums.txt", env.server.url);
    assert!(text.contains(&sums), "{text}");
    let api = format!("{}/repos/acme/sums", env.server.url);
    std::fs::write(dir.join("haul.lock"), text.replace(&sums, &api)).unwrap();
    let mirror = env.dir.path().join("mirror");
    run_in(&env, &dir, &["mirror", &mirror.display().to_string()]);
    let asked = env.server.requests_to("/repos/acme/sums");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].header("authorization"), None);
    let pinned = env
        .server
        .requests_to("/dl/acme/sums/v1.0.0/sums-1.0.0-x86_64-unknown-linux-musl.tar.gz");
    assert!(
        !pinned.is_empty()
            && pinned
                .iter()
                .all(|r| r.header("authorization") == Some("Bearer s3cret")),
        "{pinned:?}"
    );
}

/// Before `haul sync` changes anything, every tool's change must be one it can make: a file of
/// the user's where a later tool's link goes, or two tools of haul.toml linked under one name,
/// leave every tool as it was (the user's file too), and the error says what to do instead of
/// `--force`, which sync does not take.
#[test]
fn sync_checks_every_link_before_it_changes_anything() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    std::fs::create_dir_all(env.bin_dir()).unwrap();
    let mine = env.bin_dir().join(format!("sums{EXE}"));
    std::fs::write(&mine, b"my own sums").unwrap();
    let before = env.snapshot();
    let run = run_in(&env, &dir, &["sync"]);
    run.expect_code(1)
        .stderr_has("already exists and haul did not install it")
        .stderr_has("move it away")
        .stderr_has("nothing was installed");
    assert!(!run.stderr().contains("--force"), "{}", run.stderr());
    assert_eq!(env.snapshot(), before);
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own sums");
    std::fs::remove_file(&mine).unwrap();

    // Two tools linked under one name: `haul lock` refuses to write such a lock, and a lock
    // edited to say it anyway is refused by sync before anything changes.
    let manifest =
        |link: &str| format!("{MANIFEST}\"acme/gizmo\" = {{ bin = [\"gizmo={link}\"] }}\n");
    publish(&env.server, "acme/gizmo", "1.0.0", Vouch::ApiDigest);
    std::fs::write(dir.join("haul.toml"), manifest("bare")).unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(2)
        .stderr_has("`acme/gizmo` and `bare` in haul.toml would both be linked as `bare`");
    std::fs::write(dir.join("haul.toml"), manifest("gadget")).unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let lock = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    std::fs::write(
        dir.join("haul.lock"),
        lock.replace("gizmo=gadget", "gizmo=bare"),
    )
    .unwrap();
    std::fs::write(dir.join("haul.toml"), manifest("bare")).unwrap();
    let run = run_in(&env, &dir, &["sync", "--frozen"]);
    run.expect_code(1)
        .stderr_has("would both be linked at")
        .stderr_has("nothing was installed");
    assert!(env.snapshot().is_empty(), "a tool was installed");

    // Links that differ only in case (one file on Windows and macOS), and a fork beside its
    // original (a second tool of the same name, which no command could read from the lock),
    // are refused by `haul lock` too, leaving haul.lock as it was.
    let before = std::fs::read(dir.join("haul.lock")).unwrap();
    std::fs::write(dir.join("haul.toml"), manifest("Bare")).unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(2)
        .stderr_has("would both be linked as `Bare` and `bare`, one file on Windows and macOS");
    publish(&env.server, "fork/bare", "1.0.0", Vouch::ApiDigest);
    std::fs::write(
        dir.join("haul.toml"),
        format!("{MANIFEST}\"fork/bare\" = {{ bin = [\"bare=bare2\"] }}\n"),
    )
    .unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(2)
        .stderr_has("`bare` and `fork/bare` in haul.toml are both tools named `bare`");
    assert_eq!(std::fs::read(dir.join("haul.lock")).unwrap(), before);
}

/// A file uploaded again under a locked tag is what a lock is there to catch: adding or
/// removing a platform keeps what is pinned for the others byte for byte, and `lock
/// --upgrade`, which locks the release again, says which file changed.
#[test]
fn locking_another_platform_keeps_the_others_pins() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let manifest = |platforms: &str| {
        format!("[settings]\nplatforms = [{platforms}]\n\n[tools]\nsums = \"1\"\n")
    };
    let dir = project(&env, &manifest("\"linux-x86_64\""));
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let pin = |platform: &str| -> Option<String> {
        let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
        let lock: toml::Table = toml::from_str(&text).unwrap();
        lock["tool"][0]["platforms"]
            .get(platform)
            .map(|files| files[0]["sha256"].as_str().unwrap().to_owned())
    };
    let day_one = pin("linux-x86_64").unwrap();
    publish_saying(
        &env.server,
        "acme/sums",
        "1.0.0",
        Vouch::ChecksumFile,
        "uploaded again",
    );
    std::fs::write(
        dir.join("haul.toml"),
        manifest("\"linux-x86_64\", \"macos-aarch64\""),
    )
    .unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    assert_eq!(pin("linux-x86_64").as_deref(), Some(day_one.as_str()));
    assert!(pin("macos-aarch64").is_some());
    std::fs::write(dir.join("haul.toml"), manifest("\"linux-x86_64\"")).unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    assert_eq!(pin("linux-x86_64").as_deref(), Some(day_one.as_str()));
    assert_eq!(pin("macos-aarch64"), None);

    // A name haul.toml does not have is refused, naming those it has.
    run_in(&env, &dir, &["lock", "--upgrade", "sumz"])
        .expect_code(2)
        .stderr_has("`sumz` is not in haul.toml")
        .stderr_has("name a tool as haul.toml does: `sums`");
    run_in(&env, &dir, &["lock", "--upgrade"])
        .expect_code(0)
        .stderr_has("for linux-x86_64 changed (sha256");
    assert_ne!(pin("linux-x86_64").as_deref(), Some(day_one.as_str()));
}

/// A change that fails once every tool is ready (here `tools/NAME` is a file, so the first
/// tool's version cannot be moved into place) stops the sync: the tools after it are
/// withheld, not installed one by one past the failure.
#[test]
fn a_failed_change_during_sync_withholds_the_rest() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let first = lock["tool"][0]["name"].as_str().unwrap().to_owned();
    std::fs::create_dir_all(env.home().join("tools")).unwrap();
    std::fs::write(env.home().join("tools").join(&first), b"in the way").unwrap();
    let run = run_in(&env, &dir, &["sync", "--frozen"]);
    run.expect_code(1).stderr_has("Withheld");
    for tool in ["sums", "digest", "bare"] {
        assert_eq!(env.installed_bytes(tool), None, "{tool}");
    }
    let _ = std::fs::remove_file(env.home().join("tools").join(&first));
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    assert_three_tools_installed(&env);

    // The second fails: the first stays installed, the third is withheld, and the summary
    // says so (not that "the other tools were installed").
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let second = lock["tool"][1]["name"].as_str().unwrap().to_owned();
    let third = lock["tool"][2]["name"].as_str().unwrap().to_owned();
    std::fs::create_dir_all(env.home().join("tools")).unwrap();
    std::fs::write(env.home().join("tools").join(&second), b"in the way").unwrap();
    let run = run_in(&env, &dir, &["sync", "--frozen"]);
    run.expect_code(3)
        .stderr_has(&format!("Withheld {third}"))
        .stderr_has("the ones withheld were not: run the command again");
    assert!(env.installed_bytes(&first).is_some());
    assert_eq!(env.installed_bytes(&third), None);
}

/// A project's bin-dir holds the lock's tools and nothing else: after `haul remove` and a
/// sync, the removed tool's link there goes (its version stays stored until `prune`).
#[test]
fn sync_unlinks_what_the_lock_no_longer_names() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    publish(&env.server, "acme/bare", "1.0.0", Vouch::ChecksumFile);
    let dir = project(
        &env,
        "[tools]\nsums = \"1\"\nbare = \"1\"\n[settings]\nbin-dir = \".haul/bin\"\n",
    );
    // `--bin-dir` beside the project's own is refused before anything is locked.
    run_in(&env, &dir, &["sync", "--bin-dir", "elsewhere"])
        .expect_code(2)
        .stderr_has("both say where to link");
    assert!(!dir.join("haul.lock").exists());
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let linked = |tool: &str| dir.join(".haul/bin").join(format!("{tool}{EXE}")).exists();
    assert!(linked("sums") && linked("bare"));
    run_in(&env, &dir, &["remove", "bare"]).expect_code(0);
    run_in(&env, &dir, &["sync"])
        .expect_code(0)
        .stderr_has("Unlinked bare");
    assert!(linked("sums") && !linked("bare"));
    let prunable = env.run(&["prune", "--dry-run", "--json"]).json()["versions"].to_string();
    assert!(prunable.contains("bare"), "{prunable}");
    let again = run_in(&env, &dir, &["sync"]);
    again.expect_code(0);
    assert!(!again.stderr().contains("Unlinked"), "{}", again.stderr());

    // A file of the user's own where the link was is left, and said so, not "Unlinked".
    run_in(&env, &dir, &["add", "bare@1"]).expect_code(0);
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let bare = dir.join(".haul/bin").join(format!("bare{EXE}"));
    std::fs::remove_file(&bare).unwrap();
    std::fs::write(&bare, "mine").unwrap();
    run_in(&env, &dir, &["remove", "bare"]).expect_code(0);
    let mine = run_in(&env, &dir, &["sync"]);
    mine.expect_code(0)
        .stderr_has("the file there is not a link haul made");
    assert!(!mine.stderr().contains("Unlinked"), "{}", mine.stderr());
    assert_eq!(std::fs::read(&bare).unwrap(), b"mine");
}

/// A requirement edited so that the locked release still fits it keeps that release (as Cargo
/// does); one it no longer fits moves, and `haul lock` says from what.
#[test]
fn a_requirement_the_locked_release_still_fits_keeps_it() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\nsums = \"1.0.0\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    publish(&env.server, "acme/sums", "2.0.0", Vouch::ChecksumFile);
    let locked_version = || {
        let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
        let lock: toml::Table = toml::from_str(&text).unwrap();
        lock["tool"][0]["version"].as_str().unwrap().to_owned()
    };
    std::fs::write(dir.join("haul.toml"), "[tools]\nsums = \">=1.0.0\"\n").unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(0)
        .stderr_has("Kept sums 1.0.0 (`>=1.0.0` allows it)");
    assert_eq!(locked_version(), "1.0.0");
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    std::fs::write(dir.join("haul.toml"), "[tools]\nsums = \"2\"\n").unwrap();
    run_in(&env, &dir, &["lock"])
        .expect_code(0)
        .stderr_has("Locked sums 2.0.0 (was 1.0.0)");
    assert_eq!(locked_version(), "2.0.0");
}

/// A SHA-512 the lock keeps (it verified the file when it was locked) is checked by `sync`
/// too, not only the SHA-256.
#[test]
fn sync_checks_the_locked_sha512() {
    let env = TestEnv::new();
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let sha512 = archive::sha512_hex(&bytes);
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset(
            &format!("{asset}.sha512"),
            format!("{sha512}  {asset}\n").as_bytes(),
        )
        .publish();
    let dir = project(&env, "[tools]\n\"acme/widget\" = \"1\"\n");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    assert!(text.contains(&sha512), "{text}");
    let flipped = format!(
        "{}{}",
        if sha512.starts_with('0') { '1' } else { '0' },
        &sha512[1..]
    );
    std::fs::write(dir.join("haul.lock"), text.replace(&sha512, &flipped)).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(4)
        .stderr_has("checksum mismatch");
    assert!(env.snapshot().is_empty());
    // `mirror` checks it as `sync` does: no mirror that sync would refuse.
    let mirror = env.dir.path().join("mirror").display().to_string();
    run_in(&env, &dir, &["mirror", &mirror])
        .expect_code(4)
        .stderr_has(&format!("expected sha512:{flipped}"));
    // A hash that is not one is the lock's fault, and said so.
    let sha256 = sha256_hex(&bytes);
    std::fs::write(dir.join("haul.lock"), text.replace(&sha256, &sha256[1..])).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"])
        .expect_code(4)
        .stderr_has(&format!("haul.lock's SHA-256 for `{asset}` is malformed"));
    std::fs::write(dir.join("haul.lock"), &text).unwrap();
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    // The lock is named once for both of its hashes.
    let rows = env.run(&["list", "--json"]).json();
    assert_eq!(rows[0]["verified_by"], "haul.lock", "{rows}");
}

/// `mirror` and `sbom` take the lock as it is, but say when it is not what haul.toml asks
/// now (`sync --frozen` would refuse it).
#[test]
fn mirror_and_sbom_say_when_the_lock_is_stale() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror").display().to_string();
    let quiet = run_in(&env, &dir, &["sbom"]);
    quiet.expect_code(0);
    assert!(
        !quiet.stderr().contains("does not match"),
        "{}",
        quiet.stderr()
    );
    run_in(&env, &dir, &["remove", "bare"]).expect_code(0);
    run_in(&env, &dir, &["mirror", &mirror])
        .expect_code(0)
        .stderr_has("haul.lock does not match haul.toml (`bare`");
    run_in(&env, &dir, &["sbom"])
        .expect_code(0)
        .stderr_has("haul.lock does not match haul.toml");
}

/// A tool whose release has no build for this platform (the lock says `unavailable`) is not
/// told to add a platform the project lists already, and is not left out of `haul sbom`'s
/// inventory without a word.
#[test]
fn sync_of_a_tool_with_no_build_here_says_so() {
    let env = TestEnv::new();
    let other = crate::support::another_platform();
    env.server
        .release("acme/sums", "v1.0.0")
        .asset(
            &asset_name("sums", "1.0.0", other),
            &archive_for("sums", "1.0.0", other, "1.0.0"),
        )
        .publish();
    let host = lock_platform(&env);
    let dir = project(
        &env,
        &format!("[settings]\nplatforms = [\"{host}\"]\n\n[tools]\n\"acme/sums\" = \"1\"\n"),
    );
    run_in(&env, &dir, &["lock"])
        .expect_code(0)
        .stderr_has(&format!("nothing for {host}"));
    let run = run_in(&env, &dir, &["sync"]);
    run.expect_code(1)
        .stderr_has(&format!("has no build for {host}"))
        .stderr_has("sync this project on another platform");
    assert!(
        !run.stderr().contains("add this platform"),
        "{}",
        run.stderr()
    );
    // Nor is the inventory of what sync installs here whole: said, and exit 1.
    run_in(&env, &dir, &["sbom"])
        .expect_code(1)
        .stderr_has(&format!("`acme/sums` has no build for {host}"));
}

/// A file in the mirror that is not what the lock pins is replaced only by a download that
/// has the locked hash: one that fails leaves the file as it was (it may be another's, and a
/// lock alone must not make haul delete it), and the next run that can fetch replaces it.
/// No partial file is left beside it.
#[test]
fn mirror_replaces_a_file_only_with_a_verified_download() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    run_in(&env, &dir, &["mirror", &mirror_arg]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let url = lock["tool"][0]["platforms"]
        .as_table()
        .unwrap()
        .values()
        .next()
        .unwrap()[0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = url.trim_start_matches(&env.server.url).to_owned();
    let origin = mirror_origin(&env);
    let kept = mirror.join(&origin).join(path.trim_start_matches('/'));
    assert!(kept.is_file(), "{}", kept.display());
    let good = std::fs::read(&kept).unwrap();
    std::fs::write(&kept, b"damaged").unwrap();
    env.server
        .fault(&path, &[crate::support::server::Fault::Status(404)]);
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(1)
        .stderr_has("1 file could not be mirrored");
    assert_eq!(std::fs::read(&kept).unwrap(), b"damaged");
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        .stderr_has("1 fetched");
    assert_eq!(std::fs::read(&kept).unwrap(), good);
    let beside: Vec<String> = std::fs::read_dir(kept.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

/// The lock another haul holds while it changes the project in `dir` (as `project::hold`
/// names it: the first 16 hex digits of the SHA-256 of the directory's canonical path), held
/// by the test until the file goes.
fn hold_project(env: &TestEnv, dir: &std::path::Path) -> std::fs::File {
    let canonical = std::fs::canonicalize(dir).unwrap();
    let hash = sha256_hex(canonical.to_string_lossy().as_bytes());
    let path = env
        .home()
        .join("projects")
        .join(format!("{}.lock", &hash[..16]));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    file.lock().unwrap();
    file
}

/// What a command says when another haul holds its project.
const WAITING_FOR_PROJECT: &str = "waiting for another haul to finish with the project in";

/// Commands that change a project take turns: an `add` that waits while another haul holds the
/// project reads haul.toml once it may go on, so that neither addition is lost.
#[test]
fn commands_that_change_a_project_take_turns() {
    let env = TestEnv::new();
    let dir = project(&env, "[tools]\n");
    let held = hold_project(&env, &dir);
    let (mut add, _stderr) = crate::support::started_until(
        env.command().current_dir(&dir).args(["add", "acme/widget"]),
        WAITING_FOR_PROJECT,
    );
    // Meanwhile the other haul adds a tool of its own.
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\n\"acme/gizmo\" = \"latest\"\n",
    )
    .unwrap();
    drop(held);
    assert!(add.wait().unwrap().success());
    let text = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(text.contains("\"acme/gizmo\" = \"latest\""), "{text}");
    assert!(text.contains("\"acme/widget\" = \"latest\""), "{text}");
}

/// `sync` holds the project to its end: its lock and its unlinking are decided from the
/// haul.toml and haul.lock it read, which no other haul changes meanwhile.
#[test]
fn sync_waits_for_another_haul_changing_the_project() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    let held = hold_project(&env, &dir);
    let (mut sync, _stderr) = crate::support::started_until(
        env.command().current_dir(&dir).arg("sync"),
        WAITING_FOR_PROJECT,
    );
    assert!(
        !dir.join("haul.lock").exists(),
        "nothing is written while it waits"
    );
    drop(held);
    assert!(sync.wait().unwrap().success());
    assert!(dir.join("haul.lock").is_file());
}

/// A project command needs nothing of haul's home: where the home cannot take the project's
/// lock (read-only, or not a directory), `add` still edits haul.toml.
#[test]
fn add_works_where_hauls_home_cannot_be_written() {
    let env = TestEnv::new();
    let dir = project(&env, "[tools]\n");
    let blocker = env.dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"").unwrap();
    crate::support::Run::of(
        env.command()
            .current_dir(&dir)
            .env("HAUL_HOME", blocker.join("home"))
            .args(["add", "acme/widget"]),
    )
    .expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    assert!(text.contains("\"acme/widget\" = \"latest\""), "{text}");
}

/// The user's tool and a project's own bin-dir ask for other executables of one release
/// (`--bin alpha`; `bin = ["alpha", "beta"]`): each keeps its own, stored apart. They shared
/// one stored version, which each re-stored with its executables: the user's tool was BROKEN
/// (`beta` not linked), `doctor --fix` linked `beta` for the user, and the two downloaded it
/// again in turn.
#[test]
fn a_project_and_the_user_ask_for_other_executables_of_one_release() {
    let env = TestEnv::new();
    crate::support::publish_two(&env.server, "acme/kit", "alpha", "beta", "1.0.0");
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    let dir = project(
        &env,
        "[tools]\n\"acme/kit\" = { version = \"1.0.0\", bin = [\"alpha\", \"beta\"] }\n[settings]\nbin-dir = \".haul/bin\"\n",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let in_project =
        |bin: &str| std::fs::read(dir.join(".haul/bin").join(format!("{bin}{EXE}"))).ok();
    assert_eq!(in_project("alpha"), Some(program("alpha", "1.0.0")));
    assert_eq!(in_project("beta"), Some(program("beta", "1.0.0")));
    let whole = |env: &TestEnv| {
        let list = env.run(&["list", "--json"]).json();
        assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
        assert_eq!(list[0]["bins"].as_array().map(Vec::len), Some(1), "{list}");
    };
    whole(&env);
    let fixable = |env: &TestEnv| {
        let doctor = env.run(&["doctor", "--json"]).json();
        let problems = doctor["problems"].as_array().unwrap().clone();
        problems
            .into_iter()
            .filter(|p| p["fixable"] == true)
            .count()
    };
    assert_eq!(fixable(&env), 0);
    env.run(&["doctor", "--fix"]);
    assert_eq!(env.installed_bytes("beta"), None);
    // Each again changes nothing of the other's, and downloads nothing.
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0)
        .stderr_has("already installed");
    run_in(&env, &dir, &["sync"])
        .expect_code(0)
        .stderr_has("already installed");
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha", "--force"])
        .expect_code(0);
    whole(&env);
    assert_eq!(in_project("beta"), Some(program("beta", "1.0.0")));
    run_in(&env, &dir, &["sync"])
        .expect_code(0)
        .stderr_has("already installed");
    assert_eq!(fixable(&env), 0);
    // A project's link gone is the project's to put back: the user's install is unchanged
    // (it said "Linked" every time, making nothing).
    std::fs::remove_file(dir.join(".haul/bin").join(format!("alpha{EXE}"))).unwrap();
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0)
        .stderr_has("already installed");
}

/// A project's copy of a release with other executables than the user's stays apart from the
/// version the user may roll back to (the sync took it over, and the user's rollback linked
/// `beta`); its repair hint is the project's sync (it named an `exec` that repaired nothing);
/// and removing it says which copy went (it said `1.0.0` while the user's stayed).
#[test]
fn a_projects_copy_leaves_the_users_history_alone() {
    let env = TestEnv::new();
    for version in ["1.0.0", "2.0.0"] {
        crate::support::publish_two(&env.server, "acme/kit", "alpha", "beta", version);
    }
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    env.run(&["install", "acme/kit@2.0.0", "--bin", "alpha"])
        .expect_code(0);
    let dir = project(
        &env,
        "[tools]\n\"acme/kit\" = { version = \"1.0.0\", bin = [\"alpha\", \"beta\"] }\n[settings]\nbin-dir = \".haul/bin\"\n",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    env.run(&["rollback", "alpha"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    assert_eq!(env.installed_bytes("beta"), None);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
    // The project's copy, its `beta` gone: `haul sync` there puts it back.
    let copy = env
        .run(&["list", "--all", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find_map(|row| {
            let key = row["key"].as_str()?;
            key.starts_with("1.0.0+").then(|| key.to_owned())
        })
        .expect("the project's copy");
    let beta = env.home().join(format!("tools/alpha/{copy}/d/beta{EXE}"));
    std::fs::remove_file(&beta).unwrap();
    let doctor = env.run(&["doctor"]);
    assert!(
        doctor
            .stdout()
            .contains("`haul sync` in the project whose bin-dir is"),
        "{}",
        doctor.stdout()
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    assert!(beta.is_file());
    // The project gone, prune removes its copy, saying which.
    std::fs::remove_dir_all(&dir).unwrap();
    env.run(&["prune"])
        .expect_code(0)
        .stderr_has(&format!("alpha 1.0.0 ({copy}, "));
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
}

/// Copies of one release for projects asking for other executables are told apart by which
/// file each link runs, not by the links' names alone: a project asking for `beta` was given
/// another's copy whose `beta` ran `gamma`. The user's dry run leaves a project's links to
/// the project (a file of the user's at one failed the dry run, not the upgrade).
#[test]
fn copies_are_told_apart_by_the_files_their_links_run() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    env.run(&["install", "acme/kit@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    let in_project = |name: &str, bins: &str| {
        let dir = env.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("haul.toml"),
            format!(
                "[tools]\n\"acme/kit\" = {{ version = \"1.0.0\", bin = [{bins}] }}\n[settings]\nbin-dir = \".haul/bin\"\n"
            ),
        )
        .unwrap();
        run_in(&env, &dir, &["sync"]).expect_code(0);
        dir
    };
    let p1 = in_project("p1", "\"alpha\", \"gamma=beta\"");
    let p2 = in_project("p2", "\"alpha\", \"beta\"");
    let runs = |dir: &std::path::Path, bin: &str| {
        std::fs::read(dir.join(".haul/bin").join(format!("{bin}{EXE}"))).ok()
    };
    assert_eq!(runs(&p1, "beta"), Some(program("gamma", "1.0.0")));
    assert_eq!(runs(&p2, "beta"), Some(program("beta", "1.0.0")));
    // The user asking for `beta` too is given neither project's copy.
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
    run_in(&env, &p1, &["sync", "--frozen"]).expect_code(0);
    assert_eq!(runs(&p1, "beta"), Some(program("gamma", "1.0.0")));
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
    // A file of the user's at a project's link is not the user's upgrade's to mend.
    let link = p2.join(".haul/bin").join(format!("beta{EXE}"));
    std::fs::remove_file(&link).unwrap();
    std::fs::write(&link, "mine").unwrap();
    env.run(&["upgrade", "--dry-run", "--latest"])
        .expect_code(0)
        .stderr_has("alpha 1.0.0 is up to date; it would follow `latest` from now on");
}

/// A link a project's `bin` makes (`widget=wg`) names its tool there: `which wg` prints it
/// and `exec wg` runs it (`which` said "not installed"). When that tool's record is damaged,
/// both say so (they said "not installed" and "not in the catalog").
#[cfg(unix)]
#[test]
fn a_project_link_of_a_damaged_tool_says_it_is_damaged() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/widget-cli", &["widget"], "1.0.0");
    let dir = crate::support::project(
        &env,
        "p",
        "\"acme/widget-cli\" = { version = \"1\", bin = [\"widget=wg\"] }",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    // The link's name is the tool's there (it was "not installed").
    let link = dir.join(".haul/bin/wg");
    assert_eq!(
        run_in(&env, &dir, &["which", "wg"])
            .expect_code(0)
            .stdout()
            .trim(),
        link.display().to_string()
    );
    // By the link's file name too (it was a usage error).
    for link in ["wg", "wg.exe"] {
        let ran = run_in(&env, &dir, &["exec", link, "--", "x"]);
        assert_eq!(ran.expect_code(0).stdout().trim(), "widget 1.0.0");
    }
    let records: Vec<_> = std::fs::read_dir(env.home().join("records"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [record] = records.as_slice() else {
        panic!("one record: {records:?}");
    };
    std::fs::write(record, "{").unwrap();
    let before = env.snapshot();
    run_in(&env, &dir, &["which", "wg"])
        .expect_code(1)
        .stderr_has("is damaged");
    run_in(&env, &dir, &["exec", "wg", "--", "x"])
        .expect_code(1)
        .stderr_has("is damaged");
    assert_eq!(env.snapshot(), before);
}

/// Inside a project, `which` and `exec` of a link its `bin` makes give the project's copy,
/// not the same release stored for the user with other executables (`which beta` printed the
/// user's `alpha`, `exec beta` ran the user's `beta`, which is `gamma`). A damaged tool of the
/// user's linked under that name does not stand in the way.
#[cfg(unix)]
#[test]
fn which_and_exec_of_a_project_link_give_the_projects_copy() {
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
    let dir = crate::support::project(
        &env,
        "p",
        "\"acme/kit\" = { version = \"1\", bin = [\"alpha\", \"beta\"] }",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let which = run_in(&env, &dir, &["which", "beta"]);
    let path = which.expect_code(0).stdout();
    assert_eq!(
        std::fs::read(path.trim()).ok(),
        Some(program("beta", "1.0.0")),
        "{path}"
    );
    let ran = run_in(&env, &dir, &["exec", "beta", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "beta 1.0.0");
    // The user's own `widget`, whose record is damaged, beside a project link `widget`.
    crate::support::publish_programs(&env.server, "acme/widget-cli", &["widget"], "1.0.0");
    env.run(&["install", "acme/widget-cli"]).expect_code(0);
    std::fs::write(env.home().join("records/widget-cli.json"), "{").unwrap();
    assert!(env.bin_dir().join("widget").exists());
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\n\"acme/kit\" = { version = \"1\", bin = [\"alpha=widget\"] }\n[settings]\nbin-dir = \".haul/bin\"\n",
    )
    .unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let ran = run_in(&env, &dir, &["exec", "widget", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "alpha 1.0.0");
}

/// The same for a project entry that names no `bin` (its catalog entry's `alpha`, `beta`)
/// beside the user's copy of the same release with `--bin gamma=beta`: the project's links'
/// names and its tool give the project's copy (they gave the user's `beta`, which is `gamma`).
#[cfg(unix)]
#[test]
fn a_project_entry_without_bin_gives_the_projects_copy() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    crate::support::use_catalog_entry(&env, "mm", "acme/kit", "\"alpha\", \"beta\"");
    env.run(&["install", "mm@1.0.0", "--bin", "gamma=beta"])
        .expect_code(0);
    let dir = crate::support::project(&env, "p", "mm = \"1\"");
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let which = run_in(&env, &dir, &["which", "beta"]);
    assert_eq!(
        which.expect_code(0).stdout().trim(),
        dir.join(".haul/bin/beta").display().to_string()
    );
    for (args, ran) in [
        (&["exec", "beta", "--", "x"][..], "beta 1.0.0"),
        (&["exec", "mm", "--", "x"], "alpha 1.0.0"),
        (&["exec", "mm", "--bin", "beta", "--", "x"], "beta 1.0.0"),
    ] {
        let run = run_in(&env, &dir, args);
        assert_eq!(run.expect_code(0).stdout().trim(), ran, "{args:?}");
    }
    // Outside the project, the user's own.
    let run = env.run(&["exec", "mm", "--bin", "beta", "--", "x"]);
    assert_eq!(run.expect_code(0).stdout().trim(), "gamma 1.0.0");
    // Another project of the same haul.toml and lock, not synced: never the user's copy (its
    // `beta` is `gamma`).
    let other = env.dir.path().join("p2");
    std::fs::create_dir_all(&other).unwrap();
    for file in ["haul.toml", "haul.lock"] {
        std::fs::copy(dir.join(file), other.join(file)).unwrap();
    }
    for (args, ran) in [
        (&["exec", "beta", "--", "x"][..], "beta 1.0.0"),
        (&["exec", "mm", "--", "x"], "alpha 1.0.0"),
    ] {
        let run = run_in(&env, &other, args);
        assert_eq!(run.expect_code(0).stdout().trim(), ran, "{args:?}");
    }
    let which = run_in(&env, &other, &["which", "beta"]);
    let path = which.expect_code(0).stdout();
    assert_eq!(
        std::fs::read(path.trim()).ok(),
        Some(program("beta", "1.0.0")),
        "{path}"
    );
}

/// A link a lock entry's catalog entry gained since the project was synced is not the
/// project's: the user's own tool of that name answers (`which gamma` failed, saying the
/// project's copy has no `gamma`).
#[cfg(unix)]
#[test]
fn a_link_the_catalog_entry_gained_since_sync_is_the_users() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    env.run(&["install", "acme/kit@1.0.0", "--bin", "gamma"])
        .expect_code(0);
    let entry = |bins: &str| {
        crate::support::use_catalog_entry(&env, "nn", "acme/kit", bins);
    };
    entry("\"beta\"");
    let dir = crate::support::project(&env, "p", "nn = \"1\"");
    run_in(&env, &dir, &["sync"]).expect_code(0);
    entry("\"beta\", \"gamma\"");
    assert_eq!(
        run_in(&env, &dir, &["which", "gamma"])
            .expect_code(0)
            .stdout()
            .trim(),
        env.bin_dir().join("gamma").display().to_string()
    );
    let run = run_in(&env, &dir, &["exec", "gamma", "--", "x"]);
    assert_eq!(run.expect_code(0).stdout().trim(), "gamma 1.0.0");
}

/// In a project not yet synced, a copy of the release with one other program is not the
/// project's: beside the user's `mm --bin alpha`, a project asking `bin = ["beta"]` runs
/// `beta` from its lock, and `which mm` says to sync (it gave the user's `alpha`, and `exec
/// mm` ran it).
#[cfg(unix)]
#[test]
fn a_one_program_copy_of_another_program_is_not_the_projects() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    crate::support::use_catalog_entry(&env, "mm", "acme/kit", "\"alpha\", \"beta\"");
    env.run(&["install", "mm@1.0.0", "--bin", "alpha"])
        .expect_code(0);
    let dir = crate::support::project(&env, "p", "mm = { version = \"1\", bin = [\"beta\"] }");
    run_in(&env, &dir, &["lock"]).expect_code(0);
    run_in(&env, &dir, &["which", "mm"])
        .expect_code(1)
        .stderr_has("run `haul sync`");
    let ran = run_in(&env, &dir, &["exec", "mm", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "beta 1.0.0");
}

/// A project's `bin = ["beta", "alpha"]` makes `beta` the tool's first executable there, also
/// where a copy with the same ones in the other order was stored first (the user's `mm`):
/// `which mm` and `exec mm` gave `alpha`.
#[cfg(unix)]
#[test]
fn a_projects_first_executable_is_its_own_first() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    crate::support::use_catalog_entry(&env, "mm", "acme/kit", "\"alpha\", \"beta\"");
    env.run(&["install", "mm@1.0.0"]).expect_code(0);
    let dir = crate::support::project(
        &env,
        "p",
        "mm = { version = \"1\", bin = [\"beta\", \"alpha\"] }",
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let which = run_in(&env, &dir, &["which", "mm"]);
    let path = which.expect_code(0).stdout();
    assert_eq!(
        std::fs::read(path.trim()).ok(),
        Some(program("beta", "1.0.0")),
        "{path}"
    );
    let ran = run_in(&env, &dir, &["exec", "mm", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "beta 1.0.0");
    // An entry whose executable is the release's only program under another name runs it.
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx"], "1.0.0");
    std::fs::write(
        env.config_path(),
        format!(
            "{}{}",
            crate::support::catalog_entry("mm", "acme/kit", "\"alpha\", \"beta\""),
            crate::support::catalog_entry("rqr", "acme/ripgrep", "\"rg\"")
        ),
    )
    .unwrap();
    let other = crate::support::project(&env, "q", "rqr = \"1\"");
    run_in(&env, &other, &["sync"]).expect_code(0);
    let ran = run_in(&env, &other, &["exec", "rqr", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "rgx 1.0.0");
}

/// A project's `bin-dir` written with `./` is the same directory, spelled without it.
#[test]
fn a_bin_dir_written_with_a_dot_is_spelled_without_it() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    let dir = project(
        &env,
        "[tools]\nsums = \"1\"\n[settings]\nbin-dir = \"./.haul/bin\"\n",
    );
    let json = run_in(&env, &dir, &["sync", "--json"]).json();
    let spelled = dir.join(".haul").join("bin").display().to_string();
    assert_eq!(json["bin_dir"].as_str(), Some(spelled.as_str()), "{json}");
}

/// A requirement no release meets says how haul.toml takes a version: `lock` and `sync` gave
/// an install's hint (`@VERSION`), which neither takes.
#[test]
fn no_release_matching_says_how_haul_toml_takes_a_version() {
    let env = TestEnv::new();
    publish(&env.server, "acme/digest", "1.0.0", Vouch::ChecksumFile);
    let dir = project(&env, "[tools]\n\"acme/digest\" = \"9.9.9\"\n");
    for command in ["lock", "sync"] {
        let run = run_in(&env, &dir, &[command]);
        run.expect_code(1)
            .stderr_has("has no release matching `9.9.9`")
            .stderr_has("pick one of those for `acme/digest` in haul.toml (`haul add acme/digest@VERSION` writes it)");
        assert!(
            !run.stderr().contains("with `@VERSION`"),
            "{}",
            run.stderr()
        );
    }
    run_in(&env, &dir, &["add", "acme/digest@1.0.0"]).expect_code(0);
    run_in(&env, &dir, &["sync"]).expect_code(0);
}

/// Inside a project, an executable its entry does not ask for is added in haul.toml: the hint
/// says so, and following it (then `haul sync`) runs it. It spelled an install for the user
/// instead, which named `alpha` twice (a usage error) and would have changed the user's tool.
#[cfg(unix)]
#[test]
fn exec_bin_the_project_lacks_hints_at_its_haul_toml() {
    let env = TestEnv::new();
    crate::support::publish_kit(&env.server, "1.0.0");
    crate::support::use_catalog_entry(&env, "mm", "acme/kit", "\"alpha\", \"beta\"");
    let dir = crate::support::project(&env, "p", "mm = { version = \"1\", bin = [\"beta\"] }");
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let run = run_in(&env, &dir, &["exec", "mm", "--bin", "alpha", "--", "x"]);
    run.expect_code(2)
        .stderr_has("`mm` has no executable `alpha`")
        .stderr_has("add `alpha` to the `bin` of `mm` there (`bin = [\"beta\", \"alpha\"]`), then run `haul sync`");
    assert!(!run.stderr().contains("haul install"), "{}", run.stderr());
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\nmm = { version = \"1\", bin = [\"beta\", \"alpha\"] }\n[settings]\nbin-dir = \".haul/bin\"\n",
    )
    .unwrap();
    run_in(&env, &dir, &["sync"]).expect_code(0);
    let ran = run_in(&env, &dir, &["exec", "mm", "--bin", "alpha", "--", "x"]);
    assert_eq!(ran.expect_code(0).stdout().trim(), "alpha 1.0.0");
    // An entry that names no executable asks for the one named after the tool: the hint
    // keeps it.
    crate::support::publish_programs(&env.server, "acme/solo", &["solo"], "1.0.0");
    let solo = crate::support::project(&env, "s", "\"acme/solo\" = \"1\"");
    run_in(&env, &solo, &["sync"]).expect_code(0);
    run_in(&env, &solo, &["exec", "solo", "--bin", "other", "--", "x"])
        .expect_code(2)
        .stderr_has(
            "add `other` to the `bin` of `acme/solo` there (`bin = [\"solo\", \"other\"]`)",
        );
    // Its executable not named after it (`gh` of `cli/cli`): the one it has.
    crate::support::publish_programs(&env.server, "acme/cli", &["gh"], "1.0.0");
    let cli = crate::support::project(&env, "c", "\"acme/cli\" = \"1\"");
    run_in(&env, &cli, &["sync"]).expect_code(0);
    run_in(&env, &cli, &["exec", "cli", "--bin", "ghx", "--", "x"])
        .expect_code(2)
        .stderr_has("(`bin = [\"gh\", \"ghx\"]`)");
    // Outside it, the install that adds it, each executable named once: the user's copy lacks
    // `alpha`, which its catalog entry now asks for too.
    env.run(&["install", "mm@1.0.0", "--bin", "beta"])
        .expect_code(0);
    let run = env.run(&["exec", "mm", "--bin", "alpha", "--", "x"]);
    run.expect_code(2)
        .stderr_has("`haul install mm@1.0.0 --bin beta --bin alpha`");
}

/// `haul sync` has no `--force`: where another tool's link, a damaged tool's link or a file
/// of the user's stands, its hint says what works there. It said haul did not make another
/// tool's link and to move it away, which broke that tool and changed nothing.
#[cfg(unix)]
#[test]
fn sync_hints_at_what_holds_a_link_it_needs() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/gadget", &["gadget"], "1.0.0");
    crate::support::publish_programs(&env.server, "acme/widget", &["widget"], "1.0.0");
    env.run(&["install", "acme/gadget"]).expect_code(0);
    let dir = env.dir.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\n\"acme/widget\" = { version = \"1\", bin = [\"widget=gadget\"] }\n",
    )
    .unwrap();
    let run = run_in(&env, &dir, &["sync"]);
    run.expect_code(1)
        .stderr_has("belongs to `gadget`")
        .stderr_has("uninstall `gadget` first, or link the tool under another name (`bin = [\"NAME=LINK\"]` in haul.toml)");
    assert!(!run.stderr().contains("did not make"), "{}", run.stderr());
    // Following the first half works.
    env.run(&["uninstall", "gadget"]).expect_code(0);
    run_in(&env, &dir, &["sync"]).expect_code(0);
    // A file of the user's: move it away.
    std::fs::write(
        dir.join("haul.toml"),
        "[tools]\n\"acme/widget\" = { version = \"1\", bin = [\"widget=mine\"] }\n",
    )
    .unwrap();
    std::fs::write(env.bin_dir().join("mine"), b"my own").unwrap();
    run_in(&env, &dir, &["sync"])
        .expect_code(1)
        .stderr_has("haul did not install it")
        .stderr_has("move it away, or link the tool under another name");
    assert_eq!(
        std::fs::read(env.bin_dir().join("mine")).unwrap(),
        b"my own"
    );
}

/// `mirror` reads the lock's hashes as `sync` does: hex digits in either case are the same
/// digest (it refused every file of a lock with upper-case hashes, which `sync` accepts), and a
/// malformed one is refused as malformed (exit 4), not as a mismatch.
#[test]
fn mirror_reads_the_locks_hashes_as_sync_does() {
    let env = TestEnv::new();
    let dir = three_tools(&env);
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let upper: String = text
        .lines()
        .map(|line| match line.strip_prefix("sha256 = ") {
            Some(hex) => format!("sha256 = {}\n", hex.to_ascii_uppercase()),
            None => format!("{line}\n"),
        })
        .collect();
    assert_ne!(upper, text);
    std::fs::write(dir.join("haul.lock"), &upper).unwrap();
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        .stderr_has("Mirrored 16 files");
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    let broken = text.replacen("sha256 = \"", "sha256 = \"zz", 1);
    std::fs::write(dir.join("haul.lock"), broken).unwrap();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(4)
        .stderr_has("is malformed");
}

/// A checksum file `haul mirror` keeps comes from the host of the file it vouched for, and
/// still names that file with its locked hash: a lock naming another host, or any other file,
/// as a checksum file had the mirror fetch it and publish it unchecked (over a file there too).
#[test]
fn mirror_keeps_only_checksum_files_that_vouch() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    assert!(text.contains("checksum_url = "), "{text}");
    let with_checksum_url = |url: &str| -> String {
        text.lines()
            .map(|line| {
                if line.starts_with("checksum_url = ") {
                    format!("checksum_url = \"{url}\"\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect()
    };
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    // Another host: refused before anything is fetched.
    let elsewhere = env.server.url.replace("127.0.0.1", "localhost");
    std::fs::write(
        dir.join("haul.lock"),
        with_checksum_url(&format!("{elsewhere}/internal/secrets")),
    )
    .unwrap();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(4)
        .stderr_has("checksum file for `sums-")
        .stderr_has("is not where the file is");
    assert!(!mirror.exists());
    // The same host, a file that names nothing: not written, and a file there stays.
    env.server
        .file("/internal/notes.txt", b"not a checksum file");
    std::fs::write(
        dir.join("haul.lock"),
        with_checksum_url(&format!("{}/internal/notes.txt", env.server.url)),
    )
    .unwrap();
    let kept = mirror.join(mirror_origin(&env)).join("internal/notes.txt");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::write(&kept, b"mine").unwrap();
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(4)
        .stderr_has("does not name `sums-")
        .stderr_has("1 file could not be mirrored");
    assert_eq!(std::fs::read(&kept).unwrap(), b"mine");
    // The lock as `haul lock` wrote it mirrors its checksum file.
    std::fs::write(dir.join("haul.lock"), &text).unwrap();
    run_in(&env, &dir, &["mirror", &mirror_arg]).expect_code(0);
    assert!(
        mirror
            .join(mirror_origin(&env))
            .join("dl/acme/sums/v1.0.0/checksums.txt")
            .is_file()
    );
}

/// Where a project without a `bin-dir` locks another build of the release than the one the
/// user installed (`--asset`), the refusal's hint installs the locked build from the release,
/// verified, and the sync then goes through (`haul lock --upgrade`, which it named alone,
/// wrote the same lock again).
#[cfg(target_os = "linux")]
#[test]
fn a_lock_of_another_build_is_taken_once_the_release_vouches_for_it() {
    let env = TestEnv::new();
    let musl = "widget-1.0.0-x86_64-unknown-linux-musl.tar.gz";
    let gnu = "widget-1.0.0-x86_64-unknown-linux-gnu.tar.gz";
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(
            musl,
            &crate::support::tar_gz_release("widget", "1.0.0-musl"),
        )
        .asset(gnu, &crate::support::tar_gz_release("widget", "1.0.0-gnu"))
        .checksums("checksums.txt")
        .publish();
    let dir = env.dir.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("haul.toml"), "[tools]\n\"acme/widget\" = \"1\"\n").unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let lock = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let (locked, other) = if lock.contains(musl) {
        ("musl", "gnu")
    } else {
        ("gnu", "musl")
    };
    env.run(&["install", "acme/widget", "--asset", other])
        .expect_code(0);
    let refused = run_in(&env, &dir, &["sync", "--frozen"]);
    let stderr = refused.expect_code(4).stderr();
    let hint = stderr
        .split("`haul install ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no install in the hint: {stderr}"));
    assert!(hint.contains("--asset '^"), "{hint}");
    // As a shell reads it: the pattern in single quotes holds no space.
    let args: Vec<String> = std::iter::once("install".to_owned())
        .chain(
            hint.split(' ')
                .map(|word| word.trim_matches('\'').to_owned()),
        )
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.run(&args).expect_code(0);
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", &format!("1.0.0-{locked}")))
    );
}

/// A checksum file is mirrored as it came, though it is read as an install reads it: a UTF-8
/// byte-order mark (or UTF-16) stays, so a signature over the file still holds (it was
/// written back as decoded text).
#[test]
fn mirror_keeps_a_checksum_files_bytes() {
    let env = TestEnv::new();
    let (dir, text) = locked_sums(&env);
    let url = text
        .lines()
        .find_map(|line| line.strip_prefix("checksum_url = "))
        .map(|url| url.trim_matches('"').to_owned())
        .unwrap();
    let mirror = env.dir.path().join("mirror");
    let mirror_arg = mirror.display().to_string();
    run_in(&env, &dir, &["mirror", &mirror_arg]).expect_code(0);
    let path = url.splitn(4, '/').nth(3).unwrap();
    let kept = mirror.join(mirror_origin(&env)).join(path);
    let published = std::fs::read(&kept).unwrap();
    let mut marked = b"\xef\xbb\xbf".to_vec();
    marked.extend_from_slice(&published);
    env.server.file(&format!("/{path}"), &marked);
    run_in(&env, &dir, &["mirror", &mirror_arg])
        .expect_code(0)
        .stderr_has("1 fetched");
    assert_eq!(std::fs::read(&kept).unwrap(), marked);
}

/// `doctor` in a project says what `sync --frozen`, `exec` and `which` there would stop at:
/// a haul.lock that does not read, one that is not what haul.toml asks for, one that pins
/// other bytes than the copy stored, a tool it pins not installed. It said "no problems".
#[test]
fn doctor_in_a_project_says_what_is_wrong_with_it() {
    let env = TestEnv::new();
    catalog(&env);
    publish(&env.server, "acme/sums", "1.0.0", Vouch::ChecksumFile);
    publish(&env.server, "acme/bare", "1.0.0", Vouch::ChecksumFile);
    let dir = crate::support::project(&env, "p", "sums = \"1\"");
    let project_problems = |dir: &std::path::Path| -> Vec<String> {
        let doctor = run_in(&env, dir, &["doctor", "--json"]).json();
        doctor["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} / {}",
                    p["problem"].as_str().unwrap(),
                    p["fix"].as_str().unwrap()
                )
            })
            .filter(|p| p.contains(&dir.display().to_string()))
            .collect()
    };
    let said = project_problems(&dir);
    assert!(
        said.len() == 1 && said[0].contains("has no haul.lock") && said[0].contains("haul lock"),
        "{said:?}"
    );
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let said = project_problems(&dir);
    assert!(
        said.len() == 1
            && said[0].contains("`sums` 1.0.0 (as haul.lock pins it) is not installed")
            && said[0].contains("haul sync"),
        "{said:?}"
    );
    run_in(&env, &dir, &["sync"]).expect_code(0);
    assert_eq!(project_problems(&dir), Vec::<String>::new());

    // haul.toml asks for more than the lock pins.
    let manifest = std::fs::read_to_string(dir.join("haul.toml")).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        manifest.replace("sums = \"1\"", "sums = \"1\"\nbare = \"1\""),
    )
    .unwrap();
    let said = project_problems(&dir);
    assert!(
        said.len() == 1 && said[0].contains("haul.lock does not match haul.toml"),
        "{said:?}"
    );
    run_in(&env, &dir, &["sync", "--frozen"]).expect_code(1);
    std::fs::write(dir.join("haul.toml"), &manifest).unwrap();

    // The lock edited to pin other bytes.
    let locked = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let edited: String = locked
        .lines()
        .map(|line| match line.strip_prefix("sha256 = ") {
            Some(_) => format!("sha256 = \"{}\"\n", "0".repeat(64)),
            None => format!("{line}\n"),
        })
        .collect();
    std::fs::write(dir.join("haul.lock"), &edited).unwrap();
    let said = project_problems(&dir);
    assert!(
        said.iter()
            .any(|p| p.contains("`sums` 1.0.0 (as haul.lock pins it) is not installed: the copy stored is of other files")),
        "{said:?}"
    );
    // `which` says so too: it said the version was not installed, and to run `haul sync`.
    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("the copy stored is of other files");
    // One that does not read.
    std::fs::write(dir.join("haul.lock"), "not = [toml").unwrap();
    let said = project_problems(&dir);
    assert!(
        said.len() == 1 && said[0].contains("cannot be read"),
        "{said:?}"
    );
    std::fs::write(dir.join("haul.lock"), &locked).unwrap();
    assert_eq!(project_problems(&dir), Vec::<String>::new());
    // A lock for another platform only: what `sync` stops at, not "`haul sync` installs it".
    std::fs::write(
        dir.join("haul.toml"),
        manifest.replace(
            "[settings]\n",
            &format!(
                "[settings]\nplatforms = [\"{}\"]\n",
                crate::support::another_platform()
            ),
        ),
    )
    .unwrap();
    run_in(&env, &dir, &["lock"]).expect_code(0);
    let said = project_problems(&dir);
    assert!(
        said.len() == 1
            && said[0].contains("`sums` has no build for")
            && said[0].contains("does not cover")
            && !said[0].contains("installs it"),
        "{said:?}"
    );
    run_in(&env, &dir, &["which", "sums"])
        .expect_code(1)
        .stderr_has("`sums` has no build for");
}
