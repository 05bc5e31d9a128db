//! A [`Graph`] in Graphviz's dot language.
//!
//! Every id and label is a double-quoted string (`\"` and `\\` escaped, so that dot's own
//! escapes like `\N` or `\l` cannot be formed by a name); groups are `cluster_` subgraphs.

use super::{Graph, Shape};
use std::fmt::Write;

/// The digraph, ending with a newline.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&graph.title));
    let _ = writeln!(out, "  label={};", quote(&graph.title));
    out.push_str("  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    write_group(&mut out, graph, None, 1);
    for edge in &graph.edges {
        let mut attrs = Vec::new();
        if let Some(label) = &edge.label {
            attrs.push(format!("label={}", quote(label)));
        }
        if edge.dashed {
            attrs.push("style=dashed".to_string());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "  {} -> {}{attrs};",
            quote(&edge.from),
            quote(&edge.to)
        );
    }
    out.push_str("}\n");
    out
}

fn write_group(out: &mut String, graph: &Graph, parent: Option<&str>, depth: usize) {
    let pad = "  ".repeat(depth);
    for node in graph.nodes.iter().filter(|n| n.group.as_deref() == parent) {
        let shape = match node.shape {
            Shape::Box => "box",
            Shape::Rounded => "box, style=rounded",
            Shape::Cylinder => "cylinder",
            Shape::Circle => "ellipse",
            Shape::Note => "note",
        };
        let _ = writeln!(
            out,
            "{pad}{} [label={}, shape={shape}];",
            quote(&node.id),
            quote(&node.label.join("\n"))
        );
    }
    for group in graph
        .groups
        .iter()
        .filter(|g| g.parent.as_deref() == parent)
    {
        let _ = writeln!(
            out,
            "{pad}subgraph {} {{",
            quote(&format!("cluster_{}", group.id))
        );
        let _ = writeln!(out, "{pad}  label={};", quote(&group.label));
        write_group(out, graph, Some(&group.id), depth + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// A dot double-quoted string; line breaks become dot's centred `\n`.
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
