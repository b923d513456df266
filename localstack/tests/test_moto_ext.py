#!/usr/bin/env python3
"""moto_ext (localstack/moto_ext/) through boto3 against the extended moto: every VPC Lattice operation it adds, each
refusal, each state, every answer within the model's output shape, and the ECS fields kept per deployment.

    ../.emulator/venv/bin/python -m unittest tests.test_moto_ext      (from localstack/)

The emulator is the tests' shared one (tests/emulator.py: ECSNET_RULES_TEST_UPSTREAM, which localstack/test.sh
sets, else a moto_server with moto_ext for the whole test process). Against a moto without moto_ext every test
here fails (NotImplementedError answered as HTTP 500, or the fields missing). States move by the emulator's clock
(MOTO_VPC_LATTICE_STATE_SECONDS, 1 s by default): the tests wait for them, bounded.
"""
import itertools
import json
import re
import time
import unittest

import boto3
from botocore.config import Config as ClientConfig
from botocore.exceptions import ClientError

from . import emulator

_names = itertools.count()
WAIT = 10.0   # seconds, the most a state change may take here (the emulator's is 1 s)


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_names)}x{int(time.time() * 1000) % 100000}"


def client(service: str):
    return boto3.client(service, region_name="us-east-1", endpoint_url=emulator.upstream(),
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=ClientConfig(retries={"max_attempts": 1}))


def until(read, wanted, what="state"):
    """read() until it answers `wanted` (bounded); answers the last value."""
    deadline = time.monotonic() + WAIT
    while True:
        value = read()
        if value == wanted or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def outside_shape(shape, value, path="") -> list:
    """Paths of members in `value` that `shape` does not have."""
    found = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key not in shape.members:
                found.append(f"{path}.{key}")
            else:
                found += outside_shape(shape.members[key], item, f"{path}.{key}")
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found += outside_shape(shape.member, item, f"{path}[{index}]")
    return found


class LatticeCase(unittest.TestCase):
    """A vpc-lattice client whose every answer is checked against the operation's output shape and status."""

    def setUp(self):
        self.lattice = client("vpc-lattice")
        self.ec2 = client("ec2")
        self.answers = []
        self.lattice.meta.events.register("after-call.vpc-lattice", self._record)

    def _record(self, http_response, model, **_):
        body = http_response.content
        self.answers.append((model.name, http_response.status_code, body))
        if http_response.status_code >= 300:
            return
        expected = model.http.get("responseCode", 200)
        self.assertEqual(http_response.status_code, expected, f"{model.name}: the model's status")
        if expected == 204:
            self.assertEqual(body, b"", f"{model.name}: 204 has no body")
            return
        document = json.loads(body or b"{}")
        self.assertEqual(outside_shape(model.output_shape, document), [],
                         f"{model.name} answered members its output shape lacks")

    def error(self, call, **kwargs) -> ClientError:
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        return caught.exception

    def vpc(self) -> str:
        return self.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]

    def group(self, vpc: str) -> str:
        return self.ec2.create_security_group(GroupName=fresh("sg"), Description="t", VpcId=vpc)["GroupId"]

    def service(self, **kwargs) -> dict:
        return self.lattice.create_service(name=fresh("svc"), **kwargs)

    def network(self) -> dict:
        network = self.lattice.create_service_network(name=fresh("net"))
        self.addCleanup(self.drop_network, network["id"])
        return network

    def drop_network(self, network_id: str):
        """Delete a test's service network and its associations (bounded, best effort): a Region holds 50 service
        networks (the rules layer's quota), and the emulator may outlive this run."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                self.lattice.delete_service_network(serviceNetworkIdentifier=network_id)
                return
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConflictException":
                    return
            for association in self.lattice.list_service_network_service_associations(
                    serviceNetworkIdentifier=network_id)["items"]:
                self.quietly(self.lattice.delete_service_network_service_association,
                             serviceNetworkServiceAssociationIdentifier=association["id"])
            for association in self.lattice.list_service_network_vpc_associations(
                    serviceNetworkIdentifier=network_id)["items"]:
                self.quietly(self.lattice.delete_service_network_vpc_association,
                             serviceNetworkVpcAssociationIdentifier=association["id"])
            time.sleep(0.2)

    @staticmethod
    def quietly(call, **kwargs):
        try:
            call(**kwargs)
        except ClientError:
            pass    # still in progress: retried by the caller's loop

    def target_group(self, vpc: str, **config) -> dict:
        return self.lattice.create_target_group(
            name=fresh("tg"), type="IP",
            config={"port": 8080, "protocol": "HTTP", "vpcIdentifier": vpc, **config})

    def active_target_group(self, vpc: str, **config) -> dict:
        group = self.target_group(vpc, **config)
        until(lambda: self.lattice.get_target_group(targetGroupIdentifier=group["id"])["status"], "ACTIVE")
        return group

    def forward(self, group: dict) -> dict:
        return {"forward": {"targetGroups": [{"targetGroupIdentifier": group["id"], "weight": 100}]}}

    def listener(self, service: dict, action: dict, name=None) -> dict:
        return self.lattice.create_listener(serviceIdentifier=service["id"], name=name or fresh("lis"),
                                            protocol="HTTP", port=80, defaultAction=action)


class Ids(LatticeCase):
    def test_ids_and_arns_match_the_models_patterns_and_arns_identify(self):
        model = self.lattice.meta.service_model
        service = self.service()
        network = self.network()
        group = self.target_group(self.vpc())
        for shape, value in (("ServiceId", service["id"]), ("ServiceArn", service["arn"]),
                             ("ServiceNetworkId", network["id"]), ("ServiceNetworkArn", network["arn"]),
                             ("TargetGroupId", group["id"]), ("TargetGroupArn", group["arn"])):
            pattern = model.shape_for(shape).metadata["pattern"]
            self.assertRegex(value, "^" + pattern + "$", shape)
        self.assertEqual(self.lattice.get_service(serviceIdentifier=service["arn"])["id"], service["id"])
        self.assertEqual(self.lattice.get_target_group(targetGroupIdentifier=group["arn"])["id"], group["id"])

    def test_missing_resources_answer_404_with_awss_shape(self):
        error = self.error(self.lattice.get_service, serviceIdentifier="svc-0123456789abcdefg")
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertEqual(error.response["resourceId"], "svc-0123456789abcdefg")
        self.assertEqual(error.response["resourceType"], "SERVICE")
        for call, kwargs in ((self.lattice.get_target_group, {"targetGroupIdentifier": "tg-0123456789abcdefg"}),
                             (self.lattice.get_service_network_vpc_association,
                              {"serviceNetworkVpcAssociationIdentifier": "snva-0123456789abcdefg"}),
                             (self.lattice.delete_service_network,
                              {"serviceNetworkIdentifier": "sn-0123456789abcdefg"}),
                             (self.lattice.delete_auth_policy, {"resourceIdentifier": "svc-0123456789abcdefg"})):
            error = self.error(call, **kwargs)
            self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 404, call)


class Services(LatticeCase):
    def test_create_in_progress_then_active_update_and_delete_in_progress_then_gone(self):
        service = self.service()
        self.assertEqual(service["status"], "CREATE_IN_PROGRESS")
        self.assertEqual(until(lambda: self.lattice.get_service(serviceIdentifier=service["id"])["status"],
                               "ACTIVE"), "ACTIVE")
        updated = self.lattice.update_service(serviceIdentifier=service["arn"], authType="AWS_IAM")
        self.assertEqual(updated["authType"], "AWS_IAM")
        self.assertEqual(self.lattice.get_service(serviceIdentifier=service["id"])["authType"], "AWS_IAM")
        deleted = self.lattice.delete_service(serviceIdentifier=service["id"])
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        listed = {s["id"]: s["status"] for s in self.lattice.list_services()["items"]}
        self.assertEqual(listed.get(service["id"]), "DELETE_IN_PROGRESS")

        def gone():
            try:
                self.lattice.get_service(serviceIdentifier=service["id"])
                return False
            except ClientError as error:
                return error.response["Error"]["Code"] == "ResourceNotFoundException"
        self.assertTrue(until(gone, True))

    def test_delete_service_with_an_association_is_a_conflict_and_takes_listeners_with_it(self):
        service, network = self.service(), self.network()
        group = self.active_target_group(self.vpc())
        listener = self.listener(service, self.forward(group))
        association = self.lattice.create_service_network_service_association(
            serviceNetworkIdentifier=network["id"], serviceIdentifier=service["id"])
        error = self.error(self.lattice.delete_service, serviceIdentifier=service["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        until(lambda: self.lattice.get_service_network_service_association(
            serviceNetworkServiceAssociationIdentifier=association["id"])["status"], "ACTIVE")
        self.lattice.delete_service_network_service_association(
            serviceNetworkServiceAssociationIdentifier=association["id"])
        error = self.error(self.lattice.delete_service, serviceIdentifier=service["id"])   # still deleting
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        until(lambda: self.lattice.list_service_network_service_associations(
            serviceIdentifier=service["id"])["items"], [])
        self.lattice.delete_service(serviceIdentifier=service["id"])
        error = self.error(self.lattice.get_listener, serviceIdentifier=service["id"],
                           listenerIdentifier=listener["id"])
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")
        self.lattice.delete_target_group(targetGroupIdentifier=group["id"])   # no longer in use

    def test_lists_are_paginated_by_max_results_and_next_token(self):
        made = {self.service()["id"] for _ in range(3)}
        seen, token = [], None
        while True:
            page = self.lattice.list_services(maxResults=2, **({"nextToken": token} if token else {}))
            self.assertLessEqual(len(page["items"]), 2)
            seen += [item["id"] for item in page["items"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(len(seen), len(set(seen)), "no service on two pages")
        self.assertLessEqual(made, set(seen))

    def test_a_second_service_of_the_same_name_is_a_conflict(self):
        service = self.service()
        error = self.error(self.lattice.create_service, name=service["name"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")


class ServiceNetworks(LatticeCase):
    def test_update_and_delete(self):
        network = self.network()
        listed = {n["id"]: n for n in self.lattice.list_service_networks(maxResults=100)["items"]}
        self.assertEqual(listed[network["id"]]["numberOfAssociatedServices"], 0)
        self.assertEqual(self.lattice.update_service_network(serviceNetworkIdentifier=network["arn"],
                                                             authType="AWS_IAM")["authType"], "AWS_IAM")
        self.assertEqual(self.lattice.get_service_network(serviceNetworkIdentifier=network["id"])["authType"],
                         "AWS_IAM")
        self.lattice.delete_service_network(serviceNetworkIdentifier=network["id"])
        error = self.error(self.lattice.get_service_network, serviceNetworkIdentifier=network["id"])
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")

    def test_delete_with_a_service_or_vpc_association_is_a_conflict(self):
        network, service = self.network(), self.service()
        self.lattice.create_service_network_service_association(serviceNetworkIdentifier=network["id"],
                                                                serviceIdentifier=service["id"])
        error = self.error(self.lattice.delete_service_network, serviceNetworkIdentifier=network["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        self.assertEqual(error.response["resourceId"], network["id"])
        other = self.network()
        self.lattice.create_service_network_vpc_association(serviceNetworkIdentifier=other["id"],
                                                            vpcIdentifier=self.vpc())
        self.assertEqual(self.lattice.get_service_network(serviceNetworkIdentifier=other["id"])
                         ["numberOfAssociatedVPCs"], 1)
        error = self.error(self.lattice.delete_service_network, serviceNetworkIdentifier=other["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")


class ServiceAssociations(LatticeCase):
    def test_in_progress_then_active_refusals_then_deleted(self):
        network, service = self.network(), self.service()
        association = self.lattice.create_service_network_service_association(
            serviceNetworkIdentifier=network["arn"], serviceIdentifier=service["arn"])
        self.assertEqual(association["status"], "CREATE_IN_PROGRESS")
        # API_DeleteServiceNetworkServiceAssociation: "fails if an association is still in progress"
        error = self.error(self.lattice.delete_service_network_service_association,
                           serviceNetworkServiceAssociationIdentifier=association["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        error = self.error(self.lattice.create_service_network_service_association,
                           serviceNetworkIdentifier=network["id"], serviceIdentifier=service["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        read = self.lattice.get_service_network_service_association
        self.assertEqual(until(lambda: read(serviceNetworkServiceAssociationIdentifier=association["arn"])["status"],
                               "ACTIVE"), "ACTIVE")
        found = read(serviceNetworkServiceAssociationIdentifier=association["id"])
        self.assertEqual((found["serviceName"], found["serviceNetworkName"]), (service["name"], network["name"]))
        deleted = self.lattice.delete_service_network_service_association(
            serviceNetworkServiceAssociationIdentifier=association["id"])
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        self.assertEqual(until(lambda: self.lattice.list_service_network_service_associations(
            serviceNetworkIdentifier=network["id"])["items"], []), [])


class VpcAssociations(LatticeCase):
    def test_get_update_security_groups_states_and_delete(self):
        vpc = self.vpc()
        first, second = self.group(vpc), self.group(vpc)
        network = self.network()
        association = self.lattice.create_service_network_vpc_association(
            serviceNetworkIdentifier=network["id"], vpcIdentifier=vpc, securityGroupIds=[first])
        read = self.lattice.get_service_network_vpc_association
        self.assertEqual(read(serviceNetworkVpcAssociationIdentifier=association["id"])["status"],
                         "CREATE_IN_PROGRESS")
        error = self.error(self.lattice.delete_service_network_vpc_association,
                           serviceNetworkVpcAssociationIdentifier=association["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        until(lambda: read(serviceNetworkVpcAssociationIdentifier=association["id"])["status"], "ACTIVE")
        updated = self.lattice.update_service_network_vpc_association(
            serviceNetworkVpcAssociationIdentifier=association["arn"], securityGroupIds=[first, second])
        self.assertEqual(updated["status"], "UPDATE_IN_PROGRESS")
        self.assertEqual(read(serviceNetworkVpcAssociationIdentifier=association["id"])["securityGroupIds"],
                         [first, second])
        error = self.error(self.lattice.delete_service_network_vpc_association,
                           serviceNetworkVpcAssociationIdentifier=association["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        until(lambda: read(serviceNetworkVpcAssociationIdentifier=association["id"])["status"], "ACTIVE")
        deleted = self.lattice.delete_service_network_vpc_association(
            serviceNetworkVpcAssociationIdentifier=association["id"])
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        error = self.error(self.lattice.update_service_network_vpc_association,
                           serviceNetworkVpcAssociationIdentifier=association["id"], securityGroupIds=[first])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        self.assertEqual(until(lambda: self.lattice.list_service_network_vpc_associations(vpcIdentifier=vpc)["items"],
                               []), [])

    def test_a_vpc_joins_one_service_network_only(self):
        vpc = self.vpc()
        self.lattice.create_service_network_vpc_association(serviceNetworkIdentifier=self.network()["id"],
                                                            vpcIdentifier=vpc)
        error = self.error(self.lattice.create_service_network_vpc_association,
                           serviceNetworkIdentifier=self.network()["id"], vpcIdentifier=vpc)
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")


class ListenersAndRules(LatticeCase):
    def test_listener_update_and_delete_rules_get_list_update_delete(self):
        vpc = self.vpc()
        service = self.service()
        one, two = self.active_target_group(vpc), self.active_target_group(vpc)
        listener = self.listener(service, self.forward(one))
        self.assertEqual(listener["port"], 80)
        updated = self.lattice.update_listener(serviceIdentifier=service["arn"], listenerIdentifier=listener["arn"],
                                               defaultAction={"fixedResponse": {"statusCode": 404}})
        self.assertEqual(updated["defaultAction"], {"fixedResponse": {"statusCode": 404}})
        match = {"httpMatch": {"pathMatch": {"match": {"prefix": "/api"}}}}
        rule = self.lattice.create_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                        name=fresh("rule"), priority=10, match=match, action=self.forward(two))
        got = self.lattice.get_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                    ruleIdentifier=rule["arn"])
        self.assertEqual((got["priority"], got["match"], got["isDefault"]), (10, match, False))
        listed = self.lattice.list_rules(serviceIdentifier=service["id"], listenerIdentifier=listener["id"])["items"]
        self.assertEqual([(r["id"], r["isDefault"]) for r in listed][0], (rule["id"], False))
        default = [r for r in listed if r["isDefault"]]
        self.assertEqual(len(default), 1)
        error = self.error(self.lattice.delete_rule, serviceIdentifier=service["id"],
                           listenerIdentifier=listener["id"], ruleIdentifier=default[0]["id"])
        self.assertEqual(error.response["Error"]["Code"], "ValidationException")
        error = self.error(self.lattice.create_rule, serviceIdentifier=service["id"],
                           listenerIdentifier=listener["id"], name=fresh("rule"), priority=10, match=match,
                           action=self.forward(two))
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        changed = self.lattice.update_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                           ruleIdentifier=rule["id"], priority=20)
        self.assertEqual(changed["priority"], 20)
        # the rule forwards to `two`: in use
        error = self.error(self.lattice.delete_target_group, targetGroupIdentifier=two["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        self.lattice.delete_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                 ruleIdentifier=rule["id"])
        error = self.error(self.lattice.get_rule, serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                           ruleIdentifier=rule["id"])
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")
        self.lattice.delete_target_group(targetGroupIdentifier=two["id"])
        self.lattice.create_rule(serviceIdentifier=service["id"], listenerIdentifier=listener["id"],
                                 name=fresh("rule"), priority=5, match=match,
                                 action={"fixedResponse": {"statusCode": 403}})
        self.lattice.delete_listener(serviceIdentifier=service["id"], listenerIdentifier=listener["id"])
        self.assertEqual(self.lattice.list_listeners(serviceIdentifier=service["id"])["items"], [])
        error = self.error(self.lattice.list_rules, serviceIdentifier=service["id"],
                           listenerIdentifier=listener["id"])
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")

    def test_a_listener_forwarding_to_a_missing_target_group_is_not_found(self):
        service = self.service()
        error = self.error(self.listener, service=service,
                           action={"forward": {"targetGroups": [{"targetGroupIdentifier": "tg-0123456789abcdefg"}]}})
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")


class TargetGroups(LatticeCase):
    def test_update_health_check_and_delete_states(self):
        vpc = self.vpc()
        group = self.target_group(vpc)
        self.assertEqual(group["status"], "CREATE_IN_PROGRESS")
        # API_DeleteTargetGroup: not while the creation is in progress
        error = self.error(self.lattice.delete_target_group, targetGroupIdentifier=group["id"])
        self.assertEqual(error.response["Error"]["Code"], "ConflictException")
        until(lambda: self.lattice.get_target_group(targetGroupIdentifier=group["id"])["status"], "ACTIVE")
        updated = self.lattice.update_target_group(targetGroupIdentifier=group["arn"],
                                                   healthCheck={"enabled": True, "path": "/health"})
        self.assertEqual(updated["config"]["healthCheck"]["path"], "/health")
        listed = {g["id"]: g for g in self.lattice.list_target_groups(vpcIdentifier=vpc)["items"]}
        self.assertEqual(listed[group["id"]]["port"], 8080)
        self.assertEqual(self.lattice.delete_target_group(targetGroupIdentifier=group["id"])["status"],
                         "DELETE_IN_PROGRESS")

    def test_targets_initial_healthy_unused_unavailable_draining_gone(self):
        vpc = self.vpc()
        group = self.active_target_group(vpc)
        registered = self.lattice.register_targets(targetGroupIdentifier=group["id"],
                                                   targets=[{"id": "10.1.0.10"}, {"id": "10.1.0.11", "port": 9090}])
        self.assertEqual(registered["successful"], [{"id": "10.1.0.10", "port": 8080},
                                                    {"id": "10.1.0.11", "port": 9090}])

        def states():
            return sorted((t["id"], t["status"]) for t in
                          self.lattice.list_targets(targetGroupIdentifier=group["id"])["items"])
        self.assertEqual(states(), [("10.1.0.10", "UNUSED"), ("10.1.0.11", "UNUSED")])   # no listener forwards
        service = self.service()
        self.listener(service, self.forward(group))
        self.assertEqual(states()[0][1], "INITIAL")
        self.assertEqual(until(states, [("10.1.0.10", "HEALTHY"), ("10.1.0.11", "HEALTHY")]),
                         [("10.1.0.10", "HEALTHY"), ("10.1.0.11", "HEALTHY")])
        only = self.lattice.list_targets(targetGroupIdentifier=group["id"], targets=[{"id": "10.1.0.10"}])["items"]
        self.assertEqual([t["id"] for t in only], ["10.1.0.10"])
        removed = self.lattice.deregister_targets(targetGroupIdentifier=group["id"],
                                                  targets=[{"id": "10.1.0.10"}, {"id": "10.1.0.99"}])
        self.assertEqual(removed["successful"], [{"id": "10.1.0.10", "port": 8080}])
        self.assertEqual([f["id"] for f in removed["unsuccessful"]], ["10.1.0.99"])
        self.assertEqual(states(), [("10.1.0.10", "DRAINING"), ("10.1.0.11", "HEALTHY")])
        self.assertEqual(until(states, [("10.1.0.11", "HEALTHY")]), [("10.1.0.11", "HEALTHY")])
        self.lattice.update_target_group(targetGroupIdentifier=group["id"], healthCheck={"enabled": False})
        self.assertEqual(states(), [("10.1.0.11", "UNAVAILABLE")])


class AuthPolicies(LatticeCase):
    def test_delete_auth_policy_answers_204_and_then_not_found(self):
        service = self.service(authType="AWS_IAM")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                          "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}
        self.lattice.put_auth_policy(resourceIdentifier=service["id"], policy=json.dumps(policy))
        self.lattice.delete_auth_policy(resourceIdentifier=service["arn"])
        self.assertEqual(self.answers[-1][1], 204)
        error = self.error(self.lattice.get_auth_policy, resourceIdentifier=service["id"])
        self.assertEqual(error.response["Error"]["Code"], "ResourceNotFoundException")


class EcsFields(unittest.TestCase):
    """DescribeServices reports Service Connect and VPC Lattice on the PRIMARY deployment, never at the top."""

    def setUp(self):
        self.ecs, self.discovery, self.ec2 = client("ecs"), client("servicediscovery"), client("ec2")
        self.cluster = fresh("cluster")
        self.ecs.create_cluster(clusterName=self.cluster)
        self.family = fresh("task")
        self.ecs.register_task_definition(family=self.family, containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80, "name": "web"}]}])

    def primary(self, name):
        service = self.ecs.describe_services(cluster=self.cluster, services=[name])["services"][0]
        self.assertEqual([k for k in service if k in ("serviceConnectConfiguration", "vpcLatticeConfigurations")], [],
                         "the Service shape has neither at its top level")
        return next(d for d in service["deployments"] if d["status"] == "PRIMARY")

    def test_kept_on_create_replaced_and_carried_on_update(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        namespace_name = fresh("ns") + ".local"
        self.discovery.create_private_dns_namespace(Name=namespace_name, Vpc=vpc)
        namespace = next(n for n in self.discovery.list_namespaces()["Namespaces"] if n["Name"] == namespace_name)
        connect = {"enabled": True, "namespace": namespace_name, "services": [
            {"portName": "web", "discoveryName": "api", "clientAliases": [{"port": 80, "dnsName": "api.local"}]}]}
        name = fresh("svc")
        created = self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.family,
                                          desiredCount=2, serviceConnectConfiguration=connect)["service"]
        primary = self.primary(name)
        self.assertEqual(primary["serviceConnectConfiguration"], {**connect, "namespace": namespace["Arn"]})
        self.assertEqual(primary["serviceConnectResources"], [{"discoveryName": "api"}])
        self.assertNotIn("vpcLatticeConfigurations", primary)

        lattice = [{"roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructure", "portName": "web",
                    "targetGroupArn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdefg"}]
        self.ecs.update_service(cluster=self.cluster, service=name, vpcLatticeConfigurations=lattice)
        primary = self.primary(name)
        self.assertNotEqual(primary["id"], created["deployments"][0]["id"], "a new deployment is PRIMARY")
        self.assertEqual(primary["vpcLatticeConfigurations"], lattice)
        self.assertEqual(primary["serviceConnectConfiguration"]["namespace"], namespace["Arn"], "carried over")

        self.ecs.update_service(cluster=self.cluster, service=name, serviceConnectConfiguration={"enabled": False},
                                vpcLatticeConfigurations=[])
        primary = self.primary(name)
        self.assertEqual(primary["serviceConnectConfiguration"], {"enabled": False})
        self.assertNotIn("vpcLatticeConfigurations", primary)
        self.assertNotIn("serviceConnectResources", primary)

    def test_an_update_without_either_keeps_them(self):
        name = fresh("svc")
        lattice = [{"roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructure", "portName": "web",
                    "targetGroupArn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdefh"}]
        self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.family, desiredCount=1,
                                vpcLatticeConfigurations=lattice)
        self.ecs.update_service(cluster=self.cluster, service=name, desiredCount=2)
        self.assertEqual(self.primary(name)["vpcLatticeConfigurations"], lattice)
        self.ecs.update_service(cluster=self.cluster, service=name, forceNewDeployment=True)
        self.assertEqual(self.primary(name)["vpcLatticeConfigurations"], lattice)


class EcsRegistersInLattice(LatticeCase):
    """ECS registers the PRIMARY deployment's running tasks (MOTO_ECS_SERVICE_RUNNING, 2 here) in the Lattice target
    groups its vpcLatticeConfigurations name, INITIAL then HEALTHY, and deregisters them when they go
    (moto_ext/ecs_lattice.py)."""

    ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructure"

    def setUp(self):
        super().setUp()
        self.ecs = client("ecs")
        self.cluster = fresh("cluster")
        self.ecs.create_cluster(clusterName=self.cluster)
        self.family = fresh("task")
        self.ecs.register_task_definition(family=self.family, networkMode="awsvpc", containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128,
             "portMappings": [{"containerPort": 8080, "name": "web"}]}])
        vpc = self.vpc()
        self.group = self.active_target_group(vpc, port=9999)
        self.listener(self.service(), self.forward(self.group))

    def targets(self, group=None):
        items = self.lattice.list_targets(targetGroupIdentifier=(group or self.group)["id"])["items"]
        return sorted((t["port"], t["status"]) for t in items)

    def ips(self, group=None):
        return sorted(t["id"] for t in self.lattice.list_targets(
            targetGroupIdentifier=(group or self.group)["id"])["items"] if t["status"] != "DRAINING")

    def configuration(self, group=None):
        return [{"roleArn": self.ROLE, "portName": "web", "targetGroupArn": (group or self.group)["arn"]}]

    def test_running_tasks_registered_initial_then_healthy_and_deregistered_when_the_configuration_goes(self):
        name = fresh("svc")
        self.assertEqual(self.targets(), [], "nothing registered before ECS names the group")
        self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.family, desiredCount=2)
        self.assertEqual(self.targets(), [], "a service without the configuration registers nothing")
        self.ecs.update_service(cluster=self.cluster, service=name, vpcLatticeConfigurations=self.configuration())
        # On the port mapping named "web" (8080), not the group's port (9999).
        self.assertEqual(self.targets(), [(8080, "INITIAL"), (8080, "INITIAL")])
        self.assertEqual(until(self.targets, [(8080, "HEALTHY"), (8080, "HEALTHY")]),
                         [(8080, "HEALTHY"), (8080, "HEALTHY")])
        self.ecs.update_service(cluster=self.cluster, service=name, vpcLatticeConfigurations=[])
        self.assertEqual(self.targets(), [(8080, "DRAINING"), (8080, "DRAINING")])
        self.assertEqual(until(self.targets, []), [], "drained, then gone")

    def test_a_new_deployment_registers_new_tasks_and_drains_the_old_a_deleted_service_drains_all(self):
        name = fresh("svc")
        self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.family, desiredCount=1,
                                vpcLatticeConfigurations=self.configuration())
        first = self.ips()
        self.assertEqual(len(first), 1, "one task: the desired count bounds moto's running count")
        self.ecs.update_service(cluster=self.cluster, service=name, desiredCount=2, forceNewDeployment=True)
        second = self.ips()
        self.assertEqual(len(second), 2)
        self.assertFalse(set(first) & set(second), "a new deployment's tasks have new IPs")
        self.assertIn((8080, "DRAINING"), self.targets(), "the old deployment's task drains")
        self.ecs.delete_service(cluster=self.cluster, service=name, force=True)
        self.assertEqual(self.ips(), [])
        self.assertEqual(until(self.targets, []), [])

    def test_targets_registered_by_hand_are_left_alone_and_a_group_made_later_is_filled(self):
        self.lattice.register_targets(targetGroupIdentifier=self.group["id"], targets=[{"id": "10.1.0.7"}])
        later = self.target_group(self.vpc())
        name = fresh("svc")
        self.ecs.create_service(cluster=self.cluster, serviceName=name, taskDefinition=self.family, desiredCount=2,
                                vpcLatticeConfigurations=self.configuration(later))
        self.assertEqual(len(self.ips(later)), 2, "registered at the first read of the group")
        self.assertEqual(self.ips(), ["10.1.0.7"], "ECS's tasks are not in a group it does not name")
        self.ecs.update_service(cluster=self.cluster, service=name, vpcLatticeConfigurations=[])
        self.assertEqual(self.ips(), ["10.1.0.7"], "the target registered by hand stays")


class Routing(unittest.TestCase):
    def test_every_operation_moto_ext_lists_cites_its_page_and_is_in_the_model(self):
        import os
        here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "moto_ext")
        with open(os.path.join(here, "vpclattice.py"), encoding="utf-8") as handle:
            source = handle.read()
        with open(os.path.join(here, "README.md"), encoding="utf-8") as handle:
            readme = handle.read()
        operations = re.search(r"OPERATIONS = \((.*?)\n\)", source, re.S).group(1)
        names = re.findall(r'"(\w+)"', operations)
        model = client("vpc-lattice").meta.service_model
        self.assertGreater(len(names), 30)
        for name in names:
            self.assertIn(name, model.operation_names)
            self.assertIn(f"API_{name}", source, f"{name} cites its API reference page in the code")
            self.assertIn(f"API_{name}.html", readme, f"{name} is listed with its page in moto_ext/README.md")


if __name__ == "__main__":
    unittest.main()
