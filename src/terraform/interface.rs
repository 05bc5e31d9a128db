//! Variables and outputs: the interface of a module or a root, and the files that declare it.

use crate::hcl::{Body, Expr, block, ex, s};

/// A `variable` block, plus the value an environment gives it.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub description: String,
    /// Type constraint, e.g. `ex("map(string)")`.
    pub ty: Expr,
    /// `(condition, error_message)` pairs.
    pub validations: Vec<(Expr, String)>,
}

impl Variable {
    pub fn new(name: &str, ty: &str, description: &str) -> Self {
        Self {
            name: name.to_string(),
            description: description.to_string(),
            ty: ex(ty),
            validations: Vec::new(),
        }
    }

    /// Adds a `validation` block; the condition is iacgen's own constant code.
    pub fn check(mut self, condition: &str, message: &str) -> Self {
        self.validations.push((ex(condition), message.to_string()));
        self
    }

    /// Renames the variable, rewriting `var.<old>` in its validation conditions.
    pub fn rename(&mut self, new: &str) {
        if new == self.name {
            return;
        }
        let old = format!("var.{}", self.name);
        let replacement = format!("var.{new}");
        for (condition, _) in &mut self.validations {
            *condition = match crate::hcl::rename_var(condition, &self.name, new) {
                Some(renamed) => renamed,
                None => {
                    let text = crate::hcl::print_expr(condition);
                    ex(&replace_reference(&text, &old, &replacement))
                }
            };
        }
        self.name = new.to_string();
    }

    /// The type constraint as written in HCL, for documentation.
    pub fn type_text(&self) -> String {
        crate::hcl::print_expr(&self.ty)
    }

    pub(crate) fn to_block(&self) -> crate::hcl::Block {
        let mut body = Body::new()
            .attr("description", s(&self.description))
            .attr("type", self.ty.clone());
        for (condition, message) in &self.validations {
            body = body.block(block(
                "validation",
                &[],
                Body::new()
                    .attr("condition", condition.clone())
                    .attr("error_message", s(message)),
            ));
        }
        block("variable", &[&self.name], body)
    }
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
            .attr("description", s(&self.description))
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
fn replace_reference(text: &str, old: &str, new: &str) -> String {
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
