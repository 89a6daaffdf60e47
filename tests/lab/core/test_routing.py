import numpy as np
import pytest

from lab.core.errors import LabError
from lab.core.experiment import signals_for
from lab.core.routing import check_thresholds, explain_routes, route
from lab.core.signals import Signals
from tests.lab.factories import make_experiment


def _signals(score: np.ndarray, m: int, strategy: str = "test") -> Signals:
    n = len(score)
    cost = np.tile(np.arange(1, m + 1, dtype=float), (n, 1))
    return Signals(strategy, score, cost, cost * 100, "hand-made")


def test_two_models_strong_above_threshold():
    exp = make_experiment(np.array([[0, 1]] * 4, dtype=float))
    result = route(_signals(np.array([0.1, 0.5, 0.51, 0.9]), 2), exp.queries, (0.5,))
    assert result.tier.tolist() == [0, 0, 1, 1]
    assert result.cost_usd.tolist() == [1, 1, 2, 2]
    assert result.quality.tolist() == [0, 0, 1, 1]


def test_three_models_count_the_thresholds_below_the_score():
    exp = make_experiment(np.array([[0, 0.5, 1]] * 5, dtype=float))
    result = route(_signals(np.array([0.1, 0.3, 0.5, 0.7, 0.95]), 3), exp.queries, (0.3, 0.7))
    assert result.tier.tolist() == [0, 0, 1, 1, 2]
    assert result.quality.tolist() == [0, 0, 0.5, 0.5, 1]


def test_thresholds_are_checked():
    with pytest.raises(LabError, match="outside"):
        check_thresholds((1.2,), 2)
    with pytest.raises(LabError, match="need 2"):
        check_thresholds((0.5,), 3)


def test_reasons_name_the_score_threshold_and_model(default_experiment):
    exp = default_experiment
    signals = signals_for(exp, "length")
    result = route(signals, exp.queries, (0.5,))
    index = np.array([np.argmax(result.tier == 1), np.argmax(result.tier == 0)])
    strong, cheap = explain_routes(signals, result, exp.model_names, index)
    assert "> threshold 0.50" in strong and strong.endswith(exp.model_names[1])
    assert "<= threshold 0.50" in cheap and cheap.endswith(exp.model_names[0])
    cascade = signals_for(exp, "cascade")
    res = route(cascade, exp.queries, (0.5,))
    [reason] = explain_routes(cascade, res, exp.model_names, np.array([np.argmax(res.tier == 1)]))
    assert "escalate" in reason and "confidence" in reason
