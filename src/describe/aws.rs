//! What tells one existing AWS object from another, per resource type the descriptions
//! create, for `iacgen plan` (the state reader reads these rows before its own tables, which
//! still hold the types not described yet, and the types several components share: roles,
//! security groups and their rules, log groups).
//!
//! Force-new paths are the hashicorp/aws provider's `ForceNew` / `RequiresReplace` attributes
//! (see `state/force_new.rs`); identities use `state/identity.rs`'s notation (`~` a hint, `?`
//! optional); import IDs follow the "Import" section of each type's documentation.

/// The facts of one resource type.
#[derive(Debug)]
pub struct TypeFacts {
    pub kind: &'static str,
    /// The ID `terraform import` takes: the parts joined by `.0`, each part the first of its
    /// attributes the state records.
    pub import_id: (&'static str, &'static [&'static [&'static str]]),
    /// The arguments that identify an object, whatever its address.
    pub identity: &'static [&'static str],
    /// The arguments whose change replaces the object.
    pub force_new: &'static [&'static str],
}

const ID: (&str, &[&[&str]]) = ("", &[&["id"]]);
const NAME: (&str, &[&[&str]]) = ("", &[&["name"]]);
const ARN: (&str, &[&[&str]]) = ("", &[&["arn", "id"]]);

/// Sorted by type.
const TYPES: &[TypeFacts] = &[
    TypeFacts {
        kind: "aws_appautoscaling_policy",
        import_id: (
            "/",
            &[
                &["service_namespace"],
                &["resource_id"],
                &["scalable_dimension"],
                &["name"],
            ],
        ),
        identity: &["resource_id", "name"],
        force_new: &[
            "name",
            "resource_id",
            "scalable_dimension",
            "service_namespace",
        ],
    },
    TypeFacts {
        kind: "aws_appautoscaling_target",
        import_id: (
            "/",
            &[
                &["service_namespace"],
                &["resource_id"],
                &["scalable_dimension"],
            ],
        ),
        identity: &["service_namespace", "resource_id", "scalable_dimension"],
        force_new: &["resource_id", "scalable_dimension", "service_namespace"],
    },
    TypeFacts {
        kind: "aws_cloudwatch_dashboard",
        import_id: ("", &[&["dashboard_name"]]),
        identity: &["dashboard_name"],
        force_new: &["dashboard_name"],
    },
    TypeFacts {
        kind: "aws_cloudwatch_event_rule",
        import_id: NAME,
        identity: &["name"],
        force_new: &["event_bus_name", "name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_cloudwatch_event_target",
        import_id: ("/", &[&["rule"], &["target_id"]]),
        identity: &["rule", "target_id"],
        force_new: &["event_bus_name", "rule", "target_id"],
    },
    TypeFacts {
        kind: "aws_cloudwatch_metric_alarm",
        import_id: ("", &[&["alarm_name"]]),
        identity: &["alarm_name"],
        force_new: &["alarm_name"],
    },
    TypeFacts {
        kind: "aws_db_subnet_group",
        import_id: NAME,
        identity: &["name"],
        force_new: &["name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_default_security_group",
        import_id: ID,
        identity: &["vpc_id"],
        force_new: &["vpc_id"],
    },
    TypeFacts {
        kind: "aws_ecs_cluster",
        import_id: NAME,
        identity: &["name"],
        force_new: &["name"],
    },
    TypeFacts {
        kind: "aws_ecs_cluster_capacity_providers",
        import_id: ("", &[&["cluster_name"]]),
        identity: &["cluster_name"],
        force_new: &["cluster_name"],
    },
    TypeFacts {
        kind: "aws_ecs_task_definition",
        import_id: ARN,
        identity: &["family"],
        force_new: &[
            "container_definitions",
            "cpu",
            "ephemeral_storage",
            "execution_role_arn",
            "family",
            "ipc_mode",
            "memory",
            "network_mode",
            "pid_mode",
            "placement_constraints",
            "proxy_configuration",
            "requires_compatibilities",
            "runtime_platform",
            "task_role_arn",
            "volume",
        ],
    },
    TypeFacts {
        kind: "aws_eip",
        import_id: ("", &[&["allocation_id", "id"]]),
        identity: &["~tags.Name"],
        force_new: &[
            "address",
            "domain",
            "network_border_group",
            "public_ipv4_pool",
        ],
    },
    TypeFacts {
        kind: "aws_eks_access_entry",
        import_id: (":", &[&["cluster_name"], &["principal_arn"]]),
        identity: &["cluster_name", "principal_arn"],
        force_new: &["cluster_name", "principal_arn", "type"],
    },
    TypeFacts {
        kind: "aws_eks_access_policy_association",
        import_id: (
            "#",
            &[&["cluster_name"], &["principal_arn"], &["policy_arn"]],
        ),
        identity: &["cluster_name", "principal_arn", "policy_arn"],
        force_new: &[
            "access_scope",
            "cluster_name",
            "policy_arn",
            "principal_arn",
        ],
    },
    TypeFacts {
        kind: "aws_eks_addon",
        import_id: (":", &[&["cluster_name"], &["addon_name"]]),
        identity: &["cluster_name", "addon_name"],
        force_new: &["addon_name", "cluster_name"],
    },
    TypeFacts {
        kind: "aws_eks_cluster",
        import_id: NAME,
        identity: &["name"],
        force_new: &[
            "access_config.bootstrap_cluster_creator_admin_permissions",
            "kubernetes_network_config.ip_family",
            "kubernetes_network_config.service_ipv4_cidr",
            "name",
            "outpost_config.control_plane_instance_type",
            "outpost_config.control_plane_placement.group_name",
            "role_arn",
        ],
    },
    TypeFacts {
        kind: "aws_eks_node_group",
        import_id: (":", &[&["cluster_name"], &["node_group_name"]]),
        identity: &["cluster_name", "?node_group_name"],
        force_new: &[
            "ami_type",
            "capacity_type",
            "cluster_name",
            "disk_size",
            "instance_types",
            "launch_template.id",
            "launch_template.name",
            "node_group_name",
            "node_group_name_prefix",
            "node_role_arn",
            "remote_access",
            "subnet_ids",
        ],
    },
    TypeFacts {
        kind: "aws_flow_log",
        import_id: ID,
        identity: &["vpc_id", "log_destination_type"],
        force_new: &[
            "deliver_cross_account_role",
            "destination_options",
            "eni_id",
            "iam_role_arn",
            "log_destination",
            "log_destination_type",
            "log_format",
            "max_aggregation_interval",
            "subnet_id",
            "traffic_type",
            "transit_gateway_attachment_id",
            "transit_gateway_id",
            "vpc_id",
        ],
    },
    TypeFacts {
        kind: "aws_iam_openid_connect_provider",
        import_id: ("", &[&["arn", "id"]]),
        identity: &["url"],
        force_new: &["client_id_list", "url"],
    },
    TypeFacts {
        kind: "aws_iam_role_policy_attachment",
        import_id: ("/", &[&["role"], &["policy_arn"]]),
        identity: &["role", "policy_arn"],
        force_new: &["policy_arn", "role"],
    },
    TypeFacts {
        kind: "aws_internet_gateway",
        import_id: ID,
        identity: &["vpc_id"],
        force_new: &[],
    },
    TypeFacts {
        kind: "aws_kms_alias",
        import_id: NAME,
        identity: &["name"],
        force_new: &["name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_kms_key",
        import_id: ("", &[&["key_id", "id"]]),
        identity: &["~description", "~tags.Name"],
        force_new: &[
            "custom_key_store_id",
            "customer_master_key_spec",
            "key_usage",
            "multi_region",
            "xks_key_id",
        ],
    },
    TypeFacts {
        kind: "aws_kms_replica_key",
        import_id: ID,
        identity: &["primary_key_arn"],
        force_new: &["primary_key_arn"],
    },
    TypeFacts {
        kind: "aws_launch_template",
        import_id: ID,
        identity: &["name"],
        force_new: &["name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_lb",
        import_id: ARN,
        identity: &["name"],
        force_new: &[
            "customer_owned_ipv4_pool",
            "internal",
            "load_balancer_type",
            "name",
            "name_prefix",
        ],
    },
    TypeFacts {
        kind: "aws_lb_listener",
        import_id: ARN,
        identity: &["load_balancer_arn", "~port"],
        force_new: &["load_balancer_arn"],
    },
    TypeFacts {
        kind: "aws_lb_target_group",
        import_id: ARN,
        identity: &["name"],
        force_new: &[
            "ip_address_type",
            "name",
            "name_prefix",
            "port",
            "protocol",
            "protocol_version",
            "target_type",
            "vpc_id",
        ],
    },
    TypeFacts {
        kind: "aws_nat_gateway",
        import_id: ID,
        identity: &["subnet_id"],
        force_new: &[
            "allocation_id",
            "connectivity_type",
            "private_ip",
            "secondary_private_ip_address_count",
            "subnet_id",
        ],
    },
    TypeFacts {
        kind: "aws_route",
        import_id: (
            "_",
            &[
                &["route_table_id"],
                &[
                    "destination_cidr_block",
                    "destination_ipv6_cidr_block",
                    "destination_prefix_list_id",
                ],
            ],
        ),
        identity: &["route_table_id", "destination_cidr_block"],
        force_new: &[
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
            "route_table_id",
        ],
    },
    TypeFacts {
        kind: "aws_route_table",
        import_id: ID,
        identity: &["vpc_id", "~tags.Name"],
        force_new: &["vpc_id"],
    },
    TypeFacts {
        kind: "aws_route_table_association",
        import_id: ("/", &[&["subnet_id", "gateway_id"], &["route_table_id"]]),
        identity: &["subnet_id"],
        force_new: &["gateway_id", "subnet_id"],
    },
    TypeFacts {
        kind: "aws_secretsmanager_secret",
        import_id: ("", &[&["arn", "id"]]),
        identity: &["name"],
        force_new: &["name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_secretsmanager_secret_policy",
        import_id: ("", &[&["secret_arn", "id"]]),
        identity: &["secret_arn"],
        force_new: &["secret_arn"],
    },
    TypeFacts {
        kind: "aws_secretsmanager_secret_rotation",
        import_id: ("", &[&["secret_id", "id"]]),
        identity: &["secret_id"],
        force_new: &["secret_id"],
    },
    TypeFacts {
        kind: "aws_secretsmanager_secret_version",
        import_id: ("|", &[&["secret_id"], &["version_id"]]),
        identity: &["secret_id"],
        force_new: &["secret_binary", "secret_id", "secret_string"],
    },
    TypeFacts {
        kind: "aws_sns_topic",
        import_id: ARN,
        identity: &["name"],
        force_new: &["fifo_topic", "name", "name_prefix"],
    },
    TypeFacts {
        kind: "aws_sns_topic_policy",
        import_id: ARN,
        identity: &["arn"],
        force_new: &["arn"],
    },
    TypeFacts {
        kind: "aws_sns_topic_subscription",
        import_id: ARN,
        identity: &["topic_arn", "protocol", "endpoint"],
        force_new: &["endpoint", "protocol", "topic_arn"],
    },
    TypeFacts {
        kind: "aws_subnet",
        import_id: ID,
        identity: &["cidr_block"],
        force_new: &[
            "availability_zone",
            "availability_zone_id",
            "cidr_block",
            "ipv6_native",
            "outpost_arn",
            "vpc_id",
        ],
    },
    TypeFacts {
        kind: "aws_vpc",
        import_id: ID,
        identity: &["cidr_block"],
        force_new: &["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
    },
    TypeFacts {
        kind: "aws_vpc_endpoint",
        import_id: ID,
        identity: &["vpc_id", "service_name"],
        force_new: &["service_name", "vpc_endpoint_type", "vpc_id"],
    },
];

/// The facts of resource type `kind`, when a description owns them.
pub fn facts(kind: &str) -> Option<&'static TypeFacts> {
    TYPES
        .binary_search_by(|f| f.kind.cmp(kind))
        .ok()
        .and_then(|i| TYPES.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_lookup() {
        assert!(TYPES.windows(2).all(|w| w[0].kind < w[1].kind));
    }

    /// Every type the network, KMS, EKS, secrets, ECS cluster, ECS service and observability
    /// descriptions create, except those other components share, has its facts here.
    #[test]
    fn the_described_types_have_facts() {
        let shared = [
            "aws_cloudwatch_log_group",
            "aws_iam_role",
            "aws_iam_role_policy",
            "aws_security_group",
            "aws_vpc_security_group_ingress_rule",
            // Its import ID reads a nested block (`tag.key`): state/import_id.rs has it.
            "aws_autoscaling_group_tag",
            "aws_vpc_security_group_egress_rule",
            // Its import ID is the last part of the cluster's ARN and its name.
            "aws_ecs_service",
        ];
        let platform = crate::spec::load_file(std::path::Path::new("examples/platform.yaml"))
            .unwrap_or_else(|e| panic!("the example loads: {e:?}"));
        let Some(network) = platform.network.as_ref() else {
            panic!("the example has a network");
        };
        let Some(eks) = platform.eks.as_ref() else {
            panic!("the example has EKS");
        };
        let Some((service, svc)) = platform.ecs.as_ref().and_then(|e| e.services.iter().next())
        else {
            panic!("the example has an ECS service");
        };
        let described = [
            super::super::network::component(&platform, network),
            super::super::eks::component(&platform, eks),
            super::super::secrets::component(&platform),
            super::super::ecs_cluster::component(&platform),
            super::super::ecs_service::component(&platform, service, svc),
        ];
        let observability = super::super::observability::component(&platform);
        // aws_lambda_permission's import ID depends on an optional qualifier: the state
        // reader's own rule. A random password is ephemeral: never in a state.
        let shared = [&shared[..], &["aws_lambda_permission", "random_password"]].concat();
        for r in described
            .iter()
            .chain(observability.iter())
            .flat_map(|c| c.resources())
            .filter(|r| !r.is_data())
        {
            assert!(
                shared.contains(&r.kind) || facts(r.kind).is_some(),
                "{} has no facts",
                r.kind
            );
        }
    }
}
