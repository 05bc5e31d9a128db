//! The top of the spec: project, region, tags, tag policy, backend, environments.

use super::checker::{Checker, list, path};
use super::syntax;
use crate::model::tags::{RESERVED_KEYS, tag_set};
use crate::model::{Environment, S3Backend, StateLocation};
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
    let field = |name: &'static str| ["backend", "s3", name];
    c.shape(&field("bucket"), &s3.bucket, true);
    c.value(&field("bucket"), &s3.bucket, |b| syntax::bucket_name(b));
    c.shape(&field("key_prefix"), &s3.key_prefix, true);
    c.value(&field("key_prefix"), &s3.key_prefix, |prefix| {
        if prefix.is_empty() {
            Some(
                "key_prefix is empty: state keys are `<key_prefix>/<env>/terraform.tfstate`".into(),
            )
        } else {
            state_path("key_prefix", prefix)
        }
    });
    if let Some(key) = &s3.key {
        c.shape(&field("key"), key, false);
        c.value(&field("key"), key, |key| {
            if key.is_empty() {
                Some("key is empty: give the state object's key (like `payments/prod/terraform.tfstate`)".into())
            } else {
                state_path("key", key)
            }
        });
    }
    c.shape(&field("region"), &s3.region, true);
    c.value(&field("region"), &s3.region, |r| syntax::region(r));
    if let Some(roles) = &s3.role_arn {
        // Any account: a central state account is the usual reason for a backend role.
        c.shape(&field("role_arn"), roles, false);
        c.value(&field("role_arn"), roles, |arn| {
            syntax::iam_role_arn(arn).err()
        });
    }
    if let Some(tables) = &s3.dynamodb_table {
        c.shape(&field("dynamodb_table"), tables, false);
        c.value(&field("dynamodb_table"), tables, |table| {
            let ok = (3..=255).contains(&table.len())
                && table
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_.-".contains(ch));
            (!ok).then(|| {
                format!(
                    "`{table}` is not a DynamoDB table name (3 to 255 letters, digits, `_`, `.`, `-`)"
                )
            })
        });
    }
    shared_state(c, s3);
}

/// A state key or key prefix: S3 keys of the form Terraform accepts.
fn state_path(what: &str, value: &str) -> Option<String> {
    (value.starts_with('/') || value.ends_with('/') || value.contains("//"))
        .then(|| format!("{what} `{value}` may not start or end with `/` or contain `//`"))
}

/// Two environments writing one state object would overwrite each other's state.
fn shared_state(c: &mut Checker, s3: &S3Backend) {
    let mut seen: Vec<(&str, StateLocation)> = Vec::new();
    for env in c.envs.clone() {
        let Some(location) = s3.location(env) else {
            continue;
        };
        if let Some((other, _)) = seen
            .iter()
            .find(|(_, l)| l.bucket == location.bucket && l.key == location.key)
        {
            // At the key that collides: the environment's own, the default, or the plain one.
            let at = match s3.key.as_ref().filter(|k| k.get(env).is_some()) {
                Some(key) => {
                    let mut p = path(&["backend", "s3", "key"]);
                    if key.by_env.contains_key(env) {
                        p.push(env.to_string());
                    } else if key.varies() {
                        p.push("default".to_string());
                    }
                    p
                }
                None => path(&["backend", "s3"]),
            };
            c.push(
                at,
                format!(
                    "{other} and {env} would keep their state in the same object \
                     `s3://{}/{}`: give each environment a key of its own",
                    location.bucket, location.key
                ),
            );
            continue;
        }
        seen.push((env, location));
    }
}

/// The role the provider assumes in an environment works in that environment's account:
/// `allowed_account_ids` refuses any other, so a role of another account could never apply.
fn provider_role(c: &mut Checker, env: &Environment) {
    let Some(arn) = &env.role_arn else { return };
    let at = path(&["environments", &env.name, "role_arn"]);
    match syntax::iam_role_arn(arn) {
        Err(m) => c.push(at, m),
        Ok(account) => {
            if let Some(expected) = env
                .account_id
                .as_deref()
                .filter(|id| syntax::is_account_id(id))
                && expected != account
            {
                c.push(
                    at,
                    format!(
                        "the role is in account {account} but environment {} is account \
                         {expected}: the provider may only run against {expected}, so assume \
                         a role of that account (`arn:aws:iam::{expected}:role/<name>`)",
                        env.name
                    ),
                );
            }
        }
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
        provider_role(c, env);
    }
    unprotected_but_shared(c);
}

/// `protect: false` that Terraform cannot honour: `prevent_destroy` must be a literal, and the
/// modules are shared by every environment, so one protecting environment protects them all.
/// Warned only where an environment says `false` itself: a production-like default that
/// differs from dev's default is what the README describes, and warning about it would make
/// every multi-environment spec print the same line on every run.
fn unprotected_but_shared(c: &mut Checker) {
    let p = c.p;
    let protecting: Vec<&str> = p
        .environments
        .iter()
        .filter(|env| env.protects())
        .map(|env| env.name.as_str())
        .collect();
    if protecting.is_empty() {
        return;
    }
    for env in p
        .environments
        .iter()
        .filter(|env| env.protect == Some(false))
    {
        c.warn(
            path(&["environments", &env.name, "protect"]),
            format!(
                "`protect: false` holds for Pulumi only: Terraform's modules are shared by every \
                 environment and `prevent_destroy` must be a literal, so because {} {} its \
                 stateful resources (KMS keys, secrets, log groups, the EKS cluster), they are \
                 protected in every environment, `{}` included; to destroy them with \
                 Terraform, set `protect: false` on every environment and regenerate",
                list(&protecting),
                if protecting.len() == 1 {
                    "protects"
                } else {
                    "protect"
                },
                env.name
            ),
        );
    }
}
