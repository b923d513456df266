use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;

/// AWS as a script: what each create and each read answers, and what was asked.
struct Script {
    creates: Mutex<VecDeque<Option<String>>>,
    reads: Mutex<VecDeque<Option<Holder>>>,
    calls: Mutex<Vec<String>>,
    /// When the test began, on the paused clock.
    start: tokio::time::Instant,
}

impl Script {
    fn new(creates: Vec<Option<&str>>, reads: Vec<Option<Holder>>) -> Script {
        Script {
            creates: Mutex::new(creates.into_iter().map(|id| id.map(str::to_string)).collect()),
            reads: Mutex::new(reads.into()),
            calls: Mutex::default(),
            start: tokio::time::Instant::now(),
        }
    }

    fn log(&self, call: String) {
        self.calls.lock().unwrap().push(format!("{call} at {} s", self.start.elapsed().as_secs()));
    }
}

impl LockGroups for Script {
    async fn create(&self, _expires: u64) -> Result<Option<String>, AwsError> {
        self.log("create".into());
        Ok(self.creates.lock().unwrap().pop_front().unwrap_or(None))
    }

    async fn current(&self) -> Result<Option<Holder>, AwsError> {
        self.log("read".into());
        Ok(self.reads.lock().unwrap().pop_front().unwrap_or(None))
    }

    async fn delete(&self, group_id: &str) -> Result<(), AwsError> {
        self.log(format!("delete {group_id}"));
        Ok(())
    }

    fn holder_is_gone(&self, process: &str) -> bool {
        process == "this-host 4242 gone"
    }
}

#[derive(Default)]
struct Recorded(Mutex<Vec<String>>);

impl Progress for Recorded {
    fn event(&self, event: Event) {
        self.0.lock().unwrap().push(crate::views::events::line(&event));
    }
}

fn holder(expires: u64) -> Holder {
    Holder {
        group_id: "sg-lock".into(),
        holder: "ci@build-7 pid 4242".into(),
        expires,
        process: "build-7 4242 5".into(),
    }
}

const TTL: Duration = DEFAULT_TTL;

#[tokio::test(start_paused = true)]
async fn a_lock_group_gone_before_it_is_read_is_tried_again_after_a_pause() {
    let script = Script::new(vec![None, Some("sg-mine")], vec![None]);
    let progress = Recorded::default();
    let lock = take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
    assert_eq!(lock.group_id, "sg-mine");
    assert_eq!(*script.calls.lock().unwrap(), ["create at 0 s", "read at 0 s", "create at 2 s"]);
    assert_eq!(
        *progress.0.lock().unwrap(),
        ["the lock of topology \"demo\" was released while this run read it; trying again"]
    );
}

#[tokio::test(start_paused = true)]
async fn an_expired_lock_is_deleted_and_taken_after_a_pause() {
    let script = Script::new(vec![None, Some("sg-mine")], vec![Some(holder(1))]);
    let progress = Recorded::default();
    take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
    assert_eq!(
        *script.calls.lock().unwrap(),
        ["create at 0 s", "read at 0 s", "delete sg-lock at 0 s", "create at 2 s"]
    );
    assert_eq!(
        *progress.0.lock().unwrap(),
        ["taking over the expired lock of topology \"demo\" from ci@build-7 pid 4242"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_group_that_keeps_vanishing_stops_the_run_after_a_bound() {
    let script = Script::new(vec![], vec![]);
    let progress = Recorded::default();
    let error = take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not take the lock of topology \"demo\": for 30 s the group ecsnet-lock-demo was reported to exist and then could not be found\n\
         hint: run again in a moment; if it keeps happening, look for the group ecsnet-lock-demo in the VPC"
    );
    let calls = script.calls.lock().unwrap();
    assert_eq!(calls.len(), 32, "16 attempts, 2 s apart: {calls:?}");
    assert_eq!((calls[30].as_str(), calls[31].as_str()), ("create at 30 s", "read at 30 s"));
}

#[tokio::test(start_paused = true)]
async fn a_live_lock_is_waited_for_until_the_timeout() {
    let far = now() + 600;
    let script = Script::new(vec![], vec![Some(holder(far)), Some(holder(far)), Some(holder(far))]);
    let progress = Recorded::default();
    let error = take(&script, "demo", TTL, Duration::from_secs(4), &progress).await.unwrap_err();
    assert!(matches!(error, LockError::Held { ref holder, .. } if holder == "ci@build-7 pid 4242"), "{error}");
    assert_eq!(
        *script.calls.lock().unwrap(),
        ["create at 0 s", "read at 0 s", "create at 2 s", "read at 2 s", "create at 4 s", "read at 4 s"]
    );
    assert_eq!(
        *progress.0.lock().unwrap(),
        [
            "waiting for another run of topology \"demo\" to finish (ci@build-7 pid 4242; 0 s so far)",
            "waiting for another run of topology \"demo\" to finish (ci@build-7 pid 4242; 2 s so far)"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_live_lock_whose_process_ended_on_this_host_is_taken_at_once() {
    let crashed = Holder { process: "this-host 4242 gone".into(), ..holder(now() + 100) };
    let script = Script::new(vec![None, Some("sg-mine")], vec![Some(crashed)]);
    let progress = Recorded::default();
    take(&script, "demo", TTL, Duration::ZERO, &progress).await.unwrap();
    assert_eq!(
        *script.calls.lock().unwrap(),
        ["create at 0 s", "read at 0 s", "delete sg-lock at 0 s", "create at 2 s"]
    );
    assert_eq!(
        *progress.0.lock().unwrap(),
        ["taking over the lock of topology \"demo\" from ci@build-7 pid 4242, whose process has ended on this host"]
    );
}
