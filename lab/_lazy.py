"""Lazy package exports: a subpackage names what it offers without importing every module up front.

Importing `lab.failures` must not pull in scikit-learn, nor `lab.present` pandas, because the Lab page's
first run avoids both (tests/test_architecture.py). A package lists its exports as name -> submodule and
each is imported on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package` that import each exported name from its submodule on first use."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
