//! A VPC Lattice service's auth policy: who may invoke it. ecsnet writes one statement allowing
//! `vpc-lattice-svcs:Invoke` to exactly the callers' identities (each caller service's task role, and the IAM
//! principals the file names by ARN), or, with no callers, to the principals of the topology's own account
//! (`aws:PrincipalAccount`). Auth policies are IAM resource policies
//! (https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html); the service's auth type is AWS_IAM, so
//! a request that no statement allows is refused.

use serde::Serialize;
use serde_json::Value;

use crate::live::{EcsService, Observed};
use crate::plan::problem::{FileKey, Problem};
use crate::topology::{Service, Topology};

/// What the policy admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// These callers, each an IAM principal's ARN with the name the file gives it.
    Callers(Vec<PolicyCaller>),
    /// Any principal of this account (the service has no callers in the file).
    Account(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyCaller {
    /// The caller service's name, or `None` for a caller the file names by ARN.
    pub service: Option<String>,
    pub arn: String,
}

/// The action VPC Lattice checks for a request to a service
/// (https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html#auth-policies-actions).
const INVOKE: &str = "vpc-lattice-svcs:Invoke";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document<'a> {
    version: &'static str,
    statement: [Statement<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statement<'a> {
    effect: &'static str,
    principal: Principal<'a>,
    action: &'static str,
    resource: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<Condition<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Principal<'a> {
    Aws {
        #[serde(rename = "AWS")]
        aws: Vec<&'a str>,
    },
    Anyone(&'static str),
}

#[derive(Serialize)]
struct Condition<'a> {
    #[serde(rename = "StringEquals")]
    string_equals: PrincipalAccount<'a>,
}

#[derive(Serialize)]
struct PrincipalAccount<'a> {
    #[serde(rename = "aws:PrincipalAccount")]
    account: &'a str,
}

impl Admitted {
    /// The policy document ecsnet writes (PutAuthPolicy's `policy`).
    pub fn document(&self) -> String {
        let (principal, condition) = match self {
            Admitted::Callers(callers) => {
                let mut arns: Vec<&str> = callers.iter().map(|caller| caller.arn.as_str()).collect();
                arns.sort_unstable();
                arns.dedup();
                (Principal::Aws { aws: arns }, None)
            }
            Admitted::Account(account) => (
                Principal::Anyone("*"),
                Some(Condition { string_equals: PrincipalAccount { account: account.as_str() } }),
            ),
        };
        let document = Document {
            version: "2012-10-17",
            statement: [Statement { effect: "Allow", principal, action: INVOKE, resource: "*", condition }],
        };
        serde_json::to_string(&document).expect("a policy document serializes")
    }

    /// Whether a live policy says what this one says. Policies are compared as JSON values, not text: AWS may
    /// return the document reformatted, a one-element list as its element (IAM writes `"AWS": "arn"` and
    /// `["arn"]` alike), and lists in another order (IAM's principal and action lists are sets); all three are
    /// normalised away. Anything else (another statement, a principal rewritten to a unique ID because its role
    /// was deleted) is a difference, and ecsnet writes its policy again.
    pub fn matches(&self, live: &str) -> bool {
        let Ok(live) = serde_json::from_str::<Value>(live) else { return false };
        let wanted: Value = serde_json::from_str(&self.document()).expect("ecsnet's policy parses");
        normalize(live) == normalize(wanted)
    }

    /// The callers as the plan shows them: by service name and role, or by ARN.
    pub fn describe(&self) -> String {
        match self {
            Admitted::Callers(callers) => {
                let mut shown: Vec<String> = callers
                    .iter()
                    .map(|caller| match &caller.service {
                        Some(service) => format!("{service} ({})", caller.arn),
                        None => caller.arn.clone(),
                    })
                    .collect();
                shown.sort();
                shown.join(", ")
            }
            Admitted::Account(account) => format!("any principal of account {account}"),
        }
    }
}

/// A live policy as the plan shows it: its principals when it is one Allow statement of ecsnet's shape, else
/// "(a policy ecsnet did not write)".
pub fn describe_live(live: Option<&str>) -> String {
    let Some(live) = live else { return "(none)".into() };
    let Ok(value) = serde_json::from_str::<Value>(live) else { return "(not JSON)".into() };
    let value = normalize(value);
    // Normalised, a single statement is an object; several are a list, which ecsnet never writes.
    let Some(statement @ Value::Object(_)) = value.get("Statement") else {
        return "(a policy ecsnet did not write)".into();
    };
    let account = statement.pointer("/Condition/StringEquals/aws:PrincipalAccount").and_then(Value::as_str);
    match (statement.get("Principal"), account) {
        (Some(Value::String(star)), Some(account)) if star == "*" => format!("any principal of account {account}"),
        (Some(Value::String(star)), None) if star == "*" => "any principal".into(),
        (Some(principal), None) => match principal.get("AWS") {
            Some(Value::String(arn)) => arn.clone(),
            Some(Value::Array(arns)) => arns.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
            _ => "(a policy ecsnet did not write)".into(),
        },
        _ => "(a policy ecsnet did not write)".into(),
    }
}

/// One-element lists as their element, lists sorted, recursively.
fn normalize(value: Value) -> Value {
    match value {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.into_iter().map(normalize).collect();
            if items.len() == 1 {
                return items.remove(0);
            }
            items.sort_by_key(|item| item.to_string());
            Value::Array(items)
        }
        Value::Object(map) => Value::Object(map.into_iter().map(|(key, value)| (key, normalize(value))).collect()),
        other => other,
    }
}

/// Who the service's auth policy admits: each caller service's task role, and the callers named by ARN; with
/// no callers, the topology's own account.
pub fn admitted(
    topology: &Topology,
    observed: &Observed,
    service: &Service,
    problems: &mut Vec<Problem>,
) -> Option<Admitted> {
    let mut callers = Vec::new();
    let mut complete = true;
    for (position, caller) in service.callers.iter().enumerate() {
        if crate::topology::is_principal_arn(caller) {
            callers.push(PolicyCaller { service: None, arn: caller.clone() });
            continue;
        }
        let caller_service = topology.services.iter().find(|other| other.name == *caller);
        let live = caller_service.and_then(|other| ecs_service_of(observed, other));
        match live.and_then(|live| task_role(observed, live)) {
            Some(role) => callers.push(PolicyCaller { service: Some(caller.clone()), arn: role.to_string() }),
            None => {
                complete = false;
                let what = match (caller_service.and_then(|other| other.ecs.as_ref()), live) {
                    (None, _) => format!(
                        "caller \"{caller}\" has no [service.ecs], so there is no task role to admit in the VPC Lattice service's auth policy"
                    ),
                    (Some(wiring), None) => format!(
                        "caller \"{caller}\": ECS service {}/{} does not exist, so there is no task role to admit in the VPC Lattice service's auth policy",
                        wiring.cluster, wiring.service
                    ),
                    (Some(wiring), Some(live)) => format!(
                        "caller \"{caller}\": ECS service {}/{} runs task definition {}, which has no task role, the identity VPC Lattice admits callers by",
                        wiring.cluster,
                        wiring.service,
                        live.task_definition.as_deref().map_or("(none)", short_task_definition)
                    ),
                };
                problems.push(Problem::at(
                    FileKey::service(&service.name, &format!("callers[{position}]")),
                    what,
                    format!("give \"{caller}\"'s task definition a taskRoleArn (its requests are signed with it), or name the caller by its IAM role's ARN"),
                ));
            }
        }
    }
    if !complete {
        return None;
    }
    if !callers.is_empty() {
        return Some(Admitted::Callers(callers));
    }
    match own_account(observed, service) {
        Some(account) => Some(Admitted::Account(account)),
        None => {
            problems.push(Problem::at(
                FileKey::service(&service.name, "callers"),
                "no caller is named, and the account to admit (the ECS service's) is not known",
                "name the callers, by service or by IAM role ARN",
            ));
            None
        }
    }
}

fn ecs_service_of<'a>(observed: &'a Observed, service: &Service) -> Option<&'a EcsService> {
    let wiring = service.ecs.as_ref()?;
    observed.ecs_services.iter().find(|live| live.cluster == wiring.cluster && live.name == wiring.service)
}

fn task_role<'a>(observed: &'a Observed, live: &EcsService) -> Option<&'a str> {
    let arn = live.task_definition.as_ref()?;
    observed.task_definitions.iter().find(|definition| definition.arn == *arn)?.task_role_arn.as_deref()
}

/// `family:revision` of a task definition's ARN.
fn short_task_definition(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, name)| name)
}

/// The account of the service's ECS service (from its ARN, else from its task role's).
fn own_account(observed: &Observed, service: &Service) -> Option<String> {
    let live = ecs_service_of(observed, service)?;
    let account_of = |arn: &str| {
        let account = arn.split(':').nth(4)?;
        (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())).then(|| account.to_string())
    };
    account_of(&live.arn).or_else(|| task_role(observed, live).and_then(account_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callers() -> Admitted {
        Admitted::Callers(vec![
            PolicyCaller { service: Some("web".into()), arn: "arn:aws:iam::111122223333:role/web-task".into() },
            PolicyCaller { service: None, arn: "arn:aws:iam::444455556666:role/partner".into() },
        ])
    }

    #[test]
    fn the_document_admits_exactly_the_callers() {
        assert_eq!(
            callers().document(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/web-task","arn:aws:iam::444455556666:role/partner"]},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#
        );
        assert_eq!(
            Admitted::Account("111122223333".into()).document(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#
        );
    }

    #[test]
    fn a_policy_reordered_or_reformatted_by_aws_matches_and_another_does_not() {
        let reordered = r#"{
          "Statement": {"Resource": "*", "Action": ["vpc-lattice-svcs:Invoke"], "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::444455556666:role/partner", "arn:aws:iam::111122223333:role/web-task"]}},
          "Version": "2012-10-17"
        }"#;
        assert!(callers().matches(reordered));
        let fewer = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/partner"},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}"#;
        assert!(!callers().matches(fewer));
        assert!(!callers().matches("not json"));
        assert_eq!(describe_live(Some(fewer)), "arn:aws:iam::444455556666:role/partner");
        assert_eq!(
            describe_live(Some(&Admitted::Account("111122223333".into()).document())),
            "any principal of account 111122223333"
        );
    }
}
