//! A [`Graph`] as a Mermaid flowchart (GitHub renders ```` ```mermaid ```` blocks).
//!
//! Ids are made here, not taken from names: `n<index>_<name with every other character as _>`,
//! so that no spec name can produce a keyword (`end`), an edge operator (`o`/`x` after `--`) or
//! a duplicate. Every label is quoted, with Mermaid's entity codes for the characters that
//! would end or change it.

use super::{Graph, Shape};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The flowchart, ending with a newline.
pub fn render(graph: &Graph) -> String {
    let ids = Ids::new(graph);
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", title(&graph.title));
    out.push_str("flowchart LR\n");
    write_group(&mut out, graph, &ids, None, 1);
    for edge in &graph.edges {
        let arrow = if edge.dashed { "-.->" } else { "-->" };
        let label = edge
            .label
            .as_deref()
            .map(|l| format!("|\"{}\"|", escape(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {arrow}{label} {}",
            ids.get(&edge.from),
            ids.get(&edge.to)
        );
    }
    out
}

/// The nodes and subgroups of `parent` (`None`: the top level).
fn write_group(out: &mut String, graph: &Graph, ids: &Ids, parent: Option<&str>, depth: usize) {
    let pad = "  ".repeat(depth);
    for node in graph.nodes.iter().filter(|n| n.group.as_deref() == parent) {
        let text = node
            .label
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match node.shape {
            Shape::Box | Shape::Note => ("[", "]"),
            Shape::Rounded => ("(", ")"),
            Shape::Cylinder => ("[(", ")]"),
            Shape::Circle => ("((", "))"),
        };
        let _ = writeln!(out, "{pad}{}{open}\"{text}\"{close}", ids.get(&node.id));
    }
    for group in graph
        .groups
        .iter()
        .filter(|g| g.parent.as_deref() == parent)
    {
        let _ = writeln!(
            out,
            "{pad}subgraph {}[\"{}\"]",
            ids.get(&group.id),
            escape(&group.label)
        );
        write_group(out, graph, ids, Some(&group.id), depth + 1);
        let _ = writeln!(out, "{pad}end");
    }
}

/// Graph ids → Mermaid ids.
struct Ids(BTreeMap<String, String>);

impl Ids {
    fn new(graph: &Graph) -> Self {
        let all = graph
            .groups
            .iter()
            .map(|g| &g.id)
            .chain(graph.nodes.iter().map(|n| &n.id));
        let map = all
            .enumerate()
            .map(|(i, id)| {
                let safe: String = id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                (id.clone(), format!("n{i}_{safe}"))
            })
            .collect();
        Ids(map)
    }

    /// An edge to an id that is not a node gets a fresh, valid id rather than broken syntax.
    fn get(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| {
            let safe: String = id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!("missing_{safe}")
        })
    }
}

/// Text inside a quoted Mermaid label: entity codes for `"`, `#`, `&`, `<`, `>`, `|` and `` ` ``,
/// line breaks as spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The front-matter title is YAML: a double-quoted scalar.
fn title(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
