"""LiteLLM's complexity router as a strategy: each query's score is litellm's own weighted score.

LiteLLM's production complexity router (`auto_router/complexity_router`, `classifier_type: heuristic`)
scores a request locally, with no call: weighted keyword, length, reasoning-marker, multi-step and
question dimensions give one weighted score; tier boundaries (defaults 0.15 / 0.35 / 0.60) cut it into
SIMPLE, MEDIUM, COMPLEX and REASONING; and a prompt with two or more reasoning markers whose score
reaches `reasoning_override_min_score` goes to REASONING whatever the boundaries. This module runs that
code (`ComplexityRouter.classify`, on the ask litellm itself extracts from a user message) and never
re-implements it; only the mapping onto the lab's thresholds is the lab's:

- score = the weighted score in [0, 1] (with litellm's default weights it spans -0.15 .. 0.925; below 0 every
  boundary from 0 up sends a prompt to the cheapest tier, so those score 0), and 1.0 for a prompt the
  reasoning-marker override sends to the top tier, which no boundary can hold back;
- thresholds are the tier boundaries, the same numbers, one per pair of adjacent models (2 to 4 models,
  cheapest first): lab tier k is litellm's k-th tier and the strongest model takes every tier from there up;
- litellm moves a prompt up when score >= boundary, the lab when score > threshold. Scores are sums of a
  few weights, so they land on boundaries exactly (a single code keyword scores 0.15): the lab's score is
  the float just above litellm's (the same at any printed precision), so a threshold of 0.15 routes every
  prompt as litellm's boundary of 0.15 does, and an exported boundary is the lab's threshold unchanged.

The scorer's settings (weights, keyword lists, token thresholds, override floor) are read from the
installed litellm once and written out in full on export, so a later litellm with other defaults still
scores as the lab measured. litellm is imported lazily, offline (LITELLM_LOCAL_MODEL_COST_MAP=True).
A classify call is litellm's Python per prompt; each distinct text is scored once and the scores of a
query set are kept in a small bounded cache, so failure worlds and rebuilt experiments reuse them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from lab.core.distinct import distinct_texts
from lab.core.errors import LabError

TIER_NAMES = ("SIMPLE", "MEDIUM", "COMPLEX", "REASONING")
BOUNDARY_KEYS = ("simple_medium", "medium_complex", "complex_reasoning")
# litellm 1.110's DEFAULT_TIER_BOUNDARIES (a test checks them against the installed litellm): the lab's defaults
LITELLM_DEFAULT_BOUNDARIES = (0.15, 0.35, 0.60)
DEFAULT_THRESHOLDS = LITELLM_DEFAULT_BOUNDARIES
# The reasoning-marker override's floor. litellm's default tracks simple_medium (0.15); the lab fixes it at
# that default so the override does not move with the first threshold, and writes it out on export.
OVERRIDE_MIN_SCORE = 0.15
MAX_MODELS = len(TIER_NAMES)
# Boundaries no score reaches: classify then names REASONING only when the override fired.
_UNREACHABLE = 2.0


def lab_scores(weighted: np.ndarray, override: np.ndarray) -> np.ndarray:
    """Scores in [0, 1] where score > t exactly when litellm's weighted score >= t (t in [0, 1]); 1.0 for the override."""
    weighted = np.asarray(weighted, dtype=np.float64)
    above = np.nextafter(np.minimum(weighted, 1.0), np.inf)  # the float just above: > t is litellm's >= t
    inside = np.where(weighted < 0.0, 0.0, np.where(weighted >= 1.0, 1.0, above))
    return np.where(override, 1.0, inside)


def import_litellm() -> Any:
    """litellm, imported offline: the bundled price map, and no tokenizer download for llama/deepseek names."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.disable_hf_tokenizer_download = True
    return litellm


def scorer_settings() -> dict[str, Any]:
    """Every setting litellm's heuristic scorer reads, as the installed litellm defines its defaults (JSON-ready)."""
    import_litellm()
    from litellm.router_strategy.complexity_router import config as cfg

    return {
        "classifier_type": "heuristic",
        "dimension_weights": dict(cfg.DEFAULT_DIMENSION_WEIGHTS),
        "token_thresholds": dict(cfg.DEFAULT_TOKEN_THRESHOLDS),
        "code_keywords": list(cfg.DEFAULT_CODE_KEYWORDS),
        "reasoning_keywords": list(cfg.DEFAULT_REASONING_KEYWORDS),
        "technical_keywords": list(cfg.DEFAULT_TECHNICAL_KEYWORDS),
        "simple_keywords": list(cfg.DEFAULT_SIMPLE_KEYWORDS),
        "custom_technical_keywords": [],
        "custom_dimensions": [],
        "reasoning_override_min_score": OVERRIDE_MIN_SCORE,
    }


def litellm_default_boundaries() -> tuple[float, ...]:
    """The installed litellm's default tier boundaries, in BOUNDARY_KEYS order."""
    import_litellm()
    from litellm.router_strategy.complexity_router.config import DEFAULT_TIER_BOUNDARIES

    return tuple(float(DEFAULT_TIER_BOUNDARIES[key]) for key in BOUNDARY_KEYS)


def check_model_count(n_models: int) -> None:
    """LiteLLM's complexity router has four tiers: two to four models map onto them."""
    if not 2 <= n_models <= MAX_MODELS:
        raise LabError(
            f"litellm-complexity maps models onto LiteLLM's {MAX_MODELS} complexity tiers; this scenario has "
            f"{n_models} models (use 2 to {MAX_MODELS})"
        )


def boundaries_for(thresholds: tuple[float, ...] | list[float]) -> dict[str, float]:
    """litellm tier_boundaries routing as these lab thresholds (one per model boundary; unused tiers collapse)."""
    values = [float(t) for t in thresholds]
    if not 1 <= len(values) <= len(BOUNDARY_KEYS):
        raise LabError(f"litellm-complexity takes 1 to {len(BOUNDARY_KEYS)} thresholds, not {len(values)}")
    values += [values[-1]] * (len(BOUNDARY_KEYS) - len(values))
    return dict(zip(BOUNDARY_KEYS, values))


def tier_models(model_names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """litellm tier -> model name: tier k to model k, and the strongest model for every tier from its own up."""
    check_model_count(len(model_names))
    return {tier: model_names[min(k, len(model_names) - 1)] for k, tier in enumerate(TIER_NAMES)}


def tier_index(tier_name: str, n_models: int) -> int:
    """The lab tier (model index) a litellm tier name routes to among `n_models`."""
    return min(TIER_NAMES.index(tier_name), n_models - 1)


@dataclass(frozen=True, eq=False)
class ComplexityScores:
    """Per query: litellm's weighted score, and whether its reasoning-marker override fired."""

    weighted: np.ndarray  # (n,) float64, as litellm computes it
    override: np.ndarray  # (n,) bool: two or more reasoning markers and weighted >= OVERRIDE_MIN_SCORE

    @property
    def score(self) -> np.ndarray:
        """The lab's score in [0, 1] (see lab_scores): 1.0 where the override sends a prompt to the top."""
        return lab_scores(self.weighted, self.override)


def scoring_router() -> Any:
    """A ComplexityRouter with the lab's scorer settings whose boundaries no score reaches (only the override names REASONING)."""
    import_litellm()
    from litellm.router_strategy.complexity_router.complexity_router import ComplexityRouter

    config = {**scorer_settings(), "tier_boundaries": dict.fromkeys(BOUNDARY_KEYS, _UNREACHABLE)}
    return ComplexityRouter(model_name="routing-lab-scorer", ctx=None, complexity_router_config=config)


def ask_of(text: str) -> str:
    """The ask litellm's complexity router scores when `text` is sent as the one user message (its own extraction)."""
    import_litellm()
    from litellm.router_strategy.complexity_router.complexity_router import _extract_current_ask_and_system_prompt

    ask, _ = _extract_current_ask_and_system_prompt([{"role": "user", "content": text}])
    return ask or ""


@lru_cache(maxsize=4)
def _distinct_scores(texts: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    router = scoring_router()
    weighted = np.empty(len(texts))
    override = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):  # litellm's scorer is Python per prompt: once per distinct text
        tier, score, _ = router.classify(ask_of(text))
        weighted[i] = score
        override[i] = tier.value == "REASONING"
    weighted.flags.writeable = False
    override.flags.writeable = False
    return weighted, override


def complexity_scores(texts: np.ndarray | list[str]) -> ComplexityScores:
    """litellm's complexity score of each text, each distinct text scored once (and kept for the last few query sets)."""
    uniques, inverse = distinct_texts(texts)
    if not uniques:
        return ComplexityScores(np.zeros(0), np.zeros(0, dtype=bool))
    weighted, override = _distinct_scores(tuple(uniques))
    return ComplexityScores(weighted[inverse], override[inverse])
