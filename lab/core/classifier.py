"""The classifier router: TF-IDF + logistic regression predicting P(the cheapest model fails where the strongest succeeds).

Words and word bigrams are hashed into buckets once per text (stateless), so cross-fitting counts the
texts once, not once per fold; each fitted model keeps the buckets seen in at least MIN_DF of its
training texts, the MAX_FEATURES most frequent of them, weighted by TF-IDF learnt from its own
training texts only. This is scikit-learn's TfidfVectorizer(ngram_range=(1, 2), min_df=2,
max_features=30_000, sublinear_tf=True) up to bucket collisions, and faster than that vectorizer fitted
per fold (benchmarks/bench_engine.py measures both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lab.core.distinct import distinct_texts
from lab.core.errors import LabError
from lab.core.queryset import QuerySet

if TYPE_CHECKING:  # scikit-learn is heavy to import (memory and time): only where a classifier is fitted
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

# word and bigram buckets before selection: MMLU's 234,000 distinct words and bigrams fill 5.6% of them, so a
# kept term shares its bucket with another (mostly a rare one) about 1 time in 18; held-out AUROC on MMLU
# matches TfidfVectorizer's (0.643 both)
HASH_BUCKETS = 2**22
MIN_DF = 2  # a term must appear in this many training texts
MAX_FEATURES = 30_000  # the most frequent terms kept


def hash_texts(texts: np.ndarray | list[str]) -> csr_matrix:
    """Counts of each text's words and word bigrams in HASH_BUCKETS buckets (one row per text)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(ngram_range=(1, 2), n_features=HASH_BUCKETS, alternate_sign=False, norm=None)
    return vectorizer.transform(list(map(str, texts))).tocsr()  # not astype(str): see lab.core.distinct


@dataclass(frozen=True, eq=False)
class TextFeatures:
    """The buckets a model keeps and their TF-IDF weights, both learnt from its training texts."""

    columns: np.ndarray
    tfidf: TfidfTransformer

    def transform(self, hashed: csr_matrix) -> csr_matrix:
        """TF-IDF rows (L2-normalised) over the kept buckets."""
        return self.tfidf.transform(hashed[:, self.columns])


def fit_features(hashed: csr_matrix) -> TextFeatures:
    """Keep the buckets in >= MIN_DF rows, the MAX_FEATURES most frequent of them; fit sublinear TF-IDF on them."""
    from sklearn.feature_extraction.text import TfidfTransformer

    doc_freq = np.bincount(hashed.indices, minlength=hashed.shape[1])
    term_freq = np.asarray(hashed.sum(axis=0)).ravel()
    candidates = np.flatnonzero(doc_freq >= MIN_DF)
    if len(candidates) > MAX_FEATURES:
        candidates = candidates[np.argsort(-term_freq[candidates], kind="stable")[:MAX_FEATURES]]
    columns = np.sort(candidates)
    if len(columns) == 0:
        raise LabError(f"cannot train the classifier: no word appears in {MIN_DF} or more training texts")
    return TextFeatures(columns, TfidfTransformer(sublinear_tf=True).fit(hashed[:, columns]))


@dataclass(frozen=True, eq=False)
class RouterClassifier:
    """A fitted text classifier and what it was trained on."""

    features: TextFeatures
    model: LogisticRegression
    trained_on: str
    n_train: int
    positive_rate: float

    def predict(self, texts: np.ndarray) -> np.ndarray:
        """P(needs a stronger model) for each text, scoring each distinct text once."""
        uniques, inverse = distinct_texts(texts)
        if not uniques:
            return np.zeros(0)
        return self.predict_hashed(hash_texts(uniques))[inverse]

    def predict_hashed(self, hashed: csr_matrix) -> np.ndarray:
        """P(needs a stronger model) for texts already hashed by hash_texts."""
        return self.model.predict_proba(self.features.transform(hashed))[:, 1]


def needs_stronger(queries: QuerySet) -> np.ndarray:
    """The training label: the cheapest model fails where the strongest succeeds (quality gap > 0)."""
    return queries.quality[:, -1] > queries.quality[:, 0]


def fit_hashed(hashed: csr_matrix, labels: np.ndarray, regularisation_c: float, trained_on: str) -> RouterClassifier:
    """Fit TF-IDF features and an L2 logistic regression (liblinear) on hashed texts and their labels."""
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels, dtype=bool)
    if labels.all() or not labels.any():
        raise LabError(
            f"cannot train the classifier on '{trained_on}': every training query has the same label "
            "(the cheapest model never, or always, fails where the strongest succeeds)"
        )
    features = fit_features(hashed)
    model = LogisticRegression(C=regularisation_c, solver="liblinear", max_iter=1_000).fit(
        features.transform(hashed), labels
    )
    return RouterClassifier(
        features=features, model=model, trained_on=trained_on, n_train=len(labels), positive_rate=float(labels.mean())
    )


def fit_classifier(texts: np.ndarray, labels: np.ndarray, regularisation_c: float, trained_on: str) -> RouterClassifier:
    """Fit the classifier on these texts (words and bigrams) and labels."""
    uniques, inverse = distinct_texts(texts)
    return fit_hashed(hash_texts(uniques)[inverse], labels, regularisation_c, trained_on)


def fit_on_queries(
    queries: QuerySet, regularisation_c: float, max_train_queries: int, rng: np.random.Generator
) -> RouterClassifier:
    """A classifier trained on (a sample of at most `max_train_queries` of) a query set."""
    index = np.arange(queries.n_queries)
    if len(index) > max_train_queries:
        index = rng.choice(index, size=max_train_queries, replace=False)
    return fit_classifier(queries.text[index], needs_stronger(queries)[index], regularisation_c, queries.name)


def cross_fit_scores(
    queries: QuerySet, folds: int, regularisation_c: float, max_train_queries: int, rng: np.random.Generator
) -> np.ndarray:
    """Each query's score from a classifier trained on the other folds only (disjoint train and evaluation)."""
    fold = rng.permutation(queries.n_queries) % folds
    labels = needs_stronger(queries)
    uniques, inverse = distinct_texts(queries.text)
    hashed = hash_texts(uniques)[inverse]  # counting is per text, not learnt: once for every fold
    scores = np.empty(queries.n_queries)
    for k in range(folds):
        train = np.flatnonzero(fold != k)
        if len(train) > max_train_queries:
            train = rng.choice(train, size=max_train_queries, replace=False)
        model = fit_hashed(hashed[train], labels[train], regularisation_c, f"{queries.name} (fold {k + 1} held out)")
        held_out = np.flatnonzero(fold == k)
        scores[held_out] = model.predict_hashed(hashed[held_out])
    return scores
