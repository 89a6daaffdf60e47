"""Probability links: numpy's sigmoid, logit, normal CDF and quantile agree with scipy.special (tests may import it)."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lab.sources.synthetic
from lab.core.links import logit, normal_cdf, normal_quantile, sigmoid
from lab.core.scenario import load_scenario

RNG = np.random.default_rng(20240611)


def _exact_normal_cdf(x: float) -> float:
    """Phi(x) to ~40 digits with Decimal: the series near 0, 400 levels of the continued fraction in the tails."""
    with localcontext() as ctx:
        ctx.prec = 80
        d = Decimal(x)
        w = d * d
        phi = (-w / 2).exp() / (2 * Decimal("3.14159265358979323846264338327950288419716939937510582097494459")).sqrt()
        if abs(x) <= 6:
            term, total, n = d, Decimal(0), 0
            while abs(term) > Decimal(10) ** -70:
                total += term
                n += 1
                term = term * w / (2 * n + 1)
            return float(Decimal("0.5") + phi * total)
        f = w + 4 * 400 + 1
        for k in range(400, 0, -1):
            f = w + (4 * k - 3) - Decimal((2 * k - 1) * 2 * k) / f
        tail = phi * abs(d) / f
        return float(tail if x < 0 else 1 - tail)


def test_sigmoid_matches_expit_and_never_overflows():
    x = np.concatenate([RNG.normal(0, 10, 200_000), np.linspace(-700, 700, 20_001), [0.0, -0.0, 1e-300, -1e-300]])
    np.testing.assert_allclose(sigmoid(x), sp.expit(x), rtol=1e-15, atol=0)
    with np.errstate(over="raise", invalid="raise"):
        assert sigmoid(np.array([-1e4, 1e4, -np.inf, np.inf])).tolist() == [0.0, 1.0, 0.0, 1.0]
    assert np.isnan(sigmoid(np.nan))


def test_logit_matches_scipy_including_near_one_half_and_the_ends():
    p = np.concatenate(
        [
            RNG.random(200_000),
            0.5 + np.linspace(-1e-6, 1e-6, 2001),
            np.logspace(-300, -1, 500),
            1 - np.logspace(-16, -1, 500),
        ]
    )
    np.testing.assert_allclose(logit(p), sp.logit(p), rtol=1e-15, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the ends give +-inf and nan quietly, as scipy does
        ends = logit(np.array([0.0, 1.0, -0.1, 1.1]))
    assert ends[0] == -np.inf and ends[1] == np.inf and np.isnan(ends[2:]).all()
    np.testing.assert_allclose(sigmoid(logit(p)), p, rtol=1e-12)


def test_normal_cdf_matches_ndtr_on_draws_and_across_the_range():
    # to |x| = 37: scipy flushes Phi to 0 from x ~ -37.6, where the true value is still a subnormal float
    x = np.concatenate(
        [
            RNG.standard_normal(500_000),
            RNG.uniform(-37, 37, 100_000),
            np.linspace(-8, 8, 160_001),
            [0.0, 1.5, -1.5, np.nextafter(1.5, 0), np.nextafter(-1.5, 0), 37.0, -37.0],
        ]
    )
    ours, ref = normal_cdf(x), sp.ndtr(x)
    body = np.abs(x) < 10
    np.testing.assert_allclose(ours[body], ref[body], rtol=2e-14, atol=0)
    # past |x| = 10 scipy's own error grows (exp of a rounded x^2, ~3e-13 at -37); ours stays at a few ulp
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0)
    assert np.abs(ours - ref).max() <= 4.5e-16  # what a comparison against a probability sees


def test_normal_cdf_ends_and_nan():
    out = normal_cdf(np.array([-np.inf, np.inf, -1e300, 1e300, -40.0, 40.0, np.nan, -38.0]))
    assert out[:6].tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 1.0] and np.isnan(out[6])
    assert 0 < out[7] < 1e-310  # a subnormal, where scipy's ndtr has already flushed to 0


@pytest.mark.parametrize("x", [-37.5, -25.0, -12.3, -6.5, -3.0, -1.5001, -1.4999, -0.7, 0.0, 0.3, 1.2, 2.9, 7.0])
def test_normal_cdf_is_correct_to_a_few_ulp(x):
    exact = _exact_normal_cdf(x)
    assert normal_cdf(x) == pytest.approx(exact, rel=5e-15, abs=0)


@settings(max_examples=300, deadline=None)
@given(st.floats(-37, 37, allow_nan=False))
def test_normal_cdf_agrees_with_ndtr_anywhere(x):
    assert normal_cdf(x) == pytest.approx(sp.ndtr(x), rel=1e-12, abs=0)
    assert normal_cdf(x) + normal_cdf(-x) == pytest.approx(1.0, abs=3e-16)


@settings(max_examples=300, deadline=None)
@given(st.floats(-700, 700, allow_nan=False), st.floats(1e-300, 1 - 1e-16))  # expit flushes to 0 past -709
def test_sigmoid_and_logit_agree_with_scipy_anywhere(x, p):
    assert sigmoid(x) == pytest.approx(sp.expit(x), rel=1e-15, abs=1e-320)
    assert logit(p) == pytest.approx(sp.logit(p), rel=1e-15, abs=0)


def test_normal_quantile_matches_ndtri():
    p = np.concatenate([RNG.random(20_000), np.logspace(-300, -1, 300), 1 - np.logspace(-15, -1, 200), [0.5, 1 - 1e-9]])
    ours = np.array([normal_quantile(float(v)) for v in p])
    np.testing.assert_allclose(ours, sp.ndtri(p), rtol=1e-14, atol=1e-15)
    assert normal_quantile(0.0) == -math.inf and normal_quantile(1.0) == math.inf
    assert math.isnan(normal_quantile(-0.1)) and math.isnan(normal_quantile(1.5))


def test_float32_stays_float32_and_scalars_stay_scalars():
    x32 = np.linspace(-3, 3, 7, dtype=np.float32)
    assert sigmoid(x32).dtype == logit(np.float32([0.2, 0.7])).dtype == normal_cdf(x32).dtype == np.float32
    for f, v in ((sigmoid, 0.3), (logit, 0.3), (normal_cdf, 0.3)):
        assert np.ndim(f(v)) == 0 and isinstance(f(v), np.float64)
    assert sigmoid(np.array([1, 2])).dtype == np.float64  # integers compute in float64


def test_synthetic_outcomes_are_the_draws_scipy_gave(monkeypatch):
    scenario = load_scenario("customer-support").with_queries(50_000)
    args = (scenario.source, list(scenario.models), scenario.seed, scenario.name)
    ours = lab.sources.synthetic.generate_queryset(*args).quality
    monkeypatch.setattr(lab.sources.synthetic, "normal_cdf", sp.ndtr)
    monkeypatch.setattr(lab.sources.synthetic, "sigmoid", sp.expit)
    assert np.array_equal(ours, lab.sources.synthetic.generate_queryset(*args).quality)
