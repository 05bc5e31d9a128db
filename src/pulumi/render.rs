//! A [`describe::Component`] as a Pulumi Python component: each resource a constructor call
//! (keyed ones in a dict comprehension, or a loop when nothing refers to them), neutral
//! expressions as Python, policy documents as `json.dumps` (`pulumi.Output.json_dumps` when
//! they hold outputs), inputs as the arguments dataclass read from stack config.

use super::component::{
    self, Arg, ArgSource, Component, ConfigKind, account_id, init_preamble, partition, tags_named,
};
use super::py::{self, Expr, Stmt, bin, call, dict_comp, if_exp, list_comp, name, path};
use super::types;
use crate::describe::{
    self, Expr as D, Fact, Item, Op, Part, Policy, ResId, Resource, Source, Tags, Type, Value,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The Pulumi component of `component`, which has no wired inputs.
pub fn component(component: &describe::Component) -> Component {
    component_in(component, &[])
        .unwrap_or_else(|| panic!("iacgen bug: {} has wired inputs", component.module))
}

/// The Pulumi component of `component`, its wired inputs taken from the outputs of the
/// components in `built`; `None` when one of those is missing.
pub fn component_in(component: &describe::Component, built: &[Component]) -> Option<Component> {
    let parts = parts(component, built)?;
    // A Python module name has no `-` (`modules/ecs-cluster` is `components/ecs_cluster.py`).
    let module = component.module.replace('-', "_");
    let mut init = init_preamble(
        &format!("iacgen:{module}:{}", component.class),
        path("args.name"),
    );
    for fact in &component.facts {
        match fact {
            Fact::AccountId => init.push(account_id()),
            Fact::Partition => init.push(partition()),
            Fact::Region => {}
        }
    }
    init.extend(parts.items);
    init.extend(parts.outputs);
    // The first paragraph: the rest of a summary is about the Terraform module (its README).
    let summary = component
        .summary
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim_end();
    let class = component::class(&component.class, component::wrap(summary, 80), init);
    let mut body = parts.types;
    body.push(Stmt::Class(class));
    Some(Component {
        module,
        instance: component.instance.clone(),
        prefix: String::new(),
        class: component.class.clone(),
        body,
        imports: parts.imports,
        summary: format!(
            "{} (the counterpart of the Terraform module modules/{}).",
            summary.trim_end_matches('.'),
            component.module
        ),
        args: parts.args,
        outputs: parts.exports,
        export_group: None,
    })
}

/// A component rendered in pieces, for a class that adds code of its own around them (the ECS
/// service's checks): [`component_in`] puts them together as they are.
pub struct Parts {
    /// The fields of the arguments class, with what the program passes.
    pub args: Vec<Arg>,
    /// The `TypedDict` classes of the inputs' object types, each after those it uses.
    pub types: Vec<Stmt>,
    /// The items' statements, each after those it refers to.
    pub items: Vec<Stmt>,
    /// The outputs kept on the component and registered.
    pub outputs: Vec<Stmt>,
    /// This instance's outputs, by name: an expression on the component (`self.vpc.id`), or
    /// `None` for an output its inputs rule out.
    pub exports: Vec<(String, Expr)>,
    pub imports: Vec<py::Import>,
}

/// The pieces of `component` rendered with `items` in place of its own (see [`Parts`]); its
/// wired inputs are taken from the outputs of the components in `built`, `None` when one of
/// those is missing.
pub fn parts(component: &describe::Component, built: &[Component]) -> Option<Parts> {
    parts_of(component, &component.items, built)
}

/// [`parts`] with `items` in place of the component's own (a narrowed copy).
pub fn parts_of(
    component: &describe::Component,
    items: &[Item],
    built: &[Component],
) -> Option<Parts> {
    let args = args(component, built)?;
    let mut r = Renderer::new(component, items);
    let mut statements = Vec::new();
    for item in in_dependency_order(items) {
        statements.extend(r.item(item));
    }
    let (outputs, exports) = r.outputs(component);

    let types = object_types(component);
    let mut imports = Vec::new();
    if r.collections {
        imports.push(py::import("collections"));
    }
    if r.hashlib {
        imports.push(py::import("hashlib"));
    }
    if r.json {
        imports.push(py::import("json"));
    }
    imports.push(py::import_as("pulumi_aws", "aws"));
    if component.resources().any(|r| r.kind.starts_with("random_")) {
        imports.push(py::import_as("pulumi_random", "random"));
    }
    if r.any {
        imports.push(py::from_import("typing", &["Any"]));
    }
    if !types.is_empty() {
        imports.push(py::from_import("typing", &["TypedDict"]));
    }
    Some(Parts {
        args,
        types,
        items: statements,
        outputs,
        exports,
        imports,
    })
}

impl Renderer {
    /// The statements that keep and register `component`'s outputs, and this instance's
    /// outputs. An output that exists only under a condition ([`describe::Output::when`]) is
    /// kept and registered only then, the others in one dict first.
    fn outputs(&mut self, component: &describe::Component) -> (Vec<Stmt>, Vec<(String, Expr)>) {
        let mut init = Vec::new();
        let mut outputs: Vec<(String, Expr)> = Vec::new();
        let mut exports: Vec<(String, Expr)> = Vec::new();
        // Conditional outputs, grouped by their condition, in order: the condition, the
        // statements keeping them, and the outputs registered.
        type Group = (D, Vec<Stmt>, Vec<(String, Expr)>);
        let mut conditional: Vec<Group> = Vec::new();
        for o in &component.outputs {
            let value = self.expr(&o.value);
            let field = format!("self.{}", o.name);
            if let Some(when) = &o.when {
                let export = if component.rules_out(when) {
                    Expr::None
                } else {
                    path(&field)
                };
                exports.push((o.name.clone(), export));
                let group = match conditional.iter().position(|(c, _, _)| c == when) {
                    Some(i) => i,
                    None => {
                        conditional.push((when.clone(), Vec::new(), Vec::new()));
                        conditional.len() - 1
                    }
                };
                let (_, body, registered) = &mut conditional[group];
                body.push(py::assign(&field, value));
                registered.push((o.name.clone(), path(&field)));
                continue;
            }
            let kept = if !o.after.is_empty() {
                Some(self.after(value.clone(), &o.after))
            // A map computed from resources (an attribute by key, a map built in a
            // comprehension) is kept too, so that the program indexes a dict rather than a
            // comprehension; so is a value made of inputs, since the program reads outputs
            // from the component object (`network.azs`).
            } else if o.value.refs().is_empty() || matches!(o.value, D::ByKey { .. } | D::ForMap(_))
            {
                Some(value.clone())
            } else {
                None
            };
            let value = match kept {
                Some(kept) => {
                    init.push(py::assign(&field, kept));
                    path(&field)
                }
                None => value,
            };
            outputs.push((o.name.clone(), value.clone()));
            exports.push((o.name.clone(), value));
        }
        if conditional.is_empty() {
            init.push(Component::register_outputs(&outputs));
            return (init, exports);
        }
        init.push(py::assign_typed(
            "outputs",
            // Typed for `update`: the only component with conditional outputs (the ECS
            // service) has names, ARNs and ids, all strings; pyright says so if that changes.
            "dict[str, pulumi.Output[str]]",
            py::dict(outputs),
        ));
        for (when, mut body, registered) in conditional {
            body.push(Stmt::Expr(
                name("outputs").method("update", vec![py::dict(registered)]),
            ));
            init.push(Stmt::If {
                cond: self.expr(&when),
                body,
            });
        }
        init.push(Stmt::Expr(
            path("self.register_outputs").method_call(vec![name("outputs")]),
        ));
        (init, exports)
    }
}

/// The `TypedDict` class of each object type the inputs use, each after the types it uses.
fn object_types(component: &describe::Component) -> Vec<Stmt> {
    fn collect(ty: Type, out: &mut Vec<&'static describe::ObjectType>) {
        match ty {
            Type::Opt(inner) => collect(*inner, out),
            Type::Object(object) => {
                for (_, field) in object.fields {
                    collect(*field, out);
                }
                if !out.contains(&object) {
                    out.push(object);
                }
            }
            _ => {}
        }
    }
    let mut objects = Vec::new();
    for input in &component.inputs {
        collect(input.ty, &mut objects);
    }
    objects
        .into_iter()
        .map(|object| {
            Stmt::Class(py::Class {
                name: object.name.to_string(),
                decorators: vec![],
                bases: vec![name("TypedDict")],
                doc: Some(object.doc.to_string()),
                body: object
                    .fields
                    .iter()
                    .map(|(field, ty)| Stmt::Declare {
                        name: field.to_string(),
                        annotation: python_type(*ty, false),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The items with each one after the items it refers to: Python runs in order, while
/// Terraform (and so a description) may name a resource before the one it refers to (a topic
/// policy naming the rule that publishes). Otherwise in the description's order.
fn in_dependency_order(items: &[Item]) -> Vec<&Item> {
    let id = |item: &Item| match item {
        Item::Resource(r) => (r.kind.to_string(), r.name.clone()),
        Item::Local(l) => ("local".to_string(), l.name.clone()),
    };
    let needs = |item: &Item| {
        let mut out = BTreeSet::new();
        let mut note = |e: &D| {
            for r in e.refs() {
                out.insert((r.kind.to_string(), r.name));
            }
            e.walk(&mut |e| {
                if let D::Local(name) = e {
                    out.insert(("local".to_string(), name.clone()));
                }
            });
        };
        match item {
            Item::Local(l) => note(&l.value),
            Item::Resource(r) => {
                r.args.iter().for_each(|(_, v)| note(v));
                r.lets.iter().for_each(|(_, v)| note(v));
                if let Some(keys) = &r.keys {
                    note(&keys.over);
                }
                for d in &r.depends_on {
                    out.insert((d.kind.to_string(), d.name.clone()));
                }
            }
        }
        out.remove(&id(item));
        out
    };
    let known: BTreeSet<_> = items.iter().map(id).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    let mut pending: Vec<&Item> = items.iter().collect();
    while !pending.is_empty() {
        let ready = pending.iter().position(|item| {
            needs(item)
                .iter()
                .all(|n| done.contains(n) || !known.contains(n))
        });
        // A cycle cannot be written in Python either: keep the order given.
        let item = pending.remove(ready.unwrap_or(0));
        done.insert(id(item));
        out.push(item);
    }
    out
}

fn args(component: &describe::Component, built: &[Component]) -> Option<Vec<Arg>> {
    let mut args = Vec::new();
    for input in &component.inputs {
        if !input.for_target(describe::Target::Pulumi) {
            continue;
        }
        match &input.source {
            Source::Name => args.push(Arg::wired("name", "str", name("name"))),
            Source::Tags => {
                args.push(Arg::wired("tags", "dict[str, str]", name("tags")));
                // Terraform reads the region with a data source; a component is told it.
                if component.facts.contains(&Fact::Region) {
                    args.push(Arg::wired("region", "str", name("region")));
                }
            }
            Source::Setting(values) => {
                let values: BTreeMap<String, serde_json::Value> = values
                    .iter()
                    .map(|(env, v)| (env.clone(), value(v)))
                    .collect();
                args.push(Arg::setting(
                    &input.name,
                    &annotation(input.ty, false),
                    config_kind(input.ty),
                    values,
                ));
            }
            Source::Literal(v) => {
                args.push(Arg::wired(
                    &input.name,
                    &annotation(input.ty, false),
                    literal(v),
                ));
            }
            Source::Wired(wire) => {
                // A setting of another component is known before deployment.
                let output = !matches!(wire, describe::Wire::Setting(_));
                args.push(Arg::wired(
                    &input.name,
                    &annotation(input.ty, output),
                    wired(wire, built)?,
                ));
            }
        }
    }
    Some(args)
}

/// The annotation of an argument of type `ty`: `pulumi.Input[...]` for values that may be
/// other components' outputs. An object type is a class defined after the arguments class,
/// so the annotation is then a string (a forward reference).
fn annotation(ty: Type, output: bool) -> String {
    let text = python_type(ty, output);
    if names_object(ty) {
        format!("\"{text}\"")
    } else {
        text
    }
}

fn names_object(ty: Type) -> bool {
    match ty {
        Type::Object(_) => true,
        Type::Opt(inner) => names_object(*inner),
        _ => false,
    }
}

/// The Python type of a value of type `ty`; with `output`, its scalars may be other
/// components' outputs (`pulumi.Input[str]`), otherwise they are known when the program starts
/// (a setting, a literal).
fn python_type(ty: Type, output: bool) -> String {
    let scalar = |t: &str| {
        if output {
            format!("pulumi.Input[{t}]")
        } else {
            t.to_string()
        }
    };
    match ty {
        Type::Str => scalar("str"),
        Type::Int => scalar("int"),
        Type::Num => scalar("float"),
        Type::Bool => scalar("bool"),
        Type::StrList | Type::StrSet => format!("list[{}]", scalar("str")),
        Type::StrMap => format!("dict[str, {}]", scalar("str")),
        Type::IntMap => format!("dict[str, {}]", scalar("int")),
        Type::IntObjectMap(_) => format!("dict[str, dict[str, {}]]", scalar("int")),
        Type::ObjMap(_) => format!("dict[str, dict[str, {}]]", scalar("str")),
        Type::Opt(inner) => format!("{} | None", python_type(*inner, output)),
        Type::Object(object) => object.name.to_string(),
    }
}

/// How `__main__.py` reads a setting of type `ty` from stack config.
fn config_kind(ty: Type) -> ConfigKind {
    match ty {
        Type::Str => ConfigKind::Str,
        Type::Opt(Type::Str) => ConfigKind::OptionalStr,
        Type::Opt(_) => ConfigKind::OptionalObject,
        Type::Int => ConfigKind::Int,
        Type::Num => ConfigKind::Float,
        Type::Bool => ConfigKind::Bool,
        _ => ConfigKind::Object,
    }
}

/// A value written into `__main__.py`.
fn literal(v: &Value) -> Expr {
    match v {
        Value::Str(text) => py::s(text),
        Value::Int(n) => py::int(*n),
        Value::Bool(b) => Expr::Bool(*b),
        Value::Null => Expr::None,
        Value::StrList(items) => py::strs(items),
        Value::StrMap(pairs) => py::dict(pairs.iter().map(|(k, v)| (k.clone(), py::s(v)))),
        Value::IntMap(pairs) => py::dict(pairs.iter().map(|(k, v)| (k.clone(), py::int(*v)))),
        Value::IntObjectMap(entries) => py::dict(entries.iter().map(|(k, fields)| {
            (
                k.clone(),
                py::dict(fields.iter().map(|(f, n)| (*f, py::int(*n)))),
            )
        })),
        // Whole numbers as integers, as Terraform's tfvars have them; digits otherwise.
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => py::int(*n as i64),
        Value::Num(n) => Expr::Name(n.to_string()),
        Value::Object(fields) => py::dict(fields.iter().map(|(k, v)| (k.clone(), literal(v)))),
    }
}

/// A wired value in `__main__.py`: outputs of the components in `built`.
fn wired(wire: &describe::Wire, built: &[Component]) -> Option<Expr> {
    Some(match wire {
        describe::Wire::Output(instance, output) => component::output_of(built, instance, output)?,
        describe::Wire::Entry(map, key) => wired(map, built)?.index(py::s(key)),
        describe::Wire::Values(map) => component::values_list(wired(map, built)?),
        describe::Wire::Map(pairs) => {
            let mut items = Vec::new();
            for (k, w) in pairs {
                items.push((k.as_str(), wired(w, built)?));
            }
            py::dict(items)
        }
        // The value the component that declares the setting passes.
        describe::Wire::Setting(root) => {
            let key = component::camel_case(root);
            built
                .iter()
                .flat_map(|c| &c.args)
                .find(|a| matches!(&a.source, ArgSource::Setting { key: k, .. } if *k == key))?
                .value()
        }
        describe::Wire::Literal(v) => literal(v),
    })
}

fn value(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(text) => json!(text),
        Value::Int(n) => json!(n),
        Value::StrList(items) => json!(items),
        Value::StrMap(pairs) => {
            serde_json::Value::Object(pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        }
        Value::IntMap(pairs) => {
            serde_json::Value::Object(pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        }
        Value::Bool(b) => json!(b),
        Value::Null => serde_json::Value::Null,
        Value::IntObjectMap(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, fields)| {
                    let fields = fields.iter().map(|(f, n)| (f.to_string(), json!(n)));
                    (k.clone(), serde_json::Value::Object(fields.collect()))
                })
                .collect(),
        ),
        // Whole numbers as integers, as Terraform's tfvars have them.
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
        Value::Num(n) => json!(n),
        Value::Object(fields) => {
            serde_json::Value::Object(fields.iter().map(|(k, v)| (k.clone(), value(v))).collect())
        }
    }
}

struct Renderer {
    /// The variable of each resource something refers to (`self.` when an output does).
    vars: BTreeMap<(String, String), String>,
    /// The names of the key and value of the instance being rendered.
    each: Option<(&'static str, Option<&'static str>)>,
    /// Whether a policy went through `json.dumps`.
    json: bool,
    /// The keyed resources (dicts in Python).
    keyed: BTreeSet<(String, String)>,
    /// Whether a name was shortened with a hash (`hashlib`).
    hashlib: bool,
    /// Whether maps were merged (`collections.ChainMap`).
    collections: bool,
    /// Whether a local is typed with `Any`.
    any: bool,
    /// The region: the component's `args.region`, or a function's parameter.
    region: Expr,
    /// Inputs wired from other components, and loop variables over their values: outputs,
    /// never formatted into an f-string.
    wired: BTreeSet<String>,
    /// Inputs that are numbers, formatted as Terraform prints them (`2`, `0.5`).
    floats: BTreeSet<String>,
}

impl Renderer {
    /// A renderer of `items` (the component's own, or a narrowed copy).
    fn new(component: &describe::Component, items: &[Item]) -> Self {
        let mut exported = BTreeSet::new();
        let mut referenced = BTreeSet::new();
        for o in &component.outputs {
            // A conditional output is kept in a field of its own: what it reads is a local.
            let set = if o.when.is_some() {
                &mut referenced
            } else {
                &mut exported
            };
            for r in o.value.refs().into_iter().chain(o.after.iter().cloned()) {
                set.insert((r.kind.to_string(), r.name));
            }
        }
        let mut r = Self::of_items(items, exported, referenced);
        let inputs = |f: &dyn Fn(&describe::Input) -> bool| {
            component
                .inputs
                .iter()
                .filter(|i| f(i))
                .map(|i| i.name.clone())
                .collect()
        };
        // A setting of another component is a plain value.
        r.wired = inputs(
            &|i| matches!(&i.source, Source::Wired(w) if !matches!(w, describe::Wire::Setting(_))),
        );
        r.floats = inputs(&|i| i.ty == Type::Num);
        r
    }

    /// The variables of `items`' resources: `self.` for those in `exported`, a local for those
    /// something refers to (in `items` or `referenced`).
    fn of_items(
        items: &[Item],
        exported: BTreeSet<(String, String)>,
        mut referenced: BTreeSet<(String, String)>,
    ) -> Self {
        let note = |e: &D, set: &mut BTreeSet<(String, String)>| {
            for r in e.refs() {
                set.insert((r.kind.to_string(), r.name));
            }
        };
        for item in items {
            match item {
                Item::Local(local) => note(&local.value, &mut referenced),
                Item::Resource(r) => {
                    for (_, v) in &r.args {
                        note(v, &mut referenced);
                    }
                    if let Some(keys) = &r.keys {
                        note(&keys.over, &mut referenced);
                    }
                    for d in &r.depends_on {
                        referenced.insert((d.kind.to_string(), d.name.clone()));
                    }
                }
            }
        }
        let mut vars = BTreeMap::new();
        let resources = items.iter().filter_map(|item| match item {
            Item::Resource(r) => Some(r),
            Item::Local(_) => None,
        });
        for r in resources {
            let key = (r.kind.to_string(), r.name.clone());
            let noun = types::noun(r.kind);
            let mut var = if r.name == "this" {
                noun.to_string()
            } else {
                format!("{}_{noun}", r.name)
            };
            if r.keys.is_some() {
                // `exec_policy` → `exec_policies`, `nat_gateway` → `nat_gateways`.
                var = match var.strip_suffix('y') {
                    Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
                    _ => var + "s",
                };
            }
            if exported.contains(&key) {
                vars.insert(key, format!("self.{var}"));
            } else if referenced.contains(&key) {
                vars.insert(key, var);
            }
        }
        Self {
            vars,
            each: None,
            json: false,
            keyed: items
                .iter()
                .filter_map(|item| match item {
                    Item::Resource(r) if r.keys.is_some() => Some(r),
                    _ => None,
                })
                .map(|r| (r.kind.to_string(), r.name.clone()))
                .collect(),
            hashlib: false,
            collections: false,
            any: false,
            region: path("args.region"),
            wired: BTreeSet::new(),
            floats: BTreeSet::new(),
        }
    }

    fn var(&self, r: &ResId) -> Option<&str> {
        self.vars
            .get(&(r.kind.to_string(), r.name.clone()))
            .map(String::as_str)
    }

    fn base(&self, r: &ResId) -> Expr {
        match self.var(r) {
            Some(var) => path(var),
            None => panic!(
                "iacgen bug: {}.{} is referred to but not bound",
                r.kind, r.name
            ),
        }
    }

    fn item(&mut self, item: &Item) -> Vec<Stmt> {
        match item {
            Item::Local(local) => {
                let value = self.expr(&local.value);
                // A map of objects holds fields of different types: typed as such, each
                // field is the type its argument takes.
                let assign = if is_object_map(&local.value) {
                    self.any = true;
                    py::assign_typed(&local.name, "dict[str, Any]", value)
                } else {
                    py::assign(&local.name, value)
                };
                match &local.comment {
                    Some(comment) => vec![Stmt::Comment(comment.clone()), assign],
                    None => vec![assign],
                }
            }
            Item::Resource(r) => self.resource(r),
        }
    }

    fn resource(&mut self, r: &Resource) -> Vec<Stmt> {
        let var = self.var(&r.id()).map(str::to_string);
        let Some(keys) = &r.keys else {
            let call = self.call(r);
            let stmt = match var {
                Some(var) => py::assign(&var, call),
                None => Stmt::Expr(call),
            };
            return match &r.count_unless {
                Some(unless) => vec![Stmt::If {
                    cond: self.expr(&describe::not(unless.clone())),
                    body: vec![stmt],
                }],
                None => vec![stmt],
            };
        };
        let (target, iter) = match (&keys.over, keys.value) {
            // Numbered from 1 as Terraform's keys are ("1", "2", ...).
            (D::Numbered(list), Some(value)) => (
                format!("{}, {value}", keys.key),
                call(name("enumerate"), vec![self.expr(list), py::int(1)], vec![]),
            ),
            (over, Some(value)) => (
                format!("{}, {value}", keys.key),
                self.expr(over).method("items", vec![]),
            ),
            (over, None) => (keys.key.to_string(), self.expr(over)),
        };
        self.each = Some((keys.key, keys.value));
        let lets: Vec<Stmt> = r
            .lets
            .iter()
            .map(|(n, v)| py::assign(n, self.expr(v)))
            .collect();
        let call = self.call(r);
        // A filter on the loop's variables holds per instance too.
        let on_vars = |f: &D| {
            let mut found = false;
            f.walk(&mut |e| {
                found |= matches!(e, D::Var(v) if *v == keys.key || Some(*v) == keys.value)
            });
            found
        };
        let filter = keys
            .filter
            .as_ref()
            .map(|f| (f.per_instance() || on_vars(f), self.expr(f)));
        self.each = None;
        // A comprehension cannot bind names: its values are written in place.
        let call = if var.is_some() && !r.lets.is_empty() {
            let inline = |e: &D| match e {
                D::Var(n) => r.lets.iter().find(|(l, _)| l == n).map(|(_, v)| v.clone()),
                _ => None,
            };
            let inlined = Resource {
                args: r
                    .args
                    .iter()
                    .map(|(a, v)| (a.clone(), v.map(&inline)))
                    .collect(),
                ..r.clone()
            };
            self.each = Some((keys.key, keys.value));
            let call = self.call(&inlined);
            self.each = None;
            call
        } else {
            call
        };
        let mut body = lets;
        body.push(Stmt::Expr(call.clone()));
        if let Some(var) = var {
            let comp = dict_comp(name(keys.key), call, &target, iter, filter.map(|(_, f)| f));
            return vec![py::assign(&var, comp)];
        }
        match filter {
            Some((true, f)) => vec![Stmt::For {
                target,
                iter,
                body: vec![Stmt::If { cond: f, body }],
            }],
            Some((false, f)) => vec![Stmt::If {
                cond: f,
                body: vec![Stmt::For { target, iter, body }],
            }],
            None => vec![Stmt::For { target, iter, body }],
        }
    }

    /// `aws.<class>(label, args..., tags=..., opts=...)`
    fn call(&mut self, r: &Resource) -> Expr {
        if r.is_data() {
            let fields = self.fields(&r.args);
            let kwargs = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            return call(path(types::class(r.kind)), vec![], kwargs);
        }
        let mut label = self.expr(r.pulumi_name.as_ref().unwrap_or(&r.label));
        if r.keys.is_some() && !r.label.per_instance() && !r.pulumi_exact {
            // Pulumi names are unique per instance; the `Name` tag may be shared.
            let key = self.expr(&describe::Expr::Key);
            label = match label {
                Expr::FStr(mut parts) => {
                    parts.extend([py::lit("-"), py::part(key)]);
                    py::fstr(parts)
                }
                other => py::fstr(vec![py::part(other), py::lit("-"), py::part(key)]),
            };
        }
        let tag_label = self.expr(&r.label);
        let fields = self.fields(&r.args);
        let mut kwargs: Vec<(&str, Expr)> = fields
            .iter()
            .map(|(k, v)| (types::argument(r.kind, k), v.clone()))
            .collect();
        if let Tags::Named(extra) = &r.tags {
            kwargs.push(("tags", tags_named(tag_label, extra)));
        }
        // A write-only argument is written once (see `Resource::write_only`).
        let mut ignored: Vec<&str> = r
            .ignore_changes
            .iter()
            .flat_map(|(attrs, _)| attrs.iter().copied())
            .collect();
        ignored.extend(r.write_only.iter().map(String::as_str));
        // More attributes when an input holds: the option's value is a conditional.
        let ignored_if = r.ignore_changes_if.as_ref().map(|(input, more)| {
            ignored.retain(|a| !more.contains(a));
            let mut all = ignored.clone();
            all.extend(more.iter().copied());
            if_exp(
                py::strs(all),
                self.expr(&D::Input(input.to_string())),
                py::strs(ignored.clone()),
            )
        });
        let opts = if r.depends_on.is_empty() && ignored.is_empty() && ignored_if.is_none() {
            name("child")
        } else {
            let mut opts = vec![("parent", name("self"))];
            if !r.depends_on.is_empty() {
                // A keyed resource is a dict of resources: its values.
                let deps = r.depends_on.iter().map(|d| {
                    let base = self.base(d);
                    if self.keyed.contains(&(d.kind.to_string(), d.name.clone())) {
                        Expr::Star(Box::new(base.method("values", vec![])))
                    } else {
                        base
                    }
                });
                opts.push(("depends_on", py::list(deps.collect::<Vec<_>>())));
            }
            if let Some(conditional) = ignored_if {
                opts.push(("ignore_changes", conditional));
            } else if !ignored.is_empty() {
                opts.push(("ignore_changes", py::strs(ignored)));
            }
            call(path("pulumi.ResourceOptions"), vec![], opts)
        };
        kwargs.push(("opts", opts));
        call(path(types::class(r.kind)), vec![label], kwargs)
    }

    /// Arguments (or a nested block's fields) as Python names and values: a nested block as a
    /// dict, repeated blocks as a list under the plural name.
    fn fields(&mut self, fields: &[(String, D)]) -> Vec<(String, Expr)> {
        fields
            .iter()
            .map(|(k, v)| match v {
                D::Blocks(_) | D::Dynamic(..) => (types::plural(k), self.expr(v)),
                _ => (types::argument("", k).to_string(), self.expr(v)),
            })
            .collect()
    }

    fn dict(&mut self, fields: &[(String, D)]) -> Expr {
        let items = self.fields(fields);
        Expr::Dict(
            items
                .into_iter()
                .map(|(k, v)| py::DictItem::Pair(py::s(k), v))
                .collect(),
        )
    }

    fn expr(&mut self, e: &D) -> Expr {
        match e {
            D::Null => Expr::None,
            D::Object(fields) | D::Block(fields) => self.dict(fields),
            D::Field(e, field) => self.expr(e).index(py::s(field)),
            D::Blocks(items) => py::list(items.iter().map(|i| self.expr(i)).collect::<Vec<_>>()),
            D::Dynamic(keys, content) => {
                let (target, iter) = match keys.value {
                    Some(value) => (
                        format!("{}, {value}", keys.key),
                        self.expr(&keys.over).method("items", vec![]),
                    ),
                    None => (keys.key.to_string(), self.expr(&keys.over)),
                };
                let elt = self.dict(content);
                let filter = keys.filter.as_ref().map(|f| self.expr(f));
                list_comp(elt, &target, iter, filter)
            }
            D::Str(t) => py::s(t),
            D::Int(n) => py::int(*n),
            D::Bool(b) => Expr::Bool(*b),
            D::List(items) => py::list(items.iter().map(|i| self.expr(i)).collect::<Vec<_>>()),
            // A shortened name is a conditional holding an f-string: joined with `+`, as an
            // f-string inside an f-string needs Python 3.12.
            D::Tmpl(parts)
                if parts
                    .iter()
                    .any(|p| matches!(p, Part::Expr(D::Shorten(..)))) =>
            {
                let mut out: Option<Expr> = None;
                for p in parts {
                    let e = match p {
                        Part::Lit(t) => py::s(t),
                        Part::Expr(e) => self.expr(e),
                    };
                    out = Some(match out {
                        Some(left) => bin(left, py::Op::Add, e),
                        None => e,
                    });
                }
                out.unwrap_or_else(|| py::s(""))
            }
            D::Tmpl(parts) => self.template(parts),
            D::Input(n) if n == "name" || n == "tags" => name(n),
            D::Input(n) => path("args").attr(n),
            D::Local(n) => name(n),
            D::Var(n) => name(n),
            D::Fact(Fact::AccountId) => name("account_id"),
            D::Fact(Fact::Partition) => name("partition"),
            D::Fact(Fact::Region) => self.region.clone(),
            D::Key => name(self.each.map(|(k, _)| k).unwrap_or("key")),
            // Over a set, the value is the key.
            D::Value => name(self.each.map_or("value", |(k, v)| v.unwrap_or(k))),
            D::Attr(e, a) => self.expr(e).attr(a),
            D::Ref { res, at, attr } => {
                let base = self.base(res);
                match at {
                    Some(at) => base.index(self.expr(at)).attr(attr),
                    None => base.attr(attr),
                }
            }
            D::All(res) => self.base(res),
            D::Values { res, var, attr } => list_comp(
                name(var).attr(attr),
                var,
                self.base(res).method("values", vec![]),
                None,
            ),
            D::ByKey {
                res,
                key,
                var,
                attr,
            } => dict_comp(
                name(key),
                name(var).attr(attr),
                &format!("{key}, {var}"),
                self.base(res).method("items", vec![]),
                None,
            ),
            D::Concat(lists) => {
                let mut items = Vec::new();
                for list in lists {
                    match list {
                        D::List(inner) => items.extend(inner.iter().map(|i| self.expr(i))),
                        other => items.push(Expr::Star(Box::new(self.expr(other)))),
                    }
                }
                py::list(items)
            }
            D::Index(v, at) => self.expr(v).index(self.expr(at)),
            D::Bin(l, op, r) => {
                let op = match (op, r.as_ref()) {
                    (Op::Eq, D::Null) => py::Op::Is,
                    (Op::NotEq, D::Null) => py::Op::IsNot,
                    (Op::Eq, _) => py::Op::Eq,
                    (Op::NotEq, _) => py::Op::NotEq,
                    (Op::And, _) => py::Op::And,
                    (Op::Or, _) => py::Op::Or,
                    (Op::Add, _) => py::Op::Add,
                    (Op::Mul, _) => py::Op::Mul,
                };
                bin(self.expr(l), op, self.expr(r))
            }
            D::Cond(test, then, otherwise) => {
                if_exp(self.expr(then), self.expr(test), self.expr(otherwise))
            }
            D::ForList(l) => {
                let over = self.expr(&l.over);
                let (target, iter) = match l.index {
                    Some(i) if matches!(l.over, D::Entries(_)) => {
                        (format!("{i}, {}", l.var), over.method("items", vec![]))
                    }
                    Some(i) => (
                        format!("{i}, {}", l.var),
                        call(name("enumerate"), vec![over], vec![]),
                    ),
                    None => (l.var.to_string(), over),
                };
                // The values of a wired map are outputs.
                let outputs = matches!(&l.over, D::MapValues(m)
                    if matches!(m.as_ref(), D::Input(n) if self.wired.contains(n)));
                if outputs {
                    self.wired.insert(l.var.to_string());
                }
                let elt = self.expr(&l.elt);
                let filter = l.filter.as_ref().map(|f| self.expr(f));
                if outputs {
                    self.wired.remove(l.var);
                }
                list_comp(elt, &target, iter, filter)
            }
            // Python's lists of keys are already what `for` iterates.
            D::ToSet(e) => self.expr(e),
            D::Policy(p) => self.policy(p),
            D::Coalesce(a, b) => {
                let a = self.expr(a);
                let test = bin(a.clone(), py::Op::IsNot, Expr::None);
                if_exp(a, test, self.expr(b))
            }
            D::Tagged(label) => tags_named(self.expr(label), &[]),
            D::One(e, block) => self.expr(e).attr(block),
            D::Nth(e, block, i) => self.expr(e).attr(&types::plural(block)).index(py::int(*i)),
            D::ForMap(m) => self.for_map(m, None),
            // Iterating a dict gives its keys.
            D::MapKeys(e) => self.expr(e),
            D::MergeAll(e) => {
                self.collections = true;
                let maps = Expr::Star(Box::new(self.expr(e)));
                call(
                    name("dict"),
                    vec![call(path("collections.ChainMap"), vec![maps], vec![])],
                    vec![],
                )
            }
            D::Shorten(e, max) => {
                self.hashlib = true;
                let full = self.expr(e);
                let digest = call(
                    path("hashlib.sha256"),
                    vec![full.clone().method("encode", vec![])],
                    vec![],
                )
                .method("hexdigest", vec![]);
                let keep = py::slice(full.clone(), None, Some(py::int(max - SHORTEN_HASH - 1)))
                    .method("rstrip", vec![py::s("-_")]);
                let short = py::fstr(vec![
                    py::part(keep),
                    py::lit("-"),
                    py::part(py::slice(digest, None, Some(py::int(SHORTEN_HASH)))),
                ]);
                let fits = bin(
                    call(name("len"), vec![full.clone()], vec![]),
                    py::Op::LtE,
                    py::int(*max),
                );
                if_exp(full, fits, short)
            }
            D::ToStr(e) => match e.as_ref() {
                D::Bool(b) => py::s(b.to_string()),
                D::Int(n) => py::s(n.to_string()),
                // A setting is a plain value.
                D::Input(n) if !self.is_output(e) && !self.wired.contains(n) => {
                    call(name("str"), vec![self.expr(e)], vec![])
                }
                other => self.expr(other).method("apply", vec![name("str")]),
            },
            D::Length(e) => call(name("len"), vec![self.expr(e)], vec![]),
            // The values are outputs: sorted once all are known.
            D::SortedValues(e) => call(
                path("pulumi.Output.all"),
                vec![Expr::Star(Box::new(self.expr(e).method("values", vec![])))],
                vec![],
            )
            .method(
                "apply",
                vec![py::lambda(
                    &["values"],
                    call(
                        name("sorted"),
                        vec![call(name("set"), vec![name("values")], vec![])],
                        vec![],
                    ),
                )],
            ),
            D::When(..) => {
                panic!("iacgen bug: a condition on a value is only for policy statements")
            }
            D::Json(value) => call(
                path("pulumi.Output.json_dumps"),
                vec![self.expr(value)],
                vec![],
            ),
            // Lists joined: `sum([[...] for ...], [])`.
            D::Flatten(l) => call(
                name("sum"),
                vec![self.expr(&D::ForList(l.clone())), py::list(Vec::new())],
                vec![],
            ),
            D::SortedKeys(map) => call(name("sorted"), vec![self.expr(map)], vec![]),
            D::MapValues(map) => self.expr(map).method("values", vec![]),
            D::Has(map, key) => bin(self.expr(key), py::Op::In, self.expr(map)),
            D::Not(e) => match e.as_ref() {
                D::Has(map, key) => bin(self.expr(key), py::Op::NotIn, self.expr(map)),
                D::Contains(list, value) => bin(self.expr(value), py::Op::NotIn, self.expr(list)),
                other => Expr::Not(Box::new(self.expr(other))),
            },
            D::Join(sep, list) => py::s(sep).method("join", vec![self.expr(list)]),
            D::Last(list) => self.expr(list).index(py::int(-1)),
            D::Chunks(list, n) => {
                let list = self.expr(list);
                let n = py::int(*n);
                let range = call(
                    name("range"),
                    vec![
                        py::int(0),
                        call(name("len"), vec![list.clone()], vec![]),
                        n.clone(),
                    ],
                    vec![],
                );
                let end = bin(name("start"), py::Op::Add, n);
                list_comp(
                    py::slice(list, Some(name("start")), Some(end)),
                    "start",
                    range,
                    None,
                )
            }
            D::Numbered(list) => dict_comp(
                call(name("str"), vec![name("n")], vec![]),
                name("item"),
                "n, item",
                call(name("enumerate"), vec![self.expr(list), py::int(1)], vec![]),
                None,
            ),
            D::Contains(list, value) => bin(self.expr(value), py::Op::In, self.expr(list)),
            // The map itself; a loop over it takes its items (see `D::ForList`).
            D::Entries(map) => self.expr(map),
            D::ForMapIf(m, filter) => self.for_map(m, Some(filter)),
            D::Entry(key, value) => {
                Expr::Dict(vec![py::DictItem::Pair(self.expr(key), self.expr(value))])
            }
            D::ToInt(e) => call(name("int"), vec![self.expr(e)], vec![]),
            D::Sole { res, key, attr, .. } => self.base(res).index(self.expr(key)).attr(attr),
            D::BlockIf(cond, element, it, content) => {
                let content: Vec<(String, D)> = content
                    .iter()
                    .map(|(k, v)| {
                        let v = v.map(&|e| match e {
                            D::Var(v) if v == it => Some(element.as_ref().clone()),
                            _ => None,
                        });
                        (k.clone(), v)
                    })
                    .collect();
                let value = self.dict(&content);
                if_exp(value, self.expr(cond), Expr::None)
            }
        }
    }

    /// Text with values: an f-string, or `pulumi.Output.concat` of f-strings and the values that
    /// cannot go in one: outputs (which an f-string would print as objects) and values with
    /// quotes of their own (inside an f-string they need Python 3.12).
    fn template(&mut self, parts: &[Part]) -> Expr {
        let apart = |r: &Self, e: &D| {
            let mut found = !e.refs().is_empty();
            e.walk(&mut |e| {
                found |= match e {
                    D::Input(n) => r.wired.contains(n),
                    D::Var(v) => r.wired.contains(*v),
                    D::Str(_) | D::Tmpl(_) | D::Join(..) => true,
                    _ => false,
                }
            });
            found
        };
        let mut pieces = Vec::new();
        let mut run: Vec<py::FPart> = Vec::new();
        let flush = |run: &mut Vec<py::FPart>, pieces: &mut Vec<Expr>| {
            let literal: Option<String> = run
                .iter()
                .map(|part| match part {
                    py::FPart::Lit(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            match literal {
                _ if run.is_empty() => {}
                Some(text) => {
                    pieces.push(py::s(text));
                    run.clear();
                }
                None => pieces.push(py::fstr(std::mem::take(run))),
            }
        };
        for part in parts {
            match part {
                Part::Lit(text) => run.push(py::lit(text)),
                Part::Expr(e) if apart(self, e) => {
                    flush(&mut run, &mut pieces);
                    pieces.push(self.expr(e));
                }
                // `g` prints 2 and 0.5 as Terraform does, not 2.0.
                Part::Expr(D::Input(n)) if self.floats.contains(n) => {
                    run.push(py::part_spec(self.expr(&D::Input(n.clone())), "g"))
                }
                Part::Expr(e) => run.push(py::part(self.expr(e))),
            }
        }
        flush(&mut run, &mut pieces);
        match <[Expr; 1]>::try_from(pieces) {
            Ok([only]) => only,
            Err(pieces) => call(path("pulumi.Output.concat"), pieces, vec![]),
        }
    }

    /// Whether `e` is an input that holds another component's output.
    fn is_output(&self, e: &D) -> bool {
        matches!(e, D::Input(n) if self.wired.contains(n))
    }

    /// `json.dumps({...})`, or `pulumi.Output.json_dumps({...})` when the document holds
    /// resource attributes (outputs).
    fn policy(&mut self, p: &Policy) -> Expr {
        let mut outputs = false;
        D::Policy(Box::new(p.clone())).walk(&mut |e| {
            outputs |= matches!(
                e,
                D::Ref { .. } | D::All(_) | D::Values { .. } | D::ByKey { .. }
            ) || self.is_output(e)
        });
        // One value is written as a scalar, as AWS prints policies.
        let one_or_many = |r: &mut Self, items: &[D]| match items {
            [one] => r.expr(one),
            many => py::list(many.iter().map(|i| r.expr(i)).collect::<Vec<_>>()),
        };
        let mut statements = Vec::new();
        for st in &p.statements {
            let mut fields: Vec<(String, Expr)> = Vec::new();
            if let Some(sid) = st.sid {
                fields.push(("Sid".to_string(), py::s(sid)));
            }
            let effect = if st.deny { "Deny" } else { "Allow" };
            fields.push(("Effect".to_string(), py::s(effect)));
            let actions: Vec<D> = st.actions.iter().map(|a| describe::s(*a)).collect();
            fields.push(("Action".to_string(), one_or_many(self, &actions)));
            let only = match st.resources.as_slice() {
                [D::When(cond, value)] => Some((cond, value)),
                _ => None,
            };
            if let Some((_, value)) = only {
                let resources = match value.as_ref() {
                    D::List(items) => one_or_many(self, items),
                    other => self.expr(other),
                };
                fields.push(("Resource".to_string(), resources));
            } else if !st.resources.is_empty() {
                fields.push(("Resource".to_string(), one_or_many(self, &st.resources)));
            }
            if let Some((kind, principals)) = &st.principals {
                let value = one_or_many(self, principals);
                fields.push(("Principal".to_string(), py::dict([(*kind, value)])));
            }
            if !st.conditions.is_empty() {
                let mut tests: Vec<(String, Expr)> = Vec::new();
                for (test, variable, values) in &st.conditions {
                    let value = one_or_many(self, values);
                    tests.push((test.to_string(), py::dict([(*variable, value)])));
                }
                fields.push(("Condition".to_string(), py::dict(tests)));
            }
            let statement = py::dict(fields);
            statements.push(match only {
                // In the list only when the condition holds.
                Some((cond, _)) => Expr::Star(Box::new(if_exp(
                    py::list([statement]),
                    self.expr(cond),
                    py::list([]),
                ))),
                None => statement,
            });
        }
        let doc = component::policy(statements);
        if outputs {
            call(path("pulumi.Output.json_dumps"), vec![doc], vec![])
        } else {
            self.json = true;
            call(path("json.dumps"), vec![doc], vec![])
        }
    }
}

/// Hex digits of the hash a shortened name ends with (as `model::naming::shorten`).
const SHORTEN_HASH: i64 = 8;

/// Whether `e` is a map whose values are objects (see [`Renderer::item`]).
fn is_object_map(e: &D) -> bool {
    match e {
        D::Object(fields) => {
            !fields.is_empty() && fields.iter().all(|(_, v)| matches!(v, D::Object(_)))
        }
        _ => false,
    }
}

impl Renderer {
    /// `value`, known once the resources `after` exist too (see [`describe::Output::after`]):
    /// `pulumi.Output.all(value, <resource>.id, ...).apply(lambda values: values[0])`, whose
    /// readers depend on those resources as well.
    fn after(&self, value: Expr, after: &[ResId]) -> Expr {
        let mut all = vec![value];
        all.extend(after.iter().map(|r| self.base(r).attr("id")));
        call(path("pulumi.Output.all"), all, vec![]).method(
            "apply",
            vec![py::lambda(&["values"], name("values").index(py::int(0)))],
        )
    }
}

impl Renderer {
    /// `{key: elt for key[, value] in over[.items()] [if filter]}`.
    fn for_map(
        &mut self,
        m: &crate::describe::ForMap,
        filter: Option<&crate::describe::Expr>,
    ) -> Expr {
        let (target, iter) = match m.value {
            Some(v) => (
                format!("{}, {v}", m.key),
                self.expr(&m.over).method("items", vec![]),
            ),
            None => (m.key.to_string(), self.expr(&m.over)),
        };
        let key = self.expr(&m.key_expr);
        let elt = self.expr(&m.elt);
        let filter = filter.map(|f| self.expr(f));
        dict_comp(key, elt, &target, iter, filter)
    }
}
