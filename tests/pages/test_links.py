"""Links keep the view: every page writes the whole configuration to the URL on every run (a move through the
navigation opens a bare path), and a link to a log uploaded in another session says so and offers the upload."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.present.urlstate import from_query_params
from tests.pages.conftest import assert_clean, go, open_app, widget

LINK = {"strategy": "length", "t": "0.4", "qpd": "2000000", "fail": "prompt-padding:0.5"}


def _config_of_url(at):
    """The configuration the session's address bar describes (AppTest keeps one value as a str, several as a list)."""
    params = {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}
    config, problems = from_query_params(params)
    assert problems == []
    return config


def test_every_page_writes_the_whole_configuration_to_the_url():
    at = open_app(LINK)
    expected = at.session_state["lab_config"]
    assert expected.strategy == "length" and expected.queries_per_day == 2_000_000
    for page in ("compare", "queries", "cost_projection", "failure_gallery", "data", "lab"):
        at.query_params.clear()  # what the sidebar navigation does to the address bar
        go(at, page)
        assert_clean(at)
        url = _config_of_url(at)
        assert url.strategy == "length" and url.thresholds == (0.4,), page
        assert url.queries_per_day == 2_000_000 and url.failures == {"prompt-padding": 0.5}, page


def test_the_failure_gallery_and_the_browsed_scenario_are_in_the_url():
    at = open_app({"gallery": "noisy-judge", "gsev": "0.7", "browse": "mixed-production"}, page="failure_gallery")
    assert_clean(at)
    assert widget(at.selectbox, "Failure").value == "noisy-judge"
    assert widget(at.slider, "Severity (0 = clean)").value == 0.7
    go(at, "data")
    assert widget(at.selectbox, "Scenario to browse").value == "mixed-production"
    config = _config_of_url(at)
    assert (config.gallery_failure, config.gallery_severity, config.browse) == ("noisy-judge", 0.7, "mixed-production")


def _log(n: int = 200) -> bytes:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "text": [f"question {i}" for i in range(n)],
            "quality:gpt-4o-mini": rng.random(n) < 0.6,
            "quality:gpt-4o": rng.random(n) < 0.85,
        }
    )
    return frame.to_csv(index=False).encode()


def test_a_link_to_an_upload_from_another_session_says_so_offers_it_and_keeps_the_view():
    at = open_app({"scenario": "upload:shared.csv", **LINK}, page="cost_projection")
    assert not at.exception
    assert any("shared.csv" in box.value and "Data page" in box.value for box in at.info)
    assert at.title == [] or at.title[0].value != "Cost projection"  # the page waits for the log
    url = _config_of_url(at)
    assert url.scenario == "upload:shared.csv" and url.strategy == "length" and url.queries_per_day == 2_000_000
    go(at, "data")
    at.get("file_uploader")[0].upload("shared.csv", _log(), "text/csv").run()
    assert_clean(at)
    widget(at.button, "Use this log as the scenario").click().run()
    assert_clean(at)
    config = at.session_state["lab_config"]
    assert config.scenario == "upload:shared.csv"
    assert config.strategy == "length" and config.thresholds == (0.4,) and config.queries_per_day == 2_000_000
    assert at.title[0].value == "Cost projection"  # back on the page the link opened
    assert widget(at.number_input, "Queries per day").value == 2_000_000
