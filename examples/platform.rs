//! The platform of `examples/platform.yaml`, built in Rust with no spec file.
//!
//! `cargo run --example platform -- OUT` writes the same Terraform repository as
//! `iacgen generate examples/platform.yaml --out OUT`, byte for byte (a test checks it).

use iacgen::model::*;
use std::collections::BTreeMap;

fn map<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn strings<const N: usize>(items: [&str; N]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// An image in dev's ECR (staging and prod pull across accounts).
fn image(repository_and_tag: &str) -> String {
    format!("111111111111.dkr.ecr.us-east-1.amazonaws.com/{repository_and_tag}")
}

/// The rotation function of one account (each environment's account has its own).
fn lambda(account: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{account}:function:rotate-db")
}

fn cidr(text: &str) -> ipnet::Ipv4Net {
    text.parse().expect("valid CIDR literal")
}

pub fn platform() -> Platform {
    let environments = vec![
        Environment {
            name: "dev".into(),
            account_id: Some("111111111111".into()),
            role_arn: Some("arn:aws:iam::111111111111:role/terraform".into()),
            tags: BTreeMap::new(),
            protect: None,
        },
        Environment {
            name: "staging".into(),
            account_id: Some("222222222222".into()),
            role_arn: Some("arn:aws:iam::222222222222:role/terraform".into()),
            tags: BTreeMap::new(),
            protect: None,
        },
        Environment {
            name: "prod".into(),
            account_id: Some("333333333333".into()),
            role_arn: Some("arn:aws:iam::333333333333:role/terraform".into()),
            tags: map([("Compliance", "pci")]),
            protect: None,
        },
    ];

    let network = Network {
        cidr: PerEnv::none()
            .with("dev", cidr("10.10.0.0/16"))
            .with("staging", cidr("10.20.0.0/16"))
            .with("prod", cidr("10.30.0.0/16")),
        az_count: PerEnv::all(2).with("prod", 3),
        azs: None,
        subnets: BTreeMap::from([
            (Tier::Public, SubnetLayout::Prefix(24)),
            (Tier::Private, SubnetLayout::Prefix(20)),
            (Tier::Database, SubnetLayout::Prefix(24)),
        ]),
        nat: PerEnv::all(NatMode::PerAz).with("dev", NatMode::Single),
        flow_logs: FlowLogs {
            enabled: true,
            retention_days: Some(PerEnv::all(365)),
        },
        endpoints: strings(["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"]),
    };

    let eks = Eks {
        version: PerEnv::all("1.35".into()),
        endpoint_public_access: false,
        public_access_cidrs: Vec::new(),
        allow_world: false,
        admins: PerEnv::none()
            .with(
                "dev",
                strings(["arn:aws:iam::111111111111:role/platform-admin"]),
            )
            .with(
                "staging",
                strings(["arn:aws:iam::222222222222:role/platform-admin"]),
            )
            .with(
                "prod",
                strings(["arn:aws:iam::333333333333:role/platform-admin"]),
            ),
        allow_no_admins: false,
        support_type: SupportType::Standard,
        control_plane_subnets: Tier::Private,
        addons: DEFAULT_EKS_ADDONS
            .iter()
            .map(|name| (name.to_string(), None))
            .collect(),
        node_pools: BTreeMap::from([
            (
                "system".to_string(),
                NodePool {
                    instance_types: strings(["m6i.large"]),
                    capacity: Capacity::OnDemand,
                    min: PerEnv::all(2),
                    desired: PerEnv::all(2),
                    max: PerEnv::all(4),
                    labels: map([("role", "system")]),
                    taints: vec![Taint {
                        key: "CriticalAddonsOnly".into(),
                        value: Some("true".into()),
                        effect: TaintEffect::NoSchedule,
                    }],
                    disk_size_gb: 50,
                },
            ),
            (
                "apps".to_string(),
                NodePool {
                    instance_types: strings(["m6i.xlarge", "m6a.xlarge"]),
                    capacity: Capacity::Spot,
                    min: PerEnv::all(3).with("dev", 1),
                    desired: PerEnv::all(3).with("dev", 1),
                    max: PerEnv::all(20).with("dev", 3),
                    labels: BTreeMap::new(),
                    taints: Vec::new(),
                    disk_size_gb: 50,
                },
            ),
        ]),
    };

    let ecs = Ecs {
        services: BTreeMap::from([
            (
                "api".to_string(),
                Service {
                    // dev and staging run the new release; prod the last one until promoted.
                    image: PerEnv::all(image("api:1.4.2")).with("prod", image("api:1.3.2")),
                    deploy: Deploy::Iacgen,
                    cpu: PerEnv::all(512),
                    memory: PerEnv::all(1024),
                    port: Some(8080),
                    desired: PerEnv::none()
                        .with("dev", 1)
                        .with("staging", 3)
                        .with("prod", 3),
                    load_balancer: Some(LoadBalancer {
                        public: true,
                        health_check_path: "/healthz".into(),
                        certificate_arn: Some(
                            PerEnv::none()
                                .with(
                                    "dev",
                                    certificate(
                                        "111111111111",
                                        "6f1e2d3c-4b5a-4c6d-9e8f-0a1b2c3d4e5f",
                                    ),
                                )
                                .with(
                                    "staging",
                                    certificate(
                                        "222222222222",
                                        "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                                    ),
                                )
                                .with(
                                    "prod",
                                    certificate(
                                        "333333333333",
                                        "8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                                    ),
                                ),
                        ),
                        access_logs: Some(AccessLogs {
                            bucket: PerEnv::all("acme-alb-access-logs".to_string()),
                            prefix: Some("payments".to_string()),
                        }),
                    }),
                    autoscaling: Some(Autoscaling {
                        min: PerEnv::all(3).with("dev", 1),
                        max: PerEnv::all(10),
                        cpu_target: Some(60),
                        memory_target: None,
                    }),
                    environment: map([("LOG_LEVEL", "info")]),
                    secrets: strings(["db_password"]),
                    writable_paths: strings(["/tmp"]),
                    command: Vec::new(),
                    architecture: Architecture::X86_64,
                    capacity: Capacity::OnDemand,
                    health_check_grace_period_seconds: 60,
                    exec: false,
                },
            ),
            (
                "worker".to_string(),
                Service {
                    image: PerEnv::all(image("worker:1.4.2")),
                    // The worker's own pipeline deploys its images.
                    deploy: Deploy::Pipeline,
                    cpu: PerEnv::all(256),
                    memory: PerEnv::all(512),
                    port: None,
                    desired: PerEnv::all(1),
                    load_balancer: None,
                    autoscaling: None,
                    environment: BTreeMap::new(),
                    secrets: Vec::new(),
                    command: Vec::new(),
                    architecture: Architecture::X86_64,
                    capacity: Capacity::OnDemand,
                    health_check_grace_period_seconds: 60,
                    exec: false,
                    writable_paths: Vec::new(),
                },
            ),
        ]),
    };

    let secrets = BTreeMap::from([
        (
            "db_password".to_string(),
            Secret {
                description: "Primary database password".into(),
                generate: Some(Generate {
                    length: 32,
                    special: true,
                }),
                rotation: Some(Rotation {
                    days: 30,
                    lambda_arn: PerEnv::none()
                        .with("dev", lambda("111111111111"))
                        .with("staging", lambda("222222222222"))
                        .with("prod", lambda("333333333333")),
                }),
                recovery_window_days: PerEnv::all(30),
                replicas: Vec::new(),
            },
        ),
        (
            "stripe_api_key".to_string(),
            Secret {
                description: "Stripe API key, set out of band".into(),
                generate: None,
                rotation: None,
                recovery_window_days: PerEnv::all(30),
                replicas: Vec::new(),
            },
        ),
    ]);

    Platform {
        project: "payments".into(),
        region: PerEnv::all("us-east-1".to_string()),
        tags: map([
            ("Owner", "platform-team"),
            ("CostCenter", "4242"),
            ("Service", "payments"),
        ]),
        tag_policy: strings(["Environment", "Service", "Owner", "CostCenter"]),
        backend: Some(S3Backend {
            // One central state bucket in the shared services account, read through its role.
            role_arn: Some(PerEnv::all(
                "arn:aws:iam::444444444444:role/terraform-state".into(),
            )),
            ..S3Backend::new("acme-terraform-state", "payments", "us-east-1")
        }),
        environments,
        network: Some(network),
        eks: Some(eks),
        ecs: Some(ecs),
        secrets,
        observability: Observability {
            log_retention_days: PerEnv::all(365).with("dev", 30),
            alarm_emails: strings(["oncall@example.com"]),
            external_alarm_subscribers: false,
            alarms: Alarms {
                error_rate_percent: 5,
                error_rate_min_requests: 50,
                latency_p99_seconds: 2.0,
                cpu_percent: 80,
                memory_percent: 80,
            },
            dashboard: true,
        },
        repository: Repository::default(),
    }
}

#[allow(dead_code)] // the golden test includes this file for `platform()` only
fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example platform -- OUT");
        std::process::exit(2);
    };
    match iacgen::render(&platform()) {
        Ok(tree) => match iacgen::tree::write(&tree, std::path::Path::new(&out)) {
            Ok(summary) => println!(
                "{out}: {} created, {} changed, {} unchanged",
                summary.created.len(),
                summary.changed.len(),
                summary.unchanged.len()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        },
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            std::process::exit(1);
        }
    }
}

/// An ACM certificate of us-east-1 in `account`.
fn certificate(account: &str, id: &str) -> String {
    format!("arn:aws:acm:us-east-1:{account}:certificate/{id}")
}
