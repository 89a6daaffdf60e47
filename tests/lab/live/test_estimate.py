"""The estimate before a run: it counts the calls a run makes, and a run never costs more than its worst case."""

from __future__ import annotations

from collections import Counter

import pytest

from lab.live.estimate import estimate_run
from lab.live.runner import run_live
from tests.lab.live.conftest import arithmetic_queries, make_plan
from tests.lab.live.test_runner import _call_key


@pytest.mark.parametrize("logprobs", [True, False], ids=["logprobs", "verbalised"])
def test_a_run_makes_the_counted_calls_and_costs_no_more_than_the_worst_case(loopback, tmp_path, logprobs):
    server = loopback(logprobs_models=None if logprobs else ())
    plan = make_plan(server, max_tokens=64)
    queries = arithmetic_queries(10, with_reference=False)  # every other query goes to the judge
    estimate = estimate_run(plan, queries)
    summary = run_live(plan, queries, tmp_path / "run.jsonl")
    assert summary.stop_reason == "finished" and summary.rows_written == 10

    sent = Counter(_estimate_role(request) for request in server.log.requests)
    counted = {r.role: r.calls for r in estimate.roles}
    for role, calls in counted.items():
        if role.startswith("confidence"):  # at worst every cheaper answer needs one; none when log-probs come back
            assert sent[role] == (0 if logprobs else calls), role
        else:
            assert sent[role] == calls, role
    assert server.log.spend_usd <= estimate.worst_usd
    assert summary.spent_usd <= estimate.worst_usd
    judge_worst = sum(r.worst_usd for r in estimate.roles if r.role.startswith("judge"))
    assert 0 < summary.spent_by_role_usd["judge"] <= judge_worst
    assert all(r.expected_usd <= r.worst_usd for r in estimate.roles)


def test_the_estimate_grows_with_max_tokens_and_the_judge_only_counts_queries_without_a_reference(loopback):
    server = loopback()
    queries = arithmetic_queries(10, with_reference=False)
    short, long = (estimate_run(make_plan(server, max_tokens=k), queries) for k in (64, 512))
    assert long.worst_usd > short.worst_usd
    judged = {r.role: r.calls for r in short.roles if r.role.startswith("judge")}
    assert judged == {"judge on openai/cheap": 5, "judge on openai/strong": 5}
    referenced = estimate_run(make_plan(server), arithmetic_queries(10))
    assert not any(r.role.startswith("judge") for r in referenced.roles)


def _estimate_role(request) -> str:
    """A request the server saw, named as the estimate names its calls."""
    _, role, model, subject = _call_key(request)
    names = {"answer": f"answer {model}", "router": "router", "confidence": f"confidence {subject}"}
    return names.get(role, f"judge on {subject}")
