//! Shared by the integration tests: the example specs, finding the offline tools, and running a
//! generated Pulumi program under Pulumi's mocks (`pulumi-check --json`).

// Each test crate uses only some of these.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/tools` (or `$IACGEN_TOOLS`) when it has `pulumi-check`, `tf-plan` and the Pulumi
/// SDKs. Outside CI a missing toolset skips the test with a note; in CI it fails.
pub fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"));
    let sdk_ready = dir.join("node_modules/.bin/pyright").exists();
    if dir.join("bin/tf-plan").is_file() && dir.join("bin/pulumi-check").is_file() && sdk_ready {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs the tools (with Pulumi) at {}",
        dir.display()
    );
    eprintln!(
        "note: tools with Pulumi not found at {}; skipping",
        dir.display()
    );
    None
}

/// `../shared/tools` (or `$IACGEN_TOOLS`) when it has `tf-plan` and the stub AWS provider
/// (no Pulumi needed). Outside CI a missing toolset skips the test with a note; in CI it fails.
pub fn terraform_tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"));
    let ready =
        dir.join("bin/tf-plan").is_file() && dir.join("stub-aws-provider/terraformrc").is_file();
    if ready {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the Terraform tools are needed in CI: {} (run its setup.sh, or set IACGEN_TOOLS)",
        dir.display()
    );
    eprintln!("note: no Terraform tools under {}; skipping", dir.display());
    None
}

/// Every example spec (`examples/*.yaml`, `.toml`, `.json`), sorted.
pub fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "toml" || e == "json")
        })
        .collect();
    specs.sort();
    specs
}

pub fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Generates the Pulumi program of `platform` and runs every stack under Pulumi's mocks (no
/// type check): the `pulumi-check --json` report.
pub fn mock_run(tools: &Path, platform: &iacgen::model::Platform) -> Value {
    let pulumi = iacgen::render_pulumi(platform).unwrap_or_else(|p| panic!("{p:?}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let project = dir.path().join(iacgen::pulumi::DIR);
    iacgen::tree::write(&pulumi, &project).unwrap_or_else(|e| panic!("{e}"));
    let report = dir.path().join("pulumi.json");
    run(Command::new(tools.join("bin/pulumi-check"))
        .arg(&project)
        .args(["--checker", "none", "-q", "--json"])
        .arg(&report));
    read_json(&report)
}

/// The custom (cloud) resources that stack `env` registered, each with `type`, `name`,
/// `parent` and `inputs`.
pub fn resources<'a>(report: &'a Value, env: &str) -> Vec<&'a Value> {
    let stack = report["stacks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["stack"] == env)
        .unwrap_or_else(|| panic!("no stack {env} in the pulumi-check report"));
    stack["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["custom"] == true)
        .collect()
}

/// What happens to each address by iacgen's `plan --json` report: `create`, `import`,
/// `no-op`, `update`, `replace`, `forget` (not managed, kept by a written `removed` block) or
/// `delete`, with ` (moved)` for a move.
pub fn iacgen_actions(report: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        let action = match r["action"].as_str() {
            Some("create") if r["held_inline"] == true => "import",
            Some("create") => "create",
            Some("unchanged") => "no-op",
            Some("drifted") => "update",
            Some("replace") => "replace",
            other => panic!("unknown action {other:?} in {r}"),
        };
        let moved = if r["moved"] == true { " (moved)" } else { "" };
        out.insert(address_of(r), format!("{action}{moved}"));
    }
    let removed: Vec<&str> = report["removed"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for u in report["not_managed"].as_array().into_iter().flatten() {
        let address = address_of(u);
        // `removed` blocks name resources and module calls without instance keys.
        let bare = without_keys(&address);
        let kept = removed
            .iter()
            .any(|r| bare == *r || bare.strip_prefix(r).is_some_and(|s| s.starts_with('.')));
        let action = if kept { "forget" } else { "delete" };
        out.insert(address, action.to_string());
    }
    out
}

/// `module.a["x"].aws_b.c[0]` → `module.a.aws_b.c`.
fn without_keys(address: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut quoted, mut escaped) = (0, false, false);
    for c in address.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn address_of(v: &Value) -> String {
    v["address"]
        .as_str()
        .unwrap_or_else(|| panic!("no address in {v}"))
        .to_string()
}

/// The same from Terraform's plan (`terraform show -json`). An object being imported is
/// `import` whatever the action: the offline stub provider imports an object as its ID alone
/// (every other attribute null), so it plans an imported route as a replacement that the AWS
/// provider, which reads the route back, does not plan.
pub fn terraform_actions(plan: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        if rc["mode"] != "managed" {
            continue;
        }
        let actions: Vec<&str> = rc["change"]["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let action = match actions.as_slice() {
            _ if rc["change"]["importing"].is_object() => "import",
            ["create"] => "create",
            ["no-op"] => "no-op",
            ["update"] => "update",
            ["delete"] => "delete",
            ["forget"] => "forget",
            [_, _] => "replace",
            other => panic!("unexpected actions {other:?} for {}", rc["address"]),
        };
        let moved = if rc["previous_address"].is_string() {
            " (moved)"
        } else {
            ""
        };
        out.insert(address_of(rc), format!("{action}{moved}"));
    }
    out
}

/// Asserts that iacgen's report (`plan --json`) and Terraform's plan say the same of every
/// address, and that the counts iacgen's summary prints are Terraform's: adopted (moved),
/// imported, updated in place, replaced, created, unchanged, kept outside (forgotten) and
/// destroyed.
pub fn assert_iacgen_counts_are_terraforms(report: &Value, plan: &Value, context: &str) {
    let ours = iacgen_actions(report);
    let theirs = terraform_actions(plan);
    let differ: Vec<String> = ours
        .keys()
        .chain(theirs.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|a| ours.get(*a) != theirs.get(*a))
        .map(|a| {
            format!(
                "{a}: iacgen {}, terraform {}",
                ours.get(a).map_or("-", String::as_str),
                theirs.get(a).map_or("-", String::as_str)
            )
        })
        .collect();
    assert!(differ.is_empty(), "{}\n\n{context}", differ.join("\n"));
    let tally = |actions: &std::collections::BTreeMap<String, String>, what: &str| {
        actions
            .values()
            .filter(|a| a.split(' ').next() == Some(what))
            .count()
    };
    let moved = theirs.values().filter(|a| a.ends_with("(moved)")).count();
    let s = &report["summary"];
    let printed = |key: &str| s[key].as_u64().unwrap_or(u64::MAX) as usize;
    let forgotten = tally(&theirs, "forget");
    assert_eq!(
        [
            ("moved", printed("moved")),
            ("import", printed("import")),
            ("update", printed("drifted")),
            ("replace", printed("replace")),
            ("create", printed("create")),
            ("no-op", printed("unchanged")),
            ("forget + delete", printed("not_managed")),
        ],
        [
            ("moved", moved),
            ("import", tally(&theirs, "import")),
            ("update", tally(&theirs, "update")),
            ("replace", tally(&theirs, "replace")),
            ("create", tally(&theirs, "create")),
            ("no-op", tally(&theirs, "no-op")),
            ("forget + delete", forgotten + tally(&theirs, "delete")),
        ],
        "iacgen's summary (left) and Terraform's plan (right)\n\n{context}"
    );
}
