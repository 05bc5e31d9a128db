//! Recognising what a file is before reading it as a state: empty, binary, encrypted, broken
//! JSON, JSON that is no state, a legacy or future state format, or one of the formats iacgen
//! reads (state format version 4, `terraform show -json`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::error::Category;
use serde_json::value::RawValue;

use super::error::{BinaryKind, Encryption, StateError, serde_message};
use super::snapshot::State;
use super::{show_json, v4};

/// Reads a state from the bytes of a file (see [`super::read`]).
pub(super) fn read(bytes: &[u8]) -> Result<State, StateError> {
    let text = text_of(bytes)?;
    let top: BTreeMap<String, &RawValue> =
        serde_json::from_str(text).map_err(|e| json_error(&e, text))?;

    if top.get("sops").is_some_and(|v| v.get().starts_with('{')) {
        return Err(StateError::Encrypted(Encryption::Sops));
    }
    let Some(version) = top.get("version") else {
        if let Some(fv) = top.get("format_version") {
            if !fv.get().starts_with('"') {
                return Err(StateError::invalid(format!(
                    "\"format_version\" is {}, expected a string like \"1.0\"",
                    fv.get()
                )));
            }
            return show_json::read(text);
        }
        if let Some(ev) = top.get("encryption_version") {
            return Err(StateError::Encrypted(Encryption::OpenTofu {
                encryption_version: string_of(ev).unwrap_or_else(|| ev.get().to_string()),
                key_providers: key_providers(top.get("meta")),
            }));
        }
        return Err(StateError::NotAState {
            keys: top.keys().take(12).cloned().collect(),
        });
    };
    let number = serde_json::from_str::<Value>(version.get()).ok();
    let Some(version) = number.as_ref().and_then(Value::as_u64) else {
        return Err(StateError::InvalidVersion {
            found: shorten(version.get()),
        });
    };
    let terraform_version = top.get("terraform_version").and_then(|v| string_of(v));
    match version {
        4 => v4::read(text),
        1..=3 => Err(StateError::LegacyFormat {
            version,
            terraform_version,
            serial: top
                .get("serial")
                .and_then(|v| serde_json::from_str(v.get()).ok()),
            resources: match top.get("modules") {
                None => Some(0),
                Some(modules) => legacy_resource_count(modules),
            },
        }),
        _ => Err(StateError::UnsupportedFormat {
            version,
            terraform_version,
        }),
    }
}

/// The file as UTF-8 text, or why it is not text at all.
fn text_of(bytes: &[u8]) -> Result<&str, StateError> {
    let binary = |kind| StateError::Binary {
        kind,
        head: escaped_head(bytes),
    };
    if bytes.is_empty() {
        return Err(StateError::Empty { bytes: 0 });
    }
    if bytes.starts_with(b"\0GITCRYPT\0") {
        return Err(binary(BinaryKind::GitCrypt));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(binary(BinaryKind::Gzip));
    }
    // Terraform 0.6's binary format starts with this magic.
    if bytes.starts_with(b"tfstate") {
        return Err(binary(BinaryKind::LegacyBinaryState));
    }
    // UTF-16 with a byte-order mark, or `{` followed by a zero byte without one.
    if bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || bytes.starts_with(b"{\0")
    {
        return Err(binary(BinaryKind::Utf16));
    }
    // A UTF-8 byte-order mark (added by some Windows editors) is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().take(4096).any(|&b| b == 0) {
        return Err(binary(BinaryKind::Other));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // JSON with a stray non-UTF-8 byte is an encoding problem, not binary data.
        Err(e) if bytes.trim_ascii_start().starts_with(b"{") => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            return Err(StateError::NotUtf8 { line, column });
        }
        Err(_) => return Err(binary(BinaryKind::Other)),
    };
    if text.trim().is_empty() {
        return Err(StateError::Empty { bytes: bytes.len() });
    }
    Ok(text)
}

/// The first bytes of a file, printable, for messages: `\x00GITCRYPT\x00`.
fn escaped_head(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(10)
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect()
}

/// A JSON parse error: broken syntax, or valid JSON that is not an object.
fn json_error(err: &serde_json::Error, text: &str) -> StateError {
    match err.classify() {
        Category::Data => {
            let found = match text.trim_start().chars().next() {
                Some('[') => "array",
                Some('"') => "string",
                Some('t' | 'f') => "boolean",
                Some('n') => "null",
                _ => "number",
            };
            StateError::NotAnObject { found }
        }
        Category::Syntax | Category::Eof | Category::Io => StateError::InvalidJson {
            message: serde_message(err),
            line: err.line(),
            column: err.column(),
        },
    }
}

fn string_of(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// Key providers an OpenTofu envelope names in its `meta` (`key_provider.pbkdf2.main`).
fn key_providers(meta: Option<&&RawValue>) -> Vec<String> {
    let Some(meta) = meta else {
        return Vec::new();
    };
    let Ok(map) = serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(meta.get())
    else {
        return Vec::new();
    };
    map.keys()
        .map(|k| k.strip_prefix("key_provider.").unwrap_or(k).to_string())
        .collect()
}

/// How many resources a legacy (version 1–3) state holds over its modules, for the message.
fn legacy_resource_count(modules: &RawValue) -> Option<usize> {
    #[derive(Deserialize)]
    struct LegacyModule {
        resources: Option<BTreeMap<String, serde::de::IgnoredAny>>,
    }
    let modules: Vec<LegacyModule> = serde_json::from_str(modules.get()).ok()?;
    Some(
        modules
            .iter()
            .map(|m| m.resources.as_ref().map_or(0, BTreeMap::len))
            .sum(),
    )
}
