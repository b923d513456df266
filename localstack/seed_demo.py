#!/usr/bin/env python3
"""Create (idempotently) what ecsnet's example plans refer to: networks by Name tag, and the ECS clusters, task
definitions and services that plans/service-discovery.toml, plans/service-connect.toml and plans/lattice.toml wire up.

    demo-vpc       10.0.0.0/16  subnets demo-private-a/b       groups service-a-tasks, service-b-tasks
                                (plans/private-alb.toml)
    discovery-vpc  10.1.0.0/16  subnets discovery-public-a/b   groups hello-tasks, name-tasks
                                ECS cluster "main": services hello, name (awsvpc, port 3000)
                                (plans/service-discovery.toml, seed 003)
    connect-vpc    10.2.0.0/16  subnets connect-private-a/b    groups client-tasks, server-tasks
                                ECS cluster "demo": services client, server (awsvpc, port 8080, port name "default")
                                (plans/service-connect.toml, seed 001)
    public-vpc     10.3.0.0/16  subnets public-a/b             groups web-tasks
                                ECS cluster "public": service web (awsvpc, port 80)
                                (plans/public-alb.toml, seed 002)
    paths-vpc      10.4.0.0/16  subnets paths-a/b              groups users-tasks, messages-tasks
                                ECS cluster "paths": services users, messages (awsvpc, port 8080)
    adopt-vpc      10.5.0.0/16  subnets adopt-a/b              groups rent-a-room-tasks
                                ECS cluster "rent-a-room-cluster": service rent-a-room (awsvpc, port 80)
                                (plans/path-routing.toml, seed 004)
    lattice-vpc    10.6.0.0/16  subnets lattice-private-a/b    groups storefront-tasks, orders-tasks, payments-tasks
                                ECS cluster "shop": services storefront, orders, payments (awsvpc, port 8080 named
                                "http", task roles storefront-task, orders-task, payments-task: the identities VPC
                                Lattice's auth policies admit); IAM role ecsInfrastructureRoleForVpcLattice, which
                                ECS registers the tasks in the target groups as (plans/lattice.toml)

IAM roles are made in the emulator's account (123456789012 on moto) and found by name when they exist.
Each plan has its own VPC: a VPC holds one Cloud Map namespace in the emulator (see localstack/MOTO_NOTES.md).
Talks to the emulator on http://127.0.0.1:${ECSNET_EMULATOR_PORT:-4566} (region us-east-1, creds AWS_ACCESS_KEY_ID/
AWS_SECRET_ACCESS_KEY or test/test).
Run it with the emulator venv's python (boto3 comes with moto):  .emulator/venv/bin/python localstack/seed_demo.py
(run with another python without boto3, it re-executes itself with that venv's python).
Prints key=value lines on stdout (vpc=, subnet_a=, …); what was created or found goes to stderr.
"""
import json
import os
import sys
from collections import namedtuple
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

try:
    import boto3
except ImportError:  # fall back to the venv made by start.sh
    venv_py = Path(os.environ.get("ECSNET_EMULATOR_DIR", REPO / ".emulator")) / "venv" / "bin" / "python"
    if venv_py.exists() and Path(sys.executable).resolve() != venv_py.resolve():
        os.execv(str(venv_py), [str(venv_py), __file__, *sys.argv[1:]])
    sys.exit("seed_demo.py: boto3 not found; run localstack/start.sh first, then use .emulator/venv/bin/python")

PORT = os.environ.get("ECSNET_EMULATOR_PORT", "4566")
ENDPOINT = f"http://127.0.0.1:{PORT}"
REGION = "us-east-1"

# An ECS service of the seed: its task definition's one container, its port mapping's name, and the task role its
# tasks run as (a role name in the account; None for none).
Service = namedtuple("Service", "name port port_name task_role", defaults=("default", None))

# The ECS infrastructure role ECS registers tasks in VPC Lattice target groups with (plans/lattice.toml's
# infrastructure_role): trusted by ECS, with AWS's managed policy for it
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html).
INFRASTRUCTURE_ROLE = "ecsInfrastructureRoleForVpcLattice"
INFRASTRUCTURE_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice"

# (vpc name, cidr prefix, subnet name prefix, security groups, ECS cluster or None, ECS services: (name, port), or
# Service(name, port, port_name, task_role) for a port mapping named otherwise than "default" or a task role)
NETWORKS = [
    ("demo-vpc", "10.0", "demo-private", ["service-a-tasks", "service-b-tasks"], None, []),
    ("discovery-vpc", "10.1", "discovery-public", ["hello-tasks", "name-tasks"], "main",
     [("hello", 3000), ("name", 3000)]),
    ("connect-vpc", "10.2", "connect-private", ["client-tasks", "server-tasks"], "demo",
     [("client", 8080), ("server", 8080)]),
    ("public-vpc", "10.3", "public", ["web-tasks"], "public", [("web", 80)]),
    ("paths-vpc", "10.4", "paths", ["users-tasks", "messages-tasks"], "paths", [("users", 8080), ("messages", 8080)]),
    # Where the demo runs seed 002's own script (localstack/seed_002.py) and then adopts what it made.
    ("adopt-vpc", "10.5", "adopt", ["rent-a-room-tasks"], "rent-a-room-cluster", [("rent-a-room", 80)]),
    # VPC Lattice: storefront calls orders; orders, and a partner account's role (by ARN in the plan), call payments.
    ("lattice-vpc", "10.6", "lattice-private", ["storefront-tasks", "orders-tasks", "payments-tasks"], "shop",
     [Service("storefront", 8080, "http", "storefront-task"), Service("orders", 8080, "http", "orders-task"),
      Service("payments", 8080, "http", "payments-task")]),
]


def note(msg):
    print(f"seed_demo: {msg}", file=sys.stderr)


def name_tag(name, resource_type):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def ensure_network(ec2, vpc_name, prefix, subnet_prefix, groups):
    """The VPC, two subnets in two zones, and the tasks' security groups; returns ids by key."""
    out = {}
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [vpc_name]}])["Vpcs"]
    if len(vpcs) > 1:
        note(f"warning: {len(vpcs)} VPCs named {vpc_name}; using {vpcs[0]['VpcId']}")
    if vpcs:
        vpc_id = vpcs[0]["VpcId"]
        note(f"found vpc {vpc_name} {vpc_id}")
    else:
        vpc_id = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16",
                                TagSpecifications=name_tag(vpc_name, "vpc"))["Vpc"]["VpcId"]
        note(f"created vpc {vpc_name} {vpc_id}")
    out["vpc"] = vpc_id
    # Names in a private hosted zone or a Cloud Map namespace resolve only in a VPC with DNS support and DNS
    # hostnames (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html); a new VPC has hostnames
    # off. One attribute per call, as ModifyVpcAttribute requires.
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": True}})

    # Subnets: by Name tag in the VPC; adopt (and tag) an untagged subnet that already has the CIDR
    for index, (suffix, az) in enumerate([("a", "us-east-1a"), ("b", "us-east-1b")]):
        name, cidr = f"{subnet_prefix}-{suffix}", f"{prefix}.{index + 1}.0/24"
        in_vpc = {"Name": "vpc-id", "Values": [vpc_id]}
        found = ec2.describe_subnets(Filters=[in_vpc, {"Name": "tag:Name", "Values": [name]}])["Subnets"]
        if not found:
            found = ec2.describe_subnets(Filters=[in_vpc, {"Name": "cidr-block", "Values": [cidr]}])["Subnets"]
            if found:
                ec2.create_tags(Resources=[found[0]["SubnetId"]], Tags=[{"Key": "Name", "Value": name}])
                note(f"tagged existing subnet {found[0]['SubnetId']} as {name}")
        if found:
            subnet_id = found[0]["SubnetId"]
            note(f"found subnet {name} {subnet_id}")
        else:
            subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az,
                                          TagSpecifications=name_tag(name, "subnet"))["Subnet"]["SubnetId"]
            note(f"created subnet {name} {subnet_id}")
        out[f"subnet_{suffix}"] = subnet_id

    # Security groups: group names are unique per VPC, so look up by group-name; make sure the Name tag is set
    for name in groups:
        found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": [name]}])["SecurityGroups"]
        if found:
            sg_id = found[0]["GroupId"]
            if {"Key": "Name", "Value": name} not in found[0].get("Tags", []):
                ec2.create_tags(Resources=[sg_id], Tags=[{"Key": "Name", "Value": name}])
            note(f"found security group {name} {sg_id}")
        else:
            sg_id = ec2.create_security_group(GroupName=name, Description=f"ecsnet demo: {name}", VpcId=vpc_id,
                                              TagSpecifications=name_tag(name, "security-group"))["GroupId"]
            note(f"created security group {name} {sg_id}")
        out[f"sg_{name}"] = sg_id
    return out


def ensure_role(iam, name, trusted_service):
    """The IAM role `name`, which `trusted_service` (ecs-tasks.amazonaws.com, ecs.amazonaws.com) may assume; its ARN."""
    try:
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        note(f"found IAM role {name}")
        return arn
    except iam.exceptions.NoSuchEntityException:
        pass
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": trusted_service},
                                                     "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                          Description=f"ecsnet demo: {name}")["Role"]["Arn"]
    note(f"created IAM role {name}")
    return arn


def ensure_infrastructure_role(iam):
    """The ECS infrastructure role for VPC Lattice, with AWS's managed policy where the account has it (moto does
    not ship that AWS managed policy: the role is made without it there)."""
    arn = ensure_role(iam, INFRASTRUCTURE_ROLE, "ecs.amazonaws.com")
    attached = iam.list_attached_role_policies(RoleName=INFRASTRUCTURE_ROLE)["AttachedPolicies"]
    if not any(policy["PolicyArn"] == INFRASTRUCTURE_POLICY for policy in attached):
        try:
            iam.attach_role_policy(RoleName=INFRASTRUCTURE_ROLE, PolicyArn=INFRASTRUCTURE_POLICY)
            note(f"attached {INFRASTRUCTURE_POLICY} to {INFRASTRUCTURE_ROLE}")
        except iam.exceptions.NoSuchEntityException:
            note(f"{INFRASTRUCTURE_POLICY} does not exist in this account (the emulator's): role left without it")
    return arn


def ensure_ecs(ecs, iam, cluster, services, network):
    """The cluster, an awsvpc task definition per service (one container named after it, its port mapping named as
    the service says, "default" unless told, its task role when it has one), and the ECS service, in the network's
    subnets with its tasks' group."""
    if not [c for c in ecs.describe_clusters(clusters=[cluster])["clusters"] if c["status"] == "ACTIVE"]:
        ecs.create_cluster(clusterName=cluster)
        note(f"created ECS cluster {cluster}")
    for service in map(lambda entry: Service(*entry), services):
        name, port = service.name, service.port
        existing = ecs.describe_services(cluster=cluster, services=[name])["services"]
        if [s for s in existing if s["status"] == "ACTIVE"]:
            note(f"found ECS service {cluster}/{name}")
            continue
        role = {}
        if service.task_role:
            role["taskRoleArn"] = ensure_role(iam, service.task_role, "ecs-tasks.amazonaws.com")
        ecs.register_task_definition(
            family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512", **role,
            containerDefinitions=[{"name": name, "image": "public.ecr.aws/ecs-sample-image/hello-server:node",
                                   "essential": True,
                                   "portMappings": [{"containerPort": port, "name": service.port_name}]}])
        ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=2, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": [network["subnet_a"], network["subnet_b"]],
                "securityGroups": [network[f"sg_{name}-tasks"]], "assignPublicIp": "DISABLED"}})
        note(f"created ECS service {cluster}/{name} (task definition {name}, port {port} named {service.port_name}"
             + (f", task role {service.task_role})" if service.task_role else ")"))


def main():
    session = dict(endpoint_url=ENDPOINT, region_name=REGION,
                   aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                   aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
    ec2 = boto3.client("ec2", **session)
    ecs = boto3.client("ecs", **session)
    iam = boto3.client("iam", **session)
    for vpc_name, prefix, subnet_prefix, groups, cluster, services in NETWORKS:
        network = ensure_network(ec2, vpc_name, prefix, subnet_prefix, groups)
        if cluster:
            ensure_ecs(ecs, iam, cluster, services, network)
        for key, value in network.items():
            print(f"{vpc_name}.{key}={value}")
    print(f"lattice.infrastructure_role={ensure_infrastructure_role(iam)}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # connection refused, emulator errors, ...
        sys.exit(f"seed_demo.py: failed against {ENDPOINT}: {e}")
