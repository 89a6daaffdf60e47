"""Comparing strategies on one scenario: APGR, CPT(50%), CPT(80%), AIQ, savings at equal quality, and each
strategy against the best single model (at that model's cost) and the oracle (at the oracle's cost)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.core.metrics import Baselines, SingleModels, Summary
from lab.core.sweep import Sweep, quality_within_cost


def savings_at_quality(sweep: Sweep, baselines: Baselines, quality_retained: float) -> float | None:
    """Savings against always-strongest at the cheapest sweep point keeping `quality_retained` of its quality (None if never)."""
    target = quality_retained * baselines.mean_quality_strong
    reached = sweep.quality >= target - 1e-12
    if not reached.any() or baselines.mean_cost_strong_usd <= 0:
        return None
    return float(1 - sweep.cost_per_query_usd[reached].min() / baselines.mean_cost_strong_usd)


def vs_best_single(sweep: Sweep, singles: SingleModels) -> float | None:
    """Quality the sweep reaches at the best single model's cost or less, minus that model's (None if never that cheap)."""
    reached = quality_within_cost(sweep, float(singles.cost_per_query_usd[singles.best]))
    return None if reached is None else reached - float(singles.quality[singles.best])


def gap_to_oracle(sweep: Sweep, oracle: Summary) -> float | None:
    """The oracle's quality minus the best the sweep reaches at the oracle's cost or less (None if never that cheap)."""
    reached = quality_within_cost(sweep, oracle.cost_per_query_usd)
    return None if reached is None else oracle.quality - reached


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def comparison_table(
    sweeps: dict[str, Sweep],
    baselines: Baselines,
    quality_retained: float,
    singles: SingleModels | None = None,
    oracle: Summary | None = None,
) -> pd.DataFrame:
    """One row per strategy: APGR, CPT(50%), CPT(80%), AIQ, savings at `quality_retained` of always-strongest's
    quality; with `singles` and `oracle`, its quality against the best single model and its gap to the oracle."""
    rows = []
    for strategy, s in sweeps.items():
        row = {
            "strategy": strategy,
            "APGR": s.apgr,
            "CPT(50%)": _nan(s.cpt50),
            "CPT(80%)": _nan(s.cpt80),
            "AIQ": s.aiq,
            "savings at equal quality": savings_at_quality(s, baselines, quality_retained),
        }
        if singles is not None:
            row["vs best single model"] = _nan(vs_best_single(s, singles))
        if oracle is not None:
            row["gap to oracle"] = _nan(gap_to_oracle(s, oracle))
        rows.append(row)
    return pd.DataFrame(rows)


def best_single_verdict(table: pd.DataFrame, singles: SingleModels) -> str:
    """Which strategies beat the best single model at its cost, in a sentence read off the table."""
    column = table.get("vs best single model")
    if column is None or column.isna().all():
        return ""
    name = f"always-{singles.best_name}"
    winners = list(table.loc[column > 0, "strategy"])
    if not winners:
        return f"Here no strategy beats {name} at its cost: routing pays only if it buys something else (latency, a quality floor)."
    return f"At {name}'s cost, {', '.join(winners)} {'beats' if len(winners) == 1 else 'beat'} it."
