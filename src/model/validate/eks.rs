//! `eks`: cluster version and endpoint access, admins, add-ons, node pools.

use super::checker::{Checker, Issue, list, path};
use super::network::host_bits;
use super::syntax;
use crate::model::{Eks, NodePool, Taint, TaintEffect};

/// Node pool and service names: short enough to leave room in generated names.
pub(super) const COMPONENT_NAME_MAX: usize = crate::model::naming::COMPONENT_NAME_MAX;

/// EKS managed node group disk sizes, GiB (the gp3 volume range starts at 1, but an EKS AMI
/// needs 20).
const DISK_GB: std::ops::RangeInclusive<u32> = 20..=16384;

pub(super) fn check(c: &mut Checker) {
    let Some(eks) = &c.p.eks else { return };
    let field = ["eks", "version"];
    c.shape(&field, &eks.version, true);
    c.value(&field, &eks.version, |v| version(v));
    endpoint(c, eks);
    admins(c, eks);
    for (name, version) in &eks.addons {
        if let Some(m) = syntax::name("add-on name", name, 64, &['-']) {
            c.push(path(&["eks", "addons", name]), m);
        } else if let Some(v) = version
            && !is_addon_version(v)
        {
            c.push(
                path(&["eks", "addons", name, "version"]),
                format!("`{v}` is not an EKS add-on version (like `v1.19.0-eksbuild.1`)"),
            );
        }
    }
    if eks.node_pools.is_empty() {
        c.push(
            path(&["eks", "node_pools"]),
            "at least one node pool is required (e.g. `system: { instance_types: [m6i.large] }`)",
        );
    }
    for (name, pool) in &eks.node_pools {
        node_pool(c, name, pool);
    }
    coredns_placement(c, eks);
}

/// Taint keys the CoreDNS add-on tolerates: `CriticalAddonsOnly` with any effect, the
/// control-plane taint with `NoSchedule` (its tolerations as EKS ships them).
const COREDNS_TOLERATED: [(&str, Option<TaintEffect>); 2] = [
    ("CriticalAddonsOnly", None),
    (
        "node-role.kubernetes.io/control-plane",
        Some(TaintEffect::NoSchedule),
    ),
];

/// Whether CoreDNS can run on a node with `taint`: `PreferNoSchedule` only steers pods away.
fn coredns_tolerates(taint: &Taint) -> bool {
    taint.effect == TaintEffect::PreferNoSchedule
        || COREDNS_TOLERATED
            .iter()
            .any(|(key, effect)| taint.key == *key && effect.is_none_or(|e| e == taint.effect))
}

/// The coredns add-on is a Deployment: with no node it can run on, the add-on stays DEGRADED
/// and its creation times out (after 20 minutes) in the first apply. Refused here: a pool
/// without a blocking taint, or tainted `CriticalAddonsOnly` (the usual system pool), must
/// exist and have nodes in every environment.
fn coredns_placement(c: &mut Checker, eks: &Eks) {
    if !eks.addons.contains_key("coredns") || eks.node_pools.is_empty() {
        return;
    }
    let field = ["eks", "node_pools"];
    let usable: Vec<(&String, &NodePool)> = eks
        .node_pools
        .iter()
        .filter(|(_, pool)| pool.taints.iter().all(coredns_tolerates))
        .collect();
    if usable.is_empty() {
        let blocking = eks.node_pools.iter().filter_map(|(name, pool)| {
            let taint = pool.taints.iter().find(|t| !coredns_tolerates(t))?;
            Some(format!("{name} ({}:{})", taint.key, taint.effect.name()))
        });
        c.push(
            path(&field),
            format!(
                "every node pool has a taint CoreDNS does not tolerate ({}), so the coredns \
                 add-on never schedules and its creation times out: add a pool without \
                 NoSchedule/NoExecute taints, or one tainted only with `CriticalAddonsOnly` (e.g. \
                 `system: {{ instance_types: [m6i.large], min: 2, taints: [{{ key: \
                 CriticalAddonsOnly, value: \"true\", effect: NoSchedule }}] }}`)",
                list(blocking)
            ),
        );
        return;
    }
    let varies = usable.iter().any(|(_, pool)| pool.desired.varies());
    c.per_env(varies, |env| {
        let nodes: u32 = usable
            .iter()
            .filter_map(|(_, pool)| pool.desired.get(env))
            .sum();
        if nodes > 0 {
            return Vec::new();
        }
        let names = list(usable.iter().map(|(name, _)| name.as_str()));
        vec![Issue::at(
            &field,
            format!(
                "no node for CoreDNS: the pools it can run on ({names}) have desired 0, so the \
                 coredns add-on never schedules and its creation times out: give one of them \
                 desired 1 or more"
            ),
        )]
    });
}

/// The cluster uses authentication mode API with no creator admin, so `eks.admins` are the
/// only way in: every environment needs one (or `allow_no_admins`), each in the environment's
/// own account when the spec names it.
fn admins(c: &mut Checker, eks: &Eks) {
    let field = ["eks", "admins"];
    c.shape(&field, &eks.admins, false);
    c.values(&field, &eks.admins, |arns| {
        let mut out = Vec::new();
        for (i, arn) in arns.iter().enumerate() {
            if let Some(m) = syntax::iam_principal_arn(arn) {
                out.push((vec![i.to_string()], m));
            } else if arns[..i].contains(arn) {
                out.push((vec![i.to_string()], format!("`{arn}` is listed twice")));
            }
        }
        out
    });
    if !eks.allow_no_admins {
        c.per_env(eks.admins.varies(), |env| {
            if eks.admins.get(env).is_some_and(|arns| !arns.is_empty()) {
                return Vec::new();
            }
            vec![Issue::keyed(
                &field,
                &[],
                "no cluster admin: the cluster authenticates by access entries only and makes \
                 no admin of its creator, so nobody could ever use it: list IAM roles (like `arn:aws:iam::123456789012:role/platform-admin`, in the \
                 environment's account), or set `allow_no_admins: true` when access entries \
                 are managed outside iacgen",
            )]
        });
    }
    let envs = c.envs.clone();
    for env in envs {
        let Some(account) =
            c.p.environments
                .iter()
                .find(|e| e.name == env)
                .and_then(|e| e.account_id.as_deref())
                .filter(|a| syntax::is_account_id(a))
        else {
            continue;
        };
        let (mut at, arns) = match eks.admins.by_env.get(env) {
            Some(arns) => (path(&["eks", "admins", env]), arns),
            None => match &eks.admins.default {
                Some(arns) if eks.admins.varies() => (path(&["eks", "admins", "default"]), arns),
                Some(arns) => (path(&field), arns),
                None => continue,
            },
        };
        for (i, arn) in arns.iter().enumerate() {
            let Some(other) = arn_account(arn).filter(|a| *a != account) else {
                continue;
            };
            at.push(i.to_string());
            c.push(
                at.clone(),
                format!(
                    "in {env}: `{arn}` is in account {other}, but {env} runs in {account}: an \
                     access entry takes principals of the cluster's account; give {env} its own \
                     admins (`admins: {{ {env}: [arn:aws:iam::{account}:role/...] }}`)"
                ),
            );
            at.pop();
        }
    }
}

/// The account of an IAM ARN already checked by `syntax::iam_principal_arn` (`None` otherwise).
fn arn_account(arn: &str) -> Option<&str> {
    syntax::iam_principal_arn(arn)
        .is_none()
        .then(|| arn.split(':').nth(4))
        .flatten()
}

/// A Kubernetes minor version, `1.N`.
fn version(v: &str) -> Option<String> {
    let ok = v.strip_prefix("1.").is_some_and(|minor| {
        !minor.is_empty()
            && minor.chars().all(|ch| ch.is_ascii_digit())
            && !(minor.len() > 1 && minor.starts_with('0'))
    });
    (!ok).then(|| format!("version `{v}` is not a Kubernetes minor version (like `1.33`)"))
}

/// `v<major>.<minor>.<patch>-eksbuild.<n>`
fn is_addon_version(v: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    v.strip_prefix('v')
        .and_then(|rest| rest.split_once("-eksbuild."))
        .is_some_and(|(semver, build)| {
            let parts: Vec<&str> = semver.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| digits(p)) && digits(build)
        })
}

fn endpoint(c: &mut Checker, eks: &Eks) {
    let field = ["eks", "public_access_cidrs"];
    if !eks.endpoint_public_access {
        if !eks.public_access_cidrs.is_empty() {
            c.push(
                path(&field),
                "public_access_cidrs has no effect while endpoint_public_access is false: remove \
                 it or make the endpoint public",
            );
        }
        return;
    }
    if eks.public_access_cidrs.is_empty() {
        c.push(
            path(&field),
            "a public endpoint needs public_access_cidrs: list the networks allowed to reach the \
             Kubernetes API",
        );
    }
    for (i, n) in eks.public_access_cidrs.iter().enumerate() {
        let at = path(&["eks", "public_access_cidrs", &i.to_string()]);
        if n.prefix_len() == 0 && !eks.allow_world {
            c.push(
                at,
                format!(
                    "{n} opens the Kubernetes API to the whole internet: set `allow_world: true` \
                     to allow it"
                ),
            );
        } else if let Some(m) = host_bits(n) {
            c.push(at, m);
        } else if eks.public_access_cidrs[..i].contains(n) {
            c.push(at, format!("{n} is listed twice"));
        }
    }
}

fn node_pool(c: &mut Checker, name: &str, pool: &NodePool) {
    let at = |rest: &[&str]| {
        let mut p = path(&["eks", "node_pools", name]);
        p.extend(rest.iter().map(|s| s.to_string()));
        p
    };
    if let Some(m) = syntax::name("node pool name", name, COMPONENT_NAME_MAX, &['-']) {
        c.push(at(&[]), m);
    }
    instance_types(c, name, &pool.instance_types);
    sizes(c, name, pool);
    for (key, value) in &pool.labels {
        if let Some(m) = syntax::label_key(key).or_else(|| syntax::label_value(value)) {
            c.push(at(&["labels", key]), m);
        }
    }
    if pool.taints.len() > 50 {
        c.push(
            at(&["taints"]),
            format!(
                "{} taints: a node group takes at most 50",
                pool.taints.len()
            ),
        );
    }
    for (i, taint) in pool.taints.iter().enumerate() {
        let index = i.to_string();
        if let Some(m) = syntax::label_key(&taint.key) {
            c.push(at(&["taints", &index, "key"]), m);
        } else if let Some(m) = taint.value.as_deref().and_then(syntax::label_value) {
            c.push(at(&["taints", &index, "value"]), m);
        } else if pool.taints[..i]
            .iter()
            .any(|t| t.key == taint.key && t.effect == taint.effect)
        {
            c.push(
                at(&["taints", &index]),
                format!(
                    "taint `{}` with effect {} is listed twice",
                    taint.key,
                    taint.effect.name()
                ),
            );
        }
    }
    if !DISK_GB.contains(&pool.disk_size_gb) {
        c.push(
            at(&["disk_size_gb"]),
            format!(
                "disk_size_gb {} is out of range (20 to 16384)",
                pool.disk_size_gb
            ),
        );
    }
}

fn instance_types(c: &mut Checker, pool: &str, types: &[String]) {
    let field = path(&["eks", "node_pools", pool, "instance_types"]);
    if types.is_empty() {
        c.push(
            field,
            "instance_types is empty: name at least one (like `m6i.large`)",
        );
        return;
    }
    let mut valid = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let mut at = field.clone();
        at.push(i.to_string());
        if let Some(m) = syntax::instance_type(t) {
            c.push(at, m);
        } else if types[..i].contains(t) {
            c.push(at, format!("`{t}` is listed twice"));
        } else {
            valid.push(t.as_str());
        }
    }
    let (arm, x86): (Vec<&str>, Vec<&str>) = valid
        .iter()
        .partition(|t| crate::model::ec2::is_arm_instance(t));
    if !arm.is_empty() && !x86.is_empty() {
        c.push(
            field,
            format!(
                "instance types mix arm64 ({}) and x86_64 ({}): a node pool runs one architecture",
                list(&arm),
                list(&x86)
            ),
        );
    }
}

/// `0 <= min <= desired <= max`, `max >= 1`, in every environment.
fn sizes(c: &mut Checker, pool_name: &str, pool: &NodePool) {
    let field = |f: &'static str| ["eks", "node_pools", pool_name, f];
    // Environments left without a value are reported here; the others are still checked.
    c.shape(&field("min"), &pool.min, true);
    c.shape(&field("desired"), &pool.desired, true);
    c.shape(&field("max"), &pool.max, true);
    let varies = pool.min.varies() || pool.desired.varies() || pool.max.varies();
    c.per_env(varies, |env| {
        let (Some(&min), Some(&desired), Some(&max)) =
            (pool.min.get(env), pool.desired.get(env), pool.max.get(env))
        else {
            return Vec::new();
        };
        let sizes = format!("min {min}, desired {desired}, max {max}");
        let issue = if max < 1 {
            Issue::keyed(&field("max"), &[], "max must be at least 1")
        } else if min > max {
            Issue::keyed(
                &field("min"),
                &[],
                format!("{sizes}: min may not exceed max"),
            )
        } else if desired < min {
            Issue::keyed(
                &field("desired"),
                &[],
                format!("{sizes}: desired may not be below min"),
            )
        } else if desired > max {
            Issue::keyed(
                &field("desired"),
                &[],
                format!("{sizes}: desired may not exceed max"),
            )
        } else {
            return Vec::new();
        };
        vec![issue]
    });
}
