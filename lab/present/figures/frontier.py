"""The cost-quality frontier and the threshold sweep.

x is cost per 1,000 queries in USD (legible, unlike fractions of a cent per query); y is the mean
quality of the answers served. The random line joins always-cheapest and always-strongest (what
random routing yields in expectation); the oracle is the hindsight upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lab.core.metrics import Baselines, Summary
from lab.core.sweep import Sweep, upper_hull
from lab.present.figures.style import GREY, INJECTED_DASH, INJECTED_SUFFIX, OKABE_ITO, build, strategy_colour

PER_1K = 1000.0


@dataclass(frozen=True)
class Curve:
    """A strategy's sweep, labelled; injected marks a run with failures."""

    label: str
    strategy: str
    sweep: Sweep
    injected: bool = False


@dataclass(frozen=True)
class Point:
    """An operating point (a Summary), labelled."""

    label: str
    strategy: str
    summary: Summary
    injected: bool = False


@dataclass(frozen=True)
class Anchors:
    """The reference points: always-cheapest, always-strongest and the oracle (cost per query, quality)."""

    weak_cost_usd: float
    weak_quality: float
    strong_cost_usd: float
    strong_quality: float
    oracle_cost_usd: float
    oracle_quality: float

    @classmethod
    def of(cls, baselines: Baselines, oracle: Summary) -> Anchors:
        """Anchors from the baselines and the oracle's Summary."""
        return cls(
            float(baselines.cost_weak_usd.mean()),
            baselines.mean_quality_weak,
            baselines.mean_cost_strong_usd,
            baselines.mean_quality_strong,
            oracle.cost_per_query_usd,
            oracle.quality,
        )


def frontier_figure(
    curves: list[Curve], anchors: Anchors, points: list[Point], hull: bool = True, title: str = "Cost-quality frontier"
) -> go.Figure:
    """Sweeps as lines (dashed with failures), their upper hull, the random line, baselines, oracle and operating points."""
    weak = (anchors.weak_cost_usd * PER_1K, anchors.weak_quality)
    strong = (anchors.strong_cost_usd * PER_1K, anchors.strong_quality)
    data = [
        dict(
            type="scatter",
            x=[weak[0], strong[0]],
            y=[weak[1], strong[1]],
            mode="lines",
            name="random routing",
            line=dict(color=GREY, dash="dot", width=2),
            hoverinfo="skip",
        )
    ]
    for curve in curves:
        colour = strategy_colour(curve.strategy)
        cost = curve.sweep.cost_per_query_usd * PER_1K
        data.append(
            dict(
                type="scatter",
                x=cost,
                y=curve.sweep.quality,
                mode="lines",
                name=curve.label,
                line=dict(color=colour, width=3, dash=INJECTED_DASH if curve.injected else "solid"),
                customdata=curve.sweep.strong_share * 100,
                hovertemplate="$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<br>%{customdata:.0f}% to the strongest<extra>"
                + curve.label
                + "</extra>",
            )
        )
        if hull and not curve.injected and len(cost) > 2:
            hx, hy = upper_hull(
                np.concatenate([cost, [weak[0], strong[0]]]),
                np.concatenate([curve.sweep.quality, [weak[1], strong[1]]]),
            )
            data.append(
                dict(
                    type="scatter",
                    x=hx,
                    y=hy,
                    mode="lines",
                    name=f"{curve.label}: upper hull",
                    line=dict(color=colour, width=1.5, dash="longdashdot"),
                    opacity=0.7,
                    hoverinfo="skip",
                )
            )
    data.append(
        dict(
            type="scatter",
            x=[weak[0], strong[0]],
            y=[weak[1], strong[1]],
            mode="markers+text",
            name="always-cheapest / always-strongest",
            marker=dict(color=GREY, size=12, symbol="square"),
            text=["always-cheapest", "always-strongest"],
            textposition=["bottom right", "bottom left"],
            textfont=dict(size=14, color="#444444"),
            hovertemplate="%{text}<br>$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<extra></extra>",
        )
    )
    data.append(
        dict(
            type="scatter",
            x=[anchors.oracle_cost_usd * PER_1K],
            y=[anchors.oracle_quality],
            mode="markers+text",
            name="oracle (hindsight)",
            marker=dict(color=OKABE_ITO["black"], size=16, symbol="star"),
            text=["oracle"],
            textposition="top center",
            textfont=dict(size=14),
            hovertemplate="oracle<br>$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<extra></extra>",
        )
    )
    for point in points:
        s = point.summary
        colour = strategy_colour(point.strategy)
        data.append(
            dict(
                type="scatter",
                x=[s.cost_per_query_usd * PER_1K],
                y=[s.quality],
                mode="markers",
                name=point.label,
                marker=dict(
                    color=colour,
                    size=18,
                    symbol="diamond-open" if point.injected else "diamond",
                    line=dict(color=colour, width=3),
                ),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[s.quality_ci[1] - s.quality],
                    arrayminus=[s.quality - s.quality_ci[0]],
                    color="#444444",
                ),
                hovertemplate=f"{point.label}<br>$%{{x:,.2f}} per 1k queries<br>quality %{{y:.3f}}<br>{s.strong_share:.0%} to the strongest<extra></extra>",
            )
        )
    layout = dict(
        xaxis=dict(
            title=dict(text="cost per 1,000 queries (USD)"), tickprefix="$", tickformat=",.2f", rangemode="tozero"
        ),
        yaxis=dict(title=dict(text="mean quality of answers served (0-1)")),
    )
    # the legend goes above the plot (fitted to the chart's width): inside it, it covered points and curves
    return build(data, layout, title, height=480)


def sweep_figure(curves: list[Curve], anchors: Anchors, points: list[Point]) -> go.Figure:
    """Quality retained and savings (both % of always-strongest) against the share of calls to the strongest model."""
    data = []
    for curve in curves:
        share = curve.sweep.strong_share * 100
        with np.errstate(divide="ignore", invalid="ignore"):
            retained = (
                curve.sweep.quality / anchors.strong_quality * 100
                if anchors.strong_quality > 0
                else np.full_like(share, np.nan)
            )
            savings = (
                (1 - curve.sweep.cost_per_query_usd / anchors.strong_cost_usd) * 100
                if anchors.strong_cost_usd > 0
                else np.zeros_like(share)
            )
        dash = INJECTED_DASH if curve.injected else "solid"
        suffix = f" ({INJECTED_SUFFIX})" if curve.injected else ""
        data.append(
            dict(
                type="scatter",
                x=share,
                y=retained,
                mode="lines",
                name=f"quality retained{suffix}",
                line=dict(color=OKABE_ITO["blue"], width=3, dash=dash),
                hovertemplate="%{x:.0f}% to the strongest: quality %{y:.1f}% of always-strongest<extra></extra>",
            )
        )
        data.append(
            dict(
                type="scatter",
                x=share,
                y=savings,
                mode="lines",
                name=f"savings{suffix}",
                line=dict(color=OKABE_ITO["vermillion"], width=3, dash=dash),
                hovertemplate="%{x:.0f}% to the strongest: %{y:.1f}% cheaper than always-strongest<extra></extra>",
            )
        )
    shapes, annotations = [], []
    for k, point in enumerate(points):
        x = point.summary.strong_share * 100
        shapes.append(
            dict(
                type="line",
                x0=x,
                x1=x,
                xref="x",
                y0=0,
                y1=1,
                yref="y domain",
                line=dict(color="#222222", width=2, dash=INJECTED_DASH if point.injected else "solid"),
            )
        )
        annotations.append(
            dict(
                x=x,
                y=1.0 - 0.1 * k,
                yref="paper",
                text=point.label,
                showarrow=False,
                xanchor="left" if x <= 50 else "right",  # the label stays on the chart's side of its line
                yanchor="top",
                font=dict(size=14),
                bgcolor="rgba(255,255,255,0.8)",
            )
        )
    layout = dict(
        xaxis=dict(
            title=dict(text="share of queries sent to the strongest model (%)"),
            range=[0, 100.5],
            ticksuffix="%",
            dtick=20,
        ),
        yaxis=dict(title=dict(text="share of always-strongest (%)"), ticksuffix="%"),
        shapes=shapes,
        annotations=annotations,
    )
    return build(data, layout, "Threshold sweep: quality retained and savings", height=440)
