//! Generated code that does not grow with the number of services: adding a service changes no
//! module (Terraform) and no component (Pulumi), only the environment roots that call them and
//! their values; and no dashboard exceeds what CloudWatch accepts at any number of services.

use iacgen::model::Platform;
use iacgen::tree::Tree;
use std::path::Path;

fn example(name: &str) -> Platform {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.yaml"));
    iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// `platform` with a copy of service `from` named `name`.
fn with_service(platform: &Platform, from: &str, name: &str) -> Platform {
    let mut bigger = platform.clone();
    let ecs = bigger.ecs.as_mut().expect("the example has ECS services");
    let svc = ecs.services.get(from).cloned().expect("the service exists");
    ecs.services.insert(name.to_string(), svc);
    bigger
}

/// The paths whose contents differ, or that exist in only one of the trees.
fn changed(before: &Tree, after: &Tree) -> Vec<String> {
    let mut paths: Vec<String> = before
        .iter()
        .filter(|(path, old)| after.get(path) != Some(*old))
        .map(|(path, _)| path.to_string())
        .collect();
    paths.extend(
        after
            .paths()
            .filter(|p| before.get(p).is_none())
            .map(str::to_string),
    );
    paths
}

#[test]
fn adding_a_service_changes_no_module_file() {
    let platform = example("platform");
    // `billing` sorts between `api` and `worker`: where it lands must not matter either; one
    // load-balanced, one not.
    for from in ["api", "worker"] {
        let before = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        let after = iacgen::render(&with_service(&platform, from, "billing"))
            .unwrap_or_else(|p| panic!("{p:?}"));
        let changed = changed(&before, &after);
        assert!(
            changed.iter().any(|p| p.starts_with("environments/")),
            "the new service is called from the roots"
        );
        let modules: Vec<&String> = changed
            .iter()
            .filter(|p| p.starts_with("modules/"))
            .collect();
        assert!(modules.is_empty(), "a copy of {from} changed {modules:?}");
        // Its settings are an entry of the roots' `services` map and its identifiers one of
        // their `services` output: no variable or output is declared.
        let declared: Vec<&String> = changed
            .iter()
            .filter(|p| p.ends_with("/variables.tf") || p.ends_with("/outputs.tf"))
            .collect();
        assert!(declared.is_empty(), "a copy of {from} changed {declared:?}");
        for env in platform.env_names() {
            let tfvars = format!("environments/{env}/terraform.tfvars");
            assert!(
                after
                    .get(&tfvars)
                    .is_some_and(|t| t.contains("  billing = {")),
                "{tfvars} has no entry for billing"
            );
        }
    }
}

#[test]
fn adding_a_service_changes_no_pulumi_component() {
    let platform = example("platform");
    for from in ["api", "worker"] {
        let before = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        let after = iacgen::render_pulumi(&with_service(&platform, from, "billing"))
            .unwrap_or_else(|p| panic!("{p:?}"));
        let changed = changed(&before, &after);
        assert!(changed.iter().any(|p| p.ends_with("__main__.py")));
        let components: Vec<&String> = changed
            .iter()
            .filter(|p| p.contains("components/"))
            .collect();
        assert!(
            components.is_empty(),
            "a copy of {from} changed {components:?}"
        );
    }
}

#[test]
fn a_thousand_services_share_the_module_code_of_two() {
    let platform = example("platform");
    let mut big = platform.clone();
    for i in 0..1_000 {
        big = with_service(
            &big,
            if i % 3 == 0 { "worker" } else { "api" },
            &format!("svc{i:04}"),
        );
    }
    let small = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let large = iacgen::render(&big).unwrap_or_else(|p| panic!("{p:?}"));
    for (path, text) in small.iter().filter(|(p, _)| p.starts_with("modules/")) {
        assert_eq!(large.get(path), Some(text), "{path}");
    }
    // The overview dashboard plus one per 50 services, each a `for_each` instance.
    let observability = large
        .get("modules/observability/main.tf")
        .expect("an observability module");
    assert!(observability.contains("chunklist(sort(keys(var.ecs_services)), 50)"));
}
