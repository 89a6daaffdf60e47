"""A room on one server: 30 browser sessions (Playwright contexts in Debian's chromium) against one server
started as the README starts it (`routing-lab app`, headless), each moving the Workshop page's threshold
slider and switching to the Lab page and back, for a few minutes; beside the same with 1 session. A session
pauses between two moves as a person reading the goal box does (--think-ms, 2 s on average, seeded).

Reported: rerun time per slider move (key press to the last DOM mutation it causes, FIELD-NOTES.md),
median and p95 with 1 and with 30 sessions; page switches (Workshop -> Lab -> Workshop) likewise; the
server's resident memory with no session, after 1, and at its peak with 30 (per session = the growth / 29);
errors (exception boxes, timeouts). Isolation: after every move each session checks that its slider shows
its own threshold and its goal box shows the savings the engine computes for that threshold, and after
every page switch that its progress came back. Targets: p95 with 30 sessions <= 4x the 1-session p95;
no error; no session ever shows another's state.

The browsers run on the same machine as the server (2 cores here), so the 30-session figures include
30 tabs drawing their charts: read them as an upper bound on what a room of laptops sees. The server's own
CPU share (cores busy) is reported beside them, and the machine's load average.

Run: uv run python benchmarks/bench_room.py [--sessions 30] [--seconds 180] [--single-moves 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import percentile

from devkit.browser_harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    MUTATION_PROBE,
    REPO,
    app_command,
    free_port,
    wait_healthy,
)
from lab.present.text import pct
from lab.workshop.exercises import load_workshop
from lab.workshop.measure import exercise_experiment, measure, stage

TARGET_P95_RATIO = 4.0
SLIDER = '[data-testid="stSlider"]:has-text("above score") input[type="range"]'
GOAL = ".st-key-workshop_goal"
EXERCISE = "first-threshold"
QUIET_MS = 300
SWITCH_EVERY = 8  # slider moves between two page switches
MAX_STEPS = 45  # a session's threshold walks between 0.00 and 0.45
ARRIVAL_S = 1.0  # one attendee opens the page every second


def expected_savings() -> dict[int, str]:
    """What the goal box must say at each threshold (in slider steps): the engine's savings, computed here."""
    exercise = load_workshop().exercise(EXERCISE)
    staged = stage(exercise_experiment(exercise), exercise.start)
    return {k: f"Savings: {pct(measure(staged, (k / 100,), with_apgr=False).values['savings'])}" for k in range(101)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`routing-lab app --headless --port P`: the README's `uv run routing-lab`, without opening a browser."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # loopback only; the address does not change what is measured
        env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            app_command(self.port), cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_healthy(self.base, self.proc, 90, lambda: f"see {log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Session:
    """One attendee: a browser context on the Workshop page, walking its own threshold."""

    def __init__(self, number: int, page, expected: dict[int, str], think_ms: float) -> None:
        self.number = number
        self.page = page
        self.expected = expected
        self.rng = np.random.default_rng([20261201, number])
        self.think_ms = think_ms
        self.step = 0
        self.reruns_ms: list[float] = []
        self.switches_ms: list[float] = []
        self.errors: list[str] = []
        self.leaks: list[str] = []

    async def settle(self, timeout_ms: float = 60_000) -> float:
        await self.page.wait_for_function(
            f"() => performance.now() - window.__lastMutation > {QUIET_MS}"
            " && document.querySelector('[data-test-script-state=\"notRunning\"]') !== null",
            timeout=timeout_ms,
            polling=25,
        )
        return float(await self.page.evaluate("window.__lastMutation"))

    async def wait_for_own_goal(self) -> None:
        """Until the goal box shows this session's figure (a slow rerun has not redrawn it yet); a leak shows up
        as the wrong figure after this wait, in `check`."""
        with contextlib.suppress(Exception):  # left to `check`, which names what the box shows instead
            await self.page.wait_for_function(
                "([sel, text]) => (document.querySelector(sel) || {innerText: ''}).innerText.includes(text)",
                arg=[GOAL, self.expected[self.step]],
                timeout=30_000,
                polling=25,
            )

    async def check(self, where: str) -> None:
        value = await self.page.locator(SLIDER).input_value()
        goal = await self.page.locator(GOAL).inner_text()
        if round(float(value) * 100) != self.step:
            self.leaks.append(f"session {self.number} {where}: slider {value}, its own threshold {self.step / 100:.2f}")
        if self.expected[self.step] not in goal:
            self.leaks.append(
                f"session {self.number} {where}: goal box '{goal[:80]}' lacks '{self.expected[self.step]}'"
            )
        boxes = await self.page.locator('[data-testid="stException"]').count()
        if boxes:
            self.errors.append(f"session {self.number} {where}: {boxes} exception box(es)")

    async def open(self, base: str, after_s: float) -> None:
        """Arrive `after_s` seconds into the session (a room does not open 30 tabs in the same instant)."""
        await asyncio.sleep(after_s)
        try:
            await self.page.goto(f"{base}/workshop?ex={EXERCISE}", timeout=180_000)
            await self.page.wait_for_selector(GOAL, timeout=180_000)
            await self.page.evaluate(MUTATION_PROBE)
            await self.settle(180_000)
            await self.check("on opening")
        except Exception as exc:
            self.errors.append(f"session {self.number} opening: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")

    async def move(self) -> None:
        key = "ArrowRight" if self.step == 0 or (self.step < MAX_STEPS and self.rng.random() < 0.6) else "ArrowLeft"
        await self.page.locator(SLIDER).focus()
        start = await self.page.evaluate(
            "() => { window.__lastMutation = performance.now(); return performance.now(); }"
        )
        await self.page.keyboard.press(key)
        self.step += 1 if key == "ArrowRight" else -1
        await self.wait_for_own_goal()
        last = await self.settle()
        self.reruns_ms.append(last - start)
        await self.check("after a move")

    async def switch_pages(self) -> None:
        start = time.perf_counter()
        await self.page.locator('[data-testid="stSidebarNavLink"]', has_text="Lab").first.click()
        await self.page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6"
            " && !document.querySelector('.st-key-workshop_goal')",
            timeout=120_000,
        )
        await self.page.locator('[data-testid="stSidebarNavLink"]', has_text="Workshop").first.click()
        await self.page.wait_for_selector(GOAL, timeout=120_000)
        await self.page.evaluate(MUTATION_PROBE)
        await self.settle(120_000)
        self.switches_ms.append((time.perf_counter() - start) * 1000)
        await self.check("after switching to the Lab page and back")

    async def run(self, until: float | None, moves: int | None) -> None:
        if self.errors:  # it never opened
            return
        done = 0
        try:
            while (until is None or time.perf_counter() < until) and (moves is None or done < moves):
                # a person reads the goal box between two moves: uniform in [0.5, 1.5] x think_ms
                await asyncio.sleep(self.think_ms * self.rng.uniform(0.5, 1.5) / 1000)
                await self.move()
                done += 1
                if done % SWITCH_EVERY == 0:
                    await self.switch_pages()
        except Exception as exc:  # a timeout or a lost page is an error of the run, reported, not raised
            self.errors.append(f"session {self.number}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")


async def phase(browser, server: Server, sessions: int, expected, seconds: float | None, moves: int | None, think_ms):
    """`sessions` attendees at once; returns them when all are done, with the server's CPU share while they moved."""
    contexts = [await browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(sessions)]
    people = [Session(i, await c.new_page(), expected, think_ms) for i, c in enumerate(contexts)]
    await asyncio.gather(*(p.open(server.base, ARRIVAL_S * i) for i, p in enumerate(people)))
    until = None if seconds is None else time.perf_counter() + seconds
    cpu0, wall0 = cpu_seconds(server.proc.pid), time.perf_counter()
    await asyncio.gather(*(p.run(until, moves) for p in people))
    server_cpu = (cpu_seconds(server.proc.pid) - cpu0) / (time.perf_counter() - wall0)
    shots = ARTIFACTS / "room"
    shots.mkdir(parents=True, exist_ok=True)
    await people[0].page.screenshot(path=str(shots / f"session0_of_{sessions}.png"), full_page=True)
    for context in contexts:
        await context.close()
    return people, server_cpu


async def main_async(args) -> dict:
    from playwright.async_api import async_playwright

    expected = expected_savings()
    log = Path(tempfile.gettempdir()) / "bench_room_server.log"
    server = Server(log)
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), rss_mb(server.proc.pid)))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    try:
        await asyncio.sleep(5)  # the warm-up thread fills the default scenario's caches
        idle_mb = rss_mb(server.proc.pid)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
            one, one_cpu = await phase(browser, server, 1, expected, None, args.single_moves, args.think_ms)
            one_mb = rss_mb(server.proc.pid)
            t_room = time.perf_counter()
            load_before = os.getloadavg()[0]
            room, room_cpu = await phase(browser, server, args.sessions, expected, args.seconds, None, args.think_ms)
            load_during = os.getloadavg()[0]
            peak_mb = max(mb for t, mb in samples if t >= t_room)
            await browser.close()
    finally:
        stop.set()
        await sampler
        server.stop()

    def figures(people, server_cpu: float) -> dict:
        reruns = [ms for p in people for ms in p.reruns_ms]
        switches = [ms for p in people for ms in p.switches_ms]
        return {
            "sessions": len(people),
            "moves": len(reruns),
            "rerun_median_ms": statistics.median(reruns) if reruns else None,
            "rerun_p95_ms": percentile(reruns, 0.95) if reruns else None,
            "session_median_range_ms": [
                min(statistics.median(p.reruns_ms) for p in people if p.reruns_ms),
                max(statistics.median(p.reruns_ms) for p in people if p.reruns_ms),
            ],
            "page_switches": len(switches),
            "switch_median_ms": statistics.median(switches) if switches else None,
            "switch_p95_ms": percentile(switches, 0.95) if len(switches) > 1 else None,
            "server_cpu_cores": server_cpu,
            "errors": [e for p in people for e in p.errors],
            "leaks": [e for p in people for e in p.leaks],
        }

    report = {
        "single": figures(one, one_cpu),
        "room": figures(room, room_cpu),
        "think_ms": args.think_ms,
        "machine_load_1min": {"before_room": load_before, "end_of_room": load_during, "cores": os.cpu_count()},
        "server_rss_mb": {"idle": idle_mb, "after_1_session": one_mb, "peak_with_room": peak_mb},
        "rss_per_session_mb": (peak_mb - one_mb) / max(args.sessions - 1, 1),
        "server_log": str(log),
    }
    ratio = report["room"]["rerun_p95_ms"] / report["single"]["rerun_p95_ms"]
    report["p95_ratio"] = ratio
    report["met"] = (
        ratio <= TARGET_P95_RATIO
        and not report["room"]["errors"]
        and not report["single"]["errors"]
        and not report["room"]["leaks"]
        and not report["single"]["leaks"]
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=180.0, help="how long the room moves its sliders")
    parser.add_argument("--single-moves", type=int, default=60, help="slider moves of the 1-session reference")
    parser.add_argument("--think-ms", type=float, default=2000.0, help="mean pause between a session's moves")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: install Debian's chromium", file=sys.stderr)
        return 2
    report = asyncio.run(main_async(args))
    print(json.dumps(report, indent=2))
    s, r = report["single"], report["room"]
    print(
        f"\nrerun per slider move: 1 session median {s['rerun_median_ms']:.0f} ms, p95 {s['rerun_p95_ms']:.0f} ms; "
        f"{r['sessions']} sessions median {r['rerun_median_ms']:.0f} ms, p95 {r['rerun_p95_ms']:.0f} ms "
        f"(p95 ratio {report['p95_ratio']:.2f}, target <= {TARGET_P95_RATIO}); "
        f"server memory {report['server_rss_mb']['idle']:.0f} MB idle, {report['server_rss_mb']['peak_with_room']:.0f} MB "
        f"peak, {report['rss_per_session_mb']:.1f} MB per session; server CPU {s['server_cpu_cores']:.2f} / "
        f"{r['server_cpu_cores']:.2f} cores; errors {len(r['errors']) + len(s['errors'])}, "
        f"sessions showing another's state {len(r['leaks']) + len(s['leaks'])}"
    )
    return 0 if report["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
