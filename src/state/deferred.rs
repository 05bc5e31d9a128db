//! What else a change changes, as `terraform plan` sees it.
//!
//! A matched object whose own arguments agree with the state can still be updated or replaced:
//! - it refers to an object that is replaced (see [`force_new::propagate`]);
//! - it reads a data source that Terraform reads only during apply, because the data source
//!   refers to a resource of its module with changes pending ("read during apply: depends on a
//!   resource or a module with changes pending"). The data source's result is then unknown, and
//!   so is every argument made from it: an IAM policy document built from a log group's ARN
//!   makes the role policy an update as soon as the log group changes at all.
//!
//! Both are applied until nothing more changes, since either can lead to the other.

use std::collections::{BTreeMap, BTreeSet};

use hcl::expr::TraversalOperator;
use hcl::template::{Directive, Element, Template};
use hcl::{Body, Expression, ObjectKey};

use super::address::{Address, Mode, ModulePath};
use super::config::{Config, ModuleConfig};
use super::drift::Drift;
use super::force_new;
use super::instance::ResourceInstance;
use super::inventory::Inventory;
use super::plan::{Action, Planned};

/// Deepest chain of module calls followed.
const MAX_DEPTH: usize = 16;

/// Something an expression names: a resource or a data source of the same module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    /// Type, name, the attribute read when the expression says which, and whether one
    /// instance is picked by key (`T.N[each.key].id`: plain references, followed by
    /// [`force_new::propagate`] instance by instance).
    Resource(String, String, Option<String>, bool),
    Data(String, String),
    /// `var.NAME`, `module.NAME...` or `each.value`: a value that may come from outside the
    /// module.
    Outside,
}

/// Applies replacements and deferred data source reads to `planned` until nothing changes.
pub(super) fn propagate(
    planned: &mut [Planned],
    config: &Config,
    inventory: &Inventory,
    state: &[&ResourceInstance],
) {
    let dirs = module_dirs(config);
    let arguments: BTreeMap<&Address, &serde_json::Map<String, serde_json::Value>> = inventory
        .instances
        .iter()
        .map(|i| (&i.address, &i.arguments))
        .collect();
    let recorded: BTreeMap<&Address, &ResourceInstance> =
        state.iter().map(|s| (&s.address, *s)).collect();
    for _ in 0..planned.len() + 1 {
        force_new::propagate(planned, inventory, state);
        if !defer_data_reads(planned, &arguments, config, &dirs, &recorded) {
            return;
        }
    }
}

/// One round: the arguments of matched objects that read a data source now read during apply
/// become unknown. Returns whether anything changed.
fn defer_data_reads(
    planned: &mut [Planned],
    inventory_args: &BTreeMap<&Address, &serde_json::Map<String, serde_json::Value>>,
    config: &Config,
    dirs: &BTreeMap<Vec<String>, String>,
    recorded: &BTreeMap<&Address, &ResourceInstance>,
) -> bool {
    // Resources with changes pending, per module instance.
    let mut changing: BTreeMap<&ModulePath, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for p in planned.iter() {
        if p.action != Action::Unchanged {
            changing
                .entry(&p.address.module)
                .or_default()
                .insert((p.address.type_.as_str(), p.address.name.as_str()));
        }
    }
    let replaced: Vec<Address> = planned
        .iter()
        .filter(|p| p.action == Action::Replace)
        .map(|p| p.address.clone())
        .collect();
    let mut deferred: BTreeSet<Address> = BTreeSet::new();
    for (path, resources) in &changing {
        let Some(module) = dirs
            .get(&names(path))
            .and_then(|dir| config.modules.get(dir))
        else {
            continue;
        };
        for (type_, name) in deferred_data(module, resources) {
            deferred.insert(Address {
                module: (*path).clone(),
                mode: Mode::Data,
                type_,
                name,
                index: None,
            });
        }
    }
    if deferred.is_empty() && replaced.is_empty() {
        return false;
    }
    // What each replaced object's provider computed (and a replacement changes): the strings
    // of its state that iacgen does not set.
    let computed: Vec<(Address, BTreeSet<String>)> = planned
        .iter()
        .filter(|p| p.action == Action::Replace)
        .filter_map(|p| {
            let old = recorded.get(&p.state.as_ref()?.address)?;
            let mut set = BTreeSet::new();
            if let serde_json::Value::Object(attrs) = old.attributes() {
                // Tags are the same on many objects: they identify nothing.
                for (key, v) in attrs {
                    if key != "tags" && key != "tags_all" {
                        strings(v, &mut set);
                    }
                }
            }
            let mut known = BTreeSet::new();
            if let Some(args) = inventory_args.get(&p.address) {
                for v in args.values() {
                    strings(v, &mut known);
                }
            }
            let set: BTreeSet<String> = set
                .difference(&known)
                .filter(|s| identifies(s))
                .cloned()
                .collect();
            Some((p.address.clone(), set))
        })
        .collect();
    let mut changed = false;
    for p in planned.iter_mut() {
        if matches!(p.action, Action::Create | Action::Replace) {
            continue;
        }
        let Some(old) = p.state.as_ref().and_then(|m| recorded.get(&m.address)) else {
            continue;
        };
        let Some(module) = dirs
            .get(&names(&p.address.module))
            .and_then(|dir| config.modules.get(dir))
        else {
            continue;
        };
        let Some(resource) = module
            .resources
            .iter()
            .find(|r| r.type_ == p.address.type_ && r.name == p.address.name)
        else {
            continue;
        };
        let arguments = resource
            .attrs
            .iter()
            .map(|(name, expr)| (name.clone(), named_in_expr(module, expr)))
            .chain(resource.blocks.iter().map(|b| {
                let mut found = BTreeSet::new();
                body_names(module, b.body(), &mut found);
                (b.identifier().to_string(), found)
            }));
        for (argument, found) in arguments {
            let data = found.iter().find_map(|n| match n {
                Named::Data(t, d) => deferred
                    .iter()
                    .find(|a| a.module == p.address.module && a.type_ == *t && a.name == *d),
                Named::Resource(..) | Named::Outside => None,
            });
            // Or a replaced resource read through an expression other than a plain reference
            // (`values(aws_subnet.db)[*].id`), for an attribute iacgen does not set.
            let data = data.or_else(|| {
                found.iter().find_map(|n| match n {
                    Named::Resource(t, r, attribute, false) => replaced.iter().find(|a| {
                        a.module == p.address.module
                            && a.type_ == *t
                            && a.name == *r
                            && !attribute
                                .as_ref()
                                .is_some_and(|at| sets_known(inventory_args, a, at))
                    }),
                    _ => None,
                })
            });
            // Or a replaced object picked by key (`T.N[each.value.pool].resources[0]...`) or
            // passed in from another module: the argument's recorded value holds one of the
            // values the provider computed for that object, which a replacement changes.
            let value = old.attribute(&argument);
            let data = data.or_else(|| {
                let value = value?;
                found.iter().find_map(|n| {
                    let candidate = |a: &Address| match n {
                        Named::Resource(t, r, _, true) => {
                            a.module == p.address.module && a.type_ == *t && a.name == *r
                        }
                        Named::Outside => true,
                        _ => false,
                    };
                    computed
                        .iter()
                        .filter(|(a, _)| candidate(a))
                        .find(|(_, strings)| mentions(value, strings))
                        .map(|(a, _)| a)
                })
            });
            let Some(data) = data else {
                continue;
            };
            if value.is_none_or(|v| v.is_null() || v.as_str() == Some(""))
                || p.drift.iter().any(|d| d.argument == argument)
                || resource_ignores(resource, &argument)
            {
                continue;
            }
            p.drift.push(Drift {
                argument: argument.clone(),
                iacgen: None,
                state: value.filter(|_| !old.is_sensitive(&argument)).cloned(),
                after_apply_from: Some(data.clone()),
            });
            changed = true;
        }
        p.action = force_new::action(&p.address.type_, &p.drift, p.tainted);
    }
    changed
}

/// Whether iacgen sets `attribute` of `address` to a value known before apply (a name): then
/// it stays the same when the object is replaced.
fn sets_known(
    arguments: &BTreeMap<&Address, &serde_json::Map<String, serde_json::Value>>,
    address: &Address,
    attribute: &str,
) -> bool {
    arguments
        .get(address)
        .and_then(|a| a.get(attribute))
        .is_some_and(|v| !v.is_null())
}

/// Shorter strings (a region, a name part) would be found by coincidence.
const MIN_MENTION: usize = 12;

/// Whether a computed string can stand for one object: long, with digits (IDs, ARNs, generated
/// names), and not a number alone (an account ID is in every ARN).
fn identifies(s: &str) -> bool {
    s.len() >= MIN_MENTION
        && s.bytes().any(|b| b.is_ascii_digit())
        && !s.bytes().all(|b| b.is_ascii_digit())
        && !s.contains(char::is_whitespace)
}

fn strings(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Whether a recorded value holds one of `wanted`, whole or inside a longer string (a JSON
/// document such as a dashboard body).
fn mentions(value: &serde_json::Value, wanted: &BTreeSet<String>) -> bool {
    let mut found = BTreeSet::new();
    strings(value, &mut found);
    found
        .iter()
        .any(|s| wanted.iter().any(|w| s == w || s.contains(w.as_str())))
}

fn resource_ignores(resource: &super::config::ResourceConfig, argument: &str) -> bool {
    resource.ignore_changes.ignores(argument)
}

/// The data sources of `module` that refer, directly, through locals or through other data
/// sources, to one of `changing`.
fn deferred_data(
    module: &ModuleConfig,
    changing: &BTreeSet<(&str, &str)>,
) -> Vec<(String, String)> {
    let reads: Vec<((String, String), BTreeSet<Named>)> = module
        .data_bodies
        .iter()
        .map(|(t, n, body)| {
            let mut found = BTreeSet::new();
            body_names(module, body, &mut found);
            ((t.clone(), n.clone()), found)
        })
        .collect();
    let mut out: BTreeSet<(String, String)> = BTreeSet::new();
    loop {
        let before = out.len();
        for (data, found) in &reads {
            let depends = found.iter().any(|n| match n {
                Named::Resource(t, r, _, _) => changing.contains(&(t.as_str(), r.as_str())),
                Named::Data(t, d) => out.contains(&(t.clone(), d.clone())),
                Named::Outside => false,
            });
            if depends {
                out.insert(data.clone());
            }
        }
        if out.len() == before {
            return out.into_iter().collect();
        }
    }
}

/// Module instance path → module names (`module.a["x"].module.b` → `["a", "b"]`).
fn names(path: &ModulePath) -> Vec<String> {
    path.0.iter().map(|s| s.name.clone()).collect()
}

/// Module names from the root → the module's directory.
fn module_dirs(config: &Config) -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![(Vec::new(), config.root_dir.clone())];
    while let Some((path, dir)) = todo.pop() {
        if path.len() > MAX_DEPTH || out.contains_key(&path) {
            continue;
        }
        if let Some(module) = config.modules.get(&dir) {
            for call in &module.calls {
                if let Some(child) = &call.dir {
                    let mut p = path.clone();
                    p.push(call.name.clone());
                    todo.push((p, child.clone()));
                }
            }
        }
        out.insert(path, dir);
    }
    out
}

fn named_in_expr(module: &ModuleConfig, expr: &Expression) -> BTreeSet<Named> {
    let mut found = BTreeSet::new();
    let mut seen_locals = BTreeSet::new();
    walk(module, expr, &mut found, &mut seen_locals);
    found
}

fn body_names(module: &ModuleConfig, body: &Body, found: &mut BTreeSet<Named>) {
    let mut seen_locals = BTreeSet::new();
    for a in body.attributes() {
        walk(module, a.expr(), found, &mut seen_locals);
    }
    for b in body.blocks() {
        body_names(module, b.body(), found);
    }
}

/// Collects the resources and data sources `expr` names, following `local.NAME` into the
/// module's locals (each once).
fn walk(
    module: &ModuleConfig,
    expr: &Expression,
    found: &mut BTreeSet<Named>,
    seen_locals: &mut BTreeSet<String>,
) {
    match expr {
        Expression::Array(items) => items
            .iter()
            .for_each(|e| walk(module, e, found, seen_locals)),
        Expression::Object(object) => {
            for (key, value) in object {
                if let ObjectKey::Expression(k) = key {
                    walk(module, k, found, seen_locals);
                }
                walk(module, value, found, seen_locals);
            }
        }
        Expression::TemplateExpr(t) => {
            if let Ok(template) = Template::from_expr(t) {
                template_exprs(&template, &mut |e| walk(module, e, found, seen_locals));
            }
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(root) = &t.expr {
                let attr = |i: usize| match t.operators.get(i) {
                    Some(TraversalOperator::GetAttr(a)) => Some(a.to_string()),
                    _ => None,
                };
                match (root.as_str(), attr(0), attr(1)) {
                    // `each.value` too: a `for_each` over a variable brings its values in.
                    ("var" | "module" | "each", _, _) => {
                        found.insert(Named::Outside);
                    }
                    ("data", Some(type_), Some(name)) => {
                        found.insert(Named::Data(type_, name));
                    }
                    ("local", Some(name), _) => {
                        if seen_locals.insert(name.clone())
                            && let Some((_, value)) = module.locals.iter().find(|(n, _)| *n == name)
                        {
                            walk(module, value, found, seen_locals);
                        }
                    }
                    (type_, Some(name), _)
                        if module
                            .resources
                            .iter()
                            .any(|r| r.type_ == type_ && r.name == name) =>
                    {
                        // `T.N.attr`, `T.N[key].attr` or `T.N[*].attr`.
                        let attribute = match t.operators.get(1) {
                            Some(TraversalOperator::GetAttr(a)) => Some(a.to_string()),
                            Some(_) => attr(2),
                            None => None,
                        };
                        let keyed = matches!(
                            t.operators.get(1),
                            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                        );
                        found.insert(Named::Resource(type_.to_string(), name, attribute, keyed));
                    }
                    _ => {}
                }
            } else {
                walk(module, &t.expr, found, seen_locals);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    walk(module, e, found, seen_locals);
                }
            }
        }
        Expression::FuncCall(f) => f
            .args
            .iter()
            .for_each(|e| walk(module, e, found, seen_locals)),
        Expression::Parenthesis(e) => walk(module, e, found, seen_locals),
        Expression::Conditional(c) => {
            walk(module, &c.cond_expr, found, seen_locals);
            walk(module, &c.true_expr, found, seen_locals);
            walk(module, &c.false_expr, found, seen_locals);
        }
        Expression::Operation(op) => match op.as_ref() {
            hcl::expr::Operation::Unary(u) => walk(module, &u.expr, found, seen_locals),
            hcl::expr::Operation::Binary(b) => {
                walk(module, &b.lhs_expr, found, seen_locals);
                walk(module, &b.rhs_expr, found, seen_locals);
            }
        },
        Expression::ForExpr(f) => {
            walk(module, &f.collection_expr, found, seen_locals);
            if let Some(k) = &f.key_expr {
                walk(module, k, found, seen_locals);
            }
            walk(module, &f.value_expr, found, seen_locals);
            if let Some(c) = &f.cond_expr {
                walk(module, c, found, seen_locals);
            }
        }
        _ => {}
    }
}

fn template_exprs(template: &Template, f: &mut dyn FnMut(&Expression)) {
    for element in template.elements() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => f(&i.expr),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    f(&i.cond_expr);
                    template_exprs(&i.true_template, f);
                    if let Some(e) = &i.false_template {
                        template_exprs(e, f);
                    }
                }
                Directive::For(d) => {
                    f(&d.collection_expr);
                    template_exprs(&d.template, f);
                }
            },
        }
    }
}
