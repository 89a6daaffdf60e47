"""The exported plugin scores as the lab does: scikit-learn's hashing and TF-IDF in pure Python, exact token cutoffs."""

from __future__ import annotations

import asyncio
import types

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils import murmurhash3_32 as sklearn_murmurhash

from lab.core.classifier import HASH_BUCKETS, hash_texts
from lab.core.strategies import length_scores
from lab.export.plugin_module import LabClassifierPlugin, bucket_of, murmurhash3_32, user_text
from lab.export.plugin_params import classifier_plugin, gap_thresholds, length_cutoffs, length_plugin
from tests.lab.factories import make_experiment


@given(st.binary(max_size=40), st.integers(0, 2**32 - 1))
def test_murmurhash_equals_scikit_learns(data, seed):
    assert murmurhash3_32(data, seed) == sklearn_murmurhash(data, seed=seed)


def _plugin(**params) -> LabClassifierPlugin:
    base = {
        "format": "routing-lab-plugin",
        "version": 1,
        "strategy": "classifier",
        "tier_names": ["SIMPLE", "MEDIUM"],
        "thresholds": [0.5],
        "features": {"hash_buckets": HASH_BUCKETS, "token_pattern": r"(?u)\b\w\w+\b", "lowercase": True},
        "buckets": [],
        "idf": [],
        "coef": [],
        "intercept": 0.0,
    }
    return LabClassifierPlugin({**base, **params})


@settings(max_examples=200)
@given(st.text(max_size=120))
def test_the_bag_of_words_and_bigrams_equals_scikit_learns_hashing(text):
    plugin = _plugin()
    ours: dict[int, int] = {}
    for term in plugin.router.terms(text):
        b = bucket_of(term, HASH_BUCKETS)
        ours[b] = ours.get(b, 0) + 1
    hashed = hash_texts([text])
    assert ours == dict(zip(hashed.indices.tolist(), hashed.data.astype(int).tolist()))


def test_the_plugin_classifier_scores_as_the_lab_and_picks_the_lab_tier(default_experiment):
    exp = default_experiment
    params = classifier_plugin(exp, (0.4,), ["SIMPLE", "MEDIUM"])
    plugin = LabClassifierPlugin(params.params)
    from lab.export.plugin_params import deployable_classifier

    sample = np.arange(0, exp.queries.n_queries, 97)
    texts = [str(t) for t in exp.queries.text[sample]]
    lab = deployable_classifier(exp).predict(np.array(texts, dtype=object))
    ours = np.array([plugin.router.score(t) for t in texts])
    assert np.allclose(ours, lab, rtol=0, atol=1e-12)
    assert [plugin.router.tier(t) for t in texts] == params.lab_tiers[sample].tolist()
    assert 0 < params.lab_tiers.mean() < 1


@settings(max_examples=60)
@given(
    st.lists(st.integers(0, 400), min_size=1, max_size=60),
    st.lists(st.floats(0, 1), min_size=1, max_size=3),
)
def test_token_cutoffs_route_every_length_as_the_length_score(reference, thresholds):
    reference = np.array(reference)
    thresholds = tuple(sorted(thresholds))
    cutoffs = length_cutoffs(reference, thresholds)
    lengths = np.arange(0, 450)
    scores = length_scores(lengths, reference)
    for t, cutoff in zip(thresholds, cutoffs):
        plugin_up = np.zeros(len(lengths), bool) if cutoff is None else lengths >= cutoff
        assert np.array_equal(plugin_up, scores > t)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=80), st.lists(st.floats(0, 1), min_size=1, max_size=3))
def test_gap_thresholds_keep_every_route(scores, thresholds):
    scores = np.array(scores)
    thresholds = tuple(sorted(thresholds))
    moved = gap_thresholds(scores, thresholds)
    for t, g in zip(thresholds, moved):
        assert np.array_equal(scores > t, scores > g) and t <= g <= 1


def test_the_length_plugin_counts_with_litellms_counter_and_says_where_counts_differ():
    exp = make_experiment(np.zeros((8, 2)), prompt_tokens=np.arange(8) * 5)
    params = length_plugin(exp, (0.5,), ["SIMPLE", "MEDIUM"])
    assert params.params["token_model"] and params.params["cutoffs_tokens"] == length_cutoffs(
        exp.queries.prompt_tokens, (0.5,)
    )
    assert params.notes and "differ" in params.notes[0]  # the hand-made token counts are not the texts'
    plugin = LabClassifierPlugin(params.params)
    texts = [str(t) for t in exp.queries.text]
    tiers = [plugin.router.tier(t) for t in texts]
    assert tiers == params.lab_tiers.tolist()


def test_classify_reads_the_newest_user_message():
    assert (
        user_text(
            [
                {"role": "user", "content": "old"},
                {"role": "assistant", "content": "x"},
                {"role": "user", "content": "new"},
            ]
        )
        == "new"
    )
    assert (
        user_text(
            [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "a"}, {"type": "image_url"}, {"type": "text", "text": "b"}],
                }
            ]
        )
        == "a b"
    )
    assert user_text([]) == ""

    context = types.SimpleNamespace(structured_messages=[{"role": "user", "content": "hello"}])
    plugin = _plugin(strategy="length", token_model="gpt-4o", cutoffs_tokens=[1])
    assert asyncio.run(plugin.classify(context)) == "MEDIUM"
    assert _plugin(strategy="length", token_model="gpt-4o", cutoffs_tokens=[50]).tier_name("hello") == "SIMPLE"


def test_a_wrong_parameter_file_is_refused():
    import pytest

    with pytest.raises(ValueError, match="routing-lab-plugin"):
        LabClassifierPlugin({"format": "pickle"})
    with pytest.raises(ValueError, match="unknown strategy"):
        LabClassifierPlugin({"format": "routing-lab-plugin", "version": 1, "strategy": "cascade", "tier_names": []})
