//! Prints the Python code model in black's style: 88 columns, 4-space indents, double quotes,
//! a bracketed expression that does not fit is split first with its contents on one indented
//! line, then with one item per line and a trailing comma; isort-ordered imports.

use super::py::{Call, Class, Comp, DictItem, Expr, FPart, Function, Import, Module, Param, Stmt};
use super::width_table::RANGES;

const WIDTH: usize = 88;
const INDENT: usize = 4;
/// Precedence of `not`: between `and` and the comparisons.
const NOT: u8 = 3;

/// Modules of the standard library the generators import (isort's first section).
const STDLIB: [&str; 6] = [
    "collections",
    "dataclasses",
    "hashlib",
    "ipaddress",
    "json",
    "typing",
];

/// Columns `line` takes as black measures them (its own table: wide characters count two,
/// combining ones none; control characters never reach a line, they are escaped).
fn width(line: &str) -> usize {
    use std::cmp::Ordering;
    if line.is_ascii() {
        return line.len();
    }
    line.chars()
        .map(|c| {
            let cp = u32::from(c);
            let found = RANGES.binary_search_by(|&(first, last, _)| {
                if last < cp {
                    Ordering::Less
                } else if first > cp {
                    Ordering::Greater
                } else {
                    Ordering::Equal
                }
            });
            found.map_or(1, |i| usize::from(RANGES[i].2))
        })
        .sum()
}

/// The text of a Python string literal holding `text`, quoted with `quote`; in an f-string
/// braces are doubled. The only place literal text becomes code.
pub fn escape(text: &str, quote: char, fstring: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '{' if fstring => out.push_str("{{"),
            '}' if fstring => out.push_str("}}"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let n = u32::from(c);
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Prints a whole module.
pub fn module(m: &Module) -> String {
    let mut out = Vec::new();
    docstring(&mut out, 0, &m.doc);
    let imports = import_lines(&m.imports);
    if !imports.is_empty() {
        if !m.doc.is_empty() {
            out.push(String::new());
        }
        out.extend(imports);
    }
    let mut first = true;
    let mut previous_def = false;
    for stmt in &m.body {
        let is_def = matches!(stmt, Stmt::Def(_) | Stmt::Class(_));
        if !out.is_empty() {
            let blanks = if is_def || previous_def {
                2
            } else if first {
                1
            } else {
                0
            };
            out.extend(std::iter::repeat_n(String::new(), blanks));
        }
        statement(&mut out, 0, stmt);
        first = false;
        previous_def = is_def;
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn import_lines(imports: &[Import]) -> Vec<String> {
    let module_of = |i: &Import| match i {
        Import::Module { module, .. } | Import::From { module, .. } => module.clone(),
    };
    let section = |i: &Import| {
        let m = module_of(i);
        let top = m.split('.').next().unwrap_or_default().to_string();
        if STDLIB.contains(&top.as_str()) {
            0
        } else if top == "pulumi" || top.starts_with("pulumi_") {
            1
        } else {
            2
        }
    };
    let mut sorted: Vec<&Import> = imports.iter().collect();
    // isort: by section, plain imports before `from` imports, then by module name.
    sorted.sort_by_key(|i| (section(i), matches!(i, Import::From { .. }), module_of(i)));
    sorted.dedup();
    let mut out = Vec::new();
    let mut last = None;
    for i in sorted {
        if last.is_some_and(|l| l != section(i)) {
            out.push(String::new());
        }
        last = Some(section(i));
        out.push(match i {
            Import::Module {
                module,
                alias: None,
            } => format!("import {module}"),
            Import::Module {
                module,
                alias: Some(a),
            } => format!("import {module} as {a}"),
            Import::From { module, names } => {
                let mut names = names.clone();
                names.sort();
                format!("from {module} import {}", names.join(", "))
            }
        });
    }
    out
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

fn docstring(out: &mut Vec<String>, indent: usize, doc: &str) {
    if doc.is_empty() {
        return;
    }
    // Docstrings are written by iacgen, never user data; still escape what would end them.
    let text = doc.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        out.push(format!("{}\"\"\"{first}\"\"\"", pad(indent)));
    } else {
        out.push(format!("{}\"\"\"{first}", pad(indent)));
        for line in rest {
            if line.is_empty() {
                out.push(String::new());
            } else {
                out.push(format!("{}{line}", pad(indent)));
            }
        }
        out.push(format!("{}\"\"\"", pad(indent)));
    }
}

fn block(out: &mut Vec<String>, indent: usize, body: &[Stmt]) {
    let mut previous_def = false;
    for (i, stmt) in body.iter().enumerate() {
        let is_def = matches!(stmt, Stmt::Def(_) | Stmt::Class(_));
        if i > 0 && (is_def || previous_def) {
            out.push(String::new());
        }
        statement(out, indent, stmt);
        previous_def = is_def;
    }
}

fn statement(out: &mut Vec<String>, indent: usize, stmt: &Stmt) {
    match stmt {
        Stmt::Expr(e) => out.extend(lines(e, indent, "", "")),
        Stmt::Assign {
            target,
            annotation,
            value,
        } => {
            let head = match annotation {
                Some(a) => format!("{target}: {a} = "),
                None => format!("{target} = "),
            };
            out.extend(right_hand_side(value, indent, &head));
        }
        Stmt::Declare { name, annotation } => {
            out.push(format!("{}{name}: {annotation}", pad(indent)));
        }
        Stmt::Return(e) => out.extend(right_hand_side(e, indent, "return ")),
        Stmt::Raise(e) => out.extend(lines(e, indent, "raise ", "")),
        Stmt::If { cond, body } => {
            out.extend(lines(cond, indent, "if ", ":"));
            block(out, indent + INDENT, body);
        }
        Stmt::For { target, iter, body } => {
            out.extend(lines(iter, indent, &format!("for {target} in "), ":"));
            block(out, indent + INDENT, body);
        }
        Stmt::Comment(text) => {
            for line in text.lines() {
                out.push(format!("{}# {line}", pad(indent)));
            }
        }
        Stmt::Blank => out.push(String::new()),
        Stmt::Def(f) => function(out, indent, f),
        Stmt::Class(c) => class(out, indent, c),
    }
}

fn function(out: &mut Vec<String>, indent: usize, f: &Function) {
    let params: Vec<Item> = f.params.iter().map(param_item).collect();
    out.extend(bracketed(
        &params,
        indent,
        &format!("def {}(", f.name),
        &format!(") -> {}:", f.returns),
    ));
    let inner = indent + INDENT;
    if let Some(doc) = &f.doc {
        docstring(out, inner, doc);
    }
    block(out, inner, &f.body);
}

/// A parameter as a bracketed item: `name: T = default`.
fn param_item(p: &Param) -> Item {
    let mut text = p.name.clone();
    if let Some(a) = &p.annotation {
        text.push_str(": ");
        text.push_str(a);
    }
    if let Some(d) = &p.default {
        text.push_str(if p.annotation.is_some() { " = " } else { "=" });
        text.push_str(&flat(d, '"'));
    }
    (text, Expr::Name(String::new()))
}

fn class(out: &mut Vec<String>, indent: usize, c: &Class) {
    for d in &c.decorators {
        out.push(format!("{}@{d}", pad(indent)));
    }
    if c.bases.is_empty() {
        out.push(format!("{}class {}:", pad(indent), c.name));
    } else {
        out.extend(bracketed(
            &plain(&c.bases),
            indent,
            &format!("class {}(", c.name),
            "):",
        ));
    }
    let inner = indent + INDENT;
    if let Some(doc) = &c.doc {
        docstring(out, inner, doc);
        if !c.body.is_empty() {
            out.push(String::new());
        }
    }
    block(out, inner, &c.body);
}

/// The value of an assignment or `return`: as [`lines`], except that a value with no brackets
/// of its own (a long string, a dotted name, an operation) that does not fit goes inside
/// parentheses on its own line when it fits there, as black does.
fn right_hand_side(e: &Expr, indent: usize, head: &str) -> Vec<String> {
    let text = flat(e, '"');
    let one = format!("{}{head}{text}", pad(indent));
    let bracketless = match e {
        Expr::Str(_) | Expr::FStr(_) | Expr::Int(_) | Expr::BinOp(..) | Expr::IfExp(..) => true,
        Expr::Attr(..) | Expr::Name(_) => !text.contains(['(', '[', '{']),
        _ => false,
    };
    let body = format!("{}{text}", pad(indent + INDENT));
    if bracketless && width(&one) > WIDTH && width(&body) <= WIDTH {
        return vec![
            format!("{}{head}(", pad(indent)),
            body,
            format!("{})", pad(indent)),
        ];
    }
    lines(e, indent, head, "")
}

/// The lines of `head + e + tail` at `indent`, split black-style when too long.
pub fn lines(e: &Expr, indent: usize, head: &str, tail: &str) -> Vec<String> {
    let one = format!("{}{head}{}{tail}", pad(indent), flat(e, '"'));
    if width(&one) <= WIDTH {
        return vec![one];
    }
    match e {
        // Black does not split an empty trailing call (`{...}.items()`): it splits the
        // brackets before it.
        Expr::Call(c)
            if c.args.is_empty()
                && c.kwargs.is_empty()
                && matches!(&c.func, Expr::Attr(base, _)
                    if matches!(base.as_ref(), Expr::Dict(_) | Expr::List(_) | Expr::Comp(_))) =>
        {
            let Expr::Attr(base, m) = &c.func else {
                unreachable!("matched above")
            };
            lines(base, indent, head, &format!(".{m}(){tail}"))
        }
        Expr::Call(c) => {
            let Call { func, args, kwargs } = c.as_ref();
            // `a(...).m(...)` whose line up to the last bracket is still too long: black splits
            // the earlier call and keeps the method call after its closing bracket.
            let open = format!("{}{head}{}(", pad(indent), flat(func, '"'));
            if let Expr::Attr(base, method) = func
                && matches!(base.as_ref(), Expr::Call(_))
                && width(&open) > WIDTH
            {
                let call = flat(e, '"');
                let rest = &call[flat(func, '"').len()..];
                return lines(base, indent, head, &format!(".{method}{rest}{tail}"));
            }
            let mut items = plain(args);
            items.extend(kwargs.iter().map(|(k, v)| (format!("{k}="), v.clone())));
            bracketed(
                &items,
                indent,
                &format!("{head}{}(", flat(func, '"')),
                &format!("){tail}"),
            )
        }
        Expr::List(items) => split_bracket(
            &plain(items),
            indent,
            &format!("{head}["),
            &format!("]{tail}"),
            true,
        ),
        Expr::Dict(items) => {
            let items: Vec<Item> = items.iter().map(dict_item).collect();
            split_bracket(
                &items,
                indent,
                &format!("{head}{{"),
                &format!("}}{tail}"),
                true,
            )
        }
        Expr::Comp(c) => comprehension(c, indent, head, tail),
        // `f(...).a` and `x[k].a`: split inside the last brackets, the attribute after them.
        Expr::Attr(base, a) if matches!(base.as_ref(), Expr::Call(_) | Expr::Index(..)) => {
            lines(base, indent, head, &format!(".{a}{tail}"))
        }
        // Black splits a subscript at its last bracket, or at an earlier one when the line
        // before the last bracket is still too long.
        Expr::Index(base, i) => {
            let open = format!("{}{head}{}[", pad(indent), flat(base, '"'));
            if open.chars().count() > WIDTH && matches!(base.as_ref(), Expr::Index(..)) {
                return lines(base, indent, head, &format!("[{}]{tail}", flat(i, '"')));
            }
            let mut out = vec![open];
            out.extend(lines(i, indent + INDENT, "", ""));
            out.push(format!("{}]{tail}", pad(indent)));
            out
        }
        Expr::IfExp(then, cond, otherwise) => parenthesized(e, indent, head, tail, |inner| {
            let mut out = lines(then, inner, "", "");
            out.extend(lines(cond, inner, "if ", ""));
            out.extend(lines(otherwise, inner, "else ", ""));
            out
        }),
        Expr::BinOp(_, op, _) => parenthesized(e, indent, head, tail, |inner| {
            // One operand per line, split at the outermost operator as black does.
            let mut operands = Vec::new();
            let mut rest = e;
            while let Expr::BinOp(left, o, right) = rest
                && o == op
            {
                operands.push(right.as_ref());
                rest = left;
            }
            operands.push(rest);
            operands.reverse();
            let mut out = Vec::new();
            for (i, item) in operands.into_iter().enumerate() {
                let prefix = if i == 0 {
                    String::new()
                } else {
                    format!("{} ", op.text())
                };
                // An operand that binds less tightly keeps its parentheses, on one line.
                let min = op.precedence() + u8::from(i > 0);
                let text = operand(item, '"', min);
                if text == flat(item, '"') {
                    out.extend(lines(item, inner, &prefix, ""));
                } else if width(&format!("{}{prefix}{text}", pad(inner))) > WIDTH
                    && matches!(item, Expr::IfExp(..))
                {
                    // Too long even so: split inside its parentheses.
                    out.extend(parenthesized(item, inner, &prefix, "", |at| {
                        let Expr::IfExp(then, cond, otherwise) = item else {
                            return vec![flat(item, '"')];
                        };
                        let mut out = lines(then, at, "", "");
                        out.extend(lines(cond, at, "if ", ""));
                        out.extend(lines(otherwise, at, "else ", ""));
                        out
                    }));
                } else {
                    out.push(format!("{}{prefix}{text}", pad(inner)));
                }
            }
            out
        }),
        // `*[...]` splits inside its brackets.
        Expr::Star(inner) => lines(inner, indent, &format!("{head}*"), tail),
        // Black leaves what it cannot split (a long string) as it is.
        _ => vec![one],
    }
}

/// `head(` `e` `)tail` as black splits a long conditional or operator expression: in
/// parentheses, on one indented line when it fits, else as `split` lays it out.
fn parenthesized(
    e: &Expr,
    indent: usize,
    head: &str,
    tail: &str,
    split: impl Fn(usize) -> Vec<String>,
) -> Vec<String> {
    let inner = indent + INDENT;
    let mut out = vec![format!("{}{head}(", pad(indent))];
    let body = format!("{}{}", pad(inner), flat(e, '"'));
    if body.chars().count() <= WIDTH {
        out.push(body);
    } else {
        out.extend(split(inner));
    }
    out.push(format!("{}){tail}", pad(indent)));
    out
}

/// One item of a bracketed list: its prefix (`key=`, `"key": `, `**`, or none) and value.
type Item = (String, Expr);

fn plain(items: &[Expr]) -> Vec<Item> {
    items.iter().map(|e| (String::new(), e.clone())).collect()
}

fn dict_item(item: &DictItem) -> Item {
    match item {
        DictItem::Pair(k, v) => (format!("{}: ", flat(k, '"')), v.clone()),
        DictItem::Splat(v) => ("**".to_string(), v.clone()),
    }
}

/// `open` items `close`: on one line, else contents on one indented line, else one item per
/// line with a trailing comma.
fn bracketed(items: &[Item], indent: usize, open: &str, close: &str) -> Vec<String> {
    split_bracket(items, indent, open, close, false)
}

/// [`bracketed`]; a split list or dict display (`collection`) with several items always gets
/// one item per line, as black splits a display at its commas right away.
fn split_bracket(
    items: &[Item],
    indent: usize,
    open: &str,
    close: &str,
    collection: bool,
) -> Vec<String> {
    let joined = items
        .iter()
        .map(|(prefix, value)| format!("{prefix}{}", flat(value, '"')))
        .collect::<Vec<_>>()
        .join(", ");
    let one = format!("{}{open}{joined}{close}", pad(indent));
    if width(&one) <= WIDTH || items.is_empty() {
        return vec![one];
    }
    let inner = indent + INDENT;
    let mut out = vec![format!("{}{open}", pad(indent))];
    let body = format!("{}{joined}", pad(inner));
    if width(&body) <= WIDTH && (!collection || items.len() == 1) {
        out.push(body);
    } else if let [(prefix, value)] = items {
        // Black adds a trailing comma only where it splits at commas.
        out.extend(lines(value, inner, prefix, ""));
    } else {
        for (prefix, value) in items {
            out.extend(lines(value, inner, prefix, ","));
        }
    }
    out.push(format!("{}{close}", pad(indent)));
    out
}

fn comprehension(c: &Comp, indent: usize, head: &str, tail: &str) -> Vec<String> {
    let (open, close) = if c.key.is_some() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    let inner = indent + INDENT;
    let mut out = vec![format!("{}{head}{open}", pad(indent))];
    let flat_text = flat(&Expr::Comp(Box::new(c.clone())), '"');
    let body = format!("{}{}", pad(inner), &flat_text[1..flat_text.len() - 1]);
    if width(&body) <= WIDTH {
        out.push(body);
        out.push(format!("{}{close}{tail}", pad(indent)));
        return out;
    }
    match &c.key {
        Some(k) => out.extend(lines(&c.elt, inner, &format!("{}: ", flat(k, '"')), "")),
        None => out.extend(lines(&c.elt, inner, "", "")),
    }
    let for_in = format!("for {} in ", c.target);
    match &c.iter {
        // A conditional needs its parentheses there.
        Expr::IfExp(..) => {
            let line = format!("{}{for_in}({})", pad(inner), flat(&c.iter, '"'));
            if width(&line) <= WIDTH {
                out.push(line);
            } else {
                out.extend(parenthesized(&c.iter, inner, &for_in, "", |i| {
                    lines(&c.iter, i, "", "")
                }));
            }
        }
        iter => out.extend(lines(iter, inner, &for_in, "")),
    }
    if let Some(cond) = &c.cond {
        out.extend(lines(cond, inner, "if ", ""));
    }
    out.push(format!("{}{close}{tail}", pad(indent)));
    out
}

/// `e` on one line; `quote` is the quote of string literals (`'` inside an f-string).
pub fn flat(e: &Expr, quote: char) -> String {
    match e {
        Expr::Name(n) => n.clone(),
        Expr::Str(t) => {
            let quote = string_quote(quote, [t.as_str()], false);
            format!("{quote}{}{quote}", escape(t, quote, false))
        }
        Expr::FStr(parts) => {
            let literal = parts.iter().filter_map(|p| match p {
                FPart::Lit(t) => Some(t.as_str()),
                FPart::Expr(_) | FPart::Spec(..) => None,
            });
            let quoted_expr = parts.iter().any(|p| match p {
                FPart::Expr(e) | FPart::Spec(e, _) => flat(e, '\'').contains('\''),
                FPart::Lit(_) => false,
            });
            let quote = string_quote(quote, literal, quoted_expr);
            let mut text = format!("f{quote}");
            for p in parts {
                match p {
                    FPart::Lit(t) => text.push_str(&escape(t, quote, true)),
                    FPart::Expr(e) => {
                        text.push('{');
                        text.push_str(&flat(e, '\''));
                        text.push('}');
                    }
                    FPart::Spec(e, spec) => {
                        text.push('{');
                        text.push_str(&flat(e, '\''));
                        text.push(':');
                        text.push_str(spec);
                        text.push('}');
                    }
                }
            }
            text.push(quote);
            text
        }
        Expr::Int(n) => n.to_string(),
        Expr::Bool(true) => "True".to_string(),
        Expr::Bool(false) => "False".to_string(),
        Expr::None => "None".to_string(),
        Expr::Attr(base, a) => format!("{}.{a}", operand(base, quote, 9)),
        Expr::Star(e) => format!("*{}", operand(e, quote, 9)),
        Expr::Index(base, i) => format!("{}[{}]", operand(base, quote, 9), flat(i, quote)),
        Expr::Call(c) => {
            let mut items: Vec<String> = c.args.iter().map(|a| flat(a, quote)).collect();
            items.extend(
                c.kwargs
                    .iter()
                    .map(|(k, v)| format!("{k}={}", flat(v, quote))),
            );
            format!("{}({})", operand(&c.func, quote, 9), items.join(", "))
        }
        Expr::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| flat(i, quote))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Expr::Dict(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(|i| match i {
                    DictItem::Pair(k, v) => format!("{}: {}", flat(k, quote), flat(v, quote)),
                    DictItem::Splat(v) => format!("**{}", flat(v, quote)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Expr::Comp(c) => {
            let head = match &c.key {
                Some(k) => format!("{{{}: {}", flat(k, quote), flat(&c.elt, quote)),
                None => format!("[{}", flat(&c.elt, quote)),
            };
            let cond = c
                .cond
                .as_ref()
                .map(|e| format!(" if {}", flat(e, quote)))
                .unwrap_or_default();
            let close = if c.key.is_some() { "}" } else { "]" };
            format!(
                "{head} for {} in {}{cond}{close}",
                c.target,
                operand(&c.iter, quote, 1)
            )
        }
        Expr::BinOp(l, op, r) => {
            let p = op.precedence();
            format!(
                "{} {} {}",
                operand(l, quote, p),
                op.text(),
                operand(r, quote, p + 1)
            )
        }
        Expr::IfExp(then, cond, otherwise) => format!(
            "{} if {} else {}",
            operand(then, quote, 1),
            operand(cond, quote, 1),
            flat(otherwise, quote)
        ),
        Expr::Slice(base, start, end) => {
            let bound = |b: &Option<Box<Expr>>| {
                b.as_ref().map(|b| operand(b, quote, 1)).unwrap_or_default()
            };
            // Black spaces the colon as an operator when a bound is not a plain name or number.
            let simple = [start, end].iter().all(|b| {
                b.as_ref()
                    .is_none_or(|b| matches!(b.as_ref(), Expr::Name(_) | Expr::Int(_)))
            });
            let colon = match (simple, start.is_some(), end.is_some()) {
                (true, ..) => ":",
                (false, true, true) => " : ",
                (false, true, false) => " :",
                (false, false, _) => ": ",
            };
            format!(
                "{}[{}{colon}{}]",
                operand(base, quote, 9),
                bound(start),
                bound(end)
            )
        }
        Expr::Lambda(params, body) => {
            let params = params.join(", ");
            let space = if params.is_empty() { "" } else { " " };
            format!("lambda{space}{params}: {}", flat(body, quote))
        }
        Expr::Not(value) => format!("not {}", operand(value, quote, NOT)),
    }
}

/// The quote black uses for a string whose literal text is `texts`: double quotes, unless
/// single quotes need fewer escapes. Inside an f-string expression (`outer` is `'`) and when the
/// f-string's expressions hold single-quoted strings, the quote cannot change.
fn string_quote<'a>(outer: char, texts: impl IntoIterator<Item = &'a str>, fixed: bool) -> char {
    if outer != '"' || fixed {
        return outer;
    }
    let (mut double, mut single) = (0usize, 0usize);
    for t in texts {
        double += t.matches('"').count();
        single += t.matches('\'').count();
    }
    if double > single { '\'' } else { '"' }
}

/// `e` flat, in parentheses when it binds less tightly than `min` requires.
fn operand(e: &Expr, quote: char, min: u8) -> String {
    let p = match e {
        Expr::IfExp(..) | Expr::Lambda(..) => 0,
        Expr::Not(_) => NOT,
        Expr::BinOp(_, op, _) => op.precedence(),
        _ => 10,
    };
    if p < min {
        format!("({})", flat(e, quote))
    } else {
        flat(e, quote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulumi::py::*;

    #[test]
    fn escapes_quotes_backslashes_controls_and_fstring_braces() {
        assert_eq!(escape("a\"b\\c\n\u{1}", '"', false), "a\\\"b\\\\c\\n\\x01");
        assert_eq!(escape("{x}'", '\'', true), "{{x}}\\'");
        // Double quotes unless single quotes need fewer escapes, as black decides.
        assert_eq!(flat(&s("it's \"q\""), '"'), "'it\\'s \"q\"'");
        assert_eq!(flat(&s("it's \"q"), '"'), "\"it's \\\"q\"");
    }

    #[test]
    fn strings_take_the_quote_that_needs_fewer_escapes() {
        assert_eq!(flat(&s("say \"hi\""), '"'), "'say \"hi\"'");
        assert_eq!(flat(&s("it's \"x\""), '"'), "'it\\'s \"x\"'");
        assert_eq!(flat(&s("a \"b\" 'c'"), '\''), "'a \"b\" \\'c\\''");
    }

    #[test]
    fn fstring_expressions_use_single_quotes() {
        let e = fstr(vec![lit("{a}-"), part(name("x").index(s("k")))]);
        assert_eq!(flat(&e, '"'), "f\"{{a}}-{x['k']}\"");
    }

    #[test]
    fn precedence_adds_parentheses_only_where_needed() {
        let e = bin(
            bin(name("a"), Op::Eq, s("x")),
            Op::Or,
            bin(name("b"), Op::And, name("c")),
        );
        assert_eq!(flat(&e, '"'), "a == \"x\" or b and c");
        let e = bin(bin(name("a"), Op::Or, name("b")), Op::And, name("c"));
        assert_eq!(flat(&e, '"'), "(a or b) and c");
    }

    #[test]
    fn long_subscripts_split_at_the_last_bracket() {
        let e = path("args.load_balancers")
            .index(s("customer-notification-service-01"))
            .index(s("target_group_arn_suffix"));
        assert_eq!(
            lines(&e, 32, "", ","),
            vec![
                format!(
                    "{}args.load_balancers[\"customer-notification-service-01\"][",
                    pad(32)
                ),
                format!("{}\"target_group_arn_suffix\"", pad(36)),
                format!("{}],", pad(32)),
            ]
        );
        // An attribute after the subscript stays after its closing bracket.
        let e = path("load_balancer_security_groups")
            .index(path("service"))
            .attr("id");
        assert_eq!(
            lines(&e, 20, "referenced_security_group_id=", ","),
            vec![
                format!(
                    "{}referenced_security_group_id=load_balancer_security_groups[",
                    pad(20)
                ),
                format!("{}service", pad(24)),
                format!("{}].id,", pad(20)),
            ]
        );
    }

    #[test]
    fn long_calls_split_like_black() {
        let short = call(path("f"), vec![name("a")], vec![("b", int(1))]);
        assert_eq!(lines(&short, 0, "x = ", ""), vec!["x = f(a, b=1)"]);
        let args: Vec<(&str, Expr)> = (0..6)
            .map(|_| ("argument_name", s("a fairly long value")))
            .collect();
        let long = call(path("aws.ec2.Vpc"), vec![], args);
        let out = lines(&long, 4, "vpc = ", "");
        assert_eq!(out[0], "    vpc = aws.ec2.Vpc(");
        assert_eq!(out[1], "        argument_name=\"a fairly long value\",");
        assert_eq!(out.last().map(String::as_str), Some("    )"));
        let medium = call(
            path("func"),
            vec![name(&"a".repeat(41)), name(&"b".repeat(41))],
            vec![],
        );
        assert_eq!(
            lines(&medium, 0, "", ""),
            vec![
                "func(".to_string(),
                format!("    {}, {}", "a".repeat(41), "b".repeat(41)),
                ")".to_string()
            ]
        );
    }

    #[test]
    fn slices_space_the_colon_like_black_when_a_bound_is_an_expression() {
        let e = slice(name("full"), None, Some(int(54)));
        assert_eq!(flat(&e, '"'), "full[:54]");
        let sum = || bin(name("x"), Op::Add, int(1));
        assert_eq!(
            flat(&slice(name("h"), Some(sum()), Some(sum())), '"'),
            "h[x + 1 : x + 1]"
        );
        assert_eq!(
            flat(&slice(name("h"), Some(sum()), None), '"'),
            "h[x + 1 :]"
        );
        assert_eq!(
            flat(&slice(name("h"), None, Some(sum())), '"'),
            "h[: x + 1]"
        );
    }

    #[test]
    fn long_conditionals_and_conditions_split_like_black() {
        let long = |n: &str| name(&n.repeat(30));
        let cond = if_exp(long("a"), bin(long("b"), Op::IsNot, Expr::None), list([]));
        assert_eq!(
            lines(&cond, 8, "x = ", ""),
            vec![
                "        x = (".to_string(),
                format!("            {}", "a".repeat(30)),
                format!("            if {} is not None", "b".repeat(30)),
                "            else []".to_string(),
                "        )".to_string(),
            ]
        );
        let either = bin(
            bin(long("c"), Op::Lt, name("low")),
            Op::Or,
            bin(long("c"), Op::Gt, name("high")),
        );
        assert_eq!(
            lines(&either, 8, "if ", ":"),
            vec![
                "        if (".to_string(),
                format!("            {} < low", "c".repeat(30)),
                format!("            or {} > high", "c".repeat(30)),
                "        ):".to_string(),
            ]
        );
    }

    #[test]
    fn not_and_lambda_bind_loosely() {
        let e = bin(
            not(name("a")),
            Op::And,
            not(bin(name("b"), Op::Or, name("c"))),
        );
        assert_eq!(flat(&e, '"'), "not a and not (b or c)");
        let e = name("x").method(
            "apply",
            vec![lambda(&["v"], bin(name("v"), Op::Add, int(1)))],
        );
        assert_eq!(flat(&e, '"'), "x.apply(lambda v: v + 1)");
        let e = if_exp(lambda(&[], int(1)), name("c"), Expr::None);
        assert_eq!(flat(&e, '"'), "(lambda: 1) if c else None");
    }
}
