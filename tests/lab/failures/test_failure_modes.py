"""Failure modes on the default scenario: direction of each effect, monotone in severity, severity 0 = clean."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import run, signals_for, thresholds_for
from lab.core.metrics import baselines_of
from lab.core.models import ModelSpec
from lab.core.scenario import load_scenario
from lab.core.strategies import list_strategies
from lab.failures import (
    OUTAGE_ORDERINGS,
    World,
    compare,
    demonstrate,
    get_failure,
    inject,
    list_failures,
    live_thresholds,
    parse_injection,
    severity_curve,
    tuned_thresholds,
)
from lab.sources.loader import load_experiment

GRID = np.array([0.0, 0.25, 0.5, 0.75, 1.0])

# For each failure, on its demo strategy: the sign each figure moves with severity (+1 up, -1 down,
# 0 exactly unchanged). Latency is the mean over queries unless named.
EXPECTED: dict[str, dict[str, int]] = {
    "traffic-drift": {"quality": -1, "quality_retained": -1, "cost_per_query_usd": +1},
    "prompt-padding": {"cost_per_query_usd": +1, "strong_share": +1, "savings": -1},
    "verbose-cheap-model": {"cost_per_query_usd": +1, "latency_mean_ms": +1, "quality": 0},
    "strong-price-change": {"cost_per_query_usd": +1, "baseline_monthly_cost_usd": +1, "savings": +1, "quality": 0},
    "cheap-model-outage": {"cost_per_query_usd": +1, "latency_mean_ms": +1, "latency_p50_ms": +1},
    "noisy-judge": {"quality": -1, "cost_per_query_usd": -1, "strong_share": -1},
    "classifier-other-domain": {"quality": -1, "quality_retained": -1},
    "overconfident-scorer": {"quality": -1, "cost_per_query_usd": -1, "strong_share": -1},
    "underconfident-scorer": {"cost_per_query_usd": +1, "strong_share": +1, "latency_p95_ms": +1},
    # the strong share moves toward where the collapsed scores fall relative to the threshold: no fixed sign
    "scorer-loses-discrimination": {"quality": -1},
    "llm-router-malformed": {"cost_per_query_usd": +1, "strong_share": +1},
    "llm-router-slow": {"latency_p50_ms": +1, "latency_p95_ms": +1, "cost_per_query_usd": 0, "quality": 0},
}


@pytest.fixture(scope="module")
def signals(experiment):
    """Each strategy's clean signals, computed once."""
    cache: dict = {}

    def get(strategy: str):
        if strategy not in cache:
            cache[strategy] = signals_for(experiment, strategy)
        return cache[strategy]

    return get


@pytest.fixture(scope="module")
def curves(experiment, signals):
    """Each failure's comparisons on the severity grid, on its demo strategy."""
    out = {}
    for mode in list_failures():
        strategy = mode.demo["strategy"]
        thresholds = thresholds_for(experiment, strategy)
        out[mode.name] = [compare(experiment, signals(strategy), {mode.name: float(s)}, thresholds) for s in GRID]
    return out


def _figure(comparison, key: str) -> float:
    if key == "latency_mean_ms":
        return float(comparison.injected_result.latency_ms.mean())
    return float(getattr(comparison.injected, key))


def test_registry_has_the_required_modes_each_described():
    modes = list_failures()
    names = [m.name for m in modes]
    assert len(modes) >= 10 and len(set(names)) == len(names)
    assert set(EXPECTED) == set(names), "every failure needs an expected direction in this test"
    strategies = {info.name for info in list_strategies()}
    for mode in modes:
        assert len(mode.description.split()) >= 30, f"{mode.name}: describe the real-world failure in a paragraph"
        assert mode.title and mode.effect
        assert all(t == "*" or t in strategies for t in mode.touches), mode.touches
        assert mode.applies_to(mode.demo["strategy"])
        assert 0 < mode.demo["severity"] <= 1


def test_parse_injection_accepts_name_and_severity_and_rejects_the_rest():
    assert parse_injection("overconfident-scorer=0.8") == ("overconfident-scorer", 0.8)
    assert parse_injection("llm-router-slow=0") == ("llm-router-slow", 0.0)
    for bad in ("overconfident-scorer", "overconfident-scorer=1.5", "overconfident-scorer=high", "no-such-failure=0.5"):
        with pytest.raises(LabError):
            parse_injection(bad)


def test_inject_rejects_unknown_names_severities_and_policies(experiment, signals):
    with pytest.raises(LabError, match="unknown failure"):
        inject(experiment, signals("cascade"), {"no-such-failure": 0.5})
    with pytest.raises(LabError, match="outside"):
        inject(experiment, signals("cascade"), {"overconfident-scorer": 1.2})
    with pytest.raises(LabError, match="no policy"):
        inject(experiment, signals("cascade"), {"cheap-model-outage": 0.5}, variants={"cheap-model-outage": "pray"})


@pytest.mark.parametrize("name", [m.name for m in list_failures()])
def test_severity_zero_reproduces_the_clean_run_exactly(name, curves):
    zero = curves[name][0]
    for field in ("tier", "quality", "cost_usd", "latency_ms"):
        np.testing.assert_array_equal(getattr(zero.injected_result, field), getattr(zero.clean_result, field))
    assert zero.injected.model_dump() == zero.clean.model_dump()
    assert zero.delta["quality"] == 0 and zero.delta["cost_per_query_usd"] == 0


@pytest.mark.parametrize("name", [m.name for m in list_failures()])
def test_a_tiny_severity_is_close_to_clean(name, experiment, signals):
    # continuity at 0: common random numbers, not a fresh draw, make severity 0.001 nearly clean
    mode = get_failure(name)
    strategy = mode.demo["strategy"]
    c = compare(experiment, signals(strategy), {name: 0.001}, thresholds_for(experiment, strategy))
    assert abs(c.delta["quality"]) < 0.005
    assert abs(c.delta["cost_per_query_usd"]) < 0.01 * c.clean.cost_per_query_usd


@pytest.mark.parametrize("name", list(EXPECTED))
def test_direction_at_the_demo_severity_with_a_paired_interval(name, experiment, signals):
    c = demonstrate(experiment, name, signals=signals(get_failure(name).demo["strategy"]))
    for key, sign in EXPECTED[name].items():
        before = float(c.clean_result.latency_ms.mean()) if key == "latency_mean_ms" else float(getattr(c.clean, key))
        after = _figure(c, key)
        if sign == 0:
            assert after == pytest.approx(before, rel=1e-12, abs=1e-15), key
        else:
            assert np.sign(after - before) == sign, f"{name}: {key} {before} -> {after}"
    # the paired bootstrap interval of the quality difference excludes 0 when quality moves
    if EXPECTED[name].get("quality", 0) != 0:
        low, high = c.delta["quality_ci"]
        assert low <= c.delta["quality"] <= high and (high < 0 or low > 0)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_effect_is_monotone_in_severity(name, curves):
    for key, sign in EXPECTED[name].items():
        values = np.array([_figure(c, key) for c in curves[name]])
        if sign == 0:
            np.testing.assert_allclose(values, values[0], rtol=1e-12)
            continue
        steps = np.diff(values) * sign
        assert np.all(steps >= -1e-12), f"{name}: {key} not monotone over {GRID}: {values}"
        assert steps.sum() > 0, f"{name}: {key} does not move: {values}"


def test_common_random_numbers_keep_the_draws_and_untouched_queries(experiment, signals):
    clean = signals("cascade")
    world = inject(experiment, clean, {"overconfident-scorer": 0.5, "scorer-loses-discrimination": 0.3})
    assert world.signals.draws["noise"] is clean.draws["noise"]
    # an outage of 30% of the cheapest model's calls leaves the other 70% of queries exactly as they were
    c = compare(experiment, signals("always-cheapest"), {"cheap-model-outage": 0.3}, [0.5])
    same = c.injected_result.cost_usd == c.clean_result.cost_usd
    assert 0.6 < same.mean() < 0.8
    np.testing.assert_array_equal(c.injected_result.quality[same], c.clean_result.quality[same])
    # the same severity twice is the same run
    again = compare(experiment, signals("always-cheapest"), {"cheap-model-outage": 0.3}, [0.5])
    np.testing.assert_array_equal(again.injected_result.cost_usd, c.injected_result.cost_usd)


def test_baselines_move_with_prices_and_outages(experiment, signals):
    base = experiment.baselines
    priced = inject(experiment, signals("cascade"), {"strong-price-change": 0.5}).experiment
    np.testing.assert_allclose(priced.baselines.cost_strong_usd, base.cost_strong_usd * 2.0)
    np.testing.assert_array_equal(priced.baselines.cost_weak_usd, base.cost_weak_usd)
    assert priced.models[-1].input_usd_per_token == pytest.approx(experiment.models[-1].input_usd_per_token * 2.0)
    outage = inject(experiment, signals("always-cheapest"), {"cheap-model-outage": 1.0})
    # every request routed to the cheapest model is served by the stronger one, at its price
    np.testing.assert_array_equal(outage.experiment.baselines.cost_weak_usd, base.cost_strong_usd)
    assert outage.experiment.baselines.mean_quality_weak == pytest.approx(base.mean_quality_strong)
    verbose = inject(experiment, signals("cascade"), {"verbose-cheap-model": 1.0}).experiment
    assert verbose.baselines.cost_weak_usd.mean() > base.cost_weak_usd.mean()
    np.testing.assert_array_equal(verbose.baselines.cost_strong_usd, base.cost_strong_usd)


def test_fallback_orderings_trade_quality_cost_and_latency(experiment, signals):
    s = signals("length")  # a single-call router: an error it routes to the cheap model reaches the user
    runs = {
        o: compare(experiment, s, {"cheap-model-outage": 0.5}, [0.5], variants={"cheap-model-outage": o}).injected
        for o in OUTAGE_ORDERINGS
    }
    clean = compare(experiment, s, {}, [0.5]).clean
    assert runs["no-fallback"].quality < clean.quality < runs["next-stronger"].quality
    assert runs["retry-then-next"].cost_per_query_usd < runs["next-stronger"].cost_per_query_usd
    assert runs["no-fallback"].cost_per_query_usd < clean.cost_per_query_usd
    # a cascade's scorer sees the error as a bad answer and escalates: without a fallback it still recovers
    cascade = compare(
        experiment,
        signals("cascade"),
        {"cheap-model-outage": 0.5},
        [0.5],
        variants={"cheap-model-outage": "no-fallback"},
    )
    assert cascade.injected.strong_share > cascade.clean.strong_share


def test_malformed_router_policies(experiment, signals):
    s = signals("llm-router")
    out = {
        p: compare(experiment, s, {"llm-router-malformed": 0.8}, [0.5], variants={"llm-router-malformed": p})
        for p in ("strongest", "retry", "cheapest")
    }
    assert out["cheapest"].injected.quality < out["cheapest"].clean.quality < out["strongest"].injected.quality
    assert out["retry"].injected.strong_share < out["strongest"].injected.strong_share
    assert out["retry"].injected.latency_p95_ms > out["retry"].clean.latency_p95_ms  # a second router call
    assert any("strongest" in note for note in out["strongest"].notes)


def test_noisy_judge_tunes_thresholds_that_under_escalate(experiment, signals):
    s = signals("cascade")
    clean = World(experiment, s)
    noisy = inject(experiment, s, {"noisy-judge": 0.8})
    assert noisy.judged_quality is not None and not np.array_equal(noisy.judged_quality, experiment.queries.quality)
    assert tuned_thresholds(noisy)[0] > tuned_thresholds(clean)[0]  # escalate fewer
    # at fixed thresholds the judge changes nothing a cascade does, and the notes say why
    fixed = compare(experiment, s, {"noisy-judge": 0.8}, [0.5], retune=False)
    assert fixed.delta["quality"] == 0 and any("held fixed" in note for note in fixed.notes)
    # a classifier trained on the judge's labels ranks the true need worse
    from sklearn.metrics import roc_auc_score

    need = experiment.queries.quality[:, -1] > experiment.queries.quality[:, 0]
    retrained = inject(experiment, signals("classifier"), {"noisy-judge": 1.0}).signals.score
    assert roc_auc_score(need, retrained) < roc_auc_score(need, signals("classifier").score) - 0.02


def test_live_thresholds_retune_only_for_a_failure_that_acts_through_tuning(experiment, signals):
    s = signals("cascade")
    clean = run(experiment, s, (0.3,))[1]
    scorer = inject(experiment, s, {"overconfident-scorer": 0.8})
    assert live_thresholds(scorer, {"overconfident-scorer": 0.8}, (0.3,), clean) == ((0.3,), None)
    assert live_thresholds(inject(experiment, s, {"noisy-judge": 0.0}), {"noisy-judge": 0.0}, (0.3,), clean) == (
        (0.3,),
        None,
    )
    noisy = inject(experiment, s, {"noisy-judge": 0.8})
    tuned, note = live_thresholds(noisy, {"noisy-judge": 0.8}, (0.3,), clean)
    assert note and "tuned on the judge" in note
    # the judge says the tuned run retains what the clean run retains; the truth is worse
    judged = World(
        dataclasses.replace(
            experiment,
            queries=dataclasses.replace(experiment.queries, quality=noisy.judged_quality),
            baselines=baselines_of(
                dataclasses.replace(experiment.queries, quality=noisy.judged_quality), experiment.calls
            ),
        ),
        s,
    )
    assert run(judged.experiment, s, tuned)[1].quality_retained >= clean.quality_retained - 1e-9
    assert run(noisy.experiment, noisy.signals, tuned)[1].quality < clean.quality - 0.01


def test_classifier_from_another_domain_loses_ranking(experiment, signals):
    from sklearn.metrics import roc_auc_score

    need = experiment.queries.quality[:, -1] > experiment.queries.quality[:, 0]
    aucs = [
        roc_auc_score(
            need, inject(experiment, signals("classifier"), {"classifier-other-domain": float(s)}).signals.score
        )
        for s in GRID
    ]
    assert np.all(np.diff(aucs) < 0) and abs(aucs[-1] - 0.5) < 0.03


def test_prompt_padding_fools_only_the_length_score(experiment, signals):
    padded = inject(experiment, signals("length"), {"prompt-padding": 0.5})
    grew = padded.experiment.queries.prompt_tokens > experiment.queries.prompt_tokens
    assert 0.4 < grew.mean() < 0.6
    assert padded.signals.score[grew].mean() > signals("length").score[grew].mean() + 0.3
    classifier = inject(experiment, signals("classifier"), {"prompt-padding": 0.5})
    np.testing.assert_array_equal(classifier.signals.score, signals("classifier").score)
    assert classifier.signals.path_cost_usd.mean() > signals("classifier").path_cost_usd.mean()


def test_failures_that_do_not_touch_a_strategy_leave_it_alone(experiment, signals):
    s = signals("length")
    world = inject(experiment, s, {"overconfident-scorer": 1.0, "llm-router-slow": 1.0, "classifier-other-domain": 1.0})
    assert world.signals is s and world.experiment is experiment
    assert len(world.notes) == 3 and all("does not touch the length strategy" in note for note in world.notes)


def test_severity_curve_reads_the_grid(experiment, signals):
    curve = severity_curve(experiment, signals("cascade"), "overconfident-scorer", [0.5], severities=[0.0, 0.5, 1.0])
    assert curve.quality.shape == (3,) and curve.quality[0] > curve.quality[-1]


def test_every_failure_runs_on_every_strategy_with_three_models():
    base = load_scenario("customer-support").with_queries(1_500)
    middle = ModelSpec(key="gpt-4.1-mini", ability=1.8, ttft_ms=400, tokens_per_s=80)
    scenario = base.model_copy(
        update={
            "models": [base.models[0], middle, base.models[1]],
            "defaults": base.defaults.model_copy(update={"thresholds": None}),
        }
    )
    experiment = load_experiment(scenario)
    everything = {m.name: 0.7 for m in list_failures()}
    for info in list_strategies(list(experiment.models)):
        s = signals_for(experiment, info.name)
        c = compare(experiment, s, everything, thresholds_for(experiment, info.name), retune=False)
        assert c.injected_result.tier.max() <= 2 and np.isfinite(c.injected.cost_per_query_usd)
        zero = compare(
            experiment, s, {m.name: 0.0 for m in list_failures()}, thresholds_for(experiment, info.name), retune=False
        )
        np.testing.assert_array_equal(zero.injected_result.cost_usd, zero.clean_result.cost_usd)


# --- the CLI: simulate --inject and list failures -------------------------------------------------


def _cli_json(capsys, argv: list[str]) -> dict:
    import json

    from lab.cli import main

    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_simulate_inject_adds_clean_and_delta_blocks_with_the_top_level_keys(capsys):
    argv = ["simulate", "--queries", "3000", "--format", "json"]
    payload = _cli_json(capsys, [*argv, "--inject", "overconfident-scorer=0.8", "--inject", "strong-price-change=0.5"])
    plain = _cli_json(capsys, argv)
    keys = set(payload) - {"clean", "delta", "failures"}
    assert keys == set(payload["clean"]) == set(payload["delta"]) == set(plain)
    assert payload["failures"] == {"overconfident-scorer": 0.8, "strong-price-change": 0.5}
    assert (
        payload["clean"]["quality"] == plain["quality"]
        and payload["clean"]["cost_per_query_usd"] == plain["cost_per_query_usd"]
    )
    assert payload["delta"]["quality"] == pytest.approx(payload["quality"] - payload["clean"]["quality"])
    assert payload["delta"]["quality"] < 0 and payload["delta"]["quality_ci"][1] < 0
    assert payload["delta"]["baseline_monthly_cost_usd"] > 0  # the price change moves always-strongest too
    assert any("price" in note for note in payload["notes"])


def test_cli_inject_at_severity_zero_changes_nothing(capsys):
    payload = _cli_json(
        capsys, ["simulate", "--queries", "2000", "--format", "json", "--inject", "cheap-model-outage=0"]
    )
    assert payload["delta"]["quality"] == 0 and payload["delta"]["cost_per_query_usd"] == 0
    assert payload["delta"]["latency_p95_ms"] == 0


def test_cli_inject_errors_are_one_line(capsys):
    from lab.cli import main

    for bad in ("overconfident-scorer=2", "nope=0.5", "overconfident-scorer"):
        assert main(["simulate", "--queries", "2000", "--inject", bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("routing-lab: ") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_table_shows_the_change(capsys):
    from lab.cli import main

    assert main(["simulate", "--queries", "2000", "--inject", "llm-router-slow=1", "--strategy", "llm-router"]) == 0
    out = capsys.readouterr().out
    assert "injected" in out and "llm-router-slow=1" in out and "clean latency p95" in out


def test_cli_list_failures_one_per_line_name_first(capsys):
    from lab.cli import main

    assert main(["list", "failures"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [m.name for m in list_failures()]


@pytest.mark.parametrize("scenario", ["routerarena", "routellm-mt-bench"])
def test_failures_on_replayed_data_keep_severity_zero_clean(scenario, data_dir):
    # recorded costs (RouterArena) and judge scores in [0, 1] (MT-Bench) go through the same transforms
    experiment = load_experiment(load_scenario(scenario), data_dir=data_dir)
    for mode in list_failures():
        s = signals_for(experiment, mode.demo["strategy"])
        thresholds = thresholds_for(experiment, s.strategy)
        zero = compare(experiment, s, {mode.name: 0.0}, thresholds)
        np.testing.assert_array_equal(zero.injected_result.cost_usd, zero.clean_result.cost_usd)
        hit = compare(experiment, s, {mode.name: mode.demo["severity"]}, thresholds)
        assert np.all(np.isfinite(hit.injected_result.cost_usd)) and 0 <= hit.injected.quality <= 1
    priced = inject(experiment, signals_for(experiment, "cascade"), {"strong-price-change": 1.0}).experiment
    np.testing.assert_allclose(priced.calls.cost_usd[:, -1], experiment.calls.cost_usd[:, -1] * 3)


def test_the_oracle_under_a_price_change_is_the_hindsight_of_the_changed_prices():
    # the strongest model answered query 0 for a little less than the cheapest; tripled, it no longer does
    from lab.core.strategies import oracle_tiers
    from tests.lab.factories import make_experiment

    recorded = np.array([[3e-4, 2e-4], [1e-4, 9e-4]])
    exp = make_experiment(np.ones((2, 2)), cost_usd=recorded)
    clean = signals_for(exp, "oracle")
    assert clean.fixed_tier.tolist() == [1, 0]
    world = inject(exp, clean, {"strong-price-change": 1.0})
    assert world.signals.fixed_tier.tolist() == [0, 0]
    assert (
        world.signals.fixed_tier.tolist()
        == oracle_tiers(world.experiment.queries, world.experiment.calls.cost_usd).tolist()
    )
