"""The budget cap under random fault schedules: what the server charged never exceeds the cap.

One loopback server plays a random schedule of faults (429, 500, timeouts, malformed JSON, cut-off
bodies, replies without usage) against runs with random budgets, concurrency, answer limits and
prompt lengths; the server bills every reply it computed, the client never sees most of them.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from devkit.openai_server import FAULTS, LoopbackOpenAI, default_responder
from lab.live.queries import LiveQuery
from lab.live.runner import run_live
from tests.lab.live.conftest import PRICES, make_plan


def _long_answers(model: str, messages: list[dict]) -> str:
    """Answers of 0 to ~150 words (so some hit max_tokens); the lab's other prompts as usual."""
    text = messages[-1]["content"]
    if messages[0]["role"] != "system":
        return default_responder(model, messages)
    words = int(hashlib.sha256((model + text).encode()).hexdigest()[:4], 16) % 150
    return " ".join(["step"] * words) + "\nAnswer: 3"


@pytest.fixture(scope="module")
def server():
    s = LoopbackOpenAI(PRICES, responder=_long_answers, retry_after_s=0.01, timeout_delay_s=0.4).start()
    yield s
    s.stop()


run_shapes = st.fixed_dictionaries(
    {
        "schedule": st.lists(st.sampled_from(FAULTS), max_size=40),
        "budget_usd": st.floats(min_value=5e-4, max_value=0.03),
        "concurrency": st.integers(min_value=1, max_value=6),
        "max_tokens": st.integers(min_value=1, max_value=120),
        "n_queries": st.integers(min_value=1, max_value=12),
        "prompt_words": st.integers(min_value=0, max_value=60),
        "router": st.booleans(),
        "with_reference": st.booleans(),
    }
)


def _check(server: LoopbackOpenAI, shape: dict) -> None:
    server.reset(shape["schedule"])
    plan = make_plan(
        server,
        budget_usd=shape["budget_usd"],
        router=shape["router"],
        concurrency=shape["concurrency"],
        max_tokens=shape["max_tokens"],
        timeout_s=0.2,
        max_attempts=3,
    )
    padding = " please" * shape["prompt_words"]
    queries = [
        LiveQuery(
            id=f"q{i}", text=f"What is {i} + {i}?{padding}", reference=str(2 * i) if shape["with_reference"] else None
        )
        for i in range(shape["n_queries"])
    ]
    with tempfile.TemporaryDirectory() as tmp:
        summary = run_live(plan, queries, Path(tmp) / "run.jsonl")
    cap = shape["budget_usd"]
    event(f"stop: {summary.stop_reason}, {'some' if summary.rows_written else 'no'} rows written")
    event(f"spent {'over' if server.log.spend_usd > cap / 2 else 'under'} half the cap")
    assert server.log.spend_usd <= cap, (server.log.spend_usd, cap, shape)
    assert summary.spent_usd <= cap
    assert server.log.spend_usd <= summary.spent_usd + 1e-12  # what the lab counts is never below the bill
    assert summary.overrun_usd == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=run_shapes)
def test_the_server_never_charges_more_than_the_cap(server, shape):
    _check(server, shape)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=run_shapes)
def test_the_server_never_charges_more_than_the_cap_many_schedules(server, shape):
    _check(server, shape)
