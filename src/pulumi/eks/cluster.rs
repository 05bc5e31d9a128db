//! The control plane: the secrets key, the log key and group, the cluster role, the security
//! group, the cluster, access entries, the OIDC provider and the add-ons.

use super::{after, assume_role_policy};
use crate::model::{Eks, SupportType, Tier};
use crate::pulumi::component::{policy, resource, tags_named, tpl};
use crate::pulumi::kms;
use crate::pulumi::py::{self, Expr, Stmt, call, name, path, s, strs};

/// Every control-plane log type EKS can send to CloudWatch.
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

/// `ADDON_VERSIONS`: module code, as the Terraform module's local.
pub(super) fn constants(eks: &Eks) -> Vec<Stmt> {
    let mut out = Vec::new();
    if !eks.addons.is_empty() {
        out.push(Stmt::Blank);
        out.push(Stmt::Comment(
            "Add-on name => pinned version (None: the newest for the cluster's Kubernetes version)."
                .to_string(),
        ));
        out.push(py::assign_typed(
            "ADDON_VERSIONS",
            "dict[str, str | None]",
            py::dict(eks.addons.iter().map(|(addon, version)| {
                (addon.clone(), version.as_ref().map(s).unwrap_or(Expr::None))
            })),
        ));
    }
    out
}

pub(super) fn statements(eks: &Eks) -> Vec<Stmt> {
    let mut out = secrets_key();
    out.push(py::assign(
        "logs_kms_key",
        kms::logs_key_call(
            tpl("{name}-eks-logs"),
            tpl("EKS control-plane logs of {name}"),
        ),
    ));
    out.push(Stmt::Comment(
        "EKS writes control-plane logs to /aws/eks/<cluster>/cluster; creating the group\n\
         first gives it retention and encryption."
            .to_string(),
    ));
    out.push(py::assign(
        "log_group",
        resource(
            "aws.cloudwatch.LogGroup",
            tpl("{name}-eks-cluster"),
            vec![
                ("name", tpl("/aws/eks/{name}/cluster")),
                ("retention_in_days", path("args.cluster_log_retention_days")),
                ("kms_key_id", path("logs_kms_key.arn")),
                ("tags", tags_named(tpl("{name}-eks-cluster"), &[])),
            ],
            "child",
        ),
    ));
    out.extend(cluster_role());
    out.extend(security_group());
    out.extend(cluster(eks));
    out.push(admins());
    out.push(Stmt::Comment(
        "IAM trusts the EKS issuer through AWS's own root CAs, so no thumbprint is needed."
            .to_string(),
    ));
    out.push(py::assign(
        "self.oidc_provider",
        resource(
            "aws.iam.OpenIdConnectProvider",
            tpl("{name}-eks-irsa"),
            vec![
                (
                    "url",
                    path("self.cluster.identities")
                        .index(py::int(0))
                        .attr("oidcs")
                        .index(py::int(0))
                        .attr("issuer"),
                ),
                ("client_id_lists", strs(["sts.amazonaws.com"])),
                ("tags", tags_named(tpl("{name}-eks-irsa"), &[])),
            ],
            "child",
        ),
    ));
    out
}

/// The key that envelope-encrypts Kubernetes secrets. Its policy leaves access to IAM policies
/// of the account; the cluster role gets its rights from one of those.
fn secrets_key() -> Vec<Stmt> {
    let key_policy = policy([kms::account_administers(tpl(
        "arn:{partition}:iam::{account_id}:root",
    ))]);
    kms::key_with_alias(
        "secrets_key",
        tpl("{name}-eks-secrets"),
        tpl("Kubernetes secrets of {name}"),
        vec![],
        call(path("json.dumps"), vec![key_policy], vec![]),
        "child",
    )
}

fn cluster_role() -> Vec<Stmt> {
    let encrypt = policy([py::dict([
        ("Effect", s("Allow")),
        (
            "Action",
            strs([
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:ListGrants",
            ]),
        ),
        ("Resource", path("secrets_key.arn")),
    ])]);
    vec![
        py::assign(
            "cluster_role",
            resource(
                "aws.iam.Role",
                tpl("{name}-eks-cluster"),
                vec![
                    ("name", tpl("{name}-eks-cluster")),
                    (
                        "assume_role_policy",
                        assume_role_policy("eks.amazonaws.com"),
                    ),
                    ("tags", tags_named(tpl("{name}-eks-cluster"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "cluster_policy",
            resource(
                "aws.iam.RolePolicyAttachment",
                tpl("{name}-eks-cluster-AmazonEKSClusterPolicy"),
                vec![
                    ("role", path("cluster_role.name")),
                    (
                        "policy_arn",
                        tpl("arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy"),
                    ),
                ],
                "child",
            ),
        ),
        py::assign(
            "cluster_encryption",
            resource(
                "aws.iam.RolePolicy",
                tpl("{name}-encrypt-kubernetes-secrets"),
                vec![
                    ("name", s("encrypt-kubernetes-secrets")),
                    ("role", path("cluster_role.id")),
                    (
                        "policy",
                        call(path("pulumi.Output.json_dumps"), vec![encrypt], vec![]),
                    ),
                ],
                "child",
            ),
        ),
    ]
}

/// An extra security group on the control plane so that the VPC (bastions, CI runners, peered
/// tooling) reaches the private endpoint; nodes use the cluster security group EKS creates.
fn security_group() -> Vec<Stmt> {
    vec![
        Stmt::Comment(
            "Lets the VPC (bastions, CI runners, peered tooling) reach the private endpoint;\n\
             nodes use the cluster security group EKS creates itself."
                .to_string(),
        ),
        py::assign(
            "cluster_group",
            resource(
                "aws.ec2.SecurityGroup",
                tpl("{name}-eks-cluster"),
                vec![
                    ("name_prefix", tpl("{name}-eks-cluster-")),
                    (
                        "description",
                        s("Kubernetes API of the EKS cluster: HTTPS from inside the VPC"),
                    ),
                    ("vpc_id", path("args.vpc_id")),
                    ("tags", tags_named(tpl("{name}-eks-cluster"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Expr(resource(
            "aws.vpc.SecurityGroupIngressRule",
            tpl("{name}-eks-cluster-https"),
            vec![
                ("security_group_id", path("cluster_group.id")),
                ("description", s("Kubernetes API from the VPC")),
                ("cidr_ipv4", path("args.vpc_cidr_block")),
                ("ip_protocol", s("tcp")),
                ("from_port", py::int(443)),
                ("to_port", py::int(443)),
                ("tags", tags_named(tpl("{name}-eks-cluster-https"), &[])),
            ],
            "child",
        )),
    ]
}

fn cluster(eks: &Eks) -> Vec<Stmt> {
    let subnets = if eks.control_plane_subnets == Tier::Private {
        "args.subnet_ids"
    } else {
        "args.control_plane_subnet_ids"
    };
    let mut vpc = vec![
        ("subnet_ids", path(subnets)),
        ("security_group_ids", py::list([path("cluster_group.id")])),
        ("endpoint_private_access", Expr::Bool(true)),
        (
            "endpoint_public_access",
            Expr::Bool(eks.endpoint_public_access),
        ),
    ];
    if eks.endpoint_public_access {
        vpc.push((
            "public_access_cidrs",
            strs(eks.public_access_cidrs.iter().map(|c| c.to_string())),
        ));
    }
    let args = |class: &str, kwargs| call(path(&format!("aws.eks.{class}")), vec![], kwargs);
    let after_iam = py::assign(
        "after_cluster_iam",
        after(py::list([
            name("cluster_policy"),
            name("cluster_encryption"),
            name("log_group"),
        ])),
    );
    let cluster = py::assign(
        "self.cluster",
        resource(
            "aws.eks.Cluster",
            name("name"),
            vec![
                ("name", name("name")),
                ("version", path("args.kubernetes_version")),
                ("role_arn", path("cluster_role.arn")),
                ("enabled_cluster_log_types", strs(LOG_TYPES)),
                (
                    "deletion_protection",
                    path("args.cluster_deletion_protection"),
                ),
                (
                    "upgrade_policy",
                    args(
                        "ClusterUpgradePolicyArgs",
                        vec![("support_type", s(eks.support_type.api_name()))],
                    ),
                ),
                ("vpc_config", args("ClusterVpcConfigArgs", vpc)),
                (
                    "access_config",
                    args(
                        "ClusterAccessConfigArgs",
                        vec![
                            ("authentication_mode", s("API")),
                            (
                                "bootstrap_cluster_creator_admin_permissions",
                                Expr::Bool(false),
                            ),
                        ],
                    ),
                ),
                (
                    "encryption_config",
                    args(
                        "ClusterEncryptionConfigArgs",
                        vec![
                            ("resources", strs(["secrets"])),
                            (
                                "provider",
                                args(
                                    "ClusterEncryptionConfigProviderArgs",
                                    vec![("key_arn", path("secrets_key.arn"))],
                                ),
                            ),
                        ],
                    ),
                ),
                ("tags", tags_named(name("name"), &[])),
            ],
            "after_cluster_iam",
        ),
    );
    let mut out = vec![after_iam];
    if eks.endpoint_public_access {
        out.push(Stmt::Comment(
            "The API endpoint is public for the spec's eks.public_access_cidrs only; a caller\n\
             still needs IAM credentials with an access entry."
                .to_string(),
        ));
    }
    out.extend([
        Stmt::Comment(
            "Authentication by access entries only: admins are the spec's, not whoever ran\n\
             Pulumi first. Deletion protection is on in production-like environments."
                .to_string(),
        ),
        Stmt::Comment(
            match eks.support_type {
                SupportType::Standard => {
                    "Standard support only: EKS upgrades a version that leaves it, rather than\n\
                     billing extended support."
                }
                SupportType::Extended => {
                    "Extended support (eks.support_type): the version stays after standard\n\
                     support, at extra cost."
                }
            }
            .to_string(),
        ),
        cluster,
    ]);
    out
}

/// Access entries with the cluster admin policy, one per principal ARN of the stack's
/// `cluster_admins`.
fn admins() -> Stmt {
    let entry = resource(
        "aws.eks.AccessEntry",
        tpl("{name}-admin-{principal_arn}"),
        vec![
            ("cluster_name", path("self.cluster.name")),
            ("principal_arn", name("principal_arn")),
            ("type", s("STANDARD")),
            ("tags", tags_named(tpl("{name}-admin"), &[])),
        ],
        "child",
    );
    let association = resource(
        "aws.eks.AccessPolicyAssociation",
        tpl("{name}-admin-{principal_arn}"),
        vec![
            ("cluster_name", path("self.cluster.name")),
            ("principal_arn", path("entry.principal_arn")),
            (
                "policy_arn",
                tpl("arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
            ),
            (
                "access_scope",
                call(
                    path("aws.eks.AccessPolicyAssociationAccessScopeArgs"),
                    vec![],
                    vec![("type", s("cluster"))],
                ),
            ),
        ],
        "child",
    );
    Stmt::For {
        target: "principal_arn".to_string(),
        iter: path("args.cluster_admins"),
        body: vec![py::assign("entry", entry), Stmt::Expr(association)],
    }
}

/// The add-ons; an unpinned one gets the newest build for the cluster's Kubernetes version,
/// read from the cluster's output so that a version bump upgrades the add-ons too (after the
/// control plane). They wait for the node groups: coredns cannot become healthy without nodes
/// to run on.
pub(super) fn addons(eks: &Eks) -> Vec<Stmt> {
    if eks.addons.is_empty() {
        return Vec::new();
    }
    vec![
        py::assign(
            "after_node_groups",
            after(call(
                name("list"),
                vec![path("self.node_groups").method("values", vec![])],
                vec![],
            )),
        ),
        Stmt::For {
            target: "addon, version".to_string(),
            iter: name("ADDON_VERSIONS").method("items", vec![]),
            body: vec![Stmt::Expr(resource(
                "aws.eks.Addon",
                tpl("{name}-{addon}"),
                vec![
                    ("cluster_name", path("self.cluster.name")),
                    ("addon_name", name("addon")),
                    (
                        "addon_version",
                        py::if_exp(
                            name("version"),
                            py::bin(name("version"), py::Op::IsNot, Expr::None),
                            call(
                                path("aws.eks.get_addon_version_output"),
                                vec![],
                                vec![
                                    ("addon_name", name("addon")),
                                    ("kubernetes_version", path("self.cluster.version")),
                                    ("most_recent", Expr::Bool(true)),
                                ],
                            )
                            .attr("version"),
                        ),
                    ),
                    ("resolve_conflicts_on_create", s("OVERWRITE")),
                    ("resolve_conflicts_on_update", s("PRESERVE")),
                    ("tags", tags_named(tpl("{name}-{addon}"), &[])),
                ],
                "after_node_groups",
            ))],
        },
    ]
}
