"""YAML documents the user writes (scenarios, workshops): parsed safely, with one line naming where it broke."""

from __future__ import annotations

from typing import Any

import yaml

from lab.core.errors import LabError


def parse_yaml_mapping(text: str, origin: str, shape: str) -> dict[str, Any]:
    """The mapping at the top of a YAML document; a LabError naming `origin` (and the line) if it is not one.

    `shape` says what the mapping should hold, e.g. "a scenario is a YAML mapping with name, models and source".
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise LabError(f"{origin}:{line} is not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise LabError(f"{origin}: {shape}")
    return data
