//! The ECS modules: `ecs-cluster` once, and `ecs-service` called once per service.

mod service_inputs;

pub use crate::model::ecs_service::call_name;

use super::interface::Output;
use super::module::Module;
use crate::hcl::ex;
use crate::model::{Deploy, Ecs, Platform};

/// The cluster module and one service module call per service, in service-name order.
/// Services are wired to the `network`, `ecs_cluster` and `secrets` module calls.
pub fn modules(platform: &Platform, ecs: &Ecs) -> Vec<Module> {
    let mut cluster = super::render::module(&crate::describe::ecs_cluster::component(platform));
    cluster.var_prefix = crate::describe::ecs_cluster::PREFIX.to_string();
    let mut modules = vec![cluster];
    // Every service of one deploy kind runs the same module code: built once, copied.
    let mut code: Vec<(Deploy, std::rc::Rc<crate::hcl::Body>)> = Vec::new();
    for (name, svc) in &ecs.services {
        let mut summary = "One ECS service on Fargate: task definition, task execution and task \
                           roles, log group, security group, optionally an application load \
                           balancer, and Application Auto Scaling."
            .to_string();
        if svc.deploy == Deploy::Pipeline {
            summary.push_str(
                " The application's own pipeline deploys its images: the service ignores \
                 changes of its task definition, so an apply never switches it back to the \
                 revision Terraform registered.\n\n\
                 The same code as `modules/ecs-service` but for that one `lifecycle` setting, \
                 which Terraform cannot set from a variable.",
            );
        }
        modules.push(Module {
            dir: service_dir(svc.deploy).to_string(),
            name: call_name(name),
            var_prefix: format!("{}_", call_name(name)),
            summary,
            main: match code.iter().find(|(d, _)| *d == svc.deploy) {
                Some((_, main)) => main.clone(),
                None => {
                    let main = std::rc::Rc::new(main(svc.deploy));
                    code.push((svc.deploy, main.clone()));
                    main
                }
            },
            inputs: service_inputs::inputs(platform, name, svc),
            outputs: outputs(),
        });
    }
    modules
}

/// `main.tf` of the module for services that `deploy` deploys: the facts' data sources and
/// the described items.
fn main(deploy: Deploy) -> crate::hcl::Body {
    let mut main = crate::hcl::Body::new();
    for fact in crate::describe::ecs_service::FACTS {
        let source = match fact {
            crate::describe::Fact::AccountId => "aws_caller_identity",
            crate::describe::Fact::Partition => "aws_partition",
            crate::describe::Fact::Region => "aws_region",
        };
        main = main.block(crate::hcl::data(source, "current", crate::hcl::Body::new()));
    }
    main.extend(super::render::body(&crate::describe::ecs_service::items(
        deploy,
    )))
}

/// The module directory of a service: one for services whose images iacgen's apply deploys,
/// one for services whose own pipeline deploys them (`ignore_changes` must be a literal).
pub fn service_dir(deploy: Deploy) -> &'static str {
    match deploy {
        Deploy::Iacgen => "ecs-service",
        Deploy::Pipeline => "ecs-service-pipeline",
    }
}

/// The same for every service; parts a service does not have are `null`.
fn outputs() -> Vec<Output> {
    vec![
        Output::new(
            "service_name",
            "Name of the ECS service.",
            ex("aws_ecs_service.this.name"),
        ),
        Output::new(
            "log_group_name",
            "CloudWatch log group of the service's containers.",
            ex("aws_cloudwatch_log_group.this.name"),
        ),
        Output::new(
            "task_role_arn",
            "ARN of the task role, to which the application's own permissions belong.",
            ex("aws_iam_role.task.arn"),
        ),
        Output::new(
            "security_group_id",
            "Security group of the service's tasks, e.g. to admit them to a database.",
            ex("aws_security_group.service.id"),
        ),
        Output::new(
            "alb_dns_name",
            "DNS name of the service's load balancer (null without a port).",
            ex("one([for lb in aws_lb.this : lb.dns_name])"),
        ),
        Output::new(
            "alb_arn_suffix",
            "ARN suffix of the load balancer, for CloudWatch metrics (null without a port).",
            ex("one([for lb in aws_lb.this : lb.arn_suffix])"),
        ),
        Output::new(
            "target_group_arn",
            "ARN of the service's target group (null without a port).",
            ex("one([for tg in aws_lb_target_group.this : tg.arn])"),
        ),
        Output::new(
            "target_group_arn_suffix",
            "ARN suffix of the target group, for CloudWatch metrics (null without a port).",
            ex("one([for tg in aws_lb_target_group.this : tg.arn_suffix])"),
        ),
    ]
}
