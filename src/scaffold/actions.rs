//! The GitHub Actions the generated workflow uses, each pinned to the full commit SHA of a
//! release (a tag can be moved; a commit cannot), with the release in a comment for people and
//! for Dependabot/Renovate, which update both together.
//!
//! Each release was checked in the action's repository: the tag's commit, and that its
//! `action.yml` runs on `node24` (or `docker`): GitHub removed node20 from its runners on
//! 2026-09-23, and actions on it fail there.

/// One pinned action.
pub struct Pin {
    /// `owner/repo` as written in `uses:`.
    pub action: &'static str,
    /// The commit the release tag points to.
    pub sha: &'static str,
    /// The release tag.
    pub version: &'static str,
    /// `runs.using` in the release's action.yml.
    pub runs: &'static str,
}

pub const PINS: &[Pin] = &[
    Pin {
        action: "actions/checkout",
        sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
        version: "v7.0.1",
        runs: "node24",
    },
    Pin {
        action: "actions/upload-artifact",
        sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
        version: "v7.0.0",
        runs: "node24",
    },
    Pin {
        action: "actions/download-artifact",
        sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
        version: "v8.0.1",
        runs: "node24",
    },
    Pin {
        action: "aws-actions/configure-aws-credentials",
        sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
        version: "v6.2.3",
        runs: "node24",
    },
    Pin {
        action: "hashicorp/setup-terraform",
        sha: "dfe3c3f87815947d99a8997f908cb6525fc44e9e",
        version: "v4.0.1",
        runs: "node24",
    },
    Pin {
        action: "terraform-linters/setup-tflint",
        sha: "6e1e0642c0289bd619021bf6b34e3c08ed1e005a",
        version: "v6.3.0",
        runs: "node24",
    },
    Pin {
        action: "bridgecrewio/checkov-action",
        sha: "59b9d7edfcad5b87fbe3f473a9a134a721ad03f8",
        version: "v12.3119.0",
        runs: "docker",
    },
];

/// `uses:` values keyed by the action's short name (`checkout`, `setup-terraform`, ...), as
/// the template reads them: `actions/checkout@<sha> # v7.0.1`.
pub fn uses() -> std::collections::BTreeMap<&'static str, String> {
    PINS.iter()
        .map(|pin| {
            let short = pin.action.rsplit('/').next().unwrap_or(pin.action);
            (
                short,
                format!("{}@{} # {}", pin.action, pin.sha, pin.version),
            )
        })
        .collect()
}
