//! YAML → located tree, through serde-saphyr's `Spanned` wrapper and an untyped visitor.

use super::{MAX_DEPTH, ParseError};
use crate::spec::document::{Key, Node, Pos, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::NonFiniteFloatPolicy;
use serde_saphyr::{DuplicateKeyPolicy, Location, Spanned};
use std::fmt;

pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            // Limits nesting (the tree is built recursively) and alias expansion (billion laughs).
            max_depth: MAX_DEPTH,
            max_nodes: 250_000,
            max_aliases: 1_000,
            max_documents: 1,
        },
        duplicate_keys: DuplicateKeyPolicy::Error,
        // YAML 1.2: only true/false are booleans, so `no`, `on`, `y` stay strings.
        strict_booleans: true,
        with_snippet: false,
    };
    options.alias_limits.max_total_replayed_events = 100_000;
    // `.nan` and `.inf` reach the decoder, which rejects them with a field path.
    options.non_finite_float_policy = NonFiniteFloatPolicy::PassThrough;
    match serde_saphyr::from_str_with_options::<YNode>(text, options) {
        Ok(node) => Ok(node.into_node(text)),
        Err(err) => Err(convert_error(&err)),
    }
}

fn convert_error(err: &serde_saphyr::Error) -> ParseError {
    let plain = err.without_snippet();
    let pos = plain.location().map(|l| to_pos(&l)).unwrap_or_default();
    let mut message = plain.to_string();
    // The position is reported separately; drop saphyr's own " at line X, column Y".
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    if message.contains("budget breached: Documents") {
        return ParseError {
            pos,
            message: "a spec is one YAML document: remove the second `---`".to_string(),
        };
    }
    if message.contains("budget breached: Depth") {
        return ParseError {
            pos,
            message: format!("the document nests deeper than {MAX_DEPTH} levels"),
        };
    }
    // Point at the file, not at the library's options.
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return ParseError {
            pos,
            message: format!("duplicate key `{key}`"),
        };
    }
    ParseError {
        pos,
        message: format!("invalid YAML: {message}"),
    }
}

fn to_pos(loc: &Location) -> Pos {
    Pos::new(
        usize::try_from(loc.line()).unwrap_or(0),
        usize::try_from(loc.column()).unwrap_or(0),
    )
}

/// A node as deserialized: the value and where it was referenced.
struct YNode(Spanned<YValue>);

impl YNode {
    fn into_node(self, text: &str) -> Node {
        let Spanned {
            value, referenced, ..
        } = self.0;
        let pos = to_pos(&referenced);
        let raw = match value {
            YValue::Scalar(Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
                let span = referenced.span();
                span.byte_offset()
                    .zip(span.byte_len())
                    .and_then(|(start, len)| {
                        let start = usize::try_from(start).ok()?;
                        let end = start.checked_add(usize::try_from(len).ok()?)?;
                        text.get(start..end)
                    })
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            }
            _ => None,
        };
        let value = match value {
            YValue::Scalar(v) => v,
            YValue::Seq(items) => {
                Value::Seq(items.into_iter().map(|n| n.into_node(text)).collect())
            }
            YValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = Key {
                            name: k.value.0,
                            pos: to_pos(&k.referenced),
                        };
                        (key, v.into_node(text))
                    })
                    .collect(),
            ),
        };
        Node::new(value, pos).with_raw(raw)
    }
}

impl<'de> Deserialize<'de> for YNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<YValue>::deserialize(d).map(YNode)
    }
}

enum YValue {
    Scalar(Value),
    Seq(Vec<YNode>),
    Map(Vec<(Spanned<KeyName>, YNode)>),
}

impl<'de> Deserialize<'de> for YValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = YValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Int(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Int(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Int(v)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<YValue, E> {
        Ok(YValue::Scalar(match i128::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Str(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Str(v)))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<YValue, E> {
        Err(E::custom("binary values are not supported"))
    }
    fn visit_unit<E>(self) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<YValue, E> {
        Ok(YValue::Scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YValue, D::Error> {
        YValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<YNode>()? {
            items.push(item);
        }
        Ok(YValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyName>>()? {
            let value = map.next_value::<YNode>()?;
            entries.push((key, value));
        }
        Ok(YValue::Map(entries))
    }
}

/// A mapping key: any scalar, spelled as a string.
struct KeyName(String);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = KeyName;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a plain key (a name, not a list or map)")
    }
    fn visit_bool<E>(self, v: bool) -> Result<KeyName, E> {
        Ok(KeyName(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<KeyName, E> {
        Ok(KeyName(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<KeyName, E> {
        Ok(KeyName(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<KeyName, E> {
        Ok(KeyName(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<KeyName, E> {
        Ok(KeyName(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<KeyName, E> {
        Ok(KeyName(v))
    }
    fn visit_unit<E>(self) -> Result<KeyName, E> {
        Ok(KeyName("null".to_string()))
    }
}
