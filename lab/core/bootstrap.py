"""Bootstrap over queries, done once per query set as a weight matrix, so an interval is a mat-vec.

Queries are dealt at random into G groups (G = n for n <= max_groups: the ordinary bootstrap);
each of B replicates resamples the groups with replacement. A replicate's mean is (W @ group sums)
/ (W @ group counts). For iid queries, resampling random groups is a valid bootstrap of the mean,
and it keeps the cost of an interval independent of n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class BootstrapPlan:
    """Group of each query, the (B, G) resampling weights and each replicate's number of queries."""

    groups: np.ndarray  # (n,) int32
    weights: np.ndarray  # (B, G) float64 counts
    group_counts: np.ndarray  # (G,) queries per group
    replicate_sizes: np.ndarray  # (B,) queries in each replicate: weights @ group_counts

    @property
    def n_groups(self) -> int:
        """Number of groups G."""
        return int(self.weights.shape[1])


def plan_bootstrap(
    n_queries: int, rng: np.random.Generator, replicates: int = 200, max_groups: int = 4_000
) -> BootstrapPlan:
    """A plan of `replicates` resamples for n queries."""
    n_groups = min(n_queries, max_groups)
    groups = (rng.permutation(n_queries) % n_groups).astype(np.int32)
    draws = rng.integers(0, n_groups, size=(replicates, n_groups)) + (np.arange(replicates) * n_groups)[:, None]
    weights = (
        np.bincount(draws.ravel(), minlength=replicates * n_groups).reshape(replicates, n_groups).astype(np.float64)
    )
    counts = np.bincount(groups, minlength=n_groups).astype(np.float64)
    return BootstrapPlan(groups=groups, weights=weights, group_counts=counts, replicate_sizes=weights @ counts)


def replicate_means(plan: BootstrapPlan, *values: np.ndarray, with_totals: bool = False):
    """The mean of each per-query vector in each bootstrap replicate: shape (B,) for one vector, (B, k) for k.

    with_totals=True also returns each vector's plain sum over all queries (k,), from the same pass.
    """
    sums = np.stack([np.bincount(plan.groups, weights=v, minlength=plan.n_groups) for v in values], axis=1)
    means = (plan.weights @ sums) / plan.replicate_sizes[:, None]
    means = means[:, 0] if len(values) == 1 else means
    return (means, sums.sum(axis=0)) if with_totals else means


def interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The percentile interval of bootstrap replicates."""
    if not np.all(np.isfinite(replicates)):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return float(low), float(high)
