"""The payments platform: one stack per environment, its settings in Pulumi.<env>.yaml."""

import pulumi

from components.network import Network, NetworkArgs

config = pulumi.Config()
environment = config.require("environment")
# Every physical name starts with <project>-<environment>.
name = f"{pulumi.get_project()}-{environment}"
tags: dict[str, str] = config.require_object("tags")
region = pulumi.Config("aws").require("region")

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
    ),
)

pulumi.export("vpc_id", network.vpc.id)
pulumi.export("vpc_cidr_block", network.vpc.cidr_block)
pulumi.export(
    "public_subnet_ids", {az: value.id for az, value in network.public_subnets.items()}
)
pulumi.export(
    "private_subnet_ids",
    {az: value.id for az, value in network.private_subnets.items()},
)
pulumi.export(
    "database_subnet_ids",
    {az: value.id for az, value in network.database_subnets.items()},
)
pulumi.export(
    "private_route_table_ids",
    {az: value.id for az, value in network.private_route_tables.items()},
)
pulumi.export(
    "nat_public_ips", {az: value.public_ip for az, value in network.nat_ips.items()}
)
pulumi.export("database_subnet_group_name", network.database_subnet_group.name)
pulumi.export("flow_log_group_name", network.flow_log_group.name)
pulumi.export("logs_kms_key_arn", network.logs_key.arn)
