"""What a failure did, in words derived from the figures: the Lab page says it under the failure cards.

A failure that makes the router escalate less shows a lower bill beside lower quality; on cards alone it reads
as a win. The story names what changed (where the calls went, quality, cost) and why a saving under a failure is
not a gain: it is bought with quality, either as a trade the clean router offers too (the failure moved the
operating point down the same curve, without anyone choosing it) or below that curve (at that cost the clean
router keeps more quality). Whether two sweeps draw the same curve is decided here too, so the page can say so
instead of drawing a line exactly on top of another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.experiment import run
from lab.core.metrics import Summary
from lab.core.routing import Result
from lab.core.sweep import Sweep, quality_within_cost
from lab.failures.injection import live_thresholds
from lab.failures.world import World
from lab.present.text import duration, pct, usd

QUALITY_STEP = 0.005  # changes of quality retained below half a point are "about the same"
COST_STEP = 0.01  # changes of cost below 1% are "about the same"
SAME_CURVE = 0.005  # two curves closer than this share of the plot's y range everywhere are one line


@dataclass(frozen=True)
class Change:
    """A failure's effect on a run, from the two Summaries: signed changes and what they mean."""

    quality_pts: float  # quality retained (share of always-strongest), injected minus clean, x 100
    monthly_cost_usd: float
    cost_ratio: float  # injected / clean monthly cost
    strong_share_pts: float
    latency_p95_ms: float

    @classmethod
    def of(cls, clean: Summary, injected: Summary, monthly_usd: tuple[float, float] | None = None) -> Change:
        """The change from the clean run to the run with failures; `monthly_usd` (clean, injected) gives the monthly
        costs at another traffic or prices (a projection's month 1), else the Summaries' own."""
        before, after = monthly_usd or (clean.monthly_cost_usd, injected.monthly_cost_usd)
        ratio = after / before if before > 0 else 1.0
        return cls(
            quality_pts=(injected.quality_retained - clean.quality_retained) * 100,
            monthly_cost_usd=after - before,
            cost_ratio=ratio,
            strong_share_pts=(injected.strong_share - clean.strong_share) * 100,
            latency_p95_ms=injected.latency_p95_ms - clean.latency_p95_ms,
        )

    @property
    def quality_falls(self) -> bool:
        """Quality retained fell by half a point or more."""
        return self.quality_pts <= -QUALITY_STEP * 100

    @property
    def quality_rises(self) -> bool:
        """Quality retained rose by half a point or more."""
        return self.quality_pts >= QUALITY_STEP * 100

    @property
    def cheaper(self) -> bool:
        """The bill fell by 1% or more."""
        return self.cost_ratio <= 1 - COST_STEP

    @property
    def dearer(self) -> bool:
        """The bill rose by 1% or more."""
        return self.cost_ratio >= 1 + COST_STEP


def _what_happened(name: str, clean: Summary, injected: Summary, change: Change, strong_model: str) -> str:
    moved = ""
    if abs(change.strong_share_pts) >= 1:
        moved = (
            f"the router sends {pct(injected.strong_share)} of queries to {strong_model} instead of "
            f"{pct(clean.strong_share)}, and "
        )
    quality = (
        f"quality falls {abs(change.quality_pts):.1f} pts to {pct(injected.quality_retained)} of always-strongest"
        if change.quality_falls
        else f"quality rises {change.quality_pts:.1f} pts to {pct(injected.quality_retained)} of always-strongest"
        if change.quality_rises
        else f"quality stays at {pct(injected.quality_retained)} of always-strongest"
    )
    cost = (
        f" while the bill rises {usd(change.monthly_cost_usd)} a month ({pct(change.cost_ratio - 1, 0)})"
        if change.dearer
        else f" and the bill falls {usd(-change.monthly_cost_usd)} a month"
        if change.cheaper
        else ""
    )
    return f"Under {name}, {moved}{quality}{cost}."


def failure_story(
    name: str,
    clean: Summary,
    injected: Summary,
    clean_sweep: Sweep,
    strong_model: str,
    strong_quality: float,
    monthly_usd: tuple[float, float] | None = None,
) -> str:
    """One or two sentences: what the failure did, and why a saving under it is not a gain (from the figures);
    money at the Summaries' traffic, or as `monthly_usd` (clean, injected) says."""
    change = Change.of(clean, injected, monthly_usd)
    first = _what_happened(name, clean, injected, change, strong_model)
    if change.cheaper and change.quality_falls:
        same_cost = quality_within_cost(clean_sweep, injected.cost_per_query_usd)
        retained = None if same_cost is None or strong_quality <= 0 else same_cost / strong_quality
        if retained is not None and retained - injected.quality_retained >= QUALITY_STEP:
            why = (
                f"The saving is not a gain: at that cost the clean router keeps {pct(retained)} of always-strongest's "
                f"quality, {(retained - injected.quality_retained) * 100:.1f} pts more; the failure pays for it with "
                "answers that should have been escalated."
            )
        else:
            why = (
                f"The saving is not a gain: it is bought with {abs(change.quality_pts):.1f} pts of quality, a trade "
                "the clean router offers too at a higher threshold; the failure made it without anyone choosing it."
            )
        return f"{first} {why}"
    if change.quality_falls and change.dearer:
        return f"{first} A loss on both counts: worse answers for more money."
    if change.quality_falls:
        return f"{first} The bill barely moves: the quality is simply lost."
    if change.dearer and not change.quality_rises:
        return f"{first} The extra spend buys no quality."
    if change.dearer and change.quality_rises:
        same_quality = _cost_at_quality(clean_sweep, injected.quality)
        if same_quality is not None:
            return (
                f"{first} The clean router reaches that quality for {usd(same_quality)} per 1,000 queries instead of "
                f"{usd(injected.cost_per_1k_usd)}: more escalations, paid for at the wrong queries."
            )
        return f"{first} More escalations, paid for."
    if change.latency_p95_ms >= 0.05 * max(clean.latency_p95_ms, 1.0):
        return f"{first} Every request waits longer: p95 latency rises {duration(change.latency_p95_ms)}."
    if change.cheaper:
        return f"{first} Check the baseline: a saving under a failure usually means a cost moved somewhere else."
    return f"{first} At this severity the failure barely moves quality, cost or latency."


def injected_run(
    world: World, failures: dict[str, float], thresholds: tuple[float, ...], clean: Summary
) -> tuple[Result, Summary, str | None]:
    """The run with failures beside a clean run at `thresholds` (retuned where a failure acts through tuning), and
    the note saying so."""
    used, note = live_thresholds(world, failures, thresholds, clean)
    result, summary = run(world.experiment, world.signals, used)
    return result, summary, note


def _cost_at_quality(sweep: Sweep, quality: float) -> float | None:
    reached = sweep.quality >= quality - 1e-12
    return float(sweep.cost_per_query_usd[reached].min() * 1000) if reached.any() else None


def curves_coincide(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, y_span: float) -> bool:
    """Whether two curves y(x) draw one line: the same x range (within 1%) and everywhere within SAME_CURVE of y_span."""
    x1, y1, x2, y2 = (np.asarray(v, dtype=float) for v in (x1, y1, x2, y2))
    ok1, ok2 = np.isfinite(x1) & np.isfinite(y1), np.isfinite(x2) & np.isfinite(y2)
    if ok1.sum() < 2 or ok2.sum() < 2:
        return False
    x1, y1, x2, y2 = x1[ok1], y1[ok1], x2[ok2], y2[ok2]
    width = max(x1.max() - x1.min(), x2.max() - x2.min(), 1e-12)
    if abs(x1.min() - x2.min()) > 0.01 * width or abs(x1.max() - x2.max()) > 0.01 * width:
        return False
    o1, o2 = np.argsort(x1, kind="stable"), np.argsort(x2, kind="stable")
    tol = SAME_CURVE * max(y_span, 1e-12)
    return bool(
        np.all(np.abs(np.interp(x1, x2[o2], y2[o2]) - y1) <= tol)
        and np.all(np.abs(np.interp(x2, x1[o1], y1[o1]) - y2) <= tol)
    )
