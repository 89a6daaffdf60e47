"""The options of `routing-lab live estimate|run`, apart from the run itself so that building the command line
imports nothing heavy (lab.live.command reads them and runs)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from lab.core.limits import MAX_SEED


def add_arguments(live: argparse.ArgumentParser, ranged: Callable[..., None]) -> None:
    """The options of `routing-lab live`; `ranged` adds a numeric option with its range stated and checked."""
    live.add_argument("action", choices=["estimate", "run"], help="estimate: price the run; run: send it")
    source = live.add_mutually_exclusive_group()
    source.add_argument(
        "--prompts", metavar="FILE", help="CSV/JSONL/Parquet with a text column (id, category, reference optional)"
    )
    source.add_argument("--scenario", help="send this scenario's queries (built-in name or YAML file)")
    ranged(live, "--sample", int, 1, 10_000_000, "send N queries drawn at random (seeded)", default=None, metavar="N")
    ranged(live, "--seed", int, 0, MAX_SEED, "seed of the sample and of the retry jitter", default=0)
    live.add_argument("--models", required=True, help="litellm keys, cheapest first, comma-separated (2 or more)")
    live.add_argument(
        "--api-base",
        action="append",
        default=None,
        metavar="URL|MODEL=URL",
        help="an OpenAI-compatible endpoint for every model, or for one (repeatable)",
    )
    live.add_argument(
        "--api-key-env", default=None, metavar="VAR", help="environment variable holding the --api-base endpoint's key"
    )
    live.add_argument("--judge", default=None, metavar="MODEL", help="grades answers of queries without a reference")
    live.add_argument(
        "--router-model",
        default=None,
        metavar="MODEL",
        help="rates each query 1-10 (default: the cheapest model; 'none' for no router)",
    )
    ranged(
        live, "--budget-usd", float, 0.0001, 1_000_000, "hard cap on everything the run spends, in USD", default=None
    )
    ranged(live, "--concurrency", int, 1, 256, "calls in flight per model (default 4)", default=4)
    live.add_argument(
        "--price",
        action="append",
        default=None,
        metavar="MODEL=IN/OUT",
        help="USD per million input/output tokens (repeatable)",
    )
    ranged(live, "--max-tokens", int, 1, 200_000, "answer length limit (default 512)", default=512)
    ranged(live, "--timeout", float, 0.1, 3600.0, "seconds per attempt (default 60)", default=60.0)
    ranged(live, "--max-attempts", int, 1, 20, "first try plus retries per call (default 4)", default=4)
    live.add_argument("--dry-run", action="store_true", help="print the expected and worst-case cost; send nothing")
    live.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="the outcome log to write (JSONL); a rerun continues it"
    )
    live.add_argument("--data-dir", default=None, help="folder with the public data sets (for replayed scenarios)")
    live.add_argument("--no-progress", action="store_true", help="no progress bar")
