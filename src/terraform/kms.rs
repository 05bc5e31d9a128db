//! Customer-managed KMS keys whose policy lets the account administer the key and names the
//! services that may use it. The module must declare the `aws_caller_identity`, `aws_partition`
//! and `aws_region` data sources named `current`.

use super::common::name_tags;
use crate::hcl::{Block, Body, Expr, block, data, ex, num, resource, s, strings};
use crate::terraform::common::{condition, principals};

/// `arn:<partition>:iam::<account>:root`: in a key policy, "IAM policies of this account decide".
const ACCOUNT_ROOT: &str = r#"["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]"#;

/// One `statement` of a key policy allowing `actions` on the key to a principal.
pub struct Grant {
    pub sid: &'static str,
    pub actions: Vec<&'static str>,
    /// `("Service", ["logs.amazonaws.com"])`, `("AWS", ["*"])`, ...
    pub principal_type: &'static str,
    pub principals: Expr,
    /// `(test, variable, values)`
    pub conditions: Vec<(&'static str, &'static str, Expr)>,
}

impl Grant {
    fn to_block(&self) -> Block {
        let mut body = Body::new()
            .attr("sid", s(self.sid))
            .attr("actions", strings(self.actions.iter().copied()))
            .attr("resources", strings(["*"]))
            .blank()
            .block(principals(self.principal_type, self.principals.clone()));
        for (test, variable, values) in &self.conditions {
            body = body.block(condition(test, variable, values.clone()));
        }
        block("statement", &[], body)
    }
}

/// The policy document `data.aws_iam_policy_document.<id>_key`: the account administers the key
/// (through IAM policies), and each grant lets its principal use it.
pub fn key_policy(id: &str, grants: &[Grant]) -> Block {
    let admin = block(
        "statement",
        &[],
        Body::new()
            .attr("sid", s("AccountAdministers"))
            .attr("actions", strings(["kms:*"]))
            .attr("resources", strings(["*"]))
            .blank()
            .block(principals("AWS", ex(ACCOUNT_ROOT))),
    );
    let reason = "A key policy applies to its own key only; \"*\" is that key.";
    data(
        "aws_iam_policy_document",
        &format!("{id}_key"),
        Body::new()
            .comment(&format!("checkov:skip=CKV_AWS_109:{reason}"))
            .comment(&format!("checkov:skip=CKV_AWS_111:{reason}"))
            .comment(&format!("checkov:skip=CKV_AWS_356:{reason}"))
            .block(admin)
            .blocks(grants.iter().map(Grant::to_block)),
    )
}

/// `aws_kms_key.<id>` with rotation on and its alias `alias/<alias>`; the policy is
/// [`key_policy`]`(id, ..)`, which the caller adds to the module.
pub fn key(id: &str, alias: &str, description: &str, multi_region: bool) -> Body {
    let mut key = Body::new()
        .attr("description", ex(&format!("\"{description}\"")))
        .attr("enable_key_rotation", true)
        .attr("deletion_window_in_days", num(30));
    if multi_region {
        key = key.attr("multi_region", true);
    }
    Body::new()
        .block(resource(
            "aws_kms_key",
            id,
            key.attr(
                "policy",
                ex(&format!("data.aws_iam_policy_document.{id}_key.json")),
            )
            .blank()
            .attr("tags", name_tags(alias)),
        ))
        .block(resource(
            "aws_kms_alias",
            id,
            Body::new()
                .attr("name", ex(&format!("\"alias/{alias}\"")))
                .attr("target_key_id", ex(&format!("aws_kms_key.{id}.key_id"))),
        ))
}
