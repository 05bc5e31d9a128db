//! Variables and outputs: the interface of a module or a root, and the files that declare it.

use crate::hcl::{Body, Expr, block, ex, s};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// A `variable` block, plus the value an environment gives it.
///
/// The type and the conditions are kept as the text iacgen wrote and parsed (once per run, see
/// [`ex`]) only when the block is printed: a platform of many services declares the same
/// variables thousands of times, and their syntax trees were a fifth of `generate`'s memory.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub description: Rc<str>,
    /// Type constraint, e.g. `map(string)`.
    ty: Rc<str>,
    /// `(condition, error_message)` pairs; the conditions refer to the variable by `declared_as`.
    validations: Vec<(Rc<str>, Message)>,
    /// The name the conditions were written with, when [`Variable::rename`] changed it.
    declared_as: Option<String>,
}

impl Variable {
    pub fn new(name: &str, ty: &str, description: &str) -> Self {
        Self {
            name: name.to_string(),
            description: shared(description),
            ty: shared(ty),
            validations: Vec::new(),
            declared_as: None,
        }
    }

    /// Adds a `validation` block; the condition is iacgen's own constant code.
    pub fn check(mut self, condition: &str, message: &str) -> Self {
        self.validations
            .push((shared(condition), Message::Text(shared(message))));
        self
    }

    /// Adds a `validation` block whose error message is an HCL expression (a template naming
    /// what failed), written by iacgen like the condition.
    pub fn check_with(mut self, condition: &str, message: &str) -> Self {
        self.validations
            .push((shared(condition), Message::Expr(shared(message))));
        self
    }

    /// The type constraint as iacgen wrote it.
    pub fn ty(&self) -> &str {
        &self.ty
    }

    /// The validations: each condition (referring to the variable by its current name) and its
    /// plain error message; `None` for a message that is an expression.
    pub fn checks(&self) -> impl Iterator<Item = (Expr, Option<&str>)> {
        self.validations.iter().map(|(condition, message)| {
            let message = match message {
                Message::Text(text) => Some(&**text),
                Message::Expr(_) => None,
            };
            (self.condition(condition), message)
        })
    }

    /// Renames the variable; `var.<old>` in its validation conditions follows when printed.
    pub fn rename(&mut self, new: &str) {
        if new != self.name && self.declared_as.is_none() {
            self.declared_as = Some(std::mem::take(&mut self.name));
        }
        self.name = new.to_string();
    }

    /// The type constraint as written in HCL, for documentation.
    pub fn type_text(&self) -> String {
        crate::hcl::print_expr(&ex(&self.ty))
    }

    /// A condition as HCL, referring to the variable by its current name.
    fn condition(&self, text: &str) -> Expr {
        let condition = ex(text);
        let Some(old) = self.declared_as.as_deref().filter(|old| *old != self.name) else {
            return condition;
        };
        match crate::hcl::rename_var(&condition, old, &self.name) {
            Some(renamed) => renamed,
            None => ex(&replace_reference(
                &crate::hcl::print_expr(&condition),
                &format!("var.{old}"),
                &format!("var.{}", self.name),
            )),
        }
    }

    pub(crate) fn to_block(&self) -> crate::hcl::Block {
        let mut body = Body::new()
            .attr("description", s(&*self.description))
            .attr("type", ex(&self.ty));
        for (condition, message) in &self.validations {
            body = body.block(block(
                "validation",
                &[],
                Body::new()
                    .attr("condition", self.condition(condition))
                    .attr(
                        "error_message",
                        match message {
                            Message::Text(text) => s(&**text),
                            Message::Expr(expr) => ex(expr),
                        },
                    ),
            ));
        }
        block("variable", &[&self.name], body)
    }
}

/// A validation's error message: plain text, or an expression iacgen wrote.
#[derive(Debug, Clone)]
enum Message {
    Text(Rc<str>),
    Expr(Rc<str>),
}

/// One copy of a text iacgen writes into many variables (every service's calls declare the same
/// variables): later requests for the same text share it.
fn shared(text: &str) -> Rc<str> {
    thread_local! {
        static TEXTS: RefCell<HashSet<Rc<str>>> = RefCell::new(HashSet::new());
    }
    TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        if let Some(known) = texts.get(text) {
            return known.clone();
        }
        let new: Rc<str> = Rc::from(text);
        // Bounded: texts that differ per service must not pile up.
        if texts.len() < 4096 {
            texts.insert(new.clone());
        }
        new
    })
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub description: String,
    pub value: Expr,
    /// `depends_on` of the output: what must exist before anything that reads it is created.
    pub depends_on: Option<Expr>,
}

impl Output {
    pub fn new(name: &str, description: &str, value: Expr) -> Self {
        Self {
            name: name.to_string(),
            description: description.to_string(),
            value,
            depends_on: None,
        }
    }

    /// The same output, read only once `resources` (a list of references) exist.
    pub fn after(mut self, resources: &str) -> Self {
        self.depends_on = Some(crate::hcl::ex(resources));
        self
    }

    pub(crate) fn to_block(&self) -> crate::hcl::Block {
        let mut body = Body::new()
            .attr("description", s(&*self.description))
            .attr("value", self.value.clone());
        if let Some(depends_on) = &self.depends_on {
            body = body.attr("depends_on", depends_on.clone());
        }
        block("output", &[&self.name], body)
    }
}

/// `variables.tf`: one block per variable, in order.
pub fn variables_text<'a>(vars: impl IntoIterator<Item = &'a Variable>) -> String {
    let mut file = crate::hcl::Printer::new();
    for var in vars {
        file.block(var.to_block());
    }
    file.finish()
}

/// `outputs.tf`: one block per output, in order.
pub fn outputs_text<'a>(outputs: impl IntoIterator<Item = &'a Output>) -> String {
    let mut file = crate::hcl::Printer::new();
    for output in outputs {
        file.block(output.to_block());
    }
    file.finish()
}

/// Replaces whole references `old` (not `old_suffix`) in expression text written by iacgen.
pub(crate) fn replace_reference(text: &str, old: &str, new: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(old) {
        let after = &rest[i + old.len()..];
        let whole = !after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        out.push_str(&rest[..i]);
        out.push_str(if whole { new } else { old });
        rest = after;
    }
    out.push_str(rest);
    out
}
