import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.bootstrap import interval, plan_bootstrap, replicate_means


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 3000))
def test_bootstrap_interval_brackets_the_mean_and_shrinks_with_n(seed, n):
    rng = np.random.default_rng(seed)
    values = rng.random(n)
    plan = plan_bootstrap(n, rng, replicates=200, max_groups=500)
    low, high = interval(replicate_means(plan, values))
    assert low <= values.mean() <= high
    assert high - low < 8 * values.std() / np.sqrt(n) + 1e-12


def test_bootstrap_interval_has_the_width_the_central_limit_theorem_gives():
    rng = np.random.default_rng(5)
    values = rng.random(50_000)
    low, high = interval(replicate_means(plan_bootstrap(len(values), rng, replicates=400), values))
    expected = 2 * 1.96 * values.std() / np.sqrt(len(values))
    assert (high - low) == pytest.approx(expected, rel=0.2)


def test_stacked_replicates_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    a, b = rng.random(5_000), rng.random(5_000) * 7
    plan = plan_bootstrap(5_000, rng)
    both = replicate_means(plan, a, b)
    assert both.shape == (200, 2)
    assert np.allclose(both[:, 0], replicate_means(plan, a)) and np.allclose(both[:, 1], replicate_means(plan, b))


def test_small_sets_get_the_ordinary_bootstrap():
    plan = plan_bootstrap(500, np.random.default_rng(0))
    assert plan.n_groups == 500 and np.all(plan.group_counts == 1)
    assert np.allclose(plan.replicate_sizes, 500)


def test_interval_of_a_nan_replicate_is_nan():
    assert all(np.isnan(v) for v in interval(np.array([0.1, np.nan])))
