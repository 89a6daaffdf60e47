"""Probing a typed prompt: real scores where a strategy can score it, an honest note where it cannot."""

from __future__ import annotations

import numpy as np

from lab.core.classifier import fit_on_queries
from lab.present.prompt_probe import probe_prompt


def _rows(exp, text, classifier=None, thresholds=None):
    return {r.strategy: r for r in probe_prompt(text, exp, classifier, thresholds)}


def test_a_longer_prompt_gets_a_higher_length_score(default_experiment):
    short = _rows(default_experiment, "Where is my order?")["length"]
    long = _rows(default_experiment, "Please review this long contract clause by clause. " * 60)["length"]
    assert 0 <= short.score < long.score <= 1
    assert long.route == default_experiment.model_names[-1]


def test_thresholds_decide_the_route(default_experiment):
    text = "Where is my order #4411? It was due on Monday."
    low = _rows(default_experiment, text, thresholds={"length": (0.0,)})["length"]
    high = _rows(default_experiment, text, thresholds={"length": (1.0,)})["length"]
    assert low.route == default_experiment.model_names[-1] and high.route == default_experiment.model_names[0]


def test_classifier_scores_the_prompt_and_simulated_strategies_say_they_cannot(default_experiment):
    exp = default_experiment
    knobs = exp.scenario.signals.classifier
    classifier = fit_on_queries(exp.queries, knobs.regularisation_c, 2_000, np.random.default_rng(0))
    rows = _rows(
        exp, "A customer wants a refund that conflicts with two of our policies; work out what we owe.", classifier
    )
    assert 0 <= rows["classifier"].score <= 1 and rows["classifier"].route in exp.model_names
    for name in ("cascade", "llm-router", "oracle", "random"):
        assert rows[name].score is None and rows[name].route is None and rows[name].note
    assert "simulated" in rows["cascade"].note and "ground truth" in rows["oracle"].note
    assert rows["always-strongest"].route == exp.model_names[-1] and rows["always-cheapest"].route == exp.model_names[0]
    assert _rows(exp, "hi", None)["classifier"].score is None
