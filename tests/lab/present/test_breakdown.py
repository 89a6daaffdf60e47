"""Breakdowns: per-category split, misroutes against the oracle, the decisions table with reasons."""

from __future__ import annotations

import numpy as np

from lab.core.experiment import run, signals_for
from lab.present.breakdown import category_split, decisions_table, misroute_counts, misroutes, select_queries
from tests.lab.factories import make_experiment


def _two_model_case():
    # query 0: both fine -> cheapest is best; 1: only strong -> needs strong; 2: both fail -> cheapest is "best"
    quality = np.array([[1, 1], [0, 1], [0, 0], [1, 1]], dtype=float)
    exp = make_experiment(quality)
    signals = signals_for(exp, "length").replace(score=np.array([0.9, 0.1, 0.8, 0.2]))
    result, _ = run(exp, signals, [0.5])  # tiers: 1, 0, 1, 0
    return exp, signals, result


def test_misroutes_compare_the_served_tier_with_the_cheapest_best_tier():
    exp, _, result = _two_model_case()
    assert list(result.tier) == [1, 0, 1, 0]
    assert list(misroutes(result, exp.queries, exp.calls)) == [1, -1, 1, 0]
    assert misroute_counts(result, exp.queries, exp.calls) == {"under": 1, "over": 2, "right": 1}


def test_misroutes_judge_cost_on_the_query_itself_not_on_list_price_order():
    # model-1 is dearer by mean recorded cost, but answered queries 0 and 2 as well for less
    quality = np.array([[1, 1], [1, 1], [1, 1], [0, 1]], dtype=float)
    recorded = np.array([[5e-4, 2e-4], [1e-4, 9e-4], [4e-4, 3e-4], [1e-4, 9e-4]])
    exp = make_experiment(quality, cost_usd=recorded)
    signals = signals_for(exp, "length").replace(score=np.array([0.1, 0.1, 0.9, 0.1]))
    result, _ = run(exp, signals, [0.5])  # tiers: 0, 0, 1, 0
    # 0: model-0 served, model-1 as good and cheaper on it -> over; 1: right; 2: model-1 cheaper and served -> right;
    # 3: model-0 served, model-1 answered better -> under
    assert list(misroutes(result, exp.queries, exp.calls)) == [1, 0, 0, -1]
    table = decisions_table(signals, result, exp.queries, exp.calls, np.arange(4))
    assert list(table["cheapest_best"]) == ["model-1", "model-0", "model-1", "model-1"]
    assert list(table["misroute"]) == ["over", "right", "right", "under"]


def test_under_means_quality_lost_even_when_a_stronger_model_was_served():
    # three models, the middle one answers best: serving the strongest loses quality (under), not "over"
    exp = make_experiment(np.array([[0, 1, 0], [0, 1, 1]], dtype=float))
    signals = signals_for(exp, "always-strongest")
    result, _ = run(exp, signals, [0.3, 0.6])
    assert list(misroutes(result, exp.queries, exp.calls)) == [-1, 1]


def test_select_queries_filters_by_category_and_misroute():
    exp, _, result = _two_model_case()  # categories a, b, a, b
    assert list(select_queries(result, exp.queries, exp.calls, [], "over")) == [0, 2]
    assert list(select_queries(result, exp.queries, exp.calls, ["b"], "all")) == [1, 3]
    assert list(select_queries(result, exp.queries, exp.calls, ["a"], "under")) == []


def test_category_split_counts_who_served_each_category():
    exp, _, result = _two_model_case()  # categories a, b, a, b; tiers 1, 0, 1, 0
    split = category_split(result, exp.queries)
    assert split.categories == ("a", "b") and split.model_names == ("model-0", "model-1")
    assert split.n_served.tolist() == [[0, 2], [2, 0]]
    assert split.share.tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_category_split_shares_sum_to_one_per_category(default_experiment):
    exp = default_experiment
    result, _ = run(exp, signals_for(exp, "cascade"), [0.5])
    split = category_split(result, exp.queries)
    assert list(split.categories) == sorted(set(exp.queries.category))
    assert np.allclose(split.share.sum(axis=1), 1.0)
    assert split.n_served.sum() == exp.queries.n_queries
    for name in ("small talk", "policy reasoning"):
        row = split.categories.index(name)
        assert split.n_served[row, 1] == int(np.sum((exp.queries.category == name) & (result.tier == 1)))


def test_decisions_table_gives_a_reason_for_every_listed_query():
    exp, signals, result = _two_model_case()
    table = decisions_table(signals, result, exp.queries, exp.calls, np.array([1, 2]))
    assert list(table["misroute"]) == ["under", "over"]
    assert list(table["served"]) == ["model-0", "model-1"]
    assert "0.10" in table["reason"].iloc[0] and "model-0" in table["reason"].iloc[0]
