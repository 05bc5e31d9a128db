//! Customer-managed KMS keys for the modules not yet described (EKS, observability): the key,
//! its alias and its key policy are `describe::kms`'s, rendered by `render`. The module must
//! declare the `aws_caller_identity`, `aws_partition` and `aws_region` data sources named
//! `current`.

use super::render::{self, template};
use crate::describe::{self, Expr, Item, Statement, kms};
use crate::hcl::{Block, Body};

/// One statement of a key policy allowing `actions` on the key to services or accounts.
pub struct Grant {
    pub sid: &'static str,
    pub actions: Vec<&'static str>,
    /// `"Service"` or `"AWS"`
    pub principal_type: &'static str,
    /// `["logs.amazonaws.com"]`
    pub principals: Vec<&'static str>,
}

impl Grant {
    fn statement(&self) -> Statement {
        Statement {
            sid: Some(self.sid),
            actions: self.actions.clone(),
            resources: vec![describe::s("*")],
            principals: Some((
                self.principal_type,
                self.principals.iter().map(|p| describe::s(*p)).collect(),
            )),
            conditions: Vec::new(),
            deny: false,
        }
    }
}

/// The policy document `data.aws_iam_policy_document.<id>_key`: the account administers the key
/// (through IAM policies), and each grant lets its principal use it.
pub fn key_policy(id: &str, grants: &[Grant]) -> Block {
    render::policy_document(&kms::key_policy(
        id,
        grants.iter().map(Grant::statement).collect(),
    ))
}

/// `aws_kms_key.<id>` with rotation on and its alias `alias/<alias>` (Terraform template text
/// whose only interpolations are inputs); the policy is [`key_policy`]`(id, ..)`, which the
/// caller adds to the module.
pub fn key(id: &str, alias: &str, description: &str, multi_region: bool) -> Body {
    let extra = if multi_region {
        vec![("multi_region", Expr::Bool(true))]
    } else {
        Vec::new()
    };
    let items = kms::key_with(
        id,
        template(alias),
        template(description),
        Vec::new(),
        extra,
    );
    let mut body = Body::new();
    for item in &items {
        if let Item::Resource(r) = item {
            body = body.block(render::resource_block(r));
        }
    }
    body
}
