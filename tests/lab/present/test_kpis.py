"""KPI cards: the five headline figures, each with a 95% interval, and changes against a reference run."""

from __future__ import annotations

import pytest

from lab.core.experiment import run, signals_for
from lab.present.kpis import kpi_cards, wilson_interval


def test_wilson_interval_brackets_the_share_and_narrows_with_n():
    lo, hi = wilson_interval(0.2, 100)
    assert lo < 0.2 < hi
    lo2, hi2 = wilson_interval(0.2, 10_000)
    assert hi2 - lo2 < (hi - lo) / 5
    assert wilson_interval(0.0, 50)[0] == pytest.approx(0.0, abs=1e-12) and wilson_interval(1.0, 50)[
        1
    ] == pytest.approx(1.0)


def test_five_cards_with_intervals_and_deltas(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "cascade")
    _, low = run(exp, signals, [0.3])
    _, high = run(exp, signals, [0.7])
    cards = kpi_cards(high, reference=low)
    assert [c.label for c in cards] == [
        "Quality vs always-strongest",
        "Savings",
        "Monthly cost",
        "Strong share",
        "p95 latency",
    ]
    assert all(c.interval.startswith("95%: ") for c in cards)
    by_label = {c.label: c for c in cards}
    assert by_label["Savings"].delta.startswith("+")  # fewer strong calls: more savings
    assert by_label["Strong share"].delta.startswith("-")
    assert by_label["Monthly cost"].value.startswith("$")
    assert all(c.delta is None for c in kpi_cards(low))
