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
