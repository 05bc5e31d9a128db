//! `components/secrets.py`: the counterpart of `modules/secrets` (same resources, names, tags
//! and policies). The spec's secrets are constants of the module, as the Terraform module keeps
//! them in its locals; only the recovery windows are stack config, as Terraform keeps them in
//! the tfvars.
//!
//! Generated values are the one deliberate difference: Terraform writes an ephemeral password
//! through the write-only `secret_string_wo`, so no value is ever in its state. Pulumi has no
//! ephemeral resources, and it records every input in the state, write-only ones included
//! (pulumi-aws 7 has `secret_string_wo`, but Pulumi still stores its first value, as a secret,
//! in the state inputs, and shows no later change to it). So the value comes from
//! `pulumi_random.RandomPassword`, whose `result` is a secret output that the stack's secrets
//! provider encrypts in the state, into the plain `secret_string`.

use super::component::{
    self, Arg, Component, ConfigKind, account_id, by_env, init_preamble, partition, policy,
    resource, tags_named, tpl,
};
use super::kms;
use super::py::{
    self, DictItem, Expr, Stmt, call, dict, dict_comp, list_comp, name, path, s, strs,
};
use crate::model::{Platform, Secret, naming};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Why generated values live in Pulumi's state, for the component docstring and the README.
const GENERATED_VALUES: &str = "Generated values come from pulumi_random.RandomPassword: its \
    result is a secret output, which the stack's secrets provider encrypts in the state. \
    Terraform keeps them out of its state altogether (an ephemeral password written through the \
    write-only secret_string_wo); Pulumi has no ephemeral resources and records every input in \
    the state, write-only ones included, so secret_string_wo would not keep the value out and \
    would hide later changes to it.";

/// Builds the secrets component for `platform` (which must have at least one secret).
pub fn component(platform: &Platform) -> Component {
    let secrets = &platform.secrets;
    let generated = secrets.values().any(|s| s.generate.is_some());
    let rotated = secrets.values().any(|s| s.rotation.is_some());
    let regions: BTreeSet<&String> = secrets.values().flat_map(|s| &s.replicas).collect();
    let replicated = !regions.is_empty();

    let mut init = init_preamble("iacgen:secrets:Secrets", path("args.name"));
    init.push(account_id());
    init.extend(key(replicated));
    init.extend(secret_resources(replicated));
    if generated {
        init.extend(generated_values(rotated));
    }
    if rotated {
        init.extend(rotation(generated));
    }
    let outputs = outputs();
    init.push(Component::register_outputs(&outputs));

    let mut doc = "The secrets of one environment in Secrets Manager, encrypted with the\n\
                   component's KMS key and closed to other accounts."
        .to_string();
    if generated {
        doc.push_str("\n\n");
        doc.push_str(&super::component::wrap(GENERATED_VALUES, 84));
    }
    let class = component::class("Secrets", doc, init);

    let mut body = Vec::new();
    if generated {
        body.push(record(
            "Password",
            "How a generated value is made.",
            &[("length", "int"), ("special", "bool")],
        ));
    }
    body.extend(constants(platform, &regions));
    body.push(Stmt::Class(class));

    let mut imports = vec![py::import("json"), py::import_as("pulumi_aws", "aws")];
    if generated {
        imports.push(py::import_as("pulumi_random", "random"));
    }
    Component {
        module: "secrets".to_string(),
        instance: "secrets".to_string(),
        prefix: String::new(),
        class: "Secrets".to_string(),
        body,
        imports,
        summary: summary(platform),
        args: args(platform),
        outputs,
    }
}

/// The component's one-line summary (replicas only when there are some).
fn summary(platform: &Platform) -> String {
    let secrets = || platform.secrets.values();
    let mut parts = vec!["Secrets Manager secrets encrypted with a customer-managed KMS key"];
    if secrets().any(|s| s.generate.is_some()) {
        parts.push("generated values");
    }
    if secrets().any(|s| s.rotation.is_some()) {
        parts.push("rotation");
    }
    if secrets().any(|s| !s.replicas.is_empty()) {
        parts.push("replicas");
    }
    format!(
        "{}, and a resource policy that blocks public access (the counterpart of the \
         Terraform module modules/secrets).",
        parts.join(", ")
    )
}

/// A frozen dataclass with `fields` (name, annotation).
fn record(class: &str, doc: &str, fields: &[(&str, &str)]) -> Stmt {
    Stmt::Class(py::Class {
        name: class.to_string(),
        decorators: vec!["dataclass(frozen=True)".to_string()],
        bases: vec![],
        doc: Some(doc.to_string()),
        body: fields
            .iter()
            .map(|(n, a)| Stmt::Declare {
                name: n.to_string(),
                annotation: a.to_string(),
            })
            .collect(),
    })
}

/// The spec's secrets as module constants (the Terraform module's locals).
fn constants(platform: &Platform, regions: &BTreeSet<&String>) -> Vec<Stmt> {
    let secrets = &platform.secrets;
    let only = |keep: &dyn Fn(&Secret) -> Option<Expr>| {
        Expr::Dict(
            secrets
                .iter()
                .filter_map(|(n, secret)| Some(DictItem::Pair(s(n), keep(secret)?)))
                .collect(),
        )
    };
    let mut out = vec![
        Stmt::Comment(
            "Every secret of the spec and its description. Values are never here: generated\n\
             ones are made at deployment, the others are set by hand after the first update."
                .to_string(),
        ),
        py::assign_typed(
            "SECRETS",
            "dict[str, str]",
            only(&|secret| Some(s(&secret.description))),
        ),
    ];
    if secrets.values().any(|s| s.generate.is_some()) {
        out.push(Stmt::Blank);
        out.push(Stmt::Comment(
            "Secrets whose value is generated, and the password rules.".to_string(),
        ));
        out.push(py::assign_typed(
            "GENERATED",
            "dict[str, Password]",
            only(&|secret| {
                let g = secret.generate.as_ref()?;
                Some(call(
                    name("Password"),
                    vec![],
                    vec![
                        ("length", py::int(g.length)),
                        ("special", Expr::Bool(g.special)),
                    ],
                ))
            }),
        ));
    }
    if secrets.values().any(|s| s.rotation.is_some()) {
        out.push(Stmt::Blank);
        out.push(Stmt::Comment(
            "Secrets a Lambda function rotates, and how often (days); the function of each\n\
             stack is in args.rotation_lambda_arns."
                .to_string(),
        ));
        out.push(py::assign_typed(
            "ROTATED",
            "dict[str, int]",
            only(&|secret| Some(py::int(secret.rotation.as_ref()?.days))),
        ));
    }
    if !regions.is_empty() {
        out.push(Stmt::Blank);
        out.push(Stmt::Comment(
            "Regions each secret is replicated to, and all of them (each gets a replica key)."
                .to_string(),
        ));
        out.push(py::assign_typed(
            "REPLICAS",
            "dict[str, list[str]]",
            only(&|secret| (!secret.replicas.is_empty()).then(|| strs(&secret.replicas))),
        ));
        out.push(py::assign_typed(
            "REPLICA_REGIONS",
            "list[str]",
            strs(regions.iter().map(|r| r.as_str())),
        ));
    }
    out
}

/// The key policy, the key, its alias, and its replicas in the replica regions.
fn key(replicated: bool) -> Vec<Stmt> {
    let key_policy = policy([kms::account_administers(tpl(
        "arn:{partition}:iam::{account_id}:root",
    ))]);
    let mut out = vec![
        partition(),
        Stmt::Comment(
            "Only the account's IAM policies open the key (no wildcard grant): the readers\n\
             are the principals given kms:Decrypt on it, such as the ECS task execution roles."
                .to_string(),
        ),
        py::assign(
            "key_policy",
            call(path("json.dumps"), vec![key_policy], vec![]),
        ),
    ];
    out.extend(kms::key_with_alias(
        "self.key",
        tpl("{name}-secrets"),
        tpl("Secrets Manager secrets of {name}"),
        // Multi-Region only when a secret is replicated, as in Terraform.
        if replicated {
            vec![("multi_region", Expr::Bool(true))]
        } else {
            Vec::new()
        },
        name("key_policy"),
        "child",
    ));
    if replicated {
        out.push(Stmt::Comment(
            "Copies of the multi-Region key in each replica region, for the secrets'\n\
             replicas."
                .to_string(),
        ));
        out.push(py::assign(
            "replica_keys",
            dict_comp(
                name("replica_region"),
                resource(
                    "aws.kms.ReplicaKey",
                    tpl("{name}-secrets-{replica_region}"),
                    vec![
                        ("region", name("replica_region")),
                        (
                            "description",
                            tpl("Secrets Manager replica secrets of {name}"),
                        ),
                        ("primary_key_arn", path("self.key.arn")),
                        ("deletion_window_in_days", py::int(30)),
                        ("policy", name("key_policy")),
                        (
                            "tags",
                            tags_named(tpl("{name}-secrets-{replica_region}"), &[]),
                        ),
                    ],
                    "child",
                ),
                "replica_region",
                name("REPLICA_REGIONS"),
                None,
            ),
        ));
    }
    out
}

/// One secret per spec secret, and its resource policy.
fn secret_resources(replicated: bool) -> Vec<Stmt> {
    let mut kwargs = vec![
        ("name", tpl("{name}/{secret}")),
        ("description", name("description")),
        ("kms_key_id", path("self.key.arn")),
        (
            "recovery_window_in_days",
            path("args.recovery_window_days").index(name("secret")),
        ),
    ];
    if replicated {
        kwargs.push((
            "replicas",
            list_comp(
                call(
                    path("aws.secretsmanager.SecretReplicaArgs"),
                    vec![],
                    vec![
                        ("region", name("replica_region")),
                        (
                            "kms_key_id",
                            name("replica_keys")
                                .index(name("replica_region"))
                                .attr("arn"),
                        ),
                    ],
                ),
                "replica_region",
                name("REPLICAS").method("get", vec![name("secret"), py::list([])]),
                None,
            ),
        ));
    }
    kwargs.push(("tags", tags_named(tpl("{name}/{secret}"), &[])));
    let deny_others = dict([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            py::list([dict([
                ("Sid", s("DenyOtherAccounts")),
                ("Effect", s("Deny")),
                ("Action", s("secretsmanager:*")),
                ("Resource", s("*")),
                ("Principal", dict([("AWS", s("*"))])),
                (
                    "Condition",
                    dict([
                        (
                            "StringNotEquals",
                            dict([("aws:PrincipalAccount", py::list([name("account_id")]))]),
                        ),
                        (
                            "Bool",
                            dict([("aws:PrincipalIsAWSService", strs(["false"]))]),
                        ),
                    ]),
                ),
            ])]),
        ),
    ]);
    vec![
        py::assign(
            "self.secrets",
            dict_comp(
                name("secret"),
                resource(
                    "aws.secretsmanager.Secret",
                    tpl("{name}/{secret}"),
                    kwargs,
                    "child",
                ),
                "secret, description",
                name("SECRETS").method("items", vec![]),
                None,
            ),
        ),
        py::assign(
            "self.secret_arns",
            dict_comp(
                name("secret"),
                path("value.arn"),
                "secret, value",
                path("self.secrets").method("items", vec![]),
                None,
            ),
        ),
        Stmt::Comment(
            "Nobody outside this account may use a secret (AWS services acting for it still\n\
             can), and Secrets Manager refuses any later public policy."
                .to_string(),
        ),
        py::assign(
            "secret_policy",
            call(path("json.dumps"), vec![deny_others], vec![]),
        ),
        Stmt::For {
            target: "secret, value".to_string(),
            iter: path("self.secrets").method("items", vec![]),
            body: vec![Stmt::Expr(resource(
                "aws.secretsmanager.SecretPolicy",
                tpl("{name}/{secret}"),
                vec![
                    ("secret_arn", path("value.arn")),
                    ("policy", name("secret_policy")),
                    ("block_public_policy", Expr::Bool(true)),
                ],
                "child",
            ))],
        },
    ]
}

/// A random password per generated secret, written into the secret once. `rotated`: the
/// versions are kept for the rotations to wait for.
fn generated_values(rotated: bool) -> Vec<Stmt> {
    let version = resource(
        "aws.secretsmanager.SecretVersion",
        tpl("{name}/{secret}"),
        vec![
            (
                "secret_id",
                path("self.secrets").index(name("secret")).attr("id"),
            ),
            ("secret_string", path("password.result")),
        ],
        "written_once",
    );
    let mut out = vec![
        Stmt::Comment(
            "Written once, when the secret is created; later values come from rotation (as\n\
             Terraform's secret_string_wo_version = 1)."
                .to_string(),
        ),
        py::assign(
            "written_once",
            call(
                path("pulumi.ResourceOptions"),
                vec![],
                vec![
                    ("parent", name("self")),
                    ("ignore_changes", strs(["secret_string"])),
                ],
            ),
        ),
    ];
    if rotated {
        out.push(py::assign_typed(
            "versions",
            "list[aws.secretsmanager.SecretVersion]",
            py::list([]),
        ));
    }
    out.push(Stmt::For {
        target: "secret, rules".to_string(),
        iter: name("GENERATED").method("items", vec![]),
        body: vec![
            Stmt::Comment(
                "A secret output: the stack's secrets provider encrypts it in the state."
                    .to_string(),
            ),
            py::assign(
                "password",
                resource(
                    "random.RandomPassword",
                    tpl("{name}/{secret}"),
                    vec![
                        ("length", path("rules.length")),
                        ("special", path("rules.special")),
                    ],
                    "child",
                ),
            ),
            if rotated {
                Stmt::Expr(name("versions").method("append", vec![version]))
            } else {
                Stmt::Expr(version)
            },
        ],
    });
    out
}

/// The Lambda permission and the rotation schedule of each rotated secret. `generated`: the
/// rotations wait for the generated values, as in Terraform.
fn rotation(generated: bool) -> Vec<Stmt> {
    let mut after = vec![name("permission")];
    if generated {
        after.push(Expr::Star(Box::new(name("versions"))));
    }
    vec![Stmt::For {
        target: "secret, days".to_string(),
        iter: name("ROTATED").method("items", vec![]),
        body: vec![
            Stmt::Comment(
                "A statement ID prefix, not a name: several secrets and environments may\n\
                 share one function."
                    .to_string(),
            ),
            py::assign(
                "permission",
                resource(
                    "aws.lambda_.Permission",
                    tpl("{name}/{secret}"),
                    vec![
                        ("statement_id_prefix", s("SecretsManagerRotation-")),
                        ("action", s("lambda:InvokeFunction")),
                        (
                            "function",
                            path("args.rotation_lambda_arns").index(name("secret")),
                        ),
                        ("principal", s("secretsmanager.amazonaws.com")),
                        (
                            "source_arn",
                            path("self.secrets").index(name("secret")).attr("arn"),
                        ),
                    ],
                    "child",
                ),
            ),
            Stmt::Comment(
                "The first rotation waits for the schedule: a secret set by hand may have\n\
                 no value yet."
                    .to_string(),
            ),
            Stmt::Expr(call(
                path("aws.secretsmanager.SecretRotation"),
                vec![tpl("{name}/{secret}")],
                vec![
                    (
                        "secret_id",
                        path("self.secrets").index(name("secret")).attr("id"),
                    ),
                    (
                        "rotation_lambda_arn",
                        path("args.rotation_lambda_arns").index(name("secret")),
                    ),
                    ("rotate_immediately", Expr::Bool(false)),
                    (
                        "rotation_rules",
                        call(
                            path("aws.secretsmanager.SecretRotationRotationRulesArgs"),
                            vec![],
                            vec![("automatically_after_days", name("days"))],
                        ),
                    ),
                    (
                        "opts",
                        call(
                            path("pulumi.ResourceOptions"),
                            vec![],
                            vec![("parent", name("self")), ("depends_on", py::list(after))],
                        ),
                    ),
                ],
            )),
        ],
    }]
}

fn args(platform: &Platform) -> Vec<Arg> {
    let windows = by_env(platform, |env| {
        let days: serde_json::Map<String, Value> = platform
            .secrets
            .iter()
            .map(|(n, secret)| {
                let days = secret.recovery_window_days.get(env).copied().unwrap_or(30);
                (n.clone(), json!(days))
            })
            .collect();
        Value::Object(days)
    });
    let mut args = vec![
        Arg::wired("name", "str", name("name")),
        Arg::wired("tags", "dict[str, str]", name("tags")),
        Arg::wired("region", "str", name("region")),
        Arg::setting(
            "recovery_window_days",
            "dict[str, int]",
            ConfigKind::Object,
            windows,
        ),
    ];
    if platform.secrets.values().any(|s| s.rotation.is_some()) {
        // Per stack: each account has its own function.
        let arns = by_env(platform, |env| {
            let arns: serde_json::Map<String, Value> = platform
                .secrets
                .iter()
                .filter_map(|(n, secret)| {
                    let arn = secret.rotation.as_ref()?.lambda_arn.get(env)?;
                    Some((n.clone(), json!(arn)))
                })
                .collect();
            Value::Object(arns)
        });
        args.push(Arg::setting(
            "rotation_lambda_arns",
            "dict[str, str]",
            ConfigKind::Object,
            arns,
        ));
    }
    args
}

fn outputs() -> Vec<(String, Expr)> {
    vec![
        ("secret_arns".to_string(), path("self.secret_arns")),
        (
            "secret_names".to_string(),
            dict_comp(
                name("secret"),
                path("value.name"),
                "secret, value",
                path("self.secrets").method("items", vec![]),
                None,
            ),
        ),
        ("kms_key_arn".to_string(), path("self.key.arn")),
    ]
}

/// Who may decrypt the secrets (the counterpart of the Terraform environment README's text).
fn readers(platform: &Platform) -> String {
    let mut text =
        "The key's policy grants nothing to a wildcard principal: only IAM policies of the \
         account open it. The ECS task execution roles may decrypt exactly the secrets their \
         service reads (through Secrets Manager)."
            .to_string();
    if platform.secrets.values().any(|s| s.rotation.is_some()) {
        text.push_str(
            " A rotation Lambda's execution role needs `kms:Decrypt` and `kms:GenerateDataKey` \
             on the key (the stack output `kms_key_arn`) in its IAM policy, as AWS's rotation \
             templates grant with their `KmsKeyArn` parameter.",
        );
    }
    text.push_str("\n\n");
    text
}

/// The README's section on secrets: where each one lives, how generated values are kept, and
/// how to set the others. Empty when the platform has no secrets.
pub fn readme_section(platform: &Platform) -> String {
    if platform.secrets.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Secrets\n\n\
         Secrets Manager holds every secret, encrypted with the stack's own KMS key \
         (`alias/{project}-<stack>-secrets`); no value is in the spec or the stack files. \
         {readers}\
         | Secret | Name in Secrets Manager | Value |\n|---|---|---|\n",
        project = platform.project,
        readers = readers(platform),
    );
    for (secret_name, secret) in &platform.secrets {
        let mut value = match &secret.generate {
            Some(_) => "generated (RandomPassword)".to_string(),
            None => "set by hand (below)".to_string(),
        };
        if let Some(rotation) = &secret.rotation {
            value.push_str(&format!(", rotated every {} days", rotation.days));
        }
        if !secret.replicas.is_empty() {
            value.push_str(&format!(", replicated to {}", secret.replicas.join(", ")));
        }
        out.push_str(&format!(
            "| {secret_name} | `{}/{secret_name}` | {value} |\n",
            naming::resource_prefix(&platform.project, "<stack>")
        ));
    }
    if platform.secrets.values().any(|s| s.generate.is_some()) {
        out.push_str(&format!(
            "\n### Generated values\n\n{GENERATED_VALUES} Each value is written into its secret \
             once, when the secret is created; later values come from rotation. Anyone who can \
             read a stack's state and use its secrets provider can read these values: give each \
             stack a secrets provider you control (for example `pulumi stack init <stack> \
             --secrets-provider awskms://alias/<key>`) and restrict access to the state.\n"
        ));
    }
    let manual: Vec<&String> = platform
        .secrets
        .iter()
        .filter(|(_, secret)| secret.generate.is_none())
        .map(|(n, _)| n)
        .collect();
    if !manual.is_empty() {
        out.push_str(
            "\n### Setting the secrets iacgen does not generate\n\n\
             `pulumi up` creates these secrets empty; services that read one fail to start \
             until it has a value. After the first update of a stack, set each value once from a \
             file, so that it stays out of your shell history, then delete the file:\n\n```sh\n",
        );
        for env in platform.env_names() {
            let prefix = naming::resource_prefix(&platform.project, env);
            let region = platform.region.get(env).cloned().unwrap_or_default();
            out.push_str(&format!("# stack {env}\n"));
            for secret_name in &manual {
                out.push_str(&format!(
                    "aws secretsmanager put-secret-value --region {region} \\\n  --secret-id \
                     {prefix}/{secret_name} --secret-string file://{secret_name}.txt\n"
                ));
            }
        }
        out.push_str("```\n");
    }
    out
}
