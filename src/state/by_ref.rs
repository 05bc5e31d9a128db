//! References read in place. hcl-rs evaluates `var.x[k].y` or `aws_secretsmanager_secret.this[k]`
//! by copying the whole object the reference starts from (`var`, every secret), then indexing
//! it; once per instance of a resource keyed by service, that copy made `plan` quadratic. A
//! resource's arguments are rewritten once so that such a reference becomes a call of
//! `__ref("var", "x", k, "y")`, which walks the values in scope in place and copies only the
//! value it reaches.

use std::cell::RefCell;
use std::rc::Rc;

use hcl::eval::{FuncArgs, FuncDef, ParamType};
use hcl::expr::{FuncCall, TemplateExpr, TraversalOperator};
use hcl::template::{Element, Template};
use hcl::{Expression, Map, Value};

/// The function the rewritten references call.
pub(crate) const FUNCTION: &str = "__ref";

/// The function a rewritten template calls with its parts: hcl-rs parses a template's text
/// again each time it evaluates it, which was an eighth of `plan` at hundreds of services.
pub(crate) const JOIN: &str = "__join";

/// Names a reference may start from that are not values in scope but bound per instance or
/// by Terraform itself: left to hcl-rs.
const NOT_IN_SCOPE: [&str; 5] = ["each", "count", "path", "terraform", "self"];

thread_local! {
    /// What the expressions being evaluated can refer to (root name → value), innermost last.
    static VARS: RefCell<Vec<Rc<Map<String, Value>>>> = const { RefCell::new(Vec::new()) };
}

/// While alive, `__ref` reads these values (root name → value: `var`, `local`, resource types).
pub(crate) struct Scope;

impl Scope {
    pub fn enter(vars: Rc<Map<String, Value>>) -> Self {
        VARS.with(|v| v.borrow_mut().push(vars));
        Scope
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        VARS.with(|v| {
            v.borrow_mut().pop();
        });
    }
}

pub(crate) fn declare(ctx: &mut hcl::eval::Context) {
    ctx.declare_func(
        FUNCTION,
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(lookup),
    );
    ctx.declare_func(
        JOIN,
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(join),
    );
}

/// The parts of a template joined as hcl-rs joins them: strings as they are, anything else
/// as it prints.
fn join(args: FuncArgs) -> Result<Value, String> {
    let mut out = String::new();
    for part in args.iter() {
        match part {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
    }
    Ok(Value::String(out))
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let keys: &[Value] = &args;
    let Some((Value::String(name), path)) = keys.split_first() else {
        return Err("expected a variable name".to_string());
    };
    VARS.with(|vars| {
        let vars = vars.borrow();
        let top = vars.last().ok_or("nothing in scope")?;
        let mut value = top.get(name).ok_or_else(|| format!("unknown {name}"))?;
        for key in path {
            value = step(value, key).ok_or_else(|| format!("{name}: no element {key}"))?;
        }
        Ok(value.clone())
    })
}

/// `value[key]`, as Terraform indexes an object (by name) or a list (by position).
fn step<'v>(value: &'v Value, key: &Value) -> Option<&'v Value> {
    match (value, key) {
        (Value::Object(map), Value::String(k)) => map.get(k),
        (Value::Object(map), Value::Number(n)) => map.get(&n.to_string()),
        (Value::Array(items), Value::Number(n)) => items.get(usize::try_from(n.as_u64()?).ok()?),
        (Value::Array(items), Value::String(s)) => items.get(s.parse::<usize>().ok()?),
        _ => None,
    }
}

/// `expr` with every reference to a value in scope (`var.x`, `local.y`, `TYPE.NAME[k].attr`)
/// followed only by attributes and indexes turned into a `__ref` call (the rest as it was:
/// templates, splats, names a `for` binds).
pub(crate) fn rewrite(expr: &Expression) -> Expression {
    rewrite_in(expr, &[])
}

fn rewrite_in(expr: &Expression, bound: &[&str]) -> Expression {
    let rewrite = |e: &Expression| rewrite_in(e, bound);
    match expr {
        Expression::Traversal(t) => {
            let plain = t.operators.iter().all(|op| {
                matches!(
                    op,
                    TraversalOperator::GetAttr(_)
                        | TraversalOperator::Index(_)
                        | TraversalOperator::LegacyIndex(_)
                )
            });
            match (&t.expr, t.operators.first()) {
                (Expression::Variable(v), Some(TraversalOperator::GetAttr(_)))
                    if plain
                        && !NOT_IN_SCOPE.contains(&v.as_str())
                        && !bound.contains(&v.as_str()) =>
                {
                    let mut call = FuncCall::builder(FUNCTION).arg(v.to_string());
                    for op in &t.operators {
                        call = call.arg(match op {
                            TraversalOperator::GetAttr(a) => Expression::String(a.to_string()),
                            TraversalOperator::Index(e) => rewrite(e),
                            TraversalOperator::LegacyIndex(n) => Expression::Number((*n).into()),
                            _ => return expr.clone(),
                        });
                    }
                    Expression::FuncCall(Box::new(call.build()))
                }
                _ => {
                    let mut t = t.as_ref().clone();
                    t.expr = rewrite(&t.expr);
                    for op in &mut t.operators {
                        if let TraversalOperator::Index(e) = op {
                            *e = rewrite(e);
                        }
                    }
                    Expression::Traversal(Box::new(t))
                }
            }
        }
        Expression::Array(items) => Expression::Array(items.iter().map(rewrite).collect()),
        Expression::Object(object) => Expression::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), rewrite(v)))
                .collect(),
        ),
        Expression::FuncCall(f) => {
            let mut f = f.as_ref().clone();
            f.args = f.args.iter().map(rewrite).collect();
            Expression::FuncCall(Box::new(f))
        }
        Expression::Parenthesis(e) => Expression::Parenthesis(Box::new(rewrite(e))),
        Expression::TemplateExpr(te) => rewrite_template(te, bound).unwrap_or_else(|| expr.clone()),
        Expression::Conditional(c) => {
            let mut c = c.as_ref().clone();
            c.cond_expr = rewrite(&c.cond_expr);
            c.true_expr = rewrite(&c.true_expr);
            c.false_expr = rewrite(&c.false_expr);
            Expression::Conditional(Box::new(c))
        }
        Expression::Operation(op) => {
            let mut op = op.as_ref().clone();
            match &mut op {
                hcl::expr::Operation::Unary(u) => u.expr = rewrite(&u.expr),
                hcl::expr::Operation::Binary(b) => {
                    b.lhs_expr = rewrite(&b.lhs_expr);
                    b.rhs_expr = rewrite(&b.rhs_expr);
                }
            }
            Expression::Operation(Box::new(op))
        }
        Expression::ForExpr(f) => {
            let mut f = f.as_ref().clone();
            f.collection_expr = rewrite(&f.collection_expr);
            // The names the `for` binds shadow any value in scope of that name.
            let mut inner: Vec<&str> = bound.to_vec();
            inner.push(f.value_var.as_str());
            if let Some(k) = &f.key_var {
                inner.push(k.as_str());
            }
            let inner_rewrite = |e: &Expression| rewrite_in(e, &inner);
            f.key_expr = f.key_expr.as_ref().map(inner_rewrite);
            f.value_expr = inner_rewrite(&f.value_expr);
            f.cond_expr = f.cond_expr.as_ref().map(inner_rewrite);
            Expression::ForExpr(Box::new(f))
        }
        other => other.clone(),
    }
}

/// A template whose interpolations are rewritten; `None` for one with directives (whose `for`
/// binds names) or one that would not read back as the same template.
fn rewrite_template(te: &TemplateExpr, bound: &[&str]) -> Option<Expression> {
    let mut template = Template::from_expr(te).ok()?;
    for element in template.elements_mut() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => i.expr = rewrite_in(&i.expr, bound),
            Element::Directive(_) => return None,
        }
    }
    if let Some(joined) = joined(te, &template) {
        return Some(joined);
    }
    let text = template.to_string();
    let rewritten = match te {
        TemplateExpr::QuotedString(_) => TemplateExpr::QuotedString(text),
        TemplateExpr::Heredoc(h) => {
            let mut h = h.clone();
            h.template = text;
            TemplateExpr::Heredoc(h)
        }
    };
    (Template::from_expr(&rewritten).ok()? == template)
        .then(|| Expression::TemplateExpr(Box::new(rewritten)))
}

/// A quoted template of literals and interpolations without strip markers, as the `__join`
/// call of its parts; a lone interpolation is its expression, which a template unwraps.
fn joined(te: &TemplateExpr, template: &Template) -> Option<Expression> {
    if !matches!(te, TemplateExpr::QuotedString(_)) {
        return None;
    }
    let mut parts = Vec::new();
    for element in template.elements() {
        match element {
            Element::Literal(text) => parts.push(Expression::String(text.clone())),
            Element::Interpolation(i) if i.strip == hcl::template::Strip::None => {
                parts.push(i.expr.clone())
            }
            _ => return None,
        }
    }
    if let [Element::Interpolation(_)] = template.elements() {
        return parts.pop();
    }
    let mut call = FuncCall::builder(JOIN);
    for part in parts {
        call = call.arg(part);
    }
    Some(Expression::FuncCall(Box::new(call.build())))
}

/// Every quoted template in `expr` (outside `for` expressions' bodies too) as its `__join`
/// call (see [`joined`]); everything else as it is.
pub(crate) fn join_templates(expr: &Expression) -> Expression {
    let mut out = expr.clone();
    join_in(&mut out);
    out
}

fn join_in(expr: &mut Expression) {
    match expr {
        Expression::TemplateExpr(te) => {
            if let Ok(mut template) = Template::from_expr(te) {
                for element in template.elements_mut() {
                    if let Element::Interpolation(i) = element {
                        join_in(&mut i.expr);
                    }
                }
                if let Some(joined) = joined(te, &template) {
                    *expr = joined;
                }
            }
        }
        Expression::Array(items) => items.iter_mut().for_each(join_in),
        Expression::Object(object) => object.values_mut().for_each(join_in),
        Expression::Traversal(t) => {
            join_in(&mut t.expr);
            for op in &mut t.operators {
                if let TraversalOperator::Index(e) = op {
                    join_in(e);
                }
            }
        }
        Expression::FuncCall(f) => f.args.iter_mut().for_each(join_in),
        Expression::Parenthesis(e) => join_in(e),
        Expression::Conditional(c) => {
            join_in(&mut c.cond_expr);
            join_in(&mut c.true_expr);
            join_in(&mut c.false_expr);
        }
        Expression::Operation(op) => match op.as_mut() {
            hcl::expr::Operation::Unary(u) => join_in(&mut u.expr),
            hcl::expr::Operation::Binary(b) => {
                join_in(&mut b.lhs_expr);
                join_in(&mut b.rhs_expr);
            }
        },
        Expression::ForExpr(f) => {
            join_in(&mut f.collection_expr);
            if let Some(k) = &mut f.key_expr {
                join_in(k);
            }
            join_in(&mut f.value_expr);
            if let Some(c) = &mut f.cond_expr {
                join_in(c);
            }
        }
        _ => {}
    }
}

/// A body with every attribute rewritten (see [`rewrite`]), nested blocks included.
pub(crate) fn rewrite_body(body: &hcl::Body) -> hcl::Body {
    hcl::Body::from_iter(body.iter().map(|structure| match structure {
        hcl::Structure::Attribute(a) => {
            hcl::Structure::Attribute(hcl::Attribute::new(a.key.clone(), rewrite(&a.expr)))
        }
        hcl::Structure::Block(b) => {
            let mut b = b.clone();
            b.body = rewrite_body(&b.body);
            hcl::Structure::Block(b)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::{Context, Evaluate};

    fn eval(text: &str, vars: Map<String, Value>) -> Result<Value, String> {
        let body: hcl::Body = hcl::from_str(&format!("x = {text}")).map_err(|e| e.to_string())?;
        let Some(attr) = body.attributes().next() else {
            return Err("no attribute".to_string());
        };
        let mut plain = Context::new();
        plain.declare_var("var", Value::Object(vars.clone()));
        let expected = attr.expr.evaluate(&plain).map_err(|e| e.to_string());
        let mut ctx = Context::new();
        declare(&mut ctx);
        let mut roots = Map::new();
        roots.insert("var".to_string(), Value::Object(vars));
        let _scope = Scope::enter(Rc::new(roots));
        let rewritten = rewrite(&attr.expr);
        assert!(!format!("{rewritten:?}").contains("Variable(Identifier(\"var\"))"));
        let got = rewritten.evaluate(&ctx).map_err(|e| e.to_string());
        assert_eq!(
            got.is_ok(),
            expected.is_ok(),
            "{text}: {got:?} vs {expected:?}"
        );
        if let (Ok(g), Ok(e)) = (&got, &expected) {
            assert_eq!(g, e, "{text}");
        }
        got
    }

    fn vars() -> Map<String, Value> {
        let value: Value = hcl::from_str(
            r#"
            lbs = { api = { arn = "a" }, web = { arn = "w" } }
            names = ["api", "web"]
            name = "p-dev"
            "#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        match value {
            Value::Object(map) => map,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn references_read_in_place_give_what_hcl_gives() {
        assert_eq!(eval("var.lbs[\"api\"].arn", vars()), Ok(Value::from("a")));
        assert_eq!(
            eval("[for s in var.names : var.lbs[s].arn]", vars()),
            Ok(Value::from(vec!["a", "w"]))
        );
        assert_eq!(eval("var.names[1]", vars()), Ok(Value::from("web")));
        assert!(eval("var.lbs[\"db\"].arn", vars()).is_err());
        assert_eq!(
            eval(
                "\"${var.name}: \\\"${var.lbs[\"web\"].arn}\\\" $${x}\"",
                vars()
            ),
            Ok(Value::from("p-dev: \"w\" ${x}"))
        );
    }

    /// `join_templates` keeps what hcl-rs gives for a template: parts joined, numbers and
    /// booleans printed, a lone interpolation unwrapped, strip markers left to hcl-rs.
    #[test]
    fn joined_templates_give_what_hcl_gives() {
        let mut vars = vars();
        vars.insert("port".to_string(), Value::from(8080));
        vars.insert("on".to_string(), Value::from(true));
        for text in [
            r#""${var.name}-${var.port}:${var.on}""#,
            r#""${var.lbs}""#,
            r#""x ${~var.name} y""#,
            r#""${var.name}%{if var.on}!%{endif}""#,
            r#""$${var.name} ${upper(var.name)}""#,
            r#"{ a = "${var.name}-a" }"#,
        ] {
            let body: hcl::Body =
                hcl::from_str(&format!("x = {text}")).unwrap_or_else(|e| panic!("{e}"));
            let Some(attr) = body.attributes().next() else {
                panic!("no attribute");
            };
            let mut plain = Context::new();
            plain.declare_var("var", Value::Object(vars.clone()));
            super::super::functions::declare(&mut plain);
            let mut ctx = plain.clone();
            declare(&mut ctx);
            let joined = join_templates(&attr.expr);
            assert_eq!(
                joined.evaluate(&ctx).map_err(|e| e.to_string()),
                attr.expr.evaluate(&plain).map_err(|e| e.to_string()),
                "{text}"
            );
        }
        let joined = join_templates(
            &hcl::from_str::<hcl::Body>(r#"x = "${var.name}-a""#)
                .ok()
                .and_then(|b| b.attributes().next().map(|a| a.expr.clone()))
                .unwrap_or(Expression::Null),
        );
        assert!(matches!(joined, Expression::FuncCall(_)), "{joined:?}");
    }
}
