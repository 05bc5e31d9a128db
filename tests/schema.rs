//! `iacgen schema`: a valid JSON Schema that accepts every example spec, rejects what the loader
//! rejects, names exactly the fields the loader knows at every level, and describes every field.

use iacgen::spec::{Format, load_str};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema = iacgen::spec::schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "not a valid JSON Schema"
    );
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// A spec file as JSON, the way an editor's YAML or TOML support sees it.
fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => serde_saphyr::from_str(&text).unwrap(),
        Some("toml") => toml::from_str(&text).unwrap(),
        Some("json") => serde_json::from_str(&text).unwrap(),
        other => panic!("unexpected spec extension {other:?}"),
    }
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "toml" | "json")
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_spec_validates() {
    let validator = validator();
    let mut specs = spec_files(&root().join("examples"));
    specs.extend(spec_files(&root().join("tests/fixtures/specs")));
    specs.retain(|p| !p.ends_with("bad-many.yaml"));
    assert!(specs.len() >= 5, "{specs:?}");
    for spec in specs {
        iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let found = errors(&validator, &as_json(&spec));
        assert!(
            found.is_empty(),
            "{}:\n{}",
            spec.display(),
            found.join("\n")
        );
    }
}

/// The complete example, to break in one place at a time.
fn example() -> Value {
    as_json(&root().join("examples/platform.yaml"))
}

fn with(mut spec: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut spec
    } else {
        spec.pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent}"))
    };
    match target {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{pointer}: not a container: {other}"),
    }
    spec
}

fn without(mut spec: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut spec
    } else {
        spec.pointer_mut(parent).unwrap()
    };
    target.as_object_mut().unwrap().remove(key);
    spec
}

fn loads(spec: &Value) -> bool {
    load_str(&spec.to_string(), Format::Json, "spec.json").is_ok()
}

#[test]
fn invalid_specs_fail_the_schema_as_they_fail_the_loader() {
    let validator = validator();
    assert!(validator.is_valid(&example()));
    let cases = [
        (
            "unknown top-level field",
            with(example(), "/regoin", json!("us-east-1")),
        ),
        (
            "unknown nested field",
            with(example(), "/network/nat_gateway", json!("single")),
        ),
        (
            "misspelt service field",
            with(example(), "/ecs/services/api/memroy", json!(1024)),
        ),
        (
            "unknown subnet tier",
            with(example(), "/network/subnets/dmz", json!({ "prefix": 24 })),
        ),
        (
            "value outside an enum",
            with(example(), "/network/nat", json!("sometimes")),
        ),
        (
            "per-env value of the wrong type",
            with(example(), "/network/az_count/prod", json!("3")),
        ),
        (
            "string where a number goes",
            with(example(), "/ecs/services/worker/cpu", json!("256")),
        ),
        (
            "number where a string goes",
            with(example(), "/eks/version", json!(1.33)),
        ),
        ("missing required field", without(example(), "/project")),
        (
            "missing required nested field",
            without(example(), "/ecs/services/api/image"),
        ),
        ("unsupported version", with(example(), "/version", json!(2))),
        (
            "secret value in the spec",
            with(example(), "/secrets/stripe_api_key/value", json!("sk_live")),
        ),
        (
            "load balancer without a port",
            without(example(), "/ecs/services/api/port"),
        ),
        (
            "environment named default",
            with(example(), "/environments/default", json!({})),
        ),
        (
            "no environments",
            with(example(), "/environments", json!({})),
        ),
        (
            "bad project name",
            with(example(), "/project", json!("Payments")),
        ),
        (
            "both prefix and cidrs",
            with(
                example(),
                "/network/subnets/public/cidrs",
                json!(["10.10.0.0/24"]),
            ),
        ),
        (
            "taint effect",
            with(
                example(),
                "/eks/node_pools/system/taints/0/effect",
                json!("Never"),
            ),
        ),
        (
            "retention not allowed by CloudWatch",
            with(
                example(),
                "/observability/log_retention_days/default",
                json!(100),
            ),
        ),
        (
            "repository switch as a string",
            with(example(), "/repository", json!({ "readme": "no" })),
        ),
        (
            "unknown repository file",
            with(example(), "/repository", json!({ "makefile": true })),
        ),
        (
            "iacgen from git without a revision",
            with(
                example(),
                "/repository",
                json!({ "iacgen": { "git": "https://github.com/iacgen/iacgen" } }),
            ),
        ),
        (
            "iacgen from git at a short SHA",
            with(
                example(),
                "/repository",
                json!({ "iacgen": { "git": "https://github.com/iacgen/iacgen", "rev": "abc1234" } }),
            ),
        ),
        (
            "iacgen release archive without a checksum",
            with(
                example(),
                "/repository",
                json!({ "iacgen": { "url": "https://example.com/iacgen.tar.gz" } }),
            ),
        ),
        ("no region anywhere", without(example(), "/region")),
        (
            "a list where a map goes",
            with(example(), "/tags", json!(["Owner"])),
        ),
    ];
    for (what, spec) in cases {
        assert!(!loads(&spec), "{what}: the loader accepts it");
        assert!(!validator.is_valid(&spec), "{what}: the schema accepts it");
    }
}

#[test]
fn per_environment_values_take_either_shape() {
    let validator = validator();
    for value in [
        json!(3),
        json!({ "default": 2, "prod": 3 }),
        json!({ "dev": 2, "staging": 2, "prod": 3 }),
    ] {
        let spec = with(example(), "/network/az_count", value.clone());
        assert!(loads(&spec), "{value}");
        assert!(
            validator.is_valid(&spec),
            "{value}: {:?}",
            errors(&validator, &spec)
        );
    }
    // Region on every environment instead of at the top (without the rotation, whose function
    // is of the example's region, and without the example's us-east-1 certificates, which an
    // ALB in eu-west-1 cannot use).
    let mut spec = without(
        without(
            without(example(), "/region"),
            "/secrets/db_password/rotation",
        ),
        "/ecs/services/api/load_balancer/certificate_arn",
    );
    for env in ["dev", "staging", "prod"] {
        spec = with(
            spec,
            &format!("/environments/{env}/region"),
            json!("eu-west-1"),
        );
    }
    assert!(loads(&spec));
    assert!(validator.is_valid(&spec), "{:?}", errors(&validator, &spec));
    // A key with nothing after it is an empty section for the loader, and for the schema.
    let spec = with(example(), "/environments/dev", Value::Null);
    assert!(loads(&spec));
    assert!(validator.is_valid(&spec), "{:?}", errors(&validator, &spec));
}

/// Resolves the schema node that describes an object member, an array item or a map value.
fn child<'s>(schema: &'s Value, key: &str) -> Option<&'s Value> {
    if let Some(items) = schema.get("items") {
        return Some(items);
    }
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

/// A map with a fixed set of fields: `additionalProperties: false`.
fn is_table(schema: &Value) -> bool {
    schema.get("additionalProperties") == Some(&Value::Bool(false))
}

fn field_names(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Every table of `instance` with its loader path (`a.b[0].c`) and JSON pointer.
fn tables<'s>(
    instance: &Value,
    schema: &'s Value,
    path: &str,
    pointer: &str,
    out: &mut Vec<(String, String, &'s Value)>,
) {
    if is_table(schema) {
        out.push((path.to_string(), pointer.to_string(), schema));
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match instance {
        Value::Object(map) => {
            for (key, value) in map {
                if let Some(s) = child(schema, key) {
                    tables(value, s, &join(key), &format!("{pointer}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                if let Some(s) = child(schema, "") {
                    tables(
                        value,
                        s,
                        &format!("{path}[{i}]"),
                        &format!("{pointer}/{i}"),
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

/// The field names the loader lists when it meets an unknown field at `pointer`.
fn loader_fields(spec: &Value, path: &str, pointer: &str) -> Vec<String> {
    let broken = with(spec.clone(), &format!("{pointer}/zz_unknown"), json!(1));
    let errors = load_str(&broken.to_string(), Format::Json, "spec.json")
        .err()
        .unwrap_or_else(|| panic!("{path}: an unknown field is accepted"));
    let expected_path = if path.is_empty() {
        "zz_unknown".to_string()
    } else {
        format!("{path}.zz_unknown")
    };
    let error = errors
        .iter()
        .find(|e| e.path == expected_path)
        .unwrap_or_else(|| panic!("{path}: no error at {expected_path}: {errors}"));
    let list = error
        .message
        .rsplit_once("(valid: ")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{path}: {}", error.message));
    let mut names: Vec<String> = list.split(", ").map(str::to_string).collect();
    names.sort();
    names
}

#[test]
fn schema_and_loader_know_the_same_fields_everywhere() {
    let schema = iacgen::spec::schema();
    // The complete example plus the sections it leaves out, so every table is present.
    let mut spec = with(
        example(),
        "/repository",
        json!({ "readme": true, "iacgen": { "git": "https://github.com/iacgen/iacgen", "tag": "v1.0.0" } }),
    );
    spec = with(
        spec,
        "/eks/addons",
        json!({ "coredns": { "version": "v1.11.4-eksbuild.2" } }),
    );
    spec = with(spec, "/network/flow_logs", json!({ "enabled": true }));
    assert!(loads(&spec));
    let mut found = Vec::new();
    tables(&spec, &schema, "", "", &mut found);
    let mut checked: Vec<String> = Vec::new();
    for (path, pointer, table) in &found {
        let mut from_schema = field_names(table);
        // Named only to explain why it is refused (the loader says so in its own words).
        if path.starts_with("secrets.") && path.matches('.').count() == 1 {
            from_schema.retain(|f| f != "value");
        }
        assert_eq!(
            loader_fields(&spec, path, pointer),
            from_schema,
            "at `{path}`"
        );
        // One check per kind of table (the schema path, without user-chosen names).
        checked.push(pointer.clone());
    }
    // Every table the schema defines was reached.
    let mut defined = 0;
    count_tables(&schema, &mut defined);
    let kinds = distinct_tables(&found);
    assert_eq!(kinds, defined, "tables checked: {checked:?}");
}

/// Tables in the schema, counting a shared definition once.
fn count_tables(schema: &Value, count: &mut usize) {
    fn walk<'s>(schema: &'s Value, seen: &mut Vec<&'s Value>) {
        match schema {
            Value::Object(map) => {
                if is_table(schema) && !seen.contains(&schema) {
                    seen.push(schema);
                }
                map.values().for_each(|v| walk(v, seen));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, seen)),
            _ => {}
        }
    }
    let mut seen = Vec::new();
    walk(schema, &mut seen);
    *count = seen.len();
}

fn distinct_tables(found: &[(String, String, &Value)]) -> usize {
    let mut seen: Vec<&Value> = Vec::new();
    for (_, _, table) in found {
        if !seen.contains(table) {
            seen.push(table);
        }
    }
    seen.len()
}

#[test]
fn every_field_has_a_description() {
    fn walk(schema: &Value, path: &str, missing: &mut Vec<String>) {
        let Some(map) = schema.as_object() else {
            return;
        };
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, field) in props {
                let path = format!("{path}.{name}");
                if field.get("description").is_none() {
                    missing.push(path.clone());
                }
                walk(field, &path, missing);
            }
        }
        for key in ["additionalProperties", "items"] {
            if let Some(inner) = map.get(key) {
                walk(inner, &format!("{path}.<{key}>"), missing);
            }
        }
        if let Some(Value::Array(options)) = map.get("oneOf") {
            for option in options {
                walk(option, path, missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&iacgen::spec::schema(), "", &mut missing);
    assert!(
        missing.is_empty(),
        "fields without a description: {missing:?}"
    );
}

#[test]
fn closed_sets_are_enums() {
    let schema = iacgen::spec::schema();
    let nat = &schema["properties"]["network"]["properties"]["nat"]["oneOf"][0];
    assert_eq!(nat["enum"], json!(["none", "single", "per_az"]));
    let arch = &schema["properties"]["ecs"]["properties"]["services"]["additionalProperties"]["properties"]
        ["architecture"];
    assert_eq!(arch["enum"], json!(["x86_64", "arm64"]));
}

#[test]
fn the_cli_prints_the_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, iacgen::spec::schema());
    assert_eq!(
        printed["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
}
