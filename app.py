"""Routing Lab: the Streamlit entry point. Page config, the shared sidebar (scenario, models), navigation.

Run with `uv run routing-lab` (or `streamlit run app.py`). Pages live in pages/; each is thin:
read widgets, call cached lab functions, draw figures built by lab.present.figures.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lab.present.card_html import CARDS_CSS
from pages import _sidebar as sidebar
from pages import _state as state
from pages._live_chart import preload_plotly
from pages._streamlit_internals import declare_pages_by_navigation

HERE = Path(__file__).resolve().parent
# Under a plain `streamlit run app.py` the first session may already have taken pages/ for a v1 multipage
# app; from the next run on, st.navigation below decides (server.py sets this before any session).
declare_pages_by_navigation()

# Legible on a projector (1280 x 720 with the sidebar open): a card's label wraps instead of being cut
# off, its value shrinks with the window and with its own card (five cards share a row) instead of ending in
# "...", and the page starts nearer the top.
PROJECTOR_CSS = (
    """<style>
label[data-testid="stMetricLabel"] .stMarkdownEllipsis, label[data-testid="stMetricLabel"] p {
  white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.25; }
div[data-testid="stMetric"] { container-type: inline-size; }
div[data-testid="stMetricValue"], div[data-testid="stMetricValue"] > div { font-size: clamp(1.25rem, min(2.4vw, 16cqi), 2.25rem); }
div[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
"""
    + CARDS_CSS
    + "</style>"
)

# The tab icon ships with the app: a ":material/..." page icon makes the browser fetch it from fonts.gstatic.com on
# every rerun, and nothing the lab shows may leave the machine. An SVG file goes to the page as a data: URL.
ICON = HERE / "assets" / "routing-lab-icon.svg"

st.set_page_config(page_title="Routing Lab", page_icon=str(ICON), layout="wide", initial_sidebar_state="expanded")
st.html(PROJECTOR_CSS)
preload_plotly()

PAGES = [
    st.Page(HERE / "pages" / "lab.py", title="Lab", icon=":material/tune:", default=True),
    st.Page(HERE / "pages" / "compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page(HERE / "pages" / "queries.py", title="Queries", icon=":material/list_alt:"),
    st.Page(HERE / "pages" / "cost_projection.py", title="Cost projection", icon=":material/payments:"),
    st.Page(HERE / "pages" / "failure_gallery.py", title="Failure gallery", icon=":material/warning:"),
    st.Page(HERE / "pages" / "export.py", title="Export", icon=":material/ios_share:"),
    st.Page(HERE / "pages" / "data.py", title="Data", icon=":material/dataset:"),
    st.Page(HERE / "pages" / "live.py", title="Live", icon=":material/bolt:"),
    st.Page(HERE / "pages" / "workshop.py", title="Workshop", icon=":material/school:"),
]

page = st.navigation(PAGES)
st.session_state[state.PAGE_FILES_KEY] = {p.url_path or "lab": p for p in PAGES}
if page.url_path != "workshop":  # the Workshop's exercises bring their own scenarios: no shared scenario sidebar
    sidebar.begin(page.url_path or "lab")
page.run()
