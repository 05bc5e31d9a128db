//! Customer-managed KMS keys: rotated, a 30-day deletion window, an alias, and a key policy in
//! which the account administers the key (through IAM policies) and named services use it.

use super::{Expr, Item, Part, Policy, Resource, Statement, policy, res, s, tpl};

/// The key policy's statement that leaves the key's administration to the account's IAM
/// policies (`arn:<partition>:iam::<account>:root` means "this account decides").
pub fn account_administers() -> Statement {
    Statement {
        sid: Some("AccountAdministers"),
        actions: vec!["kms:*"],
        resources: vec![s("*")],
        principals: Some(("AWS", vec![tpl("arn:{partition}:iam::{account_id}:root")])),
        conditions: Vec::new(),
        deny: false,
    }
}

/// Lets CloudWatch Logs in this account and region encrypt log groups with the key.
pub fn logs_use() -> Statement {
    Statement {
        sid: Some("CloudWatchLogsUse"),
        actions: vec![
            "kms:Decrypt*",
            "kms:Describe*",
            "kms:Encrypt*",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
        ],
        resources: vec![s("*")],
        principals: Some(("Service", vec![tpl("logs.{region}.amazonaws.com")])),
        conditions: vec![(
            "ArnLike",
            "kms:EncryptionContext:aws:logs:arn",
            vec![tpl(
                "arn:{partition}:logs:{region}:{account_id}:log-group:*",
            )],
        )],
        deny: false,
    }
}

/// The key policy `<id>_key`: [`account_administers`] and `grants`.
pub fn key_policy(id: &str, grants: Vec<Statement>) -> Policy {
    // checkov reads `"*"` in a key policy as every resource; in a key policy it is the key.
    let reason = "A key policy applies to its own key only; \"*\" is that key.";
    let mut statements = vec![account_administers()];
    statements.extend(grants);
    Policy {
        id: format!("{id}_key"),
        notes: ["CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_356"]
            .iter()
            .map(|check| format!("checkov:skip={check}:{reason}"))
            .collect(),
        statements,
    }
}

/// `aws_kms_key.<id>` named by its alias `alias` (a template), with the policy `<id>_key`
/// made of [`account_administers`] and `grants`, and its `aws_kms_alias`. The component needs
/// the account id, partition and region facts.
pub fn key(id: &str, alias: Expr, description: Expr, grants: Vec<Statement>) -> Vec<Item> {
    key_with(id, alias, description, grants, Vec::new())
}

/// [`key`] with `extra` arguments (`multi_region`), written before the policy.
pub fn key_with(
    id: &str,
    alias: Expr,
    description: Expr,
    grants: Vec<Statement>,
    extra: Vec<(&str, Expr)>,
) -> Vec<Item> {
    let key_policy = key_policy(id, grants);
    let mut key = Resource::new("aws_kms_key", id, alias.clone())
        .arg("description", description)
        .arg("enable_key_rotation", Expr::Bool(true))
        .arg("deletion_window_in_days", Expr::Int(30));
    for (name, value) in extra {
        key = key.arg(name, value);
    }
    let key = key.arg("policy", policy(key_policy));
    let mut alias_name = vec![Part::Lit("alias/".to_string())];
    match alias.clone() {
        Expr::Tmpl(parts) => alias_name.extend(parts),
        other => alias_name.push(Part::Expr(other)),
    }
    let alias = Resource::new("aws_kms_alias", id, alias)
        .arg("name", Expr::Tmpl(alias_name))
        .arg("target_key_id", res("aws_kms_key", id).attr("key_id"))
        .untagged();
    vec![Item::Resource(key), Item::Resource(alias)]
}

/// A key CloudWatch Logs may use for this account's log groups in this region.
pub fn logs_key(id: &str, alias: Expr, description: Expr) -> Vec<Item> {
    key(id, alias, description, vec![logs_use()])
}
