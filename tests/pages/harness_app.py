"""AppTest entry for the app: runs app.py from a folder without a pages/ subfolder.

Streamlit 1.67's AppTest builds a fresh PagesManager for every run; with a pages/ folder beside the
main script it treats a page's hash as an old-style (MPA v1) page and runs only that page's file,
skipping app.py's navigation and shared sidebar. The real server keeps its PagesManager and is not
affected. Running app.py from here keeps every AppTest run identical to a browser's.
"""

import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
runpy.run_path(str(REPO / "app.py"), run_name="__main__")
