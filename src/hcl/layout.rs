//! Tokens and the whitespace rules of `terraform fmt`.
//!
//! The printer emits a token stream whose line breaks are its own layout choices; this module
//! decides every space on each line the way HashiCorp's `hclwrite` formatter does: indentation
//! from the net count of open brackets per line, one space between most tokens (with the
//! formatter's exceptions), and `=` aligned over runs of consecutive single-line assignments.
//! Because the output is computed with the formatter's own rules, `terraform fmt` has nothing left
//! to change, whatever layout the printer picked.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// Token kinds, named after the HCL scanner's, limited to what the formatter distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    Number,
    OQuote,
    CQuote,
    /// Literal text inside a quoted string, already escaped.
    QuotedLit,
    /// `<<EOT` or `<<-EOT` plus its newline.
    OHeredoc,
    /// Literal text inside a heredoc, raw.
    StringLit,
    /// The closing delimiter of a heredoc.
    CHeredoc,
    /// `${` or `${~`
    Interp,
    /// `%{` or `%{~`
    Control,
    /// `}` or `~}` closing an interpolation or directive.
    SeqEnd,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    Equal,
    Comma,
    Dot,
    Colon,
    DoubleColon,
    Question,
    FatArrow,
    Ellipsis,
    Star,
    Plus,
    Minus,
    Slash,
    Percent,
    EqualOp,
    NotEqual,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    And,
    Or,
    Bang,
    /// A `#` comment including its newline; it ends a line.
    Comment,
    Newline,
    /// Text the formatter treats as an opaque word (only for expression kinds hcl-rs may add).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: Kind,
    /// Borrowed for the printer's own punctuation and keywords, most tokens of a file: one
    /// allocation per token was a tenth of printing.
    pub text: Cow<'static, str>,
}

impl Tok {
    pub fn new(kind: Kind, text: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            text: text.into(),
        }
    }
}

fn bracket_change(kind: Kind) -> i64 {
    match kind {
        Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::Interp | Kind::Control => 1,
        Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::SeqEnd => -1,
        _ => 0,
    }
}

/// Whether the formatter puts one space between `subject` and `after` (`before` precedes
/// `subject`; `None` at the start of a cell).
fn space_after(subject: &Tok, before: Option<&Tok>, after: &Tok) -> bool {
    use Kind::*;
    let s = subject.kind;
    let a = after.kind;
    let b = before.map(|t| t.kind);
    if a == Newline {
        return false;
    }
    if s == Ident && a == OParen {
        return false;
    }
    if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) {
        return false;
    }
    if s == Dot || a == Dot {
        return false;
    }
    if a == Comma || a == Ellipsis {
        return false;
    }
    if s == Comma {
        return true;
    }
    if matches!(s, QuotedLit | StringLit | OQuote | OHeredoc)
        || matches!(a, QuotedLit | StringLit | CQuote | CHeredoc)
    {
        return false;
    }
    // `in` of a for expression keeps its space even before a tuple: `in [a, b]`.
    if s == Ident && subject.text == "in" && b == Some(Ident) {
        return true;
    }
    if a == OBrack && (s == Ident || s == Number || bracket_change(s) < 0) {
        return false;
    }
    if s == Bang {
        return false;
    }
    if s == Minus {
        // The formatter guesses negation from the token before the minus.
        return match b {
            None => false,
            Some(
                OParen | OBrace | OBrack | Equal | Colon | Comma | Question | Plus | Star | Slash
                | Percent | Minus | EqualOp | NotEqual | Greater | GreaterEq | Less | LessEq | And
                | Or | Bang,
            ) => false,
            Some(_) => true,
        };
    }
    if s == OBrace || a == CBrace {
        return !(s == OBrace && a == CBrace);
    }
    if (s == Interp || s == Control) && a == OBrace {
        return true;
    }
    if s == CBrace && a == SeqEnd {
        return true;
    }
    if s == SeqEnd && (a == Interp || a == Control) {
        return false;
    }
    if bracket_change(s) > 0 {
        return false;
    }
    if bracket_change(a) < 0 {
        return false;
    }
    true
}

/// Display width as the formatter counts it: grapheme clusters (Unicode 15.0 rules, as in
/// the Go library terraform uses; the crate is pinned to that version).
pub(crate) fn columns(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.graphemes(true).count()
    }
}

/// Width of a token. The HCL scanner cuts quoted literal text at each `$` and `%` (alone, or
/// as the escapes `$${` / `%%{`) and the formatter counts clusters per piece, so a combining
/// mark after `$` is a column of its own. Likewise, terraform counts a combining mark after
/// U+FFFD as a column of its own.
fn token_columns(t: &Tok) -> usize {
    if t.text.is_ascii() {
        return t.text.len();
    }
    if t.kind != Kind::QuotedLit {
        return columns(&t.text);
    }
    let text: &str = &t.text;
    let mut width = 0;
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = text[i..].find(['$', '%', '\u{fffd}']) {
        let at = i + off;
        width += columns(&text[start..at]);
        let rest = &text[at..];
        let (len, cols) = if rest.starts_with("$${") || rest.starts_with("%%{") {
            (3, 3)
        } else {
            (rest.chars().next().map_or(1, char::len_utf8), 1)
        };
        width += cols;
        i = at + len;
        start = i;
    }
    width + columns(&text[start..])
}

/// One line of tokens split into the formatter's cells: `lead`, then the assignment from `=`
/// (when the rest of the line is a whole expression), then a trailing comment.
struct Line {
    start: usize,
    assign: Option<usize>,
    comment: Option<usize>,
    end: usize,
}

impl Line {
    fn lead_end(&self) -> usize {
        self.assign.or(self.comment).unwrap_or(self.end)
    }
    fn assign_end(&self) -> usize {
        self.comment.unwrap_or(self.end)
    }
}

fn split_lines(toks: &[Tok]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if matches!(t.kind, Kind::Newline | Kind::Comment) {
            lines.push(Line {
                start,
                assign: None,
                comment: None,
                end: i + 1,
            });
            start = i + 1;
        }
    }
    if start < toks.len() {
        lines.push(Line {
            start,
            assign: None,
            comment: None,
            end: toks.len(),
        });
    }
    for line in &mut lines {
        let last = line.end - 1;
        if line.end - line.start > 1 && toks[last].kind == Kind::Comment {
            line.comment = Some(last);
        }
        let lead_end = line.comment.unwrap_or(line.end);
        if let Some(eq) = (line.start + 1..lead_end).find(|&i| toks[i].kind == Kind::Equal) {
            let net: i64 = toks[eq..lead_end]
                .iter()
                .map(|t| bracket_change(t.kind))
                .sum();
            if net == 0 {
                line.assign = Some(eq);
            }
        }
    }
    lines
}

/// Renders tokens as formatted text: the layout (where lines break) is the tokens', every
/// space is the formatter's.
pub(crate) fn render(toks: &[Tok]) -> String {
    let lines = split_lines(toks);
    let mut spaces = vec![0usize; toks.len()];

    // Indentation: a line with more openers than closers opens one level, whatever the count;
    // closers pop as many remembered levels as they close.
    let mut indents: Vec<i64> = Vec::new();
    for line in &lines {
        if toks[line.start].kind == Kind::Newline {
            continue;
        }
        let mut net = 0;
        for t in &toks[line.start..line.lead_end()] {
            net += bracket_change(t.kind);
            if t.kind == Kind::OHeredoc {
                break;
            }
        }
        if let Some(a) = line.assign {
            net += toks[a..line.assign_end()]
                .iter()
                .map(|t| bracket_change(t.kind))
                .sum::<i64>();
        }
        if net < 0 {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed < *top {
                    *top -= closed;
                    closed = 0;
                } else {
                    closed -= *top;
                    indents.pop();
                }
            }
        }
        spaces[line.start] = 2 * indents.len();
        if net > 0 {
            indents.push(net);
        }
    }

    // Spaces between tokens within each cell.
    for line in &lines {
        let cells = [
            (line.start, line.lead_end()),
            (
                line.assign.unwrap_or(0),
                line.assign.map_or(0, |_| line.assign_end()),
            ),
        ];
        for (cell, &(from, to)) in cells.iter().enumerate() {
            if from >= to {
                continue;
            }
            if cell == 1 {
                spaces[from] = 1;
            }
            for i in from..to - 1 {
                let before = if i > from { Some(&toks[i - 1]) } else { None };
                spaces[i + 1] = usize::from(space_after(&toks[i], before, &toks[i + 1]));
            }
        }
    }

    let lead_columns = |line: &Line, spaces: &[usize]| -> usize {
        (line.start..line.lead_end())
            .map(|i| spaces[i] + token_columns(&toks[i]))
            .sum()
    };

    // Align `=` over runs of consecutive lines that have an assignment cell.
    let mut run: Vec<usize> = Vec::new();
    let align = |run: &mut Vec<usize>, spaces: &mut [usize]| {
        let widths: Vec<usize> = run
            .iter()
            .map(|&l| lead_columns(&lines[l], spaces))
            .collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (&l, w) in run.iter().zip(widths) {
            if let Some(a) = lines[l].assign {
                spaces[a] = max - w + 1;
            }
        }
        run.clear();
    };
    for (l, line) in lines.iter().enumerate() {
        if line.assign.is_some() {
            run.push(l);
        } else if !run.is_empty() {
            align(&mut run, &mut spaces);
        }
    }
    if !run.is_empty() {
        align(&mut run, &mut spaces);
    }

    // Same for trailing comments (the printer does not emit any, kept for completeness).
    let mut run: Vec<usize> = Vec::new();
    let align_comments = |run: &mut Vec<usize>, spaces: &mut [usize]| {
        let widths: Vec<usize> = run
            .iter()
            .map(|&l| {
                let line = &lines[l];
                (line.start..line.assign_end())
                    .map(|i| spaces[i] + token_columns(&toks[i]))
                    .sum::<usize>()
            })
            .collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (&l, w) in run.iter().zip(widths) {
            if let Some(c) = lines[l].comment {
                spaces[c] = max - w + 1;
            }
        }
        run.clear();
    };
    for (l, line) in lines.iter().enumerate() {
        if line.comment.is_some() {
            run.push(l);
        } else if !run.is_empty() {
            align_comments(&mut run, &mut spaces);
        }
    }
    if !run.is_empty() {
        align_comments(&mut run, &mut spaces);
    }

    write_out(toks, &lines, &spaces)
}

fn write_out(toks: &[Tok], lines: &[Line], spaces: &[usize]) -> String {
    let mut out = String::new();
    for line in lines {
        let indent = spaces[line.start];
        // `<<-` heredocs: content is indented one level deeper than the line that opens
        // them and the closing marker at that line's level; HCL strips the common indent.
        let mut heredoc_indent: Option<usize> = None;
        let mut at_line_start = false;
        for i in line.start..line.end {
            let t = &toks[i];
            match (heredoc_indent, t.kind) {
                (Some(_), Kind::CHeredoc) => {
                    push_spaces(&mut out, indent);
                    out.push_str(&t.text);
                    heredoc_indent = None;
                }
                (Some(n), Kind::StringLit) => {
                    for part in t.text.split_inclusive('\n') {
                        if at_line_start && part != "\n" {
                            push_spaces(&mut out, n);
                        }
                        out.push_str(part);
                        at_line_start = part.ends_with('\n');
                    }
                }
                (Some(n), _) => {
                    push_spaces(&mut out, if at_line_start { n } else { spaces[i] });
                    at_line_start = false;
                    out.push_str(&t.text);
                }
                (None, _) => {
                    push_spaces(&mut out, spaces[i]);
                    out.push_str(&t.text);
                    if t.kind == Kind::OHeredoc && t.text.starts_with("<<-") {
                        heredoc_indent = Some(indent + 2);
                        at_line_start = true;
                    }
                }
            }
        }
    }
    out
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Width of tokens laid out on one line (for the printer's line-length choices).
pub(crate) fn line_width(toks: &[Tok]) -> usize {
    let mut width = 0;
    for (i, t) in toks.iter().enumerate() {
        width += token_columns(t);
        if let Some(next) = toks.get(i + 1) {
            let before = if i > 0 { Some(&toks[i - 1]) } else { None };
            width += usize::from(space_after(t, before, next));
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::*;

    fn t(kind: Kind, text: &str) -> Tok {
        Tok::new(kind, text.to_string())
    }

    #[test]
    fn aligns_equals_over_a_run_and_breaks_it_at_a_multi_line_value() {
        let toks = vec![
            t(Ident, "a"),
            t(Equal, "="),
            t(Number, "1"),
            t(Newline, "\n"),
            t(Ident, "long_name"),
            t(Equal, "="),
            t(Number, "2"),
            t(Newline, "\n"),
            t(Ident, "obj"),
            t(Equal, "="),
            t(OBrace, "{"),
            t(Newline, "\n"),
            t(Ident, "k"),
            t(Equal, "="),
            t(Minus, "-"),
            t(Number, "1"),
            t(Newline, "\n"),
            t(CBrace, "}"),
            t(Newline, "\n"),
        ];
        assert_eq!(
            render(&toks),
            "a         = 1\nlong_name = 2\nobj = {\n  k = -1\n}\n"
        );
    }

    #[test]
    fn counts_grapheme_clusters_for_alignment() {
        assert_eq!(columns("👍🏽"), 1);
        assert_eq!(columns("e\u{301}"), 1);
        assert_eq!(columns("ab"), 2);
        // The scanner splits literal text at `%`: the accent is a column of its own.
        assert_eq!(token_columns(&t(QuotedLit, "%\u{301}a")), 3);
        assert_eq!(token_columns(&t(QuotedLit, "a$${b\u{301}")), 5);
        assert_eq!(token_columns(&t(Ident, "%\u{301}")), 1);
        assert_eq!(token_columns(&t(QuotedLit, "\u{fffd}\u{301}")), 2);
    }
}
