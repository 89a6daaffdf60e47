"""`routing-lab sweep --scenario routellm-mmlu --strategy random --points 201` as a user runs it: a fresh process.

Timed warm (the replay cache holds the parsed query set) and cold (the cache off: every file parsed and every
prompt's tokens counted), beside a numpy reference of the same sweep in the same run, interleaved so both see
the same machine. The reference reads the same 57 CSV files with the csv module, drops the same contaminated
prompts, draws the same random scores and sweeps the same 201 points with numpy; it does not count tokens
(its cost column uses 4 characters per token), so it is the floor of reading the recorded outcomes and
sweeping them. Its strong shares and qualities are checked equal to the lab's before any time is reported.

Targets: warm median <= 1.2 s and <= 4x the reference's median.
Run: uv run python benchmarks/bench_replay_sweep.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_WARM_S = 1.2
TARGET_RATIO = 4.0
RUNS = 9
ARGS = ["sweep", "--scenario", "routellm-mmlu", "--strategy", "random", "--points", "201"]

REFERENCE = r"""
import csv, glob, json, os, sys, zlib
import numpy as np

csv.field_size_limit(sys.maxsize)
folder = os.path.join(sys.argv[1], "routellm", "routellm", "evals", "mmlu")
with open(os.path.join(folder, "contaminated_prompts.jsonl"), encoding="utf-8") as fh:
    bad = {json.loads(line)["eval_prompt"] for line in fh if line.strip()}
texts, weak, strong = [], [], []
for path in sorted(glob.glob(os.path.join(folder, "responses", "mmlu_*.csv"))):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        w, s = header.index("mistralai/Mixtral-8x7B-Instruct-v0.1"), header.index("gpt-4-1106-preview")
        for row in rows:
            if row[0] not in bad:
                texts.append(row[0]); weak.append(row[w] == "True"); strong.append(row[s] == "True")
n = len(texts)
quality = np.column_stack([np.array(weak, float), np.array(strong, float)])
tokens = np.fromiter(map(len, texts), float, n) / 4  # no tokenizer: 4 characters per token
cost = np.column_stack([tokens * 0.6e-6 + 20 * 0.6e-6, tokens * 10e-6 + 20 * 30e-6])
score = np.random.default_rng([23, zlib.crc32(b"random")]).random(n)
order = np.argsort(score)
ranked = score[order]
prefix_q = np.vstack([np.zeros(2), np.cumsum(quality[order], axis=0)])
prefix_c = np.vstack([np.zeros(2), np.cumsum(cost[order], axis=0)])
level = 1 - np.linspace(0, 1, int(sys.argv[2]))
threshold = np.where(level <= 0, 0.0, ranked[np.clip(np.ceil(level * n).astype(int) - 1, 0, n - 1)])
threshold = np.where(level >= 1, 1.0, np.minimum(threshold, 1.0))
cut = np.searchsorted(ranked, threshold, side="right")
q = (prefix_q[cut, 0] + prefix_q[-1, 1] - prefix_q[cut, 1]) / n
c = (prefix_c[cut, 0] + prefix_c[-1, 1] - prefix_c[cut, 1]) / n
print(json.dumps({"strong_share": ((n - cut) / n).tolist(), "quality": q.tolist(), "cost": c.tolist()}))
"""


def lab_command() -> list[str]:
    """The routing-lab command of this environment (its console script, else python -m lab.cli)."""
    script = Path(sys.executable).parent / "routing-lab"
    return [str(script)] if script.exists() else [sys.executable, "-m", "lab.cli"]


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall time of a fresh process running argv, and its output."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
    return elapsed, proc.stdout


def main() -> int:
    from lab.core.errors import LabError
    from lab.sources.datadir import require_set

    try:
        data_dir = require_set("routellm-mmlu")
    except LabError as exc:
        print(f"skipping: {exc}")
        return 0
    points = ARGS[ARGS.index("--points") + 1]
    reference = [sys.executable, "-c", REFERENCE, str(data_dir), points]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ROUTING_LAB_DATA": str(data_dir), "ROUTING_LAB_CACHE": cache}
        cold_env = {**env, "ROUTING_LAB_CACHE": "off"}
        first_s, _ = timed([*lab_command(), *ARGS], env)  # fills the cache
        _, lab_json = timed([*lab_command(), *ARGS, "--format", "json"], env)
        _, ref_json = timed(reference, env)
        ours, theirs = json.loads(lab_json), json.loads(ref_json)
        np.testing.assert_allclose([p["strong_share"] for p in ours["points"]], theirs["strong_share"], rtol=1e-12)
        np.testing.assert_allclose([p["quality"] for p in ours["points"]], theirs["quality"], rtol=1e-12)
        warm, ref, cold = [], [], []
        for k in range(RUNS):
            warm.append(timed([*lab_command(), *ARGS], env)[0])
            ref.append(timed(reference, env)[0])
            if k < 3:
                cold.append(timed([*lab_command(), *ARGS], cold_env)[0])
    warm_s, ref_s, cold_s = (statistics.median(x) for x in (warm, ref, cold))
    ratio = warm_s / ref_s
    print(f"command: routing-lab {' '.join(ARGS)}  ({RUNS} runs each, medians, fresh processes)")
    print(f"numpy reference (same sweep, csv + numpy)  {ref_s:6.3f} s")
    print(
        f"lab, warm (replay cache)                   {warm_s:6.3f} s  = {ratio:.2f}x the reference "
        f"(targets <= {TARGET_WARM_S} s and <= {TARGET_RATIO:.0f}x)"
    )
    print(
        f"lab, cold (cache off: parse + count tokens) {cold_s:6.3f} s  (first run, filling the cache: {first_s:.3f} s)"
    )
    ok = warm_s <= TARGET_WARM_S and ratio <= TARGET_RATIO
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
