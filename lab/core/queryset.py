"""QuerySet: the outcome matrix of n queries x m models, columnar (numpy), models cheapest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from lab.core.errors import LabError
from lab.core.recordings import RecordedSignals

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class QuerySet:
    """n queries and how each of m models (tier 0 = cheapest) did on them.

    quality[i, j] in [0, 1] is model j's quality on query i (correctness, or a judge score
    normalised); output_tokens[i, j] its answer length; cost_usd[i, j], where present, the
    cost recorded by the source (otherwise cost is tokens x price).
    """

    name: str
    model_names: tuple[str, ...]
    ids: np.ndarray  # (n,) str or int
    text: np.ndarray  # (n,) object (str)
    category: np.ndarray  # (n,) object (str)
    prompt_tokens: np.ndarray  # (n,) int
    quality: np.ndarray  # (n, m) float
    output_tokens: np.ndarray  # (n, m) float
    cost_usd: np.ndarray | None = None  # (n, m) float, recorded cost where the source has it
    notes: tuple[str, ...] = field(default_factory=tuple)  # provenance and assumptions to show
    recorded: RecordedSignals | None = None  # router and cascade signals measured by a live run

    def __post_init__(self) -> None:
        # column-major: routing reads one model's column at a time
        for name in ("quality", "output_tokens", "cost_usd"):
            value = getattr(self, name)
            if value is not None and not value.flags.f_contiguous:
                object.__setattr__(self, name, np.asfortranarray(value))
        n, m = self.n_queries, self.n_models
        if m < 2:
            raise LabError(f"query set '{self.name}' has {m} model(s); routing needs at least 2")
        if len(self.model_names) != m:
            raise LabError(f"query set '{self.name}': {len(self.model_names)} model names for {m} quality columns")
        for label, arr, shape in (
            ("ids", self.ids, (n,)),
            ("text", self.text, (n,)),
            ("category", self.category, (n,)),
            ("prompt_tokens", self.prompt_tokens, (n,)),
            ("output_tokens", self.output_tokens, (n, m)),
        ):
            if arr.shape != shape:
                raise LabError(f"query set '{self.name}': {label} has shape {arr.shape}, expected {shape}")
        if self.cost_usd is not None and self.cost_usd.shape != (n, m):
            raise LabError(f"query set '{self.name}': cost_usd has shape {self.cost_usd.shape}, expected {(n, m)}")
        if n == 0:
            raise LabError(f"query set '{self.name}' has no queries")
        if not np.all(np.isfinite(self.quality)) or self.quality.min() < 0 or self.quality.max() > 1:
            raise LabError(f"query set '{self.name}': quality must be finite and in [0, 1]")
        if self.recorded is not None:
            self.recorded.check(n, f"query set '{self.name}'")

    @property
    def n_queries(self) -> int:
        """Number of queries n."""
        return int(self.quality.shape[0])

    @property
    def n_models(self) -> int:
        """Number of models m."""
        return int(self.quality.shape[1])

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """The distinct categories, sorted; computed once per query set."""
        return tuple(sorted(set(self.category.tolist())))

    @cached_property
    def category_codes(self) -> np.ndarray:
        """Per query, the position of its category in `categories`; computed once per query set."""
        position = {name: k for k, name in enumerate(self.categories)}
        return np.fromiter(map(position.__getitem__, self.category), dtype=np.intp, count=self.n_queries)

    def read_only(self) -> QuerySet:
        """This query set with its arrays made read-only (it is shared through caches: nobody may change it in place)."""
        for array in (
            self.ids,
            self.text,
            self.category,
            self.prompt_tokens,
            self.quality,
            self.output_tokens,
            self.cost_usd,
        ):
            if isinstance(array, np.ndarray):
                array.flags.writeable = False
        return self

    def take(self, index: np.ndarray, name: str | None = None) -> QuerySet:
        """The queries at `index` (positions or a boolean mask), as a new QuerySet."""
        return QuerySet(
            name=name or self.name,
            model_names=self.model_names,
            ids=self.ids[index],
            text=self.text[index],
            category=self.category[index],
            prompt_tokens=self.prompt_tokens[index],
            quality=self.quality[index],
            output_tokens=self.output_tokens[index],
            cost_usd=None if self.cost_usd is None else self.cost_usd[index],
            notes=self.notes,
            recorded=None if self.recorded is None else self.recorded.take(index),
        )

    def to_frame(self, index: np.ndarray | slice | None = None) -> pd.DataFrame:
        """The queries (all, or those at `index`) as a display table, one quality column per model."""
        import pandas as pd  # here, not at module level: the engine's default path never needs pandas

        sel = slice(None) if index is None else index
        frame = pd.DataFrame(
            {
                "id": self.ids[sel],
                "category": self.category[sel],
                "prompt_tokens": self.prompt_tokens[sel],
                "text": self.text[sel],
            }
        )
        for j, model in enumerate(self.model_names):
            frame[f"quality:{model}"] = self.quality[sel, j]
        return frame
