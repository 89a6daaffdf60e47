"""Cost projection: re-pricing a run's token mix, traffic growth, and the bootstrap savings range."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.experiment import run, signals_for
from lab.core.metrics import DAYS_PER_MONTH
from lab.present.projection import ProjectionInputs, default_prices, project, routed_mix, strongest_mix


@pytest.fixture(scope="module")
def cascade_run(default_experiment):
    exp = default_experiment
    result, summary = run(exp, signals_for(exp, "cascade"), [0.5])
    return exp, result, summary


def _inputs(exp, **changes):
    base = dict(
        queries_per_day=exp.scenario.traffic.queries_per_day, growth_per_month=0.0, prices=default_prices(exp.models)
    )
    return ProjectionInputs(**{**base, **changes})


def test_at_the_scenarios_own_prices_the_projection_matches_the_summary(cascade_run):
    exp, result, summary = cascade_run
    p = project(
        routed_mix(result, exp.queries, exp.models),
        strongest_mix(exp.queries, exp.baselines, exp.models),
        _inputs(exp),
        summary.savings,
        summary.savings_ci,
    )
    assert p.cost_per_query_usd == pytest.approx(summary.cost_per_query_usd, rel=1e-9)
    assert p.table["routed_usd"].iloc[0] == pytest.approx(summary.monthly_cost_usd, rel=1e-9)
    assert p.table["strongest_usd"].iloc[0] == pytest.approx(summary.baseline_monthly_cost_usd, rel=1e-9)
    assert p.savings == pytest.approx(summary.savings, rel=1e-9)
    assert p.savings_range == pytest.approx(summary.savings_ci, rel=1e-9)


def test_a_cascade_pays_every_model_it_tries(cascade_run):
    exp, result, _ = cascade_run
    mix = routed_mix(result, exp.queries, exp.models)
    # every query calls the cheapest model first; only escalated ones call the strongest
    assert mix.input_tokens_per_query[0] == pytest.approx(exp.queries.prompt_tokens.mean())
    assert mix.input_tokens_per_query[1] == pytest.approx(
        exp.queries.prompt_tokens[result.tier == 1].sum() / exp.queries.n_queries
    )
    assert mix.other_usd_per_query > 0  # the confidence scorer's calls


def test_growth_compounds_and_annual_sums_the_first_twelve_months(cascade_run):
    exp, result, summary = cascade_run
    p = project(
        routed_mix(result, exp.queries, exp.models),
        strongest_mix(exp.queries, exp.baselines, exp.models),
        _inputs(exp, growth_per_month=0.1, months=24),
        summary.savings,
        summary.savings_ci,
    )
    ratio = p.table["routed_usd"].to_numpy()[1:] / p.table["routed_usd"].to_numpy()[:-1]
    assert np.allclose(ratio, 1.1)
    assert len(p.table) == 24
    assert p.annual_routed_usd == pytest.approx(p.table["routed_usd"].iloc[:12].sum())
    assert p.table["queries_per_day"].iloc[12] == pytest.approx(exp.scenario.traffic.queries_per_day * 1.1**12)


def test_prices_and_token_mix_move_the_cost_the_way_they_should(cascade_run):
    exp, result, summary = cascade_run
    routed, strong = routed_mix(result, exp.queries, exp.models), strongest_mix(exp.queries, exp.baselines, exp.models)
    base = project(routed, strong, _inputs(exp), summary.savings, summary.savings_ci)
    prices = default_prices(exp.models)
    dearer_strong = project(
        routed,
        strong,
        _inputs(exp, prices=[prices[0], (prices[1][0] * 2, prices[1][1] * 2)]),
        summary.savings,
        summary.savings_ci,
    )
    assert dearer_strong.strongest_cost_per_query_usd == pytest.approx(2 * base.strongest_cost_per_query_usd, rel=1e-6)
    assert dearer_strong.savings > base.savings  # routing saves more when the strong model costs more
    longer_answers = project(routed, strong, _inputs(exp, output_mix=3.0), summary.savings, summary.savings_ci)
    assert longer_answers.cost_per_query_usd > base.cost_per_query_usd
    month = DAYS_PER_MONTH * exp.scenario.traffic.queries_per_day * 2
    doubled = project(
        routed,
        strong,
        _inputs(exp, queries_per_day=exp.scenario.traffic.queries_per_day * 2),
        summary.savings,
        summary.savings_ci,
    )
    assert doubled.table["routed_usd"].iloc[0] == pytest.approx(base.cost_per_query_usd * month)


def test_the_savings_range_brackets_the_projected_savings(cascade_run):
    exp, result, summary = cascade_run
    p = project(
        routed_mix(result, exp.queries, exp.models),
        strongest_mix(exp.queries, exp.baselines, exp.models),
        _inputs(exp, prompt_mix=0.5),
        summary.savings,
        summary.savings_ci,
    )
    low, high = p.savings_range
    assert low <= p.savings <= high
    assert high - low == pytest.approx(summary.savings_ci[1] - summary.savings_ci[0])
    lo_usd, hi_usd = p.annual_savings_range_usd
    assert lo_usd <= p.annual_savings_usd <= hi_usd
    # the same range read as cost with routing: more savings is less cost
    routed_lo, routed_hi = p.annual_routed_range_usd
    assert routed_lo <= p.annual_routed_usd <= routed_hi
    assert routed_hi - routed_lo == pytest.approx(hi_usd - lo_usd)
    month_lo, month_hi = p.routed_range_usd(1)
    assert month_lo <= p.table["routed_usd"].iloc[0] <= month_hi
    assert month_lo == pytest.approx(p.table["strongest_usd"].iloc[0] * (1 - high))


def test_wrong_number_of_prices_is_an_error(cascade_run):
    exp, result, summary = cascade_run
    with pytest.raises(ValueError):
        project(
            routed_mix(result, exp.queries, exp.models),
            strongest_mix(exp.queries, exp.baselines, exp.models),
            _inputs(exp, prices=[(1e-6, 1e-6)]),
            summary.savings,
            summary.savings_ci,
        )


def test_each_cost_carries_its_own_interval_every_month_and_over_twelve(cascade_run):
    from lab.present.projection import run_projection

    exp, result, summary = cascade_run
    p = run_projection(exp, result, summary, _inputs(exp, growth_per_month=0.05))
    for month in (1, 7):
        row = p.table.iloc[month - 1]
        low, high = p.routed_range_usd(month)
        assert low < row["routed_usd"] < high
        s_low, s_high = p.strongest_range_usd(month)
        assert s_low < row["strongest_usd"] < s_high  # always-strongest's cost per query is an estimate too
    # at the scenario's prices and traffic the routed interval is the run's own bootstrap interval
    assert p.routed_range_usd(1) == pytest.approx(summary.monthly_cost_ci, rel=1e-9)
    assert p.annual_routed_range_usd == pytest.approx(
        (p.table["routed_low_usd"].iloc[:12].sum(), p.table["routed_high_usd"].iloc[:12].sum())
    )
    assert p.annual_strongest_range_usd[0] < p.annual_strongest_usd < p.annual_strongest_range_usd[1]


def test_a_failure_that_moves_a_price_moves_the_user_s_price_with_it(cascade_run):
    from lab.core.experiment import signals_for
    from lab.failures.injection import inject
    from lab.present.projection import prices_in

    exp, _, _ = cascade_run
    world = inject(exp, signals_for(exp, "cascade"), {"strong-price-change": 1.0})
    edited = _inputs(exp, prices=[(1e-7, 2e-7), (1e-5, 3e-5)])
    moved = prices_in(edited, exp.models, world.experiment.models).prices
    assert moved[0] == pytest.approx((1e-7, 2e-7))
    assert moved[1] == pytest.approx((3e-5, 9e-5))  # tripled, as the failure triples the list price
