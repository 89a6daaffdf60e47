"""Where the app's own files are (app.py, server.py, pages/, scenarios/, assets/, .streamlit/).

In a checkout they sit beside lab/; an installed wheel carries a copy inside the package, in lab/_app
(pyproject.toml's force-include), so nothing depends on the current directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent

APP_DIR = _CHECKOUT if (_CHECKOUT / "server.py").is_file() and (_CHECKOUT / "pages").is_dir() else _PACKAGE / "_app"
SCENARIO_DIR = APP_DIR / "scenarios"
SERVER_FILE = APP_DIR / "server.py"
