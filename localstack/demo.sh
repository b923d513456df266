#!/usr/bin/env bash
# The demo, end to end on the bundled emulator: start it, create the demo VPCs (two subnets each), the services'
# security groups and the ECS clusters and services the plans wire up, then for each plan `ecsnet plan`,
# `ecsnet apply` and `ecsnet plan` again (no changes): plans/private-alb.toml (seed 000),
# plans/service-discovery.toml (seed 003), plans/service-connect.toml (seed 001), plans/public-alb.toml (seed 002),
# plans/path-routing.toml (seed 004) and plans/lattice.toml (VPC Lattice: a service network, two services whose
# auth policies admit their callers' task roles, ECS registering their tasks; the seed makes those roles and the
# ECS infrastructure role). Then adoption: seed 002's own script (localstack/seed_002.py) builds its load balancer
# as the article does, and `ecsnet apply --adopt -f plans/adopt-seed-002.toml` takes it over in place; `ecsnet
# destroy` removes it. Last, the Lattice plan is destroyed and at once applied again (a plan made while VPC
# Lattice still deletes plans anew, and the creates wait for the names). Give plan files as arguments to run only
# those (and skip the adoption and the Lattice plan's destroy).
# Leaves everything else running; `localstack/stop.sh` stops the emulator.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"
if [ "$#" -gt 0 ]; then PLANS=("$@"); else PLANS=(plans/private-alb.toml plans/service-discovery.toml plans/service-connect.toml plans/public-alb.toml plans/path-routing.toml plans/lattice.toml); fi

bash localstack/start.sh
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1

python="${ECSNET_EMULATOR_DIR:-.emulator}/venv/bin/python"
if [ ! -x "$python" ]; then
  # LocalStack mode has no moto venv: boto3 alone is enough for the seed script.
  python3 -m venv .emulator/venv && .emulator/venv/bin/pip install -q boto3
  python=.emulator/venv/bin/python
fi
seeded="$("$python" localstack/seed_demo.py)"
echo "$seeded"

# ECSNET_BIN: a binary already built (localstack/test.sh passes the one its tests built).
if [ -n "${ECSNET_BIN:-}" ]; then
  ecsnet="$ECSNET_BIN"
else
  cargo build --locked --quiet
  ecsnet=target/debug/ecsnet
fi

step() { printf '\n$ %s\n' "$*"; }
# Each command runs as an IAM user holding only `ecsnet iam-policy -f PLAN --for COMMAND` (the AWS-rules layer
# authenticates and authorizes every request); the seeds above ran as the account's administrator.
as_policy() {
  local command="$1" plan="$2" adopt=()
  shift 2
  case " $* " in *" --adopt "*) adopt=(--adopt) ;; esac
  if [ "${ECSNET_AWS_RULES:-on}" = on ]; then
    local keys
    # Never fall back to the administrator's keys (set -e does not hold inside `if as_policy ...`).
    keys="$("$python" localstack/iam_user.py --ecsnet "$ecsnet" --for "$command" -f "$plan" "${adopt[@]}")" || exit 1
    env $keys "$ecsnet" "$@"
  else
    "$ecsnet" "$@"
  fi
}
for plan in "${PLANS[@]}"; do
  step ecsnet plan -f "$plan"
  as_policy plan "$plan" plan -f "$plan"
  step ecsnet apply -f "$plan" --auto-approve
  as_policy apply "$plan" apply -f "$plan" --auto-approve
  step ecsnet plan -f "$plan" --detailed-exitcode
  as_policy plan "$plan" plan -f "$plan" --detailed-exitcode
done
if [ "$#" -eq 0 ]; then
  # Adoption: what seed 002's script made, taken over in place.
  value() { printf '%s\n' "$seeded" | sed -n "s/^adopt-vpc\.$1=//p"; }
  plan=plans/adopt-seed-002.toml
  step python localstack/seed_002.py --prefix rent-a-room --cluster rent-a-room-cluster --service rent-a-room ...
  "$python" localstack/seed_002.py --endpoint "$AWS_ENDPOINT_URL" --vpc-id "$(value vpc)" \
    --subnet-ids "$(value subnet_a),$(value subnet_b)" --tasks-group-id "$(value sg_rent-a-room-tasks)" \
    --prefix rent-a-room --cluster rent-a-room-cluster --service rent-a-room --container rent-a-room >/dev/null
  step ecsnet plan -f "$plan"
  if as_policy plan "$plan" plan -f "$plan"; then echo "demo: the plan should refuse names ecsnet does not own" >&2; exit 1; fi
  step ecsnet plan --adopt -f "$plan"
  as_policy plan "$plan" plan --adopt -f "$plan"
  step ecsnet apply --adopt -f "$plan" --auto-approve
  as_policy apply "$plan" apply --adopt -f "$plan" --auto-approve
  step ecsnet plan -f "$plan" --detailed-exitcode
  as_policy plan "$plan" plan -f "$plan" --detailed-exitcode
  step ecsnet destroy -f "$plan" --auto-approve
  as_policy destroy "$plan" destroy -f "$plan" --auto-approve
  # The Lattice plan destroyed, and applied again at once, so the demo ends with it applied.
  plan=plans/lattice.toml
  step ecsnet destroy -f "$plan" --auto-approve
  as_policy destroy "$plan" destroy -f "$plan" --auto-approve
  step ecsnet apply -f "$plan" --auto-approve
  as_policy apply "$plan" apply -f "$plan" --auto-approve
  step ecsnet plan -f "$plan" --detailed-exitcode
  as_policy plan "$plan" plan -f "$plan" --detailed-exitcode
fi
echo
echo "demo: done. Everything lives in the emulator at $AWS_ENDPOINT_URL; remove a plan's resources with"
echo "  AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test $ecsnet destroy -f PLAN --auto-approve"
echo "and stop the emulator with: bash localstack/stop.sh"
