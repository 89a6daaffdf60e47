"""The HTML report: self-contained (plotly.js inlined, nothing from a CDN), every assumption listed, text escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import plotly.graph_objects as go

from lab.present.report import Assumption, render_report


def _report(assumptions=None, figures=None) -> str:
    figs = (
        figures
        if figures is not None
        else [go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))]
    )
    return render_report(
        "Routing <Lab>",
        "Routed by cascade.",
        [("Savings", "65.2%", "95%: 64.0% to 66.5%")],
        figs,
        assumptions
        if assumptions is not None
        else [Assumption("traffic", "50,000 queries per day", "scenario default")],
        generated=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    )


def test_plotly_js_is_embedded_and_nothing_is_loaded_from_the_network():
    html = _report()
    assert "Plotly" in html and len(html) > 1_000_000  # the library itself, not a link to it
    external = re.findall(r'<script[^>]+src=["\']([^"\']+)', html)
    assert external == []
    assert re.findall(r"<link[^>]+href=", html) == []


def test_every_figure_and_every_assumption_is_in_the_report():
    assumptions = [Assumption(f"assumption {i}", f"value {i}", f"source {i}") for i in range(7)]
    html = _report(assumptions=assumptions)
    assert html.count('class="plotly-graph-div"') == 2
    for a in assumptions:
        assert f"<td>{a.name}</td><td>{a.value}</td><td>{a.source}</td>" in html
    assert "2026-01-02 03:04 UTC" in html and "95%: 64.0% to 66.5%" in html


def test_text_is_escaped():
    html = _report(assumptions=[Assumption("<script>alert(1)</script>", "a & b", "")])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &amp; b" in html
    assert "<title>Routing &lt;Lab&gt;</title>" in html
