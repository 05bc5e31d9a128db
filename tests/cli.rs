//! The command line as a user runs it: exit codes, messages, what lands on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iacgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run iacgen")
}

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn generate_writes_modules_and_one_root_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let o = iacgen(&[
        "generate",
        &example("platform.yaml"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let written = files(&out);
    for env in ["dev", "staging", "prod"] {
        for file in [
            "main.tf",
            "providers.tf",
            "backend.tf",
            "versions.tf",
            "variables.tf",
            "outputs.tf",
            "terraform.tfvars",
            "terraform.tfvars.example",
        ] {
            let path = format!("environments/{env}/{file}");
            assert!(written.contains(&path), "missing {path} in {written:?}");
        }
    }
    assert!(written.contains(&"modules/network/main.tf".to_string()));
    assert!(text(&o.stdout).contains("created"));

    // A second run changes nothing.
    let o = iacgen(&[
        "generate",
        &example("platform.yaml"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(
        text(&o.stdout).contains("0 created, 0 changed, 0 removed"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn a_bad_spec_exits_1_names_the_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    let original = fs::read_to_string(example("platform.yaml")).unwrap();
    fs::write(&spec, original.replace("memory: 1024", "memory: 8192")).unwrap();
    let out = dir.path().join("infra");
    let o = iacgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("bad.yaml:"), "{err}");
    assert!(err.contains("ecs.services.api.memory"), "{err}");
    assert!(!out.exists(), "nothing may be written for a bad spec");

    let o = iacgen(&["validate", spec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn validate_accepts_every_example() {
    for entry in fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "toml" || e == "json")
        {
            let o = iacgen(&["validate", path.to_str().unwrap()]);
            assert!(
                o.status.success(),
                "{}: {}",
                path.display(),
                text(&o.stderr)
            );
        }
    }
}

#[test]
fn diff_exit_codes_follow_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let out_s = out.to_str().unwrap();
    let spec = example("minimal.yaml");

    // Nothing generated yet: everything is new.
    let o = iacgen(&["diff", &spec, "--out", out_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("+++ b/environments/dev/main.tf"));

    assert!(
        iacgen(&["generate", &spec, "--out", out_s])
            .status
            .success()
    );
    let o = iacgen(&["diff", &spec, "--out", out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // A hand edit shows up as such, and generate refuses to overwrite it.
    let tfvars = out.join("environments/dev/terraform.tfvars");
    let edited = fs::read_to_string(&tfvars)
        .unwrap()
        .replace("10.0.0.0/20", "10.9.0.0/20");
    fs::write(&tfvars, &edited).unwrap();
    let o = iacgen(&["diff", &spec, "--out", out_s]);
    assert_eq!(o.status.code(), Some(2));
    let shown = text(&o.stdout);
    assert!(shown.contains("edited by hand"), "{shown}");
    assert!(
        shown.contains("-vpc_cidr") || shown.contains("10.9.0.0/20"),
        "{shown}"
    );

    let o = iacgen(&["diff", &spec, "--out", out_s, "--stat"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("environments/dev/terraform.tfvars"));

    let o = iacgen(&["generate", &spec, "--out", out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("environments/dev/terraform.tfvars"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(&tfvars).unwrap(),
        edited,
        "the edit must survive"
    );

    let o = iacgen(&["generate", &spec, "--out", out_s, "--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!fs::read_to_string(&tfvars).unwrap().contains("10.9.0.0/20"));
}

#[test]
fn regenerating_removes_files_iacgen_no_longer_produces_and_keeps_others() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let out_s = out.to_str().unwrap();
    let two_envs = dir.path().join("two.yaml");
    let minimal = fs::read_to_string(example("minimal.yaml")).unwrap();
    fs::write(
        &two_envs,
        minimal.replace("  dev: {}", "  dev: {}\n  qa: {}"),
    )
    .unwrap();
    assert!(
        iacgen(&["generate", two_envs.to_str().unwrap(), "--out", out_s])
            .status
            .success()
    );
    assert!(out.join("environments/qa/main.tf").exists());
    fs::write(out.join("environments/notes.md"), "mine").unwrap();

    let o = iacgen(&["generate", &example("minimal.yaml"), "--out", out_s]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("removed   environments/qa/main.tf"));
    assert!(!out.join("environments/qa").exists());
    assert_eq!(
        fs::read_to_string(out.join("environments/notes.md")).unwrap(),
        "mine"
    );
}

#[test]
fn help_explains_every_command_with_an_example() {
    for cmd in ["generate", "validate", "diff"] {
        let o = iacgen(&[cmd, "--help"]);
        assert!(o.status.success());
        assert!(
            text(&o.stdout).contains("Example"),
            "{cmd} --help has no example"
        );
    }
}

#[test]
fn warnings_are_printed_with_their_place_by_validate_and_generate() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    let text_of_example = fs::read_to_string(example("platform.yaml")).unwrap();
    // desired below the autoscaling minimum: valid, but said.
    let line = "      desired: { dev: 1, staging: 3, prod: 3 }";
    assert!(text_of_example.contains(line));
    fs::write(
        &spec,
        text_of_example.replace(line, "      desired: { dev: 1, staging: 2, prod: 3 }"),
    )
    .unwrap();
    let line_no = text_of_example.lines().position(|l| l == line).unwrap() + 1;
    let spec_arg = spec.to_str().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["validate", spec_arg],
        vec!["generate", spec_arg, "--out", out.to_str().unwrap()],
    ] {
        let o = iacgen(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let stderr = text(&o.stderr);
        let expected = format!(
            "{spec_arg}:{line_no}:35: warning: ecs.services.api.desired.staging: in staging: \
             desired 2 is below autoscaling min 3"
        );
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(!text(&o.stdout).contains("warning"), "{args:?}");
    }
}
