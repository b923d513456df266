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

# Why no emulator test needs a grant yet, by reason; each grant below is one a real run can need, on a path the
# tests do not take. A grant that leaves this list unneeded fails a full run.
NO_INSTANCES = ("moto's ECS runs no task, so no Cloud Map instance ever registers: DeregisterInstance (and the "
                "Route 53 health-check actions Cloud Map uses on the caller's behalf) is never called")
NO_TYPO_TEST = ("read only to list what exists when the file names an ECS cluster or service that does not: "
                "the message is unit-tested, no emulator test plans a misspelt name")
NO_ATTRIBUTES = "read only when the file sets load balancer or target group attributes; no such doctor test"
WITH_PARENT = ("destroy deletes a load balancer with its listeners and rules; these cover one deleted alone, "
               "which no test's destroy does")
NO_CROSS_REFERENCES = ("destroy deletes ecsnet's groups whole; rules between two of them are revoked first, and "
                       "no test's topology has such rules")
UNTESTED_APPLY = "apply changing this in place: no emulator test yet (named in the session's closing note)"
NO_LATTICE_DOCTOR = ("read only when the topology has VPC Lattice resources (src/aws/observe/lattice.rs); "
                     "no doctor test has a Lattice topology")
LATTICE_DETAIL_READS = ("ec2:DescribeManagedPrefixLists", "vpc-lattice:ListServiceNetworks",
                        "vpc-lattice:GetServiceNetworkVpcAssociation",
                        "vpc-lattice:ListServiceNetworkServiceAssociations", "vpc-lattice:ListTagsForResource",
                        "vpc-lattice:GetServiceNetwork", "vpc-lattice:GetService", "vpc-lattice:GetAuthPolicy",
                        "vpc-lattice:ListListeners", "vpc-lattice:GetListener", "vpc-lattice:GetTargetGroup")
EXEMPT = {
    **{(f"ecsnet-{command}", "AnyResource", f"ecs:{action}"): NO_TYPO_TEST
       for command in ("plan", "apply", "destroy", "doctor") for action in ("ListClusters", "ListServices")},
    **{(f"ecsnet-{command}", "HealthChecks", f"route53:{action}"): NO_INSTANCES
       for command in ("apply", "destroy") for action in ("GetHealthCheck", "DeleteHealthCheck", "UpdateHealthCheck")},
    **{(f"ecsnet-{command}", "OwnedByTopology", "servicediscovery:DeregisterInstance"): NO_INSTANCES
       for command in ("apply", "destroy")},
    ("ecsnet-apply", "AnyResource", "servicediscovery:ListInstances"): NO_INSTANCES,
    **{("ecsnet-doctor", "AnyResource", f"elasticloadbalancing:{action}"): NO_ATTRIBUTES
       for action in ("DescribeLoadBalancerAttributes", "DescribeTargetGroupAttributes")},
    **{("ecsnet-destroy", "OwnedByTopology", f"elasticloadbalancing:{action}"): WITH_PARENT
       for action in ("DeleteListener", "DeleteRule")},
    **{("ecsnet-destroy", "OwnedSecurityGroups", f"ec2:{action}"): NO_CROSS_REFERENCES
       for action in ("RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress")},
    **{("ecsnet-apply", "OwnedByTopology", f"elasticloadbalancing:{action}"): UNTESTED_APPLY
       for action in ("AddTags", "DeleteListener", "SetSecurityGroups", "SetSubnets")},
    ("ecsnet-apply", "OwnedByTopology", "servicediscovery:DeleteService"): UNTESTED_APPLY,
    ("ecsnet-apply", "OwnedByTopology", "vpc-lattice:UpdateServiceNetworkVpcAssociation"): UNTESTED_APPLY,
    # Apply reads the targets only while a move to VPC Lattice waits in its stage 2; the emulator test that moves a
    # service (tests/emulator/lattice_migration.rs) reads them under `vpc-lattice:List*`, its policy's reads being
    # granted by verb, and the Lattice tests that name the action move nothing.
    ("ecsnet-apply", "AnyResource", "vpc-lattice:ListTargets"): ("read only while a move to VPC Lattice waits in "
                                                                 "stage 2; that test's policy grants it as List*"),
    # The same reads as ecs:ListClusters and ecs:ListServices, when a policy too large for IAM grants them by verb.
    **{(f"ecsnet-{command}", "AnyResource", "ecs:List*"): NO_TYPO_TEST
       for command in ("plan", "apply", "destroy", "doctor")},
    ("ecsnet-apply", "OwnedSecurityGroups", "ec2:RevokeSecurityGroupIngress"): UNTESTED_APPLY,
    **{("ecsnet-doctor", "AnyResource", action): NO_LATTICE_DOCTOR for action in LATTICE_DETAIL_READS},
}


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
