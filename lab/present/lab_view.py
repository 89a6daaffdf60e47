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
from lab.failures.registry import get_failure
from lab.failures.world import World
from lab.present.breakdown import category_split
from lab.present.failure_story import curves_coincide, failure_story
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.figures.style import GREY, INJECTED_SUFFIX, LIGHT_GREY, OKABE_ITO, run_colour
from lab.present.kpis import Kpi, kpi_cards
from lab.present.text import pct, usd


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
    remedy_world: World | None = None  # the injected world with its remedy applied (a recalibrated scorer)


@dataclass(frozen=True, eq=False)
class LabView:
    """One threshold setting's view: KPI cards (clean, and with failures), notes, figures by key (the line under the
    charts, which does not move with the thresholds, is `sweep_caption`)."""

    thresholds: tuple[float, ...]
    clean_cards: list[Kpi]
    injected_cards: list[Kpi] | None
    injected_title: str | None
    notes: tuple[str, ...]
    figures: dict[str, go.Figure]
    story: str | None = None  # what the failures did and why a saving under them is not a gain
    remedy: str | None = None  # the remedy where the failure is, with its effect at these thresholds


def run_label(strategy: str, signals: Signals, thresholds: tuple[float, ...]) -> str:
    """A run's name in legends: the strategy and its thresholds (a fixed strategy has none)."""
    return f"{strategy} @ {', '.join(f'{t:.2f}' for t in thresholds)}" if signals.fixed_tier is None else strategy


def sweep_caption(strategy: str, clean_sweep: Sweep) -> str:
    """The line under the Lab's charts: the strategy's sweep figures (they do not move with its thresholds)."""
    return (
        f"Sweep of {strategy}: APGR {clean_sweep.apgr:.3f}, CPT(50%) {_share(clean_sweep.cpt50)}, "
        f"CPT(80%) {_share(clean_sweep.cpt80)}, AIQ {clean_sweep.aiq:.4f}. "
        "Intervals are 95% (bootstrap over queries)."
    )


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
    inj, inj_label, inj_thresholds = None, "", tuple(thresholds)
    notes: tuple[str, ...] = ()
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

    clean_sweep = inputs.clean_sweep
    anchors = Anchors.of(exp.baselines, inputs.oracle, exp.singles)
    frontier_curves = sweep_curves = [Curve(strategy, strategy, clean_sweep)]
    points = [Point(f"now: {label}", strategy, summary, legend=f"now: {strategy}")]
    frontier_note = sweep_note = None
    if inj and inputs.injected_sweep is not None:
        injected = Curve(f"{strategy} ({INJECTED_SUFFIX})", strategy, inputs.injected_sweep, injected=True)
        points.append(Point(f"now: {INJECTED_SUFFIX}", strategy, inj[1], injected=True))
        same_frontier, same_sweep = same_curves(clean_sweep, inputs.injected_sweep, anchors)
        if same_frontier:
            frontier_note = SAME_CURVE_NOTE
        else:
            frontier_curves = [*frontier_curves, injected]
        if same_sweep:
            sweep_note = SAME_CURVE_NOTE
        else:
            sweep_curves = [*sweep_curves, injected]
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
        "frontier": frontier_figure(frontier_curves, anchors, points, note=frontier_note),
        "sweep": sweep_figure(sweep_curves, anchors, points, note=sweep_note),
    }
    story = remedy = None
    if inj is not None:
        story = failure_story(
            under(inputs.failures), summary, inj[1], clean_sweep, exp.model_names[-1], exp.baselines.mean_quality_strong
        )
        if frontier_note or sweep_note:
            story += " Its curves are the clean ones (the failure moves the operating point along them, it does not bend them)."
        if inputs.remedy_world is not None:
            remedy = remedy_text(
                summary, inj[1], run(inputs.remedy_world.experiment, inputs.remedy_world.signals, inj_thresholds)[1]
            )
    return LabView(
        thresholds=tuple(thresholds),
        clean_cards=kpi_cards(summary),
        injected_cards=kpi_cards(inj[1], reference=summary, failure=True) if inj else None,
        injected_title=f"With failures: {failure_names(inputs.failures)}" if inj else None,
        notes=notes,
        figures=figures,
        story=story,
        remedy=remedy,
    )


SAME_CURVE_NOTE = "with failures: the same curve as clean<br>(only the operating point moves)"


def same_curves(clean: Sweep, injected: Sweep, anchors: Anchors) -> tuple[bool, bool]:
    """Whether the run with failures draws the clean curve on the frontier (cost -> quality) and on the sweep
    (share to the strongest -> quality retained and savings)."""
    q_span = abs(anchors.strong_quality - anchors.weak_quality) or 1.0
    frontier = curves_coincide(
        clean.cost_per_query_usd, clean.quality, injected.cost_per_query_usd, injected.quality, q_span
    )
    base_cost = anchors.strong_cost_usd or 1.0
    sweep = curves_coincide(
        clean.strong_share, clean.quality / q_span, injected.strong_share, injected.quality / q_span, 1.0
    ) and curves_coincide(
        clean.strong_share,
        clean.cost_per_query_usd / base_cost,
        injected.strong_share,
        injected.cost_per_query_usd / base_cost,
        1.0,
    )
    return frontier, sweep


def failure_names(failures: dict[str, float]) -> str:
    """The failures on, in words: "overconfident cascade scorer at 100%"."""
    return " and ".join(f"{get_failure(name).title.lower()} at {severity:.0%}" for name, severity in failures.items())


def under(failures: dict[str, float]) -> str:
    """How a sentence about the failures on starts: "the failure (overconfident cascade scorer at 100%)"."""
    return f"the failure{'s' if len(failures) > 1 else ''} ({failure_names(failures)})"


def remedy_text(clean: Summary, injected: Summary, remedied: Summary) -> str:
    """The remedy for a miscalibrated scorer and its effect at the thresholds in use."""
    lost = clean.quality_retained - injected.quality_retained
    won = remedied.quality_retained - injected.quality_retained
    share = f" It wins back {won / lost:.0%} of the quality lost." if abs(lost) >= 0.005 else ""
    return (
        "**Remedy: recalibrate the scorer.** Refit its confidence on labelled answers (isotonic regression, fitted on "
        f"one half of the queries and applied to the other). At the same thresholds: quality {pct(remedied.quality_retained)} "
        f"of always-strongest (clean {pct(clean.quality_retained)}, with the failure {pct(injected.quality_retained)}), "
        f"{pct(remedied.strong_share)} of queries to the strongest model, {usd(remedied.monthly_cost_usd)} a month "
        f"(clean {usd(clean.monthly_cost_usd)}).{share}"
    )
