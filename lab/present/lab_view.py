"""The Lab page's view, built purely: cards, notes and the six live figures for one threshold setting.

The page reads its widgets, fetches a LabInputs from its caches and draws what lab_view returns; the
server's warm-up and the architecture test build the same view, so "what the first page computes" is
one function (pages/_caches.first_lab_view).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from lab.core.experiment import Experiment, run
from lab.core.metrics import Summary
from lab.core.signals import Signals
from lab.core.sweep import Sweep
from lab.failures.injection import live_thresholds
from lab.failures.world import World
from lab.present.breakdown import category_split
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.figures.style import GREY, INJECTED_SUFFIX, LIGHT_GREY, OKABE_ITO, run_colour
from lab.present.kpis import Kpi, kpi_cards


@dataclass(frozen=True, eq=False)
class LabInputs:
    """What the Lab page computes once per scenario, strategy and failures: signals, sweeps, references."""

    experiment: Experiment
    strategy: str
    signals: Signals
    clean_sweep: Sweep
    weak: Summary
    strong: Summary
    oracle: Summary
    failures: dict[str, float]
    world: World | None = None
    injected_sweep: Sweep | None = None


@dataclass(frozen=True, eq=False)
class LabView:
    """One threshold setting's view: KPI cards (clean, and with failures), notes, figures by key, caption."""

    thresholds: tuple[float, ...]
    clean_cards: list[Kpi]
    injected_cards: list[Kpi] | None
    injected_title: str | None
    notes: tuple[str, ...]
    figures: dict[str, go.Figure]
    caption: str


def run_label(strategy: str, signals: Signals, thresholds: tuple[float, ...]) -> str:
    """A run's name in legends: the strategy and its thresholds (a fixed strategy has none)."""
    return f"{strategy} @ {', '.join(f'{t:.2f}' for t in thresholds)}" if signals.fixed_tier is None else strategy


def _share(value: float | None) -> str:
    return "never" if value is None else f"{value:.0%}"


def _estimate(label: str, summary: Summary, colour: str, injected: bool = False, money: bool = False) -> Estimate:
    if money:
        return Estimate(label, summary.monthly_cost_usd, *summary.monthly_cost_ci, colour=colour, injected=injected)
    return Estimate(label, summary.quality, *summary.quality_ci, colour=colour, injected=injected)


def lab_view(inputs: LabInputs, thresholds: tuple[float, ...]) -> LabView:
    """The Lab page's cards and figures at `thresholds` (the run with failures beside the clean one, if any)."""
    exp, strategy, signals, world = inputs.experiment, inputs.strategy, inputs.signals, inputs.world
    result, summary = run(exp, signals, thresholds)
    label = run_label(strategy, signals, thresholds)
    colour = run_colour(strategy)
    inj, inj_label, notes = None, "", ()
    if world is not None:
        inj_thresholds, retuned = live_thresholds(world, inputs.failures, thresholds, summary)
        inj = run(world.experiment, world.signals, inj_thresholds)
        inj_label = f"{run_label(strategy, signals, inj_thresholds)} ({INJECTED_SUFFIX})"
        notes = (*world.notes, *([retuned] if retuned else []))

    runs = [(label, result, summary)] + ([(inj_label, *inj)] if inj else [])
    splits = [("clean" if inj else label, category_split(result, exp.queries))]
    if inj is not None and world is not None:
        splits.append((INJECTED_SUFFIX, category_split(inj[0], world.experiment.queries)))

    bars_q = [_estimate("always-cheapest", inputs.weak, LIGHT_GREY), _estimate(label, summary, colour)]
    bars_c = [_estimate(label, summary, colour, money=True)]
    if inj:
        bars_q.append(_estimate(inj_label, inj[1], colour, injected=True))
        bars_c.append(_estimate(inj_label, inj[1], colour, injected=True, money=True))
    bars_q += [
        _estimate("always-strongest", inputs.strong, GREY),
        _estimate("oracle", inputs.oracle, OKABE_ITO["black"]),
    ]
    bars_c += [
        _estimate("always-strongest", inputs.strong, GREY, money=True),
        _estimate("always-cheapest", inputs.weak, LIGHT_GREY, money=True),
    ]

    curves = [Curve(strategy, strategy, inputs.clean_sweep)]
    points = [Point(f"now: {label}", strategy, summary)]
    if inj and inputs.injected_sweep is not None:
        curves.append(Curve(f"{strategy} ({INJECTED_SUFFIX})", strategy, inputs.injected_sweep, injected=True))
        points.append(Point(f"now: {INJECTED_SUFFIX}", strategy, inj[1], injected=True))
    anchors = Anchors.of(exp.baselines, inputs.oracle, exp.singles)
    clean_sweep = inputs.clean_sweep
    figures = {
        "split_model": model_split_figure([(lbl, s.call_share) for lbl, _, s in runs], exp.model_names),
        "split_category": category_split_figure(splits, exp.model_names),
        "quality": estimate_figure(
            bars_q, "Quality served vs the baselines", "mean quality of answers served (0-1)", y_range=(0, 1.05)
        ),
        "monthly_cost": estimate_figure(
            bars_c,
            f"Projected monthly cost ({summary.queries_per_day:,.0f} queries/day)",
            "cost per month (USD)",
            money=True,
        ),
        "frontier": frontier_figure(curves, anchors, points),
        "sweep": sweep_figure(curves, anchors, points),
    }
    return LabView(
        thresholds=tuple(thresholds),
        clean_cards=kpi_cards(summary),
        injected_cards=kpi_cards(inj[1], reference=summary) if inj else None,
        injected_title=f"With failures: {', '.join(f'{k} {v:.0%}' for k, v in inputs.failures.items())}"
        if inj
        else None,
        notes=notes,
        figures=figures,
        caption=(
            f"Sweep of {strategy}: APGR {clean_sweep.apgr:.3f}, CPT(50%) {_share(clean_sweep.cpt50)}, "
            f"CPT(80%) {_share(clean_sweep.cpt80)}, AIQ {clean_sweep.aiq:.4f}. "
            "Intervals are 95% (bootstrap over queries)."
        ),
    )
