"""Probability links in numpy: sigmoid and logit, the standard normal CDF and its quantile.

They stand in for scipy.special's expit, logit, ndtr and ndtri, so the engine's default path never
imports scipy (a slow import). tests/lab/test_links.py checks them against scipy: sigmoid and logit within
1e-15 relative, normal_quantile within 1e-14, normal_cdf within 2e-14 for |x| < 10 and within a few
ulp of the exact value everywhere (past |x| = 10 it is scipy's ndtr that drifts, to ~3e-13).
float32 arrays stay float32; everything else is float64.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import overload

import numpy as np
from numpy.typing import ArrayLike

_SQRT_2PI = math.sqrt(2.0 * math.pi)
# Phi(x) = 1/2 + phi(x) * sum_n x^(2n+1) / (2n+1)!! for |x| below this, a continued fraction beyond it:
# the series' cancellation costs at most 3 bits at the limit, and the fraction converges fast enough past it
_SERIES_LIMIT = 1.5
# 1 / (2n+1)!!, n = 0..21: the remainder at the limit (x^2 = 2.25) is below 1e-17 of the sum
_SERIES_COEFFS = 1.0 / np.cumprod(np.arange(1.0, 44.0, 2.0))
# levels of the continued fraction: converged to the last bit from the limit outwards
_FRACTION_LEVELS = 100
# |x| beyond which Phi(x) is 0 or 1 in float64 (phi underflows at |x| ~ 38.6)
_TAIL_CAP = 40.0


def _floats(x: ArrayLike) -> np.ndarray:
    arr = np.asarray(x)
    return arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float64)


@overload
def sigmoid(x: float) -> float: ...
@overload
def sigmoid(x: np.ndarray) -> np.ndarray: ...
def sigmoid(x: ArrayLike) -> np.ndarray | float:
    """1 / (1 + exp(-x)) (scipy's expit), from exp(-|x|) so it never overflows."""
    x = _floats(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


@overload
def logit(p: float) -> float: ...
@overload
def logit(p: np.ndarray) -> np.ndarray: ...
def logit(p: ArrayLike) -> np.ndarray | float:
    """log(p / (1 - p)) (scipy's logit); near p = 1/2 as log1p(2p - 1) - log1p(1 - 2p), exact to the last bits there."""
    p = _floats(p)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 -> -inf, 1 -> inf, outside [0, 1] -> nan, as scipy
        plain = np.log(p / (1.0 - p))
        s = 2.0 * (p - 0.5)
        centred = np.log1p(s) - np.log1p(-s)
    return np.where((p < 0.3) | (p > 0.65), plain, centred)[()]


@overload
def normal_cdf(x: float) -> float: ...
@overload
def normal_cdf(x: np.ndarray) -> np.ndarray: ...
def normal_cdf(x: ArrayLike) -> np.ndarray | float:
    """Phi(x), the standard normal CDF (scipy's ndtr), vectorised: a series near 0, a continued fraction in the tails."""
    arr = _floats(x)
    x64 = arr.astype(np.float64, copy=False)
    out = np.empty_like(x64)
    near = np.abs(x64) < _SERIES_LIMIT
    xs = x64[near]
    w = xs * xs
    acc = np.full_like(xs, _SERIES_COEFFS[-1])
    for c in _SERIES_COEFFS[-2::-1]:  # Horner over the terms, each step a whole-array operation
        acc *= w
        acc += c
    out[near] = 0.5 + np.exp(-0.5 * w) / _SQRT_2PI * xs * acc
    far = ~near  # nan lands here and stays nan
    xt = x64[far]
    ax = np.minimum(np.abs(xt), _TAIL_CAP)
    w = ax * ax
    # 1 - Phi(|x|) = phi(x) |x| / (x^2 + 1 - 1*2 / (x^2 + 5 - 3*4 / (x^2 + 9 - ...))), evaluated bottom-up
    f = w + (4 * _FRACTION_LEVELS + 1)
    for k in range(_FRACTION_LEVELS, 0, -1):
        f = w + (4 * k - 3) - ((2 * k - 1) * 2 * k) / f
    tail = _half_square_exp(ax) / _SQRT_2PI * ax / f
    out[far] = np.where(xt < 0, tail, 1.0 - tail)
    return out.astype(arr.dtype, copy=False)[()]


def _half_square_exp(ax: np.ndarray) -> np.ndarray:
    """exp(-x^2 / 2) to the last bits for 0 <= x <= 40: x = h + l with h on a 1/64 grid, so h^2 is exact."""
    h = np.round(ax * 64.0) / 64.0
    return np.exp(-0.5 * h * h) * np.exp(-0.5 * (ax - h) * (ax + h))


def normal_quantile(p: float) -> float:
    """Phi^-1(p) of one probability (scipy's ndtri on a scalar): -inf at 0, inf at 1, nan outside [0, 1]."""
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    if not 0.0 < p < 1.0:
        return math.nan
    return NormalDist().inv_cdf(p)
