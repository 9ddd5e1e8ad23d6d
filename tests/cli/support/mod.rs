//! What every integration test needs: a clean environment for the real `haul` binary, a local
//! GitHub-shaped server, and archives.

pub mod archive;
pub mod proxy;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Output;

pub use server::{Fault, Server};

/// A temporary home for haul: store, bin dir, cache and config, and a server for its API.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub server: Server,
    extra_env: Vec<(String, String)>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let env = TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
            server: Server::start(),
            extra_env: Vec::new(),
        };
        // `HAUL_CONFIG` names it; a config file that is not there is a problem `doctor` reports.
        std::fs::write(env.config_path(), "").expect("config file");
        env
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Where haul looks for cargo-dist's install receipt in this environment
    /// (`$XDG_CONFIG_HOME/haul/haul-receipt.json`, as the installers do).
    pub fn receipt_path(&self) -> PathBuf {
        self.config_home().join("haul").join("haul-receipt.json")
    }

    fn config_home(&self) -> PathBuf {
        self.dir.path().join("config-home")
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.extra_env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The `haul` binary with only this test's settings: every `HAUL_*`, token, colour, proxy
    /// and CA (`SSL_CERT_*`) variable of the calling environment is removed.
    pub fn command(&self) -> std::process::Command {
        self.command_for(Path::new(env!("CARGO_BIN_EXE_haul")))
    }

    /// haul (or a copy of it, `program`) run with SIGHUP's default action, whatever the test
    /// runner was given: one run under `nohup` ignores SIGHUP, and haul keeps what its parent
    /// asked for. For the tests that send it SIGHUP.
    #[cfg(target_os = "linux")]
    pub fn command_heeding_hangup(&self, program: &Path) -> std::process::Command {
        let mut cmd = self.command_for(Path::new("env"));
        cmd.arg("--default-signal=HUP").arg(program);
        cmd
    }

    /// Another program with the same environment as [`TestEnv::command`]: an installed tool,
    /// or a copy of haul (`haul self update` replaces the executable it runs from, so those
    /// tests run a copy).
    pub fn command_for(&self, program: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            let upper = name.to_ascii_uppercase();
            if upper.starts_with("HAUL_")
                || upper.ends_with("_PROXY")
                || matches!(
                    upper.as_str(),
                    "GITHUB_TOKEN"
                        | "GH_TOKEN"
                        | "NO_COLOR"
                        | "FORCE_COLOR"
                        | "CLICOLOR_FORCE"
                        | "SSL_CERT_FILE"
                        | "SSL_CERT_DIR"
                )
            {
                cmd.env_remove(&name);
            }
        }
        cmd.env("HAUL_HOME", self.home())
            .env("HAUL_BIN_DIR", self.bin_dir())
            .env("HAUL_CACHE_DIR", self.cache_dir())
            .env("HAUL_CONFIG", self.config_path())
            .env("HAUL_GITHUB_API_URL", &self.server.url)
            .env("NO_PROXY", "*")
            // The developer's own install receipt and cargo installs stay out of the tests.
            .env("XDG_CONFIG_HOME", self.config_home())
            .env("CARGO_HOME", self.dir.path().join("cargo-home"))
            // The shell hints are written for (`haul env`): one, whatever runs the tests.
            .env("SHELL", "/bin/bash");
        for (name, value) in &self.extra_env {
            cmd.env(name, value);
        }
        cmd
    }

    /// Run `haul ARGS...` and return what it did.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_exe(Path::new(env!("CARGO_BIN_EXE_haul")), args)
    }

    /// Run another copy of haul (see [`TestEnv::command_for`]).
    pub fn run_exe(&self, exe: &Path, args: &[&str]) -> Run {
        Run::of(self.command_for(exe).args(args))
    }

    /// `text` with what differs between runs written as placeholders (see
    /// [`Run::stderr_is`]).
    pub fn redact(&self, text: &str) -> String {
        // The temp dir also as its canonical path, which haul shows for what it resolved (on
        // macOS `/var` is a link to `/private/var`; Windows writes `\\?\C:\...`).
        let canonical = std::fs::canonicalize(self.dir.path())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let text = if canonical.is_empty() {
            text.to_owned()
        } else {
            text.replace(&canonical, "[TMP]")
        };
        text.replace(&self.dir.path().display().to_string(), "[TMP]")
            .replace(&self.server.url, "[SERVER]")
            .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
            .replace('\\', "/")
    }

    /// Change the record of `name` as a hand edit (or a restored backup) would.
    pub fn edit_record(&self, name: &str, edit: impl FnOnce(&mut serde_json::Value)) {
        let path = self.home().join(format!("records/{name}.json"));
        let mut record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        edit(&mut record);
        std::fs::write(&path, record.to_string()).unwrap();
    }

    /// The problems `haul doctor --json` reports (it must exit 1), as JSON text.
    #[track_caller]
    pub fn doctor_problems(&self) -> String {
        let doctor = self.run(&["doctor", "--json"]);
        doctor.expect_code(1);
        doctor.json()["problems"].to_string()
    }

    /// What `haul doctor --fix` printed, both streams.
    pub fn doctor_fix(&self) -> String {
        let fix = self.run(&["doctor", "--fix"]);
        format!("{}{}", fix.stdout(), fix.stderr())
    }

    /// Start `command` (its stderr piped), wait until the server says a request to `path`
    /// hangs, then press Ctrl-C (SIGINT): what the process left.
    #[cfg(unix)]
    pub fn interrupt_when_hung(
        &self,
        path: &str,
        command: std::process::Command,
    ) -> std::process::Output {
        self.signal_when_hung(path, command, "INT")
    }

    /// Start `command` (its stderr piped), wait until the server says a request to `path`
    /// hangs, then send it `signal` (a name `kill -s` takes): what the process left.
    #[cfg(unix)]
    pub fn signal_when_hung(
        &self,
        path: &str,
        mut command: std::process::Command,
        signal: &str,
    ) -> std::process::Output {
        let hung = self.server.hung();
        let child = command
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stalled = hung
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the request reached the server");
        assert_eq!(stalled, path);
        send_signal(&child, signal);
        child.wait_with_output().unwrap()
    }

    /// The file behind an installed tool's link in the bin dir.
    pub fn installed_bytes(&self, bin: &str) -> Option<Vec<u8>> {
        std::fs::read(self.bin_dir().join(format!("{bin}{EXE}"))).ok()
    }

    /// What is left in the store's staging directory (nothing, after any run that ended).
    pub fn staging_entries(&self) -> Vec<String> {
        std::fs::read_dir(self.home().join("staging"))
            .map(|dir| {
                dir.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Everything under the store's `tools/` and the bin dir, to compare before and after.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for root in [
            self.home().join("tools"),
            self.home().join("records"),
            self.bin_dir(),
        ] {
            collect(&root, &root, &mut out);
        }
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            collect(root, &path, out);
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).expect("read link");
            out.push((
                format!("{}: {rel}", root.display()),
                format!("-> {}", target.display()).into_bytes(),
            ));
        } else {
            out.push((
                format!("{}: {rel}", root.display()),
                std::fs::read(&path).unwrap_or_default(),
            ));
        }
    }
}

/// Run `start`, again when the program was "busy": a file a test has just written (a copy of
/// haul, an installed tool) can be held open for a moment by a child another test thread
/// forked (ETXTBSY), until that child execs.
pub fn spawn_retrying<T>(mut start: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    let mut attempts = 0;
    loop {
        match start() {
            Err(err) if err.kind() == std::io::ErrorKind::ExecutableFileBusy && attempts < 200 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

pub const EXE: &str = if cfg!(windows) { ".exe" } else { "" };

/// The target triple of a platform other than this test's, for a release with nothing for it.
pub fn another_platform() -> &'static str {
    if cfg!(target_os = "macos") {
        "x86_64-pc-windows-msvc"
    } else {
        "aarch64-apple-darwin"
    }
}

/// The output of one run.
pub struct Run {
    pub output: Output,
}

impl Run {
    /// Run `cmd` (a [`TestEnv::command`] with more set on it) with nothing on stdin.
    pub fn of(cmd: &mut std::process::Command) -> Run {
        let output =
            spawn_retrying(|| cmd.stdin(std::process::Stdio::null()).output()).expect("run haul");
        Run { output }
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Assert the exit code, showing both streams when it is wrong.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr().contains(text),
            "stderr lacks {text:?}\n--- stderr\n{}",
            self.stderr()
        );
        self
    }

    /// Assert the whole of stderr. In `expected`, `[TMP]` stands for the test's temporary
    /// directory (also as its canonical path), `[SERVER]` for its server's URL, `[VERSION]` for
    /// haul's version and `[EXE]` for the platform's executable suffix; backslashes are
    /// written as slashes.
    #[track_caller]
    pub fn stderr_is(&self, env: &TestEnv, expected: &str) -> &Self {
        assert_whole(env, "stderr", &self.stderr(), expected);
        self
    }

    /// Assert the lines of stderr, in any order: for tools installed at the same time
    /// (`--jobs`), whose lines come in the order they finish. Each line is still whole (see
    /// [`Run::stderr_is`] for the placeholders); say what must come last with
    /// [`Run::stderr_ends_with`].
    #[track_caller]
    pub fn stderr_lines_are(&self, env: &TestEnv, expected: &str) -> &Self {
        let got = env.redact(&self.stderr());
        let expected = expected.replace("[EXE]", EXE);
        let mut got_lines: Vec<&str> = got.trim_end().lines().collect();
        let mut expected_lines: Vec<&str> = expected.trim_end().lines().collect();
        got_lines.sort_unstable();
        expected_lines.sort_unstable();
        assert_eq!(got_lines, expected_lines, "\n--- stderr\n{got}");
        self
    }

    /// Assert how stderr ends, whole lines (see [`Run::stderr_is`] for the placeholders).
    #[track_caller]
    pub fn stderr_ends_with(&self, env: &TestEnv, expected: &str) -> &Self {
        let got = env.redact(&self.stderr());
        let expected = expected.replace("[EXE]", EXE);
        let (got_trimmed, expected) = (got.trim_end(), expected.trim_end());
        assert!(
            got_trimmed == expected || got_trimmed.ends_with(&format!("\n{expected}")),
            "stderr does not end with\n{expected}\n--- stderr\n{got}"
        );
        self
    }

    /// Assert the whole of stdout (see [`Run::stderr_is`] for the placeholders).
    #[track_caller]
    pub fn stdout_is(&self, env: &TestEnv, expected: &str) -> &Self {
        assert_whole(env, "stdout", &self.stdout(), expected);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}", self.stdout()))
    }
}

/// `got` (one of a run's streams, named `stream`) is `expected`, placeholders and all (see
/// [`Run::stderr_is`]).
#[track_caller]
fn assert_whole(env: &TestEnv, stream: &str, got: &str, expected: &str) {
    let got = env.redact(got);
    let expected = expected.replace("[EXE]", EXE);
    assert_eq!(got.trim_end(), expected.trim_end(), "\n--- {stream}\n{got}");
}

/// `acme/widget`'s release asset for this machine at `version`, and its bytes.
pub fn asset_and_bytes(version: &str) -> (String, Vec<u8>) {
    (
        host_asset("widget", version, ".tar.gz"),
        tar_gz_release("widget", version),
    )
}

/// Run `args` (an install), then return `verified_by` of the first tool `haul list --json`
/// shows.
pub fn verified_by(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    env.run(args).expect_code(0);
    let list = env.run(&["list", "--json"]);
    list.expect_code(0);
    list.json()[0]["verified_by"].clone()
}

/// The Rust target triple of the machine running the tests, as release assets spell it.
pub fn host_triple() -> &'static str {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        "x86_64-unknown-linux-musl"
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        "aarch64-unknown-linux-musl"
    } else if cfg!(all(target_os = "macos", target_arch = "aarch64")) {
        "aarch64-apple-darwin"
    } else if cfg!(target_os = "macos") {
        "x86_64-apple-darwin"
    } else if cfg!(all(windows, target_arch = "aarch64")) {
        "aarch64-pc-windows-msvc"
    } else {
        "x86_64-pc-windows-msvc"
    }
}

/// An asset name for this machine, e.g. `widget-1.0.0-x86_64-unknown-linux-musl.tar.gz`.
pub fn host_asset(tool: &str, version: &str, ext: &str) -> String {
    format!("{tool}-{version}-{}{ext}", host_triple())
}

/// The bytes of a stand-in executable: a script that prints its name and version. On Windows,
/// where haul installs only programs, the same text follows the headers of a PE executable for
/// this machine (it is never run there).
pub fn program(tool: &str, version: &str) -> Vec<u8> {
    let script = format!("#!/bin/sh\necho \"{tool} {version}\"\n").into_bytes();
    if cfg!(windows) {
        let machine: u16 = if cfg!(target_arch = "aarch64") {
            0xaa64
        } else {
            0x8664
        };
        let mut exe = pe_headers(machine);
        exe.extend_from_slice(&script);
        exe
    } else {
        script
    }
}

/// The headers of a PE executable (not a DLL) for `machine`, as a Windows program starts.
pub fn pe_headers(machine: u16) -> Vec<u8> {
    let mut out = vec![0u8; 0x200];
    out[..2].copy_from_slice(b"MZ");
    out[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    out[0x80..0x84].copy_from_slice(b"PE\0\0");
    out[0x84..0x86].copy_from_slice(&machine.to_le_bytes());
    // Characteristics: an executable image.
    out[0x96..0x98].copy_from_slice(&0x0022u16.to_le_bytes());
    out
}

/// A release archive (tar.gz) holding `DIR/TOOL` as most releases do.
pub fn tar_gz_release(tool: &str, version: &str) -> Vec<u8> {
    let program = program(tool, version);
    let dir = format!("{tool}-{version}");
    let path = format!("{dir}/{tool}{EXE}");
    let readme = format!("{dir}/README.md");
    archive::gz(&archive::tar(&[
        archive::exe(&path, &program),
        archive::file(&readme, b"docs"),
    ]))
}

/// Publish `tool` `version` (tag `vVERSION`) of `owner/tool` for this machine as a tar.gz with
/// a `checksums.txt`, and return the asset name.
pub fn publish_simple(server: &Server, repo: &str, version: &str) -> String {
    let tool = repo.split('/').nth(1).expect("OWNER/REPO");
    let asset = host_asset(tool, version, ".tar.gz");
    server
        .release(repo, &format!("v{version}"))
        .asset(&asset, &tar_gz_release(tool, version))
        .checksums("checksums.txt")
        .publish();
    asset
}

/// A catalog entry for the user's config file: `name` from `repo`, naming `bins` (TOML list
/// items, `"alpha", "beta=b"`; empty: the entry names no executables).
pub fn catalog_entry(name: &str, repo: &str, bins: &str) -> String {
    let bins = if bins.is_empty() {
        String::new()
    } else {
        format!("bins = [{bins}]\n")
    };
    format!(
        "[[tool]]\nname = \"{name}\"\ndescription = \"{name}\"\nhomepage = \"https://x\"\nrepo = \"{repo}\"\n{bins}"
    )
}

/// Publish `version` of `acme/kit`, whose release has three programs: `alpha`, `beta`, `gamma`.
pub fn publish_kit(server: &Server, version: &str) {
    publish_programs(server, "acme/kit", &["alpha", "beta", "gamma"], version);
}

/// Make the user's config file hold one catalog entry (see [`catalog_entry`]).
pub fn use_catalog_entry(env: &TestEnv, name: &str, repo: &str, bins: &str) {
    std::fs::write(env.config_path(), catalog_entry(name, repo, bins)).unwrap();
}

/// A project directory `name` in the test's directory whose haul.toml asks for `tools` (lines
/// under `[tools]`) and links them into its own `.haul/bin`.
pub fn project(env: &TestEnv, name: &str, tools: &str) -> PathBuf {
    let dir = env.dir.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("haul.toml"),
        format!("[tools]\n{tools}\n[settings]\nbin-dir = \".haul/bin\"\n"),
    )
    .unwrap();
    dir
}

/// Publish `version` of `repo` as a release of two programs, `d/FIRST` and `d/SECOND`, each
/// printing its name and the version, with a `checksums.txt`.
pub fn publish_two(server: &Server, repo: &str, first: &str, second: &str, version: &str) {
    publish_programs(server, repo, &[first, second], version);
}

/// Publish `version` of `repo` as a release of the programs `d/NAME`, each printing its name
/// and the version, with a `checksums.txt`.
pub fn publish_programs(server: &Server, repo: &str, programs: &[&str], version: &str) {
    let tool = repo.split('/').nth(1).unwrap_or(repo);
    let owned: Vec<(String, Vec<u8>)> = programs
        .iter()
        .map(|name| (format!("d/{name}{EXE}"), program(name, version)))
        .collect();
    let files: Vec<_> = owned
        .iter()
        .map(|(path, bytes)| archive::exe(path, bytes))
        .collect();
    server
        .release(repo, &format!("v{version}"))
        .asset(
            &host_asset(tool, version, ".tar.gz"),
            &archive::gz(&archive::tar(&files)),
        )
        .checksums("checksums.txt")
        .publish();
}

/// Publish acme/gizmo 1.0.0, whose archive has two executables, `gizmo` and `widget` (the
/// name acme/widget's executable has too), each printing `gizmo 1.0.0`; its `widget` takes
/// acme/widget's link over with `--force`.
pub fn publish_gizmo_with_widget(server: &Server) {
    let gizmo = archive::gz(&archive::tar(&[
        archive::exe(&format!("gizmo{EXE}"), &program("gizmo", "1.0.0")),
        archive::exe(&format!("widget{EXE}"), &program("gizmo", "1.0.0")),
    ]));
    server
        .release("acme/gizmo", "v1.0.0")
        .asset_with_digest(&host_asset("gizmo", "1.0.0", ".tar.gz"), &gizmo)
        .publish();
}

/// The install of acme/gizmo (see [`publish_gizmo_with_widget`]) that takes acme/widget's link
/// over.
pub const GIZMO_TAKES_WIDGET: &[&str] = &[
    "install",
    "acme/gizmo",
    "--bin",
    "gizmo",
    "--bin",
    "widget",
    "--force",
];

/// A minimal 64-bit little-endian ELF executable whose program interpreter is `interp` (such
/// as glibc's `/lib64/ld-linux-x86-64.so.2`). It only has to read like one; it never runs.
pub fn fake_elf(interp: &str) -> Vec<u8> {
    let mut out = vec![0u8; 0x200];
    out[..4].copy_from_slice(b"\x7fELF");
    out[4] = 2; // 64-bit
    out[5] = 1; // little-endian
    out[0x10] = 2; // ET_EXEC
    // e_machine: this machine's, so that only the loader decides whether it runs here.
    let machine: u16 = if cfg!(target_arch = "aarch64") {
        183
    } else {
        62
    };
    out[0x12..0x14].copy_from_slice(&machine.to_le_bytes());
    out[0x20..0x28].copy_from_slice(&0x40u64.to_le_bytes()); // e_phoff
    out[0x36..0x38].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    out[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
    out[0x40..0x44].copy_from_slice(&3u32.to_le_bytes()); // PT_INTERP
    out[0x48..0x50].copy_from_slice(&0x100u64.to_le_bytes()); // p_offset
    let len = interp.len() as u64 + 1;
    out[0x60..0x68].copy_from_slice(&len.to_le_bytes()); // p_filesz
    out[0x100..0x100 + interp.len()].copy_from_slice(interp.as_bytes());
    out
}

/// A haul stopped at a step of its change, killed when dropped (also when a test fails, so
/// that no haul is left holding the test's output open).
#[cfg(unix)]
pub struct Paused(pub std::process::Child);

#[cfg(unix)]
impl Paused {
    /// Kill it, as a crash would, and wait until it is gone.
    pub fn kill(mut self) {
        self.stop();
    }

    /// Let it go on from the step, and wait until it ends.
    pub fn resume(mut self) -> std::process::ExitStatus {
        use std::io::Write as _;
        let mut stdin = self.0.stdin.take().expect("stdin is piped");
        stdin.write_all(b"go on\n").unwrap();
        drop(stdin);
        self.0.wait().unwrap()
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(unix)]
impl Drop for Paused {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `cmd` (a haul command), stopped at `step` of its change with the store locked (it waits
/// there to be killed, or resumed). Only a debug build of haul has these stopping points.
#[cfg(unix)]
pub fn paused_at(cmd: &mut std::process::Command, step: &str) -> Paused {
    use std::io::BufRead as _;
    let mut child = cmd
        .env("HAUL_TEST_PAUSE_AT", step)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let paused = std::io::BufReader::new(stderr)
        .lines()
        .any(|line| line.unwrap().contains(&format!("paused at {step}")));
    assert!(
        paused,
        "{step}: haul never reached the step (a release build has no stopping points)"
    );
    Paused(child)
}

/// Send `signal` (a name `kill -s` takes) to `child`.
#[cfg(unix)]
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -s {signal} failed");
}

/// `path` as a POSIX shell spells it: as it is, and on Windows (Git Bash, MSYS2) `/c/…`.
pub fn posix_spelling(path: &Path) -> String {
    let text = path.display().to_string();
    if !cfg!(windows) {
        return text;
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(drive), Some(':')) => format!(
            "/{}{}",
            drive.to_ascii_lowercase(),
            chars.as_str().replace('\\', "/")
        ),
        _ => text.replace('\\', "/"),
    }
}

/// Start `cmd` with its stderr piped and read that until a line holds `needle` (the command
/// says it waits, say): the running command, and the rest of its stderr.
pub fn started_until(
    cmd: &mut std::process::Command,
    needle: &str,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
) {
    cmd.stderr(std::process::Stdio::piped());
    // The program may be a copy written a moment ago (a haul to update): see spawn_retrying.
    let mut child = spawn_retrying(|| cmd.spawn()).unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    read_until(&mut stderr, needle);
    (child, stderr)
}

/// Read `reader` line by line until a line holds `needle`; what was read, that line included.
/// Fails when the stream ends first.
pub fn read_until(reader: &mut impl std::io::BufRead, needle: &str) -> String {
    let mut said = String::new();
    loop {
        let mut line = String::new();
        assert_ne!(
            reader.read_line(&mut line).unwrap(),
            0,
            "no line holds {needle:?}: {said}"
        );
        said.push_str(&line);
        if line.contains(needle) {
            return said;
        }
    }
}
