"""Cost projection page: traffic, growth, token mix and prices move the projection; the report downloads."""

from __future__ import annotations

import pytest

from lab.present.text import usd
from tests.pages.conftest import assert_clean, figures, open_app, threshold_sliders, traces, widget

WITH = "with routing (cascade)"
WITHOUT = "without routing (always-strongest)"


def _lines(at):
    return traces(figures(at)["Projected monthly cost"])


def test_doubling_traffic_doubles_every_months_cost():
    at = open_app(page="cost_projection")
    assert_clean(at)
    before = _lines(at)
    qpd = widget(at.number_input, "Queries per day")
    qpd.set_value(qpd.value * 2).run()
    assert_clean(at)
    after = _lines(at)
    assert after[WITH]["y"] == pytest.approx([2 * v for v in before[WITH]["y"]])
    assert after[WITHOUT]["y"] == pytest.approx([2 * v for v in before[WITHOUT]["y"]])
    assert "qpd" in at.query_params


def test_growth_and_prices_change_the_projection_the_way_they_should():
    at = open_app(page="cost_projection")
    widget(at.number_input, "Growth per month (%)").set_value(0.0).run()
    flat = _lines(at)[WITHOUT]["y"]
    assert flat[0] == pytest.approx(flat[-1])
    widget(at.number_input, "gpt-4o: input").set_value(5.0).run()
    widget(at.number_input, "gpt-4o: output").set_value(20.0).run()
    assert_clean(at)
    dearer = _lines(at)[WITHOUT]["y"]
    assert dearer[0] == pytest.approx(2 * flat[0], rel=1e-6)
    assert any("edited" in c.value for c in at.caption)
    assert "price" in at.query_params


def test_the_report_lists_the_assumptions_it_is_built_on():
    at = open_app(page="cost_projection")
    assumptions = at.dataframe[-1].value
    names = set(assumptions["assumption"])
    assert {"traffic", "growth", "token mix", "routing strategy", "thresholds", "savings range", "litellm"} <= names
    assert any(n.startswith("price of") for n in names)
    assert at.get("download_button")


def test_quality_evidence_stands_beside_the_savings_and_follows_the_threshold():
    at = open_app(page="cost_projection")
    labels = [m.label for m in at.metric]
    assert labels[0] == "Quality vs always-strongest" and "Savings" in labels
    quality_before = at.metric[0].value
    assert any(c.value.startswith("95%:") and "%" in c.value for c in at.caption)
    threshold_sliders(at)[0].set_value(0.9).run()
    assert_clean(at)
    assert at.metric[0].value != quality_before


def test_at_two_million_a_day_with_a_failure_on_the_page_says_what_the_failure_costs():
    at = open_app({"strategy": "cascade", "qpd": "2000000", "fail": "overconfident-scorer:1"}, page="cost_projection")
    assert_clean(at)
    month_1 = next(m for m in at.metric if m.label == "Month 1 with routing")
    lines = _lines(at)
    assert month_1.value == usd(lines[WITH]["y"][0])  # at 2,000,000 queries a day
    warning = next(w.value for w in at.warning if w.value.startswith("**The figures above are the clean run"))
    assert (
        "Under the failure (overconfident cascade scorer at 100%)" in warning and "The saving is not a gain" in warning
    )
    # the story's money is at 2,000,000 a day too: the bill falls by month 1's difference, not the scenario's
    assert "the bill falls " in warning and "a month" in warning
    saved = warning.split("the bill falls ")[1].split(" a month")[0]
    injected_month_1 = warning.split("Month 1 with routing under the failures: ")[1].split(" ")[0]
    dollars = lambda text: float(text.strip("$.").replace(",", ""))  # noqa: E731
    assert dollars(saved) == pytest.approx(lines[WITH]["y"][0] - dollars(injected_month_1), abs=1.0)
    assumptions = at.dataframe[-1].value.set_index("assumption")
    assert assumptions.loc["failure modes", "value"] == "overconfident cascade scorer at 100%"
    assert assumptions.loc["traffic", "value"].startswith("2,000,000 queries per day")
