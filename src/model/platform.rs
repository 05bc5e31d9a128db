//! The platform model. Field names follow the spec (SPEC.md) so that a validation problem found
//! here can be reported at the spec field that caused it.
//!
//! Defaults are already applied: every `Option` here means "absent", never "use the default".

use super::PerEnv;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

/// The spec format version this build reads and writes.
pub const SPEC_VERSION: u32 = 1;

/// A whole platform: every environment of one project.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    /// `[a-z][a-z0-9-]*`, at most 24 characters; prefixes every resource name.
    pub project: String,
    /// AWS region per environment (`environments.<env>.region` is folded in here).
    pub region: PerEnv<String>,
    /// Tags on every taggable resource (merged with the environment's and the automatic ones).
    pub tags: BTreeMap<String, String>,
    /// Tag keys every taggable resource must carry.
    pub tag_policy: Vec<String>,
    /// Remote state; `None` keeps local state.
    pub backend: Option<S3Backend>,
    /// At least one; the order is the order used in output.
    pub environments: Vec<Environment>,
    pub network: Option<Network>,
    pub eks: Option<Eks>,
    pub ecs: Option<Ecs>,
    /// Secrets by name.
    pub secrets: BTreeMap<String, Secret>,
    pub observability: Observability,
    /// The files around the Terraform code at the repository root (README, CI, linters).
    pub repository: Repository,
}

/// `backend.s3`: one state object per environment, by default at
/// `<key_prefix>/<env>/terraform.tfstate`. Every field may differ per environment, so that
/// each account can keep its state in a bucket of its own (or all in one central bucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Backend {
    pub bucket: PerEnv<String>,
    pub key_prefix: PerEnv<String>,
    /// The whole state key of an environment, instead of `<key_prefix>/<env>/terraform.tfstate`
    /// (a state that already exists at another key).
    pub key: Option<PerEnv<String>>,
    pub region: PerEnv<String>,
    /// A role Terraform assumes to read and write the state (the state bucket's account).
    pub role_arn: Option<PerEnv<String>>,
    /// A DynamoDB table that locks the state as well as the S3 lock file (a setup that still
    /// uses one; Terraform deprecates DynamoDB locking).
    pub dynamodb_table: Option<PerEnv<String>>,
}

/// Where one environment's state is: `backend.s3` resolved for that environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateLocation {
    pub bucket: String,
    pub key: String,
    pub region: String,
    pub role_arn: Option<String>,
    pub dynamodb_table: Option<String>,
}

impl S3Backend {
    /// The same backend for every environment, keys under `key_prefix`.
    pub fn new(bucket: &str, key_prefix: &str, region: &str) -> Self {
        Self {
            bucket: PerEnv::all(bucket.to_string()),
            key_prefix: PerEnv::all(key_prefix.to_string()),
            key: None,
            region: PerEnv::all(region.to_string()),
            role_arn: None,
            dynamodb_table: None,
        }
    }

    /// Where `env`'s state is (`None` when a required value is missing for it, which
    /// validation reports).
    pub fn location(&self, env: &str) -> Option<StateLocation> {
        let key = match self.key.as_ref().and_then(|k| k.get(env)) {
            Some(key) => key.clone(),
            None => format!("{}/{env}/terraform.tfstate", self.key_prefix.get(env)?),
        };
        Some(StateLocation {
            bucket: self.bucket.get(env)?.clone(),
            key,
            region: self.region.get(env)?.clone(),
            role_arn: self.role_arn.as_ref().and_then(|r| r.get(env)).cloned(),
            dynamodb_table: self
                .dynamodb_table
                .as_ref()
                .and_then(|t| t.get(env))
                .cloned(),
        })
    }
}

/// One deployment target (`environments.<name>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    /// 12 digits; when set the provider refuses to run against any other account.
    pub account_id: Option<String>,
    /// Extra tags for this environment only.
    pub tags: BTreeMap<String, String>,
    /// An IAM role the AWS provider assumes for this environment (in its own account).
    pub role_arn: Option<String>,
    /// Whether stateful resources (KMS keys, secrets, log groups, the EKS cluster) refuse to be
    /// destroyed; `None`: protected when the environment is production-like
    /// ([`super::naming::is_production_like`]).
    pub protect: Option<bool>,
}

impl Environment {
    /// Whether this environment's stateful resources are protected from destruction.
    pub fn protects(&self) -> bool {
        self.protect
            .unwrap_or_else(|| super::naming::is_production_like(&self.name))
    }
}

/// Subnet tiers, in the order they are laid out and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Public,
    Private,
    Database,
    Intra,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Public, Tier::Private, Tier::Database, Tier::Intra];

    /// The spec and Terraform name of the tier.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Database => "database",
            Tier::Intra => "intra",
        }
    }

    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// How one tier's subnets get their CIDRs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubnetLayout {
    /// Carved from the VPC CIDR at this prefix length (see `model::cidr`).
    Prefix(u8),
    /// Given explicitly, one per AZ in AZ order.
    Cidrs(PerEnv<Vec<Ipv4Net>>),
}

/// NAT gateways for private subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatMode {
    None,
    Single,
    PerAz,
}

impl NatMode {
    pub fn name(self) -> &'static str {
        match self {
            NatMode::None => "none",
            NatMode::Single => "single",
            NatMode::PerAz => "per_az",
        }
    }
}

/// `network`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub cidr: PerEnv<Ipv4Net>,
    /// Number of AZs (1–6). When `azs` is given for an environment, its length wins.
    pub az_count: PerEnv<u8>,
    /// Explicit AZ names; `None` means the region's first `az_count`.
    pub azs: Option<PerEnv<Vec<String>>>,
    /// The tiers present and how their CIDRs are chosen.
    pub subnets: BTreeMap<Tier, SubnetLayout>,
    pub nat: PerEnv<NatMode>,
    pub flow_logs: FlowLogs,
    /// VPC endpoint service names (`s3`, `ecr.api`, ...). `s3`/`dynamodb` are gateway endpoints.
    pub endpoints: Vec<String>,
}

/// `network.flow_logs`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLogs {
    pub enabled: bool,
    /// `None`: the observability log retention of each environment.
    pub retention_days: Option<PerEnv<u32>>,
}

/// `eks`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eks {
    /// Kubernetes minor version, e.g. "1.33"; per environment, so that an upgrade can go
    /// through the environments one at a time.
    pub version: PerEnv<String>,
    pub endpoint_public_access: bool,
    /// CIDRs allowed to reach a public endpoint.
    pub public_access_cidrs: Vec<Ipv4Net>,
    /// Lets `public_access_cidrs` contain 0.0.0.0/0.
    pub allow_world: bool,
    /// IAM principal ARNs given cluster-admin access entries, per environment (an ARN names
    /// an account, and environments may live in different accounts).
    pub admins: PerEnv<Vec<String>>,
    /// Lets an environment have no `admins` (access entries managed outside iacgen); without
    /// it, a cluster nobody can reach is refused.
    pub allow_no_admins: bool,
    /// Which EKS support the cluster stays on when its version leaves standard support.
    pub support_type: SupportType,
    /// The subnet tier of the control plane's network interfaces: `Private` (the nodes'
    /// subnets, the default) or `Intra` (no route to the internet; what terraform-aws-modules
    /// platforms use, kept when adopting one since moving them is a change of the cluster).
    pub control_plane_subnets: Tier,
    /// Add-on name → pinned version (`None`: the default for the cluster version).
    pub addons: BTreeMap<String, Option<String>>,
    pub node_pools: BTreeMap<String, NodePool>,
}

/// The cluster's upgrade policy: what happens when its Kubernetes version leaves standard
/// support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportType {
    /// EKS upgrades the control plane automatically at the end of standard support.
    Standard,
    /// The version stays, in paid extended support (for 12 more months).
    Extended,
}

impl SupportType {
    /// The EKS API spelling (the cluster's `upgrade_policy.support_type`).
    pub fn api_name(self) -> &'static str {
        match self {
            SupportType::Standard => "STANDARD",
            SupportType::Extended => "EXTENDED",
        }
    }
}

/// The add-ons installed when the spec names none.
pub const DEFAULT_EKS_ADDONS: [&str; 4] =
    ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"];

/// EC2 purchase option of a node pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    OnDemand,
    Spot,
}

impl Capacity {
    /// The EKS API spelling (a node group's `capacity_type`).
    pub fn api_name(self) -> &'static str {
        match self {
            Capacity::OnDemand => "ON_DEMAND",
            Capacity::Spot => "SPOT",
        }
    }
}

/// `eks.node_pools.<name>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePool {
    pub instance_types: Vec<String>,
    pub capacity: Capacity,
    pub min: PerEnv<u32>,
    pub desired: PerEnv<u32>,
    pub max: PerEnv<u32>,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub disk_size_gb: u32,
}

/// A Kubernetes taint on every node of a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: Option<String>,
    pub effect: TaintEffect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    /// The EKS API spelling (a node group taint's `effect`).
    pub fn api_name(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NO_SCHEDULE",
            TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
            TaintEffect::NoExecute => "NO_EXECUTE",
        }
    }

    /// The spec spelling (Kubernetes style).
    pub fn name(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// `ecs`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ecs {
    pub services: BTreeMap<String, Service>,
}

/// CPU architecture of a Fargate task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    X86_64,
    Arm64,
}

/// `ecs.services.<name>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Container image; per environment (staging on a release candidate, prod on the release).
    pub image: PerEnv<String>,
    /// Who deploys new images: iacgen's apply, or the application's own pipeline.
    pub deploy: Deploy,
    /// Fargate CPU units (256 = 0.25 vCPU).
    pub cpu: PerEnv<u32>,
    /// MiB.
    pub memory: PerEnv<u32>,
    pub port: Option<u16>,
    pub desired: PerEnv<u32>,
    /// Present only with a port (the spec rejects a load balancer without one).
    pub load_balancer: Option<LoadBalancer>,
    pub autoscaling: Option<Autoscaling>,
    pub environment: BTreeMap<String, String>,
    /// Names of top-level secrets injected as environment variables.
    pub secrets: Vec<String>,
    pub command: Vec<String>,
    pub architecture: Architecture,
    /// `on_demand` runs on FARGATE, `spot` on FARGATE_SPOT (an added field, as for node pools).
    pub capacity: Capacity,
    /// Seconds ECS ignores failing load balancer health checks of a new task (default 60);
    /// only a service with a load balancer has one.
    pub health_check_grace_period_seconds: u32,
    /// ECS Exec (`aws ecs execute-command`) into the service's tasks: off unless asked.
    pub exec: bool,
    /// Absolute paths in the container that are writable (each a task volume); the root
    /// filesystem stays read-only.
    pub writable_paths: Vec<String>,
}

/// Who rolls out a service's new task definitions (new images).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deploy {
    /// The task definition iacgen generates is what runs: an apply deploys the spec's image.
    #[default]
    Iacgen,
    /// The application's pipeline registers task definition revisions and updates the
    /// service; an apply does not switch the service back to iacgen's revision.
    Pipeline,
}

impl Deploy {
    /// The spec spelling.
    pub fn name(self) -> &'static str {
        match self {
            Deploy::Iacgen => "iacgen",
            Deploy::Pipeline => "pipeline",
        }
    }
}

/// The health check grace period of a service that names none.
pub const DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS: u32 = 60;

/// `…load_balancer`: an ALB in front of a service with a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancer {
    /// Internet-facing in public subnets; otherwise internal in private subnets.
    pub public: bool,
    pub health_check_path: String,
    /// With a certificate: HTTPS listener plus an HTTP→HTTPS redirect. Per environment: an ACM
    /// certificate serves only load balancers of its own account and region.
    pub certificate_arn: Option<PerEnv<String>>,
    /// Access logs to an S3 bucket (`None`: off).
    pub access_logs: Option<AccessLogs>,
}

/// `…load_balancer.access_logs`: where the ALB writes its access logs. The bucket's policy must
/// let Elastic Load Balancing write (iacgen does not own the bucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogs {
    /// Per environment: a bucket of each account, or one central log archive bucket.
    pub bucket: PerEnv<String>,
    /// Key prefix inside the bucket (`None`: the bucket's root).
    pub prefix: Option<String>,
}

/// `…autoscaling`: target tracking between per-env bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaling {
    pub min: PerEnv<u32>,
    pub max: PerEnv<u32>,
    pub cpu_target: Option<u32>,
    pub memory_target: Option<u32>,
}

/// `secrets.<name>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub description: String,
    pub generate: Option<Generate>,
    pub rotation: Option<Rotation>,
    /// 0 (delete at once) or 7–30 days.
    pub recovery_window_days: PerEnv<u32>,
    /// Regions the secret is replicated to.
    pub replicas: Vec<String>,
}

/// `…generate`: a random value made at apply time, never stored in state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generate {
    pub length: u32,
    pub special: bool,
}

/// `…rotation`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub days: u32,
    /// Per environment: the function must be in the environment's own account and region
    /// (Secrets Manager invokes it there, and the secret refuses other accounts).
    pub lambda_arn: PerEnv<String>,
}

/// `observability`
#[derive(Debug, Clone, PartialEq)]
pub struct Observability {
    pub log_retention_days: PerEnv<u32>,
    pub alarm_emails: Vec<String>,
    /// The alarm topic is subscribed outside iacgen (AWS Chatbot, PagerDuty, ...): no warning
    /// that alarms notify nobody when `alarm_emails` is empty.
    pub external_alarm_subscribers: bool,
    pub alarms: Alarms,
    pub dashboard: bool,
}

/// `observability.alarms` thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarms {
    pub error_rate_percent: u32,
    /// Requests per 5 minutes below which the 5xx rate never breaches (a few errors among a
    /// handful of requests are noise).
    pub error_rate_min_requests: u32,
    pub latency_p99_seconds: f64,
    pub cpu_percent: u32,
    pub memory_percent: u32,
}

impl Default for Alarms {
    fn default() -> Self {
        Self {
            error_rate_percent: 5,
            error_rate_min_requests: 50,
            latency_p99_seconds: 2.0,
            cpu_percent: 80,
            memory_percent: 80,
        }
    }
}

impl Default for Observability {
    fn default() -> Self {
        Self {
            log_retention_days: PerEnv::all(365),
            alarm_emails: Vec::new(),
            external_alarm_subscribers: false,
            alarms: Alarms::default(),
            dashboard: true,
        }
    }
}

/// `repository`: the spec's place in the generated repository and which root files iacgen
/// writes. A file switched off is left to the project (iacgen neither writes nor deletes it);
/// generated files that refer to it (the workflow, pre-commit) still expect it at that path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Path of the spec relative to the repository root, as the README and the CI workflow
    /// name it (`iacgen diff <spec_file> --out .`).
    pub spec_file: String,
    /// `README.md`: what was generated, the layout, how to plan, apply and regenerate.
    pub readme: bool,
    /// `.gitignore` for Terraform working files and state.
    pub gitignore: bool,
    /// `.tflint.hcl`: the recommended preset plus the AWS ruleset.
    pub tflint: bool,
    /// `.pre-commit-config.yaml` and the `.terraform-docs.yml` its docs hook reads.
    pub pre_commit: bool,
    /// `.github/workflows/terraform.yml`: checks and plans on pull requests, applies on main.
    pub github_workflow: bool,
    /// How the workflow installs iacgen (`repository.iacgen`).
    pub iacgen: IacgenInstall,
}

/// How CI gets the iacgen that checks the code matches the spec. iacgen is not on crates.io,
/// so either cargo builds it from its git repository at a fixed revision, or the workflow
/// downloads a release archive and checks its SHA-256 before running anything from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IacgenInstall {
    /// `cargo install --locked --git <url> --rev <sha> iacgen` (or `--tag`).
    Git { url: String, reference: GitRef },
    /// A `.tar.gz` as iacgen's release workflow builds it (`iacgen-<tag>-<target>/iacgen`).
    Release { url: String, sha256: String },
}

/// Which commit of a git repository: a full commit SHA pins it; a tag can be moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitRef {
    Rev(String),
    Tag(String),
    /// The default of an iacgen built without knowing its own commit (from a source archive,
    /// not a git checkout or a packaged crate): validation refuses it while a workflow is
    /// generated, asking for an explicit `repository.iacgen`.
    UnknownBuild,
}

/// iacgen's own repository.
pub const IACGEN_GIT: &str = "https://github.com/iacgen/iacgen";

/// The full commit SHA of the iacgen source this binary was built from, when the build knew it
/// (`build.rs`: a git checkout, including `cargo install --git`, or a packaged crate).
pub const BUILD_COMMIT: Option<&str> = option_env!("IACGEN_COMMIT");

impl Default for IacgenInstall {
    /// The commit of the iacgen that generates the workflow, from its own repository: it needs
    /// no release to exist, and CI then regenerates exactly what this build wrote.
    fn default() -> Self {
        IacgenInstall::Git {
            url: IACGEN_GIT.to_string(),
            reference: match BUILD_COMMIT {
                Some(commit) => GitRef::Rev(commit.to_string()),
                None => GitRef::UnknownBuild,
            },
        }
    }
}

/// Where `iacgen init` puts the spec, and so where generated files expect it by default.
pub const DEFAULT_SPEC_FILE: &str = "platform.yaml";

impl Default for Repository {
    fn default() -> Self {
        Self {
            spec_file: DEFAULT_SPEC_FILE.to_string(),
            readme: true,
            gitignore: true,
            tflint: true,
            pre_commit: true,
            github_workflow: true,
            iacgen: IacgenInstall::default(),
        }
    }
}

impl Platform {
    /// Environment names in spec order.
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.environments.iter().map(|e| e.name.as_str())
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// Whether any environment protects its stateful resources. Terraform modules are shared
    /// by every environment and `prevent_destroy` must be a literal, so with Terraform this
    /// protects them in every environment.
    pub fn protects_any(&self) -> bool {
        self.environments.iter().any(Environment::protects)
    }
}
