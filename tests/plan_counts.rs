//! `iacgen plan` agrees with `terraform plan`: for every instance, what iacgen reports
//! (create, unchanged, update in place, replace, moved, not managed) is what real Terraform plans
//! (../shared/tools `tf-plan --json`, stub AWS provider, which plans replacements where the
//! real provider does) for the generated root plus the written `moved` blocks against the
//! same state. Without the tools the test is skipped, except under CI, where it fails.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use iacgen::state::{self, Action, PlanOptions, PlanReport};
use serde_json::{Value, json};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A spec: an example with `(from, to)` text replacements, written to `dir`.
fn spec(dir: &Path, example: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(manifest_dir().join("examples").join(example)).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{example} has no {from:?}");
        text = text.replace(from, to);
    }
    let path = dir.join(example);
    std::fs::write(&path, text).unwrap();
    path
}

/// A state: a fixture with `edit` applied to its JSON, written to `dir`.
fn state_file(dir: &Path, fixture: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut doc: Value = serde_json::from_slice(
        &std::fs::read(manifest_dir().join("tests/fixtures").join(fixture)).unwrap(),
    )
    .unwrap();
    edit(&mut doc);
    let path = dir.join("old.tfstate");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

fn attributes_mut<'a>(doc: &'a mut Value, type_: &str, name: &str) -> &'a mut Value {
    let r = doc["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["type"] == type_ && r["name"] == name && r["mode"] == "managed")
        .unwrap_or_else(|| panic!("no {type_}.{name}"));
    &mut r["instances"][0]["attributes"]
}

/// What iacgen says happens to each address: `create`, `no-op`, `update`, `replace`, `delete`,
/// with ` (moved)` for a move.
fn iacgen_actions(report: &PlanReport) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in &report.planned {
        let action = match p.action {
            Action::Create => "create",
            Action::Unchanged => "no-op",
            Action::Drifted => "update",
            Action::Replace => "replace",
        };
        let moved = if p.moved_from(report.adopt).is_some() {
            " (moved)"
        } else {
            ""
        };
        out.insert(p.address.to_string(), format!("{action}{moved}"));
    }
    for u in &report.not_managed {
        out.insert(u.address.to_string(), "delete".to_string());
    }
    out
}

/// The same from `terraform show -json` of the plan.
fn terraform_actions(plan: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        if rc["mode"] != "managed" {
            continue;
        }
        let actions: Vec<&str> = rc["change"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let action = match actions.as_slice() {
            ["create"] => "create",
            ["no-op"] => "no-op",
            ["update"] => "update",
            ["delete"] => "delete",
            [_, _] => "replace",
            other => panic!("unexpected actions {other:?}"),
        };
        let moved = if rc["previous_address"].is_string() {
            " (moved)"
        } else {
            ""
        };
        out.insert(
            rc["address"].as_str().unwrap().to_string(),
            format!("{action}{moved}"),
        );
    }
    out
}

/// Generates `spec`, plans environment `env` against `state` with iacgen (writing its `moved`
/// blocks into the root) and with Terraform, and compares them address by address.
fn agree(tools: &Path, spec: &Path, env: &str, state_path: &Path) -> PlanReport {
    let platform = iacgen::spec::load_file(spec).unwrap();
    let tree = iacgen::render(&platform).unwrap();
    let state = state::read_file(state_path).unwrap();
    let report = state::plan(&tree, env, &state, PlanOptions::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    iacgen::output::generate(&tree, out.path(), false).unwrap();
    let root = out.path().join("environments").join(env);
    if !report.moves().is_empty() {
        std::fs::write(root.join("moves.tf"), state::moves_file(&report)).unwrap();
    }
    let json_path = out.path().join("plan.json");
    let origin = state::origin(&state);
    let mut cmd = Command::new(tools.join("bin/tf-plan"));
    cmd.arg("--root")
        .arg(out.path())
        .arg(&root)
        .arg("--state")
        .arg(state_path)
        .arg("--json")
        .arg(&json_path);
    if let Some(region) = &origin.region {
        cmd.env("STUB_PROVIDER_REGION", &region.value);
    }
    if let Some(account) = &origin.account_id {
        cmd.env("STUB_PROVIDER_ACCOUNT_ID", &account.value);
    }
    let run = cmd.output().unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(run.status.code(), Some(0), "{printed}");
    let plan: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let ours = iacgen_actions(&report);
    let theirs = terraform_actions(&plan);
    let differ: Vec<String> = ours
        .keys()
        .chain(theirs.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|a| ours.get(*a) != theirs.get(*a))
        .map(|a| {
            format!(
                "{a}: iacgen {}, terraform {}",
                ours.get(a).map_or("-", String::as_str),
                theirs.get(a).map_or("-", String::as_str)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} against {}:\n{}\n\n{}",
        spec.display(),
        state_path.display(),
        differ.join("\n"),
        report.to_text()
    );
    // And so the summary line agrees with Terraform's.
    let s = report.summary();
    assert!(
        printed.contains(&format!(
            "Plan: {} to add, {} to change, {} to destroy.",
            s.create + s.replace,
            s.drifted,
            s.replace + s.not_managed
        )) || (s.create + s.drifted + s.replace + s.not_managed == 0),
        "{printed}"
    );
    report
}

#[test]
fn replacements_and_updates_in_place_are_counted_as_terraform_counts_them() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(dir.path(), "platform.yaml", &[]);
    // A log group's retention updates in place (and with it what reads a policy document made
    // from its ARN); a subnet's CIDR cannot change: the subnet is replaced, and what refers to
    // it follows.
    let state = state_file(dir.path(), "applied/platform.dev.tfstate", |doc| {
        attributes_mut(doc, "aws_cloudwatch_log_group", "flow_logs")["retention_in_days"] =
            json!(30);
        attributes_mut(doc, "aws_subnet", "database")["cidr_block"] = json!("10.10.250.0/24");
    });
    let report = agree(&tools, &spec, "dev", &state);
    let s = report.summary();
    assert!(s.replace >= 1 && s.drifted >= 1, "{}", report.to_text());
}

#[test]
fn a_hand_written_root_moved_into_the_modules_is_counted_as_terraform_counts_it() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(dir.path(), "minimal.yaml", &[]);
    let state = state_file(dir.path(), "plan/hand-written-root.tfstate", |_| {});
    let report = agree(&tools, &spec, "dev", &state);
    assert!(report.summary().moved > 5, "{}", report.to_text());
}

#[test]
fn a_new_image_is_a_rolling_deployment_and_a_retention_an_update_of_the_applied_platform() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(
        dir.path(),
        "platform.yaml",
        &[
            ("api:1.4.2", "api:1.5.0"),
            (
                "flow_logs: { retention_days: 365 }",
                "flow_logs: { retention_days: 90 }",
            ),
        ],
    );
    let state = manifest_dir().join("tests/fixtures/applied/platform.dev.tfstate");
    let report = agree(&tools, &spec, "dev", &state);
    let task = report
        .planned
        .iter()
        .find(|p| p.address.type_ == "aws_ecs_task_definition" && p.action == Action::Replace)
        .unwrap_or_else(|| panic!("no task definition replaced:\n{}", report.to_text()));
    let changes = state::rolling_deployment(task).unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.contains("image") && c.contains("api:1.4.2") && c.contains("api:1.5.0")),
        "{changes:?}"
    );
    let text = report.to_text();
    assert!(text.contains("rolling deployment"), "{text}");
}

#[test]
fn a_node_pool_of_other_instance_types_replaces_its_node_group_as_terraform_does() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // instance_types is force-new on a node group; a node pool's maximum size is not.
    let spec = spec(
        dir.path(),
        "platform.yaml",
        &[
            (
                "instance_types: [m6i.large]",
                "instance_types: [m6i.2xlarge]",
            ),
            (
                "max: { dev: 3, default: 20 }",
                "max: { dev: 5, default: 20 }",
            ),
        ],
    );
    let state = manifest_dir().join("tests/fixtures/applied/platform.dev.tfstate");
    let report = agree(&tools, &spec, "dev", &state);
    let replaced: Vec<String> = report
        .planned
        .iter()
        .filter(|p| p.action == Action::Replace)
        .flat_map(state::replaced_by)
        .collect();
    assert!(
        replaced.iter().any(|a| a == "instance_types"),
        "{}",
        report.to_text()
    );
    assert!(report.summary().drifted >= 1, "{}", report.to_text());
}
