//! `protect` on the resources whose loss cannot be undone: KMS keys (what they encrypted
//! becomes unreadable), secrets, log groups and the EKS cluster, the counterpart of the
//! Terraform modules' `prevent_destroy`. Resource options are values, so unlike Terraform the
//! protection follows each stack's own `environments.<env>.protect` (stack config `protect`).

use super::component::{Arg, Component};
use super::py::{self, Call, DictItem, Expr, Stmt, call, name, path};

/// Resource classes that hold data or make data readable.
const STATEFUL: [&str; 5] = [
    "aws.kms.Key",
    "aws.kms.ReplicaKey",
    "aws.secretsmanager.Secret",
    "aws.cloudwatch.LogGroup",
    "aws.eks.Cluster",
];

/// `components/kms.py`'s `logs_key(alias, description, region, tags, opts)`: its key (and
/// alias) get the options the caller passes.
const LOGS_KEY: &str = "logs_key";

/// Makes every stateful resource of `component` protected when the stack says so (its options
/// merged with `protect=args.protect`), and adds the `protect` argument, wired from the
/// program's `protect`. Returns whether the component has any.
pub fn protect(component: &mut Component) -> bool {
    let mut found = false;
    for stmt in &mut component.body {
        stmt_walk(stmt, &mut found);
    }
    if found {
        component
            .args
            .push(Arg::wired("protect", "bool", name("protect")));
    }
    found
}

/// `pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=args.protect))`.
fn protected(opts: Expr) -> Expr {
    call(
        path("pulumi.ResourceOptions.merge"),
        vec![
            opts,
            call(
                path("pulumi.ResourceOptions"),
                vec![],
                vec![("protect", path("args.protect"))],
            ),
        ],
        vec![],
    )
}

fn stmt_walk(stmt: &mut Stmt, found: &mut bool) {
    match stmt {
        Stmt::Expr(e) | Stmt::Return(e) | Stmt::Raise(e) => expr_walk(e, found),
        Stmt::Assign { value, .. } => expr_walk(value, found),
        Stmt::If { cond, body } => {
            expr_walk(cond, found);
            body.iter_mut().for_each(|s| stmt_walk(s, found));
        }
        Stmt::For { iter, body, .. } => {
            expr_walk(iter, found);
            body.iter_mut().for_each(|s| stmt_walk(s, found));
        }
        Stmt::Def(f) => f.body.iter_mut().for_each(|s| stmt_walk(s, found)),
        Stmt::Class(c) => c.body.iter_mut().for_each(|s| stmt_walk(s, found)),
        Stmt::Declare { .. } | Stmt::Comment(_) | Stmt::Blank => {}
    }
}

fn expr_walk(e: &mut Expr, found: &mut bool) {
    match e {
        Expr::Call(c) => call_walk(c, found),
        Expr::Attr(inner, _) | Expr::Star(inner) | Expr::Not(inner) | Expr::Lambda(_, inner) => {
            expr_walk(inner, found)
        }
        Expr::Index(a, b) | Expr::BinOp(a, _, b) => {
            expr_walk(a, found);
            expr_walk(b, found);
        }
        Expr::IfExp(a, b, c) => {
            expr_walk(a, found);
            expr_walk(b, found);
            expr_walk(c, found);
        }
        Expr::Slice(a, b, c) => {
            expr_walk(a, found);
            for x in [b, c].into_iter().flatten() {
                expr_walk(x, found);
            }
        }
        Expr::List(items) => items.iter_mut().for_each(|x| expr_walk(x, found)),
        Expr::Dict(items) => {
            for item in items {
                match item {
                    DictItem::Pair(k, v) => {
                        expr_walk(k, found);
                        expr_walk(v, found);
                    }
                    DictItem::Splat(v) => expr_walk(v, found),
                }
            }
        }
        Expr::Comp(c) => {
            if let Some(k) = &mut c.key {
                expr_walk(k, found);
            }
            expr_walk(&mut c.elt, found);
            expr_walk(&mut c.iter, found);
            if let Some(cond) = &mut c.cond {
                expr_walk(cond, found);
            }
        }
        Expr::FStr(parts) => {
            for part in parts {
                match part {
                    py::FPart::Expr(x) | py::FPart::Spec(x, _) => expr_walk(x, found),
                    py::FPart::Lit(_) => {}
                }
            }
        }
        Expr::Name(_) | Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::None => {}
    }
}

fn call_walk(c: &mut Call, found: &mut bool) {
    expr_walk(&mut c.func, found);
    c.args.iter_mut().for_each(|a| expr_walk(a, found));
    c.kwargs.iter_mut().for_each(|(_, v)| expr_walk(v, found));
    let stateful = STATEFUL.iter().any(|kind| c.func == path(kind));
    if stateful && let Some((_, opts)) = c.kwargs.iter_mut().find(|(k, _)| k == "opts") {
        *opts = protected(opts.clone());
        *found = true;
    } else if c.func == name(LOGS_KEY)
        && let Some(opts) = c.args.get_mut(4)
    {
        *opts = protected(opts.clone());
        *found = true;
    }
}
