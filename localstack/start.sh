#!/usr/bin/env bash
# Start an AWS emulator for ecsnet's integration tests on 127.0.0.1:${ECSNET_EMULATOR_PORT:-4566}.
#
#   - Docker engine available AND $LOCALSTACK_AUTH_TOKEN set -> LocalStack Pro (docker-compose.yml next to this file;
#     the free LocalStack has no ELBv2/ECS/Cloud Map).
#   - otherwise (the normal case)                           -> moto_server from a private venv.
#
# Idempotent: if something already answers on the port it is reused. Exits 1 (with the emulator log tail on
# stderr) if the emulator does not answer within ${ECSNET_EMULATOR_WAIT:-60} seconds.
#
# Env: ECSNET_EMULATOR_PORT (4566), ECSNET_EMULATOR_DIR (<repo>/.emulator), ECSNET_EMULATOR_WAIT (60),
#      ECSNET_EMULATOR=moto|localstack (force a backend), LOCALSTACK_AUTH_TOKEN.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PORT="${ECSNET_EMULATOR_PORT:-4566}"
EMU_DIR="${ECSNET_EMULATOR_DIR:-$REPO/.emulator}"
WAIT="${ECSNET_EMULATOR_WAIT:-60}"
MOTO_VERSION="5.2.5"
VENV="$EMU_DIR/venv"
LOG="$EMU_DIR/moto.log"
PIDFILE="$EMU_DIR/emulator.pid"
MODEFILE="$EMU_DIR/mode"
URL="http://127.0.0.1:$PORT"

log() { echo "start.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 is required"
mkdir -p "$EMU_DIR"

# Serialise concurrent start.sh runs (e.g. parallel test jobs) so only one installs/starts moto.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$EMU_DIR/.start.lock"
  flock -w 300 9 || die "another start.sh holds $EMU_DIR/.start.lock"
fi

# probe PATH -> prints the HTTP status (any HTTP answer, even 4xx/5xx, means "something is serving"),
# or nothing (exit 1) if the connection fails. Uses python3 so curl is not required.
probe() {
  python3 - "$URL$1" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    sys.exit(1)
PY
}

# Which emulator answers on the port? prints moto|localstack|other, or fails if nothing answers.
identify() {
  local code
  code="$(probe /moto-api/)" || return 1
  if [ "$code" = 200 ]; then echo moto; return 0; fi
  if [ "$(probe /_localstack/health || true)" = 200 ]; then echo localstack; return 0; fi
  echo other
}

compose() {
  if docker compose version >/dev/null 2>&1; then docker compose -f "$HERE/docker-compose.yml" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f "$HERE/docker-compose.yml" "$@"
  else return 127; fi
}

# 1. Reuse whatever already answers (ours from an earlier run, or someone else's).
if kind="$(identify)"; then
  log "an emulator ($kind) already answers on 127.0.0.1:$PORT; reusing it"
  echo "emulator=$kind endpoint=$URL (already running, reused)"
  exit 0
fi

# 2. Pick the backend.
mode="${ECSNET_EMULATOR:-}"
if [ -z "$mode" ]; then
  if [ -n "${LOCALSTACK_AUTH_TOKEN:-}" ] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    mode=localstack
  else
    mode=moto
  fi
fi

wait_ready() { # $1 = readiness path, $2 = pid to watch (optional)
  local deadline=$((SECONDS + WAIT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(probe "$1" || true)" = 200 ]; then return 0; fi
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then log "emulator process $2 exited"; return 1; fi
    sleep 0.5
  done
  log "emulator did not answer on $URL$1 within ${WAIT}s"
  return 1
}

case "$mode" in
localstack)
  export ECSNET_EMULATOR_PORT="$PORT"
  log "starting LocalStack Pro via docker compose (port $PORT)"
  compose up -d || die "docker compose up failed (is the compose plugin installed?)"
  echo localstack > "$MODEFILE"
  if ! wait_ready /_localstack/health; then
    compose logs --tail 50 >&2 || true
    die "LocalStack did not become ready"
  fi
  echo "emulator=localstack-pro endpoint=$URL (docker compose, services ec2,elbv2,route53,ecs,servicediscovery)"
  ;;
moto)
  # 2a. A pid file from an earlier run: still alive (starting up) -> wait for it; dead -> forget it.
  if [ -f "$PIDFILE" ]; then
    old="$(cat "$PIDFILE" 2>/dev/null || true)"
    if [ -n "$old" ] && kill -0 "$old" 2>/dev/null && grep -qa moto_server "/proc/$old/cmdline" 2>/dev/null; then
      log "moto_server (pid $old) from an earlier start is still running; waiting for it"
      if wait_ready /moto-api/ "$old"; then
        echo "emulator=moto endpoint=$URL pid=$old log=$LOG"; exit 0
      fi
      tail -n 40 "$LOG" >&2 2>/dev/null || true
      die "existing moto_server (pid $old) does not answer; run localstack/stop.sh and retry"
    fi
    rm -f "$PIDFILE"
  fi

  # 2b. Private venv with a pinned moto (the marker file says the install completed).
  if [ ! -x "$VENV/bin/moto_server" ] || [ ! -f "$VENV/.moto-$MOTO_VERSION" ]; then
    log "installing moto[server]==$MOTO_VERSION into $VENV (once; takes ~1 min)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv?)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" >"$EMU_DIR/pip.log" 2>&1 || {
      tail -n 30 "$EMU_DIR/pip.log" >&2; die "pip install moto failed (see $EMU_DIR/pip.log)"; }
    touch "$VENV/.moto-$MOTO_VERSION"
  fi

  # 2c. Start moto_server detached (setsid: it survives this shell), pid in emulator.pid, log in moto.log.
  log "starting moto_server on 127.0.0.1:$PORT (log: $LOG)"
  echo "--- $(date -u +%FT%TZ) start.sh: moto_server -H 127.0.0.1 -p $PORT" >> "$LOG"
  first_line="$(wc -l < "$LOG")"   # to show only this run's part of the log on failure
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >>"$LOG" 2>&1 </dev/null 9>&- &
  else
    nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >>"$LOG" 2>&1 </dev/null 9>&- &
  fi
  pid=$!
  echo "$pid" > "$PIDFILE"
  echo moto > "$MODEFILE"
  if ! wait_ready /moto-api/ "$pid"; then
    echo "----- last lines of $LOG -----" >&2
    tail -n +"$first_line" "$LOG" | tail -n 40 >&2 || true
    kill "$pid" 2>/dev/null || true
    rm -f "$PIDFILE" "$MODEFILE"
    die "moto_server did not become ready on $URL"
  fi
  echo "emulator=moto-$MOTO_VERSION endpoint=$URL pid=$pid log=$LOG"
  ;;
*)
  die "unknown ECSNET_EMULATOR='$mode' (expected moto or localstack)"
  ;;
esac
