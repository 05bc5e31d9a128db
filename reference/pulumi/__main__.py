"""The payments platform: one stack per environment, its settings in Pulumi.<env>.yaml."""

import pulumi

from components.ecs_cluster import EcsCluster, EcsClusterArgs
from components.ecs_service import EcsService, EcsServiceArgs
from components.eks import Eks, EksArgs
from components.network import Network, NetworkArgs
from components.observability import Observability, ObservabilityArgs
from components.secrets import Secrets, SecretsArgs

config = pulumi.Config()
environment = config.require("environment")
# Every physical name starts with <project>-<environment>.
name = f"{pulumi.get_project()}-{environment}"
tags: dict[str, str] = config.require_object("tags")
region = pulumi.Config("aws").require("region")
# Whether the stack's stateful resources (keys, secrets, log groups, the cluster)
# refuse to be deleted.
protect: bool = config.require_bool("protect")

network = Network(
    "network",
    NetworkArgs(
        name=name,
        tags=tags,
        region=region,
        vpc_cidr=config.require("vpcCidr"),
        azs=config.require_object("azs"),
        public_subnet_cidrs=config.require_object("publicSubnetCidrs"),
        private_subnet_cidrs=config.require_object("privateSubnetCidrs"),
        database_subnet_cidrs=config.require_object("databaseSubnetCidrs"),
        nat_mode=config.require("natMode"),
        flow_log_retention_days=config.require_int("flowLogRetentionDays"),
        protect=protect,
    ),
)

secrets = Secrets(
    "secrets",
    SecretsArgs(
        name=name,
        tags=tags,
        region=region,
        recovery_window_days=config.require_object("recoveryWindowDays"),
        rotation_lambda_arns=config.require_object("rotationLambdaArns"),
        protect=protect,
    ),
)

eks = Eks(
    "eks",
    EksArgs(
        name=name,
        tags=tags,
        region=region,
        vpc_id=network.vpc.id,
        vpc_cidr_block=network.vpc.cidr_block,
        subnet_ids=list(network.private_subnet_ids.values()),
        kubernetes_version=config.require("kubernetesVersion"),
        cluster_log_retention_days=config.require_int("clusterLogRetentionDays"),
        cluster_deletion_protection=config.require_bool("clusterDeletionProtection"),
        cluster_admins=config.require_object("clusterAdmins"),
        node_pool_sizes=config.require_object("nodePoolSizes"),
        protect=protect,
    ),
)

ecs_cluster = EcsCluster(
    "ecs_cluster",
    EcsClusterArgs(
        name=name,
        tags=tags,
        region=region,
        log_retention_days=config.require_int("ecsLogRetentionDays"),
        protect=protect,
    ),
)

service_api = EcsService(
    "service_api",
    EcsServiceArgs(
        name=name,
        service="api",
        tags=tags,
        region=region,
        cluster_name=ecs_cluster.capacity_providers.cluster_name,
        cluster_arn=ecs_cluster.cluster_arn,
        logs_kms_key_arn=ecs_cluster.logs_key.arn,
        log_retention_days=config.require_int("ecsLogRetentionDays"),
        vpc_id=network.vpc.id,
        vpc_cidr_block=network.vpc.cidr_block,
        private_subnet_ids=list(network.private_subnet_ids.values()),
        public_subnet_ids=list(network.public_subnet_ids.values()),
        image=config.require("serviceApiImage"),
        image_repository_arn=config.get("serviceApiImageRepositoryArn"),
        pipeline_deploys=False,
        architecture="X86_64",
        capacity_provider="FARGATE",
        port=8080,
        command=[],
        environment={"LOG_LEVEL": "info"},
        writable_volumes={"tmp": "/tmp"},
        exec=False,
        exec_log_group_name=ecs_cluster.exec_log_group.name,
        health_check_grace_period_seconds=60,
        secrets={"DB_PASSWORD": secrets.secret_arns["db_password"]},
        secrets_kms_key_arn=secrets.secrets_key.arn,
        cpu=config.require_int("serviceApiCpu"),
        memory=config.require_int("serviceApiMemory"),
        desired_count=config.require_int("serviceApiDesiredCount"),
        min_capacity=config.require_int("serviceApiMinCapacity"),
        max_capacity=config.require_int("serviceApiMaxCapacity"),
        cpu_target=60,
        memory_target=None,
        execution_role_name=config.require("serviceApiExecutionRoleName"),
        task_role_name=config.require("serviceApiTaskRoleName"),
        load_balancer=config.get_object("serviceApiLoadBalancer"),
        existing_rules=[],
        protect=protect,
    ),
)

service_worker = EcsService(
    "service_worker",
    EcsServiceArgs(
        name=name,
        service="worker",
        tags=tags,
        region=region,
        cluster_name=ecs_cluster.capacity_providers.cluster_name,
        cluster_arn=ecs_cluster.cluster_arn,
        logs_kms_key_arn=ecs_cluster.logs_key.arn,
        log_retention_days=config.require_int("ecsLogRetentionDays"),
        vpc_id=network.vpc.id,
        vpc_cidr_block=network.vpc.cidr_block,
        private_subnet_ids=list(network.private_subnet_ids.values()),
        public_subnet_ids=[],
        image=config.require("serviceWorkerImage"),
        image_repository_arn=config.get("serviceWorkerImageRepositoryArn"),
        pipeline_deploys=True,
        architecture="X86_64",
        capacity_provider="FARGATE",
        port=None,
        command=[],
        environment={},
        writable_volumes={},
        exec=False,
        exec_log_group_name=ecs_cluster.exec_log_group.name,
        health_check_grace_period_seconds=60,
        secrets={},
        secrets_kms_key_arn=None,
        cpu=config.require_int("serviceWorkerCpu"),
        memory=config.require_int("serviceWorkerMemory"),
        desired_count=config.require_int("serviceWorkerDesiredCount"),
        min_capacity=config.require_int("serviceWorkerMinCapacity"),
        max_capacity=config.require_int("serviceWorkerMaxCapacity"),
        cpu_target=None,
        memory_target=None,
        execution_role_name=config.require("serviceWorkerExecutionRoleName"),
        task_role_name=config.require("serviceWorkerTaskRoleName"),
        load_balancer=config.get_object("serviceWorkerLoadBalancer"),
        existing_rules=[],
        protect=protect,
    ),
)

observability = Observability(
    "observability",
    ObservabilityArgs(
        name=name,
        tags=tags,
        region=region,
        alarm_emails=config.require_object("alarmEmails"),
        alarm_error_rate_percent=config.require_int("alarmErrorRatePercent"),
        alarm_error_rate_min_requests=config.require_int("alarmErrorRateMinRequests"),
        alarm_latency_p99_seconds=config.require_float("alarmLatencyP99Seconds"),
        alarm_cpu_percent=config.require_int("alarmCpuPercent"),
        alarm_memory_percent=config.require_int("alarmMemoryPercent"),
        ecs_cluster_name=ecs_cluster.capacity_providers.cluster_name,
        ecs_services={
            "api": service_api.service.name,
            "worker": service_worker.service.name,
        },
        load_balancers={
            "api": {
                "alb_arn_suffix": service_api.alb_arn_suffix,
                "target_group_arn_suffix": service_api.target_group_arn_suffix,
            }
        },
        eks_cluster_name=eks.cluster.name,
        node_pools={
            "apps": eks.node_group_autoscaling_group_names["apps"],
            "system": eks.node_group_autoscaling_group_names["system"],
        },
        protect=protect,
    ),
)

pulumi.export("vpc_id", network.vpc.id)
pulumi.export("vpc_cidr_block", network.vpc.cidr_block)
pulumi.export("azs", network.azs)
pulumi.export("public_subnet_ids", network.public_subnet_ids)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("database_subnet_ids", network.database_subnet_ids)
pulumi.export("private_route_table_ids", network.private_route_table_ids)
pulumi.export("nat_public_ips", network.nat_public_ips)
pulumi.export("database_subnet_group_name", network.database_subnet_group.name)
pulumi.export("flow_log_group_name", network.flow_logs_log_group.name)
pulumi.export("logs_kms_key_arn", network.logs_key.arn)
pulumi.export("secret_arns", secrets.secret_arns)
pulumi.export("secret_names", secrets.secret_names)
pulumi.export("kms_key_arn", secrets.secrets_key.arn)
pulumi.export("cluster_name", eks.cluster.name)
pulumi.export("cluster_endpoint", eks.cluster.endpoint)
pulumi.export(
    "cluster_certificate_authority_data", eks.cluster.certificate_authority.data
)
pulumi.export(
    "cluster_security_group_id", eks.cluster.vpc_config.cluster_security_group_id
)
pulumi.export("oidc_provider_arn", eks.oidc_provider.arn)
pulumi.export("node_role_arn", eks.node_role.arn)
pulumi.export("node_group_names", eks.node_group_names)
pulumi.export(
    "node_group_autoscaling_group_names", eks.node_group_autoscaling_group_names
)
pulumi.export("ecs_cluster_name", ecs_cluster.capacity_providers.cluster_name)
pulumi.export("ecs_cluster_arn", ecs_cluster.cluster_arn)
pulumi.export("ecs_logs_kms_key_arn", ecs_cluster.logs_key.arn)
pulumi.export("ecs_exec_log_group_name", ecs_cluster.exec_log_group.name)
pulumi.export(
    "services",
    {
        "api": {
            "service_name": service_api.service.name,
            "log_group_name": service_api.log_group.name,
            "task_role_arn": service_api.task_role.arn,
            "security_group_id": service_api.service_security_group.id,
            "alb_dns_name": service_api.alb_dns_name,
            "alb_arn_suffix": service_api.alb_arn_suffix,
            "target_group_arn": service_api.target_group_arn,
            "target_group_arn_suffix": service_api.target_group_arn_suffix,
        }
    },
)
pulumi.export(
    "pipeline_services",
    {
        "worker": {
            "service_name": service_worker.service.name,
            "log_group_name": service_worker.log_group.name,
            "task_role_arn": service_worker.task_role.arn,
            "security_group_id": service_worker.service_security_group.id,
            "alb_dns_name": None,
            "alb_arn_suffix": None,
            "target_group_arn": None,
            "target_group_arn_suffix": None,
        }
    },
)
pulumi.export("alarm_topic_arn", observability.alarms_topic.arn)
pulumi.export("dashboard_name", observability.dashboard.dashboard_name)
