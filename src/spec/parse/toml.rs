//! TOML → located tree, from the `toml` crate's spanned document (byte spans).

use super::{MAX_DEPTH, ParseError};
use crate::spec::document::{Key, LineIndex, Node, Value};
use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

pub fn parse(text: &str) -> Result<Node, ParseError> {
    let lines = LineIndex::new(text);
    match DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            let root = Spanned::new(span, DeValue::Table(table.into_inner()));
            convert(&root, text, &lines, 0)
        }
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim_end();
            let message = match text.get(span.clone()) {
                Some(key) if message == "duplicate key" => format!("duplicate key `{key}`"),
                _ => format!("invalid TOML: {message}"),
            };
            Err(ParseError {
                pos: lines.pos(span.start),
                message,
            })
        }
    }
}

fn convert(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    lines: &LineIndex<'_>,
    depth: usize,
) -> Result<Node, ParseError> {
    let span = value.span();
    let pos = lines.pos(span.start);
    if depth > MAX_DEPTH {
        return Err(ParseError {
            pos,
            message: format!("the document nests deeper than {MAX_DEPTH} levels"),
        });
    }
    let raw = || text.get(span.clone()).map(|s| s.trim().to_string());
    let node = match value.get_ref() {
        DeValue::String(s) => Node::new(Value::Str(s.to_string()), pos),
        DeValue::Integer(i) => {
            let parsed = i128::from_str_radix(i.as_str(), i.radix())
                .map(Value::Int)
                .unwrap_or(Value::Float(f64::NAN));
            Node::new(parsed, pos).with_raw(raw())
        }
        DeValue::Float(f) => {
            let parsed = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
            Node::new(Value::Float(parsed), pos).with_raw(raw())
        }
        DeValue::Boolean(b) => Node::new(Value::Bool(*b), pos).with_raw(raw()),
        DeValue::Datetime(d) => Node::new(Value::Datetime(d.to_string()), pos),
        DeValue::Array(items) => {
            let items = items
                .iter()
                .map(|item| convert(item, text, lines, depth + 1))
                .collect::<Result<_, _>>()?;
            Node::new(Value::Seq(items), pos)
        }
        DeValue::Table(table) => {
            // Without the crate's `preserve_order` the table is sorted by name: restore the
            // file's order (it is the environment order) from the key spans.
            let mut entries: Vec<_> = table.iter().collect();
            entries.sort_by_key(|(k, _)| k.span().start);
            let mut converted = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = Key {
                    name: k.get_ref().to_string(),
                    pos: lines.pos(k.span().start),
                };
                converted.push((key, convert(v, text, lines, depth + 1)?));
            }
            Node::new(Value::Map(converted), pos)
        }
    };
    Ok(node)
}
