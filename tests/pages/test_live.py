"""Live page: estimate before sending, a run against the loopback server with progress, the finished run opens
in the Lab; a key typed into the page reaches the endpoint and nowhere else (files, URL, downloads, the page)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from devkit.openai_server import LoopbackOpenAI
from tests.lab.live.conftest import PRICES
from tests.pages.conftest import assert_clean, open_app, widget

CANARY = "sk-canary-page-5e8d1f3a9b7c"
LIVE_PAGE = "../../pages/live.py"


@pytest.fixture
def server():
    s = LoopbackOpenAI(PRICES, latency_ms=5).start()
    yield s
    s.stop()


def _fill(at, server: LoopbackOpenAI, budget: float = 1.0, key: str | None = CANARY):
    at.text_input(key="live/live_models").set_value("openai/cheap, openai/strong")
    at.text_input(key="live/live_api_base").set_value(server.base_url)
    at.text_area(key="live/live_prices").set_value(
        "\n".join(f"openai/{m}={p_in * 1e6:g}/{p_out * 1e6:g}" for m, (p_in, p_out) in PRICES.items())
    )
    at.text_input(key="live/live_judge").set_value("openai/judge")
    at.radio(key="live/live_kind").set_value("A prompts file")
    at.run()
    csv = "id,text,reference\n" + "".join(f"p{i},What is {i} + {i}?,{2 * i if i % 2 else ''}\n" for i in range(6))
    at.get("file_uploader")[0].upload("prompts.csv", csv.encode(), "text/csv")
    at.number_input(key="live/live_sample").set_value(5)
    at.number_input(key="live/live_budget").set_value(budget)
    if key is not None:
        at.text_input(key="live/live_key").set_value(key)
    return at.run()


def _page_text(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "error", "info", "success") for e in at.get(kind))


class _KeptMedia(MemoryMediaFileStorage):
    """The session's media store, keeping every file handed to the browser (downloads) for the test to read."""

    kept: ClassVar[list[bytes]] = []  # set afresh per test (monkeypatch)

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        """Store the file as Streamlit does, and keep its bytes."""
        _KeptMedia.kept.append(path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes())
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


def test_a_live_run_from_the_page_opens_in_the_lab_and_the_key_goes_nowhere_else(server, monkeypatch):
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _KeptMedia)
    monkeypatch.setattr(_KeptMedia, "kept", [])
    at = open_app()
    at.switch_page(LIVE_PAGE).run()
    _fill(at, server)
    assert not at.exception and not at.error
    assert any("worst case" in str(m.value) for m in at.markdown)  # the estimate, before anything is sent
    assert server.log.requests == []
    at.button(key="live/live_send").click().run()
    run = at.session_state["lab_live_run"]
    assert run.wait(60)
    at.run()
    assert not at.exception
    text = _page_text(at)
    assert "finished: 5 of 5 queries written" in text and "judge $" in text
    downloads = [b for b in at.get("download_button")]
    assert downloads
    folder = Path(at.session_state["lab_live_dir"])
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".jsonl"}

    # the key reached the endpoint, and nowhere else
    assert all(CANARY in r["headers"]["authorization"] for r in server.log.requests)
    for path in files:
        assert CANARY.encode() not in path.read_bytes()
    assert CANARY not in text
    assert all(CANARY not in str(v) for v in at.query_params.values())
    assert all(CANARY not in str(d.proto) for d in downloads)
    log_bytes = next(p for p in files if not p.name.endswith(".calls.jsonl")).read_bytes()
    assert log_bytes in _KeptMedia.kept  # the download is the log itself, read back as the browser gets it
    assert all(CANARY.encode() not in data for data in _KeptMedia.kept)

    at.button(key="live/live_open").click().run()
    assert not at.exception
    config = at.session_state["lab_config"]
    assert config.scenario.startswith("upload:live-")
    upload = at.session_state["lab_uploads"][config.scenario.removeprefix("upload:")]
    assert upload["queries"].recorded is not None
    assert upload["queries"].n_queries == 5
    assert all(CANARY not in str(v) for v in at.query_params.values())


def test_the_stop_button_stops_a_run_and_keeps_what_finished(server):
    server.latency_ms = 150
    at = open_app()
    at.switch_page(LIVE_PAGE).run()
    _fill(at, server, key=None)
    at.number_input(key="live/live_concurrency").set_value(1)
    at.run()
    at.button(key="live/live_send").click().run()
    run = at.session_state["lab_live_run"]
    deadline = time.monotonic() + 30
    while run.runner.progress().calls_done < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    at.button(key="live/live_stop").click().run()
    assert run.wait(60)
    at.run()
    assert run.summary.stop_reason == "stopped"
    assert run.summary.rows_written < 5
    assert "stopped on request" in _page_text(at)


def test_bad_input_on_the_page_is_one_message_and_nothing_is_sent(server):
    at = open_app()
    at.switch_page(LIVE_PAGE).run()
    _fill(at, server)
    at.text_input(key="live/live_models").set_value("openai/cheap, gpt-4o-mni").run()
    assert len(at.error) == 1 and "gpt-4o-mini" in at.error[0].value
    at.text_input(key="live/live_models").set_value("openai/cheap, openai/strong")
    at.number_input(key="live/live_budget").set_value(0.0).run()
    assert len(at.error) == 1 and "budget" in at.error[0].value
    assert server.log.requests == []
    assert not at.exception


def test_a_live_log_uploaded_on_the_data_page_replays_with_its_recorded_signals(server, tmp_path):
    from lab.live.runner import run_live
    from tests.lab.live.conftest import arithmetic_queries, make_plan

    log = tmp_path / "run.jsonl"
    summary = run_live(make_plan(server), arithmetic_queries(8), log)
    assert summary.rows_in_log == 8
    at = open_app(page="data")
    at.get("file_uploader")[0].upload("run.jsonl", log.read_bytes(), "application/jsonl").run()
    assert_clean(at)
    assert at.success and "8 queries, 2 models" in at.success[0].value
    widget(at.button, "Use this log as the scenario").click().run()
    assert_clean(at)
    assert at.session_state["lab_config"].scenario == "upload:run.jsonl"
    assert at.session_state["lab_uploads"]["run.jsonl"]["queries"].recorded is not None
    assert at.session_state["lab_config"].strategy == "cascade"  # the Lab opens on the cascade, with its own signal
    assert not any("Simulated signal" in str(box.value) for box in at.info)
    assert any("confidences recorded in a live run" in str(c.value) for c in at.caption)  # the sidebar says which


def test_the_queries_default_to_the_sidebars_scenario():
    at = open_app({"scenario": "coding-assistant"})
    at.switch_page(LIVE_PAGE).run()
    assert not at.exception
    assert at.selectbox(key="live/live_scenario").value == "coding-assistant"
    assert any("worst case" in str(m.value) for m in at.markdown)  # its sample is priced before anything is sent
