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


def test_each_strategy_is_read_against_the_best_single_model_and_the_oracle(three_model_experiment):
    from lab.core.experiment import run
    from lab.core.sweep import quality_within_cost

    exp = three_model_experiment
    singles = exp.singles
    assert singles.best_name == "gpt-5-mini"  # neither the cheapest nor the costliest
    oracle = run(exp, signals_for(exp, "oracle"), (0.5, 0.5))[1]
    sweeps = {name: sweep_for(exp, signals_for(exp, name)) for name in ("random", "classifier", "oracle")}
    table = comparison_table(sweeps, exp.baselines, 0.95, singles, oracle).set_index("strategy")
    best_cost = singles.cost_per_query_usd[singles.best]
    for name, sweep in sweeps.items():
        affordable = sweep.cost_per_query_usd <= best_cost
        if affordable.any():
            expected = sweep.quality[affordable].max() - singles.quality[singles.best]
            assert math.isclose(table.loc[name, "vs best single model"], expected)
        else:  # the oracle is one point, dearer than gpt-5-mini: nothing to read at that cost
            assert math.isnan(table.loc[name, "vs best single model"])
        reached = quality_within_cost(sweep, oracle.cost_per_query_usd)
        assert math.isclose(table.loc[name, "gap to oracle"], oracle.quality - reached)
    assert table.loc["random", "vs best single model"] < 0  # random routing never beats the best single model
    assert abs(table.loc["oracle", "gap to oracle"]) < 1e-9
    assert table.loc["classifier", "gap to oracle"] > 0
