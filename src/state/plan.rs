//! `iacgen plan`: the resource instances an environment would manage, matched against a state by
//! address, then by identity (and through references from instances already matched), and
//! what Terraform would broadly do with each: create, keep, update in place (drift), move.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::address::{Address, Mode};
use super::config::Config;
use super::drift::{Drift, drift, equivalent};
use super::identity::{
    force_new, identity, kept_when_matched, lookup, parse_path, relation, same_identity, same_stem,
};
use super::import_id::{MissingAttribute, import_id};
use super::instance::ResourceInstance;
use super::inventory::{Facts, Inventory, ManagedInstance, Unexpanded, evaluate};
use super::relations;
use super::snapshot::{Format, State};
use crate::model::kept::{KEPT_LIST_SEPARATOR, KEPT_LISTS, Kept, KeptKey, kept_instead_of};
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
    /// Not in the state as a resource of its own, but held inline by an object iacgen adopts.
    pub inline: Option<Inline>,
}

/// An object iacgen writes as a resource of its own that the state holds inside another: a
/// route table's inline `route`, a security group's inline `ingress` / `egress` rule. Creating
/// it again would fail (the route or rule exists), so it is imported or kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Has no ID of its own in the state (an inline security group rule), so it cannot be
    /// imported: it stays inline in `holder`, and iacgen does not create it.
    Kept { holder: Address, rule: String },
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

/// An argument of a matched object that iacgen would change although the change replaces the
/// object (or rewrites a secret): the value to keep, as `iacgen plan --write-kept` records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Keep {
    pub address: Address,
    /// The module call (first module step of the address).
    pub module: String,
    pub key: KeptKey,
    /// The state's value, which the generated code must keep.
    pub value: String,
    /// What iacgen would set instead.
    pub iacgen: Json,
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
    /// Values of matched objects to keep, lest Terraform replace them.
    pub keep: Vec<Keep>,
    /// Instances iacgen would create that exist already inside another object of the state
    /// (a route held inline by its route table's `route`): `(address, import ID)`, imported
    /// rather than created a second time.
    pub inline: Vec<(Address, String)>,
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
    /// Security group rules that exist inline in an adopted security group: not created.
    pub kept_inline: usize,
}

impl PlanReport {
    pub fn summary(&self) -> Summary {
        // Routes and rules held inline elsewhere are imported or kept, counted on their own.
        let count = |action| {
            self.planned
                .iter()
                .filter(|p| p.action == action && p.inline.is_none())
                .filter(|p| !self.inline.iter().any(|(a, _)| *a == p.address))
                .count()
        };
        Summary {
            create: count(Action::Create),
            unchanged: count(Action::Unchanged),
            drifted: count(Action::Drifted),
            replace: count(Action::Replace),
            moved: self.moves().len(),
            // With --adopt every match is imported; otherwise the imports are of objects from the
            // other states of a platform split over several, and of routes held inline.
            import: if self.adopt {
                self.imports().len()
            } else {
                self.imports().len() + self.inline_imports().len()
            },
            not_managed: self.not_managed.len(),
            not_compared: self.not_compared.len(),
            kept_inline: self.kept_inline().len(),
        }
    }

    /// Secret versions that iacgen generates (`generate` in the spec) matched to a version in
    /// the state whose value iacgen did not write (no write-only version): applying writes a
    /// newly generated value over the one in use, which a user adopting a running platform
    /// rarely wants and must be told.
    pub fn overwritten_secrets(&self) -> Vec<&Planned> {
        self.planned
            .iter()
            .filter(|p| p.address.type_ == "aws_secretsmanager_secret_version")
            .filter(|p| p.state.is_some())
            .filter(|p| {
                p.drift.iter().any(|d| {
                    d.argument == "secret_string_wo_version"
                        && d.state == Some(Json::Null)
                        && d.iacgen.as_ref().is_some_and(|v| !v.is_null())
                })
            })
            .collect()
    }

    /// Whether Terraform would change anything: the plan's exit code is 2 when it would.
    pub fn has_changes(&self) -> bool {
        let s = self.summary();
        s.create + s.drifted + s.replace + s.moved + s.import + s.not_managed + s.kept_inline > 0
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

    /// Routes held inline by a route table of the state, imported as resources of their own
    /// (also without --adopt): `(to, import ID)`.
    pub fn inline_imports(&self) -> Vec<(&Address, &str)> {
        self.inline.iter().map(|(a, id)| (a, id.as_str())).collect()
    }

    /// Security group rules that exist inline in a security group of the state: iacgen keeps
    /// them there instead of creating them. `(rule instance, holder, the rule)`.
    pub fn kept_inline(&self) -> Vec<(&Address, &Address, &str)> {
        self.planned
            .iter()
            .filter_map(|p| match &p.inline {
                Some(Inline::Kept { holder, rule }) => Some((&p.address, holder, rule.as_str())),
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
        // Identity first: what it matches (a NAT route by where it leads) then speaks
        // through its references in the same round; then what AWS relates (an ECS service's
        // task definition, roles, load balancer).
        let mut found = matcher.by_identity(&inventory)
            + matcher.by_reference(&inventory, false)
            + matcher.by_relationship(&inventory);
        if found == 0 {
            // The weakest evidence last: references Terraform would simply update (which
            // route table a subnet uses) once nothing stronger finds anything.
            found = matcher.by_reference(&inventory, true);
        }
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
        // By reference, several objects may point one instance at different state objects
        // (two node groups, each with its own role, where iacgen has one node role): the
        // first referrer, in address order, wins; the others keep theirs as kept values.
        let accepted: Vec<(Address, usize)> = if by == MatchedBy::Reference {
            let mut seen = BTreeSet::new();
            proposals
                .iter()
                .filter(|(a, _)| seen.insert(a.clone()))
                .cloned()
                .collect()
        } else {
            per_config
                .iter()
                .filter(|(_, set)| set.len() == 1)
                .filter_map(|(a, set)| set.iter().next().map(|i| ((*a).clone(), *i)))
                .filter(|(_, i)| per_state.get(i) == Some(&1))
                .collect()
        };
        accepted
            .into_iter()
            .filter(|(a, i)| self.accept(a, *i, by))
            .count()
    }

    /// A matched instance's argument refers to another instance's attribute; the state value of
    /// that argument names the other instance's state object (a cluster's `role_arn` names its
    /// role, its `encryption_config` its key). And the reverse: an unmatched instance refers to
    /// a matched one, and exactly one free state object of its type refers to that object (a
    /// KMS alias to its key, a secret version to its secret). Names iacgen would derive
    /// differently do not count against such a match: they are kept (see `force_new`).
    fn by_reference(&mut self, inventory: &Inventory, weak: bool) -> usize {
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
                let values = referred(self.state[*index].attributes(), &r.argument);
                let [value] = values.as_slice() else {
                    continue;
                };
                let target = by_address[&r.target];
                let candidates: Vec<usize> = self
                    .free_of_type(&r.target.type_)
                    .filter(|i| {
                        lookup(self.state[*i].attributes(), &r.attribute).and_then(Json::as_str)
                            == Some(value.as_str())
                            && !contradicts_beyond_kept(target, self.state[*i])
                    })
                    .collect();
                if let [one] = candidates.as_slice() {
                    // A referrer that Terraform would replace for another target (a route's
                    // table) decides before one it would update (an association's table).
                    let decides = super::force_new::is_force_new(&address.type_, &r.argument);
                    if decides || weak {
                        proposals.push((!decides, r.target.clone(), *one));
                    }
                }
            }
        }
        proposals.sort_by_key(|(later, _, _)| *later);
        let mut proposals: Vec<(Address, usize)> =
            proposals.into_iter().map(|(_, a, i)| (a, i)).collect();
        // How many instances of a type refer to one target through one argument: a VPC's
        // many route tables say nothing about which is which; a key's one alias does.
        let mut referrers: BTreeMap<(&str, &str, &Address), usize> = BTreeMap::new();
        for inst in &inventory.instances {
            for r in &inst.references {
                *referrers
                    .entry((inst.address.type_.as_str(), r.argument.as_str(), &r.target))
                    .or_default() += 1;
            }
        }
        for inst in &inventory.instances {
            if self.matches.contains_key(&inst.address) {
                continue;
            }
            for r in &inst.references {
                let Some((target, _)) = self.matches.get(&r.target) else {
                    continue;
                };
                if referrers.get(&(inst.address.type_.as_str(), r.argument.as_str(), &r.target))
                    != Some(&1)
                {
                    continue;
                }
                let Some(value) =
                    lookup(self.state[*target].attributes(), &r.attribute).and_then(Json::as_str)
                else {
                    continue;
                };
                let candidates: Vec<usize> = self
                    .free_of_type(&inst.address.type_)
                    .filter(|i| {
                        referred(self.state[*i].attributes(), &r.argument)
                            .iter()
                            .any(|v| v == value)
                            && !contradicts_beyond_kept(inst, self.state[*i])
                    })
                    .collect();
                if let [one] = candidates.as_slice() {
                    proposals.push((inst.address.clone(), *one));
                }
            }
        }
        self.accept_unique(proposals, MatchedBy::Reference)
    }

    /// Related to an instance matched before, the way AWS relates them (a service's task
    /// definition, a listener's load balancer, ...): see [`relations`]. Names do not count,
    /// so what the state calls a cluster `shop` is still the cluster iacgen calls `shop-prod`.
    fn by_relationship(&mut self, inventory: &Inventory) -> usize {
        let matches: BTreeMap<Address, usize> = self
            .matches
            .iter()
            .map(|(a, (i, _))| (a.clone(), *i))
            .collect();
        let proposals = relations::proposals(inventory, self.state, &matches, &self.taken);
        self.accept_unique(proposals, MatchedBy::Reference)
    }

    /// Candidates named by what an object is rather than what it is called: the [`relation`]
    /// arguments (a node group's cluster, capacity and instance types), or a name iacgen
    /// derives that is the stem of the state's `name_prefix` (`orders-staging/api_key` and
    /// `orders-staging/api-key-20250314...`).
    fn by_relation(&self, inst: &ManagedInstance, config: &Json) -> Vec<usize> {
        let type_ = &inst.address.type_;
        let paths = relation(type_);
        if !paths.is_empty() {
            // Required paths must be known; optional (`?`) ones count when they are, and one
            // at least must be.
            let mut wanted = Vec::new();
            for path in paths {
                match (
                    path.strip_prefix('?'),
                    lookup(config, path.trim_start_matches('?')),
                ) {
                    (_, Some(v)) => wanted.push((path.trim_start_matches('?'), v)),
                    (Some(_), None) => {}
                    (None, None) => return Vec::new(),
                }
            }
            if wanted.len() < paths.iter().filter(|p| !p.starts_with('?')).count() + 1
                && paths.iter().any(|p| p.starts_with('?'))
            {
                return Vec::new();
            }
            return self
                .free_of_type(type_)
                .filter(|i| {
                    let attrs = self.state[*i].attributes();
                    wanted.iter().all(|(p, v)| {
                        lookup(attrs, p).is_some_and(|recorded| same_members(v, recorded))
                    })
                })
                .collect();
        }
        if !(identity(type_) == ["name"] && force_new(type_).contains(&"name")) {
            return Vec::new();
        }
        let Some(name) = lookup(config, "name").and_then(Json::as_str) else {
            return Vec::new();
        };
        self.free_of_type(type_)
            .filter(|i| {
                let attrs = self.state[*i].attributes();
                lookup(attrs, "name_prefix")
                    .and_then(Json::as_str)
                    .is_some_and(|prefix| same_stem(name, prefix))
            })
            .collect()
    }

    /// Same type and identifying arguments; ties go to the candidate that agrees on the most
    /// other arguments.
    fn by_identity(&mut self, inventory: &Inventory) -> usize {
        let mut proposals = Vec::new();
        let mut relations = Vec::new();
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
            let mut candidates: Vec<usize> = if !complete || wanted.is_empty() {
                Vec::new()
            } else {
                self.free_of_type(&inst.address.type_)
                    .filter(|i| {
                        let attrs = self.state[*i].attributes();
                        wanted.iter().all(|(p, v)| {
                            lookup(attrs, p).is_some_and(|recorded| same_identity(v, recorded))
                        })
                    })
                    .collect()
            };
            let mut related = false;
            if candidates.is_empty() {
                candidates = self.by_relation(inst, &config);
                related = true;
            }
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
            if related {
                relations.push((inst.address.clone(), best));
            } else {
                proposals.push((inst.address.clone(), best));
            }
        }
        let found = self.accept_unique(proposals, MatchedBy::Identity);
        // Instances that are alike in all a relation compares (two routes to one NAT gateway,
        // where TAM has one route in a shared table) take the object in address order.
        let mut seen = BTreeSet::new();
        found
            + relations
                .into_iter()
                .filter(|(_, i)| seen.insert(*i))
                .filter(|(a, i)| self.accept(a, *i, MatchedBy::Identity))
                .count()
    }
}

/// Whether an instance iacgen would create exists already inside another object of the state:
/// a route in the `route` list of the route table it belongs to, a rule in the `ingress` /
/// `egress` list of its security group (as a `terraform refresh` records them, whether they
/// were written inline or as resources of their own).
fn inline(inst: &ManagedInstance, state: &[&ResourceInstance]) -> Option<Inline> {
    let arg = |name: &str| inst.arguments.get(name);
    let text = |name: &str| arg(name).and_then(Json::as_str);
    let holder_with_id = |type_: &str, id: &str| {
        state
            .iter()
            .copied()
            .find(|s| s.address.type_ == type_ && s.id() == Some(id))
    };
    match inst.address.type_.as_str() {
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let group = holder_with_id("aws_security_group", text("security_group_id")?)?;
            let direction = if inst.address.type_.ends_with("ingress_rule") {
                "ingress"
            } else {
                "egress"
            };
            let wanted = protocol(&scalar_text(arg("ip_protocol")?)?);
            let ports = (wanted != "-1").then(|| {
                (
                    arg("from_port").and_then(scalar_text),
                    arg("to_port").and_then(scalar_text),
                )
            });
            let peer = text("cidr_ipv4").or(text("referenced_security_group_id"))?;
            let rules = group.attribute(direction)?.as_array()?;
            let found = rules.iter().any(|r| {
                let same_protocol = r
                    .get("protocol")
                    .and_then(scalar_text)
                    .is_some_and(|p| protocol(&p) == wanted);
                let same_ports = ports.as_ref().is_none_or(|(from, to)| {
                    r.get("from_port").and_then(scalar_text) == *from
                        && r.get("to_port").and_then(scalar_text) == *to
                });
                let peers = ["cidr_blocks", "security_groups"]
                    .iter()
                    .filter_map(|k| r.get(*k).and_then(Json::as_array))
                    .flatten()
                    .filter_map(Json::as_str)
                    .any(|p| p == peer);
                same_protocol && same_ports && peers
            });
            found.then(|| Inline::Kept {
                holder: group.address.clone(),
                rule: match &ports {
                    Some((Some(from), Some(to))) if from == to => {
                        format!("{direction} {wanted} {from} {peer}")
                    }
                    Some((Some(from), Some(to))) => {
                        format!("{direction} {wanted} {from}-{to} {peer}")
                    }
                    _ => format!("{direction} {wanted} {peer}"),
                },
            })
        }
        _ => None,
    }
}

/// Protocols as AWS records them (`6` is `tcp`, `-1` all).
fn protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "1" => "icmp".to_string(),
        "all" => "-1".to_string(),
        other => other.to_string(),
    }
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// [`same_identity`], with lists compared as sets (a DB subnet group's subnets), and an
/// unknown element never equal.
fn same_members(config: &Json, state: &Json) -> bool {
    match (config, state) {
        (Json::Array(a), Json::Array(b)) if a.iter().all(Json::is_string) => {
            let a: BTreeSet<&str> = a.iter().filter_map(Json::as_str).collect();
            let b: BTreeSet<&str> = b.iter().filter_map(Json::as_str).collect();
            !a.is_empty() && a == b
        }
        _ => same_identity(config, state),
    }
}

/// The string values an argument holds in a state object: itself, or the elements of a list
/// (`vpc_config.security_group_ids`).
fn referred(attrs: &Json, argument: &str) -> Vec<String> {
    match lookup(attrs, argument) {
        Some(Json::String(s)) if !s.is_empty() => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// [`contradicts`], except for arguments iacgen keeps when they differ (names from a
/// `name_prefix`, descriptions): found by relationship, the object is the same whatever those
/// say.
fn contradicts_beyond_kept(config: &ManagedInstance, state: &ResourceInstance) -> bool {
    let known = Json::Object(config.arguments.clone());
    let kept = force_new(&config.address.type_);
    identity(&config.address.type_).iter().any(|path| {
        let (path, strict) = parse_path(path);
        match (lookup(&known, path), lookup(state.attributes(), path)) {
            (Some(ours), Some(theirs)) => {
                strict && !kept.contains(&path) && !same_identity(ours, theirs)
            }
            _ => false,
        }
    })
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
    let mut keep = Vec::new();
    for inst in &inventory.instances {
        let Some((index, by)) = matcher.matches.get(&inst.address) else {
            let inline = inline(inst, matcher.state);
            planned.push(Planned {
                address: inst.address.clone(),
                action: if inline.is_some() {
                    Action::Unchanged
                } else {
                    Action::Create
                },
                state: None,
                drift: Vec::new(),
                tainted: false,
                inline,
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
        keep.extend(keeps(inst, recorded));
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
            inline: None,
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
    let inline = inline_routes(&planned, inventory, matcher.state);
    PlanReport {
        env: env.to_string(),
        adopt: options.adopt,
        planned,
        not_managed,
        not_compared,
        state_instances: matcher.state.len(),
        keep,
        inline,
    }
}

/// Routes iacgen would create that their (matched) route table holds inline already, with the
/// ID `terraform import` takes (`rtb-..._0.0.0.0/0`): creating them would fail on the
/// duplicate.
fn inline_routes(
    planned: &[Planned],
    inventory: &Inventory,
    state: &[&ResourceInstance],
) -> Vec<(Address, String)> {
    let created: BTreeSet<&Address> = planned
        .iter()
        .filter(|p| p.action == Action::Create)
        .map(|p| &p.address)
        .collect();
    let mut out = Vec::new();
    for inst in &inventory.instances {
        if inst.address.type_ != "aws_route" || !created.contains(&inst.address) {
            continue;
        }
        let (Some(Json::String(table)), Some(Json::String(cidr))) = (
            inst.arguments.get("route_table_id"),
            inst.arguments.get("destination_cidr_block"),
        ) else {
            continue;
        };
        let held = state.iter().any(|s| {
            matches!(
                s.address.type_.as_str(),
                "aws_route_table" | "aws_default_route_table"
            ) && s.id() == Some(table.as_str())
                && s.attribute("route")
                    .and_then(Json::as_array)
                    .is_some_and(|routes| {
                        routes
                            .iter()
                            .any(|r| r.get("cidr_block").and_then(Json::as_str) == Some(cidr))
                    })
        });
        if held {
            out.push((inst.address.clone(), format!("{table}_{cidr}")));
        }
    }
    out
}

/// iacgen sets another argument instead of `path` (`model::kept::KEPT_INSTEAD_OF`): that one,
/// as `{argument: value}`, when the state's value of `path` is one iacgen's choice would not
/// give, so that the state's value must be kept (and iacgen's choice unset). A node group name
/// that starts with iacgen's prefix is one the prefix made; a service's launch type is never
/// what a capacity provider strategy sets.
fn set_instead(inst: &ManagedInstance, path: &str, theirs: Option<&Json>) -> Option<Json> {
    let instead = kept_instead_of(&inst.address.type_, &[path])?;
    let ours = inst.arguments.get(instead)?;
    let value = theirs?.as_str().filter(|v| !v.is_empty())?;
    let made_by_ours = ours
        .as_str()
        .is_some_and(|prefix| value.starts_with(prefix));
    (!made_by_ours).then(|| serde_json::json!({ instead: ours }))
}

/// The [`force_new`] arguments of a matched instance whose known value differs from the
/// state's, and those iacgen leaves unset for another ([`set_instead`]): each must keep the
/// state's value. Only instances of a module call (what iacgen generates) with no key or a
/// string key can keep values.
fn keeps(inst: &ManagedInstance, recorded: &ResourceInstance) -> Vec<Keep> {
    let address = &inst.address;
    let [call] = address.module.0.as_slice() else {
        return Vec::new();
    };
    let instance = match &address.index {
        None => None,
        Some(super::address::IndexKey::Str(k)) => Some(k.clone()),
        Some(_) => return Vec::new(),
    };
    let config = Json::Object(inst.arguments.clone());
    let mut out = Vec::new();
    // Sets of strings iacgen leaves unset that the object has (`KEPT_LISTS`): unset, Terraform
    // would clear them.
    for (_, path) in KEPT_LISTS.iter().filter(|(t, _)| *t == address.type_) {
        let theirs: Vec<&str> = lookup(recorded.attributes(), path)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let ours = lookup(&config, path).filter(|v| !v.is_null());
        if theirs.is_empty() || ours.is_some_and(|v| same_members(v, &Json::from(theirs.clone()))) {
            continue;
        }
        out.push(Keep {
            address: address.clone(),
            module: call.name.clone(),
            key: KeptKey {
                type_: address.type_.clone(),
                name: address.name.clone(),
                instance: instance.clone(),
                path: vec![path.to_string()],
            },
            value: theirs.join(KEPT_LIST_SEPARATOR),
            iacgen: ours.cloned().unwrap_or(Json::Null),
        });
    }
    let paths = force_new(&address.type_)
        .iter()
        .chain(kept_when_matched(&address.type_));
    for path in paths {
        let theirs = lookup(recorded.attributes(), path);
        let ours = match lookup(&config, path) {
            Some(ours) if ours.is_array() || ours.is_object() => continue,
            Some(ours) => ours.clone(),
            None => match set_instead(inst, path, theirs) {
                Some(instead) => instead,
                None => continue,
            },
        };
        let Some(theirs) = theirs else { continue };
        let text = match theirs {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Bool(b) => b.to_string(),
            _ => continue,
        };
        if same_identity(&ours, theirs) {
            continue;
        }
        out.push(Keep {
            address: address.clone(),
            module: call.name.clone(),
            key: KeptKey {
                type_: address.type_.clone(),
                name: address.name.clone(),
                instance: instance.clone(),
                path: path.split('.').map(str::to_string).collect(),
            },
            value: text,
            iacgen: ours,
        });
    }
    out
}

impl PlanReport {
    /// `kept` with this report's values to keep added for its environment.
    pub fn kept_with(&self, kept: &Kept) -> Kept {
        let mut out = kept.clone();
        for k in &self.keep {
            out.insert(&self.env, &k.module, k.key.clone(), k.value.clone());
        }
        out
    }
}
