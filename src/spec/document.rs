//! The located document tree every format parses into, so decoding and error locations are
//! written once for YAML, TOML and JSON.

use std::fmt;

/// A 1-based line and column (in characters); 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// A value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// How a number or boolean was spelled in the source, for "quote it" hints
    /// (`1.30` would otherwise be shown as `1.3`).
    pub raw: Option<String>,
}

/// A map key with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Wide enough for every i64 and u64 a parser may hand over.
    Int(i128),
    Float(f64),
    Str(String),
    /// A TOML date/time: no spec field takes one.
    Datetime(String),
    Seq(Vec<Node>),
    /// Entries in source order; keys are unique.
    Map(Vec<(Key, Node)>),
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Self {
            value,
            pos,
            raw: None,
        }
    }

    pub fn with_raw(mut self, raw: Option<String>) -> Self {
        self.raw = raw;
        self
    }

    /// The entry of a map node named `name`.
    pub fn entry(&self, name: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == name)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// What the node is, for "expected X, found Y" messages: `a string "abc"`, `a map`.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing (null)".to_string(),
            Value::Bool(b) => format!("a boolean {b}"),
            Value::Int(_) | Value::Float(_) => format!("a number {}", self.spelling()),
            Value::Str(s) => format!("a string {}", Quoted(s)),
            Value::Datetime(d) => format!("a date/time {d}"),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a map".to_string(),
        }
    }

    /// The source spelling of a scalar (for numbers, as written when known).
    pub fn spelling(&self) -> String {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        match &self.value {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Str(s) | Value::Datetime(s) => s.clone(),
            Value::Seq(_) => "[...]".to_string(),
            Value::Map(_) => "{...}".to_string(),
        }
    }
}

/// A string shown in a message: quoted, escaped, and cut when very long.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 60;
        let mut chars = self.0.chars();
        let shown: String = chars.by_ref().take(MAX).collect();
        let rest = if chars.next().is_some() { "..." } else { "" };
        write!(f, "{shown:?}{rest}")
    }
}

/// `text` with control characters (newlines, tabs...) escaped, so that a key or value from the
/// file cannot break the one-error-per-line output.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Byte offset → line/column for parsers that report byte spans (TOML, JSON).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts, and whether the line is ASCII (column = byte delta).
    lines: Vec<(usize, bool)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            lines.push((start, line.is_ascii()));
            start += line.len();
        }
        if lines.is_empty() || text.ends_with('\n') {
            lines.push((start, true));
        }
        Self { text, lines }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let idx = self
            .lines
            .partition_point(|(start, _)| *start <= offset)
            .saturating_sub(1);
        let (start, ascii) = self.lines.get(idx).copied().unwrap_or((0, true));
        let column = if ascii {
            offset - start
        } else {
            // Count characters; an offset inside a character counts that character.
            self.text
                .get(start..)
                .unwrap_or("")
                .char_indices()
                .take_while(|(i, _)| start + i < offset)
                .count()
        };
        Pos::new(idx + 1, column + 1)
    }

    /// Line/column from a parser that counts lines from 1 and columns in bytes from 1.
    pub fn pos_at_byte_column(&self, line: usize, byte_column: usize) -> Pos {
        match self.lines.get(line.saturating_sub(1)) {
            Some((start, _)) if line > 0 => self.pos(start + byte_column.saturating_sub(1)),
            _ => Pos::new(line, byte_column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let idx = LineIndex::new("a = 1\nb = \"é\" x\n");
        assert_eq!(idx.pos(0), Pos::new(1, 1));
        assert_eq!(idx.pos(6), Pos::new(2, 1));
        // `x` is byte 15 but character 9 of its line (é is two bytes).
        assert_eq!(idx.pos(15), Pos::new(2, 9));
        assert_eq!(idx.pos(999), Pos::new(3, 1));
    }

    #[test]
    fn long_strings_are_cut_in_messages() {
        let long = "x".repeat(100);
        let shown = Quoted(&long).to_string();
        assert!(shown.ends_with("\"..."));
        assert_eq!(shown.len(), 60 + 2 + 3);
    }
}
