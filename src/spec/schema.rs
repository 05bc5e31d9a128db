//! The JSON Schema of the spec (`iacgen schema`), for editors that complete and check specs.
//!
//! Written by hand to mirror `decode/` field for field (the decoder is hand-written too, so
//! there are no serde types to derive a schema from); `tests/schema.rs` checks that both accept
//! the same field names at every level and that every example validates. Draft 7, the newest
//! draft that yaml-language-server and VS Code's JSON support fully. Only rules that are cheap
//! to state are repeated here (names, enums, ranges); the loader's cross-field rules stay in
//! `model::validate`, so a spec the schema accepts can still fail `iacgen validate`, never the
//! other way round.

use crate::model::tags::RESERVED_KEYS;
use crate::model::{DEFAULT_EKS_ADDONS, DEFAULT_SPEC_FILE, IACGEN_GIT, SPEC_VERSION};
use serde_json::{Map, Value, json};

/// `[a-z][a-z0-9-]*`: project, environment, service, node pool names.
const NAME: &str = "^[a-z][a-z0-9-]*$";
/// AWS region names such as `eu-west-1` or `us-gov-west-1`.
const REGION: &str = "^[a-z]{2}-(gov-)?[a-z]+-[0-9]$";
/// The shape of an IPv4 CIDR; the loader checks the numbers.
const CIDR: &str = "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$";
/// CloudWatch Logs retention periods (days).
const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];
const FARGATE_CPU: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// The schema as a JSON value.
pub fn schema() -> Value {
    let mut root = table(
        &format!(
            "An iacgen platform spec, version {SPEC_VERSION}: one AWS platform (network, EKS, \
             ECS, secrets, observability) in every environment, compiled into a Terraform \
             repository."
        ),
        &["version", "project", "environments"],
        vec![
            (
                "version",
                json!({
                    "description": format!("The spec format version. Only {SPEC_VERSION} is supported."),
                    "const": SPEC_VERSION,
                }),
            ),
            (
                "project",
                name(
                    "Project name: prefixes every resource name (`<project>-<env>-...`).",
                    24,
                ),
            ),
            (
                "region",
                per_env(
                    "AWS region. Required unless every environment sets `region`.",
                    region("AWS region name, e.g. `eu-west-1`."),
                ),
            ),
            (
                "tags",
                tags(
                    "Tags on every taggable resource, merged with the environment's tags and the \
                 automatic ones (Environment, Project, ManagedBy, Name).",
                ),
            ),
            (
                "tag_policy",
                table(
                    "Tag keys every generated taggable resource must carry.",
                    &[],
                    vec![(
                        "required",
                        strings("Required tag keys; a key no environment sets is a spec error."),
                    )],
                ),
            ),
            (
                "backend",
                table(
                    "Remote state, for both targets: Terraform's S3 backend, and Pulumi's \
                 `backend.url` (`s3://<bucket>/<key_prefix>`, stacks under `.pulumi/`). Omit to \
                 keep state local (then the CI workflow plans but has no apply jobs).",
                    &["s3"],
                    vec![(
                        "s3",
                        table(
                            "S3 backend with native locking (`use_lockfile = true`); one state object \
                     per environment. Every field may differ per environment (a bucket in each \
                     account, or one central bucket).",
                            &["bucket", "region"],
                            vec![
                                (
                                    "bucket",
                                    per_env(
                                        "Name of an existing S3 bucket for the state.",
                                        string("S3 bucket name."),
                                    ),
                                ),
                                (
                                    "key_prefix",
                                    per_env(
                                        "State keys are `<key_prefix>/<env>/terraform.tfstate`. \
                                         Default: the project name.",
                                        string("Key prefix."),
                                    ),
                                ),
                                (
                                    "key",
                                    per_env(
                                        "The whole state key of an environment, instead of \
                                         `<key_prefix>/<env>/terraform.tfstate` (a state that \
                                         exists at another key). Environments without one use \
                                         the prefix.",
                                        string("State object key."),
                                    ),
                                ),
                                (
                                    "region",
                                    per_env("Region of the state bucket.", region("Region name.")),
                                ),
                                (
                                    "role_arn",
                                    per_env(
                                        "IAM role Terraform assumes to read and write the state \
                                         (`assume_role`), e.g. in a central state account. \
                                         Pulumi: an AWS profile with that role.",
                                        string("IAM role ARN."),
                                    ),
                                ),
                                (
                                    "dynamodb_table",
                                    per_env(
                                        "An existing DynamoDB table that also locks the state \
                                         (deprecated by Terraform; S3 native locking stays on).",
                                        string("DynamoDB table name."),
                                    ),
                                ),
                            ],
                        ),
                    )],
                ),
            ),
            ("environments", environments()),
            ("network", network()),
            ("eks", eks()),
            ("ecs", ecs()),
            ("secrets", secrets()),
            ("observability", observability()),
            ("repository", repository()),
        ],
    );
    if let Value::Object(map) = &mut root {
        map.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-07/schema#"),
        );
        map.insert(
            "title".into(),
            json!(format!("iacgen platform spec, version {SPEC_VERSION}")),
        );
        // `region` at the top, or on every environment.
        map.insert(
            "anyOf".into(),
            json!([
                { "required": ["region"] },
                { "properties": { "environments": {
                    "additionalProperties": { "type": "object", "required": ["region"] }
                } } }
            ]),
        );
    }
    root
}

/// The schema as pretty-printed JSON, as `iacgen schema` prints it.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

fn environments() -> Value {
    let env = table(
        "One environment: a Terraform root under `environments/<env>/`.",
        &[],
        vec![
            (
                "account_id",
                json!({
                    "description": "AWS account id (12 digits); the provider refuses any other account.",
                    "type": "string",
                    "pattern": "^[0-9]{12}$",
                }),
            ),
            (
                "region",
                region("Region of this environment, overriding the top-level `region`."),
            ),
            ("tags", tags("Extra tags for this environment only.")),
            (
                "role_arn",
                string(
                    "IAM role of this environment's own account that the AWS provider assumes \
                     (Terraform `assume_role`, Pulumi `aws:assumeRoles`).",
                ),
            ),
            (
                "protect",
                boolean(
                    "Stateful resources (KMS keys, secrets, log groups, the EKS cluster) refuse \
                     to be destroyed. Default: true for a production-like environment (a name \
                     part `prod`, `production`, `prd` or `live`). Pulumi protects per stack; \
                     Terraform's modules are shared, so when any environment protects, every \
                     environment does.",
                ),
            ),
        ],
    );
    json!({
        "description": "The environments, in promotion order (the order of output, plans and \
                        applies). At least one.",
        "type": "object",
        "minProperties": 1,
        "propertyNames": {
            "pattern": NAME,
            "maxLength": 24,
            "not": { "const": "default" },
        },
        "additionalProperties": env,
    })
}

fn network() -> Value {
    let layout = json!({
        "description": "How the tier's subnets get their CIDRs: `prefix` (carved from the VPC \
                        CIDR) or `cidrs` (one per AZ).",
        "type": "object",
        "properties": {
            "prefix": integer("Prefix length of each subnet, carved from the VPC CIDR.", Some(0), Some(32)),
            "cidrs": per_env(
                "Explicit subnet CIDRs, one per AZ in AZ order.",
                list("Subnet CIDRs in AZ order.", cidr("A subnet CIDR.")),
            ),
        },
        "additionalProperties": false,
        "oneOf": [ { "required": ["prefix"] }, { "required": ["cidrs"] } ],
    });
    let tiers: Map<String, Value> = crate::model::Tier::ALL
        .into_iter()
        .map(|tier| (tier.name().to_string(), layout.clone()))
        .collect();
    table(
        "The VPC: subnets per tier and AZ, NAT, flow logs, endpoints. Required with `eks` or `ecs`.",
        &["cidr"],
        vec![
            (
                "cidr",
                per_env(
                    "VPC CIDR (prefix /16 to /24).",
                    cidr("An IPv4 CIDR such as 10.0.0.0/16."),
                ),
            ),
            (
                "az_count",
                per_env(
                    "Number of availability zones (1 to 6). Default 3.",
                    integer("Number of AZs.", Some(1), Some(6)),
                ),
            ),
            (
                "azs",
                per_env(
                    "Explicit AZ names; their number is the AZ count. Default: the region's first \
                 `az_count`.",
                    strings("AZ names such as eu-west-1a."),
                ),
            ),
            (
                "subnets",
                nullable(json!({
                    "description": "Subnet tiers. Default: public /24 and private /20.",
                    "type": "object",
                    "properties": tiers,
                    "additionalProperties": false,
                })),
            ),
            (
                "nat",
                per_env(
                    "NAT gateways for private subnets. Default per_az.",
                    choice(
                        "none: no NAT; single: one gateway; per_az: one per AZ.",
                        &["none", "single", "per_az"],
                    ),
                ),
            ),
            (
                "flow_logs",
                table(
                    "VPC flow logs to CloudWatch Logs.",
                    &[],
                    vec![
                        ("enabled", boolean("Default true.")),
                        (
                            "retention_days",
                            per_env(
                                "Retention of the flow log group. Default: observability.log_retention_days.",
                                retention(),
                            ),
                        ),
                    ],
                ),
            ),
            (
                "endpoints",
                strings(
                    "VPC endpoint services (`s3`, `ecr.api`, `logs`, ...); `s3` and `dynamodb` are \
                 gateway endpoints, the rest interface endpoints.",
                ),
            ),
        ],
    )
}

fn eks() -> Value {
    let addon = table(
        "An EKS add-on.",
        &[],
        vec![(
            "version",
            string("Pinned add-on version; default: the default for the cluster version."),
        )],
    );
    let taint = table(
        "A Kubernetes taint on every node of the pool.",
        &["key", "effect"],
        vec![
            ("key", string("Taint key.")),
            ("value", string("Taint value.")),
            (
                "effect",
                choice(
                    "Taint effect.",
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                ),
            ),
        ],
    );
    let count = |what: &str| per_env(what, integer("A node count.", Some(0), None));
    let pool = table(
        "A managed node group.",
        &["instance_types"],
        vec![
            (
                "instance_types",
                strings("EC2 instance types, e.g. m6i.large."),
            ),
            ("capacity", capacity()),
            ("min", count("Minimum nodes. Default 1.")),
            ("desired", count("Desired nodes at creation. Default: min.")),
            ("max", count("Maximum nodes. Default: min.")),
            ("labels", string_map("Kubernetes labels on every node.")),
            ("taints", list("Kubernetes taints on every node.", taint)),
            (
                "disk_size_gb",
                integer(
                    "Root volume size in GiB. Default 50.",
                    Some(20),
                    Some(16384),
                ),
            ),
        ],
    );
    table(
        "An EKS cluster with managed node groups.",
        &["version", "node_pools"],
        vec![
            (
                "version",
                per_env(
                    "Kubernetes minor version, e.g. \"1.33\" (quoted); per environment, to \
                     upgrade one environment at a time.",
                    string("Kubernetes minor version."),
                ),
            ),
            (
                "endpoint_public_access",
                boolean(
                    "Expose the API endpoint publicly (then `public_access_cidrs` is required). \
                 Default false.",
                ),
            ),
            (
                "public_access_cidrs",
                list(
                    "CIDRs allowed to reach a public endpoint.",
                    cidr("An IPv4 CIDR."),
                ),
            ),
            (
                "allow_world",
                boolean("Allow 0.0.0.0/0 in `public_access_cidrs`. Default false."),
            ),
            (
                "admins",
                per_env(
                    "IAM role or user ARNs given cluster-admin access entries, each in the \
                     environment's account. At least one per environment unless \
                     `allow_no_admins`: with authentication mode API nobody else can reach the \
                     cluster.",
                    strings("IAM role or user ARNs."),
                ),
            ),
            (
                "allow_no_admins",
                boolean(
                    "Allow an environment without `admins`, when its access entries are managed \
                     outside iacgen. Default false.",
                ),
            ),
            (
                "support_type",
                choice(
                    "What happens when the cluster's Kubernetes version leaves standard \
                     support: `standard` (default), EKS upgrades it; `extended`, it stays, in \
                     paid extended support.",
                    &["standard", "extended"],
                ),
            ),
            (
                "control_plane_subnets",
                choice(
                    "The subnet tier of the control plane's network interfaces: `private` \
                     (default), the nodes' subnets; `intra`, the network's `intra` subnets (no \
                     route to the internet), as terraform-aws-modules platforms have them.",
                    &["private", "intra"],
                ),
            ),
            (
                "addons",
                nullable(json!({
                    "description": format!(
                        "Add-ons by name. Default: {}.",
                        DEFAULT_EKS_ADDONS.join(", ")
                    ),
                    "type": "object",
                    "propertyNames": { "pattern": NAME, "maxLength": 64 },
                    "additionalProperties": addon,
                })),
            ),
            (
                "node_pools",
                named(
                    "Node pools by name (at least one).",
                    crate::model::naming::COMPONENT_NAME_MAX,
                    pool,
                ),
            ),
        ],
    )
}

fn ecs() -> Value {
    let size = |what: &str, item: Value| per_env(what, item);
    let service = table(
        "A Fargate service.",
        &["image"],
        vec![
            (
                "image",
                per_env(
                    "Container image, e.g. <account>.dkr.ecr.<region>.amazonaws.com/api:1.4.2.",
                    string("Container image."),
                ),
            ),
            (
                "deploy",
                choice(
                    "Who deploys new images: `iacgen` (an apply rolls out the spec's image) or \
                     `pipeline` (the application's pipeline registers task definition revisions \
                     and updates the service; an apply does not roll them back). Default iacgen.",
                    &["iacgen", "pipeline"],
                ),
            ),
            (
                "cpu",
                size(
                    "CPU units (256 = 0.25 vCPU); with memory, a valid Fargate pair. Default 256.",
                    json!({ "description": "Fargate CPU units.", "enum": FARGATE_CPU }),
                ),
            ),
            (
                "memory",
                size(
                    "Memory in MiB, valid for the CPU size. Default 512.",
                    integer("MiB.", Some(0), None),
                ),
            ),
            (
                "port",
                integer(
                    "Container port. Without one there is no load balancer.",
                    Some(1),
                    Some(65535),
                ),
            ),
            (
                "desired",
                size(
                    "Desired task count. Default 1.",
                    integer("Tasks.", Some(0), None),
                ),
            ),
            (
                "load_balancer",
                table(
                    "An ALB in front of the service (needs `port`). Default: internal, health \
                 check on /.",
                    &[],
                    vec![
                        (
                            "public",
                            boolean("Internet-facing in public subnets. Default false."),
                        ),
                        ("health_check_path", string("Health check path. Default /.")),
                        (
                            "certificate_arn",
                            per_env(
                                "ACM certificate: HTTPS plus an HTTP to HTTPS redirect; in the \
                                 environment's own account and region.",
                                string("ACM certificate ARN."),
                            ),
                        ),
                        (
                            "access_logs",
                            table(
                                "ALB access logs to an S3 bucket whose policy lets Elastic Load \
                                 Balancing write. Default: off.",
                                &["bucket"],
                                vec![
                                    (
                                        "bucket",
                                        per_env("S3 bucket name.", string("S3 bucket name.")),
                                    ),
                                    ("prefix", string("Key prefix in the bucket. Default: none.")),
                                ],
                            ),
                        ),
                    ],
                ),
            ),
            (
                "autoscaling",
                table(
                    "Target-tracking autoscaling between per-environment bounds.",
                    &["min", "max"],
                    vec![
                        (
                            "min",
                            size("Minimum tasks.", integer("Tasks.", Some(0), None)),
                        ),
                        (
                            "max",
                            size("Maximum tasks.", integer("Tasks.", Some(0), None)),
                        ),
                        (
                            "cpu_target",
                            integer(
                                "Target CPU %; default 70 when no target is set.",
                                Some(1),
                                Some(100),
                            ),
                        ),
                        (
                            "memory_target",
                            integer("Target memory %.", Some(1), Some(100)),
                        ),
                    ],
                ),
            ),
            (
                "environment",
                string_map("Plain environment variables; secrets go in `secrets`."),
            ),
            (
                "secrets",
                strings("Names of top-level `secrets` injected as environment variables."),
            ),
            ("command", strings("Container command.")),
            (
                "architecture",
                choice("CPU architecture. Default x86_64.", &["x86_64", "arm64"]),
            ),
            ("capacity", capacity()),
            (
                "health_check_grace_period_seconds",
                integer(
                    "Seconds ECS ignores failing load balancer health checks of a new task. \
                     Default 60.",
                    Some(0),
                    Some(2_147_483_647),
                ),
            ),
            (
                "exec",
                boolean(
                    "ECS Exec into the service's tasks (enable_execute_command, SSM permissions \
                     on the task role). Default false.",
                ),
            ),
            (
                "writable_paths",
                strings(
                    "Absolute container paths that are writable (a task volume each, like \
                     /tmp); the root filesystem stays read-only.",
                ),
            ),
        ],
    );
    let mut service = service;
    if let Value::Object(map) = &mut service {
        map.insert("dependencies".into(), json!({ "load_balancer": ["port"] }));
    }
    table(
        "ECS on Fargate: one cluster per environment, one service module call per service.",
        &["services"],
        vec![(
            "services",
            named(
                "Services by name.",
                crate::model::naming::COMPONENT_NAME_MAX,
                service,
            ),
        )],
    )
}

fn secrets() -> Value {
    let secret = table(
        "A Secrets Manager secret, encrypted with the environment's KMS key. Its value never \
         goes in the spec: `generate` it, or set it out of band.",
        &["description"],
        vec![
            (
                "description",
                json!({
                    "description": "What the secret is for.",
                    "type": "string",
                    "maxLength": 2048,
                }),
            ),
            (
                "generate",
                table(
                    "Generate a random value at apply time (never stored in state).",
                    &["length"],
                    vec![
                        (
                            "length",
                            integer("Length of the value.", Some(8), Some(4096)),
                        ),
                        ("special", boolean("Include punctuation. Default true.")),
                    ],
                ),
            ),
            (
                "rotation",
                table(
                    "Rotation by a Lambda function.",
                    &["days", "lambda_arn"],
                    vec![
                        (
                            "days",
                            integer("Days between rotations.", Some(1), Some(1000)),
                        ),
                        (
                            "lambda_arn",
                            per_env(
                                "ARN of the rotation Lambda function, in the environment's own \
                                 account and region.",
                                string("A Lambda function ARN."),
                            ),
                        ),
                    ],
                ),
            ),
            (
                "recovery_window_days",
                per_env(
                    "Days a deleted secret can be restored: 0 (delete at once) or 7 to 30. \
                 Default 30.",
                    json!({
                        "description": "0, or 7 to 30.",
                        "type": "integer",
                        "anyOf": [ { "const": 0 }, { "minimum": 7, "maximum": 30 } ],
                    }),
                ),
            ),
            ("replicas", strings("Regions the secret is replicated to.")),
            (
                "value",
                json!({
                    "description": "Never allowed: secret values never go in a spec. Use `generate`, \
                                    or set the value out of band (aws secretsmanager \
                                    put-secret-value).",
                    "not": {},
                }),
            ),
        ],
    );
    nullable(json!({
        "description": "Secrets by name.",
        "type": "object",
        "propertyNames": { "pattern": "^[a-z][a-z0-9_-]*$", "maxLength": 64 },
        "additionalProperties": secret,
    }))
}

fn observability() -> Value {
    table(
        "Logs, alarms and dashboards.",
        &[],
        vec![
            (
                "log_retention_days",
                per_env("Retention of every log group. Default 365.", retention()),
            ),
            (
                "alarm_emails",
                strings(
                    "Email addresses subscribed to the alarm topic. Without any (and without \
                     `external_alarm_subscribers`), validate warns that alarms notify nobody.",
                ),
            ),
            (
                "external_alarm_subscribers",
                boolean(
                    "The alarm topic (output `alarm_topic_arn`) is subscribed outside iacgen \
                     (AWS Chatbot, PagerDuty, ...): no warning when `alarm_emails` is empty. \
                     Default false.",
                ),
            ),
            (
                "alarms",
                table(
                    "Golden-signal alarm thresholds, per service and node pool.",
                    &[],
                    vec![
                        (
                            "error_rate_percent",
                            integer("5xx rate %. Default 5.", Some(1), Some(100)),
                        ),
                        (
                            "error_rate_min_requests",
                            integer(
                                "Requests per 5 minutes below which the 5xx rate never breaches. \
                                 Default 50.",
                                Some(1),
                                None,
                            ),
                        ),
                        (
                            "latency_p99_seconds",
                            json!({
                                "description": "p99 latency in seconds. Default 2.",
                                "type": "number",
                                "exclusiveMinimum": 0,
                            }),
                        ),
                        (
                            "cpu_percent",
                            integer("CPU %. Default 80.", Some(1), Some(100)),
                        ),
                        (
                            "memory_percent",
                            integer("Memory %. Default 80.", Some(1), Some(100)),
                        ),
                    ],
                ),
            ),
            (
                "dashboard",
                boolean("One CloudWatch dashboard per environment. Default true."),
            ),
        ],
    )
}

fn repository() -> Value {
    let file = |what: &str| {
        boolean(&format!(
            "Write {what}. Default true; false leaves the path to you."
        ))
    };
    table(
        "The files iacgen writes at the root of the generated repository. Switch off any that \
         would collide with the project's own.",
        &[],
        vec![
            (
                "spec_file",
                json!({
                    "description": format!(
                        "Path of this spec relative to the repository root, as the README and the CI \
                         workflow name it. Default {DEFAULT_SPEC_FILE}."
                    ),
                    "type": "string",
                    "pattern": "^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*\\.(yaml|yml|toml|json)$",
                }),
            ),
            ("readme", file("README.md")),
            ("gitignore", file(".gitignore")),
            ("tflint", file(".tflint.hcl")),
            (
                "pre_commit",
                file(".pre-commit-config.yaml and .terraform-docs.yml"),
            ),
            ("github_workflow", file(".github/workflows/terraform.yml")),
            ("iacgen", iacgen_install()),
        ],
    )
}

/// `repository.iacgen`: one table whose fields come in three combinations.
fn iacgen_install() -> Value {
    let only = |fields: [&str; 2]| {
        let others: Vec<Value> = ["git", "rev", "tag", "url", "sha256"]
            .into_iter()
            .filter(|f| !fields.contains(f))
            .map(|f| json!({ "required": [f] }))
            .collect();
        json!({ "required": fields, "not": { "anyOf": others } })
    };
    let string = |pattern: &str, description: &str| json!({ "type": "string", "pattern": pattern, "description": description });
    let mut schema = table(
        &format!(
            "How the generated CI workflow installs iacgen, which is not on crates.io: cargo \
             builds it from a git repository at a commit (`git` with `rev`, a full commit SHA, \
             or `tag`), or the workflow downloads a release archive and checks its SHA-256 \
             before running it (`url` with `sha256`). Default: {IACGEN_GIT} at the commit \
             of the iacgen that generates the workflow (an error when that build does not \
             know its commit)."
        ),
        &[],
        vec![
            (
                "git",
                string("^https://", "The git repository of iacgen (https://)."),
            ),
            (
                "rev",
                string("^[0-9a-fA-F]{40}$", "A full commit SHA of `git`."),
            ),
            (
                "tag",
                string("^[A-Za-z0-9._/+][A-Za-z0-9._/+-]*$", "A tag of `git`."),
            ),
            (
                "url",
                string(
                    "^https://",
                    "A release archive (.tar.gz) as iacgen's release workflow builds it.",
                ),
            ),
            (
                "sha256",
                string(
                    "^[0-9a-fA-F]{64}$",
                    "The archive's SHA-256, as in the release's SHA256SUMS.",
                ),
            ),
        ],
    );
    if let Value::Object(map) = &mut schema {
        map.insert(
            "oneOf".into(),
            json!([
                only(["git", "rev"]),
                only(["git", "tag"]),
                only(["url", "sha256"])
            ]),
        );
    }
    schema
}

// --- building blocks ---------------------------------------------------------------------

/// A map with a fixed set of fields; unknown fields are rejected, as the loader does. A table
/// with no required field may be left empty (`observability:` with nothing after it).
fn table(description: &str, required: &[&str], fields: Vec<(&str, Value)>) -> Value {
    let properties: Map<String, Value> = fields
        .into_iter()
        .map(|(name, schema)| (name.to_string(), schema))
        .collect();
    let mut schema = json!({
        "description": description,
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if required.is_empty() {
        schema = nullable(schema);
    } else if let Value::Object(map) = &mut schema {
        map.insert("required".into(), json!(required));
    }
    schema
}

/// Also accepts null, which the loader reads as an empty map.
fn nullable(mut schema: Value) -> Value {
    if let Some(ty) = schema.get_mut("type") {
        *ty = json!([ty.clone(), "null"]);
    }
    schema
}

/// A map from user-chosen names to `item`.
fn named(description: &str, max_len: usize, item: Value) -> Value {
    nullable(json!({
        "description": description,
        "type": "object",
        "propertyNames": { "pattern": NAME, "maxLength": max_len },
        "additionalProperties": item,
    }))
}

/// A per-environment value: `item` for every environment, or a map from environment name (or
/// `default`) to `item`. `item` is never an object, so exactly one branch matches.
fn per_env(description: &str, item: Value) -> Value {
    json!({
        "description": format!(
            "{description} Per environment: one value, or a map from environment name \
             (or `default`) to value."
        ),
        "oneOf": [
            item,
            {
                "description": "Values by environment; `default` covers every environment not \
                                named.",
                "type": "object",
                "propertyNames": { "pattern": NAME },
                "properties": { "default": item },
                "additionalProperties": item,
            }
        ],
    })
}

fn string(description: &str) -> Value {
    json!({ "description": description, "type": "string" })
}

fn name(description: &str, max_len: usize) -> Value {
    json!({
        "description": description,
        "type": "string",
        "pattern": NAME,
        "maxLength": max_len,
    })
}

fn region(description: &str) -> Value {
    json!({ "description": description, "type": "string", "pattern": REGION })
}

fn cidr(description: &str) -> Value {
    json!({ "description": description, "type": "string", "pattern": CIDR })
}

fn boolean(description: &str) -> Value {
    json!({ "description": description, "type": "boolean" })
}

fn integer(description: &str, min: Option<u32>, max: Option<u32>) -> Value {
    let mut schema = json!({ "description": description, "type": "integer" });
    if let Value::Object(map) = &mut schema {
        if let Some(min) = min {
            map.insert("minimum".into(), json!(min));
        }
        if let Some(max) = max {
            map.insert("maximum".into(), json!(max));
        }
    }
    schema
}

fn choice(description: &str, options: &[&str]) -> Value {
    json!({ "description": description, "type": "string", "enum": options })
}

fn capacity() -> Value {
    choice(
        "on_demand, or spot (Spot instances; FARGATE_SPOT for services). Default on_demand.",
        &["on_demand", "spot"],
    )
}

fn retention() -> Value {
    json!({
        "description": "Days; one of CloudWatch Logs' retention periods.",
        "type": "integer",
        "enum": RETENTION_DAYS,
    })
}

fn list(description: &str, item: Value) -> Value {
    json!({ "description": description, "type": "array", "items": item })
}

fn strings(description: &str) -> Value {
    list(description, json!({ "type": "string" }))
}

fn string_map(description: &str) -> Value {
    nullable(json!({
        "description": description,
        "type": "object",
        "additionalProperties": { "type": "string" },
    }))
}

fn tags(description: &str) -> Value {
    nullable(json!({
        "description": description,
        "type": "object",
        "propertyNames": {
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^(?![aA][wW][sS]:)",
            "not": { "enum": RESERVED_KEYS },
        },
        "additionalProperties": { "type": "string", "maxLength": 256 },
    }))
}
