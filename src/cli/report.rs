//! The reports of `validate`, `diff` and `plan` in the forms a program reads: JSON on standard
//! output, or GitHub workflow commands that mark the spec's lines in a pull request.

use super::github::{Level, Place, annotation};
use iacgen::output::Change;
use iacgen::spec::SpecErrors;
use iacgen::state::PlanReport;
use serde_json::{Value as Json, json};

/// Every problem of a spec as `{file, line, column, field, message}` (line and column 1-based,
/// 0 when the problem has no position, e.g. an unreadable file).
pub fn problems_json(errors: &SpecErrors) -> Json {
    Json::Array(
        errors
            .iter()
            .map(|e| {
                json!({
                    "file": e.file,
                    "line": e.line,
                    "column": e.column,
                    "field": e.path,
                    "message": e.message,
                })
            })
            .collect(),
    )
}

/// `validate --format json`: one object whether or not the spec is valid.
pub fn validate_json(spec: &str, result: Result<Vec<String>, &SpecErrors>) -> Json {
    match result {
        Ok(environments) => json!({
            "spec": spec,
            "valid": true,
            "environments": environments,
            "problems": [],
        }),
        Err(errors) => json!({
            "spec": spec,
            "valid": false,
            "environments": [],
            "problems": problems_json(errors),
        }),
    }
}

/// One `::error` per problem, on the spec line it is about; the field is the title.
pub fn problems_github(errors: &SpecErrors) -> String {
    let mut out = String::new();
    for e in errors {
        let place = Place {
            file: Some(&e.file),
            line: e.line,
            col: e.column,
        };
        out.push_str(&annotation(Level::Error, &place, &e.path, &e.message));
        out.push('\n');
    }
    out
}

/// `diff --format json`: what generating would change, file by file, each with its diff.
pub fn diff_json(spec: &str, out: &str, target: &str, changes: &[Change]) -> Json {
    let files: Vec<Json> = changes
        .iter()
        .map(|change| {
            let (what, hand_edited) = match change {
                Change::Created { .. } => ("create", false),
                Change::Changed { hand_edited, .. } => ("update", *hand_edited),
                Change::Removed { hand_edited, .. } => ("delete", *hand_edited),
            };
            json!({
                "path": change.path(),
                "change": what,
                "hand_edited": hand_edited,
                "diff": iacgen::output::unified_diff(std::slice::from_ref(change), false),
            })
        })
        .collect();
    json!({
        "spec": spec,
        "out": out,
        "target": target,
        "changes": !changes.is_empty(),
        "files": files,
    })
}

/// `plan --format github`: a notice with the counts, and a warning for each instance of the
/// state Terraform would destroy because iacgen does not manage it.
pub fn plan_github(report: &PlanReport) -> String {
    let s = report.summary();
    let moved = if report.adopt {
        format!("{} to import", s.import)
    } else {
        format!("{} moved", s.moved)
    };
    let mut out = annotation(
        Level::Notice,
        &Place::default(),
        &format!("iacgen plan {}", report.env),
        &format!(
            "{} to create, {} unchanged, {} drifted, {moved}, {} not managed by iacgen",
            s.create, s.unchanged, s.drifted, s.not_managed
        ),
    );
    out.push('\n');
    for u in &report.not_managed {
        let id =
            u.id.as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default();
        out.push_str(&annotation(
            Level::Warning,
            &Place::default(),
            "Terraform would destroy",
            &format!(
                "{}{id} is in the state of {} but iacgen does not manage it",
                u.address, report.env
            ),
        ));
        out.push('\n');
    }
    out
}
