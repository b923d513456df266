//! Service Connect.

use crate::live::*;
use crate::plan::ownership::SERVICE_CONNECT_TAG;
use crate::plan::{Address, ConnectChange, EcsOp, Operation};
use crate::test_support::OwnedBy;

use crate::test_support::{destroyed, planned};

use super::{account, change, connect, problems, step_position};

#[test]
fn a_port_name_that_names_no_port_mapping_stops_the_plan() {
    let text = connect().service("server", |service| service.connect("http", Some("server")));
    assert_eq!(
        problems(&text, &account()),
        [(
            "service \"server\" [service.connect] port_name: ECS service demo/server: task definition server:1 has no port mapping named \"http\" (it has default)".to_string(),
            "set [service.connect] port_name to the name of one of the task definition's port mappings, or name the port mapping in the task definition".to_string()
        )]
    );
}

#[test]
fn service_connect_is_read_where_aws_reports_it_and_the_tag_stands_in_when_it_reports_nothing() {
    let plan = planned(&connect().build(), &account()).unwrap();
    let Operation::Ecs(EcsOp::UpdateService(server)) = &change(&plan, &Address::EcsService("server".into())).operation
    else {
        panic!()
    };
    let Some(ConnectChange::Enable { namespace, port_name, discovery_name, port, dns_name, marker, .. }) =
        &server.connect
    else {
        panic!()
    };
    assert_eq!(
        (namespace.as_str(), port_name.as_str(), discovery_name.as_str(), *port, dns_name.as_str()),
        ("my.demo", "default", "server", 8080, "server.my.demo")
    );

    let mut applied = account();
    applied.namespaces =
        vec![Namespace { id: "ns-2".into(), arn: "arn:ns-2".into(), name: "my.demo".into(), description: None }
            .owned_by("conn", Address::Namespace)];
    applied.ecs_services[2].tags.insert(SERVICE_CONNECT_TAG.into(), marker.clone());
    let plan = planned(&connect().build(), &applied).unwrap();
    assert!(plan.is_empty(), "the deployment reports nothing, the tag says it is on: {:#?}", plan.changes);

    applied.ecs_services[2].connect =
        Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![], logs: None });
    let plan = planned(&connect().build(), &applied).unwrap();
    let drift = change(&plan, &Address::EcsService("server".into()));
    assert_eq!(drift.fields[0].old.as_deref(), Some("(off)"), "AWS's answer wins over the tag");

    let plan = destroyed(&connect().build(), &applied).unwrap();
    let Operation::Ecs(EcsOp::UpdateService(server)) = &change(&plan, &Address::EcsService("server".into())).operation
    else {
        panic!()
    };
    assert_eq!(server.connect, Some(ConnectChange::Disable));
    assert!(step_position(&plan, &Address::EcsService("server".into())) < step_position(&plan, &Address::Namespace));
}

const CA: &str = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0a1b2c3d-0000-4000-8000-000000000000";
const ROLE: &str = "arn:aws:iam::123456789012:role/service-connect-tls";

/// `server` on Service Connect with two aliases, TLS, both timeouts and JSON access logs.
fn full_surface() -> crate::test_support::TopologyBuilder {
    use crate::topology::file::{ConnectAliasSection, ConnectLogsSection, ConnectTlsSection};
    connect().service("server", |service| {
        service.connect_settings(|connect| {
            connect.aliases = Some(vec![
                ConnectAliasSection { dns_name: Some("server.internal".into()), port: Some(80), discovery_name: None },
                ConnectAliasSection { dns_name: Some("server".into()), port: Some(8080), discovery_name: None },
            ]);
            connect.per_request_timeout = Some(30);
            connect.idle_timeout = Some(300);
            connect.tls =
                Some(ConnectTlsSection { certificate_authority: CA.into(), kms_key: None, role: Some(ROLE.into()) });
            connect.logs = Some(ConnectLogsSection {
                driver: "awslogs".into(),
                options: Some([("awslogs-group".to_string(), "/ecs/server".to_string())].into()),
                access_logs: Some("JSON".into()),
                include_query_parameters: None,
            });
        })
    })
}

/// The plan's fields of the ECS service `server`, as `field: old → new`.
fn server_fields(plan: &crate::plan::Plan) -> Vec<String> {
    change(plan, &Address::EcsService("server".into())).fields.iter().map(ToString::to_string).collect()
}

/// `account()` with `server`'s port mapping on appProtocol http, which per-request timeouts need.
fn http_account() -> Observed {
    let mut observed = account();
    observed.task_definitions[2] = crate::test_support::http_task_definition("server", 8080);
    observed
}

/// Live state after `plan` is carried out (what `planned` checks converges).
fn applied(plan: &crate::plan::Plan) -> Observed {
    crate::test_support::simulate(plan, &http_account())
}

#[test]
fn the_full_surface_is_sent_in_one_update_and_shown_part_by_part() {
    let plan = planned(&full_surface().build(), &http_account()).unwrap();
    assert_eq!(
        server_fields(&plan),
        [
            "service_connect: (off) → default as server (server.internal:80) in my.demo, default as server-2 (server:8080) in my.demo",
            &format!("service_connect.tls: (none) → issuer {CA}, role {ROLE}"),
            "service_connect.timeouts: (AWS's defaults) → per request 30 s, idle 300 s",
            "service_connect.logs: (none) → awslogs (awslogs-group=/ecs/server), access logs JSON",
        ]
    );
    let Operation::Ecs(EcsOp::UpdateService(server)) = &change(&plan, &Address::EcsService("server".into())).operation
    else {
        panic!()
    };
    let connect = server.connect.as_ref().unwrap();
    assert_eq!(connect.aliases(), [("server", "server.internal", 80), ("server-2", "server", 8080)]);
    let Some(ConnectChange::Enable { marker, .. }) = &server.connect else { panic!() };
    assert!(
        marker.starts_with(
            "namespace=my.demo port_name=default discovery_name=server port=80 dns_name=server.internal settings="
        ),
        "{marker}"
    );
}

#[test]
fn a_per_request_timeout_on_a_tcp_port_mapping_stops_the_plan() {
    assert_eq!(
        problems(&full_surface(), &account()),
        [(
            "service \"server\" [service.connect] per_request_timeout: ECS service demo/server: a per-request timeout needs an application protocol other than TCP, and port mapping \"default\" of task definition server:1 sets no appProtocol (TCP)".to_string(),
            "leave per_request_timeout out (idle_timeout applies to TCP), or set the port mapping's appProtocol to http, http2 or grpc in the task definition".to_string()
        )]
    );
}

#[test]
fn a_timeout_changed_out_of_band_is_drift_and_defaults_aws_adds_are_not() {
    let plan = planned(&full_surface().build(), &http_account()).unwrap();
    let mut live = applied(&plan);
    for alias in &mut live.ecs_services[2].connect.as_mut().unwrap().services {
        alias.timeouts.per_request = Some(5);
    }
    let drift = planned(&full_surface().build(), &live).unwrap();
    assert_eq!(
        server_fields(&drift),
        ["service_connect.timeouts: per request 5 s, idle 300 s → per request 30 s, idle 300 s"]
    );

    // A file that sets no timeouts nor query parameters: what AWS reports of them is not drift.
    let plain = connect();
    let mut live = applied(&planned(&plain.build(), &http_account()).unwrap());
    let reported = live.ecs_services[2].connect.as_mut().unwrap();
    reported.services[0].timeouts.idle = Some(300);
    let plan = planned(&plain.build(), &live).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.changes);
}

#[test]
fn settings_the_file_drops_are_taken_off_through_the_tag() {
    let mut live = applied(&planned(&full_surface().build(), &http_account()).unwrap());
    // AWS kept what was sent; the file now sets no TLS: the tag's digest no longer matches.
    let without_tls =
        full_surface().service("server", |service| service.connect_settings(|connect| connect.tls = None));
    let plan = planned(&without_tls.build(), &live).unwrap();
    assert_eq!(server_fields(&plan), [format!("service_connect.tls: issuer {CA}, role {ROLE} → (none)")]);

    // Destroy turns off only what ecsnet's tag says it turned on.
    let plan = destroyed(&full_surface().build(), &live).unwrap();
    let Operation::Ecs(EcsOp::UpdateService(server)) = &change(&plan, &Address::EcsService("server".into())).operation
    else {
        panic!()
    };
    assert_eq!(server.connect, Some(ConnectChange::Disable));
    live.ecs_services[2].tags.remove(SERVICE_CONNECT_TAG);
    let plan = destroyed(&full_surface().build(), &live).unwrap();
    assert!(
        plan.changes.iter().all(|change| change.address != Address::EcsService("server".into())),
        "Service Connect ecsnet did not tag is left alone"
    );
}
