"""Guardrails on the default scenario: the quality-floor monitor, the per-request cost cap, fallback ordering."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for
from lab.core.routing import Result
from lab.failures import World, inject
from lab.failures.guardrails import (
    cap_cost,
    compare_fallbacks,
    cost_cap_report,
    default_floor,
    monitor_failure,
    monitor_quality,
    rolling_mean,
)


def _result(quality: np.ndarray, cost: np.ndarray | None = None) -> Result:
    n = len(quality)
    return Result(
        "hand-made",
        (0.5,),
        np.zeros(n, np.int8),
        quality.astype(float),
        np.ones(n) if cost is None else cost,
        np.ones(n),
        False,
    )


def test_rolling_mean_matches_a_direct_window():
    values = np.random.default_rng(0).random(50)
    out = rolling_mean(values, 7)
    assert np.isnan(out[:6]).all()
    np.testing.assert_allclose(out[6:], [values[i - 6 : i + 1].mean() for i in range(6, 50)])
    with pytest.raises(LabError):
        rolling_mean(values, 0)


def test_monitor_on_a_hand_made_stream_alerts_once_the_window_sees_the_drop():
    n = 1_000
    clean = _result(np.ones(n))
    bad = _result(np.zeros(n), cost=np.full(n, 0.5))
    run_ = monitor_quality(
        clean, bad, fallback_quality=np.ones(n), fallback_cost_usd=np.full(n, 3.0), onset=600, window=100, floor=0.8
    )
    r = run_.report
    # the window mean first drops below 0.8 when 21 of its 100 answers are bad: at position 620
    assert r.alert_at == 620 and r.detection_delay_queries == 20 and not r.false_alarm
    assert r.quality_after_onset_without == 0.0 and r.quality_after_onset_with == pytest.approx(379 / 400)
    assert r.cost_after_onset_with_usd == pytest.approx((21 * 0.5 + 379 * 3.0) / 400)
    assert r.share_served_by_fallback == pytest.approx(379 / 1000)


@pytest.mark.parametrize(
    "failure", [{"traffic-drift": 0.5}, {"overconfident-scorer": 0.8}, {"scorer-loses-discrimination": 0.8}]
)
def test_monitor_catches_quality_failures_and_the_fallback_restores_quality(failure, experiment, cascade):
    r = monitor_failure(experiment, cascade, failure, [0.5]).report
    assert r.alert_at is not None and not r.false_alarm
    assert 0 < r.detection_delay_queries < 2 * r.window
    assert r.quality_after_onset_with > r.quality_after_onset_without + 0.05
    assert r.cost_after_onset_with_usd > r.cost_after_onset_without_usd  # safety is paid for


def test_monitor_stays_quiet_on_a_clean_stream_and_on_cost_only_failures(experiment, cascade):
    for failure in ({}, {"strong-price-change": 1.0}, {"verbose-cheap-model": 1.0}):
        r = monitor_failure(experiment, cascade, failure, [0.5]).report
        assert r.alert_at is None and r.share_served_by_fallback == 0
        assert r.quality_after_onset_with == r.quality_after_onset_without


def test_floor_tighter_than_the_noise_raises_false_alarms(experiment, cascade):
    clean_quality = run(experiment, cascade, [0.5])[1].quality
    strict = monitor_failure(
        experiment, cascade, {"overconfident-scorer": 0.8}, [0.5], window=100, floor=clean_quality
    ).report
    assert strict.false_alarm
    assert default_floor(0.85, 100) < default_floor(0.85, 1_000) < 0.85


def test_cost_cap_bounds_every_request_that_can_be_bounded(experiment, cascade):
    result, _ = run(experiment, cascade, [0.5])
    caps = [0.002, 0.004, 0.008]
    reports = [cost_cap_report(experiment, World(experiment, cascade), result, cap) for cap in caps]
    for cap, r in zip(caps, reports):
        assert r.cost_max_after_usd <= cap < r.cost_max_before_usd
        assert r.share_over_cap_after == 0 and r.share_capped > 0
        assert r.quality_after < r.quality_before and r.quality_change_ci[1] < 0
    # a looser cap cuts back fewer requests and loses less quality
    assert [r.share_capped for r in reports] == sorted([r.share_capped for r in reports], reverse=True)
    assert [r.quality_after for r in reports] == sorted(r.quality_after for r in reports)


def test_cost_cap_never_raises_a_tier_and_keeps_the_cheapest(experiment, cascade):
    result, _ = run(experiment, cascade, [0.5])
    capped = cap_cost(result, cascade, experiment.queries, 1e-9)
    assert np.all(capped.tier == 0) and np.all(capped.tier <= result.tier)
    with pytest.raises(LabError, match="positive"):
        cap_cost(result, cascade, experiment.queries, 0.0)


def test_cost_cap_limits_the_damage_of_a_price_rise(experiment, cascade):
    world = inject(experiment, cascade, {"strong-price-change": 1.0})
    result, _ = run(world.experiment, world.signals, [0.5])
    r = cost_cap_report(experiment, world, result, 0.01)
    assert r.cost_p99_after_usd <= 0.01 < r.cost_p99_before_usd


def test_fallback_orderings_of_an_outage(experiment):
    rows = {
        r.ordering: r
        for r in compare_fallbacks(experiment, signals_for(experiment, "length"), [0.5], "cheap-model-outage", 0.5)
    }
    assert set(rows) == {"next-stronger", "retry-then-next", "no-fallback"}
    assert rows["no-fallback"].quality_change_ci[1] < 0 < rows["next-stronger"].quality_change_ci[0]
    assert rows["retry-then-next"].cost_per_query_usd < rows["next-stronger"].cost_per_query_usd
    # retrying the cheap model keeps more of its (weaker) answers than failing over to the stronger one
    assert rows["no-fallback"].quality < rows["retry-then-next"].quality < rows["next-stronger"].quality


def test_fallback_policies_of_a_malformed_router(experiment):
    rows = {
        r.ordering: r
        for r in compare_fallbacks(
            experiment, signals_for(experiment, "llm-router"), [0.5], "llm-router-malformed", 0.8
        )
    }
    assert rows["cheapest"].quality < rows["retry"].quality < rows["strongest"].quality
    assert rows["cheapest"].cost_per_query_usd < rows["retry"].cost_per_query_usd < rows["strongest"].cost_per_query_usd


def test_fallbacks_need_a_failure_that_has_them(experiment, cascade):
    with pytest.raises(LabError, match="no fallback orderings"):
        compare_fallbacks(experiment, cascade, [0.5], "overconfident-scorer")
    with pytest.raises(LabError, match="does not touch"):
        compare_fallbacks(experiment, cascade, [0.5], "llm-router-malformed")
