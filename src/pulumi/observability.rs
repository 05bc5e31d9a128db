//! `components/observability.py`: the counterpart of `modules/observability` (same resources,
//! names, tags and thresholds): the KMS key of the alarm topic, the encrypted SNS topic with its
//! policy and e-mail subscriptions, golden-signal alarms per service and node pool, and the
//! dashboard ([`super::dashboard`]).
//!
//! Like the Terraform module it watches what other components create: `__main__.py` wires their
//! outputs into maps keyed by spec name, and the alarms loop over those maps.

use super::component::{
    self, Arg, Component, ConfigKind, account_id, by_env, init_preamble, output_of, partition,
    policy, resource, tags_named, tpl,
};
use super::dashboard;
use super::kms;
use super::py::{self, Expr, Stmt, call, dict, fstr, lit, name, part, path, s, strs};
use crate::model::Platform;
use crate::observability::Watched;
use crate::terraform::ecs::call_name;
use serde_json::{Value, json};

/// Builds the observability component, wired to the outputs of the components in `built`; `None`
/// when the platform has nothing to watch and no one to tell (as Terraform has no module then),
/// or when a component it watches is missing from `built`.
pub fn component(platform: &Platform, built: &[Component]) -> Option<Component> {
    let watched = Watched::of(platform);
    let obs = &platform.observability;
    if watched.services.is_empty() && platform.eks.is_none() && obs.alarm_emails.is_empty() {
        return None;
    }
    let args = args(platform, &watched, built)?;

    let mut init = init_preamble("iacgen:observability:Observability", path("args.name"));
    init.extend([
        account_id(),
        partition(),
        py::assign(
            "account_root",
            tpl("arn:{partition}:iam::{account_id}:root"),
        ),
    ]);
    init.extend(topic(!watched.services.is_empty()));
    init.extend(alarms(&watched));
    if obs.dashboard {
        init.push(py::assign(
            "self.dashboard",
            resource(
                "aws.cloudwatch.Dashboard",
                name("name"),
                vec![
                    ("dashboard_name", name("name")),
                    (
                        "dashboard_body",
                        call(
                            name(dashboard::FUNCTION),
                            vec![name("args"), path("self.alarm_topic.name")],
                            vec![],
                        ),
                    ),
                ],
                "child",
            ),
        ));
        if !watched.services.is_empty() {
            init.push(Stmt::For {
                target: "number, services".to_string(),
                iter: call(
                    name("enumerate"),
                    vec![
                        call(name(dashboard::PAGES_FUNCTION), vec![name("args")], vec![]),
                        py::int(1),
                    ],
                    vec![],
                ),
                body: vec![Stmt::Expr(resource(
                    "aws.cloudwatch.Dashboard",
                    tpl("{name}-services-{number}"),
                    vec![
                        ("dashboard_name", tpl("{name}-services-{number}")),
                        (
                            "dashboard_body",
                            call(
                                name(dashboard::SERVICES_FUNCTION),
                                vec![
                                    name("args"),
                                    name("number"),
                                    name("services"),
                                    path("self.alarm_topic.name"),
                                ],
                                vec![],
                            ),
                        ),
                    ],
                    "child",
                ))],
            });
        }
    }

    let mut outputs = vec![("alarm_topic_arn".to_string(), path("self.alarm_topic.arn"))];
    if obs.dashboard {
        outputs.push((
            "dashboard_name".to_string(),
            path("self.dashboard.dashboard_name"),
        ));
    }
    init.push(Component::register_outputs(&outputs));

    let class = component::class("Observability", class_doc(&watched), init);
    let mut body = vec![Stmt::Class(class)];
    if obs.dashboard {
        body.extend(dashboard::functions(&watched));
    }
    Some(Component {
        module: "observability".to_string(),
        instance: "observability".to_string(),
        prefix: String::new(),
        class: "Observability".to_string(),
        body,
        imports: vec![py::import("json"), py::import_as("pulumi_aws", "aws")],
        summary: format!(
            "Alarm notifications (a KMS-encrypted SNS topic with e-mail subscriptions), \
             golden-signal CloudWatch alarms for every service and node pool, and the \
             environment's CloudWatch dashboards (an overview, and one per 50 services; the \
             counterpart of the Terraform module \
             modules/observability). {}{}",
            crate::observability::who_is_notified(platform),
            crate::observability::failed_deployments_note(&watched)
        ),
        args,
        outputs,
    })
}

/// The class docstring: what it does and, when it watches load balancers, the shape of that map.
fn class_doc(watched: &Watched) -> String {
    let mut doc =
        "Alarm notifications, alarms and the dashboard of one environment. Alarms notify the \
                   topic when they fire and when they recover."
            .to_string();
    if !watched.load_balanced.is_empty() {
        doc.push_str(
            " `load_balancers` maps each load-balanced service to the ARN suffixes of its load \
             balancer and target group (`alb_arn_suffix`, `target_group_arn_suffix`), the \
             CloudWatch dimensions of its requests.",
        );
    }
    super::component::wrap(&doc, 84)
}

/// The KMS key, the topic, who may publish to it, and the e-mail subscriptions. With
/// `services`, EventBridge publishes their failed deployments too ([`failed_deployments`]).
fn topic(services: bool) -> Vec<Stmt> {
    let account_root = || dict([("AWS", name("account_root"))]);
    let cloudwatch = || dict([("Service", s("cloudwatch.amazonaws.com"))]);
    let events = || dict([("Service", s("events.amazonaws.com"))]);
    let mut key_statements = vec![
        kms::account_administers(name("account_root")),
        dict([
            ("Sid", s("CloudWatchAlarmsUse")),
            ("Effect", s("Allow")),
            ("Action", strs(["kms:Decrypt", "kms:GenerateDataKey*"])),
            ("Resource", s("*")),
            ("Principal", cloudwatch()),
        ]),
    ];
    if services {
        // EventBridge delivers to an encrypted topic only with the key, as CloudWatch does.
        key_statements.push(dict([
            ("Sid", s("EventBridgeUse")),
            ("Effect", s("Allow")),
            ("Action", strs(["kms:Decrypt", "kms:GenerateDataKey*"])),
            ("Resource", s("*")),
            ("Principal", events()),
        ]));
    }
    let key_policy = policy(key_statements);
    let mut topic_statements = vec![
        dict([
            ("Sid", s("AccountManages")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs([
                    "sns:AddPermission",
                    "sns:DeleteTopic",
                    "sns:GetTopicAttributes",
                    "sns:ListSubscriptionsByTopic",
                    "sns:Publish",
                    "sns:RemovePermission",
                    "sns:SetTopicAttributes",
                    "sns:Subscribe",
                ]),
            ),
            ("Resource", path("self.alarm_topic.arn")),
            ("Principal", account_root()),
        ]),
        dict([
            ("Sid", s("CloudWatchAlarmsPublish")),
            ("Effect", s("Allow")),
            ("Action", s("sns:Publish")),
            ("Resource", path("self.alarm_topic.arn")),
            ("Principal", cloudwatch()),
            (
                "Condition",
                dict([
                    (
                        "StringEquals",
                        dict([("aws:SourceAccount", name("account_id"))]),
                    ),
                    (
                        "ArnLike",
                        dict([(
                            "aws:SourceArn",
                            tpl("arn:{partition}:cloudwatch:{args.region}:{account_id}:alarm:*"),
                        )]),
                    ),
                ]),
            ),
        ]),
    ];
    if services {
        topic_statements.push(dict([
            ("Sid", s("EventBridgePublish")),
            ("Effect", s("Allow")),
            ("Action", s("sns:Publish")),
            ("Resource", path("self.alarm_topic.arn")),
            ("Principal", events()),
            (
                "Condition",
                dict([(
                    "ArnEquals",
                    dict([("aws:SourceArn", path("deployment_failed.arn"))]),
                )]),
            ),
        ]));
    }
    let topic_policy = policy(topic_statements);
    let mut out = vec![Stmt::Comment(
        "CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch\n\
         use it (the AWS managed SNS key does not, hence a customer-managed key)."
            .to_string(),
    )];
    out.extend(kms::key_with_alias(
        "alarms_key",
        tpl("{name}-alarms"),
        tpl("Alarm notifications of {name}"),
        vec![],
        call(path("json.dumps"), vec![key_policy], vec![]),
        "child",
    ));
    out.extend([py::assign(
        "self.alarm_topic",
        resource(
            "aws.sns.Topic",
            tpl("{name}-alarms"),
            vec![
                ("name", tpl("{name}-alarms")),
                ("kms_master_key_id", path("alarms_key.arn")),
                ("tags", tags_named(tpl("{name}-alarms"), &[])),
            ],
            "child",
        ),
    )]);
    if services {
        out.extend(failed_deployments());
    }
    out.extend([
        Stmt::Expr(resource(
            "aws.sns.TopicPolicy",
            tpl("{name}-alarms"),
            vec![
                ("arn", path("self.alarm_topic.arn")),
                (
                    "policy",
                    call(path("pulumi.Output.json_dumps"), vec![topic_policy], vec![]),
                ),
            ],
            "child",
        )),
        Stmt::Comment(
            "Each address gets a confirmation e-mail; it receives alarms once confirmed."
                .to_string(),
        ),
        Stmt::For {
            target: "email".to_string(),
            iter: path("args.alarm_emails"),
            body: vec![Stmt::Expr(resource(
                "aws.sns.TopicSubscription",
                tpl("{name}-alarms-{email}"),
                vec![
                    ("topic", path("self.alarm_topic.arn")),
                    ("protocol", s("email")),
                    ("endpoint", name("email")),
                ],
                "child",
            ))],
        },
    ]);
    out
}

/// Failed ECS deployments reach the alarm topic, as in the Terraform module: ECS reports a
/// deployment the circuit breaker rolled back to EventBridge (`SERVICE_DEPLOYMENT_FAILED`),
/// also when a pipeline or a task replacement started it and no `pulumi up` is waiting; the
/// rule matches the environment's own services by ARN.
fn failed_deployments() -> Vec<Stmt> {
    let service_arn = call(
        path("pulumi.Output.concat"),
        vec![
            tpl("arn:{partition}:ecs:{args.region}:{account_id}:service/"),
            path("args.ecs_cluster_name"),
            s("/"),
            name("service_name"),
        ],
        vec![],
    );
    let pattern = dict([
        ("source", strs(["aws.ecs"])),
        ("detail-type", strs(["ECS Deployment State Change"])),
        (
            "resources",
            py::list_comp(
                service_arn,
                "service_name",
                path("args.ecs_services").method("values", vec![]),
                None,
            ),
        ),
        (
            "detail",
            dict([("eventName", strs(["SERVICE_DEPLOYMENT_FAILED"]))]),
        ),
    ]);
    vec![
        py::assign(
            "deployment_failed",
            resource(
                "aws.cloudwatch.EventRule",
                tpl("{name}-deploy-failed"),
                vec![
                    ("name", tpl("{name}-deploy-failed")),
                    (
                        "description",
                        s(
                            "ECS deployments of this environment's services that failed (rolled \
                           back by the circuit breaker)",
                        ),
                    ),
                    (
                        "event_pattern",
                        call(path("pulumi.Output.json_dumps"), vec![pattern], vec![]),
                    ),
                    ("tags", tags_named(tpl("{name}-deploy-failed"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Expr(resource(
            "aws.cloudwatch.EventTarget",
            tpl("{name}-deploy-failed"),
            vec![
                ("rule", path("deployment_failed.name")),
                ("target_id", s("alarm-topic")),
                ("arn", path("self.alarm_topic.arn")),
            ],
            "child",
        )),
    ]
}

/// One metric alarm inside a loop whose key variable is `key`, notifying the topic on ALARM and
/// OK.
struct Alarm {
    /// The name after `<name>-<key>-`.
    suffix: &'static str,
    description: Expr,
    /// The threshold argument (`args.alarm_cpu_percent`).
    threshold: Expr,
    evaluation_periods: i64,
    datapoints_to_alarm: i64,
    treat_missing_data: &'static str,
    /// Why `treat_missing_data` is what it is, as a comment in the code.
    missing_because: &'static str,
    /// The metric: plain metric arguments or `metric_queries`.
    metric: Vec<(&'static str, Expr)>,
}

impl Alarm {
    fn statements(self, key: &str) -> Vec<Stmt> {
        let alarm_name = tpl(&format!("{{name}}-{{{key}}}-{}", self.suffix));
        let topic = || py::list([path("self.alarm_topic.arn")]);
        let mut kwargs = vec![
            ("name", alarm_name.clone()),
            ("alarm_description", self.description),
            ("comparison_operator", s("GreaterThanThreshold")),
            ("threshold", self.threshold),
            ("evaluation_periods", py::int(self.evaluation_periods)),
            ("datapoints_to_alarm", py::int(self.datapoints_to_alarm)),
            ("treat_missing_data", s(self.treat_missing_data)),
        ];
        kwargs.extend(self.metric);
        kwargs.extend([
            ("alarm_actions", topic()),
            ("ok_actions", topic()),
            ("tags", tags_named(alarm_name.clone(), &[])),
        ]);
        vec![
            Stmt::Comment(self.missing_because.to_string()),
            Stmt::Expr(resource(
                "aws.cloudwatch.MetricAlarm",
                alarm_name,
                kwargs,
                "child",
            )),
        ]
    }
}

/// Plain metric arguments: namespace, name, statistic, period and dimensions.
fn metric(
    namespace: &str,
    metric_name: &str,
    statistic: (&'static str, &str),
    period: i64,
    dimensions: Expr,
) -> Vec<(&'static str, Expr)> {
    vec![
        ("namespace", s(namespace)),
        ("metric_name", s(metric_name)),
        (statistic.0, s(statistic.1)),
        ("period", py::int(period)),
        ("dimensions", dimensions),
    ]
}

/// One `metric_queries` entry for an ALB count metric summed over 5 minutes.
fn alb_count_query(id: &str, metric_name: &str, dimensions: Expr) -> Expr {
    dict([
        ("id", s(id)),
        (
            "metric",
            dict([
                ("namespace", s("AWS/ApplicationELB")),
                ("metric_name", s(metric_name)),
                ("stat", s("Sum")),
                ("period", py::int(300)),
                ("dimensions", dimensions),
            ]),
        ),
    ])
}

fn alarms(watched: &Watched) -> Vec<Stmt> {
    let mut out = Vec::new();
    if !watched.load_balanced.is_empty() {
        let lb = || dict([("LoadBalancer", lb_entry("alb_arn_suffix"))]);
        let lb_tg = || {
            dict([
                ("LoadBalancer", lb_entry("alb_arn_suffix")),
                ("TargetGroup", lb_entry("target_group_arn_suffix")),
            ])
        };
        let error_rate = Alarm {
            suffix: "5xx-rate",
            description: tpl(
                "More than {args.alarm_error_rate_percent}% of the requests to {service} failed \
                 with a 5xx error in 2 of the last 3 five-minute periods (counted from \
                 {args.alarm_error_rate_min_requests} requests per period).",
            ),
            threshold: path("args.alarm_error_rate_percent"),
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means no errors; 5xx counts are absent, not \
                              zero, when\nnothing failed. Below the minimum request count the \
                              rate is 0: a few\nerrors among a handful of requests are noise.",
            metric: vec![(
                "metric_queries",
                py::list([
                    dict([
                        ("id", s("error_rate")),
                        ("label", s("5xx responses (% of requests)")),
                        (
                            "expression",
                            tpl(
                                "IF(requests >= {args.alarm_error_rate_min_requests}, 100 * \
                                 (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)",
                            ),
                        ),
                        ("return_data", Expr::Bool(true)),
                    ]),
                    alb_count_query("requests", "RequestCount", lb()),
                    alb_count_query("target_5xx", "HTTPCode_Target_5XX_Count", lb_tg()),
                    alb_count_query("elb_5xx", "HTTPCode_ELB_5XX_Count", lb()),
                ]),
            )],
        };
        let mut latency_metric = metric(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            ("extended_statistic", "p99"),
            60,
            lb_tg(),
        );
        latency_metric.push(("evaluate_low_sample_count_percentiles", s("ignore")));
        let latency = Alarm {
            suffix: "p99-latency",
            description: fstr(vec![
                lit("The 99th percentile response time of "),
                part(name("service")),
                lit(" was above "),
                // `g` prints 2 and 0.5 as Terraform does, not 2.0.
                py::part_spec(path("args.alarm_latency_p99_seconds"), "g"),
                lit(" s in 3 of the last 5 minutes."),
            ]),
            threshold: path("args.alarm_latency_p99_seconds"),
            evaluation_periods: 5,
            datapoints_to_alarm: 3,
            treat_missing_data: "notBreaching",
            missing_because: "No requests in a period means nothing was slow. A p99 of a handful \
                              of requests is\nnoise: keep the state until there are enough.",
            metric: latency_metric,
        };
        let mut body = error_rate.statements("service");
        body.extend(latency.statements("service"));
        out.push(Stmt::For {
            target: "service, load_balancer".to_string(),
            iter: path("args.load_balancers").method("items", vec![]),
            body,
        });
    }
    if !watched.services.is_empty() {
        let ecs = || {
            dict([
                ("ClusterName", path("args.ecs_cluster_name")),
                ("ServiceName", name("service_name")),
            ])
        };
        let missing = "No data means no running task: not high use, but worth seeing, so the \
                       alarm shows\nINSUFFICIENT_DATA.";
        let mut body = Vec::new();
        for (suffix, metric_name, threshold, what) in [
            ("cpu", "CPUUtilization", "alarm_cpu_percent", "CPU"),
            (
                "memory",
                "MemoryUtilization",
                "alarm_memory_percent",
                "memory",
            ),
        ] {
            let alarm = Alarm {
                suffix,
                description: tpl(&format!(
                    "Average {what} use of the tasks of {{service}} was above \
                     {{args.{threshold}}}% for 15 minutes."
                )),
                threshold: path(&format!("args.{threshold}")),
                evaluation_periods: 3,
                datapoints_to_alarm: 3,
                treat_missing_data: "missing",
                missing_because: missing,
                metric: metric("AWS/ECS", metric_name, ("statistic", "Average"), 300, ecs()),
            };
            body.extend(alarm.statements("service"));
        }
        out.push(Stmt::For {
            target: "service, service_name".to_string(),
            iter: path("args.ecs_services").method("items", vec![]),
            body,
        });
    }
    if !watched.node_pools.is_empty() {
        let alarm = Alarm {
            suffix: "nodes-cpu",
            // The cluster name is an Output: concatenated, not formatted into an f-string.
            description: call(
                path("pulumi.Output.concat"),
                vec![
                    tpl("Average CPU use of the nodes of pool {pool} (cluster "),
                    path("args.eks_cluster_name"),
                    tpl(") was above {args.alarm_cpu_percent}% for 15 minutes."),
                ],
                vec![],
            ),
            threshold: path("args.alarm_cpu_percent"),
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
                dict([("AutoScalingGroupName", name("group_name"))]),
            ),
        };
        out.push(Stmt::For {
            target: "pool, group_name".to_string(),
            iter: path("args.node_pools").method("items", vec![]),
            body: alarm.statements("pool"),
        });
    }
    out
}

/// `load_balancer["<field>"]` in the alarm loop.
fn lb_entry(field: &str) -> Expr {
    name("load_balancer").index(s(field))
}

/// A number as Terraform writes it in tfvars: integral values without a fraction.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn args(platform: &Platform, watched: &Watched, built: &[Component]) -> Option<Vec<Arg>> {
    let every_env = |value: Value| by_env(platform, |_| value.clone());
    let alarms = &platform.observability.alarms;
    let mut args = vec![
        Arg::wired("name", "str", name("name")),
        Arg::wired("tags", "dict[str, str]", name("tags")),
        Arg::wired("region", "str", name("region")),
        Arg::setting(
            "alarm_emails",
            "list[str]",
            ConfigKind::Object,
            every_env(json!(platform.observability.alarm_emails)),
        ),
    ];
    if !watched.load_balanced.is_empty() {
        args.push(Arg::setting(
            "alarm_error_rate_percent",
            "int",
            ConfigKind::Int,
            every_env(json!(alarms.error_rate_percent)),
        ));
        args.push(Arg::setting(
            "alarm_error_rate_min_requests",
            "int",
            ConfigKind::Int,
            every_env(json!(alarms.error_rate_min_requests)),
        ));
        args.push(Arg::setting(
            "alarm_latency_p99_seconds",
            "float",
            ConfigKind::Float,
            every_env(number(alarms.latency_p99_seconds)),
        ));
    }
    if !watched.services.is_empty() || !watched.node_pools.is_empty() {
        args.push(Arg::setting(
            "alarm_cpu_percent",
            "int",
            ConfigKind::Int,
            every_env(json!(alarms.cpu_percent)),
        ));
    }
    if !watched.services.is_empty() {
        args.push(Arg::setting(
            "alarm_memory_percent",
            "int",
            ConfigKind::Int,
            every_env(json!(alarms.memory_percent)),
        ));
        args.push(Arg::wired(
            "ecs_cluster_name",
            "pulumi.Input[str]",
            output_of(built, "ecs_cluster", "cluster_name")?,
        ));
        let services = watched
            .services
            .iter()
            .map(|svc| Some((*svc, output_of(built, &call_name(svc), "service_name")?)))
            .collect::<Option<Vec<_>>>()?;
        args.push(Arg::wired(
            "ecs_services",
            "dict[str, pulumi.Input[str]]",
            dict(services),
        ));
    }
    if !watched.load_balanced.is_empty() {
        let load_balancers = watched
            .load_balanced
            .iter()
            .map(|svc| {
                let instance = call_name(svc);
                let suffixes = dict([
                    (
                        "alb_arn_suffix",
                        output_of(built, &instance, "alb_arn_suffix")?,
                    ),
                    (
                        "target_group_arn_suffix",
                        output_of(built, &instance, "target_group_arn_suffix")?,
                    ),
                ]);
                Some((*svc, suffixes))
            })
            .collect::<Option<Vec<_>>>()?;
        // Keys `alb_arn_suffix` and `target_group_arn_suffix`, as the Terraform variable's object.
        args.push(Arg::wired(
            "load_balancers",
            "dict[str, dict[str, pulumi.Input[str]]]",
            dict(load_balancers),
        ));
    }
    if platform.eks.is_some() {
        args.push(Arg::wired(
            "eks_cluster_name",
            "pulumi.Input[str]",
            output_of(built, "eks", "cluster_name")?,
        ));
    }
    if !watched.node_pools.is_empty() {
        let groups = output_of(built, "eks", "node_group_autoscaling_group_names")?;
        args.push(Arg::wired(
            "node_pools",
            "dict[str, pulumi.Input[str]]",
            dict(
                watched
                    .node_pools
                    .iter()
                    .map(|pool| (*pool, groups.clone().index(s(*pool)))),
            ),
        ));
    }
    Some(args)
}
