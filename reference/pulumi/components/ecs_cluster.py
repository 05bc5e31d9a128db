"""The ECS cluster of the Fargate services: Container Insights, the FARGATE and
FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key that
encrypts the ECS log groups (the counterpart of the Terraform module
modules/ecs-cluster).
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.kms import logs_key


@dataclass
class EcsClusterArgs:
    """Inputs of EcsCluster."""

    name: str
    tags: dict[str, str]
    region: str
    log_retention_days: int
    protect: bool


class EcsCluster(pulumi.ComponentResource):
    """The ECS cluster of the Fargate services, with Container Insights and encrypted
    ECS Exec session logs.
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
        self.logs_key = logs_key(
            f"{name}-ecs-logs",
            f"ECS log groups of {name}",
            args.region,
            tags,
            pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
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
            tags={**tags, "Name": name},
            opts=child,
        )
        # Services choose FARGATE or FARGATE_SPOT themselves; the default covers one-off
        # tasks.
        self.capacity_providers = aws.ecs.ClusterCapacityProviders(
            name,
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[
                {"capacity_provider": "FARGATE", "weight": 1}
            ],
            opts=child,
        )
        # Services read the cluster through its capacity providers: one created before
        # FARGATE and FARGATE_SPOT are associated fails to start its tasks.
        arn_and_name = pulumi.Output.all(
            self.cluster.arn, self.capacity_providers.cluster_name
        )
        self.cluster_arn = arn_and_name.apply(lambda values: values[0])
        self.register_outputs(
            {
                "cluster_name": self.capacity_providers.cluster_name,
                "cluster_arn": self.cluster_arn,
                "logs_kms_key_arn": self.logs_key.arn,
                "exec_log_group_name": self.exec_log_group.name,
            }
        )
