"""Size limits: the memory a run needs, from the arrays it holds, against the memory this machine has.

A request too large for the machine is refused before any array is allocated, with the estimate and
the limit, so nobody waits minutes for the kernel to kill the process. The CLI and the app's size
control ask the same functions (check_size, max_queries) and so refuse the same sizes.

The estimate is a sum over the arrays of a run (dtypes as in queryset, calls, strategies, routing and
sweep), per query and per query and model, taken at once even where they are not alive together: it
errs on the generous side (tests/lab/core/test_limits.py measures real runs against it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lab.core.errors import LabError

# the ranges of the numbers a user gives (scenario files, the CLI's options, the app's controls)
MIN_QUERIES, MAX_QUERIES = 10, 20_000_000  # synthetic queries per scenario (memory is checked as well)
MAX_TEXTS_PER_CATEGORY = 100_000  # distinct generated texts per category
MAX_SEED = 2**32 - 1  # seeds are 0 .. MAX_SEED
MIN_SWEEP_POINTS, MAX_SWEEP_POINTS = 2, 10_001  # a sweep finer than 1/10,000 of the traffic shows nothing more

MEMORY_SHARE = 0.5  # the share of the available memory a run may take; the rest stays with the machine and the app

# (what, bytes per query, bytes per query and model)
RUN_LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("query set: ids and prompt tokens (int64), text and category (object pointers); quality, output tokens", 32, 16),
    ("generating: category and pool index (int64), difficulty, context and outcome draws (float64)", 64, 0),
    ("call table: cost and latency (float32) and the float64 products they are priced from", 0, 24),
    ("signals: score (float64), simulated draws; path cost and latency per model (float32)", 24, 8),
    ("routing: tier (int8), quality, cost and latency served (float64); bootstrap groups (int32)", 32, 0),
    ("sweep: sort order (int64), sorted scores; prefix sums of quality and cost per model (float64)", 16, 16),
)
# the classifier's hashed words and bigrams: about 40 nonzeros per synthetic text x (8-byte count + 4-byte
# column), held for every query and again for a fold's rows
CLASSIFIER_BYTES_PER_QUERY = 960
# an injected run beside the clean one: its own calls, signals, routing and (for a noisy judge) judged quality
INJECTED_LAYOUT: tuple[int, int] = (96, 64)
# a sweep point: thresholds, bounds and gathered prefix sums (float64/int64 per model), and the CLI's dict and JSON
POINT_BYTES, POINT_BYTES_PER_MODEL = 760, 48
# beyond the libraries already imported: text pools, tokenizer tables, the bootstrap plan, a fitted model
FIXED_BYTES = 150_000_000


@dataclass(frozen=True)
class RunSize:
    """What a run will do, as far as memory goes."""

    n_queries: int
    n_models: int
    points: int = 0  # sweep points (0: no sweep)
    classifier: bool = True  # the classifier is fitted (the app may fit it on any query set)
    injected: bool = True  # a failure is injected beside the clean run (the app's failure pages do)

    def per_query_bytes(self) -> int:
        """Bytes the run holds per query."""
        fixed = sum(row[1] for row in RUN_LAYOUT) + (INJECTED_LAYOUT[0] if self.injected else 0)
        per_model = sum(row[2] for row in RUN_LAYOUT) + (INJECTED_LAYOUT[1] if self.injected else 0)
        return fixed + per_model * self.n_models + (CLASSIFIER_BYTES_PER_QUERY if self.classifier else 0)

    def estimate_bytes(self) -> int:
        """The memory the run needs, beyond what the process holds already."""
        points = self.points * (POINT_BYTES + POINT_BYTES_PER_MODEL * self.n_models)
        return FIXED_BYTES + points + self.n_queries * self.per_query_bytes()


def _meminfo_available() -> int | None:
    try:
        text = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024  # kB
    return None


def _sysconf_available() -> int | None:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _cgroup_headroom() -> int | None:
    """What a cgroup (v2) memory limit leaves this process, if one is set."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text(encoding="ascii").strip()
        if limit == "max":
            return None
        return max(int(limit) - int((root / "memory.current").read_text(encoding="ascii").strip()), 0)
    except (OSError, ValueError):
        return None


def available_bytes() -> int | None:
    """The memory this process could still take: the kernel's MemAvailable (else free physical pages), or what a
    cgroup limit leaves if that is less; None where the platform tells neither."""
    found = [value for value in (_meminfo_available() or _sysconf_available(), _cgroup_headroom()) if value is not None]
    return min(found) if found else None


def format_bytes(n_bytes: float) -> str:
    """A byte count for people: 512 MB, 3.2 GB."""
    if n_bytes >= 1e9:
        return f"{n_bytes / 1e9:,.1f} GB"
    return f"{n_bytes / 1e6:,.0f} MB"


def _round_down(n: int) -> int:
    """n rounded down to two significant digits (advice reads better as 9,500,000 than 9,566,988)."""
    factor = 10 ** max(len(str(n)) - 2, 0)
    return n // factor * factor


def max_queries(
    n_models: int, points: int = 0, classifier: bool = True, injected: bool = True, available: int | None = None
) -> int | None:
    """The most queries a run of this kind may have on this machine now (None: the platform does not say)."""
    available = available_bytes() if available is None else available
    if available is None:
        return None
    size = RunSize(0, n_models, points, classifier, injected)
    room = MEMORY_SHARE * available - size.estimate_bytes()
    return max(int(room // size.per_query_bytes()), 0)


def check_size(
    n_queries: int,
    n_models: int,
    points: int = 0,
    classifier: bool = True,
    injected: bool = True,
    available: int | None = None,
) -> int:
    """The estimated bytes of a run of `n_queries` x `n_models` (and `points` sweep points); a LabError, with the
    estimate and the limit, if that is more than MEMORY_SHARE of the memory available (measured now unless given)."""
    size = RunSize(n_queries, n_models, points, classifier, injected)
    need = size.estimate_bytes()
    available = available_bytes() if available is None else available
    if available is None or need <= MEMORY_SHARE * available:
        return need
    extras = [name for name, on in (("the classifier", classifier), ("an injected run", injected)) if on]
    extras += [f"{points:,} sweep points"] if points else []
    what = f"{n_queries:,} queries x {n_models} models" + (f" with {' and '.join(extras)}" if extras else "")
    most = _round_down(max_queries(n_models, points, classifier, injected, available) or 0)
    advice = f"use at most {most:,} queries" if most else "free some memory or use a machine with more"
    raise LabError(
        f"{what} would need about {format_bytes(need)} of memory; this machine has "
        f"{format_bytes(available)} available and a run may take {MEMORY_SHARE:.0%} of it "
        f"({format_bytes(MEMORY_SHARE * available)}): {advice}"
    )
