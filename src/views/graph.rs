//! `ecsnet graph`'s output: the graph as a Mermaid flowchart (renders on GitHub and GitLab) or in Graphviz's dot
//! language. Missing nodes are dashed, drifted ones bold, and both carry the words of their state, so the diagram
//! reads without color.

use std::fmt::Write as _;
use std::io;

use crate::cli::GraphFormat;
use crate::graph::{Graph, Node, State};

/// The graph in `format`, written to `out`.
pub fn write(out: &mut impl io::Write, graph: &Graph, format: GraphFormat) -> io::Result<()> {
    let text = match format {
        GraphFormat::Mermaid => mermaid(graph),
        GraphFormat::Dot => dot(graph),
    };
    out.write_all(text.as_bytes())
}

/// A node's or group's text: its lines, then the state's marker.
fn label_lines(lines: &[String], state: State) -> Vec<String> {
    lines.iter().cloned().chain(state.marker().map(str::to_string)).collect()
}

/// The graph as a Mermaid flowchart: missing nodes dashed, drifted ones bold.
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("graph TD\n");
    let quoted = |lines: Vec<String>| format!("\"{}\"", lines.join("<br/>").replace('"', "#quot;"));
    for node in graph.nodes.iter().filter(|node| node.group.is_none()) {
        let _ = writeln!(out, "    {}[{}]", node.id, quoted(label_lines(&node.lines, node.state)));
    }
    for group in &graph.groups {
        let _ = writeln!(
            out,
            "    subgraph {}[{}]",
            group.id,
            quoted(label_lines(std::slice::from_ref(&group.title), group.state))
        );
        for node in graph.nodes.iter().filter(|node| node.group.as_deref() == Some(group.id.as_str())) {
            let _ = writeln!(out, "        {}[{}]", node.id, quoted(label_lines(&node.lines, node.state)));
        }
        let _ = writeln!(out, "    end");
    }
    for edge in &graph.edges {
        let arrow = if edge.ingress { "-.->" } else { "-->" };
        let label: Vec<String> = edge.label.iter().cloned().chain(edge.state.marker().map(str::to_string)).collect();
        match label.is_empty() {
            true => writeln!(out, "    {} {arrow} {}", edge.from, edge.to),
            false => writeln!(out, "    {} {arrow}|{}| {}", edge.from, quoted(vec![label.join(" ")]), edge.to),
        }
        .ok();
    }
    let _ = writeln!(out, "    classDef missing stroke-dasharray: 5 5,stroke:#2e7d32");
    let _ = writeln!(out, "    classDef drifted stroke:#ef6c00,stroke-width:3px");
    for (state, class) in [(State::Missing, "missing"), (State::Drifted, "drifted")] {
        let ids: Vec<&str> = graph
            .nodes
            .iter()
            .map(|node| (node.id.as_str(), node.state))
            .chain(graph.groups.iter().map(|group| (group.id.as_str(), group.state)))
            .filter(|(_, of)| *of == state)
            .map(|(id, _)| id)
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "    class {} {class}", ids.join(","));
        }
        let links: Vec<String> = graph
            .edges
            .iter()
            .enumerate()
            .filter(|(_, edge)| edge.state == state)
            .map(|(index, _)| index.to_string())
            .collect();
        if !links.is_empty() {
            let style = if state == State::Missing { "stroke:#2e7d32" } else { "stroke:#ef6c00" };
            let _ = writeln!(out, "    linkStyle {} {style}", links.join(","));
        }
    }
    for deleted in &graph.deleted {
        let _ = writeln!(out, "    %% to delete: {deleted}");
    }
    out
}

fn dot_attributes(state: State) -> &'static str {
    match state {
        State::Live => "",
        State::Missing => ", style=dashed, color=darkgreen",
        State::Drifted => ", penwidth=3, color=darkorange",
    }
}

fn dot_quoted(lines: Vec<String>) -> String {
    format!("\"{}\"", lines.join("\\n").replace('"', "\\\""))
}

/// One node in dot, indented as its place in the graph wants.
fn dot_node(out: &mut String, indent: &str, node: &Node) {
    let label = dot_quoted(label_lines(&node.lines, node.state));
    let _ = writeln!(out, "{indent}{} [label={label}{}];", node.id, dot_attributes(node.state));
}

/// The graph in Graphviz's dot language: groups as clusters, missing nodes dashed, drifted ones bold.
pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph ecsnet {\n    rankdir=TB;\n    node [shape=box];\n");
    for node in graph.nodes.iter().filter(|node| node.group.is_none()) {
        dot_node(&mut out, "    ", node);
    }
    for group in &graph.groups {
        let _ = writeln!(out, "    subgraph cluster_{} {{", group.id);
        let _ = writeln!(
            out,
            "        label={}{};",
            dot_quoted(label_lines(std::slice::from_ref(&group.title), group.state)),
            dot_attributes(group.state).replace(", ", "; ")
        );
        for node in graph.nodes.iter().filter(|node| node.group.as_deref() == Some(group.id.as_str())) {
            dot_node(&mut out, "        ", node);
        }
        let _ = writeln!(out, "    }}");
    }
    for edge in &graph.edges {
        let label: Vec<String> = edge.label.iter().cloned().chain(edge.state.marker().map(str::to_string)).collect();
        let mut attributes: Vec<String> = Vec::new();
        if !label.is_empty() {
            attributes.push(format!("label={}", dot_quoted(vec![label.join(" ")])));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{build, fixtures};

    #[test]
    fn two_load_balancers_as_mermaid_and_dot() {
        let graph = build(&fixtures::topology(), &fixtures::observed(), &fixtures::plan());
        insta::with_settings!({filters => vec![(r"arn:[A-Za-z0-9:/._-]+", "[arn]")]}, {
            let mut out = Vec::new();
            write(&mut out, &graph, GraphFormat::Mermaid).unwrap();
            insta::assert_snapshot!("graph_two_shards_mermaid", String::from_utf8(out).unwrap());
            insta::assert_snapshot!("graph_two_shards_dot", dot(&graph));
        });
    }

    /// Before: no snapshot showed a VPC Lattice service in the diagram.
    #[test]
    fn lattice_as_mermaid_and_dot() {
        let (topology, observed, plan) = fixtures::lattice();
        let graph = build(&topology, &observed, &plan);
        insta::assert_snapshot!("graph_lattice_mermaid", mermaid(&graph));
        insta::assert_snapshot!("graph_lattice_dot", dot(&graph));
    }
}
