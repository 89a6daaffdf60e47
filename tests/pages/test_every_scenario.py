"""Every page runs without an exception for every built-in scenario and every strategy."""

from __future__ import annotations

import pytest

from lab.core.scenario import ReplaySource, builtin_scenarios, load_scenario
from tests.pages.conftest import assert_clean, figures, go, open_app, widget

LAB_CHARTS = 6


@pytest.mark.parametrize("name", list(builtin_scenarios()))
def test_every_page_and_strategy_runs(name, request, monkeypatch):
    if isinstance(load_scenario(name).source, ReplaySource):
        monkeypatch.setenv("ROUTING_LAB_DATA", str(request.getfixturevalue("data_dir")))
    at = open_app({"scenario": name})
    assert_clean(at)
    strategies = list(widget(at.selectbox, "Strategy").options)
    assert {"random", "oracle", "length", "classifier", "llm-router", "cascade"} <= set(strategies)
    for strategy in strategies:
        go(at, "lab")
        widget(at.selectbox, "Strategy").set_value(strategy).run()
        assert_clean(at)
        assert len(figures(at)) == LAB_CHARTS, strategy
        for page in ("queries", "cost_projection"):
            go(at, page)
            assert_clean(at)
            assert widget(at.selectbox, "Strategy").value == strategy
    go(at, "compare")
    compare = widget(at.multiselect, "Strategies")
    compare.set_value(list(compare.options)).run()
    assert_clean(at)
    assert len(at.dataframe[0].value) == len(compare.options)
    go(at, "data")
    assert_clean(at)
