//! The blocks that make adoption safe, as HCL files: `moved` (an address changes within one
//! state), `import` (a remote object joins this state) and `removed` (another root forgets an
//! object without destroying it).

use crate::hcl::{Block, Body, Expr, print_body, s};

use super::address::Address;
use super::forget::{Forget, forget};
use super::plan::PlanReport;

/// The file `--write-moves` writes into the environment root: `moved` blocks or, when
/// adopting, `import` blocks.
pub fn moves_file(report: &PlanReport) -> String {
    let mut body = Body::new();
    if report.adopt {
        body = body.comment(&format!(
            "Written by `iacgen plan --adopt` for environment {env}: the existing objects this\n\
             environment takes over from another root. After `terraform apply` has imported them,\n\
             this file can be deleted. The old root forgets them with the `removed` blocks\n\
             iacgen printed (or wrote with --write-removed).",
            env = report.env
        ));
        for (to, id) in report.imports() {
            body = body.blank().block(Block::new(
                "import",
                &[],
                Body::new().attr("to", address(to)).attr("id", s(id)),
            ));
        }
        let missing: Vec<String> = report
            .planned
            .iter()
            .filter_map(|p| match &p.state {
                Some(m) => match &m.import_id {
                    Some(Err(e)) => Some(format!(
                        "{} (from {}): the state has no {}",
                        p.address, m.address, e.attribute
                    )),
                    _ => None,
                },
                None => None,
            })
            .collect();
        if !missing.is_empty() {
            body = body.blank().comment(&format!(
                "No import ID could be computed for these; import them by hand:\n{}",
                missing.join("\n")
            ));
        }
    } else {
        body = body.comment(&format!(
            "Written by `iacgen plan --write-moves` for environment {env}: resources whose address\n\
             changes. Keep this file until every copy of the state has been applied with it.",
            env = report.env
        ));
        for (from, to) in report.moves() {
            body = body.blank().block(Block::new(
                "moved",
                &[],
                Body::new()
                    .attr("from", address(from))
                    .attr("to", address(to)),
            ));
        }
        // Objects found in the other states given (`--state` more than once): they join this
        // environment's state by import.
        for (to, id) in report.imports() {
            body = body.blank().block(Block::new(
                "import",
                &[],
                Body::new().attr("to", address(to)).attr("id", s(id)),
            ));
        }
    }
    if !report.inline.is_empty() {
        body = body.blank().comment(
            "Routes their route table holds inline already: imported, not created a second time.",
        );
        for (to, id) in &report.inline {
            body = body.blank().block(Block::new(
                "import",
                &[],
                Body::new().attr("to", address(to)).attr("id", s(id)),
            ));
        }
    }
    print_body(&body)
}

/// The override file `--write-kept-inline` writes into the environment root: for each service
/// module call, the security group rules that exist inline in the security group it adopts
/// (`existing_rules`), so that Terraform does not create them a second time. Terraform merges
/// `*_override.tf` files into the module blocks of `main.tf`.
pub fn kept_inline_file(report: &PlanReport) -> String {
    let mut per_call: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (rule, _, _) in report.kept_inline() {
        let Some(call) = rule.module.0.first() else {
            continue;
        };
        let key = match &rule.index {
            Some(super::address::IndexKey::Str(k)) => format!("{}[{k}]", rule.name),
            Some(super::address::IndexKey::Int(i)) => format!("{}[{i}]", rule.name),
            None => rule.name.clone(),
        };
        per_call.entry(call.name.clone()).or_default().push(key);
    }
    let mut body = Body::new().comment(&format!(
        "Written by `iacgen plan --write-kept-inline` for environment {env}: security group rules\n\
         that exist inline in the security groups this environment adopts. AWS refuses a second\n\
         copy of a rule, so iacgen does not create them; they stay inline. Keep this file with\n\
         the environment (`iacgen generate` leaves it alone).",
        env = report.env
    ));
    for (call, rules) in per_call {
        body = body.blank().block(Block::new(
            "module",
            &[call.as_str()],
            Body::new()
                .comment("checkov:skip=CKV_TF_1:An override of the module call in main.tf, which has its source.")
                .comment("checkov:skip=CKV_TF_2:An override of the module call in main.tf, which has its source.")
                .attr(
                    "existing_rules",
                    Expr::Array(rules.into_iter().map(|r| s(&r)).collect()),
                ),
        ));
    }
    print_body(&body)
}

/// `removed` blocks (`lifecycle { destroy = false }`) for [`PlanReport::removed`]; when
/// adopting, what the old root must forget ([`forget_file`]).
pub fn removed_file(report: &PlanReport) -> String {
    if report.adopt
        && let Some(f) = forget(report, 1).first()
    {
        return forget_file(report, f);
    }
    let intro = if report.adopt {
        format!(
            "Written by `iacgen plan --adopt` for environment {env}: put this in the OLD root,\n\
             then run `terraform apply` there; it forgets these resources without destroying them,\n\
             because environment {env} imports them.",
            env = report.env
        )
    } else {
        format!(
            "Written by `iacgen plan --write-removed` for environment {env}: resources in the state\n\
             that iacgen does not manage. Terraform forgets them instead of destroying them.",
            env = report.env
        )
    };
    let mut body = Body::new().comment(&intro);
    for from in report.removed() {
        let from = match from.parse::<Expr>() {
            Ok(e) => e,
            Err(_) => continue,
        };
        body = body.blank().block(Block::new(
            "removed",
            &[],
            Body::new().attr("from", from).blank().block(Block::new(
                "lifecycle",
                &[],
                Body::new().attr("destroy", false),
            )),
        ));
    }
    print_body(&body)
}

/// An address as an HCL traversal. Terraform's own printing of keys is valid HCL, so this
/// parses; a key it could not print is kept as a string rather than dropped.
fn address(address: &Address) -> Expr {
    let text = address.to_string();
    text.parse::<Expr>().unwrap_or(Expr::String(text))
}

/// The file for the old root of one state: `removed` blocks for the module calls and resources
/// it gives up entirely, and, as comments, the `terraform state rm` commands for the rest.
pub fn forget_file(report: &PlanReport, f: &Forget) -> String {
    let mut intro = format!(
        "Written by `iacgen plan` for environment {env}: put this in the OLD root of state #{n},\n\
         which gives up these objects to environment {env} (it imports them). Run\n\
         `terraform apply` there: it forgets them without destroying them.",
        env = report.env,
        n = f.source + 1
    );
    if !f.removed.is_empty() {
        let deletes: Vec<String> = f
            .removed
            .iter()
            .map(|r| format!("- {}", r.delete))
            .collect();
        intro.push_str(&format!(
            "\nDelete from the old root's configuration (Terraform refuses `removed` for what is\n\
             still declared):\n{}",
            deletes.join("\n")
        ));
    }
    let mut body = Body::new().comment(&intro);
    for r in &f.removed {
        let Ok(from) = r.from.parse::<Expr>() else {
            continue;
        };
        body = body.blank().block(Block::new(
            "removed",
            &[],
            Body::new().attr("from", from).blank().block(Block::new(
                "lifecycle",
                &[],
                Body::new().attr("destroy", false),
            )),
        ));
    }
    if !f.state_rm.is_empty() {
        body = body.blank().comment(&format!(
            "Part of a module call or resource that stays in the old root: forget these\n\
             instances there, before anything else is applied, with\n{}",
            f.commands().join("\n")
        ));
    }
    print_body(&body)
}
