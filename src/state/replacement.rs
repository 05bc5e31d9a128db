//! How `iacgen plan` reports the objects Terraform would replace: which force-new argument
//! differs, and for an ECS task definition (whose every change is a new revision, rolled out by
//! the service as a rolling deployment) what changes in the container definitions.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value as Json;

use super::drift::{Drift, equivalent};
use super::force_new::replacing;
use super::plan::{Action, PlanReport, Planned};

/// The arguments that make Terraform replace `p` (`tainted` when the state marks it so).
pub fn replaced_by(p: &Planned) -> Vec<String> {
    let mut out: Vec<String> = replacing(&p.address.type_, &p.drift)
        .into_iter()
        .map(|d| d.argument.clone())
        .collect();
    if p.tainted {
        out.push("tainted".to_string());
    }
    out
}

/// For a replaced ECS task definition: a new revision, which the service rolls out. The
/// changes, one line each (`container "api": image "a:1" -> "a:2"`, `cpu: 256 -> 512`).
pub fn rolling_deployment(p: &Planned) -> Option<Vec<String>> {
    if p.address.type_ != "aws_ecs_task_definition" || p.action != Action::Replace {
        return None;
    }
    let mut changes = Vec::new();
    for d in replacing(&p.address.type_, &p.drift) {
        if let Some(target) = &d.after_apply_from {
            changes.push(format!(
                "{}: known after apply ({target} is to be created)",
                d.argument
            ));
            continue;
        }
        match (d.argument.as_str(), &d.iacgen, &d.state) {
            ("container_definitions", Some(ours), Some(theirs)) => {
                changes.extend(container_changes(ours, theirs));
            }
            (argument, Some(ours), Some(theirs)) => {
                changes.push(format!("{argument}: {theirs} -> {ours}"));
            }
            (argument, _, _) => changes.push(format!("{argument}: changes (sensitive)")),
        }
    }
    Some(changes)
}

/// Container definitions are a JSON document in a string: compare them container by container
/// (by name) and key by key, for the keys iacgen sets.
fn container_changes(ours: &Json, theirs: &Json) -> Vec<String> {
    let parse = |v: &Json| match v {
        Json::String(text) => serde_json::from_str::<Json>(text).ok(),
        other => Some(other.clone()),
    };
    let (Some(Json::Array(ours)), Some(Json::Array(theirs))) = (parse(ours), parse(theirs)) else {
        return vec!["container_definitions: the document changes".to_string()];
    };
    let name = |c: &Json| {
        c.get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut out = Vec::new();
    for c in &ours {
        let Some(old) = theirs.iter().find(|t| name(t) == name(c)) else {
            out.push(format!("container {:?}: added", name(c)));
            continue;
        };
        let Json::Object(fields) = c else { continue };
        for (key, value) in fields {
            match old.get(key) {
                Some(was) if equivalent(value, was) => {}
                Some(was) => out.push(format!("container {:?}: {key} {was} -> {value}", name(c))),
                None => out.push(format!("container {:?}: {key} set to {value}", name(c))),
            }
        }
    }
    let kept: BTreeSet<String> = ours.iter().map(name).collect();
    for t in &theirs {
        if !kept.contains(&name(t)) {
            out.push(format!("container {:?}: removed", name(t)));
        }
    }
    if out.is_empty() {
        out.push("container_definitions: defaults the service adds differ".to_string());
    }
    out
}

/// The "Replaced" section of the text report.
pub(super) fn replaced_section(
    out: &mut String,
    report: &PlanReport,
    drift_lines: fn(&mut String, &[Drift]),
) {
    let replaced: Vec<&Planned> = report
        .planned
        .iter()
        .filter(|p| p.action == Action::Replace)
        .collect();
    if replaced.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nReplaced (an argument that cannot change in place differs: Terraform destroys the \
         object and creates a new one):"
    );
    for p in replaced {
        let from = match &p.state {
            Some(m) if m.address != p.address => format!(" (state: {})", m.address),
            _ => String::new(),
        };
        if let Some(changes) = rolling_deployment(p) {
            let _ = writeln!(
                out,
                "  -/+ {}{from}: rolling deployment, a new revision of the task definition that \
                 the service rolls out",
                p.address
            );
            for change in changes {
                let _ = writeln!(out, "      {change}");
            }
            continue;
        }
        let _ = writeln!(
            out,
            "  -/+ {}{from}: replaced by {}",
            p.address,
            replaced_by(p).join(", ")
        );
        drift_lines(out, &p.drift);
    }
}
