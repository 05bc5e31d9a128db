//! Puts the git commit into `iacgen --version` (`IACGEN_VERSION`) and, whole, into
//! `IACGEN_COMMIT`: the revision a generated workflow installs by default
//! (`model::BUILD_COMMIT`), so CI runs the iacgen that generated the code.
//!
//! Where the commit comes from, in order: `.cargo_vcs_info.json` (written by `cargo package`, so
//! a crate installed from a registry knows the commit it was packaged from), then `git` (a clone,
//! `cargo install --git`). Without either, the version is the bare package version: a missing
//! git is never a build failure.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&manifest_dir);
    println!("cargo:rerun-if-changed=build.rs");
    let commit = packaged_commit(dir).or_else(|| git_commit(dir));
    let long = match &commit {
        Some(commit) => format!("{version} (commit {})", &commit[..12]),
        None => version,
    };
    println!("cargo:rustc-env=IACGEN_VERSION={long}");
    if let Some(commit) = commit {
        println!("cargo:rustc-env=IACGEN_COMMIT={commit}");
    }
}

/// The commit `cargo package` recorded (`{"git": {"sha1": "..."}}`), all 40 hex digits.
fn packaged_commit(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).ok()?;
    // A plain search keeps the build script free of dependencies.
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let sha: String = rest
        .strip_prefix('"')?
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() == 40).then_some(sha)
}

/// `git rev-parse` of HEAD, when this is a git checkout and git is installed. Reruns when HEAD
/// moves (a commit, a checkout), so the version never names a stale commit.
fn git_commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    if commit.len() != 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    for what in ["HEAD", "packed-refs"] {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", what]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={path}");
    }
    Some(commit)
}
