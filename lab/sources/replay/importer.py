"""`routing-lab import FORMAT PATH`: check a recorded-outcome source and write a scenario that replays it;
and `read_log`, the same file formats read from bytes (the Data page's uploads), detected or chosen.

For a public set PATH is the data directory (holding routellm/ or routerarena/) and the scenario is
the built-in one; for a file (routerbench, outcomes) the scenario names the file and prices each
recorded model: its litellm price where the key is known, else a per-token price derived from the
file's recorded cost, else the closest litellm key's price, stated as an assumption to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import numpy as np
import yaml

from lab.core.errors import DataError, LabError
from lab.core.models import ModelSpec
from lab.core.pricing import closest_model_keys, litellm_version, token_prices_usd
from lab.core.queryset import QuerySet
from lab.core.scenario import ReplayFormat, Scenario, builtin_scenarios, load_scenario, parse_scenario
from lab.sources.outcome_files import read_table
from lab.sources.outcome_log import DEFAULT_OUTPUT_TOKENS, MAX_OUTCOME_LOG_BYTES, parse_outcome_table
from lab.sources.outcomes import OutcomeTable, mean_cost_order, to_queryset
from lab.sources.replay import FILE_FORMATS, PUBLIC_SETS, load_table
from lab.sources.replay.routerbench import quality_columns, routerbench_table

IMPORT_FORMATS = (*PUBLIC_SETS, *FILE_FORMATS)


@dataclass(frozen=True)
class Imported:
    """An imported source: its queries (source models, cheapest first), a scenario replaying it, and that scenario's YAML."""

    queries: QuerySet
    scenario: Scenario
    yaml_text: str

    def summary(self) -> list[str]:
        """What was read, as lines for people: size, models, baselines, and every note (drops, assumptions)."""
        q = self.queries
        means = q.quality.mean(axis=0)
        lines = [f"{q.name}: {q.n_queries:,} queries, {q.n_models} models (cheapest first)"]
        lines += [f"  {name}: mean quality {mean:.2%}" for name, mean in zip(q.model_names, means)]
        lines.append(f"  oracle (best model per query): {q.quality.max(axis=1).mean():.2%}")
        lines += [f"  note: {note}" for note in q.notes]
        return lines


def _model_entry(name: str, queries: QuerySet, j: int) -> dict:
    try:
        token_prices_usd(name)
        return {"key": name}
    except LabError:
        pass
    if queries.cost_usd is not None:
        tokens = float(queries.prompt_tokens.sum() + queries.output_tokens[:, j].sum())
        blended = float(queries.cost_usd[:, j].sum()) / tokens if tokens > 0 else 0.0
        return {
            "key": name,
            "input_usd_per_token": blended,
            "output_usd_per_token": blended,
            "price_source": "blended per-token price derived from the file's recorded cost (edit if you know the list price)",
        }
    near = closest_model_keys(name, n=1)
    if not near:
        raise LabError(
            f"model '{name}' is not in litellm {litellm_version()}'s price map and the file records no cost: "
            "name the column after a litellm key, or add cost_usd:<model> columns"
        )
    price_in, price_out = token_prices_usd(near[0])
    return {
        "key": name,
        "input_usd_per_token": price_in,
        "output_usd_per_token": price_out,
        "price_source": f"assumed: litellm {litellm_version()} price of {near[0]} (edit this)",
    }


def _file_queries(table: OutcomeTable) -> tuple[QuerySet, dict[str, float]]:
    """A file's queries, cheapest model first, and the assumed answer length of each model that records none."""
    names = mean_cost_order(table)
    recorded_lengths = ~np.isnan(table.output_tokens[:, [table.model_names.index(n) for n in names]]).all(axis=0)
    if table.answers is not None:
        answered = np.array(
            [np.any([a is not None for a in table.answers[:, table.model_names.index(n)]]) for n in names]
        )
        recorded_lengths |= answered
    typical = {name: DEFAULT_OUTPUT_TOKENS for name, known in zip(names, recorded_lengths) if not known}
    queries = to_queryset(table, names, typical_output_tokens=typical, default_output_tokens=DEFAULT_OUTPUT_TOKENS)
    return queries, typical


def _file_scenario(fmt: str, file: Path, table: OutcomeTable) -> tuple[QuerySet, dict]:
    queries, typical = _file_queries(table)
    names = queries.model_names
    source: dict[str, object] = {"kind": "replay", "format": fmt, "path": str(file), "source_models": list(names)}
    if typical:
        source["typical_output_tokens"] = typical
    stem = file.stem.lower().replace(" ", "-")
    data = {
        "name": stem,
        "title": f"Replay of {file.name}",
        "description": f"Outcomes recorded in {file.name} ({fmt} format), replayed as recorded.",
        "seed": 0,
        "models": [_model_entry(name, queries, j) for j, name in enumerate(names)],
        "source": source,
        "defaults": {"strategy": "classifier"},
    }
    return queries, data


def import_source(fmt: str, path: str | Path) -> Imported:
    """Read a source in `fmt` at `path` (a data directory for public sets, else a file) and the scenario replaying it."""
    if fmt not in IMPORT_FORMATS:
        raise LabError(f"unknown format '{fmt}'; known: {', '.join(IMPORT_FORMATS)}")
    known = cast(ReplayFormat, fmt)
    location = Path(path).expanduser()
    if fmt in PUBLIC_SETS:
        if not location.is_dir():
            raise LabError(
                f"{location}: for '{fmt}' give the data directory (the folder holding routellm/ and routerarena/)"
            )
        table = load_table(known, None, location)
        builtin = load_scenario(fmt) if fmt in builtin_scenarios() else None
        if builtin is None:
            raise LabError(f"no built-in scenario for '{fmt}'")
        names = tuple(builtin.replay.source_models or mean_cost_order(table))
        typical = {k: float(v) for k, v in builtin.replay.typical_output_tokens.items()}
        queries = to_queryset(table, names, typical_output_tokens=typical, token_model_key=builtin.models[-1].key)
        data = builtin.model_dump(mode="json", exclude_none=True)
        header = f"# Replays the public set '{fmt}' from the data directory: run with --data-dir {location.resolve()}\n"
    else:
        table = load_table(known, location)
        queries, data = _file_scenario(fmt, location.resolve(), table)
        header = f"# Replays {location.resolve()} ({fmt} format), written by `routing-lab import`.\n"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    scenario = parse_scenario(text, origin=f"scenario for {location}")
    imported = Imported(queries=queries, scenario=scenario, yaml_text="")
    comments = "".join(f"# {line}\n" for line in imported.summary())
    return Imported(queries=queries, scenario=scenario, yaml_text=header + comments + text)


# --- a log handed over as bytes (the Data page's upload): any file format the import command reads -------

FORMAT_TITLES: dict[str, str] = {
    "outcomes": "the lab's outcome format",
    "routerbench": "the RouterBench wide format",
}
UploadFormat = Literal["auto", "outcomes", "routerbench"]


@dataclass(frozen=True)
class UploadedLog:
    """A log read from bytes: its queries (cheapest model first), the format used and how it was chosen, and a
    price per model to start from (litellm's, else derived from the recorded cost, else an assumption said so)."""

    queries: QuerySet
    format: str
    how: str
    models: tuple[ModelSpec, ...]

    @property
    def format_title(self) -> str:
        """The format's name for people."""
        return FORMAT_TITLES[self.format]


def detect_format(columns: list[str], filename: str) -> tuple[str, str]:
    """The file format a table's columns are in, and why; a DataError naming what each format needs otherwise."""
    if any(str(c).startswith("quality:") for c in columns):
        return "outcomes", "it has quality:<model> columns"
    if "prompt" in columns and len(quality_columns(columns)) >= 2:
        return "routerbench", "it has a prompt column and one quality column per model"
    found = ", ".join(str(c) for c in columns[:8]) + (" ..." if len(columns) > 8 else "")
    raise DataError(
        f"is in no format the lab reads (columns found: {found or 'none'})",
        file=filename,
        fix="the outcome format needs text and quality:<model> columns; the RouterBench wide format needs prompt "
        "and one column per model named after it",
    )


def read_log(data: bytes, filename: str, fmt: UploadFormat = "auto") -> UploadedLog:
    """Read an uploaded log (.csv, .jsonl, .parquet) in `fmt`, or in the format its columns show ("auto")."""
    if fmt != "auto" and fmt not in FILE_FORMATS:
        raise LabError(f"unknown format '{fmt}'; known: auto, {', '.join(FILE_FORMATS)}")
    if len(data) > MAX_OUTCOME_LOG_BYTES:
        raise DataError(
            f"is {len(data) / 1e6:,.0f} MB, above the limit of {MAX_OUTCOME_LOG_BYTES / 1e6:,.0f} MB",
            file=filename,
            fix="split the log or keep a sample of it",
        )
    frame = read_table(data, filename)
    if fmt == "auto":
        used, why = detect_format([str(c) for c in frame.columns], filename)
        how = f"detected: {why}"
    else:
        used, how = fmt, "chosen"
    if used == "outcomes":
        table = parse_outcome_table(frame, filename)
        queries = to_queryset(table, table.model_names, default_output_tokens=DEFAULT_OUTPUT_TOKENS)
    else:
        queries, _ = _file_queries(routerbench_table(frame, filename))
    models = tuple(ModelSpec(**_model_entry(name, queries, j)) for j, name in enumerate(queries.model_names))
    return UploadedLog(queries=queries, format=used, how=how, models=models)
