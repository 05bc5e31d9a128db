//! The spec file: YAML, TOML or JSON → located document → [`crate::model::Platform`].
//!
//! Each format parses into one located tree (`document`, `parse`); `decode` turns the tree into
//! the model with SPEC.md's defaults, reporting every structural problem at its line and column;
//! `model::validate` then checks the rules, and `locate` points its problems at the file.
//! `schema` describes the same format as a JSON Schema for editors.

mod decode;
mod document;
mod error;
mod format;
mod kept;
mod load;
mod locate;
mod parse;
mod schema;

pub use error::{SpecError, SpecErrors};
pub use format::Format;
pub use kept::{KeptFile, kept_path, kept_yaml, read_kept};
pub use load::{
    Loaded, load_file, load_file_warned, load_file_with_warnings, load_str, load_str_warned,
    load_str_with_warnings,
};
pub use schema::{schema, schema_json};
