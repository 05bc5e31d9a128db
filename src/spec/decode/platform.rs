//! The top level: version, project, region, tags, backend, environments.

use super::context::{At, Cx, Table};
use super::values::{boolean, entries, per_env, string, string_map, strings};
use super::{ecs, eks, network, observability, repository, secrets};
use crate::model::{Environment, PerEnv, Platform, S3Backend, SPEC_VERSION};
use crate::spec::document::Value;
use std::collections::BTreeMap;

const FIELDS: &[&str] = &[
    "version",
    "project",
    "region",
    "tags",
    "tag_policy",
    "backend",
    "environments",
    "network",
    "eks",
    "ecs",
    "secrets",
    "observability",
    "repository",
];

pub fn platform(cx: &mut Cx<'_>, root: &At<'_>) -> Option<Platform> {
    if !matches!(root.node.value, Value::Map(_)) {
        return cx.invalid(
            root,
            format!(
                "a spec must be a map of fields ({}), found {}",
                FIELDS.join(", "),
                root.node.describe()
            ),
        );
    }
    let t = Table::new(cx, root, FIELDS)?;
    let version = t.required(cx, "version", version);
    let project = t.required(cx, "project", string);
    let top_region = t.optional(cx, "region", |cx, at| per_env(cx, at, string));
    let tags = t.or(cx, "tags", BTreeMap::new(), string_map);
    let tag_policy = t.or(cx, "tag_policy", Vec::new(), tag_policy);
    let environments = t.required(cx, "environments", environments);
    let region = match (&top_region, &environments) {
        (Some(top), Some(envs)) => fold_region(cx, &t, top.clone(), envs),
        _ => None,
    };
    let project_name = project.clone().unwrap_or_default();
    let backend = t.optional(cx, "backend", |cx, at| backend(cx, at, &project_name));
    let network = t.optional(cx, "network", network::network);
    let eks = t.optional(cx, "eks", eks::eks);
    let ecs = t.optional(cx, "ecs", ecs::ecs);
    let secrets = t.or(cx, "secrets", BTreeMap::new(), secrets::secrets);
    let observability = t.or(
        cx,
        "observability",
        Default::default(),
        observability::observability,
    );
    let repository = t.or(cx, "repository", Default::default(), repository::repository);
    version?;
    Some(Platform {
        project: project?,
        region: region?,
        tags: tags?,
        tag_policy: tag_policy?,
        backend: backend?,
        environments: environments?.into_iter().map(|(env, _)| env).collect(),
        network: network?,
        eks: eks?,
        ecs: ecs?,
        secrets: secrets?,
        observability: observability?,
        repository: repository?,
    })
}

fn version(cx: &mut Cx<'_>, at: &At<'_>) -> Option<()> {
    match &at.node.value {
        Value::Int(v) if *v == i128::from(SPEC_VERSION) => Some(()),
        Value::Int(v) => cx.invalid(
            at,
            format!("unsupported spec version {v} (supported versions: {SPEC_VERSION})"),
        ),
        _ => cx.invalid(
            at,
            format!(
                "expected the spec format version (supported versions: {SPEC_VERSION}), found {}",
                at.node.describe()
            ),
        ),
    }
}

fn tag_policy(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Vec<String>> {
    let t = Table::new(cx, at, &["required"])?;
    t.or(cx, "required", Vec::new(), strings)
}

fn backend(cx: &mut Cx<'_>, at: &At<'_>, project: &str) -> Option<S3Backend> {
    let t = Table::new(cx, at, &["s3"])?;
    t.required(cx, "s3", |cx, at| {
        let t = Table::new(cx, at, &["bucket", "key_prefix", "region"])?;
        let bucket = t.required(cx, "bucket", string);
        let key_prefix = t.or(cx, "key_prefix", project.to_string(), string);
        let region = t.required(cx, "region", string);
        Some(S3Backend {
            bucket: bucket?,
            key_prefix: key_prefix?,
            region: region?,
        })
    })
}

/// An environment and the region it sets, if any.
type EnvEntry = (Environment, Option<String>);

fn environments(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Vec<EnvEntry>> {
    let decoded: Vec<Option<EnvEntry>> = entries(cx, at)?
        .into_iter()
        .map(|(key, at)| {
            let t = Table::new(cx, &at, &["account_id", "region", "tags", "protect"])?;
            let account_id = t.optional(cx, "account_id", string);
            let protect = t.optional(cx, "protect", boolean);
            let region = t.optional(cx, "region", string);
            let tags = t.or(cx, "tags", BTreeMap::new(), string_map);
            let env = Environment {
                name: key.name.clone(),
                account_id: account_id?,
                tags: tags?,
                protect: protect?,
            };
            Some((env, region?))
        })
        .collect();
    decoded.into_iter().collect()
}

/// `environments.<env>.region` overrides the top-level `region` for that environment.
fn fold_region(
    cx: &mut Cx<'_>,
    t: &Table<'_>,
    top: Option<PerEnv<String>>,
    envs: &[EnvEntry],
) -> Option<PerEnv<String>> {
    let mut region = top.clone().unwrap_or_else(PerEnv::none);
    for (env, env_region) in envs {
        if let Some(r) = env_region {
            region.by_env.insert(env.name.clone(), r.clone());
        }
    }
    if top.is_none() {
        let without: Vec<&str> = envs
            .iter()
            .filter(|(_, r)| r.is_none())
            .map(|(env, _)| env.name.as_str())
            .collect();
        if !without.is_empty() {
            cx.error(
                t.at.value_pos(),
                "region",
                format!(
                    "missing required field (or set `region` on every environment; \
                     without one: {})",
                    without.join(", ")
                ),
            );
            return None;
        }
    }
    Some(region)
}
