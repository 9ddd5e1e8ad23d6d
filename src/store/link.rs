//! Links in a bin dir: symbolic links on Unix; hard links (or copies) on Windows, where
//! symbolic links need a privilege. Each change is one rename, so a link is always either the
//! old one or the new one.

use std::path::Path;

use anyhow::{Context as _, Result};

/// Make `link` point at `target`, replacing what was there in one rename.
pub fn replace(target: &Path, link: &Path, scratch: &Path) -> Result<()> {
    let dir = link.parent().unwrap_or(Path::new("."));
    let name = link
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.haul-{}", std::process::id()));
    remove_leftovers(dir, &name);
    create(target, &temp).with_context(|| format!("linking `{}`", link.display()))?;
    if let Err(err) = rename_over(&temp, link, scratch) {
        let _ = std::fs::remove_file(&temp);
        return Err(err).with_context(|| format!("replacing `{}`", link.display()));
    }
    Ok(())
}

/// Remove what earlier runs left beside the link `name` in `dir`: the temporary links
/// (`.NAME.haul-PID`) of a haul stopped between making one and renaming it into place, and, on
/// Windows, the old links put aside beside it while they ran (`.haul-old-PID-N-NAME`, see
/// [`move_aside`]; one still running stays). haul's own names for `name`, and links (a hard
/// link or copy on Windows), never anything else.
fn remove_leftovers(dir: &Path, name: &str) {
    let prefix = format!(".{name}.haul-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let temporary = file_name
            .strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        let kind = entry.file_type();
        let linkish = kind.as_ref().is_ok_and(|k| {
            if cfg!(unix) {
                k.is_symlink()
            } else {
                k.is_file()
            }
        });
        // An old link put aside is a hard link or a copy: a file. Only Windows puts one there;
        // elsewhere a file of that name is the user's.
        let put_aside =
            cfg!(windows) && aside_of(file_name, name) && kind.is_ok_and(|k| k.is_file());
        if (temporary && linkish) || put_aside {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn create(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn create(target: &Path, at: &Path) -> std::io::Result<()> {
    std::fs::hard_link(target, at).or_else(|_| std::fs::copy(target, at).map(drop))
}

#[cfg(unix)]
fn rename_over(from: &Path, to: &Path, _scratch: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

/// A running `.exe` cannot be replaced or deleted on Windows, but it can be renamed: move
/// the old one out of the way first.
#[cfg(not(unix))]
fn rename_over(from: &Path, to: &Path, scratch: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        // A directory there is not moved aside: it is refused, as on Unix.
        Err(_) if std::fs::symlink_metadata(to).is_ok_and(|m| !m.is_dir()) => {
            let aside = move_aside(to, scratch)?;
            std::fs::rename(from, to)?;
            let _ = std::fs::remove_file(aside);
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// Whether `link` is haul's link to `target`.
#[cfg(unix)]
pub fn points_to(link: &Path, target: &Path) -> bool {
    std::fs::read_link(link).is_ok_and(|t| t == target)
}

/// A hard link or a copy: the same bytes as the target.
#[cfg(not(unix))]
pub fn points_to(link: &Path, target: &Path) -> bool {
    use std::io::Read as _;
    let (Ok(linked), Ok(original)) = (std::fs::File::open(link), std::fs::File::open(target))
    else {
        return false;
    };
    let same_len = match (linked.metadata(), original.metadata()) {
        (Ok(one), Ok(other)) => one.len() == other.len(),
        _ => false,
    };
    if !same_len {
        return false;
    }
    let mut linked = std::io::BufReader::new(linked);
    let mut original = std::io::BufReader::new(original);
    let (mut ours, mut theirs) = ([0u8; 8192], [0u8; 8192]);
    loop {
        let len = match linked.read(&mut ours) {
            Ok(0) => return true,
            Ok(len) => len,
            Err(_) => return false,
        };
        if original.read_exact(&mut theirs[..len]).is_err() || ours[..len] != theirs[..len] {
            return false;
        }
    }
}

pub fn remove(link: &Path, scratch: &Path) -> std::io::Result<()> {
    if let (Some(dir), Some(name)) = (link.parent(), link.file_name()) {
        remove_leftovers(dir, &name.to_string_lossy());
    }
    match std::fs::remove_file(link) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) if cfg!(windows) => {
            // A running `.exe`: rename it away; it is deleted on a later run.
            move_aside(link, scratch).map(drop).map_err(|_| err)
        }
        Err(err) => Err(err),
    }
}

/// Move `file`, which Windows will not delete or replace while it runs, out of the way: into
/// `scratch` (haul's `staging/`, swept by later runs), or, when a rename cannot get it there (a
/// bin dir on another drive than haul's home), beside itself as `.haul-old-PID-N-NAME`, noted
/// in `scratch` for a later sweep, which deletes it once it no longer runs (as does the next
/// change of that link). Where it went.
fn move_aside(file: &Path, scratch: &Path) -> std::io::Result<std::path::PathBuf> {
    let _ = std::fs::create_dir_all(scratch);
    let there = aside(file, scratch, "");
    match std::fs::rename(file, &there) {
        Ok(()) => Ok(there),
        Err(err) => {
            let Some(dir) = file.parent() else {
                return Err(err);
            };
            let here = aside(file, dir, HIDDEN);
            std::fs::rename(file, &here).map_err(|_| err)?;
            // Noted, so that it goes once it no longer runs, whatever becomes of the link.
            let _ = super::staging::note_aside(scratch, &here);
            Ok(here)
        }
    }
}

/// What names a file put aside beside itself (see [`move_aside`]).
const HIDDEN: &str = ".haul-";

/// The link's name in what [`move_aside`] names a link it put beside itself
/// (`.haul-old-PID-N-NAME`); `None` for any other name.
fn put_beside(file_name: &str) -> Option<&str> {
    file_name.strip_prefix(HIDDEN).and_then(aside_link)
}

/// Whether `file_name` is what [`move_aside`] names a link it put beside itself.
pub(super) fn is_put_beside(file_name: &str) -> bool {
    put_beside(file_name).is_some()
}

/// Whether `file_name` is what [`move_aside`] names the link `name` it put beside itself.
fn aside_of(file_name: &str, name: &str) -> bool {
    put_beside(file_name) == Some(name)
}

/// A free place in `dir` for `file`, named `head` and [`aside_name`]: one of its own, as
/// several running executables (or those an earlier run left) may be there.
fn aside(file: &Path, dir: &Path, head: &str) -> std::path::PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let at = |n: u32| {
        dir.join(format!(
            "{head}{}",
            aside_name(std::process::id(), n, &name)
        ))
    };
    (0..1000)
        .map(at)
        .find(|p| !present(p))
        .unwrap_or_else(|| at(1000))
}

/// The name a running executable gets when it is put aside: `old-PID-N-NAME`.
fn aside_name(pid: u32, n: u32, name: &str) -> String {
    format!("old-{pid}-{n}-{name}")
}

/// Whether `name` is one [`aside_name`] gives.
pub(super) fn is_aside_name(name: &str) -> bool {
    aside_link(name).is_some()
}

/// The link's name in a name [`aside_name`] gives (`old-PID-N-NAME`); `None` for any other.
fn aside_link(name: &str) -> Option<&str> {
    let mut parts = name.strip_prefix("old-")?.splitn(3, '-');
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let link = (digits(parts.next()) && digits(parts.next()))
        .then(|| parts.next())
        .flatten()?;
    (!link.is_empty()).then_some(link)
}

/// Whether something (a link, a file, even a dangling link) is at `path`.
pub fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Whether `link` is a link into `dir` (see [`target_in`]).
pub fn points_into(link: &Path, dir: &Path) -> bool {
    target_in(link, dir).is_some()
}

/// The file in `dir` that `link` is a symbolic link to (as haul writes links: no `..` part,
/// which could lead out of `dir` again: `DIR/../other`).
#[cfg(unix)]
pub fn target_in(link: &Path, dir: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_link(link).ok().filter(|t| {
        // `dir` itself may be spelled with `..` (a `HAUL_HOME` of `../h`): only after it.
        t.strip_prefix(dir).is_ok_and(|rest| {
            !rest
                .components()
                .any(|c| c == std::path::Component::ParentDir)
        })
    })
}

/// The file in `dir` that `link` is a hard link or a copy of: hard links and copies name no
/// target, so a file under `dir` with the same name and the same bytes.
#[cfg(not(unix))]
pub fn target_in(link: &Path, dir: &Path) -> Option<std::path::PathBuf> {
    let name = link.file_name()?;
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(next) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => dirs.push(path),
                Ok(kind)
                    if kind.is_file()
                        && path.file_name() == Some(name)
                        && points_to(link, &path) =>
                {
                    return Some(path);
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{aside_of, move_aside, remove_leftovers};

    /// A file that cannot be moved into haul's scratch directory (on Windows: a bin dir on
    /// another drive) goes aside beside itself, and the next change of that link deletes it,
    /// and nothing of the user's.
    #[test]
    fn a_file_put_aside_where_scratch_cannot_take_it_stays_beside_itself() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tool.exe");
        std::fs::write(&file, b"running").unwrap();
        std::fs::write(dir.path().join("not-a-dir"), b"").unwrap();
        let scratch = dir.path().join("not-a-dir").join("staging");
        let aside = move_aside(&file, &scratch).unwrap();
        assert_eq!(aside.parent(), Some(dir.path()));
        let name = aside.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".haul-old-") && name.ends_with("-tool.exe"),
            "{name}"
        );
        assert!(aside_of(&name, "tool.exe"));
        assert!(!file.exists());
        assert_eq!(std::fs::read(&aside).unwrap(), b"running");

        let users = [
            ".haul-old-1-0-notes.txt",
            ".haul-old-1-0-tool.exe.txt",
            ".haul-mine",
        ];
        for name in users {
            std::fs::write(dir.path().join(name), b"the user's").unwrap();
        }
        remove_leftovers(dir.path(), "tool.exe");
        // Only Windows puts a link aside there: elsewhere the file is the user's.
        assert_eq!(aside.exists(), !cfg!(windows));
        for name in users {
            assert!(dir.path().join(name).exists(), "{name}");
        }
        assert!(dir.path().join("not-a-dir").exists());
    }

    /// A link leads into a directory only as haul writes links: one through `..` leads out of
    /// it again (`tools/solo/../gt`), and is not that tool's.
    #[cfg(unix)]
    #[test]
    fn a_link_through_dot_dot_is_not_into_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("tools/solo");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(tool.join("../gt/1.0/gt"), &link).unwrap();
        assert!(!super::points_into(&link, &tool));
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(tool.join("1.0/solo"), &link).unwrap();
        assert!(super::points_into(&link, &tool));
        // A directory spelled with `..` is that directory.
        let spelled = dir.path().join("x/../tools/solo");
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(spelled.join("1.0/solo"), &link).unwrap();
        assert!(super::points_into(&link, &spelled));
    }

    /// Where scratch can take it, it goes there, under a name of its own.
    #[test]
    fn a_file_is_put_aside_into_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tool.exe");
        std::fs::write(&file, b"running").unwrap();
        let scratch = dir.path().join("staging");
        let aside = move_aside(&file, &scratch).unwrap();
        assert_eq!(aside.parent(), Some(scratch.as_path()));
        assert!(super::is_aside_name(
            &aside.file_name().unwrap().to_string_lossy()
        ));
    }
}
