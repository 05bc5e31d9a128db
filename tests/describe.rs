//! The description layer's promise: a resource is written once, in a component's description
//! (`src/describe/`), and both targets render it; adding one is one edit.

use iacgen::describe::{self, Item, Resource, res, s, tpl};
use std::path::Path;

#[test]
fn a_resource_added_to_a_description_appears_in_both_targets() {
    let platform = iacgen::spec::load_file(Path::new("examples/platform.yaml"))
        .unwrap_or_else(|e| panic!("the example loads: {e:?}"));
    let Some(network) = platform.network.as_ref() else {
        panic!("the example has a network");
    };
    let mut component = describe::network::component(&platform, network);
    // The one edit: IPv6 egress through the internet gateway.
    component.items.push(Item::Resource(
        Resource::new("aws_route", "public_ipv6", tpl("{name}-public-ipv6"))
            .arg(
                "route_table_id",
                res("aws_route_table", "public").attr("id"),
            )
            .arg("destination_ipv6_cidr_block", s("::/0"))
            .arg("gateway_id", res("aws_internet_gateway", "this").attr("id"))
            .untagged(),
    ));

    let terraform = iacgen::hcl::print_body(&iacgen::terraform::render::module(&component).main);
    let expected = "resource \"aws_route\" \"public_ipv6\" {
  route_table_id              = aws_route_table.public.id
  destination_ipv6_cidr_block = \"::/0\"
  gateway_id                  = aws_internet_gateway.this.id
}";
    assert!(terraform.contains(expected), "{terraform}");

    let pulumi =
        iacgen::pulumi::print::module(&iacgen::pulumi::render::component(&component).file());
    let expected = "        aws.ec2.Route(
            f\"{name}-public-ipv6\",
            route_table_id=public_route_table.id,
            destination_ipv6_cidr_block=\"::/0\",
            gateway_id=internet_gateway.id,
            opts=child,
        )";
    assert!(pulumi.contains(expected), "{pulumi}");
}

/// Every resource of every example's described components (network, EKS, observability) is
/// in both targets' output once.
/// Every resource of every example's network, EKS and secrets descriptions is in both
/// targets' output once.
#[test]
fn every_described_resource_is_rendered_by_both_targets() {
    for entry in std::fs::read_dir("examples").unwrap_or_else(|e| panic!("examples/: {e}")) {
        let path = entry.unwrap_or_else(|e| panic!("examples/: {e}")).path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let platform = iacgen::spec::load_file(&path)
            .unwrap_or_else(|e| panic!("{} loads: {e:?}", path.display()));
        let mut components = Vec::new();
        if let Some(network) = platform.network.as_ref() {
            components.push(describe::network::component(&platform, network));
        }
        if let Some(eks) = platform.eks.as_ref() {
            components.push(describe::eks::component(&platform, eks));
        }
        components.extend(describe::observability::component(&platform));
        if let Some(ecs) = platform.ecs.as_ref() {
            for (name, svc) in &ecs.services {
                components.push(describe::ecs_service::component(&platform, name, svc));
            }
        }
        if platform.ecs.is_some() {
            components.push(describe::ecs_cluster::component(&platform));
        }
        // The components the wired inputs come from.
        let built = iacgen::pulumi::components(&platform);
        if !platform.secrets.is_empty() {
            components.push(describe::secrets::component(&platform));
        }
        for component in &components {
            rendered_once(&path, component, &built);
        }
    }
}

fn rendered_once(
    path: &Path,
    component: &describe::Component,
    built: &[iacgen::pulumi::component::Component],
) {
    let terraform = iacgen::hcl::print_body(&iacgen::terraform::render::module(component).main);
    let rendered = iacgen::pulumi::render::component_in(component, built)
        .unwrap_or_else(|| panic!("{}: {} renders", path.display(), component.module));
    let pulumi = iacgen::pulumi::print::module(&rendered.file());
    let resources: Vec<&Resource> = component.resources().collect();
    for r in &resources {
        let block = match r.kind.strip_prefix("data.") {
            Some(kind) => format!("data \"{kind}\" \"{}\" {{", r.name),
            None if describe::ephemeral(r.kind) => {
                format!("ephemeral \"{}\" \"{}\" {{", r.kind, r.name)
            }
            None => format!("resource \"{}\" \"{}\" {{", r.kind, r.name),
        };
        assert_eq!(
            terraform.matches(&block).count(),
            1,
            "{}: {block}",
            path.display()
        );
    }
    // One constructor call per described resource (keyed ones in a loop or comprehension:
    // `key: aws.x.Y(`, `var = aws.x.Y(`).
    let constructors = pulumi
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            let call = l
                .split_once(": ")
                .or_else(|| l.split_once(" = "))
                .filter(|(head, _)| {
                    head.chars()
                        .all(|c| c.is_alphanumeric() || "_.".contains(c))
                })
                .map_or(l, |(_, rest)| rest);
            (call.starts_with("aws.") || call.starts_with("random.")) && call.ends_with('(')
        })
        .count();
    assert_eq!(
        constructors,
        resources.len(),
        "{} ({})\n{pulumi}",
        path.display(),
        component.module
    );
}

/// Nested blocks (one, repeated, one per element) and ignored changes are written once and
/// come out as each target spells them: Terraform blocks and `dynamic`, Pulumi dicts and lists
/// under the plural name.
#[test]
fn nested_blocks_are_described_once_for_both_targets() {
    use describe::{Expr, Keys, block, input};
    let platform = iacgen::spec::load_file(Path::new("examples/platform.yaml"))
        .unwrap_or_else(|e| panic!("the example loads: {e:?}"));
    let Some(network) = platform.network.as_ref() else {
        panic!("the example has a network");
    };
    let mut component = describe::network::component(&platform, network);
    component.items.push(Item::Resource(
        Resource::new("aws_security_group", "demo", tpl("{name}-demo"))
            .arg("vpc_id", res("aws_vpc", "this").attr("id"))
            .arg(
                "timeouts",
                block(vec![("create", s("5m")), ("delete", s("15m"))]),
            )
            .comment("timeouts", "Deleting waits for network interfaces to go.")
            .arg(
                "egress",
                Expr::Blocks(vec![block(vec![
                    ("protocol", s("-1")),
                    ("cidr_blocks", describe::strs(["0.0.0.0/0"])),
                ])]),
            )
            .arg(
                "ingress",
                Expr::Dynamic(
                    Box::new(Keys::set(input("azs"), "az")),
                    vec![
                        ("description".to_string(), Expr::Var("az")),
                        ("protocol".to_string(), s("tcp")),
                    ],
                ),
            )
            .ignore_changes(vec!["description"], "The console edits it."),
    ));

    let terraform = iacgen::hcl::print_body(&iacgen::terraform::render::module(&component).main);
    let expected = "  vpc_id = aws_vpc.this.id

  # Deleting waits for network interfaces to go.
  timeouts {
    create = \"5m\"
    delete = \"15m\"
  }

  egress {
    protocol    = \"-1\"
    cidr_blocks = [\"0.0.0.0/0\"]
  }

  dynamic \"ingress\" {
    for_each = var.azs
    iterator = az

    content {
      description = az.value
      protocol    = \"tcp\"
    }
  }

  tags = merge(var.tags, {
    Name = \"${var.name}-demo\"
  })

  lifecycle {
    # The console edits it.
    ignore_changes = [description]
  }
}";
    assert!(terraform.contains(expected), "{terraform}");

    let pulumi =
        iacgen::pulumi::print::module(&iacgen::pulumi::render::component(&component).file());
    for expected in [
        "timeouts={\"create\": \"5m\", \"delete\": \"15m\"},",
        "egress=[{\"protocol\": \"-1\", \"cidr_blocks\": [\"0.0.0.0/0\"]}],",
        "ingress=[{\"description\": az, \"protocol\": \"tcp\"} for az in args.azs],",
        "ignore_changes=[\"description\"]",
    ] {
        assert!(pulumi.contains(expected), "{expected}\n{pulumi}");
    }
}

/// The ECS service's described part (log group, roles, policies) is in the committed
/// reference output of both targets once: both Terraform module directories (the pipeline
/// variant shares the description) and the Python component.
#[test]
fn every_described_ecs_service_resource_is_rendered_by_both_targets() {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let items = describe::ecs_service::logs_and_roles();
    let resources: Vec<&Resource> = items
        .iter()
        .filter_map(|i| match i {
            Item::Resource(r) => Some(r),
            Item::Local(_) => None,
        })
        .collect();
    for dir in ["modules/ecs-service", "modules/ecs-service-pipeline"] {
        let terraform = read(&format!("{dir}/main.tf"));
        for r in &resources {
            let block = format!("resource \"{}\" \"{}\" {{", r.kind, r.name);
            assert_eq!(terraform.matches(&block).count(), 1, "{dir}: {block}");
        }
    }
    let pulumi = read("reference/pulumi/components/ecs_service.py");
    for (kind, class) in [
        ("aws_cloudwatch_log_group", "aws.cloudwatch.LogGroup("),
        ("aws_iam_role", "aws.iam.Role("),
        ("aws_iam_role_policy", "aws.iam.RolePolicy("),
    ] {
        let described = resources.iter().filter(|r| r.kind == kind).count();
        assert_eq!(pulumi.matches(class).count(), described, "{class}");
    }
}

/// The ECS service's interface is its description's: an input added there is a variable of
/// the Terraform module with its value in each environment, and a field of the Pulumi
/// arguments class read from each stack's config; both targets' service calls pass exactly
/// the described inputs, in the described order.
#[test]
fn an_input_added_to_the_ecs_service_description_appears_in_both_targets() {
    use describe::{Input, Type, Value};
    use iacgen::pulumi::component::ArgSource;
    let platform = iacgen::spec::load_file(Path::new("examples/platform.yaml"))
        .unwrap_or_else(|e| panic!("the example loads: {e:?}"));
    let Some((name, svc)) = platform.ecs.as_ref().and_then(|e| e.services.iter().next()) else {
        panic!("the example has an ECS service");
    };
    let mut component = describe::ecs_service::component(&platform, name, svc);
    // The one edit: a per-environment setting.
    component.inputs.push(Input::setting(
        "stop_timeout",
        Type::Int,
        "Seconds a task has to stop before it is killed.",
        platform
            .env_names()
            .map(|e| {
                (
                    e.to_string(),
                    Value::Int(if e == "prod" { 120 } else { 30 }),
                )
            })
            .collect(),
    ));

    let module = iacgen::terraform::render::module(&component);
    let Some(input) = module.inputs.iter().find(|i| i.var.name == "stop_timeout") else {
        panic!("no Terraform variable stop_timeout");
    };
    assert_eq!(input.var.type_text(), "number");
    let iacgen::terraform::Source::Setting(values) = &input.source else {
        panic!("stop_timeout is not a setting");
    };
    let printed: Vec<(String, String)> = values
        .iter()
        .map(|(env, v)| (env.clone(), iacgen::hcl::print_expr(v)))
        .collect();
    assert!(
        printed.contains(&("prod".to_string(), "120".to_string())),
        "{printed:?}"
    );
    assert!(
        printed.contains(&("dev".to_string(), "30".to_string())),
        "{printed:?}"
    );

    let built = iacgen::pulumi::components(&platform);
    let rendered = iacgen::pulumi::render::component_in(&component, &built)
        .unwrap_or_else(|| panic!("the service renders"));
    let Some(arg) = rendered.args.iter().find(|a| a.field == "stop_timeout") else {
        panic!("no Pulumi argument stop_timeout");
    };
    assert_eq!(arg.annotation, "int");
    let ArgSource::Setting { key, values, .. } = &arg.source else {
        panic!("stop_timeout is not read from stack config");
    };
    assert_eq!(key, "stopTimeout");
    assert_eq!(values.get("prod"), Some(&serde_json::json!(120)));
    let file = iacgen::pulumi::print::module(&rendered.file());
    assert!(file.contains("    stop_timeout: int\n"), "{file}");

    // The generated calls are the description's inputs, whatever the service.
    let modules = iacgen::terraform::modules(&platform);
    let pulumi = iacgen::pulumi::components(&platform);
    for (name, svc) in platform.ecs.iter().flat_map(|e| &e.services) {
        let described = describe::ecs_service::inputs(&platform, name, svc);
        let instance = iacgen::model::ecs_service::call_name(name);
        let names = |target: describe::Target| -> Vec<String> {
            described
                .iter()
                .filter(|i| i.for_target(target))
                .map(|i| i.name.clone())
                .collect()
        };
        let Some(module) = modules.iter().find(|m| m.name == instance) else {
            panic!("no Terraform call {instance}");
        };
        let variables: Vec<String> = module.inputs.iter().map(|i| i.var.name.clone()).collect();
        assert_eq!(variables, names(describe::Target::Terraform), "{instance}");
        let Some(component) = pulumi.iter().find(|c| c.instance == instance) else {
            panic!("no Pulumi component {instance}");
        };
        // Pulumi is told the region (Terraform reads it with a data source).
        let mut expected = names(describe::Target::Pulumi);
        expected.insert(3, "region".to_string());
        let fields: Vec<String> = component.args.iter().map(|a| a.field.clone()).collect();
        assert_eq!(fields, expected, "{instance}");
    }
}
