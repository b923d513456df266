#!/usr/bin/env bash
# Wipe all emulator state (every service, every region) without restarting it.
#   moto:       POST /moto-api/reset
#   LocalStack: POST /_localstack/state/reset (Pro)
set -euo pipefail
PORT="${ECSNET_EMULATOR_PORT:-4566}"
python3 - "http://127.0.0.1:$PORT" <<'PY'
import sys, urllib.request, urllib.error
base = sys.argv[1]
for path, name in (("/moto-api/reset", "moto"), ("/_localstack/state/reset", "localstack")):
    try:
        urllib.request.urlopen(urllib.request.Request(base + path, data=b"", method="POST"), timeout=10).read()
        print(f"reset {name} state at {base}")
        sys.exit(0)
    except urllib.error.HTTPError:
        continue          # answers, but not this kind of emulator: try the next endpoint
    except Exception as e:
        sys.exit(f"reset.sh: no emulator answers at {base}: {e}")
sys.exit(f"reset.sh: the emulator at {base} has no known reset endpoint")
PY
