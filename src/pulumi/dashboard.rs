//! The dashboard body of `components/observability.py`: the widgets of the Terraform module's
//! dashboard, placed on the 24-column grid by the same layout code
//! ([`crate::terraform::dashboard::layout`]), as a Python function that renders them to JSON
//! with `pulumi.Output.json_dumps` (the ARN suffixes and names are Outputs).

use super::observability::Watched;
use super::py::{self, Expr, Function, Stmt, call, dict, name, path, s};
use crate::terraform::dashboard::{Section, Tile, layout};

/// The name of the generated function: `dashboard_body(args, topic_name) -> Output[str]`.
pub const FUNCTION: &str = "dashboard_body";

/// A widget before layout: its CloudWatch type and properties.
struct Widget {
    kind: &'static str,
    properties: Expr,
}

fn text(markdown: Expr) -> Widget {
    Widget {
        kind: "text",
        properties: dict([("markdown", markdown)]),
    }
}

/// `pulumi.Output.concat(parts...)`: text with Outputs in it.
fn concat(parts: Vec<Expr>) -> Expr {
    call(path("pulumi.Output.concat"), parts, vec![])
}

/// A time-series graph of `metrics` (CloudWatch's metric arrays), with an optional alarm
/// threshold line and a 0–100 % axis for utilization graphs.
fn graph(title: &str, metrics: Vec<Expr>, threshold: Option<&str>, percent: bool) -> Widget {
    let mut properties = vec![
        ("title", s(title)),
        ("region", path("args.region")),
        ("view", s("timeSeries")),
        ("stacked", Expr::Bool(false)),
        ("period", py::int(60)),
        ("metrics", py::list(metrics)),
    ];
    if let Some(threshold) = threshold {
        properties.push((
            "annotations",
            dict([(
                "horizontal",
                py::list([dict([
                    ("label", s("Alarm threshold")),
                    ("value", path(threshold)),
                ])]),
            )]),
        ));
    }
    if percent {
        properties.push((
            "yAxis",
            dict([("left", dict([("min", py::int(0)), ("max", py::int(100))]))]),
        ));
    }
    Widget {
        kind: "metric",
        properties: dict(properties),
    }
}

/// One metric array: namespace, name, dimension name/value pairs, then rendering options.
fn series(namespace: &str, metric: &str, dimensions: Vec<(&str, Expr)>, options: Expr) -> Expr {
    let mut items = vec![s(namespace), s(metric)];
    for (dimension, value) in dimensions {
        items.push(s(dimension));
        items.push(value);
    }
    items.push(options);
    py::list(items)
}

fn stat(stat: &str, label: &str) -> Expr {
    dict([("stat", s(stat)), ("label", s(label))])
}

/// `args.<map>["<key>"]` followed by string indexes (`["alb_arn_suffix"]`).
fn arg_entry(map: &str, key: &str, fields: &[&str]) -> Expr {
    fields
        .iter()
        .fold(path(&format!("args.{map}")).index(s(key)), |e, field| {
            e.index(s(*field))
        })
}

/// The sections of the Terraform module's dashboard: the environment, then each ECS service and
/// each node pool under its own header row.
fn sections(watched: &Watched) -> Vec<Section<Widget>> {
    let mut sections = vec![Section {
        header: Tile::new(
            24,
            2,
            text(concat(vec![
                py::fstr(vec![
                    py::lit("# "),
                    py::part(path("args.name")),
                    py::lit("\nAlarms notify the SNS topic `"),
                ]),
                name("topic_name"),
                s("`."),
            ])),
        ),
        widgets: Vec::new(),
    }];
    for &svc in &watched.services {
        let cluster = || ("ClusterName", path("args.ecs_cluster_name"));
        let service = || ("ServiceName", arg_entry("ecs_services", svc, &[]));
        let cpu = graph(
            "CPU utilization (%)",
            vec![series(
                "AWS/ECS",
                "CPUUtilization",
                vec![cluster(), service()],
                stat("Average", "CPU"),
            )],
            Some("args.alarm_cpu_percent"),
            true,
        );
        let memory = graph(
            "Memory utilization (%)",
            vec![series(
                "AWS/ECS",
                "MemoryUtilization",
                vec![cluster(), service()],
                stat("Average", "Memory"),
            )],
            Some("args.alarm_memory_percent"),
            true,
        );
        let mut widgets = Vec::new();
        let width = if watched.load_balanced.contains(&svc) {
            let alb = || {
                (
                    "LoadBalancer",
                    arg_entry("load_balancers", svc, &["alb_arn_suffix"]),
                )
            };
            let tg = || {
                (
                    "TargetGroup",
                    arg_entry("load_balancers", svc, &["target_group_arn_suffix"]),
                )
            };
            widgets.push(Tile::new(
                6,
                6,
                graph(
                    "Requests and 5xx responses",
                    vec![
                        series(
                            "AWS/ApplicationELB",
                            "RequestCount",
                            vec![alb()],
                            stat("Sum", "Requests"),
                        ),
                        series(
                            "AWS/ApplicationELB",
                            "HTTPCode_Target_5XX_Count",
                            vec![alb(), tg()],
                            stat("Sum", "Target 5xx"),
                        ),
                        series(
                            "AWS/ApplicationELB",
                            "HTTPCode_ELB_5XX_Count",
                            vec![alb()],
                            stat("Sum", "Load balancer 5xx"),
                        ),
                    ],
                    None,
                    false,
                ),
            ));
            widgets.push(Tile::new(
                6,
                6,
                graph(
                    "Target response time, p99 (s)",
                    vec![series(
                        "AWS/ApplicationELB",
                        "TargetResponseTime",
                        vec![alb(), tg()],
                        stat("p99", "p99"),
                    )],
                    Some("args.alarm_latency_p99_seconds"),
                    false,
                ),
            ));
            6
        } else {
            12
        };
        widgets.push(Tile::new(width, 6, cpu));
        widgets.push(Tile::new(width, 6, memory));
        sections.push(Section {
            header: Tile::new(24, 1, text(s(format!("## ECS service {svc}")))),
            widgets,
        });
    }
    for &pool in &watched.node_pools {
        let asg = || ("AutoScalingGroupName", arg_entry("node_pools", pool, &[]));
        let header = concat(vec![
            s(format!("## EKS node pool {pool} (cluster ")),
            path("args.eks_cluster_name"),
            s(")"),
        ]);
        sections.push(Section {
            header: Tile::new(24, 1, text(header)),
            widgets: vec![
                Tile::new(
                    12,
                    6,
                    graph(
                        "Node CPU utilization (%)",
                        vec![series(
                            "AWS/EC2",
                            "CPUUtilization",
                            vec![asg()],
                            stat("Average", "CPU"),
                        )],
                        Some("args.alarm_cpu_percent"),
                        true,
                    ),
                ),
                Tile::new(
                    12,
                    6,
                    graph(
                        "Node network (bytes)",
                        vec![
                            series("AWS/EC2", "NetworkIn", vec![asg()], stat("Sum", "In")),
                            series("AWS/EC2", "NetworkOut", vec![asg()], stat("Sum", "Out")),
                        ],
                        None,
                        false,
                    ),
                ),
            ],
        });
    }
    sections
}

/// `def dashboard_body(args, topic_name) -> pulumi.Output[str]`: the dashboard JSON.
pub fn function(watched: &Watched) -> Stmt {
    let widgets = layout(sections(watched)).into_iter().map(|placed| {
        dict([
            ("type", s(placed.content.kind)),
            ("x", py::int(placed.x)),
            ("y", py::int(placed.y)),
            ("width", py::int(placed.width)),
            ("height", py::int(placed.height)),
            ("properties", placed.content.properties),
        ])
    });
    Stmt::Def(Function {
        name: FUNCTION.to_string(),
        params: vec![
            py::param("args", "ObservabilityArgs"),
            py::param("topic_name", "pulumi.Output[str]"),
        ],
        returns: "pulumi.Output[str]".to_string(),
        doc: Some(
            "The dashboard: a header row for the environment, then one section per ECS service\n\
             and EKS node pool. Positions on CloudWatch's 24-column grid are fixed by iacgen,\n\
             the same as in the Terraform module."
                .to_string(),
        ),
        body: vec![Stmt::Return(call(
            path("pulumi.Output.json_dumps"),
            vec![dict([("widgets", py::list(widgets))])],
            vec![],
        ))],
    })
}
