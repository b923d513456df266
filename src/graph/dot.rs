//! The graph in Graphviz's dot language: groups as clusters, missing nodes dashed, drifted ones bold.

use std::fmt::Write as _;

use super::{label_lines, Graph, State};

fn attributes(state: State) -> &'static str {
    match state {
        State::Live => "",
        State::Missing => ", style=dashed, color=darkgreen",
        State::Drifted => ", penwidth=3, color=darkorange",
    }
}

fn quoted(lines: Vec<String>) -> String {
    format!("\"{}\"", lines.join("\\n").replace('"', "\\\""))
}

pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph ecsnet {\n    rankdir=TB;\n    node [shape=box];\n");
    for node in graph.nodes.iter().filter(|node| node.group.is_none()) {
        let _ = writeln!(
            out,
            "    {} [label={}{}];",
            node.id,
            quoted(label_lines(&node.lines, node.state)),
            attributes(node.state)
        );
    }
    for group in &graph.groups {
        let _ = writeln!(out, "    subgraph cluster_{} {{", group.id);
        let _ = writeln!(
            out,
            "        label={}{};",
            quoted(label_lines(std::slice::from_ref(&group.title), group.state)),
            attributes(group.state).replace(", ", "; ")
        );
        for node in graph.nodes.iter().filter(|node| node.group.as_deref() == Some(group.id.as_str())) {
            let _ = writeln!(
                out,
                "        {} [label={}{}];",
                node.id,
                quoted(label_lines(&node.lines, node.state)),
                attributes(node.state)
            );
        }
        let _ = writeln!(out, "    }}");
    }
    for edge in &graph.edges {
        let label: Vec<String> = edge.label.iter().cloned().chain(edge.state.marker().map(str::to_string)).collect();
        let mut attributes: Vec<String> = Vec::new();
        if !label.is_empty() {
            attributes.push(format!("label={}", quoted(vec![label.join(" ")])));
        }
        match (edge.ingress, edge.state) {
            (true, _) => attributes.push("style=dotted".into()),
            (false, State::Missing) => attributes.push("style=dashed".into()),
            _ => {}
        }
        match edge.state {
            State::Live => {}
            State::Missing => attributes.push("color=darkgreen".into()),
            State::Drifted => attributes.extend(["penwidth=3".to_string(), "color=darkorange".to_string()]),
        }
        let attributes = attributes.join(", ");
        match attributes.is_empty() {
            true => writeln!(out, "    {} -> {};", edge.from, edge.to),
            false => writeln!(out, "    {} -> {} [{attributes}];", edge.from, edge.to),
        }
        .ok();
    }
    for deleted in &graph.deleted {
        let _ = writeln!(out, "    // to delete: {deleted}");
    }
    out.push_str("}\n");
    out
}
