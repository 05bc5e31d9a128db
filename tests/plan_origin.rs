//! `iacgen plan` refuses a state that is not the environment's: of another region, of another
//! AWS account, or matching so little of the environment that it is probably another
//! platform's. Each refusal exits 1, names what it found and what the spec says, and writes
//! nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn own_state() -> Value {
    let path = manifest_dir().join("tests/fixtures/plan/own-state.tfstate");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// examples/minimal.yaml (region eu-west-1, env dev) with `environments` replaced.
fn minimal_spec(dir: &Path, environments: &str) -> PathBuf {
    let text = std::fs::read_to_string(manifest_dir().join("examples/minimal.yaml")).unwrap();
    let text = text.replace("environments:\n  dev: {}\n", environments);
    assert!(text.contains(environments), "minimal.yaml changed shape");
    let path = dir.join("platform.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn write_state(dir: &Path, doc: &Value) -> PathBuf {
    let path = dir.join("old.tfstate");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// `iacgen plan SPEC --env dev --state STATE --write-moves DIR/moves.tf --write-removed
/// DIR/removed.tf EXTRA...`
fn plan(dir: &Path, spec: &Path, state: &Path, extra: &[&str]) -> Output {
    let moves = dir.join("moves.tf");
    let removed = dir.join("removed.tf");
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(["plan", spec.to_str().unwrap(), "--env", "dev", "--state"])
        .arg(state)
        .arg("--write-moves")
        .arg(&moves)
        .arg("--write-removed")
        .arg(&removed)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_refused(dir: &Path, out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} missing from: {err}");
    }
    assert!(!dir.join("moves.tf").exists(), "moves.tf written: {err}");
    assert!(
        !dir.join("removed.tf").exists(),
        "removed.tf written: {err}"
    );
}

/// Every region in the state's data source and ARNs replaced by `region`.
fn in_region(doc: &Value, region: &str) -> Value {
    let text = doc.to_string().replace("eu-west-1", region);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_state_of_another_region_is_refused_naming_both_regions() {
    let dir = tempfile::tempdir().unwrap();
    let spec = minimal_spec(dir.path(), "environments:\n  dev: {}\n");
    let state = write_state(dir.path(), &in_region(&own_state(), "us-west-2"));
    let out = plan(dir.path(), &spec, &state, &[]);
    assert_refused(
        dir.path(),
        &out,
        &["us-west-2", "eu-west-1", "data.aws_region", "region"],
    );
    // --allow-low-match is no way around it.
    let out = plan(dir.path(), &spec, &state, &["--allow-low-match"]);
    assert_refused(dir.path(), &out, &["us-west-2"]);
}

#[test]
fn without_data_sources_the_region_is_read_from_the_arns() {
    let dir = tempfile::tempdir().unwrap();
    let spec = minimal_spec(dir.path(), "environments:\n  dev: {}\n");
    let mut doc = in_region(&own_state(), "ap-south-1");
    doc["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["mode"] == "managed");
    let state = write_state(dir.path(), &doc);
    let out = plan(dir.path(), &spec, &state, &[]);
    assert_refused(dir.path(), &out, &["ap-south-1", "eu-west-1", "ARNs"]);
}

#[test]
fn a_state_of_another_account_is_refused_when_the_environment_names_its_account() {
    let dir = tempfile::tempdir().unwrap();
    let spec = minimal_spec(
        dir.path(),
        "environments:\n  dev: { account_id: \"111111111111\" }\n",
    );
    let state = write_state(dir.path(), &own_state());
    let out = plan(dir.path(), &spec, &state, &[]);
    assert_refused(
        dir.path(),
        &out,
        &[
            "123456789012",
            "111111111111",
            "environments.dev.account_id",
        ],
    );

    // The same state is accepted for the account it is of, and without an account_id.
    for envs in [
        "environments:\n  dev: { account_id: \"123456789012\" }\n",
        "environments:\n  dev: {}\n",
    ] {
        let spec = minimal_spec(dir.path(), envs);
        let out = plan(dir.path(), &spec, &state, &[]);
        assert_eq!(out.status.code(), Some(0), "{envs}: {}", stderr(&out));
        std::fs::remove_file(dir.path().join("moves.tf")).unwrap();
        std::fs::remove_file(dir.path().join("removed.tf")).unwrap();
    }
}

#[test]
fn a_state_that_matches_almost_nothing_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let spec = minimal_spec(dir.path(), "environments:\n  dev: {}\n");
    // Another platform in the same region and account: buckets, queues and one log group
    // named like nothing iacgen makes.
    let mut doc = own_state();
    let mut resources: Vec<Value> = (0..6)
        .map(|i| {
            json!({"mode": "managed", "type": "aws_s3_bucket", "name": format!("b{i}"),
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{"schema_version": 0, "attributes": {
                    "id": format!("other-{i}"), "bucket": format!("other-{i}"),
                    "arn": format!("arn:aws:s3:::other-{i}")}}]})
        })
        .collect();
    // One object of the environment is in it, as chance would have it.
    resources.extend(
        doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["mode"] == "data" || r["type"] == "aws_vpc")
            .cloned(),
    );
    doc["resources"] = Value::Array(resources);
    let state = write_state(dir.path(), &doc);
    let out = plan(dir.path(), &spec, &state, &[]);
    assert_refused(
        dir.path(),
        &out,
        &[
            "1 of the state's 7",
            "of the 19 the environment manages",
            "another platform",
            "--allow-low-match",
        ],
    );
    let out = plan(dir.path(), &spec, &state, &["--allow-low-match"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(dir.path().join("moves.tf").exists());
}

#[test]
fn an_empty_state_is_a_new_environment_not_a_wrong_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = minimal_spec(dir.path(), "environments:\n  dev: {}\n");
    let mut doc = own_state();
    doc["resources"] = json!([]);
    let state = write_state(dir.path(), &doc);
    let out = plan(dir.path(), &spec, &state, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
