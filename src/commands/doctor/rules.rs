//! What `haul doctor` calls a problem, and how to fix it: a pure function of the facts the
//! command gathers, so every rule is tested on its own.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// Everything doctor looked at.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// The installer put another haul in this directory, which is not the one running.
    pub other_haul: Option<(PathBuf, PathBuf)>,
    /// The install receipt cannot be read: why.
    pub receipt_unreadable: Option<String>,
    pub install_dir: PathBuf,
    pub install_dir_on_path: bool,
    pub bin_dir: PathBuf,
    pub bin_dir_on_path: bool,
    /// How to put the bin dir on PATH, for the shell `haul env` writes for.
    pub path_advice: &'static str,
    pub config: Config,
    /// Records that cannot be read.
    pub damaged: Vec<DamagedRecord>,
    /// Records a newer haul wrote, which this one cannot read: (name, what says so).
    pub newer: Vec<(String, String)>,
    /// Why no change to the store could be made, each with what to do.
    pub store_unusable: Vec<(String, &'static str)>,
    /// What is wrong with the project doctor runs in (its haul.toml and haul.lock, and the
    /// tools they pin), each with what to do.
    pub project: Vec<(String, String)>,
    /// Changes a crash left half-done, or a failed change left to undo, each with why `--fix`
    /// cannot finish it, if so.
    pub pending: Vec<crate::store::Pending>,
    /// What interrupted runs left in the store's `staging/`: how many, and their size.
    pub leftovers: (usize, u64),
    /// Per tool, what is missing or wrong on disk.
    pub tools: Vec<Tool>,
    /// Directories under `tools/` that no record names.
    pub orphan_dirs: Vec<PathBuf>,
    /// Links into `tools/` that no record names, in the bin dir and the directories records
    /// link into.
    pub orphan_links: Vec<PathBuf>,
}

#[derive(Debug, Default, Clone)]
pub struct Config {
    pub path: PathBuf,
    /// Named by `HAUL_CONFIG`.
    pub explicit: bool,
    pub found: bool,
    pub error: Option<String>,
    /// With an `error`: the rest of the file is in use (see `settings::ConfigState`).
    pub rest_in_use: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Tool {
    pub name: String,
    /// Described problems with its files and links that `--fix` acts on, each with what it
    /// does (and what else would).
    pub problems: Vec<(String, String)>,
    /// Described problems `--fix` leaves as they are, each with what to do: an executable
    /// changed since it was installed, a file haul did not make where a link goes.
    pub left: Vec<(String, String)>,
    /// Executables of the same name found earlier on PATH: (link name, what is found first).
    pub shadowed: Vec<(String, PathBuf)>,
}

/// A record that cannot be read, and why.
#[derive(Debug, Clone)]
pub struct DamagedRecord {
    pub name: String,
    pub why: String,
    /// What `--fix` does instead of removing it with the versions it stored, if it does
    /// something else, and whether that repairs it.
    pub how: Option<(String, bool)>,
}

/// One problem and its fix, as `haul doctor --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub problem: String,
    pub fix: String,
    /// Whether `haul doctor --fix` repairs it.
    pub fixable: bool,
}

fn finding(problem: String, fix: impl Into<String>, fixable: bool) -> Finding {
    Finding {
        problem,
        fix: fix.into(),
        fixable,
    }
}

/// Every problem in `facts`, most serious first.
pub fn problems(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    config(facts, &mut out);
    store(facts, &mut out);
    leftovers(facts, &mut out);
    setup(facts, &mut out);
    out
}

fn config(facts: &Facts, out: &mut Vec<Finding>) {
    if let Some(err) = &facts.config.error {
        let (what, run) = if facts.config.rest_in_use {
            (
                "part of the config file",
                "(and `completions`) run, with the rest of the file",
            )
        } else {
            (
                "the config file",
                "(and `completions`) run, with the defaults",
            )
        };
        out.push(finding(
            format!("{what} `{}` cannot be used: {err}", facts.config.path.display()),
            format!("correct it (see the Configuration section of haul's README); until then only `doctor` and `uninstall` {run}"),
            false,
        ));
    } else if facts.config.explicit && !facts.config.found {
        out.push(finding(
            format!(
                "`HAUL_CONFIG` names `{}`, which does not exist",
                facts.config.path.display()
            ),
            "create the file, or unset `HAUL_CONFIG` to use the default place",
            false,
        ));
    }
}

/// What interrupted runs left in `staging/`.
fn leftovers(facts: &Facts, out: &mut Vec<Finding>) {
    let (count, bytes) = facts.leftovers;
    if count > 0 {
        out.push(finding(
            format!(
                "`staging/` holds {} of interrupted runs ({})",
                crate::units::count(count, "leftover"),
                crate::units::size(bytes)
            ),
            "`haul doctor --fix` removes it (the next install or uninstall does too)",
            true,
        ));
    }
}

fn store(facts: &Facts, out: &mut Vec<Finding>) {
    for (problem, fix) in &facts.store_unusable {
        out.push(finding(problem.clone(), *fix, false));
    }
    for (problem, fix) in &facts.project {
        out.push(finding(problem.clone(), fix.clone(), false));
    }
    for crate::store::Pending {
        name,
        undo,
        refused,
    } in &facts.pending
    {
        out.push(match refused {
            None if *undo => finding(
                format!("a change to `{name}` failed and is not undone yet"),
                "`haul doctor --fix` undoes it (any install or uninstall does too), or says why it cannot now",
                true,
            ),
            None => finding(
                format!("a change to `{name}` was left half-done (haul was stopped)"),
                "`haul doctor --fix` completes it (any install or uninstall does too), or says why it cannot now",
                true,
            ),
            Some(why) => finding(
                format!("a change to `{name}` is in a journal haul did not write, and is not done"),
                why.clone(),
                false,
            ),
        });
    }
    for DamagedRecord { name, why, how } in &facts.damaged {
        let (fix, fixable) = how.clone().unwrap_or_else(|| {
            (format!("`haul doctor --fix` or `haul uninstall {name}` removes it and the versions it stored; `haul install TOOL --force`, naming the tool as it was installed, installs it again"), true)
        });
        out.push(finding(
            format!("the record of `{name}` is damaged: {why}"),
            fix,
            fixable,
        ));
    }
    for (name, what) in &facts.newer {
        out.push(finding(
            format!("`{name}` cannot be managed by this haul: {what}"),
            "update haul (`haul self update`); `--fix` leaves the tool as it is".to_owned(),
            false,
        ));
    }
    for tool in &facts.tools {
        for (problem, what_to_do) in &tool.problems {
            out.push(finding(problem.clone(), what_to_do.clone(), true));
        }
        for (problem, what_to_do) in &tool.left {
            out.push(finding(problem.clone(), what_to_do.clone(), false));
        }
        for (bin, first) in &tool.shadowed {
            out.push(finding(
                format!(
                    "`{bin}` of `{}` is shadowed: `{}` comes first on PATH",
                    tool.name,
                    first.display()
                ),
                shadow_fix(bin, first, &facts.bin_dir),
                false,
            ));
        }
    }
    for dir in &facts.orphan_dirs {
        out.push(finding(
            format!(
                "`{}` is in the store, but no record names it",
                dir.display()
            ),
            "`haul doctor --fix` removes it",
            true,
        ));
    }
    for link in &facts.orphan_links {
        out.push(finding(
            format!(
                "`{}` links into the store, but no record names it",
                link.display()
            ),
            "`haul doctor --fix` removes it",
            true,
        ));
    }
}

fn setup(facts: &Facts, out: &mut Vec<Finding>) {
    if let Some((installed, running)) = &facts.other_haul {
        out.push(finding(
            format!(
                "haul's installer put another haul in `{}`, but this one runs from `{}`",
                installed.display(),
                running.display()
            ),
            "remove the copy you do not use, so PATH finds one haul",
            false,
        ));
    }
    if let Some(why) = &facts.receipt_unreadable {
        out.push(finding(
            format!("the install receipt cannot be read: {why}"),
            "reinstall haul with its installer, or delete the receipt",
            false,
        ));
    }
    if !facts.install_dir_on_path {
        out.push(finding(
            format!(
                "haul's own directory `{}` is not on PATH",
                facts.install_dir.display()
            ),
            "add it to PATH in your shell's profile",
            false,
        ));
    }
    if !facts.bin_dir_on_path {
        out.push(finding(
            format!(
                "the bin dir `{}` is not on PATH, so installed tools are not found by name",
                facts.bin_dir.display()
            ),
            format!("{} (see `haul env --help`)", facts.path_advice),
            false,
        ));
    }
}

/// What to do about `bin` in `bin_dir`, shadowed by `first`: put the bin dir earlier on PATH,
/// or remove the other file; when that file is in the bin dir itself (Windows runs `jq.com`
/// before `jq.exe`), only removing it helps.
fn shadow_fix(bin: &str, first: &Path, bin_dir: &Path) -> String {
    let other = first
        .file_name()
        .map_or_else(|| bin.to_owned(), |n| n.to_string_lossy().into_owned());
    if first
        .parent()
        .is_some_and(|dir| crate::names::same_path(dir, bin_dir))
    {
        format!("remove `{}`, which runs instead of it", first.display())
    } else {
        format!(
            "put `{}` earlier on PATH, or remove the other `{other}`",
            bin_dir.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(undo: bool, refused: Option<&str>) -> crate::store::Pending {
        crate::store::Pending {
            name: "fd".into(),
            undo,
            refused: refused.map(Into::into),
        }
    }

    fn healthy() -> Facts {
        Facts {
            install_dir_on_path: true,
            bin_dir_on_path: true,
            ..Facts::default()
        }
    }

    #[test]
    fn a_healthy_machine_has_no_problems() {
        assert!(problems(&healthy()).is_empty());
    }

    #[test]
    #[allow(clippy::too_many_lines, reason = "one table of cases")]
    fn each_fact_is_one_problem_with_a_fix() {
        let cases: Vec<(Facts, &str, bool)> = vec![
            (
                Facts {
                    config: Config {
                        path: "/x/config.toml".into(),
                        explicit: true,
                        found: false,
                        error: None,
                        rest_in_use: true,
                    },
                    ..healthy()
                },
                "`HAUL_CONFIG` names `/x/config.toml`, which does not exist",
                false,
            ),
            (
                Facts {
                    config: Config {
                        error: Some("unknown field `jbos`".into()),
                        ..Config::default()
                    },
                    ..healthy()
                },
                "the config file `` cannot be used: unknown field `jbos`",
                false,
            ),
            (
                Facts {
                    config: Config {
                        error: Some("the catalog entry `x`: needs `repo`".into()),
                        rest_in_use: true,
                        ..Config::default()
                    },
                    ..healthy()
                },
                "part of the config file `` cannot be used: the catalog entry `x`",
                false,
            ),
            (
                Facts {
                    pending: vec![pending(false, None)],
                    ..healthy()
                },
                "left half-done",
                true,
            ),
            (
                Facts {
                    leftovers: (2, 3 << 20),
                    ..healthy()
                },
                "`staging/` holds 2 leftovers of interrupted runs (3 MiB)",
                true,
            ),
            (
                Facts {
                    pending: vec![pending(true, None)],
                    ..healthy()
                },
                "`fd` failed and is not undone yet",
                true,
            ),
            (
                Facts {
                    pending: vec![pending(false, Some("`/h/journal/fd.json` names paths"))],
                    ..healthy()
                },
                "a journal haul did not write",
                false,
            ),
            (
                Facts {
                    damaged: vec![DamagedRecord {
                        name: "fd".into(),
                        why: "EOF".into(),
                        how: None,
                    }],
                    ..healthy()
                },
                "the record of `fd` is damaged: EOF",
                true,
            ),
            (
                Facts {
                    tools: vec![Tool {
                        name: "fd".into(),
                        problems: vec![(
                            "`fd`: the link `/b/fd` is missing".into(),
                            "`haul doctor --fix` links it again".into(),
                        )],
                        left: Vec::new(),
                        shadowed: vec![("fd".into(), "/usr/bin/fd".into())],
                    }],
                    ..healthy()
                },
                "the link `/b/fd` is missing",
                true,
            ),
            (
                Facts {
                    orphan_dirs: vec!["/h/tools/x".into()],
                    ..healthy()
                },
                "no record names it",
                true,
            ),
            (
                Facts {
                    bin_dir_on_path: false,
                    ..healthy()
                },
                "is not on PATH",
                false,
            ),
        ];
        for (facts, says, fixable) in cases {
            let found = problems(&facts);
            let hit = found.iter().find(|f| f.problem.contains(says));
            assert!(hit.is_some(), "{says}: {found:?}");
            assert_eq!(hit.map(|f| f.fixable), Some(fixable), "{says}");
            assert!(found.iter().all(|f| !f.fix.is_empty()));
        }
        let shadow = problems(&Facts {
            tools: vec![Tool {
                name: "fd".into(),
                shadowed: vec![("fd".into(), "/usr/bin/fd".into())],
                ..Tool::default()
            }],
            ..healthy()
        });
        assert_eq!(shadow.len(), 1);
        assert!(
            shadow[0]
                .problem
                .contains("`/usr/bin/fd` comes first on PATH")
        );
        assert!(shadow[0].fix.contains("or remove the other `fd`"));
    }

    /// What shadows a tool from its own bin dir (Windows runs `jq.com` before `jq.exe`) is the
    /// file to remove; moving the bin dir on PATH cannot help.
    #[test]
    fn a_tool_shadowed_from_its_own_bin_dir_names_the_file_to_remove() {
        let bin_dir = PathBuf::from("/b/bin");
        let com = bin_dir.join("jq.com");
        let fix = shadow_fix("jq.exe", &com, &bin_dir);
        assert_eq!(
            fix,
            format!("remove `{}`, which runs instead of it", com.display())
        );
        let fix = shadow_fix("jq.exe", Path::new("/c/tools/jq.com"), &bin_dir);
        assert_eq!(
            fix,
            "put `/b/bin` earlier on PATH, or remove the other `jq.com`"
        );
    }

    /// A changed executable is reported with the install that puts it back, and `--fix`
    /// leaves it (the change may be the user's own).
    #[test]
    fn a_changed_executable_is_for_the_user_to_reinstall() {
        let found = problems(&Facts {
            tools: vec![Tool {
                name: "fd".into(),
                left: vec![(
                    "`fd` 10.2.0: `/h/fd` has changed".into(),
                    "`haul install fd@10.2.0 --force` installs it again".into(),
                )],
                ..Tool::default()
            }],
            ..healthy()
        });
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(!found[0].fixable);
        assert!(found[0].fix.contains("`haul install fd@10.2.0 --force`"));
    }
}
