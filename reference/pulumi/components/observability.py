"""Alarm notifications (a KMS-encrypted SNS topic with e-mail subscriptions),
golden-signal CloudWatch alarms for every service and node pool, and the
environment's CloudWatch dashboards (an overview, and one per 50 services). Alarms
notify the SNS topic `payments-<env>-alarms`, to which `oncall@example.com` is
subscribed by e-mail (each address must confirm the e-mail AWS sends after the first
apply). Failed ECS deployments (`SERVICE_DEPLOYMENT_FAILED`, rolled back by the
circuit breaker) reach the same topic through an EventBridge rule (the counterpart
of the Terraform module modules/observability).
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class ObservabilityArgs:
    """Inputs of Observability."""

    name: str
    tags: dict[str, str]
    region: str
    alarm_emails: list[str]
    alarm_error_rate_percent: int
    alarm_error_rate_min_requests: int
    alarm_latency_p99_seconds: float
    alarm_cpu_percent: int
    alarm_memory_percent: int
    ecs_cluster_name: pulumi.Input[str]
    ecs_services: dict[str, pulumi.Input[str]]
    load_balancers: dict[str, dict[str, pulumi.Input[str]]]
    eks_cluster_name: pulumi.Input[str]
    node_pools: dict[str, pulumi.Input[str]]
    protect: bool


class Observability(pulumi.ComponentResource):
    """Alarm notifications (a KMS-encrypted SNS topic with e-mail subscriptions),
    golden-signal CloudWatch alarms for every service and node pool, and the
    environment's CloudWatch dashboards (an overview, and one per 50 services).
    Alarms notify the SNS topic `payments-<env>-alarms`, to which
    `oncall@example.com` is subscribed by e-mail (each address must confirm the
    e-mail AWS sends after the first apply). Failed ECS deployments
    (`SERVICE_DEPLOYMENT_FAILED`, rolled back by the circuit breaker) reach the same
    topic through an EventBridge rule.
    """

    def __init__(
        self,
        resource_name: str,
        args: ObservabilityArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "iacgen:observability:Observability", resource_name, None, opts
        )
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition
        alarms_key = aws.kms.Key(
            f"{name}-alarms",
            description=f"Alarm notifications of {name}",
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
                            "Sid": "CloudWatchAlarmsUse",
                            "Effect": "Allow",
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        },
                        {
                            "Sid": "EventBridgeUse",
                            "Effect": "Allow",
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*",
                            "Principal": {"Service": "events.amazonaws.com"},
                        },
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-alarms"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-alarms",
            name=f"alias/{name}-alarms",
            target_key_id=alarms_key.key_id,
            opts=child,
        )
        self.alarms_topic = aws.sns.Topic(
            f"{name}-alarms",
            name=f"{name}-alarms",
            kms_master_key_id=alarms_key.arn,
            tags={**tags, "Name": f"{name}-alarms"},
            opts=child,
        )
        for email in args.alarm_emails:
            aws.sns.TopicSubscription(
                f"{name}-alarms-{email}",
                topic=self.alarms_topic.arn,
                protocol="email",
                endpoint=email,
                opts=child,
            )
        for service, load_balancer in args.load_balancers.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{service}-5xx-rate",
                name=f"{name}-{service}-5xx-rate",
                alarm_description=f"More than {args.alarm_error_rate_percent}% of the requests to {service} failed with a 5xx error in 2 of the last 3 five-minute periods (counted from {args.alarm_error_rate_min_requests} requests per period).",
                comparison_operator="GreaterThanThreshold",
                threshold=args.alarm_error_rate_percent,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                treat_missing_data="notBreaching",
                metric_queries=[
                    {
                        "id": "error_rate",
                        "label": "5xx responses (% of requests)",
                        "expression": f"IF(requests >= {args.alarm_error_rate_min_requests}, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)",
                        "return_data": True,
                    },
                    {
                        "id": "requests",
                        "metric": {
                            "namespace": "AWS/ApplicationELB",
                            "metric_name": "RequestCount",
                            "stat": "Sum",
                            "period": 300,
                            "dimensions": {
                                "LoadBalancer": load_balancer["alb_arn_suffix"]
                            },
                        },
                    },
                    {
                        "id": "target_5xx",
                        "metric": {
                            "namespace": "AWS/ApplicationELB",
                            "metric_name": "HTTPCode_Target_5XX_Count",
                            "stat": "Sum",
                            "period": 300,
                            "dimensions": {
                                "LoadBalancer": load_balancer["alb_arn_suffix"],
                                "TargetGroup": load_balancer["target_group_arn_suffix"],
                            },
                        },
                    },
                    {
                        "id": "elb_5xx",
                        "metric": {
                            "namespace": "AWS/ApplicationELB",
                            "metric_name": "HTTPCode_ELB_5XX_Count",
                            "stat": "Sum",
                            "period": 300,
                            "dimensions": {
                                "LoadBalancer": load_balancer["alb_arn_suffix"]
                            },
                        },
                    },
                ],
                alarm_actions=[self.alarms_topic.arn],
                ok_actions=[self.alarms_topic.arn],
                tags={**tags, "Name": f"{name}-{service}-5xx-rate"},
                opts=child,
            )
        for service, load_balancer in args.load_balancers.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{service}-p99-latency",
                name=f"{name}-{service}-p99-latency",
                alarm_description=f"The 99th percentile response time of {service} was above {args.alarm_latency_p99_seconds:g} s in 3 of the last 5 minutes.",
                comparison_operator="GreaterThanThreshold",
                threshold=args.alarm_latency_p99_seconds,
                evaluation_periods=5,
                datapoints_to_alarm=3,
                treat_missing_data="notBreaching",
                namespace="AWS/ApplicationELB",
                metric_name="TargetResponseTime",
                extended_statistic="p99",
                period=60,
                dimensions={
                    "LoadBalancer": load_balancer["alb_arn_suffix"],
                    "TargetGroup": load_balancer["target_group_arn_suffix"],
                },
                evaluate_low_sample_count_percentiles="ignore",
                alarm_actions=[self.alarms_topic.arn],
                ok_actions=[self.alarms_topic.arn],
                tags={**tags, "Name": f"{name}-{service}-p99-latency"},
                opts=child,
            )
        for service, service_name in args.ecs_services.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{service}-cpu",
                name=f"{name}-{service}-cpu",
                alarm_description=f"Average CPU use of the tasks of {service} was above {args.alarm_cpu_percent}% for 15 minutes.",
                comparison_operator="GreaterThanThreshold",
                threshold=args.alarm_cpu_percent,
                evaluation_periods=3,
                datapoints_to_alarm=3,
                treat_missing_data="missing",
                namespace="AWS/ECS",
                metric_name="CPUUtilization",
                statistic="Average",
                period=300,
                dimensions={
                    "ClusterName": args.ecs_cluster_name,
                    "ServiceName": service_name,
                },
                alarm_actions=[self.alarms_topic.arn],
                ok_actions=[self.alarms_topic.arn],
                tags={**tags, "Name": f"{name}-{service}-cpu"},
                opts=child,
            )
        for service, service_name in args.ecs_services.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{service}-memory",
                name=f"{name}-{service}-memory",
                alarm_description=f"Average memory use of the tasks of {service} was above {args.alarm_memory_percent}% for 15 minutes.",
                comparison_operator="GreaterThanThreshold",
                threshold=args.alarm_memory_percent,
                evaluation_periods=3,
                datapoints_to_alarm=3,
                treat_missing_data="missing",
                namespace="AWS/ECS",
                metric_name="MemoryUtilization",
                statistic="Average",
                period=300,
                dimensions={
                    "ClusterName": args.ecs_cluster_name,
                    "ServiceName": service_name,
                },
                alarm_actions=[self.alarms_topic.arn],
                ok_actions=[self.alarms_topic.arn],
                tags={**tags, "Name": f"{name}-{service}-memory"},
                opts=child,
            )
        for pool, group_name in args.node_pools.items():
            aws.cloudwatch.MetricAlarm(
                f"{name}-{pool}-nodes-cpu",
                name=f"{name}-{pool}-nodes-cpu",
                alarm_description=pulumi.Output.concat(
                    f"Average CPU use of the nodes of pool {pool} (cluster ",
                    args.eks_cluster_name,
                    f") was above {args.alarm_cpu_percent}% for 15 minutes.",
                ),
                comparison_operator="GreaterThanThreshold",
                threshold=args.alarm_cpu_percent,
                evaluation_periods=3,
                datapoints_to_alarm=3,
                treat_missing_data="missing",
                namespace="AWS/EC2",
                metric_name="CPUUtilization",
                statistic="Average",
                period=300,
                dimensions={"AutoScalingGroupName": group_name},
                alarm_actions=[self.alarms_topic.arn],
                ok_actions=[self.alarms_topic.arn],
                tags={**tags, "Name": f"{name}-{pool}-nodes-cpu"},
                opts=child,
            )
        deployment_failed_rule = aws.cloudwatch.EventRule(
            f"{name}-deploy-failed",
            name=f"{name}-deploy-failed",
            description="ECS deployments of this environment's services that failed (rolled back by the circuit breaker)",
            event_pattern=pulumi.Output.json_dumps(
                {
                    "source": ["aws.ecs"],
                    "detail-type": ["ECS Deployment State Change"],
                    "resources": [
                        pulumi.Output.concat(
                            f"arn:{partition}:ecs:{args.region}:{account_id}:service/",
                            args.ecs_cluster_name,
                            "/",
                            service,
                        )
                        for service in args.ecs_services.values()
                    ],
                    "detail": {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]},
                }
            ),
            tags={**tags, "Name": f"{name}-deploy-failed"},
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-alarms",
            arn=self.alarms_topic.arn,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountManages",
                            "Effect": "Allow",
                            "Action": [
                                "sns:AddPermission",
                                "sns:DeleteTopic",
                                "sns:GetTopicAttributes",
                                "sns:ListSubscriptionsByTopic",
                                "sns:Publish",
                                "sns:RemovePermission",
                                "sns:SetTopicAttributes",
                                "sns:Subscribe",
                            ],
                            "Resource": self.alarms_topic.arn,
                            "Principal": {
                                "AWS": f"arn:{partition}:iam::{account_id}:root"
                            },
                        },
                        {
                            "Sid": "CloudWatchAlarmsPublish",
                            "Effect": "Allow",
                            "Action": "sns:Publish",
                            "Resource": self.alarms_topic.arn,
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": account_id},
                                "ArnLike": {
                                    "aws:SourceArn": f"arn:{partition}:cloudwatch:{args.region}:{account_id}:alarm:*"
                                },
                            },
                        },
                        {
                            "Sid": "EventBridgePublish",
                            "Effect": "Allow",
                            "Action": "sns:Publish",
                            "Resource": self.alarms_topic.arn,
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Condition": {
                                "ArnEquals": {
                                    "aws:SourceArn": deployment_failed_rule.arn
                                }
                            },
                        },
                    ],
                }
            ),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-deploy-failed",
            rule=deployment_failed_rule.name,
            target_id="alarm-topic",
            arn=self.alarms_topic.arn,
            opts=child,
        )
        # Services on dashboards of 50 each, sorted by name: CloudWatch accepts at most 500
        # widgets on a dashboard.
        service_dashboards = [
            sorted(args.ecs_services)[start : start + 50]
            for start in range(0, len(sorted(args.ecs_services)), 50)
        ]
        self.dashboard = aws.cloudwatch.Dashboard(
            name,
            dashboard_name=name,
            dashboard_body=pulumi.Output.json_dumps(
                {
                    "widgets": [
                        {
                            "type": "text",
                            "x": 0,
                            "y": 0,
                            "width": 24,
                            "height": 2,
                            "properties": {
                                "markdown": pulumi.Output.concat(
                                    f"# {name}\nAlarms notify the SNS topic `",
                                    self.alarms_topic.name,
                                    "`.",
                                )
                            },
                        },
                        {
                            "type": "text",
                            "x": 0,
                            "y": 2,
                            "width": 24,
                            "height": 3,
                            "properties": {
                                "markdown": pulumi.Output.concat(
                                    "## ECS services\nOne dashboard per 50 services, sorted by name: ",
                                    " · ".join(
                                        [
                                            f"[{services[0]} to {services[-1]}](#dashboards:name={name}-services-{n + 1})"
                                            for n, services in enumerate(
                                                service_dashboards
                                            )
                                        ]
                                    ),
                                )
                            },
                        },
                        *sum(
                            [
                                [
                                    {
                                        "type": "text",
                                        "x": 0,
                                        "y": 5 + 7 * i,
                                        "width": 24,
                                        "height": 1,
                                        "properties": {
                                            "markdown": pulumi.Output.concat(
                                                f"## EKS node pool {pool} (cluster ",
                                                args.eks_cluster_name,
                                                ")",
                                            )
                                        },
                                    },
                                    {
                                        "type": "metric",
                                        "x": 0,
                                        "y": 6 + 7 * i,
                                        "width": 12,
                                        "height": 6,
                                        "properties": {
                                            "title": "Node CPU utilization (%)",
                                            "region": args.region,
                                            "view": "timeSeries",
                                            "stacked": False,
                                            "period": 60,
                                            "metrics": [
                                                [
                                                    "AWS/EC2",
                                                    "CPUUtilization",
                                                    "AutoScalingGroupName",
                                                    args.node_pools[pool],
                                                    {"stat": "Average", "label": "CPU"},
                                                ]
                                            ],
                                            "annotations": {
                                                "horizontal": [
                                                    {
                                                        "label": "Alarm threshold",
                                                        "value": args.alarm_cpu_percent,
                                                    }
                                                ]
                                            },
                                            "yAxis": {"left": {"min": 0, "max": 100}},
                                        },
                                    },
                                    {
                                        "type": "metric",
                                        "x": 12,
                                        "y": 6 + 7 * i,
                                        "width": 12,
                                        "height": 6,
                                        "properties": {
                                            "title": "Node network (bytes)",
                                            "region": args.region,
                                            "view": "timeSeries",
                                            "stacked": False,
                                            "period": 60,
                                            "metrics": [
                                                [
                                                    "AWS/EC2",
                                                    "NetworkIn",
                                                    "AutoScalingGroupName",
                                                    args.node_pools[pool],
                                                    {"stat": "Sum", "label": "In"},
                                                ],
                                                [
                                                    "AWS/EC2",
                                                    "NetworkOut",
                                                    "AutoScalingGroupName",
                                                    args.node_pools[pool],
                                                    {"stat": "Sum", "label": "Out"},
                                                ],
                                            ],
                                        },
                                    },
                                ]
                                for i, pool in enumerate(sorted(args.node_pools))
                            ],
                            [],
                        ),
                    ]
                }
            ),
            opts=child,
        )
        for number, services in enumerate(service_dashboards, 1):
            aws.cloudwatch.Dashboard(
                f"{name}-services-{number}",
                dashboard_name=f"{name}-services-{number}",
                dashboard_body=pulumi.Output.json_dumps(
                    {
                        "widgets": [
                            {
                                "type": "text",
                                "x": 0,
                                "y": 0,
                                "width": 24,
                                "height": 2,
                                "properties": {
                                    "markdown": pulumi.Output.concat(
                                        f"# {name}: ECS services, dashboard {number}\nBack to the [overview](#dashboards:name={name}). Alarms notify the SNS topic `",
                                        self.alarms_topic.name,
                                        "`.",
                                    )
                                },
                            },
                            *sum(
                                [
                                    [
                                        {
                                            "type": "text",
                                            "x": 0,
                                            "y": 2 + 7 * i,
                                            "width": 24,
                                            "height": 1,
                                            "properties": {
                                                "markdown": f"## ECS service {service}"
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 0,
                                            "y": 3 + 7 * i,
                                            "width": 6,
                                            "height": 6,
                                            "properties": {
                                                "title": "Requests and 5xx responses",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ApplicationELB",
                                                        "RequestCount",
                                                        "LoadBalancer",
                                                        args.load_balancers[service][
                                                            "alb_arn_suffix"
                                                        ],
                                                        {
                                                            "stat": "Sum",
                                                            "label": "Requests",
                                                        },
                                                    ],
                                                    [
                                                        "AWS/ApplicationELB",
                                                        "HTTPCode_Target_5XX_Count",
                                                        "LoadBalancer",
                                                        args.load_balancers[service][
                                                            "alb_arn_suffix"
                                                        ],
                                                        "TargetGroup",
                                                        args.load_balancers[service][
                                                            "target_group_arn_suffix"
                                                        ],
                                                        {
                                                            "stat": "Sum",
                                                            "label": "Target 5xx",
                                                        },
                                                    ],
                                                    [
                                                        "AWS/ApplicationELB",
                                                        "HTTPCode_ELB_5XX_Count",
                                                        "LoadBalancer",
                                                        args.load_balancers[service][
                                                            "alb_arn_suffix"
                                                        ],
                                                        {
                                                            "stat": "Sum",
                                                            "label": "Load balancer 5xx",
                                                        },
                                                    ],
                                                ],
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 6,
                                            "y": 3 + 7 * i,
                                            "width": 6,
                                            "height": 6,
                                            "properties": {
                                                "title": "Target response time, p99 (s)",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ApplicationELB",
                                                        "TargetResponseTime",
                                                        "LoadBalancer",
                                                        args.load_balancers[service][
                                                            "alb_arn_suffix"
                                                        ],
                                                        "TargetGroup",
                                                        args.load_balancers[service][
                                                            "target_group_arn_suffix"
                                                        ],
                                                        {"stat": "p99", "label": "p99"},
                                                    ]
                                                ],
                                                "annotations": {
                                                    "horizontal": [
                                                        {
                                                            "label": "Alarm threshold",
                                                            "value": args.alarm_latency_p99_seconds,
                                                        }
                                                    ]
                                                },
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 12,
                                            "y": 3 + 7 * i,
                                            "width": 6,
                                            "height": 6,
                                            "properties": {
                                                "title": "CPU utilization (%)",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ECS",
                                                        "CPUUtilization",
                                                        "ClusterName",
                                                        args.ecs_cluster_name,
                                                        "ServiceName",
                                                        args.ecs_services[service],
                                                        {
                                                            "stat": "Average",
                                                            "label": "CPU",
                                                        },
                                                    ]
                                                ],
                                                "annotations": {
                                                    "horizontal": [
                                                        {
                                                            "label": "Alarm threshold",
                                                            "value": args.alarm_cpu_percent,
                                                        }
                                                    ]
                                                },
                                                "yAxis": {
                                                    "left": {"min": 0, "max": 100}
                                                },
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 18,
                                            "y": 3 + 7 * i,
                                            "width": 6,
                                            "height": 6,
                                            "properties": {
                                                "title": "Memory utilization (%)",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ECS",
                                                        "MemoryUtilization",
                                                        "ClusterName",
                                                        args.ecs_cluster_name,
                                                        "ServiceName",
                                                        args.ecs_services[service],
                                                        {
                                                            "stat": "Average",
                                                            "label": "Memory",
                                                        },
                                                    ]
                                                ],
                                                "annotations": {
                                                    "horizontal": [
                                                        {
                                                            "label": "Alarm threshold",
                                                            "value": args.alarm_memory_percent,
                                                        }
                                                    ]
                                                },
                                                "yAxis": {
                                                    "left": {"min": 0, "max": 100}
                                                },
                                            },
                                        },
                                    ]
                                    for i, service in enumerate(services)
                                    if service in args.load_balancers
                                ],
                                [],
                            ),
                            *sum(
                                [
                                    [
                                        {
                                            "type": "text",
                                            "x": 0,
                                            "y": 2 + 7 * i,
                                            "width": 24,
                                            "height": 1,
                                            "properties": {
                                                "markdown": f"## ECS service {service}"
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 0,
                                            "y": 3 + 7 * i,
                                            "width": 12,
                                            "height": 6,
                                            "properties": {
                                                "title": "CPU utilization (%)",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ECS",
                                                        "CPUUtilization",
                                                        "ClusterName",
                                                        args.ecs_cluster_name,
                                                        "ServiceName",
                                                        args.ecs_services[service],
                                                        {
                                                            "stat": "Average",
                                                            "label": "CPU",
                                                        },
                                                    ]
                                                ],
                                                "annotations": {
                                                    "horizontal": [
                                                        {
                                                            "label": "Alarm threshold",
                                                            "value": args.alarm_cpu_percent,
                                                        }
                                                    ]
                                                },
                                                "yAxis": {
                                                    "left": {"min": 0, "max": 100}
                                                },
                                            },
                                        },
                                        {
                                            "type": "metric",
                                            "x": 12,
                                            "y": 3 + 7 * i,
                                            "width": 12,
                                            "height": 6,
                                            "properties": {
                                                "title": "Memory utilization (%)",
                                                "region": args.region,
                                                "view": "timeSeries",
                                                "stacked": False,
                                                "period": 60,
                                                "metrics": [
                                                    [
                                                        "AWS/ECS",
                                                        "MemoryUtilization",
                                                        "ClusterName",
                                                        args.ecs_cluster_name,
                                                        "ServiceName",
                                                        args.ecs_services[service],
                                                        {
                                                            "stat": "Average",
                                                            "label": "Memory",
                                                        },
                                                    ]
                                                ],
                                                "annotations": {
                                                    "horizontal": [
                                                        {
                                                            "label": "Alarm threshold",
                                                            "value": args.alarm_memory_percent,
                                                        }
                                                    ]
                                                },
                                                "yAxis": {
                                                    "left": {"min": 0, "max": 100}
                                                },
                                            },
                                        },
                                    ]
                                    for i, service in enumerate(services)
                                    if service not in args.load_balancers
                                ],
                                [],
                            ),
                        ]
                    }
                ),
                opts=child,
            )
        self.register_outputs(
            {
                "alarm_topic_arn": self.alarms_topic.arn,
                "dashboard_name": self.dashboard.dashboard_name,
            }
        )
