"""An EKS cluster in the private subnets: secrets encrypted with a customer-managed KMS
key, every control-plane log type in a KMS-encrypted log group, a private API
endpoint unless the spec opens it to listed CIDRs, access entries for `eks.admins`
(authentication mode `API`), an OIDC provider for IRSA, the add-ons of the spec, and
one managed node group per node pool (launch template with IMDSv2 and an encrypted
gp3 root volume; tags on instances, volumes, network interfaces and the Auto Scaling
group). A node group replaced by a new instance type, capacity type or AMI type is
created before the old one is deleted, under a unique name from the prefix in
`local.node_group_naming` (the counterpart of the Terraform module modules/eks).
"""

import collections
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws


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


class Eks(pulumi.ComponentResource):
    """An EKS cluster in the private subnets: secrets encrypted with a customer-managed
    KMS key, every control-plane log type in a KMS-encrypted log group, a private
    API endpoint unless the spec opens it to listed CIDRs, access entries for
    `eks.admins` (authentication mode `API`), an OIDC provider for IRSA, the add-ons
    of the spec, and one managed node group per node pool (launch template with
    IMDSv2 and an encrypted gp3 root volume; tags on instances, volumes, network
    interfaces and the Auto Scaling group). A node group replaced by a new instance
    type, capacity type or AMI type is created before the old one is deleted, under
    a unique name from the prefix in `local.node_group_naming`.
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
        logs_key = aws.kms.Key(
            f"{name}-eks-logs",
            description=f"EKS control-plane logs of {name}",
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
                        },
                        {
                            "Sid": "CloudWatchLogsUse",
                            "Effect": "Allow",
                            "Action": [
                                "kms:Decrypt*",
                                "kms:Describe*",
                                "kms:Encrypt*",
                                "kms:GenerateDataKey*",
                                "kms:ReEncrypt*",
                            ],
                            "Resource": "*",
                            "Principal": {
                                "Service": f"logs.{args.region}.amazonaws.com"
                            },
                            "Condition": {
                                "ArnLike": {
                                    "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{args.region}:{account_id}:log-group:*"
                                }
                            },
                        },
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-eks-logs"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-eks-logs",
            name=f"alias/{name}-eks-logs",
            target_key_id=logs_key.key_id,
            opts=child,
        )
        cluster_log_group = aws.cloudwatch.LogGroup(
            f"{name}-eks-cluster",
            name=f"/aws/eks/{name}/cluster",
            retention_in_days=args.cluster_log_retention_days,
            kms_key_id=logs_key.arn,
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
        cluster_policy_attachment = aws.iam.RolePolicyAttachment(
            f"{name}-eks-cluster-AmazonEKSClusterPolicy",
            role=cluster_role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy",
            opts=child,
        )
        cluster_encryption_policy = aws.iam.RolePolicy(
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
        cluster_security_group = aws.ec2.SecurityGroup(
            f"{name}-eks-cluster",
            name_prefix=f"{name}-eks-cluster-",
            description="Kubernetes API of the EKS cluster: HTTPS from inside the VPC",
            vpc_id=args.vpc_id,
            tags={**tags, "Name": f"{name}-eks-cluster"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-eks-cluster-https",
            security_group_id=cluster_security_group.id,
            description="Kubernetes API from the VPC",
            cidr_ipv4=args.vpc_cidr_block,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            tags={**tags, "Name": f"{name}-eks-cluster-https"},
            opts=child,
        )
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
            vpc_config={
                "subnet_ids": args.subnet_ids,
                "security_group_ids": [cluster_security_group.id],
                "endpoint_private_access": True,
                "endpoint_public_access": False,
            },
            access_config={
                "authentication_mode": "API",
                "bootstrap_cluster_creator_admin_permissions": False,
            },
            upgrade_policy={"support_type": "STANDARD"},
            encryption_config={
                "resources": ["secrets"],
                "provider": {"key_arn": secrets_key.arn},
            },
            tags={**tags, "Name": name},
            opts=pulumi.ResourceOptions.merge(
                pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[
                        cluster_policy_attachment,
                        cluster_encryption_policy,
                        cluster_log_group,
                    ],
                ),
                pulumi.ResourceOptions(protect=args.protect),
            ),
        )
        cluster_admins = args.cluster_admins
        admin_access_entries = {
            principal_arn: aws.eks.AccessEntry(
                f"{name}-admin-{principal_arn}",
                cluster_name=self.cluster.name,
                principal_arn=principal_arn,
                type="STANDARD",
                tags={**tags, "Name": f"{name}-admin"},
                opts=child,
            )
            for principal_arn in cluster_admins
        }
        for principal_arn in cluster_admins:
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{principal_arn}",
                cluster_name=self.cluster.name,
                principal_arn=admin_access_entries[principal_arn].principal_arn,
                policy_arn=f"arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                access_scope={"type": "cluster"},
                opts=child,
            )
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
        node_policy_attachments = {
            policy: aws.iam.RolePolicyAttachment(
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
        }
        node_pools: dict[str, Any] = {
            "apps": {
                "instance_types": ["m6i.xlarge", "m6a.xlarge"],
                "capacity_type": "SPOT",
                "ami_type": "AL2023_x86_64_STANDARD",
                "disk_size_gb": 50,
                "labels": {},
                "taints": [],
            },
            "system": {
                "instance_types": ["m6i.large"],
                "capacity_type": "ON_DEMAND",
                "ami_type": "AL2023_x86_64_STANDARD",
                "disk_size_gb": 50,
                "labels": {"role": "system"},
                "taints": [
                    {
                        "key": "CriticalAddonsOnly",
                        "value": "true",
                        "effect": "NO_SCHEDULE",
                    }
                ],
            },
        }
        # "<name>-<pool>" names the pool's launch template and tags. One over EKS's 63 characters keeps its
        # start and ends in a hash of the whole name, so it stays unique and stable.
        node_pool_full_names = {pool: f"{name}-{pool}" for pool in node_pools}
        node_pool_names = {
            pool: (
                full
                if len(full) <= 63
                else f"{full[:54].rstrip('-_')}-{hashlib.sha256(full.encode()).hexdigest()[:8]}"
            )
            for pool, full in node_pool_full_names.items()
        }
        # How each node group is named, in one place. A new instance type, capacity type or AMI type
        # replaces a node group, and the new group is created before the old one is deleted, so it
        # needs a name of its own: the provider appends a unique 26-character suffix to the prefix
        # "<name>-<pool>-" (shortened like the names above, to 36 characters). A group that must
        # keep an existing name (an adopted one) gets { name = "<its name>", prefix = null } here; its
        # replacement then deletes the old group first.
        node_group_naming = {
            pool: {
                "name": None,
                "prefix": (
                    (
                        full
                        if len(full) <= 36
                        else f"{full[:27].rstrip('-_')}-{hashlib.sha256(full.encode()).hexdigest()[:8]}"
                    )
                    + "-"
                ),
            }
            for pool, full in node_pool_full_names.items()
        }
        # One Auto Scaling group tag per pool and tag key: EKS does not pass node group tags on.
        node_group_asg_tags = dict(
            collections.ChainMap(
                *[
                    {
                        f"{pool}/{key}": {"pool": pool, "key": key, "value": value}
                        for key, value in {
                            **tags,
                            "Name": node_pool_names[pool],
                        }.items()
                    }
                    for pool in node_pools
                ]
            )
        )
        node_launch_templates = {
            pool: aws.ec2.LaunchTemplate(
                node_pool_names[pool],
                name=node_pool_names[pool],
                description=f"Nodes of the {pool} pool of {name}",
                update_default_version=True,
                metadata_options={
                    "http_endpoint": "enabled",
                    "http_tokens": "required",
                    "http_put_response_hop_limit": 1,
                },
                block_device_mappings=[
                    {
                        "device_name": "/dev/xvda",
                        "ebs": {
                            "volume_size": spec["disk_size_gb"],
                            "volume_type": "gp3",
                            "encrypted": "true",
                            "delete_on_termination": "true",
                        },
                    }
                ],
                tag_specifications=[
                    {
                        "resource_type": "instance",
                        "tags": {**tags, "Name": node_pool_names[pool]},
                    },
                    {
                        "resource_type": "volume",
                        "tags": {**tags, "Name": node_pool_names[pool]},
                    },
                    {
                        "resource_type": "network-interface",
                        "tags": {**tags, "Name": node_pool_names[pool]},
                    },
                ],
                tags={**tags, "Name": node_pool_names[pool]},
                opts=child,
            )
            for pool, spec in node_pools.items()
        }
        self.node_groups = {
            pool: aws.eks.NodeGroup(
                node_pool_names[pool],
                cluster_name=self.cluster.name,
                node_group_name=node_group_naming[pool]["name"],
                node_group_name_prefix=node_group_naming[pool]["prefix"],
                node_role_arn=self.node_role.arn,
                subnet_ids=args.subnet_ids,
                version=self.cluster.version,
                ami_type=spec["ami_type"],
                capacity_type=spec["capacity_type"],
                instance_types=spec["instance_types"],
                labels=spec["labels"],
                launch_template={
                    "id": node_launch_templates[pool].id,
                    "version": node_launch_templates[pool].latest_version.apply(str),
                },
                scaling_config={
                    "min_size": args.node_pool_sizes[pool]["min"],
                    "desired_size": args.node_pool_sizes[pool]["desired"],
                    "max_size": args.node_pool_sizes[pool]["max"],
                },
                update_config={"max_unavailable_percentage": 25},
                taints=[
                    {
                        "key": taint["key"],
                        "value": taint["value"],
                        "effect": taint["effect"],
                    }
                    for taint in spec["taints"]
                ],
                tags={**tags, "Name": node_pool_names[pool]},
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*node_policy_attachments.values()]
                ),
            )
            for pool, spec in node_pools.items()
        }
        for key, tag in node_group_asg_tags.items():
            group = self.node_groups[tag["pool"]]
            aws.autoscaling.Tag(
                f"{name}-{key}",
                autoscaling_group_name=group.resources[0].autoscaling_groups[0].name,
                tag={
                    "key": tag["key"],
                    "value": tag["value"],
                    "propagate_at_launch": False,
                },
                opts=child,
            )
        # Add-on name => pinned version (null: the newest for the cluster's Kubernetes version).
        addon_versions = {
            "coredns": None,
            "eks-pod-identity-agent": None,
            "kube-proxy": None,
            "vpc-cni": None,
        }
        latest_addons = {
            addon: aws.eks.get_addon_version_output(
                addon_name=addon,
                kubernetes_version=self.cluster.version,
                most_recent=True,
            )
            for addon, version in addon_versions.items()
        }
        for addon, version in addon_versions.items():
            aws.eks.Addon(
                f"{name}-{addon}",
                cluster_name=self.cluster.name,
                addon_name=addon,
                addon_version=(
                    version if version is not None else latest_addons[addon].version
                ),
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="PRESERVE",
                tags={**tags, "Name": f"{name}-{addon}"},
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*self.node_groups.values()]
                ),
            )
        self.node_group_names = {
            pool: group.node_group_name for pool, group in self.node_groups.items()
        }
        self.node_group_autoscaling_group_names = {
            pool: group.resources[0].autoscaling_groups[0].name
            for pool, group in self.node_groups.items()
        }
        self.register_outputs(
            {
                "cluster_name": self.cluster.name,
                "cluster_endpoint": self.cluster.endpoint,
                "cluster_certificate_authority_data": self.cluster.certificate_authority.data,
                "cluster_security_group_id": self.cluster.vpc_config.cluster_security_group_id,
                "oidc_provider_arn": self.oidc_provider.arn,
                "node_role_arn": self.node_role.arn,
                "node_group_names": self.node_group_names,
                "node_group_autoscaling_group_names": self.node_group_autoscaling_group_names,
            }
        )
