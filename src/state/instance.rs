//! One object of one resource instance, as recorded in a state.

use std::collections::BTreeSet;

use serde_json::Value;
use serde_json::value::RawValue;

use super::address::Address;

/// One resource instance object: its address, provider and attributes.
///
/// `attributes` holds every JSON integer in the range of `i64`/`u64` exactly (serde_json keeps
/// integers as integers; only non-integers or integers beyond 64 bits become `f64`).
/// [`attributes_json`](Self::attributes_json) is the attributes' JSON text exactly as the file
/// has it, for the rare number that does not fit 64 bits.
#[derive(Debug, Clone)]
pub struct ResourceInstance {
    /// Module path, mode, type, name and index key.
    pub address: Address,
    /// The provider as the file names it: a provider configuration address in a state file
    /// (`provider["registry.terraform.io/hashicorp/aws"]`, or the pre-0.13 `provider.aws`), or
    /// the provider source in `terraform show -json` output
    /// (`registry.terraform.io/hashicorp/aws`).
    pub provider: String,
    pub schema_version: Option<u64>,
    /// Top-level attributes that are sensitive in whole or in part.
    pub sensitive_attributes: BTreeSet<String>,
    /// Resources this one depends on (resource addresses, without index keys).
    pub dependencies: Vec<Address>,
    /// Marked for replacement (`terraform taint`, or a create that failed half-way).
    pub tainted: bool,
    /// For an object replaced under `create_before_destroy` and not destroyed yet, its deposed
    /// key (8 hex characters). `None` for the current object.
    pub deposed: Option<String>,
    pub create_before_destroy: bool,
    /// Resource identity (Terraform 1.12+), when the provider records one.
    pub identity: Option<Value>,
    pub identity_schema_version: Option<u64>,
    /// The attributes are in the pre-0.12 "flatmap" form (`attributes_flat`: keys such as
    /// `tags.%`, every value a string), from a state upgraded from format version 3 and not
    /// refreshed since.
    pub attributes_flat: bool,
    attributes: Value,
    attributes_json: Box<RawValue>,
}

impl ResourceInstance {
    /// An instance with the given attributes and every other field empty.
    pub fn new(address: Address, attributes: Value) -> Self {
        let attributes_json = raw_json(&attributes);
        ResourceInstance {
            address,
            provider: String::new(),
            schema_version: None,
            sensitive_attributes: BTreeSet::new(),
            dependencies: Vec::new(),
            tainted: false,
            deposed: None,
            create_before_destroy: false,
            identity: None,
            identity_schema_version: None,
            attributes_flat: false,
            attributes,
            attributes_json,
        }
    }

    /// Built by the readers from the attributes' JSON text as found in the file.
    pub(crate) fn from_json(address: Address, json: Box<RawValue>) -> Result<Self, String> {
        let attributes: Value = serde_json::from_str(json.get()).map_err(|e| e.to_string())?;
        if !(attributes.is_object() || attributes.is_null()) {
            return Err("attributes must be a JSON object".to_string());
        }
        let mut instance = ResourceInstance::new(address, Value::Null);
        instance.attributes = attributes;
        instance.attributes_json = json;
        Ok(instance)
    }

    /// All attributes (a JSON object; `null` only for a planned object whose values are unknown).
    pub fn attributes(&self) -> &Value {
        &self.attributes
    }

    /// The attributes' JSON text, exactly as in the file (numbers of any size intact).
    pub fn attributes_json(&self) -> &str {
        self.attributes_json.get()
    }

    /// One top-level attribute, e.g. `attribute("cidr_block")`.
    pub fn attribute(&self, name: &str) -> Option<&Value> {
        self.attributes.get(name)
    }

    /// The `id` attribute: the remote object's ID, what `terraform import` takes for most types.
    pub fn id(&self) -> Option<&str> {
        self.attribute("id").and_then(Value::as_str)
    }

    /// Whether the attribute, or any part of it, is marked sensitive: its value must not be
    /// printed.
    pub fn is_sensitive(&self, name: &str) -> bool {
        self.sensitive_attributes.contains(name)
    }
}

fn raw_json(value: &Value) -> Box<RawValue> {
    // Serializing a Value cannot fail (its keys are strings); `null` stands in rather than panic.
    serde_json::value::to_raw_value(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_instance_exposes_its_attributes() {
        let inst = ResourceInstance::new(
            Address::managed("aws_vpc", "main"),
            json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16", "big": 9007199254740993u64}),
        );
        assert_eq!(inst.id(), Some("vpc-1"));
        assert_eq!(inst.attribute("cidr_block"), Some(&json!("10.0.0.0/16")));
        assert_eq!(inst.attribute("missing"), None);
        assert!(inst.attributes_json().contains("9007199254740993"));
    }
}
