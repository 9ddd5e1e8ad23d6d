//! What has been unpacked so far, as the archive described it, and every change made to the
//! staging directory.
//!
//! Every write is checked against this model, not against whatever the disk holds: a path is
//! created only below directories the archive made (never through a link), files are created
//! new (`create_new`, which never follows a link), a hard link may only name a regular file
//! unpacked before it (reached without passing a link), and modes are set on open handles.
//! Links are checked twice: lexically when they are made, and once everything is unpacked by
//! resolving each one through every other link, since a later entry can change what an
//! earlier link means. The same archive is refused on every platform, including Windows, where
//! links are recorded here but not created on disk.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use fs_err as fs;

use super::Limits;
use super::limits::{Budget, MAX_LINK_HOPS, MAX_PATH_BYTES, too_many_directories};
use crate::error::UserError;

const ROOT: usize = 0;

const ALIAS: &str = "two of the archive's names differ only in case or Unicode form, which this \
                     file system does not tell apart";

/// A file being unpacked. On Linux its bytes are sent on to the disk every MiB as they are
/// written, so that making the tree durable at the end ([`Tree::sync`]) waits for little
/// rather than for every file at once.
pub(crate) struct NewFile {
    file: fs::File,
    /// Bytes whose writing to the disk has been started.
    sent: u64,
    written: u64,
}

/// How much is written before it is sent on to the disk.
const SEND_EVERY: u64 = 1 << 20;

impl NewFile {
    pub fn file(&self) -> &fs::File {
        &self.file
    }
}

impl io::Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.sent >= SEND_EVERY {
            start_writeback(self.file.file(), self.sent, self.written - self.sent);
            self.sent = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Start writing `len` bytes of `file` from `offset` to the disk, without waiting for it. Only
/// a hint: on Linux, "not needed soon" makes the kernel write those pages back now.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    let _ = rustix::fs::fadvise(
        file,
        offset,
        std::num::NonZeroU64::new(len),
        rustix::fs::Advice::DontNeed,
    );
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _offset: u64, _len: u64) {}

pub(crate) struct Tree<'a> {
    root: PathBuf,
    asset: &'a str,
    limits: Limits,
    /// Directories made so far, the archive's own and those its paths imply: one entry with a
    /// long path can imply thousands, which no other limit counts.
    dirs_made: u64,
    nodes: Vec<Node>,
    /// Every node that was made a link (some may have been replaced since).
    links: Vec<usize>,
}

struct Node {
    parent: usize,
    name: OsString,
    kind: Kind,
    children: HashMap<OsString, usize>,
}

enum Kind {
    Dir,
    File,
    Link(PathBuf),
}

/// Where a path leads: a node of the tree, or `extra` levels below it into names the archive
/// does not hold.
#[derive(Clone, Copy)]
struct Pos {
    node: usize,
    extra: usize,
}

enum Memo {
    Busy,
    Done(Pos),
}

impl<'a> Tree<'a> {
    /// An empty tree whose root is `root`, an existing, empty directory. It makes at most
    /// `limits.max_entries` directories.
    pub fn new(root: &Path, asset: &'a str, limits: Limits) -> Self {
        Tree {
            root: root.to_path_buf(),
            asset,
            limits,
            dirs_made: 0,
            nodes: vec![Node {
                parent: ROOT,
                name: OsString::new(),
                kind: Kind::Dir,
                children: HashMap::new(),
            }],
            links: Vec::new(),
        }
    }

    pub fn refuse(&self, entry: &Path, why: impl Display) -> anyhow::Error {
        UserError::new(format!(
            "refusing to unpack archive entry `{}` in `{}`: {why}",
            shown(entry),
            self.asset
        ))
        .hint(
            "haul refuses archives that could reach outside their directory; nothing was \
             installed. Report it to the tool's authors",
        )
        .into()
    }

    /// The entry's name as a plain relative path, or an error for names that could reach
    /// outside: absolute paths, `..`, NUL bytes, overlong names (and device names on Windows).
    pub fn relative(&self, entry: &Path) -> Result<PathBuf> {
        if entry.as_os_str().len() as u64 > MAX_PATH_BYTES {
            return Err(self.refuse(entry, "its name is longer than 4096 bytes"));
        }
        if entry.as_os_str().as_encoded_bytes().contains(&0) {
            return Err(self.refuse(entry, "its name contains a NUL byte"));
        }
        let rel = safe_relative(entry).map_err(|why| self.refuse(entry, why))?;
        if cfg!(windows)
            && let Some(part) = rel.components().find(|c| !windows_safe(c.as_os_str()))
        {
            let why = format!(
                "`{}` is not a plain file name on Windows",
                part.as_os_str().to_string_lossy()
            );
            return Err(self.refuse(entry, why));
        }
        Ok(rel)
    }

    fn path_of(&self, id: usize) -> PathBuf {
        self.root.join(self.rel_of(id))
    }

    fn rel_of(&self, mut id: usize) -> PathBuf {
        let mut names = Vec::new();
        while id != ROOT {
            names.push(&self.nodes[id].name);
            id = self.nodes[id].parent;
        }
        names.iter().rev().collect()
    }

    fn child(&self, parent: usize, name: &OsStr) -> Option<usize> {
        self.nodes[parent].children.get(name).copied()
    }

    fn add(&mut self, parent: usize, name: &OsStr, kind: Kind) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            parent,
            name: name.to_os_string(),
            kind,
            children: HashMap::new(),
        });
        self.nodes[parent].children.insert(name.to_os_string(), id);
        id
    }

    /// Make the relative path `rel` a directory, creating what is missing; never through a
    /// link or over a file.
    pub fn dir(&mut self, rel: &Path, entry: &Path) -> Result<usize> {
        let mut at = ROOT;
        for part in rel.components() {
            let name = part.as_os_str();
            let Some(id) = self.child(at, name) else {
                self.dirs_made += 1;
                if self.dirs_made > self.limits.max_entries {
                    return Err(too_many_directories(self.asset, self.limits).into());
                }
                let path = self.path_of(at).join(name);
                if let Err(err) = fs::create_dir(&path) {
                    return Err(self.io_refusal(entry, err));
                }
                at = self.add(at, name, Kind::Dir);
                continue;
            };
            at = match self.nodes[id].kind {
                Kind::Dir => id,
                Kind::Link(_) => {
                    return Err(self.refuse(entry, "it would be written through a link"));
                }
                Kind::File => return Err(self.refuse(entry, "it puts a directory where a file is")),
            };
        }
        Ok(at)
    }

    fn io_refusal(&self, entry: &Path, err: io::Error) -> anyhow::Error {
        if err.kind() == io::ErrorKind::AlreadyExists {
            self.refuse(entry, ALIAS)
        } else {
            err.into()
        }
    }

    /// Make room for a new file or link at `rel`: its directories exist, and a file or link an
    /// earlier entry left there is removed. Returns the parent, and the node to reuse.
    fn claim<'p>(
        &mut self,
        rel: &'p Path,
        entry: &Path,
    ) -> Result<(usize, &'p OsStr, Option<usize>)> {
        let Some(name) = rel.file_name() else {
            return Err(self.refuse(entry, "it has no name"));
        };
        let parent = self.dir(rel.parent().unwrap_or(Path::new("")), entry)?;
        let Some(id) = self.child(parent, name) else {
            return Ok((parent, name, None));
        };
        if matches!(self.nodes[id].kind, Kind::Dir) {
            return Err(self.refuse(entry, "it would replace a directory"));
        }
        match std::fs::remove_file(self.path_of(id)) {
            // A link the model holds but the disk does not (on Windows).
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
        Ok((parent, name, Some(id)))
    }

    fn settle(&mut self, parent: usize, name: &OsStr, reuse: Option<usize>, kind: Kind) {
        let is_link = matches!(kind, Kind::Link(_));
        let id = match reuse {
            Some(id) => {
                self.nodes[id].kind = kind;
                id
            }
            None => self.add(parent, name, kind),
        };
        if is_link {
            self.links.push(id);
        }
    }

    /// A new, empty regular file at `rel`.
    pub fn create_file(&mut self, rel: &Path, entry: &Path) -> Result<NewFile> {
        let (parent, name, reuse) = self.claim(rel, entry)?;
        let path = self.path_of(parent).join(name);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|err| self.io_refusal(entry, err))?;
        self.settle(parent, name, reuse, Kind::File);
        Ok(NewFile {
            file,
            sent: 0,
            written: 0,
        })
    }

    /// A symbolic link at `rel` to the relative path `target`, which must stay inside the tree.
    pub fn symlink(&mut self, rel: &Path, target: &Path, entry: &Path) -> Result<()> {
        if target.as_os_str().is_empty() {
            return Err(self.refuse(entry, "it is a link without a target"));
        }
        if target.as_os_str().len() as u64 > MAX_PATH_BYTES {
            return Err(self.refuse(entry, "its link target is longer than 4096 bytes"));
        }
        if target.as_os_str().as_encoded_bytes().contains(&0) {
            return Err(self.refuse(entry, "its link target contains a NUL byte"));
        }
        if target.has_root() || matches!(target.components().next(), Some(Component::Prefix(_))) {
            return Err(self.refuse(entry, "it links to an absolute path"));
        }
        // Lexically first, from the link's directory: it must never climb above the root.
        let mut depth = rel.components().count().saturating_sub(1);
        for component in target.components() {
            match component {
                Component::ParentDir => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| self.refuse(entry, "it links outside the archive"))?;
                }
                Component::Normal(_) => depth += 1,
                _ => {}
            }
        }
        let (parent, name, reuse) = self.claim(rel, entry)?;
        let path = self.path_of(parent).join(name);
        make_symlink(target, &path).map_err(|err| self.io_refusal(entry, err))?;
        self.settle(parent, name, reuse, Kind::Link(target.to_path_buf()));
        Ok(())
    }

    /// A hard link at `rel` to `source`, a regular file unpacked before it (named from the
    /// archive's root). Where the file system has no hard links, a copy, counted in `budget`.
    pub fn hard_link(
        &mut self,
        rel: &Path,
        source: &Path,
        entry: &Path,
        budget: &mut Budget<'_>,
    ) -> Result<()> {
        let not_a_file = || {
            format!(
                "it is a hard link to `{}`, which is not a file unpacked before it",
                source.display()
            )
        };
        let source_rel = safe_relative(source).map_err(|_| {
            self.refuse(
                entry,
                format!(
                    "it is a hard link to `{}`, outside the archive",
                    source.display()
                ),
            )
        })?;
        let mut at = ROOT;
        let parts: Vec<&OsStr> = source_rel.components().map(Component::as_os_str).collect();
        for (i, name) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let Some(id) = self.child(at, name) else {
                return Err(self.refuse(entry, not_a_file()));
            };
            match self.nodes[id].kind {
                Kind::Link(_) => {
                    return Err(self.refuse(entry, "its hard link goes through a link"));
                }
                Kind::Dir if !last => at = id,
                Kind::File if last => at = id,
                _ => return Err(self.refuse(entry, not_a_file())),
            }
        }
        if at == ROOT {
            return Err(self.refuse(entry, not_a_file()));
        }
        let source_id = at;
        if rel == self.rel_of(source_id) {
            // A link to itself changes nothing.
            return Ok(());
        }
        let (parent, name, reuse) = self.claim(rel, entry)?;
        let (from, to) = (self.path_of(source_id), self.path_of(parent).join(name));
        match std::fs::hard_link(&from, &to) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                return Err(self.refuse(entry, ALIAS));
            }
            // No hard links here (some file systems): a copy of the file, never of a link.
            Err(_) => {
                if !fs::symlink_metadata(&from)?.file_type().is_file() {
                    return Err(self.refuse(entry, not_a_file()));
                }
                let mut input = fs::File::open(&from)?;
                let mut output = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&to)
                    .map_err(|err| self.io_refusal(entry, err))?;
                budget.copy(&mut input, &mut output)?;
            }
        }
        self.settle(parent, name, reuse, Kind::File);
        Ok(())
    }

    /// Make what was unpacked durable: every file's bytes, and on Unix every directory's
    /// entries, on the disk. Whatever records the version is written after this, so a power
    /// cut never leaves a record vouching for files the file system had not written yet (they
    /// come back empty).
    pub fn sync(&self) -> Result<()> {
        for (id, node) in self.nodes.iter().enumerate() {
            let path = self.path_of(id);
            match node.kind {
                Kind::File => crate::paths::flush_file(&path),
                Kind::Dir => crate::paths::flush_dir(&path),
                Kind::Link(_) => Ok(()),
            }
            .with_context(|| format!("writing `{}` to the disk", path.display()))?;
        }
        Ok(())
    }

    /// Resolve every link through the links around it: each must lead to a place inside the
    /// tree, in at most 40 steps, without a loop.
    pub fn check_links(&self) -> Result<()> {
        let mut memo = HashMap::new();
        for &id in &self.links {
            if !matches!(self.nodes[id].kind, Kind::Link(_)) {
                continue;
            }
            if let Err(why) = self.resolve(id, &mut memo, 0) {
                return Err(self.refuse(&self.rel_of(id), why));
            }
        }
        Ok(())
    }

    fn resolve(
        &self,
        id: usize,
        memo: &mut HashMap<usize, Memo>,
        hops: usize,
    ) -> Result<Pos, &'static str> {
        match memo.get(&id) {
            Some(Memo::Done(pos)) => return Ok(*pos),
            Some(Memo::Busy) => return Err("its links form a loop"),
            None => {}
        }
        let Kind::Link(target) = &self.nodes[id].kind else {
            return Ok(Pos { node: id, extra: 0 });
        };
        if hops >= MAX_LINK_HOPS {
            return Err("it resolves through more than 40 links");
        }
        memo.insert(id, Memo::Busy);
        let start = Pos {
            node: self.nodes[id].parent,
            extra: 0,
        };
        let pos = self.walk(start, target, memo, hops + 1)?;
        memo.insert(id, Memo::Done(pos));
        Ok(pos)
    }

    fn walk(
        &self,
        mut pos: Pos,
        path: &Path,
        memo: &mut HashMap<usize, Memo>,
        hops: usize,
    ) -> Result<Pos, &'static str> {
        for component in path.components() {
            match component {
                Component::CurDir => {}
                Component::RootDir | Component::Prefix(_) => {
                    return Err("it links to an absolute path");
                }
                Component::ParentDir if pos.extra > 0 => pos.extra -= 1,
                Component::ParentDir if pos.node == ROOT => {
                    return Err("it leads outside the archive through other links");
                }
                Component::ParentDir => pos.node = self.nodes[pos.node].parent,
                Component::Normal(_) if pos.extra > 0 => pos.extra += 1,
                Component::Normal(name) => match self.child(pos.node, name) {
                    Some(child) if matches!(self.nodes[child].kind, Kind::Link(_)) => {
                        pos = self.resolve(child, memo, hops)?;
                    }
                    Some(child) => pos.node = child,
                    None => {
                        // The disk must not hold a name the archive does not (case-insensitive
                        // file systems): the link would lead somewhere this model does not see.
                        if std::fs::symlink_metadata(self.path_of(pos.node).join(name)).is_ok() {
                            return Err(ALIAS);
                        }
                        pos.extra = 1;
                    }
                },
            }
        }
        Ok(pos)
    }
}

/// An entry's name for a message: at most 200 characters, control characters escaped (a name
/// from an archive could otherwise drive the terminal).
pub(crate) fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::new();
    for c in text.chars().take(200) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(200).is_some() {
        out.push('…');
    }
    out
}

/// The path as a plain relative path, or why not.
pub(crate) fn safe_relative(path: &Path) -> Result<PathBuf, &'static str> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            // On Windows, `C:` after a separator is a plain component, but pushing it would
            // make the path drive-relative.
            Component::Normal(part)
                if !matches!(
                    Path::new(part).components().next(),
                    Some(Component::Normal(_))
                ) =>
            {
                return Err("it names a drive");
            }
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err("it contains `..`"),
            Component::RootDir | Component::Prefix(_) => return Err("it is an absolute path"),
        }
    }
    Ok(out)
}

/// Not a device name (`CON`, `nul.txt`, `COM1`), no `:` (a stream or drive), and no `.` or
/// space at the end, which Windows drops (`tool.exe.` would be `tool.exe`, another entry's
/// file, and under a long path would keep a name Explorer cannot delete), on Windows.
pub(crate) fn windows_safe(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    !name.contains(':') && !name.ends_with(['.', ' ']) && !crate::names::windows_device(&name)
}

#[cfg(unix)]
fn make_symlink(target: &Path, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps, reason = "the same signature as on Unix")]
fn make_symlink(_target: &Path, _at: &Path) -> io::Result<()> {
    // Links need a privilege on Windows; tools' archives do not depend on them there. The
    // model still holds the link, so the archive is checked as on any other system.
    Ok(())
}
