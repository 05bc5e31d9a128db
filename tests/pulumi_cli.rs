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
