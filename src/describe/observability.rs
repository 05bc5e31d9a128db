//! `observability`: an encrypted SNS topic for alarms with e-mail subscriptions, golden-signal
//! alarms per service and node pool, failed ECS deployments forwarded to the topic, and the
//! environment's dashboards.
//!
//! The component watches what other components create, so its inputs are maps wired from their
//! outputs, keyed by spec name so that alarm addresses stay stable as services and pools come
//! and go. The dashboards are described in [`crate::observability::dashboard`]; here they become
//! a JSON document ([`Expr::Json`]) whose repeated sections are loops over those maps, so the
//! code is the same for 1 or 1,000 services.

use super::{
    Check, Component, Expr, Fact, ForList, Input, Item, Keys, Local, Op, Output, Part, Policy,
    Resource, Statement, Type, Value, Wire, bin, index, input, json, kms, local, not, object,
    policy, res, s, strs, tpl,
};
use crate::model::{Alarms, Platform};
use crate::observability::Watched;
use crate::observability::dashboard::{self, Json, Names, Only};

/// The name of the component instance of an ECS service (the ecs-service contract).
fn service_instance(service: &str) -> String {
    format!("service_{}", service.replace('-', "_"))
}

/// Describes the observability of `platform`, or `None` when it has nothing to watch and no
/// one to tell (no ECS service, no EKS cluster, no alarm e-mail).
pub fn component(platform: &Platform) -> Option<Component> {
    let watched = Watched::of(platform);
    let obs = &platform.observability;
    if watched.services.is_empty() && platform.eks.is_none() && obs.alarm_emails.is_empty() {
        return None;
    }
    let services = !watched.services.is_empty();
    let mut items = topic(services);
    items.extend(alarms(&watched));
    if services {
        items.extend(failed_deployments());
    }
    if obs.dashboard {
        items.extend(dashboards(&watched));
    }
    let topic = res("aws_sns_topic", "alarms");
    let mut outputs = vec![Output::new(
        "alarm_topic_arn",
        "ARN of the SNS topic every alarm notifies; subscribe more endpoints to it.",
        topic.attr("arn"),
    )];
    if obs.dashboard {
        outputs.push(Output::new(
            "dashboard_name",
            "Name of the CloudWatch dashboard of this environment.",
            res("aws_cloudwatch_dashboard", "this").attr("dashboard_name"),
        ));
    }
    Some(Component {
        module: "observability".to_string(),
        instance: "observability".to_string(),
        class: "Observability".to_string(),
        summary: format!(
            "Alarm notifications (a KMS-encrypted SNS topic with e-mail subscriptions), \
             golden-signal CloudWatch alarms for every service and node pool, and the \
             environment's CloudWatch dashboards (an overview, and one per 50 services). {}{}",
            crate::observability::who_is_notified(platform),
            crate::observability::failed_deployments_note(&watched)
        ),
        facts: vec![Fact::AccountId, Fact::Partition, Fact::Region],
        items,
        inputs: inputs(platform, &watched),
        outputs,
    })
}

fn service(principal: &str) -> Option<(&'static str, Vec<Expr>)> {
    Some(("Service", vec![s(principal)]))
}

/// The KMS key, the topic, who may publish to it, and the e-mail subscriptions. With
/// `services`, EventBridge publishes their failed deployments too ([`failed_deployments`]).
fn topic(services: bool) -> Vec<Item> {
    let use_key = |sid, principal: &str| Statement {
        sid: Some(sid),
        deny: false,
        actions: vec!["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: vec![s("*")],
        principals: service(principal),
        conditions: Vec::new(),
    };
    // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it
    // (the AWS managed SNS key does not, hence a customer-managed key).
    let mut grants = vec![use_key("CloudWatchAlarmsUse", "cloudwatch.amazonaws.com")];
    if services {
        // EventBridge delivers to an encrypted topic only with the key, as CloudWatch does.
        grants.push(use_key("EventBridgeUse", "events.amazonaws.com"));
    }
    let topic = res("aws_sns_topic", "alarms");
    let mut statements = vec![
        Statement {
            sid: Some("AccountManages"),
            deny: false,
            actions: vec![
                "sns:AddPermission",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:ListSubscriptionsByTopic",
                "sns:Publish",
                "sns:RemovePermission",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
            ],
            resources: vec![topic.attr("arn")],
            principals: kms::account_administers().principals,
            conditions: Vec::new(),
        },
        Statement {
            sid: Some("CloudWatchAlarmsPublish"),
            deny: false,
            actions: vec!["sns:Publish"],
            resources: vec![topic.attr("arn")],
            principals: service("cloudwatch.amazonaws.com"),
            conditions: vec![
                (
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![Expr::Fact(Fact::AccountId)],
                ),
                (
                    "ArnLike",
                    "aws:SourceArn",
                    vec![tpl(
                        "arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*",
                    )],
                ),
            ],
        },
    ];
    if services {
        statements.push(Statement {
            sid: Some("EventBridgePublish"),
            deny: false,
            actions: vec!["sns:Publish"],
            resources: vec![topic.attr("arn")],
            principals: service("events.amazonaws.com"),
            conditions: vec![(
                "ArnEquals",
                "aws:SourceArn",
                vec![res("aws_cloudwatch_event_rule", "deployment_failed").attr("arn")],
            )],
        });
    }
    let mut items = kms::key(
        "alarms",
        tpl("{name}-alarms"),
        tpl("Alarm notifications of {name}"),
        grants,
    );
    items.extend(
        [
            Resource::new("aws_sns_topic", "alarms", tpl("{name}-alarms"))
                .arg("name", tpl("{name}-alarms"))
                .arg(
                    "kms_master_key_id",
                    res("aws_kms_key", "alarms").attr("arn"),
                ),
            Resource::new("aws_sns_topic_policy", "alarms", tpl("{name}-alarms"))
                .arg("arn", topic.attr("arn"))
                .arg(
                    "policy",
                    policy(Policy {
                        id: "alarms_topic".to_string(),
                        notes: Vec::new(),
                        statements,
                    }),
                )
                .untagged(),
            Resource::new(
                "aws_sns_topic_subscription",
                "email",
                tpl("{name}-alarms-{key}"),
            )
            .keyed(Keys::set(
                Expr::ToSet(Box::new(input("alarm_emails"))),
                "email",
            ))
            .comment(
                "for_each",
                "Each address gets a confirmation e-mail; it receives alarms once confirmed.",
            )
            .arg("topic_arn", topic.attr("arn"))
            .arg("protocol", s("email"))
            .arg("endpoint", Expr::Key)
            .untagged(),
        ]
        .map(Item::Resource),
    );
    items
}

/// Failed ECS deployments reach the alarm topic. The circuit breaker rolls a failed deployment
/// back and the apply waits for a steady state, but a deployment started outside iacgen (a
/// pipeline, a scaling event replacing tasks) fails with nobody watching: ECS reports it to
/// EventBridge as `SERVICE_DEPLOYMENT_FAILED`, which this rule forwards for the environment's
/// own services (by service ARN, so other services in the account stay out).
fn failed_deployments() -> Vec<Item> {
    let service_arn = super::template_with(
        "arn:{partition}:ecs:{region}:{account_id}:service/{ecs_cluster_name}/{service}",
        "{",
        &|inner| match inner {
            "region" => Expr::Fact(Fact::Region),
            "account_id" => Expr::Fact(Fact::AccountId),
            "partition" => Expr::Fact(Fact::Partition),
            "service" => Expr::Var("service"),
            other => input(other),
        },
    );
    let pattern = object(vec![
        ("source", strs(["aws.ecs"])),
        ("detail-type", strs(["ECS Deployment State Change"])),
        (
            "resources",
            Expr::ForList(Box::new(ForList {
                over: Expr::MapValues(Box::new(input("ecs_services"))),
                index: None,
                var: "service",
                elt: service_arn,
                filter: None,
            })),
        ),
        (
            "detail",
            object(vec![("eventName", strs(["SERVICE_DEPLOYMENT_FAILED"]))]),
        ),
    ]);
    let rule = res("aws_cloudwatch_event_rule", "deployment_failed");
    vec![
        Item::Resource(
            Resource::new(
                "aws_cloudwatch_event_rule",
                "deployment_failed",
                tpl("{name}-deploy-failed"),
            )
            .arg("name", tpl("{name}-deploy-failed"))
            .arg(
                "description",
                s(
                    "ECS deployments of this environment's services that failed (rolled back \
                   by the circuit breaker)",
                ),
            )
            .arg("event_pattern", json(pattern)),
        ),
        Item::Resource(
            Resource::new(
                "aws_cloudwatch_event_target",
                "deployment_failed",
                tpl("{name}-deploy-failed"),
            )
            .arg("rule", rule.attr("name"))
            .arg("target_id", s("alarm-topic"))
            .arg("arn", res("aws_sns_topic", "alarms").attr("arn"))
            .untagged(),
        ),
    ]
}

/// One alarm resource per entry of a map input, notifying the topic on ALARM and OK.
struct Alarm {
    id: &'static str,
    /// The map input, and the names of its keys and values.
    keys: Keys,
    /// Text after `<name>-<key>-`.
    suffix: &'static str,
    description: Expr,
    threshold: &'static str,
    evaluation_periods: i64,
    datapoints_to_alarm: i64,
    treat_missing_data: &'static str,
    /// Why `treat_missing_data` is what it is.
    missing_because: &'static str,
    /// The metric: plain metric arguments or `metric_query` blocks, with comments.
    metric: Vec<(&'static str, Expr)>,
    comments: Vec<(&'static str, &'static str)>,
}

impl Alarm {
    fn resource(self) -> Item {
        let label = tpl(&format!("{{name}}-{{key}}-{}", self.suffix));
        let topic = || Expr::List(vec![res("aws_sns_topic", "alarms").attr("arn")]);
        let mut r = Resource::new("aws_cloudwatch_metric_alarm", self.id, label.clone())
            .keyed(self.keys)
            .arg("alarm_name", label)
            .arg("alarm_description", self.description)
            .arg("comparison_operator", s("GreaterThanThreshold"))
            .arg("threshold", input(self.threshold))
            .arg("evaluation_periods", Expr::Int(self.evaluation_periods))
            .arg("datapoints_to_alarm", Expr::Int(self.datapoints_to_alarm))
            .arg("treat_missing_data", s(self.treat_missing_data))
            .comment("treat_missing_data", self.missing_because)
            .group("treat_missing_data")
            .group("alarm_actions");
        if let Some((first, _)) = self.metric.first() {
            r = r.group(first);
        }
        for (name, value) in self.metric {
            r = r.arg(name, value);
        }
        for (arg, text) in self.comments {
            r = r.comment(arg, text);
        }
        Item::Resource(r.arg("alarm_actions", topic()).arg("ok_actions", topic()))
    }
}

/// A plain metric: namespace, name, statistic, period and dimensions.
fn metric(
    namespace: &str,
    name: &str,
    statistic: (&'static str, &str),
    period: i64,
    dimensions: Expr,
) -> Vec<(&'static str, Expr)> {
    vec![
        ("namespace", s(namespace)),
        ("metric_name", s(name)),
        (statistic.0, s(statistic.1)),
        ("period", Expr::Int(period)),
        ("dimensions", dimensions),
    ]
}

/// `metric_query { id = ..., metric { ... } }` for one ALB count metric summed over 5 minutes.
fn alb_count_query(id: &str, name: &str, dimensions: Expr) -> Expr {
    super::block(vec![
        ("id", s(id)),
        (
            "metric",
            super::block(vec![
                ("namespace", s("AWS/ApplicationELB")),
                ("metric_name", s(name)),
                ("stat", s("Sum")),
                ("period", Expr::Int(300)),
                ("dimensions", dimensions),
            ]),
        ),
    ])
}

fn alarms(watched: &Watched) -> Vec<Item> {
    let lb_entry = |field: &str| Expr::Value.field(field);
    let lb = || object(vec![("LoadBalancer", lb_entry("alb_arn_suffix"))]);
    let lb_tg = || {
        object(vec![
            ("LoadBalancer", lb_entry("alb_arn_suffix")),
            ("TargetGroup", lb_entry("target_group_arn_suffix")),
        ])
    };
    let lbs = || Keys::map(input("load_balancers"), "service", "load_balancer");
    let mut alarms = Vec::new();
    if !watched.load_balanced.is_empty() {
        alarms.push(Alarm {
            id: "error_rate",
            keys: lbs(),
            suffix: "5xx-rate",
            description: tpl(
                "More than {alarm_error_rate_percent}% of the requests to {key} failed with a \
                 5xx error in 2 of the last 3 five-minute periods (counted from \
                 {alarm_error_rate_min_requests} requests per period).",
            ),
            threshold: "alarm_error_rate_percent",
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means no errors.",
            metric: vec![(
                "metric_query",
                Expr::Blocks(vec![
                    super::block(vec![
                        ("id", s("error_rate")),
                        ("label", s("5xx responses (% of requests)")),
                        (
                            "expression",
                            tpl("IF(requests >= {alarm_error_rate_min_requests}, 100 * \
                                 (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)"),
                        ),
                        ("return_data", Expr::Bool(true)),
                    ]),
                    alb_count_query("requests", "RequestCount", lb()),
                    alb_count_query("target_5xx", "HTTPCode_Target_5XX_Count", lb_tg()),
                    alb_count_query("elb_5xx", "HTTPCode_ELB_5XX_Count", lb()),
                ]),
            )],
            comments: vec![(
                "metric_query",
                "The error rate: 5xx counts are absent, not zero, when nothing failed. Below \
                 the minimum\nrequest count the rate is 0: a few errors among a handful of \
                 requests are noise.",
            )],
        });
        let mut latency = metric(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            ("extended_statistic", "p99"),
            60,
            lb_tg(),
        );
        latency.push(("evaluate_low_sample_count_percentiles", s("ignore")));
        alarms.push(Alarm {
            id: "latency_p99",
            keys: lbs(),
            suffix: "p99-latency",
            description: tpl("The 99th percentile response time of {key} was above \
                 {alarm_latency_p99_seconds} s in 3 of the last 5 minutes."),
            threshold: "alarm_latency_p99_seconds",
            evaluation_periods: 5,
            datapoints_to_alarm: 3,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means nothing was slow.",
            metric: latency,
            comments: vec![(
                "evaluate_low_sample_count_percentiles",
                "A p99 of a handful of requests is noise: keep the state until there are enough.",
            )],
        });
    }
    if !watched.services.is_empty() {
        let ecs = || {
            object(vec![
                ("ClusterName", input("ecs_cluster_name")),
                ("ServiceName", Expr::Value),
            ])
        };
        for (id, suffix, metric_name, threshold, what) in [
            (
                "service_cpu",
                "cpu",
                "CPUUtilization",
                "alarm_cpu_percent",
                "CPU",
            ),
            (
                "service_memory",
                "memory",
                "MemoryUtilization",
                "alarm_memory_percent",
                "memory",
            ),
        ] {
            alarms.push(Alarm {
                id,
                keys: Keys::map(input("ecs_services"), "service", "service_name"),
                suffix,
                description: tpl(&format!(
                    "Average {what} use of the tasks of {{key}} was above {{{threshold}}}% for \
                     15 minutes."
                )),
                threshold,
                evaluation_periods: 3,
                datapoints_to_alarm: 3,
                treat_missing_data: "missing",
                missing_because: "No data means no running task: not high use, but worth \
                                  seeing, so the alarm shows INSUFFICIENT_DATA.",
                metric: metric("AWS/ECS", metric_name, ("statistic", "Average"), 300, ecs()),
                comments: Vec::new(),
            });
        }
    }
    if !watched.node_pools.is_empty() {
        alarms.push(Alarm {
            id: "node_pool_cpu",
            keys: Keys::map(input("node_pools"), "pool", "group_name"),
            suffix: "nodes-cpu",
            description: tpl(
                "Average CPU use of the nodes of pool {key} (cluster {eks_cluster_name}) was \
                 above {alarm_cpu_percent}% for 15 minutes.",
            ),
            threshold: "alarm_cpu_percent",
            evaluation_periods: 3,
            datapoints_to_alarm: 3,
            treat_missing_data: "missing",
            missing_because: "No data means no node in the pool (scaled to zero): not high use, \
                              but worth seeing.",
            metric: metric(
                "AWS/EC2",
                "CPUUtilization",
                ("statistic", "Average"),
                300,
                object(vec![("AutoScalingGroupName", Expr::Value)]),
            ),
            comments: Vec::new(),
        });
    }
    alarms.into_iter().map(Alarm::resource).collect()
}

/// The dashboards: the overview (`this`, named after the environment, as the one dashboard of
/// earlier versions was) and, with ECS services, one dashboard per
/// [`dashboard::SERVICES_PER_DASHBOARD`] services, keyed by number over the sorted service
/// names cut into pages. Sections are loops over the names, so the code is the same for 1 or
/// 1,000 services, and no dashboard exceeds CloudWatch's 500 widgets.
fn dashboards(watched: &Watched) -> Vec<Item> {
    let mut items = Vec::new();
    let pages = dashboard::services(watched);
    if pages.is_some() {
        items.push(Item::Local(Local {
            name: "service_dashboards".to_string(),
            comment: Some(format!(
                "Services on dashboards of {} each, sorted by name: CloudWatch accepts at most \
                 500\nwidgets on a dashboard.",
                dashboard::SERVICES_PER_DASHBOARD
            )),
            value: Expr::Chunks(
                Box::new(Expr::SortedKeys(Box::new(input("ecs_services")))),
                dashboard::SERVICES_PER_DASHBOARD,
            ),
        }));
    }
    items.push(Item::Resource(
        Resource::new("aws_cloudwatch_dashboard", "this", input("name"))
            .arg("dashboard_name", input("name"))
            .arg("dashboard_body", body(dashboard::overview(watched)))
            .untagged(),
    ));
    if let Some(page) = pages {
        items.push(Item::Resource(
            Resource::new(
                "aws_cloudwatch_dashboard",
                "services",
                tpl("{name}-services-{key}"),
            )
            .keyed(Keys::map(
                Expr::Numbered(Box::new(local("service_dashboards"))),
                "number",
                "services",
            ))
            .arg("dashboard_name", tpl("{name}-services-{key}"))
            .arg("dashboard_body", body(page))
            .untagged(),
        ));
    }
    items
}

/// `{"widgets": fixed ++ each repeated section}` as a JSON document.
fn body(body: dashboard::Body) -> Expr {
    let fixed = Expr::List(body.fixed.into_iter().map(json_value).collect());
    let widgets = if body.repeated.is_empty() {
        fixed
    } else {
        let mut lists = vec![fixed];
        for repeat in body.repeated {
            let names = match repeat.names {
                Names::PageServices => Expr::Value,
                Names::NodePools => Expr::SortedKeys(Box::new(input("node_pools"))),
            };
            let load_balanced = || {
                Expr::Has(
                    Box::new(input("load_balancers")),
                    Box::new(Expr::Var(repeat.var)),
                )
            };
            let filter = match repeat.only {
                Only::All => None,
                Only::LoadBalanced => Some(load_balanced()),
                Only::NotLoadBalanced => Some(not(load_balanced())),
            };
            lists.push(Expr::Flatten(Box::new(ForList {
                over: names,
                index: Some("i"),
                var: repeat.var,
                elt: Expr::List(repeat.widgets.into_iter().map(json_value).collect()),
                filter,
            })));
        }
        Expr::Concat(lists)
    };
    json(object(vec![("widgets", widgets)]))
}

fn json_value(value: Json) -> Expr {
    match value {
        Json::Str(text) => s(text),
        Json::Int(n) => Expr::Int(n),
        Json::Bool(b) => Expr::Bool(b),
        Json::List(items) => Expr::List(items.into_iter().map(json_value).collect()),
        Json::Object(entries) => object(
            entries
                .into_iter()
                .map(|(k, v)| (k, json_value(v)))
                .collect(),
        ),
        Json::Value(value) => symbol(value),
        Json::Text(parts) => Expr::Tmpl(
            parts
                .into_iter()
                .map(|part| match part {
                    dashboard::Part::Lit(text) => Part::Lit(text),
                    dashboard::Part::Value(value) => Part::Expr(symbol(value)),
                })
                .collect(),
        ),
    }
}

fn symbol(value: dashboard::Value) -> Expr {
    use dashboard::Value as V;
    match value {
        V::Setting(name) | V::Wired(name) => input(name),
        V::Entry { map, at, field } => {
            let entry = index(input(map), Expr::Var(at));
            match field {
                Some(field) => entry.field(field),
                None => entry,
            }
        }
        V::Name(var) => Expr::Var(var),
        V::Row(first) => bin(
            Expr::Int(first),
            Op::Add,
            bin(
                Expr::Int(dashboard::SECTION_HEIGHT),
                Op::Mul,
                Expr::Var("i"),
            ),
        ),
        V::Page => Expr::Key,
        V::ServiceDashboardLinks => {
            let services = || Expr::Var("services");
            let link = Expr::Tmpl(vec![
                Part::Lit("[".to_string()),
                Part::Expr(index(services(), Expr::Int(0))),
                Part::Lit(" to ".to_string()),
                Part::Expr(Expr::Last(Box::new(services()))),
                Part::Lit("](#dashboards:name=".to_string()),
                Part::Expr(input("name")),
                Part::Lit("-services-".to_string()),
                Part::Expr(bin(Expr::Var("n"), Op::Add, Expr::Int(1))),
                Part::Lit(")".to_string()),
            ]);
            Expr::Join(
                " · ".to_string(),
                Box::new(Expr::ForList(Box::new(ForList {
                    over: local("service_dashboards"),
                    index: Some("n"),
                    var: "services",
                    elt: link,
                    filter: None,
                }))),
            )
        }
        V::Region => Expr::Fact(Fact::Region),
        V::TopicName => res("aws_sns_topic", "alarms").attr("name"),
    }
}

fn inputs(platform: &Platform, watched: &Watched) -> Vec<Input> {
    let per_env = |value: Value| -> Vec<(String, Value)> {
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
    let percent = |name: &str, what: &str, value: u32| {
        Input::setting(name, Type::Int, what, per_env(Value::Int(i64::from(value)))).check(
            Check::Terraform(
                format!("var.{name} > 0 && var.{name} <= 100"),
                format!("{name} must be a percentage above 0 and at most 100."),
            ),
        )
    };
    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            "alarm_emails",
            Type::StrList,
            "E-mail addresses subscribed to the alarm topic.",
            per_env(Value::StrList(obs.alarm_emails.clone())),
        )
        .check(Check::Terraform(
            r#"alltrue([for email in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])"#
                .to_string(),
            "Every alarm e-mail must be an e-mail address.".to_string(),
        )),
    ];
    if !watched.load_balanced.is_empty() {
        inputs.push(percent(
            "alarm_error_rate_percent",
            "Alarm when more than this percentage of a service's requests fail with a 5xx \
             error over 5 minutes.",
            error_rate_percent,
        ));
        inputs.push(
            Input::setting(
                "alarm_error_rate_min_requests",
                Type::Int,
                "The 5xx-rate alarm counts a five-minute period only from this many requests on.",
                per_env(Value::Int(i64::from(error_rate_min_requests))),
            )
            .check(Check::Terraform(
                "var.alarm_error_rate_min_requests >= 1 && floor(var.alarm_error_rate_min_requests) == var.alarm_error_rate_min_requests"
                    .to_string(),
                "alarm_error_rate_min_requests must be a whole number of at least 1.".to_string(),
            )),
        );
        inputs.push(
            Input::setting(
                "alarm_latency_p99_seconds",
                Type::Num,
                "Alarm when a service's 99th percentile response time stays above this many \
                 seconds.",
                per_env(Value::Num(latency_p99_seconds)),
            )
            .check(Check::Terraform(
                "var.alarm_latency_p99_seconds > 0".to_string(),
                "alarm_latency_p99_seconds must be above 0.".to_string(),
            )),
        );
    }
    if !watched.services.is_empty() || !watched.node_pools.is_empty() {
        inputs.push(percent(
            "alarm_cpu_percent",
            "Alarm when the average CPU use of a service or node pool stays above this \
             percentage.",
            cpu_percent,
        ));
    }
    let output =
        |instance: &str, output: &str| Wire::Output(instance.to_string(), output.to_string());
    if !watched.services.is_empty() {
        inputs.push(percent(
            "alarm_memory_percent",
            "Alarm when the average memory use of a service stays above this percentage.",
            memory_percent,
        ));
        inputs.push(Input::wired(
            "ecs_cluster_name",
            Type::Str,
            "Name of the ECS cluster the services run in.",
            output("ecs_cluster", "cluster_name"),
        ));
        inputs.push(Input::wired(
            "ecs_services",
            Type::StrMap,
            "ECS service names, by spec service name.",
            Wire::Map(
                watched
                    .services
                    .iter()
                    .map(|svc| {
                        (
                            svc.to_string(),
                            output(&service_instance(svc), "service_name"),
                        )
                    })
                    .collect(),
            ),
        ));
    }
    if !watched.load_balanced.is_empty() {
        let fields = ["alb_arn_suffix", "target_group_arn_suffix"];
        inputs.push(Input::wired(
            "load_balancers",
            Type::ObjMap(&["alb_arn_suffix", "target_group_arn_suffix"]),
            "The load balancer and target group of each load-balanced service (their ARN \
             suffixes are CloudWatch dimensions).",
            Wire::Map(
                watched
                    .load_balanced
                    .iter()
                    .map(|svc| {
                        let instance = service_instance(svc);
                        let suffixes = fields
                            .iter()
                            .map(|f| (f.to_string(), output(&instance, f)))
                            .collect();
                        (svc.to_string(), Wire::Map(suffixes))
                    })
                    .collect(),
            ),
        ));
    }
    if platform.eks.is_some() {
        inputs.push(Input::wired(
            "eks_cluster_name",
            Type::Str,
            "Name of the EKS cluster.",
            output("eks", "cluster_name"),
        ));
    }
    if !watched.node_pools.is_empty() {
        let groups = output("eks", "node_group_autoscaling_group_names");
        inputs.push(Input::wired(
            "node_pools",
            Type::StrMap,
            "Auto Scaling group of each EKS node pool, by pool name.",
            Wire::Map(
                watched
                    .node_pools
                    .iter()
                    .map(|pool| {
                        (
                            pool.to_string(),
                            Wire::Entry(Box::new(groups.clone()), pool.to_string()),
                        )
                    })
                    .collect(),
            ),
        ));
    }
    inputs
}
