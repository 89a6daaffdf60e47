"""Lab: pick a strategy, move a threshold, inject failures, and watch quality, cost and latency live."""

from __future__ import annotations

import streamlit as st

from lab.present.card_html import cards_html
from lab.present.lab_view import lab_view, sweep_caption
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages._live_chart import live_charts, writes_address
from pages._state import PAGE_FILES_KEY, address

sidebar.page("lab")
ctx = sidebar.context()
sidebar.show_url_problems()
exp = ctx.experiment
strategy, signals = sidebar.strategy_control(ctx)
threshold_box = st.sidebar.container()  # the live fragment draws the threshold sliders here, above the failure modes
threshold_box.subheader("Thresholds")  # drawn once: a slider move reruns only what moves
sidebar.calibrate_controls(ctx, strategy, signals)  # outside the fragment: a calibration reruns the whole page
failures = sidebar.failure_controls(ctx, strategy)
inputs = caches.lab_inputs(ctx.key, exp, strategy, failures, sidebar.world(ctx, strategy, signals, failures))

st.title(ctx.scenario.title or ctx.scenario.name)
st.caption(f"{exp.queries.n_queries:,} queries, {len(exp.models)} models. {ctx.scenario.description.strip()}")
for note in exp.notes:
    st.caption(note)

# Live charts redraw on every slider move: no mode bar (fewer nodes per redraw); hover, zoom and double-click stay.
LIVE = {"displayModeBar": False}
CHARTS = ("split_model", "split_category", "quality", "monthly_cost", "frontier", "sweep")  # row by row, two a row


def _cards(cards) -> None:
    st.html(cards_html(cards))  # one element, not sixteen (lab/present/card_html.py): redrawn on every move


@st.fragment
def live() -> None:
    """Thresholds and everything they move: reruns alone when a threshold slider moves."""
    # the live charts write the thresholds to the address in the browser (no history entry per move, no re-render)
    in_browser = writes_address()
    thresholds = sidebar.threshold_controls(
        ctx, strategy, signals, where=threshold_box, calibrate=False, url=not in_browser, heading=False
    )
    view = lab_view(inputs, thresholds)
    _cards(view.clean_cards)
    if view.injected_cards:
        st.subheader(view.injected_title)
        _cards(view.injected_cards)
        if view.story:
            st.warning(view.story, icon=":material/report:")
        for note in view.notes:
            st.caption(note)
        if view.remedy:
            st.info(view.remedy, icon=":material/healing:")
        gallery = st.session_state.get(PAGE_FILES_KEY, {}).get("failure_gallery")
        if gallery is not None:
            st.page_link(gallery, label="Open the Failure gallery on this failure", icon=":material/warning:")
    figures = {key: view.figures[key] for key in CHARTS}
    live_charts(None, figures, key="lab_charts", config=LIVE, address=address() if in_browser else None)


st.subheader("Clean run" if inputs.world is not None else "Headline figures")
live()
st.caption(sweep_caption(inputs.strategy, inputs.clean_sweep))
