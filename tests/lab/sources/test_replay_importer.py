"""read_log: every file format the import command reads, from bytes (the Data page's uploads), detected from the
columns or chosen, saying which was used; a file in neither format gets one message naming what each needs."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.errors import DataError
from lab.sources.outcome_log import parse_outcome_log
from lab.sources.replay.importer import detect_format, read_log
from lab.sources.replay.routerbench import parse_routerbench
from tests.lab.sources.test_replay_routerbench import MODELS, _wide


def _outcomes(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    return pd.DataFrame(
        {
            "text": [f"question {i}" for i in range(n)],
            "quality:gpt-4o-mini": rng.random(n) < 0.6,
            "quality:gpt-4o": rng.random(n) < 0.85,
        }
    )


def test_a_routerbench_csv_saved_with_its_index_is_detected_and_read_like_the_import_command_reads_it():
    frame = _wide(30)
    data = frame.to_csv().encode()  # pandas' default: the index becomes an 'Unnamed: 0' column
    log = read_log(data, "routerbench.csv")
    assert log.format == "routerbench" and log.how.startswith("detected")
    assert "RouterBench" in log.format_title
    assert set(parse_routerbench(data, "routerbench.csv").model_names) == set(MODELS)
    assert log.queries.model_names == tuple(MODELS)  # cheapest first by recorded cost, as `routing-lab import` orders
    np.testing.assert_array_equal(log.queries.quality, frame[MODELS].to_numpy())
    # a model outside litellm's price map is priced from the file's recorded cost, and says so
    assert [m.name for m in log.models] == MODELS
    assert "recorded cost" in log.models[0].price_source and log.models[0].input_usd_per_token > 0
    assert "litellm" in log.models[2].price_source


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_routerbench_in_jsonl_and_parquet_too(kind):
    frame = _wide(20)
    buffer = io.BytesIO()
    if kind == "jsonl":
        frame.to_json(buffer, orient="records", lines=True)
    else:
        frame.to_parquet(buffer)
    log = read_log(buffer.getvalue(), f"rb.{kind}")
    assert log.format == "routerbench" and log.queries.n_queries == 20


def test_the_outcome_format_is_detected_and_matches_the_outcome_reader():
    data = _outcomes().to_csv(index=False).encode()
    log = read_log(data, "log.csv")
    assert log.format == "outcomes" and "quality:<model>" in log.how
    expected = parse_outcome_log(data, "log.csv")
    assert log.queries.model_names == expected.model_names
    np.testing.assert_array_equal(log.queries.quality, expected.quality)


def test_a_chosen_format_is_used_and_a_file_not_in_it_names_what_is_missing():
    data = _wide(10).to_csv(index=False).encode()
    assert read_log(data, "rb.csv", "routerbench").how == "chosen"
    with pytest.raises(DataError, match="rb.csv") as err:
        read_log(data, "rb.csv", "outcomes")
    assert "quality:<model>" in str(err.value) or "text" in str(err.value)


def test_a_file_in_no_format_gets_one_message_naming_both():
    with pytest.raises(DataError) as err:
        read_log(b"question,answer\nhi,there\n", "log.csv")
    message = str(err.value)
    assert "log.csv" in message and "question, answer" in message
    assert "quality:<model>" in message and "RouterBench" in message and "\n" not in message


def test_a_log_over_the_limit_is_refused_before_it_is_read(monkeypatch):
    import lab.sources.replay.importer as importer

    monkeypatch.setattr(importer, "MAX_OUTCOME_LOG_BYTES", 100)
    with pytest.raises(DataError, match="above the limit"):
        read_log(_outcomes().to_csv(index=False).encode(), "log.csv")


@settings(max_examples=40, deadline=None)
@given(
    n_models=st.integers(2, 5),
    extra=st.lists(st.sampled_from(["sample_id", "eval_name", "oracle_model_to_route_to", "Unnamed: 0"]), unique=True),
    seed=st.integers(0, 10_000),
)
def test_detection_finds_routerbench_whatever_its_optional_columns_and_model_count(n_models, extra, seed):
    rng = np.random.default_rng(seed)
    columns = ["prompt", *extra, *[f"model-{j}" for j in range(n_models)]]
    columns += [f"model-{j}|total_cost" for j in range(n_models)]
    order = list(rng.permutation(columns))
    assert detect_format(order, "f.csv")[0] == "routerbench"
    assert detect_format([*order, "quality:model-0"], "f.csv")[0] == "outcomes"
    with pytest.raises(DataError):
        detect_format([c for c in order if c != "prompt"], "f.csv")
