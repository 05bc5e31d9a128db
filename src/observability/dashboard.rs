//! The CloudWatch dashboard of an environment as a JSON tree whose non-constant values are
//! symbolic ([`Value`]): built once here, made a JSON document expression of the observability
//! description (`describe/observability.rs`), which each renderer writes in its own language
//! (`jsonencode(...)` in HCL, `pulumi.Output.json_dumps(...)` in Python).

use super::Watched;
use super::layout::{Section, Tile, layout};

/// A value known only to the generated code: an input of the module or component, a resource
/// attribute, or a variable of the loop that repeats a section for each service or node pool.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A setting input (`var.<name>`, `args.<name>`), known before deployment.
    Setting(&'static str),
    /// An input wired from another module's output, known only during deployment.
    Wired(&'static str),
    /// The entry of a wired map input at the name the loop is at, or a field of that entry.
    Entry {
        map: &'static str,
        at: &'static str,
        field: Option<&'static str>,
    },
    /// The name the loop is at (`service`, `pool`).
    Name(&'static str),
    /// A row of the grid: this one plus [`SECTION_HEIGHT`] times the loop's position, so that
    /// the n-th section of a dashboard starts n sections below the first.
    Row(i64),
    /// The number of a service dashboard (1, 2, ...).
    Page,
    /// Markdown links to the service dashboards, one per dashboard, naming its first and last
    /// service.
    ServiceDashboardLinks,
    /// The region deployed to.
    Region,
    /// The name of the alarm topic.
    TopicName,
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

#[cfg(test)]
impl Json {
    /// Every value of this JSON tree, text included, in order.
    pub fn values(&self, out: &mut Vec<Value>) {
        match self {
            Json::Value(value) => out.push(value.clone()),
            Json::List(items) => items.iter().for_each(|i| i.values(out)),
            Json::Object(entries) => entries.iter().for_each(|(_, v)| v.values(out)),
            Json::Text(parts) => parts.iter().for_each(|part| {
                if let Part::Value(value) = part {
                    out.push(value.clone());
                }
            }),
            _ => {}
        }
    }
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

/// Services on one service dashboard: 50 services are at most 1 + 50 × 5 = 251 widgets, half of
/// the 500 CloudWatch accepts on a dashboard, which leaves room for more graphs per service.
pub const SERVICES_PER_DASHBOARD: i64 = 50;

/// Grid rows of one repeated section: its header row and one row of graphs 6 high. Every
/// section has this height, so the generated code places the n-th one without knowing the
/// others.
pub const SECTION_HEIGHT: i64 = 7;

/// The names a section is repeated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// The services of the service dashboard being built, sorted.
    PageServices,
    /// Every EKS node pool, sorted.
    NodePools,
}

/// Which services a repeated section is for, by whether they are behind a load balancer (the
/// two kinds have different graphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    All,
    LoadBalanced,
    NotLoadBalanced,
}

/// Widgets repeated for each name of a list, in the generated code (a `for` expression, a
/// Python loop), so that the code does not grow with the number of services. The loop's
/// position is `i`, its name the variable `var`.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    pub names: Names,
    pub var: &'static str,
    pub only: Only,
    pub widgets: Vec<Json>,
}

/// A dashboard body: widgets at fixed places, then the repeated sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub fixed: Vec<Json>,
    pub repeated: Vec<Repeat>,
}

/// A widget as CloudWatch reads it, at `x` and `y`.
/// The text widget across the top of a dashboard.
fn heading(parts: Vec<Part>) -> Json {
    placed("text", 0, Json::Int(0), 24, 2, text(parts).properties)
}

fn placed(kind: &'static str, x: u32, y: Json, width: u32, height: u32, properties: Json) -> Json {
    obj([
        ("type", s(kind)),
        ("x", Json::Int(i64::from(x))),
        ("y", y),
        ("width", Json::Int(i64::from(width))),
        ("height", Json::Int(i64::from(height))),
        ("properties", properties),
    ])
}

/// One section laid out from grid row `first` on for the loop at position `i`.
fn repeated(first: i64, header: Widget, widgets: Vec<Tile<Widget>>) -> Vec<Json> {
    let section = Section {
        header: Tile::new(24, 1, header),
        widgets,
    };
    layout(vec![section])
        .into_iter()
        .map(|tile| {
            let row = Json::Value(Value::Row(first + i64::from(tile.y)));
            placed(
                tile.content.kind,
                tile.x,
                row,
                tile.width,
                tile.height,
                tile.content.properties,
            )
        })
        .collect()
}

/// The graphs of one ECS service, the loop's `service`.
fn service_graphs(load_balanced: bool) -> Vec<Tile<Widget>> {
    let entry = |map, field| Value::Entry {
        map,
        at: "service",
        field,
    };
    let ecs = |metric, stat, label| Series {
        namespace: "AWS/ECS",
        metric,
        dimensions: vec![
            ("ClusterName", Value::Wired("ecs_cluster_name")),
            ("ServiceName", entry("ecs_services", None)),
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
    let width = if load_balanced {
        let alb = || {
            (
                "LoadBalancer",
                entry("load_balancers", Some("alb_arn_suffix")),
            )
        };
        let tg = || {
            (
                "TargetGroup",
                entry("load_balancers", Some("target_group_arn_suffix")),
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
    widgets
}

fn lit(text: &str) -> Part {
    Part::Lit(text.to_string())
}

/// The overview dashboard of an environment, named after it (as the one dashboard of earlier
/// versions was, so its address and name stay): the environment, links to the service
/// dashboards, then a section per node pool.
pub fn overview(watched: &Watched) -> Body {
    let mut fixed = vec![heading(vec![
        lit("# "),
        Part::Value(Value::Setting("name")),
        lit("\nAlarms notify the SNS topic `"),
        Part::Value(Value::TopicName),
        lit("`."),
    ])];
    let mut first = 2;
    if !watched.services.is_empty() {
        fixed.push(placed(
            "text",
            0,
            Json::Int(first),
            24,
            3,
            text(vec![
                lit(&format!(
                    "## ECS services\nOne dashboard per {SERVICES_PER_DASHBOARD} services, \
                     sorted by name: "
                )),
                Part::Value(Value::ServiceDashboardLinks),
            ])
            .properties,
        ));
        first += 3;
    }
    let mut repeated_sections = Vec::new();
    if !watched.node_pools.is_empty() {
        let entry = Value::Entry {
            map: "node_pools",
            at: "pool",
            field: None,
        };
        let ec2 = |metric, stat, label| Series {
            namespace: "AWS/EC2",
            metric,
            dimensions: vec![("AutoScalingGroupName", entry.clone())],
            stat,
            label,
        };
        let header = text(vec![
            lit("## EKS node pool "),
            Part::Value(Value::Name("pool")),
            lit(" (cluster "),
            Part::Value(Value::Wired("eks_cluster_name")),
            lit(")"),
        ]);
        let graphs = vec![
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
        ];
        repeated_sections.push(Repeat {
            names: Names::NodePools,
            var: "pool",
            only: Only::All,
            widgets: repeated(first, header, graphs),
        });
    }
    Body {
        fixed,
        repeated: repeated_sections,
    }
}

/// The body of one service dashboard (`<name>-services-<n>`), or `None` without ECS services:
/// a header linking back to the overview, then a section per service of the dashboard.
pub fn services(watched: &Watched) -> Option<Body> {
    if watched.services.is_empty() {
        return None;
    }
    let header = heading(vec![
        lit("# "),
        Part::Value(Value::Setting("name")),
        lit(": ECS services, dashboard "),
        Part::Value(Value::Page),
        lit("\nBack to the [overview](#dashboards:name="),
        Part::Value(Value::Setting("name")),
        lit("). Alarms notify the SNS topic `"),
        Part::Value(Value::TopicName),
        lit("`."),
    ]);
    let section_header = || {
        text(vec![
            lit("## ECS service "),
            Part::Value(Value::Name("service")),
        ])
    };
    let first = 2;
    let mut repeated_sections = Vec::new();
    let plain = Only::NotLoadBalanced;
    if !watched.load_balanced.is_empty() {
        repeated_sections.push(Repeat {
            names: Names::PageServices,
            var: "service",
            only: Only::LoadBalanced,
            widgets: repeated(first, section_header(), service_graphs(true)),
        });
    }
    repeated_sections.push(Repeat {
        names: Names::PageServices,
        var: "service",
        only: if watched.load_balanced.is_empty() {
            Only::All
        } else {
            plain
        },
        widgets: repeated(first, section_header(), service_graphs(false)),
    });
    Some(Body {
        fixed: vec![header],
        repeated: repeated_sections,
    })
}

/// How many widgets the dashboards of an environment hold, largest first: what CloudWatch
/// limits (500 per dashboard). The generated code computes the same split.
#[cfg(test)]
pub fn widget_counts(watched: &Watched) -> Vec<usize> {
    let overview = overview(watched);
    let pools = overview
        .repeated
        .iter()
        .map(|r| r.widgets.len() * watched.node_pools.len())
        .sum::<usize>();
    let mut counts = vec![overview.fixed.len() + pools];
    if let Some(page) = services(watched) {
        let mut names: Vec<&str> = watched.services.clone();
        names.sort_unstable();
        let per = usize::try_from(SERVICES_PER_DASHBOARD).unwrap_or(usize::MAX);
        for chunk in names.chunks(per) {
            let mut count = page.fixed.len();
            for repeat in &page.repeated {
                let matching = chunk
                    .iter()
                    .filter(|svc| {
                        let lb = watched.load_balanced.contains(svc);
                        match repeat.only {
                            Only::All => true,
                            Only::LoadBalanced => lb,
                            Only::NotLoadBalanced => !lb,
                        }
                    })
                    .count();
                count += matching * repeat.widgets.len();
            }
            counts.push(count);
        }
    }
    counts.sort_unstable_by(|a, b| b.cmp(a));
    counts
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

    fn int(json: &Json) -> i64 {
        match json {
            Json::Int(n) => *n,
            Json::Value(Value::Row(n)) => *n,
            _ => panic!("not a number: {json:?}"),
        }
    }

    #[test]
    fn a_load_balanced_service_gets_request_and_latency_graphs_beside_cpu_and_memory() {
        let page = services(&watched(&["api", "worker"], &["api"], &[])).unwrap();
        let [lb, plain] = page.repeated.as_slice() else {
            panic!("{page:?}")
        };
        assert_eq!(
            (lb.only, plain.only),
            (Only::LoadBalanced, Only::NotLoadBalanced)
        );
        // Header + 4 graphs of 6 columns; header + 2 graphs of 12.
        let widths =
            |r: &Repeat| -> Vec<i64> { r.widgets.iter().map(|w| int(field(w, "width"))).collect() };
        assert_eq!(widths(lb), [24, 6, 6, 6, 6]);
        assert_eq!(widths(plain), [24, 12, 12]);
    }

    #[test]
    fn every_repeated_section_is_section_height_tall_from_the_same_first_row() {
        let w = watched(&["api", "worker"], &["api"], &["general"]);
        let mut repeats = services(&w).unwrap().repeated;
        repeats.extend(overview(&w).repeated);
        for repeat in repeats {
            let top = repeat
                .widgets
                .iter()
                .map(|w| int(field(w, "y")))
                .min()
                .unwrap();
            let bottom = repeat
                .widgets
                .iter()
                .map(|w| int(field(w, "y")) + int(field(w, "height")))
                .max()
                .unwrap();
            assert_eq!(bottom - top, SECTION_HEIGHT, "{:?}", repeat.names);
        }
    }

    #[test]
    fn each_section_reads_only_the_entries_of_its_own_loop() {
        let w = watched(&["api"], &["api"], &["general"]);
        let mut repeats = services(&w).unwrap().repeated;
        repeats.extend(overview(&w).repeated);
        for repeat in repeats {
            let mut found = Vec::new();
            repeat.widgets.iter().for_each(|w| w.values(&mut found));
            for value in found {
                match value {
                    Value::Entry { at, .. } | Value::Name(at) => assert_eq!(at, repeat.var),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn no_dashboard_holds_more_than_cloudwatch_accepts_at_any_scale() {
        for n in [1_usize, 49, 50, 51, 1_000, 5_000] {
            let names: Vec<String> = (0..n).map(|i| format!("svc{i}")).collect();
            let all: Vec<&str> = names.iter().map(String::as_str).collect();
            let counts = widget_counts(&watched(&all, &all, &["general"]));
            assert!(counts[0] <= 500, "{n} services: {counts:?}");
            // The overview, and one dashboard per 50 services.
            assert_eq!(counts.len(), 1 + n.div_ceil(50), "{n} services");
        }
    }

    #[test]
    fn the_overview_links_the_service_dashboards_only_when_there_are_services() {
        let has_links = |w: &Watched| {
            let mut found = Vec::new();
            overview(w).fixed.iter().for_each(|j| j.values(&mut found));
            found.contains(&Value::ServiceDashboardLinks)
        };
        assert!(has_links(&watched(&["api"], &[], &[])));
        assert!(!has_links(&watched(&[], &[], &["general"])));
        assert!(services(&watched(&[], &[], &["general"])).is_none());
    }
}
