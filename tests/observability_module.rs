//! The observability module: alarms that always notify someone, alarms for every golden signal
//! of every service and node pool, and a dashboard laid out on CloudWatch's 24-column grid.

#[path = "../examples/platform.rs"]
mod platform_example;

use hcl::expr::{Expression, ObjectKey};
use iacgen::hcl::print_expr;
use iacgen::model::Platform;
use iacgen::tree::Tree;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn render(platform: &Platform) -> Tree {
    iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn render_example(name: &str) -> Tree {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    render(&iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}")))
}

fn parse(tree: &Tree, path: &str) -> hcl::Body {
    let text = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not generated"));
    hcl::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Top-level blocks `ident "label0" ...` whose first label is `kind`.
fn blocks<'a>(body: &'a hcl::Body, ident: &str, kind: &str) -> Vec<&'a hcl::Block> {
    body.blocks()
        .filter(|b| b.identifier() == ident && b.labels().first().map(|l| l.as_str()) == Some(kind))
        .collect()
}

fn attr<'a>(body: &'a hcl::Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

fn text(expr: &Expression) -> String {
    print_expr(expr)
}

fn key_name(key: &ObjectKey) -> String {
    match key {
        ObjectKey::Identifier(id) => id.to_string(),
        ObjectKey::Expression(Expression::String(s)) => s.clone(),
        ObjectKey::Expression(other) => print_expr(other),
        _ => String::new(),
    }
}

fn field<'a>(object: &'a Expression, name: &str) -> Option<&'a Expression> {
    match object {
        Expression::Object(o) => o.iter().find(|(k, _)| key_name(k) == name).map(|(_, v)| v),
        _ => None,
    }
}

fn object_keys(expr: &Expression) -> BTreeSet<String> {
    match expr {
        Expression::Object(o) => o.keys().map(key_name).collect(),
        other => panic!("not an object: {}", print_expr(other)),
    }
}

fn number(expr: Option<&Expression>) -> u64 {
    match expr {
        Some(Expression::Number(n)) => n
            .as_u64()
            .unwrap_or_else(|| panic!("not a whole number: {n}")),
        other => panic!("not a number: {other:?}"),
    }
}

/// The `module "observability"` call of an environment root.
fn observability_call(tree: &Tree, env: &str) -> hcl::Body {
    let root = parse(tree, &format!("environments/{env}/main.tf"));
    blocks(&root, "module", "observability")
        .first()
        .map(|b| b.body().clone())
        .unwrap_or_else(|| panic!("environments/{env} does not call the observability module"))
}

struct Widget {
    kind: String,
    x: u64,
    y: u64,
    width: u64,
    height: u64,
    properties: String,
}

fn widget(w: &Expression, i: u64, name: Option<(&str, &str)>) -> Widget {
    // A repeated section's rows are `<first> + 7 * i`.
    let y = match field(w, "y") {
        Some(Expression::Number(_)) => number(field(w, "y")),
        Some(other) => {
            let printed = text(other);
            let (first, rest) = printed
                .split_once(" + ")
                .unwrap_or_else(|| panic!("row {printed}"));
            let per = rest
                .strip_suffix(" * i")
                .unwrap_or_else(|| panic!("row {printed}"));
            first.parse::<u64>().unwrap() + per.parse::<u64>().unwrap() * i
        }
        None => panic!("no y"),
    };
    let mut properties = field(w, "properties").map(text).unwrap_or_default();
    if let Some((var, value)) = name {
        properties = properties
            .replace(&format!("[{var}]"), &format!("[\"{value}\"]"))
            .replace(&format!("${{{var}}}"), value);
    }
    Widget {
        kind: match field(w, "type") {
            Some(Expression::String(s)) => s.clone(),
            other => panic!("widget type {other:?}"),
        },
        x: number(field(w, "x")),
        y,
        width: number(field(w, "width")),
        height: number(field(w, "height")),
        properties,
    }
}

/// The widgets of a `jsonencode({ widgets = concat([...], flatten([for i, name in names :
/// [...] if cond]), ...) })` dashboard body, the `for` expressions expanded over `names` as
/// Terraform would (`load_balanced`: the names with a load balancer).
fn expand(body: &Expression, names: &[String], load_balanced: &[String]) -> Vec<Widget> {
    let Expression::FuncCall(call) = body else {
        panic!("dashboard_body is not a jsonencode(...) call");
    };
    assert_eq!(call.name.name.as_str(), "jsonencode");
    let widgets = call.args.first().and_then(|a| field(a, "widgets"));
    let parts: Vec<&Expression> = match widgets {
        Some(Expression::Array(_)) => widgets.into_iter().collect(),
        Some(Expression::FuncCall(concat)) if concat.name.name.as_str() == "concat" => {
            concat.args.iter().collect()
        }
        other => panic!("widgets: {other:?}"),
    };
    let mut out = Vec::new();
    for part in parts {
        match part {
            Expression::Array(fixed) => out.extend(fixed.iter().map(|w| widget(w, 0, None))),
            Expression::FuncCall(flatten) if flatten.name.name.as_str() == "flatten" => {
                let Some(Expression::ForExpr(each)) = flatten.args.first() else {
                    panic!("flatten of something else than a for expression");
                };
                let var = each.value_var.as_str();
                let cond = each.cond_expr.as_ref().map(text).unwrap_or_default();
                let Expression::Array(section) = &each.value_expr else {
                    panic!("a section is a list of widgets");
                };
                for (i, name) in names.iter().enumerate() {
                    let lb = load_balanced.contains(name);
                    let included = match cond.as_str() {
                        "" => true,
                        c if c.starts_with('!') => !lb,
                        _ => lb,
                    };
                    if included {
                        let i = u64::try_from(i).unwrap();
                        out.extend(section.iter().map(|w| widget(w, i, Some((var, name)))));
                    }
                }
            }
            other => panic!("widgets part {}", text(other)),
        }
    }
    out
}

/// Each dashboard of `platform` as Terraform would create it: name (`this` or the service
/// dashboard's number) and widgets.
fn dashboards(tree: &Tree, platform: &Platform) -> Vec<(String, Vec<Widget>)> {
    let main = parse(tree, "modules/observability/main.tf");
    let mut services: Vec<String> = platform
        .ecs
        .iter()
        .flat_map(|e| e.services.keys().cloned())
        .collect();
    services.sort();
    let load_balanced: Vec<String> = platform
        .ecs
        .iter()
        .flat_map(|e| e.services.iter())
        .filter(|(_, s)| s.port.is_some())
        .map(|(n, _)| n.clone())
        .collect();
    let pools: Vec<String> = platform
        .eks
        .iter()
        .flat_map(|e| e.node_pools.keys().cloned())
        .collect();
    let mut out = Vec::new();
    for dashboard in blocks(&main, "resource", "aws_cloudwatch_dashboard") {
        let body = attr(dashboard.body(), "dashboard_body").expect("a dashboard body");
        match dashboard.labels()[1].as_str() {
            "this" => out.push(("this".to_string(), expand(body, &pools, &[]))),
            "services" => {
                for (n, page) in services.chunks(50).enumerate() {
                    out.push(((n + 1).to_string(), expand(body, page, &load_balanced)));
                }
            }
            other => panic!("dashboard {other}"),
        }
    }
    out
}

/// Every widget of every dashboard of the complete example.
fn dashboard_widgets(tree: &Tree, platform: &Platform) -> Vec<Widget> {
    dashboards(tree, platform)
        .into_iter()
        .flat_map(|(_, widgets)| widgets)
        .collect()
}

#[test]
fn every_alarm_notifies_the_alarm_topic_on_alarm_and_recovery() {
    let tree = render(&platform_example::platform());
    let main = parse(&tree, "modules/observability/main.tf");
    let alarms = blocks(&main, "resource", "aws_cloudwatch_metric_alarm");
    assert!(!alarms.is_empty());
    for alarm in alarms {
        let name = alarm.labels()[1].as_str();
        for actions in ["alarm_actions", "ok_actions"] {
            let value = attr(alarm.body(), actions).map(text);
            assert_eq!(
                value.as_deref(),
                Some("[aws_sns_topic.alarms.arn]"),
                "{name}: {actions}"
            );
        }
        let missing = attr(alarm.body(), "treat_missing_data").map(text);
        assert!(
            missing.is_some_and(|m| [
                "\"missing\"",
                "\"notBreaching\"",
                "\"breaching\"",
                "\"ignore\""
            ]
            .contains(&m.as_str())),
            "{name} must choose treat_missing_data"
        );
    }
}

#[test]
fn every_service_and_node_pool_has_its_golden_signal_alarms() {
    let platform = platform_example::platform();
    let tree = render(&platform);
    let main = parse(&tree, "modules/observability/main.tf");

    // Which input each alarm iterates over, and what it measures.
    let alarms: Vec<(String, String)> = blocks(&main, "resource", "aws_cloudwatch_metric_alarm")
        .into_iter()
        .map(|a| {
            let for_each = attr(a.body(), "for_each").map(text).unwrap_or_default();
            let printed = hcl::to_string(a.body()).unwrap_or_default();
            (for_each, printed)
        })
        .collect();
    let over = |input: &str, needle: &str| {
        alarms
            .iter()
            .any(|(for_each, body)| for_each == input && body.contains(needle))
    };
    assert!(
        over("var.load_balancers", "HTTPCode_Target_5XX_Count"),
        "5xx rate alarm"
    );
    assert!(
        over("var.load_balancers", "RequestCount"),
        "5xx rate is a rate of requests"
    );
    assert!(over("var.load_balancers", "p99"), "p99 latency alarm");
    assert!(
        over("var.ecs_services", "CPUUtilization"),
        "service CPU alarm"
    );
    assert!(
        over("var.ecs_services", "MemoryUtilization"),
        "service memory alarm"
    );
    assert!(
        over("var.node_pools", "CPUUtilization"),
        "node pool CPU alarm"
    );

    // The root feeds those inputs with every service, every load-balanced service and every
    // node pool, from the contract outputs of their modules.
    let ecs = platform.ecs.as_ref().map(|e| &e.services);
    let services: BTreeSet<String> = ecs.iter().flat_map(|s| s.keys().cloned()).collect();
    let balanced: BTreeSet<String> = ecs
        .iter()
        .flat_map(|s| s.iter())
        .filter(|(_, svc)| svc.port.is_some())
        .map(|(name, _)| name.clone())
        .collect();
    let pools: BTreeSet<String> = platform
        .eks
        .iter()
        .flat_map(|e| e.node_pools.keys().cloned())
        .collect();
    assert!(!services.is_empty() && !balanced.is_empty() && !pools.is_empty());
    for env in platform.env_names() {
        let call = observability_call(&tree, env);
        let input = |name: &str| {
            attr(&call, name)
                .unwrap_or_else(|| panic!("{env}: no {name} input"))
                .clone()
        };
        assert_eq!(object_keys(&input("ecs_services")), services);
        assert_eq!(object_keys(&input("load_balancers")), balanced);
        assert_eq!(object_keys(&input("node_pools")), pools);
        for svc in &balanced {
            let module = format!("module.service_{}", svc.replace('-', "_"));
            let wiring = text(field(&input("load_balancers"), svc).expect("entry"));
            assert!(
                wiring.contains(&format!("{module}.alb_arn_suffix")),
                "{wiring}"
            );
            assert!(
                wiring.contains(&format!("{module}.target_group_arn_suffix")),
                "{wiring}"
            );
        }
        assert_eq!(
            text(&input("ecs_cluster_name")),
            "module.ecs_cluster.cluster_name"
        );
        for pool in &pools {
            let wiring = text(field(&input("node_pools"), pool).expect("entry"));
            assert!(
                wiring.starts_with("module.eks.node_group_autoscaling_group_names["),
                "{wiring}"
            );
        }
    }
}

#[test]
fn the_5xx_rate_alarm_needs_enough_traffic_and_more_than_one_bad_period() {
    let mut platform = platform_example::platform();
    platform.observability.alarms.error_rate_min_requests = 120;
    let tree = render(&platform);
    let main = parse(&tree, "modules/observability/main.tf");
    let alarm = blocks(&main, "resource", "aws_cloudwatch_metric_alarm")
        .into_iter()
        .find(|a| {
            a.labels()
                .get(1)
                .is_some_and(|l| l.as_str() == "error_rate")
        })
        .expect("the 5xx-rate alarm");
    let periods = number(attr(alarm.body(), "evaluation_periods"));
    let datapoints = number(attr(alarm.body(), "datapoints_to_alarm"));
    assert!(
        datapoints >= 2 && datapoints <= periods,
        "{datapoints} of {periods}"
    );
    // The rate is 0 (never a breach) below the minimum request count.
    let printed = hcl::to_string(alarm.body()).unwrap_or_default();
    assert!(
        printed.contains("IF(requests >= ${var.alarm_error_rate_min_requests},"),
        "{printed}"
    );
    for env in platform.env_names() {
        let tfvars = parse(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            number(attr(&tfvars, "alarm_error_rate_min_requests")),
            120,
            "{env}"
        );
    }
}

#[test]
fn the_readme_says_who_the_alarms_notify() {
    let mut platform = platform_example::platform();
    let readme = |p: &Platform| {
        render(p)
            .get("modules/observability/README.md")
            .unwrap_or_default()
            .to_string()
    };
    assert!(readme(&platform).contains("`oncall@example.com` is subscribed"));
    platform.observability.alarm_emails.clear();
    assert!(readme(&platform).contains("NOBODY is subscribed"));
    platform.observability.external_alarm_subscribers = true;
    assert!(readme(&platform).contains("subscribed outside iacgen"));
}

#[test]
fn alarm_thresholds_come_from_the_spec() {
    let mut platform = platform_example::platform();
    platform.observability.alarms.latency_p99_seconds = 0.75;
    platform.observability.alarms.memory_percent = 90;
    let tree = render(&platform);
    for env in platform.env_names() {
        let tfvars = parse(&tree, &format!("environments/{env}/terraform.tfvars"));
        let value = |name: &str| attr(&tfvars, name).map(text);
        assert_eq!(value("alarm_latency_p99_seconds").as_deref(), Some("0.75"));
        assert_eq!(value("alarm_memory_percent").as_deref(), Some("90"));
        assert_eq!(value("alarm_error_rate_percent").as_deref(), Some("5"));
        assert_eq!(value("alarm_cpu_percent").as_deref(), Some("80"));
    }
}

#[test]
fn dashboard_widgets_stay_on_the_grid_and_never_overlap() {
    let mut platform = platform_example::platform();
    // More than one service dashboard, with services of both kinds on each.
    let ecs = platform.ecs.as_mut().unwrap();
    for i in 0..60 {
        let from = if i % 2 == 0 { "api" } else { "worker" };
        let svc = ecs.services[from].clone();
        ecs.services.insert(format!("svc{i:02}"), svc);
    }
    let tree = render(&platform);
    let all = dashboards(&tree, &platform);
    assert_eq!(all.len(), 3, "the overview and two service dashboards");
    for (name, widgets) in all {
        assert!(widgets.len() <= 500, "dashboard {name}: CloudWatch's limit");
        grid_check(&name, &widgets);
    }
}

fn grid_check(name: &str, widgets: &[Widget]) {
    for (i, a) in widgets.iter().enumerate() {
        assert!(a.width >= 1 && a.height >= 1);
        assert!(
            a.x + a.width <= 24,
            "widget {i} ends at column {}",
            a.x + a.width
        );
        for (j, b) in widgets.iter().enumerate().skip(i + 1) {
            let apart = a.x + a.width <= b.x
                || b.x + b.width <= a.x
                || a.y + a.height <= b.y
                || b.y + b.height <= a.y;
            assert!(apart, "{name}: widgets {i} and {j} overlap");
        }
    }
}

#[test]
fn dashboard_has_a_header_row_and_graphs_for_every_service_and_node_pool() {
    let platform = platform_example::platform();
    let tree = render(&platform);
    let widgets = dashboard_widgets(&tree, &platform);
    let header = |name: &str| {
        widgets
            .iter()
            .find(|w| w.kind == "text" && w.width == 24 && w.properties.contains(name))
            .unwrap_or_else(|| panic!("no header row for {name}"))
    };
    let graphs_below = |header: &Widget, reference: &str| {
        widgets
            .iter()
            .filter(|w| w.kind == "metric" && w.y >= header.y + header.height)
            .filter(|w| w.properties.contains(reference))
            .count()
    };
    let services = platform
        .ecs
        .as_ref()
        .map(|e| e.services.keys().collect::<Vec<_>>());
    for svc in services.unwrap_or_default() {
        let reference = format!("var.ecs_services[\"{svc}\"]");
        assert!(
            graphs_below(header(&format!("ECS service {svc}")), &reference) >= 2,
            "{svc}"
        );
    }
    let pools = platform
        .eks
        .as_ref()
        .map(|e| e.node_pools.keys().collect::<Vec<_>>());
    for pool in pools.unwrap_or_default() {
        let reference = format!("var.node_pools[\"{pool}\"]");
        assert!(
            graphs_below(header(&format!("node pool {pool}")), &reference) >= 1,
            "{pool}"
        );
    }
}

#[test]
fn without_services_the_dashboard_is_the_environment_header_and_alarms_go_to_every_address() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/observability-alarms.yaml");
    let platform = iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let tree = render(&platform);
    let widgets = dashboard_widgets(&tree, &platform);
    assert_eq!(widgets.len(), 1);
    assert_eq!((widgets[0].kind.as_str(), widgets[0].width), ("text", 24));

    let main = parse(&tree, "modules/observability/main.tf");
    assert!(blocks(&main, "resource", "aws_cloudwatch_metric_alarm").is_empty());
    let topic = blocks(&main, "resource", "aws_sns_topic");
    let kms = topic
        .first()
        .and_then(|t| attr(t.body(), "kms_master_key_id"))
        .map(text);
    assert_eq!(kms.as_deref(), Some("aws_kms_key.alarms.arn"));
    let subscriptions = blocks(&main, "resource", "aws_sns_topic_subscription");
    let for_each = subscriptions
        .first()
        .and_then(|s| attr(s.body(), "for_each"))
        .map(text);
    assert_eq!(for_each.as_deref(), Some("toset(var.alarm_emails)"));
    for env in ["staging", "prod"] {
        let tfvars = parse(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            attr(&tfvars, "alarm_emails").map(text).as_deref(),
            Some("[\"oncall@example.com\", \"sre-team@example.com\"]")
        );
    }
}

#[test]
fn dashboard_false_leaves_the_dashboard_out() {
    let tree = render_example("observability-no-dashboard.yaml");
    let main = parse(&tree, "modules/observability/main.tf");
    assert!(blocks(&main, "resource", "aws_cloudwatch_dashboard").is_empty());
    assert!(!blocks(&main, "resource", "aws_sns_topic").is_empty());
    let outputs = tree
        .get("modules/observability/outputs.tf")
        .unwrap_or_default();
    assert!(!outputs.contains("dashboard"));
}

#[test]
fn nothing_to_watch_and_no_one_to_tell_means_no_observability_module() {
    let tree = render_example("minimal.yaml");
    assert!(
        tree.paths()
            .all(|p| !p.starts_with("modules/observability/"))
    );
    let root = tree.get("environments/dev/main.tf").unwrap_or_default();
    assert!(!root.contains("observability"));
}

/// A deployment the circuit breaker rolls back (started by a pipeline or a task replacement,
/// with no apply waiting) reaches the alarm topic through EventBridge, which the topic's policy
/// and its key let publish; a platform without ECS services has none of it.
#[test]
fn failed_deployments_notify_the_alarm_topic() {
    let tree = render(&platform_example::platform());
    let main = parse(&tree, "modules/observability/main.tf");
    let rules = blocks(&main, "resource", "aws_cloudwatch_event_rule");
    let [rule] = rules.as_slice() else {
        panic!("one event rule expected, got {}", rules.len());
    };
    assert_eq!(rule.labels()[1].as_str(), "deployment_failed");
    let pattern = attr(rule.body(), "event_pattern")
        .map(text)
        .unwrap_or_default();
    for part in [
        r#"source        = ["aws.ecs"]"#,
        r#""detail-type" = ["ECS Deployment State Change"]"#,
        r#"eventName = ["SERVICE_DEPLOYMENT_FAILED"]"#,
        // The environment's own services, by ARN in its cluster.
        "for service in values(var.ecs_services) :",
        ":service/${var.ecs_cluster_name}/${service}",
    ] {
        assert!(pattern.contains(part), "{part} not in {pattern}");
    }
    let targets = blocks(&main, "resource", "aws_cloudwatch_event_target");
    let [target] = targets.as_slice() else {
        panic!("one event target expected, got {}", targets.len());
    };
    assert_eq!(
        attr(target.body(), "rule").map(text).as_deref(),
        Some("aws_cloudwatch_event_rule.deployment_failed.name")
    );
    assert_eq!(
        attr(target.body(), "arn").map(text).as_deref(),
        Some("aws_sns_topic.alarms.arn")
    );
    // The topic lets this rule (and only it) publish; the key lets EventBridge encrypt.
    let statement = |document: &str, sid: &str| -> String {
        let doc = blocks(&main, "data", "aws_iam_policy_document")
            .into_iter()
            .find(|d| d.labels()[1].as_str() == document)
            .unwrap_or_else(|| panic!("no policy document {document}"));
        let found = doc
            .body()
            .blocks()
            .find(|s| attr(s.body(), "sid").map(text).as_deref() == Some(&format!("\"{sid}\"")))
            .unwrap_or_else(|| panic!("{document}: no statement {sid}"));
        hcl::format::to_string(found.body()).unwrap_or_default()
    };
    let publish = statement("alarms_topic", "EventBridgePublish");
    assert!(publish.contains("\"sns:Publish\""), "{publish}");
    assert!(publish.contains("\"events.amazonaws.com\""), "{publish}");
    assert!(
        publish.contains("aws_cloudwatch_event_rule.deployment_failed.arn"),
        "{publish}"
    );
    let key = statement("alarms_key", "EventBridgeUse");
    assert!(key.contains("\"events.amazonaws.com\""), "{key}");
    assert!(key.contains("kms:GenerateDataKey*"), "{key}");

    // No ECS service: no rule and no EventBridge grant.
    let tree = render_example("observability-alarms.yaml");
    let main = parse(&tree, "modules/observability/main.tf");
    assert!(blocks(&main, "resource", "aws_cloudwatch_event_rule").is_empty());
    assert!(
        !tree
            .get("modules/observability/main.tf")
            .unwrap_or_default()
            .contains("events.amazonaws.com")
    );
}
