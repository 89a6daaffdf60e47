"""Model prices from litellm's offline price map, read without importing litellm (it takes seconds).

litellm with LITELLM_LOCAL_MODEL_COST_MAP=True loads `litellm.model_cost` from the JSON file it
ships; this module reads that same file directly, so a price lookup costs milliseconds.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path

from lab.core.errors import LabError

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

_COST_MAP_FILE = "model_prices_and_context_window_backup.json"


def litellm_dir() -> Path:
    """The installed litellm package folder, found without importing it."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise LabError("litellm is not installed: run `uv sync` in the project folder")
    return Path(next(iter(spec.submodule_search_locations)))


def litellm_version() -> str:
    """The installed litellm version (prices are as of this release)."""
    return importlib.metadata.version("litellm")


@lru_cache(maxsize=1)
def model_cost_map() -> dict[str, dict]:
    """litellm's offline price map: model key -> entry with input/output_cost_per_token."""
    with open(litellm_dir() / _COST_MAP_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("sample_spec", None)
    return data


def chat_model_keys() -> list[str]:
    """Keys of the priced chat models in the map."""
    return sorted(
        key
        for key, entry in model_cost_map().items()
        if entry.get("mode") == "chat" and "input_cost_per_token" in entry and "output_cost_per_token" in entry
    )


def closest_model_keys(key: str, n: int = 3) -> list[str]:
    """The priced chat model keys that look most like `key`."""
    return difflib.get_close_matches(key, chat_model_keys(), n=n, cutoff=0.4)


def token_prices_usd(key: str) -> tuple[float, float]:
    """(input, output) USD per token for `key`; an unknown key is an error naming the closest known keys."""
    entry = model_cost_map().get(key)
    if entry is None or "input_cost_per_token" not in entry or "output_cost_per_token" not in entry:
        near = closest_model_keys(key)
        hint = f"closest known keys: {', '.join(near)}" if near else "no similar key is known"
        raise LabError(
            f"unknown model '{key}' in litellm {litellm_version()}'s price map ({hint}); "
            "use a known key or state input_usd_per_token and output_usd_per_token in the scenario"
        )
    return float(entry["input_cost_per_token"]), float(entry["output_cost_per_token"])
