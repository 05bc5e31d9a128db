//! YAML files that iacgen and another tool both write: iacgen owns some top-level keys, the
//! other tool the rest. The case in point is a Pulumi stack file, `Pulumi.<env>.yaml`: iacgen
//! writes its `config:`, and `pulumi stack init --secrets-provider ...` adds
//! `secretsprovider`, `encryptedkey` or `encryptionsalt`, without which the stack cannot
//! decrypt its own state. Pure functions; `output` applies them to the files on disk.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The top-level entries of `text` whose key is not in `owned`, each as its lines on disk (the
/// key's line and the indented lines under it), in file order. `None` when `text` is not a YAML
/// mapping. An entry whose lines do not read back alone as the same value (an unusual layout)
/// is written as `key: <JSON>`, which YAML reads as the same value.
pub fn foreign_entries(text: &str, owned: &[String]) -> Option<Vec<String>> {
    let Value::Object(parsed) = serde_saphyr::from_str::<Value>(text).ok()? else {
        return None;
    };
    let mut entries = Vec::new();
    for (key, raw) in top_level_blocks(text) {
        if owned.contains(&key) {
            continue;
        }
        let Some(value) = parsed.get(&key) else {
            continue;
        };
        let reads_back = serde_saphyr::from_str::<Value>(&raw)
            .ok()
            .and_then(|v| v.get(&key).cloned())
            .is_some_and(|v| v == *value);
        if reads_back {
            entries.push(raw);
        } else {
            let key_text = serde_json::to_string(&key).unwrap_or_default();
            let value_text = serde_json::to_string(value).unwrap_or_default();
            entries.push(format!("{key_text}: {value_text}\n"));
        }
    }
    // A key the line scan could not see (a flow-style document) is kept as JSON too.
    for (key, value) in &parsed {
        let seen = owned.contains(key) || entries.iter().any(|e| entry_key(e) == *key);
        if !seen {
            let key_text = serde_json::to_string(key).unwrap_or_default();
            let value_text = serde_json::to_string(value).unwrap_or_default();
            entries.push(format!("{key_text}: {value_text}\n"));
        }
    }
    Some(entries)
}

/// `generated` with the `foreign` entries inserted after its leading comment lines (where
/// Pulumi writes its keys: before `config:`).
pub fn with_foreign(generated: &str, foreign: &[String]) -> String {
    if foreign.is_empty() {
        return generated.to_string();
    }
    let header_len: usize = generated
        .split_inclusive('\n')
        .take_while(|line| line.starts_with('#'))
        .map(str::len)
        .sum();
    let (header, rest) = generated.split_at(header_len);
    let mut out = header.to_string();
    for entry in foreign {
        out.push_str(entry);
        if !entry.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str(rest);
    out
}

/// A hash of iacgen's part of `text`: the values of its `owned` top-level keys, whatever the
/// layout, comments or quoting (another tool may rewrite the whole file). `None` when `text` is
/// not a YAML mapping.
pub fn fingerprint(text: &str, owned: &[String]) -> Option<String> {
    let Value::Object(parsed) = serde_saphyr::from_str::<Value>(text).ok()? else {
        return None;
    };
    let mine: serde_json::Map<String, Value> = parsed
        .into_iter()
        .filter(|(key, _)| owned.contains(key))
        .collect();
    // serde_json's maps are sorted, so the text is canonical.
    let canonical = serde_json::to_string(&Value::Object(mine)).ok()?;
    Some(format!("owned:{}", sha256_hex(canonical.as_bytes())))
}

/// The top-level entries of a block-style YAML mapping: (key, its lines).
fn top_level_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let continues = line.starts_with([' ', '\t']);
        if continues {
            if let Some((_, raw)) = current.as_mut() {
                raw.push_str(line);
            }
            continue;
        }
        blocks.extend(current.take());
        let bare = line.trim_end();
        if bare.is_empty() || bare.starts_with(['#', '-', '.']) {
            continue;
        }
        current = Some((entry_key(line), line.to_string()));
    }
    blocks.extend(current);
    blocks
}

/// The key of an entry's first line, unquoted.
fn entry_key(line: &str) -> String {
    let key = if let Some(rest) = line.strip_prefix('"') {
        rest.split('"').next().unwrap_or_default()
    } else if let Some(rest) = line.strip_prefix('\'') {
        rest.split('\'').next().unwrap_or_default()
    } else {
        line.split(':').next().unwrap_or_default()
    };
    key.trim().to_string()
}

/// The SHA-256 of `bytes` in lowercase hex, as the manifest records files.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUED: &str = "# Stack dev: generated.\nconfig:\n  aws:region: \"us-east-1\"\n";

    fn owned() -> Vec<String> {
        vec!["config".to_string()]
    }

    #[test]
    fn pulumi_keys_are_found_with_their_lines_and_put_back_before_config() {
        let on_disk = "# Stack dev: generated.\nsecretsprovider: awskms://alias/x?region=us-east-1\n\
             encryptedkey: AQICAHh+abc==\nconfig:\n  aws:region: \"us-east-1\"\n";
        let foreign = foreign_entries(on_disk, &owned()).unwrap();
        assert_eq!(
            foreign,
            [
                "secretsprovider: awskms://alias/x?region=us-east-1\n",
                "encryptedkey: AQICAHh+abc==\n"
            ]
        );
        assert_eq!(with_foreign(ISSUED, &foreign), on_disk);
    }

    #[test]
    fn the_fingerprint_ignores_layout_comments_and_foreign_keys_but_not_values() {
        let rewritten = "encryptionsalt: v1:abc\nconfig:\n  aws:region: us-east-1\n";
        assert_eq!(
            fingerprint(ISSUED, &owned()),
            fingerprint(rewritten, &owned())
        );
        let edited = "config:\n  aws:region: eu-west-1\n";
        assert_ne!(fingerprint(ISSUED, &owned()), fingerprint(edited, &owned()));
        assert_eq!(fingerprint("- a list\n", &owned()), None);
    }

    #[test]
    fn an_entry_whose_lines_do_not_stand_alone_is_kept_as_json() {
        let on_disk = "config: {a: 1}\nenvironment: &e\n  - one\nother: *e\n";
        let foreign = foreign_entries(on_disk, &owned()).unwrap();
        assert_eq!(
            foreign,
            ["environment: &e\n  - one\n", "\"other\": [\"one\"]\n"]
        );
    }
}
