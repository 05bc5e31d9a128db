//! The generated Terraform repository as a whole: `terraform`'s modules and environment roots,
//! and `scaffold`'s documentation and tooling around them (module READMEs, the root README,
//! linters, CI). It sits above both, so that neither imports the other's caller.

use crate::model::Platform;
use crate::model::kept::Kept;
use crate::terraform;
use crate::tree::{FileSink, Tree};

/// Compiles a validated platform into the files of a Terraform repository. Pure: no I/O.
pub fn compile(platform: &Platform) -> Tree {
    compile_kept(platform, &Kept::default())
}

/// [`compile`] with the values the environments keep from existing objects (see
/// [`terraform::kept`]); `kept` must have no [`terraform::kept::problems`].
pub fn compile_kept(platform: &Platform, kept: &Kept) -> Tree {
    let mut tree = Tree::new();
    compile_into(platform, kept, None, &mut tree);
    tree
}

/// [`compile_kept`] for one environment: the modules and that environment's root, without
/// the repository's other files (what `plan` reads).
pub fn compile_env(platform: &Platform, kept: &Kept, env: &str) -> Tree {
    let mut tree = Tree::new();
    compile_into(platform, kept, Some(env), &mut tree);
    tree
}

/// [`compile_kept`] into `sink`, a file at a time (only environment `only`'s root, and no
/// repository files, when given): the modules, then each environment's root, then the
/// repository's files, so that the sink can write each away before the next is made.
pub fn compile_into(platform: &Platform, kept: &Kept, only: Option<&str>, sink: &mut dyn FileSink) {
    let modules = terraform::prepared_modules(platform, kept);
    let put_under = |sink: &mut dyn FileSink, dir: &str, files: Tree| {
        for (path, contents, _) in files {
            sink.put(format!("{dir}/{path}"), contents);
        }
    };
    // Calls sharing a directory share its code: the first one writes it.
    let mut written: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for module in &modules {
        if written.insert(&module.dir) {
            let mut files = terraform::module_files(module);
            files.insert("README.md", crate::scaffold::module_readme(module));
            put_under(sink, &format!("modules/{}", module.dir), files);
        }
    }
    for env in platform
        .env_names()
        .filter(|e| only.is_none_or(|o| o == *e))
    {
        terraform::root_files(platform, env, &modules, &mut |path, contents| {
            sink.put(format!("environments/{env}/{path}"), contents);
        });
    }
    // README, .gitignore, linters, CI: what the spec's `repository` section asks for.
    if only.is_none() {
        for (path, contents, _) in crate::scaffold::root_files(platform, &modules) {
            sink.put(path, contents);
        }
    }
}
