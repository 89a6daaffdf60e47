"""The cost-quality frontier and the threshold sweep.

x is cost per 1,000 queries in USD (legible, unlike fractions of a cent per query); y is the mean
quality of the answers served. The random line joins always-cheapest and always-strongest (what
random routing yields in expectation); the oracle is the hindsight upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from lab.core.metrics import Baselines, SingleModels, Summary
from lab.core.sweep import Sweep, upper_hull
from lab.present.figures.style import (
    EDGE_PX,
    GREY,
    HALF_WIDTH_PX,
    HALO,
    INJECTED_DASH,
    INJECTED_SUFFIX,
    LEGEND_SIZE,
    LEGEND_SYMBOL_PX,
    OKABE_ITO,
    build,
    strategy_colour,
    wrap_to,
)

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
    legend: str | None = None  # its name in a legend where that must not change while it moves (else the label)


@dataclass(frozen=True)
class Anchors:
    """The reference points: always-cheapest, always-strongest and the oracle (cost per query, quality), and
    every single model with the best of them (SingleModels) where given."""

    weak_cost_usd: float
    weak_quality: float
    strong_cost_usd: float
    strong_quality: float
    oracle_cost_usd: float
    oracle_quality: float
    singles: SingleModels | None = None

    @classmethod
    def of(cls, baselines: Baselines, oracle: Summary, singles: SingleModels | None = None) -> Anchors:
        """Anchors from the baselines, the oracle's Summary and the single models."""
        return cls(
            float(baselines.cost_weak_usd.mean()),
            baselines.mean_quality_weak,
            baselines.mean_cost_strong_usd,
            baselines.mean_quality_strong,
            oracle.cost_per_query_usd,
            oracle.quality,
            singles,
        )


BEST_SINGLE = "best single model"


def best_single_label(singles: SingleModels) -> str:
    """How the best single model is named on charts and tables."""
    return f"{BEST_SINGLE}: always-{singles.best_name}"


def _single_model_traces(
    weak: tuple[float, float], strong: tuple[float, float], singles: SingleModels | None, width: int = HALF_WIDTH_PX
):
    """Every model alone as a grey square (the ends named always-cheapest / always-strongest), and with 3+ models a
    ring on the best single model (with two it is one of the named ends)."""
    xs, ys = [weak[0], strong[0]], [weak[1], strong[1]]
    text, where = ["always-cheapest", "always-strongest"], ["bottom right", "bottom left"]
    ringed = singles is not None and len(singles.names) > 2
    if singles is not None:
        for j in range(1, len(singles.names) - 1):
            xs.insert(j, singles.cost_per_query_usd[j] * PER_1K)
            ys.insert(j, singles.quality[j])
            text.insert(j, "" if ringed and j == singles.best else f"always-{singles.names[j]}")  # the ring names it
            where.insert(j, "bottom right")
    data: list[dict] = [
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="markers+text",
            name="always-cheapest / always-strongest" if len(xs) == 2 else "always-<model>, each model alone",
            marker=dict(color=GREY, size=12, symbol="square"),
            text=text,
            customdata=[
                "always-cheapest",
                *[f"always-{n}" for n in (singles.names[1:-1] if singles else ())],
                "always-strongest",
            ],
            textposition=where,
            textfont=dict(size=14, color="#444444", shadow=HALO),
            hovertemplate="%{customdata}<br>$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<extra></extra>",
        )
    ]
    if singles is None or not ringed:
        return data
    best = singles.best
    data.append(
        dict(
            type="scatter",
            x=[singles.cost_per_query_usd[best] * PER_1K],
            y=[singles.quality[best]],
            mode="markers",
            # named in the legend (above the plot), not beside the ring: a label there lands on curves, points or
            # the axis's tick labels wherever the best model happens to sit
            name=wrap_to(best_single_label(singles), width - 2 * EDGE_PX - LEGEND_SYMBOL_PX, LEGEND_SIZE),
            marker=dict(
                color="rgba(0,0,0,0)", size=24, symbol="circle", line=dict(color=OKABE_ITO["black"], width=2.5)
            ),
            cliponaxis=False,
            hovertemplate=f"{best_single_label(singles)}<br>highest above the random-routing line"
            "<br>$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<extra></extra>",
        )
    )
    return data


def _note(text: str, x: float, y: float, xanchor: str, yanchor: str) -> dict:
    """A boxed line of text inside the plot (paper coordinates), for what the chart does not draw."""
    return dict(
        text=text,
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        xanchor=xanchor,
        yanchor=yanchor,
        showarrow=False,
        align="left",
        font=dict(size=14, color="#222222"),
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor="#999999",
        borderwidth=1,
        borderpad=4,
    )


def frontier_figure(
    curves: list[Curve],
    anchors: Anchors,
    points: list[Point],
    hull: bool = True,
    title: str = "Cost-quality frontier",
    note: str | None = None,
    width: int = HALF_WIDTH_PX,
) -> go.Figure:
    """Sweeps as lines (dashed with failures), their upper hull, the random line, baselines, oracle and operating
    points; `note` titles the legend (e.g. that the curve with failures is the clean one, so it is not drawn).
    `width` is the narrowest the chart is drawn (one of two columns by default; FULL_WIDTH_PX across the page)."""
    weak = (anchors.weak_cost_usd * PER_1K, anchors.weak_quality)
    strong = (anchors.strong_cost_usd * PER_1K, anchors.strong_quality)
    data: list[dict[str, Any]] = [
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
    data.extend(_single_model_traces(weak, strong, anchors.singles, width))
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
            textfont=dict(size=14, shadow=HALO),
            hovertemplate="oracle<br>$%{x:,.2f} per 1k queries<br>quality %{y:.3f}<extra></extra>",
        )
    )
    shapes: list[dict[str, Any]] = []
    for point in points:
        data.append(_legend_entry(point))
        shapes.extend(_point_shapes(point))
    layout: dict = dict(
        xaxis=dict(
            title=dict(text="cost per 1,000 queries (USD)"), tickprefix="$", tickformat=",.2f", rangemode="tozero"
        ),
        yaxis=dict(title=dict(text="mean quality of answers served (0-1)")),
        shapes=shapes,
    )
    if note:  # said where the missing line would be named: the legend's title
        layout.setdefault("legend", {})["title"] = dict(text=note)  # fitted above the entries by `build`
    # the legend goes above the plot (fitted to the chart's width): inside it, it covered points and curves
    return build(data, layout, title, height=480, width=width)


# The operating point moves on every slider move. Drawn as a trace, its new coordinates would make plotly.js
# recalculate and redraw the whole chart (about 15 ms of a move); drawn as layout shapes it redraws alone. Its
# legend entry is a trace without data (whose name has no threshold, so it stays the same while the point moves);
# hovering over the strategy's curve, which the point lies on, gives its figures.
POINT_HALF_PX = 11  # the diamond's half-diagonal: plotly's size-18 diamond marker
CAP_HALF_PX = 5  # half the width of the interval's end caps


def _legend_entry(point: Point) -> dict[str, Any]:
    colour = strategy_colour(point.strategy)
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="markers",
        name=point.legend or point.label,
        marker=dict(
            color=colour,
            size=18,
            symbol="diamond-open" if point.injected else "diamond",
            line=dict(color=colour, width=3),
        ),
        hoverinfo="skip",
    )


def _point_shapes(point: Point) -> list[dict[str, Any]]:
    """The operating point as shapes: its 95% interval (a whisker with end caps) and a diamond on top."""
    s = point.summary
    x = s.cost_per_query_usd * PER_1K
    low, high = s.quality_ci
    colour = strategy_colour(point.strategy)
    whisker = dict(color="#444444", width=2)
    pixel = dict(xref="x", yref="y", xsizemode="pixel", xanchor=x)
    h = POINT_HALF_PX
    return [
        dict(type="line", xref="x", yref="y", x0=x, x1=x, y0=low, y1=high, line=whisker),
        *(
            dict(type="line", **pixel, x0=-CAP_HALF_PX, x1=CAP_HALF_PX, y0=end, y1=end, line=whisker)
            for end in (low, high)
        ),
        dict(
            type="path",
            **pixel,
            ysizemode="pixel",
            yanchor=s.quality,
            path=f"M0,{h} L{h},0 L0,-{h} L-{h},0 Z",
            fillcolor="white" if point.injected else colour,
            line=dict(color=colour, width=3),
        ),
    ]


def sweep_figure(curves: list[Curve], anchors: Anchors, points: list[Point], note: str | None = None) -> go.Figure:
    """Quality retained and savings (both % of always-strongest) against the share of calls to the strongest model;
    `note` is said in the plot's lower left."""
    data: list[dict[str, Any]] = []
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
    if note:
        annotations.append(_note(note, 0.01, 0.02, "left", "bottom"))
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
