"""Grading an answer against a reference: a final number (GSM8K style), a multiple-choice letter, or exact text.

The answer's final value follows its last 'Answer:' where it has one; else, for a number, the
last number in it; for a letter, the last letter standing alone as (B), B) or 'B.'. Text references
match after case, spaces and surrounding punctuation are normalised. Queries without a reference
go to an LLM judge (lab.live.prompts.JUDGE_PROMPT, read by lab.live.replies.parse_verdict).
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

GradeMethod = Literal["numeric", "choice", "exact", "judge"]

_ANSWER_LINE = re.compile(r"\banswer\s*\**\s*[:：]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
_CHOICE_REF = re.compile(r"\s*\(?([A-Ja-j])\)?\s*\.?\s*")
_CHOICE_IN_TEXT = re.compile(r"(?:\(([A-J])\)|\b([A-J])\)|\b([A-J])\.(?:\s|$)|^\s*([A-J])\s*$)", re.MULTILINE)


class Grade(BaseModel):
    """A graded answer: correct or not, and how it was decided."""

    model_config = ConfigDict(frozen=True)

    correct: bool
    method: GradeMethod


def _number(text: str) -> float | None:
    cleaned = text.replace("$", "").replace("#", " ")
    found = _NUMBER.findall(cleaned)
    if not found:
        return None
    try:
        return float(found[-1].replace(",", ""))
    except ValueError:
        return None


def _final_line(answer: str) -> str | None:
    lines = _ANSWER_LINE.findall(answer)
    return lines[-1] if lines else None


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".,;:!?\"'`*").strip().lower()


def reference_method(reference: str) -> GradeMethod:
    """How a reference is matched: a number, a choice letter A-J, or exact text."""
    if _CHOICE_REF.fullmatch(reference):
        return "choice"
    text = reference.strip().removeprefix("####").strip().replace(",", "").replace("$", "")
    try:
        float(text)
        return "numeric"
    except ValueError:
        return "exact"


def grade_against_reference(answer: str, reference: str) -> Grade:
    """Whether `answer`'s final value matches `reference` (numeric, choice or exact, decided by the reference)."""
    method = reference_method(reference)
    final = _final_line(answer)
    if method == "numeric":
        expected = _number(reference)
        got = _number(final if final is not None else answer)
        ok = expected is not None and got is not None and math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9)
        return Grade(correct=ok, method=method)
    if method == "choice":
        expected_letter = _CHOICE_REF.fullmatch(reference).group(1).upper()  # type: ignore[union-attr]
        source = final if final is not None else answer
        matches = _CHOICE_IN_TEXT.findall(source.upper() if final is not None else source)
        letters = [next(g for g in groups if g) for groups in matches]
        return Grade(correct=bool(letters) and letters[-1] == expected_letter, method=method)
    candidate = final if final is not None else answer
    return Grade(correct=_normalise(candidate) == _normalise(reference), method=method)
