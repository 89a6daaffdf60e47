"""litellm-complexity on RouteLLM's MMLU replay (14,037 prompts): LiteLLM's own scorer, once per distinct text.

The scorer is litellm's Python (ComplexityRouter.classify), one call per prompt: it cannot be vectorised
without re-implementing it. Measured: importing litellm; scoring every distinct text (the strategy's cold
path) beside the naive reference of one classify call per query; the warm path (a failure world's or a
rebuilt experiment's signals reuse the cached scores); and how long LiteLLM's Router takes to route one
prompt through an exported config with mock_response (the proof test's cost per prompt).

Run: uv run python benchmarks/bench_complexity.py  (prints medians; needs the public data, else says so)
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds

WARM_TARGET_S = 0.5  # the cached path must feel instant on a slider page


def import_seconds() -> float:
    """Wall time of `import litellm` in a fresh process (offline price map), median of 3."""
    code = "import os,time;os.environ['LITELLM_LOCAL_MODEL_COST_MAP']='True';t=time.perf_counter();import litellm;print(time.perf_counter()-t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout) for _ in range(3)
    ]
    return sorted(runs)[1]


def main() -> int:
    from lab.core import complexity
    from lab.core.experiment import signals_for
    from lab.core.scenario import load_scenario
    from lab.sources.datadir import resolve_data_dir
    from lab.sources.loader import load_experiment

    try:
        exp = load_experiment(load_scenario("routellm-mmlu"), resolve_data_dir().path)
    except Exception as exc:  # no public data on this machine
        print(f"skipped: RouteLLM MMLU data not found ({exc}); run `routing-lab data download`")
        return 0
    texts = exp.queries.text
    print(f"litellm import (fresh process): {import_seconds():.2f} s")
    complexity.import_litellm()

    def cold() -> None:
        complexity._distinct_scores.cache_clear()
        complexity.complexity_scores(texts)

    router = complexity.scoring_router()

    def naive() -> None:
        for text in texts:  # the reference: one classify call per query, repeated texts included
            router.classify(complexity.ask_of(str(text)))

    n_distinct = len(set(map(str, texts)))
    cold_s = median_seconds(cold, 2)
    naive_s = median_seconds(naive, 2)
    print(
        f"score {len(texts):,} MMLU prompts ({n_distinct:,} distinct): {cold_s:.2f} s "
        f"({cold_s / n_distinct * 1e6:.0f} us per distinct prompt); naive per-query loop {naive_s:.2f} s"
    )
    signals_for(exp, "litellm-complexity")

    def warm() -> None:
        signals_for(dataclasses.replace(exp), "litellm-complexity")  # a rebuilt experiment: no signals of its own

    warm_s = median_seconds(warm, 5)
    print(f"signals on a rebuilt experiment (scores cached): {warm_s * 1000:.0f} ms (target < {WARM_TARGET_S:.1f} s)")

    from lab.export.litellm_config import ExportOptions, litellm_export

    exported = litellm_export(exp, "litellm-complexity", [0.15], ExportOptions())
    os.environ.setdefault("OPENAI_API_KEY", "sk-benchmark-dummy")
    os.environ.setdefault("TOGETHERAI_API_KEY", "benchmark-dummy")
    import litellm
    import yaml

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(exported.config_text)
        config = yaml.safe_load(path.read_text())
    router_ = litellm.Router(model_list=config["model_list"], **config["router_settings"])
    sample = [str(t) for t in texts[:200]]

    async def send() -> None:
        for text in sample:
            await router_.acompletion(
                model="routing-lab", messages=[{"role": "user", "content": text}], mock_response="ok"
            )

    asyncio.run(send())  # warm-up
    start = time.perf_counter()
    asyncio.run(send())
    per_prompt_ms = (time.perf_counter() - start) / len(sample) * 1000
    print(f"LiteLLM Router, exported config, mock_response: {per_prompt_ms:.1f} ms per routed prompt")
    ok = warm_s < WARM_TARGET_S
    print("PASS" if ok else "FAIL: the cached path is too slow")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
