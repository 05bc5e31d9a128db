//! Rules the types cannot express. Every problem names the spec field path it is about, so the
//! spec loader can point at the file, line and column; a platform built in Rust gets the same
//! checks and messages.

mod aws_facts;
mod checker;
mod ecs;
mod eks;
mod general;
mod network;
mod observability;
mod repository;
mod secrets;
mod syntax;

use super::Platform;
use super::aws::Date;

pub use aws_facts::WARN_DAYS;
use std::fmt;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Spec field path, e.g. `["ecs", "services", "api", "memory", "prod"]`. When a path goes
    /// deeper than the document (a plain value, no per-env map), the deepest existing node is
    /// where the problem is reported.
    pub path: Vec<String>,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl Problem {
    pub fn new<S: AsRef<str>>(path: &[S], message: impl Into<String>) -> Self {
        Self {
            path: path.iter().map(|s| s.as_ref().to_string()).collect(),
            message: message.into(),
        }
    }

    /// The path written as `a.b.c`.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.dotted(), self.message)
    }
}

/// Every problem in the platform, in a stable order (empty when it is valid): sections in
/// document order (project, region, tags, tag_policy, backend, environments, network, eks, ecs,
/// secrets, observability, repository), names in sorted order within a section. A problem is reported once,
/// at its root: a value that is invalid on its own is not also reported by the rules built on it.
///
/// Facts that change with time (the EKS support calendar) are judged on today's date; see
/// [`validate_on`].
pub fn validate(platform: &Platform) -> Vec<Problem> {
    review_on(platform, Date::today()).problems
}

/// [`validate`] as on the day `today`.
pub fn validate_on(platform: &Platform, today: Date) -> Vec<Problem> {
    review_on(platform, today).problems
}

/// What validation found: problems make the platform invalid; warnings leave it valid but are
/// worth a look (a step outside iacgen, a value iacgen writes differently than given, an EKS
/// version in extended support). Both are field paths, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// The warnings of a platform as of today (see [`Review`]); `validate` gives its problems.
pub fn warnings(platform: &Platform) -> Vec<Problem> {
    review(platform).warnings
}

/// Problems and warnings in one pass, as of today.
pub fn review(platform: &Platform) -> Review {
    review_on(platform, Date::today())
}

/// Problems and warnings in one pass, judged on the day `today` (the EKS support calendar).
pub fn review_on(platform: &Platform, today: Date) -> Review {
    let mut c = checker::Checker::new(platform);
    general::check(&mut c);
    network::check(&mut c);
    eks::check(&mut c);
    ecs::check(&mut c);
    secrets::check(&mut c);
    observability::check(&mut c);
    repository::check(&mut c);
    aws_facts::check(&mut c, today);
    let (problems, warnings) = c.finish();
    Review { problems, warnings }
}

/// The top-level spec fields read by the rules that report problems at `path` (a [`Problem`]'s
/// path; mostly its first segment decides). A rule about a service's secrets reads `secrets`; when
/// `secrets` did not decode, its verdict would be a guess. Listing too much only holds a
/// problem back until the spec decodes; listing too little reports a wrong one, which
/// `tests/model_rules.rs` guards against by removing each section from valid examples.
pub fn reads<S: AsRef<str>>(path: &[S]) -> &'static [&'static str] {
    let field = path.first().map(AsRef::as_ref).unwrap_or("");
    let below = path.get(1).map(AsRef::as_ref).unwrap_or("");
    // Every per-environment rule iterates `environments`; names start with `project`.
    match field {
        // Thresholds are checked on their own; the alarm e-mail warning asks whether there are
        // alarms at all.
        "observability" if below == "alarms" => &["observability"],
        "project" => &["project"],
        "region" => &["region", "environments"],
        "tags" | "tag_policy" => &["tags", "tag_policy", "environments", "project"],
        "backend" => &["backend", "project", "region", "environments"],
        "environments" => &["environments", "project", "region", "tags", "tag_policy"],
        "network" => &[
            "network",
            "region",
            "environments",
            "project",
            "eks",
            "ecs",
            "observability",
        ],
        "eks" => &[
            "eks",
            "network",
            "region",
            "environments",
            "project",
            "tags",
        ],
        "ecs" => &[
            "ecs",
            "secrets",
            "network",
            "eks",
            "region",
            "environments",
            "project",
            "tags",
            "tag_policy",
        ],
        "secrets" => &["secrets", "region", "environments", "project", "tags"],
        "observability" => &["observability", "ecs", "eks", "project", "environments"],
        "repository" => &["repository"],
        // A field this table does not know: held back whenever anything is broken.
        _ => &[
            "version",
            "project",
            "region",
            "tags",
            "tag_policy",
            "backend",
            "environments",
            "network",
            "eks",
            "ecs",
            "secrets",
            "observability",
            "repository",
        ],
    }
}

/// [`review_on`] of a spec whose top-level fields `broken` did not decode (replaced by empty
/// stand-ins in `platform`): only the problems and warnings of rules that read none of them,
/// so that one run reports structural and semantic problems together without guessing.
pub fn review_partial_on(platform: &Platform, broken: &[&str], today: Date) -> Review {
    let trusted = |problem: &Problem| {
        !reads(&problem.path)
            .iter()
            .any(|read| broken.contains(read))
    };
    let review = review_on(platform, today);
    Review {
        problems: review.problems.into_iter().filter(trusted).collect(),
        warnings: review.warnings.into_iter().filter(trusted).collect(),
    }
}
