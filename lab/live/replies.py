"""Strict readers of model replies: a router's rating, a judge's verdict, a verbalised confidence, log-probabilities.

Each accepts exactly the form its prompt asks for (surrounding spaces and one trailing full stop
allowed) and nothing else: a reply in prose, a refusal or an out-of-range number is malformed and
takes the stated fallback, counted, never a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

ROUTER_FALLBACK_RATING = 10  # a malformed rating sends the query to the strongest model: safe, dear
CONFIDENCE_FALLBACK = 0.0  # a malformed verbalised confidence escalates: safe, dear

Verdict = Literal["correct", "incorrect", "malformed"]
ConfidenceMethod = Literal["logprob", "verbalised", "verbalised-malformed"]

_RATING = re.compile(r"\s*(10|[1-9])\s*\.?\s*")
_PERCENT = re.compile(r"\s*(100|[1-9]?[0-9])\s*%?\s*\.?\s*")
_VERDICT = re.compile(r"\s*(CORRECT|INCORRECT)\s*\.?\s*", re.IGNORECASE)


class Rating(BaseModel):
    """A router's rating 1-10, or the fallback where the reply was malformed."""

    model_config = ConfigDict(frozen=True)

    rating: int
    malformed: bool


def parse_rating(reply: str | None) -> Rating:
    """'7' -> 7; anything but a whole number 1-10 is malformed and rated ROUTER_FALLBACK_RATING."""
    match = _RATING.fullmatch(reply or "")
    if match is None:
        return Rating(rating=ROUTER_FALLBACK_RATING, malformed=True)
    return Rating(rating=int(match.group(1)), malformed=False)


def parse_verdict(reply: str | None) -> Verdict:
    """'CORRECT' / 'INCORRECT' (any case) -> the verdict; anything else is 'malformed'."""
    match = _VERDICT.fullmatch(reply or "")
    if match is None:
        return "malformed"
    return "correct" if match.group(1).upper() == "CORRECT" else "incorrect"


def parse_confidence(reply: str | None) -> tuple[float, ConfidenceMethod]:
    """'85' or '85%' -> (0.85, verbalised); anything else -> (CONFIDENCE_FALLBACK, verbalised-malformed)."""
    match = _PERCENT.fullmatch(reply or "")
    if match is None:
        return CONFIDENCE_FALLBACK, "verbalised-malformed"
    return int(match.group(1)) / 100.0, "verbalised"


def logprob_confidence(logprobs: Sequence[float]) -> float | None:
    """exp(mean token log-probability) of an answer, in [0, 1]; None without usable log-probabilities."""
    values = [float(v) for v in logprobs if v is not None and math.isfinite(float(v))]
    if not values:
        return None
    return math.exp(min(0.0, sum(values) / len(values)))
