//! Catalog names, vendor download sites behind mirror rules, `haul search` and `haul info` on
//! catalog tools. The vendor sites (dl.k8s.io, releases.hashicorp.com, get.helm.sh) are served
//! by the local test server under mirror rules, exactly as a company's artifact proxy would.

use crate::support::archive::{self, exe};
use crate::support::server::sha256_hex;
use crate::support::{EXE, TestEnv, host_asset, program};

/// This machine as Go (and so `dl.k8s.io`, `HashiCorp` and `get.helm.sh`) spells it.
fn go_platform() -> (&'static str, &'static str) {
    let os = if cfg!(windows) {
        "windows"
    } else if cfg!(target_os = "macos") {
        "darwin"
    } else {
        "linux"
    };
    let arch = if cfg!(target_arch = "aarch64") {
        "arm64"
    } else {
        "amd64"
    };
    (os, arch)
}

/// The vendor sites, served by `env`'s server, and the mirror rules that lead there.
fn vendor_sites(env: &TestEnv) -> String {
    let (os, arch) = go_platform();
    let server = &env.server;

    // kubectl: stable.txt, a bare binary and its `.sha256` holding the hash alone.
    server.file("/k8s/release/stable.txt", b"v1.31.2\n");
    server.file("/k8s/release/stable-1.30.txt", b"v1.30.6\n");
    for version in ["1.31.2", "1.30.6"] {
        let kubectl = program("kubectl", version);
        let path = format!("/k8s/release/v{version}/bin/{os}/{arch}/kubectl{EXE}");
        server.file(&format!("{path}.sha256"), sha256_hex(&kubectl).as_bytes());
        server.file(&path, &kubectl);
    }

    // terraform: index.json, a zip per platform, and one SHA256SUMS for the release.
    let index = r#"{"name":"terraform","versions":{"1.9.5":{},"1.10.0-beta1":{},"1.9.5+ent":{},"1.8.5":{}}}"#;
    server.file("/hashicorp/terraform/index.json", index.as_bytes());
    let name = format!("terraform{EXE}");
    let zip = archive::zip(&[exe(&name, &program("terraform", "1.9.5"))]);
    let file = format!("terraform_1.9.5_{os}_{arch}.zip");
    let sums = format!(
        "{}  terraform_1.9.5_linux_arm.zip\n{}  {file}\n",
        "0".repeat(64),
        sha256_hex(&zip)
    );
    server.file(&format!("/hashicorp/terraform/1.9.5/{file}"), &zip);
    server.file(
        "/hashicorp/terraform/1.9.5/terraform_1.9.5_SHA256SUMS",
        sums.as_bytes(),
    );

    // helm: versions from GitHub, archives from get.helm.sh with `.sha256sum` files.
    server.release("helm/helm", "v3.16.2").publish();
    let ext = if cfg!(windows) { ".zip" } else { ".tar.gz" };
    let inner = format!("{os}-{arch}/helm{EXE}");
    let helm = program("helm", "3.16.2");
    let bytes = if cfg!(windows) {
        archive::zip(&[exe(&inner, &helm)])
    } else {
        archive::gz(&archive::tar(&[exe(&inner, &helm)]))
    };
    let file = format!("helm-v3.16.2-{os}-{arch}{ext}");
    server.file(
        &format!("/helm/{file}.sha256sum"),
        format!("{}  {file}\n", sha256_hex(&bytes)).as_bytes(),
    );
    server.file(&format!("/helm/{file}"), &bytes);

    // k9s: an ordinary GitHub release.
    let asset = host_asset("k9s", "0.32.5", ".tar.gz");
    let k9s = archive::gz(&archive::tar(&[exe(
        &format!("k9s{EXE}"),
        &program("k9s", "0.32.5"),
    )]));
    server
        .release("derailed/k9s", "v0.32.5")
        .asset(&asset, &k9s)
        .checksums("checksums.sha256")
        .publish();

    let url = &server.url;
    format!(
        "[[mirror]]\nfrom = \"https://dl.k8s.io/\"\nto = \"{url}/k8s/\"\n\n\
         [[mirror]]\nfrom = \"https://releases.hashicorp.com/\"\nto = \"{url}/hashicorp/\"\n\n\
         [[mirror]]\nfrom = \"https://get.helm.sh/\"\nto = \"{url}/helm/\"\n"
    )
}

fn verified(env: &TestEnv) -> Vec<(String, String, String)> {
    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    list.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["version"].as_str().unwrap().to_owned(),
                e["verified_by"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

#[test]
fn catalog_tools_through_mirror_rules() {
    let env = TestEnv::new();
    let config = vendor_sites(&env);
    std::fs::write(env.config_path(), config).unwrap();
    env.run(&["install", "kubectl", "terraform", "helm", "k9s"])
        .expect_code(0);
    let (os, arch) = go_platform();
    let ext = if cfg!(windows) { ".zip" } else { ".tar.gz" };
    assert_eq!(
        verified(&env),
        vec![
            (
                "helm".into(),
                "3.16.2".into(),
                format!("helm-v3.16.2-{os}-{arch}{ext}.sha256sum")
            ),
            ("k9s".into(), "0.32.5".into(), "checksums.sha256".into()),
            (
                "kubectl".into(),
                "1.31.2".into(),
                format!("kubectl{EXE}.sha256")
            ),
            (
                "terraform".into(),
                "1.9.5".into(),
                "terraform_1.9.5_SHA256SUMS".into()
            ),
        ]
    );
    for (tool, version) in [
        ("kubectl", "1.31.2"),
        ("terraform", "1.9.5"),
        ("helm", "3.16.2"),
        ("k9s", "0.32.5"),
    ] {
        assert_eq!(
            env.installed_bytes(tool),
            Some(program(tool, version)),
            "{tool}"
        );
    }
    let list = env.run(&["list", "--json"]);
    assert_eq!(list.json()[2]["source"], "catalog:kubectl");
    assert_eq!(list.json()[1]["source"], "github:derailed/k9s");

    // A series and an exact version of a text-file source.
    env.run(&["install", "kubectl@1.30"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("kubectl"),
        Some(program("kubectl", "1.30.6"))
    );
    env.run(&["install", "kubectl@1.31.2"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("kubectl"),
        Some(program("kubectl", "1.31.2"))
    );
    // A series whose file the mirror lacks: it may only be missing there, and the error says
    // which rule sent haul there.
    env.run(&["install", "kubectl@1.29"])
        .expect_code(1)
        .stderr_has("`kubectl` has no release matching `1.29.x`, or the mirror does not hold")
        .stderr_has("https://dl.k8s.io/release/stable-1.29.txt")
        .stderr_has("check that the mirror holds this file");
    // HashiCorp's index: prefixes, and enterprise builds never count.
    env.run(&["install", "terraform@1.8"])
        .expect_code(1)
        .stderr_has("HTTP 404");
    env.run(&["install", "terraform@2"])
        .expect_code(1)
        .stderr_has("no release matching `2.x`")
        .stderr_has("1.9.5");
}

/// A repository whose GitHub releases hold no binaries (helm/helm's hold only signatures),
/// which the catalog installs from the vendor's own site: the error says how.
#[test]
fn a_repository_the_catalog_installs_from_its_vendor_says_so() {
    let env = TestEnv::new();
    let config = vendor_sites(&env);
    std::fs::write(env.config_path(), config).unwrap();
    env.run(&["install", "helm/helm"])
        .expect_code(1)
        .stderr_has("no asset of `helm/helm` v3.16.2 fits")
        .stderr_has(
            "the catalog's `helm` installs it from the vendor's own downloads: `haul install helm`",
        );
    assert!(env.snapshot().is_empty());
    env.run(&["install", "helm"]).expect_code(0);
}

#[test]
fn mirrors_from_the_environment() {
    let env = TestEnv::new();
    vendor_sites(&env);
    let rules = format!("https://dl.k8s.io/={}/k8s/", env.server.url);
    let env = env.env("HAUL_MIRRORS", &rules);
    env.run(&["install", "kubectl"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("kubectl"),
        Some(program("kubectl", "1.31.2"))
    );
    assert!(env.server.hits("/k8s/release/stable.txt") >= 1);
}

#[test]
fn a_vendor_checksum_mismatch_changes_nothing() {
    let env = TestEnv::new();
    let config = vendor_sites(&env);
    std::fs::write(env.config_path(), config).unwrap();
    let (os, arch) = go_platform();
    env.server.file(
        &format!("/hashicorp/terraform/1.9.5/terraform_1.9.5_{os}_{arch}.zip"),
        &archive::zip(&[exe("terraform", b"tampered")]),
    );
    env.run(&["install", "terraform"])
        .expect_code(4)
        .stderr_has("checksum mismatch")
        .stderr_has("terraform_1.9.5_SHA256SUMS");
    assert!(env.snapshot().is_empty());
}

#[test]
fn search_lists_kubernetes_tools() {
    let env = TestEnv::new();
    let run = env.run(&["search", "kube"]);
    run.expect_code(0);
    let lines: Vec<String> = run.stdout().lines().map(str::to_owned).collect();
    for name in ["kubectl", "kubectx", "kubens"] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{name} "))),
            "{name}: {lines:?}"
        );
    }
    let json = env.run(&["search", "kube", "--json"]).json();
    let first = &json[0];
    for key in ["name", "aliases", "description", "homepage", "source"] {
        assert!(first.get(key).is_some(), "{key} missing: {first}");
    }
    let all = env.run(&["search", "--json"]).json();
    assert!(all.as_array().unwrap().len() >= 150);
    let none = env.run(&["search", "no-such-tool-anywhere"]);
    none.expect_code(0)
        .stderr_has("no tool in the catalog matches");
    assert!(none.stdout().is_empty());
    assert!(!none.stderr().contains("similar"), "{}", none.stderr());
    // A typo gets the names close to it.
    env.run(&["search", "kubctl"])
        .expect_code(0)
        .stderr_has("(similar names: `kubectl`");
}

#[test]
fn info_on_a_catalog_tool() {
    let env = TestEnv::new();
    let config = vendor_sites(&env);
    std::fs::write(env.config_path(), config).unwrap();
    let json = env.run(&["info", "kubectl", "--json"]).json();
    assert_eq!(json["name"], "kubectl");
    assert_eq!(json["source"], "catalog:kubectl");
    assert_eq!(json["tag"], "v1.31.2");
    assert_eq!(json["platforms"]["linux-armv7"]["asset"], "kubectl");
    // The checksum is read as an install reads it: the host's `.sha256` vouches; this site
    // serves no other platform's, so theirs cannot be read, and info says why.
    let host = json["host"].as_str().unwrap().trim_end_matches("-musl");
    assert_eq!(
        json["platforms"][host]["checksum"],
        format!("kubectl{EXE}.sha256").as_str()
    );
    assert_eq!(
        json["platforms"][host]["checksum_error"],
        serde_json::Value::Null
    );
    assert_eq!(
        json["platforms"]["linux-armv7"]["checksum"],
        serde_json::Value::Null
    );
    assert!(
        json["platforms"]["linux-armv7"]["checksum_error"]
            .as_str()
            .is_some_and(|e| e.contains("kubectl.sha256")),
        "{json}"
    );
    assert_eq!(json["platforms"]["windows-x86_64"]["asset"], "kubectl.exe");
    assert_eq!(
        json["platforms"]["freebsd-x86_64"]["asset"],
        serde_json::Value::Null
    );
    assert!(json["description"].as_str().is_some_and(|d| !d.is_empty()));

    let json = env.run(&["info", "terraform", "--json"]).json();
    assert_eq!(json["version"], "1.9.5");
    assert_eq!(
        json["platforms"]["macos-aarch64"]["asset"],
        "terraform_1.9.5_darwin_arm64.zip"
    );
    assert_eq!(json["platforms"]["windows-aarch64"]["emulated"], true);
}

#[test]
fn unknown_names_suggest_catalog_tools() {
    let env = TestEnv::new();
    env.run(&["install", "kubctl"])
        .expect_code(1)
        .stderr_has("`kubctl` is not in the catalog")
        .stderr_has("kubectl")
        .stderr_has("haul search");
}

#[test]
fn user_catalog_entries() {
    let env = TestEnv::new();
    let asset = host_asset("inhouse", "2.0.0", ".tar.gz");
    let bytes = archive::gz(&archive::tar(&[exe(
        &format!("ih{EXE}"),
        &program("ih", "2.0.0"),
    )]));
    env.server
        .release("acme/inhouse-tool", "v2.0.0")
        .asset_with_digest(&asset, &bytes)
        .publish();
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"inhouse\"\naliases = [\"ih\"]\nrepo = \"acme/inhouse-tool\"\nbins = [\"ih\"]\n",
    )
    .unwrap();
    env.run(&["install", "ih"]).expect_code(0);
    assert_eq!(env.installed_bytes("ih"), Some(program("ih", "2.0.0")));
    let search = env.run(&["search", "inhouse"]);
    assert!(
        search.stdout().starts_with("inhouse"),
        "{}",
        search.stdout()
    );

    std::fs::write(env.config_path(), "[[tool]]\nname = \"broken\"\n").unwrap();
    env.run(&["search"])
        .expect_code(2)
        .stderr_has("the catalog entry `broken`: needs `repo` or `template`");
}

/// A tag a vendor's site names goes into the URL templates only as one plain part of a path:
/// one that would climb out of the mirror rule's path, or end the URL early (`#`) so that the
/// checksum's URL is the download's, is refused before anything is downloaded.
#[test]
fn a_vendor_tag_cannot_change_which_urls_the_templates_name() {
    for stable in ["x/../../../outside/v1.31.2", "v1.31.2#", "v1.31.2?x"] {
        let env = TestEnv::new();
        let config = vendor_sites(&env);
        std::fs::write(env.config_path(), config).unwrap();
        env.server
            .file("/k8s/release/stable.txt", format!("{stable}\n").as_bytes());
        env.run(&["install", "kubectl"])
            .expect_code(1)
            .stderr_has("refusing the release tag")
            .stderr_has("a tag filled into a URL may hold only");
        assert!(env.snapshot().is_empty(), "{stable}");
        let fetched: Vec<String> = env
            .server
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| !p.ends_with("stable.txt"))
            .collect();
        assert!(fetched.is_empty(), "{stable}: {fetched:?}");
    }
}

/// A catalog entry's tag prefix may hold a digit (`tool2-v`): the version is what follows it,
/// so series and the latest are found, and listed as the version (1.3.0, not 2).
#[test]
fn a_tag_prefix_with_a_digit() {
    let env = TestEnv::new();
    for version in ["1.2.0", "1.3.0"] {
        env.server
            .release("acme/mono", &format!("tool2-v{version}"))
            .asset_with_digest(
                &host_asset("tool2", version, ".tar.gz"),
                &crate::support::tar_gz_release("tool2", version),
            )
            .publish();
    }
    env.server
        .release("acme/mono", "other-v9.0.0")
        .asset("notes.txt", b"x")
        .publish();
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"tool2\"\nrepo = \"acme/mono\"\ntag-prefix = \"tool2-v\"\n",
    )
    .unwrap();
    env.run(&["install", "tool2@1.2"]).expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["version"], "1.2.0", "{list}");
    // An exact version asks for `tool2-v1.2.0`, never `tool2-vv1.2.0`.
    env.run(&["install", "tool2@v1.2.0"]).expect_code(0);
    assert_eq!(
        env.server
            .hits("/repos/acme/mono/releases/tags/tool2-vv1.2.0"),
        0
    );
    assert_eq!(
        env.server
            .hits("/repos/acme/mono/releases/tags/tool2-v1.2.0"),
        1
    );
    env.run(&["install", "tool2"]).expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["version"], "1.3.0", "{list}");
    // What a miss lists is this tool's releases, not the repository's other products'.
    let miss = env.run(&["install", "tool2@9.9"]);
    miss.expect_code(1)
        .stderr_has("recent releases: tool2-v1.3.0, tool2-v1.2.0");
    assert!(!miss.stderr().contains("other-v9.0.0"), "{}", miss.stderr());
    assert_eq!(
        env.installed_bytes("tool2"),
        Some(program("tool2", "1.3.0"))
    );
}

/// A catalog entry naming its executable (`tanka = ["tk"]`) whose release is bare programs
/// (`tk-linux-amd64`, no archive) links it as the entry says: `tk` (it linked `tanka`, and a
/// project's copy was linked again on every sync).
#[test]
fn an_entry_names_the_executable_of_a_bare_program() {
    let env = TestEnv::new();
    let publish = |version: &str| {
        env.server
            .release("acme/tanka", &format!("v{version}"))
            .asset(
                &crate::support::host_asset("tk", version, EXE),
                &program("tk", version),
            )
            .checksums("checksums.txt")
            .publish();
    };
    publish("1.0.0");
    crate::support::use_catalog_entry(&env, "tanka", "acme/tanka", "\"tk\"");
    env.run(&["install", "tanka@1.0.0"])
        .expect_code(0)
        .stderr_has(": tk");
    assert_eq!(env.installed_bytes("tk"), Some(program("tk", "1.0.0")));
    assert_eq!(env.installed_bytes("tanka"), None);
    env.run(&["install", "tanka@1.0.0"])
        .expect_code(0)
        .stderr_has("Unchanged tanka 1.0.0");
    // A project beside the user's install reuses it, and settles.
    let dir = crate::support::project(&env, "p", "tanka = \"1\"");
    let sync = || crate::support::Run::of(env.command().current_dir(&dir).arg("sync"));
    sync().expect_code(0);
    assert_eq!(
        std::fs::read(dir.join(".haul/bin").join(format!("tk{EXE}"))).ok(),
        Some(program("tk", "1.0.0"))
    );
    sync().expect_code(0).stderr_has("Unchanged tanka 1.0.0");
    // The entry's `--bin NAME=LINK` form too.
    crate::support::use_catalog_entry(&env, "tanka2", "acme/tanka", "\"tk=tnk\"");
    env.run(&["install", "tanka2@1.0.0"]).expect_code(0);
    assert_eq!(env.installed_bytes("tnk"), Some(program("tk", "1.0.0")));
    // An executable the user names must be that program: `tk` is not `kubectl` (it was
    // written as `kubectl` and linked so).
    for args in [
        &["install", "tanka2@1.0.0", "--bin", "kubectl", "--force"][..],
        &["install", "acme/tanka@1.0.0", "--bin", "kubectl"],
    ] {
        env.run(args)
            .expect_code(1)
            .stderr_has("no executable named `kubectl`");
    }
    assert_eq!(env.installed_bytes("kubectl"), None);
    // The user's own `--bin tk=t` is the program the asset is.
    env.run(&["install", "acme/tanka@1.0.0", "--bin", "tk=t"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("t"), Some(program("tk", "1.0.0")));
}

/// A catalog entry whose executable a release ships only under another name (`rqr = ["rg=r"]`,
/// the release's only program `rgx`) installs that program; installed again, it is whole
/// (it was downloaded and linked again each time: "Linked ... (already stored)").
#[test]
fn the_only_program_taken_for_an_entry_is_whole_when_installed_again() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx"], "1.0.0");
    for (entry, bins, link) in [("rqr", "\"rg=r\"", "r"), ("rgq", "\"rg\"", "rgx")] {
        crate::support::use_catalog_entry(&env, entry, "acme/ripgrep", bins);
        env.run(&["install", &format!("{entry}@1.0.0")])
            .expect_code(0);
        assert_eq!(env.installed_bytes(link), Some(program("rgx", "1.0.0")));
        env.run(&["install", &format!("{entry}@1.0.0")])
            .expect_code(0)
            .stderr_has(&format!("Unchanged {entry} 1.0.0"));
    }
}

/// The release's only program stands for an entry's executable only where the release has one
/// program: beside the user's `rqr --bin rgy=r` of a release with `rgx` and `rgy` (no `rg`), a
/// project's `rqr = "1"` (the entry's `rg=r`) fails as it does on a clean machine (it took the
/// user's copy, and linked `r` to `rgy`).
#[test]
fn the_only_program_rule_does_not_take_a_copy_of_another_choice() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx", "rgy"], "1.0.0");
    crate::support::use_catalog_entry(&env, "rqr", "acme/ripgrep", "\"rg=r\"");
    env.run(&["install", "rqr@1.0.0", "--bin", "rgy=r"])
        .expect_code(0);
    let dir = crate::support::project(&env, "p", "rqr = \"1\"");
    crate::support::Run::of(env.command().current_dir(&dir).arg("sync"))
        .expect_code(1)
        .stderr_has("no executable named `rg`");
    assert!(!dir.join(".haul/bin").join(format!("r{EXE}")).exists());
    assert_eq!(env.installed_bytes("r"), Some(program("rgy", "1.0.0")));
}

/// `upgrade --dry-run` of an entry whose executable is the release's only program under its
/// own name (`rqr = ["rg"]`, linked `rgx`) checks the link it makes, `rgx`: a file of the
/// user's at `rg` failed the dry run, and the upgrade went through.
#[test]
fn a_dry_run_checks_the_only_programs_link() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx"], "1.0.0");
    crate::support::use_catalog_entry(&env, "rqr", "acme/ripgrep", "\"rg\"");
    env.run(&["install", "rqr"]).expect_code(0);
    assert_eq!(env.installed_bytes("rgx"), Some(program("rgx", "1.0.0")));
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx"], "2.0.0");
    std::fs::write(env.bin_dir().join(format!("rg{EXE}")), "mine").unwrap();
    env.run(&["upgrade", "--dry-run"])
        .expect_code(0)
        .stderr_has("Would move rqr 1.0.0 to 2.0.0");
    env.run(&["upgrade"]).expect_code(0);
    assert_eq!(env.installed_bytes("rgx"), Some(program("rgx", "2.0.0")));
}

/// A name the catalog gives a bare program is that program when the user types it too
/// (tealdeer's `tealdeer-<platform>` is `tldr`: `--bin tldr=t` was refused), and a bare
/// program whose file has no name of its own (only a platform) is any name typed.
#[test]
fn typed_names_of_bare_programs_the_catalog_or_the_file_allows() {
    let env = TestEnv::new();
    let triple = host_asset("x", "0", "");
    let triple = triple.trim_start_matches("x-0-");
    env.server
        .release("acme/tealdeer", "v1.0.0")
        .asset(
            &format!("tealdeer-{triple}{EXE}"),
            &program("tealdeer", "1.0.0"),
        )
        .checksums("checksums.txt")
        .publish();
    crate::support::use_catalog_entry(&env, "td", "acme/tealdeer", "\"tldr\"");
    env.run(&["install", "td@1.0.0", "--bin", "tldr=t"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("t"), Some(program("tealdeer", "1.0.0")));
    env.run(&["install", "td@1.0.0", "--bin", "kubectl", "--force"])
        .expect_code(1)
        .stderr_has("no executable named `kubectl`");
    env.server
        .release("acme/plain", "v1.0.0")
        .asset(&format!("{triple}{EXE}"), &program("plain", "1.0.0"))
        .checksums("checksums.txt")
        .publish();
    env.run(&["install", "acme/plain@1.0.0", "--bin", "plain=p"])
        .expect_code(0);
    assert_eq!(env.installed_bytes("p"), Some(program("plain", "1.0.0")));
}

/// A stored copy whose only program went (deleted by hand) is installed again where it is, by
/// a project's sync too: it was taken for a copy with other executables, and the sync stored a
/// second copy beside it, leaving the user's broken.
#[test]
fn the_only_program_gone_is_installed_again_in_place() {
    let env = TestEnv::new();
    crate::support::publish_programs(&env.server, "acme/ripgrep", &["rgx"], "1.0.0");
    crate::support::use_catalog_entry(&env, "rqr", "acme/ripgrep", "\"rg=r\"");
    env.run(&["install", "rqr@1.0.0"]).expect_code(0);
    let stored = env.home().join("tools/rqr/1.0.0");
    let exe = stored.join(format!("d/rgx{EXE}"));
    std::fs::remove_file(&exe).unwrap();
    let dir = crate::support::project(&env, "p", "rqr = \"1\"");
    crate::support::Run::of(env.command().current_dir(&dir).arg("sync")).expect_code(0);
    assert!(exe.is_file());
    let versions: Vec<_> = std::fs::read_dir(env.home().join("tools/rqr"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(versions, ["1.0.0"]);
    let list = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
}

/// A typed name is a bare program's only where that asset is the program: not a name of
/// another program its catalog entry names (`mb = ["alpha", "beta"]`, `--bin beta` of the
/// `alpha` asset linked alpha as `beta`), nor the name followed by a word that is not a
/// version (`kube-2fa-<platform>` is not `kube`).
#[test]
fn a_typed_name_is_not_another_bare_program() {
    let env = TestEnv::new();
    let triple = host_asset("x", "0", "");
    let triple = triple.trim_start_matches("x-0-");
    env.server
        .release("acme/mb", "v1.0.0")
        .asset(&format!("alpha-{triple}{EXE}"), &program("alpha", "1.0.0"))
        .checksums("checksums.txt")
        .publish();
    crate::support::use_catalog_entry(&env, "mb", "acme/mb", "\"alpha\", \"beta\"");
    env.run(&["install", "mb@1.0.0", "--bin", "beta"])
        .expect_code(1)
        .stderr_has("no executable named `beta`");
    assert_eq!(env.installed_bytes("beta"), None);
    env.server
        .release("acme/kube", "v1.0.0")
        .asset(
            &format!("kube-2fa-{triple}{EXE}"),
            &program("kube-2fa", "1.0.0"),
        )
        .checksums("checksums.txt")
        .publish();
    env.run(&["install", "acme/kube@1.0.0", "--bin", "kube"])
        .expect_code(1)
        .stderr_has("no executable named `kube`");
}

/// A catalog template whose checksum file is on another host than its downloads, under a
/// name of its own holding the hash alone, is mirrored whole: the template says where its
/// checksum file is and how it is read (a lock's checksum file on another host is refused
/// only where nothing but the lock names it).
#[test]
fn mirror_takes_a_templates_checksum_file_from_its_own_host() {
    let env = TestEnv::new();
    let (os, arch) = go_platform();
    let url = &env.server.url;
    let program_bytes = program("vend", "1.0.0");
    env.server.file("/a/vend/stable.txt", b"v1.0.0\n");
    env.server.file(
        &format!("/a/vend/v1.0.0/vend-{os}-{arch}{EXE}"),
        &program_bytes,
    );
    env.server.file(
        &format!("/b/sums/v1.0.0/sha256-{os}-{arch}.txt"),
        sha256_hex(&program_bytes).as_bytes(),
    );
    let platform = format!(
        "{}-{}",
        match os {
            "darwin" => "macos",
            other => other,
        },
        if arch == "arm64" { "aarch64" } else { "x86_64" }
    );
    std::fs::write(
        env.config_path(),
        format!(
            "[[mirror]]\nfrom = \"https://a.example/\"\nto = \"{url}/a/\"\n\n\
             [[mirror]]\nfrom = \"https://b.example/\"\nto = \"{url}/b/\"\n\n\
             [[tool]]\nname = \"vend\"\ndescription = \"v\"\nhomepage = \"https://a.example\"\n\
             [tool.template]\nversion = {{ text = \"https://a.example/vend/stable.txt\" }}\n\
             url = \"https://a.example/vend/{{tag}}/vend-{{os}}-{{arch}}{{exe}}\"\n\
             checksum = \"https://b.example/sums/{{tag}}/sha256-{{os}}-{{arch}}.txt\"\n\
             platforms = [\"{platform}\"]\n"
        ),
    )
    .unwrap();
    let dir = env.dir.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        format!("[tools]\nvend = \"latest\"\n[settings]\nplatforms = [\"{platform}\"]\n"),
    )
    .unwrap();
    let in_dir =
        |args: &[&str]| crate::support::Run::of(env.command().current_dir(&dir).args(args));
    in_dir(&["lock"]).expect_code(0);
    let mirror = env.dir.path().join("mirror");
    in_dir(&["mirror", &mirror.display().to_string()])
        .expect_code(0)
        .stderr_has("Mirrored 2 files");
    let sums = mirror.join(format!("b.example/sums/v1.0.0/sha256-{os}-{arch}.txt"));
    assert_eq!(
        std::fs::read(&sums).ok(),
        Some(sha256_hex(&program_bytes).into_bytes())
    );
    // A lock stale for another tool: this one's entry is still what haul.toml asks.
    std::fs::write(
        dir.join("haul.toml"),
        format!("[tools]\nvend = \"latest\"\n\"acme/other\" = \"1\"\n[settings]\nplatforms = [\"{platform}\"]\n"),
    )
    .unwrap();
    in_dir(&["mirror", &mirror.display().to_string()])
        .expect_code(0)
        .stderr_has("does not match haul.toml");
    // The entry's own requirement edited, still allowing what is locked: the same.
    std::fs::write(
        dir.join("haul.toml"),
        format!("[tools]\nvend = \"1.0.0\"\n[settings]\nplatforms = [\"{platform}\"]\n"),
    )
    .unwrap();
    in_dir(&["mirror", &mirror.display().to_string()])
        .expect_code(0)
        .stderr_has("does not match haul.toml");
    // So does one that no longer allows it, or asks for a prerelease: the tool is the same.
    for edited in [
        "vend = \"2\"",
        "vend = { version = \"latest\", pre = true }",
    ] {
        std::fs::write(
            dir.join("haul.toml"),
            format!("[tools]\n{edited}\n[settings]\nplatforms = [\"{platform}\"]\n"),
        )
        .unwrap();
        in_dir(&["mirror", &mirror.display().to_string()])
            .expect_code(0)
            .stderr_has("does not match haul.toml");
    }
    // An entry relabelled in the lock as another key's tool (it may name any template) gets no
    // checksum file from another host.
    let text = std::fs::read_to_string(dir.join("haul.lock")).unwrap();
    let mut lock: toml::Table = toml::from_str(&text).unwrap();
    lock["tool"][0]
        .as_table_mut()
        .unwrap()
        .insert("key".to_owned(), "acme/other".into());
    std::fs::write(dir.join("haul.lock"), toml::to_string(&lock).unwrap()).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        format!("[tools]\n\"acme/other\" = \"1\"\n[settings]\nplatforms = [\"{platform}\"]\n"),
    )
    .unwrap();
    in_dir(&["mirror", &mirror.display().to_string()])
        .expect_code(4)
        .stderr_has("does not match haul.toml")
        .stderr_has("is not where the file is");
}
