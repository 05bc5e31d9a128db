//! TEMPORARY stub (replaced by the wt-validate branch).
use super::Platform;
use std::collections::BTreeMap;
pub fn tag_set(platform: &Platform, env: &str) -> BTreeMap<String, String> {
    let mut t = platform.tags.clone();
    if let Some(e) = platform.environment(env) {
        t.extend(e.tags.clone());
    }
    t.insert("Environment".into(), env.into());
    t.insert("Project".into(), platform.project.clone());
    t.insert("ManagedBy".into(), "iacgen".into());
    t
}
