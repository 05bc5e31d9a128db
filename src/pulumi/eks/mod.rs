//! `components/eks.py`: the counterpart of `modules/eks` (same resources, names and tags).
//!
//! What every environment shares (node pools, add-ons, endpoint access) is module code, as in
//! the Terraform module: constants in `components/eks.py`. What varies per environment
//! (Kubernetes version, log retention, pool sizes, admins) is stack config, as
//! `terraform.tfvars` holds it.

mod cluster;
mod nodes;

use super::component::{
    self, Arg, Component, ConfigKind, account_id, by_env, init_preamble, partition, policy,
    values_list,
};
use super::kms;
use super::py::{self, Expr, Stmt, call, name, path, s};
use crate::model::{Eks, Platform, Tier};
use crate::terraform::ecs::is_production_like;
use serde_json::{Value, json};

/// Builds the EKS component, wired to the network component among `built` (validation makes
/// sure a platform with `eks` has a network with private subnets; without one there is none).
pub fn component(platform: &Platform, eks: &Eks, built: &[Component]) -> Option<Component> {
    let network = built.iter().find(|c| c.instance == "network")?;
    let mut args = vec![
        Arg::wired("name", "str", name("name")),
        Arg::wired("tags", "dict[str, str]", name("tags")),
        Arg::wired("region", "str", name("region")),
        Arg::wired("vpc_id", "pulumi.Input[str]", network.output("vpc_id")?),
        Arg::wired(
            "vpc_cidr_block",
            "pulumi.Input[str]",
            network.output("vpc_cidr_block")?,
        ),
        Arg::wired(
            "subnet_ids",
            "list[pulumi.Input[str]]",
            values_list(network.output("private_subnet_ids")?),
        ),
    ];
    if eks.control_plane_subnets != Tier::Private {
        let output = format!("{}_subnet_ids", eks.control_plane_subnets.name());
        args.push(Arg::wired(
            "control_plane_subnet_ids",
            "list[pulumi.Input[str]]",
            values_list(network.output(&output)?),
        ));
    }
    args.extend(settings(platform, eks));

    let mut init = init_preamble("iacgen:eks:Eks", path("args.name"));
    init.extend([account_id(), partition()]);
    init.extend(cluster::statements(eks));
    init.extend(nodes::statements());
    init.extend(cluster::addons(eks));
    let outputs = outputs();
    init.push(Component::register_outputs(&outputs));

    let mut body = nodes::pool_constants(eks);
    body.extend(cluster::constants(eks));
    body.extend(nodes::name_functions());
    body.push(Stmt::Class(component::class(
        "Eks",
        "The EKS cluster of one environment with its IAM, encryption, logs, access entries,\n\
         OIDC provider, add-ons and one managed node group per node pool."
            .to_string(),
        init,
    )));

    Some(Component {
        module: "eks".to_string(),
        instance: "eks".to_string(),
        prefix: String::new(),
        class: "Eks".to_string(),
        body,
        imports: vec![
            py::import("hashlib"),
            py::import("json"),
            py::import_as("pulumi_aws", "aws"),
            kms::import(),
        ],
        summary: "An EKS cluster in the private subnets: secrets encrypted with a \
                  customer-managed KMS key, every control-plane log type in a KMS-encrypted log \
                  group, a private API endpoint unless the spec opens it to listed CIDRs, access \
                  entries for the spec's admins, an OIDC provider for IRSA, the add-ons, and one \
                  managed node group per node pool (launch template with IMDSv2 and an \
                  encrypted gp3 root volume; tags on instances, volumes, network interfaces and \
                  the Auto Scaling group). The counterpart of the Terraform module modules/eks."
            .to_string(),
        args,
        outputs,
    })
}

/// The variables `terraform.tfvars` sets for `module "eks"`.
fn settings(platform: &Platform, eks: &Eks) -> Vec<Arg> {
    vec![
        Arg::setting(
            "kubernetes_version",
            "str",
            ConfigKind::Str,
            by_env(platform, |e| json!(eks.version.get(e))),
        ),
        Arg::setting(
            "cluster_log_retention_days",
            "int",
            ConfigKind::Int,
            by_env(platform, |e| {
                json!(
                    platform
                        .observability
                        .log_retention_days
                        .get(e)
                        .copied()
                        .unwrap_or(365)
                )
            }),
        ),
        Arg::setting(
            "cluster_deletion_protection",
            "bool",
            ConfigKind::Bool,
            by_env(platform, |e| json!(is_production_like(e))),
        ),
        Arg::setting(
            "cluster_admins",
            "list[str]",
            ConfigKind::Object,
            by_env(platform, |e| {
                json!(eks.admins.get(e).cloned().unwrap_or_default())
            }),
        ),
        Arg::setting(
            "node_pool_sizes",
            "dict[str, dict[str, int]]",
            ConfigKind::Object,
            by_env(platform, |e| {
                let size = |v: Option<&u32>| v.copied().unwrap_or(0);
                Value::Object(
                    eks.node_pools
                        .iter()
                        .map(|(pool, p)| {
                            let sizes = json!({
                                "min": size(p.min.get(e)),
                                "desired": size(p.desired.get(e)),
                                "max": size(p.max.get(e)),
                            });
                            (pool.clone(), sizes)
                        })
                        .collect(),
                )
            }),
        ),
    ]
}

fn outputs() -> Vec<(String, Expr)> {
    let by_pool = |attr: &str| {
        py::dict_comp(
            name("pool"),
            path(&format!("group.{attr}")),
            "pool, group",
            path("self.node_groups").method("items", vec![]),
            None,
        )
    };
    [
        ("cluster_name", path("self.cluster.name")),
        ("cluster_endpoint", path("self.cluster.endpoint")),
        (
            "cluster_certificate_authority_data",
            path("self.cluster.certificate_authority.data"),
        ),
        (
            "cluster_security_group_id",
            path("self.cluster.vpc_config.cluster_security_group_id"),
        ),
        ("oidc_provider_arn", path("self.oidc_provider.arn")),
        ("node_role_arn", path("self.node_role.arn")),
        ("node_group_names", by_pool("node_group_name")),
        (
            "node_group_autoscaling_group_names",
            path("self.node_group_autoscaling_group_names"),
        ),
    ]
    .into_iter()
    .map(|(n, e)| (n.to_string(), e))
    .collect()
}

/// `{"Version": "2012-10-17", "Statement": [...]}`
/// `json.dumps(...)` of a role trust policy for an AWS service.
fn assume_role_policy(service: &str) -> Expr {
    call(
        path("json.dumps"),
        vec![policy([py::dict([
            ("Effect", s("Allow")),
            ("Action", s("sts:AssumeRole")),
            ("Principal", py::dict([("Service", s(service))])),
        ])])],
        vec![],
    )
}

/// `pulumi.ResourceOptions(parent=self, depends_on=deps)`
fn after(deps: Expr) -> Expr {
    call(
        path("pulumi.ResourceOptions"),
        vec![],
        vec![("parent", name("self")), ("depends_on", deps)],
    )
}
