//! Node pools: one IAM role for every node, and per pool a launch template, a managed node
//! group and the tags of its Auto Scaling group. Everything is keyed by pool name, so adding a
//! pool only adds resources.

use super::{after, assume_role_policy};
use crate::model::ec2::eks_ami_type;
use crate::model::{Eks, NodePool};
use crate::pulumi::component::{resource, tags_named, tpl};
use crate::pulumi::py::{
    self, Expr, Function, Op, Stmt, bin, call, list_comp, name, param, path, s, strs,
};

/// AWS managed policies every node needs: join the cluster, run the VPC CNI, pull images.
const NODE_POLICIES: [&str; 3] = [
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
];

/// Longest EKS node group name.
const NODE_GROUP_NAME_MAX: i64 = 63;

/// Characters the provider appends to a `node_group_name_prefix`.
const UNIQUE_SUFFIX_LEN: i64 = 26;

/// Hex digits of the hash a shortened name ends with (as the Terraform module).
const HASH_LEN: i64 = 8;

/// The `NodePool` dataclass and `NODE_POOLS`: the spec's pools, as the Terraform module's
/// `local.node_pools`.
pub(super) fn pool_constants(eks: &Eks) -> Vec<Stmt> {
    let field = |n: &str, annotation: &str| Stmt::Declare {
        name: n.to_string(),
        annotation: annotation.to_string(),
    };
    let class = py::Class {
        name: "NodePool".to_string(),
        decorators: vec!["dataclass(frozen=True)".to_string()],
        bases: vec![],
        doc: Some("A node pool of the spec; its sizes come from the stack config.".to_string()),
        body: vec![
            field("instance_types", "list[str]"),
            field("capacity_type", "str"),
            field("ami_type", "str"),
            field("disk_size_gb", "int"),
            field("labels", "dict[str, str]"),
            field("taints", "list[aws.eks.NodeGroupTaintArgs]"),
        ],
    };
    let pools = py::dict(
        eks.node_pools
            .iter()
            .map(|(pool, p)| (pool.clone(), pool_value(p))),
    );
    vec![
        Stmt::Class(class),
        py::assign_typed("NODE_POOLS", "dict[str, NodePool]", pools),
    ]
}

fn pool_value(pool: &NodePool) -> Expr {
    let taints = pool.taints.iter().map(|t| {
        let mut kwargs = vec![("key", s(&t.key))];
        if let Some(v) = &t.value {
            kwargs.push(("value", s(v)));
        }
        kwargs.push(("effect", s(t.effect.api_name())));
        call(path("aws.eks.NodeGroupTaintArgs"), vec![], kwargs)
    });
    call(
        name("NodePool"),
        vec![],
        vec![
            ("instance_types", strs(&pool.instance_types)),
            ("capacity_type", s(pool.capacity.api_name())),
            ("ami_type", s(eks_ami_type(&pool.instance_types))),
            ("disk_size_gb", py::int(pool.disk_size_gb)),
            (
                "labels",
                py::dict(pool.labels.iter().map(|(k, v)| (k.clone(), s(v)))),
            ),
            ("taints", py::list(taints)),
        ],
    )
}

/// `pool_name(name, pool)`: `<name>-<pool>`, or when that is over EKS's limit its start and a
/// hash of the whole, exactly as the Terraform module's `local.node_pool_names`; it names the
/// launch template and the Name tags. `node_group_name_prefix(name, pool)`: the same within 36
/// characters and a `-`, as `local.node_group_naming`, so that the provider's 26-character
/// unique suffix still fits.
pub(super) fn name_functions() -> Vec<Stmt> {
    vec![
        shorten_function(
            "pool_name",
            NODE_GROUP_NAME_MAX,
            "",
            format!(
                "The name of a pool's launch template and tags, \"<name>-<pool>\". One over EKS's\n\
                 {NODE_GROUP_NAME_MAX} characters keeps its start and ends in a hash of the whole name, so it stays\n\
                 unique and stable."
            ),
        ),
        shorten_function(
            "node_group_name_prefix",
            NODE_GROUP_NAME_MAX - UNIQUE_SUFFIX_LEN - 1,
            "-",
            format!(
                "The node group name prefix of a pool, \"<name>-<pool>-\", shortened like pool_name so\n\
                 that the provider's {UNIQUE_SUFFIX_LEN}-character unique suffix fits in EKS's {NODE_GROUP_NAME_MAX} characters.\n\
                 A replaced node group gets a new name, so it is created before the old one is deleted."
            ),
        ),
    ]
}

/// `def <function>(name, pool)`: `<name>-<pool>` within `max` characters, then `suffix`.
fn shorten_function(function: &str, max: i64, suffix: &str, doc: String) -> Stmt {
    let digest = call(
        path("hashlib.sha256"),
        vec![name("full").method("encode", vec![])],
        vec![],
    )
    .method("hexdigest", vec![]);
    let kept = py::slice(name("full"), None, Some(py::int(max - HASH_LEN - 1)))
        .method("rstrip", vec![s("-_")]);
    let whole = if suffix.is_empty() {
        name("full")
    } else {
        py::fstr(vec![py::part(name("full")), py::lit(suffix)])
    };
    Stmt::Def(Function {
        name: function.to_string(),
        params: vec![param("name", "str"), param("pool", "str")],
        returns: "str".to_string(),
        doc: Some(doc),
        body: vec![
            py::assign("full", tpl("{name}-{pool}")),
            Stmt::If {
                cond: bin(
                    call(name("len"), vec![name("full")], vec![]),
                    Op::LtE,
                    py::int(max),
                ),
                body: vec![Stmt::Return(whole)],
            },
            py::assign("digest", digest),
            Stmt::Return(py::fstr(vec![
                py::part(kept),
                py::lit("-"),
                py::part(py::slice(name("digest"), None, Some(py::int(HASH_LEN)))),
                py::lit(suffix),
            ])),
        ],
    })
}

pub(super) fn statements() -> Vec<Stmt> {
    let pool_tags = || name("pool_tags");
    let mut out = vec![
        py::assign(
            "self.node_role",
            resource(
                "aws.iam.Role",
                tpl("{name}-eks-node"),
                vec![
                    ("name", tpl("{name}-eks-node")),
                    (
                        "assume_role_policy",
                        assume_role_policy("ec2.amazonaws.com"),
                    ),
                    ("tags", tags_named(tpl("{name}-eks-node"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "node_policies",
            list_comp(
                resource(
                    "aws.iam.RolePolicyAttachment",
                    tpl("{name}-eks-node-{policy}"),
                    vec![
                        ("role", path("self.node_role.name")),
                        (
                            "policy_arn",
                            tpl("arn:{partition}:iam::aws:policy/{policy}"),
                        ),
                    ],
                    "child",
                ),
                "policy",
                strs(NODE_POLICIES),
                None,
            ),
        ),
        py::assign("after_node_policies", after(name("node_policies"))),
        py::assign_typed(
            "self.node_groups",
            "dict[str, aws.eks.NodeGroup]",
            Expr::Dict(vec![]),
        ),
        py::assign_typed(
            "self.node_group_autoscaling_group_names",
            "dict[str, pulumi.Output[str]]",
            Expr::Dict(vec![]),
        ),
    ];
    let tag_spec = |kind: &str| {
        call(
            path("aws.ec2.LaunchTemplateTagSpecificationArgs"),
            vec![],
            vec![("resource_type", s(kind)), ("tags", pool_tags())],
        )
    };
    let launch_template = resource(
        "aws.ec2.LaunchTemplate",
        name("base_name"),
        vec![
            ("name", name("base_name")),
            ("description", tpl("Nodes of the {pool} pool of {name}")),
            ("update_default_version", Expr::Bool(true)),
            (
                "metadata_options",
                call(
                    path("aws.ec2.LaunchTemplateMetadataOptionsArgs"),
                    vec![],
                    vec![
                        ("http_endpoint", s("enabled")),
                        ("http_tokens", s("required")),
                        ("http_put_response_hop_limit", py::int(1)),
                    ],
                ),
            ),
            (
                "block_device_mappings",
                py::list([call(
                    path("aws.ec2.LaunchTemplateBlockDeviceMappingArgs"),
                    vec![],
                    vec![
                        ("device_name", s("/dev/xvda")),
                        (
                            "ebs",
                            call(
                                path("aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs"),
                                vec![],
                                vec![
                                    ("volume_size", path("pool_spec.disk_size_gb")),
                                    ("volume_type", s("gp3")),
                                    // The provider types these two as strings.
                                    ("encrypted", s("true")),
                                    ("delete_on_termination", s("true")),
                                ],
                            ),
                        ),
                    ],
                )]),
            ),
            (
                "tag_specifications",
                py::list(["instance", "volume", "network-interface"].map(tag_spec)),
            ),
            ("tags", pool_tags()),
        ],
        "child",
    );
    let size = |k: &str| name("size").index(s(k));
    let node_group = resource(
        "aws.eks.NodeGroup",
        name("base_name"),
        vec![
            ("cluster_name", path("self.cluster.name")),
            // A prefix, not a name: with a fixed name the bridge would replace the group
            // delete-first, and the pool would drop to zero.
            (
                "node_group_name_prefix",
                call(
                    name("node_group_name_prefix"),
                    vec![name("name"), name("pool")],
                    vec![],
                ),
            ),
            ("node_role_arn", path("self.node_role.arn")),
            ("subnet_ids", path("args.subnet_ids")),
            ("version", path("self.cluster.version")),
            ("ami_type", path("pool_spec.ami_type")),
            ("capacity_type", path("pool_spec.capacity_type")),
            ("instance_types", path("pool_spec.instance_types")),
            ("labels", path("pool_spec.labels")),
            (
                "launch_template",
                call(
                    path("aws.eks.NodeGroupLaunchTemplateArgs"),
                    vec![],
                    vec![
                        ("id", path("template.id")),
                        (
                            "version",
                            path("template.latest_version").method("apply", vec![name("str")]),
                        ),
                    ],
                ),
            ),
            (
                "scaling_config",
                call(
                    path("aws.eks.NodeGroupScalingConfigArgs"),
                    vec![],
                    vec![
                        ("min_size", size("min")),
                        ("desired_size", size("desired")),
                        ("max_size", size("max")),
                    ],
                ),
            ),
            (
                "update_config",
                call(
                    path("aws.eks.NodeGroupUpdateConfigArgs"),
                    vec![],
                    vec![("max_unavailable_percentage", py::int(25))],
                ),
            ),
            ("taints", path("pool_spec.taints")),
            ("tags", pool_tags()),
        ],
        "after_node_policies",
    );
    let asg_name = path("group.resources")
        .index(py::int(0))
        .attr("autoscaling_groups")
        .index(py::int(0))
        .attr("name");
    let asg_tag = resource(
        "aws.autoscaling.Tag",
        tpl("{name}-{pool}/{key}"),
        vec![
            ("autoscaling_group_name", name("asg_name")),
            (
                "tag",
                call(
                    path("aws.autoscaling.TagTagArgs"),
                    vec![],
                    vec![
                        ("key", name("key")),
                        ("value", name("value")),
                        ("propagate_at_launch", Expr::Bool(false)),
                    ],
                ),
            ),
        ],
        "child",
    );
    out.push(Stmt::For {
        target: "pool, pool_spec".to_string(),
        iter: name("NODE_POOLS").method("items", vec![]),
        body: vec![
            py::assign(
                "base_name",
                call(name("pool_name"), vec![name("name"), name("pool")], vec![]),
            ),
            py::assign("pool_tags", tags_named(name("base_name"), &[])),
            py::assign("size", path("args.node_pool_sizes").index(name("pool"))),
            Stmt::Comment(
                "IMDSv2 only, with a hop limit of 1 so pods cannot borrow the node role (they\n\
                 use IRSA or EKS Pod Identity), and an encrypted gp3 root volume."
                    .to_string(),
            ),
            py::assign("template", launch_template),
            Stmt::Comment(
                "Desired size follows the stack config. To hand it to an autoscaler, add\n\
                 ignore_changes=[\"scalingConfig.desiredSize\"] to this node group's options."
                    .to_string(),
            ),
            py::assign("group", node_group),
            py::assign("self.node_groups[pool]", name("group")),
            py::assign("asg_name", asg_name),
            py::assign(
                "self.node_group_autoscaling_group_names[pool]",
                name("asg_name"),
            ),
            Stmt::Comment(
                "EKS does not pass node group tags on to the Auto Scaling group: one tag per\n\
                 key. The launch template already tags instances, so none propagates."
                    .to_string(),
            ),
            Stmt::For {
                target: "key, value".to_string(),
                iter: name("pool_tags").method("items", vec![]),
                body: vec![Stmt::Expr(asg_tag)],
            },
        ],
    });
    out
}
