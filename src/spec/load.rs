//! Reading a spec: text → tree → model → validation, with every error located.

use super::document::{LineIndex, Pos, printable};
use super::{Format, SpecError, SpecErrors, decode, locate, parse};
use crate::model::aws::Date;
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
    load_file_with_warnings(path, Date::today()).map(|(platform, _)| platform)
}

/// [`load_file`] that also returns the warnings of a valid spec, as of today.
pub fn load_file_warned(path: &Path) -> Result<Loaded, SpecErrors> {
    load_file_with_warnings(path, Date::today())
        .map(|(platform, warnings)| Loaded { platform, warnings })
}

/// [`load_file`] judged on the day `today`, with the warnings of a valid spec (located like
/// errors; an EKS version in extended support, for one).
pub fn load_file_with_warnings(
    path: &Path,
    today: Date,
) -> Result<(Platform, Vec<SpecError>), SpecErrors> {
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
        Ok(text) => load_str_with_warnings(&text, format, &file, today),
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
    load_str_with_warnings(text, format, file_name, Date::today()).map(|(platform, _)| platform)
}

/// [`load_str`] that also returns the warnings of a valid spec, as of today.
pub fn load_str_warned(text: &str, format: Format, file_name: &str) -> Result<Loaded, SpecErrors> {
    load_str_with_warnings(text, format, file_name, Date::today())
        .map(|(platform, warnings)| Loaded { platform, warnings })
}

/// [`load_str`] judged on the day `today`, with the warnings of a valid spec.
pub fn load_str_with_warnings(
    text: &str,
    format: Format,
    file_name: &str,
    today: Date,
) -> Result<(Platform, Vec<SpecError>), SpecErrors> {
    // A byte-order mark is not content; serde_json and toml would reject it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = parse::parse(text, format).map_err(|err| one(file_name, err.pos, err.message))?;
    let platform = match decode::decode(&root, file_name) {
        Ok(platform) => platform,
        Err((mut errors, partial)) => {
            // The rules whose inputs all decoded run too: one run shows both kinds.
            if let Some(partial) = partial {
                let review = validate::review_partial_on(&partial.platform, &partial.broken, today);
                errors.extend(
                    review
                        .problems
                        .iter()
                        .map(|problem| locate::locate(&root, problem, file_name)),
                );
            }
            return Err(finish(file_name, errors));
        }
    };
    let review = validate::review_on(&platform, today);
    if review.problems.is_empty() {
        let warnings: Vec<SpecError> = review
            .warnings
            .iter()
            .map(|problem| {
                let mut e = locate::locate(&root, problem, file_name);
                e.path = printable(&e.path);
                e.message = printable(&e.message);
                e
            })
            .collect();
        let warnings = if warnings.is_empty() {
            warnings
        } else {
            SpecErrors::sorted(warnings).0
        };
        return Ok((platform, warnings));
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
