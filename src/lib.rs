//! iacgen: typed models of an AWS platform compiled into a Terraform repository.
//!
//! Pipeline: [`spec`] (file → located document → model) → [`model`] (typed, validated) →
//! [`describe`] (each resource once) → [`terraform`] (modules, roots) and [`scaffold`] (docs,
//! tooling), put together by [`repository`] → [`output`] (a [`tree::Tree`] or a generation
//! written file by file, diff).

pub mod describe;
pub mod graph;
pub mod hcl;
pub mod init;
pub mod model;
mod observability;
pub mod output;
pub mod pulumi;
pub mod repository;
pub mod scaffold;
pub mod shared_file;
pub mod spec;
pub mod spec_copy;
pub mod state;
pub mod terraform;
pub mod tree;

use std::path::Path;

use model::Platform;
use model::kept::Kept;
use model::validate::Problem;
use spec::{KeptFile, SpecErrors};
use terraform::kept::KeptProblem;
use tree::Tree;

/// Validates a platform and compiles it to the files of a Terraform repository.
///
/// This is the whole job of `iacgen generate` minus reading the spec and writing files: a Rust
/// program that builds a [`Platform`] gets the same bytes as the spec file that describes it.
pub fn render(platform: &Platform) -> Result<Tree, Vec<Problem>> {
    render_kept(platform, &model::kept::Kept::default())
}

/// [`render`] with the values environments keep from existing objects (read with
/// [`load_kept`]; see [`model::kept`]). Kept values that name something the modules do
/// not have are problems too.
pub fn render_kept(platform: &Platform, kept: &model::kept::Kept) -> Result<Tree, Vec<Problem>> {
    check_kept(platform, kept).map(|()| repository::compile_kept(platform, kept))
}

/// [`render_kept`] into `sink` a file at a time (see [`repository::compile_into`]): what
/// `generate` writes, without holding the whole repository. On problems, nothing is put.
pub fn render_kept_into(
    platform: &Platform,
    kept: &model::kept::Kept,
    sink: &mut dyn tree::FileSink,
) -> Result<(), Vec<Problem>> {
    check_kept(platform, kept).map(|()| repository::compile_into(platform, kept, None, sink))
}

/// [`render_kept`] for one environment: the modules and its root, none of the repository's
/// other files (what `plan` needs, a third of the work with three environments).
pub fn render_env(
    platform: &Platform,
    kept: &model::kept::Kept,
    env: &str,
) -> Result<Tree, Vec<Problem>> {
    check_kept(platform, kept).map(|()| {
        if platform.env_names().any(|e| e == env) {
            repository::compile_env(platform, kept, env)
        } else {
            // Every environment, for the reader's error that names them.
            repository::compile_kept(platform, kept)
        }
    })
}

fn check_kept(platform: &Platform, kept: &model::kept::Kept) -> Result<(), Vec<Problem>> {
    let mut problems = model::validate::validate(platform);
    // The modules are built again by the compiler: only kept values need them here.
    if problems.is_empty() && !kept.environments.is_empty() {
        let modules = terraform::modules(platform);
        problems.extend(
            terraform::kept::problems(kept, &modules)
                .into_iter()
                .map(|p| {
                    let mut path = vec!["kept".to_string(), p.env, p.module];
                    path.extend(p.key.map(|k| k.to_string()));
                    Problem::new(&path, p.message)
                }),
        );
    }
    if problems.is_empty() {
        Ok(())
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

/// Reads the kept values beside `spec` ([`spec::kept_path`]) for `platform`, none when the file
/// does not exist, and checks them against the code generated for `platform`: every problem is
/// reported at its line and column in the file (an environment the spec does not have, a module
/// call, resource, block or instance key the generated code does not have, ...).
///
/// Reading is [`spec::read_kept`]'s; the checks are here, above the generators, because `spec`
/// depends on the model only (ARCHITECTURE.md: one import direction).
pub fn load_kept(spec: &Path, platform: &Platform) -> Result<Kept, SpecErrors> {
    match spec::read_kept(spec, platform)? {
        Some(file) => check_kept_file(file, platform),
        None => Ok(Kept::default()),
    }
}

/// [`load_kept`] of a file's text; `file` is only used in messages.
pub fn parse_kept(text: &str, file: &str, platform: &Platform) -> Result<Kept, SpecErrors> {
    check_kept_file(KeptFile::parse(text, file, platform)?, platform)
}

/// The checks of [`load_kept`]: keys the generated modules do not have, then (only when
/// everything else holds) instance keys the environments do not have.
fn check_kept_file(mut file: KeptFile, platform: &Platform) -> Result<Kept, SpecErrors> {
    let modules = terraform::modules(platform);
    for p in terraform::kept::problems(&file.kept, &modules) {
        file.problem(&p.env, &p.module, p.key.as_ref(), p.message);
    }
    if !file.has_problems() {
        for p in unknown_instances(&file.kept, platform) {
            file.problem(&p.env, &p.module, p.key.as_ref(), p.message);
        }
    }
    file.finish()
}

/// Keys naming a `for_each` instance the environment does not have (a pool, an AZ, a secret
/// that is not in the spec).
fn unknown_instances(kept: &Kept, platform: &Platform) -> Vec<KeptProblem> {
    let tree = repository::compile(platform);
    let mut out = Vec::new();
    for (env, modules) in &kept.environments {
        let Ok(inventory) = state::inventory(&tree, env) else {
            continue;
        };
        for (module, values) in modules {
            for key in values.keys() {
                let Some(instance) = &key.instance else {
                    continue;
                };
                let wanted = format!("module.{module}.{}.{}[{:?}]", key.type_, key.name, instance);
                let resource = format!("module.{module}.{}.{}[", key.type_, key.name);
                let mut keys: Vec<String> = Vec::new();
                let mut found = false;
                for i in &inventory.instances {
                    let text = i.address.to_string();
                    found |= text == wanted;
                    if let (Some(rest), Some(state::IndexKey::Str(k))) =
                        (text.strip_prefix(&resource), &i.address.index)
                        && !rest.is_empty()
                    {
                        keys.push(k.clone());
                    }
                }
                if !found {
                    out.push(KeptProblem {
                        env: env.clone(),
                        module: module.clone(),
                        key: Some(key.clone()),
                        message: format!(
                            "environment {env} has no instance {instance:?} of {}.{} (instances: {})",
                            key.type_,
                            key.name,
                            keys.join(", ")
                        ),
                    });
                }
            }
        }
    }
    out
}
