//! `components/ecs_service.py`: the counterpart of `modules/ecs-service`. One class for every
//! service; what differs (a port and load balancer or not, secrets, autoscaling) comes in
//! through its arguments. The resources are `describe::ecs_service`'s; the arguments' types
//! and the outputs are written here.

use super::super::component::{self, account_id, init_preamble};
use super::super::py::{self, DictItem, Expr, Op, Stmt, bin, call, check, dict, name, path};
use super::super::render;
use crate::describe::{self, Expr as D, Item, ecs_service as d};
use crate::model::Deploy;
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
    ("security_group_id", "self.service_security_group.id"),
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

/// The load balancer's attributes on the component, and `self.register_outputs(outputs)` with
/// them when there is one.
fn register_outputs() -> Vec<Stmt> {
    let pairs = |list: &[(&str, &str)]| dict(list.iter().map(|(n, e)| (*n, path(e))));
    let at = |var: &str, attr: &str| name(var).index(path("args.service")).attr(attr);
    vec![
        py::assign_typed("outputs", "dict[str, pulumi.Output[str]]", pairs(&OUTPUTS)),
        Stmt::If {
            cond: bin(path("args.load_balancer"), Op::IsNot, Expr::None),
            body: vec![
                py::assign("self.alb_dns_name", at("load_balancers", "dns_name")),
                py::assign("self.alb_arn_suffix", at("load_balancers", "arn_suffix")),
                py::assign("self.target_group_arn", at("target_groups", "arn")),
                py::assign(
                    "self.target_group_arn_suffix",
                    at("target_groups", "arn_suffix"),
                ),
                Stmt::Expr(name("outputs").method("update", vec![pairs(&LOAD_BALANCER_OUTPUTS)])),
            ],
        },
        Stmt::Expr(path("self.register_outputs").method_call(vec![name("outputs")])),
    ]
}

/// The module's statements after the arguments class: the load balancer types and the
/// component class.
pub fn body() -> Vec<Stmt> {
    let mut init = init_preamble("iacgen:ecs_service:EcsService", path("args.name"));
    // The Terraform preconditions that a hand-edited stack config could break.
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
    // One class for both deploy kinds: the ignored attributes depend on `pipeline_deploys`.
    init.extend(render::statements(
        &narrowed(d::items(Deploy::Iacgen)),
        &[
            d::log_group(),
            d::task_role(),
            d::service_security_group(),
            d::service(),
        ],
        &[d::load_balancer(), d::target_group()],
        &d::OUTPUT_INPUTS,
    ));
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
        Stmt::Class(access_logs_type()),
        Stmt::Class(load_balancer_type()),
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

/// The items, with the service's load balancer blocks only for a port: the load balancer's
/// Terraform precondition guarantees one, and the test tells Python's type checker that
/// `container_port` is set.
fn narrowed(mut items: Vec<Item>) -> Vec<Item> {
    for item in &mut items {
        if let Item::Resource(r) = item
            && r.id() == d::service()
        {
            for (arg, value) in &mut r.args {
                if let (true, D::Dynamic(keys, _)) = (arg == "load_balancer", value) {
                    keys.filter = Some(describe::bin(
                        describe::input("port"),
                        describe::Op::NotEq,
                        D::Null,
                    ));
                }
            }
        }
    }
    items
}

/// `LoadBalancer`: the type of the `load_balancer` argument (the Terraform variable's object).
fn load_balancer_type() -> py::Class {
    let field = |n: &str, t: &str| Stmt::Declare {
        name: n.to_string(),
        annotation: t.to_string(),
    };
    py::Class {
        name: "LoadBalancer".to_string(),
        decorators: vec![],
        bases: vec![name("TypedDict")],
        doc: Some(
            "The application load balancer in front of a service: internet-facing in the public\n\
             subnets when `public`, otherwise internal; with a `certificate_arn` it serves HTTPS\n\
             and HTTP only redirects to it."
                .to_string(),
        ),
        body: vec![
            field("name", "str"),
            field("target_group_name", "str"),
            field("public", "bool"),
            field("health_check_path", "str"),
            field("certificate_arn", "str | None"),
            field("deletion_protection", "bool"),
            field("access_logs", "AccessLogs | None"),
        ],
    }
}

/// `AccessLogs`: where a load balancer writes its access logs (the Terraform object's
/// `access_logs`).
fn access_logs_type() -> py::Class {
    let field = |n: &str, t: &str| Stmt::Declare {
        name: n.to_string(),
        annotation: t.to_string(),
    };
    py::Class {
        name: "AccessLogs".to_string(),
        decorators: vec![],
        bases: vec![name("TypedDict")],
        doc: Some(
            "The S3 bucket (whose policy lets Elastic Load Balancing write) and key prefix of\n\
             a load balancer's access logs."
                .to_string(),
        ),
        body: vec![field("bucket", "str"), field("prefix", "str | None")],
    }
}
