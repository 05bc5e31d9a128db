//! TEMPORARY stub (replaced by the wt-validate branch).
pub fn resource_prefix(project: &str, env: &str) -> String {
    format!("{project}-{env}")
}

/// TEMPORARY stub of the wt-validate `shorten` (same signature): start of `name`, `-`, a hash.
pub fn shorten(name: &str, max: usize) -> String {
    use sha2::{Digest, Sha256};
    if name.chars().count() <= max {
        return name.to_string();
    }
    let hash: String = Sha256::digest(name.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    if max <= 9 {
        return hash.chars().take(max).collect();
    }
    let kept: String = name.chars().take(max - 9).collect();
    let kept = kept.trim_end_matches(['-', '_']);
    format!("{kept}-{hash}")
}
