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

/// Plain words a YAML reader takes for a boolean or null rather than a string (YAML 1.1 readers
/// such as PyYAML also take yes/no/on/off).
const RESERVED: [&str; 11] = [
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "",
];

fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '/'))
        && !RESERVED.contains(&k.to_ascii_lowercase().as_str());
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

    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<String>().prop_map(Value::String),
            "[a-zA-Z:~ \"'#&*!|>%@`{}\\\n-]{0,12}".prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
        ];
        let key = prop_oneof![
            any::<String>(),
            "[a-zA-Z][a-zA-Z0-9:./_-]{0,8}",
            Just("true".to_string()),
            Just("No".to_string()),
            Just("a:".to_string()),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the spec puts in a stack file (tag keys and values, names) reads back as
        /// the same value.
        #[test]
        fn any_value_reads_back_the_same(config in prop::collection::btree_map(any::<String>(), value(), 0..4)) {
            let doc = Value::Object(
                [("config".to_string(), Value::Object(config.into_iter().collect()))]
                    .into_iter()
                    .collect(),
            );
            let text = document(&doc);
            let back: Value = serde_saphyr::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(back, doc, "{}", text);
        }
    }

    #[test]
    fn keys_a_yaml_1_1_reader_would_take_for_booleans_are_quoted() {
        let doc = document(&json!({"Yes": "1", "off": "2", "Owner": "3"}));
        assert_eq!(doc, "Owner: \"3\"\n\"Yes\": \"1\"\n\"off\": \"2\"\n");
    }

    #[test]
    fn strings_are_quoted_and_escaped() {
        let doc = document(&json!({"config": {"p:tags": {"Cost Center": "42", "a": "x\"\ny"}}}));
        assert_eq!(
            doc,
            "config:\n  p:tags:\n    \"Cost Center\": \"42\"\n    a: \"x\\\"\\ny\"\n"
        );
    }
}
