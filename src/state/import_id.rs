//! The ID `terraform import` (and an `import` block) takes for a resource, computed from the
//! attributes an existing state records for it.
//!
//! For most types this is the `id` attribute, but not for all: a node group is imported as
//! `cluster:node_group`, an ECS service as `cluster/service`, a route as
//! `rtb-id_destination`, a policy attachment as `role/policy-arn`. The formats follow the
//! "Import" section of each resource's page in the AWS provider documentation.

use serde_json::Value as Json;

use super::instance::ResourceInstance;

/// Why an import ID could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingAttribute {
    pub attribute: String,
}

/// The import ID of a resource of type `type_` whose state attributes are those of `instance`.
pub fn import_id(type_: &str, instance: &ResourceInstance) -> Result<String, MissingAttribute> {
    let attrs = instance.attributes();
    let get = |name: &str| -> Result<String, MissingAttribute> {
        text(attrs.get(name)).ok_or_else(|| MissingAttribute {
            attribute: name.to_string(),
        })
    };
    let first = |names: &[&str]| -> Result<String, MissingAttribute> {
        names
            .iter()
            .find_map(|n| text(attrs.get(*n)))
            .ok_or_else(|| MissingAttribute {
                attribute: names.join(" or "),
            })
    };
    if let Some(facts) = crate::describe::aws::facts(type_) {
        let (separator, parts) = facts.import_id;
        let parts = parts
            .iter()
            .map(|names| first(names))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(parts.join(separator));
    }
    Ok(match type_ {
        "aws_iam_role_policy" => format!("{}:{}", get("role")?, get("name")?),
        "aws_cloudwatch_log_group"
        | "aws_iam_role"
        | "aws_iam_instance_profile"
        | "aws_ecr_repository"
        | "aws_ssm_parameter" => get("name")?,
        "aws_cloudwatch_log_metric_filter" => {
            format!("{}:{}", get("log_group_name")?, get("name")?)
        }
        "aws_cloudwatch_metric_alarm" => get("alarm_name")?,
        // On the default event bus (the only one iacgen uses) a rule is its name, a target
        // `<rule>/<target id>`.
        "aws_cloudwatch_event_rule" => get("name")?,
        "aws_cloudwatch_event_target" => format!("{}/{}", get("rule")?, get("target_id")?),
        "aws_cloudwatch_dashboard" => get("dashboard_name")?,
        "aws_eks_pod_identity_association" => {
            format!("{},{}", get("cluster_name")?, get("association_id")?)
        }
        "aws_autoscaling_group_tag" => {
            let key = attrs
                .get("tag")
                .and_then(|t| match t {
                    Json::Array(items) => items.first(),
                    other => Some(other),
                })
                .and_then(|t| text(t.get("key")))
                .ok_or_else(|| MissingAttribute {
                    attribute: "tag.key".to_string(),
                })?;
            format!("{},{}", get("autoscaling_group_name")?, key)
        }
        "aws_ecs_service" => format!("{}/{}", last_segment(&get("cluster")?), get("name")?),
        "aws_iam_policy"
        | "aws_lb_listener_rule"
        | "aws_sns_topic"
        | "aws_sns_topic_subscription" => first(&["arn", "id"])?,
        "aws_sns_topic_policy" => first(&["arn", "id"])?,
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            first(&["security_group_rule_id", "id"])?
        }
        "aws_s3_bucket" => first(&["bucket", "id"])?,
        // The provider's ID of a permission is its statement ID (the generated one, with
        // `statement_id_prefix`).
        "aws_lambda_permission" => match text(attrs.get("qualifier")) {
            Some(q) => format!(
                "{}:{q}/{}",
                get("function_name")?,
                first(&["statement_id", "id"])?
            ),
            None => format!(
                "{}/{}",
                get("function_name")?,
                first(&["statement_id", "id"])?
            ),
        },
        _ => get("id")?,
    })
}

/// Whether [`import_id`] has a rule of its own for the type (otherwise it uses `id`, which is
/// right for most types but was not checked against the type's documentation).
pub fn has_known_format(type_: &str) -> bool {
    crate::describe::aws::facts(type_).is_some()
        || KNOWN_ID_TYPES.contains(&type_)
        || KNOWN_SPECIAL_TYPES.contains(&type_)
}

/// Types whose import ID is documented as their `id` attribute.
const KNOWN_ID_TYPES: [&str; 5] = [
    "aws_security_group",
    "aws_default_route_table",
    "aws_egress_only_internet_gateway",
    "aws_default_network_acl",
    "aws_elasticache_subnet_group",
];

const KNOWN_SPECIAL_TYPES: [&str; 29] = [
    "aws_lambda_permission",
    "aws_iam_role_policy",
    "aws_cloudwatch_log_group",
    "aws_iam_role",
    "aws_iam_instance_profile",
    "aws_ecr_repository",
    "aws_ssm_parameter",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_eks_pod_identity_association",
    "aws_autoscaling_group_tag",
    "aws_ecs_service",
    "aws_appautoscaling_target",
    "aws_appautoscaling_policy",
    "aws_iam_policy",
    "aws_ecs_task_definition",
    "aws_lb",
    "aws_lb_target_group",
    "aws_lb_listener",
    "aws_lb_listener_rule",
    "aws_sns_topic",
    "aws_sns_topic_subscription",
    "aws_sns_topic_policy",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_s3_bucket",
];

/// `arn:aws:ecs:eu-west-1:123:cluster/main` → `main`; a plain name stays as it is.
fn last_segment(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_string()
}

fn text(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Address;
    use serde_json::json;

    fn id(type_: &str, attrs: Json) -> Result<String, MissingAttribute> {
        import_id(
            type_,
            &ResourceInstance::new(Address::managed(type_, "x"), attrs),
        )
    }

    #[test]
    fn composite_ids_follow_the_provider_documentation() {
        assert_eq!(
            id(
                "aws_route",
                json!({"id": "r-rtb-1080289494", "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0"})
            ),
            Ok("rtb-1_0.0.0.0/0".into())
        );
        assert_eq!(
            id(
                "aws_route_table_association",
                json!({"id": "rtbassoc-1", "subnet_id": "subnet-1", "route_table_id": "rtb-1"})
            ),
            Ok("subnet-1/rtb-1".into())
        );
        assert_eq!(
            id(
                "aws_iam_role_policy_attachment",
                json!({"id": "r-2024", "role": "r", "policy_arn": "arn:aws:iam::aws:policy/P"})
            ),
            Ok("r/arn:aws:iam::aws:policy/P".into())
        );
        assert_eq!(
            id(
                "aws_ecs_service",
                json!({"id": "arn:aws:ecs:eu-west-1:1:service/c/s", "name": "s", "cluster": "arn:aws:ecs:eu-west-1:1:cluster/c"})
            ),
            Ok("c/s".into())
        );
        assert_eq!(
            id(
                "aws_eks_access_policy_association",
                json!({"cluster_name": "c", "principal_arn": "arn:p", "policy_arn": "arn:q"})
            ),
            Ok("c#arn:p#arn:q".into())
        );
        assert_eq!(
            id(
                "aws_autoscaling_group_tag",
                json!({"autoscaling_group_name": "asg", "tag": [{"key": "Name", "value": "v"}]})
            ),
            Ok("asg,Name".into())
        );
        assert_eq!(
            id(
                "aws_appautoscaling_policy",
                json!({"service_namespace": "ecs", "resource_id": "service/c/s", "scalable_dimension": "ecs:service:DesiredCount", "name": "cpu"})
            ),
            Ok("ecs/service/c/s/ecs:service:DesiredCount/cpu".into())
        );
        assert_eq!(id("aws_vpc", json!({"id": "vpc-1"})), Ok("vpc-1".into()));
        assert_eq!(
            id("aws_route", json!({"route_table_id": "rtb-1"})),
            Err(MissingAttribute {
                attribute: "destination_cidr_block or destination_ipv6_cidr_block or destination_prefix_list_id".into()
            })
        );
        assert!(has_known_format("aws_eks_node_group"));
        assert!(!has_known_format("aws_made_up"));
    }
}
