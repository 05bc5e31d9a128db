//! The secrets module: no secret value ever reaches the generated tree, generated values are
//! write-only, and the rest of the promise (replicas, recovery windows, how-to README) holds.

#[path = "../examples/platform.rs"]
mod platform_example;

use hcl::expr::{Expression, ObjectKey};
use iacgen::hcl::print_expr;
use iacgen::model::Platform;
use iacgen::tree::Tree;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn render(platform: &Platform) -> Tree {
    iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn render_example(name: &str) -> Tree {
    render(&iacgen::spec::load_file(&example(name)).unwrap_or_else(|e| panic!("{e}")))
}

fn parse(tree: &Tree, path: &str) -> hcl::Body {
    let text = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not generated"));
    hcl::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn attr<'a>(body: &'a hcl::Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

/// Every attribute at any depth of `body`, as (name, printed value).
fn all_attributes(body: &hcl::Body, out: &mut Vec<(String, String)>) {
    for a in body.attributes() {
        out.push((a.key().to_string(), print_expr(a.expr())));
    }
    for b in body.blocks() {
        all_attributes(b.body(), out);
    }
}

fn block_kinds(body: &hcl::Body) -> BTreeSet<(String, String)> {
    body.blocks()
        .map(|b| {
            let kind = b.labels().first().map(|l| l.as_str().to_string());
            (b.identifier().to_string(), kind.unwrap_or_default())
        })
        .collect()
}

#[test]
fn a_secret_value_in_the_spec_is_refused_without_echoing_it_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("leak.yaml");
    let sentinel = "hunter2-do-not-print-7f3a";
    std::fs::write(
        &spec,
        format!(
            "version: 1\nproject: leak\nregion: eu-west-1\nenvironments:\n  dev: {{}}\n\
             secrets:\n  db:\n    description: Database password\n    value: \"{sentinel}\"\n"
        ),
    )
    .expect("write spec");
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("generate")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run iacgen");
    assert_eq!(run.status.code(), Some(1));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(said.contains("secrets.db.value"), "{said}");
    assert!(
        !said.contains(sentinel),
        "the error message repeats the value: {said}"
    );
    assert!(!out.exists());
}

#[test]
fn generated_values_are_ephemeral_and_only_ever_written_write_only() {
    for tree in [
        render(&platform_example::platform()),
        render_example("secrets-all-kinds.yaml"),
    ] {
        for (path, text) in tree.iter() {
            if !path.ends_with(".tf") {
                continue;
            }
            let body = hcl::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            let kinds = block_kinds(&body);
            // A random_password resource or a secret version data source would put the value
            // in the state.
            assert!(
                !kinds.contains(&("resource".into(), "random_password".into())),
                "{path}"
            );
            assert!(
                !kinds.contains(&("data".into(), "aws_secretsmanager_secret_version".into())),
                "{path}"
            );
            let mut attrs = Vec::new();
            all_attributes(&body, &mut attrs);
            for (name, value) in attrs {
                assert!(
                    !["secret_string", "secret_binary"].contains(&name.as_str()),
                    "{path}: {name} would store the value in state"
                );
                if value.contains("random_password") {
                    assert_eq!(name, "secret_string_wo", "{path}: {name} = {value}");
                }
            }
        }
        let secrets = parse(&tree, "modules/secrets/main.tf");
        assert!(block_kinds(&secrets).contains(&("ephemeral".into(), "random_password".into())));
        let version = secrets
            .blocks()
            .find(|b| {
                b.labels().first().map(|l| l.as_str()) == Some("aws_secretsmanager_secret_version")
            })
            .expect("a secret version for generated values");
        assert!(attr(version.body(), "secret_string_wo_version").is_some());
    }
}

#[test]
fn outputs_name_secrets_and_never_carry_a_value() {
    let tree = render(&platform_example::platform());
    let outputs = parse(&tree, "modules/secrets/outputs.tf");
    let mut names = BTreeSet::new();
    for output in outputs.blocks() {
        names.insert(output.labels()[0].as_str().to_string());
        let value = attr(output.body(), "value")
            .map(print_expr)
            .unwrap_or_default();
        assert!(
            value.ends_with(".arn") || value.ends_with(".arn }") || value.ends_with(".name }"),
            "output {:?} = {value}",
            output.labels()[0]
        );
    }
    let expected: BTreeSet<String> = ["kms_key_arn", "secret_arns", "secret_names"]
        .map(String::from)
        .into();
    assert_eq!(names, expected);
}

#[test]
fn the_random_provider_is_required_only_where_values_are_generated() {
    let with = render(&platform_example::platform());
    for path in [
        "modules/secrets/versions.tf",
        "environments/prod/versions.tf",
    ] {
        assert!(
            with.get(path)
                .unwrap_or_default()
                .contains("hashicorp/random"),
            "{path}"
        );
    }
    assert!(
        !with
            .get("modules/network/versions.tf")
            .unwrap_or_default()
            .contains("random")
    );
    for spec in ["minimal.yaml", "observability-alarms.yaml"] {
        let without = render_example(spec);
        for (path, text) in without.iter() {
            assert!(!text.contains("hashicorp/random"), "{spec}: {path}");
        }
    }
}

#[test]
fn recovery_windows_are_per_environment_settings() {
    let tree = render_example("secrets-all-kinds.yaml");
    for (env, session_key, sendgrid) in [("dev", "0", "7"), ("prod", "30", "7")] {
        let tfvars = parse(&tree, &format!("environments/{env}/terraform.tfvars"));
        let windows = attr(&tfvars, "recovery_window_days").expect("recovery_window_days");
        let Expression::Object(windows) = windows else {
            panic!("recovery_window_days is not a map");
        };
        let get = |name: &str| {
            windows
                .iter()
                .find(|(k, _)| match k {
                    ObjectKey::Identifier(id) => id.as_str() == name,
                    ObjectKey::Expression(Expression::String(s)) => s == name,
                    _ => false,
                })
                .map(|(_, v)| print_expr(v))
        };
        assert_eq!(get("session_key").as_deref(), Some(session_key), "{env}");
        assert_eq!(get("sendgrid_api_key").as_deref(), Some(sendgrid), "{env}");
    }
}

#[test]
fn each_environment_rotates_with_the_function_of_its_own_account() {
    let platform = platform_example::platform();
    let tree = render(&platform);
    // The module is shared by every environment: no function ARN in its code.
    let main = tree.get("modules/secrets/main.tf").expect("secrets module");
    assert!(!main.contains("arn:aws:lambda"), "{main}");
    for env in &platform.environments {
        let account = env.account_id.as_deref().expect("account");
        let tfvars = parse(
            &tree,
            &format!("environments/{}/terraform.tfvars", env.name),
        );
        let arns = attr(&tfvars, "rotation_lambda_arns").expect("rotation_lambda_arns");
        let Expression::Object(arns) = arns else {
            panic!("rotation_lambda_arns is not a map");
        };
        assert_eq!(arns.len(), 1, "{}", env.name);
        for (_, arn) in arns.iter() {
            let Expression::String(arn) = arn else {
                panic!("{arn:?}")
            };
            assert_eq!(arn.split(':').nth(4), Some(account), "{}", env.name);
        }
    }
}

/// The `data`/`resource` block `kind "name"` of `body`.
fn find_block<'a>(body: &'a hcl::Body, kind: &str, labels: [&str; 2]) -> &'a hcl::Body {
    body.blocks()
        .find(|b| {
            b.identifier() == kind
                && b.labels()
                    .iter()
                    .map(|l| l.as_str())
                    .eq(labels.iter().copied())
        })
        .map(|b| b.body())
        .unwrap_or_else(|| panic!("no {kind} {labels:?}"))
}

#[test]
fn the_secrets_key_grants_nothing_to_a_wildcard_and_is_multi_region_only_with_replicas() {
    for (example, replicated) in [("platform.yaml", false), ("secrets-all-kinds.yaml", true)] {
        let tree = render_example(example);
        let main = parse(&tree, "modules/secrets/main.tf");
        let policy = find_block(&main, "data", ["aws_iam_policy_document", "secrets_key"]);
        for statement in policy.blocks().filter(|b| b.identifier() == "statement") {
            for principals in statement.body().blocks() {
                if principals.identifier() != "principals" {
                    continue;
                }
                let ids = attr(principals.body(), "identifiers").map(print_expr);
                assert!(
                    !ids.as_deref().unwrap_or_default().contains("\"*\""),
                    "{example}: a statement grants the key to any principal: {ids:?}"
                );
            }
        }
        let key = find_block(&main, "resource", ["aws_kms_key", "secrets"]);
        assert_eq!(
            attr(key, "multi_region").map(print_expr).as_deref(),
            replicated.then_some("true"),
            "{example}"
        );
        let readme = tree.get("modules/secrets/README.md").expect("README");
        assert_eq!(
            readme.contains("replica"),
            replicated,
            "{example}: {readme}"
        );
    }
}

#[test]
fn replicas_are_encrypted_with_a_replica_of_the_key_in_their_region() {
    let tree = render_example("secrets-all-kinds.yaml");
    let main = parse(&tree, "modules/secrets/main.tf");
    let find = |kind: &str| {
        main.blocks()
            .find(|b| b.labels().first().map(|l| l.as_str()) == Some(kind))
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let key = find("aws_kms_key");
    assert_eq!(
        attr(key.body(), "multi_region").map(print_expr).as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(key.body(), "enable_key_rotation")
            .map(print_expr)
            .as_deref(),
        Some("true")
    );
    let replica_keys = find("aws_kms_replica_key");
    assert_eq!(
        attr(replica_keys.body(), "for_each")
            .map(print_expr)
            .as_deref(),
        Some("toset([\"eu-central-1\", \"us-east-1\"])")
    );
    let printed = tree.get("modules/secrets/main.tf").unwrap_or_default();
    assert!(printed.contains("kms_key_id = aws_kms_replica_key.secrets[replica.value].arn"));
    let policy = find("aws_secretsmanager_secret_policy");
    assert_eq!(
        attr(policy.body(), "block_public_policy")
            .map(print_expr)
            .as_deref(),
        Some("true")
    );
}

#[test]
fn the_environment_readme_says_how_to_set_the_secrets_iacgen_does_not_generate() {
    let tree = render_example("secrets-all-kinds.yaml");
    let readme = tree.get("environments/prod/README.md").expect("README");
    for manual in ["sendgrid_api_key", "stripe_api_key"] {
        assert!(
            readme.contains(&format!(
                "--secret-id vault-demo-prod/{manual} --secret-string file://"
            )),
            "{manual}"
        );
    }
    for generated in ["db_password", "session_key"] {
        assert!(
            !readme.contains(&format!("--secret-id vault-demo-prod/{generated}")),
            "{generated}"
        );
        assert!(
            readme.contains(&format!("`vault-demo-prod/{generated}`")),
            "{generated}"
        );
    }
    assert!(readme.contains("--region eu-west-1"));

    // A platform without secrets keeps its output as it was: no environment README.
    let minimal = render_example("minimal.yaml");
    assert!(minimal.get("environments/dev/README.md").is_none());
}

/// Each ECS service module call receives exactly the secrets its spec lists, through the
/// secrets module's contract outputs (`module.secrets.secret_arns["<name>"]`).
#[test]
fn every_ecs_service_reads_exactly_its_secrets() {
    let platform = platform_example::platform();
    let tree = render(&platform);
    let services = platform
        .ecs
        .as_ref()
        .map(|e| &e.services)
        .expect("ECS services");
    assert!(services.values().any(|s| !s.secrets.is_empty()));
    for env in platform.env_names() {
        let root = parse(&tree, &format!("environments/{env}/main.tf"));
        for (name, service) in services {
            let module = format!("service_{}", name.replace('-', "_"));
            let call = root
                .blocks()
                .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == module)
                .unwrap_or_else(|| panic!("{env}: no module {module}"));
            let mut attrs = Vec::new();
            all_attributes(call.body(), &mut attrs);
            // Every use of the ARN map must pick one secret by name: passing the whole map
            // would let the service read every secret.
            let marker = "module.secrets.secret_arns";
            let mut read = BTreeSet::new();
            for (_, value) in attrs {
                for (i, _) in value.match_indices(marker) {
                    let rest = &value[i + marker.len()..];
                    let name = rest
                        .strip_prefix("[\"")
                        .and_then(|r| r.split('"').next())
                        .unwrap_or_else(|| panic!("{env}/{module} gets every secret: {value}"));
                    read.insert(name.to_string());
                }
            }
            let wanted: BTreeSet<String> = service.secrets.iter().cloned().collect();
            assert_eq!(read, wanted, "{env}/{module}");
        }
    }
}
