"""The whole app configuration <-> URL query parameters, so a link reproduces a view.

Pure and validated: `from_query_params` reads each parameter on its own, keeps what is valid and
reports what it ignored (one line per parameter, naming the fix); `to_query_params` writes only what
differs from the defaults, so links stay short. Whether a scenario or strategy exists is for the
caller to check against what is available.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_SCENARIO = "customer-support"
MAX_QUERIES = 2_000_000

Misroute = Literal["all", "under", "over", "right"]


class LabConfig(BaseModel):
    """Everything a view depends on. None means "the scenario's own value"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = DEFAULT_SCENARIO
    queries: int | None = Field(
        default=None, ge=10, le=MAX_QUERIES, description="synthetic scenarios: number of queries"
    )
    strategy: str | None = None
    thresholds: tuple[float, ...] | None = None
    target_share: float | None = Field(default=None, ge=0, le=1, description="calibrate to this share of strong calls")
    target_tiers: tuple[float, ...] | None = Field(
        default=None, description="calibrate to these shares of calls per tier, cheapest first (they add up to 1)"
    )
    failures: dict[str, float] = Field(default_factory=dict)
    compare: tuple[str, ...] = ()
    quality_target: float = Field(
        default=0.95, ge=0.5, le=1.0, description="Compare: quality retained at which savings are read"
    )
    category: tuple[str, ...] = ()
    misroute: Misroute = "all"
    queries_per_day: float | None = Field(default=None, gt=0, le=1e10)
    growth_per_month: float | None = Field(default=None, ge=-0.5, le=5)
    prompt_mix: float = Field(default=1.0, gt=0, le=100)
    output_mix: float = Field(default=1.0, gt=0, le=100)
    prices_per_mtok: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="model -> (input, output) USD per 1M tokens"
    )
    gallery_failure: str | None = Field(default=None, description="Failure gallery: the failure shown")
    gallery_severity: float | None = Field(default=None, ge=0, le=1, description="Failure gallery: its severity")
    browse: str | None = Field(default=None, description="Data page: the built-in scenario browsed")

    @field_validator("thresholds")
    @classmethod
    def _unit(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and (not value or any(not (0.0 <= t <= 1.0) for t in value)):
            raise ValueError("thresholds are numbers in [0, 1]")
        return value

    @field_validator("target_tiers")
    @classmethod
    def _tier_shares(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and (
            len(value) < 2 or any(not (0.0 <= s <= 1.0) for s in value) or abs(sum(value) - 1.0) > 1e-3
        ):
            raise ValueError("tier shares are numbers in [0, 1], one per tier, adding up to 1")
        return value

    @field_validator("failures")
    @classmethod
    def _severities(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not (0.0 <= s <= 1.0) for s in value.values()):
            raise ValueError("failure severities are numbers in [0, 1]")
        return value

    @field_validator("prices_per_mtok")
    @classmethod
    def _prices(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        if any(not (0.0 <= p < 1e6) for pair in value.values() for p in pair):
            raise ValueError("prices are USD per 1M tokens, at least 0")
        return value


# URL key -> (field, how to read it, how to write it, what a good value looks like)
def _floats(values: list[str]) -> tuple[float, ...]:
    out = tuple(float(v) for v in ",".join(values).split(",") if v.strip())
    if any(not math.isfinite(v) for v in out):
        raise ValueError("not a finite number")
    return out


def _float(values: list[str]) -> float:
    value = float(values[-1])
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _pairs(values: list[str]) -> dict[str, float]:
    out = {}
    for item in ",".join(values).split(","):
        if item.strip():
            name, sep, severity = item.rpartition(":")
            if not sep or not name:
                raise ValueError("write NAME:SEVERITY")
            out[name.strip()] = _float([severity])
    return out


def _prices_read(values: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in values:
        parts = item.rsplit(":", 2)
        if len(parts) != 3 or not parts[0]:
            raise ValueError("write MODEL:INPUT:OUTPUT in USD per 1M tokens")
        out[parts[0]] = (_float([parts[1]]), _float([parts[2]]))
    return out


def _num(value: float) -> str:
    return f"{value:.6g}"


_KEYS: dict[str, tuple[str, Callable[[list[str]], Any], Callable[[Any], str | list[str]], str]] = {
    "scenario": ("scenario", lambda v: v[-1], lambda x: x, "a scenario name"),
    "n": ("queries", lambda v: int(v[-1]), str, f"a whole number of queries from 10 to {MAX_QUERIES:,}"),
    "strategy": ("strategy", lambda v: v[-1], lambda x: x, "a strategy name"),
    "t": ("thresholds", _floats, lambda x: ",".join(_num(t) for t in x), "thresholds in [0, 1], comma-separated"),
    "share": ("target_share", _float, _num, "a share of strong calls in [0, 1]"),
    "tiers": (
        "target_tiers",
        _floats,
        lambda x: ",".join(_num(t) for t in x),
        "one share of calls per tier, cheapest first, comma-separated, adding up to 1",
    ),
    "fail": (
        "failures",
        _pairs,
        lambda x: ",".join(f"{k}:{_num(v)}" for k, v in x.items()),
        "NAME:SEVERITY pairs, severity in [0, 1]",
    ),
    "compare": (
        "compare",
        lambda v: tuple(s for s in ",".join(v).split(",") if s),
        lambda x: ",".join(x),
        "strategy names, comma-separated",
    ),
    "qt": ("quality_target", _float, _num, "a quality retained in [0.5, 1]"),
    "cat": ("category", lambda v: tuple(v), list, "category names"),
    "mis": ("misroute", lambda v: v[-1], lambda x: x, "one of all, under, over, right"),
    "qpd": ("queries_per_day", _float, _num, "queries per day, more than 0"),
    "growth": ("growth_per_month", _float, _num, "monthly growth from -0.5 to 5 (0.05 = 5%)"),
    "pmix": ("prompt_mix", _float, _num, "a multiplier on prompt tokens, more than 0"),
    "omix": ("output_mix", _float, _num, "a multiplier on output tokens, more than 0"),
    "price": (
        "prices_per_mtok",
        _prices_read,
        lambda x: [f"{k}:{_num(a)}:{_num(b)}" for k, (a, b) in x.items()],
        "MODEL:INPUT:OUTPUT in USD per 1M tokens",
    ),
    "gallery": ("gallery_failure", lambda v: v[-1], lambda x: x, "a failure mode name"),
    "gsev": ("gallery_severity", _float, _num, "a failure severity in [0, 1]"),
    "browse": ("browse", lambda v: v[-1], lambda x: x, "a built-in scenario name"),
}


def from_query_params(params: Mapping[str, Sequence[str] | str]) -> tuple[LabConfig, list[str]]:
    """The configuration a URL describes, and one message per parameter that was ignored (and why)."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for key, raw in params.items():
        if key not in _KEYS:
            continue  # other tools' parameters pass through untouched
        field, read, _, expected = _KEYS[key]
        items = [raw] if isinstance(raw, str) else [str(v) for v in raw]
        if not items:
            continue
        try:
            candidate = read(items)
            LabConfig.model_validate({field: candidate})
        except (ValueError, TypeError, ValidationError):
            problems.append(f"URL parameter '{key}={','.join(items)}' ignored: expected {expected}")
            continue
        values[field] = candidate
    return LabConfig.model_validate(values), problems


def to_query_params(config: LabConfig) -> dict[str, str | list[str]]:
    """The URL parameters of a configuration: only the fields that differ from the defaults."""
    default = LabConfig()
    out: dict[str, str | list[str]] = {}
    for key, (field, _, write, _) in _KEYS.items():
        value = getattr(config, field)
        if value is None or value == getattr(default, field):
            continue
        out[key] = write(value)
    return out


def url_params(config: LabConfig, current: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The whole URL query of a configuration: its parameters (as lists), and any other tool's parameters in
    `current` kept as they were (a link carries the view whatever page it was copied on)."""
    out = {k: v if isinstance(v, list) else [v] for k, v in to_query_params(config).items()}
    for key, values in current.items():
        if key not in _KEYS:
            out[key] = list(values)
    return out
