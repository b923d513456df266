#!/usr/bin/env python3
"""Create (idempotently) the demo network that ecsnet's example plans refer to by Name tag.

    VPC             Name=demo-vpc        10.0.0.0/16
    subnets         Name=demo-private-a  10.0.1.0/24 us-east-1a
                    Name=demo-private-b  10.0.2.0/24 us-east-1b
    security groups service-a-tasks, service-b-tasks (group name and Name tag) in demo-vpc

Talks to the emulator on http://127.0.0.1:${ECSNET_EMULATOR_PORT:-4566} (region us-east-1, creds test/test).
Run it with the emulator venv's python (boto3 comes with moto):  .emulator/venv/bin/python localstack/seed_demo.py
(run with another python without boto3, it re-executes itself with that venv's python).
Prints key=value lines on stdout (vpc=, subnet_a=, subnet_b=, sg_service_a=, sg_service_b=); what was created or
found goes to stderr.
"""
import os
import sys
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

VPC = ("demo-vpc", "10.0.0.0/16")
SUBNETS = [("subnet_a", "demo-private-a", "10.0.1.0/24", "us-east-1a"),
           ("subnet_b", "demo-private-b", "10.0.2.0/24", "us-east-1b")]
GROUPS = [("sg_service_a", "service-a-tasks"), ("sg_service_b", "service-b-tasks")]


def note(msg):
    print(f"seed_demo: {msg}", file=sys.stderr)


def name_tag(name, resource_type):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def main():
    ec2 = boto3.client("ec2", endpoint_url=ENDPOINT, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")
    out = {}

    # VPC: look up by Name tag, create if missing
    name, cidr = VPC
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    if len(vpcs) > 1:
        note(f"warning: {len(vpcs)} VPCs named {name}; using {vpcs[0]['VpcId']}")
    if vpcs:
        vpc_id = vpcs[0]["VpcId"]
        note(f"found vpc {name} {vpc_id}")
    else:
        vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=name_tag(name, "vpc"))["Vpc"]["VpcId"]
        note(f"created vpc {name} {vpc_id}")
    out["vpc"] = vpc_id

    # Subnets: by Name tag in the VPC; adopt (and tag) an untagged subnet that already has the CIDR
    for key, name, cidr, az in SUBNETS:
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
        out[key] = subnet_id

    # Security groups: group names are unique per VPC, so look up by group-name; make sure the Name tag is set
    for key, name in GROUPS:
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
        out[key] = sg_id

    for k, v in out.items():
        print(f"{k}={v}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # connection refused, emulator errors, ...
        sys.exit(f"seed_demo.py: failed against {ENDPOINT}: {e}")
