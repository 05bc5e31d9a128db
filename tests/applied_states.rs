//! Applied states of iacgen's own output (tests/fixtures/applied/SPEC.ENV.tfstate, built by
//! `scripts/applied-states.sh` with tf-fake-apply): an environment Terraform has just applied
//! reads back cleanly, generated secrets and all, and `iacgen plan` against it reports no change,
//! as `terraform plan` does.
//!
//! The states follow the generated code: when a module changes, rebuild them with
//! `scripts/applied-states.sh` (or `scripts/applied-states.sh SPEC:ENV` for one).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use iacgen::state::{self, Action, Mode, PlanOptions};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `(spec name, env, state path)` of every committed applied state.
fn fixtures() -> Vec<(String, String, PathBuf)> {
    let dir = manifest_dir().join("tests/fixtures/applied");
    let mut out: Vec<(String, String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name()?.to_str()?.strip_suffix(".tfstate")?;
            let (spec, env) = name.rsplit_once('.')?;
            Some((spec.to_string(), env.to_string(), path.clone()))
        })
        .collect();
    out.sort();
    out
}

fn spec_path(spec: &str) -> PathBuf {
    manifest_dir().join("examples").join(format!("{spec}.yaml"))
}

fn rebuild_hint(spec: &str, env: &str) -> String {
    format!(
        "if the generated code of examples/{spec}.yaml changed, rebuild the fixture: \
         scripts/applied-states.sh {spec}:{env}"
    )
}

#[test]
fn every_environment_of_the_complete_example_and_a_generated_secret_example_is_applied() {
    let have: Vec<(String, String)> = fixtures().into_iter().map(|(s, e, _)| (s, e)).collect();
    let platform = iacgen::spec::load_file(&spec_path("platform")).unwrap();
    for env in platform.env_names() {
        assert!(
            have.contains(&("platform".to_string(), env.to_string())),
            "no applied state of platform.yaml {env}: scripts/applied-states.sh platform:{env}"
        );
    }
    assert!(
        have.iter().any(|(s, _)| s == "secrets-all-kinds"),
        "no applied state of secrets-all-kinds.yaml"
    );
}

#[test]
fn applied_states_read_with_their_ephemeral_dependencies() {
    for (spec, env, path) in fixtures() {
        let state = state::read_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(state.managed().count() > 10, "{spec} {env}");
        // Each example generates a secret from an ephemeral random_password; Terraform
        // records it among the secret version's dependencies.
        assert!(
            state
                .resources
                .iter()
                .flat_map(|r| &r.dependencies)
                .any(|d| d.mode == Mode::Ephemeral),
            "{spec} {env}: no ephemeral dependency recorded"
        );
    }
}

#[test]
fn iacgen_plan_against_each_applied_state_reports_no_change() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty());
    for (spec, env, path) in &fixtures {
        let platform = iacgen::spec::load_file(&spec_path(spec)).unwrap();
        let tree = iacgen::render(&platform).unwrap();
        let state = state::read_file(path).unwrap();
        let report = state::plan(&tree, env, &state, PlanOptions::default()).unwrap();
        let changed: Vec<String> = report
            .planned
            .iter()
            .filter(|p| p.action != Action::Unchanged || p.moved_from(false).is_some())
            .map(|p| p.address.to_string())
            .collect();
        assert!(
            changed.is_empty() && report.not_managed.is_empty() && !report.has_changes(),
            "{spec} {env}: {changed:?}\n{}\n{}",
            report.to_text(),
            rebuild_hint(spec, env)
        );
        assert_eq!(
            report.planned.len(),
            state.managed().count(),
            "{spec} {env}"
        );

        let out = Command::new(env!("CARGO_BIN_EXE_iacgen"))
            .args(["plan", spec_path(spec).to_str().unwrap(), "--env", env])
            .arg("--state")
            .arg(path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{spec} {env}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!(
                "Plan: 0 to create, {} unchanged, 0 drifted, 0 to replace, 0 moved, 0 not managed",
                report.planned.len()
            )),
            "{stdout}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Real Terraform (../shared/tools, stub AWS provider).

/// `tf-plan --root OUT ROOT --state STATE`, with the stub provider in the state's region and
/// account; returns the exit code and everything printed.
fn tf_plan(tools: &Path, out: &Path, root: &Path, state_file: &Path) -> (i32, String) {
    let origin = state::origin(&state::read_file(state_file).unwrap());
    let mut cmd = Command::new(tools.join("bin/tf-plan"));
    cmd.arg("--root")
        .arg(out)
        .arg(root)
        .arg("--state")
        .arg(state_file);
    if let Some(region) = origin.region {
        cmd.env("STUB_PROVIDER_REGION", region.value);
    }
    if let Some(account) = origin.account_id {
        cmd.env("STUB_PROVIDER_ACCOUNT_ID", account.value);
    }
    let run = cmd.output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (run.status.code().unwrap_or(-1), all)
}

#[test]
fn terraform_plans_no_change_against_each_applied_state() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let mut generated: Vec<(String, tempfile::TempDir)> = Vec::new();
    for (spec, env, path) in fixtures() {
        if !generated.iter().any(|(s, _)| *s == spec) {
            let platform = iacgen::spec::load_file(&spec_path(&spec)).unwrap();
            let dir = tempfile::tempdir().unwrap();
            iacgen::output::generate(&iacgen::render(&platform).unwrap(), dir.path(), false)
                .unwrap();
            generated.push((spec.clone(), dir));
        }
        let Some((_, out)) = generated.iter().find(|(s, _)| *s == spec) else {
            continue;
        };
        let root = out.path().join("environments").join(&env);
        let (code, plan) = tf_plan(&tools, out.path(), &root, &path);
        assert_eq!(code, 0, "{spec} {env}: {plan}");
        assert!(
            plan.contains("No changes."),
            "{spec} {env}: {plan}\n{}",
            rebuild_hint(&spec, &env)
        );
    }
}

/// A platform iacgen built before security groups were named from a prefix: each group is
/// named exactly its `Name` tag. `iacgen plan` finds the groups by the prefix's stem, keeps
/// their names (instead of `name_prefix`), and once kept replaces nothing: upgrading does not
/// recreate security groups (issue 15, finding 9 with adoption's rule that an existing name wins).
#[test]
fn security_groups_named_before_prefixes_keep_their_names() {
    let path = manifest_dir().join("tests/fixtures/applied/platform.dev.tfstate");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut renamed = Vec::new();
    for resource in raw["resources"].as_array_mut().into_iter().flatten() {
        if resource["type"] != "aws_security_group" || resource["mode"] != "managed" {
            continue;
        }
        for instance in resource["instances"].as_array_mut().into_iter().flatten() {
            let attrs = &mut instance["attributes"];
            let old_name = attrs["tags"]["Name"].as_str().unwrap().to_string();
            let made = attrs["name"].as_str().unwrap().to_string();
            assert!(made.starts_with(&format!("{old_name}-")), "{made}");
            attrs["name"] = serde_json::json!(old_name.clone());
            attrs["name_prefix"] = serde_json::json!("");
            renamed.push(old_name);
        }
    }
    assert!(renamed.len() >= 4, "{renamed:?}");
    let old = state::read(serde_json::to_string(&raw).unwrap().as_bytes()).unwrap();

    let platform = iacgen::spec::load_file(&spec_path("platform")).unwrap();
    let tree = iacgen::render(&platform).unwrap();
    let report = state::plan(&tree, "dev", &old, PlanOptions::default()).unwrap();
    let mut kept_names: Vec<String> = report
        .keep
        .iter()
        .filter(|k| k.key.type_ == "aws_security_group" && k.key.path == ["name"])
        .map(|k| k.value.clone())
        .collect();
    kept_names.sort();
    renamed.sort();
    assert_eq!(kept_names, renamed, "{}", report.to_text());

    let kept = report.kept_with(&iacgen::model::kept::Kept::default());
    let tree = iacgen::render_kept(&platform, &kept).unwrap();
    let report = state::plan(&tree, "dev", &old, PlanOptions::default()).unwrap();
    let changed: Vec<String> = report
        .planned
        .iter()
        .filter(|p| p.action != Action::Unchanged)
        .map(|p| p.address.to_string())
        .collect();
    assert!(changed.is_empty(), "{changed:?}\n{}", report.to_text());
}
