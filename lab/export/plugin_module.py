"""Routing Lab's routing plugin for LiteLLM: the lab's length or classifier router, deciding a complexity tier.

Routing Lab writes this file, unchanged, beside an exported LiteLLM config as `routing_lab_plugin.py`, with
its parameters in `routing_lab_plugin.json` (plain JSON: thresholds, token cutoffs, or the classifier's
hashed vocabulary, IDF and logistic-regression weights; never pickle). LiteLLM's proxy loads it from the
config's `complexity_router_config.classifier_plugin: routing_lab_plugin.classifier` (a dotted path
resolved beside the config file at startup); the complexity router calls `classify`, which returns the
tier the lab's router picks, and sends the request to that tier's model group, with the fallbacks in
`router_settings`.

It depends on nothing from the lab: the standard library, and litellm's own token counter for `length`
(the lab counts prompt tokens with it too). The classifier reproduces scikit-learn's
HashingVectorizer(ngram_range=(1, 2), alternate_sign=False) -> TfidfTransformer(sublinear_tf=True) ->
LogisticRegression scoring in pure Python (MurmurHash3 included), as the lab fitted it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

FORMAT = "routing-lab-plugin"
VERSION = 1
PARAMS_FILE = Path(__file__).with_suffix(".json")


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32-bit) as a signed int, as scikit-learn's murmurhash3_bytes_s32 computes it."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed & mask
    n_blocks = len(data) // 4
    for block in range(n_blocks):
        k = int.from_bytes(data[4 * block : 4 * block + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail = data[4 * n_blocks :]
    k = 0
    if len(tail) >= 3:
        k ^= tail[2] << 16
    if len(tail) >= 2:
        k ^= tail[1] << 8
    if tail:
        k ^= tail[0]
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * c2) & mask
        h ^= k
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def bucket_of(feature: str, n_buckets: int) -> int:
    """The hashing bucket of a word or bigram, as scikit-learn's FeatureHasher places it."""
    h = murmurhash3_32(feature.encode("utf-8"))
    if h == -(2**31):
        return (2**31 - 1 - (n_buckets - 1)) % n_buckets
    return abs(h) % n_buckets


def user_text(messages: Any) -> str:
    """The newest user message's text (string content, or its text parts joined by spaces)."""
    for message in reversed(list(messages or [])):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(
                    str(part.get("text", ""))
                    for part in content
                    if isinstance(part, dict) and part.get("type") == "text"
                )
            return ""
    return ""


class LengthRouter:
    """Prompt tokens (litellm's counter) against token cutoffs: at or above cutoff k, the prompt passes boundary k."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.token_model = str(params["token_model"])
        self.cutoffs_tokens = [None if c is None else int(c) for c in params["cutoffs_tokens"]]

    def tokens(self, text: str) -> int:
        """Prompt tokens as litellm counts them for the lab's token model."""
        import litellm

        return int(litellm.token_counter(model=self.token_model, text=text))

    def tier(self, text: str) -> int:
        """Number of cutoffs the prompt reaches."""
        n = self.tokens(text)
        return sum(1 for cutoff in self.cutoffs_tokens if cutoff is not None and n >= cutoff)


class ClassifierRouter:
    """P(needs a stronger model) from hashed words and bigrams, sublinear TF-IDF and logistic regression."""

    def __init__(self, params: dict[str, Any]) -> None:
        features = params["features"]
        self.n_buckets = int(features["hash_buckets"])
        self.lowercase = bool(features["lowercase"])
        self.token_pattern = re.compile(features["token_pattern"])
        self.weights = {
            int(b): (float(i), float(c)) for b, i, c in zip(params["buckets"], params["idf"], params["coef"])
        }
        self.intercept = float(params["intercept"])
        self.thresholds = [float(t) for t in params["thresholds"]]

    def terms(self, text: str) -> list[str]:
        """Words (two or more word characters) and word bigrams, as scikit-learn's word analyzer makes them."""
        words = self.token_pattern.findall(text.lower() if self.lowercase else text)
        return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]

    def score(self, text: str) -> float:
        """The classifier's probability that the prompt needs a stronger model."""
        counts: dict[int, int] = {}
        for term in self.terms(text):
            bucket = bucket_of(term, self.n_buckets)
            if bucket in self.weights:
                counts[bucket] = counts.get(bucket, 0) + 1
        values = {b: (1.0 + math.log(c)) * self.weights[b][0] for b, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        decision = self.intercept + (sum(v * self.weights[b][1] for b, v in values.items()) / norm if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-decision))

    def tier(self, text: str) -> int:
        """Number of thresholds the score is above."""
        s = self.score(text)
        return sum(1 for t in self.thresholds if s > t)


class LabClassifierPlugin:
    """A LiteLLM ClassifierPlugin: `await classify(context)` names the complexity tier for the request."""

    def __init__(self, params: dict[str, Any]) -> None:
        if params.get("format") != FORMAT or params.get("version") != VERSION:
            raise ValueError(f"not a {FORMAT} v{VERSION} parameter file: export it again with Routing Lab")
        self.strategy = params["strategy"]
        self.tier_names = [str(name) for name in params["tier_names"]]
        routers: dict[str, type[LengthRouter] | type[ClassifierRouter]] = {
            "length": LengthRouter,
            "classifier": ClassifierRouter,
        }
        if self.strategy not in routers:
            raise ValueError(f"unknown strategy {self.strategy!r} in the parameter file; known: {', '.join(routers)}")
        self.router: LengthRouter | ClassifierRouter = routers[self.strategy](params)

    def tier_name(self, text: str) -> str:
        """The complexity tier the lab's router picks for this prompt."""
        return self.tier_names[min(self.router.tier(text), len(self.tier_names) - 1)]

    async def classify(self, context: Any) -> str | None:
        """The tier for the request's newest user message (LiteLLM's RoutingContext)."""
        messages = getattr(context, "structured_messages", None) or getattr(context, "raw_messages", None)
        return self.tier_name(user_text(messages))


def load(path: str | Path = PARAMS_FILE) -> LabClassifierPlugin:
    """The plugin with its parameters read from a JSON file (by default the one beside this module)."""
    with open(path, encoding="utf-8") as fh:
        return LabClassifierPlugin(json.load(fh))


# What complexity_router_config.classifier_plugin names: built when LiteLLM imports the exported module.
classifier = load() if PARAMS_FILE.exists() else None
