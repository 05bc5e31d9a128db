//! The kept-values file: `<spec name>.kept.yaml` beside the spec (`platform.yaml` →
//! `platform.kept.yaml`). `iacgen plan --write-kept` writes it; `generate`, `diff`, `validate`
//! and `plan` read it when it exists. The user commits it and reviews changes to it like code.
//!
//! ```yaml
//! version: 1
//! environments:
//!   staging:
//!     eks:                                   # module call
//!       "aws_iam_role.cluster.name": "orders-staging-cluster-20250314121859194700000030"
//!       "aws_eks_node_group.this[general].node_group_name": "general-20250314121856853100000022"
//! ```
//! Every problem is reported at its line and column: unknown fields, an environment the spec
//! does not have, a module call, resource, block or instance key the generated code does not
//! have, values that are not strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::document::{Key, Node, Pos, Quoted, Value};
use super::error::{SpecError, SpecErrors};
use super::format::Format;
use super::parse;
use crate::model::Platform;
use crate::model::kept::{Kept, KeptKey};

/// Where the kept values of the spec at `spec` live: `<stem>.kept.yaml` in the same directory.
pub fn kept_path(spec: &Path) -> PathBuf {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "platform".to_string());
    spec.with_file_name(format!("{stem}.kept.yaml"))
}

/// A kept-values file as read: the values, where each module call and key is in the file, and
/// the problems reading found. `spec` depends on the model only, so the checks against the
/// generated code live a layer above (`iacgen::load_kept`): they add their problems with
/// [`KeptFile::problem`], and [`KeptFile::finish`] gives the values or every problem at its line
/// and column.
#[derive(Debug)]
pub struct KeptFile {
    /// The values read (those with problems left out).
    pub kept: Kept,
    file: String,
    positions: BTreeMap<(String, String, Option<KeptKey>), Pos>,
    problems: Vec<(Pos, String, String)>,
}

/// Reads the kept values beside `spec` for `platform`; none when the file does not exist.
pub fn read_kept(spec: &Path, platform: &Platform) -> Result<Option<KeptFile>, SpecErrors> {
    let path = kept_path(spec);
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(errors(
                &file,
                vec![(
                    Pos::default(),
                    String::new(),
                    format!("cannot read the file: {e}"),
                )],
            ));
        }
    };
    KeptFile::parse(&text, &file, platform).map(Some)
}

impl KeptFile {
    /// Reads kept values from text; `file` is only used in messages. Only text that is not YAML
    /// is an error here; every other problem is kept for [`KeptFile::finish`].
    pub fn parse(text: &str, file: &str, platform: &Platform) -> Result<KeptFile, SpecErrors> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let root = parse::parse(text, Format::Yaml)
            .map_err(|e| errors(file, vec![(e.pos, String::new(), e.message)]))?;
        let mut problems = Vec::new();
        let mut kept = Kept::default();
        let mut positions: BTreeMap<(String, String, Option<KeptKey>), Pos> = BTreeMap::new();
        let envs: Vec<&str> = platform.env_names().collect();
        for (key, node) in map_entries(&root, "", &mut problems) {
            match key.name.as_str() {
                "version" => {
                    if !matches!(node.value, Value::Int(1)) {
                        problems.push((
                            node.pos,
                            "version".into(),
                            format!(
                                "{} is not a supported version (supported: 1)",
                                node.describe()
                            ),
                        ));
                    }
                }
                "environments" => {
                    for (env, modules) in map_entries(node, "environments", &mut problems) {
                        let at = format!("environments.{}", env.name);
                        if !envs.contains(&env.name.as_str()) {
                            problems.push((
                                env.pos,
                                at.clone(),
                                format!(
                                    "the spec has no environment {} (environments: {})",
                                    Quoted(&env.name),
                                    envs.join(", ")
                                ),
                            ));
                            continue;
                        }
                        for (module, values) in map_entries(modules, &at, &mut problems) {
                            let at = format!("{at}.{}", module.name);
                            positions
                                .insert((env.name.clone(), module.name.clone(), None), module.pos);
                            kept.environments
                                .entry(env.name.clone())
                                .or_default()
                                .entry(module.name.clone())
                                .or_default();
                            for (k, v) in map_entries(values, &at, &mut problems) {
                                let here = format!("{at}.{}", k.name);
                                let parsed = match KeptKey::parse(&k.name) {
                                    Ok(parsed) => parsed,
                                    Err(message) => {
                                        problems.push((k.pos, here, message));
                                        continue;
                                    }
                                };
                                let Value::Str(value) = &v.value else {
                                    problems.push((
                                        v.pos,
                                        here,
                                        format!(
                                            "expected a string (the kept value), found {}",
                                            v.describe()
                                        ),
                                    ));
                                    continue;
                                };
                                positions.insert(
                                    (env.name.clone(), module.name.clone(), Some(parsed.clone())),
                                    k.pos,
                                );
                                kept.insert(&env.name, &module.name, parsed, value.clone());
                            }
                        }
                    }
                }
                other => problems.push((
                    key.pos,
                    other.to_string(),
                    "unknown field (fields: version, environments)".to_string(),
                )),
            }
        }
        Ok(KeptFile {
            kept,
            file: file.to_string(),
            positions,
            problems,
        })
    }

    /// Adds a problem with the value of `key` in module call `module` of `env` (with the module
    /// call itself when `key` is none), reported where the file names it.
    pub fn problem(&mut self, env: &str, module: &str, key: Option<&KeptKey>, message: String) {
        let pos = self
            .positions
            .get(&(env.to_string(), module.to_string(), key.cloned()))
            .copied()
            .unwrap_or_default();
        let mut path = format!("environments.{env}.{module}");
        if let Some(key) = key {
            path.push_str(&format!(".{key}"));
        }
        self.problems.push((pos, path, message));
    }

    /// Whether reading or a check found a problem.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The values, or every problem found, sorted by line and column.
    pub fn finish(self) -> Result<Kept, SpecErrors> {
        if self.problems.is_empty() {
            Ok(self.kept)
        } else {
            Err(errors(&self.file, self.problems))
        }
    }
}

fn map_entries<'a>(
    node: &'a Node,
    at: &str,
    problems: &mut Vec<(Pos, String, String)>,
) -> Vec<(&'a Key, &'a Node)> {
    match &node.value {
        Value::Map(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
        Value::Null => Vec::new(),
        _ => {
            problems.push((
                node.pos,
                at.to_string(),
                format!("expected a map, found {}", node.describe()),
            ));
            Vec::new()
        }
    }
}

fn errors(file: &str, problems: Vec<(Pos, String, String)>) -> SpecErrors {
    SpecErrors::sorted(
        problems
            .into_iter()
            .map(|(pos, path, message)| SpecError {
                file: file.to_string(),
                line: pos.line,
                column: pos.column,
                path: super::document::printable(&path),
                message: super::document::printable(&message),
            })
            .collect(),
    )
}

/// The file's text for `kept`: sorted, every key and value double-quoted (JSON escapes are
/// YAML escapes), with a header that says what it is.
pub fn kept_yaml(kept: &Kept) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    let mut out = String::from(
        "# Values kept from existing objects, which iacgen must not change: changing them would\n\
         # replace the object. Written by `iacgen plan --write-kept`; read by generate, diff,\n\
         # validate and plan. Keys: module call, then TYPE.NAME[INSTANCE].ARGUMENT in that module.\n\
         version: 1\nenvironments:\n",
    );
    for (env, modules) in &kept.environments {
        if modules.values().all(BTreeMap::is_empty) {
            continue;
        }
        out.push_str(&format!("  {}:\n", q(env)));
        for (module, values) in modules {
            if values.is_empty() {
                continue;
            }
            out.push_str(&format!("    {}:\n", q(module)));
            for (key, value) in values {
                out.push_str(&format!("      {}: {}\n", q(&key.to_string()), q(value)));
            }
        }
    }
    out
}
