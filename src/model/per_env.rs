//! Values that may differ between environments.

use std::collections::BTreeMap;

/// A value given once for every environment, or per environment with an optional `default`
/// for the environments not named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerEnv<T> {
    /// The value of every environment not listed in `by_env`.
    pub default: Option<T>,
    /// Values for named environments.
    pub by_env: BTreeMap<String, T>,
}

impl<T> PerEnv<T> {
    /// The same value in every environment.
    pub fn all(value: T) -> Self {
        Self {
            default: Some(value),
            by_env: BTreeMap::new(),
        }
    }

    /// No default: every environment must be named with [`PerEnv::with`].
    pub fn none() -> Self {
        Self {
            default: None,
            by_env: BTreeMap::new(),
        }
    }

    /// Sets the value of one environment.
    pub fn with(mut self, env: &str, value: T) -> Self {
        self.by_env.insert(env.to_string(), value);
        self
    }

    /// The value for `env`: its own, or the default.
    pub fn get(&self, env: &str) -> Option<&T> {
        self.by_env.get(env).or(self.default.as_ref())
    }

    /// Whether the value is written as a per-environment map (not one plain value).
    pub fn varies(&self) -> bool {
        !self.by_env.is_empty()
    }

    /// Applies `f` to every value, keeping the shape.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> PerEnv<U> {
        PerEnv {
            default: self.default.as_ref().map(&mut f),
            by_env: self.by_env.iter().map(|(k, v)| (k.clone(), f(v))).collect(),
        }
    }
}

impl<T> From<T> for PerEnv<T> {
    fn from(value: T) -> Self {
        Self::all(value)
    }
}
