"""Comparison table: the sweep summaries and the savings read at equal quality."""

from __future__ import annotations

import math

from lab.core.experiment import signals_for, sweep_for
from lab.present.strategy_table import comparison_table, savings_at_quality


def test_savings_at_equal_quality_falls_as_the_quality_bar_rises(default_experiment):
    exp = default_experiment
    sweep = sweep_for(exp, signals_for(exp, "classifier"))
    at_90 = savings_at_quality(sweep, exp.baselines, 0.90)
    at_99 = savings_at_quality(sweep, exp.baselines, 0.99)
    assert at_90 is not None and at_99 is not None and at_90 > at_99
    assert savings_at_quality(sweep, exp.baselines, 1.2) is None  # never reached


def test_table_has_a_row_per_strategy_and_oracle_beats_random(default_experiment):
    exp = default_experiment
    sweeps = {name: sweep_for(exp, signals_for(exp, name)) for name in ("random", "length", "oracle")}
    table = comparison_table(sweeps, exp.baselines, 0.95).set_index("strategy")
    assert list(table.index) == ["random", "length", "oracle"]
    assert table.loc["oracle", "savings at equal quality"] > table.loc["random", "savings at equal quality"]
    assert abs(table.loc["random", "APGR"] - 0.5) < 0.05
    assert not math.isnan(table.loc["length", "AIQ"])
