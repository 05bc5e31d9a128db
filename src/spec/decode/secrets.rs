//! `secrets`

use super::context::{At, Cx, Table};
use super::values::{boolean, entries, per_env, string, strings, uint};
use crate::model::{Generate, PerEnv, Rotation, Secret};
use std::collections::BTreeMap;

const FIELDS: &[&str] = &[
    "description",
    "generate",
    "rotation",
    "recovery_window_days",
    "replicas",
];

pub fn secrets(cx: &mut Cx<'_>, at: &At<'_>) -> Option<BTreeMap<String, Secret>> {
    let mut result = Some(BTreeMap::new());
    for (key, at) in entries(cx, at)? {
        let secret = secret(cx, &at);
        result = result.zip(secret).map(|(mut map, secret)| {
            map.insert(key.name.clone(), secret);
            map
        });
    }
    result
}

fn secret(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Secret> {
    let t = Table::with_handled(cx, at, FIELDS, &["value"])?;
    // Checked before anything else could fail: a value in a spec is a leak, whatever else.
    let leaked = t.get("value").map(|value| {
        cx.error(
            value.key.map(|k| k.pos).unwrap_or(value.node.pos),
            &value.path,
            "secret values never go in a spec: remove `value`, then use `generate` for a \
             random value or set it out of band (aws secretsmanager put-secret-value)",
        )
    });
    let description = t.required(cx, "description", string);
    let generate = t.optional(cx, "generate", generate);
    let rotation = t.optional(cx, "rotation", rotation);
    let recovery_window_days = t.or(cx, "recovery_window_days", PerEnv::all(30), |cx, at| {
        per_env(cx, at, uint::<u32>)
    });
    let replicas = t.or(cx, "replicas", Vec::new(), strings);
    if leaked.is_some() {
        return None;
    }
    Some(Secret {
        description: description?,
        generate: generate?,
        rotation: rotation?,
        recovery_window_days: recovery_window_days?,
        replicas: replicas?,
    })
}

fn generate(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Generate> {
    let t = Table::new(cx, at, &["length", "special"])?;
    let length = t.required(cx, "length", uint::<u32>);
    let special = t.or(cx, "special", true, boolean);
    Some(Generate {
        length: length?,
        special: special?,
    })
}

fn rotation(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Rotation> {
    let t = Table::new(cx, at, &["days", "lambda_arn"])?;
    let days = t.required(cx, "days", uint::<u32>);
    let lambda_arn = t.required(cx, "lambda_arn", |cx, at| per_env(cx, at, string));
    Some(Rotation {
        days: days?,
        lambda_arn: lambda_arn?,
    })
}
