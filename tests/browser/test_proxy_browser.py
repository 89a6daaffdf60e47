"""Two replicas behind nginx (deploy/serve_two_replicas.sh): browser sessions opened through the proxy each
stay on the replica that first answered them, and work there: sliders move, goals follow, nothing leaks."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from devkit.browser_harness import ARTIFACTS, MUTATION_PROBE, REPO, exceptions, free_port, wait_idle
from lab.present.text import pct
from lab.workshop.exercises import load_workshop
from lab.workshop.measure import exercise_experiment, measure, stage
from tests.conftest import missing

pytestmark = pytest.mark.browser

SCRIPT = REPO / "deploy" / "serve_two_replicas.sh"
SLIDER = '[data-testid="stSlider"]:has-text("above score") input[type="range"]'
GOAL = ".st-key-workshop_goal"
SESSIONS = 4


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def proxy(browser, tmp_path_factory):
    """The script's nginx on a free port in front of two replicas; (proxy URL, replica URLs by name)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        missing("nginx not found: apt-get install nginx to run the proxy test")
    ports = [free_port() for _ in range(3)]
    log = (tmp_path_factory.mktemp("proxy") / "serve.log").open("wb")
    proc = subprocess.Popen(
        ["bash", str(SCRIPT), *map(str, ports)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{ports[0]}"
    started = time.perf_counter()
    try:
        while not _healthy(f"{base}/_stcore/health"):
            assert proc.poll() is None, f"the script stopped: see {log.name}"
            assert time.perf_counter() - started < 180, "the proxy did not answer within 3 minutes"
            time.sleep(0.2)
        yield base, {"a": f"http://127.0.0.1:{ports[1]}", "b": f"http://127.0.0.1:{ports[2]}"}
    finally:
        proc.send_signal(signal.SIGTERM)  # the script stops nginx and both replicas
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the process group this fixture started
            proc.wait()
        log.close()
    assert not any(_healthy(f"{url}/_stcore/health") for url in (base, f"http://127.0.0.1:{ports[1]}"))


def _active_sessions(replica: str) -> int:
    with urllib.request.urlopen(f"{replica}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(int(float(v)) for v in re.findall(r"^active_sessions\S*\s+([0-9.]+)", text, flags=re.M))


def test_sessions_through_the_proxy_stay_on_their_replica_and_work(browser, proxy):
    base, replicas = proxy
    exercise = load_workshop().exercise("first-threshold")
    staged = stage(exercise_experiment(exercise), exercise.start)
    expected = {k: f"Savings: {pct(measure(staged, (k / 100,), with_apgr=False).values['savings'])}" for k in range(30)}
    before = {name: _active_sessions(url) for name, url in replicas.items()}
    contexts, seen = [], []
    try:
        for _ in range(SESSIONS):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            answered: list[str] = []
            page.on(
                "response",
                lambda r, answered=answered: (
                    answered.append(r.headers.get("x-routing-lab-replica", f"none: {r.url}"))
                    if r.url.startswith(base)  # not the blob: URLs the page makes itself
                    else None
                ),
            )
            page.goto(f"{base}/workshop")
            page.wait_for_selector(GOAL, timeout=120_000)
            page.evaluate(MUTATION_PROBE)
            wait_idle(page, quiet_ms=600)
            contexts.append(context)
            seen.append(answered)
        for k, context in enumerate(contexts):  # each session moves its own slider by its own amount
            page = context.pages[0]
            page.locator(SLIDER).focus()
            for _ in range(5 + 5 * k):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "([sel, text]) => document.querySelector(sel).innerText.includes(text)",
                arg=[GOAL, expected[5 + 5 * k]],
                timeout=60_000,
            )
            wait_idle(page, quiet_ms=600)
        for k, context in enumerate(contexts):
            page = context.pages[0]
            assert page.locator(SLIDER).input_value() == f"{(5 + 5 * k) / 100:.2f}".rstrip("0").rstrip(".")
            assert expected[5 + 5 * k] in page.locator(GOAL).inner_text()
            assert exceptions(page) == []
        ARTIFACTS.joinpath("browser").mkdir(parents=True, exist_ok=True)
        contexts[-1].pages[0].screenshot(path=str(ARTIFACTS / "browser" / "through_the_proxy.png"))
        pinned = []
        for context, answered in zip(contexts, seen):
            cookie = {c["name"]: c["value"] for c in context.cookies()}.get("routing_lab_replica")
            assert cookie in replicas, f"no replica cookie: {context.cookies()}"
            assert set(answered) == {cookie}, f"a session's requests went to {set(answered)}, its cookie says {cookie}"
            pinned.append(cookie)
        assert set(pinned) == {"a", "b"}, f"new browsers are spread over both replicas: {pinned}"
        after = {name: _active_sessions(url) for name, url in replicas.items()}
        grown = {name: after[name] - before[name] for name in replicas}
        assert grown == {name: pinned.count(name) for name in replicas}, (
            f"sessions per replica {grown}, cookies {pinned}"
        )
    finally:
        for context in contexts:
            context.close()
