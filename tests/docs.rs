//! The project's own documents link only to files that exist in the repository, so a link
//! works wherever the repository is (a clone, a packaged crate's README on a registry page).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Relative link targets of a Markdown text: `[text](target)`, without `#anchor`.
fn relative_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            links.push(target.to_string());
        }
    }
    links
}

#[test]
fn documents_link_only_to_files_in_the_repository() {
    for doc in ["README.md", "ARCHITECTURE.md", "docs/spec.md"] {
        let path = root().join(doc);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: {e}"));
        let base = path.parent().unwrap_or(Path::new("."));
        for link in relative_links(&text) {
            let target = base.join(&link);
            assert!(
                target.exists(),
                "{doc} links to {link}, which does not exist"
            );
            let inside = target
                .canonicalize()
                .is_ok_and(|t| t.starts_with(root().canonicalize().unwrap()));
            assert!(inside, "{doc} links to {link}, outside the repository");
        }
    }
}

#[test]
fn the_spec_doc_documents_the_fields_iacgen_added() {
    let text = std::fs::read_to_string(root().join("docs/spec.md")).unwrap();
    for field in [
        "repository.spec_file",
        "repository.iacgen",
        "backend.s3.key_prefix",
        "…replicas",
        "…capacity",
        "eks.public_access_cidrs",
    ] {
        assert!(
            text.contains(&format!("`{field}`")),
            "docs/spec.md lacks {field}"
        );
    }
    assert!(text.contains("int 1–65535"));
}

// ---------------------------------------------------------------------------------------------
// docs/spec.md against the JSON schema (`iacgen schema`, which tests/schema.rs checks against
// the decoder): every field the reference names exists, and every field that exists is named.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every field path of the schema (`eks.node_pools.*.capacity`; `*` for a map's names), with its
/// node. A per-environment value's map of environments is not a field; list items' fields are
/// fields of the list.
fn schema_fields() -> BTreeMap<String, Value> {
    fn walk(node: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
        let join = |name: &str| {
            if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (name, child) in props {
                out.insert(join(name), child.clone());
                walk(child, &join(name), out);
            }
        }
        if let Some(child) = node.get("additionalProperties").filter(|v| v.is_object()) {
            out.insert(join("*"), child.clone());
            walk(child, &join("*"), out);
        }
        if let Some(items) = node.get("items") {
            walk(items, path, out);
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for alt in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                // The per-environment form: environment names, not fields.
                let per_env = alt
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.starts_with("Values by environment"));
                if !per_env {
                    walk(alt, path, out);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&iacgen::spec::schema(), "", &mut out);
    out
}

/// The rows of docs/spec.md's field tables: each field path the first column names (written
/// out: `…x` continues the last `<name>` row, `.x` is a sibling of the cell's first path;
/// `<name>` is `*`) with the whole row's text.
fn documented_fields() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("docs/spec.md")).unwrap();
    let mut rows = Vec::new();
    let mut base = String::new();
    for line in text.lines() {
        let Some(cell) = line.strip_prefix("| `") else {
            continue;
        };
        let cell = cell.split(" | ").next().unwrap_or("");
        let mut first: Option<String> = None;
        for name in cell.split('`').skip_while(|s| s.is_empty()).step_by(2) {
            let path = if let Some(rest) = name.strip_prefix('…') {
                format!("{base}.{rest}")
            } else if let Some(rest) = name.strip_prefix('.') {
                let parent = first
                    .as_deref()
                    .and_then(|f| f.rsplit_once('.'))
                    .map_or("", |(p, _)| p);
                format!("{parent}.{rest}")
            } else {
                name.to_string()
            };
            let path: Vec<String> = path
                .split('.')
                .map(|s| {
                    if s.starts_with('<') {
                        "*".to_string()
                    } else {
                        s.to_string()
                    }
                })
                .collect();
            let path = path.join(".");
            if first.is_none() {
                first = Some(path.clone());
                if path.ends_with(".*") {
                    base = path.clone();
                }
            }
            rows.push((path, line.to_string()));
        }
    }
    rows
}

/// Whether a documented path names a schema path: the doc's `<name>` (`*`) stands for any name,
/// a map's (`*`) or a fixed set's (the subnet tiers).
fn names(doc: &str, schema: &str) -> bool {
    let doc: Vec<&str> = doc.split('.').collect();
    let schema: Vec<&str> = schema.split('.').collect();
    doc.len() == schema.len() && doc.iter().zip(&schema).all(|(d, s)| d == s || *d == "*")
}

/// Whether the schema field takes one value or a map of environments.
fn is_per_env(node: &Value) -> bool {
    node.get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|alt| {
            alt.get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.starts_with("Values by environment"))
        })
}

#[test]
fn every_field_the_spec_doc_names_exists() {
    let fields = schema_fields();
    let rows = documented_fields();
    assert!(rows.len() > 40, "the tables were not read: {rows:?}");
    // A field the spec rejects on purpose, documented as rejected.
    let rejected = ["secrets.*.value"];
    for (path, row) in &rows {
        assert!(
            fields.keys().any(|f| names(path, f)) || rejected.contains(&path.as_str()),
            "docs/spec.md names `{path}`, which the schema does not have:\n{row}"
        );
    }
}

/// The type column says "per-env" exactly for the fields that take a value per environment.
#[test]
fn the_spec_doc_says_which_fields_are_per_environment() {
    let fields = schema_fields();
    for (path, row) in documented_fields() {
        let Some(node) = fields.get(&path) else {
            continue;
        };
        let kind = row.split(" | ").nth(1).unwrap_or("");
        assert_eq!(
            kind.starts_with("per-env"),
            is_per_env(node),
            "docs/spec.md's type of `{path}` ({kind}) is wrong about per-environment values"
        );
    }
}

#[test]
fn every_field_of_the_schema_is_in_the_spec_doc() {
    let rows = documented_fields();
    let named: BTreeSet<&str> = rows.iter().map(|(p, _)| p.as_str()).collect();
    let mut missing = Vec::new();
    for path in schema_fields().keys() {
        let documented = named.iter().any(|doc| names(doc, path));
        // A section or table is documented by its fields' rows.
        let parent = named.iter().any(|doc| {
            let depth = path.split('.').count();
            doc.split('.').count() > depth
                && names(
                    &doc.split('.').take(depth).collect::<Vec<_>>().join("."),
                    path,
                )
        });
        if path.ends_with('*') || documented || parent {
            continue;
        }
        // Or listed in the row of an enclosing field (`{account_id?, region?, tags?}`).
        let name = path.rsplit('.').next().unwrap_or(path);
        let in_parent_row = rows.iter().any(|(p, row)| {
            let depth = p.split('.').count();
            path.split('.').count() > depth
                && names(
                    p,
                    &path.split('.').take(depth).collect::<Vec<_>>().join("."),
                )
                && row
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|word| word == name)
        });
        if !in_parent_row {
            missing.push(path.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "docs/spec.md does not document these fields of the schema:\n{}",
        missing.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// README's commands against `iacgen <command> --help`.

const COMMANDS: [&str; 8] = [
    "generate",
    "diff",
    "plan",
    "validate",
    "init",
    "schema",
    "graph",
    "completions",
];

/// A command's long flags, and the values of each flag that lists them.
fn help_flags(command: &str) -> BTreeMap<String, Vec<String>> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args([command, "--help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "iacgen {command} --help failed");
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    let mut flags = BTreeMap::new();
    for line in help.lines() {
        let line = line.trim_start();
        let line = line
            .strip_prefix("-q, ")
            .or_else(|| line.strip_prefix("-o, "))
            .unwrap_or(line);
        let Some(rest) = line.strip_prefix("--") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let values = line
            .split("[possible values: ")
            .nth(1)
            .and_then(|v| v.split(']').next())
            .map(|v| v.split(", ").map(str::to_string).collect())
            .unwrap_or_default();
        flags.insert(format!("--{name}"), values);
    }
    flags
}

/// Inline code spans and the lines of fenced code blocks.
fn code_snippets(text: &str) -> Vec<String> {
    let mut snippets = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            snippets.push(line.to_string());
        } else {
            snippets.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    snippets
}

/// `(command, flag, value)` for each flag README gives an iacgen command, in `iacgen CMD ...` or
/// in a snippet that starts with the command (`validate --format json`); a pipe, `&&`, `;` or a
/// comment ends the command.
fn readme_flags(text: &str) -> Vec<(String, String, Option<String>)> {
    let mut found = Vec::new();
    for snippet in code_snippets(text) {
        let words: Vec<&str> = snippet.split_whitespace().collect();
        let mut command: Option<&str> = None;
        for (i, word) in words.iter().enumerate() {
            if ["|", "&&", ";", "#", "||"].contains(word) {
                command = None;
                continue;
            }
            let starts = i == 0 || words[i - 1] == "iacgen";
            if starts && COMMANDS.contains(word) {
                command = Some(word);
                continue;
            }
            let Some(command) = command else { continue };
            if let Some(flag) = word.strip_prefix("--") {
                let (flag, inline) = match flag.split_once('=') {
                    Some((f, v)) => (f, Some(v)),
                    None => (flag, None),
                };
                let flag: String = flag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let value = inline.or(words.get(i + 1).copied()).map(str::to_string);
                found.push((command.to_string(), format!("--{flag}"), value));
            }
        }
    }
    found
}

#[test]
fn every_flag_the_readme_gives_a_command_exists() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let helps: BTreeMap<&str, BTreeMap<String, Vec<String>>> =
        COMMANDS.iter().map(|c| (*c, help_flags(c))).collect();
    let found = readme_flags(&text);
    assert!(
        found.len() > 20,
        "README's commands were not read: {found:?}"
    );
    for (command, flag, value) in found {
        let flags = &helps[command.as_str()];
        let Some(values) = flags.get(&flag) else {
            panic!(
                "README gives `iacgen {command} {flag}`, which `iacgen {command} --help` does \
                 not list ({})",
                flags.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        };
        // `--format json|github`: each value one the command takes.
        if let (false, Some(value)) = (values.is_empty(), value) {
            for v in value.split('|') {
                let v = v.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                assert!(
                    values.iter().any(|known| known == v),
                    "README gives `iacgen {command} {flag} {v}`; its values are {}",
                    values.join(", ")
                );
            }
        }
    }
}

#[test]
fn every_command_the_readme_lists_exists() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    for snippet in code_snippets(&text) {
        let words: Vec<&str> = snippet.split_whitespace().collect();
        for (i, pair) in words.windows(2).enumerate() {
            // A command line, not output that mentions iacgen.
            let runs = i == 0 || ["$", "|", "&&", ";", "(cd"].contains(&words[i - 1]);
            if runs && pair[0] == "iacgen" && pair[1].chars().all(|c| c.is_ascii_lowercase()) {
                let command = pair[1];
                assert!(
                    help.lines()
                        .any(|l| l.trim_start().starts_with(&format!("{command} "))),
                    "README runs `iacgen {command}`, which `iacgen --help` does not list"
                );
            }
        }
    }
}

/// The complete examples the documents show (a YAML block starting `version: 1` with a
/// `project`) are valid specs, as of today's EKS calendar.
#[test]
fn the_documents_complete_examples_are_valid_specs() {
    let mut checked = 0;
    for doc in ["README.md", "docs/spec.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let mut block: Option<String> = None;
        for line in text.lines() {
            match (&mut block, line.trim_start()) {
                (None, "```yaml") => block = Some(String::new()),
                (Some(b), "```") => {
                    // Not a kept-values file, which also starts with `version: 1`.
                    if b.starts_with("version: 1") && b.contains("\nproject:") {
                        checked += 1;
                        if let Err(e) = iacgen::spec::load_str(b, iacgen::spec::Format::Yaml, doc) {
                            panic!("{doc}'s example is not a valid spec:\n{e}\n{b}");
                        }
                    }
                    block = None;
                }
                (Some(b), _) => {
                    b.push_str(line);
                    b.push('\n');
                }
                _ => {}
            }
        }
    }
    assert!(checked > 0, "no complete example found");
}

/// Every command `iacgen --help` lists is in README (and is one the flag check above reads).
#[test]
fn every_command_is_in_the_readme() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(
        commands, COMMANDS,
        "tests/docs.rs's COMMANDS is out of date"
    );
    for command in commands {
        assert!(
            text.contains(&format!("iacgen {command} ")),
            "README never shows `iacgen {command}`"
        );
    }
}
