//! The instances of a resource or module call: the keys of its `for_each` or its `count`,
//! including keys that are known before the values they map to.

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use hcl::expr::TraversalOperator;
use hcl::{Expression, Map, ObjectKey, Value};

use super::address::IndexKey;

/// The instance keys of a resource or module call.
pub(crate) enum Expansion {
    Single,
    /// `for_each`: key and `each.value` (`None` when only the keys are known).
    ForEach(Vec<(String, Option<Value>)>),
    Count(u64),
}

impl Expansion {
    /// Key, `each` object and `count` object of every instance.
    pub fn instances(&self) -> Vec<(Option<IndexKey>, Option<Value>, Option<Value>)> {
        match self {
            Expansion::Single => vec![(None, None, None)],
            Expansion::ForEach(items) => items
                .iter()
                .map(|(k, v)| {
                    let mut each = Map::new();
                    each.insert("key".to_string(), Value::String(k.clone()));
                    if let Some(v) = v {
                        each.insert("value".to_string(), v.clone());
                    }
                    (
                        Some(IndexKey::Str(k.clone())),
                        Some(Value::Object(each)),
                        None,
                    )
                })
                .collect(),
            Expansion::Count(n) => (0..*n)
                .map(|i| {
                    let mut count = Map::new();
                    count.insert("index".to_string(), Value::from(i));
                    (
                        Some(IndexKey::Int(i64::try_from(i).unwrap_or(i64::MAX))),
                        None,
                        Some(Value::Object(count)),
                    )
                })
                .collect(),
        }
    }

    /// How the instances look to a reference: `TYPE.NAME` is an object, a map or a list.
    pub fn collect(&self, mut values: Vec<(Option<IndexKey>, Value)>) -> Value {
        match self {
            Expansion::Single => values.pop().map(|(_, v)| v).unwrap_or(Value::Null),
            Expansion::ForEach(_) => Value::Object(
                values
                    .into_iter()
                    .filter_map(|(k, v)| match k {
                        Some(IndexKey::Str(k)) => Some((k, v)),
                        _ => None,
                    })
                    .collect(),
            ),
            Expansion::Count(_) => Value::Array(values.into_iter().map(|(_, v)| v).collect()),
        }
    }
}

pub(crate) fn expand(
    for_each: Option<&Expression>,
    count: Option<&Expression>,
    ctx: &Context,
    keys: &KeySource,
) -> Result<Expansion, String> {
    if let Some(expr) = for_each {
        let value = match expr.evaluate(ctx) {
            Ok(value) => value,
            Err(_) => {
                return keys
                    .keys(expr, ctx, 0)
                    .or_else(|| keys.keys_from_known_keys(expr, ctx))
                    .map(|keys| Expansion::ForEach(keys.into_iter().map(|k| (k, None)).collect()))
                    .ok_or_else(|| "its for_each is known only after apply".to_string());
            }
        };
        return match value {
            Value::Object(map) => {
                let mut items: Vec<(String, Option<Value>)> =
                    map.into_iter().map(|(k, v)| (k, Some(v))).collect();
                items.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(Expansion::ForEach(items))
            }
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok((s.clone(), Some(Value::String(s)))),
                    _ => Err("its for_each is a set of non-strings".to_string()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Expansion::ForEach),
            _ => Err("its for_each is not a map or a set".to_string()),
        };
    }
    if let Some(expr) = count {
        return match expr.evaluate(ctx) {
            Ok(Value::Number(n)) => n
                .as_u64()
                .filter(|n| *n <= 100_000)
                .map(Expansion::Count)
                .ok_or_else(|| "its count is not a whole number".to_string()),
            _ => Err("its count is known only after apply".to_string()),
        };
    }
    Ok(Expansion::Single)
}

/// Where the keys of a map come from when its values are not all known: Terraform knows that
/// `for_each = { a = module.x.id }` has the key `a` before apply, and so does this.
pub(crate) struct KeySource<'a> {
    /// This module's variables whose values are known.
    pub vars: &'a Map<String, Value>,
    /// Keys of this module's variables whose values are unknown.
    pub var_keys: &'a BTreeMap<String, Vec<String>>,
    pub locals: &'a [(String, Expression)],
}

impl KeySource<'_> {
    /// The keys of a `for_each` computed from the keys of unknown maps alone, as Terraform
    /// computes `chunklist(sort(keys(var.services)), 50)` before the services exist: the
    /// expression is evaluated with every unknown value of those maps replaced by a stand-in,
    /// once per stand-in (`null`, `""`, another string); keys that come out differently
    /// depend on the values (`if v != ""`), and then nothing is known.
    pub fn keys_from_known_keys(&self, expr: &Expression, ctx: &Context) -> Option<Vec<String>> {
        if self.var_keys.is_empty() {
            return None;
        }
        let stand_ins = [
            Value::Null,
            Value::String(String::new()),
            Value::String("\u{1}unknown".to_string()),
        ];
        let mut found: Option<Vec<String>> = None;
        for stand_in in stand_ins {
            let keys = self.keys_with(expr, ctx, &stand_in)?;
            match &found {
                Some(before) if *before != keys => return None,
                _ => found = Some(keys),
            }
        }
        found
    }

    fn keys_with(&self, expr: &Expression, ctx: &Context, stand_in: &Value) -> Option<Vec<String>> {
        let mut c = ctx.clone();
        let mut vars = self.vars.clone();
        for (name, keys) in self.var_keys {
            let values = keys.iter().map(|k| (k.clone(), stand_in.clone())).collect();
            vars.insert(name.clone(), Value::Object(values));
        }
        c.declare_var("var", Value::Object(vars));
        let mut locals = Map::new();
        for (name, e) in self.locals {
            c.declare_var("local", Value::Object(locals.clone()));
            if let Ok(value) = e.evaluate(&c) {
                locals.insert(name.clone(), value);
            }
        }
        c.declare_var("local", Value::Object(locals));
        instance_keys(expr.evaluate(&c).ok()?)
    }

    pub fn keys(&self, expr: &Expression, ctx: &Context, depth: usize) -> Option<Vec<String>> {
        if depth > 8 {
            return None;
        }
        if let Ok(value) = expr.evaluate(ctx) {
            return instance_keys(value);
        }
        let mut keys: Vec<String> = match expr {
            Expression::Object(object) => object
                .iter()
                .map(|(k, _)| match k {
                    ObjectKey::Identifier(i) => Some(i.to_string()),
                    ObjectKey::Expression(e) => match e.evaluate(ctx) {
                        Ok(Value::String(s)) => Some(s),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Option<_>>()?,
            Expression::Parenthesis(e) => self.keys(e, ctx, depth + 1)?,
            Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                (Expression::Variable(root), [TraversalOperator::GetAttr(name)]) => {
                    match root.as_str() {
                        "var" => self.var_keys.get(name.as_str())?.clone(),
                        "local" => {
                            let (_, e) = self.locals.iter().find(|(n, _)| n == name.as_str())?;
                            self.keys(e, ctx, depth + 1)?
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            },
            // `{ for k, v in m : k => ... }`: the keys of `m`, when the key expression needs no
            // more than the key.
            Expression::ForExpr(f) if f.cond_expr.is_none() && !f.grouping => {
                let (key_var, key_expr) = (f.key_var.as_ref()?, f.key_expr.as_ref()?);
                let mut keys = Vec::new();
                for k in self.keys(&f.collection_expr, ctx, depth + 1)? {
                    let mut c = ctx.clone();
                    c.declare_var(key_var.clone(), Value::String(k));
                    match key_expr.evaluate(&c) {
                        Ok(Value::String(s)) => keys.push(s),
                        _ => return None,
                    }
                }
                keys
            }
            _ => return None,
        };
        keys.sort();
        keys.dedup();
        Some(keys)
    }
}

/// The instance keys a `for_each` value gives: a map's keys or a set of strings, sorted and
/// without repeats; `None` for anything else.
fn instance_keys(value: Value) -> Option<Vec<String>> {
    let mut keys: Vec<String> = match value {
        Value::Object(map) => map.into_iter().map(|(k, _)| k).collect(),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect::<Option<_>>()?,
        _ => return None,
    };
    keys.sort();
    keys.dedup();
    Some(keys)
}
