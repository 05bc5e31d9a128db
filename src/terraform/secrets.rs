//! `modules/secrets`: a customer-managed KMS key and one Secrets Manager secret per spec secret.
//!
//! No value ever passes through iacgen or Terraform's state: generated values come from an
//! ephemeral random password written through the write-only `secret_string_wo`, and the others
//! are created empty and set by hand (the environment README says how).

use super::common::name_tags;
use super::interface::{Output, Variable};
use super::kms::{key, key_policy};
use super::module::{Input, Module};
use crate::hcl::{Body, Expr, block, data, ex, num, obj, resource, s, strings};
use crate::model::{Platform, Secret, naming};
use crate::terraform::common::{condition, principals};
use std::collections::{BTreeMap, BTreeSet};

/// Builds the secrets module for `platform` (which must have at least one secret).
pub fn module(platform: &Platform) -> Module {
    let secrets = &platform.secrets;
    let generated: Vec<(&String, &Secret)> = secrets
        .iter()
        .filter(|(_, secret)| secret.generate.is_some())
        .collect();
    let rotated: Vec<(&String, &Secret)> = secrets
        .iter()
        .filter(|(_, secret)| secret.rotation.is_some())
        .collect();
    let regions = replica_regions(platform);

    let mut main = Body::new()
        .block(data("aws_caller_identity", "current", Body::new()))
        .block(data("aws_partition", "current", Body::new()))
        .block(data("aws_region", "current", Body::new()))
        .block(locals(platform))
        .block(key_policy("secrets", &[]))
        .extend(key(
            "secrets",
            "${var.name}-secrets",
            "Secrets Manager secrets of ${var.name}",
            // Multi-Region only when a secret is replicated: a multi-Region key's material is
            // shared with every replica key, a wider reach than a single-Region secret needs.
            !regions.is_empty(),
        ));
    if !regions.is_empty() {
        main = main.block(replica_keys(&regions));
    }
    main = main
        .block(secret(!regions.is_empty(), rotated.len() < secrets.len()))
        .extend(secret_policy());
    if !generated.is_empty() {
        main = main.extend(generated_values());
    }
    if !rotated.is_empty() {
        main = main.extend(rotation(!generated.is_empty()));
    }

    Module {
        dir: "secrets".to_string(),
        name: "secrets".to_string(),
        var_prefix: String::new(),
        summary: summary(platform),
        main: main.into(),
        inputs: inputs(platform),
        outputs: outputs(),
    }
}

/// The module README's one-line summary: what this platform's secrets module holds (replicas
/// only when there are some).
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

/// Regions any secret is replicated to, sorted and without repeats.
fn replica_regions(platform: &Platform) -> BTreeSet<String> {
    platform
        .secrets
        .values()
        .flat_map(|secret| secret.replicas.iter().cloned())
        .collect()
}

/// The spec's secrets as data: descriptions, replicas, generation and rotation settings.
fn locals(platform: &Platform) -> crate::hcl::Block {
    let replicated = platform.secrets.values().any(|s| !s.replicas.is_empty());
    let secrets = obj(platform.secrets.iter().map(|(name, secret)| {
        let mut fields = vec![("description", s(&secret.description))];
        if replicated {
            fields.push(("replicas", strings(secret.replicas.iter().cloned())));
        }
        (name.clone(), obj(fields))
    }));
    let mut body = Body::new()
        .comment("Every secret of the spec. Values are never here: generated ones are made at")
        .comment("apply time, the others are set by hand after the first apply.")
        .attr("secrets", secrets);
    let generated: Vec<(String, Expr)> = platform
        .secrets
        .iter()
        .filter_map(|(name, secret)| {
            let generate = secret.generate.as_ref()?;
            Some((
                name.clone(),
                obj([
                    ("length", num(i64::from(generate.length))),
                    ("special", generate.special.into()),
                ]),
            ))
        })
        .collect();
    if !generated.is_empty() {
        body = body
            .blank()
            .comment("Secrets whose value Terraform generates, and the password rules.")
            .attr("generated", obj(generated));
    }
    let rotated: Vec<(String, Expr)> = platform
        .secrets
        .iter()
        .filter_map(|(name, secret)| {
            let rotation = secret.rotation.as_ref()?;
            Some((name.clone(), num(i64::from(rotation.days))))
        })
        .collect();
    if !rotated.is_empty() {
        body = body
            .blank()
            .comment(
                "Secrets a Lambda function rotates, and how often (days); the function of each",
            )
            .comment("environment is in var.rotation_lambda_arns.")
            .attr("rotated", obj(rotated));
    }
    block("locals", &[], body)
}

/// Copies of the (multi-Region) key in each replica region, for the secrets' replicas.
fn replica_keys(regions: &BTreeSet<String>) -> crate::hcl::Block {
    resource(
        "aws_kms_replica_key",
        "secrets",
        Body::new()
            .attr(
                "for_each",
                ex(&format!(
                    "toset({})",
                    crate::hcl::print_expr(&strings(regions.iter().cloned()))
                )),
            )
            .blank()
            .attr("region", ex("each.key"))
            .attr(
                "description",
                ex(r#""Secrets Manager replica secrets of ${var.name}""#),
            )
            .attr("primary_key_arn", ex("aws_kms_key.secrets.arn"))
            .attr("deletion_window_in_days", num(30))
            .attr(
                "policy",
                ex("data.aws_iam_policy_document.secrets_key.json"),
            )
            .blank()
            .attr("tags", name_tags("${var.name}-secrets-${each.key}")),
    )
}

fn secret(replicated: bool, unrotated: bool) -> crate::hcl::Block {
    let mut body = Body::new();
    if unrotated {
        body = body.comment(
            "checkov:skip=CKV2_AWS_57:Rotation is set per secret in the spec (secrets.<name>.rotation); a secret without it is rotated by its owner.",
        );
    }
    body = body
        .attr("for_each", ex("local.secrets"))
        .blank()
        .attr("name", ex(r#""${var.name}/${each.key}""#))
        .attr("description", ex("each.value.description"))
        .attr("kms_key_id", ex("aws_kms_key.secrets.arn"))
        .attr(
            "recovery_window_in_days",
            ex("var.recovery_window_days[each.key]"),
        );
    if replicated {
        body = body.blank().block(block(
            "dynamic",
            &["replica"],
            Body::new()
                .attr("for_each", ex("each.value.replicas"))
                .blank()
                .block(block(
                    "content",
                    &[],
                    Body::new().attr("region", ex("replica.value")).attr(
                        "kms_key_id",
                        ex("aws_kms_replica_key.secrets[replica.value].arn"),
                    ),
                )),
        ));
    }
    resource(
        "aws_secretsmanager_secret",
        "this",
        body.blank()
            .attr("tags", name_tags("${var.name}/${each.key}")),
    )
}

/// A resource policy on every secret: nobody outside this account may use it (AWS services
/// acting for the account still can), and Secrets Manager refuses any later public policy.
fn secret_policy() -> Body {
    Body::new()
        .block(data(
            "aws_iam_policy_document",
            "secret",
            Body::new().block(block(
                "statement",
                &[],
                Body::new()
                    .attr("sid", s("DenyOtherAccounts"))
                    .attr("effect", s("Deny"))
                    .attr("actions", strings(["secretsmanager:*"]))
                    .attr("resources", strings(["*"]))
                    .blank()
                    .block(principals("AWS", strings(["*"])))
                    .block(condition(
                        "StringNotEquals",
                        "aws:PrincipalAccount",
                        ex("[data.aws_caller_identity.current.account_id]"),
                    ))
                    .block(condition(
                        "Bool",
                        "aws:PrincipalIsAWSService",
                        strings(["false"]),
                    )),
            )),
        ))
        .block(resource(
            "aws_secretsmanager_secret_policy",
            "this",
            Body::new()
                .attr("for_each", ex("local.secrets"))
                .blank()
                .attr(
                    "secret_arn",
                    ex("aws_secretsmanager_secret.this[each.key].arn"),
                )
                .attr("policy", ex("data.aws_iam_policy_document.secret.json"))
                .attr("block_public_policy", true),
        ))
}

/// An ephemeral password (never in plan or state) written through the write-only argument.
fn generated_values() -> Body {
    Body::new()
        .block(block(
            "ephemeral",
            &["random_password", "generated"],
            Body::new()
                .attr("for_each", ex("local.generated"))
                .blank()
                .attr("length", ex("each.value.length"))
                .attr("special", ex("each.value.special")),
        ))
        .block(resource(
            "aws_secretsmanager_secret_version",
            "generated",
            Body::new()
                .attr("for_each", ex("local.generated"))
                .blank()
                .attr(
                    "secret_id",
                    ex("aws_secretsmanager_secret.this[each.key].id"),
                )
                .comment(
                    "Write-only: the password goes to AWS and never into the plan or the state.",
                )
                .attr(
                    "secret_string_wo",
                    ex("ephemeral.random_password.generated[each.key].result"),
                )
                .comment(
                    "Written once, when the secret is created; later values come from rotation.",
                )
                .attr("secret_string_wo_version", num(1)),
        ))
}

fn rotation(generated: bool) -> Body {
    let depends_on = if generated {
        "[aws_lambda_permission.rotation, aws_secretsmanager_secret_version.generated]"
    } else {
        "[aws_lambda_permission.rotation]"
    };
    Body::new()
        .block(resource(
            "aws_lambda_permission",
            "rotation",
            Body::new()
                .attr("for_each", ex("local.rotated"))
                .blank()
                .comment("A prefix, not a name: several secrets and environments may share one function.")
                .attr("statement_id_prefix", s("SecretsManagerRotation-"))
                .attr("action", s("lambda:InvokeFunction"))
                .attr("function_name", ex("var.rotation_lambda_arns[each.key]"))
                .attr("principal", s("secretsmanager.amazonaws.com"))
                .attr(
                    "source_arn",
                    ex("aws_secretsmanager_secret.this[each.key].arn"),
                ),
        ))
        .block(resource(
            "aws_secretsmanager_secret_rotation",
            "this",
            Body::new()
                .attr("for_each", ex("local.rotated"))
                .blank()
                .attr("secret_id", ex("aws_secretsmanager_secret.this[each.key].id"))
                .attr("rotation_lambda_arn", ex("var.rotation_lambda_arns[each.key]"))
                .comment("The first rotation waits for the schedule: a secret set by hand may have no value yet.")
                .attr("rotate_immediately", false)
                .blank()
                .block(block(
                    "rotation_rules",
                    &[],
                    Body::new().attr("automatically_after_days", ex("each.value")),
                ))
                .blank()
                .attr("depends_on", ex(depends_on)),
        ))
}

fn inputs(platform: &Platform) -> Vec<Input> {
    let windows: BTreeMap<String, Expr> = platform
        .env_names()
        .map(|env| {
            let days = platform.secrets.iter().map(|(name, secret)| {
                let days = secret.recovery_window_days.get(env).copied().unwrap_or(30);
                (name.clone(), num(i64::from(days)))
            });
            (env.to_string(), obj(days))
        })
        .collect();
    let mut inputs = vec![
        Input::name(),
        Input::tags(),
        Input::setting(
            Variable::new(
                "recovery_window_days",
                "map(number)",
                "Days a deleted secret can still be restored, by secret (0 deletes at once).",
            )
            .check(
                "alltrue([for days in values(var.recovery_window_days) : days == 0 || (days >= 7 && days <= 30)])",
                "Every recovery window must be 0 or from 7 to 30 days.",
            ),
            windows,
        ),
    ];
    if platform.secrets.values().any(|s| s.rotation.is_some()) {
        // Per environment: each account has its own function (validation refuses one of
        // another account or region).
        let arns: BTreeMap<String, Expr> = platform
            .env_names()
            .map(|env| {
                let arns = platform.secrets.iter().filter_map(|(name, secret)| {
                    let arn = secret.rotation.as_ref()?.lambda_arn.get(env)?;
                    Some((name.clone(), s(arn)))
                });
                (env.to_string(), obj(arns))
            })
            .collect();
        inputs.push(Input::setting(
            Variable::new(
                "rotation_lambda_arns",
                "map(string)",
                "ARN of the Lambda function that rotates each rotated secret (in this environment's account and region), by secret.",
            )
            .check(
                r#"alltrue([for arn in values(var.rotation_lambda_arns) : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$", arn))])"#,
                "Every rotation Lambda must be a Lambda function ARN.",
            ),
            arns,
        ));
    }
    inputs
}

fn outputs() -> Vec<Output> {
    vec![
        Output::new(
            "secret_arns",
            "ARNs of the secrets, by spec name.",
            ex("{ for name, secret in aws_secretsmanager_secret.this : name => secret.arn }"),
        ),
        Output::new(
            "secret_names",
            "Names of the secrets in Secrets Manager, by spec name.",
            ex("{ for name, secret in aws_secretsmanager_secret.this : name => secret.name }"),
        ),
        Output::new(
            "kms_key_arn",
            "ARN of the KMS key that encrypts the secrets (readers need kms:Decrypt on it through Secrets Manager).",
            ex("aws_kms_key.secrets.arn"),
        ),
    ]
}

/// Who may decrypt the secrets, for the READMEs: the key opens only through IAM policies.
/// `key` says where its ARN is found.
fn key_readers(platform: &Platform, key: &str) -> String {
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

/// `environments/<env>/README.md`, written when the platform has secrets: where each secret
/// lives and how to set the ones iacgen does not generate. `None` when there are no secrets.
pub fn environment_readme(platform: &Platform, env: &str) -> Option<String> {
    if platform.secrets.is_empty() {
        return None;
    }
    let prefix = naming::resource_prefix(&platform.project, env);
    let region = platform.region.get(env).cloned().unwrap_or_default();
    let mut out = format!(
        "# {prefix}\n\nThe Terraform root of the {env} environment of {project}. Generated by \
         iacgen; edit the spec and regenerate rather than these files.\n\n## Secrets\n\n",
        project = platform.project
    );
    out.push_str(
        "Secrets Manager holds every secret, encrypted with this environment's KMS key. No value \
         is in the spec, the tfvars or Terraform's state.\n\n",
    );
    out.push_str(&key_readers(platform, "the module's `kms_key_arn` output"));
    out.push_str("| Secret | Name in Secrets Manager | Value |\n|---|---|---|\n");
    for (name, secret) in &platform.secrets {
        let mut value = match &secret.generate {
            Some(_) => "generated at apply time".to_string(),
            None => "set by hand (below)".to_string(),
        };
        if let Some(rotation) = &secret.rotation {
            value.push_str(&format!(", rotated every {} days", rotation.days));
        }
        if !secret.replicas.is_empty() {
            value.push_str(&format!(", replicated to {}", secret.replicas.join(", ")));
        }
        out.push_str(&format!("| {name} | `{prefix}/{name}` | {value} |\n"));
    }
    let manual: Vec<&String> = platform
        .secrets
        .iter()
        .filter(|(_, secret)| secret.generate.is_none())
        .map(|(name, _)| name)
        .collect();
    if !manual.is_empty() {
        out.push_str(
            "\n### Setting the secrets iacgen does not generate\n\n\
             `terraform apply` creates these secrets empty; services that read one fail to start \
             until it has a value. After the first apply, set each value once from a file, so that \
             it stays out of your shell history, then delete the file:\n\n\
             ```sh\n",
        );
        for name in manual {
            out.push_str(&format!(
                "aws secretsmanager put-secret-value --region {region} \\\n  --secret-id {prefix}/{name} --secret-string file://{name}.txt\n"
            ));
        }
        out.push_str("```\n");
    }
    Some(out)
}
