"""What every `routing-lab` command shares: one-line usage errors, numeric options with a stated range, the
scenario options, and the output formats (strict JSON, aligned tables, intervals).

Every numeric option goes through add_ranged (tests/lab/cli/test_cli.py fails for one that does not).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import NoReturn

from lab.core.limits import MAX_QUERIES, MAX_SEED, MIN_QUERIES


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (`routing-lab: ...`) with exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print the problem as one line and exit with status 2 (no usage block)."""
        self.exit(2, f"routing-lab: {message}\n")


def _shown(bound: float) -> str:
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def ranged(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a `kind` read from the text and within [low, high] (NaN never is)."""
    noun = "an integer" if kind is int else "a number"
    span = f"give {noun} from {_shown(low)} to {_shown(high)}"

    def parse(text: str) -> float:
        shown = text if len(text) <= 40 else text[:40] + "…"
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{shown}' is not {noun}; {span}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown} is out of range; {span}")
        return value

    return parse


def add_ranged(
    parser: argparse.ArgumentParser, flag: str, kind: type[int] | type[float], low: float, high: float, help: str, **kw
) -> None:
    """Add a numeric option whose range is stated in --help and checked when parsed (outside it: one line, exit 2)."""
    parser.add_argument(flag, type=ranged(kind, low, high), help=f"{help} ({_shown(low)} to {_shown(high)})", **kw)


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    """The options naming an experiment: scenario, strategy, seed, synthetic size and the data directory."""
    p.add_argument("--scenario", default="customer-support", help="built-in scenario name or a YAML file")
    p.add_argument("--strategy", default=None, help="strategy name (see `routing-lab list strategies`)")
    add_ranged(p, "--seed", int, 0, MAX_SEED, "override the scenario's seed", default=None)
    add_ranged(
        p,
        "--queries",
        int,
        MIN_QUERIES,
        MAX_QUERIES,
        "number of synthetic queries; a size this machine's memory cannot hold is refused up front",
        default=None,
    )
    p.add_argument(
        "--data-dir", default=None, help="folder with the public data sets (else $ROUTING_LAB_DATA or the cache)"
    )


def strict_json(value):
    """`value` with every non-finite float (an undefined figure: PGR where the quality gap is 0) as None."""
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(payload: dict) -> str:
    """The CLI's JSON: always valid JSON (null where a figure is undefined, never a bare NaN)."""
    return json.dumps(strict_json(payload), indent=2, allow_nan=False)


def print_table(rows: list[tuple[str, str]]) -> None:
    """Print (name, value) rows with the names aligned."""
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def fmt_ci(ci: tuple[float, float], fmt: str) -> str:
    """An interval as `[low, high]` in a format spec."""
    return f"[{format(ci[0], fmt)}, {format(ci[1], fmt)}]"
