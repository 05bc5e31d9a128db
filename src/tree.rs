//! In-memory file trees (relative path → contents) and writing them to disk all at once.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Generated files, keyed by a relative `/`-separated path. Sorted, so iteration is
/// deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, String>,
    /// YAML files another tool writes into too: path → the top-level keys iacgen owns. Every
    /// other top-level entry on disk belongs to that tool and is kept (see `output`).
    shared: BTreeMap<String, Vec<String>>,
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, contents: impl Into<String>) {
        self.files.insert(path.into(), contents.into());
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Moves every file of `other` under `prefix/`.
    pub fn merge_under(&mut self, prefix: &str, other: Tree) {
        for (path, contents) in other.files {
            self.files.insert(format!("{prefix}/{path}"), contents);
        }
        for (path, owned) in other.shared {
            self.shared.insert(format!("{prefix}/{path}"), owned);
        }
    }

    /// Marks `path` (a YAML mapping) as shared with another tool: iacgen owns only the
    /// top-level `owned` keys; the other tool's top-level entries survive regeneration, and
    /// editing them is not a hand edit of iacgen's content.
    pub fn share(&mut self, path: &str, owned: &[&str]) {
        self.shared.insert(
            path.to_string(),
            owned.iter().map(|k| k.to_string()).collect(),
        );
    }

    /// The top-level keys iacgen owns in `path` when it is shared, else `None`.
    pub fn owned_keys(&self, path: &str) -> Option<&[String]> {
        self.shared.get(path).map(Vec::as_slice)
    }
}

/// Where generated files go as they are made: a [`Tree`] in memory, or a generation written
/// file by file (`output::Generation`), so that a large repository is never held whole.
pub trait FileSink {
    /// Adds or replaces a file.
    fn put(&mut self, path: String, contents: String);
}

impl FileSink for Tree {
    fn put(&mut self, path: String, contents: String) {
        self.insert(path, contents);
    }
}

impl IntoIterator for Tree {
    type Item = (String, String, Option<Vec<String>>);
    type IntoIter = Box<dyn Iterator<Item = Self::Item>>;

    /// Every file with the top-level keys iacgen owns in it when it is shared, in path order.
    fn into_iter(self) -> Self::IntoIter {
        let mut shared = self.shared;
        Box::new(self.files.into_iter().map(move |(path, contents)| {
            let owned = shared.remove(&path);
            (path, contents, owned)
        }))
    }
}

/// What a write did, file by file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

/// Why a tree could not be written. Nothing was changed on disk when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write {path:?}: the path leaves the output directory")]
    UnsafePath { path: String },
    #[error("refusing to write {path}: {reason}")]
    Blocked { path: PathBuf, reason: String },
    #[error("{context} {path}: {source}")]
    Io {
        context: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

pub(crate) fn io_err<'a>(
    context: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError::Io {
        context,
        path: path.to_path_buf(),
        source,
    }
}

/// A relative path made only of normal components (no `..`, no root, no empty parts).
pub(crate) fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let p = Path::new(path);
    let ok = p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| p.to_path_buf())
}

/// Compares the tree with `out` without writing anything.
pub fn summarize(tree: &Tree, out: &Path) -> Result<WriteSummary, WriteError> {
    let mut summary = WriteSummary::default();
    for (path, contents) in tree.iter() {
        let rel = safe_relative(path).ok_or_else(|| WriteError::UnsafePath {
            path: path.to_string(),
        })?;
        let target = out.join(&rel);
        match fs::read(&target) {
            Ok(existing) if existing == contents.as_bytes() => {
                summary.unchanged.push(path.to_string())
            }
            Ok(_) => summary.changed.push(path.to_string()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                summary.created.push(path.to_string())
            }
            Err(e) => return Err(io_err("cannot read", &target)(e)),
        }
    }
    Ok(summary)
}

/// Writes every file of `tree` under `out`, all or nothing.
///
/// Every file is first written to a staging directory inside `out` (same file system), then
/// moved into place by rename; files it replaces are kept aside until every rename succeeded,
/// and put back if one fails. Unchanged files are not touched. Files in `out` that are not in
/// the tree are left alone. A path that would leave `out` (`..`, absolute, through a symlink) is
/// refused before anything is written.
pub fn write(tree: &Tree, out: &Path) -> Result<WriteSummary, WriteError> {
    write_and_remove(tree, &[], out)
}

/// Like [`write`], and also deletes `remove` (relative paths not in `tree`) in the same
/// all-or-nothing step. Paths in `remove` that do not exist are ignored.
pub fn write_and_remove(
    tree: &Tree,
    remove: &[String],
    out: &Path,
) -> Result<WriteSummary, WriteError> {
    let mut summary = summarize(tree, out)?;
    for path in remove {
        let rel =
            safe_relative(path).ok_or_else(|| WriteError::UnsafePath { path: path.clone() })?;
        if tree.get(path).is_none() && out.join(rel).is_file() {
            summary.removed.push(path.clone());
        }
    }
    let to_write: Vec<&str> = summary
        .created
        .iter()
        .chain(&summary.changed)
        .map(String::as_str)
        .collect();
    if to_write.is_empty() && summary.removed.is_empty() {
        return Ok(summary);
    }
    fs::create_dir_all(out).map_err(io_err("cannot create", out))?;
    for path in to_write
        .iter()
        .copied()
        .chain(summary.removed.iter().map(String::as_str))
    {
        check_no_symlinks(out, Path::new(path))?;
    }

    let staging = staging_dir(out)?;
    for path in &to_write {
        stage(staging.path(), path, tree.get(path).unwrap_or_default())?;
    }
    commit(staging.path(), &to_write, &summary.removed, out)?;
    Ok(summary)
}

/// A staging directory inside `out` (same file system, so staged files move in by rename);
/// deleted with everything in it when dropped.
pub(crate) fn staging_dir(out: &Path) -> Result<tempfile::TempDir, WriteError> {
    tempfile::Builder::new()
        .prefix(".iacgen-staging-")
        .tempdir_in(out)
        .map_err(io_err("cannot create a staging directory in", out))
}

/// Writes `contents` as the new file `path` (relative, checked) in `staging`.
pub(crate) fn stage(staging: &Path, path: &str, contents: &str) -> Result<(), WriteError> {
    let staged = staging.join("new").join(path);
    if let Some(parent) = staged.parent() {
        fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
    }
    fs::write(&staged, contents).map_err(io_err("cannot write", &staged))
}

/// Moves the files staged for `to_write` into `out` and `removed` out of it, all or nothing:
/// files replaced or removed are kept aside in `staging` until every rename succeeded, and put
/// back if one fails.
pub(crate) fn commit(
    staging: &Path,
    to_write: &[&str],
    removed: &[String],
    out: &Path,
) -> Result<(), WriteError> {
    // Move old files aside, new files in; undo on the first failure.
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut moved_out: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for path in to_write {
            let target = out.join(path);
            let staged = staging.join("new").join(path);
            let backup = if target.exists() {
                let backup = staging.join("old").join(path);
                if let Some(parent) = backup.parent() {
                    fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
                }
                fs::rename(&target, &backup).map_err(io_err("cannot move aside", &target))?;
                Some(backup)
            } else {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
                }
                None
            };
            done.push((target.clone(), backup));
            fs::rename(&staged, &target).map_err(io_err("cannot move into place", &target))?;
        }
        for path in removed {
            let target = out.join(path);
            let backup = staging.join("old").join(path);
            if let Some(parent) = backup.parent() {
                fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
            }
            fs::rename(&target, &backup).map_err(io_err("cannot remove", &target))?;
            moved_out.push((target, backup));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (target, backup) in moved_out.into_iter().rev() {
            let _ = fs::rename(&backup, &target);
        }
        for (target, backup) in done.into_iter().rev() {
            let _ = fs::remove_file(&target);
            if let Some(backup) = backup {
                let _ = fs::rename(&backup, &target);
            }
        }
        return Err(e);
    }
    for path in removed {
        remove_empty_parents(out, Path::new(path));
    }
    Ok(())
}

/// Removes the directories a deleted file leaves empty, up to (not including) `out`.
fn remove_empty_parents(out: &Path, rel: &Path) {
    let mut dir = rel.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || fs::remove_dir(out.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Refuses a path whose existing components inside `out` include a symlink, which could make a
/// write land outside `out`.
pub(crate) fn check_no_symlinks(out: &Path, rel: &Path) -> Result<(), WriteError> {
    let mut current = out.to_path_buf();
    for component in rel.components() {
        current.push(component);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(WriteError::Blocked {
                    path: current,
                    reason: "it is a symbolic link, which could point outside the output directory"
                        .to_string(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_err("cannot inspect", &current)(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut t = Tree::new();
        for (p, c) in files {
            t.insert(*p, *c);
        }
        t
    }

    #[test]
    fn writes_new_files_and_reports_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let t = tree(&[("a/main.tf", "x\n"), ("b.tf", "y\n")]);
        let s = write(&t, &out).unwrap();
        assert_eq!(s.created, ["a/main.tf", "b.tf"]);
        assert_eq!(fs::read_to_string(out.join("a/main.tf")).unwrap(), "x\n");

        let t2 = tree(&[("a/main.tf", "x\n"), ("b.tf", "z\n")]);
        let s = write(&t2, &out).unwrap();
        assert_eq!(s.unchanged, ["a/main.tf"]);
        assert_eq!(s.changed, ["b.tf"]);
        assert_eq!(fs::read_to_string(out.join("b.tf")).unwrap(), "z\n");
        // No staging directory is left behind, and foreign files are kept.
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".iacgen-staging")),
            "{names:?}"
        );
    }

    #[test]
    fn refuses_paths_outside_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../evil.tf", "/etc/passwd", "a/../../b", "", "a//b/../.."] {
            let t = tree(&[("ok.tf", "x"), (bad, "y")]);
            assert!(
                matches!(write(&t, dir.path()), Err(WriteError::UnsafePath { .. })),
                "{bad}"
            );
        }
        assert!(
            !dir.path().join("ok.tf").exists(),
            "nothing is written when one path is bad"
        );
    }

    #[test]
    fn refuses_to_write_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(outside.path(), out.join("modules")).unwrap();
        let t = tree(&[("a.tf", "x"), ("modules/network/main.tf", "y")]);
        assert!(matches!(write(&t, &out), Err(WriteError::Blocked { .. })));
        assert!(!out.join("a.tf").exists());
        assert!(!outside.path().join("network/main.tf").exists());
    }

    #[test]
    fn a_failed_write_leaves_the_previous_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(&tree(&[("a.tf", "old a"), ("z.tf", "old z")]), &out).unwrap();
        // "z.tf/inner" cannot be created because z.tf is a file: the write fails late, after
        // "a.tf" was already replaced, and must roll that back.
        let t = tree(&[("a.tf", "new a"), ("z.tf/inner.tf", "boom")]);
        assert!(write(&t, &out).is_err());
        assert_eq!(fs::read_to_string(out.join("a.tf")).unwrap(), "old a");
        assert_eq!(fs::read_to_string(out.join("z.tf")).unwrap(), "old z");
    }
}
