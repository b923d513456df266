#!/usr/bin/env bash
# Runs every test of ecsnet: the planner's unit tests and the emulator tests, which drive the real binary
# against a real AWS API emulator. Installs and starts the emulator first (localstack/start.sh); stops it
# afterwards unless it was already running. Extra arguments go to `cargo test`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"

started="$(bash localstack/start.sh)"
echo "$started"
case "$started" in
  *"already running"*) ;;
  *) trap 'bash localstack/stop.sh >/dev/null 2>&1 || true' EXIT ;;
esac

export ECSNET_TEST_ENDPOINT="http://127.0.0.1:$PORT"
# The proxy the resilience tests and the benchmark drive ecsnet through has tests of its own.
python3 -m unittest localstack/test_proxy.py
cargo test --locked "$@"
