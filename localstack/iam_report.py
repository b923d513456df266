#!/usr/bin/env python3
"""After a full test run: what the AWS-rules layer's IAM allowed and denied, and every (policy, Sid, action) that
some `ecsnet iam-policy` output granted but no request of the run needed it for (no check had it as its only
grant): a grant nobody needed can be removed without any test noticing, so it is either too wide or untested.

    python3 localstack/iam_report.py [--endpoint URL] [--strict]

--strict exits 1 when such a grant is not listed in EXEMPT below with the reason the emulator cannot need it.
"""
import argparse
import json
import os
import sys
import urllib.request

# (policy, Sid, action) → why no emulator test can need it.
EXEMPT = {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default=f"http://127.0.0.1:{os.environ.get('ECSNET_EMULATOR_PORT', '4566')}")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    with urllib.request.urlopen(f"{args.endpoint}/__proxy/iam", timeout=10) as answer:
        report = json.load(answer)
    print(f"IAM: {report['users']} principals, checks {json.dumps(report['checks'])}, "
          f"{report['granted']} (policy, Sid, action) grants")
    if report["denied_by_action"]:
        print("IAM: denied, by action: " + json.dumps(report["denied_by_action"]))
    unexplained = [entry for entry in report["unneeded"] if tuple(entry) not in EXEMPT]
    for entry in report["unneeded"]:
        why = EXEMPT.get(tuple(entry))
        print(f"IAM: granted but never needed: {' '.join(entry)}" + (f" (exempt: {why})" if why else ""))
    if args.strict and unexplained:
        sys.exit(f"iam_report: {len(unexplained)} grants no request needed; narrow them, test them, or exempt them "
                 "with the reason")


if __name__ == "__main__":
    main()
