"""Whole live runs against the loopback server: the log, its replay with recorded signals, resume, stop, budget."""

import asyncio
import json
import re
import threading
from collections import Counter

import numpy as np
import pytest

from devkit.openai_server import default_responder
from lab.core.experiment import build_experiment, signals_for
from lab.core.scenario import parse_scenario
from lab.live.log import journal_path
from lab.live.replies import ROUTER_FALLBACK_RATING
from lab.live.runner import LiveRunner, run_live
from lab.sources.outcome_log import parse_outcome_log
from tests.lab.live.conftest import arithmetic_queries, make_plan


def _rows(path):
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [r for r in lines if "routing_lab_run" not in r], [
        r["routing_lab_run"] for r in lines if "routing_lab_run" in r
    ]


def _requests(server):
    """Per (messages, model): how many HTTP requests the server saw."""
    return Counter((json.dumps(r["body"]["messages"]), r["model"]) for r in server.log.requests)


def _call_key(request):
    """(query id, role, model, subject) of a request the server saw, as the journal names calls."""
    content = request["body"]["messages"][-1]["content"]
    i = int(re.search(r"What is (\d+) \+", content).group(1))
    model = f"openai/{request['model']}"
    if "Rate how much" in content:
        return (f"q{i}", "router", model, None)
    subject = "openai/strong" if "for strong" in content else "openai/cheap"
    if "Grade the answer" in content:
        return (f"q{i}", "judge", model, subject)
    if "How likely" in content:
        return (f"q{i}", "confidence", model, subject)
    return (f"q{i}", "answer", model, None)


def _replay(path, queries=None):
    queries = queries if queries is not None else parse_outcome_log(path.read_bytes(), path.name)
    scenario = parse_scenario(
        "name: live\nseed: 0\nmodels:\n"
        + "".join(
            f"- {{key: {k}, input_usd_per_token: 1.0e-6, output_usd_per_token: 2.0e-6}}\n" for k in queries.model_names
        )
        + f"source: {{kind: replay, format: outcomes, path: {path}}}\n",
        origin="test",
    )
    return queries, build_experiment(scenario, queries)


def test_a_run_writes_one_row_per_query_in_the_outcome_format_and_it_replays_with_recorded_signals(loopback, tmp_path):
    server = loopback(logprobs_models={"cheap"})
    queries = arithmetic_queries(8, with_reference=False)
    out = tmp_path / "run.jsonl"
    summary = run_live(make_plan(server), queries, out)
    assert summary.stop_reason == "finished" and summary.rows_written == 8
    rows, headers = _rows(out)
    assert [r["id"] for r in sorted(rows, key=lambda r: int(r["id"][1:]))] == [q.id for q in queries]
    header = headers[0]
    assert header["kind"] == "run" and header["lab_version"] and header["started_utc"]
    assert {m["endpoint"] for m in header["models"]} == {f"http://127.0.0.1:{server.port}"}
    assert "Rate how much" in header["templates"]["router"]
    row = next(r for r in rows if r["id"] == "q3")
    expected_rating = default_responder("cheap", make_plan(server).templates.router_messages(row["text"]))
    assert row["router_rating"] == int(expected_rating) and row["router_malformed"] is False
    assert row["confidence_method:openai/cheap"] == "logprob" and 0 < row["confidence:openai/cheap"] <= 1
    assert row["grade_method:openai/cheap"] == "numeric"  # odd queries carry a reference
    judged = next(r for r in rows if r["id"] == "q2")
    assert judged["grade_method:openai/cheap"] == "judge"
    assert judged["verdict:openai/cheap"] in ("correct", "incorrect")
    assert row["latency_ms:openai/strong"] > 0 and row["cost_usd:openai/strong"] > 0
    # judge calls are paid and shown apart from the routed calls
    judge_paid = sum(r[f"judge_cost_usd:{m}"] for r in rows for m in ("openai/cheap", "openai/strong"))
    assert summary.spent_by_role_usd["judge"] == pytest.approx(judge_paid, rel=1e-6)
    assert summary.spent_usd == pytest.approx(server.log.spend_usd, abs=1e-9)

    replayed, experiment = _replay(out)
    assert replayed.n_queries == 8 and replayed.model_names == ("openai/cheap", "openai/strong")
    router = signals_for(experiment, "llm-router")
    assert not router.simulated and "recorded" in router.description
    by_id = {r["id"]: r for r in rows}
    ratings = np.array([by_id[str(i)]["router_rating"] for i in replayed.ids])
    assert np.allclose(router.score, ratings / 10 - 0.05)
    cascade = signals_for(experiment, "cascade")
    assert not cascade.simulated and "recorded" in cascade.description and "logprob 8" in cascade.description
    confidence = np.array([by_id[str(i)]["confidence:openai/cheap"] for i in replayed.ids])
    assert np.allclose(cascade.score, 1 - confidence)


def test_verbalised_confidence_where_no_logprobs_come_back(loopback, tmp_path):
    server = loopback(logprobs_models=set())
    out = tmp_path / "run.jsonl"
    summary = run_live(make_plan(server), arithmetic_queries(4), out)
    rows, _ = _rows(out)
    assert summary.confidence_methods == {"verbalised": 4}
    for row in rows:
        assert row["confidence_method:openai/cheap"] == "verbalised"
        assert row["confidence_cost_usd:openai/cheap"] > 0
        asked = make_plan(server).templates.confidence_messages(row["text"], row["answer:openai/cheap"])
        assert row["confidence:openai/cheap"] == int(default_responder("cheap", asked)) / 100


def test_malformed_router_and_judge_replies_take_the_stated_fallback_and_are_counted(loopback, tmp_path):
    def responder(model, messages):
        text = messages[-1]["content"]
        if "Rate how much" in text:
            return "I would say 7" if "1 +" in text or "3 +" in text else "4"
        if "Grade the answer" in text:
            return "Looks CORRECT to me" if "2 +" in text else "CORRECT"
        return default_responder(model, messages)

    server = loopback(responder=responder)
    out = tmp_path / "run.jsonl"
    summary = run_live(make_plan(server), arithmetic_queries(5, with_reference=False), out)
    rows = {r["id"]: r for r in _rows(out)[0]}
    assert summary.router_malformed == 2
    assert rows["q1"]["router_rating"] == ROUTER_FALLBACK_RATING and rows["q1"]["router_malformed"] is True
    assert rows["q0"]["router_rating"] == 4
    assert summary.judge_malformed == 2  # q2 has no reference: both answers judged in prose
    assert rows["q2"]["verdict:openai/cheap"] == "malformed" and rows["q2"]["quality:openai/cheap"] is None
    replayed, _ = _replay(out)
    assert "q2" not in set(replayed.ids.tolist())
    assert any("malformed" in note and "never guessed" in note for note in replayed.notes)


def test_a_rerun_skips_done_rows_and_sends_nothing_twice(loopback, tmp_path):
    server = loopback()
    out = tmp_path / "run.jsonl"
    first = run_live(make_plan(server), arithmetic_queries(4), out)
    second = run_live(make_plan(server), arithmetic_queries(7), out)
    assert first.rows_written == 4
    assert second.skipped_done == 4 and second.rows_written == 3 and second.rows_in_log == 7
    rows, headers = _rows(out)
    assert len(rows) == 7 and len({r["id"] for r in rows}) == 7
    assert [h["kind"] for h in headers] == ["run", "resumed"]
    assert max(_requests(server).values()) == 1


def test_a_rerun_with_other_models_is_refused(loopback, tmp_path):
    server = loopback()
    out = tmp_path / "run.jsonl"
    run_live(make_plan(server), arithmetic_queries(2), out)
    other = make_plan(server)
    other = other.model_copy(update={"models": list(reversed(other.models))})
    with pytest.raises(Exception, match="other models"):
        run_live(other, arithmetic_queries(2), out)


def test_cancelling_keeps_every_finished_call_and_a_rerun_reuses_them(loopback, tmp_path):
    server = loopback(latency_ms=20)
    out = tmp_path / "run.jsonl"
    plan = make_plan(server, concurrency=3)

    async def cancelled_run():
        runner = LiveRunner(plan, arithmetic_queries(9, with_reference=False), out)
        task = asyncio.create_task(runner.run())

        def cancel_after_ten(progress):
            if progress.calls_done >= 10:
                task.cancel()

        runner.on_progress = cancel_after_ten
        with pytest.raises(asyncio.CancelledError):
            await task
        return runner.summary()

    stopped = asyncio.run(cancelled_run())
    assert stopped.stop_reason == "cancelled" and stopped.rows_written < 9
    journal = [json.loads(line) for line in journal_path(out).read_text().splitlines()]
    assert len(journal) >= 10  # every call that finished is in the journal
    finished = {(c["query_id"], c["role"], c["model"], c["subject"]) for c in journal}
    sent_before = len(server.log.requests)
    rest = run_live(plan, arithmetic_queries(9, with_reference=False), out)
    assert rest.reused_calls > 0
    assert len(_rows(out)[0]) == 9
    resent = [_call_key(r) for r in server.log.requests[sent_before:]]
    assert not finished & set(resent)  # no finished call was sent again; only those cut off in flight


def test_stop_sends_no_new_call_and_writes_the_queries_in_flight(loopback, tmp_path):
    server = loopback(latency_ms=30)
    out = tmp_path / "run.jsonl"
    runner = LiveRunner(make_plan(server, concurrency=2), arithmetic_queries(20), out)
    runner.on_progress = lambda p: runner.stop() if p.calls_done >= 6 else None
    summary = asyncio.run(runner.run())
    assert summary.stop_reason == "stopped"
    rows, _ = _rows(out)
    assert 2 <= len(rows) < 20
    journal = [json.loads(line) for line in journal_path(out).read_text().splitlines()]
    written = {r["id"] for r in rows}
    assert {c["query_id"] for c in journal} == written  # the queries in flight were finished and written


def test_the_budget_stops_the_run_with_a_summary_and_is_never_exceeded(loopback, tmp_path):
    server = loopback()
    out = tmp_path / "run.jsonl"
    plan = make_plan(server, budget_usd=0.02, max_tokens=256)
    summary = run_live(plan, arithmetic_queries(40), out)
    assert summary.stop_reason == "budget" and "budget" in summary.message
    assert 0 < summary.rows_written < 40
    assert server.log.spend_usd <= 0.02
    assert summary.spent_usd <= 0.02
    assert any("budget" in line for line in summary.lines())


def test_a_query_with_a_call_that_keeps_failing_is_left_for_a_rerun(loopback, tmp_path):
    server = loopback(schedule=["400"])
    out = tmp_path / "run.jsonl"
    plan = make_plan(server, concurrency=1, router=False)
    summary = run_live(plan, arithmetic_queries(3), out)
    assert summary.failed_queries == 1 and "rejected" in summary.first_failures[0]
    assert summary.rows_written == 2
    again = run_live(plan, arithmetic_queries(3), out)
    assert again.rows_written == 1 and again.failed_queries == 0


def test_queries_without_reference_need_a_judge(loopback, tmp_path):
    server = loopback()
    with pytest.raises(Exception, match="--judge"):
        LiveRunner(make_plan(server, judge=False), arithmetic_queries(3, with_reference=False), tmp_path / "x.jsonl")


def test_the_runner_can_be_stopped_from_another_thread(loopback, tmp_path):
    server = loopback(latency_ms=50)
    runner = LiveRunner(make_plan(server, concurrency=1), arithmetic_queries(30), tmp_path / "run.jsonl")
    threading.Timer(0.5, runner.stop).start()
    summary = asyncio.run(runner.run())
    assert summary.stop_reason == "stopped" and summary.rows_written < 30


def test_a_live_log_reads_as_an_upload_with_its_recorded_signals(loopback, tmp_path):
    """The Data page's reader (every import format, detected) keeps a live log's router ratings and confidences."""
    from lab.sources.replay.importer import read_log

    server = loopback()
    log = tmp_path / "run.jsonl"
    run_live(make_plan(server), arithmetic_queries(8), log)
    uploaded = read_log(log.read_bytes(), log.name)
    assert uploaded.format == "outcomes" and uploaded.queries.n_queries == 8
    recorded = uploaded.queries.recorded
    assert recorded is not None and recorded.router_rating is not None
    rows, _ = _rows(log)
    assert recorded.router_rating.tolist() == [float(r["router_rating"]) for r in rows]
    _, experiment = _replay(log, uploaded.queries)
    for strategy in ("llm-router", "cascade"):
        signals = signals_for(experiment, strategy)
        assert not signals.simulated and "live run" in signals.description, strategy
