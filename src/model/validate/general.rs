//! The top of the spec: project, region, tags, tag policy, backend, environments.

use super::checker::{Checker, list, path};
use super::syntax;
use crate::model::tags::{RESERVED_KEYS, tag_set};
use std::collections::BTreeMap;

/// Longest project and environment names: they start every resource name.
pub(super) const NAME_MAX: usize = 24;

pub(super) fn check(c: &mut Checker) {
    let p = c.p;
    if let Some(m) = syntax::name("project name", &p.project, NAME_MAX, &['-']) {
        c.push(path(&["project"]), m);
    }
    c.shape(&["region"], &p.region, true);
    c.value(&["region"], &p.region, |r| syntax::region(r));
    tags(c, &["tags"], &p.tags);
    tag_policy(c);
    backend(c);
    environments(c);
}

/// Key and value rules of a tag map at `field`.
fn tags(c: &mut Checker, field: &[&str], tags: &BTreeMap<String, String>) {
    for (key, value) in tags {
        let mut at = path(field);
        at.push(key.clone());
        if let Some(m) = syntax::tag_key(key) {
            c.push(at, m);
        } else if RESERVED_KEYS.contains(&key.as_str()) {
            c.push(
                at,
                format!(
                    "tag `{key}` is set by iacgen (reserved: {})",
                    list(RESERVED_KEYS)
                ),
            );
        } else if let Some(m) = syntax::tag_value(key, value) {
            c.push(at, m);
        }
    }
}

/// Every required tag must be in every environment's merged tags.
fn tag_policy(c: &mut Checker) {
    let p = c.p;
    for (i, key) in p.tag_policy.iter().enumerate() {
        let at = path(&["tag_policy", "required", &i.to_string()]);
        if p.tag_policy[..i].contains(key) {
            c.push(at, format!("`{key}` is listed twice"));
            continue;
        }
        let missing: Vec<&str> = c
            .envs
            .iter()
            .copied()
            .filter(|env| !tag_set(p, env).contains_key(key))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = if missing.len() == c.envs.len() {
            format!("required tag `{key}` is not set: add it to `tags`")
        } else {
            format!(
                "required tag `{key}` is missing in {}: add it to `tags` or to the \
                 `environments.<env>.tags` of {}",
                list(&missing),
                if missing.len() == 1 {
                    "that environment"
                } else {
                    "those environments"
                }
            )
        };
        c.push(at, message);
    }
}

fn backend(c: &mut Checker) {
    let Some(s3) = &c.p.backend else { return };
    if let Some(m) = syntax::bucket_name(&s3.bucket) {
        c.push(path(&["backend", "s3", "bucket"]), m);
    }
    let prefix = &s3.key_prefix;
    if prefix.is_empty() {
        c.push(
            path(&["backend", "s3", "key_prefix"]),
            "key_prefix is empty: state keys are `<key_prefix>/<env>/terraform.tfstate`",
        );
    } else if prefix.starts_with('/') || prefix.ends_with('/') || prefix.contains("//") {
        c.push(
            path(&["backend", "s3", "key_prefix"]),
            format!("key_prefix `{prefix}` may not start or end with `/` or contain `//`"),
        );
    }
    if let Some(m) = syntax::region(&s3.region) {
        c.push(path(&["backend", "s3", "region"]), m);
    }
}

fn environments(c: &mut Checker) {
    let p = c.p;
    if p.environments.is_empty() {
        c.push(
            path(&["environments"]),
            "at least one environment is required (e.g. `environments: { dev: {} }`)",
        );
        return;
    }
    for (i, env) in p.environments.iter().enumerate() {
        let name = env.name.as_str();
        let at = path(&["environments", name]);
        if p.environments[..i].iter().any(|e| e.name == name) {
            c.push(at, format!("environment `{name}` is defined twice"));
            continue;
        }
        if let Some(m) = syntax::name("environment name", name, NAME_MAX, &['-']) {
            c.push(at.clone(), m);
        } else if name == "default" {
            c.push(
                at.clone(),
                "`default` cannot name an environment: it is the fallback key of per-environment \
                 values",
            );
        }
        if let Some(id) = &env.account_id
            && !syntax::is_account_id(id)
        {
            c.push(
                path(&["environments", name, "account_id"]),
                format!("account_id `{id}` is not an AWS account id (12 digits)"),
            );
        }
        tags(c, &["environments", name, "tags"], &env.tags);
    }
}
