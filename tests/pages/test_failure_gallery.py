"""The Failure gallery page under AppTest: it runs for the built-in scenarios, every failure can be
picked, and its widgets move the figures' data the way they should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab.failures import list_failures

HARNESS = str(Path(__file__).resolve().parent / "harness_app.py")
GALLERY = "../../pages/failure_gallery.py"  # relative to the harness, which runs app.py
TIMEOUT_S = 120


def _gallery(**params: str) -> AppTest:
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(GALLERY).run()
    _no_errors(at)
    return at


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _figure(at: AppTest, title_part: str) -> dict:
    found = [f for f in _figures(at) if title_part in f["layout"]["title"]["text"]]
    assert found, f"no chart titled '{title_part}': {[f['layout']['title']['text'] for f in _figures(at)]}"
    return found[0]


def _widget(widgets, label_start: str):
    found = [w for w in widgets if w.label.startswith(label_start)]
    assert found, f"no widget labelled '{label_start}...'"
    return found[0]


@pytest.fixture(scope="module")
def gallery() -> AppTest:
    """The gallery on the default scenario at 3,000 queries (one app session for the module)."""
    return _gallery(queries="3000")


def test_gallery_opens_with_every_failure_in_the_overview(gallery):
    assert gallery.title[0].value == "Failure gallery"
    overview = gallery.dataframe[0].value
    assert len(overview) == len(list_failures())
    assert set(overview["failure"]) == {mode.title for mode in list_failures()}
    # the first failure's demonstration: before/after, severity curves, reliability (cascade), monitor
    assert len(_figures(gallery)) >= 4
    assert [t.label for t in gallery.tabs][:3] == ["Recalibration", "Quality-floor monitor", "Per-request cost cap"]


@pytest.mark.parametrize("mode", list_failures(), ids=lambda m: m.name)
def test_every_failure_can_be_picked(gallery, mode):
    _widget(gallery.selectbox, "Failure").set_value(mode.name).run()
    _no_errors(gallery)
    assert mode.title in [h.value for h in gallery.main.header]
    bars = _figure(gallery, "clean vs severity")["data"]
    assert len(bars) == 3 and all(len(trace["y"]) == 2 for trace in bars)
    assert ("Fallback ordering" in [t.label for t in gallery.tabs]) == bool(mode.variants)
    if mode.variants:
        assert len(_figure(gallery, "Fallback orderings")["data"]) == len(mode.variants)


def test_severity_zero_makes_before_and_after_equal_and_severity_moves_them(gallery):
    _widget(gallery.selectbox, "Failure").set_value("overconfident-scorer").run()
    slider = _widget(gallery.slider, "Severity (0")
    slider.set_value(0.0).run()
    _no_errors(gallery)
    quality = _figure(gallery, "clean vs severity")["data"][0]["y"]
    assert quality[0] == quality[1]
    _widget(gallery.slider, "Severity (0").set_value(0.9).run()
    quality_high = _figure(gallery, "clean vs severity")["data"][0]["y"]
    assert quality_high[1] < quality_high[0] == quality[0]


def test_remedy_switch_adds_the_recalibrated_curve(gallery):
    _widget(gallery.selectbox, "Failure").set_value("overconfident-scorer").run()
    _widget(gallery.radio, "Remedy").set_value("none").run()
    _no_errors(gallery)
    names = [t["name"] for t in _figure(gallery, "Reliability")["data"]]
    assert not any(n.startswith("recalibrated") for n in names)
    _widget(gallery.radio, "Remedy").set_value("platt").run()
    names = [t["name"] for t in _figure(gallery, "Reliability")["data"]]
    assert any(n.startswith("recalibrated (platt)") for n in names)
    assert any("+" in m.delta for m in gallery.metric if m.label.startswith("With the remedy"))


def test_cost_cap_input_changes_the_table(gallery):
    _widget(gallery.selectbox, "Failure").set_value("strong-price-change").run()
    cap = _widget(gallery.number_input, "Cap per request")
    tables = lambda: [d.value for d in gallery.dataframe if "requests cut back" in d.value.columns]  # noqa: E731
    before = tables()[0]["requests cut back"].tolist()
    cap.set_value(0.5).run()
    _no_errors(gallery)
    after = tables()[0]["requests cut back"].tolist()
    assert before != after


@pytest.mark.parametrize("scenario", ["coding-assistant", "mixed-production"])
def test_gallery_runs_on_the_other_synthetic_scenarios(scenario):
    at = _gallery(scenario=scenario, queries="2000")
    assert len(at.dataframe[0].value) == len(list_failures())


def test_gallery_runs_on_replayed_data(data_dir, monkeypatch):
    monkeypatch.setenv("ROUTING_LAB_DATA", str(data_dir))
    at = _gallery(scenario="routellm-mt-bench")  # 144 queries: the monitor's window shrinks to fit
    assert len(at.dataframe[0].value) == len(list_failures())
