//! `iacgen init`: the starter spec of a new repository, and the JSON Schema its first line
//! points editors at.

use crate::model::DEFAULT_SPEC_FILE;
use crate::spec::{Format, SpecErrors};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The schema file `init` writes beside the spec (named by the spec's first line).
pub const SCHEMA_FILE: &str = "platform.schema.json";

/// The project name when none is given and the directory name is no use.
const FALLBACK_PROJECT: &str = "platform";

/// What `init` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub spec: PathBuf,
    /// `None` when a schema file was already there (it is left as it is).
    pub schema: Option<PathBuf>,
    pub project: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{} already exists: iacgen init never overwrites a spec (edit it, or move it away to \
         start over)",
        .0.display()
    )]
    Exists(PathBuf),
    #[error("{}", invalid_options(.0))]
    Invalid(SpecErrors),
    #[error("cannot {context} {}: {source}", path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

/// The starter spec for `project` in `region`: every optional section commented out.
/// Fails when the values would make it invalid (a bad project name or region).
pub fn starter(project: &str, region: &str) -> Result<String, SpecErrors> {
    let text = crate::scaffold::starter_spec(project, region, DEFAULT_SPEC_FILE, SCHEMA_FILE, true);
    crate::spec::load_str(&text, Format::Yaml, DEFAULT_SPEC_FILE)?;
    Ok(text)
}

/// Writes `platform.yaml` (refusing to overwrite one) and `platform.schema.json` (unless one
/// exists) into `dir`, creating it if needed. The project name defaults to one made from the
/// directory's name.
pub fn init(dir: &Path, project: Option<&str>, region: &str) -> Result<Written, InitError> {
    let spec_path = dir.join(DEFAULT_SPEC_FILE);
    if spec_path.exists() || spec_path.is_symlink() {
        return Err(InitError::Exists(spec_path));
    }
    let project = match project {
        Some(p) => p.to_string(),
        None => project_from_dir(dir),
    };
    let text = starter(&project, region).map_err(InitError::Invalid)?;
    let io = |context, path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io {
            context,
            path,
            source,
        }
    };
    fs::create_dir_all(dir).map_err(io("create", dir))?;
    // create_new: a spec that appeared since the check above is not overwritten either.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&spec_path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => InitError::Exists(spec_path.clone()),
            _ => io("create", &spec_path)(e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(io("write", &spec_path))?;
    let schema_path = dir.join(SCHEMA_FILE);
    let schema = if schema_path.exists() || schema_path.is_symlink() {
        None
    } else {
        fs::write(&schema_path, crate::spec::schema_json()).map_err(io("write", &schema_path))?;
        Some(schema_path)
    };
    Ok(Written {
        spec: spec_path,
        schema,
        project,
    })
}

/// The starter's problems are about the options that filled it in.
fn invalid_options(errors: &SpecErrors) -> String {
    errors
        .iter()
        .map(|e| match e.path.as_str() {
            "project" | "region" => format!("--{}: {}", e.path, e.message),
            _ => e.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A valid project name made from the directory's name (`My Infra` → `my-infra`), or
/// `platform` when nothing usable is left.
pub fn project_from_dir(dir: &Path) -> String {
    let name = fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    project_name(&name)
}

/// `[a-z][a-z0-9-]*`, at most 24 characters, no leading, trailing or doubled `-`.
pub fn project_name(raw: &str) -> String {
    let mut name = String::new();
    for c in raw.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if c == '-' && (name.is_empty() || name.ends_with('-')) {
            continue;
        }
        if name.is_empty() && c.is_ascii_digit() {
            continue;
        }
        name.push(c);
    }
    name.truncate(24);
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        FALLBACK_PROJECT.to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::project_name;

    #[test]
    fn directory_names_become_project_names() {
        assert_eq!(project_name("payments"), "payments");
        assert_eq!(project_name("My Infra_2"), "my-infra-2");
        assert_eq!(project_name("--acme--"), "acme");
        assert_eq!(project_name("42"), "platform");
        assert_eq!(project_name("9lives"), "lives");
        assert_eq!(project_name("Ünïcode"), "n-code");
        assert_eq!(project_name(""), "platform");
        assert_eq!(
            project_name("a-very-long-directory-name-indeed"),
            "a-very-long-directory-na"
        );
        assert_eq!(
            project_name("abcdefghijklmnopqrstuvw-xyz"),
            "abcdefghijklmnopqrstuvw"
        );
    }
}
