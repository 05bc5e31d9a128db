//! Loading spec files: the SPEC.md example in three formats, every structural error with its
//! location, and hostile input.

use iacgen::model::{
    Architecture, Capacity, NatMode, PerEnv, Platform, SubnetLayout, TaintEffect, Tier,
};
use iacgen::spec::{Format, SpecError, SpecErrors, load_file, load_str};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/specs")
        .join(name)
}

fn load_fixture(name: &str) -> Platform {
    match load_file(&fixture(name)) {
        Ok(platform) => platform,
        Err(errors) => panic!("{name} should load:\n{errors}"),
    }
}

fn yaml_errors(text: &str) -> Vec<SpecError> {
    errors(text, Format::Yaml)
}

fn errors(text: &str, format: Format) -> Vec<SpecError> {
    match load_str(text, format, "spec") {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(SpecErrors(errors)) => errors,
    }
}

/// `(line, column, path, message)` of each error, for compact assertions.
fn summary(errors: &[SpecError]) -> Vec<(usize, usize, &str, &str)> {
    errors
        .iter()
        .map(|e| (e.line, e.column, e.path.as_str(), e.message.as_str()))
        .collect()
}

/// The smallest valid spec, with `extra` appended at the top level.
fn minimal(extra: &str) -> String {
    format!("version: 1\nproject: shop\nregion: eu-west-1\nenvironments:\n  dev: {{}}\n{extra}")
}

fn per_env_values<T: Clone>(value: &PerEnv<T>, envs: &[&str]) -> Vec<T> {
    envs.iter()
        .map(|env| value.get(env).cloned().expect("every env has a value"))
        .collect()
}

const ENVS: [&str; 3] = ["dev", "staging", "prod"];

// ---------------------------------------------------------------------------------------------
// The SPEC.md example

#[test]
fn spec_example_loads_identically_from_yaml_toml_and_json() {
    let yaml = load_fixture("platform.yaml");
    let toml = load_fixture("platform.toml");
    let json = load_fixture("platform.json");
    assert_eq!(yaml, toml);
    assert_eq!(yaml, json);
}

#[test]
fn spec_example_top_level_values() {
    let p = load_fixture("platform.yaml");
    assert_eq!(p.project, "payments");
    assert_eq!(per_env_values(&p.region, &ENVS), ["us-east-1"; 3]);
    // `"4242"` is quoted in the YAML, so it stays a string.
    assert_eq!(p.tags.get("CostCenter").map(String::as_str), Some("4242"));
    assert_eq!(
        p.tag_policy,
        ["Environment", "Service", "Owner", "CostCenter"]
    );
    let backend = p.backend.as_ref().expect("backend");
    assert_eq!(
        backend.bucket,
        PerEnv::all("acme-terraform-state".to_string())
    );
    assert_eq!(backend.key_prefix, PerEnv::all("payments".to_string()));
    // Environment order is the file's order, not alphabetical.
    assert_eq!(p.env_names().collect::<Vec<_>>(), ENVS);
    let prod = p.environment("prod").expect("prod");
    assert_eq!(prod.account_id.as_deref(), Some("333333333333"));
    assert_eq!(prod.tags.get("Compliance").map(String::as_str), Some("pci"));
    assert!(p.environment("dev").expect("dev").tags.is_empty());
}

#[test]
fn spec_example_network_resolves_per_environment() {
    let p = load_fixture("platform.yaml");
    let net = p.network.as_ref().expect("network");
    let cidrs: Vec<String> = per_env_values(&net.cidr, &ENVS)
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cidrs, ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"]);
    assert_eq!(per_env_values(&net.az_count, &ENVS), [2, 2, 3]);
    assert_eq!(
        per_env_values(&net.nat, &ENVS),
        [NatMode::Single, NatMode::PerAz, NatMode::PerAz]
    );
    assert_eq!(
        net.subnets.get(&Tier::Database),
        Some(&SubnetLayout::Prefix(24))
    );
    assert_eq!(
        net.subnets.get(&Tier::Private),
        Some(&SubnetLayout::Prefix(20))
    );
    assert!(!net.subnets.contains_key(&Tier::Intra));
    assert!(net.flow_logs.enabled);
    assert_eq!(net.flow_logs.retention_days, Some(PerEnv::all(365)));
    assert_eq!(net.endpoints.len(), 5);
    assert_eq!(net.azs, None);
}

#[test]
fn spec_example_eks_pools_default_and_resolve() {
    let p = load_fixture("platform.yaml");
    let eks = p.eks.as_ref().expect("eks");
    assert_eq!(eks.version, PerEnv::all("1.33".to_string()));
    assert!(!eks.endpoint_public_access);
    // No `addons` in the example: the four defaults, unpinned.
    assert_eq!(
        eks.addons.keys().map(String::as_str).collect::<Vec<_>>(),
        ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
    );
    assert!(eks.addons.values().all(Option::is_none));

    let system = &eks.node_pools["system"];
    assert_eq!(system.capacity, Capacity::OnDemand);
    assert_eq!(per_env_values(&system.max, &ENVS), [4, 4, 4]);
    assert_eq!(system.disk_size_gb, 50);
    assert_eq!(system.taints[0].effect, TaintEffect::NoSchedule);
    assert_eq!(system.taints[0].value.as_deref(), Some("true"));
    assert_eq!(
        system.labels.get("role").map(String::as_str),
        Some("system")
    );

    let apps = &eks.node_pools["apps"];
    assert_eq!(apps.capacity, Capacity::Spot);
    assert_eq!(per_env_values(&apps.min, &ENVS), [1, 3, 3]);
    assert_eq!(per_env_values(&apps.desired, &ENVS), [1, 3, 3]);
    assert_eq!(per_env_values(&apps.max, &ENVS), [3, 20, 20]);
}

#[test]
fn spec_example_services_get_defaults() {
    let p = load_fixture("platform.yaml");
    let services = &p.ecs.as_ref().expect("ecs").services;
    let api = &services["api"];
    assert_eq!(per_env_values(&api.desired, &ENVS), [1, 2, 3]);
    assert_eq!(api.port, Some(8080));
    let lb = api.load_balancer.as_ref().expect("api has a load balancer");
    assert!(lb.public);
    assert_eq!(lb.health_check_path, "/healthz");
    let scaling = api.autoscaling.as_ref().expect("autoscaling");
    assert_eq!(per_env_values(&scaling.min, &ENVS), [1, 3, 3]);
    assert_eq!(per_env_values(&scaling.max, &ENVS), [10, 10, 10]);
    assert_eq!(scaling.cpu_target, Some(60));
    assert_eq!(api.secrets, ["db_password"]);

    // worker: no port, so no load balancer; everything else defaulted.
    let worker = &services["worker"];
    assert_eq!(worker.port, None);
    assert_eq!(worker.load_balancer, None);
    assert_eq!(worker.desired, PerEnv::all(1));
    assert_eq!(worker.architecture, Architecture::X86_64);
    assert_eq!(worker.capacity, Capacity::OnDemand);
    assert!(worker.autoscaling.is_none());
}

#[test]
fn spec_example_secrets_and_observability() {
    let p = load_fixture("platform.yaml");
    let db = &p.secrets["db_password"];
    let generate = db.generate.as_ref().expect("generate");
    assert_eq!(generate.length, 32);
    assert!(generate.special);
    assert_eq!(db.rotation.as_ref().map(|r| r.days), Some(30));
    assert_eq!(db.recovery_window_days, PerEnv::all(30));
    let stripe = &p.secrets["stripe_api_key"];
    assert!(stripe.generate.is_none() && stripe.rotation.is_none());

    let o = &p.observability;
    assert_eq!(per_env_values(&o.log_retention_days, &ENVS), [30, 365, 365]);
    assert_eq!(o.alarm_emails, ["oncall@example.com"]);
    assert_eq!(o.alarms.latency_p99_seconds, 2.0);
    assert!(o.dashboard);
}

// ---------------------------------------------------------------------------------------------
// Defaults

#[test]
fn minimal_spec_gets_spec_defaults() {
    let spec = minimal(
        "backend: { s3: { bucket: shop-state, region: eu-west-1 } }\n\
         network: { cidr: 10.0.0.0/16 }\n\
         eks:\n  version: \"1.33\"\n  admins: [arn:aws:iam::123456789012:role/admin]\n  node_pools:\n    general: { instance_types: [m7i.large] }\n    \
         web: { instance_types: [m7i.large], min: { dev: 1, default: 2 } }\n\
         ecs:\n  services:\n    api: { image: api, port: 8080, autoscaling: { min: 1, max: 4 } }\n\
         secrets:\n  token: { description: API token }\n",
    );
    let p = match load_str(&spec, Format::Yaml, "minimal.yaml") {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        p.backend.as_ref().and_then(|b| b.key_prefix.get("dev")),
        Some(&"shop".to_string())
    );
    let net = p.network.as_ref().expect("network");
    assert_eq!(net.az_count, PerEnv::all(3));
    assert_eq!(net.nat, PerEnv::all(NatMode::PerAz));
    assert_eq!(
        net.subnets.iter().collect::<Vec<_>>(),
        [
            (&Tier::Public, &SubnetLayout::Prefix(24)),
            (&Tier::Private, &SubnetLayout::Prefix(20))
        ]
    );
    assert!(net.flow_logs.enabled);
    assert_eq!(net.flow_logs.retention_days, None);

    let eks = p.eks.as_ref().expect("eks");
    assert_eq!(eks.addons.len(), 4);
    assert!(eks.public_access_cidrs.is_empty() && !eks.allow_world);
    let general = &eks.node_pools["general"];
    assert_eq!(general.capacity, Capacity::OnDemand);
    assert_eq!(
        (&general.min, &general.desired, &general.max),
        (&PerEnv::all(1), &PerEnv::all(1), &PerEnv::all(1))
    );
    assert_eq!(general.disk_size_gb, 50);
    // desired and max follow the per-environment min.
    let web = &eks.node_pools["web"];
    assert_eq!(web.desired, web.min);
    assert_eq!(web.max, web.min);
    assert_eq!(web.desired.get("dev"), Some(&1));
    assert_eq!(web.desired.get("prod"), Some(&2));

    let api = &p.ecs.as_ref().expect("ecs").services["api"];
    assert_eq!(
        (&api.cpu, &api.memory),
        (&PerEnv::all(256), &PerEnv::all(512))
    );
    let lb = api
        .load_balancer
        .as_ref()
        .expect("a port gets a load balancer");
    assert!(!lb.public);
    assert_eq!(lb.health_check_path, "/");
    assert_eq!(lb.certificate_arn, None);
    let scaling = api.autoscaling.as_ref().expect("autoscaling");
    assert!(scaling.cpu_target.is_some() && scaling.memory_target.is_none());

    assert_eq!(p.secrets["token"].recovery_window_days, PerEnv::all(30));
    assert!(p.secrets["token"].replicas.is_empty());
    assert_eq!(p.observability, iacgen::model::Observability::default());
}

#[test]
fn environment_regions_override_and_can_replace_the_top_level_region() {
    let spec = "version: 1\nproject: shop\nenvironments:\n  dev: { region: eu-west-1 }\n  prod: { region: us-east-1 }\n";
    let p = load_str(spec, Format::Yaml, "s").expect("every environment sets a region");
    assert_eq!(p.region.get("dev").map(String::as_str), Some("eu-west-1"));
    assert_eq!(p.region.get("prod").map(String::as_str), Some("us-east-1"));

    let spec = "version: 1\nproject: shop\nregion: eu-west-1\nenvironments:\n  dev: {}\n  prod: { region: us-east-1 }\n";
    let p = load_str(spec, Format::Yaml, "s").expect("valid");
    assert_eq!(p.region.get("dev").map(String::as_str), Some("eu-west-1"));
    assert_eq!(p.region.get("prod").map(String::as_str), Some("us-east-1"));

    let spec = "version: 1\nproject: shop\nenvironments:\n  dev: {}\n  staging:\n  prod: { region: us-east-1 }\n";
    assert_eq!(
        summary(&yaml_errors(spec)),
        [(
            1,
            1,
            "region",
            "missing required field (or set `region` on every environment; without one: dev, staging)"
        )]
    );
}

#[test]
fn lists_are_plain_values_and_maps_are_per_environment() {
    let spec = minimal(
        "network:\n  cidr: 10.0.0.0/16\n  azs: [eu-west-1a, eu-west-1b]\n  subnets:\n    \
         public: { cidrs: { default: [10.0.0.0/24, 10.0.1.0/24], dev: [10.0.8.0/24, 10.0.9.0/24] } }\n",
    );
    let p = load_str(&spec, Format::Yaml, "s").expect("valid");
    let net = p.network.expect("network");
    let azs = net.azs.expect("azs");
    assert!(!azs.varies());
    assert_eq!(azs.get("dev").map(Vec::len), Some(2));
    let Some(SubnetLayout::Cidrs(cidrs)) = net.subnets.get(&Tier::Public) else {
        panic!("public subnets are explicit");
    };
    assert_eq!(
        cidrs.get("dev").map(|c| c[0].to_string()),
        Some("10.0.8.0/24".to_string())
    );
    assert_eq!(
        cidrs.get("prod").map(|c| c[0].to_string()),
        Some("10.0.0.0/24".to_string())
    );
}

// ---------------------------------------------------------------------------------------------
// Structural errors: message, line and column

#[test]
fn unknown_field_suggests_the_closest_and_lists_valid_fields() {
    let errors = yaml_errors(&minimal("observability:\n  dashbord: true\n  pager: x\n"));
    assert_eq!(
        summary(&errors),
        [
            (
                7,
                3,
                "observability.dashbord",
                "unknown field `dashbord`, did you mean `dashboard`? \
                 (valid: log_retention_days, alarm_emails, external_alarm_subscribers, alarms, dashboard)"
            ),
            (
                8,
                3,
                "observability.pager",
                "unknown field `pager` (valid: log_retention_days, alarm_emails, external_alarm_subscribers, alarms, dashboard)"
            ),
        ]
    );
}

#[test]
fn wrong_types_say_what_was_expected_and_found() {
    let errors = yaml_errors(&minimal(
        "ecs:\n  services:\n    api:\n      image: [x]\n      cpu: abc\n      memory: \"512\"\n      port: 8.5\n",
    ));
    assert_eq!(
        summary(&errors),
        [
            (
                9,
                7,
                "ecs.services.api.image",
                "expected a string, found a list"
            ),
            (
                10,
                12,
                "ecs.services.api.cpu",
                "expected an integer, found a string \"abc\""
            ),
            (
                11,
                15,
                "ecs.services.api.memory",
                "expected an integer, found a string \"512\" (remove the quotes)"
            ),
            (
                12,
                13,
                "ecs.services.api.port",
                "expected an integer, found a number 8.5"
            ),
        ]
    );
}

#[test]
fn numbers_that_do_not_fit_are_rejected() {
    let errors = yaml_errors(&minimal(
        "network:\n  cidr: 10.0.0.0/16\n  az_count: 300\n  subnets: { public: { prefix: -4 } }\n\
         ecs: { services: { api: { image: x, port: 70000 } } }\n",
    ));
    assert_eq!(
        summary(&errors),
        [
            (
                8,
                13,
                "network.az_count",
                "300 is too large (expected an integer from 0 to 255)"
            ),
            (
                9,
                32,
                "network.subnets.public.prefix",
                "expected a non-negative integer, found -4"
            ),
            (
                10,
                43,
                "ecs.services.api.port",
                "port 70000 is out of range (1–65535)"
            ),
        ]
    );
}

#[test]
fn a_yaml_number_where_text_is_expected_gets_a_quoting_hint() {
    let errors = yaml_errors(&minimal(
        "eks:\n  version: 1.30\n  node_pools: { a: { instance_types: [m6i.large] } }\n",
    ));
    assert_eq!(
        summary(&errors),
        [(
            7,
            12,
            "eks.version",
            "expected a string, found a number 1.30 (put it in quotes: \"1.30\")"
        )]
    );
    let errors = yaml_errors(&minimal("tags: { CostCenter: 4242 }\n"));
    assert_eq!(
        summary(&errors),
        [(
            6,
            21,
            "tags.CostCenter",
            "expected a string, found a number 4242 (put it in quotes: \"4242\")"
        )]
    );
}

#[test]
fn missing_required_fields_point_at_their_parent() {
    let errors = yaml_errors(
        "version: 1\nenvironments:\n  dev:\nsecrets:\n  db:\n    generate: { length: 32 }\n",
    );
    assert_eq!(
        summary(&errors),
        [
            (1, 1, "project", "missing required field"),
            (
                1,
                1,
                "region",
                "missing required field (or set `region` on every environment; without one: dev)"
            ),
            (5, 3, "secrets.db.description", "missing required field"),
        ]
    );
}

#[test]
fn unknown_enum_values_list_the_valid_ones() {
    let errors = yaml_errors(&minimal(
        "network:\n  cidr: 10.0.0.0/16\n  nat: { dev: singel, default: nat_gateway }\n",
    ));
    assert_eq!(
        summary(&errors),
        [
            (
                8,
                15,
                "network.nat.dev",
                "unknown value `singel`, did you mean `single`? (valid: none, single, per_az)"
            ),
            (
                8,
                32,
                "network.nat.default",
                "unknown value `nat_gateway` (valid: none, single, per_az)"
            ),
        ]
    );
}

#[test]
fn secret_values_are_always_rejected() {
    let spec = minimal("secrets:\n  db:\n    description: DB\n    value: hunter2\n");
    let errors = yaml_errors(&spec);
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(
        (e.line, e.column, e.path.as_str()),
        (9, 5, "secrets.db.value")
    );
    assert!(
        e.message.starts_with("secret values never go in a spec"),
        "{}",
        e.message
    );
    // Never echoed back, in any format.
    let json = r#"{"version": 1, "project": "shop", "region": "eu-west-1", "environments": {"dev": {}},
        "secrets": {"db": {"description": "DB", "value": "hunter2"}}}"#;
    let errors = errors_for(json, Format::Json);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "secrets.db.value");
    assert!(!errors.iter().any(|e| e.message.contains("hunter2")));
}

fn errors_for(text: &str, format: Format) -> Vec<SpecError> {
    errors(text, format)
}

#[test]
fn only_version_1_is_supported() {
    let errors =
        yaml_errors("version: 2\nproject: shop\nregion: eu-west-1\nenvironments: { dev: {} }\n");
    assert_eq!(
        summary(&errors),
        [(
            1,
            10,
            "version",
            "unsupported spec version 2 (supported versions: 1)"
        )]
    );
    let errors = yaml_errors(
        "version: \"1\"\nproject: shop\nregion: eu-west-1\nenvironments: { dev: {} }\n",
    );
    assert_eq!(
        summary(&errors),
        [(
            1,
            10,
            "version",
            "expected the spec format version (supported versions: 1), found a string \"1\""
        )]
    );
}

#[test]
fn load_balancer_needs_a_port() {
    let errors = yaml_errors(&minimal(
        "ecs:\n  services:\n    worker:\n      image: w\n      load_balancer: { public: true }\n",
    ));
    assert_eq!(
        summary(&errors),
        [(
            10,
            7,
            "ecs.services.worker.load_balancer",
            "a load balancer needs a `port`: add `port` or remove `load_balancer`"
        )]
    );
}

#[test]
fn subnet_tiers_and_cidrs_are_checked() {
    let errors = yaml_errors(&minimal(
        "network:\n  cidr: 10.0.0.1/16\n  subnets:\n    privat: { prefix: 20 }\n    \
         public: { prefix: 24, cidrs: [10.0.0.0/24] }\n    intra: { cidrs: [ten] }\n",
    ));
    assert_eq!(
        summary(&errors),
        [
            (
                7,
                9,
                "network.cidr",
                "10.0.0.1/16 has host bits set: the network is 10.0.0.0/16"
            ),
            (
                9,
                5,
                "network.subnets.privat",
                "unknown subnet tier `privat`, did you mean `private`? \
                 (valid: public, private, database, intra)"
            ),
            (
                10,
                5,
                "network.subnets.public",
                "give either `prefix` or `cidrs`, not both"
            ),
            (
                11,
                22,
                "network.subnets.intra.cidrs[0]",
                "expected an IPv4 CIDR such as 10.0.0.0/16, found \"ten\""
            ),
        ]
    );
}

#[test]
fn every_error_in_a_file_is_reported_in_order() {
    let text = std::fs::read_to_string(fixture("bad-many.yaml")).expect("fixture");
    let errors = yaml_errors(&text);
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            // The misspelt `region` is also missing.
            "region",
            "regoin",
            "tags.Owner",
            "environments.prod.acount_id",
            "network.nat.prod",
            "eks.node_pools.apps.instance_types",
            "eks.node_pools.apps.taints[0].effect",
            "ecs.services.api.memroy",
            "ecs.services.api.architecture",
            "secrets.db.value",
            "observability.dashboard",
        ]
    );
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

#[test]
fn the_same_mistakes_are_located_in_toml_and_json() {
    let toml = "version = 1\nproject = \"shop\"\nregion = \"eu-west-1\"\n\n[environments.dev]\n\
                acount_id = \"1\"\n\n[eks]\nversion = 1.30\n\n[eks.node_pools.a]\nmin = -1\n";
    assert_eq!(
        summary(&errors(toml, Format::Toml)),
        [
            (
                6,
                1,
                "environments.dev.acount_id",
                "unknown field `acount_id`, did you mean `account_id`? (valid: account_id, region, tags, protect, role_arn)"
            ),
            (
                9,
                11,
                "eks.version",
                "expected a string, found a number 1.30 (put it in quotes: \"1.30\")"
            ),
            (
                11,
                17,
                "eks.node_pools.a.instance_types",
                "missing required field"
            ),
            (
                12,
                7,
                "eks.node_pools.a.min",
                "expected a non-negative integer, found -1"
            ),
        ]
    );
    let json = "{\n  \"version\": 1,\n  \"project\": \"shop\",\n  \"region\": \"eu-west-1\",\n  \
                \"environments\": {\"dev\": {\"acount_id\": \"1\"}},\n  \
                \"eks\": {\"version\": 1.30, \"node_pools\": {\"a\": {\"min\": -1}}}\n}\n";
    assert_eq!(
        summary(&errors(json, Format::Json)),
        [
            (
                5,
                28,
                "environments.dev.acount_id",
                "unknown field `acount_id`, did you mean `account_id`? (valid: account_id, region, tags, protect, role_arn)"
            ),
            (
                6,
                22,
                "eks.version",
                "expected a string, found a number 1.30 (put it in quotes: \"1.30\")"
            ),
            (
                6,
                43,
                "eks.node_pools.a.instance_types",
                "missing required field"
            ),
            (
                6,
                56,
                "eks.node_pools.a.min",
                "expected a non-negative integer, found -1"
            ),
        ]
    );
}

#[test]
fn errors_display_one_per_line_with_file_position_and_path() {
    let Err(errors) = load_str(
        "version: 1\nproject: shop\nregoin: x\nenvironments: { dev: { region: eu-west-1 } }\nfoo: 1\n",
        Format::Yaml,
        "specs/platform.yaml",
    ) else {
        panic!("expected errors");
    };
    assert_eq!(
        errors.to_string(),
        "specs/platform.yaml:3:1: regoin: unknown field `regoin`, did you mean `region`? \
         (valid: version, project, region, tags, tag_policy, backend, environments, network, eks, \
         ecs, secrets, observability, repository)\n\
         specs/platform.yaml:5:1: foo: unknown field `foo` (valid: version, project, region, tags, \
         tag_policy, backend, environments, network, eks, ecs, secrets, observability, repository)"
    );
    let as_error: &dyn std::error::Error = &errors;
    assert!(as_error.to_string().contains("regoin"));
}

// ---------------------------------------------------------------------------------------------
// Files and formats

#[test]
fn format_comes_from_the_extension() {
    assert_eq!(
        Format::from_path(Path::new("a/platform.yaml")),
        Some(Format::Yaml)
    );
    assert_eq!(
        Format::from_path(Path::new("platform.YML")),
        Some(Format::Yaml)
    );
    assert_eq!(
        Format::from_path(Path::new("platform.toml")),
        Some(Format::Toml)
    );
    assert_eq!(
        Format::from_path(Path::new("platform.json")),
        Some(Format::Json)
    );
    assert_eq!(Format::from_path(Path::new("platform.txt")), None);
    assert_eq!(Format::from_path(Path::new("platform")), None);
}

#[test]
fn unreadable_files_are_errors_naming_the_file() {
    let Err(errors) = load_file(&fixture("does-not-exist.yaml")) else {
        panic!("missing file must fail");
    };
    assert!(errors.0[0].file.ends_with("does-not-exist.yaml"));
    assert!(errors.0[0].message.starts_with("cannot read the file"));

    let Err(errors) = load_file(&fixture("platform.txt")) else {
        panic!("unknown extension must fail");
    };
    assert!(errors.0[0].message.contains(".yaml, .yml, .toml or .json"));
}

#[test]
fn invalid_utf8_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("binary.yaml");
    std::fs::write(&path, b"version: 1\nproject: \xff\xfe\x00\x01\n").expect("write");
    let Err(errors) = load_file(&path) else {
        panic!("binary must fail");
    };
    assert_eq!(
        summary(&errors.0),
        [(
            2,
            10,
            "",
            "the file is not valid UTF-8 text (bad byte at offset 20)"
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken input: a clear error, never a panic

fn only_error(text: &str, format: Format) -> SpecError {
    let errors = errors(text, format);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().expect("one error")
}

#[test]
fn empty_files_are_reported_as_empty() {
    for format in [Format::Yaml, Format::Toml, Format::Json] {
        for text in ["", "  \n\t\n"] {
            let e = only_error(text, format);
            assert!(
                e.message.starts_with("the file is empty"),
                "{format:?}: {e:?}"
            );
        }
    }
    let e = only_error("---\n", Format::Yaml);
    assert!(e.message.contains("found nothing (null)"), "{e:?}");
}

#[test]
fn a_top_level_that_is_not_a_map_is_rejected() {
    for (text, format, found) in [
        ("- a\n- b\n", Format::Yaml, "found a list"),
        (
            "just words\n",
            Format::Yaml,
            "found a string \"just words\"",
        ),
        ("[1, 2]", Format::Json, "found a list"),
        ("42", Format::Json, "found a number 42"),
    ] {
        let e = only_error(text, format);
        assert!(
            e.message.starts_with("a spec must be a map of fields"),
            "{e:?}"
        );
        assert!(e.message.ends_with(found), "{e:?}");
        assert_eq!((e.line, e.column), (1, 1));
    }
}

#[test]
fn syntax_errors_are_located() {
    let e = only_error("version: 1\nproject: [a, b\nregion: x\n", Format::Yaml);
    assert!(e.message.starts_with("invalid YAML: "), "{e:?}");
    assert!(e.line >= 2, "{e:?}");
    let e = only_error("{\"version\": 1,\n \"project\": x}", Format::Json);
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (2, 13, "invalid JSON: expected value")
    );
    let e = only_error("version = 1\nproject = \n", Format::Toml);
    assert_eq!((e.line, e.column), (2, 11));
    assert!(e.message.starts_with("invalid TOML: "), "{e:?}");
    // Binary that happens to be valid UTF-8.
    let e = only_error("\u{0}\u{1}\u{2}\u{7f}", Format::Yaml);
    assert!(e.message.starts_with("invalid YAML"), "{e:?}");
}

#[test]
fn duplicate_keys_are_errors_in_every_format() {
    let cases = [
        ("version: 1\nproject: a\nproject: b\n", Format::Yaml),
        (
            "version = 1\nproject = \"a\"\nproject = \"b\"\n",
            Format::Toml,
        ),
        (
            "{\"version\": 1, \"project\": \"a\",\n\"project\": \"b\"}",
            Format::Json,
        ),
    ];
    for (text, format) in cases {
        let e = only_error(text, format);
        assert!(
            e.message.starts_with("duplicate key `project`"),
            "{format:?}: {e:?}"
        );
        assert_eq!(
            e.line,
            3 - usize::from(format == Format::Json),
            "{format:?}: {e:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for (text, format) in [
        (nested.clone(), Format::Yaml),
        (nested.clone(), Format::Json),
        (format!("a = {nested}"), Format::Toml),
        (
            format!("a: {}1{}", "{b: ".repeat(depth), "}".repeat(depth)),
            Format::Yaml,
        ),
        (
            format!("{}1{}", "{\"b\": ".repeat(depth), "}".repeat(depth)),
            Format::Json,
        ),
    ] {
        let e = only_error(&text, format);
        assert!(
            e.message.contains("recursion") || e.message.contains("nests deeper"),
            "{format:?}: {e:?}"
        );
    }
}

#[test]
fn yaml_alias_bombs_are_defused() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    let e = only_error(&text, Format::Yaml);
    assert!(e.message.starts_with("invalid YAML: "), "{e:?}");
    assert!(e.message.contains("alias"), "{e:?}");
}

#[test]
fn huge_numbers_are_type_or_range_errors() {
    let yaml = "version: 1\nproject: shop\nregion: eu-west-1\nenvironments: { dev: {} }\n\
                observability:\n  log_retention_days: 99999999999999999999999999\n  \
                alarms: { cpu_percent: 1e999, latency_p99_seconds: .inf }\n";
    assert_eq!(
        summary(&yaml_errors(yaml)),
        [
            (
                6,
                23,
                "observability.log_retention_days",
                "expected an integer, found a number 99999999999999999999999999"
            ),
            (
                7,
                26,
                "observability.alarms.cpu_percent",
                "expected an integer, found a number 1e999"
            ),
            (
                7,
                54,
                "observability.alarms.latency_p99_seconds",
                "expected a non-negative number, found .inf"
            ),
        ]
    );
    let e = only_error("{\"version\": 1e999}", Format::Json);
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (1, 13, "invalid JSON: number out of range")
    );
    let e = only_error(
        "version = 99999999999999999999999999\nproject = \"a\"\nregion = \"b\"\n[environments.dev]\n",
        Format::Toml,
    );
    assert_eq!(e.path, "version");
}

#[test]
fn yaml_streams_and_odd_keys_get_clear_messages() {
    let e = only_error("version: 1\n---\nversion: 1\n", Format::Yaml);
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (2, 1, "a spec is one YAML document: remove the second `---`")
    );
    // A key holding a newline cannot break the one-error-per-line output.
    let errors = yaml_errors(&minimal("\"bad\\nkey\": 1\n"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "bad\\nkey");
    assert!(!errors[0].to_string().contains('\n'));
}

// ---------------------------------------------------------------------------------------------
// Structural and semantic problems in one run

#[test]
fn structural_and_semantic_errors_in_different_sections_are_reported_together() {
    // `ecs` does not decode (a misspelt field); `observability` decodes but breaks a rule.
    let text = minimal(
        "ecs:\n  services:\n    api:\n      image: api:1.0\n      memroy: 1024\n\
         observability:\n  alarms: { cpu_percent: 150 }\n",
    );
    for (format, text) in [
        (Format::Yaml, text.clone()),
        (
            Format::Json,
            r#"{"version": 1, "project": "shop", "region": "eu-west-1", "environments": {"dev": {}},
 "ecs": {"services": {"api": {"image": "api:1.0", "memroy": 1024}}},
 "observability": {"alarms": {"cpu_percent": 150}}}"#
                .to_string(),
        ),
    ] {
        let errors = errors(&text, format);
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["ecs.services.api.memroy", "observability.alarms.cpu_percent"],
            "{format:?}: {errors:?}"
        );
        let semantic = &errors[1];
        assert!(semantic.line > 0 && semantic.column > 0, "{semantic:?}");
        assert!(semantic.message.contains("1 to 100"), "{semantic:?}");
    }
}

#[test]
fn semantic_rules_that_read_a_broken_section_are_not_guessed() {
    // `ecs` reads `secrets`; with `secrets` broken, a reference to it is neither accepted nor
    // reported as unknown (`ecs.services.api.secrets[0]`); the rules that do not read `secrets`
    // still run (`network` is missing, an alarm is not a percentage).
    let text = minimal(
        "ecs:\n  services:\n    api:\n      image: api:1.0\n      secrets: [db]\n\
         secrets:\n  db:\n    description: Database password\n    value: hunter2\n\
         observability:\n  alarms: { memory_percent: 0 }\n",
    );
    let errors = yaml_errors(&text);
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "network",
            "secrets.db.value",
            "observability.alarms.memory_percent"
        ],
        "{errors:?}"
    );
}

#[test]
fn any_one_broken_section_still_runs_the_rules_of_the_others_without_panicking() {
    let text = std::fs::read_to_string(fixture("platform.yaml")).expect("fixture");
    // A rule of `repository` only: reported whatever else is broken.
    let text = format!("{text}repository: {{ spec_file: /etc/platform.yaml }}\n");
    let sections: Vec<String> = text
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    assert!(sections.len() >= 10, "{sections:?}");
    // An unsupported `version` is the one structural error that stops the rules: the document
    // may follow another format (`huge_numbers_are_type_or_range_errors`).
    for section in sections
        .iter()
        .filter(|s| *s != "repository" && *s != "version")
    {
        // The section's value replaced by a number (a wrong type for every section).
        let mut broken = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with(&format!("{section}:")) {
                broken.push_str(&format!("{section}: 42\n"));
                skipping = true;
                continue;
            }
            if skipping && (line.starts_with(' ') || line.is_empty()) {
                continue;
            }
            skipping = false;
            broken.push_str(line);
            broken.push('\n');
        }
        let errors = yaml_errors(&broken);
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&section.as_str()), "{section}: {paths:?}");
        assert!(
            paths.contains(&"repository.spec_file"),
            "{section} broken hides the repository rule: {paths:?}"
        );
    }
}
