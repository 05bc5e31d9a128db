//! The roots' `services` map checks every entry with the module's own rules, and Terraform's
//! error names the services that break one (the real `terraform plan`, offline).

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn a_bad_service_setting_is_refused_naming_the_service() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform.yaml");
    let platform = iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
    let tree = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    iacgen::output::generate(&tree, dir.path(), false).unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path().join("environments/dev");
    let tfvars = root.join("terraform.tfvars");
    let text = std::fs::read_to_string(&tfvars).unwrap_or_else(|e| panic!("{e}"));
    // api's entry: a CPU size Fargate does not have.
    let api = text
        .find("  api = {")
        .unwrap_or_else(|| panic!("no api entry:\n{text}"));
    let cpu = api + text[api..].find("cpu ").unwrap_or_else(|| panic!("no cpu"));
    let end = cpu
        + text[cpu..]
            .find('\n')
            .unwrap_or_else(|| panic!("no line end"));
    let edited = format!("{}cpu = 300{}", &text[..cpu], &text[end..]);
    std::fs::write(&tfvars, edited).unwrap_or_else(|e| panic!("{e}"));

    let run = Command::new(tools.join("bin/tf-plan"))
        .arg("--root")
        .arg(dir.path())
        .arg(&root)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!run.status.success(), "{all}");
    assert!(all.contains("Invalid value for variable"), "{all}");
    assert!(all.contains("cpu must be one of"), "{all}");
    // Terraform wraps the message; the failing entry is named at its end.
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("(services: api)."), "{all}");
}
