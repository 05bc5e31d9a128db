//! `modules/eks`: the EKS cluster (IAM, secrets encryption, control-plane logs, access entries,
//! IRSA), its add-ons, and one managed node group per node pool.
//!
//! What every environment shares (pools, instance types, labels, taints, add-ons, endpoint
//! access) is module code; what varies per environment (Kubernetes version, log retention, pool
//! sizes, admins: an ARN names an account) comes in through variables set in each root's
//! `terraform.tfvars`.

mod cluster;
mod nodes;

use super::ecs::is_production_like;
use super::interface::{Output, Variable};
use super::module::{Input, Module};
use crate::hcl::{Body, Expr, data, ex, null, num, obj, s, strings};
use crate::model::{Eks, Platform, Tier};
use std::collections::BTreeMap;

/// Builds the EKS module for `platform` (which must have `eks` and `network` sections).
pub fn module(platform: &Platform, eks: &Eks) -> Module {
    let main = Body::new()
        .block(data("aws_caller_identity", "current", Body::new()))
        .block(data("aws_partition", "current", Body::new()))
        .block(data("aws_region", "current", Body::new()))
        .extend(cluster::body(platform, eks))
        .extend(nodes::body(eks))
        .extend(cluster::addons(eks));

    Module {
        dir: "eks".to_string(),
        name: "eks".to_string(),
        var_prefix: String::new(),
        summary: SUMMARY.to_string(),
        main,
        inputs: inputs(platform, eks),
        outputs: outputs(),
    }
}

const SUMMARY: &str = r#"An EKS cluster in the private subnets: secrets encrypted with a customer-managed KMS
key, every control-plane log type in a KMS-encrypted log group, a private API endpoint unless
the spec opens it to listed CIDRs, access entries for `eks.admins` (authentication mode `API`),
an OIDC provider for IRSA, the add-ons of the spec, and one managed node group per node pool
(launch template with IMDSv2 and an encrypted gp3 root volume; tags on instances, volumes,
network interfaces and the Auto Scaling group). A node group replaced by a new instance type,
capacity type or AMI type is created before the old one is deleted, under a unique name from
the prefix in `local.node_group_naming`.

**Node group sizes.** `node_pool_sizes` sets each pool's min, desired and max size per
environment, and Terraform keeps the desired size at the spec's value: a change made outside
Terraform is undone by the next apply. A team that runs the cluster autoscaler (or anything
else that resizes node groups) opts out by adding a file `modules/eks/autoscaler_override.tf`
(iacgen never writes or deletes it; Terraform merges override files into the module):

```hcl
resource "aws_eks_node_group" "this" {
  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }
}
```

Min and max still come from the spec; desired is then only the size a new pool starts at."#;

fn inputs(platform: &Platform, eks: &Eks) -> Vec<Input> {
    let envs: Vec<&str> = platform.env_names().collect();
    let per_env = |f: &dyn Fn(&str) -> Expr| -> BTreeMap<String, Expr> {
        envs.iter().map(|e| (e.to_string(), f(e))).collect()
    };
    let mut inputs = vec![
        Input::wired(
            Variable::new(
                "name",
                "string",
                "Prefix of every resource name, `<project>-<environment>`; also the cluster name.",
            ),
            ex("local.name"),
        ),
        Input::tags(),
        Input::wired(
            Variable::new("vpc_id", "string", "ID of the VPC the cluster runs in."),
            ex("module.network.vpc_id"),
        ),
        Input::wired(
            Variable::new(
                "vpc_cidr_block",
                "string",
                "IPv4 CIDR block of the VPC; it may reach the Kubernetes API.",
            ),
            ex("module.network.vpc_cidr_block"),
        ),
        Input::wired(
            Variable::new(
                "subnet_ids",
                "list(string)",
                "Private subnets (at least two AZs) for the control plane's network interfaces and the nodes.",
            )
            .check(
                "length(var.subnet_ids) >= 2",
                "EKS needs subnets in at least two availability zones.",
            ),
            ex("values(module.network.private_subnet_ids)"),
        ),
    ];
    if eks.control_plane_subnets != Tier::Private {
        let tier = eks.control_plane_subnets.name();
        inputs.push(Input::wired(
            Variable::new(
                "control_plane_subnet_ids",
                "list(string)",
                &format!(
                    "The {tier} subnets (at least two AZs) for the control plane's network interfaces (eks.control_plane_subnets)."
                ),
            )
            .check(
                "length(var.control_plane_subnet_ids) >= 2",
                "EKS needs subnets in at least two availability zones.",
            ),
            ex(&format!("values(module.network.{tier}_subnet_ids)")),
        ));
    }
    inputs.extend([
        Input::setting(
            Variable::new(
                "kubernetes_version",
                "string",
                "Kubernetes minor version of the control plane and the node groups, e.g. `1.33`.",
            )
            .check(
                r#"can(regex("^1\\.[0-9]+$", var.kubernetes_version))"#,
                "kubernetes_version must be a Kubernetes minor version such as 1.33.",
            ),
            per_env(&|e| eks.version.get(e).map_or_else(null, s)),
        ),
        Input::setting(
            super::common::retention_variable(
                "cluster_log_retention_days",
                "Days to keep the control-plane logs",
            ),
            cluster::log_retention(platform)
                .into_iter()
                .map(|(env, days)| (env, num(i64::from(days))))
                .collect(),
        ),
        Input::setting(
            Variable::new(
                "cluster_deletion_protection",
                "bool",
                "Whether EKS refuses to delete the cluster (on in production-like environments; \
                 turn it off in this environment's terraform.tfvars before a planned \
                 destroy).",
            ),
            per_env(&|e| is_production_like(e).into()),
        ),
        Input::setting(
            Variable::new(
                "cluster_admins",
                "list(string)",
                "IAM role or user ARNs given cluster-admin access entries. The cluster \
                 authenticates by access entries only, so these are the only principals that \
                 can use it.",
            )
            .check(
                r#"alltrue([for arn in var.cluster_admins : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", arn))])"#,
                "cluster_admins must be IAM role or user ARNs.",
            ),
            per_env(&|e| {
                strings(eks.admins.get(e).into_iter().flatten().cloned())
            }),
        ),
        Input::setting(
            Variable::new(
                "node_pool_sizes",
                "map(object({ min = number, desired = number, max = number }))",
                "Size of each node pool (pool name => min, desired and max node count). \
                 Terraform keeps the desired size at this value; see the module README to let \
                 an autoscaler own it.",
            )
            .check(
                "alltrue([for pool in values(var.node_pool_sizes) : pool.min >= 0 && pool.min <= pool.desired && pool.desired <= pool.max && pool.max >= 1])",
                "Every node pool needs 0 <= min <= desired <= max and max >= 1.",
            ),
            per_env(&|e| {
                obj(eks.node_pools.iter().map(|(pool, p)| {
                    let size = |v: Option<&u32>| num(i64::from(v.copied().unwrap_or(0)));
                    (
                        pool.clone(),
                        obj([
                            ("min", size(p.min.get(e))),
                            ("desired", size(p.desired.get(e))),
                            ("max", size(p.max.get(e))),
                        ]),
                    )
                }))
            }),
        ),
    ]);
    inputs
}

fn outputs() -> Vec<Output> {
    vec![
        Output::new(
            "cluster_name",
            "Name of the EKS cluster.",
            ex("aws_eks_cluster.this.name"),
        ),
        Output::new(
            "cluster_endpoint",
            "URL of the Kubernetes API server.",
            ex("aws_eks_cluster.this.endpoint"),
        ),
        Output::new(
            "cluster_certificate_authority_data",
            "Base64-encoded certificate authority of the cluster, for kubeconfig.",
            ex("aws_eks_cluster.this.certificate_authority[0].data"),
        ),
        Output::new(
            "cluster_security_group_id",
            "Security group EKS created for the control plane and the nodes.",
            ex("aws_eks_cluster.this.vpc_config[0].cluster_security_group_id"),
        ),
        Output::new(
            "oidc_provider_arn",
            "ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts (IRSA).",
            ex("aws_iam_openid_connect_provider.this.arn"),
        ),
        Output::new(
            "node_role_arn",
            "ARN of the IAM role of the nodes.",
            ex("aws_iam_role.node.arn"),
        ),
        Output::new(
            "node_group_names",
            "Names of the managed node groups, by pool.",
            ex("{ for pool, group in aws_eks_node_group.this : pool => group.node_group_name }"),
        ),
        Output::new(
            "node_group_autoscaling_group_names",
            "Names of the Auto Scaling groups behind the node groups, by pool.",
            ex(
                "{ for pool, group in aws_eks_node_group.this : pool => group.resources[0].autoscaling_groups[0].name }",
            ),
        ),
    ]
}
