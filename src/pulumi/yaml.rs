//! A YAML writer for Pulumi's project and stack files: block style, every string and every
//! key that is not a plain identifier double-quoted with JSON escaping (valid YAML).

use serde_json::Value;

/// `value` (an object) as a YAML document, keys in the object's order.
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(map) = value {
        for (k, v) in map {
            entry(&mut out, 0, k, v);
        }
    }
    out
}

fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '/'));
    if plain {
        k.to_string()
    } else {
        scalar(&Value::String(k.to_string()))
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(m) if m.is_empty() => "{}".to_string(),
        Value::Array(a) if a.is_empty() => "[]".to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn entry(out: &mut String, indent: usize, k: &str, v: &Value) {
    let pad = " ".repeat(indent);
    if is_block(v) {
        out.push_str(&format!("{pad}{}:\n", key(k)));
        nested(out, indent + 2, v);
    } else {
        out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(v)));
    }
}

fn nested(out: &mut String, indent: usize, v: &Value) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                entry(out, indent, k, v);
            }
        }
        Value::Array(items) => {
            // List items are written as JSON (flow style), which YAML reads the same way.
            for item in items {
                out.push_str(&format!("{pad}- {}\n", scalar(item)));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_and_escaped() {
        let doc = document(&json!({"config": {"p:tags": {"Cost Center": "42", "a": "x\"\ny"}}}));
        assert_eq!(
            doc,
            "config:\n  p:tags:\n    \"Cost Center\": \"42\"\n    a: \"x\\\"\\ny\"\n"
        );
    }
}
