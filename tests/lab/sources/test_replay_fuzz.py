"""Fuzzing every parser of recorded outcomes: whatever the bytes, nothing escapes but the lab's own LabError.

FUZZ_EXAMPLES=600 runs a longer search (60 examples per parser by default).
"""

from __future__ import annotations

import csv
import io
import json
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.core.errors import LabError
from lab.sources.outcome_files import read_table
from lab.sources.outcome_log import parse_outcome_log
from lab.sources.outcomes import to_queryset
from lab.sources.replay.routellm import parse_contaminated, parse_correctness_csv, parse_gsm8k, parse_mt_bench
from lab.sources.replay.routerarena import join_results, literal_dict, parse_cached_results
from lab.sources.replay.routerbench import parse_routerbench

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

COLUMNS = [
    "text",
    "id",
    "category",
    "prompt_tokens",
    "quality:a",
    "quality:b",
    "output_tokens:a",
    "cost_usd:a",
    "cost_usd:b",
    "prompt",
    "eval_name",
    "sample_id",
    "m1",
    "m2",
    "m1|total_cost",
    "m2|model_response",
    "m2|total_cost",
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
    "gpt-4-1106-preview",
    "gpt-4-1106-preview_response",
    "eval_prompt",
    "question_id",
    "model",
    "turn",
    "score",
    "turns",
    "user_prompt",
    "global_index",
    "question",
    "token_usage",
    "evaluation_result",
    "weird,name",
    "",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "True",
            "False",
            "true",
            "0",
            "1",
            "0.5",
            "-1",
            "1e308",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "maybe",
            "[]",
            "{}",
            "{'score': 1.0}",
            "{'input_tokens': -3}",
            '"',
            "a\nb",
            "é",
            "\x00",
            "9" * 400,
        ]
    ),
    st.text(max_size=20),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        ["{'input_tokens': 5, 'output_tokens': 7}", "{'score': 2.0, 'inference_cost': 0.1}", "{'score': 'x'}", "(1,"]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["score", "inference_cost", "input_tokens", "output_tokens"]), children, max_size=4
        )
    ),
    max_leaves=8,
)


VALID_HEADERS = [
    ["text", "quality:a", "quality:b"],
    [
        "id",
        "text",
        "category",
        "prompt_tokens",
        "quality:a",
        "quality:b",
        "output_tokens:a",
        "cost_usd:a",
        "cost_usd:b",
    ],
    ["prompt", "m1", "m2", "m1|total_cost", "m2|total_cost", "m2|model_response", "eval_name"],
    ["prompt", "mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview", "gpt-4-1106-preview_response"],
]


@st.composite
def csv_files(draw) -> bytes:
    header = draw(st.one_of(st.sampled_from(VALID_HEADERS), st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8)))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@st.composite
def jsonl_files(draw) -> bytes:
    keys = st.one_of(st.sampled_from(COLUMNS), st.sampled_from([c for h in VALID_HEADERS for c in h]))
    records = draw(st.lists(st.dictionaries(keys, JSON_VALUES, max_size=9), min_size=0, max_size=5))
    lines = [json.dumps(r) for r in records]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["[1, 2]", "{", '"text"', "", '{"turns": ["a", "b"], "question_id": 1}'])))
    return "\n".join(lines).encode()


COLUMN_VALUES = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3),
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.lists(st.text(max_size=10) | st.none(), min_size=3, max_size=3),
)


@st.composite
def parquet_files(draw) -> bytes:
    header = draw(
        st.one_of(
            st.sampled_from(VALID_HEADERS), st.lists(st.sampled_from(COLUMNS[:20]), min_size=1, max_size=6, unique=True)
        )
    )
    frame = pd.DataFrame({column: draw(COLUMN_VALUES) for column in header})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


ANY_BYTES = st.one_of(st.binary(max_size=300), csv_files(), jsonl_files(), parquet_files())
NAMES = st.sampled_from(["log.csv", "log.jsonl", "log.parquet", "log.json", "log.pkl", "log.txt", "noext"])


def _only_lab_errors(call) -> None:
    try:
        call()
    except LabError as exc:
        assert str(exc).strip()  # a message, never an empty error


@FUZZ
@given(data=ANY_BYTES, name=NAMES)
def test_outcome_log_parser(data, name):
    _only_lab_errors(lambda: parse_outcome_log(data, name))


@FUZZ
@given(data=ANY_BYTES, name=NAMES)
def test_routerbench_parser(data, name):
    _only_lab_errors(lambda: to_queryset(parse_routerbench(data, name), default_output_tokens=1.0))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), csv_files()))
def test_routellm_correctness_and_gsm8k_parsers(data):
    _only_lab_errors(lambda: parse_correctness_csv(data, "mmlu_x.csv"))
    _only_lab_errors(lambda: to_queryset(parse_gsm8k(data, "gsm8k_responses.csv"), default_output_tokens=1.0))


@FUZZ
@given(
    judgements=st.one_of(jsonl_files(), st.binary(max_size=200)), questions=jsonl_files(), contaminated=jsonl_files()
)
def test_mt_bench_parser(judgements, questions, contaminated):
    _only_lab_errors(
        lambda: to_queryset(parse_mt_bench(judgements, questions, contaminated), default_output_tokens=1.0)
    )


@FUZZ
@given(first=st.one_of(jsonl_files(), st.binary(max_size=200)), second=jsonl_files())
def test_routerarena_parser(first, second):
    def both():
        results = {"a": parse_cached_results(first, "a.jsonl"), "b": parse_cached_results(second, "b.jsonl")}
        to_queryset(join_results(results))

    _only_lab_errors(both)
    _only_lab_errors(lambda: parse_contaminated(first, "contaminated_prompts.jsonl"))


@FUZZ
@given(value=st.one_of(JSON_VALUES, st.text(max_size=60)))
def test_literal_dicts_never_eval(value):
    _only_lab_errors(lambda: literal_dict(value, "f.jsonl", 1, "token_usage"))


def test_literal_eval_does_not_run_code(tmp_path):
    marker = tmp_path / "ran"
    payload = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    with pytest.raises(LabError):
        literal_dict(payload, "f.jsonl", 1, "token_usage")
    assert not marker.exists()
    assert literal_dict("{'input_tokens': 3, 'output_tokens': 4}", "f.jsonl", 1, "token_usage") == {
        "input_tokens": 3,
        "output_tokens": 4,
    }


@FUZZ
@given(data=ANY_BYTES, name=NAMES)
def test_table_reader(data, name):
    _only_lab_errors(lambda: read_table(data, name))
