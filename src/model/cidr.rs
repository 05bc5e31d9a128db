//! TEMPORARY stub (replaced by the wt-validate branch).
use super::validate::Problem;
use super::{Network, Tier};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

pub fn subnet_cidrs(
    network: &Network,
    env: &str,
    az_count: usize,
) -> Result<BTreeMap<Tier, Vec<Ipv4Net>>, Problem> {
    let vpc = *network
        .cidr
        .get(env)
        .ok_or_else(|| Problem::new(&["network"], "x"))?;
    let mut out = BTreeMap::new();
    for (tier, layout) in &network.subnets {
        let v = vpc.prefix_len();
        let (region, _) = match tier {
            Tier::Private => (Ipv4Net::new(vpc.network(), v + 1).unwrap(), 0),
            Tier::Public => (vpc.subnets(v + 3).unwrap().nth(4).unwrap(), 0),
            Tier::Database => (vpc.subnets(v + 3).unwrap().nth(5).unwrap(), 0),
            Tier::Intra => (vpc.subnets(v + 3).unwrap().nth(6).unwrap(), 0),
        };
        let list = match layout {
            super::SubnetLayout::Prefix(p) => region.subnets(*p).unwrap().take(az_count).collect(),
            super::SubnetLayout::Cidrs(c) => c.get(env).cloned().unwrap_or_default(),
        };
        out.insert(*tier, list);
    }
    Ok(out)
}
