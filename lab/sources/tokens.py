"""Token counts as litellm's token counter makes them for OpenAI models, offline and batched.

litellm counts OpenAI models' tokens with tiktoken, pointed at the tokenizer files it ships
(litellm_core_utils/tokenizers). Importing litellm takes seconds, so this module points tiktoken at
the same files and encodes each distinct text once; tests check the counts equal litellm's.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from lab.core.distinct import distinct_texts
from lab.core.pricing import litellm_dir


@lru_cache(maxsize=2)
def _encoding(name: str):
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(litellm_dir() / "litellm_core_utils" / "tokenizers"))
    import tiktoken

    return tiktoken.get_encoding(name)


def encoding_name(model_key: str) -> str:
    """The tiktoken encoding litellm uses for `model_key` (o200k for the gpt-4o generation and later)."""
    legacy = ("gpt-4-", "gpt-4", "gpt-3.5")
    if model_key.startswith(legacy) and not model_key.startswith(("gpt-4o", "gpt-4.1", "gpt-4.5")):
        return "cl100k_base"
    return "o200k_base"


def count_tokens(texts: np.ndarray | list[str], model_key: str = "gpt-4o") -> np.ndarray:
    """Token count of each text (int64), encoding each distinct text once."""
    uniques, inverse = distinct_texts(texts)
    if not uniques:
        return np.zeros(0, dtype=np.int64)
    # one encode_ordinary call per distinct text: faster than encode_ordinary_batch, whose thread pool
    # makes a future per text (benchmarks/bench_load_log.py times the counting)
    encode = _encoding(encoding_name(model_key)).encode_ordinary
    counts = np.fromiter(map(len, map(encode, uniques)), dtype=np.int64, count=len(uniques))
    return counts[inverse]
