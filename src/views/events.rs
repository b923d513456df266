//! Progress as people see it: on a terminal, steps as they finish and a live spinner for waits; elsewhere (CI
//! logs, pipes), one timestamped line an event.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::events::{Contents, Event, Failure, Notice, Pending, Progress, Subject, Wait, WaitFor};
use crate::views::plural::counted;

/// The text of an event, without its timestamp.
pub fn line(event: &Event) -> String {
    match event {
        Event::Started(step) if step.awaits.is_some() => step.to_string(),
        Event::Started(step) => format!("{} {step}", step.action().symbol()),
        Event::Done(step) => format!("done: {step}"),
        Event::Failed(step, error) => format!("failed: {step}: {error}"),
        Event::Waiting(wait) => waiting(wait),
        Event::Notice(notice) => notice_text(notice),
        Event::Stage { service, stage } => {
            format!("service {service}: stage {} of 4: {}", u8::from(*stage), stage.title())
        }
    }
}

fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::TakingOver { topology, holder, expired: false } => {
            format!(
                "taking over the lock of topology \"{topology}\" from {holder}, whose process has ended on this host"
            )
        }
        Notice::TakingOver { topology, holder, expired: true } => {
            format!("taking over the expired lock of topology \"{topology}\" from {holder}")
        }
        Notice::LockReleasedWhileRead { topology } => {
            format!("the lock of topology \"{topology}\" was released while this run read it; trying again")
        }
        Notice::LockGone { group_id } => {
            format!("the lock group {group_id} is gone (removed by `ecsnet unlock`?): stopping")
        }
        Notice::LockNotRenewed { error, retry_in } => {
            format!("warning: could not renew the lock: {error}; trying again in {} s", retry_in.as_secs())
        }
        Notice::Stopping { reason, under_way, bound } => format!(
            "{reason}: waiting up to {} s for the {} under way",
            bound.as_secs(),
            counted(*under_way as u64, "step")
        ),
    }
}

fn waiting(wait: &Wait) -> String {
    let mut parenthesis = format!("{} s so far", wait.since.as_secs());
    if let Some(detail) = &wait.detail {
        parenthesis = format!("{detail}; {parenthesis}");
    }
    // Only a retried call says when it tries again; the other waits poll quietly.
    if let (Some(next_try), WaitFor::Retry { .. }) = (wait.next_try, &wait.what) {
        parenthesis = format!("{parenthesis}, next try in {} s", next_try.as_secs());
    }
    format!("waiting {} ({parenthesis})", wait_for(&wait.what))
}

/// "for the new security group sg-1 to be visible: InvalidGroup.NotFound", "until it serves: …".
pub fn wait_for(what: &WaitFor) -> String {
    match what {
        WaitFor::Retry { subject, code } => format!("for {}: {code}", retried(subject)),
        WaitFor::CloudMap { operation, status } => format!("for Cloud Map: {operation} is {status}"),
        WaitFor::Deleted { load_balancer } => format!("for load balancer {load_balancer} to be deleted"),
        WaitFor::Serving(pending) => format!("until it serves: {}", pending_list(pending)),
        WaitFor::NewPath { service, pending } => {
            format!("until service {service}'s new path serves: {}", pending_list(pending))
        }
        WaitFor::Drain { service, seconds } => {
            format!("{seconds} s, the TTL of service {service}'s deleted record, before its old path is retired")
        }
        WaitFor::Lock { topology } => format!("for another run of topology \"{topology}\" to finish"),
    }
}

fn retried(subject: &Subject) -> String {
    match subject {
        Subject::Visible(resource) => format!("the new {resource} to be visible"),
        Subject::Sees(resource) => format!("{resource} to see what this apply just created"),
        Subject::Free(resource) => format!("{resource} to be free"),
        Subject::ZoneChange(zone) => format!("zone {zone} to finish its previous change"),
        Subject::Empty { resource, of: Contents::Services } => format!("{resource} to have no services"),
        Subject::Empty { resource, of: Contents::Instances } => format!("{resource} to have no instances"),
    }
}

/// What does not serve yet, one phrase each, joined: "load balancer a provisioning; 2 Route 53 changes PENDING".
pub fn pending_list(pending: &[Pending]) -> String {
    pending.iter().map(pending_text).collect::<Vec<_>>().join("; ")
}

/// What failed for good while waiting until it serves.
pub fn failure(failure: &Failure) -> String {
    match failure {
        Failure::LoadBalancer { name, reason } => format!("load balancer {name} failed: {reason}"),
        Failure::ServiceGone { service, cluster } => {
            format!("ECS service {service} failed: it is no longer in cluster {cluster}")
        }
        Failure::Deployment { service, reason } => format!("the deployment of ECS service {service} failed: {reason}"),
    }
}

fn pending_text(pending: &Pending) -> String {
    match pending {
        Pending::LoadBalancer { name, state } => {
            format!("load balancer {name} {}", state.as_deref().unwrap_or("without a state"))
        }
        Pending::RecordChanges(count) => format!("{} PENDING", counted(*count as u64, "Route 53 change")),
        Pending::Deploying { service, running, desired } => {
            format!("ECS service {service} deploying ({running} of {desired} tasks running)")
        }
        Pending::NoPrimaryDeployment { service } => format!("ECS service {service} without a primary deployment"),
        Pending::UnhealthyTargets { service, count } => {
            format!("{} of ECS service {service} not healthy yet", counted(*count as u64, "target"))
        }
        Pending::NotRegistered { service } => format!("no task of ECS service {service} registered in Cloud Map yet"),
        Pending::NotInLattice { service } => {
            format!("no task of ECS service {service} registered in its VPC Lattice target group yet")
        }
    }
}

/// Progress on stderr: a spinner for waits when stderr is a terminal, timestamped lines otherwise.
pub struct StderrProgress {
    started: Instant,
    spinner: Option<Mutex<Option<ProgressBar>>>,
}

impl StderrProgress {
    pub fn new(started: Instant) -> StderrProgress {
        let live = std::io::stderr().is_terminal();
        StderrProgress { started, spinner: live.then(|| Mutex::new(None)) }
    }

    /// A message for people (not an event): printed above the spinner when one turns, which goes on turning.
    pub fn say(&self, text: &str) {
        let spinner =
            self.spinner.as_ref().map(|spinner| spinner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        match spinner.as_ref().and_then(|spinner| spinner.as_ref()) {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn stamped(&self, text: &str) -> String {
        format!("[{:>6.1}s] {text}", self.started.elapsed().as_secs_f64())
    }

    /// Waits turn the spinner; any other event is printed above it as a line, and ends the wait it showed.
    fn draw_live(&self, spinner: &Mutex<Option<ProgressBar>>, event: &Event) {
        let mut spinner = spinner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Event::Waiting(_) = event {
            spinner.get_or_insert_with(new_spinner).set_message(line(event));
            return;
        }
        if let Some(bar) = spinner.take() {
            bar.finish_and_clear();
        }
        eprintln!("{}", self.stamped(&line(event)));
    }
}

fn new_spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed:>4}] {msg}").unwrap_or(ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

impl Progress for StderrProgress {
    fn event(&self, event: Event) {
        match &self.spinner {
            Some(spinner) => self.draw_live(spinner, &event),
            None => eprintln!("{}", self.stamped(&line(&event))),
        }
    }
}

impl Drop for StderrProgress {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            if let Some(bar) = spinner.lock().ok().and_then(|mut spinner| spinner.take()) {
                bar.finish_and_clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::StepChanges;
    use crate::plan::{Action, Address};

    fn step(retires: bool) -> StepChanges {
        StepChanges {
            changes: vec![
                (Action::Replace, Address::TargetGroup("api".into())),
                (Action::Create, Address::DnsRecord("api".into(), "api.in.example.com".into())),
            ],
            retires,
            awaits: None,
        }
    }

    #[test]
    fn each_event_reads_as_one_line() {
        let wait = |detail: Option<&str>, next_try| Wait {
            what: WaitFor::Retry {
                subject: Subject::Visible("security group sg-1".into()),
                code: "InvalidGroup.NotFound".into(),
            },
            detail: detail.map(str::to_string),
            since: Duration::from_millis(2_400),
            next_try,
        };
        let lines: Vec<String> = [
            Event::Started(step(false)),
            Event::Done(step(false)),
            Event::Started(step(true)),
            Event::Failed(step(true), "DeleteTargetGroup failed: ResourceInUse".into()),
            Event::Waiting(wait(None, Some(Duration::from_secs(2)))),
            Event::Waiting(wait(Some("ci@build-7 pid 42"), None)),
            Event::Notice(Notice::Stopping {
                reason: "interrupted".into(),
                under_way: 2,
                bound: Duration::from_secs(30),
            }),
            Event::Started(StepChanges { changes: vec![], retires: false, awaits: Some("api".into()) }),
            Event::Stage { service: "api".into(), stage: crate::plan::Stage::AwaitServing },
        ]
        .iter()
        .map(line)
        .collect();
        insta::assert_snapshot!("progress_lines", lines.join("\n"));
    }
}
