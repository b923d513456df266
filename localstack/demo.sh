#!/usr/bin/env bash
# The demo, end to end on the bundled emulator: start it, create the demo VPCs (two subnets each), the services'
# security groups and the ECS clusters and services the plans wire up, then for each plan `ecsnet plan`,
# `ecsnet apply` and `ecsnet plan` again (no changes): plans/private-alb.toml (seed 000),
# plans/service-discovery.toml (seed 003), plans/service-connect.toml (seed 001), plans/public-alb.toml (seed 002)
# and plans/path-routing.toml (seed 004). Give plan files as
# arguments to run only those. Leaves everything running; `localstack/stop.sh` stops the emulator.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"
if [ "$#" -gt 0 ]; then PLANS=("$@"); else PLANS=(plans/private-alb.toml plans/service-discovery.toml plans/service-connect.toml plans/public-alb.toml plans/path-routing.toml); fi

bash localstack/start.sh
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1

python="${ECSNET_EMULATOR_DIR:-.emulator}/venv/bin/python"
if [ ! -x "$python" ]; then
  # LocalStack mode has no moto venv: boto3 alone is enough for the seed script.
  python3 -m venv .emulator/venv && .emulator/venv/bin/pip install -q boto3
  python=.emulator/venv/bin/python
fi
"$python" localstack/seed_demo.py

cargo build --locked --quiet
ecsnet=target/debug/ecsnet

step() { printf '\n$ %s\n' "$*"; }
for plan in "${PLANS[@]}"; do
  step ecsnet plan -f "$plan"
  "$ecsnet" plan -f "$plan"
  step ecsnet apply -f "$plan" --auto-approve
  "$ecsnet" apply -f "$plan" --auto-approve
  step ecsnet plan -f "$plan" --detailed-exitcode
  "$ecsnet" plan -f "$plan" --detailed-exitcode
done
echo
echo "demo: done. Everything lives in the emulator at $AWS_ENDPOINT_URL; remove a plan's resources with"
echo "  AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test $ecsnet destroy -f PLAN --auto-approve"
echo "and stop the emulator with: bash localstack/stop.sh"
