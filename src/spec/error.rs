//! Located spec errors.

use std::fmt;

/// One problem in a spec file. `line`/`column` are 1-based; 0 when unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file name as given by the caller.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Spec field path, e.g. `ecs.services.api.memory`; empty for the whole document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// The error printed as a warning: `FILE:LINE:COLUMN: warning: FIELD: MESSAGE`.
    pub fn warning(&self) -> String {
        let mut line = format!("{}:{}:{}: warning: ", self.file, self.line, self.column);
        if !self.path.is_empty() {
            line.push_str(&self.path);
            line.push_str(": ");
        }
        line.push_str(&self.message);
        line
    }
}

/// All problems found in one run (never empty), sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// Sorts by position (then message and path) and drops exact repeats.
    pub(crate) fn sorted(mut errors: Vec<SpecError>) -> Self {
        errors.sort_by(|a, b| {
            (a.line, a.column, &a.message, &a.path).cmp(&(b.line, b.column, &b.message, &b.path))
        });
        errors.dedup();
        SpecErrors(errors)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, SpecError> {
        self.0.iter()
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

impl<'a> IntoIterator for &'a SpecErrors {
    type Item = &'a SpecError;
    type IntoIter = std::slice::Iter<'a, SpecError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
