import pytest

from lab.core.errors import LabError
from lab.core.scenario import builtin_scenarios, load_scenario, parse_scenario

SYNTHETIC = ["customer-support", "coding-assistant", "mixed-production"]

MINIMAL = """
name: tiny
models:
  - {key: gpt-4o-mini, ability: 1.0}
  - {key: gpt-4o, ability: 2.0}
source:
  kind: synthetic
  n_queries: 100
  categories:
    - {name: faq, family: factual_lookup, share: 1.0, difficulty_mean: 0.0}
"""


@pytest.mark.parametrize("name", SYNTHETIC)
def test_builtin_synthetic_scenarios_load(name):
    assert name in builtin_scenarios()
    scenario = load_scenario(name)
    assert scenario.name == name
    assert len(scenario.models) >= 2
    assert scenario.source.n_queries == 10_000


def test_mixed_production_has_three_or_more_models():
    assert len(load_scenario("mixed-production").models) >= 3


def test_a_scenario_file_by_path(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL)
    assert load_scenario(str(path)).source.n_queries == 100


def test_malformed_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nmodels: [\n  - {key: a\n")
    with pytest.raises(LabError) as err:
        load_scenario(str(path))
    assert "broken.yaml" in str(err.value) and "line" in str(err.value)


def test_a_validation_error_names_the_field():
    with pytest.raises(LabError, match="source.n_queries"):
        parse_scenario(MINIMAL.replace("n_queries: 100", "n_queries: -5"), "tiny.yaml")


def test_an_unknown_model_names_the_closest_keys():
    with pytest.raises(LabError, match="gpt-4o-mini"):
        parse_scenario(MINIMAL.replace("key: gpt-4o-mini,", "key: gpt-4o-mnii,"), "tiny.yaml")


def test_thresholds_must_match_the_tier_boundaries():
    with pytest.raises(LabError, match="thresholds"):
        parse_scenario(MINIMAL + "defaults: {thresholds: [0.2, 0.4]}\n", "tiny.yaml")
    with pytest.raises(LabError, match=r"\[0, 1\]"):
        parse_scenario(MINIMAL + "defaults: {thresholds: [1.4]}\n", "tiny.yaml")


def test_unknown_scenario_lists_the_builtins():
    with pytest.raises(LabError, match="customer-support"):
        load_scenario("no-such-scenario")


def test_with_queries_changes_only_the_size():
    scenario = load_scenario("customer-support")
    bigger = scenario.with_queries(50_000)
    assert bigger.source.n_queries == 50_000
    assert bigger.source.categories == scenario.source.categories


@pytest.mark.parametrize(
    "change, field",
    [
        ("seed: -1\n", "seed"),
        (f"seed: {2**32}\n", "seed"),
        ("", "n_queries"),  # n_queries 5, below the minimum
        ("", "texts_per_category"),
    ],
)
def test_sizes_and_seeds_out_of_range_are_refused_by_name(change, field):
    text = change + MINIMAL
    if field == "n_queries":
        text = text.replace("n_queries: 100", "n_queries: 5")
    if field == "texts_per_category":
        text = text.replace("n_queries: 100", "n_queries: 100\n  texts_per_category: 1000000000")
    with pytest.raises(LabError, match=field):
        parse_scenario(text)


@pytest.mark.parametrize("n", [-5, 0, 9, 20_000_001, 2_000_000_000])
def test_with_queries_refuses_sizes_out_of_range(n):
    with pytest.raises(LabError, match="10 to 20,000,000"):
        parse_scenario(MINIMAL).with_queries(n)
