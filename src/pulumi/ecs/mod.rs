//! The ECS components: `EcsCluster` once, and one `EcsService` instance per service (the class
//! in `components/ecs_service.py` is shared), as the Terraform root calls `modules/ecs-cluster`
//! once and `modules/ecs-service` once per service.

mod service;
mod service_args;

use super::component::Component;
use crate::model::{Ecs, Platform};

/// The cluster component and one service component per service, in service-name order, wired
/// to the components built before them (`network`, `secrets`).
pub fn components(platform: &Platform, ecs: &Ecs, before: &[Component]) -> Vec<Component> {
    let mut cluster = super::render::component(&crate::describe::ecs_cluster::component(platform));
    // Config keys and outputs start with `ecs_`, as the Terraform root's do.
    let prefix = crate::describe::ecs_cluster::PREFIX;
    cluster.prefix = prefix.to_string();
    cluster.args = cluster
        .args
        .into_iter()
        .map(|a| a.prefixed(prefix))
        .collect();
    let mut out = Vec::new();
    for (svc_name, svc) in &ecs.services {
        out.push(service_args::component(
            platform, svc_name, svc, &cluster, before,
        ));
    }
    out.insert(0, cluster);
    out
}
