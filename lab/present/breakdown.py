"""Breakdowns of a Result for display: who served which category, and which queries were misrouted.

Aggregates only (counts per category and tier), so a page sends a few dozen numbers to the
browser, never a row per query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from lab.core.calls import CallTable
from lab.core.queryset import QuerySet
from lab.core.routing import Result, explain_routes, pick_many
from lab.core.signals import Signals
from lab.core.strategies import oracle_tiers

if TYPE_CHECKING:
    import pandas as pd

Misroute = Literal["all", "under", "over", "right"]
MISROUTE_LABELS: dict[str, str] = {
    "all": "every query",
    "under": "lost quality: another model answered better",
    "over": "overpaid: a model answering as well cost less",
    "right": "served the cheapest model that does best",
}


@dataclass(frozen=True, eq=False)
class CategorySplit:
    """Who served each category: queries served per (category, model) and their share of the category."""

    categories: tuple[str, ...]  # (k,) sorted
    model_names: tuple[str, ...]  # (m,) cheapest first
    n_served: np.ndarray  # (k, m) int: queries of category c served by model j
    share: np.ndarray  # (k, m) float in [0, 1]: n_served / the category's queries; each row sums to 1


def category_split(result: Result, queries: QuerySet) -> CategorySplit:
    """Per category and model: queries served and their share of the category."""
    k, m = len(queries.categories), queries.n_models
    cell = queries.category_codes * m + result.tier.astype(np.intp)
    counts = np.bincount(cell, minlength=k * m).reshape(k, m)
    totals = counts.sum(axis=1, keepdims=True)
    return CategorySplit(queries.categories, queries.model_names, counts, counts / np.maximum(totals, 1))


def misroutes(result: Result, queries: QuerySet, calls: CallTable) -> np.ndarray:
    """Per query against the oracle (hindsight, on that query's own costs): -1 under (another model answered
    better), +1 over (as good as any, but a model answering as well cost less), 0 right."""
    best = oracle_tiers(queries, calls.cost_usd)
    served_quality, served_cost = pick_many(result.tier, queries.quality, calls.cost_usd)
    best_quality, best_cost = pick_many(best, queries.quality, calls.cost_usd)
    return np.where(served_quality < best_quality, -1, (served_cost > best_cost).astype(np.int8)).astype(np.int8)


def select_queries(
    result: Result, queries: QuerySet, calls: CallTable, categories: list[str] | tuple[str, ...], misroute: Misroute
) -> np.ndarray:
    """Positions of the queries in these categories (all when empty) with this kind of misroute."""
    mask = np.ones(queries.n_queries, dtype=bool)
    if categories:
        mask &= np.isin(queries.category, list(categories))
    if misroute != "all":
        wanted = {"under": -1, "over": 1, "right": 0}[misroute]
        mask &= misroutes(result, queries, calls) == wanted
    return np.flatnonzero(mask)


def misroute_counts(result: Result, queries: QuerySet, calls: CallTable) -> dict[str, int]:
    """How many queries fall under each misroute kind."""
    kinds = misroutes(result, queries, calls)
    return {"under": int(np.sum(kinds < 0)), "over": int(np.sum(kinds > 0)), "right": int(np.sum(kinds == 0))}


def decisions_table(
    signals: Signals, result: Result, queries: QuerySet, calls: CallTable, index: np.ndarray
) -> pd.DataFrame:
    """The listed queries' decisions: text, score, model served, its quality, the oracle's model, the reason."""
    import pandas as pd  # here, not at module level: the Lab page's path never needs pandas

    index = np.asarray(index, dtype=np.intp)
    names = np.asarray(queries.model_names, dtype=object)
    best = oracle_tiers(queries, calls.cost_usd)[index]
    kinds = misroutes(result, queries, calls)[index]
    score = signals.score[index]
    frame = pd.DataFrame(
        {
            "id": queries.ids[index],
            "category": queries.category[index],
            "text": queries.text[index],
            "served": names[result.tier[index]],
            "reason": explain_routes(signals, result, queries.model_names, index),
            "misroute": np.array(["under", "right", "over"], dtype=object)[kinds + 1],
            "cheapest_best": names[best],
            "quality_served": result.quality[index],
            "score": score.max(axis=1) if score.ndim == 2 else score,
            "cost_usd": result.cost_usd[index],
            "prompt_tokens": queries.prompt_tokens[index],
        }
    )
    return frame
