//! Force-new arguments: those whose change makes Terraform replace the object (destroy and
//! create it again, or create then destroy) instead of updating it in place.
//!
//! The table holds the `ForceNew` / `RequiresReplace` attribute paths of the hashicorp/aws
//! provider for every resource type iacgen generates (the provider's Go source, as extracted
//! for the shared stub provider's `requires-replace.json`; `region`, which iacgen never sets
//! per resource, left out). A path `block.argument` is an argument of a nested block; a block
//! named alone is force-new as a whole. Conditional replacements (`CustomizeDiff`, such as an
//! EKS cluster's `encryption_config`, which can be added but never changed) are not here:
//! Terraform plans them as updates, and the apply fails.
//!
//! Used to tell a replacement from an update in place when a matched object drifts, so that
//! `iacgen plan` counts replacements as `terraform plan` does.

use std::collections::BTreeMap;

use super::address::Address;
use super::drift::Drift;
use super::instance::ResourceInstance;
use super::inventory::{Inventory, ManagedInstance};
use super::plan::{Action, Planned};

/// `(resource type, force-new paths)`, sorted by type; the types a description creates have
/// theirs in `describe::aws`.
const FORCE_NEW: &[(&str, &[&str])] = &[
    (
        "aws_autoscaling_group_tag",
        &["autoscaling_group_name", "tag.key"],
    ),
    ("aws_cloudwatch_dashboard", &["dashboard_name"]),
    (
        "aws_cloudwatch_event_rule",
        &["event_bus_name", "name", "name_prefix"],
    ),
    (
        "aws_cloudwatch_event_target",
        &["event_bus_name", "rule", "target_id"],
    ),
    (
        "aws_cloudwatch_log_group",
        &["log_group_class", "name", "name_prefix"],
    ),
    ("aws_cloudwatch_metric_alarm", &["alarm_name"]),
    (
        "aws_ecs_service",
        &[
            "cluster",
            "deployment_controller.type",
            "iam_role",
            "launch_type",
            "name",
            "scheduling_strategy",
        ],
    ),
    ("aws_iam_role", &["name", "name_prefix", "path"]),
    ("aws_iam_role_policy", &["name", "name_prefix", "role"]),
    (
        "aws_lambda_permission",
        &[
            "action",
            "event_source_token",
            "function_name",
            "function_url_auth_type",
            "principal",
            "principal_org_id",
            "qualifier",
            "source_account",
            "source_arn",
            "statement_id",
            "statement_id_prefix",
        ],
    ),
    (
        "aws_security_group",
        &["description", "name", "name_prefix", "vpc_id"],
    ),
    ("aws_sns_topic", &["fifo_topic", "name", "name_prefix"]),
    ("aws_sns_topic_policy", &["arn"]),
    (
        "aws_sns_topic_subscription",
        &["endpoint", "protocol", "topic_arn"],
    ),
    ("aws_vpc_security_group_egress_rule", &["security_group_id"]),
    (
        "aws_vpc_security_group_ingress_rule",
        &["security_group_id"],
    ),
];

/// The force-new paths of a resource type (empty for types not listed: none known).
pub fn force_new_paths(type_: &str) -> &'static [&'static str] {
    if let Some(facts) = crate::describe::aws::facts(type_) {
        return facts.force_new;
    }
    FORCE_NEW
        .binary_search_by(|(t, _)| t.cmp(&type_))
        .map_or(&[], |i| FORCE_NEW[i].1)
}

/// Whether changing `argument` (a drift's `name` or `block.name`) replaces an object of `type_`.
pub fn is_force_new(type_: &str, argument: &str) -> bool {
    force_new_paths(type_).iter().any(|path| {
        // The argument itself, or an argument inside a block that is force-new as a whole.
        argument == *path
            || argument
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The drifted arguments that make Terraform replace an object of `type_`.
pub fn replacing<'a>(type_: &str, drift: &'a [Drift]) -> Vec<&'a Drift> {
    drift
        .iter()
        .filter(|d| is_force_new(type_, &d.argument))
        .collect()
}

/// What Terraform does with a matched object of `type_` that has `drift`.
pub(super) fn action(type_: &str, drift: &[Drift], tainted: bool) -> Action {
    if tainted || !replacing(type_, drift).is_empty() {
        Action::Replace
    } else if drift.is_empty() {
        Action::Unchanged
    } else {
        Action::Drifted
    }
}

/// Replacing an object gives it a new `id`, `arn` and every other attribute the provider
/// computes: the arguments that refer to them become known only after apply. An object that
/// refers to one is updated in place, or replaced in turn when that argument is force-new (a
/// NAT gateway in a replaced subnet). Applies this to `planned` until nothing more changes.
pub(super) fn propagate(
    planned: &mut [Planned],
    inventory: &Inventory,
    state: &[&ResourceInstance],
) {
    let config: BTreeMap<&Address, &ManagedInstance> = inventory
        .instances
        .iter()
        .map(|i| (&i.address, i))
        .collect();
    let recorded: BTreeMap<&Address, &ResourceInstance> =
        state.iter().map(|s| (&s.address, *s)).collect();
    loop {
        let replaced: Vec<Address> = planned
            .iter()
            .filter(|p| p.action == Action::Replace)
            .map(|p| p.address.clone())
            .collect();
        let mut changed = false;
        for p in planned.iter_mut() {
            if p.action == Action::Create || p.action == Action::Replace {
                continue;
            }
            let (Some(inst), Some(old)) = (
                config.get(&p.address),
                p.state.as_ref().and_then(|m| recorded.get(&m.address)),
            ) else {
                continue;
            };
            for r in &inst.references {
                let value = old.attribute(&r.argument);
                let stays = config
                    .get(&r.target)
                    .is_some_and(|t| t.arguments.get(&r.attribute).is_some_and(|v| !v.is_null()));
                if !replaced.contains(&r.target)
                    || stays
                    || value.is_none_or(|v| v.is_null() || v.as_str() == Some(""))
                    || inst.ignore_changes.ignores(&r.argument)
                    || p.drift.iter().any(|d| d.argument == r.argument)
                {
                    continue;
                }
                p.drift.push(Drift {
                    argument: r.argument.clone(),
                    iacgen: None,
                    state: value.filter(|_| !old.is_sensitive(&r.argument)).cloned(),
                    after_apply_from: Some(r.target.clone()),
                });
                changed = true;
            }
            p.action = action(&p.address.type_, &p.drift, p.tainted);
        }
        if !changed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_lookup() {
        assert!(FORCE_NEW.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn force_new_arguments_of_the_objects_adoption_must_keep() {
        for (type_, argument) in [
            ("aws_eks_cluster", "role_arn"),
            ("aws_eks_cluster", "name"),
            ("aws_subnet", "availability_zone"),
            ("aws_security_group", "description"),
            ("aws_eks_node_group", "node_group_name"),
            ("aws_eks_node_group", "launch_template.id"),
            ("aws_eks_node_group", "remote_access.ec2_ssh_key"),
            ("aws_lb_target_group", "port"),
            ("aws_ecs_task_definition", "container_definitions"),
        ] {
            assert!(is_force_new(type_, argument), "{type_}.{argument}");
        }
        for (type_, argument) in [
            ("aws_eks_cluster", "version"),
            ("aws_eks_cluster", "vpc_config.endpoint_public_access"),
            ("aws_eks_node_group", "launch_template.version"),
            ("aws_eks_node_group", "scaling_config.desired_size"),
            ("aws_security_group", "tags"),
            ("aws_subnet", "map_public_ip_on_launch"),
            ("aws_made_up", "name"),
        ] {
            assert!(!is_force_new(type_, argument), "{type_}.{argument}");
        }
    }
}
