"""`routing-lab app` (and `routing-lab` alone): start the Streamlit app in this process (lab/ never imports
streamlit; the process becomes `python -m streamlit run server.py`)."""

from __future__ import annotations

import argparse
import os
import sys

from lab._paths import SERVER_FILE  # st.App around app.py (the checkout's, or the installed copy)
from lab.cli.options import add_ranged


def add_parser(sub) -> None:
    """The app subcommand."""
    app = sub.add_parser("app", help="start the Streamlit app (the default with no command)")
    add_ranged(app, "--port", int, 1, 65_535, "the port to serve on", default=None)
    app.add_argument("--headless", action="store_true", help="do not open a browser")


def app_command(args: argparse.Namespace) -> int:
    """Replace this process with `python -m streamlit run server.py`."""
    port, headless = getattr(args, "port", None), getattr(args, "headless", False)
    argv = [sys.executable, "-m", "streamlit", "run", str(SERVER_FILE)]
    if port is not None:
        argv += ["--server.port", str(port)]
    if headless:
        argv += ["--server.headless", "true"]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached
