"""Figure builders: the data they draw, one template, a model's colour everywhere, labelled axes with units."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.experiment import run, signals_for, sweep_for
from lab.present.breakdown import CategorySplit, category_split
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import PER_1K, Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.projection import projection_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.figures.style import FONT_SIZE, OKABE_ITO, model_colours, wrap
from lab.present.projection import ProjectionInputs, default_prices, project, routed_mix, strongest_mix
from lab.present.text import usd


@pytest.fixture(scope="module")
def runs(default_experiment):
    exp = default_experiment
    cascade = signals_for(exp, "cascade")
    oracle = run(exp, signals_for(exp, "oracle"), [0.5])[1]
    low = run(exp, cascade, [0.3])
    high = run(exp, cascade, [0.7])
    return exp, cascade, oracle, low, high


def _axis_titles(fig) -> list[str]:
    layout = fig.to_plotly_json()["layout"]
    return [
        v["title"]["text"]
        for k, v in layout.items()
        if k.startswith(("xaxis", "yaxis")) and v.get("title", {}).get("text")
    ]


def test_model_colours_are_fixed_by_tier_and_distinct():
    two = model_colours(("cheap", "strong"))
    three = model_colours(("nano", "mini", "big"))
    assert two["cheap"] == three["nano"] == OKABE_ITO["blue"]
    assert two["strong"] == three["big"] == OKABE_ITO["vermillion"]
    seven = model_colours(tuple(f"m{j}" for j in range(7)))
    assert len(set(seven.values())) == 7


def test_model_split_draws_each_models_share_in_its_colour(runs):
    exp, _, _, (_, low), (_, high) = runs
    fig = model_split_figure([("low", low.call_share), ("high with failures", high.call_share)], exp.model_names)
    colours = model_colours(exp.model_names)
    for trace, model in zip(fig.data, exp.model_names):
        assert trace.name == model and trace.marker.color == colours[model]
        assert list(trace.x) == pytest.approx([low.call_share[model] * 100, high.call_share[model] * 100])
        assert list(trace.marker.pattern.shape) == ["", "/"]
    strongest = fig.data[-1]
    assert strongest.x[0] > strongest.x[1]  # a higher threshold sends fewer queries to the strongest model


def test_share_labels_on_a_hatched_with_failures_bar_are_dark_in_a_white_rim(runs):
    # white on a mostly white hatched bar could not be read on a projector
    exp, _, _, (_, low), (_, high) = runs
    fig = model_split_figure([("a", low.call_share), ("a (with failures)", high.call_share)], exp.model_names)
    for trace in fig.data:
        assert list(trace.marker.pattern.shape) == ["", "/"]
        assert list(trace.textfont.color) == ["white", "#222222"]
        assert trace.textfont.shadow[0] == "none" and "white" in trace.textfont.shadow[1]


def test_category_split_stacks_to_100_percent_per_category_and_panel(runs):
    exp, _, _, (low_result, _), (high_result, _) = runs
    fig = category_split_figure(
        [
            ("clean", category_split(low_result, exp.queries)),
            ("with failures", category_split(high_result, exp.queries)),
        ],
        exp.model_names,
    )
    m = len(exp.model_names)
    assert len(fig.data) == 2 * m
    assert [t.showlegend for t in fig.data] == [True] * m + [False] * m  # one legend entry per model
    for panel in (fig.data[:m], fig.data[m:]):
        totals = np.sum([np.asarray(t.x, dtype=float) for t in panel], axis=0)
        assert np.allclose(totals, 100)
    n_categories = len(set(exp.queries.category))
    assert len(fig.data[0].y) == n_categories


def test_category_split_puts_the_most_escalated_category_on_top_and_leaves_a_missing_one_empty():
    models = ("cheap", "strong")
    clean = CategorySplit(
        ("a", "b", "c"), models, np.array([[5, 5], [10, 0], [2, 8]]), np.array([[0.5, 0.5], [1.0, 0.0], [0.2, 0.8]])
    )
    injected = CategorySplit(
        ("a", "c"), models, np.array([[1, 9], [4, 6]]), np.array([[0.1, 0.9], [0.4, 0.6]])
    )  # no "b" left
    fig = category_split_figure([("clean", clean), ("with failures", injected)], models)
    cheap, strong, cheap_inj, strong_inj = fig.data
    assert list(cheap.y) == list(cheap_inj.y) == ["c", "a", "b"]  # by the strong model's share, highest first
    assert list(strong.x) == pytest.approx([80, 50, 0]) and list(strong.customdata) == [8, 5, 0]
    assert (
        list(strong_inj.x[:2]) == pytest.approx([60, 90])
        and np.isnan(strong_inj.x[2])
        and np.isnan(cheap_inj.customdata[2])
    )


def test_estimates_draw_asymmetric_95_percent_whiskers_and_money_as_dollars():
    fig = estimate_figure(
        [Estimate("routed", 10.0, 8.0, 13.0), Estimate("always-strongest", 40.0, 39.0, 41.0, injected=True)],
        "Monthly cost",
        "cost per month (USD)",
        money=True,
    )
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.x) == [10.0, 40.0]
    assert list(bar.error_x.array) == [3.0, 1.0] and list(bar.error_x.arrayminus) == [2.0, 1.0]
    assert list(bar.text) == ["$10.00", "$40.00"]
    # each value is written under its label, so values and long labels never share the bars' room
    assert [label.split("<br>")[-1] for label in bar.y] == ["<b>$10.00</b>", "<b>$40.00</b>"]
    assert fig.layout.xaxis.tickprefix == "$"
    assert list(bar.marker.pattern.shape) == ["", "/"]


def test_frontier_has_random_line_oracle_hull_and_operating_points(runs, default_experiment):
    exp, cascade, oracle, (_, low), (_, high) = runs
    anchors = Anchors.of(exp.baselines, oracle)
    sweep = sweep_for(exp, cascade)
    fig = frontier_figure(
        [Curve("cascade", "cascade", sweep), Curve("cascade (with failures)", "cascade", sweep, injected=True)],
        anchors,
        [Point("now", "cascade", low), Point("now, with failures", "cascade", high, injected=True)],
    )
    by_name = {t.name: t for t in fig.data}
    random_line = by_name["random routing"]
    assert list(random_line.x) == pytest.approx([anchors.weak_cost_usd * PER_1K, anchors.strong_cost_usd * PER_1K])
    assert list(random_line.y) == pytest.approx([anchors.weak_quality, anchors.strong_quality])
    assert by_name["oracle (hindsight)"].y[0] == pytest.approx(oracle.quality)
    assert list(by_name["cascade"].x) == pytest.approx(list(sweep.cost_per_query_usd * PER_1K))
    assert by_name["cascade (with failures)"].line.dash == "dash"
    hull = by_name["cascade: upper hull"]
    assert np.all(np.diff(hull.x) > 0) and np.all(np.diff(hull.y) >= 0)
    assert np.all(np.asarray(hull.y) >= np.interp(hull.x, by_name["cascade"].x, by_name["cascade"].y) - 1e-9)
    # the operating points are shapes (a slider move redraws them alone); their legend entries are traces without data
    diamonds = [shape for shape in fig.layout.shapes if shape.type == "path"]
    assert [(d.xanchor, d.yanchor) for d in diamonds] == [
        (pytest.approx(s.cost_per_query_usd * PER_1K), pytest.approx(s.quality)) for s in (low, high)
    ]
    assert [d.fillcolor == "white" for d in diamonds] == [False, True]  # the run with failures is an open diamond
    whiskers = [shape for shape in fig.layout.shapes if shape.type == "line" and shape.xsizemode != "pixel"]
    assert [(w.x0, w.y0, w.y1) for w in whiskers] == [
        (pytest.approx(s.cost_per_query_usd * PER_1K), pytest.approx(s.quality_ci[0]), pytest.approx(s.quality_ci[1]))
        for s in (low, high)
    ]
    assert list(by_name["now"].x) == [None] and by_name["now, with failures"].marker.symbol == "diamond-open"
    assert "cost per 1,000 queries (USD)" in _axis_titles(fig)


def test_threshold_sweep_shows_quality_retained_and_savings_against_always_strongest(runs):
    exp, cascade, oracle, (_, low), _ = runs
    anchors = Anchors.of(exp.baselines, oracle)
    sweep = sweep_for(exp, cascade)
    fig = sweep_figure([Curve("cascade", "cascade", sweep)], anchors, [Point("now", "cascade", low)])
    retained, savings = fig.data
    assert list(retained.y) == pytest.approx(list(sweep.quality / anchors.strong_quality * 100))
    assert savings.y[-1] == pytest.approx((1 - sweep.cost_per_query_usd[-1] / anchors.strong_cost_usd) * 100)
    assert fig.layout.shapes[0].x0 == pytest.approx(low.strong_share * 100)


def test_projection_chart_draws_both_costs_and_the_savings_band(runs):
    exp, _, _, (result, summary), _ = runs
    p = project(
        routed_mix(result, exp.queries, exp.models),
        strongest_mix(exp.queries, exp.baselines, exp.models),
        ProjectionInputs(queries_per_day=1000, growth_per_month=0.1, prices=default_prices(exp.models)),
        summary.savings,
        summary.savings_ci,
    )
    fig = projection_figure(p, "cascade")
    lower, upper, strongest, routed = fig.data
    assert list(routed.y) == pytest.approx(list(p.table["routed_usd"]))
    assert list(strongest.y) == pytest.approx(list(p.table["strongest_usd"]))
    assert np.all(np.asarray(lower.y) <= np.asarray(upper.y))
    assert fig.layout.yaxis.tickprefix == "$"


def test_every_figure_uses_the_one_template_with_projector_sized_type(runs):
    exp, cascade, oracle, (result, low), _ = runs
    anchors = Anchors.of(exp.baselines, oracle)
    sweep = sweep_for(exp, cascade)
    figures = [
        model_split_figure([("a", low.call_share)], exp.model_names),
        category_split_figure([("a", category_split(result, exp.queries))], exp.model_names),
        estimate_figure([Estimate("a", 1, 0, 2)], "t", "quality (0-1)"),
        frontier_figure([Curve("c", "cascade", sweep)], anchors, []),
        sweep_figure([Curve("c", "cascade", sweep)], anchors, []),
    ]
    for fig in figures:
        assert fig.layout.template.layout.font.size == FONT_SIZE >= 14
        assert fig.layout.title.text
        titles = _axis_titles(fig)
        assert titles and all("(" in t for t in titles), titles  # every axis names its unit


def test_money_and_label_formatting():
    assert usd(1234.5) == "$1,234" or usd(1234.5) == "$1,235"
    assert usd(12.345) == "$12.35" and usd(-3.5) == "-$3.50" and usd(0.000123) == "$0.000123"
    assert usd(float("nan")) == "n/a"
    assert wrap("cascade @ 0.50 (with failures)", 12) == "cascade @<br>0.50 (with<br>failures)"


def test_the_best_single_model_is_a_baseline_point_on_the_frontier(three_model_experiment):
    from lab.core.experiment import run, signals_for
    from lab.present.figures.frontier import best_single_label

    exp = three_model_experiment
    oracle = run(exp, signals_for(exp, "oracle"), (0.5, 0.5))[1]
    singles = exp.singles
    fig = frontier_figure([], Anchors.of(exp.baselines, oracle, singles), [])
    by_name = {t.name: t for t in fig.data}
    best = by_name[best_single_label(singles)]
    assert best.name == "best single model: always-gpt-5-mini"
    assert best.x[0] == pytest.approx(singles.cost_per_query_usd[1] * PER_1K)
    assert best.y[0] == pytest.approx(singles.quality[1])
    # named in the legend above the plot, not by a label beside the ring (which landed on tick labels and curves)
    assert best.showlegend is not False and "text" not in best.mode and best.text is None
    alone = by_name["always-<model>, each model alone"]
    assert list(alone.customdata) == ["always-cheapest", "always-gpt-5-mini", "always-strongest"]
    assert list(alone.text) == ["always-cheapest", "", "always-strongest"]  # the ring names the best single model
    assert list(alone.y) == pytest.approx(list(singles.quality))


def test_a_long_best_single_model_name_is_broken_to_fit_the_legend_of_a_half_width_chart(three_model_experiment):
    from dataclasses import replace

    from lab.core.experiment import run, signals_for
    from lab.present.figures.style import HALF_WIDTH_PX, LEGEND_SIZE, LEGEND_SYMBOL_PX, legend_px, text_px

    exp = three_model_experiment
    oracle = run(exp, signals_for(exp, "oracle"), (0.5, 0.5))[1]
    long_name = "anthropic/claude-3-5-sonnet-20241022-with-a-long-deployment-suffix"
    names = tuple(long_name if j == exp.singles.best else n for j, n in enumerate(exp.singles.names))
    singles = replace(exp.singles, names=names)
    fig = frontier_figure([], Anchors.of(exp.baselines, oracle, singles), [])
    best = next(t for t in fig.data if str(t.name).startswith("best single model"))
    assert best.name.replace("<br>", " ") == f"best single model: always-{long_name}"
    lines = best.name.split("<br>")
    assert len(lines) > 1
    assert all(text_px(line, LEGEND_SIZE) + LEGEND_SYMBOL_PX <= HALF_WIDTH_PX or " " not in line for line in lines)
    # the legend's room above the plot grew by the extra lines
    shown = [t.name for t in fig.data if t.showlegend is not False and t.name]
    assert fig.layout.margin.t >= legend_px(shown, HALF_WIDTH_PX) > legend_px([n for n in shown if n != best.name])
