"""Who served what: the routing split per model and per category."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lab.figures.style import INJECTED_PATTERN, INJECTED_SUFFIX, model_colours, styled, wrap


def model_split_figure(runs: list[tuple[str, dict[str, float]]], model_names: tuple[str, ...]) -> go.Figure:
    """Stacked bars, one per run (clean, with failures): the share of queries each model serves."""
    colours = model_colours(model_names)
    fig = go.Figure()
    labels = [label for label, _ in runs]
    for model in model_names:
        shares = [share.get(model, 0.0) * 100 for _, share in runs]
        fig.add_trace(go.Bar(
            name=model, y=labels, x=shares, orientation="h", marker_color=colours[model],
            marker_pattern_shape=[INJECTED_PATTERN if INJECTED_SUFFIX in label else "" for label in labels],
            text=[f"{s:.0f}%" if s >= 4 else "" for s in shares], textposition="inside", insidetextanchor="middle",
            textfont=dict(color="white", size=15),
            hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% of queries<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title_text="share of queries served (%)", range=[0, 100.5], ticksuffix="%", dtick=20)
    fig.update_yaxes(autorange="reversed", title_text=None, tickvals=labels, ticktext=[wrap(label, 22) for label in labels])
    return styled(fig, "Routing split per model", height=150 + 60 * len(runs))


def category_split_figure(runs: list[tuple[str, pd.DataFrame]], model_names: tuple[str, ...]) -> go.Figure:
    """Per category, the share served by each model; one panel per run (clean, with failures)."""
    colours = model_colours(model_names)
    fig = make_subplots(rows=1, cols=len(runs), shared_yaxes=True, horizontal_spacing=0.04)
    order = None
    for col, (label, frame) in enumerate(runs, start=1):
        if order is None:  # categories by their strongest-model share in the first run, most escalated on top
            strongest = frame[frame["tier"] == frame["tier"].max()].set_index("category")["share"]
            order = list(strongest.sort_values(ascending=False).index)
        for model in model_names:
            part = frame[frame["model"] == model].set_index("category").reindex(order)
            fig.add_trace(go.Bar(
                name=model, y=order, x=part["share"] * 100, orientation="h", marker_color=colours[model],
                marker_pattern_shape=INJECTED_PATTERN if INJECTED_SUFFIX in label else "",
                legendgroup=model, showlegend=col == 1,
                customdata=part["queries"],
                hovertemplate=f"{model}<br>%{{y}}: %{{x:.1f}}% (%{{customdata:,}} queries)<extra>{label}</extra>",
            ), row=1, col=col)
        axis_title = "share of the category (%)" if len(runs) == 1 else f"{label}: share (%)"
        fig.update_xaxes(title_text=axis_title, range=[0, 100.5], ticksuffix="%", dtick=50 if len(runs) > 1 else 20, row=1, col=col)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    n_categories = len(order or [])
    return styled(fig, "Routing split per category", height=120 + 30 * n_categories)
