//! haul's state never looks healthy when it is not: a tool is its source, broken installs are
//! found and repaired, paths are absolute, the bin dir is part of the record, version moves
//! are visible, crashes and damaged records are recovered from, and names from anywhere are
//! checked before they become paths.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{EXE, TestEnv, host_asset, program, publish_simple};

/// The problems `haul doctor` reports about the store (the test machine's PATH aside).
/// A test environment with each of `repos` 1.0.0 published and installed, in one command.
fn installed(repos: &[&str]) -> TestEnv {
    let env = TestEnv::new();
    for repo in repos {
        publish_simple(&env.server, repo, "1.0.0");
    }
    env.run(&[&["install"], repos].concat()).expect_code(0);
    env
}

/// Make the record at `path` list one more link, at `to`: one haul could not have made (not
/// named after its executable).
fn add_foreign_link(path: &Path, to: &Path) {
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut foreign = record["links"][0].clone();
    foreign["path"] = serde_json::json!(to);
    record["links"].as_array_mut().unwrap().push(foreign);
    std::fs::write(path, record.to_string()).unwrap();
}

/// acme/widget 1.0.0 installed, then 2.0.0 (active).
fn install_two_versions(env: &TestEnv) {
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
}

fn fixable(report: &serde_json::Value) -> usize {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["fixable"] == true)
        .count()
}

#[test]
fn another_source_under_a_taken_name_is_refused_then_replaced_with_force() {
    let env = TestEnv::new();
    publish_simple(&env.server, "bench/tool01", "2.0.0");
    publish_simple(&env.server, "fork/tool01", "2.0.0");
    publish_simple(&env.server, "other/tool01", "3.0.0");
    env.run(&["install", "bench/tool01"]).expect_code(0);
    env.run(&["install", "fork/tool01"])
        .expect_code(1)
        .stderr_has("`tool01` is already installed from `github:bench/tool01`")
        .stderr_has("--force");
    env.run(&["install", "other/tool01"]).expect_code(1);
    assert_eq!(
        env.installed_bytes("tool01"),
        Some(program("tool01", "2.0.0"))
    );
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["source"], "github:bench/tool01");

    env.run(&["install", "fork/tool01", "--force"])
        .expect_code(0)
        .stderr_has("replaced `github:bench/tool01`");
    let list = env.run(&["list", "--all", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["source"], "github:fork/tool01");
    env.run(&["doctor"]).stdout().contains("no problems found");
}

/// A tool whose name differs from an installed one's only in case would share its record and
/// directory on Windows and macOS (and replace them): it is refused everywhere, `--force` or
/// not, and the installed tool stays as it was.
#[test]
fn a_name_that_differs_only_in_case_is_refused() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    publish_simple(&env.server, "evil/Widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let before = env.snapshot();
    for force in [&[][..], &["--force"]] {
        let mut args = vec!["install", "evil/Widget", "--bin", "Widget"];
        args.extend_from_slice(force);
        env.run(&args)
            .expect_code(2)
            .stderr_has("`Widget` differs from the installed tool `widget` only in case");
    }
    assert_eq!(env.snapshot(), before);
    env.run(&["which", "widget"]).expect_code(0);
}

#[test]
fn a_catalog_name_for_an_installed_repository_is_the_same_tool() {
    let env = TestEnv::new();
    publish_simple(&env.server, "bench/tool01", "1.3.0");
    publish_simple(&env.server, "bench/tool01", "1.4.0");
    env.run(&["install", "bench/tool01@1.3"]).expect_code(0);
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"t1\"\ndescription = \"x\"\nhomepage = \"https://x\"\nrepo = \"bench/tool01\"\nbins = [\"tool01\"]\n",
    )
    .unwrap();
    env.run(&["install", "t1"])
        .expect_code(0)
        .stderr_has("tool01 1.4.0 (was 1.3.0)");
    env.run(&["install", "bench/tool01@1.3"]).expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["version"], "1.3.0");
}

#[test]
fn broken_installs_are_found_and_repaired() {
    let env = TestEnv::new();
    publish_simple(&env.server, "bench/tool05", "1.0.0");
    publish_simple(&env.server, "bench/tool06", "1.0.0");
    env.run(&["install", "bench/tool05", "bench/tool06"])
        .expect_code(0);
    std::fs::remove_dir_all(env.home().join("tools/tool05")).unwrap();
    std::fs::remove_file(env.bin_dir().join(format!("tool06{EXE}"))).unwrap();

    let list = env.run(&["list"]);
    list.expect_code(0);
    assert!(list.stdout().contains("BROKEN"), "{}", list.stdout());
    let json = env.run(&["list", "--json"]).json();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .all(|t| !t["problems"].as_array().unwrap().is_empty())
    );
    env.run(&["which", "tool06"])
        .expect_code(1)
        .stderr_has("is missing")
        .stderr_has("`haul doctor --fix`");
    // A file of the user's where the link goes is said as such, with a hint that works
    // (`doctor --fix` leaves such a file: the hint said it would link it again).
    let link = env.bin_dir().join(format!("tool06{EXE}"));
    std::fs::write(&link, b"mine").unwrap();
    env.run(&["which", "tool06"])
        .expect_code(1)
        .stderr_has("is a file haul did not make")
        .stderr_has("remove it");
    std::fs::remove_file(&link).unwrap();
    env.run(&["which", "tool05"]).expect_code(1);
    let doctor = env.run(&["doctor", "--json"]);
    doctor.expect_code(1);
    let problems = doctor.json()["problems"].to_string();
    assert!(
        problems.contains("its files are gone") || problems.contains("is gone"),
        "{problems}"
    );
    assert!(problems.contains("is missing"), "{problems}");

    // Installing again repairs: the files (downloaded again) and the link (made again).
    env.run(&["install", "bench/tool05"]).expect_code(0);
    env.run(&["install", "bench/tool06"])
        .expect_code(0)
        .stderr_has("Linked tool06 1.0.0");
    env.run(&["which", "tool05"]).expect_code(0);
    env.run(&["which", "tool06"]).expect_code(0);

    // doctor --fix repairs what it reports.
    std::fs::remove_file(env.bin_dir().join(format!("tool06{EXE}"))).unwrap();
    std::fs::create_dir_all(env.home().join("tools/orphan/1.0")).unwrap();
    // Not what haul makes there (a directory of version directories): left alone.
    std::fs::create_dir_all(env.home().join("tools/mine")).unwrap();
    std::fs::write(env.home().join("tools/mine/run.sh"), b"echo mine").unwrap();
    // Nor is a file beside a tool's versions, which `--fix` said it removed and did not.
    std::fs::write(env.home().join("tools/tool05/NOTES.txt"), b"mine").unwrap();
    let fixed = env.doctor_fix();
    assert!(!fixed.contains("NOTES.txt"), "{fixed}");
    env.run(&["which", "tool06"]).expect_code(0);
    assert!(!env.home().join("tools/orphan").exists());
    assert!(env.home().join("tools/mine/run.sh").is_file());
    assert!(env.home().join("tools/tool05/NOTES.txt").is_file());
    let after = env.run(&["doctor", "--json"]);
    assert_eq!(fixable(&after.json()), 0, "{}", after.stdout());
}

#[test]
fn relative_directories_are_made_absolute() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let cwd = env.dir.path().join("work");
    std::fs::create_dir_all(&cwd).unwrap();
    crate::support::Run::of(
        env.command()
            .current_dir(&cwd)
            .env("HAUL_HOME", "relhome")
            .env("HAUL_BIN_DIR", "relbin")
            .args(["install", "acme/widget"]),
    )
    .expect_code(0);
    let link = cwd.join("relbin").join(format!("widget{EXE}"));
    assert_eq!(std::fs::read(&link).unwrap(), program("widget", "1.0.0"));
    let envsnippet = env
        .command()
        .current_dir(&cwd)
        .args(["env", "--shell", "sh", "--bin-dir", "./cibin"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&envsnippet.stdout);
    assert!(
        text.contains(&crate::support::posix_spelling(&cwd.join("cibin"))),
        "{text}"
    );
}

#[test]
fn a_second_bin_dir_gets_links_and_uninstall_removes_them_all() {
    let env = installed(&["acme/widget"]);
    let ci = env.dir.path().join("cibin");
    let ci_arg = ci.display().to_string();
    env.run(&["--bin-dir", &ci_arg, "install", "acme/widget"])
        .expect_code(0)
        .stderr_has("Linked widget 1.0.0");
    assert_eq!(
        std::fs::read(ci.join(format!("widget{EXE}"))).unwrap(),
        program("widget", "1.0.0")
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    // Both follow a version change.
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert_eq!(
        std::fs::read(ci.join(format!("widget{EXE}"))).unwrap(),
        program("widget", "2.0.0")
    );
    // A bin dir that is gone stays gone: the next version change does not make it again (a
    // project linked before project links were pinned, a directory removed on purpose), and
    // `doctor --fix` lets go of its links.
    std::fs::remove_dir_all(&ci).unwrap();
    publish_simple(&env.server, "acme/widget", "3.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    assert!(!ci.exists());
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "3.0.0"))
    );
    env.run(&["doctor", "--fix"]);
    assert!(!ci.exists());
    assert_eq!(
        env.run(&["list", "--json"]).json()[0]["problems"],
        serde_json::json!([])
    );
    // The bin dir the install names is made when it is missing, though.
    std::fs::remove_dir_all(env.bin_dir()).unwrap();
    env.run(&["install", "acme/widget", "--force"])
        .expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "3.0.0"))
    );
    env.run(&["uninstall", "widget"]).expect_code(0);
    assert_eq!(env.installed_bytes("widget"), None);
}

#[test]
fn version_moves_say_from_what() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/pre", "1.0.0");
    let asset = host_asset("pre", "2.0.0-rc.1", ".tar.gz");
    env.server
        .release("acme/pre", "v2.0.0-rc.1")
        .asset(&asset, &crate::support::tar_gz_release("pre", "2.0.0-rc.1"))
        .checksums("checksums.txt")
        .prerelease()
        .publish();
    env.run(&["install", "acme/pre", "--pre"])
        .expect_code(0)
        .stderr_has("Installed pre 2.0.0-rc.1 (");
    env.run(&["install", "acme/pre"])
        .expect_code(0)
        .stderr_has("pre 1.0.0 (was 2.0.0-rc.1, a downgrade)");
    let json = env.run(&["install", "acme/pre", "--pre", "--json"]);
    json.expect_code(0);
    let installed = &json.json()["installed"][0];
    assert_eq!(installed["was"], "1.0.0");
    assert_eq!(installed["tag"], "v2.0.0-rc.1");
    assert!(installed["url"].as_str().unwrap().ends_with(&asset));
    assert_eq!(installed["sha256"].as_str().unwrap().len(), 64);
    assert!(installed["platform"].as_str().unwrap().contains('-'));
}

#[test]
fn when_every_tool_fails_the_exit_is_1() {
    let env = TestEnv::new();
    env.run(&["install", "nobody/a", "nobody/b"])
        .expect_code(1)
        .stderr_has("2 of 2 tools failed")
        .stderr_has("nothing was installed");
}

#[test]
fn target_an_os_alone_means_this_machines_architecture() {
    let env = TestEnv::new();
    let assets = [
        "w-1.0.0-x86_64-apple-darwin.tar.gz",
        "w-1.0.0-aarch64-apple-darwin.tar.gz",
        "w-1.0.0-x86_64-unknown-linux-musl.tar.gz",
        "w-1.0.0-aarch64-unknown-linux-musl.tar.gz",
    ];
    let mut release = env.server.release("acme/w", "v1.0.0");
    for asset in assets {
        release = release.asset(asset, b"x");
    }
    release.publish();
    let json = env
        .run(&["info", "acme/w", "--target", "macos", "--json"])
        .json();
    let (name, pick) = json["platforms"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert!(name.starts_with("macos-"), "{name}");
    let arch = if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else {
        "x86_64"
    };
    assert_eq!(pick["asset"], format!("w-1.0.0-{arch}-apple-darwin.tar.gz"));
}

#[test]
fn a_hundred_tools_at_once_and_two_such_commands_at_once() {
    let env = TestEnv::new();
    let names: Vec<String> = (0..100).map(|i| format!("bulk/tool{i:02}")).collect();
    for name in &names {
        publish_simple(&env.server, name, "1.0.0");
    }
    let mut args = vec!["install", "--jobs", "16"];
    args.extend(names.iter().map(String::as_str));
    let first = env.command().args(&args[..52]).spawn().unwrap();
    let mut second_args = vec!["install", "--jobs", "16"];
    second_args.extend(names[40..].iter().map(String::as_str));
    let second = env.command().args(&second_args).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    env.run(&args).expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 100);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["problems"].as_array().unwrap().is_empty())
    );
    assert!(
        env.staging_entries().is_empty(),
        "{:?}",
        env.staging_entries()
    );
}

#[test]
fn a_damaged_record_affects_only_its_own_tool() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "1.0.0");
    publish_simple(&env.server, "acme/gamma", "1.0.0");
    env.run(&["install", "acme/alpha", "acme/beta"])
        .expect_code(0);
    let record = env.home().join("records/alpha.json");
    let text = std::fs::read(&record).unwrap();
    std::fs::write(&record, &text[..text.len() / 2]).unwrap();

    // The rest is listed, and the exit code says it is not everything.
    let list = env.run(&["list", "--json"]);
    list.expect_code(1).stderr_has("the record");
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    env.run(&["which", "beta"]).expect_code(0);
    // `-q` keeps what makes the exit code 1.
    env.run(&["-q", "list"])
        .expect_code(1)
        .stderr_has("error: the record");
    // outdated and upgrade cannot check the tool: they say so, and do not exit 0 (nor 10).
    publish_simple(&env.server, "acme/beta", "1.1.0");
    let outdated = env.run(&["-q", "outdated", "--json", "--exit-code"]);
    outdated
        .expect_code(1)
        .stderr_has("error: alpha")
        .stderr_has("1 of 2 tools could not be checked");
    assert_eq!(outdated.json()[0]["name"], "beta");
    // Named among others, it fails alone too (it stopped every tool named).
    let outdated = env.run(&["-q", "outdated", "--json", "beta", "alpha"]);
    outdated.expect_code(1).stderr_has("error: alpha");
    assert_eq!(outdated.json()[0]["name"], "beta");
    env.run(&["upgrade", "--dry-run", "beta", "alpha"])
        .expect_code(3)
        .stderr_has("error: alpha")
        .stderr_has("Would move beta 1.0.0 to 1.1.0");
    // The dry run's code is the upgrade's (below): one of two tools fails.
    env.run(&["upgrade", "--dry-run"])
        .expect_code(3)
        .stderr_has("error: alpha")
        .stderr_has("Would move beta 1.0.0 to 1.1.0");
    env.run(&["upgrade", "alpha"])
        .expect_code(1)
        .stderr_has("is damaged");
    // Named alone, it is not "no tools installed".
    let run = env.run(&["outdated", "alpha"]);
    run.expect_code(1).stderr_has("is damaged");
    assert_eq!(run.stdout(), "", "no table of nothing");
    assert!(
        !run.stderr().contains("no tools installed"),
        "{}",
        run.stderr()
    );
    let upgrade = env.run(&["upgrade", "--json", "beta", "alpha"]);
    upgrade.expect_code(3);
    assert_eq!(upgrade.json()["installed"][0]["version"], "1.1.0");
    assert_eq!(upgrade.json()["failed"][0]["tool"], "alpha");
    // The damaged tool is named as damaged, not as unknown.
    env.run(&["which", "alpha"])
        .expect_code(1)
        .stderr_has("is damaged");
    env.run(&["exec", "alpha"])
        .expect_code(1)
        .stderr_has("is damaged");
    env.run(&["install", "acme/gamma"]).expect_code(0);
    env.run(&["install", "acme/alpha"])
        .expect_code(1)
        .stderr_has("is damaged");
    let doctor = env.run(&["doctor", "--json"]);
    doctor.expect_code(1);
    assert!(
        doctor.json()["problems"]
            .to_string()
            .contains("the record of `alpha` is damaged")
    );
    env.run(&["install", "acme/alpha", "--force"])
        .expect_code(0);
    env.run(&["which", "alpha"]).expect_code(0);
    std::fs::write(&record, b"{").unwrap();
    env.run(&["uninstall", "alpha"]).expect_code(0);
    assert_eq!(env.installed_bytes("alpha"), None);
    assert!(!env.home().join("tools/alpha").exists());
    // `doctor --fix` removes a damaged record with what it stored, and says both.
    env.run(&["install", "acme/alpha"]).expect_code(0);
    std::fs::write(&record, b"{").unwrap();
    let fixed = env.run(&["doctor", "--fix", "--json"]).json()["fixed"].to_string();
    assert!(
        fixed.contains("removed the damaged record of `alpha` and the versions it stored"),
        "{fixed}"
    );
    assert!(!env.home().join("tools/alpha").exists());
}

/// A record a newer haul wrote (a shared home, haul itself rolled back) is not damaged: this
/// haul says it cannot manage the tool, and `doctor --fix` leaves the tool whole.
#[test]
fn a_record_from_a_newer_haul_is_left_alone() {
    let env = installed(&["acme/alpha"]);
    let record = env.home().join("records/alpha.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    json["format"] = serde_json::json!(99);
    let text = serde_json::to_vec_pretty(&json).unwrap();
    std::fs::write(&record, &text).unwrap();

    let doctor = env.run(&["doctor", "--json"]);
    doctor.expect_code(1);
    let problems = doctor.json()["problems"].clone();
    assert!(
        problems.to_string().contains("written by a newer haul"),
        "{problems}"
    );
    assert!(!problems.to_string().contains("damaged"), "{problems}");
    env.run(&["doctor", "--fix"]).expect_code(1);
    assert_eq!(std::fs::read(&record).unwrap(), text);
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    env.run(&["install", "acme/alpha"])
        .expect_code(1)
        .stderr_has("newer haul");
}

/// A config file haul cannot use stops every command but `doctor` (which reports it) and
/// `uninstall` (which goes on without it): also for a value read after the file (a duration,
/// a size, a mirror rule) and a catalog entry, which stopped `doctor` too, with no report, or
/// passed it (two entries of one name, an alias another entry has: one was silently lost).
/// `doctor` says whether the rest of the file is in use.
#[test]
fn an_invalid_config_stops_commands_but_doctor_and_uninstall() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    let entry = |name: &str, aliases: &str| {
        format!(
            "[[tool]]\nname = \"{name}\"\ndescription = \"x\"\nhomepage = \"https://x\"\nrepo = \"acme/{name}\"\naliases = [{aliases}]\n"
        )
    };
    let configs = [
        (
            "jobs = 0\n".to_owned(),
            "`jobs = 0` is not in 1..=64",
            false,
        ),
        ("timeout = \"abc\"\n".to_owned(), "abc", true),
        (
            "max-unpacked-size = \"12 parsecs\"\n".to_owned(),
            "12 parsecs",
            true,
        ),
        (
            "[[mirror]]\nfrom = \"https://github.com/\"\nto = \"mirror.example/gh\"\n".to_owned(),
            "mirror",
            true,
        ),
        (
            "[[tool]]\nname = \"broken\"\n".to_owned(),
            "the catalog entry `broken`",
            true,
        ),
        (
            entry("twin", "") + &entry("twin", ""),
            "the catalog entry `twin`: `twin` is given twice",
            true,
        ),
        (
            entry("one", "\"uno\"") + &entry("other", "\"uno\""),
            "`uno` is already the name or an alias of the entry `one` above it",
            true,
        ),
        (
            entry("mykube", "\"kubectl\""),
            "the alias `kubectl` is already the name or an alias of the built-in entry `kubectl`",
            true,
        ),
    ];
    for (config, said, rest_in_use) in configs {
        std::fs::write(env.config_path(), "").unwrap();
        env.run(&["install", "acme/alpha"]).expect_code(0);
        std::fs::write(env.config_path(), &config).unwrap();
        env.run(&["install", "acme/alpha"])
            .expect_code(2)
            .stderr_has(said);
        let doctor = env.run(&["doctor"]);
        doctor.expect_code(1);
        let state = if rest_in_use {
            "(in use, but for what cannot be used (below))"
        } else {
            "(cannot be used; defaults in use)"
        };
        assert!(
            doctor.stdout().contains("cannot be used")
                && doctor.stdout().contains(said)
                && doctor.stdout().contains(state),
            "{config}: {}",
            doctor.stdout()
        );
        assert_eq!(
            env.run(&["doctor", "--json"]).json()["config"]["in_use"],
            rest_in_use,
            "{config}"
        );
        // The warning says why.
        env.run(&["uninstall", "alpha"])
            .expect_code(0)
            .stderr_has(said)
            .stderr_has("going on without it");
        assert_eq!(env.installed_bytes("alpha"), None);
    }
    // A catalog entry haul cannot use is left out, not the rest of the file.
    std::fs::write(
        env.config_path(),
        "timeout = 45\n[[tool]]\nname = \"broken\"\n",
    )
    .unwrap();
    let doctor = env.run(&["doctor"]);
    assert!(
        doctor.stdout().contains("timeout 45 s"),
        "{}",
        doctor.stdout()
    );
    // Entries that replace a built-in one, and aliases of their own, are not in the way.
    std::fs::write(
        env.config_path(),
        entry("kubectl", "\"kc\"") + &entry("mine", "\"mn\""),
    )
    .unwrap();
    let doctor = env.run(&["doctor"]);
    assert!(
        doctor.stdout().contains("(in use)") && !doctor.stdout().contains("cannot be used"),
        "{}",
        doctor.stdout()
    );
    env.run(&["install", "acme/alpha"]).expect_code(0);
}

/// A config value that does not read is the config file's error even where the environment
/// sets that value (it went unnoticed until the variable was unset), and one from the
/// environment, which stops every command, is named before it (it was never named).
#[test]
fn a_bad_config_value_is_said_beside_the_environments() {
    let env = installed(&["acme/alpha"]);
    std::fs::write(env.config_path(), "timeout = \"abc\"\n").unwrap();
    let run = |var: &str, value: &str, args: &[&str]| {
        crate::support::Run::of(env.command().env(var, value).args(args))
    };
    run("HAUL_TIMEOUT", "7s", &["install", "acme/alpha"])
        .expect_code(2)
        .stderr_has("`timeout` is `abc`");
    let doctor = run("HAUL_TIMEOUT", "7s", &["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor.stdout().contains("`timeout` is `abc`") && doctor.stdout().contains("timeout 7 s"),
        "{}",
        doctor.stdout()
    );
    for args in [&["doctor"][..], &["uninstall", "alpha"]] {
        run("HAUL_MAX_TIME", "zz", args)
            .expect_code(2)
            .stderr_has("`HAUL_MAX_TIME` is `zz`");
    }
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
    // doctor shows what one download may unpack to.
    std::fs::write(
        env.config_path(),
        "max-unpacked-size = \"3KiB\"\nmax-archive-entries = 7\n",
    )
    .unwrap();
    let doctor = env.run(&["doctor", "--json"]);
    let unpacking = &doctor.json()["unpacking"];
    assert_eq!(unpacking["max_unpacked_size"], 3072, "{unpacking}");
    assert_eq!(unpacking["max_archive_entries"], 7, "{unpacking}");
    assert!(
        env.run(&["doctor"])
            .stdout()
            .contains("unpacking     up to 3 KiB and 7 archive entries per download")
    );
}

#[test]
fn names_from_servers_and_users_never_become_paths_outside() {
    let env = TestEnv::new();
    let evil = format!("/abs/dir/x_{}_/../dotfile", "linux_amd64");
    env.server
        .release("acme/evil", "v1.0.0")
        .asset(&evil, b"x")
        .asset("../../evil_linux_amd64", b"x")
        .publish();
    env.run(&["install", "acme/evil", "--asset", "dotfile"])
        .expect_code(1)
        .stderr_has("refusing the asset name");
    env.run(&["install", "acme/evil", "--asset", "evil_linux"])
        .expect_code(1)
        .stderr_has("refusing the asset name");
    env.server
        .release("acme/dots", "..")
        .asset(&host_asset("dots", "1", ".tar.gz"), b"x")
        .publish();
    // A tag the server sends, and one the user types.
    env.run(&["install", "acme/dots"])
        .expect_code(1)
        .stderr_has("refusing the release tag `..`");
    env.run(&["install", "acme/dots@.."])
        .expect_code(2)
        .stderr_has("refusing the release tag `..`");
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget", "--bin", "/abs/path"])
        .expect_code(2)
        .stderr_has("`--bin /abs/path`: the name contains a path separator");
    env.run(&["install", "acme/widget", "--bin", "widget=../../x"])
        .expect_code(2);
    std::fs::write(
        env.config_path(),
        "[[tool]]\nname = \"w\"\ndescription = \"x\"\nhomepage = \"https://x\"\nrepo = \"acme/widget\"\nbins = [\"../../x\"]\n",
    )
    .unwrap();
    env.run(&["install", "w"])
        .expect_code(2)
        .stderr_has("invalid");
    assert!(env.snapshot().is_empty());
    assert!(!env.dir.path().join("x").exists());
}

/// `haul ARGS`, stopped at `step` of its change with the store locked.
#[cfg(unix)]
fn paused_at(env: &TestEnv, step: &str, args: &[&str]) -> crate::support::Paused {
    crate::support::paused_at(env.command().args(args), step)
}

/// A haul that finds the store locked by another in the middle of a change says that it
/// waits, and does nothing until the change is done or left: `doctor --fix` neither completes
/// nor undoes a change another haul is still making.
#[cfg(unix)]
#[test]
fn a_second_haul_waits_for_a_change_under_way() {
    use std::io::{BufRead as _, Read as _};
    let env = installed(&["acme/widget"]);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    let first = paused_at(&env, "journal-written", &["install", "acme/widget"]);
    let journal = env.home().join("journal");
    let journaled = || std::fs::read_dir(&journal).map_or(0, Iterator::count);
    assert_eq!(journaled(), 1);

    let mut second = crate::support::Paused(
        env.command()
            .args(["doctor", "--fix"])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stderr = std::io::BufReader::new(second.0.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("waiting for another haul") {
        line.clear();
        assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "no wait was said");
    }
    assert!(line.contains("store.lock"), "{line}");
    // The first haul holds the lock, stopped: the second is waiting, the journal untouched.
    assert!(second.0.try_wait().unwrap().is_none());
    assert_eq!(journaled(), 1);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );

    first.kill();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    second.0.wait().unwrap();
    // Only now is the change left behind completed, once.
    assert_eq!(journaled(), 0, "{rest}");
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["version"], "2.0.0", "{list}");
    assert_eq!(list[0]["problems"], serde_json::json!([]));
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// Commands that read the store wait while another haul holds it to change it, also before
/// that haul has written its journal: they read the store as of one moment, never a change
/// half-made (`doctor` called another haul's change under way one a stopped haul left, and a
/// link it had not made yet one pointing elsewhere). Readers do not wait for each other.
#[cfg(unix)]
#[test]
fn readers_wait_for_a_change_and_not_for_each_other() {
    let env = installed(&["acme/widget"]);
    let lock = || std::fs::File::open(env.home().join("store.lock")).unwrap();
    let spawn = |args: &[&str]| {
        env.command()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let says = [
        (&["list"][..], "widget"),
        (&["which", "widget"], "widget"),
        (&["doctor"], "1 installed"),
    ];
    for (args, said) in says {
        // Another haul holds the store to change it.
        let held = lock();
        held.lock().unwrap();
        let mut reader = spawn(args);
        let mut stderr = std::io::BufReader::new(reader.stderr.take().unwrap());
        crate::support::read_until(&mut stderr, "waiting for another haul");
        assert!(reader.try_wait().unwrap().is_none(), "{args:?}");
        drop(held);
        let out = reader.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(said), "{args:?}: {stdout}");
        // Another haul reads it: no wait.
        let reading = lock();
        reading.lock_shared().unwrap();
        let out = spawn(args).wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("waiting"), "{args:?}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(said), "{args:?}: {stdout}");
    }
}

/// Ctrl-C or SIGTERM reaches a haul that waits for another to finish changing the store: the
/// change it waited to make is not made, and it stops at once.
#[cfg(unix)]
#[test]
fn a_haul_waiting_for_the_store_stops_when_told() {
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let env = TestEnv::new();
        publish_simple(&env.server, "acme/widget", "1.0.0");
        std::fs::create_dir_all(env.home()).unwrap();
        // Another haul holds the store's lock.
        let held = std::fs::File::create(env.home().join("store.lock")).unwrap();
        held.lock().unwrap();
        let mut child = env
            .command()
            .args(["install", "acme/widget"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let said = crate::support::read_until(&mut stderr, "waiting for another haul");
        crate::support::send_signal(&child, signal);
        let status = child.wait().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        assert_eq!(status.code(), Some(code), "{said}{rest}");
        assert!(rest.contains("interrupted"), "{said}{rest}");
        drop(held);
        assert_eq!(env.installed_bytes("widget"), None);
        assert!(env.run(&["list", "--json"]).json() == serde_json::json!([]));
    }
}

/// After its installs, `sync` unlinks what the lock no longer names, which waits for the
/// store's lock too: a stop then still ends haul at once, with that change not made (the
/// listening for Ctrl-C and SIGTERM that the installs set up had swallowed it).
#[cfg(unix)]
#[test]
fn a_stop_after_the_installs_still_ends_haul() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "1.0.0");
    let dir = env.dir.path().join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = |tools: &str| {
        std::fs::write(
            dir.join("haul.toml"),
            format!("[tools]\n{tools}[settings]\nbin-dir = \".haul/bin\"\n"),
        )
        .unwrap();
    };
    manifest("\"acme/alpha\" = \"1\"\n\"acme/beta\" = \"1\"\n");
    crate::support::Run::of(env.command().current_dir(&dir).arg("sync")).expect_code(0);
    manifest("\"acme/alpha\" = \"1\"\n");
    let beta = dir
        .join(".haul/bin")
        .join(format!("beta{}", crate::support::EXE));
    assert!(beta.exists());
    // Another haul holds the store's lock when the unlinking starts.
    let held = std::fs::File::open(env.home().join("store.lock")).unwrap();
    held.lock().unwrap();
    let mut child = env
        .command()
        .current_dir(&dir)
        .arg("sync")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let said = crate::support::read_until(&mut stderr, "waiting for another haul");
    crate::support::send_signal(&child, "TERM");
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(143), "{said}{rest}");
    assert!(rest.contains("interrupted"), "{said}{rest}");
    drop(held);
    assert!(beta.exists(), "the unlinking waited for was made");
}

/// A crash (SIGKILL) at each step of an install: the next run finds a consistent state, and
/// completes the install.
#[cfg(unix)]
#[test]
fn a_crash_at_each_step_is_recovered() {
    for step in [
        "journal-written",
        "version-moved",
        "record-written",
        "link-made",
    ] {
        let env = TestEnv::new();
        publish_simple(&env.server, "acme/widget", "1.0.0");
        env.run(&["install", "acme/widget"]).expect_code(0);
        publish_simple(&env.server, "acme/widget", "2.0.0");
        paused_at(&env, step, &["install", "acme/widget"]).kill();

        // Whatever the next command is, it sees the change whole.
        let list = env.run(&["list", "--json"]);
        list.expect_code(0);
        let tool = &list.json()[0];
        assert_eq!(tool["version"], "2.0.0", "{step}");
        assert!(
            tool["problems"].as_array().unwrap().is_empty(),
            "{step}: {tool}"
        );
        assert_eq!(
            env.installed_bytes("widget"),
            Some(program("widget", "2.0.0")),
            "{step}"
        );
        env.run(&["install", "acme/widget"])
            .expect_code(0)
            .stderr_has("already installed");
        let doctor = env.run(&["doctor", "--json"]).json();
        assert_eq!(fixable(&doctor), 0, "{step}: {doctor}");
        assert!(env.staging_entries().is_empty(), "{step}");
    }
}

/// Whether the record of `tool` lists the link `bin` in the bin dir.
fn lists_link(env: &TestEnv, tool: &str, bin: &str) -> bool {
    let link = env.bin_dir().join(format!("{bin}{EXE}"));
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.home().join(format!("records/{tool}.json"))).unwrap(),
    )
    .unwrap();
    record["links"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["path"].as_str() == Some(link.to_str().unwrap()))
}

/// `doctor --fix` says what finishing a change a crash left did.
#[cfg(unix)]
#[test]
fn doctor_fix_says_it_completed_a_change() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    paused_at(&env, "record-written", &["install", "acme/widget"]).kill();
    let fixed = env.doctor_fix();
    assert!(
        fixed.contains("completed the half-done change to `widget`"),
        "{fixed}"
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// `install --force` that takes a link over from another tool is one change: a crash at any
/// step leaves either no change or the whole one, never both records listing the link.
#[cfg(unix)]
#[test]
fn a_takeover_killed_at_each_step_leaves_one_owner() {
    for step in ["journal-written", "record-written", "link-made"] {
        let env = TestEnv::new();
        publish_simple(&env.server, "acme/widget", "1.0.0");
        env.run(&["install", "acme/widget"]).expect_code(0);
        crate::support::publish_gizmo_with_widget(&env.server);
        paused_at(&env, step, crate::support::GIZMO_TAKES_WIDGET).kill();

        let list = env.run(&["list", "--json"]);
        list.expect_code(0);
        for tool in list.json().as_array().unwrap() {
            assert_eq!(tool["problems"], serde_json::json!([]), "{step}: {tool}");
        }
        assert_eq!(
            env.installed_bytes("widget"),
            Some(program("gizmo", "1.0.0")),
            "{step}"
        );
        assert!(lists_link(&env, "gizmo", "widget"), "{step}");
        assert!(!lists_link(&env, "widget", "widget"), "{step}");
        let doctor = env.run(&["doctor", "--json"]).json();
        assert_eq!(fixable(&doctor), 0, "{step}: {doctor}");
    }
}

/// A takeover says whose link it took: another tool's record changed too.
#[test]
fn a_takeover_says_whose_link_it_took() {
    let env = installed(&["acme/widget"]);
    crate::support::publish_gizmo_with_widget(&env.server);
    env.run(crate::support::GIZMO_TAKES_WIDGET)
        .expect_code(0)
        .stderr_has(&format!("took `widget{EXE}` from widget"));
}

/// acme/widget 1.0.0 installed, acme/gizmo published (see `publish_gizmo_with_widget`), and a
/// directory in the bin dir where the link `blocked` would go; with the store as it is then.
fn widget_and_a_blocked_link(blocked: &str) -> (TestEnv, Vec<(String, Vec<u8>)>) {
    let env = installed(&["acme/widget"]);
    crate::support::publish_gizmo_with_widget(&env.server);
    let blocked = env.bin_dir().join(format!("{blocked}{EXE}"));
    std::fs::create_dir_all(blocked.join("inside")).unwrap();
    let before = env.snapshot();
    (env, before)
}

/// A takeover that fails after it made the link (the tool's next link cannot be made: a
/// directory is in its place) is undone whole: the link is the other tool's again, and its
/// record lists it.
#[test]
fn an_undone_takeover_gives_the_link_back() {
    // Links are made in the order of their paths: `widget`, then `zz`.
    let (env, before) = widget_and_a_blocked_link("zz");
    env.run(&[
        "install",
        "acme/gizmo",
        "--bin",
        "gizmo=zz",
        "--bin",
        "widget",
        "--force",
    ])
    .expect_code(1)
    .stderr_has("zz");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    assert!(lists_link(&env, "widget", "widget"));
    assert_eq!(env.snapshot(), before);
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
}

/// `install --force` that replaces a stored version (here with another source's files under
/// the same name and version) and then fails is undone whole: the version's old files are
/// back, not the new ones under the old record.
#[test]
fn an_undone_reinstall_puts_the_old_files_back() {
    let (env, before) = widget_and_a_blocked_link("gizmo");
    // Named `widget` by its first `--bin`: it replaces widget 1.0.0; the link `gizmo` then
    // cannot be made.
    env.run(&[
        "install",
        "acme/gizmo",
        "--bin",
        "widget",
        "--bin",
        "gizmo",
        "--force",
    ])
    .expect_code(1)
    .stderr_has("gizmo");
    assert_eq!(env.snapshot(), before);
    assert!(env.staging_entries().is_empty());
    let list = env.run(&["list", "--json"]).json();
    assert_eq!(list[0]["source"], "github:acme/widget", "{list}");
    assert_eq!(list[0]["problems"], serde_json::json!([]), "{list}");
}

/// Writing to a closed pipe ends haul quietly, never with a panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_haul_quietly() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    publish_simple(&env.server, "acme/beta", "1.0.0");
    let mut child = env
        .command()
        .args(["install", "acme/alpha", "acme/beta", "nobody/x"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once, as `2>&1 | head -c0` would.
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_ne!(status.code(), None, "killed by a signal: {status:?}");
    assert_ne!(status.code(), Some(134), "aborted");
    let mut listing = env
        .command()
        .args(["list"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(listing.stdout.take());
    assert_eq!(listing.wait().unwrap().code(), Some(0));
}

/// What an install keeps of an archive's layout (where the executable lies) is what reading
/// the record accepts: a directory named `aux` (a device name on Windows) is kept on Linux and
/// macOS and the tool is healthy; on Windows unpacking refuses it. Never an install that
/// succeeds and a record found damaged afterwards.
#[test]
fn an_executable_path_the_install_keeps_reads_back() {
    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.gz");
    let archive = crate::support::archive::gz(&crate::support::archive::tar(&[
        crate::support::archive::exe(&format!("aux/widget{EXE}"), &program("widget", "1.0.0")),
    ]));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &archive)
        .publish();
    let run = env.run(&["install", "acme/widget"]);
    if cfg!(windows) {
        run.expect_code(1)
            .stderr_has("`aux` is not a plain file name on Windows");
        assert!(env.snapshot().is_empty());
        return;
    }
    run.expect_code(0);
    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    assert_eq!(list.json()[0]["problems"], serde_json::json!([]));
    env.run(&["which", "widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// An executable that lost its `x` bit does not run: `list`, `which` and `doctor` say so, and
/// `doctor --fix` makes it executable again.
#[cfg(unix)]
#[test]
fn an_executable_that_cannot_run_is_not_healthy() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = installed(&["acme/widget"]);
    let target = std::fs::canonicalize(env.bin_dir().join("widget")).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();

    let list = env.run(&["list", "--json"]);
    let problems = list.json()[0]["problems"].to_string();
    assert!(problems.contains("is not executable"), "{problems}");
    env.run(&["which", "widget"]).expect_code(1);
    env.run(&["doctor"]).expect_code(1);
    let fix = env.run(&["doctor", "--fix"]);
    assert!(
        fix.stdout()
            .contains("`widget`: made 1 file executable again"),
        "{}{}",
        fix.stdout(),
        fix.stderr()
    );
    assert_eq!(
        env.run(&["list", "--json"]).json()[0]["problems"],
        serde_json::json!([])
    );
    env.run(&["which", "widget"]).expect_code(0);
}

/// Installing a version that is stored says when its executable has changed since (the
/// change may be the user's, so it stays), and installs again one that may not run.
#[cfg(unix)]
#[test]
fn installing_a_stored_version_tells_of_a_changed_executable() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = TestEnv::new();
    install_two_versions(&env);
    let active = std::fs::canonicalize(env.bin_dir().join("widget")).unwrap();
    std::fs::write(&active, b"#!/bin/sh\necho patched\n").unwrap();
    env.run(&["install", "acme/widget@2.0.0"])
        .expect_code(0)
        .stderr_has("has changed")
        .stderr_has("`haul install widget@2.0.0 --force`");
    assert_eq!(
        std::fs::read(&active).unwrap(),
        b"#!/bin/sh\necho patched\n"
    );

    let old_exe = env.home().join("tools/widget/1.0.0/widget-1.0.0/widget");
    std::fs::set_permissions(&old_exe, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    env.run(&["which", "widget"]).expect_code(0);
}

/// `sbom --installed` lists what was installed; when that is not what is on disk (an
/// executable changed, a record that cannot be read), it says so and exits 1.
#[test]
fn sbom_of_a_broken_install_says_so() {
    let env = installed(&["acme/widget"]);
    env.run(&["sbom", "--installed"]).expect_code(0);
    let exe = env
        .home()
        .join(format!("tools/widget/1.0.0/widget-1.0.0/widget{EXE}"));
    std::fs::write(&exe, b"").unwrap();
    std::fs::write(env.home().join("records/gadget.json"), b"{").unwrap();
    let run = env.run(&["sbom", "--installed"]);
    run.expect_code(1)
        .stderr_has("has changed")
        .stderr_has("not in the inventory");
    assert_eq!(run.json()["components"].as_array().map(Vec::len), Some(1));
}

/// `list --all` gives each stored version its own problems: a whole 1.0.0 is not marked
/// broken because 2.0.0's executable is gone.
#[test]
fn list_all_marks_only_the_broken_version() {
    let env = TestEnv::new();
    install_two_versions(&env);
    std::fs::remove_file(
        env.home()
            .join(format!("tools/widget/2.0.0/widget-2.0.0/widget{EXE}")),
    )
    .unwrap();
    let json = env.run(&["list", "--all", "--json"]).json();
    let problems = |key: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|row| row["key"] == key)
            .map(|row| row["problems"].as_array().unwrap().len())
    };
    assert_eq!(problems("1.0.0"), Some(0), "{json}");
    assert!(problems("2.0.0").is_some_and(|n| n > 0), "{json}");
}

/// A link into the store that no record names is found in every directory tools are linked
/// into, not only the bin dir in use, and `--fix` removes it.
#[cfg(unix)]
#[test]
fn doctor_finds_orphan_links_in_every_bin_dir() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    let other = env.dir.path().join("other-bin");
    let other_arg = other.display().to_string();
    env.run(&["install", "acme/widget", "--bin-dir", &other_arg])
        .expect_code(0);
    let stray = other.join("old-widget");
    std::os::unix::fs::symlink(
        env.home().join("tools/widget/1.0.0/widget-1.0.0/widget"),
        &stray,
    )
    .unwrap();
    let problems = env.doctor_problems();
    assert!(
        problems.contains("old-widget` links into the store, but no record names it"),
        "{problems}"
    );
    env.doctor_fix();
    assert!(!stray.exists() && std::fs::symlink_metadata(&stray).is_err());
    assert!(other.join("widget").exists());
}

/// A store whose `tools/` is on another file system than its `staging/` (a link to another
/// disk) cannot install anything: `doctor` says so instead of "no problems found".
#[cfg(target_os = "linux")]
#[test]
fn doctor_says_when_tools_and_staging_are_on_two_file_systems() {
    use std::os::unix::fs::MetadataExt as _;
    let env = installed(&["acme/widget"]);
    let Ok(elsewhere) = tempfile::tempdir_in("/dev/shm") else {
        return; // No second file system to put `tools/` on.
    };
    let tools = env.home().join("tools");
    if std::fs::metadata(elsewhere.path()).unwrap().dev()
        == std::fs::metadata(&tools).unwrap().dev()
    {
        return;
    }
    std::fs::remove_dir_all(&tools).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &tools).unwrap();
    let problems = env.doctor_problems();
    assert!(
        problems.contains("are on different file systems"),
        "{problems}"
    );
    // And an install there says what is wrong, not only the system's error.
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"])
        .expect_code(1)
        .stderr_has("must be on one file system");
}

/// A version `--fix` drops for its files being gone is said with what installs it again:
/// `--fix` downloads nothing, and only plain `doctor` said how to have it back.
#[test]
fn doctor_fix_says_how_to_have_a_dropped_version_back() {
    let env = TestEnv::new();
    install_two_versions(&env);
    std::fs::remove_dir_all(env.home().join("tools/widget/1.0.0")).unwrap();
    let fixed = env.doctor_fix();
    assert!(
        fixed.contains("dropped 1.0.0 (files gone; `haul install ")
            && fixed.contains("@1.0.0 --force` installs it again)"),
        "{fixed}"
    );
}

/// What `--fix` leaves as it is is reported apart from what it fixed: a tool with a file of
/// the user's at its link is not repaired, and says why.
#[test]
fn doctor_fix_reports_what_it_left_apart_from_what_it_fixed() {
    let env = TestEnv::new();
    install_two_versions(&env);
    std::fs::remove_dir_all(env.home().join("tools/widget/1.0.0")).unwrap();
    let link = env.bin_dir().join(format!("widget{EXE}"));
    std::fs::remove_file(&link).unwrap();
    std::fs::write(&link, b"mine").unwrap();
    let report = env.run(&["doctor", "--fix", "--json"]).json();
    assert_eq!(report["fixed"], serde_json::json!([]), "{report}");
    let left = report["left_alone"].to_string();
    assert!(
        left.contains("`widget`: ") && left.contains("haul did not install it"),
        "{left}"
    );
    assert_eq!(std::fs::read(&link).unwrap(), b"mine");
    let text = env.doctor_fix();
    assert!(text.contains("left as it is: `widget`"), "{text}");
    assert!(!text.contains("fixed: "), "{text}");
}

/// A record haul 0.1 wrote names no link: its links are in the configured bin dir, also for a
/// command run with another `--bin-dir`.
#[test]
fn a_haul_0_1_record_is_linked_in_the_configured_bin_dir() {
    let env = installed(&["acme/widget"]);
    let path = env.home().join("records/widget.json");
    let now: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let version = &now["versions"]["1.0.0"];
    let artifact = &version["artifacts"][0];
    let v1 = serde_json::json!({
        "schema": 1, "name": "widget", "source": "github:acme/widget", "tag": "v1.0.0",
        "version": "1.0.0", "asset": artifact["asset"], "url": artifact["url"],
        "sha256": artifact["sha256"], "verified_by": artifact["verified_by"],
        "platform": version["platform"], "dir": "1.0.0", "bins": version["bins"],
        "installed_at": 1,
    });
    std::fs::write(&path, v1.to_string()).unwrap();
    env.run(&["list", "--json"]).expect_code(0);
    let other = env.dir.path().join("other-bin").display().to_string();
    let list = env.run(&["--bin-dir", &other, "list", "--json"]);
    list.expect_code(0);
    assert_eq!(
        list.json()[0]["problems"],
        serde_json::json!([]),
        "{}",
        list.stdout()
    );
}

/// A bin dir removed (a dotfiles reset, a volume not mounted yet) is made again by
/// `doctor --fix`, with the tools' links in it: the records keep their links.
#[test]
fn doctor_fix_makes_a_removed_bin_dir_again() {
    let env = installed(&["acme/widget"]);
    std::fs::remove_dir_all(env.bin_dir()).unwrap();
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor.stdout().contains("is missing"),
        "{}",
        doctor.stdout()
    );
    let fixed = env.doctor_fix();
    assert!(fixed.contains("`widget`: relinked 1 link"), "{fixed}");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    env.run(&["which", "widget"]).expect_code(0);
    assert_eq!(fixable(&env.run(&["doctor", "--json"]).json()), 0);
}

/// A record whose active version is not stored (edited, or restored from a backup of another
/// time) is not healthy: `list` says so though it has no row to mark, `doctor` reports it, and
/// `--fix` makes the version last active before it active again.
#[test]
fn an_active_version_that_is_not_stored_is_reported_and_repaired() {
    let env = installed(&["acme/widget"]);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    env.edit_record("widget", |record| {
        record["active"] = serde_json::json!("9.9.9");
    });

    let list = env.run(&["list"]);
    list.expect_code(0)
        .stderr_has("its active version 9.9.9 is not stored");
    // Not, right after that, that no tools are installed.
    assert!(
        !list.stderr().contains("no tools installed"),
        "{}",
        list.stderr()
    );
    // `--all` lists the versions stored, and says it too; `which` and `outdated` say it, where
    // `which` called the link missing and `outdated` showed the tool outdated, exit 0.
    env.run(&["list", "--all"])
        .expect_code(0)
        .stderr_has("its active version 9.9.9 is not stored");
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("its active version 9.9.9 is not stored")
        .stderr_has("`haul doctor --fix`");
    let outdated = env.run(&["outdated", "--json"]);
    outdated.expect_code(1);
    assert!(
        outdated.json()[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("its active version 9.9.9 is not stored")),
        "{}",
        outdated.stdout()
    );
    let problems = env.doctor_problems();
    assert!(
        problems.contains("its active version 9.9.9 is not stored"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert!(fixed.contains("`widget`: made 2.0.0 active"), "{fixed}");
    env.run(&["which", "widget"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    assert_eq!(fixable(&env.run(&["doctor", "--json"]).json()), 0);
}

/// A link that follows no stored executable (its version no longer has one of that name) is
/// reported, and `--fix` lets go of it and removes it.
#[test]
fn a_link_to_no_stored_executable_is_let_go() {
    let env = installed(&["acme/widget"]);
    env.edit_record("widget", |record| {
        record["versions"]["1.0.0"]["bins"] = serde_json::json!([]);
    });

    let problems = env.doctor_problems();
    assert!(
        problems.contains("which no stored version it follows has"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert!(fixed.contains("let go of 1 link"), "{fixed}");
    assert_eq!(env.installed_bytes("widget"), None);
    assert_eq!(fixable(&env.run(&["doctor", "--json"]).json()), 0);
}

/// Install acme/widget 1.0.0 and give the path of its executable in the store.
fn installed_widget(env: &TestEnv) -> PathBuf {
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let exe = format!("widget{EXE}");
    let tools = env.home().join("tools");
    let prefix = format!("{}: ", tools.display());
    let stored: Vec<_> = env
        .snapshot()
        .into_iter()
        .filter_map(|(key, _)| Some(tools.join(key.strip_prefix(&prefix)?)))
        .filter(|p| p.file_name() == Some(std::ffi::OsStr::new(&exe)))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    stored[0].clone()
}

/// On Windows a link is a hard link, which names no target. With the stored executable gone
/// (quarantined by antivirus), the link is still haul's while it has the size and time haul
/// installed it with, and a repair replaces it; a program of the user's put in its place is
/// kept without `--force`.
#[cfg(windows)]
#[test]
fn a_users_file_where_a_link_was_stays_when_the_stored_executable_is_gone() {
    let env = TestEnv::new();
    let stored = installed_widget(&env);
    let link = env.bin_dir().join(format!("widget{EXE}"));
    std::fs::remove_file(&stored).unwrap();
    env.run(&["install", "acme/widget@1.0.0"]).expect_code(0);
    assert!(stored.is_file());

    std::fs::remove_file(&stored).unwrap();
    std::fs::remove_file(&link).unwrap();
    let mine = program("mine", "1.0.0");
    std::fs::write(&link, &mine).unwrap();
    env.run(&["install", "acme/widget@1.0.0"])
        .expect_code(1)
        .stderr_has("haul did not install it");
    assert_eq!(std::fs::read(&link).unwrap(), mine);
}

/// On Windows (and macOS) `Widget.exe` is `widget.exe`: a link name that differs from another
/// tool's only in case is that tool's link, refused as such without `--force` and taken over,
/// as recorded, with it; a bin dir spelled in another case holds the same links.
#[cfg(windows)]
#[test]
fn a_link_that_differs_only_in_case_is_the_same_link() {
    let env = TestEnv::new();
    installed_widget(&env);
    let upper = env.bin_dir().to_string_lossy().to_uppercase();
    crate::support::Run::of(
        env.command()
            .env("HAUL_BIN_DIR", &upper)
            .args(["install", "acme/widget"]),
    )
    .expect_code(0)
    .stderr_has("Unchanged");
    publish_simple(&env.server, "acme/other", "1.0.0");
    env.run(&["install", "acme/other", "--bin", "other=Widget"])
        .expect_code(1)
        .stderr_has("belongs to `widget`");
    env.run(&["install", "acme/other", "--bin", "other=Widget", "--force"])
        .expect_code(0);
    let list = env.run(&["list", "--json"]).json();
    let widget = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "widget")
        .cloned()
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(widget["problems"], serde_json::json!([]), "{list}");
}

/// `doctor` says when running a tool by its name would run something else: a file of that name
/// earlier on PATH (on Windows, one with any extension of PATHEXT, such as a `widget.cmd`
/// shim), and on Windows a `widget.com` beside the link in the bin dir, which comes first.
#[test]
fn doctor_names_what_a_shell_would_run_instead_of_a_tool() {
    let env = TestEnv::new();
    installed_widget(&env);
    let early = env.dir.path().join("early");
    std::fs::create_dir(&early).unwrap();
    let path = std::env::join_paths([early.clone(), env.bin_dir()]).unwrap();
    let shadowed = |env: &TestEnv| {
        let report = crate::support::Run::of(env.command().env("PATH", &path).arg("doctor"));
        report.stdout().contains("is shadowed")
    };
    assert!(!shadowed(&env));
    let shim = if cfg!(windows) {
        "widget.cmd"
    } else {
        "widget"
    };
    std::fs::write(early.join(shim), "@echo other\r\n").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        early.join(shim),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    assert!(shadowed(&env));
    std::fs::remove_file(early.join(shim)).unwrap();
    if cfg!(windows) {
        std::fs::write(env.bin_dir().join("widget.com"), "other").unwrap();
        assert!(shadowed(&env));
    }
}

/// An executable written to after haul installed it, keeping its size (a same-length patch),
/// is not what haul installed either: `list`, `which` and `doctor` say so. One copied back
/// with its time kept (a restore) is.
#[test]
fn an_executable_written_to_at_the_same_size_is_not_healthy() {
    let env = TestEnv::new();
    let stored = installed_widget(&env);
    let installed = std::fs::metadata(&stored).unwrap().modified().unwrap();
    let patched = program("widget", "6.6.6");
    assert_eq!(patched.len(), program("widget", "1.0.0").len());
    std::fs::write(&stored, &patched).unwrap();
    let file = std::fs::File::options().write(true).open(&stored).unwrap();
    file.set_modified(installed + Duration::from_secs(60))
        .unwrap();
    drop(file);

    let problems = env.run(&["list", "--json"]).json()[0]["problems"].to_string();
    assert!(
        problems
            .contains("has changed since it was installed (written to since, at the same size)"),
        "{problems}"
    );
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("written to since, at the same size")
        .stderr_has("`haul install widget@1.0.0 --force` installs it again");
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor
            .stdout()
            .contains("has changed since it was installed"),
        "{}",
        doctor.stdout()
    );

    // The original bytes back with the time they were installed with: as installed.
    std::fs::write(&stored, program("widget", "1.0.0")).unwrap();
    let file = std::fs::File::options().write(true).open(&stored).unwrap();
    file.set_modified(installed).unwrap();
    drop(file);
    assert_eq!(
        env.run(&["list", "--json"]).json()[0]["problems"],
        serde_json::json!([])
    );
    env.run(&["which", "widget"]).expect_code(0);
}

/// An executable replaced by another file (of another size) is not what haul installed:
/// `list`, `which`, `exec` and `doctor` say so, `doctor --fix` leaves the change alone (it may
/// be the user's own), and installing again puts the file back.
#[test]
fn an_executable_changed_since_install_is_not_healthy() {
    let env = TestEnv::new();
    let stored = [installed_widget(&env)];
    let mut changed = program("widget", "1.0.0");
    changed.extend_from_slice(b"# patched\n");
    std::fs::write(&stored[0], &changed).unwrap();

    let list = env.run(&["list", "--json"]);
    let problems = list.json()[0]["problems"].to_string();
    assert!(
        problems.contains("has changed since it was installed"),
        "{problems}"
    );
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("has changed since it was installed")
        .stderr_has("`haul install widget@1.0.0 --force` installs it again");
    env.run(&["exec", "acme/widget@1.0.0"])
        .expect_code(1)
        .stderr_has("has changed since it was installed");
    let doctor = env.run(&["doctor", "--json"]);
    doctor.expect_code(1);
    let findings = doctor.json()["problems"].clone();
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["problem"].as_str().unwrap().contains("has changed"))
        .cloned()
        .unwrap_or_else(|| panic!("{findings}"));
    assert_eq!(finding["fixable"], false);
    let fix = env.run(&["doctor", "--fix"]);
    fix.expect_code(1);
    assert!(!fix.stdout().contains("fixed:"), "{}", fix.stdout());
    assert_eq!(std::fs::read(&stored[0]).unwrap(), changed);

    env.run(&["install", "widget@1.0.0", "--force"])
        .expect_code(0);
    assert_eq!(
        env.run(&["list", "--json"]).json()[0]["problems"],
        serde_json::json!([])
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// `doctor --fix` that waited for another haul's change reports only what it did itself: the
/// other haul completed its change, and nothing was half-done or left over.
#[cfg(unix)]
#[test]
fn doctor_fix_does_not_report_another_hauls_change_as_its_own() {
    let env = installed(&["acme/widget"]);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    let first = paused_at(&env, "journal-written", &["install", "acme/widget"]);
    let (doctor, mut stderr) = crate::support::started_until(
        env.command()
            .args(["doctor", "--fix"])
            .stdout(std::process::Stdio::piped()),
        "waiting for another haul",
    );
    assert!(first.resume().success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = doctor.wait_with_output().unwrap();
    let said = format!("{rest}{}", String::from_utf8_lossy(&out.stdout));
    assert!(!said.contains("completed"), "{said}");
    assert!(!said.contains("leftover"), "{said}");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
}

/// `install --force` over a damaged record that fails part-way (a link it makes next cannot
/// be made: a directory is in its place) is undone whole: the damaged record, the versions it
/// had and its link are as they were. The undo took the tool for one that did not exist, and
/// deleted its record, every stored version and its link.
#[test]
fn an_undone_change_over_a_damaged_record_keeps_that_tool() {
    let env = TestEnv::new();
    for version in ["1.0.0", "2.0.0"] {
        crate::support::publish_two(&env.server, "acme/widget", "widget", "zz", version);
    }
    env.run(&["install", "acme/widget@1.0.0", "--bin", "widget"])
        .expect_code(0);
    std::fs::write(env.home().join("records/widget.json"), "{").unwrap();
    std::fs::create_dir_all(env.bin_dir().join(format!("zz{EXE}")).join("inside")).unwrap();
    let before = env.snapshot();
    env.run(&[
        "install",
        "acme/widget@2.0.0",
        "--bin",
        "widget",
        "--bin",
        "zz",
        "--force",
    ])
    .expect_code(1)
    .stderr_has("zz");
    assert_eq!(env.snapshot(), before);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    assert!(env.staging_entries().is_empty());
    // Nothing is left to undo, and the record is still the damaged one it was.
    env.run(&["list"]).expect_code(1).stderr_has("is damaged");
    assert_eq!(env.snapshot(), before);
}

/// `doctor --fix` goes on past a repair that fails: the other tools are repaired and the
/// report says both. It stopped at the first failure with that error alone, the rest
/// unrepaired and what it had fixed unsaid.
#[test]
fn doctor_fix_goes_on_past_a_repair_that_fails() {
    let env = TestEnv::new();
    for repo in ["acme/alpha", "acme/widget"] {
        publish_simple(&env.server, repo, "1.0.0");
        env.run(&["install", repo]).expect_code(0);
    }
    for tool in ["alpha", "widget"] {
        std::fs::remove_file(env.bin_dir().join(format!("{tool}{EXE}"))).unwrap();
    }
    // No change to `alpha` can be journaled: a directory is where its journal goes.
    std::fs::create_dir_all(env.home().join("journal/alpha.json/inside")).unwrap();
    let run = env.run(&["doctor", "--fix"]);
    let out = run.expect_code(1).stdout();
    assert!(out.contains("fixed: `widget`: relinked 1 link"), "{out}");
    assert!(
        out.contains("left as it is: `alpha`: the repair failed:"),
        "{out}"
    );
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
    assert!(env.installed_bytes("alpha").is_none());
}

/// A change left half-done that cannot be completed now is said by the commands that read
/// the store, once each, with why: `list` showed the store as if nothing was under way.
#[cfg(unix)]
#[test]
fn a_change_that_cannot_be_completed_is_said_by_readers() {
    let env = installed(&["acme/widget"]);
    publish_simple(&env.server, "acme/widget", "2.0.0");
    paused_at(&env, "journal-written", &["install", "acme/widget@2.0.0"]).kill();
    // Not completed now: a directory is where the record's new copy goes.
    let blocker = env.home().join("records/widget.json");
    std::fs::remove_file(&blocker).unwrap();
    std::fs::create_dir_all(blocker.join("x")).unwrap();
    for command in [&["list"][..], &["which", "widget"]] {
        let run = env.run(command);
        let stderr = run.stderr();
        assert_eq!(
            stderr
                .matches(
                    "a change to `widget` was left half-done and cannot be completed or undone now:"
                )
                .count(),
            1,
            "{command:?}: {stderr}"
        );
        assert!(stderr.contains("`haul doctor` says more"), "{stderr}");
    }
    std::fs::remove_dir_all(&blocker).unwrap();
    let run = env.run(&["list"]);
    assert!(!run.stderr().contains("half-done"), "{}", run.stderr());
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "2.0.0"))
    );
    // Nor when this haul cannot take the store's lock to complete it (a store another user
    // owns; here, no lock file can be opened to write).
    publish_simple(&env.server, "acme/widget", "3.0.0");
    paused_at(&env, "journal-written", &["install", "acme/widget@3.0.0"]).kill();
    let lock = env.home().join("store.lock");
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();
    let run = env.run(&["list"]);
    assert!(
        run.stderr().contains("a change to `widget` was left half-done and cannot be completed or undone now: this haul cannot take the store's lock"),
        "{}",
        run.stderr()
    );
    std::fs::remove_dir(&lock).unwrap();
    env.run(&["list"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "3.0.0"))
    );
}

/// `prune` keeps the download of a first install left half-done that cannot be completed yet:
/// no record names its version, and it went (a later completion then had nothing cached).
#[cfg(unix)]
#[test]
fn prune_keeps_the_download_of_a_first_install_left_half_done() {
    let env = TestEnv::new();
    publish_simple(&env.server, "acme/widget", "1.0.0");
    paused_at(&env, "journal-written", &["install", "acme/widget"]).kill();
    let download = env.cache_dir().join("downloads/github/acme/widget/v1.0.0");
    assert!(download.is_dir());
    // Not completed now: a directory is where its record goes.
    let record = env.home().join("records/widget.json");
    std::fs::create_dir_all(&record).unwrap();
    let run = env.run(&["prune"]);
    assert!(download.is_dir(), "{}", run.stderr());
    std::fs::remove_dir(&record).unwrap();
    env.run(&["list"]).expect_code(0);
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0"))
    );
}

/// A file of the user's in the bin dir is never taken for an old link put aside, whatever its
/// name: every change deleted `.haul-old-1-2-notes.txt` (haul names its own that way only on
/// Windows, and sweeps them there).
#[cfg(unix)]
#[test]
fn a_users_file_named_like_an_old_link_stays() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.bin_dir()).unwrap();
    let mine = env.bin_dir().join(".haul-old-1-2-notes.txt");
    std::fs::write(&mine, b"mine").unwrap();
    // Named like an old link of the tool changed, too.
    let alike = env.bin_dir().join(".haul-old-99-0-alpha");
    std::fs::write(&alike, b"mine").unwrap();
    publish_simple(&env.server, "acme/alpha", "1.0.0");
    env.run(&["install", "acme/alpha"]).expect_code(0);
    env.run(&["install", "acme/alpha", "--force"])
        .expect_code(0);
    env.run(&["uninstall", "alpha"]).expect_code(0);
    assert_eq!(std::fs::read(&mine).unwrap(), b"mine");
    assert_eq!(std::fs::read(&alike).unwrap(), b"mine");
}

/// A lock file that is not a file is reported by `doctor`, which said nothing was wrong while
/// every change failed on it.
#[test]
fn doctor_reports_a_lock_file_that_is_not_a_file() {
    let env = installed(&["acme/alpha"]);
    let lock = env.home().join("store.lock");
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();
    env.run(&["uninstall", "alpha"])
        .expect_code(1)
        .stderr_has("is not a file")
        .stderr_has("remove it (haul makes it again)");
    env.run(&["doctor", "--fix"])
        .expect_code(1)
        .stderr_has("remove it (haul makes it again)");
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor.stdout().contains("haul's lock file cannot be used"),
        "{}",
        doctor.stdout()
    );
    std::fs::remove_dir(&lock).unwrap();
    env.run(&["uninstall", "alpha"]).expect_code(0);
}

/// A lock file that is a link to nothing is refused and reported: each change made the
/// link's target, a file outside haul's home, and `doctor` said nothing was wrong.
#[cfg(unix)]
#[test]
fn a_lock_file_linked_to_nothing_is_refused_not_made() {
    let env = installed(&["acme/alpha"]);
    let lock = env.home().join("store.lock");
    let outside = env.dir.path().join("elsewhere.cfg");
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&outside, &lock).unwrap();
    for args in [
        &["uninstall", "alpha"][..],
        &["install", "acme/alpha", "--force"],
    ] {
        env.run(args)
            .expect_code(1)
            .stderr_has("is a link to nothing")
            .stderr_has("remove it (haul makes it again)");
    }
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor.stdout().contains("haul's lock file cannot be used")
            && doctor.stdout().contains("is a link to nothing"),
        "{}",
        doctor.stdout()
    );
    assert!(!outside.exists());
    assert_eq!(
        env.installed_bytes("alpha"),
        Some(program("alpha", "1.0.0"))
    );
}

/// `doctor --fix` mends a record that is only misnamed or lists links haul could not have made,
/// where it removed the record and every version it stored: a record renamed by hand goes
/// back under its own name, and a link entry haul would not make is left out of it (and the
/// file it names left alone).
#[test]
fn doctor_fix_mends_a_misnamed_record_and_one_with_a_foreign_link() {
    let env = installed(&["acme/widget", "acme/alpha"]);
    let records = env.home().join("records");
    std::fs::rename(records.join("widget.json"), records.join("gadget.json")).unwrap();
    let elsewhere = env.dir.path().join("mine.txt");
    std::fs::write(&elsewhere, b"the user's").unwrap();
    let alpha = records.join("alpha.json");
    add_foreign_link(&alpha, &elsewhere);
    // doctor says how `--fix` mends each, and takes widget's files for no orphans.
    let problems = env.doctor_problems();
    assert!(
        problems.contains("the record of `gadget` is damaged: it describes `widget`")
            && problems.contains("puts it back as the record of `widget`")
            && problems.contains("the record of `alpha` is damaged")
            && problems.contains("leaves out of it the links it cannot have")
            && !problems.contains("no record names it"),
        "{problems}"
    );

    let fixed = env.doctor_fix();
    assert!(
        fixed.contains("`widget`: its record, found as")
            && fixed.contains("is back under its own name"),
        "{fixed}"
    );
    assert!(
        fixed.contains("`alpha`: left out of its record the links it cannot have"),
        "{fixed}"
    );
    for tool in ["widget", "alpha"] {
        env.run(&["which", tool]).expect_code(0);
        assert_eq!(env.installed_bytes(tool), Some(program(tool, "1.0.0")));
    }
    assert!(!records.join("gadget.json").exists());
    assert_eq!(std::fs::read(&elsewhere).unwrap(), b"the user's");
    let doctor = env.run(&["doctor", "--json"]).json();
    assert_eq!(fixable(&doctor), 0, "{doctor}");
    assert!(
        !doctor["problems"].to_string().contains("damaged"),
        "{doctor}"
    );
}

/// A link to another tool's executable that no record lists there (made by hand) is not one
/// `--fix` replaces, and doctor says so: it said `--fix` links it again, which `--fix` then
/// refused. What is there is named for what it is (a link, a directory), not "a file".
#[cfg(unix)]
#[test]
fn a_link_to_another_tools_executable_is_said_as_not_hauls() {
    let env = installed(&["acme/widget", "acme/gadget"]);
    let widget = env.bin_dir().join("widget");
    let gadget_exe = std::fs::read_link(env.bin_dir().join("gadget")).unwrap();
    std::fs::remove_file(&widget).unwrap();
    std::os::unix::fs::symlink(&gadget_exe, &widget).unwrap();
    let doctor = env.run(&["doctor", "--json"]).json();
    let problem = doctor["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem"].as_str().unwrap().contains("`widget`"))
        .cloned()
        .unwrap();
    assert_eq!(problem["fixable"], false, "{problem}");
    assert!(
        problem["problem"]
            .as_str()
            .unwrap()
            .contains("is a link haul did not make"),
        "{problem}"
    );
    let fixed = env.doctor_fix();
    assert!(!fixed.contains("links it again"), "{fixed}");
    assert_eq!(std::fs::read_link(&widget).unwrap(), gadget_exe);
    // A directory there is said as one.
    std::fs::remove_file(&widget).unwrap();
    std::fs::create_dir(&widget).unwrap();
    env.run(&["which", "widget"])
        .expect_code(1)
        .stderr_has("is a directory haul did not make");
}

/// A journal that cannot be read (damaged after it was written whole) goes, and that is said:
/// it went without a word, and `doctor` then said no problems.
#[test]
fn a_journal_that_cannot_be_read_is_removed_and_said() {
    let env = installed(&["acme/widget"]);
    let journal = env.home().join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    std::fs::write(journal.join("widget.json"), b"{ not a journal").unwrap();
    env.run(&["list"])
        .expect_code(0)
        .stderr_has("a journal of a change haul could not read (damaged)")
        .stderr_has("widget.json");
    assert!(!journal.join("widget.json").exists());
    env.run(&["which", "widget"]).expect_code(0);
}

/// Mending a damaged record takes nothing of anyone else's and brings back no tool that is not
/// stored: a user's file at the tool's link stays (it was replaced by a link), a stray copy of
/// an uninstalled tool's record is removed, not made the tool's record again (with a link to
/// nothing over the user's script), and a record renamed only in case goes back (it was
/// promised, then the tool was removed).
#[cfg(unix)]
#[test]
fn mending_a_record_takes_nothing_of_anyone_elses() {
    let env = installed(&["acme/widget", "acme/gadget", "acme/solo"]);
    let records = env.home().join("records");
    // widget: a link entry haul could not have made, and the user's script at its own link.
    let path = records.join("widget.json");
    add_foreign_link(&path, &env.dir.path().join("elsewhere"));
    let widget_link = env.bin_dir().join("widget");
    std::fs::remove_file(&widget_link).unwrap();
    std::fs::write(&widget_link, b"#!/bin/sh\necho mine\n").unwrap();
    // gadget: uninstalled, a copy of its record left behind, and the user's script at its link.
    let copy = std::fs::read(records.join("gadget.json")).unwrap();
    env.run(&["uninstall", "gadget"]).expect_code(0);
    std::fs::write(records.join("gadget-backup.json"), &copy).unwrap();
    let gadget_link = env.bin_dir().join("gadget");
    std::fs::write(&gadget_link, b"#!/bin/sh\necho mine too\n").unwrap();
    // solo: its record renamed in case only.
    std::fs::rename(records.join("solo.json"), records.join("SOLO.json")).unwrap();

    let problems = env.doctor_problems();
    assert!(
        problems.contains("puts it back as the record of `solo`")
            && !problems.contains("puts it back as the record of `gadget`"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert_eq!(
        std::fs::read(&widget_link).unwrap(),
        b"#!/bin/sh\necho mine\n",
        "{fixed}"
    );
    assert_eq!(
        std::fs::read(&gadget_link).unwrap(),
        b"#!/bin/sh\necho mine too\n",
        "{fixed}"
    );
    assert!(!records.join("gadget-backup.json").exists(), "{fixed}");
    assert!(!records.join("gadget.json").exists(), "{fixed}");
    assert!(records.join("solo.json").is_file(), "{fixed}");
    env.run(&["which", "solo"]).expect_code(0);
    assert_eq!(env.installed_bytes("solo"), Some(program("solo", "1.0.0")));
    // widget is whole, only not linked where the user's script stands.
    let listed = env.run(&["list", "--json"]).json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "widget"),
        "{listed}"
    );
}

/// `doctor --fix` mends a damaged record whose tool keeps one stored version (its active one
/// gone), where it removed every version; a record renamed over another's file leaves that
/// tool's versions said as no record's before `--fix` removes them; and the tool's own link,
/// let go of by the mend, is made again in the same run (it was removed, and the tool off
/// PATH until the next `--fix`).
#[test]
fn mending_keeps_a_tool_with_a_version_stored_and_says_what_goes() {
    let env = TestEnv::new();
    install_two_versions(&env);
    publish_simple(&env.server, "acme/gadget", "1.0.0");
    env.run(&["install", "acme/gadget"]).expect_code(0);
    let records = env.home().join("records");
    // widget: its active version's files gone, its record moved over gadget's.
    std::fs::remove_dir_all(env.home().join("tools/widget/2.0.0")).unwrap();
    std::fs::rename(records.join("widget.json"), records.join("gadget.json")).unwrap();
    let problems = env.doctor_problems();
    assert!(
        problems.contains("puts it back as the record of `widget`")
            && problems.contains("gadget` is in the store, but no record names it"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert!(fixed.contains("is back under its own name"), "{fixed}");
    assert_eq!(
        env.installed_bytes("widget"),
        Some(program("widget", "1.0.0")),
        "{fixed}"
    );
    env.run(&["which", "widget"]).expect_code(0);
    // gadget's record is gone (overwritten by hand): its versions went as no record's.
    assert!(!env.home().join("tools/gadget").exists(), "{fixed}");

    // A link entry haul could not have made at the tool's own link: that link is made again.
    let path = records.join("widget.json");
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for link in record["links"].as_array_mut().unwrap() {
        link["path"] = serde_json::json!(format!("bin/widget{EXE}"));
    }
    std::fs::write(&path, record.to_string()).unwrap();
    let fixed = env.doctor_fix();
    env.run(&["which", "widget"]).expect_code(0);
    let doctor = env.run(&["doctor", "--json"]).json();
    assert_eq!(fixable(&doctor), 0, "{fixed}\n{doctor}");

    // Two copies of its record under other names: one goes back, and only that is promised.
    std::fs::rename(&path, records.join("x1.json")).unwrap();
    std::fs::copy(records.join("x1.json"), records.join("x2.json")).unwrap();
    let problems = env.doctor_problems();
    assert_eq!(
        problems
            .matches("puts it back as the record of `widget`")
            .count(),
        1,
        "{problems}"
    );
    env.doctor_fix();
    env.run(&["which", "widget"]).expect_code(0);
    assert!(!records.join("x1.json").exists() && !records.join("x2.json").exists());
}

/// A renamed record of a tool whose change is half-done waits, rather than going with the
/// tool's versions (it was removed, and every version with it); a sound copy of a record
/// replaces the tool's own record where that does not read (both went, with every version).
#[test]
fn mending_waits_for_a_half_done_change_and_takes_a_sound_copy() {
    let env = installed(&["acme/widget", "acme/gadget"]);
    let records = env.home().join("records");
    std::fs::rename(records.join("widget.json"), records.join("other.json")).unwrap();
    let journal = env.home().join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    std::fs::write(
        journal.join("widget.json"),
        r#"{"name": "widget", "record": null, "previous": null, "stage": null, "remove": ["../gadget"], "unlink": []}"#,
    )
    .unwrap();
    std::fs::copy(records.join("gadget.json"), records.join("gcopy.json")).unwrap();
    // Not even text.
    std::fs::write(records.join("gadget.json"), b"\xff\xfe{").unwrap();
    let problems = env.doctor_problems();
    assert!(
        problems.contains("a change to `widget` is half-done")
            && problems.contains("puts the record found as `gcopy`, which reads, in its place"),
        "{problems}"
    );
    // Waiting is not a repair `--fix` makes.
    let doctor = env.run(&["doctor", "--json"]).json();
    let waiting = doctor["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem"].as_str().unwrap().contains("record of `other`"))
        .cloned()
        .unwrap();
    assert_eq!(waiting["fixable"], false, "{waiting}");

    let fixed = env.doctor_fix();
    assert!(
        fixed.contains("a change to which is half-done; it is left until that change is done"),
        "{fixed}"
    );
    assert!(records.join("other.json").is_file(), "{fixed}");
    assert!(env.home().join("tools/widget").is_dir(), "{fixed}");
    assert_eq!(
        env.installed_bytes("gadget"),
        Some(program("gadget", "1.0.0")),
        "{fixed}"
    );
    env.run(&["which", "gadget"]).expect_code(0);
    assert!(!records.join("gcopy.json").exists(), "{fixed}");

    // A record a newer haul wrote reads, for that haul: a copy never goes in its place.
    let sound = std::fs::read(records.join("gadget.json")).unwrap();
    std::fs::write(records.join("gcopy.json"), &sound).unwrap();
    let mut newer: serde_json::Value = serde_json::from_slice(&sound).unwrap();
    newer["format"] = serde_json::json!(99);
    let newer = newer.to_string();
    std::fs::write(records.join("gadget.json"), &newer).unwrap();
    // The copy goes alone: no version is stored under its name, and doctor says so.
    let problems = env.doctor_problems();
    assert!(
        problems
            .contains("`haul uninstall gcopy` removes it (no version is stored under its name)"),
        "{problems}"
    );
    let fixed = env.doctor_fix();
    assert_eq!(
        std::fs::read_to_string(records.join("gadget.json")).unwrap(),
        newer,
        "{fixed}"
    );
}

/// A `HAUL_HOME` spelled with `..` is that directory: the links haul makes into it are the
/// tool's own (mending a record let go of its real link, and `which` then failed).
#[test]
fn a_home_spelled_with_dot_dot_keeps_its_links() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.dir.path().join("sub")).unwrap();
    let home = env.dir.path().join("sub").join("..").join("h");
    let env = env.env("HAUL_HOME", home.to_str().unwrap());
    publish_simple(&env.server, "acme/widget", "1.0.0");
    env.run(&["install", "acme/widget"]).expect_code(0);
    let path = env.dir.path().join("h/records/widget.json");
    add_foreign_link(&path, &env.dir.path().join("elsewhere"));
    let fixed = env.doctor_fix();
    env.run(&["which", "widget"]).expect_code(0);
    let doctor = env.run(&["doctor", "--json"]).json();
    assert_eq!(fixable(&doctor), 0, "{fixed}\n{doctor}");
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        record["links"].as_array().unwrap().len(),
        1,
        "{fixed}\n{record}"
    );
}
