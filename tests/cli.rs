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

    // Another spec from outside: --force replaces the copy of the first one (platform.yaml).
    let o = iacgen(&[
        "generate",
        &example("minimal.yaml"),
        "--out",
        out_s,
        "--force",
    ]);
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

/// A spec with two problems of its values, on known lines: `project` (line 2) and the CIDR (line 5).
fn bad_spec(dir: &Path) -> PathBuf {
    let spec = dir.join("bad.yaml");
    fs::write(
        &spec,
        "version: 1\nproject: Bad\nregion: us-east-1\nenvironments: {dev: {}}\n\
         network: {cidr: 10.0.0.0/8}\n",
    )
    .unwrap();
    spec
}

#[test]
fn usage_errors_exit_1_not_the_2_of_changes_found() {
    for args in [
        &["generate", "--bogus"][..],
        &["diff", &example("minimal.yaml")][..],
        &["validate", &example("minimal.yaml"), "--format", "yaml"][..],
        &[
            "diff",
            &example("minimal.yaml"),
            "--out",
            ".",
            "--format",
            "github",
        ][..],
        &["nonsense"][..],
        &[][..],
    ] {
        let o = iacgen(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("error"), "{args:?}");
    }
    for args in [&["--help"][..], &["--version"], &["diff", "--help"]] {
        let o = iacgen(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn version_names_the_package_version_and_the_commit() {
    let o = iacgen(&["--version"]);
    let version = text(&o.stdout);
    assert!(
        version.starts_with(&format!("iacgen {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(head) if head.status.success() => {
            let commit = text(&head.stdout).trim().to_string();
            assert!(version.contains(&format!("commit {commit}")), "{version}");
        }
        _ => eprintln!("note: no git checkout here; the version has no commit to check"),
    }
}

/// Runs iacgen with its standard output in a real pipe, reads one line of it and closes the
/// pipe, as `iacgen ... | head -1` does.
fn first_line_then_close(args: &[&str]) -> (String, Output) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iacgen");
    let mut first = String::new();
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    // The reader is dropped here: the pipe is closed while iacgen still has output to write.
    let output = child.wait_with_output().unwrap();
    (first, output)
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_and_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("empty");
    let out_s = out.to_str().unwrap();
    // The full diff (every generated file) is far larger than a pipe's buffer, so iacgen is
    // still writing when the reader goes.
    let full = iacgen(&["diff", &example("platform.yaml"), "--out", out_s]);
    assert!(full.stdout.len() > 1 << 17, "{}", full.stdout.len());
    for (args, code) in [
        (vec!["diff", &example("platform.yaml"), "--out", out_s], 2),
        (
            vec![
                "diff",
                &example("platform.yaml"),
                "--out",
                out_s,
                "--format",
                "json",
            ],
            2,
        ),
        (vec!["schema"], 0),
        (vec!["completions", "zsh"], 0),
        (vec!["--help"], 0),
    ] {
        let (first, o) = first_line_then_close(&args);
        assert!(!first.is_empty(), "{args:?}");
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        // Warnings about the spec (located, on stderr) are expected; nothing else is.
        assert!(
            stderr.lines().all(|l| l.contains(": warning: ")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn validate_reports_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let spec = bad_spec(dir.path());
    let o = iacgen(&["validate", spec.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problems = report["problems"].as_array().unwrap();
    let fields: Vec<(&str, u64)> = problems
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(fields, [("project", 2), ("network.cidr", 5)]);
    assert!(problems.iter().all(|p| p["column"].as_u64() > Some(0)
        && p["file"] == spec.to_str().unwrap()
        && !p["message"].as_str().unwrap().is_empty()));

    let o = iacgen(&["validate", &example("platform.yaml"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(
        report["environments"],
        serde_json::json!(["dev", "staging", "prod"])
    );
}

#[test]
fn validate_marks_the_spec_lines_for_github() {
    let dir = tempfile::tempdir().unwrap();
    let spec = bad_spec(dir.path());
    let spec_s = spec.to_str().unwrap();
    let o = iacgen(&["validate", spec_s, "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!(
            "::error file={spec_s},line=2,col=10,title=project::"
        )),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with(&format!("::error file={spec_s},line=5,")),
        "{stdout}"
    );
    // The text form names the same places.
    let plain = text(&iacgen(&["validate", spec_s]).stderr);
    assert!(
        plain.contains(&format!("{spec_s}:2:10: project:")),
        "{plain}"
    );
}

#[test]
fn diff_reports_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let out_s = out.to_str().unwrap();
    let spec = example("minimal.yaml");
    let o = iacgen(&["diff", &spec, "--out", out_s, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["changes"], true);
    let files = report["files"].as_array().unwrap();
    let main = files
        .iter()
        .find(|f| f["path"] == "environments/dev/main.tf")
        .expect("environments/dev/main.tf listed");
    assert_eq!(main["change"], "create");
    assert!(
        main["diff"]
            .as_str()
            .unwrap()
            .contains("+module \"network\"")
    );

    assert!(
        iacgen(&["generate", &spec, "--out", out_s])
            .status
            .success()
    );
    fs::write(out.join("environments/dev/main.tf"), "# mine\n").unwrap();
    let o = iacgen(&["diff", &spec, "--out", out_s, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{report:#}");
    assert_eq!(files[0]["change"], "update");
    assert_eq!(files[0]["hand_edited"], true);

    assert!(
        iacgen(&["generate", &spec, "--out", out_s, "--force"])
            .status
            .success()
    );
    let o = iacgen(&["diff", &spec, "--out", out_s, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["changes"], false);
    assert_eq!(report["files"], serde_json::json!([]));
}

#[test]
fn plan_reports_in_json_under_both_spellings_and_for_github() {
    let state = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plan/hand-written-root.tfstate");
    let state = state.to_str().unwrap();
    let spec = example("minimal.yaml");
    let base = ["plan", &spec, "--env", "dev", "--state", state];
    let json = iacgen(&[&base[..], &["--format", "json"]].concat());
    let alias = iacgen(&[&base[..], &["--json"]].concat());
    assert_eq!(json.status.code(), Some(2));
    assert_eq!(json.stdout, alias.stdout);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["environment"], "dev");
    let not_managed = report["summary"]["not_managed"].as_u64().unwrap();
    assert!(not_managed > 0);

    let both = iacgen(&[&base[..], &["--json", "--format", "text"]].concat());
    assert_eq!(both.status.code(), Some(1), "--json and --format conflict");

    let github = iacgen(&[&base[..], &["--format", "github"]].concat());
    assert_eq!(github.status.code(), Some(2));
    let stdout = text(&github.stdout);
    let notices: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::notice "))
        .collect();
    assert_eq!(notices.len(), 1, "{stdout}");
    assert!(
        notices[0].starts_with("::notice title=iacgen plan dev::"),
        "{stdout}"
    );
    let warnings = stdout
        .lines()
        .filter(|l| l.starts_with("::warning title=Terraform would destroy::"))
        .count();
    assert_eq!(warnings as u64, not_managed, "{stdout}");
}

#[test]
fn quiet_prints_nothing_and_the_exit_code_answers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let out_s = out.to_str().unwrap();
    let spec = example("minimal.yaml");
    let o = iacgen(&["diff", &spec, "--out", out_s, "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    let o = iacgen(&["-q", "generate", &spec, "--out", out_s]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    assert!(out.join("environments/dev/main.tf").exists());
    for args in [
        &["diff", &spec, "--out", out_s, "-q"][..],
        &["validate", &spec, "-q"],
        &["init", dir.path().join("new").to_str().unwrap(), "-q"],
    ] {
        let o = iacgen(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", text(&o.stdout));
    }
    // Errors still reach standard error; what was asked for still reaches standard output.
    let bad = bad_spec(dir.path());
    let o = iacgen(&["validate", bad.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("project"));
    let o = iacgen(&["validate", &spec, "-q", "--format", "json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
}

#[test]
fn progress_goes_to_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let spec = example("minimal.yaml");
    // Standard error is a pipe here, as in CI: nothing on it for a run that succeeds (the
    // second: the first notes that it copied the spec in).
    assert!(
        iacgen(&["generate", &spec, "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let o = iacgen(&["generate", &spec, "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    // On a terminal (a pseudo-terminal from util-linux `script`), it says what it is doing.
    let command = format!(
        "{} generate {spec} --out {}",
        env!("CARGO_BIN_EXE_iacgen"),
        dir.path().join("tty").display()
    );
    match Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
    {
        Ok(o) if o.status.success() => {
            let screen = text(&o.stdout);
            assert!(screen.contains("iacgen: reading"), "{screen}");
        }
        _ => {
            eprintln!("note: `script` (util-linux) is not installed; terminal progress not checked")
        }
    }
}

#[test]
fn the_spec_the_generated_files_name_is_where_they_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let out_s = out.to_str().unwrap();
    let spec = example("platform.yaml");
    let o = iacgen(&["generate", &spec, "--out", out_s]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("platform.yaml"),
        "no note of the copy"
    );
    // README and workflow name platform.yaml: it is there, and it is the spec.
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("[`platform.yaml`](platform.yaml)"));
    assert_eq!(
        fs::read_to_string(out.join("platform.yaml")).unwrap(),
        fs::read_to_string(&spec).unwrap()
    );
    // CI's own command, from the repository root, finds the code up to date.
    let ci = Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(["diff", "platform.yaml", "--out", "."])
        .current_dir(&out)
        .output()
        .unwrap();
    assert_eq!(ci.status.code(), Some(0), "{}", text(&ci.stderr));
    // Generating again from outside replaces a copy nobody edited (the example changed)...
    let changed = dir.path().join("changed.yaml");
    let example = fs::read_to_string(&spec).unwrap();
    fs::write(
        &changed,
        example.replace("Owner: platform-team", "Owner: infra-team"),
    )
    .unwrap();
    let o = iacgen(&["generate", changed.to_str().unwrap(), "--out", out_s]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        fs::read_to_string(out.join("platform.yaml"))
            .unwrap()
            .contains("infra-team")
    );
    assert!(
        iacgen(&["generate", &spec, "--out", out_s])
            .status
            .success()
    );

    // ...but not one edited since (without --force); nothing is written.
    fs::write(out.join("platform.yaml"), "# edited\n").unwrap();
    let before = files(&out);
    let o = iacgen(&["generate", &spec, "--out", out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    assert_eq!(files(&out), before);
    assert_eq!(
        fs::read_to_string(out.join("platform.yaml")).unwrap(),
        "# edited\n"
    );
    let o = iacgen(&["diff", &spec, "--out", out_s, "--stat"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stdout).contains("platform.yaml"),
        "{}",
        text(&o.stdout)
    );

    // A spec inside the output directory at another path than spec_file: refused, naming the
    // setting that fixes it.
    let inside = out.join("specs/p.yaml");
    fs::create_dir_all(inside.parent().unwrap()).unwrap();
    fs::copy(&spec, &inside).unwrap();
    let o = iacgen(&["generate", inside.to_str().unwrap(), "--out", out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("spec_file: specs/p.yaml"),
        "{}",
        text(&o.stderr)
    );
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

#[test]
fn validate_reports_structural_and_semantic_problems_in_one_run_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    // Line 6: a misspelt field (structural); line 8: a path that must be relative (semantic).
    fs::write(
        &spec,
        "version: 1\nproject: shop\nregion: eu-west-1\nenvironments:\n  dev: {}\n\
         observability: { dashbord: true }\nrepository:\n  spec_file: /etc/platform.yaml\n",
    )
    .unwrap();
    let spec_s = spec.to_str().unwrap();

    let o = iacgen(&["validate", spec_s]);
    assert_eq!(o.status.code(), Some(1));
    let plain = text(&o.stderr);
    assert!(
        plain.contains(&format!(
            "{spec_s}:6:18: observability.dashbord: unknown field"
        )),
        "{plain}"
    );
    assert!(
        plain.contains(&format!("{spec_s}:8:14: repository.spec_file: ")),
        "{plain}"
    );

    let o = iacgen(&["validate", spec_s, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fields: Vec<(&str, u64)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("observability.dashbord", 6), ("repository.spec_file", 8)]
    );

    let o = iacgen(&["validate", spec_s, "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!("::error file={spec_s},line=6,")),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with(&format!("::error file={spec_s},line=8,")),
        "{stdout}"
    );
}

/// A second generate with nothing changed compiles and writes nothing, and says so; a change
/// to the spec or to a generated file takes the full path (which still refuses a hand edit).
#[test]
fn generate_again_with_nothing_changed_writes_nothing_and_still_guards_hand_edits() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    fs::copy(example("minimal.yaml"), &spec).unwrap();
    let out = dir.path().join("infra");
    let run = || generate(&spec, &out);
    let first = run();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let manifest = out.join(".iacgen/manifest.json");
    let before = fs::metadata(&manifest).unwrap().modified().unwrap();
    let count = files(&out).len() - 1;

    let again = run();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains(&format!(
            "0 created, 0 changed, 0 removed, {count} unchanged (the spec, its kept values and \
             iacgen are those of the last generate)"
        )),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(fs::metadata(&manifest).unwrap().modified().unwrap(), before);

    // A deleted file is written again.
    let main = out.join("modules/network/main.tf");
    let written = fs::read_to_string(&main).unwrap();
    fs::remove_file(&main).unwrap();
    let o = run();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("created   modules/network/main.tf"));
    assert_eq!(fs::read_to_string(&main).unwrap(), written);

    // A hand edit is refused, as without the fast path.
    fs::write(&main, format!("{written}# mine\n")).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("modules/network/main.tf: edited by hand"));
    fs::write(&main, &written).unwrap();

    // A changed spec is compiled again.
    let yaml = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, format!("{yaml}\n# a comment changes no output\n")).unwrap();
    let o = run();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("are those of the last generate"));
    let o = run();
    assert!(text(&o.stdout).contains("are those of the last generate"));
}

/// The fast path does not depend on how the output directory is named: generating into a new
/// directory given relative to the working directory, then again, finds nothing changed.
#[test]
fn generate_again_into_a_relative_new_directory_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(example("minimal.yaml"), dir.path().join("platform.yaml")).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_iacgen"))
            .args(["generate", "platform.yaml", "--out", "infra"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run iacgen")
    };
    let first = run();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let again = run();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("are those of the last generate"),
        "{}",
        text(&again.stdout)
    );
}

/// `iacgen generate SPEC --out OUT`.
fn generate(spec: &Path, out: &Path) -> Output {
    iacgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Files are staged as they are made, but a refused generation changes nothing: no file in
/// place is touched, none is added, and no staging directory is left behind.
#[test]
fn a_refused_generate_leaves_the_directory_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    fs::copy(example("minimal.yaml"), &spec).unwrap();
    let out = dir.path().join("infra");
    let run = || generate(&spec, &out);
    assert!(run().status.success());
    let main = out.join("modules/network/main.tf");
    let edited = format!("{}# mine\n", fs::read_to_string(&main).unwrap());
    fs::write(&main, &edited).unwrap();
    // The spec changes, so the new generation differs in other files too.
    let yaml = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, yaml.replacen("project: demo", "project: demo2", 1)).unwrap();
    let before = contents(&out);

    let o = run();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("modules/network/main.tf: edited by hand"));
    let after = contents(&out);
    assert_eq!(after, before);
}

/// A generate that fails while it moves the staged files in (a file stands where it needs a
/// directory) puts back what it moved and leaves no staging directory behind.
#[test]
fn a_generate_that_fails_midway_leaves_the_directory_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    fs::copy(example("minimal.yaml"), &spec).unwrap();
    let out = dir.path().join("infra");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("modules"), "not a directory").unwrap();
    let o = iacgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("modules"), "{}", text(&o.stderr));
    assert_eq!(files(&out), ["modules"]);
    assert_eq!(
        fs::read_to_string(out.join("modules")).unwrap(),
        "not a directory"
    );
}
