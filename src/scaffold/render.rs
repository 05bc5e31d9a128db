//! The Tera templates compiled into the binary, and rendering them.
//!
//! Two engines: Markdown and plain text use Tera's usual `{{ }}`; YAML templates use `[[ ]]`
//! for values, because GitHub Actions expressions (`${{ ... }}`) must stay as written.

use serde::Serialize;
use std::sync::OnceLock;
use tera::{Context, Delimiters, Kwargs, State, Tera};

const TEXT: &[(&str, &str)] = &[
    ("README.md", include_str!("templates/README.md.tera")),
    (
        "module-README.md",
        include_str!("templates/module-README.md.tera"),
    ),
    (".gitignore", include_str!("templates/gitignore.tera")),
    (
        "platform.yaml",
        include_str!("templates/platform.yaml.tera"),
    ),
];

const YAML: &[(&str, &str)] = &[
    (
        ".pre-commit-config.yaml",
        include_str!("templates/pre-commit-config.yaml.tera"),
    ),
    (
        ".terraform-docs.yml",
        include_str!("templates/terraform-docs.yml.tera"),
    ),
    (
        "terraform.yml",
        include_str!("templates/terraform.yml.tera"),
    ),
];

struct Engines {
    text: Tera,
    yaml: Tera,
}

fn engine(templates: &[(&str, &str)], delimiters: Option<Delimiters>) -> tera::TeraResult<Tera> {
    let mut tera = Tera::new();
    // Nothing here is HTML: never escape.
    tera.autoescape_on(Vec::<&str>::new());
    if let Some(delimiters) = delimiters {
        tera.set_delimiters(delimiters)?;
    }
    // A double-quoted scalar for YAML (JSON strings are valid YAML).
    tera.register_filter("quote", |s: &str, _: Kwargs, _: &State| {
        serde_json::to_string(s).unwrap_or_default()
    });
    tera.add_raw_templates(templates.iter().copied())?;
    Ok(tera)
}

fn engines() -> Result<&'static Engines, &'static str> {
    static ENGINES: OnceLock<Result<Engines, String>> = OnceLock::new();
    let built = ENGINES.get_or_init(|| {
        let yaml_delimiters = Delimiters {
            variable_start: "[[".into(),
            variable_end: "]]".into(),
            ..Delimiters::default()
        };
        Ok(Engines {
            text: engine(TEXT, None).map_err(|e| e.to_string())?,
            yaml: engine(YAML, Some(yaml_delimiters)).map_err(|e| e.to_string())?,
        })
    });
    built.as_ref().map_err(String::as_str)
}

/// Renders the template `name` with `context`. Templates and contexts are fixed at compile
/// time, so a failure is a bug in iacgen (the tests render every template); the text then
/// says so rather than crashing the run.
pub fn render(name: &str, context: &impl Serialize) -> String {
    let rendered = engines().map_err(str::to_string).and_then(|engines| {
        let context = Context::from_serialize(context).map_err(|e| e.to_string())?;
        let tera = if YAML.iter().any(|(n, _)| *n == name) {
            &engines.yaml
        } else {
            &engines.text
        };
        tera.render(name, &context).map_err(|e| format!("{e:?}"))
    });
    rendered.unwrap_or_else(|error| format!("{FAILED} {name}: {error}\n"))
}

/// How a failed rendering starts, for tests.
pub const FAILED: &str = "iacgen internal error: could not render";
