"""Estimates with their 95% intervals as bars: quality served and monthly cost against the baselines, cost over a year."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from lab.present.figures.style import GREY, HALF_WIDTH_PX, INJECTED_PATTERN, build, label_margin, wrap
from lab.present.text import usd

LABEL_CHARS = 18  # a bar's label wraps at this many characters; its value goes on the line below


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
    width: int = HALF_WIDTH_PX,
) -> go.Figure:
    """Horizontal bars with 95% interval whiskers, top to bottom in the given order. Each bar's value is written
    under its label (never on the bars, where long labels and values collide on a narrow chart); money as $.
    `y_range` bounds the value axis."""
    values = [e.value for e in estimates]
    texts = [usd(v) if money else f"{v:.3f}" for v in values]
    labels = [f"{wrap(e.label, LABEL_CHARS)}<br><b>{text}</b>" for e, text in zip(estimates, texts)]
    bar = dict(
        type="bar",
        orientation="h",
        y=labels,
        x=values,
        marker=dict(
            color=[e.colour for e in estimates],
            pattern=dict(shape=[INJECTED_PATTERN if e.injected else "" for e in estimates]),
        ),
        error_x=dict(
            type="data",
            symmetric=False,
            array=[max(e.high - e.value, 0) for e in estimates],
            arrayminus=[max(e.value - e.low, 0) for e in estimates],
            thickness=2,
            width=8,
            color="#222222",
        ),
        text=texts,
        textposition="none",  # the value is in the label
        customdata=[[usd(e.low), usd(e.high)] if money else [f"{e.low:.3f}", f"{e.high:.3f}"] for e in estimates],
        hovertemplate="%{text}<br>95% interval %{customdata[0]} to %{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    xaxis: dict[str, object] = dict(title=dict(text=axis_title), rangemode="tozero", nticks=5)
    if money:
        # "$1.5M", "$200k": whole-dollar ticks of a large bill do not fit a narrow chart
        xaxis.update(tickprefix="$", tickformat="~s" if max(e.high for e in estimates) >= 10_000 else ",.0f")
    if y_range is not None:
        xaxis["range"] = list(y_range)
    left = label_margin(labels)
    row_px = 14 + 18 * max(label.count("<br>") + 1 for label in labels)
    return build(
        [bar],
        dict(xaxis=xaxis, yaxis=dict(autorange="reversed", showgrid=False)),
        title,
        height=48 + 24 + row_px * len(estimates) + 70,
        left=left,
        bottom=70,
        width=width,
        legend="none",
    )
