"""Recorded router signals: what a live run measured for the LLM router and the cascade, replayed as measured.

A query set read from a live run's outcome log holds what the run measured in a RecordedSignals
(lab.core.recordings); the llm-router and cascade strategies then use those instead of simulated
signals (Signals.simulated is False and the description says 'recorded').

Failure modes still apply on top: a recorded confidence is rescored by `rescore_recorded_confidence`
when a failure sharpens, flattens or blurs the scorer, with the same knobs as a simulated one.
"""

from __future__ import annotations

import numpy as np

from lab.core.calls import CallTable
from lab.core.links import logit, normal_quantile, sigmoid
from lab.core.queryset import QuerySet
from lab.core.recordings import RecordedSignals
from lab.core.signals import Signals

RECORDED_STRATEGIES = ("llm-router", "cascade")
_CONFIDENCE_CLIP = 1e-4


def rating_scores(rating: np.ndarray) -> np.ndarray:
    """A 1-10 rating as a routing score in [0, 1]: rating/10 - 0.05, as the simulated router's."""
    return np.clip(np.asarray(rating, dtype=float), 1, 10) / 10 - 0.05


def auroc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of `score` for `positive` (ties count half); NaN without both classes."""
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    mid_rank = (upper - (counts - 1) / 2.0)[inverse]  # average 1-based rank of each tie group
    return float((mid_rank[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def rescore_recorded_confidence(
    recorded: np.ndarray,
    noise: np.ndarray,
    base_auroc: float,
    auroc_now: float,
    temperature: float,
    bias_logit: float,
) -> np.ndarray:
    """A recorded confidence under a failure's scorer knobs (unchanged at base AUROC, temperature 1, bias 0).

    Discrimination falls by blending each stage's log-odds with independent noise of the same
    spread: z' = mean + rho (z - mean) + sqrt(1 - rho^2) sd eps, rho = q(AUROC now) / q(base AUROC),
    q the normal quantile (the binormal model's separation). Then sigmoid(z' / temperature + bias).
    """
    same_auroc = auroc_now == base_auroc or (np.isnan(auroc_now) and np.isnan(base_auroc))
    if same_auroc and temperature == 1.0 and bias_logit == 0.0:
        return recorded
    z = logit(np.clip(recorded, _CONFIDENCE_CLIP, 1 - _CONFIDENCE_CLIP))
    base_q = normal_quantile(min(max(base_auroc, 1e-9), 1 - 1e-9)) if np.isfinite(base_auroc) else 0.0
    now_q = normal_quantile(min(max(auroc_now, 1e-9), 1 - 1e-9)) if np.isfinite(auroc_now) else 0.0
    rho = float(np.clip(now_q / base_q, 0.0, 1.0)) if abs(base_q) > 1e-9 else 1.0
    if rho < 1.0:
        mean, sd = z.mean(axis=0, keepdims=True), z.std(axis=0, keepdims=True)
        z = mean + rho * (z - mean) + np.sqrt(1 - rho**2) * sd * noise
    return np.asarray(sigmoid(z / temperature + bias_logit))


def _router(queries: QuerySet, calls: CallTable, rec: RecordedSignals) -> Signals:
    assert rec.router_rating is not None
    n = queries.n_queries
    extra_cost = np.zeros(n) if rec.router_cost_usd is None else np.nan_to_num(rec.router_cost_usd)
    extra_ms = np.zeros(n) if rec.router_latency_ms is None else np.nan_to_num(rec.router_latency_ms)
    malformed = 0 if rec.router_malformed is None else int(rec.router_malformed.sum())
    return Signals(
        "llm-router",
        rating_scores(rec.router_rating),
        calls.cost_usd + extra_cost[:, None],
        calls.latency_ms + extra_ms[:, None],
        f"recorded LLM router ({rec.router_model or 'router model'}) rating 1-10 in a live run; "
        f"{malformed:,} of {n:,} replies malformed, rated {rec.router_fallback_rating:g} (the stated fallback)",
        simulated=False,
    )


def _cascade(queries: QuerySet, calls: CallTable, rec: RecordedSignals, pass_mark: float, rng) -> Signals:
    n, m = queries.n_queries, queries.n_models
    stages = queries.model_names[: m - 1]
    confidence = np.column_stack([rec.confidence[name] for name in stages]).astype(float)
    scorer_cost = np.column_stack([np.nan_to_num(rec.confidence_cost_usd.get(name, np.zeros(n))) for name in stages])
    scorer_ms = np.column_stack([np.nan_to_num(rec.confidence_latency_ms.get(name, np.zeros(n))) for name in stages])
    stage_cost = calls.cost_usd.astype(np.float64, copy=True)
    stage_ms = calls.latency_ms.astype(np.float64, copy=True)
    stage_cost[:, : m - 1] += scorer_cost
    stage_ms[:, : m - 1] += scorer_ms
    good = queries.quality[:, : m - 1] >= pass_mark
    base = auroc(confidence[:, 0], good[:, 0])
    methods = []
    for name in stages:
        kinds, counts = np.unique(
            rec.confidence_method.get(name, np.full(n, "unstated")).astype(str), return_counts=True
        )
        methods.append(f"{name}: " + ", ".join(f"{kind} {count:,}" for kind, count in zip(kinds, counts)))
    score = 1.0 - confidence
    return Signals(
        "cascade",
        score if m > 2 else score[:, 0],
        np.cumsum(stage_cost, axis=1),
        np.cumsum(stage_ms, axis=1),
        f"cascade with confidences recorded in a live run ({'; '.join(methods)}); AUROC {base:.2f} against the "
        "graded answers; escalate when 1 - confidence > threshold",
        simulated=False,
        escalates=True,
        knobs={"auroc": base, "temperature": 1.0, "bias_logit": 0.0},
        draws={
            "noise": rng.standard_normal((n, m - 1)),
            "recorded_confidence": confidence,
            "recorded_auroc": np.full(n, base),
        },
    )


def recorded_signals(
    strategy: str, queries: QuerySet, calls: CallTable, pass_mark: float, rng: np.random.Generator
) -> Signals | None:
    """The Signals of `strategy` from the query set's recorded signals, or None where it has none for it."""
    rec = queries.recorded
    if rec is None or strategy not in RECORDED_STRATEGIES or not rec.covers(strategy, queries.model_names):
        return None
    if strategy == "llm-router":
        return _router(queries, calls, rec)
    return _cascade(queries, calls, rec, pass_mark, rng)
