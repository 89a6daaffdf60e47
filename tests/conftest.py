"""Shared fixtures: where the public outcome data is, and how a missing prerequisite is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def in_ci() -> bool:
    """True when running under CI, where a missing prerequisite is a failure, never a skip."""
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> None:
    """Skip locally with `reason`; fail under CI=true."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this is a failure, not a skip)")
    pytest.skip(reason)


def find_data_dir() -> Path | None:
    """$ROUTING_LAB_DATA, else ../shared/data beside the repository, else None."""
    env = os.environ.get("ROUTING_LAB_DATA")
    for candidate in ([Path(env)] if env else []) + [SHARED_DATA]:
        if candidate.is_dir() and (candidate / "routellm").is_dir():
            return candidate
    return None


@pytest.fixture(scope="session", autouse=True)
def replay_cache_dir(tmp_path_factory) -> Path:
    """The replay cache of this test session: a temporary folder (subprocesses inherit it), never the user's."""
    folder = tmp_path_factory.mktemp("replay-cache")
    os.environ["ROUTING_LAB_CACHE"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The public outcome data (RouteLLM, RouterArena)."""
    found = find_data_dir()
    if found is None:
        missing(
            "public outcome data not found: set ROUTING_LAB_DATA to a folder holding routellm/ and routerarena/ "
            "(or run `routing-lab data download`, which fetches them from the pinned upstream commits)"
        )
    return found
