//! Renaming the references to a variable inside an expression tree, in place: renaming by
//! printing and parsing again cost a tenth of `generate` at a thousand services.

use hcl::expr::{Expression, ObjectKey, TraversalOperator};

/// `expr` with every `var.<old>` (followed by anything) written `var.<new>`; `None` when `expr`
/// holds a template or a computed object key, whose text the caller must rewrite instead.
pub fn rename_var(expr: &Expression, old: &str, new: &str) -> Option<Expression> {
    let mut out = expr.clone();
    rename_in(&mut out, &Change::Rename { old, new }).then_some(out)
}

/// `expr` with every `var.<a>` for `a` in `attrs` written `<root>.<a>`: a module variable's
/// condition applied to one entry of a root's map variable (`var.cpu` → `service.cpu`).
/// `None` as for [`rename_var`].
pub fn retarget_vars(expr: &Expression, attrs: &[&str], root: &str) -> Option<Expression> {
    let mut out = expr.clone();
    rename_in(&mut out, &Change::Root { attrs, root }).then_some(out)
}

/// What happens to a matching `var.<name>` reference.
enum Change<'a> {
    Rename { old: &'a str, new: &'a str },
    Root { attrs: &'a [&'a str], root: &'a str },
}

impl Change<'_> {
    fn apply(&self, traversal: &mut hcl::expr::Traversal) {
        let (Expression::Variable(var), Some(TraversalOperator::GetAttr(first))) =
            (&traversal.expr, traversal.operators.first_mut())
        else {
            return;
        };
        if var.as_str() != "var" {
            return;
        }
        match self {
            Change::Rename { old, new } if first.as_str() == *old => *first = (*new).into(),
            Change::Root { attrs, root } if attrs.contains(&first.as_str()) => {
                if let Ok(root) = hcl::expr::Variable::new(*root) {
                    traversal.expr = Expression::Variable(root);
                }
            }
            _ => {}
        }
    }
}

fn rename_in(expr: &mut Expression, change: &Change) -> bool {
    match expr {
        Expression::Null
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        | Expression::Variable(_) => true,
        Expression::TemplateExpr(_) => false,
        Expression::Array(items) => items.iter_mut().all(|e| rename_in(e, change)),
        Expression::Object(object) => {
            object.keys().all(|k| matches!(k, ObjectKey::Identifier(_)))
                && object.values_mut().all(|e| rename_in(e, change))
        }
        Expression::Traversal(traversal) => {
            change.apply(traversal);
            rename_in(&mut traversal.expr, change)
                && traversal.operators.iter_mut().all(|op| match op {
                    TraversalOperator::Index(e) => rename_in(e, change),
                    _ => true,
                })
        }
        Expression::FuncCall(call) => call.args.iter_mut().all(|e| rename_in(e, change)),
        Expression::Parenthesis(inner) => rename_in(inner, change),
        Expression::Conditional(c) => {
            rename_in(&mut c.cond_expr, change)
                && rename_in(&mut c.true_expr, change)
                && rename_in(&mut c.false_expr, change)
        }
        Expression::Operation(op) => match op.as_mut() {
            hcl::expr::Operation::Unary(u) => rename_in(&mut u.expr, change),
            hcl::expr::Operation::Binary(b) => {
                rename_in(&mut b.lhs_expr, change) && rename_in(&mut b.rhs_expr, change)
            }
        },
        Expression::ForExpr(f) => {
            rename_in(&mut f.collection_expr, change)
                && f.key_expr.as_mut().is_none_or(|k| rename_in(k, change))
                && rename_in(&mut f.value_expr, change)
                && f.cond_expr.as_mut().is_none_or(|c| rename_in(c, change))
        }
        // A variant added by a later hcl-rs: the caller's text path handles it.
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::{ex, print_expr};

    fn renamed(text: &str) -> Option<String> {
        rename_var(&ex(text), "cpu", "service_api_cpu").map(|e| print_expr(&e))
    }

    #[test]
    fn renames_whole_references_only() {
        assert_eq!(
            renamed("contains([256, 512], var.cpu) && var.cpu_target == null").as_deref(),
            Some("contains([256, 512], var.service_api_cpu) && var.cpu_target == null")
        );
        assert_eq!(
            renamed("var.cpu == null ? true : alltrue([for c in var.cpu.x : c > local.cpu])")
                .as_deref(),
            Some(
                "var.service_api_cpu == null ? true : alltrue([for c in var.service_api_cpu.x : c > local.cpu])"
            )
        );
        assert_eq!(renamed("other.cpu > 0").as_deref(), Some("other.cpu > 0"));
    }

    #[test]
    fn leaves_templates_to_the_caller() {
        assert_eq!(renamed(r#"can(regex("^${var.cpu}$", "x"))"#), None);
        assert_eq!(
            retarget_vars(
                &ex(r#"can(regex("^${var.cpu}$", "x"))"#),
                &["cpu"],
                "service"
            ),
            None
        );
    }

    /// A module's condition applied to an entry of a root map: the named variables become
    /// attributes of the entry, the others stay as they were.
    #[test]
    fn retargets_the_named_variables_to_the_entry() {
        let retargeted = |text: &str| {
            retarget_vars(&ex(text), &["cpu", "memory"], "service").map(|e| print_expr(&e))
        };
        assert_eq!(
            retargeted(
                "contains([256, 512], var.cpu) && var.memory % 512 == 0 && var.cpu_target == null"
            )
            .as_deref(),
            Some(
                "contains([256, 512], service.cpu) && service.memory % 512 == 0 && var.cpu_target == null"
            )
        );
        assert_eq!(
            retargeted("var.cpu == null ? true : alltrue([for c in var.cpu.x : c > 0])").as_deref(),
            Some("service.cpu == null ? true : alltrue([for c in service.cpu.x : c > 0])")
        );
    }
}
