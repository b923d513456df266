//! The file init writes when the services already sit behind a load balancer: it describes that load balancer,
//! parses, and `plan --adopt` against the same live state adopts it whole, replaces nothing, and converges.

use std::path::Path;

use crate::init::{adoptable_load_balancer, write_topology, InitOptions};
use crate::live::cluster::{
    AttachedLoadBalancer, AttachedLoadBalancing, AttachedTargetGroup, Cluster, LoadBalancerKind, RunningService,
};
use crate::live::RedirectPort;
use crate::live::{Direction, EcsLoadBalancer, ListenerDefault, LoadBalancer, Observed, Peer, Permission, TargetGroup};
use crate::plan::adopt::AdoptPolicy;
use crate::plan::{Action, Address};
use crate::test_support::{
    adopted, ecs_service, ingress, listener, load_balancer, rule, security_group, subnet, target_group,
    task_definition, ObservedBuilder,
};
use crate::topology::{self, DefaultAction, Scheme};

const LB: &str = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/seed-alb/1";
const WEB_GROUP: &str = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/seed-tg/1";
const API_GROUP: &str = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api-tg/2";

fn running(name: &str, port: i32, groups: &[&str]) -> RunningService {
    RunningService {
        name: name.into(),
        task_definition: Some(task_definition(name, port)),
        security_groups: vec!["sg-tasks".into()],
        subnets: vec!["subnet-a".into(), "subnet-b".into()],
        load_balancers: groups.iter().map(|arn| EcsLoadBalancer::target_group(arn, name, port)).collect(),
        registries: vec![],
    }
}

fn inbound(port: i32, cidr: &str) -> Permission {
    Permission {
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        from_port: port,
        to_port: port,
        peer: Peer::Cidr(cidr.into()),
    }
}

/// Seed 002's target group: HTTP 80, ip targets, health check / every 30 s, timeout 5 s, thresholds 2 and 2.
fn seed_group(arn: &str, name: &str) -> TargetGroup {
    let mut group = target_group(arn, name, 80);
    group.health_check.interval = 30;
    group.health_check.timeout = 5;
    group.health_check.healthy_threshold = 2;
    group.health_check.unhealthy_threshold = 2;
    group
}

/// Seed 002's shape: one service behind an internet-facing load balancer whose HTTP listener forwards to its
/// target group by default; the load balancer's group admits port 80 from anywhere.
fn seed_002() -> (Cluster, LoadBalancer) {
    let mut balancer = load_balancer(LB, "seed-alb", "internet-facing");
    balancer.subnet_ids = vec!["subnet-a".into(), "subnet-b".into()];
    balancer.security_group_ids = vec!["sg-alb".into()];
    balancer.listeners = vec![listener("arn:listener/80", 80, "HTTP", ListenerDefault::Forward(WEB_GROUP.into()))];
    let cluster = Cluster {
        name: "seed".into(),
        region: "us-east-1".into(),
        vpc_id: Some("vpc-1".into()),
        services: vec![running("web", 80, &[WEB_GROUP])],
        load_balancing: AttachedLoadBalancing {
            target_groups: vec![AttachedTargetGroup {
                group: seed_group(WEB_GROUP, "seed-tg"),
                load_balancer_arns: vec![LB.into()],
            }],
            load_balancers: vec![AttachedLoadBalancer {
                kind: LoadBalancerKind::Application,
                load_balancer: balancer.clone(),
                inbound: vec![inbound(80, "0.0.0.0/0")],
            }],
        },
    };
    (cluster, balancer)
}

/// The account `cluster` was read from, as `plan` reads it: the load balancer, its group and rules, the target
/// groups, the ECS services attached to them.
fn account(cluster: &Cluster, balancer: LoadBalancer, balancer_rules: &[(i32, &str)]) -> Observed {
    let mut alb_group = security_group("sg-alb", "seed-alb-sg");
    alb_group.rules = balancer_rules
        .iter()
        .enumerate()
        .map(|(index, (port, cidr))| ingress(&format!("sgr-alb-{index}"), "tcp", *port, Peer::Cidr(cidr.to_string())))
        .collect();
    let mut tasks = security_group("sg-tasks", "tasks");
    tasks.rules = vec![ingress("sgr-tasks", "tcp", 80, Peer::Group("sg-alb".into()))];
    let mut builder = ObservedBuilder::new()
        .vpc("vpc-1")
        .subnet(subnet("subnet-a", None, "us-east-1a"))
        .subnet(subnet("subnet-b", None, "us-east-1b"))
        .security_group(alb_group)
        .security_group(tasks)
        .load_balancer(balancer);
    for attached in &cluster.load_balancing.target_groups {
        builder = builder.target_group(attached.group.clone());
    }
    for service in &cluster.services {
        let mut ecs = ecs_service("seed", &service.name);
        ecs.load_balancers = service.load_balancers.clone();
        builder = builder.ecs_service(ecs).task_definition(service.task_definition.clone().unwrap());
    }
    builder.build()
}

fn parsed(text: &str) -> topology::Topology {
    topology::parse(Path::new("init.toml"), text).unwrap_or_else(|error| panic!("{error}\n{text}"))
}

#[test]
fn seed_002s_load_balancer_is_described_with_a_placeholder_host() {
    let (cluster, _) = seed_002();
    let text = write_topology(&cluster, &InitOptions { zone: None, namespace: None });
    insta::assert_snapshot!("seed_002", text);
    let topology = parsed(&text);
    let balancer = topology.load_balancer.as_ref().unwrap();
    assert_eq!((balancer.name.as_str(), balancer.scheme), ("seed-alb", Scheme::InternetFacing));
    assert_eq!(balancer.allowed_cidrs.as_deref(), Some(&["0.0.0.0/0".to_string()][..]));
    assert_eq!(balancer.listeners[0].default, DefaultAction::Forward("web".into()));
    let routing = topology.services[0].routing.as_ref().unwrap();
    assert_eq!(routing.hosts, ["web.invalid"]);
    assert_eq!(routing.health_check, seed_group(WEB_GROUP, "").health_check);
    assert_eq!(adoptable_load_balancer(&cluster), Some("seed-alb"));
}

#[test]
fn plan_adopt_takes_seed_002s_load_balancer_over_and_replaces_nothing() {
    let (cluster, balancer) = seed_002();
    let topology = parsed(&write_topology(&cluster, &InitOptions { zone: None, namespace: None }));
    let observed = account(&cluster, balancer, &[(80, "0.0.0.0/0")]);
    let plan = adopted(&topology, &observed, &AdoptPolicy::default()).unwrap();
    let of = |action: Action| -> Vec<String> {
        plan.changes.iter().filter(|change| change.action == action).map(|change| change.address.to_string()).collect()
    };
    let adoptions = of(Action::Adopt);
    for address in [
        Address::LoadBalancer(0),
        Address::Listener(0, 80),
        Address::TargetGroup("web".into()),
        Address::LoadBalancerSecurityGroup,
    ] {
        assert!(adoptions.contains(&address.to_string()), "{address} adopted: {adoptions:?}");
    }
    assert!(of(Action::Replace).is_empty() && of(Action::Delete).is_empty(), "{plan:#?}");
    assert_eq!(of(Action::Create), ["service.web.rule.80"], "only the placeholder host's rule is new");
}

/// A host-rule shape: HTTPS with a certificate and a fixed-response default, HTTP redirecting to it; a service
/// with a host and path rule, another not behind the load balancer.
fn host_rules() -> Cluster {
    let (mut cluster, _) = seed_002();
    let attached = &mut cluster.load_balancing.load_balancers[0];
    attached.load_balancer.scheme = "internal".into();
    let mut https = listener(
        "arn:listener/443",
        443,
        "HTTPS",
        ListenerDefault::FixedResponse {
            status: 404,
            body: Some("no route".into()),
            content_type: "text/plain".into(),
        },
    );
    https.certificate_arn = Some("arn:aws:acm:us-east-1:1:certificate/c".into());
    https.ssl_policy = Some("ELBSecurityPolicy-2016-08".into());
    https.rules = vec![
        rule("arn:rule/1", 5, &["api.example.com"], &["/api/*"], Some(API_GROUP)),
        rule("arn:rule/2", 9, &["www.example.com"], &[], Some(WEB_GROUP)),
    ];
    let redirect = ListenerDefault::Redirect {
        port: RedirectPort(Some(443)),
        protocol: "HTTPS".into(),
        status: "HTTP_301".into(),
    };
    attached.load_balancer.listeners = vec![https, listener("arn:listener/80", 80, "HTTP", redirect)];
    attached.inbound = vec![inbound(443, "10.0.0.0/8"), inbound(80, "10.0.0.0/8"), inbound(443, "192.168.0.0/16")];
    let api = AttachedTargetGroup { group: seed_group(API_GROUP, "api-tg"), load_balancer_arns: vec![LB.into()] };
    cluster.load_balancing.target_groups.push(api);
    cluster.services =
        vec![running("api", 80, &[API_GROUP]), running("web", 80, &[WEB_GROUP]), running("worker", 9000, &[])];
    cluster
}

#[test]
fn rules_give_hosts_and_paths_and_defaults_keep_their_shape() {
    let cluster = host_rules();
    let text = write_topology(&cluster, &InitOptions { zone: None, namespace: None });
    let topology = parsed(&text);
    let balancer = topology.load_balancer.as_ref().unwrap();
    assert_eq!(
        (balancer.scheme, balancer.allowed_cidrs.as_deref()),
        (Scheme::Internal, Some(&["10.0.0.0/8".to_string()][..]))
    );
    assert!(
        text.contains("# its security groups also admit 192.168.0.0/16 on tcp/443; allowed_cidrs cannot say so"),
        "{text}"
    );
    let [http, https] = &balancer.listeners[..] else { panic!("two listeners: {text}") };
    assert_eq!((https.port, https.ssl_policy.as_deref()), (443, Some("ELBSecurityPolicy-2016-08")));
    assert_eq!(
        https.default,
        DefaultAction::FixedResponse { status: 404, body: Some("no route".into()), content_type: "text/plain".into() }
    );
    assert_eq!((http.port, &http.default), (80, &DefaultAction::Redirect { port: 443 }));
    let routes: Vec<(&str, Vec<String>, Vec<String>)> = topology
        .services
        .iter()
        .filter_map(|service| {
            service
                .routing
                .as_ref()
                .map(|routing| (service.name.as_str(), routing.hosts.clone(), routing.paths.clone()))
        })
        .collect();
    assert_eq!(
        routes,
        [
            ("api", vec!["api.example.com".into()], vec!["/api/*".into()]),
            ("web", vec!["www.example.com".into()], vec![])
        ]
    );
    assert!(text.contains("load_balanced = false                # not behind load balancer seed-alb today"), "{text}");
    assert!(!text.contains("PLACEHOLDER"), "{text}");
}

#[test]
fn several_or_other_load_balancers_keep_the_comments() {
    let mut network = host_rules();
    network.load_balancing.load_balancers[0].kind = LoadBalancerKind::Network;
    let mut several = host_rules();
    let mut second = several.load_balancing.load_balancers[0].clone();
    second.load_balancer.arn = "arn:second".into();
    second.load_balancer.name = "second".into();
    several.load_balancing.load_balancers.push(second);
    several.load_balancing.target_groups[1].load_balancer_arns = vec!["arn:second".into()];
    for (cluster, what) in
        [(network, "Network Load Balancer seed-alb"), (several, "2 load balancers (seed-alb, second)")]
    {
        let text = write_topology(&cluster, &InitOptions { zone: None, namespace: None });
        assert!(
            text.contains(&format!(
                "# The services sit behind {what}; adoption from `ecsnet init` covers one Application"
            )),
            "{text}"
        );
        assert!(
            text.contains(
                "# already attached to target group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/seed-tg/1"
            ),
            "{text}"
        );
        assert!(parsed(&text).load_balancer.is_none() && adoptable_load_balancer(&cluster).is_none());
    }
}

#[test]
fn a_zone_names_a_service_no_rule_forwards_to() {
    let (cluster, _) = seed_002();
    let text = write_topology(&cluster, &InitOptions { zone: Some("in.example.com"), namespace: None });
    let topology = parsed(&text);
    assert_eq!(topology.services[0].routing.as_ref().unwrap().hosts, ["web.in.example.com"]);
    assert_eq!(topology.load_balancer.as_ref().unwrap().name, "seed-alb");
    assert!(!text.contains("PLACEHOLDER"), "{text}");
}
