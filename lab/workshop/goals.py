"""Goals an exercise checks live: a closed vocabulary of figures the lab computes, each with a bound.

A goal is a list of conditions that must all hold ("savings at least 40% and quality retained at
least 95%"). Each condition names one figure from METRICS and one bound (`at_least` or `at_most`).
The figures are the lab's own: the same Summary every page shows, the quality gap to the clean run
at the same thresholds, and the strategy's APGR against random's over a threshold sweep.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from lab.present.text import duration, pct, usd

Metric = Literal[
    "quality_retained",
    "savings",
    "strong_share",
    "quality",
    "pgr",
    "cost_per_1k_usd",
    "monthly_cost_usd",
    "latency_p95_ms",
    "quality_gap_points",
    "apgr_over_random",
]


@dataclass(frozen=True)
class MetricInfo:
    """How a figure is named and written for people, and what it means."""

    label: str
    fmt: Callable[[float], str]
    meaning: str


def _points(value: float) -> str:
    return "n/a" if value != value else f"{value:.1f} points"


def _signed3(value: float) -> str:
    return "n/a" if value != value else f"{value:+.3f}"


def _plain3(value: float) -> str:
    return "n/a" if value != value else f"{value:.3f}"


METRICS: dict[str, MetricInfo] = {
    "quality_retained": MetricInfo(
        "Quality retained", pct, "mean quality served as a share of always-strongest's (with the failures on)"
    ),
    "savings": MetricInfo("Savings", pct, "1 - cost per query / always-strongest's cost per query"),
    "strong_share": MetricInfo("Strong share", pct, "share of queries served by the strongest model"),
    "quality": MetricInfo("Quality", _plain3, "mean quality of the answers served, 0 to 1"),
    "pgr": MetricInfo("PGR", _plain3, "(Q - Q_weak) / (Q_strong - Q_weak): the share of the quality gap recovered"),
    "cost_per_1k_usd": MetricInfo("Cost per 1k queries", usd, "routed cost of 1,000 queries, every call paid for"),
    "monthly_cost_usd": MetricInfo("Monthly cost", usd, "cost per query x the scenario's queries per day x 30"),
    "latency_p95_ms": MetricInfo("p95 latency", duration, "95th percentile of each query's path latency"),
    "quality_gap_points": MetricInfo(
        "Quality below the clean run",
        _points,
        "100 x (clean quality - quality now), both at the same thresholds; the clean run has no failure and no remedy",
    ),
    "apgr_over_random": MetricInfo(
        "APGR minus random's",
        _signed3,
        "area under PGR over a threshold sweep, minus random routing's on the same queries (> 0 beats random)",
    ),
}


class Condition(BaseModel):
    """One figure and one bound: `at_least` or `at_most` (exactly one of them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: Metric
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        bound = self.at_least if self.at_least is not None else self.at_most
        if bound is None or not math.isfinite(bound):
            raise ValueError("the bound must be a finite number")
        return self

    @property
    def bound(self) -> float:
        """The target value."""
        return self.at_least if self.at_least is not None else self.at_most  # type: ignore[return-value]

    def holds(self, value: float | None) -> bool:
        """Whether `value` meets the bound (a missing or NaN figure never does)."""
        if value is None or value != value:
            return False
        return value >= self.bound - 1e-12 if self.at_least is not None else value <= self.bound + 1e-12

    def target_text(self) -> str:
        """The target in words: '>= 40.0%', '<= $3,200'."""
        sign = "≥" if self.at_least is not None else "≤"
        return f"{sign} {METRICS[self.metric].fmt(self.bound)}"


class ConditionStatus(BaseModel):
    """A condition checked against the figures now: the current value beside the target."""

    metric: Metric
    label: str
    target: str
    current: float | None
    current_text: str
    interval_text: str | None
    met: bool


class GoalStatus(BaseModel):
    """A goal checked now: met when every condition holds."""

    met: bool
    conditions: list[ConditionStatus]

    def summary(self) -> str:
        """One line: each condition's current value against its target."""
        return "; ".join(
            f"{c.label} {c.current_text} (target {c.target}){' ✓' if c.met else ''}" for c in self.conditions
        )


def check_goal(
    goal: list[Condition],
    values: dict[str, float | None],
    intervals: dict[str, tuple[float, float]] | None = None,
) -> GoalStatus:
    """Each condition against the figures `values` (metric -> value), with 95% intervals where given."""
    rows = []
    for condition in goal:
        info = METRICS[condition.metric]
        value = values.get(condition.metric)
        ci = (intervals or {}).get(condition.metric)
        rows.append(
            ConditionStatus(
                metric=condition.metric,
                label=info.label,
                target=condition.target_text(),
                current=value,
                current_text="n/a" if value is None else info.fmt(value),
                interval_text=None if ci is None else f"95%: {info.fmt(ci[0])} to {info.fmt(ci[1])}",
                met=condition.holds(value),
            )
        )
    return GoalStatus(met=all(r.met for r in rows), conditions=rows)
