//! TEMPORARY stub (replaced by the wt-spec branch).
use crate::model::Platform;
use std::path::Path;
pub struct SpecErrors(pub Vec<String>);
impl std::fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.join("\n"))
    }
}
pub fn load_file(_path: &Path) -> Result<Platform, SpecErrors> {
    Err(SpecErrors(vec!["stub".into()]))
}
