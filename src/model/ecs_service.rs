//! Facts about one ECS service that both targets need: the names AWS limits in length, the
//! writable volumes, the secrets' variable names, the task size and counts per environment and
//! the module call's name.

use crate::model::Service;
use crate::model::naming::{resource_prefix, shorten};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// ALB and target group names.
pub const LOAD_BALANCER_NAME_MAX: usize = 32;
/// IAM role names.
pub const IAM_ROLE_NAME_MAX: usize = 64;

pub use crate::model::naming::is_production_like;

/// The length-limited names of one service in one environment. Each is based on
/// `<project>-<env>-<service>`; when that is too long, it is cut and gets a hash of the whole
/// of it, so the same input always gives the same name and two services never share one.
/// Role names keep their `-execution` / `-task` suffix after the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceNames {
    /// `aws_lb.name`, at most 32 characters.
    pub load_balancer: String,
    /// `aws_lb_target_group.name`, at most 32 characters.
    pub target_group: String,
    /// Task execution role, at most 64 characters.
    pub execution_role: String,
    /// Task role, at most 64 characters.
    pub task_role: String,
}

impl ServiceNames {
    pub fn new(project: &str, env: &str, service: &str) -> Self {
        let base = format!("{}-{service}", resource_prefix(project, env));
        Self {
            load_balancer: load_balancer_name(&base),
            target_group: shorten(&base, LOAD_BALANCER_NAME_MAX),
            execution_role: with_suffix(&base, "-execution", IAM_ROLE_NAME_MAX),
            task_role: with_suffix(&base, "-task", IAM_ROLE_NAME_MAX),
        }
    }
}

impl ServiceNames {
    /// The target group's name for a container port: the service's target group name cut to
    /// leave room for `-` and four hex digits of a hash of what forces a new target group
    /// (protocol and port). A port change then gives a new name, so the new target group can
    /// be created (and the listener moved to it) before the old one is destroyed.
    pub fn target_group_for(&self, port: u16) -> String {
        let digest = Sha256::digest(format!("HTTP:{port}:ip").as_bytes());
        let hash: String = digest.iter().take(2).map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{hash}",
            shorten(&self.target_group, LOAD_BALANCER_NAME_MAX - 5)
        )
    }
}

/// `<base><suffix>` within `max` characters: the base is shortened, so the suffix that tells
/// the names apart stays readable.
fn with_suffix(base: &str, suffix: &str, max: usize) -> String {
    format!(
        "{}{suffix}",
        shorten(base, max.saturating_sub(suffix.len()))
    )
}

/// AWS refuses load balancer names that begin with `internal-` (the prefix of internal ALB DNS
/// names), so such a name becomes `int-…`.
fn load_balancer_name(base: &str) -> String {
    match base.strip_prefix("internal-") {
        Some(rest) => shorten(&format!("int-{rest}"), LOAD_BALANCER_NAME_MAX),
        None => shorten(base, LOAD_BALANCER_NAME_MAX),
    }
}

/// `service_<name>` with `-` replaced by `_`: the module call (and Pulumi instance) of a
/// service.
pub fn call_name(service: &str) -> String {
    format!("service_{}", service.replace('-', "_"))
}

/// Where the ECS Exec agent (the SSM agent in the task) writes: with a read-only root
/// filesystem it needs these as volumes.
pub const EXEC_AGENT_PATHS: [&str; 2] = ["/var/lib/amazon", "/var/log/amazon"];

/// The writable volumes of a service's task, by volume name: its `writable_paths`, plus the
/// exec agent's paths with `exec`. A volume is named after its path (`/var/cache/nginx` →
/// `var-cache-nginx`); validation makes the names unique.
pub fn writable_volumes(svc: &Service) -> BTreeMap<String, String> {
    let exec_paths = EXEC_AGENT_PATHS
        .iter()
        .filter(|_| svc.exec)
        .map(|p| p.to_string());
    svc.writable_paths
        .iter()
        .cloned()
        .chain(exec_paths)
        .map(|path| (volume_name(&path), path))
        .collect()
}

/// The task volume name of a container path: `/` between parts becomes `-`, anything else
/// ECS refuses in a volume name becomes `_`.
pub fn volume_name(path: &str) -> String {
    path.trim_matches('/')
        .chars()
        .map(|c| match c {
            '/' => '-',
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => c,
            _ => '_',
        })
        .collect()
}

/// The name of the environment variable a secret is injected as: `db_password` → `DB_PASSWORD`.
pub fn secret_env_name(secret: &str) -> String {
    secret.to_uppercase().replace(['-', '.', '/'], "_")
}

/// A service's task size and running counts in one environment, with the spec's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizing {
    pub cpu: u32,
    pub memory: u32,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
}

pub fn sizing(svc: &Service, env: &str) -> Sizing {
    let desired = svc.desired.get(env).copied().unwrap_or(1);
    // Without autoscaling the scalable target pins the count: min = max = desired.
    let (min, desired, max) = match &svc.autoscaling {
        Some(a) => {
            let min = a.min.get(env).copied().unwrap_or(1);
            let max = a.max.get(env).copied().unwrap_or(min).max(min);
            (min, desired.clamp(min, max), max)
        }
        None => (desired, desired, desired),
    };
    Sizing {
        cpu: svc.cpu.get(env).copied().unwrap_or(256),
        memory: svc.memory.get(env).copied().unwrap_or(512),
        min,
        desired,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_like_environments() {
        for env in ["prod", "production", "prod-eu", "eu-prod", "live", "prd"] {
            assert!(is_production_like(env), "{env}");
        }
        for env in [
            "dev",
            "staging",
            "preprod",
            "pre-prod",
            "non-prod",
            "product-demo",
        ] {
            assert!(!is_production_like(env), "{env}");
        }
    }

    #[test]
    fn load_balancer_names_never_start_with_internal() {
        let names = ServiceNames::new("internal", "dev", "api");
        assert_eq!(names.load_balancer, "int-dev-api");
        assert_eq!(names.target_group, "internal-dev-api");
    }
}
