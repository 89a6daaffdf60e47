"""server.py, the module `routing-lab app` serves: what it sets up before the app's own code is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BLAS_THREADS = """
import server
import numpy  # server.py imports the lab (and numpy) in its warm-up thread; the setting must be there before
from threadpoolctl import threadpool_info
print(sorted({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}))
"""


def _blas_threads(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", BLAS_THREADS],
        cwd=REPO,
        env={**clean, "LITELLM_LOCAL_MODEL_COST_MAP": "True", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_the_server_computes_with_one_blas_thread_unless_the_environment_says_otherwise():
    # numpy's OpenBLAS reads its thread count once, when numpy is first imported: server.py must set it before
    assert _blas_threads() == "[1]"
    assert _blas_threads(OPENBLAS_NUM_THREADS="2") == "[2]"
