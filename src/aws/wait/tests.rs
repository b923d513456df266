use std::sync::Mutex;

use super::*;

struct Recorded(Mutex<Vec<String>>);

impl Progress for Recorded {
    fn event(&self, event: Event) {
        self.0.lock().unwrap().push(crate::views::events::line(&event));
    }
}

fn answer(code: Option<&str>) -> Result<(), AwsError> {
    match code {
        None => Ok(()),
        Some(code) => Err(AwsError {
            operation: "DeleteSecurityGroup",
            code: Some(code.into()),
            message: "in use".into(),
            unreachable: None,
        }),
    }
}

#[tokio::test(start_paused = true)]
async fn a_dependency_that_clears_is_waited_for_with_progress() {
    let progress = Recorded(Mutex::new(Vec::new()));
    let started = Instant::now();
    let answers = Mutex::new(vec![None, Some("DependencyViolation")]);
    let result =
        while_code(&progress, Subject::Free("security group sg-1".into()), &[Code::DependencyViolation], || {
            let next = answers.lock().unwrap().pop().flatten();
            async move { answer(next) }
        })
        .await;
    assert!(result.is_ok());
    assert_eq!(started.elapsed(), DEPENDENCY.first_delay, "one back-off of the first delay, on tokio's paused clock");
    let reports = progress.0.lock().unwrap();
    assert_eq!(reports.len(), 1);
    assert!(
        reports[0].starts_with(
            "waiting for security group sg-1 to be free: DependencyViolation (0 s so far, next try in 1 s)"
        ),
        "{reports:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn any_other_error_stops_at_once() {
    let progress = Recorded(Mutex::new(Vec::new()));
    let result =
        while_code(&progress, Subject::Free("security group sg-1".into()), &[Code::DependencyViolation], || async {
            answer(Some("UnauthorizedOperation"))
        })
        .await;
    assert_eq!(result.unwrap_err().code.as_deref(), Some("UnauthorizedOperation"));
    assert!(progress.0.lock().unwrap().is_empty());
}

fn not_found(operation: &'static str, code: &str) -> Result<(), AwsError> {
    Err(AwsError { operation, code: Some(code.into()), message: "not found".into(), unreachable: None })
}

#[tokio::test(start_paused = true)]
async fn a_new_group_is_waited_for_until_it_is_visible() {
    let progress = Recorded(Mutex::new(Vec::new()));
    let started = Instant::now();
    let answers = Mutex::new(vec![None, Some("InvalidGroup.NotFound"), Some("InvalidGroup.NotFound")]);
    let result =
        until_visible(&progress, Subject::Visible("security group sg-1".into()), &[Code::GroupNotFound], || {
            let next = answers.lock().unwrap().pop().flatten();
            async move {
                match next {
                    Some(code) => not_found("RevokeSecurityGroupEgress", code),
                    None => Ok(()),
                }
            }
        })
        .await;
    assert!(result.is_ok());
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(
        *progress.0.lock().unwrap(),
        [
            "waiting for the new security group sg-1 to be visible: InvalidGroup.NotFound (0 s so far, next try in 1 s)",
            "waiting for the new security group sg-1 to be visible: InvalidGroup.NotFound (1 s so far, next try in 2 s)"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_new_resource_that_never_shows_fails_after_the_bound() {
    let progress = Recorded(Mutex::new(Vec::new()));
    let started = Instant::now();
    let attempts = Mutex::new(0);
    let result = until_visible(&progress, Subject::Sees("listener.80".into()), &[Code::LoadBalancerNotFound], || {
        *attempts.lock().unwrap() += 1;
        async { not_found("CreateListener", "LoadBalancerNotFound") }
    })
    .await;
    assert_eq!(result.unwrap_err().to_string(), "CreateListener failed: LoadBalancerNotFound: not found");
    assert_eq!(started.elapsed(), NEW_RESOURCE.bound, "1 + 2 + 4 + 8 s, then 15 s at a time up to the bound");
    assert_eq!(*attempts.lock().unwrap(), 24);
    let reports = progress.0.lock().unwrap();
    assert_eq!(reports.last().map(String::as_str), Some("waiting for listener.80 to see what this apply just created: LoadBalancerNotFound (285 s so far, next try in 15 s)"));
}

#[tokio::test(start_paused = true)]
async fn without_codes_to_wait_out_a_call_is_made_once() {
    let progress = Recorded(Mutex::new(Vec::new()));
    let attempts = Mutex::new(0);
    let result = until_visible(&progress, Subject::Sees("anything".into()), &[], || {
        *attempts.lock().unwrap() += 1;
        async { not_found("CreateRule", "TargetGroupNotFound") }
    })
    .await;
    assert!(result.is_err());
    assert_eq!(*attempts.lock().unwrap(), 1);
}

#[test]
fn only_ids_created_in_this_apply_are_waited_for() {
    let new = Ref::Of(crate::plan::Address::LoadBalancer(0));
    let known = Ref::Known("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1".into());
    assert_eq!(
        codes_for_new(&[(&new, Code::LoadBalancerNotFound), (&known, Code::TargetGroupNotFound)]),
        [Code::LoadBalancerNotFound]
    );
    assert_eq!(codes_for_new(&[(&known, Code::LoadBalancerNotFound)]), Vec::<Code>::new());
}
