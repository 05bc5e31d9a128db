//! What names a resource, per type: the arguments that tell one remote object from another of
//! the same type, whatever its address. A VPC is its CIDR block, a log group its name, a node
//! group its cluster and node group name, a route table association its subnet.
//!
//! Paths are argument names, with a dot into maps and single nested blocks (`tags.Name`,
//! `tag.key`). A path starting with `?` is optional: compared when iacgen knows its value (a
//! security group rule has ports, or not). A path starting with `~` is a hint rather than an
//! identity: it can change in place (a `Name` tag, a description), so it helps to find an
//! object but a different value does not prove another object. A type not listed is named by
//! its `name` argument when it has one.

use serde_json::Value as Json;

/// The identifying argument paths of `type_`; empty when the type has none of its own (it is then
/// matched by address or through a reference from a matched resource).
pub(crate) fn identity(type_: &str) -> &'static [&'static str] {
    if let Some(facts) = crate::describe::aws::facts(type_) {
        return facts.identity;
    }
    match type_ {
        "aws_egress_only_internet_gateway" => &["vpc_id"],
        "aws_default_route_table" | "aws_default_network_acl" => &["vpc_id"],
        "aws_security_group" => &["vpc_id", "name"],
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => &[
            "security_group_id",
            "ip_protocol",
            "?from_port",
            "?to_port",
            "?cidr_ipv4",
            "?cidr_ipv6",
            "?referenced_security_group_id",
            "?prefix_list_id",
        ],
        "aws_cloudwatch_log_group" => &["name"],
        "aws_cloudwatch_log_metric_filter" => &["log_group_name", "name"],
        "aws_cloudwatch_metric_alarm" => &["alarm_name"],
        "aws_cloudwatch_dashboard" => &["dashboard_name"],
        "aws_cloudwatch_event_target" => &["rule", "target_id"],
        "aws_iam_role" | "aws_iam_policy" | "aws_iam_instance_profile" => &["name"],
        "aws_iam_role_policy" => &["role", "name"],
        "aws_eks_pod_identity_association" => &["cluster_name", "namespace", "service_account"],
        "aws_autoscaling_group_tag" => &["autoscaling_group_name", "tag.key"],
        "aws_ecs_service" => &["cluster", "name"],
        "aws_lb_listener_rule" => &["listener_arn", "~priority"],
        "aws_sns_topic" => &["name"],
        "aws_sns_topic_policy" => &["arn"],
        "aws_sns_topic_subscription" => &["topic_arn", "protocol", "endpoint"],
        "aws_s3_bucket" => &["bucket"],
        "aws_ecr_repository" => &["name"],
        "aws_ssm_parameter" => &["name"],
        "aws_lambda_permission" => &["function_name", "statement_id"],
        _ => &["name"],
    }
}

/// Arguments whose change replaces the object (ForceNew in the AWS provider: a subset of
/// `force_new.rs`'s table, which a test checks) and that iacgen can keep as they are (see `model::kept`): names, descriptions, a node group's role. A name
/// among them is no proof of another object: matching by relationship may ignore it. Types
/// whose name is what the object is (a log group, a topic) are not listed: another name is
/// another object.
pub(crate) fn force_new(type_: &str) -> &'static [&'static str] {
    match type_ {
        "aws_iam_role" => &["name", "path"],
        "aws_security_group" => &["name", "description"],
        "aws_launch_template" | "aws_kms_alias" | "aws_secretsmanager_secret" => &["name"],
        "aws_db_subnet_group" => &["name"],
        "aws_eks_cluster" => &[
            "name",
            "role_arn",
            "access_config.bootstrap_cluster_creator_admin_permissions",
        ],
        "aws_eks_node_group" => &[
            "node_group_name",
            "node_role_arn",
            "ami_type",
            "capacity_type",
            "launch_template.id",
        ],
        "aws_subnet" => &["availability_zone"],
        // An inline policy is found through its role (`role = aws_iam_role.x.id`); what the
        // old root called it stays.
        "aws_iam_role_policy" => &["name"],
        // How often and what a flow log records: iacgen's 60 s and ALL, unless the log kept
        // others (AWS's default interval is 600 s).
        "aws_flow_log" => &["max_aggregation_interval", "traffic_type"],
        "aws_kms_key" => &["multi_region", "key_usage", "customer_master_key_spec"],
        // Not ForceNew, but a new version writes a new generated value into the secret.
        "aws_secretsmanager_secret_version" => &["secret_string_wo_version"],
        _ => &[],
    }
}

/// More arguments to keep, once an object is matched, that still count for its identity: a
/// log group, a topic, an ECS cluster or service is another object under another name when
/// only names match, but found through what relates to it (`relations`: the service's task
/// definition names its log group) it is this one, and its name must stay. ForceNew in the
/// AWS provider, as `requires-replace.json` of the shared stub provider lists them. A task
/// definition's family keeps its new revision in the same task.
pub(crate) fn kept_when_matched(type_: &str) -> &'static [&'static str] {
    match type_ {
        "aws_ecs_cluster" | "aws_sns_topic" => &["name"],
        "aws_ecs_service" => &["name", "launch_type"],
        "aws_ecs_task_definition" => &["family"],
        "aws_cloudwatch_log_group" => &["name"],
        "aws_cloudwatch_metric_alarm" => &["alarm_name"],
        "aws_lb" => &["name", "internal", "load_balancer_type"],
        "aws_lb_target_group" => &["name", "port", "protocol", "target_type", "vpc_id"],
        "aws_security_group" => &["vpc_id"],
        _ => &[],
    }
}

/// Other ways to name an object when its identity (a name iacgen derives) finds nothing: a node
/// group is its cluster's group of the same capacity and instance types, whatever its name.
pub(crate) fn relation(type_: &str) -> &'static [&'static str] {
    match type_ {
        "aws_eks_node_group" => &["cluster_name", "capacity_type", "instance_types"],
        // The subnets it holds (a set), whatever the group is called.
        "aws_db_subnet_group" | "aws_elasticache_subnet_group" => &["subnet_ids"],
        // Where it leads: the NAT gateway or internet gateway of a default route, whatever
        // table holds it (TAM shares one private table between tiers).
        "aws_route" => &["destination_cidr_block", "?nat_gateway_id", "?gateway_id"],
        _ => &[],
    }
}

/// A name and a state's `name_prefix` (or name) that say the same thing: `orders-staging/api_key`
/// and the prefix `orders-staging/api-key-` (case, `_`/`-` and trailing separators aside).
pub(crate) fn same_stem(name: &str, prefix: &str) -> bool {
    let norm = |s: &str| {
        s.to_ascii_lowercase()
            .replace('_', "-")
            .trim_end_matches(['-', '/', '.'])
            .to_string()
    };
    let (a, b) = (norm(name), norm(prefix));
    !a.is_empty() && a == b
}

/// A path of [`identity`] without its `?` / `~` marks, and whether it is a true identity (a
/// different value means another object).
pub(crate) fn parse_path(path: &str) -> (&str, bool) {
    match path.strip_prefix(['?', '~']) {
        Some(rest) => (rest, false),
        None => (path, true),
    }
}

/// The value at `path` (`tags.Name`, `tag.key`): through objects, and through lists of exactly
/// one object (a nested block as a state holds it).
pub(crate) fn lookup<'a>(value: &'a Json, path: &str) -> Option<&'a Json> {
    let mut current = value;
    for step in path.split('.') {
        current = match current {
            Json::Array(items) if items.len() == 1 => items[0].get(step)?,
            other => other.get(step)?,
        };
    }
    match current {
        Json::Null => None,
        v => Some(v),
    }
}

/// Identity values compare as text: a port may be a number in the configuration and a string
/// in the state.
pub(crate) fn same_identity(config: &Json, state: &Json) -> bool {
    match (scalar_text(config), scalar_text(state)) {
        (Some(a), Some(b)) => a == b,
        _ => config == state,
    }
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What iacgen keeps is what the provider replaces for (`force_new.rs`, from the stub
    /// provider's requires-replace.json): one table says which arguments force a
    /// replacement, these only choose among them. A secret version's `secret_string_wo_version`
    /// is the one exception (a new version, not a new secret, but a new generated value).
    #[test]
    fn kept_arguments_are_force_new_ones() {
        for type_ in [
            "aws_iam_role",
            "aws_security_group",
            "aws_launch_template",
            "aws_kms_alias",
            "aws_secretsmanager_secret",
            "aws_db_subnet_group",
            "aws_eks_cluster",
            "aws_eks_node_group",
            "aws_subnet",
            "aws_kms_key",
            "aws_ecs_cluster",
            "aws_ecs_service",
            "aws_sns_topic",
            "aws_ecs_task_definition",
            "aws_cloudwatch_log_group",
            "aws_cloudwatch_metric_alarm",
            "aws_lb",
            "aws_lb_target_group",
        ] {
            for path in force_new(type_).iter().chain(kept_when_matched(type_)) {
                assert!(
                    crate::state::is_force_new(type_, path),
                    "{type_}.{path} is kept but not force-new"
                );
            }
        }
        assert!(!crate::state::is_force_new(
            "aws_secretsmanager_secret_version",
            "secret_string_wo_version"
        ));
    }

    #[test]
    fn paths_reach_into_maps_and_single_blocks() {
        let v = json!({"tags": {"Name": "a"}, "tag": [{"key": "k"}], "two": [{"x": 1}, {"x": 2}]});
        assert_eq!(lookup(&v, "tags.Name"), Some(&json!("a")));
        assert_eq!(lookup(&v, "tag.key"), Some(&json!("k")));
        assert_eq!(lookup(&v, "two.x"), None);
        assert_eq!(lookup(&json!({"name": null}), "name"), None);
    }

    #[test]
    fn a_derived_name_is_the_stem_of_a_name_prefix() {
        assert!(same_stem(
            "orders-staging/api_key",
            "orders-staging/api-key-"
        ));
        assert!(same_stem("Billing-Dev", "billing-dev-"));
        assert!(!same_stem(
            "orders-staging/api_key",
            "orders-staging/api-key-2-"
        ));
        assert!(!same_stem("", "-"));
    }

    #[test]
    fn identity_values_compare_as_text() {
        assert!(same_identity(&json!(443), &json!("443")));
        assert!(!same_identity(&json!("10.0.0.0/16"), &json!("10.1.0.0/16")));
        assert_eq!(
            identity("aws_eks_node_group"),
            ["cluster_name", "?node_group_name"]
        );
        assert_eq!(identity("aws_something_new"), ["name"]);
    }
}
