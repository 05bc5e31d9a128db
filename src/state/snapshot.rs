//! A state as read from a file: its metadata, resource instances, modules and outputs.

use std::collections::BTreeMap;

use serde_json::Value;

use super::address::{Address, Mode, ModulePath};
use super::instance::ResourceInstance;

/// Which kind of file a [`State`] was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// `terraform.tfstate` / `terraform state pull`, state format version 4.
    StateV4,
    /// `terraform show -json` of a state.
    ShowJsonState { format_version: String },
    /// `terraform show -json` of a saved plan: [`State::resources`] are the planned values (what
    /// the state holds after apply); [`Plan::prior_state`] is the state the plan was made from.
    ShowJsonPlan { format_version: String },
}

/// A root module output value.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Value,
    pub sensitive: bool,
    /// The output's type in Terraform's JSON type notation, when the file records it.
    pub type_: Option<Value>,
}

/// What a plan file adds to its planned values.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The state the plan was made against (absent in plans made with no state).
    pub prior_state: Option<State>,
    pub resource_changes: Vec<ResourceChange>,
}

/// One entry of a plan's `resource_changes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    pub address: Address,
    /// Set when the change is to a deposed object.
    pub deposed: Option<String>,
    /// Terraform's actions in order: `["create"]`, `["delete", "create"]`, `["no-op"]`, ...
    pub actions: Vec<String>,
}

/// A Terraform state: metadata and every resource instance object in it.
#[derive(Debug, Clone)]
pub struct State {
    pub format: Format,
    /// Terraform version that wrote the file, as written (`None` when absent).
    pub terraform_version: Option<String>,
    /// State serial (state files only).
    pub serial: Option<u64>,
    /// State lineage (state files only).
    pub lineage: Option<String>,
    /// Current objects, one per resource instance, in file order.
    pub resources: Vec<ResourceInstance>,
    /// Deposed objects (left by a `create_before_destroy` replacement that did not finish).
    pub deposed: Vec<ResourceInstance>,
    /// Resources listed with no instances (`count = 0`, or after a failed apply), as resource
    /// addresses without index keys.
    pub empty_resources: Vec<Address>,
    /// Module instances the file names, sorted, without the root: in a state file those that
    /// hold resources; in `terraform show -json` output every module of the tree.
    pub modules: Vec<ModulePath>,
    pub outputs: BTreeMap<String, Output>,
    /// Present when the file is a plan.
    pub plan: Option<Box<Plan>>,
}

impl State {
    /// An empty state of the given format.
    pub fn new(format: Format) -> Self {
        State {
            format,
            terraform_version: None,
            serial: None,
            lineage: None,
            resources: Vec::new(),
            deposed: Vec::new(),
            empty_resources: Vec::new(),
            modules: Vec::new(),
            outputs: BTreeMap::new(),
            plan: None,
        }
    }

    /// True when the state holds no resource instance.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.deposed.is_empty()
    }

    /// The current object of the instance at `address`.
    pub fn instance(&self, address: &Address) -> Option<&ResourceInstance> {
        self.resources.iter().find(|r| &r.address == address)
    }

    /// The current object of the instance whose address prints as `address`; `None` also when
    /// `address` does not parse.
    pub fn find(&self, address: &str) -> Option<&ResourceInstance> {
        Address::parse(address)
            .ok()
            .and_then(|addr| self.instance(&addr))
    }

    /// Every instance of the resource at `resource` (its index key, if any, is ignored).
    pub fn instances_of<'a>(
        &'a self,
        resource: &Address,
    ) -> impl Iterator<Item = &'a ResourceInstance> + 'a {
        let resource = resource.clone();
        self.resources
            .iter()
            .filter(move |r| r.address.same_resource(&resource))
    }

    /// Every managed (non-data) instance of the given resource type, e.g. `"aws_subnet"`.
    pub fn of_type<'a>(
        &'a self,
        type_: &'a str,
    ) -> impl Iterator<Item = &'a ResourceInstance> + 'a {
        self.resources
            .iter()
            .filter(move |r| r.address.mode == Mode::Managed && r.address.type_ == type_)
    }

    /// Managed resource instances (what `resource` blocks created).
    pub fn managed(&self) -> impl Iterator<Item = &ResourceInstance> {
        self.resources
            .iter()
            .filter(|r| r.address.mode == Mode::Managed)
    }

    /// Data source instances.
    pub fn data_sources(&self) -> impl Iterator<Item = &ResourceInstance> {
        self.resources
            .iter()
            .filter(|r| r.address.mode == Mode::Data)
    }
}
