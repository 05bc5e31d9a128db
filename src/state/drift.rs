//! Drift: an argument iacgen sets to a known value that differs from what the state records.
//!
//! Comparison leans towards "no drift" wherever the provider may store a value differently
//! from how it was written: numbers and strings compare by value (`"443"` is `443`), lists of
//! scalars in any order (many are sets), JSON documents by meaning (a policy with keys in
//! another order, or with defaults the service added, is the same policy), an unset value the
//! same as an empty one. What is left is a difference `terraform plan` would also show.

use serde_json::Value as Json;

use super::instance::ResourceInstance;
use super::inventory::ManagedInstance;

/// One argument whose known value differs from the state.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// Argument name; `block.argument` inside a nested block.
    pub argument: String,
    /// iacgen's value, or `None` when it must not be shown (sensitive).
    pub iacgen: Option<Json>,
    /// The state's value, or `None` when it must not be shown (sensitive).
    pub state: Option<Json>,
    /// iacgen's value is known only after apply: it refers to this instance, which is to be
    /// created (so it cannot be the value the state holds).
    pub after_apply_from: Option<super::address::Address>,
}

/// The arguments of `config` whose known values differ from `state`.
pub(crate) fn drift(config: &ManagedInstance, state: &ResourceInstance) -> Vec<Drift> {
    if state.attributes_flat {
        // Pre-0.12 flatmap attributes: every value a string, nested keys flattened. Comparing
        // them would report differences Terraform does not see.
        return Vec::new();
    }
    let mut out = timeouts_drift(config, state);
    for (name, value) in &config.arguments {
        if config.ignore_changes.ignores_whole(name) || name.ends_with("_wo") || name == "timeouts"
        {
            continue;
        }
        let Some(recorded) = state.attribute(name) else {
            continue;
        };
        let sensitive = state.is_sensitive(name);
        let mut push = |argument: String, ours: &Json, theirs: &Json| {
            out.push(Drift {
                argument,
                iacgen: (!sensitive).then(|| ours.clone()),
                state: (!sensitive).then(|| theirs.clone()),
                after_apply_from: None,
            });
        };
        match (value, recorded) {
            // A nested block written once: compare its arguments one by one.
            (Json::Array(ours), Json::Array(theirs))
                if ours.len() == 1 && ours[0].is_object() && theirs.len() == 1 =>
            {
                if let (Json::Object(block), Json::Object(recorded)) = (&ours[0], &theirs[0]) {
                    for (key, v) in block {
                        if let Some(r) = recorded.get(key)
                            && !config.ignore_changes.ignores_nested(name, key)
                            && !v.is_object()
                            && !is_block_list(v)
                            && !equivalent(v, r)
                        {
                            push(format!("{name}.{key}"), v, r);
                        }
                    }
                }
            }
            (v, _) if is_block_list(v) => {}
            (v, r) => {
                if !config.ignore_changes.ignores(name) && !equivalent(v, r) {
                    push(name.clone(), v, r);
                }
            }
        }
    }
    out
}

/// The `timeouts` block: the provider never fills it in, so a timeout the state records that
/// the configuration does not set (terraform-aws-modules writes `timeouts { create = "5m" }` on
/// its routes) is set back to null by `terraform plan`, an update in place, and the reverse.
fn timeouts_drift(config: &ManagedInstance, state: &ResourceInstance) -> Vec<Drift> {
    if config.ignore_changes.ignores_whole("timeouts") {
        return Vec::new();
    }
    let set = |v: Option<&Json>| -> serde_json::Map<String, Json> {
        let block = match v {
            Some(Json::Array(items)) => items.first(),
            other => other,
        };
        block
            .and_then(Json::as_object)
            .map(|o| {
                o.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let ours = set(config.arguments.get("timeouts"));
    let theirs = set(state.attribute("timeouts"));
    if ours == theirs {
        return Vec::new();
    }
    vec![Drift {
        argument: "timeouts".to_string(),
        iacgen: Some(Json::Object(ours)),
        state: Some(Json::Object(theirs)),
        after_apply_from: None,
    }]
}

/// A list of objects: blocks written several times, compared only as a whole by Terraform in
/// ways (sets of blocks) this comparison cannot follow.
fn is_block_list(v: &Json) -> bool {
    matches!(v, Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object))
}

/// Whether iacgen's value `ours` and the recorded `theirs` mean the same.
pub(crate) fn equivalent(ours: &Json, theirs: &Json) -> bool {
    match (ours, theirs) {
        // Explicit null leaves the argument to the provider.
        (Json::Null, _) => true,
        (Json::String(a), Json::Null) => a.is_empty(),
        (Json::Array(a), Json::Null) => a.is_empty(),
        (Json::Object(a), Json::Null) => a.is_empty(),
        (Json::String(a), Json::String(b)) => a == b || same_json_document(a, b),
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (Json::Number(n), Json::String(s)) | (Json::String(s), Json::Number(n)) => {
            s.parse::<f64>().ok() == n.as_f64()
        }
        (Json::Bool(b), Json::String(s)) | (Json::String(s), Json::Bool(b)) => {
            s == if *b { "true" } else { "false" }
        }
        (Json::Array(a), Json::Array(b)) => same_list(a, b),
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| equivalent(v, w)))
        }
        (a, b) => a == b,
    }
}

/// Lists in order or, since many list-looking attributes are sets, in any order.
fn same_list(a: &[Json], b: &[Json]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.iter().zip(b).all(|(x, y)| equivalent(x, y)) {
        return true;
    }
    let mut unused: Vec<&Json> = b.iter().collect();
    a.iter()
        .all(|x| match unused.iter().position(|y| equivalent(x, y)) {
            Some(i) => {
                unused.swap_remove(i);
                true
            }
            None => false,
        })
}

/// Two strings holding JSON documents (policies, container definitions, dashboards) that say
/// the same, allowing for what services add or normalise: extra keys in the recorded
/// document, a one-element list written as its element, numbers as strings.
fn same_json_document(ours: &str, theirs: &str) -> bool {
    let looks_like_json = |s: &str| matches!(s.trim_start().chars().next(), Some('{' | '['));
    if !looks_like_json(ours) || !looks_like_json(theirs) {
        return false;
    }
    match (
        serde_json::from_str::<Json>(ours),
        serde_json::from_str::<Json>(theirs),
    ) {
        (Ok(a), Ok(b)) => covers(&a, &b),
        _ => false,
    }
}

/// Whether `theirs` says at least what `ours` says.
fn covers(ours: &Json, theirs: &Json) -> bool {
    match (ours, theirs) {
        (Json::Object(a), Json::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).map_or(v.is_null(), |w| covers(v, w))),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len()
                && (a.iter().zip(b).all(|(x, y)| covers(x, y))
                    || a.iter().all(|x| b.iter().any(|y| covers(x, y))))
        }
        (Json::Array(a), b) if a.len() == 1 => covers(&a[0], b),
        (a, Json::Array(b)) if b.len() == 1 => covers(a, &b[0]),
        (a, b) => equivalent(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Address;
    use crate::state::config::IgnoreChanges;
    use serde_json::json;

    fn managed(arguments: Json) -> ManagedInstance {
        ManagedInstance {
            address: Address::managed("aws_x", "y"),
            arguments: arguments.as_object().cloned().unwrap_or_default(),
            ignore_changes: IgnoreChanges::Nothing,
            references: Vec::new(),
        }
    }

    fn state(attrs: Json) -> ResourceInstance {
        ResourceInstance::new(Address::managed("aws_x", "y"), attrs)
    }

    fn drifted(config: Json, recorded: Json) -> Vec<String> {
        drift(&managed(config), &state(recorded))
            .into_iter()
            .map(|d| d.argument)
            .collect()
    }

    #[test]
    fn reports_literal_differences() {
        assert_eq!(
            drifted(
                json!({"cidr_block": "10.0.0.0/16", "retention_in_days": 365, "tags": {"Name": "a"}}),
                json!({"cidr_block": "10.1.0.0/16", "retention_in_days": 30, "tags": {"Name": "a", "Extra": "x"}})
            ),
            ["cidr_block", "retention_in_days", "tags"]
        );
    }

    #[test]
    fn tolerates_what_providers_normalise() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            drifted(
                json!({
                    "port": 443,
                    "instance_types": ["m6i.large", "m6a.large"],
                    "description": null,
                    "labels": {},
                    "policy": r#"{"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow"}]}"#,
                    "unknown_to_state": "x",
                    "scaling_config": [{"min_size": 1, "max_size": 3}],
                    "ingress": [{"from_port": 1}, {"from_port": 2}],
                }),
                json!({
                    "port": "443",
                    "instance_types": ["m6a.large", "m6i.large"],
                    "description": "set by AWS",
                    "labels": null,
                    "policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#,
                    "scaling_config": [{"min_size": 1, "max_size": 3, "desired_size": 2}],
                    "ingress": [],
                })
            ),
            none
        );
    }

    #[test]
    fn a_timeout_the_configuration_does_not_set_is_an_update_in_place() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            drifted(
                json!({"gateway_id": "igw-1"}),
                json!({"gateway_id": "igw-1", "timeouts": {"create": "5m", "delete": null}})
            ),
            ["timeouts"]
        );
        assert_eq!(
            drifted(
                json!({"timeouts": [{"create": "5m"}]}),
                json!({"timeouts": {"create": "5m", "delete": null}})
            ),
            none
        );
        assert_eq!(
            drifted(
                json!({"gateway_id": "igw-1"}),
                json!({"gateway_id": "igw-1", "timeouts": null})
            ),
            none
        );
    }

    #[test]
    fn compares_single_nested_blocks_argument_by_argument() {
        assert_eq!(
            drifted(
                json!({"scaling_config": [{"min_size": 1, "max_size": 3}]}),
                json!({"scaling_config": [{"min_size": 1, "max_size": 5}]})
            ),
            ["scaling_config.max_size"]
        );
    }

    #[test]
    fn ignore_changes_inside_a_block_ignores_only_that_argument() {
        let mut config = managed(json!({"scaling_config": [{"desired_size": 2, "max_size": 3}]}));
        config.ignore_changes =
            IgnoreChanges::Some(vec![vec!["scaling_config".into(), "desired_size".into()]]);
        let recorded = state(json!({"scaling_config": [{"desired_size": 7, "max_size": 9}]}));
        let arguments: Vec<String> = drift(&config, &recorded)
            .into_iter()
            .map(|d| d.argument)
            .collect();
        assert_eq!(arguments, ["scaling_config.max_size"]);
    }

    #[test]
    fn hides_sensitive_values_and_honours_ignore_changes() {
        let mut config = managed(json!({"password": "a", "tags": {"A": "1"}}));
        config.ignore_changes = IgnoreChanges::Some(vec![vec!["tags".into(), "A".into()]]);
        let mut recorded = state(json!({"password": "b", "tags": {}}));
        recorded.sensitive_attributes.insert("password".into());
        let d = drift(&config, &recorded);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].argument, "password");
        assert_eq!(d[0].iacgen, None);
        assert_eq!(d[0].state, None);
    }
}
