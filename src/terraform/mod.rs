//! Model → Terraform repository: `modules/<name>/` shared by every environment, and one root
//! per environment under `environments/<env>/`.

mod common;
pub mod ecs;
mod interface;
pub mod kept;
mod module;
mod protect;
pub mod render;
mod root;
mod secrets;

pub use module::{Input, Module, PerEnv, Source};
pub use root::{AWS_PROVIDER_VERSION, TERRAFORM_VERSION};

use crate::hcl::print_body;
use crate::model::Platform;
use crate::model::kept::Kept;
use crate::tree::Tree;

/// The modules this platform needs, in the order roots call them.
pub fn modules(platform: &Platform) -> Vec<Module> {
    let mut modules = Vec::new();
    if let Some(network) = &platform.network {
        modules.push(render::module(&crate::describe::network::component(
            platform, network,
        )));
    }
    if !platform.secrets.is_empty() {
        modules.push(render::module(&crate::describe::secrets::component(
            platform,
        )));
    }
    if let Some(eks) = &platform.eks {
        modules.push(render::module(&crate::describe::eks::component(
            platform, eks,
        )));
    }
    if let Some(ecs) = &platform.ecs {
        modules.extend(ecs::modules(platform, ecs));
    }
    if let Some(observability) = crate::describe::observability::component(platform) {
        modules.push(render::module(&observability));
    }
    modules
}

/// The module calls of `platform` as the roots make them: [`modules`] with protection of
/// stateful resources (when the spec asks for it) and the values environments keep (see
/// [`kept`]; `kept` must have no [`kept::problems`]).
pub fn prepared_modules(platform: &Platform, kept: &Kept) -> Vec<Module> {
    let mut modules = modules(platform);
    if platform.protects_any() {
        // Once per directory: its calls share one body.
        let mut protected: std::collections::BTreeMap<String, std::rc::Rc<crate::hcl::Body>> =
            std::collections::BTreeMap::new();
        for module in &mut modules {
            match protected.get(&module.dir) {
                Some(main) => module.main = main.clone(),
                None => {
                    protect::protect(std::rc::Rc::make_mut(&mut module.main));
                    protected.insert(module.dir.clone(), module.main.clone());
                }
            }
        }
    }
    let envs: Vec<String> = platform.env_names().map(str::to_string).collect();
    kept::apply(kept, &mut modules, &envs);
    modules
}

/// The files of `environments/<env>/`, each handed to `put` (with its path relative to that
/// directory) as soon as it is printed.
pub fn root_files(
    platform: &Platform,
    env: &str,
    modules: &[Module],
    put: &mut dyn FnMut(&str, String),
) {
    root::files(platform, env, modules, put);
    if let Some(readme) = secrets::environment_readme(platform, env) {
        put("README.md", readme);
    }
}

/// The Terraform files of `modules/<dir>/` for a call of it, relative to that directory
/// (its README is documentation: `scaffold` writes it).
pub fn module_files(module: &Module) -> Tree {
    let mut tree = Tree::new();
    tree.insert("main.tf", print_body(&module.main));
    tree.insert(
        "variables.tf",
        interface::variables_text(module.inputs.iter().map(|i| &i.var)),
    );
    tree.insert("outputs.tf", interface::outputs_text(&module.outputs));
    tree.insert(
        "versions.tf",
        print_body(&root::versions_file(&root::providers_used([&*module.main]))),
    );
    tree
}
