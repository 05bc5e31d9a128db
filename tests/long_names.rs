//! Names at the spec's limits (project and environment 24 characters, services and node pools
//! 63, secrets 64) are accepted, and every AWS name generated from them fits AWS's limit for
//! that name. The names are checked as Terraform computes them: the generated root is planned
//! with the real `terraform plan` (offline tools), and every name argument of every planned
//! resource is measured against the table below. A resource type with a name argument the
//! table does not know fails the test, so a new resource cannot slip past it.

mod support;

use iacgen::model::naming::COMPONENT_NAME_MAX;
use iacgen::spec::{Format, load_str};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// AWS's limits: (resource type, name argument, most characters).
const LIMITS: &[(&str, &str, usize)] = &[
    ("aws_appautoscaling_policy", "name", 255),
    ("aws_cloudwatch_dashboard", "dashboard_name", 255),
    ("aws_cloudwatch_event_rule", "name", 64),
    ("aws_cloudwatch_log_group", "name", 512),
    ("aws_cloudwatch_log_group", "name_prefix", 483),
    ("aws_cloudwatch_metric_alarm", "alarm_name", 255),
    // Pulumi's name for `alarm_name`.
    ("aws_cloudwatch_metric_alarm", "name", 255),
    ("aws_ecs_cluster", "name", 255),
    ("aws_ecs_service", "name", 255),
    ("aws_ecs_task_definition", "family", 255),
    ("aws_eks_cluster", "name", 100),
    ("aws_eks_node_group", "node_group_name", 63),
    ("aws_eks_node_group", "node_group_name_prefix", 37),
    ("aws_iam_instance_profile", "name", 128),
    ("aws_iam_policy", "name", 128),
    ("aws_iam_policy", "name_prefix", 102),
    ("aws_iam_role", "name", 64),
    ("aws_iam_role", "name_prefix", 38),
    ("aws_iam_role_policy", "name", 128),
    ("aws_kms_alias", "name", 256),
    ("aws_launch_template", "name", 128),
    ("aws_launch_template", "name_prefix", 102),
    ("aws_lb", "name", 32),
    ("aws_lb", "name_prefix", 6),
    ("aws_lb_target_group", "name", 32),
    ("aws_lb_target_group", "name_prefix", 6),
    ("aws_secretsmanager_secret", "name", 512),
    ("aws_security_group", "name", 255),
    ("aws_security_group", "name_prefix", 229),
    ("aws_sns_topic", "name", 256),
];

/// Arguments that name a resource.
const NAME_ARGUMENTS: &[&str] = &[
    "name",
    "name_prefix",
    "alarm_name",
    "dashboard_name",
    "family",
    "node_group_name",
    "node_group_name_prefix",
];

/// A name of exactly `len` characters: `stem` repeated, cut, ending in `last`.
fn name_of(len: usize, stem: &str, last: char) -> String {
    let mut s: String = stem.chars().cycle().take(len - 1).collect();
    // A name may not end in `-` before the last character is added (`a--1` is still valid,
    // but keep it readable).
    s.push(last);
    s
}

const ENV: &str = "production-eu-central-01";

/// A spec with every name at its limit. The project starts with `internal-`, which AWS refuses
/// at the start of a load balancer name; the two services share all but their last character.
fn spec_at_the_limits() -> String {
    let project = name_of(24, "internal-platform-", 'x');
    let service = |last| name_of(COMPONENT_NAME_MAX, "customer-notification-service-", last);
    let pool = name_of(COMPONENT_NAME_MAX, "general-purpose-pool-", 'p');
    let secret = name_of(64, "notification_provider_api_key_", 'k');
    assert_eq!(ENV.len(), 24);
    format!(
        "version: 1
project: {project}
region: eu-west-1
environments:
  {ENV}: {{}}
network:
  cidr: 10.80.0.0/16
  az_count: 2
  subnets: {{ public: {{ prefix: 24 }}, private: {{ prefix: 20 }} }}
  nat: single
eks:
  version: \"1.35\"
  admins: [arn:aws:iam::123456789012:role/admin]
  node_pools:
    {pool}: {{ instance_types: [m6i.large] }}
ecs:
  services:
    {s1}:
      image: 999999999999.dkr.ecr.eu-west-1.amazonaws.com/notify:1.0.0
      port: 8080
      load_balancer: {{ public: true, health_check_path: /healthz }}
      autoscaling: {{ min: 1, max: 4, cpu_target: 60, memory_target: 70 }}
      secrets: [{secret}]
    {s2}:
      image: 999999999999.dkr.ecr.eu-west-1.amazonaws.com/notify:1.0.0
      port: 8080
      load_balancer: {{ public: false }}
secrets:
  {secret}:
    description: a secret name at its limit
    generate: {{ length: 32 }}
observability:
  alarm_emails: [oncall@example.com]
",
        s1 = service('1'),
        s2 = service('2'),
    )
}

#[test]
fn names_at_the_spec_limits_are_accepted() {
    let text = spec_at_the_limits();
    let platform = load_str(&text, Format::Yaml, "long.yaml").unwrap_or_else(|e| panic!("{e}"));
    let services = &platform.ecs.as_ref().unwrap().services;
    assert!(services.keys().all(|s| s.len() == COMPONENT_NAME_MAX));
    // One character more is refused, with the limit in the message.
    let too_long = text.replace(
        &name_of(COMPONENT_NAME_MAX, "customer-notification-service-", '1'),
        &name_of(
            COMPONENT_NAME_MAX + 1,
            "customer-notification-service-",
            '1',
        ),
    );
    let err = load_str(&too_long, Format::Yaml, "long.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "is 64 characters long (at most {COMPONENT_NAME_MAX})"
        )),
        "{err}"
    );
}

fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"));
    if dir.join("bin/tf-plan").is_file() && dir.join("stub-aws-provider/terraformrc").is_file() {
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

/// Every problem with the names of the planned resources of `plan` (`terraform show -json`).
fn name_problems(plan: &Value, seen: &mut BTreeSet<String>) -> Vec<String> {
    let lb_name = Regex::new(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$").unwrap();
    let eks_name = Regex::new(r"^[0-9A-Za-z][A-Za-z0-9_-]*$").unwrap();
    let mut problems = Vec::new();
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!changes.is_empty(), "an empty plan checks nothing");
    for rc in &changes {
        let kind = rc["type"].as_str().unwrap_or_default();
        let address = rc["address"].as_str().unwrap_or_default();
        let after = &rc["change"]["after"];
        for arg in NAME_ARGUMENTS {
            let Some(value) = after[*arg].as_str() else {
                continue;
            };
            let len = value.chars().count();
            match LIMITS.iter().find(|(t, a, _)| *t == kind && a == arg) {
                None => problems.push(format!(
                    "{address}.{arg}: no AWS limit known for {kind}.{arg}: add it to LIMITS"
                )),
                Some((_, _, max)) => {
                    seen.insert(format!("{kind}.{arg}"));
                    if len > *max {
                        problems.push(format!("{address}.{arg} = {value:?}: {len} > {max}"));
                    }
                }
            }
            if matches!(kind, "aws_lb" | "aws_lb_target_group") && *arg == "name" {
                if !lb_name.is_match(value) {
                    problems.push(format!("{address}.name = {value:?}: not [A-Za-z0-9-]"));
                }
                if kind == "aws_lb" && value.starts_with("internal-") {
                    problems.push(format!("{address}.name = {value:?}: starts with internal-"));
                }
            }
            if matches!(
                (kind, *arg),
                ("aws_eks_cluster", "name") | ("aws_eks_node_group", "node_group_name")
            ) && !eks_name.is_match(value)
            {
                problems.push(format!("{address}.{arg} = {value:?}: not an EKS name"));
            }
        }
        // Tag values (the `Name` tag repeats the resource's name) are limited to 256.
        if let Some(tags) = after["tags"].as_object() {
            for (key, value) in tags {
                let len = value.as_str().map_or(0, |v| v.chars().count());
                if len > 256 {
                    problems.push(format!("{address}.tags.{key}: {len} > 256"));
                }
            }
        }
        // Container names inside the task definition (at most 255).
        if let Some(defs) = after["container_definitions"].as_str()
            && let Ok(Value::Array(containers)) = serde_json::from_str::<Value>(defs)
        {
            for c in containers {
                let len = c["name"].as_str().map_or(0, |n| n.chars().count());
                seen.insert("container.name".into());
                if len > 255 {
                    problems.push(format!("{address} container name: {len} > 255"));
                }
            }
        }
    }
    problems
}

#[test]
fn every_generated_name_fits_its_aws_limit() {
    let Some(tools) = tools() else { return };
    let platform = load_str(&spec_at_the_limits(), Format::Yaml, "long.yaml").unwrap();
    let out = tempfile::tempdir().unwrap();
    let tree = iacgen::render(&platform).unwrap();
    iacgen::output::generate(&tree, out.path(), false).unwrap();
    let root = out.path().join("environments").join(ENV);
    let plan_file = out.path().join("plan.json");
    let run = Command::new(tools.join("bin/tf-plan"))
        .arg("--root")
        .arg(out.path())
        .arg(&root)
        .arg("--json")
        .arg(&plan_file)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    let mut seen = BTreeSet::new();
    let problems = name_problems(&plan, &mut seen);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The spec reaches every kind of name the table is about (those set by name, not prefix).
    for expected in [
        "aws_appautoscaling_policy.name",
        "aws_cloudwatch_dashboard.dashboard_name",
        "aws_cloudwatch_log_group.name",
        "aws_cloudwatch_metric_alarm.alarm_name",
        "aws_ecs_cluster.name",
        "aws_ecs_service.name",
        "aws_ecs_task_definition.family",
        "aws_eks_cluster.name",
        // Node groups are named from a prefix (create-before-destroy replacements).
        "aws_eks_node_group.node_group_name_prefix",
        "aws_iam_role.name",
        "aws_kms_alias.name",
        "aws_launch_template.name",
        "aws_lb.name",
        "aws_lb_target_group.name",
        "aws_secretsmanager_secret.name",
        // Security groups too (create-before-destroy replacements).
        "aws_security_group.name_prefix",
        "aws_sns_topic.name",
    ] {
        assert!(
            seen.contains(expected),
            "not reached: {expected}; seen {seen:?}"
        );
    }
}

#[test]
fn the_check_catches_a_name_over_its_limit() {
    // The check above is only worth something if it fails on a long name and an unknown type.
    let plan = serde_json::json!({ "resource_changes": [
        { "type": "aws_lb", "address": "aws_lb.x",
          "change": { "after": { "name": "internal-abcdefghijklmnopqrstuvwxyz" } } },
        { "type": "aws_new_thing", "address": "aws_new_thing.y",
          "change": { "after": { "name": "n" } } },
    ]});
    let problems = name_problems(&plan, &mut BTreeSet::new());
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("35 > 32"), "{problems:?}");
    assert!(
        problems[1].contains("starts with internal-"),
        "{problems:?}"
    );
    assert!(problems[2].contains("add it to LIMITS"), "{problems:?}");
}

/// The Terraform type of a Pulumi AWS type token (`aws:lb/targetGroup:TargetGroup` →
/// `aws_lb_target_group`), where the two spell it differently.
fn terraform_type(token: &str) -> Option<String> {
    let (module, rest) = token.strip_prefix("aws:")?.split_once('/')?;
    let resource = rest.split(':').next()?;
    let mut snake = String::new();
    for c in resource.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    let name = format!("aws_{module}_{snake}");
    Some(match name.as_str() {
        "aws_lb_load_balancer" => "aws_lb".to_string(),
        "aws_ec2_security_group" => "aws_security_group".to_string(),
        "aws_ec2_launch_template" => "aws_launch_template".to_string(),
        _ => name,
    })
}

#[test]
fn every_pulumi_name_fits_its_aws_limit() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = load_str(&spec_at_the_limits(), Format::Yaml, "long.yaml").unwrap();
    let report = support::mock_run(&tools, &platform);
    // The same check as for Terraform, on the inputs the program gives each resource.
    let changes: Vec<Value> = support::resources(&report, ENV)
        .into_iter()
        .filter_map(|r| {
            let kind = terraform_type(r["type"].as_str()?)?;
            let inputs = &r["inputs"];
            let mut after = serde_json::Map::new();
            for (camel, snake) in [
                ("name", "name"),
                ("namePrefix", "name_prefix"),
                ("alarmName", "alarm_name"),
                ("dashboardName", "dashboard_name"),
                ("family", "family"),
                ("nodeGroupName", "node_group_name"),
                ("nodeGroupNamePrefix", "node_group_name_prefix"),
                ("tags", "tags"),
                ("containerDefinitions", "container_definitions"),
            ] {
                if !inputs[camel].is_null() {
                    after.insert(snake.to_string(), inputs[camel].clone());
                }
            }
            Some(serde_json::json!({
                "type": kind,
                "address": format!("{} {}", r["type"].as_str().unwrap_or_default(), r["name"]),
                "change": { "after": after },
            }))
        })
        .collect();
    let plan = serde_json::json!({ "resource_changes": changes });
    let mut seen = BTreeSet::new();
    let problems = name_problems(&plan, &mut seen);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for expected in [
        // Node groups are named from a prefix (create-before-destroy replacements).
        "aws_eks_node_group.node_group_name_prefix",
        "aws_lb.name",
        "aws_lb_target_group.name",
        "aws_iam_role.name",
        "aws_ecs_service.name",
    ] {
        assert!(
            seen.contains(expected),
            "not reached: {expected}; seen {seen:?}"
        );
    }
}
