"""The cost projection chart: monthly cost with and without routing, and the savings range."""

from __future__ import annotations

import plotly.graph_objects as go

from lab.present.figures.style import OKABE_ITO, money_tick_px, run_colour, styled
from lab.present.projection import Projection


def projection_figure(projection: Projection, strategy: str) -> go.Figure:
    """Monthly cost of always-strongest and of routing, with the band the bootstrap's savings range allows."""
    t = projection.table
    colour = run_colour(strategy)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=t["month"],
            y=t["strongest_usd"] - t["savings_high_usd"],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=t["month"],
            y=t["strongest_usd"] - t["savings_low_usd"],
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.18)",
            name="routing: 95% savings range",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=t["month"],
            y=t["strongest_usd"],
            mode="lines+markers",
            name="without routing (always-strongest)",
            line=dict(color=OKABE_ITO["vermillion"], width=3),
            marker=dict(symbol="square", size=8),
            hovertemplate="month %{x}: $%{y:,.0f}<extra>always-strongest</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=t["month"],
            y=t["routed_usd"],
            mode="lines+markers",
            name=f"with routing ({strategy})",
            line=dict(color=colour, width=3),
            marker=dict(size=8),
            hovertemplate="month %{x}: $%{y:,.0f}<extra>with routing</extra>",
        )
    )
    fig.update_xaxes(title_text="month", dtick=1 if len(t) <= 24 else 6)
    top = float(t["strongest_usd"].max())
    fig.update_yaxes(
        title_text="cost per month (USD)",
        tickprefix="$",
        tickformat="~s" if top >= 100_000 else ",.0f",  # "$200k": whole dollars of a large bill crowd the axis
        rangemode="tozero",
    )
    return styled(fig, "Projected monthly cost", height=400, left=40 + int(money_tick_px(min(top, 99_999))))
