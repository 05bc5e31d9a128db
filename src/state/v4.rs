//! State format version 4: `terraform.tfstate` as written by Terraform 0.12 and later.
//!
//! Follows Terraform's own reader (`internal/states/statefile/version4.go`): the same fields, the
//! same leniency (missing `terraform_version`, `serial`, `lineage` or `resources`; flatmap
//! `attributes_flat` from upgraded 0.11 states; legacy `provider.aws` strings) and the same
//! rejections (unknown mode, bad module path or index key, unknown status, duplicate instances).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::address::{Address, IndexKey, Mode, ModulePath};
use super::error::StateError;
use super::instance::ResourceInstance;
use super::snapshot::{Format, Output, State};

#[derive(Deserialize)]
struct FileV4 {
    terraform_version: Option<String>,
    serial: Option<u64>,
    lineage: Option<String>,
    outputs: Option<BTreeMap<String, OutputV4>>,
    resources: Option<Vec<ResourceV4>>,
}

#[derive(Deserialize)]
struct OutputV4 {
    value: Option<Value>,
    #[serde(rename = "type")]
    type_: Option<Value>,
    sensitive: Option<bool>,
}

#[derive(Deserialize)]
struct ResourceV4 {
    module: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    name: Option<String>,
    provider: Option<String>,
    instances: Option<Vec<InstanceV4>>,
}

#[derive(Deserialize)]
struct InstanceV4 {
    index_key: Option<Value>,
    status: Option<String>,
    deposed: Option<String>,
    schema_version: Option<u64>,
    attributes: Option<Box<RawValue>>,
    attributes_flat: Option<BTreeMap<String, String>>,
    sensitive_attributes: Option<Value>,
    dependencies: Option<Vec<String>>,
    create_before_destroy: Option<bool>,
    identity: Option<Value>,
    identity_schema_version: Option<u64>,
}

/// Reads a document already known to be valid JSON with `"version": 4`.
pub(super) fn read(text: &str) -> Result<State, StateError> {
    let file: FileV4 = serde_json::from_str(text).map_err(|e| StateError::from_serde(&e))?;
    let mut state = State::new(Format::StateV4);
    state.terraform_version = file.terraform_version.filter(|v| !v.is_empty());
    state.serial = file.serial;
    state.lineage = file.lineage.filter(|l| !l.is_empty());
    state.outputs = file
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
    let mut current = HashSet::new();
    let mut deposed_seen = HashSet::new();
    for (i, r) in file.resources.unwrap_or_default().into_iter().enumerate() {
        let resource = resource_address(i, &r)?;
        if !resource.module.is_root() {
            modules.insert(resource.module.clone());
        }
        let instances = r.instances.unwrap_or_default();
        if instances.is_empty() {
            state.empty_resources.push(resource.clone());
        }
        let provider = r.provider.unwrap_or_default();
        for inst in instances {
            let index = index_key(inst.index_key.as_ref())
                .map_err(|e| StateError::invalid(format!("{resource}: {e}")))?;
            let address = Address {
                index,
                ..resource.clone()
            };
            let object = instance(address.clone(), inst, &provider)?;
            match &object.deposed {
                Some(key) => {
                    if !deposed_seen.insert((address.clone(), key.clone())) {
                        return Err(StateError::invalid(format!(
                            "{address}: deposed object {key:?} appears more than once"
                        )));
                    }
                    state.deposed.push(object);
                }
                None => {
                    if !current.insert(address.clone()) {
                        return Err(StateError::invalid(format!(
                            "{address} appears more than once"
                        )));
                    }
                    state.resources.push(object);
                }
            }
        }
    }
    state.modules = modules.into_iter().collect();
    Ok(state)
}

/// The address of the `i`th entry of `resources`, without index key.
fn resource_address(i: usize, r: &ResourceV4) -> Result<Address, StateError> {
    let what = || {
        format!(
            "resources[{i}] ({}.{})",
            r.type_.as_deref().unwrap_or("?"),
            r.name.as_deref().unwrap_or("?")
        )
    };
    let mode = match r.mode.as_deref() {
        Some("managed") => Mode::Managed,
        Some("data") => Mode::Data,
        Some(other) => {
            return Err(StateError::invalid(format!(
                "{}: unknown mode {other:?} (expected \"managed\" or \"data\")",
                what()
            )));
        }
        None => return Err(StateError::invalid(format!("{}: missing \"mode\"", what()))),
    };
    let (Some(type_), Some(name)) = (&r.type_, &r.name) else {
        return Err(StateError::invalid(format!(
            "{}: missing \"type\" or \"name\"",
            what()
        )));
    };
    if type_.is_empty() || name.is_empty() {
        return Err(StateError::invalid(format!(
            "{}: empty \"type\" or \"name\"",
            what()
        )));
    }
    let module = ModulePath::parse(r.module.as_deref().unwrap_or(""))
        .map_err(|e| StateError::invalid(format!("{}: bad module path: {e}", what())))?;
    Ok(Address {
        module,
        mode,
        type_: type_.clone(),
        name: name.clone(),
        index: None,
    })
}

fn instance(
    address: Address,
    inst: InstanceV4,
    provider: &str,
) -> Result<ResourceInstance, StateError> {
    let fail = |msg: String| StateError::invalid(format!("{address}: {msg}"));
    let mut object = match (inst.attributes, inst.attributes_flat) {
        (Some(json), _) => ResourceInstance::from_json(address.clone(), json).map_err(fail)?,
        (None, Some(flat)) => {
            let map = flat.into_iter().map(|(k, v)| (k, Value::String(v)));
            let mut object = ResourceInstance::new(address.clone(), Value::Object(map.collect()));
            object.attributes_flat = true;
            object
        }
        // Terraform reads an instance without attributes as an empty object.
        (None, None) => ResourceInstance::new(address.clone(), Value::Object(Default::default())),
    };
    object.provider = provider.to_string();
    object.schema_version = inst.schema_version;
    object.create_before_destroy = inst.create_before_destroy.unwrap_or(false);
    object.identity = inst.identity;
    object.identity_schema_version = inst.identity_schema_version;
    object.tainted = match inst.status.as_deref() {
        None | Some("") => false,
        Some("tainted") => true,
        Some(other) => return Err(fail(format!("unknown status {other:?}"))),
    };
    object.deposed = match inst.deposed {
        None => None,
        Some(key) if key.is_empty() => None,
        Some(key) if key.len() == 8 => Some(key),
        Some(key) => return Err(fail(format!("malformed deposed key {key:?}"))),
    };
    if let Some(paths) = &inst.sensitive_attributes {
        object.sensitive_attributes = sensitive_roots(paths);
    }
    for dep in inst.dependencies.unwrap_or_default() {
        let dep = Address::parse(&dep).map_err(|e| fail(format!("bad dependency: {e}")))?;
        object.dependencies.push(dep);
    }
    Ok(object)
}

/// Converts a JSON `index_key` (or show-json `index`) to a key: absent or null is no key, whole
/// numbers are integer keys, strings are string keys.
pub(super) fn index_key(raw: Option<&Value>) -> Result<Option<IndexKey>, String> {
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(IndexKey::Str(s.clone()))),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(IndexKey::Int(i)));
            }
            // Whole numbers written as floats (`1.0`) are integer keys; anything else is not.
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    Ok(Some(IndexKey::Int(f as i64)))
                }
                _ => Err(format!("invalid instance key {n}")),
            }
        }
        Some(other) => Err(format!("invalid instance key {other}")),
    }
}

/// Top-level attribute names under Terraform's `sensitive_attributes`: a list of paths, each a
/// list of steps such as `{"type": "get_attr", "value": "password"}`.
fn sensitive_roots(paths: &Value) -> BTreeSet<String> {
    let Some(paths) = paths.as_array() else {
        return BTreeSet::new();
    };
    paths
        .iter()
        .filter_map(|path| path.as_array()?.first())
        .filter(|step| step.get("type").and_then(Value::as_str) == Some("get_attr"))
        .filter_map(|step| step.get("value")?.as_str().map(str::to_string))
        .collect()
}
