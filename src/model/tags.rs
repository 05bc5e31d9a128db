//! The tags every taggable resource of an environment carries.
//!
//! Merge order, later wins: spec `tags`, then the environment's `tags`, then the automatic
//! keys (`Environment`, `Project`, `ManagedBy`). The automatic keys and `Name` (which the
//! generator sets per resource) are reserved: validation rejects user tags with those keys, so
//! the merge never silently drops a user value.

use super::Platform;
use std::collections::BTreeMap;

/// Tag keys iacgen sets itself; user tags may not use them.
pub const RESERVED_KEYS: [&str; 4] = ["Environment", "ManagedBy", "Name", "Project"];

/// The value of the automatic `ManagedBy` tag.
pub const MANAGED_BY: &str = "iacgen";

/// The merged tags of `env` (without `Name`, which is per resource).
pub fn tag_set(platform: &Platform, env: &str) -> BTreeMap<String, String> {
    let mut tags = platform.tags.clone();
    if let Some(environment) = platform.environment(env) {
        tags.extend(environment.tags.clone());
    }
    tags.insert("Environment".to_string(), env.to_string());
    tags.insert("Project".to_string(), platform.project.clone());
    tags.insert("ManagedBy".to_string(), MANAGED_BY.to_string());
    tags
}
