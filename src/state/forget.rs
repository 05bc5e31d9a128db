//! What an old root must forget once the environment imports its objects, in a form Terraform
//! accepts, so that every object ends up managed by exactly one root.
//!
//! A `removed` block is refused while the configuration still declares what it names
//! ("Removed resource still exists"), and deleting a declaration forgets all its instances.
//! So, per state:
//! - a module call all of whose objects are imported: `removed { from = module.NAME }`, and
//!   the module call is deleted;
//! - a resource of the root module all of whose instances are imported: `removed { from =
//!   TYPE.NAME }`, and the resource block is deleted;
//! - anything else imported (some instances of a resource, or part of a module call, whose
//!   other objects stay with the old root): `terraform state rm 'ADDRESS'`, instance by
//!   instance, run in the old root; its configuration is left alone.

use std::collections::{BTreeMap, BTreeSet};

use super::address::Address;
use super::plan::{PlanReport, StateMatch};

/// What the root of one state must forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forget {
    /// Which state (0: the first given).
    pub source: usize,
    /// `removed` blocks: what each one names (`module.eks`, `aws_vpc.main`).
    pub removed: Vec<Removed>,
    /// Instances to forget with `terraform state rm`.
    pub state_rm: Vec<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// `module.NAME` or `TYPE.NAME`.
    pub from: String,
    /// What to delete from the old root's configuration with it.
    pub delete: String,
}

impl Forget {
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.state_rm.is_empty()
    }

    /// The shell commands, one a line: `terraform state rm 'module.x.aws_y.z["a"]'`.
    pub fn commands(&self) -> Vec<String> {
        self.state_rm
            .iter()
            .map(|a| {
                format!(
                    "terraform state rm '{}'",
                    a.to_string().replace('\'', "'\\''")
                )
            })
            .collect()
    }
}

/// For each state whose objects the environment imports (every state after the first, and the
/// first too when adopting), what its root must forget.
pub fn forget(report: &PlanReport, states: usize) -> Vec<Forget> {
    let first = usize::from(!report.adopt);
    (first..states.max(1))
        .map(|source| forget_one(report, source))
        .collect()
}

fn forget_one(report: &PlanReport, source: usize) -> Forget {
    let imported: BTreeSet<&Address> = report
        .planned
        .iter()
        .filter_map(|p| p.state.as_ref())
        .filter(|m| m.source == source && matches!(m.import_id, Some(Ok(_))))
        .map(|m: &StateMatch| &m.address)
        .collect();
    // Everything the state holds, imported or not.
    let mut all: Vec<&Address> = report
        .planned
        .iter()
        .filter_map(|p| p.state.as_ref())
        .filter(|m| m.source == source)
        .map(|m| &m.address)
        .chain(
            report
                .not_managed
                .iter()
                .filter(|u| u.source == source)
                .map(|u| &u.address),
        )
        .collect();
    if source == 0 {
        // Instances not compared are in the first state only when it was the one state given.
        all.extend(report.not_compared.iter().flat_map(|n| &n.state_instances));
    }
    // Group by module call (first step) or, in the root module, by resource.
    let group = |a: &Address| match a.module.0.first() {
        Some(step) => (format!("module.{}", step.name), true),
        None => (format!("{}.{}", a.type_, a.name), false),
    };
    let mut groups: BTreeMap<(String, bool), (usize, Vec<&Address>)> = BTreeMap::new();
    for a in &all {
        let entry = groups.entry(group(a)).or_default();
        entry.0 += 1;
        if imported.contains(a) {
            entry.1.push(a);
        }
    }
    let mut out = Forget {
        source,
        removed: Vec::new(),
        state_rm: Vec::new(),
    };
    for ((from, is_module), (total, taken)) in groups {
        if taken.is_empty() {
            continue;
        }
        if taken.len() == total {
            let delete = if is_module {
                format!("the module call {:?}", from.trim_start_matches("module."))
            } else {
                format!("the resource block {from}")
            };
            out.removed.push(Removed { from, delete });
        } else {
            out.state_rm.extend(taken.into_iter().cloned());
        }
    }
    out.state_rm.sort();
    out
}
