//! A [`PlanReport`] as text for people and as JSON for programs.

use std::fmt::Write;

use serde_json::{Value as Json, json};

use super::address::Mode;
use super::drift::Drift;
use super::plan::{Action, MatchedBy, PlanReport, Summary};

impl Summary {
    fn line(&self, adopt: bool) -> String {
        let mut parts = vec![
            format!("{} to create", self.create),
            format!("{} unchanged", self.unchanged),
            format!("{} drifted", self.drifted),
            format!("{} to replace", self.replace),
        ];
        if adopt {
            parts.push(format!("{} to import", self.import));
        } else {
            parts.push(format!("{} moved", self.moved));
            // From the other states of a platform split over several, and routes held inline.
            if self.import > 0 {
                parts.push(format!("{} to import", self.import));
            }
        }
        if self.kept_inline > 0 {
            parts.push(format!("{} kept inline", self.kept_inline));
        }
        parts.push(format!("{} not managed by iacgen", self.not_managed));
        if self.not_compared > 0 {
            parts.push(format!("{} not compared", self.not_compared));
        }
        format!("Plan: {}.", parts.join(", "))
    }
}

fn value(v: &Option<Json>) -> String {
    match v {
        None => "(sensitive)".to_string(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 120 {
                let cut: String = text.chars().take(117).collect();
                format!("{cut}...")
            } else {
                text
            }
        }
    }
}

fn drift_lines(out: &mut String, drift: &[Drift]) {
    for d in drift {
        if let Some(target) = d.after_apply_from.as_ref().filter(|t| t.mode == Mode::Data) {
            let _ = writeln!(
                out,
                "      {}: {} in the state, known after apply in iacgen ({target} is read during \
                 apply: it depends on changes)",
                d.argument,
                value(&d.state)
            );
            continue;
        }
        if let Some(target) = &d.after_apply_from {
            let _ = writeln!(
                out,
                "      {}: {} in the state, known after apply in iacgen ({target} is to be created or replaced)",
                d.argument,
                value(&d.state)
            );
            continue;
        }
        // Maps (tags, labels) differ key by key; the whole map would hide what changes.
        let empty = serde_json::Map::new();
        let theirs = match &d.state {
            Some(Json::Object(m)) => Some(m),
            Some(Json::Null) => Some(&empty),
            _ => None,
        };
        if let (Some(Json::Object(ours)), Some(theirs)) = (&d.iacgen, theirs) {
            let keys: std::collections::BTreeSet<&String> =
                ours.keys().chain(theirs.keys()).collect();
            for key in keys {
                let (a, b) = (theirs.get(key), ours.get(key));
                if a == b {
                    continue;
                }
                let show =
                    |v: Option<&Json>| v.map_or("not set".to_string(), |v| value(&Some(v.clone())));
                let _ = writeln!(
                    out,
                    "      {}[{}]: {} in the state, {} in iacgen",
                    d.argument,
                    Json::String(key.clone()),
                    show(a),
                    show(b)
                );
            }
            continue;
        }
        let _ = writeln!(
            out,
            "      {}: {} in the state, {} in iacgen",
            d.argument,
            value(&d.state),
            value(&d.iacgen)
        );
    }
}

fn matched_by(by: MatchedBy) -> &'static str {
    match by {
        MatchedBy::Address => "address",
        MatchedBy::Identity => "identity",
        MatchedBy::Reference => "reference",
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Unchanged => "unchanged",
        Action::Drifted => "drifted",
        Action::Replace => "replace",
    }
}

impl PlanReport {
    /// The human-readable report: what Terraform would do, in sections, then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Environment {}: {} resource instances iacgen manages; the state holds {}{}.",
            self.env,
            self.planned.len(),
            self.state_instances,
            if self.adopt {
                " (of another root, to adopt)"
            } else {
                ""
            }
        );
        let moves = self.moves();
        if !moves.is_empty() {
            let _ = writeln!(
                out,
                "\nMoved (same object, new address; --write-moves writes `moved` blocks):"
            );
            for p in &self.planned {
                if let Some(from) = p.moved_from(self.adopt) {
                    let _ = writeln!(out, "  {from} -> {}", p.address);
                }
            }
        }
        if self.adopt {
            let matched: Vec<_> = self.planned.iter().filter(|p| p.state.is_some()).collect();
            if !matched.is_empty() {
                let _ = writeln!(out, "\nTo import (--write-moves writes `import` blocks):");
                for p in matched {
                    let Some(m) = &p.state else { continue };
                    match &m.import_id {
                        Some(Ok(id)) => {
                            let _ = writeln!(out, "  {} <- {} (id {id:?})", p.address, m.address);
                        }
                        Some(Err(e)) => {
                            let _ = writeln!(
                                out,
                                "  {} <- {}: no import ID, the state has no {}",
                                p.address, m.address, e.attribute
                            );
                        }
                        None => {}
                    }
                }
            }
        }
        let kept = self.kept_inline();
        if !kept.is_empty() {
            let _ = writeln!(
                out,
                "\nSecurity group rules that exist inline (kept there, not created; --write-kept-inline writes the override):"
            );
            for (rule, holder, what) in kept {
                let _ = writeln!(out, "  = {rule}: {what} (in {holder})");
            }
        }
        // Routes held inline are imported (listed below), not created.
        let created: Vec<_> = self
            .planned
            .iter()
            .filter(|p| p.action == Action::Create)
            .filter(|p| !self.inline.iter().any(|(a, _)| *a == p.address))
            .collect();
        if !created.is_empty() {
            let _ = writeln!(out, "\nTo create:");
            for p in created {
                let _ = writeln!(out, "  + {}", p.address);
            }
        }
        let drifted: Vec<_> = self
            .planned
            .iter()
            .filter(|p| p.action == Action::Drifted)
            .collect();
        if !drifted.is_empty() {
            let _ = writeln!(out, "\nDrifted (iacgen would change these arguments):");
            for p in drifted {
                let from = match &p.state {
                    Some(m) if m.address != p.address => format!(" (state: {})", m.address),
                    _ => String::new(),
                };
                let _ = writeln!(out, "  ~ {}{from}", p.address);
                if p.tainted {
                    let _ = writeln!(out, "      tainted in the state: Terraform replaces it");
                }
                drift_lines(&mut out, &p.drift);
            }
        }
        if !self.inline.is_empty() {
            let _ = writeln!(
                out,
                "\nHeld inline by a route table already (--write-moves writes `import` blocks, not a second route):"
            );
            for (address, id) in &self.inline {
                let _ = writeln!(out, "  < {address} (import {id:?})");
            }
        }
        if !self.keep.is_empty() {
            let _ = writeln!(
                out,
                "\nTo keep (changing these would replace the object; --write-kept records them in the kept-values file):"
            );
            for k in &self.keep {
                let _ = writeln!(
                    out,
                    "  = {} {}: keep {:?} (iacgen: {})",
                    k.module, k.key, k.value, k.iacgen
                );
            }
        }
        let overwritten = self.overwritten_secrets();
        if !overwritten.is_empty() {
            let _ = writeln!(
                out,
                "\nSecrets whose existing value `generate` would overwrite (the next apply writes a new random value; remove `generate` from the spec to keep the value):"
            );
            for p in overwritten {
                let _ = writeln!(out, "  ! {}", p.address);
            }
        }
        super::replacement::replaced_section(&mut out, self, drift_lines);
        if !self.not_managed.is_empty() {
            let _ = writeln!(
                out,
                "\nIn the state but not managed by iacgen ({}):",
                if self.adopt {
                    "the old root keeps them"
                } else {
                    "Terraform would destroy them; --write-removed writes `removed` blocks to keep them"
                }
            );
            for u in &self.not_managed {
                match &u.id {
                    Some(id) => {
                        let _ = writeln!(out, "  - {} (id {id:?})", u.address);
                    }
                    None => {
                        let _ = writeln!(out, "  - {}", u.address);
                    }
                }
            }
        }
        if !self.not_compared.is_empty() {
            let _ = writeln!(out, "\nNot compared (instances known only after apply):");
            for n in &self.not_compared {
                let _ = writeln!(out, "  ? {}: {}", n.scope, n.reason);
                for a in &n.state_instances {
                    let _ = writeln!(out, "      in the state: {a}");
                }
            }
        }
        let _ = writeln!(out, "\n{}", self.summary().line(self.adopt));
        out
    }

    /// The report as JSON (`--json`): every instance with its action, match and drift.
    pub fn to_json(&self) -> Json {
        let s = self.summary();
        let resources: Vec<Json> = self
            .planned
            .iter()
            .map(|p| {
                let mut entry = json!({
                    "address": p.address.to_string(),
                    "type": p.address.type_,
                    "action": action(p.action),
                });
                if let Some(m) = &p.state {
                    entry["state_address"] = json!(m.address.to_string());
                    entry["matched_by"] = json!(matched_by(m.matched_by));
                    entry["moved"] = json!(p.moved_from(self.adopt).is_some());
                    if let Some(id) = &m.id {
                        entry["id"] = json!(id);
                    }
                    match &m.import_id {
                        Some(Ok(id)) => entry["import_id"] = json!(id),
                        Some(Err(e)) => entry["import_id_missing"] = json!(e.attribute),
                        None => {}
                    }
                }
                // A route its table holds inline: imported, not created (as the text's `<`).
                if let Some((_, id)) = self.inline.iter().find(|(a, _)| *a == p.address) {
                    entry["import_id"] = json!(id);
                    entry["held_inline"] = json!(true);
                }
                if p.tainted {
                    entry["tainted"] = json!(true);
                }
                if p.action == Action::Replace {
                    entry["replaced_by"] = json!(super::replacement::replaced_by(p));
                    if let Some(changes) = super::replacement::rolling_deployment(p) {
                        entry["rolling_deployment"] = json!(changes);
                    }
                }
                if !p.drift.is_empty() {
                    entry["drift"] = Json::Array(
                        p.drift
                            .iter()
                            .map(|d| {
                                let mut entry = json!({
                                    "argument": d.argument,
                                    "iacgen": d.iacgen,
                                    "state": d.state,
                                    "sensitive": d.iacgen.is_none() && d.after_apply_from.is_none(),
                                });
                                if let Some(target) = &d.after_apply_from {
                                    entry["known_after_apply_from"] = json!(target.to_string());
                                }
                                entry
                            })
                            .collect(),
                    );
                }
                entry
            })
            .collect();
        json!({
            "environment": self.env,
            "adopt": self.adopt,
            "overwritten_secrets": self
                .overwritten_secrets()
                .iter()
                .map(|p| p.address.to_string())
                .collect::<Vec<_>>(),
            "changes": self.has_changes(),
            "summary": {
                "create": s.create,
                "unchanged": s.unchanged,
                "drifted": s.drifted,
                "replace": s.replace,
                "moved": s.moved,
                "import": s.import,
                "not_managed": s.not_managed,
                "not_compared": s.not_compared,
                "kept_inline": s.kept_inline,
            },
            "resources": resources,
            "keep": self.keep.iter().map(|k| json!({
                "address": k.address.to_string(),
                "module": k.module,
                "key": k.key.to_string(),
                "value": k.value,
                "iacgen": k.iacgen,
            })).collect::<Vec<_>>(),
            "not_managed": self.not_managed.iter().map(|u| json!({
                "address": u.address.to_string(),
                "type": u.address.type_,
                "id": u.id,
            })).collect::<Vec<_>>(),
            "not_compared": self.not_compared.iter().map(|n| json!({
                "scope": n.scope,
                "reason": n.reason,
                "state_instances": n.state_instances.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "moved": self.moves().iter().map(|(from, to)| json!({
                "from": from.to_string(),
                "to": to.to_string(),
            })).collect::<Vec<_>>(),
            // What the summary's `import` counts: with --adopt every match, otherwise the
            // objects of other states and the routes held inline.
            "import": self.imports().into_iter()
                .chain(if self.adopt { Vec::new() } else { self.inline_imports() })
                .map(|(to, id)| json!({
                    "to": to.to_string(),
                    "id": id,
                })).collect::<Vec<_>>(),
            "removed": self.removed(),
        })
    }
}
