//! JSON → located tree. serde_json checks the syntax (and bounds nesting); a small scanner then
//! walks the now-valid text for positions, key order and duplicate keys, which serde_json's
//! `Value` does not keep. Scalars are read back with serde_json so they mean the same.

use super::{MAX_DEPTH, ParseError};
use crate::spec::document::{Key, LineIndex, Node, Pos, Value};
use serde::de::IgnoredAny;

pub fn parse(text: &str) -> Result<Node, ParseError> {
    let lines = LineIndex::new(text);
    if let Err(err) = serde_json::from_str::<IgnoredAny>(text) {
        return Err(ParseError {
            pos: lines.pos_at_byte_column(err.line(), err.column()),
            message: json_message(&err),
        });
    }
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        at: 0,
        lines: &lines,
    };
    scanner.value(0)
}

/// serde_json's message without its own position (reported separately).
fn json_message(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    format!("invalid JSON: {message}")
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    lines: &'a LineIndex<'a>,
}

impl Scanner<'_> {
    fn error(&self, pos: Pos, message: impl Into<String>) -> ParseError {
        ParseError {
            pos,
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        self.skip_ws();
        let pos = self.lines.pos(self.at);
        if depth > MAX_DEPTH {
            return Err(self.error(
                pos,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        match self.peek() {
            Some(b'{') => self.object(pos, depth),
            Some(b'[') => self.array(pos, depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Value::Str(s), pos))
            }
            _ => self.scalar(pos),
        }
    }

    fn object(&mut self, pos: Pos, depth: usize) -> Result<Node, ParseError> {
        self.at += 1;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Node::new(Value::Map(entries), pos));
                }
                Some(b',') => self.at += 1,
                Some(b'"') => {
                    let key_pos = self.lines.pos(self.at);
                    let name = self.string()?;
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.at += 1;
                    }
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                        return Err(self.error(
                            key_pos,
                            format!(
                                "duplicate key `{name}` (first defined at line {})",
                                first.pos.line
                            ),
                        ));
                    }
                    let value = self.value(depth + 1)?;
                    entries.push((Key { name, pos: key_pos }, value));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array(&mut self, pos: Pos, depth: usize) -> Result<Node, ParseError> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') => {
                    self.at += 1;
                    return Ok(Node::new(Value::Seq(items), pos));
                }
                Some(b',') => self.at += 1,
                Some(_) => items.push(self.value(depth + 1)?),
                None => return Err(self.unexpected()),
            }
        }
    }

    /// A string token, decoded by serde_json.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.at;
        self.at += 1;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        let token = self.text.get(start..self.at).unwrap_or("");
        serde_json::from_str(token).map_err(|e| self.error(self.lines.pos(start), json_message(&e)))
    }

    /// A number, `true`, `false` or `null`, decoded by serde_json.
    fn scalar(&mut self, pos: Pos) -> Result<Node, ParseError> {
        let start = self.at;
        while let Some(b) = self.peek() {
            if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.at += 1;
        }
        let token = self.text.get(start..self.at).unwrap_or("");
        // serde_json's syntax check skips over numbers; reading one can still fail (`1e999`).
        let parsed: serde_json::Value =
            serde_json::from_str(token).map_err(|e| self.error(pos, json_message(&e)))?;
        let value = match parsed {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Value::Int(u.into())
                } else if let Some(i) = n.as_i64() {
                    Value::Int(i.into())
                } else {
                    Value::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            _ => return Err(self.unexpected()),
        };
        Ok(Node::new(value, pos).with_raw(Some(token.to_string())))
    }

    /// Only reachable if the scanner and serde_json disagree on what is valid JSON.
    fn unexpected(&self) -> ParseError {
        self.error(
            self.lines.pos(self.at),
            "invalid JSON: unexpected character",
        )
    }
}
