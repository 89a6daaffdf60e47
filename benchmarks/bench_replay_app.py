"""Opening a replayed scenario in the app: the user picks it in the sidebar of an open Lab page, and the time runs
from that click to the last DOM mutation it causes (every chart redrawn on the new data).

The app is started as the README starts it (`routing-lab app`), once per measurement, so nothing of the scenario is
in the server's memory: the replay's parsed query set comes from the on-disk replay cache (warm: filled once
before by the CLI) or is parsed from the public files (cold: `ROUTING_LAB_CACHE=off`). Beside it, in the same
run: switching to another synthetic scenario, the page's own floor for a scenario switch.
The replay is opened with the strategy `random` (the switch keeps the page's strategy), so the figure is the
loading of the data; with the classifier (cross-fitted on the new data as it opens) it is timed apart.
Target (issue 12): a replay scenario opens in <= 1 s warm.

Run: uv run python benchmarks/bench_replay_app.py [--starts N] [--scenario NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.browser_harness import (
    CHROMIUM,
    MUTATION_PROBE,
    REPO,
    chromium,
    exceptions,
    streamlit_server,
    wait_for_app,
    wait_idle,
)

TARGET_WARM_S = 1.0
LAB_CHARTS = 6
SYNTHETIC = "coding-assistant"


def _routing_lab() -> str:
    return str(Path(sys.executable).with_name("routing-lab"))


def fill_replay_cache(scenario: str) -> None:
    """Parse the replay once through the CLI, as an earlier session would have, so the on-disk cache holds it."""
    subprocess.run(
        [_routing_lab(), "sweep", "--scenario", scenario, "--strategy", "random", "--points", "3"],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def switch_s(browser, scenario: str, strategy: str, cache: str | None) -> tuple[float, list[str]]:
    """Seconds from picking `scenario` in a fresh server's open Lab page to its charts redrawn; and any exception."""
    env = {} if cache is None else {"ROUTING_LAB_CACHE": cache}
    with streamlit_server(extra_env=env) as (base, _):
        page = browser.new_page(viewport={"width": 1600, "height": 2400})
        page.goto(f"{base}/?strategy={strategy}")
        wait_for_app(page, min_charts=LAB_CHARTS)
        page.evaluate(MUTATION_PROBE)
        wait_idle(page, quiet_ms=1000)
        page.get_by_role("combobox", name="Scenario", exact=True).click()
        option = page.get_by_role("option").filter(has_text=f"{scenario} (").first
        start = page.evaluate("() => { window.__lastMutation = performance.now(); return performance.now(); }")
        option.click()
        page.wait_for_function(f"() => window.location.search.includes('scenario={scenario}')", timeout=120_000)
        last = wait_idle(page, quiet_ms=1500, timeout_ms=120_000)
        problems = exceptions(page)
        page.close()
    return (last - start) / 1000, problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3, help="server starts per measurement (the median is reported)")
    parser.add_argument("--scenario", default="routellm-mmlu")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install chromium")
        return 1
    if not os.environ.get("ROUTING_LAB_DATA") and not (REPO.parent / "shared" / "data").exists():
        print("no public data: set ROUTING_LAB_DATA or run `routing-lab data download`")
        return 1
    fill_replay_cache(args.scenario)
    runs: dict[str, list[float]] = {"synthetic": [], "warm": [], "cold": [], "warm_classifier": []}
    problems: list[str] = []
    began = time.perf_counter()
    with chromium() as browser:
        for _ in range(args.starts):
            for name, scenario, strategy, cache in (
                ("synthetic", SYNTHETIC, "random", None),
                ("warm", args.scenario, "random", None),
                ("cold", args.scenario, "random", "off"),
                ("warm_classifier", args.scenario, "classifier", None),
            ):
                seconds, seen = switch_s(browser, scenario, strategy, cache)
                runs[name].append(seconds)
                problems += seen
    medians = {name: round(statistics.median(values), 2) for name, values in runs.items()}
    report = {
        "scenario": args.scenario,
        "starts": args.starts,
        "switch_to_synthetic_s": medians["synthetic"],
        "open_replay_warm_cache_s": medians["warm"],
        "open_replay_cold_cache_s": medians["cold"],
        "open_replay_warm_with_the_classifier_s": medians["warm_classifier"],
        "each_s": {name: [round(v, 2) for v in values] for name, values in runs.items()},
        "load_average_1min": round(os.getloadavg()[0], 2),
        "wall_s": round(time.perf_counter() - began, 1),
        "exceptions": problems,
    }
    ok = {"replay opens warm <= 1 s": medians["warm"] <= TARGET_WARM_S, "no exception": not problems}
    print(json.dumps(report, indent=2))
    for name, passed in ok.items():
        print(f"{'PASS' if passed else 'MISS'}  {name}")
    return 0 if all(ok.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
