//! `iacgen generate|diff --target pulumi`: the Pulumi project lives in `pulumi/` beside the
//! Terraform output, and generating one target never changes or removes the other's files.

use std::path::Path;
use std::process::{Command, Output};

fn iacgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("iacgen: {e}"))
}

fn spec() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/platform.yaml")
        .display()
        .to_string()
}

#[test]
fn both_targets_share_an_output_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().display().to_string();
    let spec = spec();
    assert!(iacgen(&["generate", &spec, "--out", &out]).status.success());
    let pulumi = iacgen(&["generate", &spec, "--out", &out, "--target", "pulumi"]);
    assert!(pulumi.status.success(), "{pulumi:?}");
    let text = String::from_utf8_lossy(&pulumi.stdout);
    assert!(text.contains(" 0 removed"), "{text}");
    for file in [
        "Pulumi.yaml",
        "Pulumi.dev.yaml",
        "Pulumi.prod.yaml",
        "__main__.py",
    ] {
        assert!(dir.path().join("pulumi").join(file).is_file(), "{file}");
    }
    // Regenerating Terraform leaves the Pulumi project alone, and both are up to date.
    let again = iacgen(&["generate", &spec, "--out", &out]);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("0 created, 0 changed, 0 removed"), "{text}");
    assert!(dir.path().join("pulumi/__main__.py").is_file());
    for target in ["terraform", "pulumi"] {
        let diff = iacgen(&["diff", &spec, "--out", &out, "--target", target]);
        assert_eq!(diff.status.code(), Some(0), "{target}: {diff:?}");
    }
}

#[test]
fn diff_shows_a_hand_edit_of_the_stack_config() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().display().to_string();
    let spec = spec();
    assert!(
        iacgen(&["generate", &spec, "--out", &out, "--target", "pulumi"])
            .status
            .success()
    );
    let stack = dir.path().join("pulumi/Pulumi.dev.yaml");
    let text = std::fs::read_to_string(&stack).unwrap_or_else(|e| panic!("{e}"));
    let edited = text.replace("10.10.0.0/16", "10.99.0.0/16");
    assert_ne!(text, edited);
    std::fs::write(&stack, edited).unwrap_or_else(|e| panic!("{e}"));
    let diff = iacgen(&[
        "diff", &spec, "--out", &out, "--target", "pulumi", "--color", "never",
    ]);
    assert_eq!(diff.status.code(), Some(2));
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("-  payments:vpcCidr: \"10.99.0.0/16\""),
        "{text}"
    );
    assert!(text.contains("edited by hand"), "{text}");
}

/// The keys `pulumi stack init --secrets-provider awskms://...` writes into a stack file.
const PULUMI_KEYS: &str = "secretsprovider: awskms://alias/payments-state?region=us-east-1\n\
    encryptedkey: AQICAHhQ9g0bXk3yL2Q+c2VjcmV0LWtleS1ieXRlcw==\n";

#[test]
fn the_keys_pulumi_writes_into_a_stack_file_survive_regeneration() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().display().to_string();
    let spec = spec();
    let generate = |force: bool| {
        let mut args = vec![
            "generate",
            spec.as_str(),
            "--out",
            &out,
            "--target",
            "pulumi",
        ];
        if force {
            args.push("--force");
        }
        iacgen(&args)
    };
    assert!(generate(false).status.success());
    let stack = dir.path().join("pulumi/Pulumi.dev.yaml");
    let issued = std::fs::read_to_string(&stack).unwrap_or_else(|e| panic!("{e}"));

    // As Pulumi leaves it: its keys before `config:`.
    let at = 1 + issued
        .find("\nconfig:")
        .unwrap_or_else(|| panic!("{issued}"));
    let by_pulumi = format!("{}{PULUMI_KEYS}{}", &issued[..at], &issued[at..]);
    std::fs::write(&stack, &by_pulumi).unwrap_or_else(|e| panic!("{e}"));
    let again = generate(false);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(&stack).unwrap_or_default(),
        by_pulumi,
        "the keys are kept where Pulumi wrote them and nothing else changes"
    );
    let diff = iacgen(&["diff", &spec, "--out", &out, "--target", "pulumi"]);
    assert_eq!(diff.status.code(), Some(0), "{diff:?}");

    // Pulumi may also rewrite the whole file (comments dropped, its own quoting): iacgen's
    // values are the same, so it is not a hand edit; regenerating keeps Pulumi's keys.
    let rewritten = format!(
        "encryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy\n{}",
        issued
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.replace("\"us-east-1\"", "us-east-1"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    std::fs::write(&stack, &rewritten).unwrap_or_else(|e| panic!("{e}"));
    let again = generate(false);
    assert!(again.status.success(), "{again:?}");
    let text = std::fs::read_to_string(&stack).unwrap_or_default();
    assert!(
        text.contains("\nencryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy\n"),
        "{text}"
    );
    assert_eq!(
        text.replace("encryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy\n", ""),
        issued
    );

    // iacgen's own content stays guarded: a hand edit of a value is refused, and --force
    // restores the value but never drops Pulumi's keys.
    let edited = text.replace("aws:region: \"us-east-1\"", "aws:region: \"eu-west-1\"");
    assert_ne!(edited, text);
    std::fs::write(&stack, &edited).unwrap_or_else(|e| panic!("{e}"));
    let refused = generate(false);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Pulumi.dev.yaml: edited by hand"),
        "{refused:?}"
    );
    assert!(generate(true).status.success());
    assert_eq!(std::fs::read_to_string(&stack).unwrap_or_default(), text);
}

#[test]
fn the_project_keeps_its_state_in_the_specs_backend() {
    for (example, expected) in [
        (
            "platform.yaml",
            // The state role, through the AWS profile the README shows how to define.
            Some("s3://acme-terraform-state/payments?region=us-east-1&profile=payments-state"),
        ),
        ("secrets-all-kinds.yaml", None),
    ] {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        let platform = iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let tree = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        let project: serde_json::Value =
            serde_saphyr::from_str(tree.get("Pulumi.yaml").unwrap_or_default())
                .unwrap_or_else(|e| panic!("{example}: {e}"));
        assert_eq!(
            project["backend"]["url"].as_str(),
            expected,
            "{example}: {project}"
        );
        // The backend's bucket and prefix, as the Terraform roots use them.
        if let Some(s3) = &platform.backend {
            let url = project["backend"]["url"].as_str().unwrap_or_default();
            assert!(
                platform.env_names().all(|env| {
                    let (Some(bucket), Some(prefix)) = (s3.bucket.get(env), s3.key_prefix.get(env))
                    else {
                        return false;
                    };
                    url.starts_with(&format!("s3://{bucket}/{prefix}?"))
                }),
                "{url}"
            );
        }
    }
}
