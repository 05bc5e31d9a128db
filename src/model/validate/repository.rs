//! `repository`: where the spec sits in the generated repository.

use super::checker::{Checker, path};
use crate::model::{GitRef, IacgenInstall};

pub(super) fn check(c: &mut Checker) {
    let file = &c.p.repository.spec_file;
    if let Some(message) = spec_file(file) {
        c.push(path(&["repository", "spec_file"]), message);
    }
    let mut problems = Vec::new();
    match &c.p.repository.iacgen {
        IacgenInstall::Git { url, reference } => {
            problems.push(("git", https_url(url)));
            problems.push(match reference {
                GitRef::Rev(rev) => ("rev", hex(rev, 40, "a full commit SHA")),
                GitRef::Tag(tag) => ("tag", git_tag(tag)),
                GitRef::UnknownBuild if c.p.repository.github_workflow => (
                    "",
                    Some(
                        "the workflow would install the iacgen that generated it, by its commit, \
                         but this iacgen was built without knowing its commit (from a source \
                         archive, not a git checkout or a packaged crate): set \
                         `repository.iacgen` to `{ git: https://github.com/iacgen/iacgen, rev: \
                         <full commit SHA> }`, a `tag`, or a release archive's `url` and \
                         `sha256`, or set `github_workflow: false`"
                            .to_string(),
                    ),
                ),
                GitRef::UnknownBuild => ("", None),
            });
        }
        IacgenInstall::Release { url, sha256 } => {
            problems.push(("url", https_url(url)));
            problems.push(("sha256", hex(sha256, 64, "a SHA-256 checksum")));
        }
    }
    for (field, problem) in problems {
        if let Some(message) = problem {
            let mut at = path(&["repository", "iacgen"]);
            if !field.is_empty() {
                at.push(field.to_string());
            }
            c.push(at, message);
        }
    }
}

/// The workflow downloads from this URL: HTTPS only, and nothing a shell or YAML would read
/// as syntax (it is passed through an environment variable, but stays plain to be read).
fn https_url(url: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!&'()*+,;=%".contains(c);
    if !url.starts_with("https://") || url.len() <= "https://".len() {
        Some(format!("`{url}` must be an https:// URL"))
    } else if !url.chars().all(plain) || url.contains('\'') {
        Some(format!(
            "`{url}` may contain only the characters of a URL (no spaces or quotes)"
        ))
    } else {
        None
    }
}

fn hex(value: &str, len: usize, what: &str) -> Option<String> {
    let ok = value.len() == len && value.chars().all(|c| c.is_ascii_hexdigit());
    (!ok).then(|| format!("`{value}` is not {what} ({len} hexadecimal digits)"))
}

fn git_tag(tag: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-/+".contains(c);
    let ok = !tag.is_empty() && !tag.starts_with('-') && tag.chars().all(plain);
    (!ok).then(|| {
        format!("`{tag}` is not a plain tag name (letters, digits, `.`, `_`, `-`, `/`, `+`)")
    })
}

/// Paths (files, or directories of files) that iacgen generates: the spec may not be one.
const GENERATED: &[&str] = &[
    "modules",
    "environments",
    "pulumi",
    ".iacgen",
    ".github/workflows/terraform.yml",
    ".pre-commit-config.yaml",
    ".terraform-docs.yml",
];

/// The spec path is written into the CI workflow's shell steps and the README, so it is kept to
/// plain relative paths: no quoting, no escaping, nothing a shell would expand.
fn spec_file(file: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    let why = if file.is_empty() {
        "is empty"
    } else if !file.chars().all(plain) {
        "may contain only letters, digits, `.`, `_`, `-` and `/`"
    } else if file.starts_with('/') {
        "must be relative to the repository root"
    } else if file
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        "may not contain empty, `.` or `..` parts"
    } else if !file
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(stem, ext)| {
            !stem.is_empty() && ["yaml", "yml", "toml", "json"].contains(&ext)
        })
    {
        "must end in .yaml, .yml, .toml or .json"
    } else if GENERATED
        .iter()
        .any(|g| file == *g || file.starts_with(&format!("{g}/")))
    {
        "is where iacgen writes generated files"
    } else {
        return None;
    };
    Some(format!("spec_file `{file}` {why}"))
}

#[cfg(test)]
mod tests {
    use super::{git_tag, hex, https_url, spec_file};

    #[test]
    fn install_values_are_pins_and_https_urls() {
        assert_eq!(https_url("https://github.com/iacgen/iacgen"), None);
        for bad in [
            "http://x",
            "git@github.com:a/b",
            "https://",
            "https://a b",
            "https://a'b",
        ] {
            assert!(https_url(bad).is_some(), "{bad}");
        }
        assert_eq!(hex(&"a".repeat(40), 40, "x"), None);
        assert!(hex("abc1234", 40, "x").is_some());
        assert!(hex(&"g".repeat(40), 40, "x").is_some());
        assert_eq!(git_tag("v0.1.0"), None);
        for bad in ["", "-x", "v1 0", "$(x)"] {
            assert!(git_tag(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn plain_relative_spec_paths_only() {
        for ok in [
            "platform.yaml",
            "infra/platform.toml",
            "a_b-c.json",
            "x.yml",
        ] {
            assert_eq!(spec_file(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/platform.yaml",
            "../platform.yaml",
            "./platform.yaml",
            "a//b.yaml",
            "platform.txt",
            ".yaml",
            "infra/.yaml",
            "my platform.yaml",
            "$(rm -rf).yaml",
            "p\"q.yaml",
            ".pre-commit-config.yaml",
            "modules/eks/platform.yaml",
            ".github/workflows/terraform.yml",
        ] {
            assert!(spec_file(bad).is_some(), "{bad:?} accepted");
        }
    }
}
