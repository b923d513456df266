//! `ecsnet route`: how each load balancer answers a request, as text or as one JSON array.

use std::io::{self, Write};

use serde::Serialize;

use crate::route::{Answer, MatchedBy, RouteAction};

/// The request asked about.
pub struct Request<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub port: Option<u16>,
}

/// Each load balancer's answers, by its name.
pub type Answers<'a> = [(&'a str, Vec<Answer>)];

pub fn write_text(out: &mut dyn Write, request: &Request, answers: &Answers) -> io::Result<()> {
    let port = request.port.map_or(String::new(), |port| format!(" (port {port})"));
    for (name, answers) in answers {
        writeln!(out, "{} {}{port} at load balancer {name}:", request.host, request.path)?;
        for answer in answers {
            let by = match &answer.by {
                MatchedBy::Rule { priority, address: Some(address) } => format!("rule priority {priority} ({address})"),
                MatchedBy::Rule { priority, address: None } => format!("rule priority {priority} (not ecsnet's)"),
                MatchedBy::Default => "no rule matches; default action".into(),
            };
            let service = answer.service.as_ref().map_or(String::new(), |service| format!(" → service {service}"));
            writeln!(out, "  listener {} {}: {by}: {}{service}", answer.port, answer.protocol, action(&answer.action))?;
        }
    }
    Ok(())
}

/// "forward to NAME", "fixed response 404 \"no route\"", "redirect to HTTPS:443 (301)".
pub fn action(action: &RouteAction) -> String {
    match action {
        RouteAction::Forward { target_group, empty: false } => format!("forward to {target_group}"),
        RouteAction::Forward { target_group, empty: true } => {
            format!("forward to {target_group} (empty: AWS answers 503)")
        }
        RouteAction::FixedResponse { status, body } => {
            format!("fixed response {status}{}", body.as_ref().map_or(String::new(), |body| format!(" \"{body}\"")))
        }
        RouteAction::Redirect { protocol, port, status } => {
            format!("redirect to {protocol}:{port} ({})", status.code())
        }
        RouteAction::NotAForward => "an action other than a forward".into(),
        RouteAction::Unknown => "an action ecsnet does not set".into(),
    }
}

/// One answer in the JSON array (format in docs/guide/operator-commands.md).
#[derive(Serialize)]
struct JsonAnswer<'a> {
    action: String,
    /// "rule" or "default".
    by: &'static str,
    load_balancer: &'a str,
    port: i32,
    priority: Option<u32>,
    protocol: &'a str,
    rule: Option<String>,
    service: Option<&'a str>,
}

pub fn write_json(out: &mut dyn Write, answers: &Answers) -> io::Result<()> {
    let flat: Vec<JsonAnswer> = answers
        .iter()
        .flat_map(|(name, answers)| answers.iter().map(move |answer| json_answer(name, answer)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &flat)?;
    writeln!(out)
}

fn json_answer<'a>(load_balancer: &'a str, answer: &'a Answer) -> JsonAnswer<'a> {
    let (by, priority, rule) = match &answer.by {
        MatchedBy::Rule { priority, address } => ("rule", Some(*priority), address.as_ref().map(ToString::to_string)),
        MatchedBy::Default => ("default", None, None),
    };
    JsonAnswer {
        action: action(&answer.action),
        by,
        load_balancer,
        port: answer.port,
        priority,
        protocol: answer.protocol.as_aws(),
        rule,
        service: answer.service.as_deref(),
    }
}
