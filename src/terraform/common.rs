//! Pieces several modules share: tags, retention variables, policy statement blocks.

use super::interface::Variable;
use crate::hcl::{Block, Body, Expr, block, s};

/// CloudWatch Logs' allowed retention values, in days.
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// A retention variable restricted to the values CloudWatch accepts.
pub fn retention_variable(name: &str, what: &str) -> Variable {
    let allowed = RETENTION_DAYS
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Variable::new(
        name,
        "number",
        &format!("{what} (a CloudWatch Logs retention value)."),
    )
    .check(
        &format!("contains([{allowed}], var.{name})"),
        &format!("{name} must be one of: {allowed}."),
    )
}

/// `lifecycle { create_before_destroy = true }` of a security group, with why: a group that
/// must be replaced (a new description or VPC) is still attached to load balancers, tasks or
/// endpoints, and AWS refuses to delete it until they move to the new one. Created first under
/// a unique name (`name_prefix`), the new group takes their place, then the old one goes. An
/// adopted group keeps its name (a kept `name`, see `model::kept`) and is replaced delete-first.
pub fn replaced_create_first() -> Body {
    Body::new()
        .comment("A replacement is created first, under a unique name (name_prefix): whatever uses the\ngroup moves to it before the old one is deleted.")
        .block(crate::hcl::block(
            "lifecycle",
            &[],
            Body::new().attr("create_before_destroy", true),
        ))
}

/// A policy statement's `principals` block: who (`kind`: AWS, Service, ...) the statement is
/// about.
pub fn principals(kind: &str, identifiers: Expr) -> Block {
    block(
        "principals",
        &[],
        Body::new()
            .attr("type", s(kind))
            .attr("identifiers", identifiers),
    )
}

/// A policy statement's `condition` block.
pub fn condition(test: &str, variable: &str, values: Expr) -> Block {
    block(
        "condition",
        &[],
        Body::new()
            .attr("test", s(test))
            .attr("variable", s(variable))
            .attr("values", values),
    )
}
