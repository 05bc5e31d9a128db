//! `components/ecs_service.py`: the counterpart of `modules/ecs-service`. One class for every
//! service; what differs (a port and load balancer or not, secrets, autoscaling) comes in
//! through its arguments. Arguments, resources and outputs are `describe::ecs_service`'s;
//! what is Pulumi's own is here: one class for both deploy kinds, the Fargate size checks
//! and the narrowing that Python's type checker needs.

use super::super::component::{self, Component, account_id, init_preamble};
use super::super::py::{self, DictItem, Expr, Op, Stmt, bin, call, check, name, path};
use super::super::render;
use crate::describe::{self, Expr as D, Item, ecs_service as d};
use crate::model::fargate::{self, MemoryChoice, TASK_SIZES};
use crate::model::{Deploy, Platform, Service};

/// The component of service `name`: the description's arguments, resources and outputs in a
/// class shared by every service (both deploy kinds: the ignored attributes depend on
/// `pipeline_deploys`), with the Fargate size checks the Terraform module makes as
/// preconditions. `None` when a component it is wired to is missing from `built`.
pub fn component(
    platform: &Platform,
    name: &str,
    svc: &Service,
    built: &[Component],
) -> Option<Component> {
    let call = d::call(platform, name, svc);
    let parts = render::parts_of(&call, &narrowed(d::items(Deploy::Iacgen)), built)?;
    let prefix = format!("{}_", call.instance);

    let mut init = init_preamble("iacgen:ecs_service:EcsService", path("args.name"));
    init.extend(checks());
    init.extend([account_id(), component::partition(), Stmt::Blank]);
    init.extend(parts.items);
    init.push(Stmt::Blank);
    init.extend(parts.outputs);
    let class = component::class(
        &call.class,
        "One ECS service on Fargate, in the private subnets, behind its own application\n\
         load balancer when it has one; only then does it have alb_dns_name,\n\
         alb_arn_suffix, target_group_arn and target_group_arn_suffix."
            .to_string(),
        init,
    );
    let mut body = vec![
        Stmt::Comment("Memory sizes (MiB) Fargate allows with each CPU size (Linux).".to_string()),
        py::assign_typed("FARGATE_MEMORY", "dict[int, list[int]]", fargate_table()),
    ];
    body.extend(parts.types);
    body.push(Stmt::Class(class));
    Some(Component {
        module: "ecs_service".to_string(),
        prefix: prefix.clone(),
        class: call.class.clone(),
        body,
        imports: parts.imports,
        summary: "One ECS service on Fargate: task definition, task execution and task roles, \
                  log group, security groups, optionally an application load balancer, and \
                  Application Auto Scaling (the counterpart of the Terraform module \
                  modules/ecs-service, one instance per service)."
            .to_string(),
        args: parts
            .args
            .into_iter()
            .map(|a| a.prefixed(&prefix))
            .collect(),
        outputs: parts.exports,
        export_group: Some((d::group(svc.deploy).0.to_string(), name.to_string())),
        instance: call.instance,
    })
}

/// The Terraform preconditions that a hand-edited stack config could break.
fn checks() -> Vec<Stmt> {
    vec![
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
