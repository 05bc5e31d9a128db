//! `iacgen graph` and the README's diagrams, rendered by the real tools so that a diagram that
//! does not parse fails: Mermaid with mermaid-cli (`mmdc`, headless Chromium) and dot with
//! Graphviz. Outside CI a missing tool skips its test with a note; in CI (`CI` set) it fails.
//! `.ci/run` installs them: Debian's `chromium` and `graphviz`, and `@mermaid-js/mermaid-cli`
//! from npm into `~/.cache/iacgen-ci/mermaid-cli` (or `$IACGEN_MMDC`).

mod support;

use iacgen::graph::{Format, render};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every (example, environment, platform) pair.
fn diagrams(format: Format) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for spec in support::examples() {
        let platform =
            iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        for env in platform.env_names() {
            let name = format!("{} --env {env}", spec.display());
            out.push((name, render(&platform, env, format).unwrap()));
        }
    }
    assert!(out.len() > 20, "every example, every environment");
    out
}

/// A tool that must be there in CI.
fn required(what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs {what} (.ci/run installs it)"
        );
        eprintln!("note: {what} not found; skipping");
    }
    found
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// mermaid-cli and the Chromium it drives.
fn mmdc() -> Option<(PathBuf, PathBuf)> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_default();
    let mmdc = std::env::var_os("IACGEN_MMDC")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("iacgen-ci/mermaid-cli/node_modules/.bin/mmdc"));
    let chromium = std::env::var_os("PUPPETEER_EXECUTABLE_PATH")
        .map(PathBuf::from)
        .or_else(|| on_path("chromium"));
    let mmdc = required("mermaid-cli (mmdc)", mmdc.is_file().then_some(mmdc))?;
    let chromium = required("chromium", chromium)?;
    Some((mmdc, chromium))
}

/// Renders every ```` ```mermaid ```` block of `markdown`; `Err` has mmdc's output.
fn mermaid_cli(markdown: &str) -> Result<(), String> {
    let Some((mmdc, chromium)) = mmdc() else {
        return Ok(());
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("puppeteer.json");
    let config_text = serde_json::json!({
        "executablePath": chromium,
        "args": ["--no-sandbox"],
    });
    std::fs::write(&config, config_text.to_string()).unwrap();
    let input = dir.path().join("diagrams.md");
    std::fs::write(&input, markdown).unwrap();
    let out = Command::new(&mmdc)
        .arg("--puppeteerConfigFile")
        .arg(&config)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(dir.path().join("out.md"))
        .env("PUPPETEER_SKIP_DOWNLOAD", "1")
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(())
    } else {
        Err(log)
    }
}

#[test]
fn mermaid_cli_renders_every_diagram_of_every_example() {
    let all = diagrams(Format::Mermaid);
    let markdown: String = all
        .iter()
        .map(|(name, text)| format!("## {name}\n\n```mermaid\n{text}```\n\n"))
        .collect();
    if let Err(log) = mermaid_cli(&markdown) {
        // mmdc stops at the first failure, after a ✅ line per diagram it rendered.
        let rendered = log.matches('✅').count();
        let culprit = all.get(rendered).map_or("?", |(name, _)| name.as_str());
        panic!("mermaid-cli failed on the diagram of {culprit}:\n{log}");
    }
}

#[test]
fn mermaid_cli_catches_a_diagram_that_does_not_parse() {
    // The check above means something only if mmdc fails on bad syntax.
    let broken = "```mermaid\nflowchart LR\n  a[\"x\"y\"] --> b\n```\n";
    if mmdc().is_some() {
        assert!(mermaid_cli(broken).is_err());
    }
}

#[test]
fn the_generated_readme_diagrams_render() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform.yaml");
    let platform = iacgen::spec::load_file(&spec).unwrap();
    let tree = iacgen::render(&platform).unwrap();
    let readme = tree.get("README.md").unwrap();
    assert_eq!(
        readme.matches("```mermaid\n").count(),
        platform.environments.len(),
        "one diagram per environment"
    );
    mermaid_cli(readme).unwrap_or_else(|log| panic!("README.md: {log}"));
}

#[test]
fn graphviz_renders_every_dot_diagram() {
    let Some(dot) = required("graphviz (dot)", on_path("dot")) else {
        return;
    };
    for (name, text) in diagrams(Format::Dot) {
        let mut child = Command::new(&dot)
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        // dot reports syntax errors and warnings on stderr; either is a defect here.
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{name}: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_cli_prints_a_diagram_and_refuses_an_unknown_environment() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform.yaml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_iacgen"))
            .arg("graph")
            .arg(&spec)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--env", "prod"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("flowchart LR") && text.contains("service api"),
        "{text}"
    );
    let out = run(&["--env", "prod", "--format", "dot"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("digraph "));
    let out = run(&["--env", "prdo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown environment `prdo` (environments: dev, staging, prod)")
    );
}
