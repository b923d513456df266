use super::fixtures::*;
use super::*;
use crate::live::health::Health;
use crate::live::*;

fn statuses(checks: &[Check]) -> Vec<(&'static str, Status)> {
    checks.iter().map(|check| (check.check, check.status)).collect()
}

#[test]
fn each_check_reports_what_it_found() {
    let checks = checks(&topology(), &observed(), &health());
    assert_eq!(
        statuses(&checks),
        [
            ("load_balancer_egress", Status::Ok),
            ("rule_forwards_to_target_group", Status::Ok),
            ("health_check_path", Status::Ok),
            ("targets_healthy", Status::Fail),
            ("service_admits_load_balancer", Status::Ok),
            ("record_points_at_load_balancer", Status::Ok),
            ("ecs_attached_to_target_group", Status::Ok),
            ("task_definition_matches", Status::Ok),
            ("discovery_has_instances", Status::Warn),
            ("caller_can_reach_callee", Status::Fail),
        ]
    );
    assert_eq!(
        checks[3].message,
        "10.0.1.5:8080 unhealthy Target.ResponseCodeMismatch (Health checks failed with these codes: [404])"
    );
    assert_eq!(checks[9].message, "no ingress on sg-worker tcp/3000 from sg-api (api)");
    assert_eq!(checks[9].resource, "service.worker.caller.api");
}

#[test]
fn problems_of_the_seed_list_fail_with_a_fix() {
    let mut observed = observed();
    observed.load_balancers[0].listeners[0].rules.clear();
    observed.security_groups[1].rules.clear();
    observed.security_groups[0].rules.clear();
    observed.zones[0].records[0].values = vec!["elsewhere.example.com".into()];
    let mut facts = health();
    facts.targets.clear();
    observed.task_definitions[0].containers[0].port_mappings[0].container_port = 80;
    let checks = checks(&topology(), &observed, &facts);
    let found = |name: &str| checks.iter().find(|check| check.check == name).unwrap();
    assert_eq!(found("rule_forwards_to_target_group").status, Status::Fail);
    assert_eq!(found("service_admits_load_balancer").status, Status::Fail);
    assert_eq!(found("load_balancer_egress").message, "no egress to the VPC on tcp/8080");
    assert_eq!(
        found("record_points_at_load_balancer").message,
        "CNAME elsewhere.example.com, not the load balancer internal-demo-alb-1.us-east-1.elb.amazonaws.com"
    );
    assert_eq!(
        (found("targets_healthy").status, found("targets_healthy").message.as_str()),
        (Status::Warn, "no targets registered")
    );
    assert_eq!(found("task_definition_matches").message, "container api maps port(s) 80, not 8080");
    assert!(checks.iter().filter(|check| check.status == Status::Fail).all(|check| check.fix.is_some()));
}

#[test]
fn nothing_applied_yet_reads_as_missing() {
    let checks = checks(&topology(), &Observed::default(), &Health::default());
    assert_eq!(checks[0].resource, "load_balancer demo-alb");
    assert_eq!(
        (checks[0].status, checks[0].message.as_str(), checks[0].fix.as_deref()),
        (Status::Fail, "missing", Some("run `ecsnet apply`"))
    );
}

#[test]
fn the_task_definition_is_checked_as_plan_checks_it() {
    let mut observed = observed();
    observed.task_definitions[0].network_mode = Some("bridge".into());
    observed.task_definitions[0].containers[0].name = "app".into();
    let found = checks(&topology(), &observed, &health());
    let found: Vec<(&str, Status, &str, Option<&str>)> = found
        .iter()
        .filter(|check| check.check == "task_definition_matches")
        .map(|check| (check.resource.as_str(), check.status, check.message.as_str(), check.fix.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("service.api.ecs main/api", Status::Fail, "task definition arn:td/api:3 has no container \"api\" (it has app)", Some("set [service.ecs] container to the task definition's container name")),
            (
                "service.api.ecs main/api",
                Status::Fail,
                "target type \"ip\" needs the awsvpc network mode, and task definition arn:td/api:3 uses bridge",
                Some("set target_type = \"instance\" for bridge or host networking, or run the service with awsvpc networking")
            ),
        ]
    );
    observed.ecs_services.clear();
    observed.ecs_catalog.services.insert("main".into(), vec!["ap".into(), "worker".into()]);
    let missing = checks(&topology(), &observed, &health());
    let check = missing.iter().find(|check| check.check == "ecs_service_exists").expect("the check");
    assert_eq!(check.status, Status::Fail);
    insta::assert_snapshot!(format!("{}\n{}", check.message, check.fix.as_deref().unwrap_or_default()));
}

#[test]
fn a_vpc_without_dns_hostnames_fails_with_the_command_that_fixes_it() {
    let mut observed = observed();
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: false });
    let checks = checks(&topology(), &observed, &health());
    assert_eq!(
        checks[0],
        Check {
            status: Status::Fail,
            check: "vpc_dns_enabled",
            resource: "network.vpc vpc-1".into(),
            message: "enableDnsHostnames off: names in the private zone in.example.com and the Cloud Map namespace internal do not resolve in the VPC".into(),
            fix: Some("aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames".into()),
        }
    );
    observed.vpc_dns = Some(VpcDns { support: false, hostnames: false });
    assert_eq!(
        checks_of(&observed)[0].fix.as_deref(),
        Some("aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-support && aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames")
    );
    observed.vpc_dns = Some(VpcDns { support: true, hostnames: true });
    let passing = &checks_of(&observed)[0];
    assert_eq!(
        (passing.check, passing.status, passing.message.as_str()),
        ("vpc_dns_enabled", Status::Ok, "enableDnsSupport and enableDnsHostnames are on")
    );
}

fn checks_of(observed: &Observed) -> Vec<Check> {
    checks(&topology(), observed, &health())
}

#[test]
fn every_load_balancer_is_checked_and_each_service_against_the_one_with_its_rule() {
    let found = checks(&two_shard_topology(), &two_shard_observed(), &two_shard_health());
    let of = |check: &str, resource: &str| {
        let found = found.iter().find(|found| found.check == check && found.resource.starts_with(resource));
        found.map(|found| (found.status, found.message.as_str())).unwrap_or_else(|| panic!("no {check} {resource}"))
    };
    assert_eq!(
        of("load_balancer_egress", "load_balancer.2 demo-alb-2, security group sg-lb"),
        (Status::Ok, "egress reaches the VPC (10.0.0.0/16) on every service port")
    );
    assert_eq!(
        of("rule_forwards_to_target_group", "service.web.target_group"),
        (Status::Ok, "rule 1 (host web.in.example.com) forwards to it on load_balancer.2 demo-alb-2")
    );
    assert_eq!(
        of("record_points_at_load_balancer", "service.web.dns_record"),
        (Status::Ok, "CNAME internal-demo-alb-2-2.us-east-1.elb.amazonaws.com")
    );
    assert_eq!(
        of("rule_forwards_to_target_group", "service.api.target_group"),
        (Status::Ok, "rule 1 (host api.in.example.com) forwards to it")
    );
}

#[test]
fn a_second_load_balancer_without_the_group_or_a_name_pointing_at_the_first_fails() {
    let mut observed = two_shard_observed();
    observed.load_balancers[1].security_group_ids.clear();
    observed.zones[0].records[1].values = vec!["internal-demo-alb-1.us-east-1.elb.amazonaws.com".into()];
    let found = checks(&two_shard_topology(), &observed, &two_shard_health());
    let failed: Vec<(&str, &str, &str)> = found
        .iter()
        .filter(|check| {
            check.status == Status::Fail && check.resource.contains("web") || check.resource.contains(".2 ")
        })
        .map(|check| (check.check, check.resource.as_str(), check.message.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            (
                "load_balancer_egress",
                "load_balancer.2 demo-alb-2, security group sg-lb",
                "the load balancer demo-alb-2 does not use its own security group"
            ),
            (
                "record_points_at_load_balancer",
                "service.web.dns_record web.in.example.com",
                "CNAME internal-demo-alb-1.us-east-1.elb.amazonaws.com, not the load balancer internal-demo-alb-2-2.us-east-1.elb.amazonaws.com"
            ),
        ]
    );
}

/// doctor never contradicts itself: with the ECS service attached and no targets, the fix of targets_healthy
/// does not tell to attach it (it said "attach the ECS service ([service.ecs])" under
/// `ok ecs_attached_to_target_group`); detached, it says how to attach it; unwired, how to wire it.
#[test]
fn no_targets_fix_follows_the_attachment_check() {
    let mut health = health();
    health.targets.clear();
    health.instances.clear();
    let lines = |observed: &Observed, topology: &crate::topology::Topology| {
        let text = crate::views::doctor::text(&checks(topology, observed, &health));
        text.lines()
            .filter(|line| {
                ["targets_healthy", "ecs_attached", "discovery_has_instances"].iter().any(|name| line.contains(name))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let attached = lines(&observed(), &topology());
    let mut detached_state = observed();
    detached_state.ecs_services[0].load_balancers.clear();
    let detached = lines(&detached_state, &topology());
    let mut unwired = topology();
    unwired.services[0].ecs = None;
    let unwired = lines(&observed(), &unwired);
    insta::assert_snapshot!(format!("attached:\n{attached}\n\ndetached:\n{detached}\n\nunwired:\n{unwired}"));
}

/// `server` on Service Connect with TLS in us-east-1 and a per-request timeout; its ECS service in account
/// 111122223333 and its live state as apply leaves it.
fn connect_with_tls(role_account: &str) -> (crate::topology::Topology, Observed) {
    use crate::test_support::{
        ecs_service, http_task_definition, planned, security_group, simulate, subnet, ObservedBuilder, TopologyBuilder,
    };
    use crate::topology::file::ConnectTlsSection;
    let role = format!("arn:aws:iam::{role_account}:role/sc-tls");
    let topology = TopologyBuilder::new("conn")
        .region("us-east-1")
        .discovery("my.demo")
        .service("server", |service| {
            service
                .security_group("server-tasks")
                .load_balanced(false)
                .ecs("demo")
                .connect("default", None)
                .connect_settings(|connect| {
                    connect.per_request_timeout = Some(30);
                    connect.tls = Some(ConnectTlsSection {
                        certificate_authority: "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca-1"
                            .into(),
                        kms_key: None,
                        role: Some(role),
                    });
                })
        })
        .build();
    let observed = ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", None, "us-east-1a"))
        .subnet(subnet("subnet-b", None, "us-east-1b"))
        .security_group(security_group("sg-server", "server-tasks"))
        .ecs_service(EcsService {
            arn: "arn:aws:ecs:us-east-1:111122223333:service/demo/server".into(),
            ..ecs_service("demo", "server")
        })
        .task_definition(http_task_definition("server", 8080))
        .build();
    let plan = planned(&topology, &observed).unwrap();
    let applied = simulate(&plan, &observed);
    (topology, applied)
}

fn connect_checks(topology: &crate::topology::Topology, observed: &Observed) -> Vec<(&'static str, Status, String)> {
    checks(topology, observed, &Health::default())
        .into_iter()
        .filter(|check| check.check.starts_with("connect_"))
        .map(|check| (check.check, check.status, check.message))
        .collect()
}

#[test]
fn service_connect_checks_what_doctor_can_tell_without_iam_or_acm_pca() {
    let (topology, mut observed) = connect_with_tls("111122223333");
    assert_eq!(
        connect_checks(&topology, &observed),
        [
            ("connect_tls_ca_region", Status::Ok, "the certificate authority is in us-east-1; that it exists and is ACTIVE needs `aws acm-pca describe-certificate-authority`".to_string()),
            ("connect_tls_role_account", Status::Ok, "arn:aws:iam::111122223333:role/sc-tls is in the service's account; that it trusts ecs.amazonaws.com needs `aws iam get-role`".to_string()),
            ("connect_deployment_reports_settings", Status::Ok, "the primary deployment runs the aliases, TLS, timeouts and logs the file sets".to_string()),
        ]
    );

    let reported = observed.ecs_services[0].connect.as_mut().unwrap();
    reported.services[0].timeouts.per_request = Some(5);
    reported.services[0].tls = None;
    let found = connect_checks(&topology, &observed);
    assert_eq!(
        found[2],
        (
            "connect_deployment_reports_settings",
            Status::Fail,
            "the primary deployment differs from the file in its TLS, timeouts".to_string()
        )
    );
    observed.ecs_services[0].connect = None;
    assert_eq!(connect_checks(&topology, &observed)[2].1, Status::Warn);

    let (topology, observed) = connect_with_tls("999999999999");
    assert_eq!(
        connect_checks(&topology, &observed)[1],
        (
            "connect_tls_role_account",
            Status::Fail,
            "the TLS role is in account 999999999999, the ECS service in 111122223333: IAM passes only roles of the caller's account".to_string()
        )
    );
}

/// VPC Lattice: each check's pass once apply ran, and its failure when what it checks is undone.
mod lattice {
    use super::*;

    fn lattice_checks(observed: &Observed, health: &Health) -> Vec<Check> {
        checks(&lattice_topology(), observed, health)
            .into_iter()
            .filter(|check| check.check.contains("lattice"))
            .collect()
    }

    fn found<'a>(checks: &'a [Check], name: &str) -> &'a Check {
        checks.iter().find(|check| check.check == name).unwrap_or_else(|| panic!("no check {name}: {checks:#?}"))
    }

    fn orders(observed: &mut Observed) -> &mut LatticeService {
        observed.lattice.services.iter_mut().find(|service| service.name == "shop-orders").unwrap()
    }

    #[test]
    fn every_check_passes_once_applied() {
        let observed = lattice_observed();
        let checks = lattice_checks(&observed, &lattice_health(&observed));
        assert_eq!(
            statuses(&checks),
            [
                ("lattice_vpc_associated", Status::Ok),
                ("lattice_service_in_network", Status::Ok),
                ("lattice_can_reach_tasks", Status::Ok),
                ("ecs_registers_in_lattice", Status::Ok),
                ("lattice_targets_healthy", Status::Ok),
                ("lattice_admits_callers", Status::Ok),
            ]
        );
    }

    #[test]
    fn a_vpc_not_in_the_network_fails() {
        let mut observed = lattice_observed();
        let health = lattice_health(&observed);
        observed.lattice.vpc_associations[0].status = LatticeStatus::CreateInProgress.into();
        let pending = found(&lattice_checks(&observed, &health), "lattice_vpc_associated").clone();
        assert_eq!(
            (pending.status, pending.message.as_str()),
            (Status::Fail, "the VPC's association with shop-net is CREATE_IN_PROGRESS")
        );
        observed.lattice.vpc_associations.clear();
        let checks = lattice_checks(&observed, &health);
        let missing = found(&checks, "lattice_vpc_associated");
        assert_eq!(
            (missing.status, missing.message.as_str(), missing.fix.as_deref()),
            (
                Status::Fail,
                "the VPC is not associated with the service network shop-net: its tasks cannot call it",
                Some("run `ecsnet apply`")
            )
        );
    }

    #[test]
    fn a_service_outside_the_network_fails() {
        let mut observed = lattice_observed();
        let health = lattice_health(&observed);
        orders(&mut observed).associations.clear();
        let checks = lattice_checks(&observed, &health);
        let check = found(&checks, "lattice_service_in_network");
        assert_eq!(
            (check.status, check.message.as_str()),
            (Status::Fail, "not associated with the file's service network")
        );
    }

    #[test]
    fn tasks_that_do_not_admit_lattice_fail() {
        let mut observed = lattice_observed();
        let health = lattice_health(&observed);
        let group = observed.security_groups.iter_mut().find(|group| group.id == "sg-orders").unwrap();
        group.rules.retain(|rule| rule.permission.peer != Peer::PrefixList("pl-lattice".into()));
        let checks = lattice_checks(&observed, &health);
        let check = found(&checks, "lattice_can_reach_tasks");
        assert_eq!(
            (check.status, check.resource.as_str(), check.message.as_str()),
            (
                Status::Fail,
                "service.orders.lattice.ingress sg-orders",
                "no ingress on tcp/8080 from VPC Lattice's prefix list pl-lattice: requests and health checks cannot reach the tasks"
            )
        );
    }

    #[test]
    fn an_ecs_service_that_does_not_register_its_tasks_fails() {
        let mut observed = lattice_observed();
        let health = lattice_health(&observed);
        observed.ecs_services.iter_mut().find(|service| service.name == "orders").unwrap().lattice.clear();
        let checks = lattice_checks(&observed, &health);
        let check = found(&checks, "ecs_registers_in_lattice");
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.message.starts_with("the primary deployment does not register tasks in shop-orders-"),
            "{}",
            check.message
        );
    }

    #[test]
    fn unhealthy_or_no_targets_warn() {
        let observed = lattice_observed();
        let mut health = lattice_health(&observed);
        let targets = health.lattice_targets.values_mut().next().unwrap();
        targets[1].state = Reported::Known(crate::live::health::LatticeTargetState::Unhealthy);
        targets[1].reason = Some("HealthCheckFailed".into());
        let checks = lattice_checks(&observed, &health);
        let check = found(&checks, "lattice_targets_healthy");
        assert_eq!(
            (check.status, check.message.as_str()),
            (Status::Warn, "1 of 2 healthy: 10.0.2.8 UNHEALTHY (HealthCheckFailed)")
        );
        let checks = lattice_checks(&observed, &Health::default());
        let check = found(&checks, "lattice_targets_healthy");
        assert_eq!((check.status, check.message.as_str()), (Status::Warn, "no targets registered"));
    }

    /// The policy is judged as `plan` judges it: the same callers, the same comparison.
    #[test]
    fn a_policy_that_admits_other_callers_fails_as_plan_would_change_it() {
        let mut observed = lattice_observed();
        let health = lattice_health(&observed);
        let only_partner = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{PARTNER}"}},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}}]}}"#
        );
        orders(&mut observed).auth_policy = Some(only_partner);
        let checks = lattice_checks(&observed, &health);
        let check = found(&checks, "lattice_admits_callers");
        assert_eq!(
            (check.status, check.message.as_str()),
            (Status::Fail, "admits arn:aws:iam::444455556666:role/partner, and the file's callers are arn:aws:iam::444455556666:role/partner, web (arn:aws:iam::123456789012:role/web-task)")
        );
        let plan = crate::plan::plan_apply(&lattice_topology(), &observed).unwrap();
        assert!(plan
            .changes
            .iter()
            .any(|change| change.address == crate::plan::Address::LatticeAuthPolicy("orders".into())));

        orders(&mut observed).auth_policy = None;
        let checks = lattice_checks(&observed, &health);
        assert_eq!(
            found(&checks, "lattice_admits_callers").message,
            "the service has no auth policy: AWS_IAM denies every request"
        );

        let mut roleless = lattice_observed();
        roleless
            .task_definitions
            .iter_mut()
            .find(|definition| definition.arn.ends_with("/web:1"))
            .unwrap()
            .task_role_arn = None;
        let checks = lattice_checks(&roleless, &health);
        let check = found(&checks, "lattice_admits_callers");
        assert_eq!(
            (check.status, check.message.as_str()),
            (Status::Fail, "caller \"web\": ECS service main/web runs task definition web:1, which has no task role, the identity VPC Lattice admits callers by")
        );
    }
}
