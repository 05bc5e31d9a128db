//! Stateful resources (KMS keys, secrets, log groups, the EKS cluster) refuse to be destroyed
//! where the environment says so: Terraform's `prevent_destroy` (a literal in modules shared by
//! every environment, so on in every environment when any protects) and Pulumi's `protect`
//! (per stack).

#[path = "../examples/platform.rs"]
mod platform_example;

use iacgen::model::Platform;

/// Terraform resource types, and their Pulumi classes, that hold data or make it readable.
const STATEFUL: [(&str, &str); 5] = [
    ("aws_kms_key", "aws.kms.Key("),
    ("aws_kms_replica_key", "aws.kms.ReplicaKey("),
    ("aws_secretsmanager_secret", "aws.secretsmanager.Secret("),
    ("aws_cloudwatch_log_group", "aws.cloudwatch.LogGroup("),
    ("aws_eks_cluster", "aws.eks.Cluster("),
];

/// Every stateful resource of the Terraform modules, as (file, type, name, prevent_destroy).
fn terraform_resources(platform: &Platform) -> Vec<(String, String, String, bool)> {
    let tree = iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"));
    let mut found = Vec::new();
    for (path, text) in tree.iter() {
        if !(path.starts_with("modules/") && path.ends_with(".tf")) {
            continue;
        }
        let body: hcl::Body = hcl::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for block in body.blocks().filter(|b| b.identifier() == "resource") {
            let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
            if !STATEFUL
                .iter()
                .any(|(kind, _)| labels.first() == Some(kind))
            {
                continue;
            }
            let prevent = block
                .body()
                .blocks()
                .filter(|b| b.identifier() == "lifecycle")
                .flat_map(|b| b.body().attributes())
                .any(|a| a.key() == "prevent_destroy" && *a.expr() == hcl::Expression::Bool(true));
            found.push((
                path.to_string(),
                labels[0].to_string(),
                labels.get(1).unwrap_or(&"").to_string(),
                prevent,
            ));
        }
    }
    found
}

#[test]
fn terraform_protects_every_stateful_resource_when_an_environment_is_production_like() {
    let platform = platform_example::platform();
    let resources = terraform_resources(&platform);
    let kinds: std::collections::BTreeSet<&str> = resources
        .iter()
        .map(|(_, kind, _, _)| kind.as_str())
        .collect();
    // Keys, secrets, log groups and the cluster are all in the example.
    for kind in [
        "aws_kms_key",
        "aws_secretsmanager_secret",
        "aws_cloudwatch_log_group",
        "aws_eks_cluster",
    ] {
        assert!(kinds.contains(kind), "{kind} not generated");
    }
    for (path, kind, name, prevent) in &resources {
        assert!(prevent, "{path}: {kind}.{name} has no prevent_destroy");
    }
}

#[test]
fn terraform_leaves_them_unprotected_when_no_environment_protects() {
    let mut platform = platform_example::platform();
    for env in &mut platform.environments {
        env.protect = Some(false);
    }
    let resources = terraform_resources(&platform);
    assert!(!resources.is_empty());
    for (path, kind, name, prevent) in &resources {
        assert!(!prevent, "{path}: {kind}.{name} is protected");
    }
    // A single protected environment (here dev, by its own choice) protects the shared code.
    platform.environments[0].protect = Some(true);
    assert!(terraform_resources(&platform).iter().all(|r| r.3));
}

#[test]
fn pulumi_protects_each_stack_as_its_environment_says() {
    let platform = platform_example::platform();
    let tree = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let mut constructors = 0;
    for (path, text) in tree.iter() {
        if !path.starts_with("components/") {
            continue;
        }
        for (_, class) in STATEFUL {
            for (at, _) in text.match_indices(class) {
                constructors += 1;
                // The call's options, up to the end of the call.
                let call = &text[at..];
                let end = call.find("\n        )").unwrap_or(call.len());
                assert!(
                    call[..end].contains("pulumi.ResourceOptions(protect=args.protect)"),
                    "{path}: {}",
                    &call[..end]
                );
            }
        }
    }
    assert!(constructors >= 4, "{constructors}");
    // Per stack: only the production-like environment protects.
    for (env, expected) in [("dev", "false"), ("staging", "false"), ("prod", "true")] {
        let stack = tree
            .get(&format!("Pulumi.{env}.yaml"))
            .unwrap_or_else(|| panic!("no stack {env}"));
        assert!(
            stack.contains(&format!("\n  payments:protect: {expected}\n")),
            "{env}: {stack}"
        );
    }
}

/// Terraform cannot honour an environment's own `protect: false` while another environment
/// protects (the modules, and their literal `prevent_destroy`, are shared): said, not silent.
#[test]
fn an_unprotected_environment_beside_a_protected_one_is_warned_about_for_terraform() {
    let protect_warnings = |platform: &Platform| -> Vec<String> {
        iacgen::model::validate::warnings(platform)
            .into_iter()
            .filter(|w| w.path.last().map(String::as_str) == Some("protect"))
            .map(|w| w.to_string())
            .collect()
    };
    let mut platform = platform_example::platform();
    // Defaults only (prod protects, dev and staging do not say): what the README describes.
    assert_eq!(protect_warnings(&platform), Vec::<String>::new());
    let dev = platform
        .environments
        .iter()
        .position(|e| e.name == "dev")
        .expect("the example has dev");
    platform.environments[dev].protect = Some(false);
    let warnings = protect_warnings(&platform);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("environments.dev.protect: `protect: false` holds for Pulumi only")
            && warnings[0].contains("because prod protects")
            && warnings[0].contains("`dev` included"),
        "{}",
        warnings[0]
    );
    // When nobody protects, Terraform does what dev says: nothing to warn about.
    for env in &mut platform.environments {
        env.protect = Some(false);
    }
    assert_eq!(protect_warnings(&platform), Vec::<String>::new());
    // The warning is a warning: the spec stays valid and generates.
    platform.environments[dev].protect = Some(false);
    let prod = platform
        .environments
        .iter()
        .position(|e| e.name == "prod")
        .expect("the example has prod");
    platform.environments[prod].protect = Some(true);
    assert!(iacgen::render(&platform).is_ok());
}
