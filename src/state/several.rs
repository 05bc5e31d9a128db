//! A platform split over several states (Terragrunt keeps one per component: vpc, eks,
//! services) adopted into one environment root.
//!
//! The states are matched as one: their instances are put side by side. An address already
//! taken by an earlier state is put under a module step of its own (`module.iacgen-state-2`,
//! which iacgen never generates), so that addresses from different states never collide. After
//! matching, each match and each unmatched instance gets its original address back and the
//! number of the state it came from.

use std::collections::BTreeMap;

use super::address::{Address, ModulePath, ModuleStep};
use super::import_id::import_id;
use super::plan::{PlanError, PlanOptions, PlanReport, plan};
use super::snapshot::{Format, State};
use crate::tree::Tree;

const PREFIX: &str = "iacgen-state-";

/// Matches environment `env` of `tree` against several states at once. The first state is the
/// environment's own (unless `options.adopt`); what is found in the others is imported.
pub fn plan_states(
    tree: &Tree,
    env: &str,
    states: &[State],
    options: PlanOptions,
) -> Result<PlanReport, PlanError> {
    let mut merged = State::new(Format::StateV4);
    // Merged address → (state, original address).
    let mut origin: BTreeMap<Address, (usize, Address)> = BTreeMap::new();
    for (k, state) in states.iter().enumerate() {
        for r in existing(state).into_iter().flat_map(|s| &s.resources) {
            let mut r = r.clone();
            let original = r.address.clone();
            if origin.contains_key(&r.address) {
                r.address.module = prefixed(k, &r.address.module);
            }
            origin.insert(r.address.clone(), (k, original));
            merged.resources.push(r);
        }
    }
    let restore = |a: &Address| origin.get(a).cloned().unwrap_or((0, a.clone()));
    let mut report = plan(tree, env, &merged, options)?;
    for p in &mut report.planned {
        let Some(m) = &mut p.state else { continue };
        let (source, original) = restore(&m.address);
        if source > 0 && m.import_id.is_none() {
            m.import_id = merged
                .instance(&m.address)
                .map(|recorded| import_id(&p.address.type_, recorded));
        }
        m.source = source;
        m.address = original;
    }
    for u in &mut report.not_managed {
        let (source, original) = restore(&u.address);
        u.source = source;
        u.address = original;
    }
    for n in &mut report.not_compared {
        for a in &mut n.state_instances {
            *a = restore(a).1;
        }
    }
    Ok(report)
}

fn prefixed(k: usize, module: &ModulePath) -> ModulePath {
    let mut steps = vec![ModuleStep {
        name: format!("{PREFIX}{}", k + 1),
        index: None,
    }];
    steps.extend(module.0.iter().cloned());
    ModulePath(steps)
}

/// The state a plan compares with: for a saved plan, the state it was made from (none for a
/// plan made without one).
fn existing(state: &State) -> Option<&State> {
    match (&state.format, &state.plan) {
        (Format::ShowJsonPlan { .. }, Some(plan)) => plan.prior_state.as_ref(),
        (Format::ShowJsonPlan { .. }, None) => None,
        _ => Some(state),
    }
}
