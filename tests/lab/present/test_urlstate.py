"""URL state: a configuration survives the trip through query parameters; bad parameters are reported, not fatal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lab.present.urlstate import LabConfig, from_query_params, to_query_params, url_params

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=20)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)


def _as_lists(params: dict) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


@settings(max_examples=150, deadline=None)
@given(
    scenario=names,
    queries=st.none() | st.integers(10, 2_000_000),
    strategy=st.none() | names,
    thresholds=st.none() | st.lists(unit, min_size=1, max_size=4).map(tuple),
    failures=st.dictionaries(names, unit, max_size=3),
    compare=st.lists(names, max_size=4).map(tuple),
    category=st.lists(st.text(min_size=1, max_size=15), max_size=3).map(tuple),
    misroute=st.sampled_from(["all", "under", "over", "right"]),
    qpd=st.none() | st.floats(1, 1e9),
    growth=st.none() | st.floats(-0.5, 5),
    prices=st.dictionaries(
        st.text(min_size=1, max_size=20), st.tuples(st.floats(0, 1000), st.floats(0, 1000)), max_size=3
    ),
)
def test_every_configuration_round_trips(
    scenario, queries, strategy, thresholds, failures, compare, category, misroute, qpd, growth, prices
):
    config = LabConfig(
        scenario=scenario,
        queries=queries,
        strategy=strategy,
        thresholds=thresholds,
        failures=failures,
        compare=compare,
        category=category,
        misroute=misroute,
        queries_per_day=qpd,
        growth_per_month=growth,
        prices_per_mtok=prices,
    )
    back, problems = from_query_params(_as_lists(to_query_params(config)))
    assert problems == []
    assert back.scenario == config.scenario and back.queries == config.queries and back.strategy == config.strategy
    assert back.category == config.category and back.misroute == config.misroute and back.compare == config.compare
    assert back.failures.keys() == config.failures.keys()
    for name, severity in config.failures.items():
        assert abs(back.failures[name] - severity) <= 1e-5 * max(1, severity)
    if thresholds is None:
        assert back.thresholds is None
    else:
        assert len(back.thresholds) == len(thresholds)
        assert all(abs(a - b) < 1e-5 for a, b in zip(back.thresholds, thresholds))
    assert back.prices_per_mtok.keys() == config.prices_per_mtok.keys()


def test_defaults_write_no_parameters():
    assert to_query_params(LabConfig()) == {}


def test_bad_parameters_are_ignored_one_message_each_and_the_rest_is_kept():
    config, problems = from_query_params(
        {"t": ["1.5"], "n": ["many"], "mis": ["sideways"], "fail": ["x:2"], "strategy": ["length"], "qpd": ["nan"]}
    )
    assert config.strategy == "length"
    assert config.thresholds is None and config.queries is None and config.misroute == "all" and config.failures == {}
    assert len(problems) == 5
    assert all(p.startswith("URL parameter") and "expected" in p for p in problems)
    assert any("'t=1.5'" in p for p in problems)


def test_unknown_parameters_pass_through_silently():
    config, problems = from_query_params({"embed": ["true"], "utm_source": ["x"]})
    assert config == LabConfig() and problems == []


def test_a_plain_string_value_is_read_like_a_list():
    config, _ = from_query_params({"t": "0.2,0.7", "scenario": "mixed-production"})
    assert config.thresholds == (0.2, 0.7) and config.scenario == "mixed-production"


def test_a_calibration_target_per_tier_round_trips_and_must_add_up():
    config = LabConfig(strategy="classifier", target_tiers=(0.5, 0.3, 0.2))
    params = to_query_params(config)
    assert params["tiers"] == "0.5,0.3,0.2"
    assert from_query_params(_as_lists(params))[0].target_tiers == (0.5, 0.3, 0.2)
    kept, problems = from_query_params({"tiers": ["0.5,0.3,0.3"], "strategy": ["length"]})
    assert kept.target_tiers is None and kept.strategy == "length"
    assert len(problems) == 1 and "adding up to 1" in problems[0]


def test_the_gallery_and_the_browsed_scenario_round_trip():
    config = LabConfig(gallery_failure="noisy-judge", gallery_severity=0.35, browse="mixed-production")
    back, problems = from_query_params(_as_lists(to_query_params(config)))
    assert problems == [] and back == config


def test_url_params_write_the_configuration_and_keep_other_tools_parameters():
    config = LabConfig(strategy="length", thresholds=(0.4,))
    current = {"embed": ["true"], "strategy": ["cascade"], "t": ["0.1"], "mis": ["under"]}
    assert url_params(config, current) == {"strategy": ["length"], "t": ["0.4"], "embed": ["true"]}
    assert url_params(LabConfig(), {}) == {}
