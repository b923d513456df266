#!/usr/bin/env bash
# Runs every test of ecsnet: ruff over localstack/'s Python, the proxy's and the AWS-rules layer's own tests, the
# planner's unit tests, the emulator tests, which drive the real binary against a real AWS API emulator behind the
# AWS-rules layer, and the demo's plans (localstack/demo.sh) behind the same layer.
# Installs and starts the emulator first (localstack/start.sh); stops it afterwards unless it was already running.
# Extra arguments go to `cargo test` (and skip the demo). ECSNET_AWS_RULES=off runs on the bare emulator.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"
RULES="${ECSNET_AWS_RULES:-on}"
if [ "$RULES" = on ]; then BACKEND_PORT="${ECSNET_EMULATOR_BACKEND_PORT:-$((PORT + 1))}"; else BACKEND_PORT="$PORT"; fi
python="${ECSNET_EMULATOR_DIR:-$PWD/.emulator}/venv/bin/python"

started="$(bash localstack/start.sh)"
echo "$started"
case "$started" in
  *"already running"*) ;;
  *) trap 'bash localstack/stop.sh >/dev/null 2>&1 || true' EXIT ;;
esac

export ECSNET_TEST_ENDPOINT="http://127.0.0.1:$PORT"
# The rules' own tests set up state on the bare emulator and drive the rules themselves.
export ECSNET_RULES_TEST_UPSTREAM="http://127.0.0.1:$BACKEND_PORT"
# Each phase's time, printed at the end (the CI budget is 15 minutes on two cores).
phases=()
phase() { phases+=("$(printf '%5d s  %s' "$((SECONDS - phase_start))" "$1")"); phase_start=$SECONDS; }
phase_start=$SECONDS
# The Python first: ruff (configured in localstack/pyproject.toml, pinned by start.sh), failing the run on any
# finding; then the tests. localstack/ is the Python's top-level directory: the tests import `proxy`, `aws_rules`…
# as modules from it.
"$(dirname "$python")/ruff" check localstack
"$python" -m unittest discover -s localstack/tests -t localstack
phase "python: ruff, the proxy's, the rules layer's and its IAM's own tests"
# Four tests at once although the machine has two cores: the emulator tests spend most of their time waiting (on
# AWS's eventual consistency, deployments, a lock), and the emulator, not the CPU, bounds them. Measured on a
# fresh emulator, 2 cores, nothing else running: the 40 emulator tests in 778 s at four at once. (At two at once,
# the default of one per core, they took 1101 s in the last fresh-clone CI run, with a larger apply crash test.)
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}"
cargo test --locked --features emulator-tests --no-run
phase "cargo: the test build"
# Each emulator test writes its time here (tests/emulator/support.rs); the slowest are printed at the end.
export ECSNET_TEST_TIMES="${TMPDIR:-/tmp}/ecsnet-test-times.$$"
rm -f "$ECSNET_TEST_TIMES"
cargo test --locked --features emulator-tests "$@"
phase "cargo: the unit and emulator tests"
echo "The ten slowest emulator tests (seconds):"
sort -rn "$ECSNET_TEST_TIMES" 2>/dev/null | awk '!seen[$2]++' | head -n 10 || true
if [ "$#" -eq 0 ]; then
  # The demo's five plans through the same emulator and rules: plan, apply, and plan again with no changes; with
  # the binary the tests just built (a build without their feature would compile ecsnet once more).
  ECSNET_BIN=target/debug/ecsnet bash localstack/demo.sh
  phase "the demo"
fi
if [ "$RULES" = on ]; then
  # Every run of ecsnet above signed as a user holding only `ecsnet iam-policy` for its command; after a full run,
  # every grant of those policies must have been the only grant of some request (localstack/iam_report.py).
  if [ "$#" -eq 0 ]; then "$python" localstack/iam_report.py --strict; else "$python" localstack/iam_report.py; fi
  echo "AWS-rules layer: requests refused per rule during this run:"
  "$python" -c 'import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1]))["refused"], indent=1))' \
    "http://127.0.0.1:$PORT/__proxy/rules"
fi
printf '%s\n' "Phases:" "${phases[@]}"
