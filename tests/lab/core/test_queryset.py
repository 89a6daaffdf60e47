import numpy as np
import pytest

from lab.core.errors import LabError
from tests.lab.factories import make_queryset


def test_take_keeps_rows_aligned():
    quality = np.array([[0, 1], [1, 1], [0, 0], [1, 0]], dtype=float)
    qs = make_queryset(quality)
    sub = qs.take(np.array([3, 1]))
    assert sub.n_queries == 2
    assert sub.quality.tolist() == [[1, 0], [1, 1]]
    assert list(sub.ids) == [3, 1]


def test_one_model_is_rejected():
    with pytest.raises(LabError, match="at least 2"):
        make_queryset(np.ones((3, 1)))


def test_quality_outside_unit_interval_is_rejected():
    with pytest.raises(LabError, match=r"\[0, 1\]"):
        make_queryset(np.array([[0.0, 1.5], [0.0, 1.0]]))


def test_misaligned_arrays_are_rejected():
    with pytest.raises(LabError, match="prompt_tokens"):
        make_queryset(np.ones((3, 2)), prompt_tokens=np.ones(4))


def test_frame_has_one_quality_column_per_model():
    qs = make_queryset(np.ones((4, 3)))
    frame = qs.to_frame()
    assert [c for c in frame.columns if c.startswith("quality:")] == [
        "quality:model-0",
        "quality:model-1",
        "quality:model-2",
    ]
