//! The top level: version, project, region, tags, backend, environments.

use super::context::{At, Cx, Table, suggest};
use super::values::{boolean, entries, per_env, string, string_map, strings};
use super::{ecs, eks, network, observability, repository, secrets};
use crate::model::{Environment, PerEnv, Platform, S3Backend, SPEC_VERSION};
use crate::spec::document::Value;
use std::collections::BTreeMap;

pub const FIELDS: &[&str] = &[
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

/// Every top-level section as decoded: `None` where an error was recorded.
pub struct Parts {
    version: Option<()>,
    project: Option<String>,
    region: Option<PerEnv<String>>,
    tags: Option<BTreeMap<String, String>>,
    tag_policy: Option<Vec<String>>,
    backend: Option<Option<S3Backend>>,
    environments: Option<Vec<Environment>>,
    network: Option<Option<crate::model::Network>>,
    eks: Option<Option<crate::model::Eks>>,
    ecs: Option<Option<crate::model::Ecs>>,
    secrets: Option<BTreeMap<String, crate::model::Secret>>,
    observability: Option<crate::model::Observability>,
    repository: Option<crate::model::Repository>,
    /// Sections named by a misspelt top-level field (`netwrok`): absent here, but probably
    /// meant, so the rules that read them are not run on their absence.
    misspelt: Vec<&'static str>,
    /// A `version` is written but is not one this build reads: the document may follow
    /// another format, so no rule of this one is run on it.
    other_version: bool,
}

impl Parts {
    /// The platform, when every section decoded.
    pub fn complete(self) -> Option<Platform> {
        self.version?;
        Some(Platform {
            project: self.project?,
            region: self.region?,
            tags: self.tags?,
            tag_policy: self.tag_policy?,
            backend: self.backend?,
            environments: self.environments?,
            network: self.network?,
            eks: self.eks?,
            ecs: self.ecs?,
            secrets: self.secrets?,
            observability: self.observability?,
            repository: self.repository?,
        })
    }

    /// Whether the document is written in a version of the format this build does not read.
    pub fn other_version(&self) -> bool {
        self.other_version
    }

    /// The top-level fields that did not decode, by their spec names.
    pub fn broken(&self) -> Vec<&'static str> {
        let failed = [
            ("version", self.version.is_none()),
            ("project", self.project.is_none()),
            ("region", self.region.is_none()),
            ("tags", self.tags.is_none()),
            ("tag_policy", self.tag_policy.is_none()),
            ("backend", self.backend.is_none()),
            ("environments", self.environments.is_none()),
            ("network", self.network.is_none()),
            ("eks", self.eks.is_none()),
            ("ecs", self.ecs.is_none()),
            ("secrets", self.secrets.is_none()),
            ("observability", self.observability.is_none()),
            ("repository", self.repository.is_none()),
        ];
        let mut broken: Vec<&'static str> = failed
            .into_iter()
            .filter(|(_, broken)| *broken)
            .map(|(name, _)| name)
            .collect();
        for name in &self.misspelt {
            if !broken.contains(name) {
                broken.push(name);
            }
        }
        broken
    }

    /// The platform with every section that did not decode replaced by an empty stand-in
    /// (absent, or no entries). Only for running the rules that read none of the broken
    /// sections: see `model::validate::reads`.
    pub fn partial(self) -> Platform {
        Platform {
            project: self.project.unwrap_or_default(),
            region: self.region.unwrap_or_else(PerEnv::none),
            tags: self.tags.unwrap_or_default(),
            tag_policy: self.tag_policy.unwrap_or_default(),
            backend: self.backend.unwrap_or_default(),
            environments: self.environments.unwrap_or_default(),
            network: self.network.unwrap_or_default(),
            eks: self.eks.unwrap_or_default(),
            ecs: self.ecs.unwrap_or_default(),
            secrets: self.secrets.unwrap_or_default(),
            observability: self.observability.unwrap_or_default(),
            repository: self.repository.unwrap_or_default(),
        }
    }
}

/// Decodes the top level; `None` when the document is not a map of fields at all.
pub fn platform(cx: &mut Cx<'_>, root: &At<'_>) -> Option<Parts> {
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
    let misspelt = match &root.node.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|(key, _)| !FIELDS.contains(&key.name.as_str()))
            .filter_map(|(key, _)| suggest(&key.name, FIELDS))
            .collect(),
        _ => Vec::new(),
    };
    let version = t.required(cx, "version", version);
    let other_version = version.is_none() && t.get("version").is_some();
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
    Some(Parts {
        version,
        project,
        region,
        tags,
        tag_policy,
        // Its key prefix defaults to the project name: `validate::reads` knows.
        backend,
        environments: environments.map(|envs| envs.into_iter().map(|(env, _)| env).collect()),
        network,
        eks,
        ecs,
        secrets,
        observability,
        repository,
        misspelt,
        other_version,
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
        let t = Table::new(
            cx,
            at,
            &[
                "bucket",
                "key_prefix",
                "key",
                "region",
                "role_arn",
                "dynamodb_table",
            ],
        )?;
        let text = |cx: &mut Cx<'_>, at: &At<'_>| per_env(cx, at, string);
        let bucket = t.required(cx, "bucket", text);
        // Environments a per-environment key_prefix does not name keep the project.
        let key_prefix = t
            .or(cx, "key_prefix", PerEnv::all(project.to_string()), text)
            .map(|mut prefix| {
                prefix.default.get_or_insert_with(|| project.to_string());
                prefix
            });
        let key = t.optional(cx, "key", text);
        let region = t.required(cx, "region", text);
        let role_arn = t.optional(cx, "role_arn", text);
        let dynamodb_table = t.optional(cx, "dynamodb_table", text);
        Some(S3Backend {
            bucket: bucket?,
            key_prefix: key_prefix?,
            key: key?,
            region: region?,
            role_arn: role_arn?,
            dynamodb_table: dynamodb_table?,
        })
    })
}

/// An environment and the region it sets, if any.
type EnvEntry = (Environment, Option<String>);

fn environments(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Vec<EnvEntry>> {
    let decoded: Vec<Option<EnvEntry>> = entries(cx, at)?
        .into_iter()
        .map(|(key, at)| {
            let t = Table::new(
                cx,
                &at,
                &["account_id", "region", "tags", "protect", "role_arn"],
            )?;
            let account_id = t.optional(cx, "account_id", string);
            let role_arn = t.optional(cx, "role_arn", string);
            let protect = t.optional(cx, "protect", boolean);
            let region = t.optional(cx, "region", string);
            let tags = t.or(cx, "tags", BTreeMap::new(), string_map);
            let env = Environment {
                name: key.name.clone(),
                account_id: account_id?,
                tags: tags?,
                role_arn: role_arn?,
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
