"""The headline figures of a run as display-ready cards, each with its 95% interval.

Quality retained, savings, monthly cost and p95 latency take their intervals from the Summary
(bootstrap and order statistics); the strong share is exact for this query set at these
thresholds, and its interval is the Wilson interval for a share of n queries (how much it would
move on another sample of the same traffic).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from lab.core.metrics import Summary
from lab.present.text import duration, pct, signed, usd

Z95 = 1.959963984540054


DeltaColour = Literal["normal", "inverse", "off"]


@dataclass(frozen=True)
class Kpi:
    """One card: label, value, its 95% interval as text, a change against a reference run, a tooltip.

    colour: how the change is coloured (Streamlit's delta_color): None = green when it moves the good way
    (good_when_up), red otherwise; "off" = grey (a failure's lower bill is not good news).
    """

    label: str
    value: str
    interval: str
    delta: str | None
    help: str
    good_when_up: bool = True
    colour: DeltaColour | None = None

    @property
    def delta_colour(self) -> DeltaColour:
        """Streamlit's delta_color for this card's change."""
        if self.colour is not None:
            return self.colour
        return "normal" if self.good_when_up else "inverse"


def wilson_interval(share: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share observed on n draws."""
    if n <= 0:
        return (float("nan"), float("nan"))
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _change(value: float, reference: float | None, fmt) -> str | None:
    return None if reference is None else signed(value - reference, fmt)


def _failure_colours(cards: list[Kpi], summary: Summary, reference: Summary) -> list[Kpi]:
    """Under a failure only quality is good news when it rises: a lower bill, higher savings or a faster p95 are
    grey (they come from the failure, paid for elsewhere), a change for the worse stays red; the strong share is grey."""
    better = {
        "Savings": summary.savings > reference.savings,
        "Monthly cost": summary.monthly_cost_usd < reference.monthly_cost_usd,
        "p95 latency": summary.latency_p95_ms < reference.latency_p95_ms,
        "Strong share": True,
    }
    return [replace(card, colour="off") if better.get(card.label, False) else card for card in cards]


def kpi_cards(summary: Summary, reference: Summary | None = None, failure: bool = False) -> list[Kpi]:
    """Five cards: quality vs always-strongest, savings, monthly cost, strong share, p95 latency; deltas against
    `reference` (the clean run when `failure`: then a change that looks like a gain is not coloured as one)."""
    cards = _cards(summary, reference)
    return _failure_colours(cards, summary, reference) if failure and reference is not None else cards


def _cards(summary: Summary, reference: Summary | None) -> list[Kpi]:
    ref = reference
    lo, hi = wilson_interval(summary.strong_share, summary.n_queries)
    return [
        Kpi(
            "Quality vs always-strongest",
            pct(summary.quality_retained),
            f"95%: {pct(summary.quality_retained_ci[0])} to {pct(summary.quality_retained_ci[1])}",
            _change(summary.quality_retained, ref.quality_retained if ref else None, lambda v: pct(v) + " pts"),
            "Mean quality of the answers served, as a share of always-strongest's (bootstrap interval over queries).",
        ),
        Kpi(
            "Savings",
            pct(summary.savings),
            f"95%: {pct(summary.savings_ci[0])} to {pct(summary.savings_ci[1])}",
            _change(summary.savings, ref.savings if ref else None, lambda v: pct(v) + " pts"),
            "1 - cost / cost of always-strongest, router and scorer calls included (bootstrap interval).",
        ),
        Kpi(
            "Monthly cost",
            usd(summary.monthly_cost_usd),
            f"95%: {usd(summary.monthly_cost_ci[0])} to {usd(summary.monthly_cost_ci[1])}",
            _change(summary.monthly_cost_usd, ref.monthly_cost_usd if ref else None, usd),
            f"Cost per query x {summary.queries_per_day:,.0f} queries/day x 30 days; always-strongest: {usd(summary.baseline_monthly_cost_usd)}.",
            good_when_up=False,
        ),
        Kpi(
            "Strong share",
            pct(summary.strong_share),
            f"95%: {pct(lo)} to {pct(hi)}",
            _change(summary.strong_share, ref.strong_share if ref else None, lambda v: pct(v) + " pts"),
            f"Share of queries served by the strongest model (Wilson interval over {summary.n_queries:,} queries).",
            good_when_up=False,
        ),
        Kpi(
            "p95 latency",
            duration(summary.latency_p95_ms),
            f"95%: {duration(summary.latency_p95_ci[0])} to {duration(summary.latency_p95_ci[1])}",
            _change(summary.latency_p95_ms, ref.latency_p95_ms if ref else None, duration),
            f"95th percentile of per-query latency, every call on the path included; p50 {duration(summary.latency_p50_ms)}.",
            good_when_up=False,
        ),
    ]
