import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from lab.core.classifier import (
    HASH_BUCKETS,
    MAX_FEATURES,
    MIN_DF,
    cross_fit_scores,
    fit_classifier,
    fit_features,
    hash_texts,
    needs_stronger,
)
from lab.core.errors import LabError
from lab.core.experiment import signals_for
from tests.lab.factories import make_queryset


def test_no_query_is_scored_by_a_model_that_saw_it():
    # Texts are random bags of words and labels are random: a model scoring its own training texts
    # has memorised them (AUROC well above 0.5); scored only by models trained on other folds, it cannot.
    rng = np.random.default_rng(0)
    n = 2_000
    quality = np.zeros((n, 2))
    quality[:, 1] = rng.random(n) < 0.5
    qs = make_queryset(quality)
    vocabulary = np.array([f"word{i}" for i in range(300)])
    texts = np.array([" ".join(vocabulary[rng.integers(0, 300, 4)]) for _ in range(n)], dtype=object)
    qs = qs.__class__(**{**qs.__dict__, "text": texts})
    scores = cross_fit_scores(qs, folds=2, regularisation_c=100.0, max_train_queries=10_000, rng=rng)
    assert abs(roc_auc_score(needs_stronger(qs), scores) - 0.5) < 0.05
    model = fit_classifier(texts, needs_stronger(qs), 100.0, "train")
    assert roc_auc_score(needs_stronger(qs), model.predict(texts)) > 0.7


def test_classifier_learns_the_default_scenarios_text(default_experiment):
    scores = signals_for(default_experiment, "classifier").score
    assert roc_auc_score(needs_stronger(default_experiment.queries), scores) > 0.75


def test_one_label_only_is_a_clear_error():
    with pytest.raises(LabError, match="same label"):
        fit_classifier(np.array(["a b", "a c"], dtype=object), np.array([False, False]), 1.0, "tiny")


def _bag_of_words_corpus(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(400)])
    lengths = rng.integers(3, 12, n)
    return np.array([" ".join(vocabulary[rng.zipf(1.3, k) % 400]) for k in lengths], dtype=object)


def test_features_are_sklearns_tfidf_up_to_column_order():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.utils import murmurhash3_32

    texts = _bag_of_words_corpus(600, seed=0)
    terms = CountVectorizer(ngram_range=(1, 2)).fit(texts).get_feature_names_out()
    buckets = {abs(murmurhash3_32(str(term), seed=0)) % HASH_BUCKETS for term in terms}
    assert len(buckets) == len(terms), "the corpus is small enough that no two of its terms share a bucket"
    ours = fit_features(hash_texts(texts)).transform(hash_texts(texts))
    theirs = TfidfVectorizer(
        ngram_range=(1, 2), min_df=MIN_DF, max_features=MAX_FEATURES, sublinear_tf=True
    ).fit_transform(texts)
    assert ours.shape == theirs.shape
    for row in range(600):
        assert np.allclose(np.sort(ours[row].data), np.sort(theirs[row].data))


def test_feature_selection_keeps_the_most_frequent_terms_seen_in_enough_texts(monkeypatch):
    import lab.core.classifier as classifier

    hashed = hash_texts(_bag_of_words_corpus(800, seed=4))
    doc_freq = np.bincount(hashed.indices, minlength=hashed.shape[1])
    term_freq = np.asarray(hashed.sum(axis=0)).ravel()
    monkeypatch.setattr(classifier, "MAX_FEATURES", 40)
    kept = fit_features(hashed).columns
    assert len(kept) == 40 and (doc_freq[kept] >= MIN_DF).all()
    dropped = np.setdiff1d(np.flatnonzero(doc_freq >= MIN_DF), kept)
    assert term_freq[kept].min() >= term_freq[dropped].max()


def test_a_long_text_among_short_ones_is_scored_without_a_wide_copy():
    texts = np.array(["short question"] * 3 + ["long " * 200_000], dtype=object)
    model = fit_classifier(
        np.array(["short question", "short answer", "long question", "long answer"], dtype=object),
        np.array([False, False, True, True]),
        1.0,
        "tiny",
    )
    scores = model.predict(texts)  # astype(str) would copy 4 x 1,000,000 characters x 4 bytes
    assert scores.shape == (4,) and scores[3] > scores[0]
