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
    assert_eq!(backend.bucket, "acme-terraform-state");
    assert_eq!(backend.key_prefix, "payments");
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
    assert_eq!(eks.version, "1.33");
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
