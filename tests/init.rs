//! `iacgen init` and a fresh repository: the starter spec, then `generate` gives a repository a
//! team could push as is. Also `--help` and shell completions of every command.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iacgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run iacgen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_errors(spec_yaml: &str) -> Vec<String> {
    let schema = iacgen::spec::schema();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let instance: Value = serde_saphyr::from_str(spec_yaml).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn init_writes_a_starter_spec_and_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("Payments Infra");
    let o = iacgen(
        dir.path(),
        &["init", "Payments Infra", "--region", "eu-west-1"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("iacgen generate platform.yaml --out ."));

    let spec = fs::read_to_string(repo.join("platform.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=platform.schema.json\n"));
    let platform = iacgen::spec::load_file(&repo.join("platform.yaml")).unwrap();
    assert_eq!(
        platform.project, "payments-infra",
        "named after the directory"
    );
    assert_eq!(
        platform.region.get("dev").map(String::as_str),
        Some("eu-west-1")
    );
    assert!(schema_errors(&spec).is_empty());

    let schema: Value =
        serde_json::from_str(&fs::read_to_string(repo.join("platform.schema.json")).unwrap())
            .unwrap();
    assert_eq!(schema, iacgen::spec::schema());
}

#[test]
fn init_never_overwrites_a_spec() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("platform.yaml"), "version: 1\n# mine\n").unwrap();
    let o = iacgen(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("already exists"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("platform.yaml")).unwrap(),
        "version: 1\n# mine\n"
    );
    assert!(
        !dir.path().join("platform.schema.json").exists(),
        "wrote something anyway"
    );

    // Bad options: nothing written either.
    let o = iacgen(dir.path(), &["init", "new", "--project", "Bad_Name"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--project"), "{}", text(&o.stderr));
    assert!(!dir.path().join("new").exists());
}

#[test]
fn every_commented_section_of_the_starter_is_valid_when_uncommented() {
    let commented = iacgen::init::starter("payments", "us-east-1").unwrap();
    let full = iacgen::scaffold::starter_spec(
        "payments",
        "us-east-1",
        "platform.yaml",
        "platform.schema.json",
        false,
    );
    // The two differ only by the `# ` in front of the optional lines.
    let (a, b): (Vec<&str>, Vec<&str>) = (commented.lines().collect(), full.lines().collect());
    assert_eq!(a.len(), b.len());
    let mut uncommented = 0;
    for (c, f) in a.iter().zip(&b) {
        if c != f {
            assert_eq!(*c, format!("# {f}"));
            uncommented += 1;
        }
    }
    assert!(uncommented > 30, "only {uncommented} optional lines");
    // Every section of the spec is there.
    for section in [
        "tags",
        "tag_policy",
        "backend",
        "environments",
        "network",
        "eks",
        "ecs",
        "secrets",
        "observability",
        "repository",
    ] {
        assert!(full.contains(&format!("\n{section}:")), "no {section}");
    }
    let platform = iacgen::spec::load_str(&full, iacgen::spec::Format::Yaml, "platform.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(platform.backend.is_some() && platform.eks.is_some() && platform.ecs.is_some());
    assert!(
        schema_errors(&full).is_empty(),
        "{:?}",
        schema_errors(&full)
    );
    iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
}

/// `.ci/validate-tree` (../shared/tools): HCL, fmt, schema, config, validate, plan, checkov.
fn validate_tree(dir: &Path) {
    let tools = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/tools"));
    let venv = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/iacgen-tools/venv"));
    let installed = tools.join("bin/validate-tree").exists()
        && (std::env::var_os("TF_TOOLS_VENV").is_some() || venv.is_some_and(|v| v.exists()));
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/tools is needed in CI"
        );
        eprintln!("note: ../shared/tools not installed; skipping validate-tree");
        return;
    }
    let o = Command::new(root().join(".ci/validate-tree"))
        .arg(dir)
        .env("IACGEN_TOOLS", &tools)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn init_then_generate_gives_a_complete_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert!(
        iacgen(repo, &["init", "--project", "shop"])
            .status
            .success()
    );
    let o = iacgen(repo, &["generate", "platform.yaml", "--out", "."]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for file in [
        "README.md",
        ".gitignore",
        ".tflint.hcl",
        ".pre-commit-config.yaml",
        ".terraform-docs.yml",
        ".github/workflows/terraform.yml",
        "modules/network/README.md",
        "environments/dev/main.tf",
        "environments/dev/terraform.tfvars",
    ] {
        assert!(repo.join(file).is_file(), "no {file}");
    }
    // The spec and the code agree, as the workflow's `iacgen diff` step checks.
    let o = iacgen(repo, &["diff", "platform.yaml", "--out", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // No backend yet: CI plans but does not apply.
    let workflow = fs::read_to_string(repo.join(".github/workflows/terraform.yml")).unwrap();
    assert!(!workflow.contains("terraform apply"));
    // .ci/run puts this repository through validate-tree; the full starter below covers the
    // same code and more, here.
}

/// Every section of the starter enabled: the Terraform passes validate-tree.
#[test]
fn the_full_starter_generates_a_valid_repository() {
    let dir = tempfile::tempdir().unwrap();
    let full = iacgen::scaffold::starter_spec(
        "shop",
        "eu-west-1",
        "platform.yaml",
        "platform.schema.json",
        false,
    );
    fs::write(dir.path().join("platform.yaml"), full).unwrap();
    let o = iacgen(dir.path(), &["generate", "platform.yaml", "--out", "."]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let workflow = fs::read_to_string(dir.path().join(".github/workflows/terraform.yml")).unwrap();
    assert!(workflow.contains("environment: prod"));
    validate_tree(dir.path());
}

fn subcommands() -> Vec<String> {
    let o = iacgen(&root(), &["--help"]);
    let help = text(&o.stdout);
    help.split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_explains_itself_with_an_example() {
    let commands = subcommands();
    for expected in [
        "generate",
        "diff",
        "validate",
        "init",
        "schema",
        "completions",
    ] {
        assert!(
            commands.iter().any(|c| c == expected),
            "{expected} in {commands:?}"
        );
    }
    assert!(text(&iacgen(&root(), &["--help"]).stdout).contains("Example"));
    for command in commands {
        let o = iacgen(&root(), &[&command, "--help"]);
        assert!(o.status.success());
        let help = text(&o.stdout);
        assert!(
            help.contains("Example"),
            "{command} --help has no example:\n{help}"
        );
        assert!(
            help.contains(&format!("iacgen {command}")),
            "{command}: {help}"
        );
    }
}

#[test]
fn completions_cover_every_command_in_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let o = iacgen(&root(), &["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let script = text(&o.stdout);
        for command in [
            "generate",
            "diff",
            "validate",
            "init",
            "schema",
            "completions",
        ] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
    let bash = text(&iacgen(&root(), &["completions", "bash"]).stdout);
    assert!(bash.contains("complete -F"), "not a bash completion script");
    let o = iacgen(&root(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(1), "unknown shell is a usage error");
}
