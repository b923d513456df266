#!/usr/bin/env bash
# The demo, end to end on the bundled emulator: start it, create a demo VPC with two subnets and the services'
# security groups, then `ecsnet plan`, `ecsnet apply` and `ecsnet plan` again (no changes) on
# plans/private-alb.toml. Leaves everything running; `localstack/stop.sh` stops the emulator.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"
PLAN="${1:-plans/private-alb.toml}"

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

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
step ecsnet plan -f "$PLAN"
"$ecsnet" plan -f "$PLAN"
step ecsnet apply -f "$PLAN" --auto-approve
"$ecsnet" apply -f "$PLAN" --auto-approve
step ecsnet plan -f "$PLAN" --detailed-exitcode
"$ecsnet" plan -f "$PLAN" --detailed-exitcode
echo
echo "demo: done. Everything lives in the emulator at $AWS_ENDPOINT_URL; remove it with"
echo "  AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test $ecsnet destroy -f $PLAN --auto-approve"
echo "and stop the emulator with: bash localstack/stop.sh"
