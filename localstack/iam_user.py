#!/usr/bin/env python3
"""Prints the environment of an IAM user of the AWS-rules layer holding only `ecsnet iam-policy` for a command:

    python3 localstack/iam_user.py --ecsnet target/debug/ecsnet --for apply [-f PLAN] [--endpoint URL]
    → AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=...

so that `env $(python3 localstack/iam_user.py ...) ecsnet apply -f PLAN` runs as a careful team's CI role would.
The layer (localstack/aws_rules/iam/) authenticates every request and authorizes it by IAM's evaluation logic.
Stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecsnet", default="target/debug/ecsnet")
    parser.add_argument("--for", dest="command", required=True)
    parser.add_argument("-f", dest="file")
    parser.add_argument("--adopt", action="store_true", help="the policy of `apply --adopt` (iam-policy --adopt)")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--endpoint", default=f"http://127.0.0.1:{os.environ.get('ECSNET_EMULATOR_PORT', '4566')}")
    args = parser.parse_args(argv)
    command = [args.ecsnet, "iam-policy", "--for", args.command, "--region", args.region]
    if args.file:
        command += ["-f", args.file]
    if args.adopt:
        command.append("--adopt")
    policy = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    request = {"name": f"ecsnet-{args.command}-{os.getpid()}", "policies": {f"ecsnet-{args.command}": policy},
               "account": args.file or "demo"}
    post = urllib.request.Request(f"{args.endpoint}/__proxy/iam/users", data=json.dumps(request).encode(),
                                  headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(post, timeout=10) as answer:
            keys = json.load(answer)
    except urllib.error.HTTPError as error:
        sys.exit(f"iam_user: the layer refused the policy: {error.read().decode()}")
    print(f"AWS_ACCESS_KEY_ID={keys['access_key']} AWS_SECRET_ACCESS_KEY={keys['secret_key']}")


if __name__ == "__main__":
    main()
