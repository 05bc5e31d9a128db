//! The Pulumi secrets component, run under Pulumi's mocks on examples/secrets-all-kinds.yaml
//! (generated, rotated, replicated and hand-set secrets): no value is in the program, generated
//! values come only from RandomPassword and are Pulumi secrets (encrypted in the state), every
//! secret is encrypted with the component's key and closed to other accounts, and rotation is
//! set up exactly for the rotated secrets.

mod support;

use iacgen::model::{Platform, naming};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// The signature Pulumi puts on a secret value (`{"4dabf…": "1b470…", "value": …}`).
const SECRET_SIG: (&str, &str) = (
    "4dabf18193072939515e22adb298388d",
    "1b47061264138c4ac30d75fd1eb44270",
);

fn platform() -> Platform {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/secrets-all-kinds.yaml");
    iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"))
}

/// The mock run of the example, shared by the tests (one run of every stack); `None` when the
/// tools are missing outside CI.
fn report() -> Option<&'static Value> {
    static REPORT: OnceLock<Option<Value>> = OnceLock::new();
    REPORT
        .get_or_init(|| support::tools().map(|tools| support::mock_run(&tools, &platform())))
        .as_ref()
}

/// The resources of `kind` (`secretsmanager/secret:Secret`) in stack `env`, by name.
fn by_name<'a>(report: &'a Value, env: &str, kind: &str) -> BTreeMap<String, &'a Value> {
    support::resources(report, env)
        .into_iter()
        .filter(|r| r["type"].as_str().is_some_and(|t| t.ends_with(kind)))
        .map(|r| (r["name"].as_str().unwrap_or_default().to_string(), r))
        .collect()
}

fn outputs<'a>(report: &'a Value, env: &str) -> &'a Value {
    report["stacks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["stack"] == env)
        .map(|s| &s["outputs"])
        .unwrap_or_else(|| panic!("no stack {env}"))
}

/// The Secrets Manager name of spec secret `secret` in `env`.
fn secret_name(platform: &Platform, env: &str, secret: &str) -> String {
    format!(
        "{}/{secret}",
        naming::resource_prefix(&platform.project, env)
    )
}

/// The names of the spec secrets that `keep` selects, as Secrets Manager names in `env`.
fn names_where(
    platform: &Platform,
    env: &str,
    keep: impl Fn(&iacgen::model::Secret) -> bool,
) -> BTreeSet<String> {
    platform
        .secrets
        .iter()
        .filter(|(_, s)| keep(s))
        .map(|(n, _)| secret_name(platform, env, n))
        .collect()
}

fn depends_on(resource: &Value, urn: &Value) -> bool {
    resource["dependencies"]
        .as_array()
        .is_some_and(|d| d.contains(urn))
}

#[test]
fn generated_values_come_only_from_random_passwords_and_are_pulumi_secrets() {
    let Some(report) = report() else { return };
    let platform = platform();
    let program = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    for env in platform.env_names() {
        let versions = by_name(report, env, "secretsmanager/secretVersion:SecretVersion");
        let passwords = by_name(report, env, "random:index/randomPassword:RandomPassword");
        let generated = names_where(&platform, env, |s| s.generate.is_some());
        // A version only for generated secrets: the others are created empty, so no
        // placeholder value is ever written.
        assert_eq!(
            versions.keys().cloned().collect::<BTreeSet<_>>(),
            generated,
            "{env}"
        );
        assert_eq!(passwords.len(), generated.len(), "{env}");
        for (name, version) in &versions {
            let inputs = &version["inputs"];
            assert!(
                inputs.get("secretBinary").is_none() && inputs.get("secretStringWo").is_none(),
                "{env} {name}: {inputs}"
            );
            let value = &inputs["secretString"];
            assert_eq!(
                value[SECRET_SIG.0], SECRET_SIG.1,
                "{env} {name}: the value is not a Pulumi secret, so the state would hold it \
                 in plain text: {value}"
            );
            let text = value["value"].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{env} {name}");
            for (path, contents) in program.iter() {
                assert!(
                    !contents.contains(text),
                    "{env} {name}: the value is in {path}"
                );
            }
            // The value is the result of this secret's own password, made by its rules.
            let password = passwords
                .get(name)
                .unwrap_or_else(|| panic!("{env} {name}: no RandomPassword"));
            assert!(depends_on(version, &password["urn"]), "{env} {name}");
            let spec = name.rsplit('/').next().unwrap_or_default();
            let rules = platform.secrets[spec]
                .generate
                .as_ref()
                .unwrap_or_else(|| panic!("{spec} is not generated"));
            assert_eq!(
                password["inputs"],
                json!({"length": rules.length, "special": rules.special}),
                "{env} {name}"
            );
        }
    }
}

#[test]
fn every_secret_is_encrypted_with_the_component_key_and_closed_to_other_accounts() {
    let Some(report) = report() else { return };
    let platform = platform();
    for env in platform.env_names() {
        let key_arn = &outputs(report, env)["kms_key_arn"];
        assert!(key_arn.is_string(), "{env}: no kms_key_arn output");
        let keys = by_name(report, env, "kms/key:Key");
        let key = keys
            .values()
            .find(|k| {
                k["inputs"]["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("Secrets Manager"))
            })
            .unwrap_or_else(|| panic!("{env}: no secrets key"));
        assert_eq!(key["inputs"]["enableKeyRotation"], true, "{env}");
        let replica_keys: Vec<&Value> = by_name(report, env, "kms/replicaKey:ReplicaKey")
            .into_values()
            .collect();
        for replica in &replica_keys {
            assert_eq!(&replica["inputs"]["primaryKeyArn"], key_arn, "{env}");
        }

        let secrets = by_name(report, env, "secretsmanager/secret:Secret");
        assert_eq!(
            secrets.keys().cloned().collect::<BTreeSet<_>>(),
            names_where(&platform, env, |_| true),
            "{env}"
        );
        for (spec_name, spec) in &platform.secrets {
            let name = secret_name(&platform, env, spec_name);
            let secret = secrets[&name];
            let inputs = &secret["inputs"];
            assert_eq!(&inputs["kmsKeyId"], key_arn, "{env} {name}");
            assert_eq!(
                inputs["recoveryWindowInDays"],
                json!(spec.recovery_window_days.get(env).copied().unwrap_or(30)),
                "{env} {name}"
            );
            // Each replica is encrypted with the replica of the key in its region.
            let regions: Vec<&str> = inputs["replicas"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["region"].as_str())
                .collect();
            assert_eq!(regions, spec.replicas, "{env} {name}");
            for region in regions {
                let replica_key = replica_keys
                    .iter()
                    .find(|k| k["inputs"]["region"] == region)
                    .unwrap_or_else(|| panic!("{env} {name}: no replica key in {region}"));
                assert!(depends_on(secret, &replica_key["urn"]), "{env} {name}");
            }
        }

        let policies = by_name(report, env, "secretsmanager/secretPolicy:SecretPolicy");
        assert_eq!(policies.len(), secrets.len(), "{env}: a policy per secret");
        for (name, secret) in &secrets {
            let policy = policies
                .values()
                .find(|p| depends_on(p, &secret["urn"]))
                .unwrap_or_else(|| panic!("{env} {name}: no resource policy"));
            assert_eq!(policy["inputs"]["blockPublicPolicy"], true, "{env} {name}");
            let document: Value =
                serde_json::from_str(policy["inputs"]["policy"].as_str().unwrap_or("null"))
                    .unwrap_or_else(|e| panic!("{env} {name}: {e}"));
            let deny = &document["Statement"][0];
            assert_eq!(deny["Effect"], "Deny", "{env} {name}");
            assert_eq!(deny["Principal"], json!({"AWS": "*"}), "{env} {name}");
            // The account, one value (a string or a one-element list: IAM reads both alike).
            let account = &deny["Condition"]["StringNotEquals"]["aws:PrincipalAccount"];
            let account = account
                .as_array()
                .and_then(|a| a.first())
                .unwrap_or(account);
            assert!(
                account.as_str().is_some_and(|a| !a.is_empty()),
                "{env} {name}: {document}"
            );
        }
    }
}

#[test]
fn the_key_grants_nothing_to_a_wildcard_principal() {
    let Some(report) = report() else { return };
    let platform = platform();
    for env in platform.env_names() {
        let keys = by_name(report, env, "kms/key:Key");
        let name = format!(
            "{}-secrets",
            naming::resource_prefix(&platform.project, env)
        );
        let key = &keys[&name]["inputs"];
        let policy: Value = serde_json::from_str(key["policy"].as_str().unwrap_or("{}"))
            .unwrap_or_else(|e| panic!("{env}: {e}"));
        for statement in policy["Statement"].as_array().into_iter().flatten() {
            assert_ne!(statement["Principal"]["AWS"], "*", "{env}: {statement}");
        }
        // The example replicates a secret: the key is multi-Region for its replica keys.
        assert_eq!(key["multiRegion"], true, "{env}");
    }
}

#[test]
fn rotation_is_set_up_exactly_for_the_rotated_secrets() {
    let Some(report) = report() else { return };
    let platform = platform();
    for env in platform.env_names() {
        let arns = &outputs(report, env)["secret_arns"];
        let rotations = by_name(report, env, "secretsmanager/secretRotation:SecretRotation");
        let permissions = by_name(report, env, "lambda/permission:Permission");
        let rotated = names_where(&platform, env, |s| s.rotation.is_some());
        assert_eq!(
            rotations.keys().cloned().collect::<BTreeSet<_>>(),
            rotated,
            "{env}"
        );
        assert_eq!(
            permissions.keys().cloned().collect::<BTreeSet<_>>(),
            rotated,
            "{env}"
        );
        for (spec_name, spec) in &platform.secrets {
            let Some(rotation) = &spec.rotation else {
                continue;
            };
            let name = secret_name(&platform, env, spec_name);
            let arn = &arns[spec_name];
            // Each stack's own function, of its own account.
            let lambda = rotation.lambda_arn.get(env).expect("a function per stack");
            let inputs = &rotations[&name]["inputs"];
            assert_eq!(&inputs["secretId"], arn, "{env} {name}");
            assert_eq!(inputs["rotationLambdaArn"], *lambda, "{env}");
            assert_eq!(
                inputs["rotationRules"]["automaticallyAfterDays"], rotation.days,
                "{env} {name}"
            );
            assert_eq!(inputs["rotateImmediately"], false, "{env} {name}");
            // Secrets Manager may invoke the function for this secret only.
            let permission = &permissions[&name]["inputs"];
            assert_eq!(permission["function"], *lambda, "{env}");
            assert_eq!(permission["principal"], "secretsmanager.amazonaws.com");
            assert_eq!(permission["action"], "lambda:InvokeFunction");
            assert_eq!(&permission["sourceArn"], arn, "{env} {name}");
            assert!(
                depends_on(rotations[&name], &permissions[&name]["urn"]),
                "{env} {name}: the rotation must wait for the permission"
            );
        }
    }
}

#[test]
fn pulumi_random_is_used_and_required_only_when_a_value_is_generated() {
    let mut platform = platform();
    let with = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    for secret in platform.secrets.values_mut() {
        secret.generate = None;
    }
    let without = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let file = |tree: &iacgen::tree::Tree, path: &str| {
        tree.get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .to_string()
    };
    assert!(file(&with, "requirements.txt").contains("pulumi-random=="));
    assert!(file(&with, "components/secrets.py").contains("RandomPassword("));
    // The README says where generated values are kept.
    assert!(file(&with, "README.md").contains("secrets provider"));
    assert!(!file(&without, "requirements.txt").contains("pulumi-random"));
    assert!(!file(&without, "components/secrets.py").contains("pulumi_random"));
    assert!(!file(&without, "README.md").contains("RandomPassword"));
}
