//! `network`

use super::context::{At, Cx, Table, unknown};
use super::values::{boolean, choice, cidr, entries, list, per_env, string, strings, uint};
use crate::model::{FlowLogs, NatMode, Network, PerEnv, SubnetLayout, Tier};
use std::collections::BTreeMap;

const FIELDS: &[&str] = &[
    "cidr",
    "az_count",
    "azs",
    "subnets",
    "nat",
    "flow_logs",
    "endpoints",
];

pub fn network(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Network> {
    let t = Table::new(cx, at, FIELDS)?;
    let cidr = t.required(cx, "cidr", |cx, at| per_env(cx, at, cidr));
    let az_count = t.or(cx, "az_count", PerEnv::all(3), |cx, at| {
        per_env(cx, at, uint::<u8>)
    });
    // A list is one value for every environment; a map is per environment.
    let azs = t.optional(cx, "azs", |cx, at| {
        per_env(cx, at, |cx, at| list(cx, at, string))
    });
    let subnets = t.or(cx, "subnets", default_subnets(), subnets);
    let nat = t.or(cx, "nat", PerEnv::all(NatMode::PerAz), |cx, at| {
        per_env(cx, at, |cx, at| {
            choice(
                cx,
                at,
                &[
                    ("none", NatMode::None),
                    ("single", NatMode::Single),
                    ("per_az", NatMode::PerAz),
                ],
            )
        })
    });
    let flow_logs = t.or(
        cx,
        "flow_logs",
        FlowLogs {
            enabled: true,
            retention_days: None,
        },
        flow_logs,
    );
    let endpoints = t.or(cx, "endpoints", Vec::new(), strings);
    Some(Network {
        cidr: cidr?,
        az_count: az_count?,
        azs: azs?,
        subnets: subnets?,
        nat: nat?,
        flow_logs: flow_logs?,
        endpoints: endpoints?,
    })
}

fn default_subnets() -> BTreeMap<Tier, SubnetLayout> {
    BTreeMap::from([
        (Tier::Public, SubnetLayout::Prefix(24)),
        (Tier::Private, SubnetLayout::Prefix(20)),
    ])
}

fn subnets(cx: &mut Cx<'_>, at: &At<'_>) -> Option<BTreeMap<Tier, SubnetLayout>> {
    let tier_names: Vec<&str> = Tier::ALL.iter().map(|t| t.name()).collect();
    let mut result = Some(BTreeMap::new());
    for (key, at) in entries(cx, at)? {
        let Some(tier) = Tier::from_name(&key.name) else {
            cx.error(
                key.pos,
                &at.path,
                unknown("subnet tier", &key.name, &tier_names),
            );
            result = None;
            continue;
        };
        let layout = layout(cx, &at);
        result = result.zip(layout).map(|(mut map, layout)| {
            map.insert(tier, layout);
            map
        });
    }
    result
}

fn layout(cx: &mut Cx<'_>, at: &At<'_>) -> Option<SubnetLayout> {
    let t = Table::new(cx, at, &["prefix", "cidrs"])?;
    let prefix = t.optional(cx, "prefix", uint::<u8>);
    let cidrs = t.optional(cx, "cidrs", |cx, at| {
        per_env(cx, at, |cx, at| list(cx, at, cidr))
    });
    match (prefix?, cidrs?) {
        (Some(prefix), None) => Some(SubnetLayout::Prefix(prefix)),
        (None, Some(cidrs)) => Some(SubnetLayout::Cidrs(cidrs)),
        (Some(_), Some(_)) => cx.invalid(at, "give either `prefix` or `cidrs`, not both"),
        (None, None) => cx.invalid(
            at,
            "missing `prefix` (a prefix length such as 24) or `cidrs` (one CIDR per AZ)",
        ),
    }
}

fn flow_logs(cx: &mut Cx<'_>, at: &At<'_>) -> Option<FlowLogs> {
    let t = Table::new(cx, at, &["enabled", "retention_days"])?;
    let enabled = t.or(cx, "enabled", true, boolean);
    let retention_days = t.optional(cx, "retention_days", |cx, at| per_env(cx, at, uint::<u32>));
    Some(FlowLogs {
        enabled: enabled?,
        retention_days: retention_days?,
    })
}
