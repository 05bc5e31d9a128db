"""One ECS service on Fargate: task definition, task execution and task roles, log
group, security groups, optionally an application load balancer, and Application
Auto Scaling (the counterpart of the Terraform module modules/ecs-service, one
instance per service).
"""

import json
from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_aws as aws


@dataclass
class EcsServiceArgs:
    """Inputs of EcsService."""

    name: str
    service: str
    tags: dict[str, str]
    region: str
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    logs_kms_key_arn: pulumi.Input[str]
    log_retention_days: int
    vpc_id: pulumi.Input[str]
    vpc_cidr_block: pulumi.Input[str]
    private_subnet_ids: list[pulumi.Input[str]]
    public_subnet_ids: list[pulumi.Input[str]]
    image: str
    image_repository_arn: str | None
    pipeline_deploys: bool
    architecture: str
    capacity_provider: str
    port: int | None
    command: list[str]
    environment: dict[str, str]
    writable_volumes: dict[str, str]
    exec: bool
    exec_log_group_name: pulumi.Input[str]
    health_check_grace_period_seconds: int
    secrets: dict[str, pulumi.Input[str]]
    secrets_kms_key_arn: pulumi.Input[str] | None
    cpu: int
    memory: int
    desired_count: int
    min_capacity: int
    max_capacity: int
    cpu_target: int | None
    memory_target: int | None
    execution_role_name: str
    task_role_name: str
    load_balancer: "LoadBalancer | None"
    existing_rules: list[str]
    protect: bool


# Memory sizes (MiB) Fargate allows with each CPU size (Linux).
FARGATE_MEMORY: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4097, 1024)),
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}


class AccessLogs(TypedDict):
    """The S3 bucket (whose policy lets Elastic Load Balancing write) and key prefix of
    a load balancer's access logs.
    """

    bucket: str
    prefix: str | None


class LoadBalancer(TypedDict):
    """The application load balancer in front of a service: internet-facing in the public
    subnets when `public`, otherwise internal; with a `certificate_arn` it serves HTTPS
    and HTTP only redirects to it.
    """

    name: str
    target_group_name: str
    public: bool
    health_check_path: str
    certificate_arn: str | None
    deletion_protection: bool
    access_logs: AccessLogs | None


class EcsService(pulumi.ComponentResource):
    """One ECS service on Fargate, in the private subnets, behind its own application
    load balancer when it has one; only then does it have alb_dns_name,
    alb_arn_suffix, target_group_arn and target_group_arn_suffix.
    """

    def __init__(
        self,
        resource_name: str,
        args: EcsServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("iacgen:ecs_service:EcsService", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        if args.memory not in FARGATE_MEMORY.get(args.cpu, []):
            raise ValueError(
                "cpu and memory must be a Fargate task size: cpu 256: 512, 1024, 2048; cpu 512: 1024–4096 in steps of 1024; cpu 1024: 2048–8192 in steps of 1024; cpu 2048: 4096–16384 in steps of 1024; cpu 4096: 8192–30720 in steps of 1024; cpu 8192: 16384–61440 in steps of 4096; cpu 16384: 32768–122880 in steps of 8192."
            )
        if (
            args.desired_count < args.min_capacity
            or args.desired_count > args.max_capacity
        ):
            raise ValueError(
                "desired_count must be between min_capacity and max_capacity."
            )
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition

        name = f"{name}-{args.service}"
        # The load balancer keyed by service name, or nothing for a service without one.
        load_balancer = {
            service: lb
            for service, lb in {args.service: args.load_balancer}.items()
            if lb is not None
        }
        # Listener ports: HTTP, plus HTTPS when the load balancer has a certificate.
        listener_ports = (
            []
            if args.load_balancer is None
            else (
                ["80"]
                if args.load_balancer["certificate_arn"] is None
                else ["80", "443"]
            )
        )
        # Target utilisation (percent) by metric; a metric without one gets no policy.
        scaling_targets = {"cpu": args.cpu_target, "memory": args.memory_target}
        scaling_policies = {
            metric: target
            for metric, target in scaling_targets.items()
            if target is not None
        }
        self.log_group = aws.cloudwatch.LogGroup(
            f"/ecs/{name}",
            name=f"/ecs/{name}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_kms_key_arn,
            tags={**tags, "Name": name},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        execution_role = aws.iam.Role(
            args.execution_role_name,
            name=args.execution_role_name,
            description=f"ECS task execution role of {name}",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": account_id}
                            },
                        }
                    ],
                }
            ),
            tags={**tags, "Name": args.execution_role_name},
            opts=child,
        )
        execution_policy = aws.iam.RolePolicy(
            f"{name}-pull-image-write-logs-read-secrets",
            name="pull-image-write-logs-read-secrets",
            role=execution_role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        *(
                            [
                                {
                                    "Sid": "EcrLogin",
                                    "Effect": "Allow",
                                    "Action": "ecr:GetAuthorizationToken",
                                    "Resource": "*",
                                }
                            ]
                            if args.image_repository_arn is not None
                            else []
                        ),
                        *(
                            [
                                {
                                    "Sid": "PullImage",
                                    "Effect": "Allow",
                                    "Action": [
                                        "ecr:BatchCheckLayerAvailability",
                                        "ecr:BatchGetImage",
                                        "ecr:GetDownloadUrlForLayer",
                                    ],
                                    "Resource": args.image_repository_arn,
                                }
                            ]
                            if args.image_repository_arn is not None
                            else []
                        ),
                        {
                            "Sid": "WriteLogs",
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": pulumi.Output.concat(self.log_group.arn, ":*"),
                        },
                        *(
                            [
                                {
                                    "Sid": "ReadSecrets",
                                    "Effect": "Allow",
                                    "Action": "secretsmanager:GetSecretValue",
                                    "Resource": pulumi.Output.all(
                                        *args.secrets.values()
                                    ).apply(lambda values: sorted(set(values))),
                                }
                            ]
                            if len(args.secrets) != 0
                            else []
                        ),
                        *(
                            [
                                {
                                    "Sid": "DecryptSecrets",
                                    "Effect": "Allow",
                                    "Action": "kms:Decrypt",
                                    "Resource": args.secrets_kms_key_arn,
                                    "Condition": {
                                        "StringEquals": {
                                            "kms:ViaService": f"secretsmanager.{args.region}.amazonaws.com"
                                        }
                                    },
                                }
                            ]
                            if (
                                len(args.secrets) != 0
                                and args.secrets_kms_key_arn is not None
                            )
                            else []
                        ),
                    ],
                }
            ),
            opts=child,
        )
        self.task_role = aws.iam.Role(
            args.task_role_name,
            name=args.task_role_name,
            description=f"ECS task role of {name}",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": account_id}
                            },
                        }
                    ],
                }
            ),
            tags={**tags, "Name": args.task_role_name},
            opts=child,
        )
        exec_policies = {
            feature: aws.iam.RolePolicy(
                f"{name}-ecs-exec-{feature}",
                name="ecs-exec",
                role=self.task_role.id,
                policy=pulumi.Output.json_dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "ExecChannels",
                                "Effect": "Allow",
                                "Action": [
                                    "ssmmessages:CreateControlChannel",
                                    "ssmmessages:CreateDataChannel",
                                    "ssmmessages:OpenControlChannel",
                                    "ssmmessages:OpenDataChannel",
                                ],
                                "Resource": "*",
                            },
                            {
                                "Sid": "ExecFindLogGroup",
                                "Effect": "Allow",
                                "Action": "logs:DescribeLogGroups",
                                "Resource": "*",
                            },
                            {
                                "Sid": "ExecWriteSessionLogs",
                                "Effect": "Allow",
                                "Action": [
                                    "logs:CreateLogStream",
                                    "logs:DescribeLogStreams",
                                    "logs:PutLogEvents",
                                ],
                                "Resource": pulumi.Output.concat(
                                    f"arn:{partition}:logs:{args.region}:{account_id}:log-group:",
                                    args.exec_log_group_name,
                                    ":*",
                                ),
                            },
                            {
                                "Sid": "ExecSessionKey",
                                "Effect": "Allow",
                                "Action": "kms:Decrypt",
                                "Resource": args.logs_kms_key_arn,
                            },
                        ],
                    }
                ),
                opts=child,
            )
            for feature in (["exec"] if args.exec else [])
        }
        task_definition = aws.ecs.TaskDefinition(
            name,
            family=name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory),
            execution_role_arn=execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=pulumi.Output.json_dumps(
                [
                    {
                        "name": args.service,
                        "image": args.image,
                        "essential": True,
                        "readonlyRootFilesystem": True,
                        "privileged": False,
                        "command": None if len(args.command) == 0 else args.command,
                        "portMappings": (
                            []
                            if args.port is None
                            else [{"containerPort": args.port, "protocol": "tcp"}]
                        ),
                        "environment": [
                            {"name": name, "value": value}
                            for name, value in args.environment.items()
                        ],
                        "secrets": [
                            {"name": name, "valueFrom": arn}
                            for name, arn in args.secrets.items()
                        ],
                        "mountPoints": [
                            {
                                "sourceVolume": volume,
                                "containerPath": path,
                                "readOnly": False,
                            }
                            for volume, path in args.writable_volumes.items()
                        ],
                        "linuxParameters": (
                            {"initProcessEnabled": True} if args.exec else None
                        ),
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": self.log_group.name,
                                "awslogs-region": args.region,
                                "awslogs-stream-prefix": args.service,
                            },
                        },
                    }
                ]
            ),
            volumes=[
                {"name": volume} for volume, path in args.writable_volumes.items()
            ],
            runtime_platform={
                "operating_system_family": "LINUX",
                "cpu_architecture": args.architecture,
            },
            tags={**tags, "Name": name},
            opts=child,
        )
        self.service_security_group = aws.ec2.SecurityGroup(
            f"{name}-service",
            name_prefix=f"{name}-service-",
            description="ECS tasks of one service: traffic from its load balancer only",
            vpc_id=args.vpc_id,
            tags={**tags, "Name": f"{name}-service"},
            opts=child,
        )
        if "service_https[0]" not in args.existing_rules:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-https-out",
                security_group_id=self.service_security_group.id,
                description="HTTPS to AWS APIs, ECR and the internet",
                cidr_ipv4="0.0.0.0/0",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                tags={**tags, "Name": f"{name}-https-out"},
                opts=child,
            )
        if "service_vpc[0]" not in args.existing_rules:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-vpc-out",
                security_group_id=self.service_security_group.id,
                description="Anything inside the VPC: databases, DNS, other services",
                cidr_ipv4=args.vpc_cidr_block,
                ip_protocol="-1",
                tags={**tags, "Name": f"{name}-vpc-out"},
                opts=child,
            )
        load_balancer_security_groups = {
            service: aws.ec2.SecurityGroup(
                f"{name}-alb",
                name_prefix=f"{name}-alb-",
                description="Load balancer of one ECS service: listener ports in, container port out",
                vpc_id=args.vpc_id,
                tags={**tags, "Name": f"{name}-alb"},
                opts=child,
            )
            for service, lb in load_balancer.items()
        }
        for service, lb in load_balancer.items():
            if f"service_from_load_balancer[{service}]" not in args.existing_rules:
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-from-load-balancer",
                    security_group_id=self.service_security_group.id,
                    description="Container port from the load balancer",
                    referenced_security_group_id=load_balancer_security_groups[
                        service
                    ].id,
                    ip_protocol="tcp",
                    from_port=args.port,
                    to_port=args.port,
                    tags={**tags, "Name": f"{name}-from-load-balancer"},
                    opts=child,
                )
        for port in listener_ports:
            if f"load_balancer[{port}]" not in args.existing_rules:
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-alb-{port}",
                    security_group_id=load_balancer_security_groups[args.service].id,
                    description=f"Port {port} from the load balancer's clients",
                    cidr_ipv4=(
                        "0.0.0.0/0"
                        if args.load_balancer["public"]
                        else args.vpc_cidr_block
                    ),
                    ip_protocol="tcp",
                    from_port=int(port),
                    to_port=int(port),
                    tags={**tags, "Name": f"{name}-alb-{port}"},
                    opts=child,
                )
        for service, lb in load_balancer.items():
            if f"load_balancer_to_service[{service}]" not in args.existing_rules:
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-alb-to-service",
                    security_group_id=load_balancer_security_groups[service].id,
                    description="Container port of the service's tasks",
                    referenced_security_group_id=self.service_security_group.id,
                    ip_protocol="tcp",
                    from_port=args.port,
                    to_port=args.port,
                    tags={**tags, "Name": f"{name}-alb-to-service"},
                    opts=child,
                )
        load_balancers = {
            service: aws.lb.LoadBalancer(
                lb["name"],
                name=lb["name"],
                load_balancer_type="application",
                internal=not lb["public"],
                subnets=(
                    args.public_subnet_ids if lb["public"] else args.private_subnet_ids
                ),
                security_groups=[load_balancer_security_groups[service].id],
                drop_invalid_header_fields=True,
                enable_deletion_protection=lb["deletion_protection"],
                access_logs=(
                    {
                        "bucket": lb["access_logs"]["bucket"],
                        "prefix": lb["access_logs"]["prefix"],
                        "enabled": True,
                    }
                    if lb["access_logs"] is not None
                    else None
                ),
                tags={**tags, "Name": lb["name"]},
                opts=child,
            )
            for service, lb in load_balancer.items()
        }
        target_groups = {
            service: aws.lb.TargetGroup(
                lb["target_group_name"],
                name=lb["target_group_name"],
                port=args.port,
                protocol="HTTP",
                target_type="ip",
                vpc_id=args.vpc_id,
                deregistration_delay=30,
                health_check={
                    "path": lb["health_check_path"],
                    "matcher": "200-399",
                    "interval": 15,
                    "healthy_threshold": 2,
                    "unhealthy_threshold": 3,
                },
                tags={**tags, "Name": lb["target_group_name"]},
                opts=child,
            )
            for service, lb in load_balancer.items()
        }
        http_listeners = {
            service: aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=load_balancers[service].arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    {
                        "type": (
                            "forward" if lb["certificate_arn"] is None else "redirect"
                        ),
                        "target_group_arn": (
                            target_groups[service].arn
                            if lb["certificate_arn"] is None
                            else None
                        ),
                        "redirect": (
                            {
                                "protocol": "HTTPS",
                                "port": "443",
                                "status_code": "HTTP_301",
                            }
                            if lb["certificate_arn"] is not None
                            else None
                        ),
                    }
                ],
                tags={**tags, "Name": f"{name}-http"},
                opts=child,
            )
            for service, lb in load_balancer.items()
        }
        https_listeners = {
            service: aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=load_balancers[service].arn,
                port=443,
                protocol="HTTPS",
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                certificate_arn=lb["certificate_arn"],
                default_actions=[
                    {"type": "forward", "target_group_arn": target_groups[service].arn}
                ],
                tags={**tags, "Name": f"{name}-https"},
                opts=child,
            )
            for service, lb in load_balancer.items()
            if lb["certificate_arn"] is not None
        }
        self.service = aws.ecs.Service(
            name,
            name=name,
            cluster=args.cluster_arn,
            task_definition=task_definition.arn,
            desired_count=args.desired_count,
            platform_version="LATEST",
            health_check_grace_period_seconds=(
                None
                if args.load_balancer is None
                else args.health_check_grace_period_seconds
            ),
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            enable_execute_command=args.exec,
            wait_for_steady_state=True,
            capacity_provider_strategies=[
                {"capacity_provider": args.capacity_provider, "weight": 1}
            ],
            network_configuration={
                "subnets": args.private_subnet_ids,
                "security_groups": [self.service_security_group.id],
                "assign_public_ip": False,
            },
            deployment_circuit_breaker={"enable": True, "rollback": True},
            load_balancers=[
                {
                    "target_group_arn": load_balancer.arn,
                    "container_name": args.service,
                    "container_port": args.port,
                }
                for service, load_balancer in target_groups.items()
                if args.port is not None
            ],
            tags={**tags, "Name": name},
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    *http_listeners.values(),
                    *https_listeners.values(),
                    execution_policy,
                    *exec_policies.values(),
                ],
                ignore_changes=(
                    ["desired_count", "task_definition"]
                    if args.pipeline_deploys
                    else ["desired_count"]
                ),
            ),
        )
        scaling_target = aws.appautoscaling.Target(
            name,
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat(
                "service/", args.cluster_name, "/", self.service.name
            ),
            min_capacity=args.min_capacity,
            max_capacity=args.max_capacity,
            tags={**tags, "Name": name},
            opts=child,
        )
        for metric, target in scaling_policies.items():
            aws.appautoscaling.Policy(
                f"{name}-{metric}",
                name=f"{name}-{metric}",
                policy_type="TargetTrackingScaling",
                service_namespace=scaling_target.service_namespace,
                scalable_dimension=scaling_target.scalable_dimension,
                resource_id=scaling_target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": target,
                    "predefined_metric_specification": {
                        "predefined_metric_type": (
                            "ECSServiceAverageCPUUtilization"
                            if metric == "cpu"
                            else "ECSServiceAverageMemoryUtilization"
                        )
                    },
                },
                opts=child,
            )

        outputs: dict[str, pulumi.Output[str]] = {
            "service_name": self.service.name,
            "log_group_name": self.log_group.name,
            "task_role_arn": self.task_role.arn,
            "security_group_id": self.service_security_group.id,
        }
        if args.load_balancer is not None:
            self.alb_dns_name = load_balancers[args.service].dns_name
            self.alb_arn_suffix = load_balancers[args.service].arn_suffix
            self.target_group_arn = target_groups[args.service].arn
            self.target_group_arn_suffix = target_groups[args.service].arn_suffix
            outputs.update(
                {
                    "alb_dns_name": self.alb_dns_name,
                    "alb_arn_suffix": self.alb_arn_suffix,
                    "target_group_arn": self.target_group_arn,
                    "target_group_arn_suffix": self.target_group_arn_suffix,
                }
            )
        self.register_outputs(outputs)
