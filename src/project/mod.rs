//! A project: the directory with a `haul.toml` (the current one or the nearest parent that has
//! one), its manifest and its lock. Reading and writing the two files is done here; what they
//! mean is `manifest.rs`'s and `lock.rs`'s, and `resolve.rs` finds what the lock records.

pub mod lock;
pub mod manifest;
pub mod resolve;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{ExitCode, UserError};
pub use lock::Lock;
pub use manifest::Manifest;

/// A project, read.
#[derive(Debug, Clone)]
pub struct Project {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// `haul.lock`, when there is one.
    pub lock: Option<Lock>,
}

/// The largest `haul.toml` or `haul.lock` read (a lock of hundreds of tools is well under 1 MiB).
pub const MAX_FILE_SIZE: u64 = 16 << 20;

/// The text of the project file `dir/name`, or `None` when there is none. The file comes with
/// the repository, so it must be a regular file of the project: a link is followed only to a
/// file inside the project (a link to `/proc/self/environ` or `~/.aws/credentials` would
/// otherwise be read and quoted in an error), one another user owns is refused, and so is a
/// file larger than [`MAX_FILE_SIZE`].
pub fn read_file(dir: &Path, name: &str) -> Result<Option<String>, UserError> {
    use std::io::Read as _;
    let path = dir.join(name);
    let refused = |why: String| {
        UserError::new(format!("`{}` cannot be read", path.display()))
            .caused_by(why)
            .hint(format!("make {name} a file of the project"))
    };
    let io = |err: std::io::Error| refused(err.to_string());
    match std::fs::symlink_metadata(&path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(io(err)),
        Ok(meta) if meta.file_type().is_symlink() => {
            let (target, inside) = leads_to(dir, &path).map_err(io)?;
            if !inside {
                return Err(refused(format!(
                    "it is a link to `{}`, outside the project",
                    target.display()
                )));
            }
        }
        Ok(_) => {}
    }
    // Its type before it is opened: opening a FIFO waits for a writer, and Windows does not
    // open a directory.
    let meta = std::fs::metadata(&path).map_err(io)?;
    if !meta.is_file() {
        return Err(refused("it is not a regular file".to_owned()));
    }
    if let Some(why) = not_this_users(&meta) {
        return Err(refused(why));
    }
    let file = std::fs::File::open(&path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(refused(format!(
            "it is larger than {}",
            crate::units::size(MAX_FILE_SIZE)
        )));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| refused("it is not UTF-8 text".to_owned()))
}

/// Write the project file `name` of `dir` atomically, keeping the mode of the file it replaces
/// (a new one is readable by everyone, like the files of a checkout). A link to a file inside
/// the project (a haul.toml shared within a repository) is written through and kept; any other
/// link is replaced by the file, so nothing outside the project is written.
pub fn write_file(dir: &Path, name: &str, text: &[u8]) -> Result<()> {
    let mut path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink())
        && let Ok((target, true)) = leads_to(dir, &path)
        && target.is_file()
    {
        path = target;
    }
    #[cfg(unix)]
    let new = Some(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    // Windows has no such mode: a new file is as its directory makes it.
    #[cfg(not(unix))]
    let new = None;
    let permissions = std::fs::metadata(&path).map_or(new, |meta| Some(meta.permissions()));
    crate::store::write_atomic_as(&path, text, permissions)
}

/// Where the link `path` leads, and whether that is inside the project `dir`.
fn leads_to(dir: &Path, path: &Path) -> std::io::Result<(PathBuf, bool)> {
    let target = std::fs::canonicalize(path)?;
    let inside = target.starts_with(crate::paths::canonical(dir));
    Ok((target, inside))
}

/// The project directory `cwd` is in: the nearest directory, from `cwd` up, with a `haul.toml`
/// of this user's own. One another user could have written (in a shared directory above, such
/// as `/tmp`) makes no project: it would decide what `haul exec` runs for everyone below it.
pub fn find(cwd: &Path) -> Option<PathBuf> {
    match locate(cwd, foreign) {
        Located::Project(dir) => Some(dir),
        Located::Foreign(..) | Located::Nothing => None,
    }
}

/// The project directory `cwd` is in (`None`: there is none), or an error for a haul.toml
/// that is not taken as one (another user's, a directory): for a command that does something
/// else outside a project, and must not do that silently beside such a file.
pub fn find_or_refused(cwd: &Path) -> Result<Option<PathBuf>, UserError> {
    match locate(cwd, foreign) {
        Located::Project(dir) => Ok(Some(dir)),
        Located::Foreign(file, why) => Err(not_taken(&file, why)),
        Located::Nothing => Ok(None),
    }
}

fn not_taken(file: &Path, why: String) -> UserError {
    UserError::new(format!("`{}` is not taken as a project", file.display()))
        .caused_by(why)
        .hint("haul reads a haul.toml that is a file of your own (or root's) only; run it in your own project")
        .exit(ExitCode::Usage)
}

/// The project directory `cwd` is in, or an error saying there is none.
pub fn require_dir(cwd: &Path) -> Result<PathBuf, UserError> {
    match locate(cwd, foreign) {
        Located::Project(dir) => Ok(dir),
        Located::Foreign(file, why) => Err(not_taken(&file, why)),
        Located::Nothing => Err(UserError::new(format!(
            "no {} in `{}` or any directory above it",
            manifest::FILE,
            cwd.display()
        ))
        .hint("run `haul init` to start one")
        .exit(ExitCode::Usage)),
    }
}

/// A project held by a command that changes it (`add`, `remove`, `init`, `lock`, `sync`):
/// one at a time per project, so that none writes haul.toml, haul.lock or the links in the
/// project's bin-dir from what it read before another changed them. The lock is a file in
/// haul's home (`projects/HASH.lock`, for the project's directory), not in the project.
pub struct Held(#[allow(dead_code, reason = "held until dropped")] Option<std::fs::File>);

/// Hold the project in `dir` (see [`Held`]), waiting for another haul that holds it; `waiting`
/// is told the lock file's path first when it must wait. Read the project once it is held.
/// Where haul's home cannot take the lock file (a read-only home), the project is held by
/// nothing: a project command needs nothing else of haul's home.
pub fn hold(dir: &Path, home: &Path, waiting: impl FnOnce(&Path)) -> Result<Held> {
    use sha2::Digest as _;
    let dir = crate::paths::canonical(dir);
    let hash = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
    let path = home
        .join("projects")
        .join(format!("{}.lock", hex::encode(&hash[..8])));
    let Ok(held) = crate::paths::hold(&path, || waiting(&path)) else {
        return Ok(Held(None));
    };
    let held = held.ok_or_else(|| {
        UserError::new(format!(
            "stopped while waiting for another haul to finish with `{}`; nothing was changed",
            dir.display()
        ))
        .exit(ExitCode::Interrupted)
    })?;
    Ok(Held(Some(held)))
}

/// What the nearest `haul.toml` from `cwd` up is.
enum Located {
    Project(PathBuf),
    /// The file, and why it is not this user's.
    Foreign(PathBuf, String),
    Nothing,
}

fn locate(cwd: &Path, foreign: impl Fn(&Path) -> Option<String>) -> Located {
    for dir in cwd.ancestors() {
        let file = dir.join(manifest::FILE);
        match std::fs::metadata(&file) {
            Ok(meta) if meta.is_file() => {
                return match foreign(&file) {
                    Some(why) => Located::Foreign(file, why),
                    None => Located::Project(dir.to_path_buf()),
                };
            }
            // A directory or a pipe of that name is not a project file, and not passed over
            // for the project above (whose files `add` and `lock` would then change).
            Ok(meta) => {
                let what = if meta.is_dir() {
                    "a directory"
                } else {
                    "not a regular file"
                };
                return Located::Foreign(file, format!("it is {what}"));
            }
            Err(_) => {}
        }
    }
    Located::Nothing
}

/// Why another user could have written the project file `path` (`None`: only this user, or
/// root, could).
fn foreign(path: &Path) -> Option<String> {
    not_this_users(&std::fs::metadata(path).ok()?)
}

/// Why a file with `meta` is not this user's (or root's).
#[cfg(unix)]
fn not_this_users(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    not_ours(meta.uid(), rustix::process::geteuid().as_raw())
}

/// Windows: files carry no owner haul reads.
#[cfg(not(unix))]
fn not_this_users(_meta: &std::fs::Metadata) -> Option<String> {
    None
}

/// Why a file owned by `uid` is not one of user `me`'s own.
#[cfg_attr(not(unix), allow(dead_code))]
fn not_ours(uid: u32, me: u32) -> Option<String> {
    (uid != me && uid != 0).then(|| format!("it belongs to another user (uid {uid})"))
}

impl Project {
    /// What the project adds to the user's `require-checksum` (see
    /// [`Manifest::requires_checksum`]).
    pub fn requires_checksum(&self) -> Option<bool> {
        self.manifest.requires_checksum()
    }

    /// Read the project in `dir`; a `haul.lock` that cannot be read is an error.
    pub fn open(dir: &Path) -> Result<Project> {
        let (project, unreadable) = Project::read(dir)?;
        match unreadable {
            Some(err) => Err(err.into()),
            None => Ok(project),
        }
    }

    /// The project that `cwd` is in, or an error saying there is none.
    pub fn require(cwd: &Path) -> Result<Project> {
        Project::open(&require_dir(cwd)?)
    }

    /// Read the project in `dir` for `haul lock`, which writes the lock again: a `haul.lock`
    /// that cannot be read counts as none, and comes back as why.
    pub fn to_relock(dir: &Path) -> Result<(Project, Option<UserError>)> {
        Project::read(dir)
    }

    fn read(dir: &Path) -> Result<(Project, Option<UserError>)> {
        let manifest = Manifest::read(dir)?;
        let lock_path = dir.join(lock::FILE);
        let (lock, unreadable) = match read_file(dir, lock::FILE) {
            Ok(Some(text)) => match Lock::parse(&text, &lock_path) {
                Ok(lock) => (Some(lock), None),
                // A lock a newer haul wrote is not one that cannot be read, to be written
                // again: `haul lock` would re-resolve every tool and drop what this haul does
                // not know, for the whole team. It is refused by every command.
                Err(err) if Lock::written_by_newer(&text) => return Err(err.into()),
                Err(err) => (None, Some(err)),
            },
            Ok(None) => (None, None),
            Err(err) => (None, Some(err.hint("run `haul lock` to write it again"))),
        };
        let project = Project {
            dir: dir.to_path_buf(),
            manifest,
            lock,
        };
        Ok((project, unreadable))
    }

    /// Where `haul sync` links the tools: the project's `bin-dir`, made absolute. It must stay
    /// inside the project also through links already there (a repository can hold a link
    /// `.haul` → `~/.local`).
    pub fn bin_dir(&self) -> Result<Option<PathBuf>, UserError> {
        let Some(rel) = &self.manifest.settings.bin_dir else {
            return Ok(None);
        };
        // Part by part, so that it is spelled with this system's separator (`.haul/bin` is
        // `.haul\bin` on Windows, as the project's own path is), and without `./`.
        let dir = self.dir.join(
            Path::new(rel)
                .components()
                .filter(|part| !matches!(part, std::path::Component::CurDir))
                .collect::<PathBuf>(),
        );
        let root = crate::paths::canonical(&self.dir);
        // The nearest part that is there, a link that leads nowhere included.
        let existing = dir
            .ancestors()
            .find(|a| a.symlink_metadata().is_ok())
            .unwrap_or(&self.dir);
        let resolved = std::fs::canonicalize(existing).map_err(|err| {
            UserError::new(format!(
                "`settings.bin-dir` in {} cannot be used",
                manifest::FILE
            ))
            .caused_by(format!("`{}`: {err}", existing.display()))
            .hint("make `bin-dir` a directory inside the project (a link there leads nowhere)")
            .exit(ExitCode::Usage)
        })?;
        // Through a link the repository holds (`.haul` → `.git`), it may still not be version
        // control's own directory.
        if let Some(vcs) = resolved
            .strip_prefix(&root)
            .ok()
            .and_then(manifest::vcs_dir)
        {
            return Err(UserError::new(format!(
                "`settings.bin-dir` in {} leads into `{vcs}`",
                manifest::FILE
            ))
            .caused_by(format!(
                "`{}` resolves to `{}`; version control runs programs put there",
                existing.display(),
                resolved.display()
            ))
            .hint("make `bin-dir` a directory of its own inside the project")
            .exit(ExitCode::Usage));
        }
        if resolved.starts_with(&root) {
            return Ok(Some(dir));
        }
        Err(UserError::new(format!(
            "`settings.bin-dir` in {} leads outside the project",
            manifest::FILE
        ))
        .caused_by(format!(
            "`{}` resolves to `{}`",
            existing.display(),
            resolved.display()
        ))
        .hint("make `bin-dir` a directory inside the project, or leave it out and give `--bin-dir` or `HAUL_BIN_DIR`")
        .exit(ExitCode::Usage))
    }

    /// Write `lock` as `haul.lock` (atomically).
    pub fn write_lock(&self, lock: &Lock) -> Result<()> {
        write_file(&self.dir, lock::FILE, lock.render().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_another_user_owns_is_not_ours() {
        assert_eq!(not_ours(1000, 1000), None);
        assert_eq!(not_ours(0, 1000), None, "root's");
        assert!(not_ours(1001, 1000).is_some_and(|why| why.contains("uid 1001")));
    }

    /// The nearest haul.toml decides: one of another user's above makes no project (and the
    /// search stops there), one of this user's nearer wins.
    #[test]
    fn a_haul_toml_another_user_put_above_makes_no_project() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        let mine = shared.join("alice/scratch");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(dir.path().join("haul.toml"), "").unwrap();
        std::fs::write(shared.join("haul.toml"), "").unwrap();
        let planted = |path: &Path| {
            (path.parent() == Some(shared.as_path())).then(|| "another user's".to_owned())
        };
        assert!(matches!(
            locate(&mine, planted),
            Located::Foreign(file, _) if file == shared.join("haul.toml")
        ));
        std::fs::write(mine.join("haul.toml"), "").unwrap();
        assert!(matches!(locate(&mine, planted), Located::Project(found) if found == mine));
        assert!(matches!(locate(&mine, |_: &Path| None), Located::Project(found) if found == mine));
    }

    /// A haul.toml that is not a file (a directory, a pipe) is no project, and the search stops
    /// there: the project above is not the one `add` or `lock` would then change.
    #[test]
    fn a_haul_toml_that_is_not_a_file_makes_no_project() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(sub.join("haul.toml")).unwrap();
        std::fs::write(dir.path().join("haul.toml"), "").unwrap();
        assert!(matches!(
            locate(&sub, |_: &Path| None),
            Located::Foreign(file, why) if file == sub.join("haul.toml") && why.contains("directory")
        ));
        let err = require_dir(&sub).unwrap_err();
        assert!(err.one_line().contains("it is a directory"), "{err:?}");
        assert_eq!(find(&sub), None);
    }

    /// A project file is read only when it is a regular file of the project: a link out of the
    /// project (to a secret, say) is refused without its content in the message.
    #[test]
    fn project_files_are_read_only_from_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir(&project).unwrap();
        assert_eq!(read_file(&project, "haul.lock").unwrap(), None);
        std::fs::write(project.join("haul.lock"), "format = 1\n").unwrap();
        assert_eq!(
            read_file(&project, "haul.lock").unwrap().as_deref(),
            Some("format = 1\n")
        );
        std::fs::create_dir(project.join("haul.toml")).unwrap();
        let err = read_file(&project, "haul.toml").unwrap_err();
        assert!(err.one_line().contains("not a regular file"), "{err:?}");

        #[cfg(unix)]
        {
            let secret = dir.path().join("credentials");
            std::fs::write(&secret, "token = \"s3cret\"\n").unwrap();
            std::fs::remove_dir(project.join("haul.toml")).unwrap();
            std::os::unix::fs::symlink(&secret, project.join("haul.toml")).unwrap();
            let err = read_file(&project, "haul.toml").unwrap_err();
            assert!(err.one_line().contains("outside the project"), "{err:?}");
            assert!(!format!("{err:?}").contains("s3cret"));
            // A link to a file inside the project is read.
            std::fs::remove_file(project.join("haul.toml")).unwrap();
            std::os::unix::fs::symlink("haul.lock", project.join("haul.toml")).unwrap();
            assert!(read_file(&project, "haul.toml").unwrap().is_some());
            // A device is not a file.
            std::fs::remove_file(project.join("haul.toml")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", project.join("haul.toml")).unwrap();
            assert!(read_file(&project, "haul.toml").is_err());
            // Nor is a FIFO, which would wait for a writer if it were opened.
            std::fs::remove_file(project.join("haul.toml")).unwrap();
            let made = std::process::Command::new("mkfifo")
                .arg(project.join("haul.toml"))
                .status()
                .unwrap();
            assert!(made.success());
            let err = read_file(&project, "haul.toml").unwrap_err();
            assert!(err.one_line().contains("not a regular file"), "{err:?}");
        }
    }
}
