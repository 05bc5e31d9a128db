//! TEMPORARY stub (replaced by the wt-validate branch).
use super::Network;
pub fn az_count(network: &Network, env: &str) -> usize {
    if let Some(azs) = network.azs.as_ref().and_then(|a| a.get(env)) {
        return azs.len();
    }
    network.az_count.get(env).copied().unwrap_or(3) as usize
}
pub fn azs(network: &Network, region: &str, env: &str) -> Vec<String> {
    if let Some(azs) = network.azs.as_ref().and_then(|a| a.get(env)) {
        return azs.clone();
    }
    (0..az_count(network, env))
        .map(|i| format!("{region}{}", (b'a' + i as u8) as char))
        .collect()
}
