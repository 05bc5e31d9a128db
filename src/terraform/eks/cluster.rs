//! The control plane: encryption keys, log group, IAM role, security group, the cluster itself,
//! access entries, the OIDC provider and the add-ons.

use super::super::common::{
    assume_role_policy, https_from_vpc, kms_key_for_logs, name_tags, short_retention_skip,
};
use crate::hcl::{Block, Body, block, data, ex, null, obj, resource, s, strings};
use crate::model::{Eks, Platform, SupportType, Tier};

/// Every control-plane log type EKS can send to CloudWatch.
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

pub(super) fn body(platform: &Platform, eks: &Eks) -> Body {
    let mut body = Body::new()
        .extend(secrets_key())
        .extend(kms_key_for_logs(
            "logs",
            "${var.name}-eks-logs",
            "EKS control-plane logs of ${var.name}",
        ))
        .block(log_group(&log_retention(platform)))
        .extend(cluster_role())
        .extend(security_group())
        .block(cluster(eks));
    body = body.extend(admins());
    body.block(oidc_provider())
}

/// Control-plane log retention per environment: the observability setting.
pub(super) fn log_retention(platform: &Platform) -> Vec<(String, u32)> {
    platform
        .env_names()
        .map(|env| {
            let days = platform
                .observability
                .log_retention_days
                .get(env)
                .copied()
                .unwrap_or(365);
            (env.to_string(), days)
        })
        .collect()
}

/// The key that envelope-encrypts Kubernetes secrets. Its policy leaves access to IAM policies
/// of the account; the cluster role gets its rights from one of those.
fn secrets_key() -> Body {
    Body::new()
        .block(super::super::kms::key_policy("secrets", &[]))
        .extend(super::super::kms::key(
            "secrets",
            "${var.name}-eks-secrets",
            "Kubernetes secrets of ${var.name}",
            false,
        ))
}

/// EKS writes control-plane logs to `/aws/eks/<cluster>/cluster`; creating the group first
/// gives it retention and encryption.
fn log_group(retention: &[(String, u32)]) -> Block {
    let mut body = Body::new();
    if let Some(skip) = short_retention_skip(retention) {
        body = body.comment(&skip);
    }
    resource(
        "aws_cloudwatch_log_group",
        "cluster",
        body.attr("name", ex(r#""/aws/eks/${var.name}/cluster""#))
            .attr("retention_in_days", ex("var.cluster_log_retention_days"))
            .attr("kms_key_id", ex("aws_kms_key.logs.arn"))
            .blank()
            .attr("tags", name_tags("${var.name}-eks-cluster")),
    )
}

fn cluster_role() -> Body {
    Body::new()
        .block(assume_role_policy("cluster_assume", "eks.amazonaws.com", false))
        .block(resource(
            "aws_iam_role",
            "cluster",
            Body::new()
                .attr("name", ex(r#""${var.name}-eks-cluster""#))
                .attr(
                    "assume_role_policy",
                    ex("data.aws_iam_policy_document.cluster_assume.json"),
                )
                .blank()
                .attr("tags", name_tags("${var.name}-eks-cluster")),
        ))
        .block(resource(
            "aws_iam_role_policy_attachment",
            "cluster",
            Body::new()
                .attr("role", ex("aws_iam_role.cluster.name"))
                .attr(
                    "policy_arn",
                    ex(r#""arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSClusterPolicy""#),
                ),
        ))
        .block(data(
            "aws_iam_policy_document",
            "cluster_encryption",
            Body::new().block(block(
                "statement",
                &[],
                Body::new()
                    .attr(
                        "actions",
                        strings([
                            "kms:Decrypt",
                            "kms:DescribeKey",
                            "kms:Encrypt",
                            "kms:ListGrants",
                        ]),
                    )
                    .attr("resources", ex("[aws_kms_key.secrets.arn]")),
            )),
        ))
        .block(resource(
            "aws_iam_role_policy",
            "cluster_encryption",
            Body::new()
                .attr("name", s("encrypt-kubernetes-secrets"))
                .attr("role", ex("aws_iam_role.cluster.id"))
                .attr(
                    "policy",
                    ex("data.aws_iam_policy_document.cluster_encryption.json"),
                ),
        ))
}

/// An extra security group on the control plane so that the VPC (bastions, CI runners, peered
/// tooling) reaches the private endpoint. Nodes talk to the control plane through the cluster
/// security group EKS creates itself.
fn security_group() -> Body {
    https_from_vpc(
        "cluster",
        "${var.name}-eks-cluster",
        "Kubernetes API of the EKS cluster: HTTPS from inside the VPC",
        "var.vpc_id",
        "var.vpc_cidr_block",
        "Kubernetes API from the VPC",
    )
}

fn cluster(eks: &Eks) -> Block {
    let mut body = Body::new();
    if eks.endpoint_public_access {
        body = body.comment(
            "checkov:skip=CKV_AWS_39:The spec opens the API endpoint (eks.endpoint_public_access) to the networks in eks.public_access_cidrs only.",
        );
        if eks.public_access_cidrs.iter().any(|c| c.prefix_len() == 0) {
            body = body.comment(
                "checkov:skip=CKV_AWS_38:The spec allows the whole internet on purpose (eks.allow_world: true); access still needs IAM credentials with an access entry.",
            );
        }
    }
    let mut vpc = Body::new()
        .attr(
            "subnet_ids",
            ex(if eks.control_plane_subnets == Tier::Private {
                "var.subnet_ids"
            } else {
                "var.control_plane_subnet_ids"
            }),
        )
        .attr("security_group_ids", ex("[aws_security_group.cluster.id]"))
        .attr("endpoint_private_access", true)
        .attr("endpoint_public_access", eks.endpoint_public_access);
    if eks.endpoint_public_access {
        vpc = vpc.attr(
            "public_access_cidrs",
            strings(eks.public_access_cidrs.iter().map(|c| c.to_string())),
        );
    }
    resource(
        "aws_eks_cluster",
        "this",
        body.attr("name", ex("var.name"))
            .attr("version", ex("var.kubernetes_version"))
            .attr("role_arn", ex("aws_iam_role.cluster.arn"))
            .attr("enabled_cluster_log_types", strings(LOG_TYPES))
            .attr("deletion_protection", ex("var.cluster_deletion_protection"))
            .blank()
            .block(block("vpc_config", &[], vpc))
            .comment("Access entries only; admins are the spec's eks.admins, not whoever ran Terraform first.")
            .block(block(
                "access_config",
                &[],
                Body::new()
                    .attr("authentication_mode", s("API"))
                    .attr("bootstrap_cluster_creator_admin_permissions", false),
            ))
            .comment(upgrade_comment(eks.support_type))
            .block(block(
                "upgrade_policy",
                &[],
                Body::new().attr("support_type", s(eks.support_type.api_name())),
            ))
            .block(block(
                "encryption_config",
                &[],
                Body::new().attr("resources", strings(["secrets"])).block(block(
                    "provider",
                    &[],
                    Body::new().attr("key_arn", ex("aws_kms_key.secrets.arn")),
                )),
            ))
            .blank()
            .attr("tags", ex("merge(var.tags, { Name = var.name })"))
            .blank()
            .attr(
                "depends_on",
                ex("[aws_iam_role_policy_attachment.cluster, aws_iam_role_policy.cluster_encryption, aws_cloudwatch_log_group.cluster]"),
            ),
    )
}

/// Why the cluster has the upgrade policy it has (the spec's `eks.support_type`).
fn upgrade_comment(support: SupportType) -> &'static str {
    match support {
        SupportType::Standard => {
            "Standard support only: EKS upgrades a version that leaves it, rather than billing extended support."
        }
        SupportType::Extended => {
            "Extended support (eks.support_type): the version stays after standard support, at extra cost."
        }
    }
}

/// Access entries with the cluster admin policy, keyed by principal ARN (the environment's
/// `cluster_admins`).
fn admins() -> Body {
    Body::new()
        .block(block(
            "locals",
            &[],
            Body::new().attr("cluster_admins", ex("toset(var.cluster_admins)")),
        ))
        .block(resource(
            "aws_eks_access_entry",
            "admin",
            Body::new()
                .attr("for_each", ex("local.cluster_admins"))
                .blank()
                .attr("cluster_name", ex("aws_eks_cluster.this.name"))
                .attr("principal_arn", ex("each.key"))
                .attr("type", s("STANDARD"))
                .blank()
                .attr("tags", name_tags("${var.name}-admin")),
        ))
        .block(resource(
            "aws_eks_access_policy_association",
            "admin",
            Body::new()
                .attr("for_each", ex("local.cluster_admins"))
                .blank()
                .attr("cluster_name", ex("aws_eks_cluster.this.name"))
                .attr("principal_arn", ex("aws_eks_access_entry.admin[each.key].principal_arn"))
                .attr(
                    "policy_arn",
                    ex(r#""arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy""#),
                )
                .blank()
                .block(block(
                    "access_scope",
                    &[],
                    Body::new().attr("type", s("cluster")),
                )),
        ))
}

/// IAM trusts the EKS issuer through AWS's own root CAs, so no thumbprint (and no TLS
/// provider) is needed.
fn oidc_provider() -> Block {
    resource(
        "aws_iam_openid_connect_provider",
        "this",
        Body::new()
            .attr("url", ex("aws_eks_cluster.this.identity[0].oidc[0].issuer"))
            .attr("client_id_list", strings(["sts.amazonaws.com"]))
            .blank()
            .attr("tags", name_tags("${var.name}-eks-irsa")),
    )
}

/// The add-ons, keyed by name. An unpinned one gets the newest build for the cluster's
/// Kubernetes version, read through the cluster (not the variable) so that bumping
/// `kubernetes_version` upgrades the control plane first, then the node groups, then the
/// add-ons in the same apply, instead of leaving them on the builds of the old version. They
/// wait for the node groups: coredns cannot become healthy without nodes to run on.
pub(super) fn addons(eks: &Eks) -> Body {
    if eks.addons.is_empty() {
        return Body::new();
    }
    let versions = obj(eks.addons.iter().map(|(name, version)| {
        (
            name.clone(),
            version.as_ref().map(|v| s(v.clone())).unwrap_or_else(null),
        )
    }));
    Body::new()
        .block(block(
            "locals",
            &[],
            Body::new()
                .comment(
                    "Add-on name => pinned version (null: the newest for the cluster's Kubernetes version).",
                )
                .attr("addon_versions", versions),
        ))
        .block(data(
            "aws_eks_addon_version",
            "this",
            Body::new()
                .attr("for_each", ex("local.addon_versions"))
                .blank()
                .attr("addon_name", ex("each.key"))
                .attr("kubernetes_version", ex("aws_eks_cluster.this.version"))
                .attr("most_recent", true),
        ))
        .block(resource(
            "aws_eks_addon",
            "this",
            Body::new()
                .attr("for_each", ex("local.addon_versions"))
                .blank()
                .attr("cluster_name", ex("aws_eks_cluster.this.name"))
                .attr("addon_name", ex("each.key"))
                .attr(
                    "addon_version",
                    ex("coalesce(each.value, data.aws_eks_addon_version.this[each.key].version)"),
                )
                .attr("resolve_conflicts_on_create", s("OVERWRITE"))
                .attr("resolve_conflicts_on_update", s("PRESERVE"))
                .blank()
                .attr("tags", name_tags("${var.name}-${each.key}"))
                .blank()
                .attr("depends_on", ex("[aws_eks_node_group.this]")),
        ))
}
