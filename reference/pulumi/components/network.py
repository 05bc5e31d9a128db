"""The VPC: subnets per tier across availability zones, internet and NAT gateways,
route tables, VPC flow logs and VPC endpoints (the counterpart of the Terraform
module modules/network).
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class NetworkArgs:
    """Inputs of Network."""

    name: str
    tags: dict[str, str]
    region: str
    vpc_cidr: str
    azs: list[str]
    public_subnet_cidrs: dict[str, str]
    private_subnet_cidrs: dict[str, str]
    database_subnet_cidrs: dict[str, str]
    nat_mode: str
    flow_log_retention_days: int
    protect: bool


class Network(pulumi.ComponentResource):
    """The VPC: subnets per tier across availability zones, internet and NAT gateways,
    route tables, VPC flow logs and VPC endpoints.
    """

    def __init__(
        self,
        resource_name: str,
        args: NetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("iacgen:network:Network", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": f"{name}-vpc"},
            opts=child,
        )
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{name}-default"},
            opts=child,
        )
        self.public_subnets = {
            az: aws.ec2.Subnet(
                f"{name}-public-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags={
                    **tags,
                    "Name": f"{name}-public-{az}",
                    "Tier": "public",
                    "kubernetes.io/role/elb": "1",
                },
                opts=child,
            )
            for az, cidr in args.public_subnet_cidrs.items()
        }
        self.private_subnets = {
            az: aws.ec2.Subnet(
                f"{name}-private-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags={
                    **tags,
                    "Name": f"{name}-private-{az}",
                    "Tier": "private",
                    "kubernetes.io/role/internal-elb": "1",
                },
                opts=child,
            )
            for az, cidr in args.private_subnet_cidrs.items()
        }
        self.database_subnets = {
            az: aws.ec2.Subnet(
                f"{name}-database-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{name}-database-{az}", "Tier": "database"},
                opts=child,
            )
            for az, cidr in args.database_subnet_cidrs.items()
        }
        internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{name}-igw"},
            opts=child,
        )
        public_route_table = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{name}-public"},
            opts=child,
        )
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=internet_gateway.id,
            opts=child,
        )
        for az, subnet in self.public_subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{az}",
                subnet_id=subnet.id,
                route_table_id=public_route_table.id,
                opts=child,
            )
        # AZs that get a NAT gateway: every AZ, the first one, or none.
        nat_azs = [
            az
            for i, az in enumerate(args.azs)
            if args.nat_mode == "per_az" or args.nat_mode == "single" and i == 0
        ]
        self.nat_eips = {
            az: aws.ec2.Eip(
                f"{name}-nat-{az}",
                domain="vpc",
                tags={**tags, "Name": f"{name}-nat-{az}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[internet_gateway]),
            )
            for az in nat_azs
        }
        nat_gateways = {
            az: aws.ec2.NatGateway(
                f"{name}-nat-{az}",
                allocation_id=self.nat_eips[az].id,
                subnet_id=self.public_subnets[az].id,
                tags={**tags, "Name": f"{name}-nat-{az}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[internet_gateway]),
            )
            for az in nat_azs
        }
        self.private_route_tables = {
            az: aws.ec2.RouteTable(
                f"{name}-private-{az}",
                vpc_id=self.vpc.id,
                tags={**tags, "Name": f"{name}-private-{az}"},
                opts=child,
            )
            for az in args.private_subnet_cidrs
        }
        for az, subnet in self.private_subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}",
                subnet_id=subnet.id,
                route_table_id=self.private_route_tables[az].id,
                opts=child,
            )
        if args.nat_mode != "none":
            for az, cidr in args.private_subnet_cidrs.items():
                nat_az = az if args.nat_mode == "per_az" else args.azs[0]
                aws.ec2.Route(
                    f"{name}-private-nat-{az}",
                    route_table_id=self.private_route_tables[az].id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat_gateways[nat_az].id,
                    opts=child,
                )
        database_route_table = aws.ec2.RouteTable(
            f"{name}-database",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{name}-database"},
            opts=child,
        )
        for az, subnet in self.database_subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-database-{az}",
                subnet_id=subnet.id,
                route_table_id=database_route_table.id,
                opts=child,
            )
        self.database_subnet_group = aws.rds.SubnetGroup(
            f"{name}-database",
            name=f"{name}-database",
            description=f"Database subnets of {name}",
            subnet_ids=[subnet.id for subnet in self.database_subnets.values()],
            tags={**tags, "Name": f"{name}-database"},
            opts=child,
        )
        self.logs_key = aws.kms.Key(
            f"{name}-logs",
            description=f"VPC flow logs of {name}",
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
            tags={**tags, "Name": f"{name}-logs"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-logs",
            name=f"alias/{name}-logs",
            target_key_id=self.logs_key.key_id,
            opts=child,
        )
        self.flow_logs_log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=f"/aws/vpc/{name}/flow-logs",
            retention_in_days=args.flow_log_retention_days,
            kms_key_id=self.logs_key.arn,
            tags={**tags, "Name": f"{name}-flow-logs"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        flow_logs_role = aws.iam.Role(
            f"{name}-vpc-flow-logs",
            name=f"{name}-vpc-flow-logs",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": account_id}
                            },
                        }
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-vpc-flow-logs"},
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-write-flow-logs",
            name="write-flow-logs",
            role=flow_logs_role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:DescribeLogStreams",
                                "logs:PutLogEvents",
                            ],
                            "Resource": pulumi.Output.concat(
                                self.flow_logs_log_group.arn, ":*"
                            ),
                        }
                    ],
                }
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_logs_log_group.arn,
            iam_role_arn=flow_logs_role.arn,
            max_aggregation_interval=60,
            tags={**tags, "Name": f"{name}-flow-logs"},
            opts=child,
        )
        for service in ["s3"]:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[
                    *[table.id for table in self.private_route_tables.values()],
                    database_route_table.id,
                ],
                tags={**tags, "Name": f"{name}-{service}"},
                opts=child,
            )
        endpoints_security_group = aws.ec2.SecurityGroup(
            f"{name}-vpc-endpoints",
            name_prefix=f"{name}-vpc-endpoints-",
            description="HTTPS from inside the VPC to interface VPC endpoints",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{name}-vpc-endpoints"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-vpc-endpoints-https",
            security_group_id=endpoints_security_group.id,
            description="HTTPS from the VPC",
            cidr_ipv4=self.vpc.cidr_block,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            tags={**tags, "Name": f"{name}-vpc-endpoints-https"},
            opts=child,
        )
        for service in ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                subnet_ids=[subnet.id for subnet in self.private_subnets.values()],
                security_group_ids=[endpoints_security_group.id],
                private_dns_enabled=True,
                tags={**tags, "Name": f"{name}-{service}"},
                opts=child,
            )
        self.azs = args.azs
        self.public_subnet_ids = {
            az: subnet.id for az, subnet in self.public_subnets.items()
        }
        self.private_subnet_ids = {
            az: subnet.id for az, subnet in self.private_subnets.items()
        }
        self.database_subnet_ids = {
            az: subnet.id for az, subnet in self.database_subnets.items()
        }
        self.private_route_table_ids = {
            az: table.id for az, table in self.private_route_tables.items()
        }
        self.nat_public_ips = {az: eip.public_ip for az, eip in self.nat_eips.items()}
        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "vpc_cidr_block": self.vpc.cidr_block,
                "azs": self.azs,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "database_subnet_ids": self.database_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "nat_public_ips": self.nat_public_ips,
                "database_subnet_group_name": self.database_subnet_group.name,
                "flow_log_group_name": self.flow_logs_log_group.name,
                "logs_kms_key_arn": self.logs_key.arn,
            }
        )
