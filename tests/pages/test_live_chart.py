"""Live charts (pages/_live_chart.py): the vendored plotly.js is the one we say, it draws every trace the Lab
page uses, and under server.py the Lab page hands its figures to the keyed component that redraws in place."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from pages._live_chart import PLOTLY_JS_ENV, PLOTLY_JS_ROUTE, plotly_js_path
from tests.pages.conftest import assert_clean, figures, open_app, threshold_sliders

REPO = Path(__file__).resolve().parents[2]
ASSET_SHA256 = "c23b03591a6bdad0bd0f47a0c5c52305a5519812b73ce254be65cd841553c9c2"  # assets/README.md
BASIC_BUNDLE_TRACES = {"scatter", "bar", "pie"}
LIVE_KEYS = ["split_model", "split_category", "quality", "monthly_cost", "frontier", "sweep"]


def _live_figures(at) -> dict[tuple[str, str], dict]:
    """The figures handed to the live-chart components, by (element id, chart key); the preload element carries none."""
    out = {}
    for element in at.get("bidi_component"):
        payload = json.loads(element.proto.bytes)
        assert len(payload["keys"]) == len(payload["figures"])
        for key, figure in zip(payload["keys"], payload["figures"]):
            out[(element.proto.id, key)] = figure
    return out


def _drawn(figure: dict) -> tuple:
    """What a chart shows: its traces, and the shapes and annotations that mark the operating point."""
    layout = figure.get("layout", {})
    return figure["data"], layout.get("shapes"), layout.get("annotations")


def test_the_vendored_bundle_is_the_pinned_file_at_the_plotly_package_s_plotly_js_version():
    body = plotly_js_path().read_bytes()
    assert hashlib.sha256(body).hexdigest() == ASSET_SHA256
    version = re.search(rb"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", body[:300])
    assert version is not None and version.group(1).decode() == get_plotlyjs_version()


def test_every_trace_the_lab_page_draws_is_in_the_basic_bundle():
    at = open_app()  # no server.py here: the same figures go through st.plotly_chart
    assert_clean(at)
    used = {trace.get("type", "scatter") for fig in figures(at).values() for trace in fig["data"]}
    assert used and used <= BASIC_BUNDLE_TRACES, f"not in plotly-basic: {used - BASIC_BUNDLE_TRACES}"


def test_under_server_py_the_lab_charts_are_live_components_whose_figures_follow_the_slider(monkeypatch):
    monkeypatch.setenv(PLOTLY_JS_ENV, PLOTLY_JS_ROUTE)
    at = open_app()
    assert_clean(at)
    assert at.get("plotly_chart") == []
    before = _live_figures(at)
    assert [key for _, key in before] == LIVE_KEYS, "the six charts, row by row"
    assert len({element for element, _ in before}) == 1, "one element draws the six (one browser update a move)"
    payloads = [json.loads(e.proto.bytes) for e in at.get("bidi_component")]
    assert {p["plotly_js"] for p in payloads} == {PLOTLY_JS_ROUTE}
    slider = threshold_sliders(at)[0]
    slider.set_value(min(slider.value + 0.2, 1.0)).run()
    assert_clean(at)
    after = _live_figures(at)
    assert list(after) == list(before), "the same keyed element (id) carries the new figures: nothing remounts"
    moved = [k for k in before if _drawn(after[k]) != _drawn(before[k])]
    assert moved == list(before), "every live chart moved with the threshold"


@pytest.mark.parametrize(
    "base, expected", [("", PLOTLY_JS_ROUTE), ("lab", f"/lab{PLOTLY_JS_ROUTE}"), ("/a/b/", f"/a/b{PLOTLY_JS_ROUTE}")]
)
def test_the_plotly_js_address_follows_the_server_s_base_url_path(monkeypatch, base, expected):
    import streamlit as st

    from pages._live_chart import plotly_js_url

    monkeypatch.setenv(PLOTLY_JS_ENV, PLOTLY_JS_ROUTE)
    monkeypatch.setattr(st, "get_option", lambda name: base if name == "server.baseUrlPath" else None)
    assert plotly_js_url() == expected


FIRST_PAGE = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("tests/pages/harness_app.py", default_timeout=120)
at.run()
assert not at.exception, [e.value for e in at.exception]
print(sorted(m for m in ("pandas", "scipy", "sklearn") if m in sys.modules))
"""


def test_the_first_lab_page_under_server_py_imports_neither_pandas_nor_scipy():
    # Streamlit scans a component's dict/str data for dataframes, importing pandas (~1 s of the first page):
    # the live charts send bytes so that the whole default page, widgets included, stays clear of it
    env = {**os.environ, PLOTLY_JS_ENV: PLOTLY_JS_ROUTE, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
