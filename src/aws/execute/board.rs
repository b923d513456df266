//! The bookkeeping of a run: where each step stands, and how many steps of each AWS service are under way.

use std::collections::HashMap;

use crate::aws::throttling::Service;
use crate::aws::AwsError;
use crate::events::{Event, Progress};
use crate::plan::{Plan, Step};
use crate::stop::StopReason;

use super::{service_of, step_changes, ExecutionFailure};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Pending,
    Running,
    Done,
    Failed,
}

/// Where each step of a run stands, and how many steps of each AWS service are under way.
pub(super) struct Board<'a> {
    plan: &'a Plan,
    steps: &'a [Step],
    services: Vec<Option<Service>>,
    states: Vec<State>,
    under_way: HashMap<Service, usize>,
    pub failed: Vec<(String, AwsError)>,
}

impl<'a> Board<'a> {
    pub fn new(plan: &'a Plan, steps: &'a [Step]) -> Self {
        Board {
            plan,
            steps,
            services: steps.iter().map(|step| service_of(plan, step)).collect(),
            states: vec![State::Pending; steps.len()],
            under_way: HashMap::new(),
            failed: Vec::new(),
        }
    }

    /// The steps that may start now, in order, marked running: pending, every step they follow done, and a slot
    /// free for their service.
    pub fn start_ready(&mut self) -> Vec<usize> {
        let mut starting = Vec::new();
        for index in 0..self.steps.len() {
            if self.states[index] != State::Pending
                || !self.steps[index].after.iter().all(|&before| self.states[before] == State::Done)
            {
                continue;
            }
            if let Some(service) = self.services[index] {
                let slots = self.under_way.entry(service).or_default();
                if *slots >= service.max_steps() {
                    continue;
                }
                *slots += 1;
            }
            self.states[index] = State::Running;
            starting.push(index);
        }
        starting
    }

    /// Records how a step ended, frees its service's slot and reports it.
    pub fn finish(&mut self, index: usize, result: Result<(), AwsError>, progress: &dyn Progress) {
        if let Some(service) = self.services[index] {
            *self.under_way.entry(service).or_default() -= 1;
        }
        let changes = step_changes(self.plan, &self.steps[index]);
        match result {
            Ok(()) => {
                self.states[index] = State::Done;
                progress.event(Event::Done(changes));
            }
            Err(error) => {
                self.states[index] = State::Failed;
                progress.event(Event::Failed(changes.clone(), error.to_string()));
                self.failed.push((changes.to_string(), error));
            }
        }
    }

    pub fn all_done(&self) -> bool {
        self.states.iter().all(|state| *state == State::Done)
    }

    /// The report of a run that failed or was stopped: what failed, was done, never started or was abandoned.
    pub fn failure(self, stopped: Option<StopReason>) -> ExecutionFailure {
        let labels = |wanted: State| {
            (0..self.steps.len())
                .filter(|&index| self.states[index] == wanted)
                .map(|index| step_changes(self.plan, &self.steps[index]).to_string())
                .collect::<Vec<_>>()
        };
        ExecutionFailure {
            done: labels(State::Done),
            not_started: labels(State::Pending),
            abandoned: labels(State::Running),
            failed: self.failed,
            stopped,
        }
    }
}
