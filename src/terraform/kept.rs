//! Kept values in generated modules: an argument that some environment keeps reads
//! `lookup(var.kept, "<key>", <iacgen's value>)`, and the module gets a `kept` variable
//! (`map(string)`) that each root sets from its environment's kept values (root variable
//! `<call>_kept`, in `terraform.tfvars`). Modules nobody keeps anything in are untouched, so
//! output without kept values is byte-identical to output without this mechanism.
//!
//! Generic on purpose: any resource argument of any module can be kept, addressed by
//! [`KeptKey`]; the module generators know nothing about it.

use std::collections::BTreeMap;

use super::interface::Variable;
use super::module::{Input, Module};
use crate::hcl::{Block, Body, Expr, Item, Part, ex, obj, s, template};
use crate::model::kept::{KEPT_LIST_SEPARATOR, Kept, KeptKey, is_kept_list, kept_instead_of};

/// The module variable that carries kept values.
pub const KEPT_VAR: &str = "kept";

/// What is wrong with one kept value, given the modules it would apply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptProblem {
    pub env: String,
    pub module: String,
    /// `None` when the module itself is the problem.
    pub key: Option<KeptKey>,
    pub message: String,
}

/// Every kept value that names something the modules do not have: an unknown module call, a
/// resource the module does not declare, an argument inside a nested block it does not
/// write, or an instance key on a resource without `for_each` (and the reverse).
pub fn problems(kept: &Kept, modules: &[Module]) -> Vec<KeptProblem> {
    let mut out = Vec::new();
    for (env, calls) in &kept.environments {
        for (call, values) in calls {
            let problem = |key: Option<&KeptKey>, message: String| KeptProblem {
                env: env.clone(),
                module: call.clone(),
                key: key.cloned(),
                message,
            };
            let Some(module) = modules.iter().find(|m| &m.name == call) else {
                let known: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
                out.push(problem(
                    None,
                    format!(
                        "no module call {call:?} (module calls: {})",
                        known.join(", ")
                    ),
                ));
                continue;
            };
            for key in values.keys() {
                if let Err(message) = check(&module.main, &module.dir, key) {
                    out.push(problem(Some(key), message));
                }
            }
        }
    }
    out
}

fn check(main: &Body, dir: &str, key: &KeptKey) -> Result<(), String> {
    let Some(resource) = find_resource(main, &key.type_, &key.name) else {
        let declared: Vec<String> = resources(main)
            .map(|b| format!("{}.{}", b.labels[0], b.labels[1]))
            .collect();
        return Err(format!(
            "modules/{dir} declares no resource {}.{} (it declares {})",
            key.type_,
            key.name,
            declared.join(", ")
        ));
    };
    let for_each = has_attr(&resource.body, "for_each");
    match (&key.instance, for_each) {
        (None, true) => {
            return Err(format!(
                "{}.{} has one instance per key (for_each): name the instance, e.g. {}.{}[KEY].{}",
                key.type_,
                key.name,
                key.type_,
                key.name,
                key.path.join(".")
            ));
        }
        (Some(k), false) => {
            return Err(format!(
                "{}.{} has a single instance: drop the instance key [{k}]",
                key.type_, key.name
            ));
        }
        _ => {}
    }
    let (blocks, _) = key.path.split_at(key.path.len() - 1);
    let mut body = &resource.body;
    for name in blocks {
        match first_block(body, name) {
            Some(b) => body = &b.body,
            None => {
                return Err(format!(
                    "{}.{} in modules/{dir} has no `{name}` block",
                    key.type_, key.name
                ));
            }
        }
    }
    Ok(())
}

/// Applies the kept values to the modules: wraps each kept argument and adds the `kept` input.
/// Call only with a `kept` that [`problems`] accepts (others are skipped).
pub fn apply(kept: &Kept, modules: &mut [Module], envs: &[String]) {
    // Calls sharing a directory share code (one `ecs-service` module, a call per service):
    // every call of a directory gets the arguments any of them keeps, and its own values.
    let mut per_dir: BTreeMap<String, Vec<(String, String, Vec<String>)>> = BTreeMap::new();
    for module in modules.iter() {
        per_dir
            .entry(module.dir.clone())
            .or_default()
            .extend(kept.arguments(&module.name));
    }
    let mut wrapped: BTreeMap<String, std::rc::Rc<Body>> = BTreeMap::new();
    for module in modules.iter_mut() {
        let Some(arguments) = per_dir.get_mut(&module.dir) else {
            continue;
        };
        if arguments.is_empty() {
            continue;
        }
        arguments.sort();
        arguments.dedup();
        // Once per directory: its calls share one body.
        match wrapped.get(&module.dir) {
            Some(main) => module.main = main.clone(),
            None => {
                let main = std::rc::Rc::make_mut(&mut module.main);
                for (type_, name, path) in arguments.iter() {
                    wrap(main, type_, name, path);
                    if let Some(sibling) = kept_instead_of(type_, path) {
                        unset_when_kept(main, type_, name, path, sibling);
                    }
                }
                wrapped.insert(module.dir.clone(), module.main.clone());
            }
        }
        let values: super::module::PerEnv = envs
            .iter()
            .map(|env| {
                let entries = kept
                    .values(env, &module.name)
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.to_string(), s(v.clone())));
                (env.clone(), obj(entries))
            })
            .collect();
        module.inputs.push(Input::setting(
            Variable::new(
                KEPT_VAR,
                "map(string)",
                "Values kept from existing objects (written by `iacgen plan --write-kept`): \
                 resource argument => value. An argument not listed gets iacgen's own value.",
            ),
            values,
        ));
    }
}

/// The `resource "TYPE" "NAME"` block of `main`.
fn resource_mut<'a>(main: &'a mut Body, type_: &str, name: &str) -> Option<&'a mut Block> {
    main.items.iter_mut().find_map(|item| match item {
        Item::Block(b)
            if b.ident == "resource"
                && b.labels.len() == 2
                && b.labels[0] == type_
                && b.labels[1] == name =>
        {
            Some(b)
        }
        _ => None,
    })
}

/// `sibling = <its value>` becomes `sibling = lookup(var.kept, KEY, null) == null ? <its value> :
/// null`, KEY being the kept `path`: null where the kept value is set. A `sibling { ... }`
/// block becomes `dynamic "sibling"` with one instance where the kept value is not set, none
/// where it is.
fn unset_when_kept(main: &mut Body, type_: &str, name: &str, path: &[String], sibling: &str) {
    let Some(resource) = resource_mut(main, type_, name) else {
        return;
    };
    let for_each = has_attr(&resource.body, "for_each");
    let key = if for_each {
        format!("\"{type_}.{name}[${{each.key}}].{}\"", path.join("."))
    } else {
        format!("\"{type_}.{name}.{}\"", path.join("."))
    };
    for item in resource.body.items.iter_mut() {
        match item {
            Item::Attr(attr, expr) if attr.as_str() == sibling => {
                let current = crate::hcl::print_expr(expr);
                *expr = ex(&format!(
                    "lookup(var.kept, {key}, null) == null ? {current} : null"
                ));
            }
            Item::Block(b) if b.ident == sibling && b.labels.is_empty() => {
                let content = std::mem::take(&mut b.body);
                *b = crate::hcl::block(
                    "dynamic",
                    &[sibling],
                    Body::new()
                        .attr(
                            "for_each",
                            ex(&format!("lookup(var.kept, {key}, null) == null ? [1] : []")),
                        )
                        .blank()
                        .block(crate::hcl::block("content", &[], content)),
                );
            }
            _ => {}
        }
    }
}

/// The root variable that carries module call `call`'s kept values: `<call>_kept`.
pub fn root_var_name(call: &str) -> String {
    format!("{call}_{KEPT_VAR}")
}

fn resources(body: &Body) -> impl Iterator<Item = &Block> {
    body.items.iter().filter_map(|item| match item {
        Item::Block(b) if b.ident == "resource" && b.labels.len() == 2 => Some(b),
        _ => None,
    })
}

fn find_resource<'a>(body: &'a Body, type_: &str, name: &str) -> Option<&'a Block> {
    resources(body).find(|b| b.labels[0] == type_ && b.labels[1] == name)
}

fn has_attr(body: &Body, name: &str) -> bool {
    body.items
        .iter()
        .any(|i| matches!(i, Item::Attr(k, _) if k == name))
}

fn first_block<'a>(body: &'a Body, ident: &str) -> Option<&'a Block> {
    body.items.iter().find_map(|i| match i {
        Item::Block(b) if b.ident == ident => Some(b),
        _ => None,
    })
}

fn wrap(main: &mut Body, type_: &str, name: &str, path: &[String]) {
    let Some(resource) = resource_mut(main, type_, name) else {
        return;
    };
    let for_each = has_attr(&resource.body, "for_each");
    let (Some(attr), blocks) = (path.last(), &path[..path.len().saturating_sub(1)]) else {
        return;
    };
    let key = if for_each {
        template(vec![
            Part::Lit(format!("{type_}.{name}[")),
            Part::Interp(ex("each.key")),
            Part::Lit(format!("].{}", path.join("."))),
        ])
    } else {
        s(format!("{type_}.{name}.{}", path.join(".")))
    };
    let mut body = &mut resource.body;
    for ident in blocks {
        let Some(next) = body.items.iter_mut().find_map(|i| match i {
            Item::Block(b) if &b.ident == ident => Some(b),
            _ => None,
        }) else {
            return;
        };
        body = &mut next.body;
    }
    let lookup = |default: Expr| {
        Expr::FuncCall(Box::new(
            hcl::expr::FuncCall::builder("lookup")
                .arg(ex("var.kept"))
                .arg(key.clone())
                .arg(default)
                .build(),
        ))
    };
    if is_kept_list(type_, path) {
        // `A = lookup(var.kept, KEY, null) == null ? <iacgen's value> : split(",", ...)`.
        let key_text = crate::hcl::print_expr(&key);
        let current = body.items.iter().find_map(|i| match i {
            Item::Attr(k, v) if k == attr => Some(crate::hcl::print_expr(v)),
            _ => None,
        });
        let value = ex(&format!(
            "lookup(var.kept, {key_text}, null) == null ? {} : split({:?}, var.kept[{key_text}])",
            current.as_deref().unwrap_or("null"),
            KEPT_LIST_SEPARATOR
        ));
        if let Some(Item::Attr(_, v)) = body
            .items
            .iter_mut()
            .find(|i| matches!(i, Item::Attr(k, _) if k == attr))
        {
            *v = value;
        } else {
            let at = body
                .items
                .iter()
                .rposition(|i| matches!(i, Item::Attr(..)))
                .map_or(0, |i| i + 1);
            body.items.insert(at, Item::Attr(attr.clone(), value));
        }
        return;
    }
    if let Some(Item::Attr(_, value)) = body
        .items
        .iter_mut()
        .find(|i| matches!(i, Item::Attr(k, _) if k == attr))
    {
        *value = lookup(value.clone());
        return;
    }
    // Not set by iacgen: set it only where kept (null leaves it to the provider).
    let at = body
        .items
        .iter()
        .rposition(|i| matches!(i, Item::Attr(..)))
        .map_or(0, |i| i + 1);
    body.items
        .insert(at, Item::Attr(attr.clone(), lookup(Expr::Null)));
}
