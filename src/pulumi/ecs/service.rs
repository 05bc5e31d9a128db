//! `components/ecs_service.py`: the counterpart of `modules/ecs-service`. One class for every
//! service; what differs (a port and load balancer or not, secrets, autoscaling) comes in
//! through its arguments, and the optional parts are created only when the arguments ask for
//! them, as the Terraform module's `for_each` over maps that are empty when a part is off.

use super::super::component::{self, account_id, init_preamble, resource, tags_named, tpl};
use super::super::py::{
    self, DictItem, Expr, Op, Stmt, bin, call, check, dict, if_exp, lambda, list_comp, name, path,
    s, strs,
};
use super::load_balancer;
use crate::model::fargate::{self, MemoryChoice, TASK_SIZES};

pub const CLASS: &str = "EcsService";

pub fn imports() -> Vec<py::Import> {
    vec![
        py::import("json"),
        py::from_import("typing", &["TypedDict"]),
        py::import_as("pulumi_aws", "aws"),
    ]
}

/// The outputs every service has, named as the Terraform module's.
const OUTPUTS: [(&str, &str); 4] = [
    ("service_name", "self.service.name"),
    ("log_group_name", "self.log_group.name"),
    ("task_role_arn", "self.task_role.arn"),
    ("security_group_id", "self.security_group.id"),
];

/// The outputs of a service's load balancer: attributes only a service with one has.
const LOAD_BALANCER_OUTPUTS: [(&str, &str); 4] = [
    ("alb_dns_name", "self.alb_dns_name"),
    ("alb_arn_suffix", "self.alb_arn_suffix"),
    ("target_group_arn", "self.target_group_arn"),
    ("target_group_arn_suffix", "self.target_group_arn_suffix"),
];

/// The stack outputs of one service, named as the Terraform module's; without a load balancer
/// those of the load balancer are `None`, as Terraform's are `null`.
pub fn outputs(load_balancer: bool) -> Vec<(String, Expr)> {
    let lb = LOAD_BALANCER_OUTPUTS
        .iter()
        .map(|(n, e)| (*n, if load_balancer { path(e) } else { Expr::None }));
    OUTPUTS
        .iter()
        .map(|(n, e)| (*n, path(e)))
        .chain(lb)
        .map(|(n, e)| (n.to_string(), e))
        .collect()
}

/// `self.register_outputs(outputs)` with the load balancer's outputs when there is one.
fn register_outputs() -> Vec<Stmt> {
    let pairs = |list: &[(&str, &str)]| dict(list.iter().map(|(n, e)| (*n, path(e))));
    vec![
        py::assign_typed("outputs", "dict[str, pulumi.Output[str]]", pairs(&OUTPUTS)),
        Stmt::If {
            cond: bin(name("lb"), Op::IsNot, Expr::None),
            body: vec![Stmt::Expr(
                name("outputs").method("update", vec![pairs(&LOAD_BALANCER_OUTPUTS)]),
            )],
        },
        Stmt::Expr(path("self.register_outputs").method_call(vec![name("outputs")])),
    ]
}

/// The module's statements after the arguments class: the Fargate size table, the load
/// balancer type and the component class.
pub fn body() -> Vec<Stmt> {
    let mut init = init_preamble(
        "iacgen:ecs_service:EcsService",
        tpl("{args.name}-{args.service}"),
    );
    init.extend([
        check(
            bin(
                path("args.memory"),
                Op::NotIn,
                path("FARGATE_MEMORY").method("get", vec![path("args.cpu"), py::list([])]),
            ),
            &format!(
                "cpu and memory must be a Fargate task size: {}.",
                fargate::summary()
            ),
        ),
        check(
            bin(
                bin(
                    path("args.desired_count"),
                    Op::Lt,
                    path("args.min_capacity"),
                ),
                Op::Or,
                bin(
                    path("args.desired_count"),
                    Op::Gt,
                    path("args.max_capacity"),
                ),
            ),
            "desired_count must be between min_capacity and max_capacity.",
        ),
        account_id(),
        Stmt::Blank,
        py::assign(
            "self.log_group",
            resource(
                "aws.cloudwatch.LogGroup",
                tpl("/ecs/{name}"),
                vec![
                    ("name", tpl("/ecs/{name}")),
                    ("retention_in_days", path("args.log_retention_days")),
                    ("kms_key_id", path("args.logs_kms_key_arn")),
                    ("tags", tags_named(name("name"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Blank,
    ]);
    init.extend(roles());
    init.push(Stmt::Blank);
    init.push(task_definition());
    init.push(Stmt::Blank);
    init.extend(security_group());
    init.push(Stmt::Blank);
    init.extend(load_balancer::statements());
    init.push(Stmt::Blank);
    init.extend(service());
    init.push(Stmt::Blank);
    init.extend(autoscaling());
    init.push(Stmt::Blank);
    init.extend(register_outputs());

    let class = component::class(
        CLASS,
        "One ECS service on Fargate, in the private subnets, behind its own application\n\
         load balancer when it has one; only then does it have alb_dns_name,\n\
         alb_arn_suffix, target_group_arn and target_group_arn_suffix."
            .to_string(),
        init,
    );
    vec![
        Stmt::Comment("Memory sizes (MiB) Fargate allows with each CPU size (Linux).".to_string()),
        py::assign_typed("FARGATE_MEMORY", "dict[int, list[int]]", fargate_table()),
        Stmt::Blank,
        Stmt::Comment(
            "The predefined metric autoscaling tracks for each kind of target.".to_string(),
        ),
        py::assign_typed(
            "SCALING_METRICS",
            "dict[str, str]",
            dict([
                ("cpu", s("ECSServiceAverageCPUUtilization")),
                ("memory", s("ECSServiceAverageMemoryUtilization")),
            ]),
        ),
        Stmt::Class(load_balancer::access_logs_type()),
        Stmt::Class(load_balancer::load_balancer_type()),
        Stmt::Class(class),
    ]
}

/// `{256: [512, 1024, 2048], 512: list(range(1024, 4097, 1024)), ...}`
fn fargate_table() -> Expr {
    Expr::Dict(
        TASK_SIZES
            .iter()
            .map(|(cpu, memory)| {
                let allowed = match *memory {
                    MemoryChoice::Listed(values) => py::list(values.iter().map(|v| py::int(*v))),
                    MemoryChoice::Range { min, max, step } => call(
                        name("list"),
                        vec![call(
                            name("range"),
                            vec![py::int(min), py::int(max + 1), py::int(step)],
                            vec![],
                        )],
                        vec![],
                    ),
                };
                DictItem::Pair(py::int(*cpu), allowed)
            })
            .collect(),
    )
}

/// One IAM policy statement, keys in the order of the provider's policy documents.
fn statement(sid: &str, action: Expr, resource: Expr) -> Vec<(&'static str, Expr)> {
    vec![
        ("Sid", s(sid)),
        ("Effect", s("Allow")),
        ("Action", action),
        ("Resource", resource),
    ]
}

fn append_statement(items: Vec<(&'static str, Expr)>) -> Stmt {
    Stmt::Expr(name("statements").method("append", vec![dict(items)]))
}

fn roles() -> Vec<Stmt> {
    let assume = dict([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            py::list([dict([
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRole")),
                (
                    "Principal",
                    dict([("Service", s("ecs-tasks.amazonaws.com"))]),
                ),
                (
                    "Condition",
                    dict([(
                        "StringEquals",
                        dict([("aws:SourceAccount", name("account_id"))]),
                    )]),
                ),
            ])]),
        ),
    ]);
    let role = |var: &str, name_arg: &str, description: &str| {
        py::assign(
            var,
            resource(
                "aws.iam.Role",
                path(name_arg),
                vec![
                    ("name", path(name_arg)),
                    ("description", tpl(description)),
                    ("assume_role_policy", name("assume_role_policy")),
                    ("tags", tags_named(path(name_arg), &[])),
                ],
                "child",
            ),
        )
    };
    let mut decrypt = statement(
        "DecryptSecrets",
        s("kms:Decrypt"),
        path("args.secrets_kms_key_arn"),
    );
    decrypt.push((
        "Condition",
        dict([(
            "StringEquals",
            dict([(
                "kms:ViaService",
                tpl("secretsmanager.{args.region}.amazonaws.com"),
            )]),
        )]),
    ));
    let secret_arns = call(
        path("pulumi.Output.all"),
        vec![Expr::Star(Box::new(
            path("args.secrets").method("values", vec![]),
        ))],
        vec![],
    )
    .method(
        "apply",
        vec![lambda(
            &["arns"],
            call(
                name("sorted"),
                vec![call(name("set"), vec![name("arns")], vec![])],
                vec![],
            ),
        )],
    );
    vec![
        py::assign(
            "assume_role_policy",
            call(path("json.dumps"), vec![assume], vec![]),
        ),
        role(
            "execution_role",
            "args.execution_role_name",
            "ECS task execution role of {name}",
        ),
        Stmt::Comment(
            "Pull the image, when it is in ECR: login has no resource-level permissions."
                .to_string(),
        ),
        py::assign_typed("statements", "list[dict[str, object]]", py::list([])),
        Stmt::If {
            cond: bin(path("args.image_repository_arn"), Op::IsNot, Expr::None),
            body: vec![
                append_statement(statement(
                    "EcrLogin",
                    s("ecr:GetAuthorizationToken"),
                    s("*"),
                )),
                append_statement(statement(
                    "PullImage",
                    strs([
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer",
                    ]),
                    path("args.image_repository_arn"),
                )),
            ],
        },
        append_statement(statement(
            "WriteLogs",
            strs(["logs:CreateLogStream", "logs:PutLogEvents"]),
            call(
                path("pulumi.Output.concat"),
                vec![path("self.log_group.arn"), s(":*")],
                vec![],
            ),
        )),
        Stmt::Comment(
            "Read exactly this service's secrets, and decrypt them with their key.".to_string(),
        ),
        Stmt::If {
            cond: path("args.secrets"),
            body: vec![
                append_statement(statement(
                    "ReadSecrets",
                    s("secretsmanager:GetSecretValue"),
                    secret_arns,
                )),
                Stmt::If {
                    cond: bin(path("args.secrets_kms_key_arn"), Op::IsNot, Expr::None),
                    body: vec![append_statement(decrypt)],
                },
            ],
        },
        py::assign(
            "execution_policy",
            resource(
                "aws.iam.RolePolicy",
                tpl("{name}-pull-image-write-logs-read-secrets"),
                vec![
                    ("name", s("pull-image-write-logs-read-secrets")),
                    ("role", path("execution_role.id")),
                    (
                        "policy",
                        call(
                            path("pulumi.Output.json_dumps"),
                            vec![dict([
                                ("Version", s("2012-10-17")),
                                ("Statement", name("statements")),
                            ])],
                            vec![],
                        ),
                    ),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "The application's own role: no permissions until you attach some.".to_string(),
        ),
        role(
            "self.task_role",
            "args.task_role_name",
            "ECS task role of {name}",
        ),
        py::assign_typed("exec_policies", "list[pulumi.Resource]", py::list([])),
        Stmt::If {
            cond: path("args.exec"),
            body: exec_policy(),
        },
    ]
}

/// ECS Exec: the task role opens the SSM channels, logs the session to the cluster's exec log
/// group and decrypts with the cluster's key (which encrypts the sessions).
fn exec_policy() -> Vec<Stmt> {
    let log_group_arn = call(
        path("pulumi.Output.concat"),
        vec![
            tpl("arn:{partition}:logs:{args.region}:"),
            name("account_id"),
            s(":log-group:"),
            path("args.exec_log_group_name"),
            s(":*"),
        ],
        vec![],
    );
    let statements = py::list([
        dict(statement(
            "ExecChannels",
            strs([
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ]),
            s("*"),
        )),
        dict(statement(
            "ExecFindLogGroup",
            s("logs:DescribeLogGroups"),
            s("*"),
        )),
        dict(statement(
            "ExecWriteSessionLogs",
            strs([
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
            ]),
            log_group_arn,
        )),
        dict(statement(
            "ExecSessionKey",
            s("kms:Decrypt"),
            path("args.logs_kms_key_arn"),
        )),
    ]);
    vec![
        Stmt::Comment(
            "ECS Exec: SSM channels (no resource-level permissions), session logs and key."
                .to_string(),
        ),
        component::partition(),
        py::assign(
            "exec_policy",
            resource(
                "aws.iam.RolePolicy",
                tpl("{name}-ecs-exec"),
                vec![
                    ("name", s("ecs-exec")),
                    ("role", path("self.task_role.id")),
                    (
                        "policy",
                        call(
                            path("pulumi.Output.json_dumps"),
                            vec![dict([
                                ("Version", s("2012-10-17")),
                                ("Statement", statements),
                            ])],
                            vec![],
                        ),
                    ),
                ],
                "child",
            ),
        ),
        Stmt::Expr(name("exec_policies").method("append", vec![name("exec_policy")])),
    ]
}

fn task_definition() -> Stmt {
    let container = dict([
        ("name", path("args.service")),
        ("image", path("args.image")),
        ("essential", Expr::Bool(true)),
        ("readonlyRootFilesystem", Expr::Bool(true)),
        ("privileged", Expr::Bool(false)),
        ("command", bin(path("args.command"), Op::Or, Expr::None)),
        (
            "portMappings",
            if_exp(
                py::list([dict([
                    ("containerPort", path("args.port")),
                    ("protocol", s("tcp")),
                ])]),
                bin(path("args.port"), Op::IsNot, Expr::None),
                py::list([]),
            ),
        ),
        (
            "environment",
            list_comp(
                dict([("name", name("variable")), ("value", name("value"))]),
                "variable, value",
                path("args.environment").method("items", vec![]),
                None,
            ),
        ),
        (
            "secrets",
            list_comp(
                dict([("name", name("variable")), ("valueFrom", name("arn"))]),
                "variable, arn",
                path("args.secrets").method("items", vec![]),
                None,
            ),
        ),
        (
            "mountPoints",
            list_comp(
                dict([
                    ("sourceVolume", name("volume")),
                    ("containerPath", name("container_path")),
                    ("readOnly", Expr::Bool(false)),
                ]),
                "volume, container_path",
                path("args.writable_volumes").method("items", vec![]),
                None,
            ),
        ),
        (
            "linuxParameters",
            if_exp(
                dict([("initProcessEnabled", Expr::Bool(true))]),
                path("args.exec"),
                Expr::None,
            ),
        ),
        (
            "logConfiguration",
            dict([
                ("logDriver", s("awslogs")),
                (
                    "options",
                    dict([
                        ("awslogs-group", path("self.log_group.name")),
                        ("awslogs-region", path("args.region")),
                        ("awslogs-stream-prefix", path("args.service")),
                    ]),
                ),
            ]),
        ),
    ]);
    py::assign(
        "task_definition",
        resource(
            "aws.ecs.TaskDefinition",
            name("name"),
            vec![
                ("family", name("name")),
                ("requires_compatibilities", strs(["FARGATE"])),
                ("network_mode", s("awsvpc")),
                ("cpu", call(name("str"), vec![path("args.cpu")], vec![])),
                (
                    "memory",
                    call(name("str"), vec![path("args.memory")], vec![]),
                ),
                ("execution_role_arn", path("execution_role.arn")),
                (
                    "volumes",
                    list_comp(
                        dict([("name", name("volume"))]),
                        "volume",
                        path("args.writable_volumes"),
                        None,
                    ),
                ),
                ("task_role_arn", path("self.task_role.arn")),
                (
                    "runtime_platform",
                    dict([
                        ("operating_system_family", s("LINUX")),
                        ("cpu_architecture", path("args.architecture")),
                    ]),
                ),
                (
                    "container_definitions",
                    call(
                        path("pulumi.Output.json_dumps"),
                        vec![py::list([container])],
                        vec![],
                    ),
                ),
                ("tags", tags_named(name("name"), &[])),
            ],
            "child",
        ),
    )
}

/// `aws.vpc.SecurityGroup<kind>Rule(<name>-<suffix>, ...)` tagged with its logical name.
pub(super) fn rule(kind: &str, suffix: &str, kwargs: Vec<(&'static str, Expr)>) -> Stmt {
    let logical = tpl(&format!("{{name}}-{suffix}"));
    let mut kwargs = kwargs;
    kwargs.push(("tags", tags_named(logical.clone(), &[])));
    Stmt::Expr(resource(
        &format!("aws.vpc.SecurityGroup{kind}Rule"),
        logical,
        kwargs,
        "child",
    ))
}

fn security_group() -> Vec<Stmt> {
    vec![
        py::assign(
            "self.security_group",
            resource(
                "aws.ec2.SecurityGroup",
                tpl("{name}-service"),
                vec![
                    ("name_prefix", tpl("{name}-service-")),
                    (
                        "description",
                        s("ECS tasks of one service: traffic from its load balancer only"),
                    ),
                    ("vpc_id", path("args.vpc_id")),
                    ("tags", tags_named(tpl("{name}-service"), &[])),
                ],
                "child",
            ),
        ),
        rule(
            "Egress",
            "https-out",
            vec![
                ("security_group_id", path("self.security_group.id")),
                ("description", s("HTTPS to AWS APIs, ECR and the internet")),
                ("cidr_ipv4", s("0.0.0.0/0")),
                ("ip_protocol", s("tcp")),
                ("from_port", py::int(443)),
                ("to_port", py::int(443)),
            ],
        ),
        rule(
            "Egress",
            "vpc-out",
            vec![
                ("security_group_id", path("self.security_group.id")),
                (
                    "description",
                    s("Anything inside the VPC: databases, DNS, other services"),
                ),
                ("cidr_ipv4", path("args.vpc_cidr_block")),
                ("ip_protocol", s("-1")),
            ],
        ),
    ]
}

fn service() -> Vec<Stmt> {
    vec![
        Stmt::Comment(
            "Application Auto Scaling owns the running count (min_capacity..max_capacity); with\n\
             pipeline_deploys the application's pipeline owns the task definition revision the\n\
             service runs, so an update does not roll its deploys back."
                .to_string(),
        ),
        py::assign(
            "service_options",
            call(
                path("pulumi.ResourceOptions"),
                vec![],
                vec![
                    ("parent", name("self")),
                    (
                        "depends_on",
                        bin(name("service_depends_on"), Op::Add, name("exec_policies")),
                    ),
                    (
                        "ignore_changes",
                        if_exp(
                            strs(["desired_count", "task_definition"]),
                            path("args.pipeline_deploys"),
                            strs(["desired_count"]),
                        ),
                    ),
                ],
            ),
        ),
        py::assign(
            "self.service",
            resource(
                "aws.ecs.Service",
                name("name"),
                vec![
                    ("name", name("name")),
                    ("cluster", path("args.cluster_arn")),
                    ("task_definition", path("task_definition.arn")),
                    ("desired_count", path("args.desired_count")),
                    ("platform_version", s("LATEST")),
                    (
                        "health_check_grace_period_seconds",
                        if_exp(
                            path("args.health_check_grace_period_seconds"),
                            bin(name("lb"), Op::IsNot, Expr::None),
                            Expr::None,
                        ),
                    ),
                    ("enable_ecs_managed_tags", Expr::Bool(true)),
                    ("propagate_tags", s("SERVICE")),
                    ("enable_execute_command", path("args.exec")),
                    ("wait_for_steady_state", Expr::Bool(true)),
                    (
                        "capacity_provider_strategies",
                        py::list([dict([
                            ("capacity_provider", path("args.capacity_provider")),
                            ("weight", py::int(1)),
                        ])]),
                    ),
                    (
                        "network_configuration",
                        dict([
                            ("subnets", path("args.private_subnet_ids")),
                            (
                                "security_groups",
                                py::list([path("self.security_group.id")]),
                            ),
                            ("assign_public_ip", Expr::Bool(false)),
                        ]),
                    ),
                    (
                        "deployment_circuit_breaker",
                        dict([("enable", Expr::Bool(true)), ("rollback", Expr::Bool(true))]),
                    ),
                    ("load_balancers", name("service_load_balancers")),
                    ("tags", tags_named(name("name"), &[])),
                ],
                "service_options",
            ),
        ),
    ]
}

/// Every service has a scalable target, so the program never sets the running count after the
/// first deployment: without autoscaling `min_capacity = max_capacity = desired_count` pins it.
fn autoscaling() -> Vec<Stmt> {
    vec![
        py::assign(
            "scaling_target",
            resource(
                "aws.appautoscaling.Target",
                name("name"),
                vec![
                    ("service_namespace", s("ecs")),
                    ("scalable_dimension", s("ecs:service:DesiredCount")),
                    (
                        "resource_id",
                        call(
                            path("pulumi.Output.concat"),
                            vec![
                                s("service/"),
                                path("args.cluster_name"),
                                s("/"),
                                path("self.service.name"),
                            ],
                            vec![],
                        ),
                    ),
                    ("min_capacity", path("args.min_capacity")),
                    ("max_capacity", path("args.max_capacity")),
                    ("tags", tags_named(name("name"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "Target utilisation (percent) by metric; a metric without one gets no policy."
                .to_string(),
        ),
        py::assign(
            "scaling_targets",
            dict([
                ("cpu", path("args.cpu_target")),
                ("memory", path("args.memory_target")),
            ]),
        ),
        Stmt::For {
            target: "metric, target".to_string(),
            iter: name("scaling_targets").method("items", vec![]),
            body: vec![Stmt::If {
                cond: bin(name("target"), Op::IsNot, Expr::None),
                body: vec![Stmt::Expr(resource(
                    "aws.appautoscaling.Policy",
                    tpl("{name}-{metric}"),
                    vec![
                        ("name", tpl("{name}-{metric}")),
                        ("policy_type", s("TargetTrackingScaling")),
                        (
                            "service_namespace",
                            path("scaling_target.service_namespace"),
                        ),
                        (
                            "scalable_dimension",
                            path("scaling_target.scalable_dimension"),
                        ),
                        ("resource_id", path("scaling_target.resource_id")),
                        (
                            "target_tracking_scaling_policy_configuration",
                            dict([
                                ("target_value", name("target")),
                                (
                                    "predefined_metric_specification",
                                    dict([(
                                        "predefined_metric_type",
                                        path("SCALING_METRICS").index(name("metric")),
                                    )]),
                                ),
                            ]),
                        ),
                    ],
                    "child",
                ))],
            }],
        },
    ]
}
