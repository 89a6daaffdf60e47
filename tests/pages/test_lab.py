"""Lab page: live KPI cards and charts that move the way a threshold, a calibration or a failure says they should."""

from __future__ import annotations

import pytest

from tests.pages.conftest import (
    assert_clean,
    cards,
    figures,
    go,
    open_app,
    operating_points,
    threshold_sliders,
    traces,
    widget,
)

STRONG = "gpt-4o"
CHARTS = {
    "Routing split per model",
    "Routing split per category",
    "Quality served vs the baselines",
    "Cost-quality frontier",
    "Threshold sweep: quality retained and savings",
}


def _strong_share(at) -> float:
    return traces(figures(at)["Routing split per model"])[STRONG]["x"][0]


def _monthly(at) -> float:
    return next(f for t, f in figures(at).items() if t.startswith("Projected monthly cost"))["data"][0]["x"][0]


@pytest.fixture(scope="module")
def lab():
    at = open_app()
    assert_clean(at)
    return at


def test_the_lab_opens_on_the_default_scenario_with_every_chart_and_card(lab):
    assert lab.title[0].value.startswith("Customer-support")
    assert set(figures(lab)) >= CHARTS
    assert [c["label"] for c in cards(lab)] == [
        "Quality vs always-strongest",
        "Savings",
        "Monthly cost",
        "Strong share",
        "p95 latency",
    ]
    assert all(c["interval"].startswith("95%: ") and c["help"] for c in cards(lab))
    assert (
        lab.info and "Simulated signal" in lab.info[0].value and "auroc" in lab.info[0].value
    )  # cascade is simulated, knobs shown


def test_raising_the_threshold_sends_fewer_queries_to_the_strong_model_and_costs_less():
    at = open_app()
    slider = threshold_sliders(at)[0]
    before_share, before_cost = _strong_share(at), _monthly(at)
    point_before = operating_points(figures(at)["Cost-quality frontier"])[0]
    slider.set_value(min(slider.value + 0.2, 1.0)).run()
    assert_clean(at)
    assert _strong_share(at) < before_share
    assert _monthly(at) < before_cost
    assert operating_points(figures(at)["Cost-quality frontier"])[0][0] < point_before[0]  # cheaper
    assert at.query_params["t"] == [f"{slider.value:.6g}"] or at.query_params["t"] == f"{slider.value:.6g}"


def test_calibrating_to_a_share_of_strong_calls_reports_the_share_achieved():
    at = open_app()
    widget(at.number_input, "Calibrate to % strong calls").set_value(40).run()
    widget(at.button, "Calibrate").click().run()
    assert_clean(at)
    caption = [c.value for c in at.caption if c.value.startswith("Target 40%")]
    assert caption, "the achieved share is shown beside the target"
    achieved = float(caption[0].split("achieved ")[1].rstrip("%.")) / 100
    assert abs(achieved - 0.40) < 0.02
    assert _strong_share(at) == pytest.approx(achieved * 100, abs=0.01)


def test_a_failure_overlays_an_injected_run_on_every_chart():
    at = open_app({"strategy": "cascade"})
    toggles = [t for t in at.toggle if t.label == "Overconfident cascade scorer"]
    assert toggles, "the failure modes that apply to the strategy are listed"
    clean_share = _strong_share(at)
    toggles[0].set_value(True).run()
    assert_clean(at)
    figs = figures(at)
    split = traces(figs["Routing split per model"])[STRONG]
    assert len(split["x"]) == 2 and split["x"][1] < clean_share  # an overconfident scorer escalates less
    assert len(figs["Quality served vs the baselines"]["data"][0]["y"]) == 5
    assert any("with failures" in name for name in traces(figs["Cost-quality frontier"]))
    assert len(figs["Routing split per category"]["data"]) == 4
    sweep = figs["Threshold sweep: quality retained and savings"]
    # an overconfident scorer keeps the ranking: its sweep is the clean one, said in the chart rather than drawn twice
    assert any("the same curve as clean" in a["text"] for a in sweep["layout"]["annotations"])
    assert len(sweep["layout"]["shapes"]) == 2  # the operating point with failures is marked
    assert "fail" in at.query_params


def test_a_noisy_judge_retunes_the_injected_run_and_true_quality_falls():
    at = open_app({"strategy": "cascade", "fail": "noisy-judge:0.8"})
    assert_clean(at)
    quality = figures(at)["Quality served vs the baselines"]["data"][0]
    served = {
        label.rsplit("<br>", 1)[0].replace("<br>", " "): value for label, value in zip(quality["y"], quality["x"])
    }
    clean = next(v for k, v in served.items() if k.startswith("cascade @") and "with failures" not in k)
    injected_label, injected = next((k, v) for k, v in served.items() if "with failures" in k)
    assert injected < clean - 0.01  # the judge's lenient verdicts let the team escalate less than it thinks
    assert injected_label.split(" (")[0] != next(
        k for k in served if k.startswith("cascade @") and "with failures" not in k
    )
    assert any(c.value.startswith("tuned on the judge") for c in at.caption)
    assert any(c.value.startswith("noisy judge:") for c in at.caption)  # what the failure did, in words
    assert _strong_share(at) > traces(figures(at)["Routing split per model"])[STRONG]["x"][1]


def test_failure_modes_shown_are_only_those_that_apply_to_the_strategy():
    at = open_app({"strategy": "length"})
    labels = {t.label for t in at.toggle}
    assert "Overconfident cascade scorer" not in labels
    assert "Prompt padding fools the length router" in labels


def test_the_url_reproduces_a_view_and_bad_parameters_are_reported():
    at = open_app({"strategy": "length", "t": "0.9"})
    assert_clean(at)
    assert widget(at.selectbox, "Strategy").value == "length"
    assert threshold_sliders(at)[0].value == pytest.approx(0.9)
    bad = open_app({"t": "7", "n": "lots"})
    warnings = [w.value for w in bad.warning]
    assert len(warnings) == 2 and all("ignored" in w for w in warnings)
    assert not bad.exception


def test_an_unknown_scenario_in_the_url_falls_back_with_a_warning():
    at = open_app({"scenario": "no-such-scenario"})
    assert not at.exception
    assert at.title[0].value.startswith("Customer-support")
    assert any("no-such-scenario" in w.value and "built-in" in w.value for w in at.warning)


def test_a_missing_data_directory_is_a_message_not_a_traceback(tmp_path, fresh_env):
    fresh_env.setenv("ROUTING_LAB_DATA", str(tmp_path))
    fresh_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    at = open_app({"scenario": "routellm-mmlu"})
    assert not at.exception
    assert at.error and "routellm" in at.error[0].value.lower()


def test_missing_data_is_offered_for_download_and_offline_is_said_plainly(tmp_path, fresh_env):
    import urllib.error

    import lab.sources.datadir

    fresh_env.setenv("ROUTING_LAB_DATA", str(tmp_path))
    fresh_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def offline(url: str) -> bytes:
        raise urllib.error.URLError("no route to host")

    fresh_env.setattr(lab.sources.datadir, "_fetch_url", offline)  # no network in tests: the machine is offline
    at = open_app({"scenario": "routellm-mmlu"})
    assert any("13 MB" in i.value and "sha256" in i.value for i in at.info)
    widget(at.button, "Download the public data").click().run()
    assert not at.exception
    assert any("offline" in e.value and "cannot reach" in e.value for e in at.error)
    assert not list(tmp_path.rglob("*.csv"))


def test_a_download_lands_the_files_and_opens_the_scenario(tmp_path, fresh_env, data_dir):
    import lab.sources.datadir

    fresh_env.setenv("ROUTING_LAB_DATA", str(tmp_path))
    fresh_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    by_url = {
        lab.sources.datadir.upstream_of(path).url(path): data_dir / path for path in lab.sources.datadir.manifest()
    }
    fresh_env.setattr(
        lab.sources.datadir, "_fetch_url", lambda url: by_url[url].read_bytes()
    )  # upstream, served locally
    at = open_app({"scenario": "routellm-gsm8k"})
    assert at.error
    widget(at.button, "Download the public data").click().run()
    assert not at.exception and not at.error
    assert (tmp_path / "routellm").is_dir()
    assert at.get("plotly_chart")


def test_a_failure_s_story_is_told_under_its_cards_with_the_remedy_and_no_green_saving():
    at = open_app({"strategy": "cascade", "fail": "overconfident-scorer:1"})
    assert_clean(at)
    story = [
        w.value for w in at.warning if w.value.startswith("Under the failure (overconfident cascade scorer at 100%)")
    ]
    assert story and "The saving is not a gain" in story[0]
    injected = {card["label"]: card for card in cards(at)[5:]}
    assert injected["Savings"]["tone"] == "off" and injected["Monthly cost"]["tone"] == "off"  # grey: not good news
    assert injected["Quality vs always-strongest"]["tone"] == "bad" and injected["Quality vs always-strongest"][
        "delta"
    ].startswith("-")
    assert any(i.value.startswith("**Remedy: recalibrate the scorer.**") for i in at.info)
    frontier = figures(at)["Cost-quality frontier"]
    assert "cascade (with failures)" not in traces(frontier)  # the same curve as the clean one: said, not drawn
    assert "the same curve as clean" in frontier["layout"]["legend"]["title"]["text"]


def test_the_failure_gallery_opens_on_the_failure_and_severity_the_lab_has_on():
    at = open_app({"strategy": "cascade", "fail": "underconfident-scorer:0.35"})
    go(at, "failure_gallery")
    assert_clean(at)
    assert widget(at.selectbox, "Failure").value == "underconfident-scorer"
    assert widget(at.slider, "Severity (0 = clean)").value == pytest.approx(0.35)
    assert any(h.value == "Underconfident cascade scorer" for h in at.header)
    assert any("Opened at the Lab's severity, 0.35" in c.value for c in at.caption)


def test_the_failure_gallery_does_not_colour_a_failure_s_lower_bill_as_good_news():
    at = open_app({"strategy": "cascade", "fail": "overconfident-scorer:1"})
    go(at, "failure_gallery")
    cost = widget(at.metric, "Cost per 1,000 queries")
    assert cost.delta.startswith("-") and cost.proto.color == 2  # Metric.MetricColor.GRAY
