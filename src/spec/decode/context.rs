//! The decoding framework: a context that collects errors, a cursor into the document with its
//! field path, and a view of a map with a fixed set of fields.
//!
//! Decoders return `Option<T>`: `None` means "an error was recorded", and callers keep decoding
//! the other fields so one run reports every problem.

use crate::spec::SpecError;
use crate::spec::document::{Key, Node, Pos, Value};

/// Collects errors while decoding one file.
pub struct Cx<'f> {
    file: &'f str,
    pub errors: Vec<SpecError>,
}

impl<'f> Cx<'f> {
    pub fn new(file: &'f str) -> Self {
        Self {
            file,
            errors: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Pos, path: &str, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            line: pos.line,
            column: pos.column,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Records an error about the value at `at`.
    pub fn invalid<T>(&mut self, at: &At<'_>, message: impl Into<String>) -> Option<T> {
        self.error(at.value_pos(), &at.path, message);
        None
    }
}

/// A node of the document and the field path that leads to it.
#[derive(Clone)]
pub struct At<'n> {
    pub node: &'n Node,
    pub path: String,
    /// The map key that introduced the node, if any.
    pub key: Option<&'n Key>,
}

impl<'n> At<'n> {
    pub fn root(node: &'n Node) -> Self {
        Self {
            node,
            path: String::new(),
            key: None,
        }
    }

    pub fn child(&self, key: &'n Key, node: &'n Node) -> Self {
        Self {
            node,
            path: join(&self.path, &key.name),
            key: Some(key),
        }
    }

    pub fn item(&self, index: usize, node: &'n Node) -> Self {
        Self {
            node,
            path: format!("{}[{index}]", self.path),
            key: None,
        }
    }

    /// Where a problem with this value is shown: a scalar at itself; a map, a list or an empty
    /// value at the key that introduced it (a block map starts on the line below its key).
    pub fn value_pos(&self) -> Pos {
        match (&self.node.value, self.key) {
            (Value::Map(_) | Value::Seq(_) | Value::Null, Some(key)) => key.pos,
            _ => self.node.pos,
        }
    }
}

/// `parent.name`, or `name` at the top level.
pub fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// A map with a known set of fields.
pub struct Table<'n> {
    pub at: At<'n>,
    entries: &'n [(Key, Node)],
}

impl<'n> Table<'n> {
    /// Views `at` as a table with these fields, reporting unknown ones. A null value (a YAML
    /// key with nothing after it) is an empty table.
    pub fn new(cx: &mut Cx<'_>, at: &At<'n>, fields: &[&str]) -> Option<Self> {
        Self::with_handled(cx, at, fields, &[])
    }

    /// As [`Table::new`], but `handled` names are neither suggested nor reported: the caller
    /// rejects them with its own message.
    pub fn with_handled(
        cx: &mut Cx<'_>,
        at: &At<'n>,
        fields: &[&str],
        handled: &[&str],
    ) -> Option<Self> {
        let entries: &[(Key, Node)] = match &at.node.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            _ => {
                return cx.invalid(
                    at,
                    format!(
                        "expected a map with fields {}, found {}",
                        list_names(fields),
                        at.node.describe()
                    ),
                );
            }
        };
        for (key, _) in entries {
            if !fields.contains(&key.name.as_str()) && !handled.contains(&key.name.as_str()) {
                cx.error(
                    key.pos,
                    &join(&at.path, &key.name),
                    unknown("field", &key.name, fields),
                );
            }
        }
        Some(Self {
            at: at.clone(),
            entries,
        })
    }

    pub fn get(&self, name: &str) -> Option<At<'n>> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(k, v)| self.at.child(k, v))
    }

    /// A field that must be present.
    pub fn required<T>(
        &self,
        cx: &mut Cx<'_>,
        name: &str,
        decode: impl FnOnce(&mut Cx<'_>, &At<'n>) -> Option<T>,
    ) -> Option<T> {
        match self.get(name) {
            Some(at) => decode(cx, &at),
            None => {
                cx.error(
                    self.at.value_pos(),
                    &join(&self.at.path, name),
                    "missing required field",
                );
                None
            }
        }
    }

    /// A field that may be absent: `Some(None)` when absent, `None` after an error.
    pub fn optional<T>(
        &self,
        cx: &mut Cx<'_>,
        name: &str,
        decode: impl FnOnce(&mut Cx<'_>, &At<'n>) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.get(name) {
            Some(at) => decode(cx, &at).map(Some),
            None => Some(None),
        }
    }

    /// A field with a default value.
    pub fn or<T>(
        &self,
        cx: &mut Cx<'_>,
        name: &str,
        default: T,
        decode: impl FnOnce(&mut Cx<'_>, &At<'n>) -> Option<T>,
    ) -> Option<T> {
        match self.get(name) {
            Some(at) => decode(cx, &at),
            None => Some(default),
        }
    }
}

/// "unknown field `x`, did you mean `y`? (valid: a, b)"
pub fn unknown(what: &str, name: &str, valid: &[&str]) -> String {
    let mut message = format!("unknown {what} `{name}`");
    if let Some(best) = suggest(name, valid) {
        message.push_str(&format!(", did you mean `{best}`?"));
    }
    message.push_str(&format!(" (valid: {})", list_names(valid)));
    message
}

/// The closest valid name, when one is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, valid: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    valid
        .iter()
        .map(|v| (strsim::jaro_winkler(&lower, &v.to_ascii_lowercase()), *v))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}

pub fn list_names(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["image", "cpu", "memory", "port", "desired"];
        assert_eq!(suggest("memroy", &fields), Some("memory"));
        assert_eq!(suggest("Image", &fields), Some("image"));
        assert_eq!(suggest("replicas", &fields), None);
    }
}
