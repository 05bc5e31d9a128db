//! The Pulumi side of the AWS provider's types: the Python class of each resource type, and the
//! noun its variables are named after. Argument names are the Terraform provider's
//! (snake_case) names, but for the few pulumi-aws renamed ([`renamed`], [`argument`]).

/// `(Terraform type, Python class, noun)`
const TYPES: &[(&str, &str, &str)] = &[
    (
        "aws_appautoscaling_policy",
        "aws.appautoscaling.Policy",
        "scaling_policy",
    ),
    (
        "aws_appautoscaling_target",
        "aws.appautoscaling.Target",
        "scaling_target",
    ),
    (
        "aws_autoscaling_group_tag",
        "aws.autoscaling.Tag",
        "asg_tag",
    ),
    (
        "aws_cloudwatch_dashboard",
        "aws.cloudwatch.Dashboard",
        "dashboard",
    ),
    (
        "aws_cloudwatch_event_rule",
        "aws.cloudwatch.EventRule",
        "rule",
    ),
    (
        "aws_cloudwatch_event_target",
        "aws.cloudwatch.EventTarget",
        "target",
    ),
    (
        "aws_cloudwatch_log_group",
        "aws.cloudwatch.LogGroup",
        "log_group",
    ),
    (
        "aws_cloudwatch_metric_alarm",
        "aws.cloudwatch.MetricAlarm",
        "alarm",
    ),
    ("aws_db_subnet_group", "aws.rds.SubnetGroup", "subnet_group"),
    (
        "aws_default_security_group",
        "aws.ec2.DefaultSecurityGroup",
        "default_security_group",
    ),
    ("aws_ecs_cluster", "aws.ecs.Cluster", "cluster"),
    (
        "aws_ecs_cluster_capacity_providers",
        "aws.ecs.ClusterCapacityProviders",
        "capacity_providers",
    ),
    ("aws_ecs_service", "aws.ecs.Service", "service"),
    (
        "aws_ecs_task_definition",
        "aws.ecs.TaskDefinition",
        "task_definition",
    ),
    ("aws_eip", "aws.ec2.Eip", "eip"),
    (
        "aws_eks_access_entry",
        "aws.eks.AccessEntry",
        "access_entry",
    ),
    (
        "aws_eks_access_policy_association",
        "aws.eks.AccessPolicyAssociation",
        "access_policy",
    ),
    ("aws_eks_addon", "aws.eks.Addon", "addon"),
    ("aws_eks_cluster", "aws.eks.Cluster", "cluster"),
    ("aws_eks_node_group", "aws.eks.NodeGroup", "node_group"),
    ("aws_flow_log", "aws.ec2.FlowLog", "flow_log"),
    (
        "aws_iam_openid_connect_provider",
        "aws.iam.OpenIdConnectProvider",
        "oidc_provider",
    ),
    ("aws_iam_role", "aws.iam.Role", "role"),
    ("aws_iam_role_policy", "aws.iam.RolePolicy", "policy"),
    (
        "aws_iam_role_policy_attachment",
        "aws.iam.RolePolicyAttachment",
        "policy_attachment",
    ),
    (
        "aws_internet_gateway",
        "aws.ec2.InternetGateway",
        "internet_gateway",
    ),
    ("aws_kms_alias", "aws.kms.Alias", "alias"),
    ("aws_kms_key", "aws.kms.Key", "key"),
    ("aws_kms_replica_key", "aws.kms.ReplicaKey", "replica_key"),
    (
        "aws_lambda_permission",
        "aws.lambda_.Permission",
        "permission",
    ),
    (
        "aws_launch_template",
        "aws.ec2.LaunchTemplate",
        "launch_template",
    ),
    ("aws_lb", "aws.lb.LoadBalancer", "load_balancer"),
    ("aws_lb_listener", "aws.lb.Listener", "listener"),
    ("aws_lb_target_group", "aws.lb.TargetGroup", "target_group"),
    ("aws_nat_gateway", "aws.ec2.NatGateway", "nat_gateway"),
    ("aws_route", "aws.ec2.Route", "route"),
    ("aws_route_table", "aws.ec2.RouteTable", "route_table"),
    (
        "aws_route_table_association",
        "aws.ec2.RouteTableAssociation",
        "association",
    ),
    (
        "aws_secretsmanager_secret",
        "aws.secretsmanager.Secret",
        "secret",
    ),
    (
        "aws_secretsmanager_secret_policy",
        "aws.secretsmanager.SecretPolicy",
        "secret_policy",
    ),
    (
        "aws_secretsmanager_secret_rotation",
        "aws.secretsmanager.SecretRotation",
        "rotation",
    ),
    (
        "aws_secretsmanager_secret_version",
        "aws.secretsmanager.SecretVersion",
        "secret_version",
    ),
    (
        "aws_security_group",
        "aws.ec2.SecurityGroup",
        "security_group",
    ),
    ("aws_sns_topic", "aws.sns.Topic", "topic"),
    (
        "aws_sns_topic_policy",
        "aws.sns.TopicPolicy",
        "topic_policy",
    ),
    (
        "aws_sns_topic_subscription",
        "aws.sns.TopicSubscription",
        "subscription",
    ),
    ("aws_subnet", "aws.ec2.Subnet", "subnet"),
    ("aws_vpc", "aws.ec2.Vpc", "vpc"),
    ("aws_vpc_endpoint", "aws.ec2.VpcEndpoint", "endpoint"),
    (
        "aws_vpc_security_group_egress_rule",
        "aws.vpc.SecurityGroupEgressRule",
        "egress_rule",
    ),
    (
        "aws_vpc_security_group_ingress_rule",
        "aws.vpc.SecurityGroupIngressRule",
        "ingress_rule",
    ),
    (
        "data.aws_eks_addon_version",
        "aws.eks.get_addon_version_output",
        "latest_addon",
    ),
    ("random_password", "random.RandomPassword", "password"),
];

/// `(Terraform type, Terraform argument, Python argument)` where pulumi-aws renamed one.
const ARGUMENTS: &[(&str, &str, &str)] = &[
    ("aws_cloudwatch_metric_alarm", "alarm_name", "name"),
    ("aws_sns_topic_subscription", "topic_arn", "topic"),
];

/// The Python name of argument `arg` of resource type `kind`: the Terraform name, except where
/// pulumi-aws renamed it.
pub fn renamed<'a>(kind: &str, arg: &'a str) -> &'a str {
    ARGUMENTS
        .iter()
        .find(|(k, a, _)| *k == kind && *a == arg)
        .map_or(arg, |(_, _, python)| python)
}

/// The Python class of resource type `kind`.
///
/// Panics for a type missing from the table: that is a bug in iacgen (a description uses a
/// type no one mapped), which every example's Pulumi test finds.
pub fn class(kind: &str) -> &'static str {
    lookup(kind).0
}

/// The noun of a variable holding a resource of type `kind` (`aws_route_table` → `route_table`).
pub fn noun(kind: &str) -> &'static str {
    lookup(kind).1
}

/// The Python argument of repeated nested blocks `block` (Terraform's block name):
/// pulumi-aws names a list of blocks in the plural (`load_balancer` → `load_balancers`,
/// `capacity_provider_strategy` → `capacity_provider_strategies`).
pub fn plural(block: &str) -> String {
    if block.ends_with('s') {
        block.to_string()
    } else if let Some(stem) = block.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{block}s")
    }
}

fn lookup(kind: &str) -> (&'static str, &'static str) {
    match TYPES.iter().find(|(k, _, _)| *k == kind) {
        Some((_, class, noun)) => (class, noun),
        None => panic!("iacgen bug: no Pulumi class for resource type {kind}"),
    }
}

/// The Python name of argument `arg` of type `kind` (a nested block's field: any type):
/// pulumi-aws's own where it differs (a list named `..._list` in the provider is plural in
/// Python, a few arguments are renamed).
pub fn argument<'a>(kind: &str, arg: &'a str) -> &'a str {
    match (kind, arg) {
        (_, "client_id_list") => "client_id_lists",
        (_, "thumbprint_list") => "thumbprint_lists",
        ("aws_lambda_permission", "function_name") => "function",
        _ => renamed(kind, arg),
    }
}

#[cfg(test)]
mod tests {
    use super::TYPES;

    #[test]
    fn lists_of_blocks_are_named_as_pulumi_aws_names_them() {
        assert_eq!(super::plural("load_balancer"), "load_balancers");
        assert_eq!(
            super::plural("capacity_provider_strategy"),
            "capacity_provider_strategies"
        );
        assert_eq!(super::plural("metric_query"), "metric_queries");
        assert_eq!(super::plural("tag_specifications"), "tag_specifications");
    }

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        assert!(TYPES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
