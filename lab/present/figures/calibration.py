"""Figures of failures and their remedies: the reliability diagram, before/after bars, severity curves,
the quality-floor monitor's timeline and the fallback orderings.

Clean and injected runs share a colour; the injected one is dashed, patterned or drawn with open
markers (see style.py). Builders are pure: engine objects in, go.Figure out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lab.failures.calibration import Reliability
from lab.failures.clean_vs_injected import Comparison, SeverityCurve
from lab.failures.guardrails import FallbackOutcome, MonitorRun
from lab.present.figures.style import (
    FONT_SIZE,
    FULL_WIDTH_PX,
    GREY,
    INJECTED_DASH,
    INJECTED_PATTERN,
    OKABE_ITO,
    styled,
    subplot_titles,
)
from lab.present.text import usd

CLEAN_COLOUR = OKABE_ITO["blue"]
REMEDY_COLOUR = OKABE_ITO["green"]
FLOOR_COLOUR = OKABE_ITO["vermillion"]
MAX_TIMELINE_POINTS = 600  # the monitor's timeline is sent to the browser aggregated, not per query


@dataclass(frozen=True)
class ReliabilityCurve:
    """One scorer's reliability, labelled; `kind` picks its look: clean, injected or recalibrated."""

    label: str
    reliability: Reliability
    kind: str = "clean"


def reliability_figure(
    curves: list[ReliabilityCurve], title: str = "Reliability of the cascade's confidence scorer"
) -> go.Figure:
    """Share of good answers against stated confidence, per bin, with the diagonal of a calibrated scorer.

    Marker area follows the bin's count; the legend carries each curve's ECE and AUROC.
    """
    fig = go.Figure(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line=dict(color=GREY, width=2, dash="dot"),
            name="calibrated (diagonal)",
            hoverinfo="skip",
        )
    )
    looks = {
        "clean": dict(colour=CLEAN_COLOUR, dash="solid", symbol="circle"),
        "injected": dict(colour=CLEAN_COLOUR, dash=INJECTED_DASH, symbol="circle-open"),
        "recalibrated": dict(colour=REMEDY_COLOUR, dash="solid", symbol="square"),
    }
    for curve in curves:
        r = curve.reliability
        look = looks.get(curve.kind, looks["clean"])
        filled = r.count > 0
        size = 8 + 22 * np.sqrt(r.count[filled] / max(r.count.max(), 1))
        fig.add_trace(
            go.Scatter(
                x=r.confidence[filled],
                y=r.accuracy[filled],
                mode="lines+markers",
                name=f"{curve.label}: ECE {r.ece:.3f}, AUROC {r.auroc:.2f}",
                line=dict(color=look["colour"], width=3, dash=look["dash"]),
                marker=dict(
                    size=size, symbol=look["symbol"], color=look["colour"], line=dict(width=2, color=look["colour"])
                ),
                customdata=np.stack([r.count[filled], r.bin_edges[:-1][filled], r.bin_edges[1:][filled]], axis=1),
                hovertemplate="confidence %{customdata[1]:.1f}-%{customdata[2]:.1f}: stated %{x:.2f}, observed %{y:.2f}"
                "<br>%{customdata[0]:,} answers<extra>" + curve.label + "</extra>",
            )
        )
    fig.update_xaxes(title_text="stated confidence that the cheap answer is good", range=[-0.02, 1.02])
    fig.update_yaxes(title_text="share of those answers that were good", range=[-0.02, 1.02])
    return styled(fig, title, height=480, width=FULL_WIDTH_PX)  # the legend above the plot, not on its points


_PANELS = (
    ("quality", "quality served (0-1)", "{:.3f}", ""),
    ("cost_per_1k_usd", "cost per 1,000 queries (USD)", "${:,.2f}", ""),
    ("latency_p95_ms", "p95 latency (ms)", "{:,.0f}", " ms"),
)


def before_after_figure(comparison: Comparison, title: str, colour: str = CLEAN_COLOUR) -> go.Figure:
    """Clean and injected side by side for quality, cost per 1,000 queries and p95 latency, each change labelled
    (with its paired 95% interval where the figure is a mean)."""
    titles, headroom = subplot_titles([axis for _, axis, _, _ in _PANELS], FULL_WIDTH_PX, 0.09)
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.09)
    clean, injected, delta = comparison.clean.model_dump(), comparison.injected.model_dump(), comparison.delta
    ci_of = {
        "quality": delta.get("quality_ci"),
        "cost_per_1k_usd": [v * 1000 for v in delta.get("cost_per_query_ci") or []] or None,
    }
    for col, (key, _, fmt, unit) in enumerate(_PANELS, start=1):
        before, after = clean[key], injected[key]
        ci = ci_of.get(key)
        change = fmt.format(after - before) if not fmt.startswith("$") else usd(after - before)
        change = change if change.startswith("-") else "+" + change
        change += unit
        if ci:
            change += " [" + ", ".join(usd(v) if fmt.startswith("$") else fmt.format(v) for v in ci) + "]"
        fig.add_trace(
            go.Bar(
                x=["clean", "with failure"],
                y=[before, after],
                marker_color=[colour, colour],
                marker_pattern_shape=["", INJECTED_PATTERN],
                text=[fmt.format(before), fmt.format(after)],
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hovertemplate="%{x}: %{text}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_annotation(
            text=f"change {change}",
            xref=f"x{col if col > 1 else ''} domain",
            yref=f"y{col if col > 1 else ''} domain",
            x=0.5,
            y=-0.22,
            showarrow=False,
            font=dict(size=FONT_SIZE - 3),
        )
        fig.update_yaxes(rangemode="tozero", row=1, col=col)
    fig.update_annotations(font_size=FONT_SIZE - 2)
    return styled(fig, title, height=400, width=FULL_WIDTH_PX, headroom=headroom)


_CURVE_METRICS = {
    "quality": ("quality served (0-1)", lambda c: c.quality),
    "cost": ("cost per 1,000 queries (USD)", lambda c: c.cost_per_query_usd * 1000),
    "latency": ("p95 latency (ms)", lambda c: c.latency_p95_ms),
    "strong_share": ("share to the strongest model", lambda c: c.strong_share),
}


def severity_figure(curve: SeverityCurve, title: str, metrics: tuple[str, ...] = ("quality", "cost")) -> go.Figure:
    """The injected run's figures against severity (0 = clean), one panel per metric."""
    titles, headroom = subplot_titles([_CURVE_METRICS[m][0] for m in metrics], FULL_WIDTH_PX, 0.1)
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=titles, horizontal_spacing=0.1)
    for col, metric in enumerate(metrics, start=1):
        _, values = _CURVE_METRICS[metric]
        y = values(curve)
        fig.add_trace(
            go.Scatter(
                x=curve.severities,
                y=y,
                mode="lines+markers",
                line=dict(color=CLEAN_COLOUR, width=3, dash=INJECTED_DASH),
                marker=dict(size=10, symbol="circle-open", line=dict(width=2)),
                showlegend=False,
                hovertemplate="severity %{x:.2f}: %{y:,.4g}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_hline(y=float(y[0]), line=dict(color=GREY, width=2, dash="dot"), row=1, col=col)
        fig.update_xaxes(title_text="severity (0 = clean)", range=[-0.03, 1.03], row=1, col=col)
    fig.update_annotations(font_size=FONT_SIZE - 2)
    return styled(fig, title, height=360, width=FULL_WIDTH_PX, headroom=headroom)


def _padded(values: list[float], share: float) -> list[float]:
    low, high = min(values), max(values)
    pad = share * ((high - low) or 1.0)
    return [low - pad, high + pad]


def _downsample(values: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    step = max(1, int(np.ceil(len(values) / points)))
    index = np.arange(0, len(values), step)
    return index, values[index]


def monitor_figure(run: MonitorRun, title: str = "Quality-floor monitor") -> go.Figure:
    """The window mean of quality served along the stream, without and with the fallback, with the floor,
    the failure's onset and the alert."""
    r = run.report
    fig = go.Figure()
    for values, name, colour, dash in (
        (run.rolling_quality_guarded, "with guardrail (fallback to always-strongest)", REMEDY_COLOUR, "solid"),
        (run.rolling_quality, "without guardrail", CLEAN_COLOUR, INJECTED_DASH),  # on top: visible where the two agree
    ):
        x, y = _downsample(values, MAX_TIMELINE_POINTS)
        keep = np.isfinite(y)
        fig.add_trace(
            go.Scatter(
                x=x[keep],
                y=y[keep],
                mode="lines",
                name=name,
                line=dict(color=colour, width=3, dash=dash),
                hovertemplate="query %{x:,}: window mean %{y:.3f}<extra></extra>",
            )
        )
    fig.add_hline(
        y=r.floor,
        line=dict(color=FLOOR_COLOUR, width=2),
        annotation_text=f"floor {r.floor:.3f}",
        annotation_position="bottom right",
    )
    fig.add_vline(
        x=r.onset,
        line=dict(color=GREY, width=2, dash="dot"),
        annotation_text="failure starts",
        annotation_position="top left",
    )
    if r.alert_at is not None:
        fig.add_vline(
            x=r.alert_at,
            line=dict(color=FLOOR_COLOUR, width=2, dash="dash"),
            annotation_text=f"alert ({'false alarm' if r.false_alarm else f'+{r.detection_delay_queries:,} queries'})",
            annotation_position="top right",
        )
    fig.update_xaxes(title_text="query number (arrival order)")
    fig.update_yaxes(title_text=f"mean quality of the last {r.window:,} answers")
    return styled(fig, title, height=420, width=FULL_WIDTH_PX)


def fallback_figure(
    rows: list[FallbackOutcome], title: str = "Fallback orderings: quality and cost against the clean run"
) -> go.Figure:
    """Each ordering as a point: change in cost per 1,000 queries (x) and in quality (y, with its paired 95% interval)."""
    fig = go.Figure()
    symbols = ("circle", "square", "diamond", "triangle-up", "cross")
    colours = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["purple"])
    for k, row in enumerate(rows):
        fig.add_trace(
            go.Scatter(
                x=[row.cost_change_usd * 1000],
                y=[row.quality_change],
                mode="markers+text",
                name=row.ordering,
                text=[row.ordering],
                textposition="top center",
                marker=dict(size=16, symbol=symbols[k % len(symbols)], color=colours[k % len(colours)]),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[row.quality_change_ci[1] - row.quality_change],
                    arrayminus=[row.quality_change - row.quality_change_ci[0]],
                    thickness=2,
                    width=8,
                ),
                customdata=[[row.latency_p95_ms, row.strong_share]],
                hovertemplate=f"{row.ordering}: quality %{{y:+.3f}}, cost %{{x:+.3f}} USD per 1,000<br>"
                "p95 latency %{customdata[0]:,.0f} ms, strong share %{customdata[1]:.0%}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line=dict(color=GREY, width=1))
    fig.add_vline(x=0, line=dict(color=GREY, width=1))
    xs = [0.0] + [row.cost_change_usd * 1000 for row in rows]
    ys = [0.0] + [v for row in rows for v in row.quality_change_ci]
    fig.update_xaxes(title_text="change in cost per 1,000 queries (USD)", tickprefix="$", range=_padded(xs, 0.12))
    fig.update_yaxes(title_text="change in quality served", range=_padded(ys, 0.2))
    return styled(fig, title, height=420, width=FULL_WIDTH_PX)
