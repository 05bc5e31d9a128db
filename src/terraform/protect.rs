//! `prevent_destroy` on the resources whose loss cannot be undone: KMS keys (what they
//! encrypted becomes unreadable), secrets, log groups and the EKS cluster.
//!
//! `prevent_destroy` must be a literal and a module's code is shared by every environment, so
//! the choice is per platform: when any environment protects its stateful resources
//! (`environments.<env>.protect`, on by default for production-like ones), every
//! environment's copies are protected. Destroying a protected resource then fails at plan
//! time; to retire an environment, set `protect: false` on every environment and regenerate,
//! or remove the resources from the state (`removed` blocks).

use crate::hcl::{Block, Body, Item, block};

/// Resource types that hold data or make data readable.
pub const STATEFUL: [&str; 5] = [
    "aws_kms_key",
    "aws_kms_replica_key",
    "aws_secretsmanager_secret",
    "aws_cloudwatch_log_group",
    "aws_eks_cluster",
];

/// Adds `lifecycle { prevent_destroy = true }` to every stateful resource of `body`, inside its
/// `lifecycle` block when it has one.
pub fn protect(body: &mut Body) {
    for item in &mut body.items {
        let Item::Block(resource) = item else {
            continue;
        };
        let stateful = resource.ident == "resource"
            && resource
                .labels
                .first()
                .is_some_and(|kind| STATEFUL.contains(&kind.as_str()));
        if stateful {
            add_prevent_destroy(resource);
        }
    }
}

fn add_prevent_destroy(resource: &mut Block) {
    let existing = resource.body.items.iter_mut().find_map(|item| match item {
        Item::Block(b) if b.ident == "lifecycle" => Some(b),
        _ => None,
    });
    match existing {
        Some(lifecycle) => {
            lifecycle
                .body
                .items
                .insert(0, Item::Attr("prevent_destroy".to_string(), true.into()));
        }
        None => {
            resource.body.items.push(Item::Blank);
            resource.body.items.push(Item::Block(block(
                "lifecycle",
                &[],
                Body::new().attr("prevent_destroy", true),
            )));
        }
    }
}
