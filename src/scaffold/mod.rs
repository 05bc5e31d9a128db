//! What makes the Terraform code a repository a team can push as is: the root `README.md`,
//! `.gitignore`, `.tflint.hcl`, the pre-commit and terraform-docs configs, the GitHub Actions
//! workflow, and each module's README.
//!
//! Prose and YAML come from Tera templates compiled into the binary (`templates/`), filled from
//! the facts gathered here; `.tflint.hcl` is HCL and so is built as a syntax tree. Like the rest
//! of `compile`, this is pure: platform in, files out.

pub mod actions;
mod render;
mod tfdocs;
mod tflint;

pub use render::FAILED as RENDER_FAILED;
pub use tfdocs::{BEGIN as TF_DOCS_BEGIN, END as TF_DOCS_END};
pub use tflint::AWS_RULESET_VERSION;

use crate::model::{GitRef, IacgenInstall, Platform, naming};
use crate::terraform::{AWS_PROVIDER_VERSION, Module, TERRAFORM_VERSION};
use crate::tree::Tree;
use serde::Serialize;

/// Terraform release the CI workflow installs (the code requires [`TERRAFORM_VERSION`]).
pub const CI_TERRAFORM_VERSION: &str = "1.15.5";
/// pre-commit-terraform release the pre-commit config pins.
pub const PRE_COMMIT_TERRAFORM_VERSION: &str = "v1.109.0";
/// Where the workflow lives.
pub const WORKFLOW_PATH: &str = ".github/workflows/terraform.yml";

/// The root files the spec's `repository` section asks for, keyed by path.
pub fn root_files(platform: &Platform, modules: &[Module]) -> Tree {
    let facts = Facts::new(platform, modules);
    let files = &platform.repository;
    let mut tree = Tree::new();
    if files.readme {
        tree.insert("README.md", render::render("README.md", &facts));
    }
    if files.gitignore {
        tree.insert(".gitignore", render::render(".gitignore", &facts));
    }
    if files.tflint {
        tree.insert(".tflint.hcl", tflint::config(&facts.spec_file));
    }
    if files.pre_commit {
        for name in [".pre-commit-config.yaml", ".terraform-docs.yml"] {
            tree.insert(name, render::render(name, &facts));
        }
    }
    if files.github_workflow {
        tree.insert(WORKFLOW_PATH, render::render("terraform.yml", &facts));
    }
    tree
}

/// A module's `README.md`: what it holds, then its inputs and outputs in terraform-docs' format.
pub fn module_readme(module: &Module) -> String {
    #[derive(Serialize)]
    struct Readme<'a> {
        dir: &'a str,
        summary: &'a str,
        tables: String,
    }
    render::render(
        "module-README.md",
        &Readme {
            dir: &module.dir,
            summary: &module.summary,
            tables: tfdocs::block(module),
        },
    )
}

/// The starter spec `iacgen init` writes: the smallest useful platform, with every other
/// section present but commented out (`commented: false` gives them all enabled).
pub fn starter_spec(
    project: &str,
    region: &str,
    spec_file: &str,
    schema_file: &str,
    commented: bool,
) -> String {
    #[derive(Serialize)]
    struct Starter<'a> {
        project: &'a str,
        region: &'a str,
        spec_file: &'a str,
        schema_file: &'a str,
        c: &'a str,
    }
    render::render(
        "platform.yaml",
        &Starter {
            project,
            region,
            spec_file,
            schema_file,
            c: if commented { "# " } else { "" },
        },
    )
}

/// Everything the templates say about the platform, computed once.
#[derive(Serialize)]
struct Facts {
    project: String,
    spec_file: String,
    terraform_version: &'static str,
    ci_terraform_version: &'static str,
    aws_provider_version: &'static str,
    pre_commit_terraform: &'static str,
    environments: Vec<EnvFacts>,
    /// `dev → staging → prod`
    order: String,
    /// `dev, staging and prod`
    env_list: String,
    /// The last environment: the one whose apply should wait for a reviewer.
    production: String,
    modules: Vec<ModuleFacts>,
    backend: Option<BackendFacts>,
    /// CI applies only with remote state.
    apply: bool,
    /// Some environment's provider assumes a role (`environments.<env>.role_arn`).
    roles: bool,
    secrets: Vec<SecretFacts>,
    manual: Vec<SecretFacts>,
    layout: String,
    files: FileFacts,
    /// `uses:` of each action, pinned: `actions/checkout@<sha> # v7.0.1`.
    uses: std::collections::BTreeMap<&'static str, String>,
    install: InstallFacts,
    /// A Mermaid diagram per environment (`crate::graph`).
    diagrams: Vec<DiagramFacts>,
}

/// How the workflow installs iacgen: `git` (cargo builds it at `flag` `reference`) or
/// `release` (download `url`, check `sha256`).
#[derive(Serialize)]
struct InstallFacts {
    kind: &'static str,
    url: String,
    flag: &'static str,
    reference: String,
    sha256: String,
}

impl InstallFacts {
    fn new(install: &IacgenInstall) -> Self {
        match install {
            IacgenInstall::Git { url, reference } => {
                let (flag, reference) = match reference {
                    GitRef::Rev(rev) => ("--rev", rev),
                    GitRef::Tag(tag) => ("--tag", tag),
                    // Refused by validation; never rendered.
                    GitRef::UnknownBuild => ("--rev", &String::new()),
                };
                Self {
                    kind: "git",
                    url: url.clone(),
                    flag,
                    reference: reference.clone(),
                    sha256: String::new(),
                }
            }
            IacgenInstall::Release { url, sha256 } => Self {
                kind: "release",
                url: url.clone(),
                flag: "",
                reference: String::new(),
                sha256: sha256.clone(),
            },
        }
    }
}

#[derive(Serialize)]
struct DiagramFacts {
    env: String,
    mermaid: String,
}

#[derive(Serialize)]
struct EnvFacts {
    name: String,
    region: String,
    account: String,
    state: String,
    secret_prefix: String,
    plan_role_variable: String,
    apply_role_variable: String,
    apply_job: String,
    /// `needs` of the apply job: the checks, or the previous environment's apply.
    needs: String,
}

#[derive(Serialize)]
struct ModuleFacts {
    dir: String,
    summary: String,
}

#[derive(Serialize)]
struct BackendFacts {
    /// The state buckets, each once: `` `acme-state` (us-east-1) ``.
    buckets: String,
    several: bool,
    /// Some environment also locks with a DynamoDB table.
    dynamodb: bool,
}

#[derive(Serialize, Clone)]
struct SecretFacts {
    name: String,
    description: String,
    generated: bool,
}

#[derive(Serialize)]
struct FileFacts {
    readme: bool,
    gitignore: bool,
    tflint: bool,
    pre_commit: bool,
    github_workflow: bool,
}

impl Facts {
    fn new(platform: &Platform, modules: &[Module]) -> Self {
        let names: Vec<&str> = platform.env_names().collect();
        let mut environments = Vec::new();
        for (i, env) in names.iter().enumerate() {
            let account = platform.environment(env).and_then(|e| e.account_id.clone());
            let variable = env.to_ascii_uppercase().replace('-', "_");
            environments.push(EnvFacts {
                name: env.to_string(),
                region: platform.region.get(env).cloned().unwrap_or_default(),
                account: {
                    let mut text = account.map_or("any".to_string(), |a| format!("`{a}`"));
                    // The role the provider assumes there.
                    if let Some(role) = platform.environment(env).and_then(|e| e.role_arn.as_ref())
                    {
                        text.push_str(&format!(" as `{role}`"));
                    }
                    text
                },
                state: match platform.backend.as_ref().and_then(|s3| s3.location(env)) {
                    Some(state) => {
                        let mut text = format!("`s3://{}/{}`", state.bucket, state.key);
                        if let Some(role) = &state.role_arn {
                            text.push_str(&format!(" as `{role}`"));
                        }
                        text
                    }
                    None => format!("local: `environments/{env}/terraform.tfstate`"),
                },
                secret_prefix: naming::resource_prefix(&platform.project, env),
                plan_role_variable: format!("AWS_PLAN_ROLE_ARN_{variable}"),
                apply_role_variable: format!("AWS_APPLY_ROLE_ARN_{variable}"),
                apply_job: format!("apply-{env}"),
                needs: match i {
                    0 => "plan".to_string(),
                    _ => format!("[plan, apply-{}]", names[i - 1]),
                },
            });
        }
        let mut module_facts: Vec<ModuleFacts> = Vec::new();
        for module in modules {
            if !module_facts.iter().any(|m| m.dir == module.dir) {
                module_facts.push(ModuleFacts {
                    dir: module.dir.clone(),
                    summary: cell(first_paragraph(&module.summary)),
                });
            }
        }
        let secrets: Vec<SecretFacts> = platform
            .secrets
            .iter()
            .map(|(name, secret)| SecretFacts {
                name: name.clone(),
                description: cell(&secret.description),
                generated: secret.generate.is_some(),
            })
            .collect();
        let r = &platform.repository;
        Self {
            project: platform.project.clone(),
            spec_file: r.spec_file.clone(),
            terraform_version: TERRAFORM_VERSION,
            ci_terraform_version: CI_TERRAFORM_VERSION,
            aws_provider_version: AWS_PROVIDER_VERSION,
            pre_commit_terraform: PRE_COMMIT_TERRAFORM_VERSION,
            order: names.join(" → "),
            env_list: match names.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, init)) => format!("{} and {last}", init.join(", ")),
                None => String::new(),
            },
            production: names.last().map(|s| s.to_string()).unwrap_or_default(),
            layout: layout(platform, modules),
            environments,
            modules: module_facts,
            backend: platform.backend.as_ref().map(|s3| {
                let buckets: Vec<String> = names
                    .iter()
                    .filter_map(|env| s3.location(env))
                    .map(|state| format!("`{}` ({})", state.bucket, state.region))
                    .fold(Vec::new(), |mut seen, b| {
                        if !seen.contains(&b) {
                            seen.push(b);
                        }
                        seen
                    });
                BackendFacts {
                    several: buckets.len() > 1,
                    buckets: buckets.join(", "),
                    dynamodb: s3.dynamodb_table.is_some(),
                }
            }),
            apply: platform.backend.is_some(),
            roles: platform.environments.iter().any(|e| e.role_arn.is_some()),
            manual: secrets.iter().filter(|s| !s.generated).cloned().collect(),
            secrets,
            uses: actions::uses(),
            install: InstallFacts::new(&r.iacgen),
            diagrams: names
                .iter()
                .filter_map(|env| {
                    let mermaid =
                        crate::graph::render(platform, env, crate::graph::Format::Mermaid).ok()?;
                    Some(DiagramFacts {
                        env: env.to_string(),
                        mermaid,
                    })
                })
                .collect(),
            files: FileFacts {
                readme: r.readme,
                gitignore: r.gitignore,
                tflint: r.tflint,
                pre_commit: r.pre_commit,
                github_workflow: r.github_workflow,
            },
        }
    }
}

/// A module's summary up to its first blank line: the rest is for its own README.
fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or(text).trim()
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// The repository tree with a note per entry, aligned.
fn layout(platform: &Platform, modules: &[Module]) -> String {
    let r = &platform.repository;
    let mut rows: Vec<(String, String)> = vec![(
        r.spec_file.clone(),
        "the spec: edit this, then regenerate".to_string(),
    )];
    rows.push((
        "modules/".into(),
        "one module per concern, shared by every environment".into(),
    ));
    let mut dirs: Vec<&str> = Vec::new();
    for module in modules {
        if !dirs.contains(&module.dir.as_str()) {
            dirs.push(&module.dir);
            rows.push((
                format!("  {}/", module.dir),
                "main.tf variables.tf outputs.tf versions.tf README.md".into(),
            ));
        }
    }
    rows.push((
        "environments/".into(),
        "one Terraform root per environment".into(),
    ));
    for env in platform.env_names() {
        rows.push((
            format!("  {env}/"),
            "module calls, provider, backend; terraform.tfvars holds its values".into(),
        ));
    }
    let optional = [
        (r.readme, "README.md", "this file"),
        (
            r.gitignore,
            ".gitignore",
            "Terraform working files and state stay out of git",
        ),
        (
            r.tflint,
            ".tflint.hcl",
            "tflint: recommended rules plus the AWS ruleset",
        ),
        (
            r.pre_commit,
            ".pre-commit-config.yaml",
            "checks before each commit",
        ),
        (
            r.pre_commit,
            ".terraform-docs.yml",
            "the module READMEs' input and output tables",
        ),
        (
            r.github_workflow,
            WORKFLOW_PATH,
            "CI: checks and plans; on main, applies the plans it shows",
        ),
    ];
    for (on, path, note) in optional {
        if on {
            rows.push((path.into(), note.into()));
        }
    }
    rows.push((
        ".iacgen/manifest.json".into(),
        "what iacgen wrote, to tell hand edits apart".into(),
    ));
    let width = rows
        .iter()
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    rows.iter()
        .map(|(path, note)| format!("{path:<width$}{note}"))
        .collect::<Vec<_>>()
        .join("\n")
}
