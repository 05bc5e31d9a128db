//! The printer: HCL text exactly as `terraform fmt` would leave it.
//!
//! Expressions and bodies become a token stream whose line breaks are the layout chosen here;
//! [`layout::render`](super::layout::render) then applies the formatter's own spacing,
//! indentation and alignment rules. On top of that, the two rewrites `terraform fmt` makes
//! beyond whitespace are never triggered: an attribute whose value is a lone interpolation
//! `"${x}"` is printed as `x`, and legacy `type = "string"` in variables is printed modern.

use super::build::is_identifier;
use super::escape::{escape_heredoc_literal, push_unicode_escape};
use super::layout::{Kind, Tok, line_width, render};
use super::{Block, Body, Expr, Item, ObjectKey};
use hcl::expr::{
    BinaryOp, Conditional, ForExpr, FuncCall, Heredoc, HeredocStripMode, Operation, TemplateExpr,
    Traversal, TraversalOperator, UnaryOperator,
};
use hcl::template::{Directive, Element, Strip, Template};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

pub use super::escape::escape_string;

/// Lines longer than this are split where the layout allows (lists, calls, for expressions).
const MAX_WIDTH: usize = 100;

/// Prints a whole file body. Output ends with exactly one newline (empty body: empty string).
pub fn print_body(body: &Body) -> String {
    let mut printer = Printer::new();
    for item in &body.items {
        printer.push(item);
    }
    printer.finish()
}

/// A file printed item by item, so that a large file never exists as one syntax tree: the
/// caller builds an item, pushes it and drops it. The text is [`print_body`]'s of the same
/// items.
///
/// Rendered a stretch at a time: a blank line between top-level items ends every alignment
/// run and leaves no bracket open, so rendering the stretches separately gives the same text
/// while the tokens in memory are those of one stretch, not of the whole file.
#[derive(Default)]
pub struct Printer {
    out: String,
    toks: Vec<Tok>,
    prev: Option<ItemKind>,
    blank: bool,
}

impl Printer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one top-level item.
    pub fn push(&mut self, item: &Item) {
        let Some(kind) = item_kind(item) else {
            self.blank = self.prev.is_some();
            return;
        };
        if separated(self.prev, self.blank, kind) {
            self.out.push_str(&render(&self.toks));
            self.toks.clear();
            self.toks.push(newline());
        }
        emit_item(&mut self.toks, item, 0, false);
        self.prev = Some(kind);
        self.blank = false;
    }

    /// Appends a block.
    pub fn block(&mut self, block: Block) {
        self.push(&Item::Block(block));
    }

    /// Appends an attribute.
    pub fn attr(&mut self, key: &str, value: Expr) {
        self.push(&Item::Attr(key.to_string(), value));
    }

    /// Appends a comment, one line per line of `text`, as [`Body::comment`] does.
    pub fn comment(&mut self, text: &str) {
        if text.is_empty() {
            self.push(&Item::Comment(String::new()));
        }
        for line in text.lines() {
            self.push(&Item::Comment(line.to_string()));
        }
    }

    /// Appends a blank line (none at the start, at most one in a row).
    pub fn blank(&mut self) {
        self.push(&Item::Blank);
    }

    /// The text: ends with exactly one newline (nothing pushed: empty string).
    pub fn finish(mut self) -> String {
        self.out.push_str(&render(&self.toks));
        // The tree holds every file until it is written: no doubling slack.
        self.out.shrink_to_fit();
        self.out
    }
}

/// Prints one expression as it would appear after `=` on a line at indent 0.
///
/// Like an attribute value: a lone interpolation `"${x}"` is printed as `x`, and a heredoc
/// stays a heredoc (ending with its closing marker, without a final newline).
pub fn print_expr(expr: &Expr) -> String {
    let value = unwrap_interpolation(expr);
    let mut toks = value_tokens(&value, Ctx::block(0, 0));
    strip_interpolation_tokens(&mut toks);
    render(&toks)
}

/// Source text of an expression on a single line, for use inside a template interpolation.
pub(crate) fn inline_source(expr: &Expr) -> String {
    render(&expr_tokens(expr, Ctx::inline()))
}

/// Where an expression is printed.
#[derive(Clone, Copy)]
struct Ctx {
    /// Nesting level of the line the expression starts on.
    depth: usize,
    /// Estimated column where the expression starts (for line-length choices only).
    col: usize,
    /// Everything must stay on one line (inside `${ }`, an index or an object key).
    inline: bool,
}

impl Ctx {
    fn block(depth: usize, col: usize) -> Self {
        Self {
            depth,
            col,
            inline: false,
        }
    }
    fn inline() -> Self {
        Self {
            depth: 0,
            col: 0,
            inline: true,
        }
    }
    /// The context of the lines nested one level inside this expression.
    fn nested(self) -> Self {
        if self.inline {
            self
        } else {
            Self::block(self.depth + 1, 2 * (self.depth + 1))
        }
    }
    fn at(self, col: usize) -> Self {
        Self { col, ..self }
    }
    fn fits(self, width: usize) -> bool {
        self.inline || self.col + width <= MAX_WIDTH
    }
}

fn tok(kind: Kind, text: impl Into<Cow<'static, str>>) -> Tok {
    Tok::new(kind, text)
}

fn newline() -> Tok {
    tok(Kind::Newline, "\n")
}

fn is_multiline(toks: &[Tok]) -> bool {
    toks.iter()
        .any(|t| matches!(t.kind, Kind::Newline | Kind::OHeredoc))
}

// ---------------------------------------------------------------------------------------------
// Bodies

#[derive(Clone, Copy, PartialEq)]
enum ItemKind {
    Attr,
    Block,
    Comment,
}

fn emit_body(toks: &mut Vec<Tok>, body: &Body, depth: usize, in_variable: bool) {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        emit_body_here(toks, body, depth, in_variable)
    })
}

fn emit_body_here(toks: &mut Vec<Tok>, body: &Body, depth: usize, in_variable: bool) {
    let mut prev: Option<ItemKind> = None;
    let mut blank = false;
    for item in &body.items {
        let Some(kind) = item_kind(item) else {
            blank = prev.is_some();
            continue;
        };
        if separated(prev, blank, kind) {
            toks.push(newline());
        }
        emit_item(toks, item, depth, in_variable);
        prev = Some(kind);
        blank = false;
    }
}

/// The kind of a body item; `None` for a blank line, which only separates.
fn item_kind(item: &Item) -> Option<ItemKind> {
    match item {
        Item::Blank => None,
        Item::Attr(..) => Some(ItemKind::Attr),
        Item::Block(_) => Some(ItemKind::Block),
        Item::Comment(_) => Some(ItemKind::Comment),
    }
}

/// Whether a blank line comes before an item of `kind`: blocks are set apart from their
/// neighbours; comments stick to what follows them.
fn separated(prev: Option<ItemKind>, blank: bool, kind: ItemKind) -> bool {
    prev.is_some_and(|p| {
        blank || p == ItemKind::Block || (kind == ItemKind::Block && p == ItemKind::Attr)
    })
}

fn emit_item(toks: &mut Vec<Tok>, item: &Item, depth: usize, in_variable: bool) {
    match item {
        Item::Attr(key, value) => emit_attr(toks, key, value, depth, in_variable),
        Item::Block(block) => emit_block(toks, block, depth),
        Item::Comment(text) => emit_comment(toks, text),
        Item::Blank => {}
    }
}

fn emit_attr(toks: &mut Vec<Tok>, key: &str, value: &Expr, depth: usize, in_variable: bool) {
    toks.push(tok(Kind::Ident, key.to_string()));
    toks.push(tok(Kind::Equal, "="));
    let ctx = Ctx::block(depth, 2 * depth + key.len() + 3);
    let mut value_toks = if in_variable && key == "type" {
        // terraform fmt treats `type` in a variable block as a type expression, not a value.
        let mut t = value_tokens(value, ctx);
        modernize_type(&mut t);
        t
    } else {
        let mut t = value_tokens(&unwrap_interpolation(value), ctx);
        strip_interpolation_tokens(&mut t);
        t
    };
    toks.append(&mut value_toks);
    toks.push(newline());
}

fn emit_block(toks: &mut Vec<Tok>, block: &Block, depth: usize) {
    toks.push(tok(Kind::Ident, block.ident.clone()));
    for label in &block.labels {
        // HCL reads strings as NFC and terraform fmt rewrites labels from what it read.
        toks.extend(quoted(&label.nfc().collect::<String>()));
    }
    toks.push(tok(Kind::OBrace, "{"));
    if block.body.items.iter().all(|i| matches!(i, Item::Blank)) {
        toks.push(tok(Kind::CBrace, "}"));
    } else {
        toks.push(newline());
        let in_variable = depth == 0 && block.ident == "variable";
        emit_body(toks, &block.body, depth + 1, in_variable);
        toks.push(tok(Kind::CBrace, "}"));
    }
    toks.push(newline());
}

fn emit_comment(toks: &mut Vec<Tok>, text: &str) {
    for line in text.split(['\n', '\r']) {
        let clean: String = line
            .chars()
            .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
            .collect();
        let clean = clean.trim_end();
        let text = if clean.is_empty() {
            "#\n".to_string()
        } else {
            format!("# {clean}\n")
        };
        toks.push(Tok::new(Kind::Comment, text));
    }
}

// ---------------------------------------------------------------------------------------------
// The two rewrites of terraform fmt

/// `"${x}"` as an attribute value is `x` (terraform fmt unwraps it), repeatedly.
fn unwrap_interpolation(expr: &Expr) -> Cow<'_, Expr> {
    let mut current = Cow::Borrowed(expr);
    loop {
        let inner = match current.as_ref() {
            Expr::TemplateExpr(t) if matches!(**t, TemplateExpr::QuotedString(_)) => {
                match Template::from_expr(t) {
                    Ok(tpl) => match tpl.elements() {
                        [Element::Interpolation(i)] => Some(i.expr.clone()),
                        _ => None,
                    },
                    Err(_) => None,
                }
            }
            _ => None,
        };
        match inner {
            Some(e) => current = Cow::Owned(e),
            None => return current,
        }
    }
}

/// The token-level form of terraform fmt's interpolation unwrapping, as a safety net: if the
/// printed value is still one quoted interpolation, keep only its inside.
fn strip_interpolation_tokens(toks: &mut Vec<Tok>) {
    while toks.len() >= 5 {
        let n = toks.len();
        if toks[0].kind != Kind::OQuote
            || toks[1].kind != Kind::Interp
            || toks[n - 2].kind != Kind::SeqEnd
            || toks[n - 1].kind != Kind::CQuote
        {
            return;
        }
        let mut quotes = 0i64;
        for t in &toks[2..n - 2] {
            match t.kind {
                Kind::OQuote => quotes += 1,
                Kind::CQuote => quotes -= 1,
                _ if quotes > 0 => {}
                Kind::Interp | Kind::SeqEnd | Kind::QuotedLit => return,
                _ => {}
            }
        }
        toks.truncate(n - 2);
        toks.drain(..2);
    }
}

/// Legacy type constraints, as terraform fmt rewrites them: `"string"` → `string`,
/// `"list"` → `list(string)`, `"map"` → `map(string)`, bare `list`/`map`/`set` → `list(any)`…
fn modernize_type(toks: &mut Vec<Tok>) {
    let call = |name: &str, arg: &str| {
        vec![
            tok(Kind::Ident, name.to_string()),
            tok(Kind::OParen, "("),
            tok(Kind::Ident, arg.to_string()),
            tok(Kind::CParen, ")"),
        ]
    };
    match toks.as_slice() {
        [t] if t.kind == Kind::Ident && matches!(&*t.text, "list" | "map" | "set") => {
            *toks = call(&t.text.clone(), "any");
        }
        [o, lit, c]
            if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote =>
        {
            match &*lit.text {
                "string" => *toks = vec![tok(Kind::Ident, "string")],
                "list" => *toks = call("list", "string"),
                "map" => *toks = call("map", "string"),
                _ => {}
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// An attribute or object value: like any expression, but a heredoc may stay a heredoc since
/// nothing follows it on its line.
fn value_tokens(expr: &Expr, ctx: Ctx) -> Vec<Tok> {
    if let Expr::TemplateExpr(t) = expr
        && let TemplateExpr::Heredoc(h) = &**t
        && !ctx.inline
        && let Some(toks) = heredoc_tokens(h)
    {
        return toks;
    }
    expr_tokens(expr, ctx)
}

/// Stack left before the printer's recursion moves to a fresh segment, and that segment's size:
/// expression trees of any depth print without overflowing the stack.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

fn expr_tokens(expr: &Expr, ctx: Ctx) -> Vec<Tok> {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || expr_tokens_here(expr, ctx))
}

fn expr_tokens_here(expr: &Expr, ctx: Ctx) -> Vec<Tok> {
    match expr {
        Expr::Null => vec![tok(Kind::Ident, "null")],
        Expr::Bool(b) => vec![tok(Kind::Ident, if *b { "true" } else { "false" })],
        Expr::Number(n) => number_tokens(&n.to_string()),
        Expr::String(s) => quoted(s),
        Expr::Array(items) => array_tokens(items, ctx),
        Expr::Object(object) => object_tokens(object, ctx),
        Expr::TemplateExpr(t) => template_expr_tokens(t),
        Expr::Variable(v) => vec![tok(Kind::Ident, v.to_string())],
        Expr::Traversal(t) => traversal_tokens(t, ctx),
        Expr::FuncCall(f) => call_tokens(f, ctx),
        Expr::Parenthesis(inner) => {
            let inner_toks = expr_tokens(inner, ctx.at(ctx.col + 1));
            // A conditional laid out over lines already brings its own parentheses.
            if matches!(**inner, Expr::Conditional(_))
                && inner_toks.first().is_some_and(|t| t.kind == Kind::OParen)
                && inner_toks.get(1).is_some_and(|t| t.kind == Kind::Newline)
            {
                return inner_toks;
            }
            let mut toks = vec![tok(Kind::OParen, "(")];
            toks.extend(inner_toks);
            toks.push(tok(Kind::CParen, ")"));
            toks
        }
        Expr::Conditional(c) => conditional_tokens(c, ctx),
        Expr::Operation(op) => operation_tokens(op, ctx),
        Expr::ForExpr(f) => for_tokens(f, ctx),
        // hcl-rs may add expression kinds; print them with its own formatter on one line.
        other => vec![Tok::new(
            Kind::Other,
            hcl::format::to_string(other)
                .unwrap_or_default()
                .replace(['\n', '\r'], " "),
        )],
    }
}

fn number_tokens(text: &str) -> Vec<Tok> {
    match text.strip_prefix('-') {
        Some(abs) => vec![tok(Kind::Minus, "-"), tok(Kind::Number, abs.to_string())],
        None => vec![tok(Kind::Number, text.to_string())],
    }
}

fn quoted(text: &str) -> Vec<Tok> {
    let mut toks = vec![tok(Kind::OQuote, "\"")];
    if !text.is_empty() {
        toks.push(Tok::new(Kind::QuotedLit, escape_string(text)));
    }
    toks.push(tok(Kind::CQuote, "\""));
    toks
}

/// Scalars, references and calls of them: what may share a line in a list.
fn is_simple(expr: &Expr) -> bool {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || is_simple_here(expr))
}

fn is_simple_here(expr: &Expr) -> bool {
    match expr {
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Variable(_) => true,
        // Outside attribute values, heredocs are printed as quoted strings too.
        Expr::TemplateExpr(_) => true,
        Expr::Traversal(t) => {
            is_simple(&t.expr)
                && t.operators.iter().all(|op| match op {
                    TraversalOperator::Index(i) => is_simple(i),
                    _ => true,
                })
        }
        Expr::FuncCall(f) => f.args.iter().all(is_simple),
        Expr::Parenthesis(e) => is_simple(e),
        Expr::Operation(op) => match &**op {
            Operation::Unary(u) => is_simple(&u.expr),
            Operation::Binary(b) => is_simple(&b.lhs_expr) && is_simple(&b.rhs_expr),
        },
        Expr::Conditional(c) => {
            is_simple(&c.cond_expr) && is_simple(&c.true_expr) && is_simple(&c.false_expr)
        }
        Expr::Array(a) => a.is_empty(),
        Expr::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn array_tokens(items: &[Expr], ctx: Ctx) -> Vec<Tok> {
    if items.is_empty() {
        return vec![tok(Kind::OBrack, "["), tok(Kind::CBrack, "]")];
    }
    let inner = ctx.nested();
    let rendered: Vec<Vec<Tok>> = items.iter().map(|i| expr_tokens(i, inner)).collect();
    let one_line =
        ctx.inline || (items.iter().all(is_simple) && !rendered.iter().any(|r| is_multiline(r)));
    if one_line {
        let mut toks = vec![tok(Kind::OBrack, "[")];
        for (i, r) in rendered.iter().enumerate() {
            if i > 0 {
                toks.push(tok(Kind::Comma, ","));
            }
            toks.extend(r.iter().cloned());
        }
        toks.push(tok(Kind::CBrack, "]"));
        if ctx.fits(line_width(&toks)) {
            return toks;
        }
    }
    let mut toks = vec![tok(Kind::OBrack, "["), newline()];
    for r in rendered {
        toks.extend(r);
        toks.push(tok(Kind::Comma, ","));
        toks.push(newline());
    }
    toks.push(tok(Kind::CBrack, "]"));
    toks
}

fn object_tokens(object: &hcl::Object<ObjectKey, Expr>, ctx: Ctx) -> Vec<Tok> {
    if object.is_empty() {
        return vec![tok(Kind::OBrace, "{"), tok(Kind::CBrace, "}")];
    }
    let mut toks = vec![tok(Kind::OBrace, "{")];
    if ctx.inline {
        for (i, (k, v)) in object.iter().enumerate() {
            if i > 0 {
                toks.push(tok(Kind::Comma, ","));
            }
            toks.extend(key_tokens(k));
            toks.push(tok(Kind::Equal, "="));
            toks.extend(expr_tokens(v, ctx));
        }
        toks.push(tok(Kind::CBrace, "}"));
        return toks;
    }
    toks.push(newline());
    let inner = ctx.nested();
    for (k, v) in object {
        let key = key_tokens(k);
        let col = inner.col + line_width(&key) + 3;
        toks.extend(key);
        toks.push(tok(Kind::Equal, "="));
        toks.extend(value_tokens(v, inner.at(col)));
        toks.push(newline());
    }
    toks.push(tok(Kind::CBrace, "}"));
    toks
}

fn key_tokens(key: &ObjectKey) -> Vec<Tok> {
    match key {
        ObjectKey::Identifier(id) if is_identifier(id.as_str()) => {
            vec![tok(Kind::Ident, id.to_string())]
        }
        ObjectKey::Identifier(id) => quoted(id.as_str()),
        ObjectKey::Expression(Expr::String(s)) => quoted(s),
        ObjectKey::Expression(e @ (Expr::TemplateExpr(_) | Expr::Parenthesis(_))) => {
            expr_tokens(e, Ctx::inline())
        }
        // Any other expression is evaluated as the key; without parentheses a bare name
        // would be read as a literal string.
        ObjectKey::Expression(e) => {
            let mut toks = vec![tok(Kind::OParen, "(")];
            toks.extend(expr_tokens(e, Ctx::inline()));
            toks.push(tok(Kind::CParen, ")"));
            toks
        }
        other => quoted(&other.to_string()),
    }
}

fn traversal_tokens(t: &Traversal, ctx: Ctx) -> Vec<Tok> {
    let base_needs_parens = match &t.expr {
        Expr::Variable(_)
        | Expr::FuncCall(_)
        | Expr::Parenthesis(_)
        | Expr::Array(_)
        | Expr::Object(_)
        | Expr::String(_)
        | Expr::TemplateExpr(_)
        | Expr::ForExpr(_) => false,
        // `(a[*]).b` differs from `a[*].b`: a splat takes the rest of the traversal along.
        Expr::Traversal(inner) => inner.operators.iter().any(|op| {
            matches!(
                op,
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat
            )
        }),
        _ => true,
    };
    let mut toks = if base_needs_parens {
        let mut toks = vec![tok(Kind::OParen, "(")];
        toks.extend(expr_tokens(&t.expr, ctx.at(ctx.col + 1)));
        toks.push(tok(Kind::CParen, ")"));
        toks
    } else {
        expr_tokens(&t.expr, ctx)
    };
    // An attribute-only splat `.*` runs until an index or full splat; another `.*` inside it
    // is an error, so the part before the second one is parenthesized.
    let mut in_attr_splat = false;
    for op in &t.operators {
        match op {
            TraversalOperator::GetAttr(id) => {
                // `.6.e4` would read as the number `6.e4`.
                if id.as_str().starts_with(['e', 'E']) {
                    bracket_legacy_index(&mut toks);
                }
                toks.push(tok(Kind::Dot, "."));
                toks.push(tok(Kind::Ident, id.to_string()));
            }
            TraversalOperator::Index(e) => {
                in_attr_splat = false;
                toks.push(tok(Kind::OBrack, "["));
                // terraform fmt deletes a bare `true`, `false` or `null` index of a reference.
                let keyword = matches!(e, Expr::Bool(_) | Expr::Null);
                if keyword {
                    toks.push(tok(Kind::OParen, "("));
                }
                toks.extend(expr_tokens(e, Ctx::inline()));
                if keyword {
                    toks.push(tok(Kind::CParen, ")"));
                }
                toks.push(tok(Kind::CBrack, "]"));
            }
            TraversalOperator::LegacyIndex(n) => {
                // `.1.2` would read as the number `1.2`.
                bracket_legacy_index(&mut toks);
                toks.push(tok(Kind::Dot, "."));
                toks.push(Tok::new(Kind::Number, n.to_string()));
            }
            TraversalOperator::AttrSplat => {
                if in_attr_splat {
                    toks.insert(0, tok(Kind::OParen, "("));
                    toks.push(tok(Kind::CParen, ")"));
                }
                in_attr_splat = true;
                toks.push(tok(Kind::Dot, "."));
                toks.push(tok(Kind::Star, "*"));
            }
            TraversalOperator::FullSplat => {
                in_attr_splat = false;
                toks.push(tok(Kind::OBrack, "["));
                toks.push(tok(Kind::Star, "*"));
                toks.push(tok(Kind::CBrack, "]"));
            }
        }
    }
    toks
}

/// Rewrites a trailing legacy index `.N` as `[N]`, so that what follows cannot merge with
/// the number.
fn bracket_legacy_index(toks: &mut Vec<Tok>) {
    if let [.., dot, n] = toks.as_slice()
        && dot.kind == Kind::Dot
        && n.kind == Kind::Number
    {
        let n = n.text.clone();
        toks.truncate(toks.len() - 2);
        toks.push(tok(Kind::OBrack, "["));
        toks.push(Tok::new(Kind::Number, n));
        toks.push(tok(Kind::CBrack, "]"));
    }
}

fn call_tokens(f: &FuncCall, ctx: Ctx) -> Vec<Tok> {
    let mut toks = Vec::new();
    for ns in &f.name.namespace {
        toks.push(tok(Kind::Ident, ns.to_string()));
        toks.push(tok(Kind::DoubleColon, "::"));
    }
    toks.push(tok(Kind::Ident, f.name.name.to_string()));
    toks.push(tok(Kind::OParen, "("));
    let head_width = line_width(&toks);
    let inner = ctx.nested();
    let args: Vec<Vec<Tok>> = f
        .args
        .iter()
        .map(|a| expr_tokens(a, if ctx.inline { ctx } else { inner }))
        .collect();
    let n = args.len();
    let multi: Vec<bool> = args.iter().map(|a| is_multiline(a)).collect();
    let expand = |toks: &mut Vec<Tok>, i: usize| {
        if f.expand_final && i + 1 == n {
            toks.push(tok(Kind::Ellipsis, "..."));
        }
    };
    // On one line, or hugging a multi-line last argument: `merge(var.tags, {` … `})`.
    let hug = ctx.inline || !multi.iter().take(n.saturating_sub(1)).any(|&m| m);
    if hug {
        let mut line = toks.clone();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                line.push(tok(Kind::Comma, ","));
            }
            line.extend(a.iter().cloned());
            expand(&mut line, i);
        }
        line.push(tok(Kind::CParen, ")"));
        let first_line_width = if multi.last() == Some(&true) {
            head_width
        } else {
            line_width(&line)
        };
        if n < 2 || ctx.fits(first_line_width) {
            return line;
        }
    }
    // One argument per line.
    toks.push(newline());
    for (i, a) in args.into_iter().enumerate() {
        toks.extend(a);
        expand(&mut toks, i);
        if !(f.expand_final && i + 1 == n) {
            toks.push(tok(Kind::Comma, ","));
        }
        toks.push(newline());
    }
    toks.push(tok(Kind::CParen, ")"));
    toks
}

/// Binding strength: higher binds tighter.
fn precedence(expr: &Expr) -> u8 {
    match expr {
        Expr::Conditional(_) => 0,
        Expr::Operation(op) => match &**op {
            Operation::Binary(b) => b.operator.precedence(),
            Operation::Unary(_) => 7,
        },
        Expr::Number(n) if n.to_string().starts_with('-') => 7,
        _ => 8,
    }
}

fn operand(toks: &mut Vec<Tok>, expr: &Expr, parens: bool, ctx: Ctx) {
    if parens {
        toks.push(tok(Kind::OParen, "("));
        toks.extend(expr_tokens(expr, ctx));
        toks.push(tok(Kind::CParen, ")"));
    } else {
        toks.extend(expr_tokens(expr, ctx));
    }
}

fn operation_tokens(op: &Operation, ctx: Ctx) -> Vec<Tok> {
    let mut toks = Vec::new();
    match op {
        Operation::Unary(u) => {
            toks.push(match u.operator {
                UnaryOperator::Neg => tok(Kind::Minus, "-"),
                UnaryOperator::Not => tok(Kind::Bang, "!"),
            });
            operand(&mut toks, &u.expr, precedence(&u.expr) < 7, ctx);
        }
        Operation::Binary(b) => binary_tokens(&mut toks, b, ctx),
    }
    toks
}

fn binary_tokens(toks: &mut Vec<Tok>, b: &BinaryOp, ctx: Ctx) {
    use hcl::expr::BinaryOperator as B;
    let prec = b.operator.precedence();
    operand(toks, &b.lhs_expr, precedence(&b.lhs_expr) < prec, ctx);
    let (kind, text) = match b.operator {
        B::Eq => (Kind::EqualOp, "=="),
        B::NotEq => (Kind::NotEqual, "!="),
        B::LessEq => (Kind::LessEq, "<="),
        B::GreaterEq => (Kind::GreaterEq, ">="),
        B::Less => (Kind::Less, "<"),
        B::Greater => (Kind::Greater, ">"),
        B::Plus => (Kind::Plus, "+"),
        B::Minus => (Kind::Minus, "-"),
        B::Mul => (Kind::Star, "*"),
        B::Div => (Kind::Slash, "/"),
        B::Mod => (Kind::Percent, "%"),
        B::And => (Kind::And, "&&"),
        B::Or => (Kind::Or, "||"),
    };
    toks.push(tok(kind, text));
    operand(toks, &b.rhs_expr, precedence(&b.rhs_expr) <= prec, ctx);
}

fn conditional_tokens(c: &Conditional, ctx: Ctx) -> Vec<Tok> {
    let mut cond = Vec::new();
    operand(&mut cond, &c.cond_expr, precedence(&c.cond_expr) == 0, ctx);
    let mut yes = Vec::new();
    operand(&mut yes, &c.true_expr, precedence(&c.true_expr) == 0, ctx);
    let mut no = Vec::new();
    operand(&mut no, &c.false_expr, false, ctx);
    if !ctx.inline && is_multiline(&yes) && is_multiline(&no) {
        // Both branches span lines: parenthesized, one part per line, so that no `} : {`
        // line ends up indented as if it were inside the first branch.
        let mut toks = vec![tok(Kind::OParen, "("), newline()];
        toks.extend(cond);
        toks.push(newline());
        toks.push(tok(Kind::Question, "?"));
        toks.extend(yes);
        toks.push(newline());
        toks.push(tok(Kind::Colon, ":"));
        toks.extend(no);
        toks.push(newline());
        toks.push(tok(Kind::CParen, ")"));
        return toks;
    }
    let mut toks = cond;
    toks.push(tok(Kind::Question, "?"));
    toks.extend(yes);
    toks.push(tok(Kind::Colon, ":"));
    toks.extend(no);
    toks
}

fn for_tokens(f: &ForExpr, ctx: Ctx) -> Vec<Tok> {
    let (open, close) = if f.key_expr.is_some() {
        (tok(Kind::OBrace, "{"), tok(Kind::CBrace, "}"))
    } else {
        (tok(Kind::OBrack, "["), tok(Kind::CBrack, "]"))
    };
    let inner = ctx.nested();
    let mut intro = vec![tok(Kind::Ident, "for")];
    if let Some(k) = &f.key_var {
        intro.push(tok(Kind::Ident, k.to_string()));
        intro.push(tok(Kind::Comma, ","));
    }
    intro.push(tok(Kind::Ident, f.value_var.to_string()));
    intro.push(tok(Kind::Ident, "in"));
    intro.extend(expr_tokens(&f.collection_expr, Ctx::inline()));
    intro.push(tok(Kind::Colon, ":"));
    if let Some(k) = &f.key_expr {
        intro.extend(expr_tokens(k, Ctx::inline()));
        intro.push(tok(Kind::FatArrow, "=>"));
    }
    let value_ctx = inner.at(inner.col + line_width(&intro) + 1);
    intro.extend(expr_tokens(&f.value_expr, value_ctx));
    if f.grouping {
        intro.push(tok(Kind::Ellipsis, "..."));
    }
    let cond = f.cond_expr.as_ref().map(|c| {
        let mut t = vec![tok(Kind::Ident, "if")];
        t.extend(expr_tokens(c, Ctx::inline()));
        t
    });

    let mut line = vec![open.clone()];
    line.extend(intro.iter().cloned());
    if let Some(c) = &cond {
        line.extend(c.iter().cloned());
    }
    line.push(close.clone());
    if ctx.inline || (!is_multiline(&line) && ctx.fits(line_width(&line))) {
        return line;
    }
    let mut toks = vec![open, newline()];
    toks.extend(intro);
    toks.push(newline());
    if let Some(c) = cond {
        toks.extend(c);
        toks.push(newline());
    }
    toks.push(close);
    toks
}

// ---------------------------------------------------------------------------------------------
// Templates

fn template_expr_tokens(t: &TemplateExpr) -> Vec<Tok> {
    match Template::from_expr(t) {
        Ok(tpl) => quoted_template(&tpl),
        // Not a valid template: keep the text, as literal text.
        Err(_) => quoted(match t {
            TemplateExpr::QuotedString(s) => s,
            TemplateExpr::Heredoc(h) => &h.template,
        }),
    }
}

fn quoted_template(tpl: &Template) -> Vec<Tok> {
    let mut toks = vec![tok(Kind::OQuote, "\"")];
    template_elements(&mut toks, tpl, Kind::QuotedLit);
    toks.push(tok(Kind::CQuote, "\""));
    // A literal `$` right before `${` (or `%` before `%{`) would read as an escape: spell the
    // character as a unicode escape instead.
    for i in 0..toks.len().saturating_sub(1) {
        let next = toks[i + 1].kind;
        let t = &mut toks[i];
        if t.kind != Kind::QuotedLit {
            continue;
        }
        for (ch, before) in [('$', Kind::Interp), ('%', Kind::Control)] {
            if next == before && t.text.ends_with(ch) {
                t.text.to_mut().pop();
                push_unicode_escape(t.text.to_mut(), ch);
            }
        }
    }
    toks
}

fn strip_open(kind: Kind, strip: Strip) -> Tok {
    let base = if kind == Kind::Interp { "${" } else { "%{" };
    let text = if matches!(strip, Strip::Start | Strip::Both) {
        format!("{base}~")
    } else {
        base.to_string()
    };
    Tok::new(kind, text)
}

fn strip_close(strip: Strip) -> Tok {
    tok(
        Kind::SeqEnd,
        if matches!(strip, Strip::End | Strip::Both) {
            "~}"
        } else {
            "}"
        },
    )
}

fn directive_word(toks: &mut Vec<Tok>, word: &str, strip: Strip) {
    toks.push(strip_open(Kind::Control, strip));
    toks.push(tok(Kind::Ident, word.to_string()));
    toks.push(strip_close(strip));
}

/// The elements of a template; `lit` says how literal text is written (quoted or heredoc).
fn template_elements(toks: &mut Vec<Tok>, tpl: &Template, lit: Kind) {
    // Adjacent literals are escaped as one text, so that `$` + `{` cannot form `${`.
    let mut pending = String::new();
    let flush = |toks: &mut Vec<Tok>, pending: &mut String| {
        if !pending.is_empty() {
            let text = if lit == Kind::QuotedLit {
                escape_string(pending)
            } else {
                escape_heredoc_literal(pending)
            };
            toks.push(Tok::new(lit, text));
            pending.clear();
        }
    };
    for element in tpl.elements() {
        if let Element::Literal(text) = element {
            pending.push_str(text);
            continue;
        }
        flush(toks, &mut pending);
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => {
                toks.push(strip_open(Kind::Interp, i.strip));
                toks.extend(expr_tokens(&i.expr, Ctx::inline()));
                toks.push(strip_close(i.strip));
            }
            Element::Directive(d) => match &**d {
                Directive::If(d) => {
                    toks.push(strip_open(Kind::Control, d.if_strip));
                    toks.push(tok(Kind::Ident, "if"));
                    toks.extend(expr_tokens(&d.cond_expr, Ctx::inline()));
                    toks.push(strip_close(d.if_strip));
                    template_elements(toks, &d.true_template, lit);
                    if let Some(f) = &d.false_template {
                        directive_word(toks, "else", d.else_strip);
                        template_elements(toks, f, lit);
                    }
                    directive_word(toks, "endif", d.endif_strip);
                }
                Directive::For(d) => {
                    toks.push(strip_open(Kind::Control, d.for_strip));
                    toks.push(tok(Kind::Ident, "for"));
                    if let Some(k) = &d.key_var {
                        toks.push(tok(Kind::Ident, k.to_string()));
                        toks.push(tok(Kind::Comma, ","));
                    }
                    toks.push(tok(Kind::Ident, d.value_var.to_string()));
                    toks.push(tok(Kind::Ident, "in"));
                    toks.extend(expr_tokens(&d.collection_expr, Ctx::inline()));
                    toks.push(strip_close(d.for_strip));
                    template_elements(toks, &d.template, lit);
                    directive_word(toks, "endfor", d.endfor_strip);
                }
            },
        }
    }
    flush(toks, &mut pending);
}

fn has_strip_markers(tpl: &Template) -> bool {
    tpl.elements().iter().any(|e| match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip != Strip::None,
        Element::Directive(d) => match &**d {
            Directive::If(d) => {
                d.if_strip != Strip::None
                    || d.else_strip != Strip::None
                    || d.endif_strip != Strip::None
                    || has_strip_markers(&d.true_template)
                    || d.false_template.as_ref().is_some_and(has_strip_markers)
            }
            Directive::For(d) => {
                d.for_strip != Strip::None
                    || d.endfor_strip != Strip::None
                    || has_strip_markers(&d.template)
            }
        },
    })
}

/// A heredoc, when its text can be one: it must end with a newline, hold no carriage returns
/// or other control characters, and not need a `$` right before an interpolation. `None`
/// means: print it as a quoted string.
fn heredoc_tokens(h: &Heredoc) -> Option<Vec<Tok>> {
    let raw = &h.template;
    if !raw.ends_with('\n')
        || raw
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return None;
    }
    let tpl = Template::from_expr(&TemplateExpr::Heredoc(h.clone())).ok()?;
    let mut body = Vec::new();
    template_elements(&mut body, &tpl, Kind::StringLit);
    let ambiguous = body.windows(2).any(|w| {
        w[0].kind == Kind::StringLit
            && ((w[1].kind == Kind::Interp && w[0].text.ends_with('$'))
                || (w[1].kind == Kind::Control && w[0].text.ends_with('%')))
    });
    if ambiguous {
        return None;
    }
    let lines: Vec<&str> = raw.split_inclusive('\n').collect();
    let delimiter = pick_delimiter(h.delimiter.as_str(), &lines);
    // `<<-` is kept (and its text indented) only when stripping the indent gives back exactly
    // this text: some line starts at column 0 and no line is made of blanks only.
    let indent = h.strip == HeredocStripMode::Indent
        && !has_strip_markers(&tpl)
        && lines
            .iter()
            .any(|l| !l.starts_with([' ', '\t']) && *l != "\n")
        && lines
            .iter()
            .all(|l| *l == "\n" || !l.trim_end_matches('\n').trim().is_empty());
    let open = if indent { "<<-" } else { "<<" };
    let mut toks = vec![Tok::new(Kind::OHeredoc, format!("{open}{delimiter}\n"))];
    toks.extend(body);
    toks.push(Tok::new(Kind::CHeredoc, delimiter));
    Some(toks)
}

fn pick_delimiter(wanted: &str, lines: &[&str]) -> String {
    let clashes = |d: &str| lines.iter().any(|l| l.trim_start().starts_with(d));
    let plain = |d: &str| {
        let mut chars = d.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for d in [wanted, "EOT", "EOF", "END"] {
        if plain(d) && !clashes(d) {
            return d.to_string();
        }
    }
    (1..)
        .map(|n| format!("EOT_{n}"))
        .find(|d| !clashes(d))
        .unwrap_or_else(|| "EOT".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::{ex, list};

    /// A file rendered as one token stream, as the printer did before it rendered a stretch
    /// at a time.
    fn print_whole(body: &Body) -> String {
        let mut toks = Vec::new();
        emit_body(&mut toks, body, 0, false);
        render(&toks)
    }

    #[test]
    fn rendering_a_stretch_at_a_time_is_rendering_the_whole_file() {
        let policy = ex("<<-EOT\n  {\n    \"a\": [1, 2]\n  }\n  EOT");
        let bodies = [
            Body::new(),
            Body::new().blank().attr("a", ex("1")).blank().blank(),
            // An alignment run across a comment but not across a blank line.
            Body::new()
                .attr("a", ex("1"))
                .attr("long_name", ex("2"))
                .comment("between")
                .attr("bb", ex("3"))
                .blank()
                .attr("c", ex("4"))
                .attr("dddd", ex("{ x = 1, yy = [1, 2] }"))
                .block(Block::new("locals", &[], Body::new().attr("z", ex("1")))),
            Body::new()
                .comment("heading")
                .block(Block::new(
                    "resource",
                    &["aws_iam_policy", "p"],
                    Body::new()
                        .attr("policy", policy.clone())
                        .attr("name", ex("\"p\""))
                        .blank()
                        .block(Block::new(
                            "lifecycle",
                            &[],
                            Body::new().attr("ignore_changes", ex("[tags, name]")),
                        )),
                ))
                .attr("after_block", policy)
                .attr("x", ex("[for k, v in var.m : \"${k}=${v}\" if v != null]"))
                .blank()
                .comment("last\nlines")
                .attr("y", ex("var.a ? { a = 1 } : null")),
        ];
        for body in &bodies {
            assert_eq!(print_body(body), print_whole(body));
            let mut printer = Printer::new();
            for item in &body.items {
                printer.push(item);
            }
            assert_eq!(printer.finish(), print_whole(body));
        }
    }

    fn attr_value(expr: &Expr) -> String {
        print_body(&Body::new().attr("x", expr.clone()))
    }

    #[test]
    fn token_level_unwrapping_matches_terraform() {
        let unwrap = |src: &str| {
            let mut toks = expr_tokens(&ex(src), Ctx::inline());
            strip_interpolation_tokens(&mut toks);
            render(&toks)
        };
        assert_eq!(unwrap(r#""${a}""#), "a");
        assert_eq!(unwrap(r#""${"${a}"}""#), "a");
        assert_eq!(unwrap(r#""${a}${b}""#), r#""${a}${b}""#);
        assert_eq!(unwrap(r#""${a}-x""#), r#""${a}-x""#);
        assert_eq!(unwrap(r#""${a}" == "${b}""#), r#""${a}" == "${b}""#);
    }

    #[test]
    fn legacy_type_constraints_are_modernized_like_terraform_fmt() {
        let modern = |src: &str| {
            let mut toks = expr_tokens(&ex(src), Ctx::inline());
            modernize_type(&mut toks);
            render(&toks)
        };
        assert_eq!(modern(r#""string""#), "string");
        assert_eq!(modern(r#""list""#), "list(string)");
        assert_eq!(modern(r#""map""#), "map(string)");
        assert_eq!(modern("set"), "set(any)");
        assert_eq!(modern(r#""number""#), r#""number""#);
        assert_eq!(modern("list(string)"), "list(string)");
    }

    #[test]
    fn heredoc_delimiter_never_appears_in_the_text() {
        assert_eq!(pick_delimiter("EOT", &["a\n", "EOT\n"]), "EOF");
        assert_eq!(pick_delimiter("EOT", &["EOT\n", "EOF\n", "END\n"]), "EOT_1");
        assert_eq!(pick_delimiter("not valid", &["x\n"]), "EOT");
    }

    #[test]
    fn legacy_indexes_never_merge_into_numbers() {
        use hcl::Identifier;
        use hcl::expr::{Traversal, TraversalOperator as Op};
        let t = |ops: Vec<Op>| Expr::from(Traversal::new(ex("a"), ops));
        assert_eq!(
            print_expr(&t(vec![
                Op::LegacyIndex(0),
                Op::GetAttr(Identifier::unchecked("b"))
            ])),
            "a.0.b"
        );
        assert_eq!(
            print_expr(&t(vec![Op::LegacyIndex(1), Op::LegacyIndex(2)])),
            "a[1].2"
        );
        assert_eq!(
            print_expr(&t(vec![
                Op::LegacyIndex(6),
                Op::GetAttr(Identifier::unchecked("e4"))
            ])),
            "a[6].e4"
        );
    }

    #[test]
    fn nested_attribute_splats_are_split() {
        use hcl::Identifier;
        use hcl::expr::{Traversal, TraversalOperator as Op};
        let e = Expr::from(Traversal::new(
            ex("a"),
            vec![
                Op::AttrSplat,
                Op::GetAttr(Identifier::unchecked("b")),
                Op::AttrSplat,
            ],
        ));
        assert_eq!(print_expr(&e), "(a.*.b).*");
        assert_eq!(print_expr(&ex("a.*.b[0].*")), "a.*.b[0].*");
    }

    #[test]
    fn keyword_indexes_keep_parentheses() {
        assert_eq!(print_expr(&ex("a[(true)]")), "a[(true)]");
        let e = Expr::from(hcl::expr::Traversal::new(
            ex("a"),
            vec![hcl::expr::TraversalOperator::Index(Expr::Null)],
        ));
        assert_eq!(print_expr(&e), "a[(null)]");
    }

    #[test]
    fn heredocs_that_cannot_be_heredocs_become_quoted_strings() {
        let h = |text: &str| Expr::from(Heredoc::new(hcl::Identifier::unchecked("EOT"), text));
        assert_eq!(attr_value(&h("a\n")), "x = <<EOT\na\nEOT\n");
        assert_eq!(attr_value(&h("no newline")), "x = \"no newline\"\n");
        assert_eq!(attr_value(&h("cr\r\n")), "x = \"cr\\r\\n\"\n");
        // Inside a list, a heredoc cannot keep its own lines.
        assert_eq!(print_expr(&list([h("a\n")])), "[\"a\\n\"]");
    }
}
