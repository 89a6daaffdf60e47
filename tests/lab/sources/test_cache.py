"""The query-set cache: the same query set from disk as from parsing or generating, keyed by file contents (or the
generator's inputs) and the lab's version, never trusted without its key, safe with several writers, bounded, and
never pickled."""

from __future__ import annotations

import multiprocessing
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.core.queryset import QuerySet
from lab.core.scenario import load_scenario, parse_scenario
from lab.sources import cache, loader, replay, synthetic
from lab.sources.replay import replay_queries

MODELS = ["gpt-3.5-turbo-1106", "gpt-4-1106-preview"]


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test its own cache folder, and no query set kept in this process from an earlier test."""
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    replay._cached_queries.cache_clear()
    replay._cached_table.cache_clear()
    yield tmp_path / "cache" / "querysets"
    replay._cached_queries.cache_clear()
    replay._cached_table.cache_clear()


def _assert_same(a: QuerySet, b: QuerySet) -> None:
    assert (a.name, a.model_names, a.notes) == (b.name, b.model_names, b.notes)
    for field in ("ids", "text", "category", "prompt_tokens", "quality", "output_tokens"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert (a.cost_usd is None) == (b.cost_usd is None)
    if a.cost_usd is not None:
        np.testing.assert_array_equal(a.cost_usd, b.cost_usd)


def _routerbench_file(path, n: int = 40, seed: int = 0, prompt: str = "What is {i} squared, and why?"):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sample_id": [f"q.{i}" for i in range(n)],
            "prompt": [prompt.format(i=i) for i in range(n)],
            "eval_name": ["math" if i % 2 else "trivia" for i in range(n)],
        }
    )
    for j, model in enumerate(MODELS):
        frame[model] = (rng.random(n) < 0.5 + 0.3 * j).astype(float)
        frame[f"{model}|total_cost"] = (j + 1) * 1e-4 * (1 + rng.random(n))
        frame[f"{model}|model_response"] = [f"It is {i * i}." + " Because." * (i % 4) for i in range(n)]
    frame.to_csv(path, index=False)
    return parse_scenario(
        f"name: rb\nmodels: [{{key: {MODELS[0]}}}, {{key: {MODELS[1]}}}]\n"
        f"source: {{kind: replay, format: routerbench, path: '{path}'}}\n"
    )


def _new_process() -> None:
    """What a new process starts with: no query set or table in memory (the disk cache stays)."""
    replay._cached_queries.cache_clear()
    replay._cached_table.cache_clear()


def _entries(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_new_process_reads_the_query_set_from_the_cache_without_parsing(tmp_path, own_cache, monkeypatch):
    scenario = _routerbench_file(tmp_path / "rb.csv")
    parsed = replay_queries(scenario)
    assert len(_entries(own_cache)) == 1
    _new_process()

    def no_parsing(fmt):
        raise AssertionError(f"parsed {fmt} again")

    monkeypatch.setattr(replay, "_reader", no_parsing)
    cached = replay_queries(scenario)
    _assert_same(cached, parsed)
    assert replay_queries(scenario) is cached  # then kept in the process
    with pytest.raises(ValueError):
        cached.quality[0, 0] = 0.5  # shared: read-only, like a parsed set


def test_a_changed_source_file_is_a_new_key(tmp_path, own_cache):
    path = tmp_path / "rb.csv"
    first = replay_queries(_routerbench_file(path, seed=0))
    _new_process()
    second = replay_queries(_routerbench_file(path, seed=1))  # same path and size, other contents
    assert not np.array_equal(first.cost_usd, second.cost_usd)
    assert len(_entries(own_cache)) == 2


def test_another_lab_version_is_a_new_key(tmp_path, own_cache, monkeypatch):
    scenario = _routerbench_file(tmp_path / "rb.csv")
    replay_queries(scenario)
    _new_process()
    monkeypatch.setattr(cache, "lab_version", lambda: "routing-lab=9.9.9,code=changed")
    parsed = []
    real_reader = replay._reader
    monkeypatch.setattr(replay, "_reader", lambda fmt: parsed.append(fmt) or real_reader(fmt))
    replay_queries(scenario)
    assert parsed == ["routerbench"] and len(_entries(own_cache)) == 2


def test_the_lab_version_covers_its_code_and_the_tokenizer():
    version = cache.lab_version()
    assert "routing-lab=" in version and "tiktoken=" in version and "litellm=" in version and "code=" in version


def test_scenario_choices_are_part_of_the_key(tmp_path):
    scenario = _routerbench_file(tmp_path / "rb.csv")
    plain = replay_queries(scenario)
    renamed = replay_queries(scenario.model_copy(update={"title": "renamed"}))
    assert plain.name == "rb" and renamed.name == "renamed"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "other-key"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(tmp_path, own_cache, damage):
    scenario = _routerbench_file(tmp_path / "rb.csv")
    parsed = replay_queries(scenario)
    (entry,) = own_cache.iterdir()
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        entry.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # a whole, valid entry of another query set under this name: its key inside does not match
        other = _routerbench_file(tmp_path / "other.csv", seed=5)
        replay_queries(other)
        foreign = next(p for p in own_cache.iterdir() if p != entry)
        entry.write_bytes(foreign.read_bytes())
    _new_process()
    again = replay_queries(scenario)
    _assert_same(again, parsed)
    _new_process()
    _assert_same(replay_queries(scenario), parsed)  # rebuilt whole


def test_entries_hold_no_pickle(tmp_path, own_cache):
    replay_queries(_routerbench_file(tmp_path / "rb.csv"))
    (entry,) = own_cache.iterdir()
    with np.load(entry, allow_pickle=False) as stored:
        for name in stored.files:
            assert stored[name].dtype != object
    with zipfile.ZipFile(entry) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())


def _queryset(n: int = 3_000, texts: list[str] | None = None) -> QuerySet:
    rng = np.random.default_rng(n)
    texts = texts or [f"prompt {i} " + "word " * (i % 50) for i in range(n)]
    n = len(texts)
    text = np.empty(n, dtype=object)
    text[:] = texts
    return QuerySet(
        name="hand-made",
        model_names=("a", "b", "c"),
        ids=np.array([f"id-{i}" for i in range(n)], dtype=object),
        text=text,
        category=np.array(["x", "y"] * (n // 2) + ["x"] * (n % 2), dtype=object),
        prompt_tokens=rng.integers(1, 500, n),
        quality=rng.random((n, 3)),
        output_tokens=rng.integers(1, 900, (n, 3)).astype(float),
        cost_usd=rng.random((n, 3)) * 1e-3,
        notes=("a note", "another"),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(st.characters(codec=None, exclude_characters="\x00"), max_size=30), min_size=1, max_size=20)
)
def test_any_texts_round_trip(texts):
    original = _queryset(texts=texts)
    key = cache.cache_key("hand-made", (("f", "0" * 64),), texts)
    assert cache.store(key, original)
    _assert_same(cache.load(key), original)


def test_a_text_holding_the_separator_is_not_cached_and_nothing_breaks():
    original = _queryset(texts=["fine", "has a \x00 in it"])
    assert not cache.store("k" * 64, original)
    assert cache.load("k" * 64) is None


def test_integer_ids_and_no_recorded_cost_round_trip():
    base = _queryset(50)
    original = QuerySet(**{**base.__dict__, "ids": np.arange(50), "cost_usd": None})
    assert cache.store("i" * 64, original)
    loaded = cache.load("i" * 64)
    _assert_same(loaded, original)
    assert loaded.ids.dtype == np.int64 and loaded.quality.flags.f_contiguous


def test_turned_off_nothing_is_written(monkeypatch, own_cache):
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.cache_dir() is None
    assert not cache.store("o" * 64, _queryset(20)) and cache.load("o" * 64) is None
    assert _entries(own_cache) == []


def test_the_default_folder_is_the_users_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv(cache.ENV_VAR)
    assert cache.cache_dir() == platformdirs.user_cache_path("routing-lab") / "querysets"


def test_old_entries_and_stale_temporary_files_are_evicted(monkeypatch, own_cache):
    import os
    import time

    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    small = _queryset(20)
    for k in range(6):
        assert cache.store(str(k) * 64, small)
        old = time.time() - 100 + k  # older first
        os.utime(own_cache / f"{str(k) * 40}.npz", (old, old))
    stale = own_cache / ".writing-dead.npz"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 2 * cache.STALE_TEMP_S,) * 2)
    fresh = own_cache / ".writing-alive.npz"
    fresh.write_bytes(b"being written")
    assert cache.store("9" * 64, small)
    names = _entries(own_cache)
    assert {"9" * 40 + ".npz", "5" * 40 + ".npz", "4" * 40 + ".npz"} <= set(names)
    assert len([n for n in names if n.endswith(".npz") and not n.startswith(".")]) == 3
    assert ".writing-dead.npz" not in names and ".writing-alive.npz" in names


def _write_many(folder: str, key: str, rounds: int) -> None:
    """A writer process: store the same query set `rounds` times."""
    import os

    os.environ[cache.ENV_VAR] = folder
    queries = _queryset()
    for _ in range(rounds):
        assert cache.store(key, queries)


def test_writers_at_once_leave_one_whole_entry_that_readers_can_always_trust(tmp_path, own_cache):
    key = "w" * 64
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    writers = [context.Process(target=_write_many, args=(str(tmp_path / "cache"), key, 15)) for _ in range(4)]
    for process in writers:
        process.start()
    expected = _queryset()
    seen = 0
    while any(process.is_alive() for process in writers):
        loaded = cache.load(key)  # while others replace it: whole, never half; once there, always there
        assert loaded is not None or seen == 0
        if loaded is not None:
            _assert_same(loaded, expected)
            seen += 1
    for process in writers:
        process.join()
        assert process.exitcode == 0
    _assert_same(cache.load(key), expected)
    assert _entries(own_cache) == [f"{key[:40]}.npz"]  # no temporary file left behind


def test_a_public_set_from_the_cache_equals_the_parsed_one(data_dir, own_cache):
    scenario = load_scenario("routellm-mmlu")
    parsed = replay_queries(scenario, data_dir)
    _new_process()
    cached = replay_queries(scenario, data_dir)
    assert cached is not parsed and cached.n_queries == 14_037
    _assert_same(cached, parsed)


def test_a_live_logs_recorded_signals_survive_a_new_process(tmp_path, own_cache):
    """The cache holds the outcome matrix only: a live log's router ratings and confidences must not be lost on
    the next process's warm load (llm-router and cascade would fall back to simulated signals)."""
    from tests.lab.sources.test_recorded_columns import _log, _row

    log = tmp_path / "live.jsonl"
    log.write_bytes(_log([_row(i) for i in range(12)]))
    scenario = parse_scenario(
        "name: live\nmodels: [{key: gpt-4o-mini}, {key: gpt-4o}]\n"
        f"source: {{kind: replay, format: outcomes, path: '{log}'}}\n"
    )
    first = replay_queries(scenario)
    _new_process()
    again = replay_queries(scenario)
    assert first.recorded is not None and again.recorded is not None
    np.testing.assert_array_equal(again.recorded.router_rating, first.recorded.router_rating)
    assert not cache.store("r" * 64, first)


def _generated(scenario):
    return synthetic.generate_queryset(scenario.source, list(scenario.models), scenario.seed, scenario.name)


def test_a_generated_set_comes_back_from_the_cache_as_generated(own_cache, monkeypatch):
    scenario = load_scenario("customer-support").with_queries(400)
    first = loader.generated_queries(scenario)
    _assert_same(first, _generated(scenario))
    assert len(list(own_cache.glob("*.npz"))) == 1

    def generate_again(*args, **kwargs):
        raise AssertionError("generated again although the cache holds this set")

    monkeypatch.setattr(synthetic, "generate_queryset", generate_again)
    _assert_same(loader.generated_queries(scenario), first)


def test_a_generated_set_is_keyed_by_everything_the_generator_reads(own_cache):
    base = load_scenario("customer-support").with_queries(300)
    cheaper = base.models[0].model_copy(update={"input_usd_per_token": base.models[0].input_usd_per_token / 2})
    variants = [
        base,
        base.model_copy(update={"seed": base.seed + 1}),
        base.with_queries(301),
        base.model_copy(update={"name": "another-name"}),
        base.model_copy(update={"models": (cheaper, *base.models[1:])}),
    ]
    for scenario in variants:
        _assert_same(loader.generated_queries(scenario), _generated(scenario))
    assert len(list(own_cache.glob("*.npz"))) == len(variants)
