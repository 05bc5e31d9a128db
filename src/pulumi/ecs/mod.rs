//! The ECS components: `EcsCluster` once, and one `EcsService` instance per service (the class
//! in `components/ecs_service.py` is shared), as the Terraform root calls `modules/ecs-cluster`
//! once and `modules/ecs-service` once per service.

mod service;

use super::component::Component;
use crate::model::{Ecs, Platform};

/// Adds the cluster component and one service component per service, in service-name order,
/// each wired to the components built before it (`network`, `secrets`, the cluster).
pub fn add(platform: &Platform, ecs: &Ecs, components: &mut Vec<Component>) {
    let mut cluster = super::render::component(&crate::describe::ecs_cluster::component(platform));
    // Config keys and outputs start with `ecs_`, as the Terraform root's do.
    let prefix = crate::describe::ecs_cluster::PREFIX;
    cluster.prefix = prefix.to_string();
    cluster.args = cluster
        .args
        .into_iter()
        .map(|a| a.prefixed(prefix))
        .collect();
    components.push(cluster);
    for (name, svc) in &ecs.services {
        // Validation makes sure of the components a service is wired to.
        if let Some(service) = service::component(platform, name, svc, components) {
            components.push(service);
        }
    }
}
