"""Replay recorded outcomes (public data sets and the user's logs) as QuerySets. See the replay issue."""

from __future__ import annotations

from pathlib import Path

from lab.classifier import RouterClassifier
from lab.errors import LabError
from lab.queryset import QuerySet
from lab.scenario import Scenario


def load_replay(scenario: Scenario, data_dir: str | Path | None = None) -> tuple[QuerySet, RouterClassifier | None]:
    """The query set a replay scenario names (filled in by the replay work)."""
    raise LabError(f"scenario '{scenario.name}': replayed data sets are not available in this build yet")
