//! Decoders for scalars, lists, maps and per-environment values.

use super::context::{At, Cx, unknown};
use crate::model::PerEnv;
use crate::spec::document::{Key, Quoted, Value};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

pub fn string(cx: &mut Cx<'_>, at: &At<'_>) -> Option<String> {
    match &at.node.value {
        Value::Str(s) => Some(s.clone()),
        // YAML reads `1.30` as a number and `true` as a boolean: say how to keep the text.
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => cx.invalid(
            at,
            format!(
                "expected a string, found {} (put it in quotes: \"{}\")",
                at.node.describe(),
                at.node.spelling()
            ),
        ),
        _ => cx.invalid(
            at,
            format!("expected a string, found {}", at.node.describe()),
        ),
    }
}

pub fn boolean(cx: &mut Cx<'_>, at: &At<'_>) -> Option<bool> {
    match &at.node.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if matches!(s.as_str(), "true" | "false") => cx.invalid(
            at,
            format!(
                "expected true or false, found a string {} (remove the quotes)",
                Quoted(s)
            ),
        ),
        _ => cx.invalid(
            at,
            format!("expected true or false, found {}", at.node.describe()),
        ),
    }
}

/// A non-negative integer that fits `T` (u8, u16, u32).
pub fn uint<T>(cx: &mut Cx<'_>, at: &At<'_>) -> Option<T>
where
    T: TryFrom<i128> + Into<u64> + Bounded,
{
    match &at.node.value {
        Value::Int(i) if *i < 0 => {
            cx.invalid(at, format!("expected a non-negative integer, found {i}"))
        }
        Value::Int(i) => match T::try_from(*i) {
            Ok(v) => Some(v),
            Err(_) => cx.invalid(
                at,
                format!(
                    "{i} is too large (expected an integer from 0 to {})",
                    T::MAX_VALUE.into()
                ),
            ),
        },
        Value::Str(s) if s.trim().parse::<i128>().is_ok() => cx.invalid(
            at,
            format!(
                "expected an integer, found a string {} (remove the quotes)",
                Quoted(s)
            ),
        ),
        _ => cx.invalid(
            at,
            format!("expected an integer, found {}", at.node.describe()),
        ),
    }
}

/// The largest value of an unsigned integer type, for range messages.
pub trait Bounded: Sized {
    const MAX_VALUE: Self;
}

impl Bounded for u8 {
    const MAX_VALUE: Self = u8::MAX;
}
impl Bounded for u16 {
    const MAX_VALUE: Self = u16::MAX;
}
impl Bounded for u32 {
    const MAX_VALUE: Self = u32::MAX;
}

/// A finite, non-negative number (integer or decimal).
pub fn number(cx: &mut Cx<'_>, at: &At<'_>) -> Option<f64> {
    let value = match &at.node.value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => {
            return cx.invalid(
                at,
                format!("expected a number, found {}", at.node.describe()),
            );
        }
    };
    if value.is_finite() && value >= 0.0 {
        Some(value)
    } else {
        cx.invalid(
            at,
            format!(
                "expected a non-negative number, found {}",
                at.node.spelling()
            ),
        )
    }
}

/// An IPv4 network in CIDR notation with no host bits set.
pub fn cidr(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Ipv4Net> {
    let text = string(cx, at)?;
    match text.trim().parse::<Ipv4Net>() {
        Ok(net) if net.trunc() == net => Some(net),
        Ok(net) => cx.invalid(
            at,
            format!("{text} has host bits set: the network is {}", net.trunc()),
        ),
        Err(_) => cx.invalid(
            at,
            format!(
                "expected an IPv4 CIDR such as 10.0.0.0/16, found {}",
                Quoted(&text)
            ),
        ),
    }
}

/// One of a fixed set of names.
pub fn choice<T: Copy>(cx: &mut Cx<'_>, at: &At<'_>, options: &[(&str, T)]) -> Option<T> {
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    let Value::Str(s) = &at.node.value else {
        return cx.invalid(
            at,
            format!(
                "expected one of {}, found {}",
                names.join(", "),
                at.node.describe()
            ),
        );
    };
    match options.iter().find(|(n, _)| n == s) {
        Some((_, v)) => Some(*v),
        None => cx.invalid(at, unknown("value", s, &names)),
    }
}

pub fn list<'n, T>(
    cx: &mut Cx<'_>,
    at: &At<'n>,
    mut item: impl FnMut(&mut Cx<'_>, &At<'n>) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Seq(nodes) = &at.node.value else {
        return cx.invalid(at, format!("expected a list, found {}", at.node.describe()));
    };
    let decoded: Vec<Option<T>> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| item(cx, &at.item(i, node)))
        .collect();
    decoded.into_iter().collect()
}

pub fn strings(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Vec<String>> {
    list(cx, at, string)
}

/// The entries of a map whose keys are names chosen by the user (environments, services...),
/// in file order. A null value is an empty map.
pub fn entries<'n>(cx: &mut Cx<'_>, at: &At<'n>) -> Option<Vec<(&'n Key, At<'n>)>> {
    match &at.node.value {
        Value::Map(entries) => Some(entries.iter().map(|(k, v)| (k, at.child(k, v))).collect()),
        Value::Null => Some(Vec::new()),
        _ => cx.invalid(at, format!("expected a map, found {}", at.node.describe())),
    }
}

/// A map of user-chosen names to values decoded by `value`.
pub fn map_of<'n, T>(
    cx: &mut Cx<'_>,
    at: &At<'n>,
    mut value: impl FnMut(&mut Cx<'_>, &At<'n>) -> Option<T>,
) -> Option<BTreeMap<String, T>> {
    let decoded: Vec<Option<(String, T)>> = entries(cx, at)?
        .into_iter()
        .map(|(key, at)| value(cx, &at).map(|v| (key.name.clone(), v)))
        .collect();
    decoded.into_iter().collect()
}

pub fn string_map(cx: &mut Cx<'_>, at: &At<'_>) -> Option<BTreeMap<String, String>> {
    map_of(cx, at, string)
}

/// A per-environment value: a plain value, or a map from environment name (or `default`) to
/// value. Whether the names are environments is checked by `model::validate`.
pub fn per_env<'n, T>(
    cx: &mut Cx<'_>,
    at: &At<'n>,
    mut value: impl FnMut(&mut Cx<'_>, &At<'n>) -> Option<T>,
) -> Option<PerEnv<T>> {
    let Value::Map(entries) = &at.node.value else {
        return value(cx, at).map(PerEnv::all);
    };
    let mut result = Some(PerEnv::none());
    for (key, node) in entries {
        let decoded = value(cx, &at.child(key, node));
        result = match (result, decoded) {
            (Some(mut per_env), Some(v)) => {
                if key.name == "default" {
                    per_env.default = Some(v);
                } else {
                    per_env.by_env.insert(key.name.clone(), v);
                }
                Some(per_env)
            }
            _ => None,
        };
    }
    result
}
