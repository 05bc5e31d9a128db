//! Subnet CIDRs carved from the VPC CIDR, laid out so they never move.
//!
//! The VPC CIDR (prefix `/v`) is cut into fixed regions, one per tier, that depend neither on
//! which tiers exist nor on how many AZs there are:
//!
//! | region            | size      | tier       |
//! |-------------------|-----------|------------|
//! | first half        | `/v+1`    | `private`  |
//! | fifth eighth      | `/v+3`    | `public`   |
//! | sixth eighth      | `/v+3`    | `database` |
//! | seventh eighth    | `/v+3`    | `intra`    |
//! | last eighth       | `/v+3`    | reserved   |
//!
//! Within its region, a tier with prefix `/p` puts AZ `i` (in AZ order, from 0) at the `i`-th
//! `/p` block. Raising `az_count` only appends subnets, and adding or removing a tier leaves the
//! others alone, so no existing subnet (and nothing in it) is ever replaced. Private subnets get
//! the largest region because nodes and tasks take their IPs from there.
//!
//! A tier fits when its region holds one `/p` block per AZ; otherwise [`carve`] says what would
//! fit. Explicit `cidrs` are used as given; validation checks them.

use super::validate::Problem;
use super::{Network, SubnetLayout, Tier};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Smallest subnet prefix AWS accepts (a /16).
pub const MIN_SUBNET_PREFIX: u8 = 16;
/// Largest subnet prefix AWS accepts (a /28, 16 addresses).
pub const MAX_SUBNET_PREFIX: u8 = 28;

/// A tier's place in the VPC: how many bits longer than the VPC prefix its region is, and
/// which block of that size it takes.
fn slot(tier: Tier) -> (u8, u32) {
    match tier {
        Tier::Private => (1, 0),
        Tier::Public => (3, 4),
        Tier::Database => (3, 5),
        Tier::Intra => (3, 6),
    }
}

/// How the region of `tier` is described to a person.
fn region_words(tier: Tier) -> &'static str {
    match tier {
        Tier::Private => "its lower half",
        Tier::Public => "its 5th eighth",
        Tier::Database => "its 6th eighth",
        Tier::Intra => "its 7th eighth",
    }
}

/// The part of `vpc` reserved for `tier`; `None` when `vpc` is too small to be divided.
pub fn tier_region(vpc: Ipv4Net, tier: Tier) -> Option<Ipv4Net> {
    let (bits, index) = slot(tier);
    let prefix = vpc.prefix_len().checked_add(bits).filter(|p| *p <= 32)?;
    block(vpc.network(), prefix, index)
}

/// The `index`-th `/prefix` block counted from `base`, if it stays inside IPv4.
fn block(base: Ipv4Addr, prefix: u8, index: u32) -> Option<Ipv4Net> {
    let size = 1u64 << (32 - u32::from(prefix.min(32)));
    let start = u64::from(u32::from(base)).checked_add(size.checked_mul(u64::from(index))?)?;
    let start = u32::try_from(start).ok()?;
    Ipv4Net::new(Ipv4Addr::from(start), prefix).ok()
}

/// Bits needed to number `n` blocks: the smallest `b` with `2^b >= n`.
fn bits_for(n: usize) -> u8 {
    let mut bits = 0u8;
    while bits < 64 && (1u128 << bits) < n as u128 {
        bits += 1;
    }
    bits
}

/// Why a tier's subnets do not fit its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    pub tier: Tier,
    pub prefix: u8,
    pub az_count: usize,
    pub vpc: Ipv4Net,
}

impl Misfit {
    /// What is wrong and how to fix it, e.g. "/20 private subnets for 3 AZs need a /18, but
    /// the private region of a /18 VPC is a /19 (its lower half), room for 2: use prefix 21 or
    /// more, or a /17 VPC or larger".
    pub fn message(&self) -> String {
        let (bits, _) = slot(self.tier);
        let tier = self.tier.name();
        let v = self.vpc.prefix_len();
        let region = u16::from(v) + u16::from(bits);
        let az_bits = u16::from(bits_for(self.az_count));
        let p = u16::from(self.prefix);
        let need = p.saturating_sub(az_bits);
        let room = match p.checked_sub(region) {
            Some(spare) if spare < 16 => format!("room for {}", 1u32 << spare),
            Some(_) => "room for many".to_string(),
            None => "room for none".to_string(),
        };
        let min_prefix = Some(region + az_bits).filter(|m| *m <= u16::from(MAX_SUBNET_PREFIX));
        // The VPC prefix at which this subnet prefix would fit; a VPC can be at most a /16.
        let vpc_prefix = p
            .checked_sub(az_bits + u16::from(bits))
            .filter(|x| *x >= 16);
        let fix = match (min_prefix, vpc_prefix) {
            (Some(m), Some(x)) => format!("use prefix {m} or more, or a /{x} VPC or larger"),
            (Some(m), None) => format!("use prefix {m} or more"),
            (None, Some(x)) => format!("use a /{x} VPC or larger"),
            (None, None) => "use a larger VPC".to_string(),
        };
        format!(
            "/{p} {tier} subnets for {n} need a /{need}, but the {tier} region of a /{v} VPC \
             is a /{region} ({words}), {room}: {fix}",
            n = match self.az_count {
                1 => "1 AZ".to_string(),
                n => format!("{n} AZs"),
            },
            words = region_words(self.tier),
        )
    }
}

/// The subnets of `tier` at `/prefix` for `az_count` AZs, in AZ order.
pub fn carve(
    vpc: Ipv4Net,
    tier: Tier,
    prefix: u8,
    az_count: usize,
) -> Result<Vec<Ipv4Net>, Misfit> {
    let misfit = || Misfit {
        tier,
        prefix,
        az_count,
        vpc,
    };
    let region = tier_region(vpc.trunc(), tier).ok_or_else(misfit)?;
    if prefix < region.prefix_len() || prefix > 32 {
        return Err(misfit());
    }
    let capacity_bits = prefix - region.prefix_len();
    if capacity_bits < 32 && az_count as u64 > 1u64 << capacity_bits {
        return Err(misfit());
    }
    (0..az_count)
        .map(|i| {
            let index = u32::try_from(i).map_err(|_| misfit())?;
            block(region.network(), prefix, index).ok_or_else(misfit)
        })
        .collect()
}

/// Every subnet of `env`, one per AZ in AZ order, by tier. `az_count` is the environment's AZ
/// count (see `model::regions::az_count`). Carved tiers follow the layout in the module doc;
/// explicit `cidrs` are returned as given.
pub fn subnet_cidrs(
    network: &Network,
    env: &str,
    az_count: usize,
) -> Result<BTreeMap<Tier, Vec<Ipv4Net>>, Problem> {
    let vpc = network
        .cidr
        .get(env)
        .ok_or_else(|| Problem::new(&["network", "cidr"], format!("no value for {env}")))?
        .trunc();
    let mut out = BTreeMap::new();
    for (tier, layout) in &network.subnets {
        let cidrs = match layout {
            SubnetLayout::Prefix(prefix) => carve(vpc, *tier, *prefix, az_count).map_err(|m| {
                Problem::new(
                    &["network", "subnets", tier.name(), "prefix"],
                    format!("in {env}: {}", m.message()),
                )
            })?,
            SubnetLayout::Cidrs(cidrs) => cidrs.get(env).cloned().ok_or_else(|| {
                Problem::new(
                    &["network", "subnets", tier.name(), "cidrs"],
                    format!("no value for {env}"),
                )
            })?,
        };
        out.insert(*tier, cidrs);
    }
    Ok(out)
}

/// Whether two networks share any address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn regions_are_fixed_slices_of_the_vpc() {
        let vpc = net("10.10.0.0/16");
        assert_eq!(tier_region(vpc, Tier::Private), Some(net("10.10.0.0/17")));
        assert_eq!(tier_region(vpc, Tier::Public), Some(net("10.10.128.0/19")));
        assert_eq!(
            tier_region(vpc, Tier::Database),
            Some(net("10.10.160.0/19"))
        );
        assert_eq!(tier_region(vpc, Tier::Intra), Some(net("10.10.192.0/19")));
    }

    #[test]
    fn misfit_message_names_sizes_and_fixes() {
        let err = carve(net("10.0.0.0/18"), Tier::Private, 20, 3).unwrap_err();
        assert_eq!(
            err.message(),
            "/20 private subnets for 3 AZs need a /18, but the private region of a /18 VPC is \
             a /19 (its lower half), room for 2: use prefix 21 or more, or a /17 VPC or larger"
        );
    }

    #[test]
    fn misfit_without_a_longer_prefix_asks_for_a_larger_vpc() {
        // Public region of a /24 is a /27: six AZs would need /30s, smaller than AWS allows.
        let err = carve(net("10.0.0.0/24"), Tier::Public, 28, 6).unwrap_err();
        assert_eq!(
            err.message(),
            "/28 public subnets for 6 AZs need a /25, but the public region of a /24 VPC is a \
             /27 (its 5th eighth), room for 2: use a /22 VPC or larger"
        );
    }

    #[test]
    fn a_prefix_shorter_than_the_region_has_no_room() {
        let err = carve(net("10.0.0.0/16"), Tier::Public, 18, 1).unwrap_err();
        assert!(err.message().contains("room for none"), "{}", err.message());
    }

    #[test]
    fn tiny_or_odd_vpcs_do_not_panic() {
        for prefix in [0, 1, 28, 30, 31, 32] {
            let vpc = Ipv4Net::new(Ipv4Addr::new(255, 255, 255, 255), prefix).unwrap();
            for tier in Tier::ALL {
                let _ = carve(vpc, tier, 32, 6).map_err(|m| m.message());
                let _ = carve(vpc, tier, 40, usize::MAX).map_err(|m| m.message());
            }
        }
    }
}
