"""Loading a 50 MB outcome log (the lab's CSV format): target under 5 s, beside a naive per-row reference.

The fast path is `lab.sources.outcome_log.parse_outcome_log` (pandas reading, vectorised checks). The naive
reference reads the same CSV row by row with the csv module and validates each row with a pydantic
model, as a first implementation would. Also shown, without a target: the same log as JSONL and
Parquet, and a log without prompt_tokens (every prompt counted with litellm's tokenizer).

Run: uv run python benchmarks/bench_load_log.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds as median_s

from lab.sources.outcome_log import parse_outcome_log

TARGET_S = 5.0
TARGET_BYTES = 50_000_000
MODELS = ("gpt-4o-mini", "gpt-4o")
WORDS = np.array(
    [
        "please",
        "help",
        "me",
        "with",
        "my",
        "order",
        "refund",
        "account",
        "invoice",
        "shipping",
        "address",
        "password",
        "reset",
        "the",
        "a",
        "to",
        "of",
        "and",
        "for",
        "why",
        "does",
        "this",
        "error",
        "happen",
        "when",
        "I",
        "run",
        "the",
        "script",
        "compare",
        "plans",
        "explain",
        "policy",
        "damaged",
        "item",
        "delivery",
        "late",
        "summarise",
        "the",
        "following",
        "contract",
        "clause",
        "in",
        "plain",
        "words",
        "translate",
        "write",
        "a",
        "python",
        "function",
        "that",
        "parses",
    ]
)


def make_log(target_bytes: int, seed: int = 0) -> pd.DataFrame:
    """A realistic outcome log of about `target_bytes` as CSV: varied prompt lengths, two models, costs."""
    rng = np.random.default_rng(seed)
    n = target_bytes // 260
    lengths = np.clip(rng.lognormal(3.4, 0.6, n).astype(int), 3, 400)
    flat = rng.choice(WORDS, lengths.sum())
    cuts = np.cumsum(lengths)[:-1]
    texts = [" ".join(chunk) for chunk in np.split(flat, cuts)]
    prompt_tokens = (lengths * 1.3).astype(int)
    out_mini = rng.integers(20, 600, n)
    out_big = (out_mini * rng.uniform(0.8, 1.5, n)).astype(int)
    good_big = rng.random(n) < 0.85
    frame = pd.DataFrame(
        {
            "id": np.char.add("req-", np.arange(n).astype(str)),
            "text": texts,
            "category": rng.choice(["orders", "billing", "tech", "chat", "legal"], n),
            "prompt_tokens": prompt_tokens,
            f"quality:{MODELS[0]}": good_big & (rng.random(n) < 0.8),
            f"quality:{MODELS[1]}": good_big,
            f"output_tokens:{MODELS[0]}": out_mini,
            f"output_tokens:{MODELS[1]}": out_big,
            f"cost_usd:{MODELS[0]}": prompt_tokens * 1.5e-7 + out_mini * 6e-7,
            f"cost_usd:{MODELS[1]}": prompt_tokens * 2.5e-6 + out_big * 1e-5,
        }
    )
    return frame


class NaiveRow(BaseModel):
    """One row of the log, validated on its own (the naive reference)."""

    id: str
    text: str = Field(min_length=1)
    category: str
    prompt_tokens: int = Field(ge=0)
    quality: dict[str, float]
    output_tokens: dict[str, float]
    cost_usd: dict[str, float]


def naive_load(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The reference: decode, then one csv row and one pydantic validation per query."""
    rows = []
    for record in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        row = NaiveRow(
            id=record["id"],
            text=record["text"],
            category=record["category"],
            prompt_tokens=int(record["prompt_tokens"]),
            quality={m: 1.0 if record[f"quality:{m}"] == "True" else 0.0 for m in MODELS},
            output_tokens={m: float(record[f"output_tokens:{m}"]) for m in MODELS},
            cost_usd={m: float(record[f"cost_usd:{m}"]) for m in MODELS},
        )
        rows.append(row)
    quality = np.array([[r.quality[m] for m in MODELS] for r in rows])
    cost = np.array([[r.cost_usd[m] for m in MODELS] for r in rows])
    return quality, cost


def main() -> int:
    frame = make_log(TARGET_BYTES)
    data = frame.to_csv(index=False).encode("utf-8")
    print(f"log: {len(frame):,} queries, {len(data) / 1e6:.1f} MB CSV")

    queries = parse_outcome_log(data, "log.csv")
    quality, cost = naive_load(data)
    assert np.array_equal(queries.quality, quality) and np.allclose(queries.cost_usd, cost), (
        "fast and naive loads disagree"
    )

    fast = median_s(lambda: parse_outcome_log(data, "log.csv"), repeats=3)
    naive = median_s(lambda: naive_load(data), repeats=1)
    print(f"csv, fast path      median {fast:6.2f} s  (target < {TARGET_S:.0f} s)")
    print(f"csv, naive per-row  median {naive:6.2f} s  ({naive / fast:.1f}x slower)")

    jsonl = frame.to_json(orient="records", lines=True).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    parquet = buffer.getvalue()
    print(
        f"jsonl ({len(jsonl) / 1e6:.0f} MB)       median {median_s(lambda: parse_outcome_log(jsonl, 'log.jsonl'), 1):6.2f} s  (no target)"
    )
    print(
        f"parquet ({len(parquet) / 1e6:.0f} MB)      median {median_s(lambda: parse_outcome_log(parquet, 'log.parquet'), 1):6.2f} s  (no target)"
    )
    no_tokens = frame.drop(columns=["prompt_tokens"]).to_csv(index=False).encode("utf-8")
    counted = median_s(lambda: parse_outcome_log(no_tokens, "log.csv"), 1)
    print(
        f"csv without prompt_tokens (tokens counted) median {counted:6.2f} s  (no target: tokenizing ~{len(no_tokens) / 1e6:.0f} MB)"
    )

    ok = fast < TARGET_S
    print("PASS" if ok else "FAIL", f"50 MB log loads in {fast:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
