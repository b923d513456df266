#!/usr/bin/env python3
"""ecsnet run as an IAM user holding only what `ecsnet iam-policy` prints, on an emulator that enforces IAM.

    .emulator/venv/bin/python localstack/iam_check.py [--ecsnet target/debug/ecsnet] [--port 4586] [PLAN ...]

moto's server checks every request signed with an IAM user's keys against that user's policies once
INITIAL_NO_AUTH_ACTION_COUNT requests have passed without a check. This script starts its own emulator (moto
behind the AWS-rules layer, on --port) with that count set to the three requests that make an administrator, seeds
the demo networks and ECS services as the administrator, and then, for every plan (default: plans/*.toml), runs
`ecsnet plan`, `ecsnet apply`, `ecsnet plan --detailed-exitcode` and `ecsnet destroy`, each as a fresh user whose
only policy is `ecsnet iam-policy -f PLAN --for COMMAND`. It proves the enforcement reaches by running `apply` as
the user allowed only `plan`, which must be refused. Exits 1 naming the first command that failed.

What moto can check, and so what this proves: every action ecsnet calls for a command is allowed by that command's
policy (and apply is refused to the plan-only policy). What it cannot: moto matches a statement's Resource against
the literal "*" (moto/core/authorization.py passes resource="*" for these services), so an ARN-scoped statement
grants nothing there, and it does not evaluate Condition keys (aws:ResourceTag, aws:RequestTag). The user therefore
holds the policy's actions with Resource "*" and no Condition (Deny statements, which only make sense with their
conditions, are left out): the action list is checked, the resource and tag scoping is not. See
localstack/aws_rules/README.md, "IAM: not yet checked".
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# CreateUser, PutUserPolicy and CreateAccessKey of the administrator go unchecked; everything after is checked.
UNCHECKED_REQUESTS = 3
REFUSED_CODES = ("AccessDenied", "UnauthorizedOperation", "AccessDeniedException")


def log(message):
    print(f"iam_check: {message}", file=sys.stderr, flush=True)


def emulator_env(port):
    env = dict(os.environ, ECSNET_EMULATOR_PORT=str(port), ECSNET_EMULATOR_BACKEND_PORT=str(port + 1),
               ECSNET_EMULATOR_DIR=str(REPO / ".emulator" / f"iam-{port}"),
               ECSNET_EMULATOR_ENV=f"INITIAL_NO_AUTH_ACTION_COUNT={UNCHECKED_REQUESTS}", ECSNET_AWS_RULES="on")
    emulator_dir = Path(env["ECSNET_EMULATOR_DIR"])
    emulator_dir.mkdir(parents=True, exist_ok=True)
    shared_venv = REPO / ".emulator" / "venv"
    if not (emulator_dir / "venv").exists() and shared_venv.exists():
        (emulator_dir / "venv").symlink_to(shared_venv)
    return env


def run(command, env, check=True):
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise SystemExit(f"iam_check: `{' '.join(map(str, command))}` exited {result.returncode}\n"
                         f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


class Account:
    def __init__(self, endpoint):
        import boto3
        self.endpoint = endpoint
        self.boto3 = boto3

    def client(self, service, keys):
        return self.boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                                 aws_access_key_id=keys[0], aws_secret_access_key=keys[1])

    def user(self, iam, name, policy):
        """A user with one managed policy (AWS allows 6,144 characters in a managed policy, 2,048 inline) and keys."""
        iam.create_user(UserName=name)
        document = json.dumps(policy, separators=(",", ":"))
        arn = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]


def as_moto_can_check(policy):
    """The policy's Allow statements with Resource "*" and no Condition: the part moto's IAM can evaluate."""
    statements = [{"Effect": "Allow", "Action": statement["Action"], "Resource": "*"}
                  for statement in policy["Statement"] if statement["Effect"] == "Allow"]
    return {"Version": policy["Version"], "Statement": statements}


def configure_rules(endpoint, keys):
    body = json.dumps({"rules": {"upstream_credentials": list(keys)}}).encode()
    request = urllib.request.Request(f"{endpoint}/__proxy/config", data=body, method="POST")
    urllib.request.urlopen(request, timeout=10).read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecsnet", default=str(REPO / "target" / "debug" / "ecsnet"))
    parser.add_argument("--port", type=int, default=4586)
    parser.add_argument("plans", nargs="*")
    args = parser.parse_args(argv)
    plans = [Path(p) for p in args.plans] or sorted((REPO / "plans").glob("*.toml"))
    env = emulator_env(args.port)
    endpoint = f"http://127.0.0.1:{args.port}"
    started = run(["bash", "localstack/start.sh"], env).stdout
    if "already running" in started:
        raise SystemExit(f"iam_check: something already answers on {endpoint}; it needs an emulator of its own "
                         f"(stop it: ECSNET_EMULATOR_PORT={args.port} bash localstack/stop.sh)")
    try:
        check(Account(endpoint), env, endpoint, Path(args.ecsnet), plans)
    finally:
        run(["bash", "localstack/stop.sh"], env, check=False)


def check(account, env, endpoint, ecsnet, plans):
    root = ("test", "test")
    iam = account.client("iam", root)
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="admin", PolicyDocument=json.dumps(ADMIN_POLICY))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    admin_keys = (key["AccessKeyId"], key["SecretAccessKey"])
    configure_rules(endpoint, admin_keys)
    # The enforcement is on: the keys anyone may use are refused now.
    try:
        account.client("ec2", root).describe_vpcs()
        raise SystemExit("iam_check: the emulator answered unknown keys; IAM is not enforced")
    except account.boto3.exceptions.botocore.exceptions.ClientError as error:
        log(f"unknown keys refused: {error.response['Error']['Code']}")
    admin_env = dict(env, AWS_ACCESS_KEY_ID=admin_keys[0], AWS_SECRET_ACCESS_KEY=admin_keys[1])
    run([sys.executable, "localstack/seed_demo.py"], admin_env)
    admin_iam = account.client("iam", admin_keys)
    for plan in plans:
        stem = plan.stem
        keys = {}
        for command in ("plan", "apply", "destroy"):
            text = run([str(ecsnet), "iam-policy", "-f", str(plan), "--for", command], env).stdout
            # A managed policy holds at most 6,144 characters, white space not counted
            # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length).
            size = len("".join(text.split()))
            if size > 6144:
                raise SystemExit(f"iam_check: {stem}: `ecsnet iam-policy --for {command}` prints {size} characters; "
                                 f"a managed policy holds at most 6,144")
            policy = json.loads(text)
            keys[command] = account.user(admin_iam, f"{stem}-{command}", as_moto_can_check(policy))
        ecsnet_env = lambda command: dict(env, AWS_ENDPOINT_URL=endpoint, AWS_REGION="us-east-1",
                                          AWS_ACCESS_KEY_ID=keys[command][0], AWS_SECRET_ACCESS_KEY=keys[command][1])
        refused = run([str(ecsnet), "apply", "-f", str(plan), "--auto-approve"], ecsnet_env("plan"), check=False)
        if refused.returncode == 0 or not any(code in refused.stderr for code in REFUSED_CODES):
            raise SystemExit(f"iam_check: {stem}: apply as the plan-only user was not refused by IAM\n{refused.stderr}")
        log(f"{stem}: apply as the plan-only user refused, as it must be")
        run([str(ecsnet), "plan", "-f", str(plan)], ecsnet_env("plan"))
        run([str(ecsnet), "apply", "-f", str(plan), "--auto-approve"], ecsnet_env("apply"))
        run([str(ecsnet), "plan", "-f", str(plan), "--detailed-exitcode"], ecsnet_env("plan"))
        run([str(ecsnet), "destroy", "-f", str(plan), "--auto-approve"], ecsnet_env("destroy"))
        log(f"{stem}: plan, apply, plan (no changes) and destroy each ran with only its iam-policy")
    log(f"all {len(plans)} plans passed")


if __name__ == "__main__":
    main()
