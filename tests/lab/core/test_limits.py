"""Size limits: the estimate grows with what a run holds, refuses exactly past the limit, and bounds real runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.core.errors import LabError
from lab.core.limits import (
    FIXED_BYTES,
    MEMORY_SHARE,
    RunSize,
    available_bytes,
    check_size,
    format_bytes,
    max_queries,
)

GB = 1_000_000_000
INJECT_TWO = ("--inject", "traffic-drift=0.5", "--inject", "cheap-model-outage=0.5")


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(10, 20_000_000),
    m=st.integers(2, 12),
    points=st.integers(0, 10_001),
    classifier=st.booleans(),
    injected=st.booleans(),
)
def test_the_estimate_grows_with_every_part_of_a_run(n, m, points, classifier, injected):
    size = RunSize(n, m, points, classifier, injected)
    base = size.estimate_bytes()
    assert base > FIXED_BYTES
    assert RunSize(n + 1, m, points, classifier, injected).estimate_bytes() > base
    assert RunSize(n, m + 1, points, classifier, injected).estimate_bytes() > base
    assert RunSize(n, m, points + 1, classifier, injected).estimate_bytes() > base
    assert RunSize(n, m, points, True, injected).estimate_bytes() >= base
    assert RunSize(n, m, points, classifier, True).estimate_bytes() >= base


@settings(max_examples=80, deadline=None)
@given(
    available=st.integers(GB // 2, 512 * GB),
    m=st.integers(2, 12),
    points=st.integers(0, 10_001),
    classifier=st.booleans(),
    injected=st.booleans(),
)
def test_max_queries_is_the_boundary_check_size_refuses_past(available, m, points, classifier, injected):
    most = max_queries(m, points, classifier, injected, available=available)
    assert most is not None
    if most > 0:
        check_size(most, m, points, classifier, injected, available=available)
    with pytest.raises(LabError) as refused:
        check_size(most + 1, m, points, classifier, injected, available=available)
    message = str(refused.value)
    need = RunSize(most + 1, m, points, classifier, injected).estimate_bytes()
    assert format_bytes(need) in message and format_bytes(available) in message
    assert format_bytes(MEMORY_SHARE * available) in message and "\n" not in message


def test_the_refusal_says_how_many_queries_would_fit():
    with pytest.raises(LabError, match=r"20,000,000 queries x 2 models with the classifier .* use at most 1,\d00,000"):
        check_size(20_000_000, 2, classifier=True, injected=False, available=4 * GB)
    with pytest.raises(LabError, match="free some memory"):
        check_size(1_000, 2, available=FIXED_BYTES)  # not even the fixed part fits


def test_available_memory_is_read_from_this_machine():
    found = available_bytes()
    if sys.platform != "linux":
        assert found is None or found > 0
        return
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert found is not None and 0 < found <= total


_MEASURE = textwrap.dedent(
    """
    import contextlib, io, sys

    def peak_bytes():  # VmHWM, not ru_maxrss: Linux carries a parent's ru_maxrss (pytest's) into the child
        return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) * 1024

    from lab.cli import main
    import lab.core.classifier, lab.failures.clean_vs_injected, lab.sources.synthetic, sklearn.linear_model
    from lab.sources.tokens import _encoding
    _encoding("o200k_base")
    before = peak_bytes()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(sys.argv[1:]) == 0
    print(peak_bytes() - before)
    """
)


def _growth_bytes(argv: list[str]) -> int:
    """How much a CLI run's peak resident memory grows past the imported libraries (a fresh process)."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads VmHWM from /proc/self/status (Linux)")
@pytest.mark.parametrize(
    "argv, size",
    [
        (["simulate", "--scenario", "customer-support", "--strategy", "random"], RunSize(0, 2, 0, False, False)),
        (["simulate", "--scenario", "mixed-production", "--strategy", "classifier"], RunSize(0, 3, 0, True, False)),
        (
            ["sweep", "--scenario", "mixed-production", "--strategy", "cascade", "--points", "201"],
            RunSize(0, 3, 201, False, False),
        ),
        (
            [*("simulate", "--scenario", "mixed-production", "--strategy", "cascade"), *INJECT_TWO],
            RunSize(0, 3, 0, False, True),
        ),
    ],
)
def test_the_estimate_bounds_what_real_runs_hold(argv, size):
    small, large = 100_000, 400_000
    grown = [_growth_bytes([*argv, "--queries", str(n)]) for n in (small, large)]
    per_query = (grown[1] - grown[0]) / (large - small)
    # generous, never short: at least what a query costs, and not so loose that it refuses runs that would fit
    assert per_query <= size.per_query_bytes() <= 4 * max(per_query, 50)
    assert grown[0] - small * per_query <= size.estimate_bytes()  # the fixed part and the sweep points
