//! The state reader against the shared corpus of real-world and pathological Terraform files:
//! for every file `expected.json` lists, the reader must find exactly the facts listed there
//! (addresses, modules, outputs, types, metadata), or reject the file for the reason given.
//!
//! The corpus lives outside the repository: `$IACGEN_CORPUS`, or `../shared/corpus` beside the
//! crate. Without it the test is skipped, except under CI (`CI` set), where it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use iacgen::state::{
    self, BinaryKind, Encryption, Format, Mode, ResourceInstance, State, StateError,
};
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("IACGEN_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    if dir.join("expected.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "state corpus not found at {} (set IACGEN_CORPUS)",
        dir.display()
    );
    eprintln!(
        "skipping: state corpus not found at {} (set IACGEN_CORPUS)",
        dir.display()
    );
    None
}

#[test]
fn reader_agrees_with_expected_json_for_every_corpus_file() {
    let Some(dir) = corpus_dir() else { return };
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let files = expected["files"].as_array().unwrap();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for entry in files {
        let path = entry["path"].as_str().unwrap();
        let result = state::read_file(dir.join(path));
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(entry, result)));
        if let Err(panic) = outcome {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{path}: {msg}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files disagree with expected.json:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("{} corpus files agree with expected.json", files.len());
}

fn check(entry: &Value, result: Result<State, StateError>) {
    match entry["kind"].as_str().unwrap() {
        "reject" => check_rejection(entry, result.expect_err("should be rejected")),
        "tfstate" => {
            let state = result.unwrap_or_else(|e| panic!("rejected: {e}"));
            assert_eq!(state.format, Format::StateV4);
            check_state_file(entry, &state);
        }
        kind @ ("plan" | "show-json-state") => {
            let state = result.unwrap_or_else(|e| panic!("rejected: {e}"));
            check_show_json(entry, kind, &state);
        }
        other => panic!("unknown kind {other} in expected.json"),
    }
}

fn check_rejection(entry: &Value, err: StateError) {
    let reason = entry["format_version"]
        .as_str()
        .unwrap()
        .strip_prefix("reject: ")
        .unwrap();
    let message = err.to_string();
    if reason.starts_with("empty file") {
        assert!(matches!(err, StateError::Empty { bytes: 0 }), "{message}");
        assert!(message.contains("terraform state pull"), "{message}");
    } else if let Some(rest) = reason.strip_prefix("invalid JSON: ") {
        let (line, column) = line_column(rest);
        match &err {
            StateError::InvalidJson {
                line: l, column: c, ..
            } => assert_eq!((*l, *c), (line, column), "{message}"),
            _ => panic!("expected invalid JSON, got: {message}"),
        }
        assert!(
            message.contains(&format!("line {line} column {column}")),
            "{message}"
        );
    } else if let Some(rest) = reason.strip_prefix("legacy state format version ") {
        let version: u64 = rest[..1].parse().unwrap();
        let legacy = &entry["legacy"];
        match &err {
            StateError::LegacyFormat {
                version: v,
                terraform_version,
                serial,
                resources,
            } => {
                assert_eq!(*v, version);
                assert_eq!(
                    terraform_version.as_deref(),
                    legacy["terraform_version"].as_str()
                );
                assert_eq!(*serial, legacy["serial"].as_u64());
                assert_eq!(
                    *resources,
                    legacy["legacy_resources"].as_u64().map(|n| n as usize)
                );
            }
            _ => panic!("expected a legacy-format rejection, got: {message}"),
        }
        assert!(
            message.contains(&format!("state format version {version}")),
            "{message}"
        );
        assert!(message.contains("terraform state pull"), "{message}");
    } else if reason.starts_with("not JSON: binary content") {
        let git_crypt = entry["note"]
            .as_str()
            .is_some_and(|n| n.contains("git-crypt"));
        let expected_kind = if git_crypt {
            BinaryKind::GitCrypt
        } else {
            BinaryKind::Other
        };
        assert!(
            matches!(&err, StateError::Binary { kind, .. } if *kind == expected_kind),
            "{message}"
        );
    } else if let Some(rest) =
        reason.strip_prefix("OpenTofu encrypted state envelope (encryption_version '")
    {
        let version = rest.split('\'').next().unwrap();
        assert!(
            matches!(&err, StateError::Encrypted(Encryption::OpenTofu { encryption_version, .. }) if encryption_version == version),
            "{message}"
        );
        assert!(message.contains("tofu show -json"), "{message}");
    } else if reason.starts_with("JSON object without a \"version\" attribute") {
        let keys: Vec<String> = strings(&entry["top_level_keys"]);
        assert!(
            matches!(&err, StateError::NotAState { keys: k } if *k == keys),
            "{message}"
        );
    } else if reason.starts_with("unsupported state format version") {
        assert!(
            matches!(err, StateError::UnsupportedFormat { .. }),
            "{message}"
        );
    } else {
        panic!("expected.json gives a reason this test does not know: {reason}");
    }
}

/// `(line 16 column 7, char 297)` → (16, 7).
fn line_column(reason: &str) -> (usize, usize) {
    let at = reason.rfind("(line ").unwrap();
    let words: Vec<&str> = reason[at + 1..].split([' ', ',']).collect();
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

fn check_state_file(entry: &Value, state: &State) {
    assert_eq!(
        state.terraform_version.as_deref(),
        entry["terraform_version"].as_str()
    );
    assert_eq!(state.serial, entry["serial"].as_u64());
    // An empty lineage is no lineage.
    let lineage = entry["lineage"].as_str().filter(|l| !l.is_empty());
    assert_eq!(state.lineage.as_deref(), lineage);
    check_blocks(entry, state);
    let empty: Vec<String> = sorted(state.empty_resources.iter().map(ToString::to_string));
    assert_eq!(empty, strings(&entry["resources_without_instances"]));
    assert_eq!(
        state.outputs.keys().cloned().collect::<Vec<_>>(),
        strings(&entry["outputs"])
    );
    check_modules_and_types(entry, state);

    let features = &entry["features"];
    let all = || state.resources.iter().chain(&state.deposed);
    let count = |f: &dyn Fn(&ResourceInstance) -> bool| all().filter(|r| f(r)).count() as u64;
    let feature = |name: &str| features[name].as_u64().unwrap_or(0);
    assert_eq!(
        count(&|r| r.create_before_destroy),
        feature("create_before_destroy_instances")
    );
    assert_eq!(
        count(&|r| r.attributes_flat),
        feature("attributes_flat_instances")
    );
    assert_eq!(
        count(&|r| r.identity.is_some() || r.identity_schema_version.is_some()),
        feature("identity_instances")
    );
    assert_eq!(
        count(&|r| r.schema_version.is_none()),
        feature("missing_schema_version")
    );
    let tainted = sorted(all().filter(|r| r.tainted).map(|r| r.address.to_string()));
    assert_eq!(tainted, sorted(strings(&features["tainted"]).into_iter()));
    let sensitive = sorted(
        all()
            .filter(|r| !r.sensitive_attributes.is_empty())
            .map(|r| r.address.to_string()),
    );
    assert_eq!(
        sensitive,
        sorted(strings(&features["nonempty_sensitive_attributes"]).into_iter())
    );
    check_index_keys(features, state);
    check_big_integers(features, state);
}

fn check_show_json(entry: &Value, kind: &str, state: &State) {
    let version = entry["format_version"].as_str().unwrap().to_string();
    let expected_format = if kind == "plan" {
        Format::ShowJsonPlan {
            format_version: version,
        }
    } else {
        Format::ShowJsonState {
            format_version: version,
        }
    };
    assert_eq!(state.format, expected_format);
    assert_eq!(
        state.terraform_version.as_deref(),
        entry["terraform_version"].as_str()
    );
    check_blocks(entry, state);
    check_modules_and_types(entry, state);
    check_index_keys(&entry["features"], state);
    check_big_integers(&entry["features"], state);

    let plan = state.plan.as_deref();
    assert_eq!(plan.is_some(), kind == "plan");
    let Some(plan) = plan else { return };
    match &entry["prior_state"] {
        Value::Null => assert!(plan.prior_state.is_none()),
        prior => check_blocks(prior, plan.prior_state.as_ref().expect("prior state")),
    }
    let changes = &entry["resource_changes"];
    for (mode, label) in [(Mode::Managed, "managed"), (Mode::Data, "data")] {
        let addrs = sorted(
            plan.resource_changes
                .iter()
                .filter(|c| c.address.mode == mode && c.deposed.is_none())
                .map(|c| c.address.to_string()),
        );
        assert_eq!(
            addrs,
            strings(&changes[label]["addresses"]),
            "resource_changes {label}"
        );
    }
    let mut actions: BTreeMap<String, u64> = BTreeMap::new();
    for change in &plan.resource_changes {
        *actions.entry(change.actions.join("+")).or_default() += 1;
    }
    let expected_actions: BTreeMap<String, u64> = changes["actions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(actions, expected_actions);
}

/// The `managed` / `data` blocks: instance addresses and resource counts.
fn check_blocks(block: &Value, state: &State) {
    for (mode, label) in [(Mode::Managed, "managed"), (Mode::Data, "data")] {
        let instances: BTreeSet<String> = state
            .resources
            .iter()
            .chain(&state.deposed)
            .filter(|r| r.address.mode == mode)
            .map(|r| r.address.to_string())
            .collect();
        let addresses: Vec<String> = instances.into_iter().collect();
        assert_eq!(
            addresses,
            strings(&block[label]["addresses"]),
            "{label} addresses"
        );
        let resources: BTreeSet<String> = state
            .resources
            .iter()
            .chain(&state.deposed)
            .map(|r| r.address.resource())
            .chain(state.empty_resources.iter().cloned())
            .filter(|a| a.mode == mode)
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            resources.len() as u64,
            block[label]["resources"].as_u64().unwrap(),
            "{label} resource count"
        );
    }
}

fn check_modules_and_types(entry: &Value, state: &State) {
    let modules = sorted(state.modules.iter().map(ToString::to_string));
    assert_eq!(modules, strings(&entry["modules"]));
    let mut types: BTreeMap<String, u64> = BTreeMap::new();
    for r in state.resources.iter().chain(&state.deposed) {
        let prefix = if r.address.mode == Mode::Data {
            "data."
        } else {
            ""
        };
        *types
            .entry(format!("{prefix}{}", r.address.type_))
            .or_default() += 1;
    }
    let expected: BTreeMap<String, u64> = entry["types"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(types, expected, "instances per type");
}

fn check_index_keys(features: &Value, state: &State) {
    use iacgen::state::IndexKey;
    let keys = || {
        state
            .resources
            .iter()
            .filter_map(|r| r.address.index.as_ref())
    };
    let ints = keys().filter(|k| matches!(k, IndexKey::Int(_))).count() as u64;
    let strs = keys().filter(|k| matches!(k, IndexKey::Str(_))).count() as u64;
    assert_eq!(
        ints,
        features["int_index_keys"].as_u64().unwrap_or(0),
        "integer keys"
    );
    assert_eq!(
        strs,
        features["string_index_keys"].as_u64().unwrap_or(0),
        "string keys"
    );
}

/// Every integer literal beyond 2^53 in the file is an exact integer in some attribute.
fn check_big_integers(features: &Value, state: &State) {
    for literal in strings(&features["integers_over_2^53"]) {
        let found = state
            .resources
            .iter()
            .any(|r| contains_number(r.attributes(), &literal));
        assert!(found, "integer {literal} did not survive exactly");
    }
}

fn contains_number(value: &Value, literal: &str) -> bool {
    match value {
        Value::Number(n) => (n.is_i64() || n.is_u64()) && n.to_string() == literal,
        Value::Array(items) => items.iter().any(|v| contains_number(v, literal)),
        Value::Object(map) => map.values().any(|v| contains_number(v, literal)),
        _ => false,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.collect();
    items.sort();
    items
}

// ---------------------------------------------------------------------------------------------
// Hand-made fixtures (tests/fixtures/state/): one behaviour each.
// ---------------------------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/state")
        .join(name)
}

fn read_fixture(name: &str) -> State {
    state::read_file(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn addresses(instances: &[ResourceInstance]) -> Vec<String> {
    instances.iter().map(|r| r.address.to_string()).collect()
}

#[test]
fn v4_state_with_modules_count_and_for_each() {
    let state = read_fixture("v4-modules-keys.tfstate");
    assert_eq!(state.format, Format::StateV4);
    assert_eq!(state.terraform_version.as_deref(), Some("1.9.8"));
    assert_eq!(state.serial, Some(42));
    assert_eq!(
        state.lineage.as_deref(),
        Some("9d0e1c8a-5b0f-4c1e-9f55-0f3c2a7e1b11")
    );
    assert_eq!(
        addresses(&state.resources),
        [
            "data.aws_region.current",
            "aws_vpc.main",
            "aws_eip.nat[0]",
            "aws_eip.nat[1]",
            r#"module.network["us-east-1"].aws_subnet.private["us-east-1a"]"#,
            r#"module.network["us-east-1"].aws_subnet.private["us-east-1b"]"#,
            r#"module.network["us-east-1"].data.aws_availability_zones.available"#,
            r#"module.network["us-east-1"].module.endpoints[0].aws_vpc_endpoint.this["s3"]"#,
            "aws_launch_template.nodes",
            "aws_db_instance.main",
        ]
    );
    assert_eq!(
        sorted(state.modules.iter().map(ToString::to_string)),
        [
            r#"module.network["us-east-1"]"#,
            r#"module.network["us-east-1"].module.endpoints[0]"#
        ]
    );
    // A resource whose count is 0 has no instance but is still in the state.
    assert_eq!(
        sorted(state.empty_resources.iter().map(ToString::to_string)),
        ["aws_instance.bastion"]
    );

    let subnet = state
        .find(r#"module.network["us-east-1"].aws_subnet.private["us-east-1a"]"#)
        .expect("subnet a");
    assert_eq!(subnet.id(), Some("subnet-a"));
    assert_eq!(
        subnet.attribute("cidr_block").and_then(Value::as_str),
        Some("10.0.0.0/20")
    );
    assert_eq!(
        subnet.provider,
        r#"provider["registry.terraform.io/hashicorp/aws"]"#
    );
    assert_eq!(
        subnet
            .dependencies
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "aws_vpc.main",
            "module.network.data.aws_availability_zones.available"
        ]
    );
    assert!(!subnet.tainted);
    let subnet_b = state
        .find(r#"module.network["us-east-1"].aws_subnet.private["us-east-1b"]"#)
        .unwrap();
    assert!(subnet_b.tainted);

    let eips = state.instances_of(&state::Address::managed("aws_eip", "nat"));
    assert_eq!(
        eips.filter_map(ResourceInstance::id).collect::<Vec<_>>(),
        ["eipalloc-1", "eipalloc-2"]
    );
    assert_eq!(state.of_type("aws_subnet").count(), 2);
    assert_eq!(state.data_sources().count(), 2);
    assert_eq!(state.managed().count(), 8);

    // The replaced launch template is kept apart from the current one.
    let current = state.find("aws_launch_template.nodes").unwrap();
    assert_eq!(current.id(), Some("lt-new"));
    assert_eq!(addresses(&state.deposed), ["aws_launch_template.nodes"]);
    assert_eq!(state.deposed[0].deposed.as_deref(), Some("00000001"));
    assert_eq!(state.deposed[0].id(), Some("lt-old"));

    let db = state.find("aws_db_instance.main").unwrap();
    assert!(db.is_sensitive("password"));
    assert!(!db.is_sensitive("port"));
    assert!(state.outputs["db_password"].sensitive);
    assert_eq!(state.outputs["vpc_id"].value, Value::from("vpc-0a1b2c3d"));

    let vpc = state.find("aws_vpc.main").unwrap();
    assert_eq!(
        vpc.identity.as_ref().and_then(|i| i["id"].as_str()),
        Some("vpc-0a1b2c3d")
    );
    assert!(state.find("aws_vpc.other").is_none());
    assert!(state.find("not an address").is_none());
}

#[test]
fn integers_beyond_2_pow_53_survive_exactly() {
    let state = read_fixture("big-integers.tfstate");
    let data = state.find("terraform_data.numbers").unwrap();
    let output = data.attribute("output").unwrap();
    // 2^53 + 1 is the first integer an f64 cannot hold.
    assert_eq!(
        output["just_over_2_53"].as_u64(),
        Some(9_007_199_254_740_993)
    );
    assert_eq!(output["u64_max"].as_u64(), Some(u64::MAX));
    assert_eq!(output["i64_min"].as_i64(), Some(i64::MIN));
    // Beyond 64 bits, the exact text is kept in the attributes' JSON.
    assert!(
        data.attributes_json()
            .contains(r#""beyond_64_bits": 123456789012345678901234567890"#)
    );
}

#[test]
fn string_keys_print_with_terraform_escapes_and_parse_back() {
    let state = read_fixture("string-keys.tfstate");
    let printed = addresses(&state.resources);
    assert_eq!(
        printed,
        [
            r#"null_resource.keys["say \"hi\""]"#,
            r#"null_resource.keys["back\\slash"]"#,
            r#"null_resource.keys["line\nbreak\ttab"]"#,
            r#"null_resource.keys["$${var.not_a_template}"]"#,
            r#"null_resource.keys["%%{ if x }"]"#,
            r#"null_resource.keys["zero\u200bwidth"]"#,
            r#"null_resource.keys["karpenter.sh/discovery"]"#,
        ]
    );
    let raw_keys = [
        "say \"hi\"",
        "back\\slash",
        "line\nbreak\ttab",
        "${var.not_a_template}",
        "%{ if x }",
        "zero\u{200b}width",
        "karpenter.sh/discovery",
    ];
    for (instance, raw) in state.resources.iter().zip(raw_keys) {
        assert_eq!(
            instance.address.index,
            Some(state::IndexKey::Str(raw.to_string()))
        );
        let text = instance.address.to_string();
        assert_eq!(state::Address::parse(&text).unwrap(), instance.address);
        assert!(state.find(&text).is_some(), "{text}");
    }
}

#[test]
fn version_3_state_is_rejected_with_upgrade_advice() {
    let err = state::read_file(fixture("v3-legacy.tfstate")).unwrap_err();
    assert!(matches!(
        err,
        StateError::LegacyFormat {
            version: 3,
            serial: Some(7),
            resources: Some(2),
            ..
        }
    ));
    let message = err.to_string();
    assert!(message.contains("state format version 3"), "{message}");
    assert!(message.contains("terraform_version 0.11.14"), "{message}");
    assert!(message.contains("terraform state pull"), "{message}");
}

#[test]
fn empty_file_is_no_state() {
    let err = state::read_file(fixture("empty.tfstate")).unwrap_err();
    assert!(matches!(err, StateError::Empty { bytes: 0 }), "{err}");
    let err = state::read(b" \n\t\n").unwrap_err();
    assert!(matches!(err, StateError::Empty { bytes: 4 }), "{err}");
}

#[test]
fn binary_garbage_is_rejected() {
    let err = state::read_file(fixture("garbage.bin")).unwrap_err();
    assert!(
        matches!(&err, StateError::Binary { kind: BinaryKind::Other, head } if head.starts_with("\\x89PNG")),
        "{err}"
    );
}

#[test]
fn broken_json_is_located() {
    let err = state::read_file(fixture("broken.json")).unwrap_err();
    // Line 10 is `"provider"` right after `"name": "main"` with no comma.
    assert!(
        matches!(
            err,
            StateError::InvalidJson {
                line: 10,
                column: 7,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("line 10 column 7"));
}

#[test]
fn show_json_state_is_read_with_nested_modules() {
    let state = read_fixture("show-state.json");
    assert_eq!(
        state.format,
        Format::ShowJsonState {
            format_version: "1.0".into()
        }
    );
    assert_eq!(state.serial, None);
    assert_eq!(
        addresses(&state.resources),
        [
            "aws_kms_key.logs",
            "data.aws_caller_identity.current",
            "module.eks.aws_eks_cluster.this",
            "module.eks.aws_iam_role.cluster",
            r#"module.eks.module.node_pool["apps"].aws_eks_node_group.this"#,
            r#"module.eks.module.node_pool["apps"].aws_launch_template.this"#,
            r#"module.eks.module.node_pool["system"].aws_eks_node_group.this"#,
            r#"module.secrets.aws_secretsmanager_secret_version.this["db_password"]"#,
            "module.secrets.aws_secretsmanager_secret.this[0]",
        ]
    );
    assert_eq!(
        state
            .modules
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "module.eks",
            r#"module.eks.module.node_pool["apps"]"#,
            r#"module.eks.module.node_pool["system"]"#,
            "module.secrets",
        ]
    );
    assert_eq!(state.deposed.len(), 1);
    assert_eq!(state.deposed[0].deposed.as_deref(), Some("a1b2c3d4"));
    assert_eq!(state.deposed[0].id(), Some("lt-1"));
    assert!(
        state
            .find(r#"module.eks.module.node_pool["system"].aws_eks_node_group.this"#)
            .unwrap()
            .tainted
    );
    let secret = state
        .find(r#"module.secrets.aws_secretsmanager_secret_version.this["db_password"]"#)
        .unwrap();
    assert!(secret.is_sensitive("secret_string"));
    assert!(!secret.is_sensitive("version_stages"));
    let cluster = state.find("module.eks.aws_eks_cluster.this").unwrap();
    assert_eq!(cluster.provider, "registry.terraform.io/hashicorp/aws");
    assert_eq!(cluster.dependencies.len(), 2);
    assert_eq!(
        state.outputs["cluster_name"].value,
        Value::from("payments-prod")
    );
}

#[test]
fn show_json_plan_has_planned_values_prior_state_and_changes() {
    let state = read_fixture("show-plan.json");
    assert_eq!(
        state.format,
        Format::ShowJsonPlan {
            format_version: "1.2".into()
        }
    );
    assert_eq!(
        addresses(&state.resources),
        ["aws_vpc.main", r#"aws_subnet.private["us-east-1a"]"#]
    );
    let plan = state.plan.as_deref().unwrap();
    let prior = plan.prior_state.as_ref().unwrap();
    assert_eq!(
        prior
            .find("aws_subnet.private[0]")
            .and_then(ResourceInstance::id),
        Some("subnet-1")
    );
    let changes: Vec<(String, String)> = plan
        .resource_changes
        .iter()
        .map(|c| (c.address.to_string(), c.actions.join("+")))
        .collect();
    assert_eq!(
        changes,
        [
            ("aws_vpc.main".to_string(), "update".to_string()),
            (
                r#"aws_subnet.private["us-east-1a"]"#.to_string(),
                "create".to_string()
            ),
            ("aws_subnet.private[0]".to_string(), "delete".to_string()),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Small inputs, inline.
// ---------------------------------------------------------------------------------------------

fn v4(resources: &str) -> Vec<u8> {
    format!(r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [{resources}]}}"#)
        .into_bytes()
}

#[test]
fn encodings_and_envelopes_are_recognised() {
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("{\"version\": 4}".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let err = state::read(&utf16).unwrap_err();
    assert!(
        matches!(
            err,
            StateError::Binary {
                kind: BinaryKind::Utf16,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("Out-File -Encoding utf8"));

    let gzip = [0x1f, 0x8b, 0x08, 0x00, 0x00];
    let err = state::read(&gzip).unwrap_err();
    assert!(
        matches!(
            err,
            StateError::Binary {
                kind: BinaryKind::Gzip,
                ..
            }
        ),
        "{err}"
    );

    let err = state::read(b"tfstate\x01\x02").unwrap_err();
    assert!(
        matches!(
            err,
            StateError::Binary {
                kind: BinaryKind::LegacyBinaryState,
                ..
            }
        ),
        "{err}"
    );

    let sops = br#"{"version": "ENC[AES256_GCM,data:NA==,type:int]", "resources": "ENC[...]", "sops": {"mac": "ENC[...]", "version": "3.9.0"}}"#;
    let err = state::read(sops).unwrap_err();
    assert!(
        matches!(err, StateError::Encrypted(Encryption::Sops)),
        "{err}"
    );
    assert!(err.to_string().contains("sops --decrypt"));

    // A UTF-8 byte-order mark, as some editors add, is accepted.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(v4(""));
    assert!(state::read(&bom).unwrap().is_empty());
}

#[test]
fn json_that_is_not_a_state_is_rejected_for_what_it_is() {
    type Case = (&'static [u8], fn(&StateError) -> bool);
    let cases: [Case; 6] = [
        (b"[1, 2]", |e| {
            matches!(e, StateError::NotAnObject { found: "array" })
        }),
        (b"\"text\"", |e| {
            matches!(e, StateError::NotAnObject { found: "string" })
        }),
        (br#"{"resources": []}"#, |e| {
            matches!(e, StateError::NotAState { .. })
        }),
        (br#"{"version": "4"}"#, |e| {
            matches!(e, StateError::InvalidVersion { .. })
        }),
        (br#"{"version": 0}"#, |e| {
            matches!(e, StateError::UnsupportedFormat { version: 0, .. })
        }),
        (
            br#"{"version": 5, "terraform_version": "2.0.0"}"#,
            |e| matches!(e, StateError::UnsupportedFormat { version: 5, terraform_version: Some(v) } if v == "2.0.0"),
        ),
    ];
    for (input, is_expected) in cases {
        let err = state::read(input).unwrap_err();
        assert!(
            is_expected(&err),
            "{}: {err}",
            String::from_utf8_lossy(input)
        );
    }
    let err = state::read(br#"{"format_version": "2.0", "values": {}}"#).unwrap_err();
    assert!(
        matches!(err, StateError::UnsupportedShowJson { .. }),
        "{err}"
    );
}

#[test]
fn malformed_v4_content_is_rejected_like_terraform_does() {
    let ok_instance = r#"{"schema_version": 0, "attributes": {"id": "x"}}"#;
    let cases = [
        (
            r#"{"mode": "weird", "type": "t", "name": "n", "instances": []}"#.to_string(),
            "unknown mode",
        ),
        (
            r#"{"module": "module.", "mode": "managed", "type": "t", "name": "n", "instances": []}"#.to_string(),
            "bad module path",
        ),
        (
            format!(
                r#"{{"mode": "managed", "type": "t", "name": "n", "instances": [{ok_instance}, {ok_instance}]}}"#
            ),
            "appears more than once",
        ),
        (
            r#"{"mode": "managed", "type": "t", "name": "n", "instances": [{"status": "gone"}]}"#
                .to_string(),
            "unknown status",
        ),
        (
            r#"{"mode": "managed", "type": "t", "name": "n", "instances": [{"index_key": 1.5}]}"#
                .to_string(),
            "invalid instance key",
        ),
        (
            r#"{"mode": "managed", "type": "t", "name": "n", "instances": [{"index_key": true}]}"#
                .to_string(),
            "invalid instance key",
        ),
        (
            r#"{"mode": "managed", "type": "t", "name": "n", "instances": [{"attributes": [1]}]}"#
                .to_string(),
            "attributes must be a JSON object",
        ),
        (
            r#"{"mode": "managed", "type": "t", "name": "n", "instances": "none"}"#.to_string(),
            "invalid type",
        ),
    ];
    for (resource, expected) in cases {
        let err = state::read(&v4(&resource)).unwrap_err();
        assert!(
            matches!(err, StateError::Invalid { .. }) && err.to_string().contains(expected),
            "{resource}: {err}"
        );
    }
    // A whole number written as a float is an integer key, as Terraform reads it.
    let state = state::read(&v4(
        r#"{"mode": "managed", "type": "t", "name": "n", "instances": [{"index_key": 1.0}]}"#,
    ))
    .unwrap();
    assert_eq!(addresses(&state.resources), ["t.n[1]"]);
}

#[test]
fn dependencies_on_ephemeral_resources_are_read_as_terraform_1_10_writes_them() {
    // A secret version written from `ephemeral.random_password`, at the root and in a module:
    // Terraform 1.10+ records the ephemeral resource among the version's dependencies.
    let state = state::read(&v4(
        r#"{"mode": "managed", "type": "aws_secretsmanager_secret_version", "name": "v",
            "instances": [{"attributes": {"id": "x"}, "dependencies": [
                "aws_secretsmanager_secret.s", "ephemeral.random_password.db",
                "data.aws_region.current"]}]},
           {"module": "module.secrets", "mode": "managed", "type": "aws_secretsmanager_secret_version",
            "name": "v", "instances": [{"attributes": {"id": "y"}, "dependencies": [
                "module.secrets.ephemeral.random_password.generated"]}]}"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let deps: Vec<Vec<(Mode, String)>> = state
        .resources
        .iter()
        .map(|r| {
            r.dependencies
                .iter()
                .map(|d| (d.mode, d.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(
        deps,
        [
            vec![
                (Mode::Managed, "aws_secretsmanager_secret.s".to_string()),
                (Mode::Ephemeral, "ephemeral.random_password.db".to_string()),
                (Mode::Data, "data.aws_region.current".to_string()),
            ],
            vec![(
                Mode::Ephemeral,
                "module.secrets.ephemeral.random_password.generated".to_string()
            )],
        ]
    );
    // An address that is not one is still refused, naming it.
    let err = state::read(&v4(r#"{"mode": "managed", "type": "t", "name": "n",
            "instances": [{"attributes": {}, "dependencies": ["ephemeral.random_password"]}]}"#))
    .unwrap_err();
    assert!(
        err.to_string().contains("bad dependency") && err.to_string().contains("ephemeral"),
        "{err}"
    );
}

#[test]
fn terraform_aws_modules_eks_state_with_ephemeral_dependencies_reads() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("tam/eks-two-pools/terraform.tfstate");
    let state = state::read_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        state
            .resources
            .iter()
            .flat_map(|r| &r.dependencies)
            .any(|d| d.mode == Mode::Ephemeral),
        "the fixture records an ephemeral dependency"
    );
    assert!(state.resources.len() > 50, "{}", state.resources.len());
}

#[test]
fn missing_file_names_the_path() {
    let err = state::read_file(fixture("does-not-exist.tfstate")).unwrap_err();
    assert!(matches!(err, StateError::Io { .. }));
    assert!(err.to_string().contains("does-not-exist.tfstate"));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = state::read(&bytes);
        }

        #[test]
        fn on_damaged_states(cut in 0usize..6000, at in 0usize..6000, byte in any::<u8>()) {
            for name in ["v4-modules-keys.tfstate", "show-state.json", "show-plan.json"] {
                let mut bytes = std::fs::read(fixture(name)).unwrap();
                if let Some(b) = bytes.get_mut(at) {
                    *b = byte;
                }
                bytes.truncate(cut);
                let _ = state::read(&bytes);
            }
        }
    }
}

#[test]
fn text_in_another_encoding_is_located() {
    // "café" in Latin-1 on line 2.
    let err = state::read(b"{\"version\": 4,\n \"lineage\": \"caf\xe9\"}").unwrap_err();
    assert!(
        matches!(
            err,
            StateError::NotUtf8 {
                line: 2,
                column: 17
            }
        ),
        "{err}"
    );
}
