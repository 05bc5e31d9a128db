//! Reading Terraform state: `terraform.tfstate` (state format version 4, as written by
//! `terraform state pull`) and `terraform show -json` output (of a state or of a saved plan).
//!
//! [`read`] recognises what it was given and rejects, with a message that says what the file is
//! and what to do, everything else: empty files, binary and encrypted files, broken JSON, JSON
//! that is not a state, the legacy formats 1–3 of Terraform before 0.12, and future formats.
//! Resource instances come with a typed [`Address`] that prints exactly as Terraform prints it.
//!
//! [`plan`] matches what a generated environment would manage ([`inventory`], read back from
//! the generated HCL) against a state, and [`moves_file`] / [`removed_file`] write the `moved`,
//! `import` and `removed` blocks that let Terraform adopt the existing objects.

mod address;
mod by_ref;
mod config;
mod deferred;
mod detect;
mod drift;
mod error;
mod expansion;
mod force_new;
mod forget;
mod functions;
mod identity;
mod import_id;
mod instance;
mod inventory;
mod moves;
mod origin;
mod plan;
mod quote;
mod relations;
mod replacement;
mod report;
mod several;
mod show_json;
mod snapshot;
mod v4;

use std::path::Path;

pub use address::{Address, AddressError, IndexKey, Mode, ModulePath, ModuleStep};
pub use drift::Drift;
pub use error::{BinaryKind, Encryption, StateError};
pub use force_new::{force_new_paths, is_force_new, replacing};
pub use forget::{Forget, Removed, forget};
pub use import_id::{MissingAttribute, has_known_format, import_id};
pub use instance::ResourceInstance;
pub use inventory::{Inventory, ManagedInstance, Unexpanded};
pub use moves::{forget_file, kept_inline_file, moves_file, removed_file};
pub use origin::{
    Coverage, Expected, Found, Origin, OriginError, check_coverage, check_origin, coverage, origin,
};
pub use plan::{
    Action, Inline, Keep, MatchedBy, NotCompared, PlanError, PlanOptions, PlanReport, Planned,
    StateMatch, Summary, Unmatched, inventory, plan,
};
pub use replacement::{replaced_by, rolling_deployment};
pub use several::plan_states;
pub use snapshot::{Format, Output, Plan, ResourceChange, State};

/// Reads a state from the bytes of a state file or of `terraform show -json` output.
pub fn read(bytes: &[u8]) -> Result<State, StateError> {
    detect::read(bytes)
}

/// Reads the state file at `path`.
pub fn read_file(path: impl AsRef<Path>) -> Result<State, StateError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| StateError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read(&bytes)
}
