//! The ECS components: `EcsCluster` once, and one `EcsService` instance per service (the class
//! in `components/ecs_service.py` is shared), as the Terraform root calls `modules/ecs-cluster`
//! once and `modules/ecs-service` once per service.

mod cluster;
mod service;
mod service_args;

use super::component::Component;
use crate::model::{Ecs, Platform};

/// The cluster component and one service component per service, in service-name order, wired
/// to the components built before them (`network`, `secrets`).
pub fn components(platform: &Platform, ecs: &Ecs, before: &[Component]) -> Vec<Component> {
    let cluster = cluster::component(platform);
    let mut out = Vec::new();
    for (svc_name, svc) in &ecs.services {
        out.push(service_args::component(
            platform, svc_name, svc, &cluster, before,
        ));
    }
    out.insert(0, cluster);
    out
}
