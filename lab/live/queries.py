"""The queries a live run sends: a file of prompts (with optional reference answers), or a scenario's queries; a sample.

A prompts file is CSV, JSONL or Parquet with a `text` column (the prompt) and optional `id`,
`category` and `reference` (the expected final answer: a number, a choice letter, or exact text).
A scenario's queries are its generated or replayed query texts (without references: a judge grades).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from lab.core.errors import DataError, LabError

PROMPTS_HELP = "a prompts file needs a 'text' column (the prompt); optional columns: id, category, reference"
MAX_PROMPTS_FILE_BYTES = 200_000_000


class LiveQuery(BaseModel):
    """One query to send: id, text, category, and an optional reference answer."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    category: str = "all"
    reference: str | None = None


def queries_from_file(path: str | Path) -> list[LiveQuery]:
    """The queries in a prompts file (CSV, JSONL, Parquet); see queries_from_bytes."""
    from lab.sources.outcome_files import read_bytes

    file = Path(path).expanduser()
    return queries_from_bytes(read_bytes(file, MAX_PROMPTS_FILE_BYTES), str(file))


def queries_from_bytes(data: bytes, filename: str) -> list[LiveQuery]:
    """The queries in a prompts file's bytes; no text column, an empty text or a repeated id is a DataError."""
    from lab.sources.outcome_files import read_table

    if len(data) > MAX_PROMPTS_FILE_BYTES:
        raise DataError(f"is above {MAX_PROMPTS_FILE_BYTES / 1e6:,.0f} MB", file=filename, fix="send a sample of it")
    frame = read_table(data, Path(filename).name)
    if "text" not in frame.columns:
        found = ", ".join(list(frame.columns)[:8]) or "none"
        raise DataError(f"has no 'text' column (columns found: {found})", file=filename, fix=PROMPTS_HELP)
    texts = frame["text"]
    empty = texts.isna().to_numpy() | (texts.astype(str).str.strip() == "").to_numpy()
    if empty.any():
        raise DataError("has no text", file=filename, row=int(np.argmax(empty)) + 1, column="text", fix=PROMPTS_HELP)
    n = len(frame)
    ids = frame["id"].astype(str).tolist() if "id" in frame.columns else [str(i) for i in range(1, n + 1)]
    if "id" in frame.columns:
        repeated = frame["id"].astype(str).duplicated().to_numpy() | frame["id"].isna().to_numpy()
        if repeated.any():
            raise DataError(
                "is empty or repeats an earlier id", file=filename, row=int(np.argmax(repeated)) + 1, column="id"
            )
    categories = frame["category"].fillna("all").astype(str).tolist() if "category" in frame.columns else ["all"] * n
    references: list[str | None] = [None] * n
    if "reference" in frame.columns:
        references = [None if _missing(v) else str(v).strip() or None for v in frame["reference"].tolist()]
    return [
        LiveQuery(id=i, text=str(t), category=c, reference=r)
        for i, t, c, r in zip(ids, texts.astype(str).tolist(), categories, references)
    ]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def queries_from_scenario(name: str, data_dir: str | None = None) -> tuple[list[LiveQuery], str]:
    """A scenario's queries (generated or replayed) and its name."""
    from lab.core.scenario import load_scenario
    from lab.sources.loader import load_queries

    scenario = load_scenario(name)
    queryset, _ = load_queries(scenario, data_dir)
    queries = [
        LiveQuery(id=str(i), text=str(t), category=str(c))
        for i, t, c in zip(queryset.ids.tolist(), queryset.text.tolist(), queryset.category.tolist())
    ]
    return queries, scenario.name


def sample_queries(queries: list[LiveQuery], n: int | None, seed: int, source: str) -> list[LiveQuery]:
    """`n` queries drawn without replacement (in their original order), or all of them when n is None."""
    if n is None:
        return list(queries)
    if n < 1:
        raise LabError(f"--sample {n}: give a positive number of queries")
    if n > len(queries):
        raise LabError(
            f"--sample {n} is larger than the {len(queries):,} queries in {source}; give at most {len(queries):,}"
        )
    rng = np.random.default_rng([seed, 0x5A3])
    keep = np.sort(rng.choice(len(queries), size=n, replace=False))
    return [queries[i] for i in keep]
