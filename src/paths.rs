//! Path helpers every layer may use: spelling a path the one way haul compares it.

use std::path::{Path, PathBuf};

/// `path` with links resolved, or as it is when it cannot be (it may not exist).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
