//! The repository around the Terraform code: root README, .gitignore, tflint, pre-commit and
//! terraform-docs configs, the GitHub Actions workflow, and module READMEs, for every example.

mod support;

use iacgen::model::Platform;
use iacgen::tree::Tree;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(spec: &Path) -> Platform {
    iacgen::spec::load_file(spec).unwrap_or_else(|e| panic!("{e}"))
}

fn render(platform: &Platform) -> Tree {
    iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn example() -> Platform {
    load(&root().join("examples/platform.yaml"))
}

fn yaml(tree: &Tree, path: &str) -> Value {
    let text = tree.get(path).unwrap_or_else(|| panic!("no {path}"));
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}\n{text}"))
}

fn strs(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Every `run:` of a job, joined.
fn runs(job: &Value) -> String {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn uses(job: &Value) -> Vec<&str> {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect()
}

#[test]
fn every_example_gets_the_root_files_it_asks_for() {
    for spec in support::examples() {
        let platform = load(&spec);
        let tree = render(&platform);
        for (path, contents) in tree.iter() {
            assert!(
                !contents.contains(iacgen::scaffold::RENDER_FAILED),
                "{}: {path}: {contents}",
                spec.display()
            );
        }
        let r = &platform.repository;
        for (on, file) in [
            (r.readme, "README.md"),
            (r.gitignore, ".gitignore"),
            (r.tflint, ".tflint.hcl"),
            (r.pre_commit, ".pre-commit-config.yaml"),
            (r.pre_commit, ".terraform-docs.yml"),
            (r.github_workflow, ".github/workflows/terraform.yml"),
        ] {
            assert_eq!(tree.get(file).is_some(), on, "{}: {file}", spec.display());
        }
    }
}

#[test]
fn the_workflow_checks_plans_and_applies_every_environment() {
    for spec in support::examples() {
        let platform = load(&spec);
        let envs: Vec<&str> = platform.env_names().collect();
        let workflow = yaml(&render(&platform), ".github/workflows/terraform.yml");
        let at = spec.display();

        assert!(
            workflow["on"].get("pull_request").is_some(),
            "{at}: not run on pull requests"
        );
        assert_eq!(strs(&workflow["on"]["push"]["branches"]), ["main"], "{at}");
        let jobs = &workflow["jobs"];

        let check = runs(&jobs["check"]);
        assert!(check.contains("terraform fmt -check"), "{at}");
        let spec_file = &platform.repository.spec_file;
        assert!(
            check.contains(&format!("iacgen diff \"{spec_file}\" --out .")),
            "{at}: {check}"
        );
        assert!(check.contains("tflint --recursive"), "{at}");
        assert!(
            uses(&jobs["check"])
                .iter()
                .any(|u| u.starts_with("bridgecrewio/checkov-action@")),
            "{at}: no checkov"
        );

        assert_eq!(
            strs(&jobs["validate"]["strategy"]["matrix"]["environment"]),
            envs,
            "{at}"
        );
        assert!(
            runs(&jobs["validate"]).contains("terraform validate"),
            "{at}"
        );

        let plan = &jobs["plan"];
        if platform.backend.is_some() {
            // On main too: the apply jobs apply the plans this job saves and shows.
            assert!(plan.get("if").is_none(), "{at}");
        } else {
            assert_eq!(plan["if"], "github.event_name == 'pull_request'", "{at}");
        }
        assert_eq!(
            plan["permissions"]["id-token"], "write",
            "{at}: no OIDC token"
        );
        let include = plan["strategy"]["matrix"]["include"].as_array().unwrap();
        let planned: Vec<&str> = include
            .iter()
            .filter_map(|e| e["environment"].as_str())
            .collect();
        assert_eq!(planned, envs, "{at}");
        for (entry, env) in include.iter().zip(&envs) {
            assert_eq!(
                entry["region"].as_str(),
                platform.region.get(env).map(String::as_str)
            );
        }
        assert!(
            uses(plan)
                .iter()
                .any(|u| u.starts_with("aws-actions/configure-aws-credentials@"))
        );
        assert!(runs(plan).contains("terraform plan"), "{at}");
        assert!(
            runs(plan).contains("GITHUB_STEP_SUMMARY"),
            "{at}: plan not posted"
        );
        assert!(
            uses(plan)
                .iter()
                .any(|u| u.starts_with("actions/upload-artifact@")),
            "{at}"
        );

        let apply_jobs: Vec<&str> = jobs
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| k.starts_with("apply-"))
            .map(String::as_str)
            .collect();
        if platform.backend.is_none() {
            assert!(apply_jobs.is_empty(), "{at}: applies with local state");
            continue;
        }
        assert_eq!(apply_jobs.len(), envs.len(), "{at}");
        for (i, env) in envs.iter().enumerate() {
            let job = &jobs[format!("apply-{env}")];
            assert_eq!(
                job["environment"], *env,
                "{at}: {env} not protected by its environment"
            );
            assert_eq!(
                job["if"], "github.event_name == 'push' && github.ref == 'refs/heads/main'",
                "{at}"
            );
            assert_eq!(job["permissions"]["id-token"], "write", "{at}");
            // It applies the plan the plan job saved and showed, not a new one.
            let download = job["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| {
                    s["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/download-artifact@"))
                })
                .unwrap_or_else(|| panic!("{at}: {env} applies no saved plan"));
            assert_eq!(download["with"]["name"], format!("plan-{env}"), "{at}");
            assert_eq!(
                download["with"]["path"],
                format!("environments/{env}"),
                "{at}"
            );
            assert!(runs(job).contains("terraform apply tfplan"), "{at}");
            assert!(!runs(job).contains("terraform plan"), "{at}: plans again");
            // In order: each environment after the previous one, the first after the plans.
            let needs = &job["needs"];
            if i == 0 {
                assert_eq!(needs, "plan", "{at}");
            } else {
                assert_eq!(
                    strs(needs),
                    ["plan", &format!("apply-{}", envs[i - 1])],
                    "{at}"
                );
            }
        }
    }
}

/// Every step of every job.
fn steps(workflow: &Value) -> Vec<(&String, &Value)> {
    workflow["jobs"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(name, job)| {
            job["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |step| (name, step))
        })
        .collect()
}

#[test]
fn the_workflow_pins_every_action_to_a_commit_on_a_supported_runtime() {
    let tree = render(&example());
    let text = tree.get(".github/workflows/terraform.yml").unwrap();
    let workflow = yaml(&tree, ".github/workflows/terraform.yml");
    let pins = iacgen::scaffold::actions::PINS;
    let mut used = Vec::new();
    for (job, step) in steps(&workflow) {
        let Some(uses) = step["uses"].as_str() else {
            continue;
        };
        let (action, sha) = uses.split_once('@').unwrap();
        let pin = pins
            .iter()
            .find(|p| p.action == action)
            .unwrap_or_else(|| panic!("{job}: {uses} is not in the pinned list"));
        assert_eq!(sha, pin.sha, "{job}: {uses}");
        assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()));
        // The release is named beside the commit, for people and for update bots.
        assert!(
            text.contains(&format!("{uses} # {}", pin.version)),
            "{job}: {uses} without its version"
        );
        used.push(action);
    }
    for pin in pins {
        assert!(
            used.contains(&pin.action),
            "{} pinned but not used",
            pin.action
        );
        assert!(
            ["node24", "docker", "composite"].contains(&pin.runs),
            "{} runs on {}",
            pin.action,
            pin.runs
        );
    }
}

#[test]
fn the_workflow_keeps_no_credentials_and_asks_for_least_permissions() {
    for spec in support::examples() {
        let at = spec.display();
        let tree = render(&load(&spec));
        let workflow = yaml(&tree, ".github/workflows/terraform.yml");
        assert_eq!(workflow["permissions"], serde_json::json!({}), "{at}");
        for (name, job) in workflow["jobs"].as_object().unwrap() {
            let permissions = job["permissions"].as_object();
            let permissions = permissions.unwrap_or_else(|| panic!("{at}: {name} inherits"));
            assert_eq!(permissions["contents"], "read", "{at}: {name}");
            let oidc = uses(job)
                .iter()
                .any(|u| u.starts_with("aws-actions/configure-aws-credentials@"));
            let expected = if oidc { 2 } else { 1 };
            assert_eq!(permissions.len(), expected, "{at}: {name}: {permissions:?}");
            if oidc {
                assert_eq!(permissions["id-token"], "write", "{at}: {name}");
            }
        }
        for (job, step) in steps(&workflow) {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
            {
                assert_eq!(
                    step["with"]["persist-credentials"], false,
                    "{at}: {job} keeps the token in .git/config"
                );
            }
        }
    }
}

#[test]
fn the_workflow_installs_iacgen_as_the_spec_says() {
    let install = |platform: &Platform| -> String {
        let tree = render(platform);
        let workflow = yaml(&tree, ".github/workflows/terraform.yml");
        let step = steps(&workflow)
            .into_iter()
            .find(|(_, s)| s["name"] == "Install iacgen")
            .map(|(_, s)| s.clone())
            .expect("an install step");
        let env = step["env"].as_object().unwrap();
        let mut script = step["run"].as_str().unwrap().to_string();
        for (name, value) in env {
            let value = value.as_str().unwrap();
            script = script
                .replace(&format!("\"${name}\""), value)
                .replace(&format!("${name}"), value);
        }
        script
    };
    // By default: iacgen's repository at the commit of the iacgen that generated the workflow
    // (no release tag needs to exist; not crates.io, where it is not), the commit that
    // `iacgen --version` names.
    let script = install(&example());
    let commit = iacgen::model::BUILD_COMMIT.expect("tests are built from a git checkout");
    assert!(
        script.contains(&format!(
            "cargo install --locked --git https://github.com/iacgen/iacgen --rev {commit} iacgen"
        )),
        "{script}"
    );
    let version = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("--version")
        .output()
        .unwrap();
    let version = String::from_utf8_lossy(&version.stdout).to_string();
    assert!(
        version.contains(&format!("(commit {})", &commit[..12])),
        "{version} does not name {commit}"
    );
    assert!(!script.contains("cargo install iacgen"));

    let base = std::fs::read_to_string(root().join("examples/minimal.yaml")).unwrap();
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let spec = format!(
        "{base}\nrepository:\n  iacgen: {{ git: https://example.com/fork/iacgen.git, rev: {sha} }}\n"
    );
    let platform = iacgen::spec::load_str(&spec, iacgen::spec::Format::Yaml, "p.yaml").unwrap();
    let script = install(&platform);
    assert!(
        script.contains(&format!(
            "cargo install --locked --git https://example.com/fork/iacgen.git --rev {sha} iacgen"
        )),
        "{script}"
    );

    let sum = "ab".repeat(32);
    let spec = format!(
        "{base}\nrepository:\n  iacgen: {{ url: https://example.com/iacgen.tar.gz, sha256: {sum} }}\n"
    );
    let platform = iacgen::spec::load_str(&spec, iacgen::spec::Format::Yaml, "p.yaml").unwrap();
    let script = install(&platform);
    let check = script.find("sha256sum --check").expect("checksum checked");
    let unpack = script.find("tar -xzf").expect("unpacked");
    assert!(check < unpack, "checked before it is unpacked: {script}");
    assert!(script.contains(&sum) && script.contains("https://example.com/iacgen.tar.gz"));

    // A revision that is not a full commit, or both kinds at once, is refused where it is.
    for (bad, field) in [
        (
            "{ git: https://x.example/i, rev: abc1234 }",
            "repository.iacgen.rev",
        ),
        (
            "{ git: http://x.example/i, tag: v1 }",
            "repository.iacgen.git",
        ),
        (
            "{ url: https://x.example/i.tar.gz, sha256: nope }",
            "repository.iacgen.sha256",
        ),
        (
            "{ git: https://x.example/i, rev: abc, url: https://y }",
            "repository.iacgen",
        ),
    ] {
        let spec = format!("{base}\nrepository:\n  iacgen: {bad}\n");
        let errors =
            iacgen::spec::load_str(&spec, iacgen::spec::Format::Yaml, "p.yaml").expect_err(bad);
        assert!(
            errors.iter().any(|e| e.path == field && e.line > 0),
            "{bad}: {errors}"
        );
    }
}

#[test]
fn the_plan_summary_is_a_table_per_environment() {
    let tree = render(&example());
    let workflow = yaml(&tree, ".github/workflows/terraform.yml");
    let summary = runs(&workflow["jobs"]["plan"]);
    assert!(summary.contains("GITHUB_STEP_SUMMARY"));
    assert!(summary.contains("| Create | Update | Replace | Destroy | Import | Unchanged |"));
    assert!(summary.contains("terraform show -json tfplan"));
}

#[test]
fn pre_commit_runs_fmt_validate_docs_tflint_and_checkov() {
    let tree = render(&example());
    let config = yaml(&tree, ".pre-commit-config.yaml");
    let repo = &config["repos"][0];
    assert_eq!(
        repo["repo"],
        "https://github.com/antonbabenko/pre-commit-terraform"
    );
    assert!(repo["rev"].as_str().is_some_and(|r| r.starts_with('v')));
    let ids: Vec<&str> = repo["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "terraform_fmt",
            "terraform_validate",
            "terraform_docs",
            "terraform_tflint",
            "terraform_checkov"
        ]
    );
    let docs = yaml(&tree, ".terraform-docs.yml");
    assert_eq!(docs["formatter"], "markdown table");
    assert_eq!(strs(&docs["sections"]["show"]), ["inputs", "outputs"]);
}

#[test]
fn tflint_uses_the_recommended_preset_and_the_aws_ruleset() {
    let text = render(&example()).get(".tflint.hcl").unwrap().to_string();
    let body: hcl::Body = hcl::parse(&text).unwrap();
    let plugins: Vec<(String, hcl::Body)> = body
        .blocks()
        .filter(|b| b.identifier() == "plugin")
        .map(|b| (b.labels()[0].as_str().to_string(), b.body().clone()))
        .collect();
    let attr = |body: &hcl::Body, key: &str| {
        body.attributes()
            .find(|a| a.key() == key)
            .map(|a| a.expr().to_string())
    };
    let terraform = &plugins.iter().find(|(n, _)| n == "terraform").unwrap().1;
    assert_eq!(
        attr(terraform, "preset").as_deref(),
        Some("\"recommended\"")
    );
    let aws = &plugins.iter().find(|(n, _)| n == "aws").unwrap().1;
    assert_eq!(
        attr(aws, "source").as_deref(),
        Some("\"github.com/terraform-linters/tflint-ruleset-aws\"")
    );
    assert!(attr(aws, "version").is_some(), "the ruleset must be pinned");
    // terraform fmt leaves it as it is (it formats .tf files only, so check a copy).
    if let Some(tf) = tool("tf") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tflint.tf"), &text).unwrap();
        let out = Command::new(tf)
            .args(["fmt", "-check", "-diff"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A tool of ../shared/tools, or `None` (with a note) when they are not installed outside CI.
fn tool(name: &str) -> Option<PathBuf> {
    let tools = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/tools"));
    let path = tools.join("bin").join(name);
    let venv = std::env::var_os("TF_TOOLS_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/iacgen-tools/venv"))
        });
    if path.exists() && venv.is_some_and(|v| v.exists()) {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is needed in CI",
        path.display()
    );
    eprintln!(
        "note: {} not installed; skipping that check",
        path.display()
    );
    None
}

#[test]
fn gitignore_keeps_state_and_working_files_out_but_not_the_lock_file() {
    let text = render(&example()).get(".gitignore").unwrap().to_string();
    let Ok(git) = Command::new("git").arg("--version").output() else {
        assert!(std::env::var_os("CI").is_none(), "git is needed in CI");
        return;
    };
    assert!(git.status.success());
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(run(&["init", "-q"]).status.success());
    std::fs::write(dir.path().join(".gitignore"), text).unwrap();
    let ignored = |path: &str| {
        run(&["check-ignore", "-q", "--no-index", path])
            .status
            .success()
    };
    for path in [
        "environments/dev/.terraform/providers/aws",
        ".terraform/modules/modules.json",
        "environments/dev/terraform.tfstate",
        "environments/dev/terraform.tfstate.backup",
        "environments/dev/crash.log",
        "environments/dev/tfplan",
        "environments/dev/plan.json",
    ] {
        assert!(ignored(path), "{path} is not ignored");
    }
    for path in [
        "environments/dev/.terraform.lock.hcl",
        "environments/dev/terraform.tfvars",
        "environments/dev/main.tf",
        ".iacgen/manifest.json",
        "platform.yaml",
        ".tflint.hcl",
        // Override files extend generated modules (the README shows one): committed, so CI
        // plans what a person planned.
        "modules/eks/autoscaler_override.tf",
        "environments/dev/override.tf",
        "environments/prod/extra_override.tf.json",
    ] {
        assert!(!ignored(path), "{path} is ignored");
    }
}

#[test]
fn the_readme_explains_the_repository_without_secret_values() {
    let platform = example();
    let readme = render(&platform).get("README.md").unwrap().to_string();
    assert!(readme.contains(&format!("[`{0}`]({0})", platform.repository.spec_file)));
    for env in platform.env_names() {
        for step in ["init", "plan -out=tfplan", "apply tfplan"] {
            let command = format!("terraform -chdir=environments/{env} {step}");
            assert!(readme.contains(&command), "no `{command}`");
        }
    }
    for module in iacgen::terraform::modules(&platform) {
        assert!(
            readme.contains(&format!("(modules/{}/)", module.dir)),
            "{}",
            module.dir
        );
    }
    assert!(readme.contains("iacgen generate platform.yaml --out ."));
    assert!(readme.contains("iacgen diff platform.yaml --out ."));
    // Secrets with no `generate` are set out of band, in every environment.
    for (name, secret) in &platform.secrets {
        let command = format!("--secret-id payments-prod/{name} ");
        assert_eq!(
            readme.contains(&command),
            secret.generate.is_none(),
            "{name}"
        );
    }
    assert!(readme.contains("aws secretsmanager put-secret-value"));
    assert!(
        !readme.to_lowercase().contains("--secret-string \""),
        "a value on the command line"
    );
}

#[test]
fn module_readmes_document_every_input_and_output_between_the_markers() {
    for spec in support::examples() {
        let platform = load(&spec);
        let tree = render(&platform);
        for module in iacgen::terraform::modules(&platform) {
            let path = format!("modules/{}/README.md", module.dir);
            let readme = tree.get(&path).unwrap_or_else(|| panic!("no {path}"));
            let begin = readme
                .find(iacgen::scaffold::TF_DOCS_BEGIN)
                .expect("begin marker");
            let end = readme
                .find(iacgen::scaffold::TF_DOCS_END)
                .expect("end marker");
            assert!(begin < end);
            let block = &readme[begin..end];
            let rows = |kind: &str| -> Vec<String> {
                block
                    .lines()
                    .filter_map(|l| l.strip_prefix(&format!("| <a name=\"{kind}_")))
                    .map(|l| l.split('"').next().unwrap().to_string())
                    .collect()
            };
            let mut inputs: Vec<String> =
                module.inputs.iter().map(|i| i.var.name.clone()).collect();
            inputs.sort();
            inputs.dedup();
            assert_eq!(rows("input"), inputs, "{path}: inputs, sorted by name");
            let mut outputs: Vec<String> = module.outputs.iter().map(|o| o.name.clone()).collect();
            outputs.sort();
            assert_eq!(rows("output"), outputs, "{path}: outputs, sorted by name");
            assert!(block.contains("| Name | Description | Type | Default | Required |"));
            assert!(readme.contains(&module.summary));
        }
    }
}

#[test]
fn root_files_can_be_switched_off_one_by_one() {
    let full = render(&example());
    type SwitchOff = fn(&mut Platform);
    let switches: [(&str, SwitchOff); 5] = [
        ("README.md", |p| p.repository.readme = false),
        (".gitignore", |p| p.repository.gitignore = false),
        (".tflint.hcl", |p| p.repository.tflint = false),
        (".pre-commit-config.yaml", |p| {
            p.repository.pre_commit = false
        }),
        (".github/workflows/terraform.yml", |p| {
            p.repository.github_workflow = false
        }),
    ];
    for (file, switch_off) in switches {
        let mut platform = example();
        switch_off(&mut platform);
        let tree = render(&platform);
        assert!(tree.get(file).is_none(), "{file} still written");
        let missing: Vec<&str> = full.paths().filter(|p| tree.get(p).is_none()).collect();
        let expected: Vec<&str> = match file {
            ".pre-commit-config.yaml" => vec![".pre-commit-config.yaml", ".terraform-docs.yml"],
            other => vec![other],
        };
        assert_eq!(missing, expected);
    }
    // The spec's own path is what the README and CI name.
    let mut platform = example();
    platform.repository.spec_file = "infra/payments.yaml".into();
    let tree = render(&platform);
    let workflow = tree.get(".github/workflows/terraform.yml").unwrap();
    assert!(workflow.contains("iacgen diff \"infra/payments.yaml\" --out ."));
    assert!(
        tree.get("README.md")
            .unwrap()
            .contains("iacgen generate infra/payments.yaml --out .")
    );
}

#[test]
fn the_switches_are_read_from_the_spec() {
    let text = std::fs::read_to_string(root().join("examples/platform.yaml")).unwrap()
        + "repository:\n  spec_file: infra/platform.yaml\n  readme: false\n  github_workflow: false\n";
    let platform = iacgen::spec::load_str(&text, iacgen::spec::Format::Yaml, "p.yaml").unwrap();
    assert_eq!(platform.repository.spec_file, "infra/platform.yaml");
    assert!(!platform.repository.readme && !platform.repository.github_workflow);
    assert!(platform.repository.gitignore && platform.repository.tflint);
    let bad = text.replace("infra/platform.yaml", "../platform.yaml");
    let errors = iacgen::spec::load_str(&bad, iacgen::spec::Format::Yaml, "p.yaml").unwrap_err();
    assert!(
        errors.to_string().contains("repository.spec_file"),
        "{errors}"
    );
}
