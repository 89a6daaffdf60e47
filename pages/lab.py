"""Lab: pick a strategy, move a threshold, inject failures, and watch quality, cost and latency live."""

from __future__ import annotations

import streamlit as st

from lab.core.experiment import run
from lab.failures.injection import live_thresholds
from lab.present.breakdown import category_split
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.figures.style import GREY, INJECTED_SUFFIX, LIGHT_GREY, OKABE_ITO, run_colour
from lab.present.kpis import kpi_cards
from pages import _common as common
from pages._live_chart import live_chart

common.page("lab")
ctx = common.context()
common.show_url_problems()
exp = ctx.experiment
strategy, signals = common.strategy_control(ctx)
threshold_box = st.sidebar.container()  # the live fragment draws the threshold sliders here, above the failure modes
common.calibrate_controls(ctx, strategy, signals)  # outside the fragment: a calibration reruns the whole page
failures = common.failure_controls(ctx, strategy)
injected_world = common.world(ctx, strategy, signals, failures)

st.title(ctx.scenario.title or ctx.scenario.name)
st.caption(f"{exp.queries.n_queries:,} queries, {len(exp.models)} models. {ctx.scenario.description.strip()}")
for note in exp.notes:
    st.caption(note)

clean_sweep = common.cached_sweep(ctx.key, strategy, (), exp, signals)
failure_key = tuple(sorted(failures.items()))
injected_sweep = (
    common.cached_sweep(ctx.key, strategy, failure_key, injected_world.experiment, injected_world.signals)
    if injected_world is not None
    else None
)
weak = common.cached_reference(ctx.key, "always-cheapest", exp)
strong = common.cached_reference(ctx.key, "always-strongest", exp)
oracle = common.cached_reference(ctx.key, "oracle", exp)
anchors = Anchors.of(exp.baselines, oracle)
colour = run_colour(strategy)
# Live charts redraw on every slider move: no mode bar (fewer nodes per redraw); hover, zoom and double-click stay.
LIVE = {"displayModeBar": False}


@st.fragment
def live() -> None:
    """Thresholds and everything they move: reruns alone when a threshold slider moves."""
    thresholds = common.threshold_controls(ctx, strategy, signals, where=threshold_box, calibrate=False)
    result, summary = run(exp, signals, thresholds)
    label = _label(strategy, signals, thresholds)
    inj, inj_label, retuned = None, "", None
    if injected_world is not None:
        inj_thresholds, retuned = live_thresholds(injected_world, failures, thresholds, summary)
        inj = run(injected_world.experiment, injected_world.signals, inj_thresholds)
        inj_label = f"{_label(strategy, signals, inj_thresholds)} ({INJECTED_SUFFIX})"

    st.subheader("Clean run" if inj else "Headline figures")
    _cards(kpi_cards(summary))
    if inj is not None:
        st.subheader(f"With failures: {', '.join(f'{k} {v:.0%}' for k, v in failures.items())}")
        _cards(kpi_cards(inj[1], reference=summary))
        for note in (*injected_world.notes, *([retuned] if retuned else [])):
            st.caption(note)

    runs = [(label, result, summary)] + ([(inj_label, *inj)] if inj else [])
    left, right = st.columns(2)
    live_chart(
        left,
        model_split_figure([(lbl, s.call_share) for lbl, _, s in runs], exp.model_names),
        key="split_model",
        config=LIVE,
    )
    live_chart(
        right,
        category_split_figure(
            [("clean" if inj else lbl, category_split(r, exp.queries)) for lbl, r, _ in runs[:1]]
            + ([(INJECTED_SUFFIX, category_split(inj[0], injected_world.experiment.queries))] if inj else []),
            exp.model_names,
        ),
        key="split_category",
        config=LIVE,
    )

    def estimate(lbl: str, s, c: str, injected: bool = False, money: bool = False) -> Estimate:
        if money:
            return Estimate(lbl, s.monthly_cost_usd, *s.monthly_cost_ci, colour=c, injected=injected)
        return Estimate(lbl, s.quality, *s.quality_ci, colour=c, injected=injected)

    bars_q = [estimate("always-cheapest", weak, LIGHT_GREY), estimate(label, summary, colour)]
    bars_c = [estimate(label, summary, colour, money=True)]
    if inj:
        bars_q.append(estimate(inj_label, inj[1], colour, injected=True))
        bars_c.append(estimate(inj_label, inj[1], colour, injected=True, money=True))
    bars_q += [estimate("always-strongest", strong, GREY), estimate("oracle", oracle, OKABE_ITO["black"])]
    bars_c += [
        estimate("always-strongest", strong, GREY, money=True),
        estimate("always-cheapest", weak, LIGHT_GREY, money=True),
    ]
    left, right = st.columns(2)
    live_chart(
        left,
        estimate_figure(
            bars_q, "Quality served vs the baselines", "mean quality of answers served (0-1)", y_range=(0, 1.05)
        ),
        key="quality",
        config=LIVE,
    )
    live_chart(
        right,
        estimate_figure(
            bars_c,
            f"Projected monthly cost ({summary.queries_per_day:,.0f} queries/day)",
            "cost per month (USD)",
            money=True,
        ),
        key="monthly_cost",
        config=LIVE,
    )

    curves = [Curve(strategy, strategy, clean_sweep)] + (
        [Curve(f"{strategy} ({INJECTED_SUFFIX})", strategy, injected_sweep, injected=True)] if inj else []
    )
    points = [Point(f"now: {label}", strategy, summary)] + (
        [Point(f"now: {INJECTED_SUFFIX}", strategy, inj[1], injected=True)] if inj else []
    )
    left, right = st.columns(2)
    live_chart(left, frontier_figure(curves, anchors, points), key="frontier", config=LIVE)
    live_chart(right, sweep_figure(curves, anchors, points), key="sweep", config=LIVE)
    st.caption(
        f"Sweep of {strategy}: APGR {clean_sweep.apgr:.3f}, CPT(50%) {_share(clean_sweep.cpt50)}, "
        f"CPT(80%) {_share(clean_sweep.cpt80)}, AIQ {clean_sweep.aiq:.4f}. Intervals are 95% (bootstrap over queries)."
    )


def _label(strategy: str, signals, thresholds) -> str:
    return f"{strategy} @ {', '.join(f'{t:.2f}' for t in thresholds)}" if signals.fixed_tier is None else strategy


def _share(value: float | None) -> str:
    return "never" if value is None else f"{value:.0%}"


def _cards(cards) -> None:
    for col, card in zip(st.columns(len(cards)), cards):
        col.metric(
            card.label,
            card.value,
            delta=card.delta,
            help=card.help,
            border=True,
            height="stretch",
            delta_color="normal" if card.good_when_up else "inverse",
        )
        col.caption(card.interval)


live()
