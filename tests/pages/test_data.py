"""Data page: uploads are validated with one clear message, a good log becomes the scenario; built-ins are browsable."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES
from tests.pages.conftest import assert_clean, open_app, widget


def _log(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "text": [f"question {i} about {'refunds' if i % 3 else 'a multi-step proof'}" for i in range(n)],
            "category": np.where(np.arange(n) % 3, "simple", "hard"),
            "quality:gpt-4o-mini": rng.random(n) < 0.6,
            "quality:gpt-4o": rng.random(n) < 0.85,
        }
    )


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


BAD_UPLOADS = {
    "wrong columns": ("log.csv", b"question,answer\nhi,there\n"),
    "wrong types": ("log.csv", _csv(_log().assign(**{"quality:gpt-4o": "maybe"}))),
    "NaN quality": ("log.csv", _csv(_log().assign(**{"quality:gpt-4o": np.nan}))),
    "negative tokens": ("log.csv", _csv(_log().assign(prompt_tokens=-5))),
    "binary file": ("log.csv", bytes(range(256)) * 40),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_gets_one_clear_message_and_the_scenario_stays(case):
    at = open_app(page="data")
    name, data = BAD_UPLOADS[case]
    at.get("file_uploader")[0].upload(name, data, "text/csv").run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Upload refused: ") and "log.csv" in message and "\n" not in message
    assert "stays loaded" in message
    assert at.session_state["lab_config"].scenario == "customer-support"


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(monkeypatch):
    import lab.sources.outcome_log

    monkeypatch.setattr(
        lab.sources.outcome_log, "MAX_OUTCOME_LOG_BYTES", 1_000
    )  # the page reads the limit on every run

    at = open_app(page="data")
    at.get("file_uploader")[0].upload("big.csv", _csv(_log(500)), "text/csv").run()
    assert not at.exception
    assert at.error and "above the limit" in at.error[0].value and "MB" in at.error[0].value
    assert MAX_OUTCOME_LOG_BYTES >= 100_000_000


def test_a_good_upload_becomes_the_scenario_on_every_page():
    at = open_app(page="data")
    frame = _log()
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    at.get("file_uploader")[0].upload("log.parquet", buffer.getvalue(), "application/octet-stream").run()
    assert_clean(at)
    assert at.success and "200 queries, 2 models" in at.success[0].value
    widget(at.button, "Use this log as the scenario").click().run()
    assert_clean(at)
    assert at.session_state["lab_config"].scenario == "upload:log.parquet"
    assert at.title[0].value == "Uploaded log: log.parquet"
    assert at.get("plotly_chart")


def test_browsing_a_built_in_scenario_shows_its_models_and_queries():
    at = open_app(page="data")
    widget(at.selectbox, "Scenario to browse").set_value("mixed-production").run()
    assert_clean(at)
    models = at.dataframe[0].value
    assert list(models["model"]) == ["gpt-5-nano", "gpt-5-mini", "gpt-5"]
    widget(at.toggle, "Show its queries").set_value(True).run()
    assert_clean(at)
    queries = at.dataframe[-1].value
    assert len(queries) == 300 and "quality:gpt-5" in queries.columns


def test_a_routerbench_file_is_detected_said_and_becomes_the_scenario():
    from tests.lab.sources.test_replay_routerbench import MODELS, _wide

    at = open_app(page="data")
    at.get("file_uploader")[0].upload("routerbench.csv", _wide(60).to_csv().encode(), "text/csv").run()  # with index
    assert_clean(at)
    message = at.success[0].value
    assert "RouterBench wide format" in message and "detected" in message and "60 queries, 3 models" in message
    widget(at.button, "Use this log as the scenario").click().run()
    assert_clean(at)
    assert at.session_state["lab_config"].scenario == "upload:routerbench.csv"
    assert at.get("plotly_chart") and at.title[0].value == "Uploaded log: routerbench.csv"
    assert at.session_state["lab_context"].experiment.model_names == tuple(MODELS)


def test_a_chosen_format_is_used_and_said():
    at = open_app(page="data")
    widget(at.selectbox, "Format").set_value("outcomes").run()
    at.get("file_uploader")[0].upload("log.csv", _csv(_log()), "text/csv").run()
    assert_clean(at)
    assert "outcome format (chosen)" in at.success[0].value


def test_a_later_good_upload_clears_the_earlier_error():
    at = open_app(page="data")
    at.get("file_uploader")[0].upload("log.csv", b"question,answer\nhi,there\n", "text/csv").run()
    assert len(at.error) == 1 and "no format the lab reads" in at.error[0].value
    at.get("file_uploader")[0].upload("log.csv", _csv(_log()), "text/csv").run()
    assert_clean(at)
    assert at.success
