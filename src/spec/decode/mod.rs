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

/// What decoded of a spec with structural errors.
pub struct Partial {
    /// The spec with every broken section replaced by an empty stand-in.
    pub platform: Platform,
    /// The top-level fields that did not decode (or were misspelt).
    pub broken: Vec<&'static str>,
}

/// Decodes the document; on failure, every structural error found and, when the top level is a
/// map, what did decode (for the semantic rules that need none of the broken parts).
pub fn decode(root: &Node, file: &str) -> Result<Platform, (Vec<SpecError>, Option<Box<Partial>>)> {
    let mut cx = Cx::new(file);
    let Some(parts) = platform::platform(&mut cx, &At::root(root)) else {
        return Err((cx.errors, None));
    };
    if parts.other_version() {
        return Err((cx.errors, None));
    }
    let mut broken = parts.broken();
    // A section with an error in it (an unknown field, say) may still decode: it is broken too.
    for error in &cx.errors {
        let section = error.path.split(['.', '[']).next().unwrap_or("");
        if let Some(name) = platform::FIELDS.iter().find(|name| **name == section)
            && !broken.contains(name)
        {
            broken.push(name);
        }
    }
    if cx.errors.is_empty() && broken.is_empty() {
        if let Some(platform) = parts.complete() {
            return Ok(platform);
        }
        // A section failed without recording an error: a decoder bug, never a panic.
        return Err((cx.errors, None));
    }
    let platform = parts.partial();
    Err((cx.errors, Some(Box::new(Partial { platform, broken }))))
}
