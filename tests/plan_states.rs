//! A platform split over several states (one per component, as Terragrunt keeps them) adopts
//! into one environment root: `--state` given several times. The first state is the
//! environment's own; what is found in the others is imported, and each other root gets what it
//! must forget, in a form Terraform accepts: `removed` blocks for whole module calls (the
//! module call is then deleted) and `terraform state rm` for part of one. No object ends up
//! managed twice or by nobody.
//!
//! The states are the applied complete example (tests/fixtures/applied/platform.dev.tfstate)
//! split by module: vpc (network), eks, services (everything else).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use iacgen::state::{self, Action, Address, PlanOptions, State};
use serde_json::{Value, json};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spec() -> PathBuf {
    manifest_dir().join("examples/platform.yaml")
}

fn applied() -> Value {
    let path = manifest_dir().join("tests/fixtures/applied/platform.dev.tfstate");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The component a resource of the applied state belongs to.
fn component(resource: &Value) -> &'static str {
    let module = resource["module"].as_str().unwrap_or("");
    match module.split('.').nth(1) {
        Some("network") => "vpc",
        Some("eks") => "eks",
        _ => "services",
    }
}

/// The applied state split into `vpc`, `eks`, `services`, each its own state document.
fn split(doc: &Value) -> Vec<(&'static str, Value)> {
    ["vpc", "eks", "services"]
        .into_iter()
        .map(|name| {
            let mut part = doc.clone();
            part["lineage"] = json!(format!("{}-{name}", doc["lineage"].as_str().unwrap()));
            part["resources"] = Value::Array(
                doc["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| component(r) == name)
                    .cloned()
                    .collect(),
            );
            (name, part)
        })
        .collect()
}

fn read(doc: &Value) -> State {
    state::read(doc.to_string().as_bytes()).unwrap()
}

fn tree() -> iacgen::tree::Tree {
    iacgen::render(&iacgen::spec::load_file(&spec()).unwrap()).unwrap()
}

#[test]
fn three_component_states_adopt_into_one_root_and_each_other_root_forgets_its_modules() {
    let parts = split(&applied());
    let states: Vec<State> = parts.iter().map(|(_, d)| read(d)).collect();
    let report = state::plan_states(&tree(), "dev", &states, PlanOptions::default()).unwrap();

    // Everything is found, nothing changes, nothing is left behind.
    assert!(
        report.planned.iter().all(|p| p.action == Action::Unchanged),
        "{}",
        report.to_text()
    );
    assert!(report.not_managed.is_empty(), "{}", report.to_text());
    assert!(report.moves().is_empty());
    // The vpc state is the environment's own; the other two are imported, every instance.
    let imported: BTreeSet<String> = report
        .imports()
        .iter()
        .map(|(to, _)| to.to_string())
        .collect();
    let others: BTreeSet<String> = states[1..]
        .iter()
        .flat_map(|s| s.managed().map(|r| r.address.to_string()))
        .collect();
    assert_eq!(imported, others);
    assert!(
        states[0]
            .managed()
            .all(|r| !imported.contains(&r.address.to_string()))
    );

    // Each other root forgets whole module calls: nothing there is kept.
    let forgets = state::forget(&report, states.len());
    let sources: Vec<usize> = forgets.iter().map(|f| f.source).collect();
    assert_eq!(sources, [1, 2]);
    for f in &forgets {
        assert!(f.state_rm.is_empty(), "{f:?}");
        let modules: BTreeSet<String> = states[f.source]
            .managed()
            .filter_map(|r| {
                r.address
                    .module
                    .0
                    .first()
                    .map(|s| format!("module.{}", s.name))
            })
            .collect();
        let removed: BTreeSet<String> = f.removed.iter().map(|r| r.from.clone()).collect();
        assert_eq!(removed, modules);
    }
    let text = report.to_text();
    assert!(text.contains("to import"), "{text}");
}

#[test]
fn part_of_a_module_call_is_forgotten_with_state_rm_and_the_rest_stays() {
    let mut parts = split(&applied());
    // The services root also keeps an object of its own inside module.service_api.
    let services = &mut parts[2].1;
    services["resources"].as_array_mut().unwrap().push(json!({
        "module": "module.service_api", "mode": "managed", "type": "aws_s3_bucket",
        "name": "access_logs", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instances": [{"schema_version": 0, "attributes": {
            "id": "payments-dev-api-logs", "bucket": "payments-dev-api-logs",
            "arn": "arn:aws:s3:::payments-dev-api-logs"}}]
    }));
    let states: Vec<State> = parts.iter().map(|(_, d)| read(d)).collect();
    let report = state::plan_states(&tree(), "dev", &states, PlanOptions::default()).unwrap();
    let forgets = state::forget(&report, states.len());
    let services = forgets.iter().find(|f| f.source == 2).unwrap();
    let removed: Vec<&str> = services.removed.iter().map(|r| r.from.as_str()).collect();
    assert!(!removed.contains(&"module.service_api"), "{removed:?}");
    assert!(removed.contains(&"module.service_worker"), "{removed:?}");
    // Every imported instance of module.service_api is forgotten by `terraform state rm`; the
    // bucket is not (it stays with the services root).
    let rm: BTreeSet<String> = services.state_rm.iter().map(Address::to_string).collect();
    let api_imported: BTreeSet<String> = report
        .imports()
        .iter()
        .map(|(to, _)| to.to_string())
        .filter(|a| a.starts_with("module.service_api."))
        .collect();
    assert!(!api_imported.is_empty());
    assert_eq!(rm, api_imported);
    assert!(
        services
            .commands()
            .iter()
            .all(|c| c.starts_with("terraform state rm 'module.service_api."))
    );
    // The bucket is listed as not managed, in its own state.
    assert!(
        report
            .not_managed
            .iter()
            .any(|u| u.source == 2 && u.address.type_ == "aws_s3_bucket")
    );
}

#[test]
fn adopting_a_module_based_root_removes_whole_module_calls() {
    // The whole applied state as another root's: adopt imports everything, and that root
    // forgets by module call (a `removed` block for a resource that a module call still
    // declares is refused by Terraform).
    let states = vec![read(&applied())];
    let report = state::plan_states(&tree(), "dev", &states, PlanOptions { adopt: true }).unwrap();
    let forgets = state::forget(&report, 1);
    assert_eq!(forgets.len(), 1);
    assert!(forgets[0].state_rm.is_empty());
    assert!(
        forgets[0]
            .removed
            .iter()
            .all(|r| r.from.starts_with("module.") && !r.from.contains(".aws_")),
        "{forgets:?}"
    );
    let file = state::removed_file(&report);
    assert!(file.contains("from = module.eks"), "{file}");
    assert!(file.contains("the module call \"eks\""), "{file}");
}

#[test]
fn the_command_line_takes_several_states_and_one_removed_file_per_old_root() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, doc) in split(&applied()) {
        let path = dir.path().join(format!("{name}.tfstate"));
        std::fs::write(&path, doc.to_string()).unwrap();
        paths.push(path);
    }
    let run = |removed: &[&Path]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iacgen"));
        cmd.args(["plan", spec().to_str().unwrap(), "--env", "dev"]);
        for p in &paths {
            cmd.arg("--state").arg(p);
        }
        for r in removed {
            cmd.arg("--write-removed").arg(r);
        }
        cmd.output().unwrap()
    };
    // One --write-removed for two old roots: refused, nothing written.
    let one = dir.path().join("one.tf");
    let out = run(&[&one]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("eks.tfstate") && err.contains("services.tfstate"),
        "{err}"
    );
    assert!(!one.exists());

    let (eks, services) = (dir.path().join("eks.tf"), dir.path().join("services.tf"));
    let out = run(&[&eks, &services]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("The root of"), "{stdout}");
    let eks_file = std::fs::read_to_string(&eks).unwrap();
    assert!(eks_file.contains("from = module.eks"), "{eks_file}");
    let services_file = std::fs::read_to_string(&services).unwrap();
    assert!(
        services_file.contains("from = module.service_api"),
        "{services_file}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real Terraform (../shared/tools, stub AWS provider).

fn tf_plan(tools: &Path, args: &[&Path]) -> (i32, String) {
    let out = Command::new(tools.join("bin/tf-plan"))
        .args(args)
        .env("STUB_PROVIDER_REGION", "us-east-1")
        .env("STUB_PROVIDER_ACCOUNT_ID", "111111111111")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), all)
}

/// Removes `prevent_destroy = true` from every `.tf` file under `dir`.
fn drop_prevent_destroy(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            drop_prevent_destroy(&path);
        } else if path.extension().is_some_and(|e| e == "tf") {
            let text = std::fs::read_to_string(&path).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| l.trim() != "prevent_destroy = true")
                .collect();
            std::fs::write(&path, kept.join("\n") + "\n").unwrap();
        }
    }
}

#[test]
fn terraform_imports_into_the_new_root_and_the_old_roots_forget_without_destroying() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let parts = split(&applied());
    let states: Vec<State> = parts.iter().map(|(_, d)| read(d)).collect();
    let report = state::plan_states(&tree(), "dev", &states, PlanOptions::default()).unwrap();
    let generated = dir.path().join("gen");
    iacgen::output::generate(&tree(), &generated, false).unwrap();
    let root = generated.join("environments/dev");
    std::fs::write(root.join("imports.tf"), state::moves_file(&report)).unwrap();
    // The stub provider imports an object as its ID alone and then plans to replace it (see
    // below), which Terraform refuses for a `prevent_destroy` resource; the real provider reads
    // the object back and plans no replacement. So this copy goes without prevent_destroy.
    drop_prevent_destroy(&generated);
    let mut files = Vec::new();
    for (name, doc) in &parts {
        let path = dir.path().join(format!("{name}.tfstate"));
        std::fs::write(&path, doc.to_string()).unwrap();
        files.push(path);
    }
    // The new root against the vpc state: every import block is accepted. (The stub provider
    // imports an object as its ID alone, so what it then plans for the imported objects says
    // nothing about the real provider.)
    let (code, plan) = tf_plan(
        &tools,
        &[
            Path::new("--root"),
            &generated,
            &root,
            Path::new("--state"),
            &files[0],
        ],
    );
    assert_eq!(code, 0, "{plan}");
    assert!(
        plan.contains(&format!("Plan: {} to import", report.imports().len())),
        "{plan}"
    );
    // Each old root, its module calls deleted and the written file added, forgets everything
    // and destroys nothing.
    for f in state::forget(&report, states.len()) {
        let old = dir.path().join(format!("old-{}", parts[f.source].0));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(
            old.join("main.tf"),
            "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 6.0\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\n",
        )
        .unwrap();
        std::fs::write(old.join("forget.tf"), state::forget_file(&report, &f)).unwrap();
        let (code, plan) = tf_plan(&tools, &[&old, Path::new("--state"), &files[f.source]]);
        assert_eq!(code, 0, "{plan}");
        assert!(
            plan.contains("0 to add, 0 to change, 0 to destroy"),
            "{plan}"
        );
    }
}
