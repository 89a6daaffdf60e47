"""Compare page: frontiers overlaid per chosen strategy and the summary table."""

from __future__ import annotations

from tests.pages.conftest import assert_clean, figures, open_app, traces, widget


def test_frontiers_and_table_follow_the_chosen_strategies():
    at = open_app(page="compare")
    assert_clean(at)
    chosen = widget(at.multiselect, "Strategies").value
    frontier = traces(figures(at)["Cost-quality frontiers"])
    assert set(chosen) <= set(frontier)
    table = at.dataframe[0].value
    assert list(table["strategy"]) == chosen
    assert {"APGR", "CPT(50%)", "CPT(80%)", "AIQ", "savings at equal quality"} <= set(table.columns)
    widget(at.multiselect, "Strategies").set_value(["random", "oracle"]).run()
    assert_clean(at)
    frontier = traces(figures(at)["Cost-quality frontiers"])
    assert "oracle" in frontier and "cascade" not in frontier
    table = at.dataframe[0].value.set_index("strategy")
    assert table.loc["oracle", "APGR"] > table.loc["random", "APGR"]
    assert at.query_params["compare"] in ("random,oracle", ["random,oracle"])


def test_a_higher_quality_bar_lowers_the_savings_at_equal_quality():
    at = open_app({"compare": "classifier"}, page="compare")
    before = at.dataframe[0].value["savings at equal quality"].iloc[0]
    widget(at.slider, "Savings read at quality retained (%)").set_value(99).run()
    assert_clean(at)
    assert at.dataframe[0].value["savings at equal quality"].iloc[0] < before


def test_shares_in_the_table_are_percentages_of_the_sweep_s_fractions():
    at = open_app({"compare": "classifier"}, page="compare")
    shown = at.dataframe[0].value.iloc[0]
    assert 1.0 < shown["CPT(50%)"] < 100.0  # percent, not a fraction
    assert shown["CPT(50%)"] < shown["CPT(80%)"] <= 100.0


def test_with_three_models_each_strategy_is_read_against_the_best_single_model_and_the_oracle():
    at = open_app({"scenario": "mixed-production", "n": "3000", "compare": "random,classifier,oracle"}, page="compare")
    assert_clean(at)
    frontier = traces(figures(at)["Cost-quality frontiers"])
    assert "best single model: always-gpt-5-mini" in frontier
    caption = next(c.value for c in at.caption if c.value.startswith("**Best single model: always-gpt-5-mini**"))
    assert "Here no strategy beats always-gpt-5-mini at its cost" in caption  # the table's column, in words
    table = at.dataframe[0].value.set_index("strategy")
    assert table.loc["random", "vs best single model"] < 0  # points of quality (x 100)
    assert table.loc["oracle", "gap to oracle"] == 0
    assert 0 < table.loc["classifier", "gap to oracle"] < 100
