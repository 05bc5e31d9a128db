//! `modules/observability`: an encrypted SNS topic for alarms with e-mail subscriptions,
//! golden-signal alarms per service and node pool, and a dashboard per environment.
//!
//! The module watches what other modules create, so its inputs are maps the root wires from
//! their outputs (`module.service_<svc>.alb_arn_suffix`, `module.eks.node_group_...`), keyed by
//! spec name so that alarm addresses stay stable as services and pools come and go.

use super::common::name_tags;
use super::interface::{Output, Variable};
use super::kms::{Grant, key, key_policy};
use super::module::{Input, Module};
use crate::hcl::{
    Body, Expr, Part, block, data, ex, list, num, obj, resource, s, strings, template, variable,
};
use crate::model::{Alarms, Platform};
use crate::observability::Watched;
use crate::observability::dashboard::{self, Json, Value};
use crate::terraform::common::{condition, principals};
use hcl::Identifier;
use hcl::expr::{ForExpr, FuncCall, Traversal};
use std::collections::BTreeMap;

/// The name of the root's `module` block for an ECS service (the ecs-service contract).
pub fn service_module_name(service: &str) -> String {
    format!("service_{}", service.replace('-', "_"))
}

/// Builds the observability module, or `None` when the platform has nothing to watch and no one
/// to tell (no ECS service, no EKS cluster, no alarm e-mail).
pub fn module(platform: &Platform) -> Option<Module> {
    let watched = Watched::of(platform);
    let obs = &platform.observability;
    if watched.services.is_empty() && platform.eks.is_none() && obs.alarm_emails.is_empty() {
        return None;
    }

    let mut main = Body::new()
        .block(data("aws_caller_identity", "current", Body::new()))
        .block(data("aws_partition", "current", Body::new()))
        .block(data("aws_region", "current", Body::new()))
        .extend(topic(!watched.services.is_empty()))
        .extend(alarms(&watched));
    if !watched.services.is_empty() {
        main = main.extend(failed_deployments());
    }
    if obs.dashboard {
        main = main.extend(dashboards(&watched));
    }

    let mut outputs = vec![Output::new(
        "alarm_topic_arn",
        "ARN of the SNS topic every alarm notifies; subscribe more endpoints to it.",
        ex("aws_sns_topic.alarms.arn"),
    )];
    if obs.dashboard {
        outputs.push(Output::new(
            "dashboard_name",
            "Name of the CloudWatch dashboard of this environment.",
            ex("aws_cloudwatch_dashboard.this.dashboard_name"),
        ));
    }

    Some(Module {
        dir: "observability".to_string(),
        name: "observability".to_string(),
        var_prefix: String::new(),
        summary: format!(
            "Alarm notifications (a KMS-encrypted SNS topic with e-mail subscriptions), \
             golden-signal CloudWatch alarms for every service and node pool, and the \
             environment's CloudWatch dashboards (an overview, and one per 50 services). {}{}",
            crate::observability::who_is_notified(platform),
            crate::observability::failed_deployments_note(&watched)
        ),
        main,
        inputs: inputs(platform, &watched),
        outputs,
    })
}

/// The KMS key, the topic, who may publish to it, and the e-mail subscriptions. With
/// `services`, EventBridge publishes their failed deployments too ([`failed_deployments`]).
fn topic(services: bool) -> Body {
    // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it
    // (the AWS managed SNS key does not, hence a customer-managed key).
    let cloudwatch = Grant {
        sid: "CloudWatchAlarmsUse",
        actions: vec!["kms:Decrypt", "kms:GenerateDataKey*"],
        principal_type: "Service",
        principals: vec!["cloudwatch.amazonaws.com"],
    };
    let mut grants = vec![cloudwatch];
    if services {
        // EventBridge delivers to an encrypted topic only with the key, as CloudWatch does.
        grants.push(Grant {
            sid: "EventBridgeUse",
            actions: vec!["kms:Decrypt", "kms:GenerateDataKey*"],
            principal_type: "Service",
            principals: vec!["events.amazonaws.com"],
        });
    }
    let account_root = ex(
        r#"["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]"#,
    );
    let mut topic_policy = Body::new()
        .block(block(
            "statement",
            &[],
            Body::new()
                .attr("sid", s("AccountManages"))
                .attr(
                    "actions",
                    strings([
                        "sns:AddPermission",
                        "sns:DeleteTopic",
                        "sns:GetTopicAttributes",
                        "sns:ListSubscriptionsByTopic",
                        "sns:Publish",
                        "sns:RemovePermission",
                        "sns:SetTopicAttributes",
                        "sns:Subscribe",
                    ]),
                )
                .attr("resources", ex("[aws_sns_topic.alarms.arn]"))
                .blank()
                .block(principals("AWS", account_root)),
        ))
        .block(block(
            "statement",
            &[],
            Body::new()
                .attr("sid", s("CloudWatchAlarmsPublish"))
                .attr("actions", strings(["sns:Publish"]))
                .attr("resources", ex("[aws_sns_topic.alarms.arn]"))
                .blank()
                .block(principals("Service", strings(["cloudwatch.amazonaws.com"])))
                .block(condition("StringEquals", "aws:SourceAccount", ex("[data.aws_caller_identity.current.account_id]")))
                .block(condition("ArnLike", "aws:SourceArn", ex(r#"["arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:*"]"#),
                )),
        ));
    if services {
        topic_policy = topic_policy.block(block(
            "statement",
            &[],
            Body::new()
                .attr("sid", s("EventBridgePublish"))
                .attr("actions", strings(["sns:Publish"]))
                .attr("resources", ex("[aws_sns_topic.alarms.arn]"))
                .blank()
                .block(principals("Service", strings(["events.amazonaws.com"])))
                .block(condition(
                    "ArnEquals",
                    "aws:SourceArn",
                    ex("[aws_cloudwatch_event_rule.deployment_failed.arn]"),
                )),
        ));
    }
    Body::new()
        .block(key_policy("alarms", &grants))
        .extend(key(
            "alarms",
            "${var.name}-alarms",
            "Alarm notifications of ${var.name}",
            false,
        ))
        .block(resource(
            "aws_sns_topic",
            "alarms",
            Body::new()
                .attr("name", ex(r#""${var.name}-alarms""#))
                .attr("kms_master_key_id", ex("aws_kms_key.alarms.arn"))
                .blank()
                .attr("tags", name_tags("${var.name}-alarms")),
        ))
        .block(data(
            "aws_iam_policy_document",
            "alarms_topic",
            topic_policy,
        ))
        .block(resource(
            "aws_sns_topic_policy",
            "alarms",
            Body::new()
                .attr("arn", ex("aws_sns_topic.alarms.arn"))
                .attr(
                    "policy",
                    ex("data.aws_iam_policy_document.alarms_topic.json"),
                ),
        ))
        .block(resource(
            "aws_sns_topic_subscription",
            "email",
            Body::new()
                .comment(
                    "Each address gets a confirmation e-mail; it receives alarms once confirmed.",
                )
                .attr("for_each", ex("toset(var.alarm_emails)"))
                .blank()
                .attr("topic_arn", ex("aws_sns_topic.alarms.arn"))
                .attr("protocol", s("email"))
                .attr("endpoint", ex("each.key")),
        ))
}

/// Failed ECS deployments reach the alarm topic. The circuit breaker rolls a failed deployment
/// back and the apply waits for a steady state, but a deployment started outside Terraform (a
/// pipeline, a scaling event replacing tasks) fails with nobody watching: ECS reports it to
/// EventBridge as `SERVICE_DEPLOYMENT_FAILED`, which this rule forwards for the environment's
/// own services (by service ARN, so other services in the account stay out).
fn failed_deployments() -> Body {
    Body::new()
        .block(resource(
            "aws_cloudwatch_event_rule",
            "deployment_failed",
            Body::new()
                .attr("name", ex(r#""${var.name}-deploy-failed""#))
                .attr(
                    "description",
                    s("ECS deployments of this environment's services that failed (rolled back by the circuit breaker)"),
                )
                .attr(
                    "event_pattern",
                    ex(r#"jsonencode({
  source        = ["aws.ecs"]
  "detail-type" = ["ECS Deployment State Change"]
  resources     = [for service in values(var.ecs_services) : "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:service/${var.ecs_cluster_name}/${service}"]
  detail = {
    eventName = ["SERVICE_DEPLOYMENT_FAILED"]
  }
})"#),
                )
                .blank()
                .attr("tags", name_tags("${var.name}-deploy-failed")),
        ))
        .block(resource(
            "aws_cloudwatch_event_target",
            "deployment_failed",
            Body::new()
                .attr("rule", ex("aws_cloudwatch_event_rule.deployment_failed.name"))
                .attr("target_id", s("alarm-topic"))
                .attr("arn", ex("aws_sns_topic.alarms.arn")),
        ))
}

/// One alarm resource, `for_each` over a map input, notifying the topic on ALARM and OK.
struct Alarm {
    id: &'static str,
    for_each: &'static str,
    /// Template text after `${var.name}-${each.key}-`.
    suffix: &'static str,
    /// Template text.
    description: &'static str,
    threshold: &'static str,
    evaluation_periods: i64,
    datapoints_to_alarm: i64,
    treat_missing_data: &'static str,
    /// Why `treat_missing_data` is what it is, as a comment in the code.
    missing_because: &'static str,
    /// The metric: plain metric arguments or `metric_query` blocks.
    metric: Body,
}

impl Alarm {
    fn into_block(self) -> crate::hcl::Block {
        resource(
            "aws_cloudwatch_metric_alarm",
            self.id,
            Body::new()
                .attr("for_each", ex(self.for_each))
                .blank()
                .attr(
                    "alarm_name",
                    ex(&format!("\"${{var.name}}-${{each.key}}-{}\"", self.suffix)),
                )
                .attr(
                    "alarm_description",
                    ex(&format!("\"{}\"", self.description)),
                )
                .attr("comparison_operator", s("GreaterThanThreshold"))
                .attr("threshold", ex(self.threshold))
                .attr("evaluation_periods", num(self.evaluation_periods))
                .attr("datapoints_to_alarm", num(self.datapoints_to_alarm))
                .blank()
                .comment(self.missing_because)
                .attr("treat_missing_data", s(self.treat_missing_data))
                .blank()
                .extend(self.metric)
                .blank()
                .attr("alarm_actions", ex("[aws_sns_topic.alarms.arn]"))
                .attr("ok_actions", ex("[aws_sns_topic.alarms.arn]"))
                .blank()
                .attr(
                    "tags",
                    name_tags(&format!("${{var.name}}-${{each.key}}-{}", self.suffix)),
                ),
        )
    }
}

/// A plain metric: namespace, name, statistic, period and dimensions.
fn metric(
    namespace: &str,
    name: &str,
    statistic: (&str, &str),
    period: i64,
    dimensions: Expr,
) -> Body {
    Body::new()
        .attr("namespace", s(namespace))
        .attr("metric_name", s(name))
        .attr(statistic.0, s(statistic.1))
        .attr("period", num(period))
        .attr("dimensions", dimensions)
}

/// `metric_query { id = ..., metric { ... } }` for one ALB count metric summed over 5 minutes.
fn alb_count_query(id: &str, name: &str, dimensions: Expr) -> crate::hcl::Block {
    block(
        "metric_query",
        &[],
        Body::new().attr("id", s(id)).blank().block(block(
            "metric",
            &[],
            Body::new()
                .attr("namespace", s("AWS/ApplicationELB"))
                .attr("metric_name", s(name))
                .attr("stat", s("Sum"))
                .attr("period", num(300))
                .attr("dimensions", dimensions),
        )),
    )
}

fn alarms(watched: &Watched) -> Body {
    let lb = || ex("{ LoadBalancer = each.value.alb_arn_suffix }");
    let lb_tg = || {
        ex(
            "{ LoadBalancer = each.value.alb_arn_suffix, TargetGroup = each.value.target_group_arn_suffix }",
        )
    };
    let mut alarms = Vec::new();
    if !watched.load_balanced.is_empty() {
        alarms.push(Alarm {
            id: "error_rate",
            for_each: "var.load_balancers",
            suffix: "5xx-rate",
            description: "More than ${var.alarm_error_rate_percent}% of the requests to ${each.key} failed with a 5xx error in 2 of the last 3 five-minute periods (counted from ${var.alarm_error_rate_min_requests} requests per period).",
            threshold: "var.alarm_error_rate_percent",
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means no errors.",
            metric: Body::new()
                .block(block(
                    "metric_query",
                    &[],
                    Body::new()
                        .attr("id", s("error_rate"))
                        .attr("label", s("5xx responses (% of requests)"))
                        .comment("5xx counts are absent, not zero, when nothing failed. Below the minimum")
                        .comment("request count the rate is 0: a few errors among a handful of requests are noise.")
                        .attr(
                            "expression",
                            ex(r#""IF(requests >= ${var.alarm_error_rate_min_requests}, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)""#),
                        )
                        .attr("return_data", true),
                ))
                .block(alb_count_query("requests", "RequestCount", lb()))
                .block(alb_count_query("target_5xx", "HTTPCode_Target_5XX_Count", lb_tg()))
                .block(alb_count_query("elb_5xx", "HTTPCode_ELB_5XX_Count", lb())),
        });
        alarms.push(Alarm {
            id: "latency_p99",
            for_each: "var.load_balancers",
            suffix: "p99-latency",
            description: "The 99th percentile response time of ${each.key} was above ${var.alarm_latency_p99_seconds} s in 3 of the last 5 minutes.",
            threshold: "var.alarm_latency_p99_seconds",
            evaluation_periods: 5,
            datapoints_to_alarm: 3,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means nothing was slow.",
            metric: metric(
                "AWS/ApplicationELB",
                "TargetResponseTime",
                ("extended_statistic", "p99"),
                60,
                lb_tg(),
            )
            .comment("A p99 of a handful of requests is noise: keep the state until there are enough.")
            .attr("evaluate_low_sample_count_percentiles", s("ignore")),
        });
    }
    let ecs = ex("{ ClusterName = var.ecs_cluster_name, ServiceName = each.value }");
    if !watched.services.is_empty() {
        let utilization = [
            (
                "service_cpu",
                "cpu",
                "CPUUtilization",
                "var.alarm_cpu_percent",
                "Average CPU use of the tasks of ${each.key} was above ${var.alarm_cpu_percent}% for 15 minutes.",
            ),
            (
                "service_memory",
                "memory",
                "MemoryUtilization",
                "var.alarm_memory_percent",
                "Average memory use of the tasks of ${each.key} was above ${var.alarm_memory_percent}% for 15 minutes.",
            ),
        ];
        for (id, suffix, metric_name, threshold, description) in utilization {
            alarms.push(Alarm {
                id,
                for_each: "var.ecs_services",
                suffix,
                description,
                threshold,
                evaluation_periods: 3,
                datapoints_to_alarm: 3,
                treat_missing_data: "missing",
                missing_because: "No data means no running task: not high use, but worth seeing, so the alarm shows INSUFFICIENT_DATA.",
                metric: metric("AWS/ECS", metric_name, ("statistic", "Average"), 300, ecs.clone()),
            });
        }
    }
    if !watched.node_pools.is_empty() {
        alarms.push(Alarm {
            id: "node_pool_cpu",
            for_each: "var.node_pools",
            suffix: "nodes-cpu",
            description: "Average CPU use of the nodes of pool ${each.key} (cluster ${var.eks_cluster_name}) was above ${var.alarm_cpu_percent}% for 15 minutes.",
            threshold: "var.alarm_cpu_percent",
            evaluation_periods: 3,
            datapoints_to_alarm: 3,
            treat_missing_data: "missing",
            missing_because: "No data means no node in the pool (scaled to zero): not high use, but worth seeing.",
            metric: metric(
                "AWS/EC2",
                "CPUUtilization",
                ("statistic", "Average"),
                300,
                ex("{ AutoScalingGroupName = each.value }"),
            ),
        });
    }
    Body::new().blocks(alarms.into_iter().map(Alarm::into_block))
}

/// `var.<map>[<at>]` followed by attributes: the entry of a map input at a loop's name.
fn var_entry(map: &str, at: &str, attrs: &[&str]) -> Expr {
    let mut builder = Traversal::builder(variable("var"))
        .attr(Identifier::unchecked(map))
        .index(variable(at));
    for attr in attrs {
        builder = builder.attr(Identifier::unchecked(*attr));
    }
    Expr::Traversal(Box::new(builder.build()))
}

/// The dashboards: the overview (`this`, named after the environment, as the one dashboard of
/// earlier versions was) and, with ECS services, one dashboard per
/// [`dashboard::SERVICES_PER_DASHBOARD`] services, `for_each` over the sorted service names cut
/// into pages. Sections are `for` expressions over the names, so the module's code is the same
/// for 1 or 1,000 services, and no dashboard exceeds CloudWatch's 500 widgets.
fn dashboards(watched: &Watched) -> Body {
    let mut out = Body::new();
    let pages = dashboard::services(watched);
    if pages.is_some() {
        out = out.block(block(
            "locals",
            &[],
            Body::new()
                .comment(&format!(
                    "Services on dashboards of {} each, sorted by name: CloudWatch accepts at most 500",
                    dashboard::SERVICES_PER_DASHBOARD
                ))
                .comment("widgets on a dashboard.")
                .attr(
                    "service_dashboards",
                    ex(&format!(
                        "chunklist(sort(keys(var.ecs_services)), {})",
                        dashboard::SERVICES_PER_DASHBOARD
                    )),
                ),
        ));
    }
    out = out.block(resource(
        "aws_cloudwatch_dashboard",
        "this",
        Body::new()
            .attr("dashboard_name", ex("var.name"))
            .attr("dashboard_body", body_expr(dashboard::overview(watched))),
    ));
    if let Some(page) = pages {
        out = out.block(resource(
            "aws_cloudwatch_dashboard",
            "services",
            Body::new()
                .attr(
                    "for_each",
                    ex("{ for n, services in local.service_dashboards : tostring(n + 1) => services }"),
                )
                .blank()
                .attr("dashboard_name", ex(r#""${var.name}-services-${each.key}""#))
                .attr("dashboard_body", body_expr(page)),
        ));
    }
    out
}

/// `jsonencode({ widgets = concat([...], flatten([for i, name in names : [...] if ...]), ...) })`
fn body_expr(body: dashboard::Body) -> Expr {
    let fixed = list(body.fixed.into_iter().map(json));
    let widgets = if body.repeated.is_empty() {
        fixed
    } else {
        let mut call = FuncCall::builder("concat").arg(fixed);
        for repeat in body.repeated {
            let names = match repeat.names {
                dashboard::Names::PageServices => ex("each.value"),
                dashboard::Names::NodePools => ex("sort(keys(var.node_pools))"),
            };
            let load_balanced = format!("contains(keys(var.load_balancers), {})", repeat.var);
            let cond = match repeat.only {
                dashboard::Only::All => None,
                dashboard::Only::LoadBalanced => Some(ex(&load_balanced)),
                dashboard::Only::NotLoadBalanced => Some(ex(&format!("!{load_balanced}"))),
            };
            let mut each = ForExpr::new(
                Identifier::unchecked(repeat.var),
                names,
                list(repeat.widgets.into_iter().map(json)),
            )
            .with_key_var(Identifier::unchecked("i"));
            if let Some(cond) = cond {
                each = each.with_cond_expr(cond);
            }
            call = call.arg(Expr::FuncCall(Box::new(
                FuncCall::builder("flatten")
                    .arg(Expr::ForExpr(Box::new(each)))
                    .build(),
            )));
        }
        Expr::FuncCall(Box::new(call.build()))
    };
    Expr::FuncCall(Box::new(
        FuncCall::builder("jsonencode")
            .arg(obj([("widgets", widgets)]))
            .build(),
    ))
}

fn json(value: Json) -> Expr {
    match value {
        Json::Str(text) => s(text),
        Json::Int(n) => num(n),
        Json::Bool(b) => b.into(),
        Json::List(items) => list(items.into_iter().map(json)),
        Json::Object(entries) => obj(entries.into_iter().map(|(k, v)| (k, json(v)))),
        Json::Value(value) => symbol(value),
        Json::Text(parts) => template(
            parts
                .into_iter()
                .map(|part| match part {
                    dashboard::Part::Lit(text) => Part::Lit(text),
                    dashboard::Part::Value(value) => Part::Interp(symbol(value)),
                })
                .collect(),
        ),
    }
}

fn symbol(value: Value) -> Expr {
    match value {
        Value::Setting(name) | Value::Wired(name) => Expr::Traversal(Box::new(
            Traversal::builder(variable("var"))
                .attr(Identifier::unchecked(name))
                .build(),
        )),
        Value::Entry { map, at, field } => var_entry(map, at, field.as_slice()),
        Value::Name(var) => variable(var),
        Value::Row(first) => ex(&format!("{first} + {} * i", dashboard::SECTION_HEIGHT)),
        Value::Page => ex("each.key"),
        Value::ServiceDashboardLinks => ex(
            r#"join(" · ", [for n, services in local.service_dashboards : "[${services[0]} to ${services[length(services) - 1]}](#dashboards:name=${var.name}-services-${n + 1})"])"#,
        ),
        Value::Region => ex("data.aws_region.current.region"),
        Value::TopicName => ex("aws_sns_topic.alarms.name"),
    }
}

/// A number input as HCL: integral values without a fraction.
fn number(value: f64) -> Expr {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        num(value as i64)
    } else {
        hcl::Number::from_f64(value).map_or(Expr::Null, Expr::Number)
    }
}

fn inputs(platform: &Platform, watched: &Watched) -> Vec<Input> {
    let per_env = |value: Expr| -> BTreeMap<String, Expr> {
        platform
            .env_names()
            .map(|env| (env.to_string(), value.clone()))
            .collect()
    };
    let obs = &platform.observability;
    let Alarms {
        error_rate_percent,
        error_rate_min_requests,
        latency_p99_seconds,
        cpu_percent,
        memory_percent,
    } = obs.alarms;
    let percent = |name: &str, what: &str| {
        Variable::new(name, "number", what).check(
            &format!("var.{name} > 0 && var.{name} <= 100"),
            &format!("{name} must be a percentage above 0 and at most 100."),
        )
    };

    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            Variable::new("alarm_emails", "list(string)", "E-mail addresses subscribed to the alarm topic.")
                .check(
                    r#"alltrue([for email in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])"#,
                    "Every alarm e-mail must be an e-mail address.",
                ),
            per_env(strings(obs.alarm_emails.iter().cloned())),
        ),
    ];
    if !watched.load_balanced.is_empty() {
        inputs.push(Input::setting(
            percent("alarm_error_rate_percent", "Alarm when more than this percentage of a service's requests fail with a 5xx error over 5 minutes."),
            per_env(num(i64::from(error_rate_percent))),
        ));
        inputs.push(Input::setting(
            Variable::new(
                "alarm_error_rate_min_requests",
                "number",
                "The 5xx-rate alarm counts a five-minute period only from this many requests on.",
            )
            .check(
                "var.alarm_error_rate_min_requests >= 1 && floor(var.alarm_error_rate_min_requests) == var.alarm_error_rate_min_requests",
                "alarm_error_rate_min_requests must be a whole number of at least 1.",
            ),
            per_env(num(i64::from(error_rate_min_requests))),
        ));
        inputs.push(Input::setting(
            Variable::new("alarm_latency_p99_seconds", "number", "Alarm when a service's 99th percentile response time stays above this many seconds.")
                .check("var.alarm_latency_p99_seconds > 0", "alarm_latency_p99_seconds must be above 0."),
            per_env(number(latency_p99_seconds)),
        ));
    }
    if !watched.services.is_empty() || !watched.node_pools.is_empty() {
        inputs.push(Input::setting(
            percent("alarm_cpu_percent", "Alarm when the average CPU use of a service or node pool stays above this percentage."),
            per_env(num(i64::from(cpu_percent))),
        ));
    }
    if !watched.services.is_empty() {
        inputs.push(Input::setting(
            percent(
                "alarm_memory_percent",
                "Alarm when the average memory use of a service stays above this percentage.",
            ),
            per_env(num(i64::from(memory_percent))),
        ));
        inputs.push(Input::wired(
            Variable::new(
                "ecs_cluster_name",
                "string",
                "Name of the ECS cluster the services run in.",
            ),
            ex("module.ecs_cluster.cluster_name"),
        ));
        inputs.push(Input::wired(
            Variable::new(
                "ecs_services",
                "map(string)",
                "ECS service names, by spec service name.",
            ),
            module_outputs(&watched.services, |svc| {
                (service_module_name(svc), "service_name")
            }),
        ));
    }
    if !watched.load_balanced.is_empty() {
        let wiring = obj(watched.load_balanced.iter().map(|svc| {
            let module = service_module_name(svc);
            (
                svc.to_string(),
                obj([
                    ("alb_arn_suffix", module_output(&module, "alb_arn_suffix")),
                    (
                        "target_group_arn_suffix",
                        module_output(&module, "target_group_arn_suffix"),
                    ),
                ]),
            )
        }));
        inputs.push(Input::wired(
            Variable::new(
                "load_balancers",
                "map(object({ alb_arn_suffix = string, target_group_arn_suffix = string }))",
                "The load balancer and target group of each load-balanced service (their ARN suffixes are CloudWatch dimensions).",
            ),
            wiring,
        ));
    }
    if platform.eks.is_some() {
        inputs.push(Input::wired(
            Variable::new("eks_cluster_name", "string", "Name of the EKS cluster."),
            ex("module.eks.cluster_name"),
        ));
    }
    if !watched.node_pools.is_empty() {
        let wiring = obj(watched.node_pools.iter().map(|pool| {
            let traversal = Traversal::builder(ex("module.eks.node_group_autoscaling_group_names"))
                .index(s(*pool))
                .build();
            (pool.to_string(), Expr::Traversal(Box::new(traversal)))
        }));
        inputs.push(Input::wired(
            Variable::new(
                "node_pools",
                "map(string)",
                "Auto Scaling group of each EKS node pool, by pool name.",
            ),
            wiring,
        ));
    }
    inputs
}

/// `module.<module>.<output>`.
fn module_output(module: &str, output: &str) -> Expr {
    Expr::Traversal(Box::new(
        Traversal::builder(variable("module"))
            .attr(Identifier::unchecked(module))
            .attr(Identifier::unchecked(output))
            .build(),
    ))
}

/// `{ key = module.<m>.<output>, ... }` for each key.
fn module_outputs(keys: &[&str], f: impl Fn(&str) -> (String, &'static str)) -> Expr {
    obj(keys.iter().map(|key| {
        let (module, output) = f(key);
        (key.to_string(), module_output(&module, output))
    }))
}
