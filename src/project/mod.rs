//! A project: the directory with a `haul.toml` (the current one or the nearest parent that has
//! one), its manifest and its lock. Reading and writing the two files is done here; what they
//! mean is `manifest.rs`'s and `lock.rs`'s, and `resolve.rs` finds what the lock records.

pub mod lock;
pub mod manifest;
pub mod resolve;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

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

/// The project directory `cwd` is in: the nearest directory, from `cwd` up, with a `haul.toml`.
pub fn find(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|dir| dir.join(manifest::FILE).is_file())
        .map(Path::to_path_buf)
}

/// The project directory `cwd` is in, or an error saying there is none.
pub fn require_dir(cwd: &Path) -> Result<PathBuf, UserError> {
    find(cwd).ok_or_else(|| {
        UserError::new(format!(
            "no {} in `{}` or any directory above it",
            manifest::FILE,
            cwd.display()
        ))
        .hint("run `haul init` to start one")
        .exit(ExitCode::Usage)
    })
}

impl Project {
    /// What the project adds to the user's `require-checksum`: a project may ask for
    /// checksums, but `require-checksum = false` in a repository's haul.toml does not lower
    /// the user's setting.
    pub fn requires_checksum(&self) -> Option<bool> {
        self.manifest.settings.require_checksum.filter(|&on| on)
    }

    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(lock::FILE)
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

    /// The project that `cwd` is in, for `haul lock`, which writes the lock again: a
    /// `haul.lock` that cannot be read counts as none, and comes back as why.
    pub fn require_to_relock(cwd: &Path) -> Result<(Project, Option<UserError>)> {
        Project::read(&require_dir(cwd)?)
    }

    fn read(dir: &Path) -> Result<(Project, Option<UserError>)> {
        let path = dir.join(manifest::FILE);
        let text = fs_err::read_to_string(&path)?;
        let manifest = Manifest::parse(&text, &path)?;
        let lock_path = dir.join(lock::FILE);
        let (lock, unreadable) = match std::fs::read_to_string(&lock_path) {
            Ok(text) => match Lock::parse(&text, &lock_path) {
                Ok(lock) => (Some(lock), None),
                Err(err) => (None, Some(err)),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (None, None),
            Err(err) => {
                return Err(err).with_context(|| format!("reading `{}`", lock_path.display()));
            }
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
        let dir = self.dir.join(rel);
        let root = crate::paths::canonical(&self.dir);
        let existing = dir.ancestors().find(|a| a.exists()).unwrap_or(&self.dir);
        let resolved = crate::paths::canonical(existing);
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
        crate::store::write_atomic(&self.lock_path(), lock.render().as_bytes())
    }
}
