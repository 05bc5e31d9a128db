//! `modules/network`: VPC, subnets per tier, gateways, routes, flow logs, endpoints.

use super::common::{assume_role_policy, https_from_vpc, kms_key_for_logs, name_tags};
use super::interface::{Output, Variable};
use super::module::{Input, Module};
use crate::hcl::{Body, Expr, block, data, ex, list, num, obj, resource, s, strings};
use crate::model::{Network, Platform, Tier, cidr, regions};
use std::collections::BTreeMap;

/// Gateway endpoints; every other service name gets an interface endpoint.
const GATEWAY_SERVICES: [&str; 2] = ["dynamodb", "s3"];

/// Builds the network module for `platform` (which must have a `network` section).
pub fn module(platform: &Platform, network: &Network) -> Module {
    let tiers: Vec<Tier> = network.subnets.keys().copied().collect();
    let has = |t: Tier| tiers.contains(&t);
    let nat = has(Tier::Public) && has(Tier::Private);

    let mut main = Body::new();
    if network.flow_logs.enabled {
        main = main
            .block(data("aws_caller_identity", "current", Body::new()))
            .block(data("aws_partition", "current", Body::new()));
    }
    main = main
        .block(data("aws_region", "current", Body::new()))
        .block(vpc(network.flow_logs.enabled))
        .block(default_security_group());
    for &tier in &tiers {
        main = main.block(subnets(tier, platform.eks.is_some()));
    }
    if has(Tier::Public) {
        main = main.extend(public_routing());
    }
    if nat {
        main = main.extend(nat_gateways());
    }
    for &tier in &tiers {
        if tier != Tier::Public {
            main = main.extend(private_routing(tier, nat));
        }
    }
    if has(Tier::Database) {
        main = main.block(db_subnet_group());
    }
    if network.flow_logs.enabled {
        main = main.extend(flow_logs(&flow_log_retention(platform, network)));
    }
    main = main.extend(endpoints(&network.endpoints, &tiers));

    Module {
        dir: "network".to_string(),
        name: "network".to_string(),
        var_prefix: String::new(),
        summary: "The VPC: subnets per tier across availability zones, internet and NAT \
                  gateways, route tables, VPC flow logs and VPC endpoints."
            .to_string(),
        main,
        inputs: inputs(platform, network, nat),
        outputs: outputs(network, &tiers),
    }
}

fn vpc(flow_logs: bool) -> crate::hcl::Block {
    let mut body = Body::new();
    if !flow_logs {
        body = body.comment(
            "checkov:skip=CKV2_AWS_11:Flow logs are switched off in the spec (network.flow_logs.enabled: false).",
        );
    }
    resource(
        "aws_vpc",
        "this",
        body.attr("cidr_block", ex("var.vpc_cidr"))
            .attr("enable_dns_support", true)
            .attr("enable_dns_hostnames", true)
            .blank()
            .attr("tags", name_tags("${var.name}-vpc")),
    )
}

/// Takes over the VPC's default security group and leaves it without rules, so nothing can
/// use it by accident.
fn default_security_group() -> crate::hcl::Block {
    resource(
        "aws_default_security_group",
        "this",
        Body::new()
            .attr("vpc_id", ex("aws_vpc.this.id"))
            .blank()
            .attr("tags", name_tags("${var.name}-default")),
    )
}

fn subnets(tier: Tier, eks: bool) -> crate::hcl::Block {
    let t = tier.name();
    let mut tags = vec![
        (
            "Name".to_string(),
            ex(&format!("\"${{var.name}}-{t}-${{each.key}}\"")),
        ),
        ("Tier".to_string(), s(t)),
    ];
    // The AWS load balancer controller finds subnets for load balancers by these tags.
    if eks && tier == Tier::Public {
        tags.push(("kubernetes.io/role/elb".to_string(), s("1")));
    }
    if eks && tier == Tier::Private {
        tags.push(("kubernetes.io/role/internal-elb".to_string(), s("1")));
    }
    let tags = Expr::FuncCall(Box::new(
        hcl::expr::FuncCall::builder("merge")
            .arg(ex("var.tags"))
            .arg(obj(tags))
            .build(),
    ));
    resource(
        "aws_subnet",
        t,
        Body::new()
            .attr("for_each", ex(&format!("var.{t}_subnet_cidrs")))
            .blank()
            .attr("vpc_id", ex("aws_vpc.this.id"))
            .attr("cidr_block", ex("each.value"))
            .attr("availability_zone", ex("each.key"))
            .attr("map_public_ip_on_launch", false)
            .blank()
            .attr("tags", tags),
    )
}

fn public_routing() -> Body {
    Body::new()
        .block(resource(
            "aws_internet_gateway",
            "this",
            Body::new()
                .attr("vpc_id", ex("aws_vpc.this.id"))
                .blank()
                .attr("tags", name_tags("${var.name}-igw")),
        ))
        .block(resource(
            "aws_route_table",
            "public",
            Body::new()
                .attr("vpc_id", ex("aws_vpc.this.id"))
                .blank()
                .attr("tags", name_tags("${var.name}-public")),
        ))
        .block(resource(
            "aws_route",
            "public_internet",
            Body::new()
                .attr("route_table_id", ex("aws_route_table.public.id"))
                .attr("destination_cidr_block", s("0.0.0.0/0"))
                .attr("gateway_id", ex("aws_internet_gateway.this.id")),
        ))
        .block(association("public", "aws_route_table.public.id"))
}

fn association(tier: &str, route_table: &str) -> crate::hcl::Block {
    resource(
        "aws_route_table_association",
        tier,
        Body::new()
            .attr("for_each", ex(&format!("aws_subnet.{tier}")))
            .blank()
            .attr("subnet_id", ex("each.value.id"))
            .attr("route_table_id", ex(route_table)),
    )
}

/// NAT gateways keyed by AZ: one per AZ, one in the first AZ, or none, per environment.
fn nat_gateways() -> Body {
    Body::new()
        .block(block(
            "locals",
            &[],
            Body::new()
                .comment("AZs that get a NAT gateway: every AZ, the first one, or none.")
                .attr(
                    "nat_azs",
                    ex(r#"toset([for i, az in var.azs : az if var.nat_mode == "per_az" || (var.nat_mode == "single" && i == 0)])"#),
                ),
        ))
        .block(resource(
            "aws_eip",
            "nat",
            Body::new()
                .attr("for_each", ex("local.nat_azs"))
                .blank()
                .attr("domain", s("vpc"))
                .blank()
                .attr("tags", name_tags("${var.name}-nat-${each.key}"))
                .blank()
                .attr("depends_on", ex("[aws_internet_gateway.this]")),
        ))
        .block(resource(
            "aws_nat_gateway",
            "this",
            Body::new()
                .attr("for_each", ex("local.nat_azs"))
                .blank()
                .attr("allocation_id", ex("aws_eip.nat[each.key].id"))
                .attr("subnet_id", ex("aws_subnet.public[each.key].id"))
                .blank()
                .attr("tags", name_tags("${var.name}-nat-${each.key}"))
                .blank()
                .attr("depends_on", ex("[aws_internet_gateway.this]")),
        ))
}

/// Route tables for a non-public tier. Private subnets get one route table per AZ whatever the
/// NAT mode, so switching an environment between `single` and `per_az` only changes routes.
fn private_routing(tier: Tier, nat: bool) -> Body {
    let t = tier.name();
    if tier == Tier::Private {
        let mut body = Body::new()
            .block(resource(
                "aws_route_table",
                "private",
                Body::new()
                    .attr("for_each", ex("var.private_subnet_cidrs"))
                    .blank()
                    .attr("vpc_id", ex("aws_vpc.this.id"))
                    .blank()
                    .attr("tags", name_tags("${var.name}-private-${each.key}")),
            ))
            .block(association(
                "private",
                "aws_route_table.private[each.key].id",
            ));
        if nat {
            body = body.block(resource(
                "aws_route",
                "private_nat",
                Body::new()
                    .attr(
                        "for_each",
                        ex(r#"{ for az, cidr in var.private_subnet_cidrs : az => cidr if var.nat_mode != "none" }"#),
                    )
                    .blank()
                    .attr("route_table_id", ex("aws_route_table.private[each.key].id"))
                    .attr("destination_cidr_block", s("0.0.0.0/0"))
                    .attr(
                        "nat_gateway_id",
                        ex(r#"aws_nat_gateway.this[var.nat_mode == "per_az" ? each.key : var.azs[0]].id"#),
                    ),
            ));
        }
        return body;
    }
    // Database and intra subnets have no route to the internet: one local-only table per tier.
    Body::new()
        .block(resource(
            "aws_route_table",
            t,
            Body::new()
                .attr("vpc_id", ex("aws_vpc.this.id"))
                .blank()
                .attr("tags", name_tags(&format!("${{var.name}}-{t}"))),
        ))
        .block(association(t, &format!("aws_route_table.{t}.id")))
}

fn db_subnet_group() -> crate::hcl::Block {
    resource(
        "aws_db_subnet_group",
        "database",
        Body::new()
            .attr("name", ex(r#""${var.name}-database""#))
            .attr("description", ex(r#""Database subnets of ${var.name}""#))
            .attr(
                "subnet_ids",
                ex("[for subnet in aws_subnet.database : subnet.id]"),
            )
            .blank()
            .attr("tags", name_tags("${var.name}-database")),
    )
}

/// Flow log retention per environment: the network's own, else the observability default.
fn flow_log_retention(platform: &Platform, network: &Network) -> Vec<(String, u32)> {
    platform
        .env_names()
        .map(|e| {
            let days = network
                .flow_logs
                .retention_days
                .as_ref()
                .and_then(|r| r.get(e))
                .or(platform.observability.log_retention_days.get(e))
                .copied()
                .unwrap_or(365);
            (e.to_string(), days)
        })
        .collect()
}

fn flow_logs(retention: &[(String, u32)]) -> Body {
    let mut log_group = Body::new();
    if let Some(skip) = super::common::short_retention_skip(retention) {
        log_group = log_group.comment(&skip);
    }
    Body::new()
        .extend(kms_key_for_logs(
            "logs",
            "${var.name}-logs",
            "VPC flow logs of ${var.name}",
        ))
        .block(resource(
            "aws_cloudwatch_log_group",
            "flow_logs",
            log_group
                .attr("name", ex(r#""/aws/vpc/${var.name}/flow-logs""#))
                .attr("retention_in_days", ex("var.flow_log_retention_days"))
                .attr("kms_key_id", ex("aws_kms_key.logs.arn"))
                .blank()
                .attr("tags", name_tags("${var.name}-flow-logs")),
        ))
        .block(assume_role_policy(
            "flow_logs_assume",
            "vpc-flow-logs.amazonaws.com",
            true,
        ))
        .block(resource(
            "aws_iam_role",
            "flow_logs",
            Body::new()
                .attr("name", ex(r#""${var.name}-vpc-flow-logs""#))
                .attr(
                    "assume_role_policy",
                    ex("data.aws_iam_policy_document.flow_logs_assume.json"),
                )
                .blank()
                .attr("tags", name_tags("${var.name}-vpc-flow-logs")),
        ))
        .block(data(
            "aws_iam_policy_document",
            "flow_logs",
            Body::new().block(block(
                "statement",
                &[],
                Body::new()
                    .attr(
                        "actions",
                        strings([
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ]),
                    )
                    .attr(
                        "resources",
                        ex(r#"["${aws_cloudwatch_log_group.flow_logs.arn}:*"]"#),
                    ),
            )),
        ))
        .block(resource(
            "aws_iam_role_policy",
            "flow_logs",
            Body::new()
                .attr("name", s("write-flow-logs"))
                .attr("role", ex("aws_iam_role.flow_logs.id"))
                .attr("policy", ex("data.aws_iam_policy_document.flow_logs.json")),
        ))
        .block(resource(
            "aws_flow_log",
            "this",
            Body::new()
                .attr("vpc_id", ex("aws_vpc.this.id"))
                .attr("traffic_type", s("ALL"))
                .attr("log_destination_type", s("cloud-watch-logs"))
                .attr(
                    "log_destination",
                    ex("aws_cloudwatch_log_group.flow_logs.arn"),
                )
                .attr("iam_role_arn", ex("aws_iam_role.flow_logs.arn"))
                .attr("max_aggregation_interval", num(60))
                .blank()
                .attr("tags", name_tags("${var.name}-flow-logs")),
        ))
}

fn endpoints(services: &[String], tiers: &[Tier]) -> Body {
    let (gateway, interface): (Vec<&String>, Vec<&String>) = services
        .iter()
        .partition(|svc| GATEWAY_SERVICES.contains(&svc.as_str()));
    let mut body = Body::new();
    if !gateway.is_empty() {
        // Gateway endpoints attach to every route table that is not public.
        let tables: Vec<Expr> = tiers
            .iter()
            .filter(|t| **t != Tier::Public)
            .map(|t| match t {
                Tier::Private => ex("[for table in aws_route_table.private : table.id]"),
                other => ex(&format!("[aws_route_table.{}.id]", other.name())),
            })
            .collect();
        let route_table_ids = if tables.len() == 1 {
            tables.into_iter().fold(list(Vec::<Expr>::new()), |_, t| t)
        } else {
            Expr::FuncCall(Box::new(
                tables
                    .into_iter()
                    .fold(hcl::expr::FuncCall::builder("concat"), |b, t| b.arg(t))
                    .build(),
            ))
        };
        body = body.block(resource(
            "aws_vpc_endpoint",
            "gateway",
            Body::new()
                .attr(
                    "for_each",
                    ex(&format!(
                        "toset({})",
                        crate::hcl::print_expr(&strings(gateway.iter().map(|s| s.as_str())))
                    )),
                )
                .blank()
                .attr("vpc_id", ex("aws_vpc.this.id"))
                .attr(
                    "service_name",
                    ex(r#""com.amazonaws.${data.aws_region.current.region}.${each.key}""#),
                )
                .attr("vpc_endpoint_type", s("Gateway"))
                .attr("route_table_ids", route_table_ids)
                .blank()
                .attr("tags", name_tags("${var.name}-${each.key}")),
        ));
    }
    if !interface.is_empty() {
        let subnet_tier = if tiers.contains(&Tier::Private) {
            "private"
        } else {
            "intra"
        };
        body = body
            .extend(https_from_vpc(
                "endpoints",
                "${var.name}-vpc-endpoints",
                "HTTPS from inside the VPC to interface VPC endpoints",
                "aws_vpc.this.id",
                "aws_vpc.this.cidr_block",
                "HTTPS from the VPC",
            ))
            .block(resource(
                "aws_vpc_endpoint",
                "interface",
                Body::new()
                    .attr(
                        "for_each",
                        ex(&format!(
                            "toset({})",
                            crate::hcl::print_expr(&strings(interface.iter().map(|s| s.as_str())))
                        )),
                    )
                    .blank()
                    .attr("vpc_id", ex("aws_vpc.this.id"))
                    .attr(
                        "service_name",
                        ex(r#""com.amazonaws.${data.aws_region.current.region}.${each.key}""#),
                    )
                    .attr("vpc_endpoint_type", s("Interface"))
                    .attr(
                        "subnet_ids",
                        ex(&format!(
                            "[for subnet in aws_subnet.{subnet_tier} : subnet.id]"
                        )),
                    )
                    .attr(
                        "security_group_ids",
                        ex("[aws_security_group.endpoints.id]"),
                    )
                    .attr("private_dns_enabled", true)
                    .blank()
                    .attr("tags", name_tags("${var.name}-${each.key}")),
            ));
    }
    body
}

fn inputs(platform: &Platform, network: &Network, nat: bool) -> Vec<Input> {
    let envs: Vec<&str> = platform.env_names().collect();
    let per_env = |f: &dyn Fn(&str) -> Expr| -> BTreeMap<String, Expr> {
        envs.iter().map(|e| (e.to_string(), f(e))).collect()
    };
    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            Variable::new("vpc_cidr", "string", "IPv4 CIDR block of the VPC (/16 to /24).")
                .check("can(cidrhost(var.vpc_cidr, 0)) && tonumber(split(\"/\", var.vpc_cidr)[1]) >= 16 && tonumber(split(\"/\", var.vpc_cidr)[1]) <= 24", "vpc_cidr must be an IPv4 CIDR block with a prefix from /16 to /24."),
            per_env(&|e| s(network.cidr.get(e).map(|c| c.to_string()).unwrap_or_default())),
        ),
        Input::setting(
            Variable::new("azs", "list(string)", "Availability zones, in order; subnets are keyed by AZ name.")
                .check("length(var.azs) >= 1 && length(var.azs) <= 6", "Give from 1 to 6 availability zones."),
            per_env(&|e| {
                let region = platform.region.get(e).cloned().unwrap_or_default();
                strings(regions::azs(network, &region, e))
            }),
        ),
    ];
    for &tier in network.subnets.keys() {
        let t = tier.name();
        inputs.push(Input::setting(
            Variable::new(
                &format!("{t}_subnet_cidrs"),
                "map(string)",
                &format!("CIDR block of the {t} subnet in each AZ (AZ name => CIDR)."),
            )
            .check(
                &format!(
                    "alltrue([for cidr in values(var.{t}_subnet_cidrs) : can(cidrhost(cidr, 0))])"
                ),
                &format!("Every {t} subnet CIDR must be a valid IPv4 CIDR block."),
            ),
            per_env(&|e| {
                let azs = regions::azs(
                    network,
                    &platform.region.get(e).cloned().unwrap_or_default(),
                    e,
                );
                let cidrs = cidr::subnet_cidrs(network, e, azs.len()).unwrap_or_default();
                let list = cidrs.get(&tier).cloned().unwrap_or_default();
                obj(azs
                    .iter()
                    .zip(list)
                    .map(|(az, c)| (az.clone(), s(c.to_string()))))
            }),
        ));
    }
    if nat {
        inputs.push(Input::setting(
            Variable::new("nat_mode", "string", "NAT gateways for private subnets: `none`, `single` (one, in the first AZ) or `per_az` (one per AZ, no cross-AZ dependency).")
                .check(r#"contains(["none", "single", "per_az"], var.nat_mode)"#, "nat_mode must be one of: none, single, per_az."),
            per_env(&|e| s(network.nat.get(e).map(|n| n.name()).unwrap_or("per_az"))),
        ));
    }
    if network.flow_logs.enabled {
        inputs.push(Input::setting(
            super::common::retention_variable(
                "flow_log_retention_days",
                "Days to keep VPC flow logs",
            ),
            flow_log_retention(platform, network)
                .into_iter()
                .map(|(env, days)| (env, num(i64::from(days))))
                .collect(),
        ));
    }
    inputs
}

fn outputs(network: &Network, tiers: &[Tier]) -> Vec<Output> {
    let mut outputs = vec![
        Output::new("vpc_id", "ID of the VPC.", ex("aws_vpc.this.id")),
        Output::new(
            "vpc_cidr_block",
            "IPv4 CIDR block of the VPC.",
            ex("aws_vpc.this.cidr_block"),
        ),
        Output::new(
            "azs",
            "Availability zones the subnets are in.",
            ex("var.azs"),
        ),
    ];
    for tier in tiers {
        let t = tier.name();
        outputs.push(Output::new(
            &format!("{t}_subnet_ids"),
            &format!("IDs of the {t} subnets, by AZ."),
            ex(&format!(
                "{{ for az, subnet in aws_subnet.{t} : az => subnet.id }}"
            )),
        ));
    }
    if tiers.contains(&Tier::Private) {
        outputs.push(Output::new(
            "private_route_table_ids",
            "IDs of the private route tables, by AZ.",
            ex("{ for az, table in aws_route_table.private : az => table.id }"),
        ));
    }
    if tiers.contains(&Tier::Public) && tiers.contains(&Tier::Private) {
        outputs.push(Output::new(
            "nat_public_ips",
            "Public IPs of the NAT gateways, by AZ (egress addresses to allow-list elsewhere).",
            ex("{ for az, eip in aws_eip.nat : az => eip.public_ip }"),
        ));
    }
    if tiers.contains(&Tier::Database) {
        outputs.push(Output::new(
            "database_subnet_group_name",
            "Name of the DB subnet group of the database subnets.",
            ex("aws_db_subnet_group.database.name"),
        ));
    }
    if network.flow_logs.enabled {
        outputs.push(Output::new(
            "flow_log_group_name",
            "CloudWatch log group that receives the VPC flow logs.",
            ex("aws_cloudwatch_log_group.flow_logs.name"),
        ));
        outputs.push(Output::new(
            "logs_kms_key_arn",
            "ARN of the KMS key that encrypts the network's log groups.",
            ex("aws_kms_key.logs.arn"),
        ));
    }
    outputs
}
