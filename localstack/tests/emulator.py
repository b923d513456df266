"""The one AWS emulator every test module of localstack/tests shares: the bare moto server, behind no rules.

localstack/test.sh starts one (localstack/start.sh: moto behind the AWS-rules layer) and names the bare emulator in
ECSNET_RULES_TEST_UPSTREAM; every module then uses that one. A module run alone without it gets one moto_server
started here (with start.sh's settings), once for the whole test process, on a free port, and stopped when the
process exits: moto_ext's launcher run by this Python when it has moto (the emulator venv's), else the
moto_server ECSNET_RULES_TEST_MOTO names, else the one on PATH (without moto_ext). When neither
is possible, `upstream()` raises, so every test that needs the emulator errors: none is skipped.

Tests share the emulator's default account (moto 5.2.5 takes the account from an `x-moto-account-id` header or an
access key made through its IAM, not from the access key's text), so each test makes its own names and networks.
"""

import atexit
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

VARIABLE = "ECSNET_RULES_TEST_UPSTREAM"
HOW = (f"run the tests through localstack/test.sh, or set {VARIABLE} to a moto server's URL "
       "(`bash localstack/start.sh` runs one on the port after ECSNET_EMULATOR_PORT's, 4567 by default), "
       "or ECSNET_RULES_TEST_MOTO to a moto_server to start")

LAUNCHER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "moto_ext",
                        "run_moto_server.py")

_lock = threading.Lock()
_endpoint = None
_process = None


def upstream() -> str:
    """The bare emulator's URL, without a trailing slash: ECSNET_RULES_TEST_UPSTREAM's, else one started here."""
    global _endpoint
    with _lock:
        if _endpoint is None:
            endpoint = os.environ.get(VARIABLE, "").rstrip("/") or _start()
            _wait(endpoint, 30 if _process else 5)
            _endpoint = endpoint
        return _endpoint


def answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).read()
        return True
    except OSError:
        return False


def _moto_server() -> str:
    beside_python = os.path.join(os.path.dirname(sys.executable), "moto_server")
    found = (os.environ.get("ECSNET_RULES_TEST_MOTO")
             or (beside_python if os.path.exists(beside_python) else shutil.which("moto_server")))
    if not found or not os.path.exists(found):
        raise RuntimeError(f"no AWS emulator for the tests: {HOW}")
    return found


def _moto_command() -> list:
    """moto_server with moto_ext, run by this Python when it has moto (the emulator venv's does); else the
    moto_server ECSNET_RULES_TEST_MOTO names, or the one on PATH, without the extension."""
    if not os.environ.get("ECSNET_RULES_TEST_MOTO") and importlib.util.find_spec("moto") is not None:
        return [sys.executable, LAUNCHER]
    return [_moto_server()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start() -> str:
    global _process
    if _process is not None:   # started, but never answered: the error was raised then
        raise RuntimeError(f"the moto_server started for the tests does not answer: {HOW}")
    port = _free_port()
    # as localstack/start.sh runs it: with moto_ext installed (moto_ext/run_moto_server.py, by this Python when it
    # has moto), ECS services running two tasks each; its own process group: a wrapper script's children are
    # stopped with it
    _process = subprocess.Popen([*_moto_command(), "-H", "127.0.0.1", "-p", str(port)], start_new_session=True,
                                env={**os.environ, "MOTO_ECS_SERVICE_RUNNING": "2"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(_stop)
    return f"http://127.0.0.1:{port}"


def _wait(endpoint: str, seconds: float):
    deadline = time.monotonic() + seconds
    while not answers(endpoint):
        if time.monotonic() > deadline or (_process and _process.poll() is not None):
            raise RuntimeError(f"no AWS emulator answers at {endpoint}: {HOW}")
        time.sleep(0.1)


def _stop():
    if _process and _process.poll() is None:
        os.killpg(_process.pid, signal.SIGTERM)
        try:
            _process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(_process.pid, signal.SIGKILL)
            _process.wait(10)
