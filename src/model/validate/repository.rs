//! `repository`: where the spec sits in the generated repository.

use super::checker::{Checker, path};

pub(super) fn check(c: &mut Checker) {
    let file = &c.p.repository.spec_file;
    if let Some(message) = spec_file(file) {
        c.push(path(&["repository", "spec_file"]), message);
    }
}

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
    } else {
        return None;
    };
    Some(format!("spec_file `{file}` {why}"))
}

#[cfg(test)]
mod tests {
    use super::spec_file;

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
        ] {
            assert!(spec_file(bad).is_some(), "{bad:?} accepted");
        }
    }
}
