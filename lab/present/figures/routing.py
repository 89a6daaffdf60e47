"""Who served what: the routing split per model and per category."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from lab.present.breakdown import CategorySplit
from lab.present.figures.style import (
    HALO,
    INJECTED_PATTERN,
    INJECTED_SUFFIX,
    build,
    label_margin,
    model_colours,
    wrap,
)

LABEL_CHARS = 16  # run and category labels wrap at this many characters: the bars keep most of a narrow chart


def model_split_figure(runs: list[tuple[str, dict[str, float]]], model_names: tuple[str, ...]) -> go.Figure:
    """Stacked bars, one per run (clean, with failures): the share of queries each model serves."""
    colours = model_colours(model_names)
    labels = [label for label, _ in runs]
    data: list[dict[str, Any]] = []
    for model in model_names:
        shares = [share.get(model, 0.0) * 100 for _, share in runs]
        data.append(
            dict(
                type="bar",
                name=model,
                y=labels,
                x=shares,
                orientation="h",
                marker=dict(
                    color=colours[model],
                    pattern=dict(shape=[INJECTED_PATTERN if INJECTED_SUFFIX in label else "" for label in labels]),
                ),
                text=[f"{s:.0f}%" if s >= 4 else "" for s in shares],
                textposition="inside",
                insidetextanchor="middle",
                # white on a solid bar; on a hatched one (mostly white) dark, in a white rim so no stripe cuts it
                textfont=dict(
                    color=["#222222" if INJECTED_SUFFIX in label else "white" for label in labels],
                    shadow=[HALO if INJECTED_SUFFIX in label else "none" for label in labels],
                    size=15,
                ),
                hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% of queries<extra></extra>",
            )
        )
    wrapped = [wrap(label, LABEL_CHARS) for label in labels]
    layout: dict[str, Any] = dict(
        barmode="stack",
        legend=dict(traceorder="normal"),
        xaxis=dict(title=dict(text="share of queries served (%)"), range=[0, 100.5], ticksuffix="%", dtick=20),
        yaxis=dict(autorange="reversed", tickvals=labels, ticktext=wrapped),
    )
    row_px = 24 + 17 * max(label.count("<br>") + 1 for label in wrapped)
    return build(data, layout, "Routing split per model", height=150 + row_px * len(runs), left=label_margin(wrapped))


def _rows_in(split: CategorySplit, order: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The split's (share, n_served) rows for the categories in `order`; nan where a category is absent."""
    position = {name: k for k, name in enumerate(split.categories)}
    rows = np.array([position.get(name, -1) for name in order], dtype=np.intp)
    if np.all(rows >= 0):
        return split.share[rows], split.n_served[rows]
    present = (rows >= 0)[:, None]
    return np.where(present, split.share[rows], np.nan), np.where(present, split.n_served[rows], np.nan)


def category_split_figure(runs: list[tuple[str, CategorySplit]], model_names: tuple[str, ...]) -> go.Figure:
    """Per category, the share served by each model; one panel per run (clean, with failures)."""
    colours = model_colours(model_names)
    first = runs[0][1]
    escalated = np.argsort(-first.share[:, -1], kind="stable")  # most escalated category on top, ties by name
    order = [first.categories[k] for k in escalated]
    gap = 0.18  # room between the panels for the first one's "100%" tick and the next one's "0"
    width = (1 - gap * (len(runs) - 1)) / len(runs)
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = dict(barmode="stack")
    for col, (label, split) in enumerate(runs):
        suffix = "" if col == 0 else str(col + 1)
        share, n_served = _rows_in(split, order)
        for j, model in enumerate(model_names):
            data.append(
                dict(
                    type="bar",
                    name=model,
                    y=order,
                    x=share[:, j] * 100,
                    orientation="h",
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    marker=dict(
                        color=colours[model], pattern=dict(shape=INJECTED_PATTERN if INJECTED_SUFFIX in label else "")
                    ),
                    legendgroup=model,
                    showlegend=col == 0,
                    customdata=n_served[:, j],
                    hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% (%{{customdata:,}} queries)<extra>{label}</extra>",
                )
            )
        # side by side, each panel is named under it; the ticks say they are shares
        axis_title = "share of the category (%)" if len(runs) == 1 else label
        ticks = (
            dict(ticksuffix="%", dtick=20)
            if len(runs) == 1
            else dict(tickvals=[0, 50, 100], ticktext=["0", "50", "100%"])
        )
        layout[f"xaxis{suffix}"] = dict(
            title=dict(text=axis_title),
            range=[0, 100.5],
            **ticks,
            domain=[col * (width + gap), col * (width + gap) + width],
            anchor=f"y{suffix}",
        )
        layout[f"yaxis{suffix}"] = dict(
            autorange="reversed", anchor=f"x{suffix}", **({"matches": "y", "showticklabels": False} if col else {})
        )
    shown = [wrap(str(name).replace("_", " "), LABEL_CHARS) for name in order]  # MMLU's subjects are snake_case
    layout["yaxis"].update(tickvals=order, ticktext=shown)
    row_px = max(30, 8 + 17 * max(label.count("<br>") + 1 for label in shown))
    return build(data, layout, "Routing split per category", height=120 + row_px * len(order), left=label_margin(shown))
