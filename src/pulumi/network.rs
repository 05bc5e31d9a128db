//! `components/network.py`: the counterpart of `modules/network` (same resources, names and
//! tags), with the per-environment values read from stack config.

use super::component::{
    self, Arg, Component, ConfigKind, account_id, by_env, init_preamble, resource, tags_named, tpl,
};
use super::kms;
use super::py::{self, Expr, Op, Stmt, bin, call, dict_comp, if_exp, list_comp, name, path, s};
use crate::model::{Network, Platform, Tier, cidr, regions};
use serde_json::{Value, json};

/// Gateway endpoints; every other service name gets an interface endpoint.
const GATEWAY_SERVICES: [&str; 2] = ["dynamodb", "s3"];

/// Builds the network component for `platform` (which has a `network` section).
pub fn component(platform: &Platform, network: &Network) -> Component {
    let tiers: Vec<Tier> = network.subnets.keys().copied().collect();
    let has = |t: Tier| tiers.contains(&t);
    let nat = has(Tier::Public) && has(Tier::Private);
    let eks = platform.eks.is_some();

    let mut init = init_preamble("iacgen:network:Network", path("args.name"));
    init.extend([
        py::assign(
            "self.vpc",
            resource(
                "aws.ec2.Vpc",
                tpl("{name}-vpc"),
                vec![
                    ("cidr_block", path("args.vpc_cidr")),
                    ("enable_dns_support", Expr::Bool(true)),
                    ("enable_dns_hostnames", Expr::Bool(true)),
                    ("tags", tags_named(tpl("{name}-vpc"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "Takes over the VPC's default security group and leaves it without rules, so\n\
             nothing can use it by accident."
                .to_string(),
        ),
        Stmt::Expr(resource(
            "aws.ec2.DefaultSecurityGroup",
            tpl("{name}-default"),
            vec![
                ("vpc_id", path("self.vpc.id")),
                ("tags", tags_named(tpl("{name}-default"), &[])),
            ],
            "child",
        )),
    ]);
    for &tier in &tiers {
        init.push(subnets(tier, eks));
    }
    if has(Tier::Public) {
        init.extend(public_routing());
    }
    if nat {
        init.extend(nat_gateways());
    }
    for &tier in &tiers {
        if tier != Tier::Public {
            init.extend(private_routing(tier, nat));
        }
    }
    if has(Tier::Database) {
        init.push(py::assign(
            "self.database_subnet_group",
            resource(
                "aws.rds.SubnetGroup",
                tpl("{name}-database"),
                vec![
                    ("name", tpl("{name}-database")),
                    ("description", tpl("Database subnets of {name}")),
                    (
                        "subnet_ids",
                        list_comp(
                            path("subnet.id"),
                            "subnet",
                            path("self.database_subnets").method("values", vec![]),
                            None,
                        ),
                    ),
                    ("tags", tags_named(tpl("{name}-database"), &[])),
                ],
                "child",
            ),
        ));
    }
    if network.flow_logs.enabled {
        init.extend(flow_logs());
    }
    init.extend(endpoints(&network.endpoints, &tiers));

    let outputs = outputs(network, &tiers);
    init.push(Component::register_outputs(&outputs));

    let mut imports = vec![py::import_as("pulumi_aws", "aws")];
    if network.flow_logs.enabled {
        imports.push(py::import("json"));
        imports.push(kms::import());
    }
    let class = component::class(
        "Network",
        "The VPC of one environment: subnets per tier and AZ, gateways, routes, flow logs\n\
         and VPC endpoints."
            .to_string(),
        init,
    );
    Component {
        module: "network".to_string(),
        instance: "network".to_string(),
        prefix: String::new(),
        class: "Network".to_string(),
        body: vec![Stmt::Class(class)],
        imports,
        summary: "The VPC: subnets per tier across availability zones, internet and NAT \
                  gateways, route tables, VPC flow logs and VPC endpoints (the counterpart of \
                  the Terraform module modules/network)."
            .to_string(),
        args: args(platform, network, nat),
        outputs,
    }
}

fn subnets(tier: Tier, eks: bool) -> Stmt {
    let t = tier.name();
    let mut extra = vec![("Tier", t)];
    // The AWS load balancer controller finds subnets for load balancers by these tags.
    if eks && tier == Tier::Public {
        extra.push(("kubernetes.io/role/elb", "1"));
    }
    if eks && tier == Tier::Private {
        extra.push(("kubernetes.io/role/internal-elb", "1"));
    }
    let logical = tpl(&format!("{{name}}-{t}-{{az}}"));
    py::assign(
        &format!("self.{t}_subnets"),
        dict_comp(
            name("az"),
            resource(
                "aws.ec2.Subnet",
                logical.clone(),
                vec![
                    ("vpc_id", path("self.vpc.id")),
                    ("cidr_block", name("cidr")),
                    ("availability_zone", name("az")),
                    ("map_public_ip_on_launch", Expr::Bool(false)),
                    ("tags", tags_named(logical, &extra)),
                ],
                "child",
            ),
            "az, cidr",
            path(&format!("args.{t}_subnet_cidrs")).method("items", vec![]),
            None,
        ),
    )
}

/// Associates every subnet of `tier` with `table` (an expression that may use `az`).
fn associations(tier: &str, table: Expr) -> Stmt {
    Stmt::For {
        target: "az, subnet".to_string(),
        iter: path(&format!("self.{tier}_subnets")).method("items", vec![]),
        body: vec![Stmt::Expr(resource(
            "aws.ec2.RouteTableAssociation",
            tpl(&format!("{{name}}-{tier}-{{az}}")),
            vec![("subnet_id", path("subnet.id")), ("route_table_id", table)],
            "child",
        ))],
    }
}

fn public_routing() -> Vec<Stmt> {
    vec![
        py::assign(
            "internet_gateway",
            resource(
                "aws.ec2.InternetGateway",
                tpl("{name}-igw"),
                vec![
                    ("vpc_id", path("self.vpc.id")),
                    ("tags", tags_named(tpl("{name}-igw"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "public_table",
            resource(
                "aws.ec2.RouteTable",
                tpl("{name}-public"),
                vec![
                    ("vpc_id", path("self.vpc.id")),
                    ("tags", tags_named(tpl("{name}-public"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Expr(resource(
            "aws.ec2.Route",
            tpl("{name}-public-internet"),
            vec![
                ("route_table_id", path("public_table.id")),
                ("destination_cidr_block", s("0.0.0.0/0")),
                ("gateway_id", path("internet_gateway.id")),
            ],
            "child",
        )),
        associations("public", path("public_table.id")),
    ]
}

/// NAT gateways keyed by AZ: one per AZ, one in the first AZ, or none, per environment.
fn nat_gateways() -> Vec<Stmt> {
    let mode_is = |m: &str| bin(path("args.nat_mode"), Op::Eq, s(m));
    let after_igw = || {
        call(
            path("pulumi.ResourceOptions"),
            vec![],
            vec![
                ("parent", name("self")),
                ("depends_on", py::list([name("internet_gateway")])),
            ],
        )
    };
    vec![
        Stmt::Comment("AZs that get a NAT gateway: every AZ, the first one, or none.".to_string()),
        py::assign(
            "nat_azs",
            list_comp(
                name("az"),
                "i, az",
                call(name("enumerate"), vec![path("args.azs")], vec![]),
                Some(bin(
                    mode_is("per_az"),
                    Op::Or,
                    bin(
                        mode_is("single"),
                        Op::And,
                        bin(name("i"), Op::Eq, py::int(0)),
                    ),
                )),
            ),
        ),
        py::assign("after_internet_gateway", after_igw()),
        py::assign(
            "self.nat_ips",
            dict_comp(
                name("az"),
                resource(
                    "aws.ec2.Eip",
                    tpl("{name}-nat-{az}"),
                    vec![
                        ("domain", s("vpc")),
                        ("tags", tags_named(tpl("{name}-nat-{az}"), &[])),
                    ],
                    "after_internet_gateway",
                ),
                "az",
                name("nat_azs"),
                None,
            ),
        ),
        py::assign(
            "nat_gateways",
            dict_comp(
                name("az"),
                resource(
                    "aws.ec2.NatGateway",
                    tpl("{name}-nat-{az}"),
                    vec![
                        (
                            "allocation_id",
                            path("self.nat_ips").index(name("az")).attr("id"),
                        ),
                        (
                            "subnet_id",
                            path("self.public_subnets").index(name("az")).attr("id"),
                        ),
                        ("tags", tags_named(tpl("{name}-nat-{az}"), &[])),
                    ],
                    "after_internet_gateway",
                ),
                "az",
                name("nat_azs"),
                None,
            ),
        ),
    ]
}

/// Route tables for a non-public tier. Private subnets get one route table per AZ whatever the
/// NAT mode, so switching an environment between `single` and `per_az` only changes routes.
fn private_routing(tier: Tier, nat: bool) -> Vec<Stmt> {
    let t = tier.name();
    if tier == Tier::Private {
        let mut out = vec![
            py::assign(
                "self.private_route_tables",
                dict_comp(
                    name("az"),
                    resource(
                        "aws.ec2.RouteTable",
                        tpl("{name}-private-{az}"),
                        vec![
                            ("vpc_id", path("self.vpc.id")),
                            ("tags", tags_named(tpl("{name}-private-{az}"), &[])),
                        ],
                        "child",
                    ),
                    "az",
                    path("args.private_subnet_cidrs"),
                    None,
                ),
            ),
            associations(
                "private",
                path("self.private_route_tables")
                    .index(name("az"))
                    .attr("id"),
            ),
        ];
        if nat {
            let nat_az = if_exp(
                name("az"),
                bin(path("args.nat_mode"), Op::Eq, s("per_az")),
                path("args.azs").index(py::int(0)),
            );
            out.push(Stmt::If {
                cond: bin(path("args.nat_mode"), Op::NotEq, s("none")),
                body: vec![Stmt::For {
                    target: "az, table".to_string(),
                    iter: path("self.private_route_tables").method("items", vec![]),
                    body: vec![
                        py::assign("nat_az", nat_az),
                        Stmt::Expr(resource(
                            "aws.ec2.Route",
                            tpl("{name}-private-nat-{az}"),
                            vec![
                                ("route_table_id", path("table.id")),
                                ("destination_cidr_block", s("0.0.0.0/0")),
                                (
                                    "nat_gateway_id",
                                    name("nat_gateways").index(name("nat_az")).attr("id"),
                                ),
                            ],
                            "child",
                        )),
                    ],
                }],
            });
        }
        return out;
    }
    // Database and intra subnets have no route to the internet: one local-only table per tier.
    let var = format!("{t}_table");
    vec![
        py::assign(
            &var,
            resource(
                "aws.ec2.RouteTable",
                tpl(&format!("{{name}}-{t}")),
                vec![
                    ("vpc_id", path("self.vpc.id")),
                    ("tags", tags_named(tpl(&format!("{{name}}-{t}")), &[])),
                ],
                "child",
            ),
        ),
        associations(t, path(&format!("{var}.id"))),
    ]
}

fn flow_logs() -> Vec<Stmt> {
    let assume = py::dict([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            py::list([py::dict([
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRole")),
                (
                    "Principal",
                    py::dict([("Service", s("vpc-flow-logs.amazonaws.com"))]),
                ),
                (
                    "Condition",
                    py::dict([(
                        "StringEquals",
                        py::dict([("aws:SourceAccount", name("account_id"))]),
                    )]),
                ),
            ])]),
        ),
    ]);
    let write = py::dict([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            py::list([py::dict([
                ("Effect", s("Allow")),
                (
                    "Action",
                    py::strs([
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ]),
                ),
                (
                    "Resource",
                    py::list([call(
                        path("pulumi.Output.concat"),
                        vec![path("self.flow_log_group.arn"), s(":*")],
                        vec![],
                    )]),
                ),
            ])]),
        ),
    ]);
    vec![
        account_id(),
        py::assign(
            "self.logs_key",
            kms::logs_key_call(tpl("{name}-logs"), tpl("VPC flow logs of {name}")),
        ),
        py::assign(
            "self.flow_log_group",
            resource(
                "aws.cloudwatch.LogGroup",
                tpl("{name}-flow-logs"),
                vec![
                    ("name", tpl("/aws/vpc/{name}/flow-logs")),
                    ("retention_in_days", path("args.flow_log_retention_days")),
                    ("kms_key_id", path("self.logs_key.arn")),
                    ("tags", tags_named(tpl("{name}-flow-logs"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "flow_logs_role",
            resource(
                "aws.iam.Role",
                tpl("{name}-vpc-flow-logs"),
                vec![
                    ("name", tpl("{name}-vpc-flow-logs")),
                    (
                        "assume_role_policy",
                        call(path("json.dumps"), vec![assume], vec![]),
                    ),
                    ("tags", tags_named(tpl("{name}-vpc-flow-logs"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Expr(resource(
            "aws.iam.RolePolicy",
            tpl("{name}-write-flow-logs"),
            vec![
                ("name", s("write-flow-logs")),
                ("role", path("flow_logs_role.id")),
                (
                    "policy",
                    call(path("pulumi.Output.json_dumps"), vec![write], vec![]),
                ),
            ],
            "child",
        )),
        Stmt::Expr(resource(
            "aws.ec2.FlowLog",
            tpl("{name}-flow-logs"),
            vec![
                ("vpc_id", path("self.vpc.id")),
                ("traffic_type", s("ALL")),
                ("log_destination_type", s("cloud-watch-logs")),
                ("log_destination", path("self.flow_log_group.arn")),
                ("iam_role_arn", path("flow_logs_role.arn")),
                ("max_aggregation_interval", py::int(60)),
                ("tags", tags_named(tpl("{name}-flow-logs"), &[])),
            ],
            "child",
        )),
    ]
}

fn endpoints(services: &[String], tiers: &[Tier]) -> Vec<Stmt> {
    let (gateway, interface): (Vec<&String>, Vec<&String>) = services
        .iter()
        .partition(|svc| GATEWAY_SERVICES.contains(&svc.as_str()));
    let endpoint = |kind: &str, extra: Vec<(&'static str, Expr)>| {
        let mut kwargs = vec![
            ("vpc_id", path("self.vpc.id")),
            ("service_name", tpl("com.amazonaws.{args.region}.{service}")),
            ("vpc_endpoint_type", s(kind)),
        ];
        kwargs.extend(extra);
        kwargs.push(("tags", tags_named(tpl("{name}-{service}"), &[])));
        resource(
            "aws.ec2.VpcEndpoint",
            tpl("{name}-{service}"),
            kwargs,
            "child",
        )
    };
    let mut out = Vec::new();
    if !gateway.is_empty() {
        // Gateway endpoints attach to every route table that is not public.
        let tables = tiers
            .iter()
            .filter(|t| **t != Tier::Public)
            .map(|t| match t {
                Tier::Private => Expr::Star(Box::new(
                    path("self.private_route_tables").method("values", vec![]),
                )),
                other => name(&format!("{}_table", other.name())),
            });
        out.push(py::assign("gateway_route_tables", py::list(tables)));
        let tables = list_comp(
            path("table.id"),
            "table",
            name("gateway_route_tables"),
            None,
        );
        out.push(Stmt::For {
            target: "service".to_string(),
            iter: py::strs(gateway.iter().map(|s| s.as_str())),
            body: vec![Stmt::Expr(endpoint(
                "Gateway",
                vec![("route_table_ids", tables)],
            ))],
        });
    }
    if !interface.is_empty() {
        let subnet_tier = if tiers.contains(&Tier::Private) {
            "private"
        } else {
            "intra"
        };
        out.push(py::assign(
            "endpoints_group",
            resource(
                "aws.ec2.SecurityGroup",
                tpl("{name}-vpc-endpoints"),
                vec![
                    ("name_prefix", tpl("{name}-vpc-endpoints-")),
                    (
                        "description",
                        s("HTTPS from inside the VPC to interface VPC endpoints"),
                    ),
                    ("vpc_id", path("self.vpc.id")),
                    ("tags", tags_named(tpl("{name}-vpc-endpoints"), &[])),
                ],
                "child",
            ),
        ));
        out.push(Stmt::Expr(resource(
            "aws.vpc.SecurityGroupIngressRule",
            tpl("{name}-vpc-endpoints-https"),
            vec![
                ("security_group_id", path("endpoints_group.id")),
                ("description", s("HTTPS from the VPC")),
                ("cidr_ipv4", path("self.vpc.cidr_block")),
                ("ip_protocol", s("tcp")),
                ("from_port", py::int(443)),
                ("to_port", py::int(443)),
                ("tags", tags_named(tpl("{name}-vpc-endpoints-https"), &[])),
            ],
            "child",
        )));
        out.push(Stmt::For {
            target: "service".to_string(),
            iter: py::strs(interface.iter().map(|s| s.as_str())),
            body: vec![Stmt::Expr(endpoint(
                "Interface",
                vec![
                    (
                        "subnet_ids",
                        list_comp(
                            path("subnet.id"),
                            "subnet",
                            path(&format!("self.{subnet_tier}_subnets")).method("values", vec![]),
                            None,
                        ),
                    ),
                    ("security_group_ids", py::list([path("endpoints_group.id")])),
                    ("private_dns_enabled", Expr::Bool(true)),
                ],
            ))],
        });
    }
    out
}

/// Flow log retention per environment: the network's own, else the observability default.
fn flow_log_retention(platform: &Platform, network: &Network, env: &str) -> u32 {
    network
        .flow_logs
        .retention_days
        .as_ref()
        .and_then(|r| r.get(env))
        .or(platform.observability.log_retention_days.get(env))
        .copied()
        .unwrap_or(365)
}

fn args(platform: &Platform, network: &Network, nat: bool) -> Vec<Arg> {
    let azs = |env: &str| {
        let region = platform.region.get(env).cloned().unwrap_or_default();
        regions::azs(network, &region, env)
    };
    let mut args = vec![
        Arg::wired("name", "str", name("name")),
        Arg::wired("tags", "dict[str, str]", name("tags")),
        Arg::wired("region", "str", name("region")),
        Arg::setting(
            "vpc_cidr",
            "str",
            ConfigKind::Str,
            by_env(platform, |e| {
                network
                    .cidr
                    .get(e)
                    .map(|c| c.to_string())
                    .unwrap_or_default()
            }),
        ),
        Arg::setting(
            "azs",
            "list[str]",
            ConfigKind::Object,
            by_env(platform, |e| json!(azs(e))),
        ),
    ];
    for &tier in network.subnets.keys() {
        args.push(Arg::setting(
            &format!("{}_subnet_cidrs", tier.name()),
            "dict[str, str]",
            ConfigKind::Object,
            by_env(platform, |e| {
                let azs = azs(e);
                let cidrs = cidr::subnet_cidrs(network, e, azs.len()).unwrap_or_default();
                let list = cidrs.get(&tier).cloned().unwrap_or_default();
                let map: serde_json::Map<String, Value> = azs
                    .iter()
                    .zip(list)
                    .map(|(az, c)| (az.clone(), Value::String(c.to_string())))
                    .collect();
                Value::Object(map)
            }),
        ));
    }
    if nat {
        args.push(Arg::setting(
            "nat_mode",
            "str",
            ConfigKind::Str,
            by_env(platform, |e| {
                network.nat.get(e).map(|n| n.name()).unwrap_or("per_az")
            }),
        ));
    }
    if network.flow_logs.enabled {
        args.push(Arg::setting(
            "flow_log_retention_days",
            "int",
            ConfigKind::Int,
            by_env(platform, |e| flow_log_retention(platform, network, e)),
        ));
    }
    args
}

fn outputs(network: &Network, tiers: &[Tier]) -> Vec<(String, Expr)> {
    let by_az = |source: &str, attr: &str| {
        dict_comp(
            name("az"),
            path(&format!("value.{attr}")),
            "az, value",
            path(source).method("items", vec![]),
            None,
        )
    };
    let mut outputs = vec![
        ("vpc_id".to_string(), path("self.vpc.id")),
        ("vpc_cidr_block".to_string(), path("self.vpc.cidr_block")),
    ];
    for tier in tiers {
        let t = tier.name();
        outputs.push((
            format!("{t}_subnet_ids"),
            by_az(&format!("self.{t}_subnets"), "id"),
        ));
    }
    if tiers.contains(&Tier::Private) {
        outputs.push((
            "private_route_table_ids".to_string(),
            by_az("self.private_route_tables", "id"),
        ));
    }
    if tiers.contains(&Tier::Public) && tiers.contains(&Tier::Private) {
        outputs.push((
            "nat_public_ips".to_string(),
            by_az("self.nat_ips", "public_ip"),
        ));
    }
    if tiers.contains(&Tier::Database) {
        outputs.push((
            "database_subnet_group_name".to_string(),
            path("self.database_subnet_group.name"),
        ));
    }
    if network.flow_logs.enabled {
        outputs.push((
            "flow_log_group_name".to_string(),
            path("self.flow_log_group.name"),
        ));
        outputs.push(("logs_kms_key_arn".to_string(), path("self.logs_key.arn")));
    }
    outputs
}
