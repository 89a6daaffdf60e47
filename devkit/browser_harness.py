"""Drive the real app: start it as the README does (`routing-lab app`) on a free port, open Debian's chromium via Playwright.

Shared by the browser tests and benchmarks/bench_app_browser.py. Chromium flags follow FIELD-NOTES.md.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "artifacts"

# Times a rerun from a key press to the last DOM mutation it causes (see FIELD-NOTES.md).
MUTATION_PROBE = """
() => {
  window.__lastMutation = performance.now();
  window.__mutations = 0;
  const observer = new MutationObserver(() => { window.__lastMutation = performance.now(); window.__mutations += 1; });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__observer = observer;
}
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_command(port: int) -> list[str]:
    """The app exactly as the README starts it (`routing-lab app`, with the app's own settings), headless on `port`."""
    return [str(Path(sys.executable).with_name("routing-lab")), "app", "--headless", "--port", str(port)]


def wait_healthy(base: str, proc: subprocess.Popen, timeout_s: float, describe_exit) -> None:
    """Return once the server at `base` answers its health check; a RuntimeError if `proc` exits first (with
    `describe_exit()` saying why) or `timeout_s` passes."""
    started = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {describe_exit()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() - started > timeout_s:
            raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout_s:.0f} s")
        time.sleep(0.05)


def _tail(proc: subprocess.Popen) -> str:
    return "\n" + (proc.stdout.read().decode(errors="replace")[-3000:] if proc.stdout else "")


@contextlib.contextmanager
def streamlit_server(
    extra_env: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    script: Path | None = None,
    base_url_path: str = "",
) -> Iterator[tuple[str, float]]:
    """A running `routing-lab app` (or `streamlit run script`): yields (base URL, seconds from launch to healthy); stops it after."""
    port = free_port()
    env = {**os.environ, **(extra_env or {})}
    env.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    if base_url_path:
        env["STREAMLIT_SERVER_BASE_URL_PATH"] = base_url_path
    if script is None:  # the app exactly as the README starts it: `routing-lab app`, with the app's own settings
        cmd = app_command(port)
    else:  # another script (Streamlit's floor, a plain app.py) as `streamlit run` starts it
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}" + (f"/{base_url_path.strip('/')}" if base_url_path.strip("/") else "")
    try:
        wait_healthy(base, proc, timeout_s, lambda: _tail(proc))
        yield base, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_app(page, min_charts: int = 1, timeout_ms: float = 90_000) -> None:
    """Wait until the script has finished, at least `min_charts` plotly charts are drawn, and no element is still a
    grey placeholder while Streamlit loads its code (stSkeleton: st.html's cards, sliders, select boxes)."""
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(el => el.querySelector('.main-svg')).length >= {min_charts}
            && document.querySelector('[data-test-script-state="notRunning"]') !== null
            && document.querySelector('[data-testid="stSkeleton"]') === null""",
        timeout=timeout_ms,
    )


def wait_idle(page, quiet_ms: float = 400, timeout_ms: float = 60_000) -> float:
    """Wait until no DOM mutation happened for `quiet_ms`; returns the time of the last one (performance.now())."""
    page.wait_for_function(
        f"() => performance.now() - window.__lastMutation > {quiet_ms} && document.querySelector('[data-test-script-state=\"notRunning\"]') !== null",
        timeout=timeout_ms,
        polling=50,
    )
    return float(page.evaluate("window.__lastMutation"))


def chart_signature(page) -> list[str]:
    """The drawn charts' data, shapes and annotations, as text, to tell whether they changed."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
              .map(el => JSON.stringify([(el.data || []).map(t => [t.x, t.y]), (el.layout || {}).shapes || [], ((el.layout || {}).annotations || []).map(a => [a.x, a.text])]))"""
    )


def exceptions(page) -> list[str]:
    """Texts of the exception boxes on the page."""
    return page.locator('[data-testid="stException"]').all_inner_texts()
