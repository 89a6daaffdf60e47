"""Failure gallery: each failure mode explained, with a preset demonstration, its before/after numbers,
and the remedies and guardrails that catch or soften it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.core.errors import LabError
from lab.core.experiment import Experiment, thresholds_for
from lab.core.signals import Signals
from lab.failures.calibration import RECALIBRATION_METHODS, CalibrationReport, calibration_report
from lab.failures.clean_vs_injected import Comparison, DemoRow, SeverityCurve, demo_row, demonstrate, severity_curve
from lab.failures.guardrails import (
    DEFAULT_WINDOW,
    FallbackOutcome,
    MonitorRun,
    cap_comparison,
    compare_fallbacks,
    monitor_failure,
    suggested_cap_usd,
)
from lab.failures.registry import get_failure, list_failures
from lab.present.figures.calibration import (
    ReliabilityCurve,
    before_after_figure,
    fallback_figure,
    monitor_figure,
    reliability_figure,
    severity_figure,
)
from lab.present.text import duration, pct, signed, usd
from pages import _sidebar as sidebar
from pages import _state as state

# --- bounded caches over the engine (keyed by plain values; the experiment itself is not hashed) --


@st.cache_resource(max_entries=64, show_spinner=False)
def _demo(key: str, name: str, severity: float, _experiment: Experiment, _signals: Signals) -> Comparison:
    return demonstrate(_experiment, name, severity, _signals)


@st.cache_resource(max_entries=16, show_spinner=False)
def _curve(key: str, name: str, _experiment: Experiment, _signals: Signals) -> SeverityCurve:
    strategy = _signals.strategy
    return severity_curve(
        _experiment, _signals, name, thresholds_for(_experiment, strategy, get_failure(name).demo.get("thresholds"))
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def _calibration(
    key: str, name: str, severity: float, method: str, _experiment: Experiment, _signals: Signals
) -> CalibrationReport:
    return calibration_report(_experiment, _signals, {name: severity}, thresholds_for(_experiment, "cascade"), method)


@st.cache_resource(max_entries=32, show_spinner=False)
def _monitor(
    key: str, name: str, severity: float, window: int, _experiment: Experiment, _signals: Signals
) -> MonitorRun:
    return monitor_failure(
        _experiment, _signals, {name: severity}, thresholds_for(_experiment, _signals.strategy), window=window
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def _fallbacks(
    key: str, name: str, severity: float, _experiment: Experiment, _signals: Signals
) -> list[FallbackOutcome]:
    return compare_fallbacks(_experiment, _signals, thresholds_for(_experiment, _signals.strategy), name, severity)


def _overview(ctx: state.Context) -> list[DemoRow]:
    rows = []
    for mode in list_failures():
        signals = sidebar.signals(ctx, mode.demo["strategy"])
        rows.append(
            demo_row(
                mode.name,
                mode.demo["severity"],
                _demo(ctx.key, mode.name, mode.demo["severity"], ctx.experiment, signals),
            )
        )
    return rows


# --- the page -----------------------------------------------------------------------------------

sidebar.page("failure_gallery")
ctx = sidebar.context()
exp = ctx.experiment
modes = {mode.name: mode for mode in list_failures()}

st.title("Failure gallery")
st.caption(
    f"{ctx.scenario.title or ctx.scenario.name}: {exp.queries.n_queries:,} queries. Each failure is injected into its "
    "preset strategy; the clean and injected runs share every random draw, so each difference below is the failure's "
    "alone. Intervals are paired 95% bootstrap intervals over queries."
)

with st.spinner("Running every failure's preset demonstration..."):
    overview = _overview(ctx)
table = pd.DataFrame(
    [
        {
            "failure": row.title,
            "strategy": row.strategy,
            "severity": row.severity,
            "quality change": row.quality_change,
            "quality 95% interval": f"{row.quality_change_ci[0]:+.3f} to {row.quality_change_ci[1]:+.3f}",
            "cost per 1k queries": signed(row.cost_per_1k_change_usd, usd),
            "p95 latency (ms)": row.latency_p95_change_ms,
            "strong share": row.strong_share_change,
            "what it does": row.effect,
        }
        for row in overview
    ]
)
st.subheader("Every failure at its preset severity (injected minus clean)")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "severity": st.column_config.NumberColumn(format="%.2f"),
        "quality change": st.column_config.NumberColumn(format="%+.3f"),
        "p95 latency (ms)": st.column_config.NumberColumn(format="%+,.0f"),
        "strong share": st.column_config.NumberColumn(format="%+.3f"),
    },
)

st.divider()
# opens on the failure a link names, else the one the Lab has on (at the Lab's severity), else the first
cfg = state.config()
lab_failures = {name: severity for name, severity in cfg.failures.items() if name in modes}
first_pick = cfg.gallery_failure if cfg.gallery_failure in modes else next(iter(lab_failures), next(iter(modes)))
pick_key = state.seed("gallery_failure", first_pick)
with st.sidebar:
    st.header("Failure gallery")
    name = st.selectbox("Failure", list(modes), key=pick_key, format_func=lambda n: modes[n].title)
mode = modes[name]
strategy = mode.demo["strategy"]
signals = sidebar.signals(ctx, strategy)
linked = cfg.gallery_severity if cfg.gallery_failure == name and cfg.gallery_severity is not None else None
start_severity = lab_failures.get(name, mode.demo["severity"]) if linked is None else linked
severity_key = state.seed(f"gallery_severity:{name}", float(start_severity))

st.header(mode.title)
st.markdown(mode.description)
touches = "every strategy" if "*" in mode.touches else ", ".join(mode.touches)
st.caption(
    f"Touches: {touches}. Preset demonstration: the **{strategy}** strategy at severity {mode.demo['severity']:.2f}. Expected: {mode.effect}."
    + (f" Opened at the Lab's severity, {lab_failures[name]:.2f}." if name in lab_failures else "")
)
severity = float(
    st.slider(
        "Severity (0 = clean)",
        0.0,
        1.0,
        step=0.05,
        key=severity_key,
        help="The share or strength of the failure; the preset is where the gallery opens.",
    )
)
if (cfg.gallery_failure, cfg.gallery_severity) != (name, severity):
    cfg = state.update_config(gallery_failure=name, gallery_severity=severity)

try:
    comparison = _demo(ctx.key, name, severity, exp, signals)
except LabError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

c, i, d = comparison.clean, comparison.injected, comparison.delta
cols = st.columns(4)
cols[0].metric(
    "Quality served",
    f"{i.quality:.3f}",
    f"{d['quality']:+.3f}",
    border=True,
    help=f"Paired 95% interval of the change: {d['quality_ci'][0]:+.3f} to {d['quality_ci'][1]:+.3f}.",
)
cols[1].metric(
    "Cost per 1,000 queries",
    usd(i.cost_per_1k_usd),
    usd(d["cost_per_1k_usd"]),
    delta_color="off" if d["cost_per_1k_usd"] < 0 else "inverse",  # a failure's lower bill is not good news
    border=True,
    help=f"Paired 95% interval of the change: {usd(d['cost_per_query_ci'][0] * 1000)} to {usd(d['cost_per_query_ci'][1] * 1000)}.",
)
cols[2].metric(
    "p95 latency",
    duration(i.latency_p95_ms),
    signed(d["latency_p95_ms"], duration),
    delta_color="off" if d["latency_p95_ms"] < 0 else "inverse",
    border=True,
)
cols[3].metric(
    "Strong share", pct(i.strong_share), f"{d['strong_share'] * 100:+.1f} points", delta_color="off", border=True
)
st.caption(
    f"Clean: quality {c.quality:.3f}, {usd(c.cost_per_1k_usd)} per 1,000 queries, p95 {duration(c.latency_p95_ms)}, "
    f"savings {pct(c.savings)} against always-strongest (injected: {pct(i.savings)}). Change in quality: "
    f"{d['quality']:+.3f}, 95% interval {d['quality_ci'][0]:+.3f} to {d['quality_ci'][1]:+.3f}."
)
for note in comparison.notes:
    st.caption(f":material/info: {note}")

st.plotly_chart(
    before_after_figure(comparison, f"{mode.title}: clean vs severity {severity:.2f}"),
    theme=None,
    key="gallery_before_after",
)
st.plotly_chart(
    severity_figure(
        _curve(ctx.key, name, exp, signals),
        f"{mode.title} across severities (dotted: clean)",
        metrics=("quality", "cost", "latency", "strong_share"),
    ),
    theme=None,
    key="gallery_severity",
)

# --- remedies and guardrails ---------------------------------------------------------------------

st.subheader("Remedies and guardrails")
tabs = ["Quality-floor monitor", "Per-request cost cap"]
if signals.escalates:
    tabs.insert(0, "Recalibration")
if mode.variants:
    tabs.append("Fallback ordering")
panels = dict(zip(tabs, st.tabs(tabs)))

if "Recalibration" in panels:
    with panels["Recalibration"]:
        method_key = state.seed("gallery_method", "isotonic")
        method = st.radio(
            "Remedy",
            RECALIBRATION_METHODS,
            key=method_key,
            horizontal=True,
            help="Refit the scorer's confidence on labelled queries: fitted on one half, applied to the other.",
        )
        report = _calibration(ctx.key, name, severity, method, exp, signals)
        curves = [
            ReliabilityCurve("clean", report.clean),
            ReliabilityCurve(f"{mode.title.lower()} {severity:.2f}", report.injected, "injected"),
        ]
        if method != "none":
            curves.append(ReliabilityCurve(f"recalibrated ({method})", report.recalibrated, "recalibrated"))
        st.plotly_chart(reliability_figure(curves), theme=None, key="gallery_reliability")
        r_cols = st.columns(3)
        r_cols[0].metric("Quality, clean", f"{report.clean_summary.quality:.3f}", border=True)
        r_cols[1].metric(
            "With the failure",
            f"{report.injected_summary.quality:.3f}",
            f"{report.injected_summary.quality - report.clean_summary.quality:+.3f}",
            border=True,
        )
        r_cols[2].metric(
            f"With the remedy ({method})",
            f"{report.recalibrated_summary.quality:.3f}",
            f"{report.recalibrated_summary.quality - report.injected_summary.quality:+.3f} vs the failure",
            border=True,
        )
        recovered = report.recovered
        st.caption(
            f"Cost per 1,000 queries: clean {usd(report.clean_summary.cost_per_1k_usd)}, with the failure "
            f"{usd(report.injected_summary.cost_per_1k_usd)}, with the remedy {usd(report.recalibrated_summary.cost_per_1k_usd)}. "
            + (
                f"The remedy wins back {recovered:.0%} of the quality the failure moved."
                if recovered == recovered
                else ""
            )
            + " Recalibration fixes how much the scorer is trusted, not what it can tell apart: it cannot restore lost AUROC, "
            "and fitted on a noisy judge's labels it learns the judge's mistakes."
        )

with panels["Quality-floor monitor"]:
    windows = [w for w in (100, 200, 500, 1000, 2000) if w <= exp.queries.n_queries // 4] or [
        max(1, exp.queries.n_queries // 4)
    ]
    window_key = state.seed(f"gallery_window:{ctx.key}", DEFAULT_WINDOW if DEFAULT_WINDOW in windows else windows[-1])
    window = int(
        st.select_slider(
            "Window (answers)",
            windows,
            key=window_key,
            help="The monitor checks the mean quality of the last this-many answers after every query.",
        )
    )
    monitor = _monitor(ctx.key, name, severity, window, exp, signals)
    m = monitor.report
    st.plotly_chart(
        monitor_figure(monitor, f"Quality-floor monitor: {mode.title.lower()} starts at query {m.onset:,}"),
        theme=None,
        key="gallery_monitor",
    )
    if m.alert_at is None:
        st.caption(
            f"No alert: the window mean never fell below the floor ({m.floor:.3f}). "
            "Failures that cost money or time without hurting quality need a cost or latency monitor instead."
        )
    else:
        verdict = (
            "a false alarm (before the failure)"
            if m.false_alarm
            else f"{m.detection_delay_queries:,} queries after the failure started"
        )
        st.caption(
            f"Alert at query {m.alert_at:,}: {verdict}. From the onset on, quality {m.quality_after_onset_without:.3f} without the "
            f"guardrail vs {m.quality_after_onset_with:.3f} with it, at {usd(m.cost_after_onset_without_usd * 1000)} vs "
            f"{usd(m.cost_after_onset_with_usd * 1000)} per 1,000 queries ({pct(m.share_served_by_fallback)} of all queries served by the fallback)."
        )

with panels["Per-request cost cap"]:
    start = suggested_cap_usd(comparison.clean_result)
    cap_key = state.seed(f"gallery_cap:{ctx.key}", round(start * 1000, 2))
    cap_per_1k = float(
        st.number_input(
            "Cap per request (USD per 1,000 requests)",
            min_value=0.01,
            step=0.5,
            key=cap_key,
            format="%.2f",
            help="No request may cost more than this / 1,000; dearer routes are cut back to a cheaper tier. "
            "It starts at the clean run's 95th percentile cost per request.",
        )
    )
    clean_cap, injected_cap = cap_comparison(exp, comparison, cap_per_1k / 1000)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "run": run_name,
                    "requests cut back": pct(r.share_capped),
                    "quality": f"{r.quality_before:.3f} -> {r.quality_after:.3f}",
                    "quality change 95% interval": f"{r.quality_change_ci[0]:+.3f} to {r.quality_change_ci[1]:+.3f}",
                    "cost per 1k": f"{usd(r.cost_per_query_before_usd * 1000)} -> {usd(r.cost_per_query_after_usd * 1000)}",
                    "p99 cost per 1k": f"{usd(r.cost_p99_before_usd * 1000)} -> {usd(r.cost_p99_after_usd * 1000)}",
                    "max cost per 1k": f"{usd(r.cost_max_before_usd * 1000)} -> {usd(r.cost_max_after_usd * 1000)}",
                }
                for run_name, r in (("clean", clean_cap), ("with the failure", injected_cap))
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "A cap bounds the bill of every request, whatever goes wrong upstream; the price is the quality of the requests it cuts back."
    )

if "Fallback ordering" in panels:
    with panels["Fallback ordering"]:
        rows = _fallbacks(ctx.key, name, severity, exp, signals)
        st.plotly_chart(fallback_figure(rows), theme=None, key="gallery_fallbacks")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "ordering": r.ordering,
                        "quality": r.quality,
                        "quality change": f"{r.quality_change:+.3f} [{r.quality_change_ci[0]:+.3f}, {r.quality_change_ci[1]:+.3f}]",
                        "cost per 1k": usd(r.cost_per_query_usd * 1000),
                        "p50 latency (ms)": r.latency_p50_ms,
                        "p95 latency (ms)": r.latency_p95_ms,
                        "strong share": pct(r.strong_share),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "quality": st.column_config.NumberColumn(format="%.3f"),
                "p50 latency (ms)": st.column_config.NumberColumn(format="%,.0f"),
                "p95 latency (ms)": st.column_config.NumberColumn(format="%,.0f"),
            },
        )
        st.caption(
            f"The same failed requests under each ordering (severity {severity:.2f}); the first is the default."
            + (
                " In a cascade, an error from the cheap model looks like a bad answer to the scorer, which escalates it:"
                " even without a fallback most failed requests reach the stronger model, late."
                if signals.escalates
                else ""
            )
        )
