//! `network`: VPC CIDRs, availability zones, subnet tiers, NAT, flow logs, endpoints.

use super::checker::{Checker, Issue, Path, list, path};
use super::syntax;
use crate::model::cidr::{self, MAX_SUBNET_PREFIX, MIN_SUBNET_PREFIX};
use crate::model::{NatMode, Network, PerEnv, Platform, SubnetLayout, Tier, aws, regions};
use ipnet::Ipv4Net;

/// `network.az_count` and the length of `network.azs`.
const AZ_RANGE: std::ops::RangeInclusive<usize> = 1..=6;

/// The per-environment facts other rules build on, when they are valid (an invalid value is
/// reported at its own field and the rules that need it are skipped).
pub(super) struct EnvFacts<'a> {
    pub region: Option<&'a str>,
    pub vpc: Option<Ipv4Net>,
    pub az_count: Option<usize>,
}

pub(super) fn facts<'a>(p: &'a Platform, env: &str) -> EnvFacts<'a> {
    let region = p
        .region
        .get(env)
        .map(String::as_str)
        // An unknown region is reported at `region` (aws_facts), not again by every rule
        // that reads it.
        .filter(|r| syntax::is_region(r) && aws::facts().region(r).is_some());
    let Some(net) = &p.network else {
        return EnvFacts {
            region,
            vpc: None,
            az_count: None,
        };
    };
    let vpc = net
        .cidr
        .get(env)
        .filter(|n| (16..=24).contains(&n.prefix_len()))
        .map(Ipv4Net::trunc);
    let explicit = net.azs.as_ref().and_then(|azs| azs.get(env));
    let az_count = match explicit {
        Some(azs) => Some(azs.len()),
        None => net.az_count.get(env).map(|n| usize::from(*n)),
    }
    .filter(|n| AZ_RANGE.contains(n));
    EnvFacts {
        region,
        vpc,
        az_count,
    }
}

/// Whether the AZ count of an environment may differ from another's.
fn az_count_varies(net: &Network) -> bool {
    net.az_count.varies() || net.azs.as_ref().is_some_and(PerEnv::varies)
}

pub(super) fn check(c: &mut Checker) {
    let p = c.p;
    let Some(net) = &p.network else {
        let users: Vec<&str> = [("eks", p.eks.is_some()), ("ecs", p.ecs.is_some())]
            .into_iter()
            .filter_map(|(name, present)| present.then_some(name))
            .collect();
        if !users.is_empty() {
            c.push(
                path(&["network"]),
                format!(
                    "`network` is required: {} run{} in its subnets",
                    users.join(" and "),
                    if users.len() == 1 { "s" } else { "" }
                ),
            );
        }
        return;
    };
    c.shape(&["network", "cidr"], &net.cidr, true);
    c.values(&["network", "cidr"], &net.cidr, |n| {
        vpc_cidr(n).map(|m| (Vec::new(), m)).into_iter().collect()
    });
    c.shape(&["network", "az_count"], &net.az_count, true);
    c.value(&["network", "az_count"], &net.az_count, |n| {
        (!AZ_RANGE.contains(&usize::from(*n)))
            .then(|| format!("az_count {n} is out of range (1 to 6)"))
    });
    azs(c, net);
    az_counts(c, net);
    subnets(c, net);
    c.shape(&["network", "nat"], &net.nat, true);
    if let Some(days) = &net.flow_logs.retention_days {
        c.shape(&["network", "flow_logs", "retention_days"], days, false);
        c.value(&["network", "flow_logs", "retention_days"], days, |d| {
            syntax::retention(*d)
        });
    }
    for (i, name) in net.endpoints.iter().enumerate() {
        let at = path(&["network", "endpoints", &i.to_string()]);
        if let Some(m) = syntax::endpoint_service(name) {
            c.push(at, m);
        } else if net.endpoints[..i].contains(name) {
            c.push(at, format!("endpoint `{name}` is listed twice"));
        }
    }
}

/// A VPC CIDR: /16 to /24 (AWS allows /28, but the fixed subnet layout needs room), host bits
/// clear.
fn vpc_cidr(n: &Ipv4Net) -> Option<String> {
    if !(16..=24).contains(&n.prefix_len()) {
        Some(format!(
            "VPC CIDR {n} is a /{}: use a /16 to /24",
            n.prefix_len()
        ))
    } else {
        host_bits(n)
    }
}

/// A CIDR written with host bits set is almost always a typo for its network.
pub(super) fn host_bits(n: &Ipv4Net) -> Option<String> {
    (n.addr() != n.network()).then(|| format!("{n} has host bits set: did you mean {}?", n.trunc()))
}

/// Explicit `network.azs`: 1 to 6 distinct zones of the environment's region.
fn azs(c: &mut Checker, net: &Network) {
    let Some(azs) = &net.azs else { return };
    c.shape(&["network", "azs"], azs, false);
    let p = c.p;
    let field = ["network", "azs"];
    c.per_env(azs.varies() || p.region.varies(), |env| {
        let Some(list) = azs.get(env) else {
            return Vec::new();
        };
        let mut issues = Vec::new();
        if !AZ_RANGE.contains(&list.len()) {
            issues.push(Issue::keyed(
                &field,
                &[],
                format!("{} availability zones listed: give 1 to 6", list.len()),
            ));
        }
        let region = facts(p, env).region;
        for (i, az) in list.iter().enumerate() {
            let rest = [i.to_string()];
            if list[..i].contains(az) {
                issues.push(Issue::keyed(
                    &field,
                    &rest,
                    format!("`{az}` is listed twice"),
                ));
                continue;
            }
            let Some(region) = region else { continue };
            let zone_ok = az.strip_prefix(region).is_some_and(|zone| {
                !zone.is_empty()
                    && zone
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
            });
            if !zone_ok {
                issues.push(Issue::keyed(
                    &field,
                    &rest,
                    format!("`{az}` is not a zone of {region} (like `{region}a`)"),
                ));
            }
        }
        issues
    });
}

/// AZ counts against what the region has and what EKS and load balancers need.
fn az_counts(c: &mut Checker, net: &Network) {
    let p = c.p;
    let mut needs_two: Vec<String> = Vec::new();
    if p.eks.is_some() {
        needs_two.push("EKS".to_string());
    }
    if let Some(ecs) = &p.ecs {
        let lbs: Vec<&str> = ecs
            .services
            .iter()
            .filter(|(_, s)| s.load_balancer.is_some())
            .map(|(name, _)| name.as_str())
            .collect();
        if !lbs.is_empty() {
            needs_two.push(format!("load balancers ({})", list(&lbs)));
        }
    }
    let varies = az_count_varies(net) || p.region.varies();
    c.per_env(varies, |env| {
        let facts = facts(p, env);
        let Some(count) = facts.az_count else {
            return Vec::new();
        };
        let explicit = net.azs.as_ref().is_some_and(|azs| azs.get(env).is_some());
        let field: &[&str] = if explicit {
            &["network", "azs"]
        } else {
            &["network", "az_count"]
        };
        if count < 2 && !needs_two.is_empty() {
            return vec![Issue::keyed(
                field,
                &[],
                format!(
                    "{} need subnets in at least 2 availability zones, but there is {count}",
                    needs_two.join(" and ")
                ),
            )];
        }
        let known = facts.region.and_then(regions::known_az_count);
        match known {
            Some(known) if !explicit && count > known => vec![Issue::keyed(
                field,
                &[],
                format!(
                    "az_count {count} is more than the {known} availability zones of {}",
                    facts.region.unwrap_or_default()
                ),
            )],
            _ => Vec::new(),
        }
    });
}

/// One subnet of an environment, for the overlap check.
struct Placed {
    tier: Tier,
    index: usize,
    net: Ipv4Net,
    /// Where the problem goes when this subnet is the one to move.
    field: Vec<String>,
    /// Explicit CIDRs are what a person can change; carved ones follow the layout.
    explicit: bool,
}

fn subnets(c: &mut Checker, net: &Network) {
    needed_tiers(c, net);
    for (tier, layout) in &net.subnets {
        match layout {
            SubnetLayout::Prefix(prefix) => carved_tier(c, net, *tier, *prefix),
            SubnetLayout::Cidrs(cidrs) => explicit_tier(c, net, *tier, cidrs),
        }
    }
    overlaps(c, net);
}

/// Tiers that other sections put things in.
fn needed_tiers(c: &mut Checker, net: &Network) {
    let p = c.p;
    let has = |tier| net.subnets.contains_key(&tier);
    let mut private_users = Vec::new();
    if p.eks.is_some() {
        private_users.push("EKS nodes".to_string());
    }
    if p.ecs.as_ref().is_some_and(|e| !e.services.is_empty()) {
        private_users.push("ECS tasks".to_string());
    }
    if !has(Tier::Private) && !private_users.is_empty() {
        c.push(
            path(&["network", "subnets"]),
            format!(
                "{} run in private subnets: add a `private` tier (e.g. `private: {{ prefix: 20 }}`)",
                private_users.join(" and ")
            ),
        );
    }
    if p.eks
        .as_ref()
        .is_some_and(|e| e.control_plane_subnets == Tier::Intra)
        && !has(Tier::Intra)
    {
        c.push(
            path(&["eks", "control_plane_subnets"]),
            "`intra` puts the EKS control plane in the network's intra subnets: add an `intra` \
             tier (e.g. `intra: { prefix: 24 }`), or use `private`",
        );
    }
    let mut public_users = Vec::new();
    let nat_envs: Vec<&str> = c
        .envs
        .iter()
        .copied()
        .filter(|env| net.nat.get(env).is_some_and(|n| *n != NatMode::None))
        .collect();
    if !nat_envs.is_empty() {
        public_users.push(if nat_envs.len() == c.envs.len() {
            "NAT gateways".to_string()
        } else {
            format!("NAT gateways (in {})", list(&nat_envs))
        });
    }
    if let Some(ecs) = &p.ecs {
        let public_lbs: Vec<&str> = ecs
            .services
            .iter()
            .filter(|(_, s)| s.load_balancer.as_ref().is_some_and(|lb| lb.public))
            .map(|(name, _)| name.as_str())
            .collect();
        if !public_lbs.is_empty() {
            public_users.push(format!("public load balancers ({})", list(&public_lbs)));
        }
    }
    if !has(Tier::Public) && !public_users.is_empty() {
        let nat_fix = if nat_envs.is_empty() {
            ""
        } else {
            ", or set `nat: none`"
        };
        c.push(
            path(&["network", "subnets"]),
            format!(
                "{} need public subnets: add a `public` tier (e.g. `public: {{ prefix: 24 }}`){nat_fix}",
                public_users.join(" and ")
            ),
        );
    }
}

fn carved_tier(c: &mut Checker, net: &Network, tier: Tier, prefix: u8) {
    let field = ["network", "subnets", tier.name(), "prefix"];
    if !(MIN_SUBNET_PREFIX..=MAX_SUBNET_PREFIX).contains(&prefix) {
        c.push(
            path(&field),
            format!("prefix {prefix} is out of range: subnets can be /16 to /28"),
        );
        return;
    }
    let p = c.p;
    c.per_env(net.cidr.varies() || az_count_varies(net), |env| {
        let facts = facts(p, env);
        let (Some(vpc), Some(count)) = (facts.vpc, facts.az_count) else {
            return Vec::new();
        };
        match cidr::carve(vpc, tier, prefix, count) {
            Ok(_) => Vec::new(),
            Err(misfit) => vec![Issue::at(&field, misfit.message())],
        }
    });
}

fn explicit_tier(c: &mut Checker, net: &Network, tier: Tier, cidrs: &PerEnv<Vec<Ipv4Net>>) {
    let field = ["network", "subnets", tier.name(), "cidrs"];
    c.shape(&field, cidrs, true);
    c.values(&field, cidrs, |list| {
        let mut out: Vec<(Path, String)> = Vec::new();
        for (i, n) in list.iter().enumerate() {
            let problem = if (MIN_SUBNET_PREFIX..=MAX_SUBNET_PREFIX).contains(&n.prefix_len()) {
                host_bits(n)
            } else {
                Some(format!(
                    "subnet {n} is a /{}: use a /16 to /28",
                    n.prefix_len()
                ))
            };
            out.extend(problem.map(|m| (vec![i.to_string()], m)));
        }
        out
    });
    let p = c.p;
    let varies = cidrs.varies() || net.cidr.varies() || az_count_varies(net);
    c.per_env(varies, |env| {
        let Some(list) = cidrs.get(env) else {
            return Vec::new();
        };
        let facts = facts(p, env);
        let mut issues = Vec::new();
        if let Some(count) = facts.az_count
            && list.len() != count
        {
            issues.push(Issue::keyed(
                &field,
                &[],
                format!(
                    "{} {} CIDRs for {count} AZs: give one per AZ, in AZ order",
                    list.len(),
                    tier.name()
                ),
            ));
        }
        if let Some(vpc) = facts.vpc {
            for (i, n) in list.iter().enumerate() {
                if !vpc.contains(n) {
                    issues.push(Issue::keyed(
                        &field,
                        &[i.to_string()],
                        format!("{n} is outside the VPC CIDR {vpc}"),
                    ));
                }
            }
        }
        issues
    });
}

/// The subnets of `env` that are valid on their own, for the overlap check.
fn placed(net: &Network, vpc: Ipv4Net, count: usize, env: &str) -> Vec<Placed> {
    let mut out = Vec::new();
    for (tier, layout) in &net.subnets {
        let tier = *tier;
        match layout {
            SubnetLayout::Prefix(prefix) => {
                if !(MIN_SUBNET_PREFIX..=MAX_SUBNET_PREFIX).contains(prefix) {
                    continue;
                }
                let Ok(nets) = cidr::carve(vpc, tier, *prefix, count) else {
                    continue;
                };
                out.extend(nets.into_iter().enumerate().map(|(index, n)| Placed {
                    tier,
                    index,
                    net: n,
                    field: path(&["network", "subnets", tier.name(), "prefix"]),
                    explicit: false,
                }));
            }
            SubnetLayout::Cidrs(cidrs) => {
                let Some(list) = cidrs.get(env) else { continue };
                out.extend(
                    list.iter()
                        .enumerate()
                        .filter(|(_, n)| vpc.contains(*n))
                        .map(|(index, n)| Placed {
                            tier,
                            index,
                            net: *n,
                            field: path(&["network", "subnets", tier.name(), "cidrs"]),
                            explicit: true,
                        }),
                );
            }
        }
    }
    out
}

/// No two subnets of an environment may share an address. Carved subnets never overlap each
/// other, so every overlap involves an explicit CIDR, and that is where it is reported.
fn overlaps(c: &mut Checker, net: &Network) {
    let explicit_varies = net.subnets.values().any(|l| match l {
        SubnetLayout::Cidrs(cidrs) => cidrs.varies(),
        SubnetLayout::Prefix(_) => false,
    });
    let varies = explicit_varies || net.cidr.varies() || az_count_varies(net);
    let p = c.p;
    c.per_env(varies, |env| {
        let facts = facts(p, env);
        let (Some(vpc), Some(count)) = (facts.vpc, facts.az_count) else {
            return Vec::new();
        };
        let subnets = placed(net, vpc, count, env);
        let mut issues = Vec::new();
        for (k, later) in subnets.iter().enumerate() {
            for earlier in &subnets[..k] {
                if !cidr::overlaps(&earlier.net, &later.net) {
                    continue;
                }
                let (moved, other) = if later.explicit {
                    (later, earlier)
                } else {
                    (earlier, later)
                };
                let field: Vec<&str> = moved.field.iter().map(String::as_str).collect();
                let message = format!(
                    "{} ({} subnet of AZ {}) overlaps {} ({} subnet of AZ {})",
                    moved.net,
                    moved.tier.name(),
                    moved.index + 1,
                    other.net,
                    other.tier.name(),
                    other.index + 1
                );
                issues.push(if moved.explicit {
                    Issue::keyed(&field, &[moved.index.to_string()], message)
                } else {
                    Issue::at(&field, message)
                });
            }
        }
        issues
    });
}
