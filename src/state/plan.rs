//! `iacgen plan`: the resource instances an environment would manage, matched against a state by
//! address, then by identity (and through references from instances already matched), and
//! what Terraform would broadly do with each: create, keep, update in place (drift), move.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::address::{Address, Mode};
use super::config::Config;
use super::drift::{Drift, drift, equivalent};
use super::identity::{identity, lookup, parse_path, same_identity};
use super::import_id::{MissingAttribute, import_id};
use super::instance::ResourceInstance;
use super::inventory::{Facts, Inventory, ManagedInstance, Unexpanded, evaluate};
use super::snapshot::{Format, State};
use crate::tree::Tree;

/// Rounds of matching; each can resolve references from the instances the previous one matched.
const MAX_ROUNDS: usize = 32;

/// How `plan` reads the state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// The state belongs to another root that the environment replaces: matched instances are
    /// imported into the environment and forgotten by the old root, instead of moved.
    pub adopt: bool,
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the spec has no environment {env:?} (environments: {})", known.join(", "))]
    UnknownEnvironment { env: String, known: Vec<String> },
    #[error("{path} does not parse: {message}")]
    Parse { path: String, message: String },
}

/// What Terraform would do with one instance iacgen manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not in the state: created.
    Create,
    /// In the state with every known argument as iacgen sets it.
    Unchanged,
    /// In the state, with arguments iacgen would change in place.
    Drifted,
    /// In the state, but Terraform would replace it: a force-new argument drifted (see
    /// [`force_new`](super::force_new)), or the object is tainted.
    Replace,
}

/// How an instance was found in the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// Same address.
    Address,
    /// Same type and identifying arguments (CIDR, name, ...), another address.
    Identity,
    /// Named by an attribute of an instance matched before (a NAT gateway's `allocation_id`
    /// names its Elastic IP).
    Reference,
}

/// The state instance an iacgen instance corresponds to.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMatch {
    pub address: Address,
    pub matched_by: MatchedBy,
    /// The remote object's `id` attribute.
    pub id: Option<String>,
    /// With [`PlanOptions::adopt`], or from a state other than the first: the ID to import
    /// it with.
    pub import_id: Option<Result<String, MissingAttribute>>,
    /// Which of the states it is in (0: the first, the environment's own unless adopting).
    pub source: usize,
}

/// One instance iacgen would manage, and what happens to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub address: Address,
    pub action: Action,
    pub state: Option<StateMatch>,
    pub drift: Vec<Drift>,
    pub tainted: bool,
}

impl Planned {
    /// Found in the state under another address (and the state is this environment's own).
    pub fn moved_from(&self, adopt: bool) -> Option<&Address> {
        self.state
            .as_ref()
            .filter(|m| !adopt && m.source == 0 && m.address != self.address)
            .map(|m| &m.address)
    }
}

/// A state instance iacgen does not manage.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmatched {
    pub address: Address,
    pub id: Option<String>,
    /// Which of the states it is in (0: the first).
    pub source: usize,
}

/// Resources or module calls whose instances are known only after apply, and the state
/// instances that may be theirs (not compared).
#[derive(Debug, Clone, PartialEq)]
pub struct NotCompared {
    pub scope: String,
    pub reason: String,
    pub state_instances: Vec<Address>,
}

/// The outcome of `iacgen plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReport {
    pub env: String,
    pub adopt: bool,
    /// Every instance iacgen would manage, by address.
    pub planned: Vec<Planned>,
    /// Managed instances in the state that iacgen does not manage.
    pub not_managed: Vec<Unmatched>,
    pub not_compared: Vec<NotCompared>,
    /// Managed resource instances in the state.
    pub state_instances: usize,
}

/// Counts per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub create: usize,
    pub unchanged: usize,
    pub drifted: usize,
    pub replace: usize,
    pub moved: usize,
    pub import: usize,
    pub not_managed: usize,
    pub not_compared: usize,
}

impl PlanReport {
    pub fn summary(&self) -> Summary {
        let count = |action| self.planned.iter().filter(|p| p.action == action).count();
        Summary {
            create: count(Action::Create),
            unchanged: count(Action::Unchanged),
            drifted: count(Action::Drifted),
            replace: count(Action::Replace),
            moved: self.moves().len(),
            import: self.imports().len(),
            not_managed: self.not_managed.len(),
            not_compared: self.not_compared.len(),
        }
    }

    /// Whether Terraform would change anything: the plan's exit code is 2 when it would.
    pub fn has_changes(&self) -> bool {
        let s = self.summary();
        s.create + s.drifted + s.replace + s.moved + s.import + s.not_managed > 0
    }

    /// `(from, to)` of every instance whose address changes within the state.
    pub fn moves(&self) -> Vec<(&Address, &Address)> {
        self.planned
            .iter()
            .filter_map(|p| p.moved_from(self.adopt).map(|from| (from, &p.address)))
            .collect()
    }

    /// With `adopt`: `(to, import ID)` of every matched instance whose ID is known.
    pub fn imports(&self) -> Vec<(&Address, &str)> {
        self.planned
            .iter()
            .filter_map(|p| match &p.state {
                Some(StateMatch {
                    import_id: Some(Ok(id)),
                    ..
                }) => Some((&p.address, id.as_str())),
                _ => None,
            })
            .collect()
    }

    /// Resource addresses (no instance keys) for `removed` blocks, so that a root forgets
    /// resources without destroying them. With `adopt`: the old root's resources that the
    /// environment imports. Otherwise: the resources of this state that iacgen does not manage,
    /// where no resource of the same address remains in the configuration.
    pub fn removed(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        if self.adopt {
            for p in &self.planned {
                if let Some(m) = &p.state
                    && matches!(m.import_id, Some(Ok(_)))
                {
                    out.insert(config_address(&m.address));
                }
            }
        } else {
            let declared: BTreeSet<String> = self
                .planned
                .iter()
                .map(|p| config_address(&p.address))
                .collect();
            for u in self.not_managed.iter().filter(|u| u.source == 0) {
                let resource = config_address(&u.address);
                if !declared.contains(&resource) {
                    out.insert(resource);
                }
            }
        }
        out.into_iter().collect()
    }
}

/// `module.a["x"].aws_b.c[0]` → `module.a.aws_b.c`: the form `removed` blocks take.
fn config_address(address: &Address) -> String {
    let mut s = String::new();
    for step in &address.module.0 {
        s.push_str("module.");
        s.push_str(&step.name);
        s.push('.');
    }
    s.push_str(&address.type_);
    s.push('.');
    s.push_str(&address.name);
    s
}

/// Lists what the generated environment `env` would manage, without a state.
pub fn inventory(tree: &Tree, env: &str) -> Result<Inventory, PlanError> {
    Ok(evaluate(&Config::load(tree, env)?, &Facts::default()))
}

/// Matches environment `env` of the generated `tree` against `state`.
pub fn plan(
    tree: &Tree,
    env: &str,
    state: &State,
    options: PlanOptions,
) -> Result<PlanReport, PlanError> {
    let config = Config::load(tree, env)?;
    let empty = State::new(Format::StateV4);
    let state = existing(state, &empty);
    let instances: Vec<&ResourceInstance> = state.managed().collect();
    let mut matcher = Matcher {
        state: &instances,
        matches: BTreeMap::new(),
        taken: vec![false; instances.len()],
    };
    let mut facts = globals(state);
    let mut inventory = evaluate(&config, &facts);
    matcher.by_address(&inventory, options.adopt);
    for _ in 0..MAX_ROUNDS {
        facts.known = matcher.known();
        inventory = evaluate(&config, &facts);
        matcher.forget_missing(&inventory);
        let found = matcher.by_reference(&inventory) + matcher.by_identity(&inventory);
        if found == 0 {
            break;
        }
    }
    let mut report = report(env, options, &inventory, &matcher);
    super::deferred::propagate(&mut report.planned, &config, &inventory, matcher.state);
    Ok(report)
}

/// The state a plan compares with: for a saved plan, the state it was made from.
fn existing<'a>(state: &'a State, empty: &'a State) -> &'a State {
    match (&state.format, &state.plan) {
        (Format::ShowJsonPlan { .. }, Some(plan)) => plan.prior_state.as_ref().unwrap_or(empty),
        (Format::ShowJsonPlan { .. }, None) => empty,
        _ => state,
    }
}

/// Region, account and partition, from data sources recorded in the state or, failing that,
/// from the ARNs it holds: what `data.aws_region` and friends would answer.
fn globals(state: &State) -> Facts {
    let mut facts = Facts::default();
    for d in state.data_sources() {
        let attr = |name: &str| d.attribute(name).and_then(Json::as_str).map(str::to_string);
        match d.address.type_.as_str() {
            "aws_region" => facts.region = facts.region.take().or(attr("name")).or(attr("region")),
            "aws_caller_identity" => {
                facts.account_id = facts.account_id.take().or(attr("account_id"))
            }
            "aws_partition" => facts.partition = facts.partition.take().or(attr("partition")),
            _ => {}
        }
    }
    let mut votes: [BTreeMap<String, usize>; 3] = Default::default();
    for r in state.managed() {
        if let Some(Json::String(arn)) = r.attribute("arn") {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            if parts.len() == 6 && parts[0] == "arn" {
                for (i, value) in [parts[1], parts[3], parts[4]].into_iter().enumerate() {
                    if !value.is_empty() {
                        *votes[i].entry(value.to_string()).or_default() += 1;
                    }
                }
            }
        }
    }
    let winner = |v: &BTreeMap<String, usize>| {
        v.iter()
            .max_by_key(|(_, n)| **n)
            .map(|(value, _)| value.clone())
    };
    facts.partition = facts.partition.or_else(|| winner(&votes[0]));
    facts.region = facts.region.or_else(|| winner(&votes[1]));
    facts.account_id = facts.account_id.or_else(|| winner(&votes[2]));
    facts
}

struct Matcher<'a> {
    state: &'a [&'a ResourceInstance],
    /// Configuration address → index into `state`.
    matches: BTreeMap<Address, (usize, MatchedBy)>,
    taken: Vec<bool>,
}

impl Matcher<'_> {
    fn known(&self) -> BTreeMap<Address, hcl::Value> {
        self.matches
            .iter()
            .filter_map(|(addr, (i, _))| {
                hcl::to_value(self.state[*i].attributes())
                    .ok()
                    .map(|v| (addr.clone(), v))
            })
            .collect()
    }

    fn accept(&mut self, address: &Address, index: usize, by: MatchedBy) -> bool {
        if self.taken[index] || self.matches.contains_key(address) {
            return false;
        }
        self.taken[index] = true;
        self.matches.insert(address.clone(), (index, by));
        true
    }

    fn forget_missing(&mut self, inventory: &Inventory) {
        let present: BTreeSet<&Address> = inventory.instances.iter().map(|i| &i.address).collect();
        let gone: Vec<Address> = self
            .matches
            .keys()
            .filter(|a| !present.contains(a))
            .cloned()
            .collect();
        for address in gone {
            if let Some((i, _)) = self.matches.remove(&address) {
                self.taken[i] = false;
            }
        }
    }

    /// Same address. In the environment's own state that is the same resource whatever it
    /// holds (Terraform updates or replaces it); another root's object at the same address is
    /// only the same if what names it agrees.
    fn by_address(&mut self, inventory: &Inventory, adopt: bool) -> usize {
        let mut found = 0;
        for inst in &inventory.instances {
            if let Some(i) = self.state.iter().position(|s| s.address == inst.address)
                && !(adopt && contradicts(inst, self.state[i]))
            {
                found += usize::from(self.accept(&inst.address, i, MatchedBy::Address));
            }
        }
        found
    }

    fn free_of_type<'s>(&'s self, type_: &'s str) -> impl Iterator<Item = usize> + 's {
        (0..self.state.len()).filter(move |i| {
            !self.taken[*i]
                && self.state[*i].address.mode == Mode::Managed
                && self.state[*i].address.type_ == type_
        })
    }

    /// Proposals `(configuration address, state index)` are accepted when neither side is
    /// proposed twice. Except by reference: when several instances refer to one object (the
    /// old layout shared a route table that iacgen has per AZ), the first by address keeps it
    /// and the others are created, rather than the object being destroyed.
    fn accept_unique(&mut self, proposals: Vec<(Address, usize)>, by: MatchedBy) -> usize {
        let mut per_state: BTreeMap<usize, usize> = BTreeMap::new();
        let mut per_config: BTreeMap<&Address, BTreeSet<usize>> = BTreeMap::new();
        for (a, i) in &proposals {
            per_config.entry(a).or_default().insert(*i);
        }
        for set in per_config.values() {
            for i in set {
                *per_state.entry(*i).or_default() += 1;
            }
        }
        let accepted: Vec<(Address, usize)> = per_config
            .iter()
            .filter(|(_, set)| set.len() == 1)
            .filter_map(|(a, set)| set.iter().next().map(|i| ((*a).clone(), *i)))
            .filter(|(_, i)| by == MatchedBy::Reference || per_state.get(i) == Some(&1))
            .collect();
        accepted
            .into_iter()
            .filter(|(a, i)| self.accept(a, *i, by))
            .count()
    }

    /// A matched instance's argument refers to another instance's attribute; the state value of
    /// that argument names the other instance's state object.
    fn by_reference(&mut self, inventory: &Inventory) -> usize {
        let by_address: BTreeMap<&Address, &ManagedInstance> = inventory
            .instances
            .iter()
            .map(|i| (&i.address, i))
            .collect();
        let mut proposals = Vec::new();
        for (address, (index, _)) in &self.matches {
            let Some(inst) = by_address.get(address) else {
                continue;
            };
            for r in &inst.references {
                if self.matches.contains_key(&r.target) || !by_address.contains_key(&r.target) {
                    continue;
                }
                let Some(Json::String(value)) = self.state[*index].attribute(&r.argument) else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                let target = by_address[&r.target];
                let candidates: Vec<usize> = self
                    .free_of_type(&r.target.type_)
                    .filter(|i| {
                        self.state[*i]
                            .attribute(&r.attribute)
                            .and_then(Json::as_str)
                            == Some(value.as_str())
                            && !contradicts(target, self.state[*i])
                    })
                    .collect();
                if let [one] = candidates.as_slice() {
                    proposals.push((r.target.clone(), *one));
                }
            }
        }
        self.accept_unique(proposals, MatchedBy::Reference)
    }

    /// Same type and identifying arguments; ties go to the candidate that agrees on the most
    /// other arguments.
    fn by_identity(&mut self, inventory: &Inventory) -> usize {
        let mut proposals = Vec::new();
        for inst in &inventory.instances {
            if self.matches.contains_key(&inst.address) {
                continue;
            }
            let config = Json::Object(inst.arguments.clone());
            // Required paths must be known; optional ones count when they are.
            let mut wanted: Vec<(&str, &Json)> = Vec::new();
            let mut complete = true;
            for path in identity(&inst.address.type_) {
                match (
                    path.strip_prefix('?'),
                    lookup(&config, path.trim_start_matches('?')),
                ) {
                    (_, Some(value)) => wanted.push((path.trim_start_matches('?'), value)),
                    (Some(_), None) => {}
                    (None, None) => complete = false,
                }
            }
            if !complete || wanted.is_empty() {
                continue;
            }
            let candidates: Vec<usize> = self
                .free_of_type(&inst.address.type_)
                .filter(|i| {
                    let attrs = self.state[*i].attributes();
                    wanted.iter().all(|(p, v)| {
                        lookup(attrs, p).is_some_and(|recorded| same_identity(v, recorded))
                    })
                })
                .collect();
            let best = match candidates.as_slice() {
                [] => continue,
                [one] => *one,
                many => {
                    let score = |i: &usize| {
                        inst.arguments
                            .iter()
                            .filter(|(k, v)| {
                                self.state[*i]
                                    .attribute(k)
                                    .is_some_and(|r| equivalent(v, r))
                            })
                            .count()
                    };
                    let top = many.iter().map(score).max().unwrap_or(0);
                    let tops: Vec<usize> =
                        many.iter().copied().filter(|i| score(i) == top).collect();
                    match tops.as_slice() {
                        [one] => *one,
                        _ => continue,
                    }
                }
            };
            proposals.push((inst.address.clone(), best));
        }
        self.accept_unique(proposals, MatchedBy::Identity)
    }
}

/// Whether an identifying argument iacgen knows differs from the state: then the two cannot be
/// the same object (a cluster named `payments-dev` is not the state's `python-apm-demo`).
fn contradicts(config: &ManagedInstance, state: &ResourceInstance) -> bool {
    let known = Json::Object(config.arguments.clone());
    identity(&config.address.type_).iter().any(|path| {
        let (path, strict) = parse_path(path);
        match (lookup(&known, path), lookup(state.attributes(), path)) {
            (Some(ours), Some(theirs)) => strict && !same_identity(ours, theirs),
            _ => false,
        }
    })
}

fn report(env: &str, options: PlanOptions, inventory: &Inventory, matcher: &Matcher) -> PlanReport {
    let created: BTreeSet<&Address> = inventory
        .instances
        .iter()
        .map(|i| &i.address)
        .filter(|a| !matcher.matches.contains_key(*a))
        .collect();
    let mut planned = Vec::new();
    for inst in &inventory.instances {
        let Some((index, by)) = matcher.matches.get(&inst.address) else {
            planned.push(Planned {
                address: inst.address.clone(),
                action: Action::Create,
                state: None,
                drift: Vec::new(),
                tainted: false,
            });
            continue;
        };
        let recorded = matcher.state[*index];
        let mut drift = drift(inst, recorded);
        // An argument that refers to an instance still to be created changes, to a value known
        // only after apply.
        for r in &inst.references {
            let value = recorded.attribute(&r.argument);
            if created.contains(&r.target)
                && value.is_some_and(|v| !(v.is_null() || v.as_str() == Some("")))
                && !inst.ignore_changes.ignores(&r.argument)
                && !drift.iter().any(|d| d.argument == r.argument)
            {
                drift.push(Drift {
                    argument: r.argument.clone(),
                    iacgen: None,
                    state: value.cloned(),
                    after_apply_from: Some(r.target.clone()),
                });
            }
        }
        let action = super::force_new::action(&inst.address.type_, &drift, recorded.tainted);
        planned.push(Planned {
            address: inst.address.clone(),
            action,
            state: Some(StateMatch {
                address: recorded.address.clone(),
                matched_by: *by,
                id: recorded.id().map(str::to_string),
                import_id: options
                    .adopt
                    .then(|| import_id(&inst.address.type_, recorded)),
                source: 0,
            }),
            drift,
            tainted: recorded.tainted,
        });
    }
    let mut not_managed = Vec::new();
    let mut not_compared: Vec<NotCompared> = inventory
        .unexpanded
        .iter()
        .map(|u| NotCompared {
            scope: u.scope(),
            reason: u.reason().to_string(),
            state_instances: Vec::new(),
        })
        .collect();
    for (i, s) in matcher.state.iter().enumerate() {
        if matcher.taken[i] {
            continue;
        }
        match inventory
            .unexpanded
            .iter()
            .position(|u: &Unexpanded| u.covers(&s.address))
        {
            Some(u) => not_compared[u].state_instances.push(s.address.clone()),
            None => not_managed.push(Unmatched {
                address: s.address.clone(),
                id: s.id().map(str::to_string),
                source: 0,
            }),
        }
    }
    not_managed.sort_by(|a, b| a.address.cmp(&b.address));
    PlanReport {
        env: env.to_string(),
        adopt: options.adopt,
        planned,
        not_managed,
        not_compared,
        state_instances: matcher.state.len(),
    }
}
