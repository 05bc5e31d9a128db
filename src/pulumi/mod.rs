//! Model → Pulumi Python project: `Pulumi.yaml`, one `Pulumi.<env>.yaml` stack file per
//! environment (its values, as `terraform.tfvars` holds them for Terraform), `__main__.py`
//! composing one `pulumi.ComponentResource` per concern kept in `components/<concern>.py`,
//! `requirements.txt` and a README. The resources, names and tags are those of the Terraform
//! modules for the same spec and environment.

pub mod component;
mod ecs;
pub mod print;
mod protect;
pub mod py;
pub mod render;
mod secrets;
mod types;
mod width_table;
mod yaml;

use crate::model::{Platform, tags};
use crate::tree::Tree;
use component::{ArgSource, Component, rebase};
use py::{Expr, Stmt, call, name, path, s};
use serde_json::{Map, Value, json};

/// The directory of the Pulumi project inside the output directory.
pub const DIR: &str = "pulumi";

/// The top-level keys of `Pulumi.<env>.yaml` that iacgen writes; every other one (Pulumi's
/// `secretsprovider`, `encryptedkey`, `encryptionsalt`, an ESC `environment`) is kept as it is
/// on disk.
pub const STACK_FILE_OWNED: &[&str] = &["config"];

/// The SDK versions the generated program is checked against (`pulumi-check`).
pub const PULUMI_VERSION: &str = "3.272.0";
pub const PULUMI_AWS_VERSION: &str = "7.51.1";
/// For generated secret values (`RandomPassword`), only when the program uses it.
pub const PULUMI_RANDOM_VERSION: &str = "4.21.4";

/// The components this platform needs, in the order the program creates them (the order of
/// the Terraform modules). Each builder sees the components before it, to wire its arguments to
/// their outputs ([`Component::output`]).
pub fn components(platform: &Platform) -> Vec<Component> {
    let mut components = Vec::new();
    if let Some(network) = &platform.network {
        components.push(render::component(&crate::describe::network::component(
            platform, network,
        )));
    }
    if !platform.secrets.is_empty() {
        components.push(secrets::component(platform));
    }
    // Validation makes sure a platform with `eks` has a network to wire it to.
    if let Some(eks) = &platform.eks
        && components.iter().any(|c| c.instance == "network")
    {
        // Validation makes sure of the outputs it is wired to as well.
        if let Some(eks) =
            render::component_in(&crate::describe::eks::component(platform, eks), &components)
        {
            components.push(eks);
        }
    }
    if let Some(ecs) = &platform.ecs {
        let ecs = ecs::components(platform, ecs, &components);
        components.extend(ecs);
    }
    if let Some(observability) = crate::describe::observability::component(platform)
        .and_then(|c| render::component_in(&c, &components))
    {
        components.push(observability);
    }
    components
}

/// Compiles a validated platform into the files of a Pulumi project, relative to the project
/// directory ([`DIR`] in the output directory, so it has its own manifest and generating one
/// target never touches the other's files). Pure: no I/O.
pub fn compile(platform: &Platform) -> Tree {
    let mut components = components(platform);
    for component in &mut components {
        protect::protect(component);
    }
    let mut tree = Tree::new();
    tree.insert("Pulumi.yaml", project_file(platform));
    for env in platform.env_names() {
        let path = format!("Pulumi.{env}.yaml");
        tree.insert(&path, stack_file(platform, env, &components));
        // Pulumi writes its secrets provider's keys into the same file; they must survive
        // every regeneration (without them the stack cannot decrypt its state).
        tree.share(&path, STACK_FILE_OWNED);
    }
    tree.insert(
        "__main__.py",
        print::module(&main_module(platform, &components)),
    );
    tree.insert(
        "components/__init__.py",
        print::module(&py::Module {
            doc: "One pulumi.ComponentResource per concern, mirroring the Terraform modules."
                .to_string(),
            ..py::Module::default()
        }),
    );
    let mut written = std::collections::BTreeSet::new();
    for c in components
        .iter()
        .filter(|c| written.insert(c.module.clone()))
    {
        tree.insert(
            format!("components/{}.py", c.module),
            print::module(&c.file()),
        );
    }
    let mut requirements = format!("pulumi=={PULUMI_VERSION}\npulumi-aws=={PULUMI_AWS_VERSION}\n");
    let uses_random = components.iter().any(|c| {
        c.imports
            .iter()
            .any(|i| matches!(i, py::Import::Module { module, .. } if module == "pulumi_random"))
    });
    if uses_random {
        requirements.push_str(&format!("pulumi-random=={PULUMI_RANDOM_VERSION}\n"));
    }
    tree.insert("requirements.txt", requirements);
    tree.insert("README.md", readme(platform, &components));
    // The virtualenv the README's commands create and Python's caches stay out of git.
    tree.insert(
        ".gitignore",
        "# Generated by iacgen.\nvenv/\n__pycache__/\n*.pyc\n",
    );
    tree
}

fn project_file(platform: &Platform) -> String {
    let mut project = json!({
        "name": platform.project,
        "description": format!("The {} platform, generated by iacgen from its spec", platform.project),
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}},
    });
    // One URL for the project: only when every stack's state is in the same place.
    if let (Some(url), Value::Object(map)) = (shared_backend_url(platform), &mut project) {
        map.insert("backend".to_string(), json!({ "url": url }));
    }
    yaml::document(&project)
}

/// The spec's backend for `env` as Pulumi's self-managed S3 backend: the stack's state under
/// `<key_prefix>/.pulumi/` in the environment's bucket (beside the Terraform state keys
/// `<key_prefix>/<env>/terraform.tfstate`, never on them). Pulumi's S3 backend cannot assume a
/// role itself: with a `role_arn` the URL names an AWS profile ([`state_profile`]), which the
/// operator defines with that role (the README says how). `None` without a backend, where
/// the state goes wherever the operator is logged in.
pub fn backend_url(platform: &Platform, env: &str) -> Option<String> {
    let s3 = platform.backend.as_ref()?;
    let state = s3.location(env)?;
    let prefix = s3.key_prefix.get(env)?.trim_matches('/');
    // A URL path: anything but unreserved characters and `/` is percent-encoded.
    let encoded: String = prefix
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let path = if encoded.is_empty() {
        String::new()
    } else {
        format!("/{encoded}")
    };
    let mut url = format!(
        "s3://{bucket}{path}?region={region}",
        bucket = state.bucket,
        region = state.region
    );
    if state.role_arn.is_some() {
        url.push_str(&format!("&profile={}", state_profile(platform, env)));
    }
    Some(url)
}

/// The AWS profile a stack's state is read with when the backend assumes a role:
/// `<project>-state` when every environment uses the same role (one profile, one URL for the
/// whole project), otherwise `<project>-<env>-state`.
pub fn state_profile(platform: &Platform, env: &str) -> String {
    let roles = platform
        .backend
        .as_ref()
        .and_then(|s3| s3.role_arn.as_ref());
    let mut each = platform.env_names().map(|e| roles.and_then(|r| r.get(e)));
    let first = each.next().flatten();
    if each.all(|role| role == first) {
        format!("{}-state", platform.project)
    } else {
        format!("{}-{env}-state", platform.project)
    }
}

/// The backend URL of every stack when it is the same for all (`Pulumi.yaml` can hold one).
fn shared_backend_url(platform: &Platform) -> Option<String> {
    let mut urls = platform.env_names().map(|env| backend_url(platform, env));
    let first = urls.next()??;
    urls.all(|u| u.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// `Pulumi.<env>.yaml`: the provider settings and every component setting of `env`.
fn stack_file(platform: &Platform, env: &str, components: &[Component]) -> String {
    let project = &platform.project;
    let mut config = Map::new();
    config.insert(
        "aws:region".to_string(),
        json!(platform.region.get(env).cloned().unwrap_or_default()),
    );
    if let Some(account) = platform.environment(env).and_then(|e| e.account_id.clone()) {
        // The provider refuses to run against any other account, as in the Terraform roots.
        config.insert("aws:allowedAccountIds".to_string(), json!([account]));
    }
    if let Some(role) = platform.environment(env).and_then(|e| e.role_arn.clone()) {
        // The role the provider assumes, as the Terraform root's `assume_role` block.
        config.insert(
            "aws:assumeRoles".to_string(),
            json!([{ "roleArn": role, "sessionName": format!("iacgen-{env}") }]),
        );
    }
    config.insert(format!("{project}:environment"), json!(env));
    if uses_protect(components) {
        let protect = platform.environment(env).is_some_and(|e| e.protects());
        config.insert(format!("{project}:protect"), json!(protect));
    }
    config.insert(
        format!("{project}:tags"),
        json!(tags::tag_set(platform, env)),
    );
    for c in components {
        for arg in &c.args {
            // A null is a setting this stack leaves out (`config.get` reads it as None).
            if let ArgSource::Setting { key, values, .. } = &arg.source
                && let Some(value) = values.get(env).filter(|v| !v.is_null())
            {
                config.insert(format!("{project}:{key}"), value.clone());
            }
        }
    }
    format!(
        "# Stack {env}: the values iacgen generated from the spec. Edit the spec and regenerate\n\
         # rather than editing `config:`. Pulumi's own keys (secretsprovider, encryptedkey,\n\
         # encryptionsalt) are kept as they are when iacgen regenerates this file.\n{}",
        yaml::document(&json!({ "config": config }))
    )
}

/// Whether a component takes the stack's `protect` setting.
fn uses_protect(components: &[Component]) -> bool {
    components.iter().any(|c| {
        c.args
            .iter()
            .any(|a| matches!(&a.source, ArgSource::Wired(Expr::Name(n)) if n == "protect"))
    })
}

fn main_module(platform: &Platform, components: &[Component]) -> py::Module {
    let mut imports = vec![py::import("pulumi")];
    let config = |method: &str, key: &str| name("config").method(method, vec![s(key)]);
    let mut body = vec![
        py::assign("config", call(path("pulumi.Config"), vec![], vec![])),
        py::assign("environment", config("require", "environment")),
        Stmt::Comment("Every physical name starts with <project>-<environment>.".to_string()),
        py::assign(
            "name",
            py::fstr(vec![
                py::part(call(path("pulumi.get_project"), vec![], vec![])),
                py::lit("-"),
                py::part(name("environment")),
            ]),
        ),
        py::assign_typed("tags", "dict[str, str]", config("require_object", "tags")),
    ];
    let wired_region = components.iter().any(|c| {
        c.args
            .iter()
            .any(|a| matches!(&a.source, ArgSource::Wired(Expr::Name(n)) if n == "region"))
    });
    if wired_region {
        body.push(py::assign(
            "region",
            call(path("pulumi.Config"), vec![s("aws")], vec![])
                .method("require", vec![s("region")]),
        ));
    }
    if uses_protect(components) {
        body.push(Stmt::Comment(
            "Whether the stack's stateful resources (keys, secrets, log groups, the cluster)\n\
             refuse to be deleted."
                .to_string(),
        ));
        body.push(py::assign_typed(
            "protect",
            "bool",
            config("require_bool", "protect"),
        ));
    }
    let mut exports = Vec::new();
    let mut imported = std::collections::BTreeSet::new();
    for c in components {
        if imported.insert(c.module.clone()) {
            imports.push(py::from_import(
                &format!("components.{}", c.module),
                &[&c.class, &format!("{}Args", c.class)],
            ));
        }
        let args = call(
            name(&format!("{}Args", c.class)),
            vec![],
            c.args
                .iter()
                .map(|a| (a.field.as_str(), a.value()))
                .collect(),
        );
        body.push(Stmt::Blank);
        body.push(py::assign(
            &c.instance,
            call(name(&c.class), vec![s(&c.instance), args], vec![]),
        ));
        for (output, expr) in &c.outputs {
            exports.push(Stmt::Expr(call(
                path("pulumi.export"),
                vec![
                    s(format!("{}{output}", c.prefix)),
                    rebase(expr, "self", &c.instance),
                ],
                vec![],
            )));
        }
    }
    if !exports.is_empty() {
        body.push(Stmt::Blank);
        body.extend(exports);
    }
    py::Module {
        doc: format!(
            "The {} platform: one stack per environment, its settings in Pulumi.<env>.yaml.",
            platform.project
        ),
        imports,
        body,
    }
}

/// Where each stack's state is, and what Pulumi cannot do that the Terraform backend does.
fn state_section(platform: &Platform) -> String {
    let Some(s3) = &platform.backend else {
        return "State: the spec has no `backend`, so each stack's state goes to the backend you \
                are logged in to (`pulumi login`). Add a `backend` to the spec to pin it."
            .to_string();
    };
    let mut text = match shared_backend_url(platform) {
        Some(url) => format!(
            "State: `Pulumi.yaml` sets `backend.url: {url}`, the spec's backend, so every \
             stack's state is in that bucket under `.pulumi/` below the key prefix (beside the \
             Terraform state keys, never on them), whatever `pulumi login` says (only \
             `PULUMI_BACKEND_URL` overrides it). Pulumi locks a stack during an update with a \
             lock object in the same bucket.\n"
        ),
        None => {
            let mut text = "State: the spec keeps each environment's state in a place of its \
                            own, and `Pulumi.yaml` can name only one backend for every stack, so \
                            it names none: set the stack's backend in `PULUMI_BACKEND_URL` (it \
                            overrides `pulumi login`) before each command of that stack. Each \
                            stack's state is under `.pulumi/` below its key prefix (beside the \
                            Terraform state keys, never on them).\n\n\
                            | Stack | `PULUMI_BACKEND_URL` |\n| ----- | -------------------- |\n"
                .to_string();
            for env in platform.env_names() {
                if let Some(url) = backend_url(platform, env) {
                    text.push_str(&format!("| {env} | `{url}` |\n"));
                }
            }
            text
        }
    };
    let roles: Vec<(String, String)> = platform
        .env_names()
        .filter_map(|env| {
            let role = s3.location(env)?.role_arn?;
            Some((env.to_string(), role))
        })
        .collect();
    if !roles.is_empty() {
        text.push_str(
            "\nPulumi's S3 backend cannot assume a role as the Terraform backend does: the URL \
             names an AWS profile instead, which you define once in `~/.aws/config` with the \
             spec's state role (and your own credentials as its source):\n\n```ini\n",
        );
        let mut listed = Vec::new();
        for (env, role) in &roles {
            let profile = state_profile(platform, env);
            if listed.contains(&profile) {
                continue;
            }
            text.push_str(&format!(
                "[profile {profile}]\nrole_arn = {role}\nsource_profile = default\n\n"
            ));
            listed.push(profile);
        }
        text.truncate(text.trim_end().len());
        text.push_str("\n```\n");
    }
    if s3.dynamodb_table.is_some() {
        text.push_str(
            "\nThe DynamoDB lock table of the spec's backend is Terraform's: Pulumi locks a \
             stack with its own lock object in the bucket.\n",
        );
    }
    text
}

fn readme(platform: &Platform, components: &[Component]) -> String {
    let envs: Vec<&str> = platform.env_names().collect();
    let mut text = format!(
        "# {project} (Pulumi)\n\n\
         Generated by iacgen from the platform spec; edit the spec and regenerate rather than \
         editing these files. The Terraform output of the same spec creates the same AWS \
         resources, with the same names and tags.\n\n\
         ## Layout\n\n\
         - `Pulumi.yaml`: the project (Python runtime).\n\
         - `Pulumi.<env>.yaml`: one stack per environment ({envs}) with its AWS region, allowed \
         account and settings (the counterpart of `terraform.tfvars`).\n\
         - `__main__.py`: reads the stack config and creates the components.\n",
        project = platform.project,
        envs = envs.join(", "),
    );
    let mut listed = std::collections::BTreeSet::new();
    for c in components
        .iter()
        .filter(|c| listed.insert(c.module.clone()))
    {
        text.push_str(&format!(
            "- `components/{}.py`: `{}`, the counterpart of `modules/{}`.\n",
            c.module,
            c.class,
            c.module.replace('_', "-")
        ));
    }
    text.push_str(&format!(
        "\n## Use\n\n\
         ```sh\n\
         python3 -m venv venv && venv/bin/pip install -r requirements.txt\n\
         # once per stack, with a secrets provider the team controls:\n\
         pulumi stack init {env} --secrets-provider \"awskms://alias/<key>?region={region}\"\n\
         pulumi stack select {env}\n\
         pulumi preview\n\
         pulumi up\n\
         ```\n\n\
         `requirements.txt` pins the SDK versions the program was checked against (pyright and a \
         run under Pulumi's mocks).\n\n\
         `pulumi stack init` writes its secrets provider's keys (`secretsprovider`, and \
         `encryptedkey` or `encryptionsalt`) into `Pulumi.<env>.yaml`, the file iacgen \
         generates. iacgen owns only that file's `config:`: it keeps every other top-level key \
         as it is on disk when it regenerates, and does not count Pulumi's rewriting of the file \
         (its layout, quoting, dropped comments) as a hand edit. A hand edit of a `config:` value \
         is still refused; `--force` restores the value and keeps Pulumi's keys.\n\n{state}\n",
        state = state_section(platform).trim_end(),
        env = envs.first().copied().unwrap_or("dev"),
        region = envs
            .first()
            .and_then(|env| platform.region.get(env))
            .map_or("<region>", String::as_str),
    ));
    if components.iter().any(|c| c.module == "observability") {
        text.push_str(&format!(
            "\n## Alarms\n\n{}\n",
            crate::observability::who_is_notified(platform)
        ));
    }
    text.push_str(&secrets::readme_section(platform));
    text
}
