import numpy as np

from lab.core.signals import Signals


def _signals(score):
    n = score.shape[0]
    return Signals("s", score, np.ones((n, 3)), np.ones((n, 3)), "d")


def test_path_matrices_are_column_major():
    signals = _signals(np.zeros(4))
    assert signals.path_cost_usd.flags.f_contiguous and signals.n_models == 3


def test_staged_only_for_a_score_per_stage():
    assert not _signals(np.zeros(4)).staged
    assert _signals(np.zeros((4, 2))).staged


def test_replace_changes_only_what_it_names():
    signals = _signals(np.zeros(4))
    other = signals.replace(score=np.ones(4))
    assert np.all(other.score == 1) and other.path_cost_usd is signals.path_cost_usd and signals.score.sum() == 0
