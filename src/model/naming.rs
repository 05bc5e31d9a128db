//! Generated resource names and the AWS length limits they must respect.
//!
//! Every name starts with [`resource_prefix`]. A name over its limit is never rejected: it is
//! [`shorten`]ed deterministically, so the same spec always yields the same names and two
//! different long names stay different.

use sha2::{Digest, Sha256};

/// Environment name parts that mark an environment as production-like.
const PRODUCTION_WORDS: [&str; 4] = ["prod", "production", "prd", "live"];

/// Whether an environment is production-like: one of the `-`-separated parts of its name is
/// `prod`, `production`, `prd` or `live`, not right after `non` or `pre` (`prod`, `prod-eu`,
/// `eu-production`, `live`; not `preprod`, `pre-prod`, `non-prod` or `product-demo`).
/// Production-like environments get load balancer deletion protection, and their stateful
/// resources are protected unless `environments.<env>.protect` says otherwise.
pub fn is_production_like(env: &str) -> bool {
    let parts: Vec<&str> = env.split('-').collect();
    parts.iter().enumerate().any(|(i, part)| {
        PRODUCTION_WORDS.contains(part) && !(i > 0 && matches!(parts[i - 1], "non" | "pre"))
    })
}

/// ALB names (`aws_lb.name`).
pub const LOAD_BALANCER_NAME_MAX: usize = 32;
/// Target group names (`aws_lb_target_group.name`).
pub const TARGET_GROUP_NAME_MAX: usize = 32;
/// IAM role names.
pub const IAM_ROLE_NAME_MAX: usize = 64;
/// IAM role `name_prefix`: Terraform appends a 26-character unique suffix to reach 64.
pub const IAM_ROLE_NAME_PREFIX_MAX: usize = 38;
/// IAM policy names.
pub const IAM_POLICY_NAME_MAX: usize = 128;
/// EKS cluster names.
pub const EKS_CLUSTER_NAME_MAX: usize = 100;
/// EKS managed node group names.
pub const EKS_NODE_GROUP_NAME_MAX: usize = 63;
/// EC2 launch template names.
pub const LAUNCH_TEMPLATE_NAME_MAX: usize = 128;
/// ECS cluster, service and task definition family names.
pub const ECS_NAME_MAX: usize = 255;
/// Security group names.
pub const SECURITY_GROUP_NAME_MAX: usize = 255;
/// CloudWatch log group names.
pub const LOG_GROUP_NAME_MAX: usize = 512;
/// CloudWatch alarm and dashboard names.
pub const CLOUDWATCH_NAME_MAX: usize = 255;
/// SNS topic names.
pub const SNS_TOPIC_NAME_MAX: usize = 256;
/// KMS alias names, including the `alias/` prefix.
pub const KMS_ALIAS_NAME_MAX: usize = 256;
/// Secrets Manager secret names.
pub const SECRET_NAME_MAX: usize = 512;

/// The longest ECS service and EKS node pool name a spec may use: a DNS label (63), so that a
/// name can also be a Kubernetes label value or a DNS name. Every AWS name built from one is
/// shortened below its own limit (`tests/long_names.rs` checks each at this length).
pub const COMPONENT_NAME_MAX: usize = 63;

/// Hex digits of the hash appended to a shortened name: 32 bits, so thousands of names
/// sharing a long prefix still come out distinct.
const HASH_LEN: usize = 8;

/// `<project>-<env>`: the start of every generated name.
pub fn resource_prefix(project: &str, env: &str) -> String {
    format!("{project}-{env}")
}

/// `name` when it is at most `max` characters long; otherwise the start of `name`, a `-` and
/// a hash of the whole of `name`, at most `max` characters long.
///
/// The cut never leaves a `-` or `_` in front of the separating `-`. When `max` is too small
/// for any of `name` to survive, the result is the hash alone (cut to `max`).
pub fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let hash = short_hash(name);
    if max <= HASH_LEN + 1 {
        return hash.chars().take(max).collect();
    }
    let kept: String = name.chars().take(max - HASH_LEN - 1).collect();
    let kept = kept.trim_end_matches(['-', '_']);
    if kept.is_empty() {
        return hash;
    }
    format!("{kept}-{hash}")
}

/// The first [`HASH_LEN`] hex digits of the SHA-256 of `name`.
fn short_hash(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .take(HASH_LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn short_names_are_kept() {
        assert_eq!(shorten("payments-prod-api", 32), "payments-prod-api");
        let exact = "a".repeat(32);
        assert_eq!(shorten(&exact, 32), exact);
    }

    #[test]
    fn long_names_fit_and_are_stable() {
        let name = "payments-production-checkout-gateway-internal";
        let short = shorten(name, LOAD_BALANCER_NAME_MAX);
        assert_eq!(short.chars().count(), LOAD_BALANCER_NAME_MAX);
        assert!(short.starts_with("payments-production-che-"), "{short}");
        assert!(
            short[24..].chars().all(|c| c.is_ascii_hexdigit()),
            "{short}"
        );
        assert_eq!(short, shorten(name, LOAD_BALANCER_NAME_MAX));
    }

    #[test]
    fn no_dash_before_the_hash_separator() {
        // The cut falls right after a `-`: it must not produce `--`.
        let name = format!("{}-{}", "a".repeat(22), "b".repeat(30));
        let short = shorten(&name, 32);
        assert!(!short.contains("--"), "{short}");
        assert!(short.chars().count() <= 32);
    }

    #[test]
    fn names_sharing_a_long_prefix_stay_distinct() {
        let prefix = "payments-production-service-with-a-long-name";
        let names: BTreeSet<String> = (0..5000)
            .map(|i| shorten(&format!("{prefix}-{i}"), TARGET_GROUP_NAME_MAX))
            .collect();
        assert_eq!(names.len(), 5000);
        assert!(names.iter().all(|n| n.chars().count() <= 32));
    }

    #[test]
    fn tiny_limits_never_overflow() {
        for max in 0..12 {
            assert!(shorten("a-very-long-resource-name", max).chars().count() <= max);
        }
    }

    #[test]
    fn prefix_joins_project_and_env() {
        assert_eq!(resource_prefix("payments", "prod"), "payments-prod");
    }
}
