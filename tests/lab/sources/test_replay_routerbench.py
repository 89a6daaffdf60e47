"""The RouterBench wide format: any number of models, recorded cost, answers counted, missing outcomes dropped on purpose."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lab.core.errors import DataError, LabError
from lab.core.scenario import parse_scenario
from lab.sources.loader import load_experiment
from lab.sources.outcomes import to_queryset
from lab.sources.replay import replay_queries
from lab.sources.replay.routerbench import parse_routerbench
from lab.sources.tokens import count_tokens

MODELS = ["mistralai/mistral-7b-chat", "gpt-3.5-turbo-1106", "gpt-4-1106-preview"]


def _wide(n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "sample_id": [f"mmlu.{i}" for i in range(n)],
            "prompt": [f"Question {i}: what is {i} squared, and why?" for i in range(n)],
            "eval_name": ["mmlu" if i % 2 else "gsm8k" for i in range(n)],
        }
    )
    for j, model in enumerate(MODELS):
        frame[model] = (rng.random(n) < 0.4 + 0.2 * j).astype(float)
        frame[f"{model}|model_response"] = [f"The answer is {i * i}." + " Because." * (j + i % 3) for i in range(n)]
        frame[f"{model}|total_cost"] = (j + 1) * 1e-4 * (1 + rng.random(n))
    frame["oracle_model_to_route_to"] = MODELS[0]
    return frame


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def test_three_models_cheapest_first_with_recorded_cost_and_counted_answers():
    frame = _wide()
    table = parse_routerbench(_csv(frame), "rb.csv")
    queries = to_queryset(table)
    assert queries.model_names == tuple(MODELS)  # mean recorded cost rises with the tier
    np.testing.assert_allclose(queries.cost_usd, frame[[f"{m}|total_cost" for m in MODELS]].to_numpy())
    expected = count_tokens(frame[f"{MODELS[2]}|model_response"].to_numpy(dtype=object))
    np.testing.assert_array_equal(queries.output_tokens[:, 2], expected)
    assert list(queries.category[:2]) == ["gsm8k", "mmlu"] and queries.ids[0] == "mmlu.0"


def test_missing_outcomes_drop_the_row_and_say_how_many():
    frame = _wide()
    frame.loc[[2, 5], MODELS[1]] = np.nan
    frame.loc[7, MODELS[2]] = np.nan
    table = parse_routerbench(_csv(frame), "rb.csv")
    queries = to_queryset(table)
    assert queries.n_queries == 9
    note = next(n for n in queries.notes if n.startswith("missing outcomes"))
    assert "3 of 12 queries dropped" in note and "gpt-3.5-turbo-1106: 2" in note and "gpt-4-1106-preview: 1" in note
    # choosing only the models that have every outcome keeps every row
    kept = to_queryset(table, (MODELS[0], MODELS[2]))
    assert kept.n_queries == 11


def test_missing_response_falls_back_to_the_stated_length():
    frame = _wide()
    frame = frame.drop(columns=[f"{MODELS[0]}|model_response"])
    table = parse_routerbench(_csv(frame), "rb.csv")
    queries = to_queryset(table, typical_output_tokens={MODELS[0]: 77})
    assert (queries.output_tokens[:, 0] == 77).all()
    with pytest.raises(LabError, match="typical_output_tokens"):
        to_queryset(table)


def test_parquet_and_jsonl_containers(tmp_path):
    frame = _wide()
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    a = to_queryset(parse_routerbench(buffer.getvalue(), "rb.parquet"))
    b = to_queryset(parse_routerbench(frame.to_json(orient="records", lines=True).encode(), "rb.jsonl"))
    np.testing.assert_array_equal(a.quality, b.quality)


def test_a_routerbench_scenario_replays_a_file(tmp_path):
    path = tmp_path / "routerbench.csv"
    path.write_bytes(_csv(_wide()))
    scenario = parse_scenario(
        "name: rb\nmodels: [{key: gpt-3.5-turbo-1106}, {key: gpt-4-1106-preview}]\n"
        f"source: {{kind: replay, format: routerbench, path: '{path}', source_models: [gpt-3.5-turbo-1106, gpt-4-1106-preview]}}\n"
    )
    experiment = load_experiment(scenario)
    assert experiment.queries.n_queries == 12 and experiment.calls.recorded_cost
    assert replay_queries(scenario) is experiment.queries  # cached


@pytest.mark.parametrize(
    ("edit", "column", "words"),
    [
        (lambda f: f.drop(columns=["prompt"]), "prompt", "missing"),
        (lambda f: f.assign(**{"claude-v2|total_cost": 0.1}), "claude-v2|total_cost", "no matching quality"),
        (lambda f: f[["prompt", MODELS[0]]], None, "at least 2"),
        (lambda f: f.assign(**{MODELS[1]: 1.5}), MODELS[1], "outside [0, 1]"),
        (lambda f: f.assign(**{f"{MODELS[1]}|total_cost": -1.0}), f"{MODELS[1]}|total_cost", "negative"),
    ],
)
def test_malformed_routerbench_files(edit, column, words):
    with pytest.raises(DataError, match=words.replace("[", r"\[").replace("]", r"\]")) as caught:
        parse_routerbench(_csv(edit(_wide())), "rb.csv")
    assert caught.value.column == column


def test_pickles_are_refused_with_a_conversion_hint():
    with pytest.raises(DataError, match="to_parquet"):
        parse_routerbench(b"\x80\x04\x95\x00", "routerbench_0shot.pkl")
