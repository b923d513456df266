#!/usr/bin/env bash
# ecsnet's benchmark in one command: starts the emulator (localstack/start.sh), builds ecsnet (debug; --release for
# a release build), runs localstack/benchmark.py with the emulator venv's python (boto3), stops the emulator if it
# started it. Arguments go to benchmark.py: --quick, --sizes 1,10,50,100, --cli-sizes, --delay-ms 50, --release,
# --binary PATH (a prebuilt ecsnet: no cargo build), --terraform-sizes, --no-terraform, --no-throttled,
# --lattice-sizes 10 (the VPC Lattice recipe; none to skip), --out DIR.
# Results: bench/results.md and bench/results.json (or --out DIR).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE/.."
PORT="${ECSNET_EMULATOR_PORT:-4566}"
# Another port than the default gets its own emulator dir (pid file), sharing the installed venv: start.sh/stop.sh
# keep one pid file per dir, and must not mistake the default emulator for this one.
if [ "$PORT" != 4566 ] && [ -z "${ECSNET_EMULATOR_DIR:-}" ]; then
  export ECSNET_EMULATOR_DIR="$PWD/.emulator/port-$PORT"
  mkdir -p "$ECSNET_EMULATOR_DIR"
  if [ ! -e "$ECSNET_EMULATOR_DIR/venv" ] && [ -x .emulator/venv/bin/moto_server ]; then
    ln -s ../venv "$ECSNET_EMULATOR_DIR/venv"
  fi
fi
EMU_DIR="${ECSNET_EMULATOR_DIR:-$PWD/.emulator}"
started="$(bash localstack/start.sh)"
echo "$started" >&2
case "$started" in
  *"already running"*) ;;
  *) trap 'bash localstack/stop.sh >&2 || true' EXIT ;;
esac
profile=(); case " $* " in *" --release "*) profile=(--release) ;; esac
case " $* " in
  *" --binary "*|*" --binary="*) ;;   # a prebuilt binary: nothing to build
  *) timeout 1200 cargo build --locked --quiet "${profile[@]}" ;;
esac
timeout 14400 "$EMU_DIR/venv/bin/python" localstack/benchmark.py --endpoint "http://127.0.0.1:$PORT" "$@"
