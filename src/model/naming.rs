//! TEMPORARY stub (replaced by the wt-validate branch).
pub fn resource_prefix(project: &str, env: &str) -> String {
    format!("{project}-{env}")
}
