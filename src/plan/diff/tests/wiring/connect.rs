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
    let Some(ConnectChange::Enable { namespace, port_name, discovery_name, port, dns_name, marker }) = &server.connect
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
        Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![] });
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
