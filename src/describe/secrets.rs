//! The secrets component: a customer-managed KMS key and one Secrets Manager secret per spec
//! secret, closed to other accounts.
//!
//! No value ever passes through iacgen: generated values come from a random password written
//! once through a write-only argument (never in Terraform's plan or state, encrypted in
//! Pulumi's), and the others are created empty and set by hand (the READMEs say how).

use super::{
    Component, Expr, Fact, Input, Item, Keys, Local, Output, Policy, Resource, Statement, Type,
    Value, block, index, input, kms, local, object, res, s, strs, tpl,
};
use crate::model::{Platform, Secret};
use std::collections::BTreeSet;

/// The component of `platform`'s secrets (it must have at least one).
pub fn component(platform: &Platform) -> Component {
    let secrets = &platform.secrets;
    let generated = secrets.values().any(|s| s.generate.is_some());
    let rotated = secrets.values().filter(|s| s.rotation.is_some()).count();
    let regions: BTreeSet<&String> = secrets.values().flat_map(|s| &s.replicas).collect();
    let replicated = !regions.is_empty();

    let mut items = locals(platform);
    items.extend(kms::key_with(
        "secrets",
        tpl("{name}-secrets"),
        tpl("Secrets Manager secrets of {name}"),
        Vec::new(),
        // Multi-Region only when a secret is replicated: a multi-Region key's material is
        // shared with every replica key, a wider reach than a single-Region secret needs.
        if replicated {
            vec![("multi_region", Expr::Bool(true))]
        } else {
            Vec::new()
        },
    ));
    if replicated {
        items.push(Item::Resource(replica_key(&regions)));
    }
    items.push(Item::Resource(secret(replicated, rotated < secrets.len())));
    items.push(Item::Resource(secret_policy()));
    if generated {
        items.extend(generated_values());
    }
    if rotated > 0 {
        items.extend(rotation(generated));
    }
    Component {
        module: "secrets".to_string(),
        instance: "secrets".to_string(),
        class: "Secrets".to_string(),
        summary: summary(platform),
        facts: vec![Fact::AccountId, Fact::Partition, Fact::Region],
        items,
        inputs: inputs(platform),
        outputs: outputs(),
    }
}

/// What this platform's secrets component holds (replicas only when there are some).
fn summary(platform: &Platform) -> String {
    let secrets = || platform.secrets.values();
    let mut parts = Vec::new();
    if secrets().any(|s| s.generate.is_some()) {
        parts.push("generated values written at apply time and never stored in state");
    }
    if secrets().any(|s| s.rotation.is_some()) {
        parts.push("rotation by each environment's own Lambda function");
    }
    if secrets().any(|s| !s.replicas.is_empty()) {
        parts.push("replicas encrypted with replicas of the (multi-Region) key");
    }
    parts.push("a resource policy that blocks public access and other accounts");
    let last = parts.pop().unwrap_or_default();
    let list = if parts.is_empty() {
        last.to_string()
    } else {
        format!("{}, and {last}", parts.join(", "))
    };
    format!(
        "Secrets Manager secrets encrypted with a customer-managed KMS key that only the \
         account's IAM policies open (no wildcard grant): {list}."
    )
}

/// The spec's secrets as data: descriptions, replicas, generation and rotation settings.
fn locals(platform: &Platform) -> Vec<Item> {
    let replicated = platform.secrets.values().any(|s| !s.replicas.is_empty());
    let only = |keep: &dyn Fn(&Secret) -> Option<Expr>| {
        Expr::Object(
            platform
                .secrets
                .iter()
                .filter_map(|(name, secret)| Some((name.clone(), keep(secret)?)))
                .collect(),
        )
    };
    let secrets = only(&|secret| {
        let mut fields = vec![("description", s(&secret.description))];
        if replicated {
            fields.push(("replicas", strs(&secret.replicas)));
        }
        Some(object(fields))
    });
    let generated = only(&|secret| {
        let generate = secret.generate.as_ref()?;
        Some(object(vec![
            ("length", Expr::Int(i64::from(generate.length))),
            ("special", Expr::Bool(generate.special)),
        ]))
    });
    let rotated = only(&|secret| Some(Expr::Int(i64::from(secret.rotation.as_ref()?.days))));
    let mut out = vec![Item::Local(Local {
        name: "secrets".to_string(),
        comment: Some(
            "Every secret of the spec. Values are never here: generated ones are made when\n\
             the secret is created, the others are set by hand after the first deployment."
                .to_string(),
        ),
        value: secrets,
    })];
    if generated != Expr::Object(Vec::new()) {
        out.push(Item::Local(Local {
            name: "generated".to_string(),
            comment: Some("Secrets whose value is generated, and the password rules.".to_string()),
            value: generated,
        }));
    }
    if rotated != Expr::Object(Vec::new()) {
        out.push(Item::Local(Local {
            name: "rotated".to_string(),
            comment: Some(
                "Secrets a Lambda function rotates, and how often (days); the function of each\n\
                 environment is the input rotation_lambda_arns."
                    .to_string(),
            ),
            value: rotated,
        }));
    }
    out
}

/// The key's policy, which its replicas share.
fn key_policy() -> Expr {
    super::policy(kms::key_policy("secrets", Vec::new()))
}

/// Copies of the (multi-Region) key in each replica region, for the secrets' replicas.
fn replica_key(regions: &BTreeSet<&String>) -> Resource {
    Resource::new(
        "aws_kms_replica_key",
        "secrets",
        tpl("{name}-secrets-{key}"),
    )
    .keyed(Keys::set(Expr::ToSet(Box::new(strs(regions))), "region"))
    .arg("region", Expr::Key)
    .arg(
        "description",
        tpl("Secrets Manager replica secrets of {name}"),
    )
    .arg("primary_key_arn", res("aws_kms_key", "secrets").attr("arn"))
    .arg("deletion_window_in_days", Expr::Int(30))
    .arg("policy", key_policy())
}

/// One secret per spec secret (`replicated`: some have replicas; `unrotated`: some have no
/// rotation).
fn secret(replicated: bool, unrotated: bool) -> Resource {
    let mut secret = Resource::new("aws_secretsmanager_secret", "this", tpl("{name}/{key}"))
        .keyed(Keys::map(local("secrets"), "secret", "value"))
        .arg("name", tpl("{name}/{key}"))
        .arg("description", Expr::Value.field("description"))
        .arg("kms_key_id", res("aws_kms_key", "secrets").attr("arn"))
        .arg(
            "recovery_window_in_days",
            index(input("recovery_window_days"), Expr::Key),
        );
    if unrotated {
        secret = secret.note(
            "checkov:skip=CKV2_AWS_57:Rotation is set per secret in the spec \
             (secrets.<name>.rotation); a secret without it is rotated by its owner."
                .to_string(),
        );
    }
    if replicated {
        secret = secret.arg(
            "replica",
            Expr::Dynamic(
                Box::new(Keys::set(Expr::Value.field("replicas"), "replica")),
                vec![
                    ("region".to_string(), Expr::Var("replica")),
                    (
                        "kms_key_id".to_string(),
                        res("aws_kms_replica_key", "secrets").at(Expr::Var("replica"), "arn"),
                    ),
                ],
            ),
        );
    }
    secret
}

/// A resource policy on every secret: nobody outside this account may use it (AWS services
/// acting for the account still can), and Secrets Manager refuses any later public policy.
fn secret_policy() -> Resource {
    let deny_others = Policy {
        id: "secret".to_string(),
        notes: Vec::new(),
        statements: vec![Statement {
            sid: Some("DenyOtherAccounts"),
            actions: vec!["secretsmanager:*"],
            resources: vec![s("*")],
            principals: Some(("AWS", vec![s("*")])),
            conditions: vec![
                (
                    "StringNotEquals",
                    "aws:PrincipalAccount",
                    vec![Expr::Fact(Fact::AccountId)],
                ),
                ("Bool", "aws:PrincipalIsAWSService", vec![s("false")]),
            ],
            deny: true,
        }],
    };
    Resource::new(
        "aws_secretsmanager_secret_policy",
        "this",
        tpl("{name}/{key}"),
    )
    .keyed(Keys::map(local("secrets"), "secret", "value"))
    .arg("secret_arn", this_secret("arn"))
    .arg("policy", super::policy(deny_others))
    .arg("block_public_policy", Expr::Bool(true))
    .untagged()
}

/// An attribute of the secret of the instance being described.
fn this_secret(attr: &str) -> Expr {
    res("aws_secretsmanager_secret", "this").at(Expr::Key, attr)
}

/// A random password per generated secret (ephemeral in Terraform), written once.
fn generated_values() -> Vec<Item> {
    let password = Resource::new("random_password", "generated", tpl("{name}/{key}"))
        .keyed(Keys::map(local("generated"), "secret", "rules"))
        .arg("length", Expr::Value.field("length"))
        .arg("special", Expr::Value.field("special"))
        .untagged();
    let version = Resource::new(
        "aws_secretsmanager_secret_version",
        "generated",
        tpl("{name}/{key}"),
    )
    .keyed(Keys::map(local("generated"), "secret", "rules"))
    .arg("secret_id", this_secret("id"))
    .arg(
        "secret_string",
        res("random_password", "generated").at(Expr::Key, "result"),
    )
    .write_only("secret_string")
    .comment(
        "secret_string",
        "Write-only: the password goes to AWS and never into the plan or the state.",
    )
    .comment(
        "secret_string_wo_version",
        "Written once, when the secret is created; later values come from rotation.",
    )
    .untagged();
    vec![Item::Resource(password), Item::Resource(version)]
}

/// The Lambda permission and the rotation schedule of each rotated secret. `generated`: the
/// rotations wait for the generated values.
fn rotation(generated: bool) -> Vec<Item> {
    let function = || index(input("rotation_lambda_arns"), Expr::Key);
    let permission = Resource::new("aws_lambda_permission", "rotation", tpl("{name}/{key}"))
        .keyed(Keys::map(local("rotated"), "secret", "days"))
        .arg("statement_id_prefix", s("SecretsManagerRotation-"))
        .comment(
            "statement_id_prefix",
            "A prefix, not a name: several secrets and environments may share one function.",
        )
        .arg("action", s("lambda:InvokeFunction"))
        .arg("function_name", function())
        .arg("principal", s("secretsmanager.amazonaws.com"))
        .arg("source_arn", this_secret("arn"))
        .untagged();
    let mut rotation = Resource::new(
        "aws_secretsmanager_secret_rotation",
        "this",
        tpl("{name}/{key}"),
    )
    .keyed(Keys::map(local("rotated"), "secret", "days"))
    .arg("secret_id", this_secret("id"))
    .arg("rotation_lambda_arn", function())
    .arg("rotate_immediately", Expr::Bool(false))
    .comment(
        "rotate_immediately",
        "The first rotation waits for the schedule: a secret set by hand may have no value yet.",
    )
    .arg(
        "rotation_rules",
        block(vec![("automatically_after_days", Expr::Value)]),
    )
    .after(res("aws_lambda_permission", "rotation"))
    .untagged();
    if generated {
        rotation = rotation.after(res("aws_secretsmanager_secret_version", "generated"));
    }
    vec![Item::Resource(permission), Item::Resource(rotation)]
}

fn inputs(platform: &Platform) -> Vec<Input> {
    let per_env = |value: &dyn Fn(&str) -> Value| {
        platform
            .env_names()
            .map(|env| (env.to_string(), value(env)))
            .collect::<Vec<_>>()
    };
    let windows = per_env(&|env| {
        Value::IntMap(
            platform
                .secrets
                .iter()
                .map(|(name, secret)| {
                    let days = secret.recovery_window_days.get(env).copied().unwrap_or(30);
                    (name.clone(), i64::from(days))
                })
                .collect(),
        )
    });
    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            "recovery_window_days",
            Type::IntMap,
            "Days a deleted secret can still be restored, by secret (0 deletes at once).",
            windows,
        )
        .check(super::Check::Terraform(
            "alltrue([for days in values(var.recovery_window_days) : days == 0 || (days >= 7 && days <= 30)])"
                .to_string(),
            "Every recovery window must be 0 or from 7 to 30 days.".to_string(),
        )),
    ];
    if platform.secrets.values().any(|s| s.rotation.is_some()) {
        // Per environment: each account has its own function (validation refuses one of
        // another account or region).
        let arns = per_env(&|env| {
            Value::StrMap(
                platform
                    .secrets
                    .iter()
                    .filter_map(|(name, secret)| {
                        let arn = secret.rotation.as_ref()?.lambda_arn.get(env)?;
                        Some((name.clone(), arn.clone()))
                    })
                    .collect(),
            )
        });
        inputs.push(
            Input::setting(
                "rotation_lambda_arns",
                Type::StrMap,
                "ARN of the Lambda function that rotates each rotated secret (in this environment's account and region), by secret.",
                arns,
            )
            .check(super::Check::Terraform(
                r#"alltrue([for arn in values(var.rotation_lambda_arns) : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$", arn))])"#
                    .to_string(),
                "Every rotation Lambda must be a Lambda function ARN.".to_string(),
            )),
        );
    }
    inputs
}

fn outputs() -> Vec<Output> {
    let by_name = |attr: &str| Expr::ByKey {
        res: res("aws_secretsmanager_secret", "this"),
        key: "name",
        var: "secret",
        attr: attr.to_string(),
    };
    vec![
        Output::new(
            "secret_arns",
            "ARNs of the secrets, by spec name.",
            by_name("arn"),
        ),
        Output::new(
            "secret_names",
            "Names of the secrets in Secrets Manager, by spec name.",
            by_name("name"),
        ),
        Output::new(
            "kms_key_arn",
            "ARN of the KMS key that encrypts the secrets (readers need kms:Decrypt on it through Secrets Manager).",
            res("aws_kms_key", "secrets").attr("arn"),
        ),
    ]
}

/// Who may decrypt the secrets, for the READMEs: the key opens only through IAM policies.
/// `key` says where its ARN is found.
pub fn key_readers(platform: &Platform, key: &str) -> String {
    let mut text =
        "The key's policy grants nothing to a wildcard principal: only IAM policies of the \
         account open it. The ECS task execution roles may decrypt exactly the secrets their \
         service reads (through Secrets Manager)."
            .to_string();
    if platform.secrets.values().any(|s| s.rotation.is_some()) {
        text.push_str(&format!(
            " A rotation Lambda's execution role needs `kms:Decrypt` and `kms:GenerateDataKey` \
             on the key ({key}) in its IAM policy, as AWS's rotation templates grant with their \
             `KmsKeyArn` parameter."
        ));
    }
    text.push_str("\n\n");
    text
}

/// A secret's value column in the READMEs' tables: `generated` (how a generated value is
/// made), then its rotation and replicas.
pub fn readme_value(secret: &Secret, generated: &str) -> String {
    let mut value = match &secret.generate {
        Some(_) => generated.to_string(),
        None => "set by hand (below)".to_string(),
    };
    if let Some(rotation) = &secret.rotation {
        value.push_str(&format!(", rotated every {} days", rotation.days));
    }
    if !secret.replicas.is_empty() {
        value.push_str(&format!(", replicated to {}", secret.replicas.join(", ")));
    }
    value
}

/// The secrets whose value is set by hand.
pub fn set_by_hand(platform: &Platform) -> Vec<&String> {
    platform
        .secrets
        .iter()
        .filter(|(_, secret)| secret.generate.is_none())
        .map(|(name, _)| name)
        .collect()
}
