//! One ECS service on Fargate (`modules/ecs-service`, `components/ecs_service.py`). The code
//! is the same for every service; what differs comes in through inputs, and optional parts are
//! keyed over values that are empty when the part is off.
//!
//! Every resource is described here ([`items`]), the inputs and outputs in [`interface`].

use super::{
    Expr, Fact, ForList, ForMap, Item, Keys, Op, Part, Policy, ResId, Resource, Statement, bin,
    block, cond, contains, local, local_item, not, object, policy, res, s, strs, template_with,
    when,
};
use crate::model::Deploy;
use crate::model::fargate::{MemoryChoice, TASK_SIZES};

pub mod interface;

pub use interface::{ACCESS_LOGS, LOAD_BALANCER, call, component, group, inputs, outputs};

/// Log retention is the spec's choice per environment, often short outside production.
pub const RETENTION_SKIP: &str = "checkov:skip=CKV_AWS_338:Retention is the spec's observability.log_retention_days for each environment; shorter than a year is a deliberate choice there.";

/// A template in which `{name}` is the service's full name (`local.name`,
/// `<project>-<env>-<service>`), `{region}`/`{account_id}`/`{partition}` the facts and any
/// other `{x}` the input `x`.
fn tpl(text: &str) -> Expr {
    template_with(text, "{", &|inner| match inner {
        "name" => local("name"),
        "region" => Expr::Fact(Fact::Region),
        "account_id" => Expr::Fact(Fact::AccountId),
        "partition" => Expr::Fact(Fact::Partition),
        "key" => Expr::Key,
        "value" => Expr::Value,
        other => super::input(other),
    })
}

fn input(name: &str) -> Expr {
    super::input(name)
}

fn statement(sid: &'static str, actions: Vec<&'static str>, resources: Vec<Expr>) -> Statement {
    Statement {
        sid: Some(sid),
        actions,
        resources,
        principals: None,
        conditions: Vec::new(),
        deny: false,
    }
}

fn not_null(e: Expr) -> Expr {
    bin(e, Op::NotEq, Expr::Null)
}

pub fn log_group() -> ResId {
    res("aws_cloudwatch_log_group", "this")
}

pub fn task_role() -> ResId {
    res("aws_iam_role", "task")
}

pub fn execution_role() -> ResId {
    res("aws_iam_role", "execution")
}

pub fn execution_policy() -> ResId {
    res("aws_iam_role_policy", "execution")
}

pub fn exec_policy() -> ResId {
    res("aws_iam_role_policy", "exec")
}

/// The log group, the task execution role with what it may do (pull the image, write logs,
/// read the service's secrets) and the application's task role (ECS Exec only, when asked).
pub fn logs_and_roles() -> Vec<Item> {
    let logs = Resource::new("aws_cloudwatch_log_group", "this", local("name"))
        .note(RETENTION_SKIP.to_string())
        .arg("name", tpl("/ecs/{name}"))
        .pulumi_name(tpl("/ecs/{name}"))
        .arg("retention_in_days", input("log_retention_days"))
        .arg("kms_key_id", input("logs_kms_key_arn"));

    let assume = policy(super::assume_role(
        "assume",
        "ecs-tasks.amazonaws.com",
        true,
    ));
    let role = |name: &str, label: &str, description: &str| {
        Resource::new("aws_iam_role", name, input(label))
            .arg("name", input(label))
            .arg("description", tpl(description))
            .arg("assume_role_policy", assume.clone())
    };

    let image = input("image_repository_arn");
    let secrets = input("secrets");
    let has_secrets = bin(
        Expr::Length(Box::new(secrets.clone())),
        Op::NotEq,
        Expr::Int(0),
    );
    let mut decrypt = statement(
        "DecryptSecrets",
        vec!["kms:Decrypt"],
        vec![when(
            bin(
                has_secrets.clone(),
                Op::And,
                not_null(input("secrets_kms_key_arn")),
            ),
            Expr::List(vec![input("secrets_kms_key_arn")]),
        )],
    );
    decrypt.conditions.push((
        "StringEquals",
        "kms:ViaService",
        vec![tpl("secretsmanager.{region}.amazonaws.com")],
    ));
    let execution = policy(Policy {
        id: "execution".to_string(),
        notes: vec![
            "Pull the image, when it is in ECR: login has no resource-level permissions."
                .to_string(),
            "Read exactly this service's secrets, and decrypt them with their key.".to_string(),
        ],
        statements: vec![
            statement(
                "EcrLogin",
                vec!["ecr:GetAuthorizationToken"],
                vec![when(not_null(image.clone()), Expr::List(vec![s("*")]))],
            ),
            statement(
                "PullImage",
                vec![
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                vec![when(not_null(image.clone()), Expr::List(vec![image]))],
            ),
            statement(
                "WriteLogs",
                vec!["logs:CreateLogStream", "logs:PutLogEvents"],
                vec![Expr::Tmpl(vec![
                    Part::Expr(log_group().attr("arn")),
                    Part::Lit(":*".to_string()),
                ])],
            ),
            statement(
                "ReadSecrets",
                vec!["secretsmanager:GetSecretValue"],
                vec![when(has_secrets, Expr::SortedValues(Box::new(secrets)))],
            ),
            decrypt,
        ],
    });

    // ECS Exec: the task role opens the SSM channels, logs the session to the cluster's exec
    // log group and decrypts with the cluster's key (which encrypts the sessions).
    let exec = policy(Policy {
        id: "exec".to_string(),
        notes: vec!["The SSM message channels have no resource-level permissions.".to_string()],
        statements: vec![
            statement(
                "ExecChannels",
                vec![
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                vec![s("*")],
            ),
            statement(
                "ExecFindLogGroup",
                vec!["logs:DescribeLogGroups"],
                vec![s("*")],
            ),
            statement(
                "ExecWriteSessionLogs",
                vec![
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                vec![tpl(
                    "arn:{partition}:logs:{region}:{account_id}:log-group:{exec_log_group_name}:*",
                )],
            ),
            statement(
                "ExecSessionKey",
                vec!["kms:Decrypt"],
                vec![input("logs_kms_key_arn")],
            ),
        ],
    });
    let exec_keys = Keys::set(
        cond(
            input("exec"),
            Expr::ToSet(Box::new(Expr::List(vec![s("exec")]))),
            Expr::ToSet(Box::new(Expr::List(Vec::new()))),
        ),
        "feature",
    );

    vec![
        Item::Resource(logs),
        Item::Resource(role(
            "execution",
            "execution_role_name",
            "ECS task execution role of {name}",
        )),
        Item::Resource(
            Resource::new(
                "aws_iam_role_policy",
                "execution",
                tpl("{name}-pull-image-write-logs-read-secrets"),
            )
            .untagged()
            .arg("name", s("pull-image-write-logs-read-secrets"))
            .arg("role", execution_role().attr("id"))
            .arg("policy", execution),
        ),
        Item::Resource(
            role("task", "task_role_name", "ECS task role of {name}")
                .note("The application's own role: no permissions until you attach some.".into()),
        ),
        Item::Resource(
            Resource::new("aws_iam_role_policy", "exec", tpl("{name}-ecs-exec"))
                .keyed(exec_keys)
                .untagged()
                .arg("name", s("ecs-exec"))
                .arg("role", task_role().attr("id"))
                .arg("policy", exec),
        ),
    ]
}

/// What the resources read about where they run, in the order Terraform reads it.
pub const FACTS: [Fact; 3] = [Fact::AccountId, Fact::Partition, Fact::Region];

pub fn task_definition() -> ResId {
    res("aws_ecs_task_definition", "this")
}

pub fn service_security_group() -> ResId {
    res("aws_security_group", "service")
}

pub fn service() -> ResId {
    res("aws_ecs_service", "this")
}

pub fn load_balancer() -> ResId {
    res("aws_lb", "this")
}

pub fn target_group() -> ResId {
    res("aws_lb_target_group", "this")
}

/// The module directory of services that `deploy` deploys: one for services whose images
/// iacgen's apply deploys, one for services whose own pipeline deploys them (Terraform's
/// `ignore_changes` must be a literal; see [`items`]).
pub fn module_dir(deploy: Deploy) -> &'static str {
    match deploy {
        Deploy::Iacgen => "ecs-service",
        Deploy::Pipeline => "ecs-service-pipeline",
    }
}

/// Every item of the module of services that `deploy` deploys, in Terraform's order.
pub fn items(deploy: Deploy) -> Vec<Item> {
    let mut items = locals();
    items.extend(logs_and_roles());
    items.push(Item::Resource(task()));
    items.extend(security_groups().into_iter().map(Item::Resource));
    items.extend(balancer().into_iter().map(Item::Resource));
    items.push(Item::Resource(the_service(deploy)));
    items.extend(autoscaling().into_iter().map(Item::Resource));
    items
}

fn locals() -> Vec<Item> {
    let lb = input("load_balancer");
    vec![
        local_item(
            "name",
            None,
            Expr::Tmpl(vec![
                Part::Expr(input("name")),
                Part::Lit("-".to_string()),
                Part::Expr(input("service")),
            ]),
        ),
        local_item(
            "load_balancer",
            Some("The load balancer keyed by service name, or nothing for a service without one."),
            Expr::ForMapIf(
                Box::new(ForMap {
                    over: Expr::Entry(Box::new(input("service")), Box::new(lb.clone())),
                    key: "service",
                    value: Some("lb"),
                    key_expr: Expr::Var("service"),
                    elt: Expr::Var("lb"),
                }),
                Box::new(not_null(Expr::Var("lb"))),
            ),
        ),
        local_item(
            "listener_ports",
            Some("Listener ports: HTTP, plus HTTPS when the load balancer has a certificate."),
            cond(
                bin(lb.clone(), Op::Eq, Expr::Null),
                Expr::List(Vec::new()),
                cond(
                    bin(lb.field("certificate_arn"), Op::Eq, Expr::Null),
                    strs(["80"]),
                    strs(["80", "443"]),
                ),
            ),
        ),
        local_item(
            "scaling_targets",
            Some("Target utilisation (percent) by metric; a metric without one gets no policy."),
            object(vec![
                ("cpu", input("cpu_target")),
                ("memory", input("memory_target")),
            ]),
        ),
        local_item(
            "scaling_policies",
            None,
            Expr::ForMapIf(
                Box::new(ForMap {
                    over: local("scaling_targets"),
                    key: "metric",
                    value: Some("target"),
                    key_expr: Expr::Var("metric"),
                    elt: Expr::Var("target"),
                }),
                Box::new(not_null(Expr::Var("target"))),
            ),
        ),
    ]
}

/// A Terraform condition that holds when `var.cpu` and `var.memory` are a Fargate task size:
/// `contains(lookup({ "256" = [512, 1024, 2048], "512" = range(1024, 4097, 1024), ... },
/// tostring(var.cpu), []), var.memory)`.
pub fn fargate_condition() -> String {
    let sizes: Vec<String> = TASK_SIZES
        .iter()
        .map(|(cpu, memory)| {
            let allowed = match memory {
                MemoryChoice::Listed(values) => format!(
                    "[{}]",
                    values
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                MemoryChoice::Range { min, max, step } => {
                    format!("range({min}, {}, {step})", max + 1)
                }
            };
            format!("\"{cpu}\" = {allowed}")
        })
        .collect();
    format!(
        "contains(lookup({{ {} }}, tostring(var.cpu), []), var.memory)",
        sizes.join(", ")
    )
}

/// `for <key>, <value> in <map>` into a list of `elt`.
fn for_entries(map: Expr, key: &'static str, value: &'static str, elt: Expr) -> Expr {
    Expr::ForList(Box::new(ForList {
        over: Expr::Entries(Box::new(map)),
        index: Some(key),
        var: value,
        elt,
        filter: None,
    }))
}

fn task() -> Resource {
    let container = object(vec![
        ("name", input("service")),
        ("image", input("image")),
        ("essential", Expr::Bool(true)),
        ("readonlyRootFilesystem", Expr::Bool(true)),
        ("privileged", Expr::Bool(false)),
        (
            "command",
            cond(
                bin(
                    Expr::Length(Box::new(input("command"))),
                    Op::Eq,
                    Expr::Int(0),
                ),
                Expr::Null,
                input("command"),
            ),
        ),
        (
            "portMappings",
            cond(
                bin(input("port"), Op::Eq, Expr::Null),
                Expr::List(Vec::new()),
                Expr::List(vec![object(vec![
                    ("containerPort", input("port")),
                    ("protocol", s("tcp")),
                ])]),
            ),
        ),
        (
            "environment",
            for_entries(
                input("environment"),
                "name",
                "value",
                object(vec![
                    ("name", Expr::Var("name")),
                    ("value", Expr::Var("value")),
                ]),
            ),
        ),
        (
            "secrets",
            for_entries(
                input("secrets"),
                "name",
                "arn",
                object(vec![
                    ("name", Expr::Var("name")),
                    ("valueFrom", Expr::Var("arn")),
                ]),
            ),
        ),
        (
            "mountPoints",
            for_entries(
                input("writable_volumes"),
                "volume",
                "path",
                object(vec![
                    ("sourceVolume", Expr::Var("volume")),
                    ("containerPath", Expr::Var("path")),
                    ("readOnly", Expr::Bool(false)),
                ]),
            ),
        ),
        (
            "linuxParameters",
            cond(
                input("exec"),
                object(vec![("initProcessEnabled", Expr::Bool(true))]),
                Expr::Null,
            ),
        ),
        (
            "logConfiguration",
            object(vec![
                ("logDriver", s("awslogs")),
                (
                    "options",
                    object(vec![
                        ("awslogs-group", log_group().attr("name")),
                        ("awslogs-region", Expr::Fact(Fact::Region)),
                        ("awslogs-stream-prefix", input("service")),
                    ]),
                ),
            ]),
        ),
    ]);
    Resource::new("aws_ecs_task_definition", "this", local("name"))
        .arg("family", local("name"))
        .arg("requires_compatibilities", strs(["FARGATE"]))
        .arg("network_mode", s("awsvpc"))
        .arg("cpu", Expr::ToStr(Box::new(input("cpu"))))
        .arg("memory", Expr::ToStr(Box::new(input("memory"))))
        .arg("execution_role_arn", execution_role().attr("arn"))
        .arg("task_role_arn", task_role().attr("arn"))
        .arg(
            "container_definitions",
            super::json(Expr::List(vec![container])),
        )
        .group("container_definitions")
        .arg(
            "volume",
            Expr::Dynamic(
                Box::new(Keys::map(input("writable_volumes"), "volume", "path")),
                vec![("name".to_string(), Expr::Var("volume"))],
            ),
        )
        .comment(
            "volume",
            "The root filesystem is read-only; these volumes are where the container may write.",
        )
        .arg(
            "runtime_platform",
            block(vec![
                ("operating_system_family", s("LINUX")),
                ("cpu_architecture", input("architecture")),
            ]),
        )
        .precondition(
            &fargate_condition(),
            &format!(
                "cpu and memory must be a Fargate task size: {}.",
                crate::model::fargate::summary()
            ),
        )
}

/// `<name>-<suffix>` as a template of the service's full name.
fn named(suffix: &str) -> Expr {
    tpl(&format!("{{name}}{suffix}"))
}

/// The security group rule `address` exists already (see the `existing_rules` input).
fn existing(address: Expr) -> Expr {
    contains(input("existing_rules"), address)
}

/// One instance per load balancer (none or the service's own).
fn per_load_balancer() -> Keys {
    Keys::map(local("load_balancer"), "service", "lb")
}

/// [`per_load_balancer`], except when the rule `<rule>[<service>]` exists already.
fn per_load_balancer_unless_existing(rule: &str) -> Keys {
    per_load_balancer().only(not(existing(Expr::Tmpl(vec![
        Part::Lit(format!("{rule}[")),
        Part::Expr(Expr::Var("service")),
        Part::Lit("]".to_string()),
    ]))))
}

fn security_groups() -> Vec<Resource> {
    let sg = service_security_group();
    let lb_sg = res("aws_security_group", "load_balancer");
    vec![
        Resource::new("aws_security_group", "service", named("-service"))
            .arg("name_prefix", named("-service-"))
            .arg(
                "description",
                s("ECS tasks of one service: traffic from its load balancer only"),
            )
            .arg("vpc_id", input("vpc_id"))
            .create_first(),
        Resource::new(
            "aws_vpc_security_group_ingress_rule",
            "service_from_load_balancer",
            named("-from-load-balancer"),
        )
        // checkov reads a port-80 rule without `cidr_ipv4` as open to the world.
        .note("checkov:skip=CKV_AWS_260:Admits only the load balancer's security group (referenced_security_group_id), no CIDR; checkov misreads a rule without cidr_ipv4 on port 80.".into())
        .keyed(per_load_balancer_unless_existing("service_from_load_balancer"))
        .pulumi_name_exact(named("-from-load-balancer"))
        .arg("security_group_id", sg.attr("id"))
        .arg("description", s("Container port from the load balancer"))
        .arg("referenced_security_group_id", lb_sg.at(Expr::Key, "id"))
        .arg("ip_protocol", s("tcp"))
        .arg("from_port", input("port"))
        .arg("to_port", input("port")),
        Resource::new("aws_vpc_security_group_egress_rule", "service_https", named("-https-out"))
            .note("checkov:skip=CKV_AWS_382:Tasks call AWS APIs, ECR and third-party services over HTTPS; other egress stays inside the VPC.".into())
            .count_unless(existing(s("service_https[0]")))
            .arg("security_group_id", sg.attr("id"))
            .arg("description", s("HTTPS to AWS APIs, ECR and the internet"))
            .arg("cidr_ipv4", s("0.0.0.0/0"))
            .arg("ip_protocol", s("tcp"))
            .arg("from_port", Expr::Int(443))
            .arg("to_port", Expr::Int(443)),
        Resource::new("aws_vpc_security_group_egress_rule", "service_vpc", named("-vpc-out"))
            .count_unless(existing(s("service_vpc[0]")))
            .arg("security_group_id", sg.attr("id"))
            .arg(
                "description",
                s("Anything inside the VPC: databases, DNS, other services"),
            )
            .arg("cidr_ipv4", input("vpc_cidr_block"))
            .arg("ip_protocol", s("-1")),
    ]
}

/// TLS 1.3 and 1.2 with forward-secret ciphers only: the ELB policy AWS recommends.
const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

fn balancer() -> Vec<Resource> {
    let lb_sg = res("aws_security_group", "load_balancer");
    let lb = |field: &str| Expr::Value.field(field);
    let no_certificate = bin(lb("certificate_arn"), Op::Eq, Expr::Null);
    let subnets = cond(
        lb("public"),
        input("public_subnet_ids"),
        input("private_subnet_ids"),
    );
    let port = Expr::ToInt(Box::new(Expr::Value));
    vec![
        Resource::new("aws_security_group", "load_balancer", named("-alb"))
            .keyed(per_load_balancer())
            .pulumi_name_exact(named("-alb"))
            .arg("name_prefix", named("-alb-"))
            .arg(
                "description",
                s("Load balancer of one ECS service: listener ports in, container port out"),
            )
            .arg("vpc_id", input("vpc_id"))
            .create_first(),
        Resource::new("aws_vpc_security_group_ingress_rule", "load_balancer", named("-alb-{value}"))
            .note("checkov:skip=CKV_AWS_260:An internet-facing load balancer (load_balancer.public) takes HTTP from anywhere; with a certificate HTTP only redirects to HTTPS.".into())
            .keyed(Keys::set(local("listener_ports"), "port").only(not(existing(Expr::Tmpl(vec![
                Part::Lit("load_balancer[".to_string()),
                Part::Expr(Expr::Var("port")),
                Part::Lit("]".to_string()),
            ])))))
            .arg("security_group_id", lb_sg.at(input("service"), "id"))
            .arg("description", tpl("Port {value} from the load balancer's clients"))
            .arg(
                "cidr_ipv4",
                cond(
                    input("load_balancer").field("public"),
                    s("0.0.0.0/0"),
                    input("vpc_cidr_block"),
                ),
            )
            .arg("ip_protocol", s("tcp"))
            .arg("from_port", port.clone())
            .arg("to_port", port),
        Resource::new(
            "aws_vpc_security_group_egress_rule",
            "load_balancer_to_service",
            named("-alb-to-service"),
        )
        .keyed(per_load_balancer_unless_existing("load_balancer_to_service"))
        .pulumi_name_exact(named("-alb-to-service"))
        .arg("security_group_id", lb_sg.at(Expr::Key, "id"))
        .arg("description", s("Container port of the service's tasks"))
        .arg("referenced_security_group_id", service_security_group().attr("id"))
        .arg("ip_protocol", s("tcp"))
        .arg("from_port", input("port"))
        .arg("to_port", input("port")),
        Resource::new("aws_lb", "this", lb("name"))
            .note("checkov:skip=CKV_AWS_91:Access logs are on when the spec gives load_balancer.access_logs (a bucket iacgen does not own); request metrics and alarms come from CloudWatch.".into())
            .note("checkov:skip=CKV2_AWS_28:A WAF web ACL is not part of the spec; attach one with aws_wafv2_web_acl_association.".into())
            .note("checkov:skip=CKV_AWS_150:Deletion protection is on in production-like environments (load_balancer.deletion_protection).".into())
            .note("checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever the spec gives a certificate_arn; without one there is no HTTPS to redirect to.".into())
            .keyed(per_load_balancer())
            .arg("name", lb("name"))
            .arg("load_balancer_type", s("application"))
            .arg("internal", not(lb("public")))
            .arg("subnets", subnets)
            .arg("security_groups", Expr::List(vec![lb_sg.at(Expr::Key, "id")]))
            .arg("drop_invalid_header_fields", Expr::Bool(true))
            .arg("enable_deletion_protection", lb("deletion_protection"))
            .arg(
                "access_logs",
                Expr::BlockIf(
                    Box::new(not_null(lb("access_logs"))),
                    Box::new(lb("access_logs")),
                    "access_logs",
                    vec![
                        ("bucket".to_string(), Expr::Var("access_logs").field("bucket")),
                        ("prefix".to_string(), Expr::Var("access_logs").field("prefix")),
                        ("enabled".to_string(), Expr::Bool(true)),
                    ],
                ),
            )
            .precondition("var.port != null", "A load balancer needs the service's port.")
            .precondition(
                "length(each.value.public ? var.public_subnet_ids : var.private_subnet_ids) >= 2",
                "An application load balancer needs subnets in at least two availability zones.",
            ),
        Resource::new("aws_lb_target_group", "this", lb("target_group_name"))
            .note("checkov:skip=CKV_AWS_378:TLS ends at the load balancer; it reaches the tasks over HTTP inside the VPC, admitted only from its security group.".into())
            .keyed(per_load_balancer())
            .arg("name", lb("target_group_name"))
            .arg("port", input("port"))
            .arg("protocol", s("HTTP"))
            .arg("target_type", s("ip"))
            .arg("vpc_id", input("vpc_id"))
            .arg("deregistration_delay", Expr::Int(30))
            .arg(
                "health_check",
                block(vec![
                    ("path", lb("health_check_path")),
                    ("matcher", s("200-399")),
                    ("interval", Expr::Int(15)),
                    ("healthy_threshold", Expr::Int(2)),
                    ("unhealthy_threshold", Expr::Int(3)),
                ]),
            )
            .create_first()
            .comment(
                "create_before_destroy",
                "A new port or protocol replaces the target group, under a new name (it carries a hash of\n\
                 both): the listener moves to the new one before the old one, still in use until then, goes.",
            ),
        Resource::new("aws_lb_listener", "http", named("-http"))
            .note("checkov:skip=CKV_AWS_2:Plain HTTP only when the spec gives no certificate_arn; with one this listener redirects to HTTPS.".into())
            .note("checkov:skip=CKV_AWS_103:TLS applies to the HTTPS listener; this one is plain HTTP or a redirect.".into())
            .keyed(per_load_balancer())
            .pulumi_name_exact(named("-http"))
            .arg("load_balancer_arn", load_balancer().at(Expr::Key, "arn"))
            .arg("port", Expr::Int(80))
            .arg("protocol", s("HTTP"))
            .arg(
                "default_action",
                Expr::Blocks(vec![block(vec![
                    (
                        "type",
                        cond(no_certificate.clone(), s("forward"), s("redirect")),
                    ),
                    (
                        "target_group_arn",
                        cond(
                            no_certificate,
                            target_group().at(Expr::Key, "arn"),
                            Expr::Null,
                        ),
                    ),
                    (
                        "redirect",
                        Expr::BlockIf(
                            Box::new(not_null(lb("certificate_arn"))),
                            Box::new(s("HTTPS")),
                            "redirect",
                            vec![
                                ("protocol".to_string(), Expr::Var("redirect")),
                                ("port".to_string(), s("443")),
                                ("status_code".to_string(), s("HTTP_301")),
                            ],
                        ),
                    ),
                ])]),
            )
            .comment(
                "default_action",
                "Forward to the service, or with a certificate redirect to HTTPS.",
            ),
        Resource::new("aws_lb_listener", "https", named("-https"))
            .keyed(per_load_balancer().only(not_null(Expr::Var("lb").field("certificate_arn"))))
            .pulumi_name_exact(named("-https"))
            .arg("load_balancer_arn", load_balancer().at(Expr::Key, "arn"))
            .arg("port", Expr::Int(443))
            .arg("protocol", s("HTTPS"))
            .arg("ssl_policy", s(TLS_POLICY))
            .arg("certificate_arn", lb("certificate_arn"))
            .arg(
                "default_action",
                Expr::Blocks(vec![block(vec![
                    ("type", s("forward")),
                    ("target_group_arn", target_group().at(Expr::Key, "arn")),
                ])]),
            ),
    ]
}

fn the_service(deploy: Deploy) -> Resource {
    let (ignored, why) = match deploy {
        Deploy::Iacgen => (
            vec!["desired_count"],
            "Application Auto Scaling owns the running count within min_capacity..max_capacity.",
        ),
        Deploy::Pipeline => (
            vec!["desired_count", "task_definition"],
            "Application Auto Scaling owns the running count within min_capacity..max_capacity; the\n\
             application's pipeline owns the task definition revision the service runs (it registers\n\
             new revisions and updates the service), so an apply does not roll its deploys back.",
        ),
    };
    Resource::new("aws_ecs_service", "this", local("name"))
        .arg("name", local("name"))
        .arg("cluster", input("cluster_arn"))
        .arg("task_definition", task_definition().attr("arn"))
        .arg("desired_count", input("desired_count"))
        .arg("platform_version", s("LATEST"))
        .arg(
            "health_check_grace_period_seconds",
            cond(
                bin(input("load_balancer"), Op::Eq, Expr::Null),
                Expr::Null,
                input("health_check_grace_period_seconds"),
            ),
        )
        .arg("enable_ecs_managed_tags", Expr::Bool(true))
        .arg("propagate_tags", s("SERVICE"))
        .arg("enable_execute_command", input("exec"))
        .arg("wait_for_steady_state", Expr::Bool(true))
        .comment(
            "wait_for_steady_state",
            "Apply waits until the deployment settles (the circuit breaker rolls a failing one back) instead of\n\
             reporting success while ECS is still replacing tasks.",
        )
        .arg(
            "capacity_provider_strategy",
            Expr::Blocks(vec![block(vec![
                ("capacity_provider", input("capacity_provider")),
                ("weight", Expr::Int(1)),
            ])]),
        )
        .arg(
            "network_configuration",
            block(vec![
                ("subnets", input("private_subnet_ids")),
                (
                    "security_groups",
                    Expr::List(vec![service_security_group().attr("id")]),
                ),
                ("assign_public_ip", Expr::Bool(false)),
            ]),
        )
        .arg(
            "deployment_circuit_breaker",
            block(vec![
                ("enable", Expr::Bool(true)),
                ("rollback", Expr::Bool(true)),
            ]),
        )
        .arg(
            "load_balancer",
            Expr::Dynamic(
                Box::new(Keys::map(
                    Expr::All(target_group()),
                    "service",
                    "load_balancer",
                )),
                vec![
                    (
                        "target_group_arn".to_string(),
                        Expr::Var("load_balancer").attr("arn"),
                    ),
                    ("container_name".to_string(), input("service")),
                    ("container_port".to_string(), input("port")),
                ],
            ),
        )
        .ignore_changes(ignored, why)
        .ignore_changes_if("pipeline_deploys", vec!["task_definition"])
        .after(res("aws_lb_listener", "http"))
        .after(res("aws_lb_listener", "https"))
        .after(execution_policy())
        .after(exec_policy())
        .comment(
            "depends_on",
            "A target group must belong to a load balancer before a service uses it: through the listener\n\
             that forwards to it, HTTP without a certificate, HTTPS with one (HTTP then only redirects).",
        )
}

/// Every service has a scalable target, so Terraform never sets the running count after the
/// first apply: without autoscaling `min_capacity = max_capacity = desired_count` pins it.
fn autoscaling() -> Vec<Resource> {
    let target = res("aws_appautoscaling_target", "this");
    vec![
        Resource::new("aws_appautoscaling_target", "this", local("name"))
            .arg("service_namespace", s("ecs"))
            .arg("scalable_dimension", s("ecs:service:DesiredCount"))
            .arg(
                "resource_id",
                Expr::Tmpl(vec![
                    Part::Lit("service/".to_string()),
                    Part::Expr(input("cluster_name")),
                    Part::Lit("/".to_string()),
                    Part::Expr(service().attr("name")),
                ]),
            )
            .arg("min_capacity", input("min_capacity"))
            .arg("max_capacity", input("max_capacity"))
            .precondition(
                "var.min_capacity <= var.desired_count && var.desired_count <= var.max_capacity",
                "desired_count must be between min_capacity and max_capacity.",
            ),
        Resource::new("aws_appautoscaling_policy", "this", named("-{key}"))
            .keyed(Keys::map(local("scaling_policies"), "metric", "target"))
            .untagged()
            .arg("name", named("-{key}"))
            .arg("policy_type", s("TargetTrackingScaling"))
            .arg("service_namespace", target.attr("service_namespace"))
            .arg("scalable_dimension", target.attr("scalable_dimension"))
            .arg("resource_id", target.attr("resource_id"))
            .arg(
                "target_tracking_scaling_policy_configuration",
                block(vec![
                    ("target_value", Expr::Value),
                    (
                        "predefined_metric_specification",
                        block(vec![(
                            "predefined_metric_type",
                            cond(
                                bin(Expr::Key, Op::Eq, s("cpu")),
                                s("ECSServiceAverageCPUUtilization"),
                                s("ECSServiceAverageMemoryUtilization"),
                            ),
                        )]),
                    ),
                ]),
            ),
    ]
}
