#!/usr/bin/env python3
"""Seed 002's recipe ("Adding a Load Balancer to ECS", /work/shared/seeds/002_*.txt), built with boto3 instead of
the AWS CLI, so that `ecsnet apply --adopt` has something made by someone else to take over:

    <prefix>-tg       target group, HTTP 80, target type ip, health check / every 30 s, timeout 5 s, healthy 2,
                      unhealthy 2
    <prefix>-alb-sg   security group admitting tcp 80 from 0.0.0.0/0
    (tasks' group)    an ingress rule: tcp 80 from <prefix>-alb-sg
    <prefix>-alb      load balancer in the subnets, internet-facing (the seed's default scheme), with that group
    HTTP:80 listener  default action: forward to <prefix>-tg
    ECS service       (--cluster, --service, --container) loadBalancers: that target group, container port 80, and
                      a new deployment, as `aws ecs update-service --force-new-deployment` does

Extensions the seed does not have:
    --create-service  first make the cluster, an awsvpc task definition and the service the seed assumes exist
    --zone/--host     a private hosted zone on the VPC and a CNAME from the host to the load balancer's DNS name
                      (as seeds 000 and 004 add)
    --cloudformation-stack NAME
                      tag what was made as CloudFormation tags a stack's resources (aws:cloudformation:stack-name,
                      stack-id, logical-id), as if a stack had made it

Requests go to --endpoint (default http://127.0.0.1:4566: the AWS-rules layer of localstack/start.sh), so the
recipe keeps to what AWS accepts: it waits out the seconds in which AWS does not yet know a new security group,
target group or load balancer, as a script against AWS must. Prints one JSON object of every ID and ARN it made on
stdout; progress on stderr. Fails (exit 1, AWS's error on stderr) on the first error: a second run with the same
prefix stops at the first name already taken.

    .emulator/venv/bin/python localstack/seed_002.py --vpc-id vpc-… --subnet-ids subnet-…,subnet-… \\
        --tasks-group-id sg-… [--cluster C --service S --container NAME [--create-service]] \\
        [--zone example.internal --host www.example.internal] [--cloudformation-stack rent-a-room]
"""
import argparse
import json
import sys
import time
import urllib.parse
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REGION = "us-east-1"
PORT = 80
# Throttling (the rules layer applies AWS's request rates) is retried by botocore's standard mode.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 10})
# What AWS answers, for a few seconds after a create, to other calls naming the new resource (its eventual
# consistency: https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html; ELBv2 alike).
NOT_YET_VISIBLE = {"InvalidGroup.NotFound", "TargetGroupNotFound", "LoadBalancerNotFound"}
VISIBILITY_WAIT = 30.0


def note(message: str):
    print(f"seed_002: {message}", file=sys.stderr)


def once_visible(call, **params):
    """call(**params), retried while AWS does not yet know a resource it names; its error after VISIBILITY_WAIT."""
    deadline = time.monotonic() + VISIBILITY_WAIT
    delay = 0.2
    while True:
        try:
            return call(**params)
        except ClientError as error:
            if error.response["Error"]["Code"] not in NOT_YET_VISIBLE or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


class Clients:
    """boto3 clients to one endpoint (test/test credentials, us-east-1)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self._made = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._made:
            self._made[name] = boto3.client(name, endpoint_url=self.endpoint, region_name=REGION,
                                            aws_access_key_id="test", aws_secret_access_key="test",
                                            config=CLIENT_CONFIG)
        return self._made[name]


# ----------------------------------------------------------------------------------------------------------------
# The recipe's steps


def create_target_group(aws: Clients, name: str, vpc_id: str) -> str:
    group = aws.elbv2.create_target_group(
        Name=name, Protocol="HTTP", Port=PORT, VpcId=vpc_id, TargetType="ip", HealthCheckPath="/",
        HealthCheckIntervalSeconds=30, HealthCheckTimeoutSeconds=5, HealthyThresholdCount=2,
        UnhealthyThresholdCount=2)["TargetGroups"][0]
    note(f"created target group {name}")
    return group["TargetGroupArn"]


def create_alb_security_group(aws: Clients, name: str, prefix: str, vpc_id: str) -> str:
    group_id = aws.ec2.create_security_group(GroupName=name, Description=f"Security group for the {prefix} ALB",
                                             VpcId=vpc_id)["GroupId"]
    note(f"created security group {name} {group_id}")
    return group_id


def allow_http(aws: Clients, group_id: str, source: dict) -> str:
    """An inbound tcp 80 rule on the group from `source` (IpRanges or UserIdGroupPairs); its sgr- ID."""
    permission = {"IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT, **source}
    answer = once_visible(aws.ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=[permission])
    rule_id = answer["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    note(f"allowed tcp {PORT} into {group_id} from {json.dumps(source)} ({rule_id})")
    return rule_id


def create_load_balancer(aws: Clients, name: str, subnet_ids: list, group_id: str) -> dict:
    """The seed leaves the scheme to its default, internet-facing (API_CreateLoadBalancer); it is sent here because
    moto 5.2.5 keeps no scheme at all for a load balancer created without one (Describe* answer none), where AWS
    answers internet-facing: the same load balancer on AWS, and one the emulator describes as AWS would."""
    balancer = aws.elbv2.create_load_balancer(Name=name, Subnets=subnet_ids, SecurityGroups=[group_id],
                                              Scheme="internet-facing")["LoadBalancers"][0]
    note(f"created load balancer {name} ({balancer['Scheme']}, {balancer['DNSName']})")
    return balancer


def create_forwarding_listener(aws: Clients, load_balancer_arn: str, target_group_arn: str) -> str:
    listener = once_visible(aws.elbv2.create_listener, LoadBalancerArn=load_balancer_arn, Protocol="HTTP",
                            Port=PORT, DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group_arn}])
    note(f"created listener HTTP:{PORT} forwarding to the target group")
    return listener["Listeners"][0]["ListenerArn"]


def create_ecs_service(aws: Clients, cluster: str, service: str, container: str, subnet_ids: list,
                       tasks_group_id: str) -> str:
    """What the seed assumes exists: the cluster, a task definition with one container listening on port 80, and a
    service of it in the subnets with the tasks' group (awsvpc). Its task definition's ARN."""
    aws.ecs.create_cluster(clusterName=cluster)
    definition = aws.ecs.register_task_definition(
        family=service, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": container, "image": "public.ecr.aws/nginx/nginx:stable", "essential": True,
                               "portMappings": [{"containerPort": PORT, "protocol": "tcp"}]}]
    )["taskDefinition"]["taskDefinitionArn"]
    aws.ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=definition, desiredCount=1,
                           launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                               "subnets": subnet_ids, "securityGroups": [tasks_group_id],
                               "assignPublicIp": "ENABLED"}})
    note(f"created ECS cluster {cluster}, task definition {definition}, service {service}")
    return definition


def attach_target_group(aws: Clients, cluster: str, service: str, container: str, target_group_arn: str) -> str:
    answer = aws.ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True, loadBalancers=[
        {"targetGroupArn": target_group_arn, "containerName": container, "containerPort": PORT}])
    note(f"ECS service {cluster}/{service} now registers {container}:{PORT} with the target group")
    return answer["service"]["serviceArn"]


def create_private_zone(aws: Clients, zone: str, vpc_id: str) -> str:
    created = aws.route53.create_hosted_zone(
        Name=zone, CallerReference=f"seed_002-{uuid.uuid4()}", VPC={"VPCRegion": REGION, "VPCId": vpc_id},
        HostedZoneConfig={"Comment": "seed 002", "PrivateZone": True})["HostedZone"]
    zone_id = created["Id"].rsplit("/", 1)[-1]
    note(f"created private hosted zone {zone} {zone_id} on {vpc_id}")
    return zone_id


def point_host_at(aws: Clients, zone_id: str, host: str, dns_name: str):
    aws.route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": host, "Type": "CNAME", "TTL": 60,
                                                   "ResourceRecords": [{"Value": dns_name}]}}]})
    note(f"created CNAME {host} -> {dns_name}")


# ----------------------------------------------------------------------------------------------------------------
# CloudFormation's marks


def stack_id(stack: str, load_balancer_arn: str) -> str:
    account = load_balancer_arn.split(":")[4]
    return f"arn:aws:cloudformation:{REGION}:{account}:stack/{stack}/{uuid.uuid4()}"


def stack_tags(stack: str, stack_arn: str, logical_id: str) -> list:
    return [{"Key": "aws:cloudformation:stack-name", "Value": stack},
            {"Key": "aws:cloudformation:stack-id", "Value": stack_arn},
            {"Key": "aws:cloudformation:logical-id", "Value": logical_id}]


def tag_as_stack(backend: Clients, stack: str, made: dict) -> str:
    """Tags what was made with CloudFormation's own tags, as if stack `stack` had made it.

    AWS refuses tag keys starting with `aws:` from anyone but itself, and so does the AWS-rules layer: these tags
    are written straight to the emulator (the backend behind the layer), standing in for CloudFormation itself.
    Every taggable resource made here is tagged; CloudFormation itself leaves some untagged (target groups:
    aws-cloudformation/cloudformation-coverage-roadmap#1435; AWS::EC2::SecurityGroupIngress has no tags)."""
    stack_arn = stack_id(stack, made["load_balancer_arn"])
    elbv2 = {"TargetGroup": made["target_group_arn"], "LoadBalancer": made["load_balancer_arn"],
             "HttpListener": made["listener_arn"]}
    for logical_id, arn in elbv2.items():
        backend.elbv2.add_tags(ResourceArns=[arn], Tags=stack_tags(stack, stack_arn, logical_id))
    ec2 = {"AlbSecurityGroup": made["alb_security_group_id"], "AlbHttpIngress": made["alb_ingress_rule_id"],
           "TasksFromAlbIngress": made["ingress_rule_id"]}
    for logical_id, resource in ec2.items():
        backend.ec2.create_tags(Resources=[resource], Tags=stack_tags(stack, stack_arn, logical_id))
    if made.get("zone_id"):
        backend.route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=made["zone_id"],
                                                 AddTags=stack_tags(stack, stack_arn, "HostedZone"))
    note(f"tagged everything as made by CloudFormation stack {stack} (through {backend.endpoint})")
    return stack_arn


# ----------------------------------------------------------------------------------------------------------------
# The command


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566", help="AWS endpoint (the AWS-rules layer)")
    parser.add_argument("--backend-endpoint", help="the emulator behind the layer, for CloudFormation's tags "
                                                   "(default: --endpoint's port + 1, as localstack/start.sh lays "
                                                   "them out)")
    parser.add_argument("--vpc-id", required=True)
    parser.add_argument("--subnet-ids", required=True, type=lambda text: [s for s in text.split(",") if s],
                        help="comma-separated, at least two zones'")
    parser.add_argument("--tasks-group-id", required=True, help="the ECS tasks' security group (sg-…)")
    parser.add_argument("--prefix", default="rent-a-room", help="names: PREFIX-tg, PREFIX-alb-sg, PREFIX-alb")
    parser.add_argument("--cluster", help="ECS cluster of the service to attach the target group to")
    parser.add_argument("--service", help="ECS service to attach the target group to")
    parser.add_argument("--container", help="the service's container that listens on port 80")
    parser.add_argument("--create-service", action="store_true",
                        help="first create the cluster, an awsvpc task definition and the service")
    parser.add_argument("--zone", help="private hosted zone to create on the VPC (extension: seeds 000/004)")
    parser.add_argument("--host", help="name in --zone to point at the load balancer (CNAME)")
    parser.add_argument("--cloudformation-stack", metavar="NAME",
                        help="tag what was made as CloudFormation stack NAME's resources")
    args = parser.parse_args(argv)
    ecs = [args.cluster, args.service, args.container]
    if any(ecs) and not all(ecs):
        parser.error("--cluster, --service and --container go together")
    if args.create_service and not all(ecs):
        parser.error("--create-service needs --cluster, --service and --container")
    if bool(args.zone) != bool(args.host):
        parser.error("--zone and --host go together")
    if args.backend_endpoint is None:
        args.backend_endpoint = next_port(args.endpoint)
    return args


def next_port(endpoint: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port + 1}"))


def build(args: argparse.Namespace) -> dict:
    """The recipe, step by step; what it made, by name."""
    aws = Clients(args.endpoint)
    made = {"target_group_arn": create_target_group(aws, f"{args.prefix}-tg", args.vpc_id)}
    made["alb_security_group_id"] = create_alb_security_group(aws, f"{args.prefix}-alb-sg", args.prefix,
                                                              args.vpc_id)
    made["alb_ingress_rule_id"] = allow_http(aws, made["alb_security_group_id"],
                                             {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    made["ingress_rule_id"] = allow_http(aws, args.tasks_group_id,
                                         {"UserIdGroupPairs": [{"GroupId": made["alb_security_group_id"]}]})
    balancer = create_load_balancer(aws, f"{args.prefix}-alb", args.subnet_ids, made["alb_security_group_id"])
    made["load_balancer_arn"] = balancer["LoadBalancerArn"]
    made["load_balancer_dns_name"] = balancer["DNSName"]
    made["listener_arn"] = create_forwarding_listener(aws, made["load_balancer_arn"], made["target_group_arn"])
    if args.create_service:
        made["task_definition_arn"] = create_ecs_service(aws, args.cluster, args.service, args.container,
                                                         args.subnet_ids, args.tasks_group_id)
    if args.service:
        made["service_arn"] = attach_target_group(aws, args.cluster, args.service, args.container,
                                                  made["target_group_arn"])
    if args.zone:
        made["zone_id"] = create_private_zone(aws, args.zone, args.vpc_id)
        made["record_name"] = args.host
        point_host_at(aws, made["zone_id"], args.host, made["load_balancer_dns_name"])
    if args.cloudformation_stack:
        made["cloudformation_stack_id"] = tag_as_stack(Clients(args.backend_endpoint), args.cloudformation_stack,
                                                       made)
    return made


def main(argv=None) -> int:
    args = arguments(argv)
    try:
        made = build(args)
    except (ClientError, BotoCoreError) as error:
        note(f"failed against {args.endpoint}: {error}")
        return 1
    print(json.dumps(made, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
