//! The semantic rules of the model: each test starts from the SPEC.md example (valid), breaks
//! one thing, and checks the exact problems reported.

use iacgen::model::cidr::{self, subnet_cidrs};
use iacgen::model::tags::tag_set;
use iacgen::model::validate::{Problem, validate, warnings};
use iacgen::model::*;
use ipnet::Ipv4Net;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn env(name: &str, account: &str, tags: &[(&str, &str)]) -> Environment {
    Environment {
        name: name.into(),
        account_id: Some(account.into()),
        tags: map(tags),
        role_arn: None,
        protect: None,
    }
}

/// The rotation function of one account.
fn lambda(account: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{account}:function:rotate-db")
}

/// The platform of the SPEC.md example.
fn example() -> Platform {
    let pool = |types: &[&str]| NodePool {
        instance_types: strings(types),
        capacity: Capacity::OnDemand,
        min: PerEnv::all(2),
        desired: PerEnv::all(2),
        max: PerEnv::all(4),
        labels: BTreeMap::new(),
        taints: Vec::new(),
        disk_size_gb: 50,
    };
    let system = NodePool {
        labels: map(&[("role", "system")]),
        taints: vec![Taint {
            key: "CriticalAddonsOnly".into(),
            value: Some("true".into()),
            effect: TaintEffect::NoSchedule,
        }],
        ..pool(&["m6i.large"])
    };
    let apps = NodePool {
        capacity: Capacity::Spot,
        min: PerEnv::all(3).with("dev", 1),
        desired: PerEnv::all(3).with("dev", 1),
        max: PerEnv::all(20).with("dev", 3),
        ..pool(&["m6i.xlarge", "m6a.xlarge"])
    };
    let service = |image: &str, cpu: u32, memory: u32| Service {
        image: PerEnv::all(image.into()),
        deploy: Deploy::Iacgen,
        cpu: PerEnv::all(cpu),
        memory: PerEnv::all(memory),
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
    };
    let api = Service {
        port: Some(8080),
        desired: PerEnv::none()
            .with("dev", 1)
            .with("staging", 2)
            .with("prod", 3),
        load_balancer: Some(LoadBalancer {
            public: true,
            health_check_path: "/healthz".into(),
            certificate_arn: None,
            access_logs: None,
        }),
        autoscaling: Some(Autoscaling {
            min: PerEnv::all(3).with("dev", 1),
            max: PerEnv::all(10),
            cpu_target: Some(60),
            memory_target: None,
        }),
        environment: map(&[("LOG_LEVEL", "info")]),
        secrets: strings(&["db_password"]),
        ..service(
            "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
            512,
            1024,
        )
    };
    let worker = service(
        "111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:1.4.2",
        256,
        512,
    );
    Platform {
        project: "payments".into(),
        region: PerEnv::all("us-east-1".into()),
        tags: map(&[
            ("Owner", "platform-team"),
            ("CostCenter", "4242"),
            ("Service", "payments"),
        ]),
        tag_policy: strings(&["Environment", "Service", "Owner", "CostCenter"]),
        backend: Some(S3Backend::new(
            "acme-terraform-state",
            "payments",
            "us-east-1",
        )),
        environments: vec![
            env("dev", "111111111111", &[]),
            env("staging", "222222222222", &[]),
            env("prod", "333333333333", &[("Compliance", "pci")]),
        ],
        network: Some(Network {
            cidr: PerEnv::none()
                .with("dev", net("10.10.0.0/16"))
                .with("staging", net("10.20.0.0/16"))
                .with("prod", net("10.30.0.0/16")),
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
            endpoints: strings(&["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"]),
        }),
        eks: Some(Eks {
            version: PerEnv::all("1.33".into()),
            endpoint_public_access: false,
            public_access_cidrs: Vec::new(),
            allow_world: false,
            admins: PerEnv::none()
                .with(
                    "dev",
                    strings(&["arn:aws:iam::111111111111:role/platform-admin"]),
                )
                .with(
                    "staging",
                    strings(&["arn:aws:iam::222222222222:role/platform-admin"]),
                )
                .with(
                    "prod",
                    strings(&["arn:aws:iam::333333333333:role/platform-admin"]),
                ),
            allow_no_admins: false,
            support_type: SupportType::Standard,
            control_plane_subnets: Tier::Private,
            addons: DEFAULT_EKS_ADDONS
                .iter()
                .map(|a| (a.to_string(), None))
                .collect(),
            node_pools: BTreeMap::from([("system".into(), system), ("apps".into(), apps)]),
        }),
        ecs: Some(Ecs {
            services: BTreeMap::from([("api".into(), api), ("worker".into(), worker)]),
        }),
        secrets: BTreeMap::from([
            (
                "db_password".into(),
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
                "stripe_api_key".into(),
                Secret {
                    description: "Stripe API key, set out of band".into(),
                    generate: None,
                    rotation: None,
                    recovery_window_days: PerEnv::all(30),
                    replicas: Vec::new(),
                },
            ),
        ]),
        observability: Observability {
            log_retention_days: PerEnv::all(365).with("dev", 30),
            alarm_emails: strings(&["oncall@example.com"]),
            external_alarm_subscribers: false,
            alarms: Alarms::default(),
            dashboard: true,
        },
        repository: Repository::default(),
    }
}

fn network(p: &mut Platform) -> &mut Network {
    p.network.as_mut().unwrap()
}

fn eks(p: &mut Platform) -> &mut Eks {
    p.eks.as_mut().unwrap()
}

fn service<'a>(p: &'a mut Platform, name: &str) -> &'a mut Service {
    p.ecs.as_mut().unwrap().services.get_mut(name).unwrap()
}

fn secret<'a>(p: &'a mut Platform, name: &str) -> &'a mut Secret {
    p.secrets.get_mut(name).unwrap()
}

/// Every problem as `path: message`.
fn problems(p: &Platform) -> Vec<String> {
    validate(p).iter().map(Problem::to_string).collect()
}

/// Asserts that `p` has exactly the problems `expected` (as `path: message`).
#[track_caller]
fn assert_problems(p: &Platform, expected: &[&str]) {
    assert_eq!(problems(p), expected);
}

const RETENTIONS: &str = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, \
                          1827, 2192, 2557, 2922, 3288, 3653";

// --- the example --------------------------------------------------------------------------

#[test]
fn the_spec_example_is_valid() {
    assert_problems(&example(), &[]);
}

#[test]
fn a_minimal_platform_is_valid() {
    let mut p = example();
    p.network = None;
    p.eks = None;
    p.ecs = None;
    p.secrets.clear();
    p.backend = None;
    p.tags.clear();
    p.tag_policy.clear();
    assert_problems(&p, &[]);
}

// --- names, environments ------------------------------------------------------------------

#[test]
fn project_names() {
    let mut p = example();
    p.project = "Payments".into();
    assert_problems(
        &p,
        &[
            "project: `Payments` is not a valid project name: use lowercase letters, digits and \
           `-`, starting with a letter",
        ],
    );
    p.project = "payments-platform-for-europe".into();
    assert_problems(
        &p,
        &[
            "project: project name `payments-platform-for-europe` is 28 characters long (at most 24)",
        ],
    );
}

#[test]
fn environment_names_and_accounts() {
    let mut p = example();
    p.environments[0].name = "Dev".into();
    p.environments[1].account_id = Some("2222".into());
    // Values keyed by the old name now name no environment.
    let n = network(&mut p);
    n.cidr = PerEnv::all(net("10.10.0.0/16"));
    n.nat = PerEnv::all(NatMode::Single);
    let apps = eks(&mut p).node_pools.get_mut("apps").unwrap();
    apps.min = PerEnv::all(1);
    apps.desired = PerEnv::all(1);
    apps.max = PerEnv::all(3);
    let api = service(&mut p, "api");
    api.desired = PerEnv::all(1);
    api.autoscaling.as_mut().unwrap().min = PerEnv::all(1);
    p.observability.log_retention_days = PerEnv::all(30);
    let admins = &mut eks(&mut p).admins;
    let dev_admins = admins.by_env.remove("dev").unwrap();
    admins.by_env.insert("Dev".into(), dev_admins);
    secret(&mut p, "db_password")
        .rotation
        .as_mut()
        .unwrap()
        .lambda_arn = PerEnv::all(lambda("111111111111")).with("prod", lambda("333333333333"));
    assert_problems(
        &p,
        &[
            "environments.Dev: `Dev` is not a valid environment name: use lowercase letters, \
             digits and `-`, starting with a letter",
            "environments.staging.account_id: account_id `2222` is not an AWS account id (12 \
             digits)",
        ],
    );
}

#[test]
fn environments_are_required_unique_and_not_named_default() {
    let mut p = example();
    p.network = None;
    p.eks = None;
    p.ecs = None;
    p.environments.clear();
    assert_problems(
        &p,
        &["environments: at least one environment is required (e.g. `environments: { dev: {} }`)"],
    );

    let mut p = example();
    p.environments.push(env("prod", "333333333333", &[]));
    assert_problems(
        &p,
        &["environments.prod: environment `prod` is defined twice"],
    );

    let mut p = example();
    p.environments[0].name = "default".into();
    let problems = problems(&p);
    assert_eq!(
        problems[0],
        "environments.default: `default` cannot name an environment: it is the fallback key of \
         per-environment values"
    );
}

// --- per-env values -----------------------------------------------------------------------

#[test]
fn per_env_maps_name_only_existing_environments() {
    let mut p = example();
    p.region = PerEnv::all("us-east-1".to_string()).with("prdo", "us-east-1".to_string());
    assert_problems(
        &p,
        &[
            "region.prdo: unknown environment `prdo` (environments: dev, staging, prod); did you \
           mean `prod`?",
        ],
    );
    let mut p = example();
    p.observability.log_retention_days = PerEnv::all(365).with("qa", 30);
    assert_problems(
        &p,
        &[
            "observability.log_retention_days.qa: unknown environment `qa` (environments: dev, \
           staging, prod)",
        ],
    );
}

#[test]
fn per_env_maps_cover_every_environment() {
    let mut p = example();
    network(&mut p).cidr.by_env.remove("prod");
    assert_problems(
        &p,
        &["network.cidr: no value for prod: add `prod:` or `default:`"],
    );
    let mut p = example();
    service(&mut p, "api").desired = PerEnv::none().with("dev", 1);
    assert_problems(
        &p,
        &[
            "ecs.services.api.desired: no value for staging, prod: add `staging:`, `prod:` or \
           `default:`",
        ],
    );
}

#[test]
fn every_per_env_field_is_checked_for_unknown_environments() {
    let mut p = example();
    network(&mut p).az_count.by_env.insert("qa".into(), 2);
    network(&mut p)
        .nat
        .by_env
        .insert("qa".into(), NatMode::None);
    eks(&mut p)
        .node_pools
        .get_mut("system")
        .unwrap()
        .max
        .by_env
        .insert("qa".into(), 2);
    service(&mut p, "api")
        .memory
        .by_env
        .insert("qa".into(), 1024);
    secret(&mut p, "db_password")
        .recovery_window_days
        .by_env
        .insert("qa".into(), 7);
    let paths: Vec<String> = validate(&p).iter().map(Problem::dotted).collect();
    assert_eq!(
        paths,
        [
            "network.az_count.qa",
            "network.nat.qa",
            "eks.node_pools.system.max.qa",
            "ecs.services.api.memory.qa",
            "secrets.db_password.recovery_window_days.qa",
        ]
    );
}

// --- region, tags, backend ----------------------------------------------------------------

#[test]
fn regions_look_like_aws_regions() {
    let mut p = example();
    p.region = PerEnv::all("us-east".to_string());
    assert_problems(
        &p,
        &["region: `us-east` is not an AWS region name (like `eu-west-1`)"],
    );
    p.region = PerEnv::all("us-east-1".to_string()).with("prod", "eu-west-x".to_string());
    assert_problems(
        &p,
        &["region.prod: in prod: `eu-west-x` is not an AWS region name (like `eu-west-1`)"],
    );
}

#[test]
fn tag_limits_and_reserved_keys() {
    let mut p = example();
    p.tags.insert("aws:owner".into(), "x".into());
    p.tags.insert("k".repeat(129), "x".into());
    p.tags.insert("Team".into(), "v".repeat(257));
    p.tags.insert("Environment".into(), "production".into());
    p.environments[2].tags.insert("Name".into(), "x".into());
    assert_problems(
        &p,
        &[
            "tags.Environment: tag `Environment` is set by iacgen (reserved: Environment, \
             ManagedBy, Name, Project)",
            "tags.Team: the value of tag `Team` is 257 characters long (at most 256)",
            "tags.aws:owner: tag key `aws:owner`: keys starting with `aws:` are reserved for AWS",
            &format!(
                "tags.{k}: tag key `{k}` is 129 characters long (at most 128)",
                k = "k".repeat(129)
            ),
            "environments.prod.tags.Name: tag `Name` is set by iacgen (reserved: Environment, \
             ManagedBy, Name, Project)",
        ],
    );
}

#[test]
fn tag_policy_needs_every_required_key_in_every_environment() {
    let mut p = example();
    p.tag_policy.push("Team".into());
    p.tag_policy.push("Compliance".into());
    assert_problems(
        &p,
        &[
            "tag_policy.required.4: required tag `Team` is not set: add it to `tags`",
            "tag_policy.required.5: required tag `Compliance` is missing in dev, staging: add it \
             to `tags` or to the `environments.<env>.tags` of those environments",
        ],
    );
}

#[test]
fn tag_set_merges_spec_environment_and_automatic_tags() {
    let mut p = example();
    p.environments[2]
        .tags
        .insert("Owner".into(), "payments-oncall".into());
    let prod = tag_set(&p, "prod");
    assert_eq!(prod["Owner"], "payments-oncall");
    assert_eq!(prod["Compliance"], "pci");
    assert_eq!(prod["Environment"], "prod");
    assert_eq!(prod["Project"], "payments");
    assert_eq!(prod["ManagedBy"], "iacgen");
    assert_eq!(prod["CostCenter"], "4242");
    let dev = tag_set(&p, "dev");
    assert_eq!(dev["Owner"], "platform-team");
    assert!(!dev.contains_key("Compliance"));
    assert!(!dev.contains_key("Name"));
}

#[test]
fn backend_bucket_prefix_and_region() {
    let mut p = example();
    p.backend = Some(S3Backend::new("Acme_State", "", "useast1"));
    assert_problems(
        &p,
        &[
            "backend.s3.bucket: bucket name `Acme_State` may contain only lowercase letters, \
             digits, `.` and `-`",
            "backend.s3.key_prefix: key_prefix is empty: state keys are \
             `<key_prefix>/<env>/terraform.tfstate`",
            "backend.s3.region: `useast1` is not an AWS region name (like `eu-west-1`)",
        ],
    );
}

// --- network ------------------------------------------------------------------------------

#[test]
fn network_is_required_by_eks_and_ecs() {
    let mut p = example();
    p.network = None;
    assert_problems(
        &p,
        &["network: `network` is required: eks and ecs run in its subnets"],
    );
    p.eks = None;
    assert_problems(
        &p,
        &["network: `network` is required: ecs runs in its subnets"],
    );
}

#[test]
fn vpc_cidr_prefix_and_host_bits() {
    let mut p = example();
    let n = network(&mut p);
    n.cidr = n
        .cidr
        .clone()
        .with("dev", net("10.0.0.0/8"))
        .with("staging", net("10.20.0.1/16"));
    // The /8 is reported alone: the subnets carved from it are not checked.
    assert_problems(
        &p,
        &[
            "network.cidr.dev: in dev: VPC CIDR 10.0.0.0/8 is a /8: use a /16 to /24",
            "network.cidr.staging: in staging: 10.20.0.1/16 has host bits set: did you mean \
             10.20.0.0/16?",
        ],
    );
}

#[test]
fn az_count_range_and_region_capacity() {
    let mut p = example();
    network(&mut p).az_count = PerEnv::all(2).with("prod", 7);
    assert_problems(
        &p,
        &["network.az_count.prod: in prod: az_count 7 is out of range (1 to 6)"],
    );
    let mut p = example();
    p.region = PerEnv::all("us-east-2".to_string());
    // The rotation function is of us-east-1 (its region is checked in the secrets' tests).
    secret(&mut p, "db_password").rotation = None;
    network(&mut p).az_count = PerEnv::all(2).with("prod", 4);
    assert_problems(
        &p,
        &[
            "network.az_count.prod: in prod: az_count 4 is more than the 3 availability zones of \
           us-east-2",
        ],
    );
}

#[test]
fn eks_and_load_balancers_need_two_zones() {
    let mut p = example();
    network(&mut p).az_count = PerEnv::all(2).with("dev", 1).with("prod", 3);
    assert_problems(
        &p,
        &[
            "network.az_count.dev: in dev: EKS and load balancers (api) need subnets in at least \
           2 availability zones, but there is 1",
        ],
    );
}

#[test]
fn explicit_azs_are_distinct_zones_of_the_region() {
    let mut p = example();
    network(&mut p).azs = Some(
        PerEnv::none()
            .with("prod", strings(&["us-east-1a", "us-east-1a", "eu-west-1b"]))
            .with("staging", strings(&["us-east-1b", "us-east-1c"])),
    );
    assert_problems(
        &p,
        &[
            "network.azs.prod.1: in prod: `us-east-1a` is listed twice",
            "network.azs.prod.2: in prod: `eu-west-1b` is not a zone of us-east-1 (like \
             `us-east-1a`)",
        ],
    );
}

#[test]
fn explicit_azs_set_the_zone_count() {
    let mut p = example();
    network(&mut p).azs = Some(PerEnv::none().with("staging", strings(&["us-east-1b"])));
    assert_problems(
        &p,
        &[
            "network.azs.staging: in staging: EKS and load balancers (api) need subnets in at \
           least 2 availability zones, but there is 1",
        ],
    );
}

#[test]
fn carved_subnets_must_fit_their_region() {
    let mut p = example();
    let n = network(&mut p);
    n.cidr = n.cidr.clone().with("prod", net("10.30.0.0/18"));
    assert_problems(
        &p,
        &[
            "network.subnets.private.prefix: in prod: /20 private subnets for 3 AZs need a /18, \
           but the private region of a /18 VPC is a /19 (its lower half), room for 2: use \
           prefix 21 or more, or a /17 VPC or larger",
        ],
    );
}

#[test]
fn a_misfit_shared_by_every_environment_is_reported_once() {
    let mut p = example();
    let n = network(&mut p);
    n.cidr = PerEnv::all(net("10.0.0.0/20"));
    n.az_count = PerEnv::all(3);
    assert_problems(
        &p,
        &[
            "network.subnets.public.prefix: /24 public subnets for 3 AZs need a /22, but the \
             public region of a /20 VPC is a /23 (its 5th eighth), room for 2: use prefix 25 or \
             more, or a /19 VPC or larger",
            "network.subnets.private.prefix: /20 private subnets for 3 AZs need a /18, but the \
             private region of a /20 VPC is a /21 (its lower half), room for none: use prefix 23 \
             or more, or a /17 VPC or larger",
            "network.subnets.database.prefix: /24 database subnets for 3 AZs need a /22, but the \
             database region of a /20 VPC is a /23 (its 6th eighth), room for 2: use prefix 25 \
             or more, or a /19 VPC or larger",
        ],
    );
}

#[test]
fn subnet_prefix_range() {
    let mut p = example();
    network(&mut p)
        .subnets
        .insert(Tier::Intra, SubnetLayout::Prefix(29));
    assert_problems(
        &p,
        &["network.subnets.intra.prefix: prefix 29 is out of range: subnets can be /16 to /28"],
    );
}

fn explicit_database() -> PerEnv<Vec<Ipv4Net>> {
    PerEnv::none()
        .with("dev", vec![net("10.10.240.0/24"), net("10.10.241.0/24")])
        .with(
            "staging",
            vec![net("10.20.240.0/24"), net("10.20.241.0/24")],
        )
        .with(
            "prod",
            vec![
                net("10.30.240.0/24"),
                net("10.30.241.0/24"),
                net("10.30.242.0/24"),
            ],
        )
}

#[test]
fn explicit_subnets_one_per_az_inside_the_vpc() {
    let mut p = example();
    network(&mut p)
        .subnets
        .insert(Tier::Database, SubnetLayout::Cidrs(explicit_database()));
    assert_problems(&p, &[]);

    let mut cidrs = explicit_database();
    cidrs
        .by_env
        .insert("prod".into(), vec![net("10.30.240.0/24")]);
    cidrs.by_env.insert(
        "dev".into(),
        vec![net("10.10.240.0/24"), net("10.99.0.0/24")],
    );
    let mut p = example();
    network(&mut p)
        .subnets
        .insert(Tier::Database, SubnetLayout::Cidrs(cidrs));
    assert_problems(
        &p,
        &[
            "network.subnets.database.cidrs.dev.1: in dev: 10.99.0.0/24 is outside the VPC CIDR \
             10.10.0.0/16",
            "network.subnets.database.cidrs.prod: in prod: 1 database CIDRs for 3 AZs: give one \
             per AZ, in AZ order",
        ],
    );
}

#[test]
fn explicit_subnets_may_not_overlap_others() {
    let mut cidrs = explicit_database();
    // Inside the private region: overlaps the carved private subnet of AZ 1.
    cidrs.by_env.insert(
        "dev".into(),
        vec![net("10.10.1.0/24"), net("10.10.241.0/24")],
    );
    let mut p = example();
    network(&mut p)
        .subnets
        .insert(Tier::Database, SubnetLayout::Cidrs(cidrs));
    assert_problems(
        &p,
        &[
            "network.subnets.database.cidrs.dev.0: in dev: 10.10.1.0/24 (database subnet of AZ 1) \
           overlaps 10.10.0.0/20 (private subnet of AZ 1)",
        ],
    );
}

#[test]
fn explicit_subnet_sizes() {
    let mut p = example();
    network(&mut p).subnets.insert(
        Tier::Intra,
        SubnetLayout::Cidrs(PerEnv::all(vec![
            net("10.10.224.0/30"),
            net("10.10.225.1/24"),
        ])),
    );
    network(&mut p).az_count = PerEnv::all(2);
    network(&mut p).cidr = PerEnv::all(net("10.10.0.0/16"));
    assert_problems(
        &p,
        &[
            "network.subnets.intra.cidrs.0: subnet 10.10.224.0/30 is a /30: use a /16 to /28",
            "network.subnets.intra.cidrs.1: 10.10.225.1/24 has host bits set: did you mean \
             10.10.225.0/24?",
        ],
    );
}

#[test]
fn tiers_that_other_sections_need() {
    let mut p = example();
    network(&mut p).subnets.remove(&Tier::Public);
    assert_problems(
        &p,
        &[
            "network.subnets: NAT gateways and public load balancers (api) need public subnets: \
           add a `public` tier (e.g. `public: { prefix: 24 }`), or set `nat: none`",
        ],
    );
    network(&mut p).nat = PerEnv::all(NatMode::None).with("prod", NatMode::PerAz);
    service(&mut p, "api")
        .load_balancer
        .as_mut()
        .unwrap()
        .public = false;
    assert_problems(
        &p,
        &[
            "network.subnets: NAT gateways (in prod) need public subnets: add a `public` tier \
           (e.g. `public: { prefix: 24 }`), or set `nat: none`",
        ],
    );
    let mut p = example();
    network(&mut p).subnets.remove(&Tier::Private);
    assert_problems(
        &p,
        &[
            "network.subnets: EKS nodes and ECS tasks run in private subnets: add a `private` \
           tier (e.g. `private: { prefix: 20 }`)",
        ],
    );
    // The control plane in the intra subnets needs an intra tier.
    let mut p = example();
    network(&mut p).subnets.remove(&Tier::Intra);
    p.eks.as_mut().unwrap().control_plane_subnets = Tier::Intra;
    assert_problems(
        &p,
        &[
            "eks.control_plane_subnets: `intra` puts the EKS control plane in the network's intra \
           subnets: add an `intra` tier (e.g. `intra: { prefix: 24 }`), or use `private`",
        ],
    );
}

#[test]
fn flow_log_retention_and_endpoints() {
    let mut p = example();
    let n = network(&mut p);
    n.flow_logs.retention_days = Some(PerEnv::all(100));
    n.endpoints = strings(&["s3", "ECR", "logs", "s3"]);
    assert_problems(
        &p,
        &[
            &format!(
                "network.flow_logs.retention_days: 100 days is not a CloudWatch Logs retention \
                 period (valid: {RETENTIONS})"
            ),
            "network.endpoints.1: `ECR` is not a VPC endpoint service name (like `s3`, \
             `ecr.api`, `logs`)",
            "network.endpoints.3: endpoint `s3` is listed twice",
        ],
    );
}

// --- eks ----------------------------------------------------------------------------------

#[test]
fn eks_version_is_a_minor_version() {
    for bad in ["1.33.1", "v1.33", "2.0", "1."] {
        let mut p = example();
        eks(&mut p).version = PerEnv::all(bad.into());
        assert_problems(
            &p,
            &[&format!(
                "eks.version: version `{bad}` is not a Kubernetes minor version (like `1.33`)"
            )],
        );
    }
}

#[test]
fn public_endpoint_needs_cidrs_and_world_needs_consent() {
    let mut p = example();
    eks(&mut p).endpoint_public_access = true;
    assert_problems(
        &p,
        &[
            "eks.public_access_cidrs: a public endpoint needs public_access_cidrs: list the \
           networks allowed to reach the Kubernetes API",
        ],
    );
    eks(&mut p).public_access_cidrs = vec![net("203.0.113.0/24"), net("0.0.0.0/0")];
    assert_problems(
        &p,
        &[
            "eks.public_access_cidrs.1: 0.0.0.0/0 opens the Kubernetes API to the whole internet: \
           set `allow_world: true` to allow it",
        ],
    );
    eks(&mut p).allow_world = true;
    assert_problems(&p, &[]);
    eks(&mut p).endpoint_public_access = false;
    assert_problems(
        &p,
        &[
            "eks.public_access_cidrs: public_access_cidrs has no effect while \
           endpoint_public_access is false: remove it or make the endpoint public",
        ],
    );
}

#[test]
fn eks_admins_and_addons() {
    let mut p = example();
    eks(&mut p).admins = PerEnv::all(strings(&[
        "arn:aws:iam::111111111111:role/platform-admin",
        "arn:aws:iam::111111111111:group/admins",
    ]));
    for e in &mut p.environments {
        e.account_id = None;
    }
    eks(&mut p)
        .addons
        .insert("coredns".into(), Some("1.11".into()));
    assert_problems(
        &p,
        &[
            "eks.admins.1: `arn:aws:iam::111111111111:group/admins` is not an IAM role or user \
             ARN (like `arn:aws:iam::123456789012:role/admin`)",
            "eks.addons.coredns.version: `1.11` is not an EKS add-on version (like \
             `v1.19.0-eksbuild.1`)",
        ],
    );
}

fn taint(key: &str, effect: TaintEffect) -> Taint {
    Taint {
        key: key.into(),
        value: Some("true".into()),
        effect,
    }
}

#[test]
fn coredns_needs_a_node_pool_it_tolerates() {
    let mut p = example();
    let pools = &mut eks(&mut p).node_pools;
    // A spot pool tainted for batch work: CoreDNS still has the system pool
    // (CriticalAddonsOnly, which it tolerates).
    pools.get_mut("apps").unwrap().taints = vec![taint("spot", TaintEffect::NoSchedule)];
    assert_problems(&p, &[]);
    let pools = &mut eks(&mut p).node_pools;
    pools
        .get_mut("system")
        .unwrap()
        .taints
        .push(taint("dedicated", TaintEffect::NoExecute));
    assert_problems(
        &p,
        &[
            "eks.node_pools: every node pool has a taint CoreDNS does not tolerate (apps \
             (spot:NoSchedule), system (dedicated:NoExecute)), so the coredns add-on never \
             schedules and its creation times out: add a pool without NoSchedule/NoExecute \
             taints, or one tainted only with `CriticalAddonsOnly` (e.g. `system: { \
             instance_types: [m6i.large], min: 2, taints: [{ key: CriticalAddonsOnly, value: \
             \"true\", effect: NoSchedule }] }`)",
        ],
    );
    // PreferNoSchedule only steers pods away.
    let pools = &mut eks(&mut p).node_pools;
    pools.get_mut("apps").unwrap().taints = vec![taint("spot", TaintEffect::PreferNoSchedule)];
    assert_problems(&p, &[]);
    // Without the coredns add-on, nothing to schedule.
    let mut p = example();
    let pools = &mut eks(&mut p).node_pools;
    for pool in pools.values_mut() {
        pool.taints = vec![taint("spot", TaintEffect::NoSchedule)];
    }
    eks(&mut p).addons.remove("coredns");
    assert_problems(&p, &[]);
}

#[test]
fn coredns_needs_nodes_in_every_environment() {
    let mut p = example();
    let pools = &mut eks(&mut p).node_pools;
    pools.get_mut("apps").unwrap().taints = vec![taint("spot", TaintEffect::NoSchedule)];
    let system = pools.get_mut("system").unwrap();
    system.min = PerEnv::all(0);
    system.desired = PerEnv::all(2).with("dev", 0);
    assert_problems(
        &p,
        &[
            "eks.node_pools: in dev: no node for CoreDNS: the pools it can run on (system) have \
             desired 0, so the coredns add-on never schedules and its creation times out: give \
             one of them desired 1 or more",
        ],
    );
}

#[test]
fn every_environment_needs_a_cluster_admin_or_the_opt_out() {
    const NO_ADMIN: &str = "no cluster admin: the cluster authenticates by access entries only \
                            and makes no admin of its creator, so nobody could ever use it: \
                            list IAM roles (like \
                            `arn:aws:iam::123456789012:role/platform-admin`, in the \
                            environment's account), or set `allow_no_admins: true` when access \
                            entries are managed outside iacgen";
    let mut p = example();
    eks(&mut p).admins = PerEnv::all(Vec::new());
    assert_problems(&p, &[&format!("eks.admins: {NO_ADMIN}")]);
    // One environment left out of a per-environment list.
    let mut p = example();
    eks(&mut p).admins.by_env.remove("staging");
    assert_problems(
        &p,
        &[&format!("eks.admins.staging: in staging: {NO_ADMIN}")],
    );
    // The explicit opt-out.
    eks(&mut p).allow_no_admins = true;
    assert_problems(&p, &[]);
}

#[test]
fn an_admin_is_in_the_account_of_its_environment() {
    let mut p = example();
    // One list for every environment, but the environments live in three accounts.
    eks(&mut p).admins = PerEnv::all(strings(&["arn:aws:iam::111111111111:role/platform-admin"]));
    let wrong = |env: &str, account: &str| {
        format!(
            "eks.admins.0: in {env}: `arn:aws:iam::111111111111:role/platform-admin` is in \
             account 111111111111, but {env} runs in {account}: an access entry takes \
             principals of the cluster's account; give {env} its own admins (`admins: {{ {env}: \
             [arn:aws:iam::{account}:role/...] }}`)"
        )
    };
    assert_problems(
        &p,
        &[
            &wrong("staging", "222222222222"),
            &wrong("prod", "333333333333"),
        ],
    );
    let mut p = example();
    let admins = &mut eks(&mut p).admins;
    admins.by_env.insert(
        "prod".into(),
        strings(&[
            "arn:aws:iam::333333333333:role/platform-admin",
            "arn:aws:iam::222222222222:user/alice",
        ]),
    );
    admins.by_env.insert("qa".into(), Vec::new());
    assert_problems(
        &p,
        &[
            "eks.admins.qa: unknown environment `qa` (environments: dev, staging, prod)",
            "eks.admins.prod.1: in prod: `arn:aws:iam::222222222222:user/alice` is in account \
             222222222222, but prod runs in 333333333333: an access entry takes principals of \
             the cluster's account; give prod its own admins (`admins: { prod: \
             [arn:aws:iam::333333333333:role/...] }`)",
        ],
    );
}

#[test]
fn eks_needs_a_node_pool() {
    let mut p = example();
    eks(&mut p).node_pools.clear();
    assert_problems(
        &p,
        &[
            "eks.node_pools: at least one node pool is required (e.g. `system: { instance_types: \
           [m6i.large] }`)",
        ],
    );
}

#[test]
fn node_pool_instance_types() {
    let mut p = example();
    let pools = &mut eks(&mut p).node_pools;
    pools.get_mut("system").unwrap().instance_types.clear();
    pools.get_mut("apps").unwrap().instance_types =
        strings(&["m6i.xlarge", "m6g.xlarge", "xlarge", "m6i.xlarge"]);
    assert_problems(
        &p,
        &[
            "eks.node_pools.apps.instance_types.2: `xlarge` is not an EC2 instance type (like \
             `m6i.large`)",
            "eks.node_pools.apps.instance_types.3: `m6i.xlarge` is listed twice",
            "eks.node_pools.apps.instance_types: instance types mix arm64 (m6g.xlarge) and \
             x86_64 (m6i.xlarge): a node pool runs one architecture",
            "eks.node_pools.system.instance_types: instance_types is empty: name at least one \
             (like `m6i.large`)",
        ],
    );
}

#[test]
fn node_pool_sizes_per_environment() {
    let mut p = example();
    let apps = eks(&mut p).node_pools.get_mut("apps").unwrap();
    apps.desired = apps.desired.clone().with("prod", 25);
    apps.min = apps.min.clone().with("staging", 4);
    let system = eks(&mut p).node_pools.get_mut("system").unwrap();
    system.max = PerEnv::all(0);
    system.min = PerEnv::all(0);
    system.desired = PerEnv::all(0);
    assert_problems(
        &p,
        &[
            "eks.node_pools.apps.desired.staging: in staging: min 4, desired 3, max 20: desired \
             may not be below min",
            "eks.node_pools.apps.desired.prod: in prod: min 3, desired 25, max 20: desired may \
             not exceed max",
            "eks.node_pools.system.max: max must be at least 1",
        ],
    );
    let mut p = example();
    let system = eks(&mut p).node_pools.get_mut("system").unwrap();
    system.min = PerEnv::all(5);
    assert_problems(
        &p,
        &["eks.node_pools.system.min: min 5, desired 2, max 4: min may not exceed max"],
    );
}

#[test]
fn node_pool_labels_taints_disk_and_name() {
    let mut p = example();
    let mut pool = eks(&mut p).node_pools["system"].clone();
    pool.labels.insert("bad key".into(), "x".into());
    pool.labels.insert("tier".into(), "-front".into());
    pool.taints.push(Taint {
        key: String::new(),
        value: None,
        effect: TaintEffect::NoExecute,
    });
    pool.taints.push(pool.taints[0].clone());
    pool.disk_size_gb = 10;
    eks(&mut p).node_pools.insert("Big_Pool".into(), pool);
    let key_rule = "is not a Kubernetes label key: an optional DNS prefix and `/`, then at most \
                    63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or \
                    digit";
    assert_problems(
        &p,
        &[
            "eks.node_pools.Big_Pool: `Big_Pool` is not a valid node pool name: use lowercase \
             letters, digits and `-`, starting with a letter",
            &format!("eks.node_pools.Big_Pool.labels.bad key: `bad key` {key_rule}"),
            "eks.node_pools.Big_Pool.labels.tier: `-front` is not a Kubernetes label value: at \
             most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit",
            &format!("eks.node_pools.Big_Pool.taints.1.key: `` {key_rule}"),
            "eks.node_pools.Big_Pool.taints.2: taint `CriticalAddonsOnly` with effect \
             NoSchedule is listed twice",
            "eks.node_pools.Big_Pool.disk_size_gb: disk_size_gb 10 is out of range (20 to 16384)",
        ],
    );
}

// --- ecs ----------------------------------------------------------------------------------

/// The problems of the `worker` service (256/512 in the example) at `cpu`/`memory`.
fn fargate(cpu: u32, memory: u32) -> Vec<String> {
    let mut p = example();
    let worker = service(&mut p, "worker");
    worker.cpu = PerEnv::all(cpu);
    worker.memory = PerEnv::all(memory);
    problems(&p)
}

#[test]
fn every_fargate_pair_boundary() {
    let table = [
        (256, 512, 2048, 512, "512, 1024, 2048"),
        (512, 1024, 4096, 1024, "1024–4096 in steps of 1024"),
        (1024, 2048, 8192, 1024, "2048–8192 in steps of 1024"),
        (2048, 4096, 16384, 1024, "4096–16384 in steps of 1024"),
        (4096, 8192, 30720, 1024, "8192–30720 in steps of 1024"),
        (8192, 16384, 61440, 4096, "16384–61440 in steps of 4096"),
        (16384, 32768, 122880, 8192, "32768–122880 in steps of 8192"),
    ];
    for (cpu, min, max, step, valid) in table {
        assert_eq!(fargate(cpu, min), Vec::<String>::new(), "{cpu}/{min}");
        assert_eq!(fargate(cpu, max), Vec::<String>::new(), "{cpu}/{max}");
        for memory in [min - step / 2, max + step] {
            assert_eq!(
                fargate(cpu, memory),
                [format!(
                    "ecs.services.worker.memory: memory {memory} is not valid with cpu {cpu} \
                     (valid: {valid})"
                )],
            );
        }
    }
    // Inside a range but off the step.
    assert_eq!(
        fargate(8192, 18432),
        [
            "ecs.services.worker.memory: memory 18432 is not valid with cpu 8192 (valid: \
          16384–61440 in steps of 4096)"
        ]
    );
    assert_eq!(
        fargate(256, 1536),
        [
            "ecs.services.worker.memory: memory 1536 is not valid with cpu 256 (valid: 512, 1024, \
          2048)"
        ]
    );
}

#[test]
fn fargate_cpu_sizes_and_per_env_pairs() {
    assert_eq!(
        fargate(3000, 4096),
        [
            "ecs.services.worker.cpu: cpu 3000 is not a Fargate CPU size (valid: 256, 512, 1024, \
          2048, 4096, 8192, 16384)"
        ]
    );
    let mut p = example();
    let api = service(&mut p, "api");
    api.cpu = PerEnv::all(512).with("prod", 1024);
    assert_problems(
        &p,
        &[
            "ecs.services.api.memory.prod: in prod: memory 1024 is not valid with cpu 1024 \
           (valid: 2048–8192 in steps of 1024)",
        ],
    );
}

#[test]
fn service_image_port_and_capacity() {
    let mut p = example();
    let worker = service(&mut p, "worker");
    worker.image = PerEnv::all(" ".into());
    // arm64 on Fargate Spot is valid (platform 1.4.0+).
    worker.architecture = Architecture::Arm64;
    worker.capacity = Capacity::Spot;
    service(&mut p, "api").port = Some(0);
    assert_problems(
        &p,
        &[
            "ecs.services.api.port: port 0 is out of range (1–65535)",
            "ecs.services.worker.image: image is empty: give a container image (like \
             `nginx:1.27`)",
        ],
    );
}

#[test]
fn load_balancers() {
    let mut p = example();
    // Without account ids only the region of a certificate is checked.
    without_accounts(&mut p);
    let api = service(&mut p, "api");
    api.port = None;
    let lb = api.load_balancer.as_mut().unwrap();
    lb.health_check_path = "healthz".into();
    lb.certificate_arn = Some(PerEnv::all(
        "arn:aws:acm:eu-west-1:111111111111:certificate/abc".into(),
    ));
    assert_problems(
        &p,
        &[
            "ecs.services.api.load_balancer: a load balancer needs `port`: the port the \
             container listens on",
            "ecs.services.api.load_balancer.health_check_path: health_check_path `healthz` must \
             be a URL path starting with `/`, without spaces, at most 1024 characters",
            "ecs.services.api.load_balancer.certificate_arn: the certificate is in eu-west-1 but \
             the load balancer is in us-east-1: an ALB needs a certificate from its own region",
        ],
    );
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(PerEnv::all(
        "arn:aws:acm:us-east-1:111111111111:cert/abc".into(),
    ));
    assert_problems(
        &p,
        &["ecs.services.api.load_balancer.certificate_arn: \
           `arn:aws:acm:us-east-1:111111111111:cert/abc` is not an ACM certificate ARN (like \
           `arn:aws:acm:us-east-1:123456789012:certificate/<id>`)"],
    );
    // A certificate from the right region is fine, and a region per env is checked per env.
    let mut p = example();
    without_accounts(&mut p);
    p.region = PerEnv::all("us-east-1".to_string()).with("prod", "eu-west-1".to_string());
    secret(&mut p, "db_password").rotation = None;
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(PerEnv::all(
        "arn:aws:acm:us-east-1:111111111111:certificate/abc".into(),
    ));
    assert_problems(
        &p,
        &[
            "ecs.services.api.load_balancer.certificate_arn: in prod: the certificate is in \
           us-east-1 but the load balancer is in eu-west-1: an ALB needs a certificate from its \
           own region",
        ],
    );
}

fn without_accounts(p: &mut Platform) {
    for e in &mut p.environments {
        e.account_id = None;
    }
}

/// `arn:aws:acm:us-east-1:<account>:certificate/<n>`
fn certificate(account: &str) -> String {
    format!("arn:aws:acm:us-east-1:{account}:certificate/0b8f1c2e")
}

#[test]
fn a_certificate_serves_only_its_own_account() {
    // One certificate for environments in three accounts: refused where it cannot work.
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(PerEnv::all(certificate("333333333333")));
    assert_problems(
        &p,
        &[
            "ecs.services.api.load_balancer.certificate_arn: in dev: the certificate belongs to \
             account 333333333333 but dev runs in account 111111111111: an ALB can only use a \
             certificate of its own account (give one per environment, like `certificate_arn: { \
             dev: arn:aws:acm:...:111111111111:certificate/... }`)",
            "ecs.services.api.load_balancer.certificate_arn: in staging: the certificate belongs \
             to account 333333333333 but staging runs in account 222222222222: an ALB can only \
             use a certificate of its own account (give one per environment, like \
             `certificate_arn: { staging: arn:aws:acm:...:222222222222:certificate/... }`)",
        ],
    );
    // One per environment, each in its account: valid; a wrong one is reported at its key.
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    let per_env = PerEnv::none()
        .with("dev", certificate("111111111111"))
        .with("staging", certificate("222222222222"))
        .with("prod", certificate("333333333333"));
    lb.certificate_arn = Some(per_env.clone());
    assert_problems(&p, &[]);
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(per_env.with("prod", certificate("222222222222")));
    assert_problems(
        &p,
        &[
            "ecs.services.api.load_balancer.certificate_arn.prod: in prod: the certificate \
           belongs to account 222222222222 but prod runs in account 333333333333: an ALB can \
           only use a certificate of its own account (give one per environment, like \
           `certificate_arn: { prod: arn:aws:acm:...:333333333333:certificate/... }`)",
        ],
    );
    // A map must cover every environment.
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(PerEnv::none().with("dev", certificate("111111111111")));
    assert_problems(
        &p,
        &[
            "ecs.services.api.load_balancer.certificate_arn: no value for staging, prod: add \
           `staging:`, `prod:` or `default:`",
        ],
    );
}

#[test]
fn images_from_another_accounts_ecr_are_warned_about() {
    // The example's images are in dev's ECR (111111111111).
    let p = example();
    assert!(problems(&p).is_empty());
    assert_eq!(
        warned_at(&p, "ecs.services.api.image"),
        [
            "ecs.services.api.image: the image is in the ECR of account 111111111111, but \
          staging (222222222222), prod (333333333333) run in another account: the repository's \
          policy must allow those accounts to pull (ecr:BatchGetImage, \
          ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability); iacgen grants only the \
          task execution role's side"
        ]
    );
    // One account for every environment, or an image outside ECR: nothing to say.
    let mut p = example();
    for e in &mut p.environments {
        e.account_id = Some("111111111111".into());
    }
    service(&mut p, "worker").image = PerEnv::all("nginx:1.27".into());
    assert!(warned_at(&p, "ecs.services.api.image").is_empty());
    assert!(warned_at(&p, "ecs.services.worker.image").is_empty());
}

#[test]
fn public_plain_http_under_a_compliance_tag_is_warned_about() {
    // The example's prod is tagged Compliance: pci; its public api has no certificate.
    let p = example();
    assert_eq!(
        warned_at(&p, "ecs.services.api.load_balancer"),
        [
            "ecs.services.api.load_balancer: in prod: a public load balancer without \
          `certificate_arn` serves plain HTTP to the internet in an environment tagged \
          Compliance: pci; give it a certificate (HTTP then only redirects to HTTPS), and \
          consider `access_logs`"
        ]
    );
    // A certificate there (or an internal load balancer) says nothing.
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.certificate_arn = Some(
        PerEnv::none()
            .with("dev", certificate("111111111111"))
            .with("staging", certificate("222222222222"))
            .with("prod", certificate("333333333333")),
    );
    assert!(warned_at(&p, "ecs.services.api.load_balancer").is_empty());
    let mut p = example();
    service(&mut p, "api")
        .load_balancer
        .as_mut()
        .unwrap()
        .public = false;
    assert!(warned_at(&p, "ecs.services.api.load_balancer").is_empty());
}

#[test]
fn access_logs_bucket_and_prefix() {
    let mut p = example();
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.access_logs = Some(AccessLogs {
        bucket: PerEnv::all("Logs_Bucket".into()),
        prefix: Some("alb/AWSLogs/".into()),
    });
    let found = problems(&p);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("ecs.services.api.load_balancer.access_logs.bucket: "));
    assert_eq!(
        found[1],
        "ecs.services.api.load_balancer.access_logs.prefix: prefix `alb/AWSLogs/` must be a key \
         prefix without `/` at either end, without `AWSLogs` (which Elastic Load Balancing \
         adds) and without spaces, like `alb/web`"
    );
    let lb = service(&mut p, "api").load_balancer.as_mut().unwrap();
    lb.access_logs = Some(AccessLogs {
        bucket: PerEnv::all("acme-alb-logs".into()),
        prefix: Some("payments/api".into()),
    });
    assert!(problems(&p).is_empty());
}

#[test]
fn writable_paths_are_distinct_absolute_paths() {
    let mut p = example();
    let api = service(&mut p, "api");
    api.exec = true;
    api.writable_paths = strings(&["/tmp", "tmp", "/", "/tmp/", "/var/log/amazon", "/a b"]);
    assert_problems(
        &p,
        &[
            "ecs.services.api.writable_paths.1: writable path `tmp` must be an absolute path \
             below `/` of letters, digits, `-`, `_` and `.` (like `/tmp` or `/var/cache/nginx`)",
            "ecs.services.api.writable_paths.2: writable path `/` must be an absolute path below \
             `/` of letters, digits, `-`, `_` and `.` (like `/tmp` or `/var/cache/nginx`)",
            "ecs.services.api.writable_paths.3: writable path `/tmp/` is listed twice (or names \
             the same volume `tmp`)",
            "ecs.services.api.writable_paths.4: `/var/log/amazon` is already writable: `exec: \
             true` adds it for the ECS Exec agent",
            "ecs.services.api.writable_paths.5: writable path `/a b` must be an absolute path \
             below `/` of letters, digits, `-`, `_` and `.` (like `/tmp` or `/var/cache/nginx`)",
        ],
    );
}

#[test]
fn autoscaling_bounds_and_targets() {
    let mut p = example();
    let auto = service(&mut p, "api").autoscaling.as_mut().unwrap();
    auto.min = PerEnv::all(3).with("dev", 12);
    auto.cpu_target = Some(0);
    auto.memory_target = Some(101);
    assert_problems(
        &p,
        &[
            "ecs.services.api.autoscaling.min.dev: in dev: autoscaling min 12 is above max 10",
            "ecs.services.api.autoscaling.cpu_target: cpu_target 0 is not a percentage (1 to \
             100)",
            "ecs.services.api.autoscaling.memory_target: memory_target 101 is not a percentage \
             (1 to 100)",
        ],
    );
    let mut p = example();
    let auto = service(&mut p, "api").autoscaling.as_mut().unwrap();
    auto.min = PerEnv::all(0);
    auto.max = PerEnv::all(0);
    assert_problems(
        &p,
        &["ecs.services.api.autoscaling.max: autoscaling max must be at least 1"],
    );
}

/// Every warning as `path: message` whose path starts with `prefix`.
fn warned_at(p: &Platform, prefix: &str) -> Vec<String> {
    warnings(p)
        .iter()
        .map(Problem::to_string)
        .filter(|w| w.starts_with(prefix))
        .collect()
}

fn warned(p: &Platform) -> Vec<String> {
    warned_at(p, "ecs.services.api.desired")
}

#[test]
fn desired_outside_the_autoscaling_range_is_said_not_silently_raised() {
    // The SPEC.md example starts staging at 2 with autoscaling min 3 (default).
    let p = example();
    assert!(problems(&p).is_empty());
    assert_eq!(
        warned(&p),
        [
            "ecs.services.api.desired.staging: in staging: desired 2 is below autoscaling min 3: \
             iacgen writes desired_count = 3, as Application Auto Scaling would set it; write 3 \
             to say so, or change the bounds"
        ]
    );
    let mut p = example();
    service(&mut p, "api").desired = PerEnv::all(12);
    service(&mut p, "api").autoscaling.as_mut().unwrap().min = PerEnv::all(1);
    assert_eq!(
        warned(&p),
        [
            "ecs.services.api.desired: desired 12 is above autoscaling max 10: iacgen writes \
          desired_count = 10, as Application Auto Scaling would set it; write 10 to say so, or \
          change the bounds"
        ]
    );
    let mut p = example();
    service(&mut p, "api").desired = PerEnv::all(3).with("dev", 1);
    assert!(warned(&p).is_empty());
}

#[test]
fn service_secrets_must_exist() {
    let mut p = example();
    service(&mut p, "api").secrets = strings(&["db_password", "stripe_key", "db_password"]);
    assert_problems(
        &p,
        &[
            "ecs.services.api.secrets.1: unknown secret `stripe_key` (defined: db_password, \
             stripe_api_key); did you mean `stripe_api_key`?",
            "ecs.services.api.secrets.2: secret `db_password` is listed twice",
        ],
    );
    let mut p = example();
    p.secrets.clear();
    assert_problems(
        &p,
        &["ecs.services.api.secrets.0: unknown secret `db_password` (defined: none)"],
    );
}

#[test]
fn service_environment_variables() {
    let mut p = example();
    let api = service(&mut p, "api");
    api.environment.insert("1ST".into(), "x".into());
    api.environment
        .insert("DB_PASSWORD".into(), "hunter2".into());
    assert_problems(
        &p,
        &[
            "ecs.services.api.environment.1ST: `1ST` is not an environment variable name: use \
             letters, digits and `_`, not starting with a digit",
            "ecs.services.api.environment.DB_PASSWORD: `DB_PASSWORD` is also the variable of \
             secret `db_password`: a variable is either a plain value or a secret, not both",
        ],
    );
}

// --- secrets, observability ---------------------------------------------------------------

#[test]
fn secret_rules() {
    let mut p = example();
    let db = secret(&mut p, "db_password");
    db.description = " ".into();
    db.generate.as_mut().unwrap().length = 4;
    let rotation = db.rotation.as_mut().unwrap();
    rotation.days = 1001;
    rotation.lambda_arn = PerEnv::all("rotate-db".into());
    db.recovery_window_days = PerEnv::all(30).with("prod", 5);
    assert_problems(
        &p,
        &[
            "secrets.db_password.description: description is empty: say what the secret is for",
            "secrets.db_password.generate.length: length 4 is out of range (8 to 4096)",
            "secrets.db_password.rotation.days: rotation every 1001 days is out of range (1 to \
             1000)",
            "secrets.db_password.rotation.lambda_arn: `rotate-db` is not a Lambda function ARN \
             (like `arn:aws:lambda:us-east-1:123456789012:function:rotate`)",
            "secrets.db_password.recovery_window_days.prod: in prod: recovery window 5 days is \
             out of range (0 to delete at once, or 7 to 30)",
        ],
    );
    let mut p = example();
    secret(&mut p, "stripe_api_key").recovery_window_days = PerEnv::all(0);
    assert_problems(&p, &[]);
}

#[test]
fn a_rotation_lambda_of_another_account_or_region_is_refused() {
    // One function for every environment: staging and prod run in other accounts.
    let mut p = example();
    secret(&mut p, "db_password")
        .rotation
        .as_mut()
        .unwrap()
        .lambda_arn = PerEnv::all(lambda("111111111111"));
    assert_problems(
        &p,
        &[
            "secrets.db_password.rotation.lambda_arn.staging: in staging: the rotation Lambda is \
             in account 111111111111 but environment staging is account 222222222222: give \
             staging a function of its own account (`lambda_arn: { staging: \
             arn:aws:lambda:<region>:222222222222:function:<name> }`)",
            "secrets.db_password.rotation.lambda_arn.prod: in prod: the rotation Lambda is in \
             account 111111111111 but environment prod is account 333333333333: give prod a \
             function of its own account (`lambda_arn: { prod: \
             arn:aws:lambda:<region>:333333333333:function:<name> }`)",
        ],
    );
    let mut p = example();
    let rotation = secret(&mut p, "db_password").rotation.as_mut().unwrap();
    rotation.lambda_arn = rotation.lambda_arn.clone().with(
        "prod",
        "arn:aws:lambda:eu-west-1:333333333333:function:rotate-db".into(),
    );
    assert_problems(
        &p,
        &[
            "secrets.db_password.rotation.lambda_arn.prod: in prod: the rotation Lambda is in \
           eu-west-1 but the secret is in us-east-1: Secrets Manager invokes a function of the \
           secret's own region",
        ],
    );
    let mut p = example();
    secret(&mut p, "db_password")
        .rotation
        .as_mut()
        .unwrap()
        .lambda_arn = PerEnv::none().with("dev", lambda("111111111111"));
    assert_problems(
        &p,
        &[
            "secrets.db_password.rotation.lambda_arn: no value for staging, prod: add `staging:`, \
           `prod:` or `default:`",
        ],
    );
}

/// The warnings about the alarms (other sections of the example have warnings of their own).
fn observability_warnings(p: &iacgen::model::Platform) -> Vec<iacgen::model::validate::Problem> {
    iacgen::model::validate::warnings(p)
        .into_iter()
        .filter(|w| w.path.first().map(String::as_str) == Some("observability"))
        .collect()
}

#[test]
fn alarms_that_notify_nobody_are_a_warning_unless_subscribed_elsewhere() {
    let mut p = example();
    assert_eq!(observability_warnings(&p), []);
    p.observability.alarm_emails.clear();
    let warnings = observability_warnings(&p);
    assert_eq!(
        warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        [
            "observability.alarm_emails: no alarm e-mail: the alarms notify the SNS topic \
          `payments-<env>-alarms`, which nothing subscribes to, so nobody is told when one \
          fires; add `alarm_emails`, or subscribe to the topic outside iacgen (output \
          `alarm_topic_arn`) and set `external_alarm_subscribers: true`"
        ]
    );
    assert_problems(&p, &[]);
    p.observability.external_alarm_subscribers = true;
    assert_eq!(observability_warnings(&p), []);
    // Nothing to watch: no alarm, no warning.
    let mut p = example();
    p.observability.alarm_emails.clear();
    p.eks = None;
    p.ecs = None;
    assert_eq!(observability_warnings(&p), []);
}

#[test]
fn secret_replicas() {
    let mut p = example();
    secret(&mut p, "stripe_api_key").replicas =
        strings(&["us-west-2", "us-east-1", "uswest2", "us-west-2"]);
    assert_problems(
        &p,
        &[
            "secrets.stripe_api_key.replicas.2: `uswest2` is not an AWS region name (like \
             `eu-west-1`)",
            "secrets.stripe_api_key.replicas.3: replica region us-west-2 is listed twice",
            "secrets.stripe_api_key.replicas.1: us-east-1 is the environment's own region: a \
             replica must be elsewhere",
        ],
    );
}

#[test]
fn observability_rules() {
    let mut p = example();
    let o = &mut p.observability;
    o.log_retention_days = PerEnv::all(365).with("dev", 10);
    o.alarm_emails = strings(&["oncall@example.com", "oncall", "oncall@example.com"]);
    o.alarms.error_rate_percent = 0;
    o.alarms.cpu_percent = 101;
    o.alarms.latency_p99_seconds = f64::NAN;
    assert_problems(
        &p,
        &[
            &format!(
                "observability.log_retention_days.dev: in dev: 10 days is not a CloudWatch Logs \
                 retention period (valid: {RETENTIONS})"
            ),
            "observability.alarm_emails.1: `oncall` is not an email address",
            "observability.alarm_emails.2: `oncall@example.com` is listed twice",
            "observability.alarms.error_rate_percent: error_rate_percent 0 is not a percentage \
             (1 to 100)",
            "observability.alarms.cpu_percent: cpu_percent 101 is not a percentage (1 to 100)",
            "observability.alarms.latency_p99_seconds: latency_p99_seconds NaN must be a \
             positive number of seconds",
        ],
    );
}

#[test]
fn problems_come_in_document_order() {
    let mut p = example();
    p.observability.alarms.cpu_percent = 0;
    secret(&mut p, "db_password").description.clear();
    service(&mut p, "worker").image = PerEnv::all(String::new());
    eks(&mut p).version = PerEnv::all("latest".into());
    network(&mut p).endpoints.push("s3".into());
    p.environments[0].account_id = Some("1".into());
    p.tags.insert("aws:x".into(), "y".into());
    p.project = "9lives".into();
    let sections: Vec<String> = validate(&p).iter().map(|pr| pr.path[0].clone()).collect();
    assert_eq!(
        sections,
        [
            "project",
            "tags",
            "environments",
            "network",
            "eks",
            "ecs",
            "secrets",
            "observability"
        ]
    );
}

// --- subnet layout --------------------------------------------------------------------------

#[test]
fn the_spec_example_layout() {
    let p = example();
    let n = p.network.as_ref().unwrap();
    let dev = subnet_cidrs(n, "dev", 2).unwrap();
    assert_eq!(
        dev[&Tier::Private],
        [net("10.10.0.0/20"), net("10.10.16.0/20")]
    );
    assert_eq!(
        dev[&Tier::Public],
        [net("10.10.128.0/24"), net("10.10.129.0/24")]
    );
    assert_eq!(
        dev[&Tier::Database],
        [net("10.10.160.0/24"), net("10.10.161.0/24")]
    );
    let prod = subnet_cidrs(n, "prod", 3).unwrap();
    assert_eq!(
        prod[&Tier::Private],
        [
            net("10.30.0.0/20"),
            net("10.30.16.0/20"),
            net("10.30.32.0/20")
        ]
    );
}

#[test]
fn more_azs_and_more_tiers_never_move_a_subnet() {
    let mut n = example().network.unwrap();
    let two = subnet_cidrs(&n, "staging", 2).unwrap();
    let three = subnet_cidrs(&n, "staging", 3).unwrap();
    for (tier, nets) in &two {
        assert_eq!(&three[tier][..2], &nets[..], "{tier:?}");
    }
    n.subnets.insert(Tier::Intra, SubnetLayout::Prefix(22));
    let with_intra = subnet_cidrs(&n, "staging", 3).unwrap();
    for (tier, nets) in &three {
        assert_eq!(&with_intra[tier], nets, "{tier:?}");
    }
    n.subnets.remove(&Tier::Public);
    let without_public = subnet_cidrs(&n, "staging", 3).unwrap();
    assert_eq!(without_public[&Tier::Private], three[&Tier::Private]);
}

#[test]
fn explicit_cidrs_are_returned_as_given_and_misfits_explained() {
    let mut n = example().network.unwrap();
    n.subnets
        .insert(Tier::Database, SubnetLayout::Cidrs(explicit_database()));
    let prod = subnet_cidrs(&n, "prod", 3).unwrap();
    assert_eq!(prod[&Tier::Database], explicit_database().by_env["prod"]);
    n.cidr = PerEnv::all(net("10.0.0.0/24"));
    let err = subnet_cidrs(&n, "dev", 2).unwrap_err();
    assert_eq!(err.dotted(), "network.subnets.public.prefix");
    assert!(
        err.message
            .starts_with("in dev: /24 public subnets for 2 AZs"),
        "{err}"
    );
}

proptest! {
    /// Whatever fits is inside the VPC, disjoint, and stable as AZs are added.
    #[test]
    fn carved_subnets_never_overlap(
        vpc_prefix in 16u8..=24,
        third_octet in 0u8..=255,
        prefixes in proptest::collection::vec(16u8..=28, 4),
        az_count in 1usize..=6,
    ) {
        let vpc = Ipv4Net::new(std::net::Ipv4Addr::new(10, 7, third_octet, 0), vpc_prefix)
            .unwrap()
            .trunc();
        let mut all = Vec::new();
        for (tier, prefix) in Tier::ALL.into_iter().zip(prefixes) {
            let Ok(nets) = cidr::carve(vpc, tier, prefix, az_count) else { continue };
            prop_assert_eq!(nets.len(), az_count);
            if az_count > 1 {
                let fewer = cidr::carve(vpc, tier, prefix, az_count - 1).unwrap();
                prop_assert_eq!(&nets[..az_count - 1], &fewer[..]);
            }
            for n in &nets {
                prop_assert!(vpc.contains(n));
                prop_assert_eq!(n.prefix_len(), prefix);
            }
            all.extend(nets);
        }
        for (i, a) in all.iter().enumerate() {
            for b in &all[..i] {
                prop_assert!(!cidr::overlaps(a, b), "{} overlaps {}", a, b);
            }
        }
    }

    /// A misfit's suggested prefix does fit.
    #[test]
    fn suggested_prefix_fits(
        vpc_prefix in 16u8..=24,
        prefix in 16u8..=28,
        az_count in 1usize..=6,
        tier in proptest::sample::select(Tier::ALL.to_vec()),
    ) {
        let vpc = Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), vpc_prefix).unwrap();
        if let Err(misfit) = cidr::carve(vpc, tier, prefix, az_count) {
            let message = misfit.message();
            if let Some(rest) = message.split("use prefix ").nth(1) {
                let suggested: u8 = rest.split(' ').next().unwrap().parse().unwrap();
                prop_assert!(cidr::carve(vpc, tier, suggested, az_count).is_ok(), "{}", message);
                prop_assert!(cidr::carve(vpc, tier, suggested - 1, az_count).is_err(), "{}", message);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Validation never panics, whatever strings and numbers it is given.
    #[test]
    fn validate_never_panics(
        text in proptest::collection::vec(".{0,40}", 13),
        numbers in proptest::collection::vec(any::<u32>(), 12),
        small in proptest::collection::vec(any::<u8>(), 4),
        addr in any::<u32>(),
        latency in any::<f64>(),
    ) {
        let mut p = example();
        p.project = text[0].clone();
        p.region = PerEnv::all(text[1].clone()).with(&text[2], text[3].clone());
        p.tags.insert(text[4].clone(), text[5].clone());
        p.tag_policy.push(text[6].clone());
        p.environments[0].account_id = Some(text[7].clone());
        p.environments[1].role_arn = Some(text[11].clone());
        if let Some(s3) = &mut p.backend {
            s3.key = Some(PerEnv::all(text[5].clone()).with(&text[2], text[6].clone()));
            s3.role_arn = Some(PerEnv::all(text[8].clone()));
            s3.dynamodb_table = Some(PerEnv::none().with(&text[1], text[9].clone()));
        }
        let prefix = small[0] % 33;
        let cidr = Ipv4Net::new(std::net::Ipv4Addr::from(addr), prefix).unwrap();
        let n = network(&mut p);
        n.cidr = n.cidr.clone().with("dev", cidr);
        n.az_count = PerEnv::all(small[1]);
        n.subnets.insert(Tier::Intra, SubnetLayout::Prefix(small[2]));
        n.subnets.insert(
            Tier::Database,
            SubnetLayout::Cidrs(PerEnv::all(vec![cidr; usize::from(small[3] % 8)])),
        );
        n.endpoints.push(text[8].clone());
        n.azs = Some(PerEnv::all(vec![text[9].clone()]));
        let e = eks(&mut p);
        e.version = PerEnv::all(text[10].clone()).with(&text[2], text[12].clone());
        e.endpoint_public_access = true;
        e.public_access_cidrs = vec![cidr];
        e.admins = e.admins.clone().with(&text[12], vec![text[11].clone()]);
        let pool = e.node_pools.get_mut("apps").unwrap();
        pool.instance_types.push(text[0].clone());
        pool.labels.insert(text[1].clone(), text[2].clone());
        pool.min = PerEnv::all(numbers[0]);
        pool.desired = PerEnv::all(numbers[1]);
        pool.max = PerEnv::all(numbers[2]);
        pool.disk_size_gb = numbers[3];
        let api = service(&mut p, "api");
        api.cpu = PerEnv::all(numbers[4]);
        api.memory = PerEnv::all(numbers[5]);
        api.secrets.push(text[3].clone());
        api.environment.insert(text[4].clone(), text[5].clone());
        let lb = api.load_balancer.as_mut().unwrap();
        lb.health_check_path = text[6].clone();
        lb.certificate_arn = Some(PerEnv::all(text[7].clone()));
        let db = secret(&mut p, "db_password");
        db.generate.as_mut().unwrap().length = numbers[6];
        db.rotation.as_mut().unwrap().lambda_arn = PerEnv::all(text[8].clone());
        db.rotation.as_mut().unwrap().days = numbers[7];
        db.recovery_window_days = PerEnv::all(numbers[8]);
        db.replicas.push(text[9].clone());
        p.observability.log_retention_days = PerEnv::all(numbers[9]);
        p.observability.alarm_emails.push(text[10].clone());
        p.observability.alarms.cpu_percent = numbers[10];
        p.observability.alarms.latency_p99_seconds = latency;
        let problems = validate(&p);
        // Same input, same problems, same order.
        prop_assert_eq!(&problems, &validate(&p));
        for problem in &problems {
            prop_assert!(!problem.path.is_empty() && !problem.message.is_empty());
        }
        let n = p.network.as_ref().unwrap();
        for env in p.env_names() {
            let count = iacgen::model::regions::az_count(n, env);
            let _ = subnet_cidrs(n, env, count);
            let _ = iacgen::model::regions::azs(n, &text[1], env);
        }
    }
}

/// `Platform` with the top-level field `field` replaced by the empty stand-in the spec loader
/// uses when that field does not decode.
fn without(p: &Platform, field: &str) -> Platform {
    let mut p = p.clone();
    match field {
        "project" => p.project = String::new(),
        "region" => p.region = PerEnv::none(),
        "tags" => p.tags = BTreeMap::new(),
        "tag_policy" => p.tag_policy = Vec::new(),
        "backend" => p.backend = None,
        "environments" => p.environments = Vec::new(),
        "network" => p.network = None,
        "eks" => p.eks = None,
        "ecs" => p.ecs = None,
        "secrets" => p.secrets = BTreeMap::new(),
        "observability" => p.observability = Observability::default(),
        "repository" => p.repository = Repository::default(),
        other => panic!("no stand-in for {other}"),
    }
    p
}

/// The loader runs the rules of a partly broken spec only where `validate::reads` says they
/// read nothing broken. Removing each section from every valid example must then only raise
/// problems whose rules declare that they read it; otherwise one run would report a problem
/// caused by a stand-in.
#[test]
fn rules_read_only_the_sections_they_declare() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.push(root.join("tests/fixtures/specs/platform.yaml"));
    specs.sort();
    let sections = [
        "project",
        "region",
        "tags",
        "tag_policy",
        "backend",
        "environments",
        "network",
        "eks",
        "ecs",
        "secrets",
        "observability",
        "repository",
    ];
    let mut checked = 0;
    for spec in &specs {
        let platform = iacgen::spec::load_file(spec).unwrap_or_else(|e| panic!("{e}"));
        let before = iacgen::model::validate::review(&platform);
        for section in sections {
            let after = iacgen::model::validate::review(&without(&platform, section));
            for problem in after.problems.iter().chain(&after.warnings) {
                if before.problems.contains(problem) || before.warnings.contains(problem) {
                    continue;
                }
                checked += 1;
                assert!(
                    iacgen::model::validate::reads(&problem.path).contains(&section),
                    "{}: without `{section}`, {problem} appears, but `reads` does not list \
                     `{section}` for it",
                    spec.display()
                );
            }
        }
    }
    assert!(checked > 0, "removing sections raised no problem at all");
}

/// An iacgen built without knowing its commit cannot pin the workflow's install to itself:
/// validation says what to set instead, and only when a workflow is generated.
#[test]
fn an_unknown_build_commit_needs_an_explicit_install_for_the_workflow() {
    let mut p = example();
    p.repository.iacgen = IacgenInstall::Git {
        url: IACGEN_GIT.to_string(),
        reference: GitRef::UnknownBuild,
    };
    let problems = validate(&p);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].dotted(), "repository.iacgen");
    assert!(
        problems[0].message.contains("rev: <full commit SHA>"),
        "{}",
        problems[0].message
    );
    p.repository.github_workflow = false;
    assert_eq!(validate(&p), []);
}
