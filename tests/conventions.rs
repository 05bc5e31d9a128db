//! Conventions every generated repository keeps, checked on every example spec: tags on every
//! taggable resource (per the AWS provider schema), no `count`, documented variables and
//! outputs, and the automatic tags in every environment's tag set. And one of the code itself:
//! src/'s folders import in one direction (ARCHITECTURE.md).

mod support;

use hcl::{Block, Body, Structure};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> Vec<PathBuf> {
    let specs = support::examples();
    assert!(specs.len() >= 5, "expected at least five example specs");
    specs
}

/// Resource types whose schema has a `tags` argument, from the AWS provider schema in
/// ../shared/tools (committed there, no setup needed).
fn taggable_types() -> Option<BTreeSet<String>> {
    let tools = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/tools"));
    let text = match std::fs::read_to_string(tools.join("aws-schema.json")) {
        Ok(t) => t,
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "note: no aws-schema.json under {}; skipping",
                tools.display()
            );
            return None;
        }
        Err(e) => panic!("aws-schema.json is needed in CI: {e}"),
    };
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = schema["resource"].as_object().unwrap();
    Some(
        resources
            .iter()
            .filter(|(_, block)| block["attrs"].get("tags").is_some())
            .map(|(name, _)| name.clone())
            .collect(),
    )
}

fn blocks<'a>(body: &'a Body, ident: &str) -> Vec<&'a Block> {
    body.iter()
        .filter_map(|s| match s {
            Structure::Block(b) if b.identifier() == ident => Some(b),
            _ => None,
        })
        .collect()
}

fn has_attr(block: &Block, name: &str) -> bool {
    block
        .body()
        .iter()
        .any(|s| matches!(s, Structure::Attribute(a) if a.key() == name))
}

fn for_each_generated_tf(mut check: impl FnMut(&str, &str, &Body)) {
    for spec in examples() {
        let platform = iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let tree = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        for (path, contents) in tree.iter() {
            if path.ends_with(".tf") || path.ends_with(".tfvars") {
                let body: Body = hcl::parse(contents)
                    .unwrap_or_else(|e| panic!("{}: {path} does not parse: {e}", spec.display()));
                check(&spec.display().to_string(), path, &body);
            }
        }
    }
}

#[test]
fn every_taggable_resource_is_tagged() {
    let Some(taggable) = taggable_types() else {
        return;
    };
    let mut missing = Vec::new();
    let mut checked = 0;
    for_each_generated_tf(|spec, path, body| {
        for block in blocks(body, "resource") {
            let kind = block.labels()[0].as_str();
            if taggable.contains(kind) {
                checked += 1;
                if !has_attr(block, "tags") {
                    missing.push(format!(
                        "{spec}: {path}: {kind}.{}",
                        block.labels()[1].as_str()
                    ));
                }
            }
        }
    });
    assert!(checked > 20, "only {checked} taggable resources seen");
    assert!(
        missing.is_empty(),
        "untagged resources:\n{}",
        missing.join("\n")
    );
}

#[test]
fn collections_use_for_each_never_count() {
    for_each_generated_tf(|spec, path, body| {
        for block in blocks(body, "resource")
            .into_iter()
            .chain(blocks(body, "module"))
        {
            assert!(
                count_of(block).is_none_or(is_switch),
                "{spec}: {path}: count over a collection in {:?}",
                block.labels()
            );
        }
    });
}

fn count_of(block: &Block) -> Option<&hcl::Expression> {
    block.body().iter().find_map(|s| match s {
        Structure::Attribute(a) if a.key() == "count" => Some(a.expr()),
        _ => None,
    })
}

/// `count = CONDITION ? 0 : 1`: one instance or none, never a collection. DESIGN.md forbids
/// `count` over a list (an element's address would follow its position); a switch keeps the
/// address `NAME[0]`, to which Terraform moves a resource that had no `count` by itself (the
/// service module's single egress rules, which `existing_rules` can switch off).
fn is_switch(count: &hcl::Expression) -> bool {
    let text = count.to_string();
    text.ends_with("? 0 : 1") || text.ends_with("? 1 : 0")
}

#[test]
fn variables_and_outputs_are_documented_and_typed() {
    for_each_generated_tf(|spec, path, body| {
        for var in blocks(body, "variable") {
            let name = var.labels()[0].as_str();
            assert!(
                has_attr(var, "description"),
                "{spec}: {path}: variable {name}"
            );
            assert!(has_attr(var, "type"), "{spec}: {path}: variable {name}");
        }
        for output in blocks(body, "output") {
            let name = output.labels()[0].as_str();
            assert!(
                has_attr(output, "description"),
                "{spec}: {path}: output {name}"
            );
        }
    });
}

#[test]
fn every_environment_gets_the_automatic_tags() {
    for spec in examples() {
        let platform = iacgen::spec::load_file(&spec).unwrap();
        for env in platform.env_names() {
            let tags = iacgen::model::tags::tag_set(&platform, env);
            assert_eq!(tags.get("Environment").map(String::as_str), Some(env));
            assert_eq!(tags.get("Project"), Some(&platform.project));
            assert_eq!(tags.get("ManagedBy").map(String::as_str), Some("iacgen"));
            for key in &platform.tag_policy {
                assert!(
                    tags.contains_key(key),
                    "{}: {env} lacks {key}",
                    spec.display()
                );
            }
            for (key, value) in &platform.tags {
                assert_eq!(tags.get(key), Some(value));
            }
        }
    }
}

/// Security groups are replaced create-first (issue 15, findings 9 and 17): what uses a group
/// (tasks, load balancers, endpoints) blocks its deletion, so the new one must exist first,
/// under a unique name. Terraform: `name_prefix` and `create_before_destroy`; Pulumi:
/// `name_prefix` (Pulumi replaces create-first unless a fixed name collides).
#[test]
fn security_groups_are_named_from_a_prefix_and_replaced_create_first() {
    let mut groups = 0;
    for_each_generated_tf(|spec, path, body| {
        for block in blocks(body, "resource") {
            if block.labels().first().map(|l| l.as_str()) != Some("aws_security_group") {
                continue;
            }
            groups += 1;
            let at = format!("{spec}: {path}: {:?}", block.labels());
            assert!(has_attr(block, "name_prefix"), "{at}: no name_prefix");
            assert!(!has_attr(block, "name"), "{at}: a fixed name");
            let create_first = blocks(block.body(), "lifecycle").iter().any(|l| {
                l.body().attributes().any(|a| {
                    a.key() == "create_before_destroy" && *a.expr() == hcl::Expression::Bool(true)
                })
            });
            assert!(create_first, "{at}: not create_before_destroy");
        }
    });
    assert!(groups > 0, "no security group in any example");

    let mut constructors = 0;
    for spec in examples() {
        let platform = iacgen::spec::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
        let tree = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        for (path, text) in tree.iter() {
            for (at, _) in text.match_indices("aws.ec2.SecurityGroup(") {
                constructors += 1;
                let call = &text[at..];
                // The call ends at the first line that closes it (at any depth: a keyed group is
                // built in a comprehension).
                let end = call
                    .match_indices('\n')
                    .map(|(i, _)| i)
                    .find(|&i| call[i + 1..].trim_start_matches(' ').starts_with(')'))
                    .unwrap_or(call.len());
                let call = &call[..end];
                assert!(
                    call.contains("name_prefix=") && !call.contains("\n            name="),
                    "{}: {path}: {call}",
                    spec.display()
                );
            }
        }
    }
    assert!(constructors > 0, "no Pulumi security group in any example");
}

/// The top-level folders (and files) of src/ each module imports with `crate::…`, leaving out
/// `#[cfg(test)]` code, `tests.rs` files, main.rs and lib.rs (the top, which may import anything).
fn src_imports() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = manifest_dir().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut imports: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for path in files {
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let top = first.to_string_lossy().trim_end_matches(".rs").to_string();
        if top == "main" || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != top {
                imports.entry(top.clone()).or_default().insert(name);
            }
        }
    }
    imports
}

/// ARCHITECTURE.md: folders import in one direction. A folder that imports one that (through
/// others) imports it back is a cycle; this names the first found, as the chain of imports.
#[test]
fn src_folders_import_in_one_direction() {
    let imports = src_imports();
    // The chain of imports from `from` to `to`, if there is one.
    let path = |from: &str, to: &str| -> Option<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![vec![from.to_string()]];
        while let Some(chain) = stack.pop() {
            let last = chain.last().unwrap().clone();
            if last == to {
                return Some(chain);
            }
            if !seen.insert(last.clone()) {
                continue;
            }
            for next in imports.get(&last).into_iter().flatten() {
                let mut longer = chain.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
        None
    };
    for (from, tos) in &imports {
        for to in tos {
            if let Some(back) = path(to, from) {
                panic!(
                    "import cycle between folders of src/: {from} → {}",
                    back.join(" → ")
                );
            }
        }
    }
    // Reading spec files needs the model only: checks against generated code are above it.
    assert_eq!(
        imports.get("spec").cloned().unwrap_or_default(),
        BTreeSet::from(["model".to_string()]),
        "src/spec imports more than the model"
    );
}
