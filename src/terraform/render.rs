//! A [`describe::Component`] as a Terraform module: resources as blocks (`for_each` for keyed
//! ones), neutral expressions as HCL, policy documents as `aws_iam_policy_document` data
//! sources, facts as the `current` data sources, inputs as variables set per environment.

use super::interface::{Output, Variable};
use super::module::{Input, Module};
use crate::describe::{
    self, Check, Expr as D, Fact, Item, Keys, Op, Part, Policy, ResId, Resource, Source, Tags,
    Type, Value,
};
use crate::hcl::{
    Block, Body, Expr, block, data, escape_string, ex, num, obj, resource, s, strings,
};
use crate::terraform::common::{condition, principals};

/// The module of `component`.
pub fn module(component: &describe::Component) -> Module {
    module_with(component, main(&component.facts, &component.items).into())
}

/// The module of `component` with `main` as its code: what calls of one directory share,
/// built once from the description of one of them.
pub fn module_with(component: &describe::Component, main: std::rc::Rc<Body>) -> Module {
    Module {
        dir: component.module.clone(),
        name: component.instance.clone(),
        var_prefix: String::new(),
        group: None,
        summary: component.summary.clone(),
        main,
        inputs: inputs(component),
        outputs: outputs(component),
    }
}

/// `main.tf`: the data sources of `facts`, then `items`.
pub fn main(facts: &[Fact], items: &[Item]) -> Body {
    let mut main = Body::new();
    for fact in facts {
        main = main.block(data(fact_source(*fact).0, "current", Body::new()));
    }
    main.extend(body(items))
}

/// The module variables of `component`, with where each root gets its value.
pub fn inputs(component: &describe::Component) -> Vec<Input> {
    component
        .inputs
        .iter()
        .filter(|i| i.for_target(describe::Target::Terraform))
        .map(input)
        .collect()
}

/// The module outputs of `component`.
pub fn outputs(component: &describe::Component) -> Vec<Output> {
    component.outputs.iter().map(output).collect()
}

/// The blocks of `items`, each policy document just before the resource that uses it.
pub fn body(items: &[Item]) -> Body {
    let mut out = Body::new();
    // Consecutive locals share one block, a blank line before each commented one.
    let mut locals: Option<Body> = None;
    // A document two resources use (a role's trust policy) is written once, before the first.
    let mut written: Vec<String> = Vec::new();
    for item in items {
        if let Item::Local(local) = item {
            let mut body = locals.take().unwrap_or_default();
            if let Some(comment) = &local.comment {
                if !body.is_empty() {
                    body = body.blank();
                }
                body = body.comment(comment);
            }
            locals = Some(body.attr(&local.name, expr(&local.value)));
            continue;
        }
        if let Some(done) = locals.take() {
            out = out.block(block("locals", &[], done));
        }
        match item {
            Item::Local(_) => {}
            Item::Resource(r) => {
                for (_, value) in &r.args {
                    value.walk(&mut |e| {
                        if let D::Policy(p) = e
                            && !written.contains(&p.id)
                        {
                            written.push(p.id.clone());
                            out.push(crate::hcl::Item::Block(policy_document(p)));
                        }
                    });
                }
                out = out.block(resource_block(r));
            }
        }
    }
    if let Some(done) = locals {
        out = out.block(block("locals", &[], done));
    }
    out
}

pub(crate) fn resource_block(r: &Resource) -> Block {
    let mut body = Body::new();
    for note in &r.notes {
        body = body.comment(note);
    }
    // Groups separated by one blank line, as terraform-aws-modules and `terraform fmt` users
    // write them: meta-arguments, arguments, tags, dependencies.
    let mut groups: Vec<Vec<(String, Expr)>> = Vec::new();
    if let Some(keys) = &r.keys {
        groups.push(vec![("for_each".to_string(), for_each(keys))]);
    }
    if let Some(unless) = &r.count_unless {
        groups.push(vec![(
            "count".to_string(),
            ex(&format!("{} ? 0 : 1", text(unless))),
        )]);
    }
    // Per-instance values are written where they are used.
    let inline = |e: &D| match e {
        D::Var(name) => r
            .lets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    // A write-only argument is `<arg>_wo`, written once: `<arg>_wo_version` stays 1.
    let wo = |name: &str| r.write_only.iter().any(|w| w == name);
    let mut args: Vec<(String, D)> = Vec::new();
    for (name, value) in &r.args {
        let value = value.map(&inline);
        if wo(name) {
            args.push((format!("{name}_wo"), value));
            args.push((format!("{name}_wo_version"), D::Int(1)));
        } else {
            args.push((name.clone(), value));
        }
    }
    let comments: Vec<(String, String)> = r
        .comments
        .iter()
        .map(|(arg, c)| {
            let arg = if wo(arg) {
                format!("{arg}_wo")
            } else {
                arg.clone()
            };
            (arg, c.clone())
        })
        .collect();
    let (blocks, attrs): (Vec<_>, Vec<_>) = args.into_iter().partition(|(_, v)| v.is_block());
    let mut first = true;
    let mut gap = |body: Body| {
        let body = if first { body } else { body.blank() };
        first = false;
        body
    };
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        body = gap(body);
        for (name, value) in group {
            if let Some(comment) = r.comment_of(&name) {
                body = body.comment(comment);
            }
            body = body.attr(&name, value);
        }
    }
    // Groups of related arguments, each after a blank line.
    let mut start = 0;
    for end in (1..=attrs.len()).filter(|&i| i == attrs.len() || r.groups.contains(&attrs[i].0)) {
        body = gap(body).extend(fields(&attrs[start..end], &comments));
        start = end;
    }
    for (name, value) in &blocks {
        body = gap(body);
        if let Some(comment) = r.comment_of(name) {
            body = body.comment(comment);
        }
        let inner: Vec<(String, String)> = r
            .comments
            .iter()
            .filter_map(|(arg, c)| {
                arg.strip_prefix(&format!("{name}."))
                    .map(|a| (a.to_string(), c.clone()))
            })
            .collect();
        body = body.extend(nested_with(name, value, &inner));
    }
    if let Tags::Named(extra) = &r.tags {
        body = gap(body).attr("tags", tags(&r.label, extra));
    }
    if let Some((attrs, why)) = &r.ignore_changes {
        let list = ex(&format!("[{}]", attrs.join(", ")));
        body = gap(body).block(block(
            "lifecycle",
            &[],
            Body::new().comment(why).attr("ignore_changes", list),
        ));
    }
    if !r.preconditions.is_empty() {
        body = gap(body).block(block(
            "lifecycle",
            &[],
            Body::new().blocks(r.preconditions.iter().map(|(condition, message)| {
                block(
                    "precondition",
                    &[],
                    Body::new()
                        .attr("condition", ex(condition))
                        .attr("error_message", s(message)),
                )
            })),
        ));
    }
    if !r.depends_on.is_empty() {
        let deps: Vec<String> = r.depends_on.iter().map(address).collect();
        body = gap(body);
        if let Some(why) = r.comment_of("depends_on") {
            body = body.comment(why);
        }
        body = body.attr("depends_on", ex(&format!("[{}]", deps.join(", "))));
    }
    if let (true, Some(why)) = (r.create_first, r.comment_of("lifecycle")) {
        body = gap(body).comment(why).block(block(
            "lifecycle",
            &[],
            Body::new().attr("create_before_destroy", true),
        ));
    } else if let (true, Some(why)) = (r.create_first, r.comment_of("create_before_destroy")) {
        // Why, inside the block: the reason is about this resource's replacement.
        body = gap(body).block(block(
            "lifecycle",
            &[],
            Body::new().comment(why).attr("create_before_destroy", true),
        ));
    } else if r.create_first {
        body = gap(body).extend(super::common::replaced_create_first());
    }
    if describe::ephemeral(r.kind) {
        return block("ephemeral", &[r.kind, &r.name], body);
    }
    match r.kind.strip_prefix("data.") {
        Some(kind) => data(kind, &r.name, body),
        None => resource(r.kind, &r.name, body),
    }
}

/// Attributes in order, each after its comment, then nested blocks after a blank line.
fn fields(fields: &[(String, D)], comments: &[(String, String)]) -> Body {
    let mut body = Body::new();
    for (name, value) in fields.iter().filter(|(_, v)| !v.is_block()) {
        if let Some((_, c)) = comments.iter().find(|(arg, _)| arg == name) {
            body = body.comment(c);
        }
        body = body.attr(name, expr(value));
    }
    for (name, value) in fields.iter().filter(|(_, v)| v.is_block()) {
        if !body.is_empty() {
            body = body.blank();
        }
        body = body.extend(nested(name, value));
    }
    body
}

/// The nested block(s) `name` of a block value: one, several, or `dynamic`.
fn nested(name: &str, value: &D) -> Body {
    nested_with(name, value, &[])
}

/// [`nested`], with comments on the fields of a single block (`(field, comment)`).
fn nested_with(name: &str, value: &D, comments: &[(String, String)]) -> Body {
    match value {
        D::Block(inner) => Body::new().block(block(name, &[], fields(inner, comments))),
        D::Blocks(items) => {
            let mut body = Body::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    body = body.blank();
                }
                body = body.extend(nested(name, item));
            }
            body
        }
        D::Dynamic(keys, content) => {
            // Terraform names the element after the block unless `iterator` says otherwise.
            let it: &'static str = match keys.value {
                // Over a map, keyed by the block's name: `<name>.key`, `<name>.value`.
                Some(_) if keys.key == name => keys.key,
                value => value.unwrap_or(keys.key),
            };
            let element = |e: &D| match e {
                // Over a list or a set, the element is `value` (`key` is its index).
                D::Var(v) if *v == keys.key && keys.value.is_none() => {
                    Some(D::Var(it).attr("value"))
                }
                D::Var(v) if *v == keys.key => Some(D::Var(it).attr("key")),
                D::Var(v) if Some(*v) == keys.value => Some(D::Var(it).attr("value")),
                _ => None,
            };
            let content: Vec<(String, D)> = content
                .iter()
                .map(|(k, v)| (k.clone(), v.map(&element)))
                .collect();
            let mut head = Body::new().attr("for_each", for_each(keys));
            if it != name {
                head = head.attr("iterator", ex(it));
            }
            let inner = head
                .blank()
                .block(block("content", &[], fields(&content, &[])));
            Body::new().block(block("dynamic", &[name], inner))
        }
        D::BlockIf(cond, element, it, content) => {
            let element_text = text(element);
            let inner = Body::new()
                .attr(
                    "for_each",
                    ex(&format!(
                        "{} ? [] : [{element_text}]",
                        text(&describe::negate(cond))
                    )),
                )
                .blank();
            let inner = if *it != name {
                inner.attr("iterator", ex(it)).blank()
            } else {
                inner
            };
            let content: Vec<(String, D)> = content
                .iter()
                .map(|(k, v)| {
                    let v = v.map(&|e| match e {
                        D::Var(v) if v == it => Some(D::Var(it).attr("value")),
                        _ => None,
                    });
                    (k.clone(), v)
                })
                .collect();
            Body::new().block(block(
                "dynamic",
                &[name],
                inner.block(block("content", &[], fields(&content, &[]))),
            ))
        }
        other => panic!("iacgen bug: {other:?} is not a block"),
    }
}

fn for_each(keys: &Keys) -> Expr {
    let over = text(&keys.over);
    match (&keys.filter, keys.value) {
        (Some(filter), Some(value)) => ex(&format!(
            "{{ for {k}, {value} in {over} : {k} => {value} if {} }}",
            text(filter),
            k = keys.key
        )),
        (Some(filter), None) => ex(&format!(
            "toset([for {k} in {over} : {k} if {}])",
            text(filter),
            k = keys.key
        )),
        // Keyed by position: named as the loop's value.
        (None, Some(value)) if matches!(keys.over, D::Numbered(_)) => match &keys.over {
            D::Numbered(list) => ex(&format!(
                "{{ for n, {value} in {} : tostring(n + 1) => {value} }}",
                text(list)
            )),
            _ => ex(&over),
        },
        (None, _) => ex(&over),
    }
}

/// `merge(var.tags, { Name = <label>, extra... })`
fn tags(label: &D, extra: &[(&str, &str)]) -> Expr {
    if extra.is_empty() {
        return ex(&format!("merge(var.tags, {{ Name = {} }})", text(label)));
    }
    let mut pairs = vec![("Name".to_string(), expr(label))];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), s(*v))));
    Expr::FuncCall(Box::new(
        hcl::expr::FuncCall::builder("merge")
            .arg(ex("var.tags"))
            .arg(obj(pairs))
            .build(),
    ))
}

pub(crate) fn policy_document(p: &Policy) -> Block {
    let mut body = Body::new();
    for note in &p.notes {
        body = body.comment(note);
    }
    for st in &p.statements {
        let mut statement = Body::new();
        if let Some(sid) = st.sid {
            statement = statement.attr("sid", s(sid));
        }
        if st.deny {
            statement = statement.attr("effect", s("Deny"));
        }
        statement = statement.attr("actions", strings(st.actions.iter().copied()));
        // A conditional statement: `dynamic`, over one element (the resources) or none.
        let only = match st.resources.as_slice() {
            [D::When(cond, value)] => Some((cond, value)),
            _ => None,
        };
        if let Some((_, value)) = only {
            let each = match value.as_ref() {
                D::List(items) if items.len() == 1 => "[statement.value]",
                _ => "statement.value",
            };
            statement = statement.attr("resources", ex(each));
        } else if !st.resources.is_empty() {
            statement = statement.attr("resources", expr(&D::List(st.resources.clone())));
        }
        if st.principals.is_some() || !st.conditions.is_empty() {
            statement = statement.blank();
        }
        if let Some((kind, who)) = &st.principals {
            statement = statement.block(principals(kind, expr(&D::List(who.clone()))));
        }
        for (test, variable, values) in &st.conditions {
            statement = statement.block(condition(test, variable, expr(&D::List(values.clone()))));
        }
        body = match only {
            Some((cond, value)) => {
                let element = match value.as_ref() {
                    D::List(items) if items.len() == 1 => text(&items[0]),
                    other => text(other),
                };
                let head = Body::new().attr(
                    "for_each",
                    ex(&format!(
                        "{} ? [] : [{element}]",
                        text(&describe::negate(cond))
                    )),
                );
                body.block(block(
                    "dynamic",
                    &["statement"],
                    head.blank().block(block("content", &[], statement)),
                ))
            }
            None => body.block(block("statement", &[], statement)),
        };
    }
    data("aws_iam_policy_document", &p.id, body)
}

/// A type constraint as HCL text (null is always allowed).
fn type_text(ty: Type) -> String {
    match ty {
        Type::Str => "string".to_string(),
        Type::Int | Type::Num => "number".to_string(),
        Type::StrList => "list(string)".to_string(),
        Type::StrSet => "set(string)".to_string(),
        Type::StrMap => "map(string)".to_string(),
        Type::IntMap => "map(number)".to_string(),
        Type::Bool => "bool".to_string(),
        Type::IntObjectMap(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| format!("{f} = number")).collect();
            format!("map(object({{ {} }}))", fields.join(", "))
        }
        Type::ObjMap(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| format!("{f} = string")).collect();
            format!("map(object({{ {} }}))", fields.join(", "))
        }
        Type::Opt(inner) => type_text(*inner),
        Type::Object(object) => {
            let fields: Vec<String> = object
                .fields
                .iter()
                .map(|(f, t)| format!("{f} = {}", type_text(*t)))
                .collect();
            format!("object({{ {} }})", fields.join(", "))
        }
    }
}

fn input(i: &describe::Input) -> Input {
    let ty = type_text(i.ty);
    // A component may say more about the name (`eks`: it is also the cluster's).
    if matches!(i.source, Source::Name) && i.description != describe::Input::name().description {
        return Input::wired(
            Variable::new("name", "string", &i.description),
            ex("local.name"),
        );
    }
    let mut var = Variable::new(&i.name, &ty, &i.description);
    for check in &i.checks {
        var = match check {
            Check::Terraform(condition, message) => var.check(condition, message),
            Check::Retention => super::common::retention_variable(&i.name, &i.description),
        };
    }
    match &i.source {
        Source::Name => Input::name(),
        Source::Tags => Input::tags(),
        Source::Wired(wire) => Input::wired(var, wired(wire)),
        Source::Literal(v) => Input::wired(var, value(v)),
        Source::Setting(values) => Input::setting(
            var,
            values
                .iter()
                .map(|(env, v)| (env.clone(), value(v)))
                .collect(),
        ),
    }
}

fn value(v: &Value) -> Expr {
    match v {
        Value::Str(text) => s(text),
        Value::Int(n) => num(*n),
        Value::StrList(items) => strings(items),
        Value::StrMap(pairs) => obj(pairs.iter().map(|(k, v)| (k.clone(), s(v)))),
        // Whole numbers without a fraction, as people write them in tfvars.
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => num(*n as i64),
        Value::Num(n) => hcl::Number::from_f64(*n).map_or(Expr::Null, Expr::Number),
        Value::IntMap(pairs) => obj(pairs.iter().map(|(k, v)| (k.clone(), num(*v)))),
        Value::Bool(b) => (*b).into(),
        Value::Null => crate::hcl::null(),
        Value::IntObjectMap(entries) => obj(entries.iter().map(|(k, fields)| {
            (
                k.clone(),
                obj(fields.iter().map(|(f, n)| (f.to_string(), num(*n)))),
            )
        })),
        Value::Object(fields) => obj(fields.iter().map(|(k, v)| (k.clone(), value(v)))),
    }
}

/// A wired value in a root: other modules' outputs.
fn wired(wire: &describe::Wire) -> Expr {
    use hcl::expr::Traversal;
    match wire {
        describe::Wire::Output(module, output) => Expr::Traversal(Box::new(
            Traversal::builder(hcl::Variable::unchecked("module"))
                .attr(hcl::Identifier::unchecked(module))
                .attr(hcl::Identifier::unchecked(output))
                .build(),
        )),
        describe::Wire::Entry(map, key) => Expr::Traversal(Box::new(
            Traversal::builder(wired(map)).index(s(key)).build(),
        )),
        describe::Wire::Map(pairs) => obj(pairs.iter().map(|(k, w)| (k.clone(), wired(w)))),
        describe::Wire::Values(map) => Expr::FuncCall(Box::new(
            hcl::expr::FuncCall::builder("values")
                .arg(wired(map))
                .build(),
        )),
        describe::Wire::Setting(root) => Expr::Traversal(Box::new(
            Traversal::builder(hcl::Variable::unchecked("var"))
                .attr(hcl::Identifier::unchecked(root))
                .build(),
        )),
        describe::Wire::Literal(v) => value(v),
    }
}

fn fact_source(fact: Fact) -> (&'static str, &'static str) {
    match fact {
        Fact::AccountId => ("aws_caller_identity", "account_id"),
        Fact::Partition => ("aws_partition", "partition"),
        Fact::Region => ("aws_region", "region"),
    }
}

/// `kind.name`; a data source's kind is written `data.<type>` already.
fn address(r: &ResId) -> String {
    if describe::ephemeral(r.kind) {
        return format!("ephemeral.{}.{}", r.kind, r.name);
    }
    format!("{}.{}", r.kind, r.name)
}

/// An expression as HCL: literals as values the printer escapes, the rest as iacgen's own
/// code (user data in it is in string literals, escaped by [`text`]).
pub fn expr(e: &D) -> Expr {
    match e {
        D::Str(t) => s(t),
        D::Int(n) => num(*n),
        D::Bool(b) => (*b).into(),
        D::Object(fields) => obj(fields.iter().map(|(k, v)| (k.clone(), expr(v)))),
        D::List(items) if items.iter().all(|i| matches!(i, D::Str(_))) => {
            crate::hcl::list(items.iter().map(expr))
        }
        D::Json(value) => Expr::FuncCall(Box::new(
            hcl::expr::FuncCall::builder("jsonencode")
                .arg(json_expr(value))
                .build(),
        )),
        other => ex(&text(other)),
    }
}

/// A value inside `jsonencode(...)`: a key with a dash is quoted there, as the JSON field
/// names AWS defines (`detail-type`) read better as strings.
fn json_expr(e: &D) -> Expr {
    match e {
        D::Object(fields) => Expr::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let key = if k.contains('-') {
                        crate::hcl::ObjectKey::Expression(s(k))
                    } else {
                        crate::hcl::key(k.clone())
                    };
                    (key, json_expr(v))
                })
                .collect(),
        ),
        D::List(items) if !items.iter().all(|i| matches!(i, D::Str(_))) => {
            crate::hcl::list(items.iter().map(json_expr))
        }
        other => expr(other),
    }
}

/// An expression as HCL source text.
fn text(e: &D) -> String {
    match e {
        D::Str(t) => format!("\"{}\"", escape_string(t)),
        D::Int(n) => n.to_string(),
        D::Bool(b) => b.to_string(),
        D::List(items) => format!("[{}]", join(items)),
        D::Tmpl(parts) => {
            let mut out = String::from("\"");
            for part in parts {
                match part {
                    Part::Lit(t) => out.push_str(&escape_string(t)),
                    Part::Expr(e) => out.push_str(&format!("${{{}}}", text(e))),
                }
            }
            out.push('"');
            out
        }
        D::Input(name) => format!("var.{name}"),
        D::Local(name) => format!("local.{name}"),
        D::Var(name) => name.to_string(),
        D::Fact(fact) => {
            let (source, attr) = fact_source(*fact);
            format!("data.{source}.current.{attr}")
        }
        D::Key => "each.key".to_string(),
        D::Value => "each.value".to_string(),
        D::Attr(e, attr) => format!("{}.{attr}", text(e)),
        D::Ref { res, at, attr } => match at {
            Some(at) => format!("{}[{}].{attr}", address(res), text(at)),
            None => format!("{}.{attr}", address(res)),
        },
        D::All(res) => address(res),
        D::Values { res, var, attr } => format!("[for {var} in {} : {var}.{attr}]", address(res)),
        D::ByKey {
            res,
            key,
            var,
            attr,
        } => format!(
            "{{ for {key}, {var} in {} : {key} => {var}.{attr} }}",
            address(res)
        ),
        D::Concat(items) => format!("concat({})", join(items)),
        D::Index(value, at) => format!("{}[{}]", text(value), text(at)),
        D::Bin(left, op, right) => {
            let side = |e: &D| match e {
                // `a || (b && c)`: Terraform readers should not need the precedence table.
                D::Bin(_, inner, _) if logical(*inner) && *inner != *op => format!("({})", text(e)),
                D::Bin(_, Op::Add, _) if *op == Op::Mul => format!("({})", text(e)),
                _ => text(e),
            };
            let op = match op {
                Op::Eq => "==",
                Op::NotEq => "!=",
                Op::And => "&&",
                Op::Or => "||",
                Op::Add => "+",
                Op::Mul => "*",
            };
            format!("{} {op} {}", side(left), side(right))
        }
        D::Cond(test, then, otherwise) => {
            let otherwise = match otherwise.as_ref() {
                // `a ? b : (c ? d : e)`: readers should not need the associativity.
                D::Cond(..) => format!("({})", text(otherwise)),
                other => text(other),
            };
            format!("{} ? {} : {otherwise}", text(test), text(then))
        }
        D::ForList(l) => {
            let vars = match l.index {
                Some(i) => format!("{i}, {}", l.var),
                None => l.var.to_string(),
            };
            let filter = l
                .filter
                .as_ref()
                .map(|f| format!(" if {}", text(f)))
                .unwrap_or_default();
            format!(
                "[for {vars} in {} : {}{filter}]",
                text(&l.over),
                text(&l.elt)
            )
        }
        D::ToSet(e) => format!("toset({})", text(e)),
        D::Null => "null".to_string(),
        D::Field(e, field) => format!("{}.{field}", text(e)),
        D::Object(fields) => format!(
            "{{ {} }}",
            fields
                .iter()
                .map(|(k, v)| {
                    if crate::hcl::is_identifier(k) && !k.contains('-') {
                        format!("{k} = {}", text(v))
                    } else {
                        format!("\"{}\" = {}", escape_string(k), text(v))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        D::Block(_) | D::Blocks(_) | D::Dynamic(..) => {
            panic!("iacgen bug: a nested block is not a value")
        }
        D::Policy(p) => format!("data.aws_iam_policy_document.{}.json", p.id),
        D::Coalesce(a, b) => format!("coalesce({}, {})", text(a), text(b)),
        D::Tagged(label) => format!("merge(var.tags, {{ Name = {} }})", text(label)),
        D::One(e, block) => format!("{}.{block}[0]", text(e)),
        D::Nth(e, block, i) => format!("{}.{block}[{i}]", text(e)),
        D::ForMap(m) => {
            let vars = match m.value {
                Some(v) => format!("{}, {v}", m.key),
                None => m.key.to_string(),
            };
            format!(
                "{{ for {vars} in {} : {} => {} }}",
                text(&m.over),
                text(&m.key_expr),
                text(&m.elt)
            )
        }
        D::MapKeys(e) => format!("keys({})", text(e)),
        D::MergeAll(e) => format!("merge({}...)", text(e)),
        D::Shorten(e, max) => {
            let full = text(e);
            let keep = max - SHORTEN_HASH - 1;
            format!(
                r#"length({full}) <= {max} ? {full} : "${{replace(substr({full}, 0, {keep}), "/[-_]+$/", "")}}-${{substr(sha256({full}), 0, {SHORTEN_HASH})}}""#
            )
        }
        D::ToStr(e) => text(e),
        D::Length(e) => format!("length({})", text(e)),
        D::SortedValues(e) => format!("sort(distinct(values({})))", text(e)),
        D::When(..) => panic!("iacgen bug: a condition on a value is only for policy statements"),
        D::Json(value) => format!("jsonencode({})", text(value)),
        D::Flatten(l) => format!("flatten({})", text(&D::ForList(l.clone()))),
        D::SortedKeys(map) => format!("sort(keys({}))", text(map)),
        D::MapValues(map) => format!("values({})", text(map)),
        D::Has(map, key) => format!("contains(keys({}), {})", text(map), text(key)),
        D::Not(e) => match e.as_ref() {
            D::Bin(..) => format!("!({})", text(e)),
            _ => format!("!{}", text(e)),
        },
        D::Join(sep, list) => format!("join(\"{}\", {})", escape_string(sep), text(list)),
        D::Last(list) => {
            let list = text(list);
            format!("{list}[length({list}) - 1]")
        }
        D::Chunks(list, n) => format!("chunklist({}, {n})", text(list)),
        D::Numbered(list) => format!(
            "{{ for n, item in {} : tostring(n + 1) => item }}",
            text(list)
        ),
        D::Contains(list, value) => format!("contains({}, {})", text(list), text(value)),
        D::Entries(map) => text(map),
        D::ForMapIf(m, filter) => {
            let vars = match m.value {
                Some(v) => format!("{}, {v}", m.key),
                None => m.key.to_string(),
            };
            format!(
                "{{ for {vars} in {} : {} => {} if {} }}",
                text(&m.over),
                text(&m.key_expr),
                text(&m.elt),
                text(filter)
            )
        }
        D::Entry(key, value) => format!("{{ ({}) = {} }}", text(key), text(value)),
        D::ToInt(e) => text(e),
        D::Sole {
            res,
            key: _,
            var,
            attr,
        } => format!("one([for {var} in {} : {var}.{attr}])", address(res)),
        D::BlockIf(..) => panic!("iacgen bug: a nested block is not a value"),
    }
}

/// Hex digits of the hash a shortened name ends with (as `model::naming::shorten`).
const SHORTEN_HASH: i64 = 8;

fn logical(op: Op) -> bool {
    matches!(op, Op::And | Op::Or)
}

fn join(items: &[D]) -> String {
    items.iter().map(text).collect::<Vec<_>>().join(", ")
}

/// A description template from Terraform template text written by iacgen whose only
/// interpolations are module inputs (`"${var.name}-logs"`), for the generators not yet
/// described that share a described piece.
///
/// Panics on any other interpolation: the text is iacgen's own constant.
pub fn template(text: &str) -> D {
    describe::template_with(text, "${", &|inner| match inner.strip_prefix("var.") {
        Some(input) => D::Input(input.to_string()),
        None => panic!("iacgen bug: unsupported interpolation in {text:?}"),
    })
}

/// A module output, `depends_on` what it waits for (see [`describe::Output::after`]).
fn output(o: &describe::Output) -> Output {
    let out = Output::new(&o.name, &o.description, expr(&o.value));
    if o.after.is_empty() {
        return out;
    }
    let after: Vec<String> = o.after.iter().map(address).collect();
    out.after(&format!("[{}]", after.join(", ")))
}
