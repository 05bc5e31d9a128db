//! Small constructors for expressions and blocks, so generator code reads like the HCL it makes.

use super::{Block, Body, Expr, ObjectKey};
use hcl::Identifier;
use hcl::expr::{TemplateExpr, Traversal, TraversalOperator, Variable};

/// Parses an expression written by iacgen itself (a reference, a function call, a `for`).
///
/// Only for constant text in this crate: user data must go through [`s`], [`num`], [`obj`] and
/// friends so that it is escaped. Panics on a syntax error because that is a bug in iacgen, and
/// every generator is covered by golden tests.
pub fn ex(code: &str) -> Expr {
    // Most of what iacgen writes is a plain reference (`var.x`, `module.m.out`): built
    // directly, as the parser would build it, since parsing dominated large platforms' runs.
    if let Some(reference) = dotted(code) {
        return reference;
    }
    // The same constant text comes again for every service and environment: parsed once.
    thread_local! {
        static PARSED: std::cell::RefCell<std::collections::HashMap<String, Expr>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(e) = PARSED.with(|p| p.borrow().get(code).cloned()) {
        return e;
    }
    let e = match code.parse::<Expr>() {
        Ok(e) => e,
        Err(err) => panic!("iacgen bug: invalid HCL expression {code:?}: {err}"),
    };
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        // Bounded: texts that differ per service must not pile up.
        if p.len() < 4096 {
            p.insert(code.to_string(), e.clone());
        }
    });
    e
}

/// `a.b.c` of plain identifiers (no `-`, no keyword first) as a traversal, or `None`.
fn dotted(code: &str) -> Option<Expr> {
    let plain = |p: &str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let mut parts = code.split('.');
    let first = parts.next()?;
    if !plain(first) || matches!(first, "null" | "true" | "false" | "for" | "in" | "if") {
        return None;
    }
    let operators = parts
        .map(|p| plain(p).then(|| TraversalOperator::GetAttr(Identifier::unchecked(p))))
        .collect::<Option<Vec<_>>>()?;
    if operators.is_empty() {
        return None;
    }
    Some(Expr::Traversal(Box::new(Traversal::new(
        Variable::unchecked(first),
        operators,
    ))))
}

/// A string literal; the printer escapes it.
pub fn s(value: impl Into<String>) -> Expr {
    Expr::String(value.into())
}

/// An integer literal.
pub fn num(value: i64) -> Expr {
    Expr::Number(value.into())
}

/// A boolean literal.
pub fn boolean(value: bool) -> Expr {
    Expr::Bool(value)
}

/// `null`
pub fn null() -> Expr {
    Expr::Null
}

/// A tuple `[a, b]`.
pub fn list<I, E>(items: I) -> Expr
where
    I: IntoIterator<Item = E>,
    E: Into<Expr>,
{
    Expr::Array(items.into_iter().map(Into::into).collect())
}

/// A list of string literals.
pub fn strings<I, S>(items: I) -> Expr
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Expr::Array(items.into_iter().map(|v| s(v)).collect())
}

/// An object `{ key = value }`, keys in the given order. Keys that are valid identifiers are
/// written bare, any other key is a quoted (escaped) string.
pub fn obj<I, K, E>(entries: I) -> Expr
where
    I: IntoIterator<Item = (K, E)>,
    K: Into<String>,
    E: Into<Expr>,
{
    let mut object = hcl::Object::new();
    for (k, v) in entries {
        object.insert(key(k.into()), v.into());
    }
    Expr::Object(object)
}

/// An object key: bare identifier when possible, otherwise a quoted string.
pub fn key(k: String) -> ObjectKey {
    if is_identifier(&k) {
        ObjectKey::Identifier(Identifier::unchecked(k))
    } else {
        ObjectKey::Expression(Expr::String(k))
    }
}

/// Whether `name` can be written as a bare HCL identifier (and is not a keyword that would be
/// read as a literal).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(name, "null" | "true" | "false" | "for" | "in" | "if")
}

/// A variable reference such as `var` or `each` (use [`ex`] for paths like `var.name`).
pub fn variable(name: &str) -> Expr {
    Expr::Variable(Variable::unchecked(name))
}

/// One piece of a string template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text, escaped by the printer.
    Lit(String),
    /// `${ expr }`
    Interp(Expr),
}

/// A quoted string template such as `"${var.project}-${var.environment}-vpc"`.
///
/// Literal parts are kept literal (`${`, `%{`, quotes, backslashes and control characters are
/// escaped when printed); interpolations are printed on one line. A template made of literal
/// text only is a plain string.
pub fn template(parts: Vec<Part>) -> Expr {
    // Merge adjacent literals first: `$` + `{b` must not become an interpolation.
    let mut merged: Vec<Part> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(Part::Lit(prev)), Part::Lit(text)) => prev.push_str(&text),
            (_, part) => merged.push(part),
        }
    }
    match merged.as_slice() {
        [] => return s(""),
        [Part::Lit(text)] => return s(text.clone()),
        _ => {}
    }
    // hcl-rs keeps a quoted template as its source text with string escapes decoded and
    // template escapes (`$${`, `%%{`) as written; build exactly that.
    let mut raw = String::new();
    for (i, part) in merged.iter().enumerate() {
        match part {
            Part::Lit(text) => {
                // Literal `$` right before `${` would read as the escape `$${`: such dollars
                // are written as an interpolated string instead.
                let dollars = if matches!(merged.get(i + 1), Some(Part::Interp(_))) {
                    text.len() - text.trim_end_matches('$').len()
                } else {
                    0
                };
                let (text, tail) = text.split_at(text.len() - dollars);
                raw.push_str(&super::escape::escape_heredoc_literal(text));
                if dollars > 0 {
                    raw.push_str(&format!("${{\"{tail}\"}}"));
                }
            }
            Part::Interp(e) => {
                raw.push_str("${");
                raw.push_str(&super::print::inline_source(e));
                raw.push('}');
            }
        }
    }
    Expr::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)))
}

/// The common "reference + suffix" template: `name_with(ex("local.name"), "-vpc")` is
/// `"${local.name}-vpc"`. Use [`template`] with [`Part`]s for anything else.
pub fn name_with(prefix: Expr, suffix: &str) -> Expr {
    template(vec![Part::Interp(prefix), Part::Lit(suffix.to_string())])
}

/// `ident "l1" "l2" { body }`
pub fn block(ident: &str, labels: &[&str], body: Body) -> Block {
    Block::new(ident, labels, body)
}

/// `resource "type" "name" { body }`
pub fn resource(kind: &str, name: &str, body: Body) -> Block {
    Block::new("resource", &[kind, name], body)
}

/// `data "type" "name" { body }`
pub fn data(kind: &str, name: &str, body: Body) -> Block {
    Block::new("data", &[kind, name], body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut builds exactly what the parser builds, so printing cannot tell them apart;
    /// anything else still goes to the parser.
    #[test]
    fn references_are_built_as_the_parser_builds_them() {
        for code in [
            "var.x",
            "module.network.vpc_id",
            "aws_subnet.this",
            "data.aws_region.current.region",
            "_a.b_2",
        ] {
            let parsed: Expr = code.parse().unwrap();
            assert_eq!(dotted(code), Some(parsed), "{code}");
        }
        for code in [
            "var",
            "var.",
            "var.x-y",
            "aws_subnet.this.0",
            "null.x",
            "var.x[0]",
            "1.5",
            "a .b",
            "",
        ] {
            assert_eq!(dotted(code), None, "{code}");
        }
    }
}
