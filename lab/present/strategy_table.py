"""Comparing strategies on one scenario: APGR, CPT(50%), CPT(80%), AIQ and savings at equal quality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.core.metrics import Baselines
from lab.core.sweep import Sweep


def savings_at_quality(sweep: Sweep, baselines: Baselines, quality_retained: float) -> float | None:
    """Savings against always-strongest at the cheapest sweep point keeping `quality_retained` of its quality (None if never)."""
    target = quality_retained * baselines.mean_quality_strong
    reached = sweep.quality >= target - 1e-12
    if not reached.any() or baselines.mean_cost_strong_usd <= 0:
        return None
    return float(1 - sweep.cost_per_query_usd[reached].min() / baselines.mean_cost_strong_usd)


def comparison_table(sweeps: dict[str, Sweep], baselines: Baselines, quality_retained: float) -> pd.DataFrame:
    """One row per strategy: APGR, CPT(50%), CPT(80%), AIQ, and savings at `quality_retained` of always-strongest's quality."""
    rows = []
    for strategy, s in sweeps.items():
        rows.append(
            {
                "strategy": strategy,
                "APGR": s.apgr,
                "CPT(50%)": np.nan if s.cpt50 is None else s.cpt50,
                "CPT(80%)": np.nan if s.cpt80 is None else s.cpt80,
                "AIQ": s.aiq,
                "savings at equal quality": savings_at_quality(s, baselines, quality_retained),
            }
        )
    return pd.DataFrame(rows)
