"""Live mode against a loopback OpenAI-compatible server: concurrency, the lab's overhead per call, and the cap.

1. 1,000 queries x 2 models (graded by reference, no router, log-probabilities returned: exactly 2
   calls per query), the server answering each call after 50 ms: wall time of a run at concurrency
   1 and at 16 (calls in flight per model; a query's two calls always go out together), and bare
   litellm at the same concurrency (the client's own ceiling: litellm's work per call is CPU on
   one event loop). Target: concurrency 16 at least 10x faster. The client's CPU time in the
   concurrent run is printed beside it: when it approaches the wall time, the run is bound by
   litellm's CPU per call (and by the share of a core the machine's other load leaves it).
2. The lab's overhead per call beside a bare `litellm.acompletion` loop making the same calls (same
   arguments, prices included: litellm then skips its own price lookup) in the same pattern (each
   query's two calls together, one query at a time), the server answering at once so only
   client-side work is timed: (lab - bare) / calls, medians of 3 runs, in wall time and in the
   client's CPU time (which other load on the machine disturbs less).
3. Random fault schedules (429, 500, timeouts, malformed JSON, cut-off bodies, replies without
   usage) against runs with tight random budgets: the largest spend the server charged, as a share
   of the cap. Target: never above 100%.
The server runs in its own process for 1 and 2 (as a real endpoint would), in a thread for 3
(the benchmark reads what it charged). The load average is printed at the start and the end.

Run: uv run python benchmarks/bench_live.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from devkit.openai_server import FAULTS, LoopbackOpenAI
from lab.live.client import _litellm
from lab.live.models import resolve_model
from lab.live.plan import LivePlan, LiveSettings
from lab.live.queries import LiveQuery
from lab.live.runner import run_live

PRICES = {"cheap": (1e-6, 2e-6), "strong": (5e-6, 15e-6)}
N_QUERIES = 1_000
LATENCY_MS = 50.0
SPEEDUP_TARGET = 10.0
OVERHEAD_QUERIES = 300
SCHEDULES = 40


class _ServerProcess:
    """The loopback server in its own process (as a real endpoint is), so it does not share the client's GIL."""

    def __init__(self, latency_ms: float) -> None:
        prices = [f"--price={k}={p_in}/{p_out}" for k, (p_in, p_out) in PRICES.items()]
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "devkit.openai_server", f"--latency-ms={latency_ms}", *prices],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self._proc.stdout is not None
        self.base_url = f"http://127.0.0.1:{int(self._proc.stdout.readline())}/v1"

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)


def _plan(server: LoopbackOpenAI | _ServerProcess, concurrency: int, budget_usd: float = 100.0, **settings) -> LivePlan:
    stated = {f"openai/{k}": v for k, v in PRICES.items()}
    models = [resolve_model(f"openai/{k}", server.base_url, stated) for k in PRICES]
    return LivePlan(models=models, settings=LiveSettings(budget_usd=budget_usd, concurrency=concurrency, **settings))


def _queries(n: int, padding: int = 0) -> list[LiveQuery]:
    pad = " please" * padding
    return [LiveQuery(id=f"q{i}", text=f"What is {i} + {2 * i}?{pad}", reference=str(3 * i)) for i in range(n)]


def _run(server: LoopbackOpenAI | _ServerProcess, concurrency: int, n: int, **settings):
    elapsed, _, summary = _run_timed(server, concurrency, n, **settings)
    return elapsed, summary


def _run_timed(server: LoopbackOpenAI | _ServerProcess, concurrency: int, n: int, **settings):
    """Wall time, this process's CPU time (the client's; the server runs apart) and the summary of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        summary = run_live(_plan(server, concurrency, **settings), _queries(n), Path(tmp) / "run.jsonl")
        return time.perf_counter() - start, time.process_time() - cpu, summary


def _bare_run(server: _ServerProcess, concurrency: int, n: int) -> tuple[float, float]:
    """The lab's answer calls made with bare litellm.acompletion, `concurrency` queries in flight (each query's two
    calls together; no budget, log or grading): wall time and this process's CPU time."""
    litellm = _litellm()
    stated = {f"openai/{k}": v for k, v in PRICES.items()}
    models = [resolve_model(f"openai/{k}", server.base_url, stated) for k in PRICES]
    messages = _plan(server, 1).templates.answer_messages
    queries = _queries(n)

    async def go() -> None:
        slots = asyncio.Semaphore(concurrency)

        async def one(q: LiveQuery) -> None:
            async with slots:
                await asyncio.gather(
                    *(
                        litellm.acompletion(
                            model=m.key,
                            api_base=m.api_base,
                            api_key="no-key",
                            messages=messages(q.text),
                            max_tokens=512,
                            logprobs=True,
                            max_retries=0,
                            input_cost_per_token=m.input_usd_per_token,
                            output_cost_per_token=m.output_usd_per_token,
                        )
                        for m in models
                    )
                )

        await asyncio.gather(*(one(q) for q in queries))

    start, cpu = time.perf_counter(), time.process_time()
    asyncio.run(go())
    return time.perf_counter() - start, time.process_time() - cpu


def concurrency_speedup() -> tuple[float, float, float, float]:
    """Wall time at concurrency 1 and 16 (median of 3), bare litellm at 16, and the client's CPU seconds at 16."""
    server = _ServerProcess(LATENCY_MS)
    try:
        _run(server, 16, 50)  # warm-up: imports, connection pools
        serial, s1 = _run(server, 1, N_QUERIES)
        runs = sorted(_run_timed(server, 16, N_QUERIES)[:2] for _ in range(3))
        parallel, parallel_cpu = runs[1]
        bare = statistics.median(_bare_run(server, 16, N_QUERIES)[0] for _ in range(3))
        assert s1.rows_written == N_QUERIES and s1.calls == 2 * N_QUERIES
    finally:
        server.stop()
    return serial, parallel, bare, parallel_cpu


def overhead_per_call() -> tuple[float, float, float, float]:
    """Per call, ms: bare wall, bare client CPU, lab wall, lab client CPU (medians of 3)."""
    server = _ServerProcess(0.0)
    try:
        _bare_run(server, 1, 20)  # warm-up
        _run(server, 1, 20)
        bare_runs = [_bare_run(server, 1, OVERHEAD_QUERIES) for _ in range(3)]
        lab_runs = [_run_timed(server, 1, OVERHEAD_QUERIES)[:2] for _ in range(3)]
    finally:
        server.stop()
    per_call_ms = 1000 / (2 * OVERHEAD_QUERIES)
    bare_wall, bare_cpu, lab_wall, lab_cpu = (
        statistics.median(run[k] for run in runs) * per_call_ms for runs in (bare_runs, lab_runs) for k in (0, 1)
    )
    return bare_wall, bare_cpu, lab_wall, lab_cpu


def largest_spend_share() -> tuple[float, dict[str, int]]:
    rng = np.random.default_rng(20260101)
    server = LoopbackOpenAI(PRICES, latency_ms=2.0, retry_after_s=0.01, timeout_delay_s=0.3).start()
    worst_share = 0.0
    stops: dict[str, int] = {}
    try:
        for _ in range(SCHEDULES):
            server.reset(list(rng.choice(FAULTS, size=int(rng.integers(0, 60)))))
            cap = float(rng.uniform(5e-4, 0.03))
            plan = _plan(
                server,
                int(rng.integers(1, 9)),
                budget_usd=cap,
                max_tokens=int(rng.integers(1, 160)),
                timeout_s=0.15,
                max_attempts=3,
                backoff_base_s=0.01,
                backoff_max_s=0.05,
            )
            with tempfile.TemporaryDirectory() as tmp:
                summary = run_live(
                    plan, _queries(int(rng.integers(5, 40)), int(rng.integers(0, 80))), Path(tmp) / "r.jsonl"
                )
            worst_share = max(worst_share, server.log.spend_usd / cap)
            stops[summary.stop_reason] = stops.get(summary.stop_reason, 0) + 1
    finally:
        server.stop()
    return worst_share, stops


def main() -> int:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    serial, parallel, bare, parallel_cpu = concurrency_speedup()
    speedup = serial / parallel
    print(f"{N_QUERIES:,} queries x 2 models, {LATENCY_MS:.0f} ms per call on loopback:")
    print(f"  concurrency 1:  {serial:6.1f} s (one run)")
    print(
        f"  concurrency 16: {parallel:6.1f} s (median of 3)  -> {speedup:.1f}x faster (target >= {SPEEDUP_TARGET:g}x); "
        f"the client's CPU time in that run: {parallel_cpu:.1f} s ({parallel_cpu / (2 * N_QUERIES) * 1000:.2f} ms a call)"
    )
    print(f"  bare litellm.acompletion, 16 queries in flight: {bare:6.1f} s (median of 3; the client's own ceiling)")
    bare_ms, bare_cpu_ms, lab_ms, lab_cpu_ms = overhead_per_call()
    print(f"per call, server answering at once ({2 * OVERHEAD_QUERIES} calls, medians of 3):")
    print(
        f"  wall: bare litellm.acompletion loop {bare_ms:.2f} ms, lab runner {lab_ms:.2f} ms, overhead "
        f"{lab_ms - bare_ms:+.2f} ms"
    )
    print(
        f"  client CPU: bare {bare_cpu_ms:.2f} ms, lab {lab_cpu_ms:.2f} ms, overhead {lab_cpu_ms - bare_cpu_ms:+.2f} ms"
    )
    share, stops = largest_spend_share()
    print(
        f"{SCHEDULES} random fault schedules with tight budgets: largest spend charged by the server {share:.1%} of the "
        f"cap (target <= 100%); runs ended: " + ", ".join(f"{k} {v}" for k, v in sorted(stops.items()))
    )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    ok = speedup >= SPEEDUP_TARGET and share <= 1.0
    print("targets met" if ok else "target missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
