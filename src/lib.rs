//! iacgen: typed models of an AWS platform compiled into a Terraform repository.
//!
//! Pipeline: [`spec`] (file → located document → model) → [`model`] (typed, validated) →
//! [`terraform`] (model → [`tree::Tree`] of files) → [`tree`] (write, diff).

pub mod graph;
pub mod hcl;
pub mod init;
pub mod model;
mod observability;
pub mod output;
pub mod pulumi;
pub mod scaffold;
pub mod shared_file;
pub mod spec;
pub mod spec_copy;
pub mod state;
pub mod terraform;
pub mod tree;

use model::Platform;
use model::validate::Problem;
use tree::Tree;

/// Validates a platform and compiles it to the files of a Terraform repository.
///
/// This is the whole job of `iacgen generate` minus reading the spec and writing files: a Rust
/// program that builds a [`Platform`] gets the same bytes as the spec file that describes it.
pub fn render(platform: &Platform) -> Result<Tree, Vec<Problem>> {
    let problems = model::validate::validate(platform);
    if problems.is_empty() {
        Ok(terraform::compile(platform))
    } else {
        Err(problems)
    }
}

/// Validates a platform and compiles it to the files of a Pulumi Python project (under
/// `pulumi/`), the counterpart of [`render`].
pub fn render_pulumi(platform: &Platform) -> Result<Tree, Vec<Problem>> {
    let problems = model::validate::validate(platform);
    if problems.is_empty() {
        Ok(pulumi::compile(platform))
    } else {
        Err(problems)
    }
}
