"""The user's outcome-log format: CSV, JSONL and Parquet read alike; every malformed file is one DataError."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.core.errors import DataError, LabError
from lab.core.experiment import build_experiment, run, signals_for
from lab.core.scenario import parse_scenario
from lab.sources.outcome_log import DEFAULT_OUTPUT_TOKENS, MAX_OUTCOME_LOG_BYTES, parse_outcome_log

GOOD = pd.DataFrame(
    {
        "id": ["q1", "q2", "q3", "q4"],
        "text": [
            "Where is my order?",
            "Explain the refund policy for damaged goods.",
            "hi",
            "Compare two plans and pick one.",
        ],
        "category": ["orders", "refunds", "chat", "sales"],
        "prompt_tokens": [12, 30, 2, 25],
        "quality:gpt-4o-mini": [True, False, True, False],
        "quality:gpt-4o": [1.0, 1.0, 1.0, 0.5],
        "output_tokens:gpt-4o-mini": [40, 120, 5, 200],
        "output_tokens:gpt-4o": [50, 150, 6, 260],
        "cost_usd:gpt-4o-mini": [0.00003, 0.00008, 0.000004, 0.00012],
        "cost_usd:gpt-4o": [0.0005, 0.0016, 0.00007, 0.0027],
    }
)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _jsonl(frame: pd.DataFrame) -> bytes:
    return frame.to_json(orient="records", lines=True).encode("utf-8")


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize(("encode", "name"), [(_csv, "log.csv"), (_jsonl, "log.jsonl"), (_parquet, "log.parquet")])
def test_every_container_reads_the_same_matrix(encode, name):
    queries = parse_outcome_log(encode(GOOD), name)
    assert queries.model_names == ("gpt-4o-mini", "gpt-4o")
    np.testing.assert_array_equal(queries.quality, [[1, 1], [0, 1], [1, 1], [0, 0.5]])
    np.testing.assert_array_equal(queries.prompt_tokens, GOOD["prompt_tokens"])
    np.testing.assert_allclose(queries.cost_usd[:, 1], GOOD["cost_usd:gpt-4o"])
    assert list(queries.ids) == ["q1", "q2", "q3", "q4"] and list(queries.category)[:2] == ["orders", "refunds"]


def test_minimal_log_counts_tokens_and_states_the_assumed_length():
    frame = GOOD[["text", "quality:gpt-4o-mini", "quality:gpt-4o"]]
    queries = parse_outcome_log(_csv(frame), "minimal.csv")
    assert (queries.prompt_tokens > 0).all() and queries.prompt_tokens[2] < queries.prompt_tokens[1]
    assert (queries.output_tokens == DEFAULT_OUTPUT_TOKENS).all()
    assert any("assumed" in note for note in queries.notes)
    assert queries.cost_usd is None and list(queries.ids) == [1, 2, 3, 4]


def test_a_parsed_log_runs_through_the_engine():
    queries = parse_outcome_log(_csv(GOOD), "log.csv")
    scenario = parse_scenario(
        "name: mine\nmodels: [{key: gpt-4o-mini}, {key: gpt-4o}]\nsource: {kind: replay, format: outcomes, path: log.csv}\n"
    )
    experiment = build_experiment(scenario, queries=queries)
    _, summary = run(experiment, signals_for(experiment, "oracle"), [0.5])
    assert summary.quality == pytest.approx(queries.quality.max(axis=1).mean())
    assert experiment.calls.recorded_cost


def _broken(frame_edit) -> bytes:
    frame = GOOD.copy()
    frame = frame_edit(frame) if frame_edit else frame
    return _csv(frame)


def _set(column, row, value):
    def edit(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        return frame

    return edit


MALFORMED = [
    ("missing text", _broken(lambda f: f.drop(columns=["text"])), None, "text", "missing"),
    (
        "one model",
        _broken(lambda f: f.drop(columns=["quality:gpt-4o", "output_tokens:gpt-4o", "cost_usd:gpt-4o"])),
        None,
        None,
        "at least 2",
    ),
    (
        "unknown column",
        _broken(lambda f: f.rename(columns={"quality:gpt-4o": "qualty:gpt-4o"})),
        None,
        "qualty:gpt-4o",
        "not a column",
    ),
    (
        "orphan tokens",
        _broken(lambda f: f.assign(**{"output_tokens:claude": 3})),
        None,
        "output_tokens:claude",
        "no matching",
    ),
    (
        "cost for one model only",
        _broken(lambda f: f.drop(columns=["cost_usd:gpt-4o"])),
        None,
        None,
        "every model or for none",
    ),
    (
        "not a boolean",
        _broken(_set("quality:gpt-4o-mini", 2, "maybe")),
        3,
        "quality:gpt-4o-mini",
        "not a number or a boolean",
    ),
    ("quality above 1", _broken(_set("quality:gpt-4o", 1, 7)), 2, "quality:gpt-4o", "outside [0, 1]"),
    ("NaN quality", _broken(_set("quality:gpt-4o", 3, None)), 4, "quality:gpt-4o", "no value"),
    ("negative tokens", _broken(_set("output_tokens:gpt-4o", 0, -5)), 1, "output_tokens:gpt-4o", "negative"),
    ("negative cost", _broken(_set("cost_usd:gpt-4o-mini", 2, -0.1)), 3, "cost_usd:gpt-4o-mini", "negative"),
    ("NaN cost", _broken(_set("cost_usd:gpt-4o-mini", 1, None)), 2, "cost_usd:gpt-4o-mini", "no value"),
    ("missing text value", _broken(_set("text", 1, None)), 2, "text", "no text"),
    ("repeated id", _broken(_set("id", 3, "q1")), 4, "id", "repeats"),
]


@pytest.mark.parametrize(("case", "data", "row", "column", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_logs_name_file_row_and_column(case, data, row, column, words):
    with pytest.raises(DataError) as caught:
        parse_outcome_log(data, "bad.csv")
    error = caught.value
    assert error.file == "bad.csv" and words in str(error)
    assert error.row == row and error.column == column
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "is empty"),
        (b"   \n\n", "blank.csv", "is empty"),
        (b"text,quality:a,quality:b\n", "header.csv", "no rows"),
        (_parquet(GOOD), "renamed.csv", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "sheet.csv", "binary"),
        ("text,quality:a,quality:b\ncafé,1,0\n".encode("latin-1"), "latin.csv", "not UTF-8"),
        (b'text,quality:a,quality:b\n"unclosed,1,0\n', "quote.csv", "not a well-formed CSV"),
        (b'{"text": "x"}\n[1, 2]\n', "log.jsonl", "not an object"),
        (b'{"text": "x"\n', "log.jsonl", "not valid JSON"),
        (_csv(GOOD), "log.parquet", "not a Parquet file"),
        (_csv(GOOD), "log.xlsx", "unknown file type"),
        (b"\x80\x04\x95", "log.pkl", "pickle"),
    ],
)
def test_broken_files_are_one_data_error(data, name, words):
    with pytest.raises(DataError, match=words) as caught:
        parse_outcome_log(data, name)
    assert caught.value.file == name


def test_wrong_encoding_names_the_row():
    data = "text,quality:a,quality:b\nfine,1,0\nnaïve,1,0\n".encode("latin-1")
    with pytest.raises(DataError) as caught:
        parse_outcome_log(data, "latin.csv")
    assert caught.value.row == 2


def test_truncated_parquet_is_a_data_error():
    data = _parquet(GOOD)
    with pytest.raises(DataError, match="Parquet"):
        parse_outcome_log(data[:40] + data[-40:], "cut.parquet")


def test_size_limit():
    assert MAX_OUTCOME_LOG_BYTES >= 50_000_000  # the benchmark's 50 MB log fits
    with pytest.raises(DataError, match="above the limit"):
        parse_outcome_log(b"x" * (MAX_OUTCOME_LOG_BYTES + 1), "huge.csv")


def test_duplicate_header_in_csv_is_named():
    data = b"text,quality:a,quality:a\nx,1,0\n"
    with pytest.raises(DataError) as caught:
        parse_outcome_log(data, "dup.csv")
    assert caught.value.column == "quality:a"


def test_jsonl_booleans_and_strings():
    lines = [
        {"text": "a", "quality:m1": "true", "quality:m2": False},
        {"text": "b", "quality:m1": "0", "quality:m2": 1},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    queries = parse_outcome_log(data, "log.jsonl")
    np.testing.assert_array_equal(queries.quality, [[1, 0], [0, 1]])
    assert isinstance(DataError("x"), LabError)


def test_the_readme_example_parses():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own logs", 1)[1]
    example = section.split("```csv\n", 1)[1].split("```", 1)[0]
    queries = parse_outcome_log(example.encode(), "example.csv")
    assert queries.model_names == ("gpt-4o-mini", "gpt-4o") and queries.n_queries == 3
    assert queries.quality[1].tolist() == [0.0, 1.0]


def test_implausible_token_counts_are_refused():
    frame = GOOD.copy()
    frame["prompt_tokens"] = frame["prompt_tokens"].astype(float)
    frame.loc[2, "prompt_tokens"] = 1e30
    with pytest.raises(DataError, match="is above") as caught:
        parse_outcome_log(_csv(frame), "big.csv")
    assert (caught.value.row, caught.value.column) == (3, "prompt_tokens")
