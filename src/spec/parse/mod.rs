//! Text → located [`Node`] tree, one submodule per format.

mod json;
mod toml;
mod yaml;

use super::Format;
use super::document::{Node, Pos};

/// Deepest nesting accepted. A valid spec nests about 8 levels; the limit keeps recursive
/// tree building and decoding far from the stack's end on hostile input.
pub const MAX_DEPTH: usize = 32;

/// Why a file could not be read as a document at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

pub fn parse(text: &str, format: Format) -> Result<Node, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError {
            pos: Pos::new(1, 1),
            message: "the file is empty: a spec needs at least `version`, `project`, `region` \
                      and `environments`"
                .to_string(),
        });
    }
    match format {
        Format::Yaml => yaml::parse(text),
        Format::Toml => toml::parse(text),
        Format::Json => json::parse(text),
    }
}
