//! Every resource instance an environment would manage, found by evaluating the generated HCL
//! itself (root, tfvars and every called module), so it covers whatever modules exist.
//!
//! Values Terraform only knows after apply (resource IDs, data sources, module outputs built
//! from them) are unknown here and simply absent. Once a plan has matched some instances to a
//! state, their recorded attributes stand in for those values ([`Facts::known`]), so that, for
//! example, an internet gateway's `vpc_id` is known as soon as its VPC has been matched.

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use hcl::expr::TraversalOperator;
use hcl::{Block, Expression, Map, Value};
use serde_json::Value as Json;

use super::address::{Address, IndexKey, Mode, ModulePath};
use super::config::{Config, IgnoreChanges, ModuleCall, ModuleConfig, ResourceConfig, Roots};
use super::expansion::{KeySource, expand};
use super::functions;

/// Passes over one module before its values are taken as settled. Each pass can resolve one
/// more link of a chain of references (local → resource → output → another module's input).
const MAX_PASSES: usize = 8;
const MAX_DEPTH: usize = 16;
/// Data sources whose result is the same for every configuration in one account and region,
/// so they can be answered from the state or the provider configuration.
const GLOBAL_DATA: [&str; 3] = ["aws_region", "aws_partition", "aws_caller_identity"];

/// The resource instances iacgen would manage in one environment.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub instances: Vec<ManagedInstance>,
    /// Resources and module calls whose instances cannot be listed before apply.
    pub unexpanded: Vec<Unexpanded>,
}

/// One resource instance iacgen would manage.
#[derive(Debug, Clone)]
pub struct ManagedInstance {
    pub address: Address,
    /// The arguments whose values are known before apply; nested blocks are lists of objects,
    /// as in a state.
    pub arguments: serde_json::Map<String, Json>,
    pub(crate) ignore_changes: IgnoreChanges,
    pub(crate) references: Vec<Reference>,
}

/// `argument = TYPE.NAME[KEY].ATTRIBUTE`: a direct reference to another instance's attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reference {
    pub argument: String,
    pub target: Address,
    pub attribute: String,
}

/// Resources or module calls whose `for_each`/`count` is not known before apply (or whose
/// module source is outside the repository).
#[derive(Debug, Clone, PartialEq)]
pub enum Unexpanded {
    Resource {
        address: Address,
        reason: String,
    },
    Module {
        parent: ModulePath,
        name: String,
        reason: String,
    },
}

impl Unexpanded {
    /// Whether a state instance at `address` may be one of the instances this stands for.
    pub fn covers(&self, address: &Address) -> bool {
        match self {
            Unexpanded::Resource { address: r, .. } => address.same_resource(r),
            Unexpanded::Module { parent, name, .. } => {
                let steps = &address.module.0;
                steps.len() > parent.0.len()
                    && steps[..parent.0.len()] == parent.0[..]
                    && &steps[parent.0.len()].name == name
            }
        }
    }

    /// Printable scope: `module.network.aws_subnet.private` or `module.network.module.x`.
    pub fn scope(&self) -> String {
        match self {
            Unexpanded::Resource { address, .. } => address.to_string(),
            Unexpanded::Module { parent, name, .. } if parent.is_root() => format!("module.{name}"),
            Unexpanded::Module { parent, name, .. } => format!("{parent}.module.{name}"),
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Unexpanded::Resource { reason, .. } | Unexpanded::Module { reason, .. } => reason,
        }
    }
}

/// What is known from outside the configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// State attributes of the instances matched so far, by their address in the configuration.
    pub known: BTreeMap<Address, Value>,
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub partition: Option<String>,
}

/// Evaluates the environment root of `config` with what `facts` tells.
pub(crate) fn evaluate(config: &Config, facts: &Facts) -> Inventory {
    let mut inventory = Inventory::default();
    let Some(root) = config.modules.get(&config.root_dir) else {
        return inventory;
    };
    let mut vars = Map::new();
    let base = base_context();
    for v in &root.variables {
        if let Some(value) = config.tfvars.get(&v.name) {
            vars.insert(v.name.clone(), value.clone());
        } else if let Some(default) = &v.default
            && let Ok(value) = default.evaluate(&base)
        {
            vars.insert(v.name.clone(), value);
        }
    }
    let mut facts = facts.clone();
    if let Some(region) = &root.provider_region {
        let mut ctx = base_context();
        ctx.declare_var("var", Value::Object(vars.clone()));
        if let Ok(Value::String(r)) = region.evaluate(&ctx) {
            facts.region = Some(r);
        }
    }
    let evaluator = Evaluator {
        config,
        facts: &facts,
        runs: Default::default(),
    };
    let run = evaluator.module(
        &config.root_dir,
        &ModulePath::root(),
        vars,
        BTreeMap::new(),
        0,
    );
    inventory.instances = run.instances;
    inventory.unexpanded = run.unexpanded;
    inventory
        .instances
        .sort_by(|a, b| a.address.cmp(&b.address));
    inventory
}

/// A context with the functions and no variables. Declaring the functions is the costly part
/// of a context (each declaration searches the ones before), so it is done once and cloned.
fn base_context() -> Context<'static> {
    static BASE: std::sync::OnceLock<Context<'static>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let mut ctx = Context::new();
        functions::declare(&mut ctx);
        super::by_ref::declare(&mut ctx);
        ctx
    })
    .clone()
}

/// A context with only the functions `funcs`: cloning one with every function (a few dozen
/// definitions) for each expression cost more than evaluating it.
fn context_with<'n>(funcs: impl Iterator<Item = &'n String> + Clone) -> Context<'static> {
    let mut ctx = Context::new();
    let mut names: Vec<&str> = funcs.map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    functions::declare_only(&mut ctx, names.iter().copied());
    if names.contains(&super::by_ref::FUNCTION) || names.contains(&super::by_ref::JOIN) {
        super::by_ref::declare(&mut ctx);
    }
    ctx
}

struct Evaluator<'a> {
    config: &'a Config,
    facts: &'a Facts,
    /// The last run of each module instance and the variables it had: a parent module's later
    /// passes mostly call a child with the same variables again.
    runs: std::cell::RefCell<BTreeMap<ModulePath, CachedRun>>,
}

/// A module instance's variables (values, and keys of those whose values are unknown) and what
/// evaluating it with them gave.
type CachedRun = (Map<String, Value>, BTreeMap<String, Vec<String>>, ModuleRun);

/// The result of evaluating one module instance.
#[derive(Default, Clone)]
struct ModuleRun {
    outputs: Map<String, Value>,
    instances: Vec<ManagedInstance>,
    unexpanded: Vec<Unexpanded>,
}

/// The named values of one module instance that expressions can refer to.
#[derive(Default, PartialEq, Clone)]
struct Scope {
    locals: Map<String, Value>,
    /// type → name → value (an object, a map of instances by key, or a list by count).
    resources: BTreeMap<String, Map<String, Value>>,
    modules: Map<String, Value>,
}

impl Evaluator<'_> {
    fn module(
        &self,
        dir: &str,
        path: &ModulePath,
        vars: Map<String, Value>,
        var_keys: BTreeMap<String, Vec<String>>,
        depth: usize,
    ) -> ModuleRun {
        let Some(module) = self.config.modules.get(dir) else {
            return ModuleRun::default();
        };
        let keys = KeySource {
            vars: &vars,
            var_keys: &var_keys,
            locals: &module.locals,
        };
        let data = self.data(module, path);
        // The functions the locals call: a `for_each` whose value is unknown is expanded by
        // evaluating locals in the resource's context (`expansion`), which must declare them.
        let local_funcs: Option<std::collections::BTreeSet<String>> =
            module.locals.iter().try_fold(
                Default::default(),
                |mut all: std::collections::BTreeSet<String>, (_, e)| {
                    all.extend(Roots::of_expr(e).funcs()?.iter().cloned());
                    Some(all)
                },
            );
        let mut scope = Scope::default();
        let mut run = ModuleRun::default();
        let (steps, settled) = evaluation_order(module);
        // Each pass evaluates locals, resources and calls in dependency order, seeing what
        // the passes before found and what this pass found so far; the first pass that changes
        // nothing is the result. Without a cycle the order is complete: one pass settles it.
        for _ in 0..MAX_PASSES {
            // One pass settles an acyclic module: nothing to compare with, nothing to reuse.
            let before = (!settled).then(|| scope.clone());
            let mut instances = Vec::new();
            let mut unexpanded = Vec::new();
            for step in &steps {
                let frame = Frame::new(dir, &vars, &scope, &data, local_funcs.as_ref());
                match *step {
                    Step::Local(i) => {
                        let (name, expr) = &module.locals[i];
                        match frame.evaluate(expr) {
                            Some(value) => scope.locals.insert(name.clone(), value),
                            None => scope.locals.shift_remove(name),
                        };
                    }
                    Step::Resource(i) => {
                        let resource = &module.resources[i];
                        let value = self.resource(
                            module,
                            resource,
                            path,
                            (&frame, &keys),
                            &mut instances,
                            &mut unexpanded,
                        );
                        let names = scope.resources.entry(resource.type_.clone()).or_default();
                        match value {
                            Some(value) => names.insert(resource.name.clone(), value),
                            None => names.shift_remove(&resource.name),
                        };
                    }
                    Step::Call(i) => {
                        let call = &module.calls[i];
                        // Only what the call refers to: a root of many services has many
                        // calls, each seeing all variables and module outputs would make this
                        // quadratic.
                        let roots = Roots::of_call(call);
                        let ctx = frame.context(Some(&roots));
                        match self.call(
                            call,
                            path,
                            (&ctx, &keys),
                            (depth, !settled),
                            &mut instances,
                            &mut unexpanded,
                        ) {
                            Some(value) => scope.modules.insert(call.name.clone(), value),
                            None => scope.modules.shift_remove(&call.name),
                        };
                    }
                }
            }
            let frame = Frame::new(dir, &vars, &scope, &data, local_funcs.as_ref());
            run.outputs = module
                .outputs
                .iter()
                .filter_map(|(name, expr)| frame.evaluate(expr).map(|v| (name.clone(), v)))
                .collect();
            run.instances = instances;
            run.unexpanded = unexpanded;
            if before.is_none_or(|before| scope == before) {
                break;
            }
        }
        run
    }

    /// The global data sources this module declares, answered from facts.
    fn data(&self, module: &ModuleConfig, path: &ModulePath) -> Value {
        let _ = path;
        let mut by_type: Map<String, Value> = Map::new();
        for (type_, name) in &module.data {
            if !GLOBAL_DATA.contains(&type_.as_str()) {
                continue;
            }
            let mut attrs = Map::new();
            let mut put = |key: &str, value: &Option<String>| {
                if let Some(v) = value {
                    attrs.insert(key.to_string(), Value::String(v.clone()));
                }
            };
            match type_.as_str() {
                "aws_region" => {
                    put("name", &self.facts.region);
                    put("region", &self.facts.region);
                    put("id", &self.facts.region);
                }
                "aws_partition" => {
                    put("partition", &self.facts.partition);
                    put("id", &self.facts.partition);
                    let suffix = self.facts.partition.as_deref().map(|p| match p {
                        "aws-cn" => "amazonaws.com.cn".to_string(),
                        _ => "amazonaws.com".to_string(),
                    });
                    put("dns_suffix", &suffix);
                }
                _ => {
                    put("account_id", &self.facts.account_id);
                    put("id", &self.facts.account_id);
                }
            }
            let entry = by_type
                .entry(type_.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(names) = entry {
                names.insert(name.clone(), Value::Object(attrs));
            }
        }
        Value::Object(by_type)
    }

    /// Evaluates one resource's instances; returns the value references to it see.
    fn resource(
        &self,
        module: &ModuleConfig,
        resource: &ResourceConfig,
        path: &ModulePath,
        (frame, keys): (&Frame, &KeySource),
        instances: &mut Vec<ManagedInstance>,
        unexpanded: &mut Vec<Unexpanded>,
    ) -> Option<Value> {
        let base = Address::managed(&resource.type_, &resource.name).in_module(path.clone());
        // Each instance gets a context of its own; with only what the resource refers to in it,
        // that stays cheap however large the state attributes in scope are. The map a
        // `for_each` iterates is left out of it: every reference would copy it (`var.name`
        // copies `var`), once per instance.
        // One instance needs no context to count it (a third of a module's resources).
        let expand_ctx = if resource.for_each.is_some() || resource.count.is_some() {
            frame.context(Some(&resource.roots))
        } else {
            Context::new()
        };
        let expansion = match expand(
            resource.for_each.as_ref(),
            resource.count.as_ref(),
            &expand_ctx,
            keys,
        ) {
            Ok(e) => e,
            Err(reason) => {
                unexpanded.push(Unexpanded::Resource {
                    address: base,
                    reason,
                });
                return None;
            }
        };
        let each_source = resource
            .for_each
            .as_ref()
            .and_then(|e| plain_resource(module, e));
        // References read in place (`state::by_ref`) from what the resource refers to, copied
        // once for all instances; the context holds only what they do not cover.
        let (by_ref_attrs, by_ref_blocks, by_ref_roots) = &resource.by_ref;
        let _scope =
            super::by_ref::Scope::enter(std::rc::Rc::new(frame.values(Some(&resource.roots))));
        let mut ictx = frame.context(Some(by_ref_roots));
        // What each argument is named for references, the same for every instance.
        let mut named: Vec<(String, &Expression)> = resource
            .attrs
            .iter()
            .map(|(name, expr)| (name.clone(), expr))
            .collect();
        nested_arguments(&resource.blocks, "", &mut named);
        let mut values = Vec::new();
        for (key, each, count) in expansion.instances() {
            // Declaring `each` or `count` again replaces the previous instance's.
            if let Some(each) = each {
                ictx.declare_var("each", each);
            }
            if let Some(count) = count {
                ictx.declare_var("count", count);
            }
            let address = Address {
                index: key.clone(),
                ..base.clone()
            };
            let arguments = arguments(
                by_ref_attrs.iter().map(|(k, e)| (k.as_str(), e)),
                by_ref_blocks.iter(),
                &ictx,
            );
            let references = named
                .iter()
                .filter_map(|(name, expr)| {
                    reference(
                        module,
                        path,
                        through_kept(expr, &ictx)?,
                        &ictx,
                        key.as_ref(),
                        each_source.as_ref(),
                    )
                    .map(|(target, attribute)| Reference {
                        argument: name.clone(),
                        target,
                        attribute,
                    })
                })
                .collect();
            let value = overlay(self.facts.known.get(&address), &arguments);
            values.push((key, value));
            instances.push(ManagedInstance {
                address,
                arguments: to_json_map(&arguments),
                ignore_changes: resource.ignore_changes.clone(),
                references,
            });
        }
        Some(expansion.collect(values))
    }

    /// Evaluates a module call's instances; returns the value `module.NAME` has.
    fn call(
        &self,
        call: &ModuleCall,
        path: &ModulePath,
        (ctx, keys): (&Context, &KeySource),
        // `again`: the caller evaluates this call in more than one pass, so each instance's
        // run is kept and reused while its variables stay the same.
        (depth, again): (usize, bool),
        instances: &mut Vec<ManagedInstance>,
        unexpanded: &mut Vec<Unexpanded>,
    ) -> Option<Value> {
        let skip = |reason: String, unexpanded: &mut Vec<Unexpanded>| {
            unexpanded.push(Unexpanded::Module {
                parent: path.clone(),
                name: call.name.clone(),
                reason,
            });
            None
        };
        let Some(dir) = &call.dir else {
            return skip(
                format!("its source {:?} is outside the repository", call.source),
                unexpanded,
            );
        };
        let Some(module) = self.config.modules.get(dir) else {
            return skip(
                format!("its source {:?} has no .tf files", call.source),
                unexpanded,
            );
        };
        if depth >= MAX_DEPTH {
            return skip("modules are nested too deeply".to_string(), unexpanded);
        }
        let expansion = match expand(call.for_each.as_ref(), call.count.as_ref(), ctx, keys) {
            Ok(e) => e,
            Err(reason) => return skip(reason, unexpanded),
        };
        let base = base_context();
        let mut values = Vec::new();
        for (key, each, count) in expansion.instances() {
            let mut ictx = ctx.clone();
            if let Some(each) = each {
                ictx.declare_var("each", each);
            }
            if let Some(count) = count {
                ictx.declare_var("count", count);
            }
            let mut vars = Map::new();
            let mut var_keys = BTreeMap::new();
            for variable in &module.variables {
                match call.inputs.iter().find(|(n, _)| n == &variable.name) {
                    Some((_, expr)) => match expr.evaluate(&ictx) {
                        Ok(v) => {
                            vars.insert(variable.name.clone(), v);
                        }
                        Err(_) => {
                            if let Some(k) = keys.keys(expr, &ictx, 0) {
                                var_keys.insert(variable.name.clone(), k);
                            }
                        }
                    },
                    None => {
                        if let Some(Ok(v)) = variable.default.as_ref().map(|d| d.evaluate(&base)) {
                            vars.insert(variable.name.clone(), v);
                        }
                    }
                }
            }
            let child = path.child(call.name.clone(), key.clone());
            let run = if again {
                let cached = self
                    .runs
                    .borrow()
                    .get(&child)
                    .filter(|(before, before_keys, _)| before == &vars && before_keys == &var_keys)
                    .map(|(_, _, run)| run.clone());
                match cached {
                    Some(run) => run,
                    None => {
                        let run =
                            self.module(dir, &child, vars.clone(), var_keys.clone(), depth + 1);
                        self.runs
                            .borrow_mut()
                            .insert(child.clone(), (vars, var_keys, run.clone()));
                        run
                    }
                }
            } else {
                self.module(dir, &child, vars, var_keys, depth + 1)
            };
            instances.extend(run.instances);
            unexpanded.extend(run.unexpanded);
            values.push((key, Value::Object(run.outputs)));
        }
        Some(expansion.collect(values))
    }
}

/// What expressions of one module instance can refer to, in one pass.
struct Frame<'a> {
    dir: &'a str,
    vars: &'a Map<String, Value>,
    scope: &'a Scope,
    data: &'a Value,
    /// The functions the module's locals call, `None` when not known (then every function).
    local_funcs: Option<&'a std::collections::BTreeSet<String>>,
}

impl<'a> Frame<'a> {
    fn new(
        dir: &'a str,
        vars: &'a Map<String, Value>,
        scope: &'a Scope,
        data: &'a Value,
        local_funcs: Option<&'a std::collections::BTreeSet<String>>,
    ) -> Self {
        Frame {
            dir,
            vars,
            scope,
            data,
            local_funcs,
        }
    }

    /// The value of one expression, evaluated with only what it refers to in its context: a
    /// reference copies the whole object it starts from (`module.x.y` copies `module`), so a root
    /// with an output per service would otherwise copy every service's outputs for each.
    fn evaluate(&self, expr: &Expression) -> Option<Value> {
        expr.evaluate(&self.context(Some(&Roots::of_expr(expr))))
            .ok()
    }

    /// An evaluation context with everything, or `only` the given roots.
    fn context(&self, only: Option<&Roots>) -> Context<'static> {
        let mut ctx = match (only.and_then(Roots::funcs), self.local_funcs) {
            (Some(funcs), Some(locals)) => context_with(funcs.iter().chain(locals)),
            _ => base_context(),
        };
        for (name, value) in self.values(only) {
            ctx.declare_var(name, value);
        }
        let mut path = Map::new();
        path.insert("module".to_string(), Value::String(self.dir.to_string()));
        ctx.declare_var("path", Value::Object(path));
        let mut terraform = Map::new();
        terraform.insert("workspace".to_string(), Value::from("default"));
        ctx.declare_var("terraform", Value::Object(terraform));
        ctx
    }

    /// The values in scope by root name (`var`, `local`, `module`, `data`, resource types):
    /// everything, or `only` what the given roots refer to.
    fn values(&self, only: Option<&Roots>) -> Map<String, Value> {
        let wanted = |name: &str| only.is_none_or(|r| r.contains(name));
        // The attributes of `root` that are wanted: only those referred to, when known.
        let narrowed = |root: &str, all: &Map<String, Value>| -> Value {
            match only.and_then(|r| r.members(root)) {
                Some(paths) => Value::Object(
                    paths
                        .children
                        .iter()
                        .filter_map(|(k, p)| all.get(k).map(|v| (k.clone(), p.narrow(v))))
                        .collect(),
                ),
                None => Value::Object(all.clone()),
            }
        };
        let mut values = Map::new();
        if wanted("var") {
            values.insert("var".to_string(), narrowed("var", self.vars));
        }
        if wanted("local") {
            values.insert("local".to_string(), narrowed("local", &self.scope.locals));
        }
        if wanted("module") {
            values.insert(
                "module".to_string(),
                narrowed("module", &self.scope.modules),
            );
        }
        if wanted("data") {
            values.insert("data".to_string(), self.data.clone());
        }
        for (type_, names) in &self.scope.resources {
            if wanted(type_) {
                values.insert(type_.clone(), Value::Object(names.clone()));
            }
        }
        values
    }
}

/// One thing a module evaluates, by its index in the module's locals, resources or calls.
#[derive(Clone, Copy)]
enum Step {
    Local(usize),
    Resource(usize),
    Call(usize),
}

/// The module's locals, resources and calls in an order where each comes after what it
/// refers to (file order among equals: locals, resources, calls), and whether that order is
/// complete: `false` when there is a cycle, which Terraform would reject, or an expression
/// this reader cannot follow; then passes repeat until nothing changes.
fn evaluation_order(module: &ModuleConfig) -> (Vec<Step>, bool) {
    let roots: Vec<(Step, Roots)> = (module.locals.iter().enumerate())
        .map(|(i, (_, e))| (Step::Local(i), Roots::of_expr(e)))
        .chain(
            module
                .resources
                .iter()
                .enumerate()
                .map(|(i, r)| (Step::Resource(i), r.roots.clone())),
        )
        .chain(
            module
                .calls
                .iter()
                .enumerate()
                .map(|(i, c)| (Step::Call(i), Roots::of_call(c))),
        )
        .collect();
    let n = roots.len();
    let mut settled = true;
    // Where each named thing is in `roots`.
    let mut locals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut calls: BTreeMap<&str, usize> = BTreeMap::new();
    for (at, (step, _)) in roots.iter().enumerate() {
        match *step {
            Step::Local(i) => {
                locals.insert(module.locals[i].0.as_str(), at);
            }
            Step::Resource(i) => by_type
                .entry(module.resources[i].type_.as_str())
                .or_default()
                .push(at),
            Step::Call(i) => {
                calls.insert(module.calls[i].name.as_str(), at);
            }
        }
    }
    // What each one must come after.
    let mut after: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); n];
    for (at, (_, r)) in roots.iter().enumerate() {
        if r.funcs().is_none() {
            settled = false;
        }
        let deps = &mut after[at];
        for (root, named) in [("local", &locals), ("module", &calls)] {
            if !r.contains(root) {
                continue;
            }
            match r.members(root) {
                Some(paths) => deps.extend(
                    paths
                        .children
                        .keys()
                        .filter_map(|k| named.get(k.as_str()).copied()),
                ),
                None => deps.extend(named.values().copied()),
            }
        }
        for (type_, ats) in &by_type {
            if r.names_resource(type_) {
                deps.extend(ats.iter().copied().filter(|&d| match roots[d].0 {
                    Step::Resource(i) => r.names_resource_named(type_, &module.resources[i].name),
                    _ => true,
                }));
            }
        }
        deps.remove(&at);
    }
    // Kahn's algorithm, taking the first ready one in file order.
    let mut waiting: Vec<usize> = after.iter().map(|d| d.len()).collect();
    let mut before_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (at, deps) in after.iter().enumerate() {
        for &d in deps {
            before_of[d].push(at);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = match ready.pop_first() {
            Some(i) => i,
            None => {
                // A cycle: take the first one left, and let the passes settle it.
                settled = false;
                match (0..n).find(|&i| !done[i]) {
                    Some(i) => i,
                    None => break,
                }
            }
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        order.push(roots[next].0);
        for &later in &before_of[next] {
            waiting[later] = waiting[later].saturating_sub(1);
            if waiting[later] == 0 && !done[later] {
                ready.insert(later);
            }
        }
    }
    (order, settled)
}

/// The known arguments of a resource body: attributes, then nested blocks as lists of objects.
fn arguments<'a>(
    attrs: impl Iterator<Item = (&'a str, &'a Expression)>,
    blocks: impl Iterator<Item = &'a Block>,
    ctx: &Context,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, expr) in attrs {
        if let Ok(value) = expr.evaluate(ctx) {
            out.insert(name.to_string(), value);
        }
    }
    for block in blocks {
        let object = Value::Object(block_arguments(block.body(), ctx));
        let entry = out
            .entry(block.identifier().to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(object);
        }
    }
    out
}

fn block_arguments(body: &hcl::Body, ctx: &Context) -> Map<String, Value> {
    arguments(
        body.attributes().map(|a| (a.key(), a.expr())),
        body.blocks().filter(|b| b.identifier() != "dynamic"),
        ctx,
    )
}

/// The state's attributes with the configuration's known arguments on top: what the instance
/// will look like after apply, as far as it is known. Nested blocks keep the state's version,
/// which also holds the computed parts (`identity`, `resources`, ...).
fn overlay(state: Option<&Value>, arguments: &Map<String, Value>) -> Value {
    let mut merged = match state {
        Some(Value::Object(attrs)) => attrs.clone(),
        _ => Map::new(),
    };
    for (k, v) in arguments {
        let is_block = matches!(v, Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty());
        if is_block && merged.contains_key(k) {
            continue;
        }
        merged.insert(k.clone(), v.clone());
    }
    Value::Object(merged)
}

fn to_json_map(map: &Map<String, Value>) -> serde_json::Map<String, Json> {
    map.iter()
        .filter_map(|(k, v)| serde_json::to_value(v).ok().map(|j| (k.clone(), j)))
        .collect()
}

/// `for_each = TYPE.NAME`: the resource whose instances this one follows key by key.
fn plain_resource(module: &ModuleConfig, expr: &Expression) -> Option<(String, String)> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let (Expression::Variable(type_), [TraversalOperator::GetAttr(name)]) =
        (&t.expr, t.operators.as_slice())
    else {
        return None;
    };
    declares(module, type_.as_str(), name.as_str()).then(|| (type_.to_string(), name.to_string()))
}

fn declares(module: &ModuleConfig, type_: &str, name: &str) -> bool {
    module
        .resources
        .iter()
        .any(|r| r.type_ == type_ && r.name == name)
}

/// The instance and attribute an argument refers to directly, if it does.
/// The arguments of nested blocks, named by their path (`launch_template.id`,
/// `encryption_config.provider.key_arn`), for references: a node group's launch template or a
/// cluster's key is named in a block.
fn nested_arguments<'a>(
    blocks: impl IntoIterator<Item = &'a Block>,
    prefix: &str,
    out: &mut Vec<(String, &'a Expression)>,
) {
    for block in blocks {
        if block.identifier() == "dynamic" {
            continue;
        }
        let at = format!("{prefix}{}.", block.identifier());
        for a in block.body().attributes() {
            out.push((format!("{at}{}", a.key()), a.expr()));
        }
        nested_arguments(block.body().blocks(), &at, out);
    }
}

/// The expression an argument refers through: a one-element list's element
/// (`[aws_security_group.cluster.id]`), and the default of `lookup(var.kept, KEY, DEFAULT)`
/// unless the environment keeps a value for KEY (then it refers to nothing).
fn through_kept<'a>(expr: &'a Expression, ctx: &Context) -> Option<&'a Expression> {
    match expr {
        Expression::Array(items) if items.len() == 1 => Some(&items[0]),
        Expression::FuncCall(call) if call.name.to_string() == "lookup" && call.args.len() == 3 => {
            let map = call.args[0].evaluate(ctx).ok()?;
            let key = call.args[1].evaluate(ctx).ok()?;
            match (map, key) {
                (Value::Object(m), Value::String(k)) if !m.contains_key(&k) => Some(&call.args[2]),
                _ => None,
            }
        }
        other => Some(other),
    }
}

fn reference(
    module: &ModuleConfig,
    path: &ModulePath,
    expr: &Expression,
    ctx: &Context,
    own_key: Option<&IndexKey>,
    each_source: Option<&(String, String)>,
) -> Option<(Address, String)> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let target = |type_: &str, name: &str, key: Option<IndexKey>| Address {
        module: path.clone(),
        mode: Mode::Managed,
        type_: type_.to_string(),
        name: name.to_string(),
        index: key,
    };
    match t.operators.as_slice() {
        [
            TraversalOperator::GetAttr(v),
            TraversalOperator::GetAttr(attr),
        ] if root.as_str() == "each" && v.as_str() == "value" => {
            let (type_, name) = each_source?;
            Some((target(type_, name, own_key.cloned()), attr.to_string()))
        }
        [
            TraversalOperator::GetAttr(name),
            TraversalOperator::GetAttr(attr),
        ] if declares(module, root.as_str(), name.as_str()) => {
            Some((target(root.as_str(), name.as_str(), None), attr.to_string()))
        }
        [
            TraversalOperator::GetAttr(name),
            index,
            TraversalOperator::GetAttr(attr),
        ] if declares(module, root.as_str(), name.as_str()) => {
            let key = match index {
                TraversalOperator::LegacyIndex(i) => IndexKey::Int(i64::try_from(*i).ok()?),
                TraversalOperator::Index(e) => match e.evaluate(ctx).ok()? {
                    Value::String(s) => IndexKey::Str(s),
                    Value::Number(n) => IndexKey::Int(n.as_i64()?),
                    _ => return None,
                },
                _ => return None,
            };
            Some((
                target(root.as_str(), name.as_str(), Some(key)),
                attr.to_string(),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Tree;

    fn tree(root: &str, module: &str, tfvars: &str) -> Tree {
        let mut tree = Tree::new();
        tree.insert("environments/dev/main.tf", root);
        tree.insert("environments/dev/terraform.tfvars", tfvars);
        tree.insert("modules/m/main.tf", module);
        tree
    }

    fn addresses(inv: &Inventory) -> Vec<String> {
        inv.instances
            .iter()
            .map(|i| i.address.to_string())
            .collect()
    }

    const ROOT: &str = r#"
variable "cidrs" {
  type = map(string)
}
variable "name" {
  type    = string
  default = "demo"
}
module "net" {
  source = "../../modules/m"
  name   = var.name
  cidrs  = var.cidrs
}
module "app" {
  source = "../../modules/m"
  name   = "${var.name}-app"
  cidrs  = module.net.unknown_output
}
"#;

    const MODULE: &str = r#"
variable "name" {}
variable "cidrs" {}
locals {
  full = "${local.prefix}-x"
  prefix = upper(var.name)
}
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
  tags = merge({ A = "1" }, { Name = local.full })
  dynamic "ignored" {
    for_each = []
    content {}
  }
  timeouts {
    create = "5m"
  }
}
resource "aws_subnet" "private" {
  for_each   = var.cidrs
  vpc_id     = aws_vpc.this.id
  cidr_block = each.value
}
resource "aws_route_table_association" "private" {
  for_each  = aws_subnet.private
  subnet_id = each.value.id
}
resource "aws_eip" "n" {
  count = 2
  tags  = { Index = count.index }
}
output "vpc_cidr" {
  value = aws_vpc.this.cidr_block
}
"#;

    #[test]
    fn lists_instances_of_every_module_call_with_their_known_arguments() {
        let t = tree(
            ROOT,
            MODULE,
            "cidrs = { b = \"10.0.2.0/24\", a = \"10.0.1.0/24\" }\n",
        );
        let config = Config::load(&t, "dev").unwrap();
        let inv = evaluate(&config, &Facts::default());
        assert_eq!(
            addresses(&inv),
            [
                "module.app.aws_eip.n[0]",
                "module.app.aws_eip.n[1]",
                "module.app.aws_vpc.this",
                "module.net.aws_eip.n[0]",
                "module.net.aws_eip.n[1]",
                r#"module.net.aws_route_table_association.private["a"]"#,
                r#"module.net.aws_route_table_association.private["b"]"#,
                r#"module.net.aws_subnet.private["a"]"#,
                r#"module.net.aws_subnet.private["b"]"#,
                "module.net.aws_vpc.this",
            ]
        );
        let vpc = &inv.instances[9];
        assert_eq!(
            vpc.arguments["tags"],
            serde_json::json!({"A": "1", "Name": "DEMO-x"})
        );
        assert_eq!(
            vpc.arguments["timeouts"],
            serde_json::json!([{"create": "5m"}])
        );
        assert!(!vpc.arguments.contains_key("ignored"));
        let subnet = &inv.instances[7];
        assert_eq!(subnet.arguments["cidr_block"], "10.0.1.0/24");
        assert!(
            !subnet.arguments.contains_key("vpc_id"),
            "the VPC id is not known yet"
        );
        let app_vpc = &inv.instances[2];
        assert_eq!(app_vpc.arguments["tags"]["Name"], "DEMO-APP-x");
        assert_eq!(
            inv.unexpanded
                .iter()
                .map(Unexpanded::scope)
                .collect::<Vec<_>>(),
            [
                "module.app.aws_subnet.private",
                "module.app.aws_route_table_association.private"
            ]
        );
        let assoc = &inv.instances[5];
        assert_eq!(
            assoc.references,
            [Reference {
                argument: "subnet_id".into(),
                target: Address::parse(r#"module.net.aws_subnet.private["a"]"#).unwrap(),
                attribute: "id".into(),
            }]
        );
    }

    #[test]
    fn for_each_over_a_map_with_unknown_values_still_has_its_keys() {
        let root = r#"
module "a" {
  source = "../../modules/m"
  pools  = { apps = module.b.unknown, system = module.b.unknown }
}
"#;
        let module = r#"
variable "pools" {}
resource "aws_x" "per_pool" {
  for_each = var.pools
  name     = "${each.key}-x"
  value    = each.value
}
resource "aws_y" "renamed" {
  for_each = { for k, v in var.pools : "${k}-y" => v }
  name     = each.key
}
resource "aws_z" "filtered" {
  for_each = { for k, v in var.pools : k => v if v != "" }
}
"#;
        let config = Config::load(&tree(root, module, ""), "dev").unwrap();
        let inv = evaluate(&config, &Facts::default());
        assert_eq!(
            addresses(&inv),
            [
                r#"module.a.aws_x.per_pool["apps"]"#,
                r#"module.a.aws_x.per_pool["system"]"#,
                r#"module.a.aws_y.renamed["apps-y"]"#,
                r#"module.a.aws_y.renamed["system-y"]"#,
            ]
        );
        assert_eq!(inv.instances[0].arguments["name"], "apps-x");
        assert!(!inv.instances[0].arguments.contains_key("value"));
        assert_eq!(
            inv.unexpanded
                .iter()
                .map(Unexpanded::scope)
                .collect::<Vec<_>>(),
            ["module.a.aws_z.filtered"],
            "a condition on unknown values leaves the keys unknown"
        );
    }

    #[test]
    fn matched_state_attributes_fill_in_references() {
        let t = tree(ROOT, MODULE, "cidrs = { a = \"10.0.1.0/24\" }\n");
        let config = Config::load(&t, "dev").unwrap();
        let mut facts = Facts::default();
        facts.known.insert(
            Address::parse("module.net.aws_vpc.this").unwrap(),
            hcl::to_value(serde_json::json!({"id": "vpc-1", "cidr_block": "10.9.0.0/16"})).unwrap(),
        );
        facts.known.insert(
            Address::parse(r#"module.net.aws_subnet.private["a"]"#).unwrap(),
            hcl::to_value(serde_json::json!({"id": "subnet-1"})).unwrap(),
        );
        let inv = evaluate(&config, &facts);
        let find = |a: &str| {
            inv.instances
                .iter()
                .find(|i| i.address.to_string() == a)
                .unwrap()
        };
        assert_eq!(
            find(r#"module.net.aws_subnet.private["a"]"#).arguments["vpc_id"],
            "vpc-1"
        );
        assert_eq!(
            find(r#"module.net.aws_route_table_association.private["a"]"#).arguments["subnet_id"],
            "subnet-1"
        );
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;
    use crate::tree::Tree;

    /// A chain written against file order (a local reads a resource declared after it, which
    /// reads a call declared after that, whose output another resource reads): one pass in
    /// dependency order knows every value the repeated passes found.
    #[test]
    fn a_chain_against_file_order_settles_in_one_pass() {
        let mut tree = Tree::new();
        tree.insert(
            "environments/dev/main.tf",
            r#"
locals {
  bucket = "${aws_s3_bucket.first.bucket}-logs"
}

resource "aws_s3_bucket" "second" {
  bucket = local.bucket
}

resource "aws_s3_bucket" "first" {
  bucket = module.names.first
}

module "names" {
  source = "../../modules/names"
  prefix = "p"
}
"#,
        );
        tree.insert(
            "modules/names/main.tf",
            r#"
variable "prefix" {}

output "first" {
  value = "${var.prefix}-first"
}
"#,
        );
        let config = Config::load(&tree, "dev").unwrap_or_else(|e| panic!("{e}"));
        let root = &config.modules[&config.root_dir];
        let (steps, settled) = evaluation_order(root);
        assert!(settled);
        let names: Vec<String> = steps
            .iter()
            .map(|s| match *s {
                Step::Local(i) => format!("local.{}", root.locals[i].0),
                Step::Resource(i) => {
                    format!("{}.{}", root.resources[i].type_, root.resources[i].name)
                }
                Step::Call(i) => format!("module.{}", root.calls[i].name),
            })
            .collect();
        assert_eq!(
            names,
            [
                "module.names",
                "aws_s3_bucket.first",
                "local.bucket",
                "aws_s3_bucket.second"
            ]
        );
        let inventory = evaluate(&config, &Facts::default());
        let bucket = |name: &str| {
            inventory
                .instances
                .iter()
                .find(|i| i.address.to_string() == format!("aws_s3_bucket.{name}"))
                .and_then(|i| i.arguments.get("bucket").cloned())
        };
        assert_eq!(bucket("first"), Some(Json::from("p-first")));
        assert_eq!(bucket("second"), Some(Json::from("p-first-logs")));
    }

    /// A cycle (Terraform would reject it) keeps the passes: nothing is lost or loops forever.
    #[test]
    fn a_cycle_is_left_to_the_passes() {
        let mut tree = Tree::new();
        tree.insert(
            "environments/dev/main.tf",
            r#"
resource "aws_s3_bucket" "a" {
  bucket = aws_sqs_queue.b.name
}

resource "aws_sqs_queue" "b" {
  name = aws_s3_bucket.a.bucket
}
"#,
        );
        let config = Config::load(&tree, "dev").unwrap_or_else(|e| panic!("{e}"));
        let (steps, settled) = evaluation_order(&config.modules[&config.root_dir]);
        assert!(!settled);
        assert_eq!(steps.len(), 2);
        assert_eq!(evaluate(&config, &Facts::default()).instances.len(), 2);
    }
}
