//! The ECS modules: Fargate sizes, stable addresses when services are added, length-limited
//! names, and what each service call gets.

use iacgen::model::Platform;
use iacgen::model::ecs_service::{ServiceNames, is_production_like};
use iacgen::model::fargate;
use iacgen::spec::{Format, load_str};
use iacgen::terraform::{Module, Source, modules};
use iacgen::tree::Tree;
use std::collections::BTreeSet;

/// A one-environment platform whose `ecs.services` section is `services` (YAML, indented by 4).
fn spec(services: &str) -> String {
    format!(
        "version: 1
project: shop
region: eu-west-1
environments:
  dev: {{}}
  prod: {{}}
network:
  cidr: {{ dev: 10.0.0.0/16, prod: 10.1.0.0/16 }}
  az_count: 2
  subnets:
    public: {{ prefix: 24 }}
    private: {{ prefix: 20 }}
secrets:
  db_password: {{ description: Database password }}
  stripe_key: {{ description: Stripe API key }}
ecs:
  services:
{services}"
    )
}

fn load(text: &str) -> Platform {
    load_str(text, Format::Yaml, "test.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn render(platform: &Platform) -> Tree {
    iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"))
}

const API: &str = "    api:
      image: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0
      port: 8080
      load_balancer: { public: true, health_check_path: /healthz }
      autoscaling: { min: { dev: 1, prod: 2 }, max: 6, cpu_target: 60 }
      secrets: [db_password]
";
const WORKER: &str = "    worker:
      image: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/worker:1.0.0
      cpu: 512
      memory: 1024
";
const ADMIN: &str = "    admin:
      image: nginx:1.27
      port: 80
      load_balancer: { public: false, certificate_arn: \"arn:aws:acm:eu-west-1:111111111111:certificate/abc\" }
";

#[test]
fn every_invalid_fargate_pair_is_rejected_with_the_valid_range() {
    let cpus = [
        128, 256, 300, 512, 1024, 2048, 3072, 4096, 8192, 16384, 32768,
    ];
    for cpu in cpus {
        for memory in (512..=131072).step_by(512) {
            let text = spec(&format!(
                "    api:\n      image: nginx:1.27\n      cpu: {cpu}\n      memory: {memory}\n"
            ));
            let result = load_str(&text, Format::Yaml, "test.yaml");
            match (fargate::check(cpu, memory), result) {
                (Ok(()), Ok(_)) => {}
                (Ok(()), Err(e)) => panic!("cpu {cpu} memory {memory} is valid but: {e}"),
                (Err(_), Ok(_)) => panic!("cpu {cpu} memory {memory} was accepted"),
                (Err(_), Err(e)) => {
                    let text = e.to_string();
                    let expected = match fargate::memory_choice(cpu) {
                        Some(choice) => format!(
                            "memory {memory} is not valid with cpu {cpu} (valid: {})",
                            choice.describe()
                        ),
                        None => format!("cpu {cpu} is not a Fargate CPU size (valid: 256, 512,"),
                    };
                    assert!(text.contains(&expected), "{text}\nexpected: {expected}");
                }
            }
        }
    }
}

#[test]
fn fargate_table_matches_the_published_sizes() {
    // AWS's table of task sizes, written out here independently of the range notation.
    let published: [(u32, &[u32]); 3] = [
        (256, &[512, 1024, 2048]),
        (512, &[1024, 2048, 3072, 4096]),
        (1024, &[2048, 3072, 4096, 5120, 6144, 7168, 8192]),
    ];
    for (cpu, sizes) in published {
        let choice = fargate::memory_choice(cpu).unwrap_or_else(|| panic!("cpu {cpu}"));
        assert_eq!(choice.values(), sizes, "cpu {cpu}");
    }
    let largest = fargate::memory_choice(16384).map(|c| c.values());
    assert_eq!(largest.as_ref().and_then(|v| v.first()), Some(&32768));
    assert_eq!(largest.as_ref().and_then(|v| v.last()), Some(&122880));
}

fn parse(text: &str) -> hcl::Body {
    hcl::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Whether `new` keeps everything `old` has: the same value, or for objects (maps keyed by
/// service, as in the observability call) the same entries plus others.
fn keeps_expr(old: &hcl::Expression, new: &hcl::Expression) -> bool {
    match (old, new) {
        (hcl::Expression::Object(old), hcl::Expression::Object(new)) => old
            .iter()
            .all(|(k, v)| new.get(k).is_some_and(|n| keeps_expr(v, n))),
        _ => old == new,
    }
}

/// Whether `new` keeps every attribute and block of `old`, in the sense of [`keeps_expr`].
fn keeps_body(old: &hcl::Body, new: &hcl::Body) -> bool {
    let attrs_kept = old.attributes().all(|a| {
        new.attributes()
            .any(|b| b.key == a.key && keeps_expr(&a.expr, &b.expr))
    });
    let blocks_kept = old.blocks().all(|a| {
        new.blocks().any(|b| {
            b.identifier == a.identifier && b.labels == a.labels && keeps_body(&a.body, &b.body)
        })
    });
    attrs_kept && blocks_kept
}

#[test]
fn adding_a_service_only_adds_resources() {
    let before = render(&load(&spec(API)));
    // `admin` sorts before `api`: order of calls must not matter either.
    let after = render(&load(&spec(&format!("{ADMIN}{API}{WORKER}"))));
    for (path, old) in before.iter() {
        let Some(new) = after.get(path) else {
            panic!("{path} is gone");
        };
        if path.starts_with("modules/") {
            // Module code never names a service: the dashboards loop over them too.
            assert!(old == new, "{path} changed");
        } else if path.ends_with(".tf") || path.ends_with(".tfvars") {
            let kept = keeps_body(&parse(old), &parse(new));
            assert!(kept, "{path} lost or changed something:\n{old}");
        }
    }
    let added: Vec<&str> = after.paths().filter(|p| before.get(p).is_none()).collect();
    assert!(added.is_empty(), "a service adds no files: {added:?}");
}

fn service_calls(platform: &Platform) -> Vec<Module> {
    modules(platform)
        .into_iter()
        .filter(|m| m.dir == "ecs-service")
        .collect()
}

#[test]
fn every_service_shares_one_module_code() {
    let platform = load(&spec(&format!("{ADMIN}{API}{WORKER}")));
    let calls = service_calls(&platform);
    assert_eq!(
        calls.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["service_admin", "service_api", "service_worker"]
    );
    let variables =
        |m: &Module| -> Vec<String> { m.inputs.iter().map(|i| format!("{:?}", i.var)).collect() };
    for call in &calls[1..] {
        assert_eq!(call.main, calls[0].main, "{}", call.name);
        assert_eq!(variables(call), variables(&calls[0]), "{}", call.name);
        let outputs: Vec<_> = call.outputs.iter().map(|o| format!("{o:?}")).collect();
        let first: Vec<_> = calls[0].outputs.iter().map(|o| format!("{o:?}")).collect();
        assert_eq!(outputs, first);
    }
}

/// The expression a root passes for input `name` of a module call in `env`.
fn input(call: &Module, name: &str, env: &str) -> String {
    let input = call
        .inputs
        .iter()
        .find(|i| i.var.name == name)
        .unwrap_or_else(|| panic!("{} has no input {name}", call.name));
    let expr = match &input.source {
        Source::Wired(e) => e.clone(),
        Source::Setting(values) => values.get(env).cloned().unwrap_or(hcl::Expression::Null),
    };
    iacgen::hcl::print_expr(&expr)
}

#[test]
fn execution_role_reads_only_its_own_secrets() {
    let platform = load(&spec(&format!("{API}{WORKER}")));
    let calls = service_calls(&platform);
    let api = input(&calls[0], "secrets", "dev");
    assert!(
        api.contains("DB_PASSWORD") && api.contains("db_password"),
        "{api}"
    );
    assert!(!api.contains("stripe"), "{api}");
    assert_eq!(input(&calls[1], "secrets", "dev"), "{}");
}

#[test]
fn parts_a_service_lacks_are_null() {
    let platform = load(&spec(&format!("{API}{WORKER}")));
    let calls = service_calls(&platform);
    let worker = &calls[1];
    assert_eq!(input(worker, "load_balancer", "dev"), "null");
    assert_eq!(input(worker, "port", "dev"), "null");
    assert_eq!(input(worker, "cpu_target", "dev"), "null");
    // Without autoscaling the scalable target pins the count to `desired`.
    for var in ["min_capacity", "max_capacity", "desired_count"] {
        assert_eq!(input(worker, var, "prod"), "1", "{var}");
    }
    let api = &calls[0];
    assert_eq!(input(api, "min_capacity", "prod"), "2");
    assert_eq!(input(api, "max_capacity", "prod"), "6");
    assert_eq!(
        input(api, "desired_count", "prod"),
        "2",
        "desired is raised to min"
    );
}

#[test]
fn load_balancers_are_deletion_protected_in_production_like_environments() {
    let platform = load(&spec(API));
    let api = &service_calls(&platform)[0];
    assert!(input(api, "load_balancer", "prod").contains("deletion_protection = true"));
    assert!(input(api, "load_balancer", "dev").contains("deletion_protection = false"));
    assert!(is_production_like("prod-eu") && !is_production_like("preprod"));
}

const LONG_PROJECT: &str = "abcdefghijklmnopqrstuvwx"; // 24 characters, the most allowed
const LONG_ENV: &str = "production-eu-central-01"; // 24
// 63 characters, the most allowed, sharing all but the last.
const LONG_SERVICE_A: &str = "customer-notification-service-customer-notification-service-cu1";
const LONG_SERVICE_B: &str = "customer-notification-service-customer-notification-service-cu2";

#[test]
fn long_names_fit_aws_limits_and_never_collide() {
    let mut all = BTreeSet::new();
    for service in [LONG_SERVICE_A, LONG_SERVICE_B] {
        let names = ServiceNames::new(LONG_PROJECT, LONG_ENV, service);
        assert!(names.load_balancer.len() <= 32, "{names:?}");
        assert!(names.target_group.len() <= 32, "{names:?}");
        assert!(names.execution_role.len() <= 64, "{names:?}");
        assert!(names.task_role.len() <= 64, "{names:?}");
        for name in [&names.load_balancer, &names.target_group] {
            let ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            assert!(
                ok && !name.starts_with('-') && !name.ends_with('-'),
                "{name}"
            );
        }
        // Recognisable: a cut name still starts with the project.
        assert!(
            names.load_balancer.starts_with(&LONG_PROJECT[..20]),
            "{names:?}"
        );
        // Stable: the same input always gives the same names.
        assert_eq!(names, ServiceNames::new(LONG_PROJECT, LONG_ENV, service));
        all.insert(names.execution_role.clone());
        all.insert(names.task_role.clone());
        all.insert(format!("lb:{}", names.load_balancer));
        all.insert(format!("tg:{}", names.target_group));
    }
    assert_eq!(all.len(), 8, "two services share a name: {all:?}");
}

#[test]
fn many_similar_services_get_distinct_names() {
    let mut seen = BTreeSet::new();
    for i in 0..500 {
        let service = format!("customer-notification-svc-{i:03}");
        let names = ServiceNames::new(LONG_PROJECT, LONG_ENV, &service);
        assert!(seen.insert(names.load_balancer.clone()), "{service}");
        assert!(names.load_balancer.len() <= 32);
    }
}

#[test]
fn short_names_are_kept_whole() {
    let names = ServiceNames::new("shop", "dev", "api");
    assert_eq!(names.load_balancer, "shop-dev-api");
    assert_eq!(names.execution_role, "shop-dev-api-execution");
    assert_eq!(names.task_role, "shop-dev-api-task");
}

#[test]
fn the_long_names_example_renders_names_within_limits() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ecs-long-names.yaml");
    let platform = iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let tree = render(&platform);
    let tfvars = tree
        .get(&format!("environments/{LONG_ENV}/terraform.tfvars"))
        .unwrap_or_default();
    let body = parse(tfvars);
    let mut lb_names = BTreeSet::new();
    // Every service's settings: the entries of the `services` map.
    let services = body
        .attributes()
        .find(|a| a.key.as_str() == "services")
        .map(|a| a.expr.clone());
    let Some(hcl::Expression::Object(services)) = services else {
        panic!("no services in {tfvars}")
    };
    let settings: Vec<(String, &hcl::Expression)> = services
        .iter()
        .flat_map(|(service, entry)| match entry {
            hcl::Expression::Object(fields) => fields
                .iter()
                .map(|(k, v)| (format!("{service}.{k}"), v))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    assert!(!settings.is_empty());
    for (key, expr) in settings {
        let key = key.as_str();
        if key.ends_with("_role_name") {
            let hcl::Expression::String(name) = expr else {
                panic!("{key}")
            };
            assert!(name.len() <= 64, "{key} = {name}");
        }
        if key.ends_with(".load_balancer") {
            let hcl::Expression::Object(lb) = expr else {
                panic!("{key}")
            };
            for (k, v) in lb.iter() {
                let field = match k {
                    hcl::ObjectKey::Identifier(id) => id.to_string(),
                    hcl::ObjectKey::Expression(e) => format!("{e:?}"),
                    _ => String::new(),
                };
                if field.contains("name") {
                    let hcl::Expression::String(name) = v else {
                        panic!("{key}.{field}")
                    };
                    assert!(name.len() <= 32, "{key}.{field} = {name}");
                    assert!(
                        lb_names.insert(format!("{field}:{name}")),
                        "{name} used twice"
                    );
                }
            }
        }
    }
    assert_eq!(
        lb_names.len(),
        4,
        "two ALB and two target group names: {lb_names:?}"
    );
}

/// The attribute `attr` of `resource "<kind>" "<name>"` (or of an `output`) in `text`, printed.
fn attribute(text: &str, block: &[&str], attr: &str) -> Option<String> {
    let body = parse(text);
    let found = body.blocks().find(|b| {
        let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
        b.identifier() == block[0] && labels == block[1..]
    })?;
    found
        .body()
        .attributes()
        .find(|a| a.key() == attr)
        .map(|a| iacgen::hcl::print_expr(a.expr()))
}

#[test]
fn the_service_waits_for_the_listener_that_forwards_to_its_target_group() {
    let tree = render(&load(&spec(ADMIN)));
    let main = tree.get("modules/ecs-service/main.tf").unwrap();
    // With a certificate the HTTPS listener forwards (HTTP only redirects): the service must
    // wait for it, or ECS refuses a target group that belongs to no load balancer yet.
    let https = ["resource", "aws_lb_listener", "https"];
    assert!(main.contains("resource \"aws_lb_listener\" \"https\""));
    assert!(attribute(main, &https, "certificate_arn").is_some());
    let depends =
        attribute(main, &["resource", "aws_ecs_service", "this"], "depends_on").unwrap_or_default();
    assert!(depends.contains("aws_lb_listener.https"), "{depends}");
    assert!(depends.contains("aws_lb_listener.http"), "{depends}");
}

#[test]
fn services_read_the_cluster_through_its_capacity_providers() {
    let tree = render(&load(&spec(API)));
    let outputs = tree.get("modules/ecs-cluster/outputs.tf").unwrap();
    let name = attribute(outputs, &["output", "cluster_name"], "value").unwrap_or_default();
    assert!(
        name.starts_with("aws_ecs_cluster_capacity_providers.this."),
        "{name}"
    );
    let arn_after =
        attribute(outputs, &["output", "cluster_arn"], "depends_on").unwrap_or_default();
    assert!(
        arn_after.contains("aws_ecs_cluster_capacity_providers.this"),
        "{arn_after}"
    );
    // The service module takes both from the cluster module's outputs.
    let root = tree.get("environments/dev/main.tf").unwrap();
    assert!(root.contains("module.ecs_cluster.cluster_arn"));
    assert!(root.contains("module.ecs_cluster.cluster_name"));
}

#[test]
fn each_environment_gets_its_own_certificate() {
    let admin = ADMIN.replace(
        "certificate_arn: \"arn:aws:acm:eu-west-1:111111111111:certificate/abc\"",
        "certificate_arn: { dev: \"arn:aws:acm:eu-west-1:111111111111:certificate/dev\", \
         prod: \"arn:aws:acm:eu-west-1:222222222222:certificate/prod\" }",
    );
    assert_ne!(admin, ADMIN);
    let text = spec(&admin)
        .replace("dev: {}", "dev: { account_id: \"111111111111\" }")
        .replace("prod: {}", "prod: { account_id: \"222222222222\" }");
    let calls = service_calls(&load(&text));
    for (env, id) in [("dev", "dev"), ("prod", "prod")] {
        let lb = input(&calls[0], "load_balancer", env);
        assert!(lb.contains(&format!("certificate/{id}\"")), "{env}: {lb}");
    }
    // The same certificate for both accounts is refused where it cannot work.
    let shared = spec(ADMIN).replace("prod: {}", "prod: { account_id: \"222222222222\" }");
    let error = load_str(&shared, Format::Yaml, "test.yaml")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains(
            "test.yaml:21:56: ecs.services.admin.load_balancer.certificate_arn: in prod: the \
             certificate belongs to account 111111111111 but prod runs in account 222222222222"
        ),
        "{error}"
    );
}

#[test]
fn access_logs_reach_the_load_balancer_of_each_environment() {
    let admin = ADMIN.replace(
        "load_balancer: { public: false,",
        "load_balancer: { access_logs: { bucket: { dev: dev-logs, prod: prod-logs }, prefix: \
         admin }, public: false,",
    );
    assert_ne!(admin, ADMIN);
    let platform = load(&spec(&admin));
    let calls = service_calls(&platform);
    for env in ["dev", "prod"] {
        let lb = input(&calls[0], "load_balancer", env);
        assert!(
            lb.contains(&format!("bucket = \"{env}-logs\"")) && lb.contains("prefix = \"admin\""),
            "{env}: {lb}"
        );
    }
    let main = render(&platform);
    let main = main.get("modules/ecs-service/main.tf").unwrap();
    assert!(main.contains("dynamic \"access_logs\""));
    // Without access_logs the object says null: the load balancer writes none.
    let calls = service_calls(&load(&spec(ADMIN)));
    let lb = input(&calls[0], "load_balancer", "dev");
    assert!(
        lb.lines()
            .any(|l| l.trim_start().starts_with("access_logs ") && l.ends_with("= null")),
        "{lb}"
    );
}

#[test]
fn failed_deployments_fail_the_apply_and_the_grace_period_is_the_specs() {
    let api = API.replace(
        "      port: 8080\n",
        "      port: 8080\n      health_check_grace_period_seconds: 180\n",
    );
    assert_ne!(api, API);
    let platform = load(&spec(&format!("{api}{WORKER}")));
    let calls = service_calls(&platform);
    assert_eq!(
        input(&calls[0], "health_check_grace_period_seconds", "dev"),
        "180"
    );
    assert_eq!(
        input(&calls[1], "health_check_grace_period_seconds", "dev"),
        "60"
    );
    let tree = render(&platform);
    let main = tree.get("modules/ecs-service/main.tf").unwrap();
    let service = ["resource", "aws_ecs_service", "this"];
    assert_eq!(
        attribute(main, &service, "wait_for_steady_state").as_deref(),
        Some("true")
    );
    assert_eq!(
        attribute(main, &service, "health_check_grace_period_seconds").as_deref(),
        Some("var.load_balancer == null ? null : var.health_check_grace_period_seconds")
    );
    assert!(
        main.contains("deployment_circuit_breaker {\n    enable   = true\n    rollback = true")
    );
}

#[test]
fn exec_is_opt_in_and_brings_its_permissions_and_writable_paths() {
    let api = API.replace(
        "      port: 8080\n",
        "      port: 8080\n      exec: true\n      writable_paths: [/tmp, /var/cache/app]\n",
    );
    assert_ne!(api, API);
    let platform = load(&spec(&format!("{api}{WORKER}")));
    let calls = service_calls(&platform);
    assert_eq!(input(&calls[0], "exec", "dev"), "true");
    assert_eq!(input(&calls[1], "exec", "dev"), "false");
    let volumes = input(&calls[0], "writable_volumes", "dev");
    for (volume, path) in [
        ("tmp", "/tmp"),
        ("var-cache-app", "/var/cache/app"),
        ("var-lib-amazon", "/var/lib/amazon"),
        ("var-log-amazon", "/var/log/amazon"),
    ] {
        assert!(volumes.contains(volume), "{volume}: {volumes}");
        assert!(
            volumes.contains(&format!("\"{path}\"")),
            "{path}: {volumes}"
        );
    }
    assert_eq!(input(&calls[1], "writable_volumes", "dev"), "{}");
    let tree = render(&platform);
    let main = tree.get("modules/ecs-service/main.tf").unwrap();
    let service = ["resource", "aws_ecs_service", "this"];
    assert_eq!(
        attribute(main, &service, "enable_execute_command").as_deref(),
        Some("var.exec")
    );
    let policy = ["resource", "aws_iam_role_policy", "exec"];
    assert_eq!(
        attribute(main, &policy, "role").as_deref(),
        Some("aws_iam_role.task.id")
    );
    for action in [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "kms:Decrypt",
        "logs:PutLogEvents",
    ] {
        assert!(main.contains(&format!("\"{action}\"")), "{action}");
    }
    let containers = attribute(
        main,
        &["resource", "aws_ecs_task_definition", "this"],
        "container_definitions",
    )
    .unwrap_or_default();
    assert!(containers.contains("mountPoints"), "{containers}");
    assert!(main.contains("dynamic \"volume\""));
}

#[test]
fn a_target_group_whose_port_changes_is_replaced_create_first_under_a_new_name() {
    let names = ServiceNames::new(LONG_PROJECT, LONG_ENV, "customer-notification-service");
    let (a, b) = (names.target_group_for(8080), names.target_group_for(8081));
    assert_ne!(a, b, "a new port must give a new name");
    assert_eq!(
        a,
        names.target_group_for(8080),
        "the same port keeps its name"
    );
    assert!(a.len() <= 32 && b.len() <= 32, "{a} {b}");
    let short = ServiceNames::new("shop", "dev", "api").target_group_for(8080);
    assert!(
        short.starts_with("shop-dev-api-") && short.len() == 17,
        "{short}"
    );
    // The name written is the one for the service's port, and the target group is replaced
    // create-before-destroy (the listener still uses the old one until it moves).
    let platform = load(&spec(API));
    let lb = input(&service_calls(&platform)[0], "load_balancer", "dev");
    assert!(lb.contains(&format!("\"{short}\"")), "{lb}");
    let tree = render(&platform);
    let main = tree.get("modules/ecs-service/main.tf").unwrap();
    let body = parse(main);
    let target_group = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels().iter().map(|l| l.as_str()).collect::<Vec<_>>()
                    == ["aws_lb_target_group", "this"]
        })
        .unwrap();
    let lifecycle = target_group
        .body()
        .blocks()
        .find(|b| b.identifier() == "lifecycle")
        .unwrap();
    let cbd = lifecycle
        .body()
        .attributes()
        .find(|a| a.key() == "create_before_destroy")
        .map(|a| iacgen::hcl::print_expr(a.expr()));
    assert_eq!(cbd.as_deref(), Some("true"));
}
