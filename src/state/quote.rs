//! HCL quoted strings as Terraform writes them in instance keys (`["us-east-1a"]`).
//!
//! Terraform prints a string key with `toHCLQuotedString` (internal/addrs): backslash escapes for
//! `\n`, `\r`, `\t`, `"` and `\`, `\uXXXX` / `\UXXXXXXXX` for characters that are not printable,
//! and `${` / `%{` doubled so that HCL does not read them as a template. [`quote`] prints the
//! same bytes; [`unquote`] reads them back.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// `s` as an HCL quoted string, exactly as Terraform prints an instance key.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, which Terraform uses to decide what to escape: letters, marks,
/// numbers, punctuation, symbols and the ASCII space. Other spaces, controls, format characters,
/// private-use and unassigned code points are escaped.
fn is_print(c: char) -> bool {
    c == ' '
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

/// Why a quoted string could not be read, and the byte offset (into the text given to
/// [`unquote`]) where the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnquoteError {
    pub offset: usize,
    pub message: &'static str,
}

/// Reads an HCL quoted string starting at the opening `"` of `text`. Returns the string's value
/// and the number of bytes consumed, closing quote included.
pub(crate) fn unquote(text: &str) -> Result<(String, usize), UnquoteError> {
    let err = |offset, message| Err(UnquoteError { offset, message });
    let mut chars = text.char_indices().peekable();
    match chars.next() {
        Some((_, '"')) => {}
        _ => return err(0, "expected `\"`"),
    }
    let mut out = String::new();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((out, at + 1)),
            '\n' | '\r' => return err(at, "line break inside a quoted string"),
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return err(at, "unterminated escape sequence");
                };
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let digits = if e == 'u' { 4 } else { 8 };
                        let start = at + 2;
                        let hex = text.get(start..start + digits).unwrap_or("");
                        let code = (hex.len() == digits
                            && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten();
                        let Some(ch) = code.and_then(char::from_u32) else {
                            return err(at, "invalid unicode escape");
                        };
                        out.push(ch);
                        for _ in 0..digits {
                            chars.next();
                        }
                    }
                    _ => return err(at, "unknown escape sequence"),
                }
            }
            '$' | '%' => {
                let rest = &text[at + 1..];
                if rest.starts_with('{') {
                    return err(at, "template sequence (`${` or `%{`) in an address");
                }
                // `$${` is the escaped form of a literal `${` (likewise `%%{`).
                if rest.starts_with(c) && rest[1..].starts_with('{') {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    chars.next();
                } else {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    err(text.len(), "missing closing `\"`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_terraform() {
        // Expected strings follow Terraform v1.5.7's toHCLQuotedString rules.
        let cases = [
            ("us-east-1a", r#""us-east-1a""#),
            ("karpenter.sh/discovery", r#""karpenter.sh/discovery""#),
            ("", r#""""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("line\nbreak\r\ttab", r#""line\nbreak\r\ttab""#),
            ("${var.x}", r#""$${var.x}""#),
            ("%{ if }", r#""%%{ if }""#),
            ("$ and % alone, $$", r#""$ and % alone, $$""#),
            ("nul\u{0}", r#""nul\u0000""#),
            ("nbsp\u{a0}", r#""nbsp\u00a0""#),
            ("zwsp\u{200b}", r#""zwsp\u200b""#),
            ("private\u{e000}", r#""private\ue000""#),
            ("unassigned\u{10ffff}", r#""unassigned\U0010ffff""#),
            ("café ü 日本 🚀", r#""café ü 日本 🚀""#),
        ];
        for (raw, quoted) in cases {
            assert_eq!(quote(raw), quoted, "quoting {raw:?}");
            assert_eq!(
                unquote(quoted),
                Ok((raw.to_string(), quoted.len())),
                "reading {quoted}"
            );
        }
    }

    #[test]
    fn reads_escaped_template_introducers() {
        // `$$${` is a literal `$` followed by an escaped `${`.
        assert_eq!(unquote(r#""$$${x}""#).map(|r| r.0), Ok("$${x}".to_string()));
        assert_eq!(quote("$${x}"), r#""$$${x}""#);
    }

    #[test]
    fn rejects_what_terraform_would_not_parse() {
        for bad in [
            r#""open"#,
            r#""${var.x}""#,
            r#""%{ if }""#,
            r#""\q""#,
            r#""\u12""#,
            r#""\ud800""#,
            "\"a\nb\"",
            "no quote",
            r#""trailing\"#,
        ] {
            assert!(unquote(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
