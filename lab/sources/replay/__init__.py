"""Replay recorded outcomes (public data sets and the user's logs) as QuerySets.

A replay scenario names a format; the public sets come from the data directory (lab.sources.datadir),
files (routerbench, outcomes) from the scenario's path. The scenario's models map onto the source's
models in order (cheapest first). A scenario model whose key is not the recorded model re-prices
it: quality stays as recorded for the original model and cost becomes tokens x the new price,
which the notes say. Loads are cached per data directory and file state (bounded).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from lab.core.classifier import RouterClassifier, fit_classifier
from lab.core.errors import LabError
from lab.core.models import ModelSpec
from lab.core.queryset import QuerySet
from lab.core.scenario import ReplayFormat, Scenario
from lab.sources.datadir import require_set, set_files
from lab.sources.outcome_files import read_bytes, read_table
from lab.sources.outcomes import MAX_OUTCOME_LOG_BYTES, OutcomeTable, mean_cost_order, parse_outcome_table, to_queryset
from lab.sources.replay.routellm import gsm8k_table, mmlu_table, mt_bench_table
from lab.sources.replay.routerarena import routerarena_table
from lab.sources.replay.routerbench import parse_routerbench

PUBLIC_SETS: dict[str, Callable[[Path], OutcomeTable]] = {
    "routellm-mmlu": mmlu_table,
    "routellm-gsm8k": gsm8k_table,
    "routellm-mt-bench": mt_bench_table,
    "routerarena": routerarena_table,
}


def _outcomes_file(path: Path) -> OutcomeTable:
    return parse_outcome_table(read_table(read_bytes(path, MAX_OUTCOME_LOG_BYTES), str(path)), str(path))


def _routerbench_file(path: Path) -> OutcomeTable:
    return parse_routerbench(read_bytes(path, MAX_OUTCOME_LOG_BYTES), str(path))


FILE_FORMATS: dict[str, Callable[[Path], OutcomeTable]] = {
    "routerbench": _routerbench_file,
    "outcomes": _outcomes_file,
}


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
    path = Path(location)
    return PUBLIC_SETS[fmt](path) if fmt in PUBLIC_SETS else FILE_FORMATS[fmt](path)


def load_table(fmt: ReplayFormat, path: str | Path | None = None, data_dir: str | Path | None = None) -> OutcomeTable:
    """The recorded outcome table of a format: a public set from the data directory, or a file."""
    if fmt in PUBLIC_SETS:
        root = require_set(fmt, data_dir).resolve()
        return _cached_table(fmt, str(root), _signature([root / p for p in set_files(fmt)]))
    if fmt not in FILE_FORMATS:
        raise LabError(f"unknown replay format '{fmt}'; known: {', '.join([*PUBLIC_SETS, *FILE_FORMATS])}")
    if not path:
        raise LabError(f"a '{fmt}' scenario needs source.path: the file to replay")
    file = Path(path).expanduser()
    if not file.is_file():
        raise LabError(f"{file}: no such file (source.path of a '{fmt}' scenario)")
    file = file.resolve()
    return _cached_table(fmt, str(file), _signature([file]))


def same_model(key: str, recorded: str) -> bool:
    """Whether a litellm key names the recorded model (equal, or one is the other with a provider prefix)."""
    a, b = key.lower(), recorded.lower()
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def source_models(scenario: Scenario, table: OutcomeTable) -> tuple[str, ...]:
    """The recorded models a scenario replays, cheapest first, one per scenario model."""
    names = tuple(scenario.replay.source_models) if scenario.replay.source_models else mean_cost_order(table)
    if len(names) != len(scenario.models):
        raise LabError(
            f"scenario '{scenario.name}' has {len(scenario.models)} models but replays {len(names)} recorded ones "
            f"({', '.join(names)}): list the recorded columns to replay in source.source_models, cheapest first"
        )
    return names


def repricing_notes(models: list[ModelSpec], names: tuple[str, ...]) -> tuple[str, ...]:
    """A note per scenario model that re-prices another recorded model (quality is the recorded model's)."""
    return tuple(
        f"re-priced: {spec.name} is priced as {spec.key} ({spec.price_source}) but its quality is as recorded "
        f"for {name}; {spec.key} itself may answer differently"
        for spec, name in zip(models, names)
        if not same_model(spec.key, name)
    )


@lru_cache(maxsize=8)
def _cached_queries(
    table: OutcomeTable,
    names: tuple[str, ...],
    token_key: str,
    typical: tuple[tuple[str, float], ...],
    keep_cost: bool,
    name: str,
    notes: tuple[str, ...],
) -> QuerySet:
    return to_queryset(
        table,
        names,
        token_model_key=token_key,
        typical_output_tokens=dict(typical),
        keep_cost=keep_cost,
        name=name,
        notes=notes,
    )


def replay_queries(scenario: Scenario, data_dir: str | Path | None = None) -> QuerySet:
    """The QuerySet a replay scenario names: recorded outcomes of its source models, priced by its models."""
    source = scenario.replay
    table = load_table(source.format, source.path, data_dir)
    names = source_models(scenario, table)
    typical = {}
    for spec, name in zip(scenario.models, names):
        value = source.typical_output_tokens.get(name, source.typical_output_tokens.get(spec.key))
        if value is not None:
            typical[name] = float(value)
    repriced = repricing_notes(list(scenario.models), names)
    return _cached_queries(
        table,
        names,
        scenario.models[-1].key,
        tuple(sorted(typical.items())),
        not repriced,
        scenario.title or scenario.name,
        repriced,
    )


@lru_cache(maxsize=4)
def _trained_classifier(
    table: OutcomeTable, regularisation_c: float, max_train_queries: int, seed: int
) -> RouterClassifier:
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
