//! Collects problems, and knows how per-environment values are checked and reported.
//!
//! A per-env value is checked where it is written: a plain value once at its field, a map's
//! `default` at `<field>.default`, a named environment's value at `<field>.<env>` with the
//! message starting `in <env>: `. A rule that depends on several per-env values is checked per
//! environment, but reported once when none of those values differs between environments.

use super::Problem;
use crate::model::{PerEnv, Platform};

/// A field path as owned strings.
pub(super) type Path = Vec<String>;

/// Builds a [`Path`].
pub(super) fn path(parts: &[&str]) -> Path {
    parts.iter().map(|s| s.to_string()).collect()
}

/// `a, b, c`: names listed in a message.
pub(super) fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `; did you mean `x`?` when a candidate is close to `wrong`, else nothing.
pub(super) fn did_you_mean<'c>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// One problem of a rule checked per environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Issue {
    path: Path,
    /// Where the environment key goes in `path` when reported for one environment.
    env_at: Option<usize>,
    message: String,
    /// Reported as a warning (the platform stays valid), not as a problem.
    warning: bool,
}

impl Issue {
    /// At `field`, a per-env field: the environment key follows it, then `rest`.
    pub fn keyed(field: &[&str], rest: &[String], message: impl Into<String>) -> Self {
        let mut p = path(field);
        p.extend(rest.iter().cloned());
        Self {
            path: p,
            env_at: Some(field.len()),
            message: message.into(),
            warning: false,
        }
    }

    /// At a field that is not per-env: the message alone says which environment.
    pub fn at(field: &[&str], message: impl Into<String>) -> Self {
        Self {
            path: path(field),
            env_at: None,
            message: message.into(),
            warning: false,
        }
    }

    /// The same issue as a warning: reported, but the platform stays valid.
    #[allow(dead_code)] // merged from the warnings commit alone; the ECS rules use it
    pub fn warning(mut self) -> Self {
        self.warning = true;
        self
    }
}

/// The problems found so far, and the platform they are about.
pub(super) struct Checker<'a> {
    pub p: &'a Platform,
    /// Environment names in spec order, each once.
    pub envs: Vec<&'a str>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl<'a> Checker<'a> {
    pub fn new(p: &'a Platform) -> Self {
        let mut envs: Vec<&str> = Vec::new();
        for name in p.env_names() {
            if !envs.contains(&name) {
                envs.push(name);
            }
        }
        Self {
            p,
            envs,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn push(&mut self, path: Path, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    /// Something that works but is probably not what the author wants (or needs a step outside
    /// iacgen): printed, never fatal.
    pub fn warn(&mut self, path: Path, message: impl Into<String>) {
        self.warnings.push(Problem {
            path,
            message: message.into(),
        });
    }

    /// The problems and the warnings.
    pub fn finish(self) -> (Vec<Problem>, Vec<Problem>) {
        (self.problems, self.warnings)
    }

    fn report(&mut self, issue: Issue, path: Path, message: String) {
        if issue.warning {
            self.warn(path, message);
        } else {
            self.push(path, message);
        }
    }

    /// Reports keys naming no environment and, when `required`, environments left without a
    /// value. Returns whether every environment has a value.
    pub fn shape<T>(&mut self, field: &[&str], value: &PerEnv<T>, required: bool) -> bool {
        let envs = self.envs.clone();
        if envs.is_empty() {
            // Reported once at `environments`; every key would be "unknown" otherwise.
            return false;
        }
        for key in value.by_env.keys() {
            if !envs.contains(&key.as_str()) {
                let mut p = path(field);
                p.push(key.clone());
                self.push(
                    p,
                    format!(
                        "unknown environment `{key}` (environments: {}){}",
                        list(&envs),
                        did_you_mean(key, envs.iter().copied())
                    ),
                );
            }
        }
        let missing: Vec<&str> = envs
            .iter()
            .copied()
            .filter(|env| value.get(env).is_none())
            .collect();
        if required && !missing.is_empty() {
            let keys = list(missing.iter().map(|env| format!("`{env}:`")));
            self.push(
                path(field),
                format!("no value for {}: add {keys} or `default:`", list(&missing)),
            );
        }
        missing.is_empty()
    }

    /// Checks every written value of a per-env field on its own: `check` returns problems as
    /// (path below the value, message).
    pub fn values<T>(
        &mut self,
        field: &[&str],
        value: &PerEnv<T>,
        mut check: impl FnMut(&T) -> Vec<(Path, String)>,
    ) {
        if let Some(default) = &value.default {
            let mut base = path(field);
            if value.varies() {
                base.push("default".to_string());
            }
            for (rest, message) in check(default) {
                let mut p = base.clone();
                p.extend(rest);
                self.push(p, message);
            }
        }
        let envs = self.envs.clone();
        for env in envs {
            let Some(v) = value.by_env.get(env) else {
                continue;
            };
            for (rest, message) in check(v) {
                let mut p = path(field);
                p.push(env.to_string());
                p.extend(rest);
                self.push(p, format!("in {env}: {message}"));
            }
        }
    }

    /// Every written value of a per-env field with where it is written and the prefix its
    /// messages take (`in <env>: ` for a named environment), as [`Checker::values`] reports:
    /// for rules that report warnings too.
    pub fn written<'v, T>(
        &self,
        field: &[&str],
        value: &'v PerEnv<T>,
    ) -> Vec<(Path, String, &'v T)> {
        let mut out = Vec::new();
        if let Some(default) = &value.default {
            let mut at = path(field);
            if value.varies() {
                at.push("default".to_string());
            }
            out.push((at, String::new(), default));
        }
        for env in &self.envs {
            if let Some(v) = value.by_env.get(*env) {
                let mut at = path(field);
                at.push(env.to_string());
                out.push((at, format!("in {env}: "), v));
            }
        }
        out
    }

    /// [`Checker::values`] for a rule with at most one problem per value.
    pub fn value<T>(
        &mut self,
        field: &[&str],
        value: &PerEnv<T>,
        mut check: impl FnMut(&T) -> Option<String>,
    ) {
        self.values(field, value, |v| {
            check(v).map(|m| (Vec::new(), m)).into_iter().collect()
        });
    }

    /// Checks a rule in every environment. When `varies` is false (no value the rule reads
    /// differs between environments) and every environment has the same problems, they are
    /// reported once, without naming an environment.
    pub fn per_env(&mut self, varies: bool, mut check: impl FnMut(&str) -> Vec<Issue>) {
        let results: Vec<(&str, Vec<Issue>)> =
            self.envs.iter().map(|env| (*env, check(env))).collect();
        let uniform = !varies && results.windows(2).all(|w| w[0].1 == w[1].1);
        if uniform {
            if let Some((_, issues)) = results.into_iter().next() {
                for issue in issues {
                    let (path, message) = (issue.path.clone(), issue.message.clone());
                    self.report(issue, path, message);
                }
            }
            return;
        }
        for (env, issues) in results {
            for issue in issues {
                let mut p = issue.path.clone();
                if let Some(at) = issue.env_at {
                    p.insert(at.min(p.len()), env.to_string());
                }
                let message = format!("in {env}: {}", issue.message);
                self.report(issue, p, message);
            }
        }
    }
}
