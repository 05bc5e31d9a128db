//! The EKS module: what a spec's `eks` section becomes in `modules/eks` and the environment
//! roots, and that growing a platform by a node pool never touches what already exists.

use iacgen::model::naming;
use iacgen::spec::{Format, load_str};
use iacgen::tree::Tree;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn render_yaml(yaml: &str) -> Tree {
    let platform = load_str(yaml, Format::Yaml, "test.yaml").unwrap_or_else(|e| panic!("{e}"));
    iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn render_example(name: &str) -> Tree {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let platform = iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"))
}

/// A generated file with runs of spaces squeezed, so checks do not depend on `=` alignment.
fn file(tree: &Tree, path: &str) -> String {
    let text = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not generated"));
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// A `terraform.tfvars` file as JSON values.
fn tfvars(tree: &Tree, env: &str) -> Value {
    let text = file(tree, &format!("environments/{env}/terraform.tfvars"));
    hcl::from_str(&text).unwrap_or_else(|e| panic!("tfvars of {env}: {e}"))
}

/// A spec whose names are as long as the spec allows, so node group names must be shortened.
fn long_named_spec(pools: &str) -> String {
    format!(
        r#"
version: 1
project: payments-platform-core12
region: us-east-1
tags: {{ Owner: platform-team }}
environments:
  production-eu-central-1: {{}}
network:
  cidr: 10.0.0.0/16
  az_count: 2
  subnets:
    public: {{ prefix: 24 }}
    private: {{ prefix: 20 }}
  nat: single
  flow_logs: {{ retention_days: 365 }}
eks:
  version: "1.33"
  admins: [arn:aws:iam::111111111111:role/platform-admin]
  node_pools:
{pools}
"#
    )
}

const SYSTEM_POOL: &str = r#"    system:
      instance_types: [m6i.large]
      min: 2
      max: 4
      labels: { role: system }
      taints:
        - { key: CriticalAddonsOnly, value: "true", effect: NoSchedule }
"#;

const BATCH_POOL: &str = r#"    batch-processing-graviton-spot:
      instance_types: [m7g.xlarge]
      capacity: spot
      min: 0
      max: 10
"#;

#[test]
fn per_environment_values_are_settings_in_tfvars() {
    let tree = render_example("eks-spot.yaml");
    let dev = tfvars(&tree, "dev");
    let prod = tfvars(&tree, "prod");
    assert_eq!(dev["kubernetes_version"], "1.35");
    assert_eq!(prod["kubernetes_version"], "1.35");
    // observability.log_retention_days: { dev: 14, prod: 400 }
    assert_eq!(dev["cluster_log_retention_days"], 14);
    assert_eq!(prod["cluster_log_retention_days"], 400);
    // workers: min 0, desired { dev: 1, prod: 4 }, max { dev: 4, prod: 40 }
    let sizes = |v: &Value, pool: &str| {
        let s = &v["node_pool_sizes"][pool];
        (s["min"].clone(), s["desired"].clone(), s["max"].clone())
    };
    assert_eq!(sizes(&dev, "workers"), (0.into(), 1.into(), 4.into()));
    assert_eq!(sizes(&prod, "workers"), (0.into(), 4.into(), 40.into()));
    assert_eq!(sizes(&prod, "arm-workers"), (0.into(), 0.into(), 20.into()));
}

#[test]
fn the_cluster_runs_in_the_private_subnets_of_the_network_module() {
    let tree = render_example("eks-single-pool.yaml");
    let main = file(&tree, "environments/dev/main.tf");
    let call = main
        .split("module \"eks\" {")
        .nth(1)
        .unwrap_or_else(|| panic!("no eks module call in\n{main}"));
    for wiring in [
        "source = \"../../modules/eks\"",
        "vpc_id = module.network.vpc_id",
        "subnet_ids = values(module.network.private_subnet_ids)",
    ] {
        assert!(call.contains(wiring), "missing `{wiring}` in\n{call}");
    }
    let outputs = file(&tree, "environments/dev/outputs.tf");
    for name in [
        "cluster_name",
        "cluster_endpoint",
        "cluster_certificate_authority_data",
        "oidc_provider_arn",
        "node_role_arn",
        "node_group_names",
        "node_group_autoscaling_group_names",
    ] {
        assert!(
            outputs.contains(&format!("output \"{name}\"")),
            "root output {name} missing"
        );
    }
}

#[test]
fn the_endpoint_is_private_unless_the_spec_opens_it_to_listed_cidrs() {
    let private = render_example("eks-single-pool.yaml");
    let main = file(&private, "modules/eks/main.tf");
    assert!(main.contains("endpoint_public_access = false"));
    assert!(!main.contains("public_access_cidrs"));
    assert!(!main.contains("CKV_AWS_39"));

    let public = render_example("eks-public.yaml");
    let main = file(&public, "modules/eks/main.tf");
    assert!(main.contains("endpoint_public_access = true"));
    assert!(main.contains(r#"public_access_cidrs = ["203.0.113.0/24", "198.51.100.16/28"]"#));
    assert!(main.contains("checkov:skip=CKV_AWS_39:"));
    assert!(!main.contains("CKV_AWS_38"), "no world access, no skip");

    let world = public_spec_with_world_access();
    let main = file(&world, "modules/eks/main.tf");
    assert!(main.contains(r#""0.0.0.0/0""#));
    assert!(main.contains("checkov:skip=CKV_AWS_38:"));
}

fn public_spec_with_world_access() -> Tree {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/eks-public.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let text = text.replace(
        "public_access_cidrs: [203.0.113.0/24, 198.51.100.16/28]",
        "public_access_cidrs: [0.0.0.0/0]\n  allow_world: true",
    );
    render_yaml(&text)
}

#[test]
fn a_retention_skip_appears_only_when_an_environment_keeps_logs_under_a_year() {
    // eks-spot keeps dev logs 14 days; eks-public keeps every environment's for 365.
    let short = render_example("eks-spot.yaml");
    assert!(file(&short, "modules/eks/main.tf").contains("checkov:skip=CKV_AWS_338:"));
    let year = render_example("eks-public.yaml");
    assert!(!file(&year, "modules/eks/main.tf").contains("CKV_AWS_338"));
}

#[test]
fn admins_and_addons_are_keyed_by_name() {
    let tree = render_example("eks-public.yaml");
    let main = file(&tree, "modules/eks/main.tf");
    // Admins are per environment (each account has its own principals), keyed by ARN.
    assert!(main.contains("cluster_admins = toset(var.cluster_admins)"));
    assert!(main.contains("for_each = local.cluster_admins"));
    assert_eq!(
        tfvars(&tree, "staging")["cluster_admins"],
        serde_json::json!([
            "arn:aws:iam::555555555555:role/ci-deployer",
            "arn:aws:iam::555555555555:user/alice"
        ])
    );
    assert_eq!(
        tfvars(&tree, "prod")["cluster_admins"],
        serde_json::json!(["arn:aws:iam::666666666666:role/ci-deployer"])
    );
    assert!(main.contains(r#"vpc-cni = "v1.19.2-eksbuild.1""#));
    assert!(main.contains("kube-proxy = null"));
    assert!(main.contains(r#"authentication_mode = "API""#));
}

#[test]
fn unpinned_add_ons_follow_the_cluster_version() {
    let tree = render_example("eks-public.yaml");
    let main = file(&tree, "modules/eks/main.tf");
    // The version is looked up for the cluster's Kubernetes version as the cluster has it, so
    // a bump of kubernetes_version upgrades the add-ons in the same apply, after the cluster.
    let lookup = main
        .split("data \"aws_eks_addon_version\" \"this\" {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap_or_else(|| panic!("no aws_eks_addon_version lookup in modules/eks/main.tf"));
    assert!(lookup.contains("kubernetes_version = aws_eks_cluster.this.version"));
    assert!(lookup.contains("most_recent = true"));
    // A pinned version (vpc-cni here) wins over the lookup.
    assert!(main.contains(
        "addon_version = coalesce(each.value, data.aws_eks_addon_version.this[each.key].version)"
    ));
    assert!(main.contains(r#"vpc-cni = "v1.19.2-eksbuild.1""#));
}

#[test]
fn production_clusters_are_deletion_protected_and_every_cluster_stays_on_standard_support() {
    let tree = render_example("platform.yaml");
    let main = file(&tree, "modules/eks/main.tf");
    assert!(main.contains("deletion_protection = var.cluster_deletion_protection"));
    // Production-like environments (README): prod, not dev or staging.
    for (env, protected) in [("dev", false), ("staging", false), ("prod", true)] {
        assert_eq!(
            tfvars(&tree, env)["cluster_deletion_protection"],
            protected,
            "{env}"
        );
    }
    // No silent roll into paid extended support unless the spec asks for it.
    assert!(main.contains("upgrade_policy {\n support_type = \"STANDARD\"\n }"));
    let extended = render_yaml(
        &one_pool_spec("t3.large")
            .replace("  node_pools:", "  support_type: extended\n  node_pools:"),
    );
    let main = file(&extended, "modules/eks/main.tf");
    assert!(main.contains("support_type = \"EXTENDED\""));
}

// ---- Checks with the real Terraform tools (../shared/tools) ----

/// The tools directory, or `None` (with a note) when they are not installed. In CI their
/// absence is a failure.
fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"));
    if dir.join("bin/tf-plan").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs the Terraform tools at {}",
        dir.display()
    );
    eprintln!(
        "note: Terraform tools not found at {}; skipping the plan check",
        dir.display()
    );
    None
}

/// `terraform plan` (stub provider, empty state) of one environment root: resource changes by
/// address.
fn plan(tools: &Path, tree: &Tree, env: &str) -> serde_json::Map<String, Value> {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    iacgen::tree::write(tree, out.path()).unwrap_or_else(|e| panic!("{e}"));
    let json = out.path().join("plan.json");
    let result = Command::new(tools.join("bin/tf-plan"))
        .arg("--root")
        .arg(out.path())
        .arg(out.path().join("environments").join(env))
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap_or_else(|e| panic!("tf-plan: {e}"));
    assert!(
        result.status.success(),
        "tf-plan failed:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    let text = std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("{e}"));
    let plan: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    changes
        .into_iter()
        .filter_map(|c| Some((c["address"].as_str()?.to_string(), c)))
        .collect()
}

#[test]
fn adding_a_node_pool_only_adds_resources() {
    let smaller = render_yaml(&long_named_spec(SYSTEM_POOL));
    let larger = render_yaml(&long_named_spec(&format!("{SYSTEM_POOL}{BATCH_POOL}")));
    let Some(tools) = tools() else { return };
    let env = "production-eu-central-1";
    let before = plan(&tools, &smaller, env);
    let after = plan(&tools, &larger, env);

    // Every resource of the smaller platform is planned identically in the larger one: same
    // address, same known arguments (names, ARNs, sizes, tags), same unknown ones.
    for (address, old) in &before {
        let new = after
            .get(address)
            .unwrap_or_else(|| panic!("{address} disappeared when a pool was added"));
        assert_eq!(
            old["change"]["after"], new["change"]["after"],
            "{address} changed when a pool was added"
        );
        assert_eq!(
            old["change"]["after_unknown"], new["change"]["after_unknown"],
            "{address} changed when a pool was added"
        );
    }
    // What is new belongs to the new pool, keyed by its name.
    let pool = "batch-processing-graviton-spot";
    let added: Vec<&String> = after.keys().filter(|a| !before.contains_key(*a)).collect();
    assert!(!added.is_empty());
    for address in &added {
        assert!(
            address.contains(&format!("[\"{pool}\"]")) || address.contains(&format!("[\"{pool}/")),
            "{address} is new but not the new pool's"
        );
    }
    for kind in ["aws_eks_node_group.this", "aws_launch_template.node"] {
        let address = format!("module.eks.{kind}[\"{pool}\"]");
        assert!(added.contains(&&address), "{address} was not added");
    }

    // Node group name prefixes leave room for the provider's 26-character unique suffix within
    // EKS's 63 characters: over 36 characters, they are shortened as iacgen shortens names.
    for pool in ["system", pool] {
        let full = format!("payments-platform-core12-{env}-{pool}");
        assert!(full.len() > 36);
        let group = &after[&format!("module.eks.aws_eks_node_group.this[\"{pool}\"]")];
        let prefix = group["change"]["after"]["node_group_name_prefix"]
            .as_str()
            .unwrap_or_else(|| panic!("node group name prefix of {pool} is not known at plan"));
        assert_eq!(prefix, format!("{}-", naming::shorten(&full, 36)));
        assert!(prefix.len() + 26 <= 63);
        // The launch template keeps the full name, shortened to 63 only.
        let template = &after[&format!("module.eks.aws_launch_template.node[\"{pool}\"]")];
        assert_eq!(
            template["change"]["after"]["name"],
            naming::shorten(&full, 63).as_str()
        );
    }
}

/// The smallest EKS platform, one pool of `instance_types`.
fn one_pool_spec(instance_types: &str) -> String {
    format!(
        r#"
version: 1
project: sandbox
region: eu-central-1
environments:
  dev: {{}}
network:
  cidr: 10.60.0.0/20
  az_count: 2
  subnets:
    public: {{ prefix: 24 }}
    private: {{ prefix: 22 }}
  nat: single
eks:
  version: "1.33"
  admins: [arn:aws:iam::123456789012:role/sandbox-admin]
  node_pools:
    default:
      instance_types: [{instance_types}]
      min: 1
      max: 3
"#
    )
}

#[test]
fn a_replaced_node_group_is_created_before_the_old_one_is_deleted() {
    let before = render_yaml(&one_pool_spec("t3.large"));
    let after = render_yaml(&one_pool_spec("m7i.large"));
    let Some(tools) = tools() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (old, new) = (dir.path().join("before"), dir.path().join("after"));
    iacgen::tree::write(&before, &old).unwrap_or_else(|e| panic!("{e}"));
    iacgen::tree::write(&after, &new).unwrap_or_else(|e| panic!("{e}"));
    // The state an apply of the first spec leaves, then the plan of the second against it.
    let state = dir.path().join("dev.tfstate");
    let status = |cmd: &mut Command| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    status(
        Command::new(tools.join("bin/tf-fake-apply"))
            .arg("--root")
            .arg(&old)
            .arg(old.join("environments/dev"))
            .arg("--out")
            .arg(&state)
            .arg("-q"),
    );
    let json = dir.path().join("plan.json");
    status(
        Command::new(tools.join("bin/tf-plan"))
            .arg("--root")
            .arg(&new)
            .arg(new.join("environments/dev"))
            .arg("--state")
            .arg(&state)
            .arg("--json")
            .arg(&json),
    );
    let text = std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("{e}"));
    let plan: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let group = plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["address"] == "module.eks.aws_eks_node_group.this[\"default\"]")
        .unwrap_or_else(|| panic!("no node group in the plan"));
    // A new instance type replaces the group: the new one first, so the pool keeps its nodes
    // while the old group drains, under a new name from the same prefix.
    assert_eq!(
        group["change"]["actions"],
        serde_json::json!(["create", "delete"]),
        "the node group is not replaced create-before-destroy"
    );
    assert_eq!(
        group["change"]["after"]["node_group_name_prefix"],
        "sandbox-dev-default-"
    );
    assert_eq!(group["change"]["after_unknown"]["node_group_name"], true);
}
