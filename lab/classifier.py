"""The classifier router: TF-IDF + logistic regression predicting P(the cheapest model fails where the strongest succeeds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lab.errors import LabError
from lab.queryset import QuerySet

if TYPE_CHECKING:  # scikit-learn costs ~150 MB and a second to import: only where a classifier is fitted
    from sklearn.pipeline import Pipeline


@dataclass(frozen=True, eq=False)
class RouterClassifier:
    """A fitted text classifier and what it was trained on."""

    pipeline: "Pipeline"
    trained_on: str
    n_train: int
    positive_rate: float

    def predict(self, texts: np.ndarray) -> np.ndarray:
        """P(needs a stronger model) for each text, scoring each distinct text once."""
        arr = np.asarray(texts, dtype=object).astype(str)
        uniques, inverse = np.unique(arr, return_inverse=True)
        return self.pipeline.predict_proba(uniques)[:, 1][inverse.reshape(-1)]


def needs_stronger(queries: QuerySet) -> np.ndarray:
    """The training label: the cheapest model fails where the strongest succeeds (quality gap > 0)."""
    return queries.quality[:, -1] > queries.quality[:, 0]


def fit_classifier(texts: np.ndarray, labels: np.ndarray, regularisation_c: float, trained_on: str) -> RouterClassifier:
    """Fit TF-IDF (words and bigrams) + logistic regression on these texts and labels."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    labels = np.asarray(labels, dtype=bool)
    if labels.all() or not labels.any():
        raise LabError(
            f"cannot train the classifier on '{trained_on}': every training query has the same label "
            "(the cheapest model never, or always, fails where the strongest succeeds)"
        )
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=30_000, sublinear_tf=True),
        LogisticRegression(C=regularisation_c, max_iter=1_000),
    )
    pipeline.fit(np.asarray(texts, dtype=object).astype(str), labels)
    return RouterClassifier(pipeline=pipeline, trained_on=trained_on, n_train=len(labels), positive_rate=float(labels.mean()))


def fit_on_queries(queries: QuerySet, regularisation_c: float, max_train_queries: int, rng: np.random.Generator) -> RouterClassifier:
    """A classifier trained on (a sample of at most `max_train_queries` of) a query set."""
    index = np.arange(queries.n_queries)
    if len(index) > max_train_queries:
        index = rng.choice(index, size=max_train_queries, replace=False)
    return fit_classifier(queries.text[index], needs_stronger(queries)[index], regularisation_c, queries.name)


def cross_fit_scores(queries: QuerySet, folds: int, regularisation_c: float, max_train_queries: int, rng: np.random.Generator) -> np.ndarray:
    """Each query's score from a classifier trained on the other folds only (disjoint train and evaluation)."""
    fold = rng.permutation(queries.n_queries) % folds
    labels = needs_stronger(queries)
    scores = np.empty(queries.n_queries)
    for k in range(folds):
        train = np.flatnonzero(fold != k)
        if len(train) > max_train_queries:
            train = rng.choice(train, size=max_train_queries, replace=False)
        model = fit_classifier(queries.text[train], labels[train], regularisation_c, f"{queries.name} (fold {k + 1} held out)")
        held_out = fold == k
        scores[held_out] = model.predict(queries.text[held_out])
    return scores
