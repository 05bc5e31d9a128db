//! The committed output of `examples/platform.yaml` is current: its `modules/` and
//! `environments/` at the top level of this repository (DESIGN.md's layout), the generated
//! repository's root files and the Pulumi project under `reference/` (`scripts/reference.sh`
//! writes both); and a Rust program building the same model gets the same bytes.

#[path = "../examples/platform.rs"]
mod platform_example;

use iacgen::tree::Tree;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where the reference output lives: not the crate root, whose README.md and .gitignore are
/// the crate's own.
fn reference() -> PathBuf {
    root().join("reference")
}

/// The top-level directories that hold the generated Terraform code itself.
const TOP_LEVEL: [&str; 2] = ["modules/", "environments/"];

/// Where a generated file is committed: the Terraform code at the top level, the rest under
/// `reference/`.
fn committed_path(path: &str) -> PathBuf {
    if TOP_LEVEL.iter().any(|dir| path.starts_with(dir)) {
        root().join(path)
    } else {
        reference().join(path)
    }
}

fn render_spec(path: &Path) -> Tree {
    let platform = iacgen::spec::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"))
}

/// Both targets, as `generate` writes them side by side into one directory.
fn render_both(path: &Path) -> Tree {
    let platform = iacgen::spec::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    let mut tree = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let pulumi = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    for (path, contents) in pulumi.iter() {
        tree.insert(
            format!("{}/{path}", iacgen::pulumi::DIR),
            contents.to_string(),
        );
    }
    tree
}

fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The generated workflow installs, and the generated README names, the commit of the iacgen
/// that generated them (`model::BUILD_COMMIT`), which changes with every commit of this
/// repository, the one that commits the reference output included. So the commit after
/// `--rev ` and in `IACGEN_REF: "..."` is compared as a placeholder; everything else, the
/// action pins included, byte for byte.
fn without_build_commit(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["--rev ", "IACGEN_REF: \""]
        .iter()
        .filter_map(|marker| rest.find(marker).map(|i| i + marker.len()))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let hex = rest.chars().take_while(char::is_ascii_hexdigit).count();
        if hex == 40 {
            out.push_str("<commit>");
            rest = &rest[hex..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_build_commit_is_the_only_placeholder() {
    let sha = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(
        without_build_commit(&format!(
            "a --rev {sha} b\nIACGEN_REF: \"{sha}\"\nuses: x@{sha}"
        )),
        format!("a --rev <commit> b\nIACGEN_REF: \"<commit>\"\nuses: x@{sha}")
    );
    assert_eq!(without_build_commit("--rev abc"), "--rev abc");
}

#[test]
fn committed_reference_output_is_current() {
    let tree = render_both(&root().join("examples/platform.yaml"));
    let mut stale = Vec::new();
    for (path, contents) in tree.iter() {
        match std::fs::read_to_string(committed_path(path)) {
            Ok(on_disk) if without_build_commit(&on_disk) == without_build_commit(contents) => {}
            Ok(_) => stale.push(format!("changed: {path}")),
            Err(_) => stale.push(format!("missing: {path}")),
        }
    }
    let mut on_disk = BTreeSet::new();
    files_under(&reference(), &reference(), &mut on_disk);
    for dir in TOP_LEVEL {
        files_under(&root().join(dir), &root(), &mut on_disk);
    }
    // The manifests are written by `generate`, not part of the rendered trees.
    on_disk.remove(iacgen::output::MANIFEST_PATH);
    on_disk.remove(&format!(
        "{}/{}",
        iacgen::pulumi::DIR,
        iacgen::output::MANIFEST_PATH
    ));
    // The spec the generated README and CI name, copied in by `generate` (not rendered): the
    // complete example itself.
    let spec_file = iacgen::model::DEFAULT_SPEC_FILE;
    if on_disk.remove(spec_file) {
        let copy = std::fs::read_to_string(reference().join(spec_file)).unwrap();
        let spec = std::fs::read_to_string(root().join("examples/platform.yaml")).unwrap();
        if copy != spec {
            stale.push(format!("changed: {spec_file}"));
        }
    } else {
        stale.push(format!("missing: {spec_file}"));
    }
    let generated: BTreeSet<String> = tree.paths().map(str::to_string).collect();
    for extra in on_disk.difference(&generated) {
        stale.push(format!("not generated any more: {extra}"));
    }
    assert!(
        stale.is_empty(),
        "the committed output (modules/, environments/, reference/) is stale; run \
         `scripts/reference.sh`\n{}",
        stale.join("\n")
    );
}

#[test]
fn rust_api_gives_the_same_bytes_as_the_spec_file() {
    let from_yaml = render_spec(&root().join("examples/platform.yaml"));
    let from_rust =
        iacgen::render(&platform_example::platform()).unwrap_or_else(|p| panic!("{p:?}"));
    let pulumi_yaml = iacgen::render_pulumi(
        &iacgen::spec::load_file(&root().join("examples/platform.yaml"))
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let pulumi_rust =
        iacgen::render_pulumi(&platform_example::platform()).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(pulumi_yaml, pulumi_rust, "the Pulumi projects differ");
    let yaml_paths: Vec<_> = from_yaml.paths().collect();
    let rust_paths: Vec<_> = from_rust.paths().collect();
    assert_eq!(yaml_paths, rust_paths);
    for (path, contents) in from_yaml.iter() {
        assert_eq!(Some(contents), from_rust.get(path), "{path} differs");
    }
}

#[test]
fn output_is_deterministic() {
    let spec = root().join("examples/platform.yaml");
    assert_eq!(render_spec(&spec), render_spec(&spec));
}
