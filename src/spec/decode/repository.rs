//! `repository`

use super::context::{At, Cx, Table};
use super::values::{boolean, string};
use crate::model::{GitRef, IacgenInstall, Repository};

const FIELDS: &[&str] = &[
    "spec_file",
    "readme",
    "gitignore",
    "tflint",
    "pre_commit",
    "github_workflow",
    "iacgen",
];

const INSTALL_FIELDS: &[&str] = &["git", "rev", "tag", "url", "sha256"];

pub fn repository(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Repository> {
    let d = Repository::default();
    let t = Table::new(cx, at, FIELDS)?;
    let spec_file = t.or(cx, "spec_file", d.spec_file, string);
    let readme = t.or(cx, "readme", d.readme, boolean);
    let gitignore = t.or(cx, "gitignore", d.gitignore, boolean);
    let tflint = t.or(cx, "tflint", d.tflint, boolean);
    let pre_commit = t.or(cx, "pre_commit", d.pre_commit, boolean);
    let github_workflow = t.or(cx, "github_workflow", d.github_workflow, boolean);
    let iacgen = t.or(cx, "iacgen", d.iacgen, install);
    Some(Repository {
        spec_file: spec_file?,
        readme: readme?,
        gitignore: gitignore?,
        tflint: tflint?,
        pre_commit: pre_commit?,
        github_workflow: github_workflow?,
        iacgen: iacgen?,
    })
}

/// `repository.iacgen`: `{git, rev}`, `{git, tag}` or `{url, sha256}`; the values themselves
/// are checked by validation.
fn install(cx: &mut Cx<'_>, at: &At<'_>) -> Option<IacgenInstall> {
    let t = Table::new(cx, at, INSTALL_FIELDS)?;
    let git = t.optional(cx, "git", string);
    let rev = t.optional(cx, "rev", string);
    let tag = t.optional(cx, "tag", string);
    let url = t.optional(cx, "url", string);
    let sha256 = t.optional(cx, "sha256", string);
    match (git?, rev?, tag?, url?, sha256?) {
        (Some(url), Some(rev), None, None, None) => Some(IacgenInstall::Git {
            url,
            reference: GitRef::Rev(rev),
        }),
        (Some(url), None, Some(tag), None, None) => Some(IacgenInstall::Git {
            url,
            reference: GitRef::Tag(tag),
        }),
        (None, None, None, Some(url), Some(sha256)) => Some(IacgenInstall::Release { url, sha256 }),
        _ => cx.invalid(
            at,
            "give either `git` with `rev` (a full commit SHA) or `tag`, or a release archive's \
             `url` with its `sha256`",
        ),
    }
}
