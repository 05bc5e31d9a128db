//! Adopting ECS/Fargate platforms iacgen did not write: a terraform-aws-modules root
//! (tests/fixtures/adopt/tam-ecs-fargate, the state of shared/corpus/tam/ecs-fargate), a
//! flat hand-written root with inline routes and inline security group rules
//! (tests/fixtures/adopt/flat-ecs, its root and the state tf-fake-apply made of it), and a
//! flat hand-written worker platform with flow logs, secrets, alarms and their topic
//! (tests/fixtures/adopt/flat-secrets).
//!
//! Matching is by relationship (service → task definition → roles, log group, secret; service →
//! target group → listener → load balancer → security group; alarm by its dimensions), never by
//! a name iacgen would derive. With the tools present, the generated root plus what `iacgen
//! plan` writes is planned by real Terraform against the state, and adopt-judge must find
//! nothing destroyed, replaced or created twice.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use iacgen::state::{self, PlanOptions, PlanReport, State};
use serde_json::Value;

struct Platform {
    dir: &'static str,
    env: &'static str,
    region: &'static str,
    account: &'static str,
}

const FLAT: Platform = Platform {
    dir: "flat-ecs",
    env: "prod",
    region: "eu-west-1",
    account: "333333333333",
};

/// A hand-written worker platform: flow logs, KMS-encrypted secrets with rotation and a
/// replica, a Fargate service without a load balancer, its alarms and their topic.
const SECRETS: Platform = Platform {
    dir: "flat-secrets",
    env: "prod",
    region: "us-west-2",
    account: "555555555555",
};

const TAM: Platform = Platform {
    dir: "tam-ecs-fargate",
    env: "prod",
    region: "us-west-2",
    account: "222222222222",
};

impl Platform {
    fn path(&self, file: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/adopt")
            .join(self.dir)
            .join(file)
    }

    fn spec(&self) -> PathBuf {
        self.path("platform.yaml")
    }

    fn state_file(&self) -> PathBuf {
        self.path("terraform.tfstate")
    }

    fn state(&self) -> State {
        state::read_file(self.state_file()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn state_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.state_file()).unwrap()).unwrap()
    }

    fn report(&self) -> PlanReport {
        let platform = iacgen::spec::load_file(&self.spec()).unwrap_or_else(|e| panic!("{e}"));
        let tree = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        state::plan(&tree, self.env, &self.state(), PlanOptions { adopt: false }).unwrap()
    }
}

/// State address → iacgen address of every matched instance of `type_`.
fn matched(report: &PlanReport, type_: &str) -> BTreeMap<String, String> {
    report
        .planned
        .iter()
        .filter(|p| p.address.type_ == type_)
        .filter_map(|p| {
            p.state
                .as_ref()
                .map(|m| (m.address.to_string(), p.address.to_string()))
        })
        .collect()
}

/// Addresses of the state's managed instances of `type_` (`module.x.aws_y.z[0]`).
fn state_addresses(doc: &Value, type_: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in doc["resources"].as_array().unwrap() {
        if r["mode"] != "managed" || r["type"] != type_ {
            continue;
        }
        for i in r["instances"].as_array().unwrap() {
            let mut a = String::new();
            if let Some(m) = r["module"].as_str() {
                a.push_str(m);
                a.push('.');
            }
            a.push_str(&format!("{}.{}", type_, r["name"].as_str().unwrap()));
            match &i["index_key"] {
                Value::Number(n) => a.push_str(&format!("[{n}]")),
                Value::String(s) => a.push_str(&format!("[{s:?}]")),
                _ => {}
            }
            out.push(a);
        }
    }
    out
}

/// The ECS, load balancer, IAM role, security group, log group, secret and alarm objects of
/// both platforms all have names iacgen would derive differently; every one of them is found.
#[test]
fn every_ecs_and_load_balancer_object_is_matched_whatever_its_name() {
    for platform in [&FLAT, &TAM, &SECRETS] {
        let report = platform.report();
        let doc = platform.state_json();
        for type_ in [
            "aws_ecs_cluster",
            "aws_ecs_service",
            "aws_ecs_task_definition",
            "aws_iam_role",
            "aws_iam_role_policy",
            "aws_lb",
            "aws_lb_target_group",
            "aws_lb_listener",
            "aws_security_group",
            "aws_cloudwatch_log_group",
            "aws_flow_log",
            "aws_secretsmanager_secret",
            "aws_secretsmanager_secret_rotation",
            "aws_kms_key",
            "aws_kms_alias",
            "aws_cloudwatch_metric_alarm",
            "aws_sns_topic",
            "aws_sns_topic_subscription",
        ] {
            let found = matched(&report, type_);
            for address in state_addresses(&doc, type_) {
                assert!(
                    found.contains_key(&address),
                    "{}: {address} is not matched\n{}",
                    platform.dir,
                    report.to_text()
                );
            }
        }
    }
}

/// Each object is matched to the iacgen instance it plays the part of: the execution role is
/// the role the task definition's execution_role_arn names, the tasks' security group is the
/// one in the service's network configuration, not the load balancer's.
#[test]
fn roles_and_security_groups_are_matched_by_what_uses_them() {
    let report = FLAT.report();
    let roles = matched(&report, "aws_iam_role");
    assert_eq!(
        roles["aws_iam_role.web_execution"],
        "module.service_web.aws_iam_role.execution"
    );
    assert_eq!(
        roles["aws_iam_role.web_task"],
        "module.service_web.aws_iam_role.task"
    );
    let groups = matched(&report, "aws_security_group");
    assert_eq!(
        groups["aws_security_group.web"],
        "module.service_web.aws_security_group.service"
    );
    assert_eq!(
        groups["aws_security_group.alb"],
        r#"module.service_web.aws_security_group.load_balancer["web"]"#
    );

    let report = TAM.report();
    let roles = matched(&report, "aws_iam_role");
    assert_eq!(
        roles[r#"module.ecs.module.service["api"].aws_iam_role.task_exec[0]"#],
        "module.service_api.aws_iam_role.execution"
    );
    let logs = matched(&report, "aws_cloudwatch_log_group");
    assert_eq!(
        logs["module.ecs.module.cluster.aws_cloudwatch_log_group.this[0]"],
        "module.ecs_cluster.aws_cloudwatch_log_group.exec"
    );
}

/// A flow log names the log group it writes to and the role it writes with; a role names its
/// inline policies. Found through those, whatever they are called, and the names (and the
/// flow log's aggregation interval, force-new like them) are kept.
#[test]
fn flow_log_groups_roles_and_inline_policies_are_found_through_what_uses_them() {
    let report = SECRETS.report();
    let logs = matched(&report, "aws_cloudwatch_log_group");
    assert_eq!(
        logs["aws_cloudwatch_log_group.flow_logs"],
        "module.network.aws_cloudwatch_log_group.flow_logs"
    );
    let policies = matched(&report, "aws_iam_role_policy");
    assert_eq!(
        policies["aws_iam_role_policy.flow_logs"],
        "module.network.aws_iam_role_policy.flow_logs"
    );
    assert_eq!(
        policies["aws_iam_role_policy.worker_secrets"],
        "module.service_worker.aws_iam_role_policy.execution"
    );

    let doc = SECRETS.state_json();
    let attribute = |type_: &str, name: &str, argument: &str| -> String {
        let r = doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == type_ && r["name"] == name)
            .unwrap();
        match &r["instances"][0]["attributes"][argument] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    };
    let kept: BTreeMap<(String, String), String> = report
        .keep
        .iter()
        .map(|k| ((k.module.clone(), k.key.to_string()), k.value.clone()))
        .collect();
    for (module, key, type_, name, argument) in [
        (
            "network",
            "aws_cloudwatch_log_group.flow_logs.name",
            "aws_cloudwatch_log_group",
            "flow_logs",
            "name",
        ),
        (
            "network",
            "aws_iam_role_policy.flow_logs.name",
            "aws_iam_role_policy",
            "flow_logs",
            "name",
        ),
        (
            "network",
            "aws_flow_log.this.max_aggregation_interval",
            "aws_flow_log",
            "main",
            "max_aggregation_interval",
        ),
        (
            "service_worker",
            "aws_iam_role_policy.execution.name",
            "aws_iam_role_policy",
            "worker_secrets",
            "name",
        ),
    ] {
        assert_eq!(
            kept.get(&(module.to_string(), key.to_string())),
            Some(&attribute(type_, name, argument)),
            "{module} {key}: {kept:?}"
        );
    }
}

/// The flat root's route tables hold their default routes inline: iacgen imports them (ID
/// `<route table>_<destination>`) instead of creating them again.
#[test]
fn inline_routes_are_imported_not_created() {
    let report = FLAT.report();
    let doc = FLAT.state_json();
    let mut expected = Vec::new();
    for r in doc["resources"].as_array().unwrap() {
        if r["type"] == "aws_route_table" {
            let a = &r["instances"][0]["attributes"];
            for route in a["route"].as_array().unwrap() {
                expected.push(format!(
                    "{}_{}",
                    a["id"].as_str().unwrap(),
                    route["cidr_block"].as_str().unwrap()
                ));
            }
        }
    }
    let mut imported: Vec<String> = report
        .inline_imports()
        .iter()
        .map(|(_, id)| id.to_string())
        .collect();
    imported.sort();
    expected.sort();
    assert_eq!(imported, expected);
    // Imported, so neither listed nor counted as created.
    let text = report.to_text();
    let to_create = text
        .split("To create:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or("");
    for (address, _) in report.inline_imports() {
        assert!(!to_create.contains(&format!("+ {address}\n")), "{text}");
    }
    let moves = state::moves_file(&report);
    for id in &expected {
        assert!(moves.contains(&format!("id = {id:?}")), "{moves}");
    }
}

/// Rules the flat root writes inline in its security groups cannot be imported (no rule ID in
/// the state): they are kept inline, and the override iacgen writes stops the module from
/// creating them.
#[test]
fn inline_security_group_rules_are_kept_not_created() {
    let report = FLAT.report();
    let kept: Vec<String> = report
        .kept_inline()
        .iter()
        .map(|(rule, _, _)| rule.to_string())
        .collect();
    assert_eq!(
        kept,
        [
            r#"module.service_web.aws_vpc_security_group_ingress_rule.load_balancer["80"]"#,
            r#"module.service_web.aws_vpc_security_group_ingress_rule.service_from_load_balancer["web"]"#,
        ]
    );
    let file = state::kept_inline_file(&report);
    assert!(
        file.contains(
            r#"existing_rules = ["load_balancer[80]", "service_from_load_balancer[web]"]"#
        ),
        "{file}"
    );
    // A TAM root has its rules as resources of their own: they are moved, nothing is kept.
    assert!(TAM.report().kept_inline().is_empty());
}

/// The flat state with every rule the service module would create already inline: the
/// service's HTTPS and VPC egress, the load balancer's egress to the service, besides the two
/// ingress rules the fixture has.
fn every_rule_inline(dir: &Path) -> PathBuf {
    let mut doc = FLAT.state_json();
    let groups = doc["resources"].as_array_mut().unwrap();
    let id = |groups: &Vec<Value>, name: &str| {
        groups
            .iter()
            .find(|r| r["type"] == "aws_security_group" && r["name"] == name)
            .unwrap()["instances"][0]["attributes"]["id"]
            .clone()
    };
    let web = id(groups, "web");
    let rule = |protocol: &str, port: i64, cidr: Option<&str>, group: Option<&Value>| {
        serde_json::json!({
            "cidr_blocks": cidr.map(|c| vec![c]).unwrap_or_default(),
            "description": "",
            "from_port": port,
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "protocol": protocol,
            "security_groups": group.map(|g| vec![g.clone()]).unwrap_or_default(),
            "self": false,
            "to_port": port,
        })
    };
    for r in groups.iter_mut() {
        let (type_, name) = (r["type"].clone(), r["name"].clone());
        let attributes = &mut r["instances"][0]["attributes"];
        match (type_.as_str(), name.as_str()) {
            (Some("aws_security_group"), Some("web")) => {
                let egress = attributes["egress"].as_array_mut().unwrap();
                egress.push(rule("tcp", 443, Some("0.0.0.0/0"), None));
                egress.push(rule("-1", 0, Some("10.70.0.0/16"), None));
            }
            (Some("aws_security_group"), Some("alb")) => {
                let egress = attributes["egress"].as_array_mut().unwrap();
                egress.push(rule("tcp", 8080, None, Some(&web)));
            }
            _ => {}
        }
    }
    let path = dir.join("every-rule-inline.tfstate");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// Every rule of the service module that exists inline is kept there, whatever resource
/// declares it (a `for_each` rule, or a single one behind `count`), and the override names
/// them all.
#[test]
fn every_rule_the_service_module_would_create_is_kept_when_it_exists_inline() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = every_rule_inline(dir.path());
    let platform = iacgen::spec::load_file(&FLAT.spec()).unwrap();
    let tree = iacgen::render(&platform).unwrap();
    let report = state::plan(
        &tree,
        FLAT.env,
        &state::read_file(&state_file).unwrap(),
        PlanOptions::default(),
    )
    .unwrap();
    let file = state::kept_inline_file(&report);
    for rule in [
        "load_balancer[80]",
        "load_balancer_to_service[web]",
        "service_from_load_balancer[web]",
        "service_https[0]",
        "service_vpc[0]",
    ] {
        assert!(
            file.contains(&format!("    {rule:?},\n")),
            "{rule}: {file}\n{}",
            report.to_text()
        );
    }
    let created_rules: Vec<String> = report
        .planned
        .iter()
        .filter(|p| p.address.type_.starts_with("aws_vpc_security_group_"))
        .filter(|p| p.action == state::Action::Create && p.inline.is_none())
        .map(|p| p.address.to_string())
        .collect();
    assert!(created_rules.is_empty(), "{created_rules:?}");

    let Some(tools) = tools() else { return };
    let (verdict, _) = adopt_state(&tools, &FLAT, &state_file);
    assert_eq!(
        verdict.counts.get("sg-rules-that-exist"),
        Some(&0),
        "{}",
        verdict.output
    );
    assert_eq!(
        verdict.counts.get("destroy"),
        Some(&0),
        "{}",
        verdict.output
    );
}

/// The values that would replace an object if iacgen changed them are listed with the
/// existing value: the cluster's and service's names, the roles' names from a name_prefix,
/// the security groups' names and descriptions.
#[test]
fn names_that_force_a_replacement_are_kept() {
    let report = TAM.report();
    let kept: BTreeMap<(String, String), String> = report
        .keep
        .iter()
        .map(|k| ((k.module.clone(), k.key.to_string()), k.value.clone()))
        .collect();
    let get = |module: &str, key: &str| {
        kept.get(&(module.to_string(), key.to_string()))
            .cloned()
            .unwrap_or_else(|| panic!("{module} {key} is not kept: {kept:?}"))
    };
    assert_eq!(
        get("ecs_cluster", "aws_ecs_cluster.this.name"),
        "storefront"
    );
    assert_eq!(get("service_api", "aws_ecs_service.this.name"), "api");
    assert_eq!(
        get("service_api", "aws_ecs_task_definition.this.family"),
        "api"
    );
    assert!(get("service_api", "aws_iam_role.execution.name").starts_with("api-task-exec-"));
    assert!(get("service_api", "aws_lb_target_group.this[api].name").starts_with("api-"));
    assert_eq!(
        get("service_api", "aws_security_group.service.description"),
        "Security group for ECS Service api"
    );
    assert_eq!(
        get("secrets", "aws_secretsmanager_secret.this[api_token].name"),
        "storefront/api-token"
    );
}

/// Both platforms run their service with `launch_type = "FARGATE"`, which iacgen would swap for
/// a capacity provider strategy (a replacement, or a refusal without force_new_deployment,
/// in the AWS provider). The launch type is kept: the generated service sets it and drops
/// its strategy, and once kept nothing more is to keep.
#[test]
fn a_service_started_with_a_launch_type_keeps_it_instead_of_a_capacity_provider_strategy() {
    for platform in [&FLAT, &TAM] {
        let report = platform.report();
        let keep = report
            .keep
            .iter()
            .find(|k| k.key.to_string() == "aws_ecs_service.this.launch_type")
            .unwrap_or_else(|| {
                panic!(
                    "{}: launch type not kept\n{}",
                    platform.dir,
                    report.to_text()
                )
            });
        assert_eq!(keep.value, "FARGATE");
        assert!(
            keep.iacgen["capacity_provider_strategy"].is_array(),
            "{:?}",
            keep.iacgen
        );

        let spec = iacgen::spec::load_file(&platform.spec()).unwrap();
        let kept = report.kept_with(&iacgen::model::kept::Kept::default());
        let tree = iacgen::render_kept(&spec, &kept).unwrap_or_else(|p| panic!("{p:?}"));
        let main = tree.get("modules/ecs-service/main.tf").unwrap();
        assert!(
            main.contains(r#"launch_type = lookup(var.kept, "aws_ecs_service.this.launch_type", null)"#)
                && main.contains(
                    "dynamic \"capacity_provider_strategy\" {\n    for_each = lookup(var.kept, \"aws_ecs_service.this.launch_type\", null) == null ? [1] : []"
                ),
            "{main}"
        );
        let inventory = state::inventory(&tree, platform.env).unwrap();
        let service = inventory
            .instances
            .iter()
            .find(|i| i.address.type_ == "aws_ecs_service")
            .unwrap();
        assert_eq!(service.arguments["launch_type"], "FARGATE");
        assert!(!service.arguments.contains_key("capacity_provider_strategy"));
        let again = state::plan(
            &tree,
            platform.env,
            &platform.state(),
            PlanOptions::default(),
        )
        .unwrap();
        assert!(
            !again
                .keep
                .iter()
                .any(|k| k.address.type_ == "aws_ecs_service"),
            "{}",
            again.to_text()
        );
    }
    // Without kept values nothing changes: the service uses the capacity provider strategy.
    let spec = iacgen::spec::load_file(&FLAT.spec()).unwrap();
    let main = iacgen::render(&spec).unwrap();
    let main = main.get("modules/ecs-service/main.tf").unwrap();
    assert!(
        main.contains("  capacity_provider_strategy {") && !main.contains("launch_type"),
        "{main}"
    );
}

/// The one replacement accepted, a new task definition revision, is named in the report with
/// what changes in the container definition.
#[test]
fn a_new_task_definition_revision_is_reported_with_its_container_changes() {
    let text = FLAT.report().to_text();
    let line = text
        .lines()
        .find(|l| l.contains("aws_ecs_task_definition") && l.contains("revision"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("module.service_web.aws_ecs_task_definition.this"),
        "{line}"
    );
    assert!(
        text.contains("container \"web\": readonlyRootFilesystem set to true"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real Terraform (../shared/tools): the generated root, the written files and the old state.

fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"));
    let ready = dir.join("bin/tf-plan").is_file()
        && dir.join("bin/adopt-judge").is_file()
        && dir.join("stub-aws-provider/terraformrc").is_file();
    if ready {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the Terraform tools are needed in CI: {} (run its setup.sh, or set IACGEN_TOOLS)",
        dir.display()
    );
    eprintln!("note: no Terraform tools under {}; skipping", dir.display());
    None
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn iacgen(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    (out.status.code().unwrap_or(-1), all)
}

/// What adopt-judge found: its summary counts, and its finding lines.
struct Verdict {
    counts: BTreeMap<String, u64>,
    findings: Vec<String>,
    output: String,
}

/// The whole adoption as a user runs it, in a scratch copy of the spec: `iacgen plan
/// --write-kept`, `iacgen generate`, `iacgen plan` writing the moved/import blocks, the
/// removed blocks and the inline-rules override; then the real plan against the old state,
/// judged by adopt-judge with iacgen's report.
fn adopt(tools: &Path, platform: &Platform) -> (Verdict, PlanReport) {
    adopt_state(tools, platform, &platform.state_file())
}

/// [`adopt`] of another state of the platform.
fn adopt_state(tools: &Path, platform: &Platform, state_file: &Path) -> (Verdict, PlanReport) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    std::fs::copy(platform.spec(), &spec).unwrap();
    let state_file = state_file.to_path_buf();
    let (spec_s, state_s) = (spec.to_str().unwrap(), state_file.to_str().unwrap());

    let (code, out) = iacgen(&[
        "plan",
        spec_s,
        "--env",
        platform.env,
        "--state",
        state_s,
        "--write-kept",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(dir.path().join("platform.kept.yaml").is_file(), "{out}");

    let repo = dir.path().join("repo");
    let (code, out) = iacgen(&["generate", spec_s, "--out", repo.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let root = repo.join("environments").join(platform.env);
    let (code, report_text) = iacgen(&[
        "plan",
        spec_s,
        "--env",
        platform.env,
        "--state",
        state_s,
        "--write-moves",
        root.join("moves.tf").to_str().unwrap(),
        "--write-removed",
        root.join("removed.tf").to_str().unwrap(),
        "--write-kept-inline",
        root.join("iacgen_kept_inline_override.tf")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, 2, "{report_text}");
    let report_file = dir.path().join("iacgen-report.txt");
    std::fs::write(&report_file, &report_text).unwrap();

    let plan_json = dir.path().join("plan.json");
    let out = Command::new(tools.join("bin/tf-plan"))
        .arg("--root")
        .arg(&repo)
        .arg(&root)
        .arg("--state")
        .arg(&state_file)
        .arg("--json")
        .arg(&plan_json)
        .env("STUB_PROVIDER_REGION", platform.region)
        .env("STUB_PROVIDER_ACCOUNT_ID", platform.account)
        .output()
        .unwrap();
    let plan = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{plan}");
    // What `iacgen plan` says of the generated repository is what Terraform then plans.
    let json = Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(["plan", spec_s, "--env", platform.env, "--state", state_s])
        .arg("--out")
        .arg(&repo)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(2), "{}", text(&json.stderr));
    let plan_doc: Value = serde_json::from_slice(&std::fs::read(&plan_json).unwrap()).unwrap();
    support::assert_iacgen_counts_are_terraforms(
        &serde_json::from_slice(&json.stdout).unwrap(),
        &plan_doc,
        &plan,
    );
    // The service keeps how it was started: a launch type and no capacity provider strategy
    // (which the AWS provider would not apply in place), or the strategy it had.
    let service = plan_doc["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rc| rc["type"] == "aws_ecs_service")
        .unwrap();
    let state_doc: Value = serde_json::from_slice(&std::fs::read(&state_file).unwrap()).unwrap();
    let before = state_doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_ecs_service")
        .map(|r| &r["instances"][0]["attributes"])
        .unwrap();
    let after = &service["change"]["after"];
    let launch_type = before["launch_type"].as_str().unwrap_or_default();
    assert_eq!(
        after["launch_type"].as_str().unwrap_or_default(),
        launch_type,
        "{plan}"
    );
    if launch_type.is_empty() {
        let providers = |v: &Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    s["capacity_provider"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        };
        assert!(
            providers(&before["capacity_provider_strategy"])
                .iter()
                .all(|p| providers(&after["capacity_provider_strategy"]).contains(p)),
            "{plan}"
        );
    } else {
        assert_eq!(
            after["capacity_provider_strategy"],
            serde_json::json!([]),
            "{plan}"
        );
    }

    let out = Command::new(tools.join("bin/adopt-judge"))
        .arg(&plan_json)
        .arg(&state_file)
        .arg(&report_file)
        .output()
        .unwrap();
    let output = text(&out.stdout);
    let mut lines: Vec<String> = output.lines().map(str::to_string).collect();
    let summary = lines.pop().unwrap_or_default();
    let counts = summary
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| v.parse().ok().map(|v| (k.to_string(), v)))
        .collect();

    // The report the generated repository gives, kept values and all, as a user reads it.
    let platform_model = iacgen::spec::load_file(&spec).unwrap();
    let kept = iacgen::load_kept(&spec, &platform_model).unwrap();
    let tree = iacgen::render_kept(&platform_model, &kept).unwrap_or_else(|p| panic!("{p:?}"));
    let report = state::plan(
        &tree,
        platform.env,
        &state::read_file(&state_file).unwrap(),
        PlanOptions::default(),
    )
    .unwrap();
    (
        Verdict {
            counts,
            findings: lines,
            output: format!("{output}\n{report_text}\n{plan}"),
        },
        report,
    )
}

#[test]
fn terraform_adopts_the_terraform_aws_modules_platform_destroying_replacing_duplicating_nothing() {
    let Some(tools) = tools() else { return };
    let (verdict, _) = adopt(&tools, &TAM);
    assert_eq!(verdict.counts.len(), 6, "{}", verdict.output);
    assert!(
        verdict.counts.values().all(|n| *n == 0),
        "{}",
        verdict.output
    );
}

/// The worker platform as the flat one: only the stub's replacements of the imported routes.
#[test]
fn terraform_adopts_the_flat_worker_platform_with_secrets_and_alarms_destroying_nothing() {
    let Some(tools) = tools() else { return };
    let (verdict, report) = adopt(&tools, &SECRETS);
    only_the_imported_routes_are_replaced(&verdict, &report);
    // The existing password is not iacgen's to generate (the spec has no `generate`): its
    // version stays in AWS as it is, with the random_password it came from.
    let removed = report.to_text();
    for kept_outside in [
        "aws_secretsmanager_secret_version.db_password",
        "random_password.db",
    ] {
        assert!(
            removed.contains(&format!("  - {kept_outside} ")),
            "{removed}"
        );
    }
}

/// The flat root's inline routes are imported. The shared stub provider imports an object as
/// its ID alone (ImportResourceState returns `{id}`, everything else null), so Terraform plans
/// each imported route as a replacement (route_table_id and destination_cidr_block are
/// force-new, null before); the real provider reads the route and plans nothing. Those are the
/// only replacements allowed here, and only for the routes iacgen imports.
#[test]
fn terraform_adopts_the_flat_hand_written_platform_destroying_replacing_duplicating_nothing() {
    let Some(tools) = tools() else { return };
    let (verdict, report) = adopt(&tools, &FLAT);
    only_the_imported_routes_are_replaced(&verdict, &report);
}

/// adopt-judge finds nothing but the replacements of the routes iacgen imports (the stub's, see
/// above).
fn only_the_imported_routes_are_replaced(verdict: &Verdict, report: &PlanReport) {
    let imported: Vec<String> = report
        .inline_imports()
        .iter()
        .map(|(a, _)| format!("replace {a}"))
        .collect();
    assert_eq!(imported.len(), 2, "{}", report.to_text());
    for (key, n) in &verdict.counts {
        let allowed = if key == "replace" {
            imported.len() as u64
        } else {
            0
        };
        assert_eq!(*n, allowed, "{key}\n{}", verdict.output);
    }
    assert_eq!(verdict.counts.len(), 6, "{}", verdict.output);
    let mut findings = verdict.findings.clone();
    findings.sort();
    let mut expected = imported;
    expected.sort();
    assert_eq!(findings, expected, "{}", verdict.output);
}

/// The flat root's database password exists (a version written from a random_password). With
/// `generate` in the spec, iacgen's version would write a new random value over it on the next
/// apply: the report says so, by secret, and says how to keep the value. Without `generate`
/// (the fixture's spec) it says nothing.
#[test]
fn generating_a_secret_that_already_has_a_value_is_reported_as_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    let original = std::fs::read_to_string(SECRETS.spec()).unwrap();
    let with_generate = original.replacen(
        "    description: Password of the jobs database\n",
        "    description: Password of the jobs database\n    generate: {length: 32}\n",
        1,
    );
    assert_ne!(with_generate, original, "the fixture's secret moved");
    let state_file = SECRETS.state_file();
    let plan = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_iacgen"))
            .args([
                "plan",
                spec.to_str().unwrap(),
                "--env",
                SECRETS.env,
                "--state",
            ])
            .arg(&state_file)
            .args(extra)
            .output()
            .unwrap();
        out.stdout
    };
    let run = |spec_text: &str| {
        std::fs::write(&spec, spec_text).unwrap();
        let json: Value = serde_json::from_slice(&plan(&["--json"])).unwrap();
        (json, text(&plan(&[])))
    };
    let (json, report) = run(&with_generate);
    let address = "module.secrets.aws_secretsmanager_secret_version.generated[\"db_password\"]";
    assert_eq!(json["overwritten_secrets"], serde_json::json!([address]));
    assert!(
        report.contains("existing value `generate` would overwrite")
            && report.contains(&format!("  ! {address}")),
        "{report}"
    );

    let (json, report) = run(&original);
    assert_eq!(json["overwritten_secrets"], serde_json::json!([]));
    assert!(!report.contains("would overwrite"), "{report}");
}
