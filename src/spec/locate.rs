//! Points a `model::validate` problem (a spec field path) at the file.

use super::SpecError;
use super::document::{Node, Pos, Value};
use crate::model::validate::Problem;

pub fn locate(root: &Node, problem: &Problem, file: &str) -> SpecError {
    let (pos, path) = find(root, &problem.path);
    SpecError {
        file: file.to_string(),
        line: pos.line,
        column: pos.column,
        path,
        message: problem.message.clone(),
    }
}

/// The position of the deepest node along `path` that the document has, and the path written
/// as `a.b[0].c`. A scalar is shown at its value; a map or list at the key that introduced it.
fn find(root: &Node, path: &[String]) -> (Pos, String) {
    // The model folds `environments.<env>.region` into `region.<env>`: point where it was set.
    if let [first, env, ..] = path
        && first == "region"
        && let Some((_, node)) = root
            .entry("environments")
            .and_then(|(_, envs)| envs.entry(env))
            .and_then(|(_, e)| e.entry("region"))
    {
        return (node.pos, format!("environments.{env}.region"));
    }

    let mut node = root;
    let mut key_pos: Option<Pos> = None;
    let mut reached = true;
    let mut shown = String::new();
    for segment in path {
        let mut step = None;
        if reached {
            match &node.value {
                Value::Map(_) => {
                    if let Some((key, child)) = node.entry(segment) {
                        step = Some((child, Some(key.pos)));
                    }
                }
                Value::Seq(items) => {
                    if let Some(child) = segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        step = Some((child, None));
                    }
                }
                _ => {}
            }
        }
        let is_index = matches!(node.value, Value::Seq(_)) && segment.parse::<usize>().is_ok();
        if is_index && reached {
            shown.push_str(&format!("[{segment}]"));
        } else {
            if !shown.is_empty() {
                shown.push('.');
            }
            shown.push_str(segment);
        }
        match step {
            Some((child, key)) => {
                node = child;
                key_pos = key;
            }
            None => reached = false,
        }
    }
    let pos = match (&node.value, key_pos) {
        (Value::Map(_) | Value::Seq(_) | Value::Null, Some(key)) => key,
        _ => node.pos,
    };
    (pos, shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::document::Key;

    fn key(name: &str, line: usize) -> Key {
        Key {
            name: name.to_string(),
            pos: Pos::new(line, 3),
        }
    }

    #[test]
    fn deeper_paths_stop_at_the_deepest_node() {
        // memory: 512 (line 2), taints: [ {effect: X} ] (line 3)
        let memory = Node::new(Value::Int(512), Pos::new(2, 11));
        let effect = Node::new(Value::Str("X".into()), Pos::new(4, 15));
        let taint = Node::new(Value::Map(vec![(key("effect", 4), effect)]), Pos::new(4, 7));
        let taints = Node::new(Value::Seq(vec![taint]), Pos::new(4, 5));
        let root = Node::new(
            Value::Map(vec![(key("memory", 2), memory), (key("taints", 3), taints)]),
            Pos::new(1, 1),
        );
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            find(&root, &path(&["memory", "prod"])),
            (Pos::new(2, 11), "memory.prod".to_string())
        );
        assert_eq!(
            find(&root, &path(&["taints", "0", "effect"])),
            (Pos::new(4, 15), "taints[0].effect".to_string())
        );
        assert_eq!(
            find(&root, &path(&["taints"])),
            (Pos::new(3, 3), "taints".to_string())
        );
        assert_eq!(
            find(&root, &path(&["missing", "x"])),
            (Pos::new(1, 1), "missing.x".to_string())
        );
    }

    #[test]
    fn problems_point_into_a_parsed_file() {
        let text = "version: 1\nenvironments:\n  prod:\n    region: eu-west-1\necs:\n  services:\n    api:\n      memory: 512\n";
        let root = crate::spec::parse::parse(text, crate::spec::Format::Yaml).expect("parses");
        let at = |path: &[&str]| {
            let e = locate(&root, &Problem::new(path, "bad"), "f.yaml");
            (e.line, e.column, e.path)
        };
        // A per-env path on a plain value: the value's line.
        assert_eq!(
            at(&["ecs", "services", "api", "memory", "prod"]),
            (8, 15, "ecs.services.api.memory.prod".to_string())
        );
        // A map: its key.
        assert_eq!(
            at(&["ecs", "services", "api"]),
            (7, 5, "ecs.services.api".to_string())
        );
        // The folded region of an environment: where the environment sets it.
        assert_eq!(
            at(&["region", "prod"]),
            (4, 13, "environments.prod.region".to_string())
        );
    }
}
