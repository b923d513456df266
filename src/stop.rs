//! Stopping a run that changes AWS without leaving it half-told: the first SIGINT or SIGTERM (or a lock lost to
//! `ecsnet unlock`) asks the run to stop; it starts no new step, lets the steps under way finish (bounded),
//! releases its lock and says what was done and what was not. A second signal exits at once.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// The exit code of a run stopped by a signal, as shells report a process ended by SIGINT.
pub const INTERRUPTED_EXIT_CODE: u8 = 130;

/// Why a run stops before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// SIGINT or SIGTERM.
    Signal(&'static str),
    /// The lock's heartbeat found the lock gone: someone removed it, and another run may now change the topology.
    LockLost(String),
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Signal(signal) => write!(f, "interrupted by {signal}"),
            StopReason::LockLost(detail) => write!(f, "stopped because the lock was lost ({detail})"),
        }
    }
}

impl StopReason {
    pub fn exit_code(&self) -> u8 {
        match self {
            StopReason::Signal(_) => INTERRUPTED_EXIT_CODE,
            StopReason::LockLost(_) => 1,
        }
    }
}

/// A request to stop, shared by whoever may ask (the signal listener, the lock's heartbeat) and whoever must
/// heed it (the executor, the command). The first reason given wins.
#[derive(Debug, Default)]
pub struct Stop {
    reason: Mutex<Option<StopReason>>,
    notify: Notify,
}

/// A run stopped before it changed anything.
#[derive(Debug, thiserror::Error)]
#[error("{reason}; nothing was changed")]
pub struct Stopped {
    pub reason: StopReason,
}

impl Stop {
    pub fn request(&self, reason: StopReason) {
        let mut current = self.reason.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_none() {
            *current = Some(reason);
            self.notify.notify_waiters();
        }
    }

    pub fn reason(&self) -> Option<StopReason> {
        self.reason.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Resolves when a stop is requested (at once if it already was).
    pub async fn requested(&self) -> StopReason {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(reason) = self.reason() {
                return reason;
            }
            notified.await;
        }
    }

    /// Runs `work` unless a stop comes first; then `work` is dropped (it must not have changed anything).
    pub async fn unless_stopped<T>(&self, work: impl std::future::Future<Output = T>) -> Result<T, Stopped> {
        tokio::select! {
            biased;
            reason = self.requested() => Err(Stopped { reason }),
            output = work => Ok(output),
        }
    }

    /// Listens for SIGINT and SIGTERM from now on: the first asks `stop` to stop; the second exits the process at
    /// once with `INTERRUPTED_EXIT_CODE`.
    pub fn listen_for_signals(stop: &Arc<Stop>) -> std::io::Result<()> {
        let mut signals = Signals::new()?;
        let stop = Arc::clone(stop);
        tokio::spawn(async move {
            let name = signals.next().await;
            eprintln!("\n{name} received: starting no new step, letting the steps under way finish, then releasing the lock (send it again to exit at once)");
            stop.request(StopReason::Signal(name));
            let name = signals.next().await;
            eprintln!("\n{name} received again: exiting at once; the lock is left to expire (or `ecsnet unlock`)");
            std::process::exit(i32::from(INTERRUPTED_EXIT_CODE));
        });
        Ok(())
    }
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_first_reason_wins_and_waiters_wake() {
        let stop = Arc::new(Stop::default());
        let waiter = {
            let stop = Arc::clone(&stop);
            tokio::spawn(async move { stop.requested().await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        stop.request(StopReason::Signal("SIGINT"));
        stop.request(StopReason::LockLost("gone".into()));
        assert_eq!(waiter.await.unwrap(), StopReason::Signal("SIGINT"));
        assert_eq!(stop.requested().await, StopReason::Signal("SIGINT"), "resolves at once once requested");
        assert_eq!(stop.reason().map(|reason| reason.exit_code()), Some(130));
    }

    #[tokio::test(start_paused = true)]
    async fn work_a_stop_overtakes_is_dropped() {
        let stop = Stop::default();
        let work = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "read live state"
        };
        let (result, ()) = tokio::join!(stop.unless_stopped(work), async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            stop.request(StopReason::Signal("SIGTERM"));
        });
        assert_eq!(result.unwrap_err().to_string(), "interrupted by SIGTERM; nothing was changed");
        assert_eq!(Stop::default().unless_stopped(async { 7 }).await.unwrap(), 7);
    }
}
