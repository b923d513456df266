#!/usr/bin/env python3
"""moto_server with moto_ext installed: `python run_moto_server.py -H 127.0.0.1 -p 4567` takes moto_server's own
arguments (moto.server.main parses them). localstack/start.sh starts the emulator with it; its command line names
run_moto_server.py, so start.sh's and stop.sh's check of the pid's command line for "moto_server" still holds."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import moto_ext  # noqa: E402  (after the path: moto_ext is a top-level package of localstack/)

moto_ext.install()
sys.stderr.write("moto_ext: installed (ECS Service Connect and VPC Lattice configurations kept; VPC Lattice "
                 "operations, states and refusals added)\n")

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
