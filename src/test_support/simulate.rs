//! What an apply leaves in live state, without a network: `simulate(plan, observed)` carries out a plan's steps
//! on the observed state in the executor's order, as AWS and the executor would (ownership tags on what is
//! created, IDs and ARNs made up, references to what the same apply creates resolved), so that a planner test can
//! check the invariant every emulator test checks against moto: after apply, the plan is empty; after destroy,
//! nothing the topology owns is left.

use std::collections::HashMap;

use crate::observed::{
    ConnectAlias, EcsLoadBalancer, EcsRegistry, HostedZone, Listener, ListenerDefault, LoadBalancer, Namespace,
    Observed, Record, Rule, SecurityGroup, SecurityGroupRule, ServiceConnect, Tags, TargetGroup,
};
use crate::observed::{Direction, DiscoveryService, Peer, Permission};
use crate::plan::ownership::{attributes_tag_value, ADDRESS_TAG, ATTRIBUTES_TAG, SERVICE_CONNECT_TAG, TOPOLOGY_TAG};
use crate::plan::{
    schedule, topological_order, Address, Change, ConnectChange, DefaultSpec, EcsLoadBalancerSpec, EcsUpdate,
    ListenerSpec, LoadBalancerSpec, ManagedAttributes, Operation, Plan, RecordSpec, RecordTarget, Ref, TargetGroupSpec,
    Work,
};
use crate::topology::RecordKind;

/// Live state after `plan` is applied to `observed`.
pub fn simulate(plan: &Plan, observed: &Observed) -> Observed {
    let mut account = Account { state: observed.clone(), topology: &plan.topology, created: HashMap::new(), next: 0 };
    let steps = schedule(plan);
    let order = topological_order(&steps).expect("a plan's steps have an order");
    for index in order {
        match &steps[index].work {
            Work::Change(change) => account.apply(&plan.changes[*change]),
            Work::Records(changes) | Work::Rules(changes) => {
                changes.iter().for_each(|change| account.apply(&plan.changes[*change]))
            }
            Work::RetireTargetGroup(change) | Work::RetireLoadBalancer(change) => {
                account.retire(&plan.changes[*change])
            }
        }
    }
    account.state
}

struct Account<'a> {
    state: Observed,
    topology: &'a str,
    /// The ID or ARN of what this apply created, by address, as the executor records it.
    created: HashMap<Address, String>,
    next: usize,
}

impl Account<'_> {
    /// A made-up ID that names what it is and where (`sg-load_balancer.security_group-1`), unique in the run.
    fn new_id(&mut self, prefix: &str, address: &Address) -> String {
        self.next += 1;
        format!("{prefix}-{address}-{}", self.next)
    }

    fn resolve(&self, reference: &Ref) -> String {
        match reference {
            Ref::Known(id) => id.clone(),
            Ref::Of(address) => self.created.get(address).cloned().unwrap_or_else(|| {
                panic!("{address} is referred to before this apply created it: the plan's order is wrong")
            }),
        }
    }

    fn ownership(&self, address: &Address) -> Tags {
        Tags::from([
            (TOPOLOGY_TAG.to_string(), self.topology.to_string()),
            (ADDRESS_TAG.to_string(), address.to_string()),
        ])
    }

    fn apply(&mut self, change: &Change) {
        let address = &change.address;
        match &change.operation {
            Operation::CreateSecurityGroup { name, rules, .. } => self.create_group(address, name, rules),
            Operation::UpdateSecurityGroupRules { group_id, authorize, revoke } => {
                let revoked: Vec<&str> = revoke.iter().map(|rule| rule.id.as_str()).collect();
                self.revoke_rules(group_id, &revoked);
                self.authorize(address, group_id, authorize);
            }
            Operation::DeleteSecurityGroup { group_id } => {
                self.state.security_groups.retain(|group| group.id != *group_id)
            }
            Operation::SetIngress { revoke, authorize } => {
                for (group_id, rule_ids) in revoke {
                    let rule_ids: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
                    self.revoke_rules(group_id, &rule_ids);
                }
                if let Some(spec) = authorize {
                    let permission = Permission {
                        direction: Direction::Ingress,
                        protocol: "tcp".into(),
                        from_port: spec.port.into(),
                        to_port: spec.port.into(),
                        peer: Peer::Group(self.resolve(&spec.source_group)),
                    };
                    self.authorize(address, &spec.group_id, std::slice::from_ref(&permission));
                }
            }
            Operation::CreateLoadBalancer(spec) | Operation::ReplaceLoadBalancer { spec, .. } => {
                self.create_load_balancer(address, spec)
            }
            Operation::UpdateLoadBalancer { arn, subnet_ids, security_groups, idle_timeout, managed } => {
                let security_groups =
                    security_groups.as_ref().map(|groups| groups.iter().map(|group| self.resolve(group)).collect());
                let load_balancer = self.load_balancer(arn);
                if let Some(subnet_ids) = subnet_ids {
                    load_balancer.subnet_ids = subnet_ids.clone();
                }
                if let Some(security_groups) = security_groups {
                    load_balancer.security_group_ids = security_groups;
                }
                if idle_timeout.is_some() {
                    load_balancer.idle_timeout = *idle_timeout;
                }
                set_managed(&mut load_balancer.tags, managed.as_ref());
            }
            Operation::DeleteLoadBalancer { arn } => self.state.load_balancers.retain(|live| live.arn != *arn),
            Operation::CreateTargetGroup(spec) | Operation::ReplaceTargetGroup { spec, .. } => {
                self.create_target_group(address, spec)
            }
            Operation::UpdateTargetGroup { arn, health_check, attributes, managed } => {
                let group = self.target_group(arn);
                if let Some(health_check) = health_check {
                    group.health_check = health_check.clone();
                }
                if let Some(attributes) = attributes {
                    group.attributes = Some(attributes.clone());
                }
                set_managed(&mut group.tags, managed.as_ref());
            }
            Operation::DeleteTargetGroup { arn } => self.state.target_groups.retain(|group| group.arn != *arn),
            Operation::CreateListener { load_balancer, spec } => self.create_listener(address, load_balancer, spec),
            Operation::UpdateListener { arn, spec, .. } => {
                let default = self.listener_default(spec);
                let listener = self.listener(arn);
                listener.protocol = spec.protocol.as_aws().into();
                listener.certificate_arn = spec.certificate_arn.clone();
                listener.ssl_policy = spec.ssl_policy.clone();
                listener.default = default;
            }
            Operation::DeleteListener { arn } => self
                .state
                .load_balancers
                .iter_mut()
                .for_each(|live| live.listeners.retain(|listener| listener.arn != *arn)),
            Operation::CreateRule { listener, priority, conditions, target_group } => {
                let rule = Rule {
                    arn: self.new_id("arn:rule", address),
                    priority: *priority,
                    hosts: conditions.hosts.iter().map(|host| host.to_ascii_lowercase()).collect(),
                    paths: conditions.paths.clone(),
                    target_group_arn: Some(self.resolve(target_group)),
                    tags: self.ownership(address),
                };
                let listener = self.resolve(listener);
                self.listener(&listener).rules.push(rule);
            }
            Operation::UpdateRule { arn, priority, conditions, target_group, .. } => {
                let target_group = target_group.as_ref().map(|group| self.resolve(group));
                let rule = self.rule(arn);
                if let Some(priority) = priority {
                    rule.priority = *priority;
                }
                if let Some(conditions) = conditions {
                    rule.hosts = conditions.hosts.iter().map(|host| host.to_ascii_lowercase()).collect();
                    rule.paths = conditions.paths.clone();
                }
                if target_group.is_some() {
                    rule.target_group_arn = target_group;
                }
            }
            Operation::DeleteRule { arn } => self
                .state
                .load_balancers
                .iter_mut()
                .flat_map(|live| live.listeners.iter_mut())
                .for_each(|listener| listener.rules.retain(|rule| rule.arn != *arn)),
            Operation::CreateHostedZone { name, comment, .. } => {
                let id = self.new_id("Z", address);
                self.state.zones.push(HostedZone {
                    id: id.clone(),
                    name: name.clone(),
                    comment: Some(comment.clone()),
                    records: vec![],
                });
                self.created.insert(address.clone(), id);
            }
            Operation::DeleteHostedZone { zone_id } => self.state.zones.retain(|zone| zone.id != *zone_id),
            Operation::ChangeRecords { zone, upsert, delete } => self.change_records(zone, upsert.as_ref(), delete),
            Operation::CreateNamespace { name, description, .. } => {
                let id = self.new_id("ns", address);
                let arn = format!("arn:aws:servicediscovery:namespace/{id}");
                self.state.namespaces.push(Namespace {
                    id: id.clone(),
                    arn,
                    name: name.clone(),
                    description: Some(description.clone()),
                });
                self.created.insert(address.clone(), id);
            }
            Operation::DeleteNamespace { id } => self.state.namespaces.retain(|namespace| namespace.id != *id),
            Operation::CreateDiscoveryService { name, namespace, record_type, ttl, description } => {
                let id = self.new_id("srv", address);
                let arn = format!("arn:aws:servicediscovery:service/{id}");
                let namespace_id = self.resolve(namespace);
                self.state.discovery_services.push(DiscoveryService {
                    id,
                    arn: arn.clone(),
                    name: name.clone(),
                    namespace_id,
                    description: Some(description.clone()),
                    record_type: record_type.as_aws().into(),
                    ttl: *ttl,
                });
                self.created.insert(address.clone(), arn);
            }
            Operation::UpdateDiscoveryTtl { id, ttl, .. } => self
                .state
                .discovery_services
                .iter_mut()
                .filter(|service| service.id == *id)
                .for_each(|service| service.ttl = *ttl),
            Operation::DeleteDiscoveryService { id } => {
                self.state.discovery_services.retain(|service| service.id != *id)
            }
            Operation::UpdateEcsService(update) => self.update_ecs_service(update),
            Operation::RemovedWithParent => {}
        }
    }

    /// Deletes what a replace left behind, once everything has moved to the new one.
    fn retire(&mut self, change: &Change) {
        match &change.operation {
            Operation::ReplaceTargetGroup { old_arn, .. } => {
                self.state.target_groups.retain(|group| group.arn != *old_arn)
            }
            Operation::ReplaceLoadBalancer { old_arn, .. } => {
                self.state.load_balancers.retain(|live| live.arn != *old_arn)
            }
            other => panic!("a retire step follows a replace, not {other:?}"),
        }
    }

    fn create_group(&mut self, address: &Address, name: &str, rules: &[Permission]) {
        let id = self.new_id("sg", address);
        let mut tags = self.ownership(address);
        tags.insert("Name".into(), name.into());
        self.state.security_groups.push(SecurityGroup {
            id: id.clone(),
            group_name: name.into(),
            tags,
            rules: vec![],
            references: vec![],
        });
        self.authorize(address, &id, rules);
        self.created.insert(address.clone(), id);
    }

    fn authorize(&mut self, address: &Address, group_id: &str, permissions: &[Permission]) {
        let rules: Vec<SecurityGroupRule> = permissions
            .iter()
            .map(|permission| SecurityGroupRule {
                id: self.new_id("sgr", address),
                permission: permission.clone(),
                tags: self.ownership(address),
            })
            .collect();
        let group = self.group(group_id);
        group.rules.extend(rules);
    }

    fn revoke_rules(&mut self, group_id: &str, rule_ids: &[&str]) {
        self.group(group_id).rules.retain(|rule| !rule_ids.contains(&rule.id.as_str()));
    }

    fn create_load_balancer(&mut self, address: &Address, spec: &LoadBalancerSpec) {
        let arn = self.new_id("arn:loadbalancer", address);
        let mut tags = self.ownership(address);
        if spec.idle_timeout.is_some() {
            tags.insert(ATTRIBUTES_TAG.into(), "idle_timeout".into());
        }
        let security_group = self.resolve(&spec.security_group);
        self.state.load_balancers.push(LoadBalancer {
            arn: arn.clone(),
            name: spec.name.clone(),
            scheme: spec.scheme.as_aws().into(),
            dns_name: format!("{}.sim.elb.amazonaws.com", spec.name),
            canonical_zone_id: "ZSIMELB".into(),
            idle_timeout: spec.idle_timeout,
            subnet_ids: spec.subnet_ids.clone(),
            security_group_ids: vec![security_group],
            tags,
            listeners: vec![],
        });
        self.created.insert(address.clone(), arn);
    }

    fn create_target_group(&mut self, address: &Address, spec: &TargetGroupSpec) {
        let arn = self.new_id("arn:targetgroup", address);
        let mut tags = self.ownership(address);
        let names: Vec<String> = spec.attributes.names().into_iter().map(str::to_string).collect();
        if !names.is_empty() {
            tags.insert(ATTRIBUTES_TAG.into(), attributes_tag_value(&names));
        }
        self.state.target_groups.push(TargetGroup {
            arn: arn.clone(),
            name: spec.name.clone(),
            port: spec.port.into(),
            protocol: spec.protocol.as_aws().into(),
            target_type: spec.target_type.as_aws().into(),
            vpc_id: spec.vpc_id.clone(),
            health_check: spec.health_check.clone(),
            attributes: (!spec.attributes.is_empty()).then(|| spec.attributes.clone()),
            tags,
        });
        self.created.insert(address.clone(), arn);
    }

    fn create_listener(&mut self, address: &Address, load_balancer: &Ref, spec: &ListenerSpec) {
        let arn = self.new_id("arn:listener", address);
        let listener = Listener {
            arn: arn.clone(),
            port: spec.port.into(),
            protocol: spec.protocol.as_aws().into(),
            certificate_arn: spec.certificate_arn.clone(),
            ssl_policy: spec.ssl_policy.clone(),
            default: self.listener_default(spec),
            tags: self.ownership(address),
            rules: vec![],
        };
        let load_balancer = self.resolve(load_balancer);
        self.load_balancer(&load_balancer).listeners.push(listener);
        self.created.insert(address.clone(), arn);
    }

    fn listener_default(&self, spec: &ListenerSpec) -> ListenerDefault {
        match &spec.default {
            DefaultSpec::Forward(group) => ListenerDefault::Forward(self.resolve(group)),
            DefaultSpec::FixedResponse { status, body, content_type } => ListenerDefault::FixedResponse {
                status: *status,
                body: body.clone(),
                content_type: content_type.clone(),
            },
            DefaultSpec::Redirect { port } => ListenerDefault::Redirect {
                port: port.to_string(),
                protocol: "HTTPS".into(),
                status: "HTTP_301".into(),
            },
        }
    }

    fn change_records(&mut self, zone: &Ref, upsert: Option<&RecordSpec>, delete: &[Record]) {
        let upserted = upsert.map(|spec| self.records_of(spec));
        let zone_id = self.resolve(zone);
        let zone = self.state.zones.iter_mut().find(|zone| zone.id == zone_id).expect("the records' zone exists");
        zone.records.retain(|record| !delete.contains(record));
        for record in upserted.into_iter().flatten() {
            zone.records.retain(|live| !(live.name == record.name && live.kind == record.kind));
            zone.records.push(record);
        }
    }

    /// A service's record and its ownership TXT record, as Route 53 lists them.
    fn records_of(&self, spec: &RecordSpec) -> [Record; 2] {
        let (dns_name, zone_id) = match &spec.target {
            RecordTarget::Known { dns_name, zone_id } => (dns_name.clone(), zone_id.clone()),
            RecordTarget::Of(address) => {
                let arn = self.created.get(address).expect("the record's load balancer was created first");
                let live = self.state.load_balancers.iter().find(|live| live.arn == *arn).expect("it is live");
                (live.dns_name.clone(), live.canonical_zone_id.clone())
            }
        };
        let dns_name = dns_name.trim_end_matches('.').to_ascii_lowercase();
        let record = match spec.kind {
            RecordKind::Cname => Record {
                name: spec.host.clone(),
                kind: "CNAME".into(),
                ttl: Some(spec.ttl),
                values: vec![dns_name],
                alias: None,
                alias_zone: None,
            },
            RecordKind::Alias => Record {
                name: spec.host.clone(),
                kind: "A".into(),
                ttl: None,
                values: vec![],
                alias: Some(dns_name),
                alias_zone: Some(zone_id),
            },
        };
        let owner = Record {
            name: spec.owner_name.clone(),
            kind: "TXT".into(),
            ttl: Some(spec.ttl),
            values: vec![spec.owner_value.clone()],
            alias: None,
            alias_zone: None,
        };
        [record, owner]
    }

    fn update_ecs_service(&mut self, update: &EcsUpdate) {
        let load_balancers = update.load_balancers.as_ref().map(|specs| {
            specs
                .iter()
                .map(|spec| match spec {
                    EcsLoadBalancerSpec::Own { target_group, container, port } => {
                        EcsLoadBalancer::target_group(&self.resolve(target_group), container, *port)
                    }
                    EcsLoadBalancerSpec::Kept(entry) => entry.clone(),
                })
                .collect::<Vec<_>>()
        });
        let registries = update.registries.as_ref().map(|specs| {
            specs
                .iter()
                .map(|spec| EcsRegistry {
                    arn: self.resolve(&spec.registry),
                    port: spec.port,
                    container: spec.container.clone(),
                    container_port: spec.container_port,
                })
                .collect::<Vec<_>>()
        });
        let service = self
            .state
            .ecs_services
            .iter_mut()
            .find(|service| service.arn == update.arn)
            .expect("ecsnet updates only ECS services it read");
        if let Some(load_balancers) = load_balancers {
            service.load_balancers = load_balancers;
        }
        if let Some(registries) = registries {
            service.registries = registries;
        }
        match &update.connect {
            Some(ConnectChange::Enable { namespace, port_name, discovery_name, port, dns_name, marker }) => {
                let alias = ConnectAlias {
                    port_name: port_name.clone(),
                    discovery_name: discovery_name.clone(),
                    port: *port,
                    dns_name: dns_name.clone(),
                };
                service.connect =
                    Some(ServiceConnect { enabled: true, namespace: namespace.clone(), services: vec![alias] });
                service.tags.insert(SERVICE_CONNECT_TAG.into(), marker.clone());
            }
            Some(ConnectChange::Disable) => {
                service.connect = Some(ServiceConnect { enabled: false, namespace: String::new(), services: vec![] });
                service.tags.remove(SERVICE_CONNECT_TAG);
            }
            None => {}
        }
    }

    fn group(&mut self, id: &str) -> &mut SecurityGroup {
        self.state.security_groups.iter_mut().find(|group| group.id == id).unwrap_or_else(|| panic!("no group {id}"))
    }

    fn load_balancer(&mut self, arn: &str) -> &mut LoadBalancer {
        self.state
            .load_balancers
            .iter_mut()
            .find(|live| live.arn == arn)
            .unwrap_or_else(|| panic!("no load balancer {arn}"))
    }

    fn target_group(&mut self, arn: &str) -> &mut TargetGroup {
        self.state
            .target_groups
            .iter_mut()
            .find(|group| group.arn == arn)
            .unwrap_or_else(|| panic!("no target group {arn}"))
    }

    fn listener(&mut self, arn: &str) -> &mut Listener {
        self.state
            .load_balancers
            .iter_mut()
            .flat_map(|live| live.listeners.iter_mut())
            .find(|listener| listener.arn == arn)
            .unwrap_or_else(|| panic!("no listener {arn}"))
    }

    fn rule(&mut self, arn: &str) -> &mut Rule {
        self.state
            .load_balancers
            .iter_mut()
            .flat_map(|live| live.listeners.iter_mut())
            .flat_map(|listener| listener.rules.iter_mut())
            .find(|rule| rule.arn == arn)
            .unwrap_or_else(|| panic!("no rule {arn}"))
    }
}

/// The attributes tag after an update: the names ecsnet manages from now on.
fn set_managed(tags: &mut Tags, managed: Option<&ManagedAttributes>) {
    let Some(managed) = managed else { return };
    if managed.after.is_empty() {
        tags.remove(ATTRIBUTES_TAG);
    } else {
        tags.insert(ATTRIBUTES_TAG.into(), attributes_tag_value(&managed.after));
    }
}
