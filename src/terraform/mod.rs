//! Model → Terraform repository: `modules/<name>/` shared by every environment, and one root
//! per environment under `environments/<env>/`.

mod common;
pub mod ecs;
mod interface;
pub mod kept;
mod module;
mod protect;
mod readme;
pub mod render;
mod root;
mod secrets;

pub use module::{Input, Module, Source};
pub use root::{AWS_PROVIDER_VERSION, TERRAFORM_VERSION};

use crate::hcl::print_body;
use crate::model::Platform;
use crate::model::kept::Kept;
use crate::tree::{FileSink, Tree};

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

/// Compiles a validated platform into the files of a Terraform repository. Pure: no I/O.
pub fn compile(platform: &Platform) -> Tree {
    compile_kept(platform, &Kept::default())
}

/// [`compile`] with the values the environments keep from existing objects (see
/// [`kept`]); `kept` must have no [`kept::problems`].
pub fn compile_kept(platform: &Platform, kept: &Kept) -> Tree {
    compile_only(platform, kept, None)
}

/// [`compile_kept`] for one environment: the modules and that environment's root, without
/// the repository's other files (what `plan` reads).
pub fn compile_env(platform: &Platform, kept: &Kept, env: &str) -> Tree {
    compile_only(platform, kept, Some(env))
}

fn compile_only(platform: &Platform, kept: &Kept, only: Option<&str>) -> Tree {
    let mut tree = Tree::new();
    compile_into(platform, kept, only, &mut tree);
    tree
}

/// [`compile_kept`] into `sink`, a file at a time: the modules, then each environment's
/// root, then the repository's files, so that the sink can write each away before the next
/// is made.
pub fn compile_into(platform: &Platform, kept: &Kept, only: Option<&str>, sink: &mut dyn FileSink) {
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
    let put_under = |sink: &mut dyn FileSink, dir: &str, files: Tree| {
        for (path, contents, _) in files {
            sink.put(format!("{dir}/{path}"), contents);
        }
    };
    // Calls sharing a directory share its code: the first one writes it.
    let mut written: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for module in &modules {
        if written.insert(&module.dir) {
            put_under(
                sink,
                &format!("modules/{}", module.dir),
                module_files(module),
            );
        }
    }
    for env in platform
        .env_names()
        .filter(|e| only.is_none_or(|o| o == *e))
    {
        let mut files = root::files(platform, env, &modules);
        if let Some(readme) = secrets::environment_readme(platform, env) {
            files.insert("README.md", readme);
        }
        put_under(sink, &format!("environments/{env}"), files);
    }
    // README, .gitignore, linters, CI: what the spec's `repository` section asks for.
    if only.is_none() {
        for (path, contents, _) in crate::scaffold::root_files(platform, &modules) {
            sink.put(path, contents);
        }
    }
}

fn module_files(module: &Module) -> Tree {
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
    tree.insert("README.md", readme::module_readme(module));
    tree
}
