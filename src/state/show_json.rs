//! `terraform show -json` output: of a state (`values`) or of a saved plan (`planned_values`,
//! `prior_state`, `resource_changes`). Format versions 0.x and 1.x share this layout.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

use super::address::{Address, Mode, ModulePath};
use super::error::StateError;
use super::instance::ResourceInstance;
use super::snapshot::{Format, Output, Plan, ResourceChange, State};
use super::v4::index_key;

#[derive(Deserialize)]
struct ShowJson {
    format_version: Option<String>,
    terraform_version: Option<String>,
    values: Option<ValuesJson>,
    planned_values: Option<ValuesJson>,
    prior_state: Option<PriorStateJson>,
    resource_changes: Option<Vec<ChangeJson>>,
    configuration: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct PriorStateJson {
    format_version: Option<String>,
    terraform_version: Option<String>,
    values: Option<ValuesJson>,
}

#[derive(Deserialize)]
struct ValuesJson {
    outputs: Option<BTreeMap<String, OutputJson>>,
    root_module: Option<ModuleJson>,
}

#[derive(Deserialize)]
struct OutputJson {
    value: Option<Value>,
    #[serde(rename = "type")]
    type_: Option<Value>,
    sensitive: Option<bool>,
}

#[derive(Deserialize)]
struct ModuleJson {
    address: Option<String>,
    resources: Option<Vec<ResourceJson>>,
    child_modules: Option<Vec<ModuleJson>>,
}

#[derive(Deserialize)]
struct ResourceJson {
    mode: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    name: Option<String>,
    index: Option<Value>,
    provider_name: Option<String>,
    schema_version: Option<u64>,
    values: Option<Box<RawValue>>,
    sensitive_values: Option<Value>,
    depends_on: Option<Vec<String>>,
    tainted: Option<bool>,
    deposed_key: Option<String>,
    identity: Option<Value>,
    identity_schema_version: Option<u64>,
}

#[derive(Deserialize)]
struct ChangeJson {
    module_address: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    name: Option<String>,
    index: Option<Value>,
    deposed: Option<String>,
    change: Option<ChangeBody>,
}

#[derive(Deserialize)]
struct ChangeBody {
    actions: Option<Vec<String>>,
}

/// Reads a document already known to be a JSON object with a `format_version` and no `version`.
pub(super) fn read(text: &str) -> Result<State, StateError> {
    let doc: ShowJson = serde_json::from_str(text).map_err(|e| StateError::from_serde(&e))?;
    let format_version = checked_format_version(doc.format_version)?;
    let is_plan = doc.planned_values.is_some()
        || doc.resource_changes.is_some()
        || doc.prior_state.is_some()
        || doc.configuration.is_some();
    if !is_plan {
        let mut state = snapshot(doc.values, Format::ShowJsonState { format_version })?;
        state.terraform_version = doc.terraform_version;
        return Ok(state);
    }

    let mut state = snapshot(doc.planned_values, Format::ShowJsonPlan { format_version })?;
    state.terraform_version = doc.terraform_version;
    let prior_state = match doc.prior_state {
        None => None,
        Some(prior) => {
            let version = prior.format_version.unwrap_or_else(|| "1.0".to_string());
            let mut prior_state = snapshot(
                prior.values,
                Format::ShowJsonState {
                    format_version: version,
                },
            )?;
            prior_state.terraform_version = prior.terraform_version;
            Some(prior_state)
        }
    };
    let resource_changes = doc
        .resource_changes
        .unwrap_or_default()
        .into_iter()
        .map(resource_change)
        .collect::<Result<_, _>>()?;
    state.plan = Some(Box::new(Plan {
        prior_state,
        resource_changes,
    }));
    Ok(state)
}

/// The JSON output format's version; majors 0 and 1 are the same layout.
fn checked_format_version(raw: Option<String>) -> Result<String, StateError> {
    let version = raw.unwrap_or_default();
    match version.split('.').next() {
        Some("0" | "1") => Ok(version),
        _ => Err(StateError::UnsupportedShowJson {
            format_version: version,
        }),
    }
}

fn snapshot(values: Option<ValuesJson>, format: Format) -> Result<State, StateError> {
    let mut state = State::new(format);
    let Some(values) = values else {
        return Ok(state);
    };
    state.outputs = values
        .outputs
        .unwrap_or_default()
        .into_iter()
        .map(|(name, o)| {
            let output = Output {
                value: o.value.unwrap_or(Value::Null),
                sensitive: o.sensitive.unwrap_or(false),
                type_: o.type_,
            };
            (name, output)
        })
        .collect();
    let mut modules = BTreeSet::new();
    let mut seen = HashSet::new();
    // Walk the module tree without recursion: depth comes from the input.
    let mut pending: Vec<ModuleJson> = values.root_module.into_iter().collect();
    while let Some(module) = pending.pop() {
        let path = ModulePath::parse(module.address.as_deref().unwrap_or(""))
            .map_err(|e| StateError::invalid(format!("bad module address: {e}")))?;
        if !path.is_root() {
            modules.insert(path.clone());
        }
        for r in module.resources.unwrap_or_default() {
            let object = resource(&path, r)?;
            let key = (object.address.clone(), object.deposed.clone());
            if !seen.insert(key) {
                return Err(StateError::invalid(format!(
                    "{} appears more than once",
                    object.address
                )));
            }
            if object.deposed.is_some() {
                state.deposed.push(object);
            } else {
                state.resources.push(object);
            }
        }
        // Reversed so that the stack visits child modules in file order.
        pending.extend(module.child_modules.unwrap_or_default().into_iter().rev());
    }
    state.modules = modules.into_iter().collect();
    Ok(state)
}

fn resource(module: &ModulePath, r: ResourceJson) -> Result<ResourceInstance, StateError> {
    let address = address(
        module.clone(),
        r.mode.as_deref(),
        r.type_,
        r.name,
        r.index.as_ref(),
    )?;
    let fail = |msg: String| StateError::invalid(format!("{address}: {msg}"));
    let mut object = match r.values {
        Some(json) => ResourceInstance::from_json(address.clone(), json).map_err(fail)?,
        None => ResourceInstance::new(address.clone(), Value::Object(Default::default())),
    };
    object.provider = r.provider_name.unwrap_or_default();
    object.schema_version = r.schema_version;
    object.tainted = r.tainted.unwrap_or(false);
    object.deposed = r.deposed_key.filter(|k| !k.is_empty());
    object.identity = r.identity;
    object.identity_schema_version = r.identity_schema_version;
    if let Some(Value::Object(mask)) = &r.sensitive_values {
        object.sensitive_attributes = mask
            .iter()
            .filter(|(_, v)| marks_anything(v))
            .map(|(k, _)| k.clone())
            .collect();
    }
    for dep in r.depends_on.unwrap_or_default() {
        let dep = Address::parse(&dep).map_err(|e| fail(format!("bad dependency: {e}")))?;
        object.dependencies.push(dep);
    }
    Ok(object)
}

/// Whether a `sensitive_values` mask entry marks anything: `true`, or a structure holding `true`.
fn marks_anything(mask: &Value) -> bool {
    match mask {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(marks_anything),
        Value::Object(map) => map.values().any(marks_anything),
        _ => false,
    }
}

fn resource_change(c: ChangeJson) -> Result<ResourceChange, StateError> {
    let module = ModulePath::parse(c.module_address.as_deref().unwrap_or(""))
        .map_err(|e| StateError::invalid(format!("resource_changes: bad module address: {e}")))?;
    let address = address(module, c.mode.as_deref(), c.type_, c.name, c.index.as_ref())?;
    Ok(ResourceChange {
        address,
        deposed: c.deposed.filter(|d| !d.is_empty()),
        actions: c.change.and_then(|b| b.actions).unwrap_or_default(),
    })
}

fn address(
    module: ModulePath,
    mode: Option<&str>,
    type_: Option<String>,
    name: Option<String>,
    index: Option<&Value>,
) -> Result<Address, StateError> {
    let (Some(type_), Some(name)) = (type_, name) else {
        return Err(StateError::invalid(format!(
            "a resource in {} has no \"type\" or \"name\"",
            if module.is_root() {
                "the root module".to_string()
            } else {
                module.to_string()
            }
        )));
    };
    let what = || format!("{}{type_}.{name}", module_prefix(&module));
    let mode = match mode {
        Some("managed") => Mode::Managed,
        Some("data") => Mode::Data,
        other => {
            return Err(StateError::invalid(format!(
                "{}: unknown mode {:?}",
                what(),
                other.unwrap_or("")
            )));
        }
    };
    let index = index_key(index).map_err(|e| StateError::invalid(format!("{}: {e}", what())))?;
    Ok(Address {
        module,
        mode,
        type_,
        name,
        index,
    })
}

fn module_prefix(module: &ModulePath) -> String {
    if module.is_root() {
        String::new()
    } else {
        format!("{module}.")
    }
}
