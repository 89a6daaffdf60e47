"""Queries page: decisions with reasons, filters by category and misroute, and the prompt probe."""

from __future__ import annotations

from tests.pages.conftest import assert_clean, open_app, widget


def test_filters_narrow_the_decisions_the_way_they_say():
    at = open_app(page="queries")
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == 300 and table["reason"].str.contains("->").all()
    widget(at.selectbox, "Misroutes").set_value("under").run()
    under = at.dataframe[0].value
    assert len(under) > 0 and (under["misroute"] == "under").all()
    # lost quality: the model served failed (synthetic outcomes are 0/1) where the oracle's model did not
    assert (under["quality_served"] == 0).all() and (under["served"] != under["cheapest_best"]).all()
    widget(at.multiselect, "Categories").set_value(["small talk"]).run()
    assert_clean(at)
    narrowed = at.dataframe[0].value
    assert (narrowed["category"] == "small talk").all() and len(narrowed) < len(under)
    widget(at.selectbox, "Misroutes").set_value("over").run()
    over = at.dataframe[0].value
    assert (over["misroute"] == "over").all() and (over["served"] != over["cheapest_best"]).all()


def test_typing_a_prompt_shows_every_strategys_score_and_route():
    at = open_app(page="queries")
    widget(at.text_area, "Prompt").input(
        "Our enterprise contract conflicts with the refund policy in three places; "
        "draft the escalation and compute what we owe."
    ).run()
    assert_clean(at)
    probe = at.dataframe[1].value.set_index("strategy")
    assert probe.loc["length", "route"] in ("gpt-4o-mini", "gpt-4o")
    assert 0 <= probe.loc["classifier", "score"] <= 1
    assert "simulated" in probe.loc["cascade", "note"]
