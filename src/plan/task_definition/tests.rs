use super::*;
use crate::live::PortMapping;
use crate::live::Reported;

fn definition(network_mode: Option<&str>) -> TaskDefinition {
    TaskDefinition {
        arn: "arn:aws:ecs:us-east-1:1:task-definition/api:3".into(),
        network_mode: network_mode.map(Reported::parse),
        task_role_arn: None,
        containers: vec![
            Container {
                name: "api".into(),
                port_mappings: vec![PortMapping {
                    container_port: 8080,
                    name: Some("http".into()),
                    app_protocol: None,
                }],
            },
            Container { name: "sidecar".into(), port_mappings: vec![] },
        ],
    }
}

fn wiring() -> Wiring<'static> {
    Wiring {
        container: "api",
        port: 8080,
        target_type: TargetType::Ip,
        load_balanced: true,
        record: None,
        port_name: None,
        per_request_timeout: false,
        lattice_port_name: None,
    }
}

#[test]
fn a_wiring_that_fits_its_task_definition_has_no_mismatch() {
    assert_eq!(
        mismatches(
            &Wiring { record: Some(RecordType::A), port_name: Some("http"), ..wiring() },
            &definition(Some("awsvpc"))
        ),
        []
    );
    let bridge = Wiring { target_type: TargetType::Instance, record: Some(RecordType::Srv), ..wiring() };
    assert_eq!(mismatches(&bridge, &definition(Some("bridge"))), []);
    assert_eq!(mismatches(&bridge, &definition(None)), [], "no network mode is bridge");
}

#[test]
fn each_rule_names_what_ecs_refuses() {
    let texts = |wiring: Wiring, network_mode: Option<&str>| {
        mismatches(&wiring, &definition(network_mode))
            .iter()
            .map(|mismatch| format!("{}: {mismatch}", mismatch.key()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(Wiring { container: "web", ..wiring() }, Some("awsvpc")),
        ["ecs.container: task definition api:3 has no container \"web\" (it has api, sidecar)"]
    );
    assert_eq!(
        texts(Wiring { port: 80, ..wiring() }, Some("awsvpc")),
        ["port: container api maps port(s) 8080, not 80"]
    );
    assert_eq!(
        texts(Wiring { container: "sidecar", ..wiring() }, Some("awsvpc")),
        ["port: container sidecar maps no port, not 8080"]
    );
    assert_eq!(
        texts(wiring(), Some("bridge")),
        ["target_type: target type \"ip\" needs the awsvpc network mode, and task definition api:3 uses bridge"]
    );
    assert_eq!(
        texts(wiring(), None),
        ["target_type: target type \"ip\" needs the awsvpc network mode, and task definition api:3 uses bridge"]
    );
    assert_eq!(
        texts(Wiring { target_type: TargetType::Instance, ..wiring() }, Some("awsvpc")),
        ["target_type: target type \"instance\" cannot reach tasks of the awsvpc network mode, which task definition api:3 uses"]
    );
    let unbalanced = Wiring { load_balanced: false, ..wiring() };
    assert_eq!(
        texts(Wiring { record: Some(RecordType::A), target_type: TargetType::Instance, ..unbalanced }, Some("host")),
        ["discovery.record: A records need the awsvpc network mode, and task definition api:3 uses host"]
    );
    assert_eq!(
        texts(Wiring { record: Some(RecordType::Srv), ..unbalanced }, Some("bridge")),
        ["target_type: an SRV record registered by port alone (target_type = \"ip\") needs the awsvpc network mode, and task definition api:3 uses bridge"]
    );
    assert_eq!(
        texts(
            Wiring { record: Some(RecordType::Srv), target_type: TargetType::Instance, container: "web", ..unbalanced },
            Some("bridge")
        ),
        ["ecs.container: task definition api:3 has no container \"web\" (it has api, sidecar)"]
    );
    assert_eq!(
        texts(Wiring { port_name: Some("default"), ..unbalanced }, Some("awsvpc")),
        ["connect.port_name: task definition api:3 has no port mapping named \"default\" (it has http)"]
    );
    assert_eq!(
        texts(Wiring { lattice_port_name: Some("default"), ..unbalanced }, Some("awsvpc")),
        ["lattice.port_name: task definition api:3 has no port mapping named \"default\" (it has http)"]
    );
    assert_eq!(texts(Wiring { lattice_port_name: Some("http"), ..unbalanced }, Some("awsvpc")), Vec::<String>::new());
}

#[test]
fn a_service_that_names_no_container_port_is_not_checked_for_one() {
    let connect_only = Wiring { container: "web", port: 1, load_balanced: false, port_name: Some("http"), ..wiring() };
    assert_eq!(
        mismatches(&connect_only, &definition(Some("awsvpc"))),
        [],
        "Service Connect names the port mapping, not the container"
    );
    assert!(container_port(&definition(Some("awsvpc")), "web", 1).is_err(), "doctor still can ask");
}
