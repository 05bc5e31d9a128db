//! A generation written file by file: each file is compared with the disk and, when it
//! changes, staged as soon as it is made, so that a repository of thousands of services is
//! never held in memory whole. Nothing reaches the output directory before [`Generation::finish`]
//! has found no conflict; then the staged files move in all at once (see `tree::commit`).

use super::{
    Conflict, ConflictKind, MANIFEST_PATH, Manifest, OutputError, read_optional, sha256_hex,
    with_foreign,
};
use crate::shared_file;
use crate::tree::{self, FileSink, WriteError, WriteSummary};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The files of one generation so far, and what each does to the output directory.
pub struct Generation {
    out: PathBuf,
    /// The last generation's manifest (empty when there was none).
    last: Manifest,
    staging: Option<tempfile::TempDir>,
    files: BTreeMap<String, Written>,
    /// The first error; later files are ignored and [`Generation::finish`] returns it.
    error: Option<OutputError>,
    /// `out` did not exist and was made for the staging directory: a generation that does not
    /// finish removes it again.
    made_out: bool,
    finished: bool,
}

struct Written {
    /// What the manifest records: the SHA-256, or for a shared file iacgen's part's fingerprint.
    hash: String,
    status: Status,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Created,
    Changed {
        /// The file on disk is not what iacgen last wrote (or iacgen never wrote it).
        hand_edited: bool,
    },
    Unchanged,
}

impl Generation {
    /// A generation into `out`, which need not exist yet.
    pub fn new(out: &Path) -> Result<Self, OutputError> {
        Ok(Self {
            out: out.to_path_buf(),
            last: Manifest::read(out)?.unwrap_or_default(),
            staging: None,
            files: BTreeMap::new(),
            error: None,
            made_out: false,
            finished: false,
        })
    }

    /// Adds a file (a second file at the same path replaces the first). `owned`: the top-level
    /// keys iacgen owns in a file another tool writes into too; that tool's entries on disk
    /// are kept.
    pub fn add(&mut self, path: &str, contents: String, owned: Option<&[String]>) {
        if self.error.is_none()
            && let Err(e) = self.try_add(path, contents, owned)
        {
            self.error = Some(e);
        }
    }

    fn try_add(
        &mut self,
        path: &str,
        contents: String,
        owned: Option<&[String]>,
    ) -> Result<(), OutputError> {
        if path == MANIFEST_PATH {
            return Ok(());
        }
        let rel = tree::safe_relative(path).ok_or_else(|| WriteError::UnsafePath {
            path: path.to_string(),
        })?;
        let old = read_optional(&self.out.join(&rel))?;
        let contents = match (owned, &old) {
            (Some(owned), Some(bytes)) => with_foreign(&contents, bytes, owned).unwrap_or(contents),
            _ => contents,
        };
        let hash = owned
            .and_then(|owned| shared_file::fingerprint(&contents, owned))
            .unwrap_or_else(|| sha256_hex(contents.as_bytes()));
        let status = match &old {
            None => Status::Created,
            Some(old) if old == contents.as_bytes() => Status::Unchanged,
            Some(old) => Status::Changed {
                hand_edited: self.last.not_ours(owned, path, old),
            },
        };
        if status == Status::Unchanged {
            // A replaced file staged before must not be written.
            if let Some(staging) = &self.staging {
                let _ = fs::remove_file(staging.path().join("new").join(path));
            }
        } else {
            let staging = self.staging()?;
            tree::stage(&staging, path, &contents)?;
        }
        self.files
            .insert(path.to_string(), Written { hash, status });
        Ok(())
    }

    /// The staging directory, made (with `out`) when the first file needs it.
    fn staging(&mut self) -> Result<PathBuf, OutputError> {
        if let Some(staging) = &self.staging {
            return Ok(staging.path().to_path_buf());
        }
        self.made_out = !self.out.exists();
        fs::create_dir_all(&self.out).map_err(|source| OutputError::Io {
            path: self.out.clone(),
            source,
        })?;
        let staging = tree::staging_dir(&self.out)?;
        let path = staging.path().to_path_buf();
        self.staging = Some(staging);
        Ok(path)
    }

    /// Writes the generation (plus its manifest, recording `inputs`), deleting files iacgen
    /// wrote before and no longer generates. Refuses, naming every file, to overwrite or
    /// delete a file someone edited since iacgen wrote it, or one iacgen did not write, unless
    /// `force`; then nothing is changed.
    pub fn finish(
        mut self,
        force: bool,
        inputs: Option<&str>,
    ) -> Result<WriteSummary, OutputError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut conflicts: Vec<Conflict> = Vec::new();
        for (path, written) in &self.files {
            if let Status::Changed { hand_edited: true } = written.status {
                conflicts.push(Conflict {
                    path: path.clone(),
                    kind: if self.last.files.contains_key(path) {
                        ConflictKind::EditedByHand
                    } else {
                        ConflictKind::NotWrittenByIacgen
                    },
                });
            }
        }
        let mut removed: Vec<String> = Vec::new();
        for path in self.last.files.keys() {
            if self.files.contains_key(path) {
                continue;
            }
            let rel = tree::safe_relative(path)
                .ok_or_else(|| WriteError::UnsafePath { path: path.clone() })?;
            let target = self.out.join(rel);
            if let Some(old) = read_optional(&target)? {
                if self.last.edited_owned(None, path, &old) {
                    conflicts.push(Conflict {
                        path: path.clone(),
                        kind: ConflictKind::EditedAndObsolete,
                    });
                }
                if target.is_file() {
                    removed.push(path.clone());
                }
            }
        }
        if !conflicts.is_empty() && !force {
            conflicts.sort_by(|a, b| a.path.cmp(&b.path));
            return Err(OutputError::Conflicts(conflicts));
        }

        let manifest = Manifest {
            files: self
                .files
                .iter()
                .map(|(path, written)| (path.clone(), written.hash.clone()))
                .collect(),
            inputs: inputs.map(str::to_string),
        };
        let manifest_text = manifest.to_json();
        let manifest_changed = read_optional(&self.out.join(MANIFEST_PATH))?
            .is_none_or(|old| old != manifest_text.as_bytes());
        if manifest_changed {
            let staging = self.staging()?;
            tree::stage(&staging, MANIFEST_PATH, &manifest_text)?;
        }

        let mut summary = WriteSummary::default();
        for (path, written) in &self.files {
            match written.status {
                Status::Created => summary.created.push(path.clone()),
                Status::Changed { .. } => summary.changed.push(path.clone()),
                Status::Unchanged => summary.unchanged.push(path.clone()),
            }
        }
        summary.removed = removed;
        let mut to_write: Vec<&str> = summary
            .created
            .iter()
            .chain(&summary.changed)
            .map(String::as_str)
            .collect();
        if manifest_changed {
            to_write.push(MANIFEST_PATH);
        }
        if to_write.is_empty() && summary.removed.is_empty() {
            self.finished = true;
            return Ok(summary);
        }
        for path in to_write
            .iter()
            .copied()
            .chain(summary.removed.iter().map(String::as_str))
        {
            tree::check_no_symlinks(&self.out, Path::new(path))?;
        }
        let staging = self.staging()?;
        tree::commit(&staging, &to_write, &summary.removed, &self.out)?;
        self.finished = true;
        Ok(summary)
    }
}

impl Drop for Generation {
    /// A generation that does not finish leaves the disk as it found it: the staged files go
    /// with the staging directory, and an output directory made for them goes too.
    fn drop(&mut self) {
        drop(self.staging.take());
        if self.made_out && !self.finished {
            let _ = fs::remove_dir(&self.out);
        }
    }
}

impl FileSink for Generation {
    fn put(&mut self, path: String, contents: String) {
        self.add(&path, contents, None);
    }
}
