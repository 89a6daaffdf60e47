"""YAML documents the user writes (scenarios, workshops): parsed safely, with one line naming where it broke."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
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


def read_named_yaml(name_or_path: str | Path, builtins: Mapping[str, Path], kind: str) -> tuple[str, str]:
    """The text of a built-in `kind` (scenario, workshop) by name, or of a file by path, and where it came from.

    An unknown name that is no file, or a file that cannot be read as UTF-8, is one LabError saying so.
    """
    key = str(name_or_path)
    if key in builtins:
        path = builtins[key]
    else:
        path = Path(key)
        if not path.is_file():
            raise LabError(f"unknown {kind} '{key}': not a built-in ({', '.join(builtins)}) and no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{path}: cannot read the {kind} ({exc.__class__.__name__}); save it as UTF-8 YAML") from None
    return text, str(path)
