//! Escaping of literal text for quoted strings and heredocs.
//!
//! The quoted form matches the escaping `terraform fmt` applies when it rewrites block labels,
//! so labels come out byte-identical, and every string uses the same rules.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Escapes literal text for a quoted HCL string (without the quotes).
///
/// `\` `"` newline, carriage return and tab get backslash escapes, `${` and `%{` are doubled to
/// `$${` and `%%{` so they stay literal, and characters that are not printable (control and
/// format characters, unassigned code points, every space but U+0020) become `\uNNNN` or
/// `\UNNNNNNNN`. Printable Unicode is kept as is.
pub fn escape_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if bytes.get(i + 1) == Some(&b'{') {
                    out.push(c);
                }
            }
            c if !is_printable(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn push_unicode_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x10000 {
        out.push_str(&format!("\\u{code:04x}"));
    } else {
        out.push_str(&format!("\\U{code:08x}"));
    }
}

/// Escapes literal text for a heredoc, where backslashes have no meaning: only the template
/// introducers are doubled.
pub(crate) fn escape_heredoc_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        out.push(c);
        if matches!(c, '$' | '%') && bytes.get(i + 1) == Some(&b'{') {
            out.push(c);
        }
    }
    out
}

/// Printable as Go's `unicode.IsPrint` (which hclwrite uses) defines it: letters, marks,
/// numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Mark
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_syntax_and_template_introducers() {
        assert_eq!(escape_string(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(
            escape_string("${x} %{y} $${z} $ %"),
            "$${x} %%{y} $$${z} $ %"
        );
        assert_eq!(escape_string("l1\nl2\r\tend"), "l1\\nl2\\r\\tend");
    }

    #[test]
    fn escapes_invisible_characters_and_keeps_printable_unicode() {
        assert_eq!(escape_string("\u{0}\u{1b}\u{7f}"), "\\u0000\\u001b\\u007f");
        assert_eq!(escape_string("a\u{a0}b\u{200d}c"), "a\\u00a0b\\u200dc");
        assert_eq!(escape_string("é日本😀"), "é日本😀");
        assert_eq!(escape_string("\u{e0001}"), "\\U000e0001");
    }

    #[test]
    fn heredoc_literals_only_double_introducers() {
        assert_eq!(
            escape_heredoc_literal("a\\n \"${x}\" %{"),
            "a\\n \"$${x}\" %%{"
        );
    }
}
