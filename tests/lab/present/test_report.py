"""The HTML report: self-contained (plotly.js inlined, nothing from a CDN), every assumption listed, text escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest

from lab.core.experiment import run, signals_for
from lab.failures.injection import inject
from lab.present.failure_story import injected_run
from lab.present.projection import ProjectionInputs, default_prices, run_projection
from lab.present.report import Assumption, failure_section, projection_cards, render_report
from lab.present.text import pct, usd


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


# --- the stakeholder report: one story, at the traffic the user set --------------------------------


class _Cards(HTMLParser):
    """KPI cards of a report by section title: {section: [(label, value, range)]}."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self._section = ""
        self._field: str | None = None
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class")
        if tag == "h2":
            self._in_h2, self._section = True, ""
        elif cls == "kpi":
            self.sections.setdefault(self._section, []).append([])
        elif cls in ("label", "value", "range"):
            self._field = cls

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False
        elif tag == "div":
            self._field = None

    def handle_data(self, data):
        if self._in_h2:
            self._section += data
        elif self._field is not None:
            self.sections[self._section][-1].append(data)


@pytest.fixture(scope="module")
def at_two_million(default_experiment):
    exp = default_experiment
    cascade = signals_for(exp, "cascade")
    result, summary = run(exp, cascade, (0.25,))
    inputs = ProjectionInputs(queries_per_day=2_000_000, growth_per_month=0.05, prices=default_prices(exp.models))
    world = inject(exp, cascade, {"overconfident-scorer": 1.0})
    inj_result, inj_summary, _ = injected_run(world, {"overconfident-scorer": 1.0}, (0.25,), summary)
    inj_projection = run_projection(world.experiment, inj_result, inj_summary, inputs)
    section = failure_section("an overconfident scorer at 100%", inj_projection, inj_summary, "What happened.")
    projection = run_projection(exp, result, summary, inputs)
    html_text = render_report(
        "r",
        "s",
        projection_cards(projection, summary),
        [],
        [],
        sections=[section],
        generated=datetime(2026, 1, 1, tzinfo=UTC),
    )
    parser = _Cards()
    parser.feed(html_text)
    return exp, summary, projection, inj_projection, parser.sections, html_text


def _money(projection):
    """Every money figure the report may show, by card label: (value, 95% range) from the projection."""
    month = projection.table.iloc[0]
    return {
        "Month 1 with routing (2,000,000 queries/day)": (month["routed_usd"], projection.routed_range_usd(1)),
        "Month 1 without routing (2,000,000 queries/day)": (month["strongest_usd"], projection.strongest_range_usd(1)),
        "12 months with routing": (projection.annual_routed_usd, projection.annual_routed_range_usd),
        "12 months without routing": (projection.annual_strongest_usd, projection.annual_strongest_range_usd),
        "Savings over 12 months": (projection.annual_savings_usd, projection.annual_savings_range_usd),
    }


def test_every_money_figure_is_the_projection_s_at_the_user_s_traffic_with_its_interval(at_two_million):
    exp, summary, projection, _, sections, _ = at_two_million
    cards = sections["Key figures"]
    money = [card for card in cards if card[1].startswith("$")]
    expected = _money(projection)
    assert [label for label, _, _ in money] == list(expected)  # month 1 and 12 months, with and without routing
    for label, value, rng in money:
        figure, (low, high) = expected[label]
        assert value == usd(figure) and rng == f"95%: {usd(low)} to {usd(high)}"
        assert low < figure < high  # a real interval, not a point
    # month 1 at 2M/day, computed here from the run's cost per query: not the scenario's 50,000/day
    assert money[0][1] == usd(summary.cost_per_query_usd * 2_000_000 * 30)
    assert usd(summary.monthly_cost_usd) not in {value for _, value, _ in cards}
    savings = next(card for card in cards if card[0] == "Savings")
    assert savings[1] == pct(projection.savings)


def test_failure_modes_that_are_on_have_their_own_figures_in_the_report(at_two_million):
    _, _, projection, inj_projection, sections, html_text = at_two_million
    failed = sections["With failures on: an overconfident scorer at 100%"]
    expected = _money(inj_projection)
    money = [card for card in failed if card[1].startswith("$")]
    assert money and all(card[0] in expected for card in money)
    for label, value, rng in money:
        figure, (low, high) = expected[label]
        assert value == usd(figure) and rng == f"95%: {usd(low)} to {usd(high)}"
    assert inj_projection.table["routed_usd"].iloc[0] < projection.table["routed_usd"].iloc[0]
    assert '<p class="story">What happened.</p>' in html_text
