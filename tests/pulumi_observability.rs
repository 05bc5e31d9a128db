//! The Pulumi observability component, run under Pulumi's mocks: every alarm notifies the
//! encrypted topic, the topic's key lets CloudWatch use it, thresholds come from the stack
//! config, and the dashboard has Terraform's widgets on the 24-column grid.

mod support;

use hcl::expr::{Expression, ObjectKey};
use iacgen::model::Platform;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ALARM: &str = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DASHBOARD: &str = "aws:cloudwatch/dashboard:Dashboard";
const KEY: &str = "aws:kms/key:Key";
const TOPIC: &str = "aws:sns/topic:Topic";

fn example(name: &str) -> Platform {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.yaml"));
    iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// examples/platform.yaml (services with and without a load balancer, two node pools) with
/// thresholds that differ from each other and from the defaults.
fn watched_platform() -> Platform {
    let mut platform = example("platform");
    let alarms = &mut platform.observability.alarms;
    alarms.error_rate_percent = 3;
    alarms.error_rate_min_requests = 120;
    alarms.latency_p99_seconds = 0.5;
    alarms.cpu_percent = 70;
    alarms.memory_percent = 90;
    platform
}

/// The mock run of [`watched_platform`], shared by the tests (one run takes seconds).
fn watched_report(tools: &Path) -> &'static Value {
    static REPORT: OnceLock<Value> = OnceLock::new();
    REPORT.get_or_init(|| support::mock_run(tools, &watched_platform()))
}

/// The resources of type `kind` created by the observability component.
fn observed<'a>(report: &'a Value, env: &str, kind: &str) -> Vec<&'a Value> {
    support::resources(report, env)
        .into_iter()
        .filter(|r| r["type"] == kind)
        .filter(|r| {
            r["parent"]
                .as_str()
                .is_some_and(|p| p.ends_with("::observability"))
        })
        .collect()
}

fn stack<'a>(report: &'a Value, env: &str) -> &'a Value {
    report["stacks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["stack"] == env)
        .unwrap_or_else(|| panic!("no stack {env}"))
}

fn str_set<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

fn policy(resource: &Value) -> Value {
    let text = resource["inputs"]["policy"].as_str().unwrap_or_default();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("policy: {e}: {text}"))
}

fn statement<'a>(policy: &'a Value, sid: &str) -> &'a Value {
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {policy}"))
}

#[test]
fn every_alarm_notifies_the_topic_when_it_fires_and_when_it_recovers() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    for env in platform.env_names() {
        let topic = &stack(report, env)["outputs"]["alarm_topic_arn"];
        assert!(topic.is_string(), "{env}: no alarm_topic_arn output");
        let alarms = observed(report, env, ALARM);
        assert!(!alarms.is_empty());
        for alarm in alarms {
            let inputs = &alarm["inputs"];
            assert_eq!(inputs["alarmActions"], Value::Array(vec![topic.clone()]));
            assert_eq!(inputs["okActions"], Value::Array(vec![topic.clone()]));
        }
    }
}

#[test]
fn every_service_and_node_pool_has_its_golden_signal_alarms() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    let ecs = platform.ecs.as_ref().map(|e| &e.services);
    let pools = platform.eks.as_ref().map(|e| &e.node_pools);
    for env in platform.env_names() {
        let name = format!("{}-{env}", platform.project);
        let mut expected = BTreeSet::new();
        for (svc, service) in ecs.into_iter().flatten() {
            expected.insert(format!("{name}-{svc}-cpu"));
            expected.insert(format!("{name}-{svc}-memory"));
            if service.port.is_some() {
                expected.insert(format!("{name}-{svc}-5xx-rate"));
                expected.insert(format!("{name}-{svc}-p99-latency"));
            }
        }
        for pool in pools.into_iter().flatten().map(|(p, _)| p) {
            expected.insert(format!("{name}-{pool}-nodes-cpu"));
        }
        let alarms = observed(report, env, ALARM);
        let names = str_set(alarms.iter().map(|a| &a["inputs"]["name"]));
        assert_eq!(names, expected, "{env}");
        assert_eq!(
            alarms.len(),
            expected.len(),
            "{env}: an alarm is duplicated"
        );
    }
}

#[test]
fn alarm_thresholds_come_from_the_stack_config() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    for env in platform.env_names() {
        let config = &stack(report, env)["config"];
        let setting = |key: &str| {
            let text = config[format!("payments:{key}")]
                .as_str()
                .unwrap_or_default();
            text.parse::<f64>()
                .unwrap_or_else(|e| panic!("{env}: {key} = {text:?}: {e}"))
        };
        assert_eq!(setting("alarmErrorRatePercent"), 3.0);
        assert_eq!(setting("alarmLatencyP99Seconds"), 0.5);
        assert_eq!(setting("alarmCpuPercent"), 70.0);
        assert_eq!(setting("alarmMemoryPercent"), 90.0);
        assert_eq!(setting("alarmErrorRateMinRequests"), 120.0);
        for alarm in observed(report, env, ALARM) {
            let name = alarm["inputs"]["name"].as_str().unwrap_or_default();
            let threshold = alarm["inputs"]["threshold"].as_f64();
            if name.ends_with("-5xx-rate") {
                // Enough traffic, and more than one bad period.
                let inputs = &alarm["inputs"];
                assert_eq!(inputs["evaluationPeriods"], 3, "{env}: {name}");
                assert_eq!(inputs["datapointsToAlarm"], 2, "{env}: {name}");
                let expression = inputs["metricQueries"][0]["expression"].as_str();
                assert!(
                    expression.is_some_and(|e| e.starts_with("IF(requests >= 120,")),
                    "{env}: {expression:?}"
                );
            }
            let expected = if name.ends_with("-5xx-rate") {
                3.0
            } else if name.ends_with("-p99-latency") {
                let description = alarm["inputs"]["alarmDescription"].as_str();
                // Written as Terraform writes the number, not as Python's 0.50 or 0.5000.
                assert!(
                    description.is_some_and(|d| d.contains("above 0.5 s")),
                    "{description:?}"
                );
                0.5
            } else if name.ends_with("-memory") {
                90.0
            } else {
                70.0
            };
            assert_eq!(threshold, Some(expected), "{env}: {name}");
        }
    }
}

#[test]
fn the_topic_is_encrypted_with_a_rotated_key_that_cloudwatch_may_use() {
    let Some(tools) = support::tools() else {
        return;
    };
    let report = support::mock_run(&tools, &example("observability-no-dashboard"));
    let keys = observed(&report, "prod", KEY);
    let [key] = keys.as_slice() else {
        panic!("expected one KMS key, got {}", keys.len())
    };
    assert_eq!(key["inputs"]["enableKeyRotation"], true);
    let use_key = statement(&policy(key), "CloudWatchAlarmsUse").clone();
    assert_eq!(use_key["Principal"]["Service"], "cloudwatch.amazonaws.com");
    assert_eq!(
        str_set(use_key["Action"].as_array().into_iter().flatten()),
        BTreeSet::from([
            "kms:Decrypt".to_string(),
            "kms:GenerateDataKey*".to_string()
        ])
    );

    let topics = observed(&report, "prod", TOPIC);
    let [topic] = topics.as_slice() else {
        panic!("expected one topic, got {}", topics.len())
    };
    let key_id = topic["inputs"]["kmsMasterKeyId"]
        .as_str()
        .unwrap_or_default();
    assert!(key_id.starts_with("arn:aws:kms:"), "{key_id}");
    assert!(
        topic["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| *d == key["urn"]),
        "the topic is not encrypted with the alarms key"
    );

    // Only CloudWatch alarms of this account publish to the topic.
    let topic_arn = &stack(&report, "prod")["outputs"]["alarm_topic_arn"];
    let policies = observed(&report, "prod", "aws:sns/topicPolicy:TopicPolicy");
    let [topic_policy] = policies.as_slice() else {
        panic!("expected one topic policy, got {}", policies.len())
    };
    assert_eq!(&topic_policy["inputs"]["arn"], topic_arn);
    let publish = statement(&policy(topic_policy), "CloudWatchAlarmsPublish").clone();
    assert_eq!(&publish["Resource"], topic_arn);
    assert_eq!(publish["Principal"]["Service"], "cloudwatch.amazonaws.com");
    let account = publish["Condition"]["StringEquals"]["aws:SourceAccount"]
        .as_str()
        .unwrap_or_default();
    assert!(
        publish["Condition"]["ArnLike"]["aws:SourceArn"]
            .as_str()
            .is_some_and(|arn| arn.starts_with("arn:aws:cloudwatch:eu-north-1:")
                && arn.ends_with(&format!(":{account}:alarm:*"))),
        "{publish}"
    );
}

#[test]
fn every_alarm_email_is_subscribed_and_the_dashboard_has_the_environment_name() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = example("observability-alarms");
    let report = support::mock_run(&tools, &platform);
    for env in platform.env_names() {
        let outputs = &stack(&report, env)["outputs"];
        let subscriptions = observed(&report, env, "aws:sns/topicSubscription:TopicSubscription");
        let endpoints = str_set(subscriptions.iter().map(|s| &s["inputs"]["endpoint"]));
        let emails: BTreeSet<String> = platform
            .observability
            .alarm_emails
            .iter()
            .cloned()
            .collect();
        assert_eq!(endpoints, emails, "{env}");
        for s in subscriptions {
            assert_eq!(s["inputs"]["protocol"], "email");
            assert_eq!(s["inputs"]["topic"], outputs["alarm_topic_arn"]);
        }
        let dashboards = observed(&report, env, DASHBOARD);
        let [dashboard] = dashboards.as_slice() else {
            panic!("{env}: expected one dashboard, got {}", dashboards.len())
        };
        let name = format!("watchtower-{env}");
        assert_eq!(dashboard["inputs"]["dashboardName"], name.as_str());
        assert_eq!(outputs["dashboard_name"], name.as_str());
        // With no service the dashboard is the environment's header, naming the topic.
        let widgets = dashboard_widgets(dashboard);
        assert_eq!(widgets.len(), 1);
        let markdown = widgets[0]["properties"]["markdown"]
            .as_str()
            .unwrap_or_default();
        assert!(markdown.contains(&format!("`{name}-alarms`")), "{markdown}");
    }
}

#[test]
fn no_dashboard_when_the_spec_turns_it_off() {
    let Some(tools) = support::tools() else {
        return;
    };
    let report = support::mock_run(&tools, &example("observability-no-dashboard"));
    assert!(observed(&report, "prod", DASHBOARD).is_empty());
    let outputs = &stack(&report, "prod")["outputs"];
    assert!(outputs["dashboard_name"].is_null(), "{outputs}");
    assert!(outputs["alarm_topic_arn"].is_string(), "{outputs}");
}

#[test]
fn nothing_to_watch_and_no_one_to_tell_means_no_observability_component() {
    // examples/isolated.yaml: a network only, no alarm e-mail.
    let tree = iacgen::render_pulumi(&example("isolated")).unwrap_or_else(|p| panic!("{p:?}"));
    assert!(tree.get("components/observability.py").is_none());
    let main = tree.get("__main__.py").unwrap_or_default();
    assert!(!main.contains("Observability"), "{main}");
}

/// The widgets of a dashboard resource's body.
fn dashboard_widgets(dashboard: &Value) -> Vec<Value> {
    let body = dashboard["inputs"]["dashboardBody"]
        .as_str()
        .unwrap_or_default();
    let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    body["widgets"].as_array().cloned().unwrap_or_default()
}

fn geometry(widget: &Value) -> [u64; 4] {
    ["x", "y", "width", "height"].map(|k| {
        widget[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} of {widget}"))
    })
}

#[test]
fn dashboard_widgets_stay_on_the_grid_and_never_overlap() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    for env in platform.env_names() {
        let dashboards = observed(report, env, DASHBOARD);
        assert!(
            dashboards.len() > 1,
            "{env}: an overview and a service dashboard"
        );
        for widgets in dashboards.into_iter().map(dashboard_widgets) {
            assert!(widgets.len() > 1);
            for (i, a) in widgets.iter().enumerate() {
                let [x, y, w, h] = geometry(a);
                assert!(
                    w >= 1 && h >= 1 && x + w <= 24,
                    "{env}: widget {i} leaves the grid"
                );
                for (j, b) in widgets.iter().enumerate().skip(i + 1) {
                    let [x2, y2, w2, h2] = geometry(b);
                    let apart = x + w <= x2 || x2 + w2 <= x || y + h <= y2 || y2 + h2 <= y;
                    assert!(apart, "{env}: widgets {i} and {j} overlap");
                }
            }
        }
    }
}

#[test]
fn dashboard_graphs_show_the_alarmed_metrics_and_thresholds() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    for env in platform.env_names() {
        // The dimension values the alarms watch (service names, ARN suffixes, groups).
        let alarms = observed(report, env, ALARM);
        let alarmed: BTreeSet<String> = alarms
            .iter()
            .flat_map(|a| {
                let plain = a["inputs"]["dimensions"].as_object().cloned();
                let queries = a["inputs"]["metricQueries"].as_array().cloned();
                let from_queries = queries
                    .into_iter()
                    .flatten()
                    .filter_map(|q| q["metric"]["dimensions"].as_object().cloned());
                plain
                    .into_iter()
                    .chain(from_queries)
                    .flat_map(|d| d.into_values())
            })
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        // The overview and the service dashboards together.
        let widgets: Vec<Value> = observed(report, env, DASHBOARD)
            .into_iter()
            .flat_map(dashboard_widgets)
            .collect();
        let mut graphed = BTreeSet::new();
        for widget in &widgets {
            let properties = &widget["properties"];
            for metric in properties["metrics"].as_array().into_iter().flatten() {
                let items = metric.as_array().cloned().unwrap_or_default();
                // namespace, name, then dimension name/value pairs, then the options.
                let values = items
                    .get(2..items.len().saturating_sub(1))
                    .unwrap_or_default();
                graphed.extend(
                    values
                        .iter()
                        .skip(1)
                        .step_by(2)
                        .map(|v| v.as_str().unwrap_or_default().to_string()),
                );
            }
            let title = properties["title"].as_str().unwrap_or_default();
            let threshold = properties["annotations"]["horizontal"][0]["value"].as_f64();
            let expected = match title {
                "CPU utilization (%)" | "Node CPU utilization (%)" => Some(70.0),
                "Memory utilization (%)" => Some(90.0),
                "Target response time, p99 (s)" => Some(0.5),
                _ => None,
            };
            assert_eq!(threshold, expected, "{env}: {title}");
            if widget["type"] == "metric" {
                assert_eq!(properties["region"], "us-east-1", "{env}: {title}");
            }
        }
        // The node network graph shows the pools' groups too, nothing else.
        assert_eq!(graphed, alarmed, "{env}");
    }
}

/// A literal HCL expression as JSON; references and templates become `null`.
fn literal(expr: &Expression) -> Value {
    match expr {
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Expression::String(s) => Value::String(s.clone()),
        Expression::Array(items) => Value::Array(items.iter().map(literal).collect()),
        Expression::Object(object) => Value::Object(
            object
                .iter()
                .filter_map(|(k, v)| match k {
                    ObjectKey::Identifier(id) => Some((id.to_string(), literal(v))),
                    ObjectKey::Expression(Expression::String(s)) => Some((s.clone(), literal(v))),
                    _ => None,
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// What a widget shows, without the values that are references in Terraform: type, place,
/// size, title and the metrics' namespaces and names.
fn shape(widget: &Value) -> Value {
    let metrics: Vec<Value> = widget["properties"]["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            Value::Array(
                m.as_array()
                    .into_iter()
                    .flatten()
                    .take(2)
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    serde_json::json!({
        "type": widget["type"],
        "geometry": geometry(widget),
        "title": widget["properties"]["title"],
        "metrics": metrics,
    })
}

#[test]
fn dashboard_widgets_are_the_terraform_modules() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let tree = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let main = tree
        .get("modules/observability/main.tf")
        .unwrap_or_else(|| panic!("no observability module"));
    let body = hcl::parse(main).unwrap_or_else(|e| panic!("{e}"));
    let dashboard = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource" && b.labels()[0].as_str() == "aws_cloudwatch_dashboard"
        })
        .unwrap_or_else(|| panic!("no dashboard in the Terraform module"));
    let Some(Expression::FuncCall(call)) = dashboard
        .body()
        .attributes()
        .find(|a| a.key() == "dashboard_body")
        .map(|a| a.expr())
    else {
        panic!("dashboard_body is not jsonencode(...)")
    };
    // The overview's widgets at fixed places: the first list of `concat(...)`; the repeated
    // sections are `for` expressions, compared through what they draw in the test above.
    let widgets = call.args.first().and_then(|a| match a {
        Expression::Object(o) => o
            .iter()
            .find(|(k, _)| matches!(k, hcl::ObjectKey::Identifier(i) if i.as_str() == "widgets"))
            .map(|(_, v)| v.clone()),
        _ => None,
    });
    let fixed = match widgets {
        Some(Expression::FuncCall(concat)) => concat.args.first().cloned(),
        other => other,
    };
    let terraform: Vec<Value> = fixed
        .map(|f| literal(&f))
        .unwrap_or(Value::Null)
        .as_array()
        .into_iter()
        .flatten()
        .map(shape)
        .collect();
    assert!(
        !terraform.is_empty(),
        "the overview has widgets at fixed places"
    );

    let report = watched_report(&tools);
    for env in platform.env_names() {
        // The overview, by its name: the order of resources in the report is Pulumi's.
        let overview = observed(report, env, DASHBOARD)
            .into_iter()
            .find(|d| {
                d["inputs"]["dashboardName"]
                    .as_str()
                    .is_some_and(|n| !n.contains("-services-"))
            })
            .unwrap_or_else(|| panic!("{env}: no overview dashboard"));
        let pulumi: Vec<Value> = dashboard_widgets(overview)
            .iter()
            .take(terraform.len())
            .map(shape)
            .collect();
        assert_eq!(pulumi, terraform, "{env}");
    }
}

/// Failed deployments reach the alarm topic as in Terraform: an EventBridge rule on
/// `SERVICE_DEPLOYMENT_FAILED` of the stack's own services, targeting the topic, which the
/// topic's policy lets the rule publish to and the topic's key lets EventBridge encrypt for.
#[test]
fn failed_deployments_notify_the_alarm_topic() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = watched_platform();
    let report = watched_report(&tools);
    for env in platform.env_names() {
        let rules = observed(report, env, "aws:cloudwatch/eventRule:EventRule");
        let [rule] = rules.as_slice() else {
            panic!("{env}: one event rule expected, got {}", rules.len());
        };
        let text = rule["inputs"]["eventPattern"].as_str().unwrap_or_default();
        let pattern: Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{env}: {e}: {text}"));
        assert_eq!(pattern["source"], serde_json::json!(["aws.ecs"]));
        assert_eq!(
            pattern["detail-type"],
            serde_json::json!(["ECS Deployment State Change"])
        );
        assert_eq!(
            pattern["detail"]["eventName"],
            serde_json::json!(["SERVICE_DEPLOYMENT_FAILED"])
        );
        // One ARN per ECS service of the stack, in its cluster.
        let services: BTreeSet<String> = support::resources(report, env)
            .into_iter()
            .filter(|r| r["type"] == "aws:ecs/service:Service")
            .map(|r| r["inputs"]["name"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(services.len(), 2, "{env}: {services:?}");
        let arns = str_set(pattern["resources"].as_array().into_iter().flatten());
        let expected: BTreeSet<String> = services
            .iter()
            .map(|svc| {
                format!(
                    "arn:aws:ecs:{}:123456789012:service/{}-{env}/{svc}",
                    platform
                        .region
                        .get(env)
                        .map(String::as_str)
                        .unwrap_or_default(),
                    platform.project
                )
            })
            .collect();
        assert_eq!(arns, expected, "{env}");

        let topic = &stack(report, env)["outputs"]["alarm_topic_arn"];
        let targets = observed(report, env, "aws:cloudwatch/eventTarget:EventTarget");
        let [target] = targets.as_slice() else {
            panic!("{env}: one event target expected, got {}", targets.len());
        };
        assert_eq!(&target["inputs"]["arn"], topic, "{env}");

        let topic_policy = observed(report, env, "aws:sns/topicPolicy:TopicPolicy");
        let publish = statement(&policy(topic_policy[0]), "EventBridgePublish").clone();
        assert_eq!(publish["Principal"]["Service"], "events.amazonaws.com");
        assert_eq!(publish["Action"], "sns:Publish");
        let source = publish["Condition"]["ArnEquals"]["aws:SourceArn"].as_str();
        assert!(
            source.is_some_and(|s| s.contains("deploy-failed")),
            "{env}: {source:?}"
        );
        let key = observed(report, env, KEY)
            .into_iter()
            .find(|k| k["name"].as_str().is_some_and(|n| n.ends_with("-alarms")))
            .unwrap_or_else(|| panic!("{env}: no alarms key"));
        let use_key = statement(&policy(key), "EventBridgeUse").clone();
        assert_eq!(use_key["Principal"]["Service"], "events.amazonaws.com");
    }
}
