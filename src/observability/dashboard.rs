//! The CloudWatch dashboard of an environment as a JSON tree whose non-constant values are
//! symbolic ([`Value`]): built once here, rendered by each target to its own expression
//! language (`jsonencode(...)` in HCL, `pulumi.Output.json_dumps(...)` in Python).

use super::Watched;
use crate::terraform::dashboard::{Section, Tile, layout};

/// A value known only to the generated code: an input of the module or component, or a
/// resource attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A setting input (`var.<name>`, `args.<name>`), known before deployment.
    Setting(&'static str),
    /// An input wired from another module's output, known only during deployment.
    Wired(&'static str),
    /// An entry of a wired map input, or a field of that entry.
    Entry {
        map: &'static str,
        key: String,
        field: Option<&'static str>,
    },
    /// The region deployed to.
    Region,
    /// The name of the alarm topic.
    TopicName,
}

impl Value {
    /// Whether the value is known only during deployment (a Pulumi `Output`).
    pub fn deferred(&self) -> bool {
        !matches!(self, Value::Setting(_))
    }
}

/// A piece of text with values in it.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(String),
    Value(Value),
}

/// A JSON value of the dashboard body; object keys keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
    Value(Value),
    /// A string with values in it.
    Text(Vec<Part>),
}

fn s(text: impl Into<String>) -> Json {
    Json::Str(text.into())
}

fn obj<const N: usize>(entries: [(&'static str, Json); N]) -> Json {
    Json::Object(entries.into())
}

/// A dashboard widget before layout: its CloudWatch type and properties.
struct Widget {
    kind: &'static str,
    properties: Json,
}

fn text(markdown: Vec<Part>) -> Widget {
    // Plain text stays a plain string.
    let markdown = match markdown.as_slice() {
        [Part::Lit(text)] => s(text.clone()),
        _ => Json::Text(markdown),
    };
    Widget {
        kind: "text",
        properties: obj([("markdown", markdown)]),
    }
}

/// One metric series: a CloudWatch metric with its dimensions and how to draw it.
struct Series {
    namespace: &'static str,
    metric: &'static str,
    dimensions: Vec<(&'static str, Value)>,
    stat: &'static str,
    label: &'static str,
}

impl Series {
    /// CloudWatch's metric array: namespace, name, dimension name/value pairs, then options.
    fn into_json(self) -> Json {
        let mut items = vec![s(self.namespace), s(self.metric)];
        for (dimension, value) in self.dimensions {
            items.push(s(dimension));
            items.push(Json::Value(value));
        }
        items.push(obj([("stat", s(self.stat)), ("label", s(self.label))]));
        Json::List(items)
    }
}

/// A time-series graph with an optional alarm threshold line and a 0–100 % axis for
/// utilization graphs.
struct Graph {
    title: &'static str,
    series: Vec<Series>,
    threshold: Option<&'static str>,
    percent: bool,
}

impl Graph {
    fn into_widget(self) -> Widget {
        let mut properties = vec![
            ("title", s(self.title)),
            ("region", Json::Value(Value::Region)),
            ("view", s("timeSeries")),
            ("stacked", Json::Bool(false)),
            ("period", Json::Int(60)),
            (
                "metrics",
                Json::List(self.series.into_iter().map(Series::into_json).collect()),
            ),
        ];
        if let Some(threshold) = self.threshold {
            properties.push((
                "annotations",
                obj([(
                    "horizontal",
                    Json::List(vec![obj([
                        ("label", s("Alarm threshold")),
                        ("value", Json::Value(Value::Setting(threshold))),
                    ])]),
                )]),
            ));
        }
        if self.percent {
            properties.push((
                "yAxis",
                obj([(
                    "left",
                    obj([("min", Json::Int(0)), ("max", Json::Int(100))]),
                )]),
            ));
        }
        Widget {
            kind: "metric",
            properties: Json::Object(properties),
        }
    }
}

fn tile(width: u32, graph: Graph) -> Tile<Widget> {
    Tile::new(width, 6, graph.into_widget())
}

/// The sections: the environment, then each ECS service and each node pool, each under its
/// own header row.
fn sections(watched: &Watched) -> Vec<Section<Widget>> {
    let lit = |text: &str| Part::Lit(text.to_string());
    let mut sections = vec![Section {
        header: Tile::new(
            24,
            2,
            text(vec![
                lit("# "),
                Part::Value(Value::Setting("name")),
                lit("\nAlarms notify the SNS topic `"),
                Part::Value(Value::TopicName),
                lit("`."),
            ]),
        ),
        widgets: Vec::new(),
    }];
    let entry = |map, key: &str, field| Value::Entry {
        map,
        key: key.to_string(),
        field,
    };
    for &svc in &watched.services {
        let ecs = |metric, stat, label| Series {
            namespace: "AWS/ECS",
            metric,
            dimensions: vec![
                ("ClusterName", Value::Wired("ecs_cluster_name")),
                ("ServiceName", entry("ecs_services", svc, None)),
            ],
            stat,
            label,
        };
        let cpu = Graph {
            title: "CPU utilization (%)",
            series: vec![ecs("CPUUtilization", "Average", "CPU")],
            threshold: Some("alarm_cpu_percent"),
            percent: true,
        };
        let memory = Graph {
            title: "Memory utilization (%)",
            series: vec![ecs("MemoryUtilization", "Average", "Memory")],
            threshold: Some("alarm_memory_percent"),
            percent: true,
        };
        let mut widgets = Vec::new();
        let width = if watched.load_balanced.contains(&svc) {
            let alb = || {
                (
                    "LoadBalancer",
                    entry("load_balancers", svc, Some("alb_arn_suffix")),
                )
            };
            let tg = || {
                (
                    "TargetGroup",
                    entry("load_balancers", svc, Some("target_group_arn_suffix")),
                )
            };
            let elb = |metric, dimensions, stat, label| Series {
                namespace: "AWS/ApplicationELB",
                metric,
                dimensions,
                stat,
                label,
            };
            widgets.push(tile(
                6,
                Graph {
                    title: "Requests and 5xx responses",
                    series: vec![
                        elb("RequestCount", vec![alb()], "Sum", "Requests"),
                        elb(
                            "HTTPCode_Target_5XX_Count",
                            vec![alb(), tg()],
                            "Sum",
                            "Target 5xx",
                        ),
                        elb(
                            "HTTPCode_ELB_5XX_Count",
                            vec![alb()],
                            "Sum",
                            "Load balancer 5xx",
                        ),
                    ],
                    threshold: None,
                    percent: false,
                },
            ));
            widgets.push(tile(
                6,
                Graph {
                    title: "Target response time, p99 (s)",
                    series: vec![elb("TargetResponseTime", vec![alb(), tg()], "p99", "p99")],
                    threshold: Some("alarm_latency_p99_seconds"),
                    percent: false,
                },
            ));
            6
        } else {
            12
        };
        widgets.push(tile(width, cpu));
        widgets.push(tile(width, memory));
        sections.push(Section {
            header: Tile::new(
                24,
                1,
                text(vec![Part::Lit(format!("## ECS service {svc}"))]),
            ),
            widgets,
        });
    }
    for &pool in &watched.node_pools {
        let ec2 = |metric, stat, label| Series {
            namespace: "AWS/EC2",
            metric,
            dimensions: vec![("AutoScalingGroupName", entry("node_pools", pool, None))],
            stat,
            label,
        };
        let header = vec![
            Part::Lit(format!("## EKS node pool {pool} (cluster ")),
            Part::Value(Value::Wired("eks_cluster_name")),
            lit(")"),
        ];
        sections.push(Section {
            header: Tile::new(24, 1, text(header)),
            widgets: vec![
                tile(
                    12,
                    Graph {
                        title: "Node CPU utilization (%)",
                        series: vec![ec2("CPUUtilization", "Average", "CPU")],
                        threshold: Some("alarm_cpu_percent"),
                        percent: true,
                    },
                ),
                tile(
                    12,
                    Graph {
                        title: "Node network (bytes)",
                        series: vec![
                            ec2("NetworkIn", "Sum", "In"),
                            ec2("NetworkOut", "Sum", "Out"),
                        ],
                        threshold: None,
                        percent: false,
                    },
                ),
            ],
        });
    }
    sections
}

/// The dashboard body, `{"widgets": [...]}`, with every widget at its place on the grid.
pub fn body(watched: &Watched) -> Json {
    let widgets = layout(sections(watched))
        .into_iter()
        .map(|placed| {
            obj([
                ("type", s(placed.content.kind)),
                ("x", Json::Int(i64::from(placed.x))),
                ("y", Json::Int(i64::from(placed.y))),
                ("width", Json::Int(i64::from(placed.width))),
                ("height", Json::Int(i64::from(placed.height))),
                ("properties", placed.content.properties),
            ])
        })
        .collect();
    obj([("widgets", Json::List(widgets))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched<'a>(
        services: &[&'a str],
        load_balanced: &[&'a str],
        pools: &[&'a str],
    ) -> Watched<'a> {
        Watched {
            services: services.to_vec(),
            load_balanced: load_balanced.to_vec(),
            node_pools: pools.to_vec(),
        }
    }

    fn widgets(body: &Json) -> &[Json] {
        match body {
            Json::Object(entries) => match entries.as_slice() {
                [("widgets", Json::List(widgets))] => widgets,
                _ => panic!("body is not {{widgets}}: {body:?}"),
            },
            _ => panic!("body is not an object"),
        }
    }

    fn field<'a>(widget: &'a Json, name: &str) -> &'a Json {
        match widget {
            Json::Object(entries) => entries
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value)
                .unwrap_or_else(|| panic!("no {name} in {widget:?}")),
            _ => panic!("not an object"),
        }
    }

    /// Every metric dimension value of the body.
    fn dimension_values(json: &Json, out: &mut Vec<Value>) {
        match json {
            Json::Value(value @ Value::Entry { .. }) => out.push(value.clone()),
            Json::List(items) => items.iter().for_each(|i| dimension_values(i, out)),
            Json::Object(entries) => entries.iter().for_each(|(_, v)| dimension_values(v, out)),
            _ => {}
        }
    }

    #[test]
    fn a_load_balanced_service_gets_request_and_latency_graphs_beside_cpu_and_memory() {
        let body = body(&watched(&["api", "worker"], &["api"], &[]));
        let widgets = widgets(&body);
        // Environment header; api: header + 4 graphs; worker: header + 2 graphs.
        assert_eq!(widgets.len(), 1 + 5 + 3);
        let widths: Vec<&Json> = widgets.iter().map(|w| field(w, "width")).collect();
        let ints = |range: std::ops::Range<usize>| -> Vec<Json> {
            widths[range].iter().map(|w| (*w).clone()).collect()
        };
        assert_eq!(ints(2..6), vec![Json::Int(6); 4]);
        assert_eq!(ints(7..9), vec![Json::Int(12); 2]);
    }

    #[test]
    fn each_section_reads_only_its_own_entries_of_the_wired_maps() {
        let body = body(&watched(&["api"], &["api"], &["general"]));
        let mut values = Vec::new();
        dimension_values(&body, &mut values);
        assert!(!values.is_empty());
        for value in values {
            let Value::Entry { map, key, .. } = value else {
                unreachable!()
            };
            let expected = if map == "node_pools" {
                "general"
            } else {
                "api"
            };
            assert_eq!(key, expected, "{map}");
        }
    }
}
