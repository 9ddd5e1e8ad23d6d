//! Gathering what `haul doctor` looks at: the installation, the config file, the store (damaged
//! records, half-done changes, broken tools, leftovers), PATH and the cache. Reads only (the
//! store's writability is tried with a temporary file that is gone at once).

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::rules::{self, Facts};
use crate::context::Context;
use crate::paths::canonical;
use crate::self_update::installation::{Installation, Method, ReceiptState};
use crate::store::{Records, link};

pub struct Gathered {
    pub facts: Facts,
    pub tools: usize,
    pub cache_bytes: u64,
}

pub fn gather(ctx: &Context, install: &Installation) -> Result<Gathered> {
    let settings = &ctx.settings;
    let install_dir = install.install_dir();
    let bin_dir = settings.paths.bin_dir.clone();
    // What is not the store is read before it is held still, and after: the hold keeps
    // changes waiting.
    let install_dir_on_path = ctx.on_path(&install_dir);
    let bin_dir_on_path = ctx.on_path(&bin_dir);
    let path_advice = crate::commands::env::profile_advice(ctx);
    // The store as of one moment: another haul's change under way is neither half-done nor
    // a link pointing elsewhere.
    let reading = ctx.store.reading()?;
    let records = ctx.store.records()?;
    let mut facts = Facts {
        other_haul: None,
        receipt_unreadable: None,
        install_dir_on_path,
        install_dir,
        bin_dir_on_path,
        path_advice,
        bin_dir: bin_dir.clone(),
        config: rules::Config {
            path: settings.config.path.clone(),
            explicit: settings.config.explicit,
            found: settings.config.found,
            error: settings
                .config
                .error
                .as_ref()
                .map(|e| crate::error::Report::of(&e.clone().into()).one_line()),
            rest_in_use: settings.config.rest_in_use,
        },
        store_unusable: ctx.store.cannot_change(),
        newer: records
            .damaged
            .iter()
            .filter(|d| d.newer)
            .map(|d| (d.name.clone(), d.error.message.clone()))
            .collect(),
        damaged: damaged(ctx, &records),
        pending: ctx.store.pending(),
        project: super::project::problems(ctx, &records.ok),
        leftovers: leftovers(ctx),
        tools: Vec::new(),
        orphan_dirs: orphan_dirs(ctx, &records),
        orphan_links: orphan_links(ctx, &records, &bin_dir),
    };
    match &install.receipt {
        ReceiptState::Found(receipt) => {
            let dir = receipt.install_dir();
            if install.method != Method::Installer && dir.join(exe_name()).is_file() {
                facts.other_haul = Some((dir, install.exe.clone()));
            }
        }
        ReceiptState::Unreadable(why) => facts.receipt_unreadable = Some(why.clone()),
        ReceiptState::Missing => {}
    }
    for record in &records.ok {
        let (mut problems, mut left) = (Vec::new(), Vec::new());
        for problem in ctx.store.check(record) {
            let found = (problem.describe(&record.name), problem.remedy(record));
            if problem.repairable() {
                problems.push(found);
            } else {
                left.push(found);
            }
        }
        facts.tools.push(rules::Tool {
            name: record.name.clone(),
            problems,
            left,
            shadowed: Vec::new(),
        });
    }
    drop(reading);
    if facts.bin_dir_on_path {
        for (tool, record) in facts.tools.iter_mut().zip(&records.ok) {
            tool.shadowed = record
                .links
                .iter()
                .filter(|l| l.is_in(&bin_dir))
                .filter_map(|l| shadowing(ctx, &bin_dir, &l.bin).map(|p| (l.bin.clone(), p)))
                .collect();
        }
    }
    Ok(Gathered {
        tools: records.ok.len(),
        cache_bytes: cache_size(&settings.paths.cache_dir),
        facts,
    })
}

/// The install receipt's state and version, for the report.
pub fn receipt(install: &Installation) -> (&'static str, Option<String>) {
    match &install.receipt {
        ReceiptState::Found(receipt) => ("found", Some(receipt.version.clone())),
        ReceiptState::Missing => ("missing", None),
        ReceiptState::Unreadable(_) => ("unreadable", None),
    }
}

/// What a shell finds before the link `bin` in `bin_dir`, if anything: a file of that name
/// in a directory earlier on PATH; on Windows also one of the command's name with any
/// extension in `PATHEXT` (a `widget.cmd` shim), and, in the bin dir itself, one whose
/// extension `PATHEXT` tries before `.exe` (a `widget.com`).
fn shadowing(ctx: &Context, bin_dir: &Path, bin: &str) -> Option<PathBuf> {
    let path = ctx.settings.path.as_ref()?;
    let ours = canonical(bin_dir);
    let names = command_names(bin, cfg!(windows), ctx.settings.pathext.as_deref());
    for entry in std::env::split_paths(path) {
        if entry == bin_dir || canonical(&entry) == ours {
            // In its own directory the link comes at its extension's turn.
            return names
                .iter()
                .take_while(|name| !name.eq_ignore_ascii_case(bin))
                .map(|name| entry.join(name))
                .find(|candidate| candidate.is_file());
        }
        if let Some(found) = names
            .iter()
            .map(|name| entry.join(name))
            .find(|candidate| candidate.is_file())
        {
            return Some(found);
        }
    }
    None
}

/// The file names a shell looks for, in order, when `bin` (a link's file name) is run by its
/// name: on Windows the name without `.exe` with each extension of `pathext` (its default when
/// unset), the link's own among them; elsewhere the name itself.
fn command_names(bin: &str, windows: bool, pathext: Option<&std::ffi::OsStr>) -> Vec<String> {
    let Some(stem) = bin
        .len()
        .checked_sub(4)
        .filter(|&at| windows && bin.is_char_boundary(at) && bin[at..].eq_ignore_ascii_case(".exe"))
        .map(|at| &bin[..at])
    else {
        return vec![bin.to_owned()];
    };
    let pathext = pathext.map_or_else(
        || ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC".to_owned(),
        |p| p.to_string_lossy().into_owned(),
    );
    let mut names: Vec<String> = pathext
        .split(';')
        .map(str::trim)
        .filter(|ext| ext.starts_with('.') && ext.len() > 1)
        .map(|ext| format!("{stem}{}", ext.to_ascii_lowercase()))
        .collect();
    if !names.iter().any(|name| name.eq_ignore_ascii_case(bin)) {
        names.push(bin.to_owned());
    }
    names
}

/// The damaged records (not a newer haul's), each with why, and what `--fix` does instead of
/// removing it with the versions it stored, if it does something else (and whether it repairs
/// it then): of several copies of one tool's record under other names, the first (as `--fix`
/// takes them) goes back, the others are removed; a record waits while a change to its tool
/// is half-done.
fn damaged(ctx: &Context, records: &Records) -> Vec<rules::DamagedRecord> {
    use crate::store::Mend;
    let found: Vec<_> = records
        .damaged
        .iter()
        .filter(|d| !d.newer)
        .map(|d| (d, ctx.store.mendable(&d.name)))
        .collect();
    // Copies that go back under a name whose own record does not read: that one is replaced.
    let copies: Vec<(&str, &str)> = found
        .iter()
        .filter_map(|(d, mend)| match mend {
            Some(Mend::Rename { own }) if !ctx.store.half_done(&d.name) => {
                Some((d.name.as_str(), own.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut put_back: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (d, mend) in &found {
        let why = d
            .error
            .causes
            .first()
            .cloned()
            .unwrap_or_else(|| d.error.message.clone());
        let waits = |own: &str| {
            Some((
                format!(
                    "a change to `{own}` is half-done: `haul doctor --fix` leaves this record until that change is done"
                ),
                false,
            ))
        };
        let how = if ctx.store.half_done(&d.name) {
            waits(&d.name)
        } else if let Some((copy, _)) = copies.iter().find(|(_, own)| *own == d.name) {
            Some((
                format!(
                    "`haul doctor --fix` puts the record found as `{copy}`, which reads, in its place; the tool stays"
                ),
                true,
            ))
        } else {
            match mend {
                Some(Mend::Rename { own }) if put_back.contains(&own.as_str()) => None,
                Some(Mend::Rename { own }) => {
                    put_back.push(own);
                    Some((
                        format!(
                            "`haul doctor --fix` puts it back as the record of `{own}`, the tool it describes"
                        ),
                        true,
                    ))
                }
                Some(Mend::Wait { own }) => waits(own),
                Some(Mend::DropLinks { .. }) => Some((
                    "`haul doctor --fix` leaves out of it the links it cannot have (haul could not have made them, or something else stands there; what is there is not touched); the tool stays".to_owned(),
                    true,
                )),
                None => None,
            }
        };
        // Removed, it takes no versions with it where none are stored under its name.
        let how = how.or_else(|| {
            (!ctx.store.tool_dir(&d.name).exists()).then(|| {
                (
                    format!(
                        "`haul doctor --fix` or `haul uninstall {}` removes it (no version is stored under its name)",
                        d.name
                    ),
                    true,
                )
            })
        });
        out.push(rules::DamagedRecord {
            name: d.name.clone(),
            why,
            how,
        });
    }
    out
}

/// The tools whose versions and links damaged records stand for: their own, or the one each
/// describes when it is another (a record renamed) that `--fix` puts back.
fn damaged_tools(ctx: &Context, records: &Records) -> Vec<String> {
    let mut names = Vec::new();
    for d in &records.damaged {
        // Put back under its own name, the record no longer stands for what is stored under
        // its file's (`tools/NAME` and its links): those are orphans, said as such.
        match ctx.store.mendable(&d.name) {
            Some(crate::store::Mend::Rename { own }) => names.push(own),
            // Left as they are, the record's tool and the one it names alike.
            Some(crate::store::Mend::Wait { own }) => names.extend([d.name.clone(), own]),
            _ => names.push(d.name.clone()),
        }
    }
    names
}

/// Directories under `tools/` that no record names: a tool without a record, or a version its
/// record does not list.
pub fn orphan_dirs(ctx: &Context, records: &Records) -> Vec<PathBuf> {
    let damaged = damaged_tools(ctx, records);
    let mut out = Vec::new();
    for tool in read_dir(&ctx.store.tools_dir()) {
        let name = file_name(&tool);
        if damaged.contains(&name) {
            continue;
        }
        match records.ok.iter().find(|r| r.name == name) {
            // Only what haul makes there: a directory of version directories. A `HAUL_HOME`
            // that held other files first keeps them.
            None if tool.is_dir() && read_dir(&tool).iter().all(|v| v.is_dir()) => {
                out.push(tool);
            }
            None => {}
            // Version directories no record names; a file there is not haul's (nor anything
            // `--fix` removes).
            Some(record) => {
                for version in read_dir(&tool) {
                    if version.is_dir() && !record.versions.contains_key(&file_name(&version)) {
                        out.push(version);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Links into `tools/` that no record names, in the bin dir and in every directory a record
/// links into (another `--bin-dir`, a project's bin-dir): an uninstall run with another bin
/// dir, or a damaged record removed, can leave them there.
pub fn orphan_links(ctx: &Context, records: &Records, bin_dir: &Path) -> Vec<PathBuf> {
    let damaged = damaged_tools(ctx, records);
    let tools = ctx.store.tools_dir();
    let mut dirs: Vec<&Path> = vec![bin_dir];
    for record in &records.ok {
        for l in &record.links {
            if let Some(dir) = l.path.parent()
                && !dirs.contains(&dir)
            {
                dirs.push(dir);
            }
        }
    }
    // Names the records claim are skipped first: on Windows, where a link is a copy,
    // `points_into` searches the tools tree for the file.
    let mut out: Vec<PathBuf> = dirs
        .into_iter()
        .flat_map(read_dir)
        .filter(|p| {
            !records
                .ok
                .iter()
                .any(|r| r.links.iter().any(|l| l.is_at(p)))
        })
        .filter(|p| link::points_into(p, &tools))
        .filter(|p| {
            // A damaged record's links are its own; removing the record removes them.
            !damaged
                .iter()
                .any(|name| link::points_into(p, &ctx.store.tool_dir(name)))
        })
        .collect();
    out.sort();
    out
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How many leftovers of interrupted runs `staging/` holds, and their size. Read with the
/// store held still: a haul deleting what its change removed holds its lock, and that is not a
/// leftover.
fn leftovers(ctx: &Context) -> (usize, u64) {
    let left = ctx.store.leftovers();
    (
        count_leftovers(left.iter()),
        left.iter().map(|p| size_of(p)).sum(),
    )
}

/// How many leftovers `paths` (of [`crate::store::Store::leftovers`]) are: a staging directory
/// and its lock file are one.
pub(super) fn count_leftovers<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> usize {
    paths
        .filter(|p| p.extension().is_none_or(|e| e != "lock"))
        .count()
}

/// The bytes of the file, or of the directory tree, at `path`; links are not followed.
pub fn size_of(path: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(path) = stack.pop() {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => stack.extend(read_dir(&path)),
            Ok(meta) => total += meta.len(),
            Err(_) => {}
        }
    }
    total
}

/// The bytes in the cache dir, which may be a link the user made to another disk: what it
/// leads to counts.
fn cache_size(dir: &Path) -> u64 {
    size_of(&std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()))
}

fn exe_name() -> &'static str {
    if cfg!(windows) { "haul.exe" } else { "haul" }
}

#[cfg(test)]
mod tests {
    use super::command_names;

    #[test]
    fn a_command_is_found_by_each_extension_pathext_tries_in_its_order() {
        assert_eq!(command_names("widget", false, None), ["widget"]);
        assert_eq!(command_names("widget.exe", false, None), ["widget.exe"]);
        let names = command_names("widget.exe", true, None);
        assert_eq!(
            names[..4],
            ["widget.com", "widget.exe", "widget.bat", "widget.cmd"]
        );
        let ext = std::ffi::OsStr::new(".EXE;.CMD; ;bad");
        assert_eq!(
            command_names("Widget.EXE", true, Some(ext)),
            ["Widget.exe", "Widget.cmd"]
        );
        let no_exe = std::ffi::OsStr::new(".CMD");
        assert_eq!(
            command_names("widget.exe", true, Some(no_exe)),
            ["widget.cmd", "widget.exe"]
        );
        assert_eq!(command_names("widget", true, None), ["widget"]);
    }
}
