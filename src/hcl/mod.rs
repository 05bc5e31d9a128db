//! HCL documents as syntax trees, and a printer whose output is byte-identical to `terraform fmt`.
//!
//! Expressions are hcl-rs [`Expr`] values. Bodies are our own small type because generated code
//! needs things hcl-rs bodies cannot hold: line comments (checkov skips, tfvars documentation)
//! and deliberate blank lines between groups of attributes.
//!
//! What callers must avoid, because no text survives `terraform fmt` or HCL: attribute names
//! and block types that are not identifiers (printed as given), and block labels holding `$` or
//! `%` (terraform fmt cannot re-read such a label and deletes it).

mod build;
mod escape;
mod layout;
mod print;
mod rename;

pub use build::*;
pub use hcl::Expression as Expr;
pub use hcl::ObjectKey;
pub use print::{Printer, escape_string, print_body, print_expr};
pub use rename::{rename_var, retarget_vars};

/// One item of a body, printed on its own line(s) in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `key = value`
    Attr(String, Expr),
    /// `ident "label" ... { body }`
    Block(Block),
    /// A `# text` line comment (a bare `#` when empty). Each line of `text` becomes a comment
    /// line of its own; control characters are printed as spaces.
    Comment(String),
    /// An empty line. Consecutive or leading/trailing blanks are collapsed by the printer.
    Blank,
}

/// A block: `resource "aws_vpc" "this" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Body,
}

/// The contents of a file or of a block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub items: Vec<Item>,
}

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key = value`.
    pub fn attr(mut self, key: &str, value: impl Into<Expr>) -> Self {
        self.items.push(Item::Attr(key.to_string(), value.into()));
        self
    }

    /// Adds `key = value` when `value` is `Some`.
    pub fn attr_opt(self, key: &str, value: Option<impl Into<Expr>>) -> Self {
        match value {
            Some(v) => self.attr(key, v),
            None => self,
        }
    }

    /// Adds a nested block.
    pub fn block(mut self, block: Block) -> Self {
        self.items.push(Item::Block(block));
        self
    }

    /// Adds several nested blocks.
    pub fn blocks(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.items.extend(blocks.into_iter().map(Item::Block));
        self
    }

    /// Adds a `# text` comment (one per line of `text`; empty text gives a bare `#`).
    pub fn comment(mut self, text: &str) -> Self {
        if text.is_empty() {
            self.items.push(Item::Comment(String::new()));
        }
        for line in text.lines() {
            self.items.push(Item::Comment(line.to_string()));
        }
        self
    }

    /// Adds a blank line.
    pub fn blank(mut self) -> Self {
        self.items.push(Item::Blank);
        self
    }

    /// Appends the items of another body.
    pub fn extend(mut self, other: Body) -> Self {
        self.items.extend(other.items);
        self
    }

    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Block {
    pub fn new(ident: &str, labels: &[&str], body: Body) -> Self {
        Self {
            ident: ident.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            body,
        }
    }
}
