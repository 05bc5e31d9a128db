//! Availability zones: which ones an environment uses when the spec does not list them.
//!
//! AZ names are the region name plus a letter. The letters of each region, and the ones to
//! pick by default where they are not simply the first ones, are in the data file
//! (`data/aws.toml`, see [`super::aws`]). A region missing from it gets consecutive letters
//! (validation refuses unknown regions; this keeps the generators total).

use super::Network;
use super::aws;

/// AZs per environment when the spec gives neither `az_count` nor `azs`.
pub const DEFAULT_AZ_COUNT: usize = 3;

/// How many AZs one account sees in `region`, when known.
pub fn known_az_count(region: &str) -> Option<usize> {
    aws::facts().region(region).map(|r| r.usable)
}

/// The number of AZs of `env`: the length of its explicit `azs`, else its `az_count`.
pub fn az_count(network: &Network, env: &str) -> usize {
    if let Some(azs) = network.azs.as_ref().and_then(|azs| azs.get(env)) {
        return azs.len();
    }
    network
        .az_count
        .get(env)
        .map_or(DEFAULT_AZ_COUNT, |n| usize::from(*n))
}

/// The AZ names of `env` in `region`: its explicit `azs`, else the region's first
/// [`az_count`] zones.
pub fn azs(network: &Network, region: &str, env: &str) -> Vec<String> {
    if let Some(azs) = network.azs.as_ref().and_then(|azs| azs.get(env)) {
        return azs.clone();
    }
    let count = az_count(network, env);
    let (defaults, zones) = aws::facts()
        .region(region)
        .map_or((&[][..], &[][..]), |r| (&r.default_zones[..], &r.zones[..]));
    // Past the default letters (validation rejects that for known regions), continue with the
    // region's other letters, then the unused letters in order, rather than fail.
    let rest = zones.iter().copied().filter(|l| !defaults.contains(l));
    let extra = ('a'..='z').filter(|l| !zones.contains(l));
    defaults
        .iter()
        .copied()
        .chain(rest)
        .chain(extra)
        .take(count)
        .map(|letter| format!("{region}{letter}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FlowLogs, NatMode, PerEnv};
    use std::collections::BTreeMap;

    fn network(az_count: PerEnv<u8>, azs: Option<PerEnv<Vec<String>>>) -> Network {
        Network {
            cidr: PerEnv::all("10.0.0.0/16".parse().unwrap()),
            az_count,
            azs,
            subnets: BTreeMap::new(),
            nat: PerEnv::all(NatMode::PerAz),
            flow_logs: FlowLogs {
                enabled: true,
                retention_days: None,
            },
            endpoints: Vec::new(),
        }
    }

    #[test]
    fn default_zones_take_consecutive_letters() {
        let net = network(PerEnv::all(2).with("prod", 3), None);
        assert_eq!(azs(&net, "eu-west-1", "dev"), ["eu-west-1a", "eu-west-1b"]);
        assert_eq!(
            azs(&net, "us-east-2", "prod"),
            ["us-east-2a", "us-east-2b", "us-east-2c"]
        );
    }

    #[test]
    fn regions_with_skipped_letters_use_their_zones() {
        let net = network(PerEnv::all(3), None);
        assert_eq!(
            azs(&net, "ap-northeast-1", "dev"),
            ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
        );
        assert_eq!(
            azs(&net, "ca-central-1", "dev"),
            ["ca-central-1a", "ca-central-1b", "ca-central-1d"]
        );
    }

    #[test]
    fn explicit_zones_win_and_set_the_count() {
        let explicit = vec!["us-east-1c".to_string(), "us-east-1f".to_string()];
        let net = network(
            PerEnv::all(3),
            Some(PerEnv::none().with("prod", explicit.clone())),
        );
        assert_eq!(azs(&net, "us-east-1", "prod"), explicit);
        assert_eq!(az_count(&net, "prod"), 2);
        assert_eq!(az_count(&net, "dev"), 3);
        assert_eq!(azs(&net, "us-east-1", "dev").len(), 3);
    }

    #[test]
    fn known_counts() {
        assert_eq!(known_az_count("us-east-1"), Some(6));
        assert_eq!(known_az_count("ap-northeast-1"), Some(3));
        assert_eq!(known_az_count("xx-nowhere-9"), None);
    }

    #[test]
    fn more_zones_than_known_still_yields_distinct_names() {
        let net = network(PerEnv::all(5), None);
        let zones = azs(&net, "ap-northeast-1", "dev");
        assert_eq!(zones.len(), 5);
        let unique: std::collections::BTreeSet<_> = zones.iter().collect();
        assert_eq!(unique.len(), 5);
    }
}
