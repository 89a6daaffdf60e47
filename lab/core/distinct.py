"""Distinct texts: score or count each distinct text once and spread the result back to every query.

Object-dtype unique, not `astype(str)`: a fixed-width unicode copy is as wide as the longest text for
every row (one 100,000-character prompt among 14,000 makes a 5.6 GB array) and sorts slowly.
"""

from __future__ import annotations

import numpy as np

_as_str = np.frompyfunc(str, 1, 1)


def distinct_texts(texts: np.ndarray | list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts (as str, sorted) and, for each input, the index of its text among them."""
    arr = np.asarray(texts, dtype=object).reshape(-1)
    if arr.size == 0:
        return [], np.zeros(0, dtype=np.intp)
    uniques, inverse = np.unique(_as_str(arr).astype(object), return_inverse=True)
    return uniques.tolist(), inverse.reshape(-1)
