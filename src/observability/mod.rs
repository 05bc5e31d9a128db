//! What the observability module (Terraform) and component (Pulumi) describe, independent of
//! the target: what they watch and the dashboard. The targets render these descriptions to HCL
//! or Python.

pub mod dashboard;

use crate::model::Platform;

/// What is watched, by spec name.
pub struct Watched<'a> {
    /// ECS services.
    pub services: Vec<&'a str>,
    /// ECS services behind a load balancer (those with a port).
    pub load_balanced: Vec<&'a str>,
    /// EKS node pools.
    pub node_pools: Vec<&'a str>,
}

impl<'a> Watched<'a> {
    pub fn of(platform: &'a Platform) -> Self {
        let ecs = platform.ecs.iter().flat_map(|ecs| ecs.services.iter());
        Self {
            services: ecs.clone().map(|(name, _)| name.as_str()).collect(),
            load_balanced: ecs
                .filter(|(_, svc)| svc.port.is_some())
                .map(|(name, _)| name.as_str())
                .collect(),
            node_pools: platform
                .eks
                .iter()
                .flat_map(|eks| eks.node_pools.keys())
                .map(String::as_str)
                .collect(),
        }
    }
}
