//! Located tree → [`Platform`], by hand rather than serde derive so that one run reports every
//! structural problem (unknown fields, wrong types, missing fields) and applies SPEC.md's
//! defaults.

mod context;
mod ecs;
mod eks;
mod network;
mod observability;
mod platform;
mod repository;
mod secrets;
mod values;

use super::SpecError;
use super::document::Node;
use crate::model::Platform;
use context::{At, Cx};

/// Decodes the document; on failure, every structural error found.
pub fn decode(root: &Node, file: &str) -> Result<Platform, Vec<SpecError>> {
    let mut cx = Cx::new(file);
    let platform = platform::platform(&mut cx, &At::root(root));
    match platform {
        Some(platform) if cx.errors.is_empty() => Ok(platform),
        _ => Err(cx.errors),
    }
}
