//! An endpoint nobody answered on: which endpoint, where it came from, and what to check. Part of the error that
//! `main` prints (`AwsError`'s text), so it is plain text: a `hint:` line, as every error of ecsnet has.

use std::fmt;

use crate::aws::endpoint::{Origin, Refusal, Unreachable};

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Unreachable { endpoint, refusal } = self;
        match refusal {
            Refusal::Refused => write!(f, "connection refused by {}", endpoint.url)?,
            Refusal::NoRoute => write!(f, "no route to {}", endpoint.url)?,
        }
        match &endpoint.origin {
            Origin::Flag => write!(f, " (from --endpoint-url)")?,
            Origin::Environment(variable) => write!(f, " (from the environment variable {variable})")?,
            Origin::Profile(profile) => write!(f, " (from endpoint_url in AWS profile \"{profile}\")")?,
            Origin::Default => write!(f, " (AWS's default endpoint for the service and Region)")?,
        }
        write!(f, "\nhint: ")?;
        if endpoint.is_local() {
            return write!(f, "is the emulator running? `bash localstack/start.sh`");
        }
        match &endpoint.origin {
            Origin::Flag => write!(f, "check the URL given to --endpoint-url, and the network"),
            Origin::Environment(variable) => {
                write!(f, "check the URL in {variable}, and the network; unset it to reach AWS's own endpoints")
            }
            Origin::Profile(profile) => {
                write!(f, "check endpoint_url in profile \"{profile}\" of ~/.aws/config, and the network")
            }
            Origin::Default => write!(f, "check the network connection (a proxy, a firewall, a VPN?)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::endpoint::{Endpoint, Origin, Refusal, Unreachable};

    fn unreachable(url: &str, origin: Origin, refusal: Refusal) -> String {
        Unreachable { endpoint: Endpoint { url: url.into(), origin }, refusal }.to_string()
    }

    #[test]
    fn a_local_endpoint_asks_whether_the_emulator_runs() {
        let from_env = Origin::Environment("AWS_ENDPOINT_URL".into());
        insta::assert_snapshot!("refused_local_env", unreachable("http://127.0.0.1:9", from_env, Refusal::Refused));
        insta::assert_snapshot!(
            "refused_local_flag",
            unreachable("http://localhost:4566", Origin::Flag, Refusal::Refused)
        );
    }

    #[test]
    fn a_remote_endpoint_says_where_its_url_came_from() {
        let service = Origin::Environment("AWS_ENDPOINT_URL_ROUTE_53".into());
        let profile = Origin::Profile("dev".into());
        let all = [
            unreachable("http://emulator.internal:4566", Origin::Flag, Refusal::Refused),
            unreachable("http://10.0.0.5:4566", service, Refusal::Refused),
            unreachable("https://aws.example.com", profile, Refusal::NoRoute),
            unreachable("https://ec2.us-east-1.amazonaws.com", Origin::Default, Refusal::NoRoute),
        ];
        insta::assert_snapshot!("refused_remote", all.join("\n\n"));
    }
}
