//! `eks`: the EKS cluster (IAM, secrets encryption, control-plane logs, access entries, IRSA),
//! its add-ons, and one managed node group per node pool.
//!
//! What every environment shares (pools, instance types, labels, taints, add-ons, endpoint
//! access) is component code; what varies per environment (Kubernetes version, log retention,
//! pool sizes, admins: an ARN names an account) comes in as settings.

use super::{
    Check, Component, Expr, Fact, ForList, ForMap, Input, Item, Keys, Output, Part, Policy,
    Resource, Source, Statement, Type, Value, Wire, block, data_source, index, input, kms, local,
    local_item, object, policy, res, s, strs, tpl,
};
use crate::model::ec2::eks_ami_type;
use crate::model::naming::is_production_like;
use crate::model::{Eks, NodePool, Platform, SupportType, Tier};

/// Every control-plane log type EKS can send to CloudWatch.
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

/// AWS managed policies every node needs: join the cluster, run the VPC CNI, pull images.
const NODE_POLICIES: [&str; 3] = [
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
];

/// Longest EKS node group name.
const NODE_GROUP_NAME_MAX: i64 = 63;

/// Characters the provider appends to a `node_group_name_prefix` (a timestamp and a counter).
const UNIQUE_SUFFIX_LEN: i64 = 26;

pub const SUMMARY: &str = r#"An EKS cluster in the private subnets: secrets encrypted with a customer-managed KMS
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

/// Describes the EKS cluster of `platform` (which must have `eks` and `network` sections).
pub fn component(platform: &Platform, eks: &Eks) -> Component {
    let mut items = control_plane(platform, eks);
    items.extend(nodes(eks));
    items.extend(addons(eks));
    Component {
        module: "eks".to_string(),
        instance: "eks".to_string(),
        class: "Eks".to_string(),
        summary: SUMMARY.to_string(),
        facts: vec![Fact::AccountId, Fact::Partition, Fact::Region],
        items,
        inputs: inputs(platform, eks),
        outputs: outputs(),
    }
}

/// Control-plane log retention per environment: the observability setting.
pub fn log_retention(platform: &Platform) -> Vec<(String, u32)> {
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

/// `data.aws_iam_policy_document.<id>`: lets the AWS `service` assume a role.
fn assume(id: &str, service: &str) -> Expr {
    policy(super::assume_role(id, service, false))
}

fn control_plane(platform: &Platform, eks: &Eks) -> Vec<Item> {
    let cluster = res("aws_eks_cluster", "this");
    let role = res("aws_iam_role", "cluster");
    let group = res("aws_security_group", "cluster");
    // The key that envelope-encrypts Kubernetes secrets. Its policy leaves access to IAM
    // policies of the account; the cluster role gets its rights from one of those.
    let mut items = kms::key(
        "secrets",
        tpl("{name}-eks-secrets"),
        tpl("Kubernetes secrets of {name}"),
        Vec::new(),
    );
    items.extend(kms::logs_key(
        "logs",
        tpl("{name}-eks-logs"),
        tpl("EKS control-plane logs of {name}"),
    ));
    // EKS writes control-plane logs to `/aws/eks/<cluster>/cluster`; creating the group
    // first gives it retention and encryption.
    let mut log_group = Resource::new(
        "aws_cloudwatch_log_group",
        "cluster",
        tpl("{name}-eks-cluster"),
    );
    if let Some(note) = super::short_retention_note(&log_retention(platform)) {
        log_group = log_group.note(note);
    }
    let encryption = Policy {
        id: "cluster_encryption".to_string(),
        notes: Vec::new(),
        statements: vec![Statement {
            sid: None,
            actions: vec![
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:ListGrants",
            ],
            resources: vec![res("aws_kms_key", "secrets").attr("arn")],
            principals: None,
            conditions: Vec::new(),
            deny: false,
        }],
    };
    let resources = [
        log_group
            .arg("name", tpl("/aws/eks/{name}/cluster"))
            .arg("retention_in_days", input("cluster_log_retention_days"))
            .arg("kms_key_id", res("aws_kms_key", "logs").attr("arn")),
        Resource::new("aws_iam_role", "cluster", tpl("{name}-eks-cluster"))
            .arg("name", tpl("{name}-eks-cluster"))
            .arg(
                "assume_role_policy",
                assume("cluster_assume", "eks.amazonaws.com"),
            ),
        Resource::new(
            "aws_iam_role_policy_attachment",
            "cluster",
            tpl("{name}-eks-cluster-AmazonEKSClusterPolicy"),
        )
        .arg("role", role.attr("name"))
        .arg(
            "policy_arn",
            tpl("arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy"),
        )
        .untagged(),
        Resource::new(
            "aws_iam_role_policy",
            "cluster_encryption",
            tpl("{name}-encrypt-kubernetes-secrets"),
        )
        .arg("name", s("encrypt-kubernetes-secrets"))
        .arg("role", role.attr("id"))
        .arg("policy", policy(encryption))
        .untagged(),
        // An extra security group on the control plane so that the VPC (bastions, CI runners,
        // peered tooling) reaches the private endpoint. Nodes talk to the control plane through
        // the cluster security group EKS creates itself.
        Resource::new("aws_security_group", "cluster", tpl("{name}-eks-cluster"))
            .arg("name_prefix", tpl("{name}-eks-cluster-"))
            .arg(
                "description",
                s("Kubernetes API of the EKS cluster: HTTPS from inside the VPC"),
            )
            .arg("vpc_id", input("vpc_id"))
            .create_first(),
        Resource::new(
            "aws_vpc_security_group_ingress_rule",
            "cluster_https",
            tpl("{name}-eks-cluster-https"),
        )
        .arg("security_group_id", group.attr("id"))
        .arg("description", s("Kubernetes API from the VPC"))
        .arg("cidr_ipv4", input("vpc_cidr_block"))
        .arg("ip_protocol", s("tcp"))
        .arg("from_port", Expr::Int(443))
        .arg("to_port", Expr::Int(443)),
        cluster_resource(eks),
    ];
    items.extend(resources.map(Item::Resource));

    // Access entries with the cluster admin policy, keyed by principal ARN (the environment's
    // `cluster_admins`).
    let admins = || Keys::set(local("cluster_admins"), "principal_arn");
    items.push(local_item(
        "cluster_admins",
        None,
        Expr::ToSet(Box::new(input("cluster_admins"))),
    ));
    let entry = res("aws_eks_access_entry", "admin");
    items.extend(
        [
            Resource::new("aws_eks_access_entry", "admin", tpl("{name}-admin"))
                .keyed(admins())
                .arg("cluster_name", cluster.attr("name"))
                .arg("principal_arn", Expr::Key)
                .arg("type", s("STANDARD")),
            Resource::new(
                "aws_eks_access_policy_association",
                "admin",
                tpl("{name}-admin"),
            )
            .keyed(admins())
            .arg("cluster_name", cluster.attr("name"))
            .arg("principal_arn", entry.at(Expr::Key, "principal_arn"))
            .arg(
                "policy_arn",
                tpl("arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
            )
            .arg("access_scope", block(vec![("type", s("cluster"))]))
            .untagged(),
            // IAM trusts the EKS issuer through AWS's own root CAs, so no thumbprint (and no
            // TLS provider) is needed.
            Resource::new(
                "aws_iam_openid_connect_provider",
                "this",
                tpl("{name}-eks-irsa"),
            )
            .arg(
                "url",
                Expr::Nth(
                    Box::new(Expr::Nth(
                        Box::new(Expr::All(cluster.clone())),
                        "identity".to_string(),
                        0,
                    )),
                    "oidc".to_string(),
                    0,
                )
                .attr("issuer"),
            )
            .arg("client_id_list", strs(["sts.amazonaws.com"])),
        ]
        .map(Item::Resource),
    );
    items
}

fn cluster_resource(eks: &Eks) -> Resource {
    let mut cluster = Resource::new("aws_eks_cluster", "this", input("name"));
    if eks.endpoint_public_access {
        cluster = cluster.note(
            "checkov:skip=CKV_AWS_39:The spec opens the API endpoint (eks.endpoint_public_access) to the networks in eks.public_access_cidrs only."
                .to_string(),
        );
        if eks.public_access_cidrs.iter().any(|c| c.prefix_len() == 0) {
            cluster = cluster.note(
                "checkov:skip=CKV_AWS_38:The spec allows the whole internet on purpose (eks.allow_world: true); access still needs IAM credentials with an access entry."
                    .to_string(),
            );
        }
    }
    let subnets = if eks.control_plane_subnets == Tier::Private {
        "subnet_ids"
    } else {
        "control_plane_subnet_ids"
    };
    let mut vpc = vec![
        ("subnet_ids", input(subnets)),
        (
            "security_group_ids",
            Expr::List(vec![res("aws_security_group", "cluster").attr("id")]),
        ),
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
    cluster
        .arg("name", input("name"))
        .arg("version", input("kubernetes_version"))
        .arg("role_arn", res("aws_iam_role", "cluster").attr("arn"))
        .arg("enabled_cluster_log_types", strs(LOG_TYPES))
        .arg("deletion_protection", input("cluster_deletion_protection"))
        .arg("vpc_config", block(vpc))
        .arg(
            "access_config",
            block(vec![
                ("authentication_mode", s("API")),
                ("bootstrap_cluster_creator_admin_permissions", Expr::Bool(false)),
            ]),
        )
        .comment(
            "access_config",
            "Access entries only; admins are the spec's eks.admins, not whoever ran Terraform first.",
        )
        .arg(
            "upgrade_policy",
            block(vec![("support_type", s(eks.support_type.api_name()))]),
        )
        .comment("upgrade_policy", upgrade_comment(eks.support_type))
        .arg(
            "encryption_config",
            block(vec![
                ("resources", strs(["secrets"])),
                (
                    "provider",
                    block(vec![(
                        "key_arn",
                        res("aws_kms_key", "secrets").attr("arn"),
                    )]),
                ),
            ]),
        )
        .after(res("aws_iam_role_policy_attachment", "cluster"))
        .after(res("aws_iam_role_policy", "cluster_encryption"))
        .after(res("aws_cloudwatch_log_group", "cluster"))
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

/// `local.node_pool_names[<at>]`: the name of a pool's launch template and tags.
fn pool_name(at: Expr) -> Expr {
    index(local("node_pool_names"), at)
}

/// Node pools: one IAM role for every node, and per pool a launch template, a managed node
/// group and the tags of its Auto Scaling group. Everything is keyed by pool name, so adding
/// a pool only adds resources.
fn nodes(eks: &Eks) -> Vec<Item> {
    let node_role = res("aws_iam_role", "node");
    let template = res("aws_launch_template", "node");
    let pools = || Keys::map(local("node_pools"), "pool", "spec");
    let spec = |field: &str| Expr::Value.field(field);
    let mut items = vec![
        Item::Resource(
            Resource::new("aws_iam_role", "node", tpl("{name}-eks-node"))
                .arg("name", tpl("{name}-eks-node"))
                .arg(
                    "assume_role_policy",
                    assume("node_assume", "ec2.amazonaws.com"),
                ),
        ),
        Item::Resource(
            Resource::new(
                "aws_iam_role_policy_attachment",
                "node",
                tpl("{name}-eks-node-{key}"),
            )
            .keyed(Keys::set(
                Expr::ToSet(Box::new(strs(NODE_POLICIES))),
                "policy",
            ))
            .arg("role", node_role.attr("name"))
            .arg("policy_arn", tpl("arn:{partition}:iam::aws:policy/{key}"))
            .untagged(),
        ),
    ];
    items.extend(pool_locals(eks));

    let tag_spec = |kind: &str| {
        block(vec![
            ("resource_type", s(kind)),
            ("tags", Expr::Tagged(Box::new(pool_name(Expr::Key)))),
        ])
    };
    let size = |field: &str| index(input("node_pool_sizes"), Expr::Key).field(field);
    let naming = |field: &str| index(local("node_group_naming"), Expr::Key).field(field);
    let group = res("aws_eks_node_group", "this");
    let taint = |field: &str| Expr::Var("taint").field(field);
    items.extend(
        [
            // Per pool: IMDSv2 only, with a hop limit of 1 so pods cannot borrow the node role
            // (they use IRSA or EKS Pod Identity), an encrypted gp3 root volume, and the tags
            // of every instance, volume and network interface the node group launches.
            Resource::new("aws_launch_template", "node", pool_name(Expr::Key))
                .keyed(pools())
                .arg("name", pool_name(Expr::Key))
                .arg("description", tpl("Nodes of the {key} pool of {name}"))
                .arg("update_default_version", Expr::Bool(true))
                .arg(
                    "metadata_options",
                    block(vec![
                        ("http_endpoint", s("enabled")),
                        ("http_tokens", s("required")),
                        ("http_put_response_hop_limit", Expr::Int(1)),
                    ]),
                )
                .arg(
                    "block_device_mappings",
                    Expr::Blocks(vec![block(vec![
                        ("device_name", s("/dev/xvda")),
                        (
                            "ebs",
                            block(vec![
                                ("volume_size", spec("disk_size_gb")),
                                ("volume_type", s("gp3")),
                                // The provider types these two as strings.
                                ("encrypted", Expr::ToStr(Box::new(Expr::Bool(true)))),
                                (
                                    "delete_on_termination",
                                    Expr::ToStr(Box::new(Expr::Bool(true))),
                                ),
                            ]),
                        ),
                    ])]),
                )
                .arg(
                    "tag_specifications",
                    Expr::Blocks(
                        ["instance", "volume", "network-interface"]
                            .map(tag_spec)
                            .to_vec(),
                    ),
                ),
            Resource::new("aws_eks_node_group", "this", pool_name(Expr::Key))
                .keyed(pools())
                .arg("cluster_name", res("aws_eks_cluster", "this").attr("name"))
                .arg("node_group_name", naming("name"))
                .arg("node_group_name_prefix", naming("prefix"))
                .arg("node_role_arn", node_role.attr("arn"))
                .arg("subnet_ids", input("subnet_ids"))
                .arg("version", res("aws_eks_cluster", "this").attr("version"))
                .arg("ami_type", spec("ami_type"))
                .arg("capacity_type", spec("capacity_type"))
                .arg("instance_types", spec("instance_types"))
                .arg("labels", spec("labels"))
                .arg(
                    "launch_template",
                    block(vec![
                        ("id", template.at(Expr::Key, "id")),
                        (
                            "version",
                            Expr::ToStr(Box::new(template.at(Expr::Key, "latest_version"))),
                        ),
                    ]),
                )
                .arg(
                    "scaling_config",
                    block(vec![
                        ("min_size", size("min")),
                        ("desired_size", size("desired")),
                        ("max_size", size("max")),
                    ]),
                )
                .comment(
                    "scaling_config.min_size",
                    "Desired size follows the spec; see the module README to hand it to an autoscaler.",
                )
                .arg(
                    "update_config",
                    block(vec![("max_unavailable_percentage", Expr::Int(25))]),
                )
                .arg(
                    "taint",
                    Expr::Dynamic(
                        Box::new(Keys::set(spec("taints"), "taint")),
                        vec![
                            ("key".to_string(), taint("key")),
                            ("value".to_string(), taint("value")),
                            ("effect".to_string(), taint("effect")),
                        ],
                    ),
                )
                .after(res("aws_iam_role_policy_attachment", "node"))
                .create_first()
                .comment(
                    "lifecycle",
                    "The replacement joins the cluster before the old group drains: the pool never drops to zero.",
                ),
            // The node group's Auto Scaling group gets the full tag set too. Instances and
            // volumes are already tagged by the launch template, so the ASG does not
            // propagate these at launch.
            Resource::new("aws_autoscaling_group_tag", "node", tpl("{name}-{key}"))
                .keyed(Keys::map(local("node_group_asg_tags"), "key", "tag"))
                .let_("group", index(Expr::All(group), spec("pool")))
                .arg(
                    "autoscaling_group_name",
                    Expr::Nth(
                        Box::new(Expr::Nth(
                            Box::new(Expr::Var("group")),
                            "resources".to_string(),
                            0,
                        )),
                        "autoscaling_groups".to_string(),
                        0,
                    )
                    .attr("name"),
                )
                .arg(
                    "tag",
                    block(vec![
                        ("key", spec("key")),
                        ("value", spec("value")),
                        ("propagate_at_launch", Expr::Bool(false)),
                    ]),
                )
                .untagged(),
        ]
        .map(Item::Resource),
    );
    items
}

/// The pools as component code, their names, and the Auto Scaling group tags they get.
fn pool_locals(eks: &Eks) -> Vec<Item> {
    let pools = Expr::Object(
        eks.node_pools
            .iter()
            .map(|(name, pool)| (name.clone(), pool_object(pool)))
            .collect(),
    );
    // The prefix and the provider's suffix must fit in a node group name.
    let prefix_max = NODE_GROUP_NAME_MAX - UNIQUE_SUFFIX_LEN - 1;
    let pool = || Expr::Var("pool");
    let by_pool = |over: Expr, value: Option<&'static str>, elt: Expr| {
        Expr::ForMap(Box::new(ForMap {
            over,
            key: "pool",
            value,
            key_expr: pool(),
            elt,
        }))
    };
    let full = || Expr::Var("full");
    let asg_tags = Expr::MergeAll(Box::new(Expr::ForList(Box::new(ForList {
        over: Expr::MapKeys(Box::new(local("node_pools"))),
        index: None,
        var: "pool",
        elt: Expr::ForMap(Box::new(ForMap {
            over: Expr::Tagged(Box::new(pool_name(pool()))),
            key: "key",
            value: Some("value"),
            key_expr: Expr::Tmpl(vec![
                Part::Expr(pool()),
                Part::Lit("/".to_string()),
                Part::Expr(Expr::Var("key")),
            ]),
            elt: object(vec![
                ("pool", pool()),
                ("key", Expr::Var("key")),
                ("value", Expr::Var("value")),
            ]),
        })),
        filter: None,
    }))));
    vec![
        local_item("node_pools", None, pools),
        local_item(
            "node_pool_full_names",
            Some(&format!(
                "\"<name>-<pool>\" names the pool's launch template and tags. One over EKS's {NODE_GROUP_NAME_MAX} characters keeps its\nstart and ends in a hash of the whole name, so it stays unique and stable."
            )),
            by_pool(
                Expr::MapKeys(Box::new(local("node_pools"))),
                None,
                Expr::Tmpl(vec![
                    Part::Expr(input("name")),
                    Part::Lit("-".to_string()),
                    Part::Expr(pool()),
                ]),
            ),
        ),
        local_item(
            "node_pool_names",
            None,
            by_pool(
                local("node_pool_full_names"),
                Some("full"),
                Expr::Shorten(Box::new(full()), NODE_GROUP_NAME_MAX),
            ),
        ),
        local_item(
            "node_group_naming",
            Some(&format!(
                "How each node group is named, in one place. A new instance type, capacity type or AMI type\n\
                 replaces a node group, and the new group is created before the old one is deleted, so it\n\
                 needs a name of its own: the provider appends a unique {UNIQUE_SUFFIX_LEN}-character suffix to the prefix\n\
                 \"<name>-<pool>-\" (shortened like the names above, to {prefix_max} characters). A group that must\n\
                 keep an existing name (an adopted one) gets {{ name = \"<its name>\", prefix = null }} here; its\n\
                 replacement then deletes the old group first."
            )),
            by_pool(
                local("node_pool_full_names"),
                Some("full"),
                object(vec![
                    ("name", Expr::Null),
                    (
                        "prefix",
                        Expr::Tmpl(vec![
                            Part::Expr(Expr::Shorten(Box::new(full()), prefix_max)),
                            Part::Lit("-".to_string()),
                        ]),
                    ),
                ]),
            ),
        ),
        local_item(
            "node_group_asg_tags",
            Some(
                "One Auto Scaling group tag per pool and tag key: EKS does not pass node group tags on.",
            ),
            asg_tags,
        ),
    ]
}

fn pool_object(pool: &NodePool) -> Expr {
    let taints = Expr::List(
        pool.taints
            .iter()
            .map(|t| {
                object(vec![
                    ("key", s(&t.key)),
                    ("value", t.value.as_ref().map(s).unwrap_or(Expr::Null)),
                    ("effect", s(t.effect.api_name())),
                ])
            })
            .collect(),
    );
    object(vec![
        ("instance_types", strs(&pool.instance_types)),
        ("capacity_type", s(pool.capacity.api_name())),
        ("ami_type", s(eks_ami_type(&pool.instance_types))),
        ("disk_size_gb", Expr::Int(i64::from(pool.disk_size_gb))),
        (
            "labels",
            Expr::Object(pool.labels.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        ),
        ("taints", taints),
    ])
}

/// The add-ons, keyed by name. An unpinned one gets the newest build for the cluster's
/// Kubernetes version, read through the cluster (not the setting) so that bumping
/// `kubernetes_version` upgrades the control plane first, then the node groups, then the
/// add-ons in the same apply, instead of leaving them on the builds of the old version. They
/// wait for the node groups: coredns cannot become healthy without nodes to run on.
fn addons(eks: &Eks) -> Vec<Item> {
    if eks.addons.is_empty() {
        return Vec::new();
    }
    let versions = Expr::Object(
        eks.addons
            .iter()
            .map(|(name, version)| (name.clone(), version.as_ref().map(s).unwrap_or(Expr::Null)))
            .collect(),
    );
    let addons = || Keys::map(local("addon_versions"), "addon", "version");
    let cluster = res("aws_eks_cluster", "this");
    let latest = res("data.aws_eks_addon_version", "this");
    vec![
        local_item(
            "addon_versions",
            Some(
                "Add-on name => pinned version (null: the newest for the cluster's Kubernetes version).",
            ),
            versions,
        ),
        Item::Resource(
            data_source("data.aws_eks_addon_version", "this")
                .keyed(addons())
                .arg("addon_name", Expr::Key)
                .arg("kubernetes_version", cluster.attr("version"))
                .arg("most_recent", Expr::Bool(true)),
        ),
        Item::Resource(
            Resource::new("aws_eks_addon", "this", tpl("{name}-{key}"))
                .keyed(addons())
                .arg("cluster_name", cluster.attr("name"))
                .arg("addon_name", Expr::Key)
                .arg(
                    "addon_version",
                    Expr::Coalesce(
                        Box::new(Expr::Value),
                        Box::new(latest.at(Expr::Key, "version")),
                    ),
                )
                .arg("resolve_conflicts_on_create", s("OVERWRITE"))
                .arg("resolve_conflicts_on_update", s("PRESERVE"))
                .after(res("aws_eks_node_group", "this")),
        ),
    ]
}

fn inputs(platform: &Platform, eks: &Eks) -> Vec<Input> {
    let per_env = |f: &dyn Fn(&str) -> Value| -> Vec<(String, Value)> {
        platform
            .env_names()
            .map(|e| (e.to_string(), f(e)))
            .collect()
    };
    let wired = |name: &str, ty: Type, description: &str, output: &str, values: bool| Input {
        name: name.to_string(),
        ty,
        description: description.to_string(),
        source: Source::Wired({
            let output = Wire::Output("network".to_string(), output.to_string());
            if values {
                Wire::Values(Box::new(output))
            } else {
                output
            }
        }),
        checks: Vec::new(),
        only: None,
    };
    let two_azs = |name: &str| {
        Check::Terraform(
            format!("length(var.{name}) >= 2"),
            "EKS needs subnets in at least two availability zones.".to_string(),
        )
    };
    let mut inputs = vec![
        Input {
            description:
                "Prefix of every resource name, `<project>-<environment>`; also the cluster name."
                    .to_string(),
            ..Input::name()
        },
        Input::tags(),
        wired(
            "vpc_id",
            Type::Str,
            "ID of the VPC the cluster runs in.",
            "vpc_id",
            false,
        ),
        wired(
            "vpc_cidr_block",
            Type::Str,
            "IPv4 CIDR block of the VPC; it may reach the Kubernetes API.",
            "vpc_cidr_block",
            false,
        ),
        wired(
            "subnet_ids",
            Type::StrList,
            "Private subnets (at least two AZs) for the control plane's network interfaces and the nodes.",
            "private_subnet_ids",
            true,
        )
        .check(two_azs("subnet_ids")),
    ];
    if eks.control_plane_subnets != Tier::Private {
        let tier = eks.control_plane_subnets.name();
        inputs.push(
            wired(
                "control_plane_subnet_ids",
                Type::StrList,
                &format!(
                    "The {tier} subnets (at least two AZs) for the control plane's network interfaces (eks.control_plane_subnets)."
                ),
                &format!("{tier}_subnet_ids"),
                true,
            )
            .check(two_azs("control_plane_subnet_ids")),
        );
    }
    inputs.extend([
        Input::setting(
            "kubernetes_version",
            Type::Str,
            "Kubernetes minor version of the control plane and the node groups, e.g. `1.33`.",
            per_env(&|e| eks.version.get(e).map_or(Value::Null, |v| Value::Str(v.clone()))),
        )
        .check(Check::Terraform(
            r#"can(regex("^1\\.[0-9]+$", var.kubernetes_version))"#.to_string(),
            "kubernetes_version must be a Kubernetes minor version such as 1.33.".to_string(),
        )),
        Input::setting(
            "cluster_log_retention_days",
            Type::Int,
            "Days to keep the control-plane logs",
            log_retention(platform)
                .into_iter()
                .map(|(env, days)| (env, Value::Int(i64::from(days))))
                .collect(),
        )
        .check(Check::Retention),
        Input::setting(
            "cluster_deletion_protection",
            Type::Bool,
            "Whether EKS refuses to delete the cluster (on in production-like environments; \
             turn it off in this environment's terraform.tfvars before a planned destroy).",
            per_env(&|e| Value::Bool(is_production_like(e))),
        ),
        Input::setting(
            "cluster_admins",
            Type::StrList,
            "IAM role or user ARNs given cluster-admin access entries. The cluster \
             authenticates by access entries only, so these are the only principals that can \
             use it.",
            per_env(&|e| Value::StrList(eks.admins.get(e).cloned().unwrap_or_default())),
        )
        .check(Check::Terraform(
            r#"alltrue([for arn in var.cluster_admins : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", arn))])"#.to_string(),
            "cluster_admins must be IAM role or user ARNs.".to_string(),
        )),
        Input::setting(
            "node_pool_sizes",
            Type::IntObjectMap(&["min", "desired", "max"]),
            "Size of each node pool (pool name => min, desired and max node count). \
             Terraform keeps the desired size at this value; see the module README to let an \
             autoscaler own it.",
            per_env(&|e| {
                let size = |v: Option<&u32>| i64::from(v.copied().unwrap_or(0));
                Value::IntObjectMap(
                    eks.node_pools
                        .iter()
                        .map(|(pool, p)| {
                            (
                                pool.clone(),
                                vec![
                                    ("min", size(p.min.get(e))),
                                    ("desired", size(p.desired.get(e))),
                                    ("max", size(p.max.get(e))),
                                ],
                            )
                        })
                        .collect(),
                )
            }),
        )
        .check(Check::Terraform(
            "alltrue([for pool in values(var.node_pool_sizes) : pool.min >= 0 && pool.min <= pool.desired && pool.desired <= pool.max && pool.max >= 1])".to_string(),
            "Every node pool needs 0 <= min <= desired <= max and max >= 1.".to_string(),
        )),
    ]);
    inputs
}

fn outputs() -> Vec<Output> {
    let cluster = res("aws_eks_cluster", "this");
    let one = |block: &str| Expr::One(Box::new(Expr::All(cluster.clone())), block.to_string());
    let group = || Expr::Var("group");
    let by_pool = |elt: Expr| {
        Expr::ForMap(Box::new(ForMap {
            over: Expr::All(res("aws_eks_node_group", "this")),
            key: "pool",
            value: Some("group"),
            key_expr: Expr::Var("pool"),
            elt,
        }))
    };
    vec![
        Output::new(
            "cluster_name",
            "Name of the EKS cluster.",
            cluster.attr("name"),
        ),
        Output::new(
            "cluster_endpoint",
            "URL of the Kubernetes API server.",
            cluster.attr("endpoint"),
        ),
        Output::new(
            "cluster_certificate_authority_data",
            "Base64-encoded certificate authority of the cluster, for kubeconfig.",
            one("certificate_authority").attr("data"),
        ),
        Output::new(
            "cluster_security_group_id",
            "Security group EKS created for the control plane and the nodes.",
            one("vpc_config").attr("cluster_security_group_id"),
        ),
        Output::new(
            "oidc_provider_arn",
            "ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts (IRSA).",
            res("aws_iam_openid_connect_provider", "this").attr("arn"),
        ),
        Output::new(
            "node_role_arn",
            "ARN of the IAM role of the nodes.",
            res("aws_iam_role", "node").attr("arn"),
        ),
        Output::new(
            "node_group_names",
            "Names of the managed node groups, by pool.",
            by_pool(group().attr("node_group_name")),
        ),
        Output::new(
            "node_group_autoscaling_group_names",
            "Names of the Auto Scaling groups behind the node groups, by pool.",
            by_pool(
                Expr::Nth(
                    Box::new(Expr::Nth(Box::new(group()), "resources".to_string(), 0)),
                    "autoscaling_groups".to_string(),
                    0,
                )
                .attr("name"),
            ),
        ),
    ]
}
