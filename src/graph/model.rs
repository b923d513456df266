//! The graph itself: nodes, the edges between them, and the boxes (groups) they are drawn in, each with the state
//! the plan gives its resource.

/// What the plan says about a node's or edge's resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In live state as the file wants it (or nothing of its own to check).
    Live,
    /// Not in live state: apply creates it.
    Missing,
    /// In live state, different: apply updates or replaces it.
    Drifted,
}

impl State {
    /// The words added to a label, so the diagram reads without color.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            State::Live => None,
            State::Missing => Some("(missing)"),
            State::Drifted => Some("(drifted)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub lines: Vec<String>,
    pub state: State,
    /// The box it is drawn in: an ECS cluster, the DNS zone, the Cloud Map namespace.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub state: State,
    /// Security group ingress, drawn dashed: who may connect, not where requests are sent.
    pub ingress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Resources the plan deletes: no longer in the file, so not drawn, but listed.
    pub deleted: Vec<String>,
}

impl Graph {
    pub(super) fn has_node(&self, id: &str) -> bool {
        self.nodes.iter().any(|node| node.id == id)
    }

    pub(super) fn node(&mut self, id: String, lines: Vec<String>, state: State, group: Option<String>) {
        self.nodes.push(Node { id, lines, state, group });
    }

    pub(super) fn edge(&mut self, from: &str, to: &str, label: Option<String>, state: State) {
        self.edges.push(Edge { from: from.into(), to: to.into(), label, state, ingress: false });
    }

    pub(super) fn ingress(&mut self, from: &str, to: &str, label: String, state: State) {
        self.edges.push(Edge { from: from.into(), to: to.into(), label: Some(label), state, ingress: true });
    }
}
