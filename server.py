"""Routing Lab's server: Streamlit's ASGI app (st.App) around app.py. `uv run routing-lab` starts this.

Beyond `streamlit run app.py` it serves the plotly.js the Lab page's live charts redraw with, and fills
the caches of the Lab page's first view as the server starts. Every Streamlit internal this relies on
is in pages/_streamlit_internals.py; Streamlit finds the app by reading this file for the literal
`app = st.App(...)` below (coupling 7 there), so keep it literal. Run: `streamlit run server.py`.
"""

from __future__ import annotations

import os

# One BLAS thread per computation. Every session's script runs in its own thread, so the server already computes in
# parallel; OpenBLAS's own threads (one per core by default) only wake, spin and hand back for the lab's small
# matrix products (a bootstrap interval is one), competing with the sessions and with the browser on a small
# machine. Set before numpy is first imported (the imports below), which is when OpenBLAS reads it; an explicit
# setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pathlib import Path

import streamlit as st

from pages._streamlit_internals import app_options


def warm_first_page() -> object:
    """The Lab page's first view, built in the warm-up thread. The lab's modules are imported there too (about 0.15 s
    here), so the port opens without waiting for them while the browser loads Streamlit's page."""
    from pages._caches import first_lab_view

    return first_lab_view()


app = st.App(Path(__file__).resolve().parent / "app.py", **app_options(warm=warm_first_page))
