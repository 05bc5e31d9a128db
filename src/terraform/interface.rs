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

    /// The type constraint as written in HCL, for documentation.
    pub fn type_text(&self) -> String {
        crate::hcl::print_expr(&self.ty)
    }

    fn to_block(&self) -> crate::hcl::Block {
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
}

impl Output {
    pub fn new(name: &str, description: &str, value: Expr) -> Self {
        Self {
            name: name.to_string(),
            description: description.to_string(),
            value,
        }
    }

    fn to_block(&self) -> crate::hcl::Block {
        block(
            "output",
            &[&self.name],
            Body::new()
                .attr("description", s(&self.description))
                .attr("value", self.value.clone()),
        )
    }
}

/// `variables.tf`: one block per variable, in order.
pub fn variables_file(vars: &[Variable]) -> Body {
    Body::new().blocks(vars.iter().map(Variable::to_block))
}

/// `outputs.tf`: one block per output, in order.
pub fn outputs_file(outputs: &[Output]) -> Body {
    Body::new().blocks(outputs.iter().map(Output::to_block))
}
