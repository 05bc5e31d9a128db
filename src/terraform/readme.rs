//! Module READMEs: written by `scaffold` with the rest of the repository's documentation.

use super::module::Module;

pub fn module_readme(module: &Module) -> String {
    crate::scaffold::module_readme(module)
}
