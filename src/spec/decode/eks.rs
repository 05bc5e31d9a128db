//! `eks`

use super::context::{At, Cx, Table};
use super::values::{
    boolean, choice, cidr, list, map_of, per_env, string, string_map, strings, uint,
};
use crate::model::{
    Capacity, DEFAULT_EKS_ADDONS, Eks, NodePool, PerEnv, SupportType, Taint, TaintEffect, Tier,
};
use std::collections::BTreeMap;

const FIELDS: &[&str] = &[
    "version",
    "endpoint_public_access",
    "public_access_cidrs",
    "allow_world",
    "admins",
    "allow_no_admins",
    "support_type",
    "control_plane_subnets",
    "addons",
    "node_pools",
];

const POOL_FIELDS: &[&str] = &[
    "instance_types",
    "capacity",
    "min",
    "desired",
    "max",
    "labels",
    "taints",
    "disk_size_gb",
];

pub fn eks(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Eks> {
    let t = Table::new(cx, at, FIELDS)?;
    let version = t.required(cx, "version", |cx, at| per_env(cx, at, string));
    let endpoint_public_access = t.or(cx, "endpoint_public_access", false, boolean);
    let public_access_cidrs = t.or(cx, "public_access_cidrs", Vec::new(), |cx, at| {
        list(cx, at, cidr)
    });
    let allow_world = t.or(cx, "allow_world", false, boolean);
    let admins = t.or(cx, "admins", PerEnv::all(Vec::new()), |cx, at| {
        per_env(cx, at, strings)
    });
    let allow_no_admins = t.or(cx, "allow_no_admins", false, boolean);
    let support_type = t.or(cx, "support_type", SupportType::Standard, |cx, at| {
        choice(
            cx,
            at,
            &[
                ("standard", SupportType::Standard),
                ("extended", SupportType::Extended),
            ],
        )
    });
    let control_plane_subnets = t.or(cx, "control_plane_subnets", Tier::Private, |cx, at| {
        choice(
            cx,
            at,
            &[("private", Tier::Private), ("intra", Tier::Intra)],
        )
    });
    let default_addons = DEFAULT_EKS_ADDONS
        .iter()
        .map(|name| (name.to_string(), None))
        .collect();
    let addons = t.or(cx, "addons", default_addons, |cx, at| map_of(cx, at, addon));
    let node_pools = t.required(cx, "node_pools", |cx, at| map_of(cx, at, node_pool));
    Some(Eks {
        version: version?,
        endpoint_public_access: endpoint_public_access?,
        public_access_cidrs: public_access_cidrs?,
        allow_world: allow_world?,
        admins: admins?,
        allow_no_admins: allow_no_admins?,
        support_type: support_type?,
        control_plane_subnets: control_plane_subnets?,
        addons: addons?,
        node_pools: node_pools?,
    })
}

/// `{version?}`; an empty value installs the default version.
fn addon(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Option<String>> {
    let t = Table::new(cx, at, &["version"])?;
    t.optional(cx, "version", string)
}

pub fn capacity(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Capacity> {
    choice(
        cx,
        at,
        &[("on_demand", Capacity::OnDemand), ("spot", Capacity::Spot)],
    )
}

fn node_pool(cx: &mut Cx<'_>, at: &At<'_>) -> Option<NodePool> {
    let t = Table::new(cx, at, POOL_FIELDS)?;
    let instance_types = t.required(cx, "instance_types", strings);
    let capacity = t.or(cx, "capacity", Capacity::OnDemand, capacity);
    let count = |cx: &mut Cx<'_>, at: &At<'_>| per_env(cx, at, uint::<u32>);
    let min = t.or(cx, "min", PerEnv::all(1), count);
    let desired = t.optional(cx, "desired", count);
    let max = t.optional(cx, "max", count);
    let labels = t.or(cx, "labels", BTreeMap::new(), string_map);
    let taints = t.or(cx, "taints", Vec::new(), |cx, at| list(cx, at, taint));
    let disk_size_gb = t.or(cx, "disk_size_gb", 50, uint::<u32>);
    // Unset counts follow the per-environment min (SPEC: desired = min, max = min).
    let min = min?;
    Some(NodePool {
        instance_types: instance_types?,
        capacity: capacity?,
        desired: desired?.unwrap_or_else(|| min.clone()),
        max: max?.unwrap_or_else(|| min.clone()),
        min,
        labels: labels?,
        taints: taints?,
        disk_size_gb: disk_size_gb?,
    })
}

fn taint(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Taint> {
    let t = Table::new(cx, at, &["key", "value", "effect"])?;
    let key = t.required(cx, "key", string);
    let value = t.optional(cx, "value", string);
    let effect = t.required(cx, "effect", |cx, at| {
        choice(
            cx,
            at,
            &[
                ("NoSchedule", TaintEffect::NoSchedule),
                ("PreferNoSchedule", TaintEffect::PreferNoSchedule),
                ("NoExecute", TaintEffect::NoExecute),
            ],
        )
    });
    Some(Taint {
        key: key?,
        value: value?,
        effect: effect?,
    })
}
