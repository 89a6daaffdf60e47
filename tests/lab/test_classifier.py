import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from lab.classifier import cross_fit_scores, fit_classifier, needs_stronger
from lab.errors import LabError
from lab.experiment import signals_for
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
