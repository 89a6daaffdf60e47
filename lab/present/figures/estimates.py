"""Estimates with their 95% intervals as bars: quality served and monthly cost against the baselines."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from lab.present.figures.style import GREY, INJECTED_PATTERN, build, wrap
from lab.present.text import usd


@dataclass(frozen=True)
class Estimate:
    """One bar: a label, a point estimate, its 95% interval, a colour, and whether failures are injected."""

    label: str
    value: float
    low: float
    high: float
    colour: str = GREY
    injected: bool = False


def estimate_figure(
    estimates: list[Estimate],
    title: str,
    axis_title: str,
    money: bool = False,
    y_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Vertical bars with 95% interval whiskers; money axes and labels formatted as $."""
    labels = [wrap(e.label, 12) for e in estimates]
    values = [e.value for e in estimates]
    bar = dict(
        type="bar",
        x=labels,
        y=values,
        marker=dict(
            color=[e.colour for e in estimates],
            pattern=dict(shape=[INJECTED_PATTERN if e.injected else "" for e in estimates]),
        ),
        error_y=dict(
            type="data",
            symmetric=False,
            array=[max(e.high - e.value, 0) for e in estimates],
            arrayminus=[max(e.value - e.low, 0) for e in estimates],
            thickness=2,
            width=8,
            color="#222222",
        ),
        text=[usd(v) if money else f"{v:.3f}" for v in values],
        textposition="outside",
        cliponaxis=False,
        customdata=[[usd(e.low), usd(e.high)] if money else [f"{e.low:.3f}", f"{e.high:.3f}"] for e in estimates],
        hovertemplate="%{x}: %{text}<br>95% interval %{customdata[0]} to %{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    yaxis: dict[str, object] = dict(title=dict(text=axis_title), rangemode="tozero")
    if money:
        yaxis.update(tickprefix="$", tickformat=",.0f")
    if y_range is not None:
        yaxis["range"] = list(y_range)
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return build(
        [bar],
        dict(xaxis=dict(tickangle=0), yaxis=yaxis),
        title,
        height=380,
        legend_rows=0,
        left=100 if money else 80,
        bottom=30 + 20 * lines,
    )
