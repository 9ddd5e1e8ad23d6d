//! The files in `dist/` that cargo-dist ships in every archive beside the binary: completions for
//! bash, zsh, fish and PowerShell, and man pages, all generated from the clap definitions.
//!
//! A test, not a build step: it fails when the committed files differ from what the current
//! definitions generate, and `HAUL_BLESS=1 cargo test dist_assets` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionShell};
use crate::commands::completions::registration;

/// Each shell and the file its completions go in.
const SHELLS: [(CompletionShell, &str); 4] = [
    (CompletionShell::Bash, "haul.bash"),
    (CompletionShell::Zsh, "_haul"),
    (CompletionShell::Fish, "haul.fish"),
    (CompletionShell::Powershell, "_haul.ps1"),
];

/// Every generated file: its path under `dist/` and its bytes.
fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (shell, file) in SHELLS {
        files.insert(Path::new("completions").join(file), registration(shell));
    }
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    man_pages(&command, &mut files);
    files
}

/// `haul.1` and one page per subcommand (`haul-self-update.1`), as `clap_mangen` writes them, but
/// without the version section: a release bump must not make the committed pages stale.
fn man_pages(command: &clap::Command, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, files);
    }
    let man = clap_mangen::Man::new(command.clone()).source("haul");
    let mut out = Vec::new();
    man.render(&mut out).expect("render a man page");
    let mut text = String::from_utf8(out).expect("man pages are UTF-8");
    if let Some(at) = text.find("\n.SH VERSION\n") {
        text.truncate(at + 1);
    }
    files.insert(Path::new("man").join(man.get_filename()), text.into_bytes());
}

/// What is in `dir` now, recursively, relative to it.
fn committed(dir: &Path, under: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir.join(under)) else {
        return;
    };
    for entry in entries.flatten() {
        let rel = under.join(entry.file_name());
        if entry.path().is_dir() {
            committed(dir, &rel, out);
        } else {
            out.insert(rel, std::fs::read(entry.path()).expect("read a dist file"));
        }
    }
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "a test reads HAUL_BLESS; haul itself never does"
)]
fn dist_files_are_up_to_date() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
    let wanted = generate();
    let mut have = BTreeMap::new();
    for sub in ["completions", "man"] {
        committed(&dist, Path::new(sub), &mut have);
    }
    if std::env::var_os("HAUL_BLESS").is_some_and(|v| v == "1") {
        for (rel, _) in have.iter().filter(|(rel, _)| !wanted.contains_key(*rel)) {
            std::fs::remove_file(dist.join(rel)).expect("remove a stale dist file");
        }
        for (rel, bytes) in &wanted {
            let path = dist.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dist dirs");
            std::fs::write(path, bytes).expect("write a dist file");
        }
        return;
    }
    let stale: Vec<String> = wanted
        .keys()
        .chain(have.keys())
        .filter(|rel| wanted.get(*rel) != have.get(*rel))
        .map(|rel| format!("  dist/{}", rel.display()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        stale.is_empty(),
        "these files in dist/ are not what the clap definitions generate:\n{}\n\
         regenerate them with `HAUL_BLESS=1 cargo test dist_assets` and commit the result",
        stale.join("\n")
    );
}

#[test]
fn every_shell_and_every_command_is_covered() {
    let files = generate();
    for name in ["haul.bash", "_haul", "haul.fish", "_haul.ps1"] {
        assert!(
            files.contains_key(&Path::new("completions").join(name)),
            "{name}"
        );
    }
    for page in [
        "haul.1",
        "haul-install.1",
        "haul-self.1",
        "haul-self-update.1",
        "haul-doctor.1",
    ] {
        let text = String::from_utf8(files[&Path::new("man").join(page)].clone()).unwrap();
        assert!(
            text.starts_with(".ie \\n(.g .ds Aq"),
            "{page}: {}",
            &text[..40]
        );
        assert!(
            !text.contains(env!("CARGO_PKG_VERSION")),
            "{page} names the version"
        );
    }
}
