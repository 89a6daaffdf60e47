"""Replay recorded outcomes (public data sets and the user's logs) as QuerySets.

A replay scenario names a format; the public sets come from the data directory (lab.sources.datadir),
files (routerbench, outcomes) from the scenario's path. The scenario's models map onto the source's
models in order (cheapest first). A scenario model whose key is not the recorded model re-prices
it: quality stays as recorded for the original model and cost becomes tokens x the new price,
which the notes say. Loads are cached in the process per data directory and file state (bounded),
and replayed query sets on disk across processes (lab.sources.cache), keyed by the files'
sha256. The parsers (and pandas) are imported only when a file is parsed.
"""

from __future__ import annotations

import importlib
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lab.core.classifier import RouterClassifier, fit_classifier
from lab.core.errors import LabError
from lab.core.queryset import QuerySet
from lab.core.scenario import ReplayFormat, Scenario
from lab.sources import cache
from lab.sources.datadir import file_sha256, require_set, set_files

if TYPE_CHECKING:
    from lab.sources.outcomes import OutcomeTable

# format -> "module:function" reading it (imported when a file is parsed: pandas takes a while to import)
PUBLIC_SETS: dict[str, str] = {
    "routellm-mmlu": "lab.sources.replay.routellm:mmlu_table",
    "routellm-gsm8k": "lab.sources.replay.routellm:gsm8k_table",
    "routellm-mt-bench": "lab.sources.replay.routellm:mt_bench_table",
    "routerarena": "lab.sources.replay.routerarena:routerarena_table",
}
FILE_FORMATS: dict[str, str] = {
    "routerbench": "lab.sources.replay:_routerbench_file",
    "outcomes": "lab.sources.replay:_outcomes_file",
}


def _outcomes_file(path: Path) -> OutcomeTable:
    from lab.sources.outcome_files import read_bytes, read_table
    from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES, parse_outcome_table

    return parse_outcome_table(read_table(read_bytes(path, MAX_OUTCOME_LOG_BYTES), str(path)), str(path))


def _routerbench_file(path: Path) -> OutcomeTable:
    from lab.sources.outcome_files import read_bytes
    from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES
    from lab.sources.replay.routerbench import parse_routerbench

    return parse_routerbench(read_bytes(path, MAX_OUTCOME_LOG_BYTES), str(path))


def _reader(fmt: str):
    module, _, function = {**PUBLIC_SETS, **FILE_FORMATS}[fmt].partition(":")
    return getattr(importlib.import_module(module), function)


def _signature(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of each file: a changed file is loaded again."""
    stats = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        stats.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stats)


@lru_cache(maxsize=8)
def _cached_table(fmt: str, location: str, signature: tuple) -> OutcomeTable:
    return _reader(fmt)(Path(location))


def _files_at(fmt: str, location: Path) -> list[Path]:
    """The files a format reads at its location (a data directory for a public set, else the file itself)."""
    return [location / p for p in set_files(fmt)] if fmt in PUBLIC_SETS else [location]


def _source_files(
    fmt: ReplayFormat, path: str | Path | None = None, data_dir: str | Path | None = None
) -> tuple[Path, list[Path]]:
    """Where a format's data is (the data directory for a public set, else the file) and the files it reads."""
    if fmt in PUBLIC_SETS:
        root = require_set(fmt, data_dir).resolve()
        return root, _files_at(fmt, root)
    if fmt not in FILE_FORMATS:
        raise LabError(f"unknown replay format '{fmt}'; known: {', '.join([*PUBLIC_SETS, *FILE_FORMATS])}")
    if not path:
        raise LabError(f"a '{fmt}' scenario needs source.path: the file to replay")
    file = Path(path).expanduser()
    if not file.is_file():
        raise LabError(f"{file}: no such file (source.path of a '{fmt}' scenario)")
    file = file.resolve()
    return file, [file]


def load_table(fmt: ReplayFormat, path: str | Path | None = None, data_dir: str | Path | None = None) -> OutcomeTable:
    """The recorded outcome table of a format: a public set from the data directory, or a file."""
    location, files = _source_files(fmt, path, data_dir)
    return _cached_table(fmt, str(location), _signature(files))


@lru_cache(maxsize=16)
def _digests(location: str, signature: tuple[tuple[str, int, int], ...]) -> tuple[tuple[str, str], ...]:
    """(name relative to the location, sha256) of each file; hashed again when a file's size or time changes."""
    root = Path(location)
    return tuple(
        (Path(name).relative_to(root).as_posix() if root.is_dir() else Path(name).name, file_sha256(Path(name)))
        for name, _, _ in signature
    )


def same_model(key: str, recorded: str) -> bool:
    """Whether a litellm key names the recorded model (equal, or one is the other with a provider prefix)."""
    a, b = key.lower(), recorded.lower()
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _convert(
    table: OutcomeTable,
    source_models_given: tuple[str, ...] | None,
    models: tuple[tuple[str, str, str], ...],
    typical_given: tuple[tuple[str, float], ...],
    title: str,
    scenario_name: str,
) -> QuerySet:
    """The query set of the recorded models chosen (given, else cheapest first by recorded cost), priced by `models`
    (litellm key, display name, price source each)."""
    from lab.sources.outcomes import mean_cost_order, to_queryset

    names = source_models_given or mean_cost_order(table)
    if len(names) != len(models):
        raise LabError(
            f"scenario '{scenario_name}' has {len(models)} models but replays {len(names)} recorded ones "
            f"({', '.join(names)}): list the recorded columns to replay in source.source_models, cheapest first"
        )
    given = dict(typical_given)
    typical = {}
    for (key, _, _), name in zip(models, names):
        value = given.get(name, given.get(key))
        if value is not None:
            typical[name] = float(value)
    repriced = tuple(
        f"re-priced: {label} is priced as {key} ({price_source}) but its quality is as recorded "
        f"for {name}; {key} itself may answer differently"
        for (key, label, price_source), name in zip(models, names)
        if not same_model(key, name)
    )
    return to_queryset(
        table,
        names,
        token_model_key=models[-1][0],
        typical_output_tokens=typical,
        keep_cost=not repriced,
        name=title,
        notes=repriced,
    )


@lru_cache(maxsize=8)
def _cached_queries(
    fmt: ReplayFormat,
    location: str,
    key: str,
    choices: tuple,
) -> QuerySet:
    """The replayed query set under `key`: from the disk cache, else parsed, converted and stored there."""
    cached = cache.load(key)
    if cached is not None:
        return cached
    table = _cached_table(fmt, location, _signature(_files_at(fmt, Path(location))))
    queries = _convert(table, *choices)
    cache.store(key, queries)
    return queries


def replay_queries(scenario: Scenario, data_dir: str | Path | None = None) -> QuerySet:
    """The QuerySet a replay scenario names: recorded outcomes of its source models, priced by its models."""
    source = scenario.replay
    location, files = _source_files(source.format, source.path, data_dir)
    choices = (
        tuple(source.source_models) if source.source_models else None,
        tuple((spec.key, spec.name, spec.price_source) for spec in scenario.models),
        tuple(sorted((str(k), float(v)) for k, v in source.typical_output_tokens.items())),
        scenario.title or scenario.name,
        scenario.name,
    )
    key = cache.cache_key(source.format, _digests(str(location), _signature(files)), choices)
    return _cached_queries(source.format, str(location), key, choices)


@lru_cache(maxsize=4)
def _trained_classifier(
    table: OutcomeTable, regularisation_c: float, max_train_queries: int, seed: int
) -> RouterClassifier:
    from lab.sources.outcomes import mean_cost_order

    cols = [table.model_names.index(name) for name in mean_cost_order(table)]
    quality = table.quality[:, cols]
    known = ~np.isnan(quality).any(axis=1)
    index = np.flatnonzero(known)
    rng = np.random.default_rng([seed, zlib.crc32(b"cross-domain classifier")])
    if len(index) > max_train_queries:
        index = np.sort(rng.choice(index, size=max_train_queries, replace=False))
    labels = quality[index, -1] > quality[index, 0]  # the cheapest fails where the strongest succeeds
    return fit_classifier(table.text[index], labels, regularisation_c, table.name)


def load_replay(scenario: Scenario, data_dir: str | Path | None = None) -> tuple[QuerySet, RouterClassifier | None]:
    """The replayed QuerySet, and a classifier trained on source.train_format where the scenario asks for one."""
    queries = replay_queries(scenario, data_dir)
    train_format = scenario.replay.train_format
    if train_format is None:
        return queries, None
    knobs = scenario.signals.classifier
    train = load_table(train_format, None, data_dir)
    classifier = _trained_classifier(train, knobs.regularisation_c, knobs.max_train_queries, scenario.seed)
    note = (
        f"cross-domain: the classifier is trained on {train.name} ({classifier.n_train:,} queries) and evaluated "
        f"on {queries.name}, a domain it never saw"
    )
    queries = QuerySet(**{**queries.__dict__, "notes": (*queries.notes, note)})
    return queries, classifier


__all__ = ["FILE_FORMATS", "PUBLIC_SETS", "load_replay", "load_table", "replay_queries", "same_model"]
