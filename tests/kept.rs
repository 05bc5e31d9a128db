//! Kept values (`<spec>.kept.yaml` beside the spec): what the generated modules and roots do
//! with them, and how a malformed file is refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iacgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of examples/eks-public.yaml (environments staging and prod) in a fresh directory.
fn spec_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("platform.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/eks-public.yaml"),
        &spec,
    )
    .unwrap();
    (dir, spec)
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn a_kept_value_reaches_its_argument_through_the_environments_tfvars() {
    let (dir, spec) = spec_dir();
    std::fs::write(
        dir.path().join("platform.kept.yaml"),
        "version: 1\nenvironments:\n  prod:\n    eks:\n      \
         \"aws_iam_role.cluster.name\": \"storefront-cluster-2025\"\n      \
         \"aws_eks_node_group.this[general].node_group_name\": \"general-2025\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = iacgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));

    let main = read(&out, "modules/eks/main.tf");
    assert!(
        main.contains(r#"name               = lookup(var.kept, "aws_iam_role.cluster.name", "${var.name}-eks-cluster")"#),
        "{main}"
    );
    assert!(
        main.contains(r#""aws_eks_node_group.this[${each.key}].node_group_name""#),
        "{main}"
    );
    // Only kept arguments change: the node role's name is iacgen's.
    assert!(main.contains(r#"name               = "${var.name}-eks-node""#));
    assert!(read(&out, "modules/eks/variables.tf").contains("variable \"kept\""));
    let root = read(&out, "environments/prod/main.tf");
    assert!(
        root.lines().any(|l| {
            let parts: Vec<&str> = l.split('=').map(str::trim).collect();
            parts == ["kept", "var.eks_kept"]
        }),
        "{root}"
    );
    let prod = read(&out, "environments/prod/terraform.tfvars");
    assert!(
        prod.contains(
            r#""aws_iam_role.cluster.name"                        = "storefront-cluster-2025""#
        ),
        "{prod}"
    );
    assert!(read(&out, "environments/staging/terraform.tfvars").contains("eks_kept = {}"));
    // Modules nobody keeps anything in do not get the variable.
    assert!(!read(&out, "modules/network/variables.tf").contains("kept"));
}

#[test]
fn without_a_kept_file_the_output_has_no_kept_variable() {
    let (dir, spec) = spec_dir();
    let out = dir.path().join("out");
    let run = iacgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(!read(&out, "modules/eks/main.tf").contains("var.kept"));
    assert!(!read(&out, "environments/prod/variables.tf").contains("kept"));
}

#[test]
fn a_kept_file_naming_unknown_things_is_refused_at_its_lines_and_nothing_is_written() {
    let (dir, spec) = spec_dir();
    std::fs::write(
        dir.path().join("platform.kept.yaml"),
        "version: 1\nenvironments:\n  qa: {}\n  prod:\n    ekz: {}\n    eks:\n      \
         \"aws_iam_role.nope.name\": x\n      \
         \"aws_eks_node_group.this.node_group_name\": x\n      \
         \"aws_eks_node_group.this[gpu].node_group_name\": x\n      \
         \"aws_iam_role.cluster.name\": 3\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    for command in ["generate", "validate", "diff"] {
        let mut args = vec![command, spec.to_str().unwrap()];
        if command != "validate" {
            args.extend(["--out", out.to_str().unwrap()]);
        }
        let run = iacgen(&args);
        assert_eq!(run.status.code(), Some(1), "{command}");
        let err = text(&run.stderr);
        for expected in [
            "platform.kept.yaml:3:3: environments.qa: the spec has no environment \"qa\"",
            "platform.kept.yaml:5:5: environments.prod.ekz: no module call \"ekz\"",
            "platform.kept.yaml:7:7: environments.prod.eks.aws_iam_role.nope.name: modules/eks declares no resource aws_iam_role.nope",
            "platform.kept.yaml:8:7: environments.prod.eks.aws_eks_node_group.this.node_group_name: aws_eks_node_group.this has one instance per key",
            "platform.kept.yaml:10:36: environments.prod.eks.aws_iam_role.cluster.name: expected a string",
            "is not a valid kept-values file",
        ] {
            assert!(err.contains(expected), "{command}: {expected}\n{err}");
        }
        assert!(!out.exists(), "{command} wrote something");
    }
    // Unknown instances are reported once the rest is valid.
    std::fs::write(
        dir.path().join("platform.kept.yaml"),
        "version: 1\nenvironments:\n  prod:\n    eks:\n      \"aws_eks_node_group.this[gpu].node_group_name\": x\n",
    )
    .unwrap();
    let run = iacgen(&["validate", spec.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("platform.kept.yaml:5:7: environments.prod.eks.aws_eks_node_group.this[gpu].node_group_name: environment prod has no instance \"gpu\" of aws_eks_node_group.this (instances: general)"),
        "{}",
        text(&run.stderr)
    );
}
