"""One call through litellm against the loopback server: who retries, what the budget counts, what ends a run."""

import asyncio

import numpy as np
import pytest

from devkit.openai_server import default_responder
from lab.live.budget import Budget
from lab.live.client import BudgetRefused, CallContext, CallSpec, EndpointFailure, send
from lab.live.credentials import Credentials
from lab.live.estimate import message_tokens, worst_case_usd
from tests.lab.live.conftest import make_plan


def _call(server, plan, budget=None, messages=None, model_index=0, logprobs=True, role="answer"):
    model = plan.models[model_index]
    messages = messages or [{"role": "user", "content": "What is 2 + 3?"}]
    s = plan.settings
    spec = CallSpec(
        query_id="q1",
        role=role,
        model=model.key,
        messages=messages,
        max_tokens=s.max_tokens,
        logprobs=logprobs,
        worst_case_usd=worst_case_usd(model, message_tokens(messages, model.key), s.max_tokens, s.prompt_token_margin),
    )
    budget = budget or Budget(s.budget_usd)
    ctx = CallContext(
        settings=s,
        budget=budget,
        credentials=Credentials(),
        slots={m.key: asyncio.Semaphore(s.concurrency) for m in plan.models},
        rng=np.random.default_rng(0),
    )

    async def go():
        return await send(spec, model, ctx)

    return asyncio.run(go()), ctx, budget, spec


def test_a_call_returns_the_answer_usage_logprobs_and_the_cost_at_the_stated_price(loopback):
    server = loopback(logprobs_models={"cheap"})
    record, ctx, budget, spec = _call(server, make_plan(server))
    assert record.status == "ok"
    assert record.text == default_responder("cheap", [{"role": "user", "content": "What is 2 + 3?"}])
    assert record.usage_reported and record.completion_tokens > 0
    assert record.token_logprobs is not None and len(record.token_logprobs) == record.completion_tokens
    assert record.cost_usd == pytest.approx(record.prompt_tokens * 1e-6 + record.completion_tokens * 2e-6)
    assert budget.spent_usd == pytest.approx(server.log.spend_usd, abs=1e-9)
    assert budget.reserved_usd == 0
    assert spec.worst_case_usd >= record.cost_usd


def test_no_logprobs_where_the_endpoint_returns_none(loopback):
    server = loopback(logprobs_models=set())
    record, *_ = _call(server, make_plan(server))
    assert record.status == "ok" and record.token_logprobs is None


def test_429_is_retried_after_its_retry_after_and_the_sdk_adds_no_retries_of_its_own(loopback):
    server = loopback(schedule=["429", "429"], retry_after_s=0.3)
    record, ctx, budget, _ = _call(server, make_plan(server, max_attempts=4))
    assert record.status == "ok" and record.attempts == 3
    times = [r["t"] for r in server.log.requests]
    assert len(times) == 3  # one HTTP request per attempt: neither litellm nor the openai SDK retried on its own
    assert min(np.diff(times)) >= 0.3  # Retry-After honoured (a lower bound, not a speed measurement)
    assert ctx.failures == {"rate_limited": 2}
    assert budget.unknown_usd == 0  # a 429 is not billed: its reservation was released
    assert budget.spent_usd == pytest.approx(server.log.spend_usd, abs=1e-9)


@pytest.mark.parametrize("fault", ["500", "malformed", "cutoff", "no_usage", "timeout"])
def test_transient_faults_are_retried_and_counted_at_worst_case_when_they_may_have_been_billed(loopback, fault):
    server = loopback(schedule=[fault], timeout_delay_s=1.0)
    plan = make_plan(server, timeout_s=0.4, max_attempts=3)
    record, ctx, budget, spec = _call(server, plan)
    assert len(server.log.requests) == (2 if fault != "no_usage" else 1)
    assert record.status == "ok"
    if fault == "no_usage":  # answered, but the bill is unknown: the worst case stands
        assert not record.usage_reported and record.cost_usd == pytest.approx(spec.worst_case_usd, rel=1e-6)
    else:
        assert record.attempts == 2
    if fault == "500":
        assert budget.unknown_usd == pytest.approx(spec.worst_case_usd, rel=1e-6)  # a 5xx may have been billed
    assert server.log.spend_usd <= budget.spent_usd + 1e-12


def test_a_call_gives_up_after_max_attempts_with_the_error_recorded(loopback):
    server = loopback(schedule=["500"] * 5)
    record, ctx, budget, _ = _call(server, make_plan(server, max_attempts=2))
    assert record.status == "failed" and record.error_kind == "server_error" and record.attempts == 2
    assert len(server.log.requests) == 2


def test_a_400_is_not_retried(loopback):
    server = loopback(schedule=["400"])
    record, ctx, budget, _ = _call(server, make_plan(server))
    assert record.status == "failed" and record.error_kind == "rejected"
    assert len(server.log.requests) == 1
    assert budget.spent_usd == 0


def test_a_refused_key_ends_the_run_without_showing_the_key(loopback):
    server = loopback(schedule=["401"])
    plan = make_plan(server)
    model = plan.models[0]
    ctx = CallContext(
        settings=plan.settings,
        budget=Budget(1.0),
        credentials=Credentials(default="sk-canary-0123456789"),
        slots={model.key: asyncio.Semaphore(1)},
        rng=np.random.default_rng(0),
    )
    spec = CallSpec(
        query_id="q",
        role="answer",
        model=model.key,
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=5,
        worst_case_usd=0.001,
    )
    with pytest.raises(EndpointFailure) as caught:
        asyncio.run(send(spec, model, ctx))
    assert caught.value.kind == "auth"
    assert "sk-canary-0123456789" in server.log.requests[0]["headers"]["authorization"]  # it was sent...
    assert "sk-canary-0123456789" not in str(caught.value)  # ...and never shown
    assert "127.0.0.1" in str(caught.value)


def test_an_unreachable_endpoint_names_its_host_after_the_retries_and_costs_nothing(loopback):
    server = loopback()
    server.stop()
    plan = make_plan(server, max_attempts=3)
    with pytest.raises(EndpointFailure) as caught:
        _call(server, plan)
    assert f"127.0.0.1:{server.port}" in str(caught.value)
    assert "after 3 attempt" in str(caught.value)


def test_a_call_whose_worst_case_does_not_fit_is_not_sent(loopback):
    server = loopback()
    plan = make_plan(server)
    with pytest.raises(BudgetRefused):
        _call(server, plan, budget=Budget(1e-7))
    assert server.log.requests == []
