//! The Pulumi EKS component (`components/eks.py`), checked on what the generated program
//! registers when it runs under Pulumi's mocks: secure defaults of the cluster and the nodes,
//! wiring to the network, and that growing a platform by a node pool never touches what
//! already exists.

mod support;

use iacgen::model::ec2::is_arm_instance;
use iacgen::model::{Platform, naming};
use iacgen::spec::{Format, load_file, load_str};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

fn example(name: &str) -> Platform {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn yaml(text: &str) -> Platform {
    load_str(text, Format::Yaml, "test.yaml").unwrap_or_else(|e| panic!("{e}"))
}

/// The mock run of `platform`, or `None` (with a note) without the tools.
fn run(platform: &Platform) -> Option<Value> {
    let tools = support::tools()?;
    Some(support::mock_run(&tools, platform))
}

/// The mock run of examples/platform.yaml, shared by the tests that read it.
fn platform_report() -> Option<&'static Value> {
    static REPORT: OnceLock<Option<Value>> = OnceLock::new();
    REPORT
        .get_or_init(|| run(&example("platform.yaml")))
        .as_ref()
}

/// The resources of type `kind` (`eks/nodeGroup:NodeGroup`, without the `aws:` package).
fn of_type<'a>(report: &'a Value, env: &str, kind: &str) -> Vec<&'a Value> {
    support::resources(report, env)
        .into_iter()
        .filter(|r| r["type"] == format!("aws:{kind}"))
        .collect()
}

fn one<'a>(report: &'a Value, env: &str, kind: &str) -> &'a Value {
    match of_type(report, env, kind).as_slice() {
        [r] => r,
        other => panic!("{env}: expected one {kind}, found {}", other.len()),
    }
}

fn stack_outputs<'a>(report: &'a Value, env: &str) -> &'a Value {
    report["stacks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["stack"] == env)
        .map(|s| &s["outputs"])
        .unwrap_or_else(|| panic!("no stack {env}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn dependencies(r: &Value) -> BTreeSet<&str> {
    strings(&r["dependencies"]).into_iter().collect()
}

const ENVS: [&str; 3] = ["dev", "staging", "prod"];

#[test]
fn launch_templates_require_imdsv2_and_encrypt_the_root_volume() {
    let Some(report) = platform_report() else {
        return;
    };
    for env in ENVS {
        let templates = of_type(report, env, "ec2/launchTemplate:LaunchTemplate");
        assert_eq!(templates.len(), 2, "{env}: one launch template per pool");
        for t in templates {
            let name = &t["name"];
            let metadata = &t["inputs"]["metadataOptions"];
            assert_eq!(metadata["httpTokens"], "required", "{name}: IMDSv2 only");
            assert_eq!(
                metadata["httpPutResponseHopLimit"], 1,
                "{name}: pods cannot reach the node's credentials"
            );
            let disks = t["inputs"]["blockDeviceMappings"].as_array().cloned();
            let disks = disks.unwrap_or_default();
            assert!(!disks.is_empty(), "{name}: root volume configured");
            for disk in disks {
                assert_eq!(disk["ebs"]["encrypted"], "true", "{name}: encrypted volume");
            }
        }
    }
}

#[test]
fn the_cluster_encrypts_secrets_with_its_own_rotated_key() {
    let Some(report) = platform_report() else {
        return;
    };
    for env in ENVS {
        let cluster = one(report, env, "eks/cluster:Cluster");
        let encryption = &cluster["inputs"]["encryptionConfig"];
        assert_eq!(strings(&encryption["resources"]), ["secrets"]);
        let key_arn = encryption["provider"]["keyArn"]
            .as_str()
            .unwrap_or_else(|| panic!("{env}: no key ARN"));

        // The key it uses is the EKS secrets key, rotated, and no other key.
        let keys = of_type(report, env, "kms/key:Key");
        let used: Vec<&&Value> = keys
            .iter()
            .filter(|k| dependencies(cluster).contains(k["urn"].as_str().unwrap_or_default()))
            .collect();
        assert_eq!(used.len(), 1, "{env}: the cluster uses one KMS key");
        assert_eq!(
            used[0]["inputs"]["tags"]["Name"],
            format!("payments-{env}-eks-secrets")
        );
        assert_eq!(used[0]["inputs"]["enableKeyRotation"], true);

        // The cluster role may use that key for envelope encryption.
        let policies = of_type(report, env, "iam/rolePolicy:RolePolicy");
        let policy = policies
            .iter()
            .find(|p| p["inputs"]["role"] == format!("payments-{env}-eks-cluster"))
            .unwrap_or_else(|| panic!("{env}: no policy on the cluster role"));
        let document: Value =
            serde_json::from_str(policy["inputs"]["policy"].as_str().unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        let statement = &document["Statement"][0];
        assert_eq!(statement["Resource"], key_arn);
        for action in ["kms:Encrypt", "kms:Decrypt"] {
            assert!(strings(&statement["Action"]).contains(&action), "{action}");
        }
    }
}

#[test]
fn the_cluster_and_nodes_run_privately_in_the_network_private_subnets() {
    let Some(report) = platform_report() else {
        return;
    };
    for env in ENVS {
        let private: BTreeSet<&str> = stack_outputs(report, env)["private_subnet_ids"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(_, id)| id.as_str())
            .collect();
        assert!(private.len() >= 2, "{env}: private subnets exported");

        let vpc = &one(report, env, "eks/cluster:Cluster")["inputs"]["vpcConfig"];
        assert_eq!(vpc["endpointPublicAccess"], false, "{env}");
        assert_eq!(vpc["endpointPrivateAccess"], true, "{env}");
        assert!(vpc["publicAccessCidrs"].is_null(), "{env}");
        let subnets: BTreeSet<&str> = strings(&vpc["subnetIds"]).into_iter().collect();
        assert_eq!(subnets, private, "{env}: cluster subnets");

        for group in of_type(report, env, "eks/nodeGroup:NodeGroup") {
            let subnets: BTreeSet<&str> =
                strings(&group["inputs"]["subnetIds"]).into_iter().collect();
            assert_eq!(subnets, private, "{env}: subnets of {}", group["name"]);
        }
    }
}

#[test]
fn pool_sizes_follow_each_environment_of_the_spec() {
    let Some(report) = platform_report() else {
        return;
    };
    let platform = example("platform.yaml");
    let pools = platform.eks.as_ref().map(|e| &e.node_pools);
    for env in ENVS {
        for (pool, spec) in pools.into_iter().flatten() {
            let group = of_type(report, env, "eks/nodeGroup:NodeGroup")
                .into_iter()
                .find(|g| g["inputs"]["nodeGroupNamePrefix"] == format!("payments-{env}-{pool}-"))
                .unwrap_or_else(|| panic!("{env}: no node group for {pool}"));
            let scaling = &group["inputs"]["scalingConfig"];
            assert_eq!(scaling["minSize"], spec.min.get(env).copied().unwrap_or(0));
            assert_eq!(
                scaling["desiredSize"],
                spec.desired.get(env).copied().unwrap_or(0)
            );
            assert_eq!(scaling["maxSize"], spec.max.get(env).copied().unwrap_or(0));
        }
    }
}

#[test]
fn every_auto_scaling_group_gets_the_node_group_tags_without_propagating() {
    let Some(report) = platform_report() else {
        return;
    };
    for env in ENVS {
        let outputs = stack_outputs(report, env);
        let asg_names = &outputs["node_group_autoscaling_group_names"];
        let tags = of_type(report, env, "autoscaling/tag:Tag");
        let groups = of_type(report, env, "eks/nodeGroup:NodeGroup");
        let pools = outputs["node_group_names"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(pools.len(), 2, "{env}: node group names exported by pool");
        let distinct: BTreeSet<&str> = pools.keys().filter_map(|p| asg_names[p].as_str()).collect();
        assert_eq!(distinct.len(), 2, "{env}: one Auto Scaling group per pool");
        for (pool, group_name) in &pools {
            let group = groups
                .iter()
                .find(|g| {
                    g["inputs"]["nodeGroupNamePrefix"]
                        .as_str()
                        .is_some_and(|prefix| {
                            group_name.as_str().is_some_and(|n| n.starts_with(prefix))
                        })
                })
                .unwrap_or_else(|| panic!("{env}: no node group {group_name}"));
            let asg = asg_names[pool]
                .as_str()
                .unwrap_or_else(|| panic!("{env}: no ASG name exported for {pool}"));
            let on_asg: BTreeMap<&str, &Value> = tags
                .iter()
                .filter(|t| t["inputs"]["autoscalingGroupName"] == asg)
                .filter_map(|t| Some((t["inputs"]["tag"]["key"].as_str()?, &t["inputs"]["tag"])))
                .collect();
            let expected = group["inputs"]["tags"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                on_asg.keys().copied().collect::<BTreeSet<_>>(),
                expected.keys().map(String::as_str).collect::<BTreeSet<_>>(),
                "{env}: tags on the ASG of {pool}"
            );
            for (key, tag) in on_asg {
                assert_eq!(tag["value"], expected[key], "{env} {pool} {key}");
                assert_eq!(tag["propagateAtLaunch"], false, "{env} {pool} {key}");
            }
        }
    }
}

#[test]
fn unpinned_add_ons_follow_the_cluster_version() {
    let Some(report) = run(&example("eks-public.yaml")) else {
        return;
    };
    let stack = report["stacks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["stack"] == "prod")
        .unwrap_or_else(|| panic!("no prod stack"));
    // One lookup per add-on, as the Terraform module's data source (a pinned one uses its pin),
    // for the cluster's own version (an output of the cluster, so a version bump reaches the
    // add-ons), newest build first.
    let lookups: BTreeMap<&str, &Value> = stack["invokes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["token"] == "aws:eks/getAddonVersion:getAddonVersion")
        .filter_map(|i| Some((i["args"]["addonName"].as_str()?, &i["args"])))
        .collect();
    let addons: BTreeSet<&str> =
        ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"].into();
    assert_eq!(lookups.keys().copied().collect::<BTreeSet<_>>(), addons);
    let cluster = one(&report, "prod", "eks/cluster:Cluster");
    for args in lookups.values() {
        assert_eq!(args["kubernetesVersion"], cluster["inputs"]["version"]);
        assert_eq!(args["mostRecent"], true);
    }
    let pinned = of_type(&report, "prod", "eks/addon:Addon")
        .into_iter()
        .find(|a| a["inputs"]["addonName"] == "vpc-cni")
        .unwrap_or_else(|| panic!("no vpc-cni add-on"));
    assert_eq!(pinned["inputs"]["addonVersion"], "v1.19.2-eksbuild.1");
}

#[test]
fn production_clusters_are_deletion_protected_and_stay_on_standard_support() {
    let Some(report) = platform_report() else {
        return;
    };
    for (env, protected) in [("dev", false), ("staging", false), ("prod", true)] {
        let cluster = &one(report, env, "eks/cluster:Cluster")["inputs"];
        assert_eq!(cluster["deletionProtection"], protected, "{env}");
        assert_eq!(cluster["upgradePolicy"]["supportType"], "STANDARD", "{env}");
    }
}

#[test]
fn add_ons_wait_for_the_node_groups() {
    let Some(report) = platform_report() else {
        return;
    };
    let groups: Vec<&str> = of_type(report, "dev", "eks/nodeGroup:NodeGroup")
        .iter()
        .filter_map(|g| g["urn"].as_str())
        .collect();
    let addons = of_type(report, "dev", "eks/addon:Addon");
    assert_eq!(addons.len(), 4, "the default add-ons");
    for addon in addons {
        for group in &groups {
            assert!(
                dependencies(addon).contains(group),
                "{} does not wait for {group}",
                addon["name"]
            );
        }
    }
}

#[test]
fn spot_pools_use_spot_capacity_and_graviton_pools_an_arm_image() {
    let Some(report) = run(&example("eks-spot.yaml")) else {
        return;
    };
    for env in ["dev", "prod"] {
        let groups = of_type(&report, env, "eks/nodeGroup:NodeGroup");
        assert_eq!(groups.len(), 3);
        for group in groups {
            let inputs = &group["inputs"];
            // The system pool, for CoreDNS and other cluster add-ons, stays on demand.
            if group["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("-system"))
            {
                assert_eq!(inputs["capacityType"], "ON_DEMAND", "{}", group["name"]);
                continue;
            }
            assert_eq!(inputs["capacityType"], "SPOT", "{}", group["name"]);
            let graviton = strings(&inputs["instanceTypes"])
                .iter()
                .all(|t| is_arm_instance(t));
            let ami = if graviton {
                "AL2023_ARM_64_STANDARD"
            } else {
                "AL2023_x86_64_STANDARD"
            };
            assert_eq!(inputs["amiType"], ami, "{}", group["name"]);
            let taints = inputs["taints"].as_array().cloned().unwrap_or_default();
            assert!(
                taints
                    .iter()
                    .any(|t| t["key"] == "spot" && t["effect"] == "NO_SCHEDULE"),
                "{}: spot taint",
                group["name"]
            );
        }
    }
}

#[test]
fn a_public_endpoint_is_open_to_the_listed_networks_and_admins_get_access_entries() {
    let Some(report) = run(&example("eks-public.yaml")) else {
        return;
    };
    for env in ["staging", "prod"] {
        let vpc = &one(&report, env, "eks/cluster:Cluster")["inputs"]["vpcConfig"];
        assert_eq!(vpc["endpointPublicAccess"], true);
        assert_eq!(
            strings(&vpc["publicAccessCidrs"]),
            ["203.0.113.0/24", "198.51.100.16/28"]
        );
        let cluster = one(&report, env, "eks/cluster:Cluster");
        assert_eq!(
            cluster["inputs"]["accessConfig"]["bootstrapClusterCreatorAdminPermissions"], false,
            "whoever runs Pulumi is not made an admin"
        );

        let entries: BTreeSet<&str> = of_type(&report, env, "eks/accessEntry:AccessEntry")
            .iter()
            .filter_map(|e| e["inputs"]["principalArn"].as_str())
            .collect();
        // Each environment's own admins, in its own account.
        let admins: &[&str] = match env {
            "staging" => &[
                "arn:aws:iam::555555555555:role/ci-deployer",
                "arn:aws:iam::555555555555:user/alice",
            ],
            _ => &["arn:aws:iam::666666666666:role/ci-deployer"],
        };
        assert_eq!(entries, admins.iter().copied().collect());
        let associations = of_type(
            &report,
            env,
            "eks/accessPolicyAssociation:AccessPolicyAssociation",
        );
        assert_eq!(associations.len(), admins.len());
        for a in associations {
            assert!(
                a["inputs"]["policyArn"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("/AmazonEKSClusterAdminPolicy"))
            );
            assert_eq!(a["inputs"]["accessScope"]["type"], "cluster");
        }
    }
}

/// A spec whose names are as long as the spec allows, so node group names must be shortened.
fn long_named_spec(pools: &str) -> Platform {
    yaml(&format!(
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
eks:
  version: "1.33"
  admins: [arn:aws:iam::111111111111:role/platform-admin]
  node_pools:
{pools}
"#
    ))
}

const SYSTEM_POOL: &str = r#"    system:
      instance_types: [m6i.large]
      min: 2
      max: 4
"#;

const BATCH_POOL: &str = r#"    batch-processing-graviton-spot:
      instance_types: [m7g.xlarge]
      capacity: spot
      min: 0
      max: 10
"#;

const LONG_ENV: &str = "production-eu-central-1";

/// The mock run of the long-named spec with both pools.
fn two_pools_report() -> Option<&'static Value> {
    static REPORT: OnceLock<Option<Value>> = OnceLock::new();
    REPORT
        .get_or_init(|| run(&long_named_spec(&format!("{SYSTEM_POOL}{BATCH_POOL}"))))
        .as_ref()
}

#[test]
fn long_node_group_names_are_shortened_as_terraform_shortens_them() {
    let Some(report) = two_pools_report() else {
        return;
    };
    let full = format!("payments-platform-core12-{LONG_ENV}-batch-processing-graviton-spot");
    let expected = naming::shorten(&full, 63);
    assert_ne!(expected, full, "the name is long enough to need shortening");
    let group = of_type(report, LONG_ENV, "eks/nodeGroup:NodeGroup")
        .into_iter()
        .find(|g| g["inputs"]["capacityType"] == "SPOT")
        .unwrap_or_else(|| panic!("no spot node group"));
    // The node group itself gets a unique name from a prefix that leaves room for the
    // provider's 26-character suffix.
    assert_eq!(
        group["inputs"]["nodeGroupNamePrefix"],
        format!("{}-", naming::shorten(&full, 36)).as_str()
    );
    assert!(group["inputs"]["nodeGroupName"].is_null());
    assert_eq!(group["inputs"]["tags"]["Name"], expected.as_str());
    let templates = of_type(report, LONG_ENV, "ec2/launchTemplate:LaunchTemplate");
    assert!(
        templates
            .iter()
            .any(|t| t["inputs"]["name"] == expected.as_str())
    );
}

#[test]
fn adding_a_node_pool_only_adds_resources() {
    let Some(before) = run(&long_named_spec(SYSTEM_POOL)) else {
        return;
    };
    let Some(after) = two_pools_report() else {
        return;
    };
    let by_urn = |report: &Value| -> BTreeMap<String, Value> {
        support::resources(report, LONG_ENV)
            .into_iter()
            .map(|r| {
                let urn = r["urn"].as_str().unwrap_or_default().to_string();
                (urn, r["inputs"].clone())
            })
            .collect()
    };
    let before = by_urn(&before);
    let after = by_urn(after);
    for (urn, inputs) in &before {
        // The dashboard gains the new pool's section; nothing else changes.
        if urn.contains("$aws:cloudwatch/dashboard:Dashboard::") {
            continue;
        }
        let new = after
            .get(urn)
            .unwrap_or_else(|| panic!("{urn} disappeared when a pool was added"));
        assert_eq!(inputs, new, "{urn} changed when a pool was added");
    }
    let group_name = naming::shorten(
        &format!("payments-platform-core12-{LONG_ENV}-batch-processing-graviton-spot"),
        63,
    );
    let tag_prefix = format!("payments-platform-core12-{LONG_ENV}-batch-processing-graviton-spot/");
    // The observability component watches every pool: the new one gets its CPU alarm.
    let alarm =
        format!("payments-platform-core12-{LONG_ENV}-batch-processing-graviton-spot-nodes-cpu");
    let added: Vec<&String> = after.keys().filter(|u| !before.contains_key(*u)).collect();
    // A launch template, a node group, one ASG tag per tag key (Owner, the default tags
    // and Name) and the alarm.
    assert!(added.len() >= 5, "{added:?}");
    for urn in added {
        let logical = urn.rsplit("::").next().unwrap_or_default();
        assert!(
            logical == group_name || logical.starts_with(&tag_prefix) || logical == alarm,
            "{urn} is new but not the new pool's"
        );
    }
}
