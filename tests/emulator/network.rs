//! The VPC's DNS attributes: a private zone resolves only with enableDnsSupport and enableDnsHostnames on.

use crate::support::{ecsnet, fresh, plan_json, TopologyFile};

#[tokio::test(flavor = "multi_thread")]
async fn a_vpc_without_dns_hostnames_is_a_plan_warning_and_a_failed_doctor_check() {
    let (account, name, network) = fresh("vdns").await;
    let zone = format!("{name}.example.com");
    let vpc = &network.vpc_id;
    let file = TopologyFile::of(&network.one_service(&name, &zone, &network.tasks_group_id));
    let endpoint = &account.endpoint;
    let warning = format!(
        "warning: network.vpc: {vpc} has enableDnsHostnames off, so names in the private zone {zone} will not resolve in it (a private zone needs enableDnsSupport and enableDnsHostnames on); turn it on: aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-hostnames"
    );
    let notes = |plan: &serde_json::Value| {
        let text = |note: &serde_json::Value| {
            format!("{}: {}", note["level"].as_str().unwrap(), note["text"].as_str().unwrap())
        };
        plan["notes"].as_array().unwrap().iter().map(text).collect::<Vec<_>>()
    };

    // The network of every test has DNS hostnames on: no warning.
    let plan = plan_json(endpoint, &file);
    assert!(!notes(&plan).contains(&warning), "{plan:#}");

    account.set_dns_hostnames(vpc, false).await;
    let plan = plan_json(endpoint, &file);
    assert_eq!(notes(&plan), std::slice::from_ref(&warning));
    let doctor = ecsnet(endpoint, &["doctor", "-f", file.arg()]).expect(1);
    let line = format!(
        "fail  vpc_dns_enabled  network.vpc {vpc}: enableDnsHostnames off: names in the private zone {zone} do not resolve in the VPC  (fix: aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-hostnames)"
    );
    assert_eq!(doctor.stdout.lines().next(), Some(line.as_str()), "{}", doctor.stdout);

    account.set_dns_hostnames(vpc, true).await;
    let doctor = ecsnet(endpoint, &["doctor", "-f", file.arg()]);
    assert_eq!(
        doctor.stdout.lines().next(),
        Some(
            format!("ok    vpc_dns_enabled  network.vpc {vpc}: enableDnsSupport and enableDnsHostnames are on")
                .as_str()
        ),
        "{}",
        doctor.stdout
    );
}
