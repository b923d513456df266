//! The graph as a Mermaid flowchart (renders on GitHub and GitLab): missing nodes dashed, drifted ones bold.

use std::fmt::Write as _;

use super::{label_lines, Graph, State};

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
