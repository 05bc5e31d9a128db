//! Whether a state belongs to the environment at all: the region and AWS account its objects
//! live in, and how much of what the environment manages it holds.
//!
//! Adopting the wrong file is the costliest mistake `iacgen plan` can help make: `moved` or
//! `import` blocks written from another region's or another platform's state would point the
//! environment at objects it must not touch. These checks run before anything is written.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

use super::plan::PlanReport;
use super::snapshot::{Format, State};

/// Where a state's objects live, and what says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub region: Option<Found>,
    pub account_id: Option<Found>,
}

/// A value found in a state, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub value: String,
    /// `from data.aws_region.current`, or `from 41 of the 41 ARNs that name one`.
    pub evidence: String,
}

/// Why a state is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error(
        "the state is of region {} ({}), but environment {env:?} is in {spec} (the spec's region); \
         use the state of this environment's region",
        found.value, found.evidence
    )]
    Region {
        env: String,
        found: Found,
        spec: String,
    },
    #[error(
        "the state is of AWS account {} ({}), but environment {env:?} is account {spec} \
         (environments.{env}.account_id); use the state of this environment's account",
        found.value, found.evidence
    )]
    Account {
        env: String,
        found: Found,
        spec: String,
    },
    #[error(
        "only {} of the state's {} resource instances and {} of the {} the environment manages \
         match; is this the state of another platform? (--allow-low-match proceeds anyway)",
        .0.state_matched, .0.state_total, .0.spec_matched, .0.spec_total
    )]
    LowMatch(Coverage),
}

/// What the environment expects of a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected<'a> {
    pub env: &'a str,
    pub region: &'a str,
    /// `environments.<env>.account_id`; without it the account is not checked.
    pub account_id: Option<&'a str>,
}

/// Reads the region and account of a state: from `aws_region` / `aws_caller_identity` data
/// sources when the state recorded them, otherwise from the ARNs of its objects (the most
/// frequent region and account; global services such as IAM have no region in theirs, and
/// AWS-managed policies have `aws` for an account).
pub fn origin(state: &State) -> Origin {
    let state = existing(state);
    let mut origin = Origin::default();
    for d in state.data_sources() {
        let attr = |name: &str| d.attribute(name).and_then(Json::as_str).map(str::to_string);
        let found = |value: String| Found {
            value,
            evidence: format!("from {}", d.address),
        };
        match d.address.type_.as_str() {
            "aws_region" if origin.region.is_none() => {
                origin.region = attr("region").or_else(|| attr("name")).map(found);
            }
            "aws_caller_identity" if origin.account_id.is_none() => {
                origin.account_id = attr("account_id").map(found);
            }
            _ => {}
        }
    }
    let mut regions: BTreeMap<String, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<String, usize> = BTreeMap::new();
    for r in state.managed() {
        let Some(Json::String(arn)) = r.attribute("arn") else {
            continue;
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            continue;
        }
        if !parts[3].is_empty() {
            *regions.entry(parts[3].to_string()).or_default() += 1;
        }
        if parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit()) {
            *accounts.entry(parts[4].to_string()).or_default() += 1;
        }
    }
    let vote = |votes: &BTreeMap<String, usize>| {
        let total: usize = votes.values().sum();
        let (value, n) = votes.iter().max_by_key(|(_, n)| **n)?;
        Some(Found {
            value: value.clone(),
            evidence: format!("from {n} of the {total} ARNs that name one"),
        })
    };
    origin.region = origin.region.or_else(|| vote(&regions));
    origin.account_id = origin.account_id.or_else(|| vote(&accounts));
    origin
}

/// Refuses a state whose region or account is known and differs from the environment's.
pub fn check_origin(state: &State, expected: &Expected) -> Result<(), OriginError> {
    let origin = origin(state);
    if let Some(found) = origin.region
        && found.value != expected.region
    {
        return Err(OriginError::Region {
            env: expected.env.to_string(),
            found,
            spec: expected.region.to_string(),
        });
    }
    if let (Some(found), Some(spec)) = (origin.account_id, expected.account_id)
        && found.value != spec
    {
        return Err(OriginError::Account {
            env: expected.env.to_string(),
            found,
            spec: spec.to_string(),
        });
    }
    Ok(())
}

/// How much of a state and of the environment a plan matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// State instances matched to an instance iacgen manages (or that an instance iacgen
    /// knows only after apply may be).
    pub state_matched: usize,
    pub state_total: usize,
    /// Instances iacgen manages that were found in the state.
    pub spec_matched: usize,
    pub spec_total: usize,
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} resources match",
            self.spec_matched, self.spec_total
        )
    }
}

/// Below this share of both sides matched, a state is probably not the environment's.
const LOW_MATCH_PERCENT: usize = 20;

pub fn coverage(report: &PlanReport) -> Coverage {
    let spec_matched = report.planned.iter().filter(|p| p.state.is_some()).count();
    let not_compared: usize = report
        .not_compared
        .iter()
        .map(|n| n.state_instances.len())
        .sum();
    Coverage {
        state_matched: spec_matched + not_compared,
        state_total: report.state_instances,
        spec_matched,
        spec_total: report.planned.len(),
    }
}

/// Refuses a plan in which the state holds objects but so few of them are the environment's,
/// and so little of the environment is in it, that the file is probably another platform's.
/// A state may hold much besides the environment (a large hand-written root), or only part of
/// it (one component of a platform split over several states): either share alone is enough.
/// An empty state is a new environment, not a wrong file.
pub fn check_coverage(report: &PlanReport) -> Result<(), OriginError> {
    let c = coverage(report);
    let low = |matched: usize, total: usize| matched * 100 < total * LOW_MATCH_PERCENT;
    if c.state_total > 0 && low(c.state_matched, c.state_total) && low(c.spec_matched, c.spec_total)
    {
        return Err(OriginError::LowMatch(c));
    }
    Ok(())
}

/// The state a plan compares with: for a saved plan, the state it was made from.
fn existing(state: &State) -> &State {
    match (&state.format, &state.plan) {
        (Format::ShowJsonPlan { .. }, Some(plan)) => plan.prior_state.as_ref().unwrap_or(state),
        _ => state,
    }
}
