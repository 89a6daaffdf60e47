"""The live-run columns of the outcome format: run headers, recorded signals, malformed verdicts, bad values."""

import json

import numpy as np
import pytest

from lab.core.errors import DataError
from lab.sources.outcome_log import parse_outcome_log

HEADER = {
    "routing_lab_run": {
        "kind": "run",
        "lab_version": "0.1.0",
        "started_utc": "2026-01-01T00:00:00+00:00",
        "router_model": "gpt-4o-mini",
        "models": [{"key": "gpt-4o-mini", "endpoint": "openai default endpoint"}],
    }
}


def _row(i: int, **changes) -> dict:
    row = {
        "id": f"q{i}",
        "text": f"question {i}",
        "quality:gpt-4o-mini": float(i % 2),
        "quality:gpt-4o": 1.0,
        "cost_usd:gpt-4o-mini": 1e-5,
        "cost_usd:gpt-4o": 1e-4,
        "latency_ms:gpt-4o-mini": 300.0,
        "latency_ms:gpt-4o": 900.0,
        "answer:gpt-4o-mini": "Answer: 1",
        "answer:gpt-4o": "Answer: 2 because of reasons",
        "verdict:gpt-4o-mini": "correct" if i % 2 else "incorrect",
        "verdict:gpt-4o": "correct",
        "grade_method:gpt-4o-mini": "judge",
        "judge_cost_usd:gpt-4o-mini": 2e-5,
        "confidence:gpt-4o-mini": 0.2 + 0.1 * (i % 5),
        "confidence_method:gpt-4o-mini": "logprob",
        "router_rating": 1 + i % 10,
        "router_malformed": i == 3,
        "router_reply": "nonsense" if i == 3 else str(1 + i % 10),
        "router_cost_usd": 3e-6,
        "router_latency_ms": 150.0,
    }
    row.update(changes)
    return row


def _log(rows, header=True) -> bytes:
    lines = ([json.dumps(HEADER)] if header else []) + [json.dumps(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_live_log_reads_with_its_recorded_signals_and_run_header():
    queries = parse_outcome_log(_log([_row(i) for i in range(10)]), "run.jsonl")
    assert queries.n_queries == 10 and queries.model_names == ("gpt-4o-mini", "gpt-4o")
    rec = queries.recorded
    assert rec.router_model == "gpt-4o-mini"
    assert np.array_equal(rec.router_rating, 1 + np.arange(10) % 10)
    assert rec.router_malformed.sum() == 1
    assert np.allclose(rec.confidence["gpt-4o-mini"], 0.2 + 0.1 * (np.arange(10) % 5))
    assert np.allclose(rec.router_latency_ms, 150.0)
    assert any("recorded by a live run (Routing Lab 0.1.0" in note for note in queries.notes)
    assert queries.output_tokens[0, 1] > queries.output_tokens[0, 0]  # counted from the recorded answers


def test_a_malformed_verdict_leaves_the_query_out_with_a_note_never_guessed():
    rows = [_row(i) for i in range(6)]
    rows[2].update({"quality:gpt-4o": None, "verdict:gpt-4o": "malformed"})
    queries = parse_outcome_log(_log(rows), "run.jsonl")
    assert queries.n_queries == 5 and "q2" not in set(queries.ids.tolist())
    assert len(queries.recorded.router_rating) == 5
    assert any("malformed" in note and "gpt-4o" in note for note in queries.notes)


def test_a_missing_quality_without_a_malformed_verdict_is_still_an_error():
    rows = [_row(i) for i in range(3)]
    rows[1]["quality:gpt-4o"] = None
    with pytest.raises(DataError, match="row 2.*quality:gpt-4o.*has no value"):
        parse_outcome_log(_log(rows), "run.jsonl")


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"router_rating": 11}, "router_rating"),
        ({"confidence:gpt-4o-mini": 1.5}, "confidence:gpt-4o-mini"),
        ({"confidence_method:gpt-4o-mini": "vibes"}, "confidence_method:gpt-4o-mini"),
        ({"verdict:gpt-4o": "maybe"}, "verdict:gpt-4o"),
        ({"latency_ms:claude": 3.0}, "latency_ms:claude"),
    ],
)
def test_a_bad_live_value_names_the_row_and_column(change, column):
    rows = [_row(i) for i in range(3)]
    rows[1].update(change)
    with pytest.raises(DataError) as caught:
        parse_outcome_log(_log(rows), "run.jsonl")
    assert f"column '{column}'" in str(caught.value)


def test_a_log_without_live_columns_has_no_recorded_signals():
    rows = [{"text": f"q {i}", "quality:a": 1, "quality:b": 0} for i in range(3)]
    assert parse_outcome_log(_log(rows, header=False), "plain.jsonl").recorded is None


def test_the_same_columns_work_in_csv():
    import pandas as pd

    frame = pd.DataFrame([_row(i) for i in range(4)])
    queries = parse_outcome_log(frame.to_csv(index=False).encode(), "run.csv")
    assert np.array_equal(queries.recorded.router_rating, 1 + np.arange(4))
    assert queries.recorded.router_malformed.tolist() == [False, False, False, True]
