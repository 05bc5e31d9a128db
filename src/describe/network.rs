//! `network`: VPC, subnets per tier, gateways, routes, flow logs, endpoints.

use super::{
    Check, Component, Expr, Fact, Input, Item, Keys, Op, Output, Policy, Resource, Statement, Type,
    Value, bin, cond, index, input, kms, local, policy, res, s, strs, tpl,
};
use crate::model::{Network, Platform, Tier, cidr, regions};

/// Gateway endpoints; every other service name gets an interface endpoint.
const GATEWAY_SERVICES: [&str; 2] = ["dynamodb", "s3"];

/// Describes the network of `platform` (which must have a `network` section).
pub fn component(platform: &Platform, network: &Network) -> Component {
    let tiers: Vec<Tier> = network.subnets.keys().copied().collect();
    let has = |t: Tier| tiers.contains(&t);
    let nat = has(Tier::Public) && has(Tier::Private);
    let flow_logs = network.flow_logs.enabled;

    let vpc = res("aws_vpc", "this");
    let mut vpc_resource = Resource::new("aws_vpc", "this", tpl("{name}-vpc"));
    if !flow_logs {
        vpc_resource = vpc_resource.note(
            "checkov:skip=CKV2_AWS_11:Flow logs are switched off in the spec \
             (network.flow_logs.enabled: false)."
                .to_string(),
        );
    }
    let mut items = vec![
        vpc_resource
            .arg("cidr_block", input("vpc_cidr"))
            .arg("enable_dns_support", Expr::Bool(true))
            .arg("enable_dns_hostnames", Expr::Bool(true)),
        // Takes over the VPC's default security group and leaves it without rules, so
        // nothing can use it by accident.
        Resource::new("aws_default_security_group", "this", tpl("{name}-default"))
            .arg("vpc_id", vpc.attr("id")),
    ]
    .into_iter()
    .map(Item::Resource)
    .collect::<Vec<_>>();
    for &tier in &tiers {
        items.push(Item::Resource(subnets(tier, platform.eks.is_some())));
    }
    if has(Tier::Public) {
        items.extend(public_routing());
    }
    if nat {
        items.extend(nat_gateways());
    }
    for &tier in &tiers {
        if tier != Tier::Public {
            items.extend(private_routing(tier, nat));
        }
    }
    if has(Tier::Database) {
        items.push(Item::Resource(
            Resource::new("aws_db_subnet_group", "database", tpl("{name}-database"))
                .arg("name", tpl("{name}-database"))
                .arg("description", tpl("Database subnets of {name}"))
                .arg(
                    "subnet_ids",
                    Expr::Values {
                        res: res("aws_subnet", "database"),
                        var: "subnet",
                        attr: "id".to_string(),
                    },
                ),
        ));
    }
    if flow_logs {
        items.extend(flow_log_items(platform, network));
    }
    items.extend(endpoints(&network.endpoints, &tiers));

    let mut facts = Vec::new();
    if flow_logs {
        facts.extend([Fact::AccountId, Fact::Partition]);
    }
    facts.push(Fact::Region);
    Component {
        module: "network".to_string(),
        instance: "network".to_string(),
        class: "Network".to_string(),
        summary: "The VPC: subnets per tier across availability zones, internet and NAT \
                  gateways, route tables, VPC flow logs and VPC endpoints."
            .to_string(),
        facts,
        items,
        inputs: inputs(platform, network, nat),
        outputs: outputs(network, &tiers),
    }
}

fn subnets(tier: Tier, eks: bool) -> Resource {
    let t = tier.name();
    let mut extra = vec![("Tier", t)];
    // The AWS load balancer controller finds subnets for load balancers by these tags.
    if eks && tier == Tier::Public {
        extra.push(("kubernetes.io/role/elb", "1"));
    }
    if eks && tier == Tier::Private {
        extra.push(("kubernetes.io/role/internal-elb", "1"));
    }
    Resource::new("aws_subnet", t, tpl(&format!("{{name}}-{t}-{{key}}")))
        .keyed(Keys::map(input(&format!("{t}_subnet_cidrs")), "az", "cidr"))
        .arg("vpc_id", res("aws_vpc", "this").attr("id"))
        .arg("cidr_block", Expr::Value)
        .arg("availability_zone", Expr::Key)
        .arg("map_public_ip_on_launch", Expr::Bool(false))
        .tags(extra)
}

/// Associates every subnet of `tier` with `table`.
fn association(tier: &str, table: Expr) -> Item {
    Item::Resource(
        Resource::new(
            "aws_route_table_association",
            tier,
            tpl(&format!("{{name}}-{tier}-{{key}}")),
        )
        .keyed(Keys::map(
            Expr::All(res("aws_subnet", tier)),
            "az",
            "subnet",
        ))
        .arg("subnet_id", Expr::Value.attr("id"))
        .arg("route_table_id", table)
        .untagged(),
    )
}

fn public_routing() -> Vec<Item> {
    let vpc_id = res("aws_vpc", "this").attr("id");
    vec![
        Item::Resource(
            Resource::new("aws_internet_gateway", "this", tpl("{name}-igw"))
                .arg("vpc_id", vpc_id.clone()),
        ),
        Item::Resource(
            Resource::new("aws_route_table", "public", tpl("{name}-public")).arg("vpc_id", vpc_id),
        ),
        Item::Resource(
            Resource::new(
                "aws_route",
                "public_internet",
                tpl("{name}-public-internet"),
            )
            .arg(
                "route_table_id",
                res("aws_route_table", "public").attr("id"),
            )
            .arg("destination_cidr_block", s("0.0.0.0/0"))
            .arg("gateway_id", res("aws_internet_gateway", "this").attr("id"))
            .untagged(),
        ),
        association("public", res("aws_route_table", "public").attr("id")),
    ]
}

/// NAT gateways keyed by AZ: one per AZ, one in the first AZ, or none, per environment.
fn nat_gateways() -> Vec<Item> {
    let mode_is = |m: &str| bin(input("nat_mode"), Op::Eq, s(m));
    let nat_azs = Expr::ToSet(Box::new(Expr::ForList(Box::new(super::ForList {
        over: input("azs"),
        index: Some("i"),
        var: "az",
        elt: Expr::Var("az"),
        filter: Some(bin(
            mode_is("per_az"),
            Op::Or,
            bin(
                mode_is("single"),
                Op::And,
                bin(Expr::Var("i"), Op::Eq, Expr::Int(0)),
            ),
        )),
    }))));
    let igw = res("aws_internet_gateway", "this");
    vec![
        Item::Local(super::Local {
            name: "nat_azs".to_string(),
            comment: Some(
                "AZs that get a NAT gateway: every AZ, the first one, or none.".to_string(),
            ),
            value: nat_azs,
        }),
        Item::Resource(
            Resource::new("aws_eip", "nat", tpl("{name}-nat-{key}"))
                .keyed(Keys::set(local("nat_azs"), "az"))
                .arg("domain", s("vpc"))
                .after(igw.clone()),
        ),
        Item::Resource(
            Resource::new("aws_nat_gateway", "this", tpl("{name}-nat-{key}"))
                .keyed(Keys::set(local("nat_azs"), "az"))
                .arg("allocation_id", res("aws_eip", "nat").at(Expr::Key, "id"))
                .arg("subnet_id", res("aws_subnet", "public").at(Expr::Key, "id"))
                .after(igw),
        ),
    ]
}

/// Route tables for a non-public tier. Private subnets get one route table per AZ whatever the
/// NAT mode, so switching an environment between `single` and `per_az` only changes routes.
fn private_routing(tier: Tier, nat: bool) -> Vec<Item> {
    let t = tier.name();
    let vpc_id = res("aws_vpc", "this").attr("id");
    let tables = res("aws_route_table", t);
    if tier == Tier::Private {
        let mut items = vec![
            Item::Resource(
                Resource::new("aws_route_table", "private", tpl("{name}-private-{key}"))
                    .keyed(Keys::set(input("private_subnet_cidrs"), "az"))
                    .arg("vpc_id", vpc_id),
            ),
            association("private", tables.at(Expr::Key, "id")),
        ];
        if nat {
            let nat_az = cond(
                bin(input("nat_mode"), Op::Eq, s("per_az")),
                Expr::Key,
                index(input("azs"), Expr::Int(0)),
            );
            items.push(Item::Resource(
                Resource::new("aws_route", "private_nat", tpl("{name}-private-nat-{key}"))
                    .keyed(
                        Keys::map(input("private_subnet_cidrs"), "az", "cidr").only(bin(
                            input("nat_mode"),
                            Op::NotEq,
                            s("none"),
                        )),
                    )
                    .arg("route_table_id", tables.at(Expr::Key, "id"))
                    .arg("destination_cidr_block", s("0.0.0.0/0"))
                    .let_("nat_az", nat_az)
                    .arg(
                        "nat_gateway_id",
                        res("aws_nat_gateway", "this").at(Expr::Var("nat_az"), "id"),
                    )
                    .untagged(),
            ));
        }
        return items;
    }
    // Database and intra subnets have no route to the internet: one local-only table per tier.
    vec![
        Item::Resource(
            Resource::new("aws_route_table", t, tpl(&format!("{{name}}-{t}")))
                .arg("vpc_id", vpc_id),
        ),
        association(t, tables.attr("id")),
    ]
}

fn flow_log_items(platform: &Platform, network: &Network) -> Vec<Item> {
    let mut items = kms::logs_key("logs", tpl("{name}-logs"), tpl("VPC flow logs of {name}"));
    let group = res("aws_cloudwatch_log_group", "flow_logs");
    let role = res("aws_iam_role", "flow_logs");
    let assume = super::assume_role("flow_logs_assume", "vpc-flow-logs.amazonaws.com", true);
    let write = Policy {
        id: "flow_logs".to_string(),
        notes: Vec::new(),
        statements: vec![Statement {
            sid: None,
            actions: vec![
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
            ],
            resources: vec![Expr::Tmpl(vec![
                super::Part::Expr(group.attr("arn")),
                super::Part::Lit(":*".to_string()),
            ])],
            principals: None,
            conditions: Vec::new(),
            deny: false,
        }],
    };
    let mut log_group = Resource::new(
        "aws_cloudwatch_log_group",
        "flow_logs",
        tpl("{name}-flow-logs"),
    );
    let retention: Vec<(String, u32)> = platform
        .env_names()
        .map(|e| (e.to_string(), flow_log_retention(platform, network, e)))
        .collect();
    if let Some(note) = super::short_retention_note(&retention) {
        log_group = log_group.note(note);
    }
    items.extend(
        [
            log_group
                .arg("name", tpl("/aws/vpc/{name}/flow-logs"))
                .arg("retention_in_days", input("flow_log_retention_days"))
                .arg("kms_key_id", res("aws_kms_key", "logs").attr("arn")),
            Resource::new("aws_iam_role", "flow_logs", tpl("{name}-vpc-flow-logs"))
                .arg("name", tpl("{name}-vpc-flow-logs"))
                .arg("assume_role_policy", policy(assume)),
            Resource::new(
                "aws_iam_role_policy",
                "flow_logs",
                tpl("{name}-write-flow-logs"),
            )
            .arg("name", s("write-flow-logs"))
            .arg("role", role.attr("id"))
            .arg("policy", policy(write))
            .untagged(),
            Resource::new("aws_flow_log", "this", tpl("{name}-flow-logs"))
                .arg("vpc_id", res("aws_vpc", "this").attr("id"))
                .arg("traffic_type", s("ALL"))
                .arg("log_destination_type", s("cloud-watch-logs"))
                .arg("log_destination", group.attr("arn"))
                .arg("iam_role_arn", role.attr("arn"))
                .arg("max_aggregation_interval", Expr::Int(60)),
        ]
        .map(Item::Resource),
    );
    items
}

fn endpoints(services: &[String], tiers: &[Tier]) -> Vec<Item> {
    let (gateway, interface): (Vec<&String>, Vec<&String>) = services
        .iter()
        .partition(|svc| GATEWAY_SERVICES.contains(&svc.as_str()));
    let vpc = res("aws_vpc", "this");
    let endpoint = |kind: &str, services: &[&String]| {
        Resource::new(
            "aws_vpc_endpoint",
            &kind.to_lowercase(),
            tpl("{name}-{key}"),
        )
        .keyed(Keys::set(
            Expr::ToSet(Box::new(strs(services.iter().map(|s| s.as_str())))),
            "service",
        ))
        .arg("vpc_id", vpc.attr("id"))
        .arg("service_name", tpl("com.amazonaws.{region}.{key}"))
        .arg("vpc_endpoint_type", s(kind))
    };
    let mut items = Vec::new();
    if !gateway.is_empty() {
        // Gateway endpoints attach to every route table that is not public.
        let mut tables: Vec<Expr> = tiers
            .iter()
            .filter(|t| **t != Tier::Public)
            .map(|t| match t {
                Tier::Private => Expr::Values {
                    res: res("aws_route_table", "private"),
                    var: "table",
                    attr: "id".to_string(),
                },
                other => Expr::List(vec![res("aws_route_table", other.name()).attr("id")]),
            })
            .collect();
        let route_table_ids = if tables.len() == 1 {
            tables.pop().unwrap_or(Expr::List(Vec::new()))
        } else {
            Expr::Concat(tables)
        };
        items.push(Item::Resource(
            endpoint("Gateway", &gateway).arg("route_table_ids", route_table_ids),
        ));
    }
    if !interface.is_empty() {
        let subnet_tier = if tiers.contains(&Tier::Private) {
            "private"
        } else {
            "intra"
        };
        let group = res("aws_security_group", "endpoints");
        items.extend([
            Item::Resource(
                Resource::new(
                    "aws_security_group",
                    "endpoints",
                    tpl("{name}-vpc-endpoints"),
                )
                .arg("name_prefix", tpl("{name}-vpc-endpoints-"))
                .arg(
                    "description",
                    s("HTTPS from inside the VPC to interface VPC endpoints"),
                )
                .arg("vpc_id", vpc.attr("id"))
                .create_first(),
            ),
            Item::Resource(
                Resource::new(
                    "aws_vpc_security_group_ingress_rule",
                    "endpoints_https",
                    tpl("{name}-vpc-endpoints-https"),
                )
                .arg("security_group_id", group.attr("id"))
                .arg("description", s("HTTPS from the VPC"))
                .arg("cidr_ipv4", vpc.attr("cidr_block"))
                .arg("ip_protocol", s("tcp"))
                .arg("from_port", Expr::Int(443))
                .arg("to_port", Expr::Int(443)),
            ),
            Item::Resource(
                endpoint("Interface", &interface)
                    .arg(
                        "subnet_ids",
                        Expr::Values {
                            res: res("aws_subnet", subnet_tier),
                            var: "subnet",
                            attr: "id".to_string(),
                        },
                    )
                    .arg("security_group_ids", Expr::List(vec![group.attr("id")]))
                    .arg("private_dns_enabled", Expr::Bool(true)),
            ),
        ]);
    }
    items
}

/// Flow log retention per environment: the network's own, else the observability default.
pub fn flow_log_retention(platform: &Platform, network: &Network, env: &str) -> u32 {
    network
        .flow_logs
        .retention_days
        .as_ref()
        .and_then(|r| r.get(env))
        .or(platform.observability.log_retention_days.get(env))
        .copied()
        .unwrap_or(365)
}

fn inputs(platform: &Platform, network: &Network, nat: bool) -> Vec<Input> {
    let per_env = |f: &dyn Fn(&str) -> Value| -> Vec<(String, Value)> {
        platform
            .env_names()
            .map(|e| (e.to_string(), f(e)))
            .collect()
    };
    let azs = |env: &str| {
        let region = platform.region.get(env).cloned().unwrap_or_default();
        regions::azs(network, &region, env)
    };
    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            "vpc_cidr",
            Type::Str,
            "IPv4 CIDR block of the VPC (/16 to /24).",
            per_env(&|e| Value::Str(network.cidr.get(e).map(|c| c.to_string()).unwrap_or_default())),
        )
        .check(Check::Terraform(
            "can(cidrhost(var.vpc_cidr, 0)) && tonumber(split(\"/\", var.vpc_cidr)[1]) >= 16 && tonumber(split(\"/\", var.vpc_cidr)[1]) <= 24".to_string(),
            "vpc_cidr must be an IPv4 CIDR block with a prefix from /16 to /24.".to_string(),
        )),
        Input::setting(
            "azs",
            Type::StrList,
            "Availability zones, in order; subnets are keyed by AZ name.",
            per_env(&|e| Value::StrList(azs(e))),
        )
        .check(Check::Terraform(
            "length(var.azs) >= 1 && length(var.azs) <= 6".to_string(),
            "Give from 1 to 6 availability zones.".to_string(),
        )),
    ];
    for &tier in network.subnets.keys() {
        let t = tier.name();
        inputs.push(
            Input::setting(
                &format!("{t}_subnet_cidrs"),
                Type::StrMap,
                &format!("CIDR block of the {t} subnet in each AZ (AZ name => CIDR)."),
                per_env(&|e| {
                    let azs = azs(e);
                    let cidrs = cidr::subnet_cidrs(network, e, azs.len()).unwrap_or_default();
                    let list = cidrs.get(&tier).cloned().unwrap_or_default();
                    Value::StrMap(
                        azs.iter()
                            .zip(list)
                            .map(|(az, c)| (az.clone(), c.to_string()))
                            .collect(),
                    )
                }),
            )
            .check(Check::Terraform(
                format!(
                    "alltrue([for cidr in values(var.{t}_subnet_cidrs) : can(cidrhost(cidr, 0))])"
                ),
                format!("Every {t} subnet CIDR must be a valid IPv4 CIDR block."),
            )),
        );
    }
    if nat {
        inputs.push(
            Input::setting(
                "nat_mode",
                Type::Str,
                "NAT gateways for private subnets: `none`, `single` (one, in the first AZ) or `per_az` (one per AZ, no cross-AZ dependency).",
                per_env(&|e| Value::Str(network.nat.get(e).map(|n| n.name()).unwrap_or("per_az").to_string())),
            )
            .check(Check::Terraform(
                r#"contains(["none", "single", "per_az"], var.nat_mode)"#.to_string(),
                "nat_mode must be one of: none, single, per_az.".to_string(),
            )),
        );
    }
    if network.flow_logs.enabled {
        inputs.push(
            Input::setting(
                "flow_log_retention_days",
                Type::Int,
                "Days to keep VPC flow logs",
                per_env(&|e| Value::Int(i64::from(flow_log_retention(platform, network, e)))),
            )
            .check(Check::Retention),
        );
    }
    inputs
}

fn outputs(network: &Network, tiers: &[Tier]) -> Vec<Output> {
    let vpc = res("aws_vpc", "this");
    let by_az = |kind: &'static str, name: &str, var: &'static str, attr: &str| Expr::ByKey {
        res: res(kind, name),
        key: "az",
        var,
        attr: attr.to_string(),
    };
    let mut outputs = vec![
        Output::new("vpc_id", "ID of the VPC.", vpc.attr("id")),
        Output::new(
            "vpc_cidr_block",
            "IPv4 CIDR block of the VPC.",
            vpc.attr("cidr_block"),
        ),
        Output::new(
            "azs",
            "Availability zones the subnets are in.",
            input("azs"),
        ),
    ];
    for tier in tiers {
        let t = tier.name();
        outputs.push(Output::new(
            &format!("{t}_subnet_ids"),
            &format!("IDs of the {t} subnets, by AZ."),
            by_az("aws_subnet", t, "subnet", "id"),
        ));
    }
    if tiers.contains(&Tier::Private) {
        outputs.push(Output::new(
            "private_route_table_ids",
            "IDs of the private route tables, by AZ.",
            by_az("aws_route_table", "private", "table", "id"),
        ));
    }
    if tiers.contains(&Tier::Public) && tiers.contains(&Tier::Private) {
        outputs.push(Output::new(
            "nat_public_ips",
            "Public IPs of the NAT gateways, by AZ (egress addresses to allow-list elsewhere).",
            by_az("aws_eip", "nat", "eip", "public_ip"),
        ));
    }
    if tiers.contains(&Tier::Database) {
        outputs.push(Output::new(
            "database_subnet_group_name",
            "Name of the DB subnet group of the database subnets.",
            res("aws_db_subnet_group", "database").attr("name"),
        ));
    }
    if network.flow_logs.enabled {
        outputs.push(Output::new(
            "flow_log_group_name",
            "CloudWatch log group that receives the VPC flow logs.",
            res("aws_cloudwatch_log_group", "flow_logs").attr("name"),
        ));
        outputs.push(Output::new(
            "logs_kms_key_arn",
            "ARN of the KMS key that encrypts the network's log groups.",
            res("aws_kms_key", "logs").attr("arn"),
        ));
    }
    outputs
}
