//! Module variables read by reference. hcl-rs evaluates `var.x[k].y` by copying the whole `var`
//! object first, then indexing it; inside a `for` over services that reads a map of every
//! service (a dashboard of 50 services, an observability module of 1,000) that copy made `plan`
//! quadratic. A resource's arguments are rewritten once so that such a reference becomes a call
//! of `__var("x", k, "y")`, which walks the current module instance's variables in place and
//! copies only the value it reaches.

use std::cell::RefCell;
use std::rc::Rc;

use hcl::eval::{FuncArgs, FuncDef, ParamType};
use hcl::expr::{FuncCall, TraversalOperator};
use hcl::{Expression, Map, Value};

/// The function the rewritten references call.
pub(crate) const FUNCTION: &str = "__var";

thread_local! {
    /// The variables of the module instances being evaluated, innermost last.
    static VARS: RefCell<Vec<Rc<Map<String, Value>>>> = const { RefCell::new(Vec::new()) };
}

/// While alive, `__var` reads these variables (a module instance's, during its evaluation).
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
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let keys: &[Value] = &args;
    let Some((Value::String(name), path)) = keys.split_first() else {
        return Err("expected a variable name".to_string());
    };
    VARS.with(|vars| {
        let vars = vars.borrow();
        let top = vars.last().ok_or("no module variables in scope")?;
        let mut value = top
            .get(name)
            .ok_or_else(|| format!("unknown variable {name}"))?;
        for key in path {
            value = step(value, key).ok_or_else(|| format!("var.{name}: no element {key}"))?;
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

/// `expr` with every `var.NAME` reference followed only by attributes and indexes turned into
/// a `__var` call (the rest as it was: templates, splats).
pub(crate) fn rewrite(expr: &Expression) -> Expression {
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
                    if v.as_str() == "var" && plain =>
                {
                    let mut call = FuncCall::builder(FUNCTION);
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
            f.key_expr = f.key_expr.as_ref().map(rewrite);
            f.value_expr = rewrite(&f.value_expr);
            f.cond_expr = f.cond_expr.as_ref().map(rewrite);
            Expression::ForExpr(Box::new(f))
        }
        other => other.clone(),
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
        let _scope = Scope::enter(Rc::new(vars));
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
    }
}
