//! Reading a spec: text → tree → model → validation, with every error located.

use super::document::{LineIndex, Pos, printable};
use super::{Format, SpecError, SpecErrors, decode, locate, parse};
use crate::model::{Platform, validate};
use std::path::Path;

/// A valid spec and its warnings (located like errors, sorted by position).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub platform: Platform,
    pub warnings: Vec<SpecError>,
}

/// Reads a spec file, choosing the format by extension.
pub fn load_file(path: &Path) -> Result<Platform, SpecErrors> {
    load_file_warned(path).map(|loaded| loaded.platform)
}

/// [`load_file`] that also returns the warnings of a valid spec.
pub fn load_file_warned(path: &Path) -> Result<Loaded, SpecErrors> {
    let file = path.display().to_string();
    let fail = |message: String| Err(one(&file, Pos::default(), message));
    let Some(format) = Format::from_path(path) else {
        return fail(
            "unknown spec format: the file name must end in .yaml, .yml, .toml or .json"
                .to_string(),
        );
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return fail(format!("cannot read the file: {err}")),
    };
    match String::from_utf8(bytes) {
        Ok(text) => load_str_warned(&text, format, &file),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&err.as_bytes()[..offset]).into_owned();
            let pos = LineIndex::new(&valid).pos(offset);
            Err(one(
                &file,
                pos,
                format!("the file is not valid UTF-8 text (bad byte at offset {offset})"),
            ))
        }
    }
}

/// Reads a spec from text; `file_name` is only used in error messages.
pub fn load_str(text: &str, format: Format, file_name: &str) -> Result<Platform, SpecErrors> {
    load_str_warned(text, format, file_name).map(|loaded| loaded.platform)
}

/// [`load_str`] that also returns the warnings of a valid spec.
pub fn load_str_warned(text: &str, format: Format, file_name: &str) -> Result<Loaded, SpecErrors> {
    // A byte-order mark is not content; serde_json and toml would reject it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = parse::parse(text, format).map_err(|err| one(file_name, err.pos, err.message))?;
    let platform = decode::decode(&root, file_name).map_err(|errors| finish(file_name, errors))?;
    let review = validate::review(&platform);
    if review.problems.is_empty() {
        let mut warnings: Vec<SpecError> = review
            .warnings
            .iter()
            .map(|problem| locate::locate(&root, problem, file_name))
            .collect();
        for w in &mut warnings {
            w.path = printable(&w.path);
            w.message = printable(&w.message);
        }
        let warnings = if warnings.is_empty() {
            warnings
        } else {
            SpecErrors::sorted(warnings).0
        };
        return Ok(Loaded { platform, warnings });
    }
    let errors = review
        .problems
        .iter()
        .map(|problem| locate::locate(&root, problem, file_name))
        .collect();
    Err(finish(file_name, errors))
}

fn one(file: &str, pos: Pos, message: String) -> SpecErrors {
    finish(
        file,
        vec![SpecError {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            path: String::new(),
            message,
        }],
    )
}

/// Printable, sorted, deduplicated, and never empty.
fn finish(file: &str, mut errors: Vec<SpecError>) -> SpecErrors {
    if errors.is_empty() {
        return one(file, Pos::default(), "the spec is invalid".to_string());
    }
    for e in &mut errors {
        e.path = printable(&e.path);
        e.message = printable(&e.message);
    }
    SpecErrors::sorted(errors)
}
