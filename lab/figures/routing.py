"""Who served what: the routing split per model and per category."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lab.figures.style import INJECTED_PATTERN, INJECTED_SUFFIX, build, label_margin, model_colours, wrap


def model_split_figure(runs: list[tuple[str, dict[str, float]]], model_names: tuple[str, ...]) -> go.Figure:
    """Stacked bars, one per run (clean, with failures): the share of queries each model serves."""
    colours = model_colours(model_names)
    labels = [label for label, _ in runs]
    data = []
    for model in model_names:
        shares = [share.get(model, 0.0) * 100 for _, share in runs]
        data.append(dict(
            type="bar", name=model, y=labels, x=shares, orientation="h",
            marker=dict(color=colours[model], pattern=dict(shape=[INJECTED_PATTERN if INJECTED_SUFFIX in label else "" for label in labels])),
            text=[f"{s:.0f}%" if s >= 4 else "" for s in shares], textposition="inside", insidetextanchor="middle",
            textfont=dict(color="white", size=15),
            hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% of queries<extra></extra>",
        ))
    wrapped = [wrap(label, 22) for label in labels]
    layout = dict(
        barmode="stack", legend=dict(traceorder="normal"),
        xaxis=dict(title=dict(text="share of queries served (%)"), range=[0, 100.5], ticksuffix="%", dtick=20),
        yaxis=dict(autorange="reversed", tickvals=labels, ticktext=wrapped),
    )
    return build(data, layout, "Routing split per model", height=150 + 60 * len(runs), left=label_margin(wrapped))


def category_split_figure(runs: list[tuple[str, pd.DataFrame]], model_names: tuple[str, ...]) -> go.Figure:
    """Per category, the share served by each model; one panel per run (clean, with failures)."""
    colours = model_colours(model_names)
    first = runs[0][1]
    strongest = first[first["tier"] == first["tier"].max()].set_index("category")["share"]
    order = list(strongest.sort_values(ascending=False).index)  # most escalated category on top
    gap = 0.04
    width = (1 - gap * (len(runs) - 1)) / len(runs)
    data, layout = [], dict(barmode="stack")
    for col, (label, frame) in enumerate(runs):
        suffix = "" if col == 0 else str(col + 1)
        for model in model_names:
            part = frame[frame["model"] == model].set_index("category").reindex(order)
            data.append(dict(
                type="bar", name=model, y=order, x=part["share"].to_numpy() * 100, orientation="h", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                marker=dict(color=colours[model], pattern=dict(shape=INJECTED_PATTERN if INJECTED_SUFFIX in label else "")),
                legendgroup=model, showlegend=col == 0, customdata=part["queries"].to_numpy(),
                hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% (%{{customdata:,}} queries)<extra>{label}</extra>",
            ))
        axis_title = "share of the category (%)" if len(runs) == 1 else f"{label}: share (%)"
        layout[f"xaxis{suffix}"] = dict(title=dict(text=axis_title), range=[0, 100.5], ticksuffix="%", dtick=50 if len(runs) > 1 else 20,
                                       domain=[col * (width + gap), col * (width + gap) + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(autorange="reversed", anchor=f"x{suffix}", **({"matches": "y", "showticklabels": False} if col else {}))
    return build(data, layout, "Routing split per category", height=120 + 30 * len(order), left=label_margin(order))
