"""Replaying the public sets: exact figures against the raw files, contamination, tokens, prices, caching."""

from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import signals_for, sweep_for
from lab.core.scenario import load_scenario
from lab.sources.loader import load_experiment
from lab.sources.replay import load_replay, load_table, replay_queries
from lab.sources.replay.routellm import EVALS

WEAK, STRONG = "mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview"


def _raw_correctness(files, contaminated_file):
    """Reference figures computed straight from the CSVs with the csv module (no lab code)."""
    with open(contaminated_file, encoding="utf-8") as fh:
        bad = {json.loads(line)["eval_prompt"] for line in fh if line.strip()}
    rows = []
    for path in files:
        with open(path, encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r["prompt"] not in bad]
    weak = np.array([r[WEAK] == "True" for r in rows])
    strong = np.array([r[STRONG] == "True" for r in rows])
    return len(rows), weak.mean(), strong.mean(), (weak | strong).mean()


@pytest.fixture(scope="module")
def mmlu(data_dir):
    return replay_queries(load_scenario("routellm-mmlu"), data_dir)


@pytest.fixture(scope="module")
def gsm8k(data_dir):
    return replay_queries(load_scenario("routellm-gsm8k"), data_dir)


def _figures(queries):
    q = queries.quality
    return queries.n_queries, q[:, 0].mean(), q[:, 1].mean(), q.max(axis=1).mean()


def test_mmlu_reproduces_the_published_figures(mmlu, data_dir):
    n, weak, strong, oracle = _figures(mmlu)
    assert (n, round(weak * 100, 2), round(strong * 100, 2), round(oracle * 100, 2)) == (14_037, 68.09, 80.59, 85.87)
    raw = _raw_correctness(
        sorted((data_dir / EVALS / "mmlu" / "responses").glob("*.csv")),
        data_dir / EVALS / "mmlu" / "contaminated_prompts.jsonl",
    )
    assert (n, weak, strong, oracle) == pytest.approx(raw)
    assert mmlu.model_names == (WEAK, STRONG)
    assert len(set(mmlu.category)) == 57 and "abstract_algebra" in set(mmlu.category)
    assert any("5 prompts" in note and "contaminated" in note for note in mmlu.notes)


def test_gsm8k_reproduces_the_published_figures_and_counts_answer_tokens(gsm8k, data_dir):
    n, weak, strong, oracle = _figures(gsm8k)
    assert (n, round(weak * 100, 2), round(strong * 100, 2), round(oracle * 100, 2)) == (1_307, 63.73, 85.77, 92.96)
    raw = _raw_correctness(
        [data_dir / EVALS / "gsm8k" / "gsm8k_responses.csv"], data_dir / EVALS / "gsm8k" / "contaminated_prompts.jsonl"
    )
    assert (n, weak, strong, oracle) == pytest.approx(raw)
    assert any("12 prompts" in note for note in gsm8k.notes)
    # answer lengths are measured: they vary per query and no assumption is stated
    assert np.unique(gsm8k.output_tokens[:, 1]).size > 100
    assert not any(note.startswith("assumption") for note in gsm8k.notes)


def test_gsm8k_output_tokens_are_litellm_counts_of_the_answers(gsm8k, data_dir, litellm_module):
    with open(data_dir / EVALS / "gsm8k" / "gsm8k_responses.csv", encoding="utf-8", newline="") as fh:
        first = next(r for r in csv.DictReader(fh) if r["prompt"] == gsm8k.text[0])
    expected = litellm_module.token_counter(model=STRONG, text=first[f"{STRONG}_response"])
    assert gsm8k.output_tokens[0, 1] == expected
    assert gsm8k.prompt_tokens[0] == litellm_module.token_counter(model=STRONG, text=first["prompt"])


def test_mmlu_lengths_are_the_stated_assumption(mmlu):
    assumed = load_scenario("routellm-mmlu").source.typical_output_tokens
    assert mmlu.output_tokens[:, 0] == pytest.approx(assumed[WEAK])
    assert sum(note.startswith("assumption") for note in mmlu.notes) == 2


def test_mt_bench_is_per_turn_with_normalised_judge_scores(data_dir):
    queries = replay_queries(load_scenario("routellm-mt-bench"), data_dir)
    assert queries.n_queries == 144 and queries.model_names == (WEAK, STRONG)
    judged = [json.loads(line) for line in open(data_dir / EVALS / "mt_bench" / "judgements.jsonl", encoding="utf-8")]
    kept = {int(i.split("-")[0]) for i in queries.ids}
    raw = np.mean([j["score"] for j in judged if j["model"] == STRONG and j["question_id"] in kept])
    assert queries.quality[:, 1].mean() == pytest.approx((raw - 1) / 9)
    assert any("8 questions (16 turns)" in note for note in queries.notes)
    assert (queries.output_tokens > 0).all()  # measured from the answers quoted to the judge


def test_routerarena_joins_both_models_with_recorded_cost(data_dir):
    queries = replay_queries(load_scenario("routerarena"), data_dir)
    results = data_dir / "routerarena" / "cached_results"
    recorded = {}
    for model in queries.model_names:
        rows = [json.loads(line) for line in open(results / f"{model}.jsonl", encoding="utf-8")]
        recorded[model] = sum(r["evaluation_result"]["inference_cost"] for r in rows)
    assert queries.n_queries == 809
    assert queries.cost_usd.sum(axis=0) == pytest.approx([recorded[m] for m in queries.model_names])
    assert queries.model_names[0] == "gemini-2.0-flash-001"  # cheaper by recorded cost
    assert 20 <= len(set(queries.category)) <= 60
    assert ((queries.quality >= 0) & (queries.quality <= 1)).all()
    experiment = load_experiment(load_scenario("routerarena"), data_dir=data_dir)
    assert experiment.calls.recorded_cost


def test_repricing_keeps_quality_and_prices_tokens(data_dir, gsm8k):
    repriced = load_scenario("routellm-gsm8k-repriced")
    experiment = load_experiment(repriced, data_dir=data_dir)
    q = experiment.queries
    assert q.cost_usd is None and not experiment.calls.recorded_cost
    np.testing.assert_array_equal(q.quality, gsm8k.quality)
    mini, big = experiment.models
    expected = q.prompt_tokens * big.input_usd_per_token + q.output_tokens[:, 1] * big.output_usd_per_token
    np.testing.assert_allclose(experiment.calls.cost_usd[:, 1], expected)
    notes = [n for n in q.notes if n.startswith("re-priced")]
    assert len(notes) == 2 and "as recorded for gpt-4-1106-preview" in notes[1]


def test_routerarena_repriced_drops_the_recorded_cost(data_dir):
    scenario = load_scenario("routerarena")
    models = [
        scenario.models[0].model_copy(update={"key": "gpt-4o-mini", "label": None}),
        scenario.models[1].model_copy(update={"key": "gpt-4o", "label": None}),
    ]
    queries = replay_queries(scenario.model_copy(update={"models": models}), data_dir)
    assert queries.cost_usd is None
    assert queries.output_tokens[:, 0].sum() > 0  # recorded token usage still prices the calls


def test_cross_domain_classifier_is_trained_on_mmlu(data_dir):
    queries, classifier = load_replay(load_scenario("routellm-mmlu-to-gsm8k"), data_dir)
    assert classifier is not None and classifier.n_train == 14_037 and "MMLU" in classifier.trained_on
    assert queries.n_queries == 1_307 and any(note.startswith("cross-domain") for note in queries.notes)
    experiment = load_experiment(load_scenario("routellm-mmlu-to-gsm8k"), data_dir=data_dir)
    signals = signals_for(experiment, "classifier")
    assert "trained on RouteLLM MMLU" in signals.description
    result = sweep_for(experiment, signals, points=51)
    assert 0.0 <= result.apgr <= 1.0


def test_loads_are_cached_and_arrays_read_only(mmlu, data_dir):
    again = replay_queries(load_scenario("routellm-mmlu"), data_dir)
    assert again is mmlu
    with pytest.raises(ValueError):
        mmlu.quality[0, 0] = 0.5


def test_a_changed_file_is_read_again(tmp_path, data_dir):
    shutil.copytree(data_dir / "routellm", tmp_path / "routellm")
    path = tmp_path / EVALS / "gsm8k" / "gsm8k_responses.csv"
    first = load_table("routellm-gsm8k", None, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.chmod(0o644)
    text = "".join(lines)
    head, _, _ = text.partition("\nA robe takes")  # keep the header and the first problem only
    path.write_text(head + "\n", encoding="utf-8")
    second = load_table("routellm-gsm8k", None, tmp_path)
    assert second is not first and len(second.ids) < len(first.ids)


def test_scenario_and_source_model_counts_must_agree(data_dir):
    scenario = load_scenario("routellm-gsm8k")
    three = scenario.model_copy(update={"models": [*scenario.models, scenario.models[-1]]})
    with pytest.raises(LabError, match="source.source_models"):
        replay_queries(three, data_dir)
    unknown = scenario.model_copy(
        update={"source": scenario.source.model_copy(update={"source_models": [WEAK, "gpt-5"]})}
    )
    with pytest.raises(LabError, match="no model 'gpt-5'"):
        replay_queries(unknown, data_dir)


def test_missing_data_says_how_to_get_it(tmp_path):
    with pytest.raises(LabError, match="routing-lab data download"):
        replay_queries(load_scenario("routellm-mmlu"), tmp_path)


def test_routerarena_literal_strings_are_parsed_safely():
    from lab.sources.replay.routerarena import join_results, parse_cached_results

    def rows(model_cost, score):
        return "\n".join(
            json.dumps(
                {
                    "global_index": f"GeoBench_{i}",
                    "question": f"Where is place {i}?",
                    "generated_answer": "There.",
                    "token_usage": "{'input_tokens': 10, 'output_tokens': %d, 'total_tokens': %d}" % (5 + i, 15 + i),
                    "evaluation_result": "{'score': %s, 'metric': 'exact_match', 'inference_cost': %r}"
                    % (score(i), model_cost * (i + 1)),
                }
            )
            for i in range(4)
        ).encode()

    a = parse_cached_results(rows(1e-5, lambda i: float(i % 2)), "a.jsonl")
    b = parse_cached_results(rows(1e-4, lambda i: 1.0), "b.jsonl")
    table = join_results({"a": a, "b": b})
    assert table.output_tokens[:, 0].tolist() == [5, 6, 7, 8]
    assert table.quality[:, 0].tolist() == [0, 1, 0, 1] and table.category[0] == "GeoBench"
    np.testing.assert_allclose(table.cost_usd[:, 1], [1e-4, 2e-4, 3e-4, 4e-4])
    bad = rows(1e-5, lambda i: 1.0).replace(b"'output_tokens': 5", b"'output_tokens': -5")
    with pytest.raises(LabError, match="negative 'output_tokens'"):
        parse_cached_results(bad, "c.jsonl")


@pytest.mark.parametrize(
    ("data", "row", "column"),
    [
        (b"prompt,weak,strong\nq1,True,False\nq2,True,maybe\n", 2, "strong"),
        (b"prompt,weak,strong\nq1,True,\n", 1, "strong"),
        (b"prompt,weak,strong\nq1,2,1\n", 1, "weak"),
        (b"prompt,weak,strong\n,True,True\n", 1, "prompt"),
    ],
)
def test_malformed_routellm_files_name_row_and_column(data, row, column):
    from lab.core.errors import DataError
    from lab.sources.replay.routellm import parse_correctness_csv

    with pytest.raises(DataError) as caught:
        parse_correctness_csv(data, "mmlu_x.csv")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("mmlu_x.csv", row, column)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{kind: replay, format: outcomes}", "needs path"),
        ("{kind: replay, format: routellm-gsm8k, train_format: routerbench}", "train_format must be a public set"),
        ("{kind: replay, format: routellm-mmlu, typical_output_tokens: {gpt-4o: 0}}", "positive"),
    ],
)
def test_replay_sources_are_checked_on_load(source, words):
    from lab.core.scenario import parse_scenario

    with pytest.raises(LabError, match=words):
        parse_scenario(f"name: x\nmodels: [{{key: gpt-4o-mini}}, {{key: gpt-4o}}]\nsource: {source}\n")


def test_on_real_mmlu_text_the_classifier_beats_random_and_the_oracle_bounds_both(data_dir):
    experiment = load_experiment(load_scenario("routellm-mmlu"), data_dir=data_dir)
    apgr = {
        name: sweep_for(experiment, signals_for(experiment, name), points=101).apgr
        for name in ("classifier", "random", "oracle")
    }
    assert apgr["random"] == pytest.approx(0.5, abs=0.05)
    assert apgr["classifier"] > apgr["random"] + 0.05
    assert apgr["oracle"] > apgr["classifier"]
