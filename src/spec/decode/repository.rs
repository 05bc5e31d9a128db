//! `repository`

use super::context::{At, Cx, Table};
use super::values::{boolean, string};
use crate::model::Repository;

const FIELDS: &[&str] = &[
    "spec_file",
    "readme",
    "gitignore",
    "tflint",
    "pre_commit",
    "github_workflow",
];

pub fn repository(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Repository> {
    let d = Repository::default();
    let t = Table::new(cx, at, FIELDS)?;
    let spec_file = t.or(cx, "spec_file", d.spec_file, string);
    let readme = t.or(cx, "readme", d.readme, boolean);
    let gitignore = t.or(cx, "gitignore", d.gitignore, boolean);
    let tflint = t.or(cx, "tflint", d.tflint, boolean);
    let pre_commit = t.or(cx, "pre_commit", d.pre_commit, boolean);
    let github_workflow = t.or(cx, "github_workflow", d.github_workflow, boolean);
    Some(Repository {
        spec_file: spec_file?,
        readme: readme?,
        gitignore: gitignore?,
        tflint: tflint?,
        pre_commit: pre_commit?,
        github_workflow: github_workflow?,
    })
}
