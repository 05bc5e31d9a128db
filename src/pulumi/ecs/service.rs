//! `components/ecs_service.py`: the counterpart of `modules/ecs-service`. One class for every
//! service; what differs (a port and load balancer or not, secrets, autoscaling) comes in
//! through its arguments, and the optional parts are created only when the arguments ask for
//! them, as the Terraform module's `for_each` over maps that are empty when a part is off.

use super::super::component::{self, account_id, init_preamble, resource, tags_named, tpl};
use super::super::py::{
    self, DictItem, Expr, Op, Stmt, bin, call, check, dict, if_exp, list_comp, name, path, s, strs,
};
use super::super::render;
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
        component::partition(),
        Stmt::Blank,
    ]);
    init.extend(logs_and_roles());
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

/// The log group and the roles, from their description: the code below refers to the log
/// group and task role (`self.`), the execution role and both role policies.
fn logs_and_roles() -> Vec<Stmt> {
    use crate::describe::ecs_service as d;
    render::statements(
        &d::logs_and_roles(),
        &[d::log_group(), d::task_role()],
        &[d::execution_role(), d::execution_policy(), d::exec_policy()],
        &d::OUTPUT_INPUTS,
    )
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
                        bin(
                            name("service_depends_on"),
                            Op::Add,
                            call(
                                name("list"),
                                vec![name("exec_policies").method("values", vec![])],
                                vec![],
                            ),
                        ),
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
