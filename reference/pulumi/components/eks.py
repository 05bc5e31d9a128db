"""An EKS cluster in the private subnets: secrets encrypted with a customer-managed KMS
key, every control-plane log type in a KMS-encrypted log group, a private API
endpoint unless the spec opens it to listed CIDRs, access entries for the spec's
admins, an OIDC provider for IRSA, the add-ons, and one managed node group per node
pool (launch template with IMDSv2 and an encrypted gp3 root volume; tags on
instances, volumes, network interfaces and the Auto Scaling group). The counterpart
of the Terraform module modules/eks.
"""

import hashlib
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.kms import logs_key


@dataclass
class EksArgs:
    """Inputs of Eks."""

    name: str
    tags: dict[str, str]
    region: str
    vpc_id: pulumi.Input[str]
    vpc_cidr_block: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    kubernetes_version: str
    cluster_log_retention_days: int
    cluster_deletion_protection: bool
    cluster_admins: list[str]
    node_pool_sizes: dict[str, dict[str, int]]
    protect: bool


@dataclass(frozen=True)
class NodePool:
    """A node pool of the spec; its sizes come from the stack config."""

    instance_types: list[str]
    capacity_type: str
    ami_type: str
    disk_size_gb: int
    labels: dict[str, str]
    taints: list[aws.eks.NodeGroupTaintArgs]


NODE_POOLS: dict[str, NodePool] = {
    "apps": NodePool(
        instance_types=["m6i.xlarge", "m6a.xlarge"],
        capacity_type="SPOT",
        ami_type="AL2023_x86_64_STANDARD",
        disk_size_gb=50,
        labels={},
        taints=[],
    ),
    "system": NodePool(
        instance_types=["m6i.large"],
        capacity_type="ON_DEMAND",
        ami_type="AL2023_x86_64_STANDARD",
        disk_size_gb=50,
        labels={"role": "system"},
        taints=[
            aws.eks.NodeGroupTaintArgs(
                key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE"
            )
        ],
    ),
}

# Add-on name => pinned version (None: the newest for the cluster's Kubernetes version).
ADDON_VERSIONS: dict[str, str | None] = {
    "coredns": None,
    "eks-pod-identity-agent": None,
    "kube-proxy": None,
    "vpc-cni": None,
}


def pool_name(name: str, pool: str) -> str:
    """The name of a pool's launch template and tags, "<name>-<pool>". One over EKS's
    63 characters keeps its start and ends in a hash of the whole name, so it stays
    unique and stable.
    """
    full = f"{name}-{pool}"
    if len(full) <= 63:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()
    return f"{full[:54].rstrip('-_')}-{digest[:8]}"


def node_group_name_prefix(name: str, pool: str) -> str:
    """The node group name prefix of a pool, "<name>-<pool>-", shortened like pool_name so
    that the provider's 26-character unique suffix fits in EKS's 63 characters.
    A replaced node group gets a new name, so it is created before the old one is deleted.
    """
    full = f"{name}-{pool}"
    if len(full) <= 36:
        return f"{full}-"
    digest = hashlib.sha256(full.encode()).hexdigest()
    return f"{full[:27].rstrip('-_')}-{digest[:8]}-"


class Eks(pulumi.ComponentResource):
    """The EKS cluster of one environment with its IAM, encryption, logs, access entries,
    OIDC provider, add-ons and one managed node group per node pool.
    """

    def __init__(
        self,
        resource_name: str,
        args: EksArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("iacgen:eks:Eks", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition
        secrets_key = aws.kms.Key(
            f"{name}-eks-secrets",
            description=f"Kubernetes secrets of {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountAdministers",
                            "Effect": "Allow",
                            "Action": "kms:*",
                            "Resource": "*",
                            "Principal": {
                                "AWS": f"arn:{partition}:iam::{account_id}:root"
                            },
                        }
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-eks-secrets"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-eks-secrets",
            name=f"alias/{name}-eks-secrets",
            target_key_id=secrets_key.key_id,
            opts=child,
        )
        logs_kms_key = logs_key(
            f"{name}-eks-logs",
            f"EKS control-plane logs of {name}",
            args.region,
            tags,
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        # EKS writes control-plane logs to /aws/eks/<cluster>/cluster; creating the group
        # first gives it retention and encryption.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-eks-cluster",
            name=f"/aws/eks/{name}/cluster",
            retention_in_days=args.cluster_log_retention_days,
            kms_key_id=logs_kms_key.arn,
            tags={**tags, "Name": f"{name}-eks-cluster"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        cluster_role = aws.iam.Role(
            f"{name}-eks-cluster",
            name=f"{name}-eks-cluster",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "eks.amazonaws.com"},
                        }
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-eks-cluster"},
            opts=child,
        )
        cluster_policy = aws.iam.RolePolicyAttachment(
            f"{name}-eks-cluster-AmazonEKSClusterPolicy",
            role=cluster_role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy",
            opts=child,
        )
        cluster_encryption = aws.iam.RolePolicy(
            f"{name}-encrypt-kubernetes-secrets",
            name="encrypt-kubernetes-secrets",
            role=cluster_role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "kms:Decrypt",
                                "kms:DescribeKey",
                                "kms:Encrypt",
                                "kms:ListGrants",
                            ],
                            "Resource": secrets_key.arn,
                        }
                    ],
                }
            ),
            opts=child,
        )
        # Lets the VPC (bastions, CI runners, peered tooling) reach the private endpoint;
        # nodes use the cluster security group EKS creates itself.
        cluster_group = aws.ec2.SecurityGroup(
            f"{name}-eks-cluster",
            name_prefix=f"{name}-eks-cluster-",
            description="Kubernetes API of the EKS cluster: HTTPS from inside the VPC",
            vpc_id=args.vpc_id,
            tags={**tags, "Name": f"{name}-eks-cluster"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-eks-cluster-https",
            security_group_id=cluster_group.id,
            description="Kubernetes API from the VPC",
            cidr_ipv4=args.vpc_cidr_block,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            tags={**tags, "Name": f"{name}-eks-cluster-https"},
            opts=child,
        )
        after_cluster_iam = pulumi.ResourceOptions(
            parent=self, depends_on=[cluster_policy, cluster_encryption, log_group]
        )
        # Authentication by access entries only: admins are the spec's, not whoever ran
        # Pulumi first. Deletion protection is on in production-like environments.
        # Standard support only: EKS upgrades a version that leaves it, rather than
        # billing extended support.
        self.cluster = aws.eks.Cluster(
            name,
            name=name,
            version=args.kubernetes_version,
            role_arn=cluster_role.arn,
            enabled_cluster_log_types=[
                "api",
                "audit",
                "authenticator",
                "controllerManager",
                "scheduler",
            ],
            deletion_protection=args.cluster_deletion_protection,
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=args.subnet_ids,
                security_group_ids=[cluster_group.id],
                endpoint_private_access=True,
                endpoint_public_access=False,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                resources=["secrets"],
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(
                    key_arn=secrets_key.arn
                ),
            ),
            tags={**tags, "Name": name},
            opts=pulumi.ResourceOptions.merge(
                after_cluster_iam, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        for principal_arn in args.cluster_admins:
            entry = aws.eks.AccessEntry(
                f"{name}-admin-{principal_arn}",
                cluster_name=self.cluster.name,
                principal_arn=principal_arn,
                type="STANDARD",
                tags={**tags, "Name": f"{name}-admin"},
                opts=child,
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{principal_arn}",
                cluster_name=self.cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=f"arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(
                    type="cluster"
                ),
                opts=child,
            )
        # IAM trusts the EKS issuer through AWS's own root CAs, so no thumbprint is needed.
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-eks-irsa",
            url=self.cluster.identities[0].oidcs[0].issuer,
            client_id_lists=["sts.amazonaws.com"],
            tags={**tags, "Name": f"{name}-eks-irsa"},
            opts=child,
        )
        self.node_role = aws.iam.Role(
            f"{name}-eks-node",
            name=f"{name}-eks-node",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                        }
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-eks-node"},
            opts=child,
        )
        node_policies = [
            aws.iam.RolePolicyAttachment(
                f"{name}-eks-node-{policy}",
                role=self.node_role.name,
                policy_arn=f"arn:{partition}:iam::aws:policy/{policy}",
                opts=child,
            )
            for policy in [
                "AmazonEC2ContainerRegistryPullOnly",
                "AmazonEKSWorkerNodePolicy",
                "AmazonEKS_CNI_Policy",
            ]
        ]
        after_node_policies = pulumi.ResourceOptions(
            parent=self, depends_on=node_policies
        )
        self.node_groups: dict[str, aws.eks.NodeGroup] = {}
        self.node_group_autoscaling_group_names: dict[str, pulumi.Output[str]] = {}
        for pool, pool_spec in NODE_POOLS.items():
            base_name = pool_name(name, pool)
            pool_tags = {**tags, "Name": base_name}
            size = args.node_pool_sizes[pool]
            # IMDSv2 only, with a hop limit of 1 so pods cannot borrow the node role (they
            # use IRSA or EKS Pod Identity), and an encrypted gp3 root volume.
            template = aws.ec2.LaunchTemplate(
                base_name,
                name=base_name,
                description=f"Nodes of the {pool} pool of {name}",
                update_default_version=True,
                metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                    http_endpoint="enabled",
                    http_tokens="required",
                    http_put_response_hop_limit=1,
                ),
                block_device_mappings=[
                    aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                        device_name="/dev/xvda",
                        ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                            volume_size=pool_spec.disk_size_gb,
                            volume_type="gp3",
                            encrypted="true",
                            delete_on_termination="true",
                        ),
                    )
                ],
                tag_specifications=[
                    aws.ec2.LaunchTemplateTagSpecificationArgs(
                        resource_type="instance", tags=pool_tags
                    ),
                    aws.ec2.LaunchTemplateTagSpecificationArgs(
                        resource_type="volume", tags=pool_tags
                    ),
                    aws.ec2.LaunchTemplateTagSpecificationArgs(
                        resource_type="network-interface", tags=pool_tags
                    ),
                ],
                tags=pool_tags,
                opts=child,
            )
            # Desired size follows the stack config. To hand it to an autoscaler, add
            # ignore_changes=["scalingConfig.desiredSize"] to this node group's options.
            group = aws.eks.NodeGroup(
                base_name,
                cluster_name=self.cluster.name,
                node_group_name_prefix=node_group_name_prefix(name, pool),
                node_role_arn=self.node_role.arn,
                subnet_ids=args.subnet_ids,
                version=self.cluster.version,
                ami_type=pool_spec.ami_type,
                capacity_type=pool_spec.capacity_type,
                instance_types=pool_spec.instance_types,
                labels=pool_spec.labels,
                launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                    id=template.id, version=template.latest_version.apply(str)
                ),
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    min_size=size["min"],
                    desired_size=size["desired"],
                    max_size=size["max"],
                ),
                update_config=aws.eks.NodeGroupUpdateConfigArgs(
                    max_unavailable_percentage=25
                ),
                taints=pool_spec.taints,
                tags=pool_tags,
                opts=after_node_policies,
            )
            self.node_groups[pool] = group
            asg_name = group.resources[0].autoscaling_groups[0].name
            self.node_group_autoscaling_group_names[pool] = asg_name
            # EKS does not pass node group tags on to the Auto Scaling group: one tag per
            # key. The launch template already tags instances, so none propagates.
            for key, value in pool_tags.items():
                aws.autoscaling.Tag(
                    f"{name}-{pool}/{key}",
                    autoscaling_group_name=asg_name,
                    tag=aws.autoscaling.TagTagArgs(
                        key=key, value=value, propagate_at_launch=False
                    ),
                    opts=child,
                )
        after_node_groups = pulumi.ResourceOptions(
            parent=self, depends_on=list(self.node_groups.values())
        )
        for addon, version in ADDON_VERSIONS.items():
            aws.eks.Addon(
                f"{name}-{addon}",
                cluster_name=self.cluster.name,
                addon_name=addon,
                addon_version=(
                    version
                    if version is not None
                    else aws.eks.get_addon_version_output(
                        addon_name=addon,
                        kubernetes_version=self.cluster.version,
                        most_recent=True,
                    ).version
                ),
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="PRESERVE",
                tags={**tags, "Name": f"{name}-{addon}"},
                opts=after_node_groups,
            )
        self.register_outputs(
            {
                "cluster_name": self.cluster.name,
                "cluster_endpoint": self.cluster.endpoint,
                "cluster_certificate_authority_data": self.cluster.certificate_authority.data,
                "cluster_security_group_id": self.cluster.vpc_config.cluster_security_group_id,
                "oidc_provider_arn": self.oidc_provider.arn,
                "node_role_arn": self.node_role.arn,
                "node_group_names": {
                    pool: group.node_group_name
                    for pool, group in self.node_groups.items()
                },
                "node_group_autoscaling_group_names": self.node_group_autoscaling_group_names,
            }
        )
