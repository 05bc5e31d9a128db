//! Node pools: one IAM role for every node, and per pool a launch template, a managed node
//! group and the tags of its Auto Scaling group. Everything is keyed by pool name, so adding a
//! pool only adds resources.

use super::super::common::assume_role_policy;
use super::super::common::name_tags;
use crate::hcl::{Block, Body, Expr, block, ex, null, num, obj, resource, s, strings};
use crate::model::ec2::eks_ami_type;
use crate::model::{Eks, NodePool};

/// AWS managed policies every node needs: join the cluster, run the VPC CNI, pull images.
const NODE_POLICIES: [&str; 3] = [
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
];

/// Longest EKS node group name.
const NODE_GROUP_NAME_MAX: usize = 63;

/// Characters the provider appends to a `node_group_name_prefix` (a timestamp and a counter).
const UNIQUE_SUFFIX_LEN: usize = 26;

/// Hex digits of the hash a shortened name ends with (as `model::naming::shorten`).
const HASH_LEN: usize = 8;

/// `full` (an expression), or when it is longer than `max` its start and a hash of the whole,
/// as `model::naming::shorten` and the Pulumi component's `shorten` compute it.
fn shortened(full: &str, max: usize) -> String {
    let keep = max - HASH_LEN - 1;
    format!(
        r#"length({full}) <= {max} ? {full} : "${{replace(substr({full}, 0, {keep}), "/[-_]+$/", "")}}-${{substr(sha256({full}), 0, {HASH_LEN})}}""#
    )
}

pub(super) fn body(eks: &Eks) -> Body {
    Body::new()
        .extend(node_role())
        .block(pools_locals(eks))
        .block(launch_template())
        .block(node_group())
        .block(asg_tags())
}

fn node_role() -> Body {
    Body::new()
        .block(assume_role_policy("node_assume", "ec2.amazonaws.com", false))
        .block(resource(
            "aws_iam_role",
            "node",
            Body::new()
                .attr("name", ex(r#""${var.name}-eks-node""#))
                .attr(
                    "assume_role_policy",
                    ex("data.aws_iam_policy_document.node_assume.json"),
                )
                .blank()
                .attr("tags", name_tags("${var.name}-eks-node")),
        ))
        .block(resource(
            "aws_iam_role_policy_attachment",
            "node",
            Body::new()
                .attr(
                    "for_each",
                    Expr::FuncCall(Box::new(
                        hcl::expr::FuncCall::builder("toset")
                            .arg(strings(NODE_POLICIES))
                            .build(),
                    )),
                )
                .blank()
                .attr("role", ex("aws_iam_role.node.name"))
                .attr(
                    "policy_arn",
                    ex(r#""arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}""#),
                ),
        ))
}

/// The pools as module code, their names, and the Auto Scaling group tags they get.
fn pools_locals(eks: &Eks) -> Block {
    let pools = obj(eks
        .node_pools
        .iter()
        .map(|(name, pool)| (name.clone(), pool_object(pool))));
    // The prefix and the provider's suffix must fit in a node group name.
    let prefix_max = NODE_GROUP_NAME_MAX - UNIQUE_SUFFIX_LEN - 1;
    block(
        "locals",
        &[],
        Body::new()
            .attr("node_pools", pools)
            .blank()
            .comment(&format!(
                "\"<name>-<pool>\" names the pool's launch template and tags. One over EKS's {NODE_GROUP_NAME_MAX} characters keeps its\nstart and ends in a hash of the whole name, so it stays unique and stable."
            ))
            .attr(
                "node_pool_full_names",
                ex(r#"{ for pool in keys(local.node_pools) : pool => "${var.name}-${pool}" }"#),
            )
            .attr(
                "node_pool_names",
                ex(&format!(
                    "{{ for pool, full in local.node_pool_full_names : pool => {} }}",
                    shortened("full", NODE_GROUP_NAME_MAX)
                )),
            )
            .blank()
            .comment(&format!(
                "How each node group is named, in one place. A new instance type, capacity type or AMI type\n\
                 replaces a node group, and the new group is created before the old one is deleted, so it\n\
                 needs a name of its own: the provider appends a unique {UNIQUE_SUFFIX_LEN}-character suffix to the prefix\n\
                 \"<name>-<pool>-\" (shortened like the names above, to {prefix_max} characters). A group that must\n\
                 keep an existing name (an adopted one) gets {{ name = \"<its name>\", prefix = null }} here; its\n\
                 replacement then deletes the old group first."
            ))
            .attr(
                "node_group_naming",
                ex(&format!(
                    r#"{{ for pool, full in local.node_pool_full_names : pool => {{ name = null, prefix = "${{{}}}-" }} }}"#,
                    shortened("full", prefix_max)
                )),
            )
            .blank()
            .comment("One Auto Scaling group tag per pool and tag key: EKS does not pass node group tags on.")
            .attr(
                "node_group_asg_tags",
                ex(r#"merge([for pool in keys(local.node_pools) : { for key, value in merge(var.tags, { Name = local.node_pool_names[pool] }) : "${pool}/${key}" => { pool = pool, key = key, value = value } }]...)"#),
            ),
    )
}

fn pool_object(pool: &NodePool) -> Expr {
    let taints = Expr::Array(
        pool.taints
            .iter()
            .map(|t| {
                obj([
                    ("key", s(&t.key)),
                    ("value", t.value.as_ref().map(s).unwrap_or_else(null)),
                    ("effect", s(t.effect.api_name())),
                ])
            })
            .collect(),
    );
    obj([
        (
            "instance_types",
            strings(pool.instance_types.iter().cloned()),
        ),
        ("capacity_type", s(pool.capacity.api_name())),
        ("ami_type", s(eks_ami_type(&pool.instance_types))),
        ("disk_size_gb", num(i64::from(pool.disk_size_gb))),
        (
            "labels",
            obj(pool.labels.iter().map(|(k, v)| (k.clone(), s(v)))),
        ),
        ("taints", taints),
    ])
}

fn tag_specification(resource_type: &str) -> Block {
    block(
        "tag_specifications",
        &[],
        Body::new().attr("resource_type", s(resource_type)).attr(
            "tags",
            ex("merge(var.tags, { Name = local.node_pool_names[each.key] })"),
        ),
    )
}

/// Per pool: IMDSv2 only, with a hop limit of 1 so pods cannot borrow the node role (they use
/// IRSA or EKS Pod Identity), an encrypted gp3 root volume, and the tags of every instance,
/// volume and network interface the node group launches.
fn launch_template() -> Block {
    resource(
        "aws_launch_template",
        "node",
        Body::new()
            .attr("for_each", ex("local.node_pools"))
            .blank()
            .attr("name", ex("local.node_pool_names[each.key]"))
            .attr(
                "description",
                ex(r#""Nodes of the ${each.key} pool of ${var.name}""#),
            )
            .attr("update_default_version", true)
            .blank()
            .block(block(
                "metadata_options",
                &[],
                Body::new()
                    .attr("http_endpoint", s("enabled"))
                    .attr("http_tokens", s("required"))
                    .attr("http_put_response_hop_limit", num(1)),
            ))
            .block(block(
                "block_device_mappings",
                &[],
                Body::new()
                    .attr("device_name", s("/dev/xvda"))
                    .blank()
                    .block(block(
                        "ebs",
                        &[],
                        Body::new()
                            .attr("volume_size", ex("each.value.disk_size_gb"))
                            .attr("volume_type", s("gp3"))
                            .attr("encrypted", true)
                            .attr("delete_on_termination", true),
                    )),
            ))
            .block(tag_specification("instance"))
            .block(tag_specification("volume"))
            .block(tag_specification("network-interface"))
            .blank()
            .attr(
                "tags",
                ex("merge(var.tags, { Name = local.node_pool_names[each.key] })"),
            ),
    )
}

fn node_group() -> Block {
    resource(
        "aws_eks_node_group",
        "this",
        Body::new()
            .attr("for_each", ex("local.node_pools"))
            .blank()
            .attr("cluster_name", ex("aws_eks_cluster.this.name"))
            .attr("node_group_name", ex("local.node_group_naming[each.key].name"))
            .attr(
                "node_group_name_prefix",
                ex("local.node_group_naming[each.key].prefix"),
            )
            .attr("node_role_arn", ex("aws_iam_role.node.arn"))
            .attr("subnet_ids", ex("var.subnet_ids"))
            .attr("version", ex("aws_eks_cluster.this.version"))
            .attr("ami_type", ex("each.value.ami_type"))
            .attr("capacity_type", ex("each.value.capacity_type"))
            .attr("instance_types", ex("each.value.instance_types"))
            .attr("labels", ex("each.value.labels"))
            .blank()
            .block(block(
                "launch_template",
                &[],
                Body::new()
                    .attr("id", ex("aws_launch_template.node[each.key].id"))
                    .attr(
                        "version",
                        ex("aws_launch_template.node[each.key].latest_version"),
                    ),
            ))
            .block(block(
                "scaling_config",
                &[],
                Body::new()
                    .comment("Desired size follows the spec; see the module README to hand it to an autoscaler.")
                    .attr("min_size", ex("var.node_pool_sizes[each.key].min"))
                    .attr("desired_size", ex("var.node_pool_sizes[each.key].desired"))
                    .attr("max_size", ex("var.node_pool_sizes[each.key].max")),
            ))
            .block(block(
                "update_config",
                &[],
                Body::new().attr("max_unavailable_percentage", num(25)),
            ))
            .block(block(
                "dynamic",
                &["taint"],
                Body::new()
                    .attr("for_each", ex("each.value.taints"))
                    .blank()
                    .block(block(
                        "content",
                        &[],
                        Body::new()
                            .attr("key", ex("taint.value.key"))
                            .attr("value", ex("taint.value.value"))
                            .attr("effect", ex("taint.value.effect")),
                    )),
            ))
            .blank()
            .attr(
                "tags",
                ex("merge(var.tags, { Name = local.node_pool_names[each.key] })"),
            )
            .blank()
            .attr("depends_on", ex("[aws_iam_role_policy_attachment.node]"))
            .blank()
            .comment("The replacement joins the cluster before the old group drains: the pool never drops to zero.")
            .block(block(
                "lifecycle",
                &[],
                Body::new().attr("create_before_destroy", true),
            )),
    )
}

/// The node group's Auto Scaling group gets the full tag set too. Instances and volumes are
/// already tagged by the launch template, so the ASG does not propagate these at launch.
fn asg_tags() -> Block {
    resource(
        "aws_autoscaling_group_tag",
        "node",
        Body::new()
            .attr("for_each", ex("local.node_group_asg_tags"))
            .blank()
            .attr(
                "autoscaling_group_name",
                ex("aws_eks_node_group.this[each.value.pool].resources[0].autoscaling_groups[0].name"),
            )
            .blank()
            .block(block(
                "tag",
                &[],
                Body::new()
                    .attr("key", ex("each.value.key"))
                    .attr("value", ex("each.value.value"))
                    .attr("propagate_at_launch", false),
            )),
    )
}
