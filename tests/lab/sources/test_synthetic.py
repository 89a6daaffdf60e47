import re

import numpy as np
import pytest

from lab.core.scenario import load_scenario
from lab.sources.synthetic import answer_probability, generate_queryset


@pytest.fixture(scope="module")
def support():
    scenario = load_scenario("customer-support")
    return scenario, generate_queryset(scenario.source, scenario.models, scenario.seed, scenario.name)


def test_same_seed_same_queries(support):
    scenario, qs = support
    again = generate_queryset(scenario.source, scenario.models, scenario.seed, scenario.name)
    assert np.array_equal(qs.quality, again.quality) and list(qs.text[:50]) == list(again.text[:50])
    other = generate_queryset(scenario.source, scenario.models, scenario.seed + 1, scenario.name)
    assert not np.array_equal(qs.quality, other.quality)


def test_default_mix_follows_production_chatbots(support):
    scenario, qs = support
    band_of = {cat.name: cat.band for cat in scenario.source.categories}
    bands = np.array([band_of[c] for c in qs.category])
    assert 0.60 <= np.mean(bands == "simple") <= 0.80
    assert 0.10 <= np.mean(bands == "borderline") <= 0.20
    assert 0.10 <= np.mean(bands == "frontier") <= 0.20


def test_harder_bands_are_harder_for_the_cheap_model(support):
    scenario, qs = support
    band_of = {cat.name: cat.band for cat in scenario.source.categories}
    bands = np.array([band_of[c] for c in qs.category])
    cheap = {b: qs.quality[bands == b, 0].mean() for b in ("simple", "borderline", "frontier")}
    assert cheap["simple"] > cheap["borderline"] > cheap["frontier"]
    gap = {b: (qs.quality[bands == b, 1] - qs.quality[bands == b, 0]).mean() for b in ("simple", "frontier")}
    assert gap["frontier"] > gap["simple"]


def test_texts_are_realistic_for_their_category(support):
    _, qs = support
    assert not any(re.fullmatch(r"query \d+", t) for t in qs.text)
    assert len(set(qs.text)) > 1000
    orders = qs.text[qs.category == "order status"]
    assert np.mean(["order" in t.lower() or "deliver" in t.lower() or "tracking" in t.lower() for t in orders]) > 0.9


def test_size_is_a_parameter():
    scenario = load_scenario("customer-support").with_queries(200_000)
    qs = generate_queryset(scenario.source, scenario.models, scenario.seed, scenario.name)
    assert qs.n_queries == 200_000
    assert qs.quality.shape == (200_000, 2)


def test_capability_curve_rises_with_ability_and_falls_with_difficulty():
    p = answer_probability(np.array([0.0, 1.0, 2.0]), np.array([-1.0, 0.0, 1.0]), slope=3.0)
    assert np.all(np.diff(p, axis=1) > 0)
    assert np.all(np.diff(p, axis=0) < 0)
    assert p[1, 0] == pytest.approx(0.5)
