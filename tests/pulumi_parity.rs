//! Parity of the Pulumi target with the Terraform target: for every example and environment,
//! the resources the Pulumi program registers (`pulumi-check --json`, a real run under
//! Pulumi's mocks) and the resources `terraform plan` would create (`tf-plan --json`, the real
//! Terraform with the stub provider) are the same AWS resource kinds, in the same numbers,
//! with the same physical names and the same tags.
//!
//! Resources are compared per component: the children of the Pulumi component named `X`
//! against the resources of `module.X`; every module has its component. Deliberate differences
//! are listed in [`DIFFERENCES`] with their reasons.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use support::{read_json, run, tools};

/// Pulumi resource type → Terraform resource type, for every type the components create.
const TYPES: [(&str, &str); 52] = [
    (
        "aws:appautoscaling/policy:Policy",
        "aws_appautoscaling_policy",
    ),
    (
        "aws:appautoscaling/target:Target",
        "aws_appautoscaling_target",
    ),
    ("aws:autoscaling/tag:Tag", "aws_autoscaling_group_tag"),
    (
        "aws:cloudwatch/dashboard:Dashboard",
        "aws_cloudwatch_dashboard",
    ),
    (
        "aws:cloudwatch/eventRule:EventRule",
        "aws_cloudwatch_event_rule",
    ),
    (
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws_cloudwatch_event_target",
    ),
    (
        "aws:cloudwatch/logGroup:LogGroup",
        "aws_cloudwatch_log_group",
    ),
    (
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws_cloudwatch_metric_alarm",
    ),
    (
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws_default_security_group",
    ),
    ("aws:ec2/eip:Eip", "aws_eip"),
    ("aws:ec2/flowLog:FlowLog", "aws_flow_log"),
    (
        "aws:ec2/internetGateway:InternetGateway",
        "aws_internet_gateway",
    ),
    (
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws_launch_template",
    ),
    ("aws:ec2/natGateway:NatGateway", "aws_nat_gateway"),
    ("aws:ec2/route:Route", "aws_route"),
    ("aws:ec2/routeTable:RouteTable", "aws_route_table"),
    (
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws_route_table_association",
    ),
    ("aws:ec2/securityGroup:SecurityGroup", "aws_security_group"),
    ("aws:ec2/subnet:Subnet", "aws_subnet"),
    ("aws:ec2/vpc:Vpc", "aws_vpc"),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "aws_vpc_endpoint"),
    ("aws:ecs/cluster:Cluster", "aws_ecs_cluster"),
    (
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws_ecs_cluster_capacity_providers",
    ),
    ("aws:ecs/service:Service", "aws_ecs_service"),
    (
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws_ecs_task_definition",
    ),
    ("aws:eks/accessEntry:AccessEntry", "aws_eks_access_entry"),
    (
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws_eks_access_policy_association",
    ),
    ("aws:eks/addon:Addon", "aws_eks_addon"),
    ("aws:eks/cluster:Cluster", "aws_eks_cluster"),
    ("aws:eks/nodeGroup:NodeGroup", "aws_eks_node_group"),
    (
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws_iam_openid_connect_provider",
    ),
    ("aws:iam/role:Role", "aws_iam_role"),
    ("aws:iam/rolePolicy:RolePolicy", "aws_iam_role_policy"),
    (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws_iam_role_policy_attachment",
    ),
    ("aws:kms/alias:Alias", "aws_kms_alias"),
    ("aws:kms/key:Key", "aws_kms_key"),
    ("aws:kms/replicaKey:ReplicaKey", "aws_kms_replica_key"),
    ("aws:lambda/permission:Permission", "aws_lambda_permission"),
    ("aws:lb/listener:Listener", "aws_lb_listener"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:lb/targetGroup:TargetGroup", "aws_lb_target_group"),
    ("aws:rds/subnetGroup:SubnetGroup", "aws_db_subnet_group"),
    (
        "aws:secretsmanager/secret:Secret",
        "aws_secretsmanager_secret",
    ),
    (
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws_secretsmanager_secret_policy",
    ),
    (
        "aws:secretsmanager/secretRotation:SecretRotation",
        "aws_secretsmanager_secret_rotation",
    ),
    (
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws_secretsmanager_secret_version",
    ),
    ("aws:sns/topic:Topic", "aws_sns_topic"),
    ("aws:sns/topicPolicy:TopicPolicy", "aws_sns_topic_policy"),
    (
        "aws:sns/topicSubscription:TopicSubscription",
        "aws_sns_topic_subscription",
    ),
    (
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws_vpc_security_group_egress_rule",
    ),
    (
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws_vpc_security_group_ingress_rule",
    ),
    (
        "random:index/randomPassword:RandomPassword",
        "random_password",
    ),
];

/// Terraform types whose physical name is not in the `name` argument: the Terraform type, its
/// name attribute, and the Pulumi input that holds the same name. A node group's name is
/// unique per replacement (a prefix and a suffix the provider picks at creation), so both
/// targets are compared on the prefix they give.
const NAME_ARGS: [(&str, &str, &str); 3] = [
    (
        "aws_cloudwatch_dashboard",
        "dashboard_name",
        "dashboardName",
    ),
    ("aws_cloudwatch_metric_alarm", "alarm_name", "name"),
    (
        "aws_eks_node_group",
        "node_group_name_prefix",
        "nodeGroupNamePrefix",
    ),
];

/// The Terraform attribute and the Pulumi input holding the physical name of `tf_kind`.
fn name_args(tf_kind: &str) -> (&'static str, &'static str) {
    NAME_ARGS
        .iter()
        .find(|(kind, _, _)| *kind == tf_kind)
        .map_or(("name", "name"), |(_, tf, pulumi)| (*tf, *pulumi))
}

/// A deliberate difference between the Pulumi program and the Terraform modules.
struct Difference {
    /// What the Terraform modules have.
    terraform: &'static str,
    /// What the Pulumi program has instead.
    pulumi: &'static str,
    /// Why.
    reason: &'static str,
    /// The type of an ephemeral Terraform resource that Pulumi replaces by a managed resource.
    /// Terraform plans it here as the equivalent managed resource (an ephemeral resource is not
    /// in a plan's resource changes), so that it is compared with its Pulumi counterpart like any
    /// other resource.
    ephemeral: Option<&'static str>,
}

/// Every deliberate difference, with its reason.
const DIFFERENCES: [Difference; 4] = [
    Difference {
        terraform: "ephemeral \"random_password\" written through the write-only secret_string_wo",
        pulumi: "random.RandomPassword into secret_string",
        reason: "Pulumi has no ephemeral resources and records every input in its state, \
                 write-only ones included, so no Pulumi program can keep a generated value out of \
                 its state. The Pulumi-idiomatic safe option: RandomPassword's result is a secret \
                 output, kept in the state encrypted with the stack's secrets provider (documented \
                 in the Secrets component and the project README).",
        ephemeral: Some("random_password"),
    },
    Difference {
        terraform: "modules/ecs-service: a validation block on each variable (allowed values, \
                    ranges, name lengths) and preconditions across variables",
        pulumi: "EcsService raises ValueError on the rules across settings, as the \
                 preconditions: a Fargate task size, desired_count within min..max, a load \
                 balancer's port and two subnets",
        reason: "The single values come from the validated spec: literals in __main__.py, or \
                 stack config iacgen writes with the checked values, and AWS rejects an \
                 out-of-range one at deployment; the rules across settings are the ones a hand \
                 edit of one setting can break unnoticed.",
        ephemeral: None,
    },
    Difference {
        terraform: "modules/ecs-service: the ReadSecrets statement of aws_iam_policy_document \
                    names a single secret as a string",
        pulumi: "EcsService: ReadSecrets' Resource is always a list (the secrets' ARNs, \
                 distinct and sorted, in an apply)",
        reason: "The ARNs are Outputs of the secrets component, known only in an apply; IAM \
                 reads a one-element list and a string alike.",
        ephemeral: None,
    },
    Difference {
        terraform: "modules/ecs-service: container_definitions = jsonencode(...) (compact, keys \
                    sorted)",
        pulumi: "EcsService: pulumi.Output.json_dumps(...) of the same values (Python's \
                 spacing, keys in the order written)",
        reason: "The provider compares container definitions as JSON documents, not as text: \
                 the same contents.",
        ephemeral: None,
    },
];

/// One resource as compared: kind, physical name (when the resource has a `name` argument)
/// and tags.
type Key = (String, Option<String>, Value);

/// Terraform: module name → the resources `terraform plan` creates in it.
fn terraform_resources(tools: &Path, dir: &Path, env: &str) -> BTreeMap<String, Vec<Key>> {
    let json = dir.join(format!("plan-{env}.json"));
    run(Command::new(tools.join("bin/tf-plan"))
        .arg("--root")
        .arg(dir)
        .arg(dir.join("environments").join(env))
        .arg("--json")
        .arg(&json));
    let plan = read_json(&json);
    let mut out: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for change in plan["resource_changes"].as_array().into_iter().flatten() {
        if change["mode"] != "managed" {
            continue;
        }
        let address = change["address"].as_str().unwrap_or_default();
        let module = address
            .strip_prefix("module.")
            .and_then(|rest| rest.split('.').next())
            .unwrap_or_default()
            .to_string();
        let after = &change["change"]["after"];
        let kind = change["type"].as_str().unwrap_or_default();
        out.entry(module).or_default().push((
            kind.to_string(),
            after[name_args(kind).0].as_str().map(str::to_string),
            after["tags"].clone(),
        ));
    }
    out
}

/// Pulumi: component name → the resources registered under it, in Terraform's kinds.
fn pulumi_resources(report: &Value, env: &str) -> BTreeMap<String, Vec<Key>> {
    let mut out: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for r in support::resources(report, env) {
        let kind = r["type"].as_str().unwrap_or_default();
        let tf_kind = TYPES
            .iter()
            .find(|(p, _)| *p == kind)
            .map(|(_, t)| t.to_string())
            .unwrap_or_else(|| panic!("{kind}: add its Terraform type to TYPES"));
        // The parent URN ends with `::<component name>`.
        let parent = r["parent"].as_str().unwrap_or_default();
        let component = parent.rsplit("::").next().unwrap_or_default().to_string();
        let tags = match &r["inputs"]["tags"] {
            Value::Null => Value::Null,
            tags => tags.clone(),
        };
        let physical_name = r["inputs"][name_args(&tf_kind).1].as_str();
        out.entry(component)
            .or_default()
            .push((tf_kind, physical_name.map(str::to_string), tags));
    }
    out
}

/// The Terraform files with every ephemeral resource listed in [`DIFFERENCES`] written as the
/// equivalent managed resource (same arguments). Any other ephemeral resource fails the test:
/// list it, with its reason, first.
fn plannable(tree: &iacgen::tree::Tree) -> iacgen::tree::Tree {
    let mut out = iacgen::tree::Tree::new();
    for (path, text) in tree.iter() {
        if !path.ends_with(".tf") {
            out.insert(path, text);
            continue;
        }
        let mut text = text.to_string();
        for difference in &DIFFERENCES {
            let Some(kind) = difference.ephemeral else {
                continue;
            };
            if !text.contains(&format!("ephemeral \"{kind}\"")) {
                continue;
            }
            eprintln!(
                "note: {path}: {} planned as a resource, compared with the Pulumi {}: {}",
                difference.terraform, difference.pulumi, difference.reason
            );
            text = text
                .lines()
                .map(
                    |line| match line.strip_prefix(&format!("ephemeral \"{kind}\"")) {
                        Some(rest) => format!("resource \"{kind}\"{rest}\n"),
                        None => format!("{line}\n"),
                    },
                )
                .collect::<String>()
                .replace(&format!("ephemeral.{kind}."), &format!("{kind}."));
        }
        if let Some(line) = text.lines().find(|l| l.starts_with("ephemeral ")) {
            panic!("{path}: {line}: add the Pulumi counterpart to DIFFERENCES, with its reason");
        }
        out.insert(path, text);
    }
    out
}

fn sorted(mut keys: Vec<Key>) -> Vec<Key> {
    keys.sort_by(|a, b| (&a.0, &a.1, a.2.to_string()).cmp(&(&b.0, &b.1, b.2.to_string())));
    keys
}

fn check_example(tools: &Path, spec: &Path) {
    let platform = iacgen::spec::load_file(spec).unwrap_or_else(|e| panic!("{e}"));
    let terraform = plannable(&iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}")));
    let pulumi = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    iacgen::tree::write(&terraform, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let project = dir.path().join(iacgen::pulumi::DIR);
    iacgen::tree::write(&pulumi, &project).unwrap_or_else(|e| panic!("{e}"));
    let report_path = dir.path().join("pulumi.json");
    run(Command::new(tools.join("bin/pulumi-check"))
        .arg(&project)
        .args(["--checker", "none", "-q", "--json"])
        .arg(&report_path));
    let report = read_json(&report_path);
    for env in platform.env_names() {
        let tf = terraform_resources(tools, dir.path(), env);
        let pu = pulumi_resources(&report, env);
        for (module, resources) in &tf {
            let expected = sorted(resources.clone());
            let actual = sorted(pu.get(module).cloned().unwrap_or_default());
            assert_eq!(
                actual,
                expected,
                "{} ({env}), module {module}: Pulumi resources differ from terraform plan",
                spec.display()
            );
        }
        for module in pu.keys() {
            assert!(
                tf.contains_key(module),
                "{} ({env}): Pulumi component {module} has no Terraform module",
                spec.display()
            );
        }
    }
}

#[test]
fn every_example_registers_the_resources_terraform_plans() {
    let Some(tools) = tools() else { return };
    let mut specs = support::examples();
    assert!(!specs.is_empty());
    // `IACGEN_PARITY_EXAMPLES=platform,ecs-worker` checks only those examples (for a quick
    // loop while porting); CI checks them all.
    if let Ok(only) = std::env::var("IACGEN_PARITY_EXAMPLES") {
        let only: Vec<&str> = only.split(',').map(str::trim).collect();
        specs.retain(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| only.contains(&s))
        });
        assert!(
            !specs.is_empty(),
            "IACGEN_PARITY_EXAMPLES matches no example"
        );
    }
    for spec in &specs {
        check_example(&tools, spec);
    }
}
