//! The output directory as iacgen sees it: which files it wrote (a manifest of content hashes),
//! which of those a person has edited since, and what a new generation would change.

mod generation;

pub use crate::shared_file::sha256_hex;
pub use generation::Generation;

use crate::shared_file;
use crate::tree::{Tree, WriteError, WriteSummary};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the manifest lives, relative to the output directory.
pub const MANIFEST_PATH: &str = ".iacgen/manifest.json";

/// Every file iacgen wrote in the last generation, with the SHA-256 of what it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, String>,
    /// The fingerprint of what that generation read ([`inputs_fingerprint`]), when known.
    pub inputs: Option<String>,
}

/// A fingerprint of everything a generation's output depends on: the program itself, the
/// target, where the spec and the output are, and the bytes of every file read. Two runs with
/// the same fingerprint write the same files.
pub fn inputs_fingerprint(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so that moving bytes from one part to the next changes the hash.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let mut out = String::with_capacity(64);
    for byte in hasher.finalize().iter() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Whether generating with `inputs` would change nothing in `out`: the last generation there
/// read the same inputs (so it would write the same files), and every file it wrote is on disk
/// as it wrote it (a hand edit, a deleted file or a file shared with another tool takes the
/// full path, which reports it). Returns how many files are unchanged, `None` when that
/// cannot be told this cheaply.
pub fn unchanged(out: &Path, inputs: &str) -> Option<usize> {
    let manifest = Manifest::read(out).ok()??;
    if manifest.inputs.as_deref() != Some(inputs) || manifest.files.is_empty() {
        return None;
    }
    for (path, hash) in &manifest.files {
        let bytes = fs::read(out.join(path)).ok()?;
        if sha256_hex(&bytes) != *hash {
            return None;
        }
    }
    Some(manifest.files.len())
}

impl Manifest {
    /// The manifest describing `tree` (which must not contain the manifest itself). A shared
    /// file is recorded by the fingerprint of iacgen's part of it.
    pub fn of(tree: &Tree) -> Self {
        Self {
            files: tree
                .iter()
                .filter(|(p, _)| *p != MANIFEST_PATH)
                .map(|(p, c)| {
                    let owned = tree
                        .owned_keys(p)
                        .and_then(|owned| shared_file::fingerprint(c, owned));
                    (
                        p.to_string(),
                        owned.unwrap_or_else(|| sha256_hex(c.as_bytes())),
                    )
                })
                .collect(),
            inputs: None,
        }
    }

    /// Whether `bytes`, the file at `path` on disk, is not what iacgen last wrote there (for a
    /// file shared with another tool: iacgen's part of it differs). A file the manifest does
    /// not list is not "edited".
    fn edited(&self, tree: &Tree, path: &str, bytes: &[u8]) -> bool {
        self.edited_owned(tree.owned_keys(path), path, bytes)
    }

    /// Whether writing over `bytes`, the file at `path` on disk, would lose what iacgen did not
    /// write: it was edited since ([`Manifest::edited_owned`]) or iacgen never wrote it.
    fn not_ours(&self, owned: Option<&[String]>, path: &str, bytes: &[u8]) -> bool {
        self.edited_owned(owned, path, bytes) || !self.files.contains_key(path)
    }

    /// [`Manifest::edited`] of a file of which iacgen owns the top-level keys `owned` when it
    /// is shared with another tool.
    fn edited_owned(&self, owned: Option<&[String]>, path: &str, bytes: &[u8]) -> bool {
        let Some(hash) = self.files.get(path) else {
            return false;
        };
        if *hash == sha256_hex(bytes) {
            return false;
        }
        let owned = owned.and_then(|owned| {
            let text = std::str::from_utf8(bytes).ok()?;
            shared_file::fingerprint(text, owned)
        });
        owned.is_none_or(|fingerprint| *hash != fingerprint)
    }

    pub fn to_json(&self) -> String {
        let mut value = serde_json::json!({
            "generator": "iacgen",
            "version": 1,
            "files": self.files,
        });
        if let (Some(inputs), Some(map)) = (&self.inputs, value.as_object_mut()) {
            map.insert(
                "inputs".to_string(),
                serde_json::Value::from(inputs.clone()),
            );
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads the manifest of `out`; `None` when there is none (never generated here).
    pub fn read(out: &Path) -> Result<Option<Self>, OutputError> {
        let path = out.join(MANIFEST_PATH);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(OutputError::Io { path, source }),
        };
        let bad = |why: &str| OutputError::BadManifest {
            path: path.clone(),
            reason: why.to_string(),
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
        let files = value
            .get("files")
            .and_then(|f| f.as_object())
            .ok_or_else(|| bad("no \"files\" object"))?;
        let mut manifest = Manifest::default();
        for (path, hash) in files {
            let hash = hash
                .as_str()
                .ok_or_else(|| bad(&format!("the hash of {path} is not a string")))?;
            manifest.files.insert(path.clone(), hash.to_string());
        }
        manifest.inputs = value
            .get("inputs")
            .and_then(|i| i.as_str())
            .map(str::to_string);
        Ok(Some(manifest))
    }
}

/// Problems with the output directory itself.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} is not a manifest iacgen can read ({reason}); delete it to start over")]
    BadManifest { path: PathBuf, reason: String },
    #[error(
        "refusing to overwrite files changed since iacgen wrote them (use --force to overwrite):\n{}",
        .0.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
    )]
    Conflicts(Vec<Conflict>),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A file a generation would overwrite or delete although iacgen did not write its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub path: String,
    pub kind: ConflictKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// iacgen wrote it, someone edited it since, and the new output differs.
    EditedByHand,
    /// It exists but iacgen never wrote it (no manifest entry).
    NotWrittenByIacgen,
    /// iacgen wrote it, no longer generates it, and someone edited it since.
    EditedAndObsolete,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.kind {
            ConflictKind::EditedByHand => "edited by hand since the last generate",
            ConflictKind::NotWrittenByIacgen => "exists and was not written by iacgen",
            ConflictKind::EditedAndObsolete => {
                "no longer generated, and edited by hand since the last generate"
            }
        };
        write!(f, "{}: {why}", self.path)
    }
}

/// One file a generation would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created {
        path: String,
        new: String,
    },
    Changed {
        path: String,
        old: String,
        new: String,
        /// The file on disk is not what iacgen last wrote.
        hand_edited: bool,
    },
    Removed {
        path: String,
        old: String,
        hand_edited: bool,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Created { path, .. }
            | Change::Changed { path, .. }
            | Change::Removed { path, .. } => path,
        }
    }
}

/// What generating `tree` into `out` would change, file by file (the manifest itself is
/// bookkeeping and never listed). Sorted by path.
pub fn changes(tree: &Tree, out: &Path) -> Result<Vec<Change>, OutputError> {
    let merged = with_foreign_entries(tree, out)?;
    scan(merged.as_ref().unwrap_or(tree), out)
}

/// [`changes`] of a tree whose shared files already hold the foreign entries on disk.
fn scan(tree: &Tree, out: &Path) -> Result<Vec<Change>, OutputError> {
    let text = |t: &str| t.to_string();
    let manifest = Manifest::read(out)?.unwrap_or_default();
    let edited = |path: &str, bytes: &[u8]| manifest.edited(tree, path, bytes);
    let mut changes = Vec::new();
    for (path, new) in tree.iter() {
        if path == MANIFEST_PATH {
            continue;
        }
        match read_optional(&out.join(path))? {
            None => changes.push(Change::Created {
                path: path.to_string(),
                new: text(new),
            }),
            Some(old) if old == new.as_bytes() => {}
            Some(old) => changes.push(Change::Changed {
                path: path.to_string(),
                hand_edited: manifest.not_ours(tree.owned_keys(path), path, &old),
                old: text(&String::from_utf8_lossy(&old)),
                new: text(new),
            }),
        }
    }
    for path in manifest.files.keys() {
        if tree.get(path).is_some() {
            continue;
        }
        if let Some(old) = read_optional(&out.join(path))? {
            changes.push(Change::Removed {
                path: path.clone(),
                hand_edited: edited(path, &old),
                old: text(&String::from_utf8_lossy(&old)),
            });
        }
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(changes)
}

/// `tree` with what another tool wrote into its shared files on disk kept: each shared file
/// gets the top-level entries of its copy on disk that iacgen does not own (a Pulumi stack
/// file's `secretsprovider`, `encryptedkey`, `encryptionsalt`), as they are on disk.
/// `None` when there is nothing to keep (no shared file, or none on disk), so that the tree
/// need not be copied.
fn with_foreign_entries(tree: &Tree, out: &Path) -> Result<Option<Tree>, OutputError> {
    let mut merged: Option<Tree> = None;
    for (path, generated) in tree.iter() {
        let Some(owned) = tree.owned_keys(path) else {
            continue;
        };
        let Some(bytes) = read_optional(&out.join(path))? else {
            continue;
        };
        if let Some(text) = with_foreign(generated, &bytes, owned) {
            merged
                .get_or_insert_with(|| tree.clone())
                .insert(path, text);
        }
    }
    Ok(merged)
}

/// `generated` with the top-level entries of `on_disk` that another tool owns (iacgen owns
/// `owned`); `None` when there are none to keep.
fn with_foreign(generated: &str, on_disk: &[u8], owned: &[String]) -> Option<String> {
    let text = std::str::from_utf8(on_disk).ok()?;
    let foreign = shared_file::foreign_entries(text, owned)?;
    Some(shared_file::with_foreign(generated, &foreign))
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(source) => Err(OutputError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `tree` (plus its manifest) into `out`, deleting files iacgen generated before and no
/// longer generates. Refuses, naming every file, to overwrite or delete a file that someone
/// edited since iacgen wrote it, or a file iacgen did not write, unless `force`.
pub fn generate(tree: &Tree, out: &Path, force: bool) -> Result<WriteSummary, OutputError> {
    generate_from(tree.clone(), out, force, None)
}

/// [`generate`], recording the fingerprint of the inputs (see [`unchanged`]) in the manifest.
/// Takes the tree, so that a large one is not copied on the way to disk.
pub fn generate_from(
    tree: Tree,
    out: &Path,
    force: bool,
    inputs: Option<&str>,
) -> Result<WriteSummary, OutputError> {
    let mut generation = Generation::new(out)?;
    for (path, contents, owned) in tree {
        generation.add(&path, contents, owned.as_deref());
    }
    generation.finish(force, inputs)
}

/// A unified diff of `changes` (`git diff` style headers), optionally coloured with ANSI codes.
pub fn unified_diff(changes: &[Change], color: bool) -> String {
    let paint = |code: &str, line: &str| {
        if color {
            format!("\x1b[{code}m{line}\x1b[0m")
        } else {
            line.to_string()
        }
    };
    let mut out = String::new();
    for change in changes {
        let (old, new, old_name, new_name, note) = match change {
            Change::Created { path, new } => (
                "",
                new.as_str(),
                "/dev/null".to_string(),
                format!("b/{path}"),
                "new file",
            ),
            Change::Changed {
                path,
                old,
                new,
                hand_edited,
            } => (
                old.as_str(),
                new.as_str(),
                format!("a/{path}"),
                format!("b/{path}"),
                if *hand_edited {
                    "edited by hand since the last generate"
                } else {
                    ""
                },
            ),
            Change::Removed {
                path,
                old,
                hand_edited,
            } => (
                old.as_str(),
                "",
                format!("a/{path}"),
                "/dev/null".to_string(),
                if *hand_edited {
                    "no longer generated; edited by hand since the last generate"
                } else {
                    "no longer generated"
                },
            ),
        };
        let _ = writeln!(
            out,
            "{}",
            paint("1", &format!("diff iacgen {}", change.path()))
        );
        if !note.is_empty() {
            let _ = writeln!(out, "{}", paint("33", &format!("# {note}")));
        }
        let diff = similar::TextDiff::from_lines(old, new);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&old_name, &new_name)
            .to_string();
        for line in text.lines() {
            let painted = if line.starts_with("+++") || line.starts_with("---") {
                paint("1", line)
            } else if line.starts_with('+') {
                paint("32", line)
            } else if line.starts_with('-') {
                paint("31", line)
            } else if line.starts_with("@@") {
                paint("36", line)
            } else {
                line.to_string()
            };
            let _ = writeln!(out, "{painted}");
        }
    }
    out
}

/// One line per changed file plus a total, like `git diff --stat`.
pub fn stat(changes: &[Change]) -> String {
    let mut out = String::new();
    let (mut added, mut deleted) = (0usize, 0usize);
    for change in changes {
        let (old, new, what) = match change {
            Change::Created { new, .. } => ("", new.as_str(), "new"),
            Change::Changed {
                old,
                new,
                hand_edited,
                ..
            } => (
                old.as_str(),
                new.as_str(),
                if *hand_edited {
                    "changed, edited by hand"
                } else {
                    "changed"
                },
            ),
            Change::Removed { old, .. } => (old.as_str(), "", "removed"),
        };
        let diff = similar::TextDiff::from_lines(old, new);
        let (mut a, mut d) = (0, 0);
        for op in diff.iter_all_changes() {
            match op.tag() {
                similar::ChangeTag::Insert => a += 1,
                similar::ChangeTag::Delete => d += 1,
                similar::ChangeTag::Equal => {}
            }
        }
        added += a;
        deleted += d;
        let _ = writeln!(out, " {} | +{a} -{d} ({what})", change.path());
    }
    let _ = writeln!(
        out,
        " {} file{} would change, {added} insertions(+), {deleted} deletions(-)",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    out
}
