//! Module inputs and outputs as terraform-docs prints them (`markdown table` formatter, with
//! the root `.terraform-docs.yml`: sections inputs and outputs, every other setting at its
//! default). The pre-commit `terraform_docs` hook then finds nothing to change, so generated
//! READMEs and the hook never fight.
//!
//! The escaping rules follow terraform-docs' own (v0.22 and later): `|` escaped outside code
//! spans, `_` escaped outside code spans and URLs, line breaks as `<br/>`, multi-line code as
//! `<pre>`, empty text as `n/a`.

use crate::terraform::Module;

pub const BEGIN: &str = "<!-- BEGIN_TF_DOCS -->";
pub const END: &str = "<!-- END_TF_DOCS -->";

/// The marked block terraform-docs injects into a module's README.
pub fn block(module: &Module) -> String {
    let mut inputs: Vec<_> = module.inputs.iter().map(|input| &input.var).collect();
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut outputs: Vec<_> = module.outputs.iter().collect();
    outputs.sort_by(|a, b| a.name.cmp(&b.name));

    let mut out = format!("{BEGIN}\n## Inputs\n\n");
    if inputs.is_empty() {
        out.push_str("No inputs.\n");
    } else {
        out.push_str("| Name | Description | Type | Default | Required |\n");
        out.push_str("| ---- | ----------- | ---- | ------- | :------: |\n");
        for var in inputs {
            // Module variables have no defaults: every value comes from the root.
            out.push_str(&format!(
                "| {} | {} | {} | n/a | yes |\n",
                anchor("input", &var.name),
                table_text(&var.description),
                table_text(&code(&type_source(&var.type_text()))),
            ));
        }
    }
    out.push_str("\n## Outputs\n\n");
    if outputs.is_empty() {
        out.push_str("No outputs.\n");
    } else {
        out.push_str("| Name | Description |\n| ---- | ----------- |\n");
        for output in outputs {
            out.push_str(&format!(
                "| {} | {} |\n",
                anchor("output", &output.name),
                table_text(&output.description)
            ));
        }
    }
    out.push_str(END);
    out
}

/// A type constraint as it stands in `variables.tf`: inside a `variable` block, so lines after
/// the first are indented one level (terraform-docs copies the source text).
fn type_source(printed: &str) -> String {
    printed.replace('\n', "\n  ")
}

/// `<a name="input_vpc_id"></a> [vpc\_id](#input\_vpc\_id)`
fn anchor(prefix: &str, name: &str) -> String {
    let id = format!("{prefix}_{name}");
    format!(
        "<a name=\"{id}\"></a> [{}](#{})",
        escape_name(name),
        escape_name(&id)
    )
}

fn escape_name(name: &str) -> String {
    name.replace('_', "\\_")
}

/// Inline code, or a fenced block for multi-line code (terraform-docs' `type`/`value`).
fn code(text: &str) -> String {
    if text.contains('\n') {
        format!("\n\n```\n{text}\n```\n")
    } else {
        format!("`{text}`")
    }
}

/// Text for a table cell: fenced blocks become `<pre>`, the rest is escaped and put on one line.
fn table_text(text: &str) -> String {
    if text.is_empty() {
        return "n/a".to_string();
    }
    segments(
        text,
        "```",
        |segment| restore_urls(&one_line(&escape_underscores(&escape_pipes(segment)))),
        |segment| {
            let code = segment.trim().replace('\n', "<br/>").replace('\r', "");
            format!("<pre>{code}</pre>")
        },
    )
}

/// Splits `text` on `fence` and maps the parts alternately with `plain` and `fenced`, as
/// terraform-docs does: empty parts are dropped without switching sides.
fn segments(
    text: &str,
    fence: &str,
    plain: impl Fn(&str) -> String,
    fenced: impl Fn(&str) -> String,
) -> String {
    let mut in_code = text.starts_with(fence);
    let mut out = String::new();
    for part in text.split(fence) {
        if part.is_empty() {
            continue;
        }
        out.push_str(&if in_code { fenced(part) } else { plain(part) });
        in_code = !in_code;
    }
    out
}

fn escape_pipes(text: &str) -> String {
    segments(text, "`", |s| s.replace('|', "\\|"), |s| format!("`{s}`"))
}

/// `_` → `\_` outside code spans, except where it marks emphasis: a run at the start of a line
/// followed by a space, or `_word_` between spaces.
fn escape_underscores(text: &str) -> String {
    segments(
        text,
        "`",
        |s| {
            s.split('\n')
                .map(escape_line)
                .collect::<Vec<_>>()
                .join("\n")
        },
        |s| format!("`{s}`"),
    )
}

fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut keep = vec![false; chars.len()];
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c');
    // `^(\s*)(_+)(\s+)`
    let start = chars.iter().take_while(|c| ws(**c)).count();
    let run = chars[start..].iter().take_while(|c| **c == '_').count();
    if run > 0 && chars.get(start + run).is_some_and(|c| ws(*c)) {
        keep[start..start + run].iter_mut().for_each(|k| *k = true);
    }
    // `(\s+)(_+)([^\s_])(.*)([^\s_])(_+)(\s+)`, leftmost and greedy, repeatedly.
    let mut i = 0;
    while i < chars.len() {
        if !ws(chars[i]) {
            i += 1;
            continue;
        }
        let open = i + chars[i..].iter().take_while(|c| ws(**c)).count();
        let open_end = open + chars[open..].iter().take_while(|c| **c == '_').count();
        let word = |c: &char| !ws(*c) && *c != '_';
        if open_end == open || !chars.get(open_end).is_some_and(word) {
            i = open.max(i + 1);
            continue;
        }
        // The last `[^\s_](_+)\s` after the opening.
        let close = (open_end + 1..chars.len()).rev().find(|&m| {
            let run_end = m + 1 + chars[m + 1..].iter().take_while(|c| **c == '_').count();
            word(&chars[m]) && run_end > m + 1 && chars.get(run_end).is_some_and(|c| ws(*c))
        });
        let Some(m) = close else {
            i = open_end;
            continue;
        };
        let run_end = m + 1 + chars[m + 1..].iter().take_while(|c| **c == '_').count();
        keep[open..open_end].iter_mut().for_each(|k| *k = true);
        keep[m + 1..run_end].iter_mut().for_each(|k| *k = true);
        i = run_end + chars[run_end..].iter().take_while(|c| ws(**c)).count();
    }
    chars
        .iter()
        .zip(keep)
        .map(|(c, keep)| match (c, keep) {
            ('_', false) => "\\_".to_string(),
            _ => c.to_string(),
        })
        .collect()
}

/// Line breaks as terraform-docs writes them in a table: a paragraph break or a line that
/// continues with a word becomes `<br/>`, and so does every other newline.
fn one_line(text: &str) -> String {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' || (c == '\r' && chars.get(i + 1) == Some(&'\n')) {
            let nl_len = if c == '\r' { 2 } else { 1 };
            let mut j = i + nl_len;
            while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\n' | '\r' | '\x0c') {
                j += 1;
            }
            if j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                out.push_str("  ");
                out.extend(&chars[i..j]);
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out.replace("    \n", "  \n")
        .replace("  \n\n", "\n\n")
        .replace("\n  \n", "\n\n")
        .replace("  \n", "<br/>")
        .replace('\n', "<br/>")
}

/// URLs keep their characters: undoes the escaping inside `scheme://...`.
fn restore_urls(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // The scheme: the ASCII letters, digits and `+-.` just before `://`.
        let scheme_len: usize = rest[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || "+-.".contains(*c))
            .map(char::len_utf8)
            .sum();
        let start = at - scheme_len;
        if start == at {
            out.push_str(&rest[..at + 3]);
            rest = &rest[at + 3..];
            continue;
        }
        let end = at
            + rest[at..]
                .find(|c: char| c.is_whitespace() || "<>\"'`".contains(c))
                .unwrap_or(rest.len() - at);
        out.push_str(&rest[..start]);
        out.push_str(&rest[start..end].replace("\\_", "_"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_makes_one_table_cell(text in "\\PC*|[ _|`\\n:/a-z]*") {
            let cell = table_text(&text);
            prop_assert!(!cell.contains('\n'));
            // Every `|` is escaped (inside code spans too, except fenced ones).
            let unescaped = cell.match_indices('|').any(|(i, _)| !cell[..i].ends_with('\\'));
            prop_assert!(!unescaped || text.contains('`'), "{cell}");
        }
    }

    #[test]
    fn anchors_escape_underscores_in_the_link_only() {
        assert_eq!(
            anchor("input", "vpc_id"),
            "<a name=\"input_vpc_id\"></a> [vpc\\_id](#input\\_vpc\\_id)"
        );
    }

    #[test]
    fn cells_escape_pipes_and_underscores_outside_code() {
        assert_eq!(table_text("a | b"), "a \\| b");
        assert_eq!(table_text("`a | b`"), "`a | b`");
        assert_eq!(table_text("subnet_id by AZ"), "subnet\\_id by AZ");
        assert_eq!(table_text("`per_az` or none"), "`per_az` or none");
        assert_eq!(table_text("an _emphasis_ here"), "an _emphasis_ here");
        assert_eq!(table_text(""), "n/a");
        // Underscores in URLs stay plain, pipes stay escaped (one cell).
        assert_eq!(table_text("https://x.io/a_b|c"), "https://x.io/a_b\\|c");
        assert_eq!(
            table_text("See https://docs.aws.amazon.com/a_b.html for x_y"),
            "See https://docs.aws.amazon.com/a_b.html for x\\_y"
        );
    }

    #[test]
    fn cells_put_text_on_one_line() {
        assert_eq!(
            table_text("This is markdown.\n\nIt spans lines."),
            "This is markdown.<br/><br/>It spans lines."
        );
        assert_eq!(table_text("one\ntwo"), "one<br/>two");
        assert_eq!(
            table_text(&code("object({\n    a = string\n  })")),
            "<pre>object({<br/>    a = string<br/>  })</pre>"
        );
        assert_eq!(table_text(&code("map(string)")), "`map(string)`");
    }
}
