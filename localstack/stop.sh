#!/usr/bin/env bash
# Stop the emulator started by start.sh (moto: the pid in .emulator/emulator.pid; LocalStack: docker compose down)
# and the AWS-rules layer in front of it (.emulator/rules.pid).
# Idempotent: succeeds when nothing is running. Never kills processes it did not start (checks the pid's command line).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PORT="${ECSNET_EMULATOR_PORT:-4566}"
EMU_DIR="${ECSNET_EMULATOR_DIR:-$REPO/.emulator}"
PIDFILE="$EMU_DIR/emulator.pid"
MODEFILE="$EMU_DIR/mode"

log() { echo "stop.sh: $*" >&2; }

mode="$(cat "$MODEFILE" 2>/dev/null || echo moto)"

# The AWS-rules layer first: nothing should reach the emulator while it stops.
RULES_PIDFILE="$EMU_DIR/rules.pid"
if [ -f "$RULES_PIDFILE" ]; then
  rules_pid="$(cat "$RULES_PIDFILE" 2>/dev/null || true)"
  if [ -n "$rules_pid" ] && kill -0 "$rules_pid" 2>/dev/null && grep -qa proxy.py "/proc/$rules_pid/cmdline" 2>/dev/null; then
    kill "$rules_pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$rules_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$rules_pid" 2>/dev/null || true
    echo "stopped the AWS-rules layer (pid $rules_pid)"
  fi
  rm -f "$RULES_PIDFILE"
fi

if [ "$mode" = localstack ]; then
  export ECSNET_EMULATOR_PORT="${ECSNET_EMULATOR_BACKEND_PORT:-$((PORT + 1))}"
  if docker compose version >/dev/null 2>&1; then docker compose -f "$HERE/docker-compose.yml" down || true
  elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f "$HERE/docker-compose.yml" down || true
  else log "docker compose not available; nothing stopped"; fi
  rm -f "$MODEFILE"
  echo "stopped LocalStack (docker compose down)"
  exit 0
fi

if [ ! -f "$PIDFILE" ]; then
  echo "no emulator pid file ($PIDFILE); nothing to stop"
  rm -f "$MODEFILE"
  exit 0
fi

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  echo "moto_server (pid ${pid:-?}) is not running; removed stale pid file"
elif ! grep -qa moto_server "/proc/$pid/cmdline" 2>/dev/null; then
  # pid recycled by an unrelated process: leave it alone
  echo "pid $pid is not a moto_server; removed stale pid file, killed nothing"
else
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do            # up to ~10 s for a clean exit
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "moto_server (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  echo "stopped moto_server (pid $pid)"
fi
rm -f "$PIDFILE" "$MODEFILE"
