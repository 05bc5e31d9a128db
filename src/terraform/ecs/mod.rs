//! The ECS modules: `ecs-cluster` once, and `ecs-service` called once per service. Both are
//! described (`describe::ecs_cluster`, `describe::ecs_service`); what is Terraform's own here
//! is that every service of one deploy kind shares one module directory, whose code is built
//! once.

use super::module::{Group, Module};
use crate::describe::ecs_service;
use crate::model::{Deploy, Ecs, Platform};
use std::rc::Rc;

/// The cluster module and one service module call per service, in service-name order.
/// Services are wired to the `network`, `ecs_cluster` and `secrets` module calls.
pub fn modules(platform: &Platform, ecs: &Ecs) -> Vec<Module> {
    let mut cluster = super::render::module(&crate::describe::ecs_cluster::component(platform));
    cluster.var_prefix = crate::describe::ecs_cluster::PREFIX.to_string();
    let mut modules = vec![cluster];
    // Every service of one deploy kind runs the same module code: built once, shared.
    let mut code: Vec<(Deploy, Rc<crate::hcl::Body>)> = Vec::new();
    for (name, svc) in &ecs.services {
        let call = ecs_service::call(platform, name, svc);
        let main = match code.iter().find(|(d, _)| *d == svc.deploy) {
            Some((_, main)) => main.clone(),
            None => {
                let main = Rc::new(main(svc.deploy));
                code.push((svc.deploy, main.clone()));
                main
            }
        };
        let mut module = super::render::module_with(&call, main);
        module.var_prefix = format!("{}_", call.instance);
        let (var, noun) = ecs_service::group(svc.deploy);
        module.group = Some(Group {
            var: var.to_string(),
            key: name.clone(),
            noun: noun.to_string(),
        });
        modules.push(module);
    }
    modules
}

/// `main.tf` of the module for services that `deploy` deploys: the facts' data sources and
/// the described items.
fn main(deploy: Deploy) -> crate::hcl::Body {
    super::render::main(&ecs_service::FACTS, &ecs_service::items(deploy))
}
