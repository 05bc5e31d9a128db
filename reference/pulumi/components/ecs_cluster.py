"""The ECS cluster of the Fargate services: Container Insights, the FARGATE and
FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key that
encrypts the ECS log groups (the counterpart of the Terraform module
modules/ecs-cluster).
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class EcsClusterArgs:
    """Inputs of EcsCluster."""

    name: str
    tags: dict[str, str]
    region: str
    log_retention_days: int
    protect: bool


class EcsCluster(pulumi.ComponentResource):
    """The ECS cluster of the Fargate services: Container Insights, the FARGATE and
    FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key that
    encrypts the ECS log groups.
    """

    def __init__(
        self,
        resource_name: str,
        args: EcsClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("iacgen:ecs_cluster:EcsCluster", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition
        self.logs_key = aws.kms.Key(
            f"{name}-ecs-logs",
            description=f"ECS log groups of {name}",
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
            tags={**tags, "Name": f"{name}-ecs-logs"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-ecs-logs",
            name=f"alias/{name}-ecs-logs",
            target_key_id=self.logs_key.key_id,
            opts=child,
        )
        self.exec_log_group = aws.cloudwatch.LogGroup(
            f"/aws/ecs/{name}/exec",
            name=f"/aws/ecs/{name}/exec",
            retention_in_days=args.log_retention_days,
            kms_key_id=self.logs_key.arn,
            tags={**tags, "Name": f"{name}-ecs-exec"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        self.cluster = aws.ecs.Cluster(
            name,
            name=name,
            settings=[{"name": "containerInsights", "value": "enabled"}],
            configuration={
                "execute_command_configuration": {
                    "kms_key_id": self.logs_key.arn,
                    "logging": "OVERRIDE",
                    "log_configuration": {
                        "cloud_watch_log_group_name": self.exec_log_group.name,
                        "cloud_watch_encryption_enabled": True,
                    },
                }
            },
            tags={**tags, "Name": f"{name}"},
            opts=child,
        )
        self.capacity_providers = aws.ecs.ClusterCapacityProviders(
            name,
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[
                {"capacity_provider": "FARGATE", "weight": 1}
            ],
            opts=child,
        )
        self.cluster_arn = pulumi.Output.all(
            self.cluster.arn, self.capacity_providers.id
        ).apply(lambda values: values[0])
        self.register_outputs(
            {
                "cluster_name": self.capacity_providers.cluster_name,
                "cluster_arn": self.cluster_arn,
                "logs_kms_key_arn": self.logs_key.arn,
                "exec_log_group_name": self.exec_log_group.name,
            }
        )
